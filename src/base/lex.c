/* lex.c — statements and words of the command language. */
#include "lex.h"

#include <stdlib.h>
#include <string.h>

int lex_line(const char *line, Lexed *out, Err *e)
{
	memset(out, 0, sizeof *out);
	size_t n = strlen(line);
	/* Each word's text and key need at most n + 2 bytes in all, twice. */
	char *buf = malloc(2 * n + 2 * LEX_MAX_WORDS * 2 + 2);
	if (!buf)
		return err_set(e, ERR_NOMEM, "out of memory");
	out->buf = buf;
	char *w = buf;
	const char *p = line;
	int stmt_start = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#' || *p == ';') {
			if (out->nword > stmt_start) {
				if (out->nstmt == LEX_MAX_STMTS) {
					lex_free(out);
					return err_set(e, ERR_INVAL, "too many statements on one line (at most %d)", LEX_MAX_STMTS);
				}
				Stmt *s = &out->stmt[out->nstmt++];
				s->argc = out->nword - stmt_start;
				s->argv = &out->words[stmt_start];
				stmt_start = out->nword;
			}
			if (*p == ';') {
				p++;
				continue;
			}
			break;
		}
		if (out->nword - stmt_start >= LEX_MAX_WORDS || out->nword >= (int)(sizeof out->words / sizeof out->words[0])) {
			lex_free(out);
			return err_set(e, ERR_INVAL, "too many words in one command (at most %d)", LEX_MAX_WORDS);
		}
		/* One word: unquote into w, remember the first '=' outside quotes. */
		char *start = w;
		long eq = -1;
		int inq = 0;
		while (*p) {
			char ch = *p;
			if (inq) {
				if (ch == '"') {
					inq = 0;
					p++;
					continue;
				}
				if (ch == '\\' && (p[1] == '"' || p[1] == '\\')) {
					*w++ = p[1];
					p += 2;
					continue;
				}
				if (ch == '\n' || ch == '\r') {	/* a word is on one line: the journal must replay it */
					lex_free(out);
					return err_set(e, ERR_INVAL, "unterminated quote (close it with \" on the same line)");
				}
				*w++ = ch;
				p++;
				continue;
			}
			if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == ';' || ch == '#')
				break;
			if (ch == '"') {
				inq = 1;
				p++;
				continue;
			}
			if (ch == '=' && eq < 0 && w > start)
				eq = w - start;
			*w++ = ch;
			p++;
		}
		if (inq) {
			lex_free(out);
			return err_set(e, ERR_INVAL, "unterminated quote (close it with \")");
		}
		*w++ = '\0';
		Word *wd = &out->words[out->nword++];
		wd->text = start;
		if (eq >= 0) {
			char *k = w;
			memcpy(k, start, (size_t)eq);
			k[eq] = '\0';
			w += eq + 1;
			wd->key = k;
			wd->value = start + eq + 1;
		}
	}
	return 0;
}

void lex_free(Lexed *l)
{
	free(l->buf);
	memset(l, 0, sizeof *l);
}

size_t lex_quote(const char *text, char *out, size_t cap)
{
	int need = *text == '\0';
	for (const char *p = text; *p; p++)
		if (strchr(" \t\"#;=\\", *p))
			need = 1;
	size_t len = 0;
#define PUT(c)                          \
	do {                            \
		if (len + 1 < cap)      \
			out[len] = (c); \
		len++;                  \
	} while (0)
	if (need)
		PUT('"');
	for (const char *p = text; *p; p++) {
		if (need && (*p == '"' || *p == '\\'))
			PUT('\\');
		PUT(*p);
	}
	if (need)
		PUT('"');
#undef PUT
	if (cap)
		out[len < cap ? len : cap - 1] = '\0';
	return len;
}
