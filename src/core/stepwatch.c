/* stepwatch.c — the watcher of a long step (stepwatch.h): a thread-local
 * callback, rate-limited by the monotonic clock, and one atomic flag. */
#include "stepwatch.h"

#include <stdatomic.h>
#include <time.h>

static _Thread_local StepWatchFn watch_fn;
static _Thread_local void *watch_ctx;
static _Thread_local double watch_last, watch_every;
static _Thread_local int armed;		/* inside a training step */
static atomic_int stopped;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void stepwatch_set(StepWatchFn fn, void *ctx, double every)
{
	watch_fn = fn;
	watch_ctx = ctx;
	watch_every = every;
	watch_last = 0;
}

void stepwatch_begin(void)
{
	atomic_store_explicit(&stopped, 0, memory_order_relaxed);
	armed = 1;
	watch_last = now();
}

int stepwatch_end(void)
{
	armed = 0;
	return atomic_exchange_explicit(&stopped, 0, memory_order_relaxed);
}

int stepwatch_tick(int backward, int layer, int t, int T)
{
	if (atomic_load_explicit(&stopped, memory_order_relaxed))
		return 1;
	if (!watch_fn || !armed)
		return 0;
	if (watch_every > 0) {
		const double n = now();
		if (n - watch_last < watch_every)
			return 0;
		watch_last = n;
	}
	const StepWhere w = { backward, layer, t, T };
	if (!watch_fn(watch_ctx, &w))
		return 0;
	atomic_store_explicit(&stopped, 1, memory_order_relaxed);
	return 1;
}

int stepwatch_stopped(void)
{
	return atomic_load_explicit(&stopped, memory_order_relaxed);
}
