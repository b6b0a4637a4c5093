/* data_batch.c — time-major batches of examples.
 *
 * data_fill expands the compact storage of a dataset into the [T, B, .]
 * buffers the network reads: symbols into one-hot rows, series windows into
 * values, text windows into tokens and next-token targets, seq2seq pairs
 * into src, tgt_in, tgt_out.  Buffers are sized once; filling never
 * allocates.
 */
#include "data_priv.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Floats per target value: a class id for ce, else out values. */
static int target_width(const DataInfo *in)
{
	return in->loss == LOSS_CE ? 1 : in->out;
}

int data_batch_init(DataBatch *db, const Dataset *d, int B, Err *e)
{
	memset(db, 0, sizeof *db);
	const DataInfo *in = &d->info;
	if (B < 1 || B > 1 << 20)
		return err_set(e, ERR_INVAL, "batch must be from 1 to %d, got %d", 1 << 20, B);
	size_t TB = (size_t)in->T * (size_t)B;
	size_t ny = (in->per_step ? TB : (size_t)B) * (size_t)target_width(in);
	const char *what = "the batch buffers";
	int rc = 0;
	db->Bcap = B;
	if (in->kind == DATA_SEQ2SEQ) {
		db->src = data_calloc((size_t)in->S * B, sizeof *db->src, what, e);
		db->tgt_in = db->src ? data_calloc(TB, sizeof *db->tgt_in, what, e) : NULL;
		db->tgt_out = db->tgt_in ? data_calloc(TB, sizeof *db->tgt_out, what, e) : NULL;
		rc = db->tgt_out ? 0 : ERR_NOMEM;
	} else if (in->in) {
		db->x = data_calloc(TB * (size_t)in->in, sizeof *db->x, what, e);
		rc = db->x ? 0 : ERR_NOMEM;
	} else {
		db->tok = data_calloc(TB, sizeof *db->tok, what, e);
		rc = db->tok ? 0 : ERR_NOMEM;
	}
	if (!rc) {
		db->y = data_calloc(ny, sizeof *db->y, what, e);
		rc = db->y ? 0 : ERR_NOMEM;
	}
	if (rc)
		data_batch_done(db);
	return rc;
}

void data_batch_done(DataBatch *db)
{
	free(db->x);
	free(db->tok);
	free(db->y);
	free(db->src);
	free(db->tgt_in);
	free(db->tgt_out);
	memset(db, 0, sizeof *db);
}

static void fill_dense(const Dataset *d, long base, const long *idx, int n, DataBatch *db)
{
	const int T = d->info.T, I = d->info.in;
	for (int j = 0; j < n; j++) {
		const float *x = d->xf + (size_t)(base + idx[j]) * T * I;
		for (int t = 0; t < T; t++)
			memcpy(db->x + ((size_t)t * n + j) * I, x + (size_t)t * I,
			       (size_t)I * sizeof *x);
	}
}

static void fill_symbols(const Dataset *d, long base, const long *idx, int n, DataBatch *db)
{
	const int T = d->info.T, I = d->info.in;
	if (d->onehot)
		memset(db->x, 0, (size_t)T * n * I * sizeof *db->x);
	for (int j = 0; j < n; j++) {
		const uint8_t *s = d->xs + (size_t)(base + idx[j]) * T;
		for (int t = 0; t < T; t++) {
			size_t r = (size_t)t * n + j;
			if (!I)
				db->tok[r] = s[t];
			else if (!d->onehot)
				db->x[r] = s[t] * d->scale;
			else if (s[t] < I)
				db->x[r * I + s[t]] = 1.0f;
		}
	}
}

/* Targets stored per example as [T, Y] or [Y]: to [T, n, Y] or [n, Y]. */
static void fill_targets(const Dataset *d, long base, const long *idx, int n, DataBatch *db)
{
	const int T = d->info.T, Y = target_width(&d->info);
	for (int j = 0; j < n; j++) {
		const float *y = d->yf + (size_t)(base + idx[j]) * d->ylen;
		if (!d->info.per_step) {
			memcpy(db->y + (size_t)j * Y, y, (size_t)Y * sizeof *y);
			continue;
		}
		for (int t = 0; t < T; t++)
			memcpy(db->y + ((size_t)t * n + j) * Y, y + (size_t)t * Y,
			       (size_t)Y * sizeof *y);
	}
}

static void fill_series(const Dataset *d, long base, const long *idx, int n, DataBatch *db)
{
	const int W = d->window, H = d->horizon;
	for (int j = 0; j < n; j++) {
		const float *s = d->series + d->off[base + idx[j]];
		for (int t = 0; t < W; t++)
			db->x[(size_t)t * n + j] = s[t];
		memcpy(db->y + (size_t)j * H, s + W, (size_t)H * sizeof *s);
	}
}

static void fill_text(const Dataset *d, long base, const long *idx, int n, DataBatch *db)
{
	const int T = d->info.T;
	for (int j = 0; j < n; j++) {
		const uint8_t *s = d->ids + d->off[base + idx[j]];
		for (int t = 0; t < T; t++) {
			db->tok[(size_t)t * n + j] = s[t];
			db->y[(size_t)t * n + j] = s[t + 1];
		}
	}
}

static void fill_s2s(const Dataset *d, long base, const long *idx, int n, DataBatch *db)
{
	const int S = d->info.S, T = d->info.T;
	for (int j = 0; j < n; j++) {
		const uint8_t *src = d->src + (size_t)(base + idx[j]) * S;
		const uint8_t *tgt = d->tgt + (size_t)(base + idx[j]) * T;
		for (int s = 0; s < S; s++)
			db->src[(size_t)s * n + j] = src[s];
		for (int t = 0; t < T; t++) {
			size_t r = (size_t)t * n + j;
			int prev = t ? tgt[t - 1] : DATA_BOS;
			db->tgt_in[r] = prev == DATA_EOS ? DATA_PAD : prev;
			db->tgt_out[r] = tgt[t];
			db->y[r] = tgt[t];
		}
	}
}

void data_fill(const Dataset *d, int split, const long *idx, int n, DataBatch *db)
{
	assert(n >= 1 && n <= db->Bcap);
	assert(split == SPLIT_TRAIN || split == SPLIT_VAL);
	long base = split == SPLIT_TRAIN ? 0 : d->info.n_train;
	long count = split == SPLIT_TRAIN ? d->info.n_train : d->info.n_val;
	for (int j = 0; j < n; j++)
		assert(idx[j] >= 0 && idx[j] < count);
	(void)count;
	switch (d->layout) {
	case LAYOUT_DENSE:
		fill_dense(d, base, idx, n, db);
		fill_targets(d, base, idx, n, db);
		break;
	case LAYOUT_SYMBOLS:
		fill_symbols(d, base, idx, n, db);
		fill_targets(d, base, idx, n, db);
		break;
	case LAYOUT_SERIES:
		fill_series(d, base, idx, n, db);
		break;
	case LAYOUT_TEXT:
		fill_text(d, base, idx, n, db);
		break;
	case LAYOUT_S2S:
		fill_s2s(d, base, idx, n, db);
		break;
	}
	Batch *b = &db->b;
	memset(b, 0, sizeof *b);
	b->T = d->info.T;
	b->B = n;
	b->x = d->info.in ? db->x : NULL;
	b->tok = d->info.kind == DATA_SEQ2SEQ ? db->tgt_in : d->info.in ? NULL : db->tok;
	b->y = db->y;
	b->y_per_step = d->info.per_step;
}
