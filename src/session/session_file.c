/* session_file.c — a session saved to a file and read back.
 *
 * A session file is an .npz that numpy opens:
 *   rnnlab_format     int32 [1]: the format version (1)
 *   session           uint8 text, one "key=value" per line: the model and
 *                     data commands, seeds, sampler position, settings, steps
 *   rng, trainer_rng  int64 [4]: generator states (bit patterns)
 *   param.<name>      float32: every tensor of the model
 *   optim.m, optim.v  float32 [nparam]: optimizer state, when it has one
 *   history.<column>  float64 [steps]: the training history
 *   journal           uint8 text: the commands that built the session
 * It is written atomically (libzip writes a temp file and renames it).
 */
#include "session_file.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "lex.h"
#include "npz.h"
#include "settings.h"

#define SESSION_FORMAT 1
/* Steps, optimizer updates, epochs: counts no run reaches (2^50); larger
 * ones are damage, and would overflow the arithmetic on them. */
#define SESSION_MAX_COUNT (1L << 50)

int session_may_write(const char *path, int force, Err *e)
{
	return file_may_write_holding(path, FILE_SESSION, npz_file_holds, "rnnlab_format", force, e);
}

/* ---- save ---- */

typedef struct Text {
	char *buf;
	size_t len, cap;
} Text;

static void text_addf(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_addf(Text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = t->cap - t->len;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->buf && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap ? t->cap * 2 : 1024) + (size_t)n;
		char *b = realloc(t->buf, cap);
		if (!b)
			return;
		t->buf = b;
		t->cap = cap;
	}
}

static int add_text(NpzWriter *w, const char *name, const Text *t, Err *e)
{
	long n = (long)t->len;
	return npz_writer_add(w, name, NPY_U8, 1, &n, t->buf ? t->buf : "", e);
}

int session_file_write(Session *s, const char *path, Err *e)
{
	NpzWriter *w;
	int rc = npz_writer_open(&w, path, NPZ_DEFLATED, e);
	if (rc)
		return rc;
	ParamBlock pb;
	const int has_model = session_params(s, &pb);
	Text t = { 0 };
	text_addf(&t, "rnnlab session %d\n", SESSION_FORMAT);
	if (s->data) {
		text_addf(&t, "data=%s\n", data_args(s->data));
		text_addf(&t, "data_seed=%" PRIu64 "\n", s->data_seed);
		if (s->data_from_known)
			text_addf(&t, "data_from=%" PRIu64 "\n", s->data_from);
		text_addf(&t, "sampler=%" PRIu64 " %ld %ld\n", s->sampler.seed, s->sampler.epoch, s->sampler.pos);
	}
	if (has_model) {
		text_addf(&t, "model=%s\n", session_model_line(s) + 6);
		text_addf(&t, "model_seed=%" PRIu64 "\n", s->model_seed);
		text_addf(&t, "step=%ld\n", *pb.step);
		text_addf(&t, "optim_t=%ld\n", pb.opt->t);
	}
	for (int i = 0; i < setting_count(); i++) {
		const char *k = setting_at(i)->key;
		char v[128];
		if (setting_saved(s, k, v, sizeof v))
			text_addf(&t, "set.%s=%s\n", k, v);
	}
	int32_t ver = SESSION_FORMAT;
	long one = 1, four = 4;
	rc = npz_writer_add(w, "rnnlab_format", NPY_I32, 1, &one, &ver, e);
	if (!rc)
		rc = add_text(w, "session", &t, e);
	if (!rc)
		rc = npz_writer_add(w, "rng", NPY_I64, 1, &four, s->rng.s, e);
	if (!rc && has_model) {
		const ParamBlock *m = &pb;
		rc = npz_writer_add(w, "trainer_rng", NPY_I64, 1, &four, pb.rng->s, e);
		for (int i = 0; i < m->ntensors && !rc; i++) {
			const ParamInfo *p = &m->tensors[i];
			char name[64];
			long shape[2] = { p->shape[0], p->shape[1] };
			snprintf(name, sizeof name, "param.%s", p->name);
			rc = npz_writer_add(w, name, NPY_F32, p->ndim, shape, m->params + p->offset, e);
		}
		long n = (long)m->nparam;
		if (!rc && pb.opt->m)
			rc = npz_writer_add(w, "optim.m", NPY_F32, 1, &n, pb.opt->m, e);
		if (!rc && pb.opt->v)
			rc = npz_writer_add(w, "optim.v", NPY_F32, 1, &n, pb.opt->v, e);
	}
	for (int c = 0; c < HIST_COLS && !rc; c++) {
		char name[64];
		long n = (long)s->hist.n;
		snprintf(name, sizeof name, "history.%s", hist_col_names[c]);
		static const double none = 0;
		rc = npz_writer_add(w, name, NPY_F64, 1, &n, n ? s->hist.col[c] : &none, e);
	}
	Text j = { 0 };
	for (int i = 0; i < s->njournal; i++)
		text_addf(&j, "%s\n", s->journal[i]);
	if (!rc)
		rc = add_text(w, "journal", &j, e);
	free(t.buf);
	free(j.buf);
	if (rc) {
		npz_writer_abort(w);
		return rc;
	}
	return npz_writer_close(w, e);
}

/* ---- load ---- */

/* The value of "key=" in the session text, or NULL; copies into buf. */
static const char *text_get(const char *text, const char *key, char *buf, size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		if (ll > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = ll - kl - 1;
			if (vl >= cap)
				vl = cap - 1;
			memcpy(buf, p + kl + 1, vl);
			buf[vl] = '\0';
			return buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static char *array_text(const NpyArray *a)
{
	char *t = malloc(a->count + 1);
	if (t) {
		memcpy(t, a->data, a->count);
		t[a->count] = '\0';
	}
	return t;
}

/* The session's text, and its journal: more than any session holds. */
#define SESSION_MAX_TEXT ((size_t)1 << 20)
#define SESSION_MAX_JOURNAL ((size_t)64 << 20)

/* The array called name, of dtype and lo..hi values, with its data read.
 * Its header is compared first: nothing a file claims is allocated before
 * it is known to be what the session needs.  NULL when it is missing, of
 * another dtype or size (*rc 0: the caller says what it needed), or when
 * its data cannot be read (*rc and e set). */
static const NpyArray *member(Npz *z, const char *name, NpyDtype dt, size_t lo, size_t hi, int *rc, Err *e)
{
	const NpyArray *a = npz_find(z, name);
	*rc = 0;
	if (!a || a->dtype != dt || a->count < lo || a->count > hi)
		return NULL;
	return (*rc = npz_load(z, a, e)) ? NULL : a;
}

static int get_u64s(Npz *z, const char *name, uint64_t *out, const char *path, Err *e)
{
	int rc;
	const NpyArray *a = member(z, name, NPY_I64, 4, 4, &rc, e);
	if (!a)
		return rc ? rc : err_set(e, ERR_FORMAT, "%s: damaged session: '%s' missing or not int64 [4]", path, name);
	memcpy(out, a->data, 4 * sizeof *out);
	return 0;
}

int session_file_read(Session *n, const char *path, Err *e)
{
	Npz z;
	int rc = npz_open(&z, path, e);
	if (rc)
		return rc;
	char *text = NULL, *journal = NULL;
	char v[2048];
	const NpyArray *fmt = member(&z, "rnnlab_format", NPY_I32, 1, 1, &rc, e), *sa;
	if (!fmt) {
		if (!rc)
			rc = err_set(e, ERR_FORMAT, "%s is not an rnnlab session (no rnnlab_format)", path);
		goto out;
	}
	int ver = *(int32_t *)fmt->data;
	if (ver != SESSION_FORMAT) {
		rc = err_set(e, ERR_FORMAT, "%s has session format %d; this rnnlab reads format %d", path, ver, SESSION_FORMAT);
		goto out;
	}
	sa = member(&z, "session", NPY_U8, 0, SESSION_MAX_TEXT, &rc, e);
	if (!sa || sa->ndim != 1 || !(text = array_text(sa))) {
		if (!rc)
			rc = err_set(e, ERR_FORMAT, "%s: damaged session: no 'session' text", path);
		goto out;
	}
	if (strlen(text) != sa->count) {
		rc = err_set(e, ERR_FORMAT, "%s: damaged session: a NUL byte in the session text", path);
		goto out;
	}
	/* settings */
	for (int i = 0; i < setting_count(); i++) {
		char key[64];
		snprintf(key, sizeof key, "set.%s", setting_at(i)->key);
		if (text_get(text, key, v, sizeof v) &&
		    (rc = setting_apply(n, &n->set, &n->tcfg, setting_at(i)->key, v, e))) {
			err_prefix(e, path);
			goto out;
		}
	}
	if ((rc = get_u64s(&z, "rng", n->rng.s, path, e)))
		goto out;
	/* data */
	if (text_get(text, "data", v, sizeof v)) {
		char line[2100], seeds[128];
		snprintf(line, sizeof line, "data %s", v);
		Lexed lx;
		if ((rc = lex_line(line, &lx, e)) || lx.nstmt != 1) {
			if (!rc)
				lex_free(&lx);
			rc = err_set(e, ERR_FORMAT, "%s: damaged session: bad data line", path);
			goto out;
		}
		const Stmt *st = &lx.stmt[0];
		const DataSpec *spec = data_spec_find(st->argv[1].text);
		int first = spec && spec->needs_file ? 3 : 2;
		const char *keys[LEX_MAX_WORDS], *vals[LEX_MAX_WORDS];
		int nkv = 0;
		for (int i = first; i < st->argc; i++)
			if (st->argv[i].key) {
				keys[nkv] = st->argv[i].key;
				vals[nkv++] = st->argv[i].value;
			}
		unsigned long long ds = 0, ss = 0;
		long ep = 0, pos = 0;
		if (!text_get(text, "data_seed", seeds, sizeof seeds) || sscanf(seeds, "%llu", &ds) != 1 ||
		    !text_get(text, "sampler", seeds, sizeof seeds) || sscanf(seeds, "%llu %ld %ld", &ss, &ep, &pos) != 3 ||
		    ep < 0 || pos < 0 || ep > SESSION_MAX_COUNT) {
			lex_free(&lx);
			rc = err_set(e, ERR_FORMAT, "%s: damaged session: bad data seeds", path);
			goto out;
		}
		rc = data_open(&n->data, st->argv[1].text, first == 3 && st->argc > 2 ? st->argv[2].text : NULL, nkv, keys,
			       vals, ds, e);
		lex_free(&lx);
		if (rc) {
			err_prefix(e, "the session's dataset");
			goto out;
		}
		n->data_seed = ds;
		if (text_get(text, "data_from", seeds, sizeof seeds))	/* older files lack it */
			n->data_from_known = sscanf(seeds, "%" SCNu64, &n->data_from) == 1;
		if ((rc = sampler_init(&n->sampler, n->data, ss, e)))
			goto out;
		sampler_seek(&n->sampler, ep, pos);
	}
	/* model; its run's history has a row per step at most */
	size_t max_rows = SIZE_MAX;
	if (text_get(text, "model", v, sizeof v)) {
		char line[2100], num[64];
		snprintf(line, sizeof line, "%s", v);
		Lexed lx;
		if ((rc = lex_line(line, &lx, e)) || lx.nstmt != 1) {
			if (!rc)
				lex_free(&lx);
			rc = err_set(e, ERR_FORMAT, "%s: damaged session: bad model line", path);
			goto out;
		}
		TrainConfig tc = n->tcfg;
		tc.loss = session_loss(n);
		Learner *l;	/* seeds 0: the weights and generator states are read below */
		rc = learner_build(lx.stmt[0].argc, lx.stmt[0].argv, n->data ? data_info(n->data) : NULL, &tc, 0, 0, &l, e);
		lex_free(&lx);
		if (rc) {
			err_prefix(e, path);
			goto out;
		}
		session_install(n, l);
		ParamBlock pb;
		session_params(n, &pb);
		const ParamBlock *m = &pb;
		for (int i = 0; i < m->ntensors && !rc; i++) {
			const ParamInfo *p = &m->tensors[i];
			char name[64];
			snprintf(name, sizeof name, "param.%s", p->name);
			const NpyArray *a = member(&z, name, NPY_F32, p->size, p->size, &rc, e);
			if (!a && !rc)
				rc = err_set(e, ERR_FORMAT, "%s: damaged session: '%s' missing or not float32 of %zu values", path,
					     name, p->size);
			else if (a)
				memcpy(m->params + p->offset, a->data, p->size * sizeof(float));
			for (size_t k = 0; k < p->size && !rc; k++)	/* as strict as import */
				if (!isfinite(m->params[p->offset + k]))
					rc = err_set(e, ERR_FORMAT, "%s: damaged session: '%s' holds a non-finite weight", path, name);
		}
		if (rc)
			goto out;
		if ((rc = get_u64s(&z, "trainer_rng", pb.rng->s, path, e)))
			goto out;
		long step = 0, ot = 0;
		if (!text_get(text, "step", num, sizeof num) || sscanf(num, "%ld", &step) != 1 || step < 0 ||
		    step > SESSION_MAX_COUNT ||
		    !text_get(text, "optim_t", num, sizeof num) || sscanf(num, "%ld", &ot) != 1 || ot < 0 ||
		    ot > SESSION_MAX_COUNT ||
		    !text_get(text, "model_seed", num, sizeof num) || sscanf(num, "%" SCNu64, &n->model_seed) != 1) {
			rc = err_set(e, ERR_FORMAT, "%s: damaged session: bad step counts", path);
			goto out;
		}
		*pb.step = step;
		max_rows = (size_t)step + 1;
		pb.opt->t = ot;
		float *st[2] = { pb.opt->m, pb.opt->v };
		const char *sn[2] = { "optim.m", "optim.v" };
		for (int i = 0; i < 2 && !rc; i++) {
			if (!st[i])
				continue;
			const NpyArray *a = member(&z, sn[i], NPY_F32, m->nparam, m->nparam, &rc, e);
			if (!a && !rc)
				rc = err_set(e, ERR_FORMAT, "%s: damaged session: '%s' missing or the wrong size", path, sn[i]);
			else if (a)
				memcpy(st[i], a->data, m->nparam * sizeof(float));
			/* first moments finite; second moments (adam, rmsprop, adagrad) finite and >= 0 */
			for (size_t k = 0; k < m->nparam && !rc; k++)
				if (!isfinite(st[i][k]) || (i == 1 && st[i][k] < 0))
					rc = err_set(e, ERR_FORMAT, "%s: damaged session: '%s' holds %s", path, sn[i],
						     i == 1 ? "a negative or non-finite second moment" : "a non-finite value");
		}
		if (rc)
			goto out;
	}
	/* history */
	double *cols[HIST_COLS];
	size_t rows = 0;
	for (int c = 0; c < HIST_COLS; c++) {
		char name[64];
		snprintf(name, sizeof name, "history.%s", hist_col_names[c]);
		const NpyArray *a = member(&z, name, NPY_F64, c ? rows : 0, c ? rows : max_rows, &rc, e);
		if (!a || a->ndim != 1) {
			if (!rc)
				rc = err_set(e, ERR_FORMAT, "%s: damaged session: '%s' missing or the wrong length", path, name);
			goto out;
		}
		rows = a->count;
		cols[c] = a->data;
	}
	for (size_t i = 0; i < rows; i++)	/* steps are whole, from 0, increasing */
		if (!(cols[HIST_STEP][i] >= 0 && cols[HIST_STEP][i] <= 1e15 &&
		      cols[HIST_STEP][i] == floor(cols[HIST_STEP][i]) && (i == 0 || cols[HIST_STEP][i] > cols[HIST_STEP][i - 1]))) {
			rc = err_set(e, ERR_FORMAT, "%s: damaged session: history.step is not increasing whole steps (row %zu)",
				     path, i);
			goto out;
		}
	if ((rc = history_set(&n->hist, rows, cols, e)))
		goto out;
	/* journal */
	const NpyArray *ja = member(&z, "journal", NPY_U8, 0, SESSION_MAX_JOURNAL, &rc, e);
	if (rc)
		goto out;
	if (ja && (journal = array_text(ja))) {
		/* each line a command line the lexer takes whole, as a replay
		 * reads it (a line cut inside a quote, or holding a CR, wrote a
		 * journal that did not replay) */
		int line = 0;
		for (char *p = journal, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				break;
			*nl = '\0';
			line++;
			Lexed lx;
			Err le;
			if (lex_line(p, &lx, &le)) {
				rc = err_set(e, ERR_FORMAT, "%s: damaged session: journal line %d is not a command line (%s)", path,
					     line, le.msg);
				goto out;
			}
			lex_free(&lx);
			if (session_journal_push(n, p))
				break;
		}
	}
out:
	free(text);
	free(journal);
	npz_free(&z);
	return rc;
}

int session_autosave(Session *s, char *path, size_t cap, Err *e)
{
	path[0] = '\0';
	ParamBlock pb;
	if (!session_params(s, &pb) && !s->data)
		return 0;
	if (s->session_path[0]) {
		snprintf(path, cap, "%s.autosave", s->session_path);
	} else {	/* the XDG state directory, never the working directory */
		char dir[900];
		int rc = state_dir(dir, sizeof dir, e);
		if (rc)
			return rc;
		snprintf(path, cap, "%s/rnnlab-autosave-%ld.rnnlab", dir, (long)getpid());
	}
	int rc = session_may_write(path, 0, e);
	if (!rc)
		rc = session_file_write(s, path, e);
	return rc;
}
