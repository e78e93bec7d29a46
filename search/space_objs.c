/* space_objs.c - several objectives and constraints in the sweep file
 * (issue 28): `metric:` as a list of {name, goal}, and `constraints:` as a
 * list of "NAME <= NUMBER" (also <, >=, >) on the last value a trial logs of
 * a metric. The single-metric map stays as it was (space_run.c). */
#include "search/space_int.h"

#include "base/util.h"
#include "base/value.h"
#include "search/diag.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sx_objs_free(struct space *sp)
{
    for (size_t i = 0; i < sp->nobjs; i++) free(sp->obj_names[i]);
    free(sp->obj_names);
    free(sp->obj_max);
    for (size_t i = 0; i < sp->ncons; i++) free(sp->con_names[i]);
    free(sp->con_names);
    free(sp->con_le);
    free(sp->con_bound);
}

static void add_objective(struct space *sp, const char *name, int max)
{
    sp->obj_names = xrealloc(sp->obj_names, (sp->nobjs + 1) * sizeof *sp->obj_names);
    sp->obj_max = xrealloc(sp->obj_max, (sp->nobjs + 1) * sizeof *sp->obj_max);
    sp->obj_names[sp->nobjs] = xstrdup(name);
    sp->obj_max[sp->nobjs++] = max;
}

void sx_parse_objectives(struct ctx *c, const struct value *list)
{
    static const char *const keys[] = {"name", "goal", NULL};
    struct space *sp = c->sp;
    if (list->u.list.n < 1) {
        diag_error(c->d, list->line, list->col, "metric: a list needs at least one objective");
        return;
    }
    for (size_t i = 0; i < list->u.list.n; i++) {
        const struct value *m = list->u.list.v[i];
        if (m->kind != V_MAP) {
            diag_error(c->d, m->line, m->col, "an objective is a map {name, goal}");
            continue;
        }
        sx_check_keys(c, m, keys, "objective");
        const struct value *n = value_map_get(m, "name"), *g = value_map_get(m, "goal");
        if (!n || n->kind != V_STR || !*n->u.s) {
            diag_error(c->d, n ? n->line : m->line, n ? n->col : m->col,
                       "an objective needs a 'name' (the metric's, as logged)");
            continue;
        }
        int max = 0;
        if (!g || g->kind != V_STR || (strcmp(g->u.s, "minimize") && strcmp(g->u.s, "maximize"))) {
            diag_error(c->d, g ? g->line : m->line, g ? g->col : m->col,
                       "objective %s needs a 'goal': minimize or maximize", n->u.s);
            continue;
        }
        max = !strcmp(g->u.s, "maximize");
        for (size_t k = 0; k < sp->nobjs; k++)
            if (!strcmp(sp->obj_names[k], n->u.s))
                diag_error(c->d, n->line, n->col, "objective %s is named twice", n->u.s);
        add_objective(sp, n->u.s, max);
    }
    if (!sp->nobjs) return;
    sp->metric_name = xstrdup(sp->obj_names[0]); /* the first: what one objective uses */
    sp->goal = sp->obj_max[0] ? GOAL_MAXIMIZE : GOAL_MINIMIZE;
    if (sp->nobjs == 1) { /* a list of one is the single metric */
        sx_objs_free(sp);
        sp->nobjs = 0;
        sp->obj_names = NULL;
        sp->obj_max = NULL;
        sp->ncons = 0;
        sp->con_names = NULL;
        sp->con_le = NULL;
        sp->con_bound = NULL;
    }
}

/* "NAME OP NUMBER": 0, or -1 with *at the column (0-based) of the mistake. */
static int parse_constraint(const char *s, char **name, int *le, double *bound, size_t *at,
                            const char **why)
{
    size_t i = 0, n0;
    while (s[i] == ' ') i++;
    n0 = i;
    while (s[i] && s[i] != ' ' && s[i] != '<' && s[i] != '>') i++;
    if (i == n0) {
        *at = i;
        *why = "a constraint starts with the metric's name";
        return -1;
    }
    size_t n1 = i;
    while (s[i] == ' ') i++;
    if (s[i] != '<' && s[i] != '>') {
        *at = i;
        *why = "expected <=, <, >= or > after the metric's name";
        return -1;
    }
    *le = s[i] == '<';
    i++;
    if (s[i] == '=') i++;
    while (s[i] == ' ') i++;
    char *end;
    errno = 0;
    double b = strtod(s + i, &end);
    if (end == s + i || errno || !isfinite(b)) {
        *at = i;
        *why = "expected a number (in the metric's own unit) after the comparison";
        return -1;
    }
    size_t j = (size_t)(end - s);
    while (s[j] == ' ') j++;
    if (s[j]) {
        *at = j;
        *why = "unexpected text after the number (a unit? write the number in the metric's unit)";
        return -1;
    }
    *name = xstrndup(s + n0, n1 - n0);
    *bound = b;
    return 0;
}

void sx_parse_constraints(struct ctx *c, const struct value *list)
{
    struct space *sp = c->sp;
    if (list->kind != V_LIST) {
        diag_error(c->d, list->line, list->col,
                   "constraints is a list of \"NAME <= NUMBER\" (or <, >=, >)");
        return;
    }
    for (size_t i = 0; i < list->u.list.n; i++) {
        const struct value *v = list->u.list.v[i];
        if (v->kind != V_STR) {
            diag_error(c->d, v->line, v->col, "a constraint is a string: \"latency_ms <= 5\"");
            continue;
        }
        char *name;
        int le;
        double bound;
        size_t at;
        const char *why;
        if (parse_constraint(v->u.s, &name, &le, &bound, &at, &why)) {
            /* the column of the mistake inside a quoted scalar: one after its quote */
            diag_error(c->d, v->line, v->col + (int)at + 1, "%s", why);
            continue;
        }
        sp->con_names = xrealloc(sp->con_names, (sp->ncons + 1) * sizeof *sp->con_names);
        sp->con_le = xrealloc(sp->con_le, (sp->ncons + 1) * sizeof *sp->con_le);
        sp->con_bound = xrealloc(sp->con_bound, (sp->ncons + 1) * sizeof *sp->con_bound);
        sp->con_names[sp->ncons] = name;
        sp->con_le[sp->ncons] = le;
        sp->con_bound[sp->ncons++] = bound;
    }
}

double space_violation(const struct space *sp, const double *vals)
{
    double v = 0;
    for (size_t k = 0; k < sp->ncons; k++) {
        if (isnan(vals[k])) {
            v += 1; /* never logged: not met */
            continue;
        }
        double off = sp->con_le[k] ? vals[k] - sp->con_bound[k] : sp->con_bound[k] - vals[k];
        if (off > 0) v += off;
    }
    return v;
}
