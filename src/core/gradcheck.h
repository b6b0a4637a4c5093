/* gradcheck.h — finite differences against the analytic gradient.
 *
 * The proof that the plots can be trusted: every parameter (or an evenly
 * spaced sample of each tensor) is nudged by +-eps, the loss recomputed,
 * and the central difference compared with what backward computed.
 */
#ifndef RNNLAB_GRADCHECK_H
#define RNNLAB_GRADCHECK_H

#include <stdint.h>

#include "net.h"

typedef struct GradcheckStat {
	size_t checked;		/* entries compared */
	double max_abs;		/* max |fd - analytic| */
	double max_rel;		/* max |fd - analytic| / max(|fd|, |analytic|, 1e-6) */
	size_t worst;		/* index (in the tensor) of max_rel */
	float fd, an;		/* the two values there */
	double max_excess;	/* max |fd - an| - rtol * max(|fd|, |an|), rtol below */
} GradcheckStat;

#define GRADCHECK_RTOL 2e-3

typedef struct GradcheckOpts {
	double eps;		/* step (default 1e-3) */
	size_t per_tensor;	/* at most this many entries per tensor; 0 = all */
	int train;		/* dropout on, masks drawn from dropout_seed */
	uint64_t dropout_seed;
	int score_from;		/* as net_forward */
	/* Asked before each entry (NULL: never): nonzero stops the check
	 * there with ERR_STOPPED, the parameters restored (a checked model
	 * of any size may take minutes; Ctrl-C, Esc and signals end it). */
	int (*stop)(void *ctx);
	void *stop_ctx;
} GradcheckOpts;

/* stats: [m->ntensors].  Parameters are restored exactly; m->grads is left
 * holding the analytic gradient. */
int gradcheck_run(Model *m, Trace *tr, const Batch *b, LossKind loss,
		  const GradcheckOpts *o, GradcheckStat *stats, Err *e);

/* The loss at the current parameters (a forward pass, nothing else). */
typedef int (*GradcheckLossFn)(void *ctx, double *loss, Err *e);

/* The same check for any flat parameter block (seq2seq uses it): each
 * sampled entry of params (tensors[ntensors] name its pieces) is nudged by
 * +-eps and f(ctx) evaluated; an holds the analytic gradient, in the
 * layout of params.  params are restored exactly.  Only o->eps and
 * o->per_tensor are read. */
int gradcheck_fn(float *params, const float *an, const ParamInfo *tensors, int ntensors,
		 GradcheckLossFn f, void *ctx, const GradcheckOpts *o, GradcheckStat *stats, Err *e);

#endif
