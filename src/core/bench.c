/* bench.c — time training steps on random data. */
#include "bench.h"
#include "platform.h"

#include <cblas.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train.h"
#include "workers.h"

void bench_config_default(BenchConfig *c)
{
	c->cell = CELL_LSTM;
	c->in = 128;
	c->hidden = 128;
	c->layers = 1;
	c->batch = 32;
	c->seq = 64;
	c->steps = 50;
	c->warmup = 3;
	c->threads = 1;
	c->checkpoint = 0;
}

static int parse_int(const char *key, const char *v, int lo, int hi, int *out, Err *e)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return err_set(e, ERR_INVAL, "bench: %s must be an integer from %d to %d, got '%s'", key, lo, hi, v);
	*out = (int)n;
	return 0;
}

int bench_parse(BenchConfig *c, int argc, char **argv, Err *e)
{
	static const char *const keys = "cell, in, hidden, layers, batch, seq, steps, warmup, threads, checkpoint";
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq)
			return err_set(e, ERR_INVAL, "bench: expected key=value, got '%s' (keys: %s)", argv[i], keys);
		size_t kl = (size_t)(eq - argv[i]);
		const char *v = eq + 1;
		int rc = 0;
#define KEY(s) (kl == strlen(s) && strncmp(argv[i], s, kl) == 0)
		if (KEY("cell")) {
			int found = 0;
			for (int k = 0; k < CELL_COUNT; k++)
				if (strcmp(v, cell_names[k]) == 0) {
					c->cell = (CellKind)k;
					found = 1;
				}
			if (!found)
				return err_set(e, ERR_INVAL, "bench: unknown cell '%s' (choices: rnn, lstm, gru)", v);
		} else if (KEY("in")) {
			rc = parse_int("in", v, 1, MODEL_MAX_HIDDEN, &c->in, e);
		} else if (KEY("hidden")) {
			rc = parse_int("hidden", v, 1, MODEL_MAX_HIDDEN, &c->hidden, e);
		} else if (KEY("layers")) {
			rc = parse_int("layers", v, 1, MODEL_MAX_LAYERS, &c->layers, e);
		} else if (KEY("batch")) {
			rc = parse_int("batch", v, 1, 1 << 16, &c->batch, e);
		} else if (KEY("seq")) {
			rc = parse_int("seq", v, 1, 1 << 20, &c->seq, e);
		} else if (KEY("steps")) {
			rc = parse_int("steps", v, 1, 1 << 24, &c->steps, e);
		} else if (KEY("warmup")) {
			rc = parse_int("warmup", v, 0, 1 << 20, &c->warmup, e);
		} else if (KEY("threads")) {
			rc = parse_int("threads", v, 1, 64, &c->threads, e);
		} else if (KEY("checkpoint")) {
			rc = parse_int("checkpoint", v, 0, 1 << 20, &c->checkpoint, e);
		} else {
			return err_set(e, ERR_INVAL, "bench: unknown key '%.*s' (keys: %s)", (int)kl, argv[i], keys);
		}
#undef KEY
		if (rc)
			return rc;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int bench_run(const BenchConfig *c, BenchResult *r, Err *e)
{
	memset(r, 0, sizeof *r);
	openblas_set_num_threads(1);	/* the engine's workers split the batch instead */
	int rc0 = blas_room(c->threads, e);
	if (rc0)
		return rc0;
	ModelConfig mc;
	model_config_default(&mc);
	mc.cell = c->cell;
	mc.in = c->in;
	mc.hidden = c->hidden;
	mc.layers = c->layers;
	mc.out = c->hidden;
	Rng rng;
	rng_seed(&rng, 1234);
	Model *m = model_new(&mc, &rng, e);
	if (!m)
		return ERR_NOMEM;
	size_t nx = (size_t)c->seq * c->batch * c->in, ny = (size_t)c->seq * c->batch * c->hidden;
	float *x = malloc(nx * sizeof *x), *y = malloc(ny * sizeof *y);
	TrainConfig tc;
	train_config_default(&tc);
	tc.threads = c->threads;
	tc.checkpoint = c->checkpoint > 0;
	tc.checkpoint_k = c->checkpoint;
	Trainer t;
	int rc = 0;
	if (!x || !y) {
		rc = err_set(e, ERR_NOMEM, "bench: out of memory for the data");
		goto out_free;
	}
	for (size_t i = 0; i < nx; i++)
		x[i] = rng_range(&rng, -1, 1);
	for (size_t i = 0; i < ny; i++)
		y[i] = rng_range(&rng, -1, 1);
	if ((rc = trainer_init(&t, m, &tc, 1, e)))
		goto out_free;
	Batch b = { .T = c->seq, .B = c->batch, .x = x, .y = y, .y_per_step = 1 };
	StepStats st;
	for (int i = 0; i < c->warmup && !rc; i++)
		rc = train_step(&t, &b, &st, e);
	double t0 = now();
	for (int i = 0; i < c->steps && !rc; i++)
		rc = train_step(&t, &b, &st, e);
	double t1 = now();
	if (!rc) {
		r->seconds = t1 - t0;
		r->tokens_per_s = (double)c->seq * c->batch * c->steps / r->seconds;
		/* GEMM flops per token: forward 2*G*H*(I+H) per layer + head 2*H*H;
		 * backward twice that. */
		double G = model_gates(c->cell), H = c->hidden, f = 0;
		for (int k = 0; k < c->layers; k++)
			f += 2 * G * H * ((k ? H : c->in) + H);
		f += 2 * H * H;
		r->gflops = 3 * f * r->tokens_per_s * 1e-9;
		r->final_loss = st.loss;
		r->param_bytes = 4.0 * (double)m->nparam * (3 + 2 * (t.opt.m != NULL) + 2 * (t.opt.v != NULL));
		r->act_bytes = (t.tr ? 4.0 * (double)t.tr->memsize : 0) + 4.0 * (double)t.ckpt_cap;
		if (t.workers)
			for (int i = 1; i < workers_count(t.workers); i++)
				r->act_bytes += 4.0 * (double)workers_trace(t.workers, i)->memsize;
	}
	trainer_done(&t);
out_free:
	free(x);
	free(y);
	model_free(m);
	return rc;
}

int bench_peak(int n, double *gflops, Err *e)
{
	float *a = malloc((size_t)n * n * sizeof *a), *b = malloc((size_t)n * n * sizeof *b);
	float *c = malloc((size_t)n * n * sizeof *c);
	if (!a || !b || !c) {
		free(a);
		free(b);
		free(c);
		return err_set(e, ERR_NOMEM, "bench: out of memory for %d x %d matrices", n, n);
	}
	for (size_t i = 0; i < (size_t)n * n; i++) {
		a[i] = (float)(i % 7) * 0.25f - 0.75f;
		b[i] = (float)(i % 5) * 0.5f - 1.0f;
	}
	double best = 0;
	for (int rep = 0; rep < 6; rep++) {	/* the first warms the caches and the threads */
		double t0 = now();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
		double dt = now() - t0;
		if (rep && dt > 0 && 2.0 * n * n * n / dt > best)
			best = 2.0 * n * n * n / dt;
	}
	*gflops = best * 1e-9;
	free(a);
	free(b);
	free(c);
	return 0;
}
