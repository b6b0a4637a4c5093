/* cmd_step.c — step: one timestep of one unit, its equations with numbers. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "stepview.h"

int cmd_step(Session *s, int argc, const Word *argv, Err *e)
{
	StepCursor c = s->cur;	/* keys not given stay where they were */
	int rc;
	for (int i = 1; i < argc; i++)	/* part= first: it decides the other keys' ranges */
		if (argv[i].key && !strcmp(argv[i].key, "part") && (rc = learner_part(s->lr, argv[i].value, &c.part, e)))
			return rc;
	if (stepview_clamp(s, &c))
		return err_set(e, ERR_STATE, "nothing to step through yet: train a step first (or run grads)");
	/* the ranges are the recorded step's: its T, batch, layers and units */
	const Cells *cl = learner_stack_cells(s->lr, c.part);
	const Model *m = cl->m;
	const Trace *tr = cl->t->tr;
	int t = c.t + 1;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		if (!k)
			return err_set(e, ERR_INVAL, "expected key=value, got '%s' (keys: t, layer, sample, unit, part)",
				       argv[i].text);
		if (!strcmp(k, "part"))
			continue;
		if (!strcmp(k, "t"))
			rc = arg_int("t", v, 1, tr->T, &t, e);
		else if (!strcmp(k, "layer"))
			rc = arg_int("layer", v, 0, m->cfg.layers - 1, &c.layer, e);
		else if (!strcmp(k, "sample"))
			rc = arg_int("sample (a sequence of the batch)", v, 0, tr->B - 1, &c.sample, e);
		else if (!strcmp(k, "unit"))
			rc = arg_int("unit", v, 0, m->cfg.hidden - 1, &c.unit, e);
		else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: t, layer, sample, unit, part)", k);
		if (rc)
			return rc;
	}
	c.t = t - 1;
	s->cur = c;
	if (s->host.view)	/* the workbench shows it in the step pane */
		return s->host.view(s->host.ctx, s, "step", e);
	int w = s->host.width > 40 ? s->host.width : 78, h = 26;
	Grid *g = grid_new(w, h, e);
	if (!g)
		return ERR_NOMEM;
	rc = stepview_draw(s, &c, s->host.ascii, session_print_colors(s), g, 0, 0, w, h, e);
	if (!rc)
		cmd_print_grid(s, g, s->host.ascii, 1);
	grid_free(g);
	return rc;
}
