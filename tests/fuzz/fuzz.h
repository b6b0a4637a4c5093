/* fuzz.h — what the libFuzzer targets share (header only: each target is
 * its own program).
 *
 * Every target is an LLVMFuzzerTestOneInput in tests/fuzz/fuzz_<name>.c.
 * `make fuzz` builds them with clang's libFuzzer; `make test` links each
 * one with replay.c instead and runs the seed corpus and every crash input
 * ever found through it (tests/fuzz/corpus/<name>/, crashes/<name>/).
 *
 * Targets that touch files work in a private directory: fuzz_init() makes
 * one with mkdtemp and moves into it (so give libFuzzer absolute paths for
 * its corpus and artifacts), fuzz_clean() empties it after each input, so
 * an input sees only the files it wrote itself and runs the same way every
 * time.  Bundled datasets are still found: RNNLAB_DATA points at the
 * tree's scenarios/data before the move.
 *
 * Commands that would legitimately take minutes or gigabytes are kept out
 * by fuzz_cheap() (see there); the point is crashes, not timeouts.  The
 * allocator returns NULL past FUZZ_MAX_ALLOC_MB under ASan, so a size that
 * slips through exercises the out-of-memory paths instead of the machine.
 */
#ifndef RNNLAB_FUZZ_H
#define RNNLAB_FUZZ_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lex.h"
#include "session.h"

#define FUZZ_MAX_ALLOC_MB 256
#define FUZZ_MAX_STEPS 6	/* training steps per input, over all `train`s */

#define FUZZ_STR_(x) #x
#define FUZZ_STR(x) FUZZ_STR_(x)

/* ASan reads this before main: huge allocations fail (NULL) instead of
 * aborting, and a leak is a finding. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=" FUZZ_STR(FUZZ_MAX_ALLOC_MB)
	       ":detect_leaks=1";
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the private directory ---- */

static char fuzz_dir[256];
static pid_t fuzz_owner;	/* the process that made it (replay forks) */

/* Remove every file in the private directory (it holds no subdirectories:
 * no command makes one, and '/' is kept out of paths). */
static inline void fuzz_clean(void)
{
	DIR *d = opendir(".");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlink(de->d_name);
	closedir(d);
}

static inline void fuzz_leave(void)
{
	if (!fuzz_dir[0] || getpid() != fuzz_owner || chdir(fuzz_dir) != 0)
		return;
	fuzz_clean();
	if (chdir("/") == 0)
		rmdir(fuzz_dir);
}

/* Make the private directory and move into it, once; on later calls (at
 * the start of each input) empty it. */
static inline void fuzz_init(void)
{
	if (fuzz_dir[0]) {
		fuzz_clean();
		return;
	}
	char cwd[4096];
	if (!getenv("RNNLAB_DATA") && getcwd(cwd, sizeof cwd - 32)) {
		strcat(cwd, "/scenarios/data");
		setenv("RNNLAB_DATA", cwd, 1);
	}
	setenv("OPENBLAS_NUM_THREADS", "1", 0);
	const char *tmp = getenv("TMPDIR");
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/rnnlab_fuzz_XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir) || chdir(fuzz_dir) != 0) {
		perror("fuzz: private directory");
		abort();
	}
	fuzz_owner = getpid();
	atexit(fuzz_leave);
}

/* Write data[0..size) to name in the private directory. */
static inline void fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	FILE *f = fopen(name, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(name);
		abort();
	}
}

/* ---- a host that discards output and checks the error contract ---- */

typedef struct FuzzCtx {
	int steps;		/* training steps this input took */
	int errors;
	int verbose;		/* FUZZ_VERBOSE set: output to stderr */
} FuzzCtx;

static FuzzCtx fuzz_ctx;

/* Report a broken output contract, the line escaped (it may hold
 * anything), and abort: a finding. */
static inline void fuzz_contract(const char *what, const char *line)
{
	fprintf(stderr, "fuzz: %s: \"", what);
	for (const unsigned char *p = (const unsigned char *)line; *p; p++)
		fprintf(stderr, *p < 0x20 || *p >= 0x7f || *p == '"' ? "\\x%02x" : "%c", *p);
	fprintf(stderr, "\"\n");
	abort();
}

static inline void fuzz_print(void *ctx, const char *line)
{
	FuzzCtx *c = ctx;
	if (c->verbose)
		fprintf(stderr, "%s\n", line);
	if (strchr(line, '\n'))	/* session_printf splits lines */
		fuzz_contract("a printed line holds a newline", line);
}

/* Errors are one line, and say something. */
static inline void fuzz_error(void *ctx, const char *line)
{
	FuzzCtx *c = ctx;
	c->errors++;
	if (c->verbose)
		fprintf(stderr, "error: %s\n", line);
	if (!*line || strchr(line, '\n') || strchr(line, '\r'))
		fuzz_contract("an error is not one line", line);
}

/* Stop training after FUZZ_MAX_STEPS steps per input: deterministic,
 * unlike a clock. */
static inline int fuzz_interrupted(void *ctx)
{
	FuzzCtx *c = ctx;
	return ++c->steps >= FUZZ_MAX_STEPS;
}

static inline Session *fuzz_session(void)
{
	memset(&fuzz_ctx, 0, sizeof fuzz_ctx);
	fuzz_ctx.verbose = getenv("FUZZ_VERBOSE") != NULL;
	Host h = { 0 };
	h.ctx = &fuzz_ctx;
	h.print = fuzz_print;
	h.error = fuzz_error;
	h.interrupted = fuzz_interrupted;
	h.width = 78;
	Session *s = session_new(&h);
	if (!s)
		abort();
	return s;
}

/* ---- keeping out the legitimately expensive ---- */

/* A numeric key (or, with key "#N", the N-th positional word) of a
 * command, and the cap above which the input is skipped.  Values above
 * `hi` are refused by the command itself, so they stay in: the refusal is
 * worth fuzzing, the work below it is not.  Sizes: a model of hidden 64,
 * 3 layers and a batch of 32 (the default) over 64 steps trains a step in milliseconds
 * even under ASan; gradcheck does two forward passes per checked entry. */
typedef struct FuzzCap {
	const char *cmd, *key;
	double cap, hi;
} FuzzCap;

static const FuzzCap fuzz_caps[] = {
	{ "model", "hidden", 64, 65536 },
	{ "model", "in", 64, 65536 },
	{ "model", "embed", 64, 65536 },
	{ "model", "vocab", 300, 1000000 },
	{ "model", "out", 300, 1000000 },
	{ "model", "src_vocab", 300, 1000000 },
	{ "model", "tgt_vocab", 300, 1000000 },
	{ "model", "layers", 3, 16 },
	{ "data", "T", 64, 100000 },
	{ "data", "delay", 64, 100000 },
	{ "data", "copy", 32, 1000 },
	{ "data", "seq", 64, 100000 },
	{ "data", "window", 64, 100000 },
	{ "data", "horizon", 16, 1000 },
	{ "data", "n", 3000, 10000000 },
	{ "data", "len", 5000, 10000000 },
	{ "data", "digits", 20, 60 },
	{ "set", "batch", 32, 65536 },
	{ "set", "val_size", 600, 1 << 30 },
	{ "set", "threads", 2, 64 },
	{ "generate", "#1", 300, 100000 },
	{ "gradcheck", "#1", 3, 1 << 30 },
	{ "translate", "beam", 4, 64 },
	{ "translate", "max", 64, 10000 },
};

/* Is this word's value a number in (cap, hi]?  strtod reads a superset of
 * what the commands accept ("1e9", "0x10", "+5"), so this errs on the
 * side of skipping. */
static inline int fuzz_too_big(const char *v, double cap, double hi)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v)
		return 0;
	return d > cap && d <= hi;
}

/* 1 when every statement of the line is cheap and names no path outside
 * the private directory.  Lines that do not lex stay in (the lexer's
 * errors are worth fuzzing). */
static inline int fuzz_cheap_line(const char *line)
{
	Lexed lx;
	Err e;
	if (lex_line(line, &lx, &e))
		return 1;
	int ok = 1;
	for (int i = 0; i < lx.nstmt && ok; i++) {
		const Stmt *st = &lx.stmt[i];
		const char *cmd = st->argv[0].text;
		for (int w = 0; w < st->argc && ok; w++) {
			const Word *wd = &st->argv[w];
			/* Only relative names in the private directory: no
			 * /dev/stdin (blocks), /dev/zero (endless), no writes
			 * outside. */
			if (strchr(wd->text, '/'))
				ok = 0;
			for (size_t c = 0; c < sizeof fuzz_caps / sizeof fuzz_caps[0] && ok && w > 0; c++) {
				const FuzzCap *fc = &fuzz_caps[c];
				if (strcmp(fc->cmd, cmd))
					continue;
				if (fc->key[0] == '#' ? !wd->key && w == atoi(fc->key + 1)
						      : wd->key && !strcmp(wd->key, fc->key))
					ok = !fuzz_too_big(wd->key ? wd->value : wd->text, fc->cap, fc->hi);
			}
		}
	}
	lex_free(&lx);
	return ok;
}

/* Apply fuzz_cheap_line to each '\n'-separated line of data (a NUL ends a
 * line's text, as it does for session_exec). */
static inline int fuzz_cheap(const uint8_t *data, size_t size)
{
	size_t i = 0;
	while (i < size) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		char *line = strndup((const char *)data + i, j - i);
		if (!line)
			abort();
		int ok = fuzz_cheap_line(line);
		free(line);
		if (!ok)
			return 0;
		i = j + 1;
	}
	return 1;
}

#endif
