/* learn.h - what running trials teach the memory estimates of the trials
 * still to come (docs/config.md, "Learning"): the most a trial of each kind
 * (what its estimate depends on) was seen using, and per trial the estimate
 * the store asks for (a trial requeued after running out of memory). */
#ifndef SWEEP_LEARN_H
#define SWEEP_LEARN_H

#include <stddef.h>

struct space;
struct value;

#define LEARN_MARGIN 1.1       /* an estimate from a peak: 1.1 x the peak */
#define OOM_GROWTH 1.5         /* out of memory: the next attempt gets 1.5 x its estimate */
#define OOM_PEAK_MARGIN 1.2    /* and at least 1.2 x the peak it reached */

struct learned {
    char *kind;
    double peak;         /* MiB: the most a trial of this kind was seen using */
    int final;           /* a completed trial's peak is among them */
};

struct learn_table {
    struct learned *v;
    size_t n;
    double *override;    /* by trial id: an estimate from the store (OOM), -1 none */
    size_t noverride;
};

void learn_release(struct learn_table *t);
/* A peak seen (final: of a completed trial). */
void learn_peak(struct learn_table *t, const char *kind, double peak, int final);
/* The store asks for at least mib for trial id. */
void learn_override(struct learn_table *t, long long id, double mib);
/* The memory to reserve for a trial (MiB; -1: a GPU to itself): the file's
 * estimate, corrected by what trials of its kind used (LEARN_MARGIN x their
 * peak: lower once one of them completed, higher as soon as one used more),
 * never below what the store asks. *kind (if not NULL) gets the kind, new. */
double learn_estimate(const struct learn_table *t, const struct space *sp, long long id,
                      const struct value *params, char **kind);
/* The memory an out-of-memory trial asks for next: OOM_GROWTH x its
 * estimate (whole when it had a whole GPU), at least OOM_PEAK_MARGIN x its
 * peak, at most whole. */
double learn_after_oom(double est, double peak, double whole);

#endif
