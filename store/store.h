/* store.h - the sweep's durable record: DIR/sweep.db, the single source of
 * truth (docs/schema.md). Only store.c knows SQL; every value is bound.
 *
 * One writer (the running `sweep run`) and any number of readers. The
 * writer uses WAL, so readers never block it. Every state change is one
 * transaction, and a batch of metric rows commits together with the log
 * offset it was read up to: each row is ingested exactly once. */
#ifndef SWEEP_STORE_H
#define SWEEP_STORE_H

#include <stddef.h>

struct err;
struct space_input;

/* A metric row: what a parser gives and store_ingest records. */
struct metric {
    char *name;         /* owned by the batch */
    long long step;
    double value;       /* NaN for nan/-nan; stored as NULL */
};

struct metric_batch {
    struct metric *rows;
    size_t n, cap;
};

void metric_batch_init(struct metric_batch *b);
void metric_batch_reset(struct metric_batch *b);   /* n = 0, frees the names */
void metric_batch_release(struct metric_batch *b);

#define STORE_SCHEMA_VERSION 8

enum trial_state {
    TRIAL_PENDING,
    TRIAL_RUNNING,
    TRIAL_COMPLETED,
    TRIAL_FAILED,
    TRIAL_PRUNED,
    TRIAL_STOPPED,
    TRIAL_NSTATES
};

const char *store_state_name(enum trial_state s);
int store_state_parse(const char *name); /* -1 if unknown */

struct store_sweep {
    char *spec_path;       /* the file as given to sweep run */
    char *spec_text;
    char *spec_hash;
    char *cwd;             /* where trials run */
    char *method;
    char *objective;       /* metric.name or NULL */
    int maximize;
    int summary_last;
    long long total;       /* -1: unbounded */
    long long seed;
    double created;
    char *version;
};

void store_sweep_release(struct store_sweep *s);

struct trial_row {
    long long id;
    char *params;          /* JSON */
    char *argv;            /* JSON, or NULL */
    enum trial_state state;
    char *reason;
    int attempts;
    long long pid;         /* supervisor = process group; 0 if none */
    long long pid_start;   /* its start time (proc_start_time), 0 if none */
    double queued, started, ended;   /* 0 if not yet */
    int has_exit_code, exit_code, exit_signal;
    long long log_offset;
    int has_objective;
    double objective;
    long long objective_step;
    long long last_step;   /* -1 if no metric yet */
    double last_output;    /* time of the last metric row, 0 if none */
    int rung;              /* halving/hyperband: its budget level, 0 = smallest; -1 otherwise */
    long long parent;      /* the trial it was promoted from; -1 if none */
    double mem_est;        /* GPU memory reserved for it, MiB; -1 if none */
    double mem_peak;       /* the most GPU memory it was seen using, MiB; -1 if unknown */
    char *gpu;             /* the GPUs it ran on, as CUDA_VISIBLE_DEVICES ("0", "0,1"); NULL if none recorded */
    int stop_state;        /* v5: the state sweep decided it ends in (pruned, stopped,
                              failed) while it ran; -1 none */
    char *stop_reason;     /* and why; NULL none */
    char *exec_ref;        /* v7: its executor's name for it, where not a local pid (a
                              Slurm job's id); NULL none (v6 stores: their job_id) */
    char *exec_state;      /* v7: how the executor last showed it ("PENDING
                              (Resources)"); NULL none */
    char *cpus;            /* v8: the CPU cores it was pinned to ("0-3"); NULL none */
};

void trial_row_release(struct trial_row *t);

struct store;

/* Opens (and creates when create is set) DIR/sweep.db for writing. */
struct store *store_open(const char *path, int create, struct err *e);
/* Opens for reading only; never blocks the writer. */
struct store *store_open_ro(const char *path, struct err *e);
void store_close(struct store *st);

int store_init_sweep(struct store *st, const struct store_sweep *s, struct err *e);
/* 0 and *s filled, 1 if the store has no sweep row yet, -1 on error. */
int store_get_sweep(struct store *st, struct store_sweep *s, struct err *e);
/* Replaces the stored file by a compatible extension of it. */
int store_update_spec(struct store *st, const char *path, const char *text, const char *hash,
                      long long total, struct err *e);
/* The objective that store_ingest keeps up to date in trials.objective. */
void store_set_objective(struct store *st, const char *name, int maximize, int summary_last);

int store_begin(struct store *st, struct err *e);
int store_commit(struct store *st, struct err *e);
void store_rollback(struct store *st);
/* Ends the transaction store_begin opened: commits when rc is 0, else rolls
 * back. 0, or -1 (e filled when the commit failed). Call sites read
 * `if (store_begin(st, e)) ...; rc = a || b; if (store_settle(st, rc, e))`. */
int store_settle(struct store *st, int rc, struct err *e);
/* Is the store's file still the one that was opened (not deleted, not
 * replaced)? 0, or -1 with e saying which. Cheap (one stat): the run loop
 * asks every turn, since SQLite writes on into an unlinked file. */
int store_check(struct store *st, struct err *e);

/* What the sweep file took from outside its text (struct space_input):
 * replaced whole, in one transaction unless one is open. */
int store_put_inputs(struct store *st, const struct space_input *in, size_t n, struct err *e);
/* Every stored input, by name; *out (caller frees with store_inputs_free)
 * is NULL with *n 0 when there is none (a store from before schema 4). */
int store_get_inputs(struct store *st, struct space_input **out, size_t *n, struct err *e);
void store_inputs_free(struct space_input *in, size_t n);

/* Each of these is one transaction unless called between begin and commit. */
int store_trial_add(struct store *st, long long id, const char *params_json, struct err *e);
/* The same for halving/hyperband: its rung, and the trial it was promoted from (-1: none). */
int store_trial_add_rung(struct store *st, long long id, const char *params_json, int rung,
                         long long parent, struct err *e);
/* GPU packing: the GPU a trial starts on and the memory reserved for it. */
/* The CPU cores a trial runs on (resources.cpus), as Linux lists them. */
int store_trial_cpus(struct store *st, long long id, const char *cpus, struct err *e);
int store_trial_gpu(struct store *st, long long id, const char *gpu, double mem_est,
                    struct err *e);
/* The decision to end a running trial (pruned, stopped, failed with a
 * timeout...), before it is signalled: a resumed sweep records the trial in
 * that state whether it is still running, ended meanwhile, or is gone.
 * Starting or requeueing the trial clears it. */
int store_trial_decide(struct store *st, long long id, enum trial_state state,
                       const char *reason, struct err *e);
/* mem_peak >= 0: raises the trial's measured peak to it; else sets its
 * estimate (a trial requeued after running out of memory). */
int store_trial_mem(struct store *st, long long id, double mem_est, double mem_peak,
                    struct err *e);
/* Sets an ended trial's state and reason (a configuration not promoted
 * becomes pruned; a promoted one says where it went). */
int store_trial_mark(struct store *st, long long id, enum trial_state state, const char *reason,
                     struct err *e);
int store_trial_start(struct store *st, long long id, const char *argv_json, long long pid,
                      long long pid_start, double started, struct err *e);
/* The supervisor of a started trial (recorded after it is started). */
/* An executor that names its trials' processes itself (Slurm: a job id):
 * that name, and how the executor shows it now. */
int store_trial_set_ref(struct store *st, long long id, const char *ref, const char *state,
                        struct err *e);
int store_trial_exec_state(struct store *st, long long id, const char *state, struct err *e);
/* When it began to run (a queued job: later than its submission). */
int store_trial_started(struct store *st, long long id, double started, struct err *e);
int store_trial_set_pid(struct store *st, long long id, long long pid, long long pid_start,
                        struct err *e);
int store_trial_end(struct store *st, long long id, enum trial_state state, const char *reason,
                    int has_code, int code, int sig, double ended, struct err *e);
/* Back to pending for another attempt; the log offset restarts at 0 (the
 * caller rotated the log). Its metrics stay: a trial resumed from its
 * checkpoint continues them. */
int store_trial_requeue(struct store *st, long long id, const char *reason, struct err *e);
/* Back to pending as if the attempt just recorded had not been made (the
 * executor did not take it: a refused submission is not an attempt, so its
 * next start is not a rerun). */
int store_trial_unstart(struct store *st, long long id, const char *reason, struct err *e);
/* A trial that starts again from scratch: its earlier metrics go. */
int store_trial_fresh(struct store *st, long long id, struct err *e);
/* Metric rows and the new log offset, in one transaction. A row whose
 * (trial, name, step) exists replaces it: the last value wins. */
int store_ingest(struct store *st, long long trial, const struct metric *rows, size_t n,
                 long long new_offset, double now, struct err *e);
int store_event(struct store *st, long long trial, const char *kind, const char *detail,
                struct err *e);

/* Reading. */
int store_counts(struct store *st, long long counts[TRIAL_NSTATES], struct err *e);
/* The details of the sweep's last n events of kind, newest first. */
typedef void (*store_detail_cb)(const char *detail, double time, void *ctx);
int store_last_events(struct store *st, const char *kind, int n, store_detail_cb cb, void *ctx,
                      struct err *e);
/* How many events of kind a trial has (-1 on error): its retries, say. */
/* The last n events (of trial; trial < 0: all), oldest first. */
typedef void (*store_event_cb)(long long id, double time, long long trial, const char *kind,
                               const char *detail, void *ctx);
int store_recent_events(struct store *st, long long trial, int n, store_event_cb cb, void *ctx,
                        struct err *e);
long long store_event_count(struct store *st, long long trial, const char *kind, struct err *e);
long long store_max_trial(struct store *st, struct err *e); /* -1 if none */
int store_get_trial(struct store *st, long long id, struct trial_row *t, struct err *e);
/* 1 found, 0 not */

/* ORDER_RANK: every trial, best first. ORDER_CONFIGS: the same, one row per
 * configuration: a trial promoted to a higher rung (halving, hyperband) is
 * left out for the trial it became, and trials that ended at a rung
 * (completed, or pruned there) rank together, the highest rung first. */
enum store_order { ORDER_ID, ORDER_RANK, ORDER_CONFIGS };
typedef int (*store_trial_cb)(const struct trial_row *t, void *ctx);
/* Calls cb for trials (all, or only those in state when state >= 0), in
 * id or rank order, at most limit (0 = all). cb returning non-zero stops. */
int store_each_trial(struct store *st, enum store_order order, int state, long long limit,
                     store_trial_cb cb, void *ctx, struct err *e);
/* The trials that changed after since (a time): queued, started, ended or
 * logged a metric since, and every running one; by id. */
int store_trials_since(struct store *st, double since, store_trial_cb cb, void *ctx,
                       struct err *e);
/* Every metric row, by trial, name and step. cb returning non-zero stops. */
typedef int (*store_metric_cb)(long long trial, const char *name, long long step, int has_value,
                               double value, double time, void *ctx);
int store_each_metric(struct store *st, store_metric_cb cb, void *ctx, struct err *e);
/* Every non-NaN value of one metric, by trial then step. */
typedef void (*store_value_cb)(long long trial, long long step, double value, void *ctx);
int store_metric_values(struct store *st, const char *name, store_value_cb cb, void *ctx,
                        struct err *e);
/* The last step number of each metric of a trial (to continue counting). */
/* The values of metric name logged after since (a time; <= 0: all of
 * them), trial by trial in step order, each with the time it was logged;
 * only: NULL, or the trials ",3,17," (ids between commas). */
typedef void (*store_row_cb)(long long trial, long long step, double value, double time,
                             void *ctx);
int store_metric_since(struct store *st, const char *name, double since, const char *only,
                       store_row_cb cb, void *ctx, struct err *e);
typedef void (*store_step_cb)(const char *name, long long step, void *ctx);
int store_last_steps(struct store *st, long long trial, store_step_cb cb, void *ctx,
                     struct err *e);

#endif
