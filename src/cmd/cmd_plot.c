/* cmd_plot.c — plot and gates: the views as text (or SVG). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "fileutil.h"
#include "views.h"

static int print_view(Session *s, ViewKind v, const ViewOpts *o, int rows, Err *e)
{
	int w = s->host.width > 20 ? s->host.width : 78;
	Grid *g = grid_new(w, rows, e);
	if (!g)
		return ERR_NOMEM;
	int rc = view_draw(s, v, o, g, 0, 0, w, rows, e);
	if (!rc)
		cmd_print_grid(s, g, o->ascii, 0);
	grid_free(g);
	return rc;
}

/* In the workbench a view that has a pane opens it, once it is known to
 * draw (the same checks and errors as printing it); elsewhere it prints. */
static int show_view(Session *s, ViewKind v, const ViewOpts *o, int rows, const char *pane, Err *e)
{
	if (!s->host.view)
		return print_view(s, v, o, rows, e);
	Grid *g = grid_new(s->host.width > 20 ? s->host.width : 78, rows, e);
	if (!g)
		return ERR_NOMEM;
	int rc = view_draw(s, v, o, g, 0, 0, g->w, rows, e);
	grid_free(g);
	if (rc)
		return rc;
	if (v == VIEW_GATES) {	/* the pane shows the part, layer, sequence and unit asked for */
		s->cur.part = o->part;
		s->cur.layer = o->layer;
		s->cur.sample = o->sample;
		s->gates_unit = o->unit;
		if (o->unit)
			view_unit(s, o, &s->cur.unit, e);
	}
	return s->host.view(s->host.ctx, s, pane, e);
}

static void opts_init(const Session *s, ViewOpts *o)
{
	memset(o, 0, sizeof *o);
	o->ascii = s->host.ascii;
	o->colors = session_print_colors(s);
	o->gate = -1;
}

/* gate=NAME of the model's cell (lstm i f g o, gru r z n) into *gate: the
 * cell of its stacks (a seq2seq model's encoder and decoder share one). */
static int parse_gate(const Session *s, const char *v, int *gate, Err *e)
{
	const Model *m = s->lr ? s->lr->stacks[0].m : NULL;
	const int cell = m ? (int)m->cfg.cell : -1;
	const char *names = cell == CELL_LSTM ? "ifgo" : cell == CELL_GRU ? "rzn" : "";
	const char *p = v[0] && !v[1] ? strchr(names, v[0]) : NULL;
	if (!p)
		return err_set(e, ERR_INVAL, "gate must be %s, got '%s'", !m ? "a gate of a model of cells" :
			       cell == CELL_LSTM ? "one of i, f, g, o" : cell == CELL_GRU ?
			       "one of r, z, n" : "left out for an rnn (it has one W_hh)", v);
	*gate = (int)(p - names);
	return 0;
}

/* layer=K sample=B unit=J|max gate=G samples=N part=enc|dec from
 * words[from..argc); *part_given (may be NULL: part= is refused) says
 * whether part= was there. */
static int parse_pick(const Session *s, int argc, const Word *argv, int from, ViewOpts *o, int *part_given, Err *e)
{
	for (int i = from; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		int rc = 0;
		if (!k)
			return err_set(e, ERR_INVAL, "unexpected '%s' (keys: layer=K, sample=B, unit=J|max)", argv[i].text);
		if (!strcmp(k, "layer")) {
			rc = arg_int("layer", v, 0, MODEL_MAX_LAYERS - 1, &o->layer, e);
		} else if (!strcmp(k, "sample")) {
			rc = arg_int("sample", v, 0, 1 << 20, &o->sample, e);
		} else if (!strcmp(k, "unit")) {
			if (!strcmp(v, "max"))
				o->unit = VIEW_UNIT_MAX;
			else if (!(rc = arg_int("unit", v, 0, 65535, &o->unit, e)))
				o->unit++;
		} else if (!strcmp(k, "gate")) {
			rc = parse_gate(s, v, &o->gate, e);
		} else if (!strcmp(k, "samples")) {
			rc = arg_int("samples", v, 1, 64, &o->samples, e);
		} else if (!strcmp(k, "part") && part_given) {
			if (!(rc = learner_part(s->lr, v, &o->part, e)))
				*part_given = 1;
		} else {
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: layer, sample, samples, unit, gate%s)", k,
				     part_given ? ", part" : "");
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* compare's words: what (loss, val, grad, flow) and runs=1,3,4. */
static int parse_compare(int argc, const Word *argv, ViewOpts *o, Err *e)
{
	for (int i = 0; i < argc; i++) {
		if (!argv[i].key) {
			int w;
			if (arg_enum("compare", argv[i].text, compare_names + 1, COMPARE_COUNT - 1, &w, e))
				return err_set(e, ERR_INVAL, "unknown '%s' (compare loss|val|grad|flow [log] "
					       "[runs=1,3,...])", argv[i].text);
			o->what = (CompareWhat)(w + 1);
			continue;
		}
		if (strcmp(argv[i].key, "runs"))
			return err_set(e, ERR_INVAL, "unknown key '%s' (runs=1,3,... numbers from `runs`)",
				       argv[i].key);
		const char *p = argv[i].value;
		o->runs = 0;
		for (;;) {
			char *end;
			long k = strtol(p, &end, 10);
			if (end == p || k < 1 || k > SESSION_MAX_RUNS + 1 || (*end && *end != ','))
				return err_set(e, ERR_INVAL, "runs= takes run numbers from 1 to %d separated by commas "
					       "(as `runs` lists them), got '%s'", SESSION_MAX_RUNS + 1, argv[i].value);
			o->runs |= 1u << (k - 1);
			if (!*end)
				break;
			p = end + 1;
		}
	}
	return 0;
}

/* Every step of the run so far at one learning rate. */
static int lr_constant(const Session *s)
{
	const History *h = &s->hist;
	for (size_t k = 1; k < h->n; k++)
		if (h->col[HIST_LR][k] != h->col[HIST_LR][0])
			return 0;
	return h->n > 0;
}

int cmd_plot(Session *s, int argc, const Word *argv, Err *e)
{
	int v, rc;
	if ((rc = arg_enum("plot", argv[1].text, view_names, VIEW_COUNT, &v, e)))
		return rc;
	ViewOpts o;
	opts_init(s, &o);
	const char *svg = NULL;
	int i = 2, force = 0;
	Word rest[8] = { { 0 } };
	int nrest = 0;
	for (; i < argc; i++) {
		if (nrest == 8)
			return err_set(e, ERR_INVAL, "too many words (usage: %s)", cmd_find("plot")->usage);
		if (!strcmp(argv[i].text, "--svg")) {
			if (i + 1 >= argc)
				return err_set(e, ERR_INVAL, "--svg needs a file (usage: plot NAME --svg FILE)");
			svg = argv[++i].text;
		} else if (!strcmp(argv[i].text, "force") && svg) {
			force = 1;
		} else if (!strcmp(argv[i].text, "log") && (v == VIEW_LOSS || v == VIEW_COMPARE)) {
			o.logy = 1;
		} else {
			rest[nrest++] = argv[i];
		}
	}
	int part = 0;
	if (v == VIEW_COMPARE)
		rc = parse_compare(nrest, rest, &o, e);
	else
		rc = parse_pick(s, nrest, rest, 0, &o, &part, e);
	if (rc)
		return rc;
	o.force = force;
	/* part= picks the stack of cells a view reads; jacobian and states
	 * refuse a seq2seq model themselves (they need a model of cells);
	 * without part= the timestep views read the one grads, gates and step do */
	if (part && (v == VIEW_LOSS || v == VIEW_GRAD || v == VIEW_LR || v == VIEW_FLOW || v == VIEW_COMPARE ||
		     v == VIEW_LANDSCAPE))
		return err_set(e, ERR_INVAL, "part= picks a seq2seq model's encoder or decoder for plot eigen, sat, gates "
			       "and h, not plot %s%s", view_names[v], v == VIEW_FLOW ? " (it shows both)" : "");
	if (!part && (v == VIEW_SAT || v == VIEW_GATES || v == VIEW_H))
		o.part = s->cur.part;
	if (svg) {
		o.colors = session_svg_colors(s);
		if ((rc = file_may_write(svg, FILE_SVG, force, e)) || (rc = view_svg(s, (ViewKind)v, &o, svg, e)))
			return rc;
		session_printf(s, "wrote %s", svg);
		return 0;
	}
	int rows = v == VIEW_GATES ? 12 * 5 : v == VIEW_H ? 16 : 20;
	const Cells *cells = learner_stack_cells(s->lr, o.part);
	if (v == VIEW_GATES && cells)
		rows = 12 * (cells->m->gates + (cells->m->cfg.cell == CELL_LSTM)) + (cells->m->cfg.cell == CELL_RNN ? 12 : 0);
	if (v == VIEW_LOSS && s->host.view) {	/* the train pane (F2), on the scale asked */
		if ((rc = show_view(s, VIEW_LOSS, &o, rows, "train", e)))
			return rc;
		s->loss_logy = o.logy;
		return 0;
	}
	if (v == VIEW_LR && lr_constant(s)) {	/* a flat line says less than one */
		const History *h = &s->hist;
		session_printf(s, "learning rate %g at every step (%zu of them): constant", h->col[HIST_LR][0], h->n);
		return 0;
	}
	if (v == VIEW_LANDSCAPE)
		rows = landview_rows(s);
	if (v == VIEW_GATES && s->host.view)	/* the gates pane (F4), as `gates` does */
		return show_view(s, VIEW_GATES, &o, rows, "gates", e);
	if (v != VIEW_COMPARE && s->host.view) {	/* any other picture: the plot pane (F8) */
		if ((rc = show_view(s, (ViewKind)v, &o, rows, "plot", e)))
			return rc;
		s->plot.shown = 1;
		s->plot.kind = v;
		s->plot.layer = o.layer;
		s->plot.sample = o.sample;
		s->plot.samples = o.samples;
		s->plot.gate = o.gate;
		s->plot.part = o.part;
		return 0;
	}
	if (v == VIEW_COMPARE) {	/* compare has a pane (F6), which shows what was asked */
		if ((rc = show_view(s, VIEW_COMPARE, &o, rows, "compare", e)))
			return rc;
		s->cmp.what = (int)o.what;
		s->cmp.logy = o.logy;
		s->cmp.runs = o.runs;
		return 0;
	}
	return print_view(s, (ViewKind)v, &o, rows, e);
}

int cmd_gates(Session *s, int argc, const Word *argv, Err *e)
{
	ViewOpts o;
	opts_init(s, &o);
	int part = 0;
	o.part = s->cur.part;
	int rc = parse_pick(s, argc, argv, 1, &o, &part, e);
	if (rc)
		return rc;
	const Model *m = learner_stack_cells(s->lr, o.part)->m;	/* the dispatcher checked CAP_PROBES */
	int n = m->gates + (m->cfg.cell == CELL_LSTM) + (m->cfg.cell == CELL_RNN);
	if ((rc = show_view(s, VIEW_GATES, &o, o.unit ? 20 : 12 * n, "gates", e)))
		return rc;
	s->cur.part = o.part;	/* step and grads read the same stack */
	return 0;
}
