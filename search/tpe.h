/* tpe.h - the tree-structured Parzen estimator of method bayes (tpe.c),
 * for the methods that propose points with it: bayes itself (a learner,
 * learner.h) and BOHB (bayes with a budget: rungs.c, bohb.c), which fits
 * it to the trials of one budget level. */
#ifndef SWEEP_TPE_H
#define SWEEP_TPE_H

#include "search/model.h"

struct pcg;

#define TPE_SALT 0x7470655f6261ULL /* "tpe_ba": the PCG stream of a suggestion */

/* The point TPE proposes for trial id from the history h (every trial it
 * knows: results, failures, and running trials as liars; id itself is not
 * one of them), drawing from r: z[m->n]. h needs at least one result. */
void tpe_point(const struct model_space *m, const struct history *h, long long id, struct pcg *r,
               double *z);

struct sb;
/* What sweep plan says of bayes (methods.h's describe). */
void tpe_describe(const struct space *sp, long long n0, struct sb *out);

#endif
