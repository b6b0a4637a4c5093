/* blit.h — copying a Grid into a curses window, in the colours the
 * terminal has: the eight named ones and xterm's 256 through curses colour
 * pairs, and 24-bit colour written past curses (see blit.c for why and
 * how). */
#ifndef RNNLAB_BLIT_H
#define RNNLAB_BLIT_H

#include <curses.h>

#include "colormap.h"
#include "grid.h"

#define BLIT_CACHE 1024		/* colour pairs and nearest colours remembered */

typedef struct BlitPair {
	uint32_t fg, bg;	/* curses colour numbers + 1 (0: not used) */
	int pair;
} BlitPair;

typedef struct BlitNear {
	uint32_t key;		/* a Style colour + 1 (0: empty) */
	uint32_t to;		/* what curses shows for it */
} BlitNear;

typedef struct Blit {
	int colors;		/* COLORS after start_color; 0: no colour */
	int pairs;		/* usable pair numbers: 1 .. pairs - 1 */
	int fg_bg;		/* a pair for every named fg x bg */
	int direct;		/* the terminfo entry is direct colour: numbers >= 8 are RGB */
	int can_change;		/* can_change_color(): reported, never used */
	BlitPair pair[BLIT_CACHE];	/* pairs made for xterm colours */
	int npairs, next_pair;
	BlitNear near[BLIT_CACHE];	/* colours curses cannot show -> the nearest it can */
	ColormapPalette pal;
	/* The overlay: the cells of the last grid blitted whose colours go past
	 * curses, their place on the screen, and the frame before, to see
	 * which rows curses may have redrawn. */
	const Grid *g;		/* borrowed from blit_grid to blit_overlay */
	int gx, gy, w, h, sx, sy;	/* the region and its screen origin */
	GridCell *prev;		/* the region as last overlaid, w x h */
	int pw, ph, px, py;
	int force;		/* every row again (after a resize) */
} Blit;

/* Start colours (when the terminal has them) and set up pairs for the
 * named palette.  Returns the most the terminal shows through curses:
 * GRID_MONO, GRID_COLORS_8, GRID_COLORS_256, or GRID_COLORS_TRUE for a
 * direct-colour terminfo entry. */
GridColors blit_init(Blit *b);
void blit_done(Blit *b);

/* Draw the w x h cells of g at (gx, gy) into win at (wx, wy).  Colours
 * curses cannot show (24-bit; xterm colours past the terminal's COLORS)
 * are drawn with their nearest that it can, and g is remembered (it must
 * live until blit_overlay) for the exact ones. */
void blit_grid(Blit *b, WINDOW *win, const Grid *g, int gx, int gy, int w, int h, int wx, int wy);

/* After doupdate(): write the exact colours of the last blit_grid past
 * curses, on the rows curses may have redrawn, the cursor and attributes
 * saved around them.  Nothing when there are none. */
void blit_overlay(Blit *b);

/* The screen was cleared or resized: the next overlay writes every row. */
void blit_invalidate(Blit *b);

/* The curses pair of a named fg on a named bg (GridColor), or 0. */
int blit_named_pair(const Blit *b, GridColor fg, GridColor bg);

#endif
