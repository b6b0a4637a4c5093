/* stepview.h — the timestep stepper: one cell at one timestep, with numbers.
 *
 * For layer k, sequence b of the last training batch and timestep t it
 * shows x_t and h_{t-1}, every gate of one unit j as its equation with
 * this step's numbers in it (W x + W h + b = pre, then the nonlinearity),
 * c_t and h_t, bars of every unit's gate values, and the backward view:
 * dL/dh_t for this sequence and the factor it grew or shrank by since t+1.
 */
#ifndef RNNLAB_STEPVIEW_H
#define RNNLAB_STEPVIEW_H

#include "grid.h"
#include "session.h"

/* StepCursor is in session.h: the session keeps where `step` looked. */

/* Clamp the cursor into the last trace's ranges; 0 when there is a trace. */
int stepview_clamp(const Session *s, StepCursor *c);
/* Draw into the rectangle; ERR_STATE with a hint when there is nothing yet. */
int stepview_draw(const Session *s, const StepCursor *c, int ascii, GridColors colors, Grid *g,
		  int x, int y, int w, int h, Err *e);

#endif
