/* cmd_rewind.c — rewind: back to a checkpoint, and the list of them. */
#include <string.h>

#include "args.h"
#include "cmd.h"

int cmd_rewind(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc > 1 && !strcmp(argv[1].text, "list")) {
		if (!s->ckpt.count)
			session_printf(s, "no checkpoints yet (train takes one when it starts, and every checkpoint_every steps)");
		for (int i = 0; i < s->ckpt.count; i++) {
			const Checkpoint *c = checkpoints_get(&s->ckpt, i);
			session_printf(s, "  %d  step %ld%s", i, c->step, i == 0 ? "  (newest)" : "");
		}
		return 0;
	}
	int i = 0, rc;
	if (argc > 1 && (rc = arg_int("checkpoint", argv[1].text, 0, DEBUG_MAX_CHECKPOINTS - 1, &i, e)))
		return rc;
	if (!s->lr)
		return err_set(e, ERR_STATE, "no model yet");
	/* rewinding to the newest checkpoint when nothing happened since
	 * means the one before */
	const Checkpoint *c = checkpoints_get(&s->ckpt, i);
	ParamBlock pb;
	int same = c && session_params(s, &pb) && c->n == pb.nparam && c->step == session_step(s) &&
		   !memcmp(c->params, pb.params, c->n * sizeof(float));
	if (argc == 1 && same && s->ckpt.count > 1)	/* (quantize and prune change weights, not steps) */
		i = 1;
	if ((rc = session_rewind(s, i, e)))
		return rc;
	session_printf(s, "rewound to step %ld (%zu history rows kept)", session_step(s), s->hist.n);
	return 0;
}
