/* space_params.c - the parameters section: every W&B distribution, values,
 * nested groups (flattened as W&B does for ordering). */
#include "search/space_int.h"
#include "search/expr.h"
#include "search/tpl.h"
#include "search/ydoc.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* W&B flattens nested parameters with this delimiter (not "."), and sorts
 * the flattened names: a dotted name and a nested group stay distinct. */
#define WB_NEST ".wbnest[599c28ca25da]."

static const char *const DIST_NAMES[] = {
    "constant",        "categorical",       "int_uniform",     "uniform",
    "q_uniform",       "log_uniform",       "log_uniform_values",
    "q_log_uniform",   "q_log_uniform_values", "inv_log_uniform",
    "inv_log_uniform_values", "normal",     "q_normal",        "log_normal",
    "q_log_normal",    "beta",              "q_beta",          NULL};

const char *space_dist_name(enum dist d)
{
    return DIST_NAMES[d];
}


static const char *const PARAM_KEYS[] = {"value", "values", "probabilities", "distribution",
                                         "min",   "max",    "mu",            "sigma",
                                         "q",     "a",      "b",             "parameters",
                                         "num",   NULL};

/* Which keys each distribution takes besides `distribution` (W&B's schemas
 * have additionalProperties: false). `num` is sweep's, for grid. */
static const char *const DIST_KEYS[][6] = {
    [DIST_CONSTANT] = {"value"},
    [DIST_CATEGORICAL] = {"values", "probabilities"},
    [DIST_INT_UNIFORM] = {"min", "max"},
    [DIST_UNIFORM] = {"min", "max", "num"},
    [DIST_Q_UNIFORM] = {"min", "max", "q"},
    [DIST_LOG_UNIFORM] = {"min", "max", "num"},
    [DIST_LOG_UNIFORM_VALUES] = {"min", "max", "num"},
    [DIST_Q_LOG_UNIFORM] = {"min", "max", "q"},
    [DIST_Q_LOG_UNIFORM_VALUES] = {"min", "max", "q"},
    [DIST_INV_LOG_UNIFORM] = {"min", "max", "num"},
    [DIST_INV_LOG_UNIFORM_VALUES] = {"min", "max", "num"},
    [DIST_NORMAL] = {"mu", "sigma"},
    [DIST_Q_NORMAL] = {"mu", "sigma", "q"},
    [DIST_LOG_NORMAL] = {"mu", "sigma"},
    [DIST_Q_LOG_NORMAL] = {"mu", "sigma", "q"},
    [DIST_BETA] = {"a", "b"},
    [DIST_Q_BETA] = {"a", "b", "q"},
};

/* ---- parameters ---- */

static int valid_param_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.' || *s == '-')) return 0;
    return 1;
}

static int dist_allows(enum dist d, const char *key)
{
    if (!strcmp(key, "distribution")) return 1;
    for (int i = 0; i < 6 && DIST_KEYS[d][i]; i++)
        if (!strcmp(DIST_KEYS[d][i], key)) return 1;
    return 0;
}

void sx_param_release(struct param *p)
{
    free(p->path);
    for (int i = 0; i < p->nsegs; i++) free(p->segs[i]);
    free(p->segs);
    free(p->sortkey);
    value_free(p->value);
    for (size_t i = 0; i < p->nvalues; i++) value_free(p->values[i]);
    free(p->values);
    free(p->distinct); /* borrowed from values */
    free(p->probs);
}

/* Which distribution a parameter's keys name (W&B's inference when there
 * is no 'distribution'). 0, or -1 (reported). */
static int leaf_dist(struct ctx *c, struct param *p, const struct value *m, int kline, int kcol)
{
    const char *what = p->path;
    const struct value *dv = value_map_get(m, "distribution");
    int has_value = value_map_get(m, "value") != NULL;
    int has_values = value_map_get(m, "values") != NULL;
    const struct value *vmin = value_map_get(m, "min"), *vmax = value_map_get(m, "max");
    if (dv) {
        if (dv->kind != V_STR) {
            diag_error(c->d, dv->line, dv->col, "%s: distribution must be a name", what);
            return -1;
        }
        int found = -1;
        for (int i = 0; DIST_NAMES[i]; i++)
            if (!strcmp(DIST_NAMES[i], dv->u.s)) found = i;
        if (found < 0) {
            const char *s = util_suggest(dv->u.s, DIST_NAMES);
            diag_error(c->d, dv->line, dv->col, "%s: unknown distribution '%s'%s%s%s", what,
                       dv->u.s, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            return -1;
        }
        p->dist = (enum dist)found;
    } else if (has_value && has_values) {
        diag_error(c->d, kline, kcol, "%s: give either 'value' or 'values', not both", what);
        return -1;
    } else if (has_value) {
        p->dist = DIST_CONSTANT;
    } else if (has_values) {
        p->dist = DIST_CATEGORICAL;
    } else if (vmin && vmax) {
        /* W&B: integers on both ends mean int_uniform; a float anywhere, uniform */
        p->dist = sx_is_int_value(vmin) && sx_is_int_value(vmax) ? DIST_INT_UNIFORM : DIST_UNIFORM;
    } else if (vmin || vmax) {
        diag_error(c->d, kline, kcol, "%s: a range needs both 'min' and 'max'", what);
        return -1;
    } else {
        static const char *const needs_dist[] = {"mu", "sigma", "q", "a", "b", "num", NULL};
        for (const char *const *k = needs_dist; *k; k++) {
            const struct mapent *e = value_map_entry(m, *k);
            if (e) {
                diag_error(c->d, e->line, e->col,
                           "%s: '%s' needs a 'distribution' (e.g. normal, q_uniform, beta)", what,
                           *k);
                return -1;
            }
        }
        diag_error(c->d, kline, kcol,
                   "%s: a parameter needs 'value', 'values', 'min' and 'max', or a "
                   "'distribution'",
                   what);
        return -1;
    }
    return 0;
}

/* constant and categorical: the values (and probabilities). 0, or -1. */
static int leaf_values(struct ctx *c, struct param *p, const struct value *m, int kline, int kcol)
{
    const char *what = p->path;
    switch (p->dist) {
    case DIST_CONSTANT: {
        const struct value *v = value_map_get(m, "value");
        if (!v) {
            diag_error(c->d, kline, kcol, "%s: distribution constant needs 'value'", what);
            return -1;
        }
        p->value = value_clone(v);
        return 0;
    }
    case DIST_CATEGORICAL: {
        const struct value *vs = value_map_get(m, "values");
        if (!vs) {
            diag_error(c->d, kline, kcol, "%s: distribution categorical needs 'values'", what);
            return -1;
        }
        if (vs->kind != V_LIST || vs->u.list.n == 0) {
            diag_error(c->d, vs->line, vs->col, "%s: 'values' must be a non-empty list", what);
            return -1;
        }
        p->nvalues = vs->u.list.n;
        p->values = xcalloc(p->nvalues, sizeof *p->values);
        p->distinct = xcalloc(p->nvalues, sizeof *p->distinct);
        for (size_t i = 0; i < p->nvalues; i++) {
            p->values[i] = value_clone(vs->u.list.v[i]);
            int dup = 0;
            for (size_t j = 0; j < p->ndistinct && !dup; j++)
                dup = value_equal(p->distinct[j], p->values[i]);
            if (!dup) p->distinct[p->ndistinct++] = p->values[i];
        }
        const struct value *pr = value_map_get(m, "probabilities");
        if (pr) {
            if (pr->kind != V_LIST || pr->u.list.n != p->nvalues) {
                diag_error(c->d, pr->line, pr->col,
                           "%s: 'probabilities' must be a list with one number per value (%zu)",
                           what, p->nvalues);
                return -1;
            }
            p->probs = xcalloc(p->nvalues, sizeof *p->probs);
            double sum = 0;
            for (size_t i = 0; i < p->nvalues; i++) {
                const struct value *x = pr->u.list.v[i];
                if (!value_is_num(x) || value_num(x) < 0 || !isfinite(value_num(x))) {
                    diag_error(c->d, x->line, x->col,
                               "%s: a probability must be a number >= 0", what);
                    return -1;
                }
                p->probs[i] = value_num(x);
                sum += p->probs[i];
            }
            if (fabs(sum - 1.0) > 1e-6) {
                diag_error(c->d, pr->line, pr->col, "%s: probabilities add up to %g, not 1", what,
                           sum);
                return -1;
            }
        }
        return 0;
    }
    default: return 0;
    }

}

/* The numeric distributions: their numbers and what W&B allows of them. */
static int leaf_numeric(struct ctx *c, struct param *p, const struct value *m, int kline,
                        int kcol, int nerr)
{
    const char *what = p->path;
    const struct value *vmin = value_map_get(m, "min"), *vmax = value_map_get(m, "max");
    int has_min = sx_get_num(c, m, "min", &p->min, what);
    int has_max = sx_get_num(c, m, "max", &p->max, what);
    sx_get_num(c, m, "mu", &p->mu, what);
    sx_get_num(c, m, "sigma", &p->sigma, what);
    int has_q = sx_get_num(c, m, "q", &p->q, what);
    sx_get_num(c, m, "a", &p->a, what);
    sx_get_num(c, m, "b", &p->b, what);
    if ((int)c->d->nerrors != nerr) return -1;
    int ranged = dist_allows(p->dist, "min");
    if (ranged && (has_min != 1 || has_max != 1)) {
        diag_error(c->d, kline, kcol, "%s: distribution %s needs 'min' and 'max'", what,
                   DIST_NAMES[p->dist]);
        return -1;
    }
    if (ranged && !(p->min < p->max)) {
        diag_error(c->d, vmin->line, vmin->col, "%s: 'min' (%g) must be less than 'max' (%g)",
                   what, p->min, p->max);
        return -1;
    }
    if (p->dist == DIST_INT_UNIFORM) {
        if (!sx_is_int_value(vmin) || !sx_is_int_value(vmax)) {
            const struct value *bad = sx_is_int_value(vmin) ? vmax : vmin;
            diag_error(c->d, bad->line, bad->col, "%s: int_uniform needs integer 'min' and 'max'",
                       what);
            return -1;
        }
        p->ints = 1;
    }
    if (has_q == 1) {
        const struct value *qv = value_map_get(m, "q");
        if (!(p->q > 0)) {
            diag_error(c->d, qv->line, qv->col, "%s: 'q' must be > 0", what);
            return -1;
        }
        /* W&B: an integer q gives integer results; the default q (1.0) floats */
        p->ints = sx_is_int_value(qv);
    }
    if (!(p->sigma >= 0)) {
        const struct value *v = value_map_get(m, "sigma");
        diag_error(c->d, v->line, v->col, "%s: 'sigma' must be >= 0", what);
        return -1;
    }
    if ((p->dist == DIST_BETA || p->dist == DIST_Q_BETA) && !(p->a > 0 && p->b > 0)) {
        diag_error(c->d, kline, kcol, "%s: beta needs 'a' > 0 and 'b' > 0", what);
        return -1;
    }
    if ((p->dist == DIST_LOG_UNIFORM_VALUES || p->dist == DIST_Q_LOG_UNIFORM_VALUES ||
         p->dist == DIST_INV_LOG_UNIFORM_VALUES) &&
        !(p->min > 0)) {
        diag_error(c->d, vmin->line, vmin->col, "%s: %s needs 'min' > 0", what,
                   DIST_NAMES[p->dist]);
        return -1;
    }
    if (p->dist == DIST_LOG_UNIFORM || p->dist == DIST_Q_LOG_UNIFORM ||
        p->dist == DIST_INV_LOG_UNIFORM) {
        /* min/max are exponents: e^1000 overflows (W&B answers HTTP 500) */
        if (fabs(p->max) > 700 || fabs(p->min) > 700) {
            diag_error(c->d, vmax->line, vmax->col,
                       "%s: %s takes natural-log exponents, and e^%g is out of range; for "
                       "min/max as values use %s_values",
                       what, DIST_NAMES[p->dist], fabs(p->max) > 700 ? p->max : p->min,
                       p->dist == DIST_INV_LOG_UNIFORM ? "inv_log_uniform" : "log_uniform");
            return -1;
        }
        if (p->min > 0 && p->max <= 1 && p->dist != DIST_INV_LOG_UNIFORM)
            diag_warn(c->d, vmin->line, vmin->col,
                      "%s: %s takes natural-log exponents: this samples [%g, %g]; for values "
                      "in [%g, %g] use %s_values",
                      what, DIST_NAMES[p->dist], exp(p->min), exp(p->max), p->min, p->max,
                      p->dist == DIST_Q_LOG_UNIFORM ? "q_log_uniform" : "log_uniform");
    }
    const struct value *nv = value_map_get(m, "num");
    if (nv) {
        if (nv->kind != V_INT || nv->u.i < 1 || nv->u.i > 1000000) {
            diag_error(c->d, nv->line, nv->col,
                       "%s: 'num' (grid points) must be an integer from 1 to 1000000", what);
            return -1;
        }
        p->num = (long)nv->u.i;
    }
    return 0;
}

static int parse_leaf(struct ctx *c, struct param *p, const struct value *m, int kline,
                      int kcol)
{
    const char *what = p->path;
    int nerr = (int)c->d->nerrors;
    if (leaf_dist(c, p, m, kline, kcol)) return -1;
    for (size_t i = 0; i < m->u.map.n; i++) {
        const struct mapent *e = &m->u.map.e[i];
        if (!dist_allows(p->dist, e->key))
            diag_error(c->d, e->line, e->col, "%s: '%s' does not go with distribution %s", what,
                       e->key, DIST_NAMES[p->dist]);
    }
    if ((int)c->d->nerrors != nerr) return -1;

    p->q = 1.0;
    p->sigma = 1.0;
    p->a = p->b = 1.0;
    if (p->dist == DIST_CONSTANT || p->dist == DIST_CATEGORICAL)
        return leaf_values(c, p, m, kline, kcol);
    return leaf_numeric(c, p, m, kline, kcol, nerr);
}

int sx_cmp_sortkey(const void *a, const void *b, void *arg)
{
    const struct param *ps = arg;
    return strcmp(ps[*(const size_t *)a].sortkey, ps[*(const size_t *)b].sortkey);
}

void sx_parse_params(struct ctx *c, const struct value *m, char **prefix, int nprefix)
{
    struct space *sp = c->sp;
    for (size_t i = 0; i < m->u.map.n; i++) {
        const struct mapent *e = &m->u.map.e[i];
        if (!valid_param_name(e->key)) {
            diag_error(c->d, e->line, e->col,
                       "parameter name '%s' must start with a letter or '_' and use only "
                       "letters, digits, '_', '.' and '-'",
                       e->key);
            continue;
        }
        char **segs = xcalloc((size_t)nprefix + 1, sizeof *segs);
        for (int k = 0; k < nprefix; k++) segs[k] = xstrdup(prefix[k]);
        segs[nprefix] = xstrdup(e->key);
        struct sb path, key;
        sb_init(&path);
        sb_init(&key);
        for (int k = 0; k <= nprefix; k++) {
            if (k) {
                sb_addc(&path, '.');
                sb_add(&key, WB_NEST);
            }
            sb_add(&path, segs[k]);
            sb_add(&key, segs[k]);
        }
        const struct value *v = e->val;
        if (v->kind != V_MAP && diag_error_at(c->d, v->line, v->col)) goto next;
        if (v->kind != V_MAP) {
            diag_error(c->d, v->line ? v->line : e->line, v->line ? v->col : e->col,
                       "parameter '%s' must be a map such as {value: X}, {values: [...]} or "
                       "{min: A, max: B}",
                       sb_str(&path));
            goto next;
        }
        const struct value *nested = value_map_get(v, "parameters");
        if (nested) {
            for (size_t k = 0; k < v->u.map.n; k++)
                if (strcmp(v->u.map.e[k].key, "parameters"))
                    diag_error(c->d, v->u.map.e[k].line, v->u.map.e[k].col,
                               "%s: a group with 'parameters' takes no other keys ('%s')",
                               sb_str(&path), v->u.map.e[k].key);
            if (nested->kind != V_MAP || nested->u.map.n == 0) {
                const struct mapent *ne = value_map_entry(v, "parameters");
                diag_error(c->d, ne->line, ne->col, "%s: 'parameters' must be a non-empty map",
                           sb_str(&path));
                goto next;
            }
            sx_add_name(c, sb_str(&path));
            sx_parse_params(c, nested, segs, nprefix + 1);
            goto next;
        }
        sx_check_keys(c, v, PARAM_KEYS, "a parameter");
        struct param p;
        memset(&p, 0, sizeof p);
        p.path = sb_detach(&path);
        p.sortkey = sb_detach(&key);
        p.segs = segs;
        p.nsegs = nprefix + 1;
        segs = NULL;
        p.line = e->line;
        p.col = e->col;
        sx_add_name(c, p.path); /* even if it has errors: no second error for ${it} */
        if (parse_leaf(c, &p, v, e->line, e->col) != 0) {
            sx_param_release(&p);
            continue;
        }
        for (size_t k = 0; k < sp->nparams; k++)
            if (!strcmp(sp->params[k].path, p.path))
                diag_error(c->d, e->line, e->col,
                           "parameter '%s' is declared twice (as a dotted name and as a nested "
                           "group); ${%s} would be ambiguous",
                           p.path, p.path);
        sp->params = xrealloc(sp->params, (sp->nparams + 1) * sizeof *sp->params);
        sp->params[sp->nparams++] = p;
        continue;
    next:
        sb_release(&path);
        sb_release(&key);
        if (segs) {
            for (int k = 0; k <= nprefix; k++) free(segs[k]);
            free(segs);
        }
    }
}

