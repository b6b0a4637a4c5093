/* cmd_file.c — save and load sessions (session_file.c holds the format),
 * the journal, the history as CSV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "fileutil.h"
#include "session_file.h"

int cmd_save(Session *s, int argc, const Word *argv, Err *e)
{
	int force = 0;
	if (argc > 2) {
		if (strcmp(argv[2].text, "force"))
			return err_set(e, ERR_INVAL, "unknown word '%s' (usage: save FILE [force])", argv[2].text);
		force = 1;
	}
	if (strlen(argv[1].text) >= sizeof s->session_path)	/* whole, or not at all */
		return err_set(e, ERR_INVAL, "the path is longer than %zu characters", sizeof s->session_path - 1);
	int rc = session_may_write(argv[1].text, force, e);
	if (rc || (rc = session_file_write(s, argv[1].text, e)))
		return rc;
	snprintf(s->session_path, sizeof s->session_path, "%s", argv[1].text);
	s->saved_gen = s->weights_gen;
	s->quit_asked = 0;
	session_printf(s, "saved the session to %s (%s%s%zu history rows)", argv[1].text,
		       s->lr ? "model, optimizer state, " : "", s->data ? "data choice, " : "", s->hist.n);
	return 0;
}

int cmd_load(Session *s, int argc, const Word *argv, Err *e)
{
	if (strlen(argv[1].text) >= sizeof s->session_path)
		return err_set(e, ERR_INVAL, "the path is longer than %zu characters", sizeof s->session_path - 1);
	Session *n = session_new(&s->host);
	if (!n)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = session_file_read(n, argv[1].text, e);
	if (rc) {
		session_free(n);
		return rc;
	}
	/* Swap: the loaded state into s, the old one out to be freed.  The
	 * front end's view (host, script position) stays with s. */
	Session old = *s;
	*s = *n;
	s->host = old.host;
	s->src = old.src;
	s->line = old.line;
	s->depth = old.depth;
	s->script_cmds = old.script_cmds;	/* a script's budget is not reset by loading */
	s->script_bytes = old.script_bytes;
	memcpy(s->script_stop, old.script_stop, sizeof s->script_stop);
	*n = old;
	session_free(n);
	snprintf(s->session_path, sizeof s->session_path, "%s", argv[1].text);
	s->saved_gen = s->weights_gen;
	s->quit_asked = 0;
	session_printf(s, "loaded %s: %s%s%s; %zu history rows, step %ld", argv[1].text,
		       s->lr ? s->lr->line + 6 : "no model",
		       s->data ? ", data " : "", s->data ? data_args(s->data) : "", s->hist.n, session_step(s));
	return 0;
}

/* ---- journal, history ---- */

static int write_lines(const char *path, FileKind kind, int force, const char *head, char **lines, int n, Err *e)
{
	int rc = file_may_write(path, kind, force, e);
	if (rc)
		return rc;
	TextOut t;
	if (!textout_open(&t))
		return err_set(e, ERR_NOMEM, "out of memory");
	if (head)
		fputs(head, t.f);
	for (int i = 0; i < n; i++)
		fprintf(t.f, "%s\n", lines[i]);
	return textout_write(&t, path, e);
}

int cmd_journal(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc == 1 || !strcmp(argv[1].text, "show")) {
		if (!s->njournal)
			session_printf(s, "the journal is empty (commands that change the session are recorded)");
		for (int i = 0; i < s->njournal; i++)
			session_printf(s, "%4d  %s", i + 1, s->journal[i]);
		return 0;
	}
	if (strcmp(argv[1].text, "save"))
		return err_set(e, ERR_INVAL, "unknown '%s' (usage: journal [show] | journal save FILE.lab [force])", argv[1].text);
	if (argc < 3)
		return err_set(e, ERR_INVAL, "missing the file (usage: journal save FILE.lab [force])");
	int force = argc > 3 && !strcmp(argv[3].text, "force");
	if (argc > 3 && !force)
		return err_set(e, ERR_INVAL, "unknown word '%s' (usage: journal save FILE.lab [force])", argv[3].text);
	int rc = write_lines(argv[2].text, FILE_LAB, force,
			     "# rnnlab journal: replays the session (rnnlab --batch FILE)\n", s->journal, s->njournal, e);
	if (!rc)
		session_printf(s, "wrote %d commands to %s", s->njournal, argv[2].text);
	return rc;
}

int cmd_history(Session *s, int argc, const Word *argv, Err *e)
{
	int rc;
	if (argc > 1 && !strcmp(argv[1].text, "save")) {
		if (argc < 3)
			return err_set(e, ERR_INVAL, "missing the file (usage: history save FILE.csv [force])");
		int force = argc > 3 && !strcmp(argv[3].text, "force");
		if (argc > 3 && !force)
			return err_set(e, ERR_INVAL, "unknown word '%s' (usage: history save FILE.csv [force])", argv[3].text);
		if ((rc = file_may_write(argv[2].text, FILE_CSV, force, e)) ||
		    (rc = history_write_csv(&s->hist, argv[2].text, e)))
			return rc;
		session_printf(s, "wrote %zu rows to %s", s->hist.n, argv[2].text);
		return 0;
	}
	int n = 10;
	if (argc > 2)
		return err_set(e, ERR_INVAL, "too many arguments (usage: history [N] | history save FILE.csv)");
	if (argc == 2 && (rc = arg_int("N", argv[1].text, 1, 1 << 30, &n, e)))
		return rc;
	if (!s->hist.n) {
		session_printf(s, "no training steps yet");
		return 0;
	}
	session_printf(s, "  %7s %10s %10s %10s %10s %9s", "step", "loss", "val_loss", "grad", "clipped", "lr");
	size_t from = s->hist.n > (size_t)n ? s->hist.n - (size_t)n : 0;
	for (size_t i = from; i < s->hist.n; i++) {
		double *const *c = s->hist.col;
		char val[16] = "-";
		if (!isnan(c[HIST_VAL][i]))
			snprintf(val, sizeof val, "%.5f", c[HIST_VAL][i]);
		session_printf(s, "  %7.0f %10.5f %10s %10.3e %10.3e %9.2e", c[HIST_STEP][i], c[HIST_LOSS][i], val,
			       c[HIST_GRAD][i], c[HIST_GRAD_CLIPPED][i], c[HIST_LR][i]);
	}
	if (s->hist.gap > 1)
		session_printf(s, "(a long run: one row per %ld steps is kept, %zu rows; help history)", s->hist.gap,
			       s->hist.n);
	return 0;
}
