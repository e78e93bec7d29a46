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
/* One trial of a sweep of several objectives (what the searcher learns of
 * it as it ends): obj[sp->nobjs] each objective's value as logged (its best
 * or, with metrics.summary: last, its last; NaN: never logged) and *viol
 * its constraints' violation (space_violation). st may be another sweep's
 * store (a prior): the metrics are read by name. */
int store_trial_objectives(struct store *st, const struct space *sp, long long id, double *obj,
                           double *viol, struct err *e);
/* f's index of trial id, or -1. */
long fronts_find(const struct fronts *f, long long id);

#endif
