/* halving.h - successive halving and hyperband over whole trials: the plan
 * of budget levels and brackets, and which configurations of a finished
 * rung go on (docs/config.md, "Successive halving and Hyperband").
 *
 * Budget levels: level j gets min * eta^j for j < K, and level K gets max,
 * K = floor(log_eta(max / min)) (at least 1). A bracket starts its
 * configurations at some level and keeps the best floor(n / eta) (at least
 * 1) of each rung for the next level, up to K. Method halving is one
 * bracket starting at level 0; hyperband runs brackets s = K..0, bracket s
 * starting at level K - s with ceil((K + 1) / (s + 1) * eta^s)
 * configurations (Li et al., "Hyperband", JMLR 2018), scaled so that all
 * brackets together start about run_cap configurations when it is given.
 * Configuration c is the sampler's trial c (grid point or random draw c);
 * brackets take consecutive ranges of configurations. */
#ifndef SWEEP_HALVING_H
#define SWEEP_HALVING_H

#include <stddef.h>

struct space;
struct value;

#define HB_MAX_LEVELS 40

struct hb_bracket {
    int start;            /* the level its configurations start at */
    long long n;          /* configurations it starts */
    long long first;      /* the first configuration's index */
};

struct hb_plan {
    int nlevels;                         /* K + 1 */
    double level[HB_MAX_LEVELS];         /* the budget of each level */
    int nbrackets;
    struct hb_bracket b[HB_MAX_LEVELS];
    long long nconfigs;                  /* configurations, all brackets */
    long long total;                     /* trials, if every rung promotes its share */
};

/* The plan for a halving or hyperband space; nconfigs: how many
 * configurations the sampler has (grid size, or run_cap; -1 unbounded). */
void hb_plan(const struct space *sp, long long nconfigs, struct hb_plan *p);
/* The budget of a level, as a value (an integer when min and max are). */
struct value *hb_budget(const struct space *sp, const struct hb_plan *p, int level);
/* Configuration c's parameters at a level: the sampler's trial c with the
 * budget parameter (if any) set; *budget gets the budget. */
struct value *hb_params(const struct space *sp, const struct hb_plan *p, long long c, int level,
                        struct value **budget);
/* params (a configuration's, taken) with the budget parameter (if any) set
 * to the level's budget; *budget gets the budget. */
struct value *hb_set_budget(const struct space *sp, const struct hb_plan *p, struct value *params,
                            int level, struct value **budget);
/* How many of n go on: floor(n / eta), at least 1. */
long long hb_keep(long long n, double eta);
/* The bracket that configuration c belongs to, or -1. */
int hb_bracket_of(const struct hb_plan *p, long long c);
/* How many trials a rung of bracket b has at level (if every rung before
 * promoted its share). */
long long hb_rung_size(const struct hb_plan *p, const struct hb_bracket *b, int level, double eta);
/* Which of n finished trials go on: v[i] is trial i's value at the rung's
 * budget, lower is better (negate for maximize); NaN (no value, failed)
 * never goes on. The keep best get promoted[i] = 1, ties to the lower i.
 * Returns the worst promoted value (NaN if none). */
double hb_select(const double *v, size_t n, size_t keep, int *promoted);

#endif
