/* learner.c - the searcher ops the model-based methods share (learner.h). */
#include "search/learner.h"
#include "search/pcg.h"
#include "search/rsearch.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/util.h"
#include "base/value.h"

#include <stdlib.h>
#include <string.h>

long long learner_startup(const struct space *sp)
{
    struct model_space m;
    model_space_init(&m, sp);
    long long d = (long long)m.nsearch, n;
    model_space_release(&m);
    if (sp->method == METHOD_EVOLVE) n = d < 4 ? 4 : d > 10 ? 10 : d;
    else n = d + 1 < 10 ? 10 : d + 1 > 25 ? 25 : d + 1;
    return n;
}

struct learner *learner_new(const struct space *sp, long long startup,
                            void (*suggest)(struct learner *l, long long id, double *z))
{
    struct learner *l = xcalloc(1, sizeof *l);
    l->sp = sp;
    model_space_init(&l->m, sp);
    history_init(&l->h, l->m.n);
    l->total = trials_total(sp);
    l->startup = startup;
    l->suggest = suggest;
    return l;
}

void learner_free(void *state)
{
    struct learner *l = state;
    for (size_t i = 0; i < l->nparams; i++) value_free(l->params[i]);
    free(l->params);
    history_release(&l->h);
    model_space_release(&l->m);
    free(l);
}

static void keep_params(struct learner *l, long long id, struct value *p)
{
    if (id < 0) { /* a prior sweep's trial: only its point counts */
        value_free(p);
        return;
    }
    l->params = xgrow_index(l->params, &l->nparams, (size_t)id, sizeof *l->params);
    value_free(l->params[id]);
    l->params[id] = p;
}

long long learner_total(const void *state)
{
    return ((const struct learner *)state)->total;
}

int learner_more(const void *state)
{
    const struct learner *l = state;
    return l->total < 0 || l->next < l->total;
}

/* A start-up draw: the random search's, each categorical parameter's value
 * (when it has no probabilities) taken in turn from a permutation of its
 * categories (a new one each round, from the seed): the first k draws
 * cover its k categories. */
struct value *learner_draw(const struct space *sp, long long id)
{
    if (sp->method != METHOD_EVOLVE || sp->sampler == METHOD_GRID)
        return trials_params(sp, (unsigned long long)id);
    struct value **leaf = xcalloc(sp->nparams ? sp->nparams : 1, sizeof *leaf);
    rsearch_point(sp, (uint64_t)id, leaf);
    for (size_t i = 0; i < sp->nparams; i++) {
        const struct param *p = &sp->params[i];
        size_t k = p->ndistinct;
        if (p->dist != DIST_CATEGORICAL || p->probs || k < 2) continue;
        uint64_t round = (uint64_t)id / k;
        struct pcg r;
        pcg_seed(&r, pcg_mix64(sp->seed ^ 0x636f766572ULL) ^ round, (uint64_t)i);
        size_t *perm = xcalloc(k, sizeof *perm);
        for (size_t j = 0; j < k; j++) perm[j] = j;
        for (size_t j = k - 1; j > 0; j--) { /* Fisher-Yates */
            size_t x = pcg_bounded(&r, (uint32_t)(j + 1)), tmp = perm[j];
            perm[j] = perm[x];
            perm[x] = tmp;
        }
        value_free(leaf[i]);
        leaf[i] = value_clone(p->distinct[perm[(uint64_t)id % k]]);
        free(perm);
    }
    struct value *map = trials_assemble(sp, leaf);
    free(leaf);
    return map;
}

int learner_ask(void *state, struct search_trial *t)
{
    struct learner *l = state;
    if (!learner_more(l)) return 0;
    long long id = l->next++;
    struct obs *o = history_get(&l->h, id);
    struct value *p;
    if ((long long)history_results(&l->h) < l->startup || !l->m.nsearch) {
        p = learner_draw(l->sp, id); /* the random search's draw id (evolve: categories covered) */
    } else {
        l->suggest(l, id, o->z);
        p = model_params(&l->m, o->z);
    }
    model_point(&l->m, p, o->z); /* as quantized */
    o->state = OBS_RUNNING;
    keep_params(l, id, p);
    *t = (struct search_trial){.id = id, .rung = -1, .parent = -1};
    return 1;
}

struct value *learner_params(void *state, long long id, struct value **budget)
{
    struct learner *l = state;
    *budget = NULL;
    if (id >= 0 && (size_t)id < l->nparams && l->params[id]) return value_clone(l->params[id]);
    return learner_draw(l->sp, id);
}

void learner_restore(void *state, long long id, int rung, long long parent, enum search_end end,
                     double value)
{
    struct learner *l = state;
    (void)rung, (void)parent, (void)end, (void)value;
    if (id + 1 > l->next) l->next = id + 1;
}

void learner_tell(void *state, long long id, enum search_end end, double value)
{
    (void)state, (void)id, (void)end, (void)value; /* observe tells it all */
}

int learner_decide(void *state, struct search_decision *d)
{
    (void)state, (void)d;
    return 0;
}

void learner_accept(void *state, const struct search_decision *d)
{
    (void)state, (void)d;
}

void learner_observe(void *state, const struct search_result *r)
{
    struct learner *l = state;
    model_observe(&l->m, &l->h, r);
    if (r->params) keep_params(l, r->id, value_clone(r->params));
    if (r->id >= l->next) l->next = r->id + 1;
}

void learner_rng(const struct learner *l, long long id, uint64_t salt, struct pcg *r)
{
    model_rng(l->sp, id, salt, r);
}
