/* test_colormap.c — the colour maps and palettes of colormap.h: viridis
 * rises in lightness all the way, RdBu is white at zero and symmetric, the
 * 256-colour choices are the nearest in OKLab (checked against values
 * numpy computed apart: tests/gen_colormap_refs.py), the eight-colour and
 * shade looks keep their order, the series palette is Okabe-Ito in every
 * mode; and the 24-bit SGR escapes grid.c writes for them.
 */
#include "testutil.h"

#include "colormap.h"
#include "grid.h"
#include "heatmap.h"
#include "plot.h"

static double lightness(uint32_t rgb)
{
	double lab[3];
	colormap_oklab(rgb, lab);
	return lab[0];
}

static int channel_diff(uint32_t a, uint32_t b)
{
	int worst = 0;
	for (int sh = 0; sh <= 16; sh += 8) {
		int d = abs((int)((a >> sh) & 0xff) - (int)((b >> sh) & 0xff));
		worst = d > worst ? d : worst;
	}
	return worst;
}

static void test_viridis(void **state)
{
	(void)state;
	/* matplotlib's _viridis_data entries 0, 128 and 255, times 255 and
	 * rounded: (0.267004, 0.004874, 0.329415), (0.127568, 0.566949,
	 * 0.550556) at t = 128/255, (0.993248, 0.906157, 0.143936). */
	assert_int_equal(colormap_rgb(COLORMAP_SEQUENTIAL, 0), 0x440154);
	assert_int_equal(colormap_rgb(COLORMAP_SEQUENTIAL, 1), 0xfde725);
	assert_true(channel_diff(colormap_rgb(COLORMAP_SEQUENTIAL, 128 / 255.0), 0x21918c) <= 2);
	/* clamped, NaN as 0 */
	assert_int_equal(colormap_rgb(COLORMAP_SEQUENTIAL, -3), 0x440154);
	assert_int_equal(colormap_rgb(COLORMAP_SEQUENTIAL, 7), 0xfde725);
	assert_int_equal(colormap_rgb(COLORMAP_SEQUENTIAL, NAN), 0x440154);
	/* lightness never falls by more than rounding to 8 bits can make it
	 * (colours 1/256 apart may be equal, or a hair apart either way), and
	 * rises strictly from one 1/64 to the next */
	double prev = -1, prev64 = -1;
	for (int i = 0; i <= 256; i++) {
		double L = lightness(colormap_rgb(COLORMAP_SEQUENTIAL, i / 256.0));
		if (!(L >= prev - 0.001))
			fail_msg("viridis lightness falls at t = %d/256: %g after %g", i, L, prev);
		if (i % 4 == 0 && !(L > prev64))
			fail_msg("viridis lightness does not rise by t = %d/256: %g after %g", i, L, prev64);
		prev = L;
		prev64 = i % 4 == 0 ? L : prev64;
	}
	/* from dark to light: most of the range */
	assert_true(lightness(0x440154) < 0.3 && lightness(0xfde725) > 0.9);
}

static void test_rdbu(void **state)
{
	(void)state;
	/* ColorBrewer RdBu (9): blue at -1, white at 0, red at +1 */
	assert_int_equal(colormap_rgb(COLORMAP_DIVERGING, 0), 0x2166ac);
	assert_int_equal(colormap_rgb(COLORMAP_DIVERGING, 0.5), 0xf7f7f7);
	assert_int_equal(colormap_rgb(COLORMAP_DIVERGING, 1), 0xb2182b);
	assert_int_equal(colormap_rgb(COLORMAP_DIVERGING, 0.25), 0x92c5de);
	assert_int_equal(colormap_rgb(COLORMAP_DIVERGING, 0.75), 0xf4a582);
	double Lmid = lightness(0xf7f7f7), prev_lo = Lmid, prev_hi = Lmid;
	for (int i = 1; i <= 128; i++) {
		double d = i / 256.0;
		uint32_t lo = colormap_rgb(COLORMAP_DIVERGING, 0.5 - d), hi = colormap_rgb(COLORMAP_DIVERGING, 0.5 + d);
		double Llo = lightness(lo), Lhi = lightness(hi), a[3], b[3];
		/* symmetric: equally light at equal distances from zero */
		if (fabs(Llo - Lhi) > 0.02)
			fail_msg("RdBu at 0.5 -+ %g: lightness %g and %g", d, Llo, Lhi);
		/* darker the further from zero, on both arms */
		if (!(Llo <= prev_lo + 1e-12 && Lhi <= prev_hi + 1e-12))
			fail_msg("RdBu lightness rises away from zero at %g", d);
		prev_lo = Llo;
		prev_hi = Lhi;
		/* the sign is the hue: blue (b < 0) below, red (a > 0) above */
		colormap_oklab(lo, a);
		colormap_oklab(hi, b);
		assert_true(a[2] < 0 && b[1] > 0);
	}
	assert_true(Lmid - prev_lo > 0.4 && Lmid - prev_hi > 0.4);
}

static void test_oklab(void **state)
{
	(void)state;
	/* numpy (tests/gen_colormap_refs.py): L, a, b */
	static const struct { uint32_t rgb; double lab[3]; } ref[] = {
		{ 0xff0000, { 0.627955, 0.224863, 0.125846 } },
		{ 0x00ff00, { 0.866440, -0.233888, 0.179498 } },
		{ 0x0000ff, { 0.452014, -0.032457, -0.311528 } },
		{ 0xffffff, { 1.000000, 0.000000, 0.000000 } },
		{ 0x808080, { 0.599871, 0.000000, 0.000000 } },
		{ 0x56b4e9, { 0.734520, -0.065333, -0.097509 } },
	};
	for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
		double lab[3];
		colormap_oklab(ref[i].rgb, lab);
		for (int k = 0; k < 3; k++)
			if (fabs(lab[k] - ref[i].lab[k]) > 2e-6)
				fail_msg("OKLab of 0x%06x [%d]: %.6f, numpy %.6f", ref[i].rgb, k, lab[k], ref[i].lab[k]);
	}
}

static void test_xterm_palette(void **state)
{
	(void)state;
	assert_int_equal(colormap_xterm_rgb(16), 0x000000);
	assert_int_equal(colormap_xterm_rgb(17), 0x00005f);
	assert_int_equal(colormap_xterm_rgb(196), 0xff0000);
	assert_int_equal(colormap_xterm_rgb(231), 0xffffff);
	assert_int_equal(colormap_xterm_rgb(232), 0x080808);
	assert_int_equal(colormap_xterm_rgb(255), 0xeeeeee);
	assert_int_equal(colormap_xterm_rgb(1), 0xcd0000);
	for (int i = 16; i < 256; i++)	/* a palette colour is its own nearest */
		if (colormap_xterm(colormap_xterm_rgb(i)) != i &&
		    colormap_xterm_rgb(colormap_xterm(colormap_xterm_rgb(i))) != colormap_xterm_rgb(i))
			fail_msg("xterm %d is not its own nearest colour", i);
}

/* Nearest xterm colours in OKLab, from numpy (tests/gen_colormap_refs.py,
 * brute force over 16..255); in brackets the nearest in RGB where it
 * differs, which would be wrong here. */
static void test_xterm_nearest(void **state)
{
	(void)state;
	static const struct { uint32_t rgb; int want; } ref[] = {
		{ 0x440154, 53 }, { 0x3b528b, 24 /* RGB: 60 */ }, { 0x21908c, 30 }, { 0x5dc963, 77 },
		{ 0xfde725, 220 }, { 0x2166ac, 25 }, { 0x4393c3, 67 }, { 0x92c5de, 116 },
		{ 0xd1e5f0, 254 /* RGB: 189 */ }, { 0xf7f7f7, 231 }, { 0xfddbc7, 224 }, { 0xf4a582, 216 },
		{ 0xd6604d, 167 }, { 0xb2182b, 124 }, { 0x56b4e9, 74 }, { 0xe69f00, 178 },
		{ 0x009e73, 36 /* RGB: 35 */ }, { 0xd55e00, 166 }, { 0xcc79a7, 175 }, { 0x0072b2, 25 },
		{ 0xf0e442, 220 /* RGB: 221 */ },
	};
	ColormapPalette pal;
	colormap_palette_init(&pal);
	for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
		int got = colormap_palette_nearest(&pal, ref[i].rgb);
		if (got != ref[i].want || colormap_xterm(ref[i].rgb) != got)
			fail_msg("nearest xterm colour of 0x%06x: %d, numpy %d", ref[i].rgb, got, ref[i].want);
	}
	/* the eight ANSI colours (numpy likewise) */
	assert_int_equal(colormap_ansi(0x000000), GRID_BLACK);
	assert_int_equal(colormap_ansi(0xffffff), GRID_WHITE);
	assert_int_equal(colormap_ansi(0xff0000), GRID_RED);
	assert_int_equal(colormap_ansi(0x56b4e9), GRID_CYAN);
	assert_int_equal(colormap_ansi(0xe69f00), GRID_YELLOW);
	assert_int_equal(colormap_ansi(0x440154), GRID_BLUE);
}

/* The 65 levels of each map in 256 colours, as runs of one colour: numpy's
 * nearest colours of the same ramps (gen_colormap_refs.py). */
static void test_ramps_256(void **state)
{
	(void)state;
	static const int seq[] = { 53, 54, 24, 30, 36, 71, 42, 77, 113, 148, 184, 220 };
	static const int div[] = { 25, 31, 67, 74, 110, 116, 152, 188, 253, 254, 255, 231,
				   255, 224, 223, 216, 209, 173, 167, 160, 124 };
	const struct { ColormapKind k; const int *want; int n; } maps[] = {
		{ COLORMAP_SEQUENTIAL, seq, (int)(sizeof seq / sizeof *seq) },
		{ COLORMAP_DIVERGING, div, (int)(sizeof div / sizeof *div) },
	};
	for (int m = 0; m < 2; m++) {
		const int L = colormap_levels(maps[m].k, GRID_COLORS_256, 0);
		assert_int_equal(L, 65);
		int runs[65], n = 0;
		double prevL = -1;
		for (int k = 0; k < L; k++) {
			uint32_t cp;
			Style st;
			colormap_look(maps[m].k, GRID_COLORS_256, 0, k, NULL, &cp, &st);
			assert_int_equal(cp, ' ');
			assert_true(GRID_IS_XTERM(st.bg));
			int i = GRID_XTERM_INDEX(st.bg);
			if (!n || runs[n - 1] != i)
				runs[n++] = i;
			/* viridis stays ordered through the palette: lightness never falls */
			double Li = lightness(colormap_xterm_rgb(i));
			if (maps[m].k == COLORMAP_SEQUENTIAL && Li < prevL)
				fail_msg("viridis in 256 colours: level %d (xterm %d) darker than the one before", k, i);
			prevL = Li;
		}
		assert_int_equal(n, maps[m].n);
		for (int i = 0; i < n; i++)
			if (runs[i] != maps[m].want[i])
				fail_msg("%s run %d: xterm %d, numpy %d", colormap_names[maps[m].k], i, runs[i], maps[m].want[i]);
	}
	/* 24-bit: the map itself, its middle level exactly white */
	uint32_t cp;
	Style st;
	colormap_look(COLORMAP_DIVERGING, GRID_COLORS_TRUE, 0, 32, NULL, &cp, &st);
	assert_int_equal(st.bg, GRID_RGB(0xf7f7f7));
	colormap_look(COLORMAP_SEQUENTIAL, GRID_COLORS_TRUE, 1, 64, NULL, &cp, &st);
	assert_int_equal(cp, ' ');
	assert_int_equal(st.bg, GRID_RGB(0xfde725));
}

/* Eight colours: viridis's hues in order, RdBu blue-white-red and
 * symmetric; shades by density. */
static void test_looks_8_and_shades(void **state)
{
	(void)state;
	static const uint32_t want_bg[9] = { GRID_DEFAULT, GRID_DEFAULT, GRID_BLUE, GRID_BLUE, GRID_CYAN,
					     GRID_CYAN, GRID_GREEN, GRID_GREEN, GRID_YELLOW };
	assert_int_equal(colormap_levels(COLORMAP_SEQUENTIAL, GRID_COLORS_8, 0), 9);
	for (int k = 0; k < 9; k++) {
		uint32_t cp;
		Style st;
		colormap_look(COLORMAP_SEQUENTIAL, GRID_COLORS_8, 0, k, NULL, &cp, &st);
		assert_int_equal(st.bg, want_bg[k]);
		assert_int_equal(cp, k % 2 ? 0x2592 : ' ');
	}
	for (int k = 0; k < 9; k++) {
		uint32_t a, b;
		Style sa, sb;
		colormap_look(COLORMAP_DIVERGING, GRID_COLORS_8, 0, k, NULL, &a, &sa);
		colormap_look(COLORMAP_DIVERGING, GRID_COLORS_8, 0, 8 - k, NULL, &b, &sb);
		assert_int_equal(a, b);	/* the same blend, mirrored */
		if (k < 4) {
			assert_true(sa.fg == GRID_BLUE || sa.bg == GRID_BLUE);
			assert_true(sb.fg == GRID_RED || sb.bg == GRID_RED);
		} else if (k == 4) {
			assert_true(a == ' ' && sa.bg == GRID_WHITE);
		}
	}
	uint32_t cp;
	Style st;
	colormap_look(COLORMAP_DIVERGING, GRID_COLORS_8, 1, 1, NULL, &cp, &st);
	assert_int_equal(cp, '#');
	static const uint32_t shade[5] = { ' ', 0x2591, 0x2592, 0x2593, 0x2588 };
	for (int k = 0; k < 5; k++) {
		colormap_look(COLORMAP_DIVERGING, GRID_MONO, 0, k, NULL, &cp, &st);
		assert_int_equal(cp, shade[k]);
		assert_true(st.fg == GRID_DEFAULT && st.bg == GRID_DEFAULT);
	}
	colormap_look(COLORMAP_SEQUENTIAL, GRID_MONO, 1, 9, NULL, &cp, &st);
	assert_int_equal(cp, '@');
}

static void test_series(void **state)
{
	(void)state;
	static const uint32_t okabe[7] = { 0x56b4e9, 0xe69f00, 0x009e73, 0xd55e00, 0xcc79a7, 0x0072b2, 0xf0e442 };
	for (int k = 0; k < 9; k++) {
		uint32_t rgb = okabe[k % 7];
		assert_int_equal(colormap_series_rgb(k), rgb);
		assert_int_equal(colormap_series(k, GRID_COLORS_TRUE), GRID_RGB(rgb));
		assert_int_equal(colormap_series(k, GRID_COLORS_256), GRID_XTERM(colormap_xterm(rgb)));
		assert_int_equal(colormap_series(k, GRID_MONO), GRID_DEFAULT);
		/* a plot's default series colour is the palette's */
		assert_int_equal(plot_ink(GRID_COLORS_TRUE, GRID_DEFAULT, k), GRID_RGB(rgb));
		assert_int_equal(plot_ink(GRID_COLORS_256, plot_series_color(k), 0), colormap_series(k, GRID_COLORS_256));
	}
	/* eight colours: seven different ones */
	for (int i = 0; i < 7; i++)
		for (int j = 0; j < i; j++)
			assert_int_not_equal(colormap_series(i, GRID_COLORS_8), colormap_series(j, GRID_COLORS_8));
	assert_int_equal(colormap_series(0, GRID_COLORS_8), GRID_CYAN);
	assert_int_equal(colormap_series(1, GRID_COLORS_8), GRID_YELLOW);
	/* an explicit colour stays itself, but not without colour */
	assert_int_equal(plot_ink(GRID_COLORS_256, GRID_GREEN, 3), GRID_GREEN);
	assert_int_equal(plot_ink(GRID_MONO, GRID_GREEN, 3), GRID_DEFAULT);
}

/* The escapes for 24-bit and 256 colours, and a heatmap drawn in each. */
static void test_escapes(void **state)
{
	(void)state;
	char seq[GRID_SGR_MAX];
	Style st = { GRID_RGB(0x56b4e9), GRID_RGB(0x0a0b0c), GRID_BOLD };
	assert_int_equal(grid_sgr(st, seq), strlen("\x1b[0;1;38;2;86;180;233;48;2;10;11;12m"));
	assert_string_equal(seq, "\x1b[0;1;38;2;86;180;233;48;2;10;11;12m");
	st = (Style){ GRID_DEFAULT, GRID_XTERM(220), 0 };
	grid_sgr(st, seq);
	assert_string_equal(seq, "\x1b[0;48;5;220m");
	/* an RGB colour whose bits look like an xterm index is still RGB */
	assert_false(GRID_IS_XTERM(GRID_RGB(0x000100)));
	assert_true(GRID_IS_XTERM(GRID_XTERM(0)));

	float v[2] = { 0, 1 };
	HeatmapMatrix m = { v, 1, 2, 2, 1 };
	HeatmapSpec s;
	heatmap_spec_init(&s);
	s.vmin = 0;
	s.vmax = 1;
	Err e;
	Grid *g = grid_new(40, 8, &e);
	HeatmapFrame f;
	s.colors = GRID_COLORS_TRUE;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 8, &s, &m, &f, &e), 0);
	assert_int_equal(grid_at(g, f.x, f.y)->st.bg, GRID_RGB(0x440154));
	assert_int_equal(grid_at(g, f.x + f.cw, f.y)->st.bg, GRID_RGB(0xfde725));
	char row[1024];
	grid_row_utf8(g, f.y, row, sizeof row, GRID_OUT_ANSI);
	assert_non_null(strstr(row, "\x1b[0;48;2;68;1;84m "));
	assert_non_null(strstr(row, "\x1b[0;48;2;253;231;37m "));
	s.colors = GRID_COLORS_256;
	assert_int_equal(heatmap_draw(g, 0, 0, 40, 8, &s, &m, &f, &e), 0);
	grid_row_utf8(g, f.y, row, sizeof row, GRID_OUT_ANSI);
	assert_non_null(strstr(row, "\x1b[0;48;5;53m "));
	assert_non_null(strstr(row, "\x1b[0;48;5;220m "));
	/* the legend in the header row is the map: its ends at the ends */
	int left = -1, right = -1;
	for (int x = 0; x < 40; x++) {
		const GridCell *c = grid_at(g, x, f.y - 1);
		if (GRID_IS_XTERM(c->st.bg)) {
			right = x;
			if (left < 0)
				left = x;
		}
	}
	assert_true(left >= 0 && right - left >= 9);
	assert_int_equal(grid_at(g, left, f.y - 1)->st.bg, GRID_XTERM(53));
	assert_int_equal(grid_at(g, right, f.y - 1)->st.bg, GRID_XTERM(220));
	grid_free(g);
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_viridis),
		cmocka_unit_test(test_rdbu),
		cmocka_unit_test(test_oklab),
		cmocka_unit_test(test_xterm_palette),
		cmocka_unit_test(test_xterm_nearest),
		cmocka_unit_test(test_ramps_256),
		cmocka_unit_test(test_looks_8_and_shades),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
