/* probe.c — gradient flow, saturation, gradient norms, spectral radii. */
#include "probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void probe_init(Probe *p)
{
	memset(p, 0, sizeof *p);
}

void probe_done(Probe *p)
{
	free(p->dh_norm);
	free(p->sat);
	probe_init(p);
}

static int is_sigmoid_gate(CellKind cell, int g)
{
	switch (cell) {
	case CELL_LSTM:
		return g != 2;		/* i f g o: g is tanh */
	case CELL_GRU:
		return g != 2;		/* r z n: n is tanh */
	default:
		return 0;
	}
}

/* Saturated units in n values: branch-free counts the compiler vectorises. */
static long count_sigmoid(const float *restrict v, int n)
{
	int c = 0;
	for (int j = 0; j < n; j++)
		c += (v[j] < PROBE_SAT_SIGMOID) | (v[j] > 1 - PROBE_SAT_SIGMOID);
	return c;
}

static long count_tanh(const float *restrict v, int n)
{
	int c = 0;
	for (int j = 0; j < n; j++)
		c += (v[j] > PROBE_SAT_TANH) | (v[j] < -PROBE_SAT_TANH);
	return c;
}

static long count_dead(const float *restrict v, int n)
{
	int c = 0;
	for (int j = 0; j < n; j++)
		c += v[j] <= 0.0f;
	return c;
}

/* Sum of squares in double, four lanes so it vectorises. */
static double sumsq(const float *restrict v, size_t n)
{
	double s[4] = { 0, 0, 0, 0 };
	size_t j = 0;
	for (; j + 4 <= n; j += 4)
		for (int l = 0; l < 4; l++)
			s[l] += (double)v[j + l] * v[j + l];
	for (; j < n; j++)
		s[0] += (double)v[j] * v[j];
	return (s[0] + s[1]) + (s[2] + s[3]);
}

int probe_update(Probe *p, const Model *m, const Trace *tr, Err *e)
{
	return probe_update_n(p, m, &tr, NULL, 1, e);
}

int probe_update_n(Probe *p, const Model *m, const Trace *const *trs, const double *scale, int ntr, Err *e)
{
	const ModelConfig *c = &m->cfg;
	const int T = trs[0]->T, H = c->hidden, L = c->layers, G = m->gates;
	if (T > p->Tcap) {
		double *dn = realloc(p->dh_norm, (size_t)MODEL_MAX_LAYERS * T * sizeof *dn);
		if (dn)
			p->dh_norm = dn;
		float *st = realloc(p->sat, (size_t)MODEL_MAX_LAYERS * T * sizeof *st);
		if (st)
			p->sat = st;
		if (!dn || !st)
			return err_set(e, ERR_NOMEM, "out of memory for the probes");
		p->Tcap = T;
	}
	p->T = T;
	p->L = L;
	for (int k = 0; k < L; k++) {
		for (int t = 0; t < T; t++) {
			double ss = 0;
			long sat = 0, total = 0;
			for (int i = 0; i < ntr; i++) {
				const Trace *tr = trs[i];
				const int B = tr->B;
				const LayerTrace *lt = &tr->lt[k];
				double sc = scale ? scale[i] : 1.0;
				ss += sc * sc * sumsq(lt->dh + (size_t)t * B * H, (size_t)B * H);
				const float *a = lt->act + (size_t)t * B * G * H;
				if (c->cell == CELL_RNN) {
					const float *h = lt->h + (size_t)(t + 1) * B * H;
					sat += c->act == ACT_RELU ? count_dead(h, B * H) : count_tanh(h, B * H);
					total += (long)B * H;
				} else {
					for (int b = 0; b < B; b++)
						for (int g = 0; g < G; g++) {
							const float *v = a + ((size_t)b * G + g) * H;
							sat += is_sigmoid_gate(c->cell, g) ? count_sigmoid(v, H) : count_tanh(v, H);
						}
					total += (long)B * G * H;
				}
			}
			p->dh_norm[(size_t)k * p->Tcap + t] = sqrt(ss);
			p->sat[(size_t)k * p->Tcap + t] = (float)((double)sat / (double)total);
		}
	}
	p->ntensors = m->ntensors;
	for (int i = 0; i < m->ntensors; i++)
		p->grad_norm[i] = sqrt(sumsq(m->grads + m->tensors[i].offset, m->tensors[i].size));
	return 0;
}

int probe_update_segment(Probe *p, const Model *m, const Trace *tr, int t0, int T, Err *e)
{
	/* fill a probe for a sequence of T steps from the segment at t0 */
	Probe seg = { 0 };
	int rc = probe_update(&seg, m, tr, e);
	if (!rc && T > p->Tcap) {
		double *dn = realloc(p->dh_norm, (size_t)MODEL_MAX_LAYERS * T * sizeof *dn);
		if (dn)
			p->dh_norm = dn;
		float *st = realloc(p->sat, (size_t)MODEL_MAX_LAYERS * T * sizeof *st);
		if (st)
			p->sat = st;
		if (!dn || !st)
			rc = err_set(e, ERR_NOMEM, "out of memory for the probes");
		else
			p->Tcap = T;
	}
	if (!rc) {
		p->T = T;
		p->L = seg.L;
		for (int k = 0; k < seg.L; k++)
			for (int t = 0; t < seg.T && t0 + t < T; t++) {
				p->dh_norm[(size_t)k * p->Tcap + t0 + t] = seg.dh_norm[(size_t)k * seg.Tcap + t];
				p->sat[(size_t)k * p->Tcap + t0 + t] = seg.sat[(size_t)k * seg.Tcap + t];
			}
		p->ntensors = seg.ntensors;
		memcpy(p->grad_norm, seg.grad_norm, sizeof p->grad_norm);
	}
	probe_done(&seg);
	return rc;
}

double probe_flow_ratio(const Probe *p, int k, int t1, int t2)
{
	if (k < 0 || k >= p->L || t1 < 0 || t2 < 0 || t1 >= p->T || t2 >= p->T)
		return NAN;
	return p->dh_norm[(size_t)k * p->Tcap + t1] / p->dh_norm[(size_t)k * p->Tcap + t2];
}

void probe_spectral(const Model *m, double *out)
{
	const int H = m->cfg.hidden, G = m->gates;
	for (int k = 0; k < m->cfg.layers; k++)
		for (int g = 0; g < G; g++)
			out[k * G + g] = mat_spectral_radius(m->p.layer[k].w_hh + (size_t)g * H * H, H);
}
