/* executor.c - which executor a sweep runs on (executor: in the sweep
 * file, executors.h's table, or the caller's), and what the loop keeps of
 * an executor's own names for its trials: their state in the store for
 * sweep status, what the executor cost. */
#include "sweep/run/run_int.h"
#include "search/space.h"
#include "store/layout.h"
#include "store/store.h"
#include "sweep/exec/executors.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int run_executor(struct sched *s, struct err *e)
{
    s->def = exec_def(s->sp->executor);
    if (!s->def) s->def = &exec_local_def; /* not from a checked file: a caller's space */
    if (s->o->exec) { /* the caller's (a test's fake) */
        s->exec = s->o->exec;
        return 0;
    }
    s->own_exec = 1;
    struct store_sweep sw;
    if (store_get_sweep(s->st, &sw, e)) return -1;
    struct exec_sweep w = {.sp = s->sp, .dir = s->o->dir, .cwd = s->o->cwd, .created = sw.created};
    store_sweep_release(&sw);
    char *root = NULL;
    s->exec = s->def->open(&w, &root, e);
    if (!s->exec) return -1;
    if (root) { /* the trial directories where the executor's machines see them */
        int rc = layout_set_trials_root(s->o->dir, root, e);
        free(root);
        if (rc) return -1;
    }
    return 0;
}

void run_executor_done(struct sched *s)
{
    struct sb d;
    sb_init(&d);
    const char *kind = s->exec && s->def && s->def->summary ? s->def->summary(s->exec, &d) : NULL;
    if (kind) store_event(s->st, -1, kind, sb_str(&d), NULL);
    sb_release(&d);
    if (s->exec && s->own_exec) exec_free(s->exec);
    s->exec = NULL;
}

void run_executor_poll(struct sched *s)
{
    struct err e = {0};
    int rc = exec_poll(s->exec, &e);
    if (rc < 0) {
        if (!s->exec_failing) warn(s, "%s (asking again)", e.msg);
        s->exec_failing = 1;
    } else if (rc == 0) { /* an answer, not just a turn without one */
        if (s->exec_failing) say(s, "%s answers again", s->def->title);
        s->exec_failing = 0;
    }
}

void run_exec_state(struct sched *s, struct slot *sl)
{
    if (!sl->job.ref[0] || !strcmp(sl->job.state, sl->exec_state)) return;
    snprintf(sl->exec_state, sizeof sl->exec_state, "%s", sl->job.state);
    store_trial_exec_state(s->st, sl->id, sl->exec_state, NULL);
    if (sl->job_waited && !sl->job.waiting) {
        /* it runs now: its time (timeout, stall, duration) starts here, not
         * at its submission */
        sl->start_mono = sl->last_out_mono = run_mono(s);
        store_trial_started(s->st, sl->id, run_now(s), NULL);
    }
    sl->job_waited = sl->job.waiting;
}

/* "42_0 (trial 0) to 42_99 (trial 99)": the first and last named */
static void say_refs(struct sched *s, size_t n, const struct slot *first, const struct slot *last)
{
    const char *w = s->def->ref_word ? s->def->ref_word : "ref";
    if (n == 1)
        say(s, "trial %lld %s (%s %s)", first->id, s->def->started, w, first->ref_stored);
    else
        say(s, "%zu trials %s: %s %s (trial %lld) to %s (trial %lld)", n, s->def->started, w,
            first->ref_stored, first->id, last->ref_stored, last->id);
}

void run_exec_refs(struct sched *s)
{
    size_t n = 0;
    struct slot *first = NULL, *last = NULL;
    struct err e = {0};
    int open = 0, rc = 0;
    for (size_t i = 0; i < s->nslots && !rc; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || !sl->job.ref[0] || !strcmp(sl->job.ref, sl->ref_stored)) continue;
        if (!open && (rc = store_begin(s->st, &e))) break;
        open = 1;
        char detail[64];
        snprintf(detail, sizeof detail, "%s %s", s->def->ref_word ? s->def->ref_word : "ref",
                 sl->job.ref);
        snprintf(sl->ref_stored, sizeof sl->ref_stored, "%s", sl->job.ref);
        rc = store_trial_set_ref(s->st, sl->id, sl->job.ref, sl->job.state, &e) ||
             store_event(s->st, sl->id, s->def->ref_event ? s->def->ref_event : "named", detail,
                         &e);
        if (!first || sl->id < first->id) first = sl;
        if (!last || sl->id > last->id) last = sl;
        n++;
    }
    if (open && store_settle(s->st, rc, &e)) rc = -1;
    if (rc) warn(s, "%s", e.msg); /* a resume finds the job by its name */
    else if (n) say_refs(s, n, first, last);
}

size_t run_in_flight(const struct space *sp)
{
    return sp->in_flight > sp->max_parallel ? (size_t)sp->in_flight : (size_t)sp->max_parallel;
}
