/* history.h — the record of a run: one row per training step.
 *
 * Columns are kept apart (structure of arrays, doubles) so a plot takes a
 * column as it is.  val is NaN on steps without a validation pass.
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

typedef struct History {
	size_t n, cap;
	double *col[HIST_COLS];
} History;

void history_init(History *h);
void history_done(History *h);
void history_clear(History *h);
/* Append one row (row[HIST_COLS]); grows geometrically. */
int history_push(History *h, const double *row, Err *e);
/* Replace the columns with n rows from cols (for load); all or nothing. */
int history_set(History *h, size_t n, double *const *cols, Err *e);
/* The last non-NaN value of a column, NaN when none. */
double history_last(const History *h, HistCol c);
/* Write as CSV with a header line, atomically (temp file + rename). */
int history_write_csv(const History *h, const char *path, Err *e);

#endif
