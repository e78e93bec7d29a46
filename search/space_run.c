/* space_run.c - the sections that shape a run: metric, early_terminate,
 * command, resume and budget. */
#include "search/methods.h"
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
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int space_rungs(const struct space *sp)
{
    const struct method_def *m = method_of(sp);
    return (m->flags & METHOD_RUNGS) || ((m->flags & METHOD_BUDGET_RUNGS) && sp->has_budget);
}

int space_learns(const struct space *sp)
{
    return (method_of(sp)->flags & METHOD_LEARNS) != 0;
}

/* ---- the rest of the file ---- */

void sx_parse_metric(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"name", "goal", "target", "impute",
                                       "impute_while_running", NULL};
    static const char *const goals[] = {"minimize", "maximize", NULL};
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "metric must be a map with 'name' and 'goal'");
        return;
    }
    sx_check_keys(c, m, keys, "metric");
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
    if (sx_get_num(c, m, "target", &t, "metric") == 1) {
        sp->has_target = 1;
        sp->target = t;
    }
}

void sx_parse_early_terminate(struct ctx *c, const struct value *m)
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
    sx_check_keys(c, m, keys[type], type == ET_HYPERBAND ? "early_terminate (hyperband)"
                                 : type == ET_ASHA     ? "early_terminate (asha)"
                                 : type == ET_MEDIAN   ? "early_terminate (median)"
                                                       : "early_terminate (patience)");
    sp->et_eta = 3;
    double x;
    if (sx_get_num(c, m, "eta", &x, "early_terminate") == 1) {
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
        sp->et_min_iter = (int)sx_get_int(c, m, "min_iter", 1, 1000000000, 0);
        sp->et_max_iter = (int)sx_get_int(c, m, "max_iter", 1, 1000000000, 0);
        sp->et_s = (int)sx_get_int(c, m, "s", 1, 1000, 0);
        if (!has_min && !(has_max && has_s)) {
            if (has_max)
                diag_error(c->d, m->line, m->col,
                           "early_terminate: 'max_iter' needs 's' (the number of brackets)");
            else
                diag_error(c->d, m->line, m->col,
                           "early_terminate: hyperband needs 'min_iter', or 'max_iter' and 's'");
        }
        sp->et_strict = sx_get_bool(c, m, "strict", 0);
        break;
    }
    case ET_ASHA:
        sp->et_min_iter = (int)sx_get_int(c, m, "min_iter", 1, 1000000000, 1);
        sp->et_max_iter = (int)sx_get_int(c, m, "max_iter", 1, 1000000000, 0);
        break;
    case ET_MEDIAN:
        sp->et_min_iter = (int)sx_get_int(c, m, "min_iter", 1, 1000000000, 1);
        sp->et_min_trials = (int)sx_get_int(c, m, "min_trials", 1, 1000000, 3);
        break;
    case ET_PATIENCE:
        if (!value_map_get(m, "patience"))
            diag_error(c->d, m->line, m->col, "early_terminate: patience needs 'patience' (values "
                                              "without improvement)");
        sp->et_patience = (int)sx_get_int(c, m, "patience", 1, 1000000000, 1);
        if (sx_get_num(c, m, "min_delta", &x, "early_terminate") == 1) {
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
void sx_parse_command(struct ctx *c, const struct value *v, char ***cmd, size_t *ncmd,
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
            char *s = sx_get_scalar_text(c, v->u.list.v[i], "a command element");
            (*cmd)[(*ncmd)++] = s ? s : xstrdup("");
        }
    }
    for (size_t i = 0; i < *ncmd; i++) {
        const struct value *x = v->kind == V_LIST ? v->u.list.v[i] : v;
        sx_check_placeholders(c, (*cmd)[i], x->line, x->col, sp->shell ? 2 : 1, where);
    }
}

/* promote_args (resume as a list): arguments that make a promoted trial of
 * halving/hyperband continue from the checkpoint of the rung before
 * (${prev_trial_dir}). */
void sx_parse_promote_args(struct ctx *c, const struct value *m, const char *key)
{
    struct space *sp = c->sp;
    if (m->kind != V_LIST) {
        diag_error(c->d, m->line, m->col, "%s must be a list of arguments for a promoted trial",
                   key);
        return;
    }
    if (!space_rungs(sp)) {
        diag_error(c->d, m->line, m->col,
                   "%s (arguments for a promoted trial) needs method halving, hyperband or "
                   "bayes with a budget; for "
                   "retries write rerun: {command: [...], if_exists: PATH}",
                   key);
        return;
    }
    sx_parse_command(c, m, &sp->promote_args, &sp->npromote_args, key);
}

/* rerun (resume as a map): how a trial that runs again continues from its
 * checkpoint. */
void sx_parse_rerun(struct ctx *c, const struct value *m, const char *key)
{
    static const char *const keys[] = {"command", "if_exists", NULL};
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "%s must be a map {command: [...], if_exists: PATH}",
                   key);
        return;
    }
    sx_check_keys(c, m, keys, key);
    const struct value *cmd = value_map_get(m, "command");
    char where[64];
    snprintf(where, sizeof where, "%s.command", key);
    if (!cmd) diag_error(c->d, m->line, m->col, "%s needs a 'command'", key);
    else sx_parse_command(c, cmd, &sp->resume_command, &sp->nresume_command, where);
    const struct value *f = value_map_get(m, "if_exists");
    snprintf(where, sizeof where, "%s.if_exists", key);
    if (f) {
        if (f->kind != V_STR || !*f->u.s)
            diag_error(c->d, f->line, f->col, "if_exists must be a path");
        else {
            sp->resume_if_exists = xstrdup(f->u.s);
            sx_check_placeholders(c, f->u.s, f->line, f->col, 0, where);
        }
    }
}

void sx_parse_prior(struct ctx *c, const struct value *v, int method_ok)
{
    struct space *sp = c->sp;
    if (method_ok && !space_learns(sp)) {
        struct sb ms;
        sb_init(&ms);
        method_names(&ms, METHOD_LEARNS, "and");
        diag_error(c->d, v->line, v->col,
                   "prior (earlier sweeps' results) is for methods %s, which learn from them",
                   sb_str(&ms));
        sb_release(&ms);
        return;
    }
    if (sp->has_budget) {
        diag_error(c->d, v->line, v->col,
                   "prior does not combine with a budget (BOHB): an earlier sweep's results "
                   "have no rung to be learnt at");
        return;
    }
    size_t n = v->kind == V_LIST ? v->u.list.n : 1;
    for (size_t i = 0; i < n; i++) {
        const struct value *x = v->kind == V_LIST ? v->u.list.v[i] : v;
        if (x->kind != V_STR || !*x->u.s) {
            diag_error(c->d, x->line, x->col, "prior: a sweep directory (a path), or a list of them");
            continue;
        }
        sp->priors = xrealloc(sp->priors, (sp->npriors + 1) * sizeof *sp->priors);
        sp->priors[sp->npriors++] = xstrdup(x->u.s);
    }
}

/* resume: the older key of both, told apart by its form. */
void sx_parse_resume(struct ctx *c, const struct value *m, const char *key)
{
    if (m->kind == V_LIST) sx_parse_promote_args(c, m, key);
    else if (m->kind == V_MAP) sx_parse_rerun(c, m, key);
    else
        diag_error(c->d, m->line, m->col,
                   "%s must be a map {command: [...], if_exists: PATH} (or write rerun:), or with "
                   "halving and hyperband a list of arguments for a promoted trial (or write "
                   "promote_args:)",
                   key);
}

/* budget: {parameter, min, max, eta, sampler}: the resource that successive
 * halving hands out, rung k getting min * eta^k, the last rung max. */
void sx_parse_budget(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"parameter", "min", "max", "eta", "sampler", NULL};
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "budget must be a map {parameter, min, max, eta}");
        return;
    }
    sx_check_keys(c, m, keys, "budget");
    sp->has_budget = 1;
    double mn = 0, mx = 0, eta = 3;
    int has_min = sx_get_num(c, m, "min", &mn, "budget"), has_max = sx_get_num(c, m, "max", &mx, "budget");
    int has_eta = sx_get_num(c, m, "eta", &eta, "budget");
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
    sp->budget_ints = sx_is_int_value(vmin) && sx_is_int_value(vmax);
    sp->budget_param = sx_get_string(c, m, "parameter", "budget.parameter");
    const struct value *smp = value_map_get(m, "sampler");
    if (smp && (method_of(sp)->flags & METHOD_BUDGET_RUNGS)) {
        struct sb ms;
        sb_init(&ms);
        method_names(&ms, METHOD_RUNGS, "and");
        diag_error(c->d, smp->line, smp->col,
                   "budget.sampler is for %s: %s proposes its configurations itself", sb_str(&ms),
                   method_of(sp)->name);
        sb_release(&ms);
    } else if (smp) {
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
        if (!p) sx_add_name(c, sp->budget_param);
    }
}

