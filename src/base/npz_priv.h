/* npz_priv.h — what npy.c shares with npz.c and npz_write.c and nothing
 * else includes: the member suffix, and the writer's half of the .npy
 * header. */
#ifndef RNNLAB_NPZ_PRIV_H
#define RNNLAB_NPZ_PRIV_H

#include "npy.h"

/* Every member of an .npz archive is "<name>.npy". */
#define NPY_SUFFIX	".npy"
#define NPY_SUFFIX_LEN	4

/* The element count of shape[ndim] with isz-byte elements into *count;
 * ERR_FORMAT when the product in bytes would pass PTRDIFF_MAX. */
int npy_shape_count(int ndim, const long *shape, size_t isz, size_t *count, Err *e);
/* The longest .npy header read (numpy's own are < 300 bytes), and what
 * npy_peek needs to see of a file to read any header it accepts. */
#define NPY_MAX_HEADER	65536
#define NPY_MAX_PREFIX	(NPY_MAX_HEADER + 12)

/* The header alone of an .npy file of len bytes whose first avail bytes
 * are at head: *out gets dtype, ndim, shape and count, name and data NULL
 * (nothing to free).  The same checks as npy_parse, the data's length
 * (len) included; ERR_FORMAT. */
int npy_peek(const void *head, size_t avail, size_t len, NpyArray *out, Err *e);
/* numpy's v1.0 .npy header for dtype and shape into out[size]; returns its
 * length, or 0 when it does not fit. */
size_t npy_make_header(NpyDtype dtype, int ndim, const long *shape,
		       unsigned char *out, size_t size);

#endif
