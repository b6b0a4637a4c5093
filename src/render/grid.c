/* grid.c — the character grid, its UTF-8 rows and their ANSI colours. */
#include "grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID_MAX 4096

const char *const grid_color_names[GRID_COLOR_COUNT] = {
	[GRID_DEFAULT] = "default",
	[GRID_BLACK]   = "black",
	[GRID_RED]     = "red",
	[GRID_GREEN]   = "green",
	[GRID_YELLOW]  = "yellow",
	[GRID_BLUE]    = "blue",
	[GRID_MAGENTA] = "magenta",
	[GRID_CYAN]    = "cyan",
	[GRID_WHITE]   = "white",
};

const char *const grid_colors_names[GRID_COLORS_COUNT] = {
	[GRID_MONO]       = "mono",
	[GRID_COLORS_8]   = "8",
	[GRID_COLORS_256] = "256",
	[GRID_COLORS_TRUE] = "truecolor",
};

static const GridCell blank = { ' ', { GRID_DEFAULT, GRID_DEFAULT, 0 } };

static int check_size(int w, int h, Err *e)
{
	if (w < 1 || h < 1 || w > GRID_MAX || h > GRID_MAX)
		return err_set(e, ERR_INVAL, "grid size must be 1..%d x 1..%d, got %dx%d",
			       GRID_MAX, GRID_MAX, w, h);
	return 0;
}

Grid *grid_new(int w, int h, Err *e)
{
	if (check_size(w, h, e))
		return NULL;
	Grid *g = calloc(1, sizeof *g);
	if (!g) {
		err_set(e, ERR_NOMEM, "out of memory for a %dx%d grid", w, h);
		return NULL;
	}
	if (grid_resize(g, w, h, e)) {
		free(g);
		return NULL;
	}
	return g;
}

void grid_free(Grid *g)
{
	if (!g)
		return;
	free(g->cell);
	free(g);
}

int grid_resize(Grid *g, int w, int h, Err *e)
{
	int rc = check_size(w, h, e);
	if (rc)
		return rc;
	GridCell *c = malloc((size_t)w * (size_t)h * sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "out of memory for a %dx%d grid", w, h);
	free(g->cell);
	g->cell = c;
	g->w = w;
	g->h = h;
	grid_unclip(g);
	grid_clear(g);
	return 0;
}

void grid_clear(Grid *g)
{
	size_t n = (size_t)g->w * (size_t)g->h;
	for (size_t i = 0; i < n; i++)
		g->cell[i] = blank;
}

void grid_clip(Grid *g, int x, int y, int w, int h)
{
	int x1 = w > 0 ? x + w : x, y1 = h > 0 ? y + h : y;
	if (x > g->cx0)
		g->cx0 = x;
	if (y > g->cy0)
		g->cy0 = y;
	if (x1 < g->cx1)
		g->cx1 = x1;
	if (y1 < g->cy1)
		g->cy1 = y1;
	if (g->cx1 < g->cx0)
		g->cx1 = g->cx0;
	if (g->cy1 < g->cy0)
		g->cy1 = g->cy0;
}

void grid_unclip(Grid *g)
{
	g->cx0 = 0;
	g->cy0 = 0;
	g->cx1 = g->w;
	g->cy1 = g->h;
}

void grid_put(Grid *g, int x, int y, uint32_t cp, Style st)
{
	if (x < g->cx0 || x >= g->cx1 || y < g->cy0 || y >= g->cy1)
		return;
	GridCell *c = &g->cell[(size_t)y * (size_t)g->w + (size_t)x];
	c->cp = cp;
	c->st = st;
}

void grid_fill(Grid *g, int x, int y, int w, int h, uint32_t cp, Style st)
{
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++)
			grid_put(g, i, j, cp, st);
}

const GridCell *grid_at(const Grid *g, int x, int y)
{
	if (x < 0 || x >= g->w || y < 0 || y >= g->h)
		return NULL;
	return &g->cell[(size_t)y * (size_t)g->w + (size_t)x];
}

/* Decode one code point from s; *len gets the bytes used (>= 1).  Invalid
 * sequences (overlong, surrogates, beyond U+10FFFF, cut short) give '?'. */
static uint32_t utf8_next(const unsigned char *s, int *len)
{
	uint32_t c = s[0];
	int n;
	uint32_t min;
	*len = 1;
	if (c < 0x80)
		return c;
	if ((c & 0xe0) == 0xc0) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return '?';
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return '?';	/* also stops at the NUL */
		c = (c << 6) | (s[i] & 0x3f);
	}
	*len = n + 1;
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return '?';
	return c;
}

int grid_text(Grid *g, int x, int y, const char *utf8, Style st)
{
	const unsigned char *s = (const unsigned char *)utf8;
	int col = 0;
	while (*s) {
		int len;
		uint32_t cp = utf8_next(s, &len);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = '?';
		grid_put(g, x + col, y, cp, st);
		col++;
		s += len;
	}
	return col;
}

int grid_text_fit(Grid *g, int x, int y, int maxw, const char *utf8, Style st, int ascii)
{
	if (maxw <= 0)
		return 0;
	int n = grid_text_width(utf8);
	if (n <= maxw)
		return grid_text(g, x, y, utf8, st);
	const unsigned char *s = (const unsigned char *)utf8;
	for (int col = 0; col < maxw - 1; col++) {
		int len;
		uint32_t cp = utf8_next(s, &len);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = '?';
		grid_put(g, x + col, y, cp, st);
		s += len;
	}
	grid_put(g, x + maxw - 1, y, ascii ? '.' : 0x2026, st);
	return maxw;
}

int grid_text_width(const char *utf8)
{
	int n = 0;
	for (const unsigned char *s = (const unsigned char *)utf8; *s; n++) {
		int len;
		utf8_next(s, &len);
		s += len;
	}
	return n;
}

size_t grid_text_prefix(const char *utf8, int cols)
{
	const unsigned char *s = (const unsigned char *)utf8;
	for (int n = 0; *s && n < cols; n++) {
		int len;
		utf8_next(s, &len);
		s += len;
	}
	return (size_t)(s - (const unsigned char *)utf8);
}

size_t grid_text_wrap(const char *utf8, int cols)
{
	size_t n = grid_text_prefix(utf8, cols);
	if (!utf8[n] || utf8[n] == ' ' || n == 0 || utf8[n - 1] == ' ')
		return n;	/* the end, or the cut falls between words */
	size_t floor = grid_text_prefix(utf8, cols - cols / 3);
	for (size_t k = n; k > floor; k--)
		if (utf8[k - 1] == ' ')
			return k;
	return n;
}

int grid_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char grid_ascii(uint32_t cp)
{
	if (cp < 0x80)
		return cp < 0x20 || cp == 0x7f ? '?' : (char)cp;
	if (cp >= 0x2800 && cp <= 0x28ff) {
		/* Braille: dots 1, 2, 4, 5 are the upper half, 3, 6, 7, 8 the lower. */
		unsigned m = cp - 0x2800;
		int up = (m & 0x1b) != 0, down = (m & 0xe4) != 0;
		return up && down ? ':' : up ? '\'' : down ? '.' : ' ';
	}
	switch (cp) {
	case 0x2500: case 0x2501: case 0x2504: case 0x2505: case 0x2508:
	case 0x2509: case 0x254c: case 0x254d: case 0x2550: case 0x2574:
	case 0x2576: case 0x2212: case 0x2013: case 0x2014:
		return '-';
	case 0x2502: case 0x2503: case 0x2506: case 0x2507: case 0x250a:
	case 0x250b: case 0x254e: case 0x254f: case 0x2551: case 0x2575:
	case 0x2577: case 0x258f: case 0x2595:
		return '|';
	case 0x2591: return '.';	/* light shade */
	case 0x2592: return '=';	/* medium shade */
	case 0x2593: return '#';	/* dark shade */
	case 0x2588: return '@';	/* full block */
	case 0x2580: return '"';	/* upper half */
	case 0x2584: case 0x2581: return '_';
	case 0x2026: case 0x00b7: case 0x2219: return '.';
	case 0x2022: case 0x25cf: case 0x25cb: return 'o';
	case 0x00d7: return 'x';
	case 0x00a0: return ' ';
	}
	if (cp >= 0x2500 && cp <= 0x257f)
		return '+';	/* corners, tees, crosses */
	if (cp >= 0x2580 && cp <= 0x259f)
		return '#';
	return '?';
}

/* Output that counts what it could not store, like snprintf. */
typedef struct Out {
	char *buf;
	size_t cap, len;
} Out;

static void out_bytes(Out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void out_str(Out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

static void out_finish(Out *o)
{
	if (o->cap == 0)
		return;
	o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
}

/* One SGR colour parameter for c as foreground (base 30) or background
 * (base 40). */
static int sgr_color(char *p, size_t cap, uint32_t c, int base)
{
	if (GRID_IS_RGB(c))
		return snprintf(p, cap, ";%d;2;%u;%u;%u", base + 8, (unsigned)(c >> 16) & 0xff,
				(unsigned)(c >> 8) & 0xff, (unsigned)c & 0xff);
	if (GRID_IS_XTERM(c))
		return snprintf(p, cap, ";%d;5;%d", base + 8, GRID_XTERM_INDEX(c));
	if (c == GRID_DEFAULT || c >= GRID_COLOR_COUNT)
		return 0;
	return snprintf(p, cap, ";%d", base + (int)c - GRID_BLACK);
}

size_t grid_sgr(Style st, char *seq)
{
	const size_t cap = GRID_SGR_MAX;	/* "\x1b[0;1;2;38;2;255;255;255;48;2;255;255;255m": 46 */
	size_t n = (size_t)snprintf(seq, cap, "\x1b[0");
	if (st.attr & GRID_BOLD)
		n += (size_t)snprintf(seq + n, cap - n, ";1");
	if (st.attr & GRID_DIM)
		n += (size_t)snprintf(seq + n, cap - n, ";2");
	n += (size_t)sgr_color(seq + n, cap - n, st.fg, 30);
	n += (size_t)sgr_color(seq + n, cap - n, st.bg, 40);
	n += (size_t)snprintf(seq + n, cap - n, "m");
	return n;
}

/* The full SGR sequence that puts the terminal in style st from scratch. */
static void out_style(Out *o, Style st)
{
	char seq[GRID_SGR_MAX];
	out_bytes(o, seq, grid_sgr(st, seq));
}

static int style_eq(Style a, Style b)
{
	return a.fg == b.fg && a.bg == b.bg && a.attr == b.attr;
}

static int style_plain(Style s)
{
	return s.fg == GRID_DEFAULT && s.bg == GRID_DEFAULT && s.attr == 0;
}

static void out_row(Out *o, const Grid *g, int y, int flags)
{
	const GridCell *row = &g->cell[(size_t)y * (size_t)g->w];
	int ansi = flags & GRID_OUT_ANSI;
	int end = g->w;
	if (flags & GRID_OUT_TRIM) {
		while (end > 0 && row[end - 1].cp == ' ' &&
		       (!ansi || row[end - 1].st.bg == GRID_DEFAULT))
			end--;
	}
	Style cur = blank.st;
	for (int x = 0; x < end; x++) {
		const GridCell *c = &row[x];
		if (ansi && !style_eq(c->st, cur)) {
			out_style(o, c->st);
			cur = c->st;
		}
		char u[4];
		if (flags & GRID_OUT_ASCII) {
			u[0] = grid_ascii(c->cp);
			out_bytes(o, u, 1);
		} else {
			uint32_t cp = c->cp < 0x20 || c->cp > 0x10ffff ? '?' : c->cp;
			out_bytes(o, u, (size_t)grid_utf8_encode(cp, u));
		}
	}
	if (ansi && !style_plain(cur))
		out_str(o, "\x1b[0m");
}

size_t grid_row_utf8(const Grid *g, int y, char *buf, size_t cap, int flags)
{
	Out o = { buf, cap, 0 };
	if (y >= 0 && y < g->h)
		out_row(&o, g, y, flags);
	out_finish(&o);
	return o.len;
}

size_t grid_utf8(const Grid *g, char *buf, size_t cap, int flags)
{
	Out o = { buf, cap, 0 };
	for (int y = 0; y < g->h; y++) {
		out_row(&o, g, y, flags);
		out_bytes(&o, "\n", 1);
	}
	out_finish(&o);
	return o.len;
}
