/* test_learner.c — the learner interface, once for every kind of model.
 *
 * What every learner must do the same way is tested here over a table of
 * learners (plain cells with float and token input, seq2seq with and
 * without attention), through the commands a user types:
 *   - probe matches PyTorch on every committed fixture, of either kind
 *     (tests/gen_fixtures.py, tests/gen_s2s_fixtures.py);
 *   - gradcheck agrees with finite differences;
 *   - save, load and training on repeat the same trajectory bit for bit,
 *     and a saved journal replays to the same weights;
 *   - rewind restores weights, optimizer state and step, and training on
 *     from there repeats the same steps bit for bit;
 *   - a breakpoint on the gradient or loss holds the step's update back,
 *     one on the validation loss fires after it;
 *   - export then import is the identity, and a file of another model is
 *     refused with the weights left as they were;
 *   - eval, predict and model show run and say what they measured.
 * What only one kind does (translation, per-step panes, its messages) is
 * tested in test_cmd.c and test_cmd_s2s.c.
 */
#include "sessionutil.h"

#include <math.h>
#include <unistd.h>

#include "npz.h"

typedef struct Kind {
	const char *name;
	const char *setup;	/* data, model and settings */
	const char *other;	/* a model of another shape (import must refuse this one's file) */
} Kind;

static const Kind kinds[] = {
	{ "lstm, float input",
	  "data adding T=10 n=300; model lstm hidden=8; set batch=8 log_every=0 optim=adam lr=1e-2 clip=1",
	  "model lstm hidden=9" },
	{ "gru, tokens, 2 layers",
	  "data shakespeare seq=16; model gru hidden=6 embed=3 layers=2; set batch=8 log_every=0 val_size=64 "
	  "optim=rmsprop lr=1e-2",
	  "model gru hidden=6 embed=3 layers=1" },
	{ "seq2seq, dot attention",
	  "data reverse len=5 min=2 n=300; model seq2seq cell=lstm hidden=12 embed=6 attention=dot; set batch=16 "
	  "log_every=0 val_every=0 optim=adam lr=1e-2 teacher_forcing=0.75",
	  "model seq2seq cell=lstm hidden=12 embed=6 attention=general" },
	{ "seq2seq, no attention",
	  "data reverse len=4 min=2 n=200; model seq2seq cell=gru hidden=8 embed=4 attention=none; set batch=8 "
	  "log_every=0 val_every=0 optim=momentum lr=0.05",
	  "model seq2seq cell=gru hidden=8 embed=5 attention=none" },
};
#define NKINDS (sizeof kinds / sizeof *kinds)

static float *copy_params(const Session *s)
{
	const ParamBlock *pb = &s->lr->pb;
	float *w = malloc(pb->nparam * sizeof *w);
	assert_non_null(w);
	memcpy(w, pb->params, pb->nparam * sizeof *w);
	return w;
}

/* ---- probe against PyTorch, every fixture of either kind ---- */

static const char *const cell_fixtures[] = {
	"rnn_tanh_mse_step", "rnn_relu_mse_step", "rnn_tanh_2layer_ce_step", "rnn_tanh_h0_bce_seq", "lstm_mse_step",
	"lstm_2layer_mse_step", "lstm_h0c0_ce_seq", "lstm_h0only_mse_step", "lstm_token_ce_step", "gru_mse_step",
	"gru_2layer_bce_step", "gru_h0_ce_step", "gru_token_ce_seq", "lstm_nohead_mse_step", "rnn_3layer_mse_seq",
	"gru_nohead_mse_seq", "rnn_tanh_t1b1_mse_step", "lstm_t1b1_ce_seq", "rnn_relu_2layer_f64in_bce_step",
};
static const char *const s2s_fixtures[] = {
	"rnn_none", "rnn_dot_2layer", "rnn_general_full", "lstm_none_2layer", "lstm_dot",
	"lstm_general_2layer", "gru_none", "gru_dot_2layer", "gru_general_holes", "lstm_dot_s1t1b1",
};

/* The commands that build the fixture's model, from its config array (the
 * generators' layouts: cells [cell, act, in, vocab, embed, hidden, layers,
 * out, loss]; seq2seq [cell, src_vocab, tgt_vocab, embed, hidden, layers,
 * attention]). */
static void fixture_model(const char *dir, const float *c, char *line, size_t size)
{
	static const char *const cells[] = { "rnn", "lstm", "gru" };
	static const char *const losses[] = { "mse", "ce", "bce" };
	static const char *const attns[] = { "none", "dot", "general" };
	if (!strcmp(dir, "s2s")) {
		snprintf(line, size, "model seq2seq cell=%s src_vocab=%d tgt_vocab=%d embed=%d hidden=%d layers=%d attention=%s",
			 cells[(int)c[0]], (int)c[1], (int)c[2], (int)c[3], (int)c[4], (int)c[5], attns[(int)c[6]]);
		return;
	}
	int n = snprintf(line, size, "set loss=%s; model %s hidden=%d layers=%d out=%d", losses[(int)c[8]],
			 cells[(int)c[0]], (int)c[5], (int)c[6], (int)c[7]);
	if (c[3] > 0)
		n += snprintf(line + n, size - (size_t)n, " vocab=%d embed=%d", (int)c[3], (int)c[4]);
	else
		n += snprintf(line + n, size - (size_t)n, " in=%d", (int)c[2]);
	if (c[0] == 0)
		snprintf(line + n, size - (size_t)n, " act=%s", c[1] ? "relu" : "tanh");
}

static void probe_fixture(const char *dir, const char *name)
{
	char fx[256], out[256], line[1024];
	snprintf(fx, sizeof fx, "tests/fixtures/%s/%s.npz", dir, name);
	path(out, sizeof out, "probe_out.npz");
	unlink(out);
	Npz z, o;
	Err e;
	assert_int_equal(npz_read(&z, fx, &e), 0);
	float *c = tu_get_f32(&z, "config", NULL, 1);
	fixture_model(dir, c, line, sizeof line);
	Session *s = new_session();
	ok(s, line);
	snprintf(line, sizeof line, "import %s; probe %s %s", fx, fx, out);
	ok(s, line);
	has("arrays that are not parameters were skipped");
	assert_int_equal(npz_read(&o, out, &e), 0);
	/* every documented array the fixture has, and only those */
	static const char *const keys[] = { "output", "h_n", "c_n", "loss", "dh", "attn" };
	int nkeys = 0, ngrad = 0;
	for (int k = 0; k < 6; k++) {
		const NpyArray *want = npz_find(&z, keys[k]), *got = npz_find(&o, keys[k]);
		if (!want) {
			assert_null(got);	/* c_n: lstm only; attn: attention only */
			continue;
		}
		nkeys++;
		assert_non_null(got);
		assert_int_equal(got->dtype, NPY_F32);
		assert_int_equal(got->ndim, want->ndim);
		for (int d = 0; d < got->ndim; d++)
			assert_int_equal(got->shape[d], want->shape[d]);
		const int dh = !strcmp(keys[k], "dh");
		size_t at;
		if (tu_max_excess(got->data, want->data, want->count, dh ? 1e-4 : 1e-5, &at) > (dh ? 1e-6 : 1e-5))
			fail_msg("%s/%s: %s[%zu]", dir, name, keys[k], at);
	}
	for (int i = 0; i < z.n; i++) {
		if (strncmp(z.arrays[i].name, "grad.", 5))
			continue;
		ngrad++;
		const NpyArray *got = npz_find(&o, z.arrays[i].name);
		assert_non_null(got);
		size_t at;
		if (tu_max_excess(got->data, z.arrays[i].data, z.arrays[i].count, 1e-4, &at) > 1e-6)
			fail_msg("%s/%s: %s[%zu]", dir, name, z.arrays[i].name, at);
	}
	assert_int_equal(ngrad, s->lr->pb.ntensors);
	assert_int_equal(o.n, nkeys + ngrad);
	assert_int_equal(session_step(s), 0);	/* a probe is not a training step */
	free(c);
	npz_free(&o);
	npz_free(&z);
	session_free(s);
}

static void test_probe_pytorch(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cell_fixtures / sizeof *cell_fixtures; i++)
		probe_fixture("cells", cell_fixtures[i]);
	for (size_t i = 0; i < sizeof s2s_fixtures / sizeof *s2s_fixtures; i++)
		probe_fixture("s2s", s2s_fixtures[i]);
}

/* ---- gradcheck, eval, predict, model show ---- */

static void test_gradcheck_eval_show(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		Session *s = new_session();
		ok(s, kinds[k].setup);
		ok(s, "gradcheck 6");
		has("all within 1e-4 + ");
		assert_int_equal(session_step(s), 0);	/* no update */
		ok(s, "train 3; eval");
		has("eval: validation ");
		/* the last validation pass (training's, at its last step) */
		assert_true(s->val_sums.examples > 0 && s->val_sums.weight > 0);
		assert_true(isfinite(s->val_sums.loss_sum));
		ok(s, "predict 3");
		has("  #2  ");
		ok(s, "model show");
		char want[64];
		snprintf(want, sizeof want, "  %zu parameters (", s->lr->pb.nparam);
		has(want);
		session_free(s);
	}
}

/* ---- save, load, journal ---- */

static void test_save_load_journal(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		Session *s = new_session();
		char f[256], j[256], line[1200];
		path(f, sizeof f, "run.rnnlab");
		path(j, sizeof j, "run.lab");
		ok(s, kinds[k].setup);
		ok(s, "train 10");
		snprintf(line, sizeof line, "save %s", f);
		ok(s, line);
		has("model, optimizer state, ");
		const size_t n = s->lr->pb.nparam;
		float *w = copy_params(s);
		float *m = malloc(n * sizeof *m);
		memcpy(m, s->lr->pb.opt->m ? s->lr->pb.opt->m : w, n * sizeof *m);
		char model[512];
		snprintf(model, sizeof model, "%s", session_model_line(s));
		ok(s, "train 5");	/* the reference trajectory */
		float *w15 = copy_params(s);
		ok(s, "set lr=0.5 teacher_forcing=1; model rnn hidden=3 in=2");	/* wander off */
		snprintf(line, sizeof line, "load %s", f);
		ok(s, line);
		assert_string_equal(session_model_line(s), model);
		assert_int_equal(s->lr->pb.nparam, n);
		assert_memory_equal(w, s->lr->pb.params, n * sizeof *w);
		if (s->lr->pb.opt->m)
			assert_memory_equal(m, s->lr->pb.opt->m, n * sizeof *m);
		assert_int_equal(session_step(s), 10);
		assert_int_equal(s->hist.n, 10);
		ok(s, "train 5");	/* the same five steps, generator draws included */
		assert_memory_equal(w15, s->lr->pb.params, n * sizeof *w15);
		/* the journal replays the whole session to the same weights */
		snprintf(line, sizeof line, "journal save %s", j);
		ok(s, line);
		Session *r = new_session();
		snprintf(line, sizeof line, "run %s", j);
		ok(r, line);
		assert_string_equal(session_model_line(r), model);
		assert_int_equal(session_step(r), 15);
		assert_memory_equal(w15, r->lr->pb.params, n * sizeof *w15);
		session_free(r);
		free(w);
		free(m);
		free(w15);
		session_free(s);
	}
}

/* ---- rewind ---- */

static void test_rewind(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		Session *s = new_session();
		ok(s, kinds[k].setup);
		ok(s, "set checkpoint_every=5; train 5");
		const size_t n = s->lr->pb.nparam;
		float *w5 = copy_params(s), *m5 = malloc(n * sizeof *m5);
		const float *m = s->lr->pb.opt->m;
		memcpy(m5, m ? m : w5, n * sizeof *m5);
		ok(s, "train 5");
		assert_memory_not_equal(w5, s->lr->pb.params, n * sizeof *w5);
		float *w10 = copy_params(s);
		const double loss10 = s->hist.col[HIST_LOSS][9];
		ok(s, "rewind");
		has("rewound to step 5 (5 history rows kept)");
		assert_int_equal(session_step(s), 5);
		assert_memory_equal(w5, s->lr->pb.params, n * sizeof *w5);
		if (m)
			assert_memory_equal(m5, s->lr->pb.opt->m, n * sizeof *m5);
		/* the same five steps again: the same batches (the sampler went
		 * back too), the same dropout and optimizer, the same bytes */
		ok(s, "train 5");
		assert_memory_equal(w10, s->lr->pb.params, n * sizeof *w10);
		assert_true(s->hist.col[HIST_LOSS][9] == loss10);
		free(w5);
		free(m5);
		free(w10);
		session_free(s);
	}
}

/* ---- breakpoints: before the update (grad, loss), after it (val) ---- */

static void test_breakpoints(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		Session *s = new_session();
		ok(s, kinds[k].setup);
		ok(s, "train 2");
		const size_t n = s->lr->pb.nparam;
		float *w2 = copy_params(s);
		/* every gradient is above 0: the third step is held back */
		ok(s, "break grad > 0; train 5");
		has("break 1 (grad > 0) before step 3 (not applied: weights as after step 2): grad = ");
		assert_int_equal(session_step(s), 2);
		assert_int_equal(s->hist.n, 2);
		assert_memory_equal(w2, s->lr->pb.params, n * sizeof *w2);
		assert_int_equal(s->brk[0].hits, 1);
		/* the weights are finite and the state inspectable; a checkpoint is there */
		ok(s, "eval; rewind list");
		has("step 2  (newest)");
		assert_false(strstr(cap.out, "nan"));
		if (learner_caps(s->lr) & CAP_TIMESTEPS) {	/* the step pane shows the held step's batch */
			ok(s, "step t=1");
			has("(step 3, not applied)");
		}
		/* going on applies the held step (its batch: it was given back), then
		 * asks again: loss < X holds before step 4 */
		ok(s, "break clear; break loss < 1e30; train 3");
		has("break 1 (loss < 1e+30) before step 4 (not applied");
		assert_int_equal(session_step(s), 3);
		assert_int_equal(s->hist.n, 3);
		const char *p = strstr(cap.out, "before step 4 (not applied: weights as after step 3): loss = ");
		assert_non_null(p);
		double held = atof(p + strlen("before step 4 (not applied: weights as after step 3): loss = "));
		/* val: after the update it was measured on; the held step 4 is the one applied */
		ok(s, "break clear; set val_every=1; break val < 1e30; train 3");
		has("break 1 (val < 1e+30) after step 4: val = ");
		assert_int_equal(session_step(s), 4);
		if (fabs(s->hist.col[HIST_LOSS][3] - held) > 5e-4 * fabs(held))
			fail_msg("%s: step 4 trained on another batch than the held one: loss %g, held %g", kinds[k].name,
				 s->hist.col[HIST_LOSS][3], held);
		ok(s, "break clear; train 1");
		assert_int_equal(session_step(s), 5);
		free(w2);
		session_free(s);
	}
}

/* ---- expect val measures the weights as they are ---- */

static double last_number(const char *after)
{
	const char *p = NULL;
	for (const char *q = cap.out; (q = strstr(q, after)); q++)
		p = q;
	assert_non_null(p);
	return atof(p + strlen(after));
}

static double eval_loss_printed(Session *s)
{
	ok(s, "eval");
	const char *p = strstr(cap.out, "eval: validation ");
	assert_non_null(p);
	p = strchr(p + strlen("eval: validation "), ' ');	/* after the loss's name */
	return atof(p);
}

static void test_expect_val_fresh(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		Session *s = new_session();
		ok(s, kinds[k].setup);
		/* the whole validation split, as eval reads it */
		ok(s, "set val_size=100000 val_every=0; train 3; expect val > -1");
		double v1 = last_number("ok: val = ");
		assert_true(fabs(eval_loss_printed(s) - v1) <= 6e-4 * fabs(v1));	/* printed to 4 digits */
		/* pruned: measured again, and again the same; what eval says */
		ok(s, "prune 90%; expect val > -1");
		double v2 = last_number("ok: val = ");
		ok(s, "expect val > -1");
		assert_true(last_number("ok: val = ") == v2);
		assert_true(v2 != v1);
		assert_true(fabs(eval_loss_printed(s) - v2) <= 6e-4 * fabs(v2));
		/* fewer validation examples: measured on them */
		ok(s, "set val_size=8; expect val > -1");
		assert_true(last_number("ok: val = ") != v2);
		session_free(s);
	}
}

/* ---- export, import ---- */

static void test_export_import(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		Session *s = new_session();
		char a[256], b[256], line[1400], model[512];
		path(a, sizeof a, "w1.npz");
		path(b, sizeof b, "w2.npz");
		ok(s, kinds[k].setup);
		ok(s, "train 2");
		snprintf(line, sizeof line, "export %s force", a);
		ok(s, line);
		const size_t n = s->lr->pb.nparam;
		float *w = copy_params(s);
		snprintf(model, sizeof model, "%s", session_model_line(s));
		ok(s, model);	/* the same model, new weights */
		assert_memory_not_equal(w, s->lr->pb.params, n * sizeof *w);
		snprintf(line, sizeof line, "import %s; export %s force; import %s", a, b, b);
		ok(s, line);
		assert_memory_equal(w, s->lr->pb.params, n * sizeof *w);
		/* the two exports hold the same arrays */
		Npz za, zb;
		Err e;
		assert_int_equal(npz_read(&za, a, &e), 0);
		assert_int_equal(npz_read(&zb, b, &e), 0);
		assert_int_equal(za.n, zb.n);
		assert_int_equal(za.n, s->lr->pb.ntensors);
		for (int i = 0; i < za.n; i++) {
			assert_string_equal(za.arrays[i].name, zb.arrays[i].name);
			assert_memory_equal(za.arrays[i].data, zb.arrays[i].data, za.arrays[i].count * 4);
		}
		npz_free(&za);
		npz_free(&zb);
		/* another model refuses the file and keeps its weights */
		ok(s, kinds[k].other);
		float *w2 = copy_params(s);
		snprintf(line, sizeof line, "import %s", a);
		clear();
		assert_int_not_equal(session_exec(s, line), 0);
		assert_non_null(strstr(cap.err, "import: "));
		assert_memory_equal(w2, s->lr->pb.params, s->lr->pb.nparam * sizeof *w2);
		free(w);
		free(w2);
		session_free(s);
	}
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_pytorch),
		cmocka_unit_test(test_gradcheck_eval_show),
		cmocka_unit_test(test_save_load_journal),
		cmocka_unit_test(test_rewind),
		cmocka_unit_test(test_breakpoints),
		cmocka_unit_test(test_expect_val_fresh),
		cmocka_unit_test(test_export_import),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
