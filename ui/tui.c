/* tui.c — the workbench: status bar, panes, log, and the Readline prompt.
 *
 *   ┌ status: model │ data │ step │ loss │ lr │ |g| │ tok/s │ state ┐
 *   │ tabs:  F2 train  F3 flow  F4 gates  F5 step  F6 compare  F7 … │
 *   │ the pane (plots, heatmaps, the stepper) drawn into a Grid      │
 *   │ the log: everything commands print, scrollable (PgUp/PgDn)     │
 *   └ rnnlab> the prompt (history, completion, Ctrl-R)               ┘
 *
 * One thread.  The loop waits for a key with a timeout; while a `train`
 * job runs the timeout is 0 and each idle tick runs a slice of training
 * (~40 ms), so keys are answered between slices and the panes redraw at
 * most five times a second.  Scripts (lessons) run from the same tick, a
 * line at a time, waiting while a job runs or a `pause` waits for a key.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <curses.h>

#include "blit.h"
#include "cmd.h"
#include "fileutil.h"
#include "complete.h"
#include "frontend.h"
#include "out.h"
#include "probe.h"
#include "rlbridge.h"
#include "stepview.h"
#include "term.h"
#include "views.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define LOG_MAX 4000
#define SCRIPT_DEPTH 8
#define REDRAW_INTERVAL 0.2	/* seconds between pane redraws while training */
#define SLICE 0.04		/* seconds of training per idle tick */


typedef struct LogLine {
	char *text;
	int error;
} LogLine;

typedef struct Script {
	FILE *f;
	char *path;
	int line;
} Script;

typedef struct Tui {
	Session *s;
	FILE *logf;		/* --log: every log line also goes here */
	WINDOW *status, *tabs, *pane, *log, *prompt;
	int rows, cols, too_small;
	Pane pane_kind;
	int welcome;		/* the first screen, until a command runs */
	int help;
	Grid *grid;
	GridColors colors;
	int ascii;
	LogLine lines[LOG_MAX];
	int nlines, first;	/* ring */
	int scroll;		/* lines up from the bottom */
	int paused;
	int waiting_key;	/* a lesson's pause */
	int dirty;
	double last_draw;
	int gate_pick;		/* gates pane on a small screen: which map */
	Script scripts[SCRIPT_DEPTH];
	int nscripts;
	double rho[MODEL_MAX_LAYERS * 4];
	unsigned long rho_gen;	/* the weights rho was computed from */
	double rho_time;
	int quit;
	RlBridge rl;
	double draw_seconds, train_seconds;	/* RNNLAB_STATS: the live view's cost */
	long draws;
} Tui;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the log ---- */

static void log_add(Tui *t, const char *text, int error)
{
	int i;
	if (t->nlines < LOG_MAX) {
		i = (t->first + t->nlines++) % LOG_MAX;
	} else {
		i = t->first;
		free(t->lines[i].text);
		t->first = (t->first + 1) % LOG_MAX;
	}
	t->lines[i].text = strdup(text);
	t->lines[i].error = error;
	t->dirty = 1;
	if (t->logf) {
		fprintf(t->logf, "%s\n", text);
		fflush(t->logf);
	}
}

static void host_print(void *ctx, const char *line)
{
	log_add(ctx, line, 0);
}

static void host_error(void *ctx, const char *line)
{
	log_add(ctx, line, 1);
}

/* ---- layout ---- */

static void destroy_windows(Tui *t)
{
	WINDOW **w[] = { &t->status, &t->tabs, &t->pane, &t->log, &t->prompt };
	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		if (*w[i]) {
			delwin(*w[i]);
			*w[i] = NULL;
		}
}

static void layout(Tui *t)
{
	destroy_windows(t);
	getmaxyx(stdscr, t->rows, t->cols);
	t->too_small = t->rows < MIN_ROWS || t->cols < MIN_COLS;
	/* what the session prints into the log (plots, tables) fits its width */
	if (t->s)
		t->s->host.width = t->cols > MIN_COLS ? t->cols : MIN_COLS;
	werase(stdscr);
	wnoutrefresh(stdscr);
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
	if (s->job.left > 0)
		FIELD(0, " │ %s %ld/%ld", t->paused ? "PAUSED" : "TRAINING", s->job.total - s->job.left,
		      s->job.total);
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
static int list_lessons(char names[][160], int max)
{
	glob_t g;
	int n = 0;
	if (glob("scenarios/*.lab", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && n < max; i++)
			snprintf(names[n++], 160, "%s", g.gl_pathv[i]);
		globfree(&g);
	}
	return n;
}

static void draw_welcome(Tui *t, int w, int h)
{
	Grid *g = t->grid;
	grid_clear(g);
	Style bold = grid_style(GRID_DEFAULT, GRID_BOLD), dim = grid_style(GRID_DEFAULT, GRID_DIM);
	Style acc = grid_style(t->colors == GRID_MONO ? GRID_DEFAULT : GRID_CYAN, GRID_BOLD);
	int y = 1;
	grid_text(g, 2, y++, "rnnlab — watch gradients vanish and explode", bold);
	y++;
	char lessons[24][160];
	int n = list_lessons(lessons, 24);
	if (n) {
		grid_text(g, 2, y++, "Lessons (start one with:  run scenarios/NAME.lab)", grid_style(GRID_DEFAULT, 0));
		for (int i = 0; i < n && y < h - 5; i++) {
			char line[4096];
			snprintf(line, sizeof line, "  %s", lessons[i]);
			grid_text(g, 2, y++, line, acc);
		}
		y++;
	}
	grid_text(g, 2, y++, "Or build a model yourself:", grid_style(GRID_DEFAULT, 0));
	grid_text(g, 4, y++, "data adding T=50", acc);
	grid_text(g, 4, y++, "model lstm hidden=32", acc);
	grid_text(g, 4, y++, "train 300        then F3 for the gradient flow, F5 to step through time", acc);
	y++;
	grid_text(g, 2, y, "help lists the commands · F1 the keys · quit leaves", dim);
	(void)w;
}

static void draw_help(Tui *t, int w, int h)
{
	Grid *g = t->grid;
	/* at most 74 columns and 13 rows: all of it fits the pane at 80x24 */
	static const char *const keys[] = {
		"F1 or ? (empty line)  this help; any key closes it",
		"F2..F7, view NAME     panes: train, flow, gates, step, compare, attention",
		"p (empty line)        pause / resume training",
		"Esc, Ctrl-C           stop training after this step (the model is kept)",
		"PgUp, PgDn            scroll the log",
		"Space, Enter          go on at a lesson's pause (other keys still work)",
		"step pane             Left/Right: t  Up/Down: unit  [ ]: layer  < >: sequence",
		"gates pane            [ ]: layer   < >: sequence   g: next gate",
		"Tab                   complete commands, keys, values, datasets, paths",
		"Up/Down, Ctrl-R       history, reverse search",
		"break, rewind         stop when a condition holds; go back (help break)",
		"quit                  leave",
	};
	grid_clear(g);
	const int top = h >= (int)(sizeof keys / sizeof *keys) + 3;	/* room for a blank row */
	grid_text(g, 2, top, "keys", grid_style(GRID_DEFAULT, GRID_BOLD));
	for (size_t i = 0; i < sizeof keys / sizeof *keys && (int)i + 1 + 2 * top < h; i++)
		grid_text_fit(g, 2, 1 + 2 * top + (int)i, w - 4, keys[i], grid_style(GRID_DEFAULT, 0), t->ascii);
}

/* The flow pane's spectral radii, of the weights now: recomputed whenever
 * they change (a step, a new model, import, rewind, quantize, prune), at
 * most every 2 s while training runs. */
static void draw_rho(Tui *t, int x, int y, int w, int h)
{
	Session *s = t->s;
	double tnow = now();
	if (t->rho_gen != s->weights_gen && (tnow - t->rho_time > 2.0 || s->job.left == 0)) {
		view_radius(s, t->rho);
		t->rho_gen = s->weights_gen;
		t->rho_time = tnow;
	}
	view_radius_draw(s, t->rho, t->grid, x, y, w, h, t->ascii);
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
	if (t->help) {
		draw_help(t, w, h);
	} else if (t->welcome) {
		draw_welcome(t, w, h);
	} else {
		switch (t->pane_kind) {
		case PANE_TRAIN:
			if (h >= 16) {
				int top = h * 3 / 5;
				rc = view_draw(s, VIEW_LOSS, &o, g, 0, 0, w, top, &e);
				if (!rc) {
					view_draw(s, VIEW_GRAD, &o, g, 0, top, w / 2 - 1, h - top, &e);
					view_draw(s, VIEW_LR, &o, g, w / 2 + 1, top, w - w / 2 - 1, h - top, &e);
				}
			} else {
				rc = view_draw(s, VIEW_LOSS, &o, g, 0, 0, w * 3 / 5, h, &e);
				if (!rc)
					view_draw(s, VIEW_GRAD, &o, g, w * 3 / 5, 0, w - w * 3 / 5, h, &e);
			}
			break;
		case PANE_FLOW: {
			int lw = w * 13 / 20;
			rc = view_draw(s, VIEW_FLOW, &o, g, 0, 0, lw, h, &e);
			if (!rc) {
				int sh = h - 2 - learner_cells(s->lr)->m->cfg.layers;
				if (sh >= 6)
					view_draw(s, VIEW_SAT, &o, g, lw + 1, 0, w - lw - 1, sh, &e);
				draw_rho(t, lw + 2, sh >= 6 ? sh : 0, w - lw - 2, h - (sh >= 6 ? sh : 0));
			}
			break;
		}
		case PANE_GATES: {
			o.layer = s->cur.layer;
			o.sample = s->cur.sample;
			o.pick = t->gate_pick;
			rc = view_draw(s, VIEW_GATES, &o, g, 0, 0, w, h, &e);
			break;
		}
		case PANE_STEP:
			rc = stepview_draw(s, &s->cur, t->ascii, t->colors, g, 1, 0, w - 1, h, &e);
			break;
		case PANE_COMPARE:
			rc = view_draw(s, VIEW_COMPARE, &o, g, 0, 0, w, h, &e);
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
	blit_grid(t->pane, g, 0, 0, w, h, 0, 0);
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
				if (l->error)
					wattron(w, t->colors == GRID_MONO ? A_BOLD
									 : COLOR_PAIR(1 + GRID_RED * GRID_COLOR_COUNT) | A_BOLD);
				mvwaddnstr(w, row, 0, p, (int)n);
				wattroff(w, A_BOLD | COLOR_PAIR(1 + GRID_RED * GRID_COLOR_COUNT));
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

static void draw_all(Tui *t)
{
	double t0 = now();
	draw_all_inner(t);
	t->draw_seconds += now() - t0;
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
		t->last_draw = now();
		return;
	}
	draw_status(t);
	draw_tabs(t);
	draw_pane(t);
	draw_log(t);
	rlb_redisplay();	/* last: the cursor belongs to the prompt */
	doupdate();
	t->dirty = 0;
	t->last_draw = now();
}

/* ---- host callbacks ---- */

static Tui *the_tui;	/* for the SIGINT path only */

static void host_step(void *ctx, Session *s)
{
	Tui *t = ctx;
	t->dirty = 1;
	/* training that runs inside a command (sweep) still redraws */
	if (!s->host.async_train && now() - t->last_draw >= REDRAW_INTERVAL)
		draw_all(t);
}

static int host_interrupted(void *ctx)
{
	Tui *t = ctx;
	if (frontend_sigint || term_signal())
		return 1;
	/* training run from inside a command (sweep): the main loop reads no
	 * keys meanwhile, so look for Esc here; other keys wait their turn */
	if (t->s && !t->s->host.async_train && t->prompt) {
		wint_t ch;
		wtimeout(t->prompt, 0);
		int r = wget_wch(t->prompt, &ch);
		if (r == OK && ch == 27) {
			frontend_sigint = 1;	/* latched, as Ctrl-C is: the sweep sees it too */
			return 1;
		}
		if (r == KEY_CODE_YES)
			ungetch((int)ch);
		else if (r == OK)
			unget_wch(ch);
	}
	return 0;
}

static void host_on_break(void *ctx, Session *s, int tt)
{
	Tui *t = ctx;
	t->pane_kind = PANE_STEP;
	t->welcome = 0;
	s->cur.t = tt;
	t->dirty = 1;
}

static int host_view(void *ctx, Session *s, const char *name, Err *e)
{
	Tui *t = ctx;
	(void)s;
	for (int i = 0; i < PANE_COUNT; i++)
		if (!strcmp(pane_names[i], name)) {
			t->pane_kind = (Pane)i;
			t->welcome = 0;
			t->help = 0;
			t->dirty = 1;
			return 0;
		}
	return err_set(e, ERR_INVAL, "unknown pane '%s'", name);
}

static void host_pause(void *ctx, const char *text)
{
	Tui *t = ctx;
	if (text && *text)
		log_add(t, text, 0);
	log_add(t, "-- Space goes on; F2..F7 and PgUp look around first --", 0);
	t->waiting_key = 1;
}

static int host_run_script(void *ctx, Session *s, const char *path, Err *e)
{
	Tui *t = ctx;
	if (t->nscripts >= SCRIPT_DEPTH) {	/* stops the whole script: `try` cannot catch it */
		char why[120];
		snprintf(why, sizeof why, "scripts nested more than %d deep (does a script run itself?)", SCRIPT_DEPTH);
		session_script_stop(s, why);
		return err_set(e, ERR_STATE, "%s", why);
	}
	int rc = file_check_regular(path, SCRIPT_MAX_FILE, e);
	if (rc)
		return rc;
	FILE *f = fopen(path, "r");
	if (!f)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (!t->nscripts)	/* the outermost script: a whole budget */
		session_script_begin(s);
	Script *sc = &t->scripts[t->nscripts++];
	sc->f = f;
	sc->path = strdup(path);
	sc->line = 0;
	t->welcome = 0;
	return 0;
}

static void script_pop(Tui *t)
{
	Script *sc = &t->scripts[--t->nscripts];
	fclose(sc->f);
	free(sc->path);
}

static void scripts_abort(Tui *t, const char *why)
{
	if (!t->nscripts)
		return;
	if (why)
		log_add(t, why, 1);
	while (t->nscripts)
		script_pop(t);
}

/* Run the next line of the innermost script. */
static void script_step(Tui *t)
{
	Script *sc = &t->scripts[t->nscripts - 1];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len = getline(&line, &cap, sc->f);
	if (len < 0) {
		free(line);
		if (t->nscripts == 1) {	/* the lesson (or script) is over: say so */
			char msg[1200];
			snprintf(msg, sizeof msg, "-- end of %s: %d expect check%s held --", sc->path, t->s->lesson_checks,
				 t->s->lesson_checks == 1 ? "" : "s");
			text_sanitize(msg);	/* the path is the user's */
			log_add(t, msg, 0);
		}
		script_pop(t);
		return;
	}
	sc->line++;
	if (len > SCRIPT_MAX_LINE || memchr(line, '\0', (size_t)len)) {
		char msg[1200];
		snprintf(msg, sizeof msg, "%s:%d: %s: is this a .lab file?", sc->path, sc->line,
			 len > SCRIPT_MAX_LINE ? "a line longer than 64 KiB" : "binary data (a NUL byte)");
		free(line);
		scripts_abort(t, msg);
		return;
	}
	Session *s = t->s;
	const char *osrc = s->src;
	int oline = s->line;
	s->src = sc->path;
	s->line = sc->line;
	const int bom = sc->line == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3);	/* an editor's */
	int rc = session_exec(s, line + 3 * bom);
	s->src = osrc;
	s->line = oline;
	free(line);
	t->dirty = 1;
	if (s->script_stop[0])	/* the depth or the budget: all of it stops */
		scripts_abort(t, s->script_stop);
	else if (rc)
		scripts_abort(t, "the script stopped at its error (above)");
}

/* ---- input ---- */

static void line_entered(void *ctx, char *line)
{
	Tui *t = ctx;
	if (!line) {
		t->quit = 1;
		return;
	}
	if (*line) {
		char echo[1100];
		snprintf(echo, sizeof echo, "> %s", line);
		log_add(t, echo, 0);
		t->welcome = 0;
		t->help = 0;
		t->scroll = 0;
		frontend_clear_interrupt();
		session_exec(t->s, line);
		if (t->s->quit)
			t->quit = 1;
	}
	free(line);
	t->dirty = 1;
}

static void show_matches(void *ctx, char **m, int n, int maxlen)
{
	Tui *t = ctx;
	char buf[1024];
	size_t len = 0;
	int per = t->cols / (maxlen + 2);
	if (per < 1)
		per = 1;
	for (int i = 1; i <= n; i++) {
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%-*s", maxlen + 2, m[i]);
		if (i % per == 0 || i == n || len >= sizeof buf - 1) {
			log_add(t, buf, 0);
			len = 0;
			buf[0] = '\0';
		}
	}
}

static void stop_training(Tui *t, const char *why)
{
	Session *s = t->s;
	if (s->job.left <= 0)
		return;
	long done = s->job.total - s->job.left;
	char msg[200];
	snprintf(msg, sizeof msg, "train: stopped (%s) at step %ld after %ld of %ld steps; the model is as after that step",
		 why, session_step(s), done, s->job.total);
	session_train_cancel(s);
	t->paused = 0;
	log_add(t, msg, 0);
	snprintf(msg, sizeof msg, "the script was stopped (%s)", why);
	scripts_abort(t, msg);	/* the script that started the job stops with it */
}

static int step_keys(Tui *t, int key, wint_t ch, int is_key)
{
	StepCursor *c = &t->s->cur;
	if (is_key) {
		switch (key) {
		case KEY_LEFT: c->t--; break;
		case KEY_RIGHT: c->t++; break;
		case KEY_UP: c->unit--; break;
		case KEY_DOWN: c->unit++; break;
		default: return 0;
		}
	} else {
		switch (ch) {
		case '[': c->layer--; break;
		case ']': c->layer++; break;
		case '<': c->sample--; break;
		case '>': c->sample++; break;
		default: return 0;
		}
	}
	stepview_clamp(t->s, c);
	t->dirty = 1;
	return 1;
}

/* Esc, Ctrl-C: stop the training job after its step, and the running
 * script (a lesson, `run`) with it, at its next command. */
static void stop_all(Tui *t, const char *why)
{
	if (t->s->job.left > 0)
		stop_training(t, why);
	if (t->nscripts) {
		char msg[96];
		snprintf(msg, sizeof msg, "the script was stopped (%s)", why);
		scripts_abort(t, msg);
	}
	t->waiting_key = 0;
	t->dirty = 1;
}

static void handle_input(Tui *t, int r, wint_t ch)
{
	Session *s = t->s;
	int is_key = r == KEY_CODE_YES;
	int key = is_key ? (int)ch : 0;
	if (is_key && key == KEY_RESIZE) {
		layout(t);
		return;
	}
	if (t->waiting_key) {	/* a lesson's pause: Space or Enter goes on, Esc stops it */
		if (!is_key && (ch == ' ' || ch == '\n' || ch == '\r')) {
			t->waiting_key = 0;
			t->dirty = 1;
			return;
		}
		if (!is_key && ch == 27) {
			stop_all(t, "Esc");
			return;
		}
		/* the panes, help, scrolling and the panes' own keys work as
		 * usual (below); typing does not start a command */
		if (!is_key && (!ch || !strchr("g[]<>?", (int)ch)))
			return;
	}
	if (t->help && !(is_key && key >= KEY_F(2) && key <= KEY_F(7))) {
		t->help = 0;
		t->dirty = 1;
		return;
	}
	if (is_key && key == KEY_F(1)) {
		t->help = !t->help;
		t->dirty = 1;
		return;
	}
	if (is_key && key >= KEY_F(2) && key < KEY_F(2 + PANE_COUNT)) {
		t->pane_kind = (Pane)(key - KEY_F(2));
		t->welcome = t->help = 0;
		t->dirty = 1;
		return;
	}
	if (is_key && (key == KEY_PPAGE || key == KEY_NPAGE)) {
		int h = t->log ? getmaxy(t->log) - 2 : 5;
		t->scroll += key == KEY_PPAGE ? h : -h;
		if (t->scroll > t->nlines - 1)
			t->scroll = t->nlines - 1 > 0 ? t->nlines - 1 : 0;
		if (t->scroll < 0)
			t->scroll = 0;
		t->dirty = 1;
		return;
	}
	int empty = rlb_line_empty();
	if (!is_key && ch == 27) {	/* Esc */
		if (s->job.left > 0 || t->nscripts)
			stop_all(t, "Esc");
		else
			rlb_clear_line();
		t->dirty = 1;
		return;
	}
	if (empty && !is_key && ch == '?') {
		t->help = 1;
		t->dirty = 1;
		return;
	}
	if (empty && !is_key && ch == 'p' && s->job.left > 0) {
		t->paused = !t->paused;
		if (!t->paused) {	/* the pause does not count against tok/s */
			s->job.t_last = now();
			s->job.tokens = 0;
		}
		log_add(t, t->paused ? "train: paused (p resumes, Esc stops)" : "train: resumed", 0);
		return;
	}
	if (empty && !t->welcome && (t->pane_kind == PANE_STEP || t->pane_kind == PANE_GATES)) {
		if (t->pane_kind == PANE_GATES && !is_key && ch == 'g') {
			t->gate_pick++;
			t->dirty = 1;
			return;
		}
		if ((t->pane_kind == PANE_STEP || !is_key) && step_keys(t, key, ch, is_key))
			return;
	}
	if (t->waiting_key)
		return;
	if (is_key)
		rlb_feed_key(key);
	else
		rlb_feed_char(ch);
}

/* ---- the run ---- */

static void autosave(Tui *t)
{
	char path[1100];
	Err e;
	if (session_autosave(t->s, path, sizeof path, &e))
		fprintf(stderr, "rnnlab: terminated; the autosave failed: %s\n", e.msg);
	else if (path[0])
		fprintf(stderr, "rnnlab: terminated; the session was saved to %s\n", path);
}

int tui_run(const char *script, const Options *opt)
{
	Tui *t = calloc(1, sizeof *t);
	if (!t)
		return 1;
	if (opt->log) {	/* a new file, or a log rnnlab wrote; never through a symlink */
		Err e;
		int fd = -1;
		struct stat st;
		if (file_may_write(opt->log, FILE_LOG, 0, &e) ||
		    ((fd = open(opt->log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0 &&
		     err_set(&e, ERR_IO, "%s: %s", opt->log, strerror(errno))) ||
		    ((fstat(fd, &st) || !S_ISREG(st.st_mode)) && err_set(&e, ERR_IO, "%s is not a regular file", opt->log)) ||
		    (!(t->logf = fdopen(fd, "w")) && err_set(&e, ERR_IO, "%s: %s", opt->log, strerror(errno)))) {
			fprintf(stderr, "rnnlab: --log: %s\n", e.msg);
			if (fd >= 0)
				close(fd);
			free(t);
			return 2;
		}
		fprintf(t->logf, "%s: the workbench's log (rnnlab --log)\n", FILE_LOG_HEAD);
	}
	the_tui = t;
	Host h = { 0 };
	h.ctx = t;
	h.print = host_print;
	h.error = host_error;
	h.step = host_step;
	h.interrupted = host_interrupted;
	h.on_break = host_on_break;
	h.view = host_view;
	h.pause = host_pause;
	h.run_script = host_run_script;
	h.async_train = 1;
	h.fast = opt->fast;
	h.seed_shift = opt->seed_shift;
	h.max_commands = opt->max_commands;
	h.max_output = opt->max_output;
	h.ascii = opt->ascii;
	h.color = 0;		/* the log shows plain text */
	t->s = session_new(&h);
	if (!t->s) {
		free(t);
		return 1;
	}
	t->ascii = opt->ascii;
	t->welcome = 1;

	term_start();
	const char *nc = getenv("NO_COLOR");
	t->colors = blit_init_colors(nc && *nc);
	t->rl.done = line_entered;
	t->rl.matches = show_matches;
	t->rl.ctx = t;
	rlb_init(&t->rl, "rnnlab> ");
	complete_install(t->s);
	char *hist = NULL;
	const char *home = getenv("HOME");
	if (home && *home) {
		size_t n = strlen(home) + 32;
		hist = malloc(n);
		if (hist)
			snprintf(hist, n, "%s/.rnnlab_history", home);
		if (hist)
			rlb_history(hist, 0);
	}
	layout(t);
	if (script) {
		Err e;
		if (host_run_script(t, t->s, script, &e))
			log_add(t, e.msg, 1);
	}
	draw_all(t);

	while (!t->quit && !term_signal()) {
		Session *s = t->s;
		int training = s->job.left > 0 && !t->paused;
		int script_ready = t->nscripts && !t->waiting_key && s->job.left <= 0;
		wtimeout(t->prompt, training || script_ready ? 0 : 100);
		wint_t ch;
		int r = t->prompt ? wget_wch(t->prompt, &ch) : ERR;
		if (r != ERR) {
			handle_input(t, r, ch);
			doupdate();	/* Readline's redisplay only stages the prompt */
		} else if (training) {
			double t0 = now();
			session_train_slice(s, SLICE);
			t->train_seconds += now() - t0;
			if (s->job.left <= 0)
				t->dirty = 1;
		} else if (script_ready) {
			script_step(t);
		}
		if (frontend_sigint) {
			frontend_clear_interrupt();
			if (s->job.left > 0 || t->nscripts)
				stop_all(t, "Ctrl-C");
			else
				rlb_clear_line();
			t->dirty = 1;
		}
		if (t->dirty && (!training || now() - t->last_draw >= REDRAW_INTERVAL))
			draw_all(t);
	}
	if (term_signal())
		log_add(t, "terminated", 1);
	rlb_done();
	complete_done();
	term_end();
	if (term_signal())
		autosave(t);
	const char *stats = getenv("RNNLAB_STATS");
	if (stats && *stats)
		fprintf(stderr, "rnnlab: %ld redraws took %.3f s; training slices %.3f s (%.2f%% of it)\n", t->draws,
			t->draw_seconds, t->train_seconds,
			t->train_seconds > 0 ? 100.0 * t->draw_seconds / t->train_seconds : 0.0);
	if (hist) {
		rlb_history(hist, 1);
		free(hist);
	}
	while (t->nscripts)
		script_pop(t);
	for (int i = 0; i < t->nlines; i++)
		free(t->lines[(t->first + i) % LOG_MAX].text);
	grid_free(t->grid);
	destroy_windows(t);
	session_free(t->s);
	if (t->logf)
		fclose(t->logf);
	free(t);
	return term_signal() ? 128 + term_signal() : 0;
}
