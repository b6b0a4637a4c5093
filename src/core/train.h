/* train.h — one training step: forward, backward, guard, clip, update.
 *
 *   1. zero the gradients; forward with dropout on; loss
 *   2. backward; the probes (flow, saturation, per-tensor norms)
 *   3. the global gradient norm; a loss or norm that is not finite stops
 *      here: nothing is applied and the weights are as before the step
 *   4. clip by value (each entry to [-v, v]), then by global norm (scale
 *      to at most n, Pascanu et al. 2013)
 *   5. the optimizer at the scheduled learning rate
 *
 * Truncated BPTT (k1, k2): the sequence is cut into chunks of k1 steps, the
 * state carried from chunk to chunk, and an update made after each chunk.
 * The loss of a chunk is backpropagated through the chunk and k2 - k1 steps
 * before it (k2 >= k1; k2 = k1 by default): those steps are run again from
 * the state stored when they were first visited, which is held constant.
 * The gradient is then the exact gradient of a well-defined loss, so the
 * finite-difference check applies to it too.
 *
 * Checkpointed BPTT (checkpoint = 1, segments of K steps) gives the exact
 * full-BPTT gradient in O(T/K + K) activation memory: a first forward pass
 * keeps only the states at segment boundaries; the backward sweep then
 * recomputes each segment's forward from its boundary state (and the same
 * dropout masks) and backpropagates through it, the state gradient flowing
 * from segment to segment.  It costs about one extra forward pass.
 */
#ifndef RNNLAB_TRAIN_H
#define RNNLAB_TRAIN_H

#include "net.h"
#include "optim.h"
#include "probe.h"

typedef struct TrainConfig {
	LossKind loss;
	OptimConfig optim;
	Schedule sched;
	float clip_norm;	/* 0 = off */
	float clip_value;	/* 0 = off */
	int tbptt_k1;		/* 0 = full BPTT */
	int tbptt_k2;		/* 0 = k1 */
	float teacher_forcing;	/* seq2seq: probability of reading tgt_in at a step (1) */
	int threads;		/* worker threads splitting the batch (1 = none); see workers.h */
	int checkpoint;		/* checkpointed BPTT: keep every K-th state, recompute the rest */
	int checkpoint_k;	/* K; 0 = about sqrt(T) */
} TrainConfig;

/* What one step did. */
typedef struct StepStats {
	long step;		/* 1-based count of applied updates after this step */
	double loss;		/* mean over the scored positions */
	double grad_norm;	/* global L2 norm before clipping (last chunk) */
	double grad_norm_clipped;
	float lr;
	int updates;		/* optimizer updates made (chunks with a loss) */
} StepStats;

/* Asked before an update is applied, with the step's loss and its global
 * gradient norm before clipping: nonzero holds the update back (a
 * breakpoint that wants the weights as they were before the step). */
typedef struct ApplyHold {
	int (*fn)(void *ctx, double loss, double grad_norm);
	void *ctx;
} ApplyHold;

typedef struct Trainer {
	Model *m;		/* borrowed */
	TrainConfig cfg;
	Optim opt;
	Trace *tr;		/* the last training step's forward and backward */
	Trace *etr;		/* evaluation passes (validation, predict) */
	Probe probe;
	Rng rng;		/* dropout masks */
	long step;		/* updates applied so far (the schedule's clock) */
	struct Workers *workers;	/* threads > 1, full BPTT: the batch split across them */
	uint64_t seed;
	float *ckpt;		/* checkpointed BPTT: boundary states and state gradients */
	size_t ckpt_cap;
	Rng *ckpt_rng;		/* the dropout generator at each segment's start */
	int ckpt_nrng;
	float *state;		/* [2, L, Bcap, H] tbptt: h (and c) entering a window */
	int state_b;		/* Bcap of state */
	float *tw;		/* [nparam] the weights tr's forward pass ran with (the
				 * update that followed has changed m->params) */
	long trace_step;	/* the update tr's pass was for: step when it was
				 * applied, step + 1 when it was not (held, refused, grads) */
	ApplyHold hold;		/* asked before every update (fn NULL: never held) */
} Trainer;

void train_config_default(TrainConfig *c);
int train_config_check(const TrainConfig *c, const Model *m, Err *e);

int  trainer_init(Trainer *t, Model *m, const TrainConfig *c, uint64_t seed, Err *e);
void trainer_done(Trainer *t);
/* Change the configuration; the optimizer state is kept when the optimizer
 * kind is unchanged, else reset. */
int  trainer_configure(Trainer *t, const TrainConfig *c, Err *e);

/* One training step on batch b.  On ERR_NUMERIC nothing was applied (for
 * tbptt: nothing of the failing chunk) and e names the step and the norm;
 * on ERR_HELD t->hold held the update back.  t->tw gets the weights the
 * recorded trace was computed with. */
int train_step(Trainer *t, const Batch *b, StepStats *st, Err *e);
/* A forward and backward pass was just recorded in t->tr outside
 * train_step (grads): its weights are the current ones. */
void trainer_note_trace(Trainer *t);

/* Forward only, dropout off, into t->etr: loss of b (validation). */
int train_eval(Trainer *t, const Batch *b, double *loss, Err *e);

/* Steps 3-5 above on any flat parameter block (shared with seq2seq.c):
 * guard the loss and the gradient norm, ask hold (may be NULL), clip
 * grads[n] in place, then one optimizer step on params[n] at the scheduled
 * rate for *step, which is incremented.  Fills st's grad_norm,
 * grad_norm_clipped, lr, updates.  On ERR_NUMERIC and ERR_HELD nothing is
 * applied. */
int train_apply(const TrainConfig *cfg, Optim *opt, long *step, float *params, float *grads,
		size_t n, double loss, const ApplyHold *hold, StepStats *st, Err *e);

/* Global L2 norm of n floats, in double. */
double grad_global_norm(const float *g, size_t n);

#endif
