/* sweepio.h — a sweep's files and rows: the result of one run (written by
 * `sweep record` beside its script), the manifest of an emitted sweep,
 * and a run's row in the sweep's table.
 *
 * The files may come back from other machines and other people: the
 * readers take them as a stranger's input.  Sizes are bounded, every
 * field is checked (counts, lengths, numbers that parse whole, steps that
 * increase), names are plain names inside the sweep's directory, never a
 * path, and a file is opened only when it is a regular file (not a link,
 * a FIFO or a device).  One line says what was wrong.
 *
 *   result:   # rnnlab sweep result 1        manifest:  # rnnlab sweep manifest 1
 *             sweep ID                                  sweep ID
 *             run K                                     runs N
 *             model LINE                                steps N
 *             data ARGS                                 target X | target none
 *             params N                                  run K SCRIPT RESULT LABEL   (N lines)
 *             tok_s X                                   end
 *             history ROWS     (ROWS lines of 7 numbers)
 *             flow T STEP      (then T numbers, one a line; T 0: none)
 *             end
 */
#ifndef RNNLAB_SWEEPIO_H
#define RNNLAB_SWEEPIO_H

#include <stdint.h>

#include "session.h"

#define SWEEP_MAX_RUNS 64
#define SWEEP_LABEL_MAX 128
#define SWEEP_NAME_MAX 64	/* a script's or result's file name */
#define SWEEP_RESULT_MAX ((size_t)32 << 20)
#define SWEEP_MANIFEST_MAX ((size_t)64 << 10)
#define SWEEP_FLOW_MAX (1L << 20)
#define SWEEP_MANIFEST "manifest"

/* A run's row: its best validation loss, its last training loss and the
 * first step whose validation loss was below the target. */
typedef struct SweepRow {
	char label[SWEEP_LABEL_MAX];
	double best, final;
	long hit;		/* -1: never */
	int state;		/* SWEEP_ROW_* */
	char why[300];		/* failed or missing: why */
} SweepRow;

enum { SWEEP_ROW_NONE, SWEEP_ROW_DONE, SWEEP_ROW_FAILED, SWEEP_ROW_MISSING };

/* The row of a run with history h (target NaN: none); state DONE. */
void sweep_row_from(SweepRow *r, const History *h, float target);

/* Write the current run of s (its model line, data, parameters, history
 * and last gradient flow) to path as run `run` of sweep `id`. */
int sweep_result_write(Session *s, const char *path, uint64_t id, int run, Err *e);

/* Read `name` in the directory dirfd (dir names it in messages): run `run`
 * of sweep `id`, or an error.  out gets the model line, data, parameter
 * count, throughput, history and flow (its name is left ""); free it with
 * run_done. */
int sweep_result_read(int dirfd, const char *dir, const char *name, uint64_t id, int run, Run *out, Err *e);

typedef struct SweepManifest {
	uint64_t id;
	int nruns;
	long steps;
	float target;		/* NaN: none */
	struct {
		char script[SWEEP_NAME_MAX], result[SWEEP_NAME_MAX];
		char label[SWEEP_LABEL_MAX];
	} run[SWEEP_MAX_RUNS];
} SweepManifest;

/* The manifest's text (malloc'd) and the reading of one (dirfd/manifest). */
char *sweep_manifest_text(const SweepManifest *m);
int sweep_manifest_read(int dirfd, const char *dir, SweepManifest *m, Err *e);

#endif
