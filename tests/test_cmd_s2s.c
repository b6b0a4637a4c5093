/* test_cmd_s2s.c — what only seq2seq models do, through the command
 * language: model seq2seq and its errors, training with accuracy lines,
 * translate (greedy and beam) and the attention heatmap, teacher forcing as
 * a setting, the commands it refuses, and seq2seq probe and import errors.
 * What every learner does (probe against PyTorch, gradcheck, save/load,
 * journal, rewind, export/import): test_learner.c. */
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
	/* commands for plain models say so; the panes' commands read a stack of
	 * cells, and a seq2seq model has two */
	fails(s, "generate", "generate: generate does not work on seq2seq models (it works on rnn, lstm and gru models)");
	fails(s, "gates", "gates: no backward pass yet: train a step first (or run grads)");
	fails(s, "grads part=middle", "grads: part must be enc or dec, got 'middle'");
	fails(s, "grads layer=0", "grads: unexpected 'layer=0' (grads [part=enc|dec])");
	ok(s, "grads");
	has("grads: one forward+backward on a training batch (no update)");
	has("  the encoder's cells (grads part=dec for the decoder)");
	ok(s, "plot flow");
	has("||dL/dh_t|| at step 0: encoder t=1..6, decoder t=7..13");
	fails(s, "plot flow part=dec", "plot: part= picks a seq2seq model's encoder or decoder for plot eigen, sat, gates "
	      "and h, not plot flow (it shows both)");
	fails(s, "plot jacobian", "plot: plot jacobian does not work on seq2seq models (it works on rnn, lstm and gru "
	      "models)");
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

/* The log-probability translate printed, recomputed: the model run once,
 * teacher-forced on the tokens it emitted (tgt_in = BOS + them, the source
 * padded as translate pads it), and log-softmax of each step's logits
 * summed in double along the emitted tokens. */
static void check_logp(Session *s, const char *text)
{
	const S2sOutput *o = session_translation(s);
	assert_non_null(o);
	const S2s *m = s->lr->s2s;
	const int S = (int)strlen(text), Sp = S < data_info(s->data)->S ? data_info(s->data)->S : S, T = o->n;
	const int V = m->cfg.tgt_vocab;
	int32_t src[64], tin[64], tout[64];
	Err e;
	assert_true(Sp <= 64 && T <= 64);
	assert_int_equal(data_encode(s->data, 0, text, src, 64, &e), S);
	for (int i = S; i < Sp; i++)
		src[i] = S2S_PAD;
	for (int t = 0; t < T; t++) {
		tin[t] = t ? o->tok[t - 1] : S2S_BOS;
		tout[t] = o->tok[t];
	}
	S2sBatch b = { .S = Sp, .T = T, .B = 1, .src = src, .tgt_in = tin, .tgt_out = tout };
	S2sTrace *tr = s2s_trace_new(m, Sp, T, 1, &e);
	assert_non_null(tr);
	assert_int_equal(s2s_forward(m, tr, &b, 1.0f, NULL, &e), 0);
	double want = 0;
	for (int t = 0; t < T; t++)
		want += tu_log_softmax_at(tr->logits + (size_t)t * V, V, tout[t]);
	s2s_trace_free(tr);
	const char *p = strstr(cap.out, ", log p ");
	double printed;
	assert_non_null(p);
	assert_int_equal(sscanf(p, ", log p %lf", &printed), 1);
	if (fabs(o->logp - want) > 1e-4 || fabs(printed - want) > 1.5e-4)
		fail_msg("translate \"%s\": log p %.6f (printed %.4f), teacher-forced log-softmax gives %.6f", text, o->logp,
			 printed, want);
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
	check_logp(s, "abcd");
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
	check_logp(s, "abcd");
	ok(s, "translate \"ab\" beam=3 max=2");	/* no EOS within the cap: the best live one */
	has("no EOS within the length cap");
	check_logp(s, "ab");
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
	has("(* the current run; tok/s: the median over a run's steps)");
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

/* import's refusals for seq2seq tensors (the round trip: test_learner.c). */
static void test_import_errors(void **state)
{
	(void)state;
	Session *s = new_session();
	char f[256], line[800], want[800];
	path(f, sizeof f, "w.npz");
	ok(s, "model seq2seq cell=gru hidden=5 embed=3 src_vocab=7 tgt_vocab=6 attention=general");
	snprintf(line, sizeof line, "export %s", f);
	ok(s, line);
	has("exported 14 tensors");
	snprintf(line, sizeof line, "import %s", f);
	ok(s, line);
	has("imported 14 tensors");
	/* the file of another shape or kind is refused, weights unchanged */
	ok(s, "model seq2seq cell=gru hidden=5 embed=3 src_vocab=7 tgt_vocab=6 attention=dot");
	const size_t n = s->lr->pb.nparam;
	float *w = malloc(n * sizeof *w);
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

/* The panes' record of a seq2seq step, recomputed here: a fresh model with
 * the weights the step ran with (the record's tw), the same batch, one
 * teacher-forced forward and backward; the encoder's and decoder's
 * ||dL/dh_t|| and the encoder's split by path must be those of this pass. */
static void test_step_record(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, SMALL "; model seq2seq cell=gru hidden=8 embed=4 layers=2 attention=general; train 3");
	const Learner *l = s->lr;
	const S2s *m = l->s2s;
	const Cells *enc = learner_stack_cells(l, 0), *dec = learner_stack_cells(l, 1);
	assert_non_null(enc);
	assert_ptr_not_equal(enc, dec);
	assert_int_equal(enc->t->trace_step, 3);
	assert_int_equal(enc->t->step, 3);
	/* the weights before the third update: the record's, laid over a copy */
	const float *tw = enc->t->tw - (m->enc.params - m->params);
	Rng rng;
	rng_seed(&rng, 1);
	Err e;
	S2s *c = s2s_new(&m->cfg, &rng, &e);
	assert_non_null(c);
	memcpy(c->params, tw, m->nparam * sizeof *tw);
	const DataInfo *di = data_info(s->data);
	const DataBatch *db = &s->train_db;
	S2sBatch b = { di->S, di->T, db->b.B, db->src, db->tgt_in, db->tgt_out };
	S2sTrace *tr = s2s_trace_new(c, b.S, b.T, b.B, &e);
	assert_non_null(tr);
	s2s_zero_grad(c);
	assert_int_equal(s2s_forward(c, tr, &b, 1.0f, NULL, &e), 0);
	s2s_backward(c, tr);
	const int L = m->cfg.layers, H = m->cfg.hidden, B = b.B;
	const double *attn, *rec;
	int S;
	assert_int_equal(l->ops->enc_split(l, &attn, &rec, &S), 0);
	assert_int_equal(S, b.S);
	for (int k = 0; k < L; k++)
		for (int half = 0; half < 2; half++) {
			const Probe *p = half ? &dec->t->probe : &enc->t->probe;
			const LayerTrace *lt = half ? &tr->dec[k] : &tr->enc[k];
			assert_int_equal(p->T, half ? b.T : b.S);
			for (int t = 0; t < p->T; t++) {
				double n2 = 0;
				for (int i = 0; i < B * H; i++)
					n2 += (double)lt->dh[(size_t)t * B * H + i] * lt->dh[(size_t)t * B * H + i];
				if (fabs(p->dh_norm[(size_t)k * p->Tcap + t] - sqrt(n2)) > 1e-9 * sqrt(n2))
					fail_msg("%s layer %d t=%d: the record says %g, the pass %g", half ? "decoder" : "encoder", k,
						 t + 1, p->dh_norm[(size_t)k * p->Tcap + t], sqrt(n2));
			}
		}
	double some_attn = 0;
	for (int t = 0; t < S; t++) {
		double a2 = 0, r2 = 0;
		for (int i = 0; i < B * H; i++) {
			const size_t j = (size_t)t * B * H + (size_t)i;
			const double a = tr->dhbar[j], r = tr->enc[L - 1].dh[j] - a;
			a2 += a * a;
			r2 += r * r;
		}
		assert_true(fabs(attn[t] - sqrt(a2)) <= 1e-9 * sqrt(a2) && fabs(rec[t] - sqrt(r2)) <= 1e-9 * sqrt(r2));
		some_attn += attn[t];
	}
	assert_true(some_attn > 0);
	/* the views read them: the flow's split series, the step pane's a_t */
	ViewOpts o = { .colors = GRID_MONO };
	ViewLines V;
	assert_int_equal(view_lines(s, VIEW_FLOW, &o, &V, &e), 0);
	assert_int_equal(V.nser, L + 2);
	assert_string_equal(V.ser[L].name, "through attention");
	for (int t = 0; t < S; t++)
		assert_true(V.ser[L].y[t] == attn[t] && V.ser[L + 1].y[t] == rec[t] &&
			    V.ser[L - 1].y[t] == enc->t->probe.dh_norm[(size_t)(L - 1) * enc->t->probe.Tcap + t]);
	view_lines_done(&V);
	int Sa;
	const float *at = l->ops->attention_at(l, 1, 2, &Sa);
	assert_non_null(at);
	assert_int_equal(Sa, b.S);
	assert_memory_equal(at, tr->attn + ((size_t)1 * B + 2) * b.S, (size_t)Sa * sizeof *at);
	/* without attention there is no split */
	ok(s, "model seq2seq cell=lstm hidden=8 embed=4 attention=none; train 1");
	assert_int_equal(s->lr->ops->enc_split(s->lr, &attn, &rec, &S), 0);
	assert_int_equal(S, 0);
	assert_null(s->lr->ops->attention_at(s->lr, 0, 0, &Sa));
	s2s_trace_free(tr);
	s2s_free(c);
	session_free(s);
}

/* grads, gates, step and expect flow|gate on either half, by part= or by
 * the part the last of them chose. */
static void test_parts(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, SMALL "; model seq2seq cell=lstm hidden=8 embed=4 attention=dot; train 2");
	ok(s, "step t=2");
	has("lstm encoder  t=2 of 5  layer 0");
	ok(s, "gates part=dec");
	has("i (input gate), decoder");
	ok(s, "step t=1");	/* gates chose the decoder */
	has("lstm decoder  t=1 of 6  layer 0");
	has("a_t     ");
	fails(s, "step t=7", "step: t must be an integer from 1 to 6, got '7'");
	ok(s, "step part=enc t=5");
	has("lstm encoder  t=5 of 5");
	ok(s, "expect flow ratio(t=1,t=T) part=dec > 0");
	has("ok: flow part=dec");
	fails(s, "expect flow ratio(t=1,t=7) part=enc > 0",
	      "expect: flow ratio must be ratio(t=A,t=B) with 1 <= A, B <= T=5, got ratio(t=1,t=7)");
	fails(s, "expect loss part=enc < 9", "expect: part= is for expect eigen, flow and gate (a seq2seq model's encoder "
	      "or decoder), not loss");
	ok(s, "expect gate f mean part=dec > 0");
	session_free(s);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_and_errors),
		cmocka_unit_test(test_train_eval_translate),
		cmocka_unit_test(test_teacher_forcing),
		cmocka_unit_test(test_probe_errors),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_step_record),
		cmocka_unit_test(test_parts),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
