/* history.h — the record of a run: one row per training step.
 *
 * Columns are kept apart (structure of arrays, doubles) so a plot takes a
 * column as it is.  val is NaN on steps without a validation pass.
 *
 * A history is bounded: a class may leave a small model training for an
 * hour, and its record must not grow without end (it is drawn on every
 * redraw and written into every saved session).  Up to `limit` rows every
 * step is kept.  Past that the history thins itself: the gap doubles and
 * one row per `gap` steps is kept, uniformly over the whole run, and so is
 * one validation row per gap.  Always kept: the newest step (the last row,
 * whatever the gap), the row with the lowest validation loss and the one
 * with the largest gradient norm, so that `expect best val` and
 * `expect max grad` read the same numbers as without thinning.
 */
#ifndef RNNLAB_HISTORY_H
#define RNNLAB_HISTORY_H

#include <stddef.h>

#include "err.h"

typedef enum {
	HIST_STEP, HIST_LOSS, HIST_VAL, HIST_GRAD, HIST_GRAD_CLIPPED, HIST_LR, HIST_TOKS,
	HIST_COLS
} HistCol;

extern const char *const hist_col_names[HIST_COLS];	/* CSV header names */

/* Rows kept before the history thins itself: 64Ki rows, 3.5 MiB. */
#define HISTORY_LIMIT ((size_t)1 << 16)

typedef struct History {
	size_t n, cap;
	double *col[HIST_COLS];
	size_t limit;		/* 0: HISTORY_LIMIT (tests set a small one) */
	long gap;		/* steps per kept row (1 until the first thinning) */
	int tail_kept;		/* the last row is kept by the rules; else it is the
				 * newest step only, and the next push replaces it */
	double best_val, max_grad;	/* over the rows (NaN: none) */
} History;

void history_init(History *h);
void history_done(History *h);
void history_clear(History *h);
/* Record one step (row[HIST_COLS], steps increasing): appended, or in
 * place of the newest row when that one was not to be kept. */
int history_push(History *h, const double *row, Err *e);
/* Replace the columns with n rows from cols (for load); all or nothing.
 * Steps must increase; more than the limit are thinned. */
int history_set(History *h, size_t n, double *const *cols, Err *e);
/* Forget the rows after `step` (rewind). */
void history_truncate(History *h, double step);
/* The last non-NaN value of a column, NaN when none. */
double history_last(const History *h, HistCol c);
/* The median of a column's values that are not NaN (NaN when none). */
double history_median(const History *h, HistCol c);
/* Write as CSV with a header line, atomically (temp file + rename). */
int history_write_csv(const History *h, const char *path, Err *e);

#endif
