/* rng.h — the seeded random generator behind every random choice.
 *
 * xoshiro256** seeded through splitmix64: the same seed gives the same
 * stream on every machine, so the same seed gives bit-identical runs.  The
 * whole state is four words, saved with a session.
 */
#ifndef RNNLAB_RNG_H
#define RNNLAB_RNG_H

#include <stdint.h>

typedef struct Rng {
	uint64_t s[4];
} Rng;

void     rng_seed(Rng *r, uint64_t seed);
uint64_t rng_next(Rng *r);
/* Uniform in [0, 1), 24 bits of mantissa. */
float    rng_uniform(Rng *r);
/* Uniform in [lo, hi). */
float    rng_range(Rng *r, float lo, float hi);
/* Standard normal (Box-Muller, in double). */
float    rng_normal(Rng *r);
/* Uniform integer in [0, n), unbiased; n > 0. */
uint32_t rng_below(Rng *r, uint32_t n);

#endif
