/* jacview.c — the jacobian view: why the gradient of one sequence vanishes
 * (or explodes), in the terms of Pascanu et al. (2013).  For each step t of
 * the last forward pass, the spectral norm of dh_t/dh_{t-1} (jacobian.h);
 * their running product from the end back to t, the bound on how much of
 * dL/dh_T can reach t; and the measured ||dL/dh_t|| / ||dL/dh_T||.  With
 * the loss at the end of the sequence and one layer of rnn or gru, the
 * measured curve stays under the bound.  For an lstm the cell's own path,
 * dc_t/dc_{t-1} = diag(f_t), is drawn too: its norm is the largest f_t. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "jacobian.h"

int jacobian_lines(const Session *s, const ViewOpts *o, ViewLines *L, Err *e)
{
	int rc = learner_need(s->lr, CAP_TIMESTEPS, "plot jacobian", e);
	if (rc)
		return rc;
	const Cells *cl = learner_cells(s->lr);
	const Model *m = cl->m;
	const Trace *tr = cl->t->tr;
	if (!tr || !cl->t->probe.T)
		return err_set(e, ERR_STATE, "no backward pass yet: train a step first (or run grads)");
	const int H = m->cfg.hidden, T = tr->T, B = tr->B, G = m->gates, lstm = m->cfg.cell == CELL_LSTM;
	if (o->layer < 0 || o->layer >= m->cfg.layers)
		return err_set(e, ERR_INVAL, "layer must be from 0 to %d, got %d", m->cfg.layers - 1, o->layer);
	if (o->sample < 0 || o->sample >= B)
		return err_set(e, ERR_INVAL, "sample must be from 0 to %d (the batch), got %d", B - 1, o->sample);
	if (T < 2)
		return err_set(e, ERR_STATE, "a sequence of one step has no step Jacobian");
	if (H > VIEW_JACOBIAN_MAX_H || T > VIEW_JACOBIAN_MAX_T)
		return err_set(e, ERR_INVAL, "hidden=%d, T=%d: the step Jacobians are computed up to hidden=%d and T=%d", H, T,
			       VIEW_JACOBIAN_MAX_H, VIEW_JACOBIAN_MAX_T);
	const LayerTrace *lt = &tr->lt[o->layer];
	const int b = o->sample;
	double *J = malloc((size_t)H * H * sizeof *J);
	L->buf = malloc((size_t)5 * T * sizeof(double));
	if (!J || !L->buf) {
		free(J);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	double *x = L->buf, *jn = x + T, *prod = jn + T, *meas = prod + T, *fbig = meas + T;
	double dT = 0;
	for (int i = 0; i < H; i++)
		dT += (double)lt->dh[((size_t)(T - 1) * B + b) * H + i] * lt->dh[((size_t)(T - 1) * B + b) * H + i];
	dT = sqrt(dT);
	double p = 1;
	for (int t = T - 1; t >= 0 && !rc; t--) {
		x[t] = t + 1;
		/* the step into t+1 (0-based t+1) carries dL/dh back to t */
		jn[t] = NAN;
		fbig[t] = NAN;
		if (t >= 1 && !(rc = step_jacobian(m, cl->t->tw, tr, o->layer, b, t, J, e)))
			jn[t] = mat_norm2(J, H);
		prod[t] = p;
		if (t >= 1)
			p *= jn[t];
		double d = 0;
		for (int i = 0; i < H; i++)
			d += (double)lt->dh[((size_t)t * B + b) * H + i] * lt->dh[((size_t)t * B + b) * H + i];
		meas[t] = dT > 0 ? sqrt(d) / dT : NAN;
		if (lstm && t >= 1) {
			const float *f = lt->act + ((size_t)t * B + b) * G * H + H;
			double fm = 0;
			for (int i = 0; i < H; i++)
				fm = fmax(fm, f[i]);
			fbig[t] = fm;
		}
	}
	free(J);
	if (rc)
		return rc;
	L->ser[L->nser++] = (PlotSeries){ "||J_t||", x, jn, T, GRID_DEFAULT };
	L->ser[L->nser++] = (PlotSeries){ "product J_T..J_t+1", x, prod, T, GRID_DEFAULT };
	L->ser[L->nser++] = (PlotSeries){ "measured ||dL/dh_t||/||dL/dh_T||", x, meas, T, GRID_DEFAULT };
	if (lstm)
		L->ser[L->nser++] = (PlotSeries){ "max f_t (cell path)", x, fbig, T, GRID_DEFAULT };
	L->ref = (PlotRef){ "1", 1.0, GRID_DEFAULT };
	L->spec.refs = &L->ref;
	L->spec.nrefs = 1;
	snprintf(L->title, sizeof L->title, "step Jacobians of sequence %d, layer %d, at step %ld", b, o->layer,
		 cl->t->trace_step);
	L->spec.title = L->title;
	L->spec.xlabel = "t";
	L->spec.logy = 1;
	return 0;
}
