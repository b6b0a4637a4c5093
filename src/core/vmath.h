/* vmath.h — exp, sigmoid and tanh that the compiler can vectorise.
 *
 * libm's expf/tanhf are calls the vectoriser cannot see through, and in a
 * training step they cost as much as the GEMMs (perf: 30% of an LSTM step
 * in __expm1f and __tanhf).  These are branch-free float versions of the
 * Cephes routines, accurate to about 2 ulp, that GCC turns into SIMD code
 * inside the fused gate loops.
 *
 *   vexpf:     e^x = 2^n e^r, n = round(x log2 e), |r| <= ln2/2, e^r by a
 *              degree-6 polynomial (Cephes expf); 2^n built in the exponent
 *              bits.  x is clamped to [-87.3, 88.7].
 *   vtanhf:    |x| < 0.625: x + x z P(z), z = x^2 (Cephes tanhf);
 *              else sign(x) (1 - 2 / (e^{2|x|} + 1)).  Both are computed
 *              and one is selected, so the loop has no branch.
 *   vsigmoidf: 1 / (1 + e^-x).
 */
#ifndef RNNLAB_VMATH_H
#define RNNLAB_VMATH_H

#include <stdint.h>
#include <string.h>

static inline float vexpf(float x)
{
	x = x < -87.3f ? -87.3f : x > 88.7f ? 88.7f : x;
	/* round to nearest by the 1.5 * 2^23 trick (no libm call) */
	float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
	float r = x - n * 0.693359375f + n * 2.12194440e-4f;
	float z = r * r;
	float p = 1.9875691500e-4f;
	p = p * r + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * z + r + 1.0f;
	int32_t bits = ((int32_t)(n == n ? n : 0.0f) + 127) << 23;	/* NaN: p is NaN already */
	float s;
	memcpy(&s, &bits, sizeof s);
	return p * s;
}

static inline float vsigmoidf(float x)
{
	return 1.0f / (1.0f + vexpf(-x));
}

static inline float vtanhf(float x)
{
	float a = x < 0 ? -x : x;
	float z = x * x;
	float p = -5.70498872745e-3f;
	p = p * z + 2.06390887954e-2f;
	p = p * z - 5.37397155531e-2f;
	p = p * z + 1.33314422036e-1f;
	p = p * z - 3.33332819422e-1f;
	float small = x + x * z * p;
	float big = 1.0f - 2.0f / (vexpf(2.0f * a) + 1.0f);
	big = x < 0 ? -big : big;
	return a < 0.625f ? small : big;
}

#endif
