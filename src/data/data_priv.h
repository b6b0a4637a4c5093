/* data_priv.h — what the data*.c files share and nothing else includes.
 *
 * A Dataset holds every example of both splits in one of a few compact
 * layouts (train examples first, then validation); data_fill expands them
 * into the time-major batch.  Each family of datasets has an opener that
 * reads its parameters through the data_arg_* helpers, fills the layout,
 * the DataInfo and a few notes for `data info`, and sets `show`.
 */
#ifndef RNNLAB_DATA_PRIV_H
#define RNNLAB_DATA_PRIV_H

#include <stdio.h>

#include "data.h"

enum {
	DATA_MAX_PARAMS = 10,	/* per dataset */
	DATA_MAX_NOTES = 10,	/* lines of `data info` particular to one dataset */
	DATA_NOTE_LEN = 200,
	DATA_LINE = 256,	/* longest line data_show emits */
};

/* Refuse datasets whose examples would take more than this. */
#define DATA_MAX_BYTES ((size_t)1 << 30)
/* Refuse files larger than this. */
#define DATA_MAX_FILE ((size_t)256 << 20)

typedef enum {
	LAYOUT_DENSE,		/* xf [N, T, in] floats */
	LAYOUT_SYMBOLS,		/* xs [N, T] symbols: one-hot over `in`, or xs * scale (in = 1) */
	LAYOUT_SERIES,		/* windows of series at off[]: x = window values, y = the next `horizon` */
	LAYOUT_TEXT,		/* windows of ids at off[]: tok = ids[off..], y = ids[off + 1..] */
	LAYOUT_S2S,		/* src [N, S], tgt [N, T] = target + EOS + PAD (tgt_out) */
} DataLayout;

/* The parameters of one data_open, each resolved to its text (given or
 * default), in the order of spec->params. */
typedef struct DataArgs {
	const DataSpec *spec;
	const char *file;
	const char *val[DATA_MAX_PARAMS];
} DataArgs;

typedef void (*DataShowFn)(const Dataset *d, long ex, DataEmit emit, void *ctx);

struct Dataset {
	const DataSpec *spec;
	DataInfo info;
	uint64_t seed;
	char *args;		/* data_args */
	char *file;		/* the file read (user's or bundled), or NULL */
	int chrono;		/* 1: split chronologically, 0: by seed */
	DataLayout layout;
	long n;			/* n_train + n_val; example k < n_train is train */
	DataShowFn show;
	char notes[DATA_MAX_NOTES][DATA_NOTE_LEN];
	int nnotes;

	/* LAYOUT_DENSE, LAYOUT_SYMBOLS */
	float *xf;		/* [n, T, in] */
	uint8_t *xs;		/* [n, T]; symbol >= in gives a zero one-hot row */
	int onehot;
	float scale;
	char symch[32];		/* one display character per symbol, for show */
	int permuted;		/* digits: pixels in a seeded order */
	float *yf;		/* [n, ylen]: ylen = (per_step ? T : 1) * Y */
	int ylen;

	/* LAYOUT_SERIES and LAYOUT_TEXT */
	long *off;		/* [n] window starts */
	float *series;		/* [len] z-scored (interpolated where missing) */
	uint8_t *missing;	/* [len] 1 where the source had no value, or NULL */
	long len, split_at;	/* series or text length; the first validation position */
	int window, horizon;
	double mean, std;	/* z-score fitted on [0, split_at) */
	uint8_t *ids;		/* [len] text as token ids */

	/* LAYOUT_S2S (and the LM's vocabulary) */
	uint8_t *src;		/* [n, S] */
	uint8_t *tgt;		/* [n, T] */
	char alpha[2][256];	/* side's real symbols in id order, from id `first` */
	int alpha_n[2];
	int first;		/* id of alpha[side][0]: 4 for seq2seq, 0 for an LM */
	int16_t tok_id[2][256];	/* byte -> id, -1 when not in the vocabulary */
	char tok_str[2][256][2];	/* id -> text for real symbols */
};

/* Parameters: whether the spec declares `key`; its text (it must). */
int data_arg_has(const DataArgs *a, const char *key);
const char *data_arg_text(const DataArgs *a, const char *key);
int data_arg_long(const DataArgs *a, const char *key, long lo, long hi, long *out, Err *e);
int data_arg_double(const DataArgs *a, const char *key, double lo, double hi, double *out,
		    Err *e);
int data_arg_choice(const DataArgs *a, const char *key, const char *const *names, int count,
		    int *out, Err *e);

/* A line for `data info`. */
void data_note(Dataset *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* calloc of count * size bytes, refused past DATA_MAX_BYTES with a message
 * naming `what` (the dataset's examples, ...). */
void *data_calloc(size_t count, size_t size, const char *what, Err *e);

/* n examples split by a validation fraction: n_val = round(n * val). */
int data_split(Dataset *d, long n, double val, Err *e);

/* The whole file, NUL-terminated (malloc'd).  Refuses a missing or
 * unreadable file (with strerror), one past DATA_MAX_FILE, and one holding
 * a NUL byte (binary).  `what` names the expected content ("CSV"). */
int data_read_file(const char *path, const char *what, char **buf, size_t *len, Err *e);

/* Build the token tables of `side` from the characters of alpha (n of them),
 * the first at id `first`. */
void data_vocab(Dataset *d, int side, const char *alpha, int n, int first);

/* Append to a fixed line buffer, truncating. */
void data_cat(char *line, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Text of one byte for display: printable as is, else an escape ("\n"). */
const char *data_char_text(int c, char buf[8]);

/* Openers (data_tasks.c, data_series.c, data_text.c, data_s2s.c). */
int data_open_adding(Dataset *d, const DataArgs *a, Err *e);
int data_open_copy(Dataset *d, const DataArgs *a, Err *e);
int data_open_order(Dataset *d, const DataArgs *a, Err *e);
int data_open_parity(Dataset *d, const DataArgs *a, Err *e);
int data_open_reber(Dataset *d, const DataArgs *a, Err *e);
int data_open_digits(Dataset *d, const DataArgs *a, Err *e);
int data_open_sine(Dataset *d, const DataArgs *a, Err *e);
int data_open_mackey(Dataset *d, const DataArgs *a, Err *e);
int data_open_sunspots(Dataset *d, const DataArgs *a, Err *e);
int data_open_co2(Dataset *d, const DataArgs *a, Err *e);
int data_open_csv(Dataset *d, const DataArgs *a, Err *e);
int data_open_shakespeare(Dataset *d, const DataArgs *a, Err *e);
int data_open_text(Dataset *d, const DataArgs *a, Err *e);
int data_open_reverse(Dataset *d, const DataArgs *a, Err *e);
int data_open_sort(Dataset *d, const DataArgs *a, Err *e);
int data_open_addition(Dataset *d, const DataArgs *a, Err *e);
int data_open_dates(Dataset *d, const DataArgs *a, Err *e);

/* data_csv.c: one numeric column of a CSV file.  Missing cells (empty, NA,
 * N/A, NaN, null) are NAN.  `column` is a header name, a 1-based number, or
 * NULL/"" for the last column. */
typedef struct CsvColumn {
	float *v;		/* [n] */
	long n;
	long missing;
	int header;		/* the first row was a header */
	int ncols;
	char name[64];		/* the column's header text, or "column N" */
} CsvColumn;

int csv_read_column(const char *path, const char *column, CsvColumn *out, Err *e);
/* The same on a buffer already read (path only names it in messages). */
int csv_parse_column(const char *path, const char *buf, size_t len, const char *column,
		     CsvColumn *out, Err *e);
void csv_column_done(CsvColumn *c);

#endif
