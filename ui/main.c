/* main.c — rnnlab's entry point: picks the front end from the arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void usage(FILE *f)
{
	fputs("usage: rnnlab [FILE.lab]             the workbench (a lesson or script when given)\n"
	      "       rnnlab --batch FILE|-         run commands without the TUI\n"
	      "       rnnlab -c 'CMD; CMD'          run the commands, then exit\n"
	      "       rnnlab --bench key=value...   training throughput\n"
	      "       rnnlab --help | --version\n"
	      "\n"
	      "bench keys: cell=rnn|lstm|gru in=N hidden=N layers=N batch=N seq=N steps=N\n"
	      "            warmup=N threads=N   (defaults: lstm 128 128 1 32 64 50 3 1)\n", f);
}

static int run_bench(int argc, char **argv)
{
	BenchConfig c;
	BenchResult r;
	Err e;
	bench_config_default(&c);
	if (bench_parse(&c, argc, argv, &e)) {
		fprintf(stderr, "rnnlab: %s\n", e.msg);
		return 2;
	}
	printf("bench: cell=%s in=%d hidden=%d layers=%d batch=%d seq=%d steps=%d threads=%d\n",
	       cell_names[c.cell], c.in, c.hidden, c.layers, c.batch, c.seq, c.steps, c.threads);
	if (bench_run(&c, &r, &e)) {
		fprintf(stderr, "rnnlab: %s\n", e.msg);
		return 1;
	}
	printf("time: %.3f s for %d steps (%.2f ms/step), final loss %.4f\n", r.seconds, c.steps,
	       1e3 * r.seconds / c.steps, r.final_loss);
	printf("GFLOP/s: %.1f\n", r.gflops);
	printf("tokens/s: %.0f\n", r.tokens_per_s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("rnnlab %s\n", RNNLAB_VERSION);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--bench"))
		return run_bench(argc - 2, argv + 2);
	usage(stderr);
	return 2;
}
