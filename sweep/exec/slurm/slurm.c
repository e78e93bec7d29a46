/* slurm.c - the Slurm executor (slurm.h, exec.h). A trial is a job whose
 * batch script is two lines, "#!SUPERVISOR --batch-job" and a comment, and
 * whose arguments are the supervisor's (trial directory, directory to run
 * in, --, the trainer's argv): slurmstepd runs the supervisor, which
 * records exit.json in the trial directory as it does locally. The jobs
 * are followed with one squeue per poll interval for all of them, and
 * between two polls by their exit.json (a stat); a job no longer in the
 * queue is settled by its exit.json, sacct where accounting exists, or
 * said to be gone. Every command gets a fixed argv (spawn.h). */
#include "sweep/exec/slurm/slurm_int.h"
#include "base/err.h"
#include "base/spawn.h"
#include "base/util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *keep(struct slurm_x *s, const char *v)
{
    if (!v) return NULL;
    s->owned = xrealloc(s->owned, (s->nowned + 1) * sizeof *s->owned);
    return s->owned[s->nowned++] = xstrdup(v);
}

static struct sjob *find(struct slurm_x *s, long long id, int task)
{
    for (size_t i = 0; i < s->njobs; i++)
        if (s->jobs[i].id == id && s->jobs[i].task == task) return &s->jobs[i];
    return NULL;
}

/* The job the loop's j is: by its name (j->ref), or before it has one (a
 * trial gathered for the next array, or one submitted since) by its trial
 * directory (exec_stop), else by its trial (exec_reap: the loop's own j). */
static struct sjob *job_of(struct slurm_x *s, const struct exec_job *j, const char *dir)
{
    long long id;
    int task;
    if (j->ref[0]) return slurm_parse_ref(j->ref, &id, &task) ? find(s, id, task) : NULL;
    for (size_t i = 0; i < s->njobs; i++)
        if (dir ? (s->jobs[i].g || s->jobs[i].arr >= 0) && !strcmp(s->jobs[i].dir, dir)
                : s->jobs[i].trial == j->trial)
            return &s->jobs[i];
    return NULL;
}

struct sjob *slurm_track(struct slurm_x *s, long long id, int task, long long trial,
                         const char *dir)
{
    struct sjob *j = id > 0 ? find(s, id, task) : NULL;
    if (j) return j;
    s->jobs = xrealloc(s->jobs, (s->njobs + 1) * sizeof *s->jobs);
    j = &s->jobs[s->njobs++];
    memset(j, 0, sizeof *j);
    j->id = id;
    j->task = task;
    j->arr = -1;
    j->trial = trial;
    j->dir = xstrdup(dir);
    j->row.id = id;
    j->row.task = task;
    snprintf(j->row.state, sizeof j->row.state, "PENDING");
    return j;
}

void slurm_sjob_name(const struct slurm_x *s, const struct sjob *j, char *out, size_t n)
{
    int k, task;
    if (j->task >= 0 && j->arr >= 0) slurm_array_name(out, n, s->o.tag, s->arrays[j->arr].k);
    else if (j->task >= 0 && slurm_array_task_of(j->dir, &k, &task))
        slurm_array_name(out, n, s->o.tag, k);
    else slurm_job_name(out, n, s->o.tag, j->trial);
}

void slurm_untrack(struct slurm_x *s, struct sjob *j)
{
    slurm_gather_free(j->g);
    free(j->dir);
    size_t i = (size_t)(j - s->jobs);
    memmove(j, j + 1, (s->njobs - i - 1) * sizeof *j);
    s->njobs--;
}

long *slurm_counter(struct slurm_x *s, const char *cmd)
{
    return !strcmp(cmd, "sbatch")    ? &s->st.sbatch
           : !strcmp(cmd, "squeue")  ? &s->st.squeue
           : !strcmp(cmd, "sacct")   ? &s->st.sacct
           : !strcmp(cmd, "scancel") ? &s->st.scancel
                                     : &s->st.scontrol;
}

/* Runs a Slurm command to its end (at most SLURM_CMD_TIMEOUT_S); its output
 * in *out (caller frees). -1 if it could not run or ran past its deadline;
 * otherwise its exit status. What the loop asks every poll goes through
 * slurm_query.c instead, without waiting. */
int slurm_run(struct slurm_x *s, char **argv, char *const *envp, char **out, struct err *e)
{
    (*slurm_counter(s, argv[0]))++;
    int status;
    struct err re = {0};
    if (spawn_run(argv, envp, SLURM_CMD_TIMEOUT_S, out, &status, &re)) {
        if (re.code == ENOENT)
            return err_set(e, "%s is not on PATH: executor slurm needs a Slurm submit host "
                              "(slurm-client)",
                           argv[0]);
        return err_set(e, "%.900s", re.msg);
    }
    return status;
}

/* e: what a command that failed said ("sbatch: Requested node ..."). */
void slurm_say_error(struct err *e, const char *cmd, const char *out)
{
    struct sb m;
    sb_init(&m);
    slurm_error_line(out, &m);
    err_set(e, "%s: %.900s", cmd, m.buf);
    sb_release(&m);
}

int slurm_have_record(const char *dir, int *clean)
{
    struct proc_exit x;
    if (proc_read_exit(dir, &x, NULL) != 1) return 0;
    *clean = !x.error[0] && x.has_code && x.code == 0;
    return 1;
}

/* squeue has no exit code: for a job that ended without a record (it never
 * ran its trial), one scontrol -o show job tells it, for the reason. */
static void exit_code(struct slurm_x *s, struct sjob *j)
{
    char id[40], *out = NULL;
    slurm_ref(id, sizeof id, j->id, j->task);
    char *argv[] = {"scontrol", "-o", "show", "job", id, NULL};
    struct err e = {0};
    struct slurm_row r;
    if (slurm_run(s, argv, NULL, &out, &e) == 0 && slurm_parse_scontrol(out, &r) && r.id == j->id &&
        r.task == j->task) {
        snprintf(j->row.exit, sizeof j->row.exit, "%s", r.exit);
        if (r.reason[0]) snprintf(j->row.reason, sizeof j->row.reason, "%s", r.reason);
    }
    free(out);
}

static struct excl *excl_of(struct slurm_x *s, long long trial, int add)
{
    for (size_t i = 0; i < s->nexcl; i++)
        if (s->excl[i].trial == trial) return &s->excl[i];
    if (!add) return NULL;
    s->excl = xrealloc(s->excl, (s->nexcl + 1) * sizeof *s->excl);
    s->excl[s->nexcl] = (struct excl){.trial = trial};
    return &s->excl[s->nexcl++];
}

/* A trial's failed nodes are kept in its directory too (SLURM_EXCLUDED),
 * so that a resume after a crash still keeps its jobs off them. */
#define SLURM_EXCLUDED "excluded_nodes"

/* Node names as sbatch's --exclude takes them, one plain name each. */
static int plain_nodes(const char *t)
{
    return *t && strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-,") ==
                     strlen(t);
}

/* The trial's failed nodes: in memory, or (after a resume) from its directory. */
static struct excl *excluded(struct slurm_x *s, long long trial, const char *dir)
{
    struct excl *x = excl_of(s, trial, 0);
    if (x || !dir) return x;
    char *path = xasprintf("%s/%s", dir, SLURM_EXCLUDED), *t = util_read_file(path, NULL, NULL);
    free(path);
    if (t) t[strcspn(t, "\n")] = '\0';
    if (t && plain_nodes(t) && strlen(t) < sizeof x->nodes) {
        x = excl_of(s, trial, 1);
        snprintf(x->nodes, sizeof x->nodes, "%s", t);
    }
    free(t);
    return x;
}

/* A job lost with its node: the trial's next job goes elsewhere. */
static void exclude_node(struct slurm_x *s, const struct sjob *j)
{
    if (!j->row.nodes[0] || !plain_nodes(j->row.nodes) || strchr(j->row.nodes, ','))
        return; /* one plain name only */
    struct excl *x = excluded(s, j->trial, j->dir);
    if (!x) x = excl_of(s, j->trial, 1);
    size_t have = strlen(x->nodes), n = strlen(j->row.nodes);
    if (have + n + 2 > sizeof x->nodes) return;
    sprintf(x->nodes + have, "%s%s", have ? "," : "", j->row.nodes);
    if (j->dir) {
        char *path = xasprintf("%s/%s", j->dir, SLURM_EXCLUDED);
        char *line = xasprintf("%s\n", x->nodes);
        struct err e = {0};
        util_write_atomic(path, line, strlen(line), &e); /* at worst a resume forgets them */
        free(path);
        free(line);
    }
}

void slurm_settle(struct slurm_x *s, struct sjob *j)
{
    int clean = 0, rec = slurm_have_record(j->dir, &clean);
    if (!rec && !j->row.exit[0] && !strcmp(j->row.state, "FAILED")) exit_code(s, j);
    j->end = slurm_end(&j->row, rec, j->ours, s->time_limit[0] ? s->time_limit : NULL, j->why,
                       sizeof j->why);
    if (j->end == EXEC_END_REQUEUE && !strcmp(j->row.state, "NODE_FAIL")) exclude_node(s, j);
    j->ended = 1;
}

/* A command whose answer sweep does not wait for (scancel), run beside
 * the loop: scancel of an array task whose array still has pending tasks
 * delivers its signal, is told "Job can not be altered now, try again
 * later" and asks again 5 s later (Slurm 22.05), which must not hold the
 * loop. Reaped by slurm_reap_beside. */
void slurm_run_beside(struct slurm_x *s, char **argv)
{
    (*slurm_counter(s, argv[0]))++;
    s->bg = xrealloc(s->bg, (s->nbg + 1) * sizeof *s->bg);
    struct spawn_job *j = &s->bg[s->nbg];
    *j = (struct spawn_job){.fd = -1};
    struct err e = {0};
    if (spawn_job_start(j, argv, SLURM_CMD_TIMEOUT_S, &e) == 0) s->nbg++;
}

void slurm_reap_beside(struct slurm_x *s, int wait)
{
    for (size_t i = 0; i < s->nbg;) {
        struct spawn_job *j = &s->bg[i];
        while (wait && !spawn_job_read(j) && util_mono() < j->deadline) {
            struct pollfd p = {.fd = j->fd, .events = POLLIN};
            poll(&p, 1, 100);
        }
        if (!wait && !spawn_job_read(j) && util_mono() < j->deadline) {
            i++;
            continue;
        }
        char *out = NULL;
        int status;
        struct err e = {0};
        spawn_job_finish(j, "scancel", SLURM_CMD_TIMEOUT_S, &out, &status, &e);
        free(out);
        s->bg[i] = s->bg[--s->nbg];
    }
}

void slurm_cancel_job(struct slurm_x *s, struct sjob *j, int term)
{
    char id[40];
    if (j->id <= 0) return; /* not submitted: nothing in Slurm */
    slurm_ref(id, sizeof id, j->id, j->task);
    char *plain[] = {"scancel", id, NULL};
    char *soft[] = {"scancel", "--batch", "--signal=TERM", id, NULL};
    slurm_run_beside(s, term ? soft : plain);
    slurm_due(s, util_mono() + SLURM_SOON_S);
}

static void show_state(const struct sjob *sj, struct exec_job *j)
{
    const struct slurm_row *r = &sj->row;
    enum slurm_phase ph = slurm_state_phase(r->state);
    if (ph == SLURM_WAITING && r->reason[0] && strcmp(r->reason, "None"))
        snprintf(j->state, sizeof j->state, "%s (%s)", r->state, r->reason);
    else snprintf(j->state, sizeof j->state, "%s", r->state);
    j->waiting = ph == SLURM_WAITING;
}

/* The supervisor writes trainer.pid as it starts the trainer: the job runs,
 * whatever the last squeue said (a poll may be a minute away). */
static void seen_running(struct slurm_x *s, struct sjob *sj)
{
    if (sj->started_at) return;
    char *pidfile = xasprintf("%s/trainer.pid", sj->dir);
    struct stat st;
    if (stat(pidfile, &st) == 0) {
        sj->started_at = util_mono();
        if (slurm_state_phase(sj->row.state) == SLURM_WAITING) {
            snprintf(sj->row.state, sizeof sj->row.state, "RUNNING");
            sj->row.reason[0] = 0;
        }
        if (s->o.time > 0) slurm_due(s, sj->started_at + s->o.time + 1); /* its time limit */
    }
    free(pidfile);
}

static int slurm_reap(struct executor *x, struct exec_job *j)
{
    struct slurm_x *s = (struct slurm_x *)x;
    struct sjob *sj = job_of(s, j, NULL);
    if (!sj) return 1; /* ended before (adopt said so) */
    if (!j->ref[0] && sj->id > 0) slurm_ref(j->ref, sizeof j->ref, sj->id, sj->task); /* submitted */
    if (!sj->ended && sj->id > 0) seen_running(s, sj);
    show_state(sj, j);
    if (!sj->ended) {
        int clean = 0;
        if (slurm_have_record(sj->dir, &clean)) {
            /* the supervisor's record is its last act; a failure waits a
             * moment for Slurm's state, which may say why (TIMEOUT) */
            double now = util_mono();
            if (clean || sj->ours) {
                sj->ended = 1;
                sj->end = EXEC_END_RECORD;
            } else if (slurm_state_phase(sj->row.state) == SLURM_ENDED) {
                slurm_settle(s, sj); /* Slurm said how already */
            } else if (!sj->failed_record_at) {
                sj->failed_record_at = now;
                slurm_due(s, now + SLURM_SOON_S);
            } else if (now - sj->failed_record_at > SLURM_SETTLE_S) {
                sj->ended = 1;
                sj->end = EXEC_END_RECORD;
            }
        }
    }
    if (!sj->ended) return 0;
    j->end = sj->end;
    snprintf(j->why, sizeof j->why, "%s", sj->why);
    slurm_untrack(s, sj);
    return 1;
}

static int slurm_stop(struct executor *x, const char *trial_dir, const struct exec_job *j,
                      int sig)
{
    struct slurm_x *s = (struct slurm_x *)x;
    struct sjob *sj = job_of(s, j, trial_dir);
    if (!sj || sj->ended) {
        errno = ESRCH;
        return -1;
    }
    if (!sj->id) { /* not submitted yet: it leaves the next array */
        snprintf(sj->row.state, sizeof sj->row.state, "CANCELLED");
        sj->ours = 1;
        slurm_settle(s, sj);
        return 0;
    }
    seen_running(s, sj); /* its trainer.pid may say it runs before the queue does */
    if (sj->task >= 0 && slurm_state_phase(sj->row.state) == SLURM_WAITING) {
        /* a pending task: with the others stopped in this turn, one scancel
         * (a comment would split it from its array, a call each) */
        sj->ours = sj->cancel_queued = 1;
        slurm_due(s, util_mono());
        return 0;
    }
    if (!sj->ours && j->stop_why) { /* accounting reads why: its comment, before the cancel */
        char id[64], *out = NULL;
        snprintf(id, sizeof id, "JobId=");
        slurm_ref(id + 6, sizeof id - 6, sj->id, sj->task);
        char *c = xasprintf("Comment=sweep %s trial %lld: %.200s", s->o.tag, sj->trial, j->stop_why);
        for (char *p = c; *p; p++)
            if (*p == '\n' || *p == '\r') *p = ' ';
        char *argv[] = {"scontrol", "update", id, c, NULL};
        struct err e = {0};
        slurm_run(s, argv, NULL, &out, &e);
        free(out);
        free(c);
    }
    sj->ours = 1;
    /* SIGTERM to the supervisor (the batch step), which passes it on to
     * the trainer's group; a job that has not started yet just goes */
    slurm_cancel_job(s, sj, sig == SIGTERM && slurm_state_phase(sj->row.state) == SLURM_RUNNING);
    return 0;
}

char *slurm_write_script(const char *dir, const char *flag, const char *what, struct err *e)
{
    const char *sup = proc_supervisor_path();
    if (sup[0] != '/' || strpbrk(sup, " \t\n") || strlen(sup) > 200) {
        err_set(e, "sweep-supervisor's path (%.300s) cannot be a #! line (absolute, no spaces, "
                   "at most 200 bytes): install sweep elsewhere",
                sup);
        return NULL;
    }
    char *path = xasprintf("%s/job.sh", dir);
    char *text = xasprintf("#!%s %s\n# sweep: %s (docs/slurm.md)\n", sup, flag, what);
    int rc = util_write_atomic(path, text, strlen(text), e);
    free(text);
    if (rc == 0 && chmod(path, 0755) != 0) rc = err_errno(e, "chmod %s", path);
    if (rc) {
        free(path);
        return NULL;
    }
    return path;
}

/* The job (or array) whose sbatch did not answer, found by its name. */
long long slurm_find_by_name(struct slurm_x *s, const char *name)
{
    char *out = NULL;
    char *nm = xasprintf("--name=%s", name);
    char *argv[] = {"squeue", "-h", "-t", "all", nm, "-o", "%i|%T|%r|%j", NULL};
    struct err e = {0};
    long long id = -1;
    if (slurm_run(s, argv, NULL, &out, &e) == 0) {
        struct slurm_row *rows;
        size_t n = slurm_parse_rows(out, 0, &rows);
        for (size_t i = 0; i < n; i++)
            if (!strcmp(rows[i].name, name) && rows[i].id > id) id = rows[i].id;
        free(rows);
    }
    free(out);
    free(nm);
    return id;
}

/* A trial whose sbatch may have queued a job (unsure): remembered, or
 * forgotten; 1 if it was remembered. */
static int unsure(struct slurm_x *s, long long trial, int remember)
{
    for (size_t i = 0; i < s->nunsure; i++)
        if (s->unsure[i] == trial) {
            if (!remember) s->unsure[i] = s->unsure[--s->nunsure];
            return 1;
        }
    if (remember) {
        s->unsure = xrealloc(s->unsure, (s->nunsure + 1) * sizeof *s->unsure);
        s->unsure[s->nunsure++] = trial;
    }
    return 0;
}

/* "Job violates accounting/QOS policy": a submit limit while jobs of this
 * user are in the queue (they end, and free it), else a QOS's minimums or
 * a limit of 0 that no wait lifts. 1 if it is worth waiting. */
static int policy_waits(struct slurm_x *s)
{
    for (size_t i = 0; i < s->njobs; i++)
        if (!s->jobs[i].ended) return 1;
    char user[48], *out = NULL;
    snprintf(user, sizeof user, "--user=%u", (unsigned)getuid());
    char *argv[] = {"squeue", "-h", user, "-o", "%i", NULL};
    struct err e = {0};
    int queued = slurm_run(s, argv, NULL, &out, &e) == 0 && out && strspn(out, " \n") < strlen(out);
    free(out);
    return queued;
}

/* Why sbatch did not take the job, in e, with e->code: EAGAIN the same
 * later, ENXIO no job of the sweep can be submitted (stop the sweep), else
 * this trial's failure. */
void slurm_refused(struct slurm_x *s, const char *out, struct err *e)
{
    slurm_say_error(e, "sbatch", out);
    if (out && (strstr(out, "Could not establish a configuration source") ||
                strstr(out, "Unable to process configuration file"))) {
        /* no cluster here at all: not this trial's fault, nor any other's */
        err_set(e, "sbatch finds no Slurm configuration here (%s): set SLURM_CONF, or run "
                   "sweep on a submit host",
                strstr(out, "Could not") ? "\"Could not establish a configuration source\""
                                         : "\"Unable to process configuration file\"");
        e->code = ENXIO;
        return;
    }
    char words[sizeof e->msg];
    snprintf(words, sizeof words, "%s", e->msg);
    switch (slurm_refusal(out)) {
    case SLURM_REFUSED_UNSURE:
    case SLURM_REFUSED_BUSY: e->code = EAGAIN; break;
    case SLURM_REFUSED_POLICY:
        if (policy_waits(s)) e->code = EAGAIN; /* a submit limit: jobs in the queue free it */
        else {
            err_set(e, "%.700s, with no job of yours in the queue: not a submit limit that "
                       "frees up, but a limit of the account or QOS that this job breaks (ask "
                       "your administrator, or change slurm: in the sweep file)",
                    words);
            e->code = ENXIO;
        }
        break;
    case SLURM_REFUSED_SWEEP:
        err_set(e, "%.700s: every job of this sweep would be refused; change slurm: in the "
                   "sweep file",
                words);
        e->code = ENXIO;
        break;
    case SLURM_REFUSED_JOB: break;
    }
}

static int slurm_start(struct executor *x, const struct exec_spec *sp, struct exec_job *j,
                       struct err *e)
{
    struct slurm_x *s = (struct slurm_x *)x;
    *j = (struct exec_job){.fd = -1, .adopted = 1};
    /* an sbatch would wait for the controller, and the loop with it */
    double asking = s->q.pid ? util_mono() - s->q_started : 0;
    if (s->down[0] || asking > SLURM_HOLD_S) {
        if (s->down[0])
            err_set(e, "Slurm does not answer (%.700s): submissions wait until squeue does",
                    s->down);
        else
            err_set(e, "Slurm is slow to answer (a squeue has waited %.0f s): submissions wait "
                       "until it does",
                    asking);
        e->code = EAGAIN;
        return -1;
    }
    struct excl *ex = excluded(s, sp->trial, sp->trial_dir);
    if (s->o.array && !(ex && ex->nodes[0])) return slurm_gather(s, sp, j); /* the next array */
    char *script = slurm_write_script(sp->trial_dir, "--batch-job",
                                      "the batch script of one trial; the supervisor runs its "
                                      "arguments",
                                      e);
    if (!script) return -1;
    char **argv = slurm_sbatch_argv(&s->o, sp, script, ex && ex->nodes[0] ? ex->nodes : NULL);
    char *out = NULL;
    struct err re = {0};
    int rc = slurm_run(s, argv, sp->envp, &out, &re);
    if (ex && ex->nodes[0] && rc > 0 && slurm_refusal(out) != SLURM_REFUSED_UNSURE &&
        slurm_refusal(out) != SLURM_REFUSED_BUSY) {
        /* refused with the failed nodes left out (there may be no other): where it can */
        ex->nodes[0] = 0;
        exec_free_strv(argv);
        free(out);
        out = NULL;
        argv = slurm_sbatch_argv(&s->o, sp, script, NULL);
        rc = slurm_run(s, argv, sp->envp, &out, &re);
    }
    long long id = rc == 0 ? slurm_parse_jobid(out) : -1;
    int maybe = (rc < 0 && strstr(re.msg, "did not answer")) ||
                (rc > 0 && slurm_refusal(out) == SLURM_REFUSED_UNSURE);
    char name[160];
    slurm_job_name(name, sizeof name, s->o.tag, sp->trial);
    if (id <= 0 && maybe) id = slurm_find_by_name(s, name);
    exec_free_strv(argv);
    free(script);
    if (id <= 0) {
        if (rc < 0) err_set(e, "sbatch: %.900s", re.msg);
        else slurm_refused(s, out, e);
        if (rc < 0) e->code = EAGAIN; /* it did not answer: try again, after a lookup */
        if (maybe) unsure(s, sp->trial, 1);
        free(out);
        return -1;
    }
    free(out);
    slurm_track(s, id, -1, sp->trial, sp->trial_dir);
    slurm_due(s, util_mono() + s->o.poll); /* a new job: looked at soon, then less often */
    snprintf(j->ref, sizeof j->ref, "%lld", id);
    j->waiting = 1;
    snprintf(j->state, sizeof j->state, "PENDING");
    return 0;
}

/* A trial whose sbatch timed out: its job, if the controller queued it. */
static int slurm_recover(struct executor *x, long long trial, const char *trial_dir,
                         struct exec_job *j)
{
    struct slurm_x *s = (struct slurm_x *)x;
    if (!unsure(s, trial, 0)) return 0;
    char name[160];
    slurm_job_name(name, sizeof name, s->o.tag, trial);
    long long id = slurm_find_by_name(s, name);
    if (id <= 0) return 0;
    slurm_track(s, id, -1, trial, trial_dir);
    *j = (struct exec_job){.fd = -1, .adopted = 1, .waiting = 1};
    snprintf(j->ref, sizeof j->ref, "%lld", id);
    snprintf(j->state, sizeof j->state, "PENDING");
    return 1;
}

static int slurm_prepare_adopt(struct executor *x, struct err *e)
{
    struct slurm_x *s = (struct slurm_x *)x;
    char user[48], *out = NULL;
    snprintf(user, sizeof user, "--user=%u", (unsigned)getuid());
    char *argv[] = {"squeue", "-h", "-a", "-r", "-t", "all", user, "-o", "%i|%T|%r|%j|%N", NULL};
    int rc = slurm_run(s, argv, NULL, &out, e);
    if (rc != 0) {
        if (rc > 0) slurm_say_error(e, "squeue", out);
        free(out);
        char what[sizeof e->msg];
        snprintf(what, sizeof what, "%s", e->msg);
        return err_set(e, "cannot list this sweep's jobs in Slurm (%.700s): nothing was "
                          "submitted again; resume once squeue answers",
                       what);
    }
    struct slurm_row *rows;
    size_t n = slurm_parse_rows(out, 0, &rows);
    free(out);
    size_t tl = strlen(s->o.tag);
    free(s->listing);
    s->listing = NULL;
    s->nlisting = 0;
    for (size_t i = 0; i < n; i++)
        if (!strncmp(rows[i].name, s->o.tag, tl) && rows[i].name[tl] == '-') {
            s->listing = xrealloc(s->listing, (s->nlisting + 1) * sizeof *s->listing);
            s->listing[s->nlisting++] = rows[i];
        }
    free(rows);
    return 0;
}

/* A job the queue no longer shows (purged MinJobAge after its end), whose
 * trial has no record: accounting's row of it, by its recorded id, else by
 * its name, before the trial runs again (a job that ran is not rerun
 * blindly). 1 and *row filled (the latest such job), 0 none or no
 * accounting. */
static int from_accounting(struct slurm_x *s, const struct exec_record *r, const char *name,
                           int task, struct slurm_row *row)
{
    if (s->sacct == 0) return 0;
    char *sel = r->ref ? xasprintf("--jobs=%s", r->ref) : xasprintf("--name=%s", name), *out = NULL;
    /* by name: every job since the epoch (sacct's default is since midnight) */
    char *argv[] = {"sacct", "-X", "-n", "-P", "-o", "JobID,State,ExitCode,JobName", sel,
                    r->ref ? NULL : "--starttime=1970-01-01", NULL};
    struct err e = {0};
    int rc = slurm_run(s, argv, NULL, &out, &e), found = 0;
    if (rc == 0) {
        s->sacct = 1;
        struct slurm_row *rows;
        size_t n = slurm_parse_rows(out, 1, &rows);
        for (size_t i = 0; i < n; i++) /* by id and name: an id may be another's after a wrap */
            if (!strcmp(rows[i].name, name) && (!found || rows[i].id > row->id) &&
                rows[i].task == task && (!r->ref || rows[i].id == atoll(r->ref))) {
                *row = rows[i];
                found = 1;
            }
        free(rows);
    } else if (rc > 0 && out && strstr(out, "accounting storage is disabled")) {
        s->sacct = 0;
    }
    free(out);
    free(sel);
    return found;
}

static enum exec_found slurm_adopt(struct executor *x, const struct exec_record *r,
                                   struct exec_job *j)
{
    struct slurm_x *s = (struct slurm_x *)x;
    *j = (struct exec_job){.fd = -1, .adopted = 1};
    char name[160];
    int k, task = -1;
    long long rid = 0;
    if (slurm_array_task_of(r->trial_dir, &k, &task)) /* a task of the sweep's array k */
        slurm_array_name(name, sizeof name, s->o.tag, k);
    else slurm_job_name(name, sizeof name, s->o.tag, r->trial);
    if (r->ref && !slurm_parse_ref(r->ref, &rid, &task)) rid = -1;
    const struct slurm_row *f = NULL;
    for (size_t i = 0; i < s->nlisting; i++) {
        const struct slurm_row *l = &s->listing[i];
        if (r->ref ? l->id == rid && l->task == task
                   : !strcmp(l->name, name) && l->task == task && (!f || l->id > f->id))
            f = l;
    }
    int clean;
    struct slurm_row acct;
    if (!f && slurm_have_record(r->trial_dir, &clean)) { /* ended long ago: its record says how */
        snprintf(j->ref, sizeof j->ref, "%s", r->ref ? r->ref : "");
        return EXEC_ENDED;
    }
    if (!f && !from_accounting(s, r, name, task, &acct)) return EXEC_GONE; /* never submitted */
    if (!f) f = &acct; /* purged from the queue: accounting's record of it */
    struct sjob *sj = slurm_track(s, f->id, f->task, r->trial, r->trial_dir);
    sj->row = *f;
    slurm_ref(j->ref, sizeof j->ref, f->id, f->task);
    show_state(sj, j);
    if (slurm_state_phase(f->state) != SLURM_ENDED) return EXEC_ALIVE;
    slurm_settle(s, sj);
    j->end = sj->end;
    snprintf(j->why, sizeof j->why, "%s", sj->why);
    slurm_untrack(s, sj);
    return EXEC_ENDED;
}

static pid_t slurm_group(struct executor *x, const char *trial_dir)
{
    (void)x;
    (void)trial_dir;
    return 0; /* its processes are on another machine */
}

static void slurm_free(struct executor *x)
{
    struct slurm_x *s = (struct slurm_x *)x;
    slurm_query_release(s);
    slurm_reap_beside(s, 1);
    free(s->bg);
    free(s->excl);
    for (size_t i = 0; i < s->njobs; i++) {
        free(s->jobs[i].dir);
        slurm_gather_free(s->jobs[i].g);
    }
    free(s->arrays);
    free(s->jobs);
    for (size_t i = 0; i < s->nowned; i++) free(s->owned[i]);
    free(s->owned);
    free(s->listing);
    free(s->unsure);
    free(s);
}

static const struct exec_ops slurm_ops = {
    .name = "slurm",
    .start = slurm_start,
    .reap = slurm_reap,
    .stop = slurm_stop,
    .adopt = slurm_adopt,
    .group = slurm_group,
    .poll = slurm_poll,
    .prepare_adopt = slurm_prepare_adopt,
    .recover = slurm_recover,
    .wake = slurm_wake,
    .fd = slurm_fd,
    .free = slurm_free,
};

struct executor *exec_slurm(const struct exec_slurm_opts *o, struct err *e)
{
    (void)e;
    struct slurm_x *s = xcalloc(1, sizeof *s);
    s->x.ops = &slurm_ops;
    s->o = *o;
    s->o.partition = keep(s, o->partition);
    s->o.account = keep(s, o->account);
    s->o.qos = keep(s, o->qos);
    s->o.constraint = keep(s, o->constraint);
    s->o.mem = keep(s, o->mem);
    s->o.tag = keep(s, o->tag);
    char **args = o->nargs ? xcalloc(o->nargs, sizeof *args) : NULL;
    for (size_t i = 0; i < o->nargs; i++) args[i] = (char *)keep(s, o->args[i]);
    s->o.args = args;
    s->owned = xrealloc(s->owned, (s->nowned + 1) * sizeof *s->owned);
    s->owned[s->nowned++] = (char *)args; /* freed with the strings */
    if (o->time > 0) slurm_fmt_time(s->time_limit, sizeof s->time_limit, o->time);
    s->sacct = -1;
    s->interval = s->o.poll;
    s->only_state = 1;
    return &s->x;
}

const struct slurm_stats *exec_slurm_stats(struct executor *x)
{
    return x->ops == &slurm_ops ? &((struct slurm_x *)x)->st : NULL;
}
