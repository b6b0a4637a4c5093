/* checkpoint.c — the ring of checkpoints: owned copies of the weights and
 * optimizer state, the oldest dropped when full. */
#include "checkpoint.h"

#include <stdlib.h>
#include <string.h>

void checkpoints_init(Checkpoints *c, int keep)
{
	memset(c, 0, sizeof *c);
	c->keep = keep < 1 ? 1 : keep > DEBUG_MAX_CHECKPOINTS ? DEBUG_MAX_CHECKPOINTS : keep;
}

static void cp_free(Checkpoint *cp)
{
	free(cp->params);
	free(cp->m);
	free(cp->v);
	memset(cp, 0, sizeof *cp);
}

void checkpoints_clear(Checkpoints *c)
{
	for (int i = 0; i < DEBUG_MAX_CHECKPOINTS; i++)
		cp_free(&c->cp[i]);
	c->count = c->next = 0;
}

void checkpoints_done(Checkpoints *c)
{
	checkpoints_clear(c);
}

static float *dup_floats(const float *p, size_t n)
{
	if (!p)
		return NULL;
	float *d = malloc(n * sizeof *d);
	if (d)
		memcpy(d, p, n * sizeof *d);
	return d;
}

int checkpoints_take(Checkpoints *c, const Checkpoint *src, Err *e)
{
	Checkpoint cp = *src;
	cp.params = dup_floats(src->params, src->n);
	cp.m = dup_floats(src->m, src->n);
	cp.v = dup_floats(src->v, src->n);
	if (!cp.params || (src->m && !cp.m) || (src->v && !cp.v)) {
		cp_free(&cp);
		return err_set(e, ERR_NOMEM, "out of memory for a checkpoint");
	}
	/* the slot after the newest; when full it holds the oldest */
	cp_free(&c->cp[c->next]);
	c->cp[c->next] = cp;
	c->next = (c->next + 1) % c->keep;
	if (c->count < c->keep)
		c->count++;
	return 0;
}

const Checkpoint *checkpoints_get(const Checkpoints *c, int i)
{
	if (i < 0 || i >= c->count)
		return NULL;
	return &c->cp[(c->next - 1 - i + 2 * c->keep) % c->keep];
}

void checkpoints_drop_newer(Checkpoints *c, int i)
{
	for (int k = 0; k < i && c->count > 0; k++) {
		c->next = (c->next - 1 + c->keep) % c->keep;
		cp_free(&c->cp[c->next]);
		c->count--;
	}
}
