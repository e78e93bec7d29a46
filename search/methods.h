/* methods.h - the table of search methods. A method is one file with its
 * `struct searcher_ops` (searcher.h) and one line in methods.c's table; what
 * the sweep file's checks, the run loop, `sweep plan`, `sweep import` and
 * the report ask of a method (does it learn, does it run rungs, what does it
 * say of itself) is read from its line, never from its name. */
#ifndef SWEEP_METHODS_H
#define SWEEP_METHODS_H

#include "search/space.h" /* enum method */

struct sb;
struct searcher_ops;

enum method_flag {
    METHOD_LEARNS = 1,       /* learns from results (searcher_observe): needs a metric;
                                takes prior: and sweep import */
    METHOD_RUNGS = 2,        /* runs budget rungs: needs a budget and a metric */
    METHOD_BUDGET_RUNGS = 4, /* with a budget (optional) it runs rungs and proposes the
                                configurations itself (bayes: BOHB) */
    METHOD_EXHAUSTIVE = 8,   /* every point once, in order: no seed */
};

struct method_def {
    const char *name;                       /* as the sweep file says it */
    enum method id;                         /* METHOD_OTHER for one nothing else names */
    unsigned flags;
    enum method sampler;                    /* where its configurations come from (trials.h):
                                               METHOD_GRID, METHOD_RANDOM; METHOD_OTHER: its
                                               own (random draws where it asks trials.h) */
    const struct searcher_ops *ops;
    const struct searcher_ops *budget_ops;  /* with a budget (METHOD_BUDGET_RUNGS) */
    const char *with_budget;                /* its name with a budget: "bayes with a budget
                                               (BOHB)" */
    const char *budget_name;                /* and short: "BOHB" */
    const char *rungs_note;                 /* the report: how its rungs stop configurations */
    /* sweep plan: how it chooses its trials after the n0 start-up ones
     * (appended to out; NULL: nothing to say) */
    void (*describe)(const struct space *sp, long long n0, struct sb *out);
};

/* The method of that name, or NULL. */
const struct method_def *method_find(const char *name);
/* The sweep's method (its file was checked: never NULL). */
const struct method_def *method_of(const struct space *sp);
/* The searcher a sweep runs: ops, or budget_ops with a budget. */
const struct searcher_ops *method_ops(const struct space *sp);
/* The names of the methods with any of the flags (0: all), as a list for
 * people ("bayes and evolve", "grid, random, ... or hyperband"), to b; conj:
 * "and" or "or". */
void method_names(struct sb *b, unsigned flags, const char *conj);
/* The methods that take a budget: "halving, hyperband and bayes (BOHB)". */
void method_budget_names(struct sb *b);
/* The names for util_suggest (NULL-terminated, static). */
const char *const *method_name_list(void);

#endif
