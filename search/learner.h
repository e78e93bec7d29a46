/* learner.h - what the model-based methods (bayes: tpe.c, evolve: evolve.c)
 * share behind the searcher seam: every trial's parameters as suggested or
 * stored, the history of results (model.h), trial numbering, and the
 * random start-up. A method gives a suggestion function and how many
 * results it needs before it suggests; learner.c is the rest of its ops. */
#ifndef SWEEP_LEARNER_H
#define SWEEP_LEARNER_H

#include "search/model.h"
#include "search/searcher.h"

#include <stdint.h>

struct pcg;

struct learner {
    const struct space *sp;
    struct model_space m;
    struct history h;
    struct value **params;   /* by id: what each trial got */
    size_t nparams;
    long long next, total;
    long long startup;       /* results before the first suggestion (random until then) */
    /* The suggestion for trial id from the history: z[m.n]. */
    void (*suggest)(struct learner *l, long long id, double *z);
};

/* Trial id's parameters before any result: the random search's draw; for
 * evolve each categorical parameter (without probabilities) takes its
 * categories in turn, a new permutation of them (from the seed) each
 * round, so that the first population holds every category: one missing
 * there would never be bred. What sweep plan lists. A new map. */
struct value *learner_draw(const struct space *sp, long long id);

#define EVOLVE_PARENTS 5 /* evolve: parents are drawn from the best this many results */

/* Results a method needs before its first suggestion, for a space with d
 * searched parameters: bayes clamp(d + 1, 10, 25) (Optuna: 10), evolve
 * clamp(d, 4, 10); until then, trials are the random search's draws. */
long long learner_startup(const struct space *sp);

/* A learner for sp (freed with the searcher's free: learner_free). */
struct learner *learner_new(const struct space *sp, long long startup,
                            void (*suggest)(struct learner *l, long long id, double *z));
void learner_free(void *state);
long long learner_total(const void *state);
int learner_more(const void *state);
int learner_ask(void *state, struct search_trial *t);
struct value *learner_params(void *state, long long id, struct value **budget);
void learner_restore(void *state, long long id, int rung, long long parent, enum search_end end,
                     double value);
void learner_tell(void *state, long long id, enum search_end end, double value);
int learner_decide(void *state, struct search_decision *d);
void learner_accept(void *state, const struct search_decision *d);
void learner_observe(void *state, const struct search_result *r);

/* The ops table of a learning method: its name and init, the rest learner.c's. */
#define LEARNER_OPS(NAME, INIT)                                                                   \
    {                                                                                             \
        .name = NAME, .init = INIT, .free = learner_free, .total = learner_total,                 \
        .ask = learner_ask, .more = learner_more, .params = learner_params,                       \
        .restore = learner_restore, .tell = learner_tell, .decide = learner_decide,               \
        .accept = learner_accept, .observe = learner_observe,                                     \
    }

/* The PCG stream of trial id's suggestion: the same for the same seed, id
 * and salt (one per method). */
void learner_rng(const struct learner *l, long long id, uint64_t salt, struct pcg *r);

struct sb;
/* What sweep plan says of evolve (evolve.c; methods.h's describe). */
void evolve_describe(const struct space *sp, long long n0, struct sb *out);

#endif
