/* model.c — configuration, the flat parameter block, its names and init. */
#include "model.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cell_names[CELL_COUNT] = { "rnn", "lstm", "gru" };
const char *const act_names[ACT_COUNT] = { "tanh", "relu" };
const char *const init_names[INIT_COUNT] = { "default", "xavier", "orthogonal", "identity" };

int model_gates(CellKind cell)
{
	static const int g[CELL_COUNT] = { 1, 4, 3 };
	return g[cell];
}

void model_config_default(ModelConfig *c)
{
	memset(c, 0, sizeof *c);
	c->cell = CELL_LSTM;
	c->act = ACT_TANH;
	c->hidden = 32;
	c->layers = 1;
	c->init = INIT_DEFAULT;
	c->forget_bias = NAN;
}

static int check_range(Err *e, const char *key, long v, long lo, long hi)
{
	if (v < lo || v > hi)
		return err_set(e, ERR_INVAL, "%s must be between %ld and %ld, got %ld", key, lo, hi, v);
	return 0;
}

int model_config_check(const ModelConfig *c, Err *e)
{
	int rc;
	if ((unsigned)c->cell >= CELL_COUNT)
		return err_set(e, ERR_INVAL, "unknown cell (choices: rnn, lstm, gru)");
	if ((unsigned)c->act >= ACT_COUNT)
		return err_set(e, ERR_INVAL, "unknown act (choices: tanh, relu)");
	if (c->act != ACT_TANH && c->cell != CELL_RNN)
		return err_set(e, ERR_INVAL, "act=%s applies to rnn only (lstm and gru have fixed gates)", act_names[c->act]);
	if ((unsigned)c->init >= INIT_COUNT)
		return err_set(e, ERR_INVAL, "unknown init (choices: default, xavier, orthogonal, identity)");
	if ((rc = check_range(e, "hidden", c->hidden, 1, MODEL_MAX_HIDDEN)) ||
	    (rc = check_range(e, "layers", c->layers, 1, MODEL_MAX_LAYERS)) ||
	    (rc = check_range(e, "out", c->out, 0, MODEL_MAX_VOCAB)))
		return rc;
	if (c->vocab || c->embed) {
		if (c->in)
			return err_set(e, ERR_INVAL, "a token model takes vocab= and embed=, not in=");
		if ((rc = check_range(e, "vocab", c->vocab, 1, MODEL_MAX_VOCAB)) ||
		    (rc = check_range(e, "embed", c->embed, 1, MODEL_MAX_HIDDEN)))
			return rc;
	} else if ((rc = check_range(e, "in", c->in, 1, MODEL_MAX_HIDDEN))) {
		return rc;
	}
	if (!(c->dropout >= 0.0f && c->dropout < 1.0f))
		return err_set(e, ERR_INVAL, "dropout must be in [0, 1), got %g", c->dropout);
	if (!(c->radius >= 0.0f && c->radius <= 1e3f))
		return err_set(e, ERR_INVAL, "radius must be between 0 (off) and 1000, got %g", c->radius);
	if (!isnan(c->forget_bias) && c->cell != CELL_LSTM)
		return err_set(e, ERR_INVAL, "forget_bias applies to lstm only");
	if (!isnan(c->forget_bias) && !(fabsf(c->forget_bias) <= 100.0f))
		return err_set(e, ERR_INVAL, "forget_bias must be between -100 and 100, got %g", c->forget_bias);
	size_t n = model_config_nparam(c);
	if (n == 0 || n > MODEL_MAX_PARAMS)
		return err_set(e, ERR_NOMEM, "the model would need %.1f GiB for parameters, gradients and Adam's state "
			       "(limit %.0f GiB)", (double)(n ? n : SIZE_MAX / 16) * 16.0 / (1 << 30),
			       (double)MODEL_MAX_PARAMS * 16.0 / (1 << 30));
	return 0;
}

/* Walk the layout once; with m != NULL also record names and views.  The
 * recurrent tensors are named pre + "weight_ih_l0" etc. */
static size_t layout(const ModelConfig *c, Model *m, const char *pre)
{
	size_t off = 0;
	size_t G = (size_t)model_gates(c->cell), H = (size_t)c->hidden;
	int nt = 0;
#define ADD(NAME_FMT, K, ND, S0, S1, PV, GV)                                        \
	do {                                                                        \
		size_t sz_ = (size_t)(S0) * (size_t)((ND) == 2 ? (S1) : 1);          \
		if (m) {                                                            \
			ParamInfo *t_ = &m->tensors[nt];                            \
			snprintf(t_->name, sizeof t_->name, NAME_FMT, K);           \
			t_->ndim = (ND);                                            \
			t_->shape[0] = (int)(S0);                                   \
			t_->shape[1] = (ND) == 2 ? (int)(S1) : 0;                   \
			t_->offset = off;                                           \
			t_->size = sz_;                                             \
			PV = m->params + off;                                       \
			GV = m->grads + off;                                        \
		}                                                                   \
		nt++;                                                               \
		off += sz_;                                                         \
	} while (0)
	float *dummy_p, *dummy_g;
	char nm[40];
	(void)dummy_p; (void)dummy_g;
	if (c->vocab)
		ADD("embed.weight%.0d", 0, 2, c->vocab, c->embed, m->p.embed, m->g.embed);
	for (int k = 0; k < c->layers; k++) {
		size_t in = k == 0 ? (size_t)(c->vocab ? c->embed : c->in) : H;
		LayerView *lp = m ? &m->p.layer[k] : NULL, *lg = m ? &m->g.layer[k] : NULL;
		if (in && (in * G * H) / in != G * H)
			return 0;
#define NM(WHAT) (snprintf(nm, sizeof nm, "%s" WHAT "%d", pre, k), nm)
		ADD("%s", NM("weight_ih_l"), 2, G * H, in, lp->w_ih, lg->w_ih);
		ADD("%s", NM("weight_hh_l"), 2, G * H, H, lp->w_hh, lg->w_hh);
		ADD("%s", NM("bias_ih_l"), 1, G * H, 0, lp->b_ih, lg->b_ih);
		ADD("%s", NM("bias_hh_l"), 1, G * H, 0, lp->b_hh, lg->b_hh);
		if (c->layernorm) {
			ADD("%s", NM("ln_weight_l"), 1, G * H, 0, lp->ln_w, lg->ln_w);
			ADD("%s", NM("ln_bias_l"), 1, G * H, 0, lp->ln_b, lg->ln_b);
		}
#undef NM
	}
	if (c->out) {
		ADD("head.weight%.0d", 0, 2, c->out, H, m->p.head_w, m->g.head_w);
		ADD("head.bias%.0d", 0, 1, c->out, 0, m->p.head_b, m->g.head_b);
	}
#undef ADD
	if (m)
		m->ntensors = nt;
	return off;
}

size_t model_config_nparam(const ModelConfig *c)
{
	return layout(c, NULL, "rnn.");
}

const ParamInfo *tensor_find(const ParamInfo *tensors, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(tensors[i].name, name) == 0)
			return &tensors[i];
	return NULL;
}

Model *model_new(const ModelConfig *c, Rng *rng, Err *e)
{
	if (model_config_check(c, e))
		return NULL;
	Model *m = calloc(1, sizeof *m);
	if (!m) {
		err_set(e, ERR_NOMEM, "out of memory for the model");
		return NULL;
	}
	m->cfg = *c;
	m->gates = model_gates(c->cell);
	m->in0 = c->vocab ? c->embed : c->in;
	m->nparam = model_config_nparam(c);
	m->params = malloc(m->nparam * sizeof(float));
	m->grads = calloc(m->nparam, sizeof(float));
	if (!m->params || !m->grads) {
		err_set(e, ERR_NOMEM, "out of memory for %zu parameters (%.1f MiB)",
			m->nparam, (double)m->nparam * 8 / (1 << 20));
		model_free(m);
		return NULL;
	}
	layout(c, m, "rnn.");
	model_init_params(m, rng);
	return m;
}

void model_init_views(Model *m, const ModelConfig *c, const char *prefix, float *params, float *grads)
{
	memset(m, 0, sizeof *m);
	m->cfg = *c;
	m->gates = model_gates(c->cell);
	m->in0 = c->vocab ? c->embed : c->in;
	m->nparam = model_config_nparam(c);
	m->params = params;
	m->grads = grads;
	layout(c, m, prefix);
}

void model_free(Model *m)
{
	if (!m)
		return;
	free(m->params);
	free(m->grads);
	free(m);
}

void model_zero_grad(Model *m)
{
	memset(m->grads, 0, m->nparam * sizeof(float));
}

static void fill_uniform(float *a, size_t n, float bound, Rng *rng)
{
	for (size_t i = 0; i < n; i++)
		a[i] = rng_range(rng, -bound, bound);
}

/* Orthogonal n x n block into a (row stride n): QR of a Gaussian matrix by
 * modified Gram-Schmidt in double, columns signed by diag(R) as PyTorch. */
static void fill_orthogonal(float *a, int n, Rng *rng)
{
	double *q = malloc((size_t)n * n * sizeof *q);
	if (!q) {
		fill_uniform(a, (size_t)n * n, 1.0f / sqrtf((float)n), rng);
		return;
	}
	for (size_t i = 0; i < (size_t)n * n; i++)
		q[i] = rng_normal(rng);
	/* Orthonormalise the columns of q (column j = q[i*n + j]). */
	for (int j = 0; j < n; j++) {
		for (int k = 0; k < j; k++) {
			double d = 0;
			for (int i = 0; i < n; i++)
				d += q[i * n + k] * q[i * n + j];
			for (int i = 0; i < n; i++)
				q[i * n + j] -= d * q[i * n + k];
		}
		double nrm = 0;
		for (int i = 0; i < n; i++)
			nrm += q[i * n + j] * q[i * n + j];
		nrm = sqrt(nrm);
		if (nrm < 1e-12)
			nrm = 1;
		for (int i = 0; i < n; i++)
			q[i * n + j] /= nrm;
	}
	for (size_t i = 0; i < (size_t)n * n; i++)
		a[i] = (float)q[i];
	free(q);
}

double mat_spectral_radius(const float *a, int n)
{
	size_t nn = (size_t)n * n;
	double *x = malloc(nn * sizeof *x), *y = malloc(nn * sizeof *y);
	if (!x || !y) {
		free(x);
		free(y);
		return NAN;
	}
	for (size_t i = 0; i < nn; i++)
		x[i] = a[i];
	/* log ||A^k|| accumulated with a normalisation each squaring:
	 * X_0 = A/s_0, X_{j+1} = X_j^2 / s_{j+1}; A^(2^j) = X_j * prod s_i^(2^(j-i)). */
	double logscale = 0, est = 0;
	const int rounds = 12;
	for (int j = 0;; j++) {
		double f = 0;
		for (size_t i = 0; i < nn; i++)
			f += x[i] * x[i];
		f = sqrt(f);
		if (f == 0 || !isfinite(f)) {
			est = f == 0 ? 0 : NAN;
			break;
		}
		for (size_t i = 0; i < nn; i++)
			x[i] /= f;
		/* Now ||A^(2^j)|| = exp(logscale*...) tracked as log of 2^j-th root. */
		logscale += log(f) / ldexp(1.0, j);
		if (j == rounds) {
			est = exp(logscale);
			break;
		}
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, x, n, x, n, 0.0, y, n);
		double *t = x;
		x = y;
		y = t;
	}
	free(x);
	free(y);
	return est;
}

void model_init_params(Model *m, Rng *rng)
{
	const ModelConfig *c = &m->cfg;
	const int H = c->hidden, G = m->gates;
	const float k = 1.0f / sqrtf((float)H);
	memset(m->params, 0, m->nparam * sizeof(float));
	if (m->p.embed)		/* nn.Embedding: N(0, 1) */
		for (size_t i = 0; i < (size_t)c->vocab * c->embed; i++)
			m->p.embed[i] = rng_normal(rng);
	for (int l = 0; l < c->layers; l++) {
		LayerView *v = &m->p.layer[l];
		int in = l == 0 ? m->in0 : H;
		size_t nih = (size_t)G * H * in, nhh = (size_t)G * H * H;
		switch (c->init) {
		case INIT_DEFAULT:
			fill_uniform(v->w_ih, nih, k, rng);
			fill_uniform(v->w_hh, nhh, k, rng);
			fill_uniform(v->b_ih, (size_t)G * H, k, rng);
			fill_uniform(v->b_hh, (size_t)G * H, k, rng);
			break;
		case INIT_XAVIER:
			fill_uniform(v->w_ih, nih, sqrtf(6.0f / (float)(in + H)), rng);
			fill_uniform(v->w_hh, nhh, sqrtf(6.0f / (float)(H + H)), rng);
			break;
		case INIT_ORTHOGONAL:
			fill_uniform(v->w_ih, nih, sqrtf(6.0f / (float)(in + H)), rng);
			for (int g = 0; g < G; g++)
				fill_orthogonal(v->w_hh + (size_t)g * H * H, H, rng);
			break;
		case INIT_IDENTITY:
			fill_uniform(v->w_ih, nih, k, rng);
			for (int g = 0; g < G; g++)
				for (int i = 0; i < H; i++)
					v->w_hh[(size_t)g * H * H + (size_t)i * H + i] = 1.0f;
			break;
		default:
			break;
		}
		if (c->radius > 0) {
			for (int g = 0; g < G; g++) {
				float *blk = v->w_hh + (size_t)g * H * H;
				double r = mat_spectral_radius(blk, H);
				if (r > 0 && isfinite(r))
					for (size_t i = 0; i < (size_t)H * H; i++)
						blk[i] = (float)(blk[i] * (c->radius / r));
			}
		}
		if (c->cell == CELL_LSTM && !isnan(c->forget_bias))
			for (int i = 0; i < H; i++) {
				v->b_ih[H + i] = c->forget_bias;
				v->b_hh[H + i] = 0.0f;
			}
		if (v->ln_w)
			for (int i = 0; i < G * H; i++)
				v->ln_w[i] = 1.0f;
	}
	if (m->p.head_w) {	/* nn.Linear: U(+-1/sqrt(fan_in)) for both */
		fill_uniform(m->p.head_w, (size_t)c->out * H, k, rng);
		fill_uniform(m->p.head_b, (size_t)c->out, k, rng);
	}
	model_zero_grad(m);
}
