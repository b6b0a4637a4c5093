/* cplane.h — points of a plane, drawn into a Grid: the eigenvalues of a
 * recurrent matrix against the unit circle, or paths of hidden states on
 * their principal components.
 *
 * The plane is a square of braille dots (a terminal cell is twice as high
 * as it is wide, and holds 2 x 4 dots, so dots are square): the real axis
 * across, the imaginary axis up, both from -R to R where R covers every
 * point and the circle; the unit circle dim, the axes dotted, the points
 * bold on top.  In ascii mode one character per dot: '.' the circle, '-'
 * and '|' the axes, 'o' a point, '*' a point on the circle.
 */
#ifndef RNNLAB_CPLANE_H
#define RNNLAB_CPLANE_H

#include "err.h"
#include "grid.h"

typedef struct CplaneSpec {
	const char *title;	/* top row; NULL: none */
	const char *note;	/* the row under the plane (radius, norm); NULL: none */
	int ascii;
	GridColors colors;
	int circle;		/* draw the unit circle */
	const char *xname, *yname;	/* the axes' names; NULL: Re, Im */
	/* NULL: loose points.  Else the points are npaths paths of paths[k]
	 * points each, in order: each drawn joined, in its own colour, its
	 * first point marked (a path through time starts there). */
	const int *paths;
	int npaths;
	const char *const *names;	/* NULL, or npaths names: the SVG's legend (the text plane has none) */
} CplaneSpec;

/* Where the points went, for tests and callers: the plane's cells and its
 * scale (R: the value at the plane's edge). */
typedef struct CplaneFrame {
	int x, y, w, h;		/* the square, in cells */
	int sx, sy;		/* dots per cell */
	double R;
} CplaneFrame;

/* R, the value at the plane's edge, for n points: 1.1 times the largest
 * modulus (circle) or coordinate (no circle), at least 1 with the circle,
 * rounded up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten.
 * The SVG plane (svg.h) uses the same. */
double cplane_edge(const CplaneSpec *s, const double *re, const double *im, int n);

/* Draw n points (re[i], im[i]) in the rectangle x0, y0, w, h of g.  frame
 * may be NULL.  ERR_INVAL when the rectangle is under 16 x 8 (a short
 * message is drawn instead). */
int cplane_draw(Grid *g, int x0, int y0, int w, int h, const CplaneSpec *s, const double *re, const double *im,
		int n, CplaneFrame *frame, Err *e);

/* The dot (dx from the left, dy from the top of the square) of the point
 * z = re + i im in a drawn frame; 0 when it falls outside. */
int cplane_dot(const CplaneFrame *f, double re, double im, int *dx, int *dy);

#endif
