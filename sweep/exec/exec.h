/* exec.h - the executor seam: where and how a trial's process runs.
 *
 * The run loop gives an executor a trial to start (its argv and envp, built
 * by the loop, its directory and log), learns when it has ended (a
 * descriptor to poll, or exec_reap on every turn), stops it (SIGTERM, then
 * SIGKILL after the grace the loop keeps), and after a crash adopts it again
 * from what the store recorded (exec_adopt). How it ended is always read
 * from the trial directory (exit.json, written by the per-trial supervisor),
 * so a sweep learns the end of a trial it did not start.
 *
 * The executors are the lines of executors.c's table (executors.h): the
 * local one (local.c: sweep-supervisor on this machine, proc.h) and each
 * other in a folder of its own (slurm/: one batch job per trial, running the
 * same supervisor; and slurm/srun.c: inside an allocation, the local
 * supervisor runs the trainer as a job step on one of its nodes). Another
 * is one more folder and one table line.
 * The loop owns each struct exec_job (embedded in its slot); an executor
 * never prints and never touches the store. Errors: -1 with e filled
 * (err.h). */
#ifndef SWEEP_EXEC_H
#define SWEEP_EXEC_H

#include "sweep/exec/proc.h" /* struct proc_exit: how a trial ended */

#include <sys/types.h>

struct err;
struct executor;

/* What to start. */
struct exec_spec {
    const char *trial_dir;     /* absolute; exists */
    const char *cwd;           /* where the trainer runs */
    const char *log;           /* its stdout and stderr (opened O_APPEND) */
    char *const *argv;         /* argv[0] is looked up in PATH; no shell */
    char *const *envp;
    long long trial;           /* its number (an executor may name its job after it) */
    double mem_mib;            /* its GPU memory estimate, -1 none */
    const char *node;          /* an executor with nodes (exec_nodes): the one its GPU is on;
                                  NULL: the executor chooses */
    int ncpus;                 /* cores it asks for (resources.cpus), 0: the executor's default */
};

/* How a trial ended, as the executor knows it: from its record (exit.json:
 * the usual case), or in words of the executor's own that decide (a
 * batch system's time limit, a job cancelled by someone else, one that can
 * never run), or ended by the machine it ran on (a node failure,
 * preemption): run again, not a failure. */
enum exec_end { EXEC_END_RECORD, EXEC_END_FAILED, EXEC_END_REQUEUE };

/* One trial's process as the executor knows it. */
struct exec_job {
    pid_t pid;                 /* the supervisor; 0 none */
    long long pid_start;       /* its start time (proc_start_time): its identity */
    int fd;                    /* readable once it has ended (a pidfd); -1: exec_reap tells */
    int adopted;               /* started by an earlier sweep: not our child */
    int wstatus;               /* not adopted: the supervisor's wait status once reaped */
    int waiting;               /* it waits in its executor's queue (its time does not run) */
    char ref[32];              /* the executor's own name for it (a batch job's id, an array
                                  task's "42_7"), for the store and people; "" none (local:
                                  the pid says), or not yet: an executor may fill it on a
                                  later exec_reap (a job array submitted after the start) */
    long long trial;           /* the trial it runs (exec_start, exec_adopt fill it) */
    char state[112];           /* how the executor shows it ("PENDING (Resources)") */
    enum exec_end end;         /* once ended: what decides how */
    char why[256];             /* the executor's words, when end is not EXEC_END_RECORD */
    const char *stop_why;      /* exec_stop: why the run loop stops it ("pruned: ...", the
                                  caller's, only during the call; NULL: not said). Slurm
                                  writes it in the job's comment, so that accounting says
                                  why a job sweep ended shows CANCELLED or FAILED */
};

/* What the store recorded of a running trial, for exec_adopt. */
struct exec_record {
    const char *trial_dir;
    long long trial;
    pid_t pid;                 /* local: its supervisor, 0 none recorded */
    long long pid_start;
    const char *ref;           /* the executor's name for it (exec_job.ref), NULL none recorded */
};

/* What exec_adopt found. */
enum exec_found {
    EXEC_GONE,                 /* died with the sweep (or the machine): no record, no process */
    EXEC_ENDED,                /* it ended while no sweep was there: exit.json tells how */
    EXEC_ALIVE                 /* it runs: job filled, fd set where it can be */
};

struct exec_ops {
    const char *name;
    int (*start)(struct executor *x, const struct exec_spec *s, struct exec_job *j,
                 struct err *e);
    int (*reap)(struct executor *x, struct exec_job *j);
    int (*stop)(struct executor *x, const char *trial_dir, const struct exec_job *j, int sig);
    enum exec_found (*adopt)(struct executor *x, const struct exec_record *r,
                             struct exec_job *j);
    pid_t (*group)(struct executor *x, const char *trial_dir);
    /* optional (NULL: nothing to do) */
    int (*poll)(struct executor *x, struct err *e);
    int (*prepare_adopt)(struct executor *x, struct err *e);
    int (*recover)(struct executor *x, long long trial, const char *trial_dir,
                   struct exec_job *j);
    double (*wake)(struct executor *x);
    void (*free)(struct executor *x);
    int (*fd)(struct executor *x);
    size_t (*nodes)(struct executor *x, const char *const **names);
    int (*room)(struct executor *x, const char *node, int ncpus);
};

struct executor {
    const struct exec_ops *ops;
};

/* The local executor (sweep-supervisor next to the sweep binary). Static:
 * never freed. */
struct executor *exec_local(void);

/* Starts a trial: j gets its supervisor and identity. -1 with e->code
 * EAGAIN: not now (Slurm refuses more jobs for a while): start it later;
 * ENXIO: no trial can start here (no Slurm configuration): stop. */
int exec_start(struct executor *x, const struct exec_spec *s, struct exec_job *j, struct err *e);
/* 1 once the trial's process has ended (without blocking); then j->wstatus
 * holds its wait status if it was our child. */
int exec_reap(struct executor *x, struct exec_job *j);
/* Sends sig (SIGTERM or SIGKILL) to the trial's trainer group (its pid in
 * trainer.pid), or before the trainer has started to its supervisor, which
 * passes it on. 0, or -1 with errno (ESRCH: gone). */
int exec_stop(struct executor *x, const char *trial_dir, const struct exec_job *j, int sig);
/* After a crash: is the trial that the store recorded still there? Local: a
 * supervisor whose pid was never recorded is found by its trial directory;
 * Slurm: a job whose id was never recorded, by its name. j->pid, pid_start
 * and job_id then tell the one found. Call exec_prepare_adopt first. */
enum exec_found exec_adopt(struct executor *x, const struct exec_record *r, struct exec_job *j);
/* Before the first exec_adopt: what it needs in one go (Slurm: the sweep's
 * jobs in the queue). -1 when that cannot be known: nothing may then be
 * started again, or a trial could run twice. */
int exec_prepare_adopt(struct executor *x, struct err *e);
/* Before a trial is started again after a start the executor could not
 * be sure of (sbatch timed out: the controller may have queued the job all
 * the same): 1 when that start did happen (j describes it: follow it, and
 * leave the trial's files as they are), 0 when it must be started. */
int exec_recover(struct executor *x, long long trial, const char *trial_dir,
                 struct exec_job *j);
/* Once per turn of the loop, before exec_reap: what the executor asks of
 * the outside (Slurm: one query for all jobs, when due). 0: the outside
 * answered (or there is none to ask); 1: no answer this turn (none due, or
 * one on its way); -1: it could not (e says why; the loop goes on and asks
 * again). */
int exec_poll(struct executor *x, struct err *e);
/* Seconds until the executor wants a turn (exec_poll), or a large number. */
double exec_wake(struct executor *x);
/* A descriptor the loop polls for reading beside its own (the output of a
 * query the executor runs as a helper: Slurm's squeue), -1 none; when it is
 * readable, the loop's next exec_poll reads it without waiting. */
int exec_fd(struct executor *x);
/* The machines an executor places trials on itself, each with the GPUs
 * the sweep file declares (srun: the allocation's nodes): how many, names
 * in *names (the executor's). 0: one machine, this one. */
size_t exec_nodes(struct executor *x, const char *const **names);
/* 1 when a trial of ncpus cores (0: the executor's default) could start
 * now on node (NULL: any), 0 when it would wait for one to end (srun: the
 * allocation's cores are taken). Executors without a limit of their own: 1. */
int exec_room(struct executor *x, const char *node, int ncpus);
/* Releases an executor (the local one is static: nothing). */
void exec_free(struct executor *x);
/* The trainer's process group, once known (0 before): what GPU memory
 * reports are matched with. */
pid_t exec_group(struct executor *x, const char *trial_dir);
/* How it ended: 1 (x filled), 0 no record yet, -1 unreadable (e filled). */
int exec_result(const char *trial_dir, struct proc_exit *x, struct err *e);
/* Releases what j holds (its pidfd). */
void exec_job_release(struct exec_job *j);
/* Frees a NULL-terminated array of strings and the strings. */
void exec_free_strv(char **v);

/* The environment a trial of the local executor gets on the machine sweep
 * runs on: envp as a login shell there would have it. Inside a batch
 * system's allocation, less the variables of the job step sweep may run in,
 * so that a trainer's own srun makes a step of the allocation
 * (slurm/allocation.c). A new array of envp's strings (free the array
 * only). */
char **exec_host_env(char *const *envp);

#endif
