/* grid.h - grid search exactly as W&B orders and counts it.
 *
 * Leaves are taken in W&B's sorted-name order; the first varies slowest and
 * the last fastest (itertools.product). A point is computed from its index,
 * so a grid of 10^6 or 10^12 points is never held in memory. Constants are
 * not dimensions. */
#ifndef SWEEP_GRID_H
#define SWEEP_GRID_H

struct space;
struct param;
struct value;

/* Number of grid values of one leaf (1 for a constant). */
unsigned long long grid_size(const struct param *p);
/* Total points; -1 if the product does not fit in 63 bits. */
int grid_count(const struct space *sp, unsigned long long *count);
/* Value k (0-based) of a leaf; a new value. */
struct value *grid_value(const struct param *p, unsigned long long k);
/* Fills out[i] (i indexing sp->params) with new values of point idx. */
void grid_point(const struct space *sp, unsigned long long idx, struct value **out);

#endif
