/* net.h — the whole model's forward and backward pass over one batch.
 *
 * Sequences are time-major: x is [T, B, I], rows of the flattened [T*B, .]
 * grids are (t, b) with t outer.  The forward pass records in a Trace exactly
 * what the backward pass needs (and what the probes show): every layer's
 * gate activations, h_t (and c_t), and after backward the total dL/dh_t.
 * A Trace is sized once for the largest (T, B) it will see; forward and
 * backward never allocate.
 */
#ifndef RNNLAB_NET_H
#define RNNLAB_NET_H

#include <stdint.h>

#include "model.h"

typedef enum { LOSS_MSE, LOSS_CE, LOSS_BCE, LOSS_COUNT } LossKind;
extern const char *const loss_names[LOSS_COUNT];

/* The index of the largest of v[0..n) (the first on ties): a class guess. */
int vec_argmax(const float *v, int n);

/* One batch of sequences.  All pointers are borrowed. */
typedef struct Batch {
	int T, B;
	const float *x;		/* [T, B, in] float input, or NULL */
	const int32_t *tok;	/* [T, B] token ids for an embedding model, or NULL */
	const float *y;		/* target: [T, B, Y] per step or [B, Y] per sequence;
				 * ce: class ids as floats, Y = 1; NULL: no loss */
	int y_per_step;		/* 1: y has a target per timestep */
	const float *h0;	/* [L, B, H] or NULL (zeros) */
	const float *c0;	/* [L, B, H] or NULL (zeros), lstm only */
	/* Distillation: a teacher's outputs [T, B, O] on the same batch, or
	 * NULL.  On the scored positions the loss becomes kd_alpha times the
	 * teacher term plus (1 - kd_alpha) times the task loss, kd_temp its
	 * temperature (loss_distill below). */
	const float *zt;
	float kd_temp, kd_alpha;
} Batch;

/* What one layer's forward pass recorded.  Pointers into Trace.mem. */
typedef struct LayerTrace {
	const float *x;		/* [T*B, I_k] the layer's input (borrowed or in mem) */
	float *act;		/* [T*B, G*H] gate activations; rnn: pre-activation */
	float *h;		/* [(T+1)*B, H] h[0] = h0, h[t+1] = h_t */
	float *c;		/* [(T+1)*B, H] lstm: c[0] = c0; else NULL */
	float *tc;		/* [T*B, H] lstm: tanh(c_t); else NULL */
	float *hn;		/* [T*B, H] gru: W_hn h_{t-1} + b_hn; else NULL */
	float *xhat;		/* [T*B, G*H] layer norm: normalised pre-activation */
	float *rstd;		/* [T*B, G] layer norm: 1/sqrt(var + eps) per gate */
	const float *y;		/* [T*B, H] the layer's output: h_t, or h_t + x_t (residual) */
	float *ybuf;		/* [T*B, H] residual layers: storage for y; else NULL */
	float *mask;		/* [T*B, H] dropout on y (0 or 1/(1-p)); NULL when off */
	float *yd;		/* [T*B, H] y * mask, the next layer's input; NULL when off */
	float *dh;		/* [T*B, H] after backward: total dL/dh_t */
} LayerTrace;

typedef struct Trace {
	int Tcap, Bcap;		/* capacity */
	int T, B;		/* the last forward pass */
	int train;		/* dropout on */
	float *mem;		/* one allocation holding every buffer below */
	size_t memsize;		/* floats */
	float *x0;		/* [T*B, in0] the layer-0 input: embedded tokens, or a copy of x */
	LayerTrace lt[MODEL_MAX_LAYERS];
	const float *top;	/* [T*B, H] the top layer's output, the head's input */
	float *logits;		/* [T*B, O] head output; NULL when out = 0 */
	const float *output;	/* [T*B, O'] logits, or top when out = 0 (O' = H) */
	float *dlogits;		/* [T*B, O'] d(loss)/d(output) */
	/* backward scratch */
	float *dy;		/* [T*B, H] gradient into a layer's output */
	float *dx;		/* [T*B, max(I, H)] gradient into a layer's input */
	float *da;		/* [T*B, G*H] gradient into the input-side pre-activation */
	float *dah;		/* [T*B, G*H] gru/layer norm: into the recurrent side */
	float *carry_h;		/* [B, H] */
	float *carry_c;		/* [B, H] */
	float *tmp;		/* [B, G*H] */
	double loss;
	long scored;		/* positions (ce) or elements (mse, bce) scored */
} Trace;

/* A trace larger than this is refused before allocating (8 GiB). */
#define TRACE_MAX_FLOATS ((size_t)2 << 30)

/* Trace holding up to T x B for model m; NULL on failure. */
Trace *trace_new(const Model *m, int T, int B, Err *e);
void trace_free(Trace *tr);
/* Floats a trace of this size needs (for the memory estimate). */
size_t trace_size(const Model *m, int T, int B);
/* Grow tr for (T, B) if needed (outside any timestep loop). */
int trace_reserve(Trace **tr, const Model *m, int T, int B, Err *e);

/* Check the batch fits the model (shapes, token ids, class ids). */
int net_check_batch(const Model *m, const Batch *b, LossKind loss, Err *e);

/* Forward pass; loss on the scored steps when b->y (t >= score_from for a
 * per-step target, the last step for a per-sequence one).  rng draws the
 * dropout masks when train and dropout > 0 (may be NULL otherwise). */
int net_forward(const Model *m, Trace *tr, const Batch *b, LossKind loss,
		int score_from, int train, Rng *rng, Err *e);
/* Backward pass of the last forward; accumulates into m->grads and leaves
 * dL/dh_t of every layer in tr->lt[k].dh. */
void net_backward(Model *m, Trace *tr, const Batch *b);

/* net_backward with gradients flowing into the final states (dh_T, dc_T:
 * [L, B, H], or NULL for none) and out of the initial ones (dh_0, dc_0:
 * [L, B, H], or NULL), for a sequence split into segments. */
void net_backward_state(Model *m, Trace *tr, const Batch *b, const float *dh_T, const float *dc_T,
			float *dh_0, float *dc_0);
/* Multiply d(loss)/d(output) of the last forward by f (a segment's share of
 * a loss whose mean runs over a whole sequence). */
void net_scale_dlogits(const Model *m, Trace *tr, float f);

/* Loss and d(loss)/d(logits) on n rows of o logits; rows not listed are not
 * scored.  Returns the mean loss; writes dlogits for the scored rows only.
 * ce targets are class ids in [0, o) (ids equal to ignore, if >= 0, are not
 * scored).  *scored gets the divisor. */
double loss_forward_backward(LossKind kind, const float *logits, const float *y,
			     int n, int o, int ignore, float *dlogits, long *scored);

/* The same rows with a teacher's logits zt[n, o] mixed in (Hinton et al.
 * 2015), a = alpha, T = temp, means over the same divisor as the task loss:
 *   ce:  L = 1/R sum_r (1-a) ce_r + a T^2 KL(softmax(zt_r/T) || softmax(z_r/T))
 *        dL/dz_r = ((1-a)(softmax(z_r) - onehot(y_r)) + a T (softmax(z_r/T) - softmax(zt_r/T))) / R
 *   bce: the same with two classes per element, logits (z, 0): the teacher
 *        term is T^2 KL(Bernoulli(s(zt/T)) || Bernoulli(s(z/T))), its
 *        gradient T (s(z/T) - s(zt/T)); divided by N elements
 *   mse: L = 1/N sum (1-a)(z - y)^2 + a (z - zt)^2 (T plays no part)
 * R counts scored rows, N elements, as above; per row, the KL term is
 * PyTorch's F.kl_div(log_softmax(z/T), softmax(zt/T), reduction='sum') * T*T,
 * so over [R, o] rows it is reduction='batchmean' (tests/gen_distill_fixtures.py).
 * kd (may be NULL) gets the teacher term's mean before the weight a. */
double loss_distill(LossKind kind, const float *logits, const float *y, const float *zt, int n, int o,
		    int ignore, float temp, float alpha, float *dlogits, long *scored, double *kd);

#endif
