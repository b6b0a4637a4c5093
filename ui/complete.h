/* complete.h — tab completion from the command table, for Readline. */
#ifndef RNNLAB_COMPLETE_H
#define RNNLAB_COMPLETE_H

#include "session.h"

/* Point Readline's completion at the command table for session s. */
void complete_install(const Session *s);
/* Free what the last completion kept. */
void complete_done(void);

#endif
