/* data_file.c — reading the files datasets come from: the bundled ones
 * under a data directory, and the user's.
 *
 * Bundled files are looked for, in order, in $RNNLAB_DATA, then in data/ of
 * each of share_dirs (fileutil.h): the source tree, beside the executable,
 * installed.
 */
#include "data_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"

int data_read_file(const char *path, const char *what, char **buf, size_t *len, Err *e)
{
	*buf = NULL;
	*len = 0;
	int rc0 = file_check_regular(path, DATA_MAX_FILE, e);
	if (rc0)
		return rc0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	int rc = b ? 0 : err_set(e, ERR_NOMEM, "%s: out of memory", path);
	while (!rc) {
		if (n + 1 >= cap) {
			if (cap >= DATA_MAX_FILE) {
				rc = err_set(e, ERR_FORMAT, "%s: larger than the %zu MB allowed", path,
					     DATA_MAX_FILE >> 20);
				break;
			}
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
				break;
			}
			b = nb;
			cap *= 2;
		}
		size_t got = fread(b + n, 1, cap - 1 - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = err_set(e, ERR_IO, "%s: %s", path, strerror(errno ? errno : EIO));
			break;
		}
	}
	fclose(f);
	if (!rc) {
		b[n] = '\0';
		const char *nul = memchr(b, '\0', n);
		if (nul)
			rc = err_set(e, ERR_FORMAT, "%s: a binary file (a NUL byte at offset %ld), "
				     "not %s", path, (long)(nul - b), what);
	}
	if (rc) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* ---- bundled files ---- */

static int try_dir(const char *dir, const char *name, char *path, size_t cap)
{
	int n = snprintf(path, cap, "%s/%s", dir, name);
	return n > 0 && (size_t)n < cap && access(path, R_OK) == 0;
}

int data_find(const char *name, char *path, size_t cap, Err *e)
{
	const char *env = getenv("RNNLAB_DATA");
	if (env && *env && try_dir(env, name, path, cap))
		return 0;
	char dirs[SHARE_DIRS_MAX][1024], sub[1100];
	int n = share_dirs(dirs);
	for (int i = 0; i < n; i++) {
		snprintf(sub, sizeof sub, "%.1000s/data", dirs[i]);
		if (try_dir(sub, name, path, cap))
			return 0;
	}
	return err_set(e, ERR_IO, "cannot find the bundled file %s in $RNNLAB_DATA (%s), ./scenarios/data, "
		       "<the executable's directory>/scenarios/data or " RNNLAB_SHAREDIR "/scenarios/data", name,
		       env && *env ? env : "unset");
}
