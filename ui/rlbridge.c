/* rlbridge.c — the recipe (see STYLE.md) for Readline inside ncurses. */
#include "rlbridge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

static RlBridge *rb;		/* Readline's callbacks take no context */
static unsigned char pending[8];
static int npending, pending_at;

static int getc_hook(FILE *f)
{
	(void)f;
	if (pending_at < npending)
		return pending[pending_at++];
	return EOF;
}

static int input_available(void)
{
	return pending_at < npending;
}

/* Columns taken by the first n bytes of a UTF-8 string. */
static int columns(const char *s, int n)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int cols = 0, i = 0;
	while (i < n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, (size_t)(n - i), &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			i++;
			cols++;
			memset(&st, 0, sizeof st);
			continue;
		}
		int w = wcwidth(wc);
		cols += w > 0 ? w : 0;
		i += (int)k;
	}
	return cols;
}

static void redisplay(void)
{
	if (!rb || !rb->win)
		return;
	WINDOW *w = rb->win;
	int width = getmaxx(w);
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	int pcols = columns(prompt, (int)strlen(prompt));
	int cur = pcols + columns(line, rl_point);
	/* scroll the line horizontally so the cursor stays visible */
	int skip = 0;
	if (cur >= width - 1)
		skip = cur - (width - 1) + width / 4;
	werase(w);
	wmove(w, 0, 0);
	if (skip < pcols) {
		wattron(w, A_BOLD);
		waddnstr(w, prompt + skip, -1);
		wattroff(w, A_BOLD);
		waddstr(w, line);
	} else {
		/* drop whole characters from the line's start */
		int drop = skip - pcols, i = 0;
		while (line[i] && columns(line, i) < drop)
			i++;
		waddstr(w, "<");
		waddstr(w, line + i);
	}
	int x = cur - skip + (skip >= pcols ? 1 : 0);
	if (x >= width)
		x = width - 1;
	wmove(w, 0, x);
	wnoutrefresh(w);
}

static void line_done(char *line)
{
	if (line && *line)
		add_history(line);
	if (rb && rb->done)
		rb->done(rb->ctx, line);
}

static void show_matches(char **m, int n, int maxlen)
{
	if (rb && rb->matches)
		rb->matches(rb->ctx, m, n, maxlen);
}

void rlb_init(RlBridge *b, const char *prompt)
{
	rb = b;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = getc_hook;
	rl_input_available_hook = input_available;
	rl_redisplay_function = redisplay;
	rl_completion_display_matches_hook = show_matches;
	rl_callback_handler_install(prompt, line_done);
}

void rlb_done(void)
{
	rl_callback_handler_remove();
	rb = NULL;
}

static void feed_bytes(const char *s, int n)
{
	for (int i = 0; i < n; i++) {
		pending[0] = (unsigned char)s[i];
		npending = 1;
		pending_at = 0;
		rl_callback_read_char();
	}
}

void rlb_feed_char(wint_t ch)
{
	char buf[8];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = wcrtomb(buf, (wchar_t)ch, &st);
	if (n == (size_t)-1)
		return;
	feed_bytes(buf, (int)n);
}

void rlb_feed_key(int key)
{
	const char *seq = NULL;
	switch (key) {
	case KEY_UP: seq = "\033[A"; break;
	case KEY_DOWN: seq = "\033[B"; break;
	case KEY_RIGHT: seq = "\033[C"; break;
	case KEY_LEFT: seq = "\033[D"; break;
	case KEY_HOME: seq = "\033[H"; break;
	case KEY_END: seq = "\033[F"; break;
	case KEY_DC: seq = "\033[3~"; break;
	case KEY_BACKSPACE: seq = "\177"; break;
	case KEY_ENTER: seq = "\r"; break;
	default: break;
	}
	if (seq)
		feed_bytes(seq, (int)strlen(seq));
}

void rlb_redisplay(void)
{
	redisplay();
}

int rlb_line_empty(void)
{
	return !rl_line_buffer || !rl_line_buffer[0];
}

void rlb_clear_line(void)
{
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	redisplay();
}

void rlb_history(const char *path, int save)
{
	if (save) {
		write_history(path);
	} else {
		stifle_history(1000);
		read_history(path);
		using_history();	/* the history position: after the last entry */
	}
}

void rlb_set_window(WINDOW *win)
{
	if (rb)
		rb->win = win;
}
