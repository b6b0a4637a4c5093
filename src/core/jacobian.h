/* jacobian.h — why the gradient vanishes, step by step: the Jacobian of
 * one recurrent step, dh_t/dh_{t-1}, from a forward trace, and its norm.
 *
 * Backprop through time multiplies dL/dh_t by J_t^T at every step, so
 * ||dL/dh_t|| <= ||J_{t+1}|| ... ||J_T|| ||dL/dh_T|| when the loss reaches the
 * sequence only at its end (Pascanu et al. 2013): the product of the
 * steps' spectral norms bounds how much of the gradient can get back.  The
 * LSTM's other path is the cell: dc_t/dc_{t-1} = diag(f_t).
 *
 *   rnn   J = diag(act'(pre)) W_hh
 *   lstm  (c_{t-1} held) J = diag(tanh c) dO + diag(o (1 - tanh^2 c)) dC,
 *         dC = diag(c_{t-1}) dF + diag(g) dI + diag(i) dG,
 *         dI = diag(i(1-i)) W_hi, dF = diag(f(1-f)) W_hf, dG = diag(1-g^2) W_hg,
 *         dO = diag(o(1-o)) W_ho
 *   gru   J = diag(z) + diag(1-z) dN + diag(h_{t-1} - n) dZ,
 *         dZ = diag(z(1-z)) W_hz, dR = diag(r(1-r)) W_hr,
 *         dN = diag(1-n^2) (diag(r) W_hn + diag(W_hn h_{t-1} + b_hn) dR)
 */
#ifndef RNNLAB_JACOBIAN_H
#define RNNLAB_JACOBIAN_H

#include "eigen.h"
#include "net.h"

/* J[i*H + j] = dh_t[i] / dh_{t-1}[j] of layer k, sequence b, step t
 * (0-based: the step whose input is x_t) of the forward pass in tr, which
 * ran with the flat parameter block w (laid out as m->params; a trainer
 * keeps it as Trainer.tw, the weights before the update that followed).
 * ERR_INVAL for layer-normalised models (not derived here) or a bad
 * index. */
int step_jacobian(const Model *m, const float *w, const Trace *tr, int k, int b, int t, double *J, Err *e);

#endif
