/* sweep_emit.c — a sweep's runs as scripts: the script of one combination
 * (what a worker runs), emit=DIR (every script, the manifest and a Slurm
 * job array, for GNU parallel or a cluster), `sweep record` (a script's
 * last line: its result beside it) and `sweep collect DIR` (the table and
 * the compare plot from the results, read as a stranger's files). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "fileutil.h"
#include "sweep.h"

/* The script of combination c: the data, every setting as the sweep found
 * it (seeds as numbers that need no --seed-shift), the combination's
 * settings and model, the training, and (with_record) its result. */
char *sweep_script(const Sweep *w, int c, int threads, int with_record)
{
	Combo k;
	sweep_combo(w, c, &k);
	TextOut t;
	FILE *f = textout_open(&t);
	if (!f)
		return NULL;
	fprintf(f, "# rnnlab sweep: run %d of %d, %s\n", c + 1, w->total, k.label);
	fprintf(f, "# rnnlab --batch FILE trains it and writes FILE.result beside it (FILE.lab\n"
		"# without .lab); `sweep collect DIR` makes the sweep's table from them.\n");
	fprintf(f, "data %s seed=%" PRIu64 "\nset", k.data[0] ? k.data : w->data0, w->data_from);
	for (int i = 0; i < setting_count() && i < 64; i++) {
		const char *key = setting_at(i)->key;
		if (w->saved[i] && strcmp(key, "seed") && strcmp(key, "threads") && strcmp(key, "jobs") &&
		    strcmp(key, "pace"))
			fprintf(f, " %s=%s", key, w->value[i]);
	}
	fprintf(f, " seed=%" PRIu64 " threads=%d\n", w->seed0, threads);
	if (k.set[0])
		fprintf(f, "set%s\n", k.set);
	fprintf(f, "model %s\ntrain %ld\n", k.model, w->steps);
	if (with_record)
		fprintf(f, "sweep record %016" PRIx64 " %d\n", w->id, c + 1);
	return textout_close(&t);
}

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const char *p)
{
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h;
}

void sweep_make_id(Sweep *w, int threads)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int c = 0; c < w->total; c++) {
		char *t = sweep_script(w, c, threads, 0);
		h = fnv(h, t ? t : "?");
		free(t);
	}
	w->id = h;
}

static void run_names(int c, char *script, char *result)
{
	snprintf(script, SWEEP_NAME_MAX, "run-%02d.lab", c + 1);
	snprintf(result, SWEEP_NAME_MAX, "run-%02d.result", c + 1);
}

/* A file path in the data line is made absolute: the scripts may run
 * from another directory (a cluster's job starts where it was submitted). */
static int absolute_data(Sweep *w, Err *e)
{
	char line[1100];
	snprintf(line, sizeof line, "data %s", w->data0);
	Lexed lx;
	int rc = lex_line(line, &lx, e);
	if (rc)
		return rc;
	const Stmt *st = &lx.stmt[0];
	const DataSpec *d = lx.nstmt == 1 && st->argc > 2 ? data_spec_find(st->argv[1].text) : NULL;
	if (d && d->needs_file && st->argv[2].text[0] != '/') {
		char cwd[PATH_MAX], path[PATH_MAX + 1100], out[sizeof w->data0 + 8];
		if (!getcwd(cwd, sizeof cwd))
			rc = err_set(e, ERR_IO, "cannot tell the current directory: %s", strerror(errno));
		else {
			snprintf(path, sizeof path, "%s/%s", cwd, st->argv[2].text);
			st->argv[2].text = path;
			if (!stmt_text(st, out, sizeof out) || strlen(out + 5) >= sizeof w->data0)
				rc = err_set(e, ERR_INVAL, "the data file's absolute path is too long for a script");
			else
				snprintf(w->data0, sizeof w->data0, "%s", out + 5);
		}
	}
	lex_free(&lx);
	return rc;
}

/* DIR is made, or is an empty directory. */
static int emit_dir(const char *dir, int *made, Err *e)
{
	*made = mkdir(dir, 0777) == 0;
	if (*made)
		return 0;
	if (errno != EEXIST)
		return err_set(e, ERR_IO, "cannot make %s: %s", dir, strerror(errno));
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, ERR_IO, "%s exists and is not a directory rnnlab can write in (%s)", dir, strerror(errno));
	int n = 0;
	for (struct dirent *de; (de = readdir(d));)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	if (n)
		return err_set(e, ERR_IO, "%s is not empty (%d file%s): emit into a new or empty directory", dir, n,
			       n == 1 ? "" : "s");
	return 0;
}

static int write_in(const char *dir, const char *name, const char *text, Err *e)
{
	char path[PATH_MAX];
	if (!text)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return err_set(e, ERR_INVAL, "%s: the path is too long", dir);
	return file_write_atomic(path, text, strlen(text), e);
}

/* The Slurm job array: task i runs run-0i.lab. */
static char *slurm_script(const Sweep *w, const char *absdir, int threads)
{
	char quoted[2 * PATH_MAX + 8];
	size_t q = 0;
	quoted[q++] = '\'';	/* the path in single quotes, each ' as '\'' */
	for (const char *p = absdir; *p && q + 5 < sizeof quoted; p++) {
		if (*p == '\'') {
			memcpy(quoted + q, "'\\''", 4);
			q += 4;
		} else {
			quoted[q++] = *p;
		}
	}
	quoted[q++] = '\'';
	quoted[q] = '\0';
	const int plain = strspn(absdir, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-") ==
			  strlen(absdir);
	TextOut t;
	FILE *f = textout_open(&t);
	if (!f)
		return NULL;
	fprintf(f, "#!/bin/sh\n"
		"# rnnlab sweep: its %d runs as a Slurm job array.  Submit it from anywhere:\n"
		"#   sbatch %s/slurm.sh\n"
		"# Task i runs run-0i.lab with rnnlab --batch (RNNLAB=/path/to/rnnlab for another\n"
		"# binary), which writes run-0i.result beside it; when all are done:\n"
		"#   rnnlab -c 'sweep collect %s'\n"
		"#SBATCH --job-name=rnnlab-sweep\n"
		"#SBATCH --array=1-%d\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=%d\n",
		w->total, absdir, absdir, w->total, threads);
	if (plain)	/* a path #SBATCH can hold: each task's output beside its script */
		fprintf(f, "#SBATCH --output=%s/run-%%2a.log\n", absdir);
	fprintf(f, "dir=%s\n"
		"task=$(printf '%%02d' \"$SLURM_ARRAY_TASK_ID\")\n"
		"exec \"${RNNLAB:-rnnlab}\" --batch \"$dir/run-$task.lab\"\n", quoted);
	return textout_close(&t);
}

int sweep_emit(Session *s, Sweep *w, Err *e)
{
	const int threads = w->set.threads;
	int rc = absolute_data(w, e), made = 0;
	if (rc || (rc = emit_dir(w->emit, &made, e)))
		return rc;
	char absdir[PATH_MAX];
	if (!realpath(w->emit, absdir))
		snprintf(absdir, sizeof absdir, "%s", w->emit);
	sweep_make_id(w, threads);
	SweepManifest *m = calloc(1, sizeof *m);
	if (!m)
		return err_set(e, ERR_NOMEM, "out of memory");
	m->id = w->id;
	m->nruns = w->total;
	m->steps = w->steps;
	m->target = w->target;
	for (int c = 0; c < w->total && !rc; c++) {
		Combo k;
		sweep_combo(w, c, &k);
		run_names(c, m->run[c].script, m->run[c].result);
		snprintf(m->run[c].label, sizeof m->run[c].label, "%s", k.label);
		char *t = sweep_script(w, c, threads, 1);
		rc = write_in(w->emit, m->run[c].script, t, e);
		free(t);
	}
	char *t = rc ? NULL : sweep_manifest_text(m);
	if (!rc)
		rc = write_in(w->emit, SWEEP_MANIFEST, t, e);
	free(t);
	t = rc ? NULL : slurm_script(w, absdir, threads);
	if (!rc)
		rc = write_in(w->emit, "slurm.sh", t, e);
	free(t);
	if (rc) {	/* nothing half-written stays behind */
		char path[PATH_MAX];
		for (int c = 0; c < w->total; c++) {
			snprintf(path, sizeof path, "%s/%s", w->emit, m->run[c].script);
			unlink(path);
		}
		snprintf(path, sizeof path, "%s/%s", w->emit, SWEEP_MANIFEST);
		unlink(path);
		if (made)
			rmdir(w->emit);
	} else {
		session_printf(s, "sweep: wrote %d scripts, a manifest and slurm.sh to %s", w->total, w->emit);
		session_printf(s, "  run them: parallel rnnlab --batch ::: %s/*.lab   (or sbatch %s/slurm.sh, or a loop)",
			       w->emit, w->emit);
		session_printf(s, "  then: sweep collect %s", w->emit);
	}
	free(m);
	return rc;
}

int sweep_record(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc != 4 || argv[2].key || argv[3].key)
		return err_set(e, ERR_INVAL, "usage: sweep record ID K (the last line of a script sweep wrote)");
	const char *id = argv[2].text;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(id, &end, 16);
	if (strlen(id) != 16 || *end || errno)
		return err_set(e, ERR_INVAL, "the sweep's id is 16 hex digits, got '%s'", id);
	int k, rc = arg_int("K", argv[3].text, 1, SWEEP_MAX_RUNS, &k, e);
	if (rc)
		return rc;
	size_t n = s->src ? strlen(s->src) : 0;
	if (n < 5 || strcmp(s->src + n - 4, ".lab"))
		return err_set(e, ERR_STATE, "sweep record writes beside the script it is in (a NAME.lab sweep wrote), "
			       "not from %s", s->src ? "that file" : "the prompt");
	char path[PATH_MAX];
	if (n - 4 + 8 > sizeof path)
		return err_set(e, ERR_INVAL, "the script's path is too long");
	snprintf(path, sizeof path, "%.*s.result", (int)(n - 4), s->src);
	if ((rc = sweep_result_write(s, path, (uint64_t)v, k, e)))
		return rc;
	session_printf(s, "sweep: run %d recorded in %s", k, path);
	return 0;
}

/* compare over the runs collect just added (the last n kept). */
static void collect_compare(Session *s, int n)
{
	int first = s->nruns - n + 1 > 1 ? s->nruns - n + 1 : 1;
	char runs[300] = "runs=";
	size_t len = strlen(runs);
	for (int i = first; i <= s->nruns && len < sizeof runs; i++)
		len += (size_t)snprintf(runs + len, sizeof runs - len, "%s%d", i > first ? "," : "", i);
	Word w[2] = { { "compare", NULL, NULL }, { runs, "runs", runs + 5 } };
	Err e;
	if (cmd_compare(s, 2, w, &e))
		session_printf(s, "  (no compare plot: %s)", e.msg);
}

int sweep_collect(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc != 3 || argv[2].key)
		return err_set(e, ERR_INVAL, "usage: sweep collect DIR (a directory sweep ... emit=DIR wrote)");
	const char *dir = argv[2].text;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_IO, "%s: %s", dir, strerror(errno));
	SweepManifest *m = calloc(1, sizeof *m);
	Sweep *w = calloc(1, sizeof *w);
	Run *runs = calloc(SWEEP_MAX_RUNS, sizeof *runs);
	int rc = m && w && runs ? 0 : err_set(e, ERR_NOMEM, "out of memory");
	if (!rc)
		rc = sweep_manifest_read(fd, dir, m, e);
	int got = 0;
	if (!rc && !(w->rows = calloc((size_t)m->nruns, sizeof *w->rows)))
		rc = err_set(e, ERR_NOMEM, "out of memory");
	for (int c = 0; !rc && c < m->nruns; c++) {
		SweepRow *r = &w->rows[c];
		snprintf(r->label, sizeof r->label, "%s", m->run[c].label);
		Err re;
		struct stat st;
		if (fstatat(fd, m->run[c].result, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) {
			r->state = SWEEP_ROW_MISSING;
			snprintf(r->why, sizeof r->why, "no %s yet (has %s run?)", m->run[c].result, m->run[c].script);
		} else if (sweep_result_read(fd, dir, m->run[c].result, m->id, c + 1, &runs[c], &re)) {
			r->state = SWEEP_ROW_FAILED;
			snprintf(r->why, sizeof r->why, "%s", re.msg);
		} else {
			sweep_row_from(r, &runs[c].hist, m->target);
			snprintf(runs[c].name, sizeof runs[c].name, "%.63s", m->run[c].label);
			got++;
		}
	}
	close(fd);
	if (!rc && !got)
		rc = err_set(e, ERR_STATE, "no results in %s yet: run its scripts first (parallel rnnlab --batch ::: %s/*.lab)",
			     dir, dir);
	if (!rc) {
		w->total = m->nruns;
		w->target = m->target;
		for (int c = 0; c < m->nruns; c++)
			if (w->rows[c].state == SWEEP_ROW_DONE)
				session_add_run(s, &runs[c]);
		session_printf(s, "sweep collect %s: %d of %d results", dir, got, m->nruns);
		sweep_table(s, w);
		collect_compare(s, got);
	}
	for (int c = 0; runs && m && c < m->nruns; c++)
		run_done(&runs[c]);
	if (w)
		free(w->rows);
	free(runs);
	free(w);
	free(m);
	return rc;
}
