/* bohb.h - the model of method bayes with a budget: BOHB (Falkner, Klein
 * and Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
 * Scale", ICML 2018). rungs.c runs hyperband's brackets and rungs as for
 * method hyperband; what differs is where a bracket's new configurations
 * come from. Each is proposed when it is asked for, from every result so
 * far: TPE (tpe.h) fitted to the trials of the highest budget level that
 * has learner_startup() results (results at a larger budget say more of
 * the full training), the trials still running at that level or below it
 * counted as liars. A third of them (BOHB_RANDOM, decided per
 * configuration by the seed), and all of them until some level has enough
 * results, are the random search's draws, as method hyperband's: what keeps
 * hyperband's guarantee when the model misleads. */
#ifndef SWEEP_BOHB_H
#define SWEEP_BOHB_H

#include "search/model.h"

struct space;
struct value;

#define BOHB_RANDOM (1.0 / 3) /* the share of configurations drawn at random */

struct bohb;

struct bohb *bohb_new(const struct space *sp, int nlevels);
void bohb_free(struct bohb *b); /* NULL is fine */

/* Proposes configuration c's parameters (without the budget) now, from
 * the results so far, and keeps them (bohb_config). Returns the level
 * whose trials they were learnt from, -1 for a random draw. */
int bohb_propose(struct bohb *b, long long c);
/* Configuration c's parameters as they were proposed or stored (not a
 * copy), or NULL when they are not known. */
const struct value *bohb_config(const struct bohb *b, long long c);
/* Keeps params as configuration c's (a resumed sweep's stored trial). */
void bohb_set_config(struct bohb *b, long long c, const struct value *params);
/* Trial id of configuration c runs at level, or ended there: state, its
 * value at that level's budget (smaller is better; NaN none), its last
 * step. */
void bohb_trial(struct bohb *b, long long id, long long c, int level, enum obs_state state,
                double value, long long step);

#endif
