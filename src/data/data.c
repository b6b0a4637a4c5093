/* data.c — the dataset registry, opening by name with key=value
 * parameters, `data info`, tokens, and the helpers the openers share.
 *
 * The registry is data: one row per dataset with its kind, a line of what
 * it teaches, its source, its parameters (key, default, help) and the
 * function that opens it.  data_open checks every key against the row
 * before the opener runs, so openers only range-check values.
 */
#include "data_priv.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const data_kind_names[DATA_KIND_COUNT] = {
	"regress", "classify", "binary", "lm", "seq2seq"
};

#define P_N { "n", "10000", "examples, train and validation together (10..10000000)" }
#define P_VAL { "val", "0.1", "validation fraction (0..0.9)" }
#define P_WINDOW(w) { "window", w, "input steps per example (1..100000)" }
#define P_HORIZON { "horizon", "1", "values to forecast after the window: out= (1..1000)" }
#define P_MISSING { "missing", "interp", \
	"empty cells: interp (linear, counted in data info) or skip (no window touches one)" }

static const DataParam p_adding[] = {
	{ "T", "100", "sequence length; one marker in each half (2..100000)" },
	P_N, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_copy[] = {
	{ "delay", "20", "blank steps between the symbols and the recall, T in the paper (1..100000)" },
	{ "copy", "10", "symbols to remember (1..1000)" },
	{ "alphabet", "8", "distinct symbols (2..26)" },
	P_N, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_order[] = {
	{ "T", "100", "sequence length (20..100000)" },
	{ "k", "2", "relevant symbols X/Y: 2 (4 classes) or 3 (8 classes)" },
	P_N, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_parity[] = {
	{ "T", "20", "bits per sequence (1..100000)" },
	P_N, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_reber[] = {
	{ "T", "30", "padded length; longer strings are drawn again (9..10000)" },
	P_N, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_digits[] = {
	{ "permute", "0", "1: pixels in a fixed random order drawn from the seed" },
	P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_sine[] = {
	{ "len", "2000", "series length (10..10000000)" },
	{ "period", "25", "steps per cycle (2..1000000)" },
	{ "noise", "0", "std of Gaussian noise added; the amplitude is 1 (0..10)" },
	P_WINDOW("20"), P_HORIZON, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_noisy_sine[] = {
	{ "len", "2000", "series length (10..10000000)" },
	{ "period", "25", "steps per cycle (2..1000000)" },
	{ "noise", "0.2", "std of Gaussian noise added; the amplitude is 1 (0..10)" },
	P_WINDOW("20"), P_HORIZON, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_mackey[] = {
	{ "len", "2000", "series length, one sample per time unit (10..10000000)" },
	{ "tau", "17", "delay; 17 and above is chaotic (1..1000)" },
	P_WINDOW("20"), P_HORIZON, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_sunspots[] = {
	P_WINDOW("20"), P_HORIZON, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_co2[] = {
	P_WINDOW("52"), P_HORIZON, P_VAL, P_MISSING, { NULL, NULL, NULL }
};
static const DataParam p_csv[] = {
	{ "column", "", "header name or number from 1 (default: the last column)" },
	P_WINDOW("20"), P_HORIZON, P_VAL, P_MISSING, { NULL, NULL, NULL }
};
static const DataParam p_text[] = {
	{ "seq", "64", "characters per window (1..100000)" },
	P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_reverse[] = {
	{ "len", "10", "longest string (1..200)" },
	{ "min", "5", "shortest string; shorter than len gives padding (1..len)" },
	P_N, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_addition[] = {
	{ "digits", "3", "most digits per operand (1..60)" },
	P_N, P_VAL, { NULL, NULL, NULL }
};
static const DataParam p_dates[] = {
	{ "formats", "5", "source formats used (1..5; 1: only \"27 Nov 2026\")" },
	P_N, P_VAL, { NULL, NULL, NULL }
};

typedef struct DataEntry {
	DataSpec spec;
	int (*open)(Dataset *d, const DataArgs *a, Err *e);
} DataEntry;

static const DataEntry registry[] = {
	{ { "adding", DATA_REGRESS, "sum the two marked values of a long sequence: a long-range dependency",
	    "generated; the adding problem of Hochreiter & Schmidhuber 1997, Long Short-Term Memory",
	    p_adding, 0 }, data_open_adding },
	{ { "copy", DATA_CLASSIFY, "recall a string of symbols after a long blank delay: memory",
	    "generated; the copy memory task of Arjovsky, Shah & Bengio 2016, Unitary Evolution RNNs",
	    p_copy, 0 }, data_open_copy },
	{ { "order", DATA_CLASSIFY, "classify by the order of two (three) far-apart symbols among noise",
	    "generated; the temporal order task of Hochreiter & Schmidhuber 1997 (experiment 6)",
	    p_order, 0 }, data_open_order },
	{ { "parity", DATA_BINARY, "the parity of T bits: every bit matters until the end",
	    "generated; bit parity, the classic hard case for learning through time",
	    p_parity, 0 }, data_open_parity },
	{ { "reber", DATA_BINARY, "predict the possible next symbols of embedded Reber grammar strings",
	    "generated; Reber 1967 grammar, embedded as in Hochreiter & Schmidhuber 1997 (experiment 1)",
	    p_reber, 0 }, data_open_reber },
	{ { "digits", DATA_CLASSIFY, "classify 8x8 handwritten digits read pixel by pixel, 64 steps",
	    "UCI Optical Recognition of Handwritten Digits test set (E. Alpaydin, C. Kaynak), CC BY 4.0",
	    p_digits, 0 }, data_open_digits },
	{ { "sine", DATA_REGRESS, "forecast a sine wave from a window of its past",
	    "generated", p_sine, 0 }, data_open_sine },
	{ { "noisy_sine", DATA_REGRESS, "forecast a sine wave through Gaussian noise",
	    "generated", p_noisy_sine, 0 }, data_open_sine },
	{ { "mackey", DATA_REGRESS, "forecast the chaotic Mackey-Glass series",
	    "generated; Mackey & Glass 1977, Science 197, with tau=17 as in the forecasting benchmarks",
	    p_mackey, 0 }, data_open_mackey },
	{ { "sunspots", DATA_REGRESS, "forecast yearly sunspot activity 1700-2008 (real data)",
	    "NOAA NGDC, public domain, as shipped in Debian's python3-statsmodels",
	    p_sunspots, 0 }, data_open_sunspots },
	{ { "co2", DATA_REGRESS, "forecast weekly Mauna Loa CO2 1958-2001, with missing weeks (real data)",
	    "Scripps / CDIAC, public domain, as shipped in Debian's python3-statsmodels",
	    p_co2, 0 }, data_open_co2 },
	{ { "shakespeare", DATA_LM, "character-level language model of Shakespeare's plays",
	    "public-domain text, as collected in the char-rnn project's data/tinyshakespeare",
	    p_text, 0 }, data_open_shakespeare },
	{ { "reverse", DATA_SEQ2SEQ, "seq2seq: reverse a string of letters",
	    "generated", p_reverse, 0 }, data_open_reverse },
	{ { "sort", DATA_SEQ2SEQ, "seq2seq: sort a string of digits",
	    "generated", p_reverse, 0 }, data_open_sort },
	{ { "addition", DATA_SEQ2SEQ, "seq2seq: add two numbers written as text, \"123+45\" -> \"168\"",
	    "generated", p_addition, 0 }, data_open_addition },
	{ { "dates", DATA_SEQ2SEQ, "seq2seq: rewrite a date, \"27 Nov 2026\" -> \"2026-11-27\"",
	    "generated", p_dates, 0 }, data_open_dates },
	{ { "csv", DATA_REGRESS, "forecast one numeric column of your CSV file",
	    "your file", p_csv, 1 }, data_open_csv },
	{ { "text", DATA_LM, "character-level language model of your text file",
	    "your file", p_text, 1 }, data_open_text },
};

enum { NREG = (int)(sizeof registry / sizeof registry[0]) };

int data_spec_count(void)
{
	return NREG;
}

const DataSpec *data_spec_at(int i)
{
	return i >= 0 && i < NREG ? &registry[i].spec : NULL;
}

const DataSpec *data_spec_find(const char *name)
{
	for (int i = 0; i < NREG; i++)
		if (strcmp(registry[i].spec.name, name) == 0)
			return &registry[i].spec;
	return NULL;
}

/* ---- parameters ---- */

static int param_index(const DataSpec *s, const char *key)
{
	for (int i = 0; s->params[i].key; i++)
		if (strcmp(s->params[i].key, key) == 0)
			return i;
	return -1;
}

int data_arg_has(const DataArgs *a, const char *key)
{
	return param_index(a->spec, key) >= 0;
}

const char *data_arg_text(const DataArgs *a, const char *key)
{
	int i = param_index(a->spec, key);
	assert(i >= 0);
	return a->val[i];
}

static void param_keys(const DataSpec *s, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (int i = 0; s->params[i].key; i++)
		data_cat(buf, cap, "%s%s", i ? ", " : "", s->params[i].key);
}

int data_arg_long(const DataArgs *a, const char *key, long lo, long hi, long *out, Err *e)
{
	const char *t = data_arg_text(a, key);
	char *end;
	errno = 0;
	long v = strtol(t, &end, 10);
	if (end == t || *end || errno || v < lo || v > hi)
		return err_set(e, ERR_INVAL, "%s: %s must be an integer from %ld to %ld, got '%s'",
			       a->spec->name, key, lo, hi, t);
	*out = v;
	return 0;
}

int data_arg_double(const DataArgs *a, const char *key, double lo, double hi, double *out,
		    Err *e)
{
	const char *t = data_arg_text(a, key);
	char *end;
	errno = 0;
	double v = strtod(t, &end);
	if (end == t || *end || errno || !(v >= lo && v <= hi))
		return err_set(e, ERR_INVAL, "%s: %s must be a number from %g to %g, got '%s'",
			       a->spec->name, key, lo, hi, t);
	*out = v;
	return 0;
}

int data_arg_choice(const DataArgs *a, const char *key, const char *const *names, int count,
		    int *out, Err *e)
{
	const char *t = data_arg_text(a, key);
	char list[160] = "";
	for (int i = 0; i < count; i++) {
		if (strcmp(t, names[i]) == 0) {
			*out = i;
			return 0;
		}
		data_cat(list, sizeof list, "%s%s", i ? " or " : "", names[i]);
	}
	return err_set(e, ERR_INVAL, "%s: %s must be %s, got '%s'", a->spec->name, key, list, t);
}

/* " word", in double quotes when it is empty or holds a space or a quote. */
static size_t put_word(char *s, size_t cap, const char *prefix, const char *w)
{
	int q = !*w || strpbrk(w, " \t\"'") != NULL;
	return (size_t)snprintf(s, cap, q ? " %s\"%s\"" : " %s%s", prefix, w);
}

/* "adding T=100 n=10000 val=0.1"; csv and text with their path first.
 * Parameters left empty (csv's column) are left out. */
static char *make_args(const DataArgs *a)
{
	size_t cap = strlen(a->spec->name) + (a->file ? strlen(a->file) + 4 : 0) + 1;
	for (int i = 0; a->spec->params[i].key; i++)
		cap += strlen(a->spec->params[i].key) + strlen(a->val[i]) + 4;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	size_t n = (size_t)snprintf(s, cap, "%s", a->spec->name);
	if (a->file)
		n += put_word(s + n, cap - n, "", a->file);
	for (int i = 0; a->spec->params[i].key; i++) {
		char key[40];
		snprintf(key, sizeof key, "%s=", a->spec->params[i].key);
		if (a->val[i][0])
			n += put_word(s + n, cap - n, key, a->val[i]);
	}
	return s;
}

int data_open(Dataset **out, const char *name, const char *file, int nkv,
	      const char *const *keys, const char *const *vals, uint64_t seed, Err *e)
{
	*out = NULL;
	const DataEntry *ent = NULL;
	for (int i = 0; i < NREG && !ent; i++)
		if (strcmp(registry[i].spec.name, name) == 0)
			ent = &registry[i];
	if (!ent)
		return err_set(e, ERR_INVAL, "no dataset '%s' (data list shows them)", name);
	const DataSpec *s = &ent->spec;
	if (s->needs_file && (!file || !*file))
		return err_set(e, ERR_INVAL, "data %s needs a file: data %s FILE [key=value...]",
			       name, name);
	if (!s->needs_file && file)
		return err_set(e, ERR_INVAL, "data %s takes no file, only key=value parameters", name);
	DataArgs a = { .spec = s, .file = file };
	for (int i = 0; s->params[i].key; i++) {
		assert(i < DATA_MAX_PARAMS);
		a.val[i] = s->params[i].def;
	}
	for (int k = 0; k < nkv; k++) {
		int i = param_index(s, keys[k]);
		if (i < 0) {
			char list[160];
			param_keys(s, list, sizeof list);
			return err_set(e, ERR_INVAL, "%s has no parameter '%s' (it takes %s)",
				       name, keys[k], list);
		}
		a.val[i] = vals[k];	/* the last of a repeated key wins */
	}
	Dataset *d = calloc(1, sizeof *d);
	if (!d)
		return err_set(e, ERR_NOMEM, "out of memory opening %s", name);
	d->spec = s;
	d->seed = seed;
	d->info.kind = s->kind;
	d->scale = 1.0f;
	d->std = 1.0;
	d->args = make_args(&a);
	int rc = d->args ? ent->open(d, &a, e) : err_set(e, ERR_NOMEM, "out of memory");
	if (rc < 0) {
		data_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void data_free(Dataset *d)
{
	if (!d)
		return;
	free(d->args);
	free(d->file);
	free(d->xf);
	free(d->xs);
	free(d->yf);
	free(d->off);
	free(d->series);
	free(d->missing);
	free(d->ids);
	free(d->src);
	free(d->tgt);
	free(d);
}

const DataInfo *data_info(const Dataset *d)
{
	return &d->info;
}

const char *data_name(const Dataset *d)
{
	return d->spec->name;
}

const char *data_args(const Dataset *d)
{
	return d->args;
}

/* ---- data info and data show ---- */

void data_describe(const Dataset *d, void (*emit)(void *ctx, const char *line), void *ctx)
{
	const DataInfo *in = &d->info;
	char line[DATA_LINE];
	snprintf(line, sizeof line, "%s: %s", d->spec->name, d->spec->summary);
	emit(ctx, line);
	snprintf(line, sizeof line, "kind %s, loss %s", data_kind_names[in->kind],
		 loss_names[in->loss]);
	emit(ctx, line);
	if (in->kind == DATA_SEQ2SEQ) {
		snprintf(line, sizeof line, "source: S=%d token ids (src_vocab=%d); target: T=%d token "
			 "ids (tgt_vocab=%d), tgt_in = BOS+target, tgt_out = target+EOS, PAD not scored",
			 in->S, in->vocab, in->T, in->tgt_vocab);
	} else {
		if (in->in)
			snprintf(line, sizeof line, "input: T=%d steps of in=%d float%s", in->T, in->in,
				 in->in > 1 ? "s" : "");
		else
			snprintf(line, sizeof line, "input: T=%d token ids (vocab=%d)", in->T, in->vocab);
		if (in->loss == LOSS_CE)
			data_cat(line, sizeof line, "; target: a class id of out=%d classes", in->out);
		else
			data_cat(line, sizeof line, "; target: out=%d float%s", in->out,
				 in->out > 1 ? "s" : "");
		data_cat(line, sizeof line, " %s", in->per_step ? "at every step"
			 : "per sequence (scored at the last step)");
	}
	emit(ctx, line);
	snprintf(line, sizeof line, "examples: %ld train, %ld validation, %s", in->n_train,
		 in->n_val, d->chrono ? "split chronologically (the last part validates)"
		 : "split by the seed");
	if (!d->chrono)
		data_cat(line, sizeof line, " %llu", (unsigned long long)d->seed);
	emit(ctx, line);
	snprintf(line, sizeof line, "parameters: %s", d->args);
	emit(ctx, line);
	for (int i = 0; i < d->nnotes; i++)
		emit(ctx, d->notes[i]);
	snprintf(line, sizeof line, "source: %s", d->spec->source);
	emit(ctx, line);
	if (d->file) {
		snprintf(line, sizeof line, "file: %s", d->file);
		emit(ctx, line);
	}
}

int data_show(const Dataset *d, int split, long i, DataEmit emit, void *ctx, Err *e)
{
	long n = split == SPLIT_TRAIN ? d->info.n_train : d->info.n_val;
	if (i < 0 || i >= n)
		return err_set(e, ERR_INVAL, "%s has %ld %s examples, no example %ld", d->spec->name,
			       n, split == SPLIT_TRAIN ? "train" : "validation", i);
	d->show(d, split == SPLIT_TRAIN ? i : d->info.n_train + i, emit, ctx);
	return 0;
}

const float *data_series(const Dataset *d, long *len, long *split_at,
			 const uint8_t **missing)
{
	if (d->layout != LAYOUT_SERIES)
		return NULL;
	*len = d->len;
	*split_at = d->split_at;
	if (missing)
		*missing = d->missing;
	return d->series;
}

float data_denorm(const Dataset *d, float v)
{
	if (d->layout != LAYOUT_SERIES)
		return v;
	return (float)(v * d->std + d->mean);
}

/* ---- tokens ---- */

static int has_tokens(const Dataset *d)
{
	return d->info.kind == DATA_LM || d->info.kind == DATA_SEQ2SEQ;
}

const char *data_token_text(const Dataset *d, int side, int id)
{
	static const char *const special[4] = { "<pad>", "<bos>", "<eos>", "<unk>" };
	if (!has_tokens(d))
		return NULL;
	side = d->info.kind == DATA_SEQ2SEQ && side ? 1 : 0;
	if (id >= 0 && id < d->first)
		return special[id];
	if (id < d->first || id >= d->first + d->alpha_n[side])
		return NULL;
	return d->tok_str[side][id - d->first];
}

int data_encode(const Dataset *d, int side, const char *text, int32_t *ids, int cap, Err *e)
{
	if (!has_tokens(d)) {
		err_set(e, ERR_INVAL, "%s has no tokens", d->spec->name);
		return -1;
	}
	side = d->info.kind == DATA_SEQ2SEQ && side ? 1 : 0;
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (n >= cap) {
			err_set(e, ERR_INVAL, "text is longer than %d tokens", cap);
			return -1;
		}
		int id = d->tok_id[side][*p];
		if (id < 0 && d->first == 0) {
			char buf[8];
			err_set(e, ERR_INVAL, "character '%s' (byte %d) is not in the %d-character "
				"vocabulary of %s", data_char_text(*p, buf), *p, d->alpha_n[0],
				d->spec->name);
			return -1;
		}
		ids[n++] = id < 0 ? DATA_UNK : id;
	}
	return n;
}

void data_vocab(Dataset *d, int side, const char *alpha, int n, int first)
{
	assert(n >= 0 && n <= 256 && first + n <= 256);
	d->first = first;
	d->alpha_n[side] = n;
	memset(d->tok_id[side], 0xff, sizeof d->tok_id[side]);
	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)alpha[i];
		d->alpha[side][i] = (char)c;
		d->tok_id[side][c] = (int16_t)(first + i);
		d->tok_str[side][i][0] = (char)c;
		d->tok_str[side][i][1] = '\0';
	}
}

/* ---- helpers for the openers ---- */

void data_note(Dataset *d, const char *fmt, ...)
{
	if (d->nnotes >= DATA_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->notes[d->nnotes++], DATA_NOTE_LEN, fmt, ap);
	va_end(ap);
}

void data_cat(char *line, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(line);
	if (n + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, cap - n, fmt, ap);
	va_end(ap);
}

const char *data_char_text(int c, char buf[8])
{
	switch (c) {
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
	case '\\': return "\\\\";
	}
	if (c >= 32 && c < 127)
		snprintf(buf, 8, "%c", c);
	else
		snprintf(buf, 8, "\\x%02x", c & 0xff);
	return buf;
}

void *data_calloc(size_t count, size_t size, const char *what, Err *e)
{
	if (size && count > DATA_MAX_BYTES / size) {
		double mb = (double)count * (double)size / 1048576.0;
		err_set(e, ERR_NOMEM, "%s would take %.0f MB, more than the %zu MB allowed", what,
			mb, DATA_MAX_BYTES >> 20);
		return NULL;
	}
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		err_set(e, ERR_NOMEM, "out of memory for %s (%zu bytes)", what, count * size);
	return p;
}

int data_split(Dataset *d, long n, double val, Err *e)
{
	long nv = lround((double)n * val);
	if (nv >= n)
		nv = n - 1;
	if (val > 0 && nv < 1)
		nv = 1;
	if (n < 2 && val > 0)
		return err_set(e, ERR_INVAL, "%s: %ld examples cannot be split for val=%g",
			       d->spec->name, n, val);
	d->n = n;
	d->info.n_train = n - nv;
	d->info.n_val = nv;
	return 0;
}
