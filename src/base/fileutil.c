/* fileutil.c — overwrite guards and whole-file reads. */
#include "fileutil.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kind_names[FILE_KIND_COUNT] = {
	".npz file", "rnnlab session", "rnnlab journal", "rnnlab history (.csv)", ".svg file", "rnnlab log (.log)",
	"rnnlab sweep result (.result)"
};
static const char *const kind_ext[FILE_KIND_COUNT] = { ".npz", NULL, ".lab", ".csv", ".svg", ".log", ".result" };

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), m = strlen(ext);
	return n >= m && strcmp(path + n - m, ext) == 0;
}

int file_may_write(const char *path, FileKind kind, int force, Err *e)
{
	return file_may_write_holding(path, kind, NULL, NULL, force, e);
}

int file_may_write_holding(const char *path, FileKind kind, FileHolds holds, const char *what,
			   int force, Err *e)
{
	assert((kind != FILE_SESSION && kind != FILE_NPZ) || holds);	/* a zip is not enough */
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;	/* does not exist (or unreachable: the write says why) */
	if (S_ISDIR(st.st_mode))
		return err_set(e, ERR_IO, "%s is a directory", path);
	if (!S_ISREG(st.st_mode))	/* reading a FIFO to recognise it would wait forever */
		return err_set(e, ERR_IO, "%s is not a regular file (a pipe, a device or a socket)", path);
	if (force)
		return 0;
	int ok = 0;
	if (kind == FILE_NPZ || kind == FILE_SESSION) {
		FILE *f = fopen(path, "rb");
		char magic[4] = { 0 };
		if (f) {
			ok = fread(magic, 1, 4, f) == 4 && magic[0] == 'P' && magic[1] == 'K';
			fclose(f);
		}
		if (ok && holds)
			ok = holds(path, what);
	} else {
		/* the extension, and the first bytes rnnlab writes in such a file */
		static const char *const head[FILE_KIND_COUNT] = { NULL, NULL, "# rnnlab journal", FILE_CSV_HEAD,
								   FILE_SVG_HEAD, FILE_LOG_HEAD, FILE_RESULT_HEAD };
		char first[64] = "";
		FILE *f = fopen(path, "rb");
		if (f) {
			size_t n = fread(first, 1, sizeof first - 1, f);
			first[n] = '\0';
			fclose(f);
		}
		ok = has_ext(path, kind_ext[kind]) && !strncmp(first, head[kind], strlen(head[kind]));
	}
	if (!ok)
		return err_set(e, ERR_IO, "%s exists and is not an %s; not overwriting it (add force to replace it)",
			       path, kind_names[kind]);
	return 0;
}

int file_check_regular(const char *path, size_t max, Err *e)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return err_set(e, ERR_IO, "%s is a directory", path);
	if (!S_ISREG(st.st_mode))
		return err_set(e, ERR_IO, "%s is not a regular file (a device, a pipe or a socket)", path);
	if ((unsigned long long)st.st_size > (unsigned long long)max)
		return err_set(e, ERR_FORMAT, "%s: %lld bytes is more than the %zu MiB allowed", path,
			       (long long)st.st_size, max >> 20);
	return 0;
}

int file_read_all(const char *path, size_t max, char **out, size_t *len, Err *e)
{
	int rc0 = file_check_regular(path, max, e);
	if (rc0)
		return rc0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int rc = 0;
	while (buf) {
		if (n == cap) {
			if (cap >= max) {
				rc = err_set(e, ERR_FORMAT, "%s: larger than %zu bytes", path, max);
				break;
			}
			cap = cap * 2 > max ? max : cap * 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb)
				break;
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f))
				rc = err_set(e, ERR_IO, "%s: read error", path);
			break;
		}
	}
	fclose(f);
	if (!buf)
		return err_set(e, ERR_NOMEM, "%s: out of memory", path);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int file_plain_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int file_read_in_dir(int dirfd, const char *dir, const char *name, size_t max, char **out, size_t *len, Err *e)
{
	if (!file_plain_name(name))
		return err_set(e, ERR_FORMAT, "'%s' is not a file name inside %s", name, dir);
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(e, ERR_IO, "%s/%s: %s", dir, name,
			       errno == ELOOP ? "a symbolic link (not followed)" : strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_IO, "%s/%s is not a regular file", dir, name);
	}
	if ((unsigned long long)st.st_size > (unsigned long long)max) {
		close(fd);
		return err_set(e, ERR_FORMAT, "%s/%s: %lld bytes is more than the %zu allowed", dir, name,
			       (long long)st.st_size, max);
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = malloc(cap + 1);
	int rc = buf ? 0 : err_set(e, ERR_NOMEM, "%s/%s: out of memory", dir, name);
	while (!rc) {	/* one byte more than its size: a file that grew is caught */
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = err_set(e, ERR_IO, "%s/%s: %s", dir, name, strerror(errno));
		else if (r == 0)
			break;
		else if ((n += (size_t)r) == cap)
			rc = err_set(e, ERR_FORMAT, "%s/%s changed while it was read", dir, name);
	}
	close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

FILE *textout_open(TextOut *t)
{
	t->text = NULL;
	t->len = 0;
	return t->f = open_memstream(&t->text, &t->len);
}

char *textout_close(TextOut *t)
{
	int bad = ferror(t->f);
	bad |= fclose(t->f) != 0;
	t->f = NULL;
	if (bad) {
		free(t->text);
		t->text = NULL;
	}
	return t->text;
}

int textout_write(TextOut *t, const char *path, Err *e)
{
	char *text = textout_close(t);
	int rc = text ? file_write_atomic(path, text, t->len, e) : err_set(e, ERR_NOMEM, "out of memory");
	free(text);
	return rc;
}

int file_write_atomic(const char *path, const char *text, size_t len, Err *e)
{
	if (!path || !*path)
		return err_set(e, ERR_INVAL, "no file name");
	size_t n = strlen(path);
	char *tmp = malloc(n + 8);
	if (!tmp)
		return err_set(e, ERR_NOMEM, "out of memory");
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int rc = err_set(e, ERR_IO, "cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	/* mkstemp makes the file 0600; give it the usual 0666 less umask. */
	mode_t um = umask(0);
	umask(um);
	int bad = fchmod(fd, 0666 & ~um) != 0;
	size_t done = 0;
	while (!bad && done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bad = 1;
		else
			done += (size_t)w;
	}
	int err = errno;
	if (!bad && fsync(fd) != 0) {
		bad = 1;
		err = errno;
	}
	if (close(fd) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (!bad && rename(tmp, path) != 0) {
		bad = 1;
		err = errno;
	}
	if (bad) {
		unlink(tmp);
		free(tmp);
		return err_set(e, ERR_IO, "cannot write '%s': %s", path, strerror(err));
	}
	free(tmp);
	return 0;
}

int share_dirs(char dirs[SHARE_DIRS_MAX][1024])
{
	char cand[SHARE_DIRS_MAX][1024];
	int n = 0, k = 0;
	snprintf(cand[k++], sizeof cand[0], "scenarios");
	char exe[1024];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(cand[k++], sizeof cand[0], "%.1000s/scenarios", exe);
			/* installed under any prefix: PREFIX/bin/rnnlab, PREFIX/share/rnnlab */
			snprintf(cand[k++], sizeof cand[0], "%.990s/../share/rnnlab/scenarios", exe);
		}
	}
	snprintf(cand[k++], sizeof cand[0], "%s/scenarios", RNNLAB_SHAREDIR);
	for (int i = 0; i < k; i++) {
		struct stat st;
		if (stat(cand[i], &st) == 0 && S_ISDIR(st.st_mode))
			memcpy(dirs[n++], cand[i], sizeof cand[i]);
	}
	return n;
}

/* mkdir -p for the part of path after its first `from` bytes (which exist). */
static int make_dirs(char *path, size_t from, Err *e)
{
	for (char *p = path + from;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		struct stat st;
		if (*path && stat(path, &st) != 0 && mkdir(path, 0700) != 0 && errno != EEXIST)
			return err_set(e, ERR_IO, "cannot make %s: %s", path, strerror(errno));
		*p = c;
		if (!c)
			return 0;
	}
}

int state_dir(char *dir, size_t cap, Err *e)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;
	size_t from;
	if (xdg && xdg[0] == '/') {
		n = snprintf(dir, cap, "%s/rnnlab", xdg);
		from = strlen(xdg);
	} else if (home && home[0] == '/') {
		n = snprintf(dir, cap, "%s/.local/state/rnnlab", home);
		from = strlen(home);
	} else {
		return err_set(e, ERR_IO, "neither XDG_STATE_HOME nor HOME names a directory to save to");
	}
	if (n < 0 || (size_t)n >= cap)
		return err_set(e, ERR_IO, "the state directory's path is too long");
	return make_dirs(dir, from, e);
}
