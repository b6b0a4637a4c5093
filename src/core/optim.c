/* optim.c — torch.optim's update rules as flat loops, and lr schedules.
 *
 * Each kernel mirrors the tensor operations of torch 1.13's single-tensor
 * path in the same order, because float32 addition is not associative:
 *   a.add(b, alpha=s)         a + s*b
 *   a.addcmul(b, c, value=s)  a + s*b*c      ((s*b)*c)
 *   a.addcdiv(b, c, value=s)  a + s*b/c      ((s*b)/c)
 * Python-side scalars are doubles in torch; they are computed in double
 * here too and rounded to float once, where torch hands them to a kernel.
 */
#include "optim.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const optim_names[OPTIM_COUNT] = {
	[OPTIM_SGD]      = "sgd",
	[OPTIM_MOMENTUM] = "momentum",
	[OPTIM_NESTEROV] = "nesterov",
	[OPTIM_ADAGRAD]  = "adagrad",
	[OPTIM_RMSPROP]  = "rmsprop",
	[OPTIM_ADAM]     = "adam",
	[OPTIM_ADAMW]    = "adamw",
};

const char *const sched_names[SCHED_COUNT] = {
	[SCHED_CONSTANT] = "constant",
	[SCHED_STEP]     = "step",
	[SCHED_COSINE]   = "cosine",
};

/* Find name in a table of count names; on failure the message lists them. */
static int parse_name(const char *const *names, int count, const char *what,
		      const char *name, int *out, Err *e)
{
	assert(name);
	for (int i = 0; i < count; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	char list[160] = "";
	size_t len = 0;
	for (int i = 0; i < count && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
					i ? ", " : "", names[i]);
	return err_set(e, ERR_INVAL, "unknown %s '%.64s' (choices: %s)",
		       what, name, list);
}

int optim_parse(const char *name, OptimKind *out, Err *e)
{
	int k = 0;
	int rc = parse_name(optim_names, OPTIM_COUNT, "optimizer", name, &k, e);
	if (rc == 0)
		*out = (OptimKind)k;
	return rc;
}

int sched_parse(const char *name, SchedKind *out, Err *e)
{
	int k = 0;
	int rc = parse_name(sched_names, SCHED_COUNT, "schedule", name, &k, e);
	if (rc == 0)
		*out = (SchedKind)k;
	return rc;
}

void optim_config_default(OptimConfig *c, OptimKind kind)
{
	bool adam = kind == OPTIM_ADAM || kind == OPTIM_ADAMW;
	c->kind = kind;
	c->lr = adam ? 1e-3f : 1e-2f;
	c->momentum = 0.9f;
	c->alpha = 0.99f;
	c->beta1 = 0.9f;
	c->beta2 = 0.999f;
	c->eps = kind == OPTIM_ADAGRAD ? 1e-10f : 1e-8f;
	c->weight_decay = kind == OPTIM_ADAMW ? 0.01f : 0.0f;
}

/* x must be finite and > 0 (or >= 0 when zero_ok). */
static int want_positive(Err *e, const char *who, const char *field,
			 float x, bool zero_ok)
{
	if (isfinite(x) && (x > 0.0f || (zero_ok && x == 0.0f)))
		return 0;
	return err_set(e, ERR_INVAL, "%s: %s must be a finite number %s 0, got %g",
		       who, field, zero_ok ? ">=" : ">", (double)x);
}

/* x must be in [0, 1), or in (0, 1) when zero is not ok. */
static int want_fraction(Err *e, const char *who, const char *field,
			 float x, bool zero_ok)
{
	if (x < 1.0f && (x > 0.0f || (zero_ok && x == 0.0f)))
		return 0;
	return err_set(e, ERR_INVAL, "%s: %s must be in %c0, 1), got %g",
		       who, field, zero_ok ? '[' : '(', (double)x);
}

int optim_check(const OptimConfig *c, Err *e)
{
	if ((unsigned)c->kind >= OPTIM_COUNT)
		return err_set(e, ERR_INVAL, "optimizer kind %d is not valid",
			       (int)c->kind);
	const char *who = optim_names[c->kind];
	int rc = want_positive(e, who, "lr", c->lr, false);
	if (rc == 0)
		rc = want_positive(e, who, "weight_decay", c->weight_decay, true);
	if (rc < 0)
		return rc;
	switch (c->kind) {
	case OPTIM_SGD:
		break;
	case OPTIM_MOMENTUM:
		rc = want_fraction(e, who, "momentum", c->momentum, true);
		break;
	case OPTIM_NESTEROV:	/* torch: "Nesterov momentum requires a momentum" */
		rc = want_fraction(e, who, "momentum", c->momentum, false);
		break;
	case OPTIM_ADAGRAD:
		rc = want_positive(e, who, "eps", c->eps, false);
		break;
	case OPTIM_RMSPROP:
		rc = want_fraction(e, who, "alpha", c->alpha, true);
		if (rc == 0)
			rc = want_positive(e, who, "eps", c->eps, false);
		break;
	case OPTIM_ADAM:
	case OPTIM_ADAMW:
		rc = want_fraction(e, who, "beta1", c->beta1, true);
		if (rc == 0)
			rc = want_fraction(e, who, "beta2", c->beta2, true);
		if (rc == 0)
			rc = want_positive(e, who, "eps", c->eps, false);
		break;
	case OPTIM_COUNT:
		break;
	}
	return rc;
}

static bool uses_m(OptimKind k)
{
	return k == OPTIM_MOMENTUM || k == OPTIM_NESTEROV ||
	       k == OPTIM_ADAM || k == OPTIM_ADAMW;
}

static bool uses_v(OptimKind k)
{
	return k == OPTIM_ADAGRAD || k == OPTIM_RMSPROP ||
	       k == OPTIM_ADAM || k == OPTIM_ADAMW;
}

int optim_init(Optim *o, const OptimConfig *c, size_t n, Err *e)
{
	memset(o, 0, sizeof *o);
	int rc = optim_check(c, e);
	if (rc < 0)
		return rc;
	const char *who = optim_names[c->kind];
	if (n > SIZE_MAX / sizeof(float))
		return err_set(e, ERR_NOMEM, "%s: state for %zu floats is too large",
			       who, n);
	if (n > 0 && uses_m(c->kind) && !(o->m = calloc(n, sizeof(float))))
		goto nomem;
	if (n > 0 && uses_v(c->kind) && !(o->v = calloc(n, sizeof(float))))
		goto nomem;
	if (n > 0 && !(o->undo = malloc(n * (1 + !!o->m + !!o->v) * sizeof(float))))
		goto nomem;
	o->cfg = *c;
	o->n = n;
	return 0;
nomem:
	optim_done(o);
	return err_set(e, ERR_NOMEM, "%s: out of memory for state of %zu floats",
		       who, n);
}

void optim_done(Optim *o)
{
	free(o->m);
	free(o->v);
	free(o->undo);
	o->m = o->v = o->undo = NULL;
	o->n = 0;
	o->t = 0;
}

void optim_reset(Optim *o)
{
	if (o->m)
		memset(o->m, 0, o->n * sizeof *o->m);
	if (o->v)
		memset(o->v, 0, o->n * sizeof *o->v);
	o->t = 0;
}

/* The kernels.  g is the gradient after L2 decay, g + wd*p (torch skips the
 * addition when wd is 0, and so do we: the branch is loop-invariant and the
 * compiler unswitches it).  Every array is restrict: param, grad and the
 * state are separate blocks, so the loops vectorise without alias checks.
 * (The ones with sqrtf vectorise only under -fno-math-errno, or the
 * compiler must keep a scalar path that sets errno for a negative
 * argument, which a sum of squares never is.) */

/* p = p - lr*g */
static void step_sgd(size_t n, float *restrict p, const float *restrict grad,
		     float lr, float wd)
{
	const float neg_lr = -lr;
	for (size_t i = 0; i < n; i++) {
		float g = grad[i];
		if (wd != 0.0f)
			g = g + wd * p[i];
		p[i] = p[i] + neg_lr * g;
	}
}

/* m = mu*m + g; p = p - lr*m (nesterov: p = p - lr*(g + mu*m)).  torch sets
 * m = g on the first step; m starts at 0 and 0*mu + g == g exactly. */
static void step_momentum(size_t n, float *restrict p,
			  const float *restrict grad, float *restrict m,
			  float lr, float mu, float wd, bool nesterov)
{
	const float neg_lr = -lr;
	for (size_t i = 0; i < n; i++) {
		float g = grad[i];
		if (wd != 0.0f)
			g = g + wd * p[i];
		float b = m[i] * mu + g;
		m[i] = b;
		float d = nesterov ? g + mu * b : b;
		p[i] = p[i] + neg_lr * d;
	}
}

/* v = decay*v + gain*g*g; p = p - lr*g/(sqrt(v) + eps).  Adagrad is
 * decay = gain = 1 (and 1*v, 1*g are exact), RMSprop decay = alpha,
 * gain = 1 - alpha. */
static void step_rms(size_t n, float *restrict p, const float *restrict grad,
		     float *restrict v, float lr, float decay, float gain,
		     float eps, float wd)
{
	const float neg_lr = -lr;
	for (size_t i = 0; i < n; i++) {
		float g = grad[i];
		if (wd != 0.0f)
			g = g + wd * p[i];
		float s = v[i] * decay + gain * g * g;
		v[i] = s;
		p[i] = p[i] + neg_lr * g / (sqrtf(s) + eps);
	}
}

/* AdamW's decay p = p*keep, keep = 1 - lr*wd (Adam's keep is 1, and p*1 is
 * p exactly), then for both:
 * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
 * p = p - step_size*m/(sqrt(v)/bc2_sqrt + eps). */
static void step_adam(size_t n, float *restrict p, const float *restrict grad,
		      float *restrict m, float *restrict v,
		      float b1, float one_b1, float b2, float one_b2,
		      float neg_step_size, float bc2_sqrt, float eps,
		      float wd, float keep)
{
	for (size_t i = 0; i < n; i++) {
		float g = grad[i];
		if (wd != 0.0f)
			g = g + wd * p[i];
		float q = p[i] * keep;
		float a = m[i] * b1 + one_b1 * g;
		float s = v[i] * b2 + one_b2 * g * g;
		m[i] = a;
		v[i] = s;
		p[i] = q + neg_step_size * a / (sqrtf(s) / bc2_sqrt + eps);
	}
}

/* The blocks a step changes: param, then m and v where the kind has them. */
static size_t step_blocks(Optim *o, float *param, float *blk[3])
{
	size_t k = 0;
	blk[k++] = param;
	if (o->m)
		blk[k++] = o->m;
	if (o->v)
		blk[k++] = o->v;
	return k;
}

static size_t count_nonfinite(const float *x, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += !isfinite(x[i]);
	return bad;
}

static void update(Optim *o, float *param, const float *grad, float lr);

size_t optim_step(Optim *o, float *param, const float *grad, float lr)
{
	const size_t n = o->n;
	float *blk[3];
	const size_t k = step_blocks(o, param, blk);
	if (n)
		for (size_t j = 0; j < k; j++)
			memcpy(o->undo + j * n, blk[j], n * sizeof(float));
	update(o, param, grad, lr);
	size_t bad = 0;
	for (size_t j = 0; j < k; j++)
		bad += count_nonfinite(blk[j], n);
	if (bad) {
		for (size_t j = 0; j < k; j++)
			memcpy(blk[j], o->undo + j * n, n * sizeof(float));
		o->t--;
	}
	return bad;
}

static void update(Optim *o, float *param, const float *grad, float lr)
{
	const OptimConfig *c = &o->cfg;
	size_t n = o->n;
	o->t++;
	if (n == 0)
		return;
	assert(!uses_m(c->kind) || o->m);
	assert(!uses_v(c->kind) || o->v);
	switch (c->kind) {
	case OPTIM_SGD:
		step_sgd(n, param, grad, lr, c->weight_decay);
		break;
	case OPTIM_MOMENTUM:
	case OPTIM_NESTEROV:
		step_momentum(n, param, grad, o->m, lr, c->momentum,
			      c->weight_decay, c->kind == OPTIM_NESTEROV);
		break;
	case OPTIM_ADAGRAD:
		step_rms(n, param, grad, o->v, lr, 1.0f, 1.0f, c->eps,
			 c->weight_decay);
		break;
	case OPTIM_RMSPROP:
		step_rms(n, param, grad, o->v, lr, c->alpha,
			 (float)(1.0 - (double)c->alpha), c->eps, c->weight_decay);
		break;
	case OPTIM_ADAM:
	case OPTIM_ADAMW: {
		double t = (double)o->t;
		double bc1 = 1.0 - pow(c->beta1, t);
		double bc2 = 1.0 - pow(c->beta2, t);
		bool decoupled = c->kind == OPTIM_ADAMW;
		float keep = decoupled ?
			(float)(1.0 - (double)lr * c->weight_decay) : 1.0f;
		step_adam(n, param, grad, o->m, o->v,
			  c->beta1, (float)(1.0 - (double)c->beta1),
			  c->beta2, (float)(1.0 - (double)c->beta2),
			  (float)(-((double)lr / bc1)), (float)sqrt(bc2), c->eps,
			  decoupled ? 0.0f : c->weight_decay, keep);
		break;
	}
	case OPTIM_COUNT:
		assert(!"optim_step: bad kind");
		break;
	}
}

void sched_default(Schedule *s, SchedKind kind)
{
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->gamma = 0.1f;
	s->lr_min = 0.0f;
}

int sched_check(const Schedule *s, Err *e)
{
	if ((unsigned)s->kind >= SCHED_COUNT)
		return err_set(e, ERR_INVAL, "schedule kind %d is not valid",
			       (int)s->kind);
	const char *who = sched_names[s->kind];
	if (s->warmup < 0)
		return err_set(e, ERR_INVAL, "%s: warmup must be at least 0, got %ld",
			       who, s->warmup);
	switch (s->kind) {
	case SCHED_CONSTANT:
		return 0;
	case SCHED_STEP:
		if (s->step_size < 1)
			return err_set(e, ERR_INVAL,
				       "%s: step_size must be at least 1, got %ld",
				       who, s->step_size);
		return want_positive(e, who, "gamma", s->gamma, false);
	case SCHED_COSINE:
		if (s->t_max < 1)
			return err_set(e, ERR_INVAL,
				       "%s: t_max must be at least 1, got %ld",
				       who, s->t_max);
		return want_positive(e, who, "lr_min", s->lr_min, true);
	case SCHED_COUNT:
		break;
	}
	return 0;
}

/* The schedule without warm-up, at 0-based step k. */
static double sched_at(const Schedule *s, double lr, long k)
{
	switch (s->kind) {
	case SCHED_STEP:
		assert(s->step_size >= 1);
		return lr * pow(s->gamma, (double)(k / s->step_size));
	case SCHED_COSINE:
		assert(s->t_max >= 1);
		if (k >= s->t_max)
			return s->lr_min;
		return s->lr_min + (lr - s->lr_min) *
			(1.0 + cos(M_PI * (double)k / (double)s->t_max)) / 2.0;
	case SCHED_CONSTANT:
	case SCHED_COUNT:
		break;
	}
	return lr;
}

float sched_lr(const Schedule *s, float base_lr, long step)
{
	assert(step >= 0);
	if (step < s->warmup)
		return (float)(sched_at(s, base_lr, 0) * (double)(step + 1) /
			       (double)s->warmup);
	return (float)sched_at(s, base_lr, step - s->warmup);
}

int optim_reconfigure(Optim *o, const OptimConfig *c, size_t n, Err *e)
{
	if (c->kind != o->cfg.kind) {
		Optim fresh;
		int rc = optim_init(&fresh, c, n, e);
		if (rc)
			return rc;
		optim_done(o);
		*o = fresh;
		return 0;
	}
	int rc = optim_check(c, e);
	if (!rc)
		o->cfg = *c;
	return rc;
}
