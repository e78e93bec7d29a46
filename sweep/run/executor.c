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
