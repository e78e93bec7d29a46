/* fake_exec.h - a fake executor and a fake clock, so that a unit test
 * drives the real run loop (sweep/run/run.h) with no process and no sleep,
 * the way SQLite's tests replace its disk through the VFS.
 *
 * The clock moves on only when the loop would wait (run_clock.pass), by as
 * much as the loop would have waited. Its time lives in a shared mapping, so
 * that a test that crashes the loop in a forked child (fake_crash) goes on
 * from the child's time.
 *
 * The executor starts nothing: each start is a job in its table, and once
 * per turn of the loop (its poll hook) the test's play function is called
 * for every job that runs, with the seconds since its start, to write lines
 * to the trial's log (fake_log), end it (fake_exit, fake_killed), or lose it
 * (fake_lose: gone with no record, as with a dead machine). A stop ends the
 * job by the signal at once, unless the test made it stubborn (then only
 * SIGKILL does). How a job ended is written to the trial directory as the
 * real supervisor writes it (exit.json), so the loop reads it the same. */
#ifndef SWEEP_TEST_FAKE_EXEC_H
#define SWEEP_TEST_FAKE_EXEC_H

#include "sweep/exec/exec.h"
#include "sweep/run/run.h"

#include <stddef.h>

struct fake_clock {
    double *t;               /* monotonic seconds (shared mapping) */
    double epoch;            /* wall time at t = 0 */
    long passes;             /* times the loop would have waited */
    struct run_clock rc;
};

void fake_clock_init(struct fake_clock *c);
void fake_clock_release(struct fake_clock *c);

enum fake_state { FAKE_RUNNING, FAKE_ENDED, FAKE_LOST };

struct fake_job {
    long long trial;
    int start_no;            /* its trial's starts in this executor, 1 first */
    pid_t pid;               /* a made-up number, never a process */
    char *dir, *log;
    char **argv, **envp;     /* copies of what it was started with */
    double started;          /* clock time */
    enum fake_state state;
    int terms;               /* SIGTERMs it got */
    int stubborn;            /* ignores SIGTERM */
    int adopted;             /* found again after a crash (its start is not known) */
    int lines;               /* lines fake_log wrote */
    int queued;              /* it waits in the fake's queue (its ref and state say so) */
    enum exec_end end;       /* once ended: what decides how (fake_lost_machine: requeue) */
    char why[128];
};

struct fake;
typedef void (*fake_play)(struct fake *f, struct fake_job *j, double t, void *ctx);

struct fake {
    struct executor x;       /* first: what the loop is given */
    struct fake_clock *clk;
    fake_play play;
    void *ctx;
    struct fake_job *jobs;
    size_t njobs;
    double step;             /* the loop gets a turn at least this often (seconds) */
    int refuse;              /* the next start is refused with this errno (EAGAIN, ENXIO) */
    int refusals;            /* starts refused so far */
    int adopt_alive;         /* after a crash, a job with no exit.json runs on (else gone) */
    int batch;               /* a batch system: each job gets a ref, waits queued until
                                fake_run, and the state shows it */
};

struct fake *fake_new(struct fake_clock *c, fake_play play, void *ctx);
void fake_free(struct fake *f);

/* A line (printf format, a newline added) to the job's log. */
void fake_log(struct fake_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The job ends: with an exit code; killed by a signal; gone without a record. */
void fake_exit(struct fake *f, struct fake_job *j, int code);
void fake_killed(struct fake *f, struct fake_job *j, int sig);
void fake_lose(struct fake_job *j);
/* Its machine failed (the executor says: run it again), with these words. */
void fake_lost_machine(struct fake_job *j, const char *why);
/* A queued job (fake.batch) starts to run: from now its time counts. */
void fake_run(struct fake *f, struct fake_job *j);
/* The environment variable name of what j was started with, or NULL. */
const char *fake_env(const struct fake_job *j, const char *name);
/* How many jobs trial has had; its latest, or NULL. */
int fake_starts(const struct fake *f, long long trial);
struct fake_job *fake_latest(struct fake *f, long long trial);

#endif
