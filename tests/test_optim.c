/* test_optim.c — optimizers and lr schedules against torch.optim.
 *
 * The reference values in fixtures/optim_ref.h come from PyTorch 1.13
 * (tests/gen_optim_fixtures.py); the rest are worked out by hand below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "optim.h"
#include "fixtures/optim_ref.h"

#define NCASES (sizeof optim_ref_cases / sizeof optim_ref_cases[0])
#define NSCHED (sizeof sched_ref_cases / sizeof sched_ref_cases[0])

/* Tolerance against torch.  The kernels do torch's float32 operations in
 * torch's order, but this torch build fuses a + alpha*b into one fma (its
 * add kernel does; checked by emulating it in numpy) and src/core/optim.c does
 * not, so it stays vectorisable without -mfma; that is half an ulp per
 * fused operation, 1 ulp being 6e-8 to 1.2e-7 relative, and a few pile up
 * over 5 steps.  So values agree to 1e-6 relative, where a wrong formula (a
 * missed bias correction, decay in the wrong place, a step off by one)
 * moves them by 1e-4 or more.  Parameters are O(1) and the rounding error
 * is on the scale of the terms that were added, not of their sum, so a
 * parameter that cancels to near 0 is compared on the scale 0.1
 * (PARAM_FLOOR); learning rates are compared purely relatively. */
#define REL_TOL 1e-6
#define PARAM_FLOOR 0.1
#define LR_FLOOR 1e-30

/* |got - want| <= rel * max(|got|, |want|, floor) */
static int close_to(double got, double want, double rel, double floor)
{
	double scale = fmax(fmax(fabs(got), fabs(want)), floor);
	return fabs(got - want) <= rel * scale;
}

static void check_close(double got, double want, double rel, double floor,
			const char *what, int i, int j)
{
	if (!close_to(got, want, rel, floor))
		fail_msg("%s [%d][%d]: got %.9g, want %.9g (rel err %.3g)", what, i,
			 j, got, want, fabs(got - want) / fmax(fabs(want), 1e-30));
}

static void config_from_ref(OptimConfig *c, const OptimRefCase *r)
{
	OptimKind kind;
	Err e;
	assert_int_equal(optim_parse(r->kind, &kind, &e), 0);
	optim_config_default(c, kind);
	c->lr = r->lr;
	c->momentum = r->momentum;
	c->alpha = r->alpha;
	c->beta1 = r->beta1;
	c->beta2 = r->beta2;
	c->eps = r->eps;
	c->weight_decay = r->weight_decay;
}

/* 1. Every optimizer, five steps, against torch.optim. */
static void test_torch_reference(void **state)
{
	(void)state;
	double worst = 0.0;
	int exact = 0, total = 0;
	for (size_t ci = 0; ci < NCASES; ci++) {
		const OptimRefCase *r = &optim_ref_cases[ci];
		OptimConfig c;
		Optim o;
		Err e;
		config_from_ref(&c, r);
		if (optim_init(&o, &c, OPTIM_REF_N, &e) != 0)
			fail_msg("%s: %s", r->name, e.msg);
		float p[OPTIM_REF_N];
		memcpy(p, optim_ref_param0, sizeof p);
		for (int k = 0; k < OPTIM_REF_STEPS; k++) {
			optim_step(&o, p, optim_ref_grad[k], r->step_lr[k]);
			assert_int_equal(o.t, k + 1);
			for (int j = 0; j < OPTIM_REF_N; j++) {
				double want = r->param[k][j];
				check_close(p[j], want, REL_TOL, PARAM_FLOOR,
					    r->name, k, j);
				worst = fmax(worst, fabs(p[j] - want) /
					     fmax(fabs(want), PARAM_FLOOR));
				exact += p[j] == r->param[k][j];
				total++;
			}
		}
		optim_done(&o);
	}
	print_message("  %d of %d values equal to torch's, worst difference "
		      "%.3g relative\n", exact, total, worst);
}

/* The same cases over a long block whose length is no multiple of a vector
 * width: element i gets the inputs of element i % 7, so every element must
 * come out as the reference says, and elements with equal inputs must come
 * out bit-identical (vectorised body and scalar tail agree). */
static void test_long_block(void **state)
{
	(void)state;
	enum { LEN = 1003 };
	float *p = malloc(LEN * sizeof *p);
	float (*g)[LEN] = malloc(OPTIM_REF_STEPS * sizeof *g);
	assert_non_null(p);
	assert_non_null(g);
	for (size_t ci = 0; ci < NCASES; ci++) {
		const OptimRefCase *r = &optim_ref_cases[ci];
		OptimConfig c;
		Optim o;
		Err e;
		config_from_ref(&c, r);
		assert_int_equal(optim_init(&o, &c, LEN, &e), 0);
		for (int i = 0; i < LEN; i++) {
			p[i] = optim_ref_param0[i % OPTIM_REF_N];
			for (int k = 0; k < OPTIM_REF_STEPS; k++)
				g[k][i] = optim_ref_grad[k][i % OPTIM_REF_N];
		}
		for (int k = 0; k < OPTIM_REF_STEPS; k++)
			optim_step(&o, p, g[k], r->step_lr[k]);
		for (int i = 0; i < LEN; i++) {
			int j = i % OPTIM_REF_N;
			check_close(p[i], r->param[OPTIM_REF_STEPS - 1][j],
				    REL_TOL, PARAM_FLOOR, r->name,
				    OPTIM_REF_STEPS - 1, i);
			if (memcmp(&p[i], &p[j], sizeof p[i]) != 0)
				fail_msg("%s: element %d differs from element %d",
					 r->name, i, j);
		}
		optim_done(&o);
	}
	free(g);
	free(p);
}

static Optim make(OptimKind kind, float lr, size_t n)
{
	OptimConfig c;
	Optim o;
	Err e;
	optim_config_default(&c, kind);
	c.lr = lr;
	if (optim_init(&o, &c, n, &e) != 0)
		fail_msg("optim_init(%s): %s", optim_names[kind], e.msg);
	return o;
}

/* 3. First steps worked out by hand. */
static void test_first_steps_by_hand(void **state)
{
	(void)state;
	/* the tiny 1e-9 is where eps shows: it is 1e-8 for rmsprop and adam,
	 * 1e-10 for adagrad */
	enum { N = 5 };
	const float g[N] = {0.5f, -2.0f, 1e-3f, 0.0f, 1e-9f};
	const double eps = 1e-8;
	float p[N];

	/* sgd: p - lr*g */
	Optim o = make(OPTIM_SGD, 0.1f, N);
	memcpy(p, (float[N]){1, 1, 1, 1, 1}, sizeof p);
	optim_step(&o, p, g, 0.1f);
	for (int i = 0; i < N; i++)
		check_close(p[i], 1.0 - 0.1 * g[i], 1e-7, PARAM_FLOOR, "sgd",
			    0, i);
	optim_done(&o);

	/* L2 decay: g + wd*p with g = 0, wd 0.1, p 2, lr 0.5: 2 - 0.5*0.2 */
	o = make(OPTIM_SGD, 0.5f, 1);
	o.cfg.weight_decay = 0.1f;
	p[0] = 2.0f;
	optim_step(&o, p, (float[1]){0.0f}, 0.5f);
	check_close(p[0], 1.9, 1e-7, PARAM_FLOOR, "sgd wd", 0, 0);
	optim_done(&o);

	/* momentum 0.9, constant g: buf g, then 1.9g; p moves 2.9*lr*g.
	 * nesterov: steps of g + 0.9g and g + 0.9*1.9g, 4.61*lr*g in all. */
	const double total[2] = {2.9, 4.61};
	for (int nest = 0; nest < 2; nest++) {
		o = make(nest ? OPTIM_NESTEROV : OPTIM_MOMENTUM, 0.01f, N);
		memset(p, 0, sizeof p);
		optim_step(&o, p, g, 0.01f);
		optim_step(&o, p, g, 0.01f);
		for (int i = 0; i < N; i++)
			check_close(p[i], -0.01 * total[nest] * g[i], 1e-6,
				    LR_FLOOR, nest ? "nesterov" : "momentum",
				    1, i);
		optim_done(&o);
	}

	/* The adaptive ones move each parameter by about lr*sign(g) on the first
	 * step: adagrad by lr*g/(|g| + eps); rmsprop's v = (1-alpha)g^2 makes
	 * it lr*g/(0.1|g| + eps); Adam's bias corrections undo the betas,
	 * lr*g/(|g| + eps).  A zero gradient does not move anything. */
	struct {
		OptimKind kind;
		double scale, eps;
	} adapt[] = {
		{OPTIM_ADAGRAD, 1.0, 1e-10},
		{OPTIM_RMSPROP, 0.1, eps},
		{OPTIM_ADAM, 1.0, eps},
		{OPTIM_ADAMW, 1.0, eps},
	};
	for (size_t a = 0; a < sizeof adapt / sizeof adapt[0]; a++) {
		const double lr = 0.01;
		o = make(adapt[a].kind, (float)lr, N);
		/* AdamW's decay: p * (1 - lr*wd) first, with its default wd 0.01 */
		double keep = adapt[a].kind == OPTIM_ADAMW ? 1.0 - lr * 0.01 : 1.0;
		memcpy(p, (float[N]){1, 1, 1, 1, 1}, sizeof p);
		optim_step(&o, p, g, (float)lr);
		for (int i = 0; i < N; i++) {
			double want = keep - lr * g[i] /
				(adapt[a].scale * fabs(g[i]) + adapt[a].eps);
			check_close(p[i], want, 1e-6, PARAM_FLOOR,
				    optim_names[adapt[a].kind], 0, i);
		}
		assert_true(fabs(p[0] - (keep - lr / adapt[a].scale)) < 1e-6);
		optim_done(&o);
	}
}

/* A finite gradient whose update leaves the float range: every kind refuses
 * the step whole (parameters, state and t as before, the count of values
 * that were not finite returned), and the next good step is the one a run
 * that never saw the bad step takes, bit for bit. */
static void test_overflowing_update_refused(void **state)
{
	(void)state;
	enum { N = OPTIM_REF_N };
	for (int k = 0; k < OPTIM_COUNT; k++) {
		Optim o = make((OptimKind)k, 0.01f, N), twin = make((OptimKind)k, 0.01f, N);
		float p[N], q[N], p0[N], m0[N], v0[N], huge[N];
		memcpy(p, optim_ref_param0, sizeof p);
		memcpy(q, optim_ref_param0, sizeof q);
		for (int s = 0; s < 2; s++) {
			assert_int_equal(optim_step(&o, p, optim_ref_grad[s], 0.01f), 0);
			assert_int_equal(optim_step(&twin, q, optim_ref_grad[s], 0.01f), 0);
		}
		memcpy(p0, p, sizeof p0);
		if (o.m)
			memcpy(m0, o.m, sizeof m0);
		if (o.v)
			memcpy(v0, o.v, sizeof v0);
		const long t0 = o.t;
		/* g*g overflows the adaptive ones' v, lr*g everyone's p */
		memcpy(huge, optim_ref_grad[2], sizeof huge);
		huge[1] = 3e38f;
		size_t bad = optim_step(&o, p, huge, 1e10f);
		if (!bad)
			fail_msg("%s: an update to %g applied", optim_names[k], p[1]);
		assert_memory_equal(p, p0, sizeof p0);
		if (o.m)
			assert_memory_equal(o.m, m0, sizeof m0);
		if (o.v)
			assert_memory_equal(o.v, v0, sizeof v0);
		assert_int_equal(o.t, t0);
		assert_int_equal(optim_step(&o, p, optim_ref_grad[2], 0.01f), 0);
		assert_int_equal(optim_step(&twin, q, optim_ref_grad[2], 0.01f), 0);
		assert_memory_equal(p, q, sizeof p);
		optim_done(&o);
		optim_done(&twin);
	}
}

static int all_zero(const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (x[i] != 0.0f)
			return 0;
	return 1;
}

/* Reset forgets everything: the run after it repeats the first one bit for
 * bit.  Which state each kind keeps. */
static void test_reset_and_state(void **state)
{
	(void)state;
	for (int k = 0; k < OPTIM_COUNT; k++) {
		Optim o = make((OptimKind)k, 0.01f, OPTIM_REF_N);
		float p1[OPTIM_REF_N], p2[OPTIM_REF_N];
		memcpy(p1, optim_ref_param0, sizeof p1);
		for (int s = 0; s < 3; s++)
			optim_step(&o, p1, optim_ref_grad[s], 0.01f);
		optim_reset(&o);
		assert_int_equal(o.t, 0);
		if (o.m)
			assert_true(all_zero(o.m, o.n));
		if (o.v)
			assert_true(all_zero(o.v, o.n));
		memcpy(p2, optim_ref_param0, sizeof p2);
		for (int s = 0; s < 3; s++)
			optim_step(&o, p2, optim_ref_grad[s], 0.01f);
		assert_memory_equal(p1, p2, sizeof p1);

		int want_m = k == OPTIM_MOMENTUM || k == OPTIM_NESTEROV ||
			     k == OPTIM_ADAM || k == OPTIM_ADAMW;
		int want_v = k == OPTIM_ADAGRAD || k == OPTIM_RMSPROP ||
			     k == OPTIM_ADAM || k == OPTIM_ADAMW;
		assert_int_equal(o.m != NULL, want_m);
		assert_int_equal(o.v != NULL, want_v);
		optim_done(&o);
		assert_null(o.m);
		assert_null(o.v);
		optim_done(&o);		/* twice is harmless */

		/* An empty block: no state, steps count and touch nothing. */
		o = make((OptimKind)k, 0.01f, 0);
		assert_null(o.m);
		assert_null(o.v);
		optim_step(&o, p1, optim_ref_grad[0], 0.01f);
		assert_int_equal(o.t, 1);
		optim_done(&o);
	}
}

static void test_names_and_defaults(void **state)
{
	(void)state;
	Err e;
	for (int k = 0; k < OPTIM_COUNT; k++) {
		OptimKind got;
		assert_int_equal(optim_parse(optim_names[k], &got, &e), 0);
		assert_int_equal(got, k);
		OptimConfig c;
		optim_config_default(&c, (OptimKind)k);
		assert_int_equal(c.kind, k);
		assert_int_equal(optim_check(&c, &e), 0);
	}
	for (int k = 0; k < SCHED_COUNT; k++) {
		SchedKind got;
		assert_int_equal(sched_parse(sched_names[k], &got, &e), 0);
		assert_int_equal(got, k);
	}
	OptimKind ok;
	assert_int_equal(optim_parse("adamax", &ok, &e), ERR_INVAL);
	assert_string_equal(e.msg, "unknown optimizer 'adamax' (choices: sgd, "
			    "momentum, nesterov, adagrad, rmsprop, adam, adamw)");
	SchedKind sk;
	assert_int_equal(sched_parse("Cosine", &sk, &e), ERR_INVAL);
	assert_string_equal(e.msg, "unknown schedule 'Cosine' (choices: "
			    "constant, step, cosine)");

	OptimConfig c;
	optim_config_default(&c, OPTIM_ADAM);
	assert_true(c.lr == 1e-3f && c.beta1 == 0.9f && c.beta2 == 0.999f &&
		    c.eps == 1e-8f && c.weight_decay == 0.0f);
	optim_config_default(&c, OPTIM_ADAMW);
	assert_true(c.lr == 1e-3f && c.weight_decay == 0.01f);
	optim_config_default(&c, OPTIM_ADAGRAD);
	assert_true(c.lr == 1e-2f && c.eps == 1e-10f);
	optim_config_default(&c, OPTIM_RMSPROP);
	assert_true(c.lr == 1e-2f && c.alpha == 0.99f && c.eps == 1e-8f);
	optim_config_default(&c, OPTIM_MOMENTUM);
	assert_true(c.lr == 1e-2f && c.momentum == 0.9f);
}

static void expect_bad(const OptimConfig *c, const char *msg)
{
	Err e = {"untouched"};
	int rc = optim_check(c, &e);
	if (rc != ERR_INVAL)
		fail_msg("optim_check returned %d for '%s'", rc, msg);
	assert_string_equal(e.msg, msg);
	/* optim_init refuses it the same way and holds nothing */
	Optim o;
	memset(&e, 0, sizeof e);
	assert_int_equal(optim_init(&o, c, 10, &e), ERR_INVAL);
	assert_string_equal(e.msg, msg);
	assert_null(o.m);
	assert_null(o.v);
	optim_done(&o);
}

static OptimConfig cfg(OptimKind kind)
{
	OptimConfig c;
	optim_config_default(&c, kind);
	return c;
}

static void test_validation(void **state)
{
	(void)state;
	OptimConfig c;
	Err e;

	c = cfg(OPTIM_ADAM), c.beta1 = 1.5f;
	expect_bad(&c, "adam: beta1 must be in [0, 1), got 1.5");
	c = cfg(OPTIM_ADAMW), c.beta2 = 1.0f;
	expect_bad(&c, "adamw: beta2 must be in [0, 1), got 1");
	c = cfg(OPTIM_ADAM), c.beta1 = -0.1f;
	expect_bad(&c, "adam: beta1 must be in [0, 1), got -0.1");
	c = cfg(OPTIM_ADAM), c.eps = 0.0f;
	expect_bad(&c, "adam: eps must be a finite number > 0, got 0");
	c = cfg(OPTIM_SGD), c.lr = 0.0f;
	expect_bad(&c, "sgd: lr must be a finite number > 0, got 0");
	c = cfg(OPTIM_SGD), c.lr = -0.5f;
	expect_bad(&c, "sgd: lr must be a finite number > 0, got -0.5");
	c = cfg(OPTIM_RMSPROP), c.lr = NAN;
	expect_bad(&c, "rmsprop: lr must be a finite number > 0, got nan");
	c = cfg(OPTIM_ADAGRAD), c.lr = INFINITY;
	expect_bad(&c, "adagrad: lr must be a finite number > 0, got inf");
	c = cfg(OPTIM_ADAGRAD), c.eps = -1e-10f;
	expect_bad(&c, "adagrad: eps must be a finite number > 0, got -1e-10");
	c = cfg(OPTIM_ADAMW), c.weight_decay = -0.1f;
	expect_bad(&c, "adamw: weight_decay must be a finite number >= 0, got -0.1");
	c = cfg(OPTIM_RMSPROP), c.alpha = 1.0f;
	expect_bad(&c, "rmsprop: alpha must be in [0, 1), got 1");
	c = cfg(OPTIM_MOMENTUM), c.momentum = 1.0f;
	expect_bad(&c, "momentum: momentum must be in [0, 1), got 1");
	c = cfg(OPTIM_NESTEROV), c.momentum = 0.0f;
	expect_bad(&c, "nesterov: momentum must be in (0, 1), got 0");
	c = cfg(OPTIM_ADAM), c.kind = (OptimKind)99;
	expect_bad(&c, "optimizer kind 99 is not valid");

	/* Edges that are fine, and fields a kind does not use are not checked. */
	c = cfg(OPTIM_MOMENTUM), c.momentum = 0.0f;
	assert_int_equal(optim_check(&c, &e), 0);
	c = cfg(OPTIM_ADAM), c.beta1 = 0.0f, c.beta2 = 0.0f;
	assert_int_equal(optim_check(&c, &e), 0);
	c = cfg(OPTIM_SGD), c.beta1 = 5.0f, c.eps = -1.0f, c.alpha = NAN;
	assert_int_equal(optim_check(&c, &e), 0);
	assert_int_equal(optim_check(&c, NULL), 0);
	c.lr = 0.0f;
	assert_int_equal(optim_check(&c, NULL), ERR_INVAL);	/* e may be NULL */
}

/* 2. Schedules against torch.optim.lr_scheduler. */
static void test_sched_torch(void **state)
{
	(void)state;
	for (size_t ci = 0; ci < NSCHED; ci++) {
		const SchedRefCase *r = &sched_ref_cases[ci];
		Schedule s;
		Err e;
		SchedKind kind;
		assert_int_equal(sched_parse(r->kind, &kind, &e), 0);
		sched_default(&s, kind);
		s.step_size = r->step_size;
		s.gamma = r->gamma;
		s.t_max = r->t_max;
		s.lr_min = r->lr_min;
		s.warmup = r->warmup;
		if (sched_check(&s, &e) != 0)
			fail_msg("%s: %s", r->name, e.msg);
		for (int k = 0; k < r->nsteps; k++)
			check_close(sched_lr(&s, r->base_lr, k), r->lr[k], REL_TOL, LR_FLOOR,
				    r->name, 0, k);
	}
}

static void expect_lrs(const Schedule *s, float base, const float *want, int n,
		       const char *what)
{
	for (int k = 0; k < n; k++)
		check_close(sched_lr(s, base, k), want[k], 1e-7, LR_FLOOR, what, 0, k);
}

/* Warm-up and the rest of the formulas, by hand. */
static void test_sched_by_hand(void **state)
{
	(void)state;
	Schedule s;

	sched_default(&s, SCHED_CONSTANT);
	s.warmup = 4;
	expect_lrs(&s, 0.1f, (float[]){0.025f, 0.05f, 0.075f, 0.1f, 0.1f, 0.1f},
		   6, "constant warmup");
	s.warmup = 1;	/* one warm-up step at (0+1)/1: the same as none */
	expect_lrs(&s, 0.1f, (float[]){0.1f, 0.1f}, 2, "warmup 1");

	/* step 2, gamma 0.5 after warm-up 4: from step 4 the schedule's own
	 * 1, 1, 0.5, 0.5, 0.25 */
	sched_default(&s, SCHED_STEP);
	s.step_size = 2;
	s.gamma = 0.5f;
	expect_lrs(&s, 1.0f, (float[]){1, 1, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f},
		   7, "step");
	s.warmup = 4;
	expect_lrs(&s, 1.0f, (float[]){0.25f, 0.5f, 0.75f, 1, 1, 1, 0.5f, 0.5f,
				       0.25f}, 9, "step warmup");

	/* cosine 0.1 -> 0.01 over t_max 10: halfway (0.1 + 0.01)/2, and
	 * lr_min from t_max on, for good (torch's would climb again). */
	sched_default(&s, SCHED_COSINE);
	s.t_max = 10;
	s.lr_min = 0.01f;
	check_close(sched_lr(&s, 0.1f, 0), 0.1, 1e-7, LR_FLOOR, "cosine", 0, 0);
	check_close(sched_lr(&s, 0.1f, 5), 0.055, 1e-7, LR_FLOOR, "cosine", 0, 5);
	check_close(sched_lr(&s, 0.1f, 2),
		    0.01 + 0.09 * (1 + cos(M_PI * 0.2)) / 2, 1e-7, LR_FLOOR,
		    "cosine", 0, 2);
	for (long k = 10; k < 100; k++)
		assert_true(sched_lr(&s, 0.1f, k) == 0.01f);
	s.warmup = 5;
	expect_lrs(&s, 0.1f, (float[]){0.02f, 0.04f, 0.06f, 0.08f, 0.1f}, 5,
		   "cosine warmup");
	check_close(sched_lr(&s, 0.1f, 10), 0.055, 1e-7, LR_FLOOR,
		    "cosine warmup", 0, 10);
	assert_true(sched_lr(&s, 0.1f, 15) == 0.01f);
}

static void expect_sched_bad(const Schedule *s, const char *msg)
{
	Err e = {"untouched"};
	assert_int_equal(sched_check(s, &e), ERR_INVAL);
	assert_string_equal(e.msg, msg);
}

static void test_sched_validation(void **state)
{
	(void)state;
	Schedule s;
	Err e;

	sched_default(&s, SCHED_CONSTANT);
	assert_int_equal(sched_check(&s, &e), 0);
	s.warmup = -1;
	expect_sched_bad(&s, "constant: warmup must be at least 0, got -1");

	sched_default(&s, SCHED_STEP);	/* no step_size yet */
	expect_sched_bad(&s, "step: step_size must be at least 1, got 0");
	s.step_size = 3;
	assert_int_equal(sched_check(&s, &e), 0);
	s.gamma = 0.0f;
	expect_sched_bad(&s, "step: gamma must be a finite number > 0, got 0");

	sched_default(&s, SCHED_COSINE);
	expect_sched_bad(&s, "cosine: t_max must be at least 1, got 0");
	s.t_max = 100;
	assert_int_equal(sched_check(&s, &e), 0);
	s.lr_min = -1.0f;
	expect_sched_bad(&s, "cosine: lr_min must be a finite number >= 0, got -1");

	s.kind = (SchedKind)7;
	expect_sched_bad(&s, "schedule kind 7 is not valid");
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_torch_reference),
		cmocka_unit_test(test_long_block),
		cmocka_unit_test(test_first_steps_by_hand),
		cmocka_unit_test(test_reset_and_state),
		cmocka_unit_test(test_overflowing_update_refused),
		cmocka_unit_test(test_names_and_defaults),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_sched_torch),
		cmocka_unit_test(test_sched_by_hand),
		cmocka_unit_test(test_sched_validation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
