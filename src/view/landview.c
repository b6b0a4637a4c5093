/* landview.c — the landscape view: the last `landscape` (Session.land)
 * drawn again from what it computed.  Along a line, the loss above and
 * the gradient norm (log) below; over a plane, the loss as a heatmap
 * (log10 when positive everywhere).  Marked on either: the weights (a
 * disc, O in ascii) and, when an axis is the gradient, where one update
 * lands: plain SGD (S) and clipped by norm (C). */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "svg.h"

static const char *const xlabels[LAND_COUNT] = { "alpha: distance along the gradient",
						  "alpha: W_hh times (1 + alpha)",
						  "alpha: a filter-normalised random step" };

void land_mark_note(const LandPicture *lp, double len, char ch, char *out, size_t cap)
{
	if (lp->dir != LAND_GRAD && lp->dir2 != LAND_GRAD) {
		snprintf(out, cap, " (off this picture: a step follows the gradient)");
		return;
	}
	const int x = lp->dir == LAND_GRAD;
	const double lo = x ? lp->lo : lp->blo, hi = x ? lp->hi : lp->bhi;
	if (-len >= lo && -len <= hi)
		snprintf(out, cap, " (%c)", ch);
	else
		snprintf(out, cap, " (%c is off the picture, at %s %.4g)", ch, x ? "alpha" : "beta", -len);
}

static const char mark_here[] = "the weights now", mark_sgd[] = "plain SGD: w - lr g",
		  mark_clip[] = "clipped: w - lr min(1, clip/||g||) g";

/* The two plots of a line: the loss, then the gradient norm (log), with
 * their marks: where a plain (S) and a clipped (C) step land when the line
 * is the gradient's (a step follows -g), then the weights on top. */
typedef struct LinePlots {
	PlotSpec ps[2];
	PlotSeries ser[2];
	GridMark mk[4];
	char title[2][160];
} LinePlots;

static void line_plots(const LandPicture *lp, const ViewOpts *o, LinePlots *P)
{
	const int n = lp->n;
	const double *alpha = lp->buf, *loss = alpha + n, *gn = loss + n;
	snprintf(P->title[0], sizeof P->title[0], "loss along %s on %d %s examples (step %ld)", land_dir_names[lp->dir],
		 lp->nb, lp->on_train ? "training" : "validation", lp->step);
	snprintf(P->title[1], sizeof P->title[1], "gradient norm along %s (log)", land_dir_names[lp->dir]);
	for (int k = 0; k < 2; k++) {
		plot_spec_init(&P->ps[k]);
		P->ps[k].ascii = o->ascii;
		P->ps[k].colors = o->colors;
		P->ps[k].title = P->title[k];
		P->ps[k].xlabel = xlabels[lp->dir];
		P->ps[k].logy = k;
	}
	P->ser[0] = (PlotSeries){ "loss", alpha, loss, n, GRID_DEFAULT };
	P->ser[1] = (PlotSeries){ "||grad||", alpha, gn, n, GRID_DEFAULT };
	const uint32_t here = o->ascii ? 'O' : 0x25CF;	/* ● */
	int k = 0;
	if (lp->dir == LAND_GRAD) {
		P->mk[k++] = (GridMark){ -lp->st.sgd_len, lp->st.sgd_loss, 'S', mark_sgd, GRID_RED };
		P->mk[k++] = (GridMark){ -lp->st.clip_len, lp->st.clip_loss, 'C', mark_clip, GRID_GREEN };
	}
	P->mk[k++] = (GridMark){ 0, lp->st.loss0, here, mark_here, GRID_YELLOW };
	P->mk[k] = (GridMark){ 0, lp->st.gnorm, here, mark_here, GRID_YELLOW };
	P->ps[0].marks = P->mk;
	P->ps[0].nmarks = k;
	P->ps[1].marks = &P->mk[k];
	P->ps[1].nmarks = 1;
}

static int draw_line(const LandPicture *lp, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e)
{
	LinePlots P;
	line_plots(lp, o, &P);
	const int top = h / 2;
	int rc = plot_draw(g, x, y, w, top, &P.ps[0], &P.ser[0], 1, NULL, e);
	return rc ? rc : plot_draw(g, x, y + top, w, h - top, &P.ps[1], &P.ser[1], 1, NULL, e);
}

/* A plane's heatmap: the matrix (row 0 the largest beta), its labels and
 * its marks, on the matrix cell nearest each point: the steps when an axis
 * is the gradient, then the weights (0, 0) on top. */
typedef struct PlaneMap {
	HeatmapSpec hs;
	HeatmapMatrix m;
	GridMark mk[3];
	float *v;
	char (*names)[16];
	const char **cn;
	char title[200], xlab[64], ylab[64];
} PlaneMap;

static void plane_map_done(PlaneMap *P)
{
	free(P->v);
	free(P->names);
	free(P->cn);
}

static int plane_map(const LandPicture *lp, const ViewOpts *o, PlaneMap *P, Err *e)
{
	const int n = lp->n;
	const double *alpha = lp->buf, *beta = alpha + n, *loss = beta + n;
	P->v = malloc((size_t)n * n * sizeof *P->v);
	P->names = malloc((size_t)2 * n * sizeof *P->names);
	P->cn = malloc((size_t)2 * n * sizeof *P->cn);
	if (!P->v || !P->names || !P->cn) {
		plane_map_done(P);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	const char **rn = P->cn + n;
	/* log10 of the loss when it is positive everywhere: a cliff spans decades */
	int logv = 1;
	for (int i = 0; i < n * n; i++)
		logv &= loss[i] > 0 || !isfinite(loss[i]);
	for (int r = 0; r < n; r++)
		for (int c = 0; c < n; c++) {
			const double l = loss[(size_t)(n - 1 - r) * n + c];
			P->v[(size_t)r * n + c] = !isfinite(l) ? NAN : (float)(logv ? log10(l) : l);
		}
	for (int i = 0; i < n; i++) {
		snprintf(P->names[i], sizeof P->names[i], "%.3g", alpha[i]);
		snprintf(P->names[n + i], sizeof P->names[n + i], "%.3g", beta[n - 1 - i]);
		P->cn[i] = P->names[i];
		rn[i] = P->names[n + i];
	}
	snprintf(P->title, sizeof P->title, "%sloss on the plane of %s and %s, %d %s examples (step %ld)",
		 logv ? "log10 " : "", land_dir_names[lp->dir], land_dir_names[lp->dir2], lp->nb,
		 lp->on_train ? "training" : "validation", lp->step);
	snprintf(P->xlab, sizeof P->xlab, "alpha (%s)", land_dir_names[lp->dir]);
	snprintf(P->ylab, sizeof P->ylab, "beta (%s)", land_dir_names[lp->dir2]);
	heatmap_spec_init(&P->hs);
	P->hs.title = P->title;
	P->hs.xlabel = P->xlab;
	P->hs.ylabel = P->ylab;
	P->hs.col_names = P->cn;
	P->hs.row_names = rn;
	P->hs.ascii = o->ascii;
	P->hs.colors = o->colors;
	P->m = (HeatmapMatrix){ P->v, n, n, n, 1 };
	const int gx = lp->dir == LAND_GRAD, gy = lp->dir2 == LAND_GRAD;
	const double px[3] = { gx ? -lp->st.sgd_len : 0, gx ? -lp->st.clip_len : 0, 0 };
	const double py[3] = { gy ? -lp->st.sgd_len : 0, gy ? -lp->st.clip_len : 0, 0 };
	const uint32_t ch[3] = { 'S', 'C', o->ascii ? 'O' : 0x25CF };
	const char *const what[3] = { mark_sgd, mark_clip, mark_here };
	int k = 0;
	for (int q = gx || gy ? 0 : 2; q < 3; q++)
		if (px[q] >= alpha[0] && px[q] <= alpha[n - 1] && py[q] >= beta[0] && py[q] <= beta[n - 1])
			P->mk[k++] = (GridMark){ (px[q] - alpha[0]) / (alpha[n - 1] - alpha[0]) * (n - 1),
						 n - 1 - (py[q] - beta[0]) / (beta[n - 1] - beta[0]) * (n - 1),
						 ch[q], what[q], GRID_WHITE };
	P->hs.marks = P->mk;
	P->hs.nmarks = k;
	return 0;
}

static int draw_plane(const LandPicture *lp, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e)
{
	PlaneMap P;
	int rc = plane_map(lp, o, &P, e);
	if (rc)
		return rc;
	rc = heatmap_draw(g, x, y, w, h, &P.hs, &P.m, NULL, e);
	plane_map_done(&P);
	return rc;
}

int landview_draw(const Session *s, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e)
{
	const LandPicture *lp = &s->land;
	if (!lp->have)
		return err_set(e, ERR_STATE, "no landscape yet: run landscape (help landscape)");
	return lp->dir2 >= 0 ? draw_plane(lp, o, g, x, y, w, h, e) : draw_line(lp, o, g, x, y, w, h, e);
}

int landview_svg(const Session *s, const ViewOpts *vo, const char *path, Err *e)
{
	const LandPicture *lp = &s->land;
	if (!lp->have)
		return err_set(e, ERR_STATE, "no landscape yet: run landscape (help landscape)");
	const ViewOpts o = { .colors = vo->colors };
	if (lp->dir2 >= 0) {
		PlaneMap P;
		int rc = plane_map(lp, &o, &P, e);
		if (!rc)
			rc = svg_write_heatmap(path, &P.hs, &P.m, e);
		plane_map_done(&P);
		return rc;
	}
	/* a line is two plots: PATH the loss, PATH-grad.svg the gradient norm */
	LinePlots P;
	line_plots(lp, &o, &P);
	char p2[4200];
	const char *dot = strrchr(path, '.');
	const int stem = dot ? (int)(dot - path) : (int)strlen(path);
	snprintf(p2, sizeof p2, "%.*s-grad%s", stem, path, dot ? dot : ".svg");
	int rc = file_may_write(p2, FILE_SVG, vo->force, e);	/* the caller checked path */
	if (!rc && !(rc = svg_write_plot(path, &P.ps[0], &P.ser[0], 1, e)))
		rc = svg_write_plot(p2, &P.ps[1], &P.ser[1], 1, e);
	return rc;
}

int landview_rows(const Session *s)
{
	return s->land.have && s->land.dir2 >= 0 ? s->land.n + 6 : 32;
}
