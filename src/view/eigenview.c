/* eigenview.c — the eigen view: every eigenvalue of one W_hh block of the
 * weights now, against the unit circle, with the spectral radius and norm
 * (eigen.h computes them, cplane.h draws them). */
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
	int gate = o->gate >= 0 ? o->gate : cell == CELL_RNN ? 0 : cell == CELL_LSTM ? 2 : 2;
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

int view_eigen_draw(const Session *s, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e)
{
	ViewEigen v;
	int rc = view_eigen(s, o, &v, e);
	if (rc)
		return rc;
	CplaneSpec cs = { v.title, v.note, o->ascii, o->colors };
	rc = cplane_draw(g, x, y, w, h, &cs, v.re, v.im, v.n, NULL, e);
	view_eigen_done(&v);
	return rc;
}
