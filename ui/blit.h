/* blit.h — copying a Grid into a curses window, with colours. */
#ifndef RNNLAB_BLIT_H
#define RNNLAB_BLIT_H

#include <curses.h>

#include "grid.h"

/* Set up colour pairs for the grid palette; returns the GridColors the
 * terminal can show (GRID_MONO when it has none or NO_COLOR is set). */
GridColors blit_init_colors(int no_color);
/* Draw the w x h cells of g at (gx, gy) into win at (wx, wy). */
void blit_grid(WINDOW *win, const Grid *g, int gx, int gy, int w, int h, int wx, int wy);

#endif
