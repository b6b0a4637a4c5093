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
			return err_set(e, ERR_INVAL, "usage: runs | runs name TEXT (the words of TEXT, no quotes needed)");
		if (!s->lr)
			return err_set(e, ERR_STATE, "no model yet: the current run is the current model's");
		char name[sizeof s->run_name];
		size_t len = 0;
		for (int i = 2; i < argc; i++) {
			const char *w = argv[i].key ? NULL : argv[i].text;
			char kv[300];
			if (!w) {
				snprintf(kv, sizeof kv, "%s=%s", argv[i].key, argv[i].value);
				w = kv;
			}
			int n = snprintf(name + len, sizeof name - len, "%s%s", len ? " " : "", w);
			if (n < 0 || (size_t)n >= sizeof name - len)
				return err_set(e, ERR_INVAL, "a run's name is at most %zu characters", sizeof name - 1);
			len += (size_t)n;
		}
		memcpy(s->run_name, name, len + 1);
		return 0;
	}
	const int nr = session_run_count(s);
	if (!nr) {
		session_printf(s, "no runs yet: each model starts one");
		return 0;
	}
	char label[SESSION_MAX_RUNS + 1][64];
	int lw = 3;
	for (int r = 0; r < nr; r++) {
		session_run_label(s, r, label[r], sizeof label[r]);
		int w = (int)strlen(label[r]);
		lw = w > lw ? w : lw;
	}
	session_printf(s, "  %2s  %-*s %10s %7s %10s %10s %9s", "#", lw, "run", "parameters", "steps", "last loss",
		       "best val", "tok/s");
	int any_current = 0;
	for (int r = 0; r < nr; r++) {
		RunRef rr;
		session_run(s, r, &rr);
		const History *h = rr.hist;
		any_current |= rr.current;
		session_printf(s, "  %2d%c %-*s %10zu %7.0f %10.4g %10.4g %9.0f", r + 1, rr.current ? '*' : ' ', lw, label[r],
			       rr.nparam, h->n ? h->col[HIST_STEP][h->n - 1] : 0.0,
			       h->n ? h->col[HIST_LOSS][h->n - 1] : NAN, h->best_val, rr.tok_s);
	}
	session_printf(s, "  (%stok/s: the median over a run's steps)", any_current ? "* the current run; " : "");
	return 0;
}

int cmd_compare(Session *s, int argc, const Word *argv, Err *e)
{
	Word w[10] = { { "plot", NULL, NULL }, { "compare", NULL, NULL } };
	if (argc - 1 > 8)
		return err_set(e, ERR_INVAL, "too many words (usage: %s)", cmd_find("compare")->usage);
	for (int i = 1; i < argc; i++)
		w[i + 1] = argv[i];
	return cmd_plot(s, argc + 1, w, e);
}
