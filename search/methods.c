/* methods.c - the table of search methods (methods.h): one line each. */
#include "search/methods.h"
#include "search/learner.h"
#include "search/searcher.h"
#include "search/tpe.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

extern const struct searcher_ops search_sampler_ops; /* searcher.c: grid, random */
extern const struct searcher_ops search_rungs_ops;   /* rungs.c: halving, hyperband */
extern const struct searcher_ops search_bohb_ops;    /* rungs.c: bayes with a budget */
extern const struct searcher_ops search_tpe_ops;     /* tpe.c */
extern const struct searcher_ops search_evolve_ops;  /* evolve.c */

/* In the order people read them. */
static const struct method_def methods[] = {
    {.name = "grid", .id = METHOD_GRID, .flags = METHOD_EXHAUSTIVE, .sampler = METHOD_GRID,
     .ops = &search_sampler_ops},
    {.name = "random", .id = METHOD_RANDOM, .sampler = METHOD_RANDOM, .ops = &search_sampler_ops},
    {.name = "bayes", .id = METHOD_BAYES, .flags = METHOD_LEARNS | METHOD_BUDGET_RUNGS,
     .ops = &search_tpe_ops, .budget_ops = &search_bohb_ops,
     .with_budget = "bayes with a budget (BOHB)", .budget_name = "BOHB",
     .rungs_note = "BOHB: hyperband brackets, halving at each rung", .describe = tpe_describe},
    {.name = "evolve", .id = METHOD_EVOLVE, .flags = METHOD_LEARNS, .ops = &search_evolve_ops,
     .describe = evolve_describe},
    {.name = "halving", .id = METHOD_HALVING, .flags = METHOD_RUNGS, .ops = &search_rungs_ops,
     .rungs_note = "successive halving at each rung"},
    {.name = "hyperband", .id = METHOD_HYPERBAND, .flags = METHOD_RUNGS, .ops = &search_rungs_ops,
     .rungs_note = "hyperband brackets, halving at each rung"},
};

const struct method_def *method_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(methods); i++)
        if (!strcmp(methods[i].name, name)) return &methods[i];
    return NULL;
}

const struct method_def *method_of(const struct space *sp)
{
    return sp->mdef ? sp->mdef : &methods[0];
}

const struct searcher_ops *method_ops(const struct space *sp)
{
    const struct method_def *m = method_of(sp);
    return sp->has_budget && m->budget_ops ? m->budget_ops : m->ops;
}

/* items joined for people: "a, b and c" */
static void join(struct sb *b, const char *const *items, size_t n, const char *conj)
{
    for (size_t k = 0; k < n; k++) {
        if (k) sb_add(b, k + 1 == n ? " " : ", ");
        if (k && k + 1 == n) sb_addf(b, "%s ", conj);
        sb_add(b, items[k]);
    }
}

void method_names(struct sb *b, unsigned flags, const char *conj)
{
    const char *items[ARRAY_LEN(methods)];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(methods); i++)
        if (!flags || (methods[i].flags & flags)) items[n++] = methods[i].name;
    join(b, items, n, conj);
}

void method_budget_names(struct sb *b)
{
    const char *items[ARRAY_LEN(methods)];
    char *made[ARRAY_LEN(methods)];
    size_t n = 0, nm = 0;
    for (size_t i = 0; i < ARRAY_LEN(methods); i++)
        if (methods[i].flags & METHOD_RUNGS) items[n++] = methods[i].name;
    for (size_t i = 0; i < ARRAY_LEN(methods); i++)
        if (methods[i].flags & METHOD_BUDGET_RUNGS)
            items[n++] = made[nm++] = xasprintf("%s (%s)", methods[i].name, methods[i].budget_name);
    join(b, items, n, "and");
    for (size_t i = 0; i < nm; i++) free(made[i]);
}

const char *const *method_name_list(void)
{
    static const char *names[ARRAY_LEN(methods) + 1];
    for (size_t i = 0; i < ARRAY_LEN(methods); i++) names[i] = methods[i].name;
    return names;
}

const char *space_method_name(enum method m)
{
    for (size_t i = 0; i < ARRAY_LEN(methods); i++)
        if (methods[i].id == m) return methods[i].name;
    return "?";
}
