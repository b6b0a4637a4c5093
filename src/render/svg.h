/* svg.h — the plots of plot.h and heatmap.h as standalone SVG, for slides.
 *
 * The same specs and data as the text pictures give the same picture on a
 * white page: same ticks (plot_axis_y/plot_axis_x), same series colours
 * (darkened to read on white) or, with GRID_MONO, black lines told apart by
 * dash patterns; reference lines dashed and labelled; a legend top right.
 * Each series is one <g> holding one <polyline> per unbroken run of points
 * (a NaN starts a new one); series longer than twice the plot's width in
 * pixels are reduced to the min and max of each pixel column first, like
 * the text plots.  Heatmaps are <rect>s (average-pooled to at most
 * SVG_HEATMAP_MAX cells a side) with a colour bar; their scales are
 * continuous versions of the terminal ones, diverging through white.
 *
 * Text is UTF-8 and escaped; the size is SVG_W x SVG_H pixels (a viewBox,
 * so it scales).  ascii in the spec is ignored: SVG has no such limit.
 */
#ifndef RNNLAB_SVG_H
#define RNNLAB_SVG_H

#include <stddef.h>

#include "err.h"
#include "heatmap.h"
#include "plot.h"

#define SVG_W 800
#define SVG_H 480
#define SVG_HEATMAP_MAX 200

/* The SVG text of a plot or a heatmap in *out (malloc'd, NUL-terminated;
 * the caller frees it), its length in *len (may be NULL).  ERR_INVAL for
 * bad arguments, ERR_NOMEM. */
int svg_plot(char **out, size_t *len, const PlotSpec *s, const PlotSeries *series,
	     int nseries, Err *e);
int svg_heatmap(char **out, size_t *len, const HeatmapSpec *s, const HeatmapMatrix *m,
		Err *e);

/* Write text to path atomically: into a temporary file beside it, flushed
 * to disk, then renamed over path.  On failure (ERR_IO, with the path and
 * the system's reason) no file is left behind and path is untouched. */
int svg_write_file(const char *path, const char *text, size_t len, Err *e);

/* svg_plot / svg_heatmap, then svg_write_file. */
int svg_write_plot(const char *path, const PlotSpec *s, const PlotSeries *series,
		   int nseries, Err *e);
int svg_write_heatmap(const char *path, const HeatmapSpec *s, const HeatmapMatrix *m,
		      Err *e);

#endif
