/* npy.h — numpy's .npy arrays: one array parsed from memory, converted.
 *
 * Only the small .npy header is parsed here, strictly: this code reads files
 * from users and is fuzzed.  Every length is checked, the shape product may
 * not overflow, the data must be exactly shape product * itemsize bytes, and
 * at most NPY_MAXDIM dimensions are accepted.
 *
 * Read: .npy header versions 1.0, 2.0 and 3.0; the dtypes below in either
 * byte order ("<f4", ">f8", "|u1", "|b1", ...); Fortran-order arrays.  What
 * the caller gets is always C order and native byte order; bools are 0 or 1.
 * Write (npz.h): any of the dtypes below, native byte order, header version
 * 1.0 padded as numpy pads it, so np.load reads the file back.
 */
#ifndef RNNLAB_NPY_H
#define RNNLAB_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef enum {
	NPY_F32, NPY_F64, NPY_I8, NPY_U8, NPY_BOOL, NPY_I16, NPY_U16,
	NPY_I32, NPY_U32, NPY_I64, NPY_U64, NPY_DTYPE_COUNT
} NpyDtype;

/* numpy's names, "float32", "int64", "bool", ..., for messages. */
extern const char *const npy_dtype_names[NPY_DTYPE_COUNT];

#define NPY_MAXDIM 8

typedef struct NpyArray {
	char *name;		/* member name without ".npy"; owned; NULL from npy_parse */
	NpyDtype dtype;
	int ndim;		/* 0 (a scalar, count 1) .. NPY_MAXDIM */
	long shape[NPY_MAXDIM];	/* shape[0..ndim-1] >= 0; the rest are 0 */
	size_t count;		/* product of the shape; 0 for an empty array */
	void *data;		/* count elements, C order, native endian; owned,
				 * never NULL (a 1-byte block when count is 0) */
} NpyArray;

/* Bytes per element of dtype. */
size_t npy_dtype_size(NpyDtype dtype);

/* Write a shape as "[2, 3]" ("[]" for 0-d) into buf; returns buf. */
char *npy_format_shape(int ndim, const long *shape, char *buf, size_t size);

/* Parse one whole .npy file held in buf[0..len) into *out (name NULL).
 * ERR_FORMAT for anything malformed, ERR_NOMEM.  On error *out is zeroed.
 * Release with npy_free. */
int  npy_parse(const void *buf, size_t len, NpyArray *out, Err *e);
/* Free a->name and a->data and zero *a.  NULL-safe, idempotent. */
void npy_free(NpyArray *a);

/* Kinds: float32/float64 are floats; every integer dtype and bool are ints. */
int npy_is_float(const NpyArray *a);
int npy_is_int(const NpyArray *a);

/* Convert a float array to float32 (float64 rounds; out of range becomes
 * +-inf as in numpy) into dst[a->count], caller-allocated.  ERR_INVAL,
 * naming the array and its dtype, when a is not a float array. */
int npy_to_f32(const NpyArray *a, float *dst, Err *e);
/* Convert an int or bool array to int64 into dst[a->count].  ERR_INVAL when
 * a is not an int array or a uint64 value exceeds INT64_MAX. */
int npy_to_i64(const NpyArray *a, int64_t *dst, Err *e);

#endif
