/* data_series.c — forecasting time series: sine, noisy sine, Mackey-Glass,
 * yearly sunspots, weekly Mauna Loa CO2, and a column of the user's CSV.
 *
 * One series s[0..len) is cut into windows: example k reads s[off_k ..
 * off_k + window) one value per step (in = 1) and forecasts the next
 * `horizon` values (out = horizon, one target per sequence, mse).  Windows
 * slide by one step.  The split is chronological: with P = len -
 * round(len * val), train windows lie wholly in [0, P), validation windows
 * forecast values in [P, len) (their inputs may reach back before P).  The
 * series is z-scored with the mean and std of the observed train values
 * [0, P) only; data_denorm undoes it.
 *
 * Missing values (empty cells of a CSV) are never silently dropped: leading
 * and trailing ones are trimmed, inner ones are filled by linear
 * interpolation (missing=interp) or filled only for display, with every
 * window that touches one left out (missing=skip).  `data info` counts them.
 */
#include "data_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MISS_INTERP, MISS_SKIP, MISS_COUNT };
static const char *const miss_names[MISS_COUNT] = { "interp", "skip" };

/* A value in the series' own units, snapping float noise around 0 (the
 * z-score round trip in float turns a 0 into -1.6e-06). */
static double shown(const Dataset *d, float v)
{
	double x = v * d->std + d->mean;
	return fabs(x) < 1e-5 * d->std ? 0.0 : x;
}

static void show_series(const Dataset *d, long ex, DataEmit emit, void *ctx)
{
	const long off = d->off[ex];
	const int W = d->window, H = d->horizon;
	char line[DATA_LINE];
	int from = W > 8 ? W - 8 : 0;
	snprintf(line, sizeof line, "window t=%ld..%ld%s:", off, off + W - 1,
		 from ? " (its last 8 values)" : "");
	for (int t = from; t < W; t++)
		data_cat(line, sizeof line, " %.5g%s", shown(d, d->series[off + t]),
			 d->missing && d->missing[off + t] ? "*" : "");
	emit(ctx, line);
	snprintf(line, sizeof line, "forecast t=%ld..%ld:", off + W, off + W + H - 1);
	for (int k = 0; k < H && k < 16; k++)
		data_cat(line, sizeof line, " %.5g%s", shown(d, d->series[off + W + k]),
			 d->missing && d->missing[off + W + k] ? "*" : "");
	if (H > 16)
		data_cat(line, sizeof line, " ...");
	emit(ctx, line);
	if (d->missing)
		emit(ctx, "(* marks a value missing in the file, interpolated)");
}

/* Trim missing ends of v (NAN), interpolate inner gaps, and keep a mask;
 * returns the longest inner gap.  *v and *len change; *mask is NULL when
 * nothing was missing. */
static long fill_gaps(float *v, long *len, uint8_t **mask, long *lead, long *trail, Err *e)
{
	long n = *len, a = 0, b = n;
	while (a < n && isnan(v[a]))
		a++;
	while (b > a && isnan(v[b - 1]))
		b--;
	*lead = a;
	*trail = n - b;
	memmove(v, v + a, (size_t)(b - a) * sizeof *v);
	n = b - a;
	*len = n;
	*mask = NULL;
	long gaps = 0, longest = 0;
	for (long i = 0; i < n; i++)
		gaps += isnan(v[i]) != 0;
	if (!gaps)
		return 0;
	*mask = data_calloc((size_t)n, 1, "the missing-value mask", e);
	if (!*mask)
		return -1;
	for (long i = 0; i < n;) {
		if (!isnan(v[i])) {
			i++;
			continue;
		}
		long j = i;
		while (isnan(v[j]))
			j++;	/* v[n-1] is a number: stops */
		for (long k = i; k < j; k++) {
			double f = (double)(k - i + 1) / (double)(j - i + 1);
			v[k] = (float)(v[i - 1] + f * (v[j] - v[i - 1]));
			(*mask)[k] = 1;
		}
		if (j - i > longest)
			longest = j - i;
		i = j;
	}
	return longest;
}

static int touches_gap(const uint8_t *mask, long off, long n)
{
	if (mask)
		for (long i = 0; i < n; i++)
			if (mask[off + i])
				return 1;
	return 0;
}

/* Windows starting at `from` and ending by `end`, left out when they touch
 * a gap under missing=skip: counted, and stored in off unless NULL. */
static long windows(const Dataset *d, int mode, long from, long end, long *off)
{
	const long span = d->window + d->horizon;
	long k = 0;
	for (long o = from; o + span <= end; o++)
		if (mode != MISS_SKIP || !touches_gap(d->missing, o, span)) {
			if (off)
				off[k] = o;
			k++;
		}
	return k;
}

/* Windows, split, z-score, notes: everything after the raw values v[0..len)
 * (owned from here, NAN where missing). */
static int series_finish(Dataset *d, const DataArgs *a, float *v, long len, int mode,
			 const char *unit, Err *e)
{
	long W, H, lead, trail;
	double val;
	int rc = data_arg_long(a, "window", 1, 100000, &W, e);
	if (rc || (rc = data_arg_long(a, "horizon", 1, 1000, &H, e)) ||
	    (rc = data_arg_double(a, "val", 0, 0.9, &val, e))) {
		free(v);
		return rc;
	}
	long raw = len, nmiss = 0;
	for (long i = 0; i < len; i++)
		nmiss += isnan(v[i]) != 0;
	long longest = fill_gaps(v, &len, &d->missing, &lead, &trail, e);
	d->series = v;
	if (longest < 0)
		return ERR_NOMEM;
	d->len = len;
	d->window = (int)W;
	d->horizon = (int)H;
	d->chrono = 1;
	d->layout = LAYOUT_SERIES;
	d->info = (DataInfo){ .kind = DATA_REGRESS, .T = (int)W, .in = 1, .out = (int)H,
			      .per_step = 0, .loss = LOSS_MSE };
	const long P = len - lround((double)len * val);
	d->split_at = P;
	/* Train windows end by P; validation windows forecast from P on. */
	const long v0 = P - W > 0 ? P - W : 0;
	long ntr = windows(d, mode, 0, P, NULL);
	long nva = windows(d, mode, v0, len, NULL);
	if (ntr < 1 || (val > 0 && nva < 1))
		return err_set(e, ERR_INVAL, "%s: %ld values are too few for window=%ld horizon=%ld "
			       "val=%g: %ld train and %ld validation windows%s",
			       d->file ? d->file : d->spec->name, len, W, H, val, ntr, nva,
			       mode == MISS_SKIP && d->missing ? " (missing=skip leaves out every window "
			       "touching a gap)" : "");
	d->off = data_calloc((size_t)(ntr + nva), sizeof *d->off, "the windows", e);
	if (!d->off)
		return ERR_NOMEM;
	windows(d, mode, 0, P, d->off);
	windows(d, mode, v0, len, d->off + ntr);
	d->n = ntr + nva;
	d->info.n_train = ntr;
	d->info.n_val = nva;
	/* z-score from the observed train values */
	double sum = 0, sq = 0;
	long cnt = 0;
	for (long i = 0; i < P; i++)
		if (!d->missing || !d->missing[i]) {
			sum += v[i];
			cnt++;
		}
	d->mean = cnt ? sum / cnt : 0;
	for (long i = 0; i < P; i++)
		if (!d->missing || !d->missing[i])
			sq += (v[i] - d->mean) * (v[i] - d->mean);
	d->std = cnt ? sqrt(sq / cnt) : 0;
	int flat = !(d->std > 1e-12 * (fabs(d->mean) + 1));
	if (flat)
		d->std = 1;
	for (long i = 0; i < len; i++)
		v[i] = (float)((v[i] - d->mean) / d->std);
	/* Baselines on validation: persistence, and the train mean (0). */
	double pers = 0, meanb = 0;
	for (long k = ntr; k < d->n; k++)
		for (long h = 0; h < H; h++) {
			double y = v[d->off[k] + W + h], last = v[d->off[k] + W - 1];
			pers += (y - last) * (y - last);
			meanb += y * y;
		}
	data_note(d, "series: %ld values%s; windows of %ld steps forecast the next %ld, sliding "
		  "by 1; validation forecasts t >= %ld", len, unit, W, H, P);
	data_note(d, "z-score fitted on the train part [0, %ld): mean %.6g, std %.6g%s", P,
		  d->mean, flat ? 0.0 : d->std, flat ? " (constant series: std taken as 1)" : "");
	if (nmiss)
		data_note(d, "missing: %ld of %ld values empty: %ld leading and %ld trailing dropped, "
			  "%ld inner %s (longest gap %ld)", nmiss, raw, lead, trail,
			  nmiss - lead - trail, mode == MISS_SKIP ?
			  "skipped: no window touches one" : "filled by linear interpolation", longest);
	if (nva)
		data_note(d, "baseline on validation (z-scored units): repeating the last value "
			  "gives MSE %.4f, predicting the train mean gives %.4f",
			  pers / ((double)nva * H), meanb / ((double)nva * H));
	d->show = show_series;
	return 0;
}

/* ---- generated ---- */

int data_open_sine(Dataset *d, const DataArgs *a, Err *e)
{
	long len;
	double period, noise;
	int rc = data_arg_long(a, "len", 10, 10000000, &len, e);
	if (rc || (rc = data_arg_double(a, "period", 2, 1e6, &period, e)) ||
	    (rc = data_arg_double(a, "noise", 0, 10, &noise, e)))
		return rc;
	float *v = data_calloc((size_t)len, sizeof *v, "the series", e);
	if (!v)
		return ERR_NOMEM;
	Rng r;
	rng_seed(&r, d->seed);
	double phase = 2 * M_PI * rng_uniform(&r);
	for (long t = 0; t < len; t++)
		v[t] = (float)(sin(2 * M_PI * (double)t / period + phase) +
			       (noise > 0 ? noise * rng_normal(&r) : 0));
	return series_finish(d, a, v, len, MISS_INTERP,
			     noise > 0 ? ", sin(2 pi t/period + random phase) + noise"
			     : ", sin(2 pi t/period + random phase)", e);
}

int data_open_mackey(Dataset *d, const DataArgs *a, Err *e)
{
	/* dx/dt = 0.2 x(t-tau) / (1 + x(t-tau)^10) - 0.1 x(t), x = 1.2 for t <= 0;
	 * Euler steps of 0.01, one sample per time unit after a warm-up of 500
	 * units and a further 0..499 chosen by the seed. */
	enum { SUB = 100, WARM = 500 };
	long len, tau;
	int rc = data_arg_long(a, "len", 10, 10000000, &len, e);
	if (rc || (rc = data_arg_long(a, "tau", 1, 1000, &tau, e)))
		return rc;
	float *v = data_calloc((size_t)len, sizeof *v, "the series", e);
	const long hist = tau * SUB;
	double *ring = v ? data_calloc((size_t)hist, sizeof *ring, "the delay line", e) : NULL;
	if (!ring) {
		free(v);
		return ERR_NOMEM;
	}
	Rng r;
	rng_seed(&r, d->seed);
	const long skip = WARM + (long)rng_below(&r, 500);
	double x = 1.2, dt = 1.0 / SUB;
	for (long i = 0; i < hist; i++)
		ring[i] = 1.2;
	long pos = 0;		/* ring[pos] = x(t - tau) */
	for (long u = 0; u < skip + len; u++) {
		if (u >= skip)
			v[u - skip] = (float)x;
		for (int s = 0; s < SUB; s++) {
			double xd = ring[pos];
			ring[pos] = x;
			pos = pos + 1 == hist ? 0 : pos + 1;
			x += dt * (0.2 * xd / (1 + pow(xd, 10)) - 0.1 * x);
		}
	}
	free(ring);
	return series_finish(d, a, v, len, MISS_INTERP, ", one per time unit", e);
}

/* ---- from CSV files ---- */

static int open_csv_series(Dataset *d, const DataArgs *a, const char *path,
			   const char *column, const char *unit, Err *e)
{
	int mode = MISS_INTERP, rc = 0;
	if (data_arg_has(a, "missing") &&
	    (rc = data_arg_choice(a, "missing", miss_names, MISS_COUNT, &mode, e)))
		return rc;
	CsvColumn col;
	if ((rc = csv_read_column(path, column, &col, e)))
		return rc;
	if (!(d->file = strdup(path))) {
		csv_column_done(&col);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	char what[160];
	snprintf(what, sizeof what, "%s of '%s'%s", unit, col.name,
		 col.header ? " (below a header row)" : " (no header row)");
	return series_finish(d, a, col.v, col.n, mode, what, e);
}

int data_open_sunspots(Dataset *d, const DataArgs *a, Err *e)
{
	char path[4096];
	int rc = data_find("sunspots.csv", path, sizeof path, e);
	return rc ? rc : open_csv_series(d, a, path, "SUNACTIVITY", ", one per year from 1700",
					 e);
}

int data_open_co2(Dataset *d, const DataArgs *a, Err *e)
{
	char path[4096];
	int rc = data_find("co2.csv", path, sizeof path, e);
	return rc ? rc : open_csv_series(d, a, path, "co2", ", weekly ppm from March 1958", e);
}

int data_open_csv(Dataset *d, const DataArgs *a, Err *e)
{
	return open_csv_series(d, a, a->file, data_arg_text(a, "column"), "", e);
}
