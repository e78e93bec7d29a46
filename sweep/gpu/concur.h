/* concur.h - how many trials to run at once on a GPU, learned from what
 * they achieve (resources.max_per_gpu: auto, docs/config.md): per kind of
 * trial (what its memory estimate depends on: the model size), the
 * aggregate rate - steps per second of all the trials running together on
 * one GPU - at each number of trials at once. The cap starts at one; a
 * trial is added while the aggregate rate at the new number beats the best
 * so far by more than CONCUR_MARGIN; when it does not, the cap stays there
 * if it did as well (within half the margin: more at once then hides the
 * trials' starts and ends, and the sweep's tail) and goes back to the best
 * if it did worse, and stays (settled). Settled, the best is measured again and
 * again: when it falls below the level under it by the margin, the cap
 * backs off; every CONCUR_REPROBE measurements the level above is tried
 * once more. Never above what the GPU's memory holds. Pure. */
#ifndef SWEEP_CONCUR_H
#define SWEEP_CONCUR_H

#include <stddef.h>

#define CONCUR_MARGIN 0.10     /* a level must beat the best by 10 % to be kept */
#define CONCUR_STEPS 3.0       /* a level is judged once its trials made this many steps
                                  each, on average, all running together */
#define CONCUR_REPROBE 40      /* settled: the level above is tried again after this many
                                  measurements of the best */
#define CONCUR_MAX 64

struct concur_level {
    double steps, secs;        /* the measurement being made: steps, trial-seconds */
    double rate;               /* the last judged: steps per second, all trials; 0 none */
};

struct concur_kind {
    char *kind;
    int cap;                   /* trials at once allowed now */
    int best;                  /* the best level judged (0: none yet) */
    int settled;
    int since;                 /* measurements of the best since it settled */
    struct concur_level lv[CONCUR_MAX + 1];
};

struct concur {
    struct concur_kind *k;
    size_t n;
};

/* The cap for a kind now (a new kind: 1). */
int concur_cap(struct concur *c, const char *kind);
/* Trials of kind, n of them together on one GPU, made steps steps in dt
 * seconds of their running (a trial's span between two of its steps, or
 * several trials' spans added up: their aggregate rate is n x steps / dt);
 * mem_cap: how many of them the GPU's memory holds. 1 when the cap
 * changed (or settled), with the decision and its figures in why. */
int concur_observe(struct concur *c, const char *kind, int n, double dt, double steps,
                   int mem_cap, char *why, size_t len);
/* The figures of a kind, for status: "1: 410, 2: 790 steps/h". */
void concur_figures(const struct concur_kind *k, char *buf, size_t len);
void concur_release(struct concur *c);

#endif
