/* run_int.h - what the files of the run loop share: the loop's state and
 * one slot per trial it follows. Not for other modules: they use run.h.
 *
 *   loop.c     the loop: signals, waiting, deadlines, stop requests
 *   launch.c   the queue, slots, writing a trial's files and starting it
 *   follow.c   reading logs and results files into the store; inotify
 *   finish.c   recording how a trial ended; retries and OOM requeues
 *   outcome.c  classifying how a trial ended (pure)
 *   gpus.c     GPU holds, nvidia-smi answers, estimates
 *   promote.c  applying the searcher's rung decisions
 *   prune.c    early termination in the loop
 *   preempt.c  the machine configuration's opt-in preemption
 *   resume.c   rebuilding the loop's state from the store */
#ifndef SWEEP_RUN_INT_H
#define SWEEP_RUN_INT_H

#include "sweep/run/run.h"
#include "sweep/run/hist.h"
#include "sweep/run/queue.h"
#include "machine/ledger.h"
#include "sweep/run/machine_cfg.h"
#include "search/searcher.h"
#include "search/stop_early.h"
#include "sweep/exec/exec.h"
#include "sweep/exec/executors.h"
#include "sweep/gpu/gpu.h"
#include "sweep/gpu/concur.h"
#include "sweep/gpu/learn.h"
#include "sweep/gpu/pack.h"
#include "sweep/ingest/tail.h"
#include "base/cpuset.h"
#include "base/spawn.h"
#include "base/util.h"

#include <stddef.h>
#include <string.h>
#include <sys/types.h>

struct value;
struct render_ctx;
struct mparser;
struct searcher;

#define RUN_MAX_NODE_REQUEUES 3 /* a trial whose jobs' nodes failed: requeued this often */
#define RUN_NOT_NOW_S 10.0      /* the executor said "not now": the next start after this */
#define RUN_TICK_S 0.2           /* how often running trials' logs are read */
#define RUN_RESULTS_SCAN_S 1.0   /* how often a trial's directory is searched for its
                                    results file until found */
#define RUN_RESULTS_DEPTH 4      /* how deep */
#define RUN_SMI_EVERY_S 5.0      /* gpus: auto - how often nvidia-smi is asked */
#define RUN_SMI_TIMEOUT_S 20.0   /* and how long it may take */
#define RUN_LEDGER_S 1.0         /* how often trials waiting for GPUs that other sweeps hold
                                    look at the machine ledger again */
#define RUN_YIELD_MAX_S 10.0     /* the longest freed room is left to another sweep that
                                    does not take it */
#define RUN_IDLE_WAIT_S 3600.0   /* the longest poll() when nothing is due */
#define RUN_MAX_POLL 4096        /* descriptors in one poll() */
#define RUN_STOP_REASON "stopped by the user (sweep stop)" /* a trial sweep stop named */
#define RUN_PREEMPTED "preempted"  /* the start of a preempted trial's stop reason */
#define RUN_MAX_LINE 1200        /* a line to the observer; longer ones are cut */

struct slot {
    int used;
    long long id;
    int attempt;
    struct exec_job job;     /* its process, as the executor knows it */
    int ended;               /* its process has ended */
    char *dir;               /* trial directory */
    char *mfile;             /* the file the parser reads */
    char *log;               /* stdout.log */
    struct tail_pos tp;      /* where mfile is read; tp.offset is committed with the rows */
    char *rfile;             /* the trainer's results file (results.csv...), NULL until found */
    struct tail_pos rtp;     /* where it is read (from its start again after a resume:
                                its rows are stored again, the same) */
    struct mparser *rmp;     /* its parser, authoritative over mfile's for its columns */
    double rscan;            /* when the trial's directory was last searched for it */
    int log_missing;         /* its deletion was reported */
    int log_error;           /* a read error was reported */
    int twice_said;          /* a line giving one name twice was warned of */
    long long log_size;      /* of stdout.log when last seen (stall detection) */
    struct mparser *mp;
    double start_mono, last_out_mono;
    enum trial_state stop_state; /* when stopping: the state to record */
    char *stop_reason;       /* NULL unless we asked it to stop */
    char *diverged;          /* its objective became nan or inf (why), while reading its
                                log in a transaction: stopped after it (read_logs) */
    double kill_at;          /* SIGKILL then (monotonic), 0 if not due */
    long asha_rung;          /* the ASHA rung it was judged at (values), 0 if none */
    int ifd, wd;             /* inotify watch of mfile's directory; wd -1 if none */
    int g;                   /* GPU packing: index into sched.gpus, -1 if none */
    double est_mib;          /* the memory reserved for it (-1: the whole GPU) */
    double peak_mib;         /* the most it was seen using; -1 unknown */
    double held_mib;         /* what it adds to its GPU's reserved_mib now */
    char *kind;              /* what its estimate depends on (learning) */
    pid_t pgid;              /* its trainer's process group, 0 unknown */
    int dirty;               /* inotify: mfile changed since it was last read */
    char exec_state[112];    /* its state in its executor's words, as the store has it */
    char ref_stored[32];     /* its executor's name for it (job.ref), as the store has it */
    int job_waited;          /* it was last seen waiting in its executor's queue */
    long long top_step;      /* the highest step its rows reached */
    long long obs_step;      /* max_per_gpu: auto - top_step when it last grew... */
    double obs_at;           /* ...seen then (monotonic; 0 not yet) */
    struct cpuset cpus;      /* resources.cpus: the cores it is pinned to */
    int ncpus;               /* how many (0: not pinned) */
};

/* NVIDIA MPS (resources.share: mps; mps.c alone). */
struct run_mps {
    int on;
    char *prog;              /* nvidia-cuda-mps-control, as found on PATH */
    char *pipe, *log;        /* DIR/mps/pipe, DIR/mps/log */
    char *pidfile;           /* DIR/mps/control.pid: "pid start" */
    long pid;                /* the control daemon */
    long long start;
};

/* CPU isolation (resources.cpus; cpus.c alone). */
struct run_cpus {
    int on;
    int per;                 /* cores per trial (auto: set at the first trial) */
    int shared;              /* auto with more trials than cores: ours share the least
                                loaded */
    struct cpuset allowed;   /* the cores this sweep may use */
    int *load;               /* our trials on each core (CPUSET_MAX) */
    struct cpuset next;      /* picked for the trial being started (launch.c) */
    int has_next;
    int blocked;             /* a trial waits for cores that other sweeps hold */
};

/* GPU packing in the loop (resources.gpus: auto or a list): what each GPU
 * holds, nvidia-smi's answers, the estimates trials teach. Owned by gpus.c;
 * the other files ask it through gpus.c's functions. */
struct run_gpus {
    int on;                  /* packing: resources.gpus is auto or a list */
    struct pack_cfg pc;
    struct pack_gpu *gpus;
    size_t n;
    const char *const *nodes; /* an executor's machines (srun: the allocation's nodes), each
                                 with the declared GPUs (pack_gpu.node); NULL: this one */
    double next_smi;         /* gpus: auto - when nvidia-smi is asked next (monotonic) */
    struct gpu_query smi;    /* nvidia-smi while it runs (smi.phase != 0) */
    struct learn_table learned;
    double blocked_mib;      /* the first waiting trial fits nowhere now: what it needs */
    struct concur concur;    /* max_per_gpu: auto - what trials at once achieved */
    struct run_gpu_look {    /* per GPU: the trials on it when it was last looked at */
        unsigned long long sig;
        int n;
        double changed;      /* when they were seen to change (monotonic) */
    } *look;
};

/* This sweep in the machine ledger (machine.c alone). */
struct run_machine {
    struct ledger *l;        /* NULL: not coordinated */
    char *dir;               /* our holds' key: the sweep directory */
    uid_t uid;
    char user[64];
    long pid;                /* this sweep process: its identity */
    long long pid_start;
    struct ledger_view view; /* every sweep's holds, as last read */
    int said;                /* "not coordinated" was said */
    double next_counts;      /* when sweep ps's counts are written next (monotonic) */
    double next_reclaim;     /* when dead holders are looked for next (monotonic) */
    double last_charge;      /* when our holds were last charged to our user (monotonic) */
    double waiting_since;    /* since when a trial of ours waits for room (wall; 0 none) */
    double yield_since;      /* since when we leave freed room to another sweep (monotonic) */
    struct machine_cfg cfg;  /* shares, limits, the window */
    char **staged;           /* stage: the copies' paths (sp->nstages), NULL none */
};

struct sched {
    const struct run_opts *o;
    const struct run_clock *clk; /* o->clock, or the system's */
    int own_exec;            /* exec is the file's (freed at the end), not the caller's */
    const struct space *sp;
    struct store *st;
    struct searcher *search;
    struct executor *exec;
    const struct exec_def *def; /* its line of executors.h's table */
    struct slot *slots;      /* twice max_parallel: a trial that has ended but is
                                not yet recorded must not hold up the next launch */
    size_t nslots;
    size_t running;          /* slots in use, ended or not */
    size_t active;           /* of those, not ended: what max_parallel limits */
    long long total;         /* -1: unbounded */
    struct run_queue queue;  /* trials to (re)start before new ones (launch.c) */
    long long counts[TRIAL_NSTATES];
    int stopping;            /* a first SIGINT/SIGTERM came: launch nothing more */
    int stop_signal;
    int target_reached;
    double last_launch;
    int sigfd;
    double last_progress;
    double t0;
    int have_best;
    double best;
    long long best_trial;
    struct metric_batch batch;
    struct run_result *res;
    /* early_terminate */
    int early;               /* on: objective histories are kept */
    struct early rules;
    struct run_hist hist;    /* the objective's history (follow.c writes, prune.c reads) */
    int ifd;                 /* early termination: inotify on the logs, else -1 */
    int rungs;               /* the searcher decides rungs (halving, hyperband) */
    struct run_gpus g;       /* GPU packing's holds and estimates (gpus.c alone) */
    struct run_machine m;    /* this sweep in the machine ledger (machine.c alone) */
    struct run_cpus c;       /* CPU isolation (cpus.c alone) */
    struct run_mps mps;      /* NVIDIA MPS (mps.c alone) */
    double next_tick;        /* when every running trial's log is read next (monotonic) */
    double next_preempt;     /* when preemption is looked at next (monotonic) */
    int exec_failing;        /* the executor's last poll failed (said once) */
    double not_now_until;    /* the executor takes no trial until then (monotonic), 0 */
    int not_now_said;        /* and that was said (until a start succeeds) */
    /* fail_fast, over this run */
    long long *ff_first;     /* the first fail_first trials it started, in start order */
    size_t ff_nfirst;
    long long ff_first_failed; /* of those, how many failed for good */
    long long ff_streak;     /* failures in a row, in the order trials end */
    int ff_ok;               /* one completed or was pruned */
};

/* A trial stopped by preemption (preempt.c): pending again at once, to
 * continue from its checkpoint. Told by its recorded reason, so that a
 * resumed sweep knows it too. */
static inline int run_preempted(const struct slot *sl)
{
    return sl->stop_reason && sl->stop_state == TRIAL_PENDING &&
           !strncmp(sl->stop_reason, RUN_PREEMPTED, sizeof RUN_PREEMPTED - 1);
}

/* A slot's cores as Linux lists them: "0-3", "" none. */
static inline void cpus_text(const struct slot *sl, char *buf, size_t n)
{
    if (sl->ncpus) cpuset_format(&sl->cpus, buf, n);
    else if (n) buf[0] = '\0';
}

/* The loop's clocks (run.h's struct run_clock). */
static inline double run_mono(const struct sched *s)
{
    return s->clk->mono(s->clk->ctx);
}
static inline double run_now(const struct sched *s)
{
    return s->clk->now(s->clk->ctx);
}

/* The files, lowest first: each calls only files above it in this list
 * (scripts/check-deps.sh fails on a cycle of more than three).
 *   queue.c, hist.c  pure pieces with their own headers (queue.h, hist.h)
 *   say.c            the observer's lines
 *   machine.c        this sweep in the machine ledger (machine_cfg.c: the
 *                    machine configuration, pure reading)
 *   slot.c           a slot's paths, parser and inotify watch
 *   gpus.c           GPU holds and estimates
 *   cpus.c           CPU cores of trials (resources.cpus)
 *   mps.c            NVIDIA MPS: the sweep's control daemon (resources.share)
 *   executor.c       which executor; its job states to the store
 *   stop.c           stop decisions, recorded, then signalled
 *   follow.c         reading logs into the store
 *   promote.c        the searcher told; rung decisions
 *   prune.c          early termination
 *   finish.c         a trial's end recorded; retries, requeues, fail_fast
 *   launch.c         starting trials
 *   preempt.c        stopping a trial of ours for another user's long wait
 *   prior.c, resume.c  before the first turn
 *   loop.c           the loop */

/* say.c */
void say(struct sched *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void warn(struct sched *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* machine.c */
/* Opened, registered (the local executor's sweeps); -1 when the machine
 * configuration has errors (e: the first, FILE:LINE:COL). */
int machine_setup(struct sched *s, struct err *e);
void machine_teardown(struct sched *s); /* unregistered, closed */
/* Before placement: dead holders reclaimed, every hold read. 1 when the
 * ledger was made anew and our holds must be written again. */
int machine_sync(struct sched *s);
/* A hold for trial before it starts, if the GPU has room beside every
 * sweep's holds: 1 (or no ledger), 0 another sweep was first. */
int machine_reserve(struct sched *s, long long trial, int gpu_id, double mib, double capacity,
                    double strangers, const char *cpus);
/* Its hold as it stands (started, adopted, written again), grown, gone.
 * gpu_id -1: a trial on CPU cores only (cpus: its cores, "" none). */
void machine_hold(struct sched *s, long long trial, int gpu_id, double mib, int whole,
                  const struct exec_job *job, pid_t pgid, const char *cpus);
/* The CPU cores other sweeps' trials hold. */
void machine_cpus_theirs(const struct sched *s, struct cpuset *out);
void machine_grow(struct sched *s, long long trial, double mib, pid_t pgid);
void machine_release(struct sched *s, long long trial);
/* What other sweeps hold on a GPU (MiB; their trials; one whole); whether a
 * process group is one of their trainers'. */
double machine_shared(const struct sched *s, int gpu_id, int *ntrials, int *whole);
int machine_theirs(const struct sched *s, pid_t pgid);
/* Our counts for sweep ps and what we held since the last time, charged to
 * our user (at most every few seconds). */
void machine_counts(struct sched *s, double waiting_mib, double held_mib);
/* Fair share: 1 when our next trial should leave the room to another
 * sweep's waiting trial that fits (fits(ctx, mib)) - one whose user holds
 * less of the machine for their share, or at equal standing waits longer. */
int machine_yields(struct sched *s, int (*fits)(void *ctx, double mib), void *ctx);
/* A trial of ours started: the wait of a trial still waiting begins anew. */
void machine_started(struct sched *s);
/* Preemption (preempt: in the machine configuration): another user's sweep
 * whose trial has waited for room longer than preempt.after, while that
 * user holds less than their share of capacity (MiB, every GPU) and ours
 * more. 1 with *o filled (pointers into the ledger's view, valid until the
 * next sync), or 0. */
struct machine_owed {
    const char *dir, *user;  /* the waiting sweep, its user */
    double mib;              /* what its first trial waits for (< 0: a whole GPU) */
    double since, waited;    /* when its wait began (wall), for how long (s) */
    double after;            /* preempt.after */
    double ours_mib, ours_due_mib, theirs_mib; /* what our user holds, is due; theirs holds */
};
int machine_owed(const struct sched *s, double capacity, struct machine_owed *o);
/* 1 when we are the first to stop a trial (this one) for that wait; 0 when
 * another sweep did, or the ledger failed. */
int machine_claim(struct sched *s, const struct machine_owed *o, long long trial);
/* 1 when our user holds memory on as many other GPUs as the machine
 * configuration lets them (max_gpus): this one is not for us now. */
int machine_barred(const struct sched *s, int gpu_id);
/* The GPU memory the machine configuration lets our user's trials hold at
 * once (MiB; 0: no limit). */
double machine_limit_mib(const struct sched *s);
/* stage: each entry copied once per machine (machine/stage.h) before the
 * first trial; -1 with e (the copy does not fit, the source is not there).
 * Their paths for ${stage}... (NULL: none). */
int machine_stage(struct sched *s, struct err *e);
char *const *machine_staged(const struct sched *s);
/* Seconds until the ledger is to be read again for waiting trials. */
double machine_wait(const struct sched *s);

/* mps.c */
/* Started (or the daemon of the sweep before taken over); -1 with e where
 * MPS cannot run here. */
int mps_setup(struct sched *s, struct err *e);
/* A trial's MPS environment in r (est: its memory, of capacity). */
void mps_trial(const struct sched *s, struct render_ctx *r, double est, double capacity);
/* Told to quit when no trial runs; freed. */
void mps_teardown(struct sched *s);

/* cpus.c */
int cpus_setup(struct sched *s);
void cpus_teardown(struct sched *s);
/* Cores for a trial (mem: its GPU estimate, for auto): 0, or -1 when none
 * are free now. */
int cpus_pick(struct sched *s, double mem, struct cpuset *out);
void cpus_take(struct sched *s, struct slot *sl, const struct cpuset *set);
/* A trial followed again after a restart: its stored cores. */
void cpus_adopt(struct sched *s, struct slot *sl, const char *list);
void cpus_release(struct sched *s, struct slot *sl);

/* slot.c */
/* The file whose presence says a trial can continue from its checkpoint
 * (rerun.if_exists, rendered, absolute): a new string; "" when rerun has no
 * if_exists (it always continues); NULL when the file has no rerun. */
char *slot_checkpoint(const struct space *sp, const struct render_ctx *r, const char *dir);
void slot_init(struct slot *sl);    /* empty: no descriptors, no GPU */
void slot_release(struct slot *sl); /* frees what it holds, then slot_init */
struct slot *free_slot(struct sched *s);
int slot_setup(struct sched *s, struct slot *sl, long long id, const struct value *params,
               struct err *e);
void init_steps_cb(const char *name, long long step, void *ctx);
void watch_slot(struct sched *s, struct slot *sl);
void read_inotify(struct sched *s);

/* stop.c */
/* Decides that a running trial ends in state (recorded in the store with
 * its event, so that a resumed sweep honours it), then signals it. */
void request_stop(struct sched *s, struct slot *sl, enum trial_state state, const char *reason,
                  const char *event);
/* Stops the whole sweep (why: "SIGINT", "fail_fast"): nothing more is
 * launched, the running trials are interrupted (pending again: the next
 * resume runs them). */
void stop_sweep(struct sched *s, const char *why);
/* Signals a trial to stop with what was decided (already recorded). */
void signal_stop(struct sched *s, struct slot *sl, enum trial_state state, const char *reason);

/* launch.c */
int more_to_launch(const struct sched *s);
int launch_ready(struct sched *s, struct err *e);

/* follow.c */
int ingest(struct sched *s, struct slot *sl, int final, struct err *e);
/* Stops the trials whose objective became nan or inf (after the reads' commit). */
void stop_diverged(struct sched *s);

/* finish.c */
int finish(struct sched *s, struct slot *sl, struct err *e);
/* A trial ended in state (why: its reason): fail_fast stops the sweep when
 * the file's rule says so. */
void fail_fast(struct sched *s, long long id, enum trial_state state, const char *why);
/* A trial starts: one of the first fail_first of this run, fail_fast's
 * first rule waits for their ends (start order: trials that fail at once
 * do not outrun the slow good ones). */
void fail_fast_started(struct sched *s, long long id);

/* gpus.c */
int gpu_setup(struct sched *s, struct err *e);
/* Before placement: what other sweeps hold on each GPU (the machine ledger). */
void gpu_sync(struct sched *s);
/* 1 when some GPU has room for mib now (< 0: a GPU to itself). */
int gpu_room_for(const struct sched *s, double mib);
/* What our trials hold on the GPUs now (MiB). */
double gpu_held(const struct sched *s);
/* The machine ledger's hold for trial id on GPU gi (-1: CPU cores only)
 * before it starts, with its cores (cpus, "" none): 1, or 0 when another
 * sweep took the room first (placed again next turn). */
int gpu_reserve(struct sched *s, long long id, int gi, double mem, const char *cpus);
void gpu_teardown(struct sched *s);
double trial_estimate(struct sched *s, long long id, const struct value *params, char **kind);
char *trial_kind(struct sched *s, long long id);
void gpu_take(struct sched *s, struct slot *sl, int gi, double est);
void gpu_release(struct sched *s, struct slot *sl);
double largest_capacity(const struct sched *s);
/* How many trials of mem each (<= 0 unknown: one) the GPUs hold at once
 * (max_per_gpu where smaller). */
int gpu_trials_at_once(const struct sched *s, double mem);
/* Every GPU's capacity (less headroom), added up (MiB). */
double gpu_capacity(const struct sched *s);
/* 1 when a trial of mib (< 0: a whole GPU) would fit on sl's GPU once sl's
 * trial is gone. */
int gpu_fits_freed(const struct sched *s, const struct slot *sl, double mib);
void slot_peak(struct sched *s, struct slot *sl, double mib);
void gpu_refresh(struct sched *s);   /* starts nvidia-smi when it is due */
void gpu_smi_read(struct sched *s);  /* its output is readable, or its deadline passed */
/* The GPU (index) a trial (of kind, for max_per_gpu: auto; NULL: none)
 * fits on now, -1 none; 1 if it never could. */
int gpu_choose(struct sched *s, double mem, double now, const char *kind);
/* max_per_gpu: auto - what the trials running together on each GPU made
 * since the last look, told to the learner (each turn). */
void gpu_concur_tick(struct sched *s);
int gpu_never_fits(const struct sched *s, double mem);
/* GPU gi's id, what a trial there is told (its id as text, its total and
 * usable memory for est). */
int gpu_id(const struct sched *s, int gi);
void gpu_describe(const struct sched *s, int gi, double est, double *total_mib,
                  double *mem_mib);
/* How many trials to come to keep as pending rows (learns: a method that
 * learns keeps no more than could start now). */
size_t gpu_window(const struct sched *s, int learns);
/* The executor's machine GPU gi is on (its name), NULL this one. */
const char *gpu_node(const struct sched *s, int gi);
/* GPU gi as the store has it: its id ("3"), or on an executor's machine
 * "NODE:ID". */
void gpu_text(const struct sched *s, int gi, char *out, size_t n);
/* The index of the GPU with this id (as the store has it), -1 none. */
int gpu_index(const struct sched *s, const char *id);
/* What trials taught: a larger estimate for one trial (out of memory), or
 * a peak for its kind (final: it completed). */
void gpu_learn_more(struct sched *s, long long id, double mib);
void gpu_learn_peak(struct sched *s, const char *kind, double mib, int final);
/* When the loop must wake for the GPUs (monotonic; a large number: never):
 * the next GPU whose stagger ends, nvidia-smi's next look or deadline; its
 * descriptor (-1 none), and whether its answer is to be read now. */
double gpu_stagger_due(const struct sched *s, double now);
double gpu_smi_due(const struct sched *s, double now);
int gpu_fd(const struct sched *s);
int gpu_smi_ready(const struct sched *s, int readable);

/* promote.c */
int trial_ended(struct sched *s, long long id, enum trial_state state, struct err *e);
/* Tells a learning searcher (bayes, evolve) what the store holds of t;
 * with_params: with its stored parameters (a resume). */
void observe_trial(struct sched *s, const struct trial_row *t, int with_params);
/* Tells the searcher t as result id (a prior's: negative) with how it ended
 * and its parameters (NULL: the searcher's own); its objectives read from
 * st (the sweep's store or a prior's). */
void observe_result(struct sched *s, struct store *st, const struct trial_row *t, long long id,
                    enum search_how how, const struct value *params);
/* With several objectives: trial id's objectives in st (the sweep's, or a
 * prior's), as losses (maximized ones negated) into objs[sp->nobjs], and
 * its constraints' violation; a store that cannot be read leaves them NaN
 * (the trial then ranks last) and says so. */
void trial_objectives(struct sched *s, struct store *st, long long id, double *objs, double *viol);
/* prior.c: an earlier sweep's results, told to bayes and evolve before
 * their first suggestion (prior: [DIR...]). */
int load_priors(struct sched *s, struct err *e);
int decide_rungs(struct sched *s, struct err *e);

/* prune.c */
void early_check(struct sched *s);

/* preempt.c: one of our trials stopped for another user's long wait, when
 * the machine configuration asks for it (at most once a second). */
void preempt_check(struct sched *s);

/* resume.c */
int resume(struct sched *s, struct err *e);

/* executor.c */
int run_executor(struct sched *s, struct err *e);  /* s->exec, as the file says */
void run_executor_done(struct sched *s);           /* its counts recorded; freed */
void run_executor_poll(struct sched *s);           /* once per turn; failures said once */
void run_exec_state(struct sched *s, struct slot *sl); /* a changed state to the store */
/* Executors' names for trials given after their start (a job array's
 * tasks, submitted at the executor's next poll): to the store, said. */
void run_exec_refs(struct sched *s);
/* How many trials may be started and not ended at once: max_parallel, or
 * what the executor queues ahead (space.h's in_flight). */
size_t run_in_flight(const struct space *sp);

#endif
