/* err.h — how the core reports failure.
 *
 * Every core function that can fail returns 0 on success or one of the
 * negative codes below, and writes a one-line, human-readable message into
 * the caller's Err ("hidden must be between 1 and 65536, got 0").  The
 * message never ends in a newline; front ends print it as they see fit.
 */
#ifndef RNNLAB_ERR_H
#define RNNLAB_ERR_H

enum {
	ERR_OK      =  0,
	ERR_INVAL   = -1,	/* a bad argument or value from the user */
	ERR_NOMEM   = -2,	/* an allocation failed or would be absurd */
	ERR_IO      = -3,	/* a file could not be read or written */
	ERR_FORMAT  = -4,	/* a file is not what it claims to be */
	ERR_NUMERIC = -5,	/* a loss or gradient is not finite */
	ERR_STATE   = -6,	/* the request does not fit the session's state */
	ERR_HELD    = -7,	/* a training update held back on request (a breakpoint) */
	ERR_STOPPED = -8,	/* a training step stopped from inside it (stepwatch.h) */
};

typedef struct Err {
	char msg[256];
} Err;

/* Fill e (which may be NULL) with a printf-style message; return code. */
int err_set(Err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "prefix: " to the message already in e (for context). */
void err_prefix(Err *e, const char *prefix);

#endif
