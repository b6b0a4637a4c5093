/* runs.c — the runs of a session: each model starts one; the finished ones
 * are kept (their history, their last gradient flow) for `runs` and
 * `compare`, and each gets a label that tells it apart from the others. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_done(Run *r)
{
	history_done(&r->hist);
	free(r->flow);
	r->flow = NULL;
}

/* The top layer's ||dL/dh_t|| of the last backward pass of learner l, t
 * from 1: where the loss enters, and a curve every model of cells has. */
static const double *learner_flow(const Learner *l, int *T, long *step)
{
	const Cells *c = learner_stack_cells(l, 0);	/* seq2seq: the encoder's, where attention matters */
	if (!c || !c->t->probe.T)
		return NULL;
	const Probe *p = &c->t->probe;
	*T = p->T;
	*step = c->t->step;
	return p->dh_norm + (size_t)(p->L - 1) * p->Tcap;
}

/* Keep learner l's run: its history h moves into the run (h is left
 * empty); a run without steps is not kept (0). */
static int archive(Session *s, const Learner *l, History *h, const char *name, const char *data)
{
	if (!l || !h->n)
		return 0;
	Run r;
	memset(&r, 0, sizeof r);
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.model, sizeof r.model, "%s", l->line);
	snprintf(r.data, sizeof r.data, "%s", data);
	r.nparam = l->pb.nparam;
	r.tok_s = history_median(h, HIST_TOKS);
	int T;
	long step;
	const double *flow = learner_flow(l, &T, &step);
	if (flow && (r.flow = malloc((size_t)T * sizeof *r.flow))) {
		memcpy(r.flow, flow, (size_t)T * sizeof *r.flow);
		r.flow_T = T;
		r.flow_step = step;
	}
	/* the history moves into the run; h starts afresh */
	r.hist = *h;
	history_init(h);
	session_add_run(s, &r);
	return 1;
}

void session_add_run(Session *s, Run *r)
{
	if (s->nruns == SESSION_MAX_RUNS) {	/* drop the oldest */
		run_done(&s->runs[0]);
		memmove(s->runs, s->runs + 1, (SESSION_MAX_RUNS - 1) * sizeof *s->runs);
		s->nruns--;
	}
	s->runs[s->nruns++] = *r;
	memset(r, 0, sizeof *r);
}

void session_archive_run(Session *s)
{
	if (!archive(s, s->lr, &s->hist, s->run_name, s->run_data[0] || !s->data ? s->run_data : data_args(s->data)))
		return;
	s->run_name[0] = '\0';
	s->run_data[0] = '\0';
}

void session_archive_learner(Session *s, const Learner *l, History *h, const char *name)
{
	archive(s, l, h, name, s->run_data[0] || !s->data ? s->run_data : data_args(s->data));
}

int session_run_count(const Session *s)
{
	return s->nruns + (s->lr != NULL);
}

void session_run(const Session *s, int i, RunRef *out)
{
	memset(out, 0, sizeof *out);
	if (i < s->nruns) {
		const Run *r = &s->runs[i];
		*out = (RunRef){ r->name, r->model, r->data, &r->hist, r->nparam, r->tok_s,
				 r->flow, r->flow_T, r->flow_step, 0 };
		return;
	}
	out->name = s->run_name;
	out->model = s->lr->line;
	out->data = s->run_data[0] || !s->data ? s->run_data : data_args(s->data);
	out->hist = &s->hist;
	out->nparam = s->lr->pb.nparam;
	out->tok_s = history_median(&s->hist, HIST_TOKS);	/* as a finished run's */
	out->flow = learner_flow(s->lr, &out->flow_T, &out->flow_step);
	out->current = 1;
}

/* Does word w (n bytes) occur as a whole word of the model line m? */
static int has_word(const char *m, const char *w, size_t n)
{
	while (*m) {
		size_t k = strcspn(m, " ");
		if (k == n && !memcmp(m, w, n))
			return 1;
		m += k;
		m += strspn(m, " ");
	}
	return 0;
}

void session_run_label(const Session *s, int i, char *buf, size_t cap)
{
	RunRef r;
	session_run(s, i, &r);
	if (r.name[0]) {
		snprintf(buf, cap, "%s", r.name);
		return;
	}
	/* the kind, then the words of the model line that some other run of
	 * the same kind lacks (other kinds are told apart by the kind) */
	const char *m = r.model + (strncmp(r.model, "model ", 6) ? 0 : 6);
	const size_t kind = strcspn(m, " ");
	const int nr = session_run_count(s);
	size_t len = 0;
	buf[0] = '\0';
	for (const char *p = m; *p;) {
		size_t k = strcspn(p, " ");
		int keep = p == m;
		for (int j = 0; j < nr && !keep; j++) {
			RunRef o;
			session_run(s, j, &o);
			const char *om = o.model + (strncmp(o.model, "model ", 6) ? 0 : 6);
			keep = j != i && !strncmp(om, m, kind) && (om[kind] == ' ' || !om[kind]) && !has_word(o.model, p, k);
		}
		if (keep && len + k + 2 < cap)
			len += (size_t)snprintf(buf + len, cap - len, "%s%.*s", len ? " " : "", (int)k, p);
		p += k;
		p += strspn(p, " ");
	}
	/* the same model twice: the runs' numbers tell them apart */
	for (int j = 0; j < nr; j++) {
		RunRef o;
		session_run(s, j, &o);
		if (j != i && !o.name[0] && !strcmp(o.model, r.model)) {
			if (len + 8 < cap)
				snprintf(buf + len, cap - len, " (#%d)", i + 1);
			break;
		}
	}
}
