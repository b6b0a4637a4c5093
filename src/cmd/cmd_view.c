/* cmd_view.c — view: switch the workbench's pane, or print what it shows. */
#include <stdio.h>

#include "args.h"
#include "cmd.h"
#include "heatmap.h"
#include "views.h"

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
	int rc = attention_draw(s, g, 0, 0, w, rows, s->host.ascii, session_print_colors(s), e);
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
	case PANE_PLOT:
		if (!s->plot.shown)
			return err_set(e, ERR_STATE, "no plot yet: the plot pane shows the last plot eigen, jacobian, states or landscape");
		w[1].text = view_names[s->plot.kind];
		return cmd_plot(s, 2, w, e);
	default:	/* PANE_ATTENTION: the last translation's attention heatmap */
		return view_attention(s, e);
	}
}
