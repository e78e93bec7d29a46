/* rungs.c - method halving and hyperband behind the searcher seam
 * (searcher.h): configurations start at their bracket's first level, and
 * when every trial of a rung has ended, the best 1/eta of it go on to the
 * next level as new trials (halving.h has the plan and the selection).
 *
 * What it knows of a trial: its configuration (the rung-0 trial it descends
 * from), its level, the trial it was promoted from, and how it ended. A rung
 * is decided once: after the decision is accepted, or when trials of the
 * next level exist (a resumed sweep). */
#include "search/bohb.h"
#include "search/halving.h"
#include "search/searcher.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/util.h"
#include "base/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct rt {
    int known;
    long long config;
    int level;
    long long parent;
    enum search_end end;
    double value;
};

struct rungs {
    const struct space *sp;
    struct hb_plan plan;
    struct rt *t;           /* by trial id */
    size_t nt;
    long long next;         /* the next configuration to start */
    long long next_promo;   /* the id the next promoted trial gets */
    unsigned char decided[HB_MAX_LEVELS][HB_MAX_LEVELS]; /* [bracket][level] */
    struct bohb *model;     /* bayes with a budget: where configurations come from; NULL:
                               the sampler's trial c (halving, hyperband) */
};

static struct rt *rt_get(struct rungs *r, long long id)
{
    if ((size_t)id >= r->nt) {
        size_t n = (size_t)id + 256;
        r->t = xrealloc(r->t, n * sizeof *r->t);
        memset(r->t + r->nt, 0, (n - r->nt) * sizeof *r->t);
        r->nt = n;
    }
    return &r->t[id];
}

static void rt_set(struct rungs *r, long long id, long long config, int level, long long parent)
{
    *rt_get(r, id) = (struct rt){.known = 1, .config = config, .level = level, .parent = parent,
                                 .end = SEARCH_RUNNING, .value = NAN};
}

static void *rungs_init(const struct space *sp, struct err *e)
{
    (void)e;
    struct rungs *r = xcalloc(1, sizeof *r);
    r->sp = sp;
    hb_plan(sp, trials_configs(sp), &r->plan);
    r->next_promo = r->plan.nconfigs;
    if (sp->method == METHOD_BAYES) r->model = bohb_new(sp, r->plan.nlevels);
    return r;
}

static void rungs_free(void *state)
{
    struct rungs *r = state;
    if (!r) return;
    bohb_free(r->model);
    free(r->t);
    free(r);
}

static long long rungs_total(const void *state)
{
    return ((const struct rungs *)state)->plan.total;
}

static int rungs_more(const void *state)
{
    const struct rungs *r = state;
    return r->next < r->plan.nconfigs;
}

static int rungs_ask(void *state, struct search_trial *t)
{
    struct rungs *r = state;
    if (!rungs_more(r)) return 0;
    long long id = r->next++;
    int level = r->plan.b[hb_bracket_of(&r->plan, id)].start;
    rt_set(r, id, id, level, -1);
    if (r->model) { /* BOHB: the configuration is proposed now, from every result so far */
        bohb_propose(r->model, id);
        bohb_trial(r->model, id, id, level, OBS_RUNNING, NAN, -1);
    }
    *t = (struct search_trial){.id = id, .rung = level, .parent = -1};
    return 1;
}

/* Configuration c's parameters at a level: the model's when it proposed
 * them, else the sampler's trial c. */
static struct value *config_params(struct rungs *r, long long c, int level, struct value **budget)
{
    const struct value *p = r->model ? bohb_config(r->model, c) : NULL;
    if (p) return hb_set_budget(r->sp, &r->plan, value_clone(p), level, budget);
    return hb_params(r->sp, &r->plan, c, level, budget);
}

static struct value *rungs_params(void *state, long long id, struct value **budget)
{
    struct rungs *r = state;
    const struct rt *h = rt_get(r, id);
    return config_params(r, h->config, h->level, budget);
}

static void rungs_restore(void *state, long long id, int rung, long long parent,
                          enum search_end end, double value)
{
    struct rungs *r = state;
    long long config = id;
    if (parent >= 0 && (size_t)parent < r->nt && r->t[parent].known) config = r->t[parent].config;
    rt_set(r, id, config, rung >= 0 ? rung : 0, parent);
    r->t[id].end = end;
    r->t[id].value = value;
    if (parent < 0 && id + 1 > r->next) r->next = id + 1;
    if (id + 1 > r->next_promo) r->next_promo = id + 1;
}

static void rungs_tell(void *state, long long id, enum search_end end, double value)
{
    struct rungs *r = state;
    struct rt *h = rt_get(r, id);
    if (!h->known) return;
    h->end = end;
    h->value = value;
}

/* The trials of a rung, if it is due: every configuration of its bracket
 * started, every trial of it ended, none of the next level yet. */
static size_t rung_due(struct rungs *r, int bi, int level, long long **ids)
{
    const struct hb_bracket *b = &r->plan.b[bi];
    *ids = NULL;
    if (level >= r->plan.nlevels - 1 || r->decided[bi][level]) return 0;
    if (level == b->start && r->next < b->first + b->n) return 0; /* not all started */
    size_t n = 0;
    for (size_t id = 0; id < r->nt; id++) {
        const struct rt *h = &r->t[id];
        if (!h->known || hb_bracket_of(&r->plan, h->config) != bi) continue;
        if (h->level == level + 1 || (h->level == level && h->end == SEARCH_RUNNING)) {
            if (h->level == level + 1) r->decided[bi][level] = 1; /* decided earlier */
            free(*ids);
            *ids = NULL;
            return 0;
        }
        if (h->level != level) continue;
        *ids = xrealloc(*ids, (n + 1) * sizeof **ids);
        (*ids)[n++] = (long long)id;
    }
    return n;
}

static int rungs_decide(void *state, struct search_decision *d)
{
    struct rungs *r = state;
    for (int bi = 0; bi < r->plan.nbrackets; bi++)
        for (int level = r->plan.b[bi].start; level < r->plan.nlevels - 1; level++) {
            long long *ids;
            size_t n = rung_due(r, bi, level, &ids);
            if (!n) continue;
            *d = (struct search_decision){
                .bracket = bi, .level = level, .nbrackets = r->plan.nbrackets, .n = n, .ids = ids,
                .values = xmalloc(n * sizeof *d->values),
                .completed = xmalloc(n * sizeof *d->completed),
                .next_id = xmalloc(n * sizeof *d->next_id),
                .next_params = xcalloc(n, sizeof *d->next_params)};
            for (size_t i = 0; i < n; i++) {
                const struct rt *h = &r->t[ids[i]];
                d->completed[i] = h->end == SEARCH_COMPLETED;
                d->values[i] = d->completed[i] ? h->value : NAN;
            }
            int *go = xmalloc(n * sizeof *go);
            d->keep = (size_t)hb_keep((long long)n, r->sp->budget_eta);
            d->threshold = hb_select(d->values, n, d->keep, go);
            long long next = r->next_promo;
            for (size_t i = 0; i < n; i++) {
                d->next_id[i] = go[i] ? next++ : -1;
                if (go[i]) {
                    struct value *b;
                    d->next_params[i] = config_params(r, r->t[ids[i]].config, level + 1, &b);
                    value_free(b);
                }
            }
            free(go);
            d->budget = hb_budget(r->sp, &r->plan, level);
            d->next_budget = hb_budget(r->sp, &r->plan, level + 1);
            return 1;
        }
    return 0;
}

static void rungs_accept(void *state, const struct search_decision *d)
{
    struct rungs *r = state;
    r->decided[d->bracket][d->level] = 1;
    for (size_t i = 0; i < d->n; i++) {
        if (d->next_id[i] < 0) {
            if (d->completed[i]) r->t[d->ids[i]].end = SEARCH_ENDED; /* pruned */
            continue;
        }
        long long config = r->t[d->ids[i]].config;
        rt_set(r, d->next_id[i], config, d->level + 1, d->ids[i]);
        if (r->model) bohb_trial(r->model, d->next_id[i], config, d->level + 1, OBS_RUNNING, NAN, -1);
        if (d->next_id[i] + 1 > r->next_promo) r->next_promo = d->next_id[i] + 1;
    }
}

/* BOHB: the model learns each trial at its level, with the value
 * metrics.summary gives (smaller is better), and on resume the parameters
 * of each stored configuration. */
static void rungs_observe(void *state, const struct search_result *res)
{
    struct rungs *r = state;
    if (!r->model || res->id < 0 || (size_t)res->id >= r->nt || !r->t[res->id].known) return;
    const struct rt *h = &r->t[res->id];
    if (res->params && h->config == res->id) bohb_set_config(r->model, h->config, res->params);
    static const enum obs_state st[] = {[HOW_RUNNING] = OBS_RUNNING, [HOW_COMPLETED] = OBS_DONE,
                                        [HOW_PRUNED] = OBS_PRUNED, [HOW_FAILED] = OBS_FAILED,
                                        [HOW_STOPPED] = OBS_STOPPED};
    bohb_trial(r->model, res->id, h->config, h->level, st[res->how], res->value, res->step);
}

/* halving and hyperband; with the model (observe), bayes with a budget */
#define RUNGS_OPS(NAME, OBSERVE)                                                                  \
    {                                                                                             \
        .name = NAME, .init = rungs_init, .free = rungs_free, .total = rungs_total,               \
        .ask = rungs_ask, .more = rungs_more, .params = rungs_params, .restore = rungs_restore,    \
        .tell = rungs_tell, .decide = rungs_decide, .accept = rungs_accept, .observe = OBSERVE,   \
    }
const struct searcher_ops search_rungs_ops = RUNGS_OPS("rungs", NULL);
const struct searcher_ops search_bohb_ops = RUNGS_OPS("bohb", rungs_observe);
