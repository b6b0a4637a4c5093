/* lessons.h — the bundled lessons (scenarios/NN-name.lab), found from any
 * directory: in $RNNLAB_LESSONS when set, else the first of share_dirs
 * (fileutil.h) that holds any. */
#ifndef RNNLAB_LESSONS_H
#define RNNLAB_LESSONS_H

#include <stddef.h>

#include "err.h"

#define LESSONS_MAX 64

typedef struct LessonInfo {
	int number;		/* NN of NN-name.lab */
	char path[1024];
	char title[120];	/* its first line without "# NN — " */
	int parts;		/* its pauses + 1 */
} LessonInfo;

/* The lessons, by number, into out[0..max); how many. */
int lessons_list(LessonInfo *out, int max);

/* The lesson at path (its file is named NN-name.lab) into *l; its number,
 * or 0 when path is not a lesson's. */
int lesson_info(const char *path, LessonInfo *l);

/* `run 3`: a whole number names lesson 3's file; anything else is a path,
 * copied as it is, except a bare name (no '/') that no file here has and a
 * lesson's file has, with or without .lab ("02-vanishing"): that lesson's
 * path.  ERR_INVAL (no such lesson, with the range), ERR_IO (no lessons
 * anywhere). */
int lesson_path(const char *arg, char *path, size_t cap, Err *e);

/* Rough minutes a class spends on a lesson of `parts` parts. */
#define LESSON_MINUTES_PER_PART 4

#endif
