/* spawn.h - running a helper program (nvidia-smi, squeue, gnuplot's
 * siblings) with a fixed argv, never through a shell, and collecting what it
 * prints.
 *
 * A struct spawn_job runs it beside a poll() loop: the caller polls
 * job->fd for POLLIN, calls spawn_job_read() when it is readable, and
 * spawn_job_finish() once that returned 1 or the job's deadline passed, so
 * that a hung helper never blocks the loop. Errors come back as -1 with e
 * filled (e may not be NULL). Nothing here is signal-safe. */
#ifndef SWEEP_SPAWN_H
#define SWEEP_SPAWN_H

#include "base/util.h"

#include <signal.h>
#include <sys/types.h>

struct err;

/* The signals a child gets back at their default action (the parent may
 * ignore or block them): SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT,
 * SIGCHLD, SIGUSR1, SIGUSR2, SIGXFSZ. */
void spawn_default_signals(sigset_t *set);

/* Most of a helper's output that is kept; the rest is read and dropped. */
#define SPAWN_MAX_OUTPUT (1 << 24)

struct spawn_job {
    pid_t pid;              /* 0 when none runs */
    int fd;                 /* read end of its stdout+stderr, O_NONBLOCK; -1 once at EOF */
    struct sb out;          /* what it printed so far */
    double deadline;        /* monotonic: killed if still running then */
};

/* Starts argv (PATH lookup) with stdin /dev/null. -1 if it could not start
 * (e->code ENOENT: not found); the job is then left with pid 0. */
int spawn_job_start(struct spawn_job *j, char *const argv[], double timeout, struct err *e);
/* The same with the environment envp. */
int spawn_job_start_env(struct spawn_job *j, char *const argv[], char *const envp[],
                        double timeout, struct err *e);
/* Runs argv to its end (envp NULL: ours), at most timeout seconds: what it
 * printed (stdout and stderr; *out, caller frees) and its exit status. -1
 * if it could not start or was killed at the deadline. */
int spawn_run(char *const argv[], char *const envp[], double timeout, char **out, int *status,
              struct err *e);
/* Reads what is there. 1 at EOF (the helper closed its output), else 0. */
int spawn_job_read(struct spawn_job *j);
/* Ends the job: kills it if it is past its deadline and not done, reaps it
 * (waits; after EOF that is immediate), and hands over its output (*out,
 * caller frees) and exit status (128 + the signal if one killed it). -1
 * with "did not answer within" when it had to be killed. The job is then
 * empty again. */
int spawn_job_finish(struct spawn_job *j, const char *name, double timeout, char **out,
                     int *status, struct err *e);

#endif
