/* data_text.c — character-level language models: tinyshakespeare and the
 * user's text files.
 *
 * The tokens are the distinct bytes of the whole file, in byte order, ids
 * from 0 (no PAD/BOS/EOS/UNK: an LM never pads, and an unknown character in
 * a prime is an error).  The first 1 - val of the text trains, the rest
 * validates (chronologically, as char-rnn does).  Each split is cut into
 * non-overlapping windows of seq characters: example k reads
 * ids[off .. off + seq) and predicts ids[off + 1 .. off + seq + 1], a class
 * id at every step (ce).
 */
#include "data_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void show_text(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	const long off = d->off[ex];
	const int T = d->info.T;
	char line[DATA_LINE], buf[8];
	snprintf(line, sizeof line, "text[%ld..%ld): \"", off, off + T);
	int t = 0;
	for (; t < T && strlen(line) < 100; t++)
		data_cat(line, sizeof line, "%s", data_char_text(d->alpha[0][d->ids[off + t]], buf));
	data_cat(line, sizeof line, "\"%s", t < T ? "..." : "");
	emit(ctx, line);
	snprintf(line, sizeof line, "target: the same text one character on (next: '%s')",
		 data_char_text(d->alpha[0][d->ids[off + T]], buf));
	emit(ctx, line);
}

/* Vocabulary, ids, windows and notes for the text buf[0..len) (owned). */
static int text_finish(Dataset *d, const DataArgs *a, const char *path, char *buf, size_t len,
		       Err *e)
{
	long seq;
	double val;
	int rc = data_arg_long(a, "seq", 1, 100000, &seq, e);
	if (rc || (rc = data_arg_double(a, "val", 0, 0.9, &val, e)))
		goto out;
	const long L = (long)len, P = L - lround((double)L * val);
	const long ntr = P > seq ? (P - 1) / seq : 0;
	const long nva = L - P > seq ? (L - P - 1) / seq : 0;
	if (ntr < 1 || (val > 0 && nva < 1)) {
		long need = val > 0 ? (long)ceil((seq + 1) / (val < 0.5 ? val : 1 - val)) : seq + 1;
		rc = err_set(e, ERR_INVAL, "%s: %ld characters are too few for seq=%ld with val=%g "
			     "(need about %ld)", path, L, seq, val, need);
		goto out;
	}
	long count[256] = { 0 };
	for (long i = 0; i < L; i++)
		count[(unsigned char)buf[i]]++;
	char alpha[256];
	int V = 0;
	for (int c = 0; c < 256; c++)
		if (count[c])
			alpha[V++] = (char)c;
	data_vocab(d, 0, alpha, V, 0);
	data_vocab(d, 1, alpha, V, 0);
	d->ids = data_calloc((size_t)L, 1, "the text", e);
	d->off = d->ids ? data_calloc((size_t)(ntr + nva), sizeof *d->off, "the windows", e) : NULL;
	if (!d->off) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (long i = 0; i < L; i++)
		d->ids[i] = (uint8_t)d->tok_id[0][(unsigned char)buf[i]];
	for (long k = 0; k < ntr; k++)
		d->off[k] = k * seq;
	for (long k = 0; k < nva; k++)
		d->off[ntr + k] = P + k * seq;
	d->len = L;
	d->split_at = P;
	d->chrono = 1;
	d->layout = LAYOUT_TEXT;
	d->n = ntr + nva;
	d->info = (DataInfo){ .kind = DATA_LM, .T = (int)seq, .in = 0, .vocab = V, .out = V,
			      .per_step = 1, .loss = LOSS_CE, .n_train = ntr, .n_val = nva };
	/* Baseline: unigram frequencies of the train part (add-one), on validation. */
	long tc[256] = { 0 };
	for (long i = 0; i < P; i++)
		tc[d->ids[i]]++;
	double ce = 0;
	long scored = 0;
	for (long k = ntr; k < d->n; k++)
		for (long t = 1; t <= seq; t++, scored++)
			ce -= log((tc[d->ids[d->off[k] + t]] + 1.0) / ((double)P + V));
	data_note(d, "text: %ld characters (bytes), %d distinct: vocab=%d; train [0, %ld), "
		  "validation [%ld, %ld), windows of seq=%ld not overlapping", L, V, V, P, P, L, seq);
	data_note(d, "baseline: uniform guessing gives cross-entropy ln %d = %.4f%s", V,
		  log((double)V), V > 1 ? "" : " (one character: nothing to learn)");
	if (scored)
		data_note(d, "baseline: the train part's character frequencies give %.4f on "
			  "validation (%.3f bits per character)", ce / scored,
			  ce / scored / log(2.0));
	if (!(d->file = strdup(path)))
		rc = err_set(e, ERR_NOMEM, "out of memory");
	d->show = show_text;
out:
	free(buf);
	return rc;
}

static int open_text_file(Dataset *d, const DataArgs *a, const char *path, Err *e)
{
	char *buf;
	size_t len;
	int rc = data_read_file(path, "text", &buf, &len, e);
	if (rc)
		return rc;
	if (len == 0) {
		free(buf);
		return err_set(e, ERR_FORMAT, "%s: empty file, no text to model", path);
	}
	return text_finish(d, a, path, buf, len, e);
}

int data_open_shakespeare(Dataset *d, const DataArgs *a, Err *e)
{
	char path[4096];
	int rc = data_find("tinyshakespeare.txt", path, sizeof path, e);
	return rc ? rc : open_text_file(d, a, path, e);
}

int data_open_text(Dataset *d, const DataArgs *a, Err *e)
{
	return open_text_file(d, a, a->file, e);
}
