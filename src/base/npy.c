/* npy.c — numpy's .npy arrays: the header parsed by hand and made for the
 * writer, dtype conversions.
 *
 * A .npy file is the magic "\x93NUMPY", a major and a minor version byte, the
 * header length (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and
 * 3.0), the header itself and the raw data.  The header is the text of a
 * Python dict, padded with spaces and ending in '\n':
 *
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *
 * The reader accepts that grammar (either quote, optional trailing comma,
 * any whitespace, Python 2's "3L") and nothing else.
 */
#include "npy.h"
#include "npz_priv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const npy_dtype_names[NPY_DTYPE_COUNT] = {
	[NPY_F32] = "float32", [NPY_F64] = "float64",
	[NPY_I8] = "int8", [NPY_U8] = "uint8", [NPY_BOOL] = "bool",
	[NPY_I16] = "int16", [NPY_U16] = "uint16",
	[NPY_I32] = "int32", [NPY_U32] = "uint32",
	[NPY_I64] = "int64", [NPY_U64] = "uint64",
};

/* numpy's type codes, without the byte-order character. */
static const char *const dtype_codes[NPY_DTYPE_COUNT] = {
	[NPY_F32] = "f4", [NPY_F64] = "f8", [NPY_I8] = "i1", [NPY_U8] = "u1",
	[NPY_BOOL] = "b1", [NPY_I16] = "i2", [NPY_U16] = "u2",
	[NPY_I32] = "i4", [NPY_U32] = "u4", [NPY_I64] = "i8", [NPY_U64] = "u8",
};

static const unsigned char dtype_sizes[NPY_DTYPE_COUNT] = {
	[NPY_F32] = 4, [NPY_F64] = 8, [NPY_I8] = 1, [NPY_U8] = 1,
	[NPY_BOOL] = 1, [NPY_I16] = 2, [NPY_U16] = 2,
	[NPY_I32] = 4, [NPY_U32] = 4, [NPY_I64] = 8, [NPY_U64] = 8,
};

#define NPY_MAGIC	"\x93NUMPY"
#define NPY_MAGIC_LEN	6
#define NPY_ALIGN	64	/* the writer pads magic + header to this */

size_t npy_dtype_size(NpyDtype dtype)
{
	return dtype_sizes[dtype];
}

static int host_is_little(void)
{
	const uint16_t one = 1;
	unsigned char b;
	memcpy(&b, &one, 1);
	return b == 1;
}

char *npy_format_shape(int ndim, const long *shape, char *buf, size_t size)
{
	size_t n = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';
	n += (size_t)snprintf(buf, size, "[");
	for (int k = 0; k < ndim && n < size; k++)
		n += (size_t)snprintf(buf + n, size - n, "%s%ld", k ? ", " : "", shape[k]);
	if (n < size)
		snprintf(buf + n, size - n, "]");
	return buf;
}

/* ---- the .npy header ---------------------------------------------------- */

typedef struct NpyHeader {
	NpyDtype dtype;
	int swap;		/* file byte order differs from ours */
	int fortran;
	int ndim;
	long shape[NPY_MAXDIM];
	size_t count;
	size_t nbytes;		/* count * itemsize */
	size_t data_off;	/* where the data starts in the buffer */
} NpyHeader;

typedef struct Cursor {
	const char *p, *end;
} Cursor;

static void skip_ws(Cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* Skip whitespace, then consume ch if it is next. */
static int eat(Cursor *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

static int is_ident(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

/* A Python keyword such as True, not followed by more of an identifier. */
static int eat_word(Cursor *c, const char *w)
{
	size_t n = strlen(w);
	skip_ws(c);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
		return 0;
	if (c->p + n < c->end && is_ident(c->p[n]))
		return 0;
	c->p += n;
	return 1;
}

/* A quoted string of printable ASCII without escapes, into out[size]. */
static int parse_str(Cursor *c, char *out, size_t size)
{
	skip_ws(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return -1;
	char q = *c->p++;
	size_t n = 0;
	while (c->p < c->end && *c->p != q) {
		char ch = *c->p++;
		if (ch < 0x20 || ch > 0x7e || ch == '\\' || n + 1 >= size)
			return -1;
		out[n++] = ch;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	out[n] = '\0';
	return 0;
}

/* A non-negative decimal int as Python writes it (no leading zeros), with
 * Python 2's optional 'L'. */
static int parse_dim(Cursor *c, long *out)
{
	skip_ws(c);
	const char *start = c->p;
	long v = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		int d = *c->p - '0';
		if (v > (LONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		c->p++;
	}
	if (c->p == start || (*start == '0' && c->p - start > 1))
		return -1;
	if (c->p < c->end && *c->p == 'L')
		c->p++;
	if (c->p < c->end && is_ident(*c->p))
		return -1;
	*out = v;
	return 0;
}

static int parse_descr(Cursor *c, NpyHeader *h, Err *e)
{
	char s[8];
	skip_ws(c);
	if (c->p < c->end && *c->p == '[')
		return err_set(e, ERR_FORMAT, "unsupported dtype (a structured array)");
	if (parse_str(c, s, sizeof s) != 0)
		return err_set(e, ERR_FORMAT, "header: bad or unsupported 'descr'");
	if (strlen(s) != 3 || !strchr("<>|=", s[0]))
		return err_set(e, ERR_FORMAT, "unsupported dtype '%s'", s);
	for (int t = 0; t < NPY_DTYPE_COUNT; t++) {
		if (strcmp(s + 1, dtype_codes[t]) != 0)
			continue;
		h->dtype = (NpyDtype)t;
		if (dtype_sizes[t] == 1) {
			h->swap = 0;
		} else if (s[0] == '|') {
			return err_set(e, ERR_FORMAT, "dtype '%s' has no byte order", s);
		} else {
			int little = host_is_little();
			h->swap = (s[0] == '<' && !little) || (s[0] == '>' && little);
		}
		return 0;
	}
	return err_set(e, ERR_FORMAT, "unsupported dtype '%s'", s);
}

static int parse_shape(Cursor *c, NpyHeader *h, Err *e)
{
	h->ndim = 0;
	if (!eat(c, '('))
		return err_set(e, ERR_FORMAT, "header: 'shape' is not a tuple");
	if (eat(c, ')'))
		return 0;
	for (;;) {
		long d;
		if (parse_dim(c, &d) != 0)
			return err_set(e, ERR_FORMAT, "header: bad 'shape'");
		if (h->ndim == NPY_MAXDIM)
			return err_set(e, ERR_FORMAT, "more than %d dimensions", NPY_MAXDIM);
		h->shape[h->ndim++] = d;
		if (eat(c, ',')) {
			if (eat(c, ')'))
				return 0;
		} else if (eat(c, ')')) {
			if (h->ndim == 1)	/* "(3)" is an int, not a tuple */
				break;
			return 0;
		} else {
			break;
		}
	}
	return err_set(e, ERR_FORMAT, "header: bad 'shape'");
}

/* count and nbytes from the shape; a product past PTRDIFF_MAX bytes is
 * refused even when another dimension is 0. */
int npy_shape_count(int ndim, const long *shape, size_t isz,
		    size_t *count, Err *e)
{
	size_t limit = (size_t)PTRDIFF_MAX / isz, nz = 1;
	int zero = 0;
	for (int k = 0; k < ndim; k++) {
		size_t d = (size_t)shape[k];
		if (d == 0) {
			zero = 1;
			continue;
		}
		if (d > limit / nz)
			return err_set(e, ERR_FORMAT, "shape product overflows");
		nz *= d;
	}
	*count = zero ? 0 : nz;
	return 0;
}

/* The header of an .npy of len bytes in all, of which buf holds the first
 * avail (at least the header; the data need not be there). */
static int parse_header(const unsigned char *buf, size_t avail, size_t len, NpyHeader *h, Err *e)
{
	enum { KEY_DESCR = 1, KEY_FORTRAN = 2, KEY_SHAPE = 4, KEY_ALL = 7 };
	size_t pre, hlen;
	int rc;

	memset(h, 0, sizeof *h);
	if (avail < NPY_MAGIC_LEN + 4)
		return err_set(e, ERR_FORMAT, "too short for a .npy array (%zu bytes)", len);
	if (memcmp(buf, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
		return err_set(e, ERR_FORMAT, "not a .npy array (bad magic)");
	int major = buf[6], minor = buf[7];
	if (minor != 0 || major < 1 || major > 3)
		return err_set(e, ERR_FORMAT, "unsupported .npy version %d.%d", major, minor);
	if (major == 1) {
		pre = 10;
		hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
	} else {
		pre = 12;
		if (avail < pre)
			return err_set(e, ERR_FORMAT, "too short for a .npy array (%zu bytes)", len);
		hlen = (size_t)buf[8] | (size_t)buf[9] << 8 |
		       (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
	}
	if (hlen > NPY_MAX_HEADER)
		return err_set(e, ERR_FORMAT, "header of %zu bytes is too long", hlen);
	if (hlen > avail - pre)
		return err_set(e, ERR_FORMAT, "header of %zu bytes runs past the end (%zu bytes)",
			       hlen, len);

	Cursor c = { (const char *)buf + pre, (const char *)buf + pre + hlen };
	int have = 0;
	if (!eat(&c, '{'))
		return err_set(e, ERR_FORMAT, "header: not a dict");
	while (!eat(&c, '}')) {
		char key[16];
		int bit;
		if (parse_str(&c, key, sizeof key) != 0)
			return err_set(e, ERR_FORMAT, "header: expected a key");
		if (!eat(&c, ':'))
			return err_set(e, ERR_FORMAT, "header: expected ':' after '%s'", key);
		if (strcmp(key, "descr") == 0) {
			bit = KEY_DESCR;
			rc = parse_descr(&c, h, e);
		} else if (strcmp(key, "fortran_order") == 0) {
			bit = KEY_FORTRAN;
			rc = 0;
			if (eat_word(&c, "True"))
				h->fortran = 1;
			else if (eat_word(&c, "False"))
				h->fortran = 0;
			else
				rc = err_set(e, ERR_FORMAT, "header: 'fortran_order' is not True or False");
		} else if (strcmp(key, "shape") == 0) {
			bit = KEY_SHAPE;
			rc = parse_shape(&c, h, e);
		} else {
			return err_set(e, ERR_FORMAT, "header: unexpected key '%s'", key);
		}
		if (rc)
			return rc;
		if (have & bit)
			return err_set(e, ERR_FORMAT, "header: key '%s' twice", key);
		have |= bit;
		if (!eat(&c, ',')) {
			if (eat(&c, '}'))
				break;
			return err_set(e, ERR_FORMAT, "header: expected ',' or '}' after '%s'", key);
		}
	}
	skip_ws(&c);
	if (c.p != c.end)
		return err_set(e, ERR_FORMAT, "header: junk after the dict");
	if (have != KEY_ALL)
		return err_set(e, ERR_FORMAT, "header: missing '%s'",
			       !(have & KEY_DESCR) ? "descr" :
			       !(have & KEY_FORTRAN) ? "fortran_order" : "shape");

	size_t isz = dtype_sizes[h->dtype];
	rc = npy_shape_count(h->ndim, h->shape, isz, &h->count, e);
	if (rc)
		return rc;
	h->nbytes = h->count * isz;
	h->data_off = pre + hlen;
	if (len - h->data_off != h->nbytes) {
		char sh[160];
		return err_set(e, ERR_FORMAT, "data is %zu bytes, %s %s needs %zu",
			       len - h->data_off, npy_dtype_names[h->dtype],
			       npy_format_shape(h->ndim, h->shape, sh, sizeof sh), h->nbytes);
	}
	return 0;
}

/* dst[count] in C order from src[count] in Fortran order (count > 0). */
static void fortran_to_c(unsigned char *dst, const unsigned char *src, int ndim,
			 const long *shape, size_t isz, size_t count)
{
	size_t fstride[NPY_MAXDIM], idx[NPY_MAXDIM] = { 0 }, s = 1, off = 0;
	for (int k = 0; k < ndim; k++) {
		fstride[k] = s;
		s *= (size_t)shape[k];
	}
	for (size_t i = 0; i < count; i++) {
		memcpy(dst + i * isz, src + off * isz, isz);
		for (int k = ndim - 1; k >= 0; k--) {
			if (++idx[k] < (size_t)shape[k]) {
				off += fstride[k];
				break;
			}
			idx[k] = 0;
			off -= ((size_t)shape[k] - 1) * fstride[k];
		}
	}
}

static void swap_bytes(unsigned char *p, size_t count, size_t isz)
{
	for (size_t i = 0; i < count; i++, p += isz)
		for (size_t a = 0, b = isz - 1; a < b; a++, b--) {
			unsigned char t = p[a];
			p[a] = p[b];
			p[b] = t;
		}
}

int npy_parse(const void *buf, size_t len, NpyArray *out, Err *e)
{
	NpyHeader h;
	memset(out, 0, sizeof *out);
	int rc = parse_header(buf, len, len, &h, e);
	if (rc)
		return rc;

	size_t isz = dtype_sizes[h.dtype];
	unsigned char *data = malloc(h.nbytes ? h.nbytes : 1);
	if (!data)
		return err_set(e, ERR_NOMEM, "out of memory for %zu bytes of data", h.nbytes);
	const unsigned char *src = (const unsigned char *)buf + h.data_off;
	if (h.fortran && h.ndim > 1 && h.count > 0)
		fortran_to_c(data, src, h.ndim, h.shape, isz, h.count);
	else if (h.nbytes)
		memcpy(data, src, h.nbytes);
	if (h.swap)
		swap_bytes(data, h.count, isz);
	if (h.dtype == NPY_BOOL)
		for (size_t i = 0; i < h.count; i++)
			data[i] = data[i] != 0;

	out->dtype = h.dtype;
	out->ndim = h.ndim;
	memcpy(out->shape, h.shape, sizeof h.shape);
	out->count = h.count;
	out->data = data;
	return 0;
}

int npy_peek(const void *head, size_t avail, size_t len, NpyArray *out, Err *e)
{
	NpyHeader h;
	memset(out, 0, sizeof *out);
	int rc = parse_header(head, avail < len ? avail : len, len, &h, e);
	if (rc)
		return rc;
	out->dtype = h.dtype;
	out->ndim = h.ndim;
	memcpy(out->shape, h.shape, sizeof h.shape);
	out->count = h.count;
	return 0;
}

void npy_free(NpyArray *a)
{
	if (!a)
		return;
	free(a->name);
	free(a->data);
	memset(a, 0, sizeof *a);
}
/* ---- conversions -------------------------------------------------------- */

int npy_is_float(const NpyArray *a)
{
	return a->dtype == NPY_F32 || a->dtype == NPY_F64;
}

int npy_is_int(const NpyArray *a)
{
	return !npy_is_float(a);
}

static const char *array_name(const NpyArray *a)
{
	return a->name ? a->name : "(unnamed)";
}

int npy_to_f32(const NpyArray *a, float *dst, Err *e)
{
	if (a->dtype == NPY_F32) {
		memcpy(dst, a->data, a->count * sizeof *dst);
		return 0;
	}
	if (a->dtype != NPY_F64)
		return err_set(e, ERR_INVAL, "array '%s' is %s, not a float array",
			       array_name(a), npy_dtype_names[a->dtype]);
	const double *s = a->data;
	for (size_t i = 0; i < a->count; i++)
		dst[i] = (float)s[i];
	return 0;
}

int npy_to_i64(const NpyArray *a, int64_t *dst, Err *e)
{
	size_t n = a->count;
	const void *d = a->data;

	switch (a->dtype) {
	case NPY_I8:
		for (size_t i = 0; i < n; i++)
			dst[i] = ((const int8_t *)d)[i];
		return 0;
	case NPY_U8:
	case NPY_BOOL:
		for (size_t i = 0; i < n; i++)
			dst[i] = ((const uint8_t *)d)[i];
		return 0;
	case NPY_I16:
		for (size_t i = 0; i < n; i++)
			dst[i] = ((const int16_t *)d)[i];
		return 0;
	case NPY_U16:
		for (size_t i = 0; i < n; i++)
			dst[i] = ((const uint16_t *)d)[i];
		return 0;
	case NPY_I32:
		for (size_t i = 0; i < n; i++)
			dst[i] = ((const int32_t *)d)[i];
		return 0;
	case NPY_U32:
		for (size_t i = 0; i < n; i++)
			dst[i] = ((const uint32_t *)d)[i];
		return 0;
	case NPY_I64:
		memcpy(dst, d, n * sizeof *dst);
		return 0;
	case NPY_U64:
		for (size_t i = 0; i < n; i++) {
			uint64_t v = ((const uint64_t *)d)[i];
			if (v > INT64_MAX)
				return err_set(e, ERR_INVAL, "array '%s' (uint64) holds %llu, "
					       "beyond int64", array_name(a), (unsigned long long)v);
			dst[i] = (int64_t)v;
		}
		return 0;
	default:
		return err_set(e, ERR_INVAL, "array '%s' is %s, not an int array",
			       array_name(a), npy_dtype_names[a->dtype]);
	}
}

/* ---- writing the header ------------------------------------------------ */

/* numpy's v1.0 header for dtype and shape into out[size]: magic, version,
 * length, dict, spaces, '\n', in all a multiple of NPY_ALIGN bytes.
 * Returns the length, or 0 when it does not fit. */
size_t npy_make_header(NpyDtype dtype, int ndim, const long *shape,
		       unsigned char *out, size_t size)
{
	char dict[512], tuple[256];
	size_t n = 0;

	tuple[n++] = '(';
	for (int k = 0; k < ndim; k++)
		n += (size_t)snprintf(tuple + n, sizeof tuple - n, "%s%ld",
				      k ? ", " : "", shape[k]);
	snprintf(tuple + n, sizeof tuple - n, ndim == 1 ? ",)" : ")");
	char order = dtype_sizes[dtype] == 1 ? '|' : host_is_little() ? '<' : '>';
	int dn = snprintf(dict, sizeof dict,
			  "{'descr': '%c%s', 'fortran_order': False, 'shape': %s, }",
			  order, dtype_codes[dtype], tuple);
	if (dn < 0 || (size_t)dn >= sizeof dict)
		return 0;
	size_t total = 10 + (size_t)dn + 1;
	total += (NPY_ALIGN - total % NPY_ALIGN) % NPY_ALIGN;
	if (total > size)
		return 0;
	size_t hlen = total - 10;
	memcpy(out, NPY_MAGIC "\x01\x00", 8);
	out[8] = (unsigned char)(hlen & 0xff);
	out[9] = (unsigned char)(hlen >> 8);
	memcpy(out + 10, dict, (size_t)dn);
	memset(out + 10 + dn, ' ', total - 1 - 10 - (size_t)dn);
	out[total - 1] = '\n';
	return total;
}
