/* test_cmd.c — the command language through session_exec, as a user types
 * it: every command's success path and a bad-input path, errors that leave
 * the session as it was, import and probe errors, damaged session files,
 * what the journal records.  What every learner does the same way (probe
 * against PyTorch, gradcheck, save/load, rewind, export/import):
 * test_learner.c. */
#include "sessionutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "lex.h"
#include "session.h"

static void test_lexer(void **state)
{
	(void)state;
	Lexed l;
	Err e;
	assert_int_equal(lex_line("model lstm hidden=64; train 10 # comment; not a stmt", &l, &e), 0);
	assert_int_equal(l.nstmt, 2);
	assert_int_equal(l.stmt[0].argc, 3);
	assert_string_equal(l.stmt[0].argv[2].key, "hidden");
	assert_string_equal(l.stmt[0].argv[2].value, "64");
	assert_string_equal(l.stmt[1].argv[1].text, "10");
	lex_free(&l);
	assert_int_equal(lex_line("save \"my runs/a b.npz\" prime=\"To be; or\" \"x=y\"", &l, &e), 0);
	assert_int_equal(l.nstmt, 1);
	assert_string_equal(l.stmt[0].argv[1].text, "my runs/a b.npz");
	assert_null(l.stmt[0].argv[1].key);
	assert_string_equal(l.stmt[0].argv[2].key, "prime");
	assert_string_equal(l.stmt[0].argv[2].value, "To be; or");
	assert_null(l.stmt[0].argv[3].key);	/* = inside quotes is text */
	lex_free(&l);
	assert_int_equal(lex_line("say \"a \\\"quoted\\\" word\"", &l, &e), 0);
	assert_string_equal(l.stmt[0].argv[1].text, "a \"quoted\" word");
	lex_free(&l);
	assert_int_equal(lex_line("say \"open", &l, &e), ERR_INVAL);
	assert_string_equal(e.msg, "unterminated quote (close it with \")");
	/* a word is on one line: a newline inside quotes would make a journal
	 * line that does not replay (issue 16, item 16) */
	assert_int_equal(lex_line("say \"two\nlines\"", &l, &e), ERR_INVAL);
	assert_string_equal(e.msg, "unterminated quote (close it with \" on the same line)");
	assert_int_equal(lex_line("   # only a comment", &l, &e), 0);
	assert_int_equal(l.nstmt, 0);
	lex_free(&l);
	char q[64];
	lex_quote("a b\"c", q, sizeof q);
	assert_string_equal(q, "\"a b\\\"c\"");
	lex_quote("plain", q, sizeof q);
	assert_string_equal(q, "plain");
}

static void test_help_and_errors(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "help");
	for (int i = 0; i < cmd_count(); i++) {
		char want[256];
		snprintf(want, sizeof want, "  %-10s %s", cmd_at(i)->name, cmd_at(i)->summary);
		if (!strstr(cap.out, want))
			fail_msg("help does not list '%s'", want);
	}
	for (int i = 0; i < cmd_count(); i++) {
		char line[64];
		snprintf(line, sizeof line, "help %s", cmd_at(i)->name);
		ok(s, line);
		assert_non_null(strstr(cap.out, "usage: "));
	}
	ok(s, "help set");
	assert_non_null(strstr(cap.out, "  optim            adam       optimizer"));
	/* the longest key keeps the columns */
	assert_non_null(strstr(cap.out, "  checkpoint_every 100        steps between"));
	fails(s, "help nosuch", "help: no command 'nosuch' (help lists them)");
	fails(s, "trian 10", "trian: unknown command (did you mean train, translate, try; help lists them)");
	fails(s, "help a b", "help: too many arguments (usage: help [COMMAND])");
	fails(s, "import", "import: missing arguments (usage: import FILE.npz)");
	fails(s, "train 10", "train: no model yet (try: model lstm hidden=64)");
	fails(s, "say \"unterminated", "unterminated quote (close it with \")");
	/* devices and pipes would block or never end: refused before reading */
	fails(s, "run /dev/zero", "run: /dev/zero is not a regular file (a device, a pipe or a socket)");
	fails(s, "data csv /dev/stdin", "data: /dev/stdin is not a regular file (a device, a pipe or a socket)");
	session_free(s);
}

static void test_model_command(void **state)
{
	(void)state;
	Session *s = new_session();
	fails(s, "model lstm", "model: hidden=N is required (e.g. model lstm hidden=64)");
	fails(s, "model lstm hidden=8", "model: in=N is needed when no dataset is selected (or select one first: data list)");
	fails(s, "model lstn hidden=8 in=2", "model: unknown model kind 'lstn' (choices: rnn, lstm, gru)");
	fails(s, "model lstm hidden=0 in=2", "model: hidden must be an integer from 1 to 65536, got '0'");
	fails(s, "model lstm hidden=8 in=2 act=relu", "model: act=relu applies to rnn only (lstm and gru have fixed gates)");
	fails(s, "model rnn hidden=8 in=2 act=sigmoid", "model: unknown act 'sigmoid' (choices: tanh, relu)");
	fails(s, "model gru hidden=8 in=2 colour=red",
	      "model: unknown key 'colour' (keys: hidden, in, vocab, embed, layers, out, act, init, radius, forget_bias, "
	      "layernorm, residual, dropout)");
	fails(s, "model show", "model: no model yet (try: model lstm hidden=64)");
	ok(s, "model lstm hidden=64 in=8 out=5");
	assert_string_equal(cap.out, "lstm hidden=64 in=8 layers=1 out=5: 19269 parameters\n");
	Model *m = cur_model(s);
	float w0 = m->params[0];
	/* an error leaves the model as it was */
	fails(s, "model lstm hidden=100000000 in=8", "model: hidden must be an integer from 1 to 65536, got '100000000'");
	fails(s, "model lstm hidden=60000 in=60000 layers=16",
	      "model: the model would need 6866.6 GiB for parameters, gradients and Adam's state (limit 4 GiB)");
	assert_ptr_equal(cur_model(s), m);
	assert_true(cur_model(s)->params[0] == w0);
	ok(s, "model show");
	assert_non_null(strstr(cap.out, "rnn.weight_ih_l0       [256, 8]             2048"));
	assert_non_null(strstr(cap.out, "head.weight            [5, 64]               320"));
	ok(s, "model rnn hidden=16 in=3 layers=2 act=relu init=identity layernorm=on residual=on dropout=0.1");
	assert_non_null(strstr(session_model_line(s), "act=relu init=identity layernorm=on residual=on dropout=0.1"));
	session_free(s);
}

static void test_set_and_show(void **state)
{
	(void)state;
	Session *s = new_session();
	fails(s, "set optim=adma",
	      "set: unknown optimizer 'adma' (choices: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)");
	ok(s, "set lr=0.05");
	/* all or nothing */
	fails(s, "set lr=0.5 batch=0", "set: batch must be an integer from 1 to 65536, got '0'");
	char v[32];
	setting_value(s, "lr", v, sizeof v);
	assert_string_equal(v, "0.05");
	fails(s, "set lr", "set: expected KEY=VALUE, got 'lr' (help set lists the settings)");
	fails(s, "set tbptt=5,3", "set: tbptt must be K or K1,K2 with K2 >= K1 (0 or off = full BPTT), got '5,3'");
	ok(s, "set optim=sgd clip=1 tbptt=10,20 schedule=cosine t_max=100 seed=7");
	setting_value(s, "tbptt", v, sizeof v);
	assert_string_equal(v, "10,20");
	fails(s, "set schedule=step", "set: step: step_size must be at least 1, got 0");
	ok(s, "show config");
	assert_non_null(strstr(cap.out, "  optim         sgd"));
	assert_non_null(strstr(cap.out, "  clip          1 "));
	fails(s, "show nothing", "show: unknown 'nothing' (choices: config, model, data, memory, engine, colour)");

	/* colour: auto is the host's; a choice overrides it; SVG files are in
	 * colour unless the choice is none; printing plain text stays plain */
	fails(s, "set colour=16", "set: unknown colour '16' (choices: auto, truecolor, 256, 8, none)");
	assert_int_equal(session_colors(s), GRID_MONO);	/* this host shows none */
	assert_int_equal(session_svg_colors(s), GRID_COLORS_TRUE);
	ok(s, "show colour");
	assert_string_equal(cap.out, "  colour        none (shades and dot patterns): colour=auto\n");
	ok(s, "set colour=256");
	assert_int_equal(session_colors(s), GRID_COLORS_256);
	assert_int_equal(session_print_colors(s), GRID_MONO);	/* host.ansi = 0 */
	ok(s, "show");
	assert_non_null(strstr(cap.out, "  colour        256        colours of maps and plots: auto"));
	assert_non_null(strstr(cap.out, "  colour        256 colours (the xterm palette): set colour=256\n"));
	ok(s, "set colour=none");
	assert_int_equal(session_svg_colors(s), GRID_MONO);
	s->host.ansi = 1;
	ok(s, "set colour=truecolor");
	assert_int_equal(session_print_colors(s), GRID_COLORS_TRUE);
	s->host.no_color = 1;	/* NO_COLOR or --ascii: auto is none, SVG too */
	ok(s, "set colour=auto");
	assert_int_equal(session_svg_colors(s), GRID_MONO);
	session_free(s);
}

static void test_data_train_eval(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data list");
	assert_non_null(strstr(cap.out, "adding"));
	assert_non_null(strstr(cap.out, "shakespeare"));
	fails(s, "data addding", "data: unknown dataset 'addding' (choices: adding, copy, order, parity, reber, digits, "
	      "sine, noisy_sine, mackey, sunspots, co2, shakespeare, reverse, sort, addition, dates, csv, text, or list, info, show)");
	fails(s, "data info", "data: no dataset yet (try: data list, then data NAME)");
	ok(s, "data adding T=20 n=600");
	ok(s, "data info");
	ok(s, "data show 1");
	ok(s, "model gru hidden=16");
	ok(s, "set batch=16 log_every=0 val_every=10 optim=adam lr=1e-2");
	ok(s, "train 30");
	assert_int_equal(s->hist.n, 30);
	assert_non_null(strstr(cap.out, "step     30  loss"));
	assert_false(isnan(s->hist.col[HIST_VAL][9]));
	assert_true(isnan(s->hist.col[HIST_VAL][10]));
	ok(s, "eval");
	assert_non_null(strstr(cap.out, "eval: validation mse"));
	ok(s, "predict 3");
	assert_non_null(strstr(cap.out, "#2  target"));
	ok(s, "grads");
	assert_non_null(strstr(cap.out, "||dL/dh_1|| / ||dL/dh_20||"));
	ok(s, "history 5");
	ok(s, "gradcheck 5");
	assert_non_null(strstr(cap.out, "backprop agrees with finite differences"));
	/* at most 5 entries of each tensor, evenly spaced from the first: a
	 * tensor of n > 5 entries is read every ceil(n/5), ceil(n/ceil(n/5)) of them */
	for (int i = 0; i < cur_model(s)->ntensors; i++) {
		const ParamInfo *p = &cur_model(s)->tensors[i];
		char tag[64];
		snprintf(tag, sizeof tag, "  %s ", p->name);
		const char *at = strstr(cap.out, tag);
		long checked = -1, n = (long)p->size, step = (n + 4) / 5;
		assert_non_null(at);
		assert_int_equal(sscanf(at, " %*s %ld", &checked), 1);
		assert_int_equal(checked, n <= 5 ? n : (n + step - 1) / step);
	}
	ok(s, "train 1 epochs");
	assert_int_equal(s->hist.n, 30 + (540 + 15) / 16);
	fails(s, "train 5 minutes", "train: unknown unit 'minutes' (choices: steps, epochs)");
	ok(s, "set loss=ce");
	fails(s, "train 5", "train: loss ce does not fit adding's regress targets (its loss is mse)");
	ok(s, "set loss=mse");
	ok(s, "model lstm hidden=8 in=3");
	fails(s, "train 5", "train: the model takes in=3, adding has 2 features per step");
	long steps = cur_trainer(s)->step;
	assert_int_equal(steps, 0);
	session_free(s);
}

/* data info, data show and history, by value: the split sizes and the
 * baseline's validation mse recomputed from the served examples; the
 * example's markers, values and target read from the served example; each
 * history row against the progress line of its step, the cosine schedule's
 * rate and clipping's min(norm, clip) computed here. */
static void test_info_show_history_values(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=20 n=600");
	ok(s, "data info");
	has("input: T=20 steps of in=2 floats; target: out=1 float per sequence (scored at the last step)\n");
	has("examples: 540 train, 60 validation, split by the seed ");
	const DataInfo *di = data_info(s->data);
	assert_true(di->n_train == 540 && di->n_val == 60);
	DataBatch db;
	Err e;
	assert_int_equal(data_batch_init(&db, s->data, 60, &e), 0);
	long idx[60];
	for (int i = 0; i < 60; i++)
		idx[i] = i;
	data_fill(s->data, SPLIT_VAL, idx, 60, &db);
	double se = 0;
	for (int i = 0; i < 60; i++)
		se += (db.y[i] - 1.0) * (db.y[i] - 1.0);
	char want[256];
	snprintf(want, sizeof want, "baseline: always predicting 1.0 gives MSE 1/6 = 0.167 in expectation (%.4f on the "
		 "validation split)\n", se / 60);
	has(want);
	/* data show 1: the first training example */
	ok(s, "data show 1");
	data_fill(s->data, SPLIT_TRAIN, idx, 1, &db);
	int at[2], k = 0;
	char strip[21] = "";
	for (int t = 0; t < 20; t++) {
		strip[t] = db.x[2 * t + 1] == 1.0f ? '^' : '.';
		if (db.x[2 * t + 1] == 1.0f && k < 2)
			at[k++] = t;
		assert_true(db.x[2 * t + 1] == 0.0f || db.x[2 * t + 1] == 1.0f);
	}
	assert_int_equal(k, 2);
	assert_true(fabsf(db.x[2 * at[0]] + db.x[2 * at[1]] - db.y[0]) < 1e-6f);	/* the target is their sum */
	snprintf(want, sizeof want, "markers at t=%d (%.4f) and t=%d (%.4f): target %.4f\nmarkers: %s\n", at[0],
		 db.x[2 * at[0]], at[1], db.x[2 * at[1]], db.y[0], strip);
	assert_string_equal(cap.out, want);
	data_batch_done(&db);

	/* history 5 */
	ok(s, "model gru hidden=8");
	ok(s, "set batch=16 log_every=1 val_every=4 optim=adam lr=0.02 clip=0.3 schedule=cosine t_max=40");
	ok(s, "train 12");
	double loss[13], val[13], grad[13];
	for (int st = 1; st <= 12; st++) {	/* "step      4  loss 0.2920  val 0.1744  grad 0.0552  lr ..." */
		char tag[32];
		snprintf(tag, sizeof tag, "step %6d  loss ", st);
		const char *p = strstr(cap.out, tag);
		assert_non_null(p);
		val[st] = NAN;
		int n = 0;
		assert_int_equal(sscanf(p + strlen(tag), "%lf%n", &loss[st], &n), 1);
		p += strlen(tag) + n;
		if (!strncmp(p, "  val ", 6)) {
			assert_int_equal(sscanf(p, "  val %lf%n", &val[st], &n), 1);
			p += n;
		}
		assert_int_equal(sscanf(p, "  grad %lf", &grad[st]), 1);
		assert_true(isnan(val[st]) == (st % 4 != 0));	/* val every 4 steps */
	}
	ok(s, "history 5");
	const char *p = strchr(cap.out, '\n');
	assert_non_null(p);
	assert_int_equal(strncmp(cap.out, "     step       loss   val_loss       grad    clipped        lr\n", (size_t)(p - cap.out + 1)), 0);
	for (int st = 8; st <= 12; st++) {
		long step;
		double l, g, c, lr;
		char v[32];
		int n = 0;
		assert_int_equal(sscanf(p + 1, "%ld %lf %31s %lf %lf %lf%n", &step, &l, v, &g, &c, &lr, &n), 6);
		assert_int_equal(step, st);
		if (fabs(l - loss[st]) > 5.1e-5 || fabs(g - grad[st]) > 5e-3 * grad[st])
			fail_msg("history step %d: loss %g grad %g, the progress line said %g and %g", st, l, g, loss[st], grad[st]);
		if (isnan(val[st]) ? strcmp(v, "-") : fabs(atof(v) - val[st]) > 5.1e-5)
			fail_msg("history step %d: val_loss %s, the progress line said %g", st, v, val[st]);
		if (fabs(c - fmin(g, 0.3)) > 5e-4 * c)
			fail_msg("history step %d: clipped %g, min(%g, clip=0.3) is %g", st, c, g, fmin(g, 0.3));
		const double want_lr = 0.02 * (1 + cos(M_PI * (st - 1) / 40.0)) / 2;
		if (fabs(lr - want_lr) > 5e-3 * want_lr)
			fail_msg("history step %d: lr %g, cosine over 40 steps gives %g", st, lr, want_lr);
		p = strchr(p + 1, '\n');
		assert_non_null(p);
	}
	assert_string_equal(p, "\n");	/* five rows, no more */
	session_free(s);
}

static void test_probe_errors(void **state)
{
	(void)state;
	Session *s = new_session();
	char out[256], line[600];
	path(out, sizeof out, "p.npz");
	ok(s, "model lstm hidden=5 in=3 out=4");
	snprintf(line, sizeof line, "probe tests/fixtures/cells/gru_mse_step.npz %s", out);
	/* gru_mse_step has in=3 but out=2: y does not fit */
	fails(s, line, "probe: tests/fixtures/cells/gru_mse_step.npz: for mse, y must be [T, B, O] = [6, 4, 4] or [B, O] = [4, 4], got [6, 4, 2]");
	snprintf(line, sizeof line, "probe nosuch.npz %s", out);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	assert_non_null(strstr(cap.err, "nosuch.npz"));
	assert_int_equal(access(out, F_OK), -1);	/* nothing written */
	session_free(s);
}

/* import's refusals name the tensor and say what the model needs (the
 * round trip itself: test_learner.c). */
static void test_import_errors(void **state)
{
	(void)state;
	Session *s = new_session();
	char a[256], line[1024];
	float *w;
	path(a, sizeof a, "w1.npz");
	ok(s, "model gru hidden=6 in=3 layers=2 out=2");
	snprintf(line, sizeof line, "export %s", a);
	ok(s, line);
	/* a different model refuses the file and keeps its weights */
	ok(s, "model gru hidden=7 in=3 layers=2 out=2");
	w = malloc(cur_model(s)->nparam * sizeof *w);
	memcpy(w, cur_model(s)->params, cur_model(s)->nparam * sizeof *w);
	snprintf(line, sizeof line, "import %s", a);
	char want[600];
	snprintf(want, sizeof want, "import: %s: 'rnn.weight_ih_l0' has shape [18, 3], the model needs [21, 3]", a);
	fails(s, line, want);
	assert_memory_equal(w, cur_model(s)->params, cur_model(s)->nparam * sizeof *w);
	ok(s, "model gru hidden=6 in=3 layers=1 out=2");
	snprintf(want, sizeof want, "import: %s: 'rnn.weight_ih_l1' is not a tensor of this model "
		 "(model gru hidden=6 in=3 layers=1 out=2; model show lists them)", a);
	fails(s, line, want);
	/* export refuses to overwrite what is not an npz */
	char txt[256];
	path(txt, sizeof txt, "notes.txt");
	FILE *f = fopen(txt, "w");
	fputs("my notes\n", f);
	fclose(f);
	snprintf(line, sizeof line, "export %s", txt);
	snprintf(want, sizeof want, "export: %s exists and is not an .npz file; not overwriting it (add force to replace it)", txt);
	fails(s, line, want);
	free(w);
	session_free(s);
}

static long file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* A damaged session file is refused and leaves the session as it was;
 * save does not overwrite what is not a session (the round trip itself:
 * test_learner.c). */
static void test_load_damaged(void **state)
{
	(void)state;
	Session *s = new_session();
	char f[256], bad[256], line[700];
	path(f, sizeof f, "run.rnnlab");
	ok(s, "data adding T=10 n=300; model lstm hidden=8; set batch=8 log_every=0 optim=adam lr=1e-2 clip=1");
	ok(s, "train 12");
	snprintf(line, sizeof line, "save %s", f);
	ok(s, line);
	size_t n = cur_model(s)->nparam;
	float *w = malloc(n * sizeof *w);
	memcpy(w, cur_model(s)->params, n * sizeof *w);
	ok(s, "train 5");
	char v[32];
	setting_value(s, "lr", v, sizeof v);
	assert_string_equal(v, "0.01");

	/* truncated at many offsets, and corrupted: refused, session intact */
	long size = file_size(f);
	assert_true(size > 100 && size < (1L << 30));
	char *buf = malloc((size_t)size & ((1UL << 30) - 1));
	FILE *in = fopen(f, "rb");
	assert_int_equal(fread(buf, 1, (size_t)size, in), (size_t)size);
	fclose(in);
	path(bad, sizeof bad, "bad.rnnlab");
	float *wsaved = malloc(n * sizeof *wsaved);
	memcpy(wsaved, w, n * sizeof *w);
	memcpy(w, cur_model(s)->params, n * sizeof *w);
	for (long cut = 0; cut < size; cut += size / 37 + 1) {
		FILE *o = fopen(bad, "wb");
		fwrite(buf, 1, (size_t)cut, o);
		fclose(o);
		snprintf(line, sizeof line, "load %s", bad);
		clear();
		assert_int_not_equal(session_exec(s, line), 0);
		assert_non_null(strstr(cap.err, "load: "));
		assert_memory_equal(w, cur_model(s)->params, n * sizeof *w);
		assert_int_equal(s->hist.n, 17);
	}
	int refused = 0;
	for (long at = 40; at < size; at += size / 13 + 1) {
		buf[at] ^= 0x5a;
		FILE *o = fopen(bad, "wb");
		fwrite(buf, 1, (size_t)size, o);
		fclose(o);
		buf[at] ^= 0x5a;
		snprintf(line, sizeof line, "load %s", bad);
		clear();
		refused += session_exec(s, line) != 0;
		if (cap.ne == 0) {
			/* a byte no check covers (a timestamp in a zip header):
			 * then what loaded is exactly what was saved */
			assert_memory_equal(wsaved, cur_model(s)->params, n * sizeof *w);
			assert_int_equal(s->hist.n, 12);
			snprintf(line, sizeof line, "load %s; train 5", f);
			ok(s, line);
		}
		assert_memory_equal(w, cur_model(s)->params, n * sizeof *w);
	}
	assert_true(refused >= 10);	/* most bytes are data under a CRC */
	/* save does not overwrite a file that is not a session, unless forced */
	char txt[256];
	path(txt, sizeof txt, "precious.txt");
	FILE *o = fopen(txt, "w");
	fputs("do not lose me\n", o);
	fclose(o);
	snprintf(line, sizeof line, "save %s", txt);
	char want[600];
	snprintf(want, sizeof want, "save: %s exists and is not an rnnlab session; not overwriting it (add force to replace it)", txt);
	fails(s, line, want);
	assert_int_equal(file_size(txt), 15);
	snprintf(line, sizeof line, "load %s", txt);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	snprintf(line, sizeof line, "save %s force", txt);
	ok(s, line);
	free(buf);
	free(w);
	free(wsaved);
	session_free(s);
}

static void test_journal_replay(void **state)
{
	(void)state;
	Session *s = new_session();
	char j[256], line[700];
	path(j, sizeof j, "replay.lab");
	ok(s, "set seed=5; data adding T=8 n=200; model gru hidden=6 dropout=0");
	ok(s, "set batch=4 log_every=0 optim=momentum lr=0.05; train 7; model show; data info");
	fails(s, "set lr=-1", "set: lr must be from 1e-12 to 1000, got -1");
	ok(s, "train 3");
	snprintf(line, sizeof line, "journal save %s", j);
	ok(s, line);
	ok(s, "journal");
	assert_null(strstr(cap.out, "model show"));	/* changes nothing: not recorded */
	assert_null(strstr(cap.out, "lr=-1"));		/* failed: not recorded */
	Session *r = new_session();
	snprintf(line, sizeof line, "run %s", j);
	ok(r, line);
	assert_int_equal(cur_model(r)->nparam, cur_model(s)->nparam);
	assert_memory_equal(cur_model(r)->params, cur_model(s)->params, cur_model(s)->nparam * sizeof(float));
	session_free(r);
	session_free(s);
}

/* A `set` while training runs (the workbench, paused or not): only the
 * settings that can change mid-run, applied from the next step; the
 * journal splits the train around it, so its replay gives the same weights. */
static void test_set_while_training(void **state)
{
	(void)state;
	Session *s = new_session();
	char j[256], line[700];
	path(j, sizeof j, "midrun.lab");
	ok(s, "set seed=3; data adding T=8 n=200; model rnn hidden=6; set batch=4 log_every=0 optim=sgd lr=0.05");
	s->host.async_train = 1;	/* as the workbench: train starts a job */
	ok(s, "train 10");
	for (int i = 0; i < 4; i++)
		session_train_slice(s, 1e-12);	/* one step each */
	assert_int_equal(session_step(s), 4);
	fails(s, "set batch=8", "set: batch cannot change while training runs (Esc stops it); these can, from the next "
	      "step: lr, clip, clip_value, momentum, beta1, beta2, alpha, eps, weight_decay, gamma, lr_min, log_every, "
	      "val_every, checkpoint_every, teacher_forcing, pace, colour, jobs");
	fails(s, "model gru hidden=4", "model: training is running (Esc stops it; set lr, clip and the like apply from "
	      "the next step); model changes the session");
	ok(s, "set lr=0.2 clip=1");
	for (int i = 0; i < 3; i++)
		session_train_slice(s, 1e-12);
	ok(s, "set lr=0.01");
	while (session_train_slice(s, 0) > 0)
		;
	assert_int_equal(session_step(s), 10);
	s->host.async_train = 0;
	ok(s, "journal");
	has("train 4\n");
	has("set lr=0.2 clip=1\n");
	has("train 3\n");
	has("set lr=0.01\n");
	has("train 3\n");
	snprintf(line, sizeof line, "journal save %s", j);
	ok(s, line);
	Session *r = new_session();
	snprintf(line, sizeof line, "run %s", j);
	ok(r, line);
	assert_int_equal(session_step(r), 10);
	assert_memory_equal(cur_model(r)->params, cur_model(s)->params, cur_model(s)->nparam * sizeof(float));
	session_free(r);
	session_free(s);
}

/* The same data lines give the same data, whatever ran before them; seed=N
 * is the dataset's own seed; set seed= moves the default. */
static void test_data_same_every_time(void **state)
{
	(void)state;
	Session *a = new_session(), *b = new_session();
	ok(a, "data adding T=6 n=30");
	ok(b, "data copy delay=3; model gru hidden=4; train 2; data adding T=6 n=30");
	assert_true(a->data_seed == b->data_seed);
	ok(a, "data show 2");
	char first[4096];
	snprintf(first, sizeof first, "%s", cap.out);
	ok(b, "data show 2");
	assert_string_equal(cap.out, first);
	ok(a, "data adding T=6 n=30 seed=9");
	assert_true(a->data_seed != b->data_seed);
	ok(b, "data adding T=6 n=30 seed=9");
	assert_true(a->data_seed == b->data_seed);
	ok(b, "set seed=2; data adding T=6 n=30");
	ok(a, "data adding T=6 n=30");
	assert_true(a->data_seed != b->data_seed);
	fails(a, "data adding T=6 seed=-1", "data: seed must be an integer from 0 to 9223372036854775807, got '-1'");
	session_free(a);
	session_free(b);
}

static void test_history_csv_and_generate(void **state)
{
	(void)state;
	Session *s = new_session();
	char csv[256], line[700];
	path(csv, sizeof csv, "h.csv");
	ok(s, "data shakespeare seq=16; model lstm hidden=16 embed=8; set batch=8 log_every=0 val_size=32");
	ok(s, "train 3");
	snprintf(line, sizeof line, "history save %s", csv);
	ok(s, line);
	FILE *f = fopen(csv, "r");
	char hdr[200];
	assert_non_null(fgets(hdr, sizeof hdr, f));
	assert_string_equal(hdr, "step,loss,val_loss,grad_norm,grad_norm_clipped,lr,tokens_per_s\n");
	int rows = 0;
	while (fgets(hdr, sizeof hdr, f))
		rows++;
	fclose(f);
	assert_int_equal(rows, 3);
	ok(s, "generate 40 temp=0.8 prime=\"ROMEO:\"");
	assert_true(strncmp(cap.out, "-- 40 tokens at temp=0.8, prime \"ROMEO:\" --\nROMEO:", 47) == 0);
	assert_true(strlen(cap.out) >= 47 + 40);
	/* longer than any one formatted line: all of it arrives (was cut at 1 KiB) */
	ok(s, "generate 5000 temp=0");
	assert_true(strncmp(cap.out, "-- 5000 tokens at temp=0 --\n", 28) == 0);
	assert_true(strlen(cap.out + 28) >= 5000);	/* a token is a byte or more; newlines stay */
	fails(s, "generate 10 temp=-1", "generate: temp must be from 0 to 10, got -1");
	ok(s, "data adding T=5 n=100");
	fails(s, "generate 10", "generate: adding is not a language model dataset (try: data shakespeare)");
	session_free(s);
}

/* The lesson and debugger commands: a success path and their one-line errors. */
static void test_lesson_commands(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=5 n=50; model gru hidden=3; set log_every=0");
	fails(s, "rewind", "rewind: no checkpoints yet (one is taken when train starts)");
	fails(s, "expect loss", "expect: expected a comparison (usage: expect loss < VALUE)");
	fails(s, "expect", "expect: missing arguments (usage: expect QUANTITY < VALUE | expect error \"text\" | expect ok)");
	fails(s, "expect loss ~ 1", "expect: unexpected '~' (usage: expect QUANTITY < VALUE)");
	fails(s, "quantize int4", "quantize: unknown format 'int4' (choices: int8)");
	fails(s, "prune 120%", "prune: the fraction to prune (percent) must be from 0 to 99.9, got 120");
	fails(s, "break grad", "break: expected '> VALUE' or '< VALUE' after grad (e.g. break grad > 1e3)");
	fails(s, "break foo > 1", "break: unknown condition 'foo' (choices: grad, loss, val, gate, sat, flow)");
	fails(s, "step t=abc", "step: nothing to step through yet: train a step first (or run grads)");
	fails(s, "runs name", "runs: usage: runs | runs name TEXT (the words of TEXT, no quotes needed)");
	fails(s, "view nowhere", "view: unknown view 'nowhere' (choices: train, flow, gates, step, compare, attention, plot)");
	fails(s, "sweep T=1,2", "sweep: missing arguments (usage: sweep KEY=V1,V2,... [KEY=...] steps=N [target=X] "
	      "[emit=DIR] | sweep collect DIR)");
	ok(s, "train 3; expect steps == 3; expect finite == 1; step t=2 unit=1; rewind list; quantize int8; rewind");
	fails(s, "expect steps > 3", "expect: steps is 3, not > 3: the lesson's claim does not hold");
	/* the stepper keeps its place: view step shows where step t= left it */
	ok(s, "train 1; step t=4");
	has("gru  t=4 of 5  layer 0  sequence 0/");
	ok(s, "step unit=2; view step");
	has("gru  t=4 of 5  layer 0  sequence 0/");
	has("unit 2/3");
	/* the ranges are the recorded step's */
	fails(s, "step t=0", "step: t must be an integer from 1 to 5, got '0'");
	fails(s, "step t=6", "step: t must be an integer from 1 to 5, got '6'");
	fails(s, "step t=abc", "step: t must be an integer from 1 to 5, got 'abc'");
	fails(s, "step layer=1", "step: layer must be an integer from 0 to 0, got '1'");
	fails(s, "step unit=3", "step: unit must be an integer from 0 to 2, got '3'");
	ok(s, "view step");
	has("t=4 of 5");
	/* expect gate z mean|max against the trace, computed here */
	{
		const Trace *tr = cur_trainer(s)->tr;
		const int H = 3, G = 3, R = tr->T * tr->B;
		double all = 0, most = -1;
		for (int j = 0; j < H; j++) {
			double u = 0;
			for (int r = 0; r < R; r++)
				u += tr->lt[0].act[(size_t)r * G * H + 1 * H + j];
			all += u;
			most = u / R > most ? u / R : most;
		}
		char line[160];
		snprintf(line, sizeof line, "expect gate z mean > %.9g; expect gate z mean < %.9g", all / (R * H) - 1e-6,
			 all / (R * H) + 1e-6);
		ok(s, line);
		has("ok: gate z mean = ");
		snprintf(line, sizeof line, "expect gate z max > %.9g; expect gate z max < %.9g", most - 1e-6, most + 1e-6);
		ok(s, line);
		has("ok: gate z max = ");
	}
	fails(s, "expect gate q mean > 0", "expect: unknown gate 'q' (choices: r, z, n)");
	/* compare overlays the runs on the current data; a run belongs to the
	 * data it trained on, even when the data changed before the next model */
	ok(s, "runs name \"first\"; model rnn hidden=2; runs name \"second\"; train 2");
	ok(s, "data adding T=6 n=50; model gru hidden=2; runs name \"third\"; train 2; compare");
	has("loss of the runs on adding (2 not shown: other data)");
	has("third");
	assert_null(strstr(cap.out, "second"));
	ok(s, "data adding T=5 n=50; model gru hidden=2; compare");
	has("(1 not shown: other data)");
	has("first");
	has("second");
	ok(s, "try set optim=adma; expect error \"unknown optimizer\"; try set lr=0.1; expect ok");
	ok(s, "sweep hidden=2,3 steps=2; runs; prune 50%");
	session_free(s);
}

/* With truncated BPTT each window is an update: a hold may come after
 * some windows of the batch were applied.  Then the weights did change:
 * expect val measures them (as eval does), the flow pane's radius follows. */
/* ||dL/dh_t|| of the top layer over the whole batch, from the trace; the
 * step where it is smallest (small) or largest, 1-based. */
static int dh_extreme(const Trace *tr, int L, int H, int small)
{
	const int T = tr->T, B = tr->B;
	const LayerTrace *lt = &tr->lt[L - 1];
	int best = 0;
	double bn = 0;
	for (int t = 0; t < T; t++) {
		double ss = 0;
		for (int i = 0; i < B * H; i++)
			ss += (double)lt->dh[(size_t)t * B * H + i] * lt->dh[(size_t)t * B * H + i];
		if (t == 0 || (small ? ss < bn : ss > bn))
			best = t, bn = ss;
	}
	return best + 1;
}

/* What a breakpoint measured and where it shows, by value: gate f mean is
 * the mean of f over the tripping step's trace (every layer, step,
 * sequence, unit), not the most open unit's; a vanishing condition (<)
 * shows the step of the smallest ||dL/dh_t||, an exploding one the
 * largest, both found here from the trace. */
static void test_break_values(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data adding T=12 n=200; model lstm hidden=6 layers=2; set batch=8 log_every=0 val_every=0; train 2");
	ok(s, "break gate f mean < 1; train 3");
	const Trace *tr = cur_trainer(s)->tr;
	const int B = tr->B, H = 6, G = 4;
	double sum = 0, unit_max = 0;
	for (int k = 0; k < 2; k++)
		for (int u = 0; u < H; u++) {
			double su = 0;
			for (int r = 0; r < tr->T * B; r++)
				su += tr->lt[k].act[((size_t)r * G + 1) * H + u];
			sum += su;
			unit_max = fmax(unit_max, su / (tr->T * B));
		}
	const double mean = sum / (2.0 * tr->T * B * H);
	const char *p = strstr(cap.out, "before step 3 (not applied: weights as after step 2): gate = ");
	double got;
	int shown;
	assert_non_null(p);
	assert_int_equal(sscanf(strstr(p, "gate = "), "gate = %lf; showing t=%d", &got, &shown), 2);
	if (fabs(got - mean) > 5e-4 * mean)
		fail_msg("break gate f mean measured %g; the trace's mean of f is %g (its most open unit's %g)", got, mean,
			 unit_max);
	assert_true(unit_max - mean > 1e-2);	/* the two statistics are told apart */
	assert_int_equal(shown, dh_extreme(tr, 2, H, 1));
	ok(s, "break clear; break grad > 0; train 2");	/* step 3 applied, step 4 held */
	p = strstr(cap.out, "before step 4 (not applied: weights as after step 3): grad = ");
	assert_non_null(p);
	assert_int_equal(sscanf(strstr(p, "; showing t="), "; showing t=%d", &shown), 1);
	tr = cur_trainer(s)->tr;
	assert_int_equal(shown, dh_extreme(tr, 2, H, 0));
	assert_int_not_equal(dh_extreme(tr, 2, H, 0), dh_extreme(tr, 2, H, 1));
	session_free(s);
}

static void test_hold_tbptt(void **state)
{
	(void)state;
	Session *s = new_session();
	ok(s, "data shakespeare seq=30; model rnn hidden=16; set tbptt=10 lr=0.05 log_every=1 val_every=0 "
	      "val_size=100000 checkpoint_every=0; train 2");
	assert_int_equal(session_step(s), 6);	/* three windows a batch */
	unsigned long gen = s->weights_gen;
	ok(s, "break grad > 0.35; train 5");
	has("break 1 (grad > 0.35) before step ");
	const char *p = strstr(cap.out, "before step ");
	long held = atol(p + strlen("before step "));
	assert_int_equal(session_step(s), held - 1);
	if (held - 1 > 6)
		assert_true(s->weights_gen != gen);	/* windows were applied before the hold */
	ok(s, "expect val > -1");
	p = strstr(cap.out, "ok: val = ");
	assert_non_null(p);
	double v = atof(p + strlen("ok: val = "));
	ok(s, "eval");
	p = strstr(cap.out, "validation ce ");
	assert_non_null(p);
	assert_true(fabs(atof(p + strlen("validation ce ")) - v) <= 6e-4 * v);
	session_free(s);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_help_and_errors),
		cmocka_unit_test(test_model_command),
		cmocka_unit_test(test_set_and_show),
		cmocka_unit_test(test_data_train_eval),
		cmocka_unit_test(test_info_show_history_values),
		cmocka_unit_test(test_probe_errors),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_load_damaged),
		cmocka_unit_test(test_journal_replay),
		cmocka_unit_test(test_set_while_training),
		cmocka_unit_test(test_data_same_every_time),
		cmocka_unit_test(test_history_csv_and_generate),
		cmocka_unit_test(test_lesson_commands),
		cmocka_unit_test(test_hold_tbptt),
		cmocka_unit_test(test_break_values),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
