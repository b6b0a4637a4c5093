/* frontend.h — the front ends that drive a Session. */
#ifndef RNNLAB_FRONTEND_H
#define RNNLAB_FRONTEND_H

#include <stdio.h>

#include "cmd.h"
#include "session.h"

typedef struct Options {
	int ascii;		/* --ascii or a non-UTF-8 locale */
	const char *no_color;	/* why colour=auto means none: "NO_COLOR is set", "--ascii"; NULL */
	int fast;		/* lessons' fast mode: --fast or RNNLAB_FAST=1 */
	unsigned long seed_shift;	/* --seed-shift N: added to every seed */
	const char *log;	/* --log FILE: the workbench's log also goes there */
	long max_commands;	/* --max-commands N (0: the default) */
	size_t max_output;	/* --max-output MB, in bytes (0: the default) */
	const char *exe;	/* this program, for a sweep's workers (NULL: none) */
} Options;

/* Batch mode: run a script file ("-" = stdin) or a -c string; exit status. */
int batch_run_file(const char *path, const Options *o);
int batch_run_string(const char *cmds, const Options *o);

/* The plain REPL (GNU Readline); runs script first when not NULL. */
int repl_run(const char *script, const Options *o);

/* The workbench (ncurses); runs script first when not NULL. */
int tui_run(const char *script, const Options *o);

/* SIGINT handling shared by the front ends: the flag the host polls. */
void frontend_install_sigint(void);
/* SIGTERM and SIGHUP (batch and plain): training stops after the current
 * step, a running script at its next command; frontend_finish then saves
 * the session and gives the exit status (128 + the signal). */
void frontend_install_term(void);
int frontend_terminated(void);
int frontend_finish(Session *s, int rc);
/* rc, or 1 (after a line saying so) when what was printed on stdout could
 * not be written (a full disk, /dev/full, a closed pipe). */
int output_finish(int rc);
int frontend_interrupted(void *ctx);
void frontend_clear_interrupt(void);
extern volatile int frontend_sigint;

/* The workbench's keys, one line each, NULL-terminated (F1 shows them). */
extern const char *const tui_keys[];

/* The manual page (roff) made from the command and settings tables, the
 * keys and the options' usage text (manpage.c). */
void manpage(FILE *f, const char *usage_text);

#endif
