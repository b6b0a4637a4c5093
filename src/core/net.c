/* net.c — embedding, stacked layers, dropout, residuals, head and loss. */
#include "net.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"

static size_t maxz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* Walk the trace layout for (T, B); with tr != NULL assign the pointers. */
static size_t trace_layout(const Model *m, int T, int B, Trace *tr)
{
	const ModelConfig *c = &m->cfg;
	const size_t H = (size_t)c->hidden, GH = (size_t)m->gates * H, G = (size_t)m->gates;
	const size_t rows = (size_t)T * B, O = c->out ? (size_t)c->out : H;
	const int lstm = c->cell == CELL_LSTM, gru = c->cell == CELL_GRU;
	size_t off = 0;
#define TAKE(PTR, N)                                   \
	do {                                           \
		if (tr)                                \
			(PTR) = tr->mem + off;         \
		off += (N);                            \
	} while (0)
	float *unused = NULL;
	(void)unused;
	TAKE(tr->x0, rows * (size_t)m->in0);	/* the layer-0 input, owned: step and gates read it later */
	for (int k = 0; k < c->layers; k++) {
		LayerTrace *lt = tr ? &tr->lt[k] : NULL;
		TAKE(lt->act, rows * GH);
		TAKE(lt->h, rows * H + (size_t)B * H);
		if (lstm) {
			TAKE(lt->c, rows * H + (size_t)B * H);
			TAKE(lt->tc, rows * H);
		}
		if (gru)
			TAKE(lt->hn, rows * H);
		if (c->layernorm) {
			TAKE(lt->xhat, rows * GH);
			TAKE(lt->rstd, rows * G);
		}
		if (c->residual && k > 0)
			TAKE(lt->ybuf, rows * H);
		if (c->dropout > 0 && k < c->layers - 1) {
			TAKE(lt->mask, rows * H);
			TAKE(lt->yd, rows * H);
		}
		TAKE(lt->dh, rows * H);
	}
	if (c->out)
		TAKE(tr->logits, rows * O);
	TAKE(tr->dlogits, rows * O);
	size_t wide = maxz((size_t)m->in0, H);
	TAKE(tr->dy, rows * wide);
	TAKE(tr->dx, rows * wide);
	TAKE(tr->da, rows * GH);
	if (gru)
		TAKE(tr->dah, rows * GH);
	TAKE(tr->carry_h, (size_t)B * H);
	if (lstm)
		TAKE(tr->carry_c, (size_t)B * H);
	TAKE(tr->tmp, (size_t)B * GH);
#undef TAKE
	return off;
}

size_t trace_size(const Model *m, int T, int B)
{
	return trace_layout(m, T, B, NULL);
}

Trace *trace_new(const Model *m, int T, int B, Err *e)
{
	if (T < 1 || B < 1) {
		err_set(e, ERR_INVAL, "sequence length and batch must be at least 1, got %d and %d", T, B);
		return NULL;
	}
	size_t n = trace_size(m, T, B);
	if (n > TRACE_MAX_FLOATS) {
		err_set(e, ERR_NOMEM, "training T=%d, B=%d would keep %.1f GiB of activations (limit %.0f GiB): "
			"shorten the sequences, lower batch, or set bptt=checkpoint", T, B,
			(double)n * 4 / (1 << 30), (double)TRACE_MAX_FLOATS * 4 / (1 << 30));
		return NULL;
	}
	Trace *tr = calloc(1, sizeof *tr);
	float *mem = tr ? malloc(n * sizeof(float)) : NULL;
	if (!mem) {
		free(tr);
		err_set(e, ERR_NOMEM, "out of memory for activations: %zu floats (%.1f MiB) for T=%d, B=%d",
			n, (double)n * 4 / (1 << 20), T, B);
		return NULL;
	}
	memset(mem, 0, n * sizeof(float));
	tr->mem = mem;
	tr->memsize = n;
	tr->Tcap = T;
	tr->Bcap = B;
	trace_layout(m, T, B, tr);
	return tr;
}

void trace_free(Trace *tr)
{
	if (!tr)
		return;
	free(tr->mem);
	free(tr);
}

int trace_reserve(Trace **tr, const Model *m, int T, int B, Err *e)
{
	if (*tr && (*tr)->Tcap >= T && (*tr)->Bcap >= B)
		return 0;
	int nT = *tr && (*tr)->Tcap > T ? (*tr)->Tcap : T;
	int nB = *tr && (*tr)->Bcap > B ? (*tr)->Bcap : B;
	Trace *n = trace_new(m, nT, nB, e);
	if (!n)
		return ERR_NOMEM;
	trace_free(*tr);
	*tr = n;
	return 0;
}

int net_check_batch(const Model *m, const Batch *b, LossKind loss, Err *e)
{
	const ModelConfig *c = &m->cfg;
	if (b->T < 1 || b->B < 1)
		return err_set(e, ERR_INVAL, "a batch needs at least one step and one sequence, got T=%d, B=%d", b->T, b->B);
	size_t rows = (size_t)b->T * b->B;
	if (c->vocab) {
		if (!b->tok)
			return err_set(e, ERR_INVAL, "this model reads token ids (vocab=%d), the input is float", c->vocab);
		for (size_t i = 0; i < rows; i++)
			if (b->tok[i] < 0 || b->tok[i] >= c->vocab)
				return err_set(e, ERR_INVAL, "token id %d at t=%zu, b=%zu is outside the vocabulary [0, %d)",
					       b->tok[i], i / b->B, i % b->B, c->vocab);
	} else if (!b->x) {
		return err_set(e, ERR_INVAL, "this model reads float features (in=%d), the input is token ids", c->in);
	}
	if (b->c0 && c->cell != CELL_LSTM)
		return err_set(e, ERR_INVAL, "c0 is given but the model is %s (c0 is for lstm)", cell_names[c->cell]);
	if (b->zt && !(b->kd_temp > 0 && isfinite(b->kd_temp) && b->kd_alpha >= 0 && b->kd_alpha <= 1))
		return err_set(e, ERR_INVAL, "distillation needs a temperature > 0 and alpha in [0, 1], got %g and %g",
			       (double)b->kd_temp, (double)b->kd_alpha);
	if (b->y && loss == LOSS_CE) {
		int o = c->out ? c->out : c->hidden;
		size_t n = b->y_per_step ? rows : (size_t)b->B;
		for (size_t i = 0; i < n; i++) {
			float v = b->y[i];
			if (!(v >= 0 && v < o) || v != floorf(v))
				return err_set(e, ERR_INVAL, "class id %g at position %zu is not an integer in [0, %d)", v, i, o);
		}
	}
	if (b->y && loss == LOSS_BCE) {
		size_t n = (b->y_per_step ? rows : (size_t)b->B) * (size_t)(c->out ? c->out : c->hidden);
		for (size_t i = 0; i < n; i++)
			if (!(b->y[i] >= 0.0f && b->y[i] <= 1.0f))
				return err_set(e, ERR_INVAL, "bce target %g at position %zu is not in [0, 1]", b->y[i], i);
	}
	return 0;
}

int net_forward(const Model *m, Trace *tr, const Batch *b, LossKind loss,
		int score_from, int train, Rng *rng, Err *e)
{
	const ModelConfig *c = &m->cfg;
	const int T = b->T, B = b->B, H = c->hidden, L = c->layers;
	const size_t rows = (size_t)T * B, BH = (size_t)B * H;
	const int O = c->out ? c->out : H;
	if (T > tr->Tcap || B > tr->Bcap)
		return err_set(e, ERR_STATE, "batch T=%d, B=%d exceeds the trace (T=%d, B=%d)", T, B, tr->Tcap, tr->Bcap);
	tr->T = T;
	tr->B = B;
	tr->train = train;

	const float *x0 = b->x;
	if (c->vocab) {
		for (size_t r = 0; r < rows; r++)
			memcpy(tr->x0 + r * c->embed, m->p.embed + (size_t)b->tok[r] * c->embed,
			       (size_t)c->embed * sizeof(float));
		x0 = tr->x0;
	} else {
		memcpy(tr->x0, b->x, rows * (size_t)c->in * sizeof(float));
		x0 = tr->x0;
	}
	for (int k = 0; k < L; k++) {
		LayerTrace *lt = &tr->lt[k];
		if (k == 0) {
			lt->x = x0;
		} else {
			const LayerTrace *pv = &tr->lt[k - 1];
			lt->x = pv->mask && train ? pv->yd : pv->y;
		}
		if (b->h0)
			memcpy(lt->h, b->h0 + k * BH, BH * sizeof(float));
		else
			memset(lt->h, 0, BH * sizeof(float));
		if (lt->c) {
			if (b->c0)
				memcpy(lt->c, b->c0 + k * BH, BH * sizeof(float));
			else
				memset(lt->c, 0, BH * sizeof(float));
		}
		cell_forward(m, k, lt, T, B, tr->tmp);
		if (lt->ybuf) {
			const float *hs = lt->h + BH;
			for (size_t i = 0; i < rows * H; i++)
				lt->ybuf[i] = hs[i] + lt->x[i];
			lt->y = lt->ybuf;
		} else {
			lt->y = lt->h + BH;
		}
		if (lt->mask && train) {
			const float p = c->dropout, keep = 1.0f / (1.0f - p);
			for (size_t i = 0; i < rows * H; i++) {
				lt->mask[i] = rng_uniform(rng) >= p ? keep : 0.0f;
				lt->yd[i] = lt->y[i] * lt->mask[i];
			}
		}
	}
	tr->top = tr->lt[L - 1].y;
	if (c->out) {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, O, H,
			    1.0f, tr->top, H, m->p.head_w, H, 0.0f, tr->logits, O);
		for (size_t r = 0; r < rows; r++)
			for (int j = 0; j < O; j++)
				tr->logits[r * O + j] += m->p.head_b[j];
		tr->output = tr->logits;
	} else {
		tr->output = tr->top;
	}

	tr->loss = 0;
	tr->scored = 0;
	memset(tr->dlogits, 0, rows * O * sizeof(float));
	if (b->y) {
		const int Y = loss == LOSS_CE ? 1 : O;
		size_t r0, n;
		const float *ys;
		if (b->y_per_step) {
			if (score_from < 0 || score_from > T)
				return err_set(e, ERR_INVAL, "score_from %d outside [0, %d]", score_from, T);
			r0 = (size_t)score_from * B;
			n = rows - r0;
			ys = b->y + r0 * Y;
		} else {
			r0 = rows - B;
			n = B;
			ys = b->y;
		}
		if (b->zt)	/* a teacher's outputs on the same rows: distillation */
			tr->loss = loss_distill(loss, tr->output + r0 * O, ys, b->zt + r0 * O, (int)n, O, -1, b->kd_temp,
						b->kd_alpha, tr->dlogits + r0 * O, &tr->scored, NULL);
		else
			tr->loss = loss_forward_backward(loss, tr->output + r0 * O, ys, (int)n, O, -1,
							 tr->dlogits + r0 * O, &tr->scored);
	}
	return 0;
}

void net_backward(Model *m, Trace *tr, const Batch *b)
{
	net_backward_state(m, tr, b, NULL, NULL, NULL, NULL);
}

void net_backward_state(Model *m, Trace *tr, const Batch *b, const float *dh_T, const float *dc_T,
			float *dh_0, float *dc_0)
{
	const ModelConfig *c = &m->cfg;
	const int T = tr->T, B = tr->B, H = c->hidden, L = c->layers;
	const size_t rows = (size_t)T * B;
	float *dy = tr->dy, *dx = tr->dx;

	if (c->out) {
		const int O = c->out;
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, H, (int)rows,
			    1.0f, tr->dlogits, O, tr->top, H, 1.0f, m->g.head_w, H);
		for (size_t r = 0; r < rows; r++)
			for (int j = 0; j < O; j++)
				m->g.head_b[j] += tr->dlogits[r * O + j];
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, H, O,
			    1.0f, tr->dlogits, O, m->p.head_w, H, 0.0f, dy, H);
	} else {
		memcpy(dy, tr->dlogits, rows * H * sizeof(float));
	}
	for (int k = L - 1; k >= 0; k--) {
		LayerTrace *lt = &tr->lt[k];
		int need_dx = k > 0 || c->vocab;
		const size_t BH = (size_t)B * H;
		cell_backward_state(m, k, lt, T, B, dy, dh_T ? dh_T + k * BH : NULL,
				    dc_T && tr->carry_c ? dc_T + k * BH : NULL, need_dx ? dx : NULL, tr->da,
				    tr->dah ? tr->dah : tr->da, tr->carry_h, tr->carry_c);
		/* the carries now hold dL/dh_0 (and dL/dc_0) of this layer */
		if (dh_0)
			memcpy(dh_0 + k * BH, tr->carry_h, BH * sizeof(float));
		if (dc_0 && tr->carry_c)
			memcpy(dc_0 + k * BH, tr->carry_c, BH * sizeof(float));
		if (k == 0)
			break;
		if (lt->ybuf)		/* y_k = h_k + x_k: dy reaches x_k directly too */
			for (size_t i = 0; i < rows * H; i++)
				dx[i] += dy[i];
		const LayerTrace *pv = &tr->lt[k - 1];
		if (pv->mask && tr->train)
			for (size_t i = 0; i < rows * H; i++)
				dx[i] *= pv->mask[i];
		float *t = dy;
		dy = dx;
		dx = t;
	}
	if (c->vocab)
		for (size_t r = 0; r < rows; r++) {
			float *de = m->g.embed + (size_t)b->tok[r] * c->embed;
			const float *d = dx + r * c->embed;
			for (int j = 0; j < c->embed; j++)
				de[j] += d[j];
		}
}

void net_scale_dlogits(const Model *m, Trace *tr, float f)
{
	const size_t O = (size_t)(m->cfg.out ? m->cfg.out : m->cfg.hidden);
	const size_t n = (size_t)tr->T * tr->B * O;
	for (size_t i = 0; i < n; i++)
		tr->dlogits[i] *= f;
}
