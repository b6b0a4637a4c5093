/* cmd_sweep.c — sweep: the same experiment over a grid of values.
 *
 *   sweep T=25,50,100 cell=rnn,gru,lstm steps=600 [target=0.01]
 *
 * Each KEY is put where it belongs: a parameter of the selected dataset
 * (T, len, delay, ...) reopens the data, `cell` changes the model kind, a
 * model key (hidden, layers, init, radius, ...) the model, and anything
 * else must be a setting (lr, optim, clip, ...).  For every combination a
 * fresh model is built from the current model command with the values
 * substituted, trained for `steps` steps, and becomes a run (`compare`
 * overlays them).  The table reports each run's best validation loss and
 * the first step it went below `target`, when one is given.  The commands
 * run through session_exec, so the journal replays a sweep exactly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"

#define SWEEP_MAX_KEYS 3
#define SWEEP_MAX_VALS 12

typedef struct Axis {
	char key[32];
	int nval;
	char val[SWEEP_MAX_VALS][32];
	int where;		/* 0 data, 1 model kind, 2 model key, 3 setting */
} Axis;

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

int cmd_sweep(Session *s, int argc, const Word *argv, Err *e)
{
	Axis ax[SWEEP_MAX_KEYS];
	int nax = 0, rc;
	long steps = 0;
	float target = NAN;
	if (!s->lr || !s->data)
		return err_set(e, ERR_STATE, "sweep varies the current experiment: select data and build a model first");
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		if (!k)
			return err_set(e, ERR_INVAL, "expected KEY=V1,V2,... got '%s' (usage: sweep KEY=V1,V2 ... steps=N)",
				       argv[i].text);
		if (!strcmp(k, "steps")) {
			if ((rc = arg_long("steps", v, 1, 10000000, &steps, e)))
				return rc;
			continue;
		}
		if (!strcmp(k, "target")) {
			if ((rc = arg_float("target", v, -1e30, 1e30, &target, e)))
				return rc;
			continue;
		}
		if (nax == SWEEP_MAX_KEYS)
			return err_set(e, ERR_INVAL, "at most %d keys in one sweep", SWEEP_MAX_KEYS);
		Axis *a = &ax[nax++];
		snprintf(a->key, sizeof a->key, "%s", k);
		a->where = is_data_key(s, k) ? 0 : !strcmp(k, "cell") ? 1 : is_model_key(k) ? 2 : 3;
		if (a->where == 3) {
			int known = 0;
			for (int j = 0; j < setting_count(); j++)
				known |= !strcmp(setting_at(j)->key, k);
			if (!known)
				return err_set(e, ERR_INVAL, "'%s' is not a parameter of %s, a model key, cell, or a setting", k,
					       data_name(s->data));
		}
		a->nval = 0;
		for (const char *p = v; *p && a->nval < SWEEP_MAX_VALS;) {
			size_t l = strcspn(p, ",");
			if (l == 0 || l >= sizeof a->val[0])
				return err_set(e, ERR_INVAL, "%s: bad value list '%s'", k, v);
			memcpy(a->val[a->nval], p, l);
			a->val[a->nval++][l] = '\0';
			p += l + (p[l] == ',');
		}
		if (!a->nval)
			return err_set(e, ERR_INVAL, "%s needs values: %s=A,B,C", k, k);
	}
	if (!nax)
		return err_set(e, ERR_INVAL, "nothing to sweep (usage: sweep KEY=V1,V2 ... steps=N)");
	if (!steps)
		return err_set(e, ERR_INVAL, "how long? add steps=N");
	int total = 1;
	for (int i = 0; i < nax; i++)
		total *= ax[i].nval;
	if (total > 64)
		return err_set(e, ERR_INVAL, "%d combinations is too many (at most 64)", total);

	char data0[1024], model0[1024];
	snprintf(data0, sizeof data0, "%s", data_args(s->data));
	snprintf(model0, sizeof model0, "%s", s->lr->line + 6);	/* "lstm hidden=..." */
	typedef struct Row {
		char label[128];
		double best, final;
		long hit;
	} Row;
	Row *rows = calloc((size_t)total, sizeof *rows);
	if (!rows)
		return err_set(e, ERR_NOMEM, "out of memory");
	rc = 0;
	/* each run trains to the end before the next starts, in the TUI too */
	int async = s->host.async_train;
	s->host.async_train = 0;
	int done = 0, stopped = 0;
	for (int c = 0; c < total && !rc; c++) {
		if (s->host.interrupted && s->host.interrupted(s->host.ctx)) {	/* Esc, Ctrl-C, SIGTERM */
			stopped = 1;
			break;
		}
		char dcmd[2048], mcmd[2048], set[1024] = "", label[128] = "";
		snprintf(dcmd, sizeof dcmd, "%s", data0);
		snprintf(mcmd, sizeof mcmd, "%s", model0);
		int rest = c, data_changed = 0;
		size_t ll = 0, sl = 0;
		for (int i = nax - 1; i >= 0; i--) {
			const char *v = ax[i].val[rest % ax[i].nval];
			rest /= ax[i].nval;
			ll += (size_t)snprintf(label + ll, ll < sizeof label ? sizeof label - ll : 0, "%s%s=%s",
					       ll ? " " : "", ax[i].key, v);
			switch (ax[i].where) {
			case 0:
				substitute(dcmd, sizeof dcmd, ax[i].key, v);
				data_changed = 1;
				break;
			case 1: {	/* the kind is the model command's first word */
				const char *sp = strchr(mcmd, ' ');
				char tail[2048];
				snprintf(tail, sizeof tail, "%s", sp ? sp : "");
				snprintf(mcmd, sizeof mcmd, "%s%s", v, tail);
				break;
			}
			case 2:
				substitute(mcmd, sizeof mcmd, ax[i].key, v);
				break;
			default:
				sl += (size_t)snprintf(set + sl, sl < sizeof set ? sizeof set - sl : 0, " %s=%s", ax[i].key, v);
				break;
			}
		}
		session_printf(s, "sweep %d/%d: %s", c + 1, total, label);
		char line[5000];
		/* the data first (a model's in= and out= may follow it) */
		if (data_changed) {
			snprintf(line, sizeof line, "data %s", dcmd);
			if ((rc = session_exec(s, line)))
				break;
		}
		if (sl) {
			snprintf(line, sizeof line, "set%s", set);
			if ((rc = session_exec(s, line)))
				break;
		}
		snprintf(line, sizeof line, "model %s", mcmd);
		if ((rc = session_exec(s, line)))
			break;
		snprintf(s->run_name, sizeof s->run_name, "%s", label);
		snprintf(line, sizeof line, "train %ld", steps);
		if ((rc = session_exec(s, line)))
			break;
		Row *r = &rows[c];
		snprintf(r->label, sizeof r->label, "%s", label);
		r->best = NAN;
		r->hit = -1;
		const History *h = &s->hist;
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
		done = c + 1;
		/* a run stopped part-way (Esc, Ctrl-C, a signal) ends the sweep with it */
		if (s->host.interrupted && s->host.interrupted(s->host.ctx)) {
			stopped = 1;
			break;
		}
	}
	if (stopped)
		session_printf(s, "sweep: stopped after %d of %d runs (the last one part-way)", done, total);
	if (!rc) {
		session_printf(s, "  %-36s %12s %12s%s", "run", "best val", "last loss", isnan(target) ? "" : "  below target at");
		for (int c = 0; c < done; c++) {	/* the runs that ran, never rows of nan */
			char hit[32] = "";
			if (!isnan(target))
				snprintf(hit, sizeof hit, rows[c].hit >= 0 ? "  step %ld" : "  never", rows[c].hit);
			session_printf(s, "  %-36s %12.4g %12.4g%s", rows[c].label, rows[c].best, rows[c].final, hit);
		}
	}
	free(rows);
	s->host.async_train = async;
	if (rc)
		return err_set(e, rc, "stopped at the error above");
	return 0;
}
