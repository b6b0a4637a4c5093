/* cmd_break.c — break: conditions that stop training (breakpoint.c). */
#include <string.h>
#include <stdio.h>

#include "args.h"
#include "cmd.h"

int cmd_break(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc == 1 || !strcmp(argv[1].text, "list")) {
		if (!s->nbrk)
			session_printf(s, "no breakpoints (e.g. break grad > 1e3, break loss nan, break gate f mean < 0.1)");
		for (int i = 0; i < s->nbrk; i++)
			session_printf(s, "  %d  %-28s hit %ld time%s", i + 1, s->brk[i].text, s->brk[i].hits,
				       s->brk[i].hits == 1 ? "" : "s");
		return 0;
	}
	if (!strcmp(argv[1].text, "clear")) {
		if (argc == 2) {
			s->nbrk = 0;
			session_printf(s, "cleared every breakpoint");
			return 0;
		}
		int k, rc;
		if ((rc = arg_int("breakpoint", argv[2].text, 1, s->nbrk ? s->nbrk : 1, &k, e)))
			return rc;
		if (k > s->nbrk)
			return err_set(e, ERR_INVAL, "there are no breakpoints to clear");
		memmove(&s->brk[k - 1], &s->brk[k], (size_t)(s->nbrk - k) * sizeof *s->brk);
		s->nbrk--;
		return 0;
	}
	if (s->nbrk == DEBUG_MAX_BREAKS)
		return err_set(e, ERR_STATE, "at most %d breakpoints (break clear N removes one)", DEBUG_MAX_BREAKS);
	Breakpoint b;
	const Cells *cells = learner_stack_cells(s->lr, s->cur.part);	/* its cell names the gates */
	int rc = break_parse(argc - 1, argv + 1, cells ? cells->m->cfg.cell : CELL_LSTM, &b, e);
	if (rc)
		return rc;
	s->brk[s->nbrk++] = b;
	session_printf(s, "breakpoint %d: %s", s->nbrk, b.text);
	return 0;
}
