/* model.c - coordinates of a space and the history of results (model.h). */
#include "search/model.h"
#include "search/pcg.h"
#include "search/rsearch.h"
#include "search/searcher.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/util.h"
#include "base/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NORMAL_SPAN 4.0 /* a normal prior's line: mu +- 4 sigma */

static void coord_of(struct coord *c, const struct param *p)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    c->kind = COORD_NUM;
    switch (p->dist) {
    case DIST_CONSTANT: c->kind = COORD_FIXED; break;
    case DIST_CATEGORICAL:
        c->kind = p->ndistinct > 1 ? COORD_CAT : COORD_FIXED;
        c->ncat = p->ndistinct;
        break;
    case DIST_INT_UNIFORM: c->lo = p->min - 0.5, c->hi = p->max + 0.5; break;
    case DIST_UNIFORM: case DIST_Q_UNIFORM: c->lo = p->min, c->hi = p->max; break;
    case DIST_LOG_UNIFORM: case DIST_Q_LOG_UNIFORM: c->xform = 1, c->lo = p->min, c->hi = p->max; break;
    case DIST_LOG_UNIFORM_VALUES: case DIST_Q_LOG_UNIFORM_VALUES:
        c->xform = 1, c->lo = log(p->min), c->hi = log(p->max);
        break;
    case DIST_INV_LOG_UNIFORM: c->xform = 2, c->lo = p->min, c->hi = p->max; break;
    case DIST_INV_LOG_UNIFORM_VALUES: c->xform = 2, c->lo = -log(p->max), c->hi = -log(p->min); break;
    case DIST_NORMAL: case DIST_Q_NORMAL:
        c->lo = p->mu - NORMAL_SPAN * p->sigma, c->hi = p->mu + NORMAL_SPAN * p->sigma;
        break;
    case DIST_LOG_NORMAL: case DIST_Q_LOG_NORMAL:
        c->xform = 1, c->lo = p->mu - NORMAL_SPAN * p->sigma, c->hi = p->mu + NORMAL_SPAN * p->sigma;
        break;
    case DIST_BETA: case DIST_Q_BETA: c->lo = 0, c->hi = 1; break;
    }
    if (c->kind == COORD_NUM && !(c->hi > c->lo)) c->kind = COORD_FIXED;
}

void model_space_init(struct model_space *m, const struct space *sp)
{
    memset(m, 0, sizeof *m);
    m->sp = sp;
    m->n = sp->nparams;
    m->c = xcalloc(m->n ? m->n : 1, sizeof *m->c);
    for (size_t i = 0; i < m->n; i++) {
        coord_of(&m->c[i], &sp->params[i]);
        if (m->c[i].kind != COORD_FIXED) m->nsearch++;
    }
}

void model_space_release(struct model_space *m)
{
    free(m->c);
    memset(m, 0, sizeof *m);
}

static double z_of(const struct coord *c, const struct value *v)
{
    if (!v) return NAN;
    if (c->kind == COORD_CAT) {
        for (size_t k = 0; k < c->p->ndistinct; k++)
            if (value_equal(v, c->p->distinct[k])) return (double)k;
        return NAN;
    }
    if (c->kind != COORD_NUM || !value_is_num(v)) return NAN;
    double x = value_num(v), z;
    if (c->xform == 0) z = x;
    else if (!(x > 0)) return NAN;
    else z = c->xform == 1 ? log(x) : -log(x);
    /* outside the line (an earlier sweep's wider range): not of this space;
     * a quantized value may round just past the bounds: it is clamped */
    switch (c->p->dist) {
    case DIST_Q_UNIFORM: case DIST_Q_LOG_UNIFORM: case DIST_Q_LOG_UNIFORM_VALUES:
    case DIST_Q_NORMAL: case DIST_Q_LOG_NORMAL: case DIST_Q_BETA: case DIST_INT_UNIFORM:
        return z < c->lo ? c->lo : z > c->hi ? c->hi : z;
    default: break;
    }
    double slack = 1e-9 * (c->hi - c->lo);
    return z < c->lo - slack || z > c->hi + slack ? NAN : z;
}

void model_point(const struct model_space *m, const struct value *params, double *z)
{
    for (size_t i = 0; i < m->n; i++)
        z[i] = m->c[i].kind == COORD_FIXED ? NAN : z_of(&m->c[i], value_lookup(params, m->c[i].p->path));
}

static struct value *value_at(const struct coord *c, double z)
{
    const struct param *p = c->p;
    if (c->kind == COORD_FIXED)
        return p->dist == DIST_CATEGORICAL ? value_clone(p->distinct[0]) : value_clone(p->value);
    if (c->kind == COORD_CAT) {
        long k = isnan(z) ? 0 : lround(z);
        if (k < 0) k = 0;
        if ((size_t)k >= c->ncat) k = (long)c->ncat - 1;
        return value_clone(p->distinct[k]);
    }
    if (isnan(z)) z = (c->lo + c->hi) / 2;
    if (z < c->lo) z = c->lo;
    if (z > c->hi) z = c->hi;
    double x = c->xform == 0 ? z : c->xform == 1 ? exp(z) : exp(-z);
    switch (p->dist) {
    case DIST_INT_UNIFORM: {
        double r = nearbyint(x);
        if (r < p->min) r = p->min;
        if (r > p->max) r = p->max;
        return value_int((long long)r);
    }
    case DIST_Q_UNIFORM: case DIST_Q_LOG_UNIFORM: case DIST_Q_LOG_UNIFORM_VALUES:
    case DIST_Q_NORMAL: case DIST_Q_LOG_NORMAL: case DIST_Q_BETA:
        return rsearch_quantize(p, x);
    default: return value_float(x);
    }
}

struct value *model_params(const struct model_space *m, const double *z)
{
    struct value **leaf = xcalloc(m->n ? m->n : 1, sizeof *leaf);
    for (size_t i = 0; i < m->n; i++) leaf[i] = value_at(&m->c[i], z[i]);
    struct value *map = trials_assemble(m->sp, leaf);
    free(leaf);
    return map;
}

double model_prior_draw(const struct model_space *m, size_t i, struct pcg *r)
{
    const struct coord *c = &m->c[i];
    if (c->kind == COORD_FIXED) return NAN;
    if (c->kind == COORD_CAT) return (double)pcg_bounded64(r, c->ncat);
    struct value *v = rsearch_sample(c->p, r);
    double z = z_of(c, v);
    value_free(v);
    if (isnan(z)) z = (c->lo + c->hi) / 2;
    return z < c->lo ? c->lo : z > c->hi ? c->hi : z;
}

void history_init(struct history *h, size_t dim)
{
    memset(h, 0, sizeof *h);
    h->dim = dim;
}

void history_objectives(struct history *h, size_t nobj, enum mo_order order)
{
    h->nobj = nobj >= 2 ? nobj : 0;
    h->order = order;
}

void history_release(struct history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->o[i].z);
        free(h->o[i].f);
    }
    free(h->o);
    memset(h, 0, sizeof *h);
}

struct obs *history_get(struct history *h, long long id)
{
    /* ids come mostly in order: look from the end */
    for (size_t i = h->n; i-- > 0;)
        if (h->o[i].id == id) return &h->o[i];
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 64;
        h->o = xrealloc(h->o, h->cap * sizeof *h->o);
    }
    size_t at = h->n;
    while (at > 0 && h->o[at - 1].id > id) at--;
    memmove(h->o + at + 1, h->o + at, (h->n - at) * sizeof *h->o);
    struct obs *o = &h->o[at];
    memset(o, 0, sizeof *o);
    o->id = id;
    o->z = xmalloc((h->dim ? h->dim : 1) * sizeof *o->z);
    for (size_t k = 0; k < h->dim; k++) o->z[k] = NAN;
    if (h->nobj) {
        o->f = xmalloc(h->nobj * sizeof *o->f);
        for (size_t k = 0; k < h->nobj; k++) o->f[k] = NAN;
    }
    o->state = OBS_RUNNING;
    o->value = NAN;
    o->step = -1;
    h->n++;
    return o;
}

static const struct history *rank_h;

/* Best first: completed by value; pruned by step reached (furthest first),
 * then value; failed; running; ties by id. */
static int rank_cmp(const void *a, const void *b)
{
    const struct obs *x = &rank_h->o[*(const size_t *)a], *y = &rank_h->o[*(const size_t *)b];
    static const int group[] = {[OBS_DONE] = 0, [OBS_PRUNED] = 1, [OBS_FAILED] = 2,
                                [OBS_RUNNING] = 3, [OBS_STOPPED] = 4};
    int gx = group[x->state], gy = group[y->state];
    /* a completed or pruned trial without a value ranks with the failed */
    if (gx < 2 && isnan(x->value)) gx = 2;
    if (gy < 2 && isnan(y->value)) gy = 2;
    if (gx != gy) return gx - gy;
    if (gx == 1 && x->step != y->step) return x->step > y->step ? -1 : 1;
    if (gx < 2 && x->value != y->value) return x->value < y->value ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

size_t history_rank(const struct history *h, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++)
        if (h->o[i].state != OBS_STOPPED) idx[n++] = i;
    rank_h = h;
    qsort(idx, n, sizeof *idx, rank_cmp);
    if (h->nobj) { /* the completed results, first, by front */
        size_t r = 0;
        while (r < n && h->o[idx[r]].state == OBS_DONE && !isnan(h->o[idx[r]].value)) r++;
        history_rank_mo(h, idx, r);
    }
    return n;
}

size_t history_results(const struct history *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++)
        if (h->o[i].state == OBS_DONE || h->o[i].state == OBS_PRUNED ||
            h->o[i].state == OBS_FAILED)
            n++;
    return n;
}

void model_observe(const struct model_space *m, struct history *h, const struct search_result *r)
{
    struct obs *o = history_get(h, r->id);
    static const enum obs_state st[] = {[HOW_RUNNING] = OBS_RUNNING, [HOW_COMPLETED] = OBS_DONE,
                                        [HOW_PRUNED] = OBS_PRUNED, [HOW_FAILED] = OBS_FAILED,
                                        [HOW_STOPPED] = OBS_STOPPED};
    o->state = st[r->how];
    o->value = r->value;
    o->step = r->step;
    o->viol = r->viol > 0 ? r->viol : 0;
    for (size_t k = 0; o->f && k < h->nobj; k++) o->f[k] = r->objs ? r->objs[k] : k ? NAN : r->value;
    if (r->params) model_point(m, r->params, o->z);
}

double model_phi(double x)
{
    return 0.5 * erfc(-x / M_SQRT2);
}

/* Acklam's rational approximation (relative error < 1.2e-9), one Newton
 * step on top. */
double model_phi_inv(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    if (p <= 0) return -INFINITY;
    if (p >= 1) return INFINITY;
    double q, r, x;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
        q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        q = p - 0.5;
        r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double e = model_phi(x) - p; /* Halley-free Newton refinement */
    x -= e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x;
}

void model_rng(const struct space *sp, long long id, uint64_t salt, struct pcg *r)
{
    pcg_seed(r, pcg_mix64(sp->seed ^ pcg_mix64((uint64_t)id ^ salt)), (uint64_t)id);
}
