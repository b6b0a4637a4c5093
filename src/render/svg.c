/* svg.c — SVG text for plots, heatmaps and planes, and the atomic file
 * write. */
#include "svg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "colormap.h"
#include "fileutil.h"

/* A growing string; after an allocation failure it only counts. */
typedef struct Buf {
	char *p;
	size_t len, cap;
	int oom;
} Buf;

static void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(Buf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap : 4096;
		while (cap <= b->len + (size_t)n)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
}

/* Text with XML's five special characters escaped. */
static void buf_text(Buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_printf(b, "&amp;"); break;
		case '<': buf_printf(b, "&lt;"); break;
		case '>': buf_printf(b, "&gt;"); break;
		case '"': buf_printf(b, "&quot;"); break;
		case '\'': buf_printf(b, "&apos;"); break;
		default:
			if ((unsigned char)*s < 0x20)
				buf_printf(b, "?");
			else
				buf_printf(b, "%c", *s);
		}
	}
}

static int buf_finish(Buf *b, char **out, size_t *len, Err *e)
{
	if (b->oom) {
		free(b->p);
		return err_set(e, ERR_NOMEM, "svg: out of memory");
	}
	*out = b->p;
	if (len)
		*len = b->len;
	return 0;
}

static int nonempty(const char *s)
{
	return s && *s;
}

/* The palette on white paper. */
static const char *const paper[GRID_COLOR_COUNT] = {
	[GRID_DEFAULT] = "#333333", [GRID_BLACK] = "#000000", [GRID_RED] = "#d62728",
	[GRID_GREEN] = "#2ca02c", [GRID_YELLOW] = "#e6a100", [GRID_BLUE] = "#1f77b4",
	[GRID_MAGENTA] = "#b03a9a", [GRID_CYAN] = "#17a2b8", [GRID_WHITE] = "#999999",
};

static const char *const dashes[] = { "", "2 3", "8 4", "8 3 2 3" };

static const char *paper_color(GridColor c)
{
	return (unsigned)c < GRID_COLOR_COUNT ? paper[c] : paper[GRID_DEFAULT];
}

/* A series or reference line's colour on paper, "#rrggbb" (in buf, or a
 * constant): the default series colour and palette slots are the Okabe-Ito
 * colours the screen draws them with (colormap.h); xterm and 24-bit colours
 * their own; the eight named ones the paper palette above. */
static const char *ink(uint32_t c, int k, char buf[8])
{
	uint32_t rgb;
	if (c == GRID_DEFAULT)
		rgb = colormap_series_rgb(k);
	else if (PLOT_IS_PALETTE(c))
		rgb = colormap_series_rgb((int)(c & 0xff));
	else if (GRID_IS_RGB(c) || GRID_IS_XTERM(c))
		rgb = colormap_style_rgb(c, 0x333333);
	else
		return paper_color((GridColor)c);
	snprintf(buf, 8, "#%06x", (unsigned)rgb);
	return buf;
}

static void header(Buf *b, const char *title)
{
	/* FILE_SVG_HEAD first: how rnnlab knows its own SVG from anyone's */
	buf_printf(b, FILE_SVG_HEAD " xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
		   "font-size=\"13\">\n", SVG_W, SVG_H, SVG_W, SVG_H);
	buf_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", SVG_W, SVG_H);
	if (nonempty(title)) {
		/* 18 pixels, smaller when it would not fit the page (bold sans
		 * averages 0.62 of its size a character) */
		const double fit = (SVG_W - 40) / (0.62 * grid_text_width(title));
		buf_printf(b, "<text x=\"%d\" y=\"30\" text-anchor=\"middle\" font-size=\"%.1f\" "
			   "font-weight=\"bold\">", SVG_W / 2, fit < 18 ? fmax(fit, 9) : 18);
		buf_text(b, title);
		buf_printf(b, "</text>\n");
	}
}

/* Axis labels: xlabel under the plot area, ylabel turned up its left. */
static void axis_labels(Buf *b, const char *xlabel, const char *ylabel, double ax, double ay,
			double aw, double ah)
{
	if (nonempty(xlabel)) {
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", ax + aw / 2,
			   ay + ah + 44);
		buf_text(b, xlabel);
		buf_printf(b, "</text>\n");
	}
	if (nonempty(ylabel)) {
		buf_printf(b, "<text transform=\"translate(18 %.1f) rotate(-90)\" "
			   "text-anchor=\"middle\">", ay + ah / 2);
		buf_text(b, ylabel);
		buf_printf(b, "</text>\n");
	}
}

/* ---- line plots -------------------------------------------------------- */

typedef struct Area {
	double x, y, w, h;	/* plot area in pixels */
	const PlotAxis *xa, *ya;
} Area;

static double px_x(const Area *A, double v)
{
	return A->x + (v - A->xa->lo) / (A->xa->hi - A->xa->lo) * A->w;
}

static double px_y(const Area *A, double v)
{
	double y = A->y + (A->ya->hi - v) / (A->ya->hi - A->ya->lo) * A->h;
	return fmax(-1e5, fmin(1e5, y));
}

static double ytr(double v, int logy)
{
	if (!isfinite(v))
		return NAN;
	if (logy)
		return v > 0 ? log10(v) : NAN;
	return v;
}

static void poly_point(Buf *b, int *open, const char *attrs, double x, double y)
{
	if (!*open) {
		buf_printf(b, "<polyline %s points=\"", attrs);
		*open = 1;
	} else {
		buf_printf(b, " ");
	}
	buf_printf(b, "%.1f,%.1f", x, y);
}

static void poly_close(Buf *b, int *open)
{
	if (*open)
		buf_printf(b, "\"/>\n");
	*open = 0;
}

static void svg_series(Buf *b, const PlotSpec *s, const PlotSeries *ser, int k,
		       const Area *A, PlotBucket *bk, int ncols)
{
	char hex[8];
	int mono = s->colors == GRID_MONO;
	char attrs[160];
	snprintf(attrs, sizeof attrs, "fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" "
		 "stroke-linejoin=\"round\"%s%s%s", mono ? "#222222" : ink(ser->color, k, hex),
		 mono && k % 4 ? " stroke-dasharray=\"" : "", mono ? dashes[k % 4] : "",
		 mono && k % 4 ? "\"" : "");
	buf_printf(b, "<g class=\"series\">\n<title>");
	buf_text(b, nonempty(ser->name) ? ser->name : "series");
	buf_printf(b, "</title>\n");
	int open = 0;
	if (ser->n > 2 * ncols) {
		plot_bucket(ser, s->logy, A->xa->lo, A->xa->hi, bk, ncols);
		for (int i = 0; i < ncols; i++) {
			const PlotBucket *p = &bk[i];
			if (p->n == 0)
				continue;
			if (!p->joined)
				poly_close(b, &open);
			double x = A->x + (double)i / (ncols - 1) * A->w;
			double first = p->first, a = p->lo, z = p->hi;
			if (fabs(first - p->hi) < fabs(first - p->lo)) {
				a = p->hi;
				z = p->lo;
			}
			poly_point(b, &open, attrs, x, px_y(A, first));
			if (a != first)
				poly_point(b, &open, attrs, x, px_y(A, a));
			if (z != a)
				poly_point(b, &open, attrs, x, px_y(A, z));
			if (p->last != z)
				poly_point(b, &open, attrs, x, px_y(A, p->last));
		}
	} else {
		for (int i = 0; i < ser->n; i++) {
			double x = ser->x ? ser->x[i] : i, y = ytr(ser->y[i], s->logy);
			if (isnan(y) || !isfinite(x)) {
				poly_close(b, &open);
				continue;
			}
			poly_point(b, &open, attrs, px_x(A, x), px_y(A, y));
		}
	}
	poly_close(b, &open);
	buf_printf(b, "</g>\n");
}

/* A mark (grid.h) at pixel (x, y): a dot with a dark rim, its glyph beside
 * it when that is a letter or digit (on a heatmap's colours white with a
 * dark outline: halo), its label as the <title>. */
static void svg_mark(Buf *b, const GridMark *m, double x, double y, const char *fill, int halo)
{
	buf_printf(b, "<g class=\"mark\"><title>");
	if (nonempty(m->label))
		buf_text(b, m->label);
	buf_printf(b, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"#222222\" "
		   "stroke-width=\"1.5\"/>", x, y, fill);
	if (m->glyph < 0x80 && isalnum((int)m->glyph))
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\" fill=\"%s\"%s>%c</text>",
			   x + 8, y - 6, halo ? "#ffffff" : "#222222",
			   halo ? " stroke=\"#222222\" stroke-width=\"3\" paint-order=\"stroke\"" : "", (char)m->glyph);
	buf_printf(b, "</g>\n");
}

/* A y tick label; decades beyond the plain range as 10 with a superscript. */
static void y_label(Buf *b, const PlotAxis *ya, int i, double x, double y)
{
	char t[32];
	plot_axis_label(ya, i, t, sizeof t);
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x, y + 4);
	if (ya->log && t[0] == '1' && t[1] == 'e')
		buf_printf(b, "10<tspan dy=\"-6\" font-size=\"10\">%s</tspan>", t + 2);
	else
		buf_text(b, t);
	buf_printf(b, "</text>\n");
}

static int plot_args(const PlotSpec *s, const PlotSeries *series, int nseries, Err *e)
{
	if (!s || nseries < 0 || (nseries > 0 && !series))
		return err_set(e, ERR_INVAL, "svg: no spec or bad series count");
	for (int k = 0; k < nseries; k++)
		if (series[k].n < 0 || (series[k].n > 0 && !series[k].y))
			return err_set(e, ERR_INVAL, "svg: series %d has no y values", k);
	if (s->nrefs < 0 || (s->nrefs > 0 && !s->refs))
		return err_set(e, ERR_INVAL, "svg: bad reference line count %d", s->nrefs);
	if (s->nmarks < 0 || (s->nmarks > 0 && !s->marks))
		return err_set(e, ERR_INVAL, "svg: bad mark count %d", s->nmarks);
	return 0;
}

int svg_plot(char **out, size_t *len, const PlotSpec *s, const PlotSeries *series,
	     int nseries, Err *e)
{
	int rc = plot_args(s, series, nseries, e);
	if (rc)
		return rc;
	PlotAxis xa, ya;
	plot_axis_y(&ya, s, series, nseries, 7, 0);
	Area A = { 80, 70, SVG_W - 80 - 30, SVG_H - 70 - 60, &xa, &ya };
	plot_axis_x(&xa, series, nseries, (int)(A.w / 8), 4);
	int ncols = (int)A.w;
	PlotBucket *bk = malloc((size_t)ncols * sizeof *bk);
	if (!bk)
		return err_set(e, ERR_NOMEM, "svg: out of memory");
	Buf b = { 0 };
	header(&b, s->title);
	buf_printf(&b, "<defs><clipPath id=\"area\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		   "height=\"%.1f\"/></clipPath></defs>\n", A.x, A.y - 2, A.w, A.h + 4);

	/* Grid lines and ticks. */
	buf_printf(&b, "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n");
	for (int i = 0; i < ya.nticks; i++) {
		double y = px_y(&A, ya.tick[i]);
		buf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			   A.x, y, A.x + A.w, y);
	}
	buf_printf(&b, "</g>\n<g fill=\"#333333\">\n");
	for (int i = 0; i < ya.nticks; i++)
		y_label(&b, &ya, i, A.x - 8, px_y(&A, ya.tick[i]));
	for (int i = 0; i < xa.nticks; i++) {
		char t[32];
		plot_format(t, sizeof t, xa.tick[i], xa.step);
		double x = px_x(&A, xa.tick[i]);
		buf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			   "stroke=\"#333333\"/>\n", x, A.y + A.h, x, A.y + A.h + 5);
		buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			   x, A.y + A.h + 20, t);
	}
	buf_printf(&b, "</g>\n");
	buf_printf(&b, "<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" stroke=\"#333333\"/>\n",
		   A.x, A.y, A.y + A.h, A.x + A.w);
	axis_labels(&b, s->xlabel, s->ylabel, A.x, A.y, A.w, A.h);

	/* Reference lines, then the series over them. */
	for (int r = 0; r < s->nrefs; r++) {
		const PlotRef *ref = &s->refs[r];
		double v = ytr(ref->y, s->logy);
		if (isnan(v) || v < ya.lo || v > ya.hi)
			continue;
		char hex[8];
		const char *col = ink(ref->color == GRID_DEFAULT ? GRID_RED : ref->color, 0, hex);
		double y = px_y(&A, v);
		buf_printf(&b, "<g class=\"ref\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			   "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
			   "stroke-dasharray=\"6 4\"/>\n", A.x, y, A.x + A.w, y, col);
		buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">",
			   A.x + A.w - 4, y - 5, col);
		char own[32];
		if (!nonempty(ref->label))
			plot_format(own, sizeof own, ref->y, 0);
		buf_text(&b, nonempty(ref->label) ? ref->label : own);
		buf_printf(&b, "</text></g>\n");
	}
	buf_printf(&b, "<g clip-path=\"url(#area)\">\n");
	for (int k = 0; k < nseries; k++)
		svg_series(&b, s, &series[k], k, &A, bk, ncols);
	buf_printf(&b, "</g>\n");
	for (int k = 0; k < s->nmarks; k++) {	/* inside the axes only, as on the screen */
		const GridMark *m = &s->marks[k];
		const double y = ytr(m->y, s->logy);
		char hex[8];
		if (isfinite(m->x) && !isnan(y) && m->x >= xa.lo && m->x <= xa.hi && y >= ya.lo && y <= ya.hi)
			svg_mark(&b, m, px_x(&A, m->x), px_y(&A, y),
				 s->colors == GRID_MONO ? "#ffffff" : ink(m->color, 0, hex), 0);
	}

	/* Legend, right-aligned above the plot area: widths estimated at 7.5
	 * pixels a character. */
	double x = A.x + A.w;
	for (int k = nseries - 1; k >= 0; k--) {
		if (!nonempty(series[k].name))
			continue;
		char hex[8];
		int mono = s->colors == GRID_MONO;
		x -= 7.5 * grid_text_width(series[k].name) + 30;
		buf_printf(&b, "<line x1=\"%.1f\" y1=\"52\" x2=\"%.1f\" y2=\"52\" stroke=\"%s\" "
			   "stroke-width=\"2.5\"%s%s%s/>\n", x, x + 20,
			   mono ? "#222222" : ink(series[k].color, k, hex),
			   mono && k % 4 ? " stroke-dasharray=\"" : "", mono ? dashes[k % 4] : "",
			   mono && k % 4 ? "\"" : "");
		buf_printf(&b, "<text x=\"%.1f\" y=\"56\">", x + 25);
		buf_text(&b, series[k].name);
		buf_printf(&b, "</text>\n");
		x -= 14;
	}
	buf_printf(&b, "</svg>\n");
	free(bk);
	return buf_finish(&b, out, len, e);
}

/* ---- heatmaps ---------------------------------------------------------- */

/* The screen's maps (colormap.h), so that a slide and the screen agree;
 * without colour, white (low) to black (high). */
static unsigned heat_color(const HeatmapSpec *s, double t)
{
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	if (s->colors == GRID_MONO) {
		unsigned v = (unsigned)floor(255 * (1 - t) + 0.5);
		return v << 16 | v << 8 | v;
	}
	return colormap_rgb(s->scale == HEATMAP_DIVERGING ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, t);
}

static double cell_value(const HeatmapMatrix *m, int r, int c)
{
	return m->v[(ptrdiff_t)r * m->rs + (ptrdiff_t)c * m->cs];
}

/* The smallest of 1, 2, 5, 10, ... that is at least min. */
static int nice_at_least(double min)
{
	int mag = 1;
	for (;;) {
		if (min <= mag || mag > 100000000)
			return mag;
		if (min <= 2 * mag)
			return 2 * mag;
		if (min <= 5 * mag)
			return 5 * mag;
		mag *= 10;
	}
}

int svg_heatmap(char **out, size_t *len, const HeatmapSpec *s, const HeatmapMatrix *m, Err *e)
{
	if (!s || !m || !m->v || m->rows < 1 || m->cols < 1)
		return err_set(e, ERR_INVAL, "svg: empty heatmap");
	if (s->nmarks < 0 || (s->nmarks > 0 && !s->marks))
		return err_set(e, ERR_INVAL, "svg: bad mark count %d", s->nmarks);
	int R = m->rows, C = m->cols;
	int fr = (R + SVG_HEATMAP_MAX - 1) / SVG_HEATMAP_MAX;
	int fc = (C + SVG_HEATMAP_MAX - 1) / SVG_HEATMAP_MAX;
	int orows = (R + fr - 1) / fr, ocols = (C + fc - 1) / fc;
	double lo, hi;
	heatmap_range(s, m, &lo, &hi);

	int names_r = s->row_names && R <= 40, names_c = s->col_names && C <= 40;
	int lw = 3;
	if (names_r)
		for (int r = 0; r < R; r++)
			if (s->row_names[r] && grid_text_width(s->row_names[r]) > lw)
				lw = grid_text_width(s->row_names[r]);
	double ax = 40 + 7.5 * lw, ay = 70, aw = SVG_W - ax - 120, ah = SVG_H - ay - 60;
	double cw = aw / ocols, ch = ah / orows;

	Buf b = { 0 };
	header(&b, s->title);
	buf_printf(&b, "<g shape-rendering=\"crispEdges\">\n");
	for (int i = 0; i < orows; i++) {
		for (int j = 0; j < ocols; j++) {
			double sum = 0;
			int n = 0;
			for (int r = i * fr; r < (i + 1) * fr && r < R; r++)
				for (int c = j * fc; c < (j + 1) * fc && c < C; c++) {
					double v = cell_value(m, r, c);
					if (!isnan(v)) {
						sum += v;
						n++;
					}
				}
			unsigned col = n ? heat_color(s, (sum / n - lo) / (hi - lo)) : 0xbbbbbb;
			buf_printf(&b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
				   "fill=\"#%06x\"/>\n", ax + j * cw, ay + i * ch, cw + 0.05,
				   ch + 0.05, col);
		}
	}
	buf_printf(&b, "</g>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		   "fill=\"none\" stroke=\"#333333\"/>\n", ax, ay, aw, ah);

	/* Row and column labels: the names (every k-th where they do not fit
	 * each cell: 16 pixels a row, 7.5 a character and a gap across), else
	 * every k-th index. */
	double rpx = ah / R, cpx = aw / C;
	int widest = 1;
	for (int c = 0; names_c && c < C; c++)
		if (s->col_names[c] && grid_text_width(s->col_names[c]) > widest)
			widest = grid_text_width(s->col_names[c]);
	int rstep = names_r && rpx >= 12 ? 1 : nice_at_least(16 / rpx);
	int cstep = names_c ? (cpx >= 7.5 * widest + 8 ? 1 : nice_at_least((7.5 * widest + 8) / cpx)) :
			      nice_at_least(7.5 * 4 / cpx);
	buf_printf(&b, "<g fill=\"#333333\">\n");
	for (int r = 0; r < R; r += rstep) {
		buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", ax - 6,
			   ay + (r + 0.5) * rpx + 4);
		if (names_r)
			buf_text(&b, s->row_names[r] ? s->row_names[r] : "");
		else
			buf_printf(&b, "%d", r);
		buf_printf(&b, "</text>\n");
	}
	int c0 = names_c ? 0 : (cstep - s->col_base % cstep) % cstep;
	for (int c = c0; c < C; c += cstep) {
		buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
			   ax + (c + 0.5) * cpx, ay + ah + 18);
		if (names_c)
			buf_text(&b, s->col_names[c] ? s->col_names[c] : "");
		else
			buf_printf(&b, "%d", c + s->col_base);
		buf_printf(&b, "</text>\n");
	}
	buf_printf(&b, "</g>\n");
	axis_labels(&b, s->xlabel, s->ylabel, ax, ay, aw, ah);
	for (int k = 0; k < s->nmarks; k++) {	/* where it is: cell (r, c)'s centre is r + 0.5, c + 0.5 */
		const GridMark *mk = &s->marks[k];
		if (mk->x >= -0.5 && mk->x < C - 0.5 && mk->y >= -0.5 && mk->y < R - 0.5)
			svg_mark(&b, mk, ax + (mk->x + 0.5) * cpx, ay + (mk->y + 0.5) * rpx, "#ffffff", 1);
	}

	/* Colour bar: a vertical gradient, high at the top. */
	buf_printf(&b, "<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n");
	for (int i = 0; i <= 20; i++)
		buf_printf(&b, "<stop offset=\"%.2f\" stop-color=\"#%06x\"/>\n", i / 20.0,
			   heat_color(s, i / 20.0));
	buf_printf(&b, "</linearGradient></defs>\n");
	double bx = SVG_W - 95;
	buf_printf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"%.1f\" "
		   "fill=\"url(#scale)\" stroke=\"#333333\"/>\n", bx, ay, ah);
	char t[32];
	plot_format(t, sizeof t, hi, 0);
	buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", bx + 22, ay + 5, t);
	plot_format(t, sizeof t, lo, 0);
	buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", bx + 22, ay + ah + 4, t);
	if (s->scale == HEATMAP_DIVERGING) {
		plot_format(t, sizeof t, (lo + hi) / 2, 0);
		buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", bx + 22,
			   ay + ah / 2 + 4, t);
	}
	buf_printf(&b, "</svg>\n");
	return buf_finish(&b, out, len, e);
}

/* ---- planes ------------------------------------------------------------ */

/* The plane's square in pixels and its one scale for both axes. */
typedef struct Square {
	double x, y, side;	/* top left, side */
	double R;		/* the value at each edge: the square spans -R..R both ways */
} Square;

static double sq_x(const Square *q, double re)
{
	return q->x + q->side / 2 + re / q->R * (q->side / 2);
}

static double sq_y(const Square *q, double im)
{
	return q->y + q->side / 2 - im / q->R * (q->side / 2);
}

static int plane_args(const CplaneSpec *s, const double *re, const double *im, int n, Err *e)
{
	if (!s || n < 0 || (n > 0 && (!re || !im)))
		return err_set(e, ERR_INVAL, "svg: no spec or bad point count");
	if (s->paths) {
		long sum = 0;
		for (int k = 0; k < s->npaths; k++) {
			if (s->paths[k] < 0)
				return err_set(e, ERR_INVAL, "svg: path %d has %d points", k, s->paths[k]);
			sum += s->paths[k];
		}
		if (s->npaths < 0 || sum > n)
			return err_set(e, ERR_INVAL, "svg: the paths hold %ld points, there are %d", sum, n);
	}
	return 0;
}

/* The frame, the grid at the ticks (-R, -R/2, 0, R/2, R on both axes,
 * labelled), the axes through 0 and their names. */
static void plane_axes(Buf *b, const CplaneSpec *s, const Square *q)
{
	buf_printf(b, "<rect x=\"%.3f\" y=\"%.3f\" width=\"%.3f\" height=\"%.3f\" fill=\"none\" "
		   "stroke=\"#bbbbbb\"/>\n", q->x, q->y, q->side, q->side);
	buf_printf(b, "<g stroke=\"#ececec\" stroke-width=\"1\">\n");
	for (int i = 1; i < 4; i++) {
		if (i == 2)
			continue;
		double v = q->R * (i - 2) / 2;
		buf_printf(b, "<line x1=\"%.3f\" y1=\"%.3f\" x2=\"%.3f\" y2=\"%.3f\"/>\n", sq_x(q, v), q->y,
			   sq_x(q, v), q->y + q->side);
		buf_printf(b, "<line x1=\"%.3f\" y1=\"%.3f\" x2=\"%.3f\" y2=\"%.3f\"/>\n", q->x, sq_y(q, v),
			   q->x + q->side, sq_y(q, v));
	}
	buf_printf(b, "</g>\n<g class=\"axes\" stroke=\"#888888\" stroke-width=\"1\">\n");
	buf_printf(b, "<line x1=\"%.3f\" y1=\"%.3f\" x2=\"%.3f\" y2=\"%.3f\"/>\n", q->x, sq_y(q, 0), q->x + q->side,
		   sq_y(q, 0));
	buf_printf(b, "<line x1=\"%.3f\" y1=\"%.3f\" x2=\"%.3f\" y2=\"%.3f\"/>\n", sq_x(q, 0), q->y, sq_x(q, 0),
		   q->y + q->side);
	buf_printf(b, "</g>\n<g fill=\"#333333\">\n");
	/* the labels: x under the frame (centred on the tick), y left of it
	 * (dy centres the digits on the tick) */
	for (int i = 0; i <= 4; i++) {
		double v = q->R * (i - 2) / 2;
		buf_printf(b, "<text class=\"xtick\" x=\"%.3f\" y=\"%.3f\" text-anchor=\"middle\">%g</text>\n",
			   sq_x(q, v), q->y + q->side + 18, v);
		buf_printf(b, "<text class=\"ytick\" x=\"%.3f\" y=\"%.3f\" dy=\"0.35em\" text-anchor=\"end\">%g</text>\n",
			   q->x - 8, sq_y(q, v), v);
	}
	buf_printf(b, "<text x=\"%.3f\" y=\"%.3f\" dy=\"0.35em\" font-style=\"italic\">", q->x + q->side + 8,
		   sq_y(q, 0));
	buf_text(b, nonempty(s->xname) ? s->xname : "Re");
	buf_printf(b, "</text>\n<text x=\"%.3f\" y=\"%.3f\" text-anchor=\"middle\" font-style=\"italic\">",
		   sq_x(q, 0), q->y - 6);
	buf_text(b, nonempty(s->yname) ? s->yname : "Im");
	buf_printf(b, "</text>\n</g>\n");
}

/* Paths: one polyline each (a non-finite point breaks it), its first
 * point marked; each titled with its name ("path K" without names), and
 * with names a legend right of the plane (up to SVG_PLANE_LEGEND). */
#define SVG_PLANE_LEGEND 16
static void plane_paths(Buf *b, const CplaneSpec *s, const Square *q, const double *re, const double *im)
{
	const int mono = s->colors == GRID_MONO;
	for (int k = 0, at = 0; k < s->npaths; at += s->paths[k], k++) {
		char hex[8];
		const char *col = mono ? "#222222" : ink(plot_series_color(k), k, hex);
		char attrs[160];
		snprintf(attrs, sizeof attrs, "fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" "
			 "stroke-linejoin=\"round\"%s%s%s", col, mono && k % 4 ? " stroke-dasharray=\"" : "",
			 mono ? dashes[k % 4] : "", mono && k % 4 ? "\"" : "");
		buf_printf(b, "<g class=\"path\">\n<title>");
		if (s->names && nonempty(s->names[k]))
			buf_text(b, s->names[k]);
		else
			buf_printf(b, "path %d", k + 1);
		buf_printf(b, "</title>\n");
		int open = 0;
		for (int i = at; i < at + s->paths[k]; i++) {
			if (!isfinite(re[i]) || !isfinite(im[i])) {
				poly_close(b, &open);
				continue;
			}
			if (!open) {
				buf_printf(b, "<polyline %s points=\"", attrs);
				open = 1;
			} else {
				buf_printf(b, " ");
			}
			buf_printf(b, "%.3f,%.3f", sq_x(q, re[i]), sq_y(q, im[i]));
		}
		poly_close(b, &open);
		if (s->paths[k] > 0 && isfinite(re[at]) && isfinite(im[at]))
			buf_printf(b, "<circle class=\"start\" cx=\"%.3f\" cy=\"%.3f\" r=\"4.5\" fill=\"%s\" "
				   "stroke=\"#000000\" stroke-width=\"1\"/>\n", sq_x(q, re[at]), sq_y(q, im[at]), col);
		buf_printf(b, "</g>\n");
		if (s->names && k < SVG_PLANE_LEGEND) {
			const double lx = q->x + q->side + 40, ly = q->y + 20 + 20 * k;
			buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", lx - 8, ly, lx + 12, ly,
				   attrs + strlen("fill=\"none\" "));
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\">", lx + 18, ly);
			buf_text(b, s->names[k] ? s->names[k] : "");
			buf_printf(b, "</text>\n");
		}
	}
	if (s->names && s->npaths > SVG_PLANE_LEGEND)
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\">(+%d more)</text>\n", q->x + q->side + 32,
			   q->y + 20 + 20 * SVG_PLANE_LEGEND, s->npaths - SVG_PLANE_LEGEND);
}

/* Loose points; with the circle, those outside it red (mono: hollow), and
 * a legend that says so. */
static void plane_points(Buf *b, const CplaneSpec *s, const Square *q, const double *re, const double *im, int n)
{
	const int mono = s->colors == GRID_MONO;
	/* Okabe-Ito blue inside, vermillion outside (colormap.h's series palette) */
	static const char *const fill[2][2] = { { "#0072b2", "#d55e00" }, { "#222222", "#ffffff" } };
	buf_printf(b, "<g class=\"points\" stroke=\"#222222\" stroke-width=\"0.8\">\n");
	for (int i = 0; i < n; i++) {
		if (!isfinite(re[i]) || !isfinite(im[i]))
			continue;
		int out = s->circle && hypot(re[i], im[i]) > 1;
		buf_printf(b, "<circle class=\"point\" cx=\"%.3f\" cy=\"%.3f\" r=\"4\" fill=\"%s\"/>\n", sq_x(q, re[i]),
			   sq_y(q, im[i]), fill[mono][out]);
	}
	buf_printf(b, "</g>\n");
	if (!s->circle)
		return;
	const double lx = q->x + q->side + 40, ly = q->y + 20;
	static const char *const what[2] = { "|\xce\xbb| \xe2\x89\xa4 1", "|\xce\xbb| > 1" };	/* |λ| ≤ 1 */
	for (int o = 0; o < 2; o++) {
		buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#222222\" "
			   "stroke-width=\"0.8\"/>\n", lx, ly + 20 * o, fill[mono][o]);
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\">%s</text>\n", lx + 10, ly + 20 * o, what[o]);
	}
}

int svg_cplane(char **out, size_t *len, const CplaneSpec *s, const double *re, const double *im, int n, Err *e)
{
	int rc = plane_args(s, re, im, n, e);
	if (rc)
		return rc;
	Square q;
	q.y = 62;
	q.side = SVG_H - q.y - 70;
	q.x = (SVG_W - q.side) / 2;
	q.R = cplane_edge(s, re, im, n);
	Buf b = { 0 };
	header(&b, s->title);
	plane_axes(&b, s, &q);
	if (s->circle)
		buf_printf(&b, "<circle class=\"unit\" cx=\"%.3f\" cy=\"%.3f\" r=\"%.3f\" fill=\"none\" stroke=\"%s\" "
			   "stroke-width=\"1.5\"%s/>\n", sq_x(&q, 0), sq_y(&q, 0), q.side / 2 / q.R,
			   s->colors == GRID_MONO ? "#222222" : paper_color(GRID_YELLOW),
			   s->colors == GRID_MONO ? " stroke-dasharray=\"6 4\"" : "");
	if (s->paths)
		plane_paths(&b, s, &q, re, im);
	else
		plane_points(&b, s, &q, re, im, n);
	if (nonempty(s->note)) {
		buf_printf(&b, "<text class=\"note\" x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" xml:space=\"preserve\">",
			   SVG_W / 2, q.y + q.side + 48);
		buf_text(&b, s->note);
		buf_printf(&b, "</text>\n");
	}
	buf_printf(&b, "</svg>\n");
	return buf_finish(&b, out, len, e);
}

/* ---- files ------------------------------------------------------------- */

int svg_write_file(const char *path, const char *text, size_t len, Err *e)
{
	return file_write_atomic(path, text, len, e);
}

int svg_write_plot(const char *path, const PlotSpec *s, const PlotSeries *series,
		   int nseries, Err *e)
{
	char *text;
	size_t len;
	int rc = svg_plot(&text, &len, s, series, nseries, e);
	if (rc)
		return rc;
	rc = svg_write_file(path, text, len, e);
	free(text);
	return rc;
}

int svg_write_heatmap(const char *path, const HeatmapSpec *s, const HeatmapMatrix *m, Err *e)
{
	char *text;
	size_t len;
	int rc = svg_heatmap(&text, &len, s, m, e);
	if (rc)
		return rc;
	rc = svg_write_file(path, text, len, e);
	free(text);
	return rc;
}

int svg_write_cplane(const char *path, const CplaneSpec *s, const double *re, const double *im, int n, Err *e)
{
	char *text;
	size_t len;
	int rc = svg_cplane(&text, &len, s, re, im, n, e);
	if (rc)
		return rc;
	rc = svg_write_file(path, text, len, e);
	free(text);
	return rc;
}
