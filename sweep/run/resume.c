/* resume.c - rebuilding the loop's state from the store when `sweep run`
 * finds a sweep in its directory: the searcher learns every trial (in id
 * order), pending trials are queued first, and each running one is adopted
 * again (still running: followed; ended while no sweep was there: its end
 * recorded; gone: run again under the same number). Rungs that ended while
 * no sweep was there are decided. */
#include "sweep/run/run_int.h"
#include "search/searcher.h"
#include "search/space.h"
#include "search/stop_rules.h"
#include "store/layout.h"
#include "store/store.h"
#include "sweep/ingest/metrics.h"
#include "base/value.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char stop_why[] = RUN_STOP_REASON;

struct resume_ctx {
    struct sched *s;
    struct err *e;
    int rc;
};

static int restore_cb(const struct trial_row *t, void *ctx)
{
    struct sched *s = ctx;
    enum search_end end = t->state == TRIAL_PENDING || t->state == TRIAL_RUNNING ? SEARCH_RUNNING
                          : t->state == TRIAL_COMPLETED                           ? SEARCH_COMPLETED
                                                                                  : SEARCH_ENDED;
    searcher_restore(s->search, t->id, t->rung, t->parent, end, hist_last(&s->hist, t->id));
    observe_trial(s, t, 1); /* a model learns every stored result, with its parameters */
    return 0;
}

static int resume_pending(const struct trial_row *t, void *ctx)
{
    struct resume_ctx *rc = ctx;
    queue_put(&rc->s->queue, t->id, 0);
    if (rc->s->g.on && t->attempts > 0 && t->mem_est > 0) gpu_learn_more(rc->s, t->id, t->mem_est);
    return 0;
}

/* GPU packing: what completed trials used corrects the estimates again. */
static int resume_learn(const struct trial_row *t, void *ctx)
{
    struct sched *s = ctx;
    if (t->mem_peak <= 0) return 0;
    char *kind = trial_kind(s, t->id);
    gpu_learn_peak(s, kind, t->mem_peak, t->state == TRIAL_COMPLETED);
    free(kind);
    return 0;
}

static struct slot *grow_slot(struct sched *s)
{
    struct slot *sl = free_slot(s);
    if (sl) return sl;
    /* more were running than there are slots now: grow */
    s->slots = xrealloc(s->slots, (s->nslots + 1) * sizeof *s->slots);
    slot_init(&s->slots[s->nslots]);
    return &s->slots[s->nslots++];
}

/* What was decided for a running trial before the sweep died: the decision
 * recorded with it (pruned, stopped, a timeout), or a `sweep stop` made while
 * no sweep ran. Returns the state (-1 none); *why gets the reason. */
static int decided(struct sched *s, const struct trial_row *t, const char **why)
{
    int interrupted = t->stop_state == TRIAL_PENDING; /* with the whole sweep: runs again */
    if (t->stop_state >= 0 && t->stop_reason && !interrupted) {
        *why = t->stop_reason;
        return t->stop_state;
    }
    if (layout_stop_requested(s->o->dir, t->id)) { /* sweep stop while no sweep ran */
        *why = stop_why;
        return TRIAL_STOPPED;
    }
    if (interrupted && t->stop_reason) {
        *why = t->stop_reason;
        return TRIAL_PENDING;
    }
    *why = NULL;
    return -1;
}

/* A trial the executor found still running, or ended while no sweep was
 * there; state/why: what was decided for it (-1 nothing). */
static void adopt(struct sched *s, struct slot *sl, const struct trial_row *t, int alive,
                  int state, const char *why)
{
    int gi = s->g.on ? gpu_index(s, t->gpu) : -1;
    if (gi < 0) cpus_adopt(s, sl, t->cpus); /* on a GPU: taken with its GPU's hold */
    else if (t->cpus) {
        struct cpuset set;
        if (s->c.on && cpuset_parse(t->cpus, &set) == 0) cpus_take(s, sl, &set);
    }
    if (gi >= 0) {
        gpu_take(s, sl, gi, t->mem_est);
        sl->kind = trial_kind(s, t->id);
        if (t->mem_peak > 0) slot_peak(s, sl, t->mem_peak);
    }
    s->running++;
    s->counts[TRIAL_RUNNING]++;
    if (!alive) {
        sl->ended = 1; /* it ended while no sweep was there: record it */
        say(s, "trial %lld ended while no sweep was running: recording how", t->id);
        if (state >= 0) {
            sl->stop_state = (enum trial_state)state;
            sl->stop_reason = xstrdup(why);
        }
        return;
    }
    s->active++;
    /* ASHA: the rungs it had reached were judged by the earlier sweep */
    if (s->early && s->sp->et_type == ET_ASHA && hist_count(&s->hist, t->id))
        sl->asha_rung = stopping_asha_rung(hist_count(&s->hist, t->id), s->sp->et_min_iter,
                                           s->sp->et_max_iter, s->sp->et_eta);
    watch_slot(s, sl);
    if (sl->job.ref[0])
        say(s, "trial %lld is still in %s (%s %s%s%s): following it again", t->id, s->def->title,
            s->def->ref_word ? s->def->ref_word : "ref", sl->job.ref, sl->job.state[0] ? ", " : "",
            sl->job.state);
    else
        say(s, "trial %lld is still running (pid %ld): following it again", t->id,
            (long)sl->job.pid);
    store_event(s->st, t->id, "adopted", NULL, NULL);
    if (state >= 0 && t->stop_state >= 0) signal_stop(s, sl, (enum trial_state)state, why);
    else if (state >= 0) request_stop(s, sl, (enum trial_state)state, why, "stop_decided");
}

static int resume_running(const struct trial_row *t, void *ctx)
{
    struct resume_ctx *rc = ctx;
    struct sched *s = rc->s;
    struct slot *sl = grow_slot(s);
    struct value *budget;
    struct value *params = searcher_params(s->search, t->id, &budget);
    int r = slot_setup(s, sl, t->id, params, rc->e);
    value_free(params);
    value_free(budget);
    if (r) {
        rc->rc = -1;
        return 1;
    }
    sl->attempt = t->attempts;
    sl->tp.offset = t->log_offset;
    metrics_prime(sl->mp, sl->mfile, sl->tp.offset); /* csv: its header row; consoles: headers */
    store_last_steps(s->st, t->id, init_steps_cb, sl->mp, NULL);
    struct exec_record rec = {.trial_dir = sl->dir, .trial = t->id, .pid = (pid_t)t->pid,
                              .pid_start = t->pid_start, .ref = t->exec_ref};
    enum exec_found f = exec_adopt(s->exec, &rec, &sl->job);
    int moved = sl->job.ref[0] ? !t->exec_ref || strcmp(sl->job.ref, t->exec_ref)
                               : sl->job.pid != (pid_t)t->pid || sl->job.pid_start != t->pid_start;
    if (f != EXEC_GONE && moved &&
        (sl->job.ref[0]
             ? store_trial_set_ref(s->st, t->id, sl->job.ref, sl->job.state, rc->e) ||
                   store_event(s->st, t->id, s->def->started,
                               "its job, found again by its name after a crash", rc->e)
             : store_trial_set_pid(s->st, t->id, sl->job.pid, sl->job.pid_start, rc->e))) {
        rc->rc = -1;
        slot_release(sl);
        return 1;
    }
    if (t->exec_state) snprintf(sl->exec_state, sizeof sl->exec_state, "%s", t->exec_state);
    snprintf(sl->ref_stored, sizeof sl->ref_stored, "%s", sl->job.ref);
    sl->job_waited = sl->job.waiting;
    const char *why;
    int state = decided(s, t, &why);
    if (f != EXEC_GONE) {
        adopt(s, sl, t, f == EXEC_ALIVE, state, why);
        return 0;
    }
    /* gone: its supervisor is dead; what its trainer started may not be */
    exec_stop(s->exec, sl->dir, &(struct exec_job){.fd = -1}, SIGKILL);
    slot_release(sl);
    /* gone, but decided: it ends as decided, it does not run again (one
     * interrupted with the whole sweep runs again: below) */
    if (state >= 0 && state != TRIAL_PENDING) {
        layout_stop_done(s->o->dir, t->id);
        s->counts[state]++;
        if (store_trial_end(s->st, t->id, (enum trial_state)state, why, 0, 0, 0, run_now(s),
                            rc->e) ||
            store_event(s->st, t->id, store_state_name((enum trial_state)state), why, rc->e)) {
            rc->rc = -1;
            return 1;
        }
        say(s, "trial %lld ended with an earlier sweep process: %s as decided (%s)", t->id,
            store_state_name((enum trial_state)state), why);
        return trial_ended(s, t->id, (enum trial_state)state, rc->e) ? (rc->rc = -1, 1) : 0;
    }
    /* died with the previous sweep (or the machine): run it again */
    if (store_trial_requeue(s->st, t->id, "requeued: it died with an earlier sweep process",
                            rc->e)) {
        rc->rc = -1;
        return 1;
    }
    char *tdir = layout_trial_dir(s->o->dir, t->id), *log = layout_log(tdir);
    layout_rotate_log(log, t->attempts);
    free(log);
    free(tdir);
    queue_put(&s->queue, t->id, 0);
    say(s, "trial %lld died with an earlier sweep process: queued again", t->id);
    return 0;
}

int resume(struct sched *s, struct err *e)
{
    long long counts[TRIAL_NSTATES];
    if (store_counts(s->st, counts, e)) return -1;
    for (int i = 0; i < TRIAL_NSTATES; i++)
        if (i != TRIAL_RUNNING && i != TRIAL_PENDING) s->counts[i] = counts[i];
    long long max = store_max_trial(s->st, e);
    if (max < -1) return -1;
    /* said first: the lines on each trial that was running follow it */
    if (max >= 0)
        say(s, "resuming: %lld trials done, %lld were running, %lld pending",
            counts[TRIAL_COMPLETED] + counts[TRIAL_FAILED] + counts[TRIAL_STOPPED] +
                counts[TRIAL_PRUNED],
            counts[TRIAL_RUNNING], counts[TRIAL_PENDING]);
    if (max >= 0 && store_each_trial(s->st, ORDER_ID, -1, 0, restore_cb, s, e)) return -1;
    struct resume_ctx rc = {.s = s, .e = e};
    if (s->g.on && store_each_trial(s->st, ORDER_ID, -1, 0, resume_learn, s, e)) return -1;
    if (store_each_trial(s->st, ORDER_ID, TRIAL_PENDING, 0, resume_pending, &rc, e)) return -1;
    if (counts[TRIAL_RUNNING] && exec_prepare_adopt(s->exec, e)) return -1;
    if (store_each_trial(s->st, ORDER_ID, TRIAL_RUNNING, 0, resume_running, &rc, e) || rc.rc)
        return -1;
    /* rungs that ended while no sweep was there (or just before it died) */
    return decide_rungs(s, e);
}
