/* trials.h - from a trial's index to its parameters, whatever the method.
 *
 * Grid point i, or random draw i. The parameters come as a map in the
 * file's declaration order, nested groups as nested maps: what params.json
 * holds and what ${args} renders. */
#ifndef SWEEP_TRIALS_H
#define SWEEP_TRIALS_H

struct space;
struct value;

/* How many trials the sweep has: grid size or run_cap, whichever is
 * smaller; -1 when unbounded (random without run_cap runs until stopped);
 * -2 when the grid is too large to count. */
long long trials_total(const struct space *sp);
/* How many configurations the sampler gives (grid size or run_cap, as
 * trials_total for grid and random); halving and hyperband draw theirs
 * from it. */
long long trials_configs(const struct space *sp);
/* Trial idx's parameters, a new map. */
struct value *trials_params(const struct space *sp, unsigned long long idx);
/* The params map of one value per leaf (leaf[i] for sp->params[i], taken:
 * the map owns them). */
struct value *trials_assemble(const struct space *sp, struct value **leaf);

#endif
