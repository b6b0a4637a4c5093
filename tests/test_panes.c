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
 *   - the planes as SVG (plot eigen|states --svg): read back through the
 *     file's own tick labels, each point is an eigenvalue of a W_hh written
 *     here (0.5 times a rotation: +-0.5i), both axes have one scale, the
 *     unit circle has radius 1 on it; each state path has T points, those
 *     of the view;
 *   - seq2seq: part=enc|dec reads the encoder's or the decoder's W_hh.
 */
#include "sessionutil.h"

#include <complex.h>
#include <math.h>

#include "cplane.h"
#include "eigen.h"
#include "npz.h"
#include "stepview.h"
#include "views.h"

#include <sys/stat.h>

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
					StepCursor c = { layer, 1, t, unit, 0 };
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
	/* two seq2seq runs, with and without attention: the word that differs
	 * from the other seq2seq, whole (runs of other kinds do not count: the
	 * kind tells them apart, so the first run is "rnn") */
	ok(s, "data reverse len=6 n=60; model seq2seq cell=gru hidden=8 embed=4; train 1; "
	      "model seq2seq cell=gru hidden=8 embed=4 attention=dot; train 1");
	const int nr = session_run_count(s);
	session_run_label(s, nr - 2, a, sizeof a);
	session_run_label(s, nr - 1, b, sizeof b);
	assert_string_equal(a, "seq2seq attention=none");
	assert_string_equal(b, "seq2seq attention=dot");
	session_run_label(s, 0, a, sizeof a);
	assert_string_equal(a, "rnn");
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

/* ---- the planes as SVG ---- */

/* The file at p, whole and NUL-terminated. */
static char *slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* The number in name="..." of the tag that starts at tag. */
static double attr(const char *tag, const char *name)
{
	char key[32];
	snprintf(key, sizeof key, " %s=\"", name);
	const char *end = strchr(tag, '>'), *a = strstr(tag, key);
	if (!a || !end || a > end)
		fail_msg("no %s= in %.80s", name, tag);
	return strtod(a + strlen(key), NULL);
}

/* The plane's axis transform as the file states it: the tick labelled v
 * sits at x = x0 + kx v (xtick) and y = y0 + ky v (ytick).  Every label
 * must lie on the line through the outermost ones. */
typedef struct Axes {
	double x0, kx, y0, ky;
} Axes;

static void fit_ticks(const char *svg, const char *cls, const char *coord, double *c0, double *k)
{
	char key[48];
	snprintf(key, sizeof key, "<text class=\"%s\"", cls);
	double pos[16] = { 0 }, val[16] = { 0 };
	int n = 0;
	for (const char *p = strstr(svg, key); p && n < 16; p = strstr(p + 1, key), n++) {
		pos[n] = attr(p, coord);
		val[n] = strtod(strchr(p, '>') + 1, NULL);
	}
	assert_true(n >= 3);
	*k = (pos[n - 1] - pos[0]) / (val[n - 1] - val[0]);
	*c0 = pos[0] - *k * val[0];
	for (int i = 0; i < n; i++)
		if (fabs(*c0 + *k * val[i] - pos[i]) > 1e-3)
			fail_msg("%s %g is at %g, off the line of the others", cls, val[i], pos[i]);
}

static Axes read_axes(const char *svg)
{
	Axes a;
	fit_ticks(svg, "xtick", "x", &a.x0, &a.kx);
	fit_ticks(svg, "ytick", "y", &a.y0, &a.ky);
	assert_true(a.kx > 0 && a.ky < 0);	/* Re to the right, Im up */
	assert_true(fabs(a.kx + a.ky) < 1e-9 * a.kx);	/* one scale: a circle is a circle */
	return a;
}

/* Every <circle class="point"> read back through the axes into re, im;
 * how many; fills[i] its fill colour's first letter after '#'. */
static int read_points(const char *svg, const Axes *a, double *re, double *im, char *fills, int max)
{
	int n = 0;
	for (const char *p = strstr(svg, "<circle class=\"point\""); p; p = strstr(p + 1, "<circle class=\"point\"")) {
		assert_true(n < max);
		re[n] = (attr(p, "cx") - a->x0) / a->kx;
		im[n] = (attr(p, "cy") - a->y0) / a->ky;
		const char *f = strstr(p, "fill=\"#");
		fills[n] = f ? f[7] : '?';
		n++;
	}
	return n;
}

/* Each of the n wanted eigenvalues is one of the points, to 1e-5. */
static void assert_points_are(const double *re, const double *im, int n, const double *wr, const double *wi, int nw)
{
	assert_int_equal(n, nw);
	for (int k = 0; k < nw; k++) {
		int found = 0;
		for (int i = 0; i < n; i++)
			found |= hypot(re[i] - wr[k], im[i] - wi[k]) < 1e-5;
		if (!found)
			fail_msg("no point at %g%+gi", wr[k], wi[k]);
	}
}

/* The unit circle: centred on 0, its radius the distance from 0 to 1. */
static void assert_unit_circle(const char *svg, const Axes *a)
{
	const char *c = strstr(svg, "<circle class=\"unit\"");
	assert_non_null(c);
	assert_true(fabs(attr(c, "cx") - a->x0) < 1e-3 && fabs(attr(c, "cy") - a->y0) < 1e-3);
	assert_true(fabs(attr(c, "r") - a->kx) < 1e-3);	/* |x(1) - x(0)| */
}

/* Write w (n x n, row-major) into layer 0's W_hh block 0 of m. */
static void set_whh(const Model *m, const float *w, int n)
{
	assert_int_equal(m->cfg.hidden, n);
	memcpy(m->p.layer[0].w_hh, w, (size_t)n * n * sizeof *w);
}

static void test_eigen_svg(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "model rnn hidden=3 in=1 out=1");
	/* 0.5 times a quarter turn in the first two units (+-0.5i), 1.3 in the third */
	const float w[9] = { 0, -0.5f, 0, 0.5f, 0, 0, 0, 0, 1.3f };
	set_whh(cur_model(s), w, 3);
	char file[256];
	path(file, sizeof file, "eigen.svg");
	char line[400];
	snprintf(line, sizeof line, "plot eigen --svg %s", file);
	ok(s, line);
	char *svg = slurp(file);
	assert_int_equal(strncmp(svg, "<svg data-generator=\"rnnlab\"", 28), 0);
	assert_non_null(strstr(svg, ">eigenvalues of W_hh now, layer 0</text>"));
	assert_non_null(strstr(svg, "radius 1.3  norm 1.3  1/3 outside"));
	Axes a = read_axes(svg);
	assert_unit_circle(svg, &a);
	double re[8], im[8];
	char fill[8];
	const double wr[3] = { 0, 0, 1.3 }, wi[3] = { 0.5, -0.5, 0 };
	int n = read_points(svg, &a, re, im, fill, 8);
	assert_points_are(re, im, n, wr, wi, 3);
	for (int i = 0; i < n; i++)	/* colour: outside the circle vermillion, inside blue (#d55e00, #0072b2) */
		assert_int_equal(fill[i], hypot(re[i], im[i]) > 1 ? 'd' : '0');
	free(svg);
	ok(s, "set colour=none");
	ok(s, line);
	svg = slurp(file);
	n = read_points(svg, &a, re, im, fill, 8);
	assert_points_are(re, im, n, wr, wi, 3);
	for (int i = 0; i < n; i++)	/* none: outside the circle hollow (white), inside dark */
		assert_int_equal(fill[i], hypot(re[i], im[i]) > 1 ? 'f' : '2');
	free(svg);
	ok(s, "set colour=auto");

	/* An rnnlab SVG is replaced without force; the file is whole again. */
	const float w2[9] = { 0.2f, 0, 0, 0, -0.7f, 0, 0, 0, 0.4f };
	set_whh(cur_model(s), w2, 3);
	ok(s, line);
	svg = slurp(file);
	a = read_axes(svg);
	assert_unit_circle(svg, &a);
	const double wr2[3] = { 0.2, -0.7, 0.4 }, wi2[3] = { 0, 0, 0 };
	n = read_points(svg, &a, re, im, fill, 8);
	assert_points_are(re, im, n, wr2, wi2, 3);
	free(svg);
	session_free(s);
}

/* plot states --svg: a path per sequence of T points, the view's, in its
 * colour, t=1 marked. */
static void test_states_svg(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=12 n=100; model gru hidden=6; set optim=sgd lr=1 log_every=0 val_every=0; train 2");
	char file[256], line[400];
	path(file, sizeof file, "states.svg");
	snprintf(line, sizeof line, "plot states sample=1 samples=3 --svg %s", file);
	ok(s, line);
	ViewOpts o = { .sample = 1, .samples = 3, .gate = -1 };
	ViewStates v;
	Err e;
	assert_int_equal(view_states(s, &o, &v, &e), 0);
	char *svg = slurp(file);
	assert_int_equal(strncmp(svg, "<svg data-generator=\"rnnlab\"", 28), 0);
	assert_non_null(strstr(svg, v.title));
	assert_non_null(strstr(svg, ">PC1<") && strstr(svg, ">PC2<"));
	assert_null(strstr(svg, "class=\"unit\""));	/* no circle on this plane */
	Axes a = read_axes(svg);
	int paths = 0;
	for (const char *g = strstr(svg, "<g class=\"path\">"); g; g = strstr(g + 1, "<g class=\"path\">"), paths++) {
		const char *pl = strstr(g, "<polyline"), *end = strstr(g, "</g>");
		assert_true(pl && pl < end);
		char name[48];	/* sequences from sample=1, in order */
		snprintf(name, sizeof name, "<title>sequence %d</title>", 1 + paths);
		assert_true(strstr(g, name) && strstr(g, name) < pl);
		const char *pts = strstr(pl, "points=\"") + 8;
		int T = 0;
		for (;;) {
			char *q;
			double x = strtod(pts, &q);
			assert_true(q != pts && *q == ',');
			double y = strtod(q + 1, &q);
			assert_true(paths < 3 && T < v.T);
			const double *want = v.xy + 2 * ((size_t)paths * v.T + T);
			if (fabs((x - a.x0) / a.kx - want[0]) > 1e-4 || fabs((y - a.y0) / a.ky - want[1]) > 1e-4)
				fail_msg("path %d point %d is (%g, %g), the view's (%g, %g)", paths, T, (x - a.x0) / a.kx,
					 (y - a.y0) / a.ky, want[0], want[1]);
			T++;
			if (*q != ' ')
				break;
			pts = q + 1;
		}
		assert_int_equal(T, v.T);
		const char *st = strstr(g, "<circle class=\"start\"");	/* t=1 */
		assert_true(st && st < end);
		assert_true(fabs((attr(st, "cx") - a.x0) / a.kx - v.xy[2 * (size_t)paths * v.T]) < 1e-4);
	}
	assert_int_equal(paths, 3);
	free(svg);
	free(v.xy);
	session_free(s);
}

/* seq2seq: part=enc (the default) and part=dec read the encoder's and the
 * decoder's W_hh, written here; bad parts, one line each, and nothing
 * written or changed after an error. */
static void test_seq2seq_eigen(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data reverse len=6 n=100; model seq2seq cell=rnn hidden=2 embed=4");
	const Learner *l = s->lr;
	assert_int_equal(l->nstacks, 2);
	assert_ptr_equal(l->stacks[0].m, &l->s2s->enc);
	assert_ptr_equal(l->stacks[1].m, &l->s2s->dec);
	const float enc[4] = { 0.3f, 0, 0, -0.9f }, dec[4] = { 0, -0.5f, 0.5f, 0 };
	set_whh(l->stacks[0].m, enc, 2);
	set_whh(l->stacks[1].m, dec, 2);
	/* the blocks are two places in the parameters, under their names */
	ParamBlock pb;
	assert_true(session_params(s, &pb));
	for (int i = 0; i < pb.ntensors; i++) {
		const float *p = pb.params + pb.tensors[i].offset;
		if (!strcmp(pb.tensors[i].name, "encoder.weight_hh_l0"))
			assert_memory_equal(p, enc, sizeof enc);
		if (!strcmp(pb.tensors[i].name, "decoder.weight_hh_l0"))
			assert_memory_equal(p, dec, sizeof dec);
	}

	ViewOpts o = { .gate = -1 };
	ViewEigen v;
	Err e;
	for (int part = 0; part < 2; part++) {
		o.part = part;
		assert_int_equal(view_eigen(s, &o, &v, &e), 0);
		assert_int_equal(v.n, 2);
		assert_int_equal(v.part, part);
		const double *wr = part ? (const double[]){ 0, 0 } : (const double[]){ -0.9, 0.3 };
		const double *wi = part ? (const double[]){ 0.5, -0.5 } : (const double[]){ 0, 0 };
		assert_points_are(v.re, v.im, 2, wr, wi, 2);
		assert_non_null(strstr(v.title, part ? "the decoder's W_hh" : "the encoder's W_hh"));
		view_eigen_done(&v);
	}
	ok(s, "plot eigen part=dec");
	has("eigenvalues of the decoder's W_hh now, layer 0");
	has("radius 0.5  norm 0.5  0/2 outside");
	ok(s, "plot eigen");
	has("eigenvalues of the encoder's W_hh now, layer 0");
	ok(s, "expect eigen max part=dec > 0.4999; expect eigen max part=dec < 0.5001; expect eigen max > 0.8999");
	has("ok: eigen max part=dec = 0.5 > 0.4999");
	ok(s, "expect eigen norm part=enc < 0.9001; expect eigen outside part=dec == 0");

	char file[256], line[400];
	path(file, sizeof file, "dec.svg");
	snprintf(line, sizeof line, "plot eigen part=dec --svg %s", file);
	ok(s, line);
	char *svg = slurp(file);
	assert_non_null(strstr(svg, ">eigenvalues of the decoder&apos;s W_hh now, layer 0</text>"));
	Axes a = read_axes(svg);
	assert_unit_circle(svg, &a);
	double re[4], im[4];
	char fill[4];
	int n = read_points(svg, &a, re, im, fill, 4);
	assert_points_are(re, im, n, (const double[]){ 0, 0 }, (const double[]){ 0.5, -0.5 }, 2);
	free(svg);

	/* bad parts; the states and jacobian of a seq2seq model stay refused */
	path(file, sizeof file, "none.svg");
	fails(s, "plot eigen part=mid", "plot: part must be enc or dec, got 'mid'");
	snprintf(line, sizeof line, "plot states --svg %s", file);
	fails(s, line, "plot: plot states does not work on seq2seq models (it works on rnn, lstm and gru models)");
	fails(s, "plot jacobian part=dec", "plot: plot jacobian does not work on seq2seq models (it works on rnn, lstm and "
	      "gru models)");
	fails(s, "plot loss part=dec", "plot: part= picks a seq2seq model's encoder or decoder for plot eigen, sat, gates "
	      "and h, not plot loss");
	fails(s, "expect radius part=dec < 1", "expect: part= is for expect eigen, flow and gate (a seq2seq model's "
	      "encoder or decoder), not radius");
	fails(s, "expect eigen max part=x > 1", "expect: part must be enc or dec, got 'x'");
	struct stat sb;
	assert_int_not_equal(stat(file, &sb), 0);
	/* the plot pane's part is the last plot eigen's that worked */
	assert_int_equal(s->plot.part, 0);
	ok(s, "model rnn hidden=2 in=1 out=1");
	fails(s, "plot eigen part=enc", "plot: part= picks a seq2seq model's encoder or decoder (part=enc|dec); this rnn "
	      "model has one stack of cells: leave part= out");
	fails(s, "expect eigen max part=dec > 1", "expect: part= picks a seq2seq model's encoder or decoder "
	      "(part=enc|dec); this rnn model has one stack of cells: leave part= out");
	o.part = 1;	/* a pane's part=dec after the model changed */
	assert_int_equal(view_eigen(s, &o, &v, &e), ERR_INVAL);
	session_free(s);
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
		cmocka_unit_test(test_eigen_svg),
		cmocka_unit_test(test_states_svg),
		cmocka_unit_test(test_seq2seq_eigen),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
