/* args.c — value parsing with messages that say what is allowed. */
#include "args.h"
#include "lex.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int arg_long(const char *key, const char *v, long lo, long hi, long *out, Err *e)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return err_set(e, ERR_INVAL, "%s must be an integer from %ld to %ld, got '%s'", key, lo, hi, v);
	*out = n;
	return 0;
}

int arg_int(const char *key, const char *v, int lo, int hi, int *out, Err *e)
{
	long n;
	int rc = arg_long(key, v, lo, hi, &n, e);
	if (!rc)
		*out = (int)n;
	return rc;
}

int arg_float(const char *key, const char *v, double lo, double hi, float *out, Err *e)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno == ERANGE && fabs(d) > 1)
		return err_set(e, ERR_INVAL, "%s is out of range, got '%s'", key, v);
	if (end == v || *end || !isfinite(d))
		return err_set(e, ERR_INVAL, "%s must be a number from %g to %g, got '%s'", key, lo, hi, v);
	if (d < lo || d > hi)
		return err_set(e, ERR_INVAL, "%s must be from %g to %g, got %s", key, lo, hi, v);
	*out = (float)d;
	return 0;
}

int arg_bool(const char *key, const char *v, int *out, Err *e)
{
	static const char *const yes[] = { "on", "true", "yes", "1" }, *const no[] = { "off", "false", "no", "0" };
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return err_set(e, ERR_INVAL, "%s must be on or off, got '%s'", key, v);
}

const char *arg_choices(const char *const *names, int n, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", names[i]);
	return buf;
}

int arg_enum(const char *what, const char *v, const char *const *names, int n, int *out, Err *e)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	char buf[200];
	return err_set(e, ERR_INVAL, "unknown %s '%s' (choices: %s)", what, v, arg_choices(names, n, buf, sizeof buf));
}

int arg_force(int argc, const Word *argv, int at, const char *usage, int *force, Err *e)
{
	*force = 0;
	if (at >= argc)
		return 0;
	if (strcmp(argv[at].text, "force") || at + 1 < argc)
		return err_set(e, ERR_INVAL, "unexpected '%s' (usage: %s)", argv[at].text, usage);
	*force = 1;
	return 0;
}
