/* stop_hyperband.h - W&B's early_terminate: {type: hyperband}, as pure functions.
 *
 * Bands (brackets) count a trial's logged values of the objective, 0-based
 * (not its steps). At band b, the threshold is the value at rank
 * int(len / eta) of the sorted values that all trials (running or ended)
 * logged at index b (goal maximize: values negated first). A running trial
 * whose value at its closest band (the largest band it has passed) is worse
 * than that band's threshold is stopped. As W&B's open-source controller
 * (wandb/sweeps hyperband_stopping.py), except that it compares the value at
 * the closest band, as its documentation says, where the code indexes with
 * the loop variable; `strict` changes nothing there either. */
#ifndef SWEEP_STOP_HYPERBAND_H
#define SWEEP_STOP_HYPERBAND_H

#include <stddef.h>

/* The bands: max_iter form (max_iter > 0: max_iter / eta^k for k = 1..s,
 * while >= 1, as integers, ascending) or min_iter form (min_iter * eta^k,
 * k = 0.., up to max). Returns how many. */
size_t hyperband_bands(int min_iter, int max_iter, int s, double eta, long *bands, size_t max);

/* The threshold of one band: vals (n >= 1, already negated for maximize) is
 * sorted in place; the value at rank int(n / eta). */
double hyperband_threshold(double *vals, size_t n, double eta);

/* The band index (into bands) a trial with n logged values is judged at:
 * the largest band < n; -1 when it has passed none. */
int hyperband_closest(const long *bands, size_t nbands, size_t n);

#endif
