/* executor.c - which executor a sweep runs on (executor: local or slurm),
 * the Slurm options the sweep file gives (also for sweep plan), and what
 * the loop keeps of a Slurm job: its state in the store for sweep status,
 * the commands it cost. */
#include "sweep/run/run_int.h"
#include "search/space.h"
#include "store/layout.h"
#include "store/store.h"
#include "sweep/exec/slurm.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_slurm_opts(const struct space *sp, const char *tag, struct exec_slurm_opts *o)
{
    const struct slurm_spec *s = &sp->slurm;
    *o = (struct exec_slurm_opts){
        .partition = s->partition, .account = s->account, .qos = s->qos,
        .constraint = s->constraint, .mem = s->mem, .time = s->time, .gpus = s->gpus,
        .cpus = s->cpus, .share_shard = s->share_shard, .shards_per_gpu = s->shards_per_gpu,
        .args = s->args, .nargs = s->nargs, .poll = s->poll, .tag = tag};
    o->gpu_mib = s->gpu_mib; /* share: shard - one GPU's memory: the share's whole */
}

double run_slurm_mem(const struct space *sp, const struct value *params)
{
    return sp->slurm.share_shard ? pack_estimate(sp, params, NULL) : -1;
}

int run_executor(struct sched *s, struct err *e)
{
    if (s->o->exec) { /* the caller's (a test's fake) */
        s->exec = s->o->exec;
        return 0;
    }
    s->own_exec = 1;
    if (s->sp->executor != EXECUTOR_SLURM) {
        s->exec = exec_local();
        return 0;
    }
    /* a machine that is not a submit host: said once, before any trial */
    char *sbatch = util_which("sbatch", getenv("PATH"), s->o->cwd);
    free(sbatch);
    if (!sbatch)
        return err_set(e, "executor slurm: sbatch is not on PATH; run the sweep on a Slurm "
                          "submit host (Debian: slurm-client). Nothing was submitted");
    struct store_sweep sw;
    if (store_get_sweep(s->st, &sw, e)) return -1;
    char tag[32];
    slurm_tag(tag, sw.created);
    store_sweep_release(&sw);
    if (s->sp->slurm.shared_dir) { /* trial directories where the nodes see them */
        char *root = xasprintf("%s/%s", s->sp->slurm.shared_dir, tag);
        int rc = layout_set_trials_root(s->o->dir, root, e);
        free(root);
        if (rc) return -1;
    }
    struct exec_slurm_opts o;
    run_slurm_opts(s->sp, tag, &o);
    s->exec = exec_slurm(&o, e);
    return s->exec ? 0 : -1;
}

void run_executor_done(struct sched *s)
{
    const struct slurm_stats *st = s->exec ? exec_slurm_stats(s->exec) : NULL;
    if (st) {
        char d[256];
        snprintf(d, sizeof d, "sbatch=%ld squeue=%ld scontrol=%ld sacct=%ld scancel=%ld "
                 "one_query_per_job=%ld", st->sbatch, st->squeue, st->scontrol, st->sacct,
                 st->scancel, st->listed);
        store_event(s->st, -1, "slurm_commands", d, NULL);
    }
    if (s->exec && s->own_exec) exec_free(s->exec);
    s->exec = NULL;
}

void run_executor_poll(struct sched *s)
{
    struct err e = {0};
    if (exec_poll(s->exec, &e)) {
        if (!s->exec_failing) warn(s, "%s (asking again)", e.msg);
        s->exec_failing = 1;
    } else {
        if (s->exec_failing) say(s, "Slurm answers again");
        s->exec_failing = 0;
    }
}

void run_job_state(struct sched *s, struct slot *sl)
{
    if (!sl->job.job_id || !strcmp(sl->job.state, sl->job_state)) return;
    snprintf(sl->job_state, sizeof sl->job_state, "%s", sl->job.state);
    store_trial_job_state(s->st, sl->id, sl->job_state, NULL);
    if (sl->job_waited && !sl->job.waiting) {
        /* it runs now: its time (timeout, stall, duration) starts here, not
         * at its submission */
        sl->start_mono = sl->last_out_mono = run_mono(s);
        store_trial_started(s->st, sl->id, run_now(s), NULL);
    }
    sl->job_waited = sl->job.waiting;
}
