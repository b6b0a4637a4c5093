/* testutil.h — small helpers shared by the cmocka tests (header only). */
#ifndef RNNLAB_TESTUTIL_H
#define RNNLAB_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "npz.h"
#include "platform.h"

/* First thing in every test main(): the BLAS core and the subnormal mode
 * that rnnlab itself runs with (platform_start may re-execute once). */
static inline void tu_start(int argc, char **argv)
{
	Err e;
	(void)argc;
	if (platform_start(argv, &e))
		fprintf(stderr, "%s\n", e.msg);
}

/* Worst |a-b| / (atol/rtol + |b|) style error: returns the largest
 * |a - b| - rtol*|b| excess, so <= atol means every element passes. */
static inline double tu_max_excess(const float *a, const float *b, size_t n, double rtol,
				   size_t *where)
{
	double worst = 0;
	if (where)
		*where = 0;
	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - b[i]) - rtol * fabs((double)b[i]);
		if (!(d <= worst)) {	/* NaN counts as worst */
			worst = isnan(d) ? INFINITY : d;
			if (where)
				*where = i;
		}
	}
	return worst;
}

/* A float array from an npz, converted to float32 (malloc'd; caller frees).
 * Fails the test when missing and required. */
static inline float *tu_get_f32(const Npz *z, const char *name, size_t *count, int required)
{
	const NpyArray *a = npz_find(z, name);
	if (!a) {
		if (required)
			fail_msg("fixture has no array '%s'", name);
		return NULL;
	}
	float *out = malloc((a->count ? a->count : 1) * sizeof *out);
	assert_non_null(out);
	Err e;
	if (npy_is_float(a)) {
		if (npy_to_f32(a, out, &e))
			fail_msg("%s", e.msg);
	} else {
		int64_t *tmp = malloc((a->count ? a->count : 1) * sizeof *tmp);
		assert_non_null(tmp);
		if (npy_to_i64(a, tmp, &e))
			fail_msg("%s", e.msg);
		for (size_t i = 0; i < a->count; i++)
			out[i] = (float)tmp[i];
		free(tmp);
	}
	if (count)
		*count = a->count;
	return out;
}

/* A fixed stream of pseudo-random numbers (xorshift64), for random damage
 * and random data that every run repeats. */
static inline uint64_t tu_xorshift(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* log softmax(logits[V])[y], in double (the largest logit taken out first). */
static inline double tu_log_softmax_at(const float *lg, int V, int y)
{
	double mx = lg[0], z = 0;
	for (int v = 1; v < V; v++)
		mx = fmax(mx, lg[v]);
	for (int v = 0; v < V; v++)
		z += exp(lg[v] - mx);
	return lg[y] - mx - log(z);
}

#endif
