/* plot_priv.h — what plot_axis.c shares with plot.c and nothing else
 * includes. */
#ifndef RNNLAB_PLOT_PRIV_H
#define RNNLAB_PLOT_PRIV_H

/* A y value in axis units (log10 on a log axis), or NaN when it cannot be
 * shown. */
double plot_ytr(double v, int logy);

#endif
