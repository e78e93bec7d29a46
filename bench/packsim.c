/* packsim.c - GPU packing on a virtual clock, with the placement code of
 * `sweep run` (sweep/pack.c). The job mix of issue 3: 60 trials, model
 * n..x x batch 8..64 x 3 learning rates, memory = the simulated trainer's
 * gpu_mem, 50 epochs of 1, 1.6, 2.8, 4.5, 7 minutes (n..x) at batch 16,
 * scaled by batch / 16; co-located trials share compute (a GPU whose
 * trials' utilisations sum above 1 slows each in proportion; utilisation
 * 0.35, 0.5, 0.65, 0.8, 0.9 for n..x). Machines: 2 x 24 GiB and 1 x 80
 * GiB, 12 % headroom. Prints the makespan against the lower bound
 * max(longest trial, sum d*u / GPUs, sum d*m / usable memory) and against
 * one trial per GPU in the order given; then the 3-job example (2 h, 4 h,
 * 6 h on 2 GPUs). */
#include "surrogate.h"
#include "sweep/gpu/pack.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NJOBS 60

static const char MODELS[] = "nsmlx";
static const double MIN_PER_EPOCH[] = {1, 1.6, 2.8, 4.5, 7};
static const double UTIL[] = {0.35, 0.5, 0.65, 0.8, 0.9};

static void make_jobs(struct pack_job *j)
{
    static const long batches[] = {8, 16, 32, 64};
    static const double lrs[] = {0.001, 0.01, 0.03};
    size_t n = 0;
    for (int m = 0; m < 5; m++)
        for (int b = 0; b < 4; b++)
            for (int l = 0; l < 3; l++) {
                struct surrogate_cfg c = {lrs[l], 0.937, 5e-4, batches[b], MODELS[m], 50, 0};
                struct surrogate_terms t;
                surrogate_terms(&c, &t);
                j[n] = (struct pack_job){(long long)n, t.gpu_mem * 1024,
                                         50 * MIN_PER_EPOCH[m] * 60 * (double)batches[b] / 16,
                                         UTIL[m], n, -1, 0, 0};
                n++;
            }
}

static double lower_bound(const struct pack_cfg *c, const struct pack_gpu *g, size_t ng,
                          const struct pack_job *j, size_t nj)
{
    double longest = 0, du = 0, dm = 0, mem = 0;
    for (size_t i = 0; i < nj; i++) {
        if (j[i].gpu < 0) continue; /* fits nowhere: left out */
        if (j[i].dur > longest) longest = j[i].dur;
        du += j[i].dur * j[i].util;
        dm += j[i].dur * j[i].mem;
    }
    for (size_t k = 0; k < ng; k++) mem += pack_usable(c, &g[k]);
    double b = longest;
    if (du / (double)ng > b) b = du / (double)ng;
    if (dm / mem > b) b = dm / mem;
    return b;
}

static void machine(const char *name, const double *gib, size_t ng)
{
    struct pack_cfg c = {0.12, 0, 0, 0};
    struct pack_gpu g[8];
    for (size_t k = 0; k < ng; k++)
        g[k] = (struct pack_gpu){.id = (int)k, .total_mib = gib[k] * 1024, .last_launch = -1e300};
    struct pack_job j[NJOBS], f[NJOBS], b[NJOBS];
    make_jobs(j);
    memcpy(f, j, sizeof f);
    memcpy(b, j, sizeof b);
    double ms = pack_simulate(&c, g, ng, j, NJOBS, PACK_SHARE, 0);
    double blind = pack_simulate(&c, g, ng, b, NJOBS, PACK_SHARE | PACK_BLIND, 0);
    double fifo = pack_simulate(&c, g, ng, f, NJOBS, PACK_SHARE | PACK_FIFO, 0);
    double lb = lower_bound(&c, g, ng, j, NJOBS);
    int left_out = 0, most = 0;
    for (size_t i = 0; i < NJOBS; i++) {
        if (j[i].gpu < 0) left_out++;
        int at = 0; /* trials running when this one started */
        for (size_t k = 0; k < NJOBS; k++)
            if (j[k].gpu >= 0 && j[k].start <= j[i].start && j[k].end > j[i].start) at++;
        if (at > most) most = at;
    }
    printf("%-12s %6.1f h %5.3f %7.1f h %5.3f %6.1f h %5.3f %6.1f h %6d %4d\n", name, ms / 3600,
           ms / lb, blind / 3600, blind / lb, fifo / 3600, fifo / lb, lb / 3600, left_out, most);
}

int main(void)
{
    printf("%-12s %8s %5s %9s %5s %8s %5s %8s %6s %4s\n", "machine", "packed", "x bound",
           "no durat.", "x", "1/GPU", "x", "bound", "no fit", "most");
    static const double two24[] = {24, 24}, one80[] = {80};
    machine("2 x 24 GiB", two24, 2);
    machine("1 x 80 GiB", one80, 1);
    /* three jobs of 2, 4 and 6 hours, one GPU each, on two GPUs */
    struct pack_cfg c = {0, 0, 0, 0};
    struct pack_gpu g[2] = {{.id = 0, .total_mib = 24576, .last_launch = -1e300},
                            {.id = 1, .total_mib = 24576, .last_launch = -1e300}};
    struct pack_job j[3] = {{0, -1, 2 * 3600.0, 1, 0, -1, 0, 0},
                            {1, -1, 4 * 3600.0, 1, 1, -1, 0, 0},
                            {2, -1, 6 * 3600.0, 1, 2, -1, 0, 0}};
    struct pack_job f[3];
    memcpy(f, j, sizeof f);
    double ms = pack_simulate(&c, g, 2, j, 3, PACK_SHARE, 0);
    double fifo = pack_simulate(&c, g, 2, f, 3, PACK_SHARE | PACK_FIFO, 0);
    printf("3 jobs (2 h, 4 h, 6 h, a GPU each) on 2 GPUs: %.1f h (in the order given: %.1f h)\n",
           ms / 3600, fifo / 3600);
    return 0;
}
