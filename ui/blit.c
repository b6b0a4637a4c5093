/* blit.c — Grid cells to curses cells, and 24-bit colour past curses.
 *
 * Colours curses can show go through colour pairs: a fixed pair for each
 * named fg x bg (1 + fg * GRID_COLOR_COUNT + bg, as tui_draw.c's log uses
 * for its errors), and pairs made on demand for xterm colours on a
 * terminal with 256 of them.
 *
 * 24-bit colour goes past curses, on purpose.  ncurses 6 emits it only
 * when the terminfo entry itself is direct colour (xterm-direct: the RGB
 * capability, colors#0x1000000; init_extended_pair then takes 0xRRGGBB as
 * colour numbers).  The usual truecolor terminal says so differently:
 * TERM=xterm-256color (or tmux-256color, ...) with COLORTERM=truecolor,
 * an entry that knows 256 colours; the -direct entries are not even
 * installed on a plain Debian (they are in ncurses-term), and running
 * curses on an entry other than the user's TERM would change more than
 * colours.  Redefining palette slots instead (can_change_color, init_color)
 * would recolour every other program's text in that terminal, and outlive
 * a crash.  So: curses draws every cell with the nearest colour it can
 * show (xterm's palette, nearest in OKLab; the eight named ones on smaller
 * terminals), and after doupdate() blit_overlay writes the cells whose
 * colour goes past curses again with their exact SGR (38;2;r;g;b,
 * 48;2;r;g;b), between DECSC and DECRC (ESC 7, ESC 8), which put back the
 * cursor and the attributes curses believes the terminal has.
 *
 * Why that holds: curses writes to a row only when what it holds for the
 * row changed since it last sent it (it may then rewrite unchanged cells
 * too: writing through is sometimes cheaper than moving the cursor), or
 * when it repaints the screen (a resize: blit_invalidate).  What curses
 * holds for a cell is a function of the grid cell, so a grid row equal to
 * the one overlaid last time is a row curses did not touch; every other
 * row with such cells (now or before) is written again.  term.c turns
 * typeahead checks off, so doupdate never stops half-way with rows still
 * to send, and idlok stays off (curses never scrolls rows it did not
 * write).  Only the pane is blitted; no other window overlaps it.
 * A direct-colour entry is handled the same way (its colour numbers past 7
 * are RGB, not the xterm palette).
 */
#include "blit.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define NAMED_PAIRS (GRID_COLOR_COUNT * GRID_COLOR_COUNT)

static short curses_named(uint32_t c)
{
	static const short map[GRID_COLOR_COUNT] = { -1, COLOR_BLACK, COLOR_RED, COLOR_GREEN, COLOR_YELLOW,
						     COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN, COLOR_WHITE };
	return c < GRID_COLOR_COUNT ? map[c] : -1;
}

GridColors blit_init(Blit *b)
{
	memset(b, 0, sizeof *b);
	b->force = 1;
	if (!has_colors())
		return GRID_MONO;
	start_color();
	use_default_colors();
	b->can_change = can_change_color();
	if (COLORS < 8 || COLOR_PAIRS < 16)
		return GRID_MONO;
	b->colors = COLORS;
	b->direct = COLORS >= 0x1000000;
	b->pairs = COLOR_PAIRS > SHRT_MAX ? SHRT_MAX : COLOR_PAIRS;
	b->fg_bg = b->pairs > NAMED_PAIRS;
	for (int fg = 0; fg < GRID_COLOR_COUNT; fg++)
		for (int bg = 0; bg < (b->fg_bg ? GRID_COLOR_COUNT : 1); bg++)
			init_pair((short)(1 + fg * GRID_COLOR_COUNT + bg), curses_named((uint32_t)fg),
				  curses_named((uint32_t)bg));
	b->next_pair = 1 + NAMED_PAIRS;
	colormap_palette_init(&b->pal);
	return b->direct ? GRID_COLORS_TRUE : COLORS >= 256 ? GRID_COLORS_256 : GRID_COLORS_8;
}

void blit_done(Blit *b)
{
	free(b->prev);
	b->prev = NULL;
}

void blit_invalidate(Blit *b)
{
	b->force = 1;
}

int blit_named_pair(const Blit *b, GridColor fg, GridColor bg)
{
	if (!b->colors || fg >= GRID_COLOR_COUNT || bg >= GRID_COLOR_COUNT)
		return 0;
	return 1 + (int)fg * GRID_COLOR_COUNT + (b->fg_bg ? (int)bg : 0);
}

/* Does colour c go past curses on this terminal? */
static int raw_color(const Blit *b, uint32_t c)
{
	if (GRID_IS_RGB(c))
		return 1;
	return GRID_IS_XTERM(c) && (b->colors < 256 || b->direct);
}

static int raw_cell(const Blit *b, const GridCell *c)
{
	return raw_color(b, c->st.fg) || raw_color(b, c->st.bg);
}

/* The colour curses shows for c: c itself, or its nearest (an xterm colour
 * with 256, else a named one); remembered, as heatmaps repeat theirs. */
static uint32_t shown(Blit *b, uint32_t c)
{
	if (!raw_color(b, c))
		return c;
	unsigned h = (unsigned)(c * 2654435761u) % BLIT_CACHE;
	for (int probe = 0; probe < 8; probe++) {
		BlitNear *n = &b->near[(h + (unsigned)probe) % BLIT_CACHE];
		if (n->key == c + 1)
			return n->to;
		if (!n->key || probe == 7) {
			uint32_t rgb = colormap_style_rgb(c, 0);
			n->key = c + 1;
			n->to = b->colors >= 256 && !b->direct ? GRID_XTERM(colormap_palette_nearest(&b->pal, rgb))
							       : (uint32_t)colormap_ansi(rgb);
			return n->to;
		}
	}
	return GRID_DEFAULT;
}

/* A pair for fg and bg, either of them an xterm colour: made once. */
static int xterm_pair(Blit *b, uint32_t fg, uint32_t bg)
{
	short cf = GRID_IS_XTERM(fg) ? (short)GRID_XTERM_INDEX(fg) : curses_named(fg);
	short cb = GRID_IS_XTERM(bg) ? (short)GRID_XTERM_INDEX(bg) : curses_named(bg);
	uint32_t kf = (uint32_t)(cf + 2), kb = (uint32_t)(cb + 2);
	unsigned h = (kf * 31u + kb * 2654435761u) % BLIT_CACHE;
	for (int probe = 0; probe < BLIT_CACHE; probe++) {
		BlitPair *p = &b->pair[(h + (unsigned)probe) % BLIT_CACHE];
		if (p->fg == kf && p->bg == kb)
			return p->pair;
		if (p->fg)
			continue;
		if (b->next_pair >= b->pairs || b->npairs >= BLIT_CACHE / 2) {
			/* full: start again (curses redraws what used a redefined pair) */
			memset(b->pair, 0, sizeof b->pair);
			b->npairs = 0;
			b->next_pair = 1 + NAMED_PAIRS;
			if (b->next_pair >= b->pairs)
				return 0;
			return xterm_pair(b, fg, bg);
		}
		p->fg = kf;
		p->bg = kb;
		p->pair = b->next_pair++;
		b->npairs++;
		init_pair((short)p->pair, cf, cb);
		return p->pair;
	}
	return 0;
}

static attr_t attrs_of(Blit *b, Style st, int *pair)
{
	attr_t a = A_NORMAL;
	if (st.attr & GRID_BOLD)
		a |= A_BOLD;
	if (st.attr & GRID_DIM)
		a |= A_DIM;
	*pair = 0;
	if (!b->colors) {
		if (st.bg != GRID_DEFAULT)
			a |= A_REVERSE;
		return a;
	}
	uint32_t fg = shown(b, st.fg), bg = shown(b, st.bg);
	if (GRID_IS_XTERM(fg) || GRID_IS_XTERM(bg)) {
		if (b->fg_bg && (*pair = xterm_pair(b, fg, bg)))
			return a;
		fg = GRID_IS_XTERM(fg) ? (uint32_t)colormap_ansi(colormap_style_rgb(fg, 0)) : fg;
		bg = GRID_IS_XTERM(bg) ? (uint32_t)colormap_ansi(colormap_style_rgb(bg, 0)) : bg;
	}
	if (!b->fg_bg && bg != GRID_DEFAULT) {
		/* no background pairs: show a coloured background as reverse */
		fg = bg;
		bg = GRID_DEFAULT;
		a |= A_REVERSE;
	}
	if (fg != GRID_DEFAULT || bg != GRID_DEFAULT)
		*pair = blit_named_pair(b, (GridColor)fg, (GridColor)bg);
	return a;
}

void blit_grid(Blit *b, WINDOW *win, const Grid *g, int gx, int gy, int w, int h, int wx, int wy)
{
	for (int y = 0; y < h; y++) {
		const GridCell *row = grid_at(g, gx, gy + y);
		if (!row)
			break;
		wmove(win, wy + y, wx);
		for (int x = 0; x < w && gx + x < g->w; x++) {
			const GridCell *c = row + x;
			int pair;
			attr_t a = attrs_of(b, c->st, &pair);
			wchar_t wc[2] = { (wchar_t)c->cp, 0 };
			cchar_t cc;
			setcchar(&cc, wc, a, (short)pair, NULL);
			wadd_wch(win, &cc);
		}
	}
	int by, bx;
	getbegyx(win, by, bx);
	b->g = g;
	b->gx = gx;
	b->gy = gy;
	b->w = gx + w <= g->w ? w : g->w - gx;
	b->h = gy + h <= g->h ? h : g->h - gy;
	b->sx = bx + wx;
	b->sy = by + wy;
}

/* A growing byte buffer for one overlay. */
typedef struct Bytes {
	char *p;
	size_t len, cap;
} Bytes;

static void put(Bytes *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16384;
		while (cap < o->len + n)
			cap *= 2;
		char *q = realloc(o->p, cap);
		if (!q)
			return;
		o->p = q;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(STDOUT_FILENO, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static int style_eq(Style a, Style c)
{
	return a.fg == c.fg && a.bg == c.bg && a.attr == c.attr;
}

static int row_eq(const GridCell *a, const GridCell *c, int w)
{
	for (int x = 0; x < w; x++)
		if (a[x].cp != c[x].cp || !style_eq(a[x].st, c[x].st))
			return 0;
	return 1;
}

void blit_overlay(Blit *b)
{
	const Grid *g = b->g;
	if (!g)
		return;
	b->g = NULL;
	const int w = b->w, h = b->h;
	if (w <= 0 || h <= 0)
		return;
	int same = b->prev && b->pw == w && b->ph == h && b->px == b->sx && b->py == b->sy && !b->force;
	if (!same && (!b->prev || b->pw * b->ph != w * h)) {
		GridCell *p = realloc(b->prev, (size_t)w * (size_t)h * sizeof *p);
		if (!p)
			return;
		b->prev = p;
	}
	Bytes o = { 0 };
	int any = 0;
	for (int y = 0; y < h; y++) {
		const GridCell *row = grid_at(g, b->gx, b->gy + y);
		GridCell *old = b->prev + (size_t)y * (size_t)w;
		if (same && row_eq(row, old, w))
			continue;	/* curses did not write to this row */
		int cx = -1;
		Style cur = { 0xffffffffu, 0, 0 };
		for (int x = 0; x < w; x++) {
			if (!raw_cell(b, &row[x]) && !(same && raw_cell(b, &old[x])))
				continue;
			if (!any) {
				put(&o, "\x1b" "7", 2);	/* DECSC */
				any = 1;
			}
			char seq[GRID_SGR_MAX + 16];
			if (cx != x) {
				int n = snprintf(seq, sizeof seq, "\x1b[%d;%dH", b->sy + y + 1, b->sx + x + 1);
				put(&o, seq, (size_t)n);
			}
			if (!style_eq(cur, row[x].st)) {
				put(&o, seq, grid_sgr(row[x].st, seq));
				cur = row[x].st;
			}
			uint32_t cp = row[x].cp < 0x20 || row[x].cp > 0x10ffff ? '?' : row[x].cp;
			put(&o, seq, (size_t)grid_utf8_encode(cp, seq));
			cx = x + 1;
		}
		memcpy(old, row, (size_t)w * sizeof *row);
	}
	if (any) {
		put(&o, "\x1b[0m\x1b" "8", 6);	/* back to normal, DECRC */
		write_all(o.p, o.len);
	}
	free(o.p);
	b->pw = w;
	b->ph = h;
	b->px = b->sx;
	b->py = b->sy;
	b->force = 0;
}
