/* finish.c - recording how a trial ended, once its process is gone and its
 * log has been read to the end: retried (its failed attempt's log kept
 * beside the next), requeued with a larger memory estimate after running
 * out of GPU memory, or recorded in its final state, each in one
 * transaction with its event. */
#include "sweep/run/run_int.h"
#include "sweep/run/outcome.h"
#include "search/render.h"
#include "search/space.h"
#include "store/layout.h"
#include "store/store.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"
#include "base/json.h"

#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The last OUTCOME_TAIL_BYTES of a failed trial's log, NUL bytes as
 * spaces (outcome.h reads the cause there); NULL if unreadable. */
static const char *log_tail(void *ctx)
{
    const char *path = ctx;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    static char buf[OUTCOME_TAIL_BYTES + 1];
    ssize_t n = 0;
    if (fstat(fd, &st) == 0) {
        off_t from = st.st_size > OUTCOME_TAIL_BYTES ? st.st_size - OUTCOME_TAIL_BYTES : 0;
        n = pread(fd, buf, OUTCOME_TAIL_BYTES, from);
    }
    close(fd);
    if (n <= 0) return NULL;
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if (!buf[i]) buf[i] = ' ';
    return buf;
}

/* A trial whose program was not found (it could not start, or env said
 * 127) and whose command runs ${interpreter} (W&B's default): which
 * interpreter that was, and where it came from. */
static void say_interpreter(const struct space *sp, struct sb *reason)
{
    int dflt = 0; /* found on PATH, not the file's interpreter: */
    for (size_t i = 0; i < sp->ninputs; i++)
        if (!strcmp(sp->inputs[i].name, "interpreter")) dflt = 1;
    if (!sp->runs_interpreter) return;
    if (dflt)
        sb_addf(reason, " (${interpreter} is '%s': %s; set interpreter: in the sweep file to the "
                        "python to use)",
                sp->interpreter,
                strcmp(sp->interpreter, "python") ? "no 'python' was on PATH when the sweep began"
                                                  : "'python' was on PATH when the sweep began");
    else
        sb_addf(reason, " (${interpreter} is '%s', the sweep file's interpreter:)", sp->interpreter);
}

/* The slot is done with: nothing of the trial runs any more. */
static void slot_done(struct sched *s, struct slot *sl)
{
    layout_stop_done(s->o->dir, sl->id);
    s->counts[TRIAL_RUNNING]--;
    s->running--;
    s->res->finished++;
    slot_release(sl);
}

/* Out of GPU memory: not the trial's fault; again with a larger estimate
 * (on a GPU with more room, or one to itself). 1 if requeued; 0 when even a
 * whole GPU was not enough (said in reason); -1 on a store error. */
static int oom_requeue(struct sched *s, struct slot *sl, double est, struct sb *reason,
                       struct err *e)
{
    double whole = largest_capacity(s);
    if (est < 0 || est >= whole - 1) {
        sb_addf(reason, "; it had a whole GPU (%.1f GiB usable)", whole / 1024);
        return 0;
    }
    double want = learn_after_oom(est, sl->peak_mib, whole);
    layout_rotate_log(sl->log, sl->attempt);
    char *why = xasprintf("CUDA out of memory with %.1f GiB reserved; requeued with %.1f GiB",
                          est / 1024, want / 1024);
    int bad = store_begin(s->st, e) ||
              store_settle(s->st,
                           store_trial_requeue(s->st, sl->id, why, e) ||
                               store_trial_mem(s->st, sl->id, want, -1, e) ||
                               store_event(s->st, sl->id, "oom_requeued", why, e),
                           e);
    if (bad) {
        free(why);
        return -1;
    }
    gpu_learn_more(s, sl->id, want);
    say(s, "trial %lld: %s", sl->id, why);
    free(why);
    queue_put(&s->queue, sl->id, 0);
    return 1;
}

/* The trial is pending again, why its reason, with its event, in one
 * transaction; its attempt's log kept beside the next. 0 or -1. */
static int requeue(struct sched *s, struct slot *sl, const char *why, const char *event,
                   struct err *e)
{
    layout_rotate_log(sl->log, sl->attempt);
    return store_begin(s->st, e) ||
                   store_settle(s->st,
                                store_trial_requeue(s->st, sl->id, why, e) ||
                                    store_event(s->st, sl->id, event, why, e),
                                e)
               ? -1
               : 0;
}

/* Pending again and queued now (first in line: front), cause its reason
 * with "; requeued", its event event; said as what (NULL: the reason).
 * Not a failure, not a retry; it runs again from its checkpoint where the
 * file says how. */
static int requeue_now(struct sched *s, struct slot *sl, const char *cause, const char *event,
                       int front, const char *what, struct err *e)
{
    char *why = xasprintf("%s; requeued", cause);
    int bad = requeue(s, sl, why, event, e);
    if (!bad) {
        say(s, "trial %lld: %s", sl->id, what ? what : why);
        queue_put(&s->queue, sl->id, front);
    }
    free(why);
    return bad ? -1 : 1;
}

/* Stopped with the whole sweep (Ctrl-C, SIGTERM): pending again, and the
 * next resume runs it (from its checkpoint where the file says how); not a
 * failure, not a retry, not told to the searcher. One that an earlier sweep
 * process interrupted, ending while this one runs, runs again now. */
static int interrupted(struct sched *s, struct slot *sl, const char *reason, struct err *e)
{
    char *why = xasprintf("%s; %s", reason, s->stopping ? "runs again on resume" : "queued again");
    int bad = requeue(s, sl, why, "interrupted", e);
    if (!bad) {
        s->counts[TRIAL_PENDING]++;
        say(s, "trial %lld: %s", sl->id, why);
        if (!s->stopping) queue_put(&s->queue, sl->id, 1);
    }
    free(why);
    return bad ? -1 : 1;
}


static int retry(struct sched *s, struct slot *sl, const char *reason, double secs,
                 long long done, struct err *e)
{
    char *why = xasprintf("retry after: %s", reason);
    int bad = requeue(s, sl, why, "retry", e);
    free(why);
    if (bad) return -1;
    queue_put(&s->queue, sl->id, 0);
    say(s, "trial %lld failed (%s) after %.1fs; retrying (retry %lld of %d)", sl->id, reason, secs,
        done + 1, s->sp->retries);
    return 0;
}

struct names {
    struct sb list;
    const char *want;
    char *near;     /* the name nearest to want, if near enough */
    int dist;
};

static void name_cb(const char *name, long long step, void *ctx)
{
    (void)step;
    struct names *n = ctx;
    size_t ln = strlen(name), lw = strlen(n->want);
    int prefix = ln >= 3 && lw >= 3 && !strncmp(name, n->want, ln < lw ? ln : lw);
    int d = prefix ? 1 : util_edit_distance(name, n->want); /* val_acc for val_accuracy */
    if (d < n->dist && d <= 3) {
        free(n->near);
        n->near = xstrdup(name);
        n->dist = d;
    }
    if (n->list.len > 200) return;
    sb_add(&n->list, n->list.len ? ", " : "");
    sb_add(&n->list, n->list.len > 180 ? "..." : name);
}

/* A trial that completed without a value of the objective: said at once
 * (as a warning: also with -q), with what the parser did read and the
 * command that shows it. */
static void warn_no_objective(struct sched *s, const struct slot *sl)
{
    const struct space *sp = s->sp;
    struct names n = {.want = sp->metric_name, .dist = 99};
    sb_init(&n.list);
    store_last_steps(s->st, sl->id, name_cb, &n, NULL);
    struct sb hint;
    sb_init(&hint);
    if (n.near) sb_addf(&hint, " (is metric.name %s meant?)", n.near);
    int rx = !strcmp(sp->parser, "regex"); /* its patterns are in the file */
    struct sb cmd; /* to paste into a shell: paths quoted */
    sb_init(&cmd);
    sb_add(&cmd, rx ? "sweep metrics --config " : "sweep metrics --parser ");
    render_shell_word(&cmd, rx ? sp->path : sp->parser);
    sb_addc(&cmd, ' ');
    render_shell_word(&cmd, sl->mfile);
    warn(s, "trial %lld completed, but its log gave no value of %s: parser %s read %s%s; "
            "`%s` shows what it reads (docs/parsers.md)",
         sl->id, sp->metric_name, sp->parser, n.list.len ? sb_str(&n.list) : "nothing",
         sb_str(&hint), sb_str(&cmd));
    sb_release(&cmd);
    sb_release(&hint);
    sb_release(&n.list);
    free(n.near);
}

void fail_fast_started(struct sched *s, long long id)
{
    if (s->ff_nfirst >= (size_t)s->sp->fail_first) return;
    for (size_t i = 0; i < s->ff_nfirst; i++)
        if (s->ff_first[i] == id) return; /* a retry of one of them */
    s->ff_first = xrealloc(s->ff_first, (s->ff_nfirst + 1) * sizeof *s->ff_first);
    s->ff_first[s->ff_nfirst++] = id;
}

/* fail_fast: the first trials this run started all failed, or too many
 * failed in a row: the sweep stops (its command or trainer is broken),
 * with the last failure's reason. Stopped trials do not count. */
void fail_fast(struct sched *s, long long id, enum trial_state state, const char *why)
{
    const struct space *sp = s->sp;
    if (state == TRIAL_FAILED) s->ff_streak++;
    else if (state == TRIAL_COMPLETED || state == TRIAL_PRUNED) s->ff_streak = 0, s->ff_ok = 1;
    else return;
    for (size_t i = 0; i < s->ff_nfirst && state == TRIAL_FAILED; i++)
        if (s->ff_first[i] == id) s->ff_first_failed++;
    int first = sp->fail_first > 0 && !s->ff_ok && s->ff_first_failed >= sp->fail_first;
    int row = sp->fail_consecutive > 0 && s->ff_streak >= sp->fail_consecutive;
    if (s->stopping || !(first || row)) return;
    char what[96];
    if (first && sp->fail_first == 1) snprintf(what, sizeof what, "the first trial failed");
    else if (first) snprintf(what, sizeof what, "the first %d trials all failed", sp->fail_first);
    else snprintf(what, sizeof what, "%lld trials failed in a row", s->ff_streak);
    snprintf(s->res->failed_fast, sizeof s->res->failed_fast, "%s (the last, trial %lld: %.200s)",
             what, id, why ? why : "failed");
    warn(s, "stopping the sweep: %s; the trials still running are interrupted and run again on "
            "resume (fail_fast in the sweep file sets when this happens)",
         s->res->failed_fast);
    stop_sweep(s, "fail_fast");
}

/* The final state, its event, and the line people read. */
static int record_end(struct sched *s, struct slot *sl, const struct outcome *oc,
                      const struct sb *reason, double secs, double ended, struct err *e)
{
    const struct space *sp = s->sp;
    const char *why = reason->len ? reason->buf : NULL;
    int bad = store_begin(s->st, e) ||
              store_settle(s->st,
                           store_trial_end(s->st, sl->id, oc->state, why, oc->has_code, oc->code,
                                           oc->sig, ended, e) ||
                               store_event(s->st, sl->id, store_state_name(oc->state), why, e),
                           e);
    if (bad) return -1;
    s->counts[oc->state]++;
    struct trial_row t;
    struct sb line;
    int no_objective = 0;
    sb_init(&line);
    sb_addf(&line, "trial %lld %s in %.1fs", sl->id, store_state_name(oc->state), secs);
    if (why) sb_addf(&line, " (%s)", why);
    if (store_get_trial(s->st, sl->id, &t, NULL) == 1) {
        if (t.has_objective && sp->nobjs >= 2) { /* every objective; no "best" among them */
            double *objs = xcalloc(sp->nobjs, sizeof *objs), viol;
            trial_objectives(s, s->st, t.id, objs, &viol);
            for (size_t j = 0; j < sp->nobjs; j++) {
                sb_addf(&line, "%s%s ", j ? ", " : ": ", sp->obj_names[j]);
                util_fmt_num(&line, sp->obj_max[j] ? -objs[j] : objs[j]);
            }
            if (viol > 0) sb_add(&line, " (breaks a constraint)");
            free(objs);
        } else if (t.has_objective && sp->metric_name) {
            sb_addf(&line, ": %s ", sp->metric_name);
            util_fmt_num(&line, t.objective);
            if (oc->state == TRIAL_COMPLETED &&
                (!s->have_best || space_better(sp, t.objective, s->best))) {
                s->have_best = 1;
                s->best = t.objective;
                s->best_trial = t.id;
                sb_add(&line, " (best so far)");
            }
        }
        if (oc->state == TRIAL_COMPLETED && sp->metric_name && !t.has_objective)
            no_objective = 1;
        trial_row_release(&t);
    }
    say(s, "%s", sb_str(&line));
    if (no_objective) warn_no_objective(s, sl);
    sb_release(&line);
    fail_fast(s, sl->id, oc->state, why);
    return trial_ended(s, sl->id, oc->state, e);
}

int finish(struct sched *s, struct slot *sl, struct err *e)
{
    if (ingest(s, sl, 1, e)) return -1;
    struct proc_exit x;
    struct err xe = {0};
    struct outcome_in in = {.have = exec_result(sl->dir, &x, &xe), .x = &x,
                            .read_error = xe.msg, .stop_reason = sl->stop_reason,
                            .stop_state = sl->stop_state, .our_child = !sl->job.adopted,
                            .exec_end = sl->job.end == EXEC_END_FAILED ? sl->job.why : NULL,
                            .wstatus = sl->job.wstatus, .log_tail = log_tail,
                            .log_ctx = sl->log};
    struct trial_row tr;
    if (metrics_requires_rows(sl->mp) && store_get_trial(s->st, sl->id, &tr, NULL) == 1) {
        in.no_rows = tr.last_step < 0;
        trial_row_release(&tr);
    }
    struct err pe = {0};
    if (in.have != 1 && !sl->stop_reason && layout_probe(sl->dir, &pe) &&
        layout_environmental(pe.code)) /* exit.json could not be written: not the trial's fault */
        return err_set(e, "trial %lld ended, but its end could not be recorded (%.600s): "
                          "stopping; `sweep resume` records or reruns it once the directory can "
                          "be written",
                       sl->id, pe.msg);
    struct outcome oc;
    struct sb reason;
    sb_init(&reason);
    outcome_classify(&in, &oc, &reason);
    if (oc.state == TRIAL_FAILED && (oc.cannot_start || (oc.has_code && oc.code == 127)))
        say_interpreter(s->sp, &reason);
    /* no record: its supervisor died. The trainer died with it
     * (PR_SET_PDEATHSIG); what it started may not have: whatever is left of
     * its group goes before the trial runs again (proven the trial's) */
    if (in.have != 1) exec_stop(s->exec, sl->dir, &(struct exec_job){.fd = -1}, SIGKILL);
    /* how long it ran, and when it ended: the supervisor's record says, also
     * for a trial that ended while no sweep was there (not the resume's time) */
    int timed = in.have == 1 && x.started > 0 && x.ended >= x.started;
    double secs = timed ? x.ended - x.started : run_mono(s) - sl->start_mono;
    double ended = timed ? x.ended : run_now(s);
    if (timed && sl->job.ref[0]) /* a queued job's run began when its supervisor did, not at
                                    its submission */
        store_trial_started(s->st, sl->id, x.started, NULL);
    /* its process group is gone (the supervisor waited for it): the GPU
     * memory it held is free for the next trial */
    int had_gpu = sl->g >= 0;
    double est = sl->est_mib;
    gpu_release(s, sl);
    cpus_release(s, sl);
    if (had_gpu && oc.state == TRIAL_COMPLETED) gpu_learn_peak(s, sl->kind, sl->peak_mib, 1);
    struct outcome_when w = {.had_gpu = had_gpu, .stopping = s->stopping,
                             .machine_lost = sl->job.end == EXEC_END_REQUEUE,
                             .stop_asked = sl->stop_reason != NULL, .retries = s->sp->retries,
                             .preempted = run_preempted(sl)};
    if (w.machine_lost) { /* its jobs lost with their nodes: requeued a few times, not forever */
        long long lost = store_event_count(s->st, sl->id, "requeued", NULL);
        w.lost_capped = lost >= RUN_MAX_NODE_REQUEUES;
        if (w.lost_capped)
            sb_addf(&reason, "%srequeued %lld times after its node failed: not again",
                    reason.len ? "; " : "", lost);
    }
    if (oc.state == TRIAL_FAILED) { /* counted by the retries made */
        w.retries_done = store_event_count(s->st, sl->id, "retry", NULL);
        if (w.retries_done < 0) w.retries_done = w.retries; /* unknown: none more */
    }
    enum outcome_step next = outcome_next(&oc, &w);
    int rc = 0;
    if (next == OUTCOME_OOM_REQUEUE && (rc = oom_requeue(s, sl, est, &reason, e)) == 0) {
        w.oom_refused = 1; /* even a whole GPU was not enough: said in reason */
        next = outcome_next(&oc, &w);
    }
    /* its node failed or it was preempted by its batch system: a new job; or
     * stopped for another user's wait (preempt.c): first in our queue, the
     * fair share giving the room it freed to the sweep it was stopped for */
    if (next == OUTCOME_NODE_REQUEUE)
        rc = requeue_now(s, sl, sl->job.why, "requeued", 0, NULL, e);
    else if (next == OUTCOME_INTERRUPTED) rc = interrupted(s, sl, sb_str(&reason), e);
    else if (next == OUTCOME_PREEMPTED)
        rc = requeue_now(s, sl, sl->stop_reason, "preempted", 1,
                         "preempted; requeued, to continue from its checkpoint", e);
    else if (next == OUTCOME_RETRY) rc = retry(s, sl, sb_str(&reason), secs, w.retries_done, e);
    else if (next == OUTCOME_RECORD) rc = record_end(s, sl, &oc, &reason, secs, ended, e);
    sb_release(&reason);
    if (rc < 0) return -1;
    slot_done(s, sl);
    return 0;
}
