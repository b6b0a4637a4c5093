/* cmd_sweep.c — sweep: the same experiment over a grid of values.
 *
 *   sweep T=25,50,100 cell=rnn,gru,lstm steps=600 [target=0.01] [emit=DIR]
 *   sweep collect DIR          sweep record ID K   (the last line of a script)
 *
 * Each KEY is put where it belongs: a parameter of the selected dataset
 * (T, len, delay, ...) reopens the data, `cell` changes the model kind, a
 * model key (hidden, layers, init, radius, ...) the model, and anything
 * else must be a setting (lr, optim, clip, ...).  For every combination a
 * fresh model is built from the current model command with the values
 * substituted, trained for `steps` steps, and becomes a run (`compare`
 * overlays them).  The table reports each run's best validation loss and
 * the first step it went below `target`, when one is given.
 *
 * With jobs=1 the runs go one after another here, through session_exec,
 * so the journal replays the sweep exactly; with more, the last runs here
 * and the others in worker processes (sweep_par.c), with the same numbers
 * (sweep.h says why).  emit=DIR writes the scripts for other machines
 * instead, and collect reads what they wrote (sweep_emit.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "proc.h"
#include "sweep.h"

static int is_model_key(const char *k)
{
	for (int i = 0; model_keys[i]; i++) {
		size_t n = strlen(model_keys[i]) - 1;	/* "hidden=" */
		if (strlen(k) == n && !strncmp(model_keys[i], k, n))
			return 1;
	}
	return 0;
}

static int is_data_key(const Session *s, const char *k)
{
	const DataSpec *d = data_spec_find(data_name(s->data));
	for (const DataParam *p = d ? d->params : NULL; p && p->key; p++)
		if (!strcmp(p->key, k))
			return 1;
	return 0;
}

/* Replace or append key=value among the words of cmd (a command line). */
static void substitute(char *cmd, size_t cap, const char *key, const char *value)
{
	char out[2048], tok[1024];
	size_t n = 0;
	int found = 0;
	const char *p = cmd;
	out[0] = '\0';
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t l = strcspn(p, " ");
		if (l >= sizeof tok)
			l = sizeof tok - 1;
		memcpy(tok, p, l);
		tok[l] = '\0';
		p += l;
		size_t kl = strlen(key);
		if (!strncmp(tok, key, kl) && tok[kl] == '=') {
			snprintf(tok, sizeof tok, "%s=%s", key, value);
			found = 1;
		}
		n += (size_t)snprintf(out + n, n < sizeof out ? sizeof out - n : 0, "%s%s", n ? " " : "", tok);
	}
	if (!found)
		n += (size_t)snprintf(out + n, n < sizeof out ? sizeof out - n : 0, " %s=%s", key, value);
	snprintf(cmd, cap, "%s", out);
}

void sweep_combo(const Sweep *w, int c, Combo *out)
{
	char dcmd[2048];
	snprintf(dcmd, sizeof dcmd, "%s", w->data0);
	snprintf(out->model, sizeof out->model, "%s", w->model0);
	out->label[0] = out->set[0] = '\0';
	int rest = c, data_changed = 0;
	size_t ll = 0, sl = 0;
	for (int i = w->nax - 1; i >= 0; i--) {
		const SweepAxis *a = &w->ax[i];
		const char *v = a->val[rest % a->nval];
		rest /= a->nval;
		ll += (size_t)snprintf(out->label + ll, ll < sizeof out->label ? sizeof out->label - ll : 0, "%s%s=%s",
				       ll ? " " : "", a->key, v);
		switch (a->where) {
		case AXIS_DATA:
			substitute(dcmd, sizeof dcmd, a->key, v);
			data_changed = 1;
			break;
		case AXIS_CELL: {	/* the kind is the model command's first word */
			const char *sp = strchr(out->model, ' ');
			char tail[2048];
			snprintf(tail, sizeof tail, "%s", sp ? sp : "");
			snprintf(out->model, sizeof out->model, "%s%s", v, tail);
			break;
		}
		case AXIS_MODEL:
			substitute(out->model, sizeof out->model, a->key, v);
			break;
		default:
			sl += (size_t)snprintf(out->set + sl, sl < sizeof out->set ? sizeof out->set - sl : 0, " %s=%s",
					       a->key, v);
			break;
		}
	}
	snprintf(out->data, sizeof out->data, "%s", data_changed ? dcmd : "");
}

/* The settings back as they were at the start of the sweep, and the
 * generator reseeded with its seed: a `set` of what changed (all of them
 * when optim did: it resets the optimizer's constants), so that the
 * journal says it, then the very values (loss's origin and all). */
static int restore(Session *s, const Sweep *w)
{
	char line[4096];
	size_t n = (size_t)snprintf(line, sizeof line, "set seed=%llu", (unsigned long long)(w->seed0 - w->shift));
	int all = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < setting_count() && n < sizeof line; i++) {
			const char *k = setting_at(i)->key;
			char v[64];
			setting_value(s, k, v, sizeof v);
			const int differs = strcmp(v, w->value[i]) != 0;
			if (pass == 0) {
				all |= differs && !strcmp(k, "optim");
				continue;
			}
			if (!strcmp(k, "seed") || !w->saved[i] || !(differs || all))
				continue;
			n += (size_t)snprintf(line + n, sizeof line - n, " %s=%s", k, w->value[i]);
		}
	int rc = n < sizeof line ? session_exec(s, line) : ERR_INVAL;
	if (!rc) {
		s->set = w->set;
		s->tcfg = w->tcfg;
	}
	return rc;
}

int sweep_run_here(Session *s, Sweep *w, int c)
{
	Combo k;
	sweep_combo(w, c, &k);
	char line[5000];
	int rc = 0;
	/* the data first (a model's in= and out= may follow it), from the seed
	 * the session's data was made from */
	if (k.data[0]) {
		snprintf(line, sizeof line, "data %s seed=%llu", k.data, (unsigned long long)(w->data_from - w->shift));
		rc = session_exec(s, line);
	}
	if (!rc)
		rc = restore(s, w);
	if (!rc && k.set[0]) {
		snprintf(line, sizeof line, "set%s", k.set);
		rc = session_exec(s, line);
	}
	if (!rc) {
		snprintf(line, sizeof line, "model %s", k.model);
		rc = session_exec(s, line);
	}
	if (!rc) {
		snprintf(s->run_name, sizeof s->run_name, "%.63s", k.label);	/* a run's name holds 63 */
		snprintf(line, sizeof line, "train %ld", w->steps);
		rc = session_exec(s, line);
	}
	SweepRow *r = &w->rows[c];
	snprintf(r->label, sizeof r->label, "%s", k.label);
	if (rc) {
		r->state = SWEEP_ROW_FAILED;
		snprintf(r->why, sizeof r->why, "the error above");
		return rc;
	}
	sweep_row_from(r, &s->hist, w->target);
	return 0;
}

void sweep_table(Session *s, const Sweep *w)
{
	const int tgt = !isnan(w->target);
	session_printf(s, "  %-36s %12s %12s%s", "run", "best val", "last loss", tgt ? "  below target at" : "");
	for (int c = 0; c < w->total; c++) {
		const SweepRow *r = &w->rows[c];
		if (r->state == SWEEP_ROW_DONE) {
			char hit[32] = "";
			if (tgt)
				snprintf(hit, sizeof hit, r->hit >= 0 ? "  step %ld" : "  never", r->hit);
			session_printf(s, "  %-36s %12.4g %12.4g%s", r->label, r->best, r->final, hit);
		} else if (r->state != SWEEP_ROW_NONE) {	/* the runs that ran, never rows of nan */
			session_printf(s, "  %-36s %12s %12s  %s: %s", r->label, "-", "-",
				       r->state == SWEEP_ROW_FAILED ? "failed" : "missing", r->why);
		}
	}
}

/* One runs after another, here. */
static int sweep_here(Session *s, Sweep *w, Err *e)
{
	int rc = 0, done = 0, stopped = 0;
	for (int c = 0; c < w->total && !rc; c++) {
		if (s->host.interrupted && s->host.interrupted(s->host.ctx)) {	/* Esc, Ctrl-C, SIGTERM */
			stopped = 1;
			break;
		}
		Combo k;
		sweep_combo(w, c, &k);
		session_printf(s, "sweep %d/%d: %s", c + 1, w->total, k.label);
		if ((rc = sweep_run_here(s, w, c)))
			break;
		done = c + 1;
		/* a run stopped part-way (Esc, Ctrl-C, a signal) ends the sweep with it */
		if (s->host.interrupted && s->host.interrupted(s->host.ctx)) {
			stopped = 1;
			break;
		}
	}
	if (stopped)
		session_printf(s, "sweep: stopped after %d of %d runs (the last one part-way)", done, w->total);
	if (rc)
		return err_set(e, rc, "stopped at the error above");
	sweep_table(s, w);
	return 0;
}

/* A value of an axis is one word of a script line. */
static int bad_value(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("\"';#\\=", *p))
			return 1;
	return 0;
}

static int parse(Session *s, int argc, const Word *argv, Sweep *w, Err *e)
{
	int rc;
	w->target = NAN;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		if (!k)
			return err_set(e, ERR_INVAL, "expected KEY=V1,V2,... got '%s' (usage: sweep KEY=V1,V2 ... steps=N)",
				       argv[i].text);
		if (!strcmp(k, "steps")) {
			if ((rc = arg_long("steps", v, 1, 10000000, &w->steps, e)))
				return rc;
			continue;
		}
		if (!strcmp(k, "target")) {
			if ((rc = arg_float("target", v, -1e30, 1e30, &w->target, e)))
				return rc;
			continue;
		}
		if (!strcmp(k, "emit")) {
			if (!*v)
				return err_set(e, ERR_INVAL, "emit needs a directory: emit=DIR (new or empty)");
			for (const unsigned char *p = (const unsigned char *)v; *p; p++)
				if (*p < ' ' || *p == 0x7f)	/* it goes into slurm.sh's lines */
					return err_set(e, ERR_INVAL, "emit: a directory name without control characters, please");
			w->emit = v;
			continue;
		}
		if (!strcmp(k, "jobs") || !strcmp(k, "seed_shift"))
			return err_set(e, ERR_INVAL, "jobs says how many runs go at once, it is not swept: set jobs=N, then sweep");
		if (w->nax == SWEEP_MAX_KEYS)
			return err_set(e, ERR_INVAL, "at most %d keys in one sweep", SWEEP_MAX_KEYS);
		SweepAxis *a = &w->ax[w->nax++];
		if (strlen(k) >= sizeof a->key)
			return err_set(e, ERR_INVAL, "'%.40s...' is too long for a key", k);
		snprintf(a->key, sizeof a->key, "%s", k);
		a->where = is_data_key(s, k) ? AXIS_DATA : !strcmp(k, "cell") ? AXIS_CELL : is_model_key(k) ? AXIS_MODEL
													: AXIS_SETTING;
		if (a->where == AXIS_SETTING && !setting_find(k))
			return err_set(e, ERR_INVAL, "'%s' is not a parameter of %s, a model key, cell, or a setting", k,
				       data_name(s->data));
		a->nval = 0;
		for (const char *p = v; *p && a->nval < SWEEP_MAX_VALS;) {
			size_t l = strcspn(p, ",");
			if (l == 0 || l >= sizeof a->val[0])
				return err_set(e, ERR_INVAL, "%s: bad value list '%s'", k, v);
			memcpy(a->val[a->nval], p, l);
			a->val[a->nval][l] = '\0';
			if (bad_value(a->val[a->nval]))
				return err_set(e, ERR_INVAL, "%s: bad value '%s' (a value is one word: no spaces, quotes, "
					       "'=', ';' or '#')", k, a->val[a->nval]);
			a->nval++;
			p += l + (p[l] == ',');
		}
		if (!a->nval)
			return err_set(e, ERR_INVAL, "%s needs values: %s=A,B,C", k, k);
	}
	if (!w->nax)
		return err_set(e, ERR_INVAL, "nothing to sweep (usage: sweep KEY=V1,V2 ... steps=N)");
	if (!w->steps)
		return err_set(e, ERR_INVAL, "how long? add steps=N");
	w->total = 1;
	for (int i = 0; i < w->nax; i++)
		w->total *= w->ax[i].nval;
	if (w->total > SWEEP_MAX_RUNS)
		return err_set(e, ERR_INVAL, "%d combinations is too many (at most %d)", w->total, SWEEP_MAX_RUNS);
	return 0;
}

/* What the sweep starts from: the session now. */
static void snapshot(Session *s, Sweep *w)
{
	snprintf(w->data0, sizeof w->data0, "%s", data_args(s->data));
	snprintf(w->model0, sizeof w->model0, "%s", s->lr->line + 6);	/* "lstm hidden=..." */
	/* a session file older than data_from: its seed is not known; the
	 * session's seed makes the data a data line makes here (runs here only) */
	w->data_from = s->data_from_known ? s->data_from : s->set.seed;
	w->seed0 = s->set.seed;
	w->shift = s->host.seed_shift;
	w->set = s->set;
	w->tcfg = s->tcfg;
	for (int i = 0; i < setting_count() && i < 64; i++) {
		setting_value(s, setting_at(i)->key, w->value[i], sizeof w->value[i]);
		char v[64];
		w->saved[i] = setting_saved(s, setting_at(i)->key, v, sizeof v);
	}
}

/* How many runs at once: jobs=, else one per core (threads= cores each),
 * and 1 where workers cannot do what a run here would (say why). */
static int jobs_for(Session *s, const Sweep *w)
{
	int jobs = s->set.jobs ? s->set.jobs : proc_cores() / (s->set.threads > 0 ? s->set.threads : 1);
	if (jobs > w->total)
		jobs = w->total;
	if (jobs <= 1 || !s->host.exe)
		return 1;
	if (s->nbrk) {
		session_printf(s, "sweep: breakpoints are set, so the runs go one after another here (break clear, and "
			       "they run %d at once)", jobs);
		return 1;
	}
	if (!s->data_from_known) {
		session_printf(s, "sweep: the data came from a session file that does not say its seed, so the runs go "
			       "one after another here (type its data line again to run them at once)");
		return 1;
	}
	return jobs;
}

int cmd_sweep(Session *s, int argc, const Word *argv, Err *e)
{
	const char *sub = argv[1].key ? "" : argv[1].text;
	if (!strcmp(sub, "collect"))
		return sweep_collect(s, argc, argv, e);
	if (!strcmp(sub, "record"))
		return sweep_record(s, argc, argv, e);
	if (!s->lr || !s->data)
		return err_set(e, ERR_STATE, "sweep varies the current experiment: select data and build a model first");
	Sweep *w = calloc(1, sizeof *w);
	if (!w)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = parse(s, argc, argv, w, e);
	if (!rc && w->emit && !s->data_from_known)
		rc = err_set(e, ERR_STATE, "the data came from a session file that does not say its seed: type its data "
			     "line again, then emit");
	if (!rc && !(w->rows = calloc((size_t)w->total, sizeof *w->rows)))
		rc = err_set(e, ERR_NOMEM, "out of memory");
	if (rc) {
		free(w);
		return rc;
	}
	snapshot(s, w);
	if (w->emit) {
		rc = sweep_emit(s, w, e);
	} else {
		/* each run trains to the end before the sweep goes on, in the TUI too */
		int async = s->host.async_train;
		s->host.async_train = 0;
		int jobs = jobs_for(s, w);
		rc = jobs > 1 ? sweep_parallel(s, w, jobs, e) : sweep_here(s, w, e);
		s->host.async_train = async;
	}
	free(w->rows);
	free(w);
	return rc;
}
