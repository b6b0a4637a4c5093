/* lex.h — splitting a command line into statements and words.
 *
 *   model lstm hidden=64; train 200      two statements
 *   save "my runs/a.npz"                 a path with spaces, in double quotes
 *   generate 200 prime="To be"           key="value with spaces"
 *   # a comment                          from # to the end, outside quotes
 *
 * Inside quotes \" and \\ stand for " and \.  A word is key=value when it has
 * an '=' outside quotes after at least one character; the key is then the
 * text before it and the value the (unquoted) text after.
 */
#ifndef RNNLAB_LEX_H
#define RNNLAB_LEX_H

#include <stddef.h>

#include "err.h"

#define LEX_MAX_WORDS 64
#define LEX_MAX_STMTS 64

typedef struct Word {
	const char *text;	/* the whole word, unquoted */
	const char *key;	/* key=value: the key, else NULL */
	const char *value;	/* key=value: the value, else NULL */
} Word;

typedef struct Stmt {
	int argc;
	Word *argv;		/* into Lexed.words */
} Stmt;

typedef struct Lexed {
	int nstmt;
	Stmt stmt[LEX_MAX_STMTS];
	int nword;
	Word words[LEX_MAX_WORDS * 2];
	char *buf;		/* owned: the texts */
} Lexed;

/* Split line; empty statements are dropped.  On error nothing is owned. */
int lex_line(const char *line, Lexed *out, Err *e);
void lex_free(Lexed *l);

/* Quote text for a command line if it needs it (spaces, quotes, # ; =).
 * Writes at most cap bytes; returns the length it needed. */
size_t lex_quote(const char *text, char *out, size_t cap);

#endif
