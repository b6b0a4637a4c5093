/* rlbridge.h — GNU Readline's callback interface inside ncurses.
 *
 * Keys are read by curses and handed to Readline one byte at a time; the
 * line Readline edits is drawn into the prompt window by our redisplay
 * function; a finished line is handed to the `done` callback.  This is the
 * only file that knows about Readline in the TUI (and, STYLE 8, holds the
 * one static that Readline's callbacks force on us).
 */
#ifndef RNNLAB_RLBRIDGE_H
#define RNNLAB_RLBRIDGE_H

#include <curses.h>

typedef struct RlBridge {
	WINDOW *win;			/* the prompt window (borrowed) */
	void (*done)(void *ctx, char *line);	/* a whole line (owned by the callee) or NULL at EOF */
	void (*matches)(void *ctx, char **m, int n, int maxlen);	/* completion list */
	void *ctx;
} RlBridge;

/* Install; prompt is copied by Readline. */
void rlb_init(RlBridge *b, const char *prompt);
void rlb_done(void);
/* Feed one key from wget_wch (a character; keys are mapped to the
 * escape sequences Readline understands). */
void rlb_feed_char(wint_t ch);
void rlb_feed_key(int key);
/* Redraw the prompt line (after a resize or a clear). */
void rlb_redisplay(void);
/* The text being edited is empty (single-key shortcuts apply). */
int rlb_line_empty(void);
/* Forget the current line (Ctrl-C at the prompt). */
void rlb_clear_line(void);
/* Load (save = 0) or save (save = 1) the history file at path. */
void rlb_history(const char *path, int save);
/* Move the prompt window (after a resize). */
void rlb_set_window(WINDOW *win);

#endif
