/* slurm.h - the Slurm executor (exec.h): one job per trial, each running
 * sweep-supervisor as its batch script (a two-line script whose #! line is
 * the supervisor; no shell), followed with one squeue at a time for all of
 * the sweep's jobs, more often just after changes and less when nothing
 * changes, stopped with scancel. docs/slurm.md tells users
 * what happens; the facts it rests on are in docs/design.md "Slurm".
 *
 * slurm_cmd.c: the sbatch command line and reading what squeue, scontrol
 * and sacct print (pure, tested in tests/test_slurm.c); slurm.c: the
 * executor, which runs them (spawn.h: a fixed argv, never a shell);
 * slurm_query.c: its queries of the queue (slurm_int.h). */
#ifndef SWEEP_SLURM_H
#define SWEEP_SLURM_H

#include "sweep/exec/exec.h"
#include "base/util.h" /* struct sb */

#include <stddef.h>

struct err;

struct space;
struct diag;

/* The sweep file's slurm section as read (slurm_spec.c). */
struct slurm_spec {
    char *partition, *account, *qos, *constraint; /* NULL: not given */
    char *mem;              /* --mem as written (16G); NULL: not given */
    double time;            /* --time, seconds; 0: none (timeout's when there is one) */
    int gpus;               /* per trial: --gres=gpu:N (or shards); 0: none */
    int cpus;               /* --cpus-per-task; 0: not given */
    int share_shard;        /* share: shard - GPUs shared by memory (gres/shard) */
    int shards_per_gpu;     /* shards: how many one GPU has (share: shard) */
    double gpu_mib;         /* share: shard - one GPU's memory (gpu_memory), MiB */
    char **args;            /* more sbatch options, one argv element each */
    size_t nargs;
    double poll;            /* the shortest wait between two looks at the queue, seconds */
    double poll_max;        /* the longest, while nothing changes */
    char *shared_dir;       /* trial directories under SHARED_DIR/TAG, not DIR/trials */
    int array;              /* array: true - the trials as tasks of job arrays */
};

/* executors.h's configure: reads sp's slurm section into sp->exec_opts,
 * checks the rest of the file against it, sets its defaults (8 jobs at a
 * time unless resources.max_parallel says). */
void slurm_configure(struct space *sp, struct diag *d);
/* The section as read (NULL: not configured). */
const struct slurm_spec *slurm_spec_of(const struct space *sp);

/* What each job asks for (the sweep file's slurm section). */
struct exec_slurm_opts {
    const char *partition, *account, *qos, *constraint, *mem; /* NULL: not given */
    double time;            /* --time in seconds, 0 none */
    int gpus;               /* GPUs per trial, 0 none */
    int cpus;               /* --cpus-per-task, 0 not given */
    int share_shard;        /* GPUs as gres/shard in proportion to the memory estimate */
    int shards_per_gpu;
    double gpu_mib;         /* share: one GPU's memory, MiB (resources.memory's unit) */
    char *const *args;      /* more sbatch options */
    size_t nargs;
    double poll;            /* the shortest wait between two squeue, seconds */
    double poll_max;        /* the longest while nothing changes (slurm_query.c) */
    const char *tag;        /* the sweep's: its jobs are named TAG-TRIAL */
    int array;              /* trials go as tasks of job arrays (TAG-aK), ... */
    int throttle;           /* ... at most this many running at once (resources.max_parallel) */
};

/* The most tasks in one array: Slurm's default MaxArraySize is 1001 (task
 * ids 0 to 1000); more trials are more arrays, one after another. */
#define SLURM_ARRAY_MAX 1000

/* Commands run so far (bench/slurm_scale.sh reports them). listed: job ids
 * named in all squeue calls, i.e. the queries one query per job would have
 * cost. */
struct slurm_stats {
    long sbatch, squeue, scontrol, sacct, scancel;
    long listed;
};

/* What each job of sp asks for; tag: the sweep's (strings are sp's). */
void slurm_opts(const struct space *sp, const char *tag, struct exec_slurm_opts *o);

/* The executor; exec_free releases it. */
struct executor *exec_slurm(const struct exec_slurm_opts *o, struct err *e);
const struct slurm_stats *exec_slurm_stats(struct executor *x);

/* Without the executor (sweep stop when no sweep runs): cancels trial's
 * job (ref: its id, or an array task's "42_7"), SIGTERM to its supervisor
 * (term) or the whole job, once squeue shows the job under the trial's
 * name (an array task: its array's, and the task recorded in trial_dir).
 * -1 with errno ESRCH when it does not. */
int slurm_cancel_trial(const char *ref, const char *tag, long long trial, const char *trial_dir,
                       int term, struct err *e);
/* Without the executor: cancels every job of this user that squeue shows
 * under one of the sweep's names (TAG-N, TAG-aN: proven the sweep's by its
 * name), except those in skip (n refs: cancelled as their trials'). The
 * number cancelled, or -1 (e). */
long slurm_cancel_sweep(const char *tag, const char *const *skip, size_t n, struct err *e);

/* slurm_cmd.c */

/* The sweep's tag: "sweep-" and 8 hex digits of its creation time as the
 * store keeps it (to the microsecond, never changed: a file extended with
 * more trials keeps its tag), so that two sweeps' jobs do not share a name
 * and a resume from any path finds the same. */
void slurm_tag(char out[32], double created);
/* A job's name: TAG-TRIAL. */
void slurm_job_name(char *out, size_t n, const char *tag, long long trial);
/* A job array's name: TAG-aK (K: its number in the sweep). */
void slurm_array_name(char *out, size_t n, const char *tag, int k);
/* A job's name for people and the store: "42", or an array task's "42_7"
 * (task >= 0). */
void slurm_ref(char *out, size_t n, long long id, int task);
/* Reads one: 1 (id, task: -1 for a job), 0 when it is not one. */
int slurm_parse_ref(const char *ref, long long *id, int *task);
/* sbatch's argv for job array k of the tasks ids ("0-9", "0-3,5"),
 * throttle at once, its batch script at script, the tasks' files in adir
 * (ADIR/I.task, and ADIR/I.log: a link to the trial's log, its --output). */
char **slurm_array_argv(const struct exec_slurm_opts *o, int k, const char *cwd,
                        const char *adir, const char *script, const char *ids, int throttle);
/* sbatch's argv for a trial (NULL-terminated; exec_free_strv), its batch
 * script at script; exclude: nodes it must not run on (--exclude), NULL
 * none. */
char **slurm_sbatch_argv(const struct exec_slurm_opts *o, const struct exec_spec *s,
                         const char *script, const char *exclude);
/* --time as Slurm reads it (D-HH:MM:SS), rounded up to a minute. */
void slurm_fmt_time(char *out, size_t n, double seconds);
/* The job id in sbatch --parsable's answer ("42" or "42;cluster"), or -1. */
long long slurm_parse_jobid(const char *out);
/* What `squeue --version` prints ("slurm 22.05.8") as 10000 x major + 100
 * x minor + patch (220508); 0 when it does not read so. */
int slurm_parse_version(const char *out);
/* squeue has --only-job-state (fetches states alone: cheaper for the
 * controller) from this version on */
#define SLURM_ONLY_STATE_VERSION 240500
/* The line of a Slurm command's output that says what went wrong ("Batch
 * job submission failed: ..."), appended to b; the last non-empty line if
 * none does. */
void slurm_error_line(const char *out, struct sb *b);

/* What sbatch's refusal means. */
enum slurm_refusal {
    SLURM_REFUSED_UNSURE,   /* a timeout: the controller may have queued the job all the same */
    SLURM_REFUSED_BUSY,     /* the controller unreachable: nothing queued; the same later */
    SLURM_REFUSED_POLICY,   /* "job violates accounting/QOS policy": a submit limit (later)
                               or a QOS's minimums (never): the queue tells which */
    SLURM_REFUSED_SWEEP,    /* every job of the sweep would be refused (a partition, account,
                               QOS, gres or time the cluster does not have or allow) */
    SLURM_REFUSED_JOB,      /* this job (its size, its node configuration) */
};
enum slurm_refusal slurm_refusal(const char *out);
/* path for --output: sbatch reads %j, %x... in it, so a literal % is %%. */
void slurm_output_path(struct sb *b, const char *path);

/* One job as squeue (or sacct, or scontrol) shows it. */
struct slurm_row {
    long long id;           /* a job's, or an array task's array job id */
    int task;               /* an array task's id, -1 a job */
    char state[32];         /* PENDING, RUNNING, COMPLETED, ... (sacct's "CANCELLED by 0": CANCELLED) */
    char reason[64];        /* squeue's %r ("Resources"; "None") */
    char name[128];
    char exit[16];          /* "3:0" where known, else "" */
    char nodes[128];        /* squeue's %N: the nodes it ran on ("" pending, or not asked) */
};

/* Reads the rows of squeue -o '%i|%T|%r|%j|%N' (fields after the state may
 * be left out: --only-job-state's '%i|%T') or sacct -P -o
 * JobID,State,ExitCode,JobName into rows (caller frees). The count. An
 * array task's id reads 42_7 (squeue -r); a line of pending tasks not
 * shown one by one (42_[7-9%2]) and sacct's steps (42.batch) are left out. */
size_t slurm_parse_rows(const char *out, int sacct, struct slurm_row **rows);
/* Fills row from scontrol -o show job's line (JobState, Reason,
 * ExitCode, JobName; an array task's ArrayJobId and ArrayTaskId). 1 if it
 * named a job. */
int slurm_parse_scontrol(const char *out, struct slurm_row *row);

enum slurm_phase { SLURM_WAITING, SLURM_RUNNING, SLURM_ENDED };
/* What a state means here. */
enum slurm_phase slurm_state_phase(const char *state);
/* A pending reason with which the job can never run as submitted. */
int slurm_never_runs(const char *reason);
/* How an ended job's end is decided, with the executor's words in why:
 * EXEC_END_RECORD (exit.json decides: COMPLETED, FAILED with a record,
 * CANCELLED by sweep), EXEC_END_FAILED or EXEC_END_REQUEUE. have_record: an
 * exit.json is there; ours: sweep cancelled it. */
enum exec_end slurm_end(const struct slurm_row *r, int have_record, int ours, const char *time_limit,
                        char *why, size_t n);

#endif
