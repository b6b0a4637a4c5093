/* test_pytorch.c — the core against PyTorch: every case in tests/fixtures/cells
 * (written by tests/gen_fixtures.py from nn.RNN/LSTM/GRU + Linear + Embedding)
 * is loaded, run forward and backward, and compared: output, h_n, c_n, loss,
 * dL/dh_t of the top layer, and the gradient of every parameter.
 *
 * Tolerances: the fixtures are float32 results of a different summation
 * order (MKL/OpenBLAS inside PyTorch), so bit equality is not expected.
 * Forward values must agree to 1e-5 (absolute + relative), gradients to
 * 1e-4 relative with a 1e-6 absolute floor for entries that are ~0.
 */
#include "testutil.h"

#include "model.h"
#include "net.h"

static const char *const cases[] = {
	"rnn_tanh_mse_step", "rnn_relu_mse_step", "rnn_tanh_2layer_ce_step",
	"rnn_tanh_h0_bce_seq", "lstm_mse_step", "lstm_2layer_mse_step",
	"lstm_h0c0_ce_seq", "lstm_h0only_mse_step", "lstm_token_ce_step",
	"gru_mse_step", "gru_2layer_bce_step", "gru_h0_ce_step",
	"gru_token_ce_seq", "lstm_nohead_mse_step", "rnn_3layer_mse_seq",
	"gru_nohead_mse_seq", "rnn_tanh_t1b1_mse_step", "lstm_t1b1_ce_seq",
	"rnn_relu_2layer_f64in_bce_step",
};

#define FWD_ATOL 1e-5
#define FWD_RTOL 1e-5
#define GRAD_ATOL 1e-6
#define GRAD_RTOL 1e-4

static void check(const char *cs, const char *what, const float *got, const float *want,
		  size_t n, double atol, double rtol)
{
	size_t at;
	double ex = tu_max_excess(got, want, n, rtol, &at);
	if (ex > atol)
		fail_msg("%s: %s[%zu] = %.9g, PyTorch %.9g", cs, what, at, got[at], want[at]);
}

static void run_case(const char *cs)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/cells/%s.npz", cs);
	Npz z;
	Err e;
	if (npz_read(&z, path, &e))
		fail_msg("%s", e.msg);
	size_t n;
	float *cfgv = tu_get_f32(&z, "config", &n, 1);
	assert_int_equal(n, 9);
	ModelConfig c;
	model_config_default(&c);
	c.cell = (CellKind)cfgv[0];
	c.act = (ActKind)cfgv[1];
	c.in = (int)cfgv[2];
	c.vocab = (int)cfgv[3];
	c.embed = (int)cfgv[4];
	c.hidden = (int)cfgv[5];
	c.layers = (int)cfgv[6];
	c.out = (int)cfgv[7];
	LossKind loss = (LossKind)cfgv[8];
	free(cfgv);

	Rng rng;
	rng_seed(&rng, 1);
	Model *m = model_new(&c, &rng, &e);
	if (!m)
		fail_msg("%s: %s", cs, e.msg);
	for (int i = 0; i < m->ntensors; i++) {
		const ParamInfo *p = &m->tensors[i];
		float *w = tu_get_f32(&z, p->name, &n, 1);
		assert_int_equal(n, p->size);
		memcpy(m->params + p->offset, w, n * sizeof(float));
		free(w);
	}

	const NpyArray *xa = npz_find(&z, "x");
	assert_non_null(xa);
	Batch b = { 0 };
	b.T = (int)xa->shape[0];
	b.B = (int)xa->shape[1];
	float *x = NULL;
	int32_t *tok = NULL;
	if (c.vocab) {
		float *tf = tu_get_f32(&z, "x", &n, 1);
		tok = malloc(n * sizeof *tok);
		for (size_t i = 0; i < n; i++)
			tok[i] = (int32_t)tf[i];
		free(tf);
		b.tok = tok;
	} else {
		x = tu_get_f32(&z, "x", &n, 1);
		b.x = x;
	}
	float *y = tu_get_f32(&z, "y", &n, 1);
	const NpyArray *ya = npz_find(&z, "y");
	b.y = y;
	b.y_per_step = loss == LOSS_CE ? ya->ndim == 2 : ya->ndim == 3;
	float *h0 = tu_get_f32(&z, "h0", NULL, 0), *c0 = tu_get_f32(&z, "c0", NULL, 0);
	b.h0 = h0;
	b.c0 = c0;

	if (net_check_batch(m, &b, loss, &e))
		fail_msg("%s: %s", cs, e.msg);
	Trace *tr = trace_new(m, b.T, b.B, &e);
	assert_non_null(tr);
	model_zero_grad(m);
	assert_int_equal(net_forward(m, tr, &b, loss, 0, 0, NULL, &e), 0);
	net_backward(m, tr, &b);

	const int T = b.T, B = b.B, H = c.hidden, L = c.layers, O = c.out ? c.out : H;
	float *want = tu_get_f32(&z, "output", &n, 1);
	assert_int_equal(n, (size_t)T * B * O);
	check(cs, "output", tr->output, want, n, FWD_ATOL, FWD_RTOL);
	free(want);

	want = tu_get_f32(&z, "loss", &n, 1);
	float lossf = (float)tr->loss;
	check(cs, "loss", &lossf, want, 1, FWD_ATOL, FWD_RTOL);
	free(want);

	want = tu_get_f32(&z, "h_n", &n, 1);
	assert_int_equal(n, (size_t)L * B * H);
	for (int k = 0; k < L; k++)
		check(cs, "h_n", tr->lt[k].h + (size_t)T * B * H, want + (size_t)k * B * H,
		      (size_t)B * H, FWD_ATOL, FWD_RTOL);
	free(want);
	if (c.cell == CELL_LSTM) {
		want = tu_get_f32(&z, "c_n", &n, 1);
		for (int k = 0; k < L; k++)
			check(cs, "c_n", tr->lt[k].c + (size_t)T * B * H, want + (size_t)k * B * H,
			      (size_t)B * H, FWD_ATOL, FWD_RTOL);
		free(want);
	}

	want = tu_get_f32(&z, "dh", &n, 1);
	assert_int_equal(n, (size_t)T * B * H);
	check(cs, "dh", tr->lt[L - 1].dh, want, n, GRAD_ATOL, GRAD_RTOL);
	free(want);

	for (int i = 0; i < m->ntensors; i++) {
		const ParamInfo *p = &m->tensors[i];
		char name[64];
		snprintf(name, sizeof name, "grad.%s", p->name);
		want = tu_get_f32(&z, name, &n, 1);
		assert_int_equal(n, p->size);
		check(cs, name, m->grads + p->offset, want, n, GRAD_ATOL, GRAD_RTOL);
		free(want);
	}

	trace_free(tr);
	model_free(m);
	free(x);
	free(tok);
	free(y);
	free(h0);
	free(c0);
	npz_free(&z);
}

static void test_all_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		run_case(cases[i]);
}

/* A fixture that has been tampered with must fail: proves the comparison bites. */
static void test_comparison_detects_error(void **state)
{
	(void)state;
	float a[3] = { 1.0f, 2.0f, 3.0f }, b[3] = { 1.0f, 2.0f, 3.001f };
	assert_true(tu_max_excess(a, b, 3, GRAD_RTOL, NULL) > GRAD_ATOL);
	assert_true(tu_max_excess(a, a, 3, GRAD_RTOL, NULL) <= GRAD_ATOL);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_cases),
		cmocka_unit_test(test_comparison_detects_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
