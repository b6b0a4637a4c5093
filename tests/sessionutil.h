/* sessionutil.h — a session driven as a user types at it, for the tests of
 * the command language (header only).  The host captures what the session
 * prints and its error lines; ok() runs a line that must succeed, fails()
 * one that must fail with exactly the given error line, has() checks the
 * output.  Files go to a fresh directory under /tmp (tu_path). */
#ifndef RNNLAB_SESSIONUTIL_H
#define RNNLAB_SESSIONUTIL_H

#include "testutil.h"

#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "session.h"

typedef struct Capture {
	char out[1 << 17];
	char err[1 << 12];
	size_t no, ne;
} Capture;

static Capture cap;
static char tmpdir[64];

static inline void cap_append(char *buf, size_t cap_size, size_t *n, const char *line)
{
	*n += (size_t)snprintf(buf + *n, *n < cap_size ? cap_size - *n : 0, "%s\n", line);
	if (*n > cap_size)
		*n = cap_size;
}

static inline void cap_print(void *ctx, const char *line)
{
	Capture *c = ctx;
	cap_append(c->out, sizeof c->out, &c->no, line);
}

static inline void cap_error(void *ctx, const char *line)
{
	Capture *c = ctx;
	cap_append(c->err, sizeof c->err, &c->ne, line);
}

/* The current rnn/lstm/gru model and its trainer (NULL without one). */
static inline Model *cur_model(const Session *s)
{
	const Cells *c = learner_cells(s->lr);
	return c ? c->m : NULL;
}

static inline Trainer *cur_trainer(const Session *s)
{
	const Cells *c = learner_cells(s->lr);
	return c ? c->t : NULL;
}

static inline Session *new_session(void)
{
	memset(&cap, 0, sizeof cap);
	Host h = { 0 };
	h.ctx = &cap;
	h.print = cap_print;
	h.error = cap_error;
	h.width = 78;
	Session *s = session_new(&h);
	assert_non_null(s);
	return s;
}

static inline void clear(void)
{
	cap.no = cap.ne = 0;
	cap.out[0] = cap.err[0] = '\0';
}

/* Run a line that must succeed. */
static inline void ok(Session *s, const char *line)
{
	clear();
	if (session_exec(s, line) != 0)
		fail_msg("'%s' failed: %s", line, cap.err);
}

/* Run a line that must fail with this exact error line. */
static inline void fails(Session *s, const char *line, const char *want)
{
	clear();
	assert_int_not_equal(session_exec(s, line), 0);
	size_t n = strlen(want);
	if (strncmp(cap.err, want, n) != 0 || strcmp(cap.err + n, "\n") != 0)
		fail_msg("'%s': got error\n  %s  want\n  %s\n", line, cap.err, want);
}

/* The output of the last line holds text. */
static inline void has(const char *text)
{
	if (!strstr(cap.out, text))
		fail_msg("output lacks '%s':\n%s", text, cap.out);
}

/* cmocka group setup and teardown: a fresh tmpdir, removed after. */
static inline int setup_dir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/rnnlab_test_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int remove_dir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* tmpdir/name into buf */
static inline void path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
}

#endif
