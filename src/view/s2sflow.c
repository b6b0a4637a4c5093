/* s2sflow.c — the flow view of a seq2seq model: ||dL/dh_t|| of every layer
 * across the whole pair, the encoder's S steps and then the decoder's T
 * steps on one axis (t = S + u for the decoder's step u), with the boundary
 * drawn between them.  With attention, the gradient of each encoder
 * top-layer state hbar_s split by where it came from (LearnerOps.enc_split):
 * straight through the attention, or through the recurrence (the later
 * encoder steps, and at s = S the decoder's first state).  Without
 * attention the second is all there is: what reaches s = 1 has crossed
 * every encoder step, and that is what vanishes. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int s2s_flow_lines(const Session *s, ViewLines *L, Err *e)
{
	const Cells *enc = learner_stack_cells(s->lr, 0), *dec = learner_stack_cells(s->lr, 1);
	const Probe *pe = &enc->t->probe, *pd = &dec->t->probe;
	if (!pe->T || !pd->T)
		return err_set(e, ERR_STATE, "no backward pass yet: train a step first (or run grads)");
	const double *attn = NULL, *rec = NULL;
	int S = 0;
	if (s->lr->ops->enc_split)
		s->lr->ops->enc_split(s->lr, &attn, &rec, &S);
	const int Se = pe->T, T = pd->T, NL = pe->L, split = S == Se && attn;
	L->buf = malloc((size_t)(Se + T) * (size_t)(1 + NL + 2) * sizeof(double));
	if (!L->buf)
		return err_set(e, ERR_NOMEM, "out of memory");
	double *x = L->buf, *y = x + Se + T;
	for (int t = 0; t < Se + T; t++)
		x[t] = t + 1;
	/* one series a layer: the encoder's steps, then the decoder's, joined
	 * (the decoder's first state is the encoder's last) */
	for (int k = 0; k < NL; k++, y += Se + T) {
		for (int t = 0; t < Se; t++)
			y[t] = pe->dh_norm[(size_t)k * pe->Tcap + t];
		for (int t = 0; t < T; t++)
			y[Se + t] = pd->dh_norm[(size_t)k * pd->Tcap + t];
		snprintf(L->names[k], sizeof L->names[k], "layer %d", k);
		L->ser[L->nser++] = (PlotSeries){ L->names[k], x, y, Se + T, GRID_DEFAULT };
	}
	if (split) {
		double *ya = y, *yr = y + Se;
		for (int t = 0; t < Se; t++) {
			ya[t] = attn[t];
			yr[t] = rec[t];
		}
		L->ser[L->nser++] = (PlotSeries){ "through attention", x, ya, Se, GRID_DEFAULT };
		L->ser[L->nser++] = (PlotSeries){ "through the recurrence", x, yr, Se, GRID_DEFAULT };
	}
	snprintf(L->title, sizeof L->title, "||dL/dh_t|| at step %ld: encoder t=1..%d, decoder t=%d..%d", enc->t->step, Se,
		 Se + 1, Se + T);
	L->spec.title = L->title;
	L->spec.xlabel = split ? "t (the split: the encoder's top layer)" : "t";
	L->spec.logy = 1;
	return 0;
}

void s2s_flow_boundary(const Session *s, const PlotFrame *f, Grid *g, int ascii)
{
	const Cells *enc = learner_stack_cells(s->lr, 0);
	if (!enc || !enc->t->probe.T)
		return;
	/* a point between the last encoder step and the first decoder step,
	 * at a height the axis shows */
	const double mid = f->ya.log ? pow(10, (f->ya.lo + f->ya.hi) / 2) : (f->ya.lo + f->ya.hi) / 2;
	int dx, dy;
	if (!plot_frame_dot(f, enc->t->probe.T + 0.5, mid, &dx, &dy))
		return;
	const int col = f->x + dx / f->sx;
	for (int r = 0; r < f->h; r++) {
		const GridCell *c = grid_at(g, col, f->y + r);
		if (c && c->cp == ' ')
			grid_put(g, col, f->y + r, ascii ? ':' : 0x250A, grid_style(GRID_DEFAULT, GRID_DIM));	/* ┊ */
	}
	const char *lab[2] = { "encoder", "decoder" };
	const int lw = 8;
	if (col - lw - 1 >= f->x)
		grid_text(g, col - lw - 1, f->y, lab[0], grid_style(GRID_DEFAULT, GRID_DIM));
	if (col + 2 + lw <= f->x + f->w)
		grid_text(g, col + 2, f->y, lab[1], grid_style(GRID_DEFAULT, GRID_DIM));
}
