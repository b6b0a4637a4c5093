/* npz.h — numpy's .npz archives, read and written.
 *
 * An .npz file is a zip archive (handled by libzip: stored and deflated
 * members, CRC checks, atomic writes) whose members are "<name>.npy", each
 * one .npy array (npy.h: the dtypes, the header, the checks).
 */
#ifndef RNNLAB_NPZ_H
#define RNNLAB_NPZ_H

#include <stddef.h>

#include "err.h"
#include "fileutil.h"
#include "npy.h"

/* npz_read refuses files larger than this (and anything but a regular file). */
#define NPZ_MAX_FILE ((size_t)8 << 30)

typedef struct Npz {
	int n;
	NpyArray *arrays;	/* [n], in archive order; owned.  After npz_open an
				 * array's data is NULL until npz_load reads it */
	struct NpzArchive *ar;	/* npz_open's archive; NULL after npz_read */
} Npz;

/* Read a whole .npz file into memory.  ERR_IO when the file cannot be read,
 * ERR_FORMAT when it is not a sound .npz (not a zip, truncated, a CRC
 * mismatch, a member that is not "<name>.npy", two members of one name, a
 * bad .npy), ERR_NOMEM.  Messages name the file and the member:
 * "x.npz: member 'w.npy': shape product overflows".  On error *z is empty.
 * Release with npz_free. */
int  npz_read(Npz *z, const char *path, Err *e);
/* The same from an archive held in buf[0..len) (borrowed; only read during
 * the call); label stands for the file name in messages. */
int  npz_read_mem(Npz *z, const void *buf, size_t len, const char *label, Err *e);
/* Open an .npz and read every member's .npy header, but no data: each
 * array has its name, dtype, shape and count, and data NULL.  What a file
 * claims is compared with what is expected before anything of that size
 * is allocated: then npz_load the arrays wanted.  The same errors as
 * npz_read for the directory and the headers; npz_free closes it. */
int  npz_open(Npz *z, const char *path, Err *e);
/* Read the data of a (an array of z, from npz_open; nothing to do when it
 * is read), checking the member's CRC.  ERR_FORMAT, ERR_NOMEM. */
int  npz_load(Npz *z, const NpyArray *a, Err *e);
/* Free every array and zero *z.  NULL-safe, idempotent. */
void npz_free(Npz *z);
/* The array called name, or NULL.  Borrowed from z. */
const NpyArray *npz_find(const Npz *z, const char *name);
/* Is path a sound .npz archive (npz_read reads it: every member a .npy
 * array) holding an array called name (NULL: any, at least one)?  1 or 0.  A FileHolds
 * (fileutil.h): what tells a session file, and an .npz from a .docx. */
int npz_file_holds(const char *path, const char *name);
/* May path be written as an .npz: absent, or an .npz already (by content:
 * numpy's or rnnlab's arrays, not any zip), or force. */
int npz_may_write(const char *path, int force, Err *e);

/* Writing.  Nothing appears at path until npz_writer_close succeeds; then
 * the whole file appears at once (libzip writes a temporary file in the
 * same directory and renames it over path).  On any failure, and on abort,
 * a file already at path is left as it was and no temporary file remains. */
typedef enum { NPZ_STORED, NPZ_DEFLATED } NpzCompression;

typedef struct NpzWriter NpzWriter;

/* Start writing an archive to path (replacing it at close).  ERR_IO,
 * ERR_NOMEM. */
int  npz_writer_open(NpzWriter **w, const char *path, NpzCompression comp, Err *e);
/* Add array name (member "<name>.npy") of dtype with shape[0..ndim-1] from
 * data (count elements in C order, native endian; copied, so the caller may
 * reuse it at once; may be NULL when count is 0).  ERR_INVAL for a bad
 * argument or a name already added, ERR_NOMEM.  After an error the writer
 * is still open and holds what was added before. */
int  npz_writer_add(NpzWriter *w, const char *name, NpyDtype dtype,
		    int ndim, const long *shape, const void *data, Err *e);
/* Write the file and commit it atomically; frees w whatever happens.  An
 * archive with no arrays is refused (ERR_INVAL): libzip would delete path.
 * ERR_IO when writing fails (no such directory, disk full, ...). */
int  npz_writer_close(NpzWriter *w, Err *e);
/* Discard everything added and free w; path is untouched.  NULL-safe. */
void npz_writer_abort(NpzWriter *w);

#endif
