/* heatmap.c — colour scales, pooling and layout of matrix pictures. */
#include "heatmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"
#include "plot.h"

const char *const heatmap_scale_names[HEATMAP_SCALE_COUNT] = {
	[HEATMAP_SEQUENTIAL] = "sequential",
	[HEATMAP_DIVERGING]  = "diverging",
};

enum {
	CH_MIDDOT = 0x00b7,	/* · */
	CH_BAR_L  = 0x2595,	/* ▕ */
	CH_BAR_R  = 0x258f,	/* ▏ */
};

#define MAX_ROW_SCALE 3		/* grid rows per matrix row, at most */
#define MAX_COL_SCALE 8		/* grid columns per matrix column, at most */
#define MAX_LEVELS 65		/* colormap_levels() is at most this */

static ColormapKind map_of(const HeatmapSpec *s)
{
	return s->scale == HEATMAP_DIVERGING ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL;
}

void heatmap_spec_init(HeatmapSpec *s)
{
	memset(s, 0, sizeof *s);
	s->vmin = NAN;
	s->vmax = NAN;
	s->colors = GRID_COLORS_8;
}

int heatmap_levels(const HeatmapSpec *s)
{
	return colormap_levels(map_of(s), s->colors, s->ascii);
}

static int level_of(double t, int L)
{
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	int k = (int)floor(t * L);
	return k < 0 ? 0 : k >= L ? L - 1 : k;
}

void heatmap_cell(const HeatmapSpec *s, double t, uint32_t *cp, Style *st)
{
	if (isnan(t)) {
		*st = grid_style(GRID_DEFAULT, 0);
		*cp = s->ascii ? '?' : CH_MIDDOT;
		return;
	}
	colormap_look(map_of(s), s->colors, s->ascii, level_of(t, heatmap_levels(s)), NULL, cp, st);
}

/* Every level's look, made once for a whole map (the nearest xterm colours
 * are searched once, not per cell). */
typedef struct Looks {
	int L;
	uint32_t cp[MAX_LEVELS];
	Style st[MAX_LEVELS];
} Looks;

static void looks_init(Looks *lk, const HeatmapSpec *s)
{
	ColormapPalette pal;
	if (s->colors == GRID_COLORS_256)
		colormap_palette_init(&pal);
	lk->L = heatmap_levels(s);
	for (int k = 0; k < lk->L; k++)
		colormap_look(map_of(s), s->colors, s->ascii, k, &pal, &lk->cp[k], &lk->st[k]);
}

static void looks_cell(const Looks *lk, const HeatmapSpec *s, double t, uint32_t *cp, Style *st)
{
	if (isnan(t)) {
		heatmap_cell(s, t, cp, st);
		return;
	}
	int k = level_of(t, lk->L);
	*cp = lk->cp[k];
	*st = lk->st[k];
}

static double at(const HeatmapMatrix *m, int r, int c)
{
	return m->v[(ptrdiff_t)r * m->rs + (ptrdiff_t)c * m->cs];
}

void heatmap_range(const HeatmapSpec *s, const HeatmapMatrix *m, double *lo, double *hi)
{
	double mn = INFINITY, mx = -INFINITY;
	for (int r = 0; r < m->rows; r++) {
		for (int c = 0; c < m->cols; c++) {
			double v = at(m, r, c);
			if (!isfinite(v))
				continue;
			mn = v < mn ? v : mn;
			mx = v > mx ? v : mx;
		}
	}
	int any = mn <= mx;
	if (s->scale == HEATMAP_DIVERGING) {
		double a = any ? fmax(fabs(mn), fabs(mx)) : 1;
		if (a == 0)
			a = 1;
		mn = -a;
		mx = a;
	} else if (!any) {
		mn = 0;
		mx = 1;
	}
	/* Round an automatic range out to a nice step (a tenth of the range
	 * or less), so the scale reads "-1 .. 1", not "-0.9993 .. 0.9993". */
	if (mx > mn) {
		double st = plot_nice_step(mx - mn, 10, 0);
		mn = floor(mn / st + 1e-9) * st;
		mx = ceil(mx / st - 1e-9) * st;
	}
	if (isfinite(s->vmin))
		mn = s->vmin;
	if (isfinite(s->vmax))
		mx = s->vmax;
	if (mn > mx) {
		double t = mn;
		mn = mx;
		mx = t;
	}
	if (mn == mx) {
		mn -= 0.5;
		mx += 0.5;
	}
	*lo = mn;
	*hi = mx;
}

static int nonempty(const char *s)
{
	return s && *s;
}

static void text_centered(Grid *g, int x0, int w, int y, const char *t, Style st, int ascii)
{
	int n = grid_text_width(t);
	int x = n < w ? x0 + (w - n) / 2 : x0;
	grid_text_fit(g, x, y, w, t, st, ascii);
}

/* The smallest whole step of 1, 2, 5, 10, ... that is at least min. */
static int nice_int_at_least(double min)
{
	for (int mag = 1; mag < 1000000000 / 10; mag *= 10) {
		if (min <= mag)
			return mag;
		if (min <= 2 * mag)
			return 2 * mag;
		if (min <= 5 * mag)
			return 5 * mag;
	}
	return 1000000000;
}

/* The legend: "lo ▕bar▏ hi", right-aligned to end at column right, at
 * most maxw cells.  Returns 0 when it does not fit. */
static int draw_scale(Grid *g, const HeatmapSpec *s, const Looks *lk, double lo, double hi, int right, int y,
		      int maxw)
{
	char a[32], b[32];
	plot_format(a, sizeof a, lo, 0);
	plot_format(b, sizeof b, hi, 0);
	int la = (int)strlen(a), lb = (int)strlen(b), L = heatmap_levels(s);
	int bw = 2 * L < 10 ? 10 : 2 * L > 26 ? 26 : 2 * L;
	int room = maxw - la - lb - 4;
	if (room < bw)
		bw = room;
	if (bw < 5)
		return 0;
	int x = right - (la + lb + bw + 4);
	Style plain = grid_style(GRID_DEFAULT, 0);
	grid_text(g, x, y, a, plain);
	x += la + 1;
	grid_put(g, x++, y, s->ascii ? '[' : CH_BAR_L, plain);
	for (int i = 0; i < bw; i++) {
		uint32_t cp;
		Style st;
		looks_cell(lk, s, (i + 0.5) / bw, &cp, &st);
		grid_put(g, x++, y, cp, st);
	}
	grid_put(g, x++, y, s->ascii ? ']' : CH_BAR_R, plain);
	grid_text(g, x + 1, y, b, plain);
	return 1;
}

static int check_args(const Grid *g, const HeatmapSpec *s, const HeatmapMatrix *m, Err *e)
{
	if (!g || !s || !m)
		return err_set(e, ERR_INVAL, "heatmap: no grid, spec or matrix");
	if (m->rows < 1 || m->cols < 1 || !m->v)
		return err_set(e, ERR_INVAL, "heatmap: empty matrix (%dx%d)", m->rows, m->cols);
	if ((unsigned)s->scale >= HEATMAP_SCALE_COUNT)
		return err_set(e, ERR_INVAL, "heatmap: bad scale %d", (int)s->scale);
	if ((unsigned)s->colors >= GRID_COLORS_COUNT)
		return err_set(e, ERR_INVAL, "heatmap: bad colour mode %d", (int)s->colors);
	if (s->nmarks < 0 || (s->nmarks > 0 && !s->marks))
		return err_set(e, ERR_INVAL, "heatmap: bad mark count %d", s->nmarks);
	return 0;
}

int heatmap_draw(Grid *g, int x0, int y0, int w, int h, const HeatmapSpec *s,
		 const HeatmapMatrix *m, HeatmapFrame *frame, Err *e)
{
	int rc = check_args(g, s, m, e);
	if (rc)
		return rc;
	int cx0 = g->cx0, cy0 = g->cy0, cx1 = g->cx1, cy1 = g->cy1;
	grid_clip(g, x0, y0, w, h);
	grid_fill(g, x0, y0, w, h, ' ', grid_style(GRID_DEFAULT, 0));
	double *pool = NULL;
	Style plain = grid_style(GRID_DEFAULT, 0);
	if (w < HEATMAP_MIN_W || h < HEATMAP_MIN_H) {
		char msg[48];
		snprintf(msg, sizeof msg, "too small (%dx%d)", HEATMAP_MIN_W, HEATMAP_MIN_H);
		const char *t = (int)strlen(msg) <= w ? msg : "too small";
		text_centered(g, x0, w, y0 + (h - 1) / 2, t, grid_style(GRID_DEFAULT, GRID_DIM),
			      s->ascii);
		rc = err_set(e, ERR_INVAL, "heatmap: %dx%d is too small (at least %dx%d)",
			     w, h, HEATMAP_MIN_W, HEATMAP_MIN_H);
		goto out;
	}

	/* Rows: title, header (ylabel, scale), map, column labels, xlabel.
	 * When a row or two short of one text row per matrix row, the xlabel
	 * and then the title give theirs up (pooling would halve the map). */
	int R = m->rows, C = m->cols;
	int has_title = nonempty(s->title), xl = nonempty(s->xlabel);
	int ph = h - has_title - 1 - 1 - xl;
	if (xl && (ph < 4 || (R > ph && R <= ph + 1 + has_title))) {
		xl = 0;
		ph++;
	}
	if (has_title && R > ph && R <= ph + 1) {
		has_title = 0;
		ph++;
	}
	int top = y0;
	int title_y = has_title ? top++ : -1;
	int head_y = top++;
	int py = top;

	/* Whole-number pooling or scaling of rows. */
	int fr = (R + ph - 1) / ph, rh = 1;
	if (fr == 1) {
		rh = ph / R;
		rh = rh > MAX_ROW_SCALE ? MAX_ROW_SCALE : rh;
	}
	int orows = (R + fr - 1) / fr;

	/* Row labels: names when given, else indices; every row's when each
	 * row has its own grid row, else every k-th, two grid rows apart. */
	int names_r = s->row_names != NULL;
	int rstep = 1;
	if (!names_r || fr > 1)
		rstep = nice_int_at_least(rh >= 2 ? 1 : 2.0 * fr);
	int lw = 1;
	for (int r = 0; r < R; r += rstep) {
		char buf[32];
		const char *t = buf;
		if (names_r)
			t = s->row_names[r] ? s->row_names[r] : "";
		else
			snprintf(buf, sizeof buf, "%d", r);
		int n = grid_text_width(t);
		lw = n > lw ? n : lw;
	}
	if (lw > w / 3)
		lw = w / 3;
	int pw = w - lw - 1 - (w >= 30);
	int fc = (C + pw - 1) / pw, cw = 1;
	if (fc == 1) {
		cw = pw / C;
		cw = cw > MAX_COL_SCALE ? MAX_COL_SCALE : cw;
	}
	int ocols = (C + fc - 1) / fc;

	/* Centre labels and map across the rectangle. */
	int bx = x0 + (pw - ocols * cw) / 2;
	int px = bx + lw + 1, right = px + ocols * cw;

	/* Pool. */
	pool = malloc((size_t)orows * (size_t)ocols * sizeof *pool);
	if (!pool) {
		rc = err_set(e, ERR_NOMEM, "heatmap: out of memory");
		goto out;
	}
	for (int i = 0; i < orows; i++) {
		for (int j = 0; j < ocols; j++) {
			double sum = 0;
			int n = 0;
			for (int r = i * fr; r < (i + 1) * fr && r < R; r++) {
				for (int c = j * fc; c < (j + 1) * fc && c < C; c++) {
					double v = at(m, r, c);
					if (!isnan(v)) {
						sum += v;
						n++;
					}
				}
			}
			pool[(size_t)i * (size_t)ocols + (size_t)j] = n ? sum / n : NAN;
		}
	}
	double lo, hi;
	heatmap_range(s, m, &lo, &hi);

	/* Title and header. */
	if (title_y >= 0)
		text_centered(g, x0, w, title_y, s->title, grid_style(GRID_DEFAULT, GRID_BOLD),
			      s->ascii);
	int ylw = nonempty(s->ylabel) ? grid_text_width(s->ylabel) : 0;
	if (ylw)
		grid_text_fit(g, bx, head_y, x0 + w - bx, s->ylabel, plain, s->ascii);
	int room = right - bx - (ylw ? ylw + 2 : 0);
	if (room < 24 && right < x0 + w - (w >= 30)) {
		right = x0 + w - (w >= 30);
		room = right - bx - (ylw ? ylw + 2 : 0);
	}
	Looks lk;
	looks_init(&lk, s);
	draw_scale(g, s, &lk, lo, hi, right, head_y, room);

	/* The map. */
	for (int i = 0; i < orows; i++) {
		for (int j = 0; j < ocols; j++) {
			double v = pool[(size_t)i * (size_t)ocols + (size_t)j];
			uint32_t cp;
			Style st;
			looks_cell(&lk, s, isnan(v) ? NAN : (v - lo) / (hi - lo), &cp, &st);
			grid_fill(g, px + j * cw, py + i * rh, cw, rh, cp, st);
		}
	}

	/* Row labels, right-aligned, in the middle row of their block. */
	for (int r = 0; r < R; r += rstep) {
		char buf[32];
		const char *t = buf;
		if (names_r)
			t = s->row_names[r] ? s->row_names[r] : "";
		else
			snprintf(buf, sizeof buf, "%d", r);
		int n = grid_text_width(t);
		int y = py + (r / fr) * rh + (rh - 1) / 2;
		int x = n > lw ? bx : bx + lw - n;
		grid_text_fit(g, x, y, lw, t, plain, s->ascii);
	}

	/* Column labels under the map: names (every k-th when they are wider
	 * than a column), else indices spaced for their width. */
	int ty = py + orows * rh;
	int widest = 1;
	int names_c = s->col_names != NULL;
	int cstep = 1, c0 = 0;
	if (names_c) {
		for (int c = 0; c < C; c++) {
			int n = s->col_names[c] ? grid_text_width(s->col_names[c]) : 0;
			widest = n > widest ? n : widest;
		}
		if (widest + (widest > 1) > cw || fc > 1)
			cstep = nice_int_at_least((widest + 1.0) * fc / cw);
	} else {
		char buf[32];
		widest = snprintf(buf, sizeof buf, "%d", C - 1 + s->col_base);
		cstep = nice_int_at_least((widest + 2.0) * fc / cw);
		c0 = (cstep - s->col_base % cstep) % cstep;	/* labels on multiples */
	}
	int prev_end = x0 - 2;
	for (int c = c0; c < C; c += cstep) {
		char buf[32];
		const char *t = buf;
		if (names_c)
			t = s->col_names[c] ? s->col_names[c] : "";
		else
			snprintf(buf, sizeof buf, "%d", c + s->col_base);
		int n = grid_text_width(t);
		int mid = px + (c / fc) * cw + (cw - 1) / 2;
		int x = mid - (n - 1) / 2;
		if (x < px)
			x = px;
		if (x <= prev_end + (names_c ? 0 : 1) || x + n > x0 + w)
			continue;
		grid_text(g, x, ty, t, plain);
		prev_end = x + n - 1;
	}
	if (xl) {
		text_centered(g, px, ocols * cw, ty + 1, s->xlabel, plain, s->ascii);
	} else if (nonempty(s->xlabel)) {
		int n = grid_text_width(s->xlabel);
		int x = px + ocols * cw + 2;
		if (x + n > x0 + w)
			x = x0 + w - n;
		if (x > prev_end + 2)
			grid_text(g, x, ty, s->xlabel, plain);
	}
	for (int k = 0; k < s->nmarks; k++) {	/* on the top left of the mark's cell's block */
		const GridMark *mk = &s->marks[k];
		const double c = floor(mk->x + 0.5), r = floor(mk->y + 0.5);
		if (c >= 0 && c < C && r >= 0 && r < R)
			grid_put(g, px + ((int)c / fc) * cw, py + ((int)r / fr) * rh, mk->glyph,
				 s->colors == GRID_MONO ? grid_style(GRID_DEFAULT, GRID_BOLD) :
							  (Style){ mk->color, GRID_BLACK, GRID_BOLD });
	}
	if (frame) {
		frame->x = px;
		frame->y = py;
		frame->cw = cw;
		frame->rh = rh;
		frame->fc = fc;
		frame->fr = fr;
		frame->cols = ocols;
		frame->rows = orows;
		frame->lo = lo;
		frame->hi = hi;
	}
	rc = 0;
out:
	free(pool);
	g->cx0 = cx0;
	g->cy0 = cy0;
	g->cx1 = cx1;
	g->cy1 = cy1;
	return rc;
}
