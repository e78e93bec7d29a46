/* throughput.h - how fast trials train, alone and packed (docs/reports.md,
 * "Throughput"): each trial's rate (steps per hour between its first and
 * last row of a metric: an estimate while it runs), how many of the
 * sweep's trials ran beside it on its GPU (time-averaged over its run,
 * itself included; the whole sweep's trials without GPUs), the sweep's
 * trainings per hour, and the packing gain: the aggregate rate of trials
 * that ran packed against the rate of comparable trials (the same memory
 * estimate: the same model size) that ran alone. */
#ifndef SWEEP_THROUGHPUT_H
#define SWEEP_THROUGHPUT_H

#include <stddef.h>

struct store;
struct err;

#define TPUT_ALONE 1.25  /* at_once below this: it ran alone */
#define TPUT_PACKED 1.5  /* at or above: it ran packed */

struct tput_trial {
    long long id;
    int state;                /* enum trial_state */
    char *gpu;                /* as the store has it; NULL none */
    double mem_est;           /* its memory estimate (its kind); -1 none */
    double started, ended;    /* ended 0: still running (to now) */
    long long steps;          /* steps between its first and last row */
    double secs;              /* the time between them */
    double rate;              /* steps per hour; -1 unknown (fewer than two steps) */
    double at_once;           /* trials running beside it, itself included (time average) */
};

struct tput {
    struct tput_trial *t;     /* in id order */
    size_t n;
    long long completed;
    double hours;             /* first start to last end (or now), 0 none */
    double per_hour;          /* completed trials per hour; -1 unknown */
    long long running;
    double now_rate;          /* the running trials' rates added up (steps per hour) */
    long long alone_n, packed_n;
    double alone_rate;        /* median rate of trials that ran alone; -1 none */
    double packed_at_once;    /* median at_once of trials that ran packed; -1 none */
    double gain;              /* median of rate x at_once / the alone rate of its kind,
                                 over packed trials whose kind also ran alone; -1 unknown */
};

/* From p->t (n trials, their rates known): at_once of each and the
 * summary, at time now (wall seconds). */
void tput_compute(struct tput *p, double now);
/* Reads the trials that started and their rows of metric (NULL: any) and
 * computes. 0 or -1 with e. */
int store_throughput(struct store *st, const char *metric, double now, struct tput *p,
                     struct err *e);
void tput_release(struct tput *p);

#endif
