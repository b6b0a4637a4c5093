/* cmd_train.c — train, eval, predict, generate, grads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"

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

int cmd_eval(Session *s, int argc, const Word *argv, Err *e)
{
	double loss, acc;
	EvalSums r;
	int rc = session_evaluate(s, 100000, &loss, &acc, &r, e);
	if (rc)
		return rc;
	const Out o = session_out(s);
	s->lr->ops->eval_report(s->lr, &r, session_loss(s), &o);
	return 0;
}

int cmd_predict(Session *s, int argc, const Word *argv, Err *e)
{
	int n = 5, rc;
	if (argc > 1 && (rc = arg_int("N", argv[1].text, 1, 64, &n, e)))
		return rc;
	DataBatch db;
	if ((rc = session_val_head(s, &n, &db, e)))
		return rc;
	const Out o = session_out(s);
	rc = s->lr->ops->predict(s->lr, s->data, &db, n, &o, e);
	data_batch_done(&db);
	return rc;
}


/* Sample from softmax(logits / temp); temp 0 = argmax. */
static int sample(const float *logits, int n, float temp, Rng *r)
{
	if (temp <= 0)
		return vec_argmax(logits, n);
	double mx = logits[vec_argmax(logits, n)], z = 0;
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
	Model *m = learner_cells(s->lr)->m;
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

/* v in fmt, or "not finite" (never "-nan" or "inf" in a table). */
static const char *num(char *buf, size_t cap, const char *fmt, double v)
{
	if (!isfinite(v))
		snprintf(buf, cap, "not finite");
	else
		snprintf(buf, cap, fmt, v);
	return buf;
}

int cmd_grads(Session *s, int argc, const Word *argv, Err *e)
{
	int rc, part = s->cur.part;
	if (argc > 1) {
		if (!argv[1].key || strcmp(argv[1].key, "part"))
			return err_set(e, ERR_INVAL, "unexpected '%s' (grads [part=enc|dec])", argv[1].text);
		if ((rc = learner_part(s->lr, argv[1].value, &part, e)))
			return rc;
	}
	const Cells *cl = learner_stack_cells(s->lr, part);
	const Model *m = cl->m;
	const Trainer *t = cl->t;
	const Probe *p = &t->probe;
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
		rc = s->lr->ops->record(s->lr, s->data, &db, session_loss(s), e);
		data_batch_done(&db);
		if (rc)
			return rc;
		session_printf(s, "grads: one forward+backward on a training batch (no update)");
	} else {
		session_printf(s, t->trace_step > t->step ? "grads: from training step %ld (not applied)"
							  : "grads: from training step %ld", t->trace_step);
	}
	s->cur.part = part;
	if (s->lr->stacks[part].name)
		session_printf(s, "  the %s's cells (grads part=%s for the %s)", s->lr->stacks[part].name,
			       s->lr->stacks[!part].part, s->lr->stacks[!part].name);
	const int L = p->L, T = p->T;
	char line[512], a[32], b[32];
	size_t len = (size_t)snprintf(line, sizeof line, "  %5s", "t");
	for (int k = 0; k < L && len < sizeof line; k++)
		len += (size_t)snprintf(line + len, sizeof line - len, "  ||dL/dh|| l%-3d sat", k);
	session_printf(s, "%s", line);
	int stride = T > 24 ? (T + 23) / 24 : 1;
	for (int t0 = 0; t0 < T; t0 += stride) {
		int tt = t0 + stride >= T ? T - 1 : t0;
		len = (size_t)snprintf(line, sizeof line, "  %5d", tt + 1);
		for (int k = 0; k < L && len < sizeof line; k++)
			len += (size_t)snprintf(line + len, sizeof line - len, "  %13s %4.0f%%",
						num(a, sizeof a, "%.3e", p->dh_norm[(size_t)k * p->Tcap + tt]),
						100.0 * p->sat[(size_t)k * p->Tcap + tt]);
		session_printf(s, "%s", line);
		if (tt == T - 1)
			break;
	}
	int bad = 0;
	for (int k = 0; k < L; k++)
		session_printf(s, "  layer %d: ||dL/dh_1|| / ||dL/dh_%d|| = %s", k, T,
			       num(a, sizeof a, "%.3e", probe_flow_ratio(p, k, 0, T - 1)));
	session_printf(s, "  %-22s %12s", "parameter", "grad norm");
	for (int i = 0; i < p->ntensors; i++) {
		session_printf(s, "  %-22s %12s", m->tensors[i].name, num(b, sizeof b, "%.4e", p->grad_norm[i]));
		bad |= !isfinite(p->grad_norm[i]);
	}
	if (bad)
		session_printf(s, "  a gradient that is not finite (inf or nan): a training step with it is never applied");
	return 0;
}
