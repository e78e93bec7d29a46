/* srun_def.c - the srun executor's line of executors.h's table: its
 * section of the sweep file (srun: {gres: gpu:4}), opening it inside an
 * allocation, what sweep plan shows (each trial's step), stopping a trial
 * when no sweep runs, and what it cost. */
#include "sweep/exec/executors.h"
#include "sweep/exec/local.h"
#include "sweep/exec/slurm/srun.h"
#include "sweep/exec/slurm/slurm.h" /* slurm_tag: the sweep's name in Slurm */
#include "search/section.h"
#include "search/diag.h"
#include "search/space.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct srun_spec {
    char *gres;               /* srun.gres: what a GPU trial's step asks for (--overlap) */
};

static void spec_free(void *p)
{
    struct srun_spec *s = p;
    if (s) free(s->gres);
    free(s);
}

static const struct srun_spec *spec_of(const struct space *sp)
{
    return sp->exec_opts_free == spec_free ? sp->exec_opts : NULL;
}

/* Where resources gives key its value, for a message (the executor's line
 * else). */
static void at_resources(const struct space *sp, const char *key, int *line, int *col)
{
    const struct value *g = value_map_get(value_map_get(sp->doc, "resources"), key);
    *line = g ? g->line : sp->executor_line;
    *col = g ? g->col : sp->executor_col;
}

static void configure(struct space *sp, struct diag *d)
{
    struct srun_spec *s = xcalloc(1, sizeof *s);
    if (sp->exec_opts_free) sp->exec_opts_free(sp->exec_opts);
    sp->exec_opts = s;
    sp->exec_opts_free = spec_free;
    /* how many run at once: the allocation's cores (or GPUs) decide, unless capped */
    if (!sp->max_parallel_given) sp->max_parallel = SPACE_GPU_PARALLEL;
    const struct value *m = sp->executor_section, *v;
    static const char *const keys[] = {"gres", NULL};
    if (m && m->kind != V_MAP) diag_error(d, m->line, m->col, "srun must be a map (gres)");
    else if (m) section_check_keys(d, m, keys, "srun");
    if (m && m->kind == V_MAP && (v = value_map_get(m, "gres"))) {
        s->gres = section_text(d, v, "gres");
        if (s->gres && (strncmp(s->gres, "gpu", 3) || strpbrk(s->gres, " \t\n,"))) {
            diag_error(d, v->line, v->col,
                       "srun.gres: one GPU GRES as srun takes it (gpu:4, gpu:a100:8): each node's "
                       "GPUs, which every GPU trial's step shares");
            free(s->gres);
            s->gres = NULL;
        }
        if (s->gres && !sp->ngpu_list)
            diag_error(d, v->line, v->col, "srun.gres is for trials on GPUs: declare them with "
                                           "resources.gpus");
    }
    int line, col;
    if (sp->gpus_auto) {
        at_resources(sp, "gpus", &line, &col);
        diag_error(d, line, col,
                   "gpus: auto asks nvidia-smi on this machine, not on the allocation's nodes; "
                   "with executor srun declare each node's GPUs: gpus: [{id: 0, memory: 80GiB}, "
                   "...]");
    }
    if (sp->cpus == SPACE_CPUS_AUTO) {
        at_resources(sp, "cpus", &line, &col);
        diag_error(d, line, col,
                   "cpus: auto divides this machine's cores; with executor srun give the cores "
                   "per trial (a number: each step gets them from its node)");
    }
}

static struct executor *open_srun(const struct exec_sweep *w, char **trials_root, struct err *e)
{
    *trials_root = NULL;
    const char *job = getenv("SLURM_JOB_ID"), *nodes = getenv("SLURM_JOB_NODELIST");
    const char *cpus = getenv("SLURM_JOB_CPUS_PER_NODE");
    if (!job || !*job || !nodes || !cpus) {
        err_usage(e, "executor srun runs inside a Slurm allocation (salloc, or an sbatch script "
                     "that runs sweep): SLURM_JOB_ID is not set here; nothing was started");
        return NULL;
    }
    char *srun = util_which("srun", getenv("PATH"), w->cwd);
    free(srun);
    if (!srun) {
        err_set(e, "executor srun: srun is not on PATH; nothing was started");
        return NULL;
    }
    char tag[32];
    slurm_tag(tag, w->created);
    const struct srun_spec *s = spec_of(w->sp);
    struct exec_srun_opts o = {.job = job, .nodelist = nodes, .cpus_per_node = cpus, .tag = tag,
                               .cpus = w->sp->cpus > 0 ? w->sp->cpus : 1,
                               .gres = s ? s->gres : NULL};
    return exec_srun(&o, e);
}

static void plan_srun(const struct exec_sweep *w, const struct exec_plan *p, struct sb *out)
{
    const struct srun_spec *s = spec_of(w->sp);
    const char *job = getenv("SLURM_JOB_ID");
    struct exec_srun_opts o = {.job = job ? job : "JOB", .tag = "sweep-XXXXXXXX",
                               .cpus = w->sp->cpus > 0 ? w->sp->cpus : 1,
                               .gres = s ? s->gres : NULL};
    sb_addf(out, "executor: srun, inside allocation %s: each trial a job step on %s (%d core%s "
                 "per trial); a step is started as:\n",
            o.job,
            w->sp->ngpu_list ? "the node of the GPU it is packed on"
                             : "the node with the most free cores",
            o.cpus, o.cpus == 1 ? "" : "s");
    for (long long i = 0; i < p->n && i < 3; i++) {
        char dir[400];
        snprintf(dir, sizeof dir, "%s/trials/%04lld", w->dir, i);
        double mem = -1;
        char **av = p->argv(p->ctx, i, dir, &mem);
        char *gpu_env[] = {"CUDA_VISIBLE_DEVICES=K", NULL}; /* a trial on GPU K of NODE */
        struct exec_spec spec = {.trial_dir = dir, .argv = av, .trial = i, .mem_mib = mem,
                                 .node = w->sp->ngpu_list ? "NODE" : NULL, .envp = gpu_env};
        char **sv = srun_step_argv(&o, &spec, "NODE", o.cpus);
        exec_plan_line(out, sv);
        exec_free_strv(sv);
        exec_free_strv(av);
    }
    sb_add(out, "(run by each trial's sweep-supervisor on this machine; docs/slurm.md)\n");
}

static int stop_trial(const struct exec_sweep *w, const struct exec_record *r, int sig,
                      struct err *e)
{
    const char *job = getenv("SLURM_JOB_ID");
    char tag[32];
    slurm_tag(tag, w->created);
    /* inside the allocation the trainer gets sig; else (or when its step is
     * not found) srun does, proven ours by its supervisor, and ends it */
    if (job && *job && srun_signal_step(job, tag, r->trial, sig, e) == 0 && sig != SIGKILL)
        return 0;
    struct exec_job j = {.pid = r->pid, .pid_start = r->pid_start, .fd = -1};
    return local_stop_job(r->trial_dir, &j, sig);
}

static const char *summary(struct executor *x, struct sb *out)
{
    long steps, sigs;
    srun_counts(x, &steps, &sigs);
    sb_addf(out, "steps=%ld signals=%ld", steps, sigs);
    return "srun_steps";
}

const struct exec_def exec_srun_def = {
    .name = "srun",
    .title = "the allocation",
    .started = "started",
    .ref_word = "node",
    .ref_event = "placed",
    .state_word = NULL,
    .json_ref = "node",
    .json_state = NULL,
    .machines = "the allocation's nodes",
    .configure = configure,
    .open = open_srun,
    .plan = plan_srun,
    .stop_trial = stop_trial,
    .summary = summary,
};
