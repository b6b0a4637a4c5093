/* landscape.c — the loss along a line through the weights (landscape.h):
 * forward and backward passes at shifted weights on one batch, the weights
 * and gradients saved first and put back after. */
#include "landscape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

const char *const land_dir_names[LAND_COUNT] = { "grad", "scale", "random" };

/* loss and gradient norm at the model's weights now */
static int loss_grad(Model *m, Trace **tr, const Batch *b, LossKind loss, double *l, double *g, Err *e)
{
	int rc = trace_reserve(tr, m, b->T, b->B, e);
	if (rc)
		return rc;
	model_zero_grad(m);
	if ((rc = net_forward(m, *tr, b, loss, 0, 0, NULL, e)))
		return rc;
	net_backward(m, *tr, b);
	*l = (*tr)->loss;
	*g = grad_global_norm(m->grads, m->nparam);
	return 0;
}

int land_direction(Model *m, Trace **tr, const Batch *b, LossKind loss, LandDir k, Rng *rng, float *d,
		   double *gnorm, Err *e)
{
	const size_t n = m->nparam;
	*gnorm = 0;
	memset(d, 0, n * sizeof *d);
	if (k == LAND_GRAD) {
		float *keep = malloc(n * sizeof *keep);
		if (!keep)
			return err_set(e, ERR_NOMEM, "out of memory");
		memcpy(keep, m->grads, n * sizeof *keep);
		double l;
		int rc = loss_grad(m, tr, b, loss, &l, gnorm, e);
		if (!rc && !(*gnorm > 0 && isfinite(*gnorm)))
			rc = err_set(e, ERR_NUMERIC, "the gradient is %g here: no direction to follow", *gnorm);
		for (size_t i = 0; i < n && !rc; i++)
			d[i] = (float)(m->grads[i] / *gnorm);
		memcpy(m->grads, keep, n * sizeof *keep);
		free(keep);
		return rc;
	}
	const int H = m->cfg.hidden;
	for (int L = 0; L < m->cfg.layers; L++) {
		const LayerView *v = &m->p.layer[L];
		const size_t off = (size_t)(v->w_hh - m->params), rows = (size_t)m->gates * H;
		if (k == LAND_SCALE) {
			memcpy(d + off, v->w_hh, rows * H * sizeof *d);
			continue;
		}
		/* random: every weight matrix, each row as long as w's row */
		const int I = L ? H : (m->cfg.vocab ? m->cfg.embed : m->cfg.in);
		const float *mats[2] = { v->w_ih, v->w_hh };
		const int cols[2] = { I, H };
		for (int q = 0; q < 2; q++) {
			const size_t o = (size_t)(mats[q] - m->params);
			for (size_t r = 0; r < rows; r++) {
				double wn = 0, dn = 0;
				float *dr = d + o + r * cols[q];
				for (int c = 0; c < cols[q]; c++) {
					dr[c] = rng_normal(rng);
					dn += (double)dr[c] * dr[c];
					wn += (double)mats[q][r * cols[q] + c] * mats[q][r * cols[q] + c];
				}
				const double s = dn > 0 ? sqrt(wn / dn) : 0;
				for (int c = 0; c < cols[q]; c++)
					dr[c] = (float)(dr[c] * s);
			}
		}
	}
	return 0;
}

int land_line(Model *m, Trace **tr, const Batch *b, LossKind loss, const float *d, const double *alpha, int n,
	      double *loss_out, double *gnorm_out, Err *e)
{
	const size_t np = m->nparam;
	float *w0 = malloc(np * sizeof *w0), *g0 = malloc(np * sizeof *g0);
	if (!w0 || !g0) {
		free(w0);
		free(g0);
		return err_set(e, ERR_NOMEM, "out of memory for a copy of the weights");
	}
	memcpy(w0, m->params, np * sizeof *w0);
	memcpy(g0, m->grads, np * sizeof *g0);
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		for (size_t j = 0; j < np; j++)
			m->params[j] = (float)(w0[j] + alpha[i] * d[j]);
		rc = loss_grad(m, tr, b, loss, &loss_out[i], &gnorm_out[i], e);
	}
	memcpy(m->params, w0, np * sizeof *w0);
	memcpy(m->grads, g0, np * sizeof *g0);
	free(w0);
	free(g0);
	return rc;
}
