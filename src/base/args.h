/* args.h — reading values out of command words, with one error format.
 *
 * Each helper parses one value and, when it is bad, fills e with a message
 * that says what was wrong and what is allowed:
 *   hidden must be an integer from 1 to 65536, got 'abc'
 *   unknown optimizer 'adma' (choices: sgd, momentum, nesterov, ...)
 * The command name is prefixed by the dispatcher, so handlers never repeat it.
 */
#ifndef RNNLAB_ARGS_H
#define RNNLAB_ARGS_H

#include <stddef.h>

#include "err.h"

int arg_long(const char *key, const char *v, long lo, long hi, long *out, Err *e);
int arg_int(const char *key, const char *v, int lo, int hi, int *out, Err *e);
/* A finite float in [lo, hi]; "1e-3" and "0.001" both fine. */
int arg_float(const char *key, const char *v, double lo, double hi, float *out, Err *e);
/* on/off, true/false, yes/no, 1/0. */
int arg_bool(const char *key, const char *v, int *out, Err *e);
/* One of names[0..n); what names the kind in the message ("optimizer"). */
int arg_enum(const char *what, const char *v, const char *const *names, int n, int *out, Err *e);
/* Is argv[at] (if any) the word "force"?  Anything else there is an error
 * naming the usage. */
struct Word;
int arg_force(int argc, const struct Word *argv, int at, const char *usage, int *force, Err *e);
/* "a, b, c" into buf (for messages and help). */
const char *arg_choices(const char *const *names, int n, char *buf, size_t cap);

#endif
