/* pareto.h - several objectives (issue 28's ground): which points no other
 * beats (non-dominated fronts, with constraints), how alone a point is on
 * its front (crowding distance, NSGA-II's), and how much of the objective
 * space a set covers (hypervolume) and what each point adds to it (its
 * exclusive contribution, multi-objective TPE's split). Pure.
 *
 * Points are n rows of m objectives, row-major, every objective minimized:
 * the caller negates the ones to maximize. Used by the ranking of bayes and
 * evolve (mo_rank.c, tpe.c), by store/fronts.c (top, best, status) and the
 * report. */
#ifndef SWEEP_PARETO_H
#define SWEEP_PARETO_H

#include <stddef.h>

/* a dominates b: no worse in every objective, better in one. */
int pareto_dominates(const double *a, const double *b, size_t m);

/* rank[i] = the front of point i, 0 the first (no point dominates it).
 * viol: NULL, or each point's constraint violation (0: feasible, > 0: by
 * how much): Deb's rule, a feasible point beats an infeasible one, and of
 * two infeasible ones the smaller violation; infeasible points are ranked
 * after every feasible front, by violation (equal violations share a
 * front). NaN objectives count as the worst. Returns the number of fronts. */
int pareto_fronts(const double *pts, const double *viol, size_t n, size_t m, int *rank);

/* dist[i]: point i's crowding distance within its front (the sum over the
 * objectives of the gap between its neighbours, normalised by the front's
 * range; the front's ends, and every point of a front of 1 or 2, infinite). */
void pareto_crowding(const double *pts, const int *rank, size_t n, size_t m, double *dist);

/* The hypervolume the points dominate up to ref (points not strictly below
 * ref in every objective add nothing). Exact, by slicing: for m <= 4 and n
 * in the hundreds. */
double pareto_hypervolume(const double *pts, size_t n, size_t m, const double *ref);

/* contrib[i]: the hypervolume only point i covers (the whole's minus the
 * whole's without it). */
void pareto_contributions(const double *pts, size_t n, size_t m, const double *ref,
                          double *contrib);

#endif
