/* cmd_s2s.c — seq2seq models at the prompt: model seq2seq, model show,
 * training steps and validation for session.c, probe, eval, predict,
 * gradcheck, translate and the attention heatmap; the session's parameter
 * block accessors shared with save/load/import/export. */
#include "cmd_s2s.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "fileutil.h"
#include "heatmap.h"
#include "npz.h"

/* ---- the session's parameter block ---- */

int session_params(Session *s, ParamBlock *p)
{
	memset(p, 0, sizeof *p);
	if (s->model) {
		Model *m = s->model;
		*p = (ParamBlock){ m->nparam, m->params, m->grads, m->ntensors, m->tensors, &s->trainer.opt,
				   &s->trainer.step, &s->trainer.rng };
		return 1;
	}
	if (s->s2s) {
		S2s *m = s->s2s;
		*p = (ParamBlock){ m->nparam, m->params, m->grads, m->ntensors, m->tensors, &s->s2st.opt,
				   &s->s2st.step, &s->s2st.rng };
		return 1;
	}
	return 0;
}

const ParamInfo *param_find(const ParamBlock *p, const char *name)
{
	for (int i = 0; i < p->ntensors; i++)
		if (strcmp(p->tensors[i].name, name) == 0)
			return &p->tensors[i];
	return NULL;
}

long session_step(const Session *s)
{
	return s->model ? s->trainer.step : s->s2s ? s->s2st.step : 0;
}

const S2sOutput *session_translation(const Session *s)
{
	return s->s2s && s->translation.n ? &s->translation : NULL;
}

/* ---- model seq2seq ---- */

int s2s_model_parse(int argc, const Word *argv, const DataInfo *di, S2sConfig *c, Err *e)
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

void s2s_model_describe(const S2sConfig *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "model seq2seq cell=%s hidden=%d embed=%d src_vocab=%d tgt_vocab=%d layers=%d attention=%s",
		 cell_names[c->cell], c->hidden, c->embed, c->src_vocab, c->tgt_vocab, c->layers, attn_names[c->attn]);
}

void s2s_session_drop(Session *s)
{
	if (!s->s2s)
		return;
	session_archive_run(s);
	s2s_trainer_done(&s->s2st);
	s2s_free(s->s2s);
	s->s2s = NULL;
	s2s_output_free(&s->translation);
	memset(&s->val_eval, 0, sizeof s->val_eval);
}

void s2s_session_set(Session *s, S2s *m, const S2sTrainer *t)
{
	s->s2s = m;
	s->s2st = *t;
	s->tok_acc = NAN;
	memset(&s->val_eval, 0, sizeof s->val_eval);
}

int s2s_cmd_model(Session *s, int argc, const Word *argv, Err *e)
{
	S2sConfig c;
	int rc = s2s_model_parse(argc - 1, argv + 1, s->data ? data_info(s->data) : NULL, &c, e);
	if (rc)
		return rc;
	Rng r = s->rng;
	uint64_t seed = rng_next(&r), tseed = rng_next(&r);
	Rng init;
	rng_seed(&init, seed);
	S2s *m = s2s_new(&c, &init, e);
	if (!m)
		return ERR_NOMEM;
	S2sTrainer t;
	if ((rc = s2s_trainer_init(&t, m, &s->tcfg, tseed, e))) {
		s2s_free(m);
		return rc;
	}
	session_end_model(s);
	s2s_session_set(s, m, &t);
	session_start_run(s, &r, seed);
	s2s_model_describe(&c, s->model_line, sizeof s->model_line);
	session_printf(s, "%s: %zu parameters", s->model_line + 6, m->nparam);
	return 0;
}

void s2s_cmd_show(Session *s)
{
	const S2s *m = s->s2s;
	const S2sConfig *c = &m->cfg;
	tensor_table(s, m->tensors, m->ntensors);
	size_t opt = (s->s2st.opt.m ? m->nparam : 0) + (s->s2st.opt.v ? m->nparam : 0);
	session_printf(s, "  %zu parameters (%.1f KiB); with gradients and %s state %.1f KiB", m->nparam,
		       m->nparam * 4.0 / 1024, optim_names[s->s2st.opt.cfg.kind],
		       (2.0 * m->nparam + (double)opt) * 4.0 / 1024);
	session_printf(s, "  encoder and decoder: %d-layer %s, %d units; the decoder starts from the encoder's final "
		       "state", c->layers, cell_names[c->cell], c->hidden);
	if (c->attn == ATTN_NONE)
		session_printf(s, "  no attention: logits = head(h_t); the source reaches the decoder only through "
			       "that state");
	else
		session_printf(s, "  Luong %s attention: score = h_t . %s; htilde = tanh(attn.weight [c_t; h_t]); "
			       "logits = head(htilde)", attn_names[c->attn],
			       c->attn == ATTN_DOT ? "hbar_s" : "(attn_score.weight hbar_s)");
	session_printf(s, "  ids 0 PAD, 1 BOS, 2 EOS, 3 UNK; loss ce over tgt_out with PAD not scored; "
		       "teacher_forcing=%g", s->tcfg.teacher_forcing);
}

/* ---- training, for session.c ---- */

int s2s_session_fit(const Session *s, Err *e)
{
	if (!s->data)
		return err_set(e, ERR_STATE, "no dataset yet (try: data list, then data reverse)");
	const DataInfo *di = data_info(s->data);
	const S2sConfig *c = &s->s2s->cfg;
	if (di->kind != DATA_SEQ2SEQ)
		return err_set(e, ERR_STATE, "a seq2seq model needs a seq2seq task (reverse, sort, addition, dates); %s is %s",
			       data_name(s->data), data_kind_names[di->kind]);
	if (c->src_vocab < di->vocab)
		return err_set(e, ERR_STATE, "the model's src_vocab=%d is smaller than %s's %d", c->src_vocab,
			       data_name(s->data), di->vocab);
	if (c->tgt_vocab < di->tgt_vocab)
		return err_set(e, ERR_STATE, "the model's tgt_vocab=%d is smaller than %s's %d", c->tgt_vocab,
			       data_name(s->data), di->tgt_vocab);
	if (s->set.loss_explicit && s->tcfg.loss != LOSS_CE)
		return err_set(e, ERR_STATE, "a seq2seq model trains with ce (PAD not scored), not %s (set loss=ce)",
			       loss_names[s->tcfg.loss]);
	return 0;
}

/* The seq2seq view of a filled DataBatch. */
static S2sBatch batch_of(const Session *s, const DataBatch *db)
{
	const DataInfo *di = data_info(s->data);
	return (S2sBatch){ .S = di->S, .T = di->T, .B = db->b.B, .src = db->src, .tgt_in = db->tgt_in,
			   .tgt_out = db->tgt_out };
}

int s2s_session_step(Session *s, StepStats *st, Err *e)
{
	S2sBatch b = batch_of(s, &s->train_db);
	return s2s_train_step(&s->s2st, &b, st, &s->tok_acc, e);
}

/* Loss and accuracies over up to max validation examples, batch B. */
static int evaluate(Session *s, long max, int B, S2sEval *r, Err *e)
{
	memset(r, 0, sizeof *r);
	const DataInfo *di = data_info(s->data);
	long n = di->n_val < max ? di->n_val : max;
	if (n <= 0)
		return 0;
	DataBatch db;
	int rc = data_batch_init(&db, s->data, B, e);
	if (rc)
		return rc;
	long *idx = malloc((size_t)B * sizeof *idx);
	if (!idx) {
		data_batch_done(&db);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (long i = 0; i < n && !rc; i += B) {
		int b = (int)(n - i < B ? n - i : B);
		for (int j = 0; j < b; j++)
			idx[j] = i + j;
		data_fill(s->data, SPLIT_VAL, idx, b, &db);
		S2sBatch sb = batch_of(s, &db);
		rc = s2s_eval_batch(&s->s2st, &sb, 1, r, e);
	}
	free(idx);
	data_batch_done(&db);
	return rc;
}

int s2s_session_eval(Session *s, long max, Err *e)
{
	return evaluate(s, max, s->set.batch, &s->val_eval, e);
}

int s2s_session_validate(Session *s, double *loss, Err *e)
{
	int rc = evaluate(s, s->set.val_size, s->set.batch, &s->val_eval, e);
	*loss = s->val_eval.scored ? s->val_eval.loss_sum / (double)s->val_eval.scored : NAN;
	return rc;
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

static int probe_write(const S2s *m, const S2sTrace *tr, const char *path, Err *e)
{
	const long S = tr->S, T = tr->T, B = tr->B, H = m->cfg.hidden, L = m->cfg.layers, V = m->cfg.tgt_vocab;
	NpzWriter *w;
	int rc = npz_writer_open(&w, path, NPZ_STORED, e);
	if (rc)
		return rc;
	float *st = malloc((size_t)(L * B * H) * sizeof *st);
	if (!st) {
		npz_writer_abort(w);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	long s3[3] = { T, B, V }, sl[3] = { L, B, H }, sh[3] = { T, B, H }, sa[3] = { T, B, S };
	rc = npz_writer_add(w, "output", NPY_F32, 3, s3, tr->logits, e);
	for (int k = 0; k < L; k++)
		memcpy(st + (size_t)k * B * H, tr->dec[k].h + (size_t)T * B * H, (size_t)(B * H) * sizeof *st);
	if (!rc)
		rc = npz_writer_add(w, "h_n", NPY_F32, 3, sl, st, e);
	if (!rc && m->cfg.cell == CELL_LSTM) {
		for (int k = 0; k < L; k++)
			memcpy(st + (size_t)k * B * H, tr->dec[k].c + (size_t)T * B * H, (size_t)(B * H) * sizeof *st);
		rc = npz_writer_add(w, "c_n", NPY_F32, 3, sl, st, e);
	}
	float loss = (float)tr->loss;
	if (!rc)
		rc = npz_writer_add(w, "loss", NPY_F32, 0, NULL, &loss, e);
	if (!rc)
		rc = npz_writer_add(w, "dh", NPY_F32, 3, sh, tr->dec[L - 1].dh, e);
	if (!rc && tr->attn)
		rc = npz_writer_add(w, "attn", NPY_F32, 3, sa, tr->attn, e);
	for (int i = 0; i < m->ntensors && !rc; i++) {
		const ParamInfo *pi = &m->tensors[i];
		char name[64];
		long shape[2] = { pi->shape[0], pi->shape[1] };
		snprintf(name, sizeof name, "grad.%s", pi->name);
		rc = npz_writer_add(w, name, NPY_F32, pi->ndim, shape, m->grads + pi->offset, e);
	}
	free(st);
	if (rc) {
		npz_writer_abort(w);
		return rc;
	}
	return npz_writer_close(w, e);
}

int s2s_cmd_probe(Session *s, int argc, const Word *argv, Err *e)
{
	const char *in = argv[1].text, *out = argv[2].text;
	S2s *m = s->s2s;
	Npz z;
	int rc = file_may_write(out, FILE_NPZ, argc > 3 && !strcmp(argv[3].text, "force"), e);
	if (rc || (rc = npz_read(&z, in, e)))
		return rc;
	int32_t *src = NULL, *tin = NULL, *tout = NULL;
	S2sTrace *tr = NULL;
	long S, B, T, B2, T3, B3;
	if ((rc = read_ids(&z, in, "src", &S, &B, &src, e)) || (rc = read_ids(&z, in, "tgt_in", &T, &B2, &tin, e)) ||
	    (rc = read_ids(&z, in, "tgt_out", &T3, &B3, &tout, e)))
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
	if ((rc = probe_write(m, tr, out, e)))
		goto out;
	session_printf(s, "probe: S=%d T=%d B=%d loss (ce, PAD not scored) %.6g over %ld positions -> %s", b.S, b.T,
		       b.B, tr->loss, tr->scored, out);
out:
	s2s_trace_free(tr);
	free(src);
	free(tin);
	free(tout);
	npz_free(&z);
	return rc;
}

/* ---- eval, predict, gradcheck ---- */

int s2s_cmd_eval(Session *s, int argc, const Word *argv, Err *e)
{
	Err fit;
	if (session_prepare(s, &fit))
		return err_set(e, ERR_STATE, "%s", fit.msg);
	if (data_info(s->data)->n_val <= 0)
		return err_set(e, ERR_STATE, "%s has no validation examples", data_name(s->data));
	S2sEval r;
	int rc = evaluate(s, 1000000, s->set.batch, &r, e);
	if (rc)
		return rc;
	session_printf(s, "eval: validation ce %.5f over %ld examples (%ld target tokens, PAD not scored)",
		       r.scored ? r.loss_sum / (double)r.scored : NAN, r.seqs, r.scored);
	session_printf(s, "  token accuracy %.4f (%ld of %ld, teacher-forced); sequence accuracy %.4f (%ld of %ld, "
		       "greedy decoding)", r.scored ? (double)r.correct / (double)r.scored : NAN, r.correct, r.scored,
		       r.seqs ? (double)r.seq_correct / (double)r.seqs : NAN, r.seq_correct, r.seqs);
	return 0;
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

int s2s_cmd_predict(Session *s, int argc, const Word *argv, Err *e)
{
	int n = 5, rc;
	if (argc > 1 && (rc = arg_int("N", argv[1].text, 1, 64, &n, e)))
		return rc;
	DataBatch db;
	if ((rc = session_val_head(s, &n, &db, e)))
		return rc;
	const DataInfo *di = data_info(s->data);
	const int T = di->T, S = di->S;
	int32_t *out = malloc((size_t)T * n * sizeof *out);
	int len[64];
	if (!out) {
		data_batch_done(&db);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = s2s_greedy(s->s2s, &s->s2st.etr, db.src, S, n, T, out, len, e);
	int right = 0;
	for (int j = 0; j < n && !rc; j++) {
		char src[300], tgt[300], got[300];
		ids_text(s->data, 0, db.src + j, S, n, src, sizeof src);
		ids_text(s->data, 1, db.tgt_out + j, T, n, tgt, sizeof tgt);
		ids_text(s->data, 1, out + j, T, n, got, sizeof got);
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
		session_printf(s, "  #%d  \"%s\" -> \"%s\"  greedy \"%s\"%s%s", j, src, tgt, got,
			       out[(size_t)(len[j] - 1) * n + j] == S2S_EOS ? "" : " (no EOS)", ok ? "" : "  <- wrong");
	}
	if (!rc)
		session_printf(s, "  %d of %d right", right, n);
	free(out);
	data_batch_done(&db);
	return rc;
}

int s2s_cmd_gradcheck(Session *s, int argc, const Word *argv, Err *e)
{
	int per = 20, rc;
	if (argc > 1 && (rc = arg_int("N", argv[1].text, 1, 1 << 30, &per, e)))
		return rc;
	Err fit;
	if (session_prepare(s, &fit))
		return err_set(e, ERR_STATE, "%s", fit.msg);
	S2s *m = s->s2s;
	long nt = data_info(s->data)->n_train;
	int B = s->set.batch < 4 ? s->set.batch : 4;
	if (B > nt)
		B = (int)nt;
	DataBatch db;
	if ((rc = data_batch_init(&db, s->data, B, e)))
		return rc;
	long idx[4] = { 0, 1, 2, 3 };
	data_fill(s->data, SPLIT_TRAIN, idx, B, &db);
	S2sBatch b = batch_of(s, &db);
	S2sTrace *tr = s2s_trace_new(m, b.S, b.T, B, e);
	GradcheckStat *st = calloc((size_t)m->ntensors, sizeof *st);
	if (!tr || !st) {
		data_batch_done(&db);
		s2s_trace_free(tr);
		free(st);
		return tr ? err_set(e, ERR_NOMEM, "out of memory") : ERR_NOMEM;
	}
	GradcheckOpts o = { .eps = 1e-3, .per_tensor = (size_t)per };
	rc = s2s_gradcheck(m, tr, &b, &o, st, e);
	if (!rc) {
		session_printf(s, "gradcheck: %d sequence pairs (S=%d, T=%d), eps 1e-3, central differences in float32",
			       B, b.S, b.T);
		gradcheck_report(s, m->tensors, m->ntensors, st);
	}
	s2s_zero_grad(m);
	free(st);
	s2s_trace_free(tr);
	data_batch_done(&db);
	return rc;
}

/* ---- translate and the attention heatmap ---- */

int cmd_translate(Session *s, int argc, const Word *argv, Err *e)
{
	if (s->model)
		return err_set(e, ERR_STATE, "translate needs a seq2seq model (this one is %s)",
			       cell_names[s->model->cfg.cell]);
	if (!s->s2s)
		return err_set(e, ERR_STATE, "no seq2seq model yet (try: data reverse; model seq2seq cell=lstm hidden=128 "
			       "attention=dot)");
	if (!s->data || data_info(s->data)->kind != DATA_SEQ2SEQ)
		return err_set(e, ERR_STATE, "translate reads characters through the dataset's vocabulary: select the "
			       "seq2seq task the model learned (data reverse ...)");
	const DataInfo *di = data_info(s->data);
	const char *text = NULL;
	int beam = 1, maxlen = 0, rc;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key;
		if (!k) {
			if (text)
				return err_set(e, ERR_INVAL, "one source text, in quotes (usage: translate \"text\" [beam=W] [max=N])");
			text = argv[i].text;
			continue;
		}
		if (!strcmp(k, "beam"))
			rc = arg_int("beam", argv[i].value, 1, S2S_MAX_BEAM, &beam, e);
		else if (!strcmp(k, "max"))
			rc = arg_int("max", argv[i].value, 1, 10000, &maxlen, e);
		else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: beam, max)", k);
		if (rc)
			return rc;
	}
	if (!text || !*text)
		return err_set(e, ERR_INVAL, "nothing to translate (usage: translate \"text\" [beam=W] [max=N])");
	const int cap = 4096;
	int32_t ids[4096];
	int S = data_encode(s->data, 0, text, ids, cap, e);
	if (S < 0)
		return ERR_INVAL;
	int unk = 0;
	for (int i = 0; i < S; i++)
		unk += ids[i] == S2S_UNK;
	for (int i = 0; i < S; i++)
		if (ids[i] >= s->s2s->cfg.src_vocab)
			return err_set(e, ERR_STATE, "the source id %d is outside the model's src_vocab=%d", ids[i],
				       s->s2s->cfg.src_vocab);
	if (!maxlen)	/* the task's longest target, or room for a longer source */
		maxlen = S <= di->S ? di->T : 2 * S + 2;
	/* The model learned from sources padded at the end to the task's S (the
	 * encoder reads the PADs too), so the text is padded the same way. */
	const int Sp = S < di->S ? di->S : S;
	for (int i = S; i < Sp; i++)
		ids[i] = S2S_PAD;
	S2sOutput o;
	if ((rc = s2s_beam(s->s2s, ids, Sp, beam, maxlen, &o, e)))
		return rc;
	if (Sp > S) {	/* keep the real positions: PAD ones have weight 0 */
		for (int t = 0; o.attn && t < o.n; t++)
			memmove(o.attn + (size_t)t * S, o.attn + (size_t)t * Sp, (size_t)S * sizeof *o.attn);
		o.S = S;
	}
	s2s_output_free(&s->translation);
	s->translation = o;
	char got[4096];
	ids_text(s->data, 1, o.tok, o.n, 1, got, sizeof got);
	session_printf(s, "\"%s\" -> \"%s\"", text, got);
	session_printf(s, "  %s, %d steps, log p %.4f%s%s", beam > 1 ? "beam search" : "greedy", o.n, o.logp,
		       o.ended ? "" : ", no EOS within the length cap (max=N raises it)",
		       unk ? "; characters outside the vocabulary read as <unk>" : "");
	if (beam > 1)
		session_printf(s, "  beam width %d", beam);
	return 0;
}

int s2s_attention_draw(const Session *s, Grid *g, int x, int y, int w, int h, int ascii, GridColors colors,
		       Err *e)
{
	const S2sOutput *o = session_translation(s);
	if (!o)
		return err_set(e, ERR_STATE, s->s2s ? "no translation yet (try: translate \"abc\")"
					     : "the attention pane needs a seq2seq model and a translation");
	if (!o->attn)
		return err_set(e, ERR_STATE, "this seq2seq model has no attention (attention=none): nothing to show");
	const char **names = malloc(((size_t)o->n + o->S) * sizeof *names);
	if (!names)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int i = 0; i < o->n; i++) {
		const char *t = s->data ? data_token_text(s->data, 1, o->tok[i]) : NULL;
		names[i] = t ? t : "?";
	}
	for (int i = 0; i < o->S; i++) {
		const char *t = s->data ? data_token_text(s->data, 0, o->src[i]) : NULL;
		names[o->n + i] = t ? t : "?";
	}
	HeatmapSpec sp;
	heatmap_spec_init(&sp);
	sp.title = "attention a_ts: output step t (rows) over source position s (columns)";
	sp.xlabel = "source";
	sp.ylabel = "output";
	sp.vmin = 0;
	sp.vmax = 1;
	sp.row_names = names;
	sp.col_names = names + o->n;
	sp.ascii = ascii;
	sp.colors = colors;
	HeatmapMatrix mat = { o->attn, o->n, o->S, o->S, 1 };
	int rc = heatmap_draw(g, x, y, w, h, &sp, &mat, NULL, e);
	free(names);
	return rc;
}

int s2s_cmd_view_attention(Session *s, Err *e)
{
	const S2sOutput *o = session_translation(s);
	int w = s->host.width > 20 ? s->host.width : 78;
	int rows = o ? 2 * o->n + 6 : 8;	/* two text rows per output token */
	if (rows < HEATMAP_MIN_H + 2)
		rows = HEATMAP_MIN_H + 2;
	if (rows > 80)
		rows = 80;
	Grid *g = grid_new(w, rows, e);
	if (!g)
		return ERR_NOMEM;
	int rc = s2s_attention_draw(s, g, 0, 0, w, rows, s->host.ascii, s->host.color ? GRID_COLORS_8 : GRID_MONO, e);
	if (!rc) {
		int flags = GRID_OUT_TRIM | (s->host.ascii ? GRID_OUT_ASCII : 0) | (s->host.color ? GRID_OUT_ANSI : 0);
		char line[8192];
		for (int yy = 0; yy < g->h; yy++) {
			grid_row_utf8(g, yy, line, sizeof line, flags);
			session_printf(s, "%s", line);
		}
	}
	grid_free(g);
	return rc;
}
