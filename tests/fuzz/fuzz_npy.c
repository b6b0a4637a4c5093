/* fuzz_npy.c — one .npy array: npy_parse, then the conversions a reader
 * applies to what it got. */
#include <stdint.h>
#include <stdlib.h>

#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=256";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	NpyArray a;
	Err e;
	if (npy_parse(data, size, &a, &e))
		return 0;
	if (a.name || !a.data || a.ndim < 0 || a.ndim > NPY_MAXDIM)
		abort();
	size_t n = a.count ? a.count : 1;
	if (npy_is_float(&a)) {
		float *f = malloc(n * sizeof *f);
		if (f && npy_to_f32(&a, f, &e))
			abort();	/* a float array converts */
		free(f);
	} else if (npy_is_int(&a)) {
		int64_t *v = malloc(n * sizeof *v);
		if (v)
			npy_to_i64(&a, v, &e);	/* may refuse a uint64 past INT64_MAX */
		free(v);
	} else {
		abort();	/* every dtype is one or the other */
	}
	char sh[200];
	npy_format_shape(a.ndim, a.shape, sh, sizeof sh);
	npy_free(&a);
	npy_free(&a);	/* idempotent */
	return 0;
}
