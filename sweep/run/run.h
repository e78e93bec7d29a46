/* run.h - running a sweep: the loop of `sweep run` and `sweep resume`.
 *
 * The only place that blocks. One thread: signals arrive through a
 * signalfd, trial ends through the executor (SIGCHLD, or a pidfd for trials
 * adopted from an earlier sweep process), logs are read by offset on a short
 * tick (and at once when inotify says they changed). A trial is finished
 * only when its process has ended and its log has been read to the end.
 * What to run comes from the searcher (search/searcher.h), how it runs from
 * the executor (sweep/exec/exec.h).
 *
 * The loop prints nothing: it tells an observer what happens, a line at a
 * time for people, its warnings, and its progress. */
#ifndef SWEEP_RUN_H
#define SWEEP_RUN_H

#include "store/store.h" /* enum trial_state */

#include <stddef.h>

struct space;
struct err;
struct value;
struct executor;

/* The state of a sweep, for a progress line. */
struct run_progress {
    size_t active;                  /* trials running now */
    long long counts[TRIAL_NSTATES];
    long long total;                /* -1: unbounded */
    int have_best;
    double best;                    /* the objective of the best trial so far */
    long long best_trial;
    double elapsed;                 /* seconds */
    int stopping;                   /* a first Ctrl-C came */
};

struct run_observer {
    /* A line for people ("trial 3 completed in 2.1s: mAP 0.61"), no newline. */
    void (*say)(void *ctx, const char *line);
    /* Something that went wrong beside the work and did not stop it
     * ("nvidia-smi: did not answer within 20 s"): shown even when the lines
     * are not. */
    void (*warn)(void *ctx, const char *line);
    /* The progress, at most every RUN_PROGRESS_S while the sweep runs; NULL
     * for none (the loop then also sleeps longer). */
    void (*progress)(void *ctx, const struct run_progress *p);
    void *ctx;
};

#define RUN_PROGRESS_S 0.5

/* The loop's time. The system's by default; a test's clock (tests/fake_exec.h)
 * moves on only when the loop would wait, so that a test drives the loop
 * through timeouts, stagger and grace periods with no sleep. */
struct run_clock {
    double (*mono)(void *ctx);      /* seconds, monotonic: deadlines */
    double (*now)(void *ctx);       /* seconds since the epoch: what the store records */
    /* Where the loop would block in poll() for up to seconds: instead, the
     * descriptors are polled without waiting and this is called (a test's
     * clock moves on). NULL: poll() waits. */
    void (*pass)(void *ctx, double seconds);
    void *ctx;
};

struct run_opts {
    const struct space *sp;
    struct store *st;
    const char *dir;                /* the sweep directory, absolute */
    const char *cwd;                /* where trials run */
    struct run_observer obs;        /* may be all NULL */
    /* The executor the trials run on; NULL: the one the sweep file names
     * (executor: local or slurm). A caller's is not freed by the loop. */
    struct executor *exec;
    const struct run_clock *clock;  /* NULL: the system's */
};

struct run_result {
    int interrupted;                /* 1: stopped by a signal, trials stopped; 2: second
                                       signal, trials left running */
    int signal;                     /* the (last) signal that stopped it */
    size_t left_running;            /* interrupted == 2: trials still running */
    char failed_fast[400];          /* fail_fast stopped the sweep: why; "" if not */
    long long launched;             /* trial starts, retries included */
    long long finished;
};

int run_sweep(const struct run_opts *o, struct run_result *res, struct err *e);

#endif
