/* test_sweep.c — sweeps on every core and beyond one machine (issue 19):
 * a run's numbers depend on its combination only; jobs=2 (workers, the
 * real binary: RNNLAB_BIN) gives the same table, runs, histories and
 * weights as jobs=1; the result and manifest readers refuse what a
 * stranger could put in a sweep's directory, each in one line; worker
 * processes start, end, die and are reaped as proc.h says. */
#include "sessionutil.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileutil.h"
#include "proc.h"
#include "sweepio.h"

static const char *const setup_lines =
	"data adding T=12 n=300; set seed=4 optim=adam lr=1e-2 batch=16 clip=1 log_every=0 val_every=5 "
	"val_size=60; model gru hidden=6; set seed=9";

/* The rows of the sweep's table in the captured output (from its header). */
static void table_of(const char *out, char *buf, size_t room)
{
	const char *p = strstr(out, "  run  ");
	assert_non_null(p);
	size_t n = 0;
	for (; *p && n + 1 < room; p = strchr(p, '\n') + 1) {
		size_t l = strcspn(p, "\n");
		if (strncmp(p, "  ", 2) || p[2] == ' ' || !p[l])
			break;
		memcpy(buf + n, p, l + 1);
		n += l + 1;
	}
	buf[n] = '\0';
}

static Session *sweep_session(int jobs, const char *exe)
{
	Session *s = new_session();
	s->host.exe = exe;
	ok(s, setup_lines);
	char line[64];
	snprintf(line, sizeof line, "set jobs=%d", jobs);
	ok(s, line);
	return s;
}

static void same_history(const History *a, const History *b)
{
	assert_int_equal(a->n, b->n);
	for (int c = 0; c < HIST_COLS; c++)
		if (c != HIST_TOKS)	/* the throughput is the machine's */
			for (size_t i = 0; i < a->n; i++)
				if (memcmp(&a->col[c][i], &b->col[c][i], sizeof(double)))
					fail_msg("history column %s, row %zu: %.17g and %.17g", hist_col_names[c], i,
						 a->col[c][i], b->col[c][i]);
}

/* jobs=1 here, jobs=2 with workers: the same table, the same runs in the
 * same order with the same histories and flows, the same last model. */
static void test_jobs_same_numbers(void **state)
{
	(void)state;
	const char *bin = getenv("RNNLAB_BIN");
	char exe[PATH_MAX];
	if (!bin || !realpath(bin, exe))
		skip();
	const char *sweep = "sweep hidden=3,6 cell=rnn,lstm T=8,12 steps=20 target=0.3";
	char t1[4096], t2[4096];
	Session *a = sweep_session(1, exe);
	ok(a, sweep);
	table_of(cap.out, t1, sizeof t1);
	assert_null(strstr(cap.out, "(a worker)"));
	Session *b = sweep_session(2, exe);
	ok(b, sweep);
	table_of(cap.out, t2, sizeof t2);
	has("(a worker)");
	has("sweep 8/8: T=12 cell=lstm hidden=6 (here)");
	assert_string_equal(t1, t2);
	assert_int_equal(a->nruns, b->nruns);
	assert_int_equal(a->nruns, 7);
	for (int i = 0; i < a->nruns; i++) {
		const Run *x = &a->runs[i], *y = &b->runs[i];
		assert_string_equal(x->name, y->name);
		assert_string_equal(x->model, y->model);
		assert_string_equal(x->data, y->data);
		assert_int_equal(x->nparam, y->nparam);
		same_history(&x->hist, &y->hist);
		assert_int_equal(x->flow_T, y->flow_T);
		assert_int_equal(x->flow_step, y->flow_step);
		assert_memory_equal(x->flow, y->flow, (size_t)x->flow_T * sizeof *x->flow);
	}
	/* the last combination is the current run in both, trained the same */
	assert_string_equal(a->run_name, b->run_name);
	same_history(&a->hist, &b->hist);
	assert_int_equal(a->lr->pb.nparam, b->lr->pb.nparam);
	assert_memory_equal(a->lr->pb.params, b->lr->pb.params, a->lr->pb.nparam * sizeof(float));
	assert_string_equal(b->journal[b->njournal - 1],
			    "# sweep: runs 1-7 of 8 ran in worker processes (set jobs=1 runs them here, one after another)");
	session_free(a);
	session_free(b);
}

/* A run's numbers are its combination's: the same run alone, or after
 * others, or after the session's generator moved on, is the same. */
static void test_seed_per_combination(void **state)
{
	(void)state;
	char all[4096], one[4096];
	Session *s = sweep_session(1, NULL);
	ok(s, "sweep lr=1e-3,3e-3,1e-2 hidden=4,5 steps=15");
	table_of(cap.out, all, sizeof all);
	session_free(s);
	s = sweep_session(1, NULL);
	ok(s, "model rnn hidden=9; train 3; model gru hidden=6");	/* the generator moves on */
	ok(s, "sweep lr=1e-2 hidden=5 steps=15");
	table_of(cap.out, one, sizeof one);
	const char *row = strchr(one, '\n') + 1;
	assert_non_null(strstr(all, row));
	/* set seed= as a key is a key like any other: another seed, other numbers */
	ok(s, "sweep seed=1,2 steps=15");
	table_of(cap.out, one, sizeof one);
	char *r1 = strchr(one, '\n') + 1, *r2 = strchr(r1, '\n') + 1;
	assert_memory_not_equal(r1 + 38, r2 + 38, 20);	/* the numbers, after the label's column */
	session_free(s);
}

/* emit, each script run in a fresh session, collect: the same table; the
 * result read back holds the run's history bit for bit. */
static void test_emit_collect(void **state)
{
	(void)state;
	char dir[600], line[800], t1[4096], t2[4096];
	path(dir, sizeof dir, "emitted");
	Session *s = sweep_session(1, NULL);
	ok(s, "sweep hidden=3,5 T=8,10 steps=12 target=0.5");
	table_of(cap.out, t1, sizeof t1);
	snprintf(line, sizeof line, "sweep hidden=3,5 T=8,10 steps=12 target=0.5 emit=%s", dir);
	ok(s, line);
	has("wrote 4 scripts, a manifest and slurm.sh to ");
	clear();
	assert_int_not_equal(session_exec(s, line), 0);	/* not empty now */
	assert_non_null(strstr(cap.err, "is not empty (6 files): emit into a new or empty directory"));
	History kept[4];
	for (int c = 0; c < 4; c++) {
		Session *w = new_session();
		char script[700];
		snprintf(script, sizeof script, "%s/run-%02d.lab", dir, c + 1);
		assert_int_equal(session_run_file(w, script, 1), 0);
		history_init(&kept[c]);
		double *cols[HIST_COLS];
		for (int k = 0; k < HIST_COLS; k++)
			cols[k] = w->hist.col[k];
		assert_int_equal(history_set(&kept[c], w->hist.n, cols, NULL), 0);
		session_free(w);
	}
	Session *f = new_session();
	snprintf(line, sizeof line, "sweep collect %s", dir);
	ok(f, line);
	has("4 of 4 results");
	has("validation loss of the runs");
	table_of(cap.out, t2, sizeof t2);
	assert_string_equal(t1, t2);
	assert_int_equal(f->nruns, 4);
	for (int c = 0; c < 4; c++) {
		same_history(&kept[c], &f->runs[c].hist);
		history_done(&kept[c]);
	}
	assert_string_equal(f->runs[3].name, "T=10 hidden=5");
	session_free(f);
	session_free(s);
}

/* ---- the readers take a stranger's files ---- */

static int dirfd_of(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	return fd;
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define HEAD "# rnnlab sweep result 1\nsweep 00000000000000ab\nrun 2\nmodel model rnn hidden=2 in=2 out=1\n" \
	     "data adding T=5\nparams 13\ntok_s 1000\n"
#define ROWS "history 2\n1 0.5 nan 1 1 0.01 100\n2 0.4 0.45 1 1 0.01 100\n"

/* A reader refused text (rc != 0) with one line that says want. */
static void refused(int rc, const Err *e, const char *want, const char *text)
{
	if (!rc)
		fail_msg("read a bad file (wanted '%s'):\n%s", want, text);
	if (!strstr(e->msg, want))
		fail_msg("got '%s', want '%s'", e->msg, want);
	assert_null(strchr(e->msg, '\n'));
}

/* A new directory under the test's, open. */
static int fresh_dir(const char *name, char *dir, size_t room)
{
	path(dir, room, name);
	assert_int_equal(mkdir(dir, 0700), 0);
	return dirfd_of(dir);
}

static void result_fails(int fd, const char *dir, const char *text, const char *want)
{
	put(dir, "r.result", text);
	Run r;
	Err e;
	int rc = sweep_result_read(fd, dir, "r.result", 0xab, 2, &r, &e);
	if (!rc)
		run_done(&r);
	refused(rc, &e, want, text);
}

static void test_result_reader(void **state)
{
	(void)state;
	char dir[600];
	int fd = fresh_dir("results", dir, sizeof dir);
	/* a good one first */
	put(dir, "r.result", HEAD ROWS "flow 3 2\n1\n0.5\n0.25\nend\n");
	Run r;
	Err e;
	assert_int_equal(sweep_result_read(fd, dir, "r.result", 0xab, 2, &r, &e), 0);
	assert_int_equal(r.hist.n, 2);
	assert_true(isnan(r.hist.col[HIST_VAL][0]));
	assert_int_equal(r.flow_T, 3);
	assert_true(r.flow[2] == 0.25);
	assert_string_equal(r.model, "model rnn hidden=2 in=2 out=1");
	SweepRow row;
	sweep_row_from(&row, &r.hist, 0.5f);
	assert_true(row.best == 0.45 && row.final == 0.4 && row.hit == 2);
	run_done(&r);

	static const char *const bad[][2] = {
		{ "", "not an rnnlab sweep result" },
		{ HEAD, "the file ends where 'history' should be (truncated?)" },
		{ HEAD ROWS "flow 0 0\n", "(truncated?)" },
		{ HEAD ROWS "flow 0 0\nend\nmore\n", "text after 'end'" },
		{ HEAD "history 2\n1 0.5 nan 1 1 0.01 100\n", "the history ends early" },
		{ HEAD "history 70000\n", "history's row count must be a whole number from 1 to 65536" },
		{ HEAD "history 1\n1 0.5 nan 1 1 0.01\n", "tokens_per_s: not a finite number" },
		{ HEAD "history 1\n1 0.5 nan 1 1 0.01 100 7\n", "more than 7 numbers" },
		{ HEAD "history 1\n1 inf nan 1 1 0.01 100\n", "loss: not a finite number" },
		{ HEAD "history 1\nnan 1 nan 1 1 0.01 100\n", "step: not a finite number" },
		{ HEAD "history 2\n2 1 nan 1 1 0.01 100\n2 1 nan 1 1 0.01 100\n", "steps are whole numbers" },
		{ HEAD "history 1\n1.5 1 nan 1 1 0.01 100\n", "steps are whole numbers" },
		{ HEAD ROWS "flow 2000000 1\n", "flow's length must be a whole number from 0 to 1048576" },
		{ HEAD ROWS "flow 2 1\n1\n", "the flow ends early" },
		{ "# rnnlab sweep result 1\nsweep 00000000000000ac\n", "from another sweep" },
		{ "# rnnlab sweep result 1\nsweep 00000000000000ab\nrun 3\n", "the result of another run" },
		{ "# rnnlab sweep result 1\nsweep ab\n", "the sweep's id is 16 hex digits" },
		{ "# rnnlab sweep result 1\nsweep 00000000000000ab\nrun 2\nmodel rm -rf /\n", "not a model line" },
		{ "# rnnlab sweep result 1\nsweep 00000000000000ab\nrun 2\x1b[31m\n", "a control character" },
		{ "# rnnlab sweep result 1\nsweep 00000000000000ab\nrun 2\nparams 1\n", "expected 'model ...'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		result_fails(fd, dir, bad[i][0], bad[i][1]);
	/* a NUL byte, a file too big (sparse: refused before a byte is read) */
	char p[700];
	snprintf(p, sizeof p, "%s/r.result", dir);
	FILE *f = fopen(p, "wb");
	fwrite("# rnnlab\0", 1, 9, f);
	fclose(f);
	assert_int_not_equal(sweep_result_read(fd, dir, "r.result", 0xab, 2, &r, &e), 0);
	assert_non_null(strstr(e.msg, "a NUL byte"));
	assert_int_equal(truncate(p, (off_t)SWEEP_RESULT_MAX + 1), 0);
	assert_int_not_equal(sweep_result_read(fd, dir, "r.result", 0xab, 2, &r, &e), 0);
	assert_non_null(strstr(e.msg, "bytes is more than the 33554432 allowed"));
	/* names that are not plain names in the directory, links, FIFOs */
	assert_int_not_equal(sweep_result_read(fd, dir, "../r.result", 0xab, 2, &r, &e), 0);
	assert_non_null(strstr(e.msg, "is not a file name inside"));
	assert_int_not_equal(sweep_result_read(fd, dir, "..", 0xab, 2, &r, &e), 0);
	snprintf(p, sizeof p, "%s/link.result", dir);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_not_equal(sweep_result_read(fd, dir, "link.result", 0xab, 2, &r, &e), 0);
	assert_non_null(strstr(e.msg, "a symbolic link (not followed)"));
	snprintf(p, sizeof p, "%s/fifo.result", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_not_equal(sweep_result_read(fd, dir, "fifo.result", 0xab, 2, &r, &e), 0);	/* never waits */
	assert_non_null(strstr(e.msg, "is not a regular file"));
	close(fd);
}

static void manifest_fails(int fd, const char *dir, const char *text, const char *want)
{
	put(dir, SWEEP_MANIFEST, text);
	SweepManifest m;
	Err e;
	refused(sweep_manifest_read(fd, dir, &m, &e), &e, want, text);
}

#define MHEAD "# rnnlab sweep manifest 1\nsweep 00000000000000ab\nruns 2\nsteps 10\ntarget none\n"

static void test_manifest_reader(void **state)
{
	(void)state;
	char dir[600];
	int fd = fresh_dir("manifests", dir, sizeof dir);
	put(dir, SWEEP_MANIFEST, MHEAD "run 1 a.lab a.result hidden=1\nrun 2 b.lab b.result hidden=2 T=3\nend\n");
	SweepManifest m;
	Err e;
	assert_int_equal(sweep_manifest_read(fd, dir, &m, &e), 0);
	assert_int_equal(m.nruns, 2);
	assert_true(isnan(m.target));
	assert_string_equal(m.run[1].label, "hidden=2 T=3");
	assert_string_equal(m.run[1].result, "b.result");
	static const char *const bad[][2] = {
		{ MHEAD "run 1 a.lab ../a.result x\n", "names a file outside the sweep's directory" },
		{ MHEAD "run 1 a.lab /etc/a.result x\n", "names a file outside" },
		{ MHEAD "run 1 a.lab .a.result x\n", "names a file outside" },
		{ MHEAD "run 1 a.lab a.txt x\n", "a run's result is a NAME.result" },
		{ MHEAD "run 1 a.sh a.result x\n", "a run's script is a NAME.lab" },
		{ MHEAD "run 1 a.lab a.result x\nrun 2 b.lab a.result y\n", "two runs name the same result" },
		{ MHEAD "run 2 a.lab a.result x\n", "numbered 1, 2, 3" },
		{ MHEAD "run 1 a.lab a.result\n", "a run line is: run K SCRIPT RESULT LABEL" },
		{ MHEAD "run 1 a.lab a.result x\nrun 2 b.lab b.result y\n", "where 'end' should be" },
		{ "# rnnlab sweep manifest 1\nsweep 00000000000000ab\nruns 65\n", "from 1 to 64" },
		{ "# rnnlab sweep manifest 1\nsweep 00000000000000ab\nruns 1\nsteps 10\ntarget 1e40\n",
		  "the target is out of range" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		manifest_fails(fd, dir, bad[i][0], bad[i][1]);
	char big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	char text[1000];
	snprintf(text, sizeof text, MHEAD "run 1 a.lab a.result %s\n", big);
	manifest_fails(fd, dir, text, "a run's label is 1 to 127 characters");
	close(fd);
}

/* ---- worker processes ---- */

static void test_proc(void **state)
{
	(void)state;
	assert_true(proc_cores() >= 1);
	char out[700], text[4096];
	path(out, sizeof out, "proc.out");
	Proc p;
	Err e;
	char *env_argv[] = { "/usr/bin/env", NULL };
	assert_int_equal(proc_start(&p, "/usr/bin/env", env_argv, out, &e), 0);
	while (!proc_poll(&p))
		usleep(1000);
	assert_int_equal(p.pid, 0);
	assert_true(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
	char how[80];
	proc_describe(p.status, how, sizeof how);
	assert_string_equal(how, "");
	FILE *f = fopen(out, "r");
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(strstr(text, "OPENBLAS_NUM_THREADS=1\n"));	/* one BLAS thread each */
	/* the output file must be new */
	assert_int_not_equal(proc_start(&p, "/usr/bin/env", env_argv, out, &e), 0);
	assert_int_equal(p.pid, 0);
	/* a worker in its own group, killed and reaped */
	char *sleep_argv[] = { "/bin/sleep", "30", NULL };
	path(out, sizeof out, "proc2.out");
	assert_int_equal(proc_start(&p, "/bin/sleep", sleep_argv, out, &e), 0);
	pid_t pid = p.pid;
	usleep(20000);
	assert_int_equal(getpgid(pid), pid);
	assert_int_equal(proc_poll(&p), 0);
	proc_stop(&p);
	assert_int_equal(p.pid, 0);
	proc_describe(p.status, how, sizeof how);
	assert_string_equal(how, "killed by signal 9 (Killed)");
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);	/* reaped: no zombie */
	/* a program that is not there: the worker says so and exits 127 */
	char *no_argv[] = { "/nonexistent/rnnlab", NULL };
	path(out, sizeof out, "proc3.out");
	assert_int_equal(proc_start(&p, "/nonexistent/rnnlab", no_argv, out, &e), 0);
	while (!proc_poll(&p))
		usleep(1000);
	proc_describe(p.status, how, sizeof how);
	assert_string_equal(how, "exit status 127");
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs_same_numbers),
		cmocka_unit_test(test_seed_per_combination),
		cmocka_unit_test(test_emit_collect),
		cmocka_unit_test(test_result_reader),
		cmocka_unit_test(test_manifest_reader),
		cmocka_unit_test(test_proc),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
