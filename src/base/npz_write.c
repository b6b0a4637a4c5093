/* npz_write.c — NpzWriter: .npz archives written through libzip, committed
 * atomically at close. */
#include "npz.h"
#include "npz_priv.h"

#include <stdlib.h>
#include <string.h>

#include <zip.h>

struct NpzWriter {
	zip_t *za;
	char *path;
	NpzCompression comp;
	int n;			/* arrays added */
};

/* libzip's error code as ours, for failures on the way to a file. */
static int write_code(int zip_err)
{
	return zip_err == ZIP_ER_MEMORY ? ERR_NOMEM :
	       zip_err == ZIP_ER_INVAL ? ERR_INVAL : ERR_IO;
}

int npz_writer_open(NpzWriter **wp, const char *path, NpzCompression comp, Err *e)
{
	int zerr = 0;

	*wp = NULL;
	if (comp != NPZ_STORED && comp != NPZ_DEFLATED)
		return err_set(e, ERR_INVAL, "%s: bad compression %d", path, (int)comp);
	NpzWriter *w = calloc(1, sizeof *w);
	if (!w || !(w->path = strdup(path))) {
		free(w);
		return err_set(e, ERR_NOMEM, "%s: out of memory", path);
	}
	w->comp = comp;
	w->za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!w->za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		int rc = err_set(e, write_code(zerr), "%s: cannot write: %s", path,
				 zip_error_strerror(&ze));
		zip_error_fini(&ze);
		free(w->path);
		free(w);
		return rc;
	}
	*wp = w;
	return 0;
}

int npz_writer_add(NpzWriter *w, const char *name, NpyDtype dtype,
		   int ndim, const long *shape, const void *data, Err *e)
{
	unsigned char hdr[512];
	size_t count = 0;

	if (!name || !*name || strlen(name) > 1024)
		return err_set(e, ERR_INVAL, "%s: bad array name", w->path);
	if ((int)dtype < 0 || dtype >= NPY_DTYPE_COUNT)
		return err_set(e, ERR_INVAL, "%s: array '%s': bad dtype %d", w->path, name,
			       (int)dtype);
	if (ndim < 0 || ndim > NPY_MAXDIM || (ndim > 0 && !shape))
		return err_set(e, ERR_INVAL, "%s: array '%s': %d dimensions (at most %d)",
			       w->path, name, ndim, NPY_MAXDIM);
	for (int k = 0; k < ndim; k++)
		if (shape[k] < 0)
			return err_set(e, ERR_INVAL, "%s: array '%s': dimension %d is %ld",
				       w->path, name, k, shape[k]);
	if (npy_shape_count(ndim, shape, npy_dtype_size(dtype), &count, e) != 0)
		return err_set(e, ERR_INVAL, "%s: array '%s': shape product overflows",
			       w->path, name);
	if (count && !data)
		return err_set(e, ERR_INVAL, "%s: array '%s': no data", w->path, name);

	size_t hn = npy_make_header(dtype, ndim, shape, hdr, sizeof hdr);
	size_t nbytes = count * npy_dtype_size(dtype);
	if (hn == 0 || nbytes > SIZE_MAX - hn)
		return err_set(e, ERR_INVAL, "%s: array '%s': too large", w->path, name);
	unsigned char *buf = malloc(hn + nbytes);
	char *mname = malloc(strlen(name) + NPY_SUFFIX_LEN + 1);
	if (!buf || !mname) {
		free(buf);
		free(mname);
		return err_set(e, ERR_NOMEM, "%s: array '%s': out of memory", w->path, name);
	}
	memcpy(buf, hdr, hn);
	if (nbytes)
		memcpy(buf + hn, data, nbytes);
	strcpy(mname, name);
	strcat(mname, NPY_SUFFIX);

	/* libzip owns buf from here (freep = 1) and frees it after close. */
	zip_source_t *src = zip_source_buffer(w->za, buf, hn + nbytes, 1);
	if (!src) {
		free(buf);
		free(mname);
		return err_set(e, ERR_NOMEM, "%s: array '%s': %s", w->path, name,
			       zip_strerror(w->za));
	}
	zip_int64_t idx = zip_file_add(w->za, mname, src, 0);
	free(mname);
	if (idx < 0) {
		int zerr = zip_error_code_zip(zip_get_error(w->za));
		zip_source_free(src);
		if (zerr == ZIP_ER_EXISTS)
			return err_set(e, ERR_INVAL, "%s: array '%s' added twice", w->path, name);
		return err_set(e, write_code(zerr), "%s: array '%s': %s", w->path, name,
			       zip_strerror(w->za));
	}
	zip_int32_t method = w->comp == NPZ_DEFLATED ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
	/* A fixed date (1980-01-01, the first a zip can say), so the same
	 * arrays make the same bytes: saved weights compare with cmp. */
	if (zip_file_set_dostime(w->za, (zip_uint64_t)idx, 0, (0 << 9) | (1 << 5) | 1, 0) != 0 ||
	    zip_set_file_compression(w->za, (zip_uint64_t)idx, method, 0) != 0) {
		int rc = err_set(e, write_code(zip_error_code_zip(zip_get_error(w->za))),
				 "%s: array '%s': %s", w->path, name, zip_strerror(w->za));
		zip_delete(w->za, (zip_uint64_t)idx);
		return rc;
	}
	w->n++;
	return 0;
}

int npz_writer_close(NpzWriter *w, Err *e)
{
	int rc = 0;

	if (w->n == 0) {
		rc = err_set(e, ERR_INVAL, "%s: no arrays to write", w->path);
		zip_discard(w->za);
	} else if (zip_close(w->za) != 0) {
		/* libzip has removed its temporary file; path is as it was. */
		rc = err_set(e, write_code(zip_error_code_zip(zip_get_error(w->za))),
			     "%s: cannot write: %s", w->path, zip_strerror(w->za));
		zip_discard(w->za);
	}
	free(w->path);
	free(w);
	return rc;
}

void npz_writer_abort(NpzWriter *w)
{
	if (!w)
		return;
	zip_discard(w->za);
	free(w->path);
	free(w);
}
