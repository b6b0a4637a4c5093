/* batch.c — rnnlab without a terminal: commands in, text out.
 *
 * Output goes to stdout, errors to stderr; the first error ends the run
 * with a non-zero status and a message that names the script and line.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"
#include "term.h"

volatile int frontend_sigint;
static volatile sig_atomic_t got_term;

static void on_sigint(int sig)
{
	(void)sig;
	frontend_sigint = 1;
}

static void on_term(int sig)
{
	got_term = sig;	/* the exit status is 128 + sig, as the shell's */
	frontend_sigint = 1;	/* stop training after the current step */
}

void frontend_install_sigint(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

int frontend_interrupted(void *ctx)
{
	(void)ctx;
	return frontend_sigint;
}

void frontend_clear_interrupt(void)
{
	frontend_sigint = 0;
}

static void out_line(void *ctx, const char *line)
{
	(void)ctx;
	fputs(line, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

static void err_line(void *ctx, const char *line)
{
	(void)ctx;
	fflush(stdout);
	fprintf(stderr, "rnnlab: %s\n", line);
}

static Session *batch_session(const Options *o)
{
	Host h = { 0 };
	h.print = out_line;
	h.error = err_line;
	h.interrupted = frontend_interrupted;
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
	if (!s)
		fprintf(stderr, "rnnlab: out of memory\n");
	frontend_install_sigint();
	frontend_install_term();
	return s;
}

void frontend_install_term(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int frontend_terminated(void)
{
	return got_term;
}

/* SIGTERM/SIGHUP: the session is saved before we go. */
int frontend_finish(Session *s, int rc)
{
	if (got_term) {
		char path[1100];
		Err e;
		if (session_autosave(s, path, sizeof path, &e))
			fprintf(stderr, "rnnlab: terminated; the autosave failed: %s\n", e.msg);
		else if (path[0])
			fprintf(stderr, "rnnlab: terminated; the session was saved to %s\n", path);
		return 128 + got_term;
	}
	if (frontend_sigint)
		return 130;
	return output_finish(rc ? 1 : 0);
}

int output_finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {	/* a full disk, a closed pipe: not a success */
		fprintf(stderr, "rnnlab: writing the output failed: %s\n", strerror(errno));
		return rc ? rc : 1;
	}
	return rc;
}

int batch_run_file(const char *path, const Options *o)
{
	Session *s = batch_session(o);
	if (!s)
		return 1;
	int rc = strcmp(path, "-") ? session_run_file(s, path, 1) : session_run_stream(s, stdin, "stdin", 1);
	rc = frontend_finish(s, rc);
	session_free(s);
	return rc;
}

int batch_run_string(const char *cmds, const Options *o)
{
	Session *s = batch_session(o);
	if (!s)
		return 1;
	int rc = session_exec(s, cmds);
	rc = frontend_finish(s, rc);
	session_free(s);
	return rc;
}
