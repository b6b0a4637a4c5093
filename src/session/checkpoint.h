/* checkpoint.h — the ring of checkpoints that `rewind` goes back to.
 *
 * Checkpoints are snapshots of the weights, optimizer state and counters,
 * taken at the start of every `train` and every checkpoint_every steps;
 * the last few stay in memory and `rewind` goes back to one.
 */
#ifndef RNNLAB_CHECKPOINT_H
#define RNNLAB_CHECKPOINT_H

#include <stddef.h>

#include "err.h"
#include "rng.h"

#define DEBUG_MAX_CHECKPOINTS 8

typedef struct Checkpoint {
	long step;		/* trainer step when taken */
	size_t hist_n;		/* history rows then */
	long opt_t;
	Rng trainer_rng;
	long epoch, pos;	/* sampler */
	float *params, *m, *v;	/* owned copies */
	size_t n;
} Checkpoint;

typedef struct Checkpoints {
	int count, next;	/* a ring of DEBUG_MAX_CHECKPOINTS */
	int keep;		/* how many to keep (<= max) */
	Checkpoint cp[DEBUG_MAX_CHECKPOINTS];
} Checkpoints;

void checkpoints_init(Checkpoints *c, int keep);
void checkpoints_done(Checkpoints *c);
void checkpoints_clear(Checkpoints *c);
/* Take a snapshot; oldest dropped when full. */
int checkpoints_take(Checkpoints *c, const Checkpoint *src, Err *e);
/* The i-th newest (0 = newest), or NULL. */
const Checkpoint *checkpoints_get(const Checkpoints *c, int i);
/* Drop the newest i (after rewinding to checkpoint i, newer ones are gone). */
void checkpoints_drop_newer(Checkpoints *c, int i);

#endif
