/* data_tasks.c — the long-term dependency tasks, for the lessons on
 * vanishing and exploding gradients, and the sequential digits.
 *
 *   adding  x_t = (u_t, m_t), u_t ~ U[0,1), m_t = 1 at one step of each half
 *           y = sum of the two marked u_t                   (mse, per sequence)
 *   copy    K symbols, delay-1 blanks, a delimiter, K blanks; the target is
 *           blank until the delimiter, then the K symbols  (ce, per step)
 *   order   E, noise a-d, X/Y at k windows, B; the class is the X/Y word
 *                                                           (ce, per sequence)
 *   parity  T random bits; y = their xor                   (bce, per sequence)
 *   reber   embedded Reber strings; y_t = the set of symbols that may follow
 *                                                           (bce, per step)
 *   digits  8x8 digits, one pixel (0..1) per step           (ce, per sequence)
 *
 * Every random choice comes from one Rng seeded with the dataset's seed.
 */
#include "data_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The arguments every generated task takes. */
static int common_args(const DataArgs *a, long *n, double *val, Err *e)
{
	int rc = data_arg_long(a, "n", 10, 10000000, n, e);
	return rc ? rc : data_arg_double(a, "val", 0, 0.9, val, e);
}

/* Examples storage: symbols [n, T] (or floats [n, T, in]) and targets. */
static int alloc_examples(Dataset *d, int dense, Err *e)
{
	const DataInfo *in = &d->info;
	char what[64];
	snprintf(what, sizeof what, "%s's %ld examples", d->spec->name, d->n);
	size_t steps = (size_t)d->n * (size_t)in->T;
	int Y = in->loss == LOSS_CE ? 1 : in->out;
	d->ylen = (in->per_step ? in->T : 1) * Y;
	if (dense) {
		d->layout = LAYOUT_DENSE;
		d->xf = data_calloc(steps, (size_t)in->in * sizeof *d->xf, what, e);
		if (!d->xf)
			return ERR_NOMEM;
	} else {
		d->layout = LAYOUT_SYMBOLS;
		d->xs = data_calloc(steps, 1, what, e);
		if (!d->xs)
			return ERR_NOMEM;
	}
	d->yf = data_calloc((size_t)d->n, (size_t)d->ylen * sizeof *d->yf, what, e);
	return d->yf ? 0 : ERR_NOMEM;
}

/* prefix + one character per symbol of s (or of the class ids in f), the
 * middle elided past 100 steps. */
static void symbols_line(char *line, size_t cap, const char *prefix, const uint8_t *s,
			 const float *f, int L, const char *symch, int nsym)
{
	snprintf(line, cap, "%s", prefix);
	for (int t = 0; t < L; t++) {
		if (L > 100 && t == 48) {
			data_cat(line, cap, " ...%d steps... ", L - 96);
			t = L - 48;
		}
		int v = s ? s[t] : (int)f[t];
		data_cat(line, cap, "%c", v >= 0 && v < nsym ? symch[v] : ' ');
	}
}

/* ---- adding ---- */

static void show_adding(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	const int T = d->info.T;
	const float *x = d->xf + (size_t)ex * T * 2;
	char line[DATA_LINE];
	int m[2] = { 0, 0 }, k = 0;
	for (int t = 0; t < T && k < 2; t++)
		if (x[2 * t + 1] == 1.0f)
			m[k++] = t;
	snprintf(line, sizeof line, "markers at t=%d (%.4f) and t=%d (%.4f): target %.4f",
		 m[0], x[2 * m[0]], m[1], x[2 * m[1]], d->yf[ex]);
	emit(ctx, line);
	uint8_t strip[DATA_LINE];
	if (T <= 100) {
		for (int t = 0; t < T; t++)
			strip[t] = x[2 * t + 1] == 1.0f;
		symbols_line(line, sizeof line, "markers: ", strip, NULL, T, ".^", 2);
		emit(ctx, line);
	}
}

int data_open_adding(Dataset *d, const DataArgs *a, Err *e)
{
	long T, n;
	double val;
	int rc = data_arg_long(a, "T", 2, 100000, &T, e);
	if (rc || (rc = common_args(a, &n, &val, e)))
		return rc;
	d->info = (DataInfo){ .kind = DATA_REGRESS, .T = (int)T, .in = 2, .out = 1,
			      .per_step = 0, .loss = LOSS_MSE };
	if ((rc = data_split(d, n, val, e)) || (rc = alloc_examples(d, 1, e)))
		return rc;
	Rng r;
	rng_seed(&r, d->seed);
	const long half = T / 2;
	for (long k = 0; k < n; k++) {
		float *x = d->xf + (size_t)k * T * 2;
		for (long t = 0; t < T; t++)
			x[2 * t] = rng_uniform(&r);
		long i = (long)rng_below(&r, (uint32_t)half);
		long j = half + (long)rng_below(&r, (uint32_t)(T - half));
		x[2 * i + 1] = 1.0f;
		x[2 * j + 1] = 1.0f;
		d->yf[k] = x[2 * i] + x[2 * j];
	}
	double se = 0;
	for (long k = d->info.n_train; k < n; k++)
		se += (d->yf[k] - 1.0) * (d->yf[k] - 1.0);
	data_note(d, "baseline: always predicting 1.0 gives MSE 1/6 = 0.167 in expectation "
		  "(%.4f on the validation split)", d->info.n_val ? se / d->info.n_val : 1.0 / 6);
	data_note(d, "one marker in each half: t in [0, %ld) and [%ld, %ld); Hochreiter & "
		  "Schmidhuber count a sequence solved when |error| < 0.04", half, half, T);
	d->show = show_adding;
	return 0;
}

/* ---- copy ---- */

static void show_copy(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	const int T = d->info.T, nsym = d->info.in;
	char line[DATA_LINE];
	symbols_line(line, sizeof line, "input : ", d->xs + (size_t)ex * T, NULL, T, d->symch, nsym);
	emit(ctx, line);
	symbols_line(line, sizeof line, "target: ", NULL, d->yf + (size_t)ex * T, T, d->symch,
		     nsym - 1);
	emit(ctx, line);
}

int data_open_copy(Dataset *d, const DataArgs *a, Err *e)
{
	long delay, K, A, n;
	double val;
	int rc = data_arg_long(a, "delay", 1, 100000, &delay, e);
	if (rc || (rc = data_arg_long(a, "copy", 1, 1000, &K, e)) ||
	    (rc = data_arg_long(a, "alphabet", 2, 26, &A, e)) ||
	    (rc = common_args(a, &n, &val, e)))
		return rc;
	const long T = delay + 2 * K;
	d->info = (DataInfo){ .kind = DATA_CLASSIFY, .T = (int)T, .in = (int)A + 2,
			      .out = (int)A + 1, .per_step = 1, .loss = LOSS_CE };
	if ((rc = data_split(d, n, val, e)) || (rc = alloc_examples(d, 0, e)))
		return rc;
	/* 0 blank, 1..A the symbols, A+1 the delimiter */
	snprintf(d->symch, sizeof d->symch, "-%.*s:", (int)A, "123456789ABCDEFGHIJKLMNOPQ");
	d->onehot = 1;
	Rng r;
	rng_seed(&r, d->seed);
	for (long k = 0; k < n; k++) {
		uint8_t *x = d->xs + (size_t)k * T;
		float *y = d->yf + (size_t)k * T;
		for (long t = 0; t < K; t++) {
			x[t] = (uint8_t)(1 + rng_below(&r, (uint32_t)A));
			y[K + delay + t] = x[t];
		}
		x[K + delay - 1] = (uint8_t)(A + 1);
	}
	data_note(d, "steps: %ld symbols, %ld blanks, the delimiter ':', %ld blanks (T = delay + "
		  "2*copy = %ld); the target is blank '-' until the recall", K, delay - 1, K, T);
	data_note(d, "baseline: blanks, then guessing, gives cross-entropy copy*ln(alphabet)/T = "
		  "%ld ln %ld / %ld = %.4f (Arjovsky et al.)", K, A, T, K * log((double)A) / T);
	d->show = show_copy;
	return 0;
}

/* ---- temporal order ---- */

enum { ORD_X = 4, ORD_Y = 5, ORD_E = 6, ORD_B = 7, ORD_NSYM = 8 };

static void show_order(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	const int T = d->info.T;
	char line[DATA_LINE], word[4] = "";
	symbols_line(line, sizeof line, "input: ", d->xs + (size_t)ex * T, NULL, T, d->symch,
		     ORD_NSYM);
	emit(ctx, line);
	int cls = (int)d->yf[ex], k = d->info.out == 8 ? 3 : 2;
	for (int j = 0; j < k; j++)
		word[j] = (cls >> (k - 1 - j)) & 1 ? 'Y' : 'X';
	snprintf(line, sizeof line, "class %d (%s)", cls, word);
	emit(ctx, line);
}

int data_open_order(Dataset *d, const DataArgs *a, Err *e)
{
	long T, k, n;
	double val;
	int rc = data_arg_long(a, "T", 20, 100000, &T, e);
	if (rc || (rc = data_arg_long(a, "k", 2, 3, &k, e)) || (rc = common_args(a, &n, &val, e)))
		return rc;
	d->info = (DataInfo){ .kind = DATA_CLASSIFY, .T = (int)T, .in = ORD_NSYM,
			      .out = 1 << k, .per_step = 0, .loss = LOSS_CE };
	if ((rc = data_split(d, n, val, e)) || (rc = alloc_examples(d, 0, e)))
		return rc;
	snprintf(d->symch, sizeof d->symch, "abcdXYEB");
	d->onehot = 1;
	/* windows of the relevant symbols, as fractions of T (H&S: 10-20, 50-60 of 100) */
	static const double win2[2][2] = { { 0.1, 0.2 }, { 0.5, 0.6 } };
	static const double win3[3][2] = { { 0.1, 0.2 }, { 0.33, 0.43 }, { 0.66, 0.76 } };
	const double (*win)[2] = k == 2 ? win2 : win3;
	long lo[3], hi[3];
	for (int j = 0; j < k; j++) {
		lo[j] = lround(win[j][0] * T);
		hi[j] = lround(win[j][1] * T);
	}
	Rng r;
	rng_seed(&r, d->seed);
	for (long m = 0; m < n; m++) {
		uint8_t *x = d->xs + (size_t)m * T;
		for (long t = 1; t < T - 1; t++)
			x[t] = (uint8_t)rng_below(&r, 4);
		x[0] = ORD_E;
		x[T - 1] = ORD_B;
		int cls = 0;
		for (int j = 0; j < k; j++) {
			long t = lo[j] + (long)rng_below(&r, (uint32_t)(hi[j] - lo[j] + 1));
			int bit = (int)rng_below(&r, 2);
			x[t] = (uint8_t)(ORD_X + bit);
			cls = cls * 2 + bit;
		}
		d->yf[m] = (float)cls;
	}
	char where[96] = "";
	for (int j = 0; j < k; j++)
		data_cat(where, sizeof where, "%s[%ld, %ld]", j ? ", " : "", lo[j], hi[j]);
	data_note(d, "symbols a-d are noise; X or Y at steps %s; the class is the X/Y word read "
		  "as binary (X=0, Y=1)", where);
	data_note(d, "baseline: guessing gives cross-entropy ln %d = %.4f, accuracy %.1f%%",
		  1 << k, log((double)(1 << k)), 100.0 / (1 << k));
	d->show = show_order;
	return 0;
}

/* ---- parity ---- */

static void show_parity(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	char line[DATA_LINE];
	symbols_line(line, sizeof line, "bits: ", d->xs + (size_t)ex * d->info.T, NULL,
		     d->info.T, d->symch, 2);
	data_cat(line, sizeof line, "  -> parity %d", (int)d->yf[ex]);
	emit(ctx, line);
}

int data_open_parity(Dataset *d, const DataArgs *a, Err *e)
{
	long T, n;
	double val;
	int rc = data_arg_long(a, "T", 1, 100000, &T, e);
	if (rc || (rc = common_args(a, &n, &val, e)))
		return rc;
	d->info = (DataInfo){ .kind = DATA_BINARY, .T = (int)T, .in = 1, .out = 1,
			      .per_step = 0, .loss = LOSS_BCE };
	if ((rc = data_split(d, n, val, e)) || (rc = alloc_examples(d, 0, e)))
		return rc;
	snprintf(d->symch, sizeof d->symch, "01");
	Rng r;
	rng_seed(&r, d->seed);
	for (long k = 0; k < n; k++) {
		uint8_t *x = d->xs + (size_t)k * T;
		int p = 0;
		for (long t = 0; t < T; t++) {
			x[t] = (uint8_t)(rng_next(&r) >> 63);
			p ^= x[t];
		}
		d->yf[k] = (float)p;
	}
	data_note(d, "input: one bit (0.0 or 1.0) per step; target: 1 when the count of ones is "
		  "odd, one per sequence, bce on a single logit");
	data_note(d, "baseline: guessing (logit 0) gives BCE ln 2 = 0.6931, accuracy 50%%");
	if (T <= 20 && (double)n > 0.5 * (double)(1L << T))
		data_note(d, "note: only %ld distinct strings exist for T=%ld: validation examples "
			  "repeat train ones", 1L << T, T);
	d->show = show_parity;
	return 0;
}

/* ---- embedded Reber grammar ---- */

enum { RB_B, RB_T, RB_P, RB_S, RB_X, RB_V, RB_E, RB_NSYM };

/* The inner grammar: from state s the two edges (symbol, next state);
 * state 1 follows B, state 6 emits E and ends. */
static const int8_t reber_edge[7][2][2] = {
	{ { -1, -1 }, { -1, -1 } },
	{ { RB_T, 2 }, { RB_P, 3 } },
	{ { RB_S, 2 }, { RB_X, 4 } },
	{ { RB_T, 3 }, { RB_V, 5 } },
	{ { RB_X, 3 }, { RB_S, 6 } },
	{ { RB_P, 4 }, { RB_V, 6 } },
	{ { RB_E, -1 }, { RB_E, -1 } },
};

/* One string into x with the set of possible next symbols after each step
 * (bit masks); returns its length, or 0 when it would pass max. */
static int reber_draw(Rng *r, uint8_t *x, uint8_t *next, int max)
{
	int L = 0;
	int c = rng_below(r, 2) ? RB_P : RB_T;
#define EMIT(sym, set) do { if (L >= max) return 0; x[L] = (uint8_t)(sym); \
		next[L++] = (uint8_t)(set); } while (0)
	EMIT(RB_B, 1 << RB_T | 1 << RB_P);
	EMIT(c, 1 << RB_B);
	EMIT(RB_B, 1 << RB_T | 1 << RB_P);
	for (int s = 1; s != 6;) {
		int k = (int)rng_below(r, 2);
		int sym = reber_edge[s][k][0];
		s = reber_edge[s][k][1];
		EMIT(sym, 1 << reber_edge[s][0][0] | 1 << reber_edge[s][1][0]);
	}
	EMIT(RB_E, 1 << c);
	EMIT(c, 1 << RB_E);
	EMIT(RB_E, 0);
#undef EMIT
	return L;
}

static void show_reber(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	const int T = d->info.T;
	const uint8_t *x = d->xs + (size_t)ex * T;
	int L = 0;
	while (L < T && x[L] < RB_NSYM)
		L++;
	char line[DATA_LINE];
	symbols_line(line, sizeof line, "string: ", x, NULL, L, d->symch, RB_NSYM);
	data_cat(line, sizeof line, "  (%d symbols, padded to %d)", L, T);
	emit(ctx, line);
	snprintf(line, sizeof line, "after the inner E the only possible symbol is %c, the "
		 "second symbol", d->symch[x[1]]);
	emit(ctx, line);
}

int data_open_reber(Dataset *d, const DataArgs *a, Err *e)
{
	long T, n;
	double val;
	int rc = data_arg_long(a, "T", 9, 10000, &T, e);
	if (rc || (rc = common_args(a, &n, &val, e)))
		return rc;
	d->info = (DataInfo){ .kind = DATA_BINARY, .T = (int)T, .in = RB_NSYM, .out = RB_NSYM,
			      .per_step = 1, .loss = LOSS_BCE };
	if ((rc = data_split(d, n, val, e)) || (rc = alloc_examples(d, 0, e)))
		return rc;
	snprintf(d->symch, sizeof d->symch, "BTPSXVE");
	d->onehot = 1;
	uint8_t *next = malloc((size_t)T);
	if (!next)
		return err_set(e, ERR_NOMEM, "out of memory");
	Rng r;
	rng_seed(&r, d->seed);
	double total = 0, freq[RB_NSYM] = { 0 };
	for (long k = 0; k < n; k++) {
		uint8_t *x = d->xs + (size_t)k * T;
		float *y = d->yf + (size_t)k * T * RB_NSYM;
		int L;
		while (!(L = reber_draw(&r, x, next, (int)T)))
			;
		memset(x + L, RB_NSYM, (size_t)(T - L));	/* padding: a zero input row */
		for (int t = 0; t < L; t++)
			for (int s = 0; s < RB_NSYM; s++)
				y[t * RB_NSYM + s] = (float)(next[t] >> s & 1);
		total += L;
		if (k < d->info.n_train)
			for (int i = 0; i < T * RB_NSYM; i++)
				freq[i % RB_NSYM] += y[i];
	}
	free(next);
	/* Baseline: each symbol's train frequency of being possible, at every step. */
	double bce = 0;
	for (int s = 0; s < RB_NSYM; s++) {
		double p = freq[s] / ((double)d->info.n_train * T);
		freq[s] = p < 1e-6 ? 1e-6 : p > 1 - 1e-6 ? 1 - 1e-6 : p;
	}
	for (long k = d->info.n_train; k < n; k++)
		for (int i = 0; i < T * RB_NSYM; i++) {
			double p = freq[i % RB_NSYM], y = d->yf[(size_t)k * T * RB_NSYM + i];
			bce -= y * log(p) + (1 - y) * log(1 - p);
		}
	data_note(d, "strings: mean length %.1f; longer than T=%ld are drawn again; shorter ones "
		  "are padded at the end with all-zero inputs whose target is the empty set",
		  total / n, T);
	data_note(d, "target: 7 bits per step, the symbols B T P S X V E that may come next; the "
		  "long-range one: after the inner E, the second symbol again");
	if (d->info.n_val)
		data_note(d, "baseline: each symbol's frequency, ignoring the input, gives BCE %.4f "
			  "on the validation split; perfect prediction gives 0",
			  bce / ((double)d->info.n_val * T * RB_NSYM));
	d->show = show_reber;
	return 0;
}

/* ---- sequential digits ---- */

enum { DIG_PIX = 64, DIG_MAX = 16 };

static void show_digits(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	static const char shade[] = " .:-=+*#%@";
	const uint8_t *x = d->xs + (size_t)ex * DIG_PIX;
	char line[DATA_LINE];
	for (int row = 0; row < 8; row++) {
		snprintf(line, sizeof line, "  |");
		for (int c = 0; c < 8; c++) {
			int v = x[row * 8 + c] * 9 / DIG_MAX;
			data_cat(line, sizeof line, "%c%c", shade[v], shade[v]);
		}
		data_cat(line, sizeof line, "|");
		if (row == 3)
			data_cat(line, sizeof line, "   label %d", (int)d->yf[ex]);
		emit(ctx, line);
	}
	if (d->permuted)
		emit(ctx, "  (pixels as the network sees them: permuted)");
}

/* "p0,p1,...,p63,label" per line, pixels 0..16, into xs/yf in file order. */
static int digits_parse(Dataset *d, const char *path, const char *buf, long rows, Err *e)
{
	const char *p = buf;
	for (long k = 0; k < rows; k++) {
		for (int i = 0; i <= DIG_PIX; i++) {
			char *end;
			long v = strtol(p, &end, 10);
			int max = i < DIG_PIX ? DIG_MAX : 9;
			char sep = i < DIG_PIX ? ',' : '\n';
			if (end == p || v < 0 || v > max || (*end != sep && !(i == DIG_PIX && !*end)))
				return err_set(e, ERR_FORMAT, "%s:%ld: expected 64 pixels 0..16 and a "
					       "label 0..9 separated by commas", path, k + 1);
			if (i < DIG_PIX)
				d->xs[(size_t)k * DIG_PIX + i] = (uint8_t)v;
			else
				d->yf[k] = (float)v;
			p = *end ? end + 1 : end;
		}
	}
	return 0;
}

int data_open_digits(Dataset *d, const DataArgs *a, Err *e)
{
	long permute;
	double val;
	int rc = data_arg_long(a, "permute", 0, 1, &permute, e);
	if (rc || (rc = data_arg_double(a, "val", 0, 0.9, &val, e)))
		return rc;
	char path[4096];
	char *buf;
	size_t len;
	if ((rc = data_find("digits.csv", path, sizeof path, e)) ||
	    (rc = data_read_file(path, "CSV", &buf, &len, e)))
		return rc;
	long rows = 0;
	for (size_t i = 0; i < len; i++)
		rows += buf[i] == '\n' || (i + 1 == len && buf[i] != '\n');
	d->info = (DataInfo){ .kind = DATA_CLASSIFY, .T = DIG_PIX, .in = 1, .out = 10,
			      .per_step = 0, .loss = LOSS_CE };
	d->n = rows;
	if (!(rc = alloc_examples(d, 0, e)) && !(rc = digits_parse(d, path, buf, rows, e)))
		rc = data_split(d, rows, val, e);
	free(buf);
	if (rc)
		return rc;
	d->file = strdup(path);
	d->scale = 1.0f / DIG_MAX;
	/* Shuffle the rows by the seed, then (permute=1) the pixels. */
	Rng r;
	rng_seed(&r, d->seed);
	uint8_t tmp[DIG_PIX];
	for (long i = rows - 1; i > 0; i--) {
		long j = (long)rng_below(&r, (uint32_t)(i + 1));
		memcpy(tmp, d->xs + i * DIG_PIX, DIG_PIX);
		memcpy(d->xs + i * DIG_PIX, d->xs + j * DIG_PIX, DIG_PIX);
		memcpy(d->xs + j * DIG_PIX, tmp, DIG_PIX);
		float t = d->yf[i];
		d->yf[i] = d->yf[j];
		d->yf[j] = t;
	}
	if (permute) {
		int perm[DIG_PIX];
		for (int i = 0; i < DIG_PIX; i++)
			perm[i] = i;
		for (int i = DIG_PIX - 1; i > 0; i--) {
			int j = (int)rng_below(&r, (uint32_t)(i + 1)), t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		for (long k = 0; k < rows; k++) {
			memcpy(tmp, d->xs + k * DIG_PIX, DIG_PIX);
			for (int i = 0; i < DIG_PIX; i++)
				d->xs[k * DIG_PIX + i] = tmp[perm[i]];
		}
		d->permuted = 1;
	}
	data_note(d, "%ld digits of 8x8 pixels, read row by row%s, one pixel (0..16 scaled to "
		  "0..1) per step", rows, permute ? " in a fixed permuted order" : "");
	data_note(d, "baseline: guessing gives cross-entropy ln 10 = 2.3026, accuracy 10%%");
	d->show = show_digits;
	return 0;
}
