/* stepwatch.h — a long training step, watched from inside and stopped.
 *
 * An LSTM of 256 units over 1,000 timesteps spends tens of seconds in one
 * step; a front end must answer keys and redraw meanwhile.  The thread
 * that runs a step may set a watcher: cell_forward and cell_backward_state
 * call stepwatch_tick() between timesteps, which calls the watcher at most
 * every `every` seconds (a front end: STEPWATCH_EVERY) with where the step
 * is.  A watcher that
 * answers nonzero stops the step: every later timestep and layer, in this
 * thread and in the worker threads of the same step, returns at once (they
 * test the flag), and the trainers apply nothing (ERR_STOPPED).
 *
 * The watcher is the setting thread's own (thread-local) and is called
 * only inside a training step (between stepwatch_begin and stepwatch_end):
 * evaluation passes are never stopped.  The worker threads never call it,
 * they only see the flag.  One step runs at a time in a process, so the
 * flag is one, and stepwatch_end clears it.
 */
#ifndef RNNLAB_STEPWATCH_H
#define RNNLAB_STEPWATCH_H

#define STEPWATCH_EVERY 0.05	/* seconds between calls of the watcher */

typedef struct StepWhere {
	int backward;		/* 0: the forward sweep, 1: the backward one */
	int layer;
	int t, T;		/* the timestep about to run (0-based) of T */
} StepWhere;

typedef int (*StepWatchFn)(void *ctx, const StepWhere *w);

/* This thread's watcher (NULL: none), called at most every `every`
 * seconds (0: between every two timesteps). */
void stepwatch_set(StepWatchFn fn, void *ctx, double every);
/* A training step begins on this thread: the watcher is called, nothing
 * is stopped yet. */
void stepwatch_begin(void);
/* It ended: whether it was stopped; the flag is cleared. */
int stepwatch_end(void);
/* Between timesteps: 1 when the step is to stop (now or before). */
int stepwatch_tick(int backward, int layer, int t, int T);
/* Whether the step was stopped. */
int stepwatch_stopped(void);

#endif
