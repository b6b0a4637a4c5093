/* breakpoint.h — the conditions the timestep debugger stops training on.
 *
 * Breakpoints are conditions on every training step:
 *   break grad > 1e3          global gradient norm (before clipping)
 *   break loss nan            the loss is not finite (the step is refused)
 *   break loss < 0.05         training loss; also >, and val (validation)
 *   break gate f mean < 0.1   mean activation of gate f (lstm i f g o c,
 *                             gru r z n) over the batch, time and units
 *   break sat > 0.5           saturated fraction of units
 *   break flow < 1e-10        ||dL/dh_1|| / ||dL/dh_T|| of the top layer
 * grad, loss, gate, sat and flow are tested before the step's update is
 * applied (train_apply asks the session): when one holds, the update is
 * held back.  val is tested after it, on the new weights.  Either way
 * training stops and the front end shows the step pane at the timestep
 * that matters.
 */
#ifndef RNNLAB_BREAKPOINT_H
#define RNNLAB_BREAKPOINT_H

#include <stddef.h>

#include "err.h"
#include "lex.h"
#include "model.h"
#include "probe.h"

typedef enum { BRK_GRAD, BRK_LOSS, BRK_VAL, BRK_GATE, BRK_SAT, BRK_FLOW, BRK_KIND_COUNT } BreakKind;
typedef enum { BRK_GT, BRK_LT, BRK_NAN } BreakOp;

extern const char *const break_kind_names[BRK_KIND_COUNT];

typedef struct Breakpoint {
	BreakKind kind;
	BreakOp op;
	double value;
	int gate;		/* BRK_GATE: index of the gate (lstm 4 = c) */
	char text[96];		/* as the user wrote it, canonical */
	long hits;
} Breakpoint;

#define DEBUG_MAX_BREAKS 16

/* What a breakpoint looks at: the step's loss, norm and probes (before its
 * update) or the validation loss (after it). */
typedef struct BreakInput {
	double loss, val, grad;	/* val NaN when not measured this step */
	int finite;		/* the step was applied */
	const Model *m;
	const struct Trace *tr;	/* the step's forward (gates) */
	const Probe *probe;
} BreakInput;

/* Parse the words after `break` into b (argv[0] is the first word). */
int break_parse(int argc, const Word *argv, CellKind cell, Breakpoint *b, Err *e);
/* Does b hold?  *seen gets the observed value (for the message). */
int break_test(const Breakpoint *b, const BreakInput *in, double *seen);
/* A gate over the trace: its mean over every layer, timestep, sequence and
 * unit (GATE_MEAN), or the largest of the units' means over time and
 * sequences (GATE_UNIT_MAX: the unit that stays most open).  gate is an
 * index into the cell's gates (lstm i f g o, then c; gru r z n); NaN when
 * the trace has no such gate.  `gate_index` finds the index of a gate's
 * name (ERR_INVAL naming the choices). */
typedef enum { GATE_MEAN, GATE_UNIT_MAX } GateStat;
double gate_stat(const Model *m, const struct Trace *tr, int gate, GateStat stat);
int gate_index(CellKind cell, const char *name, int *gate, Err *e);
/* The timestep worth showing when b fired (largest or smallest flow). */
int break_focus(const Breakpoint *b, const BreakInput *in);

#endif
