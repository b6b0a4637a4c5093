/* term.c — the terminal and the signals under the workbench: SIGINT (the
 * front ends' flag), SIGTERM and SIGHUP caught into flags, stderr held in a
 * temporary file while curses owns the screen and written out after
 * endwin(), curses started and ended. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>	/* the system's terminfo: setupterm */

#include "frontend.h"
#include "out.h"
#include "term.h"

static volatile sig_atomic_t got_term, got_cont;

static void on_term(int sig)
{
	got_term = sig;	/* the exit status is 128 + sig, as the shell's */
}

static void on_cont(int sig)
{
	(void)sig;
	got_cont = 1;	/* back from Ctrl-Z: curses has repainted the screen */
}

static int stderr_fd = -1;
static FILE *stderr_capture;

static void capture_stderr(void)
{
	stderr_capture = tmpfile();
	if (!stderr_capture)
		return;
	fflush(stderr);
	stderr_fd = dup(2);
	dup2(fileno(stderr_capture), 2);
}

static void release_stderr(void)
{
	if (stderr_fd < 0)
		return;
	fflush(stderr);
	dup2(stderr_fd, 2);
	close(stderr_fd);
	stderr_fd = -1;
	rewind(stderr_capture);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, stderr_capture)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(stderr_capture);
}

void term_start(void)
{
	frontend_install_sigint();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_cont;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCONT, &sa, NULL);

	capture_stderr();
	set_escdelay(25);
	initscr();
	typeahead(-1);	/* doupdate sends every row it starts (blit.c's overlay counts on it) */
	cbreak();
	noecho();
	nonl();
	/* Home and End as terminals send them whatever their terminfo entry
	 * says (an xterm entry inside tmux or screen gets \E[1~ and \E[4~) */
	static const struct { const char *seq; int key; } alt[] = {
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033OH", KEY_HOME }, { "\033OF", KEY_END }, { "\033[7~", KEY_HOME }, { "\033[8~", KEY_END },
	};
	for (size_t i = 0; i < sizeof alt / sizeof *alt; i++)
		if (key_defined(alt[i].seq) <= 0)
			define_key(alt[i].seq, alt[i].key);
}

void term_end(void)
{
	endwin();
	release_stderr();
}

int term_signal(void)
{
	return got_term;
}

int term_continued(void)
{
	int c = got_cont;
	got_cont = 0;
	return c;
}

GridColors term_colors(const char *off, int shown, char *why, size_t cap)
{
	if (off) {
		snprintf(why, cap, "%s", off);
		return GRID_MONO;
	}
	char term[48];	/* from the environment: made safe to print */
	snprintf(term, sizeof term, "%s", getenv("TERM") ? getenv("TERM") : "");
	text_sanitize(term);
	int n = 0, direct = 0;
	if (shown < 0) {
		int err = 0;
		if (!isatty(STDOUT_FILENO)) {
			snprintf(why, cap, "the output is not a terminal");
			return GRID_MONO;
		}
		if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
			snprintf(why, cap, "TERM=%s has no terminfo entry here", term);
			return GRID_MONO;
		}
		n = tigetnum("colors");
		direct = n >= 0x1000000 || tigetflag("RGB") > 0;
		del_curterm(cur_term);
	} else {
		n = shown == GRID_MONO ? 0 : shown == GRID_COLORS_8 ? 8 : 256;
		direct = shown == GRID_COLORS_TRUE;
	}
	const char *ct = getenv("COLORTERM");
	if (n < 8) {
		snprintf(why, cap, "TERM=%s has no colours", term);
		return GRID_MONO;
	}
	if (ct && (!strcmp(ct, "truecolor") || !strcmp(ct, "24bit"))) {
		snprintf(why, cap, "COLORTERM=%s", ct);
		return GRID_COLORS_TRUE;
	}
	if (direct) {
		snprintf(why, cap, "TERM=%s is direct colour", term);
		return GRID_COLORS_TRUE;
	}
	snprintf(why, cap, "TERM=%s has %s colours, COLORTERM is not truecolor", term, n >= 256 ? "256" : "8");
	return n >= 256 ? GRID_COLORS_256 : GRID_COLORS_8;
}

int term_known(void)
{
	int err = 0;
	if (setupterm(NULL, 1, &err) != OK)
		return 0;
	del_curterm(cur_term);
	return 1;
}
