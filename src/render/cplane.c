/* cplane.c — points of a plane (see cplane.h): a braille canvas of square
 * dots, written cell by cell. */
#include "cplane.h"
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRAILLE 0x2800u

/* The braille bit of dot (dx, dy) of a cell, dx 0..1, dy 0..3. */
static unsigned dot_bit(int dx, int dy)
{
	static const unsigned bits[2][4] = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } };
	return bits[dx][dy];
}

int cplane_dot(const CplaneFrame *f, double re, double im, int *dx, int *dy)
{
	const int W = f->w * f->sx, H = f->h * f->sy;
	const double half = (W < H ? W : H) / 2.0;
	const double x = W / 2.0 + re / f->R * half, y = H / 2.0 - im / f->R * half;
	if (!(x >= 0 && x < W && y >= 0 && y < H))
		return 0;
	*dx = (int)x;
	*dy = (int)y;
	return 1;
}

/* Put the dot in the frame's canvas, with a style; a cell keeps the dots
 * already in it (unicode) and takes the last style. */
static void put_dot(Grid *g, const CplaneFrame *f, int ascii, int dx, int dy, char ch, Style st)
{
	const int cx = f->x + dx / f->sx, cy = f->y + dy / f->sy;
	if (ascii) {
		const GridCell *c = grid_at(g, cx, cy);
		if (c && c->cp == 'o' && ch != 'o' && ch != '*')	/* a point stays over the lines */
			return;
		grid_put(g, cx, cy, (uint32_t)ch, st);
		return;
	}
	const GridCell *c = grid_at(g, cx, cy);
	uint32_t cp = c && c->cp >= BRAILLE && c->cp < BRAILLE + 256 ? c->cp : BRAILLE;
	grid_put(g, cx, cy, cp | dot_bit(dx % 2, dy % 4), st);
}

double cplane_edge(const CplaneSpec *s, const double *re, const double *im, int n)
{
	double R = s->circle ? 1.0 : 0;
	for (int i = 0; i < n; i++)
		if (isfinite(re[i]) && isfinite(im[i]))
			R = s->circle ? fmax(R, hypot(re[i], im[i])) : fmax(R, fmax(fabs(re[i]), fabs(im[i])));
	R = R > 0 ? R * 1.1 : 1;
	/* round R up to a short number: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten */
	static const double nice[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
	const double p = pow(10, floor(log10(R))), m = R / p;
	int ni = 0;
	while (nice[ni] < m * (1 - 1e-12) && ni < 10)
		ni++;
	return nice[ni] * p;
}

int cplane_draw(Grid *g, int x0, int y0, int w, int h, const CplaneSpec *s, const double *re, const double *im,
		int n, CplaneFrame *frame, Err *e)
{
	grid_fill(g, x0, y0, w, h, ' ', grid_style(GRID_DEFAULT, 0));
	if (w < 16 || h < 8) {
		grid_text_fit(g, x0, y0, w, "(too small for the plane)", grid_style(GRID_DEFAULT, GRID_DIM), s->ascii);
		return err_set(e, ERR_INVAL, "the plane needs 16 x 8 cells, got %d x %d", w, h);
	}
	const int title = s->title != NULL, note = s->note != NULL;
	CplaneFrame f = { 0 };
	f.sx = s->ascii ? 1 : 2;
	f.sy = s->ascii ? 1 : 4;
	/* a square of dots: w_cells * sx == h_cells * sy (ascii: cells are 1:2, so w = 2h) */
	f.h = h - title - note - 1;	/* and the row of axis labels */
	f.w = s->ascii ? 2 * f.h : f.h * f.sy / f.sx;
	if (f.w > w - 2) {
		f.w = w - 2;
		f.h = s->ascii ? f.w / 2 : f.w * f.sx / f.sy;
	}
	f.x = x0 + (w - f.w) / 2;
	f.y = y0 + title;
	f.R = cplane_edge(s, re, im, n);
	const Style dim = grid_style(GRID_DEFAULT, GRID_DIM);
	const Style pt = grid_style(s->colors == GRID_MONO ? GRID_DEFAULT : GRID_CYAN, GRID_BOLD);
	const Style unit = grid_style(s->colors == GRID_MONO ? GRID_DEFAULT : GRID_YELLOW, 0);
	const int W = f.w * f.sx, H = f.h * f.sy;
	int dx, dy;
	/* the axes, every other dot */
	for (int i = 0; i < W; i += 2)
		if (cplane_dot(&f, (i + 0.5 - W / 2.0) / (W < H ? W : H) * 2 * f.R, 0, &dx, &dy))
			put_dot(g, &f, s->ascii, dx, dy, '-', dim);
	for (int j = 0; j < H; j += 2)
		if (cplane_dot(&f, 0, (H / 2.0 - j - 0.5) / (W < H ? W : H) * 2 * f.R, &dx, &dy))
			put_dot(g, &f, s->ascii, dx, dy, '|', dim);
	/* the unit circle */
	const int steps = 8 * (W + H);
	for (int k = 0; s->circle && k < steps; k++) {
		double a = 2 * M_PI * k / steps;
		if (cplane_dot(&f, cos(a), sin(a), &dx, &dy))
			put_dot(g, &f, s->ascii, dx, dy, '.', unit);
	}
	if (s->paths) {	/* paths: each joined, in its colour, its start marked */
		int at = 0;
		for (int k = 0; k < s->npaths && at + s->paths[k] <= n; at += s->paths[k], k++) {
			const Style st = grid_style(plot_ink(s->colors, plot_series_color(k), k), 0);
			int px = -1, py = -1;
			for (int i = at; i < at + s->paths[k]; i++) {
				if (!cplane_dot(&f, re[i], im[i], &dx, &dy)) {
					px = -1;
					continue;
				}
				const int steps2 = px < 0 ? 0 : abs(dx - px) > abs(dy - py) ? abs(dx - px) : abs(dy - py);
				for (int q = 1; q <= steps2; q++)	/* the segment from the last dot */
					put_dot(g, &f, s->ascii, px + (dx - px) * q / steps2, py + (dy - py) * q / steps2,
						'+', st);
				if (i == at)	/* the start: a block of dots */
					for (int q = 0; q < 4; q++)
						if (dx + q % 2 < W && dy + q / 2 < H)
							put_dot(g, &f, s->ascii, dx + q % 2, dy + q / 2, 'o', pt);
				put_dot(g, &f, s->ascii, dx, dy, i == at ? 'o' : '+', i == at ? pt : st);
				px = dx;
				py = dy;
			}
		}
	} else {	/* the points, on top */
		for (int i = 0; i < n; i++)
			if (cplane_dot(&f, re[i], im[i], &dx, &dy))
				put_dot(g, &f, s->ascii, dx, dy, fabs(hypot(re[i], im[i]) - 1) < f.R / W ? '*' : 'o', pt);
	}
	/* labels: -R, 0, R under the axis ends, Re and Im */
	char num[32];
	const int ly = f.y + f.h;
	snprintf(num, sizeof num, "%g", -f.R);
	grid_text(g, f.x, ly, num, dim);
	snprintf(num, sizeof num, "%g", f.R);
	grid_text(g, f.x + f.w - grid_text_width(num), ly, num, dim);
	grid_text(g, f.x + f.w / 2 - 1, ly, "0", dim);
	grid_text(g, f.x + f.w + 1 < x0 + w ? f.x + f.w + 1 : f.x + f.w - 2, f.y + f.h / 2, s->xname ? s->xname : "Re",
		  dim);
	grid_text(g, f.x + f.w / 2 + 1, f.y, s->yname ? s->yname : "Im", dim);
	if (title)
		grid_text_fit(g, x0 + (w - grid_text_width(s->title)) / 2 > x0 ? x0 + (w - grid_text_width(s->title)) / 2 : x0,
			      y0, w, s->title, grid_style(GRID_DEFAULT, GRID_BOLD), s->ascii);
	if (note)
		grid_text_fit(g, x0 + (w - grid_text_width(s->note)) / 2 > x0 ? x0 + (w - grid_text_width(s->note)) / 2 : x0,
			      ly + 1, w, s->note, grid_style(GRID_DEFAULT, 0), s->ascii);
	if (frame)
		*frame = f;
	return 0;
}
