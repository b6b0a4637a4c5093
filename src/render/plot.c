/* plot.c — line plots: braille canvas, legend, layout (the axes and their
 * ticks: plot_axis.c). */
#include "plot.h"
#include "plot_priv.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"

/* Unicode characters used here (all one column wide). */
enum {
	CH_VLINE  = 0x2502,	/* │ */
	CH_HLINE  = 0x2500,	/* ─ */
	CH_CORNER = 0x2514,	/* └ */
	CH_YTICK  = 0x2524,	/* ┤ */
	CH_XTICK  = 0x252c,	/* ┬ */
	CH_DASH   = 0x254c,	/* ╌ */
	CH_BRAILLE = 0x2800,
};

static const char series_markers[] = "*o+x#%@&";

/* Line patterns for series without colour (unicode): bit i of bits says
 * whether dots at position i (mod period) along a line are drawn. */
static const struct { unsigned bits, period; } patterns[] = {
	{ 0x1, 1 },	/* solid    ●●●●●● */
	{ 0x1, 2 },	/* dotted   ● ● ●  */
	{ 0x3, 4 },	/* dashed   ●●  ●● */
	{ 0x17, 6 },	/* dash-dot ●●● ●  */
};
#define NPATTERNS (int)(sizeof patterns / sizeof patterns[0])

/* Braille dot bits by [row][column] within a cell. */
static const uint8_t braille_bit[4][2] = {
	{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 },
};

uint32_t plot_series_color(int k)
{
	return PLOT_PALETTE((k % COLORMAP_SERIES + COLORMAP_SERIES) % COLORMAP_SERIES);
}

uint32_t plot_ink(GridColors mode, uint32_t color, int k)
{
	if (mode == GRID_MONO)
		return GRID_DEFAULT;
	if (color == GRID_DEFAULT)
		return colormap_series(k, mode);
	if (PLOT_IS_PALETTE(color))
		return colormap_series((int)(color & 0xff), mode);
	return color;
}

char plot_series_marker(int k)
{
	int n = (int)sizeof series_markers - 1;
	return series_markers[(k % n + n) % n];
}

void plot_spec_init(PlotSpec *s)
{
	memset(s, 0, sizeof *s);
	s->ymin = NAN;
	s->ymax = NAN;
	s->colors = GRID_COLORS_8;
}

/* ---- bucketing and the dot canvas -------------------------------------- */

void plot_bucket(const PlotSeries *s, int logy, double xlo, double xhi,
		 PlotBucket *b, int ncols)
{
	memset(b, 0, (size_t)ncols * sizeof *b);
	double scale = xhi > xlo ? (ncols - 1) / (xhi - xlo) : 0;
	int have = 0, gap = 0;
	for (int i = 0; i < s->n; i++) {
		double x = s->x ? s->x[i] : i;
		double y = plot_ytr(s->y[i], logy);
		double t = floor((x - xlo) * scale + 0.5);
		if (isnan(y) || !(t >= 0 && t < ncols)) {
			gap = 1;
			continue;
		}
		PlotBucket *p = &b[(int)t];
		if (p->n == 0) {
			p->first = p->lo = p->hi = y;
			p->joined = have && !gap;
		} else {
			p->lo = y < p->lo ? y : p->lo;
			p->hi = y > p->hi ? y : p->hi;
		}
		p->last = y;
		p->n++;
		have = 1;
		gap = 0;
	}
}

typedef struct Canvas {
	int pw, ph;		/* cells */
	int sx, sy;		/* dots per cell */
	uint8_t *mask;		/* pw*ph dot masks (braille bits; 1 in ascii) */
	short *owner;		/* pw*ph: the last series that drew in the cell */
	int series;		/* the series drawing now */
	unsigned bits, period;	/* its pattern */
} Canvas;

/* Set dot dx, dy if the pattern is on at position idx along the line. */
static void canvas_dot(Canvas *cv, int dx, int dy, int idx)
{
	unsigned on = (cv->bits >> ((unsigned)idx % cv->period)) & 1;
	if (!on || dx < 0 || dy < 0 || dx >= cv->pw * cv->sx || dy >= cv->ph * cv->sy)
		return;
	size_t c = (size_t)(dy / cv->sy) * (size_t)cv->pw + (size_t)(dx / cv->sx);
	cv->mask[c] |= cv->sx == 1 ? 1 : braille_bit[dy % 4][dx % 2];
	cv->owner[c] = (short)cv->series;
}

/* Liang-Barsky: clip the segment to [xmin, xmax] x [ymin, ymax]. */
static int clip_segment(double *x0, double *y0, double *x1, double *y1,
			double xmin, double ymin, double xmax, double ymax)
{
	double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0, t1 = 1;
	double p[4] = { -dx, dx, -dy, dy };
	double q[4] = { *x0 - xmin, xmax - *x0, *y0 - ymin, ymax - *y0 };
	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return 0;
			continue;
		}
		double t = q[i] / p[i];
		if (p[i] < 0) {
			if (t > t1)
				return 0;
			if (t > t0)
				t0 = t;
		} else {
			if (t < t0)
				return 0;
			if (t < t1)
				t1 = t;
		}
	}
	double ax = *x0, ay = *y0;
	*x0 = ax + t0 * dx;
	*y0 = ay + t0 * dy;
	*x1 = ax + t1 * dx;
	*y1 = ay + t1 * dy;
	return 1;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A line between two dot positions (y may lie outside the canvas: the
 * segment is clipped first), by Bresenham.  The pattern runs along the
 * line's major axis, in canvas coordinates, so it continues unbroken from
 * one segment to the next. */
static void canvas_line(Canvas *cv, double fx0, double fy0, double fx1, double fy1)
{
	int W = cv->pw * cv->sx, H = cv->ph * cv->sy;
	/* Far-off values would only overflow the arithmetic below. */
	fy0 = fmax(-1e9, fmin(1e9, fy0));
	fy1 = fmax(-1e9, fmin(1e9, fy1));
	if (!clip_segment(&fx0, &fy0, &fx1, &fy1, -0.5, -0.5, W - 0.5, H - 0.5))
		return;
	int x0 = clampi((int)floor(fx0 + 0.5), 0, W - 1), y0 = clampi((int)floor(fy0 + 0.5), 0, H - 1);
	int x1 = clampi((int)floor(fx1 + 0.5), 0, W - 1), y1 = clampi((int)floor(fy1 + 0.5), 0, H - 1);
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int err = dx + dy, steep = -dy > dx;
	for (;;) {
		canvas_dot(cv, x0, y0, steep ? y0 : x0);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

/* Dot row (0 = top) of y in axis units. */
static double dot_row(const PlotAxis *ya, double v, int H)
{
	return (ya->hi - v) / (ya->hi - ya->lo) * (H - 1);
}

static double dot_col(const PlotAxis *xa, double v, int W)
{
	return (v - xa->lo) / (xa->hi - xa->lo) * (W - 1);
}

static void canvas_series(Canvas *cv, const PlotSeries *s, const PlotAxis *xa,
			  const PlotAxis *ya, PlotBucket *b)
{
	int W = cv->pw * cv->sx, H = cv->ph * cv->sy;
	plot_bucket(s, ya->log, xa->lo, xa->hi, b, W);
	int prev = -1;
	for (int c = 0; c < W; c++) {
		if (b[c].n == 0)
			continue;
		if (prev >= 0 && b[c].joined)
			canvas_line(cv, prev, dot_row(ya, b[prev].last, H),
				    c, dot_row(ya, b[c].first, H));
		canvas_line(cv, c, dot_row(ya, b[c].hi, H), c, dot_row(ya, b[c].lo, H));
		prev = c;
	}
}

int plot_frame_dot(const PlotFrame *f, double x, double y, int *dx, int *dy)
{
	int W = f->w * f->sx, H = f->h * f->sy;
	double v = plot_ytr(y, f->ya.log);
	if (isnan(v) || !isfinite(x))
		return 0;
	double c = floor(dot_col(&f->xa, x, W) + 0.5), r = floor(dot_row(&f->ya, v, H) + 0.5);
	if (!(c >= 0 && c < W && r >= 0 && r < H))
		return 0;
	*dx = (int)c;
	*dy = (int)r;
	return 1;
}

/* ---- legend ------------------------------------------------------------ */

typedef struct Item {
	const char *text;
	char own[32];		/* text of a reference line without a label */
	int series;		/* series index, or -1 - reference index */
	int width;		/* cells: 3 glyphs, a space, the text (maybe cut) */
	int row;		/* legend row, -1: not shown */
} Item;

#define SAMPLE_W 3

/* The three legend glyphs of series k (pattern, marker) or of a reference
 * line. */
static void item_sample(const PlotSpec *s, int series, uint32_t out[SAMPLE_W])
{
	for (int i = 0; i < SAMPLE_W; i++) {
		if (series < 0) {
			out[i] = s->ascii ? (i == 1 ? ' ' : '-') : CH_DASH;
		} else if (s->ascii) {
			out[i] = (uint32_t)plot_series_marker(series);
		} else {
			int p = s->colors == GRID_MONO ? series % NPATTERNS : 0;
			unsigned l = (unsigned)(2 * i), r = l + 1, m = 0;
			if ((patterns[p].bits >> (l % patterns[p].period)) & 1)
				m |= 0x06;	/* left column, middle dots */
			if ((patterns[p].bits >> (r % patterns[p].period)) & 1)
				m |= 0x30;	/* right column, middle dots */
			out[i] = CH_BRAILLE + m;
		}
	}
}

/* Flow items left to right into rows (each row is right-aligned when
 * drawn); row 0 has room0 cells, the others room.  An item too wide for a
 * row is cut; one that cannot show its glyphs and a letter is dropped.
 * Returns the number of rows. */
static int legend_flow(Item *it, int n, int room0, int room)
{
	int row = 0, used = 0, rows = 0;
	for (int i = 0; i < n; i++) {
		int r = row == 0 ? room0 : room;
		int need = (used ? used + 2 : 0) + it[i].width;
		if (need > r && used) {
			row++;
			used = 0;
			r = room;
			need = it[i].width;
		}
		if (need > r) {
			it[i].width = r;
			need = r;
		}
		if (it[i].width < SAMPLE_W + 2) {
			it[i].row = -1;
			continue;
		}
		it[i].row = row;
		used = need;
		rows = row + 1;
	}
	return rows;
}

static uint32_t ref_color(const PlotRef *r)
{
	return r->color == GRID_DEFAULT ? GRID_RED : r->color;
}

static uint32_t series_color(const PlotSeries *s, int k)
{
	return s->color == GRID_DEFAULT ? plot_series_color(k) : s->color;
}

/* ---- drawing ----------------------------------------------------------- */

static int nonempty(const char *s)
{
	return s && *s;
}

/* A short message centred in the rectangle, for when it is too small. */
static void draw_too_small(Grid *g, int x0, int y0, int w, int h, int ascii)
{
	char full[48];
	snprintf(full, sizeof full, "too small (%dx%d)", PLOT_MIN_W, PLOT_MIN_H);
	const char *msg = (int)strlen(full) <= w ? full : "too small";
	int len = (int)strlen(msg);
	int x = len < w ? x0 + (w - len) / 2 : x0;
	grid_text_fit(g, x, y0 + (h - 1) / 2, w, msg, grid_style(GRID_DEFAULT, GRID_DIM), ascii);
}

/* c: a Style colour or a palette slot (PLOT_PALETTE), in the spec's mode. */
static Style fg_style(const PlotSpec *s, uint32_t c, int attr)
{
	return grid_style(plot_ink(s->colors, c, 0), attr);
}

static void text_centered(Grid *g, int x0, int w, int y, const char *t, Style st, int ascii)
{
	int n = grid_text_width(t);
	int x = n < w ? x0 + (w - n) / 2 : x0;
	grid_text_fit(g, x, y, w, t, st, ascii);
}

static int check_args(const Grid *g, const PlotSpec *s, const PlotSeries *series,
		      int nseries, Err *e)
{
	if (!g || !s)
		return err_set(e, ERR_INVAL, "plot: no grid or spec");
	if (nseries < 0 || (nseries > 0 && !series))
		return err_set(e, ERR_INVAL, "plot: bad series count %d", nseries);
	if (nseries > 32767)
		return err_set(e, ERR_INVAL, "plot: too many series (%d)", nseries);
	for (int k = 0; k < nseries; k++)
		if (series[k].n < 0 || (series[k].n > 0 && !series[k].y))
			return err_set(e, ERR_INVAL, "plot: series %d has no y values", k);
	if (s->nrefs < 0 || (s->nrefs > 0 && !s->refs))
		return err_set(e, ERR_INVAL, "plot: bad reference line count %d", s->nrefs);
	if (s->nmarks < 0 || (s->nmarks > 0 && !s->marks))
		return err_set(e, ERR_INVAL, "plot: bad mark count %d", s->nmarks);
	if ((unsigned)s->colors >= GRID_COLORS_COUNT)
		return err_set(e, ERR_INVAL, "plot: bad colour mode %d", (int)s->colors);
	return 0;
}

typedef struct Layout {
	int title_y, head_y, xlabel_y;	/* rows, -1: none */
	int leg_rows;			/* legend rows from head_y */
	int lw;				/* width of the y tick labels */
	int margin;			/* blank columns on the right */
	int px, py, pw, ph;		/* plot area */
} Layout;

static void draw_legend(Grid *g, const PlotSpec *s, const PlotSeries *series,
			const Item *it, int nit, int x0, int w, const Layout *L)
{
	for (int row = 0; row < L->leg_rows; row++) {
		int total = 0;
		for (int i = 0; i < nit; i++)
			if (it[i].row == row)
				total += (total ? 2 : 0) + it[i].width;
		int x = x0 + w - L->margin - total;
		for (int i = 0; i < nit; i++) {
			if (it[i].row != row)
				continue;
			uint32_t glyph[SAMPLE_W];
			item_sample(s, it[i].series, glyph);
			uint32_t c = it[i].series >= 0 ?
				series_color(&series[it[i].series], it[i].series) :
				ref_color(&s->refs[-1 - it[i].series]);
			for (int j = 0; j < SAMPLE_W; j++)
				grid_put(g, x + j, L->head_y + row, glyph[j], fg_style(s, c, 0));
			grid_text_fit(g, x + SAMPLE_W + 1, L->head_y + row,
				      it[i].width - SAMPLE_W - 1, it[i].text,
				      grid_style(GRID_DEFAULT, 0), s->ascii);
			x += it[i].width + 2;
		}
	}
}

/* The rows of the rectangle: title, header (ylabel and legend), plot,
 * axis, tick labels, xlabel. */
static void layout_rows(Layout *L, const PlotSpec *s, Item *it, int nit, int y0, int w, int h)
{
	int top = y0;
	L->title_y = nonempty(s->title) ? top++ : -1;
	int ylw = nonempty(s->ylabel) ? grid_text_width(s->ylabel) : 0;
	int room = w - L->margin;
	int room0 = ylw ? room - ylw - 2 : room;
	int rows = legend_flow(it, nit, room0, room);
	L->head_y = ylw || rows ? top : -1;
	int extra = rows > 1 ? rows - 1 : 0;
	int xl = nonempty(s->xlabel);
	int ph = h - (top - y0) - (L->head_y >= 0) - 2 - extra - xl;
	if (ph < 5 && xl) {
		xl = 0;
		ph++;
	}
	while (ph < 5 && extra > 0) {
		extra--;
		ph++;
	}
	for (int i = 0; i < nit; i++)
		if (it[i].row > extra)
			it[i].row = -1;
	L->leg_rows = rows ? extra + 1 : 0;
	L->py = top + (L->head_y >= 0) + extra;
	L->ph = ph;
	L->xlabel_y = xl ? L->py + ph + 2 : -1;
}

/* Reference lines, under the curves (drawn after them, over these). */
static void draw_refs(Grid *g, const PlotSpec *s, const PlotAxis *ya, const Layout *L,
		      const Canvas *cv)
{
	int H = L->ph * cv->sy;
	for (int r = 0; r < s->nrefs; r++) {
		double v = plot_ytr(s->refs[r].y, s->logy);
		if (isnan(v))
			continue;
		double d = floor(dot_row(ya, v, H) + 0.5);
		if (!(d >= 0 && d < H))
			continue;
		int row = (int)d / cv->sy;
		Style st = fg_style(s, ref_color(&s->refs[r]), 0);
		for (int i = 0; i < L->pw; i++) {
			uint32_t ch = s->ascii ? (i % 2 ? ' ' : '-') : CH_DASH;
			grid_put(g, L->px + i, L->py + row, ch, st);
		}
	}
}

/* Label each reference line in the plot, at its right end or else its left
 * end, where no curve passes (the legend names it anyway). */
static void label_refs(Grid *g, const PlotSpec *s, const PlotAxis *ya, const Layout *L,
		       const Canvas *cv, const Item *it, int nit)
{
	int H = L->ph * cv->sy;
	for (int i = 0; i < nit; i++) {
		if (it[i].series >= 0)
			continue;
		const PlotRef *ref = &s->refs[-1 - it[i].series];
		double v = plot_ytr(ref->y, s->logy);
		double d = isnan(v) ? -1 : floor(dot_row(ya, v, H) + 0.5);
		if (!(d >= 0 && d < H))
			continue;
		int row = (int)d / cv->sy;
		int len = grid_text_width(it[i].text) + 2;	/* with a space each side */
		if (len > L->pw - 2)
			continue;
		int starts[2] = { L->pw - 1 - len, 1 };
		for (int k = 0; k < 2; k++) {
			int free = 1;
			for (int c = starts[k]; c < starts[k] + len; c++)
				if (cv->mask[(size_t)row * (size_t)L->pw + (size_t)c])
					free = 0;
			if (!free)
				continue;
			Style st = fg_style(s, ref_color(ref), 0);
			grid_put(g, L->px + starts[k], L->py + row, ' ', st);
			grid_text(g, L->px + starts[k] + 1, L->py + row, it[i].text, st);
			grid_put(g, L->px + starts[k] + len - 1, L->py + row, ' ', st);
			break;
		}
	}
}

static void draw_axes(Grid *g, const PlotSpec *s, const PlotAxis *xa, const PlotAxis *ya,
		      const Layout *L, int sx, int sy, int x0, int w)
{
	Style st = grid_style(GRID_DEFAULT, 0);
	int ax = L->px - 1, ay = L->py + L->ph;
	int H = L->ph * sy, W = L->pw * sx;
	for (int r = 0; r < L->ph; r++)
		grid_put(g, ax, L->py + r, s->ascii ? '|' : CH_VLINE, st);
	grid_put(g, ax, ay, s->ascii ? '+' : CH_CORNER, st);
	for (int c = 0; c < L->pw; c++)
		grid_put(g, L->px + c, ay, s->ascii ? '-' : CH_HLINE, st);

	/* y ticks, top down.  Where ticks share a row, the label is the one
	 * nearest the row's middle (the top and bottom rows: nearest the
	 * edge, so the ends of the range are what is labelled); labels are at
	 * least two rows apart in tall plots. */
	int mingap = L->ph >= 8 ? 2 : 1, last = -100;
	int rows[PLOT_MAX_TICKS];
	double miss[PLOT_MAX_TICKS];
	for (int i = 0; i < ya->nticks; i++) {
		double d = floor(dot_row(ya, ya->tick[i], H) + 0.5);
		rows[i] = d >= 0 && d < H ? (int)d / sy : -1;
		double want = rows[i] == 0 ? 0 : rows[i] == L->ph - 1 ? H - 1 :
			rows[i] * sy + (sy - 1) / 2.0;
		miss[i] = fabs(dot_row(ya, ya->tick[i], H) - want);
	}
	for (int i = ya->nticks - 1; i >= 0; i--) {
		int row = rows[i], best = 1;
		if (row < 0)
			continue;
		grid_put(g, ax, L->py + row, s->ascii ? '+' : CH_YTICK, st);
		for (int j = 0; j < ya->nticks; j++)
			if (j != i && rows[j] == row && (miss[j] < miss[i] || (miss[j] == miss[i] && j > i)))
				best = 0;
		if (!best || row - last < mingap)
			continue;
		char buf[32];
		plot_axis_label(ya, i, buf, sizeof buf);
		int n = (int)strlen(buf);
		grid_text(g, ax - 1 - n, L->py + row, buf, st);
		last = row;
	}

	/* x ticks: labels centred under their mark, kept inside the rectangle
	 * and apart. */
	int prev_end = x0 - 2, right = x0 + w;
	for (int i = 0; i < xa->nticks; i++) {
		double d = floor(dot_col(xa, xa->tick[i], W) + 0.5);
		if (!(d >= 0 && d < W))
			continue;
		int col = L->px + (int)d / sx;
		grid_put(g, col, ay, s->ascii ? '+' : CH_XTICK, st);
		char buf[32];
		int n = plot_format(buf, sizeof buf, xa->tick[i], xa->step);
		int start = col - (n - 1) / 2;
		if (start + n > right)
			start = right - n;
		if (start < x0)
			start = x0;
		if (start <= prev_end + 1)
			continue;
		grid_text(g, start, ay + 1, buf, st);
		prev_end = start + n - 1;
	}
	if (nonempty(s->xlabel)) {
		if (L->xlabel_y >= 0) {
			text_centered(g, L->px, L->pw, L->xlabel_y, s->xlabel, st, s->ascii);
		} else {
			int n = grid_text_width(s->xlabel);
			if (right - n > prev_end + 2)
				grid_text(g, right - n, ay + 1, s->xlabel, st);
		}
	}
}

int plot_draw(Grid *g, int x0, int y0, int w, int h, const PlotSpec *s,
	      const PlotSeries *series, int nseries, PlotFrame *frame, Err *e)
{
	int rc = check_args(g, s, series, nseries, e);
	if (rc)
		return rc;
	int cx0 = g->cx0, cy0 = g->cy0, cx1 = g->cx1, cy1 = g->cy1;
	grid_clip(g, x0, y0, w, h);
	grid_fill(g, x0, y0, w, h, ' ', grid_style(GRID_DEFAULT, 0));
	Item *it = NULL;
	uint8_t *mask = NULL;
	short *owner = NULL;
	PlotBucket *b = NULL;
	if (w < PLOT_MIN_W || h < PLOT_MIN_H) {
		draw_too_small(g, x0, y0, w, h, s->ascii);
		rc = err_set(e, ERR_INVAL, "plot: %dx%d is too small (at least %dx%d)",
			     w, h, PLOT_MIN_W, PLOT_MIN_H);
		goto out;
	}

	/* Legend items: named series, then reference lines. */
	it = calloc((size_t)nseries + (size_t)s->nrefs + 1, sizeof *it);
	if (!it) {
		rc = err_set(e, ERR_NOMEM, "plot: out of memory");
		goto out;
	}
	int nit = 0;
	for (int k = 0; k < nseries; k++) {
		if (!nonempty(series[k].name))
			continue;
		it[nit].text = series[k].name;
		it[nit].series = k;
		nit++;
	}
	for (int r = 0; r < s->nrefs; r++) {
		Item *p = &it[nit++];
		if (nonempty(s->refs[r].label)) {
			p->text = s->refs[r].label;
		} else {
			plot_format(p->own, sizeof p->own, s->refs[r].y, 0);
			p->text = p->own;
		}
		p->series = -1 - r;
	}
	for (int i = 0; i < nit; i++)
		it[i].width = SAMPLE_W + 1 + grid_text_width(it[i].text);

	Layout L;
	L.margin = w >= 30 ? 1 : 0;
	layout_rows(&L, s, it, nit, y0, w, h);
	int sx = s->ascii ? 1 : 2, sy = s->ascii ? 1 : 4;

	/* The y axis decides the label column, which decides the plot width. */
	PlotAxis ya, xa;
	int want = L.ph / 3 + 1;
	want = want < 2 ? 2 : want > 8 ? 8 : want;
	int ndata = plot_axis_y(&ya, s, series, nseries, want, L.ph);
	L.lw = 1;
	for (int i = 0; i < ya.nticks; i++) {
		char buf[32];
		plot_axis_label(&ya, i, buf, sizeof buf);
		int n = (int)strlen(buf);
		L.lw = n > L.lw ? n : L.lw;
	}
	L.px = x0 + L.lw + 2;
	L.pw = w - L.lw - 2 - L.margin;
	if (L.pw < 4) {
		draw_too_small(g, x0, y0, w, h, s->ascii);
		rc = err_set(e, ERR_INVAL, "plot: %dx%d is too narrow for its labels", w, h);
		goto out;
	}
	plot_axis_x(&xa, series, nseries, L.pw, 2);

	size_t cells = (size_t)L.pw * (size_t)L.ph;
	mask = calloc(cells, 1);
	owner = calloc(cells, sizeof *owner);
	b = malloc((size_t)L.pw * (size_t)sx * sizeof *b);
	if (!mask || !owner || !b) {
		rc = err_set(e, ERR_NOMEM, "plot: out of memory");
		goto out;
	}
	Canvas cv = { L.pw, L.ph, sx, sy, mask, owner, 0, 1, 1 };
	for (int k = 0; k < nseries; k++) {
		int p = !s->ascii && s->colors == GRID_MONO ? k % NPATTERNS : 0;
		cv.series = k;
		cv.bits = patterns[p].bits;
		cv.period = patterns[p].period;
		canvas_series(&cv, &series[k], &xa, &ya, b);
	}

	/* Title, legend, axes, reference lines, then the curves on top. */
	if (L.title_y >= 0)
		text_centered(g, x0, w, L.title_y, s->title, grid_style(GRID_DEFAULT, GRID_BOLD),
			      s->ascii);
	if (nonempty(s->ylabel))
		grid_text_fit(g, x0, L.head_y, w, s->ylabel, grid_style(GRID_DEFAULT, 0), s->ascii);
	draw_legend(g, s, series, it, nit, x0, w, &L);
	draw_axes(g, s, &xa, &ya, &L, sx, sy, x0, w);
	draw_refs(g, s, &ya, &L, &cv);
	for (size_t c = 0; c < cells; c++) {
		if (!mask[c])
			continue;
		int k = owner[c];
		uint32_t ch = s->ascii ? (uint32_t)plot_series_marker(k) :
					(uint32_t)(CH_BRAILLE + mask[c]);
		grid_put(g, L.px + (int)(c % (size_t)L.pw), L.py + (int)(c / (size_t)L.pw), ch,
			 fg_style(s, series_color(&series[k], k), 0));
	}
	label_refs(g, s, &ya, &L, &cv, it, nit);
	const PlotFrame f = { L.px, L.py, L.pw, L.ph, sx, sy, xa, ya };
	for (int k = 0; k < s->nmarks; k++) {
		const GridMark *m = &s->marks[k];
		int dx, dy;
		if (plot_frame_dot(&f, m->x, m->y, &dx, &dy))
			grid_put(g, f.x + dx / sx, f.y + dy / sy, m->glyph, fg_style(s, m->color, GRID_BOLD));
	}
	if (ndata == 0)
		text_centered(g, L.px, L.pw, L.py + (L.ph - 1) / 2, "(no data)",
			      grid_style(GRID_DEFAULT, GRID_DIM), s->ascii);
	if (frame)
		*frame = f;
	rc = 0;
out:
	free(it);
	free(mask);
	free(owner);
	free(b);
	g->cx0 = cx0;
	g->cy0 = cy0;
	g->cx1 = cx1;
	g->cy1 = cy1;
	return rc;
}
