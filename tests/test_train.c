/* test_train.c — the training step: the non-finite guard, clipping by norm
 * and by value, truncated BPTT against windows computed by hand, and
 * determinism (same seed, same bytes); the bounded training history. */
#include "testutil.h"

#include "history.h"
#include "train.h"
#include "probe.h"
#include "stepwatch.h"

typedef struct Setup {
	Model *m;
	float *x, *y;
	Batch b;
} Setup;

static void setup(Setup *s, CellKind cell, int T, int B, int in, int H, int out, float dropout,
		  int layers, uint64_t seed)
{
	ModelConfig c;
	model_config_default(&c);
	c.cell = cell;
	c.in = in;
	c.hidden = H;
	c.out = out;
	c.layers = layers;
	c.dropout = dropout;
	Rng r;
	rng_seed(&r, seed);
	Err e;
	s->m = model_new(&c, &r, &e);
	assert_non_null(s->m);
	s->x = malloc((size_t)T * B * in * sizeof(float));
	s->y = malloc((size_t)T * B * out * sizeof(float));
	for (int i = 0; i < T * B * in; i++)
		s->x[i] = rng_range(&r, -1, 1);
	for (int i = 0; i < T * B * out; i++)
		s->y[i] = rng_range(&r, -1, 1);
	Batch b = { .T = T, .B = B, .x = s->x, .y = s->y, .y_per_step = 1 };
	s->b = b;
}

static void teardown(Setup *s)
{
	model_free(s->m);
	free(s->x);
	free(s->y);
}

static TrainConfig sgd(float lr)
{
	TrainConfig c;
	train_config_default(&c);
	optim_config_default(&c.optim, OPTIM_SGD);
	c.optim.lr = lr;
	return c;
}

static void test_nonfinite_loss_not_applied(void **state)
{
	(void)state;
	Setup s;
	setup(&s, CELL_LSTM, 3, 2, 2, 4, 1, 0, 1, 5);
	TrainConfig tc = sgd(0.1f);
	Trainer t;
	Err e;
	assert_int_equal(trainer_init(&t, s.m, &tc, 1, &e), 0);
	StepStats st;
	assert_int_equal(train_step(&t, &s.b, &st, &e), 0);
	assert_int_equal(st.step, 1);
	float *before = malloc(s.m->nparam * sizeof(float));
	memcpy(before, s.m->params, s.m->nparam * sizeof(float));
	s.x[3] = INFINITY;
	assert_int_equal(train_step(&t, &s.b, &st, &e), ERR_NUMERIC);
	assert_non_null(strstr(e.msg, "step 2"));
	assert_non_null(strstr(e.msg, "nothing applied"));
	assert_memory_equal(before, s.m->params, s.m->nparam * sizeof(float));
	assert_int_equal(t.step, 1);
	free(before);
	trainer_done(&t);
	teardown(&s);
}

/* A finite loss (in double) with a gradient that overflows float32. */
static void test_nonfinite_gradient_not_applied(void **state)
{
	(void)state;
	Setup s;
	setup(&s, CELL_RNN, 1, 1, 1, 2, 1, 0, 1, 5);
	s.y[0] = 3e38f;
	TrainConfig tc = sgd(0.1f);
	Trainer t;
	Err e;
	assert_int_equal(trainer_init(&t, s.m, &tc, 1, &e), 0);
	float *before = malloc(s.m->nparam * sizeof(float));
	memcpy(before, s.m->params, s.m->nparam * sizeof(float));
	StepStats st;
	assert_int_equal(train_step(&t, &s.b, &st, &e), ERR_NUMERIC);
	assert_true(isfinite(st.loss));
	assert_non_null(strstr(e.msg, "step 1: the gradient is not finite"));
	assert_true(strstr(e.msg, "gradient norm inf") || strstr(e.msg, "gradient norm nan"));
	assert_memory_equal(before, s.m->params, s.m->nparam * sizeof(float));
	free(before);
	trainer_done(&t);
	teardown(&s);
}

/* The raw gradient of the current weights, computed directly. */
static float *raw_grad(Model *m, const Batch *b)
{
	Err e;
	Trace *tr = trace_new(m, b->T, b->B, &e);
	model_zero_grad(m);
	assert_int_equal(net_forward(m, tr, b, LOSS_MSE, 0, 0, NULL, &e), 0);
	net_backward(m, tr, b);
	float *g = malloc(m->nparam * sizeof(float));
	memcpy(g, m->grads, m->nparam * sizeof(float));
	trace_free(tr);
	return g;
}

static void test_clip_norm(void **state)
{
	(void)state;
	Setup s;
	setup(&s, CELL_GRU, 5, 3, 3, 6, 2, 0, 1, 9);
	for (int i = 0; i < 5 * 3 * 2; i++)
		s.y[i] *= 50;	/* a big gradient */
	float *g = raw_grad(s.m, &s.b);
	double norm = grad_global_norm(g, s.m->nparam);
	assert_true(norm > 1.0);
	float *p0 = malloc(s.m->nparam * sizeof(float));
	memcpy(p0, s.m->params, s.m->nparam * sizeof(float));
	TrainConfig tc = sgd(0.5f);
	tc.clip_norm = 1.0f;
	Trainer t;
	Err e;
	assert_int_equal(trainer_init(&t, s.m, &tc, 1, &e), 0);
	StepStats st;
	assert_int_equal(train_step(&t, &s.b, &st, &e), 0);
	assert_float_equal(st.grad_norm, norm, 1e-6 * norm);
	assert_float_equal(st.grad_norm_clipped, 1.0, 1e-5);
	double scale = 1.0 / (norm + 1e-6);
	for (size_t i = 0; i < s.m->nparam; i++)
		assert_float_equal(s.m->params[i], p0[i] - 0.5 * g[i] * scale, 1e-6);
	free(g);
	free(p0);
	trainer_done(&t);
	teardown(&s);
}

/* Clipping by norm only ever shrinks: with the threshold above the norm,
 * or exactly at it, the update is the plain one, bit for bit (a clip that
 * scaled every gradient to the threshold would scale these up); below it,
 * the gradient is scaled to the threshold. */
static void test_clip_norm_no_op(void **state)
{
	(void)state;
	enum { N = 4 };
	const float g0[N] = { 1.5f, -1.0f, 0.5f, 1.25f };	/* norm sqrt(5.0625) = 2.25 */
	const double norm = 2.25;
	const float clips[3] = { 100.0f, (float)norm, 1.0f };
	for (int k = 0; k < 3; k++) {
		TrainConfig tc = sgd(1.0f);
		tc.clip_norm = clips[k];
		Optim o;
		Err e;
		assert_int_equal(optim_init(&o, &tc.optim, N, &e), 0);
		float p[N] = { 0 }, g[N];
		memcpy(g, g0, sizeof g);
		long step = 0;
		StepStats st;
		memset(&st, 0, sizeof st);
		assert_int_equal(train_apply(&tc, &o, &step, p, g, N, 1.0, NULL, &st, &e), 0);
		const int shrinks = norm > clips[k];
		for (int i = 0; i < N; i++) {
			const float want = shrinks ? -(float)(g0[i] * (float)(clips[k] / (norm + 1e-6))) : -g0[i];
			if (fabsf(p[i] - want) > (shrinks ? 1e-6f : 0.0f))
				fail_msg("clip %g: p[%d] %g, want %g", clips[k], i, p[i], want);
		}
		assert_true(shrinks ? fabs(st.grad_norm_clipped - clips[k]) < 1e-5 : st.grad_norm_clipped == st.grad_norm);
		optim_done(&o);
	}
}

/* The guard's loss branch on its own: a non-finite loss with a finite
 * gradient refuses the step, saying it was the loss; a finite loss with a
 * non-finite gradient says it was the gradient. */
static void test_guard_names_the_loss(void **state)
{
	(void)state;
	enum { N = 3 };
	TrainConfig tc = sgd(0.1f);
	Optim o;
	Err e;
	assert_int_equal(optim_init(&o, &tc.optim, N, &e), 0);
	float p[N] = { 1, 2, 3 }, g[N] = { 0.5f, 0.5f, 0.5f };
	long step = 0;
	StepStats st;
	const double losses[2] = { INFINITY, NAN };
	for (int k = 0; k < 2; k++) {
		assert_int_equal(train_apply(&tc, &o, &step, p, g, N, losses[k], NULL, &st, &e), ERR_NUMERIC);
		assert_non_null(strstr(e.msg, "the loss is not finite"));
	}
	g[1] = NAN;
	assert_int_equal(train_apply(&tc, &o, &step, p, g, N, 1.0, NULL, &st, &e), ERR_NUMERIC);
	assert_non_null(strstr(e.msg, "the gradient is not finite"));
	assert_true(p[0] == 1 && p[1] == 2 && p[2] == 3 && step == 0);
	optim_done(&o);
}

/* Saturation counts each gate by its own nonlinearity (sigmoid: below
 * 0.05 or above 0.95; tanh: beyond +-0.95).  Hand-built weights (W = 0, the
 * biases chosen): lstm i = f = 0.5, g = tanh(10) ~ 1, o = sigmoid(-10) ~ 0:
 * g and o saturated, 2 of 4 (o read as a tanh would make it 1 of 4); gru
 * r = sigmoid(-10), z = 0.5, n = tanh(0) = 0: 1 of 3 (n read as a sigmoid
 * would make it 2 of 3); a relu rnn, dead units. */
/* A forward and backward pass on s's batch: the probe's saturated fraction
 * is want at every step. */
static void check_saturated(Setup *s, double want, const char *what)
{
	Err e;
	Trace *tr = trace_new(s->m, s->b.T, s->b.B, &e);
	assert_int_equal(net_forward(s->m, tr, &s->b, LOSS_MSE, 0, 0, NULL, &e), 0);
	net_backward(s->m, tr, &s->b);
	Probe p;
	probe_init(&p);
	assert_int_equal(probe_update(&p, s->m, tr, &e), 0);
	for (int t = 0; t < p.T; t++)
		if (fabs(p.sat[t] - want) > 1e-6)
			fail_msg("%s t=%d: saturated %g, want %g", what, t + 1, p.sat[t], want);
	probe_done(&p);
	trace_free(tr);
}

static void test_saturation_per_gate(void **state)
{
	(void)state;
	static const struct { CellKind cell; float bias[4]; double want; } cases[] = {
		{ CELL_LSTM, { 0, 0, 10, -10 }, 0.5 },
		{ CELL_GRU, { -10, 0, 0, 0 }, 1.0 / 3 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		Setup s;
		setup(&s, cases[k].cell, 4, 2, 3, 1, 1, 0, 1, 3);
		const LayerView *v = &s.m->p.layer[0];
		const int G = s.m->gates;
		memset(v->w_ih, 0, (size_t)G * 3 * sizeof(float));
		memset(v->w_hh, 0, (size_t)G * sizeof(float));
		for (int g = 0; g < G; g++) {
			v->b_ih[g] = cases[k].bias[g];
			v->b_hh[g] = 0;
		}
		check_saturated(&s, cases[k].want, cell_names[cases[k].cell]);
		teardown(&s);
	}
	/* a relu rnn counts dead units (h <= 0): biases -1, 0, 2, -0.5 with W = 0
	 * give h = 0, 0, 2, 0 at every step, 3 of 4 dead (exactly 0 is dead) */
	Setup s;
	setup(&s, CELL_RNN, 4, 2, 3, 4, 1, 0, 1, 3);
	s.m->cfg.act = ACT_RELU;
	const LayerView *v = &s.m->p.layer[0];
	memset(v->w_ih, 0, 4 * 3 * sizeof(float));
	memset(v->w_hh, 0, 4 * 4 * sizeof(float));
	const float bias[4] = { -1, 0, 2, -0.5f };
	for (int j = 0; j < 4; j++)
		v->b_ih[j] = bias[j], v->b_hh[j] = 0;
	check_saturated(&s, 0.75, "relu rnn");
	teardown(&s);
}

static void test_clip_value(void **state)
{
	(void)state;
	Setup s;
	setup(&s, CELL_LSTM, 4, 2, 2, 3, 2, 0, 1, 11);
	for (int i = 0; i < 4 * 2 * 2; i++)
		s.y[i] *= 20;
	float *g = raw_grad(s.m, &s.b);
	float *p0 = malloc(s.m->nparam * sizeof(float));
	memcpy(p0, s.m->params, s.m->nparam * sizeof(float));
	TrainConfig tc = sgd(1.0f);
	tc.clip_value = 0.05f;
	Trainer t;
	Err e;
	assert_int_equal(trainer_init(&t, s.m, &tc, 1, &e), 0);
	StepStats st;
	assert_int_equal(train_step(&t, &s.b, &st, &e), 0);
	int clipped = 0;
	for (size_t i = 0; i < s.m->nparam; i++) {
		float gi = fminf(fmaxf(g[i], -0.05f), 0.05f);
		clipped += gi != g[i];
		assert_float_equal(s.m->params[i], p0[i] - gi, 1e-6);
	}
	assert_true(clipped > 0);
	free(g);
	free(p0);
	trainer_done(&t);
	teardown(&s);
}

/* tbptt k1=2, k2=3 over T=6 by hand: windows [0,2) [1,4) [3,6), scoring
 * [0,2) [2,4) [4,6), each window starting from the state recorded when
 * its first step was visited, one SGD update per window. */
static void test_tbptt_windows(void **state)
{
	(void)state;
	const int T = 6, B = 2, I = 2, H = 3, O = 2;
	for (int cell = 0; cell < CELL_COUNT; cell++) {
		Setup a, b;
		setup(&a, (CellKind)cell, T, B, I, H, O, 0, 2, 21);
		setup(&b, (CellKind)cell, T, B, I, H, O, 0, 2, 21);
		const float lr = 0.3f;
		TrainConfig tc = sgd(lr);
		tc.tbptt_k1 = 2;
		tc.tbptt_k2 = 3;
		Trainer t;
		Err e;
		assert_int_equal(trainer_init(&t, a.m, &tc, 1, &e), 0);
		StepStats st;
		assert_int_equal(train_step(&t, &a.b, &st, &e), 0);
		assert_int_equal(st.updates, 3);

		/* by hand on model b */
		Model *m = b.m;
		Trace *tr = trace_new(m, 3, B, &e);
		const size_t LBH = 2 * (size_t)B * H;
		float h[2 * 2 * 3], c[2 * 2 * 3];
		const int ws[3] = { 0, 1, 3 }, we[3] = { 2, 4, 6 }, sc[3] = { 0, 2, 4 };
		double loss_sum = 0;
		for (int w = 0; w < 3; w++) {
			Batch wb = b.b;
			wb.T = we[w] - ws[w];
			wb.x = b.x + (size_t)ws[w] * B * I;
			wb.y = b.y + (size_t)ws[w] * B * O;
			wb.h0 = w ? h : NULL;
			wb.c0 = w && cell == CELL_LSTM ? c : NULL;
			model_zero_grad(m);
			assert_int_equal(net_forward(m, tr, &wb, LOSS_MSE, sc[w] - ws[w], 1, NULL, &e), 0);
			net_backward(m, tr, &wb);
			loss_sum += tr->loss;
			for (size_t i = 0; i < m->nparam; i++)
				m->params[i] -= lr * m->grads[i];
			if (w < 2) {	/* the state at the next window's start */
				int rel = ws[w + 1] - ws[w];
				for (int k = 0; k < 2; k++) {
					memcpy(h + k * B * H, tr->lt[k].h + (size_t)rel * B * H, (size_t)B * H * sizeof(float));
					if (cell == CELL_LSTM)
						memcpy(c + k * B * H, tr->lt[k].c + (size_t)rel * B * H, (size_t)B * H * sizeof(float));
				}
			}
		}
		(void)LBH;
		assert_float_equal(st.loss, loss_sum / 3, 1e-9);	/* equal-sized windows */
		assert_memory_equal(a.m->params, b.m->params, a.m->nparam * sizeof(float));
		trace_free(tr);
		trainer_done(&t);
		teardown(&a);
		teardown(&b);
	}
}

/* A one-layer tanh rnn with a head, in double, on parameters th (the
 * model's layout): the mse of the last step's output against the
 * per-sequence target y [B, O], run over steps [from, T) from state h0
 * [B, H]; the state at step `at` goes to h_at when not NULL. */
static double rnn_last_mse(const Model *m, const double *th, const Batch *b, int from, const double *h0,
			   int at, double *h_at)
{
	const int H = m->cfg.hidden, I = m->cfg.in, O = m->cfg.out, B = b->B, T = b->T;
	const double *wih = th + (m->p.layer[0].w_ih - m->params), *whh = th + (m->p.layer[0].w_hh - m->params);
	const double *bih = th + (m->p.layer[0].b_ih - m->params), *bhh = th + (m->p.layer[0].b_hh - m->params);
	const double *hw = th + (m->p.head_w - m->params), *hb = th + (m->p.head_b - m->params);
	double loss = 0;
	for (int j = 0; j < B; j++) {
		double h[8], nh[8];
		memcpy(h, h0 + (size_t)j * H, (size_t)H * sizeof *h);
		for (int t = from; t < T; t++) {
			if (t == at && h_at)
				memcpy(h_at + (size_t)j * H, h, (size_t)H * sizeof *h);
			for (int u = 0; u < H; u++) {
				double a = bih[u] + bhh[u];
				for (int i = 0; i < I; i++)
					a += wih[u * I + i] * b->x[((size_t)t * B + j) * I + i];
				for (int v = 0; v < H; v++)
					a += whh[u * H + v] * h[v];
				nh[u] = tanh(a);
			}
			memcpy(h, nh, sizeof h);
		}
		for (int o = 0; o < O; o++) {
			double y = hb[o];
			for (int u = 0; u < H; u++)
				y += hw[o * H + u] * h[u];
			loss += (y - b->y[j * O + o]) * (y - b->y[j * O + o]);
		}
	}
	return loss / (B * O);
}

/* tbptt k1=4 over T=6 with a per-sequence target: the window [0, 4) holds
 * no scored step and updates nothing; the window [2, 6) starts from the
 * state at step 2 (detached) and scores the last step only.  The loss is
 * the mse of that step, and the one SGD update is the gradient of the
 * window's loss with h_2 held, both computed here in double (the gradient
 * by central differences); full BPTT's gradient is not it. */
static void test_tbptt_per_sequence_target(void **state)
{
	(void)state;
	const int T = 6, B = 2, H = 3;
	Setup s;
	setup(&s, CELL_RNN, T, B, 2, H, 1, 0, 1, 4);
	s.b.y_per_step = 0;	/* y[0..B) is the target of the last step */
	Model *m = s.m;
	const size_t n = m->nparam;
	double *th = malloc(n * sizeof *th), *before = malloc(n * sizeof *before);
	for (size_t i = 0; i < n; i++)
		th[i] = before[i] = m->params[i];
	double zero[2 * 3] = { 0 }, h2[2 * 3];
	const double want_loss = rnn_last_mse(m, th, &s.b, 0, zero, 2, h2);
	const float lr = 0.1f;
	TrainConfig tc = sgd(lr);
	tc.tbptt_k1 = 4;
	Trainer t;
	Err e;
	assert_int_equal(trainer_init(&t, m, &tc, 1, &e), 0);
	StepStats st;
	assert_int_equal(train_step(&t, &s.b, &st, &e), 0);
	assert_int_equal(st.updates, 1);	/* only the window holding the last step */
	assert_int_equal(t.step, 1);
	if (fabs(st.loss - want_loss) > 1e-6 * want_loss)
		fail_msg("loss %.9g, the last step's mse is %.9g", st.loss, want_loss);
	/* the update: -lr times the gradient of the window [2, 6) from h_2 held */
	double full_gap = 0;
	for (size_t i = 0; i < n; i++) {
		const double eps = 1e-5;
		th[i] = before[i] + eps;
		double lp = rnn_last_mse(m, th, &s.b, 2, h2, -1, NULL), fp = rnn_last_mse(m, th, &s.b, 0, zero, -1, NULL);
		th[i] = before[i] - eps;
		double lm = rnn_last_mse(m, th, &s.b, 2, h2, -1, NULL), fm = rnn_last_mse(m, th, &s.b, 0, zero, -1, NULL);
		th[i] = before[i];
		const double g = (lp - lm) / (2 * eps), gfull = (fp - fm) / (2 * eps);
		const double step = before[i] - m->params[i];
		full_gap = fmax(full_gap, fabs(lr * (g - gfull)));
		if (fabs(step - lr * g) > 1e-6 + 1e-4 * fabs(lr * g))
			fail_msg("param %zu moved by %.9g, -lr * the window's gradient is %.9g (full BPTT's %.9g)", i, -step,
				 -lr * g, -lr * gfull);
	}
	assert_true(full_gap > 1e-4);	/* truncation changed the gradient: the check above tells them apart */
	free(th);
	free(before);
	trainer_done(&t);
	teardown(&s);
}

static void test_determinism(void **state)
{
	(void)state;
	Setup a, b;
	setup(&a, CELL_LSTM, 8, 4, 3, 8, 2, 0.3f, 2, 33);
	setup(&b, CELL_LSTM, 8, 4, 3, 8, 2, 0.3f, 2, 33);
	assert_memory_equal(a.m->params, b.m->params, a.m->nparam * sizeof(float));
	TrainConfig tc;
	train_config_default(&tc);
	tc.clip_norm = 1.0f;
	Trainer ta, tb;
	Err e;
	assert_int_equal(trainer_init(&ta, a.m, &tc, 99, &e), 0);
	assert_int_equal(trainer_init(&tb, b.m, &tc, 99, &e), 0);
	StepStats st;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(train_step(&ta, &a.b, &st, &e), 0);
		assert_int_equal(train_step(&tb, &b.b, &st, &e), 0);
	}
	assert_memory_equal(a.m->params, b.m->params, a.m->nparam * sizeof(float));
	assert_memory_equal(ta.opt.m, tb.opt.m, a.m->nparam * sizeof(float));
	/* a different dropout seed gives different weights */
	trainer_done(&tb);
	teardown(&b);
	setup(&b, CELL_LSTM, 8, 4, 3, 8, 2, 0.3f, 2, 33);
	assert_int_equal(trainer_init(&tb, b.m, &tc, 100, &e), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(train_step(&tb, &b.b, &st, &e), 0);
	assert_true(memcmp(a.m->params, b.m->params, a.m->nparam * sizeof(float)) != 0);
	trainer_done(&ta);
	trainer_done(&tb);
	teardown(&a);
	teardown(&b);
}

/* Training actually learns: a GRU fits a small fixed batch. */
static void test_loss_decreases(void **state)
{
	(void)state;
	Setup s;
	setup(&s, CELL_GRU, 10, 8, 2, 16, 1, 0, 1, 2);
	for (int i = 0; i < 10 * 8; i++)	/* target: running sum of input 0 */
		s.y[i] = 0.3f * s.x[i * 2] + (i >= 8 ? 0.5f * s.y[i - 8] : 0);
	TrainConfig tc;
	train_config_default(&tc);
	tc.optim.lr = 1e-2f;
	Trainer t;
	Err e;
	assert_int_equal(trainer_init(&t, s.m, &tc, 1, &e), 0);
	StepStats st;
	assert_int_equal(train_step(&t, &s.b, &st, &e), 0);
	double first = st.loss;
	for (int i = 0; i < 300; i++)
		assert_int_equal(train_step(&t, &s.b, &st, &e), 0);
	assert_true(st.loss < 0.05 * first);
	trainer_done(&t);
	teardown(&s);
}

/* Two worker threads split the batch: the update equals the single-thread
 * one up to float summation order, and repeats bit for bit. */
static void test_threads(void **state)
{
	(void)state;
	for (int cell = 0; cell < CELL_COUNT; cell++) {
		Setup a, b, c;
		setup(&a, (CellKind)cell, 7, 9, 3, 6, 2, 0, 2, 44);
		setup(&b, (CellKind)cell, 7, 9, 3, 6, 2, 0, 2, 44);
		setup(&c, (CellKind)cell, 7, 9, 3, 6, 2, 0, 2, 44);
		TrainConfig one = sgd(0.5f), two = sgd(0.5f);
		two.threads = 2;
		Trainer ta, tb, tc;
		Err e;
		assert_int_equal(trainer_init(&ta, a.m, &one, 1, &e), 0);
		assert_int_equal(trainer_init(&tb, b.m, &two, 1, &e), 0);
		assert_int_equal(trainer_init(&tc, c.m, &two, 1, &e), 0);
		StepStats sa, sb, sc;
		for (int i = 0; i < 3; i++) {
			assert_int_equal(train_step(&ta, &a.b, &sa, &e), 0);
			assert_int_equal(train_step(&tb, &b.b, &sb, &e), 0);
			assert_int_equal(train_step(&tc, &c.b, &sc, &e), 0);
		}
		assert_float_equal(sa.loss, sb.loss, 1e-6 * fabs(sa.loss));
		assert_float_equal(sa.grad_norm, sb.grad_norm, 1e-5 * sa.grad_norm);
		for (size_t i = 0; i < a.m->nparam; i++)
			assert_float_equal(a.m->params[i], b.m->params[i], 1e-5);
		assert_memory_equal(b.m->params, c.m->params, b.m->nparam * sizeof(float));
		/* the probes cover the whole batch: same flow as one thread */
		for (int t = 0; t < 7; t++)
			assert_float_equal(ta.probe.dh_norm[t], tb.probe.dh_norm[t], 1e-5 * ta.probe.dh_norm[t] + 1e-12);
		trainer_done(&ta);
		trainer_done(&tb);
		trainer_done(&tc);
		teardown(&a);
		teardown(&b);
		teardown(&c);
	}
}

/* Checkpointed BPTT gives the full-BPTT gradient (K = 3 over T = 8, with
 * h0/c0 and per-step and per-sequence targets). */
static void test_checkpoint_bptt(void **state)
{
	(void)state;
	for (int cell = 0; cell < CELL_COUNT; cell++)
		for (int per_step = 0; per_step <= 1; per_step++) {
			Setup a, b;
			setup(&a, (CellKind)cell, 8, 3, 2, 5, 2, 0, 2, 55);
			setup(&b, (CellKind)cell, 8, 3, 2, 5, 2, 0, 2, 55);
			a.b.y_per_step = b.b.y_per_step = per_step;
			float h0[2 * 3 * 5], c0[2 * 3 * 5];
			for (int i = 0; i < 30; i++) {
				h0[i] = 0.1f * (float)(i % 7) - 0.3f;
				c0[i] = 0.05f * (float)(i % 5);
			}
			a.b.h0 = b.b.h0 = h0;
			if (cell == CELL_LSTM)
				a.b.c0 = b.b.c0 = c0;
			TrainConfig full = sgd(0.3f), ck = sgd(0.3f);
			ck.checkpoint = 1;
			ck.checkpoint_k = 3;
			Trainer ta, tb;
			Err e;
			assert_int_equal(trainer_init(&ta, a.m, &full, 1, &e), 0);
			assert_int_equal(trainer_init(&tb, b.m, &ck, 1, &e), 0);
			StepStats sa, sb;
			for (int i = 0; i < 2; i++) {
				assert_int_equal(train_step(&ta, &a.b, &sa, &e), 0);
				assert_int_equal(train_step(&tb, &b.b, &sb, &e), 0);
			}
			assert_float_equal(sa.loss, sb.loss, 1e-6 * fabs(sa.loss));
			assert_float_equal(sa.grad_norm, sb.grad_norm, 1e-5 * sa.grad_norm);
			for (size_t i = 0; i < a.m->nparam; i++)
				assert_float_equal(a.m->params[i], b.m->params[i], 1e-6);
			assert_int_equal(tb.probe.T, 8);
			for (int t = 0; t < 8; t++)
				assert_float_equal(ta.probe.dh_norm[t], tb.probe.dh_norm[t], 1e-5 * ta.probe.dh_norm[t] + 1e-12);
			assert_true(tb.tr->Tcap <= 3);	/* activations for one segment only */
			trainer_done(&ta);
			trainer_done(&tb);
			teardown(&a);
			teardown(&b);
		}
}

static void test_config_check(void **state)
{
	(void)state;
	Setup s;
	setup(&s, CELL_RNN, 2, 1, 1, 2, 1, 0, 1, 1);
	TrainConfig tc = sgd(0.1f);
	Err e;
	tc.tbptt_k1 = 5;
	tc.tbptt_k2 = 3;
	assert_int_equal(train_config_check(&tc, s.m, &e), ERR_INVAL);
	assert_string_equal(e.msg, "tbptt: k2 (3) must be at least k1 (5)");
	tc.tbptt_k2 = 0;
	tc.clip_norm = -1;
	assert_int_equal(train_config_check(&tc, s.m, &e), ERR_INVAL);
	teardown(&s);
}

/* A step's row for the history tests: val every 100 steps with its one
 * minimum at step 31,400; the gradient norm peaks once, at step 77,777. */
static void hist_row(long step, double *row)
{
	row[HIST_STEP] = (double)step;
	row[HIST_LOSS] = 1.0 / (double)step;
	row[HIST_VAL] = step % 100 == 0 ? 0.5 + fabs((double)step - 31400.0) / 1e5 : NAN;
	row[HIST_GRAD] = step == 77777 ? 1e6 : 1.0 + (double)(step % 7);
	row[HIST_GRAD_CLIPPED] = 1.0;
	row[HIST_LR] = 1e-3;
	row[HIST_TOKS] = 1e5;
}

static void test_history_keeps_every_step_below_the_limit(void **state)
{
	(void)state;
	History h;
	history_init(&h);
	h.limit = 64;
	Err e;
	double row[HIST_COLS];
	for (long t = 1; t <= 64; t++) {
		hist_row(t, row);
		assert_int_equal(history_push(&h, row, &e), 0);
	}
	assert_int_equal(h.n, 64);
	for (size_t i = 0; i < h.n; i++)
		assert_true(h.col[HIST_STEP][i] == (double)(i + 1));
	history_done(&h);
}

static void test_history_bounded(void **state)
{
	(void)state;
	History h;
	history_init(&h);
	h.limit = 64;
	Err e;
	double row[HIST_COLS], best = NAN, worst = NAN;
	const long steps = 100000;
	for (long t = 1; t <= steps; t++) {
		hist_row(t, row);
		if (!isnan(row[HIST_VAL]) && !(row[HIST_VAL] >= best))
			best = row[HIST_VAL];
		if (!(row[HIST_GRAD] <= worst))
			worst = row[HIST_GRAD];
		assert_int_equal(history_push(&h, row, &e), 0);
		assert_true(h.n <= 64);
		assert_true(h.col[HIST_STEP][h.n - 1] == (double)t);	/* the newest step is there */
	}
	assert_true(h.gap > 1);
	assert_true(h.col[HIST_STEP][0] == 1.0);
	/* steps increase; every gap of the run has a row; the extremes stayed */
	int found_best = 0, found_worst = 0;
	long long covered = -1;
	for (size_t i = 0; i < h.n; i++) {
		if (i)
			assert_true(h.col[HIST_STEP][i] > h.col[HIST_STEP][i - 1]);
		long long b = (long long)(h.col[HIST_STEP][i] / (double)h.gap);
		assert_true(b <= covered + 1);
		covered = b > covered ? b : covered;
		found_best |= h.col[HIST_VAL][i] == best;
		found_worst |= h.col[HIST_GRAD][i] == worst;
	}
	assert_true(covered == steps / h.gap);
	assert_true(found_best && found_worst);
	assert_true(h.best_val == best && h.max_grad == worst);
	assert_true(h.best_val == 0.5 && h.max_grad == 1e6);
	/* thinned, not starved: at least a third of the limit is left */
	assert_true(h.n >= 64 / 3);

	/* rewind to step 50,000: later rows go, the extremes are those left */
	history_truncate(&h, 50000.0);
	assert_true(h.col[HIST_STEP][h.n - 1] <= 50000.0);
	assert_true(h.best_val == 0.5);
	assert_true(h.max_grad < 1e6);
	for (long t = 50001; t <= 50100; t++) {
		hist_row(t, row);
		assert_int_equal(history_push(&h, row, &e), 0);
	}
	assert_true(h.col[HIST_STEP][h.n - 1] == 50100.0 && h.n <= 64);
	history_done(&h);
}

/* A watcher that stops the step where it is told, and counts its calls. */
typedef struct Stopper {
	int backward, t;	/* where to stop; backward -1: never */
	int calls, seen_backward, last_t;
} Stopper;

static int stop_at(void *ctx, const StepWhere *w)
{
	Stopper *s = ctx;
	s->calls++;
	s->seen_backward |= w->backward;
	s->last_t = w->t;
	return w->backward == s->backward && w->t == s->t;
}

/* A step stopped from inside (stepwatch.h), in the forward or the backward
 * sweep, on one thread, two, checkpointed and truncated: ERR_STOPPED, the
 * weights, the optimizer and the step count as before it; the next step
 * lands where a step never stopped lands, bit for bit; an evaluation pass
 * after it is never stopped. */
static void test_stopped_inside(void **state)
{
	(void)state;
	for (int mode = 0; mode < 4; mode++)
		for (int where = 0; where < 2; where++) {
			Setup a, b;
			setup(&a, CELL_LSTM, 12, 8, 3, 5, 2, 0, 2, 71);
			setup(&b, CELL_LSTM, 12, 8, 3, 5, 2, 0, 2, 71);
			TrainConfig c = sgd(0.3f);
			optim_config_default(&c.optim, OPTIM_ADAM);
			c.optim.lr = 0.01f;
			c.threads = mode == 1 ? 2 : 1;
			c.checkpoint = mode == 2;
			c.tbptt_k1 = mode == 3 ? 4 : 0;
			Trainer ta, tb;
			Err e;
			assert_int_equal(trainer_init(&ta, a.m, &c, 1, &e), 0);
			assert_int_equal(trainer_init(&tb, b.m, &c, 1, &e), 0);
			StepStats st;
			assert_int_equal(train_step(&ta, &a.b, &st, &e), 0);
			assert_int_equal(train_step(&tb, &b.b, &st, &e), 0);
			float *w = malloc(a.m->nparam * sizeof *w), *m1 = malloc(a.m->nparam * sizeof *m1);
			memcpy(w, a.m->params, a.m->nparam * sizeof *w);
			memcpy(m1, ta.opt.m, a.m->nparam * sizeof *m1);
			const long step0 = ta.step;	/* tbptt: 3 updates a batch */
			Stopper s = { where, where ? 1 : 2, 0, 0, -1 };
			stepwatch_set(stop_at, &s, 0);
			int rc = train_step(&ta, &a.b, &st, &e);
			stepwatch_set(NULL, NULL, 0);
			if (rc != ERR_STOPPED)
				fail_msg("mode %d, %s: got %d (%s), not ERR_STOPPED", mode, where ? "backward" : "forward", rc,
					 e.msg);
			assert_non_null(strstr(e.msg, "stopped inside it; nothing of it applied"));
			assert_true(s.seen_backward == where && s.last_t == s.t);
			assert_memory_equal(a.m->params, w, a.m->nparam * sizeof *w);
			assert_memory_equal(ta.opt.m, m1, a.m->nparam * sizeof *m1);
			assert_int_equal(ta.step, step0);
			assert_int_equal(ta.probe.T, 0);	/* no half-written step to show */
			/* stopped is over: an evaluation pass runs whole, the next step too */
			double l1, l2;
			assert_int_equal(train_eval(&ta, &a.b, &l1, &e), 0);
			assert_int_equal(train_eval(&tb, &b.b, &l2, &e), 0);
			assert_true(l1 == l2);
			assert_int_equal(train_step(&ta, &a.b, &st, &e), 0);
			assert_int_equal(train_step(&tb, &b.b, &st, &e), 0);
			assert_memory_equal(a.m->params, b.m->params, a.m->nparam * sizeof(float));
			assert_int_equal(ta.step, tb.step);
			free(w);
			free(m1);
			trainer_done(&ta);
			trainer_done(&tb);
			teardown(&a);
			teardown(&b);
		}
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nonfinite_loss_not_applied),
		cmocka_unit_test(test_nonfinite_gradient_not_applied),
		cmocka_unit_test(test_clip_norm),
		cmocka_unit_test(test_clip_norm_no_op),
		cmocka_unit_test(test_guard_names_the_loss),
		cmocka_unit_test(test_saturation_per_gate),
		cmocka_unit_test(test_clip_value),
		cmocka_unit_test(test_tbptt_windows),
		cmocka_unit_test(test_tbptt_per_sequence_target),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_loss_decreases),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_checkpoint_bptt),
		cmocka_unit_test(test_config_check),
		cmocka_unit_test(test_history_keeps_every_step_below_the_limit),
		cmocka_unit_test(test_history_bounded),
		cmocka_unit_test(test_stopped_inside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
