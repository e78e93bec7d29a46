/* space_res.c - the metrics section (which parser reads the logs, its
 * patterns) and resources (GPUs, memory and duration estimates, limits). */
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

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

void sx_parse_metrics(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"parser", "patterns", "summary", "file", NULL};
    const char *const *parsers = c->env ? c->env->parsers : NULL; /* NULL: any name */
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
    sx_check_keys(c, m, keys, "metrics");
    const struct value *p = value_map_get(m, "parser");
    if (p) {
        int ok = p->kind == V_STR;
        if (ok && parsers) {
            ok = 0;
            for (const char *const *k = parsers; *k; k++)
                if (!strcmp(*k, p->u.s)) ok = 1;
        }
        if (ok) {
            free(sp->parser);
            sp->parser = xstrdup(p->u.s);
        } else {
            const char *s = p->kind == V_STR && parsers ? util_suggest(p->u.s, parsers) : NULL;
            struct sb known;
            sb_init(&known);
            for (const char *const *k = parsers; k && *k; k++)
                sb_addf(&known, "%s%s", k == parsers ? "" : k[1] ? ", " : " or ", *k);
            diag_error(c->d, p->line, p->col, "unknown parser '%s'%s%s%s%s%s",
                       p->kind == V_STR ? p->u.s : "?", s ? " (did you mean '" : "", s ? s : "",
                       s ? "'?)" : "", known.len ? ": " : "", sb_str(&known));
            sb_release(&known);
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
                sx_check_keys(c, pv, pkeys, "a pattern");
                char *name = sx_get_string(c, pv, "name", "a pattern's name");
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
                    (struct pattern){.name = name, .regex = xstrdup(rv->u.s), .line = rv->line,
                                     .col = rv->col};
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
            sx_check_placeholders(c, f->u.s, f->line, f->col, 0, "metrics.file");
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
        sx_check_keys(c, e, keys, "a GPU");
        const struct value *id = value_map_get(e, "id"), *mem = value_map_get(e, "memory");
        struct vgpu v = {0, -1};
        if (!id || id->kind != V_INT || id->u.i < 0 || id->u.i > 4095)
            diag_error(c->d, id ? id->line : e->line, id ? id->col : e->col,
                       "a GPU needs 'id', its index (0, 1, ...)");
        else v.id = (int)id->u.i;
        char *txt = mem ? sx_get_scalar_text(c, mem, "memory") : NULL;
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
        sx_check_keys(c, v, keys, what);
        q->kind = Q_TABLE;
        q->dflt = -1;
        q->by = sx_get_string(c, v, "by", is_mem ? "memory.by" : "duration.by");
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
            char *txt = sx_get_scalar_text(c, e->val, what);
            double a = txt ? amount(txt, is_mem) : -1;
            if (txt && a <= 0) diag_error(c->d, e->val->line, e->val->col, "%s: %s", what, example);
            free(txt);
            q->table = xrealloc(q->table, (q->ntable + 1) * sizeof *q->table);
            q->table[q->ntable++] = (struct qentry){.key = xstrdup(e->key), .value = a};
        }
        const struct value *d = value_map_get(v, "default");
        if (d) {
            char *txt = sx_get_scalar_text(c, d, what);
            if (txt && (q->dflt = amount(txt, is_mem)) <= 0)
                diag_error(c->d, d->line, d->col, "%s.default: %s", what, example);
            free(txt);
        }
        return;
    }
    char *txt = sx_get_scalar_text(c, v, what);
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

void sx_quantity_release(struct quantity *q)
{
    free(q->by);
    for (size_t i = 0; i < q->ntable; i++) free(q->table[i].key);
    free(q->table);
    expr_free(q->expr);
}

void sx_parse_resources(struct ctx *c, const struct value *m)
{
    static const char *const keys[] = {"gpus",    "memory",   "headroom", "max_per_gpu",
                                       "max_parallel", "stagger", "duration", "cpus", "share",
                                       NULL};
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "resources must be a map");
        return;
    }
    sx_check_keys(c, m, keys, "resources");
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
        char *txt = sx_get_scalar_text(c, h, "headroom");
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
    const struct value *mp = value_map_get(m, "max_per_gpu");
    if (mp && mp->kind == V_STR && !strcmp(mp->u.s, "auto")) sp->max_per_gpu_auto = 1;
    else sp->max_per_gpu = (int)sx_get_int(c, m, "max_per_gpu", 1, 4096, 0);
    static const char *const gpu_keys[] = {"memory", "headroom", "max_per_gpu", NULL};
    for (const char *const *k = gpu_keys; *k && !packing; k++) {
        const struct mapent *e = value_map_entry(m, *k);
        /* an executor that places trials itself may ask by the memory
         * estimate (Slurm's shards) */
        if (strcmp(sp->executor, "local") && !strcmp(*k, "memory")) continue;
        if (e)
            diag_error(c->d, e->line, e->col,
                       "'%s' is for GPU packing: set resources.gpus to auto or a list", *k);
    }
    /* with GPUs, how many trials run is the GPUs' business unless capped */
    if (packing) sp->max_parallel = SPACE_GPU_PARALLEL;
    sp->max_parallel = (int)sx_get_int(c, m, "max_parallel", 1, 4096, sp->max_parallel);
    sp->max_parallel_given = value_map_get(m, "max_parallel") != NULL;
    sp->stagger = sx_get_duration(c, m, "stagger", sp->stagger);
    const struct value *cv = value_map_get(m, "cpus");
    if (cv && cv->kind == V_STR && !strcmp(cv->u.s, "auto")) sp->cpus = SPACE_CPUS_AUTO;
    else if (cv && !(value_is_num(cv) && value_num(cv) >= 1 && value_num(cv) <= 4096 &&
                     value_num(cv) == (double)(int)value_num(cv)))
        diag_error(c->d, cv->line, cv->col,
                   "cpus: a number of CPU cores per trial (1 to 4096), or auto (the cores divided "
                   "by the trials that run at once)");
    else if (cv) sp->cpus = (int)value_num(cv);
    const struct value *sh = value_map_get(m, "share");
    if (sh && !(sh->kind == V_STR && (!strcmp(sh->u.s, "mps") || !strcmp(sh->u.s, "none"))))
        diag_error(c->d, sh->line, sh->col,
                   "share: mps (NVIDIA's Multi-Process Service for trials that share a GPU) or "
                   "none");
    else if (sh && !strcmp(sh->u.s, "mps") && !packing)
        diag_error(c->d, sh->line, sh->col,
                   "share: mps is for GPU packing: set resources.gpus to auto or a list");
    else if (sh && !strcmp(sh->u.s, "mps") && strcmp(sp->executor, "local"))
        diag_error(c->d, sh->line, sh->col, "share: mps is for the local executor");
    else if (sh) sp->share_mps = !strcmp(sh->u.s, "mps");
}

