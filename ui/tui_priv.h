/* tui_priv.h — what the workbench's two halves share: tui.c (the loop,
 * keys, scripts, the host) and tui_draw.c (the windows and what they show). */
#ifndef RNNLAB_TUI_PRIV_H
#define RNNLAB_TUI_PRIV_H

#include <stdio.h>

#include <curses.h>

#include "blit.h"
#include "rlbridge.h"
#include "session.h"
#include "views.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define LOG_MAX 4000
#define SCRIPT_DEPTH 8
#define NARR_MAX 8		/* narration lines kept in sight */
#define REDRAW_INTERVAL 0.2	/* seconds between pane redraws while training */
#define SLICE 0.04		/* seconds of training per idle tick */
#define ONE_STEP 1e-12		/* a slice that ends after its first step */


typedef struct LogLine {
	char *text;
	int error;
} LogLine;

typedef struct Script {
	FILE *f;
	char *path;
	int line;
} Script;

typedef struct Tui {
	Session *s;
	FILE *logf;		/* --log: every log line also goes here */
	WINDOW *status, *tabs, *pane, *log, *prompt;
	int rows, cols, too_small;
	Pane pane_kind;
	int welcome;		/* the first screen, until a command runs */
	int help;
	Grid *grid;
	GridColors colors;	/* session_colors(), as of the last draw */
	Blit blit;		/* the terminal's colours, the pane's overlay */
	int ascii;
	LogLine lines[LOG_MAX];
	int nlines, first;	/* ring */
	int scroll;		/* lines up from the bottom */
	int paused;
	char inside[96];	/* inside a long step: where it is (stepwatch.h), or inside a
				   long command ("busy: gradcheck"); "" between them */
	double inside_drawn;	/* when a command's busy line was last drawn */
	int esc_latched;	/* the latched interrupt came from Esc, not Ctrl-C */
	int stopped_inside;	/* Esc or Ctrl-C stopped a step from inside it */
	double pace_next;	/* set pace=N: when the next step may run */
	ViewEigen eig;		/* the flow pane's eigenvalues (of eig_gen's weights, eig.layer) */
	unsigned long eig_gen;
	double eig_time;
	int lesson_no, lesson_part, lesson_parts;	/* the lesson running (0: none), its part */
	char *narr[NARR_MAX];	/* its narration since the last pause, kept in sight */
	int nnarr;
	int waiting_key;	/* a lesson's pause */
	int dirty;
	double last_draw;
	int gate_pick;		/* gates pane on a small screen: which map */
	Script scripts[SCRIPT_DEPTH];
	int nscripts;
	double rho[MODEL_MAX_LAYERS * 4];
	unsigned long rho_gen;	/* the weights rho was computed from */
	double rho_time;
	int quit;
	RlBridge rl;
	double draw_seconds, train_seconds;	/* RNNLAB_STATS: the live view's cost */
	long draws;
} Tui;

/* Seconds on the monotonic clock. */
double tui_now(void);

/* The windows: made for the terminal's size (layout), freed. */
void layout(Tui *t);
void destroy_windows(Tui *t);
/* Forget the narration in sight. */
void narration_clear(Tui *t);
/* The status bar alone, at once (inside a long step, where the rest of
 * the screen must wait for the step's numbers). */
void draw_status_now(Tui *t);
/* Draw what changed (everything when t->dirty). */
void draw_all(Tui *t);

#endif
