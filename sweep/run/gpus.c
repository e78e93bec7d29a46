/* gpus.c - GPU packing in the loop: what each running trial holds on its
 * GPU (the larger of its estimate and its peak), the estimates of the
 * trials to come (sweep/gpu/learn.h), and with gpus: auto what nvidia-smi
 * says, asked without blocking (its answer is one more descriptor in the
 * loop's poll set, with its deadline). */
#include "sweep/run/run_int.h"
#include "search/searcher.h"
#include "search/space.h"
#include "store/store.h"
#include "base/err.h"
#include "base/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

double trial_estimate(struct sched *s, long long id, const struct value *params, char **kind)
{
    return learn_estimate(&s->g.learned, s->sp, id, params, kind);
}

/* What a trial's estimate depends on (its "kind"), a new string. */
char *trial_kind(struct sched *s, long long id)
{
    struct value *budget;
    struct value *params = searcher_params(s->search, id, &budget);
    struct sb k;
    sb_init(&k);
    pack_estimate(s->sp, params, &k);
    value_free(params);
    value_free(budget);
    return sb_detach(&k);
}

/* What a trial holds on its GPU: the larger of its estimate and its peak. */
static void gpu_hold(struct sched *s, struct slot *sl)
{
    if (sl->g < 0) return;
    struct pack_gpu *g = &s->g.gpus[sl->g];
    double want = sl->est_mib < 0 ? 0 : sl->est_mib;
    if (sl->peak_mib > want) want = sl->peak_mib;
    g->reserved_mib += want - sl->held_mib;
    sl->held_mib = want;
}

void gpu_take(struct sched *s, struct slot *sl, int gi, double est)
{
    struct pack_gpu *g = &s->g.gpus[gi];
    sl->g = gi;
    sl->est_mib = est;
    sl->held_mib = 0;
    g->ntrials++;
    if (est < 0) g->whole = 1;
    g->last_launch = run_mono(s);
    gpu_hold(s, sl);
    char cpus[CPUSET_TEXT];
    cpus_text(sl, cpus, sizeof cpus);
    machine_hold(s, sl->id, g->id, sl->held_mib, est < 0, &sl->job, sl->pgid, cpus);
}

/* The trial's process group is gone: its GPU memory is free again. With
 * gpus: auto, only once nvidia-smi shows it freed: until the next look
 * (at once) it counts as used by others. */
void gpu_release(struct sched *s, struct slot *sl)
{
    if (sl->g < 0) return;
    machine_release(s, sl->id);
    struct pack_gpu *g = &s->g.gpus[sl->g];
    g->reserved_mib -= sl->held_mib;
    if (g->reserved_mib < 1e-6) g->reserved_mib = 0;
    if (s->sp->gpus_auto) {
        g->others_mib += sl->held_mib;
        s->g.next_smi = 0;
    }
    g->ntrials--;
    if (sl->est_mib < 0) g->whole = 0;
    sl->g = -1;
    sl->held_mib = 0;
}

/* The most one trial could ever get: the largest GPU less its headroom. */
double largest_capacity(const struct sched *s)
{
    double u = 0;
    for (size_t i = 0; i < s->g.n; i++)
        if (pack_capacity(&s->g.pc, &s->g.gpus[i]) > u) u = pack_capacity(&s->g.pc, &s->g.gpus[i]);
    return u;
}

int gpu_trials_at_once(const struct sched *s, double mem)
{
    long n = 0;
    for (size_t i = 0; i < s->g.n; i++) {
        double cap = pack_capacity(&s->g.pc, &s->g.gpus[i]);
        long k = mem > 0 ? (long)(cap / mem) : 1;
        if (k < 1) k = 1;
        if (s->g.pc.max_per_gpu > 0 && k > s->g.pc.max_per_gpu) k = s->g.pc.max_per_gpu;
        n += k;
    }
    return n > 0 ? (int)n : 1;
}

double gpu_capacity(const struct sched *s)
{
    double c = 0;
    for (size_t i = 0; i < s->g.n; i++) c += pack_capacity(&s->g.pc, &s->g.gpus[i]);
    return c;
}

int gpu_fits_freed(const struct sched *s, const struct slot *sl, double mib)
{
    if (sl->g < 0) return 0;
    const struct pack_gpu *g = &s->g.gpus[sl->g];
    if (mib < 0) /* a whole GPU: this trial is all that is on it */
        return g->ntrials == 1 && !g->shared_trials && g->others_mib < 1;
    return !g->shared_whole && pack_free(&s->g.pc, g) + sl->held_mib >= mib;
}

void slot_peak(struct sched *s, struct slot *sl, double mib)
{
    if (mib <= sl->peak_mib) return;
    sl->peak_mib = mib;
    gpu_hold(s, sl);
    if (sl->g >= 0) machine_grow(s, sl->id, sl->held_mib, sl->pgid);
    learn_peak(&s->g.learned, sl->kind, mib, 0);
    store_trial_mem(s->st, sl->id, -1, mib, NULL);
}

/* gpus: auto - asks nvidia-smi when it is due (every RUN_SMI_EVERY_S while
 * trials run or wait, at once after a trial ended). */
void gpu_refresh(struct sched *s)
{
    if (!s->sp->gpus_auto || s->g.smi.phase) return;
    double now = run_mono(s);
    if (now < s->g.next_smi) return;
    s->g.next_smi = now + RUN_SMI_EVERY_S;
    struct err e = {0};
    if (gpu_query_start(&s->g.smi, &e)) warn(s, "nvidia-smi: %s", e.msg);
}

/* nvidia-smi's answer: memory used by processes that are not ours, and our
 * trials' use (their trainers' process groups). */
static void gpu_apply(struct sched *s, const struct gpu_inv *inv)
{
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (sl->used && !sl->pgid && (sl->pgid = exec_group(s->exec, sl->dir)) && sl->g >= 0)
            machine_grow(s, sl->id, sl->held_mib, sl->pgid); /* nvidia-smi's processes of it */
    }
    for (size_t k = 0; k < inv->n; k++) {
        const struct gpu *gg = &inv->gpus[k];
        struct pack_gpu *pg = NULL;
        for (size_t i = 0; i < s->g.n; i++)
            if (s->g.gpus[i].id == gg->index) pg = &s->g.gpus[i];
        if (!pg) continue;
        double ours = 0;
        for (size_t p = 0; p < gg->nprocs; p++) {
            if (gg->procs[p].used_mib < 0) continue;
            pid_t pgid = getpgid((pid_t)gg->procs[p].pid);
            if (machine_theirs(s, pgid)) { /* another sweep's trial: its hold counts it */
                ours += (double)gg->procs[p].used_mib;
                continue;
            }
            for (size_t i = 0; i < s->nslots; i++) {
                struct slot *sl = &s->slots[i];
                if (!sl->used || !sl->pgid || pgid != sl->pgid) continue;
                ours += (double)gg->procs[p].used_mib;
                slot_peak(s, sl, (double)gg->procs[p].used_mib);
            }
        }
        if (gg->used_mib >= 0)
            pg->others_mib = (double)gg->used_mib - ours > 0 ? (double)gg->used_mib - ours : 0;
        if (gg->total_mib > 0) pg->total_mib = (double)gg->total_mib;
    }
}

void gpu_smi_read(struct sched *s)
{
    struct gpu_inv inv = {0};
    struct err e = {0};
    int rc = gpu_query_step(&s->g.smi, &inv, &e);
    if (rc < 0) warn(s, "nvidia-smi: %s", e.msg);
    if (rc <= 0) return;
    gpu_apply(s, &inv);
    gpu_inv_release(&inv);
}

int gpu_setup(struct sched *s, struct err *e)
{
    pack_cfg_from_space(&s->g.pc, s->sp);
    if (pack_gpus(s->sp, &s->g.gpus, &s->g.n, e)) return -1;
    const char *const *nodes;
    size_t nn = exec_nodes(s->exec, &nodes);
    if (nn) { /* each of the executor's machines has the declared GPUs */
        struct pack_gpu *all = xcalloc(nn * s->g.n, sizeof *all);
        for (size_t k = 0; k < nn; k++)
            for (size_t i = 0; i < s->g.n; i++) {
                all[k * s->g.n + i] = s->g.gpus[i];
                all[k * s->g.n + i].node = (int)k;
            }
        free(s->g.gpus);
        s->g.gpus = all;
        s->g.n *= nn;
        s->g.nodes = nodes;
    }
    if (s->sp->gpus_auto) s->g.next_smi = run_mono(s) + RUN_SMI_EVERY_S;
    s->g.on = 1;
    return 0;
}

void gpu_teardown(struct sched *s)
{
    free(s->g.gpus);
    free(s->g.look);
    concur_release(&s->g.concur);
    gpu_query_cancel(&s->g.smi);
    learn_release(&s->g.learned);
}

int gpu_choose(struct sched *s, double mem, double now, const char *kind)
{
    struct pack_cfg pc = s->g.pc;
    if (s->sp->max_per_gpu_auto) pc.max_per_gpu = concur_cap(&s->g.concur, kind ? kind : "");
    return pack_choose(&pc, s->g.gpus, s->g.n, mem, now);
}

/* One GPU's trials now: how many, whether all of one kind, who. */
struct on_gpu {
    int n, same;
    unsigned long long sig; /* (wraps: a hash) */
    double held;
    const char *kind;
};

static void on_gpu(const struct sched *s, size_t gi, struct on_gpu *o)
{
    memset(o, 0, sizeof *o);
    o->same = 1;
    for (size_t i = 0; i < s->nslots; i++) {
        const struct slot *sl = &s->slots[i];
        if (!sl->used || sl->ended || sl->g != (int)gi) continue;
        const char *k = sl->kind ? sl->kind : "";
        if (o->n++ && strcmp(o->kind, k)) o->same = 0;
        o->kind = k;
        o->sig = o->sig * 1000003u + (unsigned long long)sl->id + 1;
        if (sl->held_mib > o->held) o->held = sl->held_mib;
    }
}

/* Each trial's steps between two times its step was seen to grow, while
 * the same trials ran on its GPU, tell the learner the aggregate rate at
 * that number: n x its steps over that time (a span that crosses a start
 * or an end is not used). */
void gpu_concur_tick(struct sched *s)
{
    if (!s->g.on || !s->sp->max_per_gpu_auto) return;
    double now = run_mono(s);
    if (!s->g.look) s->g.look = xcalloc(s->g.n + 1, sizeof *s->g.look);
    for (size_t gi = 0; gi < s->g.n; gi++) {
        struct on_gpu o;
        on_gpu(s, gi, &o);
        struct run_gpu_look *l = &s->g.look[gi];
        if (l->sig != o.sig || l->n != o.n) l->changed = now;
        l->sig = o.sig;
        l->n = o.n;
        double usable = pack_usable(&s->g.pc, &s->g.gpus[gi]);
        int mem_cap = o.held > 0 ? (int)(usable / o.held) : 1;
        for (size_t i = 0; i < s->nslots; i++) {
            struct slot *sl = &s->slots[i];
            if (!sl->used || sl->ended || sl->g != (int)gi || sl->top_step <= sl->obs_step)
                continue;
            char why[600];
            if (o.same && sl->obs_at > 0 && sl->obs_at >= l->changed &&
                concur_observe(&s->g.concur, o.kind, o.n, now - sl->obs_at,
                               (double)(sl->top_step - sl->obs_step), mem_cap, why,
                               sizeof why)) {
                say(s, "max_per_gpu auto: %s", why);
                store_event(s->st, -1, "concurrency", why, NULL);
            }
            sl->obs_step = sl->top_step;
            sl->obs_at = now;
        }
    }
}

int gpu_never_fits(const struct sched *s, double mem)
{
    return pack_never_fits(&s->g.pc, s->g.gpus, s->g.n, mem);
}

int gpu_id(const struct sched *s, int gi)
{
    return s->g.gpus[gi].id;
}

void gpu_describe(const struct sched *s, int gi, double est, double *total_mib, double *mem_mib)
{
    *total_mib = s->g.gpus[gi].total_mib;
    *mem_mib = est >= 0 ? est : pack_usable(&s->g.pc, &s->g.gpus[gi]);
}

/* With GPU packing, how many trials to come are kept as pending rows: four
 * per place a trial could start, and some. */
#define WINDOW_PER_GPU_SLOT 4
#define WINDOW_EXTRA 16
#define DEFAULT_PER_GPU 4

size_t gpu_window(const struct sched *s, int learns)
{
    size_t per = s->g.pc.max_per_gpu ? (size_t)s->g.pc.max_per_gpu : DEFAULT_PER_GPU;
    return learns ? s->g.n * per : WINDOW_PER_GPU_SLOT * s->g.n * per + WINDOW_EXTRA;
}

const char *gpu_node(const struct sched *s, int gi)
{
    return s->g.nodes && s->g.gpus[gi].node >= 0 ? s->g.nodes[s->g.gpus[gi].node] : NULL;
}

void gpu_text(const struct sched *s, int gi, char *out, size_t n)
{
    const char *node = gpu_node(s, gi);
    if (node) snprintf(out, n, "%s:%d", node, s->g.gpus[gi].id);
    else snprintf(out, n, "%d", s->g.gpus[gi].id);
}

int gpu_index(const struct sched *s, const char *id)
{
    for (size_t i = 0; id && i < s->g.n; i++) {
        char t[160];
        gpu_text(s, (int)i, t, sizeof t);
        if (!strcmp(t, id)) return (int)i;
    }
    return -1;
}

void gpu_learn_more(struct sched *s, long long id, double mib)
{
    learn_override(&s->g.learned, id, mib);
}

void gpu_learn_peak(struct sched *s, const char *kind, double mib, int final)
{
    learn_peak(&s->g.learned, kind, mib, final);
}

double gpu_stagger_due(const struct sched *s, double now)
{
    double due = 1e300;
    for (size_t i = 0; s->g.on && i < s->g.n; i++) {
        double t = s->g.gpus[i].last_launch + s->sp->stagger;
        if (t > now && t < due) due = t;
    }
    return due;
}

double gpu_smi_due(const struct sched *s, double now)
{
    /* trials waiting for memory that others hold wait for nvidia-smi, and a
     * running nvidia-smi has a deadline (the system's clock, whatever the
     * loop's) */
    if (!s->g.on || !s->sp->gpus_auto || !(s->running || s->queue.n)) return 1e300;
    return s->g.smi.phase ? now + gpu_query_deadline(&s->g.smi) - util_mono() : s->g.next_smi;
}

int gpu_fd(const struct sched *s)
{
    return gpu_query_fd(&s->g.smi);
}

int gpu_smi_ready(const struct sched *s, int readable)
{
    return s->g.smi.phase && (readable || util_mono() >= gpu_query_deadline(&s->g.smi));
}

int gpu_room_for(const struct sched *s, double mib)
{
    for (size_t i = 0; i < s->g.n; i++) {
        const struct pack_gpu *g = &s->g.gpus[i];
        if (mib < 0 ? !g->ntrials && !g->shared_trials : pack_free(&s->g.pc, g) >= mib) return 1;
    }
    return 0;
}

double gpu_held(const struct sched *s)
{
    double mib = 0;
    for (size_t i = 0; i < s->g.n; i++) mib += s->g.gpus[i].reserved_mib;
    return mib;
}

void gpu_sync(struct sched *s)
{
    if (!s->g.on && !s->c.on) return;
    if (machine_sync(s)) /* the ledger was made anew: our holds again */
        for (size_t i = 0; i < s->nslots; i++) {
            const struct slot *sl = &s->slots[i];
            char cpus[CPUSET_TEXT];
            cpus_text(sl, cpus, sizeof cpus);
            if (sl->used && sl->g >= 0)
                machine_hold(s, sl->id, s->g.gpus[sl->g].id, sl->held_mib, sl->est_mib < 0,
                             &sl->job, sl->pgid, cpus);
            else if (sl->used && sl->ncpus)
                machine_hold(s, sl->id, -1, 0, 0, &sl->job, sl->pgid, cpus);
        }
    for (size_t i = 0; i < s->g.n; i++) {
        struct pack_gpu *g = &s->g.gpus[i];
        g->shared_mib = machine_shared(s, g->id, &g->shared_trials, &g->shared_whole);
        g->barred = machine_barred(s, g->id);
    }
}

int gpu_reserve(struct sched *s, long long id, int gi, double mem, const char *cpus)
{
    if (gi < 0) return machine_reserve(s, id, -1, 0, 1e300, 0, cpus);
    const struct pack_gpu *g = &s->g.gpus[gi];
    return machine_reserve(s, id, g->id, mem, pack_capacity(&s->g.pc, g), g->others_mib, cpus);
}
