/* test_model.c — configuration checks, parameter layout and names, every
 * init scheme, the spectral radius estimate, the losses on hand-computed
 * values, and the probes. */
#include "testutil.h"

#include "model.h"
#include "net.h"
#include "probe.h"

static Model *make(CellKind cell, int in, int hidden, int layers, int out, InitKind init, float radius)
{
	ModelConfig c;
	model_config_default(&c);
	c.cell = cell;
	c.in = in;
	c.hidden = hidden;
	c.layers = layers;
	c.out = out;
	c.init = init;
	c.radius = radius;
	Rng r;
	rng_seed(&r, 7);
	Err e;
	Model *m = model_new(&c, &r, &e);
	if (!m)
		fail_msg("%s", e.msg);
	return m;
}

static void test_layout_names(void **state)
{
	(void)state;
	Model *m = make(CELL_LSTM, 3, 5, 2, 4, INIT_DEFAULT, 0);
	/* 4H x in, 4H x H, 4H, 4H per layer; head 4x5 + 4 */
	size_t want = (20 * 3 + 20 * 5 + 40) + (20 * 5 + 20 * 5 + 40) + 4 * 5 + 4;
	assert_int_equal(m->nparam, want);
	assert_int_equal(model_config_nparam(&m->cfg), want);
	const char *names[] = { "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
				"rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
				"head.weight", "head.bias" };
	assert_int_equal(m->ntensors, 10);
	size_t off = 0;
	for (int i = 0; i < 10; i++) {
		assert_string_equal(m->tensors[i].name, names[i]);
		assert_int_equal(m->tensors[i].offset, off);	/* contiguous, in order */
		off += m->tensors[i].size;
	}
	assert_int_equal(off, m->nparam);
	const ParamInfo *p = tensor_find(m->tensors, m->ntensors, "rnn.weight_ih_l1");
	assert_int_equal(p->shape[0], 20);
	assert_int_equal(p->shape[1], 5);
	assert_ptr_equal(m->params + p->offset, m->p.layer[1].w_ih);
	assert_ptr_equal(m->grads + p->offset, m->g.layer[1].w_ih);
	p = tensor_find(m->tensors, m->ntensors, "head.weight");
	assert_int_equal(p->shape[0], 4);
	assert_int_equal(p->shape[1], 5);
	assert_null(tensor_find(m->tensors, m->ntensors, "embed.weight"));
	model_free(m);

	ModelConfig c;
	model_config_default(&c);
	c.cell = CELL_GRU;
	c.vocab = 11;
	c.embed = 3;
	c.hidden = 4;
	c.layernorm = 1;
	Rng r;
	rng_seed(&r, 1);
	Err e;
	m = model_new(&c, &r, &e);
	assert_non_null(m);
	assert_string_equal(m->tensors[0].name, "embed.weight");
	assert_int_equal(m->tensors[0].shape[0], 11);
	assert_int_equal(m->tensors[0].shape[1], 3);
	assert_non_null(tensor_find(m->tensors, m->ntensors, "rnn.ln_weight_l0"));
	assert_non_null(tensor_find(m->tensors, m->ntensors, "rnn.ln_bias_l0"));
	assert_null(tensor_find(m->tensors, m->ntensors, "head.weight"));	/* out = 0 */
	model_free(m);
}

static void test_config_errors(void **state)
{
	(void)state;
	ModelConfig c;
	Err e;
	model_config_default(&c);
	c.in = 3;
	c.hidden = 0;
	assert_int_equal(model_config_check(&c, &e), ERR_INVAL);
	assert_string_equal(e.msg, "hidden must be between 1 and 65536, got 0");
	c.hidden = 4;
	c.act = ACT_RELU;
	assert_int_equal(model_config_check(&c, &e), ERR_INVAL);
	assert_non_null(strstr(e.msg, "rnn only"));
	c.act = ACT_TANH;
	c.vocab = 5;
	assert_int_equal(model_config_check(&c, &e), ERR_INVAL);
	assert_non_null(strstr(e.msg, "not in="));
	c.vocab = 0;
	c.dropout = 1.0f;
	assert_int_equal(model_config_check(&c, &e), ERR_INVAL);
	c.dropout = 0;
	c.hidden = 60000;
	c.layers = 16;
	assert_int_equal(model_config_check(&c, &e), ERR_NOMEM);
	assert_non_null(strstr(e.msg, "GiB"));
	c.hidden = 4;
	c.layers = 1;
	assert_int_equal(model_config_check(&c, &e), 0);
}

static void test_default_init_bounds(void **state)
{
	(void)state;
	Model *m = make(CELL_GRU, 6, 16, 2, 3, INIT_DEFAULT, 0);
	const float k = 1.0f / 4.0f;	/* 1/sqrt(16) */
	double mean = 0, sq = 0;
	for (size_t i = 0; i < m->nparam; i++) {
		assert_true(fabsf(m->params[i]) <= k);
		mean += m->params[i];
		sq += (double)m->params[i] * m->params[i];
	}
	mean /= m->nparam;
	sq /= m->nparam;
	/* U(-k, k): mean 0, variance k^2/3 */
	assert_true(fabs(mean) < 0.01);
	assert_true(fabs(sq - k * k / 3) < 0.1 * k * k / 3);
	model_free(m);
}

static void test_orthogonal_identity_forget(void **state)
{
	(void)state;
	Model *m = make(CELL_LSTM, 3, 8, 1, 0, INIT_ORTHOGONAL, 0);
	const int H = 8;
	for (int g = 0; g < 4; g++) {
		const float *w = m->p.layer[0].w_hh + g * H * H;
		for (int i = 0; i < H; i++)
			for (int j = 0; j < H; j++) {
				double d = 0;
				for (int k = 0; k < H; k++)
					d += (double)w[k * H + i] * w[k * H + j];
				assert_float_equal(d, i == j, 1e-5);
			}
	}
	for (int i = 0; i < 4 * H; i++)
		assert_true(m->p.layer[0].b_ih[i] == 0 && m->p.layer[0].b_hh[i] == 0);
	model_free(m);

	m = make(CELL_RNN, 3, 6, 1, 0, INIT_IDENTITY, 0);
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++)
			assert_true(m->p.layer[0].w_hh[i * 6 + j] == (i == j ? 1.0f : 0.0f));
	model_free(m);

	ModelConfig c;
	model_config_default(&c);
	c.in = 2;
	c.hidden = 3;
	c.forget_bias = 1.0f;
	Rng r;
	rng_seed(&r, 3);
	Err e;
	m = model_new(&c, &r, &e);
	for (int j = 0; j < 3; j++) {
		assert_true(m->p.layer[0].b_ih[3 + j] == 1.0f);
		assert_true(m->p.layer[0].b_hh[3 + j] == 0.0f);
	}
	model_free(m);
}

static void test_spectral_radius(void **state)
{
	(void)state;
	float d[9] = { 0.5f, 0, 0, 0, -2, 0, 0, 0, 1 };
	assert_float_equal(mat_spectral_radius(d, 3), 2.0, 1e-4);
	/* 0.9 * rotation by 0.3 rad: complex pair of modulus 0.9 */
	float r[4] = { 0.9f * cosf(0.3f), -0.9f * sinf(0.3f), 0.9f * sinf(0.3f), 0.9f * cosf(0.3f) };
	assert_float_equal(mat_spectral_radius(r, 2), 0.9, 1e-4);
	/* non-normal: eigenvalues 0.5 and 0.4 behind a large off-diagonal */
	float u[4] = { 0.5f, 100, 0, 0.4f };
	assert_float_equal(mat_spectral_radius(u, 2), 0.5, 5e-3);
	float z[4] = { 0 };
	assert_float_equal(mat_spectral_radius(z, 2), 0.0, 0);

	/* radius= scales every W_hh block to the requested radius */
	Model *m = make(CELL_GRU, 4, 24, 2, 0, INIT_DEFAULT, 3.0f);
	double rad[2 * 3];
	probe_spectral(m, rad);
	for (int i = 0; i < 6; i++)
		assert_float_equal(rad[i], 3.0, 3e-3);
	model_free(m);
}

static void test_losses(void **state)
{
	(void)state;
	float o[6] = { 1, 2, 3, 0.5f, -1, 0 }, y[6] = { 0, 2, 5, 0.5f, 1, 0 }, d[6];
	long n;
	/* mse: (1 + 0 + 4 + 0 + 4 + 0) / 6 */
	assert_float_equal(loss_forward_backward(LOSS_MSE, o, y, 2, 3, -1, d, &n), 9.0 / 6, 1e-12);
	assert_int_equal(n, 6);
	assert_float_equal(d[0], 2.0 / 6, 1e-7);
	assert_float_equal(d[2], -4.0 / 6, 1e-7);
	/* ce over 2 rows of 3 logits, classes 2 and 0 */
	float cls[2] = { 2, 0 };
	double l0 = log(exp(1) + exp(2) + exp(3)) - 3, l1 = log(exp(0.5) + exp(-1) + 1) - 0.5;
	assert_float_equal(loss_forward_backward(LOSS_CE, o, cls, 2, 3, -1, d, &n), (l0 + l1) / 2, 1e-9);
	assert_int_equal(n, 2);
	double z0 = exp(1) + exp(2) + exp(3);
	assert_float_equal(d[0], exp(1) / z0 / 2, 1e-7);
	assert_float_equal(d[2], (exp(3) / z0 - 1) / 2, 1e-7);
	/* ignore index: only the first row counts */
	assert_float_equal(loss_forward_backward(LOSS_CE, o, cls, 2, 3, 0, d, &n), l0, 1e-9);
	assert_int_equal(n, 1);
	assert_true(d[3] == 0 && d[4] == 0 && d[5] == 0);
	/* bce with logits */
	float t[3] = { 1, 0, 1 };
	double want = 0;
	for (int i = 0; i < 3; i++) {
		double s = 1 / (1 + exp(-o[i]));
		want += -(t[i] * log(s) + (1 - t[i]) * log(1 - s));
	}
	assert_float_equal(loss_forward_backward(LOSS_BCE, o, t, 1, 3, -1, d, &n), want / 3, 1e-9);
	assert_float_equal(d[1], (1 / (1 + exp(-2.0)) - 0) / 3, 1e-7);
	/* a huge logit does not overflow */
	float big[1] = { 1000 }, one[1] = { 0 };
	assert_float_equal(loss_forward_backward(LOSS_BCE, big, one, 1, 1, -1, d, &n), 1000, 1e-9);
}

static void test_probe_values(void **state)
{
	(void)state;
	Model *m = make(CELL_RNN, 2, 3, 1, 1, INIT_DEFAULT, 0);
	Err e;
	Trace *tr = trace_new(m, 4, 2, &e);
	float x[4 * 2 * 2], y[4 * 2];
	for (int i = 0; i < 16; i++)
		x[i] = (float)(i % 5) - 2.0f;
	for (int i = 0; i < 8; i++)
		y[i] = 0.1f * i;
	Batch b = { .T = 4, .B = 2, .x = x, .y = y, .y_per_step = 1 };
	assert_int_equal(net_forward(m, tr, &b, LOSS_MSE, 0, 0, NULL, &e), 0);
	net_backward(m, tr, &b);
	Probe p;
	probe_init(&p);
	assert_int_equal(probe_update(&p, m, tr, &e), 0);
	for (int t = 0; t < 4; t++) {
		double s = 0;
		long sat = 0;
		for (int i = 0; i < 6; i++) {
			s += (double)tr->lt[0].dh[t * 6 + i] * tr->lt[0].dh[t * 6 + i];
			sat += fabsf(tr->lt[0].h[(t + 1) * 6 + i]) > 0.95f;
		}
		assert_float_equal(p.dh_norm[t], sqrt(s), 1e-12);
		assert_float_equal(p.sat[t], sat / 6.0, 1e-7);
	}
	assert_float_equal(probe_flow_ratio(&p, 0, 0, 3), p.dh_norm[0] / p.dh_norm[3], 1e-12);
	assert_true(isnan(probe_flow_ratio(&p, 0, 0, 4)));
	double gn = 0;
	for (size_t i = 0; i < m->tensors[0].size; i++)
		gn += (double)m->grads[i] * m->grads[i];
	assert_float_equal(p.grad_norm[0], sqrt(gn), 1e-12);
	probe_done(&p);
	trace_free(tr);
	model_free(m);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_names),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_default_init_bounds),
		cmocka_unit_test(test_orthogonal_identity_forget),
		cmocka_unit_test(test_spectral_radius),
		cmocka_unit_test(test_losses),
		cmocka_unit_test(test_probe_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
