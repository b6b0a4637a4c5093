/* colormap.h — colour maps and palettes as pure functions.
 *
 * Two maps, chosen so that equal steps in value look like equal steps:
 *   COLORMAP_SEQUENTIAL  viridis (van der Walt, Smith and Firing; CC0) for
 *                        values in [0, 1] (gates, saturation, attention):
 *                        dark purple through teal to yellow, its lightness
 *                        rising all the way, readable without colour vision;
 *   COLORMAP_DIVERGING   ColorBrewer's RdBu, 9 classes, blue - white - red,
 *                        for signed values (g, c_t, h_t, gradients): t = 0.5
 *                        (value 0) is white, the two arms equally dark at
 *                        equal distances, blue below, red above.
 * Both are piecewise linear in sRGB between their published stops.
 *
 * Each map has a look per colour mode (GridColors): 24-bit colour; the
 * nearest colour of the xterm 256-colour palette, nearest in OKLab (a
 * perceptual space: Euclidean distance there follows what the eye sees,
 * distance in RGB does not); a designed ramp in the eight ANSI colours
 * (blend characters mixing two neighbours); and, without colour, shade
 * characters whose density is the value.
 *
 * Line series take the Okabe-Ito palette, which stays distinct under the
 * common forms of colour blindness (black left out: it is the terminal's
 * background).  Without colour, plot.c tells series apart by dot pattern.
 *
 * Nothing here keeps state: a palette table the caller wants reused is the
 * caller's (ColormapPalette).
 */
#ifndef RNNLAB_COLORMAP_H
#define RNNLAB_COLORMAP_H

#include <stdint.h>

#include "grid.h"

typedef enum {
	COLORMAP_SEQUENTIAL,	/* viridis */
	COLORMAP_DIVERGING,	/* RdBu: blue, white, red */
	COLORMAP_KIND_COUNT
} ColormapKind;

/* "viridis", "RdBu". */
extern const char *const colormap_names[COLORMAP_KIND_COUNT];

/* The map at t in [0, 1] (clamped; NaN counts as 0) as 0xRRGGBB. */
uint32_t colormap_rgb(ColormapKind k, double t);

/* 0xRRGGBB in OKLab (Ottosson 2020): lab[0] the lightness L in [0, 1],
 * lab[1], lab[2] the a (green-red) and b (blue-yellow) axes. */
void colormap_oklab(uint32_t rgb, double lab[3]);

/* The RGB of xterm colour i in 0..255: 0..15 as xterm's defaults, 16..231
 * the 6x6x6 cube (levels 0, 95, 135, 175, 215, 255), 232..255 the greys
 * 8, 18, ..., 238. */
uint32_t colormap_xterm_rgb(int i);

/* The xterm colours 16..255 in OKLab, for many nearest-colour questions
 * (0..15 are left out: each terminal sets them its own way). */
typedef struct ColormapPalette {
	double lab[240][3];
} ColormapPalette;

void colormap_palette_init(ColormapPalette *p);
/* The index (16..255) of the colour nearest rgb in OKLab; ties go to the
 * lower index. */
int colormap_palette_nearest(const ColormapPalette *p, uint32_t rgb);
/* The same with a palette made for the one question (slower). */
int colormap_xterm(uint32_t rgb);

/* The nearest of the eight ANSI colours (GRID_BLACK .. GRID_WHITE, with
 * xterm's default RGB for them) in OKLab. */
GridColor colormap_ansi(uint32_t rgb);

/* A map's levels in a mode: the value t in [0, 1] is drawn with the look
 * of level floor(t * L) (t = 1: the top level).  24-bit and 256 colours
 * have 65 levels, colour k/64 of the map (so the diverging map's middle
 * level is exactly its white); eight colours 9; shades 5 (" ░▒▓█"), or 10
 * in ascii (" .:-=+*#%@"). */
int colormap_levels(ColormapKind k, GridColors mode, int ascii);

/* Level `level` of the map's L = colormap_levels() as a cell: a character
 * and its style (a blank on the map's colour with 256 colours and more).
 * pal: a palette for 256 colours, or NULL (one is made). */
void colormap_look(ColormapKind k, GridColors mode, int ascii, int level, const ColormapPalette *pal,
		   uint32_t *cp, Style *st);

/* The line series palette: Okabe-Ito sky blue, orange, bluish green,
 * vermillion, reddish purple, blue, yellow, then round again. */
#define COLORMAP_SERIES 7
uint32_t colormap_series_rgb(int k);
/* Series k's colour for a Style in a mode: GRID_RGB, the nearest xterm
 * colour, an ANSI colour (cyan, yellow, green, red, magenta, blue, white),
 * or GRID_DEFAULT without colour. */
uint32_t colormap_series(int k, GridColors mode);

/* Any Style colour (GridColor, GRID_XTERM, GRID_RGB) as 0xRRGGBB, with
 * `dflt` for GRID_DEFAULT and xterm's defaults for the named ones. */
uint32_t colormap_style_rgb(uint32_t c, uint32_t dflt);

#endif
