/* pack.c - GPU placement by memory, and memory estimates. */
#include "sweep/gpu/pack.h"
#include "search/expr.h"
#include "search/space.h"
#include "base/value.h"
#include "base/err.h"
#include "sweep/gpu/gpu.h"
#include "search/render.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pack_cfg_from_space(struct pack_cfg *c, const struct space *sp)
{
    c->headroom_frac = sp->headroom_frac;
    c->headroom_mib = sp->headroom_mib;
    c->max_per_gpu = sp->max_per_gpu;
    c->stagger = sp->stagger;
}

int pack_gpus(const struct space *sp, struct pack_gpu **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (sp->ngpu_list) {
        *n = sp->ngpu_list;
        *out = xcalloc(*n, sizeof **out);
        for (size_t i = 0; i < *n; i++)
            (*out)[i] = (struct pack_gpu){
                .id = sp->gpu_list[i].id, .node = -1, .total_mib = sp->gpu_list[i].mem_mib,
                .last_launch = -1e300};
        return 0;
    }
    struct gpu_inv inv = {0};
    if (gpu_inventory(&inv, e)) return -1;
    if (!inv.n) {
        gpu_inv_release(&inv);
        const char *v = getenv("CUDA_VISIBLE_DEVICES");
        return err_set(e, "gpus: auto, but no GPU is visible (CUDA_VISIBLE_DEVICES=%s); declare "
                          "GPUs with gpus: [{id: 0, memory: 24GiB}] or use gpus: none",
                       v ? v : "unset");
    }
    *n = inv.n;
    *out = xcalloc(*n, sizeof **out);
    for (size_t i = 0; i < inv.n; i++) {
        const struct gpu *g = &inv.gpus[i];
        (*out)[i] = (struct pack_gpu){.id = g->index, .node = -1,
                                      .total_mib = g->total_mib > 0 ? (double)g->total_mib : 0,
                                      .others_mib = g->used_mib > 0 ? (double)g->used_mib : 0,
                                      .last_launch = -1e300};
    }
    gpu_inv_release(&inv);
    return 0;
}

double pack_capacity(const struct pack_cfg *c, const struct pack_gpu *g)
{
    double head = c->headroom_mib > 0 ? c->headroom_mib : c->headroom_frac * g->total_mib;
    return g->total_mib - head;
}

double pack_usable(const struct pack_cfg *c, const struct pack_gpu *g)
{
    return pack_capacity(c, g) - g->others_mib;
}

double pack_free(const struct pack_cfg *c, const struct pack_gpu *g)
{
    return pack_usable(c, g) - g->reserved_mib - g->shared_mib;
}

int pack_choose(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need,
                double now)
{
    int best = -1;
    double best_left = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (g[i].whole || g[i].shared_whole || g[i].barred) continue;
        if (c->max_per_gpu > 0 && g[i].ntrials >= c->max_per_gpu) continue;
        if (c->stagger > 0 && now < g[i].last_launch + c->stagger) continue;
        double left;
        if (need < 0) {
            if (g[i].ntrials > 0 || g[i].shared_trials > 0 || pack_usable(c, &g[i]) <= 0) continue;
            left = pack_usable(c, &g[i]);
        } else {
            left = pack_free(c, &g[i]) - need;
            if (left < 0) continue;
        }
        /* the GPU with the fewest trials, any sweep's (they share its
         * compute), then the tightest fit (room stays free for big trials),
         * then the lower index */
        int here = g[i].ntrials + g[i].shared_trials;
        int there = best < 0 ? 0 : g[best].ntrials + g[best].shared_trials;
        if (best < 0 || here < there || (here == there && left < best_left)) {
            best_left = left;
            best = (int)i;
        }
    }
    return best;
}

int pack_never_fits(const struct pack_cfg *c, const struct pack_gpu *g, size_t n, double need)
{
    for (size_t i = 0; i < n; i++) /* others' use comes and goes: not counted here */
        if (pack_capacity(c, &g[i]) >= (need < 0 ? 1 : need)) return 0;
    return 1;
}

double pack_quantity(const struct quantity *q, const struct value *params, struct sb *kind)
{
    switch (q->kind) {
    case Q_CONST:
        return q->value;
    case Q_TABLE: {
        const struct value *v = value_lookup(params, q->by);
        struct sb t;
        sb_init(&t);
        if (v) value_py_str(&t, v);
        if (kind) sb_addf(kind, "%s=%s", q->by, sb_str(&t));
        double a = q->dflt;
        for (size_t i = 0; i < q->ntable; i++)
            if (!strcmp(q->table[i].key, sb_str(&t))) a = q->table[i].value;
        sb_release(&t);
        return a;
    }
    case Q_FORMULA: {
        for (size_t i = 0; kind && expr_name(q->expr, i); i++) {
            const struct value *v = value_lookup(params, expr_name(q->expr, i));
            sb_addf(kind, "%s%s=", i ? "," : "", expr_name(q->expr, i));
            if (v) value_py_str(kind, v);
        }
        double x = expr_eval(q->expr, params);
        return isnan(x) || x <= 0 ? -1 : x * q->unit;
    }
    default:
        return -1;
    }
}

double pack_estimate(const struct space *sp, const struct value *params, struct sb *kind)
{
    return pack_quantity(&sp->mem, params, kind);
}

int pack_job_cmp(const void *a, const void *b)
{
    const struct pack_job *x = a, *y = b;
    /* durations known: the longest first, durations in steps of 10 % (trials
     * about as long count as equally long: then the biggest first) */
    if (x->dur > 0 && y->dur > 0) {
        long bx = (long)floor(log(x->dur) / log(1.1)), by = (long)floor(log(y->dur) / log(1.1));
        if (bx != by) return bx > by ? -1 : 1;
    }
    double mx = x->mem < 0 ? INFINITY : x->mem, my = y->mem < 0 ? INFINITY : y->mem;
    if (mx != my) return mx > my ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int job_ptr_cmp(const void *a, const void *b)
{
    return pack_job_cmp(*(const struct pack_job *const *)a, *(const struct pack_job *const *)b);
}

static int job_ptr_cmp_blind(const void *a, const void *b)
{
    struct pack_job x = **(const struct pack_job *const *)a, y = **(const struct pack_job *const *)b;
    x.dur = y.dur = 0;
    return pack_job_cmp(&x, &y);
}

double pack_simulate(const struct pack_cfg *c, const struct pack_gpu *gpus, size_t ng,
                     struct pack_job *jobs, size_t nj, int flags, int max_parallel)
{
    int fifo = flags & PACK_FIFO, share = flags & PACK_SHARE;
    struct pack_gpu *g = xmalloc((ng ? ng : 1) * sizeof *g);
    memcpy(g, gpus, ng * sizeof *g);
    struct pack_cfg cfg = *c;
    if (fifo) cfg.max_per_gpu = 1;
    struct pack_job **pend = xmalloc((nj + 1) * sizeof *pend);
    size_t np = 0;
    double *left = xcalloc(nj + 1, sizeof *left);   /* work left, full-speed seconds */
    int *run = xcalloc(nj + 1, sizeof *run);
    double *util = xcalloc(ng + 1, sizeof *util);
    for (size_t i = 0; i < nj; i++) {
        jobs[i].gpu = -1;
        jobs[i].start = jobs[i].end = 0;
        if (pack_never_fits(&cfg, g, ng, jobs[i].mem)) continue; /* left out of both */
        pend[np++] = &jobs[i];
        left[i] = jobs[i].dur;
    }
    if (!fifo) qsort(pend, np, sizeof *pend, flags & PACK_BLIND ? job_ptr_cmp_blind : job_ptr_cmp);
    double now = 0, makespan = 0;
    size_t nrun = 0, done = 0, total = np;
    while (done < total) {
        /* start what fits */
        for (size_t k = 0; k < np;) {
            if (max_parallel > 0 && nrun >= (size_t)max_parallel) break;
            struct pack_job *j = pend[k];
            double need = fifo ? -1 : j->mem;
            int gi = pack_choose(&cfg, g, ng, need, now);
            if (gi < 0) {
                if (fifo) break; /* in order: the head waits */
                k++;
                continue;
            }
            size_t ji = (size_t)(j - jobs);
            j->gpu = gi;
            j->start = now;
            run[ji] = 1;
            nrun++;
            g[gi].ntrials++;
            g[gi].last_launch = now;
            if (need < 0) g[gi].whole = 1;
            else g[gi].reserved_mib += need;
            memmove(pend + k, pend + k + 1, (np - k - 1) * sizeof *pend);
            np--;
        }
        /* the next event: a job ends, or a stagger passes */
        for (size_t k = 0; k < ng; k++) util[k] = 0;
        for (size_t i = 0; i < nj; i++)
            if (run[i]) util[jobs[i].gpu] += jobs[i].util > 0 ? jobs[i].util : 1;
        double dt = INFINITY;
        for (size_t i = 0; i < nj; i++)
            if (run[i]) {
                double rate = share && util[jobs[i].gpu] > 1 ? 1 / util[jobs[i].gpu] : 1;
                if (left[i] / rate < dt) dt = left[i] / rate;
            }
        if (cfg.stagger > 0 && np)
            for (size_t k = 0; k < ng; k++) {
                double d = g[k].last_launch + cfg.stagger - now;
                if (d > 1e-9 && d < dt) dt = d;
            }
        if (!isfinite(dt)) break; /* nothing runs and nothing can start: cannot happen */
        now += dt;
        for (size_t i = 0; i < nj; i++) {
            if (!run[i]) continue;
            double rate = share && util[jobs[i].gpu] > 1 ? 1 / util[jobs[i].gpu] : 1;
            left[i] -= dt * rate;
            if (left[i] <= 1e-6 * (jobs[i].dur > 1 ? jobs[i].dur : 1)) {
                run[i] = 0;
                nrun--;
                done++;
                jobs[i].end = now;
                struct pack_gpu *pg = &g[jobs[i].gpu];
                pg->ntrials--;
                if (fifo || jobs[i].mem < 0) pg->whole = 0;
                else pg->reserved_mib -= jobs[i].mem;
                if (now > makespan) makespan = now;
            }
        }
    }
    free(g);
    free(pend);
    free(left);
    free(run);
    free(util);
    return makespan;
}
