/* rsearch.h - random search: every distribution of W&B's sweep format.
 *
 * Trial i's parameters depend only on (seed, i): each trial draws from its
 * own PCG32 stream, leaves in W&B's sorted-name order. So a resumed or
 * extended sweep draws the same trials whatever max_parallel is. */
#ifndef SWEEP_RSEARCH_H
#define SWEEP_RSEARCH_H

#include <stdint.h>

struct space;
struct param;
struct value;
struct pcg;

/* A standard normal draw (Box-Muller, one of the pair). */
double rsearch_normal(struct pcg *r);
/* numpy.round(x / q) * q (round half to even), an integer when p's q is:
 * how every q_* form quantizes. A new value. */
struct value *rsearch_quantize(const struct param *p, double x);
/* One draw of a leaf; a new value. */
struct value *rsearch_sample(const struct param *p, struct pcg *r);
/* Fills out[i] (i indexing sp->params) with new values of trial idx. */
void rsearch_point(const struct space *sp, uint64_t idx, struct value **out);

#endif
