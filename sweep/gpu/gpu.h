/* gpu.h - the GPUs of this machine, from nvidia-smi.
 *
 *   nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu
 *              --format=csv,noheader,nounits
 *   nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits
 *
 * run with a fixed argv (never a shell), parsed robustly: "[N/A]",
 * "[Not Supported]" and "[Insufficient Permissions]" are unknown values; a
 * driver failure or a missing nvidia-smi is a clear error. Only the GPUs
 * that CUDA_VISIBLE_DEVICES (when set) names are ours, in its order. */
#ifndef SWEEP_GPU_H
#define SWEEP_GPU_H

#include <stddef.h>

#include "base/spawn.h"

struct err;

struct gpu_proc {
    long pid;                /* as nvidia-smi sees it (another pid namespace, in containers) */
    long long used_mib;      /* -1 unknown */
};

struct gpu {
    int index;               /* nvidia-smi's (PCI bus order) */
    char uuid[96];
    char name[128];
    long long total_mib, used_mib;  /* -1 unknown */
    int util;                /* percent, -1 unknown */
    struct gpu_proc *procs;  /* compute processes on it */
    size_t nprocs;
};

struct gpu_inv {
    struct gpu *gpus;
    size_t n;
};

void gpu_inv_release(struct gpu_inv *inv);
/* Parses --query-gpu output into inv (appending). -1 on a malformed line. */
int gpu_parse_query(const char *csv, struct gpu_inv *inv, struct err *e);
/* Parses --query-compute-apps output and attaches the processes. */
int gpu_parse_apps(const char *csv, struct gpu_inv *inv, struct err *e);
/* Keeps only the GPUs CUDA_VISIBLE_DEVICES names (indices or UUIDs, or UUID
 * prefixes), in its order; like CUDA, stops at the first entry that names
 * none. NULL keeps all; "" keeps none. */
void gpu_filter_visible(struct gpu_inv *inv, const char *visible);
/* Runs nvidia-smi (the one on PATH) and fills inv, filtered by the
 * environment's CUDA_VISIBLE_DEVICES. */
int gpu_inventory(struct gpu_inv *inv, struct err *e);

/* nvidia-smi asked without blocking: its two queries (the GPUs, then their
 * processes) run one after the other as helper processes whose output the
 * caller polls (gpu_query_fd; -1 while none is readable) until each ends or
 * its deadline passes. A hung driver costs the loop nothing but this
 * query's answer. */
#define GPU_SMI_TIMEOUT_S 20.0

struct gpu_query {
    struct spawn_job job;   /* the nvidia-smi that runs now */
    int phase;              /* 0 none, 1 the GPUs, 2 their processes */
    struct gpu_inv inv;     /* what phase 1 found */
};

int gpu_query_start(struct gpu_query *q, struct err *e);
int gpu_query_fd(const struct gpu_query *q);
/* When the running phase is given up (monotonic); 0 if none runs. */
double gpu_query_deadline(const struct gpu_query *q);
/* Call when gpu_query_fd() is readable or the deadline has passed: 1 and
 * *inv filled (the caller releases it) when the answer is complete, 0 while
 * it runs, -1 on error (the query is over either way but for 0). */
int gpu_query_step(struct gpu_query *q, struct gpu_inv *inv, struct err *e);
/* Kills and reaps a running query. */
void gpu_query_cancel(struct gpu_query *q);

#endif
