/* fileutil.h — small file checks shared by the commands that write files. */
#ifndef RNNLAB_FILEUTIL_H
#define RNNLAB_FILEUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

typedef enum { FILE_NPZ, FILE_SESSION, FILE_LAB, FILE_CSV, FILE_SVG, FILE_LOG, FILE_RESULT, FILE_KIND_COUNT } FileKind;

/* The first bytes of a workbench log (rnnlab --log) and of an SVG rnnlab
 * drew (svg.c): what makes them rnnlab's. */
#define FILE_LOG_HEAD "# rnnlab log"
/* history save's header line, whole: a CSV of anyone's that starts
 * "step,loss," is not one of rnnlab's */
#define FILE_CSV_HEAD "step,loss,val_loss,grad_norm,grad_norm_clipped,lr,tokens_per_s\n"
#define FILE_SVG_HEAD "<svg data-generator=\"rnnlab\""
#define FILE_RESULT_HEAD "# rnnlab sweep result"	/* a sweep's run (sweepio.h) */

/* What an existing file holds beyond its first bytes, for a kind known by
 * its content: 1 when path holds what (a session: an .npz holding a
 * given member), else 0. */
typedef int (*FileHolds)(const char *path, const char *what);

/* May `path` be written as a file of this kind?  A path that does not
 * exist may; an existing one only when it already is a file of that kind
 * (an .npz for FILE_NPZ, a journal, history, SVG or log that rnnlab wrote:
 * the extension and the first bytes), or when force is set.  Directories,
 * pipes and devices never.  FILE_SESSION goes through file_may_write_holding. */
int file_may_write(const char *path, FileKind kind, int force, Err *e);
/* The same, where an existing .npz (FILE_NPZ, FILE_SESSION) must also
 * pass holds(path, what); FILE_SESSION needs holds. */
int file_may_write_holding(const char *path, FileKind kind, FileHolds holds, const char *what,
			   int force, Err *e);

/* Is path a regular file of at most max bytes?  A FIFO, a device
 * (/dev/zero, /dev/stdin) or a directory would block, never end, or mean
 * nothing: they are refused, as are files larger than max. */
int file_check_regular(const char *path, size_t max, Err *e);

/* Write text[len] to path atomically and safely: into a new temporary file
 * beside it (mkstemp: O_EXCL, a random name, never through a planted
 * symlink, never truncating an existing file), synced, then renamed over
 * path.  The file gets 0666 less the umask.  On failure path is untouched. */
int file_write_atomic(const char *path, const char *text, size_t len, Err *e);

/* Text made with stdio, then kept or written whole:
 *   TextOut t; if (!textout_open(&t)) ...; fprintf(t.f, ...); rc = textout_write(&t, path, e);
 * textout_close ends it and gives the text (malloc'd), or NULL when a write
 * to it failed (out of memory); textout_write writes it atomically. */
typedef struct TextOut {
	FILE *f;
	char *text;
	size_t len;
} TextOut;
FILE *textout_open(TextOut *t);
char *textout_close(TextOut *t);
int textout_write(TextOut *t, const char *path, Err *e);

/* Read a whole file (at most max bytes) into a malloc'd, NUL-terminated buffer. */
int file_read_all(const char *path, size_t max, char **out, size_t *len, Err *e);

/* Read the file `name` in the open directory dirfd (dir names it in
 * messages) as input from a stranger: name must be a plain name in that
 * directory (no '/', not "." or ".."), and the file a regular one of at
 * most max bytes: a symbolic link, a FIFO or a device is refused, never
 * followed or waited on.  A malloc'd, NUL-terminated copy in *out. */
int file_read_in_dir(int dirfd, const char *dir, const char *name, size_t max, char **out, size_t *len, Err *e);

/* Is name a plain file name (what file_read_in_dir takes)? */
int file_plain_name(const char *name);

/* Where rnnlab's bundled files (lessons, and their data under data/) are,
 * in the order looked in: ./scenarios (the source tree), <the executable's
 * directory>/scenarios (the built binary run from anywhere), <the
 * executable's directory>/../share/rnnlab/scenarios (installed under any
 * prefix, or unpacked from the package anywhere), then
 * RNNLAB_SHAREDIR/scenarios (where make install put them).  Fills
 * dirs[0..n) with those that exist, returns n. */
#ifndef RNNLAB_SHAREDIR
#define RNNLAB_SHAREDIR "/usr/local/share/rnnlab"
#endif
#define SHARE_DIRS_MAX 4
int share_dirs(char dirs[SHARE_DIRS_MAX][1024]);

/* rnnlab's XDG state directory, $XDG_STATE_HOME/rnnlab or else
 * $HOME/.local/state/rnnlab, made (mode 0700) when missing.  ERR_IO when
 * neither variable names an absolute path or it cannot be made. */
int state_dir(char *dir, size_t cap, Err *e);

#endif
