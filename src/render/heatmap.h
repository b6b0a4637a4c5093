/* heatmap.h — a matrix drawn as coloured (or shaded) cells in a Grid.
 *
 * Rows of the matrix go down, columns across: units x time for gates and
 * hidden states, target x source for attention.  The picture fills the
 * rectangle it is given:
 *
 *                        title                       (bold, centred)
 *     ylabel                      -1 ▕▓▓▒▒░░  ░░▒▒▓▓▏ 1   (the colour scale)
 *      0 ░▒▓██▓▒░ ░▒▓██▓▒░                          (row labels: names
 *      2 ▒▓██▓▒░ ░▒▓██▓▒░                            or every k-th index)
 *      4 ...
 *        0    5    10   15   20   xlabel            (column labels)
 *
 * A matrix larger than the rectangle is average-pooled: k x k' matrix cells
 * (NaN ignored) make one grid cell, k and k' the smallest whole factors
 * that fit.  A smaller one is scaled up by whole factors (at most 3 rows
 * and 8 columns per matrix cell), so every matrix cell is the same size.
 * Below HEATMAP_MIN_W x HEATMAP_MIN_H a short message is drawn instead.
 *
 * Values are mapped to t = (v - lo) / (hi - lo) in [0, 1] over the range
 * [lo, hi] (fixed, or automatic: the data's min and max for a sequential
 * scale; -m..m with m = max |v| for a diverging one, whose neutral colour
 * is t = 0.5).  A sequential scale is drawn with viridis, a diverging one
 * with RdBu (blue, white at zero, red), in the looks colormap.h gives each
 * colour mode: t picks level floor(t * L) of L levels (t = 1 the top one):
 *
 * GRID_COLORS_TRUE: ' ' on the map's 24-bit colour, L = 65.
 * GRID_COLORS_256:  ' ' on the nearest xterm colour (in OKLab), L = 65.
 * GRID_COLORS_8, L = 9:
 *   sequential  ' ', '▒' blue, bg blue, '▒' cyan on blue, bg cyan,
 *               '▒' green on cyan, bg green, '▒' yellow on green, bg yellow;
 *   diverging   bg blue, '▓' '▒' '░' blue on white, bg white (zero),
 *               '░' '▒' '▓' red on white, bg red.
 *   In ascii '.', '=', '#' stand for '░', '▒', '▓'.
 * GRID_MONO, unicode: the shades " ░▒▓█" (L = 5), low to high.
 * GRID_MONO, ascii:   the ramp " .:-=+*#%@" (L = 10), low to high.
 *   (Diverging scales too: without colour, density is the value.)
 * The legend in the header row is the map itself: its cells drawn with the
 * looks of evenly spaced values, the range's two ends written beside it.
 * A cell with no value (all NaN) is '·' ('?' in ascii).
 */
#ifndef RNNLAB_HEATMAP_H
#define RNNLAB_HEATMAP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "grid.h"

#define HEATMAP_MIN_W 20
#define HEATMAP_MIN_H 6

typedef enum {
	HEATMAP_SEQUENTIAL,	/* [0, 1] gates, attention weights, norms */
	HEATMAP_DIVERGING,	/* signed values such as h in [-1, 1] */
	HEATMAP_SCALE_COUNT
} HeatmapScale;

/* "sequential", "diverging". */
extern const char *const heatmap_scale_names[HEATMAP_SCALE_COUNT];

/* A rows x cols matrix of floats anywhere in memory: element (r, c) is
 * v[r * rs + c * cs], so a view into a [T, B, H] trace needs no copy. */
typedef struct HeatmapMatrix {
	const float *v;		/* borrowed */
	int rows, cols;
	ptrdiff_t rs, cs;	/* strides, in elements */
} HeatmapMatrix;

typedef struct HeatmapSpec {
	const char *title, *xlabel, *ylabel;	/* borrowed; NULL or "": none */
	HeatmapScale scale;
	double vmin, vmax;		/* fixed range; NaN: automatic */
	const char *const *row_names;	/* rows labels (e.g. tokens), or NULL:
					   indices from 0; borrowed */
	const char *const *col_names;	/* cols labels, or NULL */
	int col_base;			/* without names: column c is labelled
					   c + col_base (timesteps count from 1) */
	const GridMark *marks;		/* nmarks cells marked (grid.h: x the
					   column, y the row), borrowed; drawn
					   bold on black (bold without colour) */
	int nmarks;
	int ascii;			/* only ASCII characters */
	GridColors colors;
} HeatmapSpec;

/* Where heatmap_draw put the map: matrix cell (r, c) is drawn in the
 * block of cw x rh grid cells at x + (c / fc) * cw, y + (r / fr) * rh. */
typedef struct HeatmapFrame {
	int x, y;		/* top left grid cell of the map */
	int cw, rh;		/* grid columns and rows per pooled cell */
	int fc, fr;		/* matrix columns and rows pooled per cell */
	int cols, rows;		/* pooled cells across and down */
	double lo, hi;		/* the value range of the colour scale */
} HeatmapFrame;

/* No title or labels, sequential, automatic range, unicode, 8 colours. */
void heatmap_spec_init(HeatmapSpec *s);

/* Draw m into the rectangle x0, y0, w, h of g (clearing it first); frame
 * (may be NULL) receives the layout.  Returns 0; ERR_INVAL for bad
 * arguments (a message says which) or a rectangle that is too small (a
 * short message is drawn in it). */
int heatmap_draw(Grid *g, int x0, int y0, int w, int h, const HeatmapSpec *s,
		 const HeatmapMatrix *m, HeatmapFrame *frame, Err *e);

/* The range the values are mapped over (see above). */
void heatmap_range(const HeatmapSpec *s, const HeatmapMatrix *m, double *lo, double *hi);

/* How many levels the spec's scale has in its mode (L above). */
int heatmap_levels(const HeatmapSpec *s);

/* The look of a normalised value t (clamped to [0, 1]; NaN: no value). */
void heatmap_cell(const HeatmapSpec *s, double t, uint32_t *cp, Style *st);

#endif
