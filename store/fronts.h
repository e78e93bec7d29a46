/* fronts.h - a sweep of several objectives (space->nobjs >= 2) as its
 * completed trials' Pareto fronts: each trial's value of each objective
 * (metrics.summary: its best or its last), its constraints' violation (from
 * the metrics' last values), its front (search/pareto.h: feasible first),
 * and the hypervolume of the first front. Read from the store; nothing
 * written. */
#ifndef SWEEP_FRONTS_H
#define SWEEP_FRONTS_H

#include <stddef.h>

struct store;
struct space;
struct err;

struct fronts {
    size_t n, m;            /* completed trials; objectives */
    long long *trial;       /* n: their ids, by id */
    double *obj;            /* n x m, as logged; NaN: never logged */
    double *viol;           /* n: 0 feasible */
    int *front;             /* n: 0 the first */
    size_t front_size;      /* feasible trials on the first front */
    double *ref;            /* m: the hypervolume's reference point, as logged: each
                               objective's worst feasible value plus a tenth of its range */
    double hypervolume;     /* of the first front's feasible trials against ref; 0 if none */
};

int store_fronts(struct store *st, const struct space *sp, struct fronts *f, struct err *e);
void fronts_release(struct fronts *f);
/* f's index of trial id, or -1. */
long fronts_find(const struct fronts *f, long long id);

#endif
