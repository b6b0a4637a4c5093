/* learner_s2s.c — the learner of seq2seq models (seq2seq.c): parses and
 * describes `model seq2seq key=value...`, checks that the model fits a
 * seq2seq task, and implements the ops of learner.h: training steps with
 * teacher forcing, evaluation (token and whole-sequence accuracy), predict,
 * probe and gradcheck.  It has CAP_TRANSLATE: translate keeps the last
 * decoded sequence and its attention for the attention pane. */
#include "learner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "probe.h"

typedef struct S2sLearner {
	Learner l;		/* first: an S2sLearner is a Learner */
	S2s *m;
	S2sTrainer t;
	S2sOutput translation;	/* the last translate (n = 0: none) */
	/* The record of the last step for the panes (CAP_PROBES): the encoder
	 * (0) and the decoder (1) as stacks of cells.  rtr[k] lends the layers
	 * of t.tr; rec[k] holds only tr, probe, tw (into t.tw), trace_step and
	 * step.  split: [2, split_cap] the encoder's gradient by path. */
	Trace rtr[2];
	Trainer rec[2];
	double *split;
	int split_S, split_cap;
} S2sLearner;

/* After a backward pass in t.tr: the two stacks' records and the split. */
static int s2s_record(void *ctx, Err *e)
{
	S2sLearner *q = ctx;
	const S2s *m = q->m;
	const S2sTrace *tr = q->t.tr;
	const int L = m->cfg.layers, H = m->cfg.hidden, B = tr->B;
	for (int k = 0; k < 2; k++) {
		Trace *rt = &q->rtr[k];
		memset(rt, 0, sizeof *rt);
		rt->T = rt->Tcap = k ? tr->T : tr->S;
		rt->B = rt->Bcap = B;
		for (int j = 0; j < L; j++)
			rt->lt[j] = k ? tr->dec[j] : tr->enc[j];
		Trainer *r = &q->rec[k];
		const Model *half = k ? &m->dec : &m->enc;
		r->tr = rt;
		r->tw = q->t.tw + (half->params - m->params);
		r->trace_step = q->t.trace_step;
		r->step = q->t.step;
		int rc = probe_update(&r->probe, half, rt, e);
		if (rc)
			return rc;
	}
	q->split_S = 0;
	if (m->cfg.attn == ATTN_NONE)
		return 0;
	const int S = tr->S;
	if (S > q->split_cap) {
		double *p = realloc(q->split, (size_t)2 * S * sizeof *p);
		if (!p)
			return err_set(e, ERR_NOMEM, "out of memory for the probes");
		q->split = p;
		q->split_cap = S;
	}
	const float *dh = tr->enc[L - 1].dh;
	for (int t = 0; t < S; t++) {
		double a = 0, r = 0;
		for (size_t i = (size_t)t * B * H; i < (size_t)(t + 1) * B * H; i++) {
			a += (double)tr->dhbar[i] * tr->dhbar[i];
			r += ((double)dh[i] - tr->dhbar[i]) * ((double)dh[i] - tr->dhbar[i]);
		}
		q->split[t] = sqrt(a);
		q->split[q->split_cap + t] = sqrt(r);
	}
	q->split_S = S;
	return 0;
}

static const float *s2s_l_attention_at(const Learner *l, int t, int b, int *S)
{
	const S2sLearner *q = (const S2sLearner *)l;
	const S2sTrace *tr = q->t.tr;
	if (!tr || !tr->attn || !q->rec[1].probe.T || t < 0 || t >= tr->T || b < 0 || b >= tr->B)
		return NULL;
	*S = tr->S;
	return tr->attn + ((size_t)t * tr->B + b) * tr->S;
}

static int s2s_l_enc_split(const Learner *l, const double **attn, const double **rec, int *S)
{
	const S2sLearner *q = (const S2sLearner *)l;
	*S = q->split_S;
	*attn = q->split;
	*rec = q->split ? q->split + q->split_cap : NULL;
	return 0;
}

static int s2s_model_parse(int argc, const Word *argv, const DataInfo *di, S2sConfig *c, Err *e)
{
	static const char *const keys = "cell, hidden, embed, src_vocab, tgt_vocab, layers, attention";
	s2s_config_default(c);
	int rc = 0, has_cell = 0, has_hidden = 0, has_src = 0, has_tgt = 0, x;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		if (!k)
			return err_set(e, ERR_INVAL, "expected key=value, got '%s' (keys: %s)", argv[i].text, keys);
		if (!strcmp(k, "cell")) {
			rc = arg_enum("cell", v, cell_names, CELL_COUNT, &x, e);
			c->cell = (CellKind)x;
			has_cell = 1;
		} else if (!strcmp(k, "hidden")) {
			rc = arg_int(k, v, 1, MODEL_MAX_HIDDEN, &c->hidden, e), has_hidden = 1;
		} else if (!strcmp(k, "embed")) {
			rc = arg_int(k, v, 1, MODEL_MAX_HIDDEN, &c->embed, e);
		} else if (!strcmp(k, "src_vocab")) {
			rc = arg_int(k, v, 4, MODEL_MAX_VOCAB, &c->src_vocab, e), has_src = 1;
		} else if (!strcmp(k, "tgt_vocab")) {
			rc = arg_int(k, v, 4, MODEL_MAX_VOCAB, &c->tgt_vocab, e), has_tgt = 1;
		} else if (!strcmp(k, "layers")) {
			rc = arg_int(k, v, 1, MODEL_MAX_LAYERS, &c->layers, e);
		} else if (!strcmp(k, "attention")) {
			rc = arg_enum("attention", v, attn_names, ATTN_COUNT, &x, e);
			c->attn = (AttnKind)x;
		} else {
			return err_set(e, ERR_INVAL, "unknown key '%s' for seq2seq (keys: %s)", k, keys);
		}
		if (rc)
			return rc;
	}
	if (!has_cell || !has_hidden)
		return err_set(e, ERR_INVAL, "cell= and hidden= are required (e.g. model seq2seq cell=lstm hidden=128 "
			       "embed=32 attention=dot)");
	const int s2s_data = di && di->kind == DATA_SEQ2SEQ;
	if ((!has_src || !has_tgt) && !s2s_data)
		return err_set(e, ERR_INVAL, "src_vocab= and tgt_vocab= are needed when no seq2seq dataset is selected "
			       "(or select one first: data reverse)");
	if (!has_src)
		c->src_vocab = di->vocab;
	if (!has_tgt)
		c->tgt_vocab = di->tgt_vocab;
	return s2s_config_check(c, e);
}

static void s2s_model_describe(const S2sConfig *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "model seq2seq cell=%s hidden=%d embed=%d src_vocab=%d tgt_vocab=%d layers=%d attention=%s",
		 cell_names[c->cell], c->hidden, c->embed, c->src_vocab, c->tgt_vocab, c->layers, attn_names[c->attn]);
}

/* ---- probe ---- */

/* Token ids [d0, d1] from z: int32/int64, 2-D. */
static int read_ids(const Npz *z, const char *path, const char *name, long *d0, long *d1, int32_t **out, Err *e)
{
	const NpyArray *a = npz_find(z, name);
	char sh[64];
	if (!a)
		return err_set(e, ERR_FORMAT, "%s has no '%s' (a seq2seq probe reads src [S,B], tgt_in [T,B], tgt_out [T,B])",
			       path, name);
	if (!npy_is_int(a) || a->ndim != 2)
		return err_set(e, ERR_FORMAT, "%s: %s must be int32/int64 token ids [%s, B], got %s %s", path, name,
			       strcmp(name, "src") ? "T" : "S", npy_dtype_names[a->dtype],
			       npy_format_shape(a->ndim, a->shape, sh, sizeof sh));
	if (a->shape[0] < 1 || a->shape[1] < 1 || a->shape[0] > 100000 || a->shape[1] > 100000)
		return err_set(e, ERR_FORMAT, "%s: %s has shape %s (each size from 1 to 100000)", path, name,
			       npy_format_shape(a->ndim, a->shape, sh, sizeof sh));
	int64_t *t = malloc(a->count * sizeof *t);
	*out = malloc(a->count * sizeof **out);
	if (!t || !*out) {
		free(t);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	int rc = npy_to_i64(a, t, e);
	for (size_t i = 0; i < a->count && !rc; i++) {
		if (t[i] < INT32_MIN || t[i] > INT32_MAX)
			rc = err_set(e, ERR_FORMAT, "%s: %s id %lld at position %zu is out of range", path, name,
				     (long long)t[i], i);
		(*out)[i] = (int32_t)t[i];
	}
	free(t);
	*d0 = a->shape[0];
	*d1 = a->shape[1];
	return rc;
}

/* The text of ids (stopping at EOS or PAD) on one side of the data. */
static void ids_text(const Dataset *d, int side, const int32_t *ids, int n, ptrdiff_t stride, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && len + 8 < cap; i++) {
		int32_t id = ids[i * stride];
		if (id == S2S_EOS || id == S2S_PAD)
			break;
		const char *t = data_token_text(d, side, id);
		len += (size_t)snprintf(buf + len, cap - len, "%s", t ? t : "?");
	}
}

static void s2s_l_free(Learner *l)
{
	S2sLearner *q = (S2sLearner *)l;
	for (int k = 0; k < 2; k++)
		probe_done(&q->rec[k].probe);
	free(q->split);
	s2s_trainer_done(&q->t);
	s2s_free(q->m);
	s2s_output_free(&q->translation);
	free(q);
}

static int s2s_l_fit(const Learner *l, const Dataset *d, LossKind loss, int loss_explicit, Err *e)
{
	const DataInfo *di = data_info(d);
	const S2sConfig *c = &((const S2sLearner *)l)->m->cfg;
	if (di->kind != DATA_SEQ2SEQ)
		return err_set(e, ERR_STATE, "a seq2seq model needs a seq2seq task (reverse, sort, addition, dates); %s is %s",
			       data_name(d), data_kind_names[di->kind]);
	if (c->src_vocab < di->vocab)
		return err_set(e, ERR_STATE, "the model's src_vocab=%d is smaller than %s's %d", c->src_vocab,
			       data_name(d), di->vocab);
	if (c->tgt_vocab < di->tgt_vocab)
		return err_set(e, ERR_STATE, "the model's tgt_vocab=%d is smaller than %s's %d", c->tgt_vocab,
			       data_name(d), di->tgt_vocab);
	if (loss_explicit && loss != LOSS_CE)
		return err_set(e, ERR_STATE, "a seq2seq model trains with ce (PAD not scored), not %s (set loss=ce)",
			       loss_names[loss]);
	return 0;
}

static int s2s_l_configure(Learner *l, const TrainConfig *tc, Err *e)
{
	return s2s_trainer_configure(&((S2sLearner *)l)->t, tc, e);
}

/* The seq2seq view of a filled DataBatch. */
static S2sBatch batch_of(const Dataset *d, const DataBatch *db)
{
	const DataInfo *di = data_info(d);
	return (S2sBatch){ .S = di->S, .T = di->T, .B = db->b.B, .src = db->src, .tgt_in = db->tgt_in,
			   .tgt_out = db->tgt_out };
}

static void s2s_l_forget(Learner *l);

static int s2s_l_train_step(Learner *l, const Dataset *d, const DataBatch *db, StepStats *st, Err *e)
{
	S2sLearner *q = (S2sLearner *)l;
	S2sBatch b = batch_of(d, db);
	int rc = s2s_train_step(&q->t, &b, st, &l->acc, e);
	for (int k = 0; k < 2; k++)	/* the records follow the update count */
		q->rec[k].step = q->t.step;
	if (rc == ERR_STOPPED)	/* its trace is half written: no step to show */
		s2s_l_forget(l);
	return rc;
}

static int s2s_l_eval_batch(Learner *l, const Dataset *d, const DataBatch *db, int n, EvalSums *r, Err *e)
{
	S2sBatch b = batch_of(d, db);
	/* the running sums go through s2s_eval_batch, which adds to them */
	S2sEval v = { .loss_sum = r->loss_sum, .scored = r->scored, .correct = r->correct, .seqs = r->seqs,
		      .seq_correct = r->seq_correct };
	int rc = s2s_eval_batch(&((S2sLearner *)l)->t, &b, 1, &v, e);
	r->loss_sum = v.loss_sum;
	r->weight = (double)v.scored;
	r->examples += n;
	r->scored = v.scored;
	r->correct = v.correct;
	r->seqs = v.seqs;
	r->seq_correct = v.seq_correct;
	return rc;
}

static void s2s_l_eval_report(const Learner *l, const EvalSums *r, LossKind loss, const Out *o)
{
	(void)l, (void)loss;
	out_printf(o, "eval: validation ce %.5f over %ld examples (%ld target tokens, PAD not scored)", eval_loss(r),
		   r->seqs, r->scored);
	out_printf(o, "  token accuracy %.4f (%ld of %ld, teacher-forced); sequence accuracy %.4f (%ld of %ld, "
		   "greedy decoding)", r->scored ? (double)r->correct / (double)r->scored : NAN, r->correct, r->scored,
		   r->seqs ? (double)r->seq_correct / (double)r->seqs : NAN, r->seq_correct, r->seqs);
}

static int s2s_l_probe(Learner *l, const Npz *z, const char *in, const ProbeLoss *pl, const char *out, const Out *o,
		       Err *e)
{
	S2s *m = ((S2sLearner *)l)->m;
	(void)pl;
	int32_t *src = NULL, *tin = NULL, *tout = NULL;
	S2sTrace *tr = NULL;
	long S, B, T, B2, T3, B3;
	int rc;
	if ((rc = read_ids(z, in, "src", &S, &B, &src, e)) || (rc = read_ids(z, in, "tgt_in", &T, &B2, &tin, e)) ||
	    (rc = read_ids(z, in, "tgt_out", &T3, &B3, &tout, e)))
		goto out;
	if (B2 != B || B3 != B || T3 != T) {
		rc = err_set(e, ERR_FORMAT, "%s: shapes disagree: src [%ld, %ld], tgt_in [%ld, %ld], tgt_out [%ld, %ld] "
			     "(the same B; tgt_in and tgt_out both [T, B])", in, S, B, T, B2, T3, B3);
		goto out;
	}
	S2sBatch b = { .S = (int)S, .T = (int)T, .B = (int)B, .src = src, .tgt_in = tin, .tgt_out = tout };
	if ((rc = s2s_check_batch(m, &b, e))) {
		err_prefix(e, in);
		goto out;
	}
	if (!(tr = s2s_trace_new(m, b.S, b.T, b.B, e))) {
		rc = ERR_NOMEM;
		goto out;
	}
	/* the gradient block is scratch between steps: weights and optimizer untouched */
	s2s_zero_grad(m);
	if ((rc = s2s_forward(m, tr, &b, 1.0f, NULL, e)))
		goto out;
	s2s_backward(m, tr);
	const int L = m->cfg.layers;
	ProbeFile pf = { .output = tr->logits, .T = tr->T, .B = tr->B, .O = m->cfg.tgt_vocab, .H = m->cfg.hidden,
			 .layers = tr->dec, .L = L, .has_c = m->cfg.cell == CELL_LSTM, .loss = tr->loss,
			 .dh = tr->dec[L - 1].dh, .attn = tr->attn, .S = tr->S, .pb = &l->pb };
	if ((rc = probe_file_write(&pf, out, e)))
		goto out;
	out_printf(o, "probe: S=%d T=%d B=%d loss (ce, PAD not scored) %.6g over %ld positions -> %s", b.S, b.T, b.B,
		   tr->loss, tr->scored, out);
out:
	s2s_trace_free(tr);
	free(src);
	free(tin);
	free(tout);
	return rc;
}

static int s2s_l_predict(Learner *l, const Dataset *d, const DataBatch *dbp, int n, const Out *o, Err *e)
{
	S2sLearner *q = (S2sLearner *)l;
	const DataBatch db = *dbp;
	const DataInfo *di = data_info(d);
	const int T = di->T, S = di->S;
	int32_t *out = malloc((size_t)T * n * sizeof *out);
	int len[64];
	if (!out)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = s2s_greedy(q->m, &q->t.etr, db.src, S, n, T, out, len, e);
	int right = 0;
	for (int j = 0; j < n && !rc; j++) {
		char src[300], tgt[300], got[300];
		ids_text(d, 0, db.src + j, S, n, src, sizeof src);
		ids_text(d, 1, db.tgt_out + j, T, n, tgt, sizeof tgt);
		ids_text(d, 1, out + j, T, n, got, sizeof got);
		int ok = 1;
		for (int t = 0; t < T; t++) {
			int32_t want = db.tgt_out[(size_t)t * n + j];
			if (want == S2S_PAD)
				break;
			if (out[(size_t)t * n + j] != want) {
				ok = 0;
				break;
			}
			if (want == S2S_EOS)
				break;
		}
		right += ok;
		out_printf(o, "  #%d  \"%s\" -> \"%s\"  greedy \"%s\"%s%s", j, src, tgt, got,
			   out[(size_t)(len[j] - 1) * n + j] == S2S_EOS ? "" : " (no EOS)", ok ? "" : "  <- wrong");
	}
	if (!rc)
		out_printf(o, "  %d of %d right", right, n);
	free(out);
	return rc;
}

static int s2s_l_gradcheck(Learner *l, const Dataset *d, const DataBatch *db, int n, LossKind loss,
			   const GradcheckOpts *go, GradcheckStat *stats, const Out *o, Err *e)
{
	S2s *m = ((S2sLearner *)l)->m;
	(void)loss;
	S2sBatch b = batch_of(d, db);
	S2sTrace *tr = s2s_trace_new(m, b.S, b.T, n, e);
	if (!tr)
		return ERR_NOMEM;
	int rc = s2s_gradcheck(m, tr, &b, go, stats, e);
	if (!rc)
		out_printf(o, "gradcheck: %d sequence pairs (S=%d, T=%d), eps 1e-3, central differences in float32", n,
			   b.S, b.T);
	s2s_zero_grad(m);
	s2s_trace_free(tr);
	return rc;
}

static void s2s_l_show(const Learner *l, const TrainConfig *tc, const Out *o)
{
	const S2sConfig *c = &((const S2sLearner *)l)->m->cfg;
	out_printf(o, "  encoder and decoder: %d-layer %s, %d units; the decoder starts from the encoder's final "
		   "state", c->layers, cell_names[c->cell], c->hidden);
	if (c->attn == ATTN_NONE)
		out_printf(o, "  no attention: logits = head(h_t); the source reaches the decoder only through "
			   "that state");
	else
		out_printf(o, "  Luong %s attention: score = h_t . %s; htilde = tanh(attn.weight [c_t; h_t]); "
			   "logits = head(htilde)", attn_names[c->attn],
			   c->attn == ATTN_DOT ? "hbar_s" : "(attn_score.weight hbar_s)");
	out_printf(o, "  ids 0 PAD, 1 BOS, 2 EOS, 3 UNK; loss ce over tgt_out with PAD not scored; "
		   "teacher_forcing=%g", tc->teacher_forcing);
}

static void s2s_l_forget(Learner *l)
{
	S2sLearner *q = (S2sLearner *)l;
	for (int k = 0; k < 2; k++)
		q->rec[k].probe.T = 0;
	q->split_S = 0;
}

/* grads before any step: a teacher-forced forward and backward on db, the
 * records made from it, nothing applied. */
static int s2s_l_record(Learner *l, const Dataset *d, const DataBatch *db, LossKind loss, Err *e)
{
	(void)loss;
	S2sLearner *q = (S2sLearner *)l;
	S2sBatch b = batch_of(d, db);
	int rc;
	if ((rc = s2s_check_batch(q->m, &b, e)) || (rc = s2s_trace_reserve(&q->t.tr, q->m, b.S, b.T, b.B, e)))
		return rc;
	s2s_zero_grad(q->m);
	if (!(rc = s2s_forward(q->m, q->t.tr, &b, 1.0f, NULL, e))) {
		s2s_backward(q->m, q->t.tr);
		s2s_trainer_note_trace(&q->t);
		rc = s2s_record(q, e);
	}
	s2s_zero_grad(q->m);
	return rc;
}

static int s2s_l_translate(Learner *l, const Dataset *d, const char *text, int beam, int maxlen, const Out *o,
			   Err *e)
{
	S2sLearner *q = (S2sLearner *)l;
	const DataInfo *di = data_info(d);
	const int cap = 4096;
	int32_t ids[4096];
	int S = data_encode(d, 0, text, ids, cap, e);
	if (S < 0)
		return ERR_INVAL;
	int unk = 0;
	for (int i = 0; i < S; i++)
		unk += ids[i] == S2S_UNK;
	for (int i = 0; i < S; i++)
		if (ids[i] >= q->m->cfg.src_vocab)
			return err_set(e, ERR_STATE, "the source id %d is outside the model's src_vocab=%d", ids[i],
				       q->m->cfg.src_vocab);
	if (!maxlen)	/* the task's longest target, or room for a longer source */
		maxlen = S <= di->S ? di->T : 2 * S + 2;
	/* The model learned from sources padded at the end to the task's S (the
	 * encoder reads the PADs too), so the text is padded the same way. */
	const int Sp = S < di->S ? di->S : S;
	for (int i = S; i < Sp; i++)
		ids[i] = S2S_PAD;
	S2sOutput r;
	int rc = s2s_beam(q->m, ids, Sp, beam, maxlen, &r, e);
	if (rc)
		return rc;
	if (Sp > S) {	/* keep the real positions: PAD ones have weight 0 */
		for (int t = 0; r.attn && t < r.n; t++)
			memmove(r.attn + (size_t)t * S, r.attn + (size_t)t * Sp, (size_t)S * sizeof *r.attn);
		r.S = S;
	}
	s2s_output_free(&q->translation);
	q->translation = r;
	char got[4096];
	ids_text(d, 1, r.tok, r.n, 1, got, sizeof got);
	out_printf(o, "\"%s\" -> \"%s\"", text, got);
	out_printf(o, "  %s, %d steps, log p %.4f%s%s", beam > 1 ? "beam search" : "greedy", r.n, r.logp,
		   r.ended ? "" : ", no EOS within the length cap (max=N raises it)",
		   unk ? "; characters outside the vocabulary read as <unk>" : "");
	if (beam > 1)
		out_printf(o, "  beam width %d", beam);
	return 0;
}

static const S2sOutput *s2s_l_translation(const Learner *l)
{
	const S2sLearner *q = (const S2sLearner *)l;
	return q->translation.n ? &q->translation : NULL;
}

static const LearnerOps s2s_ops = {
	.caps = CAP_TRANSLATE | CAP_PROBES,
	.free = s2s_l_free,
	.fit = s2s_l_fit,
	.configure = s2s_l_configure,
	.train_step = s2s_l_train_step,
	.eval_batch = s2s_l_eval_batch,
	.eval_report = s2s_l_eval_report,
	.predict = s2s_l_predict,
	.probe = s2s_l_probe,
	.gradcheck = s2s_l_gradcheck,
	.show = s2s_l_show,
	.forget = s2s_l_forget,
	.translate = s2s_l_translate,
	.translation = s2s_l_translation,
	.record = s2s_l_record,
	.enc_split = s2s_l_enc_split,
	.attention_at = s2s_l_attention_at,
};

int learner_s2s_build(int argc, const Word *argv, const DataInfo *di, const TrainConfig *tc, uint64_t seed,
		      uint64_t tseed, Learner **out, Err *e)
{
	S2sConfig cfg;
	int rc = s2s_model_parse(argc, argv, di, &cfg, e);
	if (rc)
		return rc;
	S2sLearner *q = calloc(1, sizeof *q);
	if (!q)
		return err_set(e, ERR_NOMEM, "out of memory");
	Rng init;
	rng_seed(&init, seed);
	if (!(q->m = s2s_new(&cfg, &init, e))) {
		free(q);
		return ERR_NOMEM;
	}
	if ((rc = s2s_trainer_init(&q->t, q->m, tc, tseed, e))) {
		s2s_free(q->m);
		free(q);
		return rc;
	}
	S2s *m = q->m;
	q->l.ops = &s2s_ops;
	q->l.kind = "seq2seq";
	q->l.acc = NAN;
	q->l.s2s = m;
	for (int k = 0; k < 2; k++) {
		q->rec[k].m = k ? &m->dec : &m->enc;
		q->rec[k].cfg = q->t.cfg;
		probe_init(&q->rec[k].probe);
	}
	q->t.on_trace = s2s_record;
	q->t.on_trace_ctx = q;
	q->l.stacks[0] = (LearnerStack){ "enc", "encoder", &m->enc, { &m->enc, &q->rec[0] } };
	q->l.stacks[1] = (LearnerStack){ "dec", "decoder", &m->dec, { &m->dec, &q->rec[1] } };
	q->l.nstacks = 2;
	q->l.hold = &q->t.hold;
	q->l.pb = (ParamBlock){ m->nparam, m->params, m->grads, m->ntensors, m->tensors, &q->t.opt, &q->t.step, &q->t.rng };
	s2s_model_describe(&cfg, q->l.line, sizeof q->l.line);
	snprintf(q->l.brief, sizeof q->l.brief, "seq2seq");
	*out = &q->l;
	return 0;
}
