/* workers.c — a small pool: one job per training step, a barrier each way. */
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

typedef struct Worker {
	struct Workers *pool;
	int id;
	Model shadow;		/* views: the shared params, this worker's grads */
	float *grads;		/* [nparam]; worker 0: the model's own */
	Trace *tr;		/* worker 0: borrowed from the caller */
	Rng rng;
	/* this worker's slice of the batch, contiguous */
	Batch b;
	float *x, *y, *h0, *c0, *zt;
	int32_t *tok;
	size_t cap_x, cap_y, cap_h, cap_c, cap_t, cap_z;
	double loss;
	long scored;
	int rc;
	Err err;
	pthread_t thread;
} Worker;

struct Workers {
	Model *m;
	int n;
	Worker *w;
	LossKind loss;
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	long generation;	/* bumped for each job */
	int pending;		/* helper threads still working */
	long S;			/* positions scored by the last step, all workers */
	int quit;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	void *n = realloc(*p, need * elem);
	if (!n)
		return -1;
	*p = n;
	*cap = need;
	return 0;
}

/* Copy rows [b0, b1) of the batch into worker k's buffers. */
static int slice(Worker *k, const Model *m, const Batch *b, LossKind loss, int b0, int b1)
{
	const int T = b->T, B = b->B, Bw = b1 - b0, H = m->cfg.hidden, L = m->cfg.layers;
	const int O = m->cfg.out ? m->cfg.out : H, Y = loss == LOSS_CE ? 1 : O;
	Batch *s = &k->b;
	memset(s, 0, sizeof *s);
	s->T = T;
	s->B = Bw;
	s->y_per_step = b->y_per_step;
	if (b->x) {
		const int I = m->cfg.in;
		if (grow((void **)&k->x, &k->cap_x, (size_t)T * Bw * I, sizeof(float)))
			return -1;
		for (int t = 0; t < T; t++)
			memcpy(k->x + (size_t)t * Bw * I, b->x + ((size_t)t * B + b0) * I, (size_t)Bw * I * sizeof(float));
		s->x = k->x;
	}
	if (b->tok) {
		if (grow((void **)&k->tok, &k->cap_t, (size_t)T * Bw, sizeof(int32_t)))
			return -1;
		for (int t = 0; t < T; t++)
			memcpy(k->tok + (size_t)t * Bw, b->tok + (size_t)t * B + b0, (size_t)Bw * sizeof(int32_t));
		s->tok = k->tok;
	}
	if (b->y) {
		int rows = b->y_per_step ? T : 1;
		if (grow((void **)&k->y, &k->cap_y, (size_t)rows * Bw * Y, sizeof(float)))
			return -1;
		for (int t = 0; t < rows; t++)
			memcpy(k->y + (size_t)t * Bw * Y, b->y + ((size_t)t * B + b0) * Y, (size_t)Bw * Y * sizeof(float));
		s->y = k->y;
	}
	if (b->zt) {	/* a teacher's outputs: every step's, like a per-step target */
		if (grow((void **)&k->zt, &k->cap_z, (size_t)T * Bw * O, sizeof(float)))
			return -1;
		for (int t = 0; t < T; t++)
			memcpy(k->zt + (size_t)t * Bw * O, b->zt + ((size_t)t * B + b0) * O, (size_t)Bw * O * sizeof(float));
		s->zt = k->zt;
		s->kd_temp = b->kd_temp;
		s->kd_alpha = b->kd_alpha;
	}
	if (b->h0) {
		if (grow((void **)&k->h0, &k->cap_h, (size_t)L * Bw * H, sizeof(float)))
			return -1;
		for (int l = 0; l < L; l++)
			memcpy(k->h0 + (size_t)l * Bw * H, b->h0 + ((size_t)l * B + b0) * H, (size_t)Bw * H * sizeof(float));
		s->h0 = k->h0;
	}
	if (b->c0) {
		if (grow((void **)&k->c0, &k->cap_c, (size_t)L * Bw * H, sizeof(float)))
			return -1;
		for (int l = 0; l < L; l++)
			memcpy(k->c0 + (size_t)l * Bw * H, b->c0 + ((size_t)l * B + b0) * H, (size_t)Bw * H * sizeof(float));
		s->c0 = k->c0;
	}
	return 0;
}

static void run(Worker *k)
{
	Workers *p = k->pool;
	Model *m = k->id ? &k->shadow : p->m;
	model_zero_grad(m);
	k->rc = net_forward(m, k->tr, &k->b, p->loss, 0, 1, &k->rng, &k->err);
	if (!k->rc)
		net_backward(m, k->tr, &k->b);
	k->loss = k->tr->loss;
	k->scored = k->tr->scored;
}

static void *thread_main(void *arg)
{
	Worker *k = arg;
	Workers *p = k->pool;
	long seen = 0;
	platform_flush_subnormals();
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->generation == seen && !p->quit)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		seen = p->generation;
		pthread_mutex_unlock(&p->mu);
		run(k);
		pthread_mutex_lock(&p->mu);
		if (--p->pending == 0)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
}

int workers_new(Workers **out, Model *m, int n, uint64_t seed, Err *e)
{
	*out = NULL;
	Workers *p = calloc(1, sizeof *p);
	Worker *w = p ? calloc((size_t)n, sizeof *w) : NULL;
	if (!w) {
		free(p);
		return err_set(e, ERR_NOMEM, "out of memory for %d workers", n);
	}
	p->m = m;
	p->n = n;
	p->w = w;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	for (int i = 0; i < n; i++) {
		w[i].pool = p;
		w[i].id = i;
		rng_seed(&w[i].rng, seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
	}
	int started = 0, rc = 0;
	for (int i = 1; i < n && !rc; i++) {
		w[i].grads = calloc(m->nparam, sizeof(float));
		if (!w[i].grads) {
			rc = err_set(e, ERR_NOMEM, "out of memory for a worker's gradients");
			break;
		}
		model_init_views(&w[i].shadow, &m->cfg, "rnn.", m->params, w[i].grads);
		if (pthread_create(&w[i].thread, NULL, thread_main, &w[i])) {
			rc = err_set(e, ERR_NOMEM, "cannot start a worker thread");
			break;
		}
		started = i;
	}
	if (rc) {
		p->n = started + 1;
		workers_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void workers_free(Workers *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->n; i++) {
		Worker *k = &p->w[i];
		if (i)
			pthread_join(k->thread, NULL);
		if (i) {
			trace_free(k->tr);
			free(k->grads);
		}
		free(k->x);
		free(k->y);
		free(k->zt);
		free(k->h0);
		free(k->c0);
		free(k->tok);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	free(p->w);
	free(p);
}

int workers_count(const Workers *w)
{
	return w->n;
}

const Trace *workers_trace(const Workers *w, int i)
{
	return w->w[i].tr;
}

double workers_weight(const Workers *w, int i)
{
	return w->S ? (double)w->w[i].scored / (double)w->S : 0.0;
}

int workers_step(Workers *p, Trace **tr0, const Batch *b, LossKind loss, double *lossout, Err *e)
{
	Model *m = p->m;
	const int n = p->n, B = b->B;
	int rc;
	/* slices and traces, outside the threads (they allocate when sizes grow) */
	for (int i = 0; i < n; i++) {
		Worker *k = &p->w[i];
		int b0 = (int)((long)B * i / n), b1 = (int)((long)B * (i + 1) / n);
		if (slice(k, m, b, loss, b0, b1))
			return err_set(e, ERR_NOMEM, "out of memory for a worker's batch");
		Trace **tp = i ? &k->tr : tr0;
		if ((rc = trace_reserve(tp, m, b->T, b1 - b0, e)))
			return rc;
		k->tr = *tp;
	}
	p->loss = loss;
	pthread_mutex_lock(&p->mu);
	p->pending = n - 1;
	p->generation++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	run(&p->w[0]);
	pthread_mutex_lock(&p->mu);
	while (p->pending > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	long S = 0;
	double sum = 0;
	for (int i = 0; i < n; i++) {
		if (p->w[i].rc) {
			*e = p->w[i].err;
			return p->w[i].rc;
		}
		S += p->w[i].scored;
		sum += p->w[i].loss * (double)p->w[i].scored;
	}
	/* m->grads = sum_i (s_i / S) g_i; worker 0's g is m->grads itself */
	const size_t np = m->nparam;
	float *g = m->grads;
	const float a0 = S ? (float)((double)p->w[0].scored / (double)S) : 0.0f;
	for (size_t j = 0; j < np; j++)
		g[j] *= a0;
	for (int i = 1; i < n; i++) {
		const float ai = S ? (float)((double)p->w[i].scored / (double)S) : 0.0f;
		const float *restrict gi = p->w[i].grads;
		float *restrict gg = g;
		for (size_t j = 0; j < np; j++)
			gg[j] += ai * gi[j];
	}
	p->S = S;
	*lossout = S ? sum / (double)S : 0.0;
	return 0;
}
