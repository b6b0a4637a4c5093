/* settings.c — the table of settings (`set KEY=VALUE`): each key's help and
 * choices, how a value is parsed and applied, and the current value as
 * text; shared by set, show config, completion and session files. */
#include "settings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

static const char *const bptt_names[] = { "full", "checkpoint" };

const char *const setting_colour_names[SETTING_COLOUR_COUNT] = {
	[SETTING_COLOUR_AUTO] = "auto",
	[SETTING_COLOUR_TRUE] = "truecolor",
	[SETTING_COLOUR_256] = "256",
	[SETTING_COLOUR_8] = "8",
	[SETTING_COLOUR_NONE] = "none",
};

static const SettingDef settings[] = {
	{ "optim", "optimizer", optim_names, OPTIM_COUNT, 0 },
	{ "lr", "base learning rate (the schedule scales it)", NULL, 0, 1 },
	{ "batch", "sequences per training step", NULL, 0, 0 },
	{ "loss", "loss (default: the dataset's)", loss_names, LOSS_COUNT, 0 },
	{ "clip", "clip the gradient to this global L2 norm (0 = off)", NULL, 0, 1 },
	{ "clip_value", "clip each gradient entry to [-v, v] (0 = off)", NULL, 0, 1 },
	{ "tbptt", "truncated BPTT: K or K1,K2 (0 = full BPTT)", NULL, 0, 0 },
	{ "bptt", "full, or checkpoint: keep every k-th state, recompute the rest (exact)", bptt_names, 2, 0 },
	{ "k", "bptt=checkpoint: steps per segment (0 = about sqrt(T))", NULL, 0, 0 },
	{ "momentum", "momentum, nesterov: mu", NULL, 0, 1 },
	{ "beta1", "adam, adamw: first-moment decay", NULL, 0, 1 },
	{ "beta2", "adam, adamw: second-moment decay", NULL, 0, 1 },
	{ "alpha", "rmsprop: smoothing constant", NULL, 0, 1 },
	{ "eps", "adagrad, rmsprop, adam(w): denominator epsilon", NULL, 0, 1 },
	{ "weight_decay", "L2 penalty (adamw: decoupled decay)", NULL, 0, 1 },
	{ "schedule", "learning-rate schedule", sched_names, SCHED_COUNT, 0 },
	{ "step_size", "schedule=step: decay every N steps", NULL, 0, 0 },
	{ "gamma", "schedule=step: decay factor", NULL, 0, 1 },
	{ "t_max", "schedule=cosine: steps from lr to lr_min", NULL, 0, 0 },
	{ "lr_min", "schedule=cosine: the floor", NULL, 0, 1 },
	{ "warmup", "linear warm-up steps before the schedule (0 = none)", NULL, 0, 0 },
	{ "seed", "seed of every random choice from here on (plus --seed-shift)", NULL, 0, 0 },
	{ "log_every", "progress line every N steps (0 = only at the end)", NULL, 0, 1 },
	{ "val_every", "validation pass every N steps (0 = only at the end)", NULL, 0, 1 },
	{ "val_size", "validation examples per pass", NULL, 0, 0 },
	{ "threads", "threads splitting each training batch (1 = none)", NULL, 0, 0 },
	{ "checkpoint_every", "steps between checkpoints for rewind (0 = off)", NULL, 0, 1 },
	{ "teacher_forcing", "seq2seq: chance the decoder reads the true previous token, else its own guess", NULL, 0, 1 },
	{ "pace", "the workbench trains at most N steps a second, to watch (0 = full speed)", NULL, 0, 1 },
	{ "colour", "colours of maps and plots: auto (the terminal's), truecolor, 256, 8, none",
	  setting_colour_names, SETTING_COLOUR_COUNT, 1 },
	{ "jobs", "sweep: runs at once, each in a process of its own (auto = cores / threads)", NULL, 0, 1 },
};

int setting_count(void)
{
	return (int)(sizeof settings / sizeof settings[0]);
}

const SettingDef *setting_at(int i)
{
	return i >= 0 && i < setting_count() ? &settings[i] : NULL;
}

const SettingDef *setting_find(const char *key)
{
	for (int i = 0; i < setting_count(); i++)
		if (!strcmp(settings[i].key, key))
			return &settings[i];
	return NULL;
}

static int parse_tbptt(const char *v, int *k1, int *k2, Err *e)
{
	char *end;
	long a = strtol(v, &end, 10), b = 0;
	if (end == v || a < 0 || a > 1000000)
		goto bad;
	if (*end == ',') {
		const char *p = end + 1;
		b = strtol(p, &end, 10);
		if (end == p || b < a || b > 1000000)
			goto bad;
	}
	if (*end)
		goto bad;
	if (!strcmp(v, "off"))
		a = b = 0;
	*k1 = (int)a;
	*k2 = (int)b;
	return 0;
bad:
	if (!strcmp(v, "off")) {
		*k1 = *k2 = 0;
		return 0;
	}
	return err_set(e, ERR_INVAL, "tbptt must be K or K1,K2 with K2 >= K1 (0 or off = full BPTT), got '%s'", v);
}

int setting_apply(const Session *s, Settings *set, TrainConfig *tc, const char *key,
		  const char *v, Err *e)
{
	OptimConfig *o = &tc->optim;
	int x, rc = 0;
	long l;
	if (!strcmp(key, "optim")) {
		OptimKind k;
		if ((rc = optim_parse(v, &k, e)))
			return rc;
		if (k != o->kind) {	/* the new optimizer's defaults, keeping lr */
			float lr = o->lr;
			optim_config_default(o, k);
			o->lr = lr;
		}
	} else if (!strcmp(key, "lr")) {
		rc = arg_float(key, v, 1e-12, 1e3, &o->lr, e);
	} else if (!strcmp(key, "batch")) {
		rc = arg_int(key, v, 1, 65536, &set->batch, e);
	} else if (!strcmp(key, "loss")) {
		if (!(rc = arg_enum("loss", v, loss_names, LOSS_COUNT, &x, e))) {
			tc->loss = (LossKind)x;
			set->loss_explicit = 1;
		}
	} else if (!strcmp(key, "clip")) {
		rc = arg_float(key, v, 0, 1e30, &tc->clip_norm, e);
	} else if (!strcmp(key, "clip_value")) {
		rc = arg_float(key, v, 0, 1e30, &tc->clip_value, e);
	} else if (!strcmp(key, "tbptt")) {
		rc = parse_tbptt(v, &tc->tbptt_k1, &tc->tbptt_k2, e);
	} else if (!strcmp(key, "bptt")) {
		rc = arg_enum("bptt", v, bptt_names, 2, &x, e);
		if (!rc)
			tc->checkpoint = x;
	} else if (!strcmp(key, "k")) {
		rc = arg_int(key, v, 0, 1 << 20, &tc->checkpoint_k, e);
	} else if (!strcmp(key, "momentum")) {
		rc = arg_float(key, v, 0, 0.999999, &o->momentum, e);
	} else if (!strcmp(key, "beta1")) {
		rc = arg_float(key, v, 0, 0.999999, &o->beta1, e);
	} else if (!strcmp(key, "beta2")) {
		rc = arg_float(key, v, 0, 0.999999, &o->beta2, e);
	} else if (!strcmp(key, "alpha")) {
		rc = arg_float(key, v, 0, 0.999999, &o->alpha, e);
	} else if (!strcmp(key, "eps")) {
		rc = arg_float(key, v, 1e-30, 1, &o->eps, e);
	} else if (!strcmp(key, "weight_decay")) {
		rc = arg_float(key, v, 0, 10, &o->weight_decay, e);
	} else if (!strcmp(key, "schedule")) {
		SchedKind k;
		if (!(rc = sched_parse(v, &k, e)))
			tc->sched.kind = k;
	} else if (!strcmp(key, "step_size")) {
		rc = arg_long(key, v, 1, 1L << 40, &tc->sched.step_size, e);
	} else if (!strcmp(key, "gamma")) {
		rc = arg_float(key, v, 1e-9, 1e3, &tc->sched.gamma, e);
	} else if (!strcmp(key, "t_max")) {
		rc = arg_long(key, v, 1, 1L << 40, &tc->sched.t_max, e);
	} else if (!strcmp(key, "lr_min")) {
		rc = arg_float(key, v, 0, 1e3, &tc->sched.lr_min, e);
	} else if (!strcmp(key, "warmup")) {
		rc = arg_long(key, v, 0, 1L << 40, &tc->sched.warmup, e);
	} else if (!strcmp(key, "seed")) {
		if (!(rc = arg_long(key, v, 0, 0x7fffffffffffffffL, &l, e)))
			set->seed = (uint64_t)l + s->host.seed_shift;
	} else if (!strcmp(key, "log_every")) {
		rc = arg_int(key, v, 0, 1 << 30, &set->log_every, e);
	} else if (!strcmp(key, "val_every")) {
		rc = arg_int(key, v, 0, 1 << 30, &set->val_every, e);
	} else if (!strcmp(key, "val_size")) {
		rc = arg_int(key, v, 0, 1 << 30, &set->val_size, e);
	} else if (!strcmp(key, "threads")) {
		rc = arg_int(key, v, 1, 64, &set->threads, e);
	} else if (!strcmp(key, "checkpoint_every")) {
		rc = arg_int(key, v, 0, 1 << 30, &set->checkpoint_every, e);
	} else if (!strcmp(key, "teacher_forcing")) {
		rc = arg_float(key, v, 0, 1, &tc->teacher_forcing, e);
	} else if (!strcmp(key, "pace")) {
		rc = arg_int(key, v, 0, 1000, &set->pace, e);
	} else if (!strcmp(key, "colour")) {
		rc = arg_enum(key, v, setting_colour_names, SETTING_COLOUR_COUNT, &set->colour, e);
	} else if (!strcmp(key, "jobs")) {
		if (!strcmp(v, "auto"))
			set->jobs = 0;
		else if (arg_int(key, v, 1, SETTINGS_MAX_JOBS, &set->jobs, NULL))
			rc = err_set(e, ERR_INVAL, "jobs must be auto (one run per core) or a whole number from 1 to %d, "
				     "got '%s'", SETTINGS_MAX_JOBS, v);
	} else {
		char buf[600];
		size_t n = 0;
		for (int i = 0; i < setting_count() && n < sizeof buf; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", settings[i].key);
		return err_set(e, ERR_INVAL, "unknown setting '%s' (settings: %s)", key, buf);
	}
	(void)s;
	return rc;
}

/* A float as the shortest text that reads back as the same float (set
 * parses it so): 0.01, not 0.00999999978; 6 digits when they do. */
static void put_float(char *buf, size_t cap, float v)
{
	for (int p = 6; p <= 9; p++) {
		snprintf(buf, cap, "%.*g", p, v);
		if ((float)strtod(buf, NULL) == v)
			return;
	}
}

void setting_value(const Session *s, const char *key, char *buf, size_t cap)
{
	const TrainConfig *tc = &s->tcfg;
	const OptimConfig *o = &tc->optim;
	const Settings *set = &s->set;
	if (!strcmp(key, "optim"))
		snprintf(buf, cap, "%s", optim_names[o->kind]);
	else if (!strcmp(key, "lr"))
		put_float(buf, cap, o->lr);
	else if (!strcmp(key, "batch"))
		snprintf(buf, cap, "%d", set->batch);
	else if (!strcmp(key, "loss"))
		snprintf(buf, cap, "%s", loss_names[session_loss(s)]);
	else if (!strcmp(key, "clip"))
		put_float(buf, cap, tc->clip_norm);
	else if (!strcmp(key, "clip_value"))
		put_float(buf, cap, tc->clip_value);
	else if (!strcmp(key, "tbptt")) {
		if (tc->tbptt_k2)
			snprintf(buf, cap, "%d,%d", tc->tbptt_k1, tc->tbptt_k2);
		else
			snprintf(buf, cap, "%d", tc->tbptt_k1);
	} else if (!strcmp(key, "bptt"))
		snprintf(buf, cap, "%s", bptt_names[tc->checkpoint != 0]);
	else if (!strcmp(key, "k"))
		snprintf(buf, cap, "%d", tc->checkpoint_k);
	else if (!strcmp(key, "momentum"))
		put_float(buf, cap, o->momentum);
	else if (!strcmp(key, "beta1"))
		put_float(buf, cap, o->beta1);
	else if (!strcmp(key, "beta2"))
		put_float(buf, cap, o->beta2);
	else if (!strcmp(key, "alpha"))
		put_float(buf, cap, o->alpha);
	else if (!strcmp(key, "eps"))
		put_float(buf, cap, o->eps);
	else if (!strcmp(key, "weight_decay"))
		put_float(buf, cap, o->weight_decay);
	else if (!strcmp(key, "schedule"))
		snprintf(buf, cap, "%s", sched_names[tc->sched.kind]);
	else if (!strcmp(key, "step_size"))
		snprintf(buf, cap, "%ld", tc->sched.step_size);
	else if (!strcmp(key, "gamma"))
		put_float(buf, cap, tc->sched.gamma);
	else if (!strcmp(key, "t_max"))
		snprintf(buf, cap, "%ld", tc->sched.t_max);
	else if (!strcmp(key, "lr_min"))
		put_float(buf, cap, tc->sched.lr_min);
	else if (!strcmp(key, "warmup"))
		snprintf(buf, cap, "%ld", tc->sched.warmup);
	else if (!strcmp(key, "seed"))
		snprintf(buf, cap, "%llu", (unsigned long long)set->seed);
	else if (!strcmp(key, "log_every"))
		snprintf(buf, cap, "%d", set->log_every);
	else if (!strcmp(key, "val_every"))
		snprintf(buf, cap, "%d", set->val_every);
	else if (!strcmp(key, "val_size"))
		snprintf(buf, cap, "%d", set->val_size);
	else if (!strcmp(key, "threads"))
		snprintf(buf, cap, "%d", set->threads);
	else if (!strcmp(key, "checkpoint_every"))
		snprintf(buf, cap, "%d", set->checkpoint_every);
	else if (!strcmp(key, "teacher_forcing"))
		put_float(buf, cap, tc->teacher_forcing);
	else if (!strcmp(key, "pace"))
		snprintf(buf, cap, "%d", set->pace);
	else if (!strcmp(key, "colour"))
		snprintf(buf, cap, "%s", setting_colour_names[set->colour]);
	else if (!strcmp(key, "jobs") && set->jobs)
		snprintf(buf, cap, "%d", set->jobs);
	else if (!strcmp(key, "jobs"))
		snprintf(buf, cap, "auto");
	else
		snprintf(buf, cap, "?");
}

int setting_saved(const Session *s, const char *key, char *buf, size_t cap)
{
	if (!strcmp(key, "loss") && !s->set.loss_explicit)
		return 0;	/* the dataset's: not a choice of the user's */
	if (!strcmp(key, "colour"))
		return 0;	/* the screen's, not the session's */
	setting_value(s, key, buf, cap);
	/* not set yet: no schedule uses it, and set refuses 0 */
	return !((!strcmp(key, "step_size") || !strcmp(key, "t_max")) && !strcmp(buf, "0"));
}
