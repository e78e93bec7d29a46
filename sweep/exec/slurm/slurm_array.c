/* slurm_array.c - slurm.array: true (docs/slurm.md "Job arrays"). The run
 * loop starts every trial it may in one turn (space.h's in_flight: up to
 * an array's worth); each start here is gathered (slurm_gather), and the
 * executor's next poll submits them together as one job array, TAG-aK,
 * --array=0-N%THROTTLE. Its batch script is "#!SUPERVISOR --array-job" with
 * the array's directory, ROOT/arrays/K, as argument: task I reads I.task
 * there (the trial's environment, directory, cwd and argv: proc.h) and
 * goes on as a trial's own job does; its output goes to I.log, a link to
 * the trial's log. The trial's directory records its array and task
 * (array_task), so that a resume finds a task whose id sweep never
 * learned.
 *
 * The throttle is resources.max_parallel for the whole sweep: one array
 * at a time has tasks pending, the next one is submitted once they all
 * run with the room the running ones leave, and that room is given back
 * (scontrol update ArrayTaskThrottle) as the earlier arrays' tasks end. */
#include "base/err.h"
#include "base/util.h"
#include "sweep/exec/slurm/slurm_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_TASK_FILE "array_task"

static char **strv_dup(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    char **d = xcalloc(n + 1, sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = xstrdup(v[i]);
    return d;
}

void slurm_gather_free(struct gather *g)
{
    if (!g) return;
    exec_free_strv(g->argv);
    exec_free_strv(g->envp);
    free(g->cwd);
    free(g->log);
    free(g);
}

int slurm_gather(struct slurm_x *s, const struct exec_spec *sp, struct exec_job *j)
{
    char *rec = xasprintf("%s/%s", sp->trial_dir, ARRAY_TASK_FILE);
    unlink(rec); /* an earlier run's task, if it ran before: not this one */
    free(rec);
    struct sjob *sj = slurm_track(s, 0, -1, sp->trial, sp->trial_dir);
    struct gather *g = xcalloc(1, sizeof *g);
    g->argv = strv_dup(sp->argv);
    g->envp = strv_dup(sp->envp);
    g->cwd = xstrdup(sp->cwd);
    g->log = xstrdup(sp->log);
    sj->g = g;
    snprintf(sj->row.state, sizeof sj->row.state, "PENDING");
    snprintf(sj->row.reason, sizeof sj->row.reason, "the next job array");
    *j = (struct exec_job){.fd = -1, .adopted = 1, .waiting = 1};
    snprintf(j->state, sizeof j->state, "PENDING (the next job array)");
    return 0;
}

int slurm_array_task_of(const char *trial_dir, int *k, int *task)
{
    char *path = xasprintf("%s/%s", trial_dir, ARRAY_TASK_FILE);
    char *t = util_read_file(path, NULL, NULL);
    free(path);
    int ok = t && sscanf(t, "%d %d", k, task) == 2 && *k >= 0 && *task >= 0;
    free(t);
    return ok;
}

/* Submitted and not ended: running, or pending in Slurm. */
static int live(const struct sjob *j)
{
    return j->id > 0 && !j->ended;
}

/* The array still to be submitted (members chosen, files written), or -1. */
static int unsubmitted(const struct slurm_x *s)
{
    return s->narrays && !s->arrays[s->narrays - 1].id ? (int)s->narrays - 1 : -1;
}

/* May an array go now, and with what throttle (*room)? Only while no task
 * of an earlier array is pending, Slurm answers, and the throttle has room. */
static int can_submit(const struct slurm_x *s, int *room)
{
    size_t want = 0, others = 0;
    for (size_t i = 0; i < s->njobs; i++) {
        const struct sjob *j = &s->jobs[i];
        if (j->g && !j->ended) want++;
        if (!live(j)) continue;
        others++;
        if (j->task >= 0 && slurm_state_phase(j->row.state) == SLURM_WAITING) return 0;
    }
    double now = util_mono();
    if (!want || now < s->array_next || s->down[0]) return 0;
    if (s->q.pid && now - s->q_started > SLURM_HOLD_S) return 0;
    *room = s->o.throttle - (int)others;
    return *room >= 1;
}

int slurm_array_due(const struct slurm_x *s)
{
    int room;
    return can_submit(s, &room);
}

/* A member that will not run: its trial fails with why. */
static void fail(struct sjob *j, const char *why)
{
    slurm_gather_free(j->g);
    j->g = NULL;
    j->ended = 1;
    j->end = EXEC_END_FAILED;
    snprintf(j->why, sizeof j->why, "%.250s", why);
}

/* DIR/arrays/K, the first K free (a resumed sweep's arrays keep theirs). */
static char *array_dir(const char *trial_dir, int *k, struct err *e)
{
    char *root = xstrdup(trial_dir), *slash = strrchr(root, '/');
    if (slash) *slash = '\0';
    char *arrays = xasprintf("%s/arrays", root);
    free(root);
    if (mkdir(arrays, 0755) != 0 && errno != EEXIST) {
        err_errno(e, "mkdir %s", arrays);
        free(arrays);
        return NULL;
    }
    for (int i = 0; i < 1000000; i++) {
        char *d = xasprintf("%s/%d", arrays, i);
        if (mkdir(d, 0755) == 0) {
            free(arrays);
            *k = i;
            return d;
        }
        int er = errno;
        free(d);
        if (er != EEXIST) {
            errno = er;
            err_errno(e, "mkdir %s/%d", arrays, i);
            break;
        }
    }
    free(arrays);
    return NULL;
}

/* One member's files: ADIR/I.task, ADIR/I.log (a link to its log), and
 * the trial's record of its array and task. */
static int member_files(const char *adir, int k, int i, const struct sjob *j, struct err *e)
{
    char *task = xasprintf("%s/%d.task", adir, i), *log = xasprintf("%s/%d.log", adir, i);
    char *rec = xasprintf("%s/%s", j->dir, ARRAY_TASK_FILE), line[48];
    int rc = proc_write_task(task, j->g->envp, j->dir, j->g->cwd, j->g->argv, e);
    unlink(log);
    if (!rc && symlink(j->g->log, log) != 0) rc = err_errno(e, "symlink %s", log);
    snprintf(line, sizeof line, "%d %d\n", k, i);
    if (!rc) rc = util_write_atomic(rec, line, strlen(line), e);
    free(task);
    free(log);
    free(rec);
    return rc;
}

/* A new array of the gathered trials (at most SLURM_ARRAY_MAX), its files
 * written: its index in s->arrays, or -1 (the members failed: e). */
static int new_array(struct slurm_x *s, int room)
{
    struct sjob *first = NULL;
    for (size_t i = 0; i < s->njobs && !first; i++)
        if (s->jobs[i].g && !s->jobs[i].ended && s->jobs[i].arr < 0) first = &s->jobs[i];
    if (!first) return -1;
    struct err e = {0};
    int k = 0, n = 0;
    static const char what[] = "the batch script of a job array; task I runs the trial that "
                               "I.task here names";
    char *adir = array_dir(first->dir, &k, &e);
    char *script = adir ? slurm_write_script(adir, "--array-job", what, &e) : NULL;
    s->arrays = xrealloc(s->arrays, (s->narrays + 1) * sizeof *s->arrays);
    int a = (int)s->narrays++;
    s->arrays[a] = (struct sarray){.k = k, .throttle = room};
    for (size_t i = 0; i < s->njobs && n < SLURM_ARRAY_MAX; i++) {
        struct sjob *j = &s->jobs[i];
        if (!j->g || j->ended || j->arr >= 0) continue;
        if (script && member_files(adir, k, n, j, &e)) {
            free(script);
            script = NULL;
        }
        if (!script) {
            fail(j, e.msg);
            continue;
        }
        j->arr = a;
        j->task = n++;
    }
    s->arrays[a].ntasks = n;
    free(script);
    free(adir);
    return n ? a : -1;
}

/* Task ids in Slurm's array form ("0-3,5"), given one at a time, each
 * range from *lo to *hi; t < 0 ends the last range. */
static void ranges_add(struct sb *out, int *lo, int *hi, int t)
{
    if (t >= 0 && *lo >= 0 && t == *hi + 1) {
        *hi = t;
        return;
    }
    if (*lo >= 0) sb_addf(out, "%s%d", out->len ? "," : "", *lo);
    if (*lo >= 0 && *hi > *lo) sb_addf(out, "-%d", *hi);
    *lo = *hi = t;
}

/* The ids of the members still to run ("0-3,5"), their number. */
static int indexes(const struct slurm_x *s, int a, struct sb *ids)
{
    int n = 0, lo = -1, hi = -1;
    for (size_t i = 0; i < s->njobs; i++)
        if (s->jobs[i].arr == a && s->jobs[i].g && !s->jobs[i].ended) {
            ranges_add(ids, &lo, &hi, s->jobs[i].task);
            n++;
        }
    ranges_add(ids, &lo, &hi, -1);
    return n;
}

/* The array's job id is known: its members are its tasks. */
static void submitted(struct slurm_x *s, int a, long long id)
{
    s->arrays[a].id = id;
    for (size_t i = 0; i < s->njobs; i++) {
        struct sjob *j = &s->jobs[i];
        if (j->arr != a || !j->g) continue;
        slurm_gather_free(j->g);
        j->g = NULL;
        j->id = j->row.id = id;
        j->row.task = j->task;
        if (!j->ended) snprintf(j->row.reason, sizeof j->row.reason, "None");
    }
    slurm_due(s, util_mono() + s->o.poll);
}

void slurm_array_submit(struct slurm_x *s)
{
    int room;
    if (!can_submit(s, &room)) return;
    int a = unsubmitted(s);
    if (a < 0 && (a = new_array(s, room)) < 0) return;
    struct sarray *ar = &s->arrays[a];
    char name[160];
    slurm_array_name(name, sizeof name, s->o.tag, ar->k);
    long long id = ar->unsure ? slurm_find_by_name(s, name) : -1;
    if (id > 0) {
        submitted(s, a, id);
        return;
    }
    struct sb ids;
    sb_init(&ids);
    struct sjob *first = NULL;
    for (size_t i = 0; i < s->njobs && !first; i++)
        if (s->jobs[i].arr == a && s->jobs[i].g && !s->jobs[i].ended) first = &s->jobs[i];
    if (!first || !indexes(s, a, &ids)) { /* all stopped before it went */
        ar->id = -1;
        sb_release(&ids);
        return;
    }
    char *adir = xstrdup(first->dir), *slash = strrchr(adir, '/');
    if (slash) *slash = '\0';
    char *dir = xasprintf("%s/arrays/%d", adir, ar->k), *script = xasprintf("%s/job.sh", dir);
    ar->throttle = room;
    char **argv = slurm_array_argv(&s->o, ar->k, first->g->cwd, dir, script, ids.buf, room);
    char *out = NULL;
    struct err re = {0};
    /* the array's environment: a trial's, less what names it (each task's
     * supervisor takes its own trial's from its file) */
    size_t ne = 0;
    for (size_t i = 0; first->g->envp[i]; i++)
        ne++;
    char **env = xcalloc(ne + 1, sizeof *env);
    for (size_t i = 0, k = 0; i < ne; i++)
        if (strncmp(first->g->envp[i], "SWEEP_TRIAL", 11)) env[k++] = first->g->envp[i];
    int rc = slurm_run(s, argv, env, &out, &re);
    free(env);
    id = rc == 0 ? slurm_parse_jobid(out) : -1;
    int maybe = (rc < 0 && strstr(re.msg, "did not answer")) ||
                (rc > 0 && slurm_refusal(out) == SLURM_REFUSED_UNSURE);
    if (id <= 0 && maybe) id = slurm_find_by_name(s, name);
    if (id > 0) {
        submitted(s, a, id);
    } else {
        struct err e = {0};
        if (rc < 0)
            err_set(&e, "sbatch: %.900s", re.msg), e.code = EAGAIN;
        else
            slurm_refused(s, out, &e);
        ar->unsure = maybe;
        if (e.code == EAGAIN) { /* the same later */
            s->array_next = util_mono() + (s->interval > s->o.poll ? s->interval : s->o.poll);
        } else {
            for (size_t i = 0; i < s->njobs; i++)
                if (s->jobs[i].arr == a && s->jobs[i].g && !s->jobs[i].ended)
                    fail(&s->jobs[i], e.msg);
            ar->id = -1;
        }
    }
    exec_free_strv(argv);
    free(out);
    free(script);
    free(dir);
    free(adir);
    sb_release(&ids);
}

void slurm_array_throttle(struct slurm_x *s)
{
    int last = -1;
    size_t others = 0;
    for (size_t i = 0; i < s->njobs; i++) /* the array with pending tasks */
        if (live(&s->jobs[i]) && s->jobs[i].arr >= 0 &&
            slurm_state_phase(s->jobs[i].row.state) == SLURM_WAITING)
            last = s->jobs[i].arr;
    if (last < 0) return;
    for (size_t i = 0; i < s->njobs; i++)
        others += live(&s->jobs[i]) && s->jobs[i].arr != last;
    struct sarray *a = &s->arrays[last];
    int want = s->o.throttle - (int)others;
    if (want < 1) want = 1;
    if (want == a->throttle || a->id <= 0) return;
    char id[48], th[48], *out = NULL;
    snprintf(id, sizeof id, "JobId=%lld", a->id);
    snprintf(th, sizeof th, "ArrayTaskThrottle=%d", want);
    char *argv[] = {"scontrol", "update", id, th, NULL};
    struct err e = {0};
    /* its exit status is not 0 when some tasks have ended ("Job has already
     * finished"): the pending ones take it all the same */
    slurm_run(s, argv, NULL, &out, &e);
    free(out);
    a->throttle = want;
}

void slurm_array_cancel(struct slurm_x *s)
{
    for (size_t i = 0; i < s->njobs; i++) {
        if (!s->jobs[i].cancel_queued) continue;
        long long id = s->jobs[i].id;
        struct sb list;
        sb_init(&list);
        int lo = -1, hi = -1;
        for (size_t k = i; k < s->njobs; k++) /* this array's, in task order */
            if (s->jobs[k].cancel_queued && s->jobs[k].id == id) {
                s->jobs[k].cancel_queued = 0;
                ranges_add(&list, &lo, &hi, s->jobs[k].task);
            }
        ranges_add(&list, &lo, &hi, -1);
        char *ids = xasprintf("%lld_[%s]", id, list.buf);
        char *argv[] = {"scancel", ids, NULL};
        slurm_run_beside(s, argv);
        free(ids);
        sb_release(&list);
    }
}
