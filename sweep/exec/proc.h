/* proc.h - starting, watching and stopping trial processes.
 *
 * A trial is a tiny supervisor (sweep-supervisor, a small static program
 * next to sweep: docs/design.md says why) in its own session, and the
 * trainer it starts in a process group of its own. Both write to the trial's log file
 * directly, never through a pipe to sweep, so both survive the death of
 * sweep. The supervisor waits for the trainer and writes exit.json into
 * the trial directory (a temp file, then rename), so a sweep that did not
 * start a trial can still learn how it ended. Stopping a trial is SIGTERM
 * to its group, then SIGKILL after a grace period. */
#ifndef SWEEP_PROC_H
#define SWEEP_PROC_H

#include <signal.h>
#include <sys/types.h>

struct err;

struct proc_exit {
    int has_code;       /* exited normally with code */
    int code;
    int signal;         /* killed by this signal (0 if none) */
    int core;           /* dumped core */
    char error[512];    /* the trainer could not be started ("" if it was) */
    int leftovers;      /* processes it left behind, stopped by the supervisor */
    double started, ended;
};

/* Starts the supervisor of a trial (sweep-supervisor, found next to the
 * sweep binary), which starts the trainer in cwd with argv and envp. The
 * log is opened O_APPEND (created if needed) as the trial's stdout and
 * stderr; stdin is /dev/null. *pid: the supervisor. */
int proc_start(const char *trial_dir, const char *cwd, const char *log_path,
               char *const argv[], char *const envp[], pid_t *pid, struct err *e);

/* Reads DIR/exit.json: 1 if it exists (x filled), 0 if not, -1 on error. */
int proc_read_exit(const char *trial_dir, struct proc_exit *x, struct err *e);

/* Sends sig to the trial's trainer group, or before the trainer has started
 * to its supervisor (which passes it on; SIGKILL as SIGUSR1) - only to a
 * process proven to be the trial's, since pids are reused: the group when
 * its leader still has the start time trainer.pid recorded, or, the leader
 * gone, when a member of the group carries the trial's SWEEP_TRIAL_DIR; the
 * supervisor when its start time is supervisor_start (0 unknown: never).
 * Every signal sweep sends to a trial goes through here. 0, or -1 with
 * errno (ESRCH: nothing of the trial is left to signal). */
int proc_stop(const char *trial_dir, pid_t supervisor, long long supervisor_start, int sig);
/* TRIAL_DIR/trainer.pid: the trainer's pid (= its process group) and its
 * start time (0 when an older supervisor wrote only the pid). 1 if there. */
int proc_read_trainer(const char *trial_dir, pid_t *pid, long long *start);
/* 1 if process pid's environment (read whole) has SWEEP_TRIAL_DIR=trial_dir. */
int proc_has_env(pid_t pid, const char *trial_dir);
/* 1 when a user process shows no environment: it is in the middle of an
 * exec (its new one is not set up yet), so whose it is cannot be told now. */
int proc_env_unsure(pid_t pid);

/* The start time of a process (clock ticks after boot, /proc/PID/stat
 * field 22), to tell a pid from a reused one; -1 if there is no such
 * process, or it has ended (a zombie). */
long long proc_start_time(pid_t pid);
/* 1 when pid is alive and still the process that had start time start
 * (not pid 1, not an unknown start): the identity every check uses. */
int proc_alive(pid_t pid, long long start);

/* The signals the supervisor takes with sigwaitinfo (blocked from its
 * birth): SIGCHLD, and SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to
 * pass on. */
void proc_supervisor_signals(sigset_t *set);

/* The live sweep-supervisor process of trial_dir (found by its command
 * line in /proc), or 0; *start gets its start time. */
pid_t proc_find_supervisor(const char *trial_dir, long long *start);

/* A Slurm job array's task (slurm.array): what the supervisor of task I
 * runs, kept in the array's directory as I.task (written before the
 * sbatch; sweep-supervisor --array-job reads it). NUL-terminated strings:
 * the trial's environment (NAME=VALUE each), an empty one, then the trial
 * directory, the directory to run in and the trainer's argv. */
int proc_write_task(const char *path, char *const envp[], const char *trial_dir, const char *cwd,
                    char *const argv[], struct err *e);
/* Reads one: *buf (free it) holds the strings, *env and *args (free the
 * arrays only) point into it, NULL-terminated; args: trial directory, cwd,
 * the trainer's argv (at least one element). 0, or -1 with e (not such a
 * file). */
int proc_read_task(const char *path, char **buf, char ***env, char ***args, struct err *e);

/* "SIGKILL" for 9. */
const char *proc_signal_name(int sig);
/* sweep-supervisor's path: next to this binary (build tree or install). */
const char *proc_supervisor_path(void);

#endif
