/* repl.c — the plain REPL: GNU Readline, persistent history, completion.
 *
 * Used with --plain, with TERM=dumb, and until the TUI exists.  Readline is
 * kept behind this file: the session sees only lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmd.h"
#include "complete.h"
#include "frontend.h"
#include "term.h"

#define HISTORY_MAX 1000

static void out_line(void *ctx, const char *line)
{
	(void)ctx;
	puts(line);
	fflush(stdout);
}

static void err_line(void *ctx, const char *line)
{
	(void)ctx;
	fflush(stdout);
	fprintf(stderr, "%s\n", line);
}

static void on_pause(void *ctx, const char *text)
{
	(void)ctx;
	char *l = readline(text && *text ? "(press Enter) " : "(press Enter) ");
	free(l);
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	size_t n = strlen(home) + 32;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/.rnnlab_history", home);
	return p;
}

/* Readline calls this when a signal arrived while it reads a line. */
static int on_signal(void)
{
	if (frontend_terminated())
		rl_done = 1;
	return 0;
}

int repl_run(const char *script, const Options *o)
{
	Host h = { 0 };
	h.print = out_line;
	h.error = err_line;
	h.interrupted = frontend_interrupted;
	h.pause = on_pause;
	h.ascii = o->ascii;
	h.colors = term_colors(o->no_color, -1, h.colors_why, sizeof h.colors_why);
	h.no_color = o->no_color != NULL;
	h.ansi = 1;
	h.fast = o->fast;
	h.seed_shift = o->seed_shift;
	h.max_commands = o->max_commands;
	h.max_output = o->max_output;
	h.exe = o->exe;
	h.width = 78;
	Session *s = session_new(&h);
	if (!s) {
		fprintf(stderr, "rnnlab: out of memory\n");
		return 1;
	}
	complete_install(s);
	frontend_install_sigint();
	frontend_install_term();
	rl_signal_event_hook = on_signal;	/* a SIGTERM ends the line being read */
	char *hist = history_path();
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist);
	printf("rnnlab %s — type help for the commands, quit to leave.\n", RNNLAB_VERSION);
	if (!script)
		printf("new here? try:  data adding T=50; model lstm hidden=32; train 200; plot loss\n");
	if (script) {
		session_run_file(s, script, 1);
		frontend_clear_interrupt();
	}
	while (!s->quit && !frontend_terminated()) {
		char *line = readline("rnnlab> ");
		if (frontend_terminated()) {
			free(line);
			break;
		}
		if (!line) {
			putchar('\n');
			break;
		}
		if (*line) {
			add_history(line);
			frontend_clear_interrupt();
			session_exec(s, line);
			frontend_clear_interrupt();
		}
		free(line);
	}
	if (hist) {
		write_history(hist);
		free(hist);
	}
	complete_done();
	int rc = frontend_finish(s, 0);
	session_free(s);
	return rc;
}
