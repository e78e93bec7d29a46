/* space.c - reading a search-space file into struct space, and checking it.
 *
 * Checks are done against the tree from ydoc.c. Every problem is reported
 * with the position of the key or value it is about, and checking goes on
 * after an error so that a user sees all of a file's problems at once.
 * W&B's rules are in ../shared/reference/wandb-sweep-format.md; where it is
 * ambiguous, docs/config.md says what we chose. This file: loading, the
 * top-level keys and the checks across sections; each section is read in
 * its own file (space_int.h). */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const TOP_KEYS[] = {
    /* W&B */
    "program", "method", "parameters", "metric", "early_terminate", "command", "run_cap",
    "name", "description", "entity", "project", "controller", "job", "image_uri", "scheduler",
    "metrics", "apiVersion", "kind",
    /* sweep */
    "seed", "trials", "budget", "templates", "resources", "retries", "timeout", "priority",
    "stall_timeout", "stop_grace", "env", "shell", "executor", "interpreter", "resume", "promote_args", "rerun", "prior",
    "constraints",
    "fail_fast", "stage", NULL};

/* The top-level keys: the file's own, and a section for each executor
 * (space_env.executors; without them, the one the file names). */
static void check_top_keys(struct ctx *c, const struct value *root)
{
    size_t n = 0, k = 0;
    const char *const *ex = c->env ? c->env->executors : NULL;
    while (TOP_KEYS[n]) n++;
    while (ex && ex[k]) k++;
    const char **allowed = xcalloc(n + k + 2, sizeof *allowed);
    memcpy(allowed, TOP_KEYS, n * sizeof *allowed);
    if (ex) memcpy(allowed + n, ex, k * sizeof *allowed);
    const struct value *v = value_map_get(root, "executor");
    if (!ex && v && v->kind == V_STR) allowed[n + k] = v->u.s;
    sx_check_keys(c, root, allowed, "the sweep file");
    free(allowed);
}

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

/* method: which search. 1 when it is one this version runs (*me_out: its
 * entry, NULL if there is none). */
static int parse_method(struct ctx *c, const struct value *root, const struct mapent **me_out)
{
    struct space *sp = c->sp;
    struct diag *d = c->d;
    const struct mapent *me = value_map_entry(root, "method");
    *me_out = me;
    int method_ok = 0;
    struct sb names;
    sb_init(&names);
    method_names(&names, 0, "or");
    if (!me) {
        if (!misspelt(root, "method"))
            diag_error(d, 1, 1, "the sweep file needs 'method' (%s)", sb_str(&names));
    } else {
        const struct value *mv = me->val;
        const struct method_def *m = mv->kind == V_STR ? method_find(mv->u.s) : NULL;
        method_ok = m != NULL;
        if (m) {
            sp->method = m->id;
            sp->mdef = m;
        } else {
            const char *s = mv->kind == V_STR ? util_suggest(mv->u.s, method_name_list()) : NULL;
            diag_error(d, mv->line, mv->col, "unknown method '%s'%s%s%s: %s",
                       mv->kind == V_STR ? mv->u.s : "?", s ? " (did you mean '" : "", s ? s : "",
                       s ? "'?)" : "", sb_str(&names));
        }
    }
    sb_release(&names);
    return method_ok;
}

/* metric, early_terminate and the budget of halving and hyperband. */
static void parse_run_shape(struct ctx *c, const struct value *root, const struct mapent *me,
                            int method_ok)
{
    struct space *sp = c->sp;
    struct diag *d = c->d;
    const struct value *v;
    if ((v = value_map_get(root, "metric")) && v->kind == V_LIST) sx_parse_objectives(c, v);
    else if (v) sx_parse_metric(c, v);
    if ((v = value_map_get(root, "constraints"))) {
        sx_parse_constraints(c, v);
        if (sp->ncons && sp->nobjs < 2)
            diag_error(d, v->line, v->col,
                       "constraints go with several objectives (metric as a list of two or more); "
                       "with one, its ranking does not read them");
    }
    if (sp->nobjs >= 2 && method_ok && sp->method != METHOD_RANDOM && sp->method != METHOD_GRID &&
        sp->method != METHOD_BAYES && sp->method != METHOD_EVOLVE)
        diag_error(d, me->val->line, me->val->col,
                   "method %s does not search several objectives: random, grid, bayes and "
                   "evolve do (its rungs compare one objective)",
                   sp->mdef ? sp->mdef->name : "?");
    if ((v = value_map_get(root, "early_terminate"))) {
        sx_parse_early_terminate(c, v);
        if (sp->et_enabled && !sp->metric_name)
            diag_error(d, v->line, v->col, "early_terminate needs a 'metric' to compare trials by");
        if (sp->et_enabled && sp->nobjs >= 2)
            diag_error(d, v->line, v->col,
                       "early_terminate with several objectives is refused: its rules compare "
                       "one objective, and a trial behind on it may be on the front by another");
    }
    const struct method_def *m = method_of(sp);
    sp->sampler = m->sampler ? m->sampler : sp->method; /* budget.sampler may say otherwise */
    v = value_map_get(root, "budget");
    int rungs = (m->flags & METHOD_RUNGS) != 0;
    if (method_ok && (rungs || ((m->flags & METHOD_BUDGET_RUNGS) && v))) {
        const char *what = rungs ? m->name : m->with_budget;
        if (!v) diag_error(d, me->val->line, me->val->col,
                           "method %s needs a 'budget' {parameter, min, max, eta}", what);
        else sx_parse_budget(c, v);
        if (v && sp->nobjs >= 2 && !rungs)
            diag_error(d, v->line, v->col,
                       "%s does not search several objectives: its rungs compare one objective "
                       "(bayes without a budget does)", what);
        if (sp->et_enabled) {
            const struct value *et = value_map_get(root, "early_terminate");
            diag_error(d, et->line, et->col,
                       "early_terminate does not combine with method %s, which stops "
                       "configurations itself", what);
        }
        if (!sp->metric_name && rungs) /* a learning method says so below */
            diag_error(d, me->val->line, me->val->col,
                       "method %s needs a 'metric' to decide which configurations go on", what);
    } else if (v) {
        struct sb ms;
        sb_init(&ms);
        method_budget_names(&ms);
        diag_error(d, v->line, v->col, "'budget' is for methods %s", sb_str(&ms));
        sb_release(&ms);
    }
    if ((v = value_map_get(root, "prior"))) sx_parse_prior(c, v, method_ok);
    if (method_ok && (m->flags & METHOD_LEARNS) && !sp->metric_name)
        diag_error(d, me->val->line, me->val->col,
                   "method %s needs a 'metric' {name, goal}: it learns from its values", m->name);

}

/* fail_fast: true (the defaults), false (never), or {first: N,
 * consecutive: N}, 0 turning that rule off. */
static void parse_fail_fast(struct ctx *c, const struct value *v)
{
    struct space *sp = c->sp;
    if (v->kind == V_BOOL) {
        if (!v->u.b) sp->fail_first = sp->fail_consecutive = 0;
        return;
    }
    if (v->kind != V_MAP) {
        diag_error(c->d, v->line, v->col,
                   "fail_fast must be true, false or {first: N, consecutive: N}");
        return;
    }
    static const char *const keys[] = {"first", "consecutive", NULL};
    sx_check_keys(c, v, keys, "fail_fast");
    sp->fail_first = (int)sx_get_int(c, v, "first", 0, 1000000, sp->fail_first);
    sp->fail_consecutive = (int)sx_get_int(c, v, "consecutive", 0, 1000000, sp->fail_consecutive);
}

/* Limits, executor, resources, metrics, env, templates, the command. */
static void parse_rest(struct ctx *c, const struct value *root)
{
    struct space *sp = c->sp;
    struct diag *d = c->d;
    const struct value *v;
    long long cap = sx_get_int(c, root, "run_cap", 1, 9223372036854775807LL, 0);
    long long trials = sx_get_int(c, root, "trials", 1, 9223372036854775807LL, 0);
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
    sp->retries = (int)sx_get_int(c, root, "retries", 0, 1000, 0);
    sp->priority = (int)sx_get_int(c, root, "priority", -1000, 1000, 0);
    if ((v = value_map_get(root, "fail_fast"))) parse_fail_fast(c, v);
    sp->timeout = sx_get_duration(c, root, "timeout", 0);
    sp->stall_timeout = sx_get_duration(c, root, "stall_timeout", 0);
    sp->stop_grace = sx_get_duration(c, root, "stop_grace", sp->stop_grace);

    if ((v = value_map_get(root, "scheduler")))
        diag_error(d, v->line, v->col,
                   "W&B's 'scheduler' (Optuna/Ax engines) is not supported; use method");
    sx_parse_executor(c, root);
    if ((v = value_map_get(root, "resources"))) sx_parse_resources(c, v);
    if ((v = value_map_get(root, "metrics"))) sx_parse_metrics(c, v);
    if (!strcmp(sp->parser, "regex") && sp->npatterns == 0)
        diag_error(d, 1, 1, "parser: regex needs 'patterns' under metrics");
    if (strcmp(sp->parser, "regex") && sp->npatterns > 0) {
        const struct mapent *mm = value_map_entry(value_map_get(root, "metrics"), "patterns");
        diag_error(d, mm->line, mm->col, "'patterns' are used by parser: regex only");
    }
    if ((v = value_map_get(root, "stage"))) sx_parse_stage(c, v);
    if ((v = value_map_get(root, "env"))) sx_parse_env(c, v);
    if ((v = value_map_get(root, "templates"))) sx_parse_templates(c, v);

    if ((v = value_map_get(root, "program"))) {
        sp->program = sx_get_scalar_text(c, v, "program");
    }
    if ((v = value_map_get(root, "interpreter"))) sp->interpreter = sx_get_scalar_text(c, v, "interpreter");
    else sp->interpreter = sx_interpreter(c);

    const struct value *cmd = value_map_get(root, "command");
    if (cmd) sx_parse_command(c, cmd, &sp->command, &sp->ncommand, "command");
    else if (!sp->program) {
        /* W&B users run such a file with a Python function agent: it plans,
         * and `sweep run` says that it needs a command (SPACE_NO_COMMAND) */
        sp->ncommand = 0;
    } else {
        static const char *const dflt[] = {"${env}", "${interpreter}", "${program}", "${args}"};
        sp->command = xcalloc(4, sizeof *sp->command);
        for (int i = 0; i < 4; i++) sp->command[i] = xstrdup(dflt[i]);
        sp->ncommand = 4;
    }
    for (size_t i = 0; i < sp->ncommand && !sp->shell; i++) /* shell: is read before */
        if (!strcmp(sp->command[i], "${interpreter}")) sp->runs_interpreter = 1;
    /* resume: the old key of both; promote_args and rerun say which */
    const struct value *pa = value_map_get(root, "promote_args"), *rr = value_map_get(root, "rerun");
    if ((v = value_map_get(root, "resume"))) {
        if ((v->kind == V_LIST && pa) || (v->kind == V_MAP && rr))
            diag_error(d, v->line, v->col, "resume and %s say the same: keep %s",
                       pa && v->kind == V_LIST ? "promote_args" : "rerun",
                       pa && v->kind == V_LIST ? "promote_args" : "rerun");
        else sx_parse_resume(c, v, "resume");
    }
    if (pa) sx_parse_promote_args(c, pa, "promote_args");
    if (rr) sx_parse_rerun(c, rr, "rerun");
    int uses_program = 0;
    for (size_t i = 0; i < sp->ncommand; i++)
        if (strstr(sp->command[i], "${program}")) uses_program = 1;
    for (size_t i = 0; i < sp->nresume_command; i++)
        if (strstr(sp->resume_command[i], "${program}")) uses_program = 1;
    if (uses_program && !sp->program)
        diag_error(d, cmd ? cmd->line : 1, cmd ? cmd->col : 1,
                   "command uses ${program}, but there is no 'program'");

    if ((v = value_map_get(root, "job")) || (v = value_map_get(root, "image_uri")))
        diag_warn(d, v->line, v->col, "W&B Launch keys (job, image_uri) are ignored");
    if ((v = value_map_get(root, "controller")))
        diag_warn(d, v->line, v->col, "'controller' is ignored: sweep is its own controller");

}

/* What no single section can check: grid needs finite values everywhere;
 * halving over random configurations needs a count. */
static void check_across(struct ctx *c, const struct mapent *me, int method_ok)
{
    struct space *sp = c->sp;
    struct diag *d = c->d;
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

static void build(struct ctx *c, const struct value *root)
{
    struct space *sp = c->sp;
    struct diag *d = c->d;
    if (root->kind != V_MAP) {
        diag_error(d, root->line ? root->line : 1, root->col ? root->col : 1,
                   "a sweep file must be a map of keys (method, parameters, ...)");
        return;
    }
    check_top_keys(c, root);

    /* defaults */
    sp->max_parallel = 1;
    sp->stop_grace = 10;
    sp->fail_first = SPACE_FAIL_FIRST;
    sp->fail_consecutive = SPACE_FAIL_CONSECUTIVE;
    sp->headroom_frac = 0.10;
    sp->parser = xstrdup("keyvalue");

    const struct value *v;
    if ((v = value_map_get(root, "name"))) {
        char *s = sx_get_scalar_text(c, v, "name");
        sp->name = s;
    }
    const struct value *shell = value_map_get(root, "shell");
    if (shell) sp->shell = sx_get_bool(c, root, "shell", 0);

    /* parameters first: placeholders elsewhere are checked against them */
    const struct mapent *pe = value_map_entry(root, "parameters");
    if (!pe) {
        if (!misspelt(root, "parameters")) diag_error(d, 1, 1, "the sweep file needs 'parameters'");
    }
    else if (pe->val->kind != V_MAP || pe->val->u.map.n == 0)
        diag_error(d, pe->line, pe->col,
                   "'parameters' must be a non-empty map of parameter names to their specs");
    else sx_parse_params(c, pe->val, NULL, 0);
    sp->order = xcalloc(sp->nparams ? sp->nparams : 1, sizeof *sp->order);
    for (size_t i = 0; i < sp->nparams; i++) sp->order[i] = i;
    qsort_r(sp->order, sp->nparams, sizeof *sp->order, sx_cmp_sortkey, sp->params);

    const struct mapent *me = NULL;
    int method_ok = parse_method(c, root, &me);
    parse_run_shape(c, root, me, method_ok);
    parse_rest(c, root);
    check_across(c, me, method_ok);
}

/* The hash that tells sweeps apart: of the text alone without templates (as
 * sweeps were always told apart), else of the text and every template's
 * name and text. */
static void hash_space(struct space *sp)
{
    util_sha256_hex(sp->text, sp->textlen, sp->text_hash);
    memcpy(sp->hash, sp->text_hash, sizeof sp->hash);
    if (!sp->ntemplates) return;
    struct sb b;
    sb_init(&b);
    sb_addn(&b, sp->text, sp->textlen);
    for (size_t i = 0; i < sp->ntemplates; i++) {
        sb_addc(&b, '\0');
        sb_addf(&b, "template:%s", sp->templates[i].name);
        sb_addc(&b, '\0');
        sb_add(&b, sp->templates[i].text);
    }
    util_sha256_hex(b.buf, b.len, sp->hash);
    sb_release(&b);
}

struct space *space_load_env(const char *path, const char *text, size_t len,
                             const struct space_env *env, struct diag *d)
{
    struct space *sp = xcalloc(1, sizeof *sp);
    sp->path = xstrdup(path);
    if (env && env->base_dir) sp->dir = xstrdup(env->base_dir);
    else {
        char *tmp = xstrdup(path);
        sp->dir = xstrdup(dirname(tmp));
        free(tmp);
    }
    sp->text = xstrndup(text, len);
    sp->textlen = len;
    size_t before = d->nerrors;
    struct value *root = ydoc_load(text, len, d);
    if (!root) {
        space_free(sp);
        return NULL;
    }
    struct ctx c = {.d = d, .sp = sp, .env = env};
    build(&c, root);
    for (size_t i = 0; i < c.nnames; i++) free(c.names[i]);
    free(c.names);
    sp->doc = root; /* the executor reads its section there */
    if (d->nerrors != before) {
        space_free(sp);
        return NULL;
    }
    hash_space(sp);
    return sp;
}

struct space *space_load_text(const char *path, const char *text, size_t len, struct diag *d)
{
    return space_load_env(path, text, len, NULL, d);
}

struct space *space_load(const char *path, const struct space_env *env, struct diag *d)
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
    struct space *sp = space_load_env(path, text, len, env, d);
    free(text);
    return sp;
}

const char *space_input(const struct space *sp, const char *name)
{
    for (size_t i = 0; i < sp->ninputs; i++)
        if (!strcmp(sp->inputs[i].name, name)) return sp->inputs[i].text;
    return NULL;
}

void space_free(struct space *sp)
{
    if (!sp) return;
    if (sp->exec_opts_free) sp->exec_opts_free(sp->exec_opts);
    free(sp->executor);
    value_free(sp->doc);
    free(sp->path);
    free(sp->dir);
    free(sp->text);
    free(sp->name);
    for (size_t i = 0; i < sp->npriors; i++) free(sp->priors[i]);
    free(sp->priors);
    free(sp->metric_name);
    sx_objs_free(sp);
    for (size_t i = 0; i < sp->ncommand; i++) free(sp->command[i]);
    free(sp->command);
    free(sp->gpu_list);
    sx_quantity_release(&sp->mem);
    sx_quantity_release(&sp->duration);
    for (size_t i = 0; i < sp->npromote_args; i++) free(sp->promote_args[i]);
    free(sp->promote_args);
    free(sp->budget_param);
    for (size_t i = 0; i < sp->nresume_command; i++) free(sp->resume_command[i]);
    free(sp->resume_command);
    free(sp->resume_if_exists);
    for (size_t i = 0; i < sp->nstages; i++) free(sp->stages[i].from), free(sp->stages[i].to);
    free(sp->stages);
    free(sp->program);
    free(sp->interpreter);
    free(sp->parser);
    for (size_t i = 0; i < sp->npatterns; i++) {
        free(sp->patterns[i].name);
        free(sp->patterns[i].regex);
    }
    free(sp->patterns);
    free(sp->metrics_file);
    for (size_t i = 0; i < sp->ninputs; i++) {
        free(sp->inputs[i].name);
        free(sp->inputs[i].text);
    }
    free(sp->inputs);
    for (size_t i = 0; i < sp->ntemplates; i++) {
        free(sp->templates[i].name);
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
    for (size_t i = 0; i < sp->nparams; i++) sx_param_release(&sp->params[i]);
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

int space_maximizes(const struct space *sp)
{
    return sp->goal == GOAL_MAXIMIZE;
}

const char *space_goal_name(const struct space *sp)
{
    return sp->goal == GOAL_MAXIMIZE ? "maximize" : "minimize";
}

/* 1 if s has a placeholder that carries a parameter: ${args...}, ${budget},
 * or a parameter's own name (the checker let only known names through). */
static int passes(const char *s)
{
    size_t pos = 0;
    struct tpl_piece p;
    int r;
    while ((r = tpl_next(s, &pos, &p)) == 1) {
        if (!p.is_placeholder) continue;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)p.len, p.s);
        int b = tpl_builtin(name);
        if (b == TPL_NONE || b == TPL_BUDGET || b == TPL_ARGS_JSON || b == TPL_ARGS_JSON_FILE ||
            tpl_builtins[b].list)
            return 1;
    }
    return 0;
}

int space_passes_params(const struct space *sp)
{
    if (!sp->nparams) return 1;
    for (size_t i = 0; i < sp->ncommand; i++)
        if (passes(sp->command[i])) return 1;
    for (size_t i = 0; i < sp->nresume_command; i++)
        if (passes(sp->resume_command[i])) return 1;
    for (size_t i = 0; i < sp->npromote_args; i++)
        if (passes(sp->promote_args[i])) return 1;
    for (size_t i = 0; i < sp->ntemplates; i++)
        if (passes(sp->templates[i].text) || passes(sp->templates[i].to)) return 1;
    for (size_t i = 0; i < sp->nenv; i++)
        if (passes(sp->env[i].value)) return 1;
    return 0;
}
