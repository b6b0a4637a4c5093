/* views.h — the pictures of a session, drawn into a Grid.
 *
 * One place builds every plot and heatmap the user sees, from the history
 * and the probes: batch mode's `plot NAME` prints the grid, the TUI's panes
 * blit it, `--svg` writes the same picture for slides.
 *
 *   loss   train loss per step and validation loss where it was measured
 *   grad   global gradient norm (log), after clipping, the clip threshold
 *   lr     learning rate per step
 *   flow   ||dL/dh_t|| against t, log scale, one curve per layer
 *   sat    saturated fraction of units against t, per layer
 *   gates  heatmaps (units x time) of each gate of one layer and sample
 *   h      heatmap of h_t (units x time)
 *   compare   one curve per run on the current data: its loss, validation
 *             loss, gradient norm or gradient flow (CompareWhat)
 *   eigen  every eigenvalue of one W_hh block against the unit circle
 *          (eigenview.c)
 *   jacobian  for one sequence: each step's ||dh_t/dh_{t-1}||, their product
 *          from T down to t, and the measured ||dL/dh_t|| / ||dL/dh_T||
 *          (jacview.c; jacobian.h)
 *   states h_t of a few sequences as paths on their first two principal
 *          components (eigenview.c)
 *   landscape  the last `landscape`, drawn again from Session.land
 *          (landview.c)
 */
#ifndef RNNLAB_VIEWS_H
#define RNNLAB_VIEWS_H

#include "cplane.h"
#include "grid.h"
#include "heatmap.h"
#include "plot.h"
#include "session.h"

typedef enum {
	VIEW_LOSS, VIEW_GRAD, VIEW_LR, VIEW_FLOW, VIEW_SAT, VIEW_GATES, VIEW_H, VIEW_COMPARE, VIEW_EIGEN, VIEW_JACOBIAN,
	VIEW_STATES, VIEW_LANDSCAPE, VIEW_COUNT
} ViewKind;
extern const char *const view_names[VIEW_COUNT];

/* The workbench's panes (F2..F8), and `view NAME` without a workbench.  The
 * plot pane shows the last `plot eigen|jacobian|states|landscape` or
 * `landscape` (Session.plot). */
typedef enum { PANE_TRAIN, PANE_FLOW, PANE_GATES, PANE_STEP, PANE_COMPARE, PANE_ATTENTION, PANE_PLOT, PANE_COUNT } Pane;
extern const char *const pane_names[PANE_COUNT + 1];	/* NULL-terminated */

/* What compare plots of each run: auto is the validation loss when a run
 * has one, else the training loss; flow is the top layer's ||dL/dh_t||
 * against t at the run's last backward pass. */
typedef enum { COMPARE_AUTO, COMPARE_LOSS, COMPARE_VAL, COMPARE_GRAD, COMPARE_FLOW, COMPARE_COUNT } CompareWhat;
extern const char *const compare_names[COMPARE_COUNT];

#define VIEW_UNIT_NONE 0
#define VIEW_UNIT_MAX (-1)	/* the most open forget (lstm) or update (gru) gate;
				 * rnn: the largest mean |h_t| */

typedef struct ViewOpts {
	int ascii;
	GridColors colors;
	int layer;		/* gates, h */
	int sample;		/* gates, h: which sequence of the batch */
	int logy;		/* loss: log scale */
	int pick;		/* gates: the map shown when only one fits */
	int unit;		/* gates: VIEW_UNIT_NONE (heatmaps), VIEW_UNIT_MAX, or
				 * unit k + 1: that unit's gates as lines over t */
	int samples;		/* states: how many sequences (0: 4) */
	int gate;		/* eigen: the W_hh block (lstm i f g o, gru r z n); -1: the default
				 * (rnn its only one, lstm g, gru n: the candidate's) */
	int part;		/* eigen: which stack of cells (learner.h's stacks, part=): 0 the
				 * model's only one, or seq2seq's encoder; 1 its decoder */
	CompareWhat what;	/* compare */
	unsigned runs;		/* compare: bit i for run i + 1 (runs=...); 0: all */
	int force;		/* --svg ... force: the files beside FILE may be replaced too */
} ViewOpts;

/* The series a line view (loss, grad, lr, flow, sat, compare) plots, built
 * from the history and the probes: what view_draw draws and view_svg
 * writes, for the tests of what a pane shows.  The arrays live in it. */
typedef struct ViewLines {
	PlotSpec spec;
	PlotSeries ser[SESSION_MAX_RUNS + MODEL_MAX_LAYERS + 2];
	int nser;
	PlotRef ref;
	double *buf;		/* owned scratch for x/y arrays */
	char names[SESSION_MAX_RUNS + MODEL_MAX_LAYERS][64];
	char title[128];
} ViewLines;
int view_lines(const Session *s, ViewKind v, const ViewOpts *o, ViewLines *L, Err *e);
void view_lines_done(ViewLines *L);

/* The heatmaps of a map view (gates, h) of one layer and sequence: gate
 * blocks (or h) as units x time matrices over the trace, no copies. */
typedef struct ViewMaps {
	int n;
	HeatmapSpec spec[5];
	HeatmapMatrix m[5];
	char title[5][96];
} ViewMaps;
int view_maps(const Session *s, ViewKind v, const ViewOpts *o, ViewMaps *M, Err *e);
/* The unit o->unit picks (VIEW_UNIT_MAX resolved) of layer o->layer and
 * sequence o->sample of the last step, into *unit; ERR_INVAL when out of range. */
int view_unit(const Session *s, const ViewOpts *o, int *unit, Err *e);

/* Draw view v of s into the rectangle of g.  ERR_STATE (with a message that
 * says what to do first) when there is nothing to show yet. */
int view_draw(const Session *s, ViewKind v, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e);
/* The last translation's attention (rows: output tokens, columns: source
 * tokens, labelled with the dataset's characters) drawn into the rectangle
 * of g; ERR_STATE with a message when there is none (attention.c). */
int attention_draw(const Session *s, Grid *g, int x, int y, int w, int h, int ascii, GridColors colors, Err *e);
/* The flow of a seq2seq model: both halves on one axis, the encoder's
 * gradient split by path (s2sflow.c); and the line between the halves on
 * the plot drawn from them. */
int s2s_flow_lines(const Session *s, ViewLines *L, Err *e);
void s2s_flow_boundary(const Session *s, const PlotFrame *f, Grid *g, int ascii);
/* The last landscape (Session.land) into the rectangle of g: ERR_STATE when
 * there is none; the rows it wants when printed (landview.c). */
int landview_draw(const Session *s, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e);
int landview_rows(const Session *s);
/* It as SVG: a plane's heatmap in path; a line's loss plot in path and its
 * gradient norm in path with -grad before the extension (no marks). */
int landview_svg(const Session *s, const ViewOpts *o, const char *path, Err *e);
/* Where the landscape marks a step of length len (letter ch), in words for
 * the line under it: " (S)", or off the picture and where. */
void land_mark_note(const LandPicture *lp, double len, char ch, char *out, size_t cap);
/* The spectral radius of every gate block of W_hh of the weights now
 * (rho[layer * gates + gate]); how many (0: not a model of cells). */
int view_radius(const Session *s, double *rho);
/* Those radii (as view_radius gave them) as text in a rectangle: a title,
 * a row per layer, gates wrapped whole onto the next row when narrow. */
void view_radius_draw(const Session *s, const double *rho, Grid *g, int x, int y, int w, int h, int ascii);
/* What the linear algebra of the why-pictures may take: LAPACK's dgeev and
 * dsyev on an H x H matrix, dgesvd once per step for the Jacobians.  Past
 * these the command refuses with the limit rather than compute for minutes
 * (the flow pane draws its plane only up to VIEW_PLANE_LIVE_H). */
#define VIEW_EIGEN_MAX_H 1024
#define VIEW_JACOBIAN_MAX_H 256
#define VIEW_JACOBIAN_MAX_T 2000
#define VIEW_STATES_MAX_VALUES ((size_t)16 << 20)	/* sequences x T x H */
#define VIEW_PLANE_LIVE_H 256

/* The eigenvalues of the W_hh block o asks for (part, layer, gate), the
 * spectral radius and norm: what the eigen view draws.  The arrays are the
 * model's hidden size long, sorted by modulus (eigen.h); gate is the block
 * used.  Any model: a seq2seq model's encoder or decoder by o->part. */
typedef struct ViewEigen {
	int n, layer, gate, part;
	double *re, *im;	/* owned; view_eigen_done frees them */
	double radius, norm2;
	int outside;		/* eigenvalues with |lambda| > 1 */
	char title[128], note[160];
} ViewEigen;
int view_eigen(const Session *s, const ViewOpts *o, ViewEigen *out, Err *e);
void view_eigen_done(ViewEigen *v);
/* The states view: h_t of o->samples sequences (from o->sample) of layer
 * o->layer of the last step, projected on their first two principal
 * components; xy[n][2], n = paths * T (owned: free it), the variances. */
typedef struct ViewStates {
	int paths, T;
	double *xy;
	double var[2], total;
	char title[128], note[128];
} ViewStates;
int view_states(const Session *s, const ViewOpts *o, ViewStates *out, Err *e);
/* The jacobian view's series (jacview.c), for view_lines. */
int jacobian_lines(const Session *s, const ViewOpts *o, ViewLines *L, Err *e);
/* The eigen or the states view as points of a plane: what view_eigen_draw
 * draws and view_svg writes (the spec's title, note and paths live in it;
 * re, im are owned). */
typedef struct ViewPlane {
	CplaneSpec spec;
	double *re, *im;
	int n;
	int paths[64];
	char names[64][24];	/* states: "sequence B", for the SVG's legend */
	const char *name[64];
	char title[128], note[160];
} ViewPlane;
int view_plane(const Session *s, ViewKind v, const ViewOpts *o, ViewPlane *out, Err *e);
void view_plane_done(ViewPlane *p);
/* Draw the eigen or the states view (a plane) into the rectangle of g. */
int view_eigen_draw(const Session *s, ViewKind v, const ViewOpts *o, Grid *g, int x, int y, int w, int h, Err *e);
/* The same picture as an SVG file. */
int view_svg(const Session *s, ViewKind v, const ViewOpts *o, const char *path, Err *e);

#endif
