/* cmd_train.c — data, train, eval, predict, generate, grads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "cmd_s2s.h"

static void emit_line(void *ctx, const char *line)
{
	session_printf(ctx, "%s", line);
}

static int data_select(Session *s, int argc, const Word *argv, Err *e)
{
	const char *name = argv[1].text;
	const DataSpec *spec = data_spec_find(name);
	if (!spec) {
		char buf[400];
		size_t n = 0;
		for (int i = 0; i < data_spec_count() && n < sizeof buf; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", data_spec_at(i)->name);
		return err_set(e, ERR_INVAL, "unknown dataset '%s' (choices: %s, or list, info, show)", name, buf);
	}
	int first = 2;
	const char *file = NULL;
	if (spec->needs_file) {
		if (argc < 3 || argv[2].key)
			return err_set(e, ERR_INVAL, "%s needs a file: data %s FILE [key=value...]", name, name);
		file = argv[2].text;
		first = 3;
	}
	const char *keys[LEX_MAX_WORDS], *vals[LEX_MAX_WORDS];
	int nkv = 0;
	for (int i = first; i < argc; i++) {
		if (!argv[i].key)
			return err_set(e, ERR_INVAL, "expected key=value, got '%s' (help data lists each dataset's keys)",
				       argv[i].text);
		keys[nkv] = argv[i].key;
		vals[nkv++] = argv[i].value;
	}
	Rng r = s->rng;
	uint64_t seed = rng_next(&r), sseed = rng_next(&r);
	Dataset *d;
	int rc = data_open(&d, name, file, nkv, keys, vals, seed, e);
	if (rc)
		return rc;
	Sampler sm;
	if ((rc = sampler_init(&sm, d, sseed, e))) {
		data_free(d);
		return rc;
	}
	session_train_cancel(s);
	sampler_done(&s->sampler);
	data_batch_done(&s->train_db);
	data_batch_done(&s->val_db);
	data_free(s->data);
	s->data = d;
	s->data_seed = seed;
	s->sampler = sm;
	s->rng = r;
	const DataInfo *di = data_info(d);
	session_printf(s, "data %s: %s, %ld train / %ld validation examples of %d steps; in=%d%s out=%d, loss %s",
		       data_args(d), data_kind_names[di->kind], di->n_train, di->n_val, di->T,
		       di->vocab ? di->vocab : di->in, di->vocab ? " (tokens)" : "", di->out, loss_names[di->loss]);
	return 0;
}

int cmd_data(Session *s, int argc, const Word *argv, Err *e)
{
	const char *sub = argv[1].key ? "" : argv[1].text;
	if (!strcmp(sub, "list")) {
		session_printf(s, "  %-12s %-9s %s", "name", "kind", "what it teaches");
		for (int i = 0; i < data_spec_count(); i++) {
			const DataSpec *d = data_spec_at(i);
			session_printf(s, "  %-12s %-9s %s", d->name, data_kind_names[d->kind], d->summary);
		}
		return 0;
	}
	if (!strcmp(sub, "info") || !strcmp(sub, "show")) {
		if (!s->data)
			return err_set(e, ERR_STATE, "no dataset yet (try: data list, then data NAME)");
		if (!strcmp(sub, "info")) {
			data_describe(s->data, emit_line, s);
			return 0;
		}
		int n = 3, rc;
		if (argc > 3)
			return err_set(e, ERR_INVAL, "too many arguments (usage: data show [N])");
		if (argc == 3 && (rc = arg_int("N", argv[2].text, 1, 100, &n, e)))
			return rc;
		long nt = data_info(s->data)->n_train;
		for (int i = 0; i < n && i < nt; i++)
			if ((rc = data_show(s->data, SPLIT_TRAIN, i, emit_line, s, e)))
				return rc;
		return 0;
	}
	return data_select(s, argc, argv, e);
}

static long epoch_steps(const Session *s)
{
	long n = data_info(s->data)->n_train;
	return (n + s->set.batch - 1) / s->set.batch;
}

int cmd_train(Session *s, int argc, const Word *argv, Err *e)
{
	long n = 0;
	int rc, epochs = 0;
	if (argc > 1 && (rc = arg_long("N", argv[1].text, 1, 100000000, &n, e)))
		return rc;
	if (argc > 2) {
		if (!strcmp(argv[2].text, "epochs") || !strcmp(argv[2].text, "epoch"))
			epochs = 1;
		else if (strcmp(argv[2].text, "steps") && strcmp(argv[2].text, "step"))
			return err_set(e, ERR_INVAL, "unknown unit '%s' (choices: steps, epochs)", argv[2].text);
	}
	if (argc == 1) {
		n = 1;
		epochs = 1;
	}
	long steps = epochs ? n * epoch_steps(s) : n;
	if ((rc = session_train_start(s, steps, e)))
		return rc;
	if (s->host.async_train)
		return 0;
	while ((rc = session_train_slice(s, 0)) > 0)
		;
	return rc < 0 ? err_set(e, rc, "%s", s->job_err.msg) : 0;
}

/* Loss and accuracy over up to max examples of the validation split. */
typedef struct EvalResult {
	double loss;
	long n;			/* examples */
	long correct, scored;	/* classification: argmax == target */
} EvalResult;

static int argmax(const float *v, int n)
{
	int k = 0;
	for (int j = 1; j < n; j++)
		if (v[j] > v[k])
			k = j;
	return k;
}

static int evaluate(Session *s, long max, EvalResult *r, Err *e)
{
	memset(r, 0, sizeof *r);
	const DataInfo *di = data_info(s->data);
	long n = di->n_val < max ? di->n_val : max;
	int rc;
	if (n <= 0)
		return err_set(e, ERR_STATE, "%s has no validation examples", data_name(s->data));
	Err fit;
	if (session_prepare(s, &fit))
		return err_set(e, ERR_STATE, "%s", fit.msg);
	const int B = s->set.batch;
	DataBatch db;
	if ((rc = data_batch_init(&db, s->data, B, e)))
		return rc;
	long idx[B];
	double sum = 0;
	const int O = di->out;
	const int cls = di->kind == DATA_CLASSIFY || di->kind == DATA_LM;
	for (long i = 0; i < n && !rc; i += B) {
		int b = (int)(n - i < B ? n - i : B);
		for (int j = 0; j < b; j++)
			idx[j] = i + j;
		data_fill(s->data, SPLIT_VAL, idx, b, &db);
		double l;
		if ((rc = train_eval(&s->trainer, &db.b, &l, e)))
			break;
		sum += l * b;
		r->n += b;
		const Trace *tr = s->trainer.etr;
		const int T = db.b.T;
		int t0 = db.b.y_per_step ? 0 : T - 1;
		for (int t = t0; t < T; t++)
			for (int j = 0; j < b; j++) {
				const float *o = tr->output + ((size_t)t * b + j) * O;
				const float *y = db.b.y_per_step ? db.b.y + ((size_t)t * b + j) * (cls ? 1 : O)
								 : db.b.y + (size_t)j * (cls ? 1 : O);
				if (cls) {
					r->correct += argmax(o, O) == (int)y[0];
					r->scored++;
				} else if (di->kind == DATA_BINARY) {
					for (int k = 0; k < O; k++) {
						r->correct += (o[k] > 0) == (y[k] > 0.5f);
						r->scored++;
					}
				}
			}
	}
	data_batch_done(&db);
	r->loss = r->n ? sum / (double)r->n : NAN;
	return rc;
}

int session_evaluate(Session *s, long max, double *loss, double *acc, Err *e)
{
	if (!s->data)
		return err_set(e, ERR_STATE, "no dataset yet (try: data list, then data NAME)");
	if (s->s2s) {
		int rc = s2s_session_eval(s, max, e);
		if (rc)
			return rc;
		const S2sEval *v = &s->val_eval;
		*loss = v->scored ? v->loss_sum / (double)v->scored : NAN;
		*acc = v->seqs ? (double)v->seq_correct / (double)v->seqs : NAN;
		return 0;
	}
	if (!s->model)
		return err_set(e, ERR_STATE, "no model yet (try: model lstm hidden=64)");
	EvalResult r;
	int rc = evaluate(s, max, &r, e);
	if (rc)
		return rc;
	*loss = r.loss;
	*acc = r.scored ? (double)r.correct / (double)r.scored : NAN;
	return 0;
}

int session_accuracy(Session *s, double *acc, Err *e)
{
	double loss;
	int rc = session_evaluate(s, 100000, &loss, acc, e);
	if (!rc && isnan(*acc))
		return err_set(e, ERR_STATE, "accuracy needs classification targets (%s is %s)", data_name(s->data),
			       data_kind_names[data_info(s->data)->kind]);
	return rc;
}

int cmd_eval(Session *s, int argc, const Word *argv, Err *e)
{
	if (s->s2s)
		return s2s_cmd_eval(s, argc, argv, e);
	EvalResult r;
	int rc = evaluate(s, 100000, &r, e);
	if (rc)
		return rc;
	char acc[80] = "";
	if (r.scored)
		snprintf(acc, sizeof acc, ", accuracy %.4f (%ld of %ld)", (double)r.correct / r.scored, r.correct, r.scored);
	session_printf(s, "eval: validation %s %.5f over %ld examples%s", loss_names[session_loss(s)], r.loss, r.n, acc);
	return 0;
}

int cmd_predict(Session *s, int argc, const Word *argv, Err *e)
{
	if (s->s2s)
		return s2s_cmd_predict(s, argc, argv, e);
	int n = 5, rc;
	if (argc > 1 && (rc = arg_int("N", argv[1].text, 1, 64, &n, e)))
		return rc;
	DataBatch db;
	if ((rc = session_val_head(s, &n, &db, e)))
		return rc;
	const DataInfo *di = data_info(s->data);
	double l;
	if ((rc = train_eval(&s->trainer, &db.b, &l, e))) {
		data_batch_done(&db);
		return rc;
	}
	const Trace *tr = s->trainer.etr;
	const int T = db.b.T, O = di->out;
	const int cls = di->kind == DATA_CLASSIFY || di->kind == DATA_LM;
	for (int j = 0; j < n; j++) {
		char line[1200];
		size_t len = 0;
		if (!db.b.y_per_step) {
			const float *o = tr->output + ((size_t)(T - 1) * n + j) * O;
			const float *y = db.b.y + (size_t)j * (cls ? 1 : O);
			if (cls) {
				int k = argmax(o, O);
				double mx = o[k], z = 0;
				for (int c = 0; c < O; c++)
					z += exp(o[c] - mx);
				len += (size_t)snprintf(line, sizeof line, "  #%d  target %d  predicted %d (p=%.2f)%s", j, (int)y[0], k,
							1.0 / z, k == (int)y[0] ? "" : "  <- wrong");
			} else {
				len += (size_t)snprintf(line, sizeof line, "  #%d  target", j);
				for (int k = 0; k < O && len < sizeof line; k++)
					len += (size_t)snprintf(line + len, sizeof line - len, " %.4g", data_denorm(s->data, y[k]));
				len += (size_t)snprintf(line + len, sizeof line - len, "  predicted");
				for (int k = 0; k < O && len < sizeof line; k++)
					len += (size_t)snprintf(line + len, sizeof line - len, " %.4g",
								data_denorm(s->data, di->kind == DATA_BINARY ? (o[k] > 0) : o[k]));
			}
		} else if (cls) {
			/* per-step classes: the target and predicted symbol strings */
			char ts[512], ps[512];
			size_t tl = 0, pl = 0;
			int right = 0;
			for (int t = 0; t < T && tl < sizeof ts - 8 && pl < sizeof ps - 8; t++) {
				const float *o = tr->output + ((size_t)t * n + j) * O;
				int y = (int)db.b.y[(size_t)t * n + j], k = argmax(o, O);
				right += y == k;
				if (di->kind == DATA_LM) {
					tl += (size_t)snprintf(ts + tl, sizeof ts - tl, "%s", data_token_text(s->data, 1, y));
					pl += (size_t)snprintf(ps + pl, sizeof ps - pl, "%s", data_token_text(s->data, 1, k));
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
		session_printf(s, "%s", line);
	}
	data_batch_done(&db);
	return 0;
}

/* Sample from softmax(logits / temp); temp 0 = argmax. */
static int sample(const float *logits, int n, float temp, Rng *r)
{
	if (temp <= 0)
		return argmax(logits, n);
	double mx = logits[argmax(logits, n)], z = 0;
	for (int j = 0; j < n; j++)
		z += exp((logits[j] - mx) / temp);
	double u = rng_uniform(r) * z, acc = 0;
	for (int j = 0; j < n; j++) {
		acc += exp((logits[j] - mx) / temp);
		if (u < acc)
			return j;
	}
	return n - 1;
}

int cmd_generate(Session *s, int argc, const Word *argv, Err *e)
{
	const DataInfo *di = data_info(s->data);
	if (di->kind != DATA_LM)
		return err_set(e, ERR_STATE, "%s is not a language model dataset (try: data shakespeare)", data_name(s->data));
	int n = 200, rc;
	float temp = 1.0f;
	const char *prime = "";
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key;
		if (!k)
			rc = arg_int("N", argv[i].text, 1, 100000, &n, e);
		else if (!strcmp(k, "temp"))
			rc = arg_float("temp", argv[i].value, 0, 10, &temp, e);
		else if (!strcmp(k, "prime"))
			prime = argv[i].value, rc = 0;
		else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: temp, prime)", k);
		if (rc)
			return rc;
	}
	Err fit;
	if (session_prepare(s, &fit))
		return err_set(e, ERR_STATE, "%s", fit.msg);
	Model *m = s->model;
	const int L = m->cfg.layers, H = m->cfg.hidden, V = di->out;
	int plen = (int)strlen(prime);
	int32_t *ids = malloc((size_t)(plen + 1) * sizeof *ids);
	float *state = calloc(2 * (size_t)L * H, sizeof *state);
	char *out = malloc((size_t)n * 8 + (size_t)plen + 1);
	Trace *tr = trace_new(m, plen > 0 ? plen : 1, 1, e);
	if (!ids || !state || !out || !tr) {
		rc = tr ? err_set(e, ERR_NOMEM, "out of memory") : ERR_NOMEM;
		goto done;
	}
	int np = 0;
	if (plen && (np = data_encode(s->data, 0, prime, ids, plen + 1, e)) < 0) {
		rc = ERR_INVAL;
		goto done;
	}
	if (np == 0) {	/* no prime: start from a newline, or token 0 */
		int nl = data_encode(s->data, 0, "\n", ids, 1, NULL);
		if (nl != 1)
			ids[0] = 0;
		np = 1;
	}
	Rng r = s->rng;
	size_t ol = 0;
	out[0] = '\0';
	float *h = state, *c = state + (size_t)L * H;
	Batch b = { .T = np, .B = 1, .tok = ids };
	for (int i = 0; i < n; i++) {
		b.h0 = i ? h : NULL;
		b.c0 = i && m->cfg.cell == CELL_LSTM ? c : NULL;
		if ((rc = net_forward(m, tr, &b, LOSS_CE, 0, 0, NULL, e)))
			goto done;
		for (int k = 0; k < L; k++) {
			memcpy(h + (size_t)k * H, tr->lt[k].h + (size_t)b.T * H, (size_t)H * sizeof(float));
			if (m->cfg.cell == CELL_LSTM)
				memcpy(c + (size_t)k * H, tr->lt[k].c + (size_t)b.T * H, (size_t)H * sizeof(float));
		}
		int tok = sample(tr->output + (size_t)(b.T - 1) * V, V, temp, &r);
		const char *txt = data_token_text(s->data, 1, tok);
		size_t tl = strlen(txt);
		memcpy(out + ol, txt, tl);
		ol += tl;
		out[ol] = '\0';
		ids[0] = tok;
		b.T = 1;
	}
	s->rng = r;
	session_printf(s, "-- %d tokens at temp=%g%s%s%s --", n, (double)temp, *prime ? ", prime \"" : "", prime,
		       *prime ? "\"" : "");
	size_t pl = strlen(prime);
	memmove(out + pl, out, ol + 1);	/* the prime, then what the model wrote */
	memcpy(out, prime, pl);
	session_print_text(s, out);
	rc = 0;
done:
	trace_free(tr);
	free(ids);
	free(state);
	free(out);
	return rc;
}

int cmd_grads(Session *s, int argc, const Word *argv, Err *e)
{
	Trainer *t = &s->trainer;
	Probe *p = &t->probe;
	int rc;
	if (p->T == 0) {	/* no step yet: one forward+backward, no update */
		if (!s->data)
			return err_set(e, ERR_STATE, "no training step yet and no dataset to take a batch from");
		Err fit;
		if (session_prepare(s, &fit))
			return err_set(e, ERR_STATE, "%s", fit.msg);
		DataBatch db;
		if ((rc = data_batch_init(&db, s->data, s->set.batch, e)))
			return rc;
		long idx[s->set.batch];
		for (int j = 0; j < s->set.batch; j++)
			idx[j] = j % data_info(s->data)->n_train;
		data_fill(s->data, SPLIT_TRAIN, idx, s->set.batch, &db);
		rc = trace_reserve(&t->tr, s->model, db.b.T, db.b.B, e);
		model_zero_grad(s->model);
		if (!rc)
			rc = net_forward(s->model, t->tr, &db.b, session_loss(s), 0, 0, NULL, e);
		if (!rc) {
			net_backward(s->model, t->tr, &db.b);
			rc = probe_update(p, s->model, t->tr, e);
		}
		model_zero_grad(s->model);
		data_batch_done(&db);
		if (rc)
			return rc;
		session_printf(s, "grads: one forward+backward on a training batch (no update)");
	} else {
		session_printf(s, "grads: from training step %ld", t->step);
	}
	const int L = p->L, T = p->T;
	char line[512];
	size_t len = (size_t)snprintf(line, sizeof line, "  %5s", "t");
	for (int k = 0; k < L && len < sizeof line; k++)
		len += (size_t)snprintf(line + len, sizeof line - len, "  ||dL/dh|| l%-3d sat", k);
	session_printf(s, "%s", line);
	int stride = T > 24 ? (T + 23) / 24 : 1;
	for (int t0 = 0; t0 < T; t0 += stride) {
		int tt = t0 + stride >= T ? T - 1 : t0;
		len = (size_t)snprintf(line, sizeof line, "  %5d", tt + 1);
		for (int k = 0; k < L && len < sizeof line; k++)
			len += (size_t)snprintf(line + len, sizeof line - len, "  %13.3e %4.0f%%",
						p->dh_norm[(size_t)k * p->Tcap + tt], 100.0 * p->sat[(size_t)k * p->Tcap + tt]);
		session_printf(s, "%s", line);
		if (tt == T - 1)
			break;
	}
	for (int k = 0; k < L; k++)
		session_printf(s, "  layer %d: ||dL/dh_1|| / ||dL/dh_%d|| = %.3e", k, T, probe_flow_ratio(p, k, 0, T - 1));
	session_printf(s, "  %-22s %12s", "parameter", "grad norm");
	for (int i = 0; i < p->ntensors; i++)
		session_printf(s, "  %-22s %12.4e", s->model->tensors[i].name, p->grad_norm[i]);
	return 0;
}
