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

/* The weights put aside (and the gradients: a backward writes them). */
typedef struct Saved {
	float *w, *g;
} Saved;

static int save(const Model *m, Saved *sv, Err *e)
{
	const size_t np = m->nparam;
	sv->w = malloc(np * sizeof *sv->w);
	sv->g = malloc(np * sizeof *sv->g);
	if (!sv->w || !sv->g) {
		free(sv->w);
		free(sv->g);
		sv->w = sv->g = NULL;
		return err_set(e, ERR_NOMEM, "out of memory for a copy of the weights");
	}
	memcpy(sv->w, m->params, np * sizeof *sv->w);
	memcpy(sv->g, m->grads, np * sizeof *sv->g);
	return 0;
}

static void restore(Model *m, Saved *sv)
{
	memcpy(m->params, sv->w, m->nparam * sizeof *sv->w);
	memcpy(m->grads, sv->g, m->nparam * sizeof *sv->g);
	free(sv->w);
	free(sv->g);
}

static int loss_at(Model *m, Trace **tr, const Batch *b, LossKind loss, double *l, Err *e)
{
	int rc = trace_reserve(tr, m, b->T, b->B, e);
	if (!rc && !(rc = net_forward(m, *tr, b, loss, 0, 0, NULL, e)))
		*l = (*tr)->loss;
	return rc;
}

int land_line(Model *m, Trace **tr, const Batch *b, LossKind loss, const float *d, const double *alpha, int n,
	      double *loss_out, double *gnorm_out, Err *e)
{
	Saved sv;
	int rc = save(m, &sv, e);
	for (int i = 0; i < n && !rc; i++) {
		for (size_t j = 0; j < m->nparam; j++)
			m->params[j] = (float)(sv.w[j] + alpha[i] * d[j]);
		rc = loss_grad(m, tr, b, loss, &loss_out[i], &gnorm_out[i], e);
	}
	if (sv.w)
		restore(m, &sv);
	return rc;
}

int land_plane(Model *m, Trace **tr, const Batch *b, LossKind loss, const float *d1, const float *d2,
	       const double *alpha, int na, const double *beta, int nb, double *loss_out, Err *e)
{
	Saved sv;
	int rc = save(m, &sv, e);
	for (int j = 0; j < nb && !rc; j++)
		for (int i = 0; i < na && !rc; i++) {
			for (size_t k = 0; k < m->nparam; k++)
				m->params[k] = (float)(sv.w[k] + alpha[i] * d1[k] + beta[j] * d2[k]);
			rc = loss_at(m, tr, b, loss, &loss_out[(size_t)j * na + i], e);
		}
	if (sv.w)
		restore(m, &sv);
	return rc;
}

int land_steps(Model *m, Trace **tr, const Batch *b, LossKind loss, double lr, double clip, LandSteps *out,
	       Err *e)
{
	Saved sv;
	int rc = save(m, &sv, e);
	if (rc)
		return rc;
	if ((rc = loss_grad(m, tr, b, loss, &out->loss0, &out->gnorm, e)))
		goto out;
	out->wnorm = grad_global_norm(sv.w, m->nparam);
	const double c = out->gnorm > clip ? clip / out->gnorm : 1;
	out->sgd_len = lr * out->gnorm;
	out->clip_len = lr * c * out->gnorm;
	const double f[2] = { lr, lr * c };
	double *l[2] = { &out->sgd_loss, &out->clip_loss };
	for (int q = 0; q < 2 && !rc; q++) {
		for (size_t k = 0; k < m->nparam; k++)
			m->params[k] = (float)(sv.w[k] - f[q] * m->grads[k]);
		rc = loss_at(m, tr, b, loss, l[q], e);
	}
out:
	restore(m, &sv);
	return rc;
}
