/* cmd_landscape.c — landscape: the loss and the gradient norm along a line
 * through the weights (landscape.h), on the first validation examples,
 * printed as two plots: where the loss has a cliff, the gradient norm
 * jumps by orders of magnitude across it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "landscape.h"
#include "plot.h"

int cmd_landscape(Session *s, int argc, const Word *argv, Err *e)
{
	int dir = LAND_GRAD, n = 0, rc;
	double lo = NAN, hi = NAN;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		float f;
		if (!k)
			rc = err_set(e, ERR_INVAL, "unexpected '%s' (keys: dir=grad|scale|random, from=A, to=B, points=N)",
				     argv[i].text);
		else if (!strcmp(k, "dir"))
			rc = arg_enum("dir", v, land_dir_names, LAND_COUNT, &dir, e);
		else if (!strcmp(k, "points"))
			rc = arg_int("points", v, 3, 401, &n, e);
		else if (!strcmp(k, "from") || !strcmp(k, "to")) {
			if (!(rc = arg_float(k, v, -1e3, 1e3, &f, e)))
				*(k[0] == 'f' ? &lo : &hi) = f;
		} else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: dir, from, to, points)", k);
		if (rc)
			return rc;
	}
	/* scale: W_hh times 1 + alpha, from 0 to 3 times; the others a unit each way */
	if (isnan(lo))
		lo = -1;
	if (isnan(hi))
		hi = dir == LAND_SCALE ? 2 : 1;
	if (!(hi > lo))
		return err_set(e, ERR_INVAL, "to must be above from (got from=%g to=%g)", lo, hi);
	if (!n)	/* steps of 0.05 over the default ranges: alpha 0, the weights now, is a point */
		n = dir == LAND_SCALE ? 61 : 41;
	const Cells *cl = learner_cells(s->lr);	/* the dispatcher checked CAP_TIMESTEPS */
	int nb = s->set.batch < 64 ? s->set.batch : 64;
	DataBatch db;
	if ((rc = session_val_head(s, &nb, &db, e)))
		return rc;
	Model *m = cl->m;
	Trace *tr = NULL;	/* scratch: the panes' trace is left alone */
	Rng rng;
	rng_seed(&rng, s->set.seed ^ 0x1a2d5ca9eULL);
	float *d = malloc(m->nparam * sizeof *d);
	double *buf = malloc((size_t)3 * n * sizeof *buf), g0 = 0;
	if (!d || !buf) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	double *alpha = buf, *loss = buf + n, *gn = buf + 2 * n;
	for (int i = 0; i < n; i++)
		alpha[i] = lo + (hi - lo) * i / (n - 1);
	if ((rc = land_direction(m, &tr, &db.b, session_loss(s), (LandDir)dir, &rng, d, &g0, e)) ||
	    (rc = land_line(m, &tr, &db.b, session_loss(s), d, alpha, n, loss, gn, e)))
		goto out;
	static const char *const xl[LAND_COUNT] = { "alpha: distance along the gradient",
						     "alpha: W_hh times (1 + alpha)", "alpha: a filter-normalised random step" };
	char t1[160], t2[160];
	snprintf(t1, sizeof t1, "loss along %s on %d validation examples (step %ld)", land_dir_names[dir], nb,
		 session_step(s));
	snprintf(t2, sizeof t2, "gradient norm along %s (log)", land_dir_names[dir]);
	const int w = s->host.width > 20 ? s->host.width : 78, h = 16;
	Grid *g = grid_new(w, 2 * h, e);
	if (!g) {
		rc = ERR_NOMEM;
		goto out;
	}
	PlotSpec ps;
	plot_spec_init(&ps);
	ps.ascii = s->host.ascii;
	ps.colors = s->host.color ? GRID_COLORS_8 : GRID_MONO;
	ps.title = t1;
	ps.xlabel = xl[dir];
	PlotSeries ls = { "loss", alpha, loss, n, GRID_DEFAULT };
	if (!(rc = plot_draw(g, 0, 0, w, h, &ps, &ls, 1, NULL, e))) {
		ps.title = t2;
		ps.logy = 1;
		PlotSeries gs = { "||grad||", alpha, gn, n, GRID_DEFAULT };
		rc = plot_draw(g, 0, h, w, h, &ps, &gs, 1, NULL, e);
	}
	if (!rc)
		cmd_print_grid(s, g, ps.ascii, 0);
	grid_free(g);
	if (!rc) {
		int at0 = 0;	/* the point nearest the weights now */
		for (int i = 1; i < n; i++)
			if (fabs(alpha[i]) < fabs(alpha[at0]))
				at0 = i;
		session_printf(s, "landscape: at alpha %g loss %.6g, gradient norm %.4g; from %g to %g the loss spans %.4g "
			       "to %.4g", alpha[at0], loss[at0], gn[at0], lo, hi, loss[0], loss[n - 1]);
	}
out:
	trace_free(tr);
	free(d);
	free(buf);
	data_batch_done(&db);
	return rc;
}
