/* views.c — plots and heatmaps of a session. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heatmap.h"
#include "plot.h"
#include "svg.h"

const char *const pane_names[PANE_COUNT + 1] = { "train", "flow", "gates", "step", "compare", "attention", "plot",
						  NULL };
const char *const view_names[VIEW_COUNT] = { "loss", "grad", "lr", "flow", "sat", "gates", "h", "compare", "eigen",
					     "jacobian", "states", "landscape" };

typedef ViewLines Lines;

static int need_history(const Session *s, Err *e)
{
	if (!s->hist.n)
		return err_set(e, ERR_STATE, "nothing to plot yet: train first (e.g. train 200)");
	return 0;
}

/* The stack of cells o->part picks (CAP_PROBES: rnn, lstm, gru, seq2seq). */
static const Cells *cells_of(const Session *s, const ViewOpts *o)
{
	return learner_stack_cells(s->lr, o->part);
}

static int need_probe(const Session *s, ViewKind v, const ViewOpts *o, Err *e)
{
	int rc = learner_need(s->lr, CAP_PROBES, view_names[v], e);
	if (rc)
		return rc;
	if (!cells_of(s, o)->t->probe.T)
		return err_set(e, ERR_STATE, "no backward pass yet: train a step first (or run grads)");
	return 0;
}

/* ", encoder" for a seq2seq model's stack, "" for a model of one stack. */
static const char *part_suffix(const Session *s, const ViewOpts *o, char *buf, size_t cap)
{
	const Learner *l = s->lr;
	const int k = o->part < 0 ? 0 : o->part >= l->nstacks ? l->nstacks - 1 : o->part;
	snprintf(buf, cap, "%s%s", l->stacks[k].name ? ", " : "", l->stacks[k].name ? l->stacks[k].name : "");
	return buf;
}

const char *const compare_names[COMPARE_COUNT] = { "auto", "loss", "val", "grad", "flow" };

/* Is run i (0-based) one of those asked for (o->runs: bit i; 0: all)? */
static int run_asked(const ViewOpts *o, int i)
{
	return !o->runs || (i < 32 && (o->runs >> i) & 1);
}

/* compare: one curve per run on the current data (curves on other data do
 * not compare), labelled so that no two look alike. */
static int compare_lines(const Session *s, const ViewOpts *o, Lines *L, Err *e)
{
	const int nr = session_run_count(s);
	if (!nr)
		return err_set(e, ERR_STATE, "no runs yet: train a model (each new model starts a run)");
	for (int i = nr; i < 32; i++)
		if (o->runs >> i & 1)
			return err_set(e, ERR_INVAL, "there is no run %d (runs lists %d)", i + 1, nr);
	const char *here = s->data ? data_args(s->data) : NULL;
	CompareWhat what = o->what;
	int use[SESSION_MAX_RUNS + 1], nuse = 0, other = 0, noflow = 0, any_val = 0;
	size_t total = 0;
	for (int i = 0; i < nr; i++) {
		RunRef r;
		session_run(s, i, &r);
		if (!run_asked(o, i))
			continue;
		if (!r.current && here && strcmp(r.data, here)) {
			other++;
			continue;
		}
		if (what == COMPARE_FLOW && !r.flow) {
			noflow++;
			continue;
		}
		if (what != COMPARE_FLOW && !r.hist->n)
			continue;
		for (size_t k = 0; k < r.hist->n; k++)
			any_val |= !isnan(r.hist->col[HIST_VAL][k]);
		total += what == COMPARE_FLOW ? (size_t)r.flow_T : r.hist->n;
		use[nuse++] = i;
	}
	if (what == COMPARE_AUTO)
		what = any_val ? COMPARE_VAL : COMPARE_LOSS;
	if (!nuse)
		return err_set(e, ERR_STATE, "%s", what == COMPARE_FLOW ? "no run has a gradient flow yet: train a step of a "
					 "model of cells (rnn, lstm, gru) first" : "no run has trained on this data yet: train first");
	if (what == COMPARE_VAL && !any_val)
		return err_set(e, ERR_STATE, "no run has a validation loss yet (set val_every=N, or compare loss)");
	L->buf = malloc(2 * total * sizeof(double) + 1);
	if (!L->buf)
		return err_set(e, ERR_NOMEM, "out of memory");
	double *p = L->buf;
	long step_lo = -1, step_hi = -1;
	for (int u = 0; u < nuse; u++) {
		RunRef r;
		session_run(s, use[u], &r);
		const History *hh = r.hist;
		double *xs = p, *ys;
		int k = 0;
		if (what == COMPARE_FLOW) {
			ys = p + r.flow_T;
			for (int t = 0; t < r.flow_T; t++) {
				xs[k] = t + 1;
				ys[k++] = r.flow[t];
			}
			p += 2 * (size_t)r.flow_T;
			step_lo = step_lo < 0 || r.flow_step < step_lo ? r.flow_step : step_lo;
			step_hi = r.flow_step > step_hi ? r.flow_step : step_hi;
		} else {
			const int col = what == COMPARE_VAL ? HIST_VAL : what == COMPARE_GRAD ? HIST_GRAD : HIST_LOSS;
			ys = p + hh->n;
			for (size_t i = 0; i < hh->n; i++) {
				if (isnan(hh->col[col][i]))
					continue;
				xs[k] = hh->col[HIST_STEP][i];
				ys[k++] = hh->col[col][i];
			}
			p += 2 * hh->n;
		}
		session_run_label(s, use[u], L->names[u], sizeof L->names[u]);
		L->ser[L->nser++] = (PlotSeries){ L->names[u], xs, ys, k, GRID_DEFAULT };
	}
	char at[48] = "";
	if (what == COMPARE_FLOW)
		snprintf(at, sizeof at, step_lo == step_hi ? " at step %ld" : " at each run's last step", step_lo);
	static const char *const titles[COMPARE_COUNT] = { "", "training loss", "validation loss", "gradient norm",
							   "||dL/dh_t|| (top layer)" };
	int n = snprintf(L->title, sizeof L->title, "%s of the runs%s%s%s", titles[what], at, here ? " on " : "",
			 here ? data_name(s->data) : "");
	if ((other || noflow) && n > 0 && (size_t)n < sizeof L->title)
		snprintf(L->title + n, sizeof L->title - (size_t)n, " (%d not shown: %s)", other + noflow,
			 noflow && other ? "other data, no flow" : noflow ? "no flow" : "other data");
	L->spec.title = L->title;
	L->spec.xlabel = what == COMPARE_FLOW ? "t" : "step";
	L->spec.logy = o->logy || what == COMPARE_GRAD || what == COMPARE_FLOW;
	return 0;
}

/* The trace's layer and sequence o asks for, checked. */
static int pick_trace(const Session *s, const ViewOpts *o, const LayerTrace **lt, Err *e)
{
	const Model *m = cells_of(s, o)->m;
	const Trace *tr = cells_of(s, o)->t->tr;
	if (o->layer < 0 || o->layer >= m->cfg.layers)
		return err_set(e, ERR_INVAL, "layer must be from 0 to %d, got %d", m->cfg.layers - 1, o->layer);
	if (o->sample < 0 || o->sample >= tr->B)
		return err_set(e, ERR_INVAL, "sample must be from 0 to %d (the batch), got %d", tr->B - 1, o->sample);
	*lt = &tr->lt[o->layer];
	return 0;
}

/* Unit j's value of gate g (-1: h, -2: c) at t (0-based) in lt. */
static double unit_at(const Model *m, const Trace *tr, const LayerTrace *lt, int b, int g, int j, int t)
{
	const size_t B = (size_t)tr->B, H = (size_t)m->cfg.hidden, G = (size_t)m->gates;
	if (g == -1)
		return lt->h[((size_t)t + 1) * B * H + (size_t)b * H + (size_t)j];
	if (g == -2)
		return lt->c[((size_t)t + 1) * B * H + (size_t)b * H + (size_t)j];
	return lt->act[(size_t)t * B * G * H + (size_t)b * G * H + (size_t)g * H + (size_t)j];
}

int view_unit(const Session *s, const ViewOpts *o, int *unit, Err *e)
{
	int rc = need_probe(s, VIEW_GATES, o, e);
	const LayerTrace *lt = NULL;
	if (rc || (rc = pick_trace(s, o, &lt, e)))
		return rc;
	const Model *m = cells_of(s, o)->m;
	const Trace *tr = cells_of(s, o)->t->tr;
	const int H = m->cfg.hidden;
	if (o->unit != VIEW_UNIT_MAX) {
		if (o->unit < 1 || o->unit > H)
			return err_set(e, ERR_INVAL, "unit must be from 0 to %d or max, got %d", H - 1, o->unit - 1);
		*unit = o->unit - 1;
		return 0;
	}
	/* lstm f, gru z: the gate that keeps the memory; rnn: |h| */
	const int g = m->cfg.cell == CELL_LSTM ? 1 : m->cfg.cell == CELL_GRU ? 1 : -1;
	double best = -1;
	for (int j = 0; j < H; j++) {
		double sum = 0;
		for (int t = 0; t < tr->T; t++)
			sum += fabs(unit_at(m, tr, lt, o->sample, g, j, t));
		if (sum > best) {
			best = sum;
			*unit = j;
		}
	}
	return 0;
}

/* gates unit=K: one unit's gates (and c; rnn: h) as lines over t. */
static int unit_lines(const Session *s, const ViewOpts *o, Lines *L, Err *e)
{
	int j, rc = view_unit(s, o, &j, e);
	if (rc)
		return rc;
	const Model *m = cells_of(s, o)->m;
	const Trace *tr = cells_of(s, o)->t->tr;
	const LayerTrace *lt = &tr->lt[o->layer];
	static const char *const lstm_n[] = { "i", "f", "g", "o", "c" }, *const gru_n[] = { "r", "z", "n", "h" };
	const int cell = m->cfg.cell, T = tr->T;
	int gs[5], ng = 0;
	const char *const *names = cell == CELL_LSTM ? lstm_n : gru_n;
	if (cell == CELL_RNN) {
		gs[ng++] = -1;
	} else {
		for (int g = 0; g < m->gates; g++)
			gs[ng++] = g;
		gs[ng++] = cell == CELL_LSTM ? -2 : -1;	/* lstm c, gru h */
	}
	L->buf = malloc((size_t)(ng + 1) * T * sizeof(double));
	if (!L->buf)
		return err_set(e, ERR_NOMEM, "out of memory");
	double *x = L->buf;
	for (int t = 0; t < T; t++)
		x[t] = t + 1;
	for (int k = 0; k < ng; k++) {
		double *y = L->buf + (size_t)(k + 1) * T;
		for (int t = 0; t < T; t++)
			y[t] = unit_at(m, tr, lt, o->sample, gs[k], j, t);
		snprintf(L->names[k], sizeof L->names[k], "%s", cell == CELL_RNN ? "h" : names[k]);
		L->ser[L->nser++] = (PlotSeries){ L->names[k], x, y, T, GRID_DEFAULT };
	}
	snprintf(L->title, sizeof L->title, "%s unit %d%s, layer %d of %d, sequence %d: %s over t", cell_names[cell], j,
		 o->unit == VIEW_UNIT_MAX ? (cell == CELL_RNN ? " (largest |h|)" : cell == CELL_LSTM ? " (most open f)"
										 : " (most open z)") : "",
		 o->layer, m->cfg.layers, o->sample, cell == CELL_RNN ? "h_t" : "its gates");
	char ps[32];
	part_suffix(s, o, ps, sizeof ps);
	snprintf(L->title + strlen(L->title), sizeof L->title - strlen(L->title), "%s", ps);
	L->spec.title = L->title;
	L->spec.xlabel = "t";
	if (cell == CELL_GRU || (cell == CELL_RNN && m->cfg.act != ACT_RELU)) {	/* sigmoids and tanh */
		L->spec.ymin = -1;
		L->spec.ymax = 1;
	}
	return 0;
}

int view_lines(const Session *s, ViewKind v, const ViewOpts *o, Lines *L, Err *e)
{
	memset(L, 0, sizeof *L);
	plot_spec_init(&L->spec);
	L->spec.ascii = o->ascii;
	L->spec.colors = o->colors;
	const History *h = &s->hist;
	int rc;
	switch (v) {
	case VIEW_LOSS: {
		if ((rc = need_history(s, e)))
			return rc;
		/* validation points, compacted */
		L->buf = malloc(2 * h->n * sizeof(double) + 1);
		if (!L->buf)
			return err_set(e, ERR_NOMEM, "out of memory");
		double *vx = L->buf, *vy = L->buf + h->n;
		int nv = 0;
		for (size_t i = 0; i < h->n; i++)
			if (!isnan(h->col[HIST_VAL][i])) {
				vx[nv] = h->col[HIST_STEP][i];
				vy[nv++] = h->col[HIST_VAL][i];
			}
		/* validation first, so the training curve is drawn over it: the
		 * few validation points never recolour the training points they
		 * cross; each keeps its colour */
		if (nv)
			L->ser[L->nser++] = (PlotSeries){ "validation", vx, vy, nv, plot_series_color(1) };
		L->ser[L->nser++] = (PlotSeries){ "train", h->col[HIST_STEP], h->col[HIST_LOSS], (int)h->n,
						  plot_series_color(0) };
		snprintf(L->title, sizeof L->title, "%s loss", loss_names[session_loss(s)]);
		L->spec.title = L->title;
		L->spec.xlabel = "step";
		L->spec.logy = o->logy;
		return 0;
	}
	case VIEW_GRAD:
		if ((rc = need_history(s, e)))
			return rc;
		L->ser[0] = (PlotSeries){ "grad norm", h->col[HIST_STEP], h->col[HIST_GRAD], (int)h->n, GRID_DEFAULT };
		L->nser = 1;
		if (s->tcfg.clip_norm > 0) {
			L->ser[L->nser++] = (PlotSeries){ "after clipping", h->col[HIST_STEP], h->col[HIST_GRAD_CLIPPED],
							  (int)h->n, GRID_DEFAULT };
			L->ref = (PlotRef){ "clip", s->tcfg.clip_norm, GRID_DEFAULT };
			L->spec.refs = &L->ref;
			L->spec.nrefs = 1;
		}
		L->spec.title = "global gradient norm";
		L->spec.xlabel = "step";
		L->spec.logy = 1;
		return 0;
	case VIEW_LR:
		if ((rc = need_history(s, e)))
			return rc;
		L->ser[0] = (PlotSeries){ "lr", h->col[HIST_STEP], h->col[HIST_LR], (int)h->n, GRID_DEFAULT };
		L->nser = 1;
		L->spec.title = "learning rate";
		L->spec.xlabel = "step";
		L->spec.ymin = 0;
		return 0;
	case VIEW_FLOW:
	case VIEW_SAT: {
		if ((rc = need_probe(s, v, o, e)))
			return rc;
		if (v == VIEW_FLOW && s->lr->nstacks == 2)	/* seq2seq: both halves on one axis */
			return s2s_flow_lines(s, L, e);
		const Trainer *tn = cells_of(s, o)->t;
		const Probe *p = &tn->probe;
		L->buf = malloc((size_t)(p->L + 1) * p->T * sizeof(double));
		if (!L->buf)
			return err_set(e, ERR_NOMEM, "out of memory");
		double *x = L->buf;
		for (int t = 0; t < p->T; t++)
			x[t] = t + 1;
		for (int k = 0; k < p->L; k++) {
			double *y = L->buf + (size_t)(k + 1) * p->T;
			for (int t = 0; t < p->T; t++)
				y[t] = v == VIEW_FLOW ? p->dh_norm[(size_t)k * p->Tcap + t]
						      : p->sat[(size_t)k * p->Tcap + t];
			snprintf(L->names[k], sizeof L->names[k], "layer %d", k);
			L->ser[L->nser++] = (PlotSeries){ L->names[k], x, y, p->T, GRID_DEFAULT };
		}
		if (v == VIEW_FLOW) {
			snprintf(L->title, sizeof L->title, "||dL/dh_t|| at step %ld", tn->step);	/* one stack */
			L->spec.logy = 1;
		} else {
			char ps[32];
			snprintf(L->title, sizeof L->title, "saturated units at step %ld%s", tn->step,
				 part_suffix(s, o, ps, sizeof ps));
			L->spec.ymin = 0;
			L->spec.ymax = 1;
		}
		L->spec.title = L->title;
		L->spec.xlabel = "t";
		return 0;
	}
	case VIEW_COMPARE:
		return compare_lines(s, o, L, e);
	case VIEW_GATES:
		return unit_lines(s, o, L, e);
	case VIEW_JACOBIAN:
		return jacobian_lines(s, o, L, e);
	default:
		return err_set(e, ERR_INVAL, "not a line view");
	}
}

typedef ViewMaps Maps;

int view_maps(const Session *s, ViewKind v, const ViewOpts *o, Maps *M, Err *e)
{
	memset(M, 0, sizeof *M);
	int rc;
	if ((rc = need_probe(s, v, o, e)))
		return rc;
	const Model *m = cells_of(s, o)->m;
	const Trace *tr = cells_of(s, o)->t->tr;
	const int L = m->cfg.layers, H = m->cfg.hidden, G = m->gates, T = tr->T, B = tr->B;
	if (o->layer < 0 || o->layer >= L)
		return err_set(e, ERR_INVAL, "layer must be from 0 to %d, got %d", L - 1, o->layer);
	if (o->sample < 0 || o->sample >= B)
		return err_set(e, ERR_INVAL, "sample must be from 0 to %d (the batch), got %d", B - 1, o->sample);
	const LayerTrace *lt = &tr->lt[o->layer];
	static const char *const lstm_g[] = { "i (input gate)", "f (forget gate)", "g (candidate)", "o (output gate)" };
	static const char *const gru_g[] = { "r (reset gate)", "z (update gate)", "n (candidate)" };
	const size_t bo = (size_t)o->sample;
	if (v == VIEW_H) {
		M->n = 1;
		M->m[0] = (HeatmapMatrix){ lt->h + (size_t)B * H + bo * H, H, T, 1, (ptrdiff_t)B * H };
		snprintf(M->title[0], sizeof M->title[0], "h_t, layer %d, sample %d", o->layer, o->sample);
	} else if (m->cfg.cell == CELL_RNN) {
		M->n = 2;
		M->m[0] = (HeatmapMatrix){ lt->act + bo * H, H, T, 1, (ptrdiff_t)B * H };
		snprintf(M->title[0], sizeof M->title[0], "pre-activation, layer %d, sample %d", o->layer, o->sample);
		M->m[1] = (HeatmapMatrix){ lt->h + (size_t)B * H + bo * H, H, T, 1, (ptrdiff_t)B * H };
		snprintf(M->title[1], sizeof M->title[1], "h_t = %s(pre)", act_names[m->cfg.act]);
	} else {
		for (int g = 0; g < G; g++) {
			M->m[g] = (HeatmapMatrix){ lt->act + bo * G * H + (size_t)g * H, H, T, 1, (ptrdiff_t)B * G * H };
			snprintf(M->title[g], sizeof M->title[g], "%s", m->cfg.cell == CELL_LSTM ? lstm_g[g] : gru_g[g]);
		}
		M->n = G;
		if (m->cfg.cell == CELL_LSTM) {
			M->m[G] = (HeatmapMatrix){ lt->c + (size_t)B * H + bo * H, H, T, 1, (ptrdiff_t)B * H };
			snprintf(M->title[G], sizeof M->title[G], "c_t (cell state)");
			M->n = G + 1;
		}
	}
	char ps[32];	/* seq2seq: which half, on the first map */
	part_suffix(s, o, ps, sizeof ps);
	snprintf(M->title[0] + strlen(M->title[0]), sizeof M->title[0] - strlen(M->title[0]), "%s", ps);
	for (int i = 0; i < M->n; i++) {
		HeatmapSpec *sp = &M->spec[i];
		heatmap_spec_init(sp);
		sp->ascii = o->ascii;
		sp->colors = o->colors;
		sp->title = M->title[i];
		sp->ylabel = i == 0 ? "unit" : NULL;
		sp->xlabel = i == M->n - 1 ? "t" : NULL;
		sp->col_base = 1;	/* t counts from 1, as step, grads and flow do */
		/* sigmoid gates on [0, 1]; tanh values and pre-activations signed */
		int sig = m->cfg.cell != CELL_RNN && v == VIEW_GATES && i < G && i != 2;
		sp->scale = sig ? HEATMAP_SEQUENTIAL : HEATMAP_DIVERGING;
		if (sig) {
			sp->vmin = 0;
			sp->vmax = 1;
		}
	}
	return 0;
}

int view_draw(const Session *s, ViewKind v, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e)
{
	int rc;
	if (v == VIEW_EIGEN || v == VIEW_STATES)
		return view_eigen_draw(s, v, o, g, x, y, w, h, e);
	if (v == VIEW_LANDSCAPE)
		return landview_draw(s, o, g, x, y, w, h, e);
	if ((v == VIEW_GATES && o->unit == VIEW_UNIT_NONE) || v == VIEW_H) {
		Maps M;
		if ((rc = view_maps(s, v, o, &M, e)))
			return rc;
		/* as many columns as it takes for each map to get 12 rows */
		for (int cols = 1; cols <= 3; cols++) {
			int rows = (M.n + cols - 1) / cols;
			int mw = w / cols, mh = h / rows;
			if (mh < 12 || mw < 30)
				continue;
			for (int i = 0; i < M.n && !rc; i++) {
				int c = i % cols, r = i / cols;
				M.spec[i].xlabel = "t";
				M.spec[i].ylabel = c == 0 ? "unit" : NULL;
				rc = heatmap_draw(g, x + c * mw, y + r * mh, c == cols - 1 ? w - c * mw : mw,
						  r == rows - 1 ? h - r * mh : mh, &M.spec[i], &M.m[i], NULL, e);
			}
			return rc;
		}
		/* too little room for all: one at a time */
		int i = (o->pick % M.n + M.n) % M.n;
		char title[128];
		snprintf(title, sizeof title, "%s  (%d of %d; G: next)", M.title[i], i + 1, M.n);
		M.spec[i].title = title;
		M.spec[i].xlabel = "t";
		M.spec[i].ylabel = "unit";
		return heatmap_draw(g, x, y, w, h, &M.spec[i], &M.m[i], NULL, e);
	}
	Lines L;
	if ((rc = view_lines(s, v, o, &L, e)))
		return rc;
	PlotFrame f;
	rc = plot_draw(g, x, y, w, h, &L.spec, L.ser, L.nser, &f, e);
	if (!rc && v == VIEW_FLOW && s->lr->nstacks == 2)
		s2s_flow_boundary(s, &f, g, o->ascii);
	view_lines_done(&L);
	return rc;
}

int view_svg(const Session *s, ViewKind v, const ViewOpts *o, const char *path, Err *e)
{
	int rc;
	if (v == VIEW_LANDSCAPE)
		return landview_svg(s, o, path, e);
	if (v == VIEW_EIGEN || v == VIEW_STATES) {	/* a plane: the same points, square */
		ViewPlane p;
		if ((rc = view_plane(s, v, o, &p, e)))
			return rc;
		rc = svg_write_cplane(path, &p.spec, p.re, p.im, p.n, e);
		view_plane_done(&p);
		return rc;
	}
	if ((v == VIEW_GATES && o->unit == VIEW_UNIT_NONE) || v == VIEW_H) {
		Maps M;
		if ((rc = view_maps(s, v, o, &M, e)))
			return rc;
		/* one picture: the first map (gates: each gate is its own file
		 * would be clumsy; h has one) */
		if (M.n > 1 && v == VIEW_GATES) {
			char p[4200];
			for (int i = 0; i < M.n && !rc; i++) {
				const char *dot = strrchr(path, '.');
				int stem = dot ? (int)(dot - path) : (int)strlen(path);
				snprintf(p, sizeof p, "%.*s-%d%s", stem, path, i, dot ? dot : ".svg");
				rc = svg_write_heatmap(p, &M.spec[i], &M.m[i], e);
			}
			return rc;
		}
		return svg_write_heatmap(path, &M.spec[0], &M.m[0], e);
	}
	Lines L;
	if ((rc = view_lines(s, v, o, &L, e)))
		return rc;
	rc = svg_write_plot(path, &L.spec, L.ser, L.nser, e);
	view_lines_done(&L);
	return rc;
}

void view_lines_done(ViewLines *L)
{
	free(L->buf);
	L->buf = NULL;
}

int view_radius(const Session *s, double *rho)
{
	const Cells *c = learner_cells(s->lr);
	if (!c)
		return 0;
	probe_spectral(c->m, rho);
	return c->m->cfg.layers * c->m->gates;
}

void view_radius_draw(const Session *s, const double *rho, Grid *g, int x, int y, int w, int h, int ascii)
{
	static const char *const lstm_n[] = { "i", "f", "g", "o" }, *const gru_n[] = { "r", "z", "n" };
	const Cells *c = learner_cells(s->lr);
	if (!c || h < 1 || w < 8)
		return;
	const Model *m = c->m;
	const int L = m->cfg.layers, G = m->gates;
	grid_text_fit(g, x, y, w, w >= 27 ? "spectral radius of W_hh now" : "radius W_hh", grid_style(GRID_DEFAULT, GRID_BOLD),
		      ascii);
	/* whole numbers only: a layer's gates wrap onto the next rows, and the
	 * layers that do not fit are counted, never cut */
	int row = 1;
	for (int k = 0; k < L && row < h; k++) {
		char item[32];
		int cx = x + snprintf(item, sizeof item, "%d:", k);
		grid_text(g, x, y + row, item, grid_style(GRID_DEFAULT, GRID_DIM));
		for (int gi = 0; gi < G; gi++) {
			int n = snprintf(item, sizeof item, " %s%s%.3g", m->cfg.cell == CELL_LSTM ? lstm_n[gi]
									 : m->cfg.cell == CELL_GRU ? gru_n[gi] : "",
					 G > 1 ? " " : "", rho[k * G + gi]);
			if (cx + n > x + w) {	/* wrap under the layer's number */
				if (++row >= h)
					break;
				cx = x + 2;
			}
			grid_text(g, cx, y + row, item, grid_style(GRID_DEFAULT, 0));
			cx += n;
		}
		row++;
		if (row == h - 1 && k + 2 < L) {	/* room for one more line: say what is left */
			snprintf(item, sizeof item, "(+%d layers)", L - k - 1);
			grid_text_fit(g, x, y + row, w, item, grid_style(GRID_DEFAULT, GRID_DIM), ascii);
			break;
		}
	}
}
