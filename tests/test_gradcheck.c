/* test_gradcheck.c — finite differences against backward, for every cell,
 * head, loss, layer norm, residual, dropout (fixed mask) and the truncated
 * window (score_from > 0 from a given, detached state), and the
 * distillation loss (a teacher's outputs mixed in: ce, bce, mse, a
 * per-sequence target, a truncated window, dropout).
 *
 * Tolerance: the forward pass is float32 (the loss is summed in double), so
 * the loss carries a relative rounding noise of ~1e-7.  With eps = 1e-3 a
 * central difference has a rounding error of ~1e-7 * |L| / eps ~ 1e-4 * |L|
 * at worst (~1e-5 typically, errors average out) and a truncation error of
 * eps^2/6 * |L'''| ~ 2e-7 * |L'''|.  We accept |fd - an| <= 1e-4 + 2e-3 *
 * max(|fd|, |an|).  A larger eps (5e-3) steps across ReLU kinks: it failed
 * the relu case, so eps stays at 1e-3.  Every case runs on three seeds; the
 * worst seen passes at an absolute 5e-5, half of what we allow.  A 25%
 * error in one entry (test_detects_wrong_gradient) is caught.
 */
#include "testutil.h"

#include "gradcheck.h"
#include "model.h"
#include "net.h"
#include "cell.h"

#define ATOL 1e-4
#define RTOL GRADCHECK_RTOL	/* 2e-3 */
#define EPS 1e-3

typedef struct Case {
	const char *name;
	CellKind cell;
	ActKind act;
	int in, vocab, embed, hidden, layers, out;
	LossKind loss;
	int per_step;
	int layernorm, residual;
	float dropout;
	int h0, score_from;
	int T, B;
	float kd_temp, kd_alpha;	/* alpha > 0: a teacher's outputs mixed in (distillation) */
} Case;

static const Case cases[] = {
	{ "rnn tanh mse", CELL_RNN, ACT_TANH, 3, 0, 0, 4, 1, 2, LOSS_MSE, 1, 0, 0, 0, 0, 0, 5, 3, 0, 0 },
	{ "rnn relu 2-layer ce", CELL_RNN, ACT_RELU, 4, 0, 0, 5, 2, 3, LOSS_CE, 1, 0, 0, 0, 1, 0, 4, 2, 0, 0 },
	{ "rnn bce per-seq", CELL_RNN, ACT_TANH, 2, 0, 0, 3, 1, 2, LOSS_BCE, 0, 0, 0, 0, 0, 0, 6, 2, 0, 0 },
	{ "lstm mse", CELL_LSTM, ACT_TANH, 3, 0, 0, 4, 1, 2, LOSS_MSE, 1, 0, 0, 0, 1, 0, 5, 2, 0, 0 },
	{ "lstm 2-layer ce per-seq", CELL_LSTM, ACT_TANH, 2, 0, 0, 3, 2, 4, LOSS_CE, 0, 0, 0, 0, 0, 0, 4, 3, 0, 0 },
	{ "lstm token bce", CELL_LSTM, ACT_TANH, 0, 6, 3, 4, 1, 2, LOSS_BCE, 1, 0, 0, 0, 0, 0, 4, 2, 0, 0 },
	{ "gru mse", CELL_GRU, ACT_TANH, 3, 0, 0, 4, 1, 3, LOSS_MSE, 1, 0, 0, 0, 1, 0, 5, 2, 0, 0 },
	{ "gru 2-layer ce", CELL_GRU, ACT_TANH, 4, 0, 0, 3, 2, 3, LOSS_CE, 1, 0, 0, 0, 0, 0, 4, 3, 0, 0 },
	{ "gru token mse no head", CELL_GRU, ACT_TANH, 0, 5, 2, 3, 1, 0, LOSS_MSE, 1, 0, 0, 0, 0, 0, 3, 2, 0, 0 },
	{ "rnn layernorm", CELL_RNN, ACT_TANH, 3, 0, 0, 4, 2, 2, LOSS_MSE, 1, 1, 0, 0, 0, 0, 4, 2, 0, 0 },
	{ "lstm layernorm", CELL_LSTM, ACT_TANH, 3, 0, 0, 4, 1, 2, LOSS_MSE, 1, 1, 0, 0, 1, 0, 4, 2, 0, 0 },
	{ "gru layernorm", CELL_GRU, ACT_TANH, 3, 0, 0, 4, 2, 2, LOSS_CE, 1, 1, 0, 0, 0, 0, 4, 2, 0, 0 },
	{ "rnn residual 3-layer", CELL_RNN, ACT_TANH, 2, 0, 0, 3, 3, 2, LOSS_MSE, 1, 0, 1, 0, 0, 0, 4, 2, 0, 0 },
	{ "lstm residual", CELL_LSTM, ACT_TANH, 2, 0, 0, 3, 2, 2, LOSS_MSE, 1, 0, 1, 0, 1, 0, 4, 2, 0, 0 },
	{ "gru residual ln", CELL_GRU, ACT_TANH, 2, 0, 0, 3, 2, 2, LOSS_BCE, 1, 1, 1, 0, 0, 0, 4, 2, 0, 0 },
	{ "rnn dropout", CELL_RNN, ACT_TANH, 3, 0, 0, 4, 3, 2, LOSS_MSE, 1, 0, 0, 0.3f, 0, 0, 4, 3, 0, 0 },
	{ "lstm dropout", CELL_LSTM, ACT_TANH, 3, 0, 0, 4, 2, 2, LOSS_CE, 1, 0, 0, 0.4f, 0, 0, 4, 2, 0, 0 },
	{ "gru dropout residual", CELL_GRU, ACT_TANH, 3, 0, 0, 4, 2, 2, LOSS_MSE, 1, 0, 1, 0.25f, 0, 0, 4, 2, 0, 0 },
	{ "rnn truncated window", CELL_RNN, ACT_TANH, 3, 0, 0, 4, 1, 2, LOSS_MSE, 1, 0, 0, 0, 1, 3, 6, 2, 0, 0 },
	{ "lstm truncated window", CELL_LSTM, ACT_TANH, 3, 0, 0, 4, 2, 2, LOSS_MSE, 1, 0, 0, 0, 1, 2, 5, 2, 0, 0 },
	{ "gru truncated window", CELL_GRU, ACT_TANH, 3, 0, 0, 4, 1, 3, LOSS_CE, 1, 0, 0, 0, 1, 4, 6, 2, 0, 0 },
	/* distillation: the teacher term at temperature T with weight alpha */
	{ "lstm ce distill", CELL_LSTM, ACT_TANH, 3, 0, 0, 4, 1, 5, LOSS_CE, 1, 0, 0, 0, 0, 0, 5, 3, 2.0f, 0.5f },
	{ "gru token ce distill per-seq", CELL_GRU, ACT_TANH, 0, 7, 3, 4, 2, 4, LOSS_CE, 0, 0, 0, 0, 1, 0, 4, 3, 4.0f, 0.8f },
	{ "rnn bce distill", CELL_RNN, ACT_TANH, 2, 0, 0, 3, 1, 3, LOSS_BCE, 1, 0, 0, 0, 0, 0, 4, 2, 1.5f, 0.6f },
	{ "lstm mse distill", CELL_LSTM, ACT_TANH, 3, 0, 0, 4, 1, 2, LOSS_MSE, 1, 0, 0, 0, 1, 0, 5, 2, 1.0f, 0.7f },
	{ "gru ce distill truncated", CELL_GRU, ACT_TANH, 3, 0, 0, 4, 1, 3, LOSS_CE, 1, 0, 0, 0, 1, 3, 6, 2, 3.0f, 1.0f },
	{ "lstm ce distill dropout", CELL_LSTM, ACT_TANH, 3, 0, 0, 4, 2, 3, LOSS_CE, 1, 0, 0, 0.3f, 0, 0, 4, 2, 2.0f, 0.3f },
};

/* Everything a case needs, built deterministically from its seed. */
typedef struct Fixture {
	Model *m;
	Trace *tr;
	Batch b;
	float *x, *y, *h0, *c0, *zt;
	int32_t *tok;
} Fixture;

static void fixture_build(Fixture *f, const Case *cs, uint64_t seed)
{
	memset(f, 0, sizeof *f);
	ModelConfig c;
	model_config_default(&c);
	c.cell = cs->cell;
	c.act = cs->act;
	c.in = cs->in;
	c.vocab = cs->vocab;
	c.embed = cs->embed;
	c.hidden = cs->hidden;
	c.layers = cs->layers;
	c.out = cs->out;
	c.layernorm = cs->layernorm;
	c.residual = cs->residual;
	c.dropout = cs->dropout;
	Rng r;
	rng_seed(&r, seed);
	Err e;
	f->m = model_new(&c, &r, &e);
	if (!f->m)
		fail_msg("%s: %s", cs->name, e.msg);
	/* Layer norm gains away from 1 and biases away from 0, so their
	 * gradients are exercised in general position. */
	for (int k = 0; k < c.layers; k++)
		if (f->m->p.layer[k].ln_w)
			for (int i = 0; i < f->m->gates * c.hidden; i++) {
				f->m->p.layer[k].ln_w[i] = rng_range(&r, 0.5f, 1.5f);
				f->m->p.layer[k].ln_b[i] = rng_range(&r, -0.3f, 0.3f);
			}
	const int T = cs->T, B = cs->B, H = cs->hidden, L = cs->layers;
	const int O = cs->out ? cs->out : H;
	f->b.T = T;
	f->b.B = B;
	if (cs->vocab) {
		f->tok = malloc((size_t)T * B * sizeof *f->tok);
		for (int i = 0; i < T * B; i++)
			f->tok[i] = (int32_t)rng_below(&r, (uint32_t)cs->vocab);
		f->b.tok = f->tok;
	} else {
		f->x = malloc((size_t)T * B * cs->in * sizeof *f->x);
		for (int i = 0; i < T * B * cs->in; i++)
			f->x[i] = rng_range(&r, -1.5f, 1.5f);
		f->b.x = f->x;
	}
	int rows = cs->per_step ? T * B : B;
	int ny = cs->loss == LOSS_CE ? rows : rows * O;
	f->y = malloc((size_t)ny * sizeof *f->y);
	for (int i = 0; i < ny; i++)
		f->y[i] = cs->loss == LOSS_CE ? (float)rng_below(&r, (uint32_t)O)
			: cs->loss == LOSS_BCE ? (float)rng_below(&r, 2)
			: rng_range(&r, -1, 1);
	f->b.y = f->y;
	f->b.y_per_step = cs->per_step;
	if (cs->kd_alpha > 0) {	/* a teacher's outputs, every step's */
		f->zt = malloc((size_t)T * B * O * sizeof *f->zt);
		for (int i = 0; i < T * B * O; i++)
			f->zt[i] = rng_range(&r, -3, 3);
		f->b.zt = f->zt;
		f->b.kd_temp = cs->kd_temp;
		f->b.kd_alpha = cs->kd_alpha;
	}
	if (cs->h0) {
		f->h0 = malloc((size_t)L * B * H * sizeof *f->h0);
		for (int i = 0; i < L * B * H; i++)
			f->h0[i] = rng_range(&r, -0.8f, 0.8f);
		f->b.h0 = f->h0;
		if (cs->cell == CELL_LSTM) {
			f->c0 = malloc((size_t)L * B * H * sizeof *f->c0);
			for (int i = 0; i < L * B * H; i++)
				f->c0[i] = rng_range(&r, -1.5f, 1.5f);
			f->b.c0 = f->c0;
		}
	}
	f->tr = trace_new(f->m, T, B, &e);
	assert_non_null(f->tr);
	assert_int_equal(net_check_batch(f->m, &f->b, cs->loss, &e), 0);
}

static void fixture_free(Fixture *f)
{
	trace_free(f->tr);
	model_free(f->m);
	free(f->x);
	free(f->y);
	free(f->h0);
	free(f->c0);
	free(f->zt);
	free(f->tok);
}

static void check_case(const Case *cs, uint64_t seed)
{
	Fixture f;
	fixture_build(&f, cs, seed);
	GradcheckOpts o = { .eps = EPS, .train = cs->dropout > 0, .dropout_seed = seed + 7,
			    .score_from = cs->score_from };
	GradcheckStat st[sizeof f.m->tensors / sizeof f.m->tensors[0]];
	Err e;
	assert_int_equal(gradcheck_run(f.m, f.tr, &f.b, cs->loss, &o, st, &e), 0);
	for (int i = 0; i < f.m->ntensors; i++) {
		assert_true(st[i].checked == f.m->tensors[i].size);
		if (st[i].max_excess > ATOL)
			fail_msg("%s (seed %llu): %s[%zu] analytic %.7g, finite difference %.7g",
				 cs->name, (unsigned long long)seed, f.m->tensors[i].name,
				 st[i].worst, st[i].an, st[i].fd);
	}
	fixture_free(&f);
}

static void test_all_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		for (uint64_t seed = 1; seed <= 3; seed++)
			check_case(&cases[i], seed * 1000 + i);
}

/* The check must bite: corrupt one analytic gradient entry slightly and
 * the comparison must flag it. */
/* The loss of the fixture's batch at the parameters now. */
typedef struct LossCtx {
	Fixture *f;
	LossKind loss;
} LossCtx;

static int fixture_loss(void *ctx, double *loss, Err *e)
{
	LossCtx *c = ctx;
	int rc = net_forward(c->f->m, c->f->tr, &c->f->b, c->loss, 0, 0, NULL, e);
	*loss = c->f->tr->loss;
	return rc;
}

/* The checker itself must fail a wrong gradient: the analytic gradient of
 * an lstm with one forget-gate entry of W_hh 25% off (as if its sigmoid's
 * derivative were dropped there) fails W_hh's check by more than the
 * tolerance the command uses, and leaves every other tensor passing; the
 * true gradient passes everywhere. */
static void test_detects_wrong_gradient(void **state)
{
	(void)state;
	Fixture f;
	fixture_build(&f, &cases[3], 42);
	GradcheckOpts o = { .eps = EPS };
	GradcheckStat st[sizeof f.m->tensors / sizeof f.m->tensors[0]];
	Err e;
	assert_int_equal(gradcheck_run(f.m, f.tr, &f.b, cases[3].loss, &o, st, &e), 0);
	const size_t n = f.m->nparam;
	float *an = malloc(n * sizeof *an);
	memcpy(an, f.m->grads, n * sizeof *an);	/* the analytic gradient */
	LossCtx ctx = { &f, cases[3].loss };
	assert_int_equal(gradcheck_fn(f.m->params, an, f.m->tensors, f.m->ntensors, fixture_loss, &ctx, &o, st, &e), 0);
	for (int k = 0; k < f.m->ntensors; k++)
		assert_true(st[k].checked > 0 && st[k].max_excess <= ATOL);
	const ParamInfo *p = tensor_find(f.m->tensors, f.m->ntensors, "rnn.weight_hh_l0");
	assert_non_null(p);
	const size_t i = p->offset + (size_t)f.m->cfg.hidden * f.m->cfg.hidden + 1;	/* a forget-gate row */
	an[i] += copysignf(0.25f * fabsf(an[i]) + 2e-3f, an[i]);
	assert_int_equal(gradcheck_fn(f.m->params, an, f.m->tensors, f.m->ntensors, fixture_loss, &ctx, &o, st, &e), 0);
	for (int k = 0; k < f.m->ntensors; k++) {
		const int wrong = &f.m->tensors[k] == p;
		if (wrong != (st[k].max_excess > ATOL))
			fail_msg("%s: excess %g with %s gradient", f.m->tensors[k].name, st[k].max_excess,
				 wrong ? "a wrong" : "the true");
	}
	free(an);
	fixture_free(&f);
}

/* Stopped from outside (Ctrl-C, Esc, a signal) between two entries: the
 * check says so (ERR_STOPPED, after how many), the weights are bit for bit
 * as before, the analytic gradient is back in grads, and the trace is the
 * unperturbed forward's (its loss the same as a fresh forward's). */
static int stop_after(void *ctx)
{
	int *left = ctx;
	return --*left < 0;
}

static void test_stopped(void **state)
{
	(void)state;
	Fixture f;
	fixture_build(&f, &cases[3], 7);
	const size_t n = f.m->nparam;
	float *before = malloc(n * sizeof *before), *an = malloc(n * sizeof *an);
	memcpy(before, f.m->params, n * sizeof *before);
	int left = 5;
	GradcheckOpts o = { .eps = EPS, .stop = stop_after, .stop_ctx = &left };
	GradcheckStat st[sizeof f.m->tensors / sizeof f.m->tensors[0]];
	Err e;
	assert_int_equal(gradcheck_run(f.m, f.tr, &f.b, cases[3].loss, &o, st, &e), ERR_STOPPED);
	assert_non_null(strstr(e.msg, "stopped after 5 entries"));
	assert_memory_equal(f.m->params, before, n * sizeof *before);
	const double loss = f.tr->loss;
	memcpy(an, f.m->grads, n * sizeof *an);
	GradcheckOpts plain = { .eps = EPS };
	assert_int_equal(gradcheck_run(f.m, f.tr, &f.b, cases[3].loss, &plain, st, &e), 0);
	assert_memory_equal(f.m->grads, an, n * sizeof *an);	/* the same analytic gradient */
	assert_true(f.tr->loss == loss);
	free(before);
	free(an);
	fixture_free(&f);
}

/* Layer norm on its own: known values. */
static void test_layernorm_values(void **state)
{
	(void)state;
	float a[4] = { 1, 2, 3, 6 }, w[4] = { 1, 1, 2, 1 }, b[4] = { 0, 0.5f, 0, 0 };
	float xh[4], rs;
	ln_forward(a, w, b, xh, &rs, 4);
	/* mean 3, var (4+1+0+9)/4 = 3.5 */
	double s = 1.0 / sqrt(3.5 + 1e-5);
	assert_float_equal(rs, s, 1e-6);
	assert_float_equal(a[0], -2 * s, 1e-6);
	assert_float_equal(a[1], -1 * s + 0.5, 1e-6);
	assert_float_equal(a[2], 0, 1e-6);
	assert_float_equal(a[3], 3 * s, 1e-6);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_cases),
		cmocka_unit_test(test_detects_wrong_gradient),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_layernorm_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
