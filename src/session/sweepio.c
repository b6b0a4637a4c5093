/* sweepio.c — a sweep's result and manifest files, written here and read
 * back as a stranger's input (sweepio.h), and a run's row of the table. */
#include "sweepio.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"

#define RESULT_HEAD FILE_RESULT_HEAD " 1"
#define MANIFEST_HEAD "# rnnlab sweep manifest 1"

void sweep_row_from(SweepRow *r, const History *h, float target)
{
	r->best = NAN;
	r->hit = -1;
	for (size_t i = 0; i < h->n; i++) {
		double v = h->col[HIST_VAL][i];
		if (isnan(v))
			continue;
		if (isnan(r->best) || v < r->best)
			r->best = v;
		if (!isnan(target) && r->hit < 0 && v < target)
			r->hit = (long)h->col[HIST_STEP][i];
	}
	r->final = history_last(h, HIST_LOSS);
	r->state = SWEEP_ROW_DONE;
	r->why[0] = '\0';
}

/* ---- writing ---- */

int sweep_result_write(Session *s, const char *path, uint64_t id, int run, Err *e)
{
	RunRef r;
	if (!s->lr || !s->hist.n)
		return err_set(e, ERR_STATE, "no run to record: train a model first");
	session_run(s, session_run_count(s) - 1, &r);
	int rc = file_may_write(path, FILE_RESULT, 0, e);
	if (rc)
		return rc;
	TextOut t;
	FILE *f = textout_open(&t);
	if (!f)
		return err_set(e, ERR_NOMEM, "out of memory");
	/* %.17g: every double reads back as itself, so the table is the same */
	fprintf(f, "%s\nsweep %016" PRIx64 "\nrun %d\nmodel %s\ndata %s\nparams %zu\ntok_s %.17g\nhistory %zu\n",
		RESULT_HEAD, id, run, r.model, r.data, r.nparam, history_median(r.hist, HIST_TOKS), r.hist->n);
	for (size_t i = 0; i < r.hist->n; i++)
		for (int c = 0; c < HIST_COLS; c++)
			fprintf(f, "%.17g%c", r.hist->col[c][i], c + 1 < HIST_COLS ? ' ' : '\n');
	fprintf(f, "flow %d %ld\n", r.flow ? r.flow_T : 0, r.flow ? r.flow_step : 0L);
	for (int i = 0; r.flow && i < r.flow_T; i++)
		fprintf(f, "%.17g\n", r.flow[i]);
	fprintf(f, "end\n");
	return textout_write(&t, path, e);
}

char *sweep_manifest_text(const SweepManifest *m)
{
	TextOut t;
	FILE *f = textout_open(&t);
	if (!f)
		return NULL;
	fprintf(f, "%s\nsweep %016" PRIx64 "\nruns %d\nsteps %ld\n", MANIFEST_HEAD, m->id, m->nruns, m->steps);
	if (isnan(m->target))
		fprintf(f, "target none\n");
	else
		fprintf(f, "target %.9g\n", m->target);
	for (int i = 0; i < m->nruns; i++)
		fprintf(f, "run %d %s %s %s\n", i + 1, m->run[i].script, m->run[i].result, m->run[i].label);
	fprintf(f, "end\n");
	return textout_close(&t);
}

/* ---- reading: a line at a time, every field checked ---- */

typedef struct Reader {
	char *p;		/* the rest of the text */
	int line;		/* the line number of the line last read */
	const char *dir, *name;	/* for messages */
	Err *e;
} Reader;

static int bad(Reader *r, const char *what)
{
	return err_set(r->e, ERR_FORMAT, "%s/%s, line %d: %s", r->dir, r->name, r->line, what);
}

/* The next line (its '\n' cut), or NULL at the end. */
static char *next_line(Reader *r)
{
	if (!*r->p)
		return NULL;
	char *l = r->p, *nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		r->p = nl + 1;
	} else {
		r->p += strlen(l);
	}
	r->line++;
	return l;
}

/* The line `KEY VALUE`: *value its rest. */
static int keyed(Reader *r, const char *key, char **value)
{
	char *l = next_line(r);
	size_t n = strlen(key);
	if (!l) {
		r->line++;
		char what[80];
		snprintf(what, sizeof what, "the file ends where '%s' should be (truncated?)", key);
		return bad(r, what);
	}
	if (strncmp(l, key, n) || (l[n] != ' ' && l[n] != '\0')) {
		char what[80];
		snprintf(what, sizeof what, "expected '%s ...'", key);
		return bad(r, what);
	}
	*value = l + n + (l[n] == ' ');
	return 0;
}

/* A whole number in [lo, hi], the whole of v. */
static int whole(Reader *r, const char *what, const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (end == v || *end || errno || n < lo || n > hi) {
		char msg[120];
		snprintf(msg, sizeof msg, "%s must be a whole number from %ld to %ld", what, lo, hi);
		return bad(r, msg);
	}
	*out = n;
	return 0;
}

/* A number at v, finite (or NaN when nan_ok), then the end of v or, with
 * next, a space: *next is after it. */
static int number(Reader *r, const char *what, const char *v, int nan_ok, double *out, const char **next)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || (*end && *end != ' ') || isinf(d) || (isnan(d) && !nan_ok)) {
		char msg[120];
		snprintf(msg, sizeof msg, "%s: not a finite number%s", what, nan_ok ? " (or nan)" : "");
		return bad(r, msg);
	}
	*out = d;
	if (next)
		*next = end + (*end == ' ');
	else if (*end)
		return bad(r, "more than one number");
	return 0;
}

/* The first line, which says what the file is. */
static int head(Reader *r, const char *want, const char *what)
{
	const char *l = next_line(r);
	if (!l || strcmp(l, want)) {
		char msg[120];
		snprintf(msg, sizeof msg, "not an rnnlab sweep %s (its first line says what it is)", what);
		return bad(r, msg);
	}
	return 0;
}

static int sweep_id(Reader *r, uint64_t want)
{
	char *v;
	int rc = keyed(r, "sweep", &v);
	if (rc)
		return rc;
	char *end;
	errno = 0;
	unsigned long long id = strtoull(v, &end, 16);
	if (end == v || *end || errno || strlen(v) != 16)
		return bad(r, "the sweep's id is 16 hex digits");
	if (id != want)
		return bad(r, "from another sweep (its id is not the manifest's): a result left from an earlier one?");
	return 0;
}

/* The text is one we can read line by line: no NUL, no control character
 * but the newline (a result or manifest holds none). */
static int plain_text(Reader *r, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			r->line++;
		else if (c < 0x20 || c == 0x7f) {
			r->line++;
			return bad(r, c ? "a control character (not a text file rnnlab wrote)" : "a NUL byte (binary data)");
		}
	}
	r->line = 0;
	return 0;
}

static int read_history(Reader *r, History *h)
{
	char *v;
	long n;
	int rc = keyed(r, "history", &v);
	if (rc || (rc = whole(r, "history's row count", v, 1, (long)HISTORY_LIMIT, &n)))
		return rc;
	double *cols[HIST_COLS] = { NULL };
	for (int c = 0; c < HIST_COLS; c++)
		if (!(cols[c] = malloc((size_t)n * sizeof(double))))
			rc = err_set(r->e, ERR_NOMEM, "out of memory");
	for (long i = 0; i < n && !rc; i++) {
		const char *l = next_line(r);
		if (!l) {
			rc = bad(r, "the history ends early (truncated?)");
			break;
		}
		for (int c = 0; c < HIST_COLS && !rc; c++) {
			double *d = &cols[c][i];
			rc = number(r, hist_col_names[c], l, c != HIST_STEP, d, &l);
			if (!rc && c + 1 == HIST_COLS && *l)
				rc = bad(r, "more than 7 numbers in a history row");
			if (!rc && c == HIST_STEP && (*d < 1 || *d > 1e15 || *d != floor(*d) || (i && *d <= cols[c][i - 1])))
				rc = bad(r, "steps are whole numbers from 1 that increase");
		}
	}
	if (!rc)
		rc = history_set(h, (size_t)n, cols, r->e);
	for (int c = 0; c < HIST_COLS; c++)
		free(cols[c]);
	return rc;
}

static int read_flow(Reader *r, Run *out)
{
	char *v;
	int rc = keyed(r, "flow", &v);
	if (rc)
		return rc;
	char *sp = strchr(v, ' ');
	if (!sp)
		return bad(r, "flow needs its length and step: flow T STEP");
	*sp = '\0';
	long T, step;
	if ((rc = whole(r, "flow's length", v, 0, SWEEP_FLOW_MAX, &T)) ||
	    (rc = whole(r, "flow's step", sp + 1, 0, 1L << 50, &step)))
		return rc;
	if (!T)
		return 0;
	if (!(out->flow = malloc((size_t)T * sizeof *out->flow)))
		return err_set(r->e, ERR_NOMEM, "out of memory");
	for (long t = 0; t < T && !rc; t++) {
		const char *l = next_line(r);
		rc = l ? number(r, "flow", l, 1, &out->flow[t], NULL) : bad(r, "the flow ends early (truncated?)");
	}
	out->flow_T = (int)T;
	out->flow_step = step;
	return rc;
}

/* The last line: `end`, then nothing. */
static int read_end(Reader *r)
{
	char *v;
	int rc = keyed(r, "end", &v);
	if (rc)
		return rc;
	if (*v || *r->p)
		return bad(r, "text after 'end'");
	return 0;
}

static int read_result(Reader *r, uint64_t id, int run, Run *out)
{
	char *v;
	long n;
	double d;
	int rc;
	if ((rc = head(r, RESULT_HEAD, "result")) || (rc = sweep_id(r, id)) || (rc = keyed(r, "run", &v)) ||
	    (rc = whole(r, "run", v, 1, SWEEP_MAX_RUNS, &n)))
		return rc;
	if (n != run)
		return bad(r, "the result of another run of the sweep (its run number differs)");
	if ((rc = keyed(r, "model", &v)))
		return rc;
	if (strncmp(v, "model ", 6) || strlen(v) >= sizeof out->model)
		return bad(r, "not a model line (or longer than a model line can be)");
	snprintf(out->model, sizeof out->model, "%s", v);
	if ((rc = keyed(r, "data", &v)))
		return rc;
	if (strlen(v) >= sizeof out->data)
		return bad(r, "the data line is too long");
	snprintf(out->data, sizeof out->data, "%s", v);
	if ((rc = keyed(r, "params", &v)) || (rc = whole(r, "params", v, 1, 1L << 40, &n)))
		return rc;
	out->nparam = (size_t)n;
	if ((rc = keyed(r, "tok_s", &v)) || (rc = number(r, "tok_s", v, 1, &d, NULL)))
		return rc;
	out->tok_s = d;
	if ((rc = read_history(r, &out->hist)) || (rc = read_flow(r, out)))
		return rc;
	return read_end(r);
}

/* Read `name` in dirfd (at most max bytes) and parse it with one of the
 * readers above, which fills what arg points to. */
static int read_with(int dirfd, const char *dir, const char *name, size_t max, int (*parse)(Reader *, void *),
		     void *arg, Err *e)
{
	char *text;
	size_t len;
	int rc = file_read_in_dir(dirfd, dir, name, max, &text, &len, e);
	if (rc)
		return rc;
	Reader r = { text, 0, dir, name, e };
	rc = plain_text(&r, text, len);
	if (!rc)
		rc = parse(&r, arg);
	free(text);
	return rc;
}

typedef struct ResultArgs {
	uint64_t id;
	int run;
	Run *out;
} ResultArgs;

static int parse_result(Reader *r, void *arg)
{
	const ResultArgs *a = arg;
	return read_result(r, a->id, a->run, a->out);
}

int sweep_result_read(int dirfd, const char *dir, const char *name, uint64_t id, int run, Run *out, Err *e)
{
	memset(out, 0, sizeof *out);
	history_init(&out->hist);
	ResultArgs a = { id, run, out };
	int rc = read_with(dirfd, dir, name, SWEEP_RESULT_MAX, parse_result, &a, e);
	if (rc)
		run_done(out);
	return rc;
}

/* A file name the manifest gives: plain, ours, in the directory. */
static int run_file(Reader *r, const char *name, const char *ext, char *out)
{
	size_t n = strlen(name), m = strlen(ext);
	if (!file_plain_name(name) || name[0] == '.')
		return bad(r, "names a file outside the sweep's directory: collect reads only plain names inside it");
	if (n >= SWEEP_NAME_MAX || n <= m || strcmp(name + n - m, ext))
		return bad(r, ext[1] == 'l' ? "a run's script is a NAME.lab" : "a run's result is a NAME.result");
	memcpy(out, name, n + 1);
	return 0;
}

static int read_manifest(Reader *r, SweepManifest *m)
{
	char *v;
	long n;
	int rc;
	if ((rc = head(r, MANIFEST_HEAD, "manifest")) || (rc = keyed(r, "sweep", &v)))
		return rc;
	char *end;
	errno = 0;
	m->id = strtoull(v, &end, 16);
	if (end == v || *end || errno || strlen(v) != 16)
		return bad(r, "the sweep's id is 16 hex digits");
	if ((rc = keyed(r, "runs", &v)) || (rc = whole(r, "runs", v, 1, SWEEP_MAX_RUNS, &n)))
		return rc;
	m->nruns = (int)n;
	if ((rc = keyed(r, "steps", &v)) || (rc = whole(r, "steps", v, 1, 10000000, &m->steps)))
		return rc;
	if ((rc = keyed(r, "target", &v)))
		return rc;
	double t = NAN;
	if (strcmp(v, "none") && (rc = number(r, "target", v, 0, &t, NULL)))
		return rc;
	if (!isnan(t) && fabs(t) > 1e30)
		return bad(r, "the target is out of range");
	m->target = (float)t;
	for (int i = 0; i < m->nruns; i++) {
		if ((rc = keyed(r, "run", &v)))
			return rc;
		char *w[3];
		for (int k = 0; k < 3; k++) {
			w[k] = v;
			if (!(v = strchr(v, ' ')))
				return bad(r, "a run line is: run K SCRIPT RESULT LABEL");
			*v++ = '\0';
		}
		if ((rc = whole(r, "the run's number", w[0], 1, SWEEP_MAX_RUNS, &n)))
			return rc;
		if (n != i + 1)
			return bad(r, "the runs are numbered 1, 2, 3 ... in order");
		if ((rc = run_file(r, w[1], ".lab", m->run[i].script)) ||
		    (rc = run_file(r, w[2], ".result", m->run[i].result)))
			return rc;
		for (int j = 0; j < i; j++)
			if (!strcmp(m->run[j].result, m->run[i].result))
				return bad(r, "two runs name the same result file");
		if (!*v || strlen(v) >= SWEEP_LABEL_MAX)
			return bad(r, "a run's label is 1 to 127 characters");
		memcpy(m->run[i].label, v, strlen(v) + 1);
	}
	return read_end(r);
}

static int parse_manifest(Reader *r, void *arg)
{
	return read_manifest(r, arg);
}

int sweep_manifest_read(int dirfd, const char *dir, SweepManifest *m, Err *e)
{
	memset(m, 0, sizeof *m);
	return read_with(dirfd, dir, SWEEP_MANIFEST, SWEEP_MANIFEST_MAX, parse_manifest, m, e);
}
