/* test_distill.c — knowledge distillation: the loss against PyTorch
 * (tests/fixtures/distill.npz, written by tests/gen_distill_fixtures.py),
 * a whole student's gradients against PyTorch's, alpha = 0 as the plain
 * loss bit for bit, the teacher's outputs through every training path (full
 * BPTT, checkpointed, workers), and the `distill` command: its errors leave
 * the session as it was, its runs, its record, the workbench's slices, the
 * journal's replay, distil-then-quantize, and Tab at the prompt.
 *
 * The reduction: rnnlab's losses are means over the scored positions.  For
 * a language model ([T, B, O] outputs, every step scored) the teacher term
 * is PyTorch's F.kl_div(..., reduction='batchmean') * T^2 over the logits
 * flattened to [T*B, O]; batchmean on the 3-d tensor would divide by T
 * alone, B times more (test_loss_fixtures checks both against the file).
 *
 * Tolerances: the loss is summed in double from float32 inputs, as PyTorch's
 * float64 reference is: 1e-6 relative.  dL/dz is rounded to float32 once:
 * 1e-7 absolute + 1e-6 relative.  The whole student runs in float32 on both
 * sides with other summation orders: test_pytorch.c's 1e-5 and 1e-4.
 */
#include "sessionutil.h"

#include "model.h"
#include "net.h"
#include "train.h"

static Npz fx;

static int open_fixture(void **state)
{
	Err e;
	(void)state;
	if (setup_dir(state))
		return -1;
	return npz_read(&fx, "tests/fixtures/distill.npz", &e) ? -1 : 0;
}

static int close_fixture(void **state)
{
	npz_free(&fx);
	return remove_dir(state);
}

static double scalar(const char *name)
{
	const NpyArray *a = npz_find(&fx, name);
	if (!a || a->dtype != NPY_F64 || a->count != 1)
		fail_msg("fixture: no float64 scalar '%s'", name);
	return ((const double *)a->data)[0];
}

static void near(const char *what, double got, double want, double rtol)
{
	if (!(fabs(got - want) <= rtol * fabs(want)))
		fail_msg("%s: %.10g, PyTorch %.10g", what, got, want);
}

/* One loss case of the file: prefix, kind, rows n of o outputs. */
static void loss_case(const char *p, LossKind kind, int n, int o)
{
	char name[64];
	size_t cnt;
#define ARR(field) (snprintf(name, sizeof name, "%s_%s", p, field), name)
	float *zs = tu_get_f32(&fx, ARR("zs"), &cnt, 1);
	assert_int_equal(cnt, (size_t)n * o);
	float *zt = tu_get_f32(&fx, ARR("zt"), NULL, 1), *y = tu_get_f32(&fx, ARR("y"), NULL, 1);
	const double temp = scalar(ARR("temp")), alpha = scalar(ARR("alpha"));
	const double want = scalar(ARR("loss")), want_kd = scalar(ARR("kd")), want_task = scalar(ARR("task"));
	const NpyArray *g = npz_find(&fx, ARR("grad"));
	assert_true(g && g->dtype == NPY_F64 && g->count == cnt);
	const double *gw = g->data;
	float *d = malloc(cnt * sizeof *d);
	long scored;
	double kd;
	double loss = loss_distill(kind, zs, y, zt, n, o, -1, (float)temp, (float)alpha, d, &scored, &kd);
	near(p, loss, want, 1e-6);
	near("the teacher term", kd, want_kd, 1e-6);
	assert_int_equal(scored, kind == LOSS_CE ? n : n * o);
	for (size_t i = 0; i < cnt; i++)
		if (!(fabs(d[i] - gw[i]) <= 1e-7 + 1e-6 * fabs(gw[i])))
			fail_msg("%s: dL/dz[%zu] = %.9g, PyTorch %.9g", p, i, d[i], gw[i]);
	/* alpha = 0: the task loss alone, as loss_forward_backward has it, bit for bit */
	float *d0 = malloc(cnt * sizeof *d0);
	long s0;
	double plain = loss_forward_backward(kind, zs, y, n, o, -1, d0, &s0);
	near("the task loss", plain, want_task, 1e-6);
	assert_true(loss_distill(kind, zs, y, zt, n, o, -1, (float)temp, 0.0f, d, &scored, NULL) == plain);
	assert_memory_equal(d, d0, cnt * sizeof *d);
	free(zs);
	free(zt);
	free(y);
	free(d);
	free(d0);
#undef ARR
}

static void test_loss_fixtures(void **state)
{
	(void)state;
	loss_case("lm", LOSS_CE, 5 * 3, 7);
	loss_case("cls", LOSS_CE, 4, 5);
	loss_case("bce", LOSS_BCE, 4 * 2, 3);
	loss_case("mse", LOSS_MSE, 4 * 2, 2);
	/* the mean over the 15 positions is batchmean over [T*B, O] rows; over
	 * the [T, B, O] tensor batchmean divides by T = 5, not 15: B = 3 times */
	near("batchmean of [T, B, O]", 3 * scalar("lm_kd"), scalar("lm_kd_3d"), 1e-12);
}

/* A student lstm (token input, a head), its loss mixed with a teacher's
 * outputs, forward and backward against PyTorch's nn modules. */
static void test_model_fixture(void **state)
{
	(void)state;
	ModelConfig c;
	model_config_default(&c);
	c.cell = CELL_LSTM;
	c.vocab = 11;
	c.embed = 4;
	c.hidden = 6;
	c.out = 11;
	Rng r;
	rng_seed(&r, 1);
	Err e;
	Model *m = model_new(&c, &r, &e);
	assert_non_null(m);
	size_t n;
	char name[64];
	for (int i = 0; i < m->ntensors; i++) {
		snprintf(name, sizeof name, "model_%s", m->tensors[i].name);
		float *w = tu_get_f32(&fx, name, &n, 1);
		assert_int_equal(n, m->tensors[i].size);
		memcpy(m->params + m->tensors[i].offset, w, n * sizeof *w);
		free(w);
	}
	float *xf = tu_get_f32(&fx, "model_x", &n, 1), *y = tu_get_f32(&fx, "model_y", NULL, 1);
	float *zt = tu_get_f32(&fx, "model_zt", NULL, 1);
	int32_t tok[18];
	assert_int_equal(n, 18);
	for (int i = 0; i < 18; i++)
		tok[i] = (int32_t)xf[i];
	Batch b = { .T = 6, .B = 3, .tok = tok, .y = y, .y_per_step = 1, .zt = zt,
		    .kd_temp = (float)scalar("model_temp"), .kd_alpha = (float)scalar("model_alpha") };
	Trace *tr = trace_new(m, 6, 3, &e);
	assert_non_null(tr);
	assert_int_equal(net_check_batch(m, &b, LOSS_CE, &e), 0);
	model_zero_grad(m);
	assert_int_equal(net_forward(m, tr, &b, LOSS_CE, 0, 0, NULL, &e), 0);
	net_backward(m, tr, &b);
	near("the student's loss", tr->loss, scalar("model_loss"), 1e-5);
	for (int i = 0; i < m->ntensors; i++) {
		const ParamInfo *p = &m->tensors[i];
		snprintf(name, sizeof name, "model_grad.%s", p->name);
		float *want = tu_get_f32(&fx, name, &n, 1);
		size_t at;
		double ex = tu_max_excess(m->grads + p->offset, want, n, 1e-4, &at);
		if (ex > 1e-6)
			fail_msg("grad.%s[%zu] = %.9g, PyTorch %.9g", p->name, at, m->grads[p->offset + at], want[at]);
		free(want);
	}
	/* a bad temperature or alpha is refused before anything runs */
	b.kd_temp = 0;
	assert_int_equal(net_check_batch(m, &b, LOSS_CE, &e), ERR_INVAL);
	assert_string_equal(e.msg, "distillation needs a temperature > 0 and alpha in [0, 1], got 0 and 0.5");
	trace_free(tr);
	model_free(m);
	free(xf);
	free(y);
	free(zt);
}

/* The teacher's outputs ride through every way a step is taken: full BPTT,
 * checkpointed BPTT (segments) and two workers (the batch split) agree. */
static void test_training_paths(void **state)
{
	(void)state;
	const int T = 9, B = 4, I = 3, H = 5, O = 4;
	for (int per_step = 0; per_step <= 1; per_step++) {
		ModelConfig c;
		model_config_default(&c);
		c.cell = CELL_GRU;
		c.in = I;
		c.hidden = H;
		c.out = O;
		Model *m[3];
		Trainer t[3];
		Err e;
		float x[T * B * I], y[T * B], zt[T * B * O];
		Rng r;
		rng_seed(&r, 77);
		for (int i = 0; i < T * B * I; i++)
			x[i] = rng_range(&r, -1, 1);
		for (int i = 0; i < T * B; i++)
			y[i] = (float)rng_below(&r, O);
		for (int i = 0; i < T * B * O; i++)
			zt[i] = rng_range(&r, -3, 3);
		Batch b = { .T = T, .B = B, .x = x, .y = y, .y_per_step = per_step, .zt = zt, .kd_temp = 3, .kd_alpha = 0.6f };
		for (int k = 0; k < 3; k++) {
			Rng init;
			rng_seed(&init, 5);
			m[k] = model_new(&c, &init, &e);
			assert_non_null(m[k]);
			TrainConfig tc;
			train_config_default(&tc);
			tc.loss = LOSS_CE;
			optim_config_default(&tc.optim, OPTIM_SGD);
			tc.optim.lr = 0.5f;
			tc.checkpoint = k == 1;
			tc.checkpoint_k = 2;
			tc.threads = k == 2 ? 2 : 1;
			assert_int_equal(trainer_init(&t[k], m[k], &tc, 3, &e), 0);
		}
		StepStats st[3];
		for (int step = 0; step < 2; step++)
			for (int k = 0; k < 3; k++)
				if (train_step(&t[k], &b, &st[k], &e))
					fail_msg("path %d: %s", k, e.msg);
		for (int k = 1; k < 3; k++) {
			near("the loss", st[k].loss, st[0].loss, 1e-6);
			near("the gradient norm", st[k].grad_norm, st[0].grad_norm, 1e-5);
			for (size_t i = 0; i < m[0]->nparam; i++)
				assert_float_equal(m[k]->params[i], m[0]->params[i], 1e-6);
		}
		/* and the teacher changes the step: without it, another loss */
		Batch plain = b;
		plain.zt = NULL;
		StepStats sp;
		assert_int_equal(train_step(&t[0], &plain, &sp, &e), 0);
		assert_true(fabs(sp.loss - st[0].loss) > 1e-3);
		for (int k = 0; k < 3; k++) {
			trainer_done(&t[k]);
			model_free(m[k]);
		}
	}
}

/* What must not change when distill fails. */
typedef struct Snap {
	char line[512];
	long step;
	int nruns, njournal;
	double wsum;
} Snap;

static Snap snap(const Session *s)
{
	Snap p = { "", session_step(s), s->nruns, s->njournal, 0 };
	snprintf(p.line, sizeof p.line, "%s", session_model_line(s));
	if (s->lr)
		for (size_t i = 0; i < s->lr->pb.nparam; i++)
			p.wsum += s->lr->pb.params[i] * (double)(i % 13 + 1);
	return p;
}

static void same(const Session *s, const Snap *p)
{
	Snap q = snap(s);
	assert_string_equal(q.line, p->line);
	assert_int_equal(q.step, p->step);
	assert_int_equal(q.nruns, p->nruns);
	assert_int_equal(q.njournal, p->njournal);
	assert_true(q.wsum == p->wsum);
	assert_null(s->kd);
}

static void test_errors_change_nothing(void **state)
{
	(void)state;
	Session *s = new_session();
	fails(s, "distill hidden=4", "distill: no model yet (try: model lstm hidden=64)");
	ok(s, "set seed=2 log_every=0 val_every=0 batch=8; data order T=20 n=200; model lstm hidden=8");
	Snap p = snap(s);
	fails(s, "distill hidden=4", "distill: the current model, the teacher, has not been trained yet: train it first "
	      "(distill trains a student on its outputs)");
	same(s, &p);
	ok(s, "train 3");
	p = snap(s);
	fails(s, "distill", "distill: missing arguments (usage: distill hidden=N [cell=C] [layers=K] [embed=E] [T=temp] "
	      "[alpha=A] [steps=N] [baseline=on|off])");
	fails(s, "distill layers=2", "distill: hidden=N is required: the student's size (e.g. distill hidden=64)");
	fails(s, "distill hidden=4 temp=2", "distill: unknown key 'temp' (keys: hidden, cell, layers, embed, T, alpha, "
	      "steps, baseline)");
	fails(s, "distill 4", "distill: expected key=value, got '4' (keys: hidden, cell, layers, embed, T, alpha, steps, "
	      "baseline)");
	fails(s, "distill hidden=4 alpha=1.5", "distill: alpha must be from 0 to 1, got 1.5");
	fails(s, "distill hidden=4 T=0", "distill: T (the temperature) must be from 0.01 to 100, got 0");
	fails(s, "distill hidden=4 cell=seq2seq", "distill: unknown cell 'seq2seq' (choices: rnn, lstm, gru)");
	fails(s, "distill hidden=4 embed=8", "distill: embed= is for token models; the teacher reads 8 float features per "
	      "step (in=8)");
	fails(s, "distill hidden=4 baseline=maybe", "distill: baseline must be on or off, got 'maybe'");
	same(s, &p);
	ok(s, "data sine; model gru hidden=6; train 2");
	p = snap(s);
	fails(s, "distill hidden=3 T=2", "distill: T= is for ce and bce (classification, language models); under mse the "
	      "student learns the teacher's outputs by mse, without a temperature: leave T= out");
	same(s, &p);
	ok(s, "data reverse len=8 n=50; model seq2seq cell=gru hidden=8 embed=4");
	fails(s, "distill hidden=4", "distill: distill does not work on seq2seq models (it works on rnn, lstm and gru models)");
	session_free(s);
}

/* A whole distill: runs, record, model show, expect; alpha = 0 is the
 * baseline exactly; then quantize the student. */
static void test_distill_runs(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "set seed=4 log_every=0 val_every=5 batch=8 val_size=64; data order T=20 n=300; model lstm hidden=12; train 10");
	ok(s, "distill hidden=4 T=3 alpha=0.7 steps=6");
	has("distill: lstm 12x1 (1108 parameters) teaches lstm 4x1 (244 parameters) for 6 steps at T=3 alpha=0.7, beside "
	    "the same student learning alone\n  the student: model lstm hidden=4 in=8 layers=1 out=4\n");
	has("distill: 6 steps at T=3 alpha=0.7; validation ce:\n");
	has("  teacher  lstm 12x1          1108       4.3 KiB ");
	has("  student  lstm 4x1            244       1.0 KiB ");
	has("4.54x smaller\n  alone    lstm 4x1            244       1.0 KiB ");
	has("  the same student without the teacher\n  distillation gains ");
	assert_int_equal(session_step(s), 6);
	assert_int_equal(s->nruns, 2);
	assert_string_equal(s->runs[1].name, "lstm hidden=4 alone");
	assert_string_equal(s->run_name, "lstm hidden=4 distilled");
	assert_int_equal(s->runs[1].hist.n, 6);
	assert_int_equal(s->hist.n, 6);
	assert_true(s->kd_rec.have && s->kd_rec.steps == 6 && s->kd_rec.temp == 3.0f);
	assert_true(s->kd_rec.student_val != s->kd_rec.alone_val);
	ok(s, "model show");
	has("  distilled from lstm hidden=12 in=8 layers=1 out=4: 1108 -> 244 parameters, 4.3 KiB -> 1.0 KiB (4.54x "
	    "smaller)\n  6 steps at T=3 alpha=0.7; validation ce then: teacher ");
	ok(s, "expect distill gain > -10; expect distill teacher < 10; expect params == 244");
	ok(s, "quantize int8");	/* distil, then quantize */
	has("quantize int8: 208 weights to 8 bits");
	ok(s, "runs");
	has("lstm hidden=12 ");
	has("lstm hidden=4 alone ");
	has("lstm hidden=4 distilled ");
	/* alpha = 0: the student is the baseline, step for step */
	ok(s, "rewind");	/* (the quantize) */
	ok(s, "model lstm hidden=12; train 10; distill hidden=4 alpha=0 steps=6 cell=gru layers=2");
	assert_true(s->kd_rec.student_val == s->kd_rec.alone_val);
	const History *a = &s->runs[s->nruns - 1].hist, *d = &s->hist;
	assert_int_equal(a->n, d->n);
	assert_memory_equal(a->col[HIST_LOSS], d->col[HIST_LOSS], a->n * sizeof(double));
	assert_string_equal(session_model_line(s), "model gru hidden=4 in=8 layers=2 out=4");
	/* a new model: the record goes with the student */
	ok(s, "model rnn hidden=3");
	fails(s, "expect distill gain > 0", "expect: the current model was not distilled (distill hidden=N trains a student)");
	session_free(s);
}

/* In the workbench distill is a job run in slices, like train: the same
 * numbers as in one go; only settings that change no number may change
 * while it runs; stopping it keeps both students at the same step; the
 * journal's replay gives the same student. */
static void test_distill_slices_and_journal(void **state)
{
	(void)state;
	const char *setup = "set seed=9 log_every=0 val_every=4 batch=8 val_size=32; data shakespeare seq=12 val=0.05; "
			    "model gru hidden=16 embed=8; train 6";
	Session *a = new_session();
	ok(a, setup);
	ok(a, "distill hidden=6 steps=9");
	Session *s = new_session();
	ok(s, setup);
	s->host.async_train = 1;
	ok(s, "distill hidden=6 steps=9");
	assert_non_null(s->kd);
	assert_string_equal(s->job.name, "distill");
	session_train_slice(s, 1e-12);
	session_train_slice(s, 1e-12);
	fails(s, "set lr=0.1", "set: lr cannot change while distill runs (these can: log_every, val_every, "
	      "checkpoint_every, pace); Esc stops it");
	ok(s, "set pace=0 log_every=0");
	while (session_train_slice(s, 0) > 0)
		;
	assert_null(s->kd);
	assert_int_equal(session_step(s), 9);
	assert_memory_equal(a->lr->pb.params, s->lr->pb.params, a->lr->pb.nparam * sizeof(float));
	assert_true(a->kd_rec.alone_val == s->kd_rec.alone_val && a->kd_rec.student_val == s->kd_rec.student_val);
	/* the journal replays it */
	char j[256], line[400];
	path(j, sizeof j, "distill.lab");
	snprintf(line, sizeof line, "journal save %s", j);
	s->host.async_train = 0;
	ok(s, line);
	Session *r = new_session();
	snprintf(line, sizeof line, "run %s", j);
	ok(r, line);
	assert_memory_equal(r->lr->pb.params, s->lr->pb.params, s->lr->pb.nparam * sizeof(float));
	session_free(r);
	/* stopped midway (Esc): the baseline is kept at the student's step */
	s->host.async_train = 1;
	ok(s, "model gru hidden=16 embed=8; train 6");
	s->host.async_train = 1;
	while (session_train_slice(s, 0) > 0)
		;
	ok(s, "distill hidden=5 steps=20");
	for (int i = 0; i < 3; i++)
		session_train_slice(s, 1e-12);
	session_train_cancel(s);
	assert_null(s->kd);
	assert_int_equal(session_step(s), 3);
	assert_int_equal(s->runs[s->nruns - 1].hist.n, 3);
	assert_true(!isnan(s->kd_rec.alone_val) && !isnan(s->kd_rec.student_val));
	session_free(s);
	session_free(a);
}

/* The other kinds of data: regression (mse to the teacher's outputs) and
 * binary targets (bce with two classes per output). */
static void test_distill_kinds(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "set seed=3 log_every=0 val_every=0 batch=8 val_size=32; data sine; model rnn hidden=10; train 5");
	ok(s, "distill hidden=3 alpha=0.9 steps=4 baseline=off");
	has("distill: 4 steps at alpha=0.9; validation mse:\n");
	assert_int_equal(s->nruns, 1);	/* no baseline */
	fails(s, "expect distill gain > 0", "expect: distill gain needs the student trained without the teacher "
	      "(baseline=on)");
	ok(s, "model show");
	has("\n  4 steps at alpha=0.9; validation mse then: teacher ");
	ok(s, "data parity T=8 n=100; model lstm hidden=6; train 4; distill hidden=2 T=5 steps=3");
	has("distill: 3 steps at T=5 alpha=0.5; validation bce:\n");
	session_free(s);
}

/* Tab at the prompt: distill's keys anywhere on its line, and cell= and
 * baseline= values. */
static void add_cand(void *ctx, const char *c)
{
	char *buf = ctx;
	strcat(buf, c);
	strcat(buf, " ");
}

static void test_completion(void **state)
{
	(void)state;
	Session *s = new_session();
	char got[512];
	const struct { const char *line, *want; } cases[] = {
		{ "dist", "distill " },
		{ "distill hidden=8 ", "hidden= cell= layers= embed= T= alpha= steps= baseline= " },
		{ "distill hidden=8 ba", "baseline= " },
		{ "distill cell=g", "cell=gru " },
		{ "distill baseline=o", "baseline=on baseline=off " },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *line = cases[i].line;
		int end = (int)strlen(line), start = end;
		while (start > 0 && line[start - 1] != ' ')
			start--;
		got[0] = '\0';
		cmd_complete(s, line, start, end, add_cand, got);
		if (strcmp(got, cases[i].want))
			fail_msg("'%s': got '%s', want '%s'", line, got, cases[i].want);
	}
	session_free(s);
}

/* help prints a command's help whole, however long (distill's and plot's
 * are over the 1 KiB a printf line holds). */
static void test_help_whole(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "help distill");
	has("usage: distill hidden=N [cell=C] [layers=K] [embed=E] [T=temp] [alpha=A] [steps=N] [baseline=on|off]\n");
	has("\nexample: distill hidden=64 T=2 alpha=0.5\n");
	ok(s, "help plot");
	has("with force.\n");
	session_free(s);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loss_fixtures),
		cmocka_unit_test(test_model_fixture),
		cmocka_unit_test(test_training_paths),
		cmocka_unit_test(test_errors_change_nothing),
		cmocka_unit_test(test_distill_runs),
		cmocka_unit_test(test_distill_slices_and_journal),
		cmocka_unit_test(test_distill_kinds),
		cmocka_unit_test(test_completion),
		cmocka_unit_test(test_help_whole),
	};
	return cmocka_run_group_tests(tests, open_fixture, close_fixture);
}
