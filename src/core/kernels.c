/* kernels.c — fused, vectorisable gate arithmetic (see kernels.h). */
#include "kernels.h"

#include "vmath.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KERNEL
#endif

KERNEL void kern_lstm_fwd(float *restrict i, float *restrict f, float *restrict g, float *restrict o,
			  const float *restrict cp, float *restrict c, float *restrict tc, float *restrict h, int n)
{
	for (int j = 0; j < n; j++) {
		float ij = vsigmoidf(i[j]), fj = vsigmoidf(f[j]), gj = vtanhf(g[j]), oj = vsigmoidf(o[j]);
		float cj = fj * cp[j] + ij * gj;
		float tj = vtanhf(cj);
		i[j] = ij;
		f[j] = fj;
		g[j] = gj;
		o[j] = oj;
		c[j] = cj;
		tc[j] = tj;
		h[j] = oj * tj;
	}
}

KERNEL void kern_gru_fwd_rz(float *restrict r, float *restrict z, float *restrict n_, float *restrict hn,
			    const float *restrict hh_n, const float *restrict b_hn, int n)
{
	for (int j = 0; j < n; j++) {
		float rj = vsigmoidf(r[j]);
		float hj = hh_n[j] + b_hn[j];
		r[j] = rj;
		z[j] = vsigmoidf(z[j]);
		hn[j] = hj;
		n_[j] += rj * hj;
	}
}

KERNEL void kern_gru_fwd_n(float *restrict n_, const float *restrict z, const float *restrict hp,
			   float *restrict h, int n)
{
	for (int j = 0; j < n; j++) {
		float nj = vtanhf(n_[j]);
		n_[j] = nj;
		h[j] = (1.0f - z[j]) * nj + z[j] * hp[j];
	}
}

KERNEL void kern_rnn_fwd(const float *restrict a, float *restrict h, int relu, int n)
{
	if (relu)
		for (int j = 0; j < n; j++)
			h[j] = a[j] > 0 ? a[j] : 0.0f;
	else
		for (int j = 0; j < n; j++)
			h[j] = vtanhf(a[j]);
}

void kern_add_bias(float *restrict a, const float *restrict b1, const float *restrict b2, int n)
{
	if (b2)
		for (int j = 0; j < n; j++)
			a[j] += b1[j] + b2[j];
	else
		for (int j = 0; j < n; j++)
			a[j] += b1[j];
}

void kern_add(float *restrict a, const float *restrict b, int n)
{
	for (int j = 0; j < n; j++)
		a[j] += b[j];
}

void kern_dh(float *restrict dh, const float *restrict dy, const float *restrict carry, int n)
{
	for (int j = 0; j < n; j++)
		dh[j] = dy[j] + carry[j];
}

KERNEL void kern_lstm_bwd(float *restrict di, float *restrict df, float *restrict dg, float *restrict dout,
			  const float *restrict i, const float *restrict f, const float *restrict g,
			  const float *restrict o, const float *restrict tc, const float *restrict cp,
			  const float *restrict dh, float *restrict cc, int n)
{
	for (int j = 0; j < n; j++) {
		float dc = cc[j] + dh[j] * o[j] * (1.0f - tc[j] * tc[j]);
		di[j] = dc * g[j] * i[j] * (1.0f - i[j]);
		df[j] = dc * cp[j] * f[j] * (1.0f - f[j]);
		dg[j] = dc * i[j] * (1.0f - g[j] * g[j]);
		dout[j] = dh[j] * tc[j] * o[j] * (1.0f - o[j]);
		cc[j] = dc * f[j];
	}
}

KERNEL void kern_gru_bwd_nz(float *restrict dn, float *restrict dz, const float *restrict dh,
			    const float *restrict z, const float *restrict n_, const float *restrict hp, int n)
{
	for (int j = 0; j < n; j++) {
		dn[j] = dh[j] * (1.0f - z[j]) * (1.0f - n_[j] * n_[j]);
		dz[j] = dh[j] * (hp[j] - n_[j]) * z[j] * (1.0f - z[j]);
	}
}

KERNEL void kern_gru_bwd_r(float *restrict dr, float *restrict dhn, float *restrict carry,
			   const float *restrict dn, const float *restrict hn, const float *restrict r,
			   const float *restrict z, const float *restrict dh, int n)
{
	for (int j = 0; j < n; j++) {
		dr[j] = dn[j] * hn[j] * r[j] * (1.0f - r[j]);
		dhn[j] = dn[j] * r[j];
		carry[j] = dh[j] * z[j];
	}
}

KERNEL void kern_rnn_bwd(float *restrict d, const float *restrict dh, const float *restrict h, int relu, int n)
{
	if (relu)
		for (int j = 0; j < n; j++)
			d[j] = h[j] > 0 ? dh[j] : 0.0f;
	else
		for (int j = 0; j < n; j++)
			d[j] = dh[j] * (1.0f - h[j] * h[j]);
}
