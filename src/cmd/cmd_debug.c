/* cmd_debug.c — break, rewind, runs, compare, view, step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "heatmap.h"
#include "stepview.h"
#include "views.h"

int cmd_break(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc == 1 || !strcmp(argv[1].text, "list")) {
		if (!s->nbrk)
			session_printf(s, "no breakpoints (e.g. break grad > 1e3, break loss nan, break gate f mean < 0.1)");
		for (int i = 0; i < s->nbrk; i++)
			session_printf(s, "  %d  %-28s hit %ld time%s", i + 1, s->brk[i].text, s->brk[i].hits,
				       s->brk[i].hits == 1 ? "" : "s");
		return 0;
	}
	if (!strcmp(argv[1].text, "clear")) {
		if (argc == 2) {
			s->nbrk = 0;
			session_printf(s, "cleared every breakpoint");
			return 0;
		}
		int k, rc;
		if ((rc = arg_int("breakpoint", argv[2].text, 1, s->nbrk ? s->nbrk : 1, &k, e)))
			return rc;
		if (k > s->nbrk)
			return err_set(e, ERR_INVAL, "there are no breakpoints to clear");
		memmove(&s->brk[k - 1], &s->brk[k], (size_t)(s->nbrk - k) * sizeof *s->brk);
		s->nbrk--;
		return 0;
	}
	if (s->nbrk == DEBUG_MAX_BREAKS)
		return err_set(e, ERR_STATE, "at most %d breakpoints (break clear N removes one)", DEBUG_MAX_BREAKS);
	Breakpoint b;
	const Cells *cells = learner_cells(s->lr);
	int rc = break_parse(argc - 1, argv + 1, cells ? cells->m->cfg.cell : CELL_LSTM, &b, e);
	if (rc)
		return rc;
	s->brk[s->nbrk++] = b;
	session_printf(s, "breakpoint %d: %s", s->nbrk, b.text);
	return 0;
}

int cmd_rewind(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc > 1 && !strcmp(argv[1].text, "list")) {
		if (!s->ckpt.count)
			session_printf(s, "no checkpoints yet (train takes one when it starts, and every checkpoint_every steps)");
		for (int i = 0; i < s->ckpt.count; i++) {
			const Checkpoint *c = checkpoints_get(&s->ckpt, i);
			session_printf(s, "  %d  step %ld%s", i, c->step, i == 0 ? "  (newest)" : "");
		}
		return 0;
	}
	int i = 0, rc;
	if (argc > 1 && (rc = arg_int("checkpoint", argv[1].text, 0, DEBUG_MAX_CHECKPOINTS - 1, &i, e)))
		return rc;
	if (!s->lr)
		return err_set(e, ERR_STATE, "no model yet");
	/* rewinding to the newest checkpoint when nothing happened since
	 * means the one before */
	const Checkpoint *c = checkpoints_get(&s->ckpt, i);
	ParamBlock pb;
	int same = c && session_params(s, &pb) && c->n == pb.nparam && c->step == session_step(s) &&
		   !memcmp(c->params, pb.params, c->n * sizeof(float));
	if (argc == 1 && same && s->ckpt.count > 1)	/* (quantize and prune change weights, not steps) */
		i = 1;
	if ((rc = session_rewind(s, i, e)))
		return rc;
	session_printf(s, "rewound to step %ld (%zu history rows kept)", session_step(s), s->hist.n);
	return 0;
}

int cmd_runs(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc > 1) {
		if (strcmp(argv[1].text, "name") || argc < 3)
			return err_set(e, ERR_INVAL, "usage: runs | runs name TEXT");
		if (!s->lr)
			return err_set(e, ERR_STATE, "no model yet: the current run is the current model's");
		snprintf(s->run_name, sizeof s->run_name, "%s", argv[2].text);
		return 0;
	}
	int nr = s->nruns + (s->lr != NULL);
	if (!nr) {
		session_printf(s, "no runs yet: each model starts one");
		return 0;
	}
	session_printf(s, "  %-26s %10s %7s %10s %10s %9s", "run", "parameters", "steps", "last loss", "best val",
		       "tok/s");
	for (int r = 0; r < nr; r++) {
		const History *h = r < s->nruns ? &s->runs[r].hist : &s->hist;
		const char *name = r < s->nruns ? s->runs[r].name : s->run_name[0] ? s->run_name : s->lr->line + 6;
		size_t np = r < s->nruns ? s->runs[r].nparam : s->lr->pb.nparam;
		double toks = r < s->nruns ? s->runs[r].tok_s : history_last(h, HIST_TOKS);
		session_printf(s, "  %-26.26s %10zu %7.0f %10.4g %10.4g %9.0f%s", name, np,
			       h->n ? h->col[HIST_STEP][h->n - 1] : 0.0, h->n ? h->col[HIST_LOSS][h->n - 1] : NAN,
			       h->best_val, toks, r == s->nruns ? "  (current)" : "");
	}
	return 0;
}

int cmd_compare(Session *s, int argc, const Word *argv, Err *e)
{
	Word w[4] = { { "plot", NULL, NULL }, { "compare", NULL, NULL } };
	int n = 2;
	for (int i = 1; i < argc && n < 4; i++)
		w[n++] = argv[i];
	return cmd_plot(s, n, w, e);
}

/* `view attention` without a workbench: print the heatmap. */
static int view_attention(Session *s, Err *e)
{
	const S2sOutput *o = session_translation(s);
	int w = s->host.width > 20 ? s->host.width : 78;
	int rows = o ? 2 * o->n + 6 : 8;	/* two text rows per output token */
	if (rows < HEATMAP_MIN_H + 2)
		rows = HEATMAP_MIN_H + 2;
	if (rows > 80)
		rows = 80;
	Grid *g = grid_new(w, rows, e);
	if (!g)
		return ERR_NOMEM;
	int rc = attention_draw(s, g, 0, 0, w, rows, s->host.ascii, s->host.color ? GRID_COLORS_8 : GRID_MONO, e);
	if (!rc)
		cmd_print_grid(s, g, s->host.ascii, 0);
	grid_free(g);
	return rc;
}

int cmd_view(Session *s, int argc, const Word *argv, Err *e)
{
	int v, rc;
	if ((rc = arg_enum("view", argv[1].text, pane_names, PANE_COUNT, &v, e)))
		return rc;
	if (s->host.view)
		return s->host.view(s->host.ctx, s, pane_names[v], e);
	/* without a workbench: print what the pane shows */
	Word w[2] = { { "plot", NULL, NULL }, { NULL, NULL, NULL } };
	switch (v) {
	case PANE_TRAIN:
		w[1].text = "loss";
		return cmd_plot(s, 2, w, e);
	case PANE_FLOW:
		w[1].text = "flow";
		return cmd_plot(s, 2, w, e);
	case PANE_GATES:
		w[1].text = "gates";
		return cmd_plot(s, 2, w, e);
	case PANE_STEP: {
		Word st[1] = { { "step", NULL, NULL } };
		return cmd_step(s, 1, st, e);
	}
	case PANE_COMPARE:
		w[1].text = "compare";
		return cmd_plot(s, 2, w, e);
	default:	/* PANE_ATTENTION: the last translation's attention heatmap */
		return view_attention(s, e);
	}
}

int cmd_step(Session *s, int argc, const Word *argv, Err *e)
{
	StepCursor c = s->cur;	/* keys not given stay where they were */
	int rc, t = -1;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		if (!k)
			return err_set(e, ERR_INVAL, "expected key=value, got '%s' (keys: t, layer, sample, unit)", argv[i].text);
		if (!strcmp(k, "t"))
			rc = arg_int("t", v, 1, 1 << 30, &t, e);
		else if (!strcmp(k, "layer"))
			rc = arg_int("layer", v, 0, MODEL_MAX_LAYERS - 1, &c.layer, e);
		else if (!strcmp(k, "sample"))
			rc = arg_int("sample", v, 0, 1 << 20, &c.sample, e);
		else if (!strcmp(k, "unit"))
			rc = arg_int("unit", v, 0, MODEL_MAX_HIDDEN - 1, &c.unit, e);
		else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: t, layer, sample, unit)", k);
		if (rc)
			return rc;
	}
	if (t > 0)
		c.t = t - 1;
	StepCursor want = c;
	if (stepview_clamp(s, &c))
		return err_set(e, ERR_STATE, "nothing to step through yet: train a step first (or run grads)");
	const Model *m = learner_cells(s->lr)->m;
	const Trace *tr = learner_cells(s->lr)->t->tr;
	if (want.t != c.t && t > 0)
		return err_set(e, ERR_INVAL, "t must be from 1 to %d", tr->T);
	if (want.layer != c.layer)
		return err_set(e, ERR_INVAL, "layer must be from 0 to %d", m->cfg.layers - 1);
	if (want.sample != c.sample && want.sample >= tr->B)
		return err_set(e, ERR_INVAL, "sample must be from 0 to %d (the batch)", tr->B - 1);
	if (want.unit != c.unit && want.unit >= m->cfg.hidden)
		return err_set(e, ERR_INVAL, "unit must be from 0 to %d", m->cfg.hidden - 1);
	s->cur = c;
	if (s->host.view)	/* the workbench shows it in the step pane */
		return s->host.view(s->host.ctx, s, "step", e);
	int w = s->host.width > 40 ? s->host.width : 78, h = 26;
	Grid *g = grid_new(w, h, e);
	if (!g)
		return ERR_NOMEM;
	rc = stepview_draw(s, &c, s->host.ascii, s->host.color ? GRID_COLORS_8 : GRID_MONO, g, 0, 0, w, h, e);
	if (!rc)
		cmd_print_grid(s, g, s->host.ascii, 1);
	grid_free(g);
	return rc;
}
