/* test_cmd_s2s.c — seq2seq through the command language, as a user types it:
 * model seq2seq and model show, training with accuracy lines, eval,
 * predict, translate (greedy and beam) and the attention heatmap, probe
 * against the PyTorch fixtures (tests/fixtures/s2s), import/export, save and
 * load, the journal, teacher forcing as a setting, gradcheck, and every
 * bad input with its one-line error. */
#include "sessionutil.h"

#include <unistd.h>

#include "cmd.h"
#include "session.h"
#include "views.h"

#define SMALL "data reverse len=5 min=2 n=800; set batch=32 log_every=0 val_every=0 optim=adam lr=1e-2"

static void test_model_and_errors(void **state)
{
	(void)state;
	Session *s = new_session();
	fails(s, "model seq2seq cell=lstm hidden=8",
	      "model: src_vocab= and tgt_vocab= are needed when no seq2seq dataset is selected "
	      "(or select one first: data reverse)");
	ok(s, "model seq2seq cell=gru hidden=6 embed=3 src_vocab=9 tgt_vocab=8 layers=2 attention=general");
	has("seq2seq cell=gru hidden=6 embed=3 src_vocab=9 tgt_vocab=8 layers=2 attention=general: ");
	assert_true(learner_caps(s->lr) & CAP_TRANSLATE);
	assert_null(cur_model(s));
	ok(s, "model show");
	has("  attn_score.weight      [6, 6]                 36");
	has("  decoder.weight_hh_l1   [18, 6]               108");
	has("Luong general attention");
	ok(s, "data reverse len=6 n=200");
	fails(s, "model seq2seq hidden=8",
	      "model: cell= and hidden= are required (e.g. model seq2seq cell=lstm hidden=128 embed=32 attention=dot)");
	fails(s, "model seq2seq cell=lstm hidden=8 attention=bahdanau",
	      "model: unknown attention 'bahdanau' (choices: none, dot, general)");
	fails(s, "model seq2seq cell=lstm hidden=8 out=3",
	      "model: unknown key 'out' for seq2seq (keys: cell, hidden, embed, src_vocab, tgt_vocab, layers, attention)");
	fails(s, "model seq2seq cell=lstm hidden=8 layers=0", "model: layers must be an integer from 1 to 16, got '0'");
	fails(s, "model seq2seq cell=lstm hidden=8 tgt_vocab=3",
	      "model: tgt_vocab must be an integer from 4 to 1000000, got '3'");
	fails(s, "model seq2seq cell=lstm hidden=8 embed", "model: expected key=value, got 'embed' (keys: cell, hidden, "
	      "embed, src_vocab, tgt_vocab, layers, attention)");
	/* the failed commands left the first model in place */
	assert_non_null(strstr(session_model_line(s), " hidden=6 "));
	ok(s, "model seq2seq cell=lstm hidden=8");
	has("seq2seq cell=lstm hidden=8 embed=32 src_vocab=30 tgt_vocab=30 layers=1 attention=none: 4878 parameters");
	/* commands for plain models say so */
	fails(s, "grads", "grads: grads does not work on seq2seq models (it works on rnn, lstm and gru models)");
	fails(s, "generate", "generate: generate does not work on seq2seq models (it works on rnn, lstm and gru models)");
	fails(s, "gates", "gates: gates does not work on seq2seq models (it works on rnn, lstm and gru models)");
	fails(s, "plot flow", "plot: flow does not work on seq2seq models (it works on rnn, lstm and gru models)");
	fails(s, "model seq2seq cell=lstm hidden=8 src_vocab=10; train 1",
	      "train: the model's src_vocab=10 is smaller than reverse's 30");
	ok(s, "data adding T=5 n=100; model seq2seq cell=lstm hidden=8 src_vocab=10 tgt_vocab=10");
	fails(s, "train 1", "train: a seq2seq model needs a seq2seq task (reverse, sort, addition, dates); adding is regress");
	fails(s, "translate \"abc\"", "translate: translate reads characters through the dataset's vocabulary: select the "
	      "seq2seq task the model learned (data reverse ...)");
	/* a plain model replaces the seq2seq one, and the other way round */
	ok(s, "model lstm hidden=4");
	assert_false(learner_caps(s->lr) & CAP_TRANSLATE);
	assert_non_null(cur_model(s));
	ok(s, "data reverse len=6 n=200");
	fails(s, "translate \"abc\"", "translate: translate does not work on lstm models (it works on seq2seq models)");
	fails(s, "train 1", "train: reverse is a seq2seq task: it needs a seq2seq model");
	ok(s, "model seq2seq cell=rnn hidden=4");
	assert_null(cur_model(s));
	fails(s, "set teacher_forcing=1.5", "set: teacher_forcing must be from 0 to 1, got 1.5");
	ok(s, "set teacher_forcing=0.25");
	char v[32];
	setting_value(s, "teacher_forcing", v, sizeof v);
	assert_string_equal(v, "0.25");
	fails(s, "set loss=mse; train 1", "train: a seq2seq model trains with ce (PAD not scored), not mse (set loss=ce)");
	session_free(s);
}

static void test_train_eval_translate(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, SMALL "; model seq2seq cell=gru hidden=32 embed=8 attention=dot");
	ok(s, "set log_every=100 val_every=100 val_size=64; train 300");
	has("step    100  loss ");
	has("  acc ");
	has("  val_acc ");
	has("  seq_acc ");
	has("step    300");
	assert_int_equal(s->hist.n, 300);
	assert_true(s->hist.col[HIST_LOSS][299] < 0.5 * s->hist.col[HIST_LOSS][0]);
	assert_true(s->val_sums.seqs == 64 && s->val_sums.scored > 64);
	ok(s, "eval");
	has("eval: validation ce ");
	has("over 80 examples");
	has("sequence accuracy ");
	has("greedy decoding)");
	ok(s, "predict 3");
	has("  #0  \"");
	has("greedy \"");
	has(" of 3 right");
	/* translate reads a text as the data presents a source (PAD to S): it
	 * agrees with predict's greedy decoding of the same example */
	{
		char src[64] = "", got[64], line[160], want[160];
		const int S = data_info(s->data)->S;
		for (int k = 0; k < 3 && (!*src || (int)strlen(src) >= S); k++) {	/* a source shorter than S */
			char tag[16];
			snprintf(tag, sizeof tag, "  #%d  \"", k);
			const char *p = strstr(cap.out, tag);
			assert_non_null(p);
			assert_int_equal(sscanf(p + strlen(tag), "%63[a-z]\" -> \"%*[a-z]\"  greedy \"%63[a-z<>]\"", src, got),
					 2);
		}
		snprintf(line, sizeof line, "translate \"%s\"", src);
		ok(s, line);
		snprintf(want, sizeof want, "\"%s\" -> \"%s\"\n", src, got);
		if (strncmp(cap.out, want, strlen(want)))
			fail_msg("translate: %s  predict: %s", cap.out, want);
		/* the same log-probability as the engine on the padded source */
		int32_t ids[16];
		Err e;
		int n = data_encode(s->data, 0, src, ids, 16, &e);
		assert_true(n >= 2 && n < S);
		for (int i = n; i < S; i++)
			ids[i] = 0;
		S2sOutput o;
		assert_int_equal(s2s_beam(s->lr->s2s, ids, S, 1, data_info(s->data)->T, &o, &e), 0);
		const S2sOutput *tr = session_translation(s);
		assert_int_equal(tr->n, o.n);
		assert_int_equal(tr->S, n);
		assert_true(fabs(tr->logp - o.logp) < 1e-12);
		s2s_output_free(&o);
	}
	/* greedy, then a wider beam; the attention is kept */
	ok(s, "translate \"abcd\"");
	has("\"abcd\" -> \"");
	has("  greedy, ");
	const S2sOutput *o = session_translation(s);
	assert_non_null(o);
	assert_int_equal(o->S, 4);
	assert_true(o->n >= 1);
	assert_non_null(o->attn);
	for (int t = 0; t < o->n; t++) {
		double sum = 0;
		for (int j = 0; j < o->S; j++)
			sum += o->attn[t * o->S + j];
		assert_true(fabs(sum - 1) < 1e-5);
	}
	ok(s, "translate \"abcd\" beam=4 max=9");
	has("  beam search, ");
	has("  beam width 4");
	ok(s, "view attention");
	has("attention a_ts");
	has("source");
	/* the heatmap into a grid, for the workbench's pane */
	Err e;
	Grid *g = grid_new(60, 16, &e);
	assert_int_equal(attention_draw(s, g, 0, 0, 60, 16, 1, GRID_MONO, &e), 0);
	grid_free(g);
	fails(s, "translate", "translate: missing arguments (usage: translate \"text\" [beam=W] [max=N])");
	fails(s, "translate \"abc\" beam=0", "translate: beam must be an integer from 1 to 64, got '0'");
	fails(s, "translate \"abc\" foo=1", "translate: unknown key 'foo' (keys: beam, max)");
	fails(s, "translate \"abc\" \"def\"",
	      "translate: one source text, in quotes (usage: translate \"text\" [beam=W] [max=N])");
	fails(s, "translate \"\"", "translate: nothing to translate (usage: translate \"text\" [beam=W] [max=N])");
	ok(s, "translate \"a1b\"");
	has("read as <unk>");
	ok(s, "gradcheck 4");
	has("all within 1e-4");
	has("attn.weight");
	/* a new model forgets the translation; without attention nothing to draw */
	ok(s, "model seq2seq cell=lstm hidden=8 embed=4");
	assert_null(session_translation(s));
	fails(s, "view attention", "view: no translation yet (try: translate \"abc\")");
	ok(s, "translate \"ab\"");
	fails(s, "view attention", "view: this seq2seq model has no attention (attention=none): nothing to show");
	/* runs: the first model's run was archived */
	ok(s, "runs");
	has("seq2seq cell=gru hidden=32");
	has("(current)");
	session_free(s);
}

/* Teacher forcing below 1 trains (the decoder reads its own guesses). */
static void test_teacher_forcing(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, SMALL "; model seq2seq cell=lstm hidden=16 embed=8 attention=general; set teacher_forcing=0.5");
	ok(s, "train 60");
	assert_int_equal(session_step(s), 60);
	assert_true(s->tcfg.teacher_forcing == 0.5f);
	assert_true(isfinite(s->hist.col[HIST_LOSS][59]));
	session_free(s);
}

/* Checkpoints and rewind restore a seq2seq model, its optimizer and step. */
static void test_rewind(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, SMALL "; model seq2seq cell=gru hidden=8 embed=4 attention=general; set checkpoint_every=5");
	ok(s, "train 5");
	size_t n = s->lr->pb.nparam;
	float *w5 = malloc(n * sizeof *w5), *m5 = malloc(n * sizeof *m5);
	memcpy(w5, s->lr->pb.params, n * sizeof *w5);
	memcpy(m5, s->lr->pb.opt->m, n * sizeof *m5);
	ok(s, "train 5");
	assert_memory_not_equal(w5, s->lr->pb.params, n * sizeof *w5);
	ok(s, "rewind");
	has("rewound to step 5 (5 history rows kept)");
	assert_int_equal(session_step(s), 5);
	assert_memory_equal(w5, s->lr->pb.params, n * sizeof *w5);
	assert_memory_equal(m5, s->lr->pb.opt->m, n * sizeof *m5);
	free(w5);
	free(m5);
	session_free(s);
}

static const char *const fixtures[] = {
	"rnn_none", "rnn_dot_2layer", "rnn_general_full", "lstm_none_2layer", "lstm_dot",
	"lstm_general_2layer", "gru_none", "gru_dot_2layer", "gru_general_holes", "lstm_dot_s1t1b1",
};

/* import + probe, through the commands, match PyTorch on every fixture. */
static void test_probe_pytorch(void **state)
{
	(void)state;
	static const char *const cells[] = { "rnn", "lstm", "gru" };
	static const char *const attns[] = { "none", "dot", "general" };
	for (size_t ci = 0; ci < sizeof fixtures / sizeof *fixtures; ci++) {
		char fx[256], out[256], line[1024];
		snprintf(fx, sizeof fx, "tests/fixtures/s2s/%s.npz", fixtures[ci]);
		path(out, sizeof out, "probe_out.npz");
		unlink(out);
		Npz z;
		Err e;
		assert_int_equal(npz_read(&z, fx, &e), 0);
		float *c = tu_get_f32(&z, "config", NULL, 1);
		snprintf(line, sizeof line,
			 "model seq2seq cell=%s src_vocab=%d tgt_vocab=%d embed=%d hidden=%d layers=%d attention=%s",
			 cells[(int)c[0]], (int)c[1], (int)c[2], (int)c[3], (int)c[4], (int)c[5], attns[(int)c[6]]);
		Session *s = new_session();
		ok(s, line);
		snprintf(line, sizeof line, "import %s; probe %s %s", fx, fx, out);
		ok(s, line);
		has("arrays that are not parameters were skipped");
		has("loss (ce, PAD not scored)");
		Npz o;
		assert_int_equal(npz_read(&o, out, &e), 0);
		static const char *const keys[] = { "output", "h_n", "c_n", "loss", "dh", "attn" };
		int nkeys = 0;
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
			double rtol = k == 4 ? 1e-4 : 1e-5, atol = k == 4 ? 1e-6 : 1e-5;
			size_t at;
			if (tu_max_excess(got->data, want->data, want->count, rtol, &at) > atol)
				fail_msg("%s: %s[%zu]", fixtures[ci], keys[k], at);
		}
		int ngrad = 0;
		for (int i = 0; i < z.n; i++) {
			if (strncmp(z.arrays[i].name, "grad.", 5))
				continue;
			ngrad++;
			const NpyArray *got = npz_find(&o, z.arrays[i].name);
			assert_non_null(got);
			size_t at;
			if (tu_max_excess(got->data, z.arrays[i].data, z.arrays[i].count, 1e-4, &at) > 1e-6)
				fail_msg("%s: %s[%zu]", fixtures[ci], z.arrays[i].name, at);
		}
		assert_int_equal(ngrad, s->lr->pb.ntensors);
		assert_int_equal(o.n, nkeys + ngrad);	/* nothing but the documented keys */
		/* the probe changed neither the weights nor the step */
		assert_int_equal(session_step(s), 0);
		free(c);
		npz_free(&o);
		npz_free(&z);
		session_free(s);
	}
}

/* Write an npz of int64 id arrays (NULL name ends the list). */
static void write_ids(const char *file, const char *n1, long d0, long d1, const int64_t *a1, const char *n2, long e0,
		      long e1, const int64_t *a2, const char *n3, long f0, long f1, const int64_t *a3)
{
	NpzWriter *w;
	Err e;
	assert_int_equal(npz_writer_open(&w, file, NPZ_STORED, &e), 0);
	long s1[2] = { d0, d1 }, s2[2] = { e0, e1 }, s3[2] = { f0, f1 };
	if (n1)
		assert_int_equal(npz_writer_add(w, n1, NPY_I64, 2, s1, a1, &e), 0);
	if (n2)
		assert_int_equal(npz_writer_add(w, n2, NPY_I64, 2, s2, a2, &e), 0);
	if (n3)
		assert_int_equal(npz_writer_add(w, n3, NPY_I64, 2, s3, a3, &e), 0);
	assert_int_equal(npz_writer_close(w, &e), 0);
}

static void test_probe_errors(void **state)
{
	(void)state;
	Session *s = new_session();
	char in[256], out[256], line[1200], want[1200];
	path(in, sizeof in, "in.npz");
	path(out, sizeof out, "out.npz");
	ok(s, "model seq2seq cell=lstm hidden=4 embed=3 src_vocab=9 tgt_vocab=8 attention=dot");
	/* a plain model's probe file */
	snprintf(line, sizeof line, "probe tests/fixtures/cells/lstm_mse_step.npz %s", out);
	fails(s, line, "probe: tests/fixtures/cells/lstm_mse_step.npz has no 'src' (a seq2seq probe reads src [S,B], "
	      "tgt_in [T,B], tgt_out [T,B])");
	const int64_t src[6] = { 4, 5, 6, 0, 7, 0 }, tin[4] = { 1, 1, 4, 5 }, tout[4] = { 4, 5, 2, 2 };
	write_ids(in, "src", 3, 2, src, "tgt_in", 2, 2, tin, NULL, 0, 0, NULL);
	snprintf(line, sizeof line, "probe %s %s", in, out);
	snprintf(want, sizeof want,
		 "probe: %s has no 'tgt_out' (a seq2seq probe reads src [S,B], tgt_in [T,B], tgt_out [T,B])", in);
	fails(s, line, want);
	write_ids(in, "src", 3, 2, src, "tgt_in", 2, 2, tin, "tgt_out", 4, 1, tout);
	snprintf(want, sizeof want, "probe: %s: shapes disagree: src [3, 2], tgt_in [2, 2], tgt_out [4, 1] (the same B; "
		 "tgt_in and tgt_out both [T, B])", in);
	fails(s, line, want);
	const int64_t bad[6] = { 4, 5, 9, 0, 7, 0 };
	write_ids(in, "src", 3, 2, bad, "tgt_in", 2, 2, tin, "tgt_out", 2, 2, tout);
	snprintf(want, sizeof want, "probe: %s: src id 9 at t=1, b=0 is outside the vocabulary [0, 9)", in);
	fails(s, line, want);
	write_ids(in, "src", 6, 1, src, "tgt_in", 2, 2, tin, "tgt_out", 2, 2, tout);
	snprintf(want, sizeof want, "probe: %s: shapes disagree: src [6, 1], tgt_in [2, 2], tgt_out [2, 2] (the same B; "
		 "tgt_in and tgt_out both [T, B])", in);
	fails(s, line, want);
	/* float ids */
	{
		NpzWriter *w;
		Err e;
		float f[6] = { 4, 5, 6, 0, 7, 0 };
		long sh[2] = { 3, 2 };
		assert_int_equal(npz_writer_open(&w, in, NPZ_STORED, &e), 0);
		assert_int_equal(npz_writer_add(w, "src", NPY_F32, 2, sh, f, &e), 0);
		assert_int_equal(npz_writer_close(w, &e), 0);
		snprintf(want, sizeof want, "probe: %s: src must be int32/int64 token ids [S, B], got float32 [3, 2]", in);
		fails(s, line, want);
	}
	/* a good one works, and a second probe refuses to overwrite a non-npz file */
	write_ids(in, "src", 3, 2, src, "tgt_in", 2, 2, tin, "tgt_out", 2, 2, tout);
	ok(s, line);
	has("probe: S=3 T=2 B=2 loss (ce, PAD not scored) ");
	has("over 4 positions");
	snprintf(line, sizeof line, "probe nosuch.npz %s", out);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	assert_non_null(strstr(cap.err, "probe: nosuch.npz"));
	session_free(s);
}

static void test_import_export(void **state)
{
	(void)state;
	Session *s = new_session();
	char f[256], line[800], want[800];
	path(f, sizeof f, "w.npz");
	ok(s, "model seq2seq cell=gru hidden=5 embed=3 src_vocab=7 tgt_vocab=6 attention=general");
	snprintf(line, sizeof line, "export %s", f);
	ok(s, line);
	has("exported 14 tensors");
	size_t n = s->lr->pb.nparam;
	float *w = malloc(n * sizeof *w);
	memcpy(w, s->lr->pb.params, n * sizeof *w);
	ok(s, "model seq2seq cell=gru hidden=5 embed=3 src_vocab=7 tgt_vocab=6 attention=general");	/* new weights */
	assert_memory_not_equal(w, s->lr->pb.params, n * sizeof *w);
	snprintf(line, sizeof line, "import %s", f);
	ok(s, line);
	has("imported 14 tensors");
	assert_memory_equal(w, s->lr->pb.params, n * sizeof *w);
	/* the file of another shape or kind is refused, weights unchanged */
	ok(s, "model seq2seq cell=gru hidden=5 embed=3 src_vocab=7 tgt_vocab=6 attention=dot");
	n = s->lr->pb.nparam;
	memcpy(w, s->lr->pb.params, n * sizeof *w);
	snprintf(want, sizeof want, "import: %s: 'attn_score.weight' is not a tensor of this model (model seq2seq cell=gru "
		 "hidden=5 embed=3 src_vocab=7 tgt_vocab=6 layers=1 attention=dot; model show lists them)", f);
	fails(s, line, want);
	assert_memory_equal(w, s->lr->pb.params, n * sizeof *w);
	ok(s, "model seq2seq cell=gru hidden=5 embed=4 src_vocab=7 tgt_vocab=6 attention=general");
	snprintf(want, sizeof want, "import: %s: 'src_embed.weight' has shape [7, 3], the model needs [7, 4]", f);
	fails(s, line, want);
	snprintf(line, sizeof line, "import tests/fixtures/cells/lstm_mse_step.npz");
	fails(s, line, "import: tests/fixtures/cells/lstm_mse_step.npz: 'rnn.weight_ih_l0' is not a tensor of this model "
	      "(model seq2seq cell=gru hidden=5 embed=4 src_vocab=7 tgt_vocab=6 layers=1 attention=general; model show "
	      "lists them)");
	free(w);
	session_free(s);
}

static void test_save_load_journal(void **state)
{
	(void)state;
	Session *s = new_session();
	char f[256], j[256], line[700];
	path(f, sizeof f, "s2s.rnnlab");
	path(j, sizeof j, "s2s.lab");
	ok(s, SMALL "; model seq2seq cell=lstm hidden=12 embed=6 attention=dot; set teacher_forcing=0.75");
	ok(s, "train 10");
	snprintf(line, sizeof line, "save %s", f);
	ok(s, line);
	has("model, optimizer state, ");
	size_t n = s->lr->pb.nparam;
	float *w = malloc(n * sizeof *w), *w15 = malloc(n * sizeof *w15);
	memcpy(w, s->lr->pb.params, n * sizeof *w);
	ok(s, "train 5");	/* the reference trajectory, teacher forcing draws included */
	memcpy(w15, s->lr->pb.params, n * sizeof *w15);
	ok(s, "set teacher_forcing=1 lr=0.5; model lstm hidden=3");	/* wander off */
	assert_false(learner_caps(s->lr) & CAP_TRANSLATE);
	snprintf(line, sizeof line, "load %s", f);
	ok(s, line);
	has("seq2seq cell=lstm hidden=12 embed=6 src_vocab=30 tgt_vocab=30 layers=1 attention=dot");
	has("step 10");
	assert_true(learner_caps(s->lr) & CAP_TRANSLATE);
	assert_null(cur_model(s));
	assert_int_equal(s->lr->pb.nparam, n);
	assert_memory_equal(w, s->lr->pb.params, n * sizeof *w);
	assert_int_equal(session_step(s), 10);
	assert_true(s->tcfg.teacher_forcing == 0.75f);
	ok(s, "train 5");
	assert_memory_equal(w15, s->lr->pb.params, n * sizeof *w15);
	/* the journal replays the session: the same model, the same weights */
	snprintf(line, sizeof line, "journal save %s", j);
	ok(s, line);
	Session *r = new_session();
	snprintf(line, sizeof line, "run %s", j);
	ok(r, line);
	assert_true(learner_caps(r->lr) & CAP_TRANSLATE);
	assert_string_equal(session_model_line(r), session_model_line(s));
	assert_int_equal(session_step(r), 15);
	assert_memory_equal(w15, r->lr->pb.params, n * sizeof *w15);
	session_free(r);
	free(w);
	free(w15);
	session_free(s);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_and_errors),
		cmocka_unit_test(test_train_eval_translate),
		cmocka_unit_test(test_teacher_forcing),
		cmocka_unit_test(test_rewind),
		cmocka_unit_test(test_probe_pytorch),
		cmocka_unit_test(test_probe_errors),
		cmocka_unit_test(test_import_export),
		cmocka_unit_test(test_save_load_journal),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
