/* proc.c — worker processes (proc.h): fork and exec with the output in a
 * file, a process group of its own and death with the starter; polled,
 * killed and always reaped. */
#define _GNU_SOURCE		/* CPU_COUNT, sched_getaffinity */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

extern char **environ;

int proc_cores(void)
{
#ifdef CPU_COUNT
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
#endif
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* The environment of a worker: this one, with OpenBLAS held to one thread
 * (malloc'd array of borrowed strings, NULL-terminated). */
static char **worker_env(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = malloc((n + 2) * sizeof *env);
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "OPENBLAS_NUM_THREADS=", 21))
			env[k++] = environ[i];
	env[k++] = "OPENBLAS_NUM_THREADS=1";
	env[k] = NULL;
	return env;
}

int proc_start(Proc *p, const char *exe, char *const argv[], const char *out_path, Err *e)
{
	p->pid = 0;
	p->status = -1;
	char **env = worker_env();
	if (!env)
		return err_set(e, ERR_NOMEM, "out of memory");
	int out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (out < 0 || in < 0) {
		int err = errno;
		if (out >= 0)
			close(out);
		if (in >= 0)
			close(in);
		free(env);
		return err_set(e, ERR_IO, "cannot start a worker: %s: %s", out < 0 ? out_path : "/dev/null", strerror(err));
	}
	const pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* the child: only async-signal-safe calls until exec */
		setpgid(0, 0);
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)	/* the starter died before that */
			_exit(127);
#endif
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		struct sigaction dfl;
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		sigaction(SIGINT, &dfl, NULL);	/* an ignored signal stays ignored across exec */
		sigaction(SIGTERM, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
		sigaction(SIGPIPE, &dfl, NULL);
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execve(exe, argv, env);
		static const char msg[] = "rnnlab: the sweep's worker could not start (exec failed)\n";
		ssize_t w = write(2, msg, sizeof msg - 1);
		(void)w;
		_exit(127);
	}
	int err = errno;
	close(out);
	close(in);
	free(env);
	if (pid < 0)
		return err_set(e, ERR_IO, "cannot start a worker: fork: %s", strerror(err));
	setpgid(pid, pid);	/* also here: whichever runs first, the group exists */
	p->pid = pid;
	return 0;
}

int proc_poll(Proc *p)
{
	if (!p->pid)
		return 1;
	int st;
	pid_t r;
	do
		r = waitpid(p->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	p->status = r == p->pid ? st : -1;	/* ECHILD: reaped elsewhere, how is unknown */
	p->pid = 0;
	return 1;
}

void proc_stop(Proc *p)
{
	if (!p->pid)
		return;
	if (kill(-p->pid, SIGKILL) != 0)	/* its group: anything it started too */
		kill(p->pid, SIGKILL);
	int st;
	pid_t r;
	do
		r = waitpid(p->pid, &st, 0);
	while (r < 0 && errno == EINTR);
	p->status = r == p->pid ? st : -1;
	p->pid = 0;
}

void proc_describe(int status, char *buf, size_t cap)
{
	if (status == -1)
		snprintf(buf, cap, "ended, how is unknown");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		snprintf(buf, cap, "%s", "");
	else if (WIFEXITED(status))
		snprintf(buf, cap, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, cap, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, cap, "ended with status %d", status);
}
