/* eigen.h — the eigenvalues of a recurrent matrix against the unit circle:
 * what makes the gradient vanish (all inside) or explode (some outside).
 *
 * For W_hh (or one gate's block of it), h_t = tanh(W h_{t-1} + ...) has
 * dh_t/dh_{t-1} = diag(tanh') W: the spectral radius max|lambda| of W bounds
 * how a product of them grows, and its spectral norm ||W||_2 (the largest
 * singular value) bounds each factor (Pascanu et al. 2013).
 */
#ifndef RNNLAB_EIGEN_H
#define RNNLAB_EIGEN_H

#include "err.h"

/* Every eigenvalue of the n x n row-major matrix w into re[n], im[n]
 * (sorted by modulus, largest first, then by angle), and, when norm2 is not
 * NULL, its spectral norm.  LAPACK dgeev and dgesvd in double.  ERR_NOMEM,
 * ERR_NUMERIC (no convergence: a non-finite matrix). */
int mat_eigen(const float *w, int n, double *re, double *im, double *norm2, Err *e);

/* The spectral norm (largest singular value) of the n x n row-major a
 * (LAPACK dgesvd); NAN when it fails. */
double mat_norm2(const double *a, int n);

/* The n points X[n][d] (row-major) on their first two principal components:
 * P[n][2] the centred points' coordinates along the covariance's two
 * leading eigenvectors (LAPACK dsyev; each vector's largest entry made
 * positive, so the picture is the same on every machine), var[2] their
 * variances, *total the variance of all d dimensions.  ERR_INVAL (fewer
 * than 2 points or dimensions), ERR_NOMEM, ERR_NUMERIC. */
int pca2(const double *X, int n, int d, double *P, double *var, double *total, Err *e);

#endif
