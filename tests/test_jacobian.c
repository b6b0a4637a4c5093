/* test_jacobian.c — the pictures that explain why.  The step Jacobian
 * dh_t/dh_{t-1} (jacobian.c) against
 * finite differences of one step computed here, in double, from the
 * PyTorch equations and the model's weights (not from rnnlab's kernels);
 * and the bound it gives: with the loss at the end of the sequence, the
 * product of the steps' spectral norms from T down to t is at least the
 * measured ||dL/dh_t|| / ||dL/dh_T||.  The landscape (landscape.c): its
 * loss at 0 is a forward's, its slope along the gradient the gradient's
 * norm, its directions what they claim to be. */
#include "sessionutil.h"

#include <math.h>

#include "jacobian.h"
#include "landscape.h"
#include "views.h"

static double sig(double v)
{
	return 1 / (1 + exp(-v));
}

/* One step of layer k in double: h_t (and c_t) from x, h_{t-1}, c_{t-1},
 * with the flat parameter block w (laid out as m->params). */
static void ref_step(const Model *m, const float *w, int k, const float *x, int I, const double *hp, const double *cp,
		     double *h, double *cout)
{
	const int H = m->cfg.hidden, G = m->gates;
	const LayerView *q = &m->p.layer[k];
	const float *w_ih = w + (q->w_ih - m->params), *w_hh = w + (q->w_hh - m->params);
	const float *b_ih = w + (q->b_ih - m->params), *b_hh = w + (q->b_hh - m->params);
	double *gx = malloc((size_t)G * H * sizeof *gx), *gh = malloc((size_t)G * H * sizeof *gh);
	for (int r = 0; r < G * H; r++) {
		double sx = b_ih[r], sh = b_hh[r];
		for (int j = 0; j < I; j++)
			sx += (double)w_ih[(size_t)r * I + j] * x[j];
		for (int j = 0; j < H; j++)
			sh += (double)w_hh[(size_t)r * H + j] * hp[j];
		gx[r] = sx;
		gh[r] = sh;
	}
	for (int i = 0; i < H; i++) {
		if (m->cfg.cell == CELL_RNN) {
			double pre = gx[i] + gh[i];
			h[i] = m->cfg.act == ACT_RELU ? (pre > 0 ? pre : 0) : tanh(pre);
		} else if (m->cfg.cell == CELL_LSTM) {
			double ig = sig(gx[i] + gh[i]), fg = sig(gx[H + i] + gh[H + i]);
			double gg = tanh(gx[2 * H + i] + gh[2 * H + i]), og = sig(gx[3 * H + i] + gh[3 * H + i]);
			cout[i] = fg * cp[i] + ig * gg;
			h[i] = og * tanh(cout[i]);
		} else {
			double r = sig(gx[i] + gh[i]), z = sig(gx[H + i] + gh[H + i]);
			double n = tanh(gx[2 * H + i] + r * gh[2 * H + i]);
			h[i] = (1 - z) * n + z * hp[i];
		}
	}
	free(gx);
	free(gh);
}

static const char *const setups[] = {
	"data adding T=12 n=60; model rnn hidden=6 layers=2; set optim=sgd lr=0.5 log_every=0 val_every=0; train 3",
	"data adding T=12 n=60; model rnn hidden=6 act=relu; set optim=sgd lr=0.1 log_every=0 val_every=0; train 3",
	"data adding T=12 n=60; model lstm hidden=5 layers=2; set optim=sgd lr=1 log_every=0 val_every=0; train 3",
	"data adding T=12 n=60; model gru hidden=5 layers=2; set optim=sgd lr=1 log_every=0 val_every=0; train 3",
};

static void test_against_finite_differences(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof setups / sizeof *setups; k++) {
		Session *s = new_session();
		ok(s, setups[k]);
		const Cells *cl = learner_cells(s->lr);
		const Model *m = cl->m;
		const Trace *tr = cl->t->tr;
		const int H = m->cfg.hidden, B = tr->B, L = m->cfg.layers;
		double J[64], hp[8], cp[8], h1[8], h2[8], c1[8], ref[8];
		Err e;
		int checked = 0;
		for (int layer = 0; layer < L; layer++) {
			const int I = layer ? H : m->cfg.in;
			for (int t = 1; t < tr->T; t += 4) {
				const int b = (t * 7) % B;
				const LayerTrace *lt = &tr->lt[layer];
				const float *x = lt->x + ((size_t)t * B + b) * I;
				for (int i = 0; i < H; i++) {
					hp[i] = lt->h[((size_t)t * B + b) * H + i];
					cp[i] = lt->c ? lt->c[((size_t)t * B + b) * H + i] : 0;
				}
				/* the reference is the model: it gives the trace's h_t */
				ref_step(m, cl->t->tw, layer, x, I, hp, cp, ref, c1);
				for (int i = 0; i < H; i++)
					if (fabs(ref[i] - lt->h[((size_t)(t + 1) * B + b) * H + i]) > 1e-5)
						fail_msg("%s: the reference step is not the model's (h[%d] %g vs %g)", setups[k], i,
							 ref[i], lt->h[((size_t)(t + 1) * B + b) * H + i]);
				assert_int_equal(step_jacobian(m, cl->t->tw, tr, layer, b, t, J, &e), 0);
				for (int j = 0; j < H; j++) {
					const double eps = 1e-6, keep = hp[j];
					hp[j] = keep + eps;
					ref_step(m, cl->t->tw, layer, x, I, hp, cp, h1, c1);
					hp[j] = keep - eps;
					ref_step(m, cl->t->tw, layer, x, I, hp, cp, h2, c1);
					hp[j] = keep;
					for (int i = 0; i < H; i++) {
						double fd = (h1[i] - h2[i]) / (2 * eps);
						if (fabs(fd - J[i * H + j]) > 1e-4 + 1e-3 * fabs(fd))
							fail_msg("%s: layer %d t=%d: dh[%d]/dh_prev[%d] = %g, finite differences %g",
								 setups[k], layer, t + 1, i, j, J[i * H + j], fd);
					}
				}
				checked++;
			}
		}
		assert_true(checked >= 3 * L);
		session_free(s);
	}
	/* the spectral norm: of a diagonal, its largest entry in size */
	double d[9] = { 0.5, 0, 0, 0, -3, 0, 0, 0, 2 };
	assert_true(fabs(mat_norm2(d, 3) - 3) < 1e-12);
}

/* The adding problem's loss is at the end: ||dL/dh_t|| <= prod_{s>t} ||J_s|| ||dL/dh_T||
 * for every sequence and t, in one-layer rnn and gru (h is the whole state). */
static void test_product_bounds_the_gradient(void **state)
{
	(void)state;
	static const char *const cells[] = { "rnn", "gru" };
	for (int k = 0; k < 2; k++) {
		Session *s = new_session();
		char line[200];
		snprintf(line, sizeof line, "data adding T=20 n=60; model %s hidden=8 radius=1.2; set log_every=0 val_every=0; train 2",
			 cells[k]);
		ok(s, line);
		const Cells *cl = learner_cells(s->lr);
		const Trace *tr = cl->t->tr;
		const int H = 8, B = tr->B, T = tr->T;
		const LayerTrace *lt = &tr->lt[0];
		double J[64];
		Err e;
		for (int b = 0; b < B; b += 5) {
			double dT = 0, prod = 1;
			for (int i = 0; i < H; i++)
				dT += (double)lt->dh[((size_t)(T - 1) * B + b) * H + i] * lt->dh[((size_t)(T - 1) * B + b) * H + i];
			dT = sqrt(dT);
			for (int t = T - 2; t >= 0; t--) {
				assert_int_equal(step_jacobian(cl->m, cl->t->tw, tr, 0, b, t + 1, J, &e), 0);
				prod *= mat_norm2(J, H);
				double dt = 0;
				for (int i = 0; i < H; i++)
					dt += (double)lt->dh[((size_t)t * B + b) * H + i] * lt->dh[((size_t)t * B + b) * H + i];
				dt = sqrt(dt);
				if (dt > prod * dT * (1 + 1e-4) + 1e-30)
					fail_msg("%s: sequence %d t=%d: ||dL/dh_t|| %g above the bound %g", cells[k], b, t + 1, dt,
						 prod * dT);
			}
		}
		session_free(s);
	}
}

/* The jacobian view plots those numbers: each step's norm is the norm of
 * step_jacobian, the product is the running product of them from the end,
 * the measured ratio is the trace's, and the measured stays under the
 * product (one layer, rnn, loss at the end). */
static void test_view(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=16 n=60; model rnn hidden=8; set log_every=0 val_every=0; train 2");
	const Cells *cl = learner_cells(s->lr);
	ViewOpts o = { .sample = 3 };
	ViewLines V;
	Err e;
	assert_int_equal(view_lines(s, VIEW_JACOBIAN, &o, &V, &e), 0);
	assert_int_equal(V.nser, 3);
	const int T = cl->t->tr->T;
	double J[64], p = 1;
	for (int t = T - 1; t >= 1; t--) {
		assert_int_equal(step_jacobian(cl->m, cl->t->tw, cl->t->tr, 0, 3, t, J, &e), 0);
		double n = mat_norm2(J, 8);
		assert_true(V.ser[0].y[t] == n);
		assert_true(V.ser[1].y[t] == p);
		p *= n;
		assert_true(V.ser[2].y[t] <= V.ser[1].y[t] * (1 + 1e-4));
	}
	assert_true(isnan(V.ser[0].y[0]) && V.ser[1].y[0] == p);
	assert_true(fabs(V.ser[2].y[T - 1] - 1) < 1e-12);
	view_lines_done(&V);
	o.sample = 1000;
	assert_int_not_equal(view_lines(s, VIEW_JACOBIAN, &o, &V, &e), 0);
	session_free(s);
}

/* The landscape: at alpha 0 the loss is a plain forward's on the batch;
 * along the normalised gradient the slope at 0 is the gradient's norm; the
 * weights and gradients are put back bit for bit; scale multiplies W_hh. */
static void test_landscape(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=16 n=80; model gru hidden=8; set log_every=0 val_every=0; train 3");
	const Cells *cl = learner_cells(s->lr);
	Model *m = cl->m;
	int nb = 16;
	DataBatch db;
	Err e;
	assert_int_equal(session_val_head(s, &nb, &db, &e), 0);
	const size_t np = m->nparam;
	float *w0 = malloc(np * sizeof *w0), *g0 = malloc(np * sizeof *g0), *d = malloc(np * sizeof *d);
	memcpy(w0, m->params, np * sizeof *w0);
	memcpy(g0, m->grads, np * sizeof *g0);
	Trace *tr = NULL;
	Rng rng;
	rng_seed(&rng, 5);
	double gn, a[3] = { -1e-3, 0, 1e-3 }, l[3], g[3];
	assert_int_equal(land_direction(m, &tr, &db.b, session_loss(s), LAND_GRAD, &rng, d, &gn, &e), 0);
	assert_int_equal(land_line(m, &tr, &db.b, session_loss(s), d, a, 3, l, g, &e), 0);
	assert_memory_equal(m->params, w0, np * sizeof *w0);
	assert_memory_equal(m->grads, g0, np * sizeof *g0);
	assert_int_equal(net_forward(m, tr, &db.b, session_loss(s), 0, 0, NULL, &e), 0);
	assert_true(l[1] == tr->loss && g[1] == gn);
	const double slope = (l[2] - l[0]) / 2e-3;
	if (fabs(slope - gn) > 2e-2 * gn)
		fail_msg("slope along the gradient %g, its norm %g", slope, gn);
	/* scale: alpha 1 is W_hh doubled, nothing else moved */
	assert_int_equal(land_direction(m, &tr, &db.b, session_loss(s), LAND_SCALE, &rng, d, &gn, &e), 0);
	const size_t off = (size_t)(m->p.layer[0].w_hh - m->params), nh = (size_t)m->gates * 8 * 8;
	for (size_t i = 0; i < np; i++)
		assert_true(d[i] == (i >= off && i < off + nh ? m->params[i] : 0));
	/* random: each row of W_hh as long as the weights' row */
	assert_int_equal(land_direction(m, &tr, &db.b, session_loss(s), LAND_RANDOM, &rng, d, &gn, &e), 0);
	for (int r = 0; r < m->gates * 8; r++) {
		double dn = 0, wn = 0;
		for (int c = 0; c < 8; c++) {
			dn += (double)d[off + (size_t)r * 8 + c] * d[off + (size_t)r * 8 + c];
			wn += (double)m->params[off + (size_t)r * 8 + c] * m->params[off + (size_t)r * 8 + c];
		}
		assert_true(fabs(sqrt(dn) - sqrt(wn)) < 1e-5 * sqrt(wn) + 1e-12);
	}
	trace_free(tr);
	data_batch_done(&db);
	free(w0);
	free(g0);
	free(d);
	session_free(s);
}

/* One update from here: plain SGD lands where a forward at w - lr g says,
 * the clipped step is lr * clip long when ||g|| > clip (and the plain one
 * otherwise); the plane's losses are forwards at w + a d1 + b d2; the
 * weights and gradients are put back bit for bit. */
static void test_landscape_steps(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=16 n=80; model rnn hidden=8 radius=2; set log_every=0 val_every=0; train 2");
	Model *m = learner_cells(s->lr)->m;
	int nb = 16;
	DataBatch db;
	Err e;
	assert_int_equal(session_val_head(s, &nb, &db, &e), 0);
	const size_t np = m->nparam;
	float *w0 = malloc(np * sizeof *w0), *g0 = malloc(np * sizeof *g0), *d = malloc(2 * np * sizeof *d);
	memcpy(w0, m->params, np * sizeof *w0);
	memcpy(g0, m->grads, np * sizeof *g0);
	Trace *tr = NULL;
	LandSteps st;
	const double lr = 0.05;
	assert_int_equal(land_steps(m, &tr, &db.b, session_loss(s), lr, 1e9, &st, &e), 0);	/* no clipping */
	assert_memory_equal(m->params, w0, np * sizeof *w0);
	assert_memory_equal(m->grads, g0, np * sizeof *g0);
	assert_true(st.clip_len == st.sgd_len && st.clip_loss == st.sgd_loss);
	/* the gradient and the landing, computed here */
	model_zero_grad(m);
	assert_int_equal(net_forward(m, tr, &db.b, session_loss(s), 0, 0, NULL, &e), 0);
	net_backward(m, tr, &db.b);
	const double loss0 = tr->loss, gn = grad_global_norm(m->grads, np);
	double wn = 0;
	for (size_t i = 0; i < np; i++) {
		wn += (double)w0[i] * w0[i];
		m->params[i] = (float)(w0[i] - lr * m->grads[i]);
	}
	assert_int_equal(net_forward(m, tr, &db.b, session_loss(s), 0, 0, NULL, &e), 0);
	assert_true(st.loss0 == loss0 && st.gnorm == gn && st.sgd_loss == tr->loss);
	assert_true(fabs(st.sgd_len - lr * gn) < 1e-12 * gn && fabs(st.wnorm - sqrt(wn)) < 1e-6 * sqrt(wn));
	/* clipped below the norm: a step of lr * clip along -g */
	memcpy(m->params, w0, np * sizeof *w0);
	const double clip = gn / 4;
	assert_int_equal(land_steps(m, &tr, &db.b, session_loss(s), lr, clip, &st, &e), 0);
	assert_true(fabs(st.clip_len - lr * clip) < 1e-12 * clip && st.sgd_len > 3.9 * st.clip_len);
	model_zero_grad(m);
	assert_int_equal(net_forward(m, tr, &db.b, session_loss(s), 0, 0, NULL, &e), 0);
	net_backward(m, tr, &db.b);
	for (size_t i = 0; i < np; i++)
		m->params[i] = (float)(w0[i] - lr * (clip / gn) * m->grads[i]);
	assert_int_equal(net_forward(m, tr, &db.b, session_loss(s), 0, 0, NULL, &e), 0);
	if (fabs(st.clip_loss - tr->loss) > 1e-9 * tr->loss)
		fail_msg("clipped step lands at %g, a forward there says %g", st.clip_loss, tr->loss);
	memcpy(m->params, w0, np * sizeof *w0);
	memcpy(m->grads, g0, np * sizeof *g0);
	/* the plane: forwards at w + a d1 + b d2 */
	Rng rng;
	rng_seed(&rng, 9);
	double g1, a[2] = { -0.3, 0.2 }, b[3] = { -0.1, 0, 0.4 }, pl[6];
	assert_int_equal(land_direction(m, &tr, &db.b, session_loss(s), LAND_GRAD, &rng, d, &g1, &e), 0);
	assert_int_equal(land_direction(m, &tr, &db.b, session_loss(s), LAND_RANDOM, &rng, d + np, &g1, &e), 0);
	assert_int_equal(land_plane(m, &tr, &db.b, session_loss(s), d, d + np, a, 2, b, 3, pl, &e), 0);
	assert_memory_equal(m->params, w0, np * sizeof *w0);
	assert_memory_equal(m->grads, g0, np * sizeof *g0);
	for (int j = 0; j < 3; j++)
		for (int i = 0; i < 2; i++) {
			for (size_t k = 0; k < np; k++)
				m->params[k] = (float)(w0[k] + a[i] * d[k] + b[j] * d[np + k]);
			assert_int_equal(net_forward(m, tr, &db.b, session_loss(s), 0, 0, NULL, &e), 0);
			assert_true(pl[j * 2 + i] == tr->loss);
		}
	memcpy(m->params, w0, np * sizeof *w0);
	trace_free(tr);
	data_batch_done(&db);
	free(w0);
	free(g0);
	free(d);
	session_free(s);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_finite_differences),
		cmocka_unit_test(test_product_bounds_the_gradient),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_landscape),
		cmocka_unit_test(test_landscape_steps),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
