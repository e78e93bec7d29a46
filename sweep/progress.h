/* progress.h - what `sweep run` shows while it runs: one line per event of
 * the run loop (its observer, sweep/run/run.h), its warnings (also with
 * -q), and, when stderr is a terminal and NO_COLOR is not set, a live
 * progress line under them. */
#ifndef SWEEP_PROGRESS_H
#define SWEEP_PROGRESS_H

#include "sweep/run/run.h"

struct progress {
    int quiet;              /* no lines, no progress */
    int tty;                /* stderr is a terminal: the live line */
    const char *metric;     /* the objective's name, for "best" */
    int drawn;              /* a progress line is on the screen */
    struct run_progress last;
    int have_last;
};

/* An observer for run_sweep that writes to stderr. */
struct run_observer progress_observer(struct progress *p, int quiet, const char *metric);
/* Clears the live line (before other output). */
void progress_clear(struct progress *p);

#endif
