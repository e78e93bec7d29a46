/* slurm_int.h - what the Slurm executor's files share (not for other
 * modules: they use slurm.h): its state, each job as it follows it, and
 * the helpers of slurm.c that slurm_query.c calls.
 *
 *   slurm.c        submitting (sbatch), stopping (scancel), adopting after a
 *                  crash, a job's end from its record and Slurm's word
 *   slurm_query.c  following the jobs: one query at a time (squeue, sacct)
 *                  as a helper in the run loop's poll set, how often */
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

struct sjob {
    long long id, trial;
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
};


/* slurm.c */
int slurm_run(struct slurm_x *s, char **argv, char *const *envp, char **out, struct err *e);
long *slurm_counter(struct slurm_x *s, const char *cmd); /* the stats' count of cmd */
void slurm_say_error(struct err *e, const char *cmd, const char *out);
int slurm_have_record(const char *dir, int *clean);
void slurm_settle(struct slurm_x *s, struct sjob *j);
void slurm_cancel_job(struct slurm_x *s, struct sjob *j, int term);

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
