/* test_panes.c — what the panes show is what was computed: invariants, not
 * pixels.  For each kind of cell, after training steps that moved the
 * weights (SGD with a large rate, Adam):
 *   - step: every equation on the screen adds up: the printed terms of a
 *     pre-activation sum to the printed pre-activation (within the print
 *     rounding), and the activation of that sum is the printed value;
 *   - flow: the plotted ||dL/dh_t|| are the norms of the trace's dL/dh_t,
 *     recomputed here from the trace, per layer and t;
 *   - the radius beside it is the spectral radius of W_hh as exported,
 *     computed here with LAPACK's dgeev (every eigenvalue);
 *   - gates: each drawn cell of a gate map has the colour of the mean of
 *     the trace's gate values it covers;
 *   - train: the plotted loss, validation loss and gradient norm at each
 *     step are the numbers the progress lines printed;
 *   - compare: each run's curve is that run's recorded flow or history;
 *   - gates unit=K|max: the lines are the unit's trace values, and max is
 *     the unit whose forget gate is most open, found here again;
 *   - eigen: LAPACK's eigenvalues and spectral norm are numpy's (fixtures
 *     from tests/gen_eigen_fixtures.py), and every one is drawn;
 *   - states: the principal components are numpy's, and the view projects
 *     the trace's h_t.
 */
#include "sessionutil.h"

#include <complex.h>
#include <math.h>

#include "cplane.h"
#include "eigen.h"
#include "npz.h"
#include "stepview.h"
#include "views.h"

/* LAPACK (OpenBLAS ships it): eigenvalues of a general matrix. */
extern void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda, double *wr,
		   double *wi, double *vl, const int *ldvl, double *vr, const int *ldvr, double *work, const int *lwork,
		   int *info);

static const char *const setups[] = {
	"data adding T=20 n=200; model rnn hidden=12; set optim=sgd lr=1 log_every=0 val_every=0; train 3",
	"data adding T=20 n=200; model rnn hidden=12 act=relu layers=2; set optim=adam lr=0.05 log_every=0 val_every=0; train 4",
	"data adding T=16 n=200; model lstm hidden=10; set optim=sgd lr=1 log_every=0 val_every=0; train 3",
	"data adding T=16 n=200; model lstm hidden=10 layers=2; set optim=adam lr=0.05 log_every=0 val_every=0; train 4",
	"data adding T=16 n=200; model gru hidden=10; set optim=sgd lr=1 log_every=0 val_every=0; train 3",
	"data adding T=16 n=200; model gru hidden=10 layers=2; set optim=adam lr=0.05 log_every=0 val_every=0; train 4",
};
#define NSETUPS (sizeof setups / sizeof *setups)

/* ---- the step pane's equations ---- */

static double act(const char *name, double x)
{
	if (!strcmp(name, "tanh"))
		return tanh(x);
	if (!strcmp(name, "relu"))
		return x > 0 ? x : 0;
	return 1 / (1 + exp(-x));	/* σ, sigm */
}

/* One line of the pane: check what it claims. *checked counts the
 * equations found. */
static void check_line(const char *line, int *checked)
{
	char fn[16], fn2[16], gate[4];
	double a, b, c, d, v, p, q;
	const char *eq;
	/* rnn: "  = tanh(A +B +C) = tanh(D) = V" */
	if (sscanf(line, " = %15[a-z](%lf %lf %lf) = %15[a-z](%lf) = %lf", fn, &a, &b, &c, fn2, &d, &v) == 7) {
		if (fabs(a + b + c - d) > 0.0016)
			fail_msg("terms do not add up: %s", line);
		if (fabs(act(fn, d) - v) > 1e-3)
			fail_msg("activation does not match: %s", line);
		++*checked;
		return;
	}
	/* gru n: "n = tanh(P + r*Q) = tanh(P +RQ) = V" (r*Q from the trace) */
	if (sscanf(line, "n = tanh(%lf + r*%lf) = tanh(%lf %lf) = %lf", &p, &q, &a, &b, &v) == 5) {
		if (fabs(p - a) > 1e-3 || fabs(act("tanh", a + b) - v) > 2e-3)
			fail_msg("n does not add up: %s", line);
		++*checked;
		return;
	}
	/* gates: "i = σ(A +B +C) = V" (no layer norm in these models) */
	if ((eq = strstr(line, " = ")) && sscanf(line, "%3s", gate) == 1 && strlen(gate) == 1 &&
	    sscanf(eq, " = %15[^(](%lf %lf %lf) = %lf", fn, &a, &b, &c, &v) == 5) {
		const char *f = strncmp(fn, "tanh", 4) ? "sigmoid" : "tanh";
		if (fabs(act(f, a + b + c) - v) > 2e-3)
			fail_msg("gate does not add up: %s", line);
		++*checked;
		return;
	}
	/* lstm: "c = f*c_t-1 + i*g = A*B + C*D = V", "h = o*tanh(c) = A*tanh(B) = V" */
	if ((eq = strstr(line, "c = f*c_t-1 + i*g = ")) &&
	    sscanf(eq + strlen("c = f*c_t-1 + i*g = "), "%lf*%lf + %lf*%lf = %lf", &a, &b, &c, &d, &v) == 5) {
		if (fabs(a * b + c * d - v) > 3e-3)
			fail_msg("c does not add up: %s", line);
		++*checked;
		return;
	}
	if ((eq = strstr(line, "h = o*tanh(c) = ")) &&
	    sscanf(eq + strlen("h = o*tanh(c) = "), "%lf*tanh(%lf) = %lf", &a, &b, &v) == 3) {
		if (fabs(a * tanh(b) - v) > 2e-3)
			fail_msg("h does not add up: %s", line);
		++*checked;
		return;
	}
	/* gru: "h = (1-z)*n + z*h_t-1 = A*B + C*D = V" */
	if ((eq = strstr(line, "h = (1-z)*n + z*h_t-1 = ")) &&
	    sscanf(eq + strlen("h = (1-z)*n + z*h_t-1 = "), "%lf*%lf + %lf*%lf = %lf", &a, &b, &c, &d, &v) == 5) {
		if (fabs(a * b + c * d - v) > 3e-3)
			fail_msg("h does not add up: %s", line);
		++*checked;
	}
}

static void test_step_equations(void **state)
{
	(void)state;
	for (size_t k = 0; k < NSETUPS; k++) {
		Session *s = new_session();
		ok(s, setups[k]);
		const Cells *cl = learner_cells(s->lr);
		/* the weights moved since the recorded forward pass */
		assert_memory_not_equal(cl->t->tw, cl->m->params, cl->m->nparam * sizeof(float));
		Err e;
		Grid *g = grid_new(100, 40, &e);
		assert_non_null(g);
		int checked = 0;
		const Trace *tr = cl->t->tr;
		for (int layer = 0; layer < cl->m->cfg.layers; layer++)
			for (int t = 0; t < tr->T; t += 3)
				for (int unit = 0; unit < cl->m->cfg.hidden; unit += 4) {
					StepCursor c = { layer, 1, t, unit };
					assert_int_equal(stepview_draw(s, &c, 0, GRID_MONO, g, 0, 0, 100, 40, &e), 0);
					char line[1024];
					for (int y = 0; y < 40; y++) {
						grid_row_utf8(g, y, line, sizeof line, GRID_OUT_TRIM);
						check_line(line, &checked);
					}
				}
		int per = cl->m->cfg.cell == CELL_RNN ? 1 : cl->m->cfg.cell == CELL_LSTM ? 6 : 4;
		int views = cl->m->cfg.layers * ((tr->T + 2) / 3) * ((cl->m->cfg.hidden + 3) / 4);
		assert_int_equal(checked, per * views);	/* every equation was found and held */
		grid_free(g);
		session_free(s);
	}
}

/* ---- the flow pane: the curve and the radius ---- */

static void test_flow_and_radius(void **state)
{
	(void)state;
	for (size_t k = 0; k < NSETUPS; k++) {
		Session *s = new_session();
		ok(s, setups[k]);
		const Cells *cl = learner_cells(s->lr);
		const Model *m = cl->m;
		const Trace *tr = cl->t->tr;
		const int L = m->cfg.layers, H = m->cfg.hidden, G = m->gates, T = tr->T, B = tr->B;
		/* the plotted norms, against the trace's dL/dh_t */
		ViewOpts o = { 0 };
		ViewLines V;
		Err e;
		assert_int_equal(view_lines(s, VIEW_FLOW, &o, &V, &e), 0);
		assert_int_equal(V.nser, L);
		for (int l = 0; l < L; l++) {
			assert_int_equal(V.ser[l].n, T);
			for (int t = 0; t < T; t++) {
				double ss = 0;
				const float *dh = tr->lt[l].dh + (size_t)t * B * H;
				for (int i = 0; i < B * H; i++)
					ss += (double)dh[i] * dh[i];
				assert_true(V.ser[l].x[t] == t + 1);
				if (fabs(V.ser[l].y[t] - sqrt(ss)) > 1e-9 * sqrt(ss) + 1e-30)
					fail_msg("%s: flow layer %d t=%d: plotted %g, trace %g", setups[k], l, t + 1, V.ser[l].y[t],
						 sqrt(ss));
			}
		}
		view_lines_done(&V);
		/* the radius, against every eigenvalue of the exported W_hh blocks */
		double rho[MODEL_MAX_LAYERS * 4];
		assert_int_equal(view_radius(s, rho), L * G);
		char f[256], line[400];
		path(f, sizeof f, "w.npz");
		snprintf(line, sizeof line, "export %s force", f);
		ok(s, line);
		Npz z;
		assert_int_equal(npz_read(&z, f, &e), 0);
		double *a = malloc((size_t)H * H * sizeof *a), *wr = malloc(H * sizeof *wr), *wi = malloc(H * sizeof *wi);
		int lwork = 8 * H, info, n = H, one = 1;
		double *work = malloc((size_t)lwork * sizeof *work);
		for (int l = 0; l < L; l++) {
			char name[64];
			snprintf(name, sizeof name, "rnn.weight_hh_l%d", l);
			const NpyArray *w = npz_find(&z, name);
			assert_non_null(w);
			assert_int_equal(w->shape[0], G * H);
			for (int gi = 0; gi < G; gi++) {
				const float *blk = (const float *)w->data + (size_t)gi * H * H;
				for (int r = 0; r < H; r++)	/* row-major into column-major */
					for (int c = 0; c < H; c++)
						a[(size_t)c * H + r] = blk[(size_t)r * H + c];
				dgeev_("N", "N", &n, a, &n, wr, wi, NULL, &one, NULL, &one, work, &lwork, &info);
				assert_int_equal(info, 0);
				double want = 0;
				for (int i = 0; i < H; i++)
					want = fmax(want, cabs(wr[i] + I * wi[i]));
				if (fabs(rho[l * G + gi] - want) > 1e-3 * want)
					fail_msg("%s: radius of layer %d gate %d: shown %g, eigenvalues %g", setups[k], l, gi,
						 rho[l * G + gi], want);
			}
		}
		free(a);
		free(wr);
		free(wi);
		free(work);
		npz_free(&z);
		session_free(s);
	}
}

/* ---- the train pane: the plotted losses and norms are the printed ones ---- */

static void test_train_pane(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=20 n=300; model gru hidden=8; set optim=adam lr=0.01 log_every=1 val_every=2; train 8");
	ViewOpts o = { 0 };
	ViewLines loss, grad;
	Err e;
	assert_int_equal(view_lines(s, VIEW_LOSS, &o, &loss, &e), 0);
	assert_int_equal(view_lines(s, VIEW_GRAD, &o, &grad, &e), 0);
	assert_int_equal(loss.nser, 2);	/* validation drawn first, then train over it */
	assert_string_equal(loss.ser[0].name, "validation");
	assert_string_equal(loss.ser[1].name, "train");
	PlotSeries tmp = loss.ser[0];	/* below: [0] train, [1] validation */
	loss.ser[0] = loss.ser[1];
	loss.ser[1] = tmp;
	int lines = 0, vals = 0;
	for (const char *p = cap.out; (p = strstr(p, "step ")); p++) {
		long step;
		double l, v = NAN, g;
		int n = 0;
		if (sscanf(p, "step %ld loss %lf%n", &step, &l, &n) != 2)
			continue;
		const char *q = p + n;
		if (sscanf(q, " val %lf", &v) == 1)
			q = strstr(q, "grad");
		assert_non_null(q = strstr(q, "grad "));
		assert_int_equal(sscanf(q, "grad %lf", &g), 1);
		/* the train curve's point at that step is the printed loss */
		assert_true(step >= 1 && step <= loss.ser[0].n);
		assert_true(loss.ser[0].x[step - 1] == step);
		assert_true(fabs(loss.ser[0].y[step - 1] - l) <= 5e-5);
		assert_true(fabs(grad.ser[0].y[step - 1] - g) <= 5e-3 * g);
		if (!isnan(v)) {	/* and the validation point, where one was measured */
			int found = 0;
			for (int i = 0; i < loss.ser[1].n; i++)
				if (loss.ser[1].x[i] == step) {
					assert_true(fabs(loss.ser[1].y[i] - v) <= 5e-5);
					found = 1;
				}
			assert_true(found);
			vals++;
		}
		lines++;
	}
	assert_int_equal(lines, 8);
	assert_int_equal(vals, 4);
	assert_int_equal(loss.ser[1].n, 4);	/* no validation point that was not printed */
	view_lines_done(&loss);
	view_lines_done(&grad);
	session_free(s);
}

/* ---- compare: each run's curve is that run's record ---- */

/* compare flow of an rnn, an lstm and a gru after two steps each: each
 * curve is the top layer's ||dL/dh_t|| its probe held when the next model
 * replaced it (the current run's: now), labelled apart; compare loss is
 * each run's history; runs= picks. */
static void test_compare(void **state)
{
	(void)state;
	Session *s = new_session();
	static const char *const cells[] = { "rnn", "lstm", "gru" };
	double *flow[3];
	int T[3];
	double loss2[3];
	ok(s, "data adding T=12 n=120; set log_every=0 val_every=0");
	for (int k = 0; k < 3; k++) {
		char line[128];
		snprintf(line, sizeof line, "model %s hidden=6 layers=2; train 2", cells[k]);
		ok(s, line);
		const Probe *p = &learner_cells(s->lr)->t->probe;
		T[k] = p->T;
		flow[k] = malloc((size_t)p->T * sizeof *flow[k]);
		memcpy(flow[k], p->dh_norm + (size_t)(p->L - 1) * p->Tcap, (size_t)p->T * sizeof *flow[k]);
		loss2[k] = history_last(&s->hist, HIST_LOSS);
	}
	ViewOpts o = { .what = COMPARE_FLOW };
	ViewLines V;
	Err e;
	assert_int_equal(view_lines(s, VIEW_COMPARE, &o, &V, &e), 0);
	assert_int_equal(V.nser, 3);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(V.ser[k].n, T[k]);
		for (int t = 0; t < T[k]; t++) {
			assert_true(V.ser[k].x[t] == t + 1);
			assert_true(V.ser[k].y[t] == flow[k][t]);
		}
		assert_true(strncmp(V.ser[k].name, cells[k], strlen(cells[k])) == 0);
		for (int j = 0; j < k; j++)
			assert_string_not_equal(V.ser[j].name, V.ser[k].name);
		free(flow[k]);
	}
	assert_true(V.spec.logy);
	view_lines_done(&V);
	/* the training loss of runs 1 and 3 only */
	o = (ViewOpts){ .what = COMPARE_LOSS, .runs = 1u | 4u };
	assert_int_equal(view_lines(s, VIEW_COMPARE, &o, &V, &e), 0);
	assert_int_equal(V.nser, 2);
	assert_int_equal(V.ser[0].n, 2);
	assert_true(V.ser[0].y[1] == loss2[0] && V.ser[1].y[1] == loss2[2]);
	view_lines_done(&V);
	/* validation: the points measured (the end of each train), no others */
	o = (ViewOpts){ .what = COMPARE_VAL };
	assert_int_equal(view_lines(s, VIEW_COMPARE, &o, &V, &e), 0);
	assert_int_equal(V.nser, 3);
	assert_int_equal(V.ser[2].n, 1);
	assert_true(V.ser[2].x[0] == 2 && V.ser[2].y[0] == history_last(&s->hist, HIST_VAL));
	view_lines_done(&V);
	/* a run that is not there */
	o = (ViewOpts){ .runs = 1u << 5 };
	assert_int_not_equal(view_lines(s, VIEW_COMPARE, &o, &V, &e), 0);
	assert_non_null(strstr(e.msg, "there is no run 6"));
	/* the same model twice: numbered apart */
	ok(s, "model gru hidden=6 layers=2; train 1");
	char a[64], b[64];
	session_run_label(s, 2, a, sizeof a);
	session_run_label(s, 3, b, sizeof b);
	assert_string_equal(a, "gru (#3)");
	assert_string_equal(b, "gru (#4)");
	ok(s, "runs name LSTM h64 at init");
	session_run_label(s, 3, b, sizeof b);
	assert_string_equal(b, "LSTM h64 at init");
	session_free(s);
}

/* ---- gates unit=K|max: one unit's values, and the unit max picks ---- */

static void test_unit_lines(void **state)
{
	(void)state;
	for (size_t k = 0; k < NSETUPS; k++) {
		Session *s = new_session();
		ok(s, setups[k]);
		const Cells *cl = learner_cells(s->lr);
		const Model *m = cl->m;
		const Trace *tr = cl->t->tr;
		const int L = m->cfg.layers, H = m->cfg.hidden, G = m->gates, T = tr->T, B = tr->B;
		const int layer = L - 1, b = B - 1;
		const LayerTrace *lt = &tr->lt[layer];
		/* max: the unit whose forget (lstm f, gru z) gate is most open over
		 * the sequence; rnn: the largest mean |h| */
		int want = 0;
		double best = -1;
		for (int j = 0; j < H; j++) {
			double sum = 0;
			for (int t = 0; t < T; t++)
				sum += m->cfg.cell == CELL_RNN ? fabs(lt->h[(size_t)(t + 1) * B * H + (size_t)b * H + j])
							       : lt->act[(size_t)t * B * G * H + (size_t)b * G * H + (size_t)H + j];
			if (sum > best) {
				best = sum;
				want = j;
			}
		}
		ViewOpts o = { .layer = layer, .sample = b, .unit = VIEW_UNIT_MAX };
		int unit;
		Err e;
		assert_int_equal(view_unit(s, &o, &unit, &e), 0);
		assert_int_equal(unit, want);
		/* the lines of that unit are the trace's values */
		ViewLines V;
		assert_int_equal(view_lines(s, VIEW_GATES, &o, &V, &e), 0);
		const int want_n = m->cfg.cell == CELL_RNN ? 1 : G + 1;
		assert_int_equal(V.nser, want_n);
		for (int i = 0; i < V.nser; i++) {
			assert_int_equal(V.ser[i].n, T);
			for (int t = 0; t < T; t++) {
				double v;
				if (i < G && m->cfg.cell != CELL_RNN)
					v = lt->act[(size_t)t * B * G * H + (size_t)b * G * H + (size_t)i * H + unit];
				else if (m->cfg.cell == CELL_LSTM)
					v = lt->c[(size_t)(t + 1) * B * H + (size_t)b * H + unit];
				else
					v = lt->h[(size_t)(t + 1) * B * H + (size_t)b * H + unit];
				if (V.ser[i].y[t] != v)
					fail_msg("%s: %s at t=%d: plotted %g, trace %g", setups[k], V.ser[i].name, t + 1,
						 V.ser[i].y[t], v);
			}
		}
		assert_non_null(strstr(V.title, "layer"));
		view_lines_done(&V);
		o.unit = H + 1;	/* unit H: one past the last */
		assert_int_not_equal(view_lines(s, VIEW_GATES, &o, &V, &e), 0);
		session_free(s);
	}
}

/* ---- eigen: LAPACK's eigenvalues against numpy's, and each one drawn ---- */

/* mat_eigen on each fixture matrix (tests/gen_eigen_fixtures.py) gives
 * numpy's eigenvalues (as a multiset, each matched once) and spectral norm. */
static void test_eigen_vs_numpy(void **state)
{
	(void)state;
	Npz z;
	Err e;
	assert_int_equal(npz_read(&z, "tests/fixtures/eigen.npz", &e), 0);
	int cases = 0;
	for (int k = 0;; k++) {
		char name[16];
		snprintf(name, sizeof name, "w%d", k);
		const NpyArray *w = npz_find(&z, name);
		if (!w)
			break;
		snprintf(name, sizeof name, "re%d", k);
		const NpyArray *re = npz_find(&z, name);
		snprintf(name, sizeof name, "im%d", k);
		const NpyArray *im = npz_find(&z, name);
		snprintf(name, sizeof name, "norm%d", k);
		const NpyArray *nm = npz_find(&z, name);
		assert_true(re && im && nm && w->dtype == NPY_F32 && re->dtype == NPY_F64);
		const int n = (int)w->shape[0];
		double *r = malloc((size_t)n * sizeof *r), *i = malloc((size_t)n * sizeof *i), norm;
		int *used = calloc((size_t)n, sizeof *used);
		assert_int_equal(mat_eigen(w->data, n, r, i, &norm, &e), 0);
		const double *wr = re->data, *wi = im->data;
		for (int a = 0; a < n; a++) {
			if (a)	/* sorted by modulus, largest first */
				assert_true(hypot(r[a], i[a]) <= hypot(r[a - 1], i[a - 1]) + 1e-12);
			int best = -1;
			double bd = INFINITY;
			for (int b = 0; b < n; b++)
				if (!used[b] && hypot(r[a] - wr[b], i[a] - wi[b]) < bd) {
					bd = hypot(r[a] - wr[b], i[a] - wi[b]);
					best = b;
				}
			if (bd > 1e-9 * fmax(1, hypot(r[a], i[a])))
				fail_msg("w%d: eigenvalue %g%+gi: numpy's nearest is %g away", k, r[a], i[a], bd);
			used[best] = 1;
		}
		if (fabs(norm - *(const double *)nm->data) > 1e-10 * norm)
			fail_msg("w%d: spectral norm %.17g, numpy %.17g", k, norm, *(const double *)nm->data);
		free(r);
		free(i);
		free(used);
		cases++;
	}
	assert_int_equal(cases, 5);
	npz_free(&z);
}

/* pca2 against numpy (tests/gen_eigen_fixtures.py: 40 points of 6
 * dimensions): the projections, the two variances, the total variance. */
static void test_pca_vs_numpy(void **state)
{
	(void)state;
	Npz z;
	Err e;
	assert_int_equal(npz_read(&z, "tests/fixtures/pca.npz", &e), 0);
	const NpyArray *x = npz_find(&z, "pca_x"), *pr = npz_find(&z, "pca_proj"), *var = npz_find(&z, "pca_var"),
		       *tot = npz_find(&z, "pca_total");
	assert_true(x && pr && var && tot && x->dtype == NPY_F32);
	const int n = (int)x->shape[0], d = (int)x->shape[1];
	double *X = malloc((size_t)n * d * sizeof *X), *P = malloc((size_t)n * 2 * sizeof *P), v[2], total;
	for (int i = 0; i < n * d; i++)
		X[i] = ((const float *)x->data)[i];
	assert_int_equal(pca2(X, n, d, P, v, &total, &e), 0);
	const double *want = pr->data;
	for (int i = 0; i < 2 * n; i++)
		if (fabs(P[i] - want[i]) > 1e-9 * (1 + fabs(want[i])))
			fail_msg("projection %d: %.17g, numpy %.17g", i, P[i], want[i]);
	for (int k = 0; k < 2; k++)
		assert_true(fabs(v[k] - ((const double *)var->data)[k]) < 1e-10 * v[k]);
	assert_true(fabs(total - *(const double *)tot->data) < 1e-10 * total);
	free(X);
	free(P);
	npz_free(&z);
	/* the states view is pca2 of the trace's h_t, sequence by sequence */
	Session *s = new_session();
	ok(s, setups[2]);
	const Cells *cl = learner_cells(s->lr);
	const Trace *tr = cl->t->tr;
	const int H = cl->m->cfg.hidden, T = tr->T, B = tr->B;
	ViewOpts o = { .sample = 1, .samples = 3 };
	ViewStates vs;
	assert_int_equal(view_states(s, &o, &vs, &e), 0);
	X = malloc((size_t)3 * T * H * sizeof *X);
	P = malloc((size_t)3 * T * 2 * sizeof *P);
	for (int p = 0; p < 3; p++)
		for (int t = 0; t < T; t++)
			for (int j = 0; j < H; j++)
				X[((size_t)p * T + t) * H + j] = tr->lt[0].h[((size_t)(t + 1) * B + 1 + p) * H + j];
	assert_int_equal(pca2(X, 3 * T, H, P, v, &total, &e), 0);
	assert_int_equal(vs.paths, 3);
	assert_memory_equal(vs.xy, P, (size_t)3 * T * 2 * sizeof *P);
	free(vs.xy);
	free(X);
	free(P);
	o.samples = B;	/* from sequence 1: one too many */
	assert_int_not_equal(view_states(s, &o, &vs, &e), 0);
	session_free(s);
}

/* The eigen view draws every eigenvalue of the block it names: the cell of
 * each point's dot holds that dot, bold; the note's radius and norm are
 * the eigenvalues'. */
static void test_eigen_view(void **state)
{
	(void)state;
	for (size_t k = 0; k < NSETUPS; k++) {
		Session *s = new_session();
		ok(s, setups[k]);
		const Model *m = learner_cells(s->lr)->m;
		ViewOpts o = { .layer = m->cfg.layers - 1, .gate = -1 };
		ViewEigen v;
		Err e;
		assert_int_equal(view_eigen(s, &o, &v, &e), 0);
		assert_int_equal(v.n, m->cfg.hidden);
		/* the block it names: the candidate's (rnn: the only one) */
		assert_int_equal(v.gate, m->cfg.cell == CELL_RNN ? 0 : 2);
		double re[64], im[64], norm;
		const int H = m->cfg.hidden;
		assert_int_equal(mat_eigen(m->p.layer[o.layer].w_hh + (size_t)v.gate * H * H, H, re, im, &norm, &e), 0);
		assert_memory_equal(re, v.re, (size_t)H * sizeof *re);
		assert_true(v.radius == hypot(re[0], im[0]) && v.norm2 == norm);
		Grid *g = grid_new(60, 24, &e);
		CplaneSpec cs = { .title = v.title, .note = v.note, .colors = GRID_COLORS_8, .circle = 1 };
		CplaneFrame f;
		assert_int_equal(cplane_draw(g, 0, 0, 60, 24, &cs, v.re, v.im, v.n, &f, &e), 0);
		/* the real axis to the right, the imaginary axis up, the same scale */
		int cx, cy, rx, ry, ix, iy;
		assert_true(cplane_dot(&f, 0, 0, &cx, &cy) && cplane_dot(&f, f.R / 2, 0, &rx, &ry) &&
			    cplane_dot(&f, 0, f.R / 2, &ix, &iy));
		assert_true(rx > cx && ry == cy);
		assert_true(iy < cy && ix == cx);
		assert_true(abs((cy - iy) - (rx - cx)) <= 1);
		/* the edge: the short number just above 1.1 times the largest point (or the circle) */
		static const double pts[3] = { 0.5, 3, 9.5 }, edge[3] = { 1.2, 4, 12 };
		for (int q = 0; q < 3; q++) {
			const double zero = 0;
			CplaneFrame f2;
			assert_int_equal(cplane_draw(g, 0, 0, 60, 24, &cs, &pts[q], &zero, 1, &f2, &e), 0);
			assert_true(fabs(f2.R - edge[q]) < 1e-12);
		}
		assert_int_equal(cplane_draw(g, 0, 0, 60, 24, &cs, v.re, v.im, v.n, &f, &e), 0);
		for (int i = 0; i < v.n; i++) {
			int dx, dy;
			assert_true(cplane_dot(&f, v.re[i], v.im[i], &dx, &dy));
			const GridCell *c = grid_at(g, f.x + dx / f.sx, f.y + dy / f.sy);
			static const unsigned bits[2][4] = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } };
			assert_true(c->cp >= 0x2800 && c->cp < 0x2900 && ((c->cp - 0x2800) & bits[dx % 2][dy % 4]));
			assert_true(c->st.attr & GRID_BOLD);
		}
		view_eigen_done(&v);
		grid_free(g);
		session_free(s);
	}
}

/* ---- the gates pane: each cell is the mean of what it covers ---- */

static void test_gate_maps(void **state)
{
	(void)state;
	for (size_t k = 2; k < NSETUPS; k++) {	/* lstm and gru */
		Session *s = new_session();
		ok(s, setups[k]);
		const Cells *cl = learner_cells(s->lr);
		const Model *m = cl->m;
		const Trace *tr = cl->t->tr;
		const int H = m->cfg.hidden, G = m->gates, B = tr->B;
		ViewOpts o = { .layer = m->cfg.layers - 1, .sample = 2 };
		ViewMaps M;
		Err e;
		assert_int_equal(view_maps(s, VIEW_GATES, &o, &M, &e), 0);
		Grid *g = grid_new(40, 11, &e);
		for (int gi = 0; gi < G; gi++) {
			HeatmapFrame fr;
			/* small: units and steps pooled several to a cell */
			assert_int_equal(heatmap_draw(g, 0, 0, 40, 11, &M.spec[gi], &M.m[gi], &fr, &e), 0);
			assert_true(fr.fr * fr.rows >= H && fr.fc * fr.cols >= tr->T);
			assert_true(fr.fr > 1 || fr.fc > 1);	/* cells do cover several values */
			const LayerTrace *lt = &tr->lt[o.layer];
			for (int i = 0; i < fr.rows; i++)
				for (int j = 0; j < fr.cols; j++) {
					double sum = 0;
					int n = 0;
					for (int u = i * fr.fr; u < (i + 1) * fr.fr && u < H; u++)
						for (int t = j * fr.fc; t < (j + 1) * fr.fc && t < tr->T; t++, n++)
							sum += lt->act[(((size_t)t * B + o.sample) * G + gi) * H + u];
					uint32_t cp;
					Style st;
					heatmap_cell(&M.spec[gi], (sum / n - fr.lo) / (fr.hi - fr.lo), &cp, &st);
					const GridCell *cell = grid_at(g, fr.x + j * fr.cw, fr.y + i * fr.rh);
					if (cell->cp != cp || cell->st.fg != st.fg || cell->st.bg != st.bg || cell->st.attr != st.attr)
						fail_msg("%s: gate %d cell (%d, %d): drawn U+%04X, the mean %g is U+%04X", setups[k], gi, i, j,
							 cell->cp, sum / n, cp);
				}
		}
		grid_free(g);
		session_free(s);
	}
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_equations),
		cmocka_unit_test(test_flow_and_radius),
		cmocka_unit_test(test_gate_maps),
		cmocka_unit_test(test_train_pane),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_unit_lines),
		cmocka_unit_test(test_eigen_vs_numpy),
		cmocka_unit_test(test_eigen_view),
		cmocka_unit_test(test_pca_vs_numpy),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
