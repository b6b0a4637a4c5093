/* session.c — the session's life: its model (a learner), runs, checkpoints,
 * validation, and training jobs. */
#include "session.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fileutil.h"
#include "platform.h"
#include "settings.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double session_clock(void)
{
	return now();
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
	s->set.seed = 1 + s->host.seed_shift;
	s->set.log_every = 100;
	s->set.val_every = 100;
	s->set.val_size = 512;
	s->set.threads = 1;
	s->set.checkpoint_every = 100;
	checkpoints_init(&s->ckpt, 5);
	rng_seed(&s->rng, s->set.seed);
	train_config_default(&s->tcfg);
	history_init(&s->hist);
	return s;
}

int session_journal_push(Session *s, const char *line)
{
	char **j = realloc(s->journal, (size_t)(s->njournal + 1) * sizeof *j);
	if (!j)
		return ERR_NOMEM;
	s->journal = j;
	if (!(j[s->njournal] = strdup(line)))
		return ERR_NOMEM;
	s->njournal++;
	return 0;
}

void session_free(Session *s)
{
	if (!s)
		return;
	distill_free(s->kd);
	learner_free(s->lr);
	data_batch_done(&s->train_db);
	data_batch_done(&s->val_db);
	sampler_done(&s->sampler);
	data_free(s->data);
	history_done(&s->hist);
	checkpoints_done(&s->ckpt);
	for (int i = 0; i < s->nruns; i++)
		run_done(&s->runs[i]);
	for (int i = 0; i < s->njournal; i++)
		free(s->journal[i]);
	free(s->journal);
	free(s->pending);
	free(s->land.buf);
	free(s);
}

static void print_line(Session *s, const char *line, int sanitize);

/* A line rnnlab drew itself (a plot's rows, with their colour escapes):
 * counted against a script's budget, printed as it is. */
void session_print_drawn(Session *s, const char *line)
{
	print_line(s, line, 0);
}

/* Every other line printed goes here: text that may come from a file or a
 * user is made safe for the terminal (out.h), and a script's output counts
 * against its budget. */
static void out_line(void *ctx, const char *line)
{
	print_line(ctx, line, 1);
}

static void print_line(Session *s, const char *line, int sanitize)
{
	if (s->src) {
		s->script_bytes += strlen(line) + 1;
		size_t max = s->host.max_output ? s->host.max_output : SCRIPT_MAX_OUTPUT;
		if (s->script_bytes > max && !s->script_stop[0]) {
			char why[200];
			snprintf(why, sizeof why, "the script printed more than %zu MiB (a loop?); rnnlab --max-output MB raises "
				 "the limit", max >> 20);
			session_script_stop(s, why);
		}
		if (s->script_stop[0])
			return;
	}
	if (!s->host.print)
		return;
	const unsigned char *q = (const unsigned char *)line;
	while (*q && *q >= 0x20 && *q < 0x7f)	/* the common case: plain ASCII, as it is */
		q++;
	if (!sanitize || !*q) {
		s->host.print(s->host.ctx, line);
		return;
	}
	char small[1024], *buf = small;
	size_t n = strlen(line);
	if (n >= sizeof small && !(buf = malloc(n + 1)))
		return;
	memcpy(buf, line, n + 1);
	text_sanitize(buf);
	s->host.print(s->host.ctx, buf);
	if (buf != small)
		free(buf);
}

Out session_out(Session *s)
{
	return (Out){ out_line, s };
}

void session_script_stop(Session *s, const char *why)
{
	if (!s->script_stop[0])
		snprintf(s->script_stop, sizeof s->script_stop, "%s", why);
}

void session_script_begin(Session *s)
{
	s->script_cmds = 0;
	s->script_bytes = 0;
	s->script_stop[0] = '\0';
}

void session_printf(Session *s, const char *fmt, ...)
{
	Out o = session_out(s);
	va_list ap;
	va_start(ap, fmt);
	out_vprintf(&o, fmt, ap);
	va_end(ap);
}

void session_print_text(Session *s, const char *text)
{
	char small[256], *line = small;
	size_t cap = sizeof small;
	for (const char *p = text;;) {
		size_t n = strcspn(p, "\n");
		if (n + 1 > cap) {
			char *big = malloc(n + 1);
			if (!big) {	/* print what fits rather than nothing */
				n = cap - 1;
			} else {
				if (line != small)
					free(line);
				line = big;
				cap = n + 1;
			}
		}
		memcpy(line, p, n);
		line[n] = '\0';
		out_line(s, line);
		p += strcspn(p, "\n");
		if (!*p)
			break;
		p++;
	}
	if (line != small)
		free(line);
}

void session_report(Session *s, const char *cmd, const Err *e)
{
	char buf[1024];
	if (!e->msg[0])		/* already reported where it happened (a script's line) */
		return;
	if (s->src)
		snprintf(buf, sizeof buf, "%s:%d: %s%s%s", s->src, s->line, cmd ? cmd : "", cmd ? ": " : "", e->msg);
	else
		snprintf(buf, sizeof buf, "%s%s%s", cmd ? cmd : "", cmd ? ": " : "", e->msg);
	text_sanitize(buf);	/* one line, whatever of the user's text it quotes */
	if (s->host.error)
		s->host.error(s->host.ctx, buf);
	else if (s->host.print)
		s->host.print(s->host.ctx, buf);
}

LossKind session_loss(const Session *s)
{
	if (s->set.loss_explicit || !s->data)
		return s->tcfg.loss;
	return data_info(s->data)->loss;
}

/* `set colour=` choice -> colours (auto: the host's). */
static const GridColors colour_modes[SETTING_COLOUR_COUNT] = {
	[SETTING_COLOUR_AUTO] = GRID_MONO,	/* not used */
	[SETTING_COLOUR_TRUE] = GRID_COLORS_TRUE,
	[SETTING_COLOUR_256] = GRID_COLORS_256,
	[SETTING_COLOUR_8] = GRID_COLORS_8,
	[SETTING_COLOUR_NONE] = GRID_MONO,
};

GridColors session_colors(const Session *s)
{
	int c = s->set.colour;
	if (c <= SETTING_COLOUR_AUTO || c >= SETTING_COLOUR_COUNT)
		return (unsigned)s->host.colors < GRID_COLORS_COUNT ? s->host.colors : GRID_MONO;
	return colour_modes[c];
}

GridColors session_print_colors(const Session *s)
{
	return s->host.ansi ? session_colors(s) : GRID_MONO;
}

GridColors session_svg_colors(const Session *s)
{
	if (s->set.colour == SETTING_COLOUR_AUTO)
		return s->host.no_color ? GRID_MONO : GRID_COLORS_TRUE;
	return session_colors(s) == GRID_MONO ? GRID_MONO : GRID_COLORS_TRUE;
}

void session_colors_describe(const Session *s, char *buf, size_t cap)
{
	static const char *const what[GRID_COLORS_COUNT] = {
		[GRID_MONO] = "none (shades and dot patterns)",
		[GRID_COLORS_8] = "8 colours",
		[GRID_COLORS_256] = "256 colours (the xterm palette)",
		[GRID_COLORS_TRUE] = "24-bit colour (truecolor)",
	};
	const GridColors c = session_colors(s);
	if (s->set.colour != SETTING_COLOUR_AUTO)
		snprintf(buf, cap, "%s: set colour=%s", what[c], setting_colour_names[s->set.colour]);
	else
		snprintf(buf, cap, "%s: colour=auto%s%s", what[c], s->host.colors_why[0] ? ", " : "",
			 s->host.colors_why);
}

/* Does the model fit the data?  Message says what differs and the fix. */
static int check_fit(const Session *s, Err *e)
{
	if (!s->lr)
		return err_set(e, ERR_STATE, "no model yet (try: model lstm hidden=64)");
	if (!s->data)
		return err_set(e, ERR_STATE, "no dataset yet (try: data list, then data NAME)");
	return s->lr->ops->fit(s->lr, s->data, session_loss(s), s->set.loss_explicit, e);
}

void session_train_config(const Session *s, TrainConfig *tc)
{
	*tc = s->tcfg;
	tc->loss = session_loss(s);
	tc->threads = s->set.threads;
}

int session_prepare(Session *s, Err *e)
{
	int rc = check_fit(s, e);
	if (rc || (rc = blas_room(s->set.threads, e)))
		return rc;
	TrainConfig tc;
	session_train_config(s, &tc);
	if ((rc = s->lr->ops->configure(s->lr, &tc, e)))
		return rc;
	if (s->train_db.Bcap != s->set.batch) {
		DataBatch db;
		if ((rc = data_batch_init(&db, s->data, s->set.batch, e)))
			return rc;
		data_batch_done(&s->train_db);
		s->train_db = db;
	}
	openblas_set_num_threads(1);	/* threads are the trainer's workers (workers.h) */
	return 0;
}

int session_checkpoint(Session *s, Err *e)
{
	ParamBlock pb;
	if (!session_params(s, &pb))
		return 0;
	const ParamBlock *m = &pb;
	/* Keep checkpoints to a sane size: skip beyond 256 MiB each. */
	if (m->nparam * 3 * sizeof(float) > ((size_t)256 << 20))
		return 0;
	Checkpoint cp = {
		.step = *pb.step, .hist_n = s->hist.n, .opt_t = pb.opt->t,
		.trainer_rng = *pb.rng, .epoch = s->sampler.epoch, .pos = s->sampler.pos,
		.params = m->params, .m = pb.opt->m, .v = pb.opt->v, .n = m->nparam,
	};
	/* the same state twice is kept once */
	const Checkpoint *last = checkpoints_get(&s->ckpt, 0);
	if (last && last->step == cp.step && last->hist_n == cp.hist_n && last->n == cp.n &&
	    !memcmp(last->params, cp.params, cp.n * sizeof(float)))
		return 0;
	return checkpoints_take(&s->ckpt, &cp, e);
}

int session_rewind(Session *s, int i, Err *e)
{
	const Checkpoint *cp = checkpoints_get(&s->ckpt, i);
	if (!cp)
		return err_set(e, ERR_STATE, s->ckpt.count ? "no checkpoint %d (there are %d; rewind list shows them)"
							    : "no checkpoints yet (one is taken when train starts)",
			       i, s->ckpt.count);
	ParamBlock pb;
	if (!session_params(s, &pb) || cp->n != pb.nparam)
		return err_set(e, ERR_STATE, "the checkpoint belongs to another model");
	memcpy(pb.params, cp->params, cp->n * sizeof(float));
	if (cp->m && pb.opt->m)
		memcpy(pb.opt->m, cp->m, cp->n * sizeof(float));
	if (cp->v && pb.opt->v)
		memcpy(pb.opt->v, cp->v, cp->n * sizeof(float));
	pb.opt->t = cp->opt_t;
	*pb.step = cp->step;
	*pb.rng = cp->trainer_rng;
	s->lr->ops->forget(s->lr);
	session_weights_changed(s);
	if (s->data)
		sampler_seek(&s->sampler, cp->epoch, cp->pos);
	history_truncate(&s->hist, (double)cp->step);
	session_train_cancel(s);
	checkpoints_drop_newer(&s->ckpt, i);
	return 0;
}

Learner *session_detach_model(Session *s)
{
	Learner *l = s->lr;
	if (l)
		session_archive_run(s);
	s->lr = NULL;
	s->kd_rec.have = 0;	/* it was about the model that goes */
	memset(&s->val_sums, 0, sizeof s->val_sums);
	checkpoints_clear(&s->ckpt);
	if (s->data)
		sampler_seek(&s->sampler, 0, 0);
	return l;
}

void session_end_model(Session *s)
{
	learner_free(session_detach_model(s));
}

void session_install(Session *s, Learner *l)
{
	s->lr = l;
	memset(&s->val_sums, 0, sizeof s->val_sums);
	session_weights_changed(s);
}

void session_weights_changed(Session *s)
{
	/* one counter for every session of the process: a loaded session
	 * (a new Session swapped in) never repeats a value the front end saw */
	static unsigned long gen;
	s->weights_gen = ++gen;
	s->hold_resume = 0;	/* a held step's batch is no longer what comes next */
}

const char *session_model_line(const Session *s)
{
	return s->lr ? s->lr->line : "";
}

int session_params(Session *s, ParamBlock *p)
{
	if (!s->lr) {
		memset(p, 0, sizeof *p);
		return 0;
	}
	*p = s->lr->pb;
	return 1;
}

long session_step(const Session *s)
{
	return s->lr ? *s->lr->pb.step : 0;
}

const S2sOutput *session_translation(const Session *s)
{
	return learner_caps(s->lr) & CAP_TRANSLATE ? s->lr->ops->translation(s->lr) : NULL;
}

void session_start_run(Session *s, const Rng *rng, uint64_t model_seed)
{
	s->rng = *rng;
	s->model_seed = model_seed;
	session_train_cancel(s);
	history_clear(&s->hist);
}

int session_val_head(Session *s, int *n, DataBatch *db, Err *e)
{
	Err fit;
	if (session_prepare(s, &fit))
		return err_set(e, ERR_STATE, "%s", fit.msg);
	const DataInfo *di = data_info(s->data);
	long idx[64];
	if (*n > 64)
		*n = 64;
	if (*n > di->n_val)
		*n = (int)di->n_val;
	if (*n <= 0)
		return err_set(e, ERR_STATE, "%s has no validation examples", data_name(s->data));
	int rc = data_batch_init(db, s->data, *n, e);
	if (rc)
		return rc;
	for (int j = 0; j < *n; j++)
		idx[j] = j;
	data_fill(s->data, SPLIT_VAL, idx, *n, db);
	return 0;
}

int session_train_start(Session *s, long steps, Err *e)
{
	int rc = session_prepare(s, e);
	if (rc)
		return rc;
	if ((rc = session_checkpoint(s, e)))
		return rc;
	s->job.name = "train";
	s->job.left = steps;
	s->job.total = steps;
	s->job.tried = 0;
	s->job.journal_at = -1;	/* the dispatcher names its journal entry */
	s->job.tokens = 0;
	s->job.t_start = s->job.t_last = now();
	s->job.first_step = session_step(s);
	snprintf(s->run_data, sizeof s->run_data, "%s", s->data ? data_args(s->data) : "");
	return 0;
}

void session_train_cancel(Session *s)
{
	s->job.left = 0;
	if (s->kd)
		distill_finish(s);
}

int session_eval_sums(Session *s, long max, DataBatch *db, EvalSums *r, Err *e)
{
	return session_eval_learner(s, s->lr, max, db, r, e);
}

int session_eval_learner(Session *s, Learner *l, long max, DataBatch *db, EvalSums *r, Err *e)
{
	memset(r, 0, sizeof *r);
	const DataInfo *di = data_info(s->data);
	const int B = db->Bcap;
	const long n = di->n_val < max ? di->n_val : max;
	long idx[B];
	int rc = 0;
	for (long i = 0; i < n && !rc; i += B) {
		int b = (int)(n - i < B ? n - i : B);
		for (int j = 0; j < b; j++)
			idx[j] = i + j;
		data_fill(s->data, SPLIT_VAL, idx, b, db);
		rc = l->ops->eval_batch(l, s->data, db, b, r, e);
	}
	return rc;
}

/* The validation pass of training: up to val_size examples, into
 * s->val_sums; *out the mean loss (NaN without validation examples). */
static int validate(Session *s, double *out, Err *e)
{
	int rc;
	if (s->val_db.Bcap != s->set.batch) {
		DataBatch db;
		if ((rc = data_batch_init(&db, s->data, s->set.batch, e)))
			return rc;
		data_batch_done(&s->val_db);
		s->val_db = db;
	}
	rc = session_eval_sums(s, s->set.val_size, &s->val_db, &s->val_sums, e);
	*out = eval_loss(&s->val_sums);
	/* what was measured, and on what: the weights, data and val_size now */
	s->val_gen = rc ? 0 : s->weights_gen;
	s->val_last = *out;
	return rc;
}

void session_val_stale(Session *s)
{
	s->val_gen = 0;	/* no weights_gen is 0 */
}

int session_val_now(Session *s, double *val, Err *e)
{
	*val = NAN;
	if (!s->lr || !s->data)
		return 0;
	if (s->val_gen == s->weights_gen) {
		*val = s->val_last;
		return 0;
	}
	Err fit;
	if (session_prepare(s, &fit))	/* the model does not fit the data: no value */
		return 0;
	return validate(s, val, e);
}

int session_evaluate(Session *s, long max, double *loss, double *acc, EvalSums *sums, Err *e)
{
	Err fit;
	if (session_prepare(s, &fit))
		return err_set(e, ERR_STATE, "%s", fit.msg);
	if (data_info(s->data)->n_val <= 0)
		return err_set(e, ERR_STATE, "%s has no validation examples", data_name(s->data));
	DataBatch db;
	int rc = data_batch_init(&db, s->data, s->set.batch, e);
	if (rc)
		return rc;
	EvalSums r;
	rc = session_eval_sums(s, max, &db, &r, e);
	data_batch_done(&db);
	*loss = eval_loss(&r);
	*acc = eval_accuracy(&r);
	if (sums)
		*sums = r;
	return rc;
}

int session_accuracy(Session *s, double *acc, Err *e)
{
	double loss;
	int rc = session_evaluate(s, 100000, &loss, acc, NULL, e);
	if (!rc && isnan(*acc))
		return err_set(e, ERR_STATE, "accuracy needs classification targets (%s is %s)", data_name(s->data),
			       data_kind_names[data_info(s->data)->kind]);
	return rc;
}

static void progress(Session *s, const StepStats *st, double val, int last)
{
	double t = now();
	double tps = s->job.tokens / fmax(t - s->job.t_last, 1e-9);
	char vbuf[96] = "", abuf[32] = "";
	if (!isnan(val))
		snprintf(vbuf, sizeof vbuf, "  val %.4f", val);
	if (!isnan(s->lr->acc))	/* the step's accuracy (seq2seq: tokens, teacher-forced) */
		snprintf(abuf, sizeof abuf, "  acc %.3f", s->lr->acc);
	const EvalSums *v = &s->val_sums;
	if (!isnan(val) && v->scored && v->seqs)	/* decoded: token and whole-sequence accuracy */
		snprintf(vbuf, sizeof vbuf, "  val %.4f  val_acc %.3f  seq_acc %.3f", val,
			 (double)v->correct / (double)v->scored, (double)v->seq_correct / (double)v->seqs);
	double alone = s->kd ? distill_alone_val(s) : NAN;
	if (!isnan(val) && !isnan(alone))	/* distill: the same student without the teacher */
		snprintf(vbuf, sizeof vbuf, "  val %.4f (without the teacher %.4f)", val, alone);
	session_printf(s, "step %6ld  loss %.4f%s%s  grad %.3g%s  lr %.3g  %.0f tok/s%s", st->step, st->loss,
		       abuf, vbuf, st->grad_norm, st->grad_norm_clipped < st->grad_norm ? " (clipped)" : "", st->lr,
		       tps, last ? "  done" : "");
	s->job.tokens = 0;
	s->job.t_last = t;
}

void session_try_failed(Session *s, const char *cmd, const Err *inner)
{
	snprintf(s->lesson_error, sizeof s->lesson_error, "%s: %s", cmd, inner->msg);
	session_printf(s, "  (as expected?) %s", s->lesson_error);
}

/* A training job failed: keep the error for the command that runs the job
 * synchronously (it reports it as its own), or report it now. */
static void job_fail(Session *s, const Err *e)
{
	s->job_err = *e;
	if (s->host.async_train && s->job.tried) {
		session_try_failed(s, s->job.name, e);
		s->job.tried = 0;
	} else if (s->host.async_train) {
		session_report(s, s->job.name, e);
	}
}

/* What the breakpoints see of the step now in the trainer. */
static BreakInput break_input(const Session *s, double loss, double grad, double val, int finite)
{
	const Cells *c = learner_stack_cells(s->lr, s->cur.part);	/* seq2seq: the half the panes show */
	return (BreakInput){ .loss = loss, .val = val, .grad = grad, .finite = finite, .m = c ? c->m : NULL,
			     .tr = c ? c->t->tr : NULL, .probe = c ? &c->t->probe : NULL };
}

/* The first breakpoint (of the kinds pre or not) that holds on in, or -1;
 * *seen gets its value. */
static int break_find(Session *s, const BreakInput *in, int pre, double *seen)
{
	for (int i = 0; i < s->nbrk; i++)
		if ((s->brk[i].kind != BRK_VAL) == pre && break_test(&s->brk[i], in, seen))
			return i;
	return -1;
}

/* Breakpoint i fired: count it, say so, show the step pane at its timestep. */
static void break_fire(Session *s, int i, const BreakInput *in, double seen, const char *when)
{
	Breakpoint *b = &s->brk[i];
	b->hits++;
	int t = break_focus(b, in);
	session_printf(s, "break %d (%s) %s: %s = %.4g; showing t=%d", i + 1, b->text, when, break_kind_names[b->kind],
		       seen, t + 1);
	if (s->host.on_break)
		s->host.on_break(s->host.ctx, s, t);
}

/* Asked by train_apply before every update: a breakpoint on the step's
 * loss, gradient, gates, saturation or flow holds the update back, so the
 * weights stay those the step's forward pass ran with. */
static int hold_update(void *ctx, double loss, double grad_norm)
{
	Session *s = ctx;
	if (s->hold_resume) {	/* going on from a hold: its update is applied, as a debugger continues */
		s->hold_resume = 0;
		return 0;
	}
	BreakInput in = break_input(s, loss, grad_norm, NAN, 1);
	double seen;
	s->held = break_find(s, &in, 1, &seen);
	s->held_seen = seen;
	return s->held >= 0;
}

/* After a step: a breakpoint on the validation loss (measured on the
 * updated weights); after a refused step (not finite), any breakpoint. */
static int check_breaks(Session *s, const StepStats *st, double val, int finite)
{
	if (!s->nbrk)
		return 0;
	/* the refused step: its loss or norm was not finite */
	BreakInput in = break_input(s, finite ? st->loss : INFINITY, finite ? st->grad_norm : INFINITY, val, finite);
	double seen;
	int i = break_find(s, &in, 0, &seen);
	if (i < 0 && !finite)
		i = break_find(s, &in, 1, &seen);
	if (i < 0)
		return 0;
	char when[96];
	snprintf(when, sizeof when, finite ? "after step %ld" : "at step %ld (not applied)",
		 finite ? st->step : session_step(s) + 1);
	break_fire(s, i, &in, seen, when);
	return 1;
}

/* A breakpoint held the update of the step back: training stops with the
 * weights of the step before, a checkpoint is taken there (rewind comes
 * back to it), and the step pane shows the offending batch. */
static void held_step(Session *s)
{
	BreakInput in = break_input(s, NAN, NAN, NAN, 1);
	char when[96];
	snprintf(when, sizeof when, "before step %ld (not applied: weights as after step %ld)", session_step(s) + 1,
		 session_step(s));
	Err e;
	if (session_checkpoint(s, &e))
		session_report(s, "train", &e);
	break_fire(s, s->held, &in, s->held_seen, when);
}

static int train_slice(Session *s, double seconds);

int session_train_slice(Session *s, double seconds)
{
	int rc = train_slice(s, seconds);
	if (s->kd && s->job.left <= 0)	/* the job ended, however */
		distill_finish(s);
	return rc;
}

static int train_slice(Session *s, double seconds)
{
	Err e;
	*s->lr->hold = (ApplyHold){ s->nbrk ? hold_update : NULL, s };
	double t0 = now();
	const int B = s->train_db.Bcap;
	long idx[B > 0 ? B : 1];
	while (s->job.left > 0) {
		/* where the batch comes from, to give it back if its update is held */
		const long epoch = s->sampler.epoch, pos = s->sampler.pos;
		const Rng trng = *s->lr->pb.rng;
		sampler_next(&s->sampler, idx, B);
		data_fill(s->data, SPLIT_TRAIN, idx, B, &s->train_db);
		StepStats st;
		double ts = now();
		DataBatch db = s->train_db;
		int rc = s->kd ? distill_batch(s, &db, &e) : 0;	/* the teacher's outputs on it */
		if (rc) {
			s->job.left = 0;
			job_fail(s, &e);
			return rc;
		}
		rc = s->lr->ops->train_step(s->lr, s->data, &db, &st, &e);
		if (rc && st.updates > 0)	/* tbptt: the batch's earlier windows were applied */
			session_weights_changed(s);
		if (rc == ERR_HELD || rc == ERR_STOPPED) {
			s->job.left = 0;
			if (!st.updates) {	/* nothing of it applied: the next train starts with it */
				sampler_seek(&s->sampler, epoch, pos);
				*s->lr->pb.rng = trng;
				s->hold_resume = rc == ERR_HELD;
			}
			if (rc == ERR_STOPPED) {	/* from inside the step: the front end asked */
				session_printf(s, "train: %s; the next train starts with its batch", e.msg);
				return 0;
			}
			held_step(s);
			return 0;
		}
		if (rc) {
			s->job.left = 0;
			job_fail(s, &e);
			if (rc == ERR_NUMERIC) {
				s->lesson_nonfinite = 1;
				check_breaks(s, &st, NAN, 0);
			}
			return rc;
		}
		session_weights_changed(s);
		double dt = now() - ts;
		long tokens = (long)s->train_db.b.T * B;
		s->job.tokens += tokens;
		s->job.left--;
		int last = s->job.left == 0;
		long done = st.step - s->job.first_step;
		double val = NAN;
		const int val_due = (s->set.val_every && st.step % s->set.val_every == 0) || last;
		if (s->kd)	/* the same student without the teacher, on the same batch */
			distill_after_step(s, val_due);
		if (val_due) {
			if ((rc = validate(s, &val, &e))) {
				s->job.left = 0;
				job_fail(s, &e);
				return rc;
			}
		}
		double row[HIST_COLS] = { (double)st.step, st.loss, val, st.grad_norm, st.grad_norm_clipped,
					  st.lr, tokens / fmax(dt, 1e-9) };
		if (history_push(&s->hist, row, &e)) {
			s->job.left = 0;
			job_fail(s, &e);
			return ERR_NOMEM;
		}
		if ((s->set.log_every && done % s->set.log_every == 0) || last)
			progress(s, &st, val, last);
		if (s->host.step)
			s->host.step(s->host.ctx, s);
		if (s->step_hook.fn)
			s->step_hook.fn(s, s->step_hook.arg);
		if (s->set.checkpoint_every && st.step % s->set.checkpoint_every == 0 && session_checkpoint(s, &e)) {
			s->job.left = 0;
			job_fail(s, &e);
			return ERR_NOMEM;
		}
		if (check_breaks(s, &st, val, 1)) {
			s->job.left = 0;
			return 0;
		}
		if (s->host.interrupted && s->host.interrupted(s->host.ctx)) {
			session_printf(s, "%s: stopped at step %ld (%ld of %ld steps), the model as after that step",
				       s->job.name, st.step, done, s->job.total);
			s->job.left = 0;
			return 0;
		}
		if (seconds > 0 && now() - t0 >= seconds)
			break;
	}
	return s->job.left > 0;
}
