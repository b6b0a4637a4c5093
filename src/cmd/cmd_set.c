/* cmd_set.c — set, and show (config, engine, model, data, memory). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "platform.h"

int cmd_set(Session *s, int argc, const Word *argv, Err *e)
{
	Settings set = s->set;
	TrainConfig tc = s->tcfg;
	int rc, reseed = 0;
	for (int i = 1; i < argc; i++) {
		if (!argv[i].key)
			return err_set(e, ERR_INVAL, "expected KEY=VALUE, got '%s' (help set lists the settings)", argv[i].text);
		if ((rc = setting_apply(s, &set, &tc, argv[i].key, argv[i].value, e)))
			return rc;
		reseed |= !strcmp(argv[i].key, "seed");
	}
	/* The whole configuration must hold before anything changes. */
	TrainConfig check = tc;
	if (!set.loss_explicit && s->data)
		check.loss = data_info(s->data)->loss;
	if (s->lr)	/* checks the whole configuration against the model, then applies it */
		rc = s->lr->ops->configure(s->lr, &check, e);
	else if (!(rc = optim_check(&tc.optim, e)))
		rc = sched_check(&tc.sched, e);
	if (rc)
		return rc;
	if (set.val_size != s->set.val_size)
		session_val_stale(s);
	s->set = set;
	s->tcfg = tc;
	if (reseed)
		rng_seed(&s->rng, s->set.seed);
	return 0;
}

static void show_config(Session *s)
{
	for (int i = 0; i < setting_count(); i++) {
		char v[64];
		setting_value(s, setting_at(i)->key, v, sizeof v);
		session_printf(s, "  %-13s %-10s %s", setting_at(i)->key, v, setting_at(i)->help);
	}
}

/* The machine under the numbers (platform.h). */
static void show_engine(Session *s)
{
	BlasInfo bi;
	char how[96];
	platform_blas_info(&bi);
	platform_blas_how(&bi, how, sizeof how);
	/* Two lines, so that the longest fits 80 columns. */
	session_printf(s, "  BLAS          %s %s", bi.library, bi.version);
	session_printf(s, "  core          %s (%s)", bi.core, how);
	session_printf(s, "  CPU           %s", cpu_level_names[platform_cpu_level()]);
	session_printf(s, "  floats        %s", platform_flush_describe());
}

/* The colours pictures are drawn with, and why. */
static void show_colour(Session *s)
{
	char what[300];
	session_colors_describe(s, what, sizeof what);
	session_printf(s, "  colour        %s", what);
}

int cmd_show(Session *s, int argc, const Word *argv, Err *e)
{
	const char *what = argc > 1 ? argv[1].text : "config";
	if (!strcmp(what, "config")) {
		show_config(s);
		if (argc == 1) {
			show_engine(s);
			show_colour(s);
		}
		return 0;
	}
	if (!strcmp(what, "engine")) {
		show_engine(s);
		return 0;
	}
	if (!strcmp(what, "colour")) {
		show_colour(s);
		return 0;
	}
	if (!strcmp(what, "model")) {
		Word w[2] = { { "model", NULL, NULL }, { "show", NULL, NULL } };
		return cmd_model(s, 2, w, e);
	}
	if (!strcmp(what, "data")) {
		Word w[2] = { { "data", NULL, NULL }, { "info", NULL, NULL } };
		return cmd_data(s, 2, w, e);
	}
	if (!strcmp(what, "memory")) {
		const Cells *c = learner_cells(s->lr);
		if (!c)
			return err_set(e, ERR_STATE, "no rnn, lstm or gru model (show memory describes those)");
		const Trainer *t = c->t;
		double kib = 1.0 / 1024, n = (double)c->m->nparam * 4;
		/* the state, and the copy of a step's inputs the guard puts back */
		double opt = ((t->opt.m ? 1 : 0) + (t->opt.v ? 1 : 0)) * n * 2 + n;
		double act = t->tr ? (double)t->tr->memsize * 4 : 0, ck = (double)t->ckpt_cap * 4;
		session_printf(s, "  parameters      %10.1f KiB", n * kib);
		session_printf(s, "  gradients       %10.1f KiB", n * kib);
		session_printf(s, "  optimizer state %10.1f KiB (%s)", opt * kib, optim_names[t->opt.cfg.kind]);
		if (t->tr)
			session_printf(s, "  activations     %10.1f KiB (the trace of the last step: T=%d, B=%d)", act * kib,
				       t->tr->Tcap, t->tr->Bcap);
		if (ck > 0)
			session_printf(s, "  checkpoints     %10.1f KiB (boundary states of bptt=checkpoint)", ck * kib);
		session_printf(s, "  total           %10.1f KiB", (2 * n + opt + act + ck) * kib);
		return 0;
	}
	return err_set(e, ERR_INVAL, "unknown '%s' (choices: config, model, data, memory, engine, colour)", what);
}
