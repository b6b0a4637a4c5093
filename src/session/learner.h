/* learner.h — one interface for every trainable model the session holds.
 *
 * A Learner is a model together with its trainer: its parameters in one
 * flat block, an optimizer, and the operations the commands need.  There
 * are two implementations, each in its own file:
 *
 *   learner_cells.c   rnn, lstm, gru: a stack of cells with an optional
 *                     embedding and head (net.c), read step by step
 *   learner_s2s.c     seq2seq: an encoder-decoder with attention (seq2seq.c)
 *
 * The session holds one Learner (or none) and calls through its ops; save,
 * load, rewind, import, export, quantize, prune and the checkpoints work on
 * the ParamBlock alone.  What only some learners can do is a capability:
 * a command that needs one is refused by the dispatcher, in one place
 * (cmd.c), with one message.
 */
#ifndef RNNLAB_LEARNER_H
#define RNNLAB_LEARNER_H

#include <stddef.h>
#include <stdint.h>

#include "data.h"
#include "gradcheck.h"
#include "lex.h"
#include "npz.h"
#include "out.h"
#include "seq2seq.h"
#include "train.h"

typedef struct Learner Learner;

/* Capabilities beyond train, eval, predict, probe, gradcheck and the
 * parameter block. */
enum {
	/* One stack of cells read step by step, with a trace and probes of the
	 * last training step: grads, gates, step, generate, breakpoints, the
	 * flow, saturation, gates and step panes (Learner.cells). */
	CAP_TIMESTEPS = 1 << 0,
	/* Decodes a source sequence into a target one: translate and the
	 * attention pane (ops->translate, ops->translation). */
	CAP_TRANSLATE = 1 << 1,
	/* Every stack of cells keeps a record of the last training step (a
	 * trace, its probe and the weights it ran with; LearnerStack.cells):
	 * grads, gates, step, breakpoints and the flow, saturation, gates and
	 * step panes read the stack the session picks (Session.part).  Both
	 * learners: rnn, lstm and gru have one stack, seq2seq two. */
	CAP_PROBES = 1 << 2,
	/* Teaches and learns by distillation: its outputs on a batch
	 * (ops->outputs), and a training step that mixes a teacher's outputs
	 * into its loss (Batch.zt, loss_distill in net.h). */
	CAP_DISTILL = 1 << 3,
};

/* The parameters as one flat block: what save, load, import, export,
 * quantize, prune and the checkpoints need. */
typedef struct ParamBlock {
	size_t nparam;
	float *params, *grads;
	int ntensors;
	const ParamInfo *tensors;	/* names, shapes, offsets */
	Optim *opt;		/* the trainer's optimizer */
	long *step;		/* the trainer's update count */
	Rng *rng;		/* the trainer's generator */
} ParamBlock;

/* CAP_TIMESTEPS: the cells and their trainer (the last step's trace and
 * probe live in the trainer). */
typedef struct Cells {
	Model *m;
	Trainer *t;
} Cells;

/* A stack of recurrent cells in the weights, for what reads W_hh (plot
 * eigen, expect eigen): a plain model has one, seq2seq two (the encoder
 * and the decoder).  part= picks one by its part name. */
#define LEARNER_MAX_STACKS 2
typedef struct LearnerStack {
	const char *part;	/* its part= name ("enc", "dec"); NULL: the model's only stack */
	const char *name;	/* what titles call it ("encoder", "decoder"); NULL: nothing */
	const Model *m;		/* borrowed: views over the parameter block */
	/* CAP_PROBES: the record of the last step of these cells.  For rnn,
	 * lstm and gru it is Learner.cells; for seq2seq cells.t is a Trainer
	 * that holds only the record (tr, probe, tw, trace_step, step): the
	 * encoder's or the decoder's layers of the step's S2sTrace. */
	Cells cells;
} LearnerStack;

/* Sums over evaluated batches of the validation split. */
typedef struct EvalSums {
	double loss_sum, weight;	/* the loss is loss_sum / weight */
	long examples;
	long scored, correct;	/* predictions scored and right (seq2seq: tokens, teacher-forced) */
	long seqs, seq_correct;	/* seq2seq: whole sequences greedy decoding gets right; else 0 */
} EvalSums;
/* The mean loss, NaN when nothing was scored. */
double eval_loss(const EvalSums *r);
/* Whole-sequence accuracy when sequences were decoded, else the accuracy
 * of the scored predictions, else NaN (regression). */
double eval_accuracy(const EvalSums *r);

/* How `probe` picks the loss of a plain model: `set loss` when given,
 * else integer targets mean ce, else the dataset's float loss, else mse. */
typedef struct ProbeLoss {
	int explicit_;		/* `set loss` was given: loss holds */
	LossKind loss;
	const DataInfo *di;	/* the selected dataset, or NULL */
} ProbeLoss;

typedef struct LearnerOps {
	unsigned caps;		/* CAP_* */
	void (*free)(Learner *l);
	/* Does it fit the dataset d under loss (set explicitly or not)?  The
	 * message says what differs and the fix. */
	int (*fit)(const Learner *l, const Dataset *d, LossKind loss, int loss_explicit, Err *e);
	/* The training configuration (optimizer state kept unless its kind changes). */
	int (*configure)(Learner *l, const TrainConfig *tc, Err *e);
	/* One training step on the filled batch db; sets l->acc. */
	int (*train_step)(Learner *l, const Dataset *d, const DataBatch *db, StepStats *st, Err *e);
	/* Add the first n examples of db (filled from the validation split). */
	int (*eval_batch)(Learner *l, const Dataset *d, const DataBatch *db, int n, EvalSums *r, Err *e);
	/* `eval`'s report of r. */
	void (*eval_report)(const Learner *l, const EvalSums *r, LossKind loss, const Out *o);
	/* `predict`: the first n validation examples, filled into db. */
	int (*predict)(Learner *l, const Dataset *d, const DataBatch *db, int n, const Out *o, Err *e);
	/* `probe`: forward and backward on the arrays of z (read from path in),
	 * outputs, states, dL/dh and gradients written to out; one line of
	 * summary.  Weights and optimizer state untouched. */
	int (*probe)(Learner *l, const Npz *z, const char *in, const ProbeLoss *pl, const char *out, const Out *o,
		     Err *e);
	/* Finite differences against backprop on the first n examples of db
	 * (training split): stats[ntensors]; one header line printed. */
	int (*gradcheck)(Learner *l, const Dataset *d, const DataBatch *db, int n, LossKind loss,
			 const GradcheckOpts *go, GradcheckStat *stats, const Out *o, Err *e);
	/* `model show`'s lines after the tensor table. */
	void (*show)(const Learner *l, const TrainConfig *tc, const Out *o);
	/* The weights went back to a checkpoint (rewind): drop what the
	 * trainer recorded of the later ones. */
	void (*forget)(Learner *l);
	/* CAP_TRANSLATE: decode text (through d's vocabulary) with beam width
	 * beam and at most maxlen tokens (0: the task's); keeps the result. */
	int (*translate)(Learner *l, const Dataset *d, const char *text, int beam, int maxlen, const Out *o, Err *e);
	/* CAP_TRANSLATE: the last translation, or NULL. */
	const S2sOutput *(*translation)(const Learner *l);
	/* CAP_PROBES: one forward and backward on the filled batch db, kept
	 * as the last step's record without an update (grads before training). */
	int (*record)(Learner *l, const Dataset *d, const DataBatch *db, LossKind loss, Err *e);
	/* Attention models: where the gradient of each encoder top-layer state
	 * hbar_s came from at the last step, ||.|| over the batch: attn[s]
	 * straight through the attention, rec[s] through the recurrence (the
	 * later encoder steps, and at s = S the decoder's first state); the
	 * two parts sum (as vectors) to dL/dhbar_s.  0 with *S = 0: none. */
	int (*enc_split)(const Learner *l, const double **attn, const double **rec, int *S);
	/* Attention models: the weights a_t of decoder step t (0-based) of
	 * sequence b at the last step, over its *S source positions; else NULL. */
	const float *(*attention_at)(const Learner *l, int t, int b, int *S);
	/* CAP_DISTILL: a forward pass on db's batch, dropout off, no loss; *out
	 * gets its outputs [T, B, O] (borrowed: good until the next call on l)
	 * and *O their width. */
	int (*outputs)(Learner *l, const DataBatch *db, const float **out, int *O, Err *e);
} LearnerOps;

struct Learner {
	const LearnerOps *ops;
	const char *kind;	/* rnn, lstm, gru or seq2seq: what messages call it */
	char line[512];		/* the canonical `model ...` command that builds it */
	char brief[32];		/* the status bar's name: "lstm 64x1", "seq2seq" */
	ParamBlock pb;
	ApplyHold *hold;	/* the trainer's: asked before every update */
	Cells cells;		/* CAP_TIMESTEPS; zeros otherwise */
	const S2s *s2s;		/* CAP_TRANSLATE: the encoder-decoder; NULL otherwise */
	LearnerStack stacks[LEARNER_MAX_STACKS];	/* every learner has at least one */
	int nstacks;
	double acc;		/* accuracy of the last training step, NaN when not measured */
};

/* Parse `KIND key=value...` (argv[0] the kind: rnn, lstm, gru, seq2seq),
 * with defaults from the dataset di (or NULL), and build the learner: the
 * weights initialised from seed, the trainer configured by tc and seeded
 * with tseed, into *out. */
int learner_build(int argc, const Word *argv, const DataInfo *di, const TrainConfig *tc, uint64_t seed,
		  uint64_t tseed, Learner **out, Err *e);
/* The two implementations' constructors (learner_build picks one). */
int learner_cells_build(int argc, const Word *argv, const DataInfo *di, const TrainConfig *tc, uint64_t seed,
			uint64_t tseed, Learner **out, Err *e);
int learner_s2s_build(int argc, const Word *argv, const DataInfo *di, const TrainConfig *tc, uint64_t seed,
		      uint64_t tseed, Learner **out, Err *e);
void learner_free(Learner *l);

static inline unsigned learner_caps(const Learner *l)
{
	return l ? l->ops->caps : 0;
}
/* 0 when l exists and has every capability in caps; else the one message
 * (for command or view what): "no model yet ..." or "WHAT does not work on
 * seq2seq models (it works on rnn, lstm and gru models)". */
int learner_need(const Learner *l, unsigned caps, const char *what, Err *e);
/* The stack part=NAME names, as an index into l->stacks, into *k; else
 * ERR_INVAL with the names there are (or that the model has one stack:
 * part= is for seq2seq), ERR_STATE without a model. */
int learner_part(const Learner *l, const char *name, int *k, Err *e);

/* The cells of a CAP_TIMESTEPS learner, else NULL. */
static inline const Cells *learner_cells(const Learner *l)
{
	return l && (l->ops->caps & CAP_TIMESTEPS) ? &l->cells : NULL;
}

/* CAP_PROBES: the record of stack k (clamped to the stacks there are),
 * else NULL. */
static inline const Cells *learner_stack_cells(const Learner *l, int k)
{
	if (!l || !(l->ops->caps & CAP_PROBES) || l->nstacks < 1)
		return NULL;
	if (k >= l->nstacks)
		k = l->nstacks - 1;
	return &l->stacks[k < 0 ? 0 : k].cells;
}

/* What a probe file holds, for either learner (one writer):
 *   output [T, B, O], h_n and (has_c) c_n [L, B, H], loss, dh [T, B, H]
 *   of the top layer, attn [T, B, S] when given, grad.<tensor>. */
typedef struct ProbeFile {
	const float *output;
	long T, B, O, H;
	const LayerTrace *layers;	/* [L]: the final states h[T], c[T] */
	int L, has_c;
	double loss;
	const float *dh;
	const float *attn;	/* or NULL */
	long S;
	const ParamBlock *pb;	/* tensors and their gradients */
} ProbeFile;
int probe_file_write(const ProbeFile *pf, const char *path, Err *e);

#endif
