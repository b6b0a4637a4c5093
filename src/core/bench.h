/* bench.h — training throughput: `rnnlab --bench key=value ...`.
 *
 * Times full training steps on random data after a warm-up: forward, a
 * dense head of size hidden at every step, MSE, backward, Adam — the same
 * work as PyTorch's nn.LSTM + nn.Linear(H, H) + MSELoss + Adam.
 */
#ifndef RNNLAB_BENCH_H
#define RNNLAB_BENCH_H

#include "model.h"

typedef struct BenchConfig {
	CellKind cell;
	int in, hidden, layers, batch, seq, steps, warmup, threads;
	int checkpoint;		/* > 0: bptt=checkpoint with segments of this many steps */
} BenchConfig;

typedef struct BenchResult {
	double seconds;		/* the timed steps */
	double tokens_per_s;	/* seq * batch * steps / seconds */
	double gflops;		/* estimated useful GFLOP/s (GEMM work) */
	double final_loss;
	double param_bytes;	/* parameters, gradients, optimizer state, the step guard's copy */
	double act_bytes;	/* the activations training keeps (every worker's trace) */
} BenchResult;

void bench_config_default(BenchConfig *c);
/* Parse "key=value" words: cell in hidden layers batch seq steps warmup threads checkpoint. */
int bench_parse(BenchConfig *c, int argc, char **argv, Err *e);
int bench_run(const BenchConfig *c, BenchResult *r, Err *e);
/* The machine's sgemm peak with the BLAS threads there are: GFLOP/s of
 * square single-precision products of side n (the best of a few), the
 * ceiling the training steps' GFLOP/s are read against. */
int bench_peak(int n, double *gflops, Err *e);

#endif
