/* space.c - reading a search-space file into struct space, and checking it.
 *
 * Checks are done against the tree from ydoc.c. Every problem is reported
 * with the position of the key or value it is about, and checking goes on
 * after an error so that a user sees all of a file's problems at once.
 * W&B's rules are in ../shared/reference/wandb-sweep-format.md; where it is
 * ambiguous, docs/config.md says what we chose. */
#include "search/space.h"
#include "search/diag.h"
#include "search/expr.h"
#include "search/tpl.h"
#include "base/value.h"
#include "search/ydoc.h"
#include "base/err.h"
#include "base/util.h"

#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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

const char *space_method_name(enum method m)
{
    static const char *const names[] = {"grid", "random", "halving", "hyperband"};
    return names[m];
}

static const char *const TOP_KEYS[] = {
    /* W&B */
    "program", "method", "parameters", "metric", "early_terminate", "command", "run_cap",
    "name", "description", "entity", "project", "controller", "job", "image_uri", "scheduler",
    "metrics", "apiVersion", "kind",
    /* sweep */
    "seed", "trials", "budget", "templates", "resources", "retries", "timeout",
    "stall_timeout", "stop_grace", "env", "shell", "executor", "interpreter", "resume", NULL};

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

/* Macros that expand to several argv elements: only as a whole element. */
static const char *const LIST_MACROS[] = {"args", "args_no_hyphens", "args_no_boolean_flags",
                                          "args_no_equals", NULL};
static const char *const TEXT_MACROS[] = {"env",      "interpreter", "program",   "args_json",
                                          "args_json_file", "trial_id", "trial_dir",
                                          "sweep_dir", NULL};
/* Only with method halving or hyperband. */
static const char *const RUNG_MACROS[] = {"budget", "prev_trial_dir", NULL};

struct ctx {
    struct diag *d;
    struct space *sp;
    char **names;       /* valid ${...} parameter names: leaves and groups */
    size_t nnames;
};

static void add_name(struct ctx *c, const char *n)
{
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], n)) return;
    c->names = xrealloc(c->names, (c->nnames + 2) * sizeof *c->names);
    c->names[c->nnames++] = xstrdup(n);
    c->names[c->nnames] = NULL;
}

/* Unknown keys of a map, each with a "did you mean". */
static void check_keys(struct ctx *c, const struct value *m, const char *const *allowed,
                       const char *where)
{
    for (size_t i = 0; i < m->u.map.n; i++) {
        const struct mapent *e = &m->u.map.e[i];
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, e->key)) ok = 1;
        if (ok) continue;
        const char *s = util_suggest(e->key, allowed);
        if (s)
            diag_error(c->d, e->line, e->col, "unknown key '%s' in %s (did you mean '%s'?)",
                       e->key, where, s);
        else
            diag_error(c->d, e->line, e->col, "unknown key '%s' in %s", e->key, where);
    }
}

static int is_int_value(const struct value *v)
{
    return v && v->kind == V_INT;
}

/* A number from a map entry; reports a type error. */
static int get_num(struct ctx *c, const struct value *m, const char *key, double *out,
                   const char *what)
{
    const struct value *v = value_map_get(m, key);
    if (!v) return 0;
    if (!value_is_num(v)) {
        if (v->kind == V_STR)
            diag_error(c->d, v->line, v->col, "%s: '%s' must be a number, not the string '%s'",
                       what, key, v->u.s);
        else
            diag_error(c->d, v->line, v->col, "%s: '%s' must be a number, not a %s", what, key,
                       value_kind_name(v->kind));
        return -1;
    }
    *out = value_num(v);
    if (!isfinite(*out)) {
        diag_error(c->d, v->line, v->col, "%s: '%s' must be a finite number", what, key);
        return -1;
    }
    return 1;
}

/* A string-ish scalar (strings; numbers rendered with str()). NULL if absent
 * or wrong; reports a type error. */
static char *get_scalar_text(struct ctx *c, const struct value *v, const char *what)
{
    if (!v) return NULL;
    if (v->kind == V_LIST || v->kind == V_MAP || v->kind == V_NULL) {
        diag_error(c->d, v->line, v->col, "%s must be a single value, not a %s", what,
                   value_kind_name(v->kind));
        return NULL;
    }
    struct sb b;
    sb_init(&b);
    value_py_str(&b, v);
    return sb_detach(&b);
}

static char *get_string(struct ctx *c, const struct value *m, const char *key, const char *what)
{
    const struct value *v = value_map_get(m, key);
    if (!v) return NULL;
    if (v->kind != V_STR) {
        diag_error(c->d, v->line, v->col, "%s must be a string, not a %s", what,
                   value_kind_name(v->kind));
        return NULL;
    }
    return xstrdup(v->u.s);
}

static int get_bool(struct ctx *c, const struct value *m, const char *key, int dflt)
{
    const struct value *v = value_map_get(m, key);
    if (!v) return dflt;
    if (v->kind != V_BOOL) {
        diag_error(c->d, v->line, v->col, "'%s' must be true or false", key);
        return dflt;
    }
    return v->u.b;
}

/* A non-negative integer, with bounds. */
static long long get_int(struct ctx *c, const struct value *m, const char *key, long long lo,
                         long long hi, long long dflt)
{
    const struct value *v = value_map_get(m, key);
    if (!v) return dflt;
    if (v->kind != V_INT || v->u.i < lo || v->u.i > hi) {
        if (hi == 9223372036854775807LL)
            diag_error(c->d, v->line, v->col, "'%s' must be an integer >= %lld", key, lo);
        else
            diag_error(c->d, v->line, v->col, "'%s' must be an integer from %lld to %lld", key,
                       lo, hi);
        return dflt;
    }
    return v->u.i;
}

/* A duration: a number of seconds or a string like "15s", "2m", "12h". */
static double get_duration(struct ctx *c, const struct value *m, const char *key, double dflt)
{
    const struct value *v = value_map_get(m, key);
    if (!v) return dflt;
    double s = -1;
    if (value_is_num(v)) s = value_num(v);
    else if (v->kind == V_STR) s = util_parse_duration(v->u.s);
    if (!(s >= 0) || !isfinite(s)) {
        diag_error(c->d, v->line, v->col,
                   "'%s' must be a duration: seconds, or a number with s, m, h or d (e.g. 30s, "
                   "12h)",
                   key);
        return dflt;
    }
    return s;
}

/* Checks every ${...} of a placeholder string. lists: 0 when list macros
 * (${args}...) are not allowed, 1 when only as a whole element (a command
 * element), 2 anywhere (a shell command string). */
static void check_placeholders(struct ctx *c, const char *s, int line, int col, int lists,
                               const char *where)
{
    size_t pos = 0;
    struct tpl_piece p;
    int r;
    while ((r = tpl_next(s, &pos, &p)) > 0) {
        if (!p.is_placeholder) continue;
        char *name = xstrndup(p.s, p.len);
        int ok = 0;
        for (const char *const *m = LIST_MACROS; *m; m++)
            if (!strcmp(name, *m)) {
                if (lists == 2 || (lists == 1 && tpl_whole(s, &(const char *){0}, &(size_t){0})))
                    ok = 1;
                else {
                    diag_error(c->d, line, col,
                               "${%s} expands to several arguments: it must be a whole "
                               "element of %s",
                               name, where);
                    ok = -1;
                }
            }
        for (const char *const *m = TEXT_MACROS; *m && !ok; m++)
            if (!strcmp(name, *m)) ok = 1;
        for (const char *const *m = RUNG_MACROS; *m && !ok; m++)
            if (!strcmp(name, *m)) {
                if (c->sp->has_budget) {
                    ok = 1;
                } else {
                    diag_error(c->d, line, col,
                               "${%s} needs method halving or hyperband and a 'budget'", name);
                    ok = -1;
                }
            }
        if (!ok && !strncmp(name, "envvar:", 7)) {
            ok = 1;
            for (const char *q = name + 7; *q; q++)
                if (!(isupper((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_'))
                    ok = 0;
            if (!ok) {
                diag_error(c->d, line, col,
                           "${%s}: an environment variable name is A-Z, 0-9 and _", name);
                ok = -1;
            }
        }
        if (!ok)
            for (size_t i = 0; i < c->nnames; i++)
                if (!strcmp(c->names[i], name)) ok = 1;
        if (!ok) {
            const char **all = xcalloc(c->nnames + 16, sizeof *all);
            size_t n = 0;
            for (size_t i = 0; i < c->nnames; i++) all[n++] = c->names[i];
            for (const char *const *m = TEXT_MACROS; *m; m++) all[n++] = *m;
            for (const char *const *m = LIST_MACROS; *m; m++) all[n++] = *m;
            all[n] = NULL;
            const char *sug = util_suggest(name, all);
            if (sug)
                diag_error(c->d, line, col, "unknown placeholder ${%s} in %s (did you mean ${%s}?)",
                           name, where, sug);
            else
                diag_error(c->d, line, col,
                           "unknown placeholder ${%s} in %s: not a parameter or a built-in "
                           "(docs/config.md lists them)",
                           name, where);
            free(all);
        }
        free(name);
    }
    if (r < 0) diag_error(c->d, line, col, "'${' without a closing '}' in %s", where);
}

/* Same, for a multi-line template file: positions point into that file. */
static void check_template_text(struct ctx *c, const char *file, const char *text)
{
    struct diag sub;
    diag_init(&sub, file);
    struct diag *saved = c->d;
    const char *line = text;
    for (int ln = 1; *line; ln++) {
        const char *nl = strchr(line, '\n');
        char *one = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
        size_t pos = 0;
        struct tpl_piece p;
        int r;
        /* check each placeholder at its own column */
        while ((r = tpl_next(one, &pos, &p)) > 0) {
            if (!p.is_placeholder) continue;
            char *ph = xstrndup(one + p.offset, p.len + 3);
            c->d = &sub;
            check_placeholders(c, ph, ln, (int)p.offset + 1, 0, "a template");
            c->d = saved;
            free(ph);
        }
        if (r < 0) diag_error(&sub, ln, (int)p.offset + 1, "'${' without a closing '}'");
        free(one);
        if (!nl) break;
        line = nl + 1;
    }
    diag_append(saved, &sub);
    diag_release(&sub);
}

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

static void param_release(struct param *p)
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

static int parse_leaf(struct ctx *c, struct param *p, const struct value *m, int kline,
                      int kcol)
{
    const char *what = p->path;
    const struct value *dv = value_map_get(m, "distribution");
    int has_value = value_map_get(m, "value") != NULL;
    int has_values = value_map_get(m, "values") != NULL;
    const struct value *vmin = value_map_get(m, "min"), *vmax = value_map_get(m, "max");
    int nerr = (int)c->d->nerrors;

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
        p->dist = is_int_value(vmin) && is_int_value(vmax) ? DIST_INT_UNIFORM : DIST_UNIFORM;
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
    default: break;
    }

    /* numeric distributions */
    int has_min = get_num(c, m, "min", &p->min, what);
    int has_max = get_num(c, m, "max", &p->max, what);
    get_num(c, m, "mu", &p->mu, what);
    get_num(c, m, "sigma", &p->sigma, what);
    int has_q = get_num(c, m, "q", &p->q, what);
    get_num(c, m, "a", &p->a, what);
    get_num(c, m, "b", &p->b, what);
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
        if (!is_int_value(vmin) || !is_int_value(vmax)) {
            const struct value *bad = is_int_value(vmin) ? vmax : vmin;
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
        p->ints = is_int_value(qv);
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

static int cmp_sortkey(const void *a, const void *b, void *arg)
{
    const struct param *ps = arg;
    return strcmp(ps[*(const size_t *)a].sortkey, ps[*(const size_t *)b].sortkey);
}

static void parse_params(struct ctx *c, const struct value *m, char **prefix, int nprefix)
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
            add_name(c, sb_str(&path));
            parse_params(c, nested, segs, nprefix + 1);
            goto next;
        }
        check_keys(c, v, PARAM_KEYS, "a parameter");
        struct param p;
        memset(&p, 0, sizeof p);
        p.path = sb_detach(&path);
        p.sortkey = sb_detach(&key);
        p.segs = segs;
        p.nsegs = nprefix + 1;
        segs = NULL;
        p.line = e->line;
        p.col = e->col;
        add_name(c, p.path); /* even if it has errors: no second error for ${it} */
        if (parse_leaf(c, &p, v, e->line, e->col) != 0) {
            param_release(&p);
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

/* ---- the rest of the file ---- */

static void parse_metric(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"name", "goal", "target", "impute",
                                       "impute_while_running", NULL};
    static const char *const goals[] = {"minimize", "maximize", NULL};
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "metric must be a map with 'name' and 'goal'");
        return;
    }
    check_keys(c, m, keys, "metric");
    const struct value *n = value_map_get(m, "name");
    if (!n) diag_error(c->d, m->line, m->col, "metric needs a 'name'");
    else if (n->kind != V_STR || !*n->u.s)
        diag_error(c->d, n->line, n->col, "metric name must be a non-empty string");
    else sp->metric_name = xstrdup(n->u.s);
    const struct value *g = value_map_get(m, "goal");
    if (g) {
        if (g->kind == V_STR && !strcmp(g->u.s, "maximize")) sp->goal = GOAL_MAXIMIZE;
        else if (g->kind == V_STR && !strcmp(g->u.s, "minimize")) sp->goal = GOAL_MINIMIZE;
        else {
            const char *s = g->kind == V_STR ? util_suggest(g->u.s, goals) : NULL;
            if (!s && g->kind == V_STR && !strncmp(g->u.s, "max", 3)) s = "maximize";
            if (!s && g->kind == V_STR && !strncmp(g->u.s, "min", 3)) s = "minimize";
            struct sb was;
            sb_init(&was);
            value_py_str(&was, g);
            diag_error(c->d, g->line, g->col,
                       "metric goal must be 'minimize' or 'maximize', not '%s'%s%s%s; W&B would "
                       "silently minimize",
                       sb_str(&was), s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            sb_release(&was);
        }
    }
    double t;
    if (get_num(c, m, "target", &t, "metric") == 1) {
        sp->has_target = 1;
        sp->target = t;
    }
}

static void parse_early_terminate(struct ctx *c, const struct value *m)
{
    static const char *const types[] = {"hyperband", "asha", "median", "patience", NULL};
    static const char *const keys[][7] = {
        [ET_HYPERBAND] = {"type", "min_iter", "max_iter", "s", "eta", "strict", NULL},
        [ET_ASHA] = {"type", "min_iter", "max_iter", "eta", NULL},
        [ET_MEDIAN] = {"type", "min_iter", "min_trials", NULL},
        [ET_PATIENCE] = {"type", "patience", "min_delta", NULL},
    };
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "early_terminate must be a map with a 'type'");
        return;
    }
    const struct value *t = value_map_get(m, "type");
    if (!t) {
        diag_error(c->d, m->line, m->col,
                   "early_terminate needs a 'type' (hyperband, asha, median or patience)");
        return;
    }
    int type = -1;
    for (int i = 0; types[i]; i++)
        if (t->kind == V_STR && !strcmp(t->u.s, types[i])) type = i;
    if (type < 0) {
        const char *sg = t->kind == V_STR ? util_suggest(t->u.s, types) : NULL;
        diag_error(c->d, t->line, t->col,
                   "early_terminate type must be hyperband, asha, median or patience%s%s%s",
                   sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
        return;
    }
    sp->et_type = (enum et_type)type;
    check_keys(c, m, keys[type], type == ET_HYPERBAND ? "early_terminate (hyperband)"
                                 : type == ET_ASHA     ? "early_terminate (asha)"
                                 : type == ET_MEDIAN   ? "early_terminate (median)"
                                                       : "early_terminate (patience)");
    sp->et_eta = 3;
    double x;
    if (get_num(c, m, "eta", &x, "early_terminate") == 1) {
        if (!(x > 1)) {
            const struct value *v = value_map_get(m, "eta");
            diag_error(c->d, v->line, v->col, "early_terminate: 'eta' must be > 1");
        }
        sp->et_eta = x;
    }
    switch (sp->et_type) {
    case ET_HYPERBAND: {
        int has_min = value_map_get(m, "min_iter") != NULL;
        int has_max = value_map_get(m, "max_iter") != NULL;
        int has_s = value_map_get(m, "s") != NULL;
        sp->et_min_iter = (int)get_int(c, m, "min_iter", 1, 1000000000, 0);
        sp->et_max_iter = (int)get_int(c, m, "max_iter", 1, 1000000000, 0);
        sp->et_s = (int)get_int(c, m, "s", 1, 1000, 0);
        if (!has_min && !(has_max && has_s)) {
            if (has_max)
                diag_error(c->d, m->line, m->col,
                           "early_terminate: 'max_iter' needs 's' (the number of brackets)");
            else
                diag_error(c->d, m->line, m->col,
                           "early_terminate: hyperband needs 'min_iter', or 'max_iter' and 's'");
        }
        sp->et_strict = get_bool(c, m, "strict", 0);
        break;
    }
    case ET_ASHA:
        sp->et_min_iter = (int)get_int(c, m, "min_iter", 1, 1000000000, 1);
        sp->et_max_iter = (int)get_int(c, m, "max_iter", 1, 1000000000, 0);
        break;
    case ET_MEDIAN:
        sp->et_min_iter = (int)get_int(c, m, "min_iter", 1, 1000000000, 1);
        sp->et_min_trials = (int)get_int(c, m, "min_trials", 1, 1000000, 3);
        break;
    case ET_PATIENCE:
        if (!value_map_get(m, "patience"))
            diag_error(c->d, m->line, m->col, "early_terminate: patience needs 'patience' (values "
                                              "without improvement)");
        sp->et_patience = (int)get_int(c, m, "patience", 1, 1000000000, 1);
        if (get_num(c, m, "min_delta", &x, "early_terminate") == 1) {
            if (!(x >= 0)) {
                const struct value *v = value_map_get(m, "min_delta");
                diag_error(c->d, v->line, v->col, "early_terminate: 'min_delta' must be >= 0");
            }
            sp->et_min_delta = x;
        }
        break;
    }
    sp->et_enabled = 1;
}

/* A command: a list of argv elements (or one string with shell: true),
 * its placeholders checked. */
static void parse_command(struct ctx *c, const struct value *v, char ***cmd, size_t *ncmd,
                          const char *where)
{
    struct space *sp = c->sp;
    if (v->kind == V_STR && sp->shell) {
        *cmd = xcalloc(1, sizeof **cmd);
        (*cmd)[0] = xstrdup(v->u.s);
        *ncmd = 1;
    } else if (v->kind != V_LIST || v->u.list.n == 0) {
        diag_error(c->d, v->line, v->col,
                   "%s must be a non-empty list, one argv element per item (a string needs "
                   "shell: true)",
                   where);
        return;
    } else {
        *cmd = xcalloc(v->u.list.n, sizeof **cmd);
        for (size_t i = 0; i < v->u.list.n; i++) {
            char *s = get_scalar_text(c, v->u.list.v[i], "a command element");
            (*cmd)[(*ncmd)++] = s ? s : xstrdup("");
        }
    }
    for (size_t i = 0; i < *ncmd; i++) {
        const struct value *x = v->kind == V_LIST ? v->u.list.v[i] : v;
        check_placeholders(c, (*cmd)[i], x->line, x->col, sp->shell ? 2 : 1, where);
    }
}

static void parse_resume(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"command", "if_exists", NULL};
    struct space *sp = c->sp;
    if (m->kind == V_LIST) {
        /* halving/hyperband: arguments that make a promoted trial continue
         * from the checkpoint of the rung before (${prev_trial_dir}) */
        if (sp->method != METHOD_HALVING && sp->method != METHOD_HYPERBAND) {
            diag_error(c->d, m->line, m->col,
                       "resume as a list (arguments for a promoted trial) needs method halving "
                       "or hyperband; for retries write {command: [...], if_exists: PATH}");
            return;
        }
        parse_command(c, m, &sp->promote_args, &sp->npromote_args, "resume");
        return;
    }
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col,
                   "resume must be a map {command: [...], if_exists: PATH}, or with halving and "
                   "hyperband a list of arguments for a promoted trial");
        return;
    }
    check_keys(c, m, keys, "resume");
    const struct value *cmd = value_map_get(m, "command");
    if (!cmd) diag_error(c->d, m->line, m->col, "resume needs a 'command'");
    else parse_command(c, cmd, &sp->resume_command, &sp->nresume_command, "resume.command");
    const struct value *f = value_map_get(m, "if_exists");
    if (f) {
        if (f->kind != V_STR || !*f->u.s)
            diag_error(c->d, f->line, f->col, "if_exists must be a path");
        else {
            sp->resume_if_exists = xstrdup(f->u.s);
            check_placeholders(c, f->u.s, f->line, f->col, 0, "resume.if_exists");
        }
    }
}

/* budget: {parameter, min, max, eta, sampler}: the resource that successive
 * halving hands out, rung k getting min * eta^k, the last rung max. */
static void parse_budget(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"parameter", "min", "max", "eta", "sampler", NULL};
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "budget must be a map {parameter, min, max, eta}");
        return;
    }
    check_keys(c, m, keys, "budget");
    sp->has_budget = 1;
    double mn = 0, mx = 0, eta = 3;
    int has_min = get_num(c, m, "min", &mn, "budget"), has_max = get_num(c, m, "max", &mx, "budget");
    int has_eta = get_num(c, m, "eta", &eta, "budget");
    if (!has_min) diag_error(c->d, m->line, m->col, "budget needs 'min' (the first rung's budget)");
    if (!has_max) diag_error(c->d, m->line, m->col, "budget needs 'max' (the last rung's budget)");
    const struct value *vmin = value_map_get(m, "min"), *vmax = value_map_get(m, "max");
    if (has_min > 0 && mn <= 0)
        diag_error(c->d, vmin->line, vmin->col, "budget: 'min' must be > 0");
    if (has_min > 0 && has_max > 0 && mx <= mn)
        diag_error(c->d, vmax->line, vmax->col, "budget: 'max' must be larger than 'min'");
    if (has_eta > 0 && eta < 2) {
        const struct value *ve = value_map_get(m, "eta");
        diag_error(c->d, ve->line, ve->col, "budget: 'eta' must be >= 2");
    }
    sp->budget_min = mn;
    sp->budget_max = mx;
    sp->budget_eta = eta;
    sp->budget_ints = is_int_value(vmin) && is_int_value(vmax);
    sp->budget_param = get_string(c, m, "parameter", "budget.parameter");
    const struct value *smp = value_map_get(m, "sampler");
    if (smp) {
        if (smp->kind == V_STR && !strcmp(smp->u.s, "grid")) sp->sampler = METHOD_GRID;
        else if (smp->kind == V_STR && !strcmp(smp->u.s, "random")) sp->sampler = METHOD_RANDOM;
        else diag_error(c->d, smp->line, smp->col, "budget.sampler must be grid or random");
    } else {
        sp->sampler = METHOD_RANDOM;
    }
    if (sp->budget_param) {
        const struct param *p = space_find(sp, sp->budget_param);
        const struct value *pv = value_map_get(m, "parameter");
        if (p && p->dist != DIST_CONSTANT)
            diag_error(c->d, p->line, p->col,
                       "%s is set by the budget (budget.parameter); declare it with a single "
                       "'value' or not at all",
                       p->path);
        else if (!p && (!*sp->budget_param || strpbrk(sp->budget_param, " ${}")))
            diag_error(c->d, pv->line, pv->col, "budget.parameter must be a parameter name");
        if (!p) add_name(c, sp->budget_param);
    }
}

static void parse_metrics(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"parser", "patterns", "summary", "file", NULL};
    static const char *const parsers[] = {"keyvalue", "jsonl",  "regex", "csv",        "darknet",
                                          "ultralytics", "yolov5", "mmdet", "detectron2", NULL};
    struct space *sp = c->sp;
    if (m->kind == V_LIST) {
        diag_error(c->d, m->line, m->col,
                   "a list under 'metrics' is W&B's multi-objective form (method: custom), "
                   "which sweep does not run; use 'metric' for the objective and 'metrics' "
                   "for the log parser");
        return;
    }
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "metrics must be a map (parser, patterns, summary, file)");
        return;
    }
    check_keys(c, m, keys, "metrics");
    const struct value *p = value_map_get(m, "parser");
    if (p) {
        int ok = p->kind == V_STR;
        if (ok) {
            ok = 0;
            for (const char *const *k = parsers; *k; k++)
                if (!strcmp(*k, p->u.s)) ok = 1;
        }
        if (ok) {
            free(sp->parser);
            sp->parser = xstrdup(p->u.s);
        } else {
            const char *s = p->kind == V_STR ? util_suggest(p->u.s, parsers) : NULL;
            diag_error(c->d, p->line, p->col,
                       "unknown parser '%s'%s%s%s: keyvalue, jsonl, regex, csv, darknet, "
                       "ultralytics, yolov5, mmdet or detectron2",
                       p->kind == V_STR ? p->u.s : "?", s ? " (did you mean '" : "", s ? s : "",
                       s ? "'?)" : "");
        }
    }
    const struct value *pats = value_map_get(m, "patterns");
    if (pats) {
        if (pats->kind != V_LIST) {
            diag_error(c->d, pats->line, pats->col,
                       "patterns must be a list of {name: N, regex: R}");
        } else {
            for (size_t i = 0; i < pats->u.list.n; i++) {
                const struct value *pv = pats->u.list.v[i];
                static const char *const pkeys[] = {"name", "regex", NULL};
                if (pv->kind != V_MAP) {
                    diag_error(c->d, pv->line, pv->col, "a pattern must be {name: N, regex: R}");
                    continue;
                }
                check_keys(c, pv, pkeys, "a pattern");
                char *name = get_string(c, pv, "name", "a pattern's name");
                const struct value *rv = value_map_get(pv, "regex");
                if (!rv || rv->kind != V_STR) {
                    diag_error(c->d, rv ? rv->line : pv->line, rv ? rv->col : pv->col,
                               "a pattern needs a 'regex' string");
                    free(name);
                    continue;
                }
                int ecode;
                PCRE2_SIZE eoff;
                pcre2_code *re = pcre2_compile((PCRE2_SPTR)rv->u.s, PCRE2_ZERO_TERMINATED, 0,
                                               &ecode, &eoff, NULL);
                sp->patterns = xrealloc(sp->patterns, (sp->npatterns + 1) * sizeof *sp->patterns);
                sp->patterns[sp->npatterns++] =
                    (struct pattern){name, xstrdup(rv->u.s), rv->line, rv->col};
                if (!re) {
                    PCRE2_UCHAR buf[256];
                    pcre2_get_error_message(ecode, buf, sizeof buf);
                    diag_error(c->d, rv->line, rv->col, "invalid regex: %s (at offset %zu)",
                               (char *)buf, (size_t)eoff);
                    continue;
                }
                int vgroup = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "value");
                int ngroup = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "name");
                pcre2_code_free(re);
                if (vgroup < 0)
                    diag_error(c->d, rv->line, rv->col,
                               "the regex needs a named group (?<value>...) for the number");
                if (!name && ngroup < 0)
                    diag_error(c->d, pv->line, pv->col,
                               "a pattern needs a 'name', or a named group (?<name>...) in its "
                               "regex");
            }
        }
    }
    const struct value *s = value_map_get(m, "summary");
    if (s) {
        if (s->kind == V_STR && !strcmp(s->u.s, "last")) sp->summary_last = 1;
        else if (s->kind == V_STR && !strcmp(s->u.s, "best")) sp->summary_last = 0;
        else diag_error(c->d, s->line, s->col, "summary must be 'best' or 'last'");
    }
    const struct value *f = value_map_get(m, "file");
    if (f) {
        if (f->kind != V_STR || !*f->u.s) diag_error(c->d, f->line, f->col, "file must be a path");
        else {
            sp->metrics_file = xstrdup(f->u.s);
            check_placeholders(c, f->u.s, f->line, f->col, 0, "metrics.file");
        }
    }
}

static void parse_gpu_list(struct ctx *c, const struct value *g)
{
    struct space *sp = c->sp;
    for (size_t i = 0; i < g->u.list.n; i++) {
        const struct value *e = g->u.list.v[i];
        static const char *const keys[] = {"id", "memory", NULL};
        if (e->kind != V_MAP) {
            diag_error(c->d, e->line, e->col, "a GPU is a map {id: 0, memory: 24GiB}");
            continue;
        }
        check_keys(c, e, keys, "a GPU");
        const struct value *id = value_map_get(e, "id"), *mem = value_map_get(e, "memory");
        struct vgpu v = {0, -1};
        if (!id || id->kind != V_INT || id->u.i < 0 || id->u.i > 4095)
            diag_error(c->d, id ? id->line : e->line, id ? id->col : e->col,
                       "a GPU needs 'id', its index (0, 1, ...)");
        else v.id = (int)id->u.i;
        char *txt = mem ? get_scalar_text(c, mem, "memory") : NULL;
        if (!mem) diag_error(c->d, e->line, e->col, "a GPU needs 'memory' (24GiB)");
        else if (txt && (v.mem_mib = util_parse_size_mib(txt)) <= 0)
            diag_error(c->d, mem->line, mem->col, "memory: a size such as 24GiB or 12000MiB");
        free(txt);
        for (size_t k = 0; k < sp->ngpu_list; k++)
            if (id && id->kind == V_INT && sp->gpu_list[k].id == v.id)
                diag_error(c->d, id->line, id->col, "GPU %d is listed twice", v.id);
        sp->gpu_list = xrealloc(sp->gpu_list, (sp->ngpu_list + 1) * sizeof *sp->gpu_list);
        sp->gpu_list[sp->ngpu_list++] = v;
    }
}

/* A scalar amount of a quantity: a size (memory, MiB) or a duration
 * (seconds); < 0 when it is not one. */
static double amount(const char *txt, int is_mem)
{
    return is_mem ? util_parse_size_mib(txt) : util_parse_duration(txt);
}

/* resources.memory / resources.duration: an amount, a formula over
 * parameters (memory in GiB, duration in minutes), or a table
 * {by: PARAM, values: {VALUE: amount}, default: amount}. */
static void parse_quantity(struct ctx *c, const struct value *v, struct quantity *q,
                           const char *what)
{
    struct space *sp = c->sp;
    int is_mem = !strcmp(what, "memory");
    const char *example = is_mem ? "a size such as 6GiB or 6000MiB" : "a duration such as 45m or 2h";
    if (v->kind == V_MAP) {
        static const char *const keys[] = {"by", "values", "default", NULL};
        check_keys(c, v, keys, what);
        q->kind = Q_TABLE;
        q->dflt = -1;
        q->by = get_string(c, v, "by", is_mem ? "memory.by" : "duration.by");
        if (!value_map_entry(v, "by"))
            diag_error(c->d, v->line, v->col, "%s as a table needs 'by' (a parameter)", what);
        else if (q->by && !space_find(sp, q->by)) {
            const struct value *b = value_map_get(v, "by");
            diag_error(c->d, b->line, b->col, "%s.by: '%s' is not a parameter", what, q->by);
        }
        const struct value *vals = value_map_get(v, "values");
        if (!vals || vals->kind != V_MAP || !vals->u.map.n)
            diag_error(c->d, vals ? vals->line : v->line, vals ? vals->col : v->col,
                       "%s.values: a map from the parameter's values to amounts", what);
        for (size_t i = 0; vals && vals->kind == V_MAP && i < vals->u.map.n; i++) {
            const struct mapent *e = &vals->u.map.e[i];
            char *txt = get_scalar_text(c, e->val, what);
            double a = txt ? amount(txt, is_mem) : -1;
            if (txt && a <= 0) diag_error(c->d, e->val->line, e->val->col, "%s: %s", what, example);
            free(txt);
            q->table = xrealloc(q->table, (q->ntable + 1) * sizeof *q->table);
            q->table[q->ntable++] = (struct qentry){xstrdup(e->key), a};
        }
        const struct value *d = value_map_get(v, "default");
        if (d) {
            char *txt = get_scalar_text(c, d, what);
            if (txt && (q->dflt = amount(txt, is_mem)) <= 0)
                diag_error(c->d, d->line, d->col, "%s.default: %s", what, example);
            free(txt);
        }
        return;
    }
    char *txt = get_scalar_text(c, v, what);
    if (!txt) return;
    double a = amount(txt, is_mem);
    if (a > 0) {
        q->kind = Q_CONST;
        q->value = a;
    } else {
        char msg[128];
        size_t at = 0;
        struct expr *x = expr_compile(txt, msg, sizeof msg, &at);
        if (!x) {
            diag_error(c->d, v->line, v->col,
                       "%s: %s at character %zu of '%s' (%s, or a formula in %s such as %s)", what,
                       msg, at + 1, txt, example, is_mem ? "GiB" : "minutes",
                       is_mem ? "0.9 + 0.11 * batch" : "1.2 * epochs");
        } else {
            for (size_t i = 0; expr_name(x, i); i++) {
                const struct param *p = space_find(sp, expr_name(x, i));
                int budget = sp->budget_param && !strcmp(sp->budget_param, expr_name(x, i));
                if (!p && !budget)
                    diag_error(c->d, v->line, v->col, "%s: '%s' is not a parameter", what,
                               expr_name(x, i));
                else if (p && p->dist == DIST_CATEGORICAL)
                    for (size_t k = 0; k < p->nvalues; k++)
                        if (!value_is_num(p->values[k]) && p->values[k]->kind != V_BOOL) {
                            diag_error(c->d, v->line, v->col,
                                       "%s: %s has values that are not numbers; use a table "
                                       "{by: %s, values: {...}}", what, p->path, p->path);
                            break;
                        }
            }
            q->kind = Q_FORMULA;
            q->expr = x;
            q->unit = is_mem ? 1024 : 60;
        }
    }
    free(txt);
}

static void quantity_release(struct quantity *q)
{
    free(q->by);
    for (size_t i = 0; i < q->ntable; i++) free(q->table[i].key);
    free(q->table);
    expr_free(q->expr);
}

static void parse_resources(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"gpus",         "memory",  "headroom", "max_per_gpu",
                                       "max_parallel", "stagger", "duration", NULL};
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "resources must be a map");
        return;
    }
    check_keys(c, m, keys, "resources");
    const struct value *g = value_map_get(m, "gpus");
    if (g && g->kind == V_STR && !strcmp(g->u.s, "none")) sp->gpus_none = 1;
    else if (g && g->kind == V_STR && !strcmp(g->u.s, "auto")) sp->gpus_auto = 1;
    else if (g && g->kind == V_LIST && g->u.list.n) parse_gpu_list(c, g);
    else if (g)
        diag_error(c->d, g->line, g->col,
                   "gpus must be auto (the GPUs nvidia-smi shows), none (CPU slots) or a list "
                   "[{id: 0, memory: 24GiB}, ...]");
    int packing = sp->gpus_auto || sp->ngpu_list;
    const struct mapent *me = value_map_entry(m, "memory");
    if (me) parse_quantity(c, me->val, &sp->mem, "memory");
    const struct mapent *de = value_map_entry(m, "duration");
    if (de) parse_quantity(c, de->val, &sp->duration, "duration");
    const struct mapent *he = value_map_entry(m, "headroom");
    if (he) {
        const struct value *h = he->val;
        char *txt = get_scalar_text(c, h, "headroom");
        size_t n = txt ? strlen(txt) : 0;
        if (txt && n > 1 && txt[n - 1] == '%') {
            char *end;
            txt[n - 1] = '\0';
            double f = strtod(txt, &end);
            if (*end || !(f >= 0 && f < 100))
                diag_error(c->d, h->line, h->col, "headroom: a percentage from 0 to 99%%");
            else sp->headroom_frac = f / 100;
        } else if (txt) {
            double mib = util_parse_size_mib(txt);
            if (mib < 0)
                diag_error(c->d, h->line, h->col,
                           "headroom: a percentage (12%%) or an amount (2GiB)");
            else sp->headroom_mib = mib, sp->headroom_frac = 0;
        }
        free(txt);
    }
    sp->max_per_gpu = (int)get_int(c, m, "max_per_gpu", 1, 4096, 0);
    static const char *const gpu_keys[] = {"memory", "headroom", "max_per_gpu", NULL};
    for (const char *const *k = gpu_keys; *k && !packing; k++) {
        const struct mapent *e = value_map_entry(m, *k);
        if (e)
            diag_error(c->d, e->line, e->col,
                       "'%s' is for GPU packing: set resources.gpus to auto or a list", *k);
    }
    /* with GPUs, how many trials run is the GPUs' business unless capped */
    if (packing) sp->max_parallel = 4096;
    sp->max_parallel = (int)get_int(c, m, "max_parallel", 1, 4096, sp->max_parallel);
    sp->stagger = get_duration(c, m, "stagger", sp->stagger);
}

static void parse_templates(struct ctx *c, const struct value *v)
{
    struct space *sp = c->sp;
    if (v->kind != V_LIST) {
        diag_error(c->d, v->line, v->col, "templates must be a list of {from: FILE, to: PATH}");
        return;
    }
    for (size_t i = 0; i < v->u.list.n; i++) {
        static const char *const keys[] = {"from", "to", NULL};
        const struct value *t = v->u.list.v[i];
        if (t->kind != V_MAP) {
            diag_error(c->d, t->line, t->col, "a template must be {from: FILE, to: PATH}");
            continue;
        }
        check_keys(c, t, keys, "a template");
        const struct value *from = value_map_get(t, "from"), *to = value_map_get(t, "to");
        if (!from || from->kind != V_STR || !to || to->kind != V_STR) {
            diag_error(c->d, t->line, t->col, "a template needs 'from' and 'to' paths");
            continue;
        }
        char *path = from->u.s[0] == '/' ? xstrdup(from->u.s)
                                         : xasprintf("%s/%s", sp->dir, from->u.s);
        struct err e = {0};
        char *text = util_read_file(path, NULL, &e);
        if (!text) {
            diag_error(c->d, from->line, from->col, "template %s", e.msg);
            free(path);
            continue;
        }
        check_template_text(c, path, text);
        check_placeholders(c, to->u.s, to->line, to->col, 0, "a template's 'to'");
        sp->templates = xrealloc(sp->templates, (sp->ntemplates + 1) * sizeof *sp->templates);
        sp->templates[sp->ntemplates++] = (struct template_file){path, text, xstrdup(to->u.s)};
    }
}

static void parse_env(struct ctx *c, const struct value *m)
{
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "env must be a map of NAME: value");
        return;
    }
    for (size_t i = 0; i < m->u.map.n; i++) {
        const struct mapent *e = &m->u.map.e[i];
        int ok = isalpha((unsigned char)e->key[0]) || e->key[0] == '_';
        for (const char *q = e->key; *q; q++)
            if (!(isalnum((unsigned char)*q) || *q == '_')) ok = 0;
        if (!ok) {
            diag_error(c->d, e->line, e->col, "'%s' is not a valid environment variable name",
                       e->key);
            continue;
        }
        char *val = get_scalar_text(c, e->val, "an env value");
        if (!val) continue;
        check_placeholders(c, val, e->val->line, e->val->col, 0, "env");
        sp->env = xrealloc(sp->env, (sp->nenv + 1) * sizeof *sp->env);
        sp->env[sp->nenv++] = (struct envvar){xstrdup(e->key), val};
    }
}

static int program_on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path) return 0;
    char *copy = xstrdup(path), *save = NULL;
    int found = 0;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *full = xasprintf("%s/%s", *dir ? dir : ".", name);
        found = access(full, X_OK) == 0;
        free(full);
    }
    free(copy);
    return found;
}

/* 1 if an unknown key of m is a misspelling of key (already reported). */
static int misspelt(const struct value *m, const char *key)
{
    for (size_t i = 0; i < m->u.map.n; i++) {
        const char *k = m->u.map.e[i].key;
        int known = 0;
        for (const char *const *t = TOP_KEYS; *t; t++)
            if (!strcmp(*t, k)) known = 1;
        const char *one[] = {key, NULL};
        if (!known && util_suggest(k, one)) return 1;
    }
    return 0;
}

static void build(struct ctx *c, const struct value *root)
{
    struct space *sp = c->sp;
    struct diag *d = c->d;
    if (root->kind != V_MAP) {
        diag_error(d, root->line ? root->line : 1, root->col ? root->col : 1,
                   "a sweep file must be a map of keys (method, parameters, ...)");
        return;
    }
    check_keys(c, root, TOP_KEYS, "the sweep file");

    /* defaults */
    sp->max_parallel = 1;
    sp->stop_grace = 10;
    sp->headroom_frac = 0.10;
    sp->parser = xstrdup("keyvalue");

    const struct value *v;
    if ((v = value_map_get(root, "name"))) {
        char *s = get_scalar_text(c, v, "name");
        sp->name = s;
    }
    const struct value *shell = value_map_get(root, "shell");
    if (shell) sp->shell = get_bool(c, root, "shell", 0);

    /* parameters first: placeholders elsewhere are checked against them */
    const struct mapent *pe = value_map_entry(root, "parameters");
    if (!pe) {
        if (!misspelt(root, "parameters")) diag_error(d, 1, 1, "the sweep file needs 'parameters'");
    }
    else if (pe->val->kind != V_MAP || pe->val->u.map.n == 0)
        diag_error(d, pe->line, pe->col,
                   "'parameters' must be a non-empty map of parameter names to their specs");
    else parse_params(c, pe->val, NULL, 0);
    sp->order = xcalloc(sp->nparams ? sp->nparams : 1, sizeof *sp->order);
    for (size_t i = 0; i < sp->nparams; i++) sp->order[i] = i;
    qsort_r(sp->order, sp->nparams, sizeof *sp->order, cmp_sortkey, sp->params);

    const struct mapent *me = value_map_entry(root, "method");
    int method_ok = 0;
    if (!me) {
        if (!misspelt(root, "method"))
            diag_error(d, 1, 1, "the sweep file needs 'method' (grid, random, halving or hyperband)");
    } else {
        static const char *const methods[] = {"grid", "random", "bayes", "halving",
                                              "hyperband", NULL};
        const struct value *mv = me->val;
        method_ok = 1;
        if (mv->kind == V_STR && !strcmp(mv->u.s, "grid")) sp->method = METHOD_GRID;
        else if (mv->kind == V_STR && !strcmp(mv->u.s, "random")) sp->method = METHOD_RANDOM;
        else if (mv->kind == V_STR && !strcmp(mv->u.s, "halving")) sp->method = METHOD_HALVING;
        else if (mv->kind == V_STR && !strcmp(mv->u.s, "hyperband")) sp->method = METHOD_HYPERBAND;
        else method_ok = 0;
        if (method_ok) {
            /* known */
        } else if (mv->kind == V_STR && !strcmp(mv->u.s, "bayes"))
            diag_error(d, mv->line, mv->col,
                       "method 'bayes' is not available in this version (grid, random, halving "
                       "and hyperband are); it is never run as random");
        else {
            const char *s = mv->kind == V_STR ? util_suggest(mv->u.s, methods) : NULL;
            diag_error(d, mv->line, mv->col,
                       "unknown method '%s'%s%s%s: grid, random, halving or hyperband",
                       mv->kind == V_STR ? mv->u.s : "?", s ? " (did you mean '" : "", s ? s : "",
                       s ? "'?)" : "");
        }
    }

    if ((v = value_map_get(root, "metric"))) parse_metric(c, v);
    if ((v = value_map_get(root, "early_terminate"))) {
        parse_early_terminate(c, v);
        if (sp->et_enabled && !sp->metric_name)
            diag_error(d, v->line, v->col, "early_terminate needs a 'metric' to compare trials by");
    }
    sp->sampler = sp->method;
    v = value_map_get(root, "budget");
    if (method_ok && (sp->method == METHOD_HALVING || sp->method == METHOD_HYPERBAND)) {
        if (!v) diag_error(d, me->val->line, me->val->col,
                           "method %s needs a 'budget' {parameter, min, max, eta}",
                           space_method_name(sp->method));
        else parse_budget(c, v);
        if (sp->et_enabled) {
            const struct value *et = value_map_get(root, "early_terminate");
            diag_error(d, et->line, et->col,
                       "early_terminate does not combine with method %s, which stops "
                       "configurations itself", space_method_name(sp->method));
        }
        if (!sp->metric_name)
            diag_error(d, me->val->line, me->val->col,
                       "method %s needs a 'metric' to decide which configurations go on",
                       space_method_name(sp->method));
    } else if (v) {
        diag_error(d, v->line, v->col, "'budget' is for methods halving and hyperband");
    }

    long long cap = get_int(c, root, "run_cap", 1, 9223372036854775807LL, 0);
    long long trials = get_int(c, root, "trials", 1, 9223372036854775807LL, 0);
    if (cap && trials && cap != trials) {
        const struct mapent *te = value_map_entry(root, "trials");
        diag_error(d, te->line, te->col,
                   "'trials' (%lld) and 'run_cap' (%lld) are the same setting and disagree",
                   trials, cap);
    }
    sp->run_cap = cap ? cap : trials;
    if ((v = value_map_get(root, "seed"))) {
        if (v->kind != V_INT) diag_error(d, v->line, v->col, "seed must be an integer");
        else sp->seed = (unsigned long long)v->u.i;
    }
    sp->retries = (int)get_int(c, root, "retries", 0, 1000, 0);
    sp->timeout = get_duration(c, root, "timeout", 0);
    sp->stall_timeout = get_duration(c, root, "stall_timeout", 0);
    sp->stop_grace = get_duration(c, root, "stop_grace", sp->stop_grace);

    if ((v = value_map_get(root, "executor"))) {
        if (v->kind != V_STR || strcmp(v->u.s, "local")) {
            if (v->kind == V_STR && !strcmp(v->u.s, "slurm"))
                diag_error(d, v->line, v->col,
                           "executor slurm is not available in this version (local is)");
            else diag_error(d, v->line, v->col, "executor must be 'local'");
        }
    }
    if ((v = value_map_get(root, "scheduler")))
        diag_error(d, v->line, v->col,
                   "W&B's 'scheduler' (Optuna/Ax engines) is not supported; use method");
    if ((v = value_map_get(root, "resources"))) parse_resources(c, v);
    if ((v = value_map_get(root, "metrics"))) parse_metrics(c, v);
    if (!strcmp(sp->parser, "regex") && sp->npatterns == 0)
        diag_error(d, 1, 1, "parser: regex needs 'patterns' under metrics");
    if (strcmp(sp->parser, "regex") && sp->npatterns > 0) {
        const struct mapent *mm = value_map_entry(value_map_get(root, "metrics"), "patterns");
        diag_error(d, mm->line, mm->col, "'patterns' are used by parser: regex only");
    }
    if ((v = value_map_get(root, "env"))) parse_env(c, v);
    if ((v = value_map_get(root, "templates"))) parse_templates(c, v);

    if ((v = value_map_get(root, "program"))) {
        sp->program = get_scalar_text(c, v, "program");
    }
    if ((v = value_map_get(root, "interpreter"))) sp->interpreter = get_scalar_text(c, v, "interpreter");
    else sp->interpreter = xstrdup(program_on_path("python") ? "python" : "python3");

    const struct value *cmd = value_map_get(root, "command");
    if (cmd) parse_command(c, cmd, &sp->command, &sp->ncommand, "command");
    else {
        static const char *const dflt[] = {"${env}", "${interpreter}", "${program}", "${args}"};
        sp->command = xcalloc(4, sizeof *sp->command);
        for (int i = 0; i < 4; i++) sp->command[i] = xstrdup(dflt[i]);
        sp->ncommand = 4;
    }
    if ((v = value_map_get(root, "resume"))) parse_resume(c, v);
    int uses_program = 0;
    for (size_t i = 0; i < sp->ncommand; i++)
        if (strstr(sp->command[i], "${program}")) uses_program = 1;
    for (size_t i = 0; i < sp->nresume_command; i++)
        if (strstr(sp->resume_command[i], "${program}")) uses_program = 1;
    if (uses_program && !sp->program)
        diag_error(d, cmd ? cmd->line : 1, cmd ? cmd->col : 1,
                   cmd ? "command uses ${program}, but there is no 'program'"
                       : "the sweep file needs 'command' or 'program' (the default command is "
                         "${env} ${interpreter} ${program} ${args})");

    if ((v = value_map_get(root, "job")) || (v = value_map_get(root, "image_uri")))
        diag_warn(d, v->line, v->col, "W&B Launch keys (job, image_uri) are ignored");
    if ((v = value_map_get(root, "controller")))
        diag_warn(d, v->line, v->col, "'controller' is ignored: sweep is its own controller");

    /* grid needs finite values everywhere */
    if (method_ok && sp->sampler == METHOD_GRID) {
        for (size_t i = 0; i < sp->nparams; i++) {
            const struct param *p = &sp->params[i];
            int ok = p->dist == DIST_CONSTANT || p->dist == DIST_INT_UNIFORM ||
                     p->dist == DIST_Q_UNIFORM || (p->dist == DIST_CATEGORICAL && !p->probs) ||
                     p->num > 0;
            if (p->dist == DIST_CATEGORICAL && p->probs)
                diag_error(d, p->line, p->col,
                           "%s: 'probabilities' are for random search; grid runs every value",
                           p->path);
            else if (!ok)
                diag_error(d, p->line, p->col,
                           "%s: grid needs finite values, but %s is continuous; give 'values', "
                           "'num' (points across the range) or use q_uniform with 'q'",
                           p->path, space_dist_name(p->dist));
            if (p->dist == DIST_Q_UNIFORM && ceil((p->max - p->min) / p->q) > 1e9)
                diag_error(d, p->line, p->col, "%s: q_uniform gives more than 10^9 grid values",
                           p->path);
        }
    }
    if (method_ok && sp->method == METHOD_HALVING && sp->has_budget &&
        sp->sampler == METHOD_RANDOM && !sp->run_cap)
        diag_error(d, me->val->line, me->val->col,
                   "method halving with random configurations needs run_cap (how many "
                   "configurations the first rung runs)");
    if (method_ok && sp->sampler == METHOD_RANDOM)
        for (size_t i = 0; i < sp->nparams; i++)
            if (sp->params[i].num)
                diag_warn(d, sp->params[i].line, sp->params[i].col,
                          "%s: 'num' only matters for grid; random search samples the whole range",
                          sp->params[i].path);
}

struct space *space_load_text(const char *path, const char *text, size_t len, struct diag *d)
{
    struct space *sp = xcalloc(1, sizeof *sp);
    sp->path = xstrdup(path);
    char *tmp = xstrdup(path);
    sp->dir = xstrdup(dirname(tmp));
    free(tmp);
    sp->text = xstrndup(text, len);
    sp->textlen = len;
    util_sha256_hex(text, len, sp->hash);
    size_t before = d->nerrors;
    struct value *root = ydoc_load(text, len, d);
    if (!root) {
        space_free(sp);
        return NULL;
    }
    struct ctx c = {d, sp, NULL, 0};
    build(&c, root);
    for (size_t i = 0; i < c.nnames; i++) free(c.names[i]);
    free(c.names);
    value_free(root);
    if (d->nerrors != before) {
        space_free(sp);
        return NULL;
    }
    return sp;
}

struct space *space_load(const char *path, struct diag *d)
{
    struct err e = {0};
    size_t len;
    char *text = util_read_file(path, &len, &e);
    if (!text) {
        diag_error(d, 0, 0, "cannot read: %s", strerror(e.code));
        return NULL;
    }
    if (memchr(text, '\0', len)) {
        diag_error(d, 0, 0, "the file contains NUL bytes: not a YAML text file");
        free(text);
        return NULL;
    }
    struct space *sp = space_load_text(path, text, len, d);
    free(text);
    return sp;
}

void space_free(struct space *sp)
{
    if (!sp) return;
    free(sp->path);
    free(sp->dir);
    free(sp->text);
    free(sp->name);
    free(sp->metric_name);
    for (size_t i = 0; i < sp->ncommand; i++) free(sp->command[i]);
    free(sp->command);
    free(sp->gpu_list);
    quantity_release(&sp->mem);
    quantity_release(&sp->duration);
    for (size_t i = 0; i < sp->npromote_args; i++) free(sp->promote_args[i]);
    free(sp->promote_args);
    free(sp->budget_param);
    for (size_t i = 0; i < sp->nresume_command; i++) free(sp->resume_command[i]);
    free(sp->resume_command);
    free(sp->resume_if_exists);
    free(sp->program);
    free(sp->interpreter);
    free(sp->parser);
    for (size_t i = 0; i < sp->npatterns; i++) {
        free(sp->patterns[i].name);
        free(sp->patterns[i].regex);
    }
    free(sp->patterns);
    free(sp->metrics_file);
    for (size_t i = 0; i < sp->ntemplates; i++) {
        free(sp->templates[i].from);
        free(sp->templates[i].text);
        free(sp->templates[i].to);
    }
    free(sp->templates);
    for (size_t i = 0; i < sp->nenv; i++) {
        free(sp->env[i].name);
        free(sp->env[i].value);
    }
    free(sp->env);
    for (size_t i = 0; i < sp->nparams; i++) param_release(&sp->params[i]);
    free(sp->params);
    free(sp->order);
    free(sp);
}

const struct param *space_find(const struct space *sp, const char *name)
{
    for (size_t i = 0; i < sp->nparams; i++)
        if (!strcmp(sp->params[i].path, name)) return &sp->params[i];
    return NULL;
}

int space_has_name(const struct space *sp, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sp->nparams; i++) {
        const char *p = sp->params[i].path;
        if (!strcmp(p, name)) return 1;
        if (!strncmp(p, name, n) && p[n] == '.') return 1; /* a group */
    }
    return 0;
}

int space_better(const struct space *sp, double a, double b)
{
    return sp->goal == GOAL_MAXIMIZE ? a > b : a < b;
}
