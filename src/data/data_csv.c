/* data_csv.c — one numeric column of a CSV file, forgivingly read.
 *
 * What it accepts, as spreadsheets and pandas write CSV:
 *   - fields separated by ',' (or ';' or tab, when the first line has more
 *     of those than commas), optionally in double quotes; inside quotes a
 *     separator, a line break, or a doubled quote "" (one quote) is text;
 *   - line ends \n, \r\n or \r; a UTF-8 byte-order mark; blank lines (skipped);
 *   - a header row or none: the first row is a header when its cell in the
 *     chosen column is neither a number nor empty;
 *   - missing cells: empty, NA, N/A, NaN, null (any case), or a row too
 *     short to reach the column: kept as NAN for the caller to handle.
 * Anything else in the column that is not a finite number is an error
 * naming the file and line.  Files with a NUL byte are refused as binary.
 */
#include "data_priv.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct CsvCursor {
	const char *p, *end;
	long line;		/* physical line of p, from 1 */
	char sep;
	int quoted;		/* the last field was in quotes */
	char *cell;		/* the last field read, unquoted, NUL-terminated */
	size_t len, cap;
} CsvCursor;

static int cell_put(CsvCursor *c, char ch)
{
	if (c->len + 1 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		char *nc = realloc(c->cell, cap);
		if (!nc)
			return -1;
		c->cell = nc;
		c->cap = cap;
	}
	c->cell[c->len++] = ch;
	c->cell[c->len] = '\0';
	return 0;
}

/* A line break at p (\n, \r\n, \r): its length, else 0. */
static int line_break(const CsvCursor *c, const char *p)
{
	if (p >= c->end)
		return 0;
	if (*p == '\n')
		return 1;
	if (*p == '\r')
		return p + 1 < c->end && p[1] == '\n' ? 2 : 1;
	return 0;
}

enum { FIELD_MORE = 1, FIELD_LAST = 0, FIELD_NOMEM = -1, FIELD_OPEN_QUOTE = -2 };

/* Read one field into c->cell; FIELD_MORE when another field of the same
 * row follows, FIELD_LAST at the end of the row. */
static int csv_field(CsvCursor *c)
{
	if (!c->cell && cell_put(c, ' ') < 0)
		return FIELD_NOMEM;
	c->len = 0;
	c->cell[0] = '\0';
	const char *p = c->p;
	while (p < c->end && *p == ' ')
		p++;
	c->quoted = p < c->end && *p == '"';
	if (c->quoted) {
		p++;
		for (;;) {
			if (p >= c->end)
				return FIELD_OPEN_QUOTE;
			if (*p == '"') {
				if (p + 1 < c->end && p[1] == '"') {
					p += 2;
					if (cell_put(c, '"') < 0)
						return FIELD_NOMEM;
					continue;
				}
				p++;
				break;
			}
			int br = line_break(c, p);
			if (br)
				c->line++;
			for (int i = 0; i < (br ? br : 1); i++)
				if (cell_put(c, *p++) < 0)
					return FIELD_NOMEM;
		}
	}
	/* Unquoted text, or what follows a closing quote (kept, leniently). */
	while (p < c->end && *p != c->sep && !line_break(c, p))
		if (cell_put(c, *p++) < 0)
			return FIELD_NOMEM;
	if (p < c->end && *p == c->sep) {
		c->p = p + 1;
		return FIELD_MORE;
	}
	int br = line_break(c, p);
	if (br)
		c->line++;
	c->p = p + br;
	return FIELD_LAST;
}

/* The separator with most occurrences outside quotes on the first line. */
static char detect_sep(const char *p, const char *end)
{
	static const char cand[3] = { ',', ';', '\t' };
	long count[3] = { 0, 0, 0 };
	int quoted = 0;
	for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"')
			quoted = !quoted;
		for (int i = 0; i < 3 && !quoted; i++)
			count[i] += *p == cand[i];
	}
	int best = 0;
	for (int i = 1; i < 3; i++)
		if (count[i] > count[best])
			best = i;
	return cand[best];
}

enum { CELL_NUMBER, CELL_MISSING, CELL_TEXT };

/* Classify a cell (trimming spaces) and parse its number. */
static int cell_kind(const char *s, double *v)
{
	static const char *const na[] = { "", "NA", "N/A", "NaN", "null" };
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	char tmp[64];
	if (n >= sizeof tmp)
		return CELL_TEXT;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	for (size_t i = 0; i < sizeof na / sizeof na[0]; i++)
		if (strcasecmp(tmp, na[i]) == 0)
			return CELL_MISSING;
	char *end;
	errno = 0;
	*v = strtod(tmp, &end);
	if (*end || end == tmp || !isfinite(*v) || fabs(*v) > FLT_MAX)
		return CELL_TEXT;
	return CELL_NUMBER;
}

/* Values a series may hold: the z-score and the interpolation of gaps are
 * done in float, and differences of values near FLT_MAX overflow. */
#define CSV_MAX_ABS 1e30

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Read the first row: every cell into names (NUL-separated). */
static int first_row(CsvCursor *c, char **names, int *ncols, const char *path, Err *e)
{
	size_t cap = 256, used = 0;
	char *buf = malloc(cap);
	int n = 0, r;
	if (!buf)
		return err_set(e, ERR_NOMEM, "%s: out of memory", path);
	do {
		r = csv_field(c);
		if (r < 0)
			break;
		size_t l = strlen(c->cell) + 1;
		if (used + l > cap) {
			while (used + l > cap)
				cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				r = FIELD_NOMEM;
				break;
			}
			buf = nb;
		}
		memcpy(buf + used, c->cell, l);
		used += l;
		n++;
	} while (r == FIELD_MORE);
	if (r < 0) {
		free(buf);
		return r == FIELD_NOMEM ? err_set(e, ERR_NOMEM, "%s: out of memory", path)
			: err_set(e, ERR_FORMAT, "%s:1: a quoted field is never closed", path);
	}
	*names = buf;
	*ncols = n;
	return 0;
}

static const char *name_at(const char *names, int i)
{
	while (i-- > 0)
		names += strlen(names) + 1;
	return names;
}

/* Which column `column` means in the first row; sets *sel. */
static int pick_column(const char *path, const char *column, const char *names, int ncols,
		       int *sel, Err *e)
{
	if (!column || !*column) {
		*sel = ncols - 1;
		return 0;
	}
	if (all_digits(column)) {
		long k = strtol(column, NULL, 10);
		if (k < 1 || k > ncols)
			return err_set(e, ERR_INVAL, "%s: column=%s, but line 1 has %d column%s "
				       "(numbered from 1)", path, column, ncols, ncols > 1 ? "s" : "");
		*sel = (int)k - 1;
		return 0;
	}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < ncols; i++) {
			const char *nm = name_at(names, i);
			if (pass ? strcasecmp(nm, column) == 0 : strcmp(nm, column) == 0) {
				*sel = i;
				return 0;
			}
		}
	char list[160] = "";
	int text = 0;
	double v;
	for (int i = 0; i < ncols; i++) {
		const char *nm = name_at(names, i);
		text += cell_kind(nm, &v) == CELL_TEXT;
		data_cat(list, sizeof list, "%s%s", i ? ", " : "", nm);
	}
	if (!text)
		return err_set(e, ERR_INVAL, "%s has no header row, so no column '%s': give "
			       "column=N (1..%d)", path, column, ncols);
	return err_set(e, ERR_INVAL, "%s: no column '%s' (the columns are: %s)", path, column,
		       list);
}

static int push_value(CsvColumn *out, size_t *cap, float v)
{
	if ((size_t)out->n >= *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		float *nv = realloc(out->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		out->v = nv;
		*cap = nc;
	}
	out->v[out->n++] = v;
	return 0;
}

int csv_parse_column(const char *path, const char *buf, size_t len, const char *column,
		     CsvColumn *out, Err *e)
{
	memset(out, 0, sizeof *out);
	CsvCursor c = { .p = buf, .end = buf + len, .line = 1 };
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		c.p += 3;
	/* Leading blank lines do not count as the first row. */
	while (line_break(&c, c.p)) {
		c.p += line_break(&c, c.p);
		c.line++;
	}
	if (c.p >= c.end)
		return err_set(e, ERR_FORMAT, "%s: empty file, no rows of CSV", path);
	c.sep = detect_sep(c.p, c.end);
	char *names = NULL;
	int ncols = 0, sel = 0, rc = first_row(&c, &names, &ncols, path, e);
	if (rc || (rc = pick_column(path, column, names, ncols, &sel, e))) {
		free(names);
		free(c.cell);
		return rc;
	}
	double v;
	size_t cap = 0;
	out->ncols = ncols;
	int k0 = cell_kind(name_at(names, sel), &v);
	out->header = k0 == CELL_TEXT;
	if (out->header)
		snprintf(out->name, sizeof out->name, "%s", name_at(names, sel));
	else
		snprintf(out->name, sizeof out->name, "column %d", sel + 1);
	char label[80];		/* for messages: "column 'co2'" or "column 2" */
	snprintf(label, sizeof label, out->header ? "column '%s'" : "%s", out->name);
	if (!out->header && push_value(out, &cap, k0 == CELL_NUMBER ? (float)v : NAN) < 0)
		rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
	out->missing += !out->header && k0 == CELL_MISSING;
	free(names);
	while (!rc && c.p < c.end) {
		long line = c.line;
		int col = 0, r, kind = CELL_MISSING, blank = 1;
		do {
			r = csv_field(&c);
			if (r < 0)
				break;
			if (c.cell[0] || c.quoted || r == FIELD_MORE)
				blank = 0;
			if (col == sel)
				kind = cell_kind(c.cell, &v);
			if (col == sel && kind == CELL_TEXT) {
				rc = err_set(e, ERR_FORMAT, "%s:%ld: '%.40s' in %s is not a number",
					     path, line, c.cell, label);
				break;
			}
			if (col == sel && kind == CELL_NUMBER && fabs(v) > CSV_MAX_ABS) {
				rc = err_set(e, ERR_FORMAT, "%s:%ld: %.40s in %s is too large (at most %g in size: "
					     "scaling it and filling gaps next to it would overflow)", path, line, c.cell,
					     label, CSV_MAX_ABS);
				break;
			}
			col++;
		} while (r == FIELD_MORE);
		if (rc)
			break;
		if (r == FIELD_NOMEM)
			rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
		else if (r == FIELD_OPEN_QUOTE)
			rc = err_set(e, ERR_FORMAT, "%s:%ld: a quoted field is never closed", path,
				     line);
		else if (!blank) {
			out->missing += kind == CELL_MISSING;
			if (push_value(out, &cap, kind == CELL_NUMBER ? (float)v : NAN) < 0)
				rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
		}
	}
	free(c.cell);
	if (!rc && out->n == 0)
		rc = err_set(e, ERR_FORMAT, "%s: no values in %s%s", path, label,
			     out->header ? " below the header" : "");
	else if (!rc && out->missing == out->n)
		rc = err_set(e, ERR_FORMAT, "%s: %s has no numbers, all %ld cells are empty",
			     path, label, out->n);
	if (rc)
		csv_column_done(out);
	return rc;
}

int csv_read_column(const char *path, const char *column, CsvColumn *out, Err *e)
{
	char *buf;
	size_t len;
	memset(out, 0, sizeof *out);
	int rc = data_read_file(path, "CSV", &buf, &len, e);
	if (rc)
		return rc;
	rc = csv_parse_column(path, buf, len, column, out, e);
	free(buf);
	return rc;
}

void csv_column_done(CsvColumn *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}
