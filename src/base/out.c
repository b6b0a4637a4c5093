/* out.c — formatted report lines through an Out. */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void out_printf(const Out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

void out_vprintf(const Out *o, const char *fmt, va_list ap)
{
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	for (char *p = buf;;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (o->line)
			o->line(o->ctx, p);
		if (!nl)
			break;
		p = nl + 1;
	}
}
