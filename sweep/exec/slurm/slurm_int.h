/* slurm_int.h - what the Slurm executor's files share (not for other
 * modules: they use slurm.h): its state, each job as it follows it, and
 * the helpers of slurm.c that slurm_query.c calls.
 *
 *   slurm.c        submitting (sbatch), stopping (scancel), adopting after a
 *                  crash, a job's end from its record and Slurm's word
 *   slurm_query.c  following the jobs: one query at a time (squeue, sacct)
 *                  as a helper in the run loop's poll set, how often
 *   slurm_array.c  slurm.array: the trials started in one turn of the loop
 *                  submitted together as one job array, its throttle kept */
#ifndef SWEEP_SLURM_INT_H
#define SWEEP_SLURM_INT_H

#include "sweep/exec/slurm/slurm.h"
#include "base/spawn.h"

#define SLURM_CMD_TIMEOUT_S 60.0  /* the longest an sbatch, squeue... may take */
#define SLURM_SETTLE_S 10.0       /* a failed record waits this long for Slurm's state */
#define SLURM_HOLD_S 2.0          /* a query unanswered this long: no sbatch until it is */
#define SLURM_SOON_S 0.3          /* the next poll after a stop or a failed record */
#define SLURM_MISSING_POLLS 2     /* polls a job is absent from before it is settled */
#define SLURM_RECORD_WAIT_S 30.0  /* an ended job's exit.json may show late on a shared
                                     filesystem (NFS caches lookups): waited for this long */

/* A trial started for the next job array, not submitted yet: what its
 * task will run. */
struct gather {
    char **argv, **envp;
    char *cwd, *log;
};

struct sjob {
    long long id, trial;          /* id: the job's, or its array's (0: not submitted yet) */
    int task;                     /* its task in that array, -1 a job of its own */
    int arr;                      /* the array (slurm_x.arrays) it was submitted in, -1 none
                                     (a job, or a task adopted after a crash) */
    struct gather *g;             /* not submitted yet: in the next array */
    int cancel_queued;            /* a pending task sweep stops: cancelled with the others of
                                   its array in one scancel at the next poll */
    char *dir;
    struct slurm_row row;         /* as the queue last showed it */
    int missing;                  /* polls it was absent from */
    int ours;                     /* sweep cancelled it */
    int ended;
    enum exec_end end;
    char why[256];
    double failed_record_at;      /* exit.json says it failed: Slurm's state may say why */
    double no_record_at;          /* Slurm says it ended, no exit.json seen yet */
    double started_at;            /* when it was first seen running (its trainer.pid, or the
                                     queue), monotonic; 0 not yet */
};

struct slurm_x {
    struct executor x;
    struct exec_slurm_opts o;
    char **owned;                 /* the strings o points to */
    size_t nowned;
    char time_limit[32];
    struct sjob *jobs;
    size_t njobs;
    double next_poll;             /* the next squeue, monotonic */
    double interval;              /* the current wait between two: from o.poll, doubled while
                                     nothing changes, up to o.poll_max (slurm_query.c) */
    struct spawn_job q;           /* the query in flight (q.pid 0: none) */
    int qkind;                    /* what it is (slurm_query.c's enum) */
    double q_started;
    int version;                  /* squeue's, as 10000 x major + 100 x minor; 0 not known
                                     yet, -1 not to be asked */
    char down[256];               /* the last query failed (its words): the controller is down
                                     or overloaded; submissions wait for an answer */
    struct excl {                 /* the nodes a trial's jobs failed on (NODE_FAIL): its next
                                     job excludes them (--exclude); kept while sweep runs */
        long long trial;
        char nodes[256];
    } *excl;
    size_t nexcl;
    int only_state;               /* squeue --only-job-state works here (24.05 on): 1 yes,
                                     0 no */
    int sacct;                    /* 1 works, 0 disabled here, -1 not yet known */
    struct slurm_row *listing;    /* prepare_adopt: the sweep's jobs in the queue */
    size_t nlisting;
    long long *unsure;            /* trials whose sbatch may have queued a job all the same
                                     (a timeout): looked up by name before the next sbatch */
    size_t nunsure;
    struct slurm_stats st;
    struct sarray {               /* the job arrays this sweep submitted, in order */
        int k;                    /* its number: TAG-aK, DIR/arrays/K */
        long long id;             /* its array job id, 0 not yet */
        int ntasks, throttle;
        int unsure;               /* its sbatch timed out: looked up by name first */
    } *arrays;
    size_t narrays;
    double array_next;            /* no submission before (monotonic): Slurm was busy */
    struct spawn_job *bg;         /* commands run beside the loop (scancel), not waited for */
    size_t nbg;
};


/* slurm.c */
struct sjob *slurm_track(struct slurm_x *s, long long id, int task, long long trial,
                         const char *dir);
void slurm_untrack(struct slurm_x *s, struct sjob *j);
long long slurm_find_by_name(struct slurm_x *s, const char *name);
void slurm_refused(struct slurm_x *s, const char *out, struct err *e);
/* A job's name in Slurm: TAG-TRIAL, an array task's TAG-aK. */
void slurm_sjob_name(const struct slurm_x *s, const struct sjob *j, char *out, size_t n);
int slurm_run(struct slurm_x *s, char **argv, char *const *envp, char **out, struct err *e);
long *slurm_counter(struct slurm_x *s, const char *cmd); /* the stats' count of cmd */
void slurm_say_error(struct err *e, const char *cmd, const char *out);
int slurm_have_record(const char *dir, int *clean);
void slurm_settle(struct slurm_x *s, struct sjob *j);
/* DIR/job.sh, a batch script: "#!SUPERVISOR FLAG" and a comment saying
 * what it is; its path (free), or NULL (e). */
char *slurm_write_script(const char *dir, const char *flag, const char *what, struct err *e);
/* A command sweep does not wait for (scancel), run beside the loop. */
void slurm_run_beside(struct slurm_x *s, char **argv);
/* scancel of j (term: SIGTERM to its batch step), run beside the loop. */
void slurm_cancel_job(struct slurm_x *s, struct sjob *j, int term);
/* The commands run beside the loop that have ended are reaped; wait: all,
 * each to its end (at most SLURM_CMD_TIMEOUT_S). */
void slurm_reap_beside(struct slurm_x *s, int wait);

/* slurm_array.c: a trial started for the next array (j filled: waiting,
 * no ref yet); submitting what was gathered (once per poll, when it may:
 * no earlier array has tasks still pending, and the throttle leaves
 * room); the last array's throttle raised as earlier ones' tasks end;
 * 1 when a submission is due now (the loop should take a turn). A task's
 * array and task id, from TRIAL_DIR/array_task: 1 if it has one. */
int slurm_gather(struct slurm_x *s, const struct exec_spec *sp, struct exec_job *j);
void slurm_array_submit(struct slurm_x *s);
void slurm_array_throttle(struct slurm_x *s);
/* The pending tasks sweep stopped since the last poll: one scancel per
 * array (ID_[3,5-9]), run beside the loop. */
void slurm_array_cancel(struct slurm_x *s);
int slurm_array_due(const struct slurm_x *s);
int slurm_array_task_of(const char *trial_dir, int *k, int *task);
void slurm_gather_free(struct gather *g);

/* slurm_query.c: the executor's poll, fd and wake (exec.h); slurm_due:
 * ask the queue no later than at (monotonic), and from the shortest wait
 * again (a submission, a cancel, a record that needs Slurm's word). */
int slurm_poll(struct executor *x, struct err *e);
int slurm_fd(struct executor *x);
double slurm_wake(struct executor *x);
void slurm_due(struct slurm_x *s, double at);
/* The query in flight, if any, is killed and reaped (the executor is freed). */
void slurm_query_release(struct slurm_x *s);

#endif
