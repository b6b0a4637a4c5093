/* stepview.c — one timestep of one cell, its equations with numbers. */
#include "stepview.h"

#include <stdlib.h>

#include "plot.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int stepview_clamp(const Session *s, StepCursor *c)
{
	const Cells *k = learner_stack_cells(s->lr, c->part);
	if (!k || !k->t->tr || !k->t->probe.T)
		return ERR_STATE;
	c->part = c->part < 0 ? 0 : c->part >= s->lr->nstacks ? s->lr->nstacks - 1 : c->part;
	const Trace *tr = k->t->tr;
	const ModelConfig *mc = &k->m->cfg;
#define CLAMP(v, hi) ((v) < 0 ? 0 : (v) > (hi) ? (hi) : (v))
	c->layer = CLAMP(c->layer, mc->layers - 1);
	c->sample = CLAMP(c->sample, tr->B - 1);
	c->t = CLAMP(c->t, tr->T - 1);
	c->unit = CLAMP(c->unit, mc->hidden - 1);
#undef CLAMP
	return 0;
}

static double dot(const float *a, const float *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += (double)a[i] * b[i];
	return s;
}

static double vnorm(const float *a, int n)
{
	return sqrt(dot(a, a, n));
}

/* A bar of width w for v in [-1, 1], on one scale for every gate: a mark
 * in the middle, positive values to its right, negative to its left, in
 * half cells both ways (so a sigmoid's 0.41 and a tanh's -0.41 are drawn to
 * the same measure, and -0.02 like +0.02).  w 0: no bar. */
static void bar(char *buf, size_t cap, double v, int w, int ascii)
{
	const int half = w / 2;
	const int halves = (int)lrint((fabs(v) > 1 ? 1 : fabs(v)) * half * 2);	/* half cells */
	const char *full = ascii ? "#" : "█", *part = ascii ? "" : v < 0 ? "▐" : "▌", *mark = ascii ? "|" : "│";
	size_t n = 0;
	buf[0] = '\0';
	if (!half)
		return;
	for (int i = 0; i < half; i++) {	/* the left half: blank, or the bar's end at the mark */
		int from_mark = half - 1 - i;	/* cells between this one and the mark */
		const char *c = v < 0 && 2 * from_mark + 2 <= halves ? full
				: v < 0 && 2 * from_mark + 1 == halves ? part : " ";
		n += (size_t)snprintf(buf + n, cap - n, "%s", c);
	}
	n += (size_t)snprintf(buf + n, cap - n, "%s", mark);
	for (int i = 0; v > 0 && i < half; i++) {
		const char *c = 2 * i + 2 <= halves ? full : 2 * i + 1 == halves ? part : NULL;
		if (!c)
			break;
		n += (size_t)snprintf(buf + n, cap - n, "%s", c);
	}
}

/* s padded with blanks to w columns (display width, not bytes: σ is one column, two bytes). */
static void pad_to(char *s, size_t cap, int w)
{
	size_t n = strlen(s);
	for (int c = grid_text_width(s); c < w && n + 1 < cap; c++)
		s[n++] = ' ';
	s[n] = '\0';
}

/* A one-row sparkline of n values onto w cells (mean-pooled). */
static void spark(char *buf, size_t cap, const float *v, int n, int stride, double lo, double hi, int w,
		  int ascii)
{
	static const char *const blocks[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ramp[] = " .:-=+*#%@";
	size_t len = 0;
	if (w > n)
		w = n;
	buf[0] = '\0';
	for (int c = 0; c < w && len + 4 < cap; c++) {
		int a = c * n / w, b = (c + 1) * n / w;
		double s = 0;
		for (int i = a; i < b; i++)
			s += v[(size_t)i * stride];
		s /= (b - a);
		double f = (s - lo) / (hi - lo);
		f = f < 0 ? 0 : f > 1 ? 1 : f;
		if (ascii)
			buf[len++] = ramp[(int)lrint(f * 9)], buf[len] = '\0';
		else
			len += (size_t)snprintf(buf + len, cap - len, "%s", blocks[(int)lrint(f * 8)]);
	}
}

typedef struct Lines {
	Grid *g;
	int x, y, w, h, row;
	Style st;
} Lines;

static void line(Lines *o, Style st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(Lines *o, Style st, const char *fmt, ...)
{
	if (o->row >= o->h)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	grid_text_fit(o->g, o->x, o->y + o->row, o->w, buf, st, 0);
	o->row++;
}

/* The longest of the texts (longest first, NULL-terminated) that fits the
 * width whole: a number is never cut inside its digits; a row is left
 * blank when none fits. */
static void line_fit(Lines *o, Style st, const char *const *texts)
{
	if (o->row >= o->h)
		return;
	for (int i = 0; texts[i]; i++)
		if (grid_text_width(texts[i]) <= o->w) {
			grid_text(o->g, o->x, o->y + o->row, texts[i], st);
			break;
		}
	o->row++;
}

/* A gate's equation, padded to ew columns, and its bar after it when the
 * whole of it fits; the equation alone when not (never cut). */
static void eq_line(Lines *o, const char *eq, int ew, double v, int bw, int ascii)
{
	char text[512], b[256];
	snprintf(text, sizeof text, "%s", eq);
	if (bw && ew + 1 + bw + 1 <= o->w) {
		pad_to(text, sizeof text, ew + 1);
		bar(b, sizeof b, v, bw, ascii);
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "%s", b);
	}
	line_fit(o, o->st, (const char *const[]){ text, eq, NULL });
}

/* A blank row, when the budget has one. */
static void gap(Lines *o, int *blanks)
{
	if (*blanks > 0) {
		o->row++;
		--*blanks;
	}
}

int stepview_draw(const Session *s, const StepCursor *cur, int ascii, GridColors colors, Grid *g,
		  int x, int y, int w, int h, Err *e)
{
	StepCursor c = *cur;
	if (stepview_clamp(s, &c))
		return err_set(e, ERR_STATE, "nothing to step through yet: train a step first (or run grads)");
	const Cells *k = learner_stack_cells(s->lr, c.part);
	const Model *m = k->m;
	const ModelConfig *mc = &m->cfg;
	const Trace *tr = k->t->tr;
	const LayerTrace *lt = &tr->lt[c.layer];
	const int H = mc->hidden, G = m->gates, B = tr->B, T = tr->T;
	const int nin = c.layer == 0 ? m->in0 : H;
	/* the weights the recorded forward pass ran with: the update after it
	 * has moved m->params (same layout, another block) */
	const LayerView *v = &m->p.layer[c.layer];
	const float *const tw = k->t->tw;
#define TW(p) (tw + ((p) - m->params))
	const size_t row = (size_t)c.t * B + c.sample;
	const float *xt = lt->x + row * nin;
	const float *hp = lt->h + row * H;
	const float *hc = lt->h + (row + B) * H;
	const float *a = lt->act + row * G * H;
	const int j = c.unit;
	grid_fill(g, x, y, w, h, ' ', grid_style(GRID_DEFAULT, 0));
	/* wide: the gradient of this sequence over time, beside the numbers */
	if (w >= 110 && h >= 12) {
		int lw = 68;
		double *buf = malloc(2 * (size_t)T * sizeof *buf);
		if (buf) {
			double *xs = buf, *ys = buf + T;
			for (int t = 0; t < T; t++) {
				xs[t] = t + 1;
				ys[t] = vnorm(lt->dh + ((size_t)t * B + c.sample) * H, H);
			}
			PlotSpec ps;
			plot_spec_init(&ps);
			ps.ascii = ascii;
			ps.colors = colors;
			ps.logy = 1;
			ps.title = "||dL/dh_t|| of this sequence";
			ps.xlabel = "t";
			char name[32];
			snprintf(name, sizeof name, "layer %d", c.layer);
			PlotSeries ser = { name, xs, ys, T, GRID_DEFAULT };
			PlotFrame f;
			Err pe;
			if (plot_draw(g, x + lw, y, w - lw, h, &ps, &ser, 1, &f, &pe) == 0) {
				int dx, dy;
				/* mark the cursor's timestep on the curve */
				if (plot_frame_dot(&f, xs[c.t], ys[c.t], &dx, &dy)) {
					int cx = f.x + dx / f.sx, cy = f.y + dy / f.sy;
					grid_put(g, cx, cy, ascii ? 'O' : 0x25C6,
						 grid_style(colors == GRID_MONO ? GRID_DEFAULT : GRID_RED, GRID_BOLD));
				}
			}
			free(buf);
			w = lw - 2;	/* a gap before the plot's axis labels */
		}
	}
	/* the rows, in order of importance: the header, the equations and the
	 * backward step (the shrink factor, the ratio over the sequence) always;
	 * then the inputs, every unit's dL/dh, every unit's gates, blank rows */
	const int G2 = mc->cell == CELL_RNN ? 0 : G;	/* gate sparkline rows */
	const int eqs = mc->cell == CELL_RNN ? 2 : mc->cell == CELL_LSTM ? 6 : 4;
	int budget = h - (1 + eqs + 3);
	/* a decoder step of an attention model: where it looked, with the inputs */
	int S = 0;
	const char *pn = s->lr->stacks[c.part].name;	/* seq2seq: encoder or decoder */
	const float *at = pn && c.part == 1 && s->lr->ops->attention_at ?
			  s->lr->ops->attention_at(s->lr, c.t, c.sample, &S) : NULL;
	const int in_rows = 2 + (at && S > 0);
	const int show_in = budget >= in_rows;
	budget -= show_in * in_rows;
	const int show_dh = budget >= 1;
	budget -= show_dh;
	const int show_spark = budget >= G2 + 1;
	budget -= show_spark * (G2 + 1);
	int blanks = budget < 0 ? 0 : budget > 3 ? 3 : budget;
	Lines o = { g, x, y, w, h, 0, grid_style(GRID_DEFAULT, 0) };
	Style bold = grid_style(GRID_DEFAULT, GRID_BOLD), dim = grid_style(GRID_DEFAULT, GRID_DIM);
	Style hl = grid_style(colors == GRID_MONO ? GRID_DEFAULT : GRID_CYAN, GRID_BOLD);
	const char *sig = ascii ? "sigm" : "σ";
	char t1[600], t2[256], t3[256], b1[256];

	char when[48];	/* the step the trace is of, and whether its update was applied */
	snprintf(when, sizeof when, k->t->trace_step > k->t->step ? "(step %ld, not applied)" : "(step %ld)",
		 k->t->trace_step);
	char cn[48];
	snprintf(cn, sizeof cn, "%s%s%s", cell_names[mc->cell], pn ? " " : "", pn ? pn : "");
	snprintf(t1, sizeof t1, "%s  t=%d of %d  layer %d  sequence %d/%d  unit %d/%d  %s", cn, c.t + 1, T, c.layer,
		 c.sample, B, j, H, when);
	snprintf(t2, sizeof t2, "%s  t=%d of %d  layer %d  seq %d  unit %d/%d", cn, c.t + 1, T, c.layer, c.sample, j, H);
	snprintf(t3, sizeof t3, "t=%d/%d  layer %d  unit %d", c.t + 1, T, c.layer, j);
	line_fit(&o, bold, (const char *const[]){ t1, t2, t3, NULL });
	if (show_in) {
		/* inputs: as many whole values as fit */
		char note[96];	/* what x_t is (a seq2seq decoder reads the previous target token) */
		snprintf(note, sizeof note, "  (%d value%s%s)", nin, nin == 1 ? "" : "s",
			 c.layer	 ? ", the layer below's h_t" :
			 pn && c.part ? ", the previous target token, embedded" :
			 pn || mc->vocab ? ", an embedded token" : "");
		size_t n = (size_t)snprintf(t1, sizeof t1, "x_t     [");
		int shown = 0;
		for (int i = 0; i < nin && i < 8; i++) {
			char num[32];
			int vl = snprintf(num, sizeof num, "%s%.3f", i ? " " : "", xt[i]);
			if ((int)n + vl + 5 + (int)strlen(note) > w && i)
				break;
			memcpy(t1 + n, num, (size_t)vl + 1);
			n += (size_t)vl;
			shown++;
		}
		snprintf(t1 + n, sizeof t1 - n, "%s]%s", shown < nin ? " ..." : "", note);
		snprintf(t2, sizeof t2, "x_t     (%d value%s)", nin, nin == 1 ? "" : "s");
		line_fit(&o, o.st, (const char *const[]){ t1, t2, NULL });
		/* h_t-1: the numbers first, the sparkline takes what is left */
		char tail[96];
		int tl = snprintf(tail, sizeof tail, "  |h|=%.3f  h[%d]=%.3f", vnorm(hp, H), j, hp[j]);
		spark(b1, sizeof b1, hp, H, 1, -1, 1, w - 8 - tl, ascii);
		snprintf(t1, sizeof t1, "h_t-1   %s%s", b1, tail);
		snprintf(t2, sizeof t2, "h_t-1   h[%d]=%.3f", j, hp[j]);
		line_fit(&o, o.st, (const char *const[]){ t1, t2, NULL });
		if (at && S > 0) {
			int best = 0;
			for (int i = 1; i < S; i++)
				best = at[i] > at[best] ? i : best;
			tl = snprintf(tail, sizeof tail, "  over the source: most on s=%d (%.3f)", best + 1, (double)at[best]);
			spark(b1, sizeof b1, at, S, 1, 0, 1, w - 8 - tl, ascii);
			snprintf(t1, sizeof t1, "a_t     %s%s", b1, tail);
			snprintf(t2, sizeof t2, "a_t     s=%d (%.3f)", best + 1, (double)at[best]);
			line_fit(&o, o.st, (const char *const[]){ t1, t2, NULL });
		}
	}
	gap(&o, &blanks);

	/* the equations of unit j */
	const int ln = mc->layernorm;
	double wx[4], wh[4], bb[4];
	for (int gi = 0; gi < G; gi++) {
		int r = gi * H + j;
		wx[gi] = dot(TW(v->w_ih) + (size_t)r * nin, xt, nin);
		wh[gi] = dot(TW(v->w_hh) + (size_t)r * H, hp, H);
		bb[gi] = (double)TW(v->b_ih)[r] + TW(v->b_hh)[r];
	}
	const char *lnote = ln ? " (before layer norm)" : "";
	const int bw = w >= 60 ? 12 : 0;	/* the gate bars, when there is room */
	switch (mc->cell) {
	case CELL_RNN: {
		const char *act = mc->act == ACT_RELU ? "relu" : "tanh";
		snprintf(t1, sizeof t1, "h = %s(W_ih x + W_hh h_t-1 + b)%s", act, lnote);
		line_fit(&o, hl, (const char *const[]){ t1, "h = act(W_ih x + W_hh h + b)", NULL });
		snprintf(t1, sizeof t1, "  = %s(%.3f %+.3f %+.3f) = %s(%.3f) = %.4f", act, wx[0], wh[0], bb[0], act,
			 (double)a[j], (double)hc[j]);
		snprintf(t2, sizeof t2, "  = %s(%.4g) = %.4f", act, (double)a[j], (double)hc[j]);
		line_fit(&o, o.st, (const char *const[]){ t1, t2, NULL });
		break;
	}
	case CELL_LSTM: {
		static const char *const nm[4] = { "i", "f", "g", "o" };
		char eq[4][160];
		int ew = 0;
		for (int gi = 0; gi < 4; gi++) {
			snprintf(eq[gi], sizeof eq[gi], "%s = %s(%.3f %+.3f %+.3f)%s = %7.4f", nm[gi], gi == 2 ? "tanh" : sig,
				 wx[gi], wh[gi], bb[gi], ln ? "~" : "", (double)a[gi * H + j]);
			int cols = grid_text_width(eq[gi]);
			ew = cols > ew ? cols : ew;
		}
		for (int gi = 0; gi < 4; gi++)	/* the bars in one column, when they fit whole */
			eq_line(&o, eq[gi], ew, a[gi * H + j], bw, ascii);
		const float *cp = lt->c + row * H, *cc = lt->c + (row + B) * H;
		snprintf(t1, sizeof t1, "c = f*c_t-1 + i*g = %.3f*%.3f + %.3f*%.3f = %.4f", (double)a[H + j], (double)cp[j],
			 (double)a[j], (double)a[2 * H + j], (double)cc[j]);
		snprintf(t2, sizeof t2, "c = f*c_t-1 + i*g = %.4g", (double)cc[j]);
		line_fit(&o, hl, (const char *const[]){ t1, t2, NULL });
		snprintf(t1, sizeof t1, "h = o*tanh(c) = %.3f*tanh(%.3f) = %.4f", (double)a[3 * H + j], (double)cc[j],
			 (double)hc[j]);
		snprintf(t2, sizeof t2, "h = o*tanh(c) = %.4f", (double)hc[j]);
		line_fit(&o, hl, (const char *const[]){ t1, t2, NULL });
		break;
	}
	case CELL_GRU: {
		const float *hn = lt->hn + row * H;
		double wxn = wx[2] + TW(v->b_ih)[2 * H + j];
		char eq[3][200];
		snprintf(eq[0], sizeof eq[0], "r = %s(%.3f %+.3f %+.3f)%s = %7.4f", sig, wx[0], wh[0], bb[0], ln ? "~" : "",
			 (double)a[j]);
		snprintf(eq[1], sizeof eq[1], "z = %s(%.3f %+.3f %+.3f)%s = %7.4f", sig, wx[1], wh[1], bb[1], ln ? "~" : "",
			 (double)a[H + j]);
		snprintf(eq[2], sizeof eq[2], "n = tanh(%.3f + r*%.3f) = tanh(%.3f %+.3f)%s = %7.4f", wxn, (double)hn[j], wxn,
			 a[j] * (double)hn[j], ln ? "~" : "", (double)a[2 * H + j]);
		int ew = 0;
		for (int gi = 0; gi < 3; gi++) {
			int cols = grid_text_width(eq[gi]);
			ew = cols > ew ? cols : ew;
		}
		for (int gi = 0; gi < 3; gi++)	/* the bars in one column, when they fit whole */
			eq_line(&o, eq[gi], ew, a[gi * H + j], bw, ascii);
		snprintf(t1, sizeof t1, "h = (1-z)*n + z*h_t-1 = %.3f*%.3f + %.3f*%.3f = %.4f", 1 - (double)a[H + j],
			 (double)a[2 * H + j], (double)a[H + j], (double)hp[j], (double)hc[j]);
		snprintf(t2, sizeof t2, "h = (1-z)*n + z*h_t-1 = %.4f", (double)hc[j]);
		line_fit(&o, hl, (const char *const[]){ t1, t2, NULL });
		break;
	}
	default:
		break;
	}
	gap(&o, &blanks);
	/* every unit's gates as sparklines */
	static const char *const lstm_n[] = { "i", "f", "g", "o" }, *const gru_n[] = { "r", "z", "n" };
	for (int gi = 0; show_spark && gi < G2; gi++) {
		int tanh_gate = gi == 2;
		spark(b1, sizeof b1, a + gi * H, H, 1, tanh_gate ? -1 : 0, 1, w - 12, ascii);
		line(&o, dim, "%s all  %s", mc->cell == CELL_LSTM ? lstm_n[gi] : gru_n[gi], b1);
	}
	if (show_spark) {
		spark(b1, sizeof b1, hc, H, 1, -1, 1, w - 12, ascii);
		line(&o, dim, "h all  %s", b1);
	}
	gap(&o, &blanks);

	/* backward: dL/dh_t for this sequence, and since t+1 */
	const float *dh = lt->dh + row * H;
	double nt = vnorm(dh, H);
	snprintf(t1, sizeof t1, "backward  ||dL/dh_t|| = %.3e  (this sequence; dL/dh_t[%d] = %.3e)", nt, j, (double)dh[j]);
	snprintf(t2, sizeof t2, "backward  ||dL/dh_t|| = %.3e  (this sequence)", nt);
	snprintf(t3, sizeof t3, "||dL/dh_t|| = %.3e", nt);
	line_fit(&o, bold, (const char *const[]){ t1, t2, t3, NULL });
	if (c.t + 1 < T) {
		double nn = vnorm(lt->dh + (row + B) * H, H);
		double f = nt / nn;
		if (!(nn > 0) || !isfinite(f)) {	/* no ratio to show: say why, never "nan" */
			snprintf(t1, sizeof t1, "  from t+1: ||dL/dh_t+1|| = %.3e: no factor to show", nn);
			snprintf(t2, sizeof t2, "  from t+1: no factor to show");
			t3[0] = '\0';
		} else {
			const char *how = f < 1 ? "shrank" : "grew";
			snprintf(t1, sizeof t1, "  from t+1: ||dL/dh_t+1|| = %.3e: %s by x%.3g on this step", nn, how, f);
			snprintf(t2, sizeof t2, "  from t+1: %s by x%.3g on this step", how, f);
			snprintf(t3, sizeof t3, "  %s by x%.3g", how, f);
		}
		line_fit(&o, o.st, (const char *const[]){ t1, t2, t3, NULL });
	} else {
		line_fit(&o, o.st, (const char *const[]){ "  the last step: its gradient comes from the loss alone",
							  "  the last step: from the loss alone", NULL });
	}
	double n1 = vnorm(lt->dh + (size_t)c.sample * H, H), nT = vnorm(lt->dh + ((size_t)(T - 1) * B + c.sample) * H, H);
	if (nT > 0 && isfinite(n1 / nT)) {
		snprintf(t1, sizeof t1, "  over the sequence: ||dL/dh_1|| / ||dL/dh_%d|| = %.3e", T, n1 / nT);
		snprintf(t2, sizeof t2, "  dL/dh_1 / dL/dh_%d = %.3e", T, n1 / nT);
	} else {
		snprintf(t1, sizeof t1, "  over the sequence: ||dL/dh_%d|| = %.3e: no ratio to show", T, nT);
		snprintf(t2, sizeof t2, "  over the sequence: no ratio");
	}
	line_fit(&o, o.st, (const char *const[]){ t1, t2, NULL });
	if (show_dh) {
		float mx = 0;
		for (int i = 0; i < H; i++)
			mx = fmaxf(mx, fabsf(dh[i]));
		spark(b1, sizeof b1, dh, H, 1, -mx, mx, w - 12, ascii);
		line(&o, dim, "dh all %s", b1);
	}
	return 0;
#undef TW
}
