/* probe.h — the teaching data, computed in one place.
 *
 * After a forward+backward pass the trace holds every gate, h_t, c_t and
 * dL/dh_t.  probe_update() boils them down to what the panes, the `plot`
 * output and the lessons' checks read:
 *   per layer and timestep: ||dL/dh_t|| (over the batch, in double so that
 *     1e-30 does not square to 0) and the fraction of saturated units;
 *   per parameter tensor: the gradient norm;
 * and probe_spectral() the spectral radius of each W_hh block.
 * A unit counts as saturated when a sigmoid gate is < 0.05 or > 0.95, a
 * tanh (rnn h, lstm g, gru n) has |value| > 0.95, or a relu is 0; lstm counts its
 * four gates (tanh(c) is not a gate: not counted).
 */
#ifndef RNNLAB_PROBE_H
#define RNNLAB_PROBE_H

#include "net.h"

#define PROBE_SAT_SIGMOID 0.05f
#define PROBE_SAT_TANH    0.95f

typedef struct Probe {
	int T, L;		/* of the last update */
	int Tcap;
	double *dh_norm;	/* [L, Tcap] ||dL/dh_t|| of layer k at t (row k) */
	float *sat;		/* [L, Tcap] saturated fraction of layer k at t */
	int ntensors;
	double grad_norm[4 + 6 * MODEL_MAX_LAYERS];	/* per tensor */
} Probe;

void probe_init(Probe *p);
void probe_done(Probe *p);
/* Record the last backward pass in tr (allocates only when T grows). */
int probe_update(Probe *p, const Model *m, const Trace *tr, Err *e);
/* The same over a batch split into ntr traces (worker threads); scale[i]
 * (or NULL: 1) multiplies trace i's dL/dh, whose loss was its own slice's
 * mean: s_i / S makes it the whole batch's. */
int probe_update_n(Probe *p, const Model *m, const Trace *const *trs, const double *scale, int ntr, Err *e);
/* One segment [t0, t0 + tr->T) of a sequence of T steps (checkpointed
 * BPTT): its timesteps' values, and the gradient norms as they stand. */
int probe_update_segment(Probe *p, const Model *m, const Trace *tr, int t0, int T, Err *e);
/* ||dL/dh_t1|| / ||dL/dh_t2|| of layer k, t 0-based; NAN when out of range. */
double probe_flow_ratio(const Probe *p, int k, int t1, int t2);
/* Spectral radius of every W_hh gate block: out [L, G]. */
void probe_spectral(const Model *m, double *out);

#endif
