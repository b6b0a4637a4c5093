/* cmd_lesson.c — what lessons need: expect (a checked claim), try, full.
 *
 *   expect val < 0.12            the claim the lesson makes; a failed one is an
 *                                error, so `make lessons` and CI fail loudly
 *   try train 100                run a command that may fail; the script goes on
 *   expect error "not finite"    ... and check how it failed (or: expect ok)
 *   full train 2000              only outside the fast mode of `make test`
 *
 * Quantities (the probes and the history of the current run):
 *   loss        mean training loss of the last 10 steps
 *   val         the validation loss of the weights now (the last one
 *               measured, or measured now when they changed since: after
 *               prune, quantize, import, rewind);  best_val  the lowest
 *   acc         validation accuracy (classification; runs an evaluation)
 *   seq_acc, tok_acc   seq2seq: whole-sequence and token accuracy of the
 *               last validation pass
 *   grad        the last global gradient norm (before clipping)
 *   grad_first  the first step's;  grad_max  the largest
 *   flow        ||dL/dh_1|| / ||dL/dh_T|| of the top layer at the last step
 *               (`flow ratio(t=1,t=T)` and `layer=K` are accepted)
 *   radius      the largest spectral radius of a W_hh block
 *   steps       updates applied;  params  parameter count
 *   activations MiB the last step's trace holds (see `show memory`)
 *   finite      1 when every step of the run had a finite loss, gradient and update
 *   eigen max|norm|outside  of layer 0's (layer=K) W_hh block that plot eigen
 *               shows: the spectral radius, the spectral norm, how many
 *               eigenvalues lie outside the unit circle; seq2seq: the
 *               encoder's, or part=dec the decoder's
 *   jacobian product  the product of every step's ||dh_t/dh_{t-1}|| over
 *               sequence 0 of the last step, top layer (layer=K)
 *   gate f mean a gate's mean over the last step (every layer, timestep,
 *               sequence and unit; lstm i f g o c, gru r z n)
 *   gate f max  the most open unit's: the largest of the units' means
 *   distill gain|student|alone|teacher  the last distill's validation losses
 *               at its end: the student's, the same student's trained
 *               without the teacher (baseline=on), the teacher's; gain is
 *               alone - student (> 0: the teacher helped)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "views.h"
#include "breakpoint.h"
#include "checkpoint.h"
#include "probe.h"

/* t=1 and t=T inside "ratio(t=A,t=B)" (T = the last step). */
static int parse_ratio(const char *w, int T, int *t1, int *t2)
{
	const char *p = strstr(w, "t=");
	if (!p)
		return -1;
	char a[16], b[16];
	if (sscanf(p, "t=%15[^,],t=%15[^)])", a, b) != 2)
		return -1;
	*t1 = !strcmp(a, "T") ? T : atoi(a);
	*t2 = !strcmp(b, "T") ? T : atoi(b);
	return *t1 >= 1 && *t2 >= 1 && *t1 <= T && *t2 <= T ? 0 : -1;
}

/* expect landscape STAT: the last landscape's numbers (LandPicture) */
static const char *const land_stats[] = { "loss", "grad", "sgd", "clipped", "step", "span" };

static int land_stat(const char *w)
{
	for (int i = 0; i < (int)(sizeof land_stats / sizeof *land_stats); i++)
		if (!strcmp(w, land_stats[i]))
			return i;
	return -1;
}

const char *const expect_quantities[] = {
	"loss", "val", "best_val", "acc", "seq_acc", "tok_acc", "grad", "grad_first", "grad_max",
	"flow", "radius", "steps", "params", "finite", "error", "ok", "activations", "gate", "eigen", "jacobian",
	"landscape", "distill", NULL
};

/* expect distill STAT: the last distill's validation losses (DistillRecord) */
static const char *const distill_stats[] = { "gain", "student", "alone", "teacher" };

static int distill_stat(const char *w)
{
	for (int i = 0; i < (int)(sizeof distill_stats / sizeof *distill_stats); i++)
		if (!strcmp(w, distill_stats[i]))
			return i;
	return -1;
}
#define NQ ((int)(sizeof expect_quantities / sizeof *expect_quantities) - 1)

int cmd_expect(Session *s, int argc, const Word *argv, Err *e)
{
	int q, rc;
	if ((rc = arg_enum("quantity", argv[1].text, expect_quantities, NQ, &q, e)))
		return rc;
	const char *name = expect_quantities[q];
	const Cells *cells = learner_cells(s->lr);	/* NULL: not an rnn, lstm or gru model */
	if (!strcmp(name, "ok")) {
		if (s->lesson_error[0])
			return err_set(e, ERR_STATE, "the last `try` failed: %s", s->lesson_error);
		session_printf(s, "  ok: the last `try` succeeded");
		s->lesson_checks++;
		return 0;
	}
	if (!strcmp(name, "error")) {
		if (!s->lesson_error[0])
			return err_set(e, ERR_STATE, "the last `try` did not fail");
		if (argc > 2 && !strstr(s->lesson_error, argv[2].text))
			return err_set(e, ERR_STATE, "the last `try` failed differently: %s", s->lesson_error);
		session_printf(s, "  ok: the last `try` failed%s%s%s", argc > 2 ? " with \"" : "", argc > 2 ? argv[2].text : "",
			       argc > 2 ? "\"" : "");
		s->lesson_checks++;
		return 0;
	}
	/* optional words between the quantity and the comparison; part= first:
	 * the flow's and the gates' ranges are the stack's it names */
	int i = 2, layer = -1, t1 = 1, t2 = -1, gate = -1, part = 0;
	const char *part_name = NULL;
	for (int j = 2; j < argc; j++)
		if (argv[j].key && !strcmp(argv[j].key, "part")) {
			if (strcmp(name, "eigen") && strcmp(name, "flow") && strcmp(name, "gate"))
				return err_set(e, ERR_INVAL, "part= is for expect eigen, flow and gate (a seq2seq model's "
					       "encoder or decoder), not %s", name);
			if ((rc = learner_part(s->lr, argv[j].value, &part, e)))
				return rc;
			part_name = argv[j].value;
		}
	/* flow and gate: of the stack part= names, else the one the panes show */
	const Cells *pcells = learner_stack_cells(s->lr, part_name ? part : s->cur.part);
	GateStat gstat = GATE_MEAN;
	const char *stat = NULL;	/* eigen max|norm|outside, jacobian product */
	for (; i < argc && !(argv[i].text[0] == '<' || argv[i].text[0] == '>' || argv[i].text[0] == '='); i++) {
		if (!strcmp(name, "gate") && i == 2) {
			if ((rc = learner_need(s->lr, CAP_PROBES, "expect gate", e)) ||
			    (rc = gate_index(pcells->m->cfg.cell, argv[i].text, &gate, e)))
				return rc;
		} else if (i == 2 && ((!strcmp(name, "eigen") && (!strcmp(argv[i].text, "max") || !strcmp(argv[i].text, "norm") ||
								   !strcmp(argv[i].text, "outside"))) ||
				      (!strcmp(name, "jacobian") && !strcmp(argv[i].text, "product")) ||
				      (!strcmp(name, "landscape") && land_stat(argv[i].text) >= 0) ||
				      (!strcmp(name, "distill") && distill_stat(argv[i].text) >= 0))) {
			stat = argv[i].text;
		} else if (!strcmp(name, "gate") && i == 3 && (!strcmp(argv[i].text, "mean") || !strcmp(argv[i].text, "max"))) {
			gstat = argv[i].text[1] == 'e' ? GATE_MEAN : GATE_UNIT_MAX;
		} else if (argv[i].key && !strcmp(argv[i].key, "layer")) {
			if ((rc = arg_int("layer", argv[i].value, 0, MODEL_MAX_LAYERS - 1, &layer, e)))
				return rc;
		} else if (argv[i].key && !strcmp(argv[i].key, "part")) {	/* taken above */
			continue;
		} else if (!strncmp(argv[i].text, "ratio(", 6)) {
			int T = pcells ? pcells->t->probe.T : 0;
			if (!T)
				return err_set(e, ERR_STATE, "no backward pass yet for the flow (train a step or run grads)");
			if (parse_ratio(argv[i].text, T, &t1, &t2))
				return err_set(e, ERR_INVAL, "flow ratio must be ratio(t=A,t=B) with 1 <= A, B <= T=%d, got %s", T,
					       argv[i].text);
		} else {
			return err_set(e, ERR_INVAL, "unexpected '%s' (usage: expect QUANTITY < VALUE)", argv[i].text);
		}
	}
	if (i + 1 >= argc)
		return err_set(e, ERR_INVAL, "expected a comparison (usage: expect %s < VALUE)", name);
	const char *op = argv[i].text;
	if (strcmp(op, "<") && strcmp(op, ">") && strcmp(op, "<=") && strcmp(op, ">=") && strcmp(op, "=="))
		return err_set(e, ERR_INVAL, "unknown comparison '%s' (choices: <, >, <=, >=, ==)", op);
	float want;
	if ((rc = arg_float("the value", argv[i + 1].text, -1e38, 1e38, &want, e)))
		return rc;
	if (i + 2 < argc)
		return err_set(e, ERR_INVAL, "unexpected '%s' at the end", argv[i + 2].text);

	const History *h = &s->hist;
	double v = NAN;
	if (!strcmp(name, "loss")) {
		size_t from = h->n > 10 ? h->n - 10 : 0;
		double sum = 0;
		for (size_t k = from; k < h->n; k++)
			sum += h->col[HIST_LOSS][k];
		v = h->n ? sum / (double)(h->n - from) : NAN;
	} else if (!strcmp(name, "val")) {	/* of the weights now: after prune, quantize, import... */
		if ((rc = session_val_now(s, &v, e)))
			return rc;
	} else if (!strcmp(name, "best_val")) {
		v = h->best_val;
	} else if (!strcmp(name, "acc")) {
		double acc;
		if ((rc = session_accuracy(s, &acc, e)))
			return rc;
		v = acc;
	} else if (!strcmp(name, "seq_acc")) {
		double val;	/* the accuracies of the validation pass of the weights now */
		if ((rc = session_val_now(s, &val, e)))
			return rc;
		v = s->val_sums.seqs ? (double)s->val_sums.seq_correct / (double)s->val_sums.seqs : NAN;
	} else if (!strcmp(name, "tok_acc")) {
		double val;
		if ((rc = session_val_now(s, &val, e)))
			return rc;
		v = s->val_sums.scored ? (double)s->val_sums.correct / (double)s->val_sums.scored : NAN;
	} else if (!strcmp(name, "grad")) {
		v = history_last(h, HIST_GRAD);
	} else if (!strcmp(name, "grad_first")) {
		v = h->n ? h->col[HIST_GRAD][0] : NAN;
	} else if (!strcmp(name, "grad_max")) {
		v = h->max_grad;
	} else if (!strcmp(name, "flow")) {
		const Probe *p = pcells ? &pcells->t->probe : NULL;
		if (!p || !p->T)
			return err_set(e, ERR_STATE, "no backward pass yet for the flow (train a step or run grads)");
		int k = layer >= 0 ? layer : p->L - 1;
		if (k >= p->L)
			return err_set(e, ERR_INVAL, "layer must be from 0 to %d", p->L - 1);
		v = probe_flow_ratio(p, k, t1 - 1, (t2 < 0 ? p->T : t2) - 1);
	} else if (!strcmp(name, "radius")) {
		if ((rc = learner_need(s->lr, CAP_TIMESTEPS, "expect radius", e)))
			return rc;
		double r[MODEL_MAX_LAYERS * 4];
		probe_spectral(cells->m, r);
		v = 0;
		for (int k = 0; k < cells->m->cfg.layers * cells->m->gates; k++)
			v = fmax(v, r[k]);
	} else if (!strcmp(name, "steps")) {
		v = (double)session_step(s);
	} else if (!strcmp(name, "params")) {
		ParamBlock pb;
		v = session_params(s, &pb) ? (double)pb.nparam : 0;
	} else if (!strcmp(name, "activations")) {
		v = cells && cells->t->tr ? (double)cells->t->tr->memsize * 4 / (1 << 20) : NAN;
	} else if (!strcmp(name, "finite")) {
		v = s->lesson_nonfinite ? 0 : 1;
	} else if (!strcmp(name, "eigen") || !strcmp(name, "jacobian")) {
		if (!stat)
			return err_set(e, ERR_INVAL, "%s", !strcmp(name, "eigen") ? "which? (usage: expect eigen max|norm|outside "
				       "[layer=K] [part=enc|dec] > 1)" : "which? (usage: expect jacobian product [layer=K] < 1e-10)");
		/* eigen reads any model's W_hh (view_eigen asks for a model);
		 * jacobian the trace of a model of cells */
		if (strcmp(name, "eigen") && (rc = learner_need(s->lr, CAP_TIMESTEPS, name, e)))
			return rc;
		ViewOpts o = { .gate = -1, .part = part,
			       .layer = layer >= 0 ? layer : !strcmp(name, "eigen") ? 0 : cells->m->cfg.layers - 1 };
		if (!strcmp(name, "eigen")) {	/* of the default block: rnn's only one, the candidate's */
			ViewEigen ev;
			if ((rc = view_eigen(s, &o, &ev, e)))
				return rc;
			v = stat[0] == 'm' ? ev.radius : stat[0] == 'n' ? ev.norm2 : ev.outside;
			view_eigen_done(&ev);
		} else {	/* sequence 0: the product of every step's norm */
			ViewLines L;
			if ((rc = view_lines(s, VIEW_JACOBIAN, &o, &L, e)))
				return rc;
			v = L.ser[1].y[0];
			view_lines_done(&L);
		}
	} else if (!strcmp(name, "landscape")) {
		if (!stat)
			return err_set(e, ERR_INVAL, "which? (usage: expect landscape loss|grad|sgd|clipped|step|span > 1)");
		if (!s->land.have || s->land.gen != s->weights_gen)
			return err_set(e, ERR_STATE, "no landscape of the weights now: run landscape first");
		const LandPicture *lp = &s->land;
		const double lv[] = { lp->st.loss0, lp->st.gnorm, lp->st.sgd_loss / lp->st.loss0,
				      lp->st.clip_loss / lp->st.loss0, lp->st.sgd_len / lp->st.wnorm, lp->gspan };
		v = lv[land_stat(stat)];
		if (isnan(v) && !strcmp(stat, "span"))
			return err_set(e, ERR_STATE, "a plane has no span: run landscape along one direction (no dir2=)");
	} else if (!strcmp(name, "distill")) {
		if (!stat)
			return err_set(e, ERR_INVAL, "which? (usage: expect distill gain|student|alone|teacher > 0)");
		const DistillRecord *r = &s->kd_rec;
		if (!r->have)
			return err_set(e, ERR_STATE, "the current model was not distilled (distill hidden=N trains a student)");
		const double dv[] = { r->alone_val - r->student_val, r->student_val, r->alone_val, r->teacher_val };
		v = dv[distill_stat(stat)];
		if (isnan(v) && (stat[0] == 'g' || stat[0] == 'a') && isnan(r->alone_val))
			return err_set(e, ERR_STATE, "distill %s needs the student trained without the teacher (baseline=on)", stat);
	} else if (!strcmp(name, "gate")) {
		if (gate < 0)
			return err_set(e, ERR_INVAL, "which gate? (usage: expect gate f mean > 0.5)");
		if (!pcells->t->tr || !pcells->t->probe.T)
			return err_set(e, ERR_STATE, "no forward pass yet for the gates (train a step or run grads)");
		v = gate_stat(pcells->m, pcells->t->tr, gate, gstat);
	}
	char label[32];
	snprintf(label, sizeof label, "%s%s%s", name, gate >= 0 || stat ? " " : "", gate >= 0 ? argv[2].text : stat ? stat : "");
	if (gate >= 0)
		strcat(label, gstat == GATE_MEAN ? " mean" : " max");
	if (part_name) {	/* checked against the learner's names: short */
		strcat(label, " part=");
		strncat(label, part_name, sizeof label - strlen(label) - 1);
	}
	name = label;
	if (isnan(v))
		return err_set(e, ERR_STATE, "%s has no value yet (train first%s)", name,
			       !strcmp(name, "val") || !strcmp(name, "best_val") ? " with validation" : "");
	int holds = !strcmp(op, "<") ? v < want : !strcmp(op, ">") ? v > want : !strcmp(op, "<=") ? v <= want
		  : !strcmp(op, ">=") ? v >= want : v == want;
	if (!holds)
		return err_set(e, ERR_STATE, "%s is %.4g, not %s %g: the lesson's claim does not hold", name, v, op, want);
	session_printf(s, "  ok: %s = %.4g %s %g", name, v, op, want);
	s->lesson_checks++;
	return 0;
}

/* Run the rest of the words as a command; record its error instead of
 * stopping the script. */
int cmd_try(Session *s, int argc, const Word *argv, Err *e)
{
	Stmt st = { argc - 1, (Word *)argv + 1 };
	Err inner;
	s->lesson_error[0] = '\0';
	int rc = cmd_dispatch(s, &st, &inner);
	if (s->script_stop[0])	/* the depth or the budget: the whole script stops, try or not */
		return err_set(e, ERR_STATE, "%s", s->script_stop);
	if (rc)
		session_try_failed(s, argv[1].text, &inner);
	else if (s->job.left > 0)	/* the workbench trains later: its failure is the try's */
		s->job.tried = 1;
	(void)e;
	return 0;
}

int cmd_full(Session *s, int argc, const Word *argv, Err *e)
{
	if (s->host.fast) {
		session_printf(s, "  (fast mode: skipped `%s`)", argv[1].text);
		return 0;
	}
	Stmt st = { argc - 1, (Word *)argv + 1 };
	return cmd_dispatch(s, &st, e);
}
