/* cell.h — one recurrent layer over a whole sequence: forward and backward.
 *
 * The kernels of rnnlab.  For layer k of model m, with G gates of H units:
 *
 *   forward:   act = x W_ih^T + b_ih (+ b_hh)       one GEMM for all T steps
 *              for t: act_t += h_{t-1} W_hh^T        one GEMM per step
 *                     gates, c_t, h_t                fused elementwise
 *   backward:  for t = T-1..0: dA_t from dh_t, carry = dA_t W_hh
 *              dW_ih += dA^T x, dW_hh += dA^T h_{<T}, dx = dA W_ih
 *                                                    three GEMMs for all T
 *
 * Shapes are in net.h's LayerTrace.  No function here allocates.
 */
#ifndef RNNLAB_CELL_H
#define RNNLAB_CELL_H

#include "net.h"

/* lt->x, lt->h[0] (and lt->c[0]) must be set; fills the rest for T steps.
 * tmp: [B, G*H] scratch. */
void cell_forward(const Model *m, int k, LayerTrace *lt, int T, int B, float *tmp);

/* dy: [T*B, H] gradient into h_t from above (not modified).
 * dx: [T*B, I_k] gradient into the layer's input, or NULL to skip it.
 * da, dah: [T*B, G*H] scratch (dah may equal da unless gru);
 * carry_h, carry_c: [B, H] scratch.  Accumulates into m->g.layer[k] and
 * writes lt->dh. */
void cell_backward(Model *m, int k, LayerTrace *lt, int T, int B, const float *dy,
		   float *dx, float *da, float *dah, float *carry_h, float *carry_c);

/* cell_backward with a gradient from beyond the sequence: dh_T, dc_T [B, H]
 * (either may be NULL = 0; dc_T lstm only) are dL/d(final h, c) from
 * outside, e.g. a decoder started from this layer's final state.  On
 * return carry_h (and carry_c, lstm) hold dL/dh_0 (dL/dc_0): the gradient
 * into the initial state.  cell_backward is this with dh_T = dc_T = NULL. */
void cell_backward_state(Model *m, int k, LayerTrace *lt, int T, int B, const float *dy,
			 const float *dh_T, const float *dc_T, float *dx, float *da, float *dah,
			 float *carry_h, float *carry_c);

/* Layer norm over n values (in place), saving xhat and 1/std for backward. */
void ln_forward(float *a, const float *w, const float *b, float *xhat, float *rstd, int n);
/* d: in, dL/d(output); out, dL/d(input).  Accumulates dw, db. */
void ln_backward(float *d, const float *xhat, float rstd, const float *w,
		 float *dw, float *db, int n);

#endif
