/* history.c — growable columns and CSV export. */
#include "history.h"

#include "fileutil.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const hist_col_names[HIST_COLS] = {
	"step", "loss", "val_loss", "grad_norm", "grad_norm_clipped", "lr", "tokens_per_s"
};

void history_init(History *h)
{
	memset(h, 0, sizeof *h);
	h->gap = 1;
	h->tail_kept = 1;
	h->best_val = h->max_grad = NAN;
}

void history_done(History *h)
{
	for (int c = 0; c < HIST_COLS; c++)
		free(h->col[c]);
	history_init(h);
}

void history_clear(History *h)
{
	size_t limit = h->limit;
	double *col[HIST_COLS];
	size_t cap = h->cap;
	memcpy(col, h->col, sizeof col);
	history_init(h);
	memcpy(h->col, col, sizeof col);
	h->cap = cap;
	h->limit = limit;
}

static int reserve(History *h, size_t n, Err *e)
{
	if (n <= h->cap)
		return 0;
	size_t cap = h->cap ? h->cap : 256;
	while (cap < n)
		cap *= 2;
	for (int c = 0; c < HIST_COLS; c++) {
		double *p = realloc(h->col[c], cap * sizeof *p);
		if (!p)
			return err_set(e, ERR_NOMEM, "out of memory for the training history");
		h->col[c] = p;
	}
	h->cap = cap;
	return 0;
}

static size_t limit_of(const History *h)
{
	return h->limit ? h->limit : HISTORY_LIMIT;
}

/* The gap a step falls in (a double: a step from a file may be anything) */
static double bucket(const History *h, double step)
{
	return floor(step / (double)h->gap);
}

static int lower(double v, double best)
{
	return !isnan(v) && (isnan(best) || v < best);
}

static int higher(double v, double best)
{
	return !isnan(v) && (isnan(best) || v > best);
}

/* best_val and max_grad over the rows, after rows went away */
static void recount(History *h)
{
	h->best_val = h->max_grad = NAN;
	for (size_t i = 0; i < h->n; i++) {
		if (lower(h->col[HIST_VAL][i], h->best_val))
			h->best_val = h->col[HIST_VAL][i];
		if (higher(h->col[HIST_GRAD][i], h->max_grad))
			h->max_grad = h->col[HIST_GRAD][i];
	}
}

/* Double the gap and keep, in one pass: the first row of each gap, the
 * first validation row of each gap, the best validation and largest
 * gradient rows, and the newest row. */
static void thin(History *h)
{
	size_t imin = SIZE_MAX, imax = SIZE_MAX;
	for (size_t i = 0; i < h->n; i++) {
		if (imin == SIZE_MAX ? !isnan(h->col[HIST_VAL][i]) : h->col[HIST_VAL][i] < h->col[HIST_VAL][imin])
			imin = i;
		if (imax == SIZE_MAX ? !isnan(h->col[HIST_GRAD][i]) : h->col[HIST_GRAD][i] > h->col[HIST_GRAD][imax])
			imax = i;
	}
	h->gap *= 2;
	double last = -INFINITY, last_val = -INFINITY;
	size_t k = 0;
	int tail_kept = 0;
	for (size_t i = 0; i < h->n; i++) {
		double b = bucket(h, h->col[HIST_STEP][i]);
		int is_val = !isnan(h->col[HIST_VAL][i]);
		int rule = b != last || (is_val && b != last_val) || i == imin || i == imax;
		if (!rule && i + 1 < h->n)
			continue;
		last = b;
		if (is_val)
			last_val = b;
		tail_kept = rule;
		if (k != i)
			for (int c = 0; c < HIST_COLS; c++)
				h->col[c][k] = h->col[c][i];
		k++;
	}
	h->n = k;
	h->tail_kept = tail_kept;
}

static void bound(History *h)
{
	size_t limit = limit_of(h);
	if (h->n <= limit)
		return;
	while (h->n > limit - limit / 4 && h->gap < (1L << 40))
		thin(h);
}

int history_push(History *h, const double *row, Err *e)
{
	if (!h->tail_kept)
		h->n--;	/* the newest step only: this one replaces it */
	int keep = h->n == 0;
	if (!keep) {
		double b = bucket(h, row[HIST_STEP]);
		keep = b != bucket(h, h->col[HIST_STEP][h->n - 1]) || lower(row[HIST_VAL], h->best_val) ||
		       higher(row[HIST_GRAD], h->max_grad);
		if (!keep && !isnan(row[HIST_VAL])) {	/* the gap's first validation row? */
			size_t i = h->n;
			while (i-- > 0 && isnan(h->col[HIST_VAL][i]))
				;
			keep = i == SIZE_MAX || bucket(h, h->col[HIST_STEP][i]) != b;
		}
	}
	int rc = reserve(h, h->n + 1, e);
	if (rc) {
		if (!h->tail_kept)
			h->n++;	/* the replaced row is still there */
		return rc;
	}
	for (int c = 0; c < HIST_COLS; c++)
		h->col[c][h->n] = row[c];
	h->n++;
	h->tail_kept = keep;
	if (lower(row[HIST_VAL], h->best_val))
		h->best_val = row[HIST_VAL];
	if (higher(row[HIST_GRAD], h->max_grad))
		h->max_grad = row[HIST_GRAD];
	bound(h);
	return 0;
}

int history_set(History *h, size_t n, double *const *cols, Err *e)
{
	int rc = reserve(h, n, e);
	if (rc)
		return rc;
	for (int c = 0; c < HIST_COLS; c++)
		if (n)
			memcpy(h->col[c], cols[c], n * sizeof(double));
	h->n = n;
	h->gap = 1;
	h->tail_kept = 1;
	recount(h);
	bound(h);
	return 0;
}

void history_truncate(History *h, double step)
{
	size_t n = h->n;
	while (n > 0 && h->col[HIST_STEP][n - 1] > step)
		n--;
	if (n == h->n)
		return;
	h->n = n;
	h->tail_kept = 1;
	recount(h);
}

double history_last(const History *h, HistCol c)
{
	for (size_t i = h->n; i-- > 0;)
		if (!isnan(h->col[c][i]))
			return h->col[c][i];
	return NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double history_median(const History *h, HistCol c)
{
	double *t = malloc((h->n ? h->n : 1) * sizeof *t);
	if (!t)
		return NAN;
	size_t n = 0;
	for (size_t i = 0; i < h->n; i++)
		if (!isnan(h->col[c][i]))
			t[n++] = h->col[c][i];
	qsort(t, n, sizeof *t, cmp_double);
	double m = n ? t[n / 2] : NAN;
	free(t);
	return m;
}

int history_write_csv(const History *h, const char *path, Err *e)
{
	TextOut t;
	FILE *f = textout_open(&t);
	if (!f)
		return err_set(e, ERR_NOMEM, "out of memory");
	fputs(FILE_CSV_HEAD, f);	/* hist_col_names joined (test_faults): how file_may_write knows it */
	for (size_t i = 0; i < h->n; i++) {
		for (int c = 0; c < HIST_COLS; c++) {
			double v = h->col[c][i];
			if (c)
				fputc(',', f);
			if (c == HIST_STEP)
				fprintf(f, "%.0f", v);
			else if (!isnan(v))
				fprintf(f, "%.9g", v);
		}
		fputc('\n', f);
	}
	return textout_write(&t, path, e);
}
