/* eigen.c — every eigenvalue and the spectral norm of a recurrent matrix,
 * by LAPACK (OpenBLAS ships it): dgeev for the eigenvalues, dgesvd for the
 * largest singular value.  Not in any training loop: it allocates. */
#include "eigen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* LAPACK's Fortran entry points (column-major; every argument by address). */
extern void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda, double *wr,
		   double *wi, double *vl, const int *ldvl, double *vr, const int *ldvr, double *work, const int *lwork,
		   int *info);
extern void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *lda,
		    double *s, double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
		    int *info);

typedef struct {
	double re, im;
} Cplx;

/* By modulus, largest first; then by angle: one order on every machine. */
static int by_modulus(const void *pa, const void *pb)
{
	const Cplx *a = pa, *b = pb;
	double ma = hypot(a->re, a->im), mb = hypot(b->re, b->im);
	if (ma != mb)
		return ma < mb ? 1 : -1;
	double aa = atan2(a->im, a->re), ab = atan2(b->im, b->re);
	return (aa > ab) - (aa < ab);
}

int mat_eigen(const float *w, int n, double *re, double *im, double *norm2, Err *e)
{
	if (n < 1)
		return err_set(e, ERR_INVAL, "an empty matrix has no eigenvalues");
	const size_t nn = (size_t)n * n;
	/* LAPACK reads column-major: the row-major block is W^T, whose
	 * eigenvalues and singular values are W's */
	double *a = malloc(nn * sizeof *a), *wr = malloc((size_t)n * sizeof *wr), *wi = malloc((size_t)n * sizeof *wi);
	Cplx *c = malloc((size_t)n * sizeof *c);
	double *work = NULL;
	int rc = 0, info = 0, lwork = -1, one = 1;
	if (!a || !wr || !wi || !c) {
		rc = err_set(e, ERR_NOMEM, "out of memory for the eigenvalues of a %dx%d matrix", n, n);
		goto out;
	}
	for (size_t i = 0; i < nn; i++)
		a[i] = w[i];
	double q;
	dgeev_("N", "N", &n, a, &n, wr, wi, NULL, &one, NULL, &one, &q, &lwork, &info);
	lwork = (int)q + 1;
	if (!(work = malloc((size_t)lwork * sizeof *work))) {
		rc = err_set(e, ERR_NOMEM, "out of memory for LAPACK's workspace");
		goto out;
	}
	dgeev_("N", "N", &n, a, &n, wr, wi, NULL, &one, NULL, &one, work, &lwork, &info);
	if (info != 0) {
		rc = err_set(e, ERR_NUMERIC, "the eigenvalues did not converge (LAPACK dgeev info %d)", info);
		goto out;
	}
	for (int i = 0; i < n; i++)
		c[i] = (Cplx){ wr[i], wi[i] };
	qsort(c, (size_t)n, sizeof *c, by_modulus);
	for (int i = 0; i < n; i++) {
		re[i] = c[i].re;
		im[i] = c[i].im;
	}
	if (norm2) {
		for (size_t i = 0; i < nn; i++)
			a[i] = w[i];
		*norm2 = mat_norm2(a, n);
		if (isnan(*norm2))
			rc = err_set(e, ERR_NUMERIC, "the singular values did not converge (LAPACK dgesvd)");
	}
out:
	free(a);
	free(wr);
	free(wi);
	free(c);
	free(work);
	return rc;
}

double mat_norm2(const double *a, int n)
{
	const size_t nn = (size_t)n * n;
	double *w = malloc(nn * sizeof *w), *s = malloc((size_t)n * sizeof *s), q, *work = NULL;
	int lwork = -1, info = 0, one = 1;
	double v = NAN;
	if (w && s) {
		memcpy(w, a, nn * sizeof *w);	/* column-major: a^T, the same singular values */
		dgesvd_("N", "N", &n, &n, w, &n, s, NULL, &one, NULL, &one, &q, &lwork, &info);
		lwork = (int)q + 1;
		if ((work = malloc((size_t)lwork * sizeof *work))) {
			dgesvd_("N", "N", &n, &n, w, &n, s, NULL, &one, NULL, &one, work, &lwork, &info);
			if (info == 0)
				v = s[0];
		}
	}
	free(w);
	free(s);
	free(work);
	return v;
}
