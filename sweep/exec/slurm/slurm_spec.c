/* slurm_spec.c - the sweep file's `slurm` section, read by the Slurm
 * executor itself (executors.h: configure): what each trial's job asks of
 * the cluster, checked against the rest of the file. The sbatch command
 * line is built from it in slurm_cmd.c; docs/slurm.md says what each key
 * becomes. */
#include "sweep/exec/slurm/slurm.h"
#include "search/diag.h"
#include "search/grid.h"
#include "search/methods.h"
#include "search/section.h"
#include "search/space.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Minutes between the sweep's own timeout and the job's default --time:
 * sweep's timeout acts first (with its own reason), Slurm's is the net. */
#define SLURM_TIME_MARGIN_S 120.0
#define SLURM_DEFAULT_POLL_S 2.0
/* The longest wait between two looks at the queue while nothing changes:
 * 1,440 squeue a day at most for a sweep whose jobs run long (the target
 * of issue 27: under 2,000); ends are seen by their exit.json, not by it. */
#define SLURM_DEFAULT_POLL_MAX_S 60.0
#define SLURM_DEFAULT_JOBS 8

static void spec_free(void *p)
{
    struct slurm_spec *s = p;
    if (!s) return;
    free(s->partition);
    free(s->account);
    free(s->qos);
    free(s->constraint);
    free(s->mem);
    free(s->shared_dir);
    for (size_t i = 0; i < s->nargs; i++) free(s->args[i]);
    free(s->args);
    free(s);
}

/* --mem as Slurm reads it: a number with an optional K, M, G or T. */
static int mem_ok(const char *s)
{
    size_t i = 0;
    while (isdigit((unsigned char)s[i])) i++;
    if (i == 0) return 0;
    if (!s[i]) return 1;
    return strchr("KMGTkmgt", s[i]) && !s[i + 1];
}

/* The sbatch options sweep sets itself (a job it can find again, its
 * output in the trial directory, requeues it decides): "name" matches
 * --name and --name=...; the short forms are listed too. */
static const char *owned_option(const char *a)
{
    static const char *const longs[] = {"job-name", "output", "error", "chdir", "parsable",
                                        "comment", "export", "wrap", "array", "requeue",
                                        "no-requeue", "input", "open-mode", NULL};
    static const char shorts[] = "JoeDai";
    if (a[0] == '-' && a[1] && a[1] != '-' && strchr(shorts, a[1])) return a;
    if (strncmp(a, "--", 2)) return NULL;
    for (const char *const *k = longs; *k; k++) {
        size_t n = strlen(*k);
        if (!strncmp(a + 2, *k, n) && (a[2 + n] == '\0' || a[2 + n] == '=')) return *k;
    }
    return NULL;
}

static void parse_args(struct diag *d, const struct value *v, struct slurm_spec *s)
{
    if (v->kind != V_LIST) {
        diag_error(d, v->line, v->col,
                   "slurm.args must be a list of sbatch options, one element each "
                   "([--nodes=1, --exclusive])");
        return;
    }
    for (size_t i = 0; i < v->u.list.n; i++) {
        const struct value *a = v->u.list.v[i];
        char *t = section_text(d, a, "an element of slurm.args");
        if (!t) continue;
        const char *own = owned_option(t);
        if (!strncmp(t, "--clusters", 10) || !strncmp(t, "--cluster=", 10) ||
            !strncmp(t, "-M", 2))
            diag_error(d, a->line, a->col,
                       "slurm.args: %s: sweep follows its jobs on one cluster, the one squeue "
                       "and scancel reach by default (SLURM_CONF); run sweep on a submit host "
                       "of the cluster you want instead",
                       t);
        else if (own)
            diag_error(d, a->line, a->col,
                       "slurm.args: %s is set by sweep (each trial's job is named, writes into "
                       "its trial directory and is requeued by sweep)",
                       t);
        else if (strstr(t, "${"))
            diag_error(d, a->line, a->col,
                       "slurm.args: %s: the same options go to every trial's sbatch, as written: "
                       "placeholders are not rendered there (per-trial values belong in the "
                       "command, env or templates)",
                       t);
        else if (!strncmp(t, "--gres", 6) && s->gpus)
            diag_error(d, a->line, a->col,
                       "slurm.args: --gres and slurm.gpus both ask for GPUs; keep one");
        s->args = xrealloc(s->args, (s->nargs + 1) * sizeof *s->args);
        s->args[s->nargs++] = t;
    }
}

static char *opt_text(struct diag *d, const struct value *m, const char *key)
{
    const struct value *v = value_map_get(m, key);
    if (!v) return NULL;
    char *t = section_text(d, v, key);
    if (t && (!t[0] || strpbrk(t, " \t\n"))) {
        diag_error(d, v->line, v->col, "slurm.%s: one word, as sbatch takes it", key);
        free(t);
        return NULL;
    }
    return t;
}

static void parse_section(struct diag *d, const struct value *m, struct slurm_spec *s)
{
    static const char *const keys[] = {"partition", "account", "qos", "time", "gpus",
                                       "mem", "cpus", "constraint", "args", "share",
                                       "shards_per_gpu", "gpu_memory", "poll", "poll_max", "shared_dir",
                                       "array", NULL};
    if (m->kind != V_MAP) {
        diag_error(d, m->line, m->col,
                   "slurm must be a map (partition, account, qos, time, gpus, mem, cpus, "
                   "constraint, args)");
        return;
    }
    section_check_keys(d, m, keys, "slurm");
    s->partition = opt_text(d, m, "partition");
    s->account = opt_text(d, m, "account");
    s->qos = opt_text(d, m, "qos");
    s->constraint = opt_text(d, m, "constraint");
    s->mem = opt_text(d, m, "mem");
    const struct value *v = value_map_get(m, "mem");
    if (s->mem && !mem_ok(s->mem)) {
        diag_error(d, v->line, v->col,
                   "slurm.mem: a size as sbatch takes it (16G, 500M: a number with K, M, G or "
                   "T)");
    }
    s->time = section_duration(d, m, "time", 0);
    s->gpus = (int)section_int(d, m, "gpus", 0, 1024, 0);
    s->cpus = (int)section_int(d, m, "cpus", 1, 100000, 0);
    s->poll = section_duration(d, m, "poll", SLURM_DEFAULT_POLL_S);
    if (s->poll < 0.2) s->poll = 0.2;
    s->poll_max = section_duration(d, m, "poll_max", SLURM_DEFAULT_POLL_MAX_S);
    if (s->poll_max < s->poll) {
        const struct value *pm = value_map_get(m, "poll_max");
        if (pm) diag_error(d, pm->line, pm->col, "slurm.poll_max (the longest wait between two "
                                                  "looks at the queue) is shorter than slurm.poll");
        s->poll_max = s->poll;
    }
    if ((v = value_map_get(m, "share"))) {
        if (v->kind == V_STR && !strcmp(v->u.s, "shard")) s->share_shard = 1;
        else if (!(v->kind == V_STR && !strcmp(v->u.s, "none")))
            diag_error(d, v->line, v->col,
                       "slurm.share must be shard (GPUs shared by memory through gres/shard) "
                       "or none");
    }
    s->shards_per_gpu = (int)section_int(d, m, "shards_per_gpu", 1, 100000, 0);
    if (s->shards_per_gpu && !s->share_shard) {
        const struct mapent *e = value_map_entry(m, "shards_per_gpu");
        diag_error(d, e->line, e->col, "slurm.shards_per_gpu is for share: shard");
    }
    if ((v = value_map_get(m, "gpu_memory"))) {
        char *t = section_text(d, v, "gpu_memory");
        s->gpu_mib = t ? util_parse_size_mib(t) : -1;
        if (!(s->gpu_mib > 0))
            diag_error(d, v->line, v->col, "slurm.gpu_memory: a size (80GiB, 24GB)");
        if (!s->share_shard)
            diag_error(d, v->line, v->col, "slurm.gpu_memory is for share: shard");
        free(t);
    }
    if (s->share_shard && !(s->gpu_mib > 0)) {
        v = value_map_get(m, "share");
        diag_error(d, v->line, v->col,
                   "slurm.share: shard needs gpu_memory (one GPU's memory: a trial gets the "
                   "share of its shards that its memory estimate is of it)");
    }
    if (s->share_shard && !s->gpus) s->gpus = 1;
    if (s->share_shard && !s->shards_per_gpu) {
        v = value_map_get(m, "share");
        diag_error(d, v->line, v->col,
                   "slurm.share: shard needs shards_per_gpu (the Count= of gres/shard on one "
                   "GPU, as the cluster's gres.conf says)");
    }
    if ((v = value_map_get(m, "args"))) parse_args(d, v, s);
    if ((v = value_map_get(m, "array"))) {
        if (v->kind == V_BOOL) s->array = v->u.b;
        else diag_error(d, v->line, v->col, "slurm.array must be true or false");
    }
    if ((v = value_map_get(m, "shared_dir"))) {
        s->shared_dir = section_text(d, v, "shared_dir");
        if (s->shared_dir && (s->shared_dir[0] != '/' || strchr(s->shared_dir, '\n'))) {
            diag_error(d, v->line, v->col,
                       "slurm.shared_dir: an absolute path (a directory the nodes and this "
                       "machine see at the same path)");
            free(s->shared_dir);
            s->shared_dir = NULL;
        }
    }
}

const struct slurm_spec *slurm_spec_of(const struct space *sp)
{
    return sp->exec_opts_free == spec_free ? sp->exec_opts : NULL;
}

/* slurm.array: true - the trials known before any runs (grid, random
 * with run_cap) go as tasks of job arrays; the loop keeps up to an
 * array's worth of them in the queue (sp->in_flight), max_parallel being
 * the arrays' throttle. */
static void configure_array(struct space *sp, struct diag *d, const struct slurm_spec *s)
{
    const struct value *v = value_map_get(sp->executor_section, "array");
    unsigned long long n = 0;
    int known = (sp->method == METHOD_GRID && grid_count(sp, &n) == 0) ||
                (sp->method == METHOD_RANDOM && sp->run_cap > 0);
    if (!known) {
        if (sp->method == METHOD_RANDOM)
            diag_error(d, v->line, v->col,
                       "slurm.array: true needs trials known before any runs: random without "
                       "run_cap has no end (give run_cap: the array's size)");
        else
            diag_error(d, v->line, v->col,
                       "slurm.array: true needs trials known before any runs: method grid, or "
                       "random with run_cap (%s decides each trial from the results before it; "
                       "leave array out)",
                       sp->mdef && sp->mdef->name ? sp->mdef->name : "this method");
        return;
    }
    if (s->share_shard) {
        diag_error(d, v->line, v->col,
                   "slurm.array: the tasks of an array all ask the same; with share: shard "
                   "each trial asks its own shards (leave array out)");
        return;
    }
    if (sp->run_cap > 0 && (n == 0 || (unsigned long long)sp->run_cap < n))
        n = (unsigned long long)sp->run_cap;
    sp->in_flight = n > SLURM_ARRAY_MAX ? SLURM_ARRAY_MAX : (int)n;
}

void slurm_configure(struct space *sp, struct diag *d)
{
    struct slurm_spec *s = xcalloc(1, sizeof *s);
    if (sp->exec_opts_free) sp->exec_opts_free(sp->exec_opts);
    sp->exec_opts = s;
    sp->exec_opts_free = spec_free;
    s->poll = SLURM_DEFAULT_POLL_S;
    s->poll_max = SLURM_DEFAULT_POLL_MAX_S;
    /* a cluster runs several: 8 jobs in the queue unless resources says */
    if (!sp->max_parallel_given) sp->max_parallel = SLURM_DEFAULT_JOBS;
    if (sp->executor_section) parse_section(d, sp->executor_section, s);
    if (s->time == 0 && sp->timeout > 0) s->time = sp->timeout + sp->stop_grace + SLURM_TIME_MARGIN_S;
    if (s->array) configure_array(sp, d, s);
    if (sp->gpus_auto || sp->ngpu_list) {
        const struct mapent *g = value_map_entry(value_map_get(sp->doc, "resources"), "gpus");
        diag_error(d, g ? g->line : sp->executor_line, g ? g->col : sp->executor_col,
                   "resources.gpus places trials on this machine's GPUs; with executor slurm "
                   "Slurm places them: give slurm.gpus (GPUs per trial)");
    }
    if (sp->cpus) {
        const struct value *c = value_map_get(value_map_get(sp->doc, "resources"), "cpus");
        diag_error(d, c ? c->line : sp->executor_line, c ? c->col : sp->executor_col,
                   "cpus is for the local executor (slurm places CPUs itself: slurm.cpus)");
    }
    if (sp->shell) {
        const struct value *v = value_map_get(sp->doc, "shell");
        diag_error(d, v ? v->line : sp->executor_line, v ? v->col : sp->executor_col,
                   "shell: true is for the local executor; a Slurm job runs its command "
                   "without a shell (as an argv)");
    }
}

void slurm_opts(const struct space *sp, const char *tag, struct exec_slurm_opts *o)
{
    static const struct slurm_spec none = {.poll = SLURM_DEFAULT_POLL_S,
                                          .poll_max = SLURM_DEFAULT_POLL_MAX_S};
    const struct slurm_spec *s = slurm_spec_of(sp);
    if (!s) s = &none;
    *o = (struct exec_slurm_opts){
        .partition = s->partition, .account = s->account, .qos = s->qos,
        .constraint = s->constraint, .mem = s->mem, .time = s->time, .gpus = s->gpus,
        .cpus = s->cpus, .share_shard = s->share_shard, .shards_per_gpu = s->shards_per_gpu,
        .args = s->args, .nargs = s->nargs, .poll = s->poll, .poll_max = s->poll_max,
        .tag = tag, .array = s->array, .throttle = sp->max_parallel};
    o->gpu_mib = s->gpu_mib; /* share: shard - one GPU's memory: the share's whole */
}
