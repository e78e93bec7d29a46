/* searcher.c - the dispatch of the searcher seam (searcher.h) to the method
 * the sweep file names (methods.c's table). Also the plain samplers, grid and random, whose trial
 * i is grid point or random draw i (trials.h). */
#include "search/searcher.h"
#include "search/methods.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"

#include <stdlib.h>

struct sampler {
    const struct space *sp;
    long long total; /* -1: unbounded */
    long long next;  /* the next new trial */
};

static void *sampler_init(const struct space *sp, struct err *e)
{
    (void)e;
    struct sampler *s = xcalloc(1, sizeof *s);
    s->sp = sp;
    s->total = trials_total(sp);
    return s;
}

static void sampler_free(void *state)
{
    free(state);
}

static long long sampler_total(const void *state)
{
    return ((const struct sampler *)state)->total;
}

static int sampler_more(const void *state)
{
    const struct sampler *s = state;
    return s->total < 0 || s->next < s->total;
}

static int sampler_ask(void *state, struct search_trial *t)
{
    struct sampler *s = state;
    if (!sampler_more(s)) return 0;
    *t = (struct search_trial){.id = s->next++, .rung = -1, .parent = -1};
    return 1;
}

static struct value *sampler_params(void *state, long long id, struct value **budget)
{
    const struct sampler *s = state;
    *budget = NULL;
    return trials_params(s->sp, (unsigned long long)id);
}

static void sampler_restore(void *state, long long id, int rung, long long parent,
                            enum search_end end, double value)
{
    struct sampler *s = state;
    (void)rung, (void)parent, (void)end, (void)value;
    if (id + 1 > s->next) s->next = id + 1;
}

static void sampler_tell(void *state, long long id, enum search_end end, double value)
{
    (void)state, (void)id, (void)end, (void)value;
}

static int sampler_decide(void *state, struct search_decision *d)
{
    (void)state, (void)d;
    return 0;
}

static void sampler_accept(void *state, const struct search_decision *d)
{
    (void)state, (void)d;
}

const struct searcher_ops search_sampler_ops = {
    .name = "sampler",
    .init = sampler_init,
    .free = sampler_free,
    .total = sampler_total,
    .ask = sampler_ask,
    .more = sampler_more,
    .params = sampler_params,
    .restore = sampler_restore,
    .tell = sampler_tell,
    .decide = sampler_decide,
    .accept = sampler_accept,
};

struct searcher {
    const struct searcher_ops *ops;
    void *state;
};

struct searcher *searcher_new(const struct space *sp, struct err *e)
{
    const struct searcher_ops *ops = method_ops(sp);
    if (trials_configs(sp) == -2) { /* every method draws from the sampler */
        err_usage(e, "the grid has more than 2^63 points; set run_cap");
        return NULL;
    }
    void *state = ops->init(sp, e);
    if (!state) return NULL;
    struct searcher *s = xmalloc(sizeof *s);
    *s = (struct searcher){.ops = ops, .state = state};
    return s;
}

void searcher_free(struct searcher *s)
{
    if (!s) return;
    s->ops->free(s->state);
    free(s);
}

long long searcher_total(const struct searcher *s)
{
    return s->ops->total(s->state);
}

int searcher_ask(struct searcher *s, struct search_trial *t)
{
    return s->ops->ask(s->state, t);
}

int searcher_more(const struct searcher *s)
{
    return s->ops->more(s->state);
}

struct value *searcher_params(struct searcher *s, long long id, struct value **budget)
{
    return s->ops->params(s->state, id, budget);
}

void searcher_restore(struct searcher *s, long long id, int rung, long long parent,
                      enum search_end end, double value)
{
    s->ops->restore(s->state, id, rung, parent, end, value);
}

void searcher_tell(struct searcher *s, long long id, enum search_end end, double value)
{
    s->ops->tell(s->state, id, end, value);
}

int searcher_decide(struct searcher *s, struct search_decision *d)
{
    return s->ops->decide(s->state, d);
}

void searcher_accept(struct searcher *s, const struct search_decision *d)
{
    s->ops->accept(s->state, d);
}

void searcher_observe(struct searcher *s, const struct search_result *r)
{
    if (s->ops->observe) s->ops->observe(s->state, r);
}

int searcher_learns(const struct searcher *s)
{
    return s->ops->observe != NULL;
}

void search_decision_release(struct search_decision *d)
{
    for (size_t i = 0; d->next_params && i < d->n; i++) value_free(d->next_params[i]);
    free(d->ids);
    free(d->values);
    free(d->completed);
    free(d->next_id);
    free(d->next_params);
    value_free(d->budget);
    value_free(d->next_budget);
    *d = (struct search_decision){0};
}
