/* proc.h — worker processes: start a program with its output in a file,
 * see whether it has ended, stop it; and how many cores there are.
 *
 * A worker runs in a process group of its own, so a Ctrl-C typed at the
 * terminal reaches the program that started it and not the worker: the
 * starter decides (it stops its workers with proc_stop).  On Linux the
 * worker is also killed when its starter dies, however that happens, so
 * none outlives it.  Every worker started is reaped by proc_poll or
 * proc_stop: no zombies.  Its OpenBLAS runs one thread
 * (OPENBLAS_NUM_THREADS=1 in its environment), its stdin is /dev/null,
 * its stdout and stderr go to one new file.
 */
#ifndef RNNLAB_PROC_H
#define RNNLAB_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

typedef struct Proc {
	pid_t pid;		/* 0: not running (never started, or reaped) */
	int status;		/* when it ended: waitpid's status, or -1 when unknown */
} Proc;

/* The cores this process may run on (its CPU affinity), at least 1. */
int proc_cores(void);

/* Start exe with argv (argv[0] first, NULL-terminated); its output goes to
 * out_path, which must not exist (it is made, mode 0600).  0, or ERR_IO
 * with the reason. */
int proc_start(Proc *p, const char *exe, char *const argv[], const char *out_path, Err *e);

/* 1 when the worker has ended (p->status says how; p->pid is 0 again),
 * 0 while it runs.  Never blocks. */
int proc_poll(Proc *p);

/* Kill the worker (SIGKILL: it is not asked, it stops) and reap it. */
void proc_stop(Proc *p);

/* How it ended: "" for a clean exit 0, else "exit status 1" or "killed by
 * signal 9 (Killed)". */
void proc_describe(int status, char *buf, size_t cap);

#endif
