/* plot_axis.c — the axes of a plot: the y and x ranges, nice tick steps,
 * ticks evenly spaced on the screen, and tick labels as numbers. */
#include "plot.h"
#include "plot_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Shorten printf's exponent: "2.5e-07" -> "2.5e-7", "1e+06" -> "1e6". */
static void compact_exponent(char *s)
{
	char *e = strchr(s, 'e');
	if (!e)
		return;
	char *p = e + 1, *q = e + 1;
	if (*p == '+')
		p++;
	else if (*p == '-')
		*q++ = *p++;
	while (*p == '0' && p[1])
		p++;
	memmove(q, p, strlen(p) + 1);
}

int plot_format(char *buf, size_t cap, double v, double step)
{
	char s[48];
	double av = fabs(v);
	if (isnan(v)) {
		snprintf(s, sizeof s, "nan");
	} else if (isinf(v)) {
		snprintf(s, sizeof s, v > 0 ? "inf" : "-inf");
	} else if (v == 0 || (step > 0 && av < step * 1e-6)) {
		/* Zero with as many decimals as its neighbours: "0.0" by "0.5". */
		int es = step > 0 ? (int)floor(log10(step) + 1e-9) : 0;
		snprintf(s, sizeof s, "%.*f", es < 0 && es >= -4 ? -es : 0, 0.0);
	} else if (!(step > 0)) {
		/* A value on its own: an integer as such, else 4 significant
		 * digits, scientific outside [1e-3, 1e6). */
		if (av < 1e6 && v == floor(v))
			snprintf(s, sizeof s, "%.0f", v);
		else if (av >= 1e-3 && av < 1e6)
			snprintf(s, sizeof s, "%.4g", v);
		else
			snprintf(s, sizeof s, "%.3g", v);
	} else {
		int es = (int)floor(log10(step) + 1e-9);	/* step's decade */
		int ev = (int)floor(log10(av) + 1e-9);		/* v's decade */
		if (av >= 1e6 && av < 1e9 && step >= 1e5) {
			int d = 6 - es > 0 ? 6 - es : 0;
			snprintf(s, sizeof s, "%.*fM", d, v / 1e6);
		} else if (av < 1e9 && step >= 1e3) {
			int d = 3 - es > 0 ? 3 - es : 0;
			snprintf(s, sizeof s, "%.*fk", d, v / 1e3);
		} else if (av < 1e9 && es >= 0) {
			snprintf(s, sizeof s, "%.0f", v);
		} else if (av < 1e9 && es >= -4 && av >= 1e-4) {
			snprintf(s, sizeof s, "%.*f", -es, v);
		} else {
			int sig = ev - es + 1;
			if (sig < 1)
				sig = 1;
			if (sig > 4)
				sig = 4;
			snprintf(s, sizeof s, "%.*e", sig - 1, v);
		}
	}
	compact_exponent(s);
	return snprintf(buf, cap, "%s", s);
}

double plot_nice_step(double span, int want, int integer)
{
	if (!(span > 0) || !isfinite(span))
		return 1;
	if (want < 1)
		want = 1;
	double rough = span / want;
	double mag = pow(10, floor(log10(rough)));
	double r = rough / mag;
	double step = (r <= 1 + 1e-9 ? 1 : r <= 2 + 1e-9 ? 2 : r <= 5 + 1e-9 ? 5 : 10) * mag;
	if (integer && step < 1)
		step = 1;
	return step;
}

/* Data are float32 (6e-8 relative): an end within a millionth of a step of
 * a multiple is on it, not a whole step short (lr 0.001 is 0.00100000005). */
#define SNAP 1e-6

/* Multiples of step in [lo, hi] into a->tick. */
static void make_ticks(PlotAxis *a)
{
	a->nticks = 0;
	double k0 = ceil(a->lo / a->step - 1e-9), k1 = floor(a->hi / a->step + 1e-9);
	for (double k = k0; k <= k1 && a->nticks < PLOT_MAX_TICKS; k++)
		a->tick[a->nticks++] = k * a->step;
}

/* A y value in axis units, or NaN when it cannot be shown. */
double plot_ytr(double v, int logy)
{
	if (!isfinite(v))
		return NAN;
	if (logy)
		return v > 0 ? log10(v) : NAN;
	return v;
}

/* Decade steps for a log axis: 1, 2, 5, 10, 20, ... decades. */
static double decade_step(double span, int want)
{
	double s = plot_nice_step(span, want, 1);
	return s < 1 ? 1 : s;
}

/* Ticks evenly spaced on the screen: tick i of n intervals lands on cell
 * row i*(rows-1)/n of a plot rows cells high (dot rows are rounded to the
 * nearest, and 4 dots per cell make that exact), so when n divides rows-1
 * every label sits the same number of rows from the next.  Look for a
 * step, widening the automatic ends by whole steps, that does this without
 * wasting much height, and with about one label every three rows.  Returns
 * 0 (a unchanged) when there is none. */
static int even_ticks(PlotAxis *a, double lo, double hi, int fixlo, int fixhi, int rows)
{
	if (rows < 2 || (fixlo && fixhi) || !(hi > lo))
		return 0;
	double span = hi - lo, best = INFINITY, blo = 0, bhi = 0, bstep = 0;
	double target = rows / 3.0 < 1 ? 1 : rows / 3.0;
	for (int w = 1; w <= 12; w++) {
		double st = a->log ? decade_step(span, w) : plot_nice_step(span, w, 0);
		double l = fixlo ? lo : floor(lo / st + SNAP) * st;
		double h = fixhi ? hi : ceil(hi / st - SNAP) * st;
		double nn = (h - l) / st;
		int n = (int)floor(nn + 0.5);
		if (fabs(nn - n) > 1e-6 || n < 1)
			continue;
		for (int extra = 0; extra <= 3; extra++) {
			int m = n + extra;
			double l2 = fixhi ? l - extra * st : l, h2 = fixhi ? h : h + extra * st;
			if (m > 10 || (rows - 1) % m != 0)
				continue;
			double gap = (double)(rows - 1) / m;
			if ((m == 1 && rows > 4) || (gap < 2 && rows >= 8))
				continue;
			double waste = (h2 - l2) / span;
			if (waste > 1.6)
				continue;
			double score = waste + 0.06 * fabs(m - target);
			if (score < best) {
				best = score;
				blo = l2;
				bhi = h2;
				bstep = st;
			}
		}
	}
	if (!isfinite(best))
		return 0;
	a->lo = blo;
	a->hi = bhi;
	a->step = bstep;
	return 1;
}

int plot_axis_y(PlotAxis *a, const PlotSpec *s, const PlotSeries *series,
		int nseries, int want, int rows)
{
	int logy = s->logy != 0;
	double lo = INFINITY, hi = -INFINITY;
	int count = 0;
	for (int k = 0; k < nseries; k++) {
		for (int i = 0; i < series[k].n; i++) {
			double v = plot_ytr(series[k].y[i], logy);
			if (isnan(v))
				continue;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			count++;
		}
	}
	for (int r = 0; r < s->nrefs; r++) {
		double v = plot_ytr(s->refs[r].y, logy);
		if (!isnan(v)) {
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	}
	if (!(lo <= hi)) {
		lo = 0;
		hi = 1;
	}
	double flo = plot_ytr(s->ymin, logy), fhi = plot_ytr(s->ymax, logy);
	int fixlo = !isnan(flo), fixhi = !isnan(fhi);
	if (fixlo)
		lo = flo;
	if (fixhi)
		hi = fhi;
	if (lo > hi) {
		if (fixlo && !fixhi)
			hi = lo;
		else if (fixhi && !fixlo)
			lo = hi;
		else {
			double t = lo;
			lo = hi;
			hi = t;
		}
	}
	if (lo == hi) {
		double d = logy ? 1 : lo != 0 ? fabs(lo) * 0.5 : 1;
		if (!fixlo || fixhi)
			lo -= d;
		if (!fixhi || fixlo)
			hi += d;
	}
	if (want < 2)
		want = 2;
	a->log = logy;
	a->integer = 0;
	if (logy) {
		a->lo = fixlo ? lo : floor(lo + 1e-9);
		a->hi = fixhi ? hi : ceil(hi - 1e-9);
		if (a->hi <= a->lo)
			a->hi = a->lo + 1;
		a->step = decade_step(a->hi - a->lo, want - 1);
	} else {
		/* Widen to whole steps, with more steps when whole steps would
		 * waste more than a fifth of the height. */
		for (int tries = 0; tries < 3; tries++, want *= 2) {
			a->step = plot_nice_step(hi - lo, want - 1, 0);
			a->lo = fixlo ? lo : floor(lo / a->step + SNAP) * a->step;
			a->hi = fixhi ? hi : ceil(hi / a->step - SNAP) * a->step;
			if (a->hi - a->lo <= 1.25 * (hi - lo))
				break;
		}
	}
	if (!even_ticks(a, lo, hi, fixlo, fixhi, rows) && !logy && rows >= 2) {
		/* No evenly spaced ticks for this height: at most one every
		 * other row, so the labels shown are consecutive multiples of
		 * the step (not a few of many, picked by row). */
		int most = rows >= 4 ? (rows + 1) / 2 : 2;
		for (int w = want - 1; (a->hi - a->lo) / a->step + 1 > most + 1e-9 && w >= 1; w--) {
			a->step = plot_nice_step(hi - lo, w, 0);
			a->lo = fixlo ? lo : floor(lo / a->step + SNAP) * a->step;
			a->hi = fixhi ? hi : ceil(hi / a->step - SNAP) * a->step;
		}
	}
	make_ticks(a);
	return count;
}

/* Every x value of the series (x omitted: 0..n-1) that is finite. */
static void x_range(const PlotSeries *series, int nseries, double *lo, double *hi,
		    int *integer)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	*integer = 1;
	for (int k = 0; k < nseries; k++) {
		const PlotSeries *s = &series[k];
		if (s->n <= 0)
			continue;
		if (!s->x) {
			*lo = 0 < *lo ? 0 : *lo;
			*hi = s->n - 1 > *hi ? s->n - 1 : *hi;
			continue;
		}
		for (int i = 0; i < s->n; i++) {
			double v = s->x[i];
			if (!isfinite(v))
				continue;
			*lo = v < *lo ? v : *lo;
			*hi = v > *hi ? v : *hi;
			if (v != floor(v))
				*integer = 0;
		}
	}
	if (!(*lo <= *hi)) {
		*lo = 0;
		*hi = 1;
	}
	if (*lo == *hi) {
		*lo -= 0.5;
		*hi += 0.5;
	}
}

void plot_axis_x(PlotAxis *a, const PlotSeries *series, int nseries, int cells, int gap)
{
	x_range(series, nseries, &a->lo, &a->hi, &a->integer);
	a->log = 0;
	double span = a->hi - a->lo;
	int want = cells / 10 > 2 ? cells / 10 : 2;
	for (; want >= 2; want--) {
		a->step = plot_nice_step(span, want, a->integer);
		make_ticks(a);
		int widest = 1;
		for (int i = 0; i < a->nticks; i++) {
			char buf[32];
			int n = plot_format(buf, sizeof buf, a->tick[i], a->step);
			widest = n > widest ? n : widest;
		}
		double spacing = a->step / span * (cells - 1);
		if (spacing >= widest + gap)
			return;
	}
	/* Even two ticks do not fit: one step over the whole span. */
	a->step = plot_nice_step(span, 1, a->integer);
	make_ticks(a);
}

void plot_axis_label(const PlotAxis *a, int i, char *buf, size_t cap)
{
	if (!a->log) {
		plot_format(buf, cap, a->tick[i], a->step);
		return;
	}
	int plain = 1;
	for (int j = 0; j < a->nticks; j++)
		if (a->tick[j] < -2 || a->tick[j] > 3 || a->tick[j] != floor(a->tick[j]))
			plain = 0;
	double k = a->tick[i];
	if (k == 0)
		snprintf(buf, cap, "1");
	else if (plain)
		snprintf(buf, cap, "%g", pow(10, k));
	else if (k == floor(k))
		snprintf(buf, cap, "1e%d", (int)k);
	else
		plot_format(buf, cap, pow(10, k), 0);
}
