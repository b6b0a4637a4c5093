/* workers.h — data parallelism: one training step's batch split across threads.
 *
 * Waking a sleeping thread costs ~60 us on these machines, so the threads are
 * not used per timestep (that is what an OpenBLAS thread pool would do) but
 * once per step: each worker runs the whole forward and backward pass of its
 * slice of the batch, with its own trace and gradient block over the shared
 * parameters; the caller's thread is worker 0.  The gradients are then summed
 * with weights s_i / S (s_i the positions worker i scored), which is the
 * gradient of the whole batch's mean loss.
 *
 * Dropout masks come from one generator per worker, so a run with N workers
 * is deterministic, but not bit-identical to a run with a different N: the
 * masks and the order of the gradient sums differ.
 */
#ifndef RNNLAB_WORKERS_H
#define RNNLAB_WORKERS_H

#include "net.h"

typedef struct Workers Workers;

/* n workers (n >= 2) for model m; seed fixes the dropout generators. */
int workers_new(Workers **out, Model *m, int n, uint64_t seed, Err *e);
void workers_free(Workers *w);
int workers_count(const Workers *w);

/* Forward + backward of batch b across the workers (train mode): m->grads
 * gets the whole batch's gradient, *loss its mean loss.  tr0 is worker 0's
 * trace (the caller keeps it; sized by this call). */
int workers_step(Workers *w, Trace **tr0, const Batch *b, LossKind loss, double *lossout, Err *e);
/* The traces of the last step, for the probes: [count], and the weight
 * s_i / S of each (its share of the scored positions). */
const Trace *workers_trace(const Workers *w, int i);
double workers_weight(const Workers *w, int i);

#endif
