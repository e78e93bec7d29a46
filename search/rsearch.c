/* rsearch.c - drawing parameters. */
#include "search/rsearch.h"
#include "search/pcg.h"
#include "search/space.h"
#include "base/value.h"

#include <math.h>

static double unit_open(struct pcg *r) /* (0, 1] */
{
    return 1.0 - pcg_unit(r);
}

double rsearch_normal(struct pcg *r)
{
    /* Box-Muller; one of the pair is used so every draw costs the same */
    double u1 = unit_open(r), u2 = pcg_unit(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Marsaglia and Tsang (2000), with the boost for shape < 1. */
static double gamma_draw(struct pcg *r, double a)
{
    if (a < 1.0) return gamma_draw(r, a + 1.0) * pow(unit_open(r), 1.0 / a);
    double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = rsearch_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = unit_open(r);
        if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) return d * v;
    }
}

/* numpy.round(x / q) * q: round half to even (the default rounding mode). */
struct value *rsearch_quantize(const struct param *p, double x)
{
    double v = nearbyint(x / p->q) * p->q;
    if (p->ints && fabs(v) < 9.2e18) return value_int((long long)llround(v));
    return value_float(v);
}

struct value *rsearch_sample(const struct param *p, struct pcg *r)
{
    double u, x;
    switch (p->dist) {
    case DIST_CONSTANT: return value_clone(p->value);
    case DIST_CATEGORICAL:
        if (p->probs) {
            u = pcg_unit(r);
            double cdf = 0;
            for (size_t i = 0; i < p->nvalues; i++) {
                cdf += p->probs[i];
                if (cdf > u) return value_clone(p->values[i]);
            }
            return value_clone(p->values[p->nvalues - 1]); /* sum rounding */
        }
        /* uniform over indices: a repeated value is drawn more often, as in W&B */
        return value_clone(p->values[pcg_bounded64(r, p->nvalues)]);
    case DIST_INT_UNIFORM: {
        long long lo = (long long)p->min, hi = (long long)p->max;
        uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0 means all 2^64 */
        return value_int((long long)((uint64_t)lo + pcg_bounded64(r, span)));
    }
    case DIST_UNIFORM: return value_float(p->min + pcg_unit(r) * (p->max - p->min));
    case DIST_Q_UNIFORM: return rsearch_quantize(p, p->min + pcg_unit(r) * (p->max - p->min));
    case DIST_LOG_UNIFORM: return value_float(exp(p->min + pcg_unit(r) * (p->max - p->min)));
    case DIST_Q_LOG_UNIFORM: return rsearch_quantize(p, exp(p->min + pcg_unit(r) * (p->max - p->min)));
    case DIST_LOG_UNIFORM_VALUES:
        x = log(p->min) + pcg_unit(r) * (log(p->max) - log(p->min));
        return value_float(exp(x));
    case DIST_Q_LOG_UNIFORM_VALUES:
        x = log(p->min) + pcg_unit(r) * (log(p->max) - log(p->min));
        return rsearch_quantize(p, exp(x));
    case DIST_INV_LOG_UNIFORM: return value_float(exp(-(p->min + pcg_unit(r) * (p->max - p->min))));
    case DIST_INV_LOG_UNIFORM_VALUES:
        x = -log(p->max) + pcg_unit(r) * (log(p->max) - log(p->min));
        return value_float(exp(-x));
    case DIST_NORMAL: return value_float(p->mu + p->sigma * rsearch_normal(r));
    case DIST_Q_NORMAL: return rsearch_quantize(p, p->mu + p->sigma * rsearch_normal(r));
    case DIST_LOG_NORMAL: return value_float(exp(p->mu + p->sigma * rsearch_normal(r)));
    case DIST_Q_LOG_NORMAL: return rsearch_quantize(p, exp(p->mu + p->sigma * rsearch_normal(r)));
    case DIST_BETA:
    case DIST_Q_BETA: {
        double ga = gamma_draw(r, p->a), gb = gamma_draw(r, p->b);
        x = ga / (ga + gb);
        return p->dist == DIST_BETA ? value_float(x) : rsearch_quantize(p, x);
    }
    }
    return value_null();
}

void rsearch_point(const struct space *sp, uint64_t idx, struct value **out)
{
    struct pcg r;
    pcg_seed(&r, pcg_mix64(sp->seed ^ pcg_mix64(idx)), idx);
    for (size_t j = 0; j < sp->nparams; j++) {
        size_t i = sp->order[j];
        out[i] = rsearch_sample(&sp->params[i], &r);
    }
}
