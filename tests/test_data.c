/* test_data.c — the bundled datasets: each generator's defining property,
 * determinism by seed, split sizes, batches, the sampler, seq2seq padding,
 * the character LM's tokens, parameters and the registry.
 *
 * Properties are checked through the public API (data_fill), recomputed
 * here independently of the generators: the Reber acceptor is a POSIX
 * regular expression of the grammar.  Run from the top of the tree (the
 * bundled files are found under ./scenarios/data).
 */
#include <math.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "data.h"

static Err err;

/* Open `name` with parameters "k=v k=v" (spaces separate); NULL on failure
 * with the message in err. */
static Dataset *open_kv(const char *name, const char *file, uint64_t seed, const char *kv)
{
	char buf[512];
	const char *keys[16], *vals[16];
	int n = 0;
	snprintf(buf, sizeof buf, "%s", kv ? kv : "");
	for (char *tok = strtok(buf, " "); tok && n < 16; tok = strtok(NULL, " ")) {
		char *eq = strchr(tok, '=');
		assert_non_null(eq);
		*eq = '\0';
		keys[n] = tok;
		vals[n++] = eq + 1;
	}
	Dataset *d = NULL;
	err.msg[0] = '\0';
	int rc = data_open(&d, name, file, n, keys, vals, seed, &err);
	if (rc) {
		assert_true(rc < 0);
		assert_null(d);
		assert_true(err.msg[0] != '\0');
		return NULL;
	}
	return d;
}

static Dataset *open_ok(const char *name, uint64_t seed, const char *kv)
{
	Dataset *d = open_kv(name, NULL, seed, kv);
	if (!d)
		fail_msg("data %s %s: %s", name, kv ? kv : "", err.msg);
	return d;
}

/* The message of a failing open. */
static const char *open_err(const char *name, const char *file, const char *kv)
{
	Dataset *d = open_kv(name, file, 1, kv);
	if (d) {
		data_free(d);
		fail_msg("data %s %s opened but should fail", name, kv ? kv : "");
	}
	return err.msg;
}

#define assert_has(hay, needle) do { \
	if (!strstr((hay), (needle))) \
		fail_msg("'%s' does not contain '%s'", (hay), (needle)); \
} while (0)

/* Examples [from, from + n) of a split into db (allocated for n). */
static void fill_range(const Dataset *d, int split, long from, int n, DataBatch *db)
{
	long *idx = malloc((size_t)n * sizeof *idx);
	assert_non_null(idx);
	for (int j = 0; j < n; j++)
		idx[j] = from + j;
	data_fill(d, split, idx, n, db);
	free(idx);
}

/* The one-hot symbol at step t of batch column j (-1 for an all-zero row). */
static int onehot_at(const DataBatch *db, int I, int n, int t, int j)
{
	const float *x = db->x + ((size_t)t * n + j) * I;
	int sym = -1, ones = 0;
	for (int i = 0; i < I; i++) {
		if (x[i] == 1.0f) {
			sym = i;
			ones++;
		} else {
			assert_true(x[i] == 0.0f);
		}
	}
	assert_true(ones <= 1);
	return sym;
}

/* ---- registry and parameters ---- */

static void test_registry(void **state)
{
	(void)state;
	int n = data_spec_count();
	assert_true(n >= 18);
	static const char *const want[] = {
		"adding", "copy", "order", "parity", "reber", "digits", "sine", "noisy_sine",
		"mackey", "sunspots", "co2", "shakespeare", "reverse", "sort", "addition", "dates",
		"csv", "text"
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_non_null(data_spec_find(want[i]));
	assert_null(data_spec_find("nope"));
	assert_null(data_spec_at(n));
	for (int i = 0; i < n; i++) {
		const DataSpec *s = data_spec_at(i);
		assert_true(strlen(s->name) > 0 && strlen(s->summary) > 10 && strlen(s->source) > 3);
		assert_true(s->kind >= 0 && s->kind < DATA_KIND_COUNT);
		assert_ptr_equal(data_spec_find(s->name), s);
		for (const DataParam *p = s->params; p->key; p++) {
			assert_non_null(p->def);
			assert_true(strlen(p->help) > 5);
		}
		for (int j = 0; j < i; j++)
			assert_string_not_equal(data_spec_at(j)->name, s->name);
	}
}

static void test_bad_parameters(void **state)
{
	(void)state;
	assert_has(open_err("adding", NULL, "T=1"), "T must be an integer from 2 to 100000, got '1'");
	assert_has(open_err("adding", NULL, "T=abc"), "got 'abc'");
	assert_has(open_err("adding", NULL, "foo=3"), "adding has no parameter 'foo' (it takes T, n, val)");
	assert_has(open_err("adding", NULL, "val=2"), "val must be a number from 0 to 0.9");
	assert_has(open_err("co2", NULL, "missing=zero"), "missing must be interp or skip, got 'zero'");
	assert_has(open_err("reverse", NULL, "len=5 min=6"), "min must be an integer from 1 to 5");
	assert_has(open_err("nosuch", NULL, NULL), "no dataset 'nosuch'");
	assert_has(open_err("csv", NULL, NULL), "needs a file");
	assert_has(open_err("adding", "x.csv", NULL), "takes no file");
	assert_has(open_err("adding", NULL, "n=10000000 T=100000"), "MB allowed");
}

/* Every bundled dataset opens with its defaults, and reopening the
 * canonical data_args text gives the same examples. */
static void test_defaults_and_args_roundtrip(void **state)
{
	(void)state;
	for (int i = 0; i < data_spec_count(); i++) {
		const DataSpec *s = data_spec_at(i);
		if (s->needs_file)
			continue;
		Dataset *d = open_ok(s->name, 5, NULL);
		const DataInfo *in = data_info(d);
		assert_int_equal(in->kind, s->kind);
		assert_true(in->n_train > 0 && in->n_val > 0 && in->T > 0);
		assert_string_equal(data_name(d), s->name);
		/* canonical text: "name k=v ..." */
		char args[256];
		snprintf(args, sizeof args, "%s", data_args(d));
		size_t nl = strlen(s->name);
		assert_memory_equal(args, s->name, nl);
		Dataset *d2 = open_ok(s->name, 5, args[nl] ? args + nl + 1 : NULL);
		assert_memory_equal(data_info(d2), in, sizeof *in);
		assert_string_equal(data_args(d2), data_args(d));
		DataBatch a, b;
		int B = in->n_val < 16 ? (int)in->n_val : 16;
		assert_int_equal(data_batch_init(&a, d, B, &err), 0);
		assert_int_equal(data_batch_init(&b, d2, B, &err), 0);
		fill_range(d, SPLIT_VAL, in->n_val - B, B, &a);
		fill_range(d2, SPLIT_VAL, in->n_val - B, B, &b);
		size_t Y = (size_t)(in->loss == LOSS_CE ? 1 : in->out) * (in->per_step ? in->T : 1) * B;
		assert_memory_equal(a.y, b.y, Y * sizeof(float));
		if (a.x)
			assert_memory_equal(a.x, b.x, (size_t)in->T * B * in->in * sizeof(float));
		data_batch_done(&a);
		data_batch_done(&b);
		data_free(d2);
		data_free(d);
	}
}

static void emit_count(void *ctx, const char *line)
{
	assert_true(strlen(line) > 0 && !strchr(line, '\n'));
	(*(int *)ctx)++;
}

struct Grab {
	char text[4096];
};

static void emit_grab(void *ctx, const char *line)
{
	struct Grab *g = ctx;
	size_t n = strlen(g->text);
	snprintf(g->text + n, sizeof g->text - n, "%s\n", line);
}

static void test_describe_and_show(void **state)
{
	(void)state;
	for (int i = 0; i < data_spec_count(); i++) {
		const DataSpec *s = data_spec_at(i);
		if (s->needs_file)
			continue;
		Dataset *d = open_ok(s->name, 1, NULL);
		struct Grab g = { "" };
		data_describe(d, emit_grab, &g);
		assert_has(g.text, s->name);
		assert_has(g.text, "parameters: ");
		assert_has(g.text, "source: ");
		if (s->kind != DATA_SEQ2SEQ)
			assert_has(g.text, "baseline");
		int lines = 0;
		assert_int_equal(data_show(d, SPLIT_TRAIN, 0, emit_count, &lines, &err), 0);
		assert_int_equal(data_show(d, SPLIT_VAL, data_info(d)->n_val - 1, emit_count, &lines,
					   &err), 0);
		assert_true(lines >= 2);
		assert_int_equal(data_show(d, SPLIT_VAL, data_info(d)->n_val, emit_count, &lines, &err),
				 ERR_INVAL);
		assert_has(err.msg, "no example");
		data_free(d);
	}
	Dataset *d = open_ok("adding", 1, "n=100");
	struct Grab g = { "" };
	data_describe(d, emit_grab, &g);
	assert_has(g.text, "0.167");
	data_free(d);
	d = open_ok("copy", 1, "n=100");
	g.text[0] = '\0';
	data_describe(d, emit_grab, &g);
	assert_has(g.text, "0.5199");	/* 10 ln 8 / 40 */
	g.text[0] = '\0';
	data_show(d, SPLIT_TRAIN, 3, emit_grab, &g, &err);
	assert_has(g.text, "input : ");
	assert_has(g.text, ":----------\n");
	data_free(d);
	static const char *const shows[][3] = {
		{ "digits", NULL, "   label " },
		{ "reverse", "n=20", "\" -> \"" },
		{ "reverse", "n=20", "tgt_out: " },
		{ "co2", NULL, "forecast t=" },
		{ "shakespeare", NULL, "text[0..64): \"First Citizen:\\nBefore" },
		{ "reber", "n=20", "string: B" },
		{ "order", "n=20", "input: E" },
	};
	for (size_t k = 0; k < sizeof shows / sizeof shows[0]; k++) {
		d = open_ok(shows[k][0], 1, shows[k][1]);
		g.text[0] = '\0';
		assert_int_equal(data_show(d, SPLIT_TRAIN, 0, emit_grab, &g, &err), 0);
		assert_has(g.text, shows[k][2]);
		data_free(d);
	}
}

/* ---- the generators' defining properties ---- */

static void test_adding(void **state)
{
	(void)state;
	const int T = 60, n = 300;
	Dataset *d = open_ok("adding", 7, "T=60 n=300 val=0.1");
	const DataInfo *in = data_info(d);
	assert_int_equal(in->T, T);
	assert_int_equal(in->in, 2);
	assert_int_equal(in->out, 1);
	assert_int_equal(in->per_step, 0);
	assert_int_equal(in->loss, LOSS_MSE);
	assert_int_equal(in->n_train, 270);
	assert_int_equal(in->n_val, 30);
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, n, &err), 0);
	fill_range(d, SPLIT_TRAIN, 0, (int)in->n_train, &db);
	int nb = (int)in->n_train;
	assert_int_equal(db.b.T, T);
	assert_int_equal(db.b.B, nb);
	assert_ptr_equal(db.b.x, db.x);
	assert_null(db.b.tok);
	int early = 0;
	for (int j = 0; j < nb; j++) {
		int marks = 0, first = 0, second = 0;
		double sum = 0;
		for (int t = 0; t < T; t++) {
			const float *x = db.x + ((size_t)t * nb + j) * 2;
			assert_true(x[0] >= 0.0f && x[0] < 1.0f);
			assert_true(x[1] == 0.0f || x[1] == 1.0f);
			if (x[1] == 1.0f) {
				marks++;
				sum += x[0];
				first += t < T / 2;
				second += t >= T / 2;
				early += t < 10;
			}
		}
		assert_int_equal(marks, 2);
		assert_int_equal(first, 1);
		assert_int_equal(second, 1);
		assert_float_equal(db.y[j], sum, 1e-6);
	}
	assert_true(early > 0);	/* first markers spread over the first half */
	data_batch_done(&db);
	data_free(d);
}

static void test_copy(void **state)
{
	(void)state;
	const int delay = 15, K = 6, A = 5, T = delay + 2 * K;
	Dataset *d = open_ok("copy", 3, "delay=15 copy=6 alphabet=5 n=200");
	const DataInfo *in = data_info(d);
	assert_int_equal(in->T, T);
	assert_int_equal(in->in, A + 2);
	assert_int_equal(in->out, A + 1);
	assert_int_equal(in->per_step, 1);
	assert_int_equal(in->loss, LOSS_CE);
	int n = (int)in->n_train;
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, n, &err), 0);
	fill_range(d, SPLIT_TRAIN, 0, n, &db);
	for (int j = 0; j < n; j++) {
		int sym[64];
		for (int t = 0; t < T; t++)
			sym[t] = onehot_at(&db, A + 2, n, t, j);
		for (int t = 0; t < K; t++)
			assert_true(sym[t] >= 1 && sym[t] <= A);
		for (int t = K; t < T; t++)
			assert_int_equal(sym[t], t == K + delay - 1 ? A + 1 : 0);
		for (int t = 0; t < T; t++) {
			float y = db.y[(size_t)t * n + j];
			/* blank until the delimiter has passed, then the input symbols */
			assert_float_equal(y, t < K + delay ? 0 : sym[t - K - delay], 0);
		}
	}
	data_batch_done(&db);
	data_free(d);
}

static void test_order(void **state)
{
	(void)state;
	for (int k = 2; k <= 3; k++) {
		const int T = 100;
		char kv[64];
		snprintf(kv, sizeof kv, "T=100 k=%d n=400", k);
		Dataset *d = open_ok("order", 11, kv);
		const DataInfo *in = data_info(d);
		assert_int_equal(in->in, 8);
		assert_int_equal(in->out, 1 << k);
		assert_int_equal(in->per_step, 0);
		int n = (int)in->n_train, seen[8] = { 0 };
		DataBatch db;
		assert_int_equal(data_batch_init(&db, d, n, &err), 0);
		fill_range(d, SPLIT_TRAIN, 0, n, &db);
		for (int j = 0; j < n; j++) {
			/* symbols: a b c d X Y E B */
			int cls = 0, rel = 0;
			for (int t = 0; t < T; t++) {
				int s = onehot_at(&db, 8, n, t, j);
				if (t == 0) {
					assert_int_equal(s, 6);
				} else if (t == T - 1) {
					assert_int_equal(s, 7);
				} else if (s == 4 || s == 5) {
					assert_true(t >= 10 && t <= 76);
					cls = cls * 2 + (s == 5);
					rel++;
				} else {
					assert_true(s >= 0 && s <= 3);
				}
			}
			assert_int_equal(rel, k);
			assert_float_equal(db.y[j], cls, 0);
			seen[cls]++;
		}
		for (int c = 0; c < 1 << k; c++)
			assert_true(seen[c] > 0);
		data_batch_done(&db);
		data_free(d);
	}
}

static void test_parity(void **state)
{
	(void)state;
	Dataset *d = open_ok("parity", 2, "T=33 n=500");
	const DataInfo *in = data_info(d);
	assert_int_equal(in->kind, DATA_BINARY);
	assert_int_equal(in->loss, LOSS_BCE);
	assert_int_equal(in->in, 1);
	assert_int_equal(in->out, 1);
	int n = (int)in->n_val, ones = 0;
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, n, &err), 0);
	fill_range(d, SPLIT_VAL, 0, n, &db);
	for (int j = 0; j < n; j++) {
		int p = 0;
		for (int t = 0; t < 33; t++) {
			float b = db.x[(size_t)t * n + j];
			assert_true(b == 0.0f || b == 1.0f);
			p ^= b == 1.0f;
		}
		assert_float_equal(db.y[j], p, 0);
		ones += p;
	}
	assert_true(ones > n / 4 && ones < 3 * n / 4);
	data_batch_done(&db);
	data_free(d);
}

/* The embedded Reber grammar as a regular expression, written from the
 * grammar's diagram independently of the generator. */
#define REBER_L4 "(XT*VP)*(S|XT*VV)"
#define REBER_IN "B(TS*X" REBER_L4 "|PT*V(V|P" REBER_L4 "))E"
#define REBER_RE "^B(T" REBER_IN "T|P" REBER_IN "P)E$"

static void test_reber(void **state)
{
	(void)state;
	regex_t re;
	assert_int_equal(regcomp(&re, REBER_RE, REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, "BTBTSSXXTVVETE", 0, NULL, 0), 0);
	assert_int_not_equal(regexec(&re, "BTBTSSXXTVVEPE", 0, NULL, 0), 0);
	const int T = 25;
	Dataset *d = open_ok("reber", 4, "T=25 n=600");
	const DataInfo *in = data_info(d);
	assert_int_equal(in->in, 7);
	assert_int_equal(in->out, 7);
	assert_int_equal(in->per_step, 1);
	assert_int_equal(in->loss, LOSS_BCE);
	int n = (int)in->n_train, padded = 0, longest = 0;
	const char *sym = "BTPSXVE";
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, n, &err), 0);
	fill_range(d, SPLIT_TRAIN, 0, n, &db);
	for (int j = 0; j < n; j++) {
		char s[32];
		int L = 0;
		for (int t = 0; t < T; t++) {
			int c = onehot_at(&db, 7, n, t, j);
			if (c < 0) {
				for (int u = t; u < T; u++)	/* padding to the end */
					assert_int_equal(onehot_at(&db, 7, n, u, j), -1);
				break;
			}
			s[L++] = sym[c];
		}
		s[L] = '\0';
		if (regexec(&re, s, 0, NULL, 0) != 0)
			fail_msg("'%s' is not an embedded Reber string", s);
		padded += L < T;
		longest = L > longest ? L : longest;
		for (int t = 0; t < T; t++) {
			const float *y = db.y + ((size_t)t * n + j) * 7;
			int set = 0;
			for (int c = 0; c < 7; c++) {
				assert_true(y[c] == 0.0f || y[c] == 1.0f);
				set |= (y[c] == 1.0f) << c;
			}
			if (t < L - 1) {
				/* the actual next symbol is always possible */
				int next = (int)(strchr(sym, s[t + 1]) - sym);
				assert_true(set >> next & 1);
				assert_true(__builtin_popcount(set) <= 2);
			} else {
				assert_int_equal(set, 0);	/* nothing follows the end */
			}
			if (t == L - 3)	/* after the inner E: only the second symbol */
				assert_int_equal(set, 1 << (int)(strchr(sym, s[1]) - sym));
		}
	}
	assert_true(padded > n / 2);
	assert_true(longest <= T);
	data_batch_done(&db);
	regfree(&re);
	data_free(d);
}

/* FNV-1a of 64 pixels and a label, as the file has them. */
static uint64_t digit_hash(const int *pix, int label)
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 64; i++)
		h = (h ^ (uint64_t)pix[i]) * 1099511628211ULL;
	return (h ^ (uint64_t)label) * 1099511628211ULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_digits(void **state)
{
	(void)state;
	FILE *f = fopen("scenarios/data/digits.csv", "r");
	assert_non_null(f);
	uint64_t *rows = malloc(2000 * sizeof *rows);
	int nrows = 0, pix[65];
	while (nrows < 2000) {
		int got = 0;
		for (int i = 0; i < 65; i++)
			got += fscanf(f, i ? ",%d" : "%d", &pix[i]);
		if (got != 65)
			break;
		rows[nrows++] = digit_hash(pix, pix[64]);
	}
	fclose(f);
	assert_int_equal(nrows, 1797);
	qsort(rows, (size_t)nrows, sizeof *rows, cmp_u64);

	Dataset *d = open_ok("digits", 9, NULL);
	const DataInfo *in = data_info(d);
	assert_int_equal(in->T, 64);
	assert_int_equal(in->in, 1);
	assert_int_equal(in->out, 10);
	assert_int_equal(in->n_train, 1617);
	assert_int_equal(in->n_val, 180);
	int counts[10] = { 0 };
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, (int)in->n_train, &err), 0);
	for (int split = 0; split < 2; split++) {
		int n = (int)(split ? in->n_val : in->n_train);
		fill_range(d, split, 0, n, &db);
		for (int j = 0; j < n; j++) {
			for (int t = 0; t < 64; t++) {
				float v = db.x[(size_t)t * n + j] * 16;
				assert_true(v >= 0 && v <= 16 && v == roundf(v));
				pix[t] = (int)roundf(v);
			}
			int label = (int)db.y[j];
			counts[label]++;
			uint64_t h = digit_hash(pix, label);
			assert_non_null(bsearch(&h, rows, (size_t)nrows, sizeof h, cmp_u64));
		}
	}
	for (int c = 0; c < 10; c++)
		assert_true(counts[c] > 150);
	/* another seed, another split; permute=1 keeps labels, moves pixels */
	Dataset *d2 = open_ok("digits", 10, NULL), *d3 = open_ok("digits", 9, "permute=1");
	DataBatch b2, b3;
	assert_int_equal(data_batch_init(&b2, d2, 180, &err), 0);
	assert_int_equal(data_batch_init(&b3, d3, 180, &err), 0);
	fill_range(d, SPLIT_VAL, 0, 180, &db);
	fill_range(d2, SPLIT_VAL, 0, 180, &b2);
	fill_range(d3, SPLIT_VAL, 0, 180, &b3);
	assert_memory_not_equal(db.y, b2.y, 180 * sizeof(float));
	assert_memory_equal(db.y, b3.y, 180 * sizeof(float));
	assert_memory_not_equal(db.x, b3.x, 64 * 180 * sizeof(float));
	data_batch_done(&b2);
	data_batch_done(&b3);
	data_batch_done(&db);
	data_free(d3);
	data_free(d2);
	data_free(d);
	free(rows);
}

/* ---- determinism, splits, batches, sampler ---- */

static void batch_bytes(const Dataset *d, int split, DataBatch *db, int n)
{
	fill_range(d, split, 0, n, db);
}

static void test_determinism(void **state)
{
	(void)state;
	static const char *const gen[][2] = {
		{ "adding", "n=200" }, { "copy", "n=200" }, { "order", "n=200" },
		{ "parity", "n=200" }, { "reber", "n=200" }, { "sine", "noise=0.3" },
		{ "mackey", NULL }, { "reverse", "n=200" }, { "sort", "n=200" },
		{ "addition", "n=200" }, { "dates", "n=200" },
	};
	for (size_t g = 0; g < sizeof gen / sizeof gen[0]; g++) {
		Dataset *a = open_ok(gen[g][0], 42, gen[g][1]);
		Dataset *b = open_ok(gen[g][0], 42, gen[g][1]);
		Dataset *c = open_ok(gen[g][0], 43, gen[g][1]);
		const DataInfo *in = data_info(a);
		DataBatch da, dbb, dc;
		int n = 20;
		assert_int_equal(data_batch_init(&da, a, n, &err), 0);
		assert_int_equal(data_batch_init(&dbb, b, n, &err), 0);
		assert_int_equal(data_batch_init(&dc, c, n, &err), 0);
		batch_bytes(a, SPLIT_TRAIN, &da, n);
		batch_bytes(b, SPLIT_TRAIN, &dbb, n);
		batch_bytes(c, SPLIT_TRAIN, &dc, n);
		size_t nx = (size_t)in->T * n * (in->in ? in->in : 1);
		size_t ny = (size_t)(in->loss == LOSS_CE ? 1 : in->out) * (in->per_step ? in->T : 1) * n;
		if (in->kind == DATA_SEQ2SEQ) {
			size_t ns = (size_t)in->S * n;
			assert_memory_equal(da.src, dbb.src, ns * sizeof(int32_t));
			assert_memory_not_equal(da.src, dc.src, ns * sizeof(int32_t));
			assert_memory_equal(da.tgt_out, dbb.tgt_out, ny * sizeof(int32_t));
		} else {
			assert_memory_equal(da.x, dbb.x, nx * sizeof(float));
			assert_memory_equal(da.y, dbb.y, ny * sizeof(float));
			if (strcmp(gen[g][0], "parity") == 0 || strcmp(gen[g][0], "order") == 0 ||
			    strcmp(gen[g][0], "reber") == 0 || strcmp(gen[g][0], "copy") == 0 ||
			    strcmp(gen[g][0], "adding") == 0 || strcmp(gen[g][0], "sine") == 0 ||
			    strcmp(gen[g][0], "mackey") == 0)
				assert_memory_not_equal(da.x, dc.x, nx * sizeof(float));
		}
		data_batch_done(&da);
		data_batch_done(&dbb);
		data_batch_done(&dc);
		data_free(a);
		data_free(b);
		data_free(c);
	}
}

static void test_split_sizes(void **state)
{
	(void)state;
	static const struct { const char *kv; long tr, va; } cases[] = {
		{ "n=1000 val=0.2", 800, 200 }, { "n=1000 val=0", 1000, 0 },
		{ "n=10 val=0.9", 1, 9 }, { "n=15 val=0.1", 13, 2 }, { NULL, 9000, 1000 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Dataset *d = open_ok("parity", 1, cases[i].kv);
		assert_int_equal(data_info(d)->n_train, cases[i].tr);
		assert_int_equal(data_info(d)->n_val, cases[i].va);
		data_free(d);
	}
	/* the same seed and n: the train examples do not depend on val */
	Dataset *a = open_ok("adding", 3, "n=100 val=0.1"), *b = open_ok("adding", 3, "n=100 val=0.3");
	DataBatch da, dbb;
	assert_int_equal(data_batch_init(&da, a, 50, &err), 0);
	assert_int_equal(data_batch_init(&dbb, b, 50, &err), 0);
	fill_range(a, SPLIT_TRAIN, 0, 50, &da);
	fill_range(b, SPLIT_TRAIN, 0, 50, &dbb);
	assert_memory_equal(da.x, dbb.x, 100 * 50 * 2 * sizeof(float));
	data_batch_done(&da);
	data_batch_done(&dbb);
	data_free(a);
	data_free(b);
}

/* A fill of n < Bcap lays out [T, n, in]: column j is example idx[j]. */
static void test_batch_layout(void **state)
{
	(void)state;
	Dataset *d = open_ok("adding", 5, "T=9 n=50");
	DataBatch full, part;
	assert_int_equal(data_batch_init(&full, d, 45, &err), 0);
	assert_int_equal(data_batch_init(&part, d, 16, &err), 0);
	fill_range(d, SPLIT_TRAIN, 0, 45, &full);
	long idx[3] = { 44, 0, 17 };
	data_fill(d, SPLIT_TRAIN, idx, 3, &part);
	assert_int_equal(part.b.B, 3);
	for (int t = 0; t < 9; t++)
		for (int j = 0; j < 3; j++)
			assert_memory_equal(part.x + ((size_t)t * 3 + j) * 2,
					    full.x + ((size_t)t * 45 + idx[j]) * 2, 2 * sizeof(float));
	for (int j = 0; j < 3; j++)
		assert_float_equal(part.y[j], full.y[idx[j]], 0);
	data_batch_done(&part);
	assert_int_equal(data_batch_init(&part, d, 0, &err), ERR_INVAL);
	data_batch_done(&full);
	data_free(d);
}

static void test_sampler(void **state)
{
	(void)state;
	Dataset *d = open_ok("parity", 1, "n=1000 val=0.1");
	const long n = data_info(d)->n_train;
	Sampler s, s2, s3;
	assert_int_equal(sampler_init(&s, d, 77, &err), 0);
	assert_int_equal(sampler_init(&s2, d, 77, &err), 0);
	assert_int_equal(sampler_init(&s3, d, 78, &err), 0);
	long *all = malloc(3 * n * sizeof *all), *other = malloc(3 * n * sizeof *other);
	/* draw in chunks of 7 that straddle the epoch boundaries */
	for (long k = 0; k < 3 * n; k += 7)
		sampler_next(&s, all + k, (int)(3 * n - k < 7 ? 3 * n - k : 7));
	assert_int_equal(s.epoch, 2);
	for (int ep = 0; ep < 3; ep++) {
		char *seen = calloc((size_t)n, 1);
		for (long k = 0; k < n; k++) {
			long i = all[ep * n + k];
			assert_true(i >= 0 && i < n);
			assert_int_equal(seen[i], 0);
			seen[i] = 1;
		}
		free(seen);
	}
	assert_memory_not_equal(all, all + n, n * sizeof *all);
	assert_memory_not_equal(all + n, all + 2 * n, n * sizeof *all);
	/* same seed: same stream; other seed: another */
	sampler_next(&s2, other, (int)n);
	assert_memory_equal(all, other, n * sizeof *all);
	sampler_next(&s3, other, (int)n);
	assert_memory_not_equal(all, other, n * sizeof *all);
	/* seek: (epoch 1, pos 100) continues exactly there */
	sampler_seek(&s2, 1, 100);
	sampler_next(&s2, other, (int)(2 * n - 100));
	assert_memory_equal(all + n + 100, other, (2 * n - 100) * sizeof *all);
	/* a damaged position is clamped: pos past the end wraps to the next epoch */
	sampler_seek(&s2, 0, n + 50);
	sampler_next(&s2, other, 10);
	assert_int_equal(s2.epoch, 1);
	assert_memory_equal(all + n, other, 10 * sizeof *all);
	sampler_seek(&s3, 2, 0);
	s3.seed = 77;
	sampler_seek(&s3, 2, 0);
	sampler_next(&s3, other, (int)n);
	assert_memory_equal(all + 2 * n, other, n * sizeof *all);
	free(all);
	free(other);
	sampler_done(&s);
	sampler_done(&s2);
	sampler_done(&s3);
	data_free(d);
}

/* ---- seq2seq ---- */

/* Token ids of column j of a [L, n] grid as text (PAD, BOS, EOS as marks). */
static void ids_text(const Dataset *d, int side, const int32_t *g, int L, int n, int j,
		     char *out)
{
	int k = 0;
	for (int t = 0; t < L; t++) {
		int id = g[(size_t)t * n + j];
		const char *s = data_token_text(d, side, id);
		assert_non_null(s);
		out[k++] = id == DATA_PAD ? '_' : id == DATA_BOS ? '^' : id == DATA_EOS ? '$' : s[0];
	}
	out[k] = '\0';
}

static void check_s2s_layout(const Dataset *d, const DataBatch *db, int n,
			     void (*check)(const char *src, const char *tgt))
{
	const DataInfo *in = data_info(d);
	for (int j = 0; j < n; j++) {
		char src[300], tin[300], tout[300];
		ids_text(d, 0, db->src, in->S, n, j, src);
		ids_text(d, 1, db->tgt_in, in->T, n, j, tin);
		ids_text(d, 1, db->tgt_out, in->T, n, j, tout);
		/* src: symbols then PAD only */
		size_t ls = strcspn(src, "_");
		assert_true(ls > 0 && strspn(src + ls, "_") == strlen(src + ls));
		assert_null(strpbrk(src, "^$"));
		/* tgt_out = target + EOS + PAD..., tgt_in = BOS + target + PAD... */
		char *eos = strchr(tout, '$');
		assert_non_null(eos);
		size_t lt = (size_t)(eos - tout);
		assert_true(strspn(eos + 1, "_") == strlen(eos + 1));
		assert_int_equal(tin[0], '^');
		assert_memory_equal(tin + 1, tout, lt);
		assert_true(strspn(tin + 1 + lt, "_") == strlen(tin + 1 + lt));
		for (int t = 0; t < in->T; t++)
			assert_float_equal(db->y[(size_t)t * n + j], db->tgt_out[(size_t)t * n + j], 0);
		src[ls] = '\0';
		tout[lt] = '\0';
		check(src, tout);
	}
}

static void check_reverse(const char *src, const char *tgt)
{
	size_t n = strlen(src);
	assert_int_equal(strlen(tgt), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(tgt[i], src[n - 1 - i]);
}

static void check_sort(const char *src, const char *tgt)
{
	int cnt[10] = { 0 };
	assert_int_equal(strlen(tgt), strlen(src));
	for (const char *p = src; *p; p++)
		cnt[*p - '0']++;
	for (const char *p = tgt; *p; p++) {
		cnt[*p - '0']--;
		if (p > tgt)
			assert_true(p[-1] <= p[0]);
	}
	for (int i = 0; i < 10; i++)
		assert_int_equal(cnt[i], 0);
}

static void check_addition(const char *src, const char *tgt)
{
	long a, b;
	assert_int_equal(sscanf(src, "%ld+%ld", &a, &b), 2);
	char want[32];
	snprintf(want, sizeof want, "%ld", a + b);
	assert_string_equal(tgt, want);
}

static void check_dates(const char *src, const char *tgt)
{
	static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					     "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y = 0, m = 0, day = 0;
	if (strchr(src, '/')) {
		assert_int_equal(sscanf(src, "%d/%d/%d", &day, &m, &y), 3);
	} else {
		for (int i = 0; i < 12; i++)
			if (strstr(src, mon[i]))
				m = i + 1;
		/* the 4-digit number is the year, the other the day */
		for (const char *p = src; *p;) {
			if (*p >= '0' && *p <= '9') {
				char *end;
				long v = strtol(p, &end, 10);
				if (end - p == 4)
					y = (int)v;
				else
					day = (int)v;
				p = end;
			} else {
				p++;
			}
		}
	}
	char want[16];
	snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, day);
	assert_string_equal(tgt, want);
	assert_true(y >= 1900 && y <= 2099 && m >= 1 && day >= 1 && day <= 31);
}

static void test_seq2seq(void **state)
{
	(void)state;
	static const struct {
		const char *name, *kv;
		void (*check)(const char *, const char *);
		int S, T;
	} tasks[] = {
		{ "reverse", "len=12 min=3 n=300", check_reverse, 12, 13 },
		{ "sort", "len=8 min=1 n=300", check_sort, 8, 9 },
		{ "addition", "digits=4 n=300", check_addition, 9, 6 },
		{ "dates", "n=300", check_dates, 18, 11 },
		{ "dates", "formats=1 n=300", check_dates, 18, 11 },
	};
	for (size_t k = 0; k < sizeof tasks / sizeof tasks[0]; k++) {
		Dataset *d = open_ok(tasks[k].name, 8, tasks[k].kv);
		const DataInfo *in = data_info(d);
		assert_int_equal(in->kind, DATA_SEQ2SEQ);
		assert_int_equal(in->S, tasks[k].S);
		assert_int_equal(in->T, tasks[k].T);
		assert_int_equal(in->out, in->tgt_vocab);
		assert_int_equal(in->in, 0);
		assert_true(in->vocab > 4 && in->tgt_vocab > 4);
		assert_string_equal(data_token_text(d, 0, DATA_PAD), "<pad>");
		assert_string_equal(data_token_text(d, 1, DATA_BOS), "<bos>");
		assert_string_equal(data_token_text(d, 1, DATA_EOS), "<eos>");
		assert_string_equal(data_token_text(d, 0, DATA_UNK), "<unk>");
		assert_null(data_token_text(d, 0, in->vocab));
		assert_null(data_token_text(d, 1, in->tgt_vocab));
		int n = (int)in->n_train;
		DataBatch db;
		assert_int_equal(data_batch_init(&db, d, n, &err), 0);
		assert_null(db.x);
		fill_range(d, SPLIT_TRAIN, 0, n, &db);
		assert_ptr_equal(db.b.tok, db.tgt_in);
		assert_int_equal(db.b.y_per_step, 1);
		check_s2s_layout(d, &db, n, tasks[k].check);
		if (strcmp(tasks[k].name, "reverse") == 0) {
			/* lengths 3..12: some sources are padded, some full */
			int padded = 0, full = 0;
			for (int j = 0; j < n; j++) {
				padded += db.src[(size_t)(in->S - 1) * n + j] == DATA_PAD;
				full += db.src[(size_t)(in->S - 1) * n + j] != DATA_PAD;
			}
			assert_true(padded > 0 && full > 0);
		}
		data_batch_done(&db);
		data_free(d);
	}
	/* encode: unknown characters map to UNK */
	Dataset *d = open_ok("addition", 1, "n=20");
	int32_t ids[16];
	assert_int_equal(data_encode(d, 0, "12+x", ids, 16, &err), 4);
	assert_int_equal(ids[3], DATA_UNK);
	assert_string_equal(data_token_text(d, 0, ids[2]), "+");
	assert_int_equal(data_encode(d, 0, "1234567", ids, 4, &err), -1);
	assert_has(err.msg, "longer than 4");
	data_free(d);
}

/* ---- the character LM ---- */

static void test_shakespeare(void **state)
{
	(void)state;
	Dataset *d = open_ok("shakespeare", 1, "seq=50");
	const DataInfo *in = data_info(d);
	assert_int_equal(in->kind, DATA_LM);
	assert_int_equal(in->vocab, 65);
	assert_int_equal(in->out, 65);
	assert_int_equal(in->in, 0);
	assert_int_equal(in->T, 50);
	assert_int_equal(in->per_step, 1);
	/* 90/10 split of 1115394 characters, windows of 50 + 1 */
	long P = 1115394 - 111539;
	assert_int_equal(in->n_train, (P - 1) / 50);
	assert_int_equal(in->n_val, (1115394 - P - 1) / 50);
	/* encode and decode round trip */
	const char *text = "To be, or not to be: that is the question.\nROMEO:";
	int32_t ids[128];
	int n = data_encode(d, 0, text, ids, 128, &err);
	assert_int_equal(n, (int)strlen(text));
	char back[128] = "";
	for (int i = 0; i < n; i++) {
		assert_true(ids[i] >= 0 && ids[i] < 65);
		strcat(back, data_token_text(d, 0, ids[i]));
	}
	assert_string_equal(back, text);
	assert_int_equal(data_encode(d, 0, "a#b", ids, 128, &err), -1);
	assert_has(err.msg, "'#'");
	assert_null(data_token_text(d, 0, 65));
	assert_null(data_token_text(d, 0, -1));
	/* the first window is the start of the file; targets are shifted by one */
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, 4, &err), 0);
	assert_null(db.x);
	long idx[2] = { 0, 1 };
	data_fill(d, SPLIT_TRAIN, idx, 2, &db);
	assert_ptr_equal(db.b.tok, db.tok);
	char first[64] = "";
	for (int t = 0; t < 50; t++) {
		strcat(first, data_token_text(d, 0, db.tok[t * 2]));
		assert_float_equal(db.y[t * 2], t < 49 ? db.tok[(t + 1) * 2] : db.tok[1], 0);
	}
	assert_memory_equal(first, "First Citizen:\nBefore we proceed any further, hear", 50);
	data_batch_done(&db);
	data_free(d);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_bad_parameters),
		cmocka_unit_test(test_defaults_and_args_roundtrip),
		cmocka_unit_test(test_describe_and_show),
		cmocka_unit_test(test_adding),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_parity),
		cmocka_unit_test(test_reber),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_split_sizes),
		cmocka_unit_test(test_batch_layout),
		cmocka_unit_test(test_sampler),
		cmocka_unit_test(test_seq2seq),
		cmocka_unit_test(test_shakespeare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
