/* cmd.h — the command table: every command is data.
 *
 * Name, handler, how many words it takes, what it changes, its usage line,
 * one-line summary and longer help, and what to complete after it.  The
 * dispatcher checks the word count before calling a handler, so handlers
 * never recount; `help`, `help CMD` and tab completion read the same table.
 */
#ifndef RNNLAB_CMD_H
#define RNNLAB_CMD_H

#include "grid.h"
#include "lex.h"
#include "session.h"
#include "settings.h"

/* argv[0] is the command name; argc counts it. */
typedef int (*CmdFn)(Session *s, int argc, const Word *argv, Err *e);

enum {
	CMD_CHANGES = 1,	/* recorded in the journal when it succeeds */
	CMD_MODEL = 2,		/* needs a model */
	CMD_DATA = 4,		/* needs a dataset */
};
/* With CMD_MODEL: the learner capabilities it needs (CAP_*, learner.h),
 * checked by the dispatcher before the handler runs. */
#define CMD_NEEDS(caps) ((unsigned)(caps) << 8)

typedef enum {
	COMP_NONE,
	COMP_FILE,		/* paths */
	COMP_DATASET,		/* dataset names, then their keys */
	COMP_SETTINGS,		/* set: keys and their values */
	COMP_COMMAND,		/* help: command names */
	COMP_WORDS,		/* the words listed in Command.words */
} CompKind;

typedef struct Command {
	const char *name;
	CmdFn fn;
	int min_args, max_args;	/* words after the name; max -1 = any */
	unsigned flags;
	const char *usage;
	const char *summary;
	const char *help;	/* more lines, '\n'-separated; may be NULL */
	CompKind comp;
	const char *const *words;	/* COMP_WORDS (and keys after a file) */
} Command;

int cmd_count(void);
const Command *cmd_at(int i);
const Command *cmd_find(const char *name);

/* ---- running lines and scripts (exec.c) ---- */

/* Run one line (one or more statements).  Errors are reported through the
 * host as "CMD: message" (prefixed "FILE:LINE: " inside a script); returns
 * 0 or the first error's code, after which the line's later statements
 * are not run. */
int session_exec(Session *s, const char *line);
/* Scripts: a regular file of at most 16 MiB, lines of at most 64 KiB. */
#define SCRIPT_MAX_FILE ((size_t)16 << 20)
#define SCRIPT_MAX_LINE 65536

/* Run a script file line by line; stop at the first error when stop_on_error. */
int session_run_file(Session *s, const char *path, int stop_on_error);
/* The same over an open stream; label names it in messages ("stdin"). */
int session_run_stream(Session *s, FILE *f, const char *label, int stop_on_error);

/* Run one lexed statement: look up, check arity, dispatch, journal. */
int cmd_dispatch(Session *s, const Stmt *st, Err *e);

/* Completion: candidates for the word at [start, end) of line (the word
 * typed so far is line[start..end)).  Calls add(ctx, candidate) for each. */
void cmd_complete(const Session *s, const char *line, int start, int end,
		  void (*add)(void *ctx, const char *cand), void *ctx);

/* Handlers, by the file that holds them (each file is named after its
 * command or family). */
/* cmd.c: the language itself */
int cmd_help(Session *s, int argc, const Word *argv, Err *e);
int cmd_quit(Session *s, int argc, const Word *argv, Err *e);
/* A statement as canonical text (quoted where it must be) into line[cap];
 * its length, or 0 when it does not fit. */
size_t stmt_text(const Stmt *st, char *line, size_t cap);
int cmd_run(Session *s, int argc, const Word *argv, Err *e);
int cmd_lesson(Session *s, int argc, const Word *argv, Err *e);
int cmd_landscape(Session *s, int argc, const Word *argv, Err *e);
int cmd_say(Session *s, int argc, const Word *argv, Err *e);
int cmd_pause(Session *s, int argc, const Word *argv, Err *e);
/* cmd_data.c */
int cmd_data(Session *s, int argc, const Word *argv, Err *e);
/* cmd_model.c: the model and its weights */
int cmd_model(Session *s, int argc, const Word *argv, Err *e);
int cmd_import(Session *s, int argc, const Word *argv, Err *e);
int cmd_export(Session *s, int argc, const Word *argv, Err *e);
int cmd_probe(Session *s, int argc, const Word *argv, Err *e);
int cmd_gradcheck(Session *s, int argc, const Word *argv, Err *e);
/* cmd_set.c */
int cmd_set(Session *s, int argc, const Word *argv, Err *e);
int cmd_show(Session *s, int argc, const Word *argv, Err *e);
/* cmd_train.c: training and what the model does */
int cmd_train(Session *s, int argc, const Word *argv, Err *e);
int cmd_eval(Session *s, int argc, const Word *argv, Err *e);
int cmd_predict(Session *s, int argc, const Word *argv, Err *e);
int cmd_generate(Session *s, int argc, const Word *argv, Err *e);
int cmd_grads(Session *s, int argc, const Word *argv, Err *e);
/* cmd_translate.c */
int cmd_translate(Session *s, int argc, const Word *argv, Err *e);
/* cmd_plot.c */
int cmd_plot(Session *s, int argc, const Word *argv, Err *e);
int cmd_gates(Session *s, int argc, const Word *argv, Err *e);
/* cmd_file.c: sessions, the journal, the history */
int cmd_save(Session *s, int argc, const Word *argv, Err *e);
int cmd_load(Session *s, int argc, const Word *argv, Err *e);
int cmd_journal(Session *s, int argc, const Word *argv, Err *e);
int cmd_history(Session *s, int argc, const Word *argv, Err *e);
/* cmd_break.c, cmd_step.c, cmd_rewind.c: the timestep debugger */
int cmd_break(Session *s, int argc, const Word *argv, Err *e);
int cmd_step(Session *s, int argc, const Word *argv, Err *e);
int cmd_rewind(Session *s, int argc, const Word *argv, Err *e);
/* cmd_runs.c */
int cmd_runs(Session *s, int argc, const Word *argv, Err *e);
int cmd_compare(Session *s, int argc, const Word *argv, Err *e);
/* cmd_view.c */
int cmd_view(Session *s, int argc, const Word *argv, Err *e);
/* cmd_lesson.c: what lessons use */
int cmd_expect(Session *s, int argc, const Word *argv, Err *e);
extern const char *const expect_quantities[];	/* NULL-terminated */
int cmd_try(Session *s, int argc, const Word *argv, Err *e);
int cmd_full(Session *s, int argc, const Word *argv, Err *e);
/* cmd_sweep.c */
int cmd_sweep(Session *s, int argc, const Word *argv, Err *e);
/* cmd_compress.c */
int cmd_quantize(Session *s, int argc, const Word *argv, Err *e);
int cmd_prune(Session *s, int argc, const Word *argv, Err *e);
int cmd_distill(Session *s, int argc, const Word *argv, Err *e);

/* Print a drawn grid as lines of text (the host's width, colours, ascii);
 * trim_bottom drops the blank rows at its end. */
void cmd_print_grid(Session *s, const Grid *g, int ascii, int trim_bottom);


/* `model show`'s header and table of tensors, shapes and sizes. */
void tensor_table(Session *s, const ParamInfo *tensors, int n);
/* The per-tensor table of a gradient check and its verdict. */
struct GradcheckStat;
void gradcheck_report(Session *s, const ParamInfo *tensors, int n, const struct GradcheckStat *st);

/* Model keys for `model` (completion and help). */
extern const char *const model_keys[];

#endif
