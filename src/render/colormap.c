/* colormap.c — viridis and RdBu, OKLab, the xterm palette and its nearest
 * colours, the eight-colour and shade looks, the Okabe-Ito series. */
#include "colormap.h"

#include <math.h>
#include <stddef.h>

const char *const colormap_names[COLORMAP_KIND_COUNT] = {
	[COLORMAP_SEQUENTIAL] = "viridis",
	[COLORMAP_DIVERGING]  = "RdBu",
};

/* viridis at t = k/32, k = 0..32: matplotlib's 256-entry table (CC0)
 * interpolated at those points and rounded to 8 bits.  Linear between
 * them it is within 2/255 of the full table everywhere. */
static const uint32_t viridis[] = {
	0x440154, 0x470d60, 0x48186a, 0x482374, 0x472d7b, 0x453681, 0x424086, 0x3f4989,
	0x3b528b, 0x375a8d, 0x33638d, 0x2f6a8e, 0x2c728e, 0x297a8e, 0x26818e, 0x23898e,
	0x21908c, 0x1f988b, 0x1f9f88, 0x21a685, 0x28ae80, 0x31b57b, 0x3ebc74, 0x4cc26c,
	0x5dc963, 0x6ece58, 0x82d34c, 0x96d83f, 0xabdc32, 0xc0df24, 0xd5e21a, 0xeae51a,
	0xfde725,
};

/* ColorBrewer RdBu, 9 classes (Cynthia Brewer, colorbrewer2.org), from
 * blue (t = 0) to red (t = 1).  The 11-class ends (#053061, #67001f) are
 * left out: on a dark terminal they sink into the background, and the
 * darkest blue's nearest xterm colour is a grey. */
static const uint32_t rdbu[] = {
	0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b,
};

/* Okabe and Ito (2008), "Color Universal Design", without its black. */
static const uint32_t okabe_ito[COLORMAP_SERIES] = {
	0x56b4e9,	/* sky blue */
	0xe69f00,	/* orange */
	0x009e73,	/* bluish green */
	0xd55e00,	/* vermillion */
	0xcc79a7,	/* reddish purple */
	0x0072b2,	/* blue */
	0xf0e442,	/* yellow */
};
/* Their nearest xterm colours in OKLab (test_colormap checks them against
 * colormap_xterm and against values computed apart with numpy). */
static const uint8_t okabe_ito_xterm[COLORMAP_SERIES] = { 74, 178, 36, 166, 175, 25, 220 };
/* ... and in eight colours, one each (orange and yellow both nearest
 * yellow: yellow gets white). */
static const GridColor okabe_ito_ansi[COLORMAP_SERIES] = {
	GRID_CYAN, GRID_YELLOW, GRID_GREEN, GRID_RED, GRID_MAGENTA, GRID_BLUE, GRID_WHITE,
};

/* xterm's default colours 0..15. */
static const uint32_t xterm16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

#define COUNT(a) (int)(sizeof (a) / sizeof (a)[0])

static uint32_t ramp(const uint32_t *stops, int n, double t)
{
	t = !(t > 0) ? 0 : t > 1 ? 1 : t;
	double f = t * (n - 1);
	int i = (int)f;
	if (i >= n - 1)
		return stops[n - 1];
	f -= i;
	uint32_t c = 0;
	for (int sh = 16; sh >= 0; sh -= 8) {
		double a = (stops[i] >> sh) & 0xff, z = (stops[i + 1] >> sh) & 0xff;
		c |= (uint32_t)floor(a + (z - a) * f + 0.5) << sh;
	}
	return c;
}

uint32_t colormap_rgb(ColormapKind k, double t)
{
	return k == COLORMAP_DIVERGING ? ramp(rdbu, COUNT(rdbu), t) : ramp(viridis, COUNT(viridis), t);
}

/* An sRGB channel (0..255) as linear light. */
static double srgb_linear(unsigned v)
{
	double c = v / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

void colormap_oklab(uint32_t rgb, double lab[3])
{
	/* linear sRGB -> LMS -> cube root -> Lab, Ottosson's matrices */
	double r = srgb_linear((rgb >> 16) & 0xff), g = srgb_linear((rgb >> 8) & 0xff), b = srgb_linear(rgb & 0xff);
	double l = cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
	double m = cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
	double s = cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
	lab[0] = 0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s;
	lab[1] = 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s;
	lab[2] = 0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s;
}

uint32_t colormap_xterm_rgb(int i)
{
	static const unsigned level[6] = { 0, 95, 135, 175, 215, 255 };
	if (i < 0 || i > 255)
		return 0;
	if (i < 16)
		return xterm16[i];
	if (i >= 232) {
		unsigned v = 8 + 10 * (unsigned)(i - 232);
		return v << 16 | v << 8 | v;
	}
	int k = i - 16;
	return level[k / 36] << 16 | level[k / 6 % 6] << 8 | level[k % 6];
}

void colormap_palette_init(ColormapPalette *p)
{
	for (int i = 16; i < 256; i++)
		colormap_oklab(colormap_xterm_rgb(i), p->lab[i - 16]);
}

static double dist2(const double *a, const double *b)
{
	double d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
	return d0 * d0 + d1 * d1 + d2 * d2;
}

int colormap_palette_nearest(const ColormapPalette *p, uint32_t rgb)
{
	double q[3];
	colormap_oklab(rgb, q);
	int best = 0;
	double bd = INFINITY;
	for (int i = 0; i < 240; i++) {
		double d = dist2(q, p->lab[i]);
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return 16 + best;
}

int colormap_xterm(uint32_t rgb)
{
	ColormapPalette p;
	colormap_palette_init(&p);
	return colormap_palette_nearest(&p, rgb);
}

GridColor colormap_ansi(uint32_t rgb)
{
	double q[3], c[3];
	colormap_oklab(rgb, q);
	GridColor best = GRID_BLACK;
	double bd = INFINITY;
	for (int i = 0; i < 8; i++) {
		colormap_oklab(xterm16[i], c);
		double d = dist2(q, c);
		if (d < bd) {
			bd = d;
			best = (GridColor)(GRID_BLACK + i);
		}
	}
	return best;
}

uint32_t colormap_style_rgb(uint32_t c, uint32_t dflt)
{
	if (GRID_IS_RGB(c))
		return GRID_RGB_VALUE(c);
	if (GRID_IS_XTERM(c))
		return colormap_xterm_rgb(GRID_XTERM_INDEX(c));
	if (c >= GRID_BLACK && c <= GRID_WHITE)
		return xterm16[c - GRID_BLACK];
	return dflt;
}

/* ---- looks ---- */

enum {
	CH_LIGHT  = 0x2591,	/* ░ */
	CH_MEDIUM = 0x2592,	/* ▒ */
	CH_DARK   = 0x2593,	/* ▓ */
	CH_FULL   = 0x2588,	/* █ */
};

#define TRUE_LEVELS 65

static const uint32_t shades[] = { ' ', CH_LIGHT, CH_MEDIUM, CH_DARK, CH_FULL };
static const char ascii_ramp[] = " .:-=+*#%@";

/* One level of an eight-colour map: a character in fg on bg; a blend
 * character mixes the two (▒ half and half, ░ a quarter fg, ▓ three). */
typedef struct Look {
	uint32_t cp;
	uint8_t fg, bg;
} Look;

/* viridis in eight colours: blank, blue, cyan, green, yellow and the
 * halves between them (dark purple-blue, teal, green, yellow). */
static const Look seq8[] = {
	{ ' ', GRID_DEFAULT, GRID_DEFAULT },
	{ CH_MEDIUM, GRID_BLUE, GRID_DEFAULT },
	{ ' ', GRID_DEFAULT, GRID_BLUE },
	{ CH_MEDIUM, GRID_CYAN, GRID_BLUE },
	{ ' ', GRID_DEFAULT, GRID_CYAN },
	{ CH_MEDIUM, GRID_GREEN, GRID_CYAN },
	{ ' ', GRID_DEFAULT, GRID_GREEN },
	{ CH_MEDIUM, GRID_YELLOW, GRID_GREEN },
	{ ' ', GRID_DEFAULT, GRID_YELLOW },
};

/* RdBu in eight colours: blue, blue blended into white in three steps,
 * white at zero, then the same towards red: the tint is the size, the
 * hue the sign, as in the full map. */
static const Look div8[] = {
	{ ' ', GRID_DEFAULT, GRID_BLUE },
	{ CH_DARK, GRID_BLUE, GRID_WHITE },
	{ CH_MEDIUM, GRID_BLUE, GRID_WHITE },
	{ CH_LIGHT, GRID_BLUE, GRID_WHITE },
	{ ' ', GRID_DEFAULT, GRID_WHITE },
	{ CH_LIGHT, GRID_RED, GRID_WHITE },
	{ CH_MEDIUM, GRID_RED, GRID_WHITE },
	{ CH_DARK, GRID_RED, GRID_WHITE },
	{ ' ', GRID_DEFAULT, GRID_RED },
};

int colormap_levels(ColormapKind k, GridColors mode, int ascii)
{
	switch (mode) {
	case GRID_COLORS_TRUE:
	case GRID_COLORS_256:
		return TRUE_LEVELS;
	case GRID_COLORS_8:
		return k == COLORMAP_DIVERGING ? COUNT(div8) : COUNT(seq8);
	default:
		return ascii ? COUNT(ascii_ramp) - 1 : COUNT(shades);
	}
}

void colormap_look(ColormapKind k, GridColors mode, int ascii, int level, const ColormapPalette *pal,
		   uint32_t *cp, Style *st)
{
	const int L = colormap_levels(k, mode, ascii);
	level = level < 0 ? 0 : level >= L ? L - 1 : level;
	*st = grid_style(GRID_DEFAULT, 0);
	if (mode == GRID_COLORS_TRUE || mode == GRID_COLORS_256) {
		uint32_t rgb = colormap_rgb(k, (double)level / (L - 1));
		*cp = ' ';
		st->bg = mode == GRID_COLORS_TRUE ? GRID_RGB(rgb) :
			GRID_XTERM(pal ? colormap_palette_nearest(pal, rgb) : colormap_xterm(rgb));
	} else if (mode == GRID_COLORS_8) {
		const Look *l = k == COLORMAP_DIVERGING ? &div8[level] : &seq8[level];
		*cp = ascii ? (uint32_t)grid_ascii(l->cp) : l->cp;
		st->fg = l->fg;
		st->bg = l->bg;
	} else {
		*cp = ascii ? (uint32_t)ascii_ramp[level] : shades[level];
	}
}

/* ---- series ---- */

static int series_index(int k)
{
	return (k % COLORMAP_SERIES + COLORMAP_SERIES) % COLORMAP_SERIES;
}

uint32_t colormap_series_rgb(int k)
{
	return okabe_ito[series_index(k)];
}

uint32_t colormap_series(int k, GridColors mode)
{
	int i = series_index(k);
	switch (mode) {
	case GRID_COLORS_TRUE:
		return GRID_RGB(okabe_ito[i]);
	case GRID_COLORS_256:
		return GRID_XTERM(okabe_ito_xterm[i]);
	case GRID_COLORS_8:
		return okabe_ito_ansi[i];
	default:
		return GRID_DEFAULT;
	}
}
