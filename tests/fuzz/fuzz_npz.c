/* fuzz_npz.c — an .npz archive from memory (npz_read_mem: libzip, then
 * each member's .npy header), then a lookup and a conversion of each
 * array, as import and load do.  The libFuzzer build also mutates the
 * members through the archive (npz_mutate.h), which needs the private
 * directory of fuzz.h for its scratch file. */
#include "fuzz.h"
#include "npz.h"
#include "npz_mutate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

#ifdef FUZZ_LIBFUZZER
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return fuzz_npz_mutate(data, size, max_size, seed);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Npz z;
	Err e;
	if (npz_read_mem(&z, data, size, "fuzz.npz", &e)) {
		if (z.n || z.arrays)
			abort();	/* on error *z is empty */
		return 0;
	}
	for (int i = 0; i < z.n; i++) {
		const NpyArray *a = &z.arrays[i];
		if (!a->name || npz_find(&z, a->name) != a)
			abort();	/* names are unique and found */
		size_t n = a->count ? a->count : 1;
		if (npy_is_float(a)) {
			float *f = malloc(n * sizeof *f);
			if (f && npy_to_f32(a, f, &e))
				abort();
			free(f);
		} else {
			int64_t *v = malloc(n * sizeof *v);
			if (v)
				npy_to_i64(a, v, &e);
			free(v);
		}
	}
	npz_free(&z);
	npz_free(&z);
	return 0;
}
