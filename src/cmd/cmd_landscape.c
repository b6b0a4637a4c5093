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
#include "landscape.h"
#include "views.h"

/* the smallest and largest finite value of v[n] (NaN: none) */
static double fmin_finite(const double *v, int n)
{
	double r = NAN;
	for (int i = 0; i < n; i++)
		if (isfinite(v[i]) && !(v[i] >= r))
			r = v[i];
	return r;
}

static double fmax_finite(const double *v, int n)
{
	double r = NAN;
	for (int i = 0; i < n; i++)
		if (isfinite(v[i]) && !(v[i] <= r))
			r = v[i];
	return r;
}

typedef struct LandArgs {
	int dir, dir2;		/* dir2 -1: a line */
	int n;			/* points along each axis */
	double lo, hi;		/* alpha's range (dir) */
	float lr, clip;		/* the steps' */
	int on_train;		/* on=train: the last training batch (at a break, the held one) */
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
				     "points=N, lr=X, clip=C, on=val|train)", argv[i].text);
		else if (!strcmp(k, "dir"))
			rc = arg_enum("dir", v, land_dir_names, LAND_COUNT, &a->dir, e);
		else if (!strcmp(k, "dir2"))
			rc = arg_enum("dir2", v, land_dir_names, LAND_COUNT, &a->dir2, e);
		else if (!strcmp(k, "on")) {
			static const char *const ons[] = { "val", "train" };
			rc = arg_enum("on", v, ons, 2, &a->on_train, e);
		} else if (!strcmp(k, "points"))
			rc = arg_int("points", v, 3, 401, &a->n, e);
		else if (!strcmp(k, "lr"))
			rc = arg_float("lr", v, 1e-9f, 1e3f, &a->lr, e);
		else if (!strcmp(k, "clip"))
			rc = arg_float("clip", v, 1e-9f, 1e9f, &a->clip, e);
		else if (!strcmp(k, "from") || !strcmp(k, "to")) {
			if (!(rc = arg_float(k, v, -1e3, 1e3, &f, e)))
				*(k[0] == 'f' ? &a->lo : &a->hi) = f;
		} else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: dir, dir2, from, to, points, lr, clip, on)", k);
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

int cmd_landscape(Session *s, int argc, const Word *argv, Err *e)
{
	LandArgs a;
	int rc = parse(s, argc, argv, &a, e);
	if (rc)
		return rc;
	const int n = a.n, plane = a.dir2 >= 0;
	const Cells *cl = learner_cells(s->lr);	/* the dispatcher checked CAP_TIMESTEPS */
	int nb = s->set.batch < 64 ? s->set.batch : 64;
	DataBatch db = { 0 };
	const Batch *b = &db.b;
	if (a.on_train) {	/* filled by a step since the data and the batch size were set */
		if (s->train_db.b.B <= 0)
			return err_set(e, ERR_STATE, "no training batch yet: train a step first (or on=val, the validation "
				       "examples)");
		b = &s->train_db.b;
		nb = b->B;
	} else if ((rc = session_val_head(s, &nb, &db, e))) {
		return rc;
	}
	Model *m = cl->m;
	Trace *tr = NULL;	/* scratch: the panes' trace is left alone */
	Rng rng;
	rng_seed(&rng, s->set.seed ^ 0x1a2d5ca9eULL);
	/* computed aside: the last landscape stays whole until this one is */
	LandPicture lp = { .have = 1, .gen = s->weights_gen, .step = session_step(s), .dir = a.dir, .dir2 = a.dir2,
			   .on_train = a.on_train, .n = n, .nb = nb, .lo = a.lo, .hi = a.hi, .lr = a.lr, .clip = a.clip, .gspan = NAN };
	float *d = malloc((size_t)(plane ? 2 : 1) * m->nparam * sizeof *d);
	lp.buf = malloc((size_t)(plane ? 2 * n + n * n : 3 * n) * sizeof *lp.buf);
	if (!d || !lp.buf) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	double *alpha = lp.buf, *beta = lp.buf + n, *loss = lp.buf + (plane ? 2 * n : n), *gn = lp.buf + 2 * n, g0;
	for (int i = 0; i < n; i++)
		alpha[i] = a.lo + (a.hi - a.lo) * i / (n - 1);
	if (plane) {
		default_range(a.dir2, &lp.blo, &lp.bhi);
		for (int i = 0; i < n; i++)
			beta[i] = lp.blo + (lp.bhi - lp.blo) * i / (n - 1);
	}
	if ((rc = land_steps(m, &tr, b, session_loss(s), a.lr, a.clip, &lp.st, e)) ||
	    (rc = land_direction(m, &tr, b, session_loss(s), (LandDir)a.dir, &rng, d, &g0, e)) ||
	    (plane && (rc = land_direction(m, &tr, b, session_loss(s), (LandDir)a.dir2, &rng, d + m->nparam, &g0,
					   e))))
		goto out;
	if (plane) {
		if ((rc = land_plane(m, &tr, b, session_loss(s), d, d + m->nparam, alpha, n, beta, n, loss, e)))
			goto out;
	} else {
		if ((rc = land_line(m, &tr, b, session_loss(s), d, alpha, n, loss, gn, e)))
			goto out;
		double glo = INFINITY, ghi = 0;
		for (int i = 0; i < n; i++)
			if (isfinite(gn[i])) {
				glo = fmin(glo, gn[i]);
				ghi = fmax(ghi, gn[i]);
			}
		lp.gspan = glo > 0 && ghi >= glo ? ghi / glo : NAN;
	}
	free(s->land.buf);
	s->land = lp;
	lp.buf = NULL;
	/* the picture: the plot pane in the workbench, printed elsewhere */
	Word w[2] = { { "plot", NULL, NULL }, { "landscape", NULL, NULL } };
	if ((rc = cmd_plot(s, 2, w, e)))
		goto out;
	const LandSteps *st = &s->land.st;
	if (!plane)
		session_printf(s, "landscape: at the weights (alpha 0) loss %.6g, gradient norm %.4g; from %g to %g the loss "
			       "goes %.4g to %.4g, the gradient norm spans x%.3g", st->loss0, st->gnorm, a.lo, a.hi, loss[0],
			       loss[n - 1], s->land.gspan);
	else
		session_printf(s, "landscape: at the weights loss %.6g, gradient norm %.4g; over the plane the loss goes %.4g "
			       "to %.4g", st->loss0, st->gnorm, fmin_finite(loss, n * n), fmax_finite(loss, n * n));
	char ms[2][96];
	land_mark_note(&s->land, st->sgd_len, 'S', ms[0], sizeof ms[0]);
	land_mark_note(&s->land, st->clip_len, 'C', ms[1], sizeof ms[1]);
	session_printf(s, "  one update from here (the weights' norm is %.4g): plain SGD (lr %g) moves them %.4g and lands "
		       "at loss %.6g%s; clipped to norm %g it moves %.4g, loss %.6g%s", st->wnorm, a.lr, st->sgd_len,
		       st->sgd_loss, ms[0], a.clip, st->clip_len, st->clip_loss, ms[1]);
out:
	trace_free(tr);
	free(d);
	free(lp.buf);
	data_batch_done(&db);
	return rc;
}
