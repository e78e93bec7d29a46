/* srun.c - the srun executor's operations (srun.h): the allocation's
 * nodes and what our trials hold of their cores, each trial's job step
 * started, reaped, stopped and adopted through its supervisor here
 * (local.h). */
#include "sweep/exec/slurm/srun.h"
#include "sweep/exec/local.h"
#include "sweep/exec/slurm/slurm.h" /* slurm_job_name: the steps are named as its jobs */
#include "base/err.h"
#include "base/spawn.h"
#include "base/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRUN_MAX_NODES 4096

struct srun_node {
    char *name;
    int cpus;                  /* the allocation's cores on it */
    int used;                  /* held by our trials */
};

struct srun_run {              /* a trial of ours on a node */
    pid_t pid;                 /* its supervisor */
    long long pid_start;
    long long trial;
    int node, ncpus;
};

struct exec_srun {
    struct executor x;
    struct exec_srun_opts o;   /* its strings are ours */
    struct srun_node *nodes;
    const char **names;
    size_t n;
    struct srun_run *runs;
    size_t nruns, cap;
    long steps, signals;
};

int srun_parse_cpus(const char *text, int *out, size_t max)
{
    size_t n = 0;
    const char *p = text;
    if (!p || !*p) return -1;
    for (;;) {
        char *end;
        long c = strtol(p, &end, 10);
        if (end == p || c <= 0 || c > 1000000) return -1;
        long times = 1;
        p = end;
        if (*p == '(') {
            if (p[1] != 'x') return -1;
            times = strtol(p + 2, &end, 10);
            if (end == p + 2 || *end != ')' || times <= 0 || times > SRUN_MAX_NODES) return -1;
            p = end + 1;
        }
        for (long k = 0; k < times; k++) {
            if (n >= max) return -1;
            out[n++] = (int)c;
        }
        if (!*p) return (int)n;
        if (*p++ != ',') return -1;
    }
}

static void add(char ***v, size_t *n, const char *s)
{
    *v = xrealloc(*v, (*n + 2) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
    (*v)[*n] = NULL;
}

static void addf(char ***v, size_t *n, const char *k, const char *val)
{
    char *s = xasprintf("--%s=%s", k, val);
    add(v, n, s);
    free(s);
}

/* The value of NAME in envp, or NULL. */
static const char *env_of(char *const *envp, const char *name)
{
    size_t k = strlen(name);
    for (char *const *p = envp; p && *p; p++)
        if (!strncmp(*p, name, k) && (*p)[k] == '=') return *p + k + 1;
    return NULL;
}

char **srun_step_argv(const struct exec_srun_opts *o, const struct exec_spec *s,
                      const char *node, int ncpus)
{
    char **v = NULL, name[96], num[32];
    size_t n = 0;
    add(&v, &n, "srun");
    addf(&v, &n, "jobid", o->job);
    add(&v, &n, "--nodes=1");
    add(&v, &n, "--ntasks=1");
    addf(&v, &n, "nodelist", node);
    add(&v, &n, "--exact");
    snprintf(num, sizeof num, "%d", ncpus);
    addf(&v, &n, "cpus-per-task", num);
    slurm_job_name(name, sizeof name, o->tag, s->trial);
    addf(&v, &n, "job-name", name);
    add(&v, &n, "--quiet");
    /* Slurm unsets CUDA_VISIBLE_DEVICES in a step without GPUs and sets it
     * to all of them in one with: the trial's own comes back through env */
    const char *gpu = s->node ? env_of(s->envp, "CUDA_VISIBLE_DEVICES") : NULL;
    if (gpu && o->gres) { /* the node's GPUs, shared with the other steps */
        add(&v, &n, "--overlap");
        addf(&v, &n, "gres", o->gres);
    } else {
        add(&v, &n, "--gres=none");
    }
    add(&v, &n, "--");
    if (gpu) {
        char *cvd = xasprintf("CUDA_VISIBLE_DEVICES=%s", gpu);
        add(&v, &n, "/usr/bin/env");
        add(&v, &n, cvd);
        free(cvd);
    }
    for (size_t i = 0; s->argv[i]; i++) add(&v, &n, s->argv[i]);
    return v;
}

/* The node for a trial of ncpus cores: want's (a GPU trial's), else the
 * one with the most free; -1 when none has them free now, -2 when want is
 * not a node of the allocation. */
static int pick_node(const struct exec_srun *r, const char *want, int ncpus)
{
    int best = -1;
    for (size_t k = 0; k < r->n; k++) {
        const struct srun_node *nd = &r->nodes[k];
        if (want && strcmp(want, nd->name)) continue;
        if (nd->cpus - nd->used < ncpus) {
            if (want) return -1;
            continue;
        }
        if (best < 0 || nd->cpus - nd->used > r->nodes[best].cpus - r->nodes[best].used)
            best = (int)k;
        if (want) return best;
    }
    return want && best < 0 ? -2 : best;
}

static void hold(struct exec_srun *r, pid_t pid, long long start, long long trial, int node,
                 int ncpus)
{
    if (r->nruns == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->runs = xrealloc(r->runs, r->cap * sizeof *r->runs);
    }
    r->runs[r->nruns++] = (struct srun_run){pid, start, trial, node, ncpus};
    r->nodes[node].used += ncpus;
}

static struct srun_run *run_of(struct exec_srun *r, const struct exec_job *j)
{
    for (size_t i = 0; i < r->nruns; i++)
        if (r->runs[i].pid == j->pid && r->runs[i].pid_start == j->pid_start) return &r->runs[i];
    return NULL;
}

static void unhold(struct exec_srun *r, const struct exec_job *j)
{
    struct srun_run *u = run_of(r, j);
    if (!u) return;
    r->nodes[u->node].used -= u->ncpus;
    *u = r->runs[--r->nruns];
}

static int srun_start(struct executor *x, const struct exec_spec *s, struct exec_job *j,
                      struct err *e)
{
    struct exec_srun *r = (struct exec_srun *)x;
    int ncpus = s->ncpus > 0 ? s->ncpus : r->o.cpus;
    int k = pick_node(r, s->node, ncpus);
    if (k == -2)
        return err_set(e, "node %s is not one of the allocation's (job %s)", s->node, r->o.job);
    if (k < 0) {
        err_set(e, "the allocation's cores are taken (%d per trial%s%s): the trial waits for one "
                   "to end",
                ncpus, s->node ? " on " : "", s->node ? s->node : "");
        e->code = EAGAIN;
        return -1;
    }
    char **argv = srun_step_argv(&r->o, s, r->nodes[k].name, ncpus);
    int rc = local_start_argv(s, argv, j, e);
    exec_free_strv(argv);
    if (rc) return -1;
    r->steps++;
    hold(r, j->pid, j->pid_start, s->trial, k, ncpus);
    snprintf(j->ref, sizeof j->ref, "%s", r->nodes[k].name);
    return 0;
}

static int srun_reap(struct executor *x, struct exec_job *j)
{
    /* an adopted supervisor's pidfd may have told the loop first */
    int done = local_reap_job(j) || (j->adopted && proc_start_time(j->pid) < 0);
    if (done) unhold((struct exec_srun *)x, j);
    return done;
}

/* The step's id (J.S) among squeue's "ID NAME" lines, or NULL. */
static char *step_of(const char *out, const char *name)
{
    size_t k = strlen(name);
    for (const char *l = out; l && *l;) {
        const char *nl = strchr(l, '\n'), *sp = strchr(l, ' ');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        if (sp && sp < l + len && (size_t)(l + len - sp - 1) == k && !strncmp(sp + 1, name, k))
            return xstrndup(l, (size_t)(sp - l));
        l = nl ? nl + 1 : NULL;
    }
    return NULL;
}

int srun_signal_step(const char *job, const char *tag, long long trial, int sig,
                     struct err *e)
{
    char name[96], jobs[64];
    slurm_job_name(name, sizeof name, tag, trial);
    snprintf(jobs, sizeof jobs, "--jobs=%s", job);
    char *const q[] = {"squeue", "--steps", jobs, "--noheader", "--format=%i %j", NULL};
    char *out = NULL;
    int st = 0;
    if (spawn_run(q, NULL, SRUN_CMD_TIMEOUT_S, &out, &st, e) || st) {
        if (!e->msg[0] || st) err_set(e, "squeue --steps: %.200s", out ? out : "");
        free(out);
        return -1;
    }
    char *step = step_of(out, name);
    free(out);
    if (!step) return 1;
    char sigopt[32];
    snprintf(sigopt, sizeof sigopt, "--signal=%s", sig == SIGKILL ? "KILL" : "TERM");
    char *const c[] = {"scancel", "--quiet", sigopt, step, NULL};
    out = NULL;
    int rc = spawn_run(c, NULL, SRUN_CMD_TIMEOUT_S, &out, &st, e);
    free(out);
    free(step);
    return rc ? -1 : 0;
}

static int srun_stop(struct executor *x, const char *trial_dir, const struct exec_job *j,
                     int sig)
{
    struct exec_srun *r = (struct exec_srun *)x;
    const struct srun_run *u = run_of(r, j);
    if (u) {
        struct err e = {0};
        int rc = srun_signal_step(r->o.job, r->o.tag, u->trial, sig, &e);
        r->signals += rc == 0;
        /* SIGTERM reached the trainer; before its step exists (or when
         * Slurm does not answer) srun gets it, and cancels the step */
        if (rc == 0 && sig != SIGKILL) return 0;
    }
    return local_stop_job(trial_dir, j, sig); /* SIGKILL: srun too */
}

/* The node of a step whose supervisor runs here (pid), from the srun
 * command line it runs (--nodelist=NODE): for a trial the store has no node
 * of (sweep died between its start and that record). 1 if found. */
static int node_of(pid_t pid, char *out, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
    size_t len = 0;
    char *t = util_read_file(path, &len, NULL);
    int found = 0;
    for (size_t i = 0; t && i < len && !found; i += strlen(t + i) + 1)
        if (!strncmp(t + i, "--nodelist=", 11) && strlen(t + i + 11) < n) {
            snprintf(out, n, "%s", t + i + 11);
            found = 1;
        }
    free(t);
    return found;
}

static enum exec_found srun_adopt(struct executor *x, const struct exec_record *r,
                                  struct exec_job *j)
{
    struct exec_srun *s = (struct exec_srun *)x;
    enum exec_found f = local_adopt_job(r, j);
    if (f != EXEC_ALIVE) return f;
    if (r->ref) snprintf(j->ref, sizeof j->ref, "%s", r->ref);
    else if (!node_of(j->pid, j->ref, sizeof j->ref)) return f;
    for (size_t k = 0; k < s->n; k++) /* its node's cores are taken again */
        if (!strcmp(s->nodes[k].name, j->ref))
            hold(s, j->pid, j->pid_start, r->trial, (int)k, s->o.cpus);
    return f;
}

static pid_t srun_group(struct executor *x, const char *trial_dir)
{
    (void)x;
    return local_group_of(trial_dir);
}

static size_t srun_nodes(struct executor *x, const char *const **names)
{
    struct exec_srun *r = (struct exec_srun *)x;
    *names = r->names;
    return r->n;
}

static void srun_free(struct executor *x)
{
    struct exec_srun *r = (struct exec_srun *)x;
    for (size_t k = 0; k < r->n; k++) free(r->nodes[k].name);
    free(r->nodes);
    free(r->names);
    free(r->runs);
    free((char *)r->o.job);
    free((char *)r->o.tag);
    free((char *)r->o.gres);
    free(r);
}

static int srun_room(struct executor *x, const char *node, int ncpus)
{
    struct exec_srun *r = (struct exec_srun *)x;
    return pick_node(r, node, ncpus > 0 ? ncpus : r->o.cpus) >= 0;
}

static const struct exec_ops srun_ops = {
    .name = "srun",
    .start = srun_start,
    .reap = srun_reap,
    .stop = srun_stop,
    .adopt = srun_adopt,
    .group = srun_group,
    .free = srun_free,
    .nodes = srun_nodes,
    .room = srun_room,
};

/* The allocation's nodes (scontrol show hostnames) with their cores. */
static int read_nodes(struct exec_srun *r, const struct exec_srun_opts *o, struct err *e)
{
    int cpus[SRUN_MAX_NODES];
    int nc = srun_parse_cpus(o->cpus_per_node, cpus, SRUN_MAX_NODES);
    if (nc < 0)
        return err_set(e, "SLURM_JOB_CPUS_PER_NODE=%.100s: not the allocation's cores per node",
                       o->cpus_per_node ? o->cpus_per_node : "");
    char *const argv[] = {"scontrol", "show", "hostnames", (char *)o->nodelist, NULL};
    char *out = NULL;
    int st = 0;
    if (spawn_run(argv, NULL, SRUN_NODES_TIMEOUT_S, &out, &st, e) || st) {
        if (st) err_set(e, "scontrol show hostnames %.200s: %.300s", o->nodelist, out ? out : "");
        free(out);
        return -1;
    }
    size_t names = 0;
    for (char *l = out, *nl; l && *l; l = nl ? nl + 1 : NULL) {
        nl = strchr(l, '\n');
        if (nl) *nl = '\0';
        if (!*l || names++ >= (size_t)nc) continue; /* more names than cores: said below */
        r->nodes = xrealloc(r->nodes, (r->n + 1) * sizeof *r->nodes);
        r->nodes[r->n] = (struct srun_node){xstrdup(l), cpus[r->n], 0};
        r->n++;
    }
    free(out);
    if (names != (size_t)nc)
        return err_set(e, "the allocation's nodes (%s) and their cores (%s) do not match",
                       o->nodelist, o->cpus_per_node);
    r->names = xcalloc(r->n + 1, sizeof *r->names);
    for (size_t k = 0; k < r->n; k++) r->names[k] = r->nodes[k].name;
    return 0;
}

struct executor *exec_srun(const struct exec_srun_opts *o, struct err *e)
{
    struct exec_srun *r = xcalloc(1, sizeof *r);
    r->x.ops = &srun_ops;
    r->o = *o;
    r->o.job = xstrdup(o->job);
    r->o.tag = xstrdup(o->tag);
    r->o.gres = o->gres ? xstrdup(o->gres) : NULL;
    r->o.nodelist = r->o.cpus_per_node = NULL; /* read once, here */
    if (read_nodes(r, o, e)) {
        srun_free(&r->x);
        return NULL;
    }
    return &r->x;
}

void srun_counts(struct executor *x, long *steps, long *signals)
{
    const struct exec_srun *r = (const struct exec_srun *)x;
    *steps = r->steps;
    *signals = r->signals;
}
