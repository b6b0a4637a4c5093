/* complete.c — Readline completion through cmd_complete(). */
#include "complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "cmd.h"

static const Session *session;	/* Readline's completion hooks take no context */

typedef struct Cands {
	char **v;
	int n, cap, next;
} Cands;

static Cands cands;

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

static void cands_clear(void)
{
	for (int i = 0; i < cands.n; i++)
		free(cands.v[i]);
	cands.n = cands.next = 0;
}

static char *generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		cands.next = 0;
	if (cands.next < cands.n) {
		char *c = cands.v[cands.next];
		cands.v[cands.next++] = NULL;	/* Readline frees it */
		return c;
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	cands_clear();
	cmd_complete(session, rl_line_buffer, start, end, cand_add, &cands);
	rl_attempted_completion_over = 1;	/* no filename fallback: paths are ours */
	/* keys (hidden=) and directories (dir/) go on without a space */
	rl_completion_append_character = ' ';
	if (cands.n == 1) {
		size_t l = strlen(cands.v[0]);
		if (l && (cands.v[0][l - 1] == '=' || cands.v[0][l - 1] == '/'))
			rl_completion_append_character = '\0';
	}
	return cands.n ? rl_completion_matches(text, generator) : NULL;
}

void complete_install(const Session *s)
{
	session = s;
	rl_readline_name = "rnnlab";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t;";
}

void complete_done(void)
{
	cands_clear();
	free(cands.v);
	cands.v = NULL;
	cands.cap = 0;
}
