/* test_plot.c — the character grid, line plots, heatmaps and SVG (plots,
 * heatmaps, planes).
 *
 * Expected cells are worked out from the rules in the headers: the data
 * range maps onto dot rows 0 .. 4h-1 (top down) and dot columns 0 .. 2w-1
 * of the plot area, rounded to the nearest dot; Bresenham joins the dots;
 * braille dot (col, row) of a cell is bit {{0x01,0x08},{0x02,0x10},
 * {0x04,0x20},{0x40,0x80}}[row][col] of U+2800.  The plot area itself is
 * found through the PlotFrame that plot_draw fills in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "grid.h"
#include "heatmap.h"
#include "plot.h"
#include "svg.h"

#define DASH 0x254c		/* ╌ */

static const uint8_t bbit[4][2] = {
	{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 },
};

static Grid *new_grid(int w, int h)
{
	Err e;
	Grid *g = grid_new(w, h, &e);
	assert_non_null(g);
	return g;
}

static uint32_t cp_at(const Grid *g, int x, int y)
{
	const GridCell *c = grid_at(g, x, y);
	assert_non_null(c);
	return c->cp;
}

static int is_braille(uint32_t cp)
{
	return cp >= 0x2800 && cp <= 0x28ff;
}

/* Is dot (dx, dy) of the plot area lit? */
static int dot_on(const Grid *g, const PlotFrame *f, int dx, int dy)
{
	uint32_t c = cp_at(g, f->x + dx / 2, f->y + dy / 4);
	return is_braille(c) && ((c - 0x2800) & bbit[dy % 4][dx % 2]) != 0;
}

/* Row y as UTF-8 (no colour). */
static const char *row(const Grid *g, int y)
{
	static char buf[4096];
	grid_row_utf8(g, y, buf, sizeof buf, 0);
	return buf;
}

/* Cells [x, x+n) of row y as UTF-8. */
static const char *cells(const Grid *g, int x, int y, int n)
{
	static char buf[1024];
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)grid_utf8_encode(cp_at(g, x + i, y), buf + len);
	buf[len] = '\0';
	return buf;
}

static PlotSpec spec(void)
{
	PlotSpec s;
	plot_spec_init(&s);
	return s;
}

static void draw_ok(Grid *g, int x, int y, int w, int h, const PlotSpec *s,
		    const PlotSeries *ser, int n, PlotFrame *f)
{
	Err e;
	if (plot_draw(g, x, y, w, h, s, ser, n, f, &e) != 0)
		fail_msg("plot_draw: %s", e.msg);
}

/* ---- the grid ------------------------------------------------------------ */

static void test_grid_basics(void **state)
{
	(void)state;
	Err e;
	assert_null(grid_new(0, 5, &e));
	assert_non_null(strstr(e.msg, "grid size"));

	Grid *g = new_grid(10, 3);
	assert_int_equal(cp_at(g, 9, 2), ' ');
	grid_put(g, 2, 1, 'A', grid_style(GRID_RED, GRID_BOLD));
	grid_put(g, -1, 0, 'X', grid_style(GRID_RED, 0));	/* outside: ignored */
	grid_put(g, 10, 0, 'X', grid_style(GRID_RED, 0));
	assert_null(grid_at(g, 10, 0));
	assert_int_equal(cp_at(g, 2, 1), 'A');
	assert_int_equal(grid_at(g, 2, 1)->st.fg, GRID_RED);

	/* UTF-8 in, one code point a cell; bad bytes become '?'. */
	assert_int_equal(grid_text(g, 0, 0, "h\xc3\xa9llo\xe2\x86\x92x", grid_style(0, 0)), 7);
	assert_int_equal(cp_at(g, 1, 0), 0xe9);
	assert_int_equal(cp_at(g, 5, 0), 0x2192);
	assert_int_equal(grid_text_width("h\xc3\xa9llo\xe2\x86\x92x"), 7);
	/* wrapping by cells: a prefix never ends inside a character */
	assert_int_equal(grid_text_prefix("h\xc3\xa9llo\xe2\x86\x92x", 2), 3);
	assert_int_equal(grid_text_prefix("h\xc3\xa9llo\xe2\x86\x92x", 6), 9);
	assert_int_equal(grid_text_prefix("h\xc3\xa9llo\xe2\x86\x92x", 99), 10);
	assert_int_equal(grid_text_prefix("\xe2\xa0\x81\xe2\xa0\x82", 1), 3);	/* braille */
	assert_int_equal(grid_text_prefix("abc", 0), 0);
	/* prose wraps between words, when a space is near the end of the row */
	assert_int_equal(grid_text_wrap("plot the validation loss", 12), 9);	/* "plot the " */
	assert_int_equal(grid_text_wrap("the validation", 10), 10);	/* no space late enough */
	assert_int_equal(grid_text_wrap("ab cd", 3), 3);	/* the cut is at a space */
	assert_int_equal(grid_text_wrap("short", 12), 5);
	/* four braille cells and a space fit 6 columns; the word after does not */
	assert_int_equal(grid_text_wrap("\xe2\xa0\x81\xe2\xa0\x81\xe2\xa0\x81\xe2\xa0\x81 \xe2\xa0\x82\xe2\xa0\x82", 6), 13);
	assert_int_equal(grid_text(g, 8, 2, "abc", grid_style(0, 0)), 3);	/* clipped */
	assert_int_equal(cp_at(g, 8, 2), 'a');
	assert_int_equal(cp_at(g, 9, 2), 'b');
	grid_text(g, 0, 2, "\xff" "A\x01", grid_style(0, 0));
	assert_int_equal(cp_at(g, 0, 2), '?');
	assert_int_equal(cp_at(g, 1, 2), 'A');
	assert_int_equal(cp_at(g, 2, 2), '?');

	/* Rows as text: whole, trimmed, ASCII, cut like snprintf. */
	assert_string_equal(row(g, 0), "h\xc3\xa9llo\xe2\x86\x92x   ");
	char buf[64];
	grid_row_utf8(g, 0, buf, sizeof buf, GRID_OUT_TRIM);
	assert_string_equal(buf, "h\xc3\xa9llo\xe2\x86\x92x");
	grid_row_utf8(g, 0, buf, sizeof buf, GRID_OUT_TRIM | GRID_OUT_ASCII);
	assert_string_equal(buf, "h?llo?x");
	size_t need = grid_row_utf8(g, 0, NULL, 0, 0);
	assert_int_equal(need, 13);	/* 7 cells of 1, 2 or 3 bytes, 3 blanks */
	assert_int_equal(grid_row_utf8(g, 0, buf, 4, 0), 13);
	assert_int_equal(strlen(buf), 3);

	/* ANSI: a change of style starts from a reset; the row ends reset. */
	grid_row_utf8(g, 1, buf, sizeof buf, GRID_OUT_ANSI | GRID_OUT_TRIM);
	assert_string_equal(buf, "  \x1b[0;1;31mA\x1b[0m");
	Style bg = { GRID_DEFAULT, GRID_XTERM(202), 0 };
	grid_put(g, 4, 1, ' ', bg);
	grid_row_utf8(g, 1, buf, sizeof buf, GRID_OUT_ANSI | GRID_OUT_TRIM);
	assert_string_equal(buf, "  \x1b[0;1;31mA\x1b[0m \x1b[0;48;5;202m \x1b[0m");
	/* Without colour a background cell is a blank and trims away. */
	grid_row_utf8(g, 1, buf, sizeof buf, GRID_OUT_TRIM);
	assert_string_equal(buf, "  A");

	/* Text cut to a width ends in an ellipsis. */
	grid_clear(g);
	assert_int_equal(grid_text_fit(g, 0, 0, 5, "abcdefgh", grid_style(0, 0), 0), 5);
	assert_string_equal(cells(g, 0, 0, 5), "abcd\xe2\x80\xa6");
	grid_text_fit(g, 0, 1, 5, "abcdefgh", grid_style(0, 0), 1);
	assert_string_equal(cells(g, 0, 1, 5), "abcd.");

	/* The clip rectangle. */
	grid_clear(g);
	grid_clip(g, 1, 0, 2, 1);
	grid_text(g, 0, 0, "XYZW", grid_style(0, 0));
	grid_text(g, 0, 1, "XYZW", grid_style(0, 0));
	assert_string_equal(row(g, 0), " YZ       ");
	assert_string_equal(row(g, 1), "          ");
	grid_unclip(g);

	/* The whole grid, and ASCII stand-ins. */
	assert_int_equal(grid_resize(g, 3, 2, &e), 0);
	grid_put(g, 0, 0, 0x2812, grid_style(0, 0));	/* ⠒: upper half */
	grid_put(g, 1, 0, 0x28c0, grid_style(0, 0));	/* ⣀: lower half */
	grid_put(g, 2, 0, 0x2500, grid_style(0, 0));	/* ─ */
	grid_put(g, 0, 1, 0x2502, grid_style(0, 0));	/* │ */
	grid_put(g, 1, 1, 0x2514, grid_style(0, 0));	/* └ */
	grid_put(g, 2, 1, 0x2593, grid_style(0, 0));	/* ▓ */
	grid_utf8(g, buf, sizeof buf, GRID_OUT_ASCII);
	assert_string_equal(buf, "'.-\n|+#\n");
	assert_int_equal(grid_ascii(0x28ff), ':');
	assert_int_equal(grid_ascii(0x2800), ' ');
	grid_free(g);
}

/* ---- line plots ---------------------------------------------------------- */

/* A plot whose data are dot coordinates: y fixed to [0, H-1], so value v is
 * dot row H-1-v; x spans [0, W-1] through a last point with a NaN y, so x
 * is the dot column.  Returns the frame of a first, empty drawing. */
static PlotFrame dot_frame(Grid *g, PlotSpec *s, int w, int h, int ph)
{
	s->ymin = 0;
	s->ymax = 4 * ph - 1;
	PlotFrame f;
	draw_ok(g, 0, 0, w, h, s, NULL, 0, &f);
	assert_int_equal(f.h, ph);
	assert_int_equal(f.sx, 2);
	assert_int_equal(f.sy, 4);
	return f;
}

static int count_lit_cells(const Grid *g, const PlotFrame *f)
{
	int n = 0;
	for (int y = 0; y < f->h; y++)
		for (int x = 0; x < f->w; x++)
			n += is_braille(cp_at(g, f->x + x, f->y + y));
	return n;
}

static void test_braille_lines(void **state)
{
	(void)state;
	Grid *g = new_grid(40, 12);
	PlotSpec s = spec();
	PlotFrame f = dot_frame(g, &s, 40, 12, 10);	/* no title or legend: 12 - 2 rows */
	double H = 4 * f.h, W = 2 * f.w;

	/* A diagonal from dot (0,0) to (3,3): dots (0,0) (1,1) | (2,2) (3,3). */
	double x[3] = { 0, 3, W - 1 }, y[3] = { H - 1, H - 4, NAN };
	PlotSeries ser = { NULL, x, y, 3, GRID_DEFAULT };
	PlotFrame f2;
	draw_ok(g, 0, 0, 40, 12, &s, &ser, 1, &f2);
	assert_true(f2.x == f.x && f2.y == f.y && f2.w == f.w && f2.h == f.h);
	assert_true(f2.xa.lo == 0 && f2.xa.hi == W - 1);
	assert_int_equal(cp_at(g, f.x, f.y), 0x2800 + (0x01 | 0x10));		/* ⠑ */
	assert_int_equal(cp_at(g, f.x + 1, f.y), 0x2800 + (0x04 | 0x80));	/* ⢄ */
	assert_int_equal(count_lit_cells(g, &f), 2);
	assert_int_equal(grid_at(g, f.x, f.y)->st.fg, GRID_CYAN);

	/* A shallow line (0,0) -> (7,2).  Bresenham: (0,0) (1,0) (2,1) (3,1)
	 * (4,1) (5,1) (6,2) (7,2), so cells ⠉ ⠒ ⠒ ⠤. */
	x[1] = 7;
	y[1] = H - 3;
	draw_ok(g, 0, 0, 40, 12, &s, &ser, 1, NULL);
	assert_string_equal(cells(g, f.x, f.y, 4), "\xe2\xa0\x89\xe2\xa0\x92\xe2\xa0\x92\xe2\xa0\xa4");
	assert_int_equal(count_lit_cells(g, &f), 4);

	/* A steep one (0,0) -> (1,7): (0,0) (0,1) (0,2) (0,3) (1,4) (1,5)
	 * (1,6) (1,7): the left column of cell row 0, the right of row 1. */
	x[1] = 1;
	y[1] = H - 8;
	draw_ok(g, 0, 0, 40, 12, &s, &ser, 1, NULL);
	assert_int_equal(cp_at(g, f.x, f.y), 0x2800 + 0x47);
	assert_int_equal(cp_at(g, f.x, f.y + 1), 0x2800 + 0xb8);
	assert_int_equal(count_lit_cells(g, &f), 2);
	grid_free(g);
}

static void test_constant_series(void **state)
{
	(void)state;
	Grid *g = new_grid(50, 14);
	PlotSpec s = spec();
	s.ymin = 0;
	s.ymax = 10;
	double y[50];
	for (int i = 0; i < 50; i++)
		y[i] = 5;
	PlotSeries ser = { NULL, NULL, y, 50, GRID_DEFAULT };
	PlotFrame f;
	draw_ok(g, 0, 0, 50, 14, &s, &ser, 1, &f);
	assert_int_equal(f.h, 12);
	/* 5 of [0, 10] is dot row 47 * 0.5 = 23.5 -> 24: cell row 6, dot row 0
	 * of the cell, both columns: ⠉ across the whole width. */
	for (int c = 0; c < f.w; c++)
		assert_int_equal(cp_at(g, f.x + c, f.y + 6), 0x2809);
	assert_int_equal(count_lit_cells(g, &f), f.w);

	/* In ascii, one dot a cell: row (11 * 0.5 = 5.5 -> 6), all '*'. */
	s.ascii = 1;
	draw_ok(g, 0, 0, 50, 14, &s, &ser, 1, &f);
	assert_int_equal(f.sx, 1);
	for (int c = 0; c < f.w; c++)
		assert_int_equal(cp_at(g, f.x + c, f.y + 6), '*');

	/* An automatic range around a constant still draws one flat row. */
	s = spec();
	draw_ok(g, 0, 0, 50, 14, &s, &ser, 1, &f);
	int rows_lit = 0;
	for (int r = 0; r < f.h; r++) {
		int lit = 0;
		for (int c = 0; c < f.w; c++)
			lit += is_braille(cp_at(g, f.x + c, f.y + r));
		if (lit) {
			assert_int_equal(lit, f.w);
			rows_lit++;
		}
	}
	assert_int_equal(rows_lit, 1);
	assert_true(f.ya.lo < 5 && f.ya.hi > 5);
	grid_free(g);
}

static void test_log_axis(void **state)
{
	(void)state;
	Grid *g = new_grid(40, 22);
	PlotSpec s = spec();
	s.logy = 1;
	double y[3] = { 1e-3, 1, 1e3 };
	PlotSeries ser = { NULL, NULL, y, 3, GRID_DEFAULT };
	PlotFrame f;
	draw_ok(g, 0, 0, 40, 22, &s, &ser, 1, &f);
	assert_int_equal(f.h, 20);
	assert_true(f.ya.log);
	assert_true(f.ya.lo == -3 && f.ya.hi == 3);
	/* Decade k is dot row (3 - k) / 6 * 79: 1e3 -> 0 (cell row 0),
	 * 1 -> 39.5 -> 40 (row 10), 1e-3 -> 79 (row 19).  Labels end one
	 * column left of the axis. */
	int ax = f.x - 1;
	assert_int_equal(cp_at(g, ax, f.y + 0), 0x2524);	/* ┤ */
	assert_int_equal(cp_at(g, ax, f.y + 10), 0x2524);
	assert_int_equal(cp_at(g, ax, f.y + 19), 0x2524);
	assert_string_equal(cells(g, ax - 4, f.y + 0, 3), "1e3");
	assert_string_equal(cells(g, ax - 2, f.y + 10, 1), "1");
	assert_string_equal(cells(g, ax - 5, f.y + 19, 4), "1e-3");
	/* The points: dot (0, 79), (W/2 rounded, 40), (W-1, 0). */
	int W = 2 * f.w;
	assert_true(dot_on(g, &f, 0, 79));
	assert_true(dot_on(g, &f, (int)floor((W - 1) / 2.0 + 0.5), 40));
	assert_true(dot_on(g, &f, W - 1, 0));

	/* Values <= 0 cannot be shown on a log axis: they leave gaps. */
	double z[4] = { 0, -1, 10, 100 };
	PlotSeries sz = { NULL, NULL, z, 4, GRID_DEFAULT };
	draw_ok(g, 0, 0, 40, 22, &s, &sz, 1, &f);
	assert_true(f.ya.lo == 1 && f.ya.hi == 2);
	for (int dx = 0; dx < (2 * f.w) / 2 - 2; dx++)
		for (int dy = 0; dy < 4 * f.h; dy++)
			assert_false(dot_on(g, &f, dx, dy));
	grid_free(g);
}

static void test_number_format(void **state)
{
	(void)state;
	static const struct { double v, step; const char *want; } cases[] = {
		{ 0, 1, "0" }, { 0, 0.5, "0.0" }, { 1e-17, 0.05, "0.00" }, { 0, 20000, "0" },
		{ 0, 1e-6, "0" }, { 3, 1, "3" }, { 150, 50, "150" }, { 12, 2, "12" },
		{ 1.0, 0.5, "1.0" }, { 0.5, 0.5, "0.5" }, { 2.5, 0.5, "2.5" },
		{ -0.25, 0.05, "-0.25" }, { 0.0003, 0.0001, "0.0003" },
		{ 5000, 5000, "5k" }, { 20000, 10000, "20k" }, { 1.5e6, 5e5, "1.5M" },
		{ 2e6, 1e6, "2M" }, { 2.5e-7, 5e-8, "2.5e-7" }, { 1e-5, 1e-5, "1e-5" },
		{ 3e-5, 1e-5, "3e-5" }, { 1e-21, 0, "1e-21" }, { 1e6, 0, "1e6" },
		{ 0.125, 0, "0.125" }, { 123456, 0, "123456" }, { -7, 0, "-7" },
		{ 2.5, 0, "2.5" }, { 1e-20, 1e-20, "1e-20" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		plot_format(buf, sizeof buf, cases[i].v, cases[i].step);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("plot_format(%g, %g) = '%s', want '%s'", cases[i].v, cases[i].step,
				 buf, cases[i].want);
	}
	plot_format(buf, sizeof buf, NAN, 0);
	assert_string_equal(buf, "nan");
	plot_format(buf, sizeof buf, -INFINITY, 0);
	assert_string_equal(buf, "-inf");

	assert_true(plot_nice_step(10, 5, 0) == 2);
	assert_true(plot_nice_step(1, 4, 0) == 0.5);
	assert_true(plot_nice_step(3, 10, 1) == 1);
	assert_true(fabs(plot_nice_step(1e-6, 5, 0) - 2e-7) < 1e-20);

	/* Decades: plain numbers while all ticks are in 0.01 .. 1000. */
	PlotAxis a = { .log = 1, .step = 1, .nticks = 6 };
	for (int i = 0; i < 6; i++)
		a.tick[i] = i - 2;
	const char *plain[] = { "0.01", "0.1", "1", "10", "100", "1000" };
	for (int i = 0; i < 6; i++) {
		plot_axis_label(&a, i, buf, sizeof buf);
		assert_string_equal(buf, plain[i]);
	}
	a.tick[0] = -20;
	plot_axis_label(&a, 0, buf, sizeof buf);
	assert_string_equal(buf, "1e-20");
	plot_axis_label(&a, 2, buf, sizeof buf);
	assert_string_equal(buf, "1");
	plot_axis_label(&a, 5, buf, sizeof buf);
	assert_string_equal(buf, "1e3");

	/* Steps: whole-number ticks when x is omitted. */
	double y[5] = { 1, 2, 3, 4, 5 };
	PlotSeries ser = { NULL, NULL, y, 5, GRID_DEFAULT };
	plot_axis_x(&a, &ser, 1, 100, 2);
	assert_true(a.integer && a.lo == 0 && a.hi == 4 && a.step == 1);
	assert_int_equal(a.nticks, 5);
	ser.n = 1;
	plot_axis_x(&a, &ser, 1, 100, 2);
	assert_int_equal(a.nticks, 1);
	assert_true(a.tick[0] == 0);

	/* 100k steps on 60 columns: ticks 0, 20k, ... with labels 20k. */
	ser.n = 100001;
	plot_axis_x(&a, &ser, 1, 60, 2);
	assert_true(a.step == 20000);
	plot_format(buf, sizeof buf, a.tick[1], a.step);
	assert_string_equal(buf, "20k");
}

static void test_tick_rows_even(void **state)
{
	(void)state;
	/* A loss from 2.56 down to 0.07 on 16 rows: ticks 0, 1, 2, 3 fall on
	 * rows 15, 10, 5, 0 (3 intervals divide 15 row gaps). */
	Grid *g = new_grid(60, 18);
	double y[3] = { 2.56, 1.0, 0.07 };
	PlotSeries ser = { NULL, NULL, y, 3, GRID_DEFAULT };
	PlotSpec s = spec();
	PlotFrame f;
	draw_ok(g, 0, 0, 60, 18, &s, &ser, 1, &f);
	assert_int_equal(f.h, 16);
	assert_true(f.ya.lo == 0 && f.ya.hi == 3 && f.ya.step == 1);
	for (int r = 0; r < 16; r++) {
		uint32_t want = r % 5 == 0 ? 0x2524 : 0x2502;
		assert_int_equal(cp_at(g, f.x - 1, f.y + r), want);
	}
	assert_string_equal(cells(g, f.x - 3, f.y + 5, 1), "2");
	grid_free(g);
}

/* A constant learning rate from 0 (the lr view) on short plots, where the
 * rows cannot be split evenly: the labels shown are evenly spaced values,
 * not a few of many ticks picked by row (was 0.0011, 0.0008, 0.0006,
 * 0.0005, 0.0003, 0 on 6 rows). */
static void test_tick_labels_short_plot(void **state)
{
	(void)state;
	double steps[100], y[100];
	for (int i = 0; i < 100; i++) {
		steps[i] = i + 1;
		y[i] = (double)1e-3f;	/* as the history holds it: 0.00100000005 */
	}
	PlotSeries ser = { "lr", steps, y, 100, GRID_DEFAULT };
	for (int h = 8; h <= 20; h++) {
		Grid *g = new_grid(48, h);
		PlotSpec s = spec();
		s.ymin = 0;
		s.title = "learning rate";
		s.xlabel = "step";
		PlotFrame f;
		draw_ok(g, 0, 0, 48, h, &s, &ser, 1, &f);
		double v[20];
		int n = 0;
		for (int r = 0; r < f.h; r++) {
			double x;
			if (sscanf(cells(g, 0, f.y + r, f.x - 2), "%lf", &x) == 1)
				v[n++] = x;
		}
		if (n < 2)
			fail_msg("height %d: %d labels", h, n);
		for (int i = 2; i < n; i++)
			if (fabs((v[i - 1] - v[i]) - (v[0] - v[1])) > 1e-12)
				fail_msg("height %d: labels %g %g %g are not evenly spaced", h, v[i - 2], v[i - 1], v[i]);
		assert_true(v[n - 1] == 0 && v[0] >= 0.001);
		grid_free(g);
	}
}

static void test_nan_gaps(void **state)
{
	(void)state;
	Grid *g = new_grid(50, 10);
	PlotSpec s = spec();
	s.ymin = 0;
	s.ymax = 2;
	double y[5] = { 1, 1, NAN, 1, 1 };
	PlotSeries ser = { NULL, NULL, y, 5, GRID_DEFAULT };
	PlotFrame f;
	draw_ok(g, 0, 0, 50, 10, &s, &ser, 1, &f);
	int W = 2 * f.w, H = 4 * f.h;
	int row = (int)floor((H - 1) / 2.0 + 0.5);
	int c1 = (int)floor((W - 1) / 4.0 + 0.5), c3 = (int)floor(3 * (W - 1) / 4.0 + 0.5);
	for (int dx = 0; dx < W; dx++) {
		int want = dx <= c1 || dx >= c3;
		if (dot_on(g, &f, dx, row) != want)
			fail_msg("dot column %d: lit %d, want %d (gap %d..%d)", dx, !want, want,
				 c1, c3);
	}
	/* Infinities are gaps too. */
	y[2] = INFINITY;
	draw_ok(g, 0, 0, 50, 10, &s, &ser, 1, &f);
	assert_false(dot_on(g, &f, W / 2, row));
	grid_free(g);
}

static void test_downsampling_keeps_extremes(void **state)
{
	(void)state;
	int n = 100000;
	double *y = calloc((size_t)n, sizeof *y);
	assert_non_null(y);
	for (int i = 0; i < n; i++)
		y[i] = 0.5 * sin(i * 0.001);
	y[30000] = 10;
	y[70000] = -10;
	Grid *g = new_grid(80, 20);
	PlotSpec s = spec();
	s.ymin = -10;
	s.ymax = 10;
	PlotSeries ser = { "loss", NULL, y, n, GRID_DEFAULT };
	PlotFrame f;
	draw_ok(g, 0, 0, 80, 20, &s, &ser, 1, &f);
	int W = 2 * f.w, H = 4 * f.h;
	int c30 = (int)floor(30000.0 / (n - 1) * (W - 1) + 0.5);
	int c70 = (int)floor(70000.0 / (n - 1) * (W - 1) + 0.5);
	/* Each spike is one point among ~700 in its dot column: the column's
	 * stroke still reaches the top and the bottom. */
	assert_true(dot_on(g, &f, c30, 0));
	assert_true(dot_on(g, &f, c70, H - 1));
	for (int dx = 0; dx < W; dx++) {
		if (dx != c30)
			assert_false(dot_on(g, &f, dx, 0));
		if (dx != c70)
			assert_false(dot_on(g, &f, dx, H - 1));
	}
	/* The quiet part stays near the middle row. */
	int mid = (H - 1) / 2;
	assert_true(dot_on(g, &f, 0, mid) || dot_on(g, &f, 0, mid + 1));

	/* plot_bucket itself: min, max, first, last of a column. */
	PlotBucket b[4];
	double yy[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
	PlotSeries s8 = { NULL, NULL, yy, 8, GRID_DEFAULT };
	plot_bucket(&s8, 0, 0, 7, b, 4);	/* x -> round(x * 3/7): 0 0 1 1 2 2 3 3 */
	assert_int_equal(b[0].n, 2);
	assert_true(b[0].first == 3 && b[0].last == 1 && b[0].lo == 1 && b[0].hi == 3);
	assert_true(b[2].lo == 5 && b[2].hi == 9);
	assert_false(b[0].joined);
	assert_true(b[1].joined);
	free(y);
	grid_free(g);
}

static void test_reference_line(void **state)
{
	(void)state;
	Grid *g = new_grid(60, 14);
	PlotSpec s = spec();
	s.ymin = 0;
	s.ymax = 2;
	PlotRef ref = { "clip", 1.0, GRID_DEFAULT };
	s.refs = &ref;
	s.nrefs = 1;
	double y[100];
	for (int i = 0; i < 100; i++)
		y[i] = 0.2;
	PlotSeries ser = { "loss", NULL, y, 100, GRID_DEFAULT };
	PlotFrame f;
	draw_ok(g, 0, 0, 60, 14, &s, &ser, 1, &f);
	assert_int_equal(f.h, 11);	/* 14 - legend row - axis - ticks */
	/* 1.0 of [0, 2] is dot row 43 / 2 = 21.5 -> 22: cell row 5.  Dashes
	 * across, the label " clip " at the right end, one dash after it. */
	int r = f.y + 5;
	for (int c = 0; c < f.w - 7; c++) {
		assert_int_equal(cp_at(g, f.x + c, r), DASH);
		assert_int_equal(grid_at(g, f.x + c, r)->st.fg, GRID_RED);
	}
	assert_string_equal(cells(g, f.x + f.w - 7, r, 7), " clip \xe2\x95\x8c");
	/* And in the legend, after the series. */
	assert_non_null(strstr(row(g, 0), "\xe2\xa0\xb6\xe2\xa0\xb6\xe2\xa0\xb6 loss  "
				   "\xe2\x95\x8c\xe2\x95\x8c\xe2\x95\x8c clip"));

	/* A curve through the label's place pushes it to the left end. */
	for (int i = 90; i < 100; i++)
		y[i] = 1.0;
	draw_ok(g, 0, 0, 60, 14, &s, &ser, 1, &f);
	assert_string_equal(cells(g, f.x, r, 7), "\xe2\x95\x8c clip ");

	/* ascii: "- - -" */
	for (int i = 90; i < 100; i++)
		y[i] = 0.2;
	s.ascii = 1;
	draw_ok(g, 0, 0, 60, 14, &s, &ser, 1, &f);
	r = f.y + (int)floor((f.h - 1) / 2.0 + 0.5);
	assert_string_equal(cells(g, f.x, r, 6), "- - - ");
	assert_non_null(strstr(row(g, 0), "*** loss  - - clip"));
	grid_free(g);
}

static void test_legend_and_patterns(void **state)
{
	(void)state;
	Grid *g = new_grid(60, 13);
	double a[40], b[40], c[40];
	for (int i = 0; i < 40; i++) {
		a[i] = 3;
		b[i] = 2;
		c[i] = 1;
	}
	PlotSeries ser[3] = {
		{ "train", NULL, a, 40, GRID_DEFAULT },
		{ "valid", NULL, b, 40, GRID_DEFAULT },
		{ "test", NULL, c, 40, GRID_GREEN },
	};
	PlotSpec s = spec();
	s.ylabel = "loss";
	s.ymin = 0;
	s.ymax = 4;
	PlotFrame f;
	draw_ok(g, 0, 0, 60, 13, &s, ser, 3, &f);
	/* Header: ylabel left, legend right-aligned before a one-column margin. */
	const char *want = "\xe2\xa0\xb6\xe2\xa0\xb6\xe2\xa0\xb6 train  "
		"\xe2\xa0\xb6\xe2\xa0\xb6\xe2\xa0\xb6 valid  \xe2\xa0\xb6\xe2\xa0\xb6\xe2\xa0\xb6 test ";
	const char *r0 = row(g, 0);
	assert_true(strlen(r0) > strlen(want));
	assert_string_equal(r0 + strlen(r0) - strlen(want), want);
	assert_int_equal(strncmp(r0, "loss ", 5), 0);
	int x = 60 - 1 - (int)strlen("xxx test  xxx valid  xxx train");
	assert_int_equal(grid_at(g, x, 0)->st.fg, GRID_CYAN);
	assert_int_equal(grid_at(g, x + 11, 0)->st.fg, GRID_YELLOW);
	assert_int_equal(grid_at(g, x + 22, 0)->st.fg, GRID_GREEN);

	/* Without colour: solid, dotted, dashed samples, and the lines drawn
	 * so.  3, 2 and 1 of [0, 4] are dot rows 9.75, 19.5, 29.25 -> 10, 20,
	 * 29: cell rows 2, 5, 7 at dot rows 2, 0, 1 within the cell. */
	s.colors = GRID_MONO;
	draw_ok(g, 0, 0, 60, 13, &s, ser, 3, &f);
	assert_int_equal(f.h, 10);
	want = "\xe2\xa0\xb6\xe2\xa0\xb6\xe2\xa0\xb6 train  \xe2\xa0\x86\xe2\xa0\x86\xe2\xa0\x86 valid  "
		"\xe2\xa0\xb6\xe2\xa0\x80\xe2\xa0\xb6 test";
	assert_non_null(strstr(row(g, 0), want));
	assert_int_equal(grid_at(g, x, 0)->st.fg, GRID_DEFAULT);
	for (int cx = 0; cx < f.w; cx++) {
		assert_int_equal(cp_at(g, f.x + cx, f.y + 2), 0x2800 + 0x24);	/* solid ⠤ */
		assert_int_equal(cp_at(g, f.x + cx, f.y + 5), 0x2800 + 0x01);	/* dotted ⠁ */
		/* dashed: dots at x % 4 in {0, 1}: a full cell, then an empty one */
		assert_int_equal(cp_at(g, f.x + cx, f.y + 7), cx % 2 ? ' ' : 0x2800 + 0x12);
	}

	/* ascii: markers. */
	s.ascii = 1;
	draw_ok(g, 0, 0, 60, 13, &s, ser, 3, &f);
	assert_non_null(strstr(row(g, 0), "*** train  ooo valid  +++ test"));

	/* A long name in a narrow plot is cut with an ellipsis. */
	s = spec();
	PlotSeries one = { "a very long series name indeed", NULL, a, 40, GRID_DEFAULT };
	draw_ok(g, 0, 0, 24, 8, &s, &one, 1, &f);
	assert_non_null(strstr(row(g, 0), "\xe2\x80\xa6"));
	grid_free(g);
}

static void test_ascii_only(void **state)
{
	(void)state;
	Grid *g = new_grid(70, 40);
	double y1[200], y2[200];
	for (int i = 0; i < 200; i++) {
		y1[i] = exp(-i / 20.0);
		y2[i] = i == 50 ? NAN : 0.5 * exp(-i / 40.0);
	}
	PlotRef ref = { NULL, 0.1, GRID_DEFAULT };
	PlotSeries ser[2] = { { "one", NULL, y1, 200, 0 }, { "two", NULL, y2, 200, 0 } };
	PlotSpec s = spec();
	s.title = "Title";
	s.xlabel = "step";
	s.ylabel = "loss";
	s.refs = &ref;
	s.nrefs = 1;
	s.ascii = 1;
	for (int colors = 0; colors < GRID_COLORS_COUNT; colors++) {
		for (int logy = 0; logy < 2; logy++) {
			grid_clear(g);
			s.colors = (GridColors)colors;
			s.logy = logy;
			draw_ok(g, 0, 0, 70, 20, &s, ser, 2, NULL);
			float m[6 * 9];
			for (int i = 0; i < 6 * 9; i++)
				m[i] = (float)sin(i);
			m[5] = NAN;
			HeatmapSpec hs;
			heatmap_spec_init(&hs);
			hs.title = "gates";
			hs.ascii = 1;
			hs.colors = (GridColors)colors;
			hs.scale = logy ? HEATMAP_DIVERGING : HEATMAP_SEQUENTIAL;
			HeatmapMatrix mat = { m, 6, 9, 9, 1 };
			Err e;
			assert_int_equal(heatmap_draw(g, 0, 20, 70, 14, &hs, &mat, NULL, &e), 0);
			assert_int_not_equal(plot_draw(g, 0, 34, 10, 3, &s, ser, 2, NULL, &e), 0);
			size_t n = grid_utf8(g, NULL, 0, GRID_OUT_ANSI);
			char *text = malloc(n + 1);
			assert_non_null(text);
			assert_int_equal(grid_utf8(g, text, n + 1, GRID_OUT_ANSI), n);
			for (size_t i = 0; i < n; i++)
				if ((unsigned char)text[i] >= 0x80)
					fail_msg("byte 0x%02x at %zu (colors %d, log %d)",
						 (unsigned char)text[i], i, colors, logy);
			free(text);
		}
	}
	grid_free(g);
}

/* ---- heatmaps ------------------------------------------------------------ */

static void heat_cell(const Grid *g, const HeatmapFrame *f, int r, int c, uint32_t cp,
		      Style st)
{
	for (int y = 0; y < f->rh; y++) {
		for (int x = 0; x < f->cw; x++) {
			const GridCell *cell = grid_at(g, f->x + (c / f->fc) * f->cw + x,
						       f->y + (r / f->fr) * f->rh + y);
			assert_non_null(cell);
			if (cell->cp != cp || cell->st.fg != st.fg || cell->st.bg != st.bg)
				fail_msg("cell (%d,%d): U+%04X fg %d bg %d, want U+%04X fg %d bg %d",
					 r, c, cell->cp, cell->st.fg, cell->st.bg, cp, st.fg, st.bg);
		}
	}
}

static Style st(uint32_t fg, uint32_t bg)
{
	Style s = { fg, bg, 0 };
	return s;
}

static void test_heatmap_2x2(void **state)
{
	(void)state;
	Grid *g = new_grid(40, 12);
	float v[4] = { 0.0f, 0.3f, 0.6f, 1.0f };
	HeatmapMatrix m = { v, 2, 2, 2, 1 };
	HeatmapSpec s;
	heatmap_spec_init(&s);
	s.vmin = 0;
	s.vmax = 1;
	HeatmapFrame f;
	Err e;

	/* Mono: level floor(t * 5) of " ░▒▓█": 0, 1, 3, 4 (t = 1 is the top). */
	s.colors = GRID_MONO;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m, &f, &e), 0);
	assert_true(f.fr == 1 && f.fc == 1 && f.rows == 2 && f.cols == 2);
	assert_true(f.rh == 3 && f.cw == 8);	/* scaled up, at most 3 x 8 */
	heat_cell(g, &f, 0, 0, ' ', st(0, 0));
	heat_cell(g, &f, 0, 1, 0x2591, st(0, 0));
	heat_cell(g, &f, 1, 0, 0x2593, st(0, 0));
	heat_cell(g, &f, 1, 1, 0x2588, st(0, 0));

	/* ascii: floor(t * 10) of " .:-=+*#%@": ' ', '-', '*', '@'. */
	s.ascii = 1;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m, &f, &e), 0);
	heat_cell(g, &f, 0, 0, ' ', st(0, 0));
	heat_cell(g, &f, 0, 1, '-', st(0, 0));
	heat_cell(g, &f, 1, 0, '*', st(0, 0));
	heat_cell(g, &f, 1, 1, '@', st(0, 0));
	s.ascii = 0;

	/* Eight colours, sequential (viridis's hues), 9 levels: floor(9t) =
	 * 0, 2, 5, 8: blank, bg blue, '▒' green on cyan, bg yellow. */
	s.colors = GRID_COLORS_8;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m, &f, &e), 0);
	heat_cell(g, &f, 0, 0, ' ', st(GRID_DEFAULT, GRID_DEFAULT));
	heat_cell(g, &f, 0, 1, ' ', st(GRID_DEFAULT, GRID_BLUE));
	heat_cell(g, &f, 1, 0, 0x2592, st(GRID_GREEN, GRID_CYAN));
	heat_cell(g, &f, 1, 1, ' ', st(GRID_DEFAULT, GRID_YELLOW));

	/* 256 colours, 65 levels: floor(65t) = 0, 19, 39, 64, viridis at k/64
	 * nearest in OKLab: xterm 53, 24, 36, 220 (numpy, as in
	 * tests/gen_colormap_refs.py). */
	s.colors = GRID_COLORS_256;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m, &f, &e), 0);
	heat_cell(g, &f, 0, 0, ' ', st(0, GRID_XTERM(53)));
	heat_cell(g, &f, 0, 1, ' ', st(0, GRID_XTERM(24)));
	heat_cell(g, &f, 1, 0, ' ', st(0, GRID_XTERM(36)));
	heat_cell(g, &f, 1, 1, ' ', st(0, GRID_XTERM(220)));

	/* 24-bit: viridis itself, its ends exact. */
	s.colors = GRID_COLORS_TRUE;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m, &f, &e), 0);
	heat_cell(g, &f, 0, 0, ' ', st(0, GRID_RGB(0x440154)));
	heat_cell(g, &f, 1, 1, ' ', st(0, GRID_RGB(0xfde725)));

	/* Diverging over [-1, 1]: t = 0, 0.35, 0.525, 0.9, levels floor(9t) =
	 * 0, 3, 4, 8: bg blue, '░' blue on white, white (zero), bg red. */
	float d[4] = { -1.0f, -0.3f, 0.05f, 0.8f };
	m.v = d;
	s.colors = GRID_COLORS_8;
	s.scale = HEATMAP_DIVERGING;
	s.vmin = NAN;
	s.vmax = NAN;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m, &f, &e), 0);
	assert_true(f.lo == -1 && f.hi == 1);
	heat_cell(g, &f, 0, 0, ' ', st(GRID_DEFAULT, GRID_BLUE));
	heat_cell(g, &f, 0, 1, 0x2591, st(GRID_BLUE, GRID_WHITE));
	heat_cell(g, &f, 1, 0, ' ', st(GRID_DEFAULT, GRID_WHITE));
	heat_cell(g, &f, 1, 1, ' ', st(GRID_DEFAULT, GRID_RED));

	/* An automatic diverging range is symmetric and rounded out. */
	d[0] = -0.37f;
	d[3] = 0.21f;
	double lo, hi;
	heatmap_range(&s, &m, &lo, &hi);
	assert_true(fabs(lo + 0.4) < 1e-12 && fabs(hi - 0.4) < 1e-12);
	grid_free(g);
}

static void test_heatmap_pooling(void **state)
{
	(void)state;
	/* 2 x 120 in 70 columns: labels "0", "1" take 1 + 1, the margin 1, so
	 * 67 columns for 120: pooled by 2.  Each pair is 0 and 1, average 0.5,
	 * level floor(0.5 * 5) = 2: '▒' everywhere. */
	Grid *g = new_grid(70, 10);
	float v[2 * 120];
	for (int i = 0; i < 2 * 120; i++)
		v[i] = (float)(i % 2);
	HeatmapMatrix m = { v, 2, 120, 120, 1 };
	HeatmapSpec s;
	heatmap_spec_init(&s);
	s.colors = GRID_MONO;
	s.vmin = 0;
	s.vmax = 1;
	HeatmapFrame f;
	Err e;
	assert_int_equal(heatmap_draw(g, 0, 0, 70, 10, &s, &m, &f, &e), 0);
	assert_int_equal(f.fc, 2);
	assert_int_equal(f.cols, 60);
	assert_int_equal(f.fr, 1);
	for (int c = 0; c < 120; c += 2)
		heat_cell(g, &f, 0, c, 0x2592, st(0, 0));

	/* Rows and columns pooled together, NaN left out: blocks of 2 x 2
	 * holding 0.1, 1.0, 0.3, 0.8 average 0.55: 256-colour level 35 of 65 (viridis at
	 * 35/64, nearest xterm 36 in OKLab);
	 * a block of NaN, 0.55, NaN, 0.55 likewise; all NaN: '·'. */
	enum { R = 40, C = 160 };
	static float big[R * C];
	for (int r = 0; r < R; r++) {
		for (int c = 0; c < C; c++) {
			static const float blk[2][2] = { { 0.1f, 1.0f }, { 0.3f, 0.8f } };
			big[r * C + c] = blk[r % 2][c % 2];
			if (c >= 4 && c < 6)
				big[r * C + c] = c == 4 ? NAN : 0.55f;
			if (c >= 8 && c < 10)
				big[r * C + c] = NAN;
		}
	}
	HeatmapMatrix mb = { big, R, C, C, 1 };
	s.colors = GRID_COLORS_256;
	grid_free(g);
	g = new_grid(90, 40);
	assert_int_equal(heatmap_draw(g, 0, 0, 90, 23, &s, &mb, &f, &e), 0);
	assert_true(f.fr == 2 && f.fc == 2 && f.rh == 1 && f.cw == 1);
	heat_cell(g, &f, 0, 0, ' ', st(0, GRID_XTERM(36)));
	heat_cell(g, &f, 38, 158, ' ', st(0, GRID_XTERM(36)));
	heat_cell(g, &f, 6, 4, ' ', st(0, GRID_XTERM(36)));
	heat_cell(g, &f, 0, 8, 0x00b7, st(0, 0));

	/* Strides: the transpose of v through rs = 1, cs = 120. */
	HeatmapMatrix mt = { v, 120, 2, 1, 120 };
	s.colors = GRID_MONO;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 40, &s, &mt, &f, &e), 0);
	assert_int_equal(f.fr, 4);	/* 120 rows on 38 */
	heat_cell(g, &f, 0, 0, 0x2592, st(0, 0));
	grid_free(g);
}

static void test_heatmap_labels(void **state)
{
	(void)state;
	Grid *g = new_grid(40, 12);
	float v[3 * 4] = { 0 };
	const char *rows[3] = { "a", "bb", "c" };
	const char *cols[4] = { "w", "x", "y", "z" };
	HeatmapMatrix m = { v, 3, 4, 4, 1 };
	HeatmapSpec s;
	heatmap_spec_init(&s);
	s.title = "attention";
	s.ylabel = "target";
	s.xlabel = "source";
	s.row_names = rows;
	s.col_names = cols;
	HeatmapFrame f;
	Err e;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m, &f, &e), 0);
	assert_non_null(strstr(row(g, 0), "attention"));
	assert_non_null(strstr(row(g, 1), "target"));
	/* Row names right-aligned before the map, in the middle row of their
	 * block; column names under the middle of theirs. */
	int mid = (f.rh - 1) / 2;
	assert_string_equal(cells(g, f.x - 2, f.y + mid, 1), "a");
	assert_string_equal(cells(g, f.x - 3, f.y + f.rh + mid, 2), "bb");
	int under = f.y + 3 * f.rh;
	for (int c = 0; c < 4; c++)
		assert_string_equal(cells(g, f.x + c * f.cw + (f.cw - 1) / 2, under, 1), cols[c]);

	/* Timesteps count from 1 (col_base): 30 columns are labelled on
	 * multiples, up to 30, and no column is called 0. */
	float v2[2 * 30] = { 0 };
	HeatmapMatrix m2 = { v2, 2, 30, 30, 1 };
	heatmap_spec_init(&s);
	s.col_base = 1;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m2, &f, &e), 0);
	const char *labels = row(g, f.y + 2 * f.rh);
	assert_non_null(strstr(labels, "30"));
	assert_null(strstr(labels, " 0 "));
	int first;
	assert_int_equal(sscanf(labels, "%d", &first), 1);
	assert_true(first > 1 && 30 % first == 0);

	/* Names on pooled rows and on columns too narrow for them: every k-th
	 * name, at its own row and column (the landscape's alpha and beta). */
	float v21[21 * 21] = { 0 };
	char nm[21][16];
	const char *nn[21];
	for (int i = 0; i < 21; i++) {
		snprintf(nm[i], sizeof nm[i], "%.2g", -1 + 0.1 * i);
		nn[i] = nm[i];
	}
	HeatmapMatrix m21 = { v21, 21, 21, 21, 1 };
	heatmap_spec_init(&s);
	s.row_names = nn;
	s.col_names = nn;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 12, &s, &m21, &f, &e), 0);
	assert_true(f.fr > 1 && f.cw < 4);	/* pooled rows; "-0.9" is wider than a column */
	int seen = 0;
	for (int i = 0; i < f.rows; i++) {	/* a label is the name of a matrix row of its block */
		char lab[16];
		if (sscanf(row(g, f.y + i * f.rh), "%15s", lab) != 1)	/* zeros draw blank */
			continue;
		int found = 0;
		for (int r = i * f.fr; r < (i + 1) * f.fr && r < 21; r++)
			found |= !strcmp(lab, nn[r]);
		if (!found)
			fail_msg("map row %d (rows %d-%d) is labelled '%s'", i, i * f.fr, (i + 1) * f.fr - 1, lab);
		seen++;
	}
	assert_true(seen >= 2);
	assert_null(strstr(row(g, f.y), " 0 "));	/* not indices */
	const char *under21 = row(g, f.y + f.rows * f.rh);
	assert_non_null(strstr(under21, "-1"));
	assert_non_null(strstr(under21, "1"));
	assert_null(strstr(under21, "20"));
	grid_free(g);

	/* One or two text rows short of a row each: the xlabel, then the
	 * title, give way before the rows are pooled in pairs. */
	float v3[19 * 5] = { 0 };
	HeatmapMatrix m3 = { v3, 19, 5, 5, 1 };
	heatmap_spec_init(&s);
	s.title = "attention";
	s.xlabel = "source";
	for (int h = 20; h <= 23; h++) {
		g = new_grid(40, h);
		assert_int_equal(heatmap_draw(g, 0, 0, 40, h, &s, &m3, &f, &e), 0);
		assert_int_equal(f.fr, h >= 21 ? 1 : 2);
		assert_int_equal(strstr(row(g, 0), "attention") != NULL, h != 21);	/* 20: pooled anyway, nothing given up */
		grid_free(g);
	}
}

/* ---- rectangles ---------------------------------------------------------- */

/* Every cell outside x, y, w, h still holds '#'. */
static void assert_outside_untouched(const Grid *g, int x, int y, int w, int h)
{
	for (int j = 0; j < g->h; j++)
		for (int i = 0; i < g->w; i++)
			if ((i < x || i >= x + w || j < y || j >= y + h) && cp_at(g, i, j) != '#')
				fail_msg("cell (%d,%d) outside the rectangle was written", i, j);
}

static void test_rectangles(void **state)
{
	(void)state;
	Grid *g = new_grid(60, 30);
	double y[300];
	for (int i = 0; i < 300; i++)
		y[i] = i % 7 - 3.0;
	PlotRef ref = { "a rather long label", 2, GRID_DEFAULT };
	PlotSeries ser[2] = { { "a series with a long name", NULL, y, 300, 0 },
			      { "another", NULL, y, 150, 0 } };
	PlotSpec s = spec();
	s.title = "A title much longer than the plot is wide";
	s.xlabel = "step";
	s.ylabel = "value";
	s.refs = &ref;
	s.nrefs = 1;
	float m[50 * 50];
	for (int i = 0; i < 50 * 50; i++)
		m[i] = (float)cos(i);
	HeatmapMatrix mat = { m, 50, 50, 50, 1 };
	HeatmapSpec hs;
	heatmap_spec_init(&hs);
	hs.title = s.title;
	hs.xlabel = "t";
	hs.ylabel = "unit";
	Err e;

	/* Too small: a message inside, nothing outside, an error. */
	grid_fill(g, 0, 0, 60, 30, '#', grid_style(0, 0));
	assert_int_equal(plot_draw(g, 10, 5, 15, 4, &s, ser, 2, NULL, &e), ERR_INVAL);
	assert_non_null(strstr(e.msg, "too small"));
	assert_outside_untouched(g, 10, 5, 15, 4);
	assert_non_null(strstr(row(g, 6), "too small"));
	assert_int_equal(cp_at(g, 10, 5), ' ');

	grid_fill(g, 0, 0, 60, 30, '#', grid_style(0, 0));
	assert_int_equal(plot_draw(g, 58, 29, 2, 1, &s, ser, 2, NULL, &e), ERR_INVAL);
	assert_outside_untouched(g, 58, 29, 2, 1);

	grid_fill(g, 0, 0, 60, 30, '#', grid_style(0, 0));
	assert_int_equal(heatmap_draw(g, 3, 3, 19, 10, &hs, &mat, NULL, &e), ERR_INVAL);
	assert_outside_untouched(g, 3, 3, 19, 10);
	assert_non_null(strstr(row(g, 7), "too small"));

	/* Just big enough, and bigger: drawn, and only inside. */
	int sizes[][2] = { { 20, 6 }, { 21, 7 }, { 33, 9 }, { 45, 17 } };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int w = sizes[k][0], h = sizes[k][1];
		for (int ascii = 0; ascii < 2; ascii++) {
			s.ascii = hs.ascii = ascii;
			grid_fill(g, 0, 0, 60, 30, '#', grid_style(0, 0));
			PlotFrame f;
			if (plot_draw(g, 7, 4, w, h, &s, ser, 2, &f, &e))
				fail_msg("%dx%d: %s", w, h, e.msg);
			assert_outside_untouched(g, 7, 4, w, h);
			assert_true(f.h >= 2 && f.w >= 4);
			assert_int_equal(cp_at(g, f.x - 1, f.y + f.h), ascii ? '+' : 0x2514);
			grid_fill(g, 0, 0, 60, 30, '#', grid_style(0, 0));
			if (heatmap_draw(g, 5, 2, w, h, &hs, &mat, NULL, &e))
				fail_msg("heatmap %dx%d: %s", w, h, e.msg);
			assert_outside_untouched(g, 5, 2, w, h);
		}
	}

	/* A rectangle hanging off the grid is clipped to it. */
	grid_fill(g, 0, 0, 60, 30, '#', grid_style(0, 0));
	assert_int_equal(plot_draw(g, 40, 20, 40, 20, &s, ser, 2, NULL, &e), 0);
	assert_outside_untouched(g, 40, 20, 20, 10);

	/* Bad arguments. */
	assert_int_equal(plot_draw(g, 0, 0, 40, 20, &s, ser, -1, NULL, &e), ERR_INVAL);
	PlotSeries bad = { "x", NULL, NULL, 3, 0 };
	assert_int_equal(plot_draw(g, 0, 0, 40, 20, &s, &bad, 1, NULL, &e), ERR_INVAL);
	assert_non_null(strstr(e.msg, "no y values"));
	HeatmapMatrix empty = { m, 0, 5, 5, 1 };
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 20, &hs, &empty, NULL, &e), ERR_INVAL);

	/* No data at all: axes and a note. */
	s = spec();
	assert_int_equal(plot_draw(g, 0, 0, 40, 12, &s, NULL, 0, NULL, &e), 0);
	int found = 0;
	for (int r = 0; r < 12; r++)
		found |= strstr(row(g, r), "(no data)") != NULL;
	assert_true(found);
	grid_free(g);
}

/* Random sizes, options and nasty data (huge, tiny, infinite, NaN, all
 * equal, negative on a log axis): never a crash, never a cell written
 * outside the rectangle, never a non-ASCII byte in ascii mode. */
static void assert_balanced(const char *s);

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static double rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (double)(rnd_state >> 11) / 9007199254740992.0;
}

static double nasty(void)
{
	static const double special[] = { NAN, INFINITY, -INFINITY, 0, -0.0, 1e300, -1e300,
					   1e-310, 5e-324, 1, -1, 1e-21 };
	if (rnd() < 0.2)
		return special[(int)(rnd() * 12)];
	return (rnd() - 0.3) * pow(10, (int)(rnd() * 40) - 20);
}

static void test_random_robustness(void **state)
{
	(void)state;
	Grid *g = new_grid(90, 50);
	double xs[3][64], ys[3][64];
	float m[30 * 30];
	for (int it = 0; it < 400; it++) {
		int w = (int)(rnd() * 80), h = (int)(rnd() * 40), x0 = (int)(rnd() * 10) - 2;
		int y0 = (int)(rnd() * 10) - 2;
		int clip_w = x0 < 0 ? w + x0 : w, clip_h = y0 < 0 ? h + y0 : h;
		PlotSeries ser[3];
		int ns = (int)(rnd() * 4);
		for (int k = 0; k < ns; k++) {
			int n = (int)(rnd() * 64);
			int constant = rnd() < 0.2, sorted = rnd() < 0.5;
			double c = nasty();
			for (int i = 0; i < n; i++) {
				xs[k][i] = sorted ? i * 1e6 : nasty();
				ys[k][i] = constant ? c : nasty();
			}
			ser[k].name = rnd() < 0.8 ? "series" : NULL;
			ser[k].x = rnd() < 0.5 ? xs[k] : NULL;
			ser[k].y = ys[k];
			ser[k].n = n;
			ser[k].color = (GridColor)(int)(rnd() * GRID_COLOR_COUNT);
		}
		PlotRef refs[2] = { { "r", nasty(), 0 }, { NULL, nasty(), GRID_BLUE } };
		PlotSpec s = spec();
		s.title = rnd() < 0.5 ? "a title" : NULL;
		s.xlabel = rnd() < 0.5 ? "x" : NULL;
		s.ylabel = rnd() < 0.5 ? "y label" : NULL;
		s.logy = rnd() < 0.4;
		s.ymin = rnd() < 0.3 ? nasty() : NAN;
		s.ymax = rnd() < 0.3 ? nasty() : NAN;
		s.refs = refs;
		s.nrefs = (int)(rnd() * 3);
		s.ascii = rnd() < 0.3;
		s.colors = (GridColors)(int)(rnd() * GRID_COLORS_COUNT);
		grid_fill(g, 0, 0, 90, 50, '#', grid_style(0, 0));
		Err e;
		int rc = plot_draw(g, x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, clip_w, clip_h, &s, ser, ns,
				   NULL, &e);
		assert_true(rc == 0 || rc == ERR_INVAL);
		assert_outside_untouched(g, x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, clip_w, clip_h);
		if (s.ascii) {
			for (int i = 0; i < 90 * 50; i++)
				assert_true(g->cell[i].cp < 0x80);
		}

		int R = 1 + (int)(rnd() * 30), C = 1 + (int)(rnd() * 30);
		for (int i = 0; i < R * C; i++)
			m[i] = (float)nasty();
		HeatmapSpec hs;
		heatmap_spec_init(&hs);
		hs.title = s.title;
		hs.xlabel = s.xlabel;
		hs.ylabel = s.ylabel;
		hs.scale = (HeatmapScale)(rnd() < 0.5);
		hs.vmin = rnd() < 0.3 ? nasty() : NAN;
		hs.vmax = rnd() < 0.3 ? nasty() : NAN;
		hs.ascii = s.ascii;
		hs.colors = s.colors;
		HeatmapMatrix mat = { m, R, C, C, 1 };
		grid_fill(g, 0, 0, 90, 50, '#', grid_style(0, 0));
		rc = heatmap_draw(g, x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, clip_w, clip_h, &hs, &mat,
				  NULL, &e);
		assert_true(rc == 0 || rc == ERR_INVAL);
		assert_outside_untouched(g, x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, clip_w, clip_h);
		if (hs.ascii) {
			for (int i = 0; i < 90 * 50; i++)
				assert_true(g->cell[i].cp < 0x80);
		}
		if (it % 20 == 0) {
			char *text;
			if (svg_plot(&text, NULL, &s, ser, ns, &e) == 0) {
				assert_balanced(text);
				free(text);
			}
			assert_int_equal(svg_heatmap(&text, NULL, &hs, &mat, &e), 0);
			assert_balanced(text);
			free(text);
		}
	}
	grid_free(g);
}

/* ---- SVG ----------------------------------------------------------------- */

/* Starts with <svg, every element closed in order, ends with </svg>. */
static void assert_balanced(const char *s)
{
	char stack[32][32];
	int sp = 0;
	assert_int_equal(strncmp(s, "<svg", 4), 0);
	for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		assert_non_null(end);
		if (p[1] == '/') {
			assert_true(sp > 0);
			sp--;
			size_t n = strlen(stack[sp]);
			if (strncmp(p + 2, stack[sp], n) != 0 || p[2 + n] != '>')
				fail_msg("</...> does not close <%s>", stack[sp]);
		} else if (end[-1] != '/') {
			size_t n = strcspn(p + 1, " \n>/");
			assert_true(n < 32 && sp < 32);
			memcpy(stack[sp], p + 1, n);
			stack[sp][n] = '\0';
			sp++;
		}
		/* no raw '<' inside a tag */
		assert_null(memchr(p + 1, '<', (size_t)(end - p - 1)));
	}
	assert_int_equal(sp, 0);
	assert_non_null(strstr(s, "</svg>"));
}

static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_svg(void **state)
{
	(void)state;
	int n = 5000;
	double *y = malloc((size_t)n * sizeof *y);
	assert_non_null(y);
	for (int i = 0; i < n; i++)
		y[i] = 2 * exp(-i / 800.0) + 0.05 * sin(i);
	double vx[3] = { 0, 2500, 4999 }, vy[3] = { 2, NAN, 0.3 };
	PlotSeries ser[2] = { { "train", NULL, y, n, 0 }, { "valid <&>", vx, vy, 3, 0 } };
	PlotRef ref = { "clip", 1, 0 };
	PlotSpec s = spec();
	s.title = "Loss \"curve\"";
	s.xlabel = "step";
	s.ylabel = "loss";
	s.refs = &ref;
	s.nrefs = 1;
	char *text;
	size_t len;
	Err e;
	assert_int_equal(svg_plot(&text, &len, &s, ser, 2, &e), 0);
	assert_int_equal(strlen(text), len);
	assert_balanced(text);
	assert_non_null(strstr(text, "<title>train</title>"));
	assert_non_null(strstr(text, "<title>valid &lt;&amp;&gt;</title>"));
	assert_non_null(strstr(text, "Loss &quot;curve&quot;"));
	assert_non_null(strstr(text, "stroke-dasharray"));
	assert_non_null(strstr(text, ">clip<"));
	/* One polyline for train; valid has a gap, so two (of one point each). */
	assert_int_equal(count(text, "<g class=\"series\">"), 2);
	assert_int_equal(count(text, "<polyline"), 3);
	/* 5000 points on 690 pixels are reduced to at most 4 a column. */
	assert_true(count(text, ",") < 4 * 700 + 100);
	free(text);

	s.logy = 1;
	s.colors = GRID_MONO;
	assert_int_equal(svg_plot(&text, &len, &s, ser, 2, &e), 0);
	assert_balanced(text);
	free(text);

	float m[3 * 5];
	for (int i = 0; i < 15; i++)
		m[i] = (float)i - 7;
	const char *rn[3] = { "x<1>", "y", "z" };
	HeatmapSpec hs;
	heatmap_spec_init(&hs);
	hs.scale = HEATMAP_DIVERGING;
	hs.title = "h";
	hs.row_names = rn;
	HeatmapMatrix mat = { m, 3, 5, 5, 1 };
	assert_int_equal(svg_heatmap(&text, &len, &hs, &mat, &e), 0);
	assert_balanced(text);
	assert_int_equal(count(text, "<rect"), 15 + 3);	/* cells, page, frame, bar */
	assert_non_null(strstr(text, "x&lt;1&gt;"));
	assert_non_null(strstr(text, "fill=\"#f7f7f7\""));	/* 0 is white */
	free(text);

	/* Files: written whole, or not at all. */
	char dir[] = "/tmp/test_plot.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/loss.svg", dir);
	assert_int_equal(svg_write_plot(path, &s, ser, 2, &e), 0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 1000);
	assert_int_equal(files_in(dir), 1);
	assert_int_equal(unlink(path), 0);

	snprintf(path, sizeof path, "%s/missing/loss.svg", dir);
	assert_int_equal(svg_write_plot(path, &s, ser, 2, &e), ERR_IO);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "No such file"));
	assert_int_equal(files_in(dir), 0);

	/* Renaming over a directory fails after the temp file was written:
	 * the temp file goes too. */
	snprintf(path, sizeof path, "%s/adir", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(svg_write_heatmap(path, &hs, &mat, &e), ERR_IO);
	assert_int_equal(files_in(dir), 1);
	assert_int_equal(files_in(path), 0);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(y);
}

/* The number after attr=" in the text from p on. */
static double attr_num(const char *p, const char *attr)
{
	char key[32];
	snprintf(key, sizeof key, " %s=\"", attr);
	const char *q = strstr(p, key);
	assert_non_null(q);
	return strtod(q + strlen(key), NULL);
}

/* A tick label's pixel position in an SVG plot: the <text> whose content is
 * label, with text-anchor "middle" (x ticks: its x) or "end" (y ticks: its
 * y, drawn 4 pixels below the tick). */
static double svg_tick(const char *svg, const char *anchor, const char *label)
{
	char want[64];
	snprintf(want, sizeof want, "text-anchor=\"%s\">%s</text>", anchor, label);
	const char *q = strstr(svg, want);
	assert_non_null(q);
	while (q > svg && strncmp(q, "<text", 5))
		q--;
	return !strcmp(anchor, "middle") ? attr_num(q, "x") : attr_num(q, "y") - 4;
}

/* Marks (where one update lands, the weights): on the text plot at the cell
 * of their data point, bold, in their colour, over the curve; not drawn
 * outside the axes; in the SVG a dot at the point the file's own tick
 * labels give, the letter beside it, the label its title. */
static void test_marks(void **state)
{
	(void)state;
	double x[5] = { -1, -0.5, 0, 0.5, 1 }, y[5] = { 4, 1, 0, 1, 4 };
	PlotSeries ser = { "loss", x, y, 5, 0 };
	const GridMark mk[3] = { { -0.5, 1, 'S', "plain step", GRID_RED },
				 { 0, 0, 'O', "here", GRID_YELLOW },
				 { 3, 1, 'X', "off the axes", GRID_BLUE } };
	PlotSpec s = spec();
	s.marks = mk;
	s.nmarks = 3;
	Grid *g = new_grid(60, 20);
	PlotFrame f;
	Err e;
	draw_ok(g, 0, 0, 60, 20, &s, &ser, 1, &f);
	for (int k = 0; k < 2; k++) {
		int dx, dy;
		assert_true(plot_frame_dot(&f, mk[k].x, mk[k].y, &dx, &dy));
		const GridCell *c = grid_at(g, f.x + dx / f.sx, f.y + dy / f.sy);
		assert_int_equal(c->cp, mk[k].glyph);
		assert_int_equal(c->st.fg, mk[k].color);
		assert_true(c->st.attr & GRID_BOLD);
	}
	int xs = 0;
	for (int yy = 0; yy < 20; yy++)
		for (int xx = 0; xx < 60; xx++)
			xs += cp_at(g, xx, yy) == 'X';
	assert_int_equal(xs, 0);
	/* without colour: the letter, bold, no colour */
	s.colors = GRID_MONO;
	draw_ok(g, 0, 0, 60, 20, &s, &ser, 1, &f);
	int dx, dy;
	assert_true(plot_frame_dot(&f, -0.5, 1, &dx, &dy));
	assert_int_equal(grid_at(g, f.x + dx / f.sx, f.y + dy / f.sy)->st.fg, GRID_DEFAULT);
	s.nmarks = -1;
	assert_int_equal(plot_draw(g, 0, 0, 60, 20, &s, &ser, 1, &f, &e), ERR_INVAL);

	/* SVG: each mark inside the axes is a dot where the ticks put it */
	s.colors = GRID_COLORS_8;
	s.nmarks = 3;
	char *text;
	assert_int_equal(svg_plot(&text, NULL, &s, &ser, 1, &e), 0);
	assert_balanced(text);
	assert_int_equal(count(text, "<g class=\"mark\">"), 2);
	const double x0 = svg_tick(text, "middle", "0.0"), x1 = svg_tick(text, "middle", "1.0");
	const double y0 = svg_tick(text, "end", "0"), y4 = svg_tick(text, "end", "4");
	const char *m = strstr(text, "<title>plain step</title>");
	assert_non_null(m);
	assert_true(fabs(attr_num(m, "cx") - (x0 + (x1 - x0) * -0.5)) < 0.06);
	assert_true(fabs(attr_num(m, "cy") - (y0 + (y4 - y0) * 0.25)) < 0.06);
	assert_non_null(strstr(m, "font-weight=\"bold\" fill=\"#222222\">S</text>"));
	m = strstr(text, "<title>here</title>");
	assert_non_null(m);
	assert_true(fabs(attr_num(m, "cx") - x0) < 0.06 && fabs(attr_num(m, "cy") - y0) < 0.06);
	assert_null(strstr(text, "off the axes"));
	free(text);

	/* A heatmap: the mark on its cell (the top left of the cell's block), and
	 * in the SVG at the cell's centre (cells of aw/C x ah/R pixels). */
	float v[4 * 6];
	for (int i = 0; i < 24; i++)
		v[i] = (float)i;
	HeatmapMatrix hm = { v, 4, 6, 6, 1 };
	HeatmapSpec hs;
	heatmap_spec_init(&hs);
	const GridMark hmk[2] = { { 4, 1, 'C', "clipped", GRID_WHITE }, { 6, 1, 'Z', "off the map", GRID_WHITE } };
	hs.marks = hmk;
	hs.nmarks = 2;
	HeatmapFrame hf;
	assert_int_equal(heatmap_draw(g, 0, 0, 60, 20, &hs, &hm, &hf, &e), 0);
	const GridCell *c = grid_at(g, hf.x + (4 / hf.fc) * hf.cw, hf.y + (1 / hf.fr) * hf.rh);
	assert_int_equal(c->cp, 'C');
	assert_true(c->st.fg == GRID_WHITE && c->st.bg == GRID_BLACK && (c->st.attr & GRID_BOLD));
	xs = 0;
	for (int yy = 0; yy < 20; yy++)
		for (int xx = 0; xx < 60; xx++)
			xs += cp_at(g, xx, yy) == 'Z';
	assert_int_equal(xs, 0);
	assert_int_equal(svg_heatmap(&text, NULL, &hs, &hm, &e), 0);
	assert_balanced(text);
	assert_int_equal(count(text, "<g class=\"mark\">"), 1);
	const char *fr = strstr(text, "fill=\"none\" stroke=\"#333333\"/>");	/* the map's frame */
	assert_non_null(fr);
	while (fr > text && strncmp(fr, "<rect", 5))
		fr--;
	const double ax = attr_num(fr, "x"), ay = attr_num(fr, "y"), aw = attr_num(fr, "width"), ah = attr_num(fr, "height");
	m = strstr(text, "<title>clipped</title>");
	assert_non_null(m);
	assert_true(fabs(attr_num(m, "cx") - (ax + 4.5 * aw / 6)) < 0.06);
	assert_true(fabs(attr_num(m, "cy") - (ay + 1.5 * ah / 4)) < 0.06);
	free(text);

	/* Fifteen long column names (the landscape's alphas): every k-th, never
	 * two closer than their width (7.5 pixels a character); a long title
	 * is set smaller so that it stays on the page. */
	float v15[2 * 15] = { 0 };
	char names[15][16];
	const char *cn[15];
	for (int j = 0; j < 15; j++) {
		snprintf(names[j], sizeof names[j], "%.3g", -0.05 + j / 140.0);
		cn[j] = names[j];
	}
	HeatmapMatrix m15 = { v15, 2, 15, 15, 1 };
	heatmap_spec_init(&hs);
	hs.col_names = cn;
	hs.title = "log10 loss on the plane of grad and random, 30 validation examples (step 3)";
	assert_int_equal(svg_heatmap(&text, NULL, &hs, &m15, &e), 0);
	double prev = -1e9, shown = 0;
	for (const char *q = text; (q = strstr(q, "text-anchor=\"middle\">")); q++) {
		const char *t = q;
		while (strncmp(t, "<text", 5))
			t--;
		const double xx = attr_num(t, "x");
		assert_true(xx - prev >= 7.5 * 8);	/* "-0.00714" is the widest */
		prev = xx;
		shown++;
	}
	assert_true(shown >= 4);
	assert_non_null(strstr(text, "-0.05</text>"));
	const char *ti = strstr(text, "font-weight=\"bold\">log10 loss");
	assert_non_null(ti);
	while (strncmp(ti, "<text", 5))
		ti--;
	const double size = attr_num(ti, "font-size");
	assert_true(size < 18 && 0.62 * size * strlen(hs.title) <= SVG_W - 40 + 1e-6);
	free(text);
	grid_free(g);
}

/* The plane: well-formed, text escaped, a non-finite point breaks its
 * path, the paths may not claim more points than there are. */
static void test_svg_plane(void **state)
{
	(void)state;
	double re[7] = { 0, 0.5, NAN, 1, -1, 2, 0 }, im[7] = { 0, 0.5, 0, -1, 1, 0, 3 };
	int paths[2] = { 4, 3 };
	const char *names[2] = { "a<b>", "c&d" };
	CplaneSpec s = { .title = "\"plane\" <1>", .note = "radius 2  &", .colors = GRID_COLORS_8, .paths = paths,
			 .npaths = 2, .names = names };
	char *text;
	size_t len;
	Err e;
	assert_int_equal(svg_cplane(&text, &len, &s, re, im, 7, &e), 0);
	assert_int_equal(strlen(text), len);
	assert_balanced(text);
	assert_non_null(strstr(text, "&quot;plane&quot; &lt;1&gt;"));
	assert_non_null(strstr(text, "radius 2  &amp;"));
	assert_non_null(strstr(text, "<title>a&lt;b&gt;</title>") && strstr(text, "<title>c&amp;d</title>"));
	assert_int_equal(count(text, "<g class=\"path\">"), 2);
	assert_int_equal(count(text, "<polyline"), 3);	/* the NaN splits the first path */
	assert_int_equal(count(text, "<circle class=\"start\""), 2);
	assert_null(strstr(text, "class=\"unit\""));
	/* 3 (largest coordinate) * 1.1 rounds up to 4: the ticks */
	assert_non_null(strstr(text, ">-4</text>") && strstr(text, ">2</text>") && strstr(text, ">4</text>"));
	free(text);

	s.paths = NULL;	/* loose points, the unit circle, mono */
	s.circle = 1;
	s.colors = GRID_MONO;
	re[2] = 0.2;
	assert_int_equal(svg_cplane(&text, &len, &s, re, im, 7, &e), 0);
	assert_balanced(text);
	assert_int_equal(count(text, "<circle class=\"point\""), 7);
	assert_int_equal(count(text, "<circle class=\"unit\""), 1);
	free(text);

	paths[1] = 4;	/* 8 points claimed of 7 */
	s.paths = paths;
	assert_int_equal(svg_cplane(&text, &len, &s, re, im, 7, &e), ERR_INVAL);
	assert_int_equal(svg_cplane(&text, &len, &s, NULL, im, 7, &e), ERR_INVAL);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_basics),
		cmocka_unit_test(test_braille_lines),
		cmocka_unit_test(test_constant_series),
		cmocka_unit_test(test_log_axis),
		cmocka_unit_test(test_number_format),
		cmocka_unit_test(test_tick_rows_even),
		cmocka_unit_test(test_tick_labels_short_plot),
		cmocka_unit_test(test_nan_gaps),
		cmocka_unit_test(test_downsampling_keeps_extremes),
		cmocka_unit_test(test_reference_line),
		cmocka_unit_test(test_legend_and_patterns),
		cmocka_unit_test(test_ascii_only),
		cmocka_unit_test(test_heatmap_2x2),
		cmocka_unit_test(test_heatmap_pooling),
		cmocka_unit_test(test_heatmap_labels),
		cmocka_unit_test(test_rectangles),
		cmocka_unit_test(test_random_robustness),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_svg_plane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
