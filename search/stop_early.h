/* stop_early.h - early_terminate (hyperband, asha, median, patience) as one pure
 * judgement: given every trial's logged values of the objective, does this
 * running trial stop, and why (docs/config.md, "Early termination").
 *
 * Values are "smaller is better" (the caller negates a maximized
 * objective), in step order; a reason prints them in the user's sign. The
 * rules themselves are hyperband.h and stopping.h. */
#ifndef SWEEP_STOP_EARLY_H
#define SWEEP_STOP_EARLY_H

#include <stddef.h>

struct space;
struct sb;

#define EARLY_MAX_BANDS 64

struct early_hist {
    const double *v;     /* a trial's values, in step order */
    size_t n;
};

struct early {
    const struct space *sp;
    long bands[EARLY_MAX_BANDS]; /* hyperband's bands (value counts, 0-based) */
    size_t nbands;
};

/* What one round of judgements shares (hyperband thresholds are computed
 * once a round); init before the round, release after. */
struct early_round {
    double thr[EARLY_MAX_BANDS];
    int have[EARLY_MAX_BANDS];
    double *vals;
    const double **others;
    size_t *lens;
};

void early_init(struct early *x, const struct space *sp);
void early_round_init(struct early_round *r, size_t ntrials);
void early_round_release(struct early_round *r);

/* Judges trial `self` of all[0..n) (an empty history is a trial with no
 * values, or none). *asha_rung: the ASHA rung it was last judged at (in and
 * out; a trial is judged once per rung). 1 when it should stop, with the
 * reason appended to why. */
int early_judge(const struct early *x, const struct early_hist *all, size_t n, size_t self,
                long *asha_rung, struct early_round *r, struct sb *why);

#endif
