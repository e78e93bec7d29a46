/* promote.c - the searcher's decisions in the loop: a trial that ended is
 * told to the searcher, and a rung it completes is recorded in one
 * transaction (the rung's winners get new trial rows at the next level,
 * which the queue launches; its losers become pruned). Nothing about a rung
 * is kept only in memory: a resumed sweep rebuilds the searcher from the
 * store and records the decisions that are due. */
#include "sweep/run/run_int.h"
#include "search/searcher.h"
#include "search/space.h"
#include "store/fronts.h"
#include "store/store.h"
#include "base/err.h"
#include "base/json.h"
#include "base/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Records one decision; 0 or -1 (rolled back). */
static int record(struct sched *s, const struct search_decision *d, const char *bn,
                  const char *bc, size_t *npromoted, size_t *npruned, struct err *e)
{
    if (store_begin(s->st, e)) return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < d->n; i++) {
        long long id = d->ids[i];
        if (d->next_id[i] >= 0) {
            struct sb pj;
            sb_init(&pj);
            value_json(&pj, d->next_params[i]);
            char *why = xasprintf("promoted to rung %d (budget %s) as trial %lld", d->level + 1,
                                  bn, d->next_id[i]);
            rc = store_trial_add_rung(s->st, d->next_id[i], pj.buf, d->level + 1, id, e) ||
                 store_trial_mark(s->st, id, TRIAL_COMPLETED, why, e) ||
                 store_event(s->st, id, "promoted", why, e);
            free(why);
            sb_release(&pj);
            (*npromoted)++;
        } else if (d->completed[i]) {
            struct sb why;
            sb_init(&why);
            sb_addf(&why, "not promoted at rung %d (budget %s): ", d->level, bc);
            if (isnan(d->values[i])) sb_add(&why, "it logged no value of the objective");
            else {
                sb_addf(&why, "%s ", s->sp->metric_name);
                util_fmt_num(&why, hist_value(&s->hist, d->values[i]));
                sb_addf(&why, " is not in the best %zu of %zu (threshold ", d->keep, d->n);
                util_fmt_num(&why, hist_value(&s->hist, d->threshold));
                sb_addc(&why, ')');
            }
            rc = store_trial_mark(s->st, id, TRIAL_PRUNED, why.buf, e) ||
                 store_event(s->st, id, "pruned", why.buf, e);
            sb_release(&why);
            (*npruned)++;
        }
    }
    return store_settle(s->st, rc, e);
}

int decide_rungs(struct sched *s, struct err *e)
{
    struct search_decision d;
    while (!s->stopping && searcher_decide(s->search, &d) == 1) {
        struct sb bn, bc;
        sb_init(&bn);
        sb_init(&bc);
        value_py_str(&bn, d.next_budget);
        value_py_str(&bc, d.budget);
        size_t made = 0, pruned = 0;
        int rc = record(s, &d, bn.buf, bc.buf, &made, &pruned, e);
        if (rc == 0) {
            searcher_accept(s->search, &d);
            s->counts[TRIAL_COMPLETED] -= (long long)pruned;
            s->counts[TRIAL_PRUNED] += (long long)pruned;
            for (size_t i = 0; i < d.n; i++)
                if (d.next_id[i] >= 0) queue_put(&s->queue, d.next_id[i], 0);
            if (d.nbrackets > 1)
                say(s, "bracket %d, rung %d (budget %s): %zu of %zu go on to budget %s",
                    d.bracket, d.level, bc.buf, made, d.n, bn.buf);
            else
                say(s, "rung %d (budget %s): %zu of %zu go on to budget %s", d.level, bc.buf,
                    made, d.n, bn.buf);
        }
        sb_release(&bn);
        sb_release(&bc);
        search_decision_release(&d);
        if (rc) return -1;
    }
    return 0;
}

void observe_trial(struct sched *s, const struct trial_row *t, int with_params)
{
    if (!searcher_learns(s->search)) return;
    static const enum search_how how[TRIAL_NSTATES] = {
        [TRIAL_PENDING] = HOW_RUNNING,  [TRIAL_RUNNING] = HOW_RUNNING,
        [TRIAL_COMPLETED] = HOW_COMPLETED, [TRIAL_FAILED] = HOW_FAILED,
        [TRIAL_PRUNED] = HOW_PRUNED,    [TRIAL_STOPPED] = HOW_STOPPED};
    struct value *params = with_params ? json_parse(t->params, strlen(t->params), NULL) : NULL;
    observe_result(s, s->st, t, t->id, how[t->state], params);
    value_free(params);
}

void observe_result(struct sched *s, struct store *st, const struct trial_row *t, long long id,
                    enum search_how how, const struct value *params)
{
    /* as metrics.summary says, smaller is better */
    double v = t->has_objective ? hist_loss(&s->hist, t->objective) : NAN, viol = 0;
    double *objs = NULL;
    if (s->sp->nobjs >= 2) { /* every objective, read by name from st's metrics */
        objs = xcalloc(s->sp->nobjs, sizeof *objs);
        trial_objectives(s, st, t->id, objs, &viol);
        v = objs[0];
    }
    struct search_result r = {.id = id, .how = how, .value = v, .step = t->last_step,
                              .params = params, .objs = objs, .viol = viol};
    searcher_observe(s->search, &r);
    free(objs);
}

void trial_objectives(struct sched *s, struct store *st, long long id, double *objs, double *viol)
{
    const struct space *sp = s->sp;
    struct err e = {0};
    *viol = 0;
    if (store_trial_objectives(st, sp, id, objs, viol, &e)) {
        warn(s, "trial %lld's objectives: %s", id, e.msg);
        for (size_t j = 0; j < sp->nobjs; j++) objs[j] = NAN;
        return;
    }
    for (size_t j = 0; j < sp->nobjs; j++)
        if (sp->obj_max[j]) objs[j] = -objs[j];
}

int trial_ended(struct sched *s, long long id, enum trial_state state, struct err *e)
{
    enum search_end end = state == TRIAL_COMPLETED ? SEARCH_COMPLETED : SEARCH_ENDED;
    searcher_tell(s->search, id, end, hist_last(&s->hist, id));
    struct trial_row t;
    if (searcher_learns(s->search) && store_get_trial(s->st, id, &t, NULL) == 1) {
        observe_trial(s, &t, 0);
        trial_row_release(&t);
    }
    return decide_rungs(s, e);
}
