/* eigenview.c — the views drawn on a plane: eigen, every eigenvalue of one
 * W_hh block of the weights now (of any learner's stack of cells: a plain
 * model's, a seq2seq encoder's or decoder's) against the unit circle, with
 * the spectral radius and norm; states, h_t of a few sequences as paths on
 * their first two principal components (eigen.h computes; cplane.h draws,
 * svg.h writes). */
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
	const Learner *l = s->lr;
	int rc = learner_need(l, 0, "plot eigen", e);
	if (rc)
		return rc;
	if (o->part < 0 || o->part >= l->nstacks)	/* a pane's part= after the model changed */
		return err_set(e, ERR_INVAL, "this %s model has %d stack%s of cells, the plane asked for stack %d "
			       "(plot eigen again)", l->kind, l->nstacks, l->nstacks == 1 ? "" : "s", o->part + 1);
	const LearnerStack *st = &l->stacks[o->part];
	const Model *m = st->m;
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
	v->part = o->part;
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
	if (st->name)	/* seq2seq: the encoder's or the decoder's */
		snprintf(v->title, sizeof v->title, "eigenvalues of the %s's W_hh now, layer %d%s", st->name, o->layer, blk);
	else
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

int view_plane(const Session *s, ViewKind kind, const ViewOpts *o, ViewPlane *p, Err *e)
{
	memset(p, 0, sizeof *p);
	int rc;
	if (kind == VIEW_STATES) {
		ViewStates v;
		if ((rc = view_states(s, o, &v, e)))
			return rc;
		const int m = v.paths * v.T;
		p->re = malloc((size_t)m * sizeof *p->re);
		p->im = malloc((size_t)m * sizeof *p->im);
		if (!p->re || !p->im) {
			free(v.xy);
			view_plane_done(p);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		for (int i = 0; i < m; i++) {
			p->re[i] = v.xy[2 * i];
			p->im[i] = v.xy[2 * i + 1];
		}
		free(v.xy);
		for (int k = 0; k < v.paths && k < 64; k++) {	/* samples= is at most 64 */
			p->paths[k] = v.T;
			snprintf(p->names[k], sizeof p->names[k], "sequence %d", o->sample + k);
			p->name[k] = p->names[k];
		}
		p->n = m;
		snprintf(p->title, sizeof p->title, "%s", v.title);
		snprintf(p->note, sizeof p->note, "%s", v.note);
		p->spec = (CplaneSpec){ .title = p->title, .note = p->note, .ascii = o->ascii, .colors = o->colors,
					.xname = "PC1", .yname = "PC2", .paths = p->paths,
					.npaths = v.paths < 64 ? v.paths : 64, .names = p->name };
		return 0;
	}
	ViewEigen v;
	if ((rc = view_eigen(s, o, &v, e)))
		return rc;
	p->re = v.re;	/* taken over */
	p->im = v.im;
	p->n = v.n;
	snprintf(p->title, sizeof p->title, "%s", v.title);
	snprintf(p->note, sizeof p->note, "%s", v.note);
	p->spec = (CplaneSpec){ .title = p->title, .note = p->note, .ascii = o->ascii, .colors = o->colors, .circle = 1 };
	return 0;
}

void view_plane_done(ViewPlane *p)
{
	free(p->re);
	free(p->im);
	p->re = p->im = NULL;
}

int view_eigen_draw(const Session *s, ViewKind kind, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e)
{
	ViewPlane p;
	int rc = view_plane(s, kind, o, &p, e);
	if (rc)
		return rc;
	rc = cplane_draw(g, x, y, w, h, &p.spec, p.re, p.im, p.n, NULL, e);
	view_plane_done(&p);
	return rc;
}
