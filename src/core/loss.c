/* loss.c — mse, softmax cross-entropy and bce with logits, reduction 'mean'.
 *
 *   mse: L = sum (o - y)^2 / N            dL/do = 2 (o - y) / N
 *   ce:  L = sum_r (lse(o_r) - o_r[y_r]) / R     dL/do_r = (softmax(o_r) - onehot(y_r)) / R
 *   bce: L = sum max(o,0) - o*y + log(1 + e^-|o|) / N    dL/do = (s(o) - y) / N
 * N counts elements, R scored rows.  Sums are taken in double.
 */
#include "net.h"

#include <math.h>
#include <string.h>

const char *const loss_names[LOSS_COUNT] = { "mse", "ce", "bce" };

/* ce: the rows scored, those whose class is not ignore */
static long ce_rows(const float *y, int n, int ignore)
{
	long cnt = 0;
	for (int r = 0; r < n; r++)
		cnt += !(ignore >= 0 && (int)y[r] == ignore);
	return cnt;
}

/* Binary cross-entropy of one logit x against y, in the stable form
 * max(x, 0) - x y + log(1 + e^-|x|); *s gets sigmoid(x). */
static double bce_elem(double x, double y, double *s)
{
	*s = 1.0 / (1.0 + exp(-x));
	return (x > 0 ? x : 0) - x * y + log1p(exp(-fabs(x)));
}

double loss_forward_backward(LossKind kind, const float *logits, const float *y,
			     int n, int o, int ignore, float *dlogits, long *scored)
{
	double sum = 0;
	long cnt = 0;
	size_t total = (size_t)n * o;
	switch (kind) {
	case LOSS_MSE:
		cnt = (long)total;
		for (size_t i = 0; i < total; i++) {
			double d = (double)logits[i] - y[i];
			sum += d * d;
		}
		for (size_t i = 0; i < total; i++)
			dlogits[i] = (float)(2.0 * ((double)logits[i] - y[i]) / (double)cnt);
		break;
	case LOSS_BCE:
		cnt = (long)total;
		for (size_t i = 0; i < total; i++) {
			double s;
			sum += bce_elem(logits[i], y[i], &s);
			dlogits[i] = (float)(s - y[i]);
		}
		for (size_t i = 0; i < total && cnt; i++)
			dlogits[i] = (float)(dlogits[i] / (double)cnt);
		break;
	case LOSS_CE:
		cnt = ce_rows(y, n, ignore);
		for (int r = 0; r < n; r++) {
			const float *lr = logits + (size_t)r * o;
			float *dr = dlogits + (size_t)r * o;
			int cls = (int)y[r];
			if (ignore >= 0 && cls == ignore) {
				memset(dr, 0, (size_t)o * sizeof(float));
				continue;
			}
			double mx = lr[0], z = 0;
			for (int j = 1; j < o; j++)
				if (lr[j] > mx)
					mx = lr[j];
			for (int j = 0; j < o; j++)
				z += exp(lr[j] - mx);
			double lse = mx + log(z);
			sum += lse - lr[cls];
			for (int j = 0; j < o; j++)
				dr[j] = (float)((exp(lr[j] - lse) - (j == cls)) / (double)cnt);
		}
		break;
	default:
		break;
	}
	*scored = cnt;
	return cnt ? sum / (double)cnt : 0.0;
}

/* log(1 + e^w) without overflow */
static double softplus(double w)
{
	return (w > 0 ? w : 0) + log1p(exp(-fabs(w)));
}

/* With a = 0 every sum and gradient below is bit for bit the plain loss's:
 * (1 - 0) x + 0 y is x (the teacher term being finite). */
double loss_distill(LossKind kind, const float *logits, const float *y, const float *zt, int n, int o,
		    int ignore, float temp, float alpha, float *dlogits, long *scored, double *kd)
{
	const double a = alpha, b = 1.0 - (double)alpha, T = temp;
	double sum = 0, kdsum = 0;
	long cnt = 0;
	const size_t total = (size_t)n * o;
	switch (kind) {
	case LOSS_MSE:
		cnt = (long)total;
		for (size_t i = 0; i < total; i++) {
			double d = (double)logits[i] - y[i], dt = (double)logits[i] - zt[i];
			sum += b * (d * d) + a * (dt * dt);
			kdsum += dt * dt;
			dlogits[i] = (float)(2.0 * (b * d + a * dt) / (double)cnt);
		}
		break;
	case LOSS_BCE:
		cnt = (long)total;
		for (size_t i = 0; i < total; i++) {
			double x = logits[i], u = x / T, v = zt[i] / T;
			double p = 1.0 / (1.0 + exp(-v)), q = 1.0 / (1.0 + exp(-u));
			/* KL(Bernoulli(p) || Bernoulli(q)) = p log(p/q) + (1-p) log((1-p)/(1-q)) */
			double kl = p * (softplus(-u) - softplus(-v)) + (1 - p) * (softplus(u) - softplus(v));
			double s, task = bce_elem(x, y[i], &s);
			sum += b * task + a * (T * T * kl);
			kdsum += T * T * kl;
			dlogits[i] = (float)(b * (s - y[i]) + a * (T * (q - p)));
		}
		for (size_t i = 0; i < total && cnt; i++)
			dlogits[i] = (float)(dlogits[i] / (double)cnt);
		break;
	case LOSS_CE:
		cnt = ce_rows(y, n, ignore);
		for (int r = 0; r < n; r++) {
			const float *lr = logits + (size_t)r * o, *tr = zt + (size_t)r * o;
			float *dr = dlogits + (size_t)r * o;
			int cls = (int)y[r];
			if (ignore >= 0 && cls == ignore) {
				memset(dr, 0, (size_t)o * sizeof(float));
				continue;
			}
			/* the maxima, then the normalisers: the student's at 1 (as
			 * loss_forward_backward has it) and at T, the teacher's at T,
			 * whose terms wait in dr (float) for the pass below */
			double mx = lr[0], mt = tr[0];
			for (int j = 1; j < o; j++) {
				if (lr[j] > mx)
					mx = lr[j];
				if (tr[j] > mt)
					mt = tr[j];
			}
			double z = 0, zs = 0, zt_ = 0;
			for (int j = 0; j < o; j++) {
				z += exp(lr[j] - mx);
				double et = exp(((double)tr[j] - mt) / T);
				zt_ += et;
				dr[j] = (float)et;
			}
			if (T != 1.0)
				for (int j = 0; j < o; j++)
					zs += exp(((double)lr[j] - mx) / T);
			const double lse = mx + log(z);
			const double ls = T != 1.0 ? log(zs) : log(z), lt = log(zt_);	/* at T, less the max / T */
			double kl = 0;	/* sum_j pt_j (log pt_j - log ps_j), at temperature T */
			for (int j = 0; j < o; j++) {
				const double p1 = exp(lr[j] - lse);
				const double logps = ((double)lr[j] - mx) / T - ls, logpt = ((double)tr[j] - mt) / T - lt;
				const double ps = T != 1.0 ? exp(logps) : p1, pt = dr[j] / zt_;
				kl += pt * (logpt - logps);
				dr[j] = (float)((b * (p1 - (j == cls)) + a * (T * (ps - pt))) / (double)cnt);
			}
			sum += b * (lse - lr[cls]) + a * (T * T * kl);
			kdsum += T * T * kl;
		}
		break;
	default:
		break;
	}
	*scored = cnt;
	if (kd)
		*kd = cnt ? kdsum / (double)cnt : 0.0;
	return cnt ? sum / (double)cnt : 0.0;
}

int vec_argmax(const float *v, int n)
{
	int k = 0;
	for (int j = 1; j < n; j++)
		if (v[j] > v[k])
			k = j;
	return k;
}
