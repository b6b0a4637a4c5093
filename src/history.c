/* history.c — growable columns and CSV export. */
#include "history.h"

#include <errno.h>
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
}

void history_done(History *h)
{
	for (int c = 0; c < HIST_COLS; c++)
		free(h->col[c]);
	history_init(h);
}

void history_clear(History *h)
{
	h->n = 0;
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

int history_push(History *h, const double *row, Err *e)
{
	int rc = reserve(h, h->n + 1, e);
	if (rc)
		return rc;
	for (int c = 0; c < HIST_COLS; c++)
		h->col[c][h->n] = row[c];
	h->n++;
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
	return 0;
}

double history_last(const History *h, HistCol c)
{
	for (size_t i = h->n; i-- > 0;)
		if (!isnan(h->col[c][i]))
			return h->col[c][i];
	return NAN;
}

int history_write_csv(const History *h, const char *path, Err *e)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return err_set(e, ERR_INVAL, "%s: path too long", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	for (int c = 0; c < HIST_COLS; c++)
		fprintf(f, "%s%s", c ? "," : "", hist_col_names[c]);
	fputc('\n', f);
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
	int bad = ferror(f);
	bad |= fflush(f) != 0;
	bad |= fsync(fileno(f)) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		int err = errno;
		unlink(tmp);
		return err_set(e, ERR_IO, "%s: %s", path, strerror(err ? err : EIO));
	}
	return 0;
}
