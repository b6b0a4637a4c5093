/* sweep.h — what the parts of `sweep` share (cmd_sweep.c: the grid, the
 * runs here and the table; sweep_par.c: the runs in worker processes;
 * sweep_emit.c: the scripts, emit=, record and collect).
 *
 * Every combination starts from the session as it was when the sweep
 * began: the same data (its data line with the seed it was made from), the
 * same settings, and the generator reseeded with the session's seed (`set
 * seed=S`), then the combination's own data line, settings and model.  So
 * a run's numbers depend on its combination only, never on the runs before
 * it, and a script that does the same in a fresh rnnlab (a worker, another
 * machine) gets the same numbers.
 */
#ifndef RNNLAB_SWEEP_H
#define RNNLAB_SWEEP_H

#include "cmd.h"
#include "sweepio.h"

#define SWEEP_MAX_KEYS 3
#define SWEEP_MAX_VALS 12

typedef enum { AXIS_DATA, AXIS_CELL, AXIS_MODEL, AXIS_SETTING } AxisWhere;

typedef struct SweepAxis {
	char key[32];
	int nval;
	char val[SWEEP_MAX_VALS][32];
	AxisWhere where;
} SweepAxis;

/* A sweep as it was asked, and the session it starts from. */
typedef struct Sweep {
	SweepAxis ax[SWEEP_MAX_KEYS];
	int nax, total;
	long steps;
	float target;		/* NaN: none */
	const char *emit;	/* emit=DIR, or NULL */
	char data0[1024];	/* the data's arguments ("adding T=100 n=10000 ...") */
	char model0[1024];	/* the model line after "model " */
	uint64_t data_from;	/* the data's seed (seed_shift included) */
	uint64_t seed0;		/* the session's seed (seed_shift included) */
	uint64_t shift;		/* seed_shift */
	Settings set;		/* the settings as they were */
	TrainConfig tcfg;
	char value[64][64];	/* each setting's value then (setting_value) */
	int saved[64];		/* setting_saved said it can be written down */
	uint64_t id;		/* the sweep's id: a hash of its scripts */
	SweepRow *rows;		/* [total] */
} Sweep;

/* One combination: its label ("cell=lstm T=25") and its commands. */
typedef struct Combo {
	char label[SWEEP_LABEL_MAX];
	char data[2048];	/* the data's arguments, "" when no key of the data varies */
	char set[1024];		/* the varied settings as " KEY=VALUE..." ("" none) */
	char model[2048];	/* the model line after "model " */
} Combo;

void sweep_combo(const Sweep *w, int c, Combo *out);

/* Run combination c here, in the session: its row, and it stays the
 * current run.  Errors are reported through the host. */
int sweep_run_here(Session *s, Sweep *w, int c);

/* The table: a row per run that ran (failed and missing ones say why). */
void sweep_table(Session *s, const Sweep *w);

/* The script of combination c (malloc'd), its runs `threads`-threaded;
 * with_record: ends with the line that writes its result. */
char *sweep_script(const Sweep *w, int c, int threads, int with_record);
/* w->id from the scripts (threads as they will run). */
void sweep_make_id(Sweep *w, int threads);

/* jobs > 1 workers at once: combination total-1 here, the others each in a
 * process of its own (`rnnlab --batch` on its script).  Rows in w->rows,
 * the runs kept in order; 0, or an error when a run failed. */
int sweep_parallel(Session *s, Sweep *w, int jobs, Err *e);

/* emit=DIR: the scripts, the manifest and slurm.sh, nothing run. */
int sweep_emit(Session *s, Sweep *w, Err *e);
/* sweep record ID K: the current run's result beside the running script. */
int sweep_record(Session *s, int argc, const Word *argv, Err *e);
/* sweep collect DIR: the table and the compare plot from the results. */
int sweep_collect(Session *s, int argc, const Word *argv, Err *e);

#endif
