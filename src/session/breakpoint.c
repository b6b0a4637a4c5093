/* breakpoint.c — breakpoint conditions: parsing, testing, where to look,
 * and the gate statistics they (and `expect gate`) read. */
#include "breakpoint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "net.h"

const char *const break_kind_names[BRK_KIND_COUNT] = { "grad", "loss", "val", "gate", "sat", "flow" };

static const char *const lstm_gates[] = { "i", "f", "g", "o", "c" };
static const char *const gru_gates[] = { "r", "z", "n" };

int break_parse(int argc, const Word *argv, CellKind cell, Breakpoint *b, Err *e)
{
	memset(b, 0, sizeof *b);
	int kind, i = 0, rc;
	if (argc < 1)
		return err_set(e, ERR_INVAL, "what to break on? (grad, loss, val, gate, sat, flow)");
	if ((rc = arg_enum("condition", argv[0].text, break_kind_names, BRK_KIND_COUNT, &kind, e)))
		return rc;
	b->kind = (BreakKind)kind;
	i = 1;
	if (b->kind == BRK_GATE) {
		if (cell == CELL_RNN)
			return err_set(e, ERR_INVAL, "an rnn has no gates (try: break sat > 0.9)");
		if (argc < 2)
			return err_set(e, ERR_INVAL, "which gate? (%s)", cell == CELL_LSTM ? "i, f, g, o, c" : "r, z, n");
		int g;
		if ((rc = gate_index(cell, argv[1].text, &g, e)))
			return rc;
		b->gate = g;
		i = 2;
		if (i < argc && !strcmp(argv[i].text, "mean"))
			i++;
	}
	if (i < argc && !strcmp(argv[i].text, "nan")) {
		if (b->kind != BRK_LOSS && b->kind != BRK_GRAD)
			return err_set(e, ERR_INVAL, "nan applies to loss and grad");
		b->op = BRK_NAN;
		i++;
	} else {
		if (i + 1 >= argc || (strcmp(argv[i].text, ">") && strcmp(argv[i].text, "<")))
			return err_set(e, ERR_INVAL, "expected '> VALUE' or '< VALUE' after %s (e.g. break grad > 1e3)",
				       argv[0].text);
		b->op = argv[i].text[0] == '>' ? BRK_GT : BRK_LT;
		float v;
		if ((rc = arg_float("the threshold", argv[i + 1].text, -1e30, 1e30, &v, e)))
			return rc;
		b->value = v;
		i += 2;
	}
	if (i < argc)
		return err_set(e, ERR_INVAL, "unexpected '%s' at the end", argv[i].text);
	size_t n = (size_t)snprintf(b->text, sizeof b->text, "%s", break_kind_names[b->kind]);
	if (b->kind == BRK_GATE)
		n += (size_t)snprintf(b->text + n, sizeof b->text - n, " %s mean",
				      (cell == CELL_LSTM ? lstm_gates : gru_gates)[b->gate]);
	if (b->op == BRK_NAN)
		snprintf(b->text + n, sizeof b->text - n, " nan");
	else
		snprintf(b->text + n, sizeof b->text - n, " %s %g", b->op == BRK_GT ? ">" : "<", b->value);
	return 0;
}

int gate_index(CellKind cell, const char *name, int *gate, Err *e)
{
	if (cell == CELL_RNN)
		return err_set(e, ERR_INVAL, "an rnn has no gates");
	const char *const *names = cell == CELL_LSTM ? lstm_gates : gru_gates;
	return arg_enum("gate", name, names, cell == CELL_LSTM ? 5 : 3, gate, e);
}

double gate_stat(const Model *m, const Trace *tr, int gate, GateStat stat)
{
	const int H = m->cfg.hidden, G = m->gates;
	if (gate > G || (gate == G && !tr->lt[0].c))
		return NAN;	/* a gate of another cell: the model changed since `break` */
	double all = 0, most = -INFINITY;
	long n = 0;
	for (int k = 0; k < m->cfg.layers; k++) {
		const LayerTrace *lt = &tr->lt[k];
		for (int j = 0; j < H; j++) {	/* unit j's mean over time and batch */
			double s = 0;
			for (long r = 0; r < (long)tr->T * tr->B; r++) {
				const float *v = gate < G ? lt->act + (size_t)r * G * H + (size_t)gate * H
							  : lt->c + (size_t)(r + tr->B) * H;
				s += v[j];
			}
			all += s;
			most = fmax(most, s / (double)((long)tr->T * tr->B));
		}
		n += (long)tr->T * tr->B * H;
	}
	if (!n)
		return NAN;
	return stat == GATE_MEAN ? all / (double)n : most;
}

int break_test(const Breakpoint *b, const BreakInput *in, double *seen)
{
	double v = NAN;
	const Probe *p = in->probe;
	switch (b->kind) {
	case BRK_GRAD:
		v = in->grad;
		break;
	case BRK_LOSS:
		v = in->loss;
		break;
	case BRK_VAL:
		v = in->val;
		break;
	case BRK_GATE:
		v = in->tr && in->finite ? gate_stat(in->m, in->tr, b->gate, GATE_MEAN) : NAN;
		break;
	case BRK_SAT:
		if (p && p->T) {
			double s = 0;
			for (int k = 0; k < p->L; k++)
				for (int t = 0; t < p->T; t++)
					s += p->sat[(size_t)k * p->Tcap + t];
			v = s / ((double)p->L * p->T);
		}
		break;
	case BRK_FLOW:
		if (p && p->T)
			v = probe_flow_ratio(p, p->L - 1, 0, p->T - 1);
		break;
	default:
		break;
	}
	*seen = v;
	if (b->op == BRK_NAN)
		return !isfinite(v) && !(b->kind == BRK_VAL && isnan(v));
	if (isnan(v))
		return 0;
	return b->op == BRK_GT ? v > b->value : v < b->value;
}

int break_focus(const Breakpoint *b, const BreakInput *in)
{
	const Probe *p = in->probe;
	if (!p || !p->T)
		return 0;
	/* the timestep where the top layer's gradient is smallest (vanishing
	 * conditions) or largest (exploding ones) */
	int k = p->L - 1, best = 0;
	int want_small = b->kind == BRK_FLOW || (b->op == BRK_LT && b->kind != BRK_LOSS);
	for (int t = 1; t < p->T; t++) {
		double a = p->dh_norm[(size_t)k * p->Tcap + t], c = p->dh_norm[(size_t)k * p->Tcap + best];
		if (want_small ? a < c : a > c)
			best = t;
	}
	return best;
}
