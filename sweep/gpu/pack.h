/* pack.h - placing trials on GPUs by memory (docs/config.md, "GPUs").
 *
 * Pure decisions, shared by `sweep run` and the simulations of `sweep plan`
 * and bench/packsim: a GPU's usable memory is its total less the headroom
 * and what processes no sweep holds use; a trial starts on a GPU only
 * when its estimate fits in what is left after the memory reserved for our
 * trials and other sweeps' there (each trial: the larger of its estimate
 * and what it was seen using; other sweeps' from the machine ledger), under
 * max_per_gpu, and after the stagger since the GPU's last launch. Among the
 * GPUs where it fits: the one with the fewest trials (they share its
 * compute), then the tightest fit (room stays free for big trials). */
#ifndef SWEEP_PACK_H
#define SWEEP_PACK_H

#include <stddef.h>

struct space;
struct value;
struct sb;

struct pack_gpu {
    int id;                 /* the CUDA_VISIBLE_DEVICES value of its trials */
    int node;               /* on which of the executor's machines (exec_nodes), -1 this one */
    double total_mib;
    double others_mib;      /* used by processes no sweep holds (strangers) */
    double reserved_mib;    /* by our trials on it */
    int ntrials;            /* ours running on it */
    int whole;              /* one of ours has it to itself (no estimate) */
    double last_launch;     /* when a trial last started on it; -1e300 never */
    double shared_mib;      /* held by other sweeps' trials (the machine ledger) */
    int shared_trials;      /* theirs on it */
    int shared_whole;       /* one of theirs has it to itself */
    int barred;             /* not for us now (the user's max_gpus is reached elsewhere) */
};

struct pack_cfg {
    double headroom_frac, headroom_mib;
    int max_per_gpu;        /* 0: no limit */
    double stagger;         /* seconds between two launches on one GPU */
};

void pack_cfg_from_space(struct pack_cfg *c, const struct space *sp);
struct err;
/* The GPUs of a space: resources.gpus as listed, or (auto) those nvidia-smi
 * shows that CUDA_VISIBLE_DEVICES leaves us, with what others use on them.
 * *out is new (caller frees). -1 with e filled when there are none. */
int pack_gpus(const struct space *sp, struct pack_gpu **out, size_t *n, struct err *e);
/* Total less the headroom. */
double pack_capacity(const struct pack_cfg *c, const struct pack_gpu *g);
/* That, less others' use now. */
double pack_usable(const struct pack_cfg *c, const struct pack_gpu *g);
/* What is left for a new trial now. */
double pack_free(const struct pack_cfg *c, const struct pack_gpu *g);
/* The index of the GPU for a trial that needs need_mib (< 0: no estimate,
 * a GPU to itself), at time now; -1 if none can take it now. */
int pack_choose(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need,
                double now);
/* 1 if no GPU could ever take it, even with nothing else on it. */
int pack_never_fits(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need);

struct quantity;
/* A quantity of a trial (memory in MiB, duration in seconds; -1 if the file
 * gives none for it); *kind (if not NULL) gets the values it depends on. */
double pack_quantity(const struct quantity *q, const struct value *params, struct sb *kind);
/* A trial's memory estimate from the file (MiB; -1: none, a GPU to
 * itself), and its "kind" into *kind (the values the estimate depends on:
 * trials of one kind correct each other's estimates). */
double pack_estimate(const struct space *sp, const struct value *params, struct sb *kind);


/* A trial as placement sees it. */
struct pack_job {
    long long id;
    double mem;             /* MiB; -1: a GPU to itself */
    double dur;             /* seconds at full speed; <= 0 unknown */
    double util;            /* the share of a GPU's compute it uses alone (simulation) */
    size_t order;           /* queue order: ties */
    int gpu;                /* simulation: index of its GPU, -1 if it fits on none */
    double start, end;      /* simulation: virtual seconds */
};

/* The order trials are offered to the GPUs: the longest first when both
 * durations are known (they bound the makespan; durations are compared in
 * steps of 10 %), then the biggest (a GPU to itself counts as the biggest),
 * then queue order. */
int pack_job_cmp(const void *a, const void *b);

enum {
    PACK_FIFO = 1,          /* in queue order, one job per GPU, each taking a GPU to itself:
                               the usual practice by hand */
    PACK_SHARE = 2,         /* jobs on one GPU whose util sums above 1 each slow down in proportion */
    PACK_BLIND = 4,         /* order as if durations were unknown (the biggest first) */
};
/* Runs jobs on gpus on a virtual clock with the placement above. Jobs need
 * dur > 0. Fills gpu, start, end; returns the makespan (jobs that fit
 * nowhere are left out). The GPUs are not changed. */
double pack_simulate(const struct pack_cfg *c, const struct pack_gpu *gpus, size_t ng,
                     struct pack_job *jobs, size_t nj, int flags, int max_parallel);
#endif
