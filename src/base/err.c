/* err.c — one-line error messages for the core. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(Err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void err_prefix(Err *e, const char *prefix)
{
	if (!e)
		return;
	char tmp[sizeof e->msg];
	memcpy(tmp, e->msg, sizeof tmp);
	size_t n = strlen(prefix);
	if (n > sizeof e->msg - 3)
		n = sizeof e->msg - 3;
	memcpy(e->msg, prefix, n);
	e->msg[n] = ':';
	e->msg[n + 1] = ' ';
	size_t rest = strnlen(tmp, sizeof e->msg - n - 3);
	memcpy(e->msg + n + 2, tmp, rest);
	e->msg[n + 2 + rest] = '\0';
}
