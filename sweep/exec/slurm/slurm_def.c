/* slurm_def.c - the Slurm executor's line of executors.h's table: opening
 * it for a sweep (a submit host, the sweep's tag, where the trial
 * directories go), what sweep plan shows (each trial's sbatch), stopping
 * trials when no sweep runs (slurm_cancel_trial, slurm_cancel_sweep:
 * scancel, once the job is proven the trial's by its name), and the
 * commands it cost. */
#include "sweep/exec/executors.h"
#include "sweep/exec/slurm/slurm_int.h" /* the commands' timeout, a task's record */
#include "search/space.h"
#include "base/err.h"
#include "base/spawn.h"
#include "base/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    if (o.array) {
        long long n = p->n < sp->in_flight ? p->n : sp->in_flight;
        char root[400], adir[450], script[470], ids[48];
        if (s->shared_dir) snprintf(root, sizeof root, "%.300s/sweep-XXXXXXXX", s->shared_dir);
        else snprintf(root, sizeof root, "%.390s/trials", w->dir);
        snprintf(adir, sizeof adir, "%s/arrays/0", root);
        snprintf(script, sizeof script, "%s/job.sh", adir);
        snprintf(ids, sizeof ids, n > 1 ? "0-%lld" : "0", n - 1);
        sb_addf(out, "executor: slurm, the trials as tasks of job arrays (slurm.array) of up to "
                     "%d, %d running at once in all (resources.max_parallel), the queue asked "
                     "every %.1fs; the first array is submitted as:\n",
                sp->in_flight, sp->max_parallel, o.poll);
        char **sb = slurm_array_argv(&o, 0, w->cwd, adir, script, ids, sp->max_parallel);
        exec_plan_line(out, sb);
        exec_free_strv(sb);
        sb_add(out, "(task I runs sweep-supervisor, which runs the trial that arrays/0/I.task "
                    "names; docs/slurm.md)\n");
        return;
    }
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

int slurm_cancel_trial(const char *ref, const char *tag, long long trial, const char *trial_dir,
                       int term, struct err *e)
{
    /* proven the trial's first: the job of that id carries its name (an
     * array task: its array's, and the task its directory records) */
    char id[40], name[160], want[160], *out = NULL;
    long long jid;
    int task, k, mine;
    if (!slurm_parse_ref(ref, &jid, &task)) {
        errno = ESRCH;
        return -1;
    }
    slurm_ref(id, sizeof id, jid, task);
    if (task >= 0 && slurm_array_task_of(trial_dir, &k, &mine) && mine == task)
        slurm_array_name(want, sizeof want, tag, k);
    else if (task >= 0) {
        errno = ESRCH; /* not the task its directory records */
        return -1;
    } else slurm_job_name(want, sizeof want, tag, trial);
    char *q[] = {"squeue", "-h", "-r", "-t", "all", "-j", id, "-o", "%j", NULL};
    int status;
    if (spawn_run(q, NULL, SLURM_CMD_TIMEOUT_S, &out, &status, e)) return -1;
    snprintf(name, sizeof name, "%s", out ? out : "");
    name[strcspn(name, "\n")] = '\0';
    free(out);
    if (status != 0 || strcmp(name, want)) {
        errno = ESRCH; /* gone from the queue, or not this trial's job */
        return -1;
    }
    char *soft[] = {"scancel", "--batch", "--signal=TERM", id, NULL};
    char *plain[] = {"scancel", id, NULL};
    /* an array task: Slurm's own cancel (SIGTERM to all its processes,
     * SIGKILL after KillWait), since a signal to one task of an array with
     * pending tasks is retried by scancel for 5 s and more (22.05) */
    if (task >= 0) term = 0;
    if (spawn_run(term ? soft : plain, NULL, SLURM_CMD_TIMEOUT_S, &out, &status, e)) return -1;
    free(out);
    if (status != 0) {
        errno = EIO;
        return err_set(e, "scancel %s: exit status %d", id, status);
    }
    return 0;
}

/* TAG-N (a trial's job) or TAG-aN (a job array's): one of the sweep's. */
static int sweeps_name(const char *name, const char *tag)
{
    size_t tl = strlen(tag);
    if (strncmp(name, tag, tl) || name[tl] != '-') return 0;
    const char *n = name + tl + 1 + (name[tl + 1] == 'a');
    return *n && strspn(n, "0123456789") == strlen(n);
}

long slurm_cancel_sweep(const char *tag, const char *const *skip, size_t n, struct err *e)
{
    char user[48], *out = NULL;
    snprintf(user, sizeof user, "--user=%u", (unsigned)getuid());
    char *q[] = {"squeue", "-h", "-r", user, "-o", "%i|%T|%r|%j", NULL};
    int status;
    if (spawn_run(q, NULL, SLURM_CMD_TIMEOUT_S, &out, &status, e)) return -1;
    if (status != 0) {
        free(out);
        return err_set(e, "squeue: exit status %d", status);
    }
    struct slurm_row *rows;
    size_t nrows = slurm_parse_rows(out, 0, &rows);
    free(out);
    long cancelled = 0;
    for (size_t i = 0; i < nrows; i++) {
        const struct slurm_row *r = &rows[i];
        char id[40];
        slurm_ref(id, sizeof id, r->id, r->task);
        int mine = sweeps_name(r->name, tag);
        for (size_t k = 0; k < n && mine; k++)
            if (skip[k] && !strcmp(skip[k], id)) mine = 0;
        if (!mine || slurm_state_phase(r->state) == SLURM_ENDED) continue;
        char *c[] = {"scancel", id, NULL};
        if (spawn_run(c, NULL, SLURM_CMD_TIMEOUT_S, &out, &status, NULL) == 0 && status == 0)
            cancelled++;
        free(out);
        out = NULL;
    }
    free(rows);
    return cancelled;
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
    return slurm_cancel_trial(r->ref, tag, r->trial, r->trial_dir, sig == SIGTERM, e);
}

static long stop_rest(const struct exec_sweep *w, const char *const *refs, size_t n,
                      struct err *e)
{
    char tag[32];
    slurm_tag(tag, w->created);
    return slurm_cancel_sweep(tag, refs, n, e);
}

static const char *summary(struct executor *x, struct sb *out)
{
    const struct slurm_stats *st = exec_slurm_stats(x);
    if (!st) return NULL;
    sb_addf(out, "sbatch=%ld squeue=%ld scontrol=%ld sacct=%ld scancel=%ld one_query_per_job=%ld",
            st->sbatch, st->squeue, st->scontrol, st->sacct, st->scancel, st->listed);
    return "slurm_commands";
}

/* "PENDING (Resources)": the state's first word */
static int waits(const char *state)
{
    char w[32];
    snprintf(w, sizeof w, "%.*s", (int)strcspn(state, " "), state);
    return slurm_state_phase(w) == SLURM_WAITING;
}

const struct exec_def exec_slurm_def = {
    .name = "slurm",
    .title = "Slurm",
    .started = "submitted",
    .ref_word = "job",
    .ref_event = "submitted",
    .state_word = "queue",
    .json_ref = "job_id",
    .json_state = "job_state",
    .configure = slurm_configure,
    .open = open_slurm,
    .plan = plan_slurm,
    .stop_trial = stop_trial,
    .stop_rest = stop_rest,
    .summary = summary,
    .waits = waits,
};
