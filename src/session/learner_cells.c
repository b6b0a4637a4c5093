/* learner_cells.c — the learner of rnn, lstm and gru models: a stack of
 * cells with an optional embedding and dense head (net.c), trained by
 * train.c.  It parses and describes `model KIND key=value...`, checks that
 * the model fits a dataset, and implements the ops of learner.h: training
 * steps, evaluation, predict, probe and gradcheck.  It has CAP_TIMESTEPS:
 * the trainer keeps the trace and probes of the last step for the panes. */
#include "learner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

typedef struct CellsLearner {
	Learner l;		/* first: a CellsLearner is a Learner */
	Model *m;
	Trainer t;
} CellsLearner;

/* The canonical command that builds this configuration. */
static void model_describe(const ModelConfig *c, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "model %s hidden=%d", cell_names[c->cell], c->hidden);
#define ADDF(...)                                                          \
	do {                                                               \
		if (n < cap)                                               \
			n += (size_t)snprintf(buf + n, cap - n, __VA_ARGS__); \
	} while (0)
	if (c->vocab)
		ADDF(" vocab=%d embed=%d", c->vocab, c->embed);
	else
		ADDF(" in=%d", c->in);
	ADDF(" layers=%d out=%d", c->layers, c->out);
	if (c->cell == CELL_RNN)
		ADDF(" act=%s", act_names[c->act]);
	if (c->init != INIT_DEFAULT)
		ADDF(" init=%s", init_names[c->init]);
	if (c->radius > 0)
		ADDF(" radius=%g", c->radius);
	if (!isnan(c->forget_bias))
		ADDF(" forget_bias=%g", c->forget_bias);
	if (c->layernorm)
		ADDF(" layernorm=on");
	if (c->residual)
		ADDF(" residual=on");
	if (c->dropout > 0)
		ADDF(" dropout=%g", c->dropout);
#undef ADDF
}

/* Parse `KIND key=value...` (argv[0] is the kind; seq2seq is learner_s2s.c's)
 * into c, with defaults from the dataset di (may be NULL). */
static int model_parse(int argc, const Word *argv, const DataInfo *di, ModelConfig *c, Err *e)
{
	model_config_default(c);
	int cell, rc;
	static const char *const kinds[] = { "rnn", "lstm", "gru", "seq2seq" };
	if (argv[0].key)
		return err_set(e, ERR_INVAL, "the model kind comes first (choices: rnn, lstm, gru, seq2seq; or show)");
	if ((rc = arg_enum("model kind", argv[0].text, kinds, 3, &cell, e)))
		return rc;
	c->cell = (CellKind)cell;
	int has_in = 0, has_vocab = 0, has_embed = 0, has_out = 0, has_hidden = 0;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		int x;
		if (!k)
			return err_set(e, ERR_INVAL, "expected key=value, got '%s' (keys: hidden, in, vocab, embed, layers, out, "
				       "act, init, radius, forget_bias, layernorm, residual, dropout)", argv[i].text);
		if (!strcmp(k, "hidden"))
			rc = arg_int(k, v, 1, MODEL_MAX_HIDDEN, &c->hidden, e), has_hidden = 1;
		else if (!strcmp(k, "in"))
			rc = arg_int(k, v, 1, MODEL_MAX_HIDDEN, &c->in, e), has_in = 1;
		else if (!strcmp(k, "vocab"))
			rc = arg_int(k, v, 1, MODEL_MAX_VOCAB, &c->vocab, e), has_vocab = 1;
		else if (!strcmp(k, "embed"))
			rc = arg_int(k, v, 1, MODEL_MAX_HIDDEN, &c->embed, e), has_embed = 1;
		else if (!strcmp(k, "layers"))
			rc = arg_int(k, v, 1, MODEL_MAX_LAYERS, &c->layers, e);
		else if (!strcmp(k, "out"))
			rc = arg_int(k, v, 0, MODEL_MAX_VOCAB, &c->out, e), has_out = 1;
		else if (!strcmp(k, "act")) {
			rc = arg_enum("act", v, act_names, ACT_COUNT, &x, e);
			c->act = (ActKind)x;
		} else if (!strcmp(k, "init")) {
			rc = arg_enum("init", v, init_names, INIT_COUNT, &x, e);
			c->init = (InitKind)x;
		} else if (!strcmp(k, "radius"))
			rc = arg_float(k, v, 0, 1000, &c->radius, e);
		else if (!strcmp(k, "forget_bias"))
			rc = arg_float(k, v, -100, 100, &c->forget_bias, e);
		else if (!strcmp(k, "layernorm"))
			rc = arg_bool(k, v, &c->layernorm, e);
		else if (!strcmp(k, "residual"))
			rc = arg_bool(k, v, &c->residual, e);
		else if (!strcmp(k, "dropout"))
			rc = arg_float(k, v, 0, 0.95, &c->dropout, e);
		else
			return err_set(e, ERR_INVAL, "unknown key '%s' (keys: hidden, in, vocab, embed, layers, out, act, init, "
				       "radius, forget_bias, layernorm, residual, dropout)", k);
		if (rc)
			return rc;
	}
	if (!has_hidden)
		return err_set(e, ERR_INVAL, "hidden=N is required (e.g. model %s hidden=64)", cell_names[c->cell]);
	if (has_in && (has_vocab || has_embed))
		return err_set(e, ERR_INVAL, "give in= (float input) or vocab= and embed= (token input), not both");
	if (!has_in && !has_vocab) {
		if (di && di->vocab)
			c->vocab = di->vocab;
		else if (di)
			c->in = di->in;
		else if (has_embed)
			return err_set(e, ERR_INVAL, "embed= needs vocab= when no dataset is selected");
		else
			return err_set(e, ERR_INVAL, "in=N is needed when no dataset is selected (or select one first: data list)");
	}
	if (c->vocab && !has_embed)
		c->embed = 32;
	if (!has_out)
		c->out = di ? di->out : 0;
	return model_config_check(c, e);
}


typedef struct ProbeIn {
	Batch b;
	float *x, *y, *h0, *c0;
	int32_t *tok;
	LossKind loss;
} ProbeIn;

static void probe_in_free(ProbeIn *p)
{
	free(p->x);
	free(p->y);
	free(p->h0);
	free(p->c0);
	free(p->tok);
}

static int shape_is(const NpyArray *a, int ndim, long d0, long d1, long d2)
{
	long d[3] = { d0, d1, d2 };
	if (a->ndim != ndim)
		return 0;
	for (int i = 0; i < ndim; i++)
		if (a->shape[i] != d[i])
			return 0;
	return 1;
}

static int get_f32(const NpyArray *a, float **out, Err *e)
{
	*out = malloc((a->count ? a->count : 1) * sizeof **out);
	if (!*out)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (npy_is_float(a))
		return npy_to_f32(a, *out, e);
	int64_t *t = malloc((a->count ? a->count : 1) * sizeof *t);
	if (!t)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = npy_to_i64(a, t, e);
	for (size_t i = 0; i < a->count && !rc; i++)
		(*out)[i] = (float)t[i];
	free(t);
	return rc;
}

static int probe_read(const Model *m, const ProbeLoss *pl, const Npz *z, const char *path, ProbeIn *p, Err *e)
{
	const ModelConfig *c = &m->cfg;
	const int L = c->layers, H = c->hidden, O = c->out ? c->out : H;
	const NpyArray *x = npz_find(z, "x"), *y = npz_find(z, "y");
	const NpyArray *h0 = npz_find(z, "h0"), *c0 = npz_find(z, "c0");
	char sh[64];
	if (!x)
		return err_set(e, ERR_FORMAT, "%s has no 'x'", path);
	if (!y)
		return err_set(e, ERR_FORMAT, "%s has no 'y' (the target)", path);
	long T, B;
	int rc;
	if (c->vocab) {
		if (!npy_is_int(x) || x->ndim != 2)
			return err_set(e, ERR_FORMAT, "%s: x must be int32/int64 token ids [T, B] for this token model, got %s %s",
				       path, npy_dtype_names[x->dtype], npy_format_shape(x->ndim, x->shape, sh, sizeof sh));
		T = x->shape[0];
		B = x->shape[1];
		int64_t *ids = malloc((x->count ? x->count : 1) * sizeof *ids);
		p->tok = malloc((x->count ? x->count : 1) * sizeof *p->tok);
		if (!ids || !p->tok) {
			free(ids);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		rc = npy_to_i64(x, ids, e);
		for (size_t i = 0; i < x->count && !rc; i++) {
			if (ids[i] < 0 || ids[i] >= c->vocab)
				rc = err_set(e, ERR_FORMAT, "%s: token id %lld at position %zu is outside [0, %d)", path,
					     (long long)ids[i], i, c->vocab);
			p->tok[i] = (int32_t)ids[i];
		}
		free(ids);
		if (rc)
			return rc;
		p->b.tok = p->tok;
	} else {
		if (!npy_is_float(x) || x->ndim != 3 || x->shape[2] != c->in)
			return err_set(e, ERR_FORMAT, "%s: x must be float [T, B, %d], got %s %s", path, c->in,
				       npy_dtype_names[x->dtype], npy_format_shape(x->ndim, x->shape, sh, sizeof sh));
		T = x->shape[0];
		B = x->shape[1];
		if ((rc = get_f32(x, &p->x, e)))
			return rc;
		p->b.x = p->x;
	}
	if (T < 1 || B < 1 || T > 1000000 || B > 1000000)
		return err_set(e, ERR_FORMAT, "%s: x has T=%ld, B=%ld (each must be at least 1)", path, T, B);
	p->b.T = (int)T;
	p->b.B = (int)B;
	/* The loss: `set loss` if given, else integer targets mean ce, else the
	 * dataset's float loss, else mse. */
	if (pl->explicit_)
		p->loss = pl->loss;
	else if (npy_is_int(y))
		p->loss = LOSS_CE;
	else if (pl->di && pl->di->loss != LOSS_CE)
		p->loss = pl->di->loss;
	else
		p->loss = LOSS_MSE;
	if (p->loss == LOSS_CE) {
		if (shape_is(y, 2, T, B, 0))
			p->b.y_per_step = 1;
		else if (!shape_is(y, 1, B, 0, 0))
			return err_set(e, ERR_FORMAT, "%s: for ce, y must be class ids [T, B] = [%ld, %ld] or [B] = [%ld], got %s",
				       path, T, B, B, npy_format_shape(y->ndim, y->shape, sh, sizeof sh));
	} else {
		if (shape_is(y, 3, T, B, O))
			p->b.y_per_step = 1;
		else if (!shape_is(y, 2, B, O, 0))
			return err_set(e, ERR_FORMAT, "%s: for %s, y must be [T, B, O] = [%ld, %ld, %d] or [B, O] = [%ld, %d], got %s",
				       path, loss_names[p->loss], T, B, O, B, O, npy_format_shape(y->ndim, y->shape, sh, sizeof sh));
	}
	if ((rc = get_f32(y, &p->y, e)))
		return rc;
	p->b.y = p->y;
	if (h0) {
		if (!npy_is_float(h0) || !shape_is(h0, 3, L, B, H))
			return err_set(e, ERR_FORMAT, "%s: h0 must be float [L, B, H] = [%d, %ld, %d], got %s", path, L, B, H,
				       npy_format_shape(h0->ndim, h0->shape, sh, sizeof sh));
		if ((rc = get_f32(h0, &p->h0, e)))
			return rc;
		p->b.h0 = p->h0;
	}
	if (c0) {
		if (c->cell != CELL_LSTM)
			return err_set(e, ERR_FORMAT, "%s: c0 is given but the model is %s (c0 is for lstm)", path, cell_names[c->cell]);
		if (!npy_is_float(c0) || !shape_is(c0, 3, L, B, H))
			return err_set(e, ERR_FORMAT, "%s: c0 must be float [L, B, H] = [%d, %ld, %d], got %s", path, L, B, H,
				       npy_format_shape(c0->ndim, c0->shape, sh, sizeof sh));
		if ((rc = get_f32(c0, &p->c0, e)))
			return rc;
		p->b.c0 = p->c0;
	}
	if (c0 && !h0) {	/* c0 without h0: h0 = 0 */
		p->h0 = calloc((size_t)L * B * H, sizeof(float));
		if (!p->h0)
			return err_set(e, ERR_NOMEM, "out of memory");
		p->b.h0 = p->h0;
	}
	return net_check_batch(m, &p->b, p->loss, e);
}



static int cells_eval_batch(Learner *l, const Dataset *d, const DataBatch *dbp, int b, EvalSums *r, Err *e)
{
	CellsLearner *c = (CellsLearner *)l;
	const DataBatch db = *dbp;
	const DataInfo *di = data_info(d);
	const int O = di->out;
	const int cls = di->kind == DATA_CLASSIFY || di->kind == DATA_LM;
	double loss;
	int rc = train_eval(&c->t, &db.b, &loss, e);
	if (rc)
		return rc;
	r->loss_sum += loss * b;
	r->weight += b;
	r->examples += b;
	const Trace *tr = c->t.etr;
	const int T = db.b.T;
	for (int t = db.b.y_per_step ? 0 : T - 1; t < T; t++)
		for (int j = 0; j < b; j++) {
			const float *o = tr->output + ((size_t)t * b + j) * O;
			const float *y = db.b.y_per_step ? db.b.y + ((size_t)t * b + j) * (cls ? 1 : O)
							 : db.b.y + (size_t)j * (cls ? 1 : O);
			if (cls) {
				r->correct += vec_argmax(o, O) == (int)y[0];
				r->scored++;
			} else if (di->kind == DATA_BINARY) {
				for (int k = 0; k < O; k++) {
					r->correct += (o[k] > 0) == (y[k] > 0.5f);
					r->scored++;
				}
			}
		}
	return 0;
}

static int cells_predict(Learner *l, const Dataset *d, const DataBatch *dbp, int n, const Out *out, Err *e)
{
	CellsLearner *c = (CellsLearner *)l;
	const DataBatch db = *dbp;
	const DataInfo *di = data_info(d);
	double loss;
	int rc = train_eval(&c->t, &db.b, &loss, e);
	if (rc)
		return rc;
	const Trace *tr = c->t.etr;
	const int T = db.b.T, O = di->out;
	const int cls = di->kind == DATA_CLASSIFY || di->kind == DATA_LM;
	for (int j = 0; j < n; j++) {
		char line[1200];
		size_t len = 0;
		if (!db.b.y_per_step) {
			const float *o = tr->output + ((size_t)(T - 1) * n + j) * O;
			const float *y = db.b.y + (size_t)j * (cls ? 1 : O);
			if (cls) {
				int k = vec_argmax(o, O);
				double mx = o[k], z = 0;
				for (int q = 0; q < O; q++)
					z += exp(o[q] - mx);
				len += (size_t)snprintf(line, sizeof line, "  #%d  target %d  predicted %d (p=%.2f)%s", j, (int)y[0], k,
							1.0 / z, k == (int)y[0] ? "" : "  <- wrong");
			} else {
				len += (size_t)snprintf(line, sizeof line, "  #%d  target", j);
				for (int k = 0; k < O && len < sizeof line; k++)
					len += (size_t)snprintf(line + len, sizeof line - len, " %.4g", data_denorm(d, y[k]));
				len += (size_t)snprintf(line + len, sizeof line - len, "  predicted");
				for (int k = 0; k < O && len < sizeof line; k++)
					len += (size_t)snprintf(line + len, sizeof line - len, " %.4g",
								data_denorm(d, di->kind == DATA_BINARY ? (o[k] > 0) : o[k]));
			}
		} else if (cls) {
			/* per-step classes: the target and predicted symbol strings */
			char ts[512], ps[512];
			size_t tl = 0, pl = 0;
			int right = 0;
			for (int t = 0; t < T && tl < sizeof ts - 8 && pl < sizeof ps - 8; t++) {
				const float *o = tr->output + ((size_t)t * n + j) * O;
				int y = (int)db.b.y[(size_t)t * n + j], k = vec_argmax(o, O);
				right += y == k;
				if (di->kind == DATA_LM) {
					tl += (size_t)snprintf(ts + tl, sizeof ts - tl, "%s", data_token_text(d, 1, y));
					pl += (size_t)snprintf(ps + pl, sizeof ps - pl, "%s", data_token_text(d, 1, k));
				} else {
					tl += (size_t)snprintf(ts + tl, sizeof ts - tl, "%d ", y);
					pl += (size_t)snprintf(ps + pl, sizeof ps - pl, "%d ", k);
				}
			}
			len += (size_t)snprintf(line, sizeof line, "  #%d  %d of %d steps right\n    target:    %s\n    predicted: %s",
						j, right, T, ts, ps);
		} else {
			const float *o = tr->output + ((size_t)(T - 1) * n + j) * O;
			const float *y = db.b.y + ((size_t)(T - 1) * n + j) * O;
			len += (size_t)snprintf(line, sizeof line, "  #%d  last step: target %.4g  predicted %.4g", j, y[0], o[0]);
		}
		out_printf(out, "%s", line);
	}
	return 0;
}



static void cells_free(Learner *l)
{
	CellsLearner *c = (CellsLearner *)l;
	trainer_done(&c->t);
	model_free(c->m);
	free(c);
}

static int cells_fit(const Learner *l, const Dataset *d, LossKind loss, int loss_explicit, Err *e)
{
	const CellsLearner *cl = (const CellsLearner *)l;
	const DataInfo *di = data_info(d);
	const ModelConfig *c = &cl->m->cfg;
	(void)loss_explicit;
	if (di->kind == DATA_SEQ2SEQ)
		return err_set(e, ERR_STATE, "%s is a seq2seq task: it needs a seq2seq model", data_name(d));
	if (di->vocab && !c->vocab)
		return err_set(e, ERR_STATE, "%s is token input (vocab %d): the model needs vocab= and embed=, it has in=%d",
			       data_name(d), di->vocab, c->in);
	if (di->vocab && c->vocab < di->vocab)
		return err_set(e, ERR_STATE, "the model's vocab=%d is smaller than %s's %d", c->vocab, data_name(d), di->vocab);
	if (!di->vocab && c->vocab)
		return err_set(e, ERR_STATE, "%s has %d float features per step, the model reads tokens (vocab=%d)",
			       data_name(d), di->in, c->vocab);
	if (!di->vocab && c->in != di->in)
		return err_set(e, ERR_STATE, "the model takes in=%d, %s has %d features per step", c->in, data_name(d), di->in);
	int o = c->out ? c->out : c->hidden;
	if (o != di->out)
		return err_set(e, ERR_STATE, "the model outputs %d values (out=%d), %s needs %d", o, c->out, data_name(d), di->out);
	if ((loss == LOSS_CE) != (di->kind == DATA_CLASSIFY || di->kind == DATA_LM))
		return err_set(e, ERR_STATE, "loss %s does not fit %s's %s targets (its loss is %s)", loss_names[loss],
			       data_name(d), data_kind_names[di->kind], loss_names[di->loss]);
	return 0;
}

static int cells_configure(Learner *l, const TrainConfig *tc, Err *e)
{
	return trainer_configure(&((CellsLearner *)l)->t, tc, e);
}

static int cells_train_step(Learner *l, const Dataset *d, const DataBatch *db, StepStats *st, Err *e)
{
	(void)d;
	l->acc = NAN;
	return train_step(&((CellsLearner *)l)->t, &db->b, st, e);
}

static void cells_eval_report(const Learner *l, const EvalSums *r, LossKind loss, const Out *o)
{
	char acc[80] = "";
	(void)l;
	if (r->scored)
		snprintf(acc, sizeof acc, ", accuracy %.4f (%ld of %ld)", (double)r->correct / r->scored, r->correct, r->scored);
	out_printf(o, "eval: validation %s %.5f over %ld examples%s", loss_names[loss], eval_loss(r), r->examples, acc);
}

static int cells_probe(Learner *l, const Npz *z, const char *in, const ProbeLoss *pl, const char *out, const Out *o,
		       Err *e)
{
	CellsLearner *c = (CellsLearner *)l;
	Model *m = c->m;
	ProbeIn p;
	memset(&p, 0, sizeof p);
	Trace *tr = NULL;
	int rc = probe_read(m, pl, z, in, &p, e);
	if (rc)
		goto out;
	if (!(tr = trace_new(m, p.b.T, p.b.B, e))) {
		rc = ERR_NOMEM;
		goto out;
	}
	/* The trainer's gradient block is scratch between steps: a probe
	 * leaves the weights and the optimizer state alone. */
	model_zero_grad(m);
	if ((rc = net_forward(m, tr, &p.b, p.loss, 0, 0, NULL, e)))
		goto out;
	net_backward(m, tr, &p.b);
	const ModelConfig *mc = &m->cfg;
	ProbeFile pf = { .output = tr->output, .T = tr->T, .B = tr->B, .O = mc->out ? mc->out : mc->hidden,
			 .H = mc->hidden, .layers = tr->lt, .L = mc->layers, .has_c = mc->cell == CELL_LSTM,
			 .loss = tr->loss, .dh = tr->lt[mc->layers - 1].dh, .pb = &l->pb };
	if ((rc = probe_file_write(&pf, out, e)))
		goto out;
	out_printf(o, "probe: T=%d B=%d loss (%s) %.6g -> %s", p.b.T, p.b.B, loss_names[p.loss], tr->loss, out);
out:
	trace_free(tr);
	probe_in_free(&p);
	return rc;
}

static int cells_gradcheck(Learner *l, const Dataset *d, const DataBatch *db, int n, LossKind loss,
			   const GradcheckOpts *go, GradcheckStat *stats, const Out *o, Err *e)
{
	Model *m = ((CellsLearner *)l)->m;
	(void)d;
	Trace *tr = trace_new(m, db->b.T, n, e);
	if (!tr)
		return ERR_NOMEM;
	int rc = gradcheck_run(m, tr, &db->b, loss, go, stats, e);
	if (!rc)
		out_printf(o, "gradcheck: %d sequences of %d steps, eps 1e-3, central differences in float32", n, db->b.T);
	model_zero_grad(m);
	trace_free(tr);
	return rc;
}

static void cells_show(const Learner *l, const TrainConfig *tc, const Out *o)
{
	const Model *m = ((const CellsLearner *)l)->m;
	const ModelConfig *c = &m->cfg;
	(void)tc;
	out_printf(o, "  gates per layer: %d (%s); %s", m->gates,
		   c->cell == CELL_LSTM ? "i, f, g, o" : c->cell == CELL_GRU ? "r, z, n" : "one pre-activation",
		   c->out ? "a dense head at every step" : "no head: the output is the top layer's h");
}

static int cells_outputs(Learner *l, const DataBatch *db, const float **out, int *O, Err *e)
{
	Trainer *t = &((CellsLearner *)l)->t;
	const ModelConfig *c = &t->m->cfg;
	Batch b = db->b;
	b.y = NULL;	/* the outputs only */
	b.zt = NULL;
	int rc = net_check_batch(t->m, &b, t->cfg.loss, e);
	if (rc || (rc = trace_reserve(&t->etr, t->m, b.T, b.B, e)) || (rc = net_forward(t->m, t->etr, &b, t->cfg.loss, 0, 0, NULL, e)))
		return rc;
	*out = t->etr->output;
	*O = c->out ? c->out : c->hidden;
	return 0;
}

static void cells_forget(Learner *l)
{
	((CellsLearner *)l)->t.probe.T = 0;
}

static int cells_record(Learner *l, const Dataset *d, const DataBatch *db, LossKind loss, Err *e)
{
	(void)d;
	CellsLearner *c = (CellsLearner *)l;
	Trainer *t = &c->t;
	int rc = trace_reserve(&t->tr, c->m, db->b.T, db->b.B, e);
	model_zero_grad(c->m);
	if (!rc)
		rc = net_forward(c->m, t->tr, &db->b, loss, 0, 0, NULL, e);
	if (!rc) {
		net_backward(c->m, t->tr, &db->b);
		trainer_note_trace(t);
		rc = probe_update(&t->probe, c->m, t->tr, e);
	}
	model_zero_grad(c->m);
	return rc;
}

static const LearnerOps cells_ops = {
	.caps = CAP_TIMESTEPS | CAP_PROBES | CAP_DISTILL,
	.free = cells_free,
	.fit = cells_fit,
	.configure = cells_configure,
	.train_step = cells_train_step,
	.eval_batch = cells_eval_batch,
	.eval_report = cells_eval_report,
	.predict = cells_predict,
	.probe = cells_probe,
	.gradcheck = cells_gradcheck,
	.show = cells_show,
	.forget = cells_forget,
	.record = cells_record,
	.outputs = cells_outputs,
};

int learner_cells_build(int argc, const Word *argv, const DataInfo *di, const TrainConfig *tc, uint64_t seed,
			uint64_t tseed, Learner **out, Err *e)
{
	ModelConfig cfg;
	int rc = model_parse(argc, argv, di, &cfg, e);
	if (rc)
		return rc;
	CellsLearner *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "out of memory");
	Rng init;
	rng_seed(&init, seed);
	if (!(c->m = model_new(&cfg, &init, e))) {
		free(c);
		return ERR_NOMEM;
	}
	if ((rc = trainer_init(&c->t, c->m, tc, tseed, e))) {
		model_free(c->m);
		free(c);
		return rc;
	}
	Model *m = c->m;
	c->l.ops = &cells_ops;
	c->l.kind = cell_names[cfg.cell];
	c->l.acc = NAN;
	c->l.pb = (ParamBlock){ m->nparam, m->params, m->grads, m->ntensors, m->tensors, &c->t.opt, &c->t.step, &c->t.rng };
	c->l.hold = &c->t.hold;
	c->l.cells = (Cells){ m, &c->t };
	c->l.stacks[0] = (LearnerStack){ NULL, NULL, m, c->l.cells };
	c->l.nstacks = 1;
	model_describe(&cfg, c->l.line, sizeof c->l.line);
	snprintf(c->l.brief, sizeof c->l.brief, "%s %dx%d", cell_names[cfg.cell], cfg.hidden, cfg.layers);
	*out = &c->l;
	return 0;
}
