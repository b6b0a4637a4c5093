/* npz.c — reading .npz archives through libzip: every member a sound .npy
 * array, sizes bounded before anything is allocated, CRCs checked. */
#include "npz.h"
#include "npz_priv.h"
#include "fileutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#define DEFLATE_MAX_RATIO 1032	/* deflate never expands more than this */

/* A member name made safe and short for a message. */
static void safe_name(const char *name, char *out, size_t size)
{
	size_t n = 0;
	for (; name[n] && n + 1 < size; n++)
		out[n] = (name[n] >= 0x20 && name[n] < 0x7f) ? name[n] : '?';
	out[n] = '\0';
	if (name[n] && size > 4)
		memcpy(out + size - 4, "...", 4);
}

static int member_error(Err *e, int code, const char *label, const char *name)
{
	char sn[64], pfx[160];
	safe_name(name, sn, sizeof sn);
	snprintf(pfx, sizeof pfx, "%s: member '%s'", label, sn);
	err_prefix(e, pfx);
	return code;
}

/* An archive opened by npz_open: the file's bytes, libzip's view of them,
 * and which member each array is. */
struct NpzArchive {
	unsigned char *buf;
	size_t len;
	zip_t *za;
	zip_uint64_t *member;	/* [n] */
	char *label;
};

/* Stat member i of za (an archive of arclen bytes): a stored or deflated
 * "<name>.npy" whose declared size the compressed one can hold. */
static int stat_member(zip_t *za, zip_uint64_t i, size_t arclen, const char *label, zip_stat_t *st,
		       Err *e)
{
	const zip_uint64_t need = ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
				  ZIP_STAT_COMP_METHOD;
	int rc;

	zip_stat_init(st);
	if (zip_stat_index(za, i, 0, st) != 0)
		return err_set(e, ERR_FORMAT, "%s: member %llu: %s", label,
			       (unsigned long long)i, zip_strerror(za));
	if ((st->valid & need) != need)
		return err_set(e, ERR_FORMAT, "%s: member %llu: incomplete directory entry",
			       label, (unsigned long long)i);
	const char *name = st->name;
	size_t nlen = strlen(name);
	if (nlen <= NPY_SUFFIX_LEN || strcmp(name + nlen - NPY_SUFFIX_LEN, NPY_SUFFIX) != 0) {
		err_set(e, ERR_FORMAT, "not a .npy array (expected '<name>.npy')");
		return member_error(e, ERR_FORMAT, label, name);
	}
	if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE) {
		err_set(e, ERR_FORMAT, "is encrypted");
		return member_error(e, ERR_FORMAT, label, name);
	}
	/* Bound the size before allocating it: it is only a claim. */
	if (st->comp_method == ZIP_CM_STORE) {
		rc = st->size != st->comp_size;
	} else if (st->comp_method == ZIP_CM_DEFLATE) {
		rc = st->size / DEFLATE_MAX_RATIO > st->comp_size + 1;
	} else {
		err_set(e, ERR_FORMAT, "compression method %u is not supported "
			"(only stored and deflated)", (unsigned)st->comp_method);
		return member_error(e, ERR_FORMAT, label, name);
	}
	if (rc || st->comp_size > arclen || st->size >= SIZE_MAX) {
		err_set(e, ERR_FORMAT, "implausible size (%llu bytes from %llu)",
			(unsigned long long)st->size, (unsigned long long)st->comp_size);
		return member_error(e, ERR_FORMAT, label, name);
	}
	return 0;
}

/* Read member i (st) into buf[0..want), want <= size.  With want == size
 * the member is read to its end, so libzip checks its CRC. */
static int read_bytes(zip_t *za, zip_uint64_t i, const zip_stat_t *st, unsigned char *buf, size_t want, Err *e)
{
	const size_t size = (size_t)st->size;
	zip_file_t *zf = zip_fopen_index(za, i, 0);
	if (!zf)
		return err_set(e, ERR_FORMAT, "%s", zip_strerror(za));
	size_t got = 0;
	int rc = 0;
	for (;;) {
		unsigned char extra;
		unsigned char *p = got < want ? buf + got : &extra;
		zip_uint64_t ask = got < want ? want - got : 1;
		if (got == want && want < size)
			break;
		zip_int64_t r = zip_fread(zf, p, ask);
		if (r < 0) {
			rc = err_set(e, ERR_FORMAT, "%s", zip_file_strerror(zf));
			break;
		}
		if (r == 0) {
			if (got != want)
				rc = err_set(e, ERR_FORMAT, "data ends after %zu of %zu bytes", got, size);
			break;
		}
		if (got == want) {
			rc = err_set(e, ERR_FORMAT, "more data than the %zu bytes declared", size);
			break;
		}
		got += (size_t)r;
	}
	zip_fclose(zf);
	return rc;
}

/* The header of member i into *out (data NULL), named. */
static int peek_member(zip_t *za, zip_uint64_t i, size_t arclen, const char *label, NpyArray *out, Err *e)
{
	zip_stat_t st;
	int rc = stat_member(za, i, arclen, label, &st, e);
	if (rc)
		return rc;
	const size_t size = (size_t)st.size, want = size < NPY_MAX_PREFIX ? size : NPY_MAX_PREFIX;
	unsigned char *head = malloc(want ? want : 1);
	if (!head)
		return err_set(e, ERR_NOMEM, "%s: out of memory", label);
	rc = read_bytes(za, i, &st, head, want, e);
	if (!rc)
		rc = npy_peek(head, want, size, out, e);
	free(head);
	size_t nlen = strlen(st.name);
	if (!rc && !(out->name = strndup(st.name, nlen - NPY_SUFFIX_LEN)))
		rc = err_set(e, ERR_NOMEM, "out of memory");
	if (rc)
		return member_error(e, rc, label, st.name);
	return 0;
}

/* The data of member i, whose header *a holds (from peek_member). */
static int load_member(zip_t *za, zip_uint64_t i, size_t arclen, const char *label, NpyArray *a, Err *e)
{
	zip_stat_t st;
	int rc = stat_member(za, i, arclen, label, &st, e);
	if (rc)
		return rc;
	const size_t size = (size_t)st.size;
	unsigned char *buf = malloc(size + 1);
	if (!buf) {
		err_set(e, ERR_NOMEM, "out of memory for %zu bytes", size);
		return member_error(e, ERR_NOMEM, label, st.name);
	}
	NpyArray got;
	rc = read_bytes(za, i, &st, buf, size, e);
	if (!rc)
		rc = npy_parse(buf, size, &got, e);
	free(buf);
	if (rc)
		return member_error(e, rc, label, st.name);
	/* the header was read before: it is the same bytes */
	a->data = got.data;
	return 0;
}

static void archive_close(struct NpzArchive *ar)
{
	if (!ar)
		return;
	if (ar->za)
		zip_discard(ar->za);
	free(ar->buf);
	free(ar->member);
	free(ar->label);
	free(ar);
}

/* Open the archive in buf[0..len) (taken over when own: freed at close)
 * and read every member's header into z. */
static int open_mem(Npz *z, unsigned char *buf, size_t len, int own, const char *label, Err *e)
{
	zip_error_t ze;
	int rc = 0;

	memset(z, 0, sizeof *z);
	struct NpzArchive *ar = calloc(1, sizeof *ar);
	if (!ar || !(ar->label = strdup(label))) {
		free(ar);
		if (own)
			free(buf);
		return err_set(e, ERR_NOMEM, "%s: out of memory", label);
	}
	ar->buf = own ? buf : NULL;
	ar->len = len;
	if (len == 0) {
		archive_close(ar);
		return err_set(e, ERR_FORMAT, "%s: empty file, not an .npz archive", label);
	}
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		archive_close(ar);
		return err_set(e, ERR_NOMEM, "%s: out of memory", label);
	}
	/* ZIP_CHECKCONS also refuses two members of one name (ZIP_ER_EXISTS). */
	ar->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!ar->za) {
		int zerr = zip_error_code_zip(&ze);
		if (zerr == ZIP_ER_MEMORY)
			rc = err_set(e, ERR_NOMEM, "%s: out of memory", label);
		else if (zerr == ZIP_ER_EXISTS)
			rc = err_set(e, ERR_FORMAT, "%s: two members have the same name", label);
		else
			rc = err_set(e, ERR_FORMAT, "%s: not a valid .npz archive: %s", label,
				     zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		archive_close(ar);
		return rc;
	}
	zip_error_fini(&ze);

	zip_int64_t n = zip_get_num_entries(ar->za, 0);
	if (n < 0 || n > INT_MAX) {
		archive_close(ar);
		return err_set(e, ERR_FORMAT, "%s: bad number of members", label);
	}
	z->arrays = calloc(n ? (size_t)n : 1, sizeof *z->arrays);
	ar->member = calloc(n ? (size_t)n : 1, sizeof *ar->member);
	z->ar = ar;
	if (!z->arrays || !ar->member) {
		npz_free(z);
		return err_set(e, ERR_NOMEM, "%s: out of memory", label);
	}
	for (zip_int64_t i = 0; i < n && rc == 0; i++) {
		rc = peek_member(ar->za, (zip_uint64_t)i, len, label, &z->arrays[z->n], e);
		if (rc == 0)
			ar->member[z->n++] = (zip_uint64_t)i;
	}
	if (rc)
		npz_free(z);
	return rc;
}

int npz_load(Npz *z, const NpyArray *a, Err *e)
{
	if (a->data)
		return 0;
	if (!z->ar || a < z->arrays || a >= z->arrays + z->n)
		return err_set(e, ERR_INVAL, "npz_load: not an array of this archive");
	int i = (int)(a - z->arrays);
	return load_member(z->ar->za, z->ar->member[i], z->ar->len, z->ar->label, &z->arrays[i], e);
}

/* Read the data of every member and close the archive. */
static int load_all(Npz *z, Err *e)
{
	int rc = 0;
	for (int i = 0; i < z->n && !rc; i++)
		rc = npz_load(z, &z->arrays[i], e);
	if (rc) {
		npz_free(z);
		return rc;
	}
	archive_close(z->ar);
	z->ar = NULL;
	return 0;
}

int npz_read_mem(Npz *z, const void *buf, size_t len, const char *label, Err *e)
{
	int rc = open_mem(z, (unsigned char *)buf, len, 0, label, e);
	return rc ? rc : load_all(z, e);
}

int npz_open(Npz *z, const char *path, Err *e)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	memset(z, 0, sizeof *z);
	int rc0 = file_check_regular(path, NPZ_MAX_FILE, e);
	if (rc0)
		return rc0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			unsigned char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
			if (!nb) {
				free(buf);
				fclose(f);
				return err_set(e, ERR_NOMEM, "%s: out of memory", path);
			}
			buf = nb;
			cap = ncap;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int err = errno;
		free(buf);
		fclose(f);
		return err_set(e, ERR_IO, "%s: %s", path, strerror(err));
	}
	fclose(f);
	return open_mem(z, buf, len, 1, path, e);
}

int npz_read(Npz *z, const char *path, Err *e)
{
	int rc = npz_open(z, path, e);
	return rc ? rc : load_all(z, e);
}

void npz_free(Npz *z)
{
	if (!z)
		return;
	for (int i = 0; i < z->n; i++)
		npy_free(&z->arrays[i]);
	free(z->arrays);
	archive_close(z->ar);
	z->ar = NULL;
	z->arrays = NULL;
	z->n = 0;
}

const NpyArray *npz_find(const Npz *z, const char *name)
{
	for (int i = 0; i < z->n; i++)
		if (strcmp(z->arrays[i].name, name) == 0)
			return &z->arrays[i];
	return NULL;
}

int npz_file_holds(const char *path, const char *name)
{
	Npz z;
	Err ignore;
	int ok = npz_open(&z, path, &ignore) == 0;	/* the headers: no data is read */
	if (ok) {
		ok = name ? npz_find(&z, name) != NULL : z.n > 0;	/* an empty zip is nobody's .npz */
		npz_free(&z);
	}
	return ok;
}

int npz_may_write(const char *path, int force, Err *e)
{
	return file_may_write_holding(path, FILE_NPZ, npz_file_holds, NULL, force, e);
}
