/* blit.c — Grid cells to curses cells. */
#include "blit.h"

#include <wchar.h>

static GridColors mode = GRID_MONO;
static int pairs_fg_bg;		/* 1: a pair for every fg x bg, 0: fg only */

static short curses_color(int c)
{
	static const short map[GRID_COLOR_COUNT] = { -1, COLOR_BLACK, COLOR_RED, COLOR_GREEN, COLOR_YELLOW,
						     COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN, COLOR_WHITE };
	return c >= 0 && c < GRID_COLOR_COUNT ? map[c] : -1;
}

GridColors blit_init_colors(int no_color)
{
	mode = GRID_MONO;
	if (no_color || !has_colors())
		return mode;
	start_color();
	use_default_colors();
	if (COLORS < 8 || COLOR_PAIRS < 16)
		return mode;
	pairs_fg_bg = COLOR_PAIRS > GRID_COLOR_COUNT * GRID_COLOR_COUNT;
	for (int fg = 0; fg < GRID_COLOR_COUNT; fg++)
		for (int bg = 0; bg < (pairs_fg_bg ? GRID_COLOR_COUNT : 1); bg++)
			init_pair((short)(1 + fg * GRID_COLOR_COUNT + bg), curses_color(fg), curses_color(bg));
	mode = GRID_COLORS_8;
	return mode;
}

static attr_t attrs_of(Style st, short *pair)
{
	attr_t a = A_NORMAL;
	if (st.attr & GRID_BOLD)
		a |= A_BOLD;
	if (st.attr & GRID_DIM)
		a |= A_DIM;
	*pair = 0;
	if (mode != GRID_MONO) {
		int fg = GRID_IS_XTERM(st.fg) ? 0 : st.fg, bg = GRID_IS_XTERM(st.bg) ? 0 : st.bg;
		if (!pairs_fg_bg) {
			/* no background pairs: show a coloured background as reverse */
			if (bg) {
				fg = bg;
				a |= A_REVERSE;
			}
			bg = 0;
		}
		if (fg || bg)
			*pair = (short)(1 + fg * GRID_COLOR_COUNT + bg);
	} else if (st.bg) {
		a |= A_REVERSE;
	}
	return a;
}

void blit_grid(WINDOW *win, const Grid *g, int gx, int gy, int w, int h, int wx, int wy)
{
	for (int y = 0; y < h; y++) {
		const GridCell *row = grid_at(g, gx, gy + y);
		if (!row)
			break;
		wmove(win, wy + y, wx);
		for (int x = 0; x < w && gx + x < g->w; x++) {
			const GridCell *c = row + x;
			short pair;
			attr_t a = attrs_of(c->st, &pair);
			wchar_t wc[2] = { (wchar_t)c->cp, 0 };
			cchar_t cc;
			setcchar(&cc, wc, a, pair, NULL);
			wadd_wch(win, &cc);
		}
	}
}
