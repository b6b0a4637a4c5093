/* npz_mutate.h — a structure-aware libFuzzer mutator for .npz archives
 * (fuzz_npz and fuzz_session, libFuzzer builds only).
 *
 * Byte-level mutation rarely gets a deflated member past its CRC, and
 * never rewrites a zip directory consistently.  This one opens the
 * archive, changes one member (drops it, mutates a vector's bytes letting
 * it grow or shrink, overwrites bytes in place, or adds or removes a row)
 * and writes a sound archive again, stored, so that later byte-level
 * mutations reach the .npy headers and the session text too.
 */
#ifndef RNNLAB_NPZ_MUTATE_H
#define RNNLAB_NPZ_MUTATE_H

#ifdef FUZZ_LIBFUZZER
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npz.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* One mutation of the archive in data[0..size): 1 in 8 a plain byte-level
 * one, else open it, change one member and write a sound archive again
 * (in the working directory: call after fuzz_init). */
static inline size_t fuzz_npz_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	Npz z;
	Err e;
	if (seed % 8 == 0 || npz_read_mem(&z, data, size, "m", &e))
		return LLVMFuzzerMutate(data, size, max_size);
	if (z.n == 0) {
		npz_free(&z);
		return LLVMFuzzerMutate(data, size, max_size);
	}
	int k = (int)((seed >> 3) % (unsigned)z.n), op = (int)((seed >> 10) % 8);
	NpyArray *a = &z.arrays[k];
	size_t isz = npy_dtype_size(a->dtype);
	if (op == 0) {	/* drop the member */
		npy_free(a);
	} else if (a->ndim == 1 && (op <= 4 || a->dtype == NPY_U8)) {
		/* mutate a vector's bytes, letting it grow or shrink (text: the
		 * session and journal lines) */
		size_t cur = a->count * isz, cap = cur + 256;
		uint8_t *b = realloc(a->data, cap);
		if (!b)
			abort();
		if (!cur)
			b[cur++] = '\n';
		size_t nb = LLVMFuzzerMutate(b, cur, cap);
		a->data = b;
		a->count = nb / isz;
		a->shape[0] = (long)a->count;
	} else if (op == 5 && a->ndim >= 1) {	/* reshape: one more or one fewer row */
		long rows = a->shape[0] + ((seed >> 13) & 1 ? 1 : -1);
		size_t row = a->count / (a->shape[0] ? (size_t)a->shape[0] : 1);
		if (rows >= 0 && row) {
			uint8_t *b = calloc((size_t)rows * row + 1, isz);
			if (!b)
				abort();
			memcpy(b, a->data, ((size_t)rows < (size_t)a->shape[0] ? (size_t)rows : (size_t)a->shape[0]) * row * isz);
			free(a->data);
			a->data = b;
			a->shape[0] = rows;
			a->count = (size_t)rows * row;
		}
	} else {	/* overwrite bytes in place */
		if (a->count)
			LLVMFuzzerMutate(a->data, a->count * isz, a->count * isz);
	}
	NpzWriter *w;
	size_t out = 0;
	if (npz_writer_open(&w, "mutated.npz", NPZ_STORED, &e) == 0) {
		int rc = 0;
		for (int i = 0; i < z.n && !rc; i++)
			if (z.arrays[i].name)
				rc = npz_writer_add(w, z.arrays[i].name, z.arrays[i].dtype, z.arrays[i].ndim,
						    z.arrays[i].shape, z.arrays[i].data, &e);
		if (rc)
			npz_writer_abort(w);
		else if (npz_writer_close(w, &e) == 0) {
			FILE *f = fopen("mutated.npz", "rb");
			if (f) {
				uint8_t *tmp = malloc(max_size + 1);
				size_t got = tmp ? fread(tmp, 1, max_size + 1, f) : 0;
				if (got > 0 && got <= max_size) {
					memcpy(data, tmp, got);
					out = got;
				}
				free(tmp);
				fclose(f);
			}
			remove("mutated.npz");
		}
	}
	npz_free(&z);
	return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
#endif
#endif
