/* space_check.c - typed getters with positioned errors, unknown keys with
 * "did you mean", and the check of ${...} placeholders in commands, env
 * values and template files. */
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

void sx_add_name(struct ctx *c, const char *n)
{
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], n)) return;
    c->names = xrealloc(c->names, (c->nnames + 2) * sizeof *c->names);
    c->names[c->nnames++] = xstrdup(n);
    c->names[c->nnames] = NULL;
}

/* Unknown keys of a map, each with a "did you mean". */
void sx_check_keys(struct ctx *c, const struct value *m, const char *const *allowed,
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

int sx_is_int_value(const struct value *v)
{
    return v && v->kind == V_INT;
}

/* A number from a map entry; reports a type error. */
int sx_get_num(struct ctx *c, const struct value *m, const char *key, double *out,
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
char *sx_get_scalar_text(struct ctx *c, const struct value *v, const char *what)
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

char *sx_get_string(struct ctx *c, const struct value *m, const char *key, const char *what)
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

int sx_get_bool(struct ctx *c, const struct value *m, const char *key, int dflt)
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
long long sx_get_int(struct ctx *c, const struct value *m, const char *key, long long lo,
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
double sx_get_duration(struct ctx *c, const struct value *m, const char *key, double dflt)
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
static int is_param(const struct ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], name)) return 1;
    return 0;
}

void sx_check_placeholders(struct ctx *c, const char *s, int line, int col, int lists,
                               const char *where)
{
    size_t pos = 0;
    struct tpl_piece p;
    int r;
    while ((r = tpl_next(s, &pos, &p)) > 0) {
        if (!p.is_placeholder) continue;
        char *name = xstrndup(p.s, p.len);
        int ok = 0, bi = tpl_builtin(name);
        if (bi >= 0 && tpl_builtins[bi].list) {
            if (lists == 2 || (lists == 1 && tpl_whole(s, &(const char *){0}, &(size_t){0})))
                ok = 1;
            else {
                diag_error(c->d, line, col,
                           "${%s} expands to several arguments: it must be a whole element of %s",
                           name, where);
                ok = -1;
            }
        } else if (bi >= 0 && tpl_builtins[bi].rung) {
            if (c->sp->has_budget) {
                ok = 1;
            } else {
                diag_error(c->d, line, col,
                           "${%s} needs a 'budget' (method halving, hyperband or bayes)", name);
                ok = -1;
            }
        } else if (bi == TPL_STAGE || (!strncmp(name, "stage_", 6) && !is_param(c, name))) {
            /* ${stage}: the first stage: entry's copy, ${stage_N} the N-th after it */
            char *end;
            long k = bi == TPL_STAGE ? 0 : strtol(name + 6, &end, 10);
            if (bi != TPL_STAGE && (!isdigit((unsigned char)name[6]) || *end)) k = -1;
            if (k >= 0 && (size_t)k < c->sp->nstages) ok = 1;
            else {
                diag_error(c->d, line, col,
                           "${%s}: the file's stage: list has %zu entr%s (${stage} is the first, "
                           "${stage_1} the second...)",
                           name, c->sp->nstages, c->sp->nstages == 1 ? "y" : "ies");
                ok = -1;
            }
        } else if (bi >= 0) {
            ok = 1;
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
            const char **all = xcalloc(c->nnames + TPL_NBUILTINS + 1, sizeof *all);
            size_t n = 0;
            for (size_t i = 0; i < c->nnames; i++) all[n++] = c->names[i];
            for (int i = 0; i < TPL_NBUILTINS; i++)
                if (!tpl_builtins[i].rung) all[n++] = tpl_builtins[i].name;
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
void sx_check_template_text(struct ctx *c, const char *file, const char *text)
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
            sx_check_placeholders(c, ph, ln, (int)p.offset + 1, 0, "a template");
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

