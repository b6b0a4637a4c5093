/* term.h — the terminal and the signals under the workbench (htop's CRT.c):
 * what tui.c sets up before its windows and restores after them. */
#ifndef RNNLAB_TERM_H
#define RNNLAB_TERM_H

/* Catch SIGINT (frontend_sigint), SIGTERM and SIGHUP (term_signal); hold
 * stderr back in a temporary file; start curses: cbreak, no echo, no
 * newline mapping, a 25 ms Esc delay. */
void term_start(void);
/* End curses (endwin, once), then write out what stderr held. */
void term_end(void);
/* The SIGTERM or SIGHUP caught since term_start, or 0. */
int term_signal(void);

/* Does the terminal TERM names have a terminfo entry here?  (Without one
 * curses cannot start: rnnlab falls back to the plain line mode.) */
int term_known(void);

#endif
