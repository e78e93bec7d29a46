/* columns.c - the parameters that vary within a report, as plot axes:
 * numeric (log for log-scaled ones) or categorical (report_int.h). */
#include "plots/report_int.h"
#include "search/diag.h"
#include "search/space.h"
#include "store/stored.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"
#include "base/json.h"
#include "base/value.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- parameter columns -------------------------------------------------- */

struct paths {
    char **v;
    size_t n;
};

/* Each leaf path once, in the order first seen. */
static void path_leaf(const char *path, const struct value *leaf, void *ctx)
{
    struct paths *p = ctx;
    (void)leaf;
    for (size_t k = 0; k < p->n; k++)
        if (!strcmp(p->v[k], path)) return;
    p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = xstrdup(path);
}

char *rp_value_text(const struct value *v)
{
    struct sb b;
    sb_init(&b);
    value_people_str(&b, v); /* 5 digits, as the command's tables */
    return sb_detach(&b);
}

static int is_log_dist(enum dist d)
{
    switch (d) {
    case DIST_LOG_UNIFORM: case DIST_LOG_UNIFORM_VALUES: case DIST_Q_LOG_UNIFORM:
    case DIST_Q_LOG_UNIFORM_VALUES: case DIST_INV_LOG_UNIFORM: case DIST_INV_LOG_UNIFORM_VALUES:
    case DIST_LOG_NORMAL: case DIST_Q_LOG_NORMAL:
        return 1;
    default:
        return 0;
    }
}

static void add_cat(struct col *c, const char *s)
{
    for (size_t i = 0; i < c->ncats; i++)
        if (!strcmp(c->cats[i], s)) return;
    c->cats = xrealloc(c->cats, (c->ncats + 1) * sizeof *c->cats);
    c->cats[c->ncats++] = xstrdup(s);
}

static int cat_index(const struct col *c, const struct value *v)
{
    char *s = rp_value_text(v);
    int k = -1;
    for (size_t i = 0; i < c->ncats && k < 0; i++)
        if (!strcmp(c->cats[i], s)) k = (int)i;
    free(s);
    return k;
}

static int by_number(const void *a, const void *b)
{
    double x = value_num(*(struct value *const *)a), y = value_num(*(struct value *const *)b);
    return x < y ? -1 : x > y;
}

/* The parameters that take more than one value across the report, in the
 * order they appear; the others are constants, listed once on the page. */
void rp_find_columns(struct report *r)
{
    struct paths all = {0};
    for (size_t si = 0; si < r->ns; si++)
        for (long long id = 0; id <= r->s[si].maxid; id++)
            if (r->s[si].byid[id]) value_each_leaf(r->s[si].byid[id]->params, path_leaf, &all);
    char **paths = all.v;
    size_t np = all.n;
    for (size_t k = 0; k < np; k++) {
        struct col c = {.path = paths[k], .numeric = 1, .min = INFINITY, .max = -INFINITY};
        const struct param *decl = NULL;
        char *first = NULL;
        int varies = 0;
        for (size_t si = 0; si < r->ns; si++) {
            struct rsweep *s = &r->s[si];
            if (!decl && s->sp) decl = space_find(s->sp, c.path);
            for (long long id = 0; id <= s->maxid; id++) {
                if (!s->byid[id]) continue;
                const struct value *v = value_lookup(s->byid[id]->params, c.path);
                if (!v) continue;
                char *txt = rp_value_text(v);
                if (!first) first = xstrdup(txt);
                else if (strcmp(first, txt)) varies = 1;
                free(txt);
                if (value_is_num(v)) {
                    double x = value_num(v);
                    if (x < c.min) c.min = x;
                    if (x > c.max) c.max = x;
                } else {
                    c.numeric = 0;
                }
            }
        }
        if (!varies) {
            if (first) sb_addf(&r->fixed, "%s%s=%s", r->fixed.len ? ", " : "", c.path, first);
            free(first);
            free(c.path);
            continue;
        }
        free(first);
        /* a short list of numbers reads better as equally spaced categories
         * (batch 8, 16, 32, 64) than as points bunched on a number line */
        if (c.numeric && decl && decl->dist == DIST_CATEGORICAL && decl->ndistinct <= 8) {
            c.numeric = 0;
            c.ordered = 1;
            struct value **v = xcalloc(decl->ndistinct, sizeof *v);
            memcpy(v, decl->distinct, decl->ndistinct * sizeof *v);
            qsort(v, decl->ndistinct, sizeof *v, by_number);
            for (size_t i = 0; i < decl->ndistinct; i++) {
                char *txt = rp_value_text(v[i]);
                add_cat(&c, txt);
                free(txt);
            }
            free(v);
        }
        if (c.numeric) {
            if (decl && decl->dist != DIST_CATEGORICAL) c.logx = is_log_dist(decl->dist) && c.min > 0;
            else c.logx = c.min > 0 && c.max / c.min >= 100;
        } else if (!c.ordered) {
            /* Categories in the order the file declares them, then as met. */
            if (decl && decl->dist == DIST_CATEGORICAL)
                for (size_t i = 0; i < decl->ndistinct; i++) {
                    char *txt = rp_value_text(decl->distinct[i]);
                    add_cat(&c, txt);
                    free(txt);
                }
            for (size_t si = 0; si < r->ns; si++)
                for (long long id = 0; id <= r->s[si].maxid; id++) {
                    const struct rtrial *t = r->s[si].byid[id];
                    const struct value *v = t ? value_lookup(t->params, c.path) : NULL;
                    if (!v) continue;
                    char *txt = rp_value_text(v);
                    add_cat(&c, txt);
                    free(txt);
                }
        }
        r->c = xrealloc(r->c, (r->nc + 1) * sizeof *r->c);
        r->c[r->nc++] = c;
    }
    free(paths);
}

/* A trial's position on a column's axis: the value (log10 of it on a log
 * axis when log is set), or the category's index. NAN if it has none. */
double rp_col_pos(const struct col *c, const struct rtrial *t, int log)
{
    const struct value *v = value_lookup(t->params, c->path);
    if (!v) return NAN;
    if (c->numeric) {
        double x = value_num(v);
        return log && c->logx ? log10(x) : x;
    }
    int k = cat_index(c, v);
    return k < 0 ? NAN : k;
}

