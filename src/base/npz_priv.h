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
/* numpy's v1.0 .npy header for dtype and shape into out[size]; returns its
 * length, or 0 when it does not fit. */
size_t npy_make_header(NpyDtype dtype, int ndim, const long *shape,
		       unsigned char *out, size_t size);

#endif
