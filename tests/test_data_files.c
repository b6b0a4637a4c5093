/* test_data_files.c — datasets read from files: the user's CSV (quotes,
 * CRLF, header or none, missing cells, every refusal with its file and
 * line), text files, the time series' windows and their z-score fitted on
 * the train part only, and where bundled files are looked for.
 *
 * Input files are written to a fresh mkdtemp() directory by the tests.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"
#include "data.h"

static Err err;
static char dir[64];

#define assert_has(hay, needle) do { \
	if (!strstr((hay), (needle))) \
		fail_msg("'%s' does not contain '%s'", (hay), (needle)); \
} while (0)

/* Write len bytes (strlen when len < 0) to dir/name; returns the path. */
static const char *put(const char *name, const char *text, long len)
{
	static char path[8][128];
	static int k;
	char *p = path[k++ % 8];
	snprintf(p, sizeof path[0], "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	size_t n = len < 0 ? strlen(text) : (size_t)len;
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
	return p;
}

static Dataset *open_file(const char *name, const char *file, const char *kv)
{
	char buf[256];
	const char *keys[8], *vals[8];
	int n = 0;
	snprintf(buf, sizeof buf, "%s", kv ? kv : "");
	for (char *tok = strtok(buf, " "); tok && n < 8; tok = strtok(NULL, " ")) {
		char *eq = strchr(tok, '=');
		assert_non_null(eq);
		*eq = '\0';
		keys[n] = tok;
		vals[n++] = eq + 1;
	}
	Dataset *d = NULL;
	err.msg[0] = '\0';
	int rc = data_open(&d, name, file, n, keys, vals, 1, &err);
	if (rc) {
		assert_null(d);
		assert_true(rc < 0 && err.msg[0]);
	}
	return d;
}

static Dataset *csv_ok(const char *file, const char *kv)
{
	Dataset *d = open_file("csv", file, kv);
	if (!d)
		fail_msg("csv %s %s: %s", file, kv ? kv : "", err.msg);
	return d;
}

static const char *csv_err(const char *file, const char *kv)
{
	Dataset *d = open_file("csv", file, kv);
	if (d) {
		data_free(d);
		fail_msg("csv %s %s opened but should fail", file, kv ? kv : "");
	}
	return err.msg;
}

/* The series in its own units (data_denorm of the z-scored values). */
static void assert_series(const Dataset *d, const double *want, long n)
{
	long len, split;
	const float *s = data_series(d, &len, &split, NULL);
	assert_non_null(s);
	assert_int_equal(len, n);
	for (long i = 0; i < n; i++)
		if (fabs(data_denorm(d, s[i]) - want[i]) > 1e-4 * (1 + fabs(want[i])))
			fail_msg("value %ld is %g, want %g", i, data_denorm(d, s[i]), want[i]);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/rnnlab_test_data_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- CSV ---- */

static void collect(void *ctx, const char *line)
{
	char *buf = ctx;
	size_t n = strlen(buf);
	snprintf(buf + n, 4096 - n, "%s\n", line);
}


static void test_csv_quotes(void **state)
{
	(void)state;
	const char *f = put("quotes.csv",
			    "\"name\",\"value\",\"note\"\n"
			    "\"a, b\",1.5,x\n"
			    "\"say \"\"hi\"\"\",\"2.5\",\"y\"\n"
			    "\"two\nlines\",3.5,\"z,z\"\n"
			    "plain,  4.5 ,w\n", -1);
	Dataset *d = csv_ok(f, "column=value window=1 horizon=1 val=0");
	const double want[] = { 1.5, 2.5, 3.5, 4.5 };
	assert_series(d, want, 4);
	assert_int_equal(data_info(d)->n_train, 3);
	assert_int_equal(data_info(d)->n_val, 0);
	data_free(d);
	/* the same column by number; the line count includes the quoted break */
	d = csv_ok(f, "column=2 window=1 val=0");
	assert_series(d, want, 4);
	data_free(d);
	f = put("quotes_bad.csv", "k,v\n\"a\nb\",1\n\"c\",2\nd,oops\n", -1);
	assert_has(csv_err(f, "column=v window=1 val=0"), "quotes_bad.csv:5: 'oops' in column 'v' is not a number");
	f = put("open.csv", "k,v\n\"a,1\n", -1);
	assert_has(csv_err(f, "window=1 val=0"), "open.csv:2: a quoted field is never closed");
}

static void test_csv_crlf_header_or_none(void **state)
{
	(void)state;
	const double want[] = { 10, 20, 30, 40 };
	Dataset *d = csv_ok(put("crlf.csv", "t,v\r\n1,10\r\n2,20\r\n3,30\r\n4,40\r\n", -1),
			    "window=2 val=0");
	assert_series(d, want, 4);	/* default column: the last */
	assert_int_equal(data_info(d)->n_train, 2);
	data_free(d);
	/* no header: the first row is data */
	d = csv_ok(put("nohead.csv", "1,10\n2,20\n3,30\n4,40", -1), "window=2 val=0");
	assert_series(d, want, 4);
	data_free(d);
	d = csv_ok(put("single.csv", "10\n20\n\n30\n40\n\n", -1), "window=2 val=0");
	assert_series(d, want, 4);	/* blank lines are skipped */
	data_free(d);
	/* old-Mac \r, a BOM, semicolons */
	d = csv_ok(put("cr.csv", "\xEF\xBB\xBFv\r10\r20\r30\r40\r", -1), "column=v window=2 val=0");
	assert_series(d, want, 4);
	data_free(d);
	d = csv_ok(put("semi.csv", "a;b\n1;10\n2;20\n3;30\n4;40\n", -1), "column=b window=2 val=0");
	assert_series(d, want, 4);
	data_free(d);
	/* a header is chosen by name; without one, a name is refused */
	const char *f = put("nohead2.csv", "1,10\n2,20\n3,30\n", -1);
	assert_has(csv_err(f, "column=v window=1 val=0"), "has no header row, so no column 'v': give column=N (1..2)");
	f = put("head.csv", "time,value\n1,10\n2,20\n3,30\n", -1);
	assert_has(csv_err(f, "column=temp window=1 val=0"), "head.csv: no column 'temp' (the columns are: time, value)");
	assert_has(csv_err(f, "column=3 window=1 val=0"), "head.csv: column=3, but line 1 has 2 columns");
	Dataset *ci = csv_ok(f, "column=VALUE window=1 val=0");	/* any case, when unique */
	data_free(ci);
	/* a path or a value with a space is quoted in the canonical arguments */
	f = put("my data.csv", "my v\n1\n2\n3\n", -1);
	const char *keys[] = { "column", "window", "val" }, *vals[] = { "my v", "1", "0" };
	assert_int_equal(data_open(&ci, "csv", f, 3, keys, vals, 1, &err), 0);
	char args[256];
	snprintf(args, sizeof args, "csv \"%s\" column=\"my v\" window=1 horizon=1 val=0 "
		 "missing=interp", f);
	assert_string_equal(data_args(ci), args);
	data_free(ci);
}

static void test_csv_missing(void **state)
{
	(void)state;
	const char *f = put("gaps.csv",
			    "t,v\n0,\n1,1\n2,\n3,3\n4,NA\n5,\"\"\n6,6\n7,n/a\n8,8\n9\n10,10\n11,11\n12,nan\n", -1);
	/* the leading and trailing gaps are dropped; the 5 inner ones (empty,
	 * NA, "", n/a, a short row) interpolated */
	Dataset *d = csv_ok(f, "window=2 val=0");
	const double want[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	assert_series(d, want, 11);
	long len, split;
	const uint8_t *miss;
	assert_non_null(data_series(d, &len, &split, &miss));
	assert_non_null(miss);
	const uint8_t want_miss[] = { 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0 };
	assert_memory_equal(miss, want_miss, 11);
	assert_int_equal(data_info(d)->n_train, 11 - 3 + 1);
	char lines[4096] = "";
	data_describe(d, collect, lines);
	assert_has(lines, "missing: 7 of 13 values empty: 1 leading and 1 trailing dropped, 5 inner "
		   "filled by linear interpolation (longest gap 2)");
	data_free(d);
	/* skip: only windows (window 1 + horizon 1) touching no gap: t = 9, 10 */
	d = csv_ok(f, "window=1 val=0 missing=skip");
	assert_int_equal(data_info(d)->n_train, 1);
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, 1, &err), 0);
	long idx = 0;
	data_fill(d, SPLIT_TRAIN, &idx, 1, &db);
	assert_float_equal(data_denorm(d, db.x[0]), 10, 1e-4);
	assert_float_equal(data_denorm(d, db.y[0]), 11, 1e-4);
	data_batch_done(&db);
	data_free(d);
	/* all empty, nothing below the header */
	assert_has(csv_err(put("empty_col.csv", "v\n\nNA\n\"\"\n", -1), "window=1 val=0"),
		   "column 'v' has no numbers, all 2 cells are empty");
	assert_has(csv_err(put("head_only.csv", "a,b\n", -1), "window=1 val=0"),
		   "head_only.csv: no values in column 'b' below the header");
}

static void test_csv_refusals(void **state)
{
	(void)state;
	assert_has(csv_err(put("bad.csv", "t,v\n1,1.5\n2,2.5\n3,abc\n4,4\n", -1), "window=1 val=0"),
		   "bad.csv:4: 'abc' in column 'v' is not a number");
	assert_has(csv_err(put("inf.csv", "1\n2\ninf\n", -1), "window=1 val=0"),
		   "inf.csv:3: 'inf' in column 1 is not a number");
	/* finite, but its gaps and z-score would overflow a float (issue 16, item 12) */
	assert_has(csv_err(put("huge.csv", "y\n1\n3e38\n\n-3e38\n", -1), "window=1 val=0"),
		   "huge.csv:3: 3e38 in column 'y' is too large");
	assert_has(csv_err(put("bin.csv", "1,2\n3,\0\0\x01", 9), NULL), "bin.csv: a binary file (a NUL byte at offset 6), not CSV");
	assert_has(csv_err(put("empty.csv", "", 0), NULL), "empty.csv: empty file");
	assert_has(csv_err(put("blank.csv", "\n\r\n\n", -1), NULL), "empty file");
	assert_has(csv_err(put("short.csv", "v\n1\n2\n3\n", -1), "window=20"),
		   "short.csv: 3 values are too few for window=20 horizon=1 val=0.1");
	assert_has(csv_err(put("short2.csv", "v\n1\n2\n3\n4\n", -1), "window=3 val=0.1"),
		   "0 validation windows");
	char missing[128];
	snprintf(missing, sizeof missing, "%s/nope.csv", dir);
	assert_has(csv_err(missing, NULL), "nope.csv: No such file or directory");
	assert_has(csv_err(dir, NULL), "is a directory");
	assert_has(csv_err(put("w.csv", "1\n2\n", -1), "window=0"), "csv: window must be an integer from 1 to 100000, got '0'");
}

/* ---- time series windows and the z-score ---- */

static void test_zscore_train_only(void **state)
{
	(void)state;
	/* 0..99 with val=0.2: the train part is [0, 80) */
	char text[1024] = "x\n";
	for (int i = 0; i < 100; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "%d\n", i);
	Dataset *d = csv_ok(put("ramp.csv", text, -1), "window=5 horizon=3 val=0.2");
	const DataInfo *in = data_info(d);
	assert_int_equal(in->T, 5);
	assert_int_equal(in->in, 1);
	assert_int_equal(in->out, 3);
	assert_int_equal(in->per_step, 0);
	assert_int_equal(in->loss, LOSS_MSE);
	assert_int_equal(in->n_train, 80 - 8 + 1);
	assert_int_equal(in->n_val, 20 - 3 + 1);
	long len, split;
	const float *s = data_series(d, &len, &split, NULL);
	assert_int_equal(split, 80);
	double mean = 0, var = 0, vmean = 0;
	for (int i = 0; i < 80; i++)
		mean += s[i] / 80.0;
	for (int i = 0; i < 80; i++)
		var += (s[i] - mean) * (s[i] - mean) / 80.0;
	for (int i = 80; i < 100; i++)
		vmean += s[i] / 20.0;
	assert_float_equal(mean, 0, 1e-5);
	assert_float_equal(var, 1, 1e-5);
	assert_true(vmean > 1.5);	/* fitted on all 100 it would be near 0 */
	/* mean 39.5, population std sqrt((80^2 - 1) / 12) */
	assert_float_equal(data_denorm(d, 0), 39.5, 1e-4);
	assert_float_equal(data_denorm(d, 1) - data_denorm(d, 0), sqrt(6399.0 / 12), 1e-3);
	char lines[4096] = "";
	data_describe(d, collect, lines);
	assert_has(lines, "z-score fitted on the train part [0, 80): mean 39.5, std 23.0922");
	/* windows: train example k reads k..k+4 and forecasts k+5..k+7; the
	 * first validation example forecasts 80..82 */
	DataBatch db;
	assert_int_equal(data_batch_init(&db, d, 8, &err), 0);
	long idx[2] = { 0, 7 };
	data_fill(d, SPLIT_TRAIN, idx, 2, &db);
	for (int t = 0; t < 5; t++) {
		assert_float_equal(data_denorm(d, db.x[t * 2]), t, 1e-4);
		assert_float_equal(data_denorm(d, db.x[t * 2 + 1]), 7 + t, 1e-4);
	}
	for (int h = 0; h < 3; h++) {
		assert_float_equal(data_denorm(d, db.y[h]), 5 + h, 1e-4);
		assert_float_equal(data_denorm(d, db.y[3 + h]), 12 + h, 1e-4);
	}
	idx[0] = 0;
	idx[1] = in->n_val - 1;
	data_fill(d, SPLIT_VAL, idx, 2, &db);
	assert_float_equal(data_denorm(d, db.y[0]), 80, 1e-4);
	assert_float_equal(data_denorm(d, db.x[4 * 2]), 79, 1e-4);
	assert_float_equal(data_denorm(d, db.y[3 + 2]), 99, 1e-4);
	data_batch_done(&db);
	data_free(d);
}

static void test_bundled_series(void **state)
{
	(void)state;
	char lines[4096] = "";
	Dataset *d = open_file("co2", NULL, NULL);
	assert_non_null(d);
	data_describe(d, collect, lines);
	assert_has(lines, "missing: 59 of 2284 values empty");
	assert_has(lines, "filled by linear interpolation");
	assert_int_equal(data_info(d)->T, 52);
	data_free(d);
	d = open_file("co2", NULL, "missing=skip");
	assert_non_null(d);
	lines[0] = '\0';
	data_describe(d, collect, lines);
	assert_has(lines, "skipped: no window touches one");
	assert_true(data_info(d)->n_train < 2004);
	data_free(d);
	d = open_file("sunspots", NULL, "window=10 horizon=2");
	assert_non_null(d);
	assert_int_equal(data_info(d)->out, 2);
	long len, split;
	assert_non_null(data_series(d, &len, &split, NULL));
	assert_int_equal(len, 309);
	assert_int_equal(split, 309 - 31);
	data_free(d);
	/* generated series: noise changes the values, the split stays */
	Dataset *a = open_file("sine", NULL, "len=500"), *b = open_file("noisy_sine", NULL, "len=500");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(data_info(a)->n_train, data_info(b)->n_train);
	const float *sa = data_series(a, &len, &split, NULL), *sb = data_series(b, &len, &split, NULL);
	assert_memory_not_equal(sa, sb, 500 * sizeof(float));
	data_free(a);
	data_free(b);
	d = open_file("mackey", NULL, "len=3000");
	assert_non_null(d);
	const float *m = data_series(d, &len, &split, NULL);
	double lo = 1e9, hi = -1e9;
	for (long i = 0; i < len; i++) {
		double v = data_denorm(d, m[i]);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	assert_true(lo > 0.2 && lo < 0.6 && hi > 1.2 && hi < 1.5);	/* the attractor's range */
	data_free(d);
}

/* ---- text files ---- */

static void test_text_files(void **state)
{
	(void)state;
	char text[2100];
	for (int i = 0; i < 2000; i++)
		text[i] = "abc de\n"[i % 7];
	text[2000] = '\0';
	Dataset *d = open_file("text", put("t.txt", text, -1), "seq=20");
	assert_non_null(d);
	const DataInfo *in = data_info(d);
	assert_int_equal(in->vocab, 7);	/* \n ' ' a b c d e */
	assert_int_equal(in->n_train, (1800 - 1) / 20);
	assert_int_equal(in->n_val, (200 - 1) / 20);
	assert_string_equal(data_token_text(d, 0, 0), "\n");
	assert_string_equal(data_token_text(d, 0, 6), "e");
	int32_t ids[8];
	assert_int_equal(data_encode(d, 0, "cab", ids, 8, &err), 3);
	assert_int_equal(ids[0], 4);
	assert_int_equal(data_encode(d, 0, "z", ids, 8, &err), -1);
	assert_has(err.msg, "character 'z' (byte 122) is not in the 7-character vocabulary");
	data_free(d);
	const char *f = put("bin.txt", "hello\0world", 11);
	d = open_file("text", f, NULL);
	assert_null(d);
	assert_has(err.msg, "bin.txt: a binary file (a NUL byte at offset 5), not text");
	assert_null(open_file("text", put("short.txt", "hello world", -1), NULL));
	assert_has(err.msg, "short.txt: 11 characters are too few for seq=64 with val=0.1");
	assert_null(open_file("text", put("empty.txt", "", 0), NULL));
	assert_has(err.msg, "empty.txt: empty file");
	char missing[128];
	snprintf(missing, sizeof missing, "%s/none.txt", dir);
	assert_null(open_file("text", missing, NULL));
	assert_has(err.msg, "none.txt: No such file or directory");
	/* val=0: everything trains */
	d = open_file("text", put("small.txt", "abcdefghij", -1), "seq=3 val=0");
	assert_non_null(d);
	assert_int_equal(data_info(d)->n_train, 3);
	assert_int_equal(data_info(d)->n_val, 0);
	char args[256];
	snprintf(args, sizeof args, "text %s seq=3 val=0", put("small.txt", "abcdefghij", -1));
	assert_string_equal(data_args(d), args);
	data_free(d);
}

/* ---- the data directory ---- */

static void test_data_find(void **state)
{
	(void)state;
	char path[512];
	assert_int_equal(data_find("digits.csv", path, sizeof path, &err), 0);
	assert_string_equal(path, "scenarios/data/digits.csv");
	assert_int_equal(data_find("nope.csv", path, sizeof path, &err), ERR_IO);
	assert_has(err.msg, "cannot find the bundled file nope.csv in $RNNLAB_DATA (unset), ./scenarios/data");
	assert_has(err.msg, RNNLAB_SHAREDIR "/scenarios/data");
	/* $RNNLAB_DATA comes first: a broken digits file there is read and refused */
	put("digits.csv", "0,1,2\n", -1);
	setenv("RNNLAB_DATA", dir, 1);
	assert_int_equal(data_find("digits.csv", path, sizeof path, &err), 0);
	assert_has(path, dir);
	Dataset *d = open_file("digits", NULL, NULL);
	assert_null(d);
	assert_has(err.msg, "digits.csv:1: expected 64 pixels 0..16 and a label 0..9");
	unsetenv("RNNLAB_DATA");
	d = open_file("digits", NULL, NULL);
	assert_non_null(d);
	data_free(d);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes),
		cmocka_unit_test(test_csv_crlf_header_or_none),
		cmocka_unit_test(test_csv_missing),
		cmocka_unit_test(test_csv_refusals),
		cmocka_unit_test(test_zscore_train_only),
		cmocka_unit_test(test_bundled_series),
		cmocka_unit_test(test_text_files),
		cmocka_unit_test(test_data_find),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
