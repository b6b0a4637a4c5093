/* cmd_model.c — model, model show, import, export, probe, gradcheck. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "cmd_s2s.h"
#include "fileutil.h"
#include "gradcheck.h"
#include "npz.h"

/* The canonical command that builds this configuration. */
void model_describe(const ModelConfig *c, char *buf, size_t cap)
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

static void model_show(Session *s)
{
	const Model *m = s->model;
	const ModelConfig *c = &m->cfg;
	tensor_table(s, m->tensors, m->ntensors);
	size_t opt = s->trainer.opt.m ? m->nparam : 0;
	opt += s->trainer.opt.v ? m->nparam : 0;
	session_printf(s, "  %zu parameters (%.1f KiB); with gradients and %s state %.1f KiB", m->nparam,
		       m->nparam * 4.0 / 1024, optim_names[s->trainer.opt.cfg.kind],
		       (2.0 * m->nparam + (double)opt) * 4.0 / 1024);
	session_printf(s, "  gates per layer: %d (%s); %s", m->gates,
		       c->cell == CELL_LSTM ? "i, f, g, o" : c->cell == CELL_GRU ? "r, z, n" : "one pre-activation",
		       c->out ? "a dense head at every step" : "no head: the output is the top layer's h");
}

/* Parse `KIND key=value...` (argv[0] is the kind) into c, with defaults
 * from the dataset di (may be NULL). */
int model_parse(int argc, const Word *argv, const DataInfo *di, ModelConfig *c, Err *e)
{
	model_config_default(c);
	int cell, rc;
	static const char *const kinds[] = { "rnn", "lstm", "gru", "seq2seq" };
	if (argv[0].key)
		return err_set(e, ERR_INVAL, "the model kind comes first (choices: rnn, lstm, gru, seq2seq; or show)");
	if (!strcmp(argv[0].text, "seq2seq"))
		return err_set(e, ERR_INVAL, "seq2seq models are not built yet (choices now: rnn, lstm, gru)");
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

int cmd_model(Session *s, int argc, const Word *argv, Err *e)
{
	if (!argv[1].key && !strcmp(argv[1].text, "show")) {
		if (argc > 2)
			return err_set(e, ERR_INVAL, "model show takes no arguments");
		if (s->s2s) {
			s2s_cmd_show(s);
			return 0;
		}
		if (!s->model)
			return err_set(e, ERR_STATE, "no model yet (try: model lstm hidden=64)");
		model_show(s);
		return 0;
	}
	if (!argv[1].key && !strcmp(argv[1].text, "seq2seq"))
		return s2s_cmd_model(s, argc, argv, e);
	ModelConfig c;
	int rc = model_parse(argc - 1, argv + 1, s->data ? data_info(s->data) : NULL, &c, e);
	if (rc)
		return rc;
	Rng r = s->rng;
	uint64_t seed = rng_next(&r), tseed = rng_next(&r);
	Rng init;
	rng_seed(&init, seed);
	Model *m = model_new(&c, &init, e);
	if (!m)
		return ERR_NOMEM;
	Trainer t;
	TrainConfig tc = s->tcfg;
	tc.loss = session_loss(s);
	if ((rc = trainer_init(&t, m, &tc, tseed, e))) {
		model_free(m);
		return rc;
	}
	session_end_model(s);
	s->model = m;
	s->trainer = t;
	session_start_run(s, &r, seed);
	model_describe(&c, s->model_line, sizeof s->model_line);
	session_printf(s, "%s: %zu parameters", s->model_line + 6, m->nparam);
	return 0;
}

int cmd_export(Session *s, int argc, const Word *argv, Err *e)
{
	const char *path = argv[1].text;
	ParamBlock pb;
	session_params(s, &pb);	/* plain or seq2seq */
	const ParamBlock *m = &pb;
	int force, rc = arg_force(argc, argv, 2, "export FILE.npz [force]", &force, e);
	if (rc || (rc = file_may_write(path, FILE_NPZ, force, e)))
		return rc;
	NpzWriter *w;
	if ((rc = npz_writer_open(&w, path, NPZ_STORED, e)))
		return rc;
	for (int i = 0; i < m->ntensors; i++) {
		const ParamInfo *p = &m->tensors[i];
		long shape[2] = { p->shape[0], p->shape[1] };
		if ((rc = npz_writer_add(w, p->name, NPY_F32, p->ndim, shape, m->params + p->offset, e))) {
			npz_writer_abort(w);
			return rc;
		}
	}
	if ((rc = npz_writer_close(w, e)))
		return rc;
	session_printf(s, "exported %d tensors (%zu parameters) to %s", m->ntensors, m->nparam, path);
	return 0;
}

/* Check a tensor in z against p: present, float, same shape. */
static int check_tensor(const Npz *z, const char *path, const ParamInfo *p, const NpyArray **out, Err *e)
{
	const NpyArray *a = npz_find(z, p->name);
	if (!a)
		return err_set(e, ERR_FORMAT, "%s has no '%s' (model show lists the tensors this model needs)", path,
			       p->name);
	if (!npy_is_float(a))
		return err_set(e, ERR_FORMAT, "%s: '%s' is %s, not float32 or float64", path, p->name,
			       npy_dtype_names[a->dtype]);
	int ok = a->ndim == p->ndim && a->shape[0] == p->shape[0] && (p->ndim == 1 || a->shape[1] == p->shape[1]);
	if (!ok) {
		char got[64];
		npy_format_shape(a->ndim, a->shape, got, sizeof got);
		if (p->ndim == 2)
			return err_set(e, ERR_FORMAT, "%s: '%s' has shape %s, the model needs [%d, %d]", path, p->name, got,
				       p->shape[0], p->shape[1]);
		return err_set(e, ERR_FORMAT, "%s: '%s' has shape %s, the model needs [%d]", path, p->name, got, p->shape[0]);
	}
	*out = a;
	return 0;
}

int cmd_import(Session *s, int argc, const Word *argv, Err *e)
{
	const char *path = argv[1].text;
	ParamBlock pb;
	session_params(s, &pb);	/* plain or seq2seq */
	const ParamBlock *m = &pb;
	Npz z;
	int rc = npz_read(&z, path, e);
	if (rc)
		return rc;
	/* Every array named like a parameter must be one of this model's; other
	 * arrays (x, y, grad.* of a probe file) are not weights and are skipped. */
	static const char *const prefixes[] = { "rnn.", "head.", "embed.", "encoder.", "decoder.", "attn.",
						"attn_score.", "src_embed.", "tgt_embed." };
	int skipped = 0;
	for (int i = 0; i < z.n; i++) {
		const char *nm = z.arrays[i].name;
		int param_like = 0;
		for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
			param_like |= strncmp(nm, prefixes[k], strlen(prefixes[k])) == 0;
		if (!param_like) {
			skipped++;
			continue;
		}
		if (!param_find(m, nm)) {
			rc = err_set(e, ERR_FORMAT, "%s: '%s' is not a tensor of this model (%s; model show lists them)", path,
				     nm, s->model_line);
			goto out;
		}
	}
	float *tmp = malloc(m->nparam * sizeof *tmp);
	if (!tmp) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < m->ntensors && !rc; i++) {
		const NpyArray *a = NULL;
		if (!(rc = check_tensor(&z, path, &m->tensors[i], &a, e)))
			rc = npy_to_f32(a, tmp + m->tensors[i].offset, e);
	}
	for (size_t i = 0; i < m->nparam && !rc; i++)
		if (!isfinite(tmp[i]))
			rc = err_set(e, ERR_FORMAT, "%s: holds a non-finite weight (nan or inf)", path);
	if (!rc) {
		memcpy(m->params, tmp, m->nparam * sizeof *tmp);
		optim_reset(m->opt);
		session_printf(s, "imported %d tensors from %s (optimizer state reset)%s", m->ntensors, path,
			       skipped ? "; arrays that are not parameters were skipped" : "");
	}
	free(tmp);
out:
	npz_free(&z);
	return rc;
}

/* ---- probe ---- */

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

static int probe_read(Session *s, const Npz *z, const char *path, ProbeIn *p, Err *e)
{
	const Model *m = s->model;
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
	if (s->set.loss_explicit)
		p->loss = s->tcfg.loss;
	else if (npy_is_int(y))
		p->loss = LOSS_CE;
	else if (s->data && data_info(s->data)->loss != LOSS_CE)
		p->loss = data_info(s->data)->loss;
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

static int probe_write(Session *s, const char *path, const Trace *tr, const ProbeIn *p, Err *e)
{
	const Model *m = s->model;
	const ModelConfig *c = &m->cfg;
	const long T = tr->T, B = tr->B, H = c->hidden, L = c->layers, O = c->out ? c->out : H;
	NpzWriter *w;
	int rc = npz_writer_open(&w, path, NPZ_STORED, e);
	if (rc)
		return rc;
	float *st = malloc((size_t)(L * B * H) * sizeof *st);
	if (!st) {
		npz_writer_abort(w);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	long s3[3] = { T, B, O };
	rc = npz_writer_add(w, "output", NPY_F32, 3, s3, tr->output, e);
	long sl[3] = { L, B, H };
	for (int k = 0; k < L; k++)
		memcpy(st + (size_t)k * B * H, tr->lt[k].h + (size_t)T * B * H, (size_t)(B * H) * sizeof *st);
	if (!rc)
		rc = npz_writer_add(w, "h_n", NPY_F32, 3, sl, st, e);
	if (!rc && c->cell == CELL_LSTM) {
		for (int k = 0; k < L; k++)
			memcpy(st + (size_t)k * B * H, tr->lt[k].c + (size_t)T * B * H, (size_t)(B * H) * sizeof *st);
		rc = npz_writer_add(w, "c_n", NPY_F32, 3, sl, st, e);
	}
	float loss = (float)tr->loss;
	if (!rc)
		rc = npz_writer_add(w, "loss", NPY_F32, 0, NULL, &loss, e);
	long sh[3] = { T, B, H };
	if (!rc)
		rc = npz_writer_add(w, "dh", NPY_F32, 3, sh, tr->lt[L - 1].dh, e);
	for (int i = 0; i < m->ntensors && !rc; i++) {
		const ParamInfo *pi = &m->tensors[i];
		char name[64];
		long shape[2] = { pi->shape[0], pi->shape[1] };
		snprintf(name, sizeof name, "grad.%s", pi->name);
		rc = npz_writer_add(w, name, NPY_F32, pi->ndim, shape, m->grads + pi->offset, e);
	}
	free(st);
	(void)p;
	if (rc) {
		npz_writer_abort(w);
		return rc;
	}
	return npz_writer_close(w, e);
}

int cmd_probe(Session *s, int argc, const Word *argv, Err *e)
{
	if (s->s2s)
		return s2s_cmd_probe(s, argc, argv, e);
	const char *in = argv[1].text, *out = argv[2].text;
	Npz z;
	int force, rc = arg_force(argc, argv, 3, "probe IN.npz OUT.npz [force]", &force, e);
	if (rc || (rc = file_may_write(out, FILE_NPZ, force, e)) || (rc = npz_read(&z, in, e)))
		return rc;
	ProbeIn p;
	memset(&p, 0, sizeof p);
	Trace *tr = NULL;
	Model *m = s->model;
	if ((rc = probe_read(s, &z, in, &p, e)))
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
	if ((rc = probe_write(s, out, tr, &p, e)))
		goto out;
	session_printf(s, "probe: T=%d B=%d loss (%s) %.6g -> %s", p.b.T, p.b.B, loss_names[p.loss], tr->loss, out);
out:
	trace_free(tr);
	probe_in_free(&p);
	npz_free(&z);
	return rc;
}

void tensor_table(Session *s, const ParamInfo *tensors, int n)
{
	session_printf(s, "%s", s->model_line);
	session_printf(s, "  %-22s %-14s %10s", "tensor", "shape", "parameters");
	for (int i = 0; i < n; i++) {
		const ParamInfo *p = &tensors[i];
		char shape[40];
		if (p->ndim == 2)
			snprintf(shape, sizeof shape, "[%d, %d]", p->shape[0], p->shape[1]);
		else
			snprintf(shape, sizeof shape, "[%d]", p->shape[0]);
		session_printf(s, "  %-22s %-14s %10zu", p->name, shape, p->size);
	}
}

void gradcheck_report(Session *s, const ParamInfo *tensors, int n, const GradcheckStat *st)
{
	session_printf(s, "  %-22s %8s %12s %12s", "tensor", "checked", "max abs err", "max rel err");
	int bad = 0;
	for (int i = 0; i < n; i++) {
		session_printf(s, "  %-22s %8zu %12.2e %12.2e", tensors[i].name, st[i].checked, st[i].max_abs, st[i].max_rel);
		bad += st[i].max_excess > 1e-4;
	}
	if (bad)
		session_printf(s, "  %d tensor(s) beyond 1e-4 + %g x |gradient|: look closer", bad, GRADCHECK_RTOL);
	else
		session_printf(s, "  all within 1e-4 + %g x |gradient|: backprop agrees with finite differences", GRADCHECK_RTOL);
}

int cmd_gradcheck(Session *s, int argc, const Word *argv, Err *e)
{
	if (s->s2s)
		return s2s_cmd_gradcheck(s, argc, argv, e);
	int per = 20, rc;
	if (argc > 1 && (rc = arg_int("N", argv[1].text, 1, 1 << 30, &per, e)))
		return rc;
	Err fit;
	if (session_prepare(s, &fit))	/* the same checks as train */
		return err_set(e, ERR_STATE, "%s", fit.msg);
	Model *m = s->model;
	long nt = data_info(s->data)->n_train;
	int B = s->set.batch < 4 ? s->set.batch : 4;
	if (B > nt)
		B = (int)nt;
	DataBatch db;
	if ((rc = data_batch_init(&db, s->data, B, e)))
		return rc;
	long idx[4] = { 0, 1, 2, 3 };
	data_fill(s->data, SPLIT_TRAIN, idx, B, &db);
	Trace *tr = trace_new(m, db.b.T, B, e);
	GradcheckStat *st = calloc((size_t)m->ntensors, sizeof *st);
	if (!tr || !st) {
		data_batch_done(&db);
		trace_free(tr);
		free(st);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	GradcheckOpts o = { .eps = 1e-3, .per_tensor = (size_t)per };
	rc = gradcheck_run(m, tr, &db.b, session_loss(s), &o, st, e);
	if (!rc) {
		session_printf(s, "gradcheck: %d sequences of %d steps, eps 1e-3, central differences in float32",
			       B, db.b.T);
		gradcheck_report(s, m->tensors, m->ntensors, st);
	}
	model_zero_grad(m);
	free(st);
	trace_free(tr);
	data_batch_done(&db);
	return rc;
}
