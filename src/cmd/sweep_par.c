/* sweep_par.c — a sweep's runs in parallel: the last combination trains
 * here (so the session ends as a sweep run here one by one leaves it: that
 * run current, its model trained, the others' runs kept before it), the
 * others each in a worker process, `rnnlab --batch` on its script in a
 * private directory, at most jobs at once counting the run here.  They
 * start from the end of the grid: values are mostly listed small to large
 * (T=25,50,100; hidden=32,64,128), so the longest runs start first and the
 * short ones fill the gaps at the end (lesson 7, by its runs' CPU times:
 * 52 s on each of two cores, where grid order leaves one core working
 * alone for its last 14 s).
 *
 * Workers are watched after every training step here and every 20 ms
 * after it (the workbench redraws meanwhile and Esc is heard); Esc, Ctrl-C
 * and SIGTERM kill every worker, each is reaped, and a worker that dies or
 * fails is its row's "failed: why", never a wait for ever.  Each result
 * is read back like any stranger's file (sweepio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "proc.h"
#include "sweep.h"

typedef struct Slot {
	Proc p;
	int c;			/* its combination */
} Slot;

typedef struct Par {
	Session *s;
	Sweep *w;
	char dir[1024];		/* the private directory of scripts, results and logs */
	int dirfd;
	int jobs, here;		/* runs at once; the combination trained here */
	int cap;		/* workers at once now: jobs - 1 while the run here trains */
	int next;		/* the next combination to start (-1: none left) */
	int running, failed;
	Slot slot[SETTINGS_MAX_JOBS];
	Run *runs;		/* [total]: what the workers' results hold */
	double last;		/* the last look at the workers */
} Par;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void names(const Par *p, int c, const char *ext, char *path, size_t cap)
{
	snprintf(path, cap, "%s/run-%02d.%s", p->dir, c + 1, ext);
}

/* The worker's last error line ("model: hidden must be ..."), from the end
 * of its output: what it said before it stopped. */
static void last_error(const Par *p, int c, char *why, size_t cap)
{
	char path[1100], buf[4097];
	names(p, c, "log", path, sizeof path);
	why[0] = '\0';
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	off_t end = lseek(fd, 0, SEEK_END);
	ssize_t n = end < 0 ? -1 : pread(fd, buf, sizeof buf - 1, end > 4096 ? end - 4096 : 0);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *line = NULL;
	for (char *q = buf; (q = strstr(q, "rnnlab: ")); q++)
		if (q == buf || q[-1] == '\n')
			line = q + 8;
	if (!line)
		return;
	line[strcspn(line, "\n")] = '\0';
	char *at = strstr(line, ".lab:");	/* "/tmp/.../run-03.lab:5: model: ..." */
	if (at && (at = strstr(at, ": ")))
		line = at + 2;
	snprintf(why, cap, "%s", line);
}

/* Worker of combination c ended with status. */
static void finish(Par *p, int c, int status)
{
	Sweep *w = p->w;
	SweepRow *r = &w->rows[c];
	char how[80], name[SWEEP_NAME_MAX];
	proc_describe(status, how, sizeof how);
	snprintf(name, sizeof name, "run-%02d.result", c + 1);
	Err e;
	if (!how[0] && !sweep_result_read(p->dirfd, p->dir, name, w->id, c + 1, &p->runs[c], &e)) {
		Combo k;
		sweep_combo(w, c, &k);
		Run *run = &p->runs[c];
		snprintf(run->name, sizeof run->name, "%.63s", r->label);
		/* the data as the session names it (compare matches on it) */
		snprintf(run->data, sizeof run->data, "%.159s", k.data[0] ? k.data : w->data0);
		sweep_row_from(r, &run->hist, w->target);
		session_printf(p->s, "sweep %d/%d: %s done, best val %.4g", c + 1, w->total, r->label, r->best);
		return;
	}
	char said[160];
	last_error(p, c, said, sizeof said);
	r->state = SWEEP_ROW_FAILED;
	if (said[0] && how[0])
		snprintf(r->why, sizeof r->why, "%s (%s)", said, how);
	else
		snprintf(r->why, sizeof r->why, "%s", said[0] ? said : how[0] ? how : e.msg);
	p->failed++;
	session_printf(p->s, "sweep %d/%d: %s failed: %s", c + 1, w->total, r->label, r->why);
}

static void start(Par *p, int c)
{
	Slot *sl = NULL;
	for (int i = 0; i < p->jobs && !sl; i++)
		if (!p->slot[i].p.pid)
			sl = &p->slot[i];
	char script[1100], log[1100];
	names(p, c, "lab", script, sizeof script);
	names(p, c, "log", log, sizeof log);
	char *argv[] = { (char *)p->s->host.exe, "--batch", script, NULL };
	Err e;
	SweepRow *r = &p->w->rows[c];
	if (proc_start(&sl->p, p->s->host.exe, argv, log, &e)) {
		r->state = SWEEP_ROW_FAILED;
		snprintf(r->why, sizeof r->why, "%s", e.msg);
		p->failed++;
		session_printf(p->s, "sweep %d/%d: %s failed: %s", c + 1, p->w->total, r->label, r->why);
		return;
	}
	sl->c = c;
	p->running++;
	session_printf(p->s, "sweep %d/%d: %s (a worker)", c + 1, p->w->total, r->label);
}

/* Reap the workers that ended, start the next while there is room. */
static void tick(Par *p)
{
	p->last = now();
	for (int i = 0; i < p->jobs; i++) {
		Slot *sl = &p->slot[i];
		if (sl->p.pid && proc_poll(&sl->p)) {
			p->running--;
			finish(p, sl->c, sl->p.status);
		}
	}
	while (p->running < p->cap && p->next >= 0)
		start(p, p->next--);
}

/* After every training step here: a look at the workers, 50 times a second at most. */
static void on_step(Session *s, void *arg)
{
	Par *p = arg;
	(void)s;
	if (now() - p->last >= 0.02)
		tick(p);
}

static void stop_all(Par *p)
{
	for (int i = 0; i < p->jobs; i++)
		proc_stop(&p->slot[i].p);
	p->running = 0;
}

/* The private directory and its files go when the sweep ends. */
static void clean(Par *p)
{
	static const char *const ext[] = { "lab", "result", "log" };
	char path[1100];
	for (int c = 0; c < p->w->total; c++)
		for (int k = 0; k < 3; k++) {
			names(p, c, ext[k], path, sizeof path);
			unlink(path);
		}
	if (p->dirfd >= 0)
		close(p->dirfd);
	rmdir(p->dir);
}

static int setup(Par *p, Err *e)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(p->dir, sizeof p->dir, "%s/rnnlab-sweep-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->dir))
		return err_set(e, ERR_IO, "cannot make a directory for the sweep's workers in %s: %s",
			       tmp && *tmp ? tmp : "/tmp", strerror(errno));
	if ((p->dirfd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		int rc = err_set(e, ERR_IO, "%s: %s", p->dir, strerror(errno));
		rmdir(p->dir);
		return rc;
	}
	sweep_make_id(p->w, p->w->set.threads);
	int rc = 0;
	for (int c = 0; c < p->here && !rc; c++) {
		char path[1100];
		names(p, c, "lab", path, sizeof path);
		char *t = sweep_script(p->w, c, p->w->set.threads, 1);
		rc = t ? file_write_atomic(path, t, strlen(t), e) : err_set(e, ERR_NOMEM, "out of memory");
		free(t);
		Combo k;
		sweep_combo(p->w, c, &k);
		snprintf(p->w->rows[c].label, sizeof p->w->rows[c].label, "%s", k.label);
	}
	if (rc)
		clean(p);
	return rc;
}

static int interrupted(Session *s)
{
	return s->host.interrupted && s->host.interrupted(s->host.ctx);
}

int sweep_parallel(Session *s, Sweep *w, int jobs, Err *e)
{
	Par *p = calloc(1, sizeof *p);
	if (!p || !(p->runs = calloc((size_t)w->total, sizeof *p->runs))) {
		free(p);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	*p = (Par){ .s = s, .w = w, .dirfd = -1, .jobs = jobs, .here = w->total - 1, .next = w->total - 2,
		    .cap = jobs - 1, .runs = p->runs };
	int rc = setup(p, e);
	if (rc) {
		free(p->runs);
		free(p);
		return rc;
	}
	tick(p);	/* the first workers, then the run here */
	Combo k;
	sweep_combo(w, p->here, &k);
	session_printf(s, "sweep %d/%d: %s (here)", p->here + 1, w->total, k.label);
	s->step_hook.fn = on_step;
	s->step_hook.arg = p;
	int here_rc = sweep_run_here(s, w, p->here);
	s->step_hook.fn = NULL;
	s->step_hook.arg = NULL;
	int stopped = interrupted(s), part_way = stopped && !here_rc;
	if (here_rc && !stopped)
		p->failed++;
	p->cap = jobs;
	while (!stopped && (p->running || p->next >= 0)) {
		tick(p);
		if (s->host.busy)
			s->host.busy(s->host.ctx, s);
		stopped = interrupted(s);
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	int done = 0;
	if (stopped)
		stop_all(p);
	if (part_way)	/* the run here was stopped part-way: not a row */
		w->rows[p->here].state = SWEEP_ROW_NONE;
	for (int c = 0; c < w->total; c++)
		done += w->rows[c].state == SWEEP_ROW_DONE;
	for (int c = 0; c < p->here; c++)	/* in the order a sweep here keeps them */
		if (w->rows[c].state == SWEEP_ROW_DONE)
			session_add_run(s, &p->runs[c]);
	char line[200];
	snprintf(line, sizeof line, "# sweep: runs 1-%d of %d ran in worker processes (set jobs=1 runs them here, "
		 "one after another)", p->here, w->total);
	session_journal_push(s, line);
	if (stopped)
		session_printf(s, "sweep: stopped; %d of %d runs had finished, the others were stopped", done, w->total);
	sweep_table(s, w);
	if (!stopped && p->failed)
		rc = err_set(e, ERR_STATE, "%d of %d runs failed (their rows say why)", p->failed, w->total);
	clean(p);
	for (int c = 0; c < w->total; c++)
		run_done(&p->runs[c]);
	free(p->runs);
	free(p);
	return rc;
}
