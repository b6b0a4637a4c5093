/* tui_draw.c — the workbench's windows and what they show: the status
 * bar, the tabs, the pane (a Grid blitted to curses), the log. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blit.h"
#include "cplane.h"
#include "fileutil.h"
#include "lessons.h"
#include "out.h"
#include "probe.h"
#include "stepview.h"
#include "tui_priv.h"

void destroy_windows(Tui *t)
{
	WINDOW **w[] = { &t->status, &t->tabs, &t->pane, &t->log, &t->prompt };
	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		if (*w[i]) {
			delwin(*w[i]);
			*w[i] = NULL;
		}
}

void layout(Tui *t)
{
	destroy_windows(t);
	getmaxyx(stdscr, t->rows, t->cols);
	t->too_small = t->rows < MIN_ROWS || t->cols < MIN_COLS;
	/* what the session prints into the log (plots, tables) fits its width */
	if (t->s)
		t->s->host.width = t->cols > MIN_COLS ? t->cols : MIN_COLS;
	werase(stdscr);
	wnoutrefresh(stdscr);
	blit_invalidate(&t->blit);
	if (t->too_small) {
		t->prompt = newwin(1, t->cols > 0 ? t->cols : 1, t->rows > 0 ? t->rows - 1 : 0, 0);
		rlb_set_window(t->prompt);
		t->dirty = 1;
		return;
	}
	int logh = t->rows / 4 < 5 ? 5 : t->rows / 4;
	int paneh = t->rows - 3 - logh;
	t->status = newwin(1, t->cols, 0, 0);
	t->tabs = newwin(1, t->cols, 1, 0);
	t->pane = newwin(paneh, t->cols, 2, 0);
	t->log = newwin(logh, t->cols, 2 + paneh, 0);
	t->prompt = newwin(1, t->cols, t->rows - 1, 0);
	keypad(t->prompt, TRUE);
	Err e;
	if (!t->grid)
		t->grid = grid_new(t->cols, paneh, &e);
	else
		grid_resize(t->grid, t->cols, paneh, &e);
	rlb_set_window(t->prompt);
	t->dirty = 1;
}

/* ---- drawing ---- */

static void put_fit(WINDOW *w, int y, int x, const char *s, int maxw)
{
	/* s is UTF-8: let curses count columns; cut by bytes generously */
	int room = maxw - x;
	if (room <= 0)
		return;
	mvwaddnstr(w, y, x, s, -1);
	(void)room;
}

static void draw_status(Tui *t)
{
	Session *s = t->s;
	WINDOW *w = t->status;
	/* Fields in the order shown; when the line is wider than the
	 * terminal the least important go first (higher drop number). */
	enum { NF = 10 };
	char f[NF][96];
	int drop[NF], nf = 0;
#define FIELD(pri, ...) (snprintf(f[nf], sizeof f[nf], __VA_ARGS__), drop[nf++] = (pri))
	FIELD(0, " rnnlab");
	if (t->lesson_no)
		FIELD(0, " │ lesson %d, part %d/%d", t->lesson_no, t->lesson_part, t->lesson_parts);
	if (s->job.left > 0 && t->paused)
		FIELD(0, " │ PAUSED %ld/%ld (N: one step)", s->job.total - s->job.left, s->job.total);
	else if (s->job.left > 0 && s->set.pace)
		FIELD(0, " │ %s %ld/%ld at %d/s", s->kd ? "DISTILLING" : "TRAINING", s->job.total - s->job.left,
		      s->job.total, s->set.pace);
	else if (s->job.left > 0)
		FIELD(0, " │ %s %ld/%ld", s->kd ? "DISTILLING" : "TRAINING", s->job.total - s->job.left, s->job.total);
	if (t->inside[0])
		FIELD(0, " │ %.80s", t->inside);
	else if (t->waiting_key)
		FIELD(0, " │ Space goes on");
	FIELD(1, " │ %s", s->lr ? s->lr->brief : "no model");
	FIELD(4, " │ %s", s->data ? data_name(s->data) : "no data");
	if (s->lr)
		FIELD(3, " │ step %ld", session_step(s));
	double loss = history_last(&s->hist, HIST_LOSS), val = history_last(&s->hist, HIST_VAL);
	if (!isnan(loss) && !isnan(val))
		FIELD(2, " │ loss %.4g val %.4g", loss, val);
	else if (!isnan(loss))
		FIELD(2, " │ loss %.4g", loss);
	if (s->lr)
		FIELD(7, " │ lr %.2g", (double)sched_lr(&s->tcfg.sched, s->tcfg.optim.lr, session_step(s)));
	double g = history_last(&s->hist, HIST_GRAD);
	if (!isnan(g))
		FIELD(5, " │ |g| %.3g", g);
	double tk = history_last(&s->hist, HIST_TOKS);
	if (!isnan(tk))
		FIELD(6, tk >= 1e4 ? " │ %.0fk tok/s" : " │ %.0f tok/s", tk >= 1e4 ? tk / 1e3 : tk);
#undef FIELD
	int width = 0, w_of[NF];
	for (int i = 0; i < nf; i++) {
		w_of[i] = (int)strlen(f[i]) - 2 * (strstr(f[i], "│") != NULL);	/* │ is 3 bytes, 1 column */
		width += w_of[i];
	}
	for (int pri = 7; pri > 0 && width > t->cols; pri--)
		for (int i = 0; i < nf; i++)
			if (drop[i] == pri && w_of[i]) {
				width -= w_of[i];
				w_of[i] = 0;
			}
	char buf[NF * 96];
	size_t n = 0;
	for (int i = 0; i < nf; i++)
		if (w_of[i])
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", f[i]);
	werase(w);
	wbkgd(w, A_REVERSE);
	wattron(w, A_REVERSE);
	/* replace the box-drawing bar in ascii mode */
	if (t->ascii)
		for (char *p = buf; (p = strstr(p, "│"));)
			memmove(p + 1, p + 3, strlen(p + 3) + 1), *p = '|';
	put_fit(w, 0, 0, buf, t->cols);
	wattroff(w, A_REVERSE);
	wnoutrefresh(w);
}

void draw_status_now(Tui *t)
{
	draw_status(t);
	rlb_redisplay();	/* the cursor stays at the prompt */
	doupdate();
}

static void draw_tabs(Tui *t)
{
	WINDOW *w = t->tabs;
	werase(w);
	int x = 1;
	for (int i = 0; i < PANE_COUNT; i++) {
		char b[32];
		snprintf(b, sizeof b, " F%d %s ", i + 2, pane_names[i]);
		if (i == (int)t->pane_kind && !t->welcome)
			wattron(w, A_REVERSE | A_BOLD);
		mvwaddstr(w, 0, x, b);
		wattroff(w, A_REVERSE | A_BOLD);
		x += (int)strlen(b) + 1;
	}
	const char *h = " F1 help ";
	if (x + (int)strlen(h) < t->cols)
		mvwaddstr(w, 0, t->cols - (int)strlen(h) - 1, h);
	wnoutrefresh(w);
}

static void grid_message(Grid *g, int w, int h, const char *msg, const char *hint)
{
	grid_clear(g);
	int y = h / 2 - 1;
	int x = (w - grid_text_width(msg)) / 2;
	grid_text(g, x > 0 ? x : 0, y, msg, grid_style(GRID_DEFAULT, GRID_BOLD));
	if (hint) {
		x = (w - grid_text_width(hint)) / 2;
		grid_text(g, x > 0 ? x : 0, y + 2, hint, grid_style(GRID_DEFAULT, GRID_DIM));
	}
}

/* The lessons found beside us, for the first screen. */
static void draw_welcome(Tui *t, int w, int h)
{
	Grid *g = t->grid;
	grid_clear(g);
	Style bold = grid_style(GRID_DEFAULT, GRID_BOLD), dim = grid_style(GRID_DEFAULT, GRID_DIM);
	Style acc = grid_style(t->colors == GRID_MONO ? GRID_DEFAULT : GRID_CYAN, GRID_BOLD);
	int y = 1;
	grid_text(g, 2, y++, "rnnlab — watch gradients vanish and explode", bold);
	y++;
	static LessonInfo ls[LESSONS_MAX];
	int n = lessons_list(ls, LESSONS_MAX);
	if (n) {
		grid_text(g, 2, y++, "Lessons: lesson N starts one (run N too); lesson lists them", grid_style(GRID_DEFAULT, 0));
		/* the rows left above "build a model yourself" (5 rows and a gap);
		 * two columns when one does not hold them and the pane is wide;
		 * what does not fit is counted in the last cell */
		int rows = h - y - 6, cols = n > rows && w >= 110 ? 2 : 1;
		if (rows < 2)
			rows = 2;
		const int cells = rows * cols, show = n <= cells ? n : cells - 1;
		const int per = (n <= cells ? n + cols - 1 : cells) / cols, cw = (w - 4) / cols;
		for (int i = 0; i < show; i++) {
			char line[200];
			snprintf(line, sizeof line, "%3d  %2d min  %s", ls[i].number, ls[i].parts * LESSON_MINUTES_PER_PART,
				 ls[i].title);
			grid_text_fit(g, 2 + i / per * cw, y + i % per, cw - 1, line, acc, t->ascii);
		}
		if (show < n) {
			char more[80];
			snprintf(more, sizeof more, "     (%d more: type lesson)", n - show);
			grid_text_fit(g, 2 + show / per * cw, y + show % per, cw - 1, more, dim, t->ascii);
		}
		y += per + 1;
	}
	grid_text(g, 2, y++, "Or build a model yourself:", grid_style(GRID_DEFAULT, 0));
	grid_text(g, 4, y++, "data adding T=50", acc);
	grid_text(g, 4, y++, "model lstm hidden=32", acc);
	grid_text(g, 4, y++, "train 300        then F3 for the gradient flow, F5 to step through time", acc);
	y++;
	grid_text(g, 2, y, "help lists the commands · F1 the keys · quit leaves", dim);
	(void)w;
}

/* at most 72 columns and 13 rows: all of it fits the pane at 80x24, and
 * the manual page's KEYS (indented 8) an 80-column terminal */
const char *const tui_keys[] = {
	"F1 or ? (empty line)  this help; any key closes it",
	"F2..F8, view NAME     panes: train flow gates step compare attention plot",
	"P, N (empty line)     pause / resume training; N: one step while paused",
	"Esc, Ctrl-C           stop training after this step (the model is kept)",
	"Space, Enter          go on at a lesson's pause (other keys still work)",
	"step pane             Left/Right Home/End: t   Up/Down: unit",
	"step, gates panes     [ ]: layer   < >: sequence",
	"gates pane            G: next gate   U: one unit's lines (Up/Down: which)",
	"gates, step panes     E: a seq2seq model's encoder <-> decoder",
	"train, compare panes  L: log scale   C (compare): loss, val, grad, flow",
	"Tab; Up/Down, Ctrl-R  complete; history, search   PgUp/PgDn: the log",
	"break, rewind         stop when a condition holds; go back (help break)",
	"quit                  leave",
	NULL,
};

static void draw_help(Tui *t, int w, int h)
{
	Grid *g = t->grid;
	grid_clear(g);
	int nkeys = 0;
	while (tui_keys[nkeys])
		nkeys++;
	const int top = h >= nkeys + 3;	/* room for a blank row */
	grid_text(g, 2, top, "keys", grid_style(GRID_DEFAULT, GRID_BOLD));
	for (int i = 0; i < nkeys && i + 1 + 2 * top < h; i++)
		grid_text_fit(g, 2, 1 + 2 * top + i, w - 4, tui_keys[i], grid_style(GRID_DEFAULT, 0), t->ascii);
}

/* The flow pane's spectral radii, of the weights now: recomputed whenever
 * they change (a step, a new model, import, rewind, quantize, prune), at
 * most every 2 s while training runs. */
static void draw_rho(Tui *t, int x, int y, int w, int h)
{
	Session *s = t->s;
	double tnow = tui_now();
	if (t->rho_gen != s->weights_gen && (tnow - t->rho_time > 2.0 || s->job.left == 0)) {
		view_radius(s, t->rho);
		t->rho_gen = s->weights_gen;
		t->rho_time = tnow;
	}
	view_radius_draw(s, t->rho, t->grid, x, y, w, h, t->ascii);
}

/* What the saturation plot counts, in two lines. */
static void sat_note(Tui *t, Grid *g, int x, int y, int w)
{
	Style dim = grid_style(GRID_DEFAULT, GRID_DIM);
	grid_text_fit(g, x, y, w, t->ascii ? "saturated: sig<.05, >.95," : "saturated: σ<.05, σ>.95,", dim, t->ascii);
	grid_text_fit(g, x, y + 1, w, "|tanh|>.95, relu at 0", dim, t->ascii);
}

/* The eigenvalues of the stepper's layer's W_hh (its candidate's block)
 * against the unit circle, recomputed when the weights changed (at most
 * every 2 s while training: LAPACK on a large W_hh is not free). */
static void draw_eigen(Tui *t, Grid *g, int x, int y, int w, int h)
{
	Session *s = t->s;
	double tnow = tui_now();
	if (!t->eig.re || t->eig.layer != s->cur.layer ||
	    (t->eig_gen != s->weights_gen && (tnow - t->eig_time > 2.0 || s->job.left == 0))) {
		ViewOpts o = { .layer = s->cur.layer, .gate = -1 };
		ViewEigen v;
		Err e;
		if (view_eigen(s, &o, &v, &e))
			return;
		view_eigen_done(&t->eig);
		t->eig = v;
		t->eig_gen = s->weights_gen;
		t->eig_time = tnow;
	}
	CplaneSpec cs = { .title = t->eig.title, .note = t->eig.note, .ascii = t->ascii, .colors = t->colors, .circle = 1 };
	Err e;
	cplane_draw(g, x, y, w, h, &cs, t->eig.re, t->eig.im, t->eig.n, NULL, &e);
}

/* The train pane: the loss and the gradient norm (the exploding picture)
 * with as many rows each, side by side when the pane is low; the learning
 * rate beside them when it changes, else one line under them. */
static int draw_train(Tui *t, Grid *g, int w, int h, Err *e)
{
	const Session *s = t->s;
	ViewOpts o = { .ascii = t->ascii, .colors = t->colors, .logy = s->loss_logy };
	const History *hi = &s->hist;
	int constant = 1;
	for (size_t i = 1; i < hi->n && constant; i++)
		constant = hi->col[HIST_LR][i] == hi->col[HIST_LR][0];
	int pw = constant ? w : w * 7 / 10, ph = constant && hi->n ? h - 1 : h;
	int rc;
	if (ph >= 16) {
		int top = ph / 2;
		if ((rc = view_draw(s, VIEW_LOSS, &o, g, 0, 0, pw, top, e)))
			return rc;
		view_draw(s, VIEW_GRAD, &o, g, 0, top, pw, ph - top, e);
	} else {
		if ((rc = view_draw(s, VIEW_LOSS, &o, g, 0, 0, pw / 2, ph, e)))
			return rc;
		view_draw(s, VIEW_GRAD, &o, g, pw / 2 + 1, 0, pw - pw / 2 - 1, ph, e);
	}
	if (!constant) {
		view_draw(s, VIEW_LR, &o, g, pw + 1, 0, w - pw - 1, h, e);
	} else if (hi->n) {
		char line[96];
		snprintf(line, sizeof line, "learning rate %g, constant%s", hi->col[HIST_LR][0],
			 s->loss_logy ? "   (loss on a log scale; L: linear)" : "   (L: loss on a log scale)");
		grid_text_fit(g, 1, h - 1, w - 2, line, grid_style(GRID_DEFAULT, GRID_DIM), t->ascii);
	}
	return 0;
}

/* The gates pane: a line naming the layer, sequence (and unit) shown and
 * the keys that move them, then the heatmaps or one unit's lines. */
static int draw_gates(Tui *t, Grid *g, int w, int h, Err *e)
{
	Session *s = t->s;
	const Cells *c = learner_stack_cells(s->lr, s->cur.part);
	ViewOpts o = { .ascii = t->ascii, .colors = t->colors, .layer = s->cur.layer, .sample = s->cur.sample,
		       .pick = t->gate_pick, .part = s->cur.part };
	if (s->gates_unit)
		o.unit = s->gates_unit == VIEW_UNIT_MAX ? VIEW_UNIT_MAX : s->cur.unit + 1;
	int rc = view_draw(s, VIEW_GATES, &o, g, 0, 1, w, h - 1, e);
	if (rc || !c)
		return rc;
	char head[240], part[48] = "";
	if (s->lr->nstacks > 1)
		snprintf(part, sizeof part, "%s (E: %s)   ", s->lr->stacks[s->cur.part].name,
			 s->lr->stacks[(s->cur.part + 1) % s->lr->nstacks].name);
	snprintf(head, sizeof head, "%slayer %d/%d [ ]   sequence %d/%d < >   %s", part, s->cur.layer, c->m->cfg.layers,
		 s->cur.sample, c->t->tr ? c->t->tr->B : 0, o.unit ? "unit Up/Down   U: heatmaps"
								   : "G: next gate   U: one unit's lines");
	grid_text_fit(g, 1, 0, w - 2, head, grid_style(GRID_DEFAULT, GRID_DIM), t->ascii);
	return 0;
}

/* A lesson's narration since its last pause, at the foot of the pane under
 * a rule, wrapped at words, the newest lines kept when it does not fit in
 * half the pane: the rows it takes, and the drawing. */
static int narration_rows(const Tui *t, int w, int h)
{
	int rows = 0, cap = h / 2;
	for (int i = 0; i < t->nnarr; i++)
		for (const char *p = t->narr[i]; *p; rows++)
			p += grid_text_wrap(p, w - 2);
	if (rows > cap - 1)
		rows = cap - 1;
	return rows < 1 ? 0 : rows + 1;
}

static void draw_narration(Tui *t, Grid *g, int w, int h)
{
	const int rows = narration_rows(t, w, h) - 1;
	if (rows < 1)
		return;
	const int top = h - rows;
	for (int x = 0; x < w; x++)
		grid_put(g, x, top - 1, t->ascii ? '-' : 0x2504, grid_style(GRID_DEFAULT, GRID_DIM));
	/* bottom up: the newest line last */
	int y = h - 1;
	for (int i = t->nnarr - 1; i >= 0 && y >= top; i--) {
		int n = 0;
		for (const char *p = t->narr[i]; *p; n++)
			p += grid_text_wrap(p, w - 2);
		const char *p = t->narr[i];
		for (int k = 0; k < n; k++) {
			size_t len = grid_text_wrap(p, w - 2);
			int row = y - (n - 1 - k);
			if (row >= top) {
				char buf[1100];
				snprintf(buf, sizeof buf, "%.*s", (int)len, p);
				grid_text(g, 1, row, buf, grid_style(GRID_DEFAULT, GRID_BOLD));
			}
			p += len;
		}
		y -= n;
	}
}

static void draw_pane(Tui *t)
{
	Session *s = t->s;
	int w, h;
	getmaxyx(t->pane, h, w);
	Grid *g = t->grid;
	if (!g)
		return;
	grid_clear(g);
	ViewOpts o = { .ascii = t->ascii, .colors = t->colors };
	Err e;
	int rc = 0;
	const int full_h = h, narrate = !t->help && !t->welcome && t->nnarr;
	if (narrate)	/* the rows the narration will take, drawn last */
		h -= narration_rows(t, w, h);
	if (t->help) {
		draw_help(t, w, h);
	} else if (t->welcome) {
		draw_welcome(t, w, h);
	} else {
		switch (t->pane_kind) {
		case PANE_TRAIN:
			rc = draw_train(t, g, w, h, &e);
			break;
		case PANE_FLOW: {
			int lw = w * 13 / 20;
			o.part = s->cur.part;
			rc = view_draw(s, VIEW_FLOW, &o, g, 0, 0, lw, h, &e);
			if (!rc && !learner_cells(s->lr)) {	/* seq2seq: the saturation of the half the panes show */
				view_draw(s, VIEW_SAT, &o, g, lw + 1, 0, w - lw - 1, h - 3, &e);
				sat_note(t, g, lw + 2, h - 3, w - lw - 2);
			} else if (!rc && h >= 26 && w - lw - 1 >= 34 &&	/* room, and a W_hh small enough to redo live */
			    learner_cells(s->lr)->m->cfg.hidden <= VIEW_PLANE_LIVE_H) {
				/* saturation, its note, the plane, the radii of every block */
				const Model *m = learner_cells(s->lr)->m;	/* a row a layer, two when its gates wrap */
				const int rh = 2 + m->cfg.layers * (m->gates > 2 ? 2 : 1), sh = (h - rh) / 2 - 2;
				view_draw(s, VIEW_SAT, &o, g, lw + 1, 0, w - lw - 1, sh, &e);
				sat_note(t, g, lw + 2, sh, w - lw - 2);
				draw_eigen(t, g, lw + 1, sh + 2, w - lw - 1, h - rh - sh - 2);
				draw_rho(t, lw + 2, h - rh, w - lw - 2, rh);
			} else if (!rc) {
				/* saturation, what it counts (two lines), the radius under them */
				int sh = h - 4 - learner_cells(s->lr)->m->cfg.layers;
				if (sh >= 6) {
					view_draw(s, VIEW_SAT, &o, g, lw + 1, 0, w - lw - 1, sh, &e);
					sat_note(t, g, lw + 2, sh, w - lw - 2);
					sh += 2;
				}
				draw_rho(t, lw + 2, sh >= 6 ? sh : 0, w - lw - 2, h - (sh >= 6 ? sh : 0));
			}
			break;
		}
		case PANE_GATES:
			rc = draw_gates(t, g, w, h, &e);
			break;
		case PANE_STEP:
			rc = stepview_draw(s, &s->cur, t->ascii, t->colors, g, 1, 0, w - 1, h, &e);
			break;
		case PANE_COMPARE:
			o.what = (CompareWhat)s->cmp.what;
			o.logy = s->cmp.logy;
			o.runs = s->cmp.runs;
			rc = view_draw(s, VIEW_COMPARE, &o, g, 0, 0, w, h, &e);
			break;
		case PANE_PLOT:
			if (!s->plot.shown) {
				rc = err_set(&e, ERR_STATE, "no plot yet: plot NAME shows here (plot loss: F2, compare: F6, gates: F4)");
				break;
			}
			o.layer = s->plot.layer;
			o.sample = s->plot.sample;
			o.samples = s->plot.samples;
			o.gate = s->plot.gate;
			o.part = s->plot.part;
			rc = view_draw(s, (ViewKind)s->plot.kind, &o, g, 0, 0, w, h, &e);
			break;
		case PANE_ATTENTION:
			rc = attention_draw(s, g, 0, 0, w, h, t->ascii, t->colors, &e);
			break;
		default:
			break;
		}
		if (rc)
			grid_message(g, w, h, e.msg, "F1 lists the keys; help lists the commands");
	}
	if (narrate)
		draw_narration(t, g, w, full_h);
	blit_grid(&t->blit, t->pane, g, 0, 0, w, full_h, 0, 0);
	wnoutrefresh(t->pane);
}

static void draw_log(Tui *t)
{
	WINDOW *w = t->log;
	int h, wd;
	getmaxyx(w, h, wd);
	werase(w);
	wattron(w, A_DIM);
	if (t->ascii)
		mvwhline(w, 0, 0, '-', wd);
	else
		mvwhline_set(w, 0, 0, WACS_HLINE, wd);
	wattroff(w, A_DIM);
	/* the last h-1 visible lines, wrapped at wd cells (not bytes: the
	 * plots and heatmaps in the log are box-drawing and braille), and
	 * between words where a line has spaces */
	int idx = t->nlines - 1 - t->scroll;
	int y = h - 1;
	while (idx >= 0 && y >= 1 && wd > 0) {
		const LogLine *l = &t->lines[(t->first + idx) % LOG_MAX];
		int rows = 0;	/* wrapped at word breaks where there are any */
		for (const char *p = l->text; rows == 0 || *p; rows++)
			p += grid_text_wrap(p, wd);
		const char *p = l->text;
		for (int k = 0; k < rows; k++) {	/* top row first: y counts down */
			size_t n = grid_text_wrap(p, wd);
			int row = y - (rows - 1 - k);
			if (row >= 1) {
				const int red = t->colors == GRID_MONO ? 0 : blit_named_pair(&t->blit, GRID_RED, GRID_DEFAULT);
				if (l->error)
					wattron(w, COLOR_PAIR(red) | A_BOLD);
				mvwaddnstr(w, row, 0, p, (int)n);
				wattroff(w, A_BOLD | COLOR_PAIR(red));
			}
			p += n;
		}
		y -= rows;
		idx--;
	}
	if (t->scroll)
		mvwprintw(w, 0, wd - 24 > 0 ? wd - 24 : 0, " scrolled up %d (PgDn) ", t->scroll);
	wnoutrefresh(w);
}

static void draw_all_inner(Tui *t);

void draw_all(Tui *t)
{
	double t0 = tui_now();
	draw_all_inner(t);
	t->draw_seconds += tui_now() - t0;
	t->draws++;
}

static void draw_all_inner(Tui *t)
{
	if (t->too_small) {
		erase();
		char msg[128];
		snprintf(msg, sizeof msg, "terminal too small: %dx%d, rnnlab needs %dx%d", t->cols, t->rows, MIN_COLS, MIN_ROWS);
		mvaddnstr(t->rows / 2 > 0 ? t->rows / 2 - 1 : 0, 0, msg, t->cols);
		wnoutrefresh(stdscr);
		rlb_redisplay();
		doupdate();
		t->dirty = 0;
		t->last_draw = tui_now();
		return;
	}
	t->colors = session_colors(t->s);
	draw_status(t);
	draw_tabs(t);
	draw_pane(t);
	draw_log(t);
	rlb_redisplay();	/* last: the cursor belongs to the prompt */
	doupdate();
	blit_overlay(&t->blit);	/* the colours curses cannot send (blit.c) */
	t->dirty = 0;
	t->last_draw = tui_now();
}

/* ---- host callbacks ---- */
