/* test_seq2seq.c — the seq2seq engine: PyTorch fixtures (tests/fixtures/s2s,
 * written by tests/gen_s2s_fixtures.py), finite differences for every cell x
 * attention with padded batches, the checker failing a wrong gradient, the
 * gradient into and out of a layer's state (cell_backward_state), teacher
 * forcing below 1, greedy and beam decoding, the training step and its
 * guard, and bad input.
 *
 * Tolerances as tests/test_pytorch.c (forward 1e-5, gradients 1e-4
 * relative) and tests/test_gradcheck.c (|fd - an| <= 1e-4 + 2e-3 |g|).
 */
#include "testutil.h"

#include "cell.h"
#include "gradcheck.h"
#include "seq2seq.h"
#include "stepwatch.h"

#define FWD_ATOL 1e-5
#define FWD_RTOL 1e-5
#define GRAD_ATOL 1e-6
#define GRAD_RTOL 1e-4
#define GC_ATOL 1e-4

static const char *const fixtures[] = {
	"rnn_none", "rnn_dot_2layer", "rnn_general_full", "lstm_none_2layer", "lstm_dot",
	"lstm_general_2layer", "gru_none", "gru_dot_2layer", "gru_general_holes", "lstm_dot_s1t1b1",
};

static void check(const char *cs, const char *what, const float *got, const float *want, size_t n,
		  double atol, double rtol)
{
	size_t at;
	double ex = tu_max_excess(got, want, n, rtol, &at);
	if (ex > atol)
		fail_msg("%s: %s[%zu] = %.9g, PyTorch %.9g", cs, what, at, got[at], want[at]);
}

static int32_t *get_ids(const Npz *z, const char *name, size_t *n)
{
	float *f = tu_get_f32(z, name, n, 1);
	int32_t *ids = malloc(*n * sizeof *ids);
	for (size_t i = 0; i < *n; i++)
		ids[i] = (int32_t)f[i];
	free(f);
	return ids;
}

/* A model from a fixture's config and weights. */
static S2s *fixture_model(const Npz *z, const char *cs)
{
	size_t n;
	float *cf = tu_get_f32(z, "config", &n, 1);
	assert_int_equal(n, 7);
	S2sConfig c;
	s2s_config_default(&c);
	c.cell = (CellKind)cf[0];
	c.src_vocab = (int)cf[1];
	c.tgt_vocab = (int)cf[2];
	c.embed = (int)cf[3];
	c.hidden = (int)cf[4];
	c.layers = (int)cf[5];
	c.attn = (AttnKind)cf[6];
	free(cf);
	Rng r;
	rng_seed(&r, 1);
	Err e;
	S2s *m = s2s_new(&c, &r, &e);
	if (!m)
		fail_msg("%s: %s", cs, e.msg);
	/* every array named like a parameter is one, and every parameter is there */
	for (int i = 0; i < z->n; i++) {
		const char *nm = z->arrays[i].name;
		if (strchr(nm, '.') && strncmp(nm, "grad.", 5) && !tensor_find(m->tensors, m->ntensors, nm))
			fail_msg("%s: the fixture's '%s' is not a tensor of the model", cs, nm);
	}
	for (int i = 0; i < m->ntensors; i++) {
		const ParamInfo *p = &m->tensors[i];
		float *w = tu_get_f32(z, p->name, &n, 1);
		assert_int_equal(n, p->size);
		const NpyArray *a = npz_find(z, p->name);
		assert_int_equal(a->ndim, p->ndim);
		assert_int_equal(a->shape[0], p->shape[0]);
		memcpy(m->params + p->offset, w, n * sizeof(float));
		free(w);
	}
	return m;
}

static void run_fixture(const char *cs)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/s2s/%s.npz", cs);
	Npz z;
	Err e;
	if (npz_read(&z, path, &e))
		fail_msg("%s", e.msg);
	S2s *m = fixture_model(&z, cs);
	size_t ns, nt, n;
	int32_t *src = get_ids(&z, "src", &ns), *tin = get_ids(&z, "tgt_in", &nt), *tout = get_ids(&z, "tgt_out", &n);
	const NpyArray *sa = npz_find(&z, "src"), *ta = npz_find(&z, "tgt_in");
	S2sBatch b = { .S = (int)sa->shape[0], .T = (int)ta->shape[0], .B = (int)sa->shape[1],
		       .src = src, .tgt_in = tin, .tgt_out = tout };
	if (s2s_check_batch(m, &b, &e))
		fail_msg("%s: %s", cs, e.msg);
	S2sTrace *tr = s2s_trace_new(m, b.S, b.T, b.B, &e);
	assert_non_null(tr);
	s2s_zero_grad(m);
	assert_int_equal(s2s_forward(m, tr, &b, 1.0f, NULL, &e), 0);
	s2s_backward(m, tr);

	const int S = b.S, T = b.T, B = b.B, H = m->cfg.hidden, L = m->cfg.layers, V = m->cfg.tgt_vocab;
	float *want = tu_get_f32(&z, "output", &n, 1);
	assert_int_equal(n, (size_t)T * B * V);
	check(cs, "output", tr->logits, want, n, FWD_ATOL, FWD_RTOL);
	free(want);
	want = tu_get_f32(&z, "loss", &n, 1);
	float lossf = (float)tr->loss;
	check(cs, "loss", &lossf, want, 1, FWD_ATOL, FWD_RTOL);
	free(want);
	want = tu_get_f32(&z, "h_n", &n, 1);
	assert_int_equal(n, (size_t)L * B * H);
	for (int k = 0; k < L; k++)
		check(cs, "h_n", tr->dec[k].h + (size_t)T * B * H, want + (size_t)k * B * H, (size_t)B * H, FWD_ATOL,
		      FWD_RTOL);
	free(want);
	if (m->cfg.cell == CELL_LSTM) {
		want = tu_get_f32(&z, "c_n", &n, 1);
		for (int k = 0; k < L; k++)
			check(cs, "c_n", tr->dec[k].c + (size_t)T * B * H, want + (size_t)k * B * H, (size_t)B * H,
			      FWD_ATOL, FWD_RTOL);
		free(want);
	} else {
		assert_null(npz_find(&z, "c_n"));
	}
	if (m->cfg.attn != ATTN_NONE) {
		want = tu_get_f32(&z, "attn", &n, 1);
		assert_int_equal(n, (size_t)T * B * S);
		check(cs, "attn", tr->attn, want, n, FWD_ATOL, FWD_RTOL);
		free(want);
	} else {
		assert_null(npz_find(&z, "attn"));
	}
	want = tu_get_f32(&z, "dh", &n, 1);
	assert_int_equal(n, (size_t)T * B * H);
	check(cs, "dh", tr->dec[L - 1].dh, want, n, GRAD_ATOL, GRAD_RTOL);
	free(want);
	/* the encoder's top layer: dL/dhbar_s in total, and the part of it that
	 * came straight through the attention (tr->dhbar; 0 without); the
	 * panes' split is these two and their difference (learner_s2s.c) */
	want = tu_get_f32(&z, "enc_dh", &n, 1);
	assert_int_equal(n, (size_t)S * B * H);
	check(cs, "enc_dh", tr->enc[L - 1].dh, want, n, GRAD_ATOL, GRAD_RTOL);
	free(want);
	want = tu_get_f32(&z, "enc_dh_attn", &n, 1);
	assert_int_equal(n, (size_t)S * B * H);
	check(cs, "enc_dh_attn", tr->dhbar, want, n, GRAD_ATOL, GRAD_RTOL);
	double through_attn = 0;
	for (size_t i = 0; i < n; i++)
		through_attn += fabs(want[i]);
	assert_true(m->cfg.attn == ATTN_NONE ? through_attn == 0 : through_attn > 0);
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
	s2s_trace_free(tr);
	s2s_free(m);
	free(src);
	free(tin);
	free(tout);
	npz_free(&z);
}

static void test_pytorch_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++)
		run_fixture(fixtures[i]);
}

/* ---- a random padded batch ---- */

typedef struct Rand {
	S2s *m;
	S2sTrace *tr;
	S2sBatch b;
	int32_t *src, *tin, *tout;
} Rand;

/* Sources of random lengths (one full), PAD after; targets of random
 * lengths, one all PAD when B > 2; a PAD inside one source when holes. */
static void rand_build(Rand *x, CellKind cell, AttnKind attn, int L, int S, int T, int B, int holes, uint64_t seed)
{
	memset(x, 0, sizeof *x);
	S2sConfig c;
	s2s_config_default(&c);
	c.cell = cell;
	c.attn = attn;
	c.layers = L;
	c.hidden = 4;
	c.embed = 3;
	c.src_vocab = 8;
	c.tgt_vocab = 7;
	Rng r;
	rng_seed(&r, seed);
	Err e;
	x->m = s2s_new(&c, &r, &e);
	assert_non_null(x->m);
	x->src = calloc((size_t)S * B, sizeof *x->src);
	x->tin = calloc((size_t)T * B, sizeof *x->tin);
	x->tout = calloc((size_t)T * B, sizeof *x->tout);
	for (int j = 0; j < B; j++) {
		int ls = j == 0 ? S : 1 + (int)rng_below(&r, (uint32_t)S);
		for (int s = 0; s < ls; s++)
			x->src[s * B + j] = 4 + (int32_t)rng_below(&r, 4);
		if (holes && ls > 2 && j == 1)
			x->src[1 * B + j] = S2S_PAD;
		int lt = j == 0 ? T - 1 : (int)rng_below(&r, (uint32_t)T);
		x->tin[j] = S2S_BOS;
		for (int t = 0; t < lt; t++) {
			int32_t y = 4 + (int32_t)rng_below(&r, 3);
			x->tout[t * B + j] = y;
			x->tin[(t + 1) * B + j] = y;
		}
		x->tout[lt * B + j] = S2S_EOS;
		if (B > 2 && j == B - 1)
			for (int t = 0; t < T; t++)
				x->tout[t * B + j] = S2S_PAD;
	}
	x->b = (S2sBatch){ .S = S, .T = T, .B = B, .src = x->src, .tgt_in = x->tin, .tgt_out = x->tout };
	x->tr = s2s_trace_new(x->m, S, T, B, &e);
	assert_non_null(x->tr);
}

static void rand_free(Rand *x)
{
	s2s_trace_free(x->tr);
	s2s_free(x->m);
	free(x->src);
	free(x->tin);
	free(x->tout);
}

static void assert_gradcheck(const S2s *m, const GradcheckStat *st, const char *what)
{
	for (int i = 0; i < m->ntensors; i++) {
		if (!st[i].checked)
			fail_msg("%s: nothing checked in %s", what, m->tensors[i].name);
		if (st[i].max_excess > GC_ATOL)
			fail_msg("%s: %s[%zu]: finite difference %.6g, backward %.6g", what, m->tensors[i].name,
				 st[i].worst, st[i].fd, st[i].an);
	}
}

static void test_gradcheck_all(void **state)
{
	(void)state;
	for (int cell = 0; cell < CELL_COUNT; cell++)
		for (int attn = 0; attn < ATTN_COUNT; attn++)
			for (int L = 1; L <= 2; L++) {
				Rand x;
				rand_build(&x, (CellKind)cell, (AttnKind)attn, L, 5, 4, 3, attn == ATTN_GENERAL,
					   100 + cell * 10 + attn * 3 + L);
				GradcheckOpts o = { .eps = 1e-3 };
				GradcheckStat st[S2S_MAX_TENSORS];
				Err e;
				if (s2s_gradcheck(x.m, x.tr, &x.b, &o, st, &e))
					fail_msg("%s", e.msg);
				char what[64];
				snprintf(what, sizeof what, "%s %s L=%d", cell_names[cell], attn_names[attn], L);
				assert_gradcheck(x.m, st, what);
				rand_free(&x);
			}
}

/* Teacher forcing 0.5: the fed-back argmax is held fixed by the rng seed,
 * and no gradient flows through it; finite differences agree. */
typedef struct TfCtx {
	Rand *x;
	float ratio;
} TfCtx;

static int tf_loss(void *ctx, double *loss, Err *e)
{
	TfCtx *c = ctx;
	Rng r;
	rng_seed(&r, 77);
	int rc = s2s_forward(c->x->m, c->x->tr, &c->x->b, c->ratio, &r, e);
	*loss = c->x->tr->loss;
	return rc;
}

static void test_teacher_forcing_ratio(void **state)
{
	(void)state;
	for (int cell = 0; cell < CELL_COUNT; cell++) {
		Rand x;
		rand_build(&x, (CellKind)cell, ATTN_DOT, 2, 5, 5, 3, 0, 300 + cell);
		TfCtx ctx = { &x, 0.5f };
		Err e;
		double l;
		s2s_zero_grad(x.m);
		assert_int_equal(tf_loss(&ctx, &l, &e), 0);
		s2s_backward(x.m, x.tr);
		/* some steps read the model's own prediction, not tgt_in */
		int fed = 0;
		for (int i = x.b.B; i < x.b.T * x.b.B; i++)
			fed += x.tr->dtok[i] != x.tin[i];
		assert_true(fed > 0);
		float *an = malloc(x.m->nparam * sizeof *an);
		memcpy(an, x.m->grads, x.m->nparam * sizeof *an);
		GradcheckOpts o = { .eps = 1e-3 };
		GradcheckStat st[S2S_MAX_TENSORS];
		assert_int_equal(gradcheck_fn(x.m->params, an, x.m->tensors, x.m->ntensors, tf_loss, &ctx, &o, st, &e), 0);
		assert_gradcheck(x.m, st, "teacher forcing 0.5");
		free(an);
		/* ratio 1 through the step-by-step path equals the all-at-once path */
		Rng r;
		rng_seed(&r, 1);
		float *lg = malloc((size_t)x.b.T * x.b.B * 7 * sizeof *lg);
		assert_int_equal(s2s_forward(x.m, x.tr, &x.b, 1.0f, NULL, &e), 0);
		memcpy(lg, x.tr->logits, (size_t)x.b.T * x.b.B * 7 * sizeof *lg);
		assert_int_equal(s2s_forward(x.m, x.tr, &x.b, 0.999999f, &r, &e), 0);
		int differ = 0;
		for (int i = x.b.B; i < x.b.T * x.b.B; i++)
			differ += x.tr->dtok[i] != x.tin[i];
		if (!differ)
			check("step path", "logits", x.tr->logits, lg, (size_t)x.b.T * x.b.B * 7, 1e-6, 1e-5);
		free(lg);
		rand_free(&x);
	}
}

/* The checker itself must fail a wrong seq2seq gradient: the analytic
 * gradient of an lstm with general attention, one entry of one tensor made
 * 25% (and 2e-3) too large, fails that tensor's check and leaves every
 * other tensor passing; the true gradient passes everywhere.  Tried on a
 * tensor of each part: the encoder, the decoder, the attention, the head. */
static void test_detects_wrong_gradient(void **state)
{
	(void)state;
	static const char *const wrong[] = { "encoder.weight_hh_l0", "decoder.weight_ih_l1", "attn_score.weight",
					     "attn.weight", "head.bias", "src_embed.weight" };
	Rand x;
	rand_build(&x, CELL_LSTM, ATTN_GENERAL, 2, 5, 4, 3, 1, 404);
	TfCtx ctx = { &x, 1.0f };
	Err e;
	double l;
	s2s_zero_grad(x.m);
	assert_int_equal(tf_loss(&ctx, &l, &e), 0);
	s2s_backward(x.m, x.tr);
	const size_t n = x.m->nparam;
	float *an = malloc(n * sizeof *an);
	GradcheckOpts o = { .eps = 1e-3 };
	GradcheckStat st[S2S_MAX_TENSORS];
	memcpy(an, x.m->grads, n * sizeof *an);
	assert_int_equal(gradcheck_fn(x.m->params, an, x.m->tensors, x.m->ntensors, tf_loss, &ctx, &o, st, &e), 0);
	assert_gradcheck(x.m, st, "the true gradient");
	for (size_t w = 0; w < sizeof wrong / sizeof *wrong; w++) {
		const ParamInfo *p = tensor_find(x.m->tensors, x.m->ntensors, wrong[w]);
		assert_non_null(p);
		memcpy(an, x.m->grads, n * sizeof *an);
		const size_t i = p->offset + p->size / 2;
		an[i] += copysignf(0.25f * fabsf(an[i]) + 2e-3f, an[i]);
		assert_int_equal(gradcheck_fn(x.m->params, an, x.m->tensors, x.m->ntensors, tf_loss, &ctx, &o, st, &e), 0);
		for (int k = 0; k < x.m->ntensors; k++) {
			const int bad = &x.m->tensors[k] == p;
			if (!st[k].checked || bad != (st[k].max_excess > GC_ATOL))
				fail_msg("%s made wrong: %s has excess %g (%zu checked)", wrong[w], x.m->tensors[k].name,
					 st[k].max_excess, st[k].checked);
		}
	}
	free(an);
	rand_free(&x);
}

/* cell_backward_state: with L = <dy, h_{1..T}> + <u, h_T> + <v, c_T>, the
 * carries after backward are dL/dh_0 and dL/dc_0. */
static void test_state_gradient(void **state)
{
	(void)state;
	for (int cell = 0; cell < CELL_COUNT; cell++) {
		const int T = 4, B = 2, H = 3, I = 2;
		ModelConfig c;
		model_config_default(&c);
		c.cell = (CellKind)cell;
		c.in = I;
		c.hidden = H;
		c.out = 0;
		Rng r;
		rng_seed(&r, 9 + cell);
		Err e;
		Model *m = model_new(&c, &r, &e);
		Trace *tr = trace_new(m, T, B, &e);
		float x[4 * 2 * 2], h0[6], c0[6], dy[4 * 2 * 3], u[6], v[6];
		for (size_t i = 0; i < sizeof x / sizeof *x; i++)
			x[i] = rng_range(&r, -1, 1);
		for (int i = 0; i < 6; i++) {
			h0[i] = rng_range(&r, -0.5f, 0.5f);
			c0[i] = rng_range(&r, -0.5f, 0.5f);
			u[i] = rng_range(&r, -1, 1);
			v[i] = rng_range(&r, -1, 1);
		}
		for (size_t i = 0; i < sizeof dy / sizeof *dy; i++)
			dy[i] = rng_range(&r, -1, 1);
		const int lstm = cell == CELL_LSTM;
		Batch b = { .T = T, .B = B, .x = x, .h0 = h0, .c0 = lstm ? c0 : NULL };
#define LOSS(OUT)                                                                              \
	do {                                                                                   \
		assert_int_equal(net_forward(m, tr, &b, LOSS_MSE, 0, 0, NULL, &e), 0);          \
		double l_ = 0;                                                                 \
		for (int q_ = 0; q_ < T * B * H; q_++)                                            \
			l_ += (double)dy[q_] * tr->lt[0].h[B * H + q_];                          \
		for (int q_ = 0; q_ < B * H; q_++) {                                              \
			l_ += (double)u[q_] * tr->lt[0].h[T * B * H + q_];                       \
			if (lstm)                                                              \
				l_ += (double)v[q_] * tr->lt[0].c[T * B * H + q_];               \
		}                                                                              \
		OUT = l_;                                                                      \
	} while (0)
		double l0;
		LOSS(l0);
		(void)l0;
		model_zero_grad(m);
		cell_backward_state(m, 0, &tr->lt[0], T, B, dy, u, lstm ? v : NULL, NULL, tr->da,
				    tr->dah ? tr->dah : tr->da, tr->carry_h, tr->carry_c);
		float *targets[2] = { h0, c0 };
		const float *an[2] = { tr->carry_h, tr->carry_c };
		float got[2][6];
		memcpy(got[0], an[0], sizeof got[0]);
		if (lstm)
			memcpy(got[1], an[1], sizeof got[1]);
		for (int which = 0; which < 1 + lstm; which++)
			for (int i = 0; i < B * H; i++) {
				float keep = targets[which][i];
				double lp, lm;
				targets[which][i] = keep + 1e-3f;
				float up = targets[which][i];
				LOSS(lp);
				targets[which][i] = keep - 1e-3f;
				float dn = targets[which][i];
				LOSS(lm);
				targets[which][i] = keep;
				double fd = (lp - lm) / ((double)up - dn);
				if (fabs(fd - got[which][i]) > GC_ATOL + GRADCHECK_RTOL * fabs(fd))
					fail_msg("%s: d%s0[%d]: finite difference %.6g, backward %.6g", cell_names[cell],
						 which ? "c" : "h", i, fd, got[which][i]);
			}
#undef LOSS
		trace_free(tr);
		model_free(m);
	}
}

static void test_layout_and_names(void **state)
{
	(void)state;
	S2sConfig c;
	s2s_config_default(&c);
	c.cell = CELL_GRU;
	c.layers = 2;
	c.hidden = 5;
	c.embed = 3;
	c.src_vocab = 10;
	c.tgt_vocab = 6;
	c.attn = ATTN_GENERAL;
	Rng r;
	rng_seed(&r, 3);
	Err e;
	S2s *m = s2s_new(&c, &r, &e);
	assert_non_null(m);
	static const char *const names[] = {
		"src_embed.weight", "tgt_embed.weight", "encoder.weight_ih_l0", "encoder.weight_hh_l0",
		"encoder.bias_ih_l0", "encoder.bias_hh_l0", "encoder.weight_ih_l1", "encoder.weight_hh_l1",
		"encoder.bias_ih_l1", "encoder.bias_hh_l1", "decoder.weight_ih_l0", "decoder.weight_hh_l0",
		"decoder.bias_ih_l0", "decoder.bias_hh_l0", "decoder.weight_ih_l1", "decoder.weight_hh_l1",
		"decoder.bias_ih_l1", "decoder.bias_hh_l1", "attn.weight", "attn_score.weight", "head.weight",
		"head.bias",
	};
	assert_int_equal(m->ntensors, (int)(sizeof names / sizeof *names));
	size_t off = 0;
	for (int i = 0; i < m->ntensors; i++) {
		assert_string_equal(m->tensors[i].name, names[i]);
		assert_int_equal(m->tensors[i].offset, off);
		off += m->tensors[i].size;
	}
	assert_int_equal(off, m->nparam);
	assert_int_equal(tensor_find(m->tensors, m->ntensors, "attn.weight")->shape[1], 10);
	assert_ptr_equal(m->p.head_b + 6, m->params + m->nparam);
	assert_ptr_equal(m->enc.p.layer[1].w_ih, m->params + tensor_find(m->tensors, m->ntensors, "encoder.weight_ih_l1")->offset);
	assert_ptr_equal(m->dec.g.layer[0].b_hh, m->grads + tensor_find(m->tensors, m->ntensors, "decoder.bias_hh_l0")->offset);
	/* init bounds: embeddings N(0,1), attn U(+-1/sqrt(2H)), the rest U(+-1/sqrt(H)) */
	const float k = 1.0f / sqrtf(5.0f), k2 = 1.0f / sqrtf(10.0f);
	for (int i = 0; i < 50; i++)
		assert_true(fabsf(m->p.attn_w[i]) <= k2);
	for (int i = 0; i < 25; i++)
		assert_true(fabsf(m->p.attn_score[i]) <= k);
	assert_true(fabsf(m->dec.p.layer[1].w_hh[7]) <= k);
	/* no attention: no attn tensors */
	c.attn = ATTN_NONE;
	assert_int_equal(s2s_config_nparam(&c), m->nparam - 50 - 25);
	s2s_free(m);
	/* bad configurations */
	c.src_vocab = 3;
	assert_int_equal(s2s_config_check(&c, &e), ERR_INVAL);
	assert_string_equal(e.msg, "src_vocab must be between 4 and 1000000, got 3");
	c.src_vocab = 10;
	c.layers = 0;
	assert_int_equal(s2s_config_check(&c, &e), ERR_INVAL);
	assert_string_equal(e.msg, "layers must be between 1 and 16, got 0");
	assert_null(s2s_new(&c, &r, &e));
}

static void test_bad_batch(void **state)
{
	(void)state;
	Rand x;
	rand_build(&x, CELL_LSTM, ATTN_DOT, 1, 4, 3, 2, 0, 5);
	Err e;
	x.src[3] = 8;
	assert_int_equal(s2s_check_batch(x.m, &x.b, &e), ERR_INVAL);
	assert_string_equal(e.msg, "src id 8 at t=1, b=1 is outside the vocabulary [0, 8)");
	x.src[3] = 4;
	x.tout[0] = -1;
	assert_int_equal(s2s_check_batch(x.m, &x.b, &e), ERR_INVAL);
	assert_string_equal(e.msg, "tgt_out id -1 at t=0, b=0 is outside the vocabulary [0, 7)");
	x.tout[0] = 4;
	S2sBatch big = x.b;
	big.T = 9;
	int32_t tin[18] = { 1, 1 }, tout[18] = { 4, 4 };
	big.tgt_in = tin;
	big.tgt_out = tout;
	assert_int_equal(s2s_check_batch(x.m, &big, &e), 0);
	assert_int_equal(s2s_forward(x.m, x.tr, &big, 1.0f, NULL, &e), ERR_STATE);
	assert_string_equal(e.msg, "batch S=4, T=9, B=2 exceeds the trace (S=4, T=3, B=2)");
	assert_int_equal(s2s_trace_reserve(&x.tr, x.m, 4, 9, 2, &e), 0);
	assert_int_equal(s2s_forward(x.m, x.tr, &big, 1.0f, NULL, &e), 0);
	rand_free(&x);
}

/* Greedy decoding read back with teacher forcing gives the same logits and
 * attention; beam width 1 is greedy; a full-width beam is exhaustive. */
static void test_decoding(void **state)
{
	(void)state;
	for (int cell = 0; cell < CELL_COUNT; cell++) {
		Rand x;
		rand_build(&x, (CellKind)cell, ATTN_GENERAL, 2, 5, 4, 3, 1, 500 + cell);
		S2s *m = x.m;
		/* bias the head towards EOS a little so that sequences end */
		m->p.head_b[S2S_EOS] += 0.5f;
		const int S = 5, B = 3, ML = 6, V = m->cfg.tgt_vocab;
		int32_t out[6 * 3];
		int len[3];
		Err e;
		S2sTrace *g = NULL;
		assert_int_equal(s2s_greedy(m, &g, x.src, S, B, ML, out, len, &e), 0);
		const int Tg = g->T;
		float *lg = malloc((size_t)Tg * B * V * sizeof *lg), *at = malloc((size_t)Tg * B * S * sizeof *at);
		memcpy(lg, g->logits, (size_t)Tg * B * V * sizeof *lg);
		memcpy(at, g->attn, (size_t)Tg * B * S * sizeof *at);
		int32_t tin[6 * 3];
		for (int j = 0; j < B; j++) {
			assert_true(len[j] >= 1 && len[j] <= ML);
			tin[j] = S2S_BOS;
			for (int t = 1; t < Tg; t++)
				tin[t * B + j] = out[(t - 1) * B + j];
		}
		S2sBatch tb = { .S = S, .T = Tg, .B = B, .src = x.src, .tgt_in = tin };
		S2sTrace *tt = s2s_trace_new(m, S, Tg, B, &e);
		assert_int_equal(s2s_forward(m, tt, &tb, 1.0f, NULL, &e), 0);
		/* rows of a sequence that already ended read PAD in greedy: compare live rows */
		for (int t = 0; t < Tg; t++)
			for (int j = 0; j < B; j++)
				if (t < len[j]) {
					size_t r = (size_t)t * B + j;
					check("greedy vs teacher", "logits", tt->logits + r * V, lg + r * V, (size_t)V, 1e-6, 1e-5);
					check("greedy vs teacher", "attn", tt->attn + r * S, at + r * S, (size_t)S, 1e-6, 1e-5);
				}
		/* beam width 1 == greedy, sequence by sequence */
		for (int j = 0; j < B; j++) {
			int32_t s1[5];
			for (int s = 0; s < S; s++)
				s1[s] = x.src[s * B + j];
			S2sOutput o;
			assert_int_equal(s2s_beam(m, s1, S, 1, ML, &o, &e), 0);
			assert_int_equal(o.n, len[j]);
			assert_int_equal(o.ended, out[(len[j] - 1) * B + j] == S2S_EOS);
			for (int t = 0; t < o.n; t++) {
				assert_int_equal(o.tok[t], out[t * B + j]);
				check("beam 1 vs greedy", "attn", o.attn + (size_t)t * S, at + ((size_t)t * B + j) * S,
				      (size_t)S, 1e-6, 1e-5);
			}
			s2s_output_free(&o);
		}
		s2s_trace_free(g);
		s2s_trace_free(tt);
		free(lg);
		free(at);
		rand_free(&x);
	}
}

/* Exhaustive search over every target of up to 3 tokens (V = 7: 4 symbols
 * besides... every non-EOS id may be emitted) against a beam wide enough
 * to hold every hypothesis. */
static void test_beam_exhaustive(void **state)
{
	(void)state;
	Rand x;
	rand_build(&x, CELL_LSTM, ATTN_DOT, 1, 3, 3, 1, 0, 42);
	S2s *m = x.m;
	const int V = m->cfg.tgt_vocab, ML = 3, S = 3;
	Err e;
	S2sOutput o;
	assert_int_equal(s2s_beam(m, x.src, S, 64, ML, &o, &e), 0);
	/* score every sequence y_1..y_k EOS (k < ML, y != EOS) with teacher forcing */
	S2sTrace *tr = s2s_trace_new(m, S, ML, 1, &e);
	double best = -INFINITY;
	int best_len = 0;
	int32_t best_seq[3] = { 0 };
	int nseq = 1 + (V - 1) + (V - 1) * (V - 1);
	for (int code = 0; code < nseq; code++) {
		int32_t y[3];
		int k;
		if (code == 0)
			k = 0;
		else if (code < V)
			k = 1, y[0] = code - 1;
		else
			k = 2, y[0] = (code - V) / (V - 1), y[1] = (code - V) % (V - 1);
		for (int i = 0; i < k; i++)
			y[i] += y[i] >= S2S_EOS;	/* skip EOS */
		y[k] = S2S_EOS;
		int32_t tin[3] = { S2S_BOS, y[0], y[1] };
		S2sBatch b = { .S = S, .T = k + 1, .B = 1, .src = x.src, .tgt_in = tin };
		assert_int_equal(s2s_forward(m, tr, &b, 1.0f, NULL, &e), 0);
		double lp = 0;
		for (int t = 0; t <= k; t++)
			lp += tu_log_softmax_at(tr->logits + (size_t)t * V, V, y[t]);
		if (lp > best) {
			best = lp;
			best_len = k + 1;
			memcpy(best_seq, y, sizeof best_seq);
		}
	}
	assert_true(o.ended);
	assert_int_equal(o.n, best_len);
	for (int t = 0; t < o.n; t++)
		assert_int_equal(o.tok[t], best_seq[t]);
	assert_true(fabs(o.logp - best) < 1e-4);
	/* a narrower beam never claims a better score than the optimum */
	S2sOutput o2;
	assert_int_equal(s2s_beam(m, x.src, S, 2, ML, &o2, &e), 0);
	assert_true(o2.logp <= best + 1e-6);
	s2s_output_free(&o2);
	assert_int_equal(s2s_beam(m, x.src, S, 65, ML, &o2, &e), ERR_INVAL);
	assert_string_equal(e.msg, "beam must be from 1 to 64, got 65");
	s2s_output_free(&o);
	s2s_output_free(&o2);
	s2s_trace_free(tr);
	rand_free(&x);
}

static int stop_second_backward(void *ctx, const StepWhere *w)
{
	int *backward_calls = ctx;
	return w->backward && ++*backward_calls == 2;
}

/* The training step learns a tiny copy task; a non-finite weight stops
 * the step with nothing applied; eval reports token and sequence accuracy. */
static void test_train_step(void **state)
{
	(void)state;
	S2sConfig c;
	s2s_config_default(&c);
	c.cell = CELL_GRU;
	c.attn = ATTN_DOT;
	c.hidden = 24;
	c.embed = 8;
	c.src_vocab = c.tgt_vocab = 8;
	Rng r;
	rng_seed(&r, 11);
	Err e;
	S2s *m = s2s_new(&c, &r, &e);
	TrainConfig tc;
	train_config_default(&tc);
	tc.optim.lr = 1e-2f;
	tc.loss = LOSS_MSE;	/* ignored: seq2seq is always ce */
	S2sTrainer t;
	assert_int_equal(s2s_trainer_init(&t, m, &tc, 5, &e), 0);
	assert_int_equal(t.cfg.loss, LOSS_CE);
	enum { S = 4, T = 5, B = 16 };
	int32_t src[S * B], tin[T * B], tout[T * B];
	S2sBatch b = { .S = S, .T = T, .B = B, .src = src, .tgt_in = tin, .tgt_out = tout };
	double first = 0, last = 0, acc = 0;
	for (int step = 0; step < 300; step++) {
		memset(tin, 0, sizeof tin);
		memset(tout, 0, sizeof tout);
		memset(src, 0, sizeof src);
		for (int j = 0; j < B; j++) {
			int len = 2 + (int)rng_below(&r, 3);
			tin[j] = S2S_BOS;
			for (int s = 0; s < len; s++) {
				src[s * B + j] = 4 + (int32_t)rng_below(&r, 4);
				tout[s * B + j] = src[s * B + j];
				tin[(s + 1) * B + j] = src[s * B + j];
			}
			tout[len * B + j] = S2S_EOS;
		}
		StepStats st;
		assert_int_equal(s2s_train_step(&t, &b, &st, &acc, &e), 0);
		assert_int_equal(st.step, step + 1);
		if (step == 0)
			first = st.loss;
		last = st.loss;
	}
	assert_true(last < 0.25 * first);
	assert_true(acc > 0.8);
	S2sEval ev = { 0 };
	assert_int_equal(s2s_eval_batch(&t, &b, 1, &ev, &e), 0);
	assert_int_equal(ev.seqs, B);
	assert_true(ev.scored > 0 && ev.correct <= ev.scored);
	assert_true(ev.seq_correct >= B / 2);
	/* a step stopped from inside, in the decoder's backward sweep: nothing applied */
	float *before = malloc(m->nparam * sizeof *before);
	memcpy(before, m->params, m->nparam * sizeof *before);
	int calls = 0;
	stepwatch_set(stop_second_backward, &calls, 0);
	StepStats sst;
	assert_int_equal(s2s_train_step(&t, &b, &sst, NULL, &e), ERR_STOPPED);
	stepwatch_set(NULL, NULL, 0);
	assert_memory_equal(before, m->params, m->nparam * sizeof *before);
	assert_int_equal(t.step, 300);
	free(before);
	/* the guard */
	float *keep = malloc(m->nparam * sizeof *keep);
	memcpy(keep, m->params, m->nparam * sizeof *keep);
	m->p.head_w[0] = NAN;
	keep[m->p.head_w - m->params] = NAN;
	StepStats st;
	assert_int_equal(s2s_train_step(&t, &b, &st, NULL, &e), ERR_NUMERIC);
	assert_memory_equal(keep, m->params, m->nparam * sizeof *keep);
	assert_int_equal(t.step, 300);
	free(keep);
	/* teacher forcing out of range */
	tc.teacher_forcing = 1.5f;
	assert_int_equal(s2s_trainer_configure(&t, &tc, &e), ERR_INVAL);
	assert_string_equal(e.msg, "teacher_forcing must be in [0, 1], got 1.5");
	s2s_trainer_done(&t);
	s2s_free(m);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_and_names),
		cmocka_unit_test(test_pytorch_fixtures),
		cmocka_unit_test(test_gradcheck_all),
		cmocka_unit_test(test_teacher_forcing_ratio),
		cmocka_unit_test(test_detects_wrong_gradient),
		cmocka_unit_test(test_state_gradient),
		cmocka_unit_test(test_bad_batch),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_beam_exhaustive),
		cmocka_unit_test(test_train_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
