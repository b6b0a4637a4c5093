/* test_npy.c — the .npy parser on its own: good headers in every form numpy
 * writes (versions, quotes, key order, dtypes, Fortran order, byte order),
 * bad ones refused with a message naming what is wrong, and random damage
 * to a valid file giving a clean success or ERR_FORMAT, never a crash.
 * (The .npz container and the writer: test_npz.c.) */
#include "testutil.h"

#include "npy.h"

/* A .npy file: magic, version, header text (not padded), data. */
static unsigned char *make_npy(int major, int minor, const char *hdr,
			       const void *data, size_t dlen, size_t *len)
{
	size_t hl = strlen(hdr), pre = major == 1 ? 10 : 12;
	unsigned char *b = malloc(pre + hl + dlen + 1);
	memcpy(b, "\x93NUMPY", 6);
	b[6] = (unsigned char)major;
	b[7] = (unsigned char)minor;
	b[8] = (unsigned char)(hl & 0xff);
	b[9] = (unsigned char)(hl >> 8);
	if (pre == 12) {
		b[10] = (unsigned char)(hl >> 16);
		b[11] = 0;
	}
	memcpy(b + pre, hdr, hl);
	if (dlen)
		memcpy(b + pre + hl, data, dlen);
	*len = pre + hl + dlen;
	return b;
}

static void parse_ok(int major, const char *hdr, const void *data, size_t dlen,
		     NpyArray *a)
{
	size_t len;
	Err e = { "" };
	unsigned char *b = make_npy(major, 0, hdr, data, dlen, &len);
	int rc = npy_parse(b, len, a, &e);
	free(b);
	if (rc != 0)
		fail_msg("header %s: rc %d (%s)", hdr, rc, e.msg);
}

static void parse_bad(int major, int minor, const char *hdr, size_t dlen,
		      const char *needle)
{
	static const unsigned char zeros[64];
	size_t len;
	Err e = { "" };
	NpyArray a;
	unsigned char *b = make_npy(major, minor, hdr, zeros, dlen, &len);
	int rc = npy_parse(b, len, &a, &e);
	free(b);
	if (rc != ERR_FORMAT)
		fail_msg("header %s: rc %d, expected ERR_FORMAT", hdr, rc);
	if (!strstr(e.msg, needle))
		fail_msg("header %s: message '%s' lacks '%s'", hdr, e.msg, needle);
	assert_null(a.data);
}

static void test_npy_parse_good(void **state)
{
	NpyArray a;
	(void)state;
	const float two[2] = { 1.5f, -2.0f };

	parse_ok(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", two, 8, &a);
	assert_int_equal(a.dtype, NPY_F32);
	assert_int_equal(a.ndim, 1);
	assert_int_equal(a.shape[0], 2);
	assert_null(a.name);
	assert_memory_equal(a.data, two, 8);
	npy_free(&a);
	npy_free(&a);

	/* Double quotes, any key order, no trailing comma, odd whitespace. */
	parse_ok(1, "{\"shape\":(2,1),\n\t\"descr\" :\"<f4\",'fortran_order':False}  \r\n", two, 8, &a);
	assert_int_equal(a.ndim, 2);
	assert_int_equal(a.shape[1], 1);
	npy_free(&a);
	/* Python 2's longs; version 2.0 and 3.0 headers. */
	parse_ok(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }", two, 8, &a);
	assert_int_equal(a.shape[1], 2);
	npy_free(&a);
	parse_ok(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", two, 8, &a);
	npy_free(&a);
	parse_ok(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", two, 8, &a);
	npy_free(&a);

	/* 0-d: one element.  Empty: no data, data still a valid pointer. */
	parse_ok(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", two, 4, &a);
	assert_int_equal(a.ndim, 0);
	assert_int_equal(a.count, 1);
	assert_true(*(float *)a.data == 1.5f);
	npy_free(&a);
	parse_ok(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (0, 5), }", NULL, 0, &a);
	assert_int_equal(a.count, 0);
	assert_non_null(a.data);
	npy_free(&a);
	parse_ok(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1152921504606846976), }",
		 NULL, 0, &a);
	assert_int_equal(a.count, 0);
	npy_free(&a);

	/* Bools become 0/1; one-byte types take any byte-order mark. */
	const unsigned char bools[4] = { 0, 2, 255, 1 }, bools01[4] = { 0, 1, 1, 1 };
	parse_ok(1, "{'descr': '>b1', 'fortran_order': False, 'shape': (4,), }", bools, 4, &a);
	assert_int_equal(a.dtype, NPY_BOOL);
	assert_memory_equal(a.data, bools01, 4);
	npy_free(&a);
	parse_ok(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (4,), }", bools, 4, &a);
	assert_memory_equal(a.data, bools, 4);
	npy_free(&a);

	/* Big-endian int16 in Fortran order, shape (2, 3): file holds column
	 * by column the C-order values 10*r + c. */
	const unsigned char be[12] = { 0, 0, 0, 10, 0, 1, 0, 11, 0, 2, 0, 12 };
	const int16_t c_order[6] = { 0, 1, 2, 10, 11, 12 };
	parse_ok(1, "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", be, 12, &a);
	assert_int_equal(a.dtype, NPY_I16);
	assert_memory_equal(a.data, c_order, sizeof c_order);
	npy_free(&a);
	/* Native '=' order. */
	const double d1 = 0.25;
	parse_ok(1, "{'descr': '=f8', 'fortran_order': False, 'shape': (1,), }", &d1, 8, &a);
	assert_true(*(double *)a.data == 0.25);
	npy_free(&a);
	/* Eight dimensions are allowed. */
	parse_ok(1, "{'descr': '|i1', 'fortran_order': True, 'shape': (1,1,1,1,1,1,1,2), }",
		 two, 2, &a);
	assert_int_equal(a.ndim, 8);
	npy_free(&a);
}

static void test_npy_parse_bad(void **state)
{
	(void)state;
	const char *ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
	size_t len;
	NpyArray a;
	Err e;

	/* The valid header, but short or long data. */
	parse_bad(1, 0, ok, 7, "data is 7 bytes, float32 [2] needs 8");
	parse_bad(1, 0, ok, 9, "data is 9 bytes");
	parse_bad(1, 0, ok, 0, "data is 0 bytes");
	/* Versions. */
	parse_bad(1, 1, ok, 8, "unsupported .npy version 1.1");
	parse_bad(4, 0, ok, 8, "unsupported .npy version 4.0");
	parse_bad(0, 0, ok, 8, "unsupported .npy version 0.0");
	/* Bad magic, too short, header past the end. */
	unsigned char *b = make_npy(1, 0, ok, "12345678", 8, &len);
	b[1] = 'X';
	assert_int_equal(npy_parse(b, len, &a, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "bad magic"));
	b[1] = 'N';
	assert_int_equal(npy_parse(b, len, &a, &e), 0);
	npy_free(&a);
	for (size_t n = 0; n < len; n++) {
		unsigned char *cut = malloc(n ? n : 1);
		memcpy(cut, b, n);
		assert_int_equal(npy_parse(cut, n, &a, &e), ERR_FORMAT);
		free(cut);
	}
	b[8] = 0xff;
	assert_int_equal(npy_parse(b, len, &a, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "runs past the end"));
	free(b);
	b = make_npy(2, 0, ok, NULL, 0, &len);
	assert_int_equal(npy_parse(b, 11, &a, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "too short"));
	b[11] = 0x80;	/* a 2 GB header */
	assert_int_equal(npy_parse(b, len, &a, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "too long"));
	free(b);
	assert_int_equal(npy_parse("", 0, &a, &e), ERR_FORMAT);

	/* Shapes. */
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, "
		  "'shape': (4611686018427387904, 4611686018427387904), }", 0, "shape product overflows");
	parse_bad(1, 0, "{'descr': '<f8', 'fortran_order': False, "
		  "'shape': (9223372036854775807, 2), }", 0, "shape product overflows");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, "
		  "'shape': (2305843009213693952,), }", 0, "shape product overflows");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, "
		  "'shape': (0, 4611686018427387904), }", 0, "shape product overflows");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, "
		  "'shape': (99999999999999999999,), }", 0, "bad 'shape'");
	parse_bad(1, 0, "{'descr': '|u1', 'fortran_order': False, "
		  "'shape': (1,1,1,1,1,1,1,1,1), }", 1, "more than 8 dimensions");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", 8, "bad 'shape'");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", 8, "bad 'shape'");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (02,), }", 8, "bad 'shape'");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,,), }", 8, "bad 'shape'");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,), }", 8, "bad 'shape'");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", 8, "not a tuple");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,", 8, "bad 'shape'");
	/* dtypes. */
	parse_bad(1, 0, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8, "unsupported dtype '<c8'");
	parse_bad(1, 0, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8, "unsupported dtype '|O'");
	parse_bad(1, 0, "{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", 20, "unsupported dtype");
	parse_bad(1, 0, "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", 2, "unsupported dtype");
	parse_bad(1, 0, "{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", 4, "no byte order");
	parse_bad(1, 0, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4, "structured");
	parse_bad(1, 0, "{'descr': '<float32', 'fortran_order': False, 'shape': (1,), }", 4, "descr");
	parse_bad(1, 0, "{'descr': 3, 'fortran_order': False, 'shape': (1,), }", 4, "descr");
	/* The dict itself. */
	parse_bad(1, 0, "", 8, "not a dict");
	parse_bad(1, 0, "'descr': '<f4'", 8, "not a dict");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, }", 8, "missing 'shape'");
	parse_bad(1, 0, "{'shape': (2,), 'fortran_order': False}", 8, "missing 'descr'");
	parse_bad(1, 0, "{'descr': '<f4', 'shape': (2,)}", 8, "missing 'fortran_order'");
	parse_bad(1, 0, "{}", 8, "missing");
	parse_bad(1, 0, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "twice");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8, "unexpected key 'x'");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", 8, "not True or False");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,), }", 8, "not True or False");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }x", 8, "junk");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), },", 8, "junk");
	parse_bad(1, 0, "{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }", 8, "expected ','");
	parse_bad(1, 0, "{'descr' '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "expected ':'");
	parse_bad(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", 8, "expected ','");
	parse_bad(1, 0, "{, 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "expected a key");
	parse_bad(1, 0, "{'descr': '<f4', , 'fortran_order': False, 'shape': (2,), }", 8, "expected a key");
	parse_bad(1, 0, "{'descr: '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "header");
	parse_bad(1, 0, "{'de\\'scr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "expected a key");
	parse_bad(1, 0, "{'descr': '<f4\n', 'fortran_order': False, 'shape': (2,), }", 8, "descr");
}

/* Random damage to a valid .npy: every result is a clean success or
 * ERR_FORMAT, and a success is self-consistent. */
static void test_npy_parse_mutations(void **state)
{
	(void)state;
	const char *hdr = "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }   \n";
	const unsigned char data[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	size_t len;
	unsigned char *orig = make_npy(1, 0, hdr, data, sizeof data, &len);
	unsigned char *b = malloc(len);
	const char alphabet[] = "{}()[],:' \"0123456789L<>|=fiub8TrueFalse\n\x93\xff";
	int ok = 0;
	for (int it = 0; it < 20000; it++) {
		memcpy(b, orig, len);
		int edits = 1 + (int)(tu_xorshift() % 4);
		for (int k = 0; k < edits; k++) {
			size_t pos = tu_xorshift() % len;
			b[pos] = (tu_xorshift() & 1) ? (unsigned char)tu_xorshift()
				 : (unsigned char)alphabet[tu_xorshift() % (sizeof alphabet - 1)];
		}
		size_t n = (tu_xorshift() % 8 == 0) ? tu_xorshift() % (len + 1) : len;
		unsigned char *cut = malloc(n ? n : 1);
		memcpy(cut, b, n);
		NpyArray a;
		Err e;
		int rc = npy_parse(cut, n, &a, &e);
		free(cut);
		if (rc == 0) {
			size_t c = 1;
			for (int k = 0; k < a.ndim; k++)
				c *= (size_t)a.shape[k];
			assert_int_equal(c, a.count);
			assert_true(a.ndim >= 0 && a.ndim <= NPY_MAXDIM);
			ok++;
		} else {
			assert_int_equal(rc, ERR_FORMAT);
		}
		npy_free(&a);
	}
	assert_true(ok > 0);
	free(b);
	free(orig);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npy_parse_good),
		cmocka_unit_test(test_npy_parse_bad),
		cmocka_unit_test(test_npy_parse_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
