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
#include <limits.h>
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
#include "stepwatch.h"
#include "term.h"
#include "views.h"

#include "lessons.h"
#include "tui_priv.h"

double tui_now(void)
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

static Tui *the_tui;	/* for the SIGINT path only */

static void host_step(void *ctx, Session *s)
{
	Tui *t = ctx;
	t->dirty = 1;
	/* training that runs inside a command (sweep) still redraws */
	if (!s->host.async_train && tui_now() - t->last_draw >= REDRAW_INTERVAL)
		draw_all(t);
}

/* A command waits on its workers (a parallel sweep): the screen stays alive. */
static void host_busy(void *ctx, Session *s)
{
	Tui *t = ctx;
	(void)s;
	if (tui_now() - t->last_draw >= REDRAW_INTERVAL)
		draw_all(t);
}

/* While a command or a step runs and the main loop reads no keys: was Esc
 * typed, among the keys waiting (not only the first: Esc behind another
 * key was never seen)?  The others are put back in their order, to be read
 * when the loop reads again (curses takes back some 16). */
static int esc_waiting(Tui *t)
{
	if (!t->prompt)
		return 0;
	wint_t keys[16];
	int codes[16], n = 0, r, esc = 0;
	wint_t ch;
	wtimeout(t->prompt, 0);
	while (n < 16 && (r = wget_wch(t->prompt, &ch)) != ERR) {
		if (r == OK && ch == 27) {
			esc = 1;
			continue;
		}
		keys[n] = ch;
		codes[n++] = r;
	}
	while (n-- > 0)	/* back in their order: the last pushed comes first */
		if (codes[n] == KEY_CODE_YES)
			ungetch((int)keys[n]);
		else
			unget_wch(keys[n]);
	if (esc)
		t->esc_latched = 1;	/* said as Esc, not Ctrl-C */
	return esc;
}

static int host_interrupted(void *ctx)
{
	Tui *t = ctx;
	if (frontend_sigint || term_signal())
		return 1;
	/* training run from inside a command (sweep), or a long command that
	 * asks (gradcheck): the main loop reads no keys meanwhile, so look for
	 * Esc here; other keys wait their turn.  The status bar says what runs. */
	if (t->s && !t->s->host.async_train && t->prompt) {
		if (t->s->running && tui_now() - t->inside_drawn >= STEPWATCH_EVERY) {
			snprintf(t->inside, sizeof t->inside, "busy: %s (Esc stops)", t->s->running);
			draw_status_now(t);
			t->inside_drawn = tui_now();
		}
		if (esc_waiting(t)) {
			frontend_sigint = 1;	/* latched, as Ctrl-C is: the sweep sees it too */
			return 1;
		}
	}
	return 0;
}

/* Inside a training step (stepwatch.h), every 50 ms: Esc or Ctrl-C stops
 * the step (nothing of it is applied), the other keys typed meanwhile wait
 * their turn, and the status bar says where the step is.  The panes wait:
 * their numbers are the step's, half computed. */
static int tui_watch(void *ctx, const StepWhere *w)
{
	Tui *t = ctx;
	int stop = frontend_sigint || term_signal();
	stop |= esc_waiting(t);
	if (stop) {
		t->stopped_inside = 1;
		if (t->s && !t->s->host.async_train)
			frontend_sigint = 1;	/* a step of a sweep: the sweep stops too */
		snprintf(t->inside, sizeof t->inside, "stopping the step");
		draw_status_now(t);
		return 1;
	}
	snprintf(t->inside, sizeof t->inside, "in the step: %s t=%d/%d, layer %d (Esc stops)",
		 w->backward ? "backward" : "forward", w->t + 1, w->T, w->layer);
	draw_status_now(t);
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
	log_add(t, "-- Space goes on; F2..F8 and PgUp look around first --", 0);
	t->waiting_key = 1;
}

void narration_clear(Tui *t)
{
	for (int i = 0; i < t->nnarr; i++)
		free(t->narr[i]);
	t->nnarr = 0;
	t->dirty = 1;
}

static void host_say(void *ctx, const char *text)
{
	Tui *t = ctx;
	if (!t->nscripts)
		return;
	if (t->nnarr == NARR_MAX) {	/* the oldest goes */
		free(t->narr[0]);
		memmove(t->narr, t->narr + 1, (NARR_MAX - 1) * sizeof *t->narr);
		t->nnarr--;
	}
	if ((t->narr[t->nnarr] = strdup(text)))
		t->nnarr++;
	t->dirty = 1;
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
	if (!t->nscripts) {	/* the outermost script: a whole budget; a lesson's parts */
		session_script_begin(s);
		LessonInfo li;
		t->lesson_no = lesson_info(path, &li);
		t->lesson_parts = li.parts;
		t->lesson_part = 1;
		narration_clear(t);
	}
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
	if (!t->nscripts)
		t->lesson_no = 0;	/* its narration stays until the next command */
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
	if (!t->nscripts)
		return;
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

/* The rest of a typed line whose train started a job: run it once the
 * job has done all its steps; a job stopped early (Esc, a breakpoint, an
 * error) takes it with it, as a script stops at an error. */
static void run_pending(Tui *t)
{
	Session *s = t->s;
	char *line = s->pending;
	s->pending = NULL;
	if (session_step(s) - s->job.first_step == s->job.total) {
		char echo[1100];
		snprintf(echo, sizeof echo, "> %s", line);
		text_sanitize(echo);
		log_add(t, echo, 0);
		session_exec(s, line);
	} else {
		log_add(t, s->job.name && !strcmp(s->job.name, "distill") ? "the rest of the line was not run: its distill stopped early"
			: "the rest of the line was not run: its train stopped early", 1);
	}
	free(line);
	t->dirty = 1;
}



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
		if (!t->nscripts)	/* a finished lesson's narration goes with the next command */
			narration_clear(t);
		t->scroll = 0;
		frontend_clear_interrupt();
		t->esc_latched = 0;
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
	snprintf(msg, sizeof msg, "%s: stopped (%s) at step %ld after %ld of %ld steps; the model is as after that step",
		 s->job.name, why, session_step(s), done, s->job.total);
	log_add(t, msg, 0);
	session_train_cancel(s);	/* (a distill reports its end after the line above) */
	t->paused = 0;
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
		case KEY_HOME: c->t = 0; break;
		case KEY_END: c->t = INT_MAX; break;	/* clamped to the last step */
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

/* A pane's own keys (on an empty line; capitals, which start no command,
 * so a command typed with a pane open is never eaten): L switches the
 * train pane's loss and the compare pane to a log scale and back, C cycles
 * what compare shows, G the gates pane's gate, U its heatmaps and one
 * unit's lines, E the gates and step panes between a seq2seq model's
 * encoder and decoder. */
static int pane_key(Tui *t, int ch)
{
	Session *s = t->s;
	if (t->pane_kind == PANE_GATES && ch == 'G')
		t->gate_pick++;
	else if (t->pane_kind == PANE_GATES && ch == 'U')	/* heatmaps <-> one unit's lines */
		s->gates_unit = !s->gates_unit;
	else if ((t->pane_kind == PANE_GATES || t->pane_kind == PANE_STEP) && ch == 'E' && s->lr && s->lr->nstacks > 1) {
		s->cur.part = (s->cur.part + 1) % s->lr->nstacks;
		stepview_clamp(s, &s->cur);
	} else if (t->pane_kind == PANE_TRAIN && ch == 'L')
		s->loss_logy = !s->loss_logy;
	else if (t->pane_kind == PANE_COMPARE && ch == 'L')
		s->cmp.logy = !s->cmp.logy;
	else if (t->pane_kind == PANE_COMPARE && ch == 'C')
		s->cmp.what = s->cmp.what % (COMPARE_COUNT - 1) + 1;	/* loss, val, grad, flow (not auto: it is one of them) */
	else
		return 0;
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
		if (!is_key && (ch == ' ' || ch == '\n' || ch == '\r')) {	/* the next part */
			t->waiting_key = 0;
			if (t->lesson_part < t->lesson_parts)
				t->lesson_part++;
			narration_clear(t);
			return;
		}
		if (!is_key && ch == 27) {
			stop_all(t, "Esc");
			return;
		}
		/* the panes, help, scrolling and the panes' own keys work as
		 * usual (below); typing does not start a command */
		if (!is_key && (!ch || !strchr("[]<>?LCEGU", (int)ch)))
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
	/* P and N: capitals, as a command typed while training runs starts with
	 * a small letter (p for plot, n for nothing yet) */
	if (empty && !is_key && ch == 'N' && s->job.left > 0 && t->paused) {	/* one step, still paused */
		session_train_slice(s, ONE_STEP);
		t->dirty = 1;
		return;
	}
	if (empty && !is_key && ch == 'P' && s->job.left > 0) {
		t->paused = !t->paused;
		if (!t->paused) {	/* the pause does not count against tok/s */
			s->job.t_last = tui_now();
			s->job.tokens = 0;
		}
		log_add(t, t->paused ? "train: paused (P resumes, N runs one step, Esc stops)" : "train: resumed", 0);
		return;
	}
	if (empty && !t->welcome && !is_key && pane_key(t, (int)ch))
		return;
	if (empty && !t->welcome && (t->pane_kind == PANE_STEP || t->pane_kind == PANE_GATES)) {
		if (t->pane_kind == PANE_GATES && is_key && s->gates_unit && (key == KEY_UP || key == KEY_DOWN)) {
			if (s->gates_unit == VIEW_UNIT_MAX)	/* from the unit max picked */
				s->gates_unit = 1;
			step_keys(t, key, ch, is_key);
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
	h.busy = host_busy;
	h.on_break = host_on_break;
	h.view = host_view;
	h.pause = host_pause;
	h.say = host_say;
	h.run_script = host_run_script;
	h.async_train = 1;
	h.confirm_quit = 1;
	h.fast = opt->fast;
	h.seed_shift = opt->seed_shift;
	h.max_commands = opt->max_commands;
	h.max_output = opt->max_output;
	h.exe = opt->exe;
	h.ascii = opt->ascii;
	h.ansi = 0;		/* the log shows plain text */
	h.no_color = opt->no_color != NULL;
	t->s = session_new(&h);
	if (!t->s) {
		free(t);
		return 1;
	}
	t->ascii = opt->ascii;
	t->welcome = 1;

	term_start();
	GridColors shown = blit_init(&t->blit);
	t->s->host.colors = term_colors(opt->no_color, shown, t->s->host.colors_why, sizeof t->s->host.colors_why);
	if (t->blit.can_change && !opt->no_color) {
		size_t n = strlen(t->s->host.colors_why);
		snprintf(t->s->host.colors_why + n, sizeof t->s->host.colors_why - n,
			 "; it can change its palette (left alone)");
	}
	t->colors = session_colors(t->s);
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
	stepwatch_set(tui_watch, t, STEPWATCH_EVERY);
	if (script) {
		Err e;
		if (host_run_script(t, t->s, script, &e))
			log_add(t, e.msg, 1);
	}
	draw_all(t);

	while (!t->quit && !t->s->quit && !term_signal()) {	/* quit from a line, a script or the rest of a line */
		Session *s = t->s;
		int training = s->job.left > 0 && !t->paused;
		int script_ready = t->nscripts && !t->waiting_key && s->job.left <= 0;
		/* set pace=N: a step at most every 1/N s; keys are answered between */
		double wait = training && s->set.pace ? t->pace_next - tui_now() : 0;
		wtimeout(t->prompt, wait > 0 ? (int)(wait * 1000) + 1 : training || script_ready ? 0 : 100);
		wint_t ch;
		int r = t->prompt ? wget_wch(t->prompt, &ch) : ERR;
		if (r != ERR) {
			handle_input(t, r, ch);
			doupdate();	/* Readline's redisplay only stages the prompt */
		} else if (training && s->set.pace && tui_now() >= t->pace_next) {
			t->pace_next = fmax(t->pace_next, tui_now()) + 1.0 / s->set.pace;
			session_train_slice(s, ONE_STEP);
			t->dirty = 1;
		} else if (training && !s->set.pace) {
			double t0 = tui_now();
			session_train_slice(s, SLICE);
			t->train_seconds += tui_now() - t0;
			if (s->job.left <= 0)
				t->dirty = 1;
		}
		if (t->inside[0]) {	/* a step was watched from inside: it is over */
			t->inside[0] = '\0';
			t->dirty = 1;
		}
		if (t->stopped_inside) {
			t->stopped_inside = 0;
			frontend_clear_interrupt();
			scripts_abort(t, "the script was stopped (Esc, inside a training step)");
		} else if (script_ready && t->nscripts && !t->waiting_key && s->job.left <= 0) {
			/* ready before the input, and still: Esc or Ctrl-C may have stopped it */
			script_step(t);
		} else if (s->pending && s->job.left <= 0) {
			run_pending(t);
		}
		if (term_continued()) {	/* curses repainted: the overlay's colours again */
			blit_invalidate(&t->blit);
			t->dirty = 1;
		}
		if (frontend_sigint) {
			frontend_clear_interrupt();
			if (s->job.left > 0 || t->nscripts)
				stop_all(t, t->esc_latched ? "Esc" : "Ctrl-C");
			else
				rlb_clear_line();
			t->esc_latched = 0;
			t->dirty = 1;
		}
		if (t->dirty && (!training || tui_now() - t->last_draw >= REDRAW_INTERVAL))
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
	narration_clear(t);	/* a lesson stopped by a signal leaves its narration */
	for (int i = 0; i < t->nlines; i++)
		free(t->lines[(t->first + i) % LOG_MAX].text);
	grid_free(t->grid);
	blit_done(&t->blit);
	view_eigen_done(&t->eig);
	destroy_windows(t);
	session_free(t->s);
	if (t->logf)
		fclose(t->logf);
	free(t);
	return term_signal() ? 128 + term_signal() : 0;
}
