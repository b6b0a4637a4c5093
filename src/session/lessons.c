/* lessons.c — the bundled lessons: where they are (share_dirs), their
 * numbers, titles and parts, and `run 3` naming lesson 3. */
#include "lessons.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileutil.h"
#include "out.h"

/* "NN-name.lab": its number, or 0. */
static int lesson_number(const char *name)
{
	int n = 0, k = 0;
	while (name[k] >= '0' && name[k] <= '9' && k < 3)
		n = n * 10 + (name[k++] - '0');
	size_t len = strlen(name);
	if (k == 0 || name[k] != '-' || len < 5 || strcmp(name + len - 4, ".lab"))
		return 0;
	return n;
}

/* The title (the first line, "# 04 — Exploding gradients, ...", without
 * "# 04 — ") and the parts (pauses + 1) of the lesson at path. */
static void lesson_read(LessonInfo *l)
{
	char *text;
	size_t len;
	Err e;
	l->title[0] = '\0';
	l->parts = 1;
	if (file_read_all(l->path, (size_t)1 << 20, &text, &len, &e))
		return;
	const char *p = text;
	if (!strncmp(p, "\xef\xbb\xbf", 3))	/* a byte-order mark */
		p += 3;
	if (*p == '#') {
		p += strspn(p, "# ");
		p += strspn(p, "0123456789");
		p += strspn(p, " ");
		if (!strncmp(p, "\xe2\x80\x94", 3) || *p == '-')	/* an em dash or a hyphen */
			p += *p == '-' ? 1 : 3;
		p += strspn(p, " ");
		size_t n = strcspn(p, "\n");
		snprintf(l->title, sizeof l->title, "%.*s", (int)(n < sizeof l->title ? n : sizeof l->title - 1), p);
		text_sanitize(l->title);	/* a stranger's file: drawn on the first screen as it is */
	}
	for (const char *q = text; (q = strstr(q, "pause")); q += 5)
		if ((q == text || q[-1] == '\n') && (q[5] == '\n' || q[5] == ' ' || q[5] == '\0'))
			l->parts++;
	free(text);
}

int lesson_info(const char *path, LessonInfo *l)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	memset(l, 0, sizeof *l);
	if (!(l->number = lesson_number(base)))
		return 0;
	snprintf(l->path, sizeof l->path, "%s", path);
	lesson_read(l);
	return l->number;
}

static int by_number(const void *a, const void *b)
{
	return ((const LessonInfo *)a)->number - ((const LessonInfo *)b)->number;
}

int lessons_list(LessonInfo *out, int max)
{
	char dirs[SHARE_DIRS_MAX][1024];
	int nd = share_dirs(dirs);
	const char *env = getenv("RNNLAB_LESSONS");
	if (env && *env) {	/* first, when set */
		memmove(dirs[1], dirs[0], (size_t)(nd < SHARE_DIRS_MAX ? nd : SHARE_DIRS_MAX - 1) * sizeof dirs[0]);
		snprintf(dirs[0], sizeof dirs[0], "%s", env);
		nd = nd < SHARE_DIRS_MAX ? nd + 1 : SHARE_DIRS_MAX;
	}
	for (int d = 0; d < nd; d++) {	/* the first directory that holds lessons */
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		int n = 0;
		struct dirent *de;
		while ((de = readdir(dir)) && n < max) {
			int num = lesson_number(de->d_name);
			if (!num)
				continue;
			LessonInfo *l = &out[n++];
			l->number = num;
			snprintf(l->path, sizeof l->path, "%.800s/%.200s", dirs[d], de->d_name);
			lesson_read(l);
		}
		closedir(dir);
		if (n) {
			qsort(out, (size_t)n, sizeof *out, by_number);
			return n;
		}
	}
	return 0;
}

int lesson_path(const char *arg, char *path, size_t cap, Err *e)
{
	size_t k = strspn(arg, "0123456789");
	if (!k || arg[k] || k > 3) {	/* a file */
		if (strlen(arg) >= cap)
			return err_set(e, ERR_INVAL, "the path is longer than %zu characters", cap - 1);
		snprintf(path, cap, "%s", arg);
		struct stat st;
		if (strchr(arg, '/') || !*arg || stat(arg, &st) == 0 || errno != ENOENT)
			return 0;
		/* a bare name no file here has: a lesson's, with or without .lab */
		LessonInfo ls[LESSONS_MAX];
		int n = lessons_list(ls, LESSONS_MAX);
		size_t len = strlen(arg);
		for (int i = 0; i < n; i++) {
			const char *base = strrchr(ls[i].path, '/') + 1;
			if (!strcmp(base, arg) || (!strncmp(base, arg, len) && !strcmp(base + len, ".lab"))) {
				snprintf(path, cap, "%s", ls[i].path);
				break;
			}
		}
		return 0;
	}
	int want = atoi(arg);
	LessonInfo ls[LESSONS_MAX];
	int n = lessons_list(ls, LESSONS_MAX);
	for (int i = 0; i < n; i++)
		if (ls[i].number == want) {
			snprintf(path, cap, "%s", ls[i].path);
			return 0;
		}
	if (!n)
		return err_set(e, ERR_IO, "no lessons found (looked in $RNNLAB_LESSONS, ./scenarios, beside rnnlab and in "
			       RNNLAB_SHAREDIR "/scenarios)");
	return err_set(e, ERR_INVAL, "there is no lesson %d (lessons %d to %d; `lesson` lists them)", want,
		       ls[0].number, ls[n - 1].number);
}
