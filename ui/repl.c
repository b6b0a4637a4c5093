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
#include "frontend.h"

#define HISTORY_MAX 1000

static const Session *complete_session;

typedef struct Cands {
	char **v;
	int n, cap;
} Cands;

static void cand_add(void *ctx, const char *c)
{
	Cands *cs = ctx;
	if (cs->n + 1 >= cs->cap) {
		int cap = cs->cap ? cs->cap * 2 : 16;
		char **v = realloc(cs->v, (size_t)cap * sizeof *v);
		if (!v)
			return;
		cs->v = v;
		cs->cap = cap;
	}
	char *d = strdup(c);
	if (d)
		cs->v[cs->n++] = d;
}

static Cands cands;
static int cand_next;

static char *generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		cand_next = 0;
	if (cand_next < cands.n) {
		char *c = cands.v[cand_next];
		cands.v[cand_next++] = NULL;
		return c;
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	for (int i = 0; i < cands.n; i++)
		free(cands.v[i]);
	cands.n = 0;
	cmd_complete(complete_session, rl_line_buffer, start, end, cand_add, &cands);
	rl_attempted_completion_over = 1;	/* no filename fallback: we did paths */
	/* Keys (hidden=) and directories (dir/) continue without a space. */
	rl_completion_append_character = ' ';
	if (cands.n == 1) {
		size_t l = strlen(cands.v[0]);
		if (l && (cands.v[0][l - 1] == '=' || cands.v[0][l - 1] == '/'))
			rl_completion_append_character = '\0';
	}
	(void)text;
	return cands.n ? rl_completion_matches(text, generator) : NULL;
}

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

int repl_run(const char *script, const Options *o)
{
	Host h = { 0 };
	h.print = out_line;
	h.error = err_line;
	h.interrupted = frontend_interrupted;
	h.pause = on_pause;
	h.ascii = o->ascii;
	h.color = o->color;
	h.width = 78;
	Session *s = session_new(&h);
	if (!s) {
		fprintf(stderr, "rnnlab: out of memory\n");
		return 1;
	}
	complete_session = s;
	frontend_install_sigint();
	rl_readline_name = "rnnlab";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t;";
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
	while (!s->quit) {
		char *line = readline("rnnlab> ");
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
	for (int i = 0; i < cands.n; i++)
		free(cands.v[i]);
	free(cands.v);
	session_free(s);
	return 0;
}
