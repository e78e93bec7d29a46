/* stop.c - stopping trials: a decision recorded in the store first (so that
 * a resumed sweep honours it), then the signal through the executor, with
 * SIGKILL due after the grace (loop.c enforces it); the whole sweep stopped
 * (Ctrl-C, fail_fast): its running trials interrupted, pending again. */
#include "sweep/run/run_int.h"
#include "search/space.h"
#include "store/store.h"
#include "base/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void signal_stop(struct sched *s, struct slot *sl, enum trial_state state, const char *reason)
{
    free(sl->stop_reason);
    sl->stop_state = state;
    sl->stop_reason = xstrdup(reason);
    sl->kill_at = run_mono(s) + s->sp->stop_grace;
    char *why = xasprintf("%s: %s", store_state_name(state), reason);
    sl->job.stop_why = why;
    if (exec_stop(s->exec, sl->dir, &sl->job, SIGTERM) != 0 && errno != ESRCH)
        warn(s, "SIGTERM to trial %lld: %s", sl->id, strerror(errno));
    sl->job.stop_why = NULL;
    free(why);
}

void request_stop(struct sched *s, struct slot *sl, enum trial_state state, const char *reason,
                  const char *event)
{
    if (sl->stop_reason || sl->ended) return;
    /* decided first, then signalled: a sweep killed in between still
     * records the trial as decided (resume.c) */
    struct err e = {0};
    if (store_begin(s->st, &e) ||
        store_settle(s->st,
                     store_trial_decide(s->st, sl->id, state, reason, &e) ||
                         store_event(s->st, sl->id, event, reason, &e),
                     &e))
        warn(s, "trial %lld: the decision to stop it could not be recorded: %s", sl->id, e.msg);
    signal_stop(s, sl, state, reason);
}

void stop_sweep(struct sched *s, const char *why)
{
    s->stopping = 1;
    /* interrupted with the whole sweep, not stopped on purpose: pending
     * again when they end, and the next resume runs them (finish.c) */
    char reason[160];
    snprintf(reason, sizeof reason, "interrupted with the sweep (%s)", why);
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i].used)
            request_stop(s, &s->slots[i], TRIAL_PENDING, reason, "interrupt_decided");
    store_event(s->st, -1, "stop_requested", why, NULL);
}

