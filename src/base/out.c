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

/* The length of the UTF-8 sequence at p (1-4), or 0 when it is not one;
 * *cp gets its code point. */
static int utf8_seq(const unsigned char *p, unsigned *cp)
{
	int n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : 0;
	if (p[0] >= 0xf8)
		n = 0;
	unsigned c = n == 4 ? p[0] & 0x07u : n == 3 ? p[0] & 0x0fu : p[0] & 0x1fu;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3fu);
	}
	/* overlong forms, surrogates and what lies beyond U+10FFFF are not text */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t text_sanitize(char *s)
{
	size_t bad = 0;
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				*p = '?', bad++;
			p++;
			continue;
		}
		unsigned cp = 0;
		int n = utf8_seq(p, &cp);
		if (n == 0 || (cp >= 0x80 && cp <= 0x9f)) {	/* not UTF-8, or a C1 control */
			int k = n ? n : 1;
			for (int i = 0; i < k; i++)
				p[i] = '?';
			bad += (size_t)k;
			p += k;
		} else {
			p += n;
		}
	}
	return bad;
}
