/* slurm_cmd.c - the Slurm executor's pure half (slurm.h): the sbatch
 * command line of a trial, and reading what sbatch, squeue, sacct and
 * scontrol print. Formats as Slurm 22.05 prints them (docs/slurm.md;
 * verbatim outputs in tests/test_slurm.c). */
#include "sweep/exec/slurm/slurm.h"
#include "base/util.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void slurm_tag(char out[32], double created)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    char c[64];
    snprintf(c, sizeof c, "%.6f", created);
    for (const char *p = c; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(out, 32, "sweep-%08x", (unsigned)(h ^ (h >> 32)));
}

void slurm_job_name(char *out, size_t n, const char *tag, long long trial)
{
    snprintf(out, n, "%s-%lld", tag, trial);
}

void slurm_array_name(char *out, size_t n, const char *tag, int k)
{
    snprintf(out, n, "%s-a%d", tag, k);
}

void slurm_ref(char *out, size_t n, long long id, int task)
{
    if (task >= 0) snprintf(out, n, "%lld_%d", id, task);
    else snprintf(out, n, "%lld", id);
}

int slurm_parse_ref(const char *ref, long long *id, int *task)
{
    char *end;
    if (!ref || !isdigit((unsigned char)ref[0])) return 0;
    *id = strtoll(ref, &end, 10);
    *task = -1;
    if (*end == '_' && isdigit((unsigned char)end[1])) {
        long t = strtol(end + 1, &end, 10);
        if (t > 1000000000L) return 0;
        *task = (int)t;
    }
    return *id > 0 && !*end;
}

void slurm_fmt_time(char *out, size_t n, double seconds)
{
    long long m = (long long)ceil(seconds / 60);
    if (m < 1) m = 1;
    snprintf(out, n, "%lld-%02lld:%02lld:00", m / 1440, m / 60 % 24, m % 60);
}

struct strv {
    char **v;
    size_t n;
};

static void add(struct strv *a, char *s)
{
    a->v = xrealloc(a->v, (a->n + 2) * sizeof *a->v);
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

static void opt(struct strv *a, const char *name, const char *val)
{
    if (val) add(a, xasprintf("--%s=%s", name, val));
}

/* Shards for a trial: its share of a GPU's shards by its memory estimate,
 * at least 1; a whole GPU's worth without an estimate. */
static int shards(const struct exec_slurm_opts *o, double mem_mib)
{
    if (mem_mib < 0 || o->gpu_mib <= 0) return o->shards_per_gpu;
    int n = (int)ceil(mem_mib / o->gpu_mib * o->shards_per_gpu);
    if (n < 1) n = 1;
    return n > o->shards_per_gpu ? o->shards_per_gpu : n;
}

/* What every job asks of the cluster (the sweep file's slurm section);
 * mem_mib: the trial's memory estimate (share: shard). */
static void resources(struct strv *a, const struct exec_slurm_opts *o, double mem_mib)
{
    char buf[64];
    opt(a, "partition", o->partition);
    opt(a, "account", o->account);
    opt(a, "qos", o->qos);
    if (o->time > 0) {
        slurm_fmt_time(buf, sizeof buf, o->time);
        opt(a, "time", buf);
    }
    if (o->gpus && o->share_shard) {
        snprintf(buf, sizeof buf, "shard:%d", o->gpus * shards(o, mem_mib));
        opt(a, "gres", buf);
    } else if (o->gpus) {
        snprintf(buf, sizeof buf, "gpu:%d", o->gpus);
        opt(a, "gres", buf);
    }
    opt(a, "mem", o->mem);
    if (o->cpus) {
        snprintf(buf, sizeof buf, "%d", o->cpus);
        opt(a, "cpus-per-task", buf);
    }
    opt(a, "constraint", o->constraint);
    for (size_t i = 0; i < o->nargs; i++) add(a, xstrdup(o->args[i]));
}

char **slurm_sbatch_argv(const struct exec_slurm_opts *o, const struct exec_spec *s,
                         const char *script, const char *exclude)
{
    struct strv a = {0};
    char name[160];
    slurm_job_name(name, sizeof name, o->tag, s->trial);
    add(&a, xstrdup("sbatch"));
    add(&a, xstrdup("--parsable"));
    opt(&a, "job-name", name);
    add(&a, xasprintf("--comment=sweep trial %lld of %s", s->trial, o->tag));
    struct sb out;
    sb_init(&out);
    slurm_output_path(&out, s->log);
    opt(&a, "output", sb_str(&out));
    sb_release(&out);
    add(&a, xstrdup("--open-mode=append"));
    opt(&a, "chdir", s->cwd);
    add(&a, xstrdup("--no-requeue")); /* sweep requeues, as a new job it can follow */
    opt(&a, "exclude", exclude);       /* nodes its earlier jobs were lost with */
    resources(&a, o, s->mem_mib);
    /* the script, then its arguments: the supervisor's (slurmstepd runs
     * the script, whose #! line is the supervisor, with these) */
    add(&a, xstrdup(script));
    add(&a, xstrdup(s->trial_dir));
    add(&a, xstrdup(s->cwd));
    add(&a, xstrdup("--"));
    for (size_t i = 0; s->argv[i]; i++) add(&a, xstrdup(s->argv[i]));
    return a.v;
}

char **slurm_array_argv(const struct exec_slurm_opts *o, int k, const char *cwd,
                        const char *adir, const char *script, const char *ids, int throttle)
{
    struct strv a = {0};
    char name[160];
    slurm_array_name(name, sizeof name, o->tag, k);
    add(&a, xstrdup("sbatch"));
    add(&a, xstrdup("--parsable"));
    opt(&a, "job-name", name);
    add(&a, xasprintf("--array=%s%%%d", ids, throttle < 1 ? 1 : throttle));
    add(&a, xasprintf("--comment=sweep job array %d of %s", k, o->tag));
    struct sb out;
    sb_init(&out);
    slurm_output_path(&out, adir);
    sb_add(&out, "/%a.log"); /* a link to the trial's log */
    opt(&a, "output", sb_str(&out));
    sb_release(&out);
    add(&a, xstrdup("--open-mode=append"));
    opt(&a, "chdir", cwd);
    add(&a, xstrdup("--no-requeue"));
    resources(&a, o, -1);
    add(&a, xstrdup(script));
    add(&a, xstrdup(adir));
    return a.v;
}

int slurm_parse_version(const char *out)
{
    /* "slurm 22.05.8", "slurm-wlm 23.11.4": a word, then MAJOR.MINOR[.PATCH] */
    const char *p = out ? strchr(out, ' ') : NULL;
    int a, b, c = 0;
    if (!p || sscanf(p, " %d.%d.%d", &a, &b, &c) < 2 || a < 1 || b < 0 || b > 99 || c < 0 ||
        c > 99)
        return 0;
    return a * 10000 + b * 100 + c;
}

long long slurm_parse_jobid(const char *out)
{
    /* the answer is the last line that is a number (and ;cluster) */
    long long id = -1;
    for (const char *l = out; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        size_t d = 0;
        while (d < n && isdigit((unsigned char)l[d])) d++;
        if (d > 0 && (d == n || l[d] == ';' || l[d] == '\r')) id = strtoll(l, NULL, 10);
        l = nl ? nl + 1 : NULL;
    }
    return id;
}

void slurm_error_line(const char *out, struct sb *b)
{
    const char *best = NULL, *last = NULL;
    size_t bn = 0, ln = 0;
    for (const char *l = out; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        if (n) {
            last = l;
            ln = n;
            if (memmem(l, n, "error", 5) && (!best || memmem(l, n, "failed", 6))) {
                best = l;
                bn = n;
            }
        }
        l = nl ? nl + 1 : NULL;
    }
    if (!best) best = last, bn = ln;
    if (!best) {
        sb_add(b, "(it printed nothing)");
        return;
    }
    /* "sbatch: error: Batch job submission failed: X" -> "X" */
    const char *c = memmem(best, bn, "failed: ", 8);
    if (c) bn -= (size_t)(c + 8 - best), best = c + 8;
    else if ((c = memmem(best, bn, "error: ", 7))) bn -= (size_t)(c + 7 - best), best = c + 7;
    for (size_t i = 0; i < bn && i < 300; i++)
        sb_addc(b, (unsigned char)best[i] < 0x20 ? ' ' : best[i]);
}

static void copy_field(char *dst, size_t n, const char *s, size_t len)
{
    if (len >= n) len = n - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
}

size_t slurm_parse_rows(const char *out, int sacct, struct slurm_row **rows)
{
    size_t n = 0;
    *rows = NULL;
    for (const char *l = out; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        const char *f[5] = {0};
        size_t fl[5] = {0}, nf = 0;
        const char *p = l, *end = l + len;
        while (nf < 5 && p <= end) {
            const char *bar = memchr(p, '|', (size_t)(end - p));
            const char *fe = bar ? bar : end;
            f[nf] = p;
            fl[nf++] = (size_t)(fe - p);
            p = fe + 1;
            if (!bar) break;
        }
        char *idend;
        size_t need = sacct ? 3 : 2; /* squeue --only-job-state: id and state alone */
        long long id = nf >= need ? strtoll(l, &idend, 10) : -1, task = -1;
        if (id > 0 && *idend == '_' && isdigit((unsigned char)idend[1])) /* 42_7: a task */
            task = strtoll(idend + 1, &idend, 10);
        /* sacct's steps (42.batch) and squeue's lines of tasks (42_[7-9]) are not jobs */
        if (nf >= need && id > 0 && idend == l + fl[0] && task < 1000000000LL) {
            *rows = xrealloc(*rows, (n + 1) * sizeof **rows);
            struct slurm_row *r = &(*rows)[n++];
            memset(r, 0, sizeof *r);
            r->id = id;
            r->task = (int)task;
            size_t sl = fl[1];
            const char *sp = memchr(f[1], ' ', sl); /* sacct: "CANCELLED by 0" */
            if (sp) sl = (size_t)(sp - f[1]);
            copy_field(r->state, sizeof r->state, f[1], sl);
            if (sacct) copy_field(r->exit, sizeof r->exit, f[2], fl[2]);
            else if (nf >= 3) copy_field(r->reason, sizeof r->reason, f[2], fl[2]);
            if (nf >= 4) copy_field(r->name, sizeof r->name, f[3], fl[3]);
            if (nf >= 5 && !sacct) copy_field(r->nodes, sizeof r->nodes, f[4], fl[4]);
        }
        l = nl ? nl + 1 : NULL;
    }
    return n;
}

/* The value of KEY= in scontrol's one line, up to the next space. */
static int kv(const char *out, const char *key, char *dst, size_t n)
{
    size_t kl = strlen(key);
    for (const char *p = out; (p = strstr(p, key));) {
        if ((p == out || p[-1] == ' ') && p[kl] == '=') {
            const char *v = p + kl + 1;
            copy_field(dst, n, v, strcspn(v, " \n"));
            return 1;
        }
        p += kl;
    }
    return 0;
}

int slurm_parse_scontrol(const char *out, struct slurm_row *row)
{
    memset(row, 0, sizeof *row);
    char id[32];
    if (!kv(out, "JobId", id, sizeof id)) return 0;
    row->id = strtoll(id, NULL, 10);
    row->task = -1;
    char aj[32], at[32];
    if (kv(out, "ArrayJobId", aj, sizeof aj) && kv(out, "ArrayTaskId", at, sizeof at) &&
        isdigit((unsigned char)at[0]) && strspn(at, "0123456789") == strlen(at) && strlen(at) < 10) {
        row->id = strtoll(aj, NULL, 10); /* a task: by its array's id, as squeue -r shows it */
        row->task = atoi(at);
    }
    kv(out, "JobState", row->state, sizeof row->state);
    kv(out, "Reason", row->reason, sizeof row->reason);
    kv(out, "ExitCode", row->exit, sizeof row->exit);
    kv(out, "JobName", row->name, sizeof row->name);
    return row->id > 0;
}

enum slurm_phase slurm_state_phase(const char *s)
{
    static const char *const ended[] = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT",
                                        "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED",
                                        "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT",
                                        NULL};
    for (const char *const *k = ended; *k; k++)
        if (!strcmp(s, *k)) return SLURM_ENDED;
    if (!strcmp(s, "RUNNING") || !strcmp(s, "COMPLETING") || !strcmp(s, "SUSPENDED") ||
        !strcmp(s, "STOPPED") || !strcmp(s, "SIGNALING") || !strcmp(s, "STAGE_OUT"))
        return SLURM_RUNNING;
    return SLURM_WAITING; /* PENDING, CONFIGURING, REQUEUED, RESIZING, ... */
}

int slurm_never_runs(const char *reason)
{
    static const char *const never[] = {
        "DependencyNeverSatisfied", "BadConstraints", "PartitionNodeLimit",
        "PartitionTimeLimit", "PartitionConfig", "InvalidAccount", "InvalidQOS",
        "QOSMaxWallDurationPerJobLimit", "AssocMaxWallDurationPerJobLimit",
        "QOSMaxGRESPerJob", "QOSMaxCpuPerJobLimit", "QOSMaxMemoryPerJob",
        "AssocMaxGRESPerJob", "AccountNotAllowed", "QOSNotAllowed", NULL};
    for (const char *const *k = never; *k; k++)
        if (!strcmp(reason, *k)) return 1;
    return 0;
}

enum exec_end slurm_end(const struct slurm_row *r, int have_record, int ours, const char *time_limit,
                        char *why, size_t n)
{
    const char *s = r->state;
    const char *ex = r->exit[0] ? r->exit : NULL;
    why[0] = '\0';
    char id[40];
    slurm_ref(id, sizeof id, r->id, r->task);
    if (!strcmp(s, "NODE_FAIL") || !strcmp(s, "PREEMPTED") || !strcmp(s, "BOOT_FAIL")) {
        snprintf(why, n, "its job %s ended %s in Slurm%s%s (%s)", id, s,
                 r->nodes[0] ? " on " : "", r->nodes,
                 !strcmp(s, "PREEMPTED") ? "preempted" : "its node failed");
        return EXEC_END_REQUEUE;
    }
    if (!strcmp(s, "TIMEOUT")) {
        snprintf(why, n, "Slurm's time limit%s%s reached (job %s TIMEOUT)",
                 time_limit ? " --time=" : "", time_limit ? time_limit : "", id);
        return EXEC_END_FAILED;
    }
    if (!strcmp(s, "OUT_OF_MEMORY")) {
        snprintf(why, n, "job %s OUT_OF_MEMORY: it used more memory than its --mem", id);
        return EXEC_END_FAILED;
    }
    if (!strcmp(s, "DEADLINE")) {
        snprintf(why, n, "job %s reached its --deadline in Slurm (DEADLINE)", id);
        return EXEC_END_FAILED;
    }
    if (!strcmp(s, "CANCELLED")) {
        if (ours) return EXEC_END_RECORD;
        snprintf(why, n, "its job %s was cancelled in Slurm, not by sweep (scancel)", id);
        return EXEC_END_FAILED;
    }
    if (have_record) return EXEC_END_RECORD;
    /* ended without the supervisor's record: it never ran, or its
     * supervisor was killed */
    int because = r->reason[0] && strcmp(r->reason, "None");
    struct sb b;
    sb_init(&b);
    sb_addf(&b, "job %s %s in Slurm", id, s);
    if (because || ex)
        sb_addf(&b, " (%s%s%s%s)", because ? r->reason : "", because && ex ? ", " : "",
                ex ? "exit code " : "", ex ? ex : "");
    sb_add(&b, ", and its supervisor left no record");
    snprintf(why, n, "%s", b.buf);
    sb_release(&b);
    return EXEC_END_FAILED;
}

enum slurm_refusal slurm_refusal(const char *out)
{
    /* the request may have reached the controller, which may have queued
     * the job: look it up by its name before submitting again */
    static const char *const ambiguous[] = {"Socket timed out", "Resource temporarily unavailable",
                                            "temporarily unable to accept job", NULL};
    /* the controller is down, or a backup in standby: nothing was queued */
    static const char *const busy[] = {"Unable to contact slurm controller",
                                       "Slurm backup controller in standby mode", NULL};
    /* refusals of every job the sweep would submit: its slurm section names
     * what the cluster does not have or allow */
    static const char *const sweep_wide[] = {
        "Invalid partition name specified", "Invalid account or account/partition combination",
        "Invalid qos specification", "Invalid generic resource (gres) specification",
        "Requested time limit is invalid", "Job's QOS not permitted to use this partition",
        "Invalid feature specification", NULL};
    for (const char *const *k = ambiguous; out && *k; k++)
        if (strstr(out, *k)) return SLURM_REFUSED_UNSURE;
    for (const char *const *k = busy; out && *k; k++)
        if (strstr(out, *k)) return SLURM_REFUSED_BUSY;
    /* MaxSubmitJobs and a QOS's minimums say the same words: the executor
     * asks the queue which it is */
    if (out && (strstr(out, "job submit limit") || strstr(out, "accounting/QOS policy")))
        return SLURM_REFUSED_POLICY;
    for (const char *const *k = sweep_wide; out && *k; k++)
        if (strstr(out, *k)) return SLURM_REFUSED_SWEEP;
    return SLURM_REFUSED_JOB;
}

void slurm_output_path(struct sb *b, const char *path)
{
    for (const char *c = path; *c; c++) { /* %j, %x... are sbatch's: a literal % is %% */
        if (*c == '%') sb_addc(b, '%');
        sb_addc(b, *c);
    }
}
