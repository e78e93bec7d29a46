/* cpus.c - CPU isolation (resources.cpus, docs/config.md): each trial gets
 * cores of its own, from those this sweep may use less those other sweeps'
 * trials hold (the machine ledger); the supervisor pins the trial to them
 * (SWEEP_TRIAL_CPUS) and the thread pools are capped at their number
 * (render.c). With `auto`, the cores divided by the trials that run at
 * once: max_parallel, or with GPU packing what the GPUs hold of the first
 * trial's estimate (max_per_gpu where smaller); when that is more trials
 * than cores, a trial takes one core and this sweep's trials share the
 * least loaded ones. A trial that finds no free cores waits, as one that
 * finds no GPU memory does. */
#include "sweep/run/run_int.h"
#include "search/space.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cpus_setup(struct sched *s)
{
    struct run_cpus *c = &s->c;
    memset(c, 0, sizeof *c);
    if (!s->sp->cpus || (s->own_exec && s->def != &exec_local_def)) return 0;
    if (cpuset_allowed(&c->allowed) || cpuset_count(&c->allowed) == 0) {
        warn(s, "resources.cpus: the cores this process may use could not be read; trials are "
                "not pinned");
        return 0;
    }
    c->on = 1;
    c->load = xcalloc(CPUSET_MAX, sizeof *c->load);
    if (s->sp->cpus > 0) c->per = s->sp->cpus;
    return 0;
}

void cpus_teardown(struct sched *s)
{
    free(s->c.load);
    memset(&s->c, 0, sizeof s->c);
}

/* auto: how many trials run at once (mem: the first trial's estimate). */
static int at_once(const struct sched *s, double mem)
{
    if (s->sp->max_parallel < SPACE_GPU_PARALLEL || !s->g.on) return s->sp->max_parallel;
    return gpu_trials_at_once(s, mem);
}

int cpus_pick(struct sched *s, double mem, struct cpuset *out)
{
    struct run_cpus *c = &s->c;
    int ncores = cpuset_count(&c->allowed);
    if (!c->per) { /* auto: decided once, at the first trial */
        int n = at_once(s, mem);
        c->per = ncores / n > 0 ? ncores / n : 1;
        c->shared = n * c->per > ncores;
        say(s, "resources.cpus: auto: %d core%s per trial (%d cores, %d trial%s at once%s)",
            c->per, c->per == 1 ? "" : "s", ncores, n, n == 1 ? "" : "s",
            c->shared ? "; trials share cores" : "");
    }
    struct cpuset free = c->allowed, theirs;
    machine_cpus_theirs(s, &theirs);
    cpuset_minus(&free, &theirs);
    struct cpuset idle = free, busy; /* free, less the cores our trials run on */
    cpuset_clear(&busy);
    for (int k = 0; k < CPUSET_MAX; k++)
        if (c->load[k] > 0) cpuset_add(&busy, k);
    cpuset_minus(&idle, &busy);
    if (cpuset_take(&idle, c->per, out) == 0) return 0;
    if (!c->shared || cpuset_count(&free) < c->per) return -1;
    cpuset_clear(out); /* the least loaded of ours */
    for (int got = 0; got < c->per; got++) {
        int best = -1;
        for (int k = 0; k < CPUSET_MAX; k++)
            if (cpuset_has(&free, k) && !cpuset_has(out, k) &&
                (best < 0 || c->load[k] < c->load[best]))
                best = k;
        cpuset_add(out, best);
    }
    return 0;
}

void cpus_take(struct sched *s, struct slot *sl, const struct cpuset *set)
{
    sl->cpus = *set;
    sl->ncpus = cpuset_count(set);
    for (int k = 0; k < CPUSET_MAX; k++)
        if (cpuset_has(set, k)) s->c.load[k]++;
}

void cpus_adopt(struct sched *s, struct slot *sl, const char *list)
{
    struct cpuset set;
    if (!s->c.on || !list || cpuset_parse(list, &set) || !cpuset_count(&set)) return;
    cpus_take(s, sl, &set);
    if (sl->g < 0) machine_hold(s, sl->id, -1, 0, 0, &sl->job, sl->pgid, list);
}

void cpus_release(struct sched *s, struct slot *sl)
{
    if (!sl->ncpus) return;
    for (int k = 0; k < CPUSET_MAX; k++)
        if (cpuset_has(&sl->cpus, k) && s->c.load[k] > 0) s->c.load[k]--;
    if (sl->g < 0) machine_release(s, sl->id); /* a GPU's hold goes with the GPU */
    sl->ncpus = 0;
    cpuset_clear(&sl->cpus);
}

