/* jacobian.c — dh_t/dh_{t-1} of one recurrent step from a trace (the
 * formulas are in jacobian.h); eigen.h's mat_norm2 gives its norm. */
#include "jacobian.h"
#include "eigen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* J += diag(d) * W_block (H x H row-major floats). */
static void add_scaled_rows(double *J, const double *d, const float *w, int H)
{
	for (int i = 0; i < H; i++)
		for (int j = 0; j < H; j++)
			J[(size_t)i * H + j] += d[i] * w[(size_t)i * H + j];
}

int step_jacobian(const Model *m, const float *w, const Trace *tr, int k, int b, int t, double *J, Err *e)
{
	const ModelConfig *c = &m->cfg;
	const int H = c->hidden, G = m->gates, B = tr->B;
	if (c->layernorm)
		return err_set(e, ERR_INVAL, "the step Jacobian of a layer-normalised model is not derived here");
	if (k < 0 || k >= c->layers || b < 0 || b >= B || t < 0 || t >= tr->T)
		return err_set(e, ERR_INVAL, "no step t=%d of sequence %d in layer %d", t + 1, b, k);
	const LayerTrace *lt = &tr->lt[k];
	const float *W = w + (m->p.layer[k].w_hh - m->params);	/* the trace's W_hh */
	const float *a = lt->act + ((size_t)t * B + b) * G * H;	/* this step's gates */
	const float *hp = lt->h + ((size_t)t * B + b) * H;		/* h_{t-1} */
	double *d = malloc((size_t)4 * H * sizeof *d);
	if (!d)
		return err_set(e, ERR_NOMEM, "out of memory");
	memset(J, 0, (size_t)H * H * sizeof *J);
	if (c->cell == CELL_RNN) {
		const float *h = lt->h + ((size_t)(t + 1) * B + b) * H;
		for (int i = 0; i < H; i++)
			d[i] = c->act == ACT_RELU ? (a[i] > 0) : 1.0 - (double)h[i] * h[i];
		add_scaled_rows(J, d, W, H);
	} else if (c->cell == CELL_LSTM) {
		const float *cp = lt->c + ((size_t)t * B + b) * H;	/* c_{t-1} */
		const float *tc = lt->tc + ((size_t)t * B + b) * H;	/* tanh(c_t) */
		const float *ig = a, *fg = a + H, *gg = a + 2 * H, *og = a + 3 * H;
		double *dc_i = d, *dc_f = d + H, *dc_g = d + 2 * H, *dh_o = d + 3 * H;
		for (int i = 0; i < H; i++) {
			const double s = (double)og[i] * (1.0 - (double)tc[i] * tc[i]);	/* dh/dc */
			dc_i[i] = s * gg[i] * ig[i] * (1.0 - ig[i]);
			dc_f[i] = s * cp[i] * fg[i] * (1.0 - fg[i]);
			dc_g[i] = s * ig[i] * (1.0 - (double)gg[i] * gg[i]);
			dh_o[i] = (double)tc[i] * og[i] * (1.0 - og[i]);
		}
		for (int g = 0; g < 4; g++)
			add_scaled_rows(J, d + (size_t)g * H, W + (size_t)g * H * H, H);
	} else {	/* gru: r z n */
		const float *r = a, *z = a + H, *n = a + 2 * H;
		const float *hn = lt->hn + ((size_t)t * B + b) * H;	/* W_hn h_{t-1} + b_hn */
		double *dz = d, *dr = d + H, *dn = d + 2 * H;
		for (int i = 0; i < H; i++) {
			const double nn = 1.0 - (double)n[i] * n[i], om = 1.0 - z[i];
			dz[i] = ((double)hp[i] - n[i]) * z[i] * (1.0 - z[i]);
			dn[i] = om * nn * r[i];
			dr[i] = om * nn * hn[i] * r[i] * (1.0 - r[i]);
			J[(size_t)i * H + i] += z[i];
		}
		add_scaled_rows(J, dr, W, H);
		add_scaled_rows(J, dz, W + (size_t)H * H, H);
		add_scaled_rows(J, dn, W + (size_t)2 * H * H, H);
	}
	free(d);
	return 0;
}
