/* cmd.h — the command table: every command is data.
 *
 * Name, handler, how many words it takes, what it changes, its usage line,
 * one-line summary and longer help, and what to complete after it.  The
 * dispatcher checks the word count before calling a handler, so handlers
 * never recount; `help`, `help CMD` and tab completion read the same table.
 */
#ifndef RNNLAB_CMD_H
#define RNNLAB_CMD_H

#include "lex.h"
#include "session.h"

/* argv[0] is the command name; argc counts it. */
typedef int (*CmdFn)(Session *s, int argc, const Word *argv, Err *e);

enum {
	CMD_CHANGES = 1,	/* recorded in the journal when it succeeds */
	CMD_MODEL = 2,		/* needs a model */
	CMD_DATA = 4,		/* needs a dataset */
	CMD_S2S = 8,		/* with CMD_MODEL: also takes a seq2seq model (cmd_s2s.h) */
};

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

/* Run one lexed statement: look up, check arity, dispatch, journal. */
int cmd_dispatch(Session *s, const Stmt *st, Err *e);

/* Completion: candidates for the word at [start, end) of line (the word
 * typed so far is line[start..end)).  Calls add(ctx, candidate) for each. */
void cmd_complete(const Session *s, const char *line, int start, int end,
		  void (*add)(void *ctx, const char *cand), void *ctx);

/* Handlers, one file per family. */
int cmd_help(Session *s, int argc, const Word *argv, Err *e);
int cmd_quit(Session *s, int argc, const Word *argv, Err *e);
int cmd_run(Session *s, int argc, const Word *argv, Err *e);
int cmd_say(Session *s, int argc, const Word *argv, Err *e);
int cmd_pause(Session *s, int argc, const Word *argv, Err *e);
int cmd_model(Session *s, int argc, const Word *argv, Err *e);
int cmd_import(Session *s, int argc, const Word *argv, Err *e);
int cmd_export(Session *s, int argc, const Word *argv, Err *e);
int cmd_probe(Session *s, int argc, const Word *argv, Err *e);
int cmd_gradcheck(Session *s, int argc, const Word *argv, Err *e);
int cmd_data(Session *s, int argc, const Word *argv, Err *e);
int cmd_set(Session *s, int argc, const Word *argv, Err *e);
int cmd_show(Session *s, int argc, const Word *argv, Err *e);
int cmd_train(Session *s, int argc, const Word *argv, Err *e);
int cmd_eval(Session *s, int argc, const Word *argv, Err *e);
int cmd_predict(Session *s, int argc, const Word *argv, Err *e);
int cmd_generate(Session *s, int argc, const Word *argv, Err *e);
int cmd_grads(Session *s, int argc, const Word *argv, Err *e);
int cmd_gates(Session *s, int argc, const Word *argv, Err *e);
int cmd_plot(Session *s, int argc, const Word *argv, Err *e);
int cmd_save(Session *s, int argc, const Word *argv, Err *e);
int cmd_load(Session *s, int argc, const Word *argv, Err *e);
int cmd_journal(Session *s, int argc, const Word *argv, Err *e);
int cmd_history(Session *s, int argc, const Word *argv, Err *e);
int cmd_break(Session *s, int argc, const Word *argv, Err *e);
int cmd_rewind(Session *s, int argc, const Word *argv, Err *e);
int cmd_runs(Session *s, int argc, const Word *argv, Err *e);
int cmd_compare(Session *s, int argc, const Word *argv, Err *e);
int cmd_view(Session *s, int argc, const Word *argv, Err *e);
int cmd_step(Session *s, int argc, const Word *argv, Err *e);
int cmd_expect(Session *s, int argc, const Word *argv, Err *e);
extern const char *const expect_quantities[];	/* NULL-terminated */
int cmd_try(Session *s, int argc, const Word *argv, Err *e);
int cmd_full(Session *s, int argc, const Word *argv, Err *e);
int cmd_sweep(Session *s, int argc, const Word *argv, Err *e);
int cmd_quantize(Session *s, int argc, const Word *argv, Err *e);
int cmd_prune(Session *s, int argc, const Word *argv, Err *e);

/* Settings (`set`), shared with `show config`, save/load and completion. */
typedef struct SettingDef {
	const char *key;
	const char *help;
	const char *const *choices;	/* enum values, or NULL */
	int nchoices;
} SettingDef;
int setting_count(void);
const SettingDef *setting_at(int i);
/* Apply key=value to copies of the settings and train config. */
int setting_apply(const Session *s, Settings *set, TrainConfig *tc, const char *key,
		  const char *value, Err *e);
/* The current value as text (canonical, re-parseable). */
void setting_value(const Session *s, const char *key, char *buf, size_t cap);

/* `KIND key=value...` (argv[0] the kind) into c; defaults from di (or NULL). */
int model_parse(int argc, const Word *argv, const DataInfo *di, ModelConfig *c, Err *e);
/* The canonical `model ...` command for c. */
void model_describe(const ModelConfig *c, char *buf, size_t cap);

/* `model show`'s header and table of tensors, shapes and sizes. */
void tensor_table(Session *s, const ParamInfo *tensors, int n);
/* The per-tensor table of a gradient check and its verdict. */
struct GradcheckStat;
void gradcheck_report(Session *s, const ParamInfo *tensors, int n, const struct GradcheckStat *st);

/* Model keys for `model` (completion and help). */
extern const char *const model_keys[];

#endif
