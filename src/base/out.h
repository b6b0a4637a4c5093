/* out.h — where a module's report lines go: a callback and its context.
 *
 * Code below the session (the learners) prints through an Out, so that it
 * needs no Session; the session's Out is its host's print callback.
 */
#ifndef RNNLAB_OUT_H
#define RNNLAB_OUT_H

#include <stdarg.h>
#include <stddef.h>

typedef struct Out {
	void (*line)(void *ctx, const char *line);	/* one line, no newline; may be NULL */
	void *ctx;
} Out;

/* Format into one callback per line of the result (at most 1 KiB). */
void out_printf(const Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_vprintf(const Out *o, const char *fmt, va_list ap);

/* Make s safe to print on a terminal, in place: C0 controls but the tab,
 * DEL, C1 controls (the bytes 0x80-0x9f as UTF-8: U+0080-U+009F) and
 * bytes that are not UTF-8 each become '?'; other text is kept.  Returns
 * how many bytes were replaced. */
size_t text_sanitize(char *s);

#endif
