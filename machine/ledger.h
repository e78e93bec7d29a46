/* ledger.h - the machine ledger: what every sweep on this machine holds on
 * each GPU, so that sweeps started by one person or several pack the GPUs
 * together instead of each as if it owned them (docs/machine.md).
 *
 * One SQLite file, MACHINE_DIR/machine.db (WAL, short transactions, busy
 * waits bounded), in the machine directory: SWEEP_MACHINE_DIR, else
 * /var/lib/sweep (made by root on first use, or by an administrator,
 * group-writable, for the users who share the GPUs: docs/machine.md). Two tables: the
 * sweeps running here (who, where, the sweep process's identity) and the
 * holds: a trial's reservation on a GPU (the larger of its estimate and its
 * peak), made before the trial starts, in a transaction that counts every
 * hold on that GPU, so that two sweeps can never both take the same
 * memory. A hold ends when its trial ends, recorded by its sweep; a hold
 * whose sweep process and supervisor are both gone (proven by pid and start
 * time, never by a timeout) is reclaimed by any sweep that looks. The ledger
 * decides placement only: nothing in it signals, reads or changes another
 * user's processes or files.
 *
 * Errors: -1 with e filled (err.h). A ledger that cannot be opened or
 * written is not the sweep's failure: the caller says once that sweeps are
 * not coordinated and places as before. */
#ifndef SWEEP_LEDGER_H
#define SWEEP_LEDGER_H

#include <stddef.h>
#include <sys/types.h>

struct err;
struct ledger;

#define LEDGER_FILE "machine.db"
#define LEDGER_DEFAULT_DIR "/var/lib/sweep"

/* The machine directory: SWEEP_MACHINE_DIR when set, else the default. */
const char *ledger_dir(void);

/* Opens DIR/machine.db, creating it when DIR is writable (root: DIR too,
 * mode 0755). NULL with e when there is no usable ledger (e says why). A
 * damaged file is moved aside (machine.db.damaged) and made anew: the live
 * sweeps register again. */
struct ledger *ledger_open(const char *dir, struct err *e);
/* Opens an existing ledger to read it (sweep ps, sweep gpus): NULL, with e,
 * when there is none; it creates nothing. */
struct ledger *ledger_open_existing(const char *dir, struct err *e);
void ledger_close(struct ledger *l);
/* 1 when the file was deleted or replaced since it was opened: reopen it
 * and register again (ledger_open, then the caller's holds). */
int ledger_gone(struct ledger *l);

/* Identity of a process: alive and still the same one. The caller's (the
 * ledger does not read /proc). */
typedef int (*ledger_alive_fn)(long pid, long long start);

/* A sweep running on this machine. */
struct ledger_sweep {
    char *dir;               /* its directory (absolute) */
    uid_t uid;
    char *user;
    long pid;                /* the sweep process */
    long long pid_start;
    char *method;
    double since;            /* when it registered (wall seconds) */
    long running, waiting;   /* its trials, as it last said */
    double waiting_mib;      /* the memory the first of them waits for (0: none waits) */
    double waiting_since;    /* since when it has waited (wall seconds; 0: it does not) */
    int priority;            /* among its user's sweeps (the sweep file's priority:) */
};

/* What a user has held, memory x time, decayed (ledger_charge). */
struct ledger_usage {
    char *user;
    double mib_s;            /* MiB-seconds, halved every half-life */
    double age;              /* seconds since it was last charged */
};

/* A trial's hold on a GPU. */
struct ledger_hold {
    char *dir;               /* its sweep */
    long long trial;
    uid_t uid;
    char *user;
    int gpu;                 /* its GPU (CUDA index) */
    double mib;              /* reserved: the larger of its estimate and its peak */
    int whole;               /* the GPU to itself (no estimate) */
    long sup_pid;            /* its supervisor (0 before it started) */
    long long sup_start;
    long pgid;               /* its trainer's process group (0 unknown): nvidia-smi's
                                processes of it are this hold's, not strangers' */
    long holder_pid;         /* the sweep process that holds it */
    long long holder_start;
    double since;
    char *cpus;              /* the CPU cores it is pinned to ("0-3"), "" or NULL none:
                                no other sweep's hold may have one of them */
};

/* Registers (or takes over) sweep dir for this process. */
int ledger_register(struct ledger *l, const struct ledger_sweep *s, struct err *e);
/* Its counts, for sweep ps. */
int ledger_counts(struct ledger *l, const char *dir, long running, long waiting,
                  double waiting_mib, double waiting_since, struct err *e);
/* Charges user for mib_s MiB-seconds held; what the user held before
 * decays by half every halflife seconds (the fair share's window). */
int ledger_charge(struct ledger *l, const char *user, double mib_s, double halflife,
                  struct err *e);
/* The sweep ends: its row goes (its holds have gone trial by trial). */
int ledger_unregister(struct ledger *l, const char *dir, struct err *e);

/* Reserves h->mib on h->gpu for (h->dir, h->trial) if every hold there,
 * plus strangers_mib (what nvidia-smi shows of processes no sweep holds),
 * leave room under capacity_mib, and, for a whole GPU, no other hold is
 * there (nor a whole one when this is not). 1 reserved (a hold of the same
 * trial is replaced), 0 no room (another sweep was first), -1 error. */
int ledger_reserve(struct ledger *l, const struct ledger_hold *h, double capacity_mib,
                   double strangers_mib, struct err *e);
/* The same within the user's limits (the machine configuration's; 0 none):
 * all the user's holds at most max_mib, on at most max_gpus GPUs. */
int ledger_reserve_within(struct ledger *l, const struct ledger_hold *h, double capacity_mib,
                          double strangers_mib, double max_mib, int max_gpus, struct err *e);
/* A hold as it stands, without the room check: a resumed sweep taking over
 * its running trials' holds (inserted or replaced). */
int ledger_hold(struct ledger *l, const struct ledger_hold *h, struct err *e);
/* Its supervisor started (identity; pgid 0 unknown yet). */
int ledger_started(struct ledger *l, const char *dir, long long trial, long sup_pid,
                   long long sup_start, long pgid, struct err *e);
/* Its peak grew, or its group became known. */
int ledger_grow(struct ledger *l, const char *dir, long long trial, double mib, long pgid,
                struct err *e);
/* Its trial ended (or went back to pending): the hold goes. */
int ledger_release(struct ledger *l, const char *dir, long long trial, struct err *e);

/* Preemption (docs/machine.md): sweep by_dir stops its trial for the wait of
 * sweep for_dir that began at for_since. 1 when this sweep is the first to
 * claim that wait (it stops one trial for it), 0 when another sweep did
 * already (no second trial is stopped for one wait), -1 error. */
int ledger_claim_preempt(struct ledger *l, const char *for_dir, double for_since,
                         const char *by_dir, long long trial, struct err *e);

/* Everything on the machine: the sweeps and the holds (arrays the caller
 * frees with ledger_view_release). */
struct ledger_view {
    struct ledger_sweep *sweeps;
    size_t nsweeps;
    struct ledger_hold *holds;
    size_t nholds;
    struct ledger_usage *usage;
    size_t nusage;
};
int ledger_view(struct ledger *l, struct ledger_view *v, struct err *e);
void ledger_view_release(struct ledger_view *v);

/* Holds whose holder (sweep process) and supervisor are both gone, and
 * sweep rows whose process is gone and that hold nothing, go. The number
 * of holds reclaimed, or -1. */
long ledger_reclaim(struct ledger *l, ledger_alive_fn alive, struct err *e);

#endif
