/* plot.h — line plots drawn into a Grid: braille curves, axes, ticks, a
 * legend and dashed reference lines.
 *
 * A plot fills the rectangle it is given, laid out top to bottom as
 *
 *                          title                       (bold, centred)
 *     ylabel                      ⠶⠶⠶ train  ⠶⠶⠶ valid  ╌╌╌ clip
 *       2.0 ┤⡀                                         (legend flows onto more
 *           │⠈⢢⡀                                        rows when it must)
 *       1.0 ┤  ⠈⠓⠤⣀⣀⡀  ╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌ clip ╌╌
 *         0 ┤        ⠈⠉⠉⠉⠒⠒⠒⠤⠤⠤⠤⠤⣀⣀⣀⣀⣀⣀⣀
 *           └┬─────────┬─────────┬─────────┬
 *            0        100       200       300
 *                         xlabel
 *
 * and degrades as the rectangle shrinks: the xlabel moves to the end of the
 * tick row (or goes), the legend keeps one row, fewer ticks are labelled.
 * Below PLOT_MIN_W x PLOT_MIN_H it draws a short "too small" message
 * instead and returns ERR_INVAL.  Nothing is drawn outside the rectangle.
 *
 * Curves.  In unicode mode each cell holds a braille character, so the
 * plot area of W x H cells is a canvas of 2W x 4H dots; in ascii mode one
 * cell is one dot, marked with the series' marker character ('*', 'o', '+',
 * 'x', ...).  Consecutive points are joined by Bresenham lines on that
 * canvas; a NaN or infinite y (and y <= 0 on a log axis) leaves a gap.
 * Where series share a cell, their dots are merged and the cell takes the
 * colour (or marker) of the later series.
 *
 * Many points: the points of a series are gathered per dot column (x mapped
 * onto the 2W columns); a column is drawn as a vertical stroke from its
 * minimum to its maximum, joined to its neighbours from its first and last
 * point.  So 100,000 steps of loss cost one pass over the points, and every
 * spike stays visible: this is min/max downsampling, not averaging.
 *
 * Telling series apart: by colour (GRID_COLORS_8 and up: the Okabe-Ito
 * palette of colormap.h, safe for colour-blind eyes, in the mode's own
 * colours); without colour, in unicode mode by line pattern (series 0
 * solid, 1 dotted, 2 dashed, 3 dash-dot, then again), in ascii mode by
 * marker.  The legend shows each series' own glyphs, so it reads the same
 * way either way.
 *
 * Axes.  y is linear or log10.  An automatic range covers the data and the
 * reference lines, widened to whole tick steps (linear) or whole decades
 * (log); a fixed end is kept as given.  x runs over the data's x range
 * exactly; when every x is a whole number (or x is omitted: 0..n-1) ticks
 * are whole numbers too.  Tick labels are formatted by plot_format().
 */
#ifndef RNNLAB_PLOT_H
#define RNNLAB_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "grid.h"

#define PLOT_MIN_W 20
#define PLOT_MIN_H 6
#define PLOT_MAX_TICKS 32

/* A series colour may also name a slot of the series palette, drawn in
 * whatever colours the plot's mode has (plot_series_color(k) gives it). */
#define PLOT_PALETTE(k)     ((uint32_t)(0x2000000 | ((unsigned)(k) & 0xff)))
#define PLOT_IS_PALETTE(c)  (((c) & 0x2000000u) != 0)

/* One curve.  Every pointer is borrowed for the duration of the call. */
typedef struct PlotSeries {
	const char *name;	/* legend text; NULL: not in the legend */
	const double *x;	/* n x values, increasing; NULL: 0, 1, ..., n-1 */
	const double *y;	/* n y values; NaN leaves a gap */
	int n;
	uint32_t color;		/* a Style colour (grid.h), PLOT_PALETTE(k), or
				   GRID_DEFAULT: plot_series_color(index) */
} PlotSeries;

/* A horizontal reference line, e.g. the clipping threshold: drawn dashed
 * across the plot, labelled in the plot where the curves leave room, and
 * listed in the legend. */
typedef struct PlotRef {
	const char *label;	/* borrowed; NULL: the value */
	double y;
	uint32_t color;		/* a Style colour; GRID_DEFAULT: red */
} PlotRef;

typedef struct PlotSpec {
	const char *title, *xlabel, *ylabel;	/* borrowed; NULL or "": none */
	int logy;		/* log10 y axis */
	double ymin, ymax;	/* fixed ends of the y axis; NaN: automatic */
	const PlotRef *refs;	/* nrefs reference lines, borrowed */
	int nrefs;
	const GridMark *marks;	/* nmarks points marked on top (grid.h), borrowed */
	int nmarks;
	int ascii;		/* only ASCII characters (bytes < 0x80) */
	GridColors colors;
} PlotSpec;

/* An axis as drawn: range, ticks and their spacing. */
typedef struct PlotAxis {
	double lo, hi;		/* range shown; in decades (log10) on a log axis */
	double step;		/* tick spacing, same units */
	int log;		/* values are log10 of the data */
	int integer;		/* ticks are whole numbers */
	int nticks;
	double tick[PLOT_MAX_TICKS];	/* increasing, same units as lo, hi */
} PlotAxis;

/* Where plot_draw put things, for callers that add to the picture (a
 * cursor at the current step, say) and for tests. */
typedef struct PlotFrame {
	int x, y, w, h;		/* the plot area, in grid cells */
	int sx, sy;		/* dots per cell: 2 x 4 (braille) or 1 x 1 */
	PlotAxis xa, ya;
} PlotFrame;

/* Per dot column summary of a series, as plot_bucket() makes it. */
typedef struct PlotBucket {
	double first, last;	/* y of the first and last point in the column */
	double lo, hi;		/* smallest and largest y */
	int n;			/* points in the column; 0: empty */
	int joined;		/* the first point continues the curve from the
				   previous point (no gap between them) */
} PlotBucket;

/* No title or labels, linear y, automatic range, no reference lines,
 * unicode, 8 colours. */
void plot_spec_init(PlotSpec *s);

/* Draw the plot into the rectangle x0, y0, w, h of g (clearing it first).
 * frame (may be NULL) receives the layout.  Returns 0; ERR_INVAL for bad
 * arguments, or when the rectangle is smaller than PLOT_MIN_W x PLOT_MIN_H
 * (then a short message is drawn in it instead). */
int plot_draw(Grid *g, int x0, int y0, int w, int h, const PlotSpec *s,
	      const PlotSeries *series, int nseries, PlotFrame *frame, Err *e);

/* The dot of data point (x, y) in a drawn frame: dx from the left of the
 * plot area in dots (0 .. sx*w-1), dy from its top (0 .. sy*h-1).  Returns
 * 0 when the point falls outside the area or y cannot be shown. */
int plot_frame_dot(const PlotFrame *f, double x, double y, int *dx, int *dy);

/* Series k's colour: its slot of the series palette (PLOT_PALETTE), and
 * its ascii marker, in order '*', 'o', '+', 'x', '#', '%', '@', '&'. */
uint32_t plot_series_color(int k);
char plot_series_marker(int k);
/* The Style colour a series colour (as PlotSeries.color; GRID_DEFAULT:
 * series k's) is drawn with in a mode: GRID_DEFAULT without colour. */
uint32_t plot_ink(GridColors mode, uint32_t color, int k);

/* A tick spacing of 1, 2 or 5 times a power of ten that cuts span into at
 * most want steps (at least 1 when integer). */
double plot_nice_step(double span, int want, int integer);

/* The y axis for the series, reference lines and spec, with about want
 * ticks.  rows > 1: the plot is that many cells high, and an automatic
 * range is chosen, where one can be, so that the ticks fall on evenly
 * spaced rows.  Returns how many y values can be shown (0: no data; the
 * range is then [0, 1], or [1, 10] on a log axis). */
int plot_axis_y(PlotAxis *a, const PlotSpec *s, const PlotSeries *series,
		int nseries, int want, int rows);

/* The x axis over the series' x values, for an axis `cells` columns long:
 * as many ticks as leave at least `gap` blank columns between labels. */
void plot_axis_x(PlotAxis *a, const PlotSeries *series, int nseries, int cells, int gap);

/* Tick i of an axis as text (see plot_format; decades on a log axis are
 * "1e-20" .. "1", or "0.01" .. "1000" when every tick is in that range). */
void plot_axis_label(const PlotAxis *a, int i, char *buf, size_t cap);

/* v as a tick label for ticks `step` apart (step 0: a value on its own),
 * in ASCII, at most 12 characters:
 *   0 -> "0" ("0.0" for step 0.5);  3 (step 1) -> "3";  1.0 (step 0.5) -> "1.0";
 *   5000 and 20000 (step 5000) -> "5k", "20k" (thousands once step >= 1000);
 *   1.5e6 (step 5e5) -> "1.5M" (millions once step >= 1e5 and v >= 1e6);
 *   2.5e-7 (step 5e-8) -> "2.5e-7";  1e-21 (step 0) -> "1e-21";
 *   0.125 (step 0) -> "0.125";  123456 (step 0) -> "123456".
 * Returns the length written. */
int plot_format(char *buf, size_t cap, double v, double step);

/* Gather series s into ncols dot columns: x in [xlo, xhi] maps to column
 * round((x - xlo) / (xhi - xlo) * (ncols - 1)); y values are log10'd when
 * logy.  Points outside [xlo, xhi] and points that cannot be shown are
 * gaps.  b has ncols entries (caller's). */
void plot_bucket(const PlotSeries *s, int logy, double xlo, double xhi,
		 PlotBucket *b, int ncols);

#endif
