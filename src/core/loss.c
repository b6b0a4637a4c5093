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
			double x = logits[i];
			sum += (x > 0 ? x : 0) - x * y[i] + log1p(exp(-fabs(x)));
			double s = 1.0 / (1.0 + exp(-x));
			dlogits[i] = (float)(s - y[i]);
		}
		for (size_t i = 0; i < total && cnt; i++)
			dlogits[i] = (float)(dlogits[i] / (double)cnt);
		break;
	case LOSS_CE:
		for (int r = 0; r < n; r++)
			cnt += !(ignore >= 0 && (int)y[r] == ignore);
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

int vec_argmax(const float *v, int n)
{
	int k = 0;
	for (int j = 1; j < n; j++)
		if (v[j] > v[k])
			k = j;
	return k;
}
