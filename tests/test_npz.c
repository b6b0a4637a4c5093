/* test_npz.c — .npy/.npz reading and writing against numpy's own files.
 *
 * The fixtures in tests/fixtures/npz/ come from tests/gen_npz_fixtures.py.
 * Their arrays are closed formulas of the flat C-order index (listed in that
 * script); the expected values here are recomputed from the same formulas.
 * Run from the top of the tree.  The .npy parser on its own: test_npy.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "testutil.h"
#include "npz.h"

#define FIX "tests/fixtures/npz/"

/* ---- the generator's formulas ------------------------------------------- */

static float F32(size_t i) { return (float)((long)i - 3) / 7.0f; }
static double F64(size_t i) { return ((double)i - 2.0) / 3.0; }
static int32_t I32(size_t i) { return (int32_t)(((int64_t)i - 2) * 1000000007); }
static int64_t I64(size_t i) { return ((int64_t)i - 3) * 3000000000037LL; }
static uint8_t U8(size_t i) { return (uint8_t)((i * 37 + 200) % 256); }

static void fill_f32(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((float *)d)[i] = F32(i); }
static void fill_f64(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((double *)d)[i] = F64(i); }
static void fill_i32(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((int32_t *)d)[i] = I32(i); }
static void fill_i64(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((int64_t *)d)[i] = I64(i); }
static void fill_u8(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((uint8_t *)d)[i] = U8(i); }
static void fill_bool(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((uint8_t *)d)[i] = i % 3 == 0; }
static void fill_scalar(void *d, size_t n) { (void)n; *(double *)d = -1.0 / 3.0; }
static void fill_none(void *d, size_t n) { (void)d; (void)n; }
static void fill_v1_i8(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((int8_t *)d)[i] = (int8_t)(((long)i - 3) * 40); }
static void fill_v2_i16(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((int16_t *)d)[i] = (int16_t)(((long)i - 2) * 10000); }
static void fill_v2_u16(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((uint16_t *)d)[i] = (uint16_t)(i * 30000); }
static void fill_v3_u32(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((uint32_t *)d)[i] = (uint32_t)(i * 2000000000u); }
static void fill_v3_u64(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((uint64_t *)d)[i] = (uint64_t)i * (1ULL << 63) + 1; }
static void fill_fortran_be(void *d, size_t n) { for (size_t i = 0; i < n; i++) ((int32_t *)d)[i] = (int32_t)(((long)i - 5) * 100000007); }

typedef struct Expect {
	const char *name;
	NpyDtype dtype;
	int ndim;
	long shape[NPY_MAXDIM];
	void (*fill)(void *dst, size_t n);
} Expect;

/* savez.npz and savez_compressed.npz, in archive order. */
static const Expect main_expect[] = {
	{ "rnn.weight_ih_l0", NPY_F32, 2, { 2, 3 }, fill_f32 },
	{ "f64", NPY_F64, 1, { 5 }, fill_f64 },
	{ "i32", NPY_I32, 1, { 4 }, fill_i32 },
	{ "i64", NPY_I64, 2, { 2, 3 }, fill_i64 },
	{ "u8", NPY_U8, 1, { 10 }, fill_u8 },
	{ "bool", NPY_BOOL, 1, { 7 }, fill_bool },
	{ "scalar", NPY_F64, 0, { 0 }, fill_scalar },
	{ "empty", NPY_F32, 2, { 0, 3 }, fill_none },
	{ "fortran", NPY_F64, 2, { 3, 4 }, fill_f64 },
	{ "cube", NPY_F32, 3, { 2, 3, 4 }, fill_f32 },
	{ "be_f32", NPY_F32, 1, { 5 }, fill_f32 },
	{ "be_f64", NPY_F64, 1, { 3 }, fill_f64 },
	{ "be_i32", NPY_I32, 1, { 4 }, fill_i32 },
	{ "be_i64", NPY_I64, 1, { 3 }, fill_i64 },
};
#define N_MAIN ((int)(sizeof main_expect / sizeof main_expect[0]))

static const Expect version_expect[] = {
	{ "v1_i8", NPY_I8, 1, { 6 }, fill_v1_i8 },
	{ "v2_i16", NPY_I16, 2, { 2, 2 }, fill_v2_i16 },
	{ "v2_u16", NPY_U16, 1, { 3 }, fill_v2_u16 },
	{ "v3_u32", NPY_U32, 1, { 3 }, fill_v3_u32 },
	{ "v3_u64", NPY_U64, 1, { 2 }, fill_v3_u64 },
	{ "fortran_be", NPY_I32, 3, { 2, 3, 2 }, fill_fortran_be },
};
#define N_VERSION ((int)(sizeof version_expect / sizeof version_expect[0]))

static void check_array(const NpyArray *a, const Expect *x)
{
	size_t count = 1;
	assert_non_null(a);
	assert_string_equal(a->name, x->name);
	assert_int_equal(a->dtype, x->dtype);
	assert_int_equal(a->ndim, x->ndim);
	for (int k = 0; k < x->ndim; k++) {
		assert_int_equal(a->shape[k], x->shape[k]);
		count *= (size_t)x->shape[k];
	}
	assert_int_equal(a->count, count);
	assert_non_null(a->data);
	size_t nbytes = count * npy_dtype_size(x->dtype);
	unsigned char *want = malloc(nbytes + 1);
	assert_non_null(want);
	x->fill(want, count);
	if (nbytes)
		assert_memory_equal(a->data, want, nbytes);
	free(want);
}

static void check_npz(const Npz *z, const Expect *x, int n)
{
	assert_int_equal(z->n, n);
	for (int i = 0; i < n; i++) {
		assert_string_equal(z->arrays[i].name, x[i].name);
		check_array(npz_find(z, x[i].name), &x[i]);
	}
}

/* ---- small helpers ------------------------------------------------------ */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int file_equals(const char *path, const void *buf, size_t len)
{
	size_t n;
	unsigned char *got = slurp(path, &n);
	int same = n == len && memcmp(got, buf, len) == 0;
	free(got);
	return same;
}

/* The raw bytes of member name in the archive at path, via libzip. */
static unsigned char *raw_member(const char *path, const char *name, size_t *len)
{
	int zerr;
	zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
	assert_non_null(za);
	zip_stat_t st;
	assert_int_equal(zip_stat(za, name, 0, &st), 0);
	unsigned char *buf = malloc(st.size + 1);
	zip_file_t *zf = zip_fopen(za, name, 0);
	assert_non_null(zf);
	assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_discard(za);
	*len = st.size;
	return buf;
}

static int member_method(const char *path, const char *name)
{
	int zerr;
	zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
	assert_non_null(za);
	zip_stat_t st;
	assert_int_equal(zip_stat(za, name, 0, &st), 0);
	zip_discard(za);
	return st.comp_method;
}

/* Names in dir other than . and .., joined by '/' in sorted-free order. */
static int count_entries(const char *dir, char *names, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	names[0] = '\0';
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		strncat(names, de->d_name, size - strlen(names) - 2);
		strcat(names, "/");
	}
	closedir(d);
	return n;
}

static void remove_all(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int setup_tmp(void **state)
{
	char *dir = strdup("/tmp/test_npz.XXXXXX");
	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown_tmp(void **state)
{
	remove_all(*state);
	free(*state);
	return 0;
}

/* ---- reading numpy's files ---------------------------------------------- */

static void test_read_savez(void **state)
{
	Npz z;
	Err e;
	(void)state;
	assert_int_equal(npz_read(&z, FIX "savez.npz", &e), 0);
	check_npz(&z, main_expect, N_MAIN);
	assert_null(npz_find(&z, "rnn.weight_ih_l0.npy"));
	assert_null(npz_find(&z, "nope"));
	npz_free(&z);
	assert_int_equal(z.n, 0);
	assert_null(z.arrays);
	npz_free(&z);	/* idempotent */
}

static void test_read_savez_compressed(void **state)
{
	Npz z;
	Err e;
	(void)state;
	assert_int_equal(member_method(FIX "savez_compressed.npz", "cube.npy"), ZIP_CM_DEFLATE);
	assert_int_equal(member_method(FIX "savez.npz", "cube.npy"), ZIP_CM_STORE);
	assert_int_equal(npz_read(&z, FIX "savez_compressed.npz", &e), 0);
	check_npz(&z, main_expect, N_MAIN);
	npz_free(&z);
}

static void test_read_versions(void **state)
{
	Npz z;
	Err e;
	(void)state;
	assert_int_equal(npz_read(&z, FIX "versions.npz", &e), 0);
	check_npz(&z, version_expect, N_VERSION);
	npz_free(&z);
}

static void test_read_empty_archive(void **state)
{
	Npz z;
	Err e;
	(void)state;
	assert_int_equal(npz_read(&z, FIX "empty.npz", &e), 0);
	assert_int_equal(z.n, 0);
	assert_null(npz_find(&z, "a"));
	npz_free(&z);
}

static void expect_read_error(const char *path, int code, const char *needle)
{
	Npz z;
	Err e = { "" };
	assert_int_equal(npz_read(&z, path, &e), code);
	assert_int_equal(z.n, 0);
	assert_null(z.arrays);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	assert_null(strchr(e.msg, '\n'));
}

static void test_read_bad_archives(void **state)
{
	(void)state;
	expect_read_error(FIX "badshape.npz", ERR_FORMAT,
			  FIX "badshape.npz: member 'w.npy': shape product overflows");
	expect_read_error(FIX "notnpy.npz", ERR_FORMAT, "member 'readme.txt': not a .npy array");
	expect_read_error(FIX "bzip2.npz", ERR_FORMAT,
			  "member 'a.npy': compression method 12 is not supported");
	expect_read_error(FIX "dup.npz", ERR_FORMAT, FIX "dup.npz: two members have the same name");
	expect_read_error(FIX "does-not-exist.npz", ERR_IO, "does-not-exist.npz: No such file");
	expect_read_error(FIX, ERR_IO, FIX " is a directory");
	expect_read_error("tests/test_npz.c", ERR_FORMAT, "tests/test_npz.c: not a valid .npz archive");
}

static void test_read_empty_and_text_files(void **state)
{
	char p[512];
	snprintf(p, sizeof p, "%s/empty.npz", (char *)*state);
	spit(p, "", 0);
	expect_read_error(p, ERR_FORMAT, "empty file");
	snprintf(p, sizeof p, "%s/text.npz", (char *)*state);
	spit(p, "hello, not a zip\n", 17);
	expect_read_error(p, ERR_FORMAT, "not a valid .npz archive");
	/* A bare .npy is not an .npz either. */
	size_t n;
	unsigned char *npy = raw_member(FIX "savez.npz", "f64.npy", &n);
	spit(p, npy, n);
	free(npy);
	expect_read_error(p, ERR_FORMAT, "not a valid .npz archive");
}

static void test_conversions(void **state)
{
	Npz z, v;
	Err e;
	(void)state;
	assert_int_equal(npz_read(&z, FIX "savez.npz", &e), 0);
	assert_int_equal(npz_read(&v, FIX "versions.npz", &e), 0);

	float f[64];
	int64_t q[64];
	const NpyArray *a = npz_find(&z, "f64");
	assert_true(npy_is_float(a) && !npy_is_int(a));
	assert_int_equal(npy_to_f32(a, f, &e), 0);
	for (size_t i = 0; i < a->count; i++)
		assert_true(f[i] == (float)F64(i));
	a = npz_find(&z, "cube");
	assert_int_equal(npy_to_f32(a, f, &e), 0);
	for (size_t i = 0; i < a->count; i++)
		assert_true(f[i] == F32(i));
	a = npz_find(&z, "i32");
	assert_true(npy_is_int(a) && !npy_is_float(a));
	assert_int_equal(npy_to_f32(a, f, &e), ERR_INVAL);
	assert_string_equal(e.msg, "array 'i32' is int32, not a float array");
	assert_int_equal(npy_to_i64(a, q, &e), 0);
	for (size_t i = 0; i < a->count; i++)
		assert_int_equal(q[i], I32(i));
	assert_int_equal(npy_to_i64(npz_find(&z, "i64"), q, &e), 0);
	for (size_t i = 0; i < 6; i++)
		assert_true(q[i] == I64(i));
	assert_int_equal(npy_to_i64(npz_find(&z, "u8"), q, &e), 0);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(q[i], U8(i));
	a = npz_find(&z, "bool");
	assert_true(npy_is_int(a));
	assert_int_equal(npy_to_i64(a, q, &e), 0);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(q[i], i % 3 == 0);
	assert_int_equal(npy_to_i64(npz_find(&z, "scalar"), q, &e), ERR_INVAL);
	assert_string_equal(e.msg, "array 'scalar' is float64, not an int array");

	assert_int_equal(npy_to_i64(npz_find(&v, "v1_i8"), q, &e), 0);
	assert_int_equal(q[0], -120);
	assert_int_equal(q[5], 80);
	assert_int_equal(npy_to_i64(npz_find(&v, "v2_i16"), q, &e), 0);
	assert_int_equal(q[0], -20000);
	assert_int_equal(npy_to_i64(npz_find(&v, "v2_u16"), q, &e), 0);
	assert_int_equal(q[2], 60000);
	assert_int_equal(npy_to_i64(npz_find(&v, "v3_u32"), q, &e), 0);
	assert_true(q[2] == 4000000000LL);
	assert_int_equal(npy_to_i64(npz_find(&v, "v3_u64"), q, &e), ERR_INVAL);
	assert_string_equal(e.msg, "array 'v3_u64' (uint64) holds 9223372036854775809, beyond int64");

	/* Out of float32 range rounds to infinity, as numpy's astype does. */
	double big[3] = { 1e300, -1e300, 0.1 };
	NpyArray h = { .name = NULL, .dtype = NPY_F64, .ndim = 1, .shape = { 3 },
		       .count = 3, .data = big };
	assert_int_equal(npy_to_f32(&h, f, &e), 0);
	assert_true(isinf(f[0]) && f[0] > 0);
	assert_true(isinf(f[1]) && f[1] < 0);
	assert_true(f[2] == 0.1f);
	h.dtype = NPY_U16;
	assert_int_equal(npy_to_f32(&h, f, &e), ERR_INVAL);
	assert_string_equal(e.msg, "array '(unnamed)' is uint16, not a float array");
	npz_free(&z);
	npz_free(&v);
}

/* ---- damage ------------------------------------------------------------- */

static void truncate_every_offset(const char *path)
{
	size_t len;
	unsigned char *buf = slurp(path, &len);
	for (size_t n = 0; n < len; n++) {
		Npz z;
		Err e = { "" };
		/* A fresh copy of exactly n bytes, so ASan sees any over-read. */
		unsigned char *cut = malloc(n ? n : 1);
		memcpy(cut, buf, n);
		int rc = npz_read_mem(&z, cut, n, "cut.npz", &e);
		free(cut);
		if (rc != ERR_FORMAT)
			fail_msg("%s cut at %zu: rc %d (%s)", path, n, rc, e.msg);
		assert_int_equal(z.n, 0);
		assert_true(strncmp(e.msg, "cut.npz: ", 9) == 0);
	}
	free(buf);
}

static void test_truncated_every_offset(void **state)
{
	(void)state;
	truncate_every_offset(FIX "savez_compressed.npz");
	truncate_every_offset(FIX "savez.npz");
	truncate_every_offset(FIX "versions.npz");
}

static void test_truncated_files(void **state)
{
	size_t len;
	char p[512];
	unsigned char *buf = slurp(FIX "savez.npz", &len);
	size_t cuts[] = { 1, 4, 30, 200, len / 2, len - 100, len - 22, len - 1 };
	snprintf(p, sizeof p, "%s/cut.npz", (char *)*state);
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		spit(p, buf, cuts[i]);
		expect_read_error(p, ERR_FORMAT, p);
	}
	free(buf);
}

/* The offset of needle[n] in buf[len] at or after from; fails if absent. */
static size_t find_bytes(const unsigned char *buf, size_t len, size_t from,
			 const void *needle, size_t n)
{
	for (size_t i = from; i + n <= len; i++)
		if (memcmp(buf + i, needle, n) == 0)
			return i;
	fail_msg("bytes not found");
	return 0;
}

/* Where the data of member name starts in a stored archive. */
static size_t stored_data_offset(const unsigned char *buf, size_t len, const char *name)
{
	size_t at = find_bytes(buf, len, 0, name, strlen(name));
	at = find_bytes(buf, len, at, "\x93NUMPY\x01\x00", 8);
	return at + 10 + (size_t)(buf[at + 8] | buf[at + 9] << 8);
}

static void test_crc_mismatch(void **state)
{
	size_t len;
	Npz z;
	Err e;
	(void)state;
	unsigned char *buf = slurp(FIX "savez.npz", &len);
	size_t off = stored_data_offset(buf, len, "cube.npy") + 5;
	buf[off] ^= 0x01;
	assert_int_equal(npz_read_mem(&z, buf, len, "x.npz", &e), ERR_FORMAT);
	assert_int_equal(z.n, 0);
	if (!strstr(e.msg, "x.npz: member 'cube.npy': CRC"))
		fail_msg("unexpected message '%s'", e.msg);
	/* The same byte in the header text: CRC first, not a parse error. */
	buf[off] ^= 0x01;
	off = stored_data_offset(buf, len, "cube.npy") - 30;
	buf[off] ^= 0x01;
	assert_int_equal(npz_read_mem(&z, buf, len, "x.npz", &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "CRC"));
	free(buf);
}

/* Little-endian 32-bit field of a zip header. */
static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A stored member's size is only a claim, bounded before anything is
 * allocated: one that says its data is larger than the bytes it stores
 * (4 GiB, and one byte more, in both the local header and the central
 * directory) is refused as implausible, with both sizes named.  (libzip
 * would refuse it later too, as "Zip archive inconsistent": the check
 * tested here is the one that answers first, before any buffer.) */
static void test_stored_size_claim(void **state)
{
	(void)state;
	static const uint32_t claims[] = { 0xFFFF0000u, 0 };
	size_t len;
	unsigned char *orig = slurp(FIX "savez.npz", &len);
	assert_int_equal(member_method(FIX "savez.npz", "cube.npy"), ZIP_CM_STORE);
	for (size_t k = 0; k < sizeof claims / sizeof *claims; k++) {
		unsigned char *buf = malloc(len);
		memcpy(buf, orig, len);
		/* the local header (size at +22) and the central entry (size at
		 * +24) of cube.npy, the name at +30 and +46 */
		size_t loc = find_bytes(buf, len, 0, "cube.npy", 8) - 30;
		assert_memory_equal(buf + loc, "PK\x03\x04", 4);
		const uint32_t stored = (uint32_t)(buf[loc + 18] | buf[loc + 19] << 8 | buf[loc + 20] << 16 |
						   (uint32_t)buf[loc + 21] << 24);
		const uint32_t claim = claims[k] ? claims[k] : stored + 1;
		put32(buf + loc + 22, claim);
		size_t cen = find_bytes(buf, len, loc + 38, "cube.npy", 8) - 46;
		assert_memory_equal(buf + cen, "PK\x01\x02", 4);
		put32(buf + cen + 24, claim);
		Npz z;
		Err e = { "" };
		char want[128];
		snprintf(want, sizeof want, "x.npz: member 'cube.npy': implausible size (%u bytes from %u)", claim, stored);
		assert_int_equal(npz_read_mem(&z, buf, len, "x.npz", &e), ERR_FORMAT);
		if (strcmp(e.msg, want))
			fail_msg("message '%s', want '%s'", e.msg, want);
		assert_int_equal(z.n, 0);
		free(buf);
	}
	free(orig);
}

/* Flip every byte in turn: each read succeeds or fails cleanly. */
static void flip_every_byte(const char *path)
{
	size_t len;
	int failed = 0;
	unsigned char *buf = slurp(path, &len);
	for (size_t i = 0; i < len; i++) {
		Npz z;
		Err e;
		buf[i] ^= 0x55;
		int rc = npz_read_mem(&z, buf, len, "f.npz", &e);
		buf[i] ^= 0x55;
		if (rc != 0 && rc != ERR_FORMAT)
			fail_msg("%s flip at %zu: rc %d (%s)", path, i, rc, e.msg);
		failed += rc != 0;
		npz_free(&z);
	}
	/* Only the odd timestamp, flag or attribute byte may go unnoticed. */
	assert_true(failed > (int)(len * 8 / 10));
	free(buf);
}

static void test_flipped_bytes(void **state)
{
	(void)state;
	flip_every_byte(FIX "savez_compressed.npz");
	flip_every_byte(FIX "versions.npz");
}

/* ---- writing ------------------------------------------------------------ */

static void fill_random(NpyDtype t, void *d, size_t count)
{
	unsigned char *p = d;
	size_t nbytes = count * npy_dtype_size(t);
	for (size_t i = 0; i < nbytes; i++)
		p[i] = t == NPY_BOOL ? (unsigned char)(tu_xorshift() & 1) : (unsigned char)tu_xorshift();
}

static void roundtrip(const char *dir, NpzCompression comp)
{
	static const struct { int ndim; long shape[NPY_MAXDIM]; } shapes[] = {
		{ 0, { 0 } }, { 1, { 0 } }, { 2, { 3, 0 } }, { 1, { 7 } },
		{ 2, { 5, 3 } }, { 3, { 2, 3, 4 } }, { 8, { 1, 2, 1, 2, 1, 2, 1, 3 } },
	};
	enum { NS = sizeof shapes / sizeof shapes[0] };
	void *data[NPY_DTYPE_COUNT][NS];
	char path[512], name[64];
	NpzWriter *w;
	Err e;
	Npz z;

	snprintf(path, sizeof path, "%s/rt.npz", dir);
	assert_int_equal(npz_writer_open(&w, path, comp, &e), 0);
	for (int t = 0; t < NPY_DTYPE_COUNT; t++)
		for (int s = 0; s < NS; s++) {
			size_t count = 1;
			for (int k = 0; k < shapes[s].ndim; k++)
				count *= (size_t)shapes[s].shape[k];
			data[t][s] = malloc(count * npy_dtype_size(t) + 1);
			fill_random(t, data[t][s], count);
			snprintf(name, sizeof name, "%s/%d", npy_dtype_names[t], s);
			assert_int_equal(npz_writer_add(w, name, t, shapes[s].ndim,
							shapes[s].shape, count ? data[t][s] : NULL,
							&e), 0);
		}
	assert_int_equal(npz_writer_close(w, &e), 0);

	assert_int_equal(npz_read(&z, path, &e), 0);
	assert_int_equal(z.n, NPY_DTYPE_COUNT * NS);
	for (int t = 0; t < NPY_DTYPE_COUNT; t++)
		for (int s = 0; s < NS; s++) {
			snprintf(name, sizeof name, "%s/%d", npy_dtype_names[t], s);
			const NpyArray *a = npz_find(&z, name);
			assert_non_null(a);
			assert_int_equal(a->dtype, t);
			assert_int_equal(a->ndim, shapes[s].ndim);
			assert_memory_equal(a->shape, shapes[s].shape, sizeof a->shape);
			if (a->count)
				assert_memory_equal(a->data, data[t][s],
						    a->count * npy_dtype_size(t));
			free(data[t][s]);

			/* numpy's padding: a multiple of 64 ending in '\n'. */
			char mname[80];
			size_t n;
			snprintf(mname, sizeof mname, "%s.npy", name);
			assert_int_equal(member_method(path, mname),
					 comp == NPZ_DEFLATED ? ZIP_CM_DEFLATE : ZIP_CM_STORE);
			unsigned char *raw = raw_member(path, mname, &n);
			assert_memory_equal(raw, "\x93NUMPY\x01\x00", 8);
			size_t total = 10 + (size_t)(raw[8] | raw[9] << 8);
			assert_int_equal(total % 64, 0);
			assert_int_equal(raw[total - 1], '\n');
			assert_int_equal(n, total + a->count * npy_dtype_size(t));
			free(raw);
		}
	npz_free(&z);
	unlink(path);
}

static void test_roundtrip_stored(void **state)
{
	roundtrip(*state, NPZ_STORED);
}

static void test_roundtrip_deflated(void **state)
{
	roundtrip(*state, NPZ_DEFLATED);
}

/* Written C-order little-endian arrays are the very bytes numpy wrote. */
static void test_same_bytes_as_numpy(void **state)
{
	char path[512], mname[80];
	NpzWriter *w;
	Err e;
	snprintf(path, sizeof path, "%s/same.npz", (char *)*state);
	assert_int_equal(npz_writer_open(&w, path, NPZ_STORED, &e), 0);
	for (int i = 0; i < N_MAIN; i++) {
		const Expect *x = &main_expect[i];
		if (!strcmp(x->name, "fortran") || !strncmp(x->name, "be_", 3))
			continue;
		unsigned char buf[256];
		x->fill(buf, 24);
		assert_int_equal(npz_writer_add(w, x->name, x->dtype, x->ndim, x->shape,
						buf, &e), 0);
	}
	assert_int_equal(npz_writer_close(w, &e), 0);
	for (int i = 0; i < N_MAIN; i++) {
		const Expect *x = &main_expect[i];
		if (!strcmp(x->name, "fortran") || !strncmp(x->name, "be_", 3))
			continue;
		size_t n1, n2;
		snprintf(mname, sizeof mname, "%s.npy", x->name);
		unsigned char *ours = raw_member(path, mname, &n1);
		unsigned char *theirs = raw_member(FIX "savez.npz", mname, &n2);
		assert_int_equal(n1, n2);
		if (memcmp(ours, theirs, n1) != 0)
			fail_msg("member %s differs from numpy's", mname);
		free(ours);
		free(theirs);
	}
	unlink(path);
}

static void test_writer_bad_adds(void **state)
{
	char path[512];
	const float v[4] = { 1, 2, 3, 4 };
	const long sh[9] = { 2, 2, 1, 1, 1, 1, 1, 1, 1 };
	const long neg[1] = { -1 };
	const long huge[2] = { 1L << 62, 1L << 62 };
	NpzWriter *w;
	Err e;
	Npz z;

	snprintf(path, sizeof path, "%s/adds.npz", (char *)*state);
	assert_int_equal(npz_writer_open(&w, path, NPZ_STORED, &e), 0);
	assert_int_equal(npz_writer_add(w, "a", NPY_F32, 2, sh, v, &e), 0);
	assert_int_equal(npz_writer_add(w, "a", NPY_F32, 2, sh, v, &e), ERR_INVAL);
	assert_non_null(strstr(e.msg, "'a' added twice"));
	assert_int_equal(npz_writer_add(w, "b", NPY_F32, 9, sh, v, &e), ERR_INVAL);
	assert_int_equal(npz_writer_add(w, "b", NPY_F32, -1, sh, v, &e), ERR_INVAL);
	assert_int_equal(npz_writer_add(w, "b", NPY_F32, 1, neg, v, &e), ERR_INVAL);
	assert_int_equal(npz_writer_add(w, "b", NPY_F32, 2, huge, v, &e), ERR_INVAL);
	assert_non_null(strstr(e.msg, "overflows"));
	assert_int_equal(npz_writer_add(w, "b", NPY_F32, 2, sh, NULL, &e), ERR_INVAL);
	assert_int_equal(npz_writer_add(w, "b", NPY_DTYPE_COUNT, 2, sh, v, &e), ERR_INVAL);
	assert_int_equal(npz_writer_add(w, "", NPY_F32, 2, sh, v, &e), ERR_INVAL);
	assert_int_equal(npz_writer_add(w, NULL, NPY_F32, 2, sh, v, &e), ERR_INVAL);
	assert_int_equal(npz_writer_add(w, "c", NPY_F32, 0, NULL, v, &e), 0);
	assert_int_equal(npz_writer_close(w, &e), 0);
	assert_int_equal(npz_read(&z, path, &e), 0);
	assert_int_equal(z.n, 2);
	assert_memory_equal(npz_find(&z, "a")->data, v, sizeof v);
	assert_true(*(float *)npz_find(&z, "c")->data == 1.0f);
	npz_free(&z);
	unlink(path);
	assert_int_equal(npz_writer_open(&w, path, (NpzCompression)7, &e), ERR_INVAL);
	assert_null(w);
}

static void test_write_missing_directory(void **state)
{
	char path[512], names[512];
	const float v[1] = { 1 };
	NpzWriter *w;
	Err e;
	snprintf(path, sizeof path, "%s/no/such/dir/x.npz", (char *)*state);
	int rc = npz_writer_open(&w, path, NPZ_STORED, &e);
	if (rc == 0) {
		assert_int_equal(npz_writer_add(w, "v", NPY_F32, 1, (long[]){ 1 }, v, &e), 0);
		rc = npz_writer_close(w, &e);
	}
	assert_int_equal(rc, ERR_IO);
	assert_true(strncmp(e.msg, path, strlen(path)) == 0);
	assert_int_equal(count_entries(*state, names, sizeof names), 0);
}

static const char original[] = "the original file, not even a zip\n";

static void setup_original(const char *dir, char *path, size_t size)
{
	snprintf(path, size, "%s/keep.npz", dir);
	spit(path, original, sizeof original - 1);
}

static void expect_original(const char *dir, const char *path)
{
	char names[512];
	assert_true(file_equals(path, original, sizeof original - 1));
	assert_int_equal(count_entries(dir, names, sizeof names), 1);
	assert_string_equal(names, "keep.npz/");
}

static void test_write_abort_keeps_file(void **state)
{
	char path[512];
	const double v[3] = { 1, 2, 3 };
	NpzWriter *w;
	Err e;
	setup_original(*state, path, sizeof path);
	assert_int_equal(npz_writer_open(&w, path, NPZ_DEFLATED, &e), 0);
	assert_int_equal(npz_writer_add(w, "v", NPY_F64, 1, (long[]){ 3 }, v, &e), 0);
	npz_writer_abort(w);
	npz_writer_abort(NULL);
	expect_original(*state, path);

	/* Nothing added: close refuses (libzip would delete the file). */
	assert_int_equal(npz_writer_open(&w, path, NPZ_STORED, &e), 0);
	assert_int_equal(npz_writer_close(w, &e), ERR_INVAL);
	assert_non_null(strstr(e.msg, "no arrays"));
	expect_original(*state, path);

	/* A failed add, then abort. */
	assert_int_equal(npz_writer_open(&w, path, NPZ_STORED, &e), 0);
	assert_int_equal(npz_writer_add(w, "v", NPY_F64, 1, (long[]){ -3 }, v, &e), ERR_INVAL);
	npz_writer_abort(w);
	expect_original(*state, path);
}

/* The disk "fills up" while libzip writes its temporary file. */
static void test_write_failure_keeps_file(void **state)
{
	char path[512];
	enum { N = 1 << 15 };
	float *big = calloc(N, sizeof *big);
	struct rlimit old, lim;
	NpzWriter *w;
	Err e;
	setup_original(*state, path, sizeof path);
	assert_int_equal(npz_writer_open(&w, path, NPZ_STORED, &e), 0);
	assert_int_equal(npz_writer_add(w, "big", NPY_F32, 1, (long[]){ N }, big, &e), 0);

	void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	int rc = npz_writer_close(w, &e);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);

	assert_int_equal(rc, ERR_IO);
	assert_true(strncmp(e.msg, path, strlen(path)) == 0);
	expect_original(*state, path);
	free(big);
}

static void test_write_replaces_file(void **state)
{
	char path[512], names[512];
	const int64_t v[2] = { -5, 7 };
	NpzWriter *w;
	Err e;
	Npz z;
	struct stat st;
	setup_original(*state, path, sizeof path);
	assert_int_equal(npz_writer_open(&w, path, NPZ_STORED, &e), 0);
	assert_int_equal(npz_writer_add(w, "ids", NPY_I64, 1, (long[]){ 2 }, v, &e), 0);
	assert_int_equal(npz_writer_close(w, &e), 0);
	assert_int_equal(count_entries(*state, names, sizeof names), 1);
	assert_int_equal(npz_read(&z, path, &e), 0);
	assert_int_equal(z.n, 1);
	assert_memory_equal(z.arrays[0].data, v, sizeof v);
	npz_free(&z);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(path);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_savez),
		cmocka_unit_test(test_read_savez_compressed),
		cmocka_unit_test(test_read_versions),
		cmocka_unit_test(test_read_empty_archive),
		cmocka_unit_test(test_read_bad_archives),
		cmocka_unit_test_setup_teardown(test_read_empty_and_text_files, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_truncated_every_offset),
		cmocka_unit_test_setup_teardown(test_truncated_files, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_crc_mismatch),
		cmocka_unit_test(test_stored_size_claim),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test_setup_teardown(test_roundtrip_stored, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_roundtrip_deflated, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_same_bytes_as_numpy, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_writer_bad_adds, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_write_missing_directory, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_write_abort_keeps_file, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_write_failure_keeps_file, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_write_replaces_file, setup_tmp, teardown_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
