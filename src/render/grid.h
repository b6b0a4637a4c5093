/* grid.h — a plain character grid that plots and heatmaps draw into.
 *
 * A Grid is w x h cells, row-major, each holding one Unicode code point and
 * a small Style.  Nothing here knows about terminals: the TUI copies cells
 * into curses windows, batch mode prints the rows that grid_row_utf8()
 * makes, and tests read the cells directly.
 *
 * Every cell is one terminal column wide, so callers put only single-width
 * characters in it: ASCII, braille (U+2800..U+28FF), block elements
 * (U+2580..U+259F), box drawing (U+2500..U+257F) and a few symbols such as
 * '…' and '·'.  grid_text() does not check widths.
 *
 * Drawing is clipped twice: to the grid, and to the clip rectangle (the
 * whole grid unless grid_clip() narrowed it).  A function that draws into a
 * rectangle (plot_draw, heatmap_draw) narrows the clip to it for the time it
 * draws, so it cannot write outside it whatever it computes.
 */
#ifndef RNNLAB_GRID_H
#define RNNLAB_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The named palette: the eight ANSI colours and the terminal's default. */
typedef enum {
	GRID_DEFAULT,
	GRID_BLACK,
	GRID_RED,
	GRID_GREEN,
	GRID_YELLOW,
	GRID_BLUE,
	GRID_MAGENTA,
	GRID_CYAN,
	GRID_WHITE,
	GRID_COLOR_COUNT
} GridColor;

/* "default", "black", "red", "green", "yellow", "blue", "magenta", "cyan",
 * "white". */
extern const char *const grid_color_names[GRID_COLOR_COUNT];

/* A Style's fg and bg hold one of three kinds of colour:
 *   a GridColor (0..8): the terminal's own eight colours, or its default;
 *   GRID_XTERM(i): index i of the xterm 256-colour palette (GRID_COLORS_256);
 *   GRID_RGB(0xRRGGBB): a 24-bit colour (GRID_COLORS_TRUE).
 * Which kinds a drawing uses follows the GridColors it was asked for. */
#define GRID_XTERM(i)       ((uint32_t)(0x100 | ((unsigned)(i) & 0xff)))
#define GRID_IS_XTERM(c)    (((c) & 0x1000100u) == 0x100)
#define GRID_XTERM_INDEX(c) ((int)((c) & 0xff))
#define GRID_RGB(rgb)       ((uint32_t)(0x1000000 | ((uint32_t)(rgb) & 0xffffff)))
#define GRID_IS_RGB(c)      (((c) & 0x1000000u) != 0)
#define GRID_RGB_VALUE(c)   ((uint32_t)(c) & 0xffffff)

/* Style attributes, or'ed together in Style.attr. */
enum {
	GRID_BOLD = 1,
	GRID_DIM  = 2,
};

/* A point marked on a picture, e.g. where one update lands: in a plot at
 * data point (x, y), in a heatmap on matrix cell (row y, column x), the
 * nearest.  The text pictures put glyph there (bold, on top of the rest;
 * ascii pictures need an ASCII glyph); SVG draws a dot, the glyph beside
 * it when it is a letter or digit, and label as its <title>.  A mark
 * outside the axes is not drawn. */
typedef struct GridMark {
	double x, y;
	uint32_t glyph;
	const char *label;	/* borrowed; NULL: none */
	uint32_t color;		/* a Style colour */
} GridMark;

/* fg and bg: a GridColor, GRID_XTERM(i) or GRID_RGB(rgb). */
typedef struct Style {
	uint32_t fg, bg;
	uint8_t attr;
} Style;

/* How many colours the caller's output can show, fewest first.  The
 * caller decides (NO_COLOR, --ascii, the terminal, `set colour=`);
 * nothing here reads the environment. */
typedef enum {
	GRID_MONO,		/* no colour at all: shapes and characters only */
	GRID_COLORS_8,		/* the eight named colours, fg and bg */
	GRID_COLORS_256,	/* also xterm 256-colour indices (maps, series) */
	GRID_COLORS_TRUE,	/* also 24-bit colours (maps, series) */
	GRID_COLORS_COUNT
} GridColors;

/* "mono", "8", "256", "truecolor". */
extern const char *const grid_colors_names[GRID_COLORS_COUNT];

typedef struct GridCell {
	uint32_t cp;		/* a code point; ' ' when blank */
	Style st;
} GridCell;

typedef struct Grid {
	int w, h;
	GridCell *cell;		/* h rows of w cells: cell[y * w + x] */
	int cx0, cy0, cx1, cy1;	/* clip rectangle, [cx0, cx1) x [cy0, cy1) */
} Grid;

/* Flags for grid_row_utf8() and grid_utf8(). */
enum {
	GRID_OUT_ANSI  = 1,	/* SGR escapes for colours and attributes */
	GRID_OUT_ASCII = 2,	/* every non-ASCII character replaced by ASCII */
	GRID_OUT_TRIM  = 4,	/* drop blank cells at the end of each row */
};

/* The style of a plain cell: default colours, no attributes. */
static inline Style grid_style(uint32_t fg, int attr)
{
	Style s = { fg, GRID_DEFAULT, (uint8_t)attr };
	return s;
}

/* A w x h grid of blanks (1 <= w, h <= 4096).  NULL on a bad size or when
 * memory runs out, with the reason in e.  Release with grid_free(). */
Grid *grid_new(int w, int h, Err *e);
void grid_free(Grid *g);

/* Change the size to w x h; every cell becomes blank and the clip is reset.
 * On failure the grid is as it was. */
int grid_resize(Grid *g, int w, int h, Err *e);

/* Blank every cell (the clip rectangle does not apply). */
void grid_clear(Grid *g);

/* Fill the cells of a rectangle with cp in style st (clipped). */
void grid_fill(Grid *g, int x, int y, int w, int h, uint32_t cp, Style st);

/* Narrow the clip rectangle to its intersection with x, y, w, h; widen it
 * back to the whole grid with grid_unclip().  To restore an earlier clip,
 * save and assign cx0..cy1. */
void grid_clip(Grid *g, int x, int y, int w, int h);
void grid_unclip(Grid *g);

/* Set one cell; nothing happens outside the grid or the clip. */
void grid_put(Grid *g, int x, int y, uint32_t cp, Style st);

/* The cell at x, y, or NULL outside the grid. */
const GridCell *grid_at(const Grid *g, int x, int y);

/* Write UTF-8 text from x, y to the right, one cell per code point, clipped.
 * Bytes that are not valid UTF-8, and control characters, become '?'.
 * Returns the number of code points in text (the columns it takes), drawn
 * or not. */
int grid_text(Grid *g, int x, int y, const char *utf8, Style st);

/* Like grid_text(), but in at most maxw cells: a longer text is cut and
 * ends in '…' ('.' when ascii).  Returns the cells written to (<= maxw). */
int grid_text_fit(Grid *g, int x, int y, int maxw, const char *utf8, Style st, int ascii);

/* The number of code points in a UTF-8 string: its width in cells. */
int grid_text_width(const char *utf8);
/* The length in bytes of the longest prefix of utf8 at most cols cells
 * wide: where a line is wrapped without cutting a character in two. */
size_t grid_text_prefix(const char *utf8, int cols);
/* The same, for prose: when the cut would fall inside a word, it moves
 * back to the last space in the last third of the row (the space stays on
 * this row); a line with no such space is cut at cols. */
size_t grid_text_wrap(const char *utf8, int cols);

/* Row y as UTF-8 text (flags: GRID_OUT_*), NUL-terminated, written into buf
 * (cap bytes; buf may be NULL when cap is 0).  Returns the length the whole
 * row needs without the NUL, like snprintf: the row was cut when the result
 * is >= cap.  With GRID_OUT_ANSI the row starts from and returns to the
 * terminal's default style. */
size_t grid_row_utf8(const Grid *g, int y, char *buf, size_t cap, int flags);

/* The whole grid, one row after another, each ending in '\n'.  Same
 * conventions as grid_row_utf8(). */
size_t grid_utf8(const Grid *g, char *buf, size_t cap, int flags);

/* The SGR escape that puts a terminal in style st from scratch ("\x1b[0;...m":
 * attributes, then fg and bg as 30-37/40-47, 38;5;i/48;5;i or 38;2;r;g;b/
 * 48;2;r;g;b), NUL-terminated in buf (at least GRID_SGR_MAX bytes).
 * Returns its length. */
#define GRID_SGR_MAX 64
size_t grid_sgr(Style st, char *buf);

/* An ASCII stand-in for a code point (braille by which half has dots, box
 * drawing by direction, shades by density, '?' when nothing fits). */
char grid_ascii(uint32_t cp);

/* UTF-8 encoding of cp into out (at least 4 bytes); returns its length. */
int grid_utf8_encode(uint32_t cp, char *out);

#endif
