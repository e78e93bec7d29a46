/* pack.h - placing trials on GPUs by memory (docs/config.md, "GPUs").
 *
 * Pure decisions, shared by `sweep run` and the simulations of `sweep plan`
 * and bench/packsim: a GPU's usable memory is its total less the headroom
 * and what processes that are not ours use; a trial starts on a GPU only
 * when its estimate fits in what is left after the memory reserved for our
 * trials there (each trial: the larger of its estimate and what it was
 * seen using), under max_per_gpu, and after the stagger since the GPU's
 * last launch. Among the GPUs where it fits, the tightest (best fit). */
#ifndef SWEEP_PACK_H
#define SWEEP_PACK_H

#include <stddef.h>

struct space;
struct value;
struct sb;

struct pack_gpu {
    int id;                 /* the CUDA_VISIBLE_DEVICES value of its trials */
    double total_mib;
    double others_mib;      /* used by processes that are not ours */
    double reserved_mib;    /* by our trials on it */
    int ntrials;            /* ours running on it */
    int whole;              /* one of ours has it to itself (no estimate) */
    double last_launch;     /* when a trial last started on it; -1e300 never */
};

struct pack_cfg {
    double headroom_frac, headroom_mib;
    int max_per_gpu;        /* 0: no limit */
    double stagger;         /* seconds between two launches on one GPU */
};

void pack_cfg_from_space(struct pack_cfg *c, const struct space *sp);
/* Total less the headroom and others' use. */
double pack_usable(const struct pack_cfg *c, const struct pack_gpu *g);
/* What is left for a new trial now. */
double pack_free(const struct pack_cfg *c, const struct pack_gpu *g);
/* The index of the GPU for a trial that needs need_mib (< 0: no estimate,
 * a GPU to itself), at time now; -1 if none can take it now. */
int pack_choose(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need,
                double now);
/* 1 if no GPU could ever take it, even with none of our trials on it. */
int pack_never_fits(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need);

/* A trial's memory estimate from the file (MiB; -1: none, a GPU to
 * itself), and its "kind" into *kind (the values the estimate depends on:
 * trials of one kind correct each other's estimates). */
double pack_estimate(const struct space *sp, const struct value *params, struct sb *kind);

#endif
