/* data.h — datasets: the bundled tasks, time series, text, and user files.
 *
 * A dataset is selected by name with key=value parameters
 * (`data adding T=100`), generated or read once, split into train and
 * validation deterministically by seed, and served as time-major batches.
 *
 * Every dataset is a set of examples of fixed length T (a character LM
 * serves windows of its text; a seq2seq task pads its sequences).  An
 * example's input is T steps of `in` floats, or T token ids in [0, vocab);
 * its target is either one per step or one for the whole sequence, either
 * `out` floats (regression, bce) or one class id in [0, out) (ce).
 *
 * Seq2Seq tasks (kind DATA_SEQ2SEQ) serve src [S, B], tgt_in [T, B] and
 * tgt_out [T, B] token ids instead, with the conventions of DESIGN.md:
 * 0 = PAD, 1 = BOS, 2 = EOS, 3 = UNK, real symbols from 4; tgt_in = BOS +
 * target, tgt_out = target + EOS, both padded with PAD to T; src is the
 * source symbols padded with PAD to S (no BOS, no EOS).  A character LM
 * has no special ids: its tokens are the distinct bytes of its text, in
 * byte order, from 0 (characters are bytes; UTF-8 is served byte by byte).
 *
 * Splits: generated tasks draw n examples from the seed, the first
 * n - round(n * val) are train; digits are shuffled by the seed, then split
 * the same way; time series and text split chronologically (the last val
 * fraction is validation, whatever the seed).
 *
 * Bundled files are looked up by data_find in $RNNLAB_DATA, then in data/ of
 * each directory share_dirs (fileutil.h) gives.
 */
#ifndef RNNLAB_DATA_H
#define RNNLAB_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "net.h"
#include "rng.h"

typedef enum {
	DATA_REGRESS,		/* float targets, mse */
	DATA_CLASSIFY,		/* class-id targets, ce */
	DATA_BINARY,		/* 0/1 float targets, bce */
	DATA_LM,		/* next-token language model over a text, ce */
	DATA_SEQ2SEQ,		/* token sequence to token sequence, ce with PAD ignored */
	DATA_KIND_COUNT
} DataKind;

extern const char *const data_kind_names[DATA_KIND_COUNT];

#define DATA_PAD 0
#define DATA_BOS 1
#define DATA_EOS 2
#define DATA_UNK 3


/* A sink for lines of text (no newline at the end). */
typedef void (*DataEmit)(void *ctx, const char *line);

/* A parameter a dataset accepts, for help, completion and `data info`. */
typedef struct DataParam {
	const char *key;	/* "T" */
	const char *def;	/* default as text: "100" ("" = none, see help) */
	const char *help;	/* "sequence length" */
} DataParam;

/* One entry of the registry (`data list`). */
typedef struct DataSpec {
	const char *name;	/* "adding" */
	DataKind kind;
	const char *summary;	/* one line: what it teaches */
	const char *source;	/* citation or data source, one line */
	const DataParam *params;	/* terminated by { NULL } */
	int needs_file;		/* csv, text: the first word after the name is a path */
} DataSpec;

int data_spec_count(void);
const DataSpec *data_spec_at(int i);
const DataSpec *data_spec_find(const char *name);

/* What a model needs to know to fit the data; fixed once opened. */
typedef struct DataInfo {
	DataKind kind;
	int T;			/* steps per example (seq2seq: target length) */
	int S;			/* seq2seq: source length; else 0 */
	int in;			/* float features per step; 0 for token input */
	int vocab;		/* token input vocabulary (seq2seq: source); 0 for float input */
	int tgt_vocab;		/* seq2seq: target vocabulary; else 0 */
	int out;		/* regression/bce: values per target; classify/lm: classes */
	int per_step;		/* 1: a target at every step; 0: one per sequence */
	LossKind loss;		/* the loss that fits */
	long n_train, n_val;	/* examples in each split */
} DataInfo;

typedef struct Dataset Dataset;

/* Open dataset `name` with `nkv` key=value pairs (keys[i], vals[i]); file is
 * the path for datasets with needs_file (else NULL).  The seed fixes the
 * generated examples and the split.  Unknown keys, bad values, unreadable
 * files are refused with a one-line message naming the key, file and line. */
int data_open(Dataset **out, const char *name, const char *file, int nkv,
	      const char *const *keys, const char *const *vals, uint64_t seed, Err *e);
void data_free(Dataset *d);
const DataInfo *data_info(const Dataset *d);
const char *data_name(const Dataset *d);
/* The parameters as opened, canonical "adding T=100 n=10000" (for the
 * journal and saved sessions: data_open of this text gives the same data). */
const char *data_args(const Dataset *d);

/* Lines describing the dataset (`data info`): emit() is called per line:
 * what it is, shapes, split sizes, parameters, the trivial baselines to beat
 * (measured on the validation split), how gaps were handled, the source. */
void data_describe(const Dataset *d, void (*emit)(void *ctx, const char *line), void *ctx);

/* Lines showing example i of a split as text (`data show`): the symbols,
 * the window in the series' own units, the digit as 8x8 characters, the
 * source and target strings...  ERR_INVAL when i is outside the split. */
int data_show(const Dataset *d, int split, long i, DataEmit emit, void *ctx, Err *e);

/* Time series: the whole series, z-scored (borrowed, [*len]), and the first
 * position of the validation part; NULL for other datasets.  Values that
 * were missing in the file are interpolated here; *missing (may be NULL)
 * gets a [len] mask of them or NULL when none were. */
const float *data_series(const Dataset *d, long *len, long *split_at,
			 const uint8_t **missing);

/* Path of bundled file `name` (e.g. "digits.csv") in the first data
 * directory that has it; the error names every place looked. */
int data_find(const char *name, char *path, size_t cap, Err *e);

enum { SPLIT_TRAIN, SPLIT_VAL };

/* Batch buffers, sized by data_batch_init for batches of up to B examples;
 * filling them never allocates.  `b` is ready to hand to the network
 * (pointers into the buffers).  A fill of n examples lays the buffers out
 * for B = n ([T, n, in] contiguous), whatever Bcap is.  Only the buffers
 * the dataset uses are allocated (x for float input, tok for token input,
 * src/tgt_in/tgt_out for seq2seq); the others are NULL.  For seq2seq, b.tok
 * points at tgt_in and b.y at tgt_out as floats (per step), b.T = T. */
typedef struct DataBatch {
	int Bcap;
	Batch b;		/* T, B, x | tok, y, y_per_step */
	float *x;		/* [T, Bcap, in] */
	int32_t *tok;		/* [T, Bcap] */
	float *y;		/* [T, Bcap, Y] or [Bcap, Y]; class ids as floats */
	int32_t *src;		/* seq2seq: [S, Bcap] */
	int32_t *tgt_in;	/* seq2seq: [T, Bcap] */
	int32_t *tgt_out;	/* seq2seq: [T, Bcap] */
} DataBatch;

int  data_batch_init(DataBatch *db, const Dataset *d, int B, Err *e);
void data_batch_done(DataBatch *db);

/* Fill db with examples idx[0..n) of a split (1 <= n <= Bcap; every idx
 * within the split: asserted). */
void data_fill(const Dataset *d, int split, const long *idx, int n, DataBatch *db);

/* The training sampler: a seeded shuffle of the train split, epoch by
 * epoch.  Its whole state is (seed, epoch, pos): saved with a session.
 * Epoch e's order depends on (seed, e) only; every train example comes
 * exactly once per epoch. */
typedef struct Sampler {
	uint64_t seed;
	long epoch, pos;	/* position within the current epoch's order */
	long n;
	long *order;		/* [n] permutation of the current epoch */
} Sampler;

int  sampler_init(Sampler *s, const Dataset *d, uint64_t seed, Err *e);
void sampler_done(Sampler *s);
/* Restore a saved position (recomputes the epoch's permutation); a
 * negative epoch or pos, or pos > n, is clamped into range. */
void sampler_seek(Sampler *s, long epoch, long pos);
/* Next n example indices (wrapping into the next epoch, reshuffled). */
void sampler_next(Sampler *s, long *idx, int n);

/* Token datasets: the text of token id `id` (a character, raw: "\n" is a
 * newline; "<pad>", "<bos>", "<eos>", "<unk>"), NULL for an id out of range
 * or a dataset without tokens; and text to ids (unknown characters map to
 * UNK, or fail for an LM with no UNK: returns the count written, or -1 and
 * e says which character; -1 too when text needs more than cap ids). */
const char *data_token_text(const Dataset *d, int side, int id);	/* side 0 src/input, 1 target */
int data_encode(const Dataset *d, int side, const char *text, int32_t *ids, int cap, Err *e);

/* Time series: undo the z-score of target value v (for plots and reports);
 * v itself for other datasets. */
float data_denorm(const Dataset *d, float v);

#endif
