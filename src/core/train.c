/* train.c — the training step, its guards, clipping and truncated BPTT. */
#include "train.h"
#include "stepwatch.h"

#include "workers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void train_config_default(TrainConfig *c)
{
	memset(c, 0, sizeof *c);
	c->loss = LOSS_MSE;
	optim_config_default(&c->optim, OPTIM_ADAM);
	sched_default(&c->sched, SCHED_CONSTANT);
	c->teacher_forcing = 1.0f;
	c->threads = 1;
}

int train_config_check(const TrainConfig *c, const Model *m, Err *e)
{
	int rc;
	if ((unsigned)c->loss >= LOSS_COUNT)
		return err_set(e, ERR_INVAL, "unknown loss (choices: mse, ce, bce)");
	if ((rc = optim_check(&c->optim, e)) || (rc = sched_check(&c->sched, e)))
		return rc;
	if (!(c->clip_norm >= 0 && isfinite(c->clip_norm)))
		return err_set(e, ERR_INVAL, "clip must be >= 0 (0 = off), got %g", c->clip_norm);
	if (!(c->clip_value >= 0 && isfinite(c->clip_value)))
		return err_set(e, ERR_INVAL, "clip_value must be >= 0 (0 = off), got %g", c->clip_value);
	if (c->tbptt_k1 < 0 || c->tbptt_k2 < 0)
		return err_set(e, ERR_INVAL, "tbptt lengths must be >= 0 (0 = full BPTT)");
	if (c->tbptt_k2 && c->tbptt_k2 < c->tbptt_k1)
		return err_set(e, ERR_INVAL, "tbptt: k2 (%d) must be at least k1 (%d)", c->tbptt_k2, c->tbptt_k1);
	if (c->tbptt_k2 && !c->tbptt_k1)
		return err_set(e, ERR_INVAL, "tbptt: k2 needs k1");
	if (c->checkpoint && c->tbptt_k1)
		return err_set(e, ERR_INVAL, "tbptt and bptt=checkpoint are alternatives: set tbptt=0 or bptt=full");
	if (c->checkpoint_k < 0)
		return err_set(e, ERR_INVAL, "k must be >= 0 (0 = about sqrt(T)), got %d", c->checkpoint_k);
	if (!(c->teacher_forcing >= 0.0f && c->teacher_forcing <= 1.0f))
		return err_set(e, ERR_INVAL, "teacher_forcing must be in [0, 1], got %g", c->teacher_forcing);
	(void)m;
	return 0;
}

int trainer_init(Trainer *t, Model *m, const TrainConfig *c, uint64_t seed, Err *e)
{
	memset(t, 0, sizeof *t);
	int rc = train_config_check(c, m, e);
	if (rc)
		return rc;
	t->m = m;
	t->cfg = *c;
	rng_seed(&t->rng, seed);
	t->seed = seed;
	probe_init(&t->probe);
	if (!(t->tw = malloc((m->nparam ? m->nparam : 1) * sizeof *t->tw)))
		return err_set(e, ERR_NOMEM, "out of memory for the trace's weights");
	memcpy(t->tw, m->params, m->nparam * sizeof *t->tw);
	if ((rc = optim_init(&t->opt, &c->optim, m->nparam, e))) {
		free(t->tw);
		t->tw = NULL;
	}
	return rc;
}

void trainer_done(Trainer *t)
{
	workers_free(t->workers);
	optim_done(&t->opt);
	trace_free(t->tr);
	trace_free(t->etr);
	probe_done(&t->probe);
	free(t->state);
	free(t->ckpt);
	free(t->ckpt_rng);
	free(t->tw);
	memset(t, 0, sizeof *t);
}

int trainer_configure(Trainer *t, const TrainConfig *c, Err *e)
{
	int rc = train_config_check(c, t->m, e);
	if (rc)
		return rc;
	if ((rc = optim_reconfigure(&t->opt, &c->optim, t->m->nparam, e)))
		return rc;
	if (t->workers && workers_count(t->workers) != c->threads) {
		workers_free(t->workers);
		t->workers = NULL;
	}
	t->cfg = *c;
	return 0;
}

double grad_global_norm(const float *g, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)g[i] * g[i];
	return sqrt(s);
}

int train_apply(const TrainConfig *cfg, Optim *opt, long *step, float *params, float *grads,
		size_t n, double loss, const ApplyHold *hold, StepStats *st, Err *e)
{
	double norm = grad_global_norm(grads, n);
	st->grad_norm = norm;
	st->grad_norm_clipped = norm;
	if (!isfinite(loss) || !isfinite(norm))
		return err_set(e, ERR_NUMERIC,
			       "step %ld: %s is not finite (loss %g, gradient norm %g); nothing applied, weights as before the step",
			       *step + 1, isfinite(loss) ? "the gradient" : "the loss",
			       isnan(loss) ? NAN : loss, isnan(norm) ? NAN : norm);
	if (hold && hold->fn && hold->fn(hold->ctx, loss, norm))
		return err_set(e, ERR_HELD, "step %ld: held back before the update (loss %g, gradient norm %g); "
			       "weights as before the step", *step + 1, loss, norm);
	if (cfg->clip_value > 0) {
		const float v = cfg->clip_value;
		for (size_t i = 0; i < n; i++)
			grads[i] = fminf(fmaxf(grads[i], -v), v);
		norm = grad_global_norm(grads, n);
	}
	if (cfg->clip_norm > 0 && norm > cfg->clip_norm) {
		/* torch.nn.utils.clip_grad_norm_: scale by max/(norm + 1e-6) */
		const float s = (float)(cfg->clip_norm / (norm + 1e-6));
		for (size_t i = 0; i < n; i++)
			grads[i] *= s;
		norm = grad_global_norm(grads, n);
	}
	st->grad_norm_clipped = norm;
	float lr = sched_lr(&cfg->sched, cfg->optim.lr, *step);
	st->lr = lr;
	size_t bad = optim_step(opt, params, grads, lr);
	if (bad)
		return err_set(e, ERR_NUMERIC,
			       "step %ld: the update (gradient norm %g, lr %g) would make %zu weight%s or optimizer "
			       "values not finite; nothing applied, weights as before the step",
			       *step + 1, norm, (double)lr, bad, bad == 1 ? "" : "s");
	(*step)++;
	st->updates++;
	return 0;
}

void trainer_note_trace(Trainer *t)
{
	memcpy(t->tw, t->m->params, t->m->nparam * sizeof *t->tw);
	t->trace_step = t->step + 1;
}

/* Guard, clip and apply the gradient now in m->grads; the weights of the
 * trace (the last forward) are kept first. */
static int apply_update(Trainer *t, double loss, StepStats *st, Err *e)
{
	if (stepwatch_stopped()) {
		t->probe.T = 0;	/* its trace is half written: no step to show */
		return err_set(e, ERR_STOPPED, "step %ld: stopped inside it; nothing of it applied, the weights as "
			       "before it", t->step + 1);
	}
	trainer_note_trace(t);
	return train_apply(&t->cfg, &t->opt, &t->step, t->m->params, t->m->grads, t->m->nparam,
			   loss, &t->hold, st, e);
}

static int ensure_state(Trainer *t, int B, Err *e)
{
	if (t->state && t->state_b >= B)
		return 0;
	size_t n = 2 * (size_t)t->m->cfg.layers * B * t->m->cfg.hidden;
	float *s = malloc(n * sizeof *s);
	if (!s)
		return err_set(e, ERR_NOMEM, "out of memory for the truncated-BPTT state");
	free(t->state);
	t->state = s;
	t->state_b = B;
	return 0;
}

/* Copy h (and c) of every layer at window-relative step i out of the trace:
 * h_i is tr->lt[k].h[i], i in [0, T]. */
static void save_state(Trainer *t, int i, float *h, float *c)
{
	const Model *m = t->m;
	const size_t BH = (size_t)t->tr->B * m->cfg.hidden;
	for (int k = 0; k < m->cfg.layers; k++) {
		memcpy(h + k * BH, t->tr->lt[k].h + (size_t)i * BH, BH * sizeof(float));
		if (c)
			memcpy(c + k * BH, t->tr->lt[k].c + (size_t)i * BH, BH * sizeof(float));
	}
}

/* Full BPTT in segments of K steps, recomputing each segment's forward. */
static int checkpoint_step(Trainer *t, const Batch *b, int K, StepStats *st, Err *e)
{
	Model *m = t->m;
	const int T = b->T, B = b->B, L = m->cfg.layers, H = m->cfg.hidden;
	const int lstm = m->cfg.cell == CELL_LSTM;
	const int nseg = (T + K - 1) / K;
	const size_t LBH = (size_t)L * B * H;
	const int in_w = m->cfg.vocab ? 1 : m->cfg.in;
	const int O = m->cfg.out ? m->cfg.out : H;
	const int Y = t->cfg.loss == LOSS_CE ? 1 : O;
	int rc;
	/* boundary states [nseg][2][L,B,H], then four state-gradient buffers */
	size_t need = (size_t)nseg * 2 * LBH + 4 * LBH;
	if (need > t->ckpt_cap) {
		float *p = realloc(t->ckpt, need * sizeof *p);
		if (!p)
			return err_set(e, ERR_NOMEM, "out of memory for checkpointed BPTT");
		t->ckpt = p;
		t->ckpt_cap = need;
	}
	if (nseg > t->ckpt_nrng) {
		Rng *r = realloc(t->ckpt_rng, (size_t)nseg * sizeof *r);
		if (!r)
			return err_set(e, ERR_NOMEM, "out of memory for checkpointed BPTT");
		t->ckpt_rng = r;
		t->ckpt_nrng = nseg;
	}
	if ((rc = trace_reserve(&t->tr, m, K, B, e)))
		return rc;
	float *states = t->ckpt, *g = t->ckpt + (size_t)nseg * 2 * LBH;
	float *dh_next = g, *dc_next = g + LBH, *dh_prev = g + 2 * LBH, *dc_prev = g + 3 * LBH;
	/* the window of segment i, from its boundary state */
#define SEG(i, w)                                                                               \
	do {                                                                                    \
		int s0_ = (i) * K, s1_ = s0_ + K < T ? s0_ + K : T;                             \
		(w) = *b;                                                                       \
		(w).T = s1_ - s0_;                                                              \
		(w).x = b->x ? b->x + (size_t)s0_ * B * in_w : NULL;                            \
		(w).tok = b->tok ? b->tok + (size_t)s0_ * B : NULL;                             \
		(w).h0 = states + (size_t)(i) * 2 * LBH;                                        \
		(w).c0 = lstm ? states + (size_t)(i) * 2 * LBH + LBH : NULL;                    \
		(w).zt = b->zt ? b->zt + (size_t)s0_ * B * O : NULL;                            \
		if (b->y && b->y_per_step)                                                      \
			(w).y = b->y + (size_t)s0_ * B * Y;                                     \
		else if (b->y && s1_ < T)                                                       \
			(w).y = NULL;	/* a per-sequence target: the last segment scores */    \
	} while (0)
	if (b->h0)
		memcpy(states, b->h0, LBH * sizeof(float));
	else
		memset(states, 0, LBH * sizeof(float));
	if (lstm) {
		if (b->c0)
			memcpy(states + LBH, b->c0, LBH * sizeof(float));
		else
			memset(states + LBH, 0, LBH * sizeof(float));
	}
	/* pass 1: forward, keeping the boundary states and the loss */
	double loss_sum = 0;
	long count = 0;
	for (int i = 0; i < nseg; i++) {
		Batch w;
		SEG(i, w);
		t->ckpt_rng[i] = t->rng;
		if ((rc = net_forward(m, t->tr, &w, t->cfg.loss, 0, 1, &t->rng, e)))
			return rc;
		loss_sum += t->tr->loss * (double)t->tr->scored;
		count += t->tr->scored;
		if (i + 1 < nseg)
			for (int k = 0; k < L; k++) {
				float *nh = states + (size_t)(i + 1) * 2 * LBH;
				memcpy(nh + (size_t)k * B * H, t->tr->lt[k].h + (size_t)w.T * B * H, (size_t)B * H * sizeof(float));
				if (lstm)
					memcpy(nh + LBH + (size_t)k * B * H, t->tr->lt[k].c + (size_t)w.T * B * H,
					       (size_t)B * H * sizeof(float));
			}
	}
	Rng after = t->rng;
	/* pass 2: each segment again, last first, and back through it */
	model_zero_grad(m);
	memset(dh_next, 0, 2 * LBH * sizeof(float));
	for (int i = nseg - 1; i >= 0; i--) {
		Batch w;
		SEG(i, w);
		Rng r = t->ckpt_rng[i];
		if ((rc = net_forward(m, t->tr, &w, t->cfg.loss, 0, 1, &r, e)))
			return rc;
		if (t->tr->scored && count)
			net_scale_dlogits(m, t->tr, (float)((double)t->tr->scored / (double)count));
		net_backward_state(m, t->tr, &w, dh_next, lstm ? dc_next : NULL, dh_prev, lstm ? dc_prev : NULL);
		if ((rc = probe_update_segment(&t->probe, m, t->tr, i * K, T, e)))
			return rc;
		float *tmp = dh_next;
		dh_next = dh_prev;
		dh_prev = tmp;
		tmp = dc_next;
		dc_next = dc_prev;
		dc_prev = tmp;
	}
#undef SEG
	t->rng = after;
	double loss = count ? loss_sum / (double)count : 0;
	st->loss = loss;
	rc = apply_update(t, loss, st, e);
	st->step = t->step;
	return rc;
}

static int step_inner(Trainer *t, const Batch *b, StepStats *st, Err *e);

int train_step(Trainer *t, const Batch *b, StepStats *st, Err *e)
{
	stepwatch_begin();
	int rc = step_inner(t, b, st, e);
	stepwatch_end();
	return rc;
}

static int step_inner(Trainer *t, const Batch *b, StepStats *st, Err *e)
{
	Model *m = t->m;
	int rc;
	memset(st, 0, sizeof *st);
	if ((rc = net_check_batch(m, b, t->cfg.loss, e)))
		return rc;
	const int T = b->T, B = b->B;
	const int k1 = t->cfg.tbptt_k1 && t->cfg.tbptt_k1 < T ? t->cfg.tbptt_k1 : T;
	const int k2 = t->cfg.tbptt_k2 > k1 ? t->cfg.tbptt_k2 : k1;
	const int win = k2 < T ? k2 : T;
	if (t->cfg.checkpoint && k1 >= T) {
		int K = t->cfg.checkpoint_k;
		if (K <= 0)
			K = (int)ceil(sqrt((double)T));
		if (K < T)
			return checkpoint_step(t, b, K, st, e);
	}
	if ((rc = trace_reserve(&t->tr, m, win, B, e)))
		return rc;

	if (k1 >= T && t->cfg.threads > 1 && B >= 2 * t->cfg.threads && t->cfg.threads <= 64) {	/* full BPTT, split */
		if (!t->workers && (rc = workers_new(&t->workers, m, t->cfg.threads, t->seed ^ 0x5eedULL, e)))
			return rc;
		double loss;
		if ((rc = workers_step(t->workers, &t->tr, b, t->cfg.loss, &loss, e)))
			return rc;
		st->loss = loss;
		const Trace *trs[64];
		double wts[64];
		int n = workers_count(t->workers);
		for (int i = 0; i < n && i < 64; i++) {
			trs[i] = workers_trace(t->workers, i);
			wts[i] = workers_weight(t->workers, i);
		}
		if ((rc = probe_update_n(&t->probe, m, trs, wts, n, e)))
			return rc;
		rc = apply_update(t, loss, st, e);
		st->step = t->step;
		return rc;
	}
	if (k1 >= T) {		/* full BPTT */
		model_zero_grad(m);
		if ((rc = net_forward(m, t->tr, b, t->cfg.loss, 0, 1, &t->rng, e)))
			return rc;
		net_backward(m, t->tr, b);
		st->loss = t->tr->loss;
		if ((rc = probe_update(&t->probe, m, t->tr, e)))
			return rc;
		rc = apply_update(t, t->tr->loss, st, e);
		st->step = t->step;
		return rc;
	}

	/* Truncated: windows [ws, we) scoring [s, we). */
	if ((rc = ensure_state(t, B, e)))
		return rc;
	const size_t LBH = (size_t)m->cfg.layers * B * m->cfg.hidden;
	const int lstm = m->cfg.cell == CELL_LSTM;
	float *h_in = t->state, *c_in = lstm ? t->state + LBH : NULL;
	if (b->h0)
		memcpy(h_in, b->h0, LBH * sizeof(float));
	else
		memset(h_in, 0, LBH * sizeof(float));
	if (lstm) {
		if (b->c0)
			memcpy(c_in, b->c0, LBH * sizeof(float));
		else
			memset(c_in, 0, LBH * sizeof(float));
	}
	const int in_w = m->cfg.vocab ? 1 : m->cfg.in;
	const int O = m->cfg.out ? m->cfg.out : m->cfg.hidden;
	const int Y = t->cfg.loss == LOSS_CE ? 1 : O;
	int prev_ws = 0;	/* window start of the trace's contents */
	double loss_sum = 0;
	long scored = 0;
	for (int s = 0; s < T; s += k1) {
		const int we = s + k1 < T ? s + k1 : T;
		const int ws = we - k2 > 0 ? we - k2 : 0;
		/* The state at ws: from the input for the first window, else
		 * from the last forward pass, which covered [prev_ws, s]. */
		if (s > 0)
			save_state(t, ws - prev_ws, h_in, c_in);
		Batch w = *b;
		w.T = we - ws;
		w.x = b->x ? b->x + (size_t)ws * B * in_w : NULL;
		w.tok = b->tok ? b->tok + (size_t)ws * B : NULL;
		w.zt = b->zt ? b->zt + (size_t)ws * B * O : NULL;
		w.h0 = (s > 0 || b->h0) ? h_in : NULL;
		w.c0 = lstm && (s > 0 || b->c0) ? c_in : NULL;
		int has_loss = b->y && (b->y_per_step || we == T);
		if (b->y && b->y_per_step)
			w.y = b->y + (size_t)ws * B * Y;
		else if (!has_loss)
			w.y = NULL;
		model_zero_grad(m);
		if ((rc = net_forward(m, t->tr, &w, t->cfg.loss, s - ws, 1, &t->rng, e)))
			return rc;
		prev_ws = ws;
		if (!has_loss)
			continue;
		net_backward(m, t->tr, &w);
		loss_sum += t->tr->loss * (double)t->tr->scored;
		scored += t->tr->scored;
		if ((rc = probe_update(&t->probe, m, t->tr, e)))
			return rc;
		if ((rc = apply_update(t, t->tr->loss, st, e)))
			return rc;
	}
	st->loss = scored ? loss_sum / (double)scored : 0;
	st->step = t->step;
	return 0;
}

int train_eval(Trainer *t, const Batch *b, double *loss, Err *e)
{
	int rc;
	if ((rc = net_check_batch(t->m, b, t->cfg.loss, e)))
		return rc;
	if ((rc = trace_reserve(&t->etr, t->m, b->T, b->B, e)))
		return rc;
	if ((rc = net_forward(t->m, t->etr, b, t->cfg.loss, 0, 0, NULL, e)))
		return rc;
	*loss = t->etr->loss;
	return 0;
}
