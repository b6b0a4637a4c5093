/* session.c — the session's life, running lines and scripts, training jobs. */
#include "session.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

Session *session_new(const Host *host)
{
	Session *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->host = *host;
	if (!s->host.width)
		s->host.width = 78;
	s->set.batch = 32;
	s->set.seed = 1;
	s->set.log_every = 100;
	s->set.val_every = 100;
	s->set.val_size = 512;
	s->set.threads = 1;
	rng_seed(&s->rng, s->set.seed);
	train_config_default(&s->tcfg);
	history_init(&s->hist);
	return s;
}

void session_free(Session *s)
{
	if (!s)
		return;
	if (s->model)
		trainer_done(&s->trainer);
	model_free(s->model);
	data_batch_done(&s->train_db);
	data_batch_done(&s->val_db);
	sampler_done(&s->sampler);
	data_free(s->data);
	history_done(&s->hist);
	for (int i = 0; i < s->njournal; i++)
		free(s->journal[i]);
	free(s->journal);
	free(s);
}

void session_printf(Session *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* One callback per line. */
	char *p = buf;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (s->host.print)
			s->host.print(s->host.ctx, p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void report(Session *s, const char *cmd, const Err *e)
{
	char buf[1024];
	if (s->src)
		snprintf(buf, sizeof buf, "%s:%d: %s%s%s", s->src, s->line, cmd ? cmd : "", cmd ? ": " : "", e->msg);
	else
		snprintf(buf, sizeof buf, "%s%s%s", cmd ? cmd : "", cmd ? ": " : "", e->msg);
	if (s->host.error)
		s->host.error(s->host.ctx, buf);
	else if (s->host.print)
		s->host.print(s->host.ctx, buf);
}

int session_exec(Session *s, const char *line)
{
	Lexed lx;
	Err e;
	int rc = lex_line(line, &lx, &e);
	if (rc) {
		report(s, NULL, &e);
		return rc;
	}
	for (int i = 0; i < lx.nstmt && !s->quit; i++) {
		rc = cmd_dispatch(s, &lx.stmt[i], &e);
		if (rc) {
			report(s, lx.stmt[i].argv[0].text, &e);
			break;
		}
	}
	lex_free(&lx);
	return rc;
}

int session_run_file(Session *s, const char *path, int stop_on_error)
{
	FILE *f = fopen(path, "r");
	Err e;
	if (!f) {
		err_set(&e, ERR_IO, "%s: %s", path, strerror(errno));
		report(s, "run", &e);
		return ERR_IO;
	}
	int rc = session_run_stream(s, f, path, stop_on_error);
	fclose(f);
	return rc;
}

int session_run_stream(Session *s, FILE *f, const char *path, int stop_on_error)
{
	Err e;
	const char *osrc = s->src;
	int oline = s->line, rc = 0, first = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	s->src = path;
	s->line = 0;
	while (!s->quit && (len = getline(&line, &cap, f)) >= 0) {
		s->line++;
		if (memchr(line, '\0', (size_t)len)) {
			err_set(&e, ERR_FORMAT, "binary data in a script (a NUL byte); is this a .lab file?");
			report(s, NULL, &e);
			rc = ERR_FORMAT;
			break;
		}
		rc = session_exec(s, line);
		if (rc && !first)
			first = rc;
		if (rc && stop_on_error)
			break;
		/* A script's `train` runs to the end even in the TUI. */
		while (!rc && s->job.left > 0 && !s->quit) {
			int r = session_train_slice(s, 0.1);
			if (r < 0) {
				rc = r;
				break;
			}
			if (r == 0)
				break;
		}
		if (rc && stop_on_error)
			break;
	}
	free(line);
	s->src = osrc;
	s->line = oline;
	return stop_on_error ? rc : first;
}

LossKind session_loss(const Session *s)
{
	if (s->set.loss_explicit || !s->data)
		return s->tcfg.loss;
	return data_info(s->data)->loss;
}

/* Does the model fit the data?  Message says what differs and the fix. */
static int check_fit(const Session *s, Err *e)
{
	if (!s->model)
		return err_set(e, ERR_STATE, "no model yet (try: model lstm hidden=64)");
	if (!s->data)
		return err_set(e, ERR_STATE, "no dataset yet (try: data list, then data NAME)");
	const DataInfo *di = data_info(s->data);
	const ModelConfig *c = &s->model->cfg;
	if (di->kind == DATA_SEQ2SEQ)
		return err_set(e, ERR_STATE, "%s is a seq2seq task: it needs a seq2seq model", data_name(s->data));
	if (di->vocab && !c->vocab)
		return err_set(e, ERR_STATE, "%s is token input (vocab %d): the model needs vocab= and embed=, it has in=%d",
			       data_name(s->data), di->vocab, c->in);
	if (di->vocab && c->vocab < di->vocab)
		return err_set(e, ERR_STATE, "the model's vocab=%d is smaller than %s's %d", c->vocab, data_name(s->data), di->vocab);
	if (!di->vocab && c->vocab)
		return err_set(e, ERR_STATE, "%s has %d float features per step, the model reads tokens (vocab=%d)",
			       data_name(s->data), di->in, c->vocab);
	if (!di->vocab && c->in != di->in)
		return err_set(e, ERR_STATE, "the model takes in=%d, %s has %d features per step", c->in, data_name(s->data), di->in);
	int o = c->out ? c->out : c->hidden;
	if (o != di->out)
		return err_set(e, ERR_STATE, "the model outputs %d values (out=%d), %s needs %d", o, c->out, data_name(s->data), di->out);
	LossKind l = session_loss(s);
	if ((l == LOSS_CE) != (di->kind == DATA_CLASSIFY || di->kind == DATA_LM))
		return err_set(e, ERR_STATE, "loss %s does not fit %s's %s targets (its loss is %s)", loss_names[l],
			       data_name(s->data), data_kind_names[di->kind], loss_names[di->loss]);
	return 0;
}

int session_train_start(Session *s, long steps, Err *e)
{
	int rc = check_fit(s, e);
	if (rc)
		return rc;
	TrainConfig tc = s->tcfg;
	tc.loss = session_loss(s);
	if ((rc = trainer_configure(&s->trainer, &tc, e)))
		return rc;
	if (s->train_db.Bcap != s->set.batch) {
		DataBatch db;
		if ((rc = data_batch_init(&db, s->data, s->set.batch, e)))
			return rc;
		data_batch_done(&s->train_db);
		s->train_db = db;
	}
	openblas_set_num_threads(s->set.threads);
	s->job.left = steps;
	s->job.total = steps;
	s->job.tokens = 0;
	s->job.t_start = s->job.t_last = now();
	s->job.first_step = s->trainer.step;
	return 0;
}

void session_train_cancel(Session *s)
{
	s->job.left = 0;
}

/* Mean validation loss over up to val_size examples. */
static int validate(Session *s, double *out, Err *e)
{
	const DataInfo *di = data_info(s->data);
	long n = di->n_val < s->set.val_size ? di->n_val : s->set.val_size;
	if (n <= 0) {
		*out = NAN;
		return 0;
	}
	int rc;
	if (s->val_db.Bcap != s->set.batch) {
		DataBatch db;
		if ((rc = data_batch_init(&db, s->data, s->set.batch, e)))
			return rc;
		data_batch_done(&s->val_db);
		s->val_db = db;
	}
	long idx[s->set.batch];
	double sum = 0;
	long cnt = 0;
	for (long i = 0; i < n; i += s->set.batch) {
		int b = (int)(n - i < s->set.batch ? n - i : s->set.batch);
		for (int j = 0; j < b; j++)
			idx[j] = i + j;
		data_fill(s->data, SPLIT_VAL, idx, b, &s->val_db);
		double l;
		if ((rc = train_eval(&s->trainer, &s->val_db.b, &l, e)))
			return rc;
		sum += l * b;
		cnt += b;
	}
	*out = sum / (double)cnt;
	return 0;
}

static void progress(Session *s, const StepStats *st, double val, int last)
{
	double t = now();
	double tps = s->job.tokens / fmax(t - s->job.t_last, 1e-9);
	char vbuf[32] = "";
	if (!isnan(val))
		snprintf(vbuf, sizeof vbuf, "  val %.4f", val);
	session_printf(s, "step %6ld  loss %.4f%s  grad %.3g%s  lr %.3g  %.0f tok/s%s", st->step, st->loss,
		       vbuf, st->grad_norm, st->grad_norm_clipped < st->grad_norm ? " (clipped)" : "", st->lr,
		       tps, last ? "  done" : "");
	s->job.tokens = 0;
	s->job.t_last = t;
}

int session_train_slice(Session *s, double seconds)
{
	Err e;
	double t0 = now();
	const int B = s->set.batch;
	long idx[B];
	while (s->job.left > 0) {
		sampler_next(&s->sampler, idx, B);
		data_fill(s->data, SPLIT_TRAIN, idx, B, &s->train_db);
		StepStats st;
		double ts = now();
		int rc = train_step(&s->trainer, &s->train_db.b, &st, &e);
		if (rc) {
			s->job.left = 0;
			report(s, "train", &e);
			return rc;
		}
		double dt = now() - ts;
		long tokens = (long)s->train_db.b.T * B;
		s->job.tokens += tokens;
		s->job.left--;
		int last = s->job.left == 0;
		long done = s->trainer.step - s->job.first_step;
		double val = NAN;
		if ((s->set.val_every && st.step % s->set.val_every == 0) || last) {
			if ((rc = validate(s, &val, &e))) {
				s->job.left = 0;
				report(s, "train", &e);
				return rc;
			}
		}
		double row[HIST_COLS] = { (double)st.step, st.loss, val, st.grad_norm, st.grad_norm_clipped,
					  st.lr, tokens / fmax(dt, 1e-9) };
		if (history_push(&s->hist, row, &e)) {
			s->job.left = 0;
			report(s, "train", &e);
			return ERR_NOMEM;
		}
		if ((s->set.log_every && done % s->set.log_every == 0) || last)
			progress(s, &st, val, last);
		if (s->host.step)
			s->host.step(s->host.ctx, s);
		if (s->host.interrupted && s->host.interrupted(s->host.ctx)) {
			session_printf(s, "train: stopped at step %ld (%ld of %ld steps), the model as after that step",
				       st.step, done, s->job.total);
			s->job.left = 0;
			return 0;
		}
		if (seconds > 0 && now() - t0 >= seconds)
			break;
	}
	return s->job.left > 0;
}
