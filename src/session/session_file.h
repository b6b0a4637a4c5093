/* session_file.h — save a session to an .npz file and read it back
 * (the format is described in session_file.c). */
#ifndef RNNLAB_SESSION_FILE_H
#define RNNLAB_SESSION_FILE_H

#include "session.h"

/* May path be written as a session: it is absent, or a session already
 * (an .npz holding rnnlab_format), or force is set. */
int session_may_write(const char *path, int force, Err *e);
/* Write s to path (atomically: libzip writes a temp file and renames it). */
int session_file_write(Session *s, const char *path, Err *e);
/* Build the session saved in path into n (a fresh session). */
int session_file_read(Session *n, const char *path, Err *e);

#endif
