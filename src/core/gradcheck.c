/* gradcheck.c — central differences, one parameter at a time. */
#include "gradcheck.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int eval(Model *m, Trace *tr, const Batch *b, LossKind loss,
		const GradcheckOpts *o, double *out, Err *e)
{
	Rng r;
	rng_seed(&r, o->dropout_seed);
	int rc = net_forward(m, tr, b, loss, o->score_from, o->train, &r, e);
	*out = tr->loss;
	return rc;
}

typedef struct NetCtx {
	Model *m;
	Trace *tr;
	const Batch *b;
	LossKind loss;
	const GradcheckOpts *o;
} NetCtx;

static int net_loss(void *ctx, double *loss, Err *e)
{
	NetCtx *c = ctx;
	return eval(c->m, c->tr, c->b, c->loss, c->o, loss, e);
}

int gradcheck_fn(float *params, const float *an, const ParamInfo *tensors, int ntensors,
		 GradcheckLossFn f, void *ctx, const GradcheckOpts *o, GradcheckStat *stats, Err *e)
{
	int rc;
	const double eps = o->eps > 0 ? o->eps : 1e-3;
	for (int ti = 0; ti < ntensors; ti++) {
		const ParamInfo *p = &tensors[ti];
		GradcheckStat *s = &stats[ti];
		memset(s, 0, sizeof *s);
		size_t stride = 1;
		if (o->per_tensor && p->size > o->per_tensor)
			stride = (p->size + o->per_tensor - 1) / o->per_tensor;
		for (size_t i = 0; i < p->size; i += stride) {
			if (o->stop && o->stop(o->stop_ctx)) {
				size_t done = s->checked;
				for (int k = 0; k < ti; k++)
					done += stats[k].checked;
				return err_set(e, ERR_STOPPED, "stopped after %zu entries; the weights are as they were",
					       done);
			}
			float *w = params + p->offset + i;
			const float keep = *w;
			double lp, lm;
			*w = (float)(keep + eps);
			float up = *w;
			rc = f(ctx, &lp, e);
			*w = (float)(keep - eps);
			float dn = *w;
			if (!rc)
				rc = f(ctx, &lm, e);
			*w = keep;
			if (rc)
				return rc;
			double fd = (lp - lm) / ((double)up - dn);
			double a = an[p->offset + i];
			double diff = fabs(fd - a), big = fmax(fabs(fd), fabs(a));
			double rel = diff / fmax(big, 1e-6);
			double excess = diff - GRADCHECK_RTOL * big;
			s->checked++;
			if (diff > s->max_abs)
				s->max_abs = diff;
			if (excess > s->max_excess || s->checked == 1)
				s->max_excess = excess;
			if (rel >= s->max_rel) {
				s->max_rel = rel;
				s->worst = i;
				s->fd = (float)fd;
				s->an = (float)a;
			}
		}
	}
	return 0;
}

int gradcheck_run(Model *m, Trace *tr, const Batch *b, LossKind loss,
		  const GradcheckOpts *o, GradcheckStat *stats, Err *e)
{
	int rc;
	double l0;
	model_zero_grad(m);
	if ((rc = eval(m, tr, b, loss, o, &l0, e)))
		return rc;
	net_backward(m, tr, b);
	float *an = malloc(m->nparam * sizeof *an);
	if (!an)
		return err_set(e, ERR_NOMEM, "gradcheck: out of memory");
	memcpy(an, m->grads, m->nparam * sizeof *an);
	NetCtx ctx = { m, tr, b, loss, o };
	rc = gradcheck_fn(m->params, an, m->tensors, m->ntensors, net_loss, &ctx, o, stats, e);
	memcpy(m->grads, an, m->nparam * sizeof *an);
	free(an);
	if (rc && rc != ERR_STOPPED)
		return rc;
	/* Leave the trace as the unperturbed forward left it (stopped too). */
	Err e2;
	const int rc2 = eval(m, tr, b, loss, o, &l0, &e2);
	return rc ? rc : rc2 ? err_set(e, rc2, "%s", e2.msg) : 0;
}
