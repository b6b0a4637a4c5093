/* s2s_train.c — training, evaluation and the gradient check of a seq2seq
 * model.  The update itself (guard, clip, optimizer) is train.c's
 * train_apply, shared with the plain models. */
#include "seq2seq.h"
#include "stepwatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int s2s_trainer_init(S2sTrainer *t, S2s *m, const TrainConfig *c, uint64_t seed, Err *e)
{
	memset(t, 0, sizeof *t);
	int rc = train_config_check(c, NULL, e);
	if (rc)
		return rc;
	t->m = m;
	t->cfg = *c;
	t->cfg.loss = LOSS_CE;
	rng_seed(&t->rng, seed);
	if (!(t->tw = malloc((m->nparam ? m->nparam : 1) * sizeof *t->tw)))
		return err_set(e, ERR_NOMEM, "out of memory for a copy of the weights");
	memcpy(t->tw, m->params, m->nparam * sizeof *t->tw);
	rc = optim_init(&t->opt, &c->optim, m->nparam, e);
	if (rc) {
		free(t->tw);
		t->tw = NULL;
	}
	return rc;
}

void s2s_trainer_note_trace(S2sTrainer *t)
{
	memcpy(t->tw, t->m->params, t->m->nparam * sizeof *t->tw);
	t->trace_step = t->step + 1;
}

void s2s_trainer_done(S2sTrainer *t)
{
	optim_done(&t->opt);
	free(t->tw);
	s2s_trace_free(t->tr);
	s2s_trace_free(t->etr);
	memset(t, 0, sizeof *t);
}

int s2s_trainer_configure(S2sTrainer *t, const TrainConfig *c, Err *e)
{
	int rc = train_config_check(c, NULL, e);
	if (rc)
		return rc;
	if ((rc = optim_reconfigure(&t->opt, &c->optim, t->m->nparam, e)))
		return rc;
	t->cfg = *c;
	t->cfg.loss = LOSS_CE;
	return 0;
}

static int s2s_step_inner(S2sTrainer *t, const S2sBatch *b, StepStats *st, double *tok_acc, Err *e);

int s2s_train_step(S2sTrainer *t, const S2sBatch *b, StepStats *st, double *tok_acc, Err *e)
{
	stepwatch_begin();
	int rc = s2s_step_inner(t, b, st, tok_acc, e);
	stepwatch_end();
	return rc;
}

static int s2s_step_inner(S2sTrainer *t, const S2sBatch *b, StepStats *st, double *tok_acc, Err *e)
{
	S2s *m = t->m;
	int rc;
	memset(st, 0, sizeof *st);
	if (!b->tgt_out)
		return err_set(e, ERR_INVAL, "a training batch needs tgt_out");
	if ((rc = s2s_check_batch(m, b, e)) || (rc = s2s_trace_reserve(&t->tr, m, b->S, b->T, b->B, e)))
		return rc;
	s2s_zero_grad(m);
	if ((rc = s2s_forward(m, t->tr, b, t->cfg.teacher_forcing, &t->rng, e)))
		return rc;
	s2s_backward(m, t->tr);
	if (stepwatch_stopped())
		return err_set(e, ERR_STOPPED, "step %ld: stopped inside it; nothing of it applied, the weights as before it",
			       t->step + 1);
	st->loss = t->tr->loss;
	if (tok_acc)
		*tok_acc = t->tr->scored ? (double)t->tr->correct / (double)t->tr->scored : NAN;
	s2s_trainer_note_trace(t);
	if (t->on_trace && (rc = t->on_trace(t->on_trace_ctx, e)))
		return rc;
	rc = train_apply(&t->cfg, &t->opt, &t->step, m->params, m->grads, m->nparam, t->tr->loss, &t->hold, st, e);
	st->step = t->step;
	return rc;
}

int s2s_eval_batch(S2sTrainer *t, const S2sBatch *b, int greedy, S2sEval *r, Err *e)
{
	const S2s *m = t->m;
	int rc;
	if (!b->tgt_out)
		return err_set(e, ERR_INVAL, "evaluation needs tgt_out");
	if ((rc = s2s_check_batch(m, b, e)) || (rc = s2s_trace_reserve(&t->etr, m, b->S, b->T, b->B, e)) ||
	    (rc = s2s_forward(m, t->etr, b, 1.0f, NULL, e)))
		return rc;
	const S2sTrace *tr = t->etr;
	r->loss_sum += tr->loss * (double)tr->scored;
	r->scored += tr->scored;
	r->correct += tr->correct;
	if (!greedy)
		return 0;
	const int T = b->T, B = b->B;
	int32_t *out = malloc((size_t)T * B * sizeof *out);
	int *len = malloc((size_t)B * sizeof *len);
	if (!out || !len) {
		free(out);
		free(len);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = s2s_greedy(m, &t->etr, b->src, b->S, B, T, out, len, e);
	for (int j = 0; j < B && !rc; j++) {
		int ok = 1;
		for (int u = 0; u < T; u++) {
			int32_t want = b->tgt_out[(size_t)u * B + j];
			if (want == S2S_PAD)
				break;
			if (out[(size_t)u * B + j] != want) {
				ok = 0;
				break;
			}
			if (want == S2S_EOS)
				break;
		}
		r->seqs++;
		r->seq_correct += ok;
	}
	free(out);
	free(len);
	return rc;
}

typedef struct GcCtx {
	S2s *m;
	S2sTrace *tr;
	const S2sBatch *b;
} GcCtx;

static int gc_loss(void *ctx, double *loss, Err *e)
{
	GcCtx *c = ctx;
	int rc = s2s_forward(c->m, c->tr, c->b, 1.0f, NULL, e);
	*loss = c->tr->loss;
	return rc;
}

int s2s_gradcheck(S2s *m, S2sTrace *tr, const S2sBatch *b, const GradcheckOpts *o,
		  GradcheckStat *stats, Err *e)
{
	int rc;
	if (!b->tgt_out)
		return err_set(e, ERR_INVAL, "gradcheck needs tgt_out");
	if ((rc = s2s_check_batch(m, b, e)))
		return rc;
	s2s_zero_grad(m);
	if ((rc = s2s_forward(m, tr, b, 1.0f, NULL, e)))
		return rc;
	s2s_backward(m, tr);
	float *an = malloc(m->nparam * sizeof *an);
	if (!an)
		return err_set(e, ERR_NOMEM, "gradcheck: out of memory");
	memcpy(an, m->grads, m->nparam * sizeof *an);
	GcCtx ctx = { m, tr, b };
	rc = gradcheck_fn(m->params, an, m->tensors, m->ntensors, gc_loss, &ctx, o, stats, e);
	memcpy(m->grads, an, m->nparam * sizeof *an);
	free(an);
	if (rc && rc != ERR_STOPPED)
		return rc;
	Err e2;	/* leave the unperturbed trace (stopped too) */
	const int rc2 = s2s_forward(m, tr, b, 1.0f, NULL, &e2);
	return rc ? rc : rc2 ? err_set(e, rc2, "%s", e2.msg) : 0;
}
