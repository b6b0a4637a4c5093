/* distill.c — knowledge distillation (Hinton et al. 2015): the current
 * model teaches a new, smaller student.
 *
 * `distill hidden=N ...` keeps the current model as the teacher, builds a
 * student of the teacher's input and output sizes, makes it the current
 * model (a new run) and starts a training job.  Each step of the job:
 *
 *   1. the teacher's forward pass on the batch, dropout off (its trace is
 *      sized once: nothing is allocated per step);
 *   2. the student's training step with the teacher's outputs attached to
 *      the batch (Batch.zt): its loss mixes them in (loss_distill, net.h),
 *      on the same scored positions as the task loss;
 *   3. with baseline=on (the default), the same student -- the same
 *      initial weights, dropout generator, batches and settings -- takes a
 *      plain step: what the teacher adds is the difference between the two.
 *
 * When the job ends (done, stopped or failed) the baseline becomes a run of
 * its own, listed between the teacher's and the student's, the teacher is
 * freed, and what was measured is kept in s->kd_rec (model show, expect).
 */
#include "session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

struct Distill {
	Learner *teacher;	/* owned: the model that was current */
	Learner *alone;		/* owned: the same student without the teacher, or NULL */
	History alone_hist;
	double alone_val;	/* its last validation loss (NaN: none yet) */
	long alone_val_step;	/* the student's step it was measured at */
	int alone_failed;	/* its step failed: it stays where it was */
	DataBatch vdb;		/* the baseline's validation batches */
	float temp, alpha;	/* temp 1 under mse, where it plays no part */
	double teacher_val;
	char alone_name[64];	/* the baseline's run */
	char teacher_line[512], teacher_brief[32];
	size_t teacher_nparam;
	LossKind loss;
};

/* "T=2 alpha=0.5", or "alpha=0.5" (mse: temp NaN) */
static void kd_how(char *buf, size_t cap, float temp, float alpha)
{
	if (isnan(temp))
		snprintf(buf, cap, "alpha=%g", (double)alpha);
	else
		snprintf(buf, cap, "T=%g alpha=%g", (double)temp, (double)alpha);
}

void distill_free(struct Distill *kd)
{
	if (!kd)
		return;
	learner_free(kd->teacher);
	learner_free(kd->alone);
	history_done(&kd->alone_hist);
	data_batch_done(&kd->vdb);
	free(kd);
}

/* The student's `model` words: the teacher's input and output sizes (in=,
 * or vocab= and embed=; out=), its act= when both are rnn, and what a asks
 * for; every other option at its default.  w[] points into buf. */
static int student_words(const Learner *t, const DistillArgs *a, Word *w, int *n, char *buf, size_t cap, Err *e)
{
	static const char *const cells[] = { "rnn", "lstm", "gru" };
	int cell;
	int rc = arg_enum("cell", a->cell ? a->cell : t->kind, cells, 3, &cell, e);
	if (rc)
		return rc;
	/* the teacher's canonical line: "model KIND key=value ..." */
	int in = 0, vocab = 0, embed = 0, out = -1, layers = 1;
	char act[64] = "";
	const char *p = strchr(t->line, ' ');
	while (p && *p) {
		p += strspn(p, " ");
		size_t k = strcspn(p, " ");
		char word[64];
		snprintf(word, sizeof word, "%.*s", (int)(k < sizeof word ? k : sizeof word - 1), p);
		sscanf(word, "in=%d", &in);
		sscanf(word, "vocab=%d", &vocab);
		sscanf(word, "embed=%d", &embed);
		sscanf(word, "out=%d", &out);
		sscanf(word, "layers=%d", &layers);
		if (!strncmp(word, "act=", 4))
			snprintf(act, sizeof act, "%s", word + 4);
		p += k;
	}
	if (a->embed && !vocab)
		return err_set(e, ERR_INVAL, "embed= is for token models; the teacher reads %d float features per step (in=%d)",
			       in, in);
	size_t len = 0;
	const char *kind = cells[cell];
	char *s = buf;
#define WORD(...)                                                                   \
	do {                                                                        \
		int m_ = snprintf(buf + len, cap - len, __VA_ARGS__);               \
		if (m_ < 0 || (size_t)m_ >= cap - len)                              \
			return err_set(e, ERR_INVAL, "the student's model line is too long"); \
		s = buf + len;                                                      \
		len += (size_t)m_ + 1;                                              \
	} while (0)
	int k = 0;
	WORD("%s", kind);
	w[k++] = (Word){ s, NULL, NULL };
	WORD("%d", a->hidden);
	w[k++] = (Word){ "hidden", "hidden", s };
	WORD("%d", a->layers ? a->layers : layers);
	w[k++] = (Word){ "layers", "layers", s };
	if (vocab) {
		WORD("%d", vocab);
		w[k++] = (Word){ "vocab", "vocab", s };
		WORD("%d", a->embed ? a->embed : embed);
		w[k++] = (Word){ "embed", "embed", s };
	} else {
		WORD("%d", in);
		w[k++] = (Word){ "in", "in", s };
	}
	if (out >= 0) {
		WORD("%d", out);
		w[k++] = (Word){ "out", "out", s };
	}
	if (act[0] && cell == CELL_RNN) {
		WORD("%s", act);
		w[k++] = (Word){ "act", "act", s };
	}
#undef WORD
	*n = k;
	return 0;
}

/* Build one student (the distilled one, or the baseline: the same seeds
 * give the same weights and dropout masks) and check it fits the data. */
static int build_student(Session *s, const Word *w, int n, uint64_t seed, uint64_t tseed, Learner **out, Err *e)
{
	TrainConfig tc;
	session_train_config(s, &tc);
	int rc = learner_build(n, w, data_info(s->data), &tc, seed, tseed, out, e);
	if (rc)
		return rc;
	if ((rc = (*out)->ops->fit(*out, s->data, tc.loss, s->set.loss_explicit, e)) ||
	    (rc = (*out)->ops->configure(*out, &tc, e))) {
		learner_free(*out);
		*out = NULL;
	}
	return rc;
}

int session_distill(Session *s, const DistillArgs *a, Err *e)
{
	Learner *t = s->lr;
	int rc = session_prepare(s, e);	/* the teacher fits the data; the batch buffers */
	if (rc)
		return rc;
	if (!(learner_caps(t) & CAP_DISTILL))
		return learner_need(t, CAP_DISTILL, "distill", e);
	const LossKind loss = session_loss(s);
	if (!isnan(a->temp) && loss == LOSS_MSE)
		return err_set(e, ERR_INVAL, "T= is for ce and bce (classification, language models); under mse the student "
			       "learns the teacher's outputs by mse, without a temperature: leave T= out");
	if (session_step(s) == 0)
		return err_set(e, ERR_STATE, "the current model, the teacher, has not been trained yet: train it first "
			       "(distill trains a student on its outputs)");
	const long steps = a->steps ? a->steps : session_step(s);
	Word w[8];
	char buf[256];
	int n = 0;
	if ((rc = student_words(t, a, w, &n, buf, sizeof buf, e)))
		return rc;
	/* the draws `model` makes: the student starts where `model` would */
	Rng r = s->rng;
	uint64_t seed = rng_next(&r), tseed = rng_next(&r);
	Learner *st = NULL, *alone = NULL;
	if ((rc = build_student(s, w, n, seed, tseed, &st, e)))
		return rc;
	if (a->baseline && (rc = build_student(s, w, n, seed, tseed, &alone, e))) {
		learner_free(st);
		return rc;
	}
	struct Distill *kd = calloc(1, sizeof *kd);
	if (!kd || (rc = data_batch_init(&kd->vdb, s->data, s->set.batch, e))) {
		learner_free(st);
		learner_free(alone);
		free(kd);
		return kd ? rc : err_set(e, ERR_NOMEM, "out of memory");
	}
	double tval = NAN;
	if ((rc = session_val_now(s, &tval, e))) {	/* the teacher's, on the examples the students are measured on */
		learner_free(st);
		distill_free(kd);
		learner_free(alone);
		return rc;
	}
	kd->alone = alone;
	history_init(&kd->alone_hist);
	kd->alone_val = NAN;
	kd->alone_val_step = -1;
	kd->loss = loss;
	kd->alpha = isnan(a->alpha) ? DISTILL_ALPHA : a->alpha;
	kd->temp = loss == LOSS_MSE ? 1.0f : isnan(a->temp) ? DISTILL_TEMP : a->temp;
	kd->teacher_val = tval;
	snprintf(kd->teacher_line, sizeof kd->teacher_line, "%s", t->line);
	snprintf(kd->teacher_brief, sizeof kd->teacher_brief, "%s", t->brief);
	kd->teacher_nparam = t->pb.nparam;

	/* Nothing failed: the student goes in.  (What follows can fail only
	 * for want of memory for a checkpoint; the student then stays, untrained.) */
	kd->teacher = session_detach_model(s);
	session_install(s, st);
	session_start_run(s, &r, seed);
	s->lesson_nonfinite = 0;	/* a new run */
	snprintf(s->run_name, sizeof s->run_name, "%s hidden=%d distilled", st->kind, a->hidden);
	snprintf(kd->alone_name, sizeof kd->alone_name, "%s hidden=%d alone", st->kind, a->hidden);
	if ((rc = session_train_start(s, steps, e))) {
		distill_free(kd);
		return rc;
	}
	s->kd = kd;
	s->job.name = "distill";
	char how[48];
	kd_how(how, sizeof how, loss == LOSS_MSE ? NAN : kd->temp, kd->alpha);
	session_printf(s, "distill: %s (%zu parameters) teaches %s (%zu parameters) for %ld steps at %s%s", t->brief,
		       kd->teacher_nparam, st->brief, st->pb.nparam, steps, how,
		       alone ? ", beside the same student learning alone" : "");
	session_printf(s, "  the student: %s", st->line);
	return 0;
}

int distill_batch(Session *s, DataBatch *db, Err *e)
{
	struct Distill *kd = s->kd;
	const float *zt;
	int O;
	int rc = kd->teacher->ops->outputs(kd->teacher, &s->train_db, &zt, &O, e);
	if (rc)
		return rc;
	db->b.zt = zt;
	db->b.kd_temp = kd->temp;
	db->b.kd_alpha = kd->alpha;
	return 0;
}

void distill_after_step(Session *s, int validate)
{
	struct Distill *kd = s->kd;
	Learner *l = kd->alone;
	if (!l || kd->alone_failed)
		return;
	TrainConfig tc;
	session_train_config(s, &tc);	/* the student's settings, changed or not */
	StepStats st;
	Err e;
	const double t0 = session_clock();
	int rc = l->ops->configure(l, &tc, &e);
	if (!rc)
		rc = l->ops->train_step(l, s->data, &s->train_db, &st, &e);
	const double dt = session_clock() - t0;
	double val = NAN;
	if (!rc && validate) {
		EvalSums r;
		if (!(rc = session_eval_learner(s, l, s->set.val_size, &kd->vdb, &r, &e))) {
			val = kd->alone_val = eval_loss(&r);
			kd->alone_val_step = session_step(s);
		}
	}
	const double tokens = (double)s->train_db.b.T * s->train_db.b.B;
	double row[HIST_COLS] = { (double)st.step, st.loss, val, st.grad_norm, st.grad_norm_clipped,
				  st.lr, tokens / fmax(dt, 1e-9) };
	if (!rc)
		rc = history_push(&kd->alone_hist, row, &e);
	if (rc) {
		kd->alone_failed = 1;
		session_printf(s, "distill: the student without the teacher stops at step %ld: %s", *l->pb.step, e.msg);
	}
}

double distill_alone_val(const Session *s)
{
	const struct Distill *kd = s->kd;
	return kd && kd->alone_val_step == session_step(s) ? kd->alone_val : NAN;
}

static void fmt_val(char *buf, size_t cap, double v)
{
	if (isnan(v))
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.4f", v);
}

/* One row of the report's table: who, what, how many parameters, their
 * size in float32, the validation loss. */
static void table_row(Session *s, const char *who, const char *what, size_t nparam, double val, const char *note)
{
	char v[32];
	fmt_val(v, sizeof v, val);
	session_printf(s, "  %-8s %-12s %10zu %9.1f KiB %9s%s%s", who, what, nparam, nparam * 4.0 / 1024, v, note[0] ? "  " : "",
		       note);
}

void distill_finish(Session *s)
{
	struct Distill *kd = s->kd;
	s->kd = NULL;
	Err e;
	DistillRecord *r = &s->kd_rec;
	memset(r, 0, sizeof *r);
	r->have = 1;
	snprintf(r->teacher, sizeof r->teacher, "%s", kd->teacher_line);
	snprintf(r->teacher_brief, sizeof r->teacher_brief, "%s", kd->teacher_brief);
	r->teacher_nparam = kd->teacher_nparam;
	r->student_nparam = s->lr->pb.nparam;
	r->teacher_val = kd->teacher_val;
	r->steps = session_step(s);
	r->temp = kd->loss == LOSS_MSE ? NAN : kd->temp;
	r->alpha = kd->alpha;
	r->loss = kd->loss;
	if (session_val_now(s, &r->student_val, &e))
		r->student_val = NAN;
	r->alone_val = NAN;
	if (kd->alone) {
		Learner *l = kd->alone;
		if (kd->alone_val_step == session_step(s) && *l->pb.step == session_step(s)) {
			r->alone_val = kd->alone_val;
		} else {	/* stopped between validations: measure both now, on the same examples */
			EvalSums sums;
			if (!session_eval_learner(s, l, s->set.val_size, &kd->vdb, &sums, &e))
				r->alone_val = eval_loss(&sums);
		}
		session_archive_learner(s, l, &kd->alone_hist, kd->alone_name);
	}
	char how[48], note[64];
	kd_how(how, sizeof how, r->temp, r->alpha);
	session_printf(s, "distill: %ld steps at %s; validation %s:", r->steps, how, loss_names[r->loss]);
	session_printf(s, "  %-8s %-12s %10s %13s %9s", "", "model", "parameters", "size", "val");
	table_row(s, "teacher", r->teacher_brief, r->teacher_nparam, r->teacher_val, "");
	snprintf(note, sizeof note, "%.2fx smaller", (double)r->teacher_nparam / (double)r->student_nparam);
	table_row(s, "student", s->lr->brief, r->student_nparam, r->student_val, note);
	if (kd->alone) {
		table_row(s, "alone", s->lr->brief, r->student_nparam, r->alone_val, "the same student without the teacher");
		session_printf(s, "  distillation gains %+.4f (alone - student: > 0, the teacher helped)",
			       r->alone_val - r->student_val);
	}
	distill_free(kd);
}

void distill_show(Session *s)
{
	const DistillRecord *r = &s->kd_rec;
	if (!r->have)
		return;
	char how[48], tv[32], sv[32], av[32];
	kd_how(how, sizeof how, r->temp, r->alpha);
	session_printf(s, "  distilled from %s: %zu -> %zu parameters, %.1f KiB -> %.1f KiB (%.2fx smaller)", r->teacher + 6,
		       r->teacher_nparam, r->student_nparam, r->teacher_nparam * 4.0 / 1024, r->student_nparam * 4.0 / 1024,
		       (double)r->teacher_nparam / (double)r->student_nparam);
	fmt_val(tv, sizeof tv, r->teacher_val);
	fmt_val(sv, sizeof sv, r->student_val);
	fmt_val(av, sizeof av, r->alone_val);
	session_printf(s, "  %ld steps at %s; validation %s then: teacher %s, student %s%s%s", r->steps, how,
		       loss_names[r->loss], tv, sv, isnan(r->alone_val) ? "" : ", alone ", isnan(r->alone_val) ? "" : av);
}
