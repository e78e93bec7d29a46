/* executors.h - the table of executors. An executor is one folder (or
 * file) with its `struct exec_ops` (exec.h) and one line in executors.c's
 * table; everything outside its folder that needs to know one - its section
 * of the sweep file, `sweep run`, `sweep plan`, `sweep status`, `sweep
 * stop` when no sweep runs - goes through its line, never its name. */
#ifndef SWEEP_EXECUTORS_H
#define SWEEP_EXECUTORS_H

#include "sweep/exec/exec.h"

#include <stddef.h>

struct space;
struct diag;
struct sb;

/* The sweep an executor serves. */
struct exec_sweep {
    const struct space *sp;
    const char *dir;          /* the sweep directory (absolute); "DIR" in a plan */
    const char *cwd;          /* where trials run */
    double created;           /* the store's creation time: the sweep's identity (its jobs'
                                 names); 0 in a plan, before it exists */
};

/* sweep plan: the first trials as a run would start them. */
struct exec_plan {
    long long n;
    /* Trial i's argv (NULL-terminated; exec_free_strv) when its directory
     * is trial_dir; *mem_mib gets its memory estimate (-1 none). */
    char **(*argv)(void *ctx, long long i, const char *trial_dir, double *mem_mib);
    void *ctx;
};

struct exec_def {
    const char *name;         /* executor: NAME; its section of the sweep file is the key NAME */
    const char *title;        /* for people: "Slurm" */
    const char *started;      /* starting a trial is: "started", "submitted" */
    const char *ref_word;     /* its own names for trials: "job" (job 123); NULL: pids */
    const char *ref_event;    /* the store's event when it names a trial (detail: "job 123"):
                                 "submitted"; srun "placed" (the trial's "started" came first) */
    const char *state_word;   /* where their state is shown: "queue" */
    const char *json_ref;     /* sweep status --json's keys for the name and the state */
    const char *json_state;
    const char *machines;     /* it places trials on several machines, each with the declared
                                 GPUs and its own cores: what they are ("the allocation's
                                 nodes"); NULL: this machine */
    /* Reads its section (sp->executor_section) into sp->exec_opts, checks
     * the rest of the file against it, sets its defaults. NULL: none. */
    void (*configure)(struct space *sp, struct diag *d);
    /* The executor for sweep w; *trials_root: where the trial directories
     * go instead of DIR/trials (a new string), or NULL. NULL with e. */
    struct executor *(*open)(const struct exec_sweep *w, char **trials_root, struct err *e);
    /* sweep plan: how the first trials would start (lines of shell words,
     * to out). NULL: as on the command line. */
    void (*plan)(const struct exec_sweep *w, const struct exec_plan *p, struct sb *out);
    /* sweep stop when no sweep runs: sig (SIGTERM, SIGKILL) to the trial r
     * names, proven its. 0, or -1 with errno (ESRCH: gone). */
    int (*stop_trial)(const struct exec_sweep *w, const struct exec_record *r, int sig,
                      struct err *e);
    /* And when the whole sweep stops: what it started that the store does
     * not know (started just before a crash), except refs (n). How many were
     * stopped, or -1 (e). NULL: nothing can be unknown. */
    long (*stop_rest)(const struct exec_sweep *w, const char *const *refs, size_t n,
                      struct err *e);
    /* What it cost (an event for the store: its kind, its detail to out);
     * NULL kind: nothing to record. */
    const char *(*summary)(struct executor *x, struct sb *out);
    /* 1 when a trial in this state (as the store keeps it: exec_state)
     * waits in the executor's queue and has not begun to run (sweep status
     * shows no running time for it). NULL: never. */
    int (*waits)(const char *state);
};

/* sweep plan: one command line an executor runs, "  WORD WORD...\n", each
 * word quoted for a shell where it needs it (to read, never run). */
void exec_plan_line(struct sb *out, char *const *argv);
/* The executor of that name, or NULL. */
const struct exec_def *exec_def(const char *name);
/* Their names, for the sweep file's check (NULL-terminated, static). */
const char *const *exec_names(void);
/* The sweep's executor reads its section: exec_def(sp->executor)->configure. */
void exec_configure(struct space *sp, struct diag *d);

/* The local executor's line (local.c). */
extern const struct exec_def exec_local_def;

#endif
