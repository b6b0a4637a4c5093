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
extern void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
		   const int *lwork, int *info);
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

int pca2(const double *X, int n, int d, double *P, double *var, double *total, Err *e)
{
	if (n < 2 || d < 2)
		return err_set(e, ERR_INVAL, "principal components need 2 points of 2 dimensions at least (got %d of %d)", n, d);
	double *mean = calloc((size_t)d, sizeof *mean), *C = calloc((size_t)d * d, sizeof *C);
	double *w = malloc((size_t)d * sizeof *w), *work = NULL, q;
	int rc = 0, lwork = -1, info = 0;
	if (!mean || !C || !w) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < d; j++)
			mean[j] += X[(size_t)i * d + j] / n;
	for (int i = 0; i < n; i++)	/* the covariance, upper and lower */
		for (int a = 0; a < d; a++) {
			const double xa = X[(size_t)i * d + a] - mean[a];
			for (int b = a; b < d; b++)
				C[(size_t)a * d + b] += xa * (X[(size_t)i * d + b] - mean[b]) / (n - 1);
		}
	*total = 0;
	for (int a = 0; a < d; a++) {
		*total += C[(size_t)a * d + a];
		for (int b = a + 1; b < d; b++)
			C[(size_t)b * d + a] = C[(size_t)a * d + b];
	}
	dsyev_("V", "U", &d, C, &d, w, &q, &lwork, &info);
	lwork = (int)q + 1;
	if (!(work = malloc((size_t)lwork * sizeof *work))) {
		rc = err_set(e, ERR_NOMEM, "out of memory for LAPACK's workspace");
		goto out;
	}
	dsyev_("V", "U", &d, C, &d, w, work, &lwork, &info);
	if (info != 0) {
		rc = err_set(e, ERR_NUMERIC, "the covariance's eigenvectors did not converge (LAPACK dsyev info %d)", info);
		goto out;
	}
	/* the two largest (dsyev sorts ascending); each vector's largest entry positive */
	for (int k = 0; k < 2; k++) {
		double *v = C + (size_t)(d - 1 - k) * d;	/* column d-1-k */
		int big = 0;
		for (int j = 1; j < d; j++)
			if (fabs(v[j]) > fabs(v[big]))
				big = j;
		if (v[big] < 0)
			for (int j = 0; j < d; j++)
				v[j] = -v[j];
		var[k] = w[d - 1 - k];
		for (int i = 0; i < n; i++) {
			double p = 0;
			for (int j = 0; j < d; j++)
				p += (X[(size_t)i * d + j] - mean[j]) * v[j];
			P[(size_t)i * 2 + k] = p;
		}
	}
out:
	free(mean);
	free(C);
	free(w);
	free(work);
	return rc;
}
