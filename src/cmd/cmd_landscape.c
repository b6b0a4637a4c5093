/* cmd_landscape.c — landscape: the loss around the weights now, on the
 * first validation examples (landscape.h).  Along one direction: the loss
 * and the gradient norm as two plots (where the loss has a cliff, the
 * gradient norm jumps by orders of magnitude across it).  Along two
 * (dir2=): the loss as a heatmap over the plane.  Either way, where one
 * update would land: plain SGD's step and the step clipped by norm, marked
 * on the picture when they lie in it and measured in a line under it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "heatmap.h"
#include "landscape.h"
#include "plot.h"

typedef struct LandArgs {
	int dir, dir2;		/* dir2 -1: a line */
	int n;			/* points along each axis */
	double lo, hi;		/* alpha's range (dir) */
	float lr, clip;		/* the steps' */
} LandArgs;

/* the default range of a direction: scale from zero to three times W_hh,
 * the others a unit each way */
static void default_range(int dir, double *lo, double *hi)
{
	*lo = -1;
	*hi = dir == LAND_SCALE ? 2 : 1;
}

static int parse(const Session *s, int argc, const Word *argv, LandArgs *a, Err *e)
{
	*a = (LandArgs){ .dir = LAND_GRAD, .dir2 = -1, .lo = NAN, .hi = NAN, .lr = s->tcfg.optim.lr,
			 .clip = s->tcfg.clip_norm > 0 ? s->tcfg.clip_norm : 1 };
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		float f;
		int rc;
		if (!k)
			rc = err_set(e, ERR_INVAL, "unexpected '%s' (keys: dir=grad|scale|random, dir2=..., from=A, to=B, "
				     "points=N, lr=X, clip=C)", argv[i].text);
		else if (!strcmp(k, "dir"))
			rc = arg_enum("dir", v, land_dir_names, LAND_COUNT, &a->dir, e);
		else if (!strcmp(k, "dir2"))
			rc = arg_enum("dir2", v, land_dir_names, LAND_COUNT, &a->dir2, e);
		else if (!strcmp(k, "points"))
			rc = arg_int("points", v, 3, 401, &a->n, e);
		else if (!strcmp(k, "lr"))
			rc = arg_float("lr", v, 1e-9f, 1e3f, &a->lr, e);
		else if (!strcmp(k, "clip"))
			rc = arg_float("clip", v, 1e-9f, 1e9f, &a->clip, e);
		else if (!strcmp(k, "from") || !strcmp(k, "to")) {
			if (!(rc = arg_float(k, v, -1e3, 1e3, &f, e)))
				*(k[0] == 'f' ? &a->lo : &a->hi) = f;
		} else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: dir, dir2, from, to, points, lr, clip)", k);
		if (rc)
			return rc;
	}
	double dlo, dhi;
	default_range(a->dir, &dlo, &dhi);
	if (isnan(a->lo))
		a->lo = dlo;
	if (isnan(a->hi))
		a->hi = dhi;
	if (!(a->hi > a->lo))
		return err_set(e, ERR_INVAL, "to must be above from (got from=%g to=%g)", a->lo, a->hi);
	if (a->dir2 == a->dir && a->dir != LAND_RANDOM)
		return err_set(e, ERR_INVAL, "dir2 must differ from dir (both %s; two random directions differ)",
			       land_dir_names[a->dir]);
	if (a->dir2 >= 0 && a->n > 61)
		return err_set(e, ERR_INVAL, "points must be from 3 to 61 on a plane (%d x %d forward passes), got %d",
			       61, 61, a->n);
	if (!a->n)	/* steps of 0.05 over the default line; 21 x 21 on a plane */
		a->n = a->dir2 >= 0 ? 21 : a->dir == LAND_SCALE ? 61 : 41;
	return 0;
}

/* A letter on the cell of point (x, y) of a drawn plot. */
static void mark_plot(Grid *g, const PlotFrame *f, double x, double y, uint32_t ch, GridColor c)
{
	int dx, dy;
	if (isfinite(y) && plot_frame_dot(f, x, y, &dx, &dy))
		grid_put(g, f->x + dx / f->sx, f->y + dy / f->sy, ch, grid_style(c, GRID_BOLD));
}

/* Where each update lands on the line, or NaN when off it: a step moves
 * along -g, which is the line only for dir=grad. */
static void step_alphas(const LandArgs *a, const LandSteps *st, double *sgd, double *clip)
{
	*sgd = a->dir == LAND_GRAD ? -st->sgd_len : NAN;
	*clip = a->dir == LAND_GRAD ? -st->clip_len : NAN;
}

/* Where the picture marks a step of length len (letter ch), in words: a
 * step follows -g, on the picture only when one of its axes is the
 * gradient and the range reaches that far. */
static void mark_note(const LandArgs *a, const double *beta, double len, char ch, char out[96])
{
	const int n = a->n;
	if (a->dir != LAND_GRAD && a->dir2 != LAND_GRAD) {
		snprintf(out, 96, " (off this picture: a step follows the gradient)");
		return;
	}
	const double lo = a->dir == LAND_GRAD ? a->lo : beta[0], hi = a->dir == LAND_GRAD ? a->hi : beta[n - 1];
	if (-len >= lo && -len <= hi)
		snprintf(out, 96, " (%c)", ch);
	else
		snprintf(out, 96, " (%c is off the picture, at %s %.4g)", ch, a->dir == LAND_GRAD ? "alpha" : "beta", -len);
}

static int draw_line(Session *s, const LandArgs *a, const double *alpha, const double *loss, const double *gn,
		     const LandSteps *st, int nb, Err *e)
{
	static const char *const xl[LAND_COUNT] = { "alpha: distance along the gradient",
						     "alpha: W_hh times (1 + alpha)", "alpha: a filter-normalised random step" };
	char t1[160], t2[160];
	snprintf(t1, sizeof t1, "loss along %s on %d validation examples (step %ld)", land_dir_names[a->dir], nb,
		 session_step(s));
	snprintf(t2, sizeof t2, "gradient norm along %s (log)", land_dir_names[a->dir]);
	const int w = s->host.width > 20 ? s->host.width : 78, h = 16, n = a->n;
	Grid *g = grid_new(w, 2 * h, e);
	if (!g)
		return ERR_NOMEM;
	PlotSpec ps;
	plot_spec_init(&ps);
	ps.ascii = s->host.ascii;
	ps.colors = s->host.color ? GRID_COLORS_8 : GRID_MONO;
	ps.title = t1;
	ps.xlabel = xl[a->dir];
	double as, ac;
	step_alphas(a, st, &as, &ac);
	const uint32_t here = s->host.ascii ? 'O' : 0x25CF;	/* ● */
	PlotFrame f;
	PlotSeries ls = { "loss", alpha, loss, n, GRID_DEFAULT };
	int rc = plot_draw(g, 0, 0, w, h, &ps, &ls, 1, &f, e);
	if (!rc) {
		mark_plot(g, &f, as, st->sgd_loss, 'S', GRID_RED);
		mark_plot(g, &f, ac, st->clip_loss, 'C', GRID_GREEN);
		mark_plot(g, &f, 0, st->loss0, here, GRID_YELLOW);
		ps.title = t2;
		ps.logy = 1;
		PlotSeries gs = { "||grad||", alpha, gn, n, GRID_DEFAULT };
		if (!(rc = plot_draw(g, 0, h, w, h, &ps, &gs, 1, &f, e)))
			mark_plot(g, &f, 0, st->gnorm, here, GRID_YELLOW);
	}
	if (!rc)
		cmd_print_grid(s, g, ps.ascii, 0);
	grid_free(g);
	return rc;
}

static int draw_plane(Session *s, const LandArgs *a, const double *alpha, const double *beta, const double *loss,
		      const LandSteps *st, int nb, Err *e)
{
	const int n = a->n;
	float *v = malloc((size_t)n * n * sizeof *v);
	char (*names)[16] = malloc((size_t)2 * n * sizeof *names);
	const char **cn = malloc((size_t)2 * n * sizeof *cn), **rn = cn + n;
	if (!v || !names || !cn) {
		free(v);
		free(names);
		free(cn);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	/* log10 of the loss when it is positive everywhere: a cliff spans decades */
	int logv = 1;
	for (int i = 0; i < n * n; i++)
		logv &= loss[i] > 0 || !isfinite(loss[i]);
	for (int r = 0; r < n; r++)	/* row 0 at the top: the largest beta */
		for (int c = 0; c < n; c++) {
			const double l = loss[(size_t)(n - 1 - r) * n + c];
			v[(size_t)r * n + c] = !isfinite(l) ? NAN : (float)(logv ? log10(l) : l);
		}
	for (int i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "%.3g", alpha[i]);
		snprintf(names[n + i], sizeof names[n + i], "%.3g", beta[n - 1 - i]);
		cn[i] = names[i];
		rn[i] = names[n + i];
	}
	char title[200], xlab[64], ylab[64];
	snprintf(title, sizeof title, "%sloss on the plane of %s and %s, %d validation examples (step %ld)",
		 logv ? "log10 " : "", land_dir_names[a->dir], land_dir_names[a->dir2], nb, session_step(s));
	snprintf(xlab, sizeof xlab, "alpha (%s)", land_dir_names[a->dir]);
	snprintf(ylab, sizeof ylab, "beta (%s)", land_dir_names[a->dir2]);
	HeatmapSpec hs;
	heatmap_spec_init(&hs);
	hs.title = title;
	hs.xlabel = xlab;
	hs.ylabel = ylab;
	hs.col_names = cn;
	hs.row_names = rn;
	hs.ascii = s->host.ascii;
	hs.colors = s->host.color ? GRID_COLORS_8 : GRID_MONO;
	HeatmapMatrix m = { v, n, n, n, 1 };
	const int w = s->host.width > 20 ? s->host.width : 78, h = n + 6;
	Grid *g = grid_new(w, h, e);
	int rc = g ? 0 : ERR_NOMEM;
	HeatmapFrame f;
	if (!rc && !(rc = heatmap_draw(g, 0, 0, w, h, &hs, &m, &f, e))) {
		/* the marks, on the matrix cell nearest each point: the weights
		 * (0, 0), and the steps on the gradient's axis */
		const int gx = a->dir == LAND_GRAD, gy = a->dir2 == LAND_GRAD;
		const double px[3] = { gx ? -st->sgd_len : 0, gx ? -st->clip_len : 0, 0 };
		const double py[3] = { gy ? -st->sgd_len : 0, gy ? -st->clip_len : 0, 0 };
		const uint32_t ch[3] = { 'S', 'C', s->host.ascii ? 'O' : 0x25CF };
		const Style ms = { GRID_WHITE, GRID_BLACK, GRID_BOLD };
		for (int q = gx || gy ? 0 : 2; q < 3; q++) {	/* the weights last: on top */
			if (!(px[q] >= alpha[0] && px[q] <= alpha[n - 1]) || !(py[q] >= beta[0] && py[q] <= beta[n - 1]))
				continue;
			const int c = (int)lround((px[q] - alpha[0]) / (alpha[n - 1] - alpha[0]) * (n - 1));
			const int r = n - 1 - (int)lround((py[q] - beta[0]) / (beta[n - 1] - beta[0]) * (n - 1));
			grid_put(g, f.x + (c / f.fc) * f.cw, f.y + (r / f.fr) * f.rh, ch[q], ms);
		}
		cmd_print_grid(s, g, hs.ascii, 1);
	}
	grid_free(g);
	free(v);
	free(names);
	free(cn);
	return rc;
}

int cmd_landscape(Session *s, int argc, const Word *argv, Err *e)
{
	LandArgs a;
	int rc = parse(s, argc, argv, &a, e);
	if (rc)
		return rc;
	const int n = a.n, plane = a.dir2 >= 0;
	const Cells *cl = learner_cells(s->lr);	/* the dispatcher checked CAP_TIMESTEPS */
	int nb = s->set.batch < 64 ? s->set.batch : 64;
	DataBatch db;
	if ((rc = session_val_head(s, &nb, &db, e)))
		return rc;
	Model *m = cl->m;
	Trace *tr = NULL;	/* scratch: the panes' trace is left alone */
	Rng rng;
	rng_seed(&rng, s->set.seed ^ 0x1a2d5ca9eULL);
	float *d = malloc((size_t)(plane ? 2 : 1) * m->nparam * sizeof *d);
	double *buf = malloc((size_t)(plane ? 2 * n + n * n : 3 * n) * sizeof *buf), g0 = 0;
	LandSteps st;
	if (!d || !buf) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	double *alpha = buf, *beta = buf + n, *loss = buf + (plane ? 2 * n : n), *gn = buf + 2 * n;
	for (int i = 0; i < n; i++)
		alpha[i] = a.lo + (a.hi - a.lo) * i / (n - 1);
	if (plane) {
		double blo, bhi;
		default_range(a.dir2, &blo, &bhi);
		for (int i = 0; i < n; i++)
			beta[i] = blo + (bhi - blo) * i / (n - 1);
	}
	if ((rc = land_steps(m, &tr, &db.b, session_loss(s), a.lr, a.clip, &st, e)) ||
	    (rc = land_direction(m, &tr, &db.b, session_loss(s), (LandDir)a.dir, &rng, d, &g0, e)) ||
	    (plane && (rc = land_direction(m, &tr, &db.b, session_loss(s), (LandDir)a.dir2, &rng, d + m->nparam, &g0,
					   e))))
		goto out;
	double gspan = NAN;
	if (plane) {
		if ((rc = land_plane(m, &tr, &db.b, session_loss(s), d, d + m->nparam, alpha, n, beta, n, loss, e)) ||
		    (rc = draw_plane(s, &a, alpha, beta, loss, &st, nb, e)))
			goto out;
	} else {
		if ((rc = land_line(m, &tr, &db.b, session_loss(s), d, alpha, n, loss, gn, e)) ||
		    (rc = draw_line(s, &a, alpha, loss, gn, &st, nb, e)))
			goto out;
		double glo = INFINITY, ghi = 0;
		for (int i = 0; i < n; i++)
			if (isfinite(gn[i])) {
				glo = fmin(glo, gn[i]);
				ghi = fmax(ghi, gn[i]);
			}
		gspan = glo > 0 && ghi >= glo ? ghi / glo : NAN;
		session_printf(s, "landscape: at the weights (alpha 0) loss %.6g, gradient norm %.4g; from %g to %g the loss "
			       "goes %.4g to %.4g, the gradient norm spans x%.3g", st.loss0, st.gnorm, a.lo, a.hi, loss[0],
			       loss[n - 1], gspan);
	}
	char ms[2][96];
	mark_note(&a, plane ? beta : NULL, st.sgd_len, 'S', ms[0]);
	mark_note(&a, plane ? beta : NULL, st.clip_len, 'C', ms[1]);
	session_printf(s, "  one update from here (the weights' norm is %.4g): plain SGD (lr %g) moves them %.4g and lands "
		       "at loss %.6g%s; clipped to norm %g it moves %.4g, loss %.6g%s", st.wnorm, a.lr, st.sgd_len,
		       st.sgd_loss, ms[0], a.clip, st.clip_len, st.clip_loss, ms[1]);
	s->land.have = 1;
	s->land.gen = s->weights_gen;
	s->land.loss0 = st.loss0;
	s->land.gnorm = st.gnorm;
	s->land.sgd = st.sgd_loss / st.loss0;
	s->land.clipped = st.clip_loss / st.loss0;
	s->land.step = st.sgd_len / st.wnorm;
	s->land.gspan = gspan;
out:
	trace_free(tr);
	free(d);
	free(buf);
	data_batch_done(&db);
	return rc;
}
