/* eigenview.c — the views drawn on a plane: eigen, every eigenvalue of one
 * W_hh block of the weights now against the unit circle, with the spectral
 * radius and norm; states, h_t of a few sequences as paths on their first
 * two principal components (eigen.h computes, cplane.h draws). */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cplane.h"
#include "eigen.h"

static const char *const lstm_gates[] = { "i", "f", "g", "o" }, *const gru_gates[] = { "r", "z", "n" };

int view_eigen(const Session *s, const ViewOpts *o, ViewEigen *v, Err *e)
{
	memset(v, 0, sizeof *v);
	int rc = learner_need(s->lr, CAP_TIMESTEPS, "plot eigen", e);
	if (rc)
		return rc;
	const Model *m = learner_cells(s->lr)->m;
	const int H = m->cfg.hidden, G = m->gates, L = m->cfg.layers, cell = m->cfg.cell;
	if (o->layer < 0 || o->layer >= L)
		return err_set(e, ERR_INVAL, "layer must be from 0 to %d, got %d", L - 1, o->layer);
	if (H > VIEW_EIGEN_MAX_H)
		return err_set(e, ERR_INVAL, "hidden=%d: the eigenvalues are computed up to hidden=%d", H, VIEW_EIGEN_MAX_H);
	int gate = o->gate >= 0 ? o->gate : cell == CELL_RNN ? 0 : 2;	/* the candidate's block */
	if (gate >= G)
		return err_set(e, ERR_INVAL, "an %s has %d W_hh block%s, got gate %d", cell_names[cell], G, G == 1 ? "" : "s",
			       gate);
	v->n = H;
	v->layer = o->layer;
	v->gate = gate;
	v->re = malloc((size_t)H * sizeof *v->re);
	v->im = malloc((size_t)H * sizeof *v->im);
	if (!v->re || !v->im) {
		view_eigen_done(v);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	const float *w = m->p.layer[o->layer].w_hh + (size_t)gate * H * H;
	if ((rc = mat_eigen(w, H, v->re, v->im, &v->norm2, e))) {
		view_eigen_done(v);
		return rc;
	}
	v->radius = hypot(v->re[0], v->im[0]);
	for (int i = 0; i < H; i++)
		v->outside += hypot(v->re[i], v->im[i]) > 1;
	const char *gn = cell == CELL_LSTM ? lstm_gates[gate] : cell == CELL_GRU ? gru_gates[gate] : NULL;
	char blk[32] = "";
	if (gn)
		snprintf(blk, sizeof blk, ", %s block", gn);
	snprintf(v->title, sizeof v->title, "eigenvalues of W_hh now, layer %d%s", o->layer, blk);
	snprintf(v->note, sizeof v->note, "radius %.4g  norm %.4g  %d/%d outside", v->radius, v->norm2, v->outside, H);
	return 0;
}

void view_eigen_done(ViewEigen *v)
{
	free(v->re);
	free(v->im);
	v->re = v->im = NULL;
}

int view_states(const Session *s, const ViewOpts *o, ViewStates *v, Err *e)
{
	memset(v, 0, sizeof *v);
	int rc = learner_need(s->lr, CAP_TIMESTEPS, "plot states", e);
	if (rc)
		return rc;
	const Cells *cl = learner_cells(s->lr);
	const Trace *tr = cl->t->tr;
	if (!tr || !cl->t->probe.T)
		return err_set(e, ERR_STATE, "no forward pass yet: train a step first (or run grads)");
	const int H = cl->m->cfg.hidden, B = tr->B, T = tr->T;
	const int n = o->samples > 0 ? o->samples : 4;
	if (o->layer < 0 || o->layer >= cl->m->cfg.layers)
		return err_set(e, ERR_INVAL, "layer must be from 0 to %d, got %d", cl->m->cfg.layers - 1, o->layer);
	if (o->sample < 0 || o->sample + n > B)
		return err_set(e, ERR_INVAL, "sequences %d to %d are not all in the batch of %d", o->sample, o->sample + n - 1, B);
	if (H > VIEW_EIGEN_MAX_H || (size_t)n * T * H > VIEW_STATES_MAX_VALUES)
		return err_set(e, ERR_INVAL, "%d sequences of %d steps of %d units: the principal components are computed "
			       "up to hidden=%d and %zu values (fewer samples=)", n, T, H, VIEW_EIGEN_MAX_H,
			       VIEW_STATES_MAX_VALUES);
	const LayerTrace *lt = &tr->lt[o->layer];
	double *X = malloc((size_t)n * T * H * sizeof *X);
	v->xy = malloc((size_t)n * T * 2 * sizeof *v->xy);
	if (!X || !v->xy) {
		free(X);
		free(v->xy);
		v->xy = NULL;
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int p = 0; p < n; p++)	/* path p: h_1 .. h_T of sequence sample + p */
		for (int t = 0; t < T; t++)
			for (int j = 0; j < H; j++)
				X[((size_t)p * T + t) * H + j] = lt->h[((size_t)(t + 1) * B + o->sample + p) * H + j];
	rc = pca2(X, n * T, H, v->xy, v->var, &v->total, e);
	free(X);
	if (rc) {
		free(v->xy);
		v->xy = NULL;
		return rc;
	}
	v->paths = n;
	v->T = T;
	snprintf(v->title, sizeof v->title, "h_t of sequences %d-%d, layer %d, on 2 principal components", o->sample,
		 o->sample + n - 1, o->layer);
	snprintf(v->note, sizeof v->note, "PC1 %.0f%%  PC2 %.0f%% of the variance; o: t=1",
		 v->total > 0 ? 100 * v->var[0] / v->total : 0, v->total > 0 ? 100 * v->var[1] / v->total : 0);
	return 0;
}

int view_eigen_draw(const Session *s, ViewKind kind, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e)
{
	int rc;
	if (kind == VIEW_STATES) {
		ViewStates v;
		if ((rc = view_states(s, o, &v, e)))
			return rc;
		const int m = v.paths * v.T;
		double *re = malloc((size_t)m * sizeof *re), *im = malloc((size_t)m * sizeof *im);
		int paths[64];
		for (int p = 0; p < v.paths && p < 64; p++)
			paths[p] = v.T;
		if (re && im) {
			for (int i = 0; i < m; i++) {
				re[i] = v.xy[2 * i];
				im[i] = v.xy[2 * i + 1];
			}
			CplaneSpec cs = { .title = v.title, .note = v.note, .ascii = o->ascii, .colors = o->colors,
					  .xname = "PC1", .yname = "PC2", .paths = paths, .npaths = v.paths };
			rc = cplane_draw(g, x, y, w, h, &cs, re, im, m, NULL, e);
		} else {
			rc = err_set(e, ERR_NOMEM, "out of memory");
		}
		free(re);
		free(im);
		free(v.xy);
		return rc;
	}
	ViewEigen v;
	if ((rc = view_eigen(s, o, &v, e)))
		return rc;
	CplaneSpec cs = { .title = v.title, .note = v.note, .ascii = o->ascii, .colors = o->colors, .circle = 1 };
	rc = cplane_draw(g, x, y, w, h, &cs, v.re, v.im, v.n, NULL, e);
	view_eigen_done(&v);
	return rc;
}
