/* seq2seq.c — the seq2seq model: its parameter block, trace, forward and
 * backward passes (the equations are in seq2seq.h).  Decoding is in
 * s2s_decode.c, training and evaluation in s2s_train.c. */
#include "seq2seq.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "s2s_priv.h"
#include "vmath.h"

const char *const attn_names[ATTN_COUNT] = { "none", "dot", "general" };

void s2s_config_default(S2sConfig *c)
{
	memset(c, 0, sizeof *c);
	c->cell = CELL_LSTM;
	c->hidden = 64;
	c->embed = 32;
	c->layers = 1;
	c->attn = ATTN_NONE;
}

/* The configuration of the encoder and of the decoder: E inputs, no head. */
static void rnn_config(const S2sConfig *c, ModelConfig *r)
{
	model_config_default(r);
	r->cell = c->cell;
	r->in = c->embed;
	r->hidden = c->hidden;
	r->layers = c->layers;
	r->out = 0;
}

static int check_range(Err *e, const char *key, long v, long lo, long hi)
{
	if (v < lo || v > hi)
		return err_set(e, ERR_INVAL, "%s must be between %ld and %ld, got %ld", key, lo, hi, v);
	return 0;
}

int s2s_config_check(const S2sConfig *c, Err *e)
{
	int rc;
	if ((unsigned)c->cell >= CELL_COUNT)
		return err_set(e, ERR_INVAL, "unknown cell (choices: rnn, lstm, gru)");
	if ((unsigned)c->attn >= ATTN_COUNT)
		return err_set(e, ERR_INVAL, "unknown attention (choices: none, dot, general)");
	if ((rc = check_range(e, "hidden", c->hidden, 1, MODEL_MAX_HIDDEN)) ||
	    (rc = check_range(e, "embed", c->embed, 1, MODEL_MAX_HIDDEN)) ||
	    (rc = check_range(e, "layers", c->layers, 1, MODEL_MAX_LAYERS)) ||
	    (rc = check_range(e, "src_vocab", c->src_vocab, 4, MODEL_MAX_VOCAB)) ||
	    (rc = check_range(e, "tgt_vocab", c->tgt_vocab, 4, MODEL_MAX_VOCAB)))
		return rc;
	size_t n = s2s_config_nparam(c);
	if (n == 0 || n > MODEL_MAX_PARAMS)
		return err_set(e, ERR_NOMEM, "the model would need %.1f GiB for parameters and gradients (limit %.0f GiB)",
			       (double)n * 8.0 / (1 << 30), (double)MODEL_MAX_PARAMS * 8.0 / (1 << 30));
	return 0;
}

/* Walk the block's layout; with m != NULL record names and views. */
static size_t layout(const S2sConfig *c, S2s *m)
{
	const size_t H = (size_t)c->hidden, E = (size_t)c->embed;
	const size_t Vs = (size_t)c->src_vocab, Vt = (size_t)c->tgt_vocab;
	size_t off = 0;
	int nt = 0;
	ModelConfig r;
	rnn_config(c, &r);
	const size_t nr = model_config_nparam(&r);
#define ADD(NAME, ND, S0, S1, FIELD)                                        \
	do {                                                                \
		size_t sz_ = (size_t)(S0) * ((ND) == 2 ? (size_t)(S1) : 1); \
		if (m) {                                                    \
			ParamInfo *t_ = &m->tensors[nt];                    \
			snprintf(t_->name, sizeof t_->name, "%s", NAME);    \
			t_->ndim = (ND);                                    \
			t_->shape[0] = (int)(S0);                           \
			t_->shape[1] = (ND) == 2 ? (int)(S1) : 0;           \
			t_->offset = off;                                   \
			t_->size = sz_;                                     \
			m->p.FIELD = m->params + off;                       \
			m->g.FIELD = m->grads + off;                        \
		}                                                           \
		nt++;                                                       \
		off += sz_;                                                 \
	} while (0)
	ADD("src_embed.weight", 2, Vs, E, src_embed);
	ADD("tgt_embed.weight", 2, Vt, E, tgt_embed);
	for (int side = 0; side < 2; side++) {
		if (m) {
			Model *rm = side ? &m->dec : &m->enc;
			model_init_views(rm, &r, side ? "decoder." : "encoder.", m->params + off, m->grads + off);
			for (int i = 0; i < rm->ntensors; i++) {
				m->tensors[nt + i] = rm->tensors[i];
				m->tensors[nt + i].offset += off;
			}
		}
		nt += 4 * c->layers;
		off += nr;
	}
	if (c->attn != ATTN_NONE)
		ADD("attn.weight", 2, H, 2 * H, attn_w);
	if (c->attn == ATTN_GENERAL)
		ADD("attn_score.weight", 2, H, H, attn_score);
	ADD("head.weight", 2, Vt, H, head_w);
	ADD("head.bias", 1, Vt, 0, head_b);
#undef ADD
	if (m)
		m->ntensors = nt;
	return nr ? off : 0;
}

size_t s2s_config_nparam(const S2sConfig *c)
{
	return layout(c, NULL);
}

S2s *s2s_new(const S2sConfig *c, Rng *rng, Err *e)
{
	if (s2s_config_check(c, e))
		return NULL;
	S2s *m = calloc(1, sizeof *m);
	if (!m) {
		err_set(e, ERR_NOMEM, "out of memory for the model");
		return NULL;
	}
	m->cfg = *c;
	m->nparam = s2s_config_nparam(c);
	m->params = malloc(m->nparam * sizeof(float));
	m->grads = calloc(m->nparam, sizeof(float));
	if (!m->params || !m->grads) {
		err_set(e, ERR_NOMEM, "out of memory for %zu parameters (%.1f MiB)", m->nparam,
			(double)m->nparam * 8 / (1 << 20));
		s2s_free(m);
		return NULL;
	}
	layout(c, m);
	s2s_init_params(m, rng);
	return m;
}

void s2s_free(S2s *m)
{
	if (!m)
		return;
	free(m->params);
	free(m->grads);
	free(m);
}

void s2s_zero_grad(S2s *m)
{
	memset(m->grads, 0, m->nparam * sizeof(float));
}

static void fill_uniform(float *a, size_t n, float bound, Rng *rng)
{
	for (size_t i = 0; i < n; i++)
		a[i] = rng_range(rng, -bound, bound);
}

void s2s_init_params(S2s *m, Rng *rng)
{
	const S2sConfig *c = &m->cfg;
	const size_t H = (size_t)c->hidden, E = (size_t)c->embed;
	for (size_t i = 0; i < (size_t)c->src_vocab * E; i++)	/* nn.Embedding: N(0, 1) */
		m->p.src_embed[i] = rng_normal(rng);
	for (size_t i = 0; i < (size_t)c->tgt_vocab * E; i++)
		m->p.tgt_embed[i] = rng_normal(rng);
	model_init_params(&m->enc, rng);
	model_init_params(&m->dec, rng);
	/* nn.Linear: U(+-1/sqrt(fan_in)) */
	if (m->p.attn_w)
		fill_uniform(m->p.attn_w, 2 * H * H, 1.0f / sqrtf(2.0f * (float)H), rng);
	if (m->p.attn_score)
		fill_uniform(m->p.attn_score, H * H, 1.0f / sqrtf((float)H), rng);
	fill_uniform(m->p.head_w, (size_t)c->tgt_vocab * H, 1.0f / sqrtf((float)H), rng);
	fill_uniform(m->p.head_b, (size_t)c->tgt_vocab, 1.0f / sqrtf((float)H), rng);
	s2s_zero_grad(m);
}

/* ---- trace ---- */

static size_t maxz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* Walk the trace layout for capacity (S, T, B); with tr assign pointers. */
static size_t trace_layout(const S2s *m, int S, int T, int B, S2sTrace *tr)
{
	const S2sConfig *c = &m->cfg;
	const size_t H = (size_t)c->hidden, E = (size_t)c->embed, V = (size_t)c->tgt_vocab;
	const size_t GH = (size_t)model_gates(c->cell) * H, L = (size_t)c->layers;
	const size_t rs = (size_t)S * B, rt = (size_t)T * B, R = maxz(rs, rt), BH = (size_t)B * H;
	const int lstm = c->cell == CELL_LSTM, gru = c->cell == CELL_GRU;
	size_t off = 0;
#define TAKE(PTR, N)                                   \
	do {                                           \
		if (tr)                                \
			(PTR) = tr->mem + off;         \
		off += (N);                            \
	} while (0)
	TAKE(tr->xe, rs * E);
	TAKE(tr->xd, rt * E);
	for (int side = 0; side < 2; side++)
		for (size_t k = 0; k < L; k++) {
			LayerTrace *lt = tr ? (side ? &tr->dec[k] : &tr->enc[k]) : NULL;
			size_t rows = side ? rt : rs;
			TAKE(lt->act, rows * GH);
			TAKE(lt->h, rows * H + BH);
			if (lstm) {
				TAKE(lt->c, rows * H + BH);
				TAKE(lt->tc, rows * H);
			}
			if (gru)
				TAKE(lt->hn, rows * H);
			TAKE(lt->dh, rows * H);
		}
	if (c->attn != ATTN_NONE) {
		if (c->attn == ATTN_GENERAL) {
			TAKE(tr->keys, rs * H);
			TAKE(tr->dkeys, rs * H);
		}
		TAKE(tr->attn, rt * S);
		TAKE(tr->dattn, rt * S);
		TAKE(tr->ctx, rt * H);
		TAKE(tr->dctx, rt * H);
		TAKE(tr->ht, rt * H);
		TAKE(tr->dht, rt * H);
	}
	TAKE(tr->logits, rt * V);
	TAKE(tr->dlogits, rt * V);
	TAKE(tr->yf, rt);
	TAKE(tr->dtop, rt * H);
	TAKE(tr->dhbar, rs * H);
	TAKE(tr->dbuf[0], R * maxz(E, H));
	TAKE(tr->dbuf[1], R * maxz(E, H));
	TAKE(tr->da, R * GH);
	if (gru)
		TAKE(tr->dah, R * GH);
	TAKE(tr->carry_h, BH);
	TAKE(tr->dh0, L * BH);
	if (lstm) {
		TAKE(tr->carry_c, BH);
		TAKE(tr->dc0, L * BH);
	}
	TAKE(tr->tmp, (size_t)B * GH);
#undef TAKE
	return off;
}

S2sTrace *s2s_trace_new(const S2s *m, int S, int T, int B, Err *e)
{
	if (S < 1 || T < 1 || B < 1) {
		err_set(e, ERR_INVAL, "source length, target length and batch must be at least 1, got %d, %d and %d",
			S, T, B);
		return NULL;
	}
	size_t n = trace_layout(m, S, T, B, NULL);
	S2sTrace *tr = calloc(1, sizeof *tr);
	float *mem = tr ? calloc(n, sizeof(float)) : NULL;
	int32_t *ids = mem ? malloc(((size_t)S + T) * B * sizeof *ids) : NULL;
	if (!ids) {
		free(mem);
		free(tr);
		err_set(e, ERR_NOMEM, "out of memory for activations: %zu floats (%.1f MiB) for S=%d, T=%d, B=%d", n,
			(double)n * 4 / (1 << 20), S, T, B);
		return NULL;
	}
	tr->mem = mem;
	tr->memsize = n;
	tr->src = ids;
	tr->dtok = ids + (size_t)S * B;
	tr->Scap = S;
	tr->Tcap = T;
	tr->Bcap = B;
	trace_layout(m, S, T, B, tr);
	return tr;
}

void s2s_trace_free(S2sTrace *tr)
{
	if (!tr)
		return;
	free(tr->mem);
	free(tr->src);
	free(tr);
}

int s2s_trace_reserve(S2sTrace **tr, const S2s *m, int S, int T, int B, Err *e)
{
	S2sTrace *o = *tr;
	if (o && o->Scap >= S && o->Tcap >= T && o->Bcap >= B)
		return 0;
	S2sTrace *n = s2s_trace_new(m, o && o->Scap > S ? o->Scap : S, o && o->Tcap > T ? o->Tcap : T,
				    o && o->Bcap > B ? o->Bcap : B, e);
	if (!n)
		return ERR_NOMEM;
	s2s_trace_free(o);
	*tr = n;
	return 0;
}

int s2s_check_ids(const int32_t *ids, int T, int B, int V, const char *what, Err *e)
{
	for (size_t i = 0; i < (size_t)T * B; i++)
		if (ids[i] < 0 || ids[i] >= V)
			return err_set(e, ERR_INVAL, "%s id %d at t=%zu, b=%zu is outside the vocabulary [0, %d)", what,
				       ids[i], i / B, i % B, V);
	return 0;
}

int s2s_check_batch(const S2s *m, const S2sBatch *b, Err *e)
{
	int rc;
	if (b->S < 1 || b->T < 1 || b->B < 1)
		return err_set(e, ERR_INVAL, "a batch needs at least one source step, one target step and one sequence, "
			       "got S=%d, T=%d, B=%d", b->S, b->T, b->B);
	if (!b->src || !b->tgt_in)
		return err_set(e, ERR_INVAL, "a seq2seq batch needs src and tgt_in");
	if ((rc = s2s_check_ids(b->src, b->S, b->B, m->cfg.src_vocab, "src", e)) ||
	    (rc = s2s_check_ids(b->tgt_in, b->T, b->B, m->cfg.tgt_vocab, "tgt_in", e)))
		return rc;
	if (b->tgt_out && (rc = s2s_check_ids(b->tgt_out, b->T, b->B, m->cfg.tgt_vocab, "tgt_out", e)))
		return rc;
	return 0;
}

/* ---- forward ---- */

/* out[r] = table[ids[r]] for n rows of E floats. */
void s2s_embed_rows(float *out, const float *table, const int32_t *ids, size_t n, int E)
{
	for (size_t r = 0; r < n; r++)
		memcpy(out + r * E, table + (size_t)ids[r] * E, (size_t)E * sizeof(float));
}

/* Encoder over src [S, B]; keys for general attention; the decoder's
 * initial state = the encoder's final state of every layer. */
void s2s_encode(const S2s *m, S2sTrace *tr, const int32_t *src, int S, int B)
{
	const S2sConfig *c = &m->cfg;
	const int H = c->hidden, L = c->layers;
	const size_t BH = (size_t)B * H;
	tr->S = S;
	tr->B = B;
	memcpy(tr->src, src, (size_t)S * B * sizeof *src);
	s2s_embed_rows(tr->xe, m->p.src_embed, src, (size_t)S * B, c->embed);
	for (int k = 0; k < L; k++) {
		LayerTrace *lt = &tr->enc[k];
		lt->x = k ? tr->enc[k - 1].h + BH : tr->xe;
		memset(lt->h, 0, BH * sizeof(float));
		if (lt->c)
			memset(lt->c, 0, BH * sizeof(float));
		cell_forward(&m->enc, k, lt, S, B, tr->tmp);
		lt->y = lt->h + BH;
	}
	tr->hbar = tr->enc[L - 1].h + BH;
	if (tr->keys)		/* keys = hbar W_a^T: row (s, b) is W_a hbar_s */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, S * B, H, H, 1.0f, tr->hbar, H,
			    m->p.attn_score, H, 0.0f, tr->keys, H);
	for (int k = 0; k < L; k++) {
		LayerTrace *lt = &tr->dec[k];
		memcpy(lt->h, tr->enc[k].h + (size_t)S * BH, BH * sizeof(float));
		if (lt->c)
			memcpy(lt->c, tr->enc[k].c + (size_t)S * BH, BH * sizeof(float));
		lt->x = k ? tr->dec[k - 1].h + BH : tr->xd;
		lt->y = lt->h + BH;
	}
	tr->htop = tr->dec[L - 1].h + BH;
}

/* Softmax over the S entries of one row, PAD source positions excluded
 * (weight 0); a row with no real position gets all zeros. */
static void softmax_masked(float *row, const int32_t *src, int b, int B, int S)
{
	float mx = -INFINITY;
	for (int s = 0; s < S; s++)
		if (src[(size_t)s * B + b] != S2S_PAD && row[s] > mx)
			mx = row[s];
	if (mx == -INFINITY) {
		memset(row, 0, (size_t)S * sizeof *row);
		return;
	}
	float z = 0;
	for (int s = 0; s < S; s++) {
		row[s] = src[(size_t)s * B + b] == S2S_PAD ? 0.0f : expf(row[s] - mx);
		z += row[s];
	}
	const float inv = 1.0f / z;
	for (int s = 0; s < S; s++)
		row[s] *= inv;
}

/* Attention for decoder steps [t0, t0 + n): weights, context, htilde. */
static void attend(const S2s *m, S2sTrace *tr, int t0, int n)
{
	const int S = tr->S, B = tr->B, H = m->cfg.hidden;
	const int BH = B * H, BS = B * S, rows = n * B;
	const size_t r0 = (size_t)t0 * B;
	const float *keys = tr->keys ? tr->keys : tr->hbar;
	const float *h = tr->htop + r0 * H;
	float *a = tr->attn + r0 * S, *ctx = tr->ctx + r0 * H, *ht = tr->ht + r0 * H;
	/* per sequence b: scores [n, S] = h_b [n, H] keys_b^T; strided rows */
	for (int b = 0; b < B; b++)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, S, H, 1.0f, h + (size_t)b * H, BH,
			    keys + (size_t)b * H, BH, 0.0f, a + (size_t)b * S, BS);
	for (int r = 0; r < rows; r++)
		softmax_masked(a + (size_t)r * S, tr->src, r % B, B, S);
	/* ctx_b [n, H] = a_b [n, S] hbar_b [S, H] */
	for (int b = 0; b < B; b++)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, H, S, 1.0f, a + (size_t)b * S, BS,
			    tr->hbar + (size_t)b * H, BH, 0.0f, ctx + (size_t)b * H, BH);
	/* htilde = tanh(ctx W_c[:, :H]^T + h W_c[:, H:]^T) */
	const float *W = m->p.attn_w;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, H, H, 1.0f, ctx, H, W, 2 * H, 0.0f, ht, H);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, H, H, 1.0f, h, H, W + H, 2 * H, 1.0f, ht, H);
	for (size_t i = 0; i < (size_t)rows * H; i++)
		ht[i] = vtanhf(ht[i]);
}

/* Decoder steps [t0, t0 + n) from the embedded inputs already in xd:
 * every layer, the attention, the head. */
void s2s_decode_steps(const S2s *m, S2sTrace *tr, int t0, int n)
{
	const S2sConfig *c = &m->cfg;
	const int B = tr->B, H = c->hidden, V = c->tgt_vocab;
	const size_t GH = (size_t)model_gates(c->cell) * H, r0 = (size_t)t0 * B, rows = (size_t)n * B;
	for (int k = 0; k < c->layers; k++) {
		LayerTrace v = tr->dec[k];	/* a view starting at step t0 */
		v.x += r0 * (size_t)(k ? H : c->embed);
		v.act += r0 * GH;
		v.h += r0 * H;
		if (v.c) {
			v.c += r0 * H;
			v.tc += r0 * H;
		}
		if (v.hn)
			v.hn += r0 * H;
		cell_forward(&m->dec, k, &v, n, B, tr->tmp);
	}
	if (c->attn != ATTN_NONE)
		attend(m, tr, t0, n);
	const float *in = (c->attn != ATTN_NONE ? tr->ht : tr->htop) + r0 * H;
	float *lg = tr->logits + r0 * V;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, V, H, 1.0f, in, H, m->p.head_w, H, 0.0f,
		    lg, V);
	for (size_t r = 0; r < rows; r++)
		for (int j = 0; j < V; j++)
			lg[r * V + j] += m->p.head_b[j];
}

static void score(const S2s *m, S2sTrace *tr, const int32_t *tgt_out)
{
	const int V = m->cfg.tgt_vocab;
	const size_t rows = (size_t)tr->T * tr->B;
	for (size_t r = 0; r < rows; r++)
		tr->yf[r] = (float)tgt_out[r];
	tr->loss = loss_forward_backward(LOSS_CE, tr->logits, tr->yf, (int)rows, V, S2S_PAD, tr->dlogits,
					 &tr->scored);
	tr->correct = 0;
	for (size_t r = 0; r < rows; r++)
		if (tgt_out[r] != S2S_PAD)
			tr->correct += vec_argmax(tr->logits + r * V, V) == tgt_out[r];
}

int s2s_forward(const S2s *m, S2sTrace *tr, const S2sBatch *b, float teacher, Rng *rng, Err *e)
{
	const int S = b->S, T = b->T, B = b->B, E = m->cfg.embed, V = m->cfg.tgt_vocab;
	if (S > tr->Scap || T > tr->Tcap || B > tr->Bcap)
		return err_set(e, ERR_STATE, "batch S=%d, T=%d, B=%d exceeds the trace (S=%d, T=%d, B=%d)", S, T, B,
			       tr->Scap, tr->Tcap, tr->Bcap);
	if (!b->tgt_in)
		return err_set(e, ERR_INVAL, "a seq2seq forward pass needs tgt_in");
	tr->T = T;
	s2s_encode(m, tr, b->src, S, B);
	if (teacher >= 1.0f || !rng) {
		memcpy(tr->dtok, b->tgt_in, (size_t)T * B * sizeof *tr->dtok);
		s2s_embed_rows(tr->xd, m->p.tgt_embed, tr->dtok, (size_t)T * B, E);
		s2s_decode_steps(m, tr, 0, T);
	} else {
		for (int t = 0; t < T; t++) {
			for (int j = 0; j < B; j++) {
				size_t r = (size_t)t * B + j;
				int32_t tok = b->tgt_in[r];
				if (t > 0 && rng_uniform(rng) >= teacher)
					tok = vec_argmax(tr->logits + (r - B) * V, V);
				tr->dtok[r] = tok;
			}
			s2s_embed_rows(tr->xd + (size_t)t * B * E, m->p.tgt_embed, tr->dtok + (size_t)t * B, (size_t)B,
				       E);
			s2s_decode_steps(m, tr, t, 1);
		}
	}
	tr->loss = 0;
	tr->scored = tr->correct = 0;
	if (b->tgt_out)
		score(m, tr, b->tgt_out);
	return 0;
}

/* ---- backward ---- */

static void colsum_add(float *dst, const float *a, size_t rows, int cols)
{
	for (size_t r = 0; r < rows; r++)
		for (int j = 0; j < cols; j++)
			dst[j] += a[r * cols + j];
}

/* gtable[ids[r]] += d[r] for n rows of E floats. */
static void embed_backward(float *gtable, const int32_t *ids, const float *d, size_t n, int E)
{
	for (size_t r = 0; r < n; r++) {
		float *g = gtable + (size_t)ids[r] * E;
		const float *dr = d + r * E;
		for (int j = 0; j < E; j++)
			g[j] += dr[j];
	}
}

/* From dht (dL/dhtilde, consumed) to dtop (written: the direct part of
 * dL/dh_t) and dhbar (accumulated); attn.weight and attn_score.weight
 * gradients accumulated. */
static void attend_backward(S2s *m, S2sTrace *tr)
{
	const int S = tr->S, T = tr->T, B = tr->B, H = m->cfg.hidden;
	const int BH = B * H, BS = B * S, rt = T * B, rs = S * B;
	const float *W = m->p.attn_w;
	float *gW = m->g.attn_w, *dpre = tr->dht;
	for (size_t i = 0; i < (size_t)rt * H; i++)
		dpre[i] *= 1.0f - tr->ht[i] * tr->ht[i];
	/* W_c = [W1 | W2]: dW1 += dpre^T ctx, dW2 += dpre^T h; dctx = dpre W1, dh = dpre W2 */
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, H, rt, 1.0f, dpre, H, tr->ctx, H, 1.0f, gW, 2 * H);
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, H, rt, 1.0f, dpre, H, tr->htop, H, 1.0f, gW + H,
		    2 * H);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rt, H, H, 1.0f, dpre, H, W, 2 * H, 0.0f, tr->dctx, H);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rt, H, H, 1.0f, dpre, H, W + H, 2 * H, 0.0f, tr->dtop,
		    H);
	/* ctx_b = a_b hbar_b: da_b = dctx_b hbar_b^T, dhbar_b += a_b^T dctx_b */
	for (int b = 0; b < B; b++) {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, S, H, 1.0f, tr->dctx + (size_t)b * H, BH,
			    tr->hbar + (size_t)b * H, BH, 0.0f, tr->dattn + (size_t)b * S, BS);
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, S, H, T, 1.0f, tr->attn + (size_t)b * S, BS,
			    tr->dctx + (size_t)b * H, BH, 1.0f, tr->dhbar + (size_t)b * H, BH);
	}
	/* softmax: dscore = a * (da - sum_s a da); masked positions have a = 0 */
	for (size_t r = 0; r < (size_t)rt; r++) {
		const float *a = tr->attn + r * S;
		float *d = tr->dattn + r * S;
		float dot = 0;
		for (int s = 0; s < S; s++)
			dot += a[s] * d[s];
		for (int s = 0; s < S; s++)
			d[s] = a[s] * (d[s] - dot);
	}
	/* scores_b = h_b keys_b^T: dh_b += ds_b keys_b, dkeys_b = ds_b^T h_b */
	const int general = tr->keys != NULL;
	const float *keys = general ? tr->keys : tr->hbar;
	float *dk = general ? tr->dkeys : tr->dhbar;
	for (int b = 0; b < B; b++) {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, H, S, 1.0f, tr->dattn + (size_t)b * S, BS,
			    keys + (size_t)b * H, BH, 1.0f, tr->dtop + (size_t)b * H, BH);
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, S, H, T, 1.0f, tr->dattn + (size_t)b * S, BS,
			    tr->htop + (size_t)b * H, BH, general ? 0.0f : 1.0f, dk + (size_t)b * H, BH);
	}
	if (general) {	/* keys = hbar W_a^T: dhbar += dkeys W_a, dW_a += dkeys^T hbar */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rs, H, H, 1.0f, tr->dkeys, H,
			    m->p.attn_score, H, 1.0f, tr->dhbar, H);
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, H, rs, 1.0f, tr->dkeys, H, tr->hbar, H, 1.0f,
			    m->g.attn_score, H);
	}
}

void s2s_backward(S2s *m, S2sTrace *tr)
{
	const S2sConfig *c = &m->cfg;
	const int S = tr->S, T = tr->T, B = tr->B, H = c->hidden, E = c->embed, V = c->tgt_vocab;
	const int L = c->layers, attn = c->attn != ATTN_NONE;
	const size_t rt = (size_t)T * B, rs = (size_t)S * B, BH = (size_t)B * H;
	/* head: logits = in W^T + b, in = htilde (attention) or h_t */
	const float *in = attn ? tr->ht : tr->htop;
	float *din = attn ? tr->dht : tr->dtop;
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, V, H, (int)rt, 1.0f, tr->dlogits, V, in, H, 1.0f,
		    m->g.head_w, H);
	colsum_add(m->g.head_b, tr->dlogits, rt, V);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rt, H, V, 1.0f, tr->dlogits, V, m->p.head_w, H,
		    0.0f, din, H);
	memset(tr->dhbar, 0, rs * H * sizeof(float));
	if (attn)
		attend_backward(m, tr);
	/* decoder, top layer down; its initial-state gradient goes to the encoder */
	float *dah = tr->dah ? tr->dah : tr->da;
	const float *dy = tr->dtop;
	int w = 0;
	for (int k = L - 1; k >= 0; k--) {
		float *dx = tr->dbuf[w];
		cell_backward_state(&m->dec, k, &tr->dec[k], T, B, dy, NULL, NULL, dx, tr->da, dah, tr->carry_h,
				    tr->carry_c);
		memcpy(tr->dh0 + k * BH, tr->carry_h, BH * sizeof(float));
		if (tr->dc0)
			memcpy(tr->dc0 + k * BH, tr->carry_c, BH * sizeof(float));
		dy = dx;
		w ^= 1;
	}
	embed_backward(m->g.tgt_embed, tr->dtok, dy, rt, E);
	dy = tr->dhbar;
	for (int k = L - 1; k >= 0; k--) {
		float *dx = tr->dbuf[w];
		cell_backward_state(&m->enc, k, &tr->enc[k], S, B, dy, tr->dh0 + k * BH,
				    tr->dc0 ? tr->dc0 + k * BH : NULL, dx, tr->da, dah, tr->carry_h, tr->carry_c);
		dy = dx;
		w ^= 1;
	}
	embed_backward(m->g.src_embed, tr->src, dy, rs, E);
}
