/* svg.h — the plots of plot.h, heatmap.h and cplane.h as standalone SVG,
 * for slides.
 *
 * The same specs and data as the text pictures give the same picture on a
 * white page: same ticks (plot_axis_y/plot_axis_x), the same series colours
 * (the Okabe-Ito palette, colormap.h) or, with GRID_MONO, black lines told
 * apart by dash patterns; reference lines dashed and labelled; a legend top right.
 * Each series is one <g> holding one <polyline> per unbroken run of points
 * (a NaN starts a new one); series longer than twice the plot's width in
 * pixels are reduced to the min and max of each pixel column first, like
 * the text plots.  Heatmaps are <rect>s (average-pooled to at most
 * SVG_HEATMAP_MAX cells a side) with a colour bar; their colours are the
 * terminal's maps at full resolution: viridis, or RdBu diverging through
 * white at zero (with GRID_MONO, white to black).
 * Planes (eigenvalues, state paths) are a square with one scale on both
 * axes, so the unit circle is a circle: ticks at -R, -R/2, 0, R/2, R
 * (cplane_edge's R) labelled on each axis (<text class="xtick"> centred on
 * its x, <text class="ytick"> on its y), the unit circle a <circle
 * class="unit">, each point a <circle class="point"> (outside the circle:
 * red), each path a <g class="path"> with one <polyline> and its first
 * point a <circle class="start">, its name (CplaneSpec.names) as its
 * <title> and in a legend right of the plane.
 *
 * Text is UTF-8 and escaped; the size is SVG_W x SVG_H pixels (a viewBox,
 * so it scales).  ascii in the spec is ignored: SVG has no such limit.
 */
#ifndef RNNLAB_SVG_H
#define RNNLAB_SVG_H

#include <stddef.h>

#include "err.h"
#include "cplane.h"
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
/* The plane of cplane_draw (title, note, circle, axis names, paths; ascii
 * ignored) for n points (re[i], im[i]). */
int svg_cplane(char **out, size_t *len, const CplaneSpec *s, const double *re, const double *im, int n, Err *e);

/* Write text to path atomically: into a temporary file beside it, flushed
 * to disk, then renamed over path.  On failure (ERR_IO, with the path and
 * the system's reason) no file is left behind and path is untouched. */
int svg_write_file(const char *path, const char *text, size_t len, Err *e);

/* svg_plot / svg_heatmap / svg_cplane, then svg_write_file. */
int svg_write_plot(const char *path, const PlotSpec *s, const PlotSeries *series,
		   int nseries, Err *e);
int svg_write_heatmap(const char *path, const HeatmapSpec *s, const HeatmapMatrix *m,
		      Err *e);
int svg_write_cplane(const char *path, const CplaneSpec *s, const double *re, const double *im, int n, Err *e);

#endif
