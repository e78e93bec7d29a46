/* grid.c - the grid, point by point. */
#include "search/grid.h"
#include "search/space.h"
#include "base/value.h"

#include <math.h>

/* W&B's grid uses numpy.arange(min, max, q) for q_uniform: max excluded. */
static unsigned long long arange_len(double lo, double hi, double q)
{
    double n = ceil((hi - lo) / q);
    return n > 0 ? (unsigned long long)n : 0;
}

unsigned long long grid_size(const struct param *p)
{
    switch (p->dist) {
    case DIST_CONSTANT: return 1;
    case DIST_CATEGORICAL: return p->ndistinct;
    case DIST_INT_UNIFORM: return (unsigned long long)((long long)p->max - (long long)p->min) + 1;
    case DIST_Q_UNIFORM: return arange_len(p->min, p->max, p->q);
    default: return p->num > 0 ? (unsigned long long)p->num : 1;
    }
}

int grid_count(const struct space *sp, unsigned long long *count)
{
    unsigned long long n = 1;
    for (size_t i = 0; i < sp->nparams; i++) {
        unsigned long long s = grid_size(&sp->params[i]);
        if (s == 0) {
            n = 0;
            continue;
        }
        if (n > (9223372036854775807ULL / s)) return -1;
        n *= s;
    }
    *count = n;
    return 0;
}

/* k-th of num points from a to b, ends exact (numpy.linspace). */
static double linspace(double a, double b, long num, unsigned long long k)
{
    if (num <= 1) return a;
    if (k == 0) return a;
    if (k == (unsigned long long)num - 1) return b;
    return a + (b - a) * (double)k / (double)(num - 1);
}

struct value *grid_value(const struct param *p, unsigned long long k)
{
    switch (p->dist) {
    case DIST_CONSTANT: return value_clone(p->value);
    case DIST_CATEGORICAL: return value_clone(p->distinct[k]);
    case DIST_INT_UNIFORM: return value_int((long long)p->min + (long long)k);
    case DIST_Q_UNIFORM: {
        double v = p->min + (double)k * p->q;
        if (p->ints && p->min == floor(p->min)) return value_int((long long)llround(v));
        return value_float(v);
    }
    case DIST_UNIFORM: return value_float(linspace(p->min, p->max, p->num, k));
    case DIST_LOG_UNIFORM: return value_float(exp(linspace(p->min, p->max, p->num, k)));
    case DIST_INV_LOG_UNIFORM: return value_float(exp(-linspace(p->min, p->max, p->num, k)));
    case DIST_LOG_UNIFORM_VALUES:
    case DIST_INV_LOG_UNIFORM_VALUES: {
        if (k == 0) return value_float(p->min);
        if (k == (unsigned long long)p->num - 1) return value_float(p->max);
        return value_float(exp(linspace(log(p->min), log(p->max), p->num, k)));
    }
    default: return value_null(); /* rejected for grid when the file is checked */
    }
}

void grid_point(const struct space *sp, unsigned long long idx, struct value **out)
{
    /* mixed radix over the sorted leaves, the last one fastest */
    for (size_t j = sp->nparams; j-- > 0;) {
        const struct param *p = &sp->params[sp->order[j]];
        unsigned long long s = grid_size(p);
        out[sp->order[j]] = grid_value(p, s ? idx % s : 0);
        if (s) idx /= s;
    }
}
