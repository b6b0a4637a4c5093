/* cmd_runs.c — runs (the table of runs, naming the current one) and
 * compare (their losses on one plot). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

int cmd_runs(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc > 1) {
		if (strcmp(argv[1].text, "name") || argc < 3)
			return err_set(e, ERR_INVAL, "usage: runs | runs name TEXT");
		if (!s->lr)
			return err_set(e, ERR_STATE, "no model yet: the current run is the current model's");
		snprintf(s->run_name, sizeof s->run_name, "%s", argv[2].text);
		return 0;
	}
	int nr = s->nruns + (s->lr != NULL);
	if (!nr) {
		session_printf(s, "no runs yet: each model starts one");
		return 0;
	}
	session_printf(s, "  %-26s %10s %7s %10s %10s %9s", "run", "parameters", "steps", "last loss", "best val",
		       "tok/s");
	for (int r = 0; r < nr; r++) {
		const History *h = r < s->nruns ? &s->runs[r].hist : &s->hist;
		const char *name = r < s->nruns ? s->runs[r].name : s->run_name[0] ? s->run_name : s->lr->line + 6;
		size_t np = r < s->nruns ? s->runs[r].nparam : s->lr->pb.nparam;
		double toks = r < s->nruns ? s->runs[r].tok_s : history_last(h, HIST_TOKS);
		session_printf(s, "  %-26.26s %10zu %7.0f %10.4g %10.4g %9.0f%s", name, np,
			       h->n ? h->col[HIST_STEP][h->n - 1] : 0.0, h->n ? h->col[HIST_LOSS][h->n - 1] : NAN,
			       h->best_val, toks, r == s->nruns ? "  (current)" : "");
	}
	return 0;
}

int cmd_compare(Session *s, int argc, const Word *argv, Err *e)
{
	Word w[4] = { { "plot", NULL, NULL }, { "compare", NULL, NULL } };
	int n = 2;
	for (int i = 1; i < argc && n < 4; i++)
		w[n++] = argv[i];
	return cmd_plot(s, n, w, e);
}
