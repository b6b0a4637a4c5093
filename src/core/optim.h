/* optim.h — optimizers and learning-rate schedules over flat float arrays.
 *
 * The model's parameters live in one contiguous block of n floats and the
 * gradients in a parallel block, so one optimizer step is a flat loop over n
 * floats.  The update rules are PyTorch 1.13's torch.optim, float32, with the
 * floating-point operations in the same order torch does them, so results
 * agree to a few ulps (torch's CPU kernels fuse some multiply-adds into an
 * fma; these loops do not, so they vectorise without FMA hardware).  Below,
 * g is the gradient, p the parameter, lr the learning rate of this step, t
 * the 1-based step count, and every operation is per element:
 *
 *   weight decay (all but adamw, L2 "coupled" as torch does):  g = g + wd*p
 *
 *   sgd       p = p - lr*g
 *   momentum  m = mu*m + g  (m = g on the first step);  p = p - lr*m
 *   nesterov  m as momentum;                            p = p - lr*(g + mu*m)
 *   adagrad   v = v + g*g;                  p = p - lr*g / (sqrt(v) + eps)
 *   rmsprop   v = alpha*v + (1-alpha)*g*g;  p = p - lr*g / (sqrt(v) + eps)
 *   adam      m = b1*m + (1-b1)*g
 *             v = b2*v + (1-b2)*g*g
 *             denom = sqrt(v) / sqrt(1 - b2^t) + eps
 *             p = p - lr/(1 - b1^t) * m / denom
 *   adamw     p = p*(1 - lr*wd)  (decoupled decay), then adam without decay
 *
 * That is SGD with dampening 0, Adagrad with lr_decay 0 and initial
 * accumulator 0, RMSprop without momentum and not centered, Adam and AdamW
 * without amsgrad.  Scalars (1 - b1^t, lr/(1 - b1^t), ...) are computed in
 * double, as torch computes them in Python, and used as floats.
 *
 * The optimizer does not own the learning rate: optim_step() takes the lr of
 * this step, which the caller gets from a Schedule (sched_lr) applied to
 * OptimConfig.lr, the base learning rate.
 */
#ifndef RNNLAB_OPTIM_H
#define RNNLAB_OPTIM_H

#include <stddef.h>

#include "err.h"

typedef enum {
	OPTIM_SGD,
	OPTIM_MOMENTUM,
	OPTIM_NESTEROV,
	OPTIM_ADAGRAD,
	OPTIM_RMSPROP,
	OPTIM_ADAM,
	OPTIM_ADAMW,
	OPTIM_COUNT
} OptimKind;

/* "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw". */
extern const char *const optim_names[OPTIM_COUNT];

/* Look name up in optim_names.  ERR_INVAL, with a message listing the
 * names, when it is not there. */
int optim_parse(const char *name, OptimKind *out, Err *e);

/* Hyperparameters.  A kind reads only the fields it uses (see above); the
 * others are kept, so switching kinds back and forth loses nothing. */
typedef struct OptimConfig {
	OptimKind kind;
	float lr;		/* base learning rate, > 0 */
	float momentum;		/* mu, momentum and nesterov */
	float alpha;		/* rmsprop's smoothing constant */
	float beta1, beta2;	/* adam(w) */
	float eps;		/* adagrad, rmsprop, adam(w) */
	float weight_decay;	/* L2 for all but adamw; decoupled for adamw */
} OptimConfig;

/* PyTorch's defaults for kind: lr 1e-3 for adam and adamw, 1e-2 otherwise;
 * momentum 0.9, alpha 0.99, betas 0.9 and 0.999, eps 1e-10 for adagrad and
 * 1e-8 otherwise, weight_decay 0.01 for adamw and 0 otherwise. */
void optim_config_default(OptimConfig *c, OptimKind kind);

/* 0 when the fields c->kind uses are in range; else ERR_INVAL and a message
 * such as "adam: beta1 must be in [0, 1), got 1.5".  Ranges: lr > 0,
 * weight_decay >= 0, eps > 0, momentum in [0, 1) (nesterov: (0, 1)),
 * alpha, beta1, beta2 in [0, 1); all finite. */
int optim_check(const OptimConfig *c, Err *e);

/* An optimizer over n floats, with its state.  m is the momentum buffer or
 * Adam's first moment, v Adagrad's sum of squares or the second moment of
 * RMSprop and Adam; each holds n floats, is owned by the Optim, and is NULL
 * when the kind does not use it (or n is 0).  m, v and t are what a saved
 * session must keep to resume training exactly. */
typedef struct Optim {
	OptimConfig cfg;
	size_t n;
	long t;			/* steps taken since init or reset */
	float *m;		/* [n]; NULL for sgd, adagrad, rmsprop */
	float *v;		/* [n]; NULL for sgd, momentum, nesterov */
	float *undo;		/* [n] params, then m and v as used: a step's
				 * inputs, put back when its result is not finite */
} Optim;

/* Check c (as optim_check), copy it, allocate zeroed state for n floats,
 * t = 0.  On failure o holds no memory and optim_done(o) is harmless.
 * The hyperparameters in o->cfg may be changed between steps; the kind
 * may not (init a new Optim). */
int  optim_init(Optim *o, const OptimConfig *c, size_t n, Err *e);
void optim_done(Optim *o);
/* Zero the state and t: the next step is a first step again. */
void optim_reset(Optim *o);
/* New settings: the state is kept when the kind is the same, else the
 * optimizer starts afresh.  On error o is unchanged. */
int optim_reconfigure(Optim *o, const OptimConfig *c, size_t n, Err *e);

/* One update of param[n] from grad[n] with learning rate lr (usually
 * sched_lr(..., o->cfg.lr, o->t)); increments o->t and returns 0.  A finite
 * gradient can still carry a weight or the state past FLT_MAX (a large lr, a
 * tiny Adam denominator): then nothing of the step is kept (param, the state
 * and o->t are as before the call) and the result is the number of values
 * that were not finite.  param and grad must not overlap each other or the
 * state.  Does not allocate. */
size_t optim_step(Optim *o, float *param, const float *grad, float lr);

/* Learning-rate schedules: a function of the base lr and the 0-based step.
 *
 *   constant  lr(k) = lr
 *   step      lr(k) = lr * gamma^floor(k / step_size)          (torch StepLR)
 *   cosine    lr(k) = lr_min + (lr - lr_min) * (1 + cos(pi*k/t_max)) / 2
 *             for k < t_max, and lr_min from k = t_max on
 *             (CosineAnnealingLR's closed form; torch's keeps going round
 *             the cosine after t_max, this one stays at the bottom)
 *
 * A linear warm-up of w steps composes with any of them:
 *
 *   k < w:   lr_w(k) = lr(0) * (k + 1) / w
 *   k >= w:  lr_w(k) = lr(k - w)
 *
 * so with lr 0.1 and w = 4 the first steps run at 0.025, 0.05, 0.075, 0.1,
 * and then the schedule starts from its own step 0 (again 0.1).  Computed in
 * double, returned as float.
 */
typedef enum {
	SCHED_CONSTANT,
	SCHED_STEP,
	SCHED_COSINE,
	SCHED_COUNT
} SchedKind;

/* "constant", "step", "cosine". */
extern const char *const sched_names[SCHED_COUNT];

int sched_parse(const char *name, SchedKind *out, Err *e);

typedef struct Schedule {
	SchedKind kind;
	long step_size;		/* step: decay every step_size steps, >= 1 */
	float gamma;		/* step: decay factor, > 0 */
	long t_max;		/* cosine: steps from lr down to lr_min, >= 1 */
	float lr_min;		/* cosine: the floor, >= 0 */
	long warmup;		/* warm-up steps, >= 0 (0: none) */
} Schedule;

/* kind, gamma 0.1 and lr_min 0 (torch's defaults), no warm-up.  torch has
 * no default for step_size and t_max: they are left 0, which sched_check
 * refuses for the kinds that need them, until the user gives one. */
void sched_default(Schedule *s, SchedKind kind);

/* 0 when the fields s->kind uses are in range (see Schedule); else
 * ERR_INVAL and a message such as "cosine: t_max must be at least 1, got 0". */
int sched_check(const Schedule *s, Err *e);

/* The learning rate of 0-based step `step` (>= 0) for base_lr; s must pass
 * sched_check. */
float sched_lr(const Schedule *s, float base_lr, long step);

#endif
