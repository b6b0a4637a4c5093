/* data_s2s.c — sequence-to-sequence toy tasks: reverse, sort, addition,
 * dates.
 *
 * Each example is a source string and a target string over a small
 * character set per side.  Token ids: 0 PAD, 1 BOS, 2 EOS, 3 UNK, the
 * characters from 4 in byte order.  src is the source padded at the end
 * with PAD to S (the longest source the task can make); stored targets are
 * target + EOS padded with PAD to T (the longest target + 1); data_fill
 * derives tgt_in = BOS + target (PAD after).  Only target positions
 * holding PAD go unscored.
 */
#include "data_priv.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum { S2S_MAXLEN = 256 };

typedef struct S2sTask {
	long len, min;		/* reverse, sort */
	long digits;		/* addition */
	long formats;		/* dates */
} S2sTask;

/* Writes one source and one target string (NUL-terminated). */
typedef void (*S2sGen)(Rng *r, const S2sTask *k, char *src, char *tgt);

static void show_s2s(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	const int S = d->info.S, T = d->info.T;
	const uint8_t *src = d->src + (size_t)ex * S, *tgt = d->tgt + (size_t)ex * T;
	char line[DATA_LINE], buf[8];
	snprintf(line, sizeof line, "\"");
	for (int s = 0; s < S && src[s] != DATA_PAD; s++)
		data_cat(line, sizeof line, "%s", data_char_text(d->alpha[0][src[s] - d->first], buf));
	data_cat(line, sizeof line, "\" -> \"");
	for (int t = 0; t < T && tgt[t] >= d->first; t++)
		data_cat(line, sizeof line, "%s", data_char_text(d->alpha[1][tgt[t] - d->first], buf));
	data_cat(line, sizeof line, "\"");
	emit(ctx, line);
	snprintf(line, sizeof line, "src ids:");
	for (int s = 0; s < S && s < 40; s++)
		data_cat(line, sizeof line, " %d", src[s]);
	emit(ctx, line);
	snprintf(line, sizeof line, "tgt_in: ");
	for (int t = 0; t < T && t < 40; t++)
		data_cat(line, sizeof line, " %d", t ? (tgt[t - 1] == DATA_EOS ? 0 : tgt[t - 1])
			 : DATA_BOS);
	emit(ctx, line);
	snprintf(line, sizeof line, "tgt_out:");
	for (int t = 0; t < T && t < 40; t++)
		data_cat(line, sizeof line, " %d", tgt[t]);
	emit(ctx, line);
}

/* Sort the characters of alpha and drop repeats; returns the count. */
static int alphabet(char *alpha)
{
	int seen[256] = { 0 }, n = 0;
	for (const unsigned char *p = (const unsigned char *)alpha; *p; p++)
		seen[*p] = 1;
	for (int c = 1; c < 256; c++)
		if (seen[c])
			alpha[n++] = (char)c;
	alpha[n] = '\0';
	return n;
}

static int s2s_finish(Dataset *d, const DataArgs *a, const S2sTask *k, S2sGen gen, int S,
		      int tmax, char *src_alpha, char *tgt_alpha, Err *e)
{
	long n;
	double val;
	int rc = data_arg_long(a, "n", 10, 10000000, &n, e);
	if (rc || (rc = data_arg_double(a, "val", 0, 0.9, &val, e)))
		return rc;
	const int T = tmax + 1;
	int nsrc = alphabet(src_alpha), ntgt = alphabet(tgt_alpha);
	data_vocab(d, 0, src_alpha, nsrc, 4);
	data_vocab(d, 1, tgt_alpha, ntgt, 4);
	d->info = (DataInfo){ .kind = DATA_SEQ2SEQ, .T = T, .S = S, .vocab = 4 + nsrc,
			      .tgt_vocab = 4 + ntgt, .out = 4 + ntgt, .per_step = 1,
			      .loss = LOSS_CE };
	if ((rc = data_split(d, n, val, e)))
		return rc;
	d->layout = LAYOUT_S2S;
	char what[64];
	snprintf(what, sizeof what, "%s's %ld examples", d->spec->name, n);
	d->src = data_calloc((size_t)n, (size_t)S, what, e);
	d->tgt = d->src ? data_calloc((size_t)n, (size_t)T, what, e) : NULL;
	if (!d->tgt)
		return ERR_NOMEM;
	Rng r;
	rng_seed(&r, d->seed);
	char s[S2S_MAXLEN + 1], t[S2S_MAXLEN + 1];
	long pad = 0;
	for (long i = 0; i < n; i++) {
		gen(&r, k, s, t);
		size_t ls = strlen(s), lt = strlen(t);
		assert(ls <= (size_t)S && lt <= (size_t)tmax);
		uint8_t *src = d->src + (size_t)i * S, *tgt = d->tgt + (size_t)i * T;
		for (size_t j = 0; j < ls; j++)
			src[j] = (uint8_t)d->tok_id[0][(unsigned char)s[j]];
		for (size_t j = 0; j < lt; j++)
			tgt[j] = (uint8_t)d->tok_id[1][(unsigned char)t[j]];
		tgt[lt] = DATA_EOS;	/* PAD (0) after, from calloc */
		pad += ls < (size_t)S;
	}
	data_note(d, "source padded at the end with PAD to S=%d (%.0f%% of sources are shorter); "
		  "tgt_in = BOS + target, tgt_out = target + EOS, padded to T=%d", S,
		  100.0 * pad / n, T);
	data_note(d, "ids: 0 PAD, 1 BOS, 2 EOS, 3 UNK; source characters \"%s\" from 4; target "
		  "characters \"%s\" from 4", src_alpha, tgt_alpha);
	d->show = show_s2s;
	return 0;
}

/* ---- reverse, sort ---- */

static void gen_reverse(Rng *r, const S2sTask *k, char *src, char *tgt)
{
	long L = k->min + (long)rng_below(r, (uint32_t)(k->len - k->min + 1));
	for (long i = 0; i < L; i++)
		src[i] = (char)('a' + rng_below(r, 26));
	for (long i = 0; i < L; i++)
		tgt[i] = src[L - 1 - i];
	src[L] = tgt[L] = '\0';
}

static void gen_sort(Rng *r, const S2sTask *k, char *src, char *tgt)
{
	long L = k->min + (long)rng_below(r, (uint32_t)(k->len - k->min + 1)), cnt[10] = { 0 };
	for (long i = 0; i < L; i++) {
		int v = (int)rng_below(r, 10);
		src[i] = (char)('0' + v);
		cnt[v]++;
	}
	long j = 0;
	for (int v = 0; v < 10; v++)
		while (cnt[v]--)
			tgt[j++] = (char)('0' + v);
	src[L] = tgt[L] = '\0';
}

static int open_lengths(Dataset *d, const DataArgs *a, S2sGen gen, const char *alpha, Err *e)
{
	S2sTask k = { 0 };
	int rc = data_arg_long(a, "len", 1, 200, &k.len, e);
	if (rc || (rc = data_arg_long(a, "min", 1, k.len, &k.min, e)))
		return rc;
	char sa[64], ta[64];
	snprintf(sa, sizeof sa, "%s", alpha);
	snprintf(ta, sizeof ta, "%s", alpha);
	rc = s2s_finish(d, a, &k, gen, (int)k.len, (int)k.len, sa, ta, e);
	if (!rc)
		data_note(d, "lengths from min=%ld to len=%ld, each equally likely", k.min, k.len);
	return rc;
}

int data_open_reverse(Dataset *d, const DataArgs *a, Err *e)
{
	return open_lengths(d, a, gen_reverse, "abcdefghijklmnopqrstuvwxyz", e);
}

int data_open_sort(Dataset *d, const DataArgs *a, Err *e)
{
	return open_lengths(d, a, gen_sort, "0123456789", e);
}

/* ---- addition ---- */

/* A number of 1..D digits, each length equally likely, no leading zero. */
static int gen_number(Rng *r, long D, char *s)
{
	int nd = 1 + (int)rng_below(r, (uint32_t)D);
	for (int i = 0; i < nd; i++)
		s[i] = (char)('0' + (i == 0 && nd > 1 ? 1 + rng_below(r, 9) : rng_below(r, 10)));
	s[nd] = '\0';
	return nd;
}

static void gen_addition(Rng *r, const S2sTask *k, char *src, char *tgt)
{
	char x[64], y[64], sum[64];
	int nx = gen_number(r, k->digits, x), ny = gen_number(r, k->digits, y);
	int n = 0, carry = 0;
	for (int i = nx - 1, j = ny - 1; i >= 0 || j >= 0 || carry; i--, j--) {
		int v = carry + (i >= 0 ? x[i] - '0' : 0) + (j >= 0 ? y[j] - '0' : 0);
		sum[n++] = (char)('0' + v % 10);
		carry = v / 10;
	}
	for (int i = 0; i < n; i++)
		tgt[i] = sum[n - 1 - i];
	tgt[n] = '\0';
	snprintf(src, S2S_MAXLEN, "%s+%s", x, y);
}

int data_open_addition(Dataset *d, const DataArgs *a, Err *e)
{
	S2sTask k = { 0 };
	int rc = data_arg_long(a, "digits", 1, 60, &k.digits, e);
	if (rc)
		return rc;
	char sa[] = "+0123456789", ta[] = "0123456789";
	rc = s2s_finish(d, a, &k, gen_addition, 2 * (int)k.digits + 1, (int)k.digits + 1, sa, ta,
			e);
	if (!rc)
		data_note(d, "operands of 1..%ld digits, each length equally likely; the sum is "
			  "written most significant digit first", k.digits);
	return rc;
}

/* ---- dates ---- */

static const char *const month_full[12] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"
};

static int days_in(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dm[m] + (m == 1 && leap);
}

/* The source formats, in the order formats=N enables them; s holds 48. */
static void format_date(char *s, int f, int y, int m, int day)
{
	switch (f) {
	case 0: snprintf(s, 48, "%d %.3s %d", day, month_full[m], y); break;
	case 1: snprintf(s, 48, "%.3s %d, %d", month_full[m], day, y); break;
	case 2: snprintf(s, 48, "%02d/%02d/%d", day, m + 1, y); break;
	case 3: snprintf(s, 48, "%s %d, %d", month_full[m], day, y); break;
	default: snprintf(s, 48, "%d %s %d", day, month_full[m], y); break;
	}
}

static void gen_dates(Rng *r, const S2sTask *k, char *src, char *tgt)
{
	int y = 1900 + (int)rng_below(r, 200), m = (int)rng_below(r, 12);
	int day = 1 + (int)rng_below(r, (uint32_t)days_in(y, m));
	format_date(src, (int)rng_below(r, (uint32_t)k->formats), y, m, day);
	snprintf(tgt, S2S_MAXLEN, "%04d-%02d-%02d", y, m + 1, day);
}

int data_open_dates(Dataset *d, const DataArgs *a, Err *e)
{
	S2sTask k = { 0 };
	int rc = data_arg_long(a, "formats", 1, 5, &k.formats, e);
	if (rc)
		return rc;
	/* The source alphabet and S cover every format, so they do not depend
	 * on formats= or the seed. */
	char sa[256] = "0123456789 ,/", ta[] = "0123456789-", s[48];
	int S = 0;
	for (int m = 0; m < 12; m++) {
		data_cat(sa, sizeof sa, "%s", month_full[m]);
		for (int f = 0; f < 5; f++) {
			format_date(s, f, 2000, m, 28);
			if ((int)strlen(s) > S)
				S = (int)strlen(s);
		}
	}
	rc = s2s_finish(d, a, &k, gen_dates, S, 10, sa, ta, e);
	if (!rc) {
		data_note(d, "dates 1900-01-01 to 2099-12-31 in %ld source format%s; the target is "
			  "always YYYY-MM-DD", k.formats, k.formats > 1 ? "s" : "");
		data_note(d, "formats (formats=N uses the first N): \"27 Nov 2026\", \"Nov 27, 2026\", "
			  "\"27/11/2026\", \"November 27, 2026\", \"27 November 2026\"");
	}
	return rc;
}
