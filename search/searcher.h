/* searcher.h - the seam between a search method and the run loop: what to
 * run next given what has run.
 *
 * The loop asks for new trials (searcher_ask) whenever a slot is free, tells
 * the searcher how each trial ended (searcher_tell), and asks for the
 * decisions that are due (searcher_decide: a rung of halving or hyperband
 * whose trials have all ended). A decision is only a proposal: the loop
 * records it in the store in one transaction and then accepts it
 * (searcher_accept), or drops it if that failed; a searcher never does I/O.
 * After a crash the loop rebuilds the searcher from the store: every trial,
 * in id order, through searcher_restore, then the decisions that are due.
 *
 * Trial ids are the searcher's: grid point or random draw i is trial i;
 * halving and hyperband number rung-0 trials by configuration and promoted
 * ones after all configurations. A method is one file defining a
 * `struct searcher_ops` and one line in methods.c's table (methods.h).
 *
 * Values: "smaller is better" (the loop negates a maximized objective);
 * NaN for none. Ownership: values returned are new and the caller's. */
#ifndef SWEEP_SEARCHER_H
#define SWEEP_SEARCHER_H

#include <stddef.h>

struct err;
struct space;
struct value;
struct searcher;

/* How a trial ended, as far as a search method cares. */
enum search_end {
    SEARCH_RUNNING = -1,  /* not ended (restore: pending or running) */
    SEARCH_COMPLETED = 0, /* ended well; its value counts */
    SEARCH_ENDED = 1      /* failed, stopped or pruned: it never goes on */
};

/* A new trial to run. */
struct search_trial {
    long long id;
    int rung;             /* its rung level (halving, hyperband), -1 without rungs */
    long long parent;     /* the trial it continues (a promotion), -1 if none */
};

/* A rung decision: which trials of a finished rung go on. */
struct search_decision {
    int bracket, level;        /* the rung decided */
    int nbrackets;             /* of the plan (1: halving) */
    size_t n;                  /* trials in the rung */
    size_t keep;               /* how many go on */
    double threshold;          /* the worst value that goes on, NaN if none */
    long long *ids;            /* [n] the rung's trials */
    double *values;            /* [n] their values (NaN: none, or not completed) */
    int *completed;            /* [n] ended as SEARCH_COMPLETED */
    long long *next_id;        /* [n] the new trial's id where it goes on, else -1 */
    struct value **next_params; /* [n] the new trial's parameters, else NULL */
    struct value *budget;      /* of this rung */
    struct value *next_budget; /* of the next */
};
void search_decision_release(struct search_decision *d);

/* What a model-based method (bayes, evolve) learns of a trial: how it
 * stands or ended, its value of the objective as metrics.summary says
 * (smaller is better), the last step it logged, and its parameters. */
enum search_how { HOW_RUNNING, HOW_COMPLETED, HOW_PRUNED, HOW_FAILED, HOW_STOPPED };
struct search_result {
    long long id;                /* a trial of this sweep; < 0: an earlier sweep's (prior) */
    enum search_how how;
    double value;                /* NaN: none */
    long long step;              /* -1: none */
    const struct value *params;  /* NULL: the searcher's own (a trial it suggested) */
    /* several objectives (space nobjs >= 2): each one's value as
     * metrics.summary says, smaller is better (NaN: none); value is objs[0] */
    const double *objs;          /* NULL with one objective */
    double viol;                 /* constraints: 0 met, > 0 by how much (space_violation) */
};

struct searcher_ops {
    const char *name;
    void *(*init)(const struct space *sp, struct err *e); /* NULL: e says why */
    void (*free)(void *state);
    long long (*total)(const void *state);
    int (*ask)(void *state, struct search_trial *t);
    int (*more)(const void *state);
    struct value *(*params)(void *state, long long id, struct value **budget);
    void (*restore)(void *state, long long id, int rung, long long parent, enum search_end end,
                    double value);
    void (*tell)(void *state, long long id, enum search_end end, double value);
    int (*decide)(void *state, struct search_decision *d);
    void (*accept)(void *state, const struct search_decision *d);
    /* NULL for the methods that learn nothing from values (grid, random,
     * halving and hyperband decide on tell's values alone) */
    void (*observe)(void *state, const struct search_result *r);
};

/* The searcher of sp's method. NULL with e filled when the space cannot be
 * searched (a grid too large to count without run_cap). */
struct searcher *searcher_new(const struct space *sp, struct err *e);
void searcher_free(struct searcher *s); /* NULL is fine */

/* Trials in all, if every rung promotes its share; -1 unbounded. */
long long searcher_total(const struct searcher *s);
/* 1: *t is the next new trial; 0: none now. */
int searcher_ask(struct searcher *s, struct search_trial *t);
/* 1 while searcher_ask may still give new trials (now or later). */
int searcher_more(const struct searcher *s);
/* A known trial's parameters (a new map); *budget gets its budget (halving,
 * hyperband) or NULL. */
struct value *searcher_params(struct searcher *s, long long id, struct value **budget);
/* Resume: a trial the store holds, in id order. */
void searcher_restore(struct searcher *s, long long id, int rung, long long parent,
                      enum search_end end, double value);
/* A trial ended (value: its last value of the objective, NaN if none). */
void searcher_tell(struct searcher *s, long long id, enum search_end end, double value);
/* 1 and *d filled (release it) when a decision is due; 0 when none. */
int searcher_decide(struct searcher *s, struct search_decision *d);
/* The loop recorded d: the searcher takes it as made (its promoted trials
 * exist from now on). */
void searcher_accept(struct searcher *s, const struct search_decision *d);
/* What a model learns (bayes, evolve): told after searcher_tell when a
 * trial ends, after searcher_restore for every stored trial on resume (with
 * its stored parameters), and for each result of a prior sweep (id < 0)
 * before the first ask. A no-op for the other methods. */
void searcher_observe(struct searcher *s, const struct search_result *r);
/* 1 when the method learns from results (searcher_observe matters). */
int searcher_learns(const struct searcher *s);

#endif
