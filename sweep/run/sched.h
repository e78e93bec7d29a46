/* sched.h - running a sweep's trials on this machine.
 *
 * The only place that blocks. One thread: signals arrive through a
 * signalfd, trial exits through SIGCHLD (or a pidfd for trials adopted
 * from an earlier sweep process), and logs are read by offset on a short
 * tick. A trial is finished only when its supervisor has ended and its log
 * has been read to the end. */
#ifndef SWEEP_SCHED_H
#define SWEEP_SCHED_H

struct space;
struct store;
struct err;

struct sched_opts {
    const struct space *sp;
    struct store *st;
    const char *dir;        /* the sweep directory, absolute */
    const char *cwd;        /* where trials run */
    int quiet;              /* no per-trial lines */
};

struct sched_result {
    int interrupted;        /* 1: stopped by a signal, trials stopped; 2: second
                               signal, trials left running */
    long long launched;     /* trial starts, retries included */
    long long finished;
};

int sched_run(const struct sched_opts *o, struct sched_result *res, struct err *e);

#endif
