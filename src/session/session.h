/* session.h — everything a user builds at the prompt, and the one entry
 * point that runs their commands.
 *
 * A Session owns the selected dataset, the model, the trainer and its
 * optimizer state, the settings, the training history and the journal.
 * The front end that drives it (TUI, batch mode, a test) talks to it
 * through a Host: a handful of callbacks to print a line, to hear that a
 * training step finished, and to ask whether training may go on.  Nothing
 * in here knows about terminals.
 *
 * Every command either succeeds or leaves the session exactly as it was.
 */
#ifndef RNNLAB_SESSION_H
#define RNNLAB_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "data.h"
#include "breakpoint.h"
#include "checkpoint.h"
#include "grid.h"
#include "history.h"
#include "landscape.h"
#include "learner.h"
#include "lex.h"
#include "out.h"
#include "train.h"

typedef struct Session Session;

/* What a script may do unless the user allows more (Host.max_commands, max_output). */
#define SCRIPT_MAX_COMMANDS 100000L
#define SCRIPT_MAX_OUTPUT ((size_t)64 << 20)

typedef struct Host {
	void *ctx;
	/* One line of output, without its newline. */
	void (*print)(void *ctx, const char *line);
	/* An error line ("model: hidden must be ..."); NULL: print. */
	void (*error)(void *ctx, const char *line);
	/* A training step finished (the history has its row). May be NULL. */
	void (*step)(void *ctx, Session *s);
	/* Nonzero to stop training after this step (Ctrl-C, Esc). May be NULL. */
	int (*interrupted)(void *ctx);
	/* A breakpoint fired (before a step's update, or after it for val):
	 * show the step pane at timestep t. */
	void (*on_break)(void *ctx, Session *s, int t);
	/* `view NAME` in the TUI: switch panes.  NULL: print the view. */
	int (*view)(void *ctx, Session *s, const char *name, Err *e);
	/* `run FILE`: the TUI queues scripts to run them between key presses.
	 * NULL: the session runs the file at once. */
	int (*run_script)(void *ctx, Session *s, const char *path, Err *e);
	/* A lesson's pause: wait for a key.  NULL: pauses are skipped. */
	void (*pause)(void *ctx, const char *text);
	/* A lesson's narration (`say`), already printed and made safe: the
	 * workbench keeps it in sight until the next pause.  NULL: nothing more. */
	void (*say)(void *ctx, const char *text);
	/* The TUI trains in slices from its idle tick: when set, `train`
	 * only starts the job and session_train_slice() runs it. */
	int async_train;
	/* `quit` typed with trained steps not saved asks once (the workbench). */
	int confirm_quit;
	/* Lessons' fast mode (make test): `full CMD` lines are skipped. */
	int fast;
	/* Added to every seed (`set seed=S` means S + seed_shift, and the
	 * default seed 1 is 1 + seed_shift): runs a lesson on other seeds
	 * without editing it (rnnlab --seed-shift N, make lessons-matrix). */
	uint64_t seed_shift;
	/* A script (a lesson, `run`) may run at most max_commands commands and
	 * print at most max_output bytes, its nested scripts included; the
	 * user sets them (rnnlab --max-commands N, --max-output MB), never a
	 * script.  0: the defaults (SCRIPT_MAX_COMMANDS, SCRIPT_MAX_OUTPUT). */
	long max_commands;
	size_t max_output;
	/* A command waits for other processes (a sweep's workers): keep the
	 * screen alive (redraw when due).  Called every ~50 ms.  May be NULL. */
	void (*busy)(void *ctx, Session *s);
	/* The program a sweep starts its workers with (`EXE --batch FILE`):
	 * this rnnlab.  NULL: sweeps run one run at a time, here.  Borrowed. */
	const char *exe;
	/* Plots: unicode (0) or ascii (1). */
	int ascii;
	/* What `set colour=auto` draws with: the most the front end's screen
	 * shows (GRID_MONO under NO_COLOR or --ascii, or with no terminal),
	 * and why in a few words for `show` ("": nothing to say). */
	GridColors colors;
	char colors_why[128];
	/* The user asked for no colour (NO_COLOR, --ascii): then auto draws
	 * SVG files without colour too (else they have it, wherever stdout goes). */
	int no_color;
	/* Printed pictures (plot, gates, step without the workbench) may carry
	 * SGR escapes: 0 for the workbench's log, which is plain text. */
	int ansi;
	int width;		/* columns for plots in text output (default 78) */
} Host;

typedef struct Settings {
	int batch;
	uint64_t seed;
	int loss_explicit;	/* `set loss=` given: the dataset no longer decides */
	int log_every;		/* progress line every N steps, 0 = off */
	int val_every;		/* validation pass every N steps, 0 = only at the end */
	int val_size;		/* validation examples per pass (at most) */
	int threads;		/* OpenBLAS threads */
	int checkpoint_every;	/* steps between checkpoints for rewind (0 = off) */
	int pace;		/* the workbench trains at most this many steps a second (0: full speed) */
	int colour;		/* settings.h SETTING_COLOUR_*: auto, truecolor, 256, 8, none */
	int jobs;		/* a sweep's runs at once, each a process (0: auto, cores / threads) */
} Settings;

/* Where the stepper looks: `step t=N ...` sets it, the step pane and its
 * keys move it, a breakpoint puts it on the step that fired. */
typedef struct StepCursor {
	int layer, sample, t, unit;	/* t 0-based */
	int part;		/* the stack of cells (learner.h CAP_PROBES): seq2seq 0 the
				 * encoder, 1 the decoder; what grads, gates and step read */
} StepCursor;

/* A finished run, kept for `runs` and `compare`. */
typedef struct Run {
	char name[64];		/* the user's name for it ("": none; see session_run_label) */
	char model[512];	/* the model command */
	char data[160];		/* the data command's arguments */
	size_t nparam;
	double tok_s;		/* median training throughput */
	History hist;
	double *flow;		/* [flow_T] the top layer's ||dL/dh_t|| at its last
				 * backward pass (flow_step); NULL: none (seq2seq) */
	int flow_T;
	long flow_step;
} Run;

/* A run as `runs` and `compare` see it, finished or the current one
 * (runs.c).  Borrowed from the session. */
typedef struct RunRef {
	const char *name, *model, *data;
	const History *hist;
	size_t nparam;
	double tok_s;
	const double *flow;
	int flow_T;
	long flow_step;
	int current;
} RunRef;

#define SESSION_MAX_RUNS 16

/* A training job: `train N` (or `distill`) in progress. */
typedef struct TrainJob {
	const char *name;	/* the command that started it: "train", "distill" */
	long left, total;	/* steps */
	long tokens;		/* processed since the last progress line */
	double t_last;		/* time of the last progress line */
	double t_start;
	long first_step;
	/* Started by `try train` in the workbench (async_train): a failure of
	 * the job is the try's error, recorded for `expect error`, not a
	 * report that stops nothing and that expect cannot see. */
	int tried;
	/* its `train N` in the journal, and the steps before that entry: a
	 * `set` while it runs splits it (train D, set ..., train N - D) */
	int journal_at;
	long journal_base;
} TrainJob;

/* What the last `landscape` computed (cmd_landscape.c), kept whole: the
 * plot pane (F8) and `plot landscape` draw it again without recomputing;
 * `expect landscape` reads it while the weights are those it was of. */
typedef struct LandPicture {
	int have;
	unsigned long gen;	/* weights_gen it was computed at */
	long step;
	int dir, dir2;		/* landscape.h LandDir; dir2 -1: a line */
	int n, nb;		/* points per axis; examples it was measured on */
	int on_train;		/* those are the last training batch's, else the first validation examples */
	double lo, hi, blo, bhi;	/* alpha's range; beta's (a plane) */
	double lr, clip;	/* the steps' */
	LandSteps st;
	double gspan;		/* largest / smallest gradient norm on the line (NaN: a plane) */
	double *buf;		/* owned: alpha[n], then a plane's beta[n] and loss[n * n]
				 * (row j: beta[j]), or a line's loss[n] and gnorm[n] */
} LandPicture;

/* What the last distill measured (distill.c), kept while its student is
 * the current model: model show and `expect distill` read it. */
typedef struct DistillRecord {
	int have;
	char teacher[512];	/* the teacher's model line */
	char teacher_brief[32];	/* and its short name ("lstm 256x1") */
	size_t teacher_nparam, student_nparam;
	double teacher_val;	/* validation loss when the student started */
	double student_val, alone_val;	/* at the end: the student's, and the same student's
					 * trained without the teacher (NaN: baseline=off) */
	long steps;		/* the student's steps */
	float temp, alpha;
	LossKind loss;
} DistillRecord;

struct Distill;	/* a distill job's teacher and baseline (distill.c) */

struct Session {
	Host host;
	Settings set;
	Rng rng;		/* the master generator: every seed is drawn from it */

	Dataset *data;		/* NULL until `data` */
	uint64_t data_seed;
	uint64_t data_from;	/* the seed its data line's generator started from, seed_shift
				 * included (`data ... seed=N` gives the same data again) */
	int data_from_known;	/* 0: a session file older than data_from */
	Sampler sampler;
	DataBatch train_db, val_db;

	Learner *lr;		/* the model and its trainer: NULL until `model` */
	uint64_t model_seed;
	TrainConfig tcfg;
	EvalSums val_sums;	/* the last validation pass (training's or expect's) */
	double val_last;	/* its mean loss */
	unsigned long weights_gen;	/* new at every change of the weights (steps, import, ...) */
	unsigned long val_gen;	/* weights_gen of that pass; 0: stale (data, val_size changed) */
	History hist;
	TrainJob job;
	Err job_err;		/* why the last job stopped early */

	int njournal;
	char **journal;		/* commands that changed the session, canonical */

	Breakpoint brk[DEBUG_MAX_BREAKS];
	int nbrk;
	int held;		/* the breakpoint that held the last update back */
	double held_seen;	/* what it saw */
	int hold_resume;	/* the held batch is next: apply its update without asking */
	StepCursor cur;		/* the stepper's position */
	int loss_logy;		/* the train pane's loss on a log scale (plot loss log) */
	struct {		/* the plot pane (F8): the last plot eigen|jacobian|states */
		int shown;	/* 0: none yet */
		int kind;	/* views.h ViewKind */
		int layer, sample, samples, gate, part;
	} plot;
	LandPicture land;	/* the last landscape: the plot pane draws it, expect reads it */
	int gates_unit;		/* the gates pane: views.h VIEW_UNIT_NONE (heatmaps), or
				 * one unit's lines (VIEW_UNIT_MAX: the most open; else cur.unit) */
	struct {		/* what the compare pane (F6) shows: the last compare asked */
		int what;	/* views.h CompareWhat */
		int logy;
		unsigned runs;	/* bit i: run i + 1; 0: all */
	} cmp;
	Checkpoints ckpt;
	char run_name[64];	/* the current run's name (default: its model) */
	char run_data[160];	/* the data it last trained on ("": none yet) */
	int nruns;
	Run runs[SESSION_MAX_RUNS];	/* earlier runs, oldest first */

	struct Distill *kd;	/* a distill job's teacher and baseline; NULL outside one */
	DistillRecord kd_rec;

	char lesson_error[320];	/* the last `try`'s error, "" when it succeeded */
	int lesson_checks;	/* `expect` lines that held */
	int lesson_nonfinite;	/* a step of this run was refused as non-finite */

	char session_path[1024];	/* the file last saved or loaded, "" if none */

	/* the running script's budget and why it was stopped ("": it was not);
	 * a stopped script stops whole: `try` cannot catch it */
	long script_cmds;
	size_t script_bytes;
	char script_stop[200];
	const char *src;	/* script being run (for messages), or NULL */
	int line;		/* its current line */
	int depth;		/* `run` nesting */
	int quit;
	const char *running;	/* the command running now (its name), NULL between commands */
	unsigned long saved_gen;	/* weights_gen when last saved or loaded */
	char *pending;		/* the rest of a line whose train started a job (async_train):
				 * the host runs it when the job ends, drops it when stopped */
	struct {		/* a command that trains inside itself (a parallel sweep)
				 * hears every step after the host does; NULL: nobody */
		void (*fn)(Session *s, void *arg);
		void *arg;
	} step_hook;
	int quit_asked;		/* confirm_quit: the unsaved steps were pointed out */
};

Session *session_new(const Host *host);
void session_free(Session *s);
/* Append a line to the journal (copied); ERR_NOMEM, the journal as it was. */
int  session_journal_push(Session *s, const char *line);

/* Stop the running script, all of it (nested scripts too), saying why. */
void session_script_stop(Session *s, const char *why);
/* A new top-level script starts: its budget is whole again. */
void session_script_begin(Session *s);

/* Report an error of cmd (or NULL) through the host: "cmd: message", with
 * "FILE:LINE: " inside a script, as one line whatever it quotes. */
void session_report(Session *s, const char *cmd, const Err *e);

/* The checks and configuration `train` does before it starts (the model
 * fits the data, the trainer has the current settings, batch buffers). */
int session_prepare(Session *s, Err *e);
/* For predict: session_prepare, then the first *n validation examples
 * (fewer when the split is smaller: *n says how many) in a new batch. */
int session_val_head(Session *s, int *n, DataBatch *db, Err *e);

/* Archive the current run (its history) for `compare`; called before a new
 * model replaces it.  A run without steps is not kept. */
void session_archive_run(Session *s);
/* Release a finished run. */
void run_done(Run *r);
/* Keep a finished run made elsewhere (a sweep's worker) after the others,
 * the oldest dropped when there are SESSION_MAX_RUNS: the session takes
 * what r holds (r is zeroed). */
void session_add_run(Session *s, Run *r);
/* The runs: the finished ones, oldest first, then the current model's. */
int  session_run_count(const Session *s);
void session_run(const Session *s, int i, RunRef *out);
/* What tells run i apart: its name, or its kind and the words of its model
 * line that the line of some other run of that kind lacks ("lstm hidden=64",
 * "seq2seq attention=dot"; "rnn" when it is the only rnn), and its number
 * when another run has the very same model. */
void session_run_label(const Session *s, int i, char *buf, size_t cap);
/* A new model (already built) is about to go in: the current one ends its
 * run and is freed, the checkpoints go, and the data is read from the start
 * again, as the last run read it. */
void session_end_model(Session *s);
/* The same, but the current model is handed over instead of freed (NULL
 * without one): a distill's teacher. */
Learner *session_detach_model(Session *s);
/* Keep a finished run of learner l (not the current one) with its history
 * h, which moves into the run (h is left empty), under name; the run is
 * listed before the current one. */
void session_archive_learner(Session *s, const Learner *l, History *h, const char *name);
/* Put the learner l in (after session_end_model, or into a new session). */
void session_install(Session *s, Learner *l);
/* The new model is in: its run starts, with the master generator after
 * the draws that built it and the model's seed. */
void session_start_run(Session *s, const Rng *rng, uint64_t model_seed);
/* The weights changed outside a training step (import, quantize, prune):
 * what was measured on the old ones is stale. */
void session_weights_changed(Session *s);
/* The last validation pass no longer describes the session (other data,
 * another val_size). */
void session_val_stale(Session *s);
/* The validation loss of the weights as they are now: the last one
 * measured when they have not changed since, else a validation pass now
 * (val_size examples), recorded in s->val_sums.  NaN without one. */
int session_val_now(Session *s, double *val, Err *e);
/* The canonical command of the current model ("" without one). */
const char *session_model_line(const Session *s);
/* Where the learners print: the host's print callback. */
Out session_out(Session *s);
/* Take a checkpoint of the model now (for rewind). */
int session_checkpoint(Session *s, Err *e);
/* Go back to the i-th newest checkpoint. */
int session_rewind(Session *s, int i, Err *e);

/* Training jobs (the TUI's slices).  Returns 1 while steps remain, 0 when
 * the job is done, < 0 on an error (already reported). */
int session_train_start(Session *s, long steps, Err *e);
int session_train_slice(Session *s, double seconds);
void session_train_cancel(Session *s);

/* Save the session after SIGTERM or SIGHUP: beside the session file
 * (FILE.autosave) when there is one, else rnnlab-autosave-PID.rnnlab in
 * the current directory.  path gets where it went; 0 when saved (or when
 * there is nothing to save: path is then ""). */
int session_autosave(Session *s, char *path, size_t cap, Err *e);

/* A line rnnlab drew itself (grid rows with their colour escapes): printed
 * as it is; every other line printed is made safe for the terminal. */
void session_print_drawn(Session *s, const char *line);
/* Seconds on the monotonic clock (for rates). */
double session_clock(void);
/* Output helpers for commands. */
void session_printf(Session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A lesson's `try CMD` failed with inner: record it for `expect error`
 * and say so ("  (as expected?) train: step 2: ..."). */
void session_try_failed(Session *s, const char *cmd, const Err *inner);
/* Text of any length, one host line per line of it (text is not kept). */
void session_print_text(Session *s, const char *text);

/* The learner's evaluation sums over up to max examples of the validation
 * split, in batches of db's size. */
int session_eval_sums(Session *s, long max, DataBatch *db, EvalSums *r, Err *e);
/* The same for a learner l other than the current one (a distill's baseline). */
int session_eval_learner(Session *s, Learner *l, long max, DataBatch *db, EvalSums *r, Err *e);
/* The training configuration the settings give (the loss in force, threads). */
void session_train_config(const Session *s, TrainConfig *tc);

/* distill.c: knowledge distillation.  What `distill` asks for: */
typedef struct DistillArgs {
	int hidden;		/* the student's size (required) */
	const char *cell;	/* rnn, lstm, gru; NULL: the teacher's */
	int layers, embed;	/* 0: the teacher's */
	float temp;		/* NAN: the default (DISTILL_TEMP); only for ce and bce */
	float alpha;		/* NAN: the default (DISTILL_ALPHA) */
	long steps;		/* 0: as many as the teacher has had */
	int baseline;		/* train the same student without the teacher beside it */
} DistillArgs;
#define DISTILL_TEMP 2.0f
#define DISTILL_ALPHA 0.5f
/* The current model becomes the teacher of a new student, which becomes
 * the current model (a new run) and starts a training job of a->steps
 * (the async host runs it in slices).  On an error nothing changed. */
int session_distill(Session *s, const DistillArgs *a, Err *e);
/* Inside a distill job (s->kd): the teacher's outputs on the filled batch
 * s->train_db, attached to a copy of it in *db. */
int distill_batch(Session *s, DataBatch *db, Err *e);
/* The student's step was applied: the baseline takes the same batch, and
 * is validated too when validate (a failure of the baseline's step stops
 * the baseline, said once). */
void distill_after_step(Session *s, int validate);
/* The job ended (done, stopped, failed): the baseline becomes a run, the
 * record is made and reported, the teacher is freed. */
void distill_finish(Session *s);
/* The baseline's validation loss at the student's last one (NaN: none). */
double distill_alone_val(const Session *s);
/* Free a job's teacher and baseline without a report (session_free). */
void distill_free(struct Distill *kd);
/* `model show`'s lines about the distillation of the current model. */
void distill_show(Session *s);
/* Validation loss and accuracy (NaN when not a classification) over up to
 * max examples of the validation split; sums (may be NULL) gets the sums. */
int session_evaluate(Session *s, long max, double *loss, double *acc, EvalSums *sums, Err *e);
/* Validation accuracy: classification (argmax), binary (> 0), or seq2seq
 * whole-sequence greedy accuracy. */
int session_accuracy(Session *s, double *acc, Err *e);

/* The loss in force: explicit, else the dataset's, else mse. */
LossKind session_loss(const Session *s);

/* The colours pictures are drawn with: `set colour=`, or with auto what
 * the host's screen shows (Host.colors).  session_print_colors: for what
 * is printed (GRID_MONO where the host prints plain text); session_svg_colors:
 * for SVG files (colour unless the user chose none, or NO_COLOR/--ascii
 * with auto).  session_colors_describe: "256 (auto: ...)" for show. */
GridColors session_colors(const Session *s);
GridColors session_print_colors(const Session *s);
GridColors session_svg_colors(const Session *s);
void session_colors_describe(const Session *s, char *buf, size_t cap);

/* The current model's parameter block: 1, or 0 (p zeroed) when there is none. */
int session_params(Session *s, ParamBlock *p);
/* Updates applied to the current model (0 without one). */
long session_step(const Session *s);
/* The last `translate` of a learner that can (CAP_TRANSLATE): tokens,
 * source and attention weights [n, S] (NULL without attention); NULL when
 * there is none. */
const S2sOutput *session_translation(const Session *s);

#endif
