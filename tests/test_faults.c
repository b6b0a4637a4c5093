/* test_faults.c — faults a classroom meets, through session_exec as a user
 * types: the disk full or the file unwritable during save (the old file
 * intact, no temp file left, the session unchanged, one error line naming
 * the file); a saved session truncated at every byte offset, and with
 * every byte flipped, refused with the session as it was; absurd sizes
 * refused before allocation with the memory they would need; files that
 * are not rnnlab's never overwritten without `force`; lessons as
 * untrusted input (no shell escape, self-running scripts stopped, binary
 * files refused).
 *
 * Write failures are made with RLIMIT_FSIZE (SIGXFSZ ignored) and with a
 * path whose parent is a regular file: tests run as root in CI, and root
 * ignores directory permissions.
 */
#include "sessionutil.h"

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "cmd.h"
#include "session.h"

#if defined(__SANITIZE_ADDRESS__)
#define FAULTS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAULTS_ASAN 1
#endif
#endif

#ifdef FAULTS_ASAN
/* A refused size must be refused by rnnlab, not by ASan's allocator; and
 * no single allocation past 4 GiB, even where the kernel would overcommit. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=4096";
}
#endif

/* Run a line that must fail with exactly one error line that contains
 * each of the (up to two) given texts. */
static void fails_with(Session *s, const char *line, const char *has1, const char *has2)
{
	clear();
	if (session_exec(s, line) == 0)
		fail_msg("'%s' succeeded; it should fail", line);
	const char *nl = strchr(cap.err, '\n');
	if (!nl || nl[1] != '\0')
		fail_msg("'%s': the error is not one line:\n%s", line, cap.err);
	if ((has1 && !strstr(cap.err, has1)) || (has2 && !strstr(cap.err, has2)))
		fail_msg("'%s': the error\n  %s  does not say '%s'%s%s", line, cap.err, has1 ? has1 : "",
			 has2 ? " and " : "", has2 ? has2 : "");
}

static char *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	if (!f)
		return NULL;
	size_t cap_ = 1 << 12, n = 0;
	char *b = malloc(cap_);
	for (;;) {
		n += fread(b + n, 1, cap_ - n, f);
		if (n < cap_)
			break;
		b = realloc(b, cap_ *= 2);
	}
	fclose(f);
	*len = n;
	return b;
}

static void spit(const char *p, const void *data, size_t len)
{
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The names in the test directory, sorted, space-separated. */
static void listing(char *out, size_t cap_)
{
	DIR *d = opendir(tmpdir);
	assert_non_null(d);
	char *names[256];
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 256)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, len < cap_ ? cap_ - len : 0, "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
}

static void empty_dir(void)
{
	DIR *d = opendir(tmpdir);
	assert_non_null(d);
	struct dirent *de;
	char p[512];
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			path(p, sizeof p, de->d_name);
			if (unlink(p) != 0)
				rmdir(p);
		}
	closedir(d);
}

/* ---- a snapshot of everything a failed command must leave alone ---- */

typedef struct Snap {
	size_t nparam;
	float *params, *m, *v;
	long step;
	size_t hist_n;
	double *hist[HIST_COLS];
	char model_line[512];
	char data[256];
	int njournal;
	char *journal_last;
} Snap;

static void snap_take(Session *s, Snap *sn)
{
	memset(sn, 0, sizeof *sn);
	ParamBlock pb;
	if (session_params(s, &pb)) {
		size_t bytes = pb.nparam * sizeof(float);
		sn->nparam = pb.nparam;
		sn->params = malloc(bytes);
		memcpy(sn->params, pb.params, bytes);
		if (pb.opt->m) {
			sn->m = malloc(bytes);
			memcpy(sn->m, pb.opt->m, bytes);
		}
		if (pb.opt->v) {
			sn->v = malloc(bytes);
			memcpy(sn->v, pb.opt->v, bytes);
		}
	}
	sn->step = session_step(s);
	sn->hist_n = s->hist.n;
	for (int c = 0; c < HIST_COLS; c++) {
		sn->hist[c] = malloc((s->hist.n + 1) * sizeof(double));
		if (s->hist.n)
			memcpy(sn->hist[c], s->hist.col[c], s->hist.n * sizeof(double));
	}
	snprintf(sn->model_line, sizeof sn->model_line, "%s", session_model_line(s));
	snprintf(sn->data, sizeof sn->data, "%s", s->data ? data_args(s->data) : "");
	sn->njournal = s->njournal;
	sn->journal_last = s->njournal ? strdup(s->journal[s->njournal - 1]) : NULL;
}

/* The session is byte for byte as in the snapshot. */
static void snap_check(Session *s, const Snap *sn, const char *after)
{
	ParamBlock pb;
	int has = session_params(s, &pb);
	if (has != (sn->params != NULL))
		fail_msg("after %s: the model %s", after, has ? "appeared" : "went");
	if (has) {
		size_t bytes = sn->nparam * sizeof(float);
		if (pb.nparam != sn->nparam || memcmp(pb.params, sn->params, bytes))
			fail_msg("after %s: the weights changed", after);
		if ((sn->m && memcmp(pb.opt->m, sn->m, bytes)) || (sn->v && memcmp(pb.opt->v, sn->v, bytes)))
			fail_msg("after %s: the optimizer state changed", after);
	}
	if (session_step(s) != sn->step)
		fail_msg("after %s: the step changed", after);
	if (s->hist.n != sn->hist_n)
		fail_msg("after %s: the history has %zu rows, had %zu", after, s->hist.n, sn->hist_n);
	for (int c = 0; c < HIST_COLS && sn->hist_n; c++)
		if (memcmp(s->hist.col[c], sn->hist[c], sn->hist_n * sizeof(double)))
			fail_msg("after %s: history column %s changed", after, hist_col_names[c]);
	if (strcmp(session_model_line(s), sn->model_line))
		fail_msg("after %s: the model line changed", after);
	if (strcmp(s->data ? data_args(s->data) : "", sn->data))
		fail_msg("after %s: the dataset changed", after);
	if (s->njournal != sn->njournal ||
	    (sn->journal_last && strcmp(s->journal[s->njournal - 1], sn->journal_last)))
		fail_msg("after %s: the journal changed", after);
}

static void snap_free(Snap *sn)
{
	free(sn->params);
	free(sn->m);
	free(sn->v);
	for (int c = 0; c < HIST_COLS; c++)
		free(sn->hist[c]);
	free(sn->journal_last);
}

/* ---- setup ---- */

static int faults_setup(void **state)
{
	signal(SIGXFSZ, SIG_IGN);	/* a write past RLIMIT_FSIZE fails with EFBIG instead */
	return setup_dir(state);
}

static int faults_teardown(void **state)
{
	chmod(tmpdir, 0700);
	return remove_dir(state);
}

/* Run one line with the file size limit set to limit bytes. */
static int exec_fsize(Session *s, const char *line, rlim_t limit)
{
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = limit;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	clear();
	int rc = session_exec(s, line);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	return rc;
}

static void check_one_error(const char *line, const char *names)
{
	const char *nl = strchr(cap.err, '\n');
	if (!nl || nl[1] != '\0')
		fail_msg("'%s': the error is not one line:\n%s", line, cap.err);
	if (!strstr(cap.err, names))
		fail_msg("'%s': the error does not name %s:\n%s", line, names, cap.err);
}

/* ---- save when the disk is full ---- */

static void test_save_disk_full(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	char f[256], line[600], before[1024], after[1024];
	path(f, sizeof f, "s.rnnlab");
	ok(s, "data adding T=4 n=20; model lstm hidden=3; set batch=4 log_every=0 optim=adam; train 2");
	snprintf(line, sizeof line, "save %s", f);
	ok(s, line);
	size_t olen;
	char *orig = slurp(f, &olen);
	assert_non_null(orig);
	ok(s, "train 1");	/* a save now would differ */
	Snap sn;
	snap_take(s, &sn);
	listing(before, sizeof before);
	const rlim_t limits[] = { 0, 1, 100, 1000, olen / 2, olen - 1 };
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		if (exec_fsize(s, line, limits[i]) == 0)
			fail_msg("save succeeded with a %lu-byte file size limit", (unsigned long)limits[i]);
		check_one_error(line, "s.rnnlab");
		size_t nlen;
		char *now = slurp(f, &nlen);
		assert_non_null(now);
		if (nlen != olen || memcmp(now, orig, olen))
			fail_msg("a failed save (limit %lu) changed the old file", (unsigned long)limits[i]);
		free(now);
		listing(after, sizeof after);
		if (strcmp(before, after))
			fail_msg("a failed save (limit %lu) left files: [%s], before [%s]", (unsigned long)limits[i], after,
				 before);
		snap_check(s, &sn, line);
	}
	/* a new file: nothing appears */
	char g[256];
	path(g, sizeof g, "new.rnnlab");
	snprintf(line, sizeof line, "save %s", g);
	assert_int_not_equal(exec_fsize(s, line, 500), 0);
	check_one_error(line, "new.rnnlab");
	listing(after, sizeof after);
	assert_string_equal(before, after);
	/* with room again the same save works */
	snprintf(line, sizeof line, "save %s", f);
	ok(s, line);
	snap_check(s, &sn, line);
	free(orig);
	snap_free(&sn);
	session_free(s);
}

/* The other writers: journal save, history save, export, plot --svg: an
 * old file stays as it was and no temp file is left. */
static void test_other_writes_disk_full(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	ok(s, "data adding T=4 n=20; model gru hidden=2; set batch=4 log_every=0; train 2");
	static const char *const forms[][2] = {
		{ "journal save %s", "j.lab" },
		{ "history save %s", "h.csv" },
		{ "export %s", "w.npz" },
		{ "plot loss --svg %s", "p.svg" },
	};
	char line[600], f[256], before[1024], after[1024];
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		path(f, sizeof f, forms[i][1]);
		snprintf(line, sizeof line, forms[i][0], f);
		ok(s, line);
	}
	ok(s, "train 3");	/* every file would now differ */
	Snap sn;
	snap_take(s, &sn);
	listing(before, sizeof before);
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		path(f, sizeof f, forms[i][1]);
		snprintf(line, sizeof line, forms[i][0], f);
		size_t olen, nlen;
		char *orig = slurp(f, &olen);
		assert_non_null(orig);
		for (rlim_t lim = 0; lim < olen; lim += olen / 3 + 1) {
			if (exec_fsize(s, line, lim) == 0)
				fail_msg("'%s' succeeded with a %lu-byte file size limit", line, (unsigned long)lim);
			check_one_error(line, forms[i][1]);
			char *now = slurp(f, &nlen);
			assert_non_null(now);
			if (nlen != olen || memcmp(now, orig, olen))
				fail_msg("a failed '%s' changed the old file", line);
			free(now);
			listing(after, sizeof after);
			if (strcmp(before, after))
				fail_msg("a failed '%s' left files: [%s], before [%s]", line, after, before);
			snap_check(s, &sn, line);
		}
		free(orig);
	}
	snap_free(&sn);
	session_free(s);
}

/* A path that cannot be written: its parent is a regular file, or does not
 * exist; a read-only directory when not root. */
static void test_save_unwritable(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	char f[256], line[700], before[1024], after[1024];
	ok(s, "data adding T=4 n=20; model rnn hidden=2; set batch=4 log_every=0; train 1");
	path(f, sizeof f, "plain.txt");
	spit(f, "not a directory\n", 16);
	Snap sn;
	snap_take(s, &sn);
	listing(before, sizeof before);
	static const char *const forms[] = { "save %s/x.rnnlab", "journal save %s/x.lab", "history save %s/x.csv",
					     "export %s/x.npz", "plot loss --svg %s/x.svg" };
	const char *parents[2] = { f, NULL };
	char nodir[256];
	path(nodir, sizeof nodir, "no/such/dir");
	parents[1] = nodir;
	for (int p = 0; p < 2; p++)
		for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
			snprintf(line, sizeof line, forms[i], parents[p]);
			clear();
			assert_int_not_equal(session_exec(s, line), 0);
			check_one_error(line, parents[p]);
			listing(after, sizeof after);
			assert_string_equal(before, after);
			snap_check(s, &sn, line);
		}
	if (geteuid() != 0) {	/* root writes into a read-only directory anyway */
		char g[256];
		path(g, sizeof g, "s.rnnlab");
		snprintf(line, sizeof line, "save %s", g);
		ok(s, line);
		size_t olen, nlen;
		char *orig = slurp(g, &olen);
		listing(before, sizeof before);
		ok(s, "train 1");
		snap_free(&sn);
		snap_take(s, &sn);
		assert_int_equal(chmod(tmpdir, 0500), 0);
		clear();
		int rc = session_exec(s, line);
		assert_int_equal(chmod(tmpdir, 0700), 0);
		assert_int_not_equal(rc, 0);
		check_one_error(line, "s.rnnlab");
		char *now = slurp(g, &nlen);
		assert_true(nlen == olen && !memcmp(now, orig, olen));
		listing(after, sizeof after);
		assert_string_equal(before, after);
		snap_check(s, &sn, line);
		free(orig);
		free(now);
	}
	snap_free(&sn);
	session_free(s);
}

/* ---- damaged session files ---- */

static void test_truncated_every_offset(void **state)
{
	(void)state;
	empty_dir();
	/* the file: a tiny model with optimizer state and history */
	Session *w = new_session();
	char f[256], cut[256], base[256], line[700];
	path(f, sizeof f, "t.rnnlab");
	path(cut, sizeof cut, "cut.rnnlab");
	path(base, sizeof base, "base.rnnlab");
	ok(w, "data parity T=3 n=10; model gru hidden=2; set batch=2 log_every=0 optim=adam; train 2");
	snprintf(line, sizeof line, "save %s", f);
	ok(w, line);
	Snap saved;
	snap_take(w, &saved);
	session_free(w);
	size_t len;
	char *buf = slurp(f, &len);
	assert_non_null(buf);
	assert_true(len > 200);

	/* the session that must survive: another model, data, history */
	Session *s = new_session();
	ok(s, "data adding T=4 n=20; model rnn hidden=3; set batch=2 log_every=0 optim=momentum; train 1");
	snprintf(line, sizeof line, "save %s", base);
	ok(s, line);
	Snap sn;
	snap_take(s, &sn);
	snprintf(line, sizeof line, "load %s", cut);
	for (size_t k = 0; k < len; k++) {
		spit(cut, buf, k);
		clear();
		if (session_exec(s, line) == 0)
			fail_msg("a session cut to %zu of %zu bytes loaded", k, len);
		check_one_error(line, "cut.rnnlab");
		snap_check(s, &sn, line);
	}
	/* every byte flipped: refused with the session intact, or (a byte no
	 * check covers, such as a zip timestamp) loaded exactly as saved */
	int refused = 0;
	for (size_t k = 0; k < len; k++) {
		buf[k] ^= 0xff;
		spit(cut, buf, len);
		buf[k] ^= 0xff;
		clear();
		if (session_exec(s, line) != 0) {
			refused++;
			check_one_error(line, "cut.rnnlab");
			snap_check(s, &sn, line);
			continue;
		}
		/* it loaded: it must be what was saved (journal aside) */
		saved.njournal = s->njournal;
		free(saved.journal_last);
		saved.journal_last = NULL;
		snap_check(s, &saved, "a load of a file with a harmless flipped byte");
		char back[600];
		snprintf(back, sizeof back, "load %s", base);
		ok(s, back);
		snap_free(&sn);
		snap_take(s, &sn);
	}
	assert_true(refused > (int)len * 3 / 4);
	/* the whole file loads */
	snprintf(line, sizeof line, "load %s", f);
	ok(s, line);
	saved.njournal = s->njournal;
	snap_check(s, &saved, line);
	free(buf);
	snap_free(&sn);
	snap_free(&saved);
	session_free(s);
}

/* ---- absurd sizes ---- */

#ifndef FAULTS_ASAN
/* Run a line with the address space limited: a command that allocated
 * before refusing would fail with "out of memory" instead of saying what
 * it would need.  (ASan reserves terabytes of shadow: not under SAN=1.) */
static int exec_as(Session *s, const char *line, rlim_t bytes)
{
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
	lim = old;
	lim.rlim_cur = bytes;
	assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
	clear();
	int rc = session_exec(s, line);
	assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
	return rc;
}
#endif

/* Refused, one line, naming the memory it would take (has: "GiB", "MB"). */
static void refused_size(Session *s, const char *line, const char *has1, const char *has2)
{
	Snap sn;
	snap_take(s, &sn);
#ifndef FAULTS_ASAN
	if (exec_as(s, line, (rlim_t)3 << 30) == 0)
		fail_msg("'%s' succeeded", line);
	const char *nl = strchr(cap.err, '\n');
	if (!nl || nl[1] || (has1 && !strstr(cap.err, has1)) || (has2 && !strstr(cap.err, has2)))
		fail_msg("'%s': want one error line saying '%s' '%s', got:\n%s", line, has1 ? has1 : "",
			 has2 ? has2 : "", cap.err);
#else
	fails_with(s, line, has1, has2);
#endif
	snap_check(s, &sn, line);
	snap_free(&sn);
}

static void test_absurd_sizes(void **state)
{
	(void)state;
	Session *s = new_session();
	refused_size(s, "model lstm hidden=65536 in=65536 layers=16", "would need", "GiB");
	refused_size(s, "model gru hidden=40000 in=40000", "would need", "GiB");
	refused_size(s, "model seq2seq cell=lstm hidden=65536 embed=65536 src_vocab=1000000 tgt_vocab=1000000 layers=16",
		     "would need", "GiB");
	refused_size(s, "model lstm hidden=100000000", "hidden must be an integer from 1 to 65536", NULL);
	refused_size(s, "data adding T=100000000", "T must be an integer from 2 to 100000", NULL);
	refused_size(s, "data adding T=100000 n=10000000", "would take", "MB");
	refused_size(s, "data copy delay=100000 copy=1000 n=10000000", "would take", "MB");
	refused_size(s, "data reverse len=200 n=10000000", "would take", "MB");
	/* with a model and data: still refused and nothing changed */
	ok(s, "data adding T=50 n=100; model lstm hidden=8; set batch=4 log_every=0; train 1");
	refused_size(s, "model lstm hidden=65536 in=65536 layers=16", "would need", "GiB");
	refused_size(s, "data adding T=100000 n=100000", "would take", "MB");
	/* a batch whose activations would not fit (~140 GB for a 17 MB
	 * model): train refuses, naming the memory; the weights stay */
	ok(s, "data adding T=10000 n=600; model lstm hidden=1024; set batch=500 log_every=0");
	Snap sn;
	snap_take(s, &sn);
#ifndef FAULTS_ASAN
	assert_int_not_equal(exec_as(s, "train 1", (rlim_t)3 << 30), 0);
#else
	clear();
	assert_int_not_equal(session_exec(s, "train 1"), 0);
#endif
	if (!strstr(cap.err, "MiB") && !strstr(cap.err, "GiB") && !strstr(cap.err, "MB"))
		fail_msg("train with huge activations: the error does not name the memory:\n%s", cap.err);
	ParamBlock pb;
	assert_true(session_params(s, &pb));
	assert_memory_equal(pb.params, sn.params, sn.nparam * sizeof(float));
	assert_int_equal(session_step(s), sn.step);
	assert_int_equal(s->hist.n, sn.hist_n);
	snap_free(&sn);
	session_free(s);
}

/* ---- files that are not rnnlab's ---- */

static void test_no_overwrite_without_force(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	ok(s, "data adding T=4 n=20; model lstm hidden=2; set batch=4 log_every=0; train 1");
	char rc_[256], csv[256], npz[256], lab[256], link[256], line[700];
	path(rc_, sizeof rc_, "bashrc");
	path(csv, sizeof csv, "data.csv");
	path(npz, sizeof npz, "weights.npz");
	path(lab, sizeof lab, "lesson.lab");
	path(link, sizeof link, "link.rnnlab");
	static const char bashrc[] = "export PATH=$HOME/bin:$PATH\nalias ll='ls -l'\n";
	spit(rc_, bashrc, sizeof bashrc - 1);
	assert_int_equal(symlink(rc_, link), 0);
	snprintf(line, sizeof line, "export %s", npz);	/* an .npz that is not a session */
	ok(s, line);
	size_t nlen;
	char *npz_bytes = slurp(npz, &nlen);
	/* every writer refuses the bashrc, and save refuses a plain .npz and
	 * a link to the bashrc */
	static const char *const forms[][2] = {
		{ "save %s", "not an rnnlab session" },
		{ "export %s", "not an .npz file" },
		{ "journal save %s", "not an rnnlab journal" },
		{ "history save %s", "not an rnnlab history (.csv)" },
		{ "plot loss --svg %s", "not an .svg file" },
		{ "compare --svg %s", "not an .svg file" },
	};
	Snap sn;
	snap_take(s, &sn);
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		snprintf(line, sizeof line, forms[i][0], rc_);
		fails_with(s, line, "bashrc", forms[i][1]);
		assert_non_null(strstr(cap.err, "force"));	/* says how to override */
		snap_check(s, &sn, line);
	}
	snprintf(line, sizeof line, "save %s", npz);
	fails_with(s, line, "weights.npz", "not an rnnlab session");
	snprintf(line, sizeof line, "save %s", link);
	fails_with(s, line, "link.rnnlab", "not an rnnlab session");
	snprintf(line, sizeof line, "save %s", tmpdir);
	fails_with(s, line, "is a directory", NULL);
	size_t len;
	char *now = slurp(rc_, &len);
	assert_true(len == sizeof bashrc - 1 && !memcmp(now, bashrc, len));
	free(now);
	now = slurp(npz, &len);
	assert_true(len == nlen && !memcmp(now, npz_bytes, len));
	free(now);
	/* force overrides, for the commands that take it */
	snprintf(line, sizeof line, "history save %s force", rc_);
	ok(s, line);
	snprintf(line, sizeof line, "journal save %s force", rc_);
	ok(s, line);
	snprintf(line, sizeof line, "save %s force", rc_);
	ok(s, line);
	/* a file of the right kind is replaced without force */
	snprintf(line, sizeof line, "save %s", rc_);	/* now a session */
	ok(s, line);
	/* a user's own .csv data and .lab lesson are not rnnlab's to replace */
	spit(csv, "a,b\n1,2\n", 8);
	spit(lab, "say hi\n", 7);
	snprintf(line, sizeof line, "history save %s", csv);
	fails_with(s, line, "data.csv", "not an rnnlab history (.csv)");
	snprintf(line, sizeof line, "journal save %s", lab);
	fails_with(s, line, "lesson.lab", "not an rnnlab journal");
	/* a training log of another tool's that starts as rnnlab's does is not
	 * rnnlab's: its whole header line is compared (the first 10 bytes were) */
	spit(csv, "step,loss,accuracy\n1,0.5,0.9\n", 29);
	snprintf(line, sizeof line, "history save %s", csv);
	fails_with(s, line, "data.csv", "not an rnnlab history (.csv)");
	now = slurp(csv, &len);
	assert_true(len == 29 && !memcmp(now, "step,loss,accuracy\n", 19));
	free(now);
	{	/* the header history save writes is hist_col_names joined */
		char head[256] = "";
		for (int c = 0; c < HIST_COLS; c++)
			snprintf(head + strlen(head), sizeof head - strlen(head), "%s%s", c ? "," : "", hist_col_names[c]);
		strcat(head, "\n");
		assert_string_equal(head, FILE_CSV_HEAD);
	}
	/* ... but the history and journal rnnlab wrote are */
	snprintf(line, sizeof line, "history save %s force; history save %s", csv, csv);
	ok(s, line);
	snprintf(line, sizeof line, "journal save %s force; journal save %s", lab, lab);
	ok(s, line);
	snprintf(line, sizeof line, "export %s", npz);
	ok(s, line);
	/* a zip is not an .npz: a document (.docx, .xlsx, .odt and .jar are zips
	 * whose members are not .npy arrays) is refused by export and probe */
	char doc[256], svg[256], fx[700];
	path(doc, sizeof doc, "thesis.docx");
	{
		NpzWriter *w;
		Err e;
		long n = 5;
		assert_int_equal(npz_writer_open(&w, doc, NPZ_STORED, &e), 0);
		assert_int_equal(npz_writer_add(w, "x", NPY_U8, 1, &n, "hello", &e), 0);
		assert_int_equal(npz_writer_close(w, &e), 0);
	}
	{	/* rename its member as a document's: [Content_Types].xml, not a .npy */
		int err = 0;
		zip_t *za = zip_open(doc, 0, &err);
		assert_non_null(za);
		assert_int_equal(zip_file_rename(za, 0, "[Content_Types].xml", 0), 0);
		assert_int_equal(zip_close(za), 0);
	}
	char *doc_bytes = slurp(doc, &len);
	snprintf(line, sizeof line, "export %s", doc);
	fails_with(s, line, "thesis.docx", "not an .npz file");
	snprintf(fx, sizeof fx, "probe tests/fixtures/cells/lstm_mse_step.npz %s", doc);
	ok(s, "model lstm hidden=5 in=3 out=4");
	fails_with(s, fx, "thesis.docx", "not an .npz file");
	now = slurp(doc, &nlen);
	assert_true(len == nlen && !memcmp(now, doc_bytes, len));
	free(now);
	free(doc_bytes);
	/* an empty zip (22 bytes, no member) is nobody's .npz */
	static const char empty_zip[22] = { 'P', 'K', 5, 6 };
	spit(doc, empty_zip, sizeof empty_zip);
	snprintf(line, sizeof line, "export %s", doc);
	fails_with(s, line, "thesis.docx", "not an .npz file");
	/* numpy's own .npz is an .npz (np.savez), replaced without force */
	snprintf(line, sizeof line, "export %s force; export %s", doc, doc);
	ok(s, line);
	/* an SVG rnnlab did not draw is refused; one it drew is replaced */
	path(svg, sizeof svg, "figure.svg");
	static const char their_svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"5\"/></svg>\n";
	spit(svg, their_svg, sizeof their_svg - 1);
	ok(s, "data adding T=4 n=20; model lstm hidden=2; set batch=4 log_every=0; train 1");
	snprintf(line, sizeof line, "plot loss --svg %s", svg);
	fails_with(s, line, "figure.svg", "not an .svg file");
	now = slurp(svg, &len);
	assert_true(len == sizeof their_svg - 1 && !memcmp(now, their_svg, len));
	free(now);
	snprintf(line, sizeof line, "plot loss --svg %s force; plot loss --svg %s", svg, svg);
	ok(s, line);
	free(npz_bytes);
	snap_free(&sn);
	session_free(s);
}

/* ---- lessons are input, not code ---- */

/* Every call that starts a program, in the sources (run from the top of
 * the tree).  The command language lives in src/: none there.  ui/tui.c
 * lists the lessons with a fixed `ls` through popen (no user text in it). */
static void test_no_shell_escape(void **state)
{
	(void)state;
	static const char *const spawn[] = { "system(", "popen(", "execl(", "execlp(", "execle(", "execv(",
					     "execvp(", "execvpe(", "execve(", "fork(", "posix_spawn", "vfork(",
					     "wordexp(", NULL };
	static const char *const dirs[] = { "src/base", "src/core", "src/data", "src/render", "src/session",
					    "src/view", "src/cmd", "ui", NULL };
	int files = 0;
	for (int d = 0; dirs[d]; d++) {
		DIR *dir = opendir(dirs[d]);
		assert_non_null(dir);
		struct dirent *de;
		while ((de = readdir(dir))) {
			size_t n = strlen(de->d_name);
			if (n < 3 || (strcmp(de->d_name + n - 2, ".c") && strcmp(de->d_name + n - 2, ".h")))
				continue;
			char p[512];
			snprintf(p, sizeof p, "%s/%s", dirs[d], de->d_name);
			size_t len;
			char *text = slurp(p, &len);
			assert_non_null(text);
			text = realloc(text, len + 1);
			text[len] = '\0';
			files++;
			for (int k = 0; spawn[k]; k++)
				for (const char *hit = text; (hit = strstr(hit, spawn[k])); hit++) {
					/* a word of its own, not pclose( or my_system( */
					if (hit > text && (isalnum((unsigned char)hit[-1]) || hit[-1] == '_'))
						continue;
					const char *eol = strchr(hit, '\n');
					int fixed_ls = !strcmp(p, "ui/tui.c") && !strcmp(spawn[k], "popen(") &&
						       strstr(text, "\"ls %s/*.lab 2>/dev/null\"");
					/* platform_start restarts rnnlab itself, once,
					 * with the same arguments (the BLAS core). */
					int self = !strcmp(p, "src/base/platform.c") && !strcmp(spawn[k], "execv(") &&
						   !strncmp(hit, "execv(\"/proc/self/exe\", ", 24);
					/* a sweep's workers: proc.c starts the program
					 * proc_start is given, and its one caller gives
					 * rnnlab itself (host.exe, below) */
					int worker = !strcmp(p, "src/base/proc.c") &&
						     ((!strcmp(spawn[k], "fork(") && !strncmp(hit, "fork();", 7)) ||
						      (!strcmp(spawn[k], "execve(") && !strncmp(hit, "execve(exe, argv, env);", 23)));
					if (!fixed_ls && !self && !worker)
						fail_msg("%s starts a program: %.*s", p, (int)(eol ? eol - hit : 60), hit);
				}
			for (const char *hit = text; (hit = strstr(hit, "proc_start(")); hit++) {
				const char *eol = strchr(hit, '\n');
				int decl = !strncmp(p, "src/base/proc.", 14);
				int self = !strcmp(p, "src/cmd/sweep_par.c") &&
					   !strncmp(hit, "proc_start(&sl->p, p->s->host.exe, argv, log, &e)",
						    strlen("proc_start(&sl->p, p->s->host.exe, argv, log, &e)")) &&
					   strstr(text, "char *argv[] = { (char *)p->s->host.exe, \"--batch\", script, NULL };");
				if (!decl && !self)
					fail_msg("%s starts a program other than rnnlab itself: %.*s", p,
						 (int)(eol ? eol - hit : 60), hit);
			}
			free(text);
		}
		closedir(dir);
	}
	assert_true(files > 20);

	/* shell syntax is just words: unknown commands, or text */
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(tmpdir), 0);
	empty_dir();
	Session *s = new_session();
	static const char *const tries[] = {
		"!touch pwned", "shell touch pwned", "system touch pwned", "exec touch pwned", "sh -c \"touch pwned\"",
		"`touch pwned`", "$(touch pwned)", "run \"|touch pwned\"", "load \"|touch pwned\"",
		"data csv \"$(touch pwned)\"", "import \"`touch pwned`\"",
	};
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		clear();
		assert_int_not_equal(session_exec(s, tries[i]), 0);
		if (access("pwned", F_OK) == 0)
			fail_msg("'%s' ran a program", tries[i]);
	}
	ok(s, "say $(touch pwned) `touch pwned`");
	assert_string_equal(cap.out, "$(touch pwned) `touch pwned`\n");
	assert_int_not_equal(access("pwned", F_OK), 0);
	for (int i = 0; i < cmd_count(); i++) {	/* no command by a shell's name */
		static const char *const bad[] = { "shell", "system", "exec", "sh", "bash", "!", "spawn", "open", NULL };
		for (int k = 0; bad[k]; k++)
			assert_string_not_equal(cmd_at(i)->name, bad[k]);
	}
	session_free(s);
	assert_int_equal(chdir(cwd), 0);
}

static void test_lesson_runs_itself(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	char self[256], a[256], b[256], line[700], text[700];
	path(self, sizeof self, "self.lab");
	snprintf(text, sizeof text, "say tick\nrun %s\nsay never\n", self);
	spit(self, text, strlen(text));
	snprintf(line, sizeof line, "run %s", self);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	assert_non_null(strstr(cap.err, "nested more than 8 deep"));
	assert_null(strstr(cap.out, "never"));
	int ticks = 0;
	for (const char *p = cap.out; (p = strstr(p, "tick")); p++)
		ticks++;
	assert_in_range(ticks, 1, 9);
	assert_int_equal(s->depth, 0);	/* unwound */
	/* two scripts that run each other */
	path(a, sizeof a, "a.lab");
	path(b, sizeof b, "b.lab");
	snprintf(text, sizeof text, "say in-a\nrun %s\n", b);
	spit(a, text, strlen(text));
	snprintf(text, sizeof text, "say in-b\nrun %s\n", a);
	spit(b, text, strlen(text));
	snprintf(line, sizeof line, "run %s", a);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	assert_non_null(strstr(cap.err, "nested more than 8 deep"));
	assert_int_equal(s->depth, 0);
	/* the session still works */
	ok(s, "say still here");
	session_free(s);
}

static void test_lesson_binary_refused(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	char bin[256], sess[256], line[700];
	path(bin, sizeof bin, "bin.lab");
	static const char junk[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0";
	spit(bin, junk, sizeof junk - 1);
	snprintf(line, sizeof line, "run %s", bin);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	assert_non_null(strstr(cap.err, "binary data in a script"));
	assert_non_null(strstr(cap.err, "bin.lab:1:"));
	/* a session file run as a lesson */
	path(sess, sizeof sess, "s.rnnlab");
	snprintf(line, sizeof line, "model rnn hidden=2 in=1; save %s", sess);
	ok(s, line);
	Snap sn;
	snap_take(s, &sn);
	snprintf(line, sizeof line, "run %s", sess);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	assert_non_null(strstr(cap.err, "binary data in a script"));
	snap_check(s, &sn, line);
	snap_free(&sn);
	session_free(s);
}

/* A lesson cannot write over the user's files either. */
static void test_lesson_cannot_clobber(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	char victim[256], lesson[256], line[700], text[2000];
	path(victim, sizeof victim, "notes.txt");
	spit(victim, "my notes\n", 9);
	path(lesson, sizeof lesson, "evil.lab");
	snprintf(text, sizeof text,
		 "model rnn hidden=2 in=1\nsave %s\n", victim);
	spit(lesson, text, strlen(text));
	snprintf(line, sizeof line, "run %s", lesson);
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	assert_non_null(strstr(cap.err, "not overwriting"));
	size_t len;
	char *now = slurp(victim, &len);
	assert_true(len == 9 && !memcmp(now, "my notes\n", 9));
	free(now);
	session_free(s);
}

/* Temporary files are new files with random names beside the target
 * (issue 16, item 2): a symlink planted at the old predictable names
 * (PATH.tmp for journals, PATH.tmp<PID> for histories) is never written
 * through.  A FIFO at the target is refused at once, never opened to be
 * read (item 3: the overwrite check used to wait forever on it). */
static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_faults: a writer hung on a FIFO\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(1);
}

static void test_temp_files_and_fifos(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	ok(s, "data adding T=4 n=20; model lstm hidden=2; set batch=4 log_every=0; train 2");
	char victim[256], j[256], h[256], jt[300], ht[300], line[900];
	path(victim, sizeof victim, "victim.txt");
	path(j, sizeof j, "run.lab");
	path(h, sizeof h, "run.csv");
	static const char precious[] = "precious\n";
	spit(victim, precious, sizeof precious - 1);
	snprintf(jt, sizeof jt, "%s.tmp", j);
	snprintf(ht, sizeof ht, "%s.tmp%ld", h, (long)getpid());
	assert_int_equal(symlink(victim, jt), 0);
	assert_int_equal(symlink(victim, ht), 0);
	snprintf(line, sizeof line, "journal save %s; history save %s", j, h);
	ok(s, line);
	size_t len;
	char *now = slurp(victim, &len);
	assert_true(len == sizeof precious - 1 && !memcmp(now, precious, len));
	free(now);
	now = slurp(j, &len);
	assert_non_null(strstr(now, "# rnnlab journal"));
	free(now);
	now = slurp(h, &len);
	assert_int_equal(strncmp(now, "step,loss,", 10), 0);
	free(now);
	/* FIFOs: refused at once by every writer */
	static const char *const forms[] = { "export %s", "save %s", "journal save %s", "history save %s",
					     "plot loss --svg %s", "probe tests/fixtures/cells/lstm_mse_step.npz %s" };
	signal(SIGALRM, on_alarm);
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		char fifo[256];
		path(fifo, sizeof fifo, "pipe");
		unlink(fifo);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		snprintf(line, sizeof line, forms[i], fifo);
		alarm(10);
		fails_with(s, line, "pipe", "not a regular file");
		alarm(0);
	}
	signal(SIGALRM, SIG_DFL);
	session_free(s);
}

/* Copy the session src to dst with fix(name, array) applied to each array
 * (it may change the data in place). */
static void rewrite_session(const char *src, const char *dst, void (*fix)(const char *, NpyArray *))
{
	Npz z;
	Err e;
	assert_int_equal(npz_read(&z, src, &e), 0);
	NpzWriter *w;
	assert_int_equal(npz_writer_open(&w, dst, NPZ_STORED, &e), 0);
	for (int i = 0; i < z.n; i++) {
		NpyArray *a = &z.arrays[i];
		fix(a->name, a);
		assert_int_equal(npz_writer_add(w, a->name, a->dtype, a->ndim, a->shape, a->data, &e), 0);
	}
	assert_int_equal(npz_writer_close(w, &e), 0);
	npz_free(&z);
}

static void nan_weight(const char *name, NpyArray *a)
{
	if (!strncmp(name, "param.", 6))
		((float *)a->data)[0] = NAN;
}

static void negative_v(const char *name, NpyArray *a)
{
	if (!strcmp(name, "optim.v"))
		((float *)a->data)[1] = -1.0f;
}

/* The session text's line KEY=... gets the value field_value (set_field). */
static const char *field_key, *field_value;

/* The session member's text, NUL-terminated in place (a .npy of u8 is not). */
static char *member_text(NpyArray *a)
{
	char *t = realloc(a->data, a->count + 1);
	assert_non_null(t);
	t[a->count] = '\0';
	a->data = t;
	return t;
}

static void set_field(const char *name, NpyArray *a)
{
	if (strcmp(name, "session"))
		return;
	member_text(a);
	char want[64];
	snprintf(want, sizeof want, "\n%s=", field_key);
	const char *t = a->data, *p = strstr(t, want);
	assert_non_null(p);
	p += strlen(want);
	size_t head = (size_t)(p - t), old = strcspn(p, "\n"), len = strlen(field_value);
	size_t n = a->count - old + len;
	char *nt = malloc(n + 1);
	memcpy(nt, t, head);
	memcpy(nt + head, field_value, len);
	memcpy(nt + head + len, p + old, a->count - head - old);
	nt[n] = '\0';
	free(a->data);
	a->data = nt;
	a->count = n;
	a->shape[0] = (long)n;
}

/* The journal member's text replaced by journal_text. */
static const char *journal_text;

static void set_journal(const char *name, NpyArray *a)
{
	if (strcmp(name, "journal"))
		return;
	free(a->data);
	a->data = strdup(journal_text);
	a->count = strlen(journal_text);
	a->shape[0] = (long)a->count;
}

/* The sampler line "SEED EPOCH POS" with EPOCH 2^50. */
static void sampler_far(const char *name, NpyArray *a)
{
	if (strcmp(name, "session"))
		return;
	member_text(a);
	const char *p = strstr(a->data, "\nsampler=");
	assert_non_null(p);
	unsigned long long seed;
	long epoch, pos;
	assert_int_equal(sscanf(p, "\nsampler=%llu %ld %ld", &seed, &epoch, &pos), 3);
	char v[80];
	snprintf(v, sizeof v, "%llu %ld %ld", seed, 1L << 50, pos);
	field_key = "sampler";
	field_value = v;
	set_field(name, a);
}

/* A session is checked as strictly as an import (issue 16, item 9): a
 * non-finite weight, a negative second moment, counts no run reaches or
 * below zero are refused, and the session is left as it was.  Counts at the
 * edge of what is accepted train on without an overflow (the SAN build runs
 * this under UBSan: the sampler's epoch, the cosine schedule's t_max and
 * warm-up, Adam's bias correction at t = 2^50). */
static void test_load_validates(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	ok(s, "data adding T=4 n=40; model lstm hidden=3; set batch=4 log_every=0 optim=adam schedule=cosine t_max=50; "
	      "train 12");
	char good[256], bad[256], line[700];
	path(good, sizeof good, "good.rnnlab");
	path(bad, sizeof bad, "bad.rnnlab");
	snprintf(line, sizeof line, "save %s", good);
	ok(s, line);
	Snap sn;
	snap_take(s, &sn);
	static const struct {
		void (*fix)(const char *, NpyArray *);
		const char *key, *value, *says;
	} bads[] = {
		{ nan_weight, NULL, NULL, "non-finite weight" },
		{ negative_v, NULL, NULL, "negative or non-finite second moment" },
		{ set_field, "step", "9000000000000000000", "bad step counts" },
		{ set_field, "step", "-9223372036854775808", "bad step counts" },
		{ set_field, "step", "99999999999999999999999", "bad step counts" },
		{ set_field, "optim_t", "-1", "bad step counts" },
		{ set_field, "optim_t", "1125899906842625", "bad step counts" },
		{ set_field, "sampler", "1 9223372036854775807 0", "bad data seeds" },
		{ set_field, "sampler", "1 0 -5", "bad data seeds" },
		{ set_field, "set.t_max", "9223372036854775807", "t_max must be" },
		{ set_field, "set.warmup", "-1", "warmup must be" },
		{ set_field, "set.batch", "0", "batch must be" },
		/* a journal that journal save would write and that would not replay */
		{ set_journal, "data adding T=4 n=40\ndata csv \"we\nird.csv\"\n", NULL,
		  "journal line 2 is not a command line (unterminated quote" },
		{ set_journal, "data adding T=4 n=40\nsay \"a\rb\"\n", NULL,
		  "journal line 2 is not a command line (unterminated quote" },
	};
	for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
		field_key = bads[i].key;
		field_value = bads[i].value;
		journal_text = bads[i].key;
		rewrite_session(good, bad, bads[i].fix);
		snprintf(line, sizeof line, "load %s", bad);
		fails_with(s, line, bads[i].fix == set_field && !strncmp(bads[i].key, "set.", 4) ? "" : "damaged session",
			   bads[i].says);
		snap_check(s, &sn, line);
	}
	/* a control character the lexer takes inside quotes (a form feed from a
	 * text's prime) is a journal line rnnlab wrote itself: it loads */
	journal_text = "data adding T=4 n=40\nsay \"a\fb\"\n";
	rewrite_session(good, bad, set_journal);
	snprintf(line, sizeof line, "load %s", bad);
	ok(s, line);
	snprintf(line, sizeof line, "load %s", good);
	ok(s, line);
	/* the largest counts a session may hold, all at once: it loads and trains */
	static const char *const edge[][2] = {
		{ "step", "1125899906842624" }, { "optim_t", "1125899906842624" },
		{ "set.t_max", "1099511627776" }, { "set.warmup", "1099511627776" },
	};
	char from[256], to[256];
	snprintf(from, sizeof from, "%s", good);
	for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
		field_key = edge[i][0];
		field_value = edge[i][1];
		path(to, sizeof to, i % 2 ? "edge1.rnnlab" : "edge0.rnnlab");
		rewrite_session(from, to, set_field);
		snprintf(from, sizeof from, "%s", to);
	}
	/* the sampler's epoch: keep its seed, move the epoch to 2^50 */
	path(to, sizeof to, "edge.rnnlab");
	rewrite_session(from, to, sampler_far);
	snprintf(line, sizeof line, "load %s", to);
	ok(s, line);
	ok(s, "train 2; expect finite == 1");
	assert_true(session_step(s) == (1L << 50) + 2);
	snap_free(&sn);
	session_free(s);
}

/* ---- what a small file claims (issue 16, item 10) ---- */

#define CLAIM_FLOATS ((long)32 << 20)	/* 128 MB of zeros: a 130 KB deflated member */

/* Copy src to dst with the array called name replaced by CLAIM_FLOATS
 * float32 zeros, deflated (add it when src has none: name "rnnlab_format"
 * keeps the real one and adds the claim as "huge"). */
static void write_claim(const char *src, const char *dst, const char *name)
{
	Npz z;
	Err e;
	NpzWriter *w;
	const int keep_all = !strcmp(name, "rnnlab_format");
	assert_int_equal(npz_writer_open(&w, dst, NPZ_DEFLATED, &e), 0);
	if (src) {
		assert_int_equal(npz_read(&z, src, &e), 0);
		for (int i = 0; i < z.n; i++) {
			const NpyArray *a = &z.arrays[i];
			if (keep_all || strcmp(a->name, name))
				assert_int_equal(npz_writer_add(w, a->name, a->dtype, a->ndim, a->shape, a->data, &e), 0);
		}
		npz_free(&z);
	}
	float *zeros = calloc((size_t)CLAIM_FLOATS, sizeof *zeros);
	assert_non_null(zeros);
	const long shape[1] = { CLAIM_FLOATS };
	const char *as = src && keep_all ? "huge" : name;
	assert_int_equal(npz_writer_add(w, as, NPY_F32, 1, shape, zeros, &e), 0);
	free(zeros);
	assert_int_equal(npz_writer_close(w, &e), 0);
}

#ifndef FAULTS_ASAN
/* The address space in use now, from /proc/self/statm (pages). */
static rlim_t address_space(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	return (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
}
#endif

/* line fails saying has; without ASan, under an address space 64 MB above
 * what is in use, where reading the 128 MB claim would fail as "out of memory". */
static void claim_refused(Session *s, const char *line, const char *has)
{
#ifndef FAULTS_ASAN
	if (exec_as(s, line, address_space() + ((rlim_t)64 << 20)) == 0)
		fail_msg("'%s' succeeded", line);
	if (!strstr(cap.err, has))
		fail_msg("'%s': want an error saying '%s', got:\n%s", line, has, cap.err);
#else
	fails_with(s, line, has, NULL);
#endif
}

/* A file's arrays are compared with what they must be (a tensor of the
 * model, a session's member) from their headers, before their data is
 * allocated: import, load and save's overwrite check of a 130 KB file that
 * claims 128 MB never ask for it. */
static void test_small_file_big_claim(void **state)
{
	(void)state;
	empty_dir();
	Session *s = new_session();
	ok(s, "data adding T=4 n=40; model lstm hidden=3; set batch=4 log_every=0; train 2");
	char good[256], claim[256], line[700];
	path(good, sizeof good, "good.rnnlab");
	snprintf(line, sizeof line, "save %s", good);
	ok(s, line);
	struct stat st;

	/* import: the shape is refused before the data is read */
	path(claim, sizeof claim, "weights.npz");
	write_claim(NULL, claim, "rnn.weight_ih_l0");
	assert_int_equal(stat(claim, &st), 0);
	assert_true(st.st_size < 1 << 20);
	Snap sn;
	snap_take(s, &sn);
	snprintf(line, sizeof line, "import %s", claim);
	claim_refused(s, line, "has shape [33554432], the model needs [12, 2]");
	snap_check(s, &sn, line);

	/* load: a weight of the wrong size, a history longer than the run */
	static const char *const members[] = { "param.rnn.weight_hh_l0", "history.step" };
	static const char *const says[] = { "'param.rnn.weight_hh_l0' missing or not float32 of 36 values",
					    "'history.step' missing or the wrong length" };
	for (int i = 0; i < 2; i++) {
		path(claim, sizeof claim, "claim.rnnlab");
		write_claim(good, claim, members[i]);
		snprintf(line, sizeof line, "load %s", claim);
		claim_refused(s, line, says[i]);
		snap_check(s, &sn, line);
	}

	/* probe: an array it does not read is never read; one it reads may not
	 * claim more than 64 MiB */
	char out[256];
	path(out, sizeof out, "probe-out.npz");
	path(claim, sizeof claim, "probe-in.npz");
	write_claim(NULL, claim, "junk");
	snprintf(line, sizeof line, "probe %s %s", claim, out);
	claim_refused(s, line, "probe-in.npz has no 'x'");
	write_claim(NULL, claim, "x");
	claim_refused(s, line, "'x' claims 128 MiB; a probe's arrays are at most 64 MiB each");
	snap_check(s, &sn, line);
	assert_int_not_equal(access(out, F_OK), 0);

	/* save over a session holding a huge array it does not need: the check
	 * that it is a session reads the headers only, and it is replaced */
	write_claim(good, claim, "rnnlab_format");
	snprintf(line, sizeof line, "save %s", claim);
#ifndef FAULTS_ASAN
	if (exec_as(s, line, address_space() + ((rlim_t)64 << 20)) != 0)
		fail_msg("'%s' failed:\n%s", line, cap.err);
#else
	ok(s, line);
#endif
	assert_int_equal(stat(claim, &st), 0);
	assert_true(npz_file_holds(claim, "rnnlab_format") && !npz_file_holds(claim, "huge"));
	snap_free(&sn);
	session_free(s);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_disk_full),
		cmocka_unit_test(test_other_writes_disk_full),
		cmocka_unit_test(test_save_unwritable),
		cmocka_unit_test(test_truncated_every_offset),
		cmocka_unit_test(test_absurd_sizes),
		cmocka_unit_test(test_no_overwrite_without_force),
		cmocka_unit_test(test_no_shell_escape),
		cmocka_unit_test(test_lesson_runs_itself),
		cmocka_unit_test(test_lesson_binary_refused),
		cmocka_unit_test(test_lesson_cannot_clobber),
		cmocka_unit_test(test_temp_files_and_fifos),
		cmocka_unit_test(test_load_validates),
		cmocka_unit_test(test_small_file_big_claim),
	};
	return cmocka_run_group_tests(tests, faults_setup, faults_teardown);
}
