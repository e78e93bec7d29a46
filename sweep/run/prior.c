/* prior.c - warm starts: bayes and evolve learn the results of earlier
 * sweeps (prior: [DIR...]) before their first suggestion. Each earlier
 * sweep's store is read, never written; its trials are told to the
 * searcher as prior results (ids from -1 down), with their parameters and
 * their objective as that sweep's metrics.summary gave it. A prior that is
 * not there, or that optimised another objective, is said and left out. */
#include "sweep/run/run_int.h"
#include "search/searcher.h"
#include "search/space.h"
#include "store/store.h"
#include "store/stored.h"
#include "base/err.h"
#include "base/json.h"
#include "base/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct prior_ctx {
    struct sched *s;
    struct store *st;   /* the prior's */
    long long next;   /* the next prior id: -1, -2, ... */
    long long n;
};

static int prior_trial(const struct trial_row *t, void *ctx)
{
    struct prior_ctx *c = ctx;
    static const enum search_how how[TRIAL_NSTATES] = {
        [TRIAL_PENDING] = HOW_STOPPED, [TRIAL_RUNNING] = HOW_STOPPED,
        [TRIAL_COMPLETED] = HOW_COMPLETED, [TRIAL_FAILED] = HOW_FAILED,
        [TRIAL_PRUNED] = HOW_PRUNED, [TRIAL_STOPPED] = HOW_STOPPED};
    if (how[t->state] == HOW_STOPPED) return 0; /* no result: nothing to learn */
    struct value *params = json_parse(t->params, strlen(t->params), NULL);
    if (!params) return 0;
    /* this sweep's objectives, read from the prior's metrics */
    observe_result(c->s, c->st, t, c->next--, how[t->state], params);
    value_free(params);
    c->n++;
    return 0;
}

int load_priors(struct sched *s, struct err *e)
{
    (void)e; /* a prior's trouble is said, not the sweep's failure */
    const struct space *sp = s->sp;
    if (!sp->npriors || !searcher_learns(s->search)) return 0;
    struct prior_ctx c = {.s = s, .next = -1};
    for (size_t i = 0; i < sp->npriors; i++) {
        const char *p = sp->priors[i];
        struct err pe = {0};
        struct store_sweep w;
        struct store *st = store_open_prior(sp, i, &w, &pe);
        long long before = c.n;
        c.st = st;
        if (!st) {
            warn(s, "prior %s: %s; left out", p, pe.msg);
            continue;
        }
        if (store_each_trial(st, ORDER_ID, -1, 0, prior_trial, &c, &pe))
            warn(s, "prior %s: %s", p, pe.msg);
        say(s, "prior %s: %lld result%s learnt", p, c.n - before, c.n - before == 1 ? "" : "s");
        store_sweep_release(&w);
        store_close(st);
    }
    return 0;
}
