/* test_pane_numbers.c — the numbers the panes print, against values this
 * test computes itself (test_panes.c checks that the printed equations add
 * up; this checks that they are the right numbers):
 *   - step: for an rnn, lstm and gru after updates that moved the weights,
 *     the pane is drawn into a grid at several t and units, every printed
 *     number is parsed and compared with a forward pass recomputed here in
 *     double from the weights the trace ran with and its inputs: each term
 *     W_ih x, W_hh h, the bias b_ih + b_hh, the pre-activation, every gate,
 *     c = f*c_t-1 + i*g with f and i in their places, h; the backward
 *     lines against the norms of the trace's dL/dh_t;
 *   - radius: hand-built lstm and gru W_hh whose gate blocks have known,
 *     different spectral radii; each gate's radius (probe_spectral, the
 *     flow pane's radius lines, plot eigen gate=G) is its own block's, and
 *     expect radius measures the largest.
 */
#include "sessionutil.h"

#include <math.h>

#include "probe.h"
#include "stepview.h"
#include "views.h"

/* ---- the step pane ---- */

/* Unit j of layer 0 at step t of sequence b, recomputed in double from
 * the trace's inputs and the weights its forward pass ran with. */
typedef struct Ref {
	double wx[4], wh[4], bias[4];	/* per gate: W_ih x_t, W_hh h_t-1, b_ih + b_hh */
	double act[4];			/* gate values (rnn: the pre-activation) */
	double hp, h, cp, c;		/* h_t-1, h_t, c_t-1, c_t */
	double hpnorm;			/* ||h_t-1|| */
	double dh_t, dh_next, dh_1, dh_T, dhj;	/* ||dL/dh|| at t, t+1 (0: none), 1, T; dL/dh_t[j] */
	double xn, hn;			/* gru: W_in x_t + b_in, W_hn h_t-1 + b_hn */
} Ref;

static double sigm(double x)
{
	return 1 / (1 + exp(-x));
}

static double rowdot(const float *w, const double *v, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += (double)w[i] * v[i];
	return s;
}

static double rowdot_d(const double *a, const double *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void recompute(const Cells *cl, int b, int t, int j, Ref *r)
{
	const Model *m = cl->m;
	const Trace *tr = cl->t->tr;
	const int H = m->cfg.hidden, I = m->in0, B = tr->B, G = m->gates, cell = m->cfg.cell;
	const LayerView *v = &m->p.layer[0];
	/* the same offsets into the weights of the trace's pass */
	const float *wih = cl->t->tw + (v->w_ih - m->params), *whh = cl->t->tw + (v->w_hh - m->params);
	const float *bih = cl->t->tw + (v->b_ih - m->params), *bhh = cl->t->tw + (v->b_hh - m->params);
	double h[64] = { 0 }, c[64] = { 0 }, nh[64], nc[64], x[64], pre[4][64];
	assert_true(H <= 64 && I <= 64);
	for (int s = 0; s <= t; s++) {
		for (int i = 0; i < I; i++)
			x[i] = tr->lt[0].x[((size_t)s * B + b) * I + i];
		for (int g = 0; g < G; g++)
			for (int u = 0; u < H; u++) {
				const int row = g * H + u;
				const double px = rowdot(wih + (size_t)row * I, x, I), ph = rowdot(whh + (size_t)row * H, h, H);
				if (s == t && u == j) {
					r->wx[g] = px;
					r->wh[g] = ph;
					r->bias[g] = (double)bih[row] + bhh[row];
				}
				if (cell == CELL_GRU && g == 2) {	/* n: r multiplies the recurrent side */
					pre[g][u] = px + bih[row] + sigm(pre[0][u]) * (ph + bhh[row]);
					if (s == t && u == j)
						r->xn = px + bih[row], r->hn = ph + bhh[row];
				} else {
					pre[g][u] = px + ph + bih[row] + bhh[row];
				}
			}
		for (int u = 0; u < H; u++) {
			double a[4];
			if (cell == CELL_RNN) {
				a[0] = pre[0][u];
				nh[u] = tanh(a[0]);
			} else if (cell == CELL_LSTM) {
				a[0] = sigm(pre[0][u]), a[1] = sigm(pre[1][u]), a[2] = tanh(pre[2][u]), a[3] = sigm(pre[3][u]);
				nc[u] = a[1] * c[u] + a[0] * a[2];
				nh[u] = a[3] * tanh(nc[u]);
			} else {
				a[0] = sigm(pre[0][u]), a[1] = sigm(pre[1][u]), a[2] = tanh(pre[2][u]);
				nh[u] = (1 - a[1]) * a[2] + a[1] * h[u];
			}
			if (s == t && u == j) {
				memcpy(r->act, a, sizeof a);
				r->hp = h[u], r->cp = c[u];
				r->hpnorm = sqrt(rowdot_d(h, h, H));
				r->h = nh[u], r->c = cell == CELL_LSTM ? nc[u] : 0;
			}
		}
		memcpy(h, nh, sizeof h);
		if (cell == CELL_LSTM)
			memcpy(c, nc, sizeof c);
	}
	/* the backward lines read the trace's dL/dh_t of this sequence */
	const float *dh = tr->lt[0].dh;
	double n[64];
	assert_true(tr->T <= 64);
	for (int s = 0; s < tr->T; s++) {
		double ss = 0;
		for (int u = 0; u < H; u++)
			ss += (double)dh[((size_t)s * B + b) * H + u] * dh[((size_t)s * B + b) * H + u];
		n[s] = sqrt(ss);
	}
	r->dh_t = n[t];
	r->dh_next = t + 1 < tr->T ? n[t + 1] : 0;
	r->dh_1 = n[0];
	r->dh_T = n[tr->T - 1];
	r->dhj = dh[((size_t)t * B + b) * H + j];
}

/* A printed number against the value it stands for: %.3f is within 5e-4
 * of it, %.4f within 5e-5 (plus the float32 of the trace). */
#define NEAR(got, want, tol, what)                                                                     \
	do {                                                                                           \
		if (!(fabs((got) - (want)) <= (tol)))                                                  \
			fail_msg("%s t=%d unit %d: %s printed %.5f, recomputed %.5f\n  %s", cname, t + 1, j, \
				 what, (double)(got), (double)(want), line);                           \
	} while (0)
#define D3 6e-4
#define D4 1e-4

/* Every equation line of one drawing against r; returns how many were read. */
static int check_pane(const Grid *g, int rows, const char *cname, int t, int j, const Ref *r)
{
	static const char *const lstm_n = "ifgo", *const gru_n = "rzn";
	char line[1024];
	int seen = 0;
	for (int y = 0; y < rows; y++) {
		grid_row_utf8(g, y, line, sizeof line, GRID_OUT_TRIM);
		char fn[16], gate[2];
		double a, b, c, d, v, p, q;
		if (y == 0) {	/* the header names the step */
			char want[32];
			snprintf(want, sizeof want, "t=%d of ", t + 1);
			if (!strstr(line, want))
				fail_msg("%s: the header does not say %s: %s", cname, want, line);
		}
		if (sscanf(line, " = tanh(%lf %lf %lf) = tanh(%lf) = %lf", &a, &b, &c, &d, &v) == 5) {	/* rnn */
			NEAR(a, r->wx[0], D3, "W_ih x");
			NEAR(b, r->wh[0], D3, "W_hh h_t-1");
			NEAR(c, r->bias[0], D3, "b_ih + b_hh");
			NEAR(d, r->act[0], D3, "the pre-activation");
			NEAR(v, r->h, D4, "h");
			seen++;
		} else if (sscanf(line, "n = tanh(%lf + r*%lf) = tanh(%lf %lf) = %lf", &p, &q, &a, &b, &v) == 5) {
			NEAR(p, r->xn, D3, "W_in x + b_in");
			NEAR(a, r->xn, D3, "W_in x + b_in");
			NEAR(q, r->hn, D3, "W_hn h_t-1 + b_hn");
			NEAR(b, r->act[0] * r->hn, D3, "r*(W_hn h_t-1 + b_hn)");
			NEAR(v, r->act[2], D4, "n");
			seen++;
		} else if (sscanf(line, "%1[a-z] = %15[a-z](%lf %lf %lf) = %lf", gate, fn, &a, &b, &c, &v) == 6) {
			const char *names = strcmp(cname, "lstm") ? gru_n : lstm_n;
			const char *k = strchr(names, gate[0]);
			assert_non_null(k);
			const int gi = (int)(k - names);
			if (strcmp(fn, (cname[0] == 'l' && gi == 2) ? "tanh" : "sigm"))
				fail_msg("%s: gate %s is not drawn with its function: %s", cname, gate, line);
			NEAR(a, r->wx[gi], D3, "W_i. x");
			NEAR(b, r->wh[gi], D3, "W_h. h_t-1");
			NEAR(c, r->bias[gi], D3, "b_i. + b_h.");
			NEAR(v, r->act[gi], D4, "the gate");
			seen++;
		} else if (sscanf(line, "c = f*c_t-1 + i*g = %lf*%lf + %lf*%lf = %lf", &a, &b, &c, &d, &v) == 5) {
			NEAR(a, r->act[1], D3, "f");
			NEAR(b, r->cp, D3, "c_t-1");
			NEAR(c, r->act[0], D3, "i");
			NEAR(d, r->act[2], D3, "g");
			NEAR(v, r->c, D4, "c");
			seen++;
		} else if (sscanf(line, "h = o*tanh(c) = %lf*tanh(%lf) = %lf", &a, &b, &v) == 3) {
			NEAR(a, r->act[3], D3, "o");
			NEAR(b, r->c, D3, "c");
			NEAR(v, r->h, D4, "h");
			seen++;
		} else if (sscanf(line, "h = (1-z)*n + z*h_t-1 = %lf*%lf + %lf*%lf = %lf", &a, &b, &c, &d, &v) == 5) {
			NEAR(a, 1 - r->act[1], D3, "1-z");
			NEAR(b, r->act[2], D3, "n");
			NEAR(c, r->act[1], D3, "z");
			NEAR(d, r->hp, D3, "h_t-1");
			NEAR(v, r->h, D4, "h");
			seen++;
		} else if (sscanf(line, "backward  ||dL/dh_t|| = %lf  (this sequence; dL/dh_t[%*d] = %lf)", &a, &b) == 2) {
			NEAR(a, r->dh_t, 5e-4 * r->dh_t, "||dL/dh_t||");
			NEAR(b, r->dhj, 5e-4 * fabs(r->dhj), "dL/dh_t[j]");
			seen += 1000;
		} else if (sscanf(line, "  from t+1: ||dL/dh_t+1|| = %lf: %15s by x%lf", &a, fn, &b) == 3) {
			NEAR(a, r->dh_next, 5e-4 * r->dh_next, "||dL/dh_t+1||");
			NEAR(b, r->dh_t / r->dh_next, 5e-3 * r->dh_t / r->dh_next, "the factor since t+1");
			if (strcmp(fn, r->dh_t < r->dh_next ? "shrank" : "grew"))
				fail_msg("%s t=%d: '%s', but ||dL/dh|| went from %g to %g", cname, t + 1, fn, r->dh_next, r->dh_t);
			seen += 1000;
		} else if (!strncmp(line, "  the last step: ", 17)) {
			assert_true(r->dh_next == 0);
			seen += 1000;
		} else if (sscanf(line, "  over the sequence: ||dL/dh_1|| / ||dL/dh_%*d|| = %lf", &a) == 1) {
			NEAR(a, r->dh_1 / r->dh_T, 5e-4 * r->dh_1 / r->dh_T, "||dL/dh_1|| / ||dL/dh_T||");
			seen += 1000;
		} else if (!strncmp(line, "h_t-1 ", 6) && strstr(line, "|h|=")) {
			int u = -1;
			assert_int_equal(sscanf(strstr(line, "|h|="), "|h|=%lf  h[%d]=%lf", &a, &u, &v), 3);
			assert_int_equal(u, j);
			NEAR(a, r->hpnorm, D3, "||h_t-1||");
			NEAR(v, r->hp, D3, "h_t-1[j]");
			seen += 100;	/* counted apart from the equations */
		}
	}
	return seen;
}

static void test_step_numbers(void **state)
{
	(void)state;
	static const char *const cells[] = { "rnn", "lstm", "gru" };
	for (int k = 0; k < 3; k++) {
		Session *s = new_session();
		char line[256];
		snprintf(line, sizeof line,
			 "data adding T=12 n=100; model %s hidden=7; set optim=sgd lr=1 log_every=0 val_every=0; train 3",
			 cells[k]);
		ok(s, line);
		const Cells *cl = learner_cells(s->lr);
		/* the weights moved after the recorded pass: the pane must use the pass's */
		assert_memory_not_equal(cl->t->tw, cl->m->params, cl->m->nparam * sizeof(float));
		Err e;
		Grid *g = grid_new(100, 40, &e);
		assert_non_null(g);
		/* equations per drawing; the h_t-1 line (100); the backward lines (1000 each) */
		const int want = k == 0 ? 1 : k == 1 ? 6 : 4;
		for (int t = 1; t < 12; t += 5)	/* t = 2, 7, 12: the last has no t+1 */
			for (int j = 0; j < 7; j += 3) {
				StepCursor c = { 0, 2, t, j, 0 };
				assert_int_equal(stepview_draw(s, &c, 1, GRID_MONO, g, 0, 0, 100, 40, &e), 0);
				Ref r = { 0 };
				recompute(cl, 2, t, j, &r);
				assert_int_equal(check_pane(g, 40, cells[k], t, j, &r), 3000 + 100 + want);
			}
		grid_free(g);
		session_free(s);
	}
}

/* ---- the spectral radius of each gate block ---- */

/* Block gi of an H x H W_hh with spectral radius rad: upper triangular,
 * its eigenvalues on the diagonal, largest in modulus +-rad (the sign
 * alternating with the block), the others smaller, and off-diagonal
 * entries that leave the eigenvalues where they are. */
static void build_block(float *blk, int H, int gi, double rad)
{
	for (int r = 0; r < H; r++)
		for (int c = 0; c < H; c++)
			blk[(size_t)r * H + c] = c > r ? 0.05f * (float)((r + 2 * c) % 3 - 1) : 0;
	for (int i = 0; i < H; i++)
		blk[(size_t)i * H + i] = (float)(i == (gi % H) ? (gi % 2 ? -rad : rad) : rad * (0.2 + 0.1 * i));
}

static void check_radii(Session *s, int layers, const double *want)
{
	const Model *m = cur_model(s);
	const int G = m->gates, H = m->cfg.hidden, cell = m->cfg.cell;
	const char *const names = cell == CELL_LSTM ? "ifgo" : cell == CELL_GRU ? "rzn" : "h";
	for (int k = 0; k < layers; k++)
		for (int gi = 0; gi < G; gi++)
			build_block(m->p.layer[k].w_hh + (size_t)gi * H * H, H, gi, want[k * G + gi]);
	/* the probe */
	double rho[MODEL_MAX_LAYERS * 4];
	probe_spectral(m, rho);
	for (int i = 0; i < layers * G; i++)
		if (fabs(rho[i] - want[i]) > 1e-3 * want[i])
			fail_msg("probe_spectral: layer %d gate %c: %g, its block's radius is %g", i / G, names[i % G], rho[i],
				 want[i]);
	/* the flow pane's radius lines: "K: i 0.5 f 1.5 ..." */
	assert_int_equal(view_radius(s, rho), layers * G);
	Err e;
	Grid *g = grid_new(60, 1 + layers, &e);
	view_radius_draw(s, rho, g, 0, 0, 60, 1 + layers, 1);
	for (int k = 0; k < layers; k++) {
		char line[256], want_line[256];
		grid_row_utf8(g, 1 + k, line, sizeof line, GRID_OUT_TRIM);
		int n = snprintf(want_line, sizeof want_line, "%d:", k);
		for (int gi = 0; gi < G; gi++)	/* %.3g of the known radius (an rnn's one block unnamed) */
			n += G > 1 ? snprintf(want_line + n, sizeof want_line - (size_t)n, " %c %.3g", names[gi], want[k * G + gi])
				   : snprintf(want_line + n, sizeof want_line - (size_t)n, " %.3g", want[k]);
		assert_string_equal(line, want_line);
	}
	grid_free(g);
	/* plot eigen gate=G: the note's radius is that block's (LAPACK) */
	for (int k = 0; k < layers; k++)
		for (int gi = 0; gi < G; gi++) {
			char cmd[64];
			if (G > 1)
				snprintf(cmd, sizeof cmd, "plot eigen layer=%d gate=%c", k, names[gi]);
			else
				snprintf(cmd, sizeof cmd, "plot eigen layer=%d", k);
			ok(s, cmd);
			const char *p = strstr(cap.out, "radius ");
			double got;
			assert_non_null(p);
			assert_int_equal(sscanf(p, "radius %lf", &got), 1);
			if (fabs(got - want[k * G + gi]) > 5e-4 * want[k * G + gi])
				fail_msg("%s: radius %g, the block's is %g", cmd, got, want[k * G + gi]);
		}
	/* expect radius: the largest of every block */
	double mx = 0;
	for (int i = 0; i < layers * G; i++)
		mx = fmax(mx, want[i]);
	ok(s, "expect radius > 0");
	double got;
	const char *p = strstr(cap.out, "radius = ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "radius = %lf", &got), 1);
	if (fabs(got - mx) > 1e-3 * mx)
		fail_msg("expect radius measured %g, the largest block's radius is %g", got, mx);
}

static void test_radius_per_gate(void **state)
{
	(void)state;
	Session *s = new_session();
	/* no block shares a radius, and the largest is never gate 0's */
	ok(s, "model lstm hidden=5 in=2 layers=2");
	check_radii(s, 2, (const double[]){ 0.5, 1.5, 2.25, 0.8, 1.1, 0.3, 3.5, 1.75 });
	ok(s, "model gru hidden=4 in=3 layers=2");
	check_radii(s, 2, (const double[]){ 0.25, 0.75, 1.25, 2.5, 0.9, 1.6 });
	ok(s, "model rnn hidden=6 in=2");
	check_radii(s, 1, (const double[]){ 1.3 });
	session_free(s);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_numbers),
		cmocka_unit_test(test_radius_per_gate),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
