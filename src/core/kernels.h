/* kernels.h — the fused elementwise parts of the cells, one row of H units.
 *
 * Every pointer is restrict: the gate blocks of a row are disjoint slices,
 * which lets the compiler vectorise each loop (with vmath.h's exp and tanh).
 * Each kernel is compiled for AVX-512, AVX2 and plain x86-64 and the best
 * one is picked when the program loads (GCC's target_clones).
 */
#ifndef RNNLAB_KERNELS_H
#define RNNLAB_KERNELS_H

/* lstm: i f g o pre-activations in, activations out (in place);
 * c = f*cp + i*g, tc = tanh(c), h = o*tc. */
void kern_lstm_fwd(float *restrict i, float *restrict f, float *restrict g, float *restrict o,
		   const float *restrict cp, float *restrict c, float *restrict tc, float *restrict h, int n);
/* gru, before the candidate: r = s(r), z = s(z), hn = hh_n + b_hn, n += r*hn. */
void kern_gru_fwd_rz(float *restrict r, float *restrict z, float *restrict n_, float *restrict hn,
		     const float *restrict hh_n, const float *restrict b_hn, int n);
/* gru, the candidate and the new state: n = tanh(n), h = (1-z)n + z hp. */
void kern_gru_fwd_n(float *restrict n_, const float *restrict z, const float *restrict hp,
		    float *restrict h, int n);
/* rnn: h = tanh(a) or relu(a). */
void kern_rnn_fwd(const float *restrict a, float *restrict h, int relu, int n);
/* a[j] += b1[j] + b2[j] (b2 may be NULL). */
void kern_add_bias(float *restrict a, const float *restrict b1, const float *restrict b2, int n);
/* a[j] += b[j] */
void kern_add(float *restrict a, const float *restrict b, int n);

/* dh = dy + carry */
void kern_dh(float *restrict dh, const float *restrict dy, const float *restrict carry, int n);
/* lstm backward of one row: d = [di df dg do] w.r.t. the pre-activations;
 * cc: dL/dc carried in, dL/dc_{t-1} out. */
void kern_lstm_bwd(float *restrict di, float *restrict df, float *restrict dg, float *restrict dout,
		   const float *restrict i, const float *restrict f, const float *restrict g,
		   const float *restrict o, const float *restrict tc, const float *restrict cp,
		   const float *restrict dh, float *restrict cc, int n);
/* gru backward, first half: dn (w.r.t. n's pre-activation), dz. */
void kern_gru_bwd_nz(float *restrict dn, float *restrict dz, const float *restrict dh,
		     const float *restrict z, const float *restrict n_, const float *restrict hp, int n);
/* gru backward, second half: dr, dhn = dn*r, carry = dh*z. */
void kern_gru_bwd_r(float *restrict dr, float *restrict dhn, float *restrict carry,
		    const float *restrict dn, const float *restrict hn, const float *restrict r,
		    const float *restrict z, const float *restrict dh, int n);
/* rnn backward: d = dh * act'(h). */
void kern_rnn_bwd(float *restrict d, const float *restrict dh, const float *restrict h, int relu, int n);

#endif
