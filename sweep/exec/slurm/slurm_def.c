/* slurm_def.c - the Slurm executor's line of executors.h's table: opening
 * it for a sweep (a submit host, the sweep's tag, where the trial
 * directories go), what sweep plan shows (each trial's sbatch), stopping
 * trials when no sweep runs (scancel, once the job is proven the trial's by
 * its name), and the commands it cost. */
#include "sweep/exec/executors.h"
#include "sweep/exec/slurm/slurm.h"
#include "search/space.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct executor *open_slurm(const struct exec_sweep *w, char **trials_root, struct err *e)
{
    *trials_root = NULL;
    /* a machine that is not a submit host: said once, before any trial */
    char *sbatch = util_which("sbatch", getenv("PATH"), w->cwd);
    free(sbatch);
    if (!sbatch) {
        err_set(e, "executor slurm: sbatch is not on PATH; run the sweep on a Slurm submit host "
                   "(Debian: slurm-client). Nothing was submitted");
        return NULL;
    }
    char tag[32];
    slurm_tag(tag, w->created);
    const struct slurm_spec *s = slurm_spec_of(w->sp);
    if (s && s->shared_dir) /* trial directories where the nodes see them */
        *trials_root = xasprintf("%s/%s", s->shared_dir, tag);
    struct exec_slurm_opts o;
    slurm_opts(w->sp, tag, &o);
    return exec_slurm(&o, e);
}

static void plan_slurm(const struct exec_sweep *w, const struct exec_plan *p, struct sb *out)
{
    const struct space *sp = w->sp;
    const struct slurm_spec *s = slurm_spec_of(sp);
    struct exec_slurm_opts o;
    slurm_opts(sp, "sweep-XXXXXXXX", &o);
    sb_addf(out, "executor: slurm, %d job%s in the queue at once (resources.max_parallel), the "
                 "queue asked every %.1fs; each trial is submitted as:\n",
            sp->max_parallel, sp->max_parallel == 1 ? "" : "s", o.poll);
    for (long long i = 0; i < p->n && i < 3; i++) {
        char dir[400], log[450], script[450];
        if (s && s->shared_dir) /* the trial directories where the nodes see them */
            snprintf(dir, sizeof dir, "%.300s/sweep-XXXXXXXX/%04lld", s->shared_dir, i);
        else snprintf(dir, sizeof dir, "%s/trials/%04lld", w->dir, i);
        snprintf(log, sizeof log, "%s/stdout.log", dir);
        snprintf(script, sizeof script, "%s/job.sh", dir);
        double mem = -1;
        char **av = p->argv(p->ctx, i, dir, &mem);
        struct exec_spec spec = {.trial_dir = dir, .cwd = w->cwd, .log = log, .argv = av,
                                 .trial = i, .mem_mib = mem};
        char **sb = slurm_sbatch_argv(&o, &spec, script, NULL);
        exec_plan_line(out, sb);
        exec_free_strv(sb);
        exec_free_strv(av);
    }
    sb_add(out, "(job.sh runs sweep-supervisor, which runs the command; docs/slurm.md)\n");
}

static int stop_trial(const struct exec_sweep *w, const struct exec_record *r, int sig,
                      struct err *e)
{
    char tag[32];
    slurm_tag(tag, w->created);
    if (!r->ref) { /* never submitted, as far as the store knows */
        errno = ESRCH;
        return -1;
    }
    return slurm_cancel_trial(atoll(r->ref), tag, r->trial, sig == SIGTERM, e);
}

static long stop_rest(const struct exec_sweep *w, const char *const *refs, size_t n,
                      struct err *e)
{
    char tag[32];
    slurm_tag(tag, w->created);
    long long *skip = xcalloc(n + 1, sizeof *skip);
    for (size_t i = 0; i < n; i++) skip[i] = refs[i] ? atoll(refs[i]) : 0;
    long r = slurm_cancel_sweep(tag, skip, n, e);
    free(skip);
    return r;
}

static const char *summary(struct executor *x, struct sb *out)
{
    const struct slurm_stats *st = exec_slurm_stats(x);
    if (!st) return NULL;
    sb_addf(out, "sbatch=%ld squeue=%ld scontrol=%ld sacct=%ld scancel=%ld one_query_per_job=%ld",
            st->sbatch, st->squeue, st->scontrol, st->sacct, st->scancel, st->listed);
    return "slurm_commands";
}

const struct exec_def exec_slurm_def = {
    .name = "slurm",
    .title = "Slurm",
    .started = "submitted",
    .ref_word = "job",
    .state_word = "queue",
    .json_ref = "job_id",
    .json_state = "job_state",
    .configure = slurm_configure,
    .open = open_slurm,
    .plan = plan_slurm,
    .stop_trial = stop_trial,
    .stop_rest = stop_rest,
    .summary = summary,
};
