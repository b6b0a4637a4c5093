/* cell.c — the RNN, LSTM and GRU layers, forward and backward.
 *
 * Equations (PyTorch's), for one row b of the batch:
 *   rnn:  h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 *   lstm: [i f g o] = [s s tanh s](W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 *         c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t)
 *   gru:  [r z] = s(W_i[rz] x_t + b_i[rz] + W_h[rz] h_{t-1} + b_h[rz])
 *         n = tanh(W_in x_t + b_in + r*(W_hn h_{t-1} + b_hn))
 *         h_t = (1-z)*n + z*h_{t-1}
 * With layer norm each gate's pre-activation (for gru's n: the whole
 * W_in x + b_in + r*(...)) is normalised over its H units, then scaled by
 * ln_weight and shifted by ln_bias, before the nonlinearity.
 */
#include "cell.h"
#include "stepwatch.h"

#include "kernels.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#define LN_EPS 1e-5f

void ln_forward(float *a, const float *w, const float *b, float *xhat, float *rstd, int n)
{
	double mu = 0, var = 0;
	for (int i = 0; i < n; i++)
		mu += a[i];
	mu /= n;
	for (int i = 0; i < n; i++)
		var += (a[i] - mu) * (a[i] - mu);
	var /= n;
	float rs = (float)(1.0 / sqrt(var + LN_EPS));
	*rstd = rs;
	for (int i = 0; i < n; i++) {
		xhat[i] = (float)(a[i] - mu) * rs;
		a[i] = xhat[i] * w[i] + b[i];
	}
}

void ln_backward(float *d, const float *xhat, float rstd, const float *w,
		 float *dw, float *db, int n)
{
	/* dx = rstd * (dxh - mean(dxh) - xhat * mean(dxh * xhat)), dxh = d*w */
	double s1 = 0, s2 = 0;
	for (int i = 0; i < n; i++) {
		dw[i] += d[i] * xhat[i];
		db[i] += d[i];
		float dxh = d[i] * w[i];
		s1 += dxh;
		s2 += dxh * xhat[i];
	}
	float m1 = (float)(s1 / n), m2 = (float)(s2 / n);
	for (int i = 0; i < n; i++)
		d[i] = rstd * (d[i] * w[i] - m1 - xhat[i] * m2);
}

/* act = x W_ih^T + biases, for all T*B rows at once. */
static void input_projection(const Model *m, int k, const LayerTrace *lt, int rows)
{
	const LayerView *v = &m->p.layer[k];
	const int H = m->cfg.hidden, GH = m->gates * H;
	const int nin = k == 0 ? m->in0 : H;
	/* gru keeps b_hn apart: it sits inside r*(W_hn h + b_hn). */
	const int nhh = m->cfg.cell == CELL_GRU ? 2 * H : GH;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, GH, nin,
		    1.0f, lt->x, nin, v->w_ih, nin, 0.0f, lt->act, GH);
	for (int r = 0; r < rows; r++) {
		float *a = lt->act + (size_t)r * GH;
		kern_add_bias(a, v->b_ih, v->b_hh, nhh);
		if (nhh < GH)
			kern_add_bias(a + nhh, v->b_ih + nhh, NULL, GH - nhh);
	}
}

void cell_forward(const Model *m, int k, LayerTrace *lt, int T, int B, float *tmp)
{
	const LayerView *v = &m->p.layer[k];
	const int H = m->cfg.hidden, G = m->gates, GH = G * H;
	const int ln = m->cfg.layernorm;
	const CellKind cell = m->cfg.cell;
	const int relu = m->cfg.act == ACT_RELU;

	if (stepwatch_stopped())
		return;
	input_projection(m, k, lt, T * B);
	for (int t = 0; t < T; t++) {
		if (stepwatch_tick(0, k, t, T))
			return;	/* the step is stopped: the trainer applies nothing */
		const float *hp = lt->h + (size_t)t * B * H;	/* [B, H] h_{t-1} */
		float *hc = lt->h + (size_t)(t + 1) * B * H;	/* [B, H] h_t */
		float *a = lt->act + (size_t)t * B * GH;	/* [B, GH] */
		if (cell == CELL_GRU)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, GH, H,
				    1.0f, hp, H, v->w_hh, H, 0.0f, tmp, GH);
		else
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, GH, H,
				    1.0f, hp, H, v->w_hh, H, 1.0f, a, GH);
		for (int b = 0; b < B; b++) {
			float *ab = a + (size_t)b * GH;
			float *hb = hc + (size_t)b * H;
			const float *hpb = hp + (size_t)b * H;
			size_t row = (size_t)t * B + b;
			float *xh = ln ? lt->xhat + row * GH : NULL;
			float *rs = ln ? lt->rstd + row * G : NULL;
			switch (cell) {
			case CELL_RNN:
				if (ln)
					ln_forward(ab, v->ln_w, v->ln_b, xh, rs, H);
				kern_rnn_fwd(ab, hb, relu, H);
				break;
			case CELL_LSTM: {
				const float *cp = lt->c + (size_t)t * B * H + (size_t)b * H;
				float *cc = lt->c + (size_t)(t + 1) * B * H + (size_t)b * H;
				float *tc = lt->tc + row * H;
				if (ln)
					for (int g = 0; g < 4; g++)
						ln_forward(ab + g * H, v->ln_w + g * H, v->ln_b + g * H,
							   xh + g * H, rs + g, H);
				kern_lstm_fwd(ab, ab + H, ab + 2 * H, ab + 3 * H, cp, cc, tc, hb, H);
				break;
			}
			case CELL_GRU: {
				const float *tb = tmp + (size_t)b * GH;
				float *hn = lt->hn + row * H;
				float *rg = ab, *zg = ab + H, *ng = ab + 2 * H;
				kern_add(ab, tb, 2 * H);
				if (ln) {
					ln_forward(rg, v->ln_w, v->ln_b, xh, rs, H);
					ln_forward(zg, v->ln_w + H, v->ln_b + H, xh + H, rs + 1, H);
				}
				kern_gru_fwd_rz(rg, zg, ng, hn, tb + 2 * H, v->b_hh + 2 * H, H);
				if (ln)
					ln_forward(ng, v->ln_w + 2 * H, v->ln_b + 2 * H, xh + 2 * H, rs + 2, H);
				kern_gru_fwd_n(ng, zg, hpb, hb, H);
				break;
			}
			default:
				break;
			}
		}
	}
}

static void colsum_add(float *dst, const float *a, int rows, int cols)
{
	for (int r = 0; r < rows; r++) {
		const float *ar = a + (size_t)r * cols;
		for (int j = 0; j < cols; j++)
			dst[j] += ar[j];
	}
}

void cell_backward(Model *m, int k, LayerTrace *lt, int T, int B, const float *dy,
		   float *dx, float *da, float *dah, float *carry_h, float *carry_c)
{
	cell_backward_state(m, k, lt, T, B, dy, NULL, NULL, dx, da, dah, carry_h, carry_c);
}

void cell_backward_state(Model *m, int k, LayerTrace *lt, int T, int B, const float *dy,
			 const float *dh_T, const float *dc_T, float *dx, float *da, float *dah,
			 float *carry_h, float *carry_c)
{
	const LayerView *v = &m->p.layer[k];
	LayerView *gv = &m->g.layer[k];
	const int H = m->cfg.hidden, G = m->gates, GH = G * H;
	const int nin = k == 0 ? m->in0 : H;
	const int ln = m->cfg.layernorm;
	const CellKind cell = m->cfg.cell;
	const int relu = m->cfg.act == ACT_RELU;
	if (cell != CELL_GRU)
		dah = da;

	/* The carries enter as dL/dh_T, dL/dc_T (from beyond the sequence) and
	 * leave as dL/dh_0, dL/dc_0. */
	if (dh_T)
		memcpy(carry_h, dh_T, (size_t)B * H * sizeof(float));
	else
		memset(carry_h, 0, (size_t)B * H * sizeof(float));
	if (carry_c && dc_T)
		memcpy(carry_c, dc_T, (size_t)B * H * sizeof(float));
	else if (carry_c)
		memset(carry_c, 0, (size_t)B * H * sizeof(float));
	if (stepwatch_stopped())
		return;
	for (int t = T - 1; t >= 0; t--) {
		if (stepwatch_tick(1, k, T - 1 - t, T))
			return;
		for (int b = 0; b < B; b++) {
			size_t row = (size_t)t * B + b;
			float *dh = lt->dh + row * H;
			const float *dyb = dy + row * H;
			float *ch = carry_h + (size_t)b * H;
			const float *ab = lt->act + row * GH;
			const float *hcur = lt->h + (row + B) * H;	/* h_t */
			const float *hprv = lt->h + row * H;		/* h_{t-1} */
			float *d = da + row * GH, *dhh = dah + row * GH;
			const float *xh = ln ? lt->xhat + row * GH : NULL;
			const float *rs = ln ? lt->rstd + row * G : NULL;
			kern_dh(dh, dyb, ch, H);
			switch (cell) {
			case CELL_RNN:
				kern_rnn_bwd(d, dh, hcur, relu, H);
				if (ln)
					ln_backward(d, xh, rs[0], v->ln_w, gv->ln_w, gv->ln_b, H);
				break;
			case CELL_LSTM: {
				const float *ig = ab, *fg = ab + H, *gg = ab + 2 * H, *og = ab + 3 * H;
				const float *tc = lt->tc + row * H;
				const float *cp = lt->c + row * H;	/* c_{t-1} */
				float *cc = carry_c + (size_t)b * H;
				kern_lstm_bwd(d, d + H, d + 2 * H, d + 3 * H, ig, fg, gg, og, tc, cp, dh, cc, H);
				if (ln)
					for (int g = 0; g < 4; g++)
						ln_backward(d + g * H, xh + g * H, rs[g], v->ln_w + g * H,
							    gv->ln_w + g * H, gv->ln_b + g * H, H);
				break;
			}
			case CELL_GRU: {
				const float *rg = ab, *zg = ab + H, *ng = ab + 2 * H;
				const float *hn = lt->hn + row * H;
				float *dn = d + 2 * H;
				kern_gru_bwd_nz(dn, d + H, dh, zg, ng, hprv, H);
				if (ln)
					ln_backward(dn, xh + 2 * H, rs[2], v->ln_w + 2 * H,
						    gv->ln_w + 2 * H, gv->ln_b + 2 * H, H);
				kern_gru_bwd_r(d, dhh + 2 * H, ch, dn, hn, rg, zg, dh, H);
				if (ln) {
					ln_backward(d, xh, rs[0], v->ln_w, gv->ln_w, gv->ln_b, H);
					ln_backward(d + H, xh + H, rs[1], v->ln_w + H,
						    gv->ln_w + H, gv->ln_b + H, H);
				}
				memcpy(dhh, d, 2 * (size_t)H * sizeof(float));
				/* ch = dh*z: the direct path h_t = ... + z*h_{t-1} */
				break;
			}
			default:
				break;
			}
		}
		/* carry = dA_t^hh W_hh  ([B, GH] x [GH, H]); gru adds to z*dh. */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, GH,
			    1.0f, dah + (size_t)t * B * GH, GH, v->w_hh, H,
			    cell == CELL_GRU ? 1.0f : 0.0f, carry_h, H);
	}
	const int rows = T * B;
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, nin, rows,
		    1.0f, da, GH, lt->x, nin, 1.0f, gv->w_ih, nin);
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, H, rows,
		    1.0f, dah, GH, lt->h, H, 1.0f, gv->w_hh, H);
	colsum_add(gv->b_ih, da, rows, GH);
	colsum_add(gv->b_hh, dah, rows, GH);
	if (dx)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, nin, GH,
			    1.0f, da, GH, v->w_ih, nin, 0.0f, dx, nin);
}
