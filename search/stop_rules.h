/* stop_rules.h - early-termination rules other than W&B's hyperband
 * (stop_hyperband.h), as pure functions over a trial's logged values of the
 * objective. Values are "smaller is better" (the caller negates them for
 * goal: maximize). */
#ifndef SWEEP_STOP_RULES_H
#define SWEEP_STOP_RULES_H

#include <stddef.h>

/* patience: 1 when the last `patience` values improved on the best value
 * before them by less than min_delta (*best gets that best). */
int stopping_patience(const double *h, size_t n, int patience, double min_delta, double *best);

/* median (Vizier's median stopping rule): 1 when the trial's best value so
 * far (of its n values) is worse than the median of the other trials'
 * running averages over their first n values. Only trials that logged at
 * least n values count; it judges from the min_iter-th value on and when
 * at least min_trials others count. *median gets the median. */
int stopping_median(const double *h, size_t n, const double *const *others, const size_t *lens,
                    size_t nothers, int min_iter, int min_trials, double *median);

/* asha (asynchronous successive halving, Li et al., MLSys 2020): the rungs
 * are at min_iter * eta^k values (below max_iter when it is > 0: the final
 * value is not judged). The
 * largest rung a trial with n values has reached, or 0. */
long stopping_asha_rung(size_t n, int min_iter, int max_iter, double eta);
/* ASHA's promotion rule at a rung: of the n values that trials logged there
 * (the judged trial's included; lower is better), the best
 * max(1, floor(n / eta)) go on. Sorts vals; returns the worst value that
 * goes on, and *keep gets how many. A trial goes on when its value is not
 * worse. */
double stopping_asha_threshold(double *vals, size_t n, double eta, size_t *keep);

#endif
