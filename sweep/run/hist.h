/* hist.h - each trial's logged values of the objective, by step: W&B's
 * "metric history", which early termination and the rungs read. Values are
 * kept as losses (smaller is better): this is the one place of the run loop
 * where the goal's sign is applied. Pure. */
#ifndef SWEEP_RUN_HIST_H
#define SWEEP_RUN_HIST_H

#include <stddef.h>

struct early_hist;

struct hist {
    long long *step;
    double *v;               /* losses, in step order */
    size_t n, cap;
};

struct run_hist {
    struct hist *t;          /* by trial id */
    size_t n;
    int maximize;            /* the goal: values are negated into losses */
    int changed;             /* new values since the reader last cleared it */
};

void hist_init(struct run_hist *h, int maximize);
void hist_release(struct run_hist *h);
/* The objective as logged becomes a loss, and back. */
double hist_loss(const struct run_hist *h, double value);
double hist_value(const struct run_hist *h, double loss);
/* Trial id logged value at step (a step again: the last value wins). */
void hist_put(struct run_hist *h, long long id, long long step, double value);
/* store_metric_values' callback: ctx is the struct run_hist. */
void hist_load_cb(long long trial, long long step, double value, void *ctx);
/* Its values are gone (it runs again from scratch). */
void hist_clear(struct run_hist *h, long long id);
/* Its last loss (NaN if none), and how many it has. */
double hist_last(const struct run_hist *h, long long id);
size_t hist_count(const struct run_hist *h, long long id);
/* Every trial's losses as stop_early.h reads them (h->n of them; free the array). */
struct early_hist *hist_early_view(const struct run_hist *h);

#endif
