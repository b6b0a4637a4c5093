/* term.h — the terminal and the signals under the workbench (htop's CRT.c):
 * what tui.c sets up before its windows and restores after them. */
#ifndef RNNLAB_TERM_H
#define RNNLAB_TERM_H

#include <stddef.h>

#include "grid.h"

/* Catch SIGINT (frontend_sigint), SIGTERM and SIGHUP (term_signal); hold
 * stderr back in a temporary file; start curses: cbreak, no echo, no
 * newline mapping, a 25 ms Esc delay. */
void term_start(void);
/* End curses (endwin, once), then write out what stderr held. */
void term_end(void);
/* The SIGTERM or SIGHUP caught since term_start, or 0. */
int term_signal(void);
/* 1 once after each SIGCONT (the program was stopped, and curses has
 * repainted the screen), else 0. */
int term_continued(void);

/* What `set colour=auto` draws with, and why in a few words (into why):
 * GRID_MONO when off says why the user wants none ("NO_COLOR is set",
 * "--ascii"; NULL: not so); else 24-bit colour when COLORTERM is truecolor
 * or 24bit (or the terminfo entry is direct colour), else 256 or 8 as the
 * terminal has them.  shown: what curses found the terminal shows
 * (blit_init's answer) when curses runs, or -1: read TERM's terminfo entry
 * (stdout must be a terminal). */
GridColors term_colors(const char *off, int shown, char *why, size_t cap);

/* Does the terminal TERM names have a terminfo entry here?  (Without one
 * curses cannot start: rnnlab falls back to the plain line mode.) */
int term_known(void);

#endif
