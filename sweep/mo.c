/* mo.c - what top, best and status show of a sweep of several objectives
 * (store/fronts.h): trials ranked by Pareto front (constraints met first),
 * then by the first objective; the front's size and hypervolume. */
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"
#include "search/space.h"
#include "store/fronts.h"
#include "store/store.h"
#include "sweep/cli.h"
#include "sweep/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct mo {
    const struct space *sp;
    struct fronts f;
    size_t *order;          /* f's indices, ranked */
};

static const struct mo *g_rank; /* for qsort */

static int by_front(const void *x, const void *y)
{
    const struct mo *c = g_rank;
    size_t a = *(const size_t *)x, b = *(const size_t *)y, m = c->f.m;
    if (c->f.front[a] != c->f.front[b]) return c->f.front[a] < c->f.front[b] ? -1 : 1;
    double u = c->f.obj[a * m], v = c->f.obj[b * m];
    if (isnan(u) != isnan(v)) return isnan(u) ? 1 : -1;
    if (u != v && !isnan(u)) return (c->sp->obj_max[0] ? u > v : u < v) ? -1 : 1;
    return c->f.trial[a] < c->f.trial[b] ? -1 : 1;
}

static int mo_load(struct mo *c, struct store *st, const struct space *sp, struct err *e)
{
    memset(c, 0, sizeof *c);
    c->sp = sp;
    if (store_fronts(st, sp, &c->f, e)) return -1;
    c->order = xmalloc((c->f.n + 1) * sizeof *c->order);
    for (size_t i = 0; i < c->f.n; i++) c->order[i] = i;
    g_rank = c;
    qsort(c->order, c->f.n, sizeof *c->order, by_front);
    return 0;
}

static void mo_release(struct mo *c)
{
    fronts_release(&c->f);
    free(c->order);
}

/* One completed trial as JSON: its objectives, front and violation. */
static void row_json(struct sb *b, const struct mo *c, size_t i, const struct trial_row *t)
{
    sb_addf(b, "{\"trial\": %lld, \"state\": \"completed\", \"front\": %d, \"feasible\": %s, "
               "\"violation\": ",
            c->f.trial[i], c->f.front[i] + 1, c->f.viol[i] <= 0 ? "true" : "false");
    json_num(b, c->f.viol[i]);
    sb_add(b, ", \"objective\": ");
    json_num(b, c->f.obj[i * c->f.m]);
    sb_add(b, ", \"objectives\": {");
    for (size_t j = 0; j < c->f.m; j++) {
        sb_add(b, j ? ", " : "");
        json_quote(b, c->sp->obj_names[j]);
        sb_add(b, ": ");
        json_num(b, c->f.obj[i * c->f.m + j]);
    }
    sb_addf(b, "}, \"params\": %s}", t ? t->params : "null");
}

/* The trials of the ranking as a table (or CSV, or JSON into json): at most
 * n rows (0: all); only_first: the first front's feasible trials. */
static int show(struct store *st, struct mo *c, FILE *out, long long n, int csv, struct sb *json,
                int only_first, struct err *e)
{
    size_t m = c->f.m, ncol = 6 + m;
    struct table t;
    table_init(&t, ncol);
    const char **row = xcalloc(ncol, sizeof *row);
    /* rank trial state front OBJECTIVES... feasible parameters */
    row[0] = "rank", row[1] = "trial", row[2] = "state", row[3] = "front";
    row[4 + m] = "feasible", row[5 + m] = "parameters";
    for (size_t j = 0; j < m; j++) row[4 + j] = c->sp->obj_names[j];
    table_add(&t, row);
    for (size_t k = 0; k < 4 + m; k++)
        if (k != 2) table_right(&t, k);
    if (json) sb_addc(json, '[');
    long long shown = 0;
    int rc = 0;
    for (size_t r = 0; r < c->f.n && (!n || shown < n); r++) {
        size_t i = c->order[r];
        if (only_first && (c->f.front[i] != 0 || c->f.viol[i] > 0)) break;
        struct trial_row tr;
        memset(&tr, 0, sizeof tr);
        if (store_get_trial(st, c->f.trial[i], &tr, e) != 1) {
            rc = -1;
            break;
        }
        if (json) {
            sb_add(json, shown ? ",\n  " : "\n  ");
            row_json(json, c, i, &tr);
        } else {
            char rank[24], id[24], front[24], feas[48];
            snprintf(rank, sizeof rank, "%lld", shown + 1);
            snprintf(id, sizeof id, "%lld", c->f.trial[i]);
            snprintf(front, sizeof front, "%d", c->f.front[i] + 1);
            if (c->f.viol[i] <= 0) snprintf(feas, sizeof feas, "yes");
            else snprintf(feas, sizeof feas, "no (off by %.4g)", c->f.viol[i]);
            struct sb *vals = xcalloc(m, sizeof *vals), people;
            sb_init(&people);
            cli_people_params(&people, tr.params);
            row[0] = rank, row[1] = id, row[2] = "completed", row[3] = front;
            row[4 + m] = feas, row[5 + m] = sb_str(&people);
            for (size_t j = 0; j < m; j++) {
                sb_init(&vals[j]);
                if (isnan(c->f.obj[i * m + j])) sb_add(&vals[j], "-");
                else util_fmt_num(&vals[j], c->f.obj[i * m + j]);
                row[4 + j] = sb_str(&vals[j]);
            }
            table_add(&t, row);
            for (size_t j = 0; j < m; j++) sb_release(&vals[j]);
            free(vals);
            sb_release(&people);
        }
        trial_row_release(&tr);
        shown++;
    }
    if (json) sb_add(json, shown ? "\n]\n" : "]\n");
    else if (!rc && shown) csv ? table_print_csv(&t, out) : table_print(&t, out);
    else if (!rc && !csv) fprintf(out, "no trial has completed yet\n");
    free(row);
    table_release(&t);
    return rc;
}

/* The stored sweep's file, when it has several objectives; else NULL. */
static struct space *several(struct store *st)
{
    struct store_sweep w = {0};
    struct space *sp = NULL;
    if (store_get_sweep(st, &w, NULL) == 0) sp = cli_load_stored(st, &w);
    store_sweep_release(&w);
    if (sp && sp->nobjs < 2) {
        space_free(sp);
        sp = NULL;
    }
    return sp;
}

int cli_mo_top(struct store *st, FILE *out, long long n, int csv, struct sb *json, struct err *e)
{
    struct space *sp = several(st);
    if (!sp) return 1; /* one objective: the usual leaderboard */
    struct mo c;
    int rc = mo_load(&c, st, sp, e) ? -1 : show(st, &c, out, n, csv, json, 0, e);
    mo_release(&c);
    space_free(sp);
    return rc;
}

int cli_mo_front(struct store *st, FILE *out, struct sb *json, struct err *e)
{
    struct space *sp = several(st);
    if (!sp) return 1;
    struct mo c;
    int rc = mo_load(&c, st, sp, e) ? -1 : show(st, &c, out, 0, 0, json, 1, e);
    mo_release(&c);
    space_free(sp);
    return rc;
}

long long cli_mo_best_by(struct store *st, const char *name, struct mo_choice *ch, struct err *e)
{
    struct space *sp = several(st);
    if (!sp) return -2;
    size_t j = 0;
    while (name && j < sp->nobjs && strcmp(sp->obj_names[j], name)) j++;
    long long best = -1;
    if (j == sp->nobjs) {
        struct sb names;
        sb_init(&names);
        for (size_t k = 0; k < sp->nobjs; k++) sb_addf(&names, "%s%s", k ? ", " : "", sp->obj_names[k]);
        err_usage(e, "--by: %s is not an objective of this sweep (%s)", name, sb_str(&names));
        sb_release(&names);
        space_free(sp);
        return -3;
    }
    struct fronts f;
    if (store_fronts(st, sp, &f, e) == 0) {
        double bv = NAN;
        for (size_t i = 0; i < f.n; i++) {
            double v = f.obj[i * f.m + j];
            if (f.viol[i] > 0 || isnan(v)) continue;
            if (isnan(bv) || (sp->obj_max[j] ? v > bv : v < bv)) bv = v, best = f.trial[i];
        }
        fronts_release(&f);
        ch->name = xstrdup(sp->obj_names[j]);
        ch->value = bv;
        ch->maximize = sp->obj_max[j];
    } else best = -3;
    space_free(sp);
    return best;
}

int cli_mo_goals(const struct space *sp, struct sb *out)
{
    if (!sp || sp->nobjs < 2) return 0;
    for (size_t j = 0; j < sp->nobjs; j++) {
        sb_addf(out, "%s%s ", j ? ", " : "", sp->obj_max[j] ? "maximize" : "minimize");
        sb_add_visible(out, sp->obj_names[j]);
    }
    return 1;
}

int cli_mo_status(struct store *st, const struct space *sp, FILE *out, struct sb *json)
{
    if (!sp || sp->nobjs < 2) return 1;
    struct fronts f;
    struct err e = {0};
    if (store_fronts(st, sp, &f, &e)) return -1;
    if (json) {
        sb_addf(json, ", \"front_size\": %zu, \"hypervolume\": ", f.front_size);
        json_num(json, f.hypervolume);
        sb_add(json, ", \"hypervolume_reference\": {");
        for (size_t j = 0; j < f.m; j++) {
            sb_add(json, j ? ", " : "");
            json_quote(json, sp->obj_names[j]);
            sb_add(json, ": ");
            json_num(json, f.ref[j]);
        }
        sb_addc(json, '}');
    } else if (f.n) {
        struct sb b;
        sb_init(&b);
        for (size_t j = 0; j < f.m; j++) {
            sb_addf(&b, "%s%s ", j ? ", " : "", sp->obj_names[j]);
            util_fmt_num(&b, f.ref[j]);
        }
        fprintf(out, "front: %zu trial%s of %zu completed meet the constraints and no other beats "
                     "them (sweep best); hypervolume %.6g (reference point: %s)\n",
                f.front_size, f.front_size == 1 ? "" : "s", f.n, f.hypervolume, sb_str(&b));
        sb_release(&b);
    }
    fronts_release(&f);
    return 0;
}
