/* landscape.h — the loss along a line through the weights: the cliff of
 * Pascanu et al. (2013, Figure 6) that a radius-3 tanh RNN stands on.
 *
 * For a direction d and points alpha_i, the loss and the global gradient
 * norm of the model at w + alpha_i d on one batch (no dropout, no update;
 * the weights are put back exactly).  Directions:
 *   grad    the gradient at w, normalised: alpha is a distance, and the
 *           slope at 0 is ||g||
 *   scale   W_hh of every layer (d is zero elsewhere): w + alpha d scales
 *           each recurrent matrix by 1 + alpha, so its spectral radius too
 *   random  Gaussian, each row of each weight matrix scaled to that row's
 *           norm in w ("filter normalisation", Li et al. 2018)
 */
#ifndef RNNLAB_LANDSCAPE_H
#define RNNLAB_LANDSCAPE_H

#include "net.h"
#include "rng.h"

typedef enum { LAND_GRAD, LAND_SCALE, LAND_RANDOM, LAND_COUNT } LandDir;
extern const char *const land_dir_names[LAND_COUNT];

/* The direction of kind k at the model's weights into d[m->nparam]; tr is
 * scratch for LAND_GRAD (a forward and backward on b), rng for LAND_RANDOM.
 * *gnorm gets ||g|| at w (LAND_GRAD) or 0. */
int land_direction(Model *m, Trace **tr, const Batch *b, LossKind loss, LandDir k, Rng *rng, float *d,
		   double *gnorm, Err *e);

/* loss[i] and gnorm[i] at w + alpha[i] d, i < n; m->params and m->grads
 * are as they were when it returns (whatever happened). */
int land_line(Model *m, Trace **tr, const Batch *b, LossKind loss, const float *d, const double *alpha, int n,
	      double *loss_out, double *gnorm_out, Err *e);

/* loss[j * na + i] at w + alpha[i] d1 + beta[j] d2 (forward passes only:
 * the heatmap of Li et al. 2018); m->params put back as they were. */
int land_plane(Model *m, Trace **tr, const Batch *b, LossKind loss, const float *d1, const float *d2,
	       const double *alpha, int na, const double *beta, int nb, double *loss_out, Err *e);

/* What one update would do from here: the gradient g at w, then the loss
 * at w - lr g (plain SGD) and at w - lr c g, c = min(1, clip / ||g||)
 * (clipped by global norm, Pascanu et al. 2013).  Along dir=grad those are
 * the points alpha = -sgd_len and -clip_len. */
typedef struct LandSteps {
	double loss0, gnorm;	/* at w */
	double wnorm;		/* ||w|| */
	double sgd_len, sgd_loss;	/* ||lr g|| and the loss where it lands */
	double clip_len, clip_loss;
} LandSteps;

/* m->params and m->grads put back as they were. */
int land_steps(Model *m, Trace **tr, const Batch *b, LossKind loss, double lr, double clip, LandSteps *out,
	       Err *e);

#endif
