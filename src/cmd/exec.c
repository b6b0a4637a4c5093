/* exec.c — running the command language: a line of statements, a script
 * file, a stream of lines.  Errors are reported through the session's host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fileutil.h"

/* `train 100; model lstm` typed in the workbench, where train starts a job:
 * the statements after it wait in s->pending until the job ends. */
static void defer_rest(Session *s, const Lexed *lx, int from)
{
	size_t cap = 4096, len = 0;
	char *p = malloc(cap);
	for (int i = from; p && i < lx->nstmt; i++) {
		char st[2048];
		size_t n = stmt_text(&lx->stmt[i], st, sizeof st);
		if (!n || len + n + 3 > cap) {
			free(p);
			p = NULL;
			break;
		}
		len += (size_t)snprintf(p + len, cap - len, "%s%s", len ? "; " : "", st);
	}
	if (!p) {
		session_printf(s, "the commands after the train on this line were too long to keep for after it; type them again");
		return;
	}
	free(s->pending);
	s->pending = p;
}

int session_exec(Session *s, const char *line)
{
	Lexed lx;
	Err e;
	int rc = lex_line(line, &lx, &e);
	if (rc) {
		session_report(s, NULL, &e);
		return rc;
	}
	for (int i = 0; i < lx.nstmt && !s->quit; i++) {
		if (s->src) {	/* inside a script: its budget of commands */
			long max = s->host.max_commands ? s->host.max_commands : SCRIPT_MAX_COMMANDS;
			if (++s->script_cmds > max) {
				char why[200];
				snprintf(why, sizeof why, "the script ran more than %ld commands (a loop?); rnnlab --max-commands N "
					 "raises the limit", max);
				session_script_stop(s, why);
			}
			if (s->script_stop[0]) {
				rc = ERR_STATE;
				break;
			}
		}
		const int idle = s->job.left <= 0;
		rc = cmd_dispatch(s, &lx.stmt[i], &e);
		if (rc) {
			session_report(s, lx.stmt[i].argv[0].text, &e);
			break;
		}
		if (idle && s->job.left > 0 && i + 1 < lx.nstmt) {	/* a job started: the rest waits for it */
			defer_rest(s, &lx, i + 1);
			break;
		}
	}
	lex_free(&lx);
	return rc;
}

int session_run_file(Session *s, const char *path, int stop_on_error)
{
	if (!s->src)	/* the outermost script: a whole budget */
		session_script_begin(s);
	Err e;
	if (file_check_regular(path, SCRIPT_MAX_FILE, &e)) {
		session_report(s, "run", &e);
		return ERR_IO;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		err_set(&e, ERR_IO, "%s: %s", path, strerror(errno));
		session_report(s, "run", &e);
		return ERR_IO;
	}
	int rc = session_run_stream(s, f, path, stop_on_error);
	fclose(f);
	return rc;
}

int session_run_stream(Session *s, FILE *f, const char *path, int stop_on_error)
{
	if (!s->src)
		session_script_begin(s);
	Err e;
	const char *osrc = s->src;
	int oline = s->line, rc = 0, first = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	s->src = path;
	s->line = 0;
	while (!s->quit && (len = getline(&line, &cap, f)) >= 0) {
		s->line++;
		if (len > SCRIPT_MAX_LINE) {
			err_set(&e, ERR_FORMAT, "a line of %ld bytes (at most %d): is this a .lab file?", (long)len,
				SCRIPT_MAX_LINE);
			session_report(s, NULL, &e);
			rc = ERR_FORMAT;
			break;
		}
		if (memchr(line, '\0', (size_t)len)) {
			err_set(&e, ERR_FORMAT, "binary data in a script (a NUL byte); is this a .lab file?");
			session_report(s, NULL, &e);
			rc = ERR_FORMAT;
			break;
		}
		/* a UTF-8 byte-order mark (an editor's) is not a command */
		const int bom = s->line == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3);
		rc = session_exec(s, line + 3 * bom);
		if (rc && !first)
			first = rc;
		if (s->script_stop[0]) {	/* stopped whole: the depth, the budget */
			if (!s->depth) {	/* said once, by the outermost script */
				err_set(&e, ERR_STATE, "%s", s->script_stop);
				session_report(s, NULL, &e);
			}
			rc = first = first ? first : ERR_STATE;
			break;
		}
		if (s->host.interrupted && s->host.interrupted(s->host.ctx)) {	/* Ctrl-C, SIGTERM: stop here */
			err_set(&e, ERR_STATE, "stopped at this line (interrupted)");
			session_report(s, NULL, &e);
			rc = first = first ? first : ERR_STATE;
			break;
		}
		if (rc && stop_on_error)
			break;
		/* A script's `train` runs to the end even in the TUI. */
		while (!rc && s->job.left > 0 && !s->quit) {
			int r = session_train_slice(s, 0.1);
			if (r < 0) {
				rc = r;
				break;
			}
			if (r == 0)
				break;
		}
		if (rc && stop_on_error)
			break;
	}
	free(line);
	s->src = osrc;
	s->line = oline;
	return stop_on_error ? rc : first;
}
