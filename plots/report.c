/* report.c - `sweep report`: one HTML page with tables, and gnuplot images.
 *
 * The sweeps are read once into memory (trials in leaderboard order, every
 * metric series), then each image is one gnuplot run over numeric data
 * files under OUT/data; its script is kept as OUT/NAME.gp so that a user can
 * restyle it (`cd OUT && gnuplot objective.gp`). index.html is written last,
 * atomically: a report that fails half-way leaves the previous page whole.
 *
 * Divisions: loading; parameter columns; data files and script helpers;
 * the plots, one function each; the page. */
#include "plots/plots.h"
#include "search/diag.h"
#include "search/space.h"
#include "base/value.h"
#include "store/store.h"
#include "store/stored.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"
#include "base/json.h"
#include "search/render.h"
#include "base/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TOP_N 5          /* trials highlighted in a single-sweep report */
#define MAX_LOSSES 6     /* loss panels */
#define MAX_PAXES 12     /* parallel-coordinate axes for parameters */
#define MAX_LABELLED 80  /* timeline bars labelled with their trial number */

static const char *const COLORS[] = {"1f77b4", "d62728", "2ca02c", "ff7f0e",
                                     "9467bd", "8c564b", "e377c2", "17becf"};
#define NCOLORS ((int)ARRAY_LEN(COLORS))

static const char *state_color(enum trial_state s)
{
    switch (s) {
    case TRIAL_COMPLETED: return "2ca02c";
    case TRIAL_PRUNED: return "ff7f0e";
    case TRIAL_FAILED: return "d62728";
    case TRIAL_STOPPED: return "7f7f7f";
    case TRIAL_RUNNING: return "1f77b4";
    default: return "c7c7c7";
    }
}

/* ---- loading ------------------------------------------------------------ */

struct series {
    long long *step;
    double *v;
    size_t n, cap;
};

struct tmetric {
    int name;              /* index into rsweep.names */
    struct series s;
};

struct rtrial {
    long long id;
    int rank;              /* 1-based, leaderboard order */
    enum trial_state state;
    char *reason;
    int has_obj;
    double obj;
    long long obj_step;
    double started, ended; /* ended: now for a running trial; 0 if never started */
    struct value *params;
    struct tmetric *m;
    size_t nm;
    double mem;            /* peak GPU memory printed by the trainer, GB; < 0 unknown */
    int block;             /* its curve's index in data/objective.dat, -1 none */
    char *gpu;             /* as stored, or NULL */
    int lane;              /* timeline lane, 1-based */
};

struct rsweep {
    char *dir;
    char *label;
    struct store_sweep meta;
    struct space *sp;      /* the stored file read again; NULL if it does not load now */
    struct rtrial *t;      /* leaderboard order */
    size_t nt;
    struct rtrial **byid;
    long long maxid;
    char **names;          /* metric names */
    size_t nnames;
    int obj;               /* objective's index in names, -1 none */
    long long counts[TRIAL_NSTATES];
    double t0;             /* the first start */
    double hours;          /* trial-hours (load_sweep), then the cost plot_cost integrates:
                              GPU-hours when GPUs are recorded */
    double hours_to_best;  /* trial-hours spent when the best trial ended */
    long long epochs;      /* objective values logged, all trials */
    int best;              /* index into t of the best completed trial, -1 */
};

struct col {               /* a parameter that varies within the report */
    char *path;
    int numeric;           /* every value is a number */
    int logx;
    char **cats;           /* categorical: labels in axis order */
    size_t ncats;
    double min, max;
};

struct figure {
    char *file;
    char *caption;
};

struct report {
    struct rsweep *s;
    size_t ns;
    struct col *c;
    size_t nc;
    const char *out;
    const char *ext;
    enum plots_format fmt;
    int gnuplot;
    double now;
    const char *objname;   /* the first sweep's objective, for axis labels */
    struct figure *fig;
    size_t nfig;
    char **fails;          /* "NAME.png: why", plots that could not be drawn */
    size_t nfails;
    struct sb fixed;       /* "name=value, ...": parameters with one value throughout */
    int gpus;              /* some trial has a GPU recorded: costs are GPU-hours */
};

static struct series *trial_series(const struct rtrial *t, int name)
{
    if (name < 0) return NULL;
    for (size_t i = 0; i < t->nm; i++)
        if (t->m[i].name == name) return &t->m[i].s;
    return NULL;
}

static int intern(struct rsweep *s, const char *name)
{
    for (size_t i = s->nnames; i-- > 0;)
        if (!strcmp(s->names[i], name)) return (int)i;
    s->names = xrealloc(s->names, (s->nnames + 1) * sizeof *s->names);
    s->names[s->nnames] = xstrdup(name);
    return (int)s->nnames++;
}

static int load_trial(const struct trial_row *row, void *ctx)
{
    struct rsweep *s = ctx;
    s->t = xrealloc(s->t, (s->nt + 1) * sizeof *s->t);
    struct rtrial *t = &s->t[s->nt];
    memset(t, 0, sizeof *t);
    t->id = row->id;
    t->rank = (int)++s->nt;
    t->state = row->state;
    t->reason = row->reason ? xstrdup(row->reason) : NULL;
    t->has_obj = row->has_objective;
    t->obj = row->objective;
    t->obj_step = row->objective_step;
    t->started = row->started;
    t->ended = row->ended;
    t->params = json_parse(row->params, strlen(row->params), NULL);
    t->gpu = row->gpu ? xstrdup(row->gpu) : NULL;
    t->mem = row->mem_peak > 0 ? row->mem_peak / 1024 : -1; /* GB; else from gpu_mem below */
    t->block = -1;
    if (row->id > s->maxid) s->maxid = row->id;
    return 0;
}

struct load_ctx {
    struct rsweep *s;
    long long trial;
    const char *last_name;
    int last_idx;
    struct series *cur;
};

static int load_metric(long long trial, const char *name, long long step, int has_value,
                       double value, double time, void *ctx)
{
    (void)time;
    struct load_ctx *c = ctx;
    struct rsweep *s = c->s;
    if (!has_value || !isfinite(value) || trial < 0 || trial > s->maxid || !s->byid[trial])
        return 0;
    struct rtrial *t = s->byid[trial];
    if (!c->cur || trial != c->trial || strcmp(name, c->last_name)) {
        int idx = intern(s, name);
        c->cur = trial_series(t, idx);
        if (!c->cur) {
            t->m = xrealloc(t->m, (t->nm + 1) * sizeof *t->m);
            memset(&t->m[t->nm], 0, sizeof t->m[t->nm]);
            t->m[t->nm].name = idx;
            c->cur = &t->m[t->nm++].s;
        }
        c->trial = trial;
        c->last_name = s->names[idx];
        c->last_idx = idx;
    }
    struct series *se = c->cur;
    if (se->n == se->cap) {
        se->cap = se->cap ? 2 * se->cap : 16;
        se->step = xrealloc(se->step, se->cap * sizeof *se->step);
        se->v = xrealloc(se->v, se->cap * sizeof *se->v);
    }
    se->step[se->n] = step;
    se->v[se->n++] = value;
    return 0;
}


static int load_sweep(struct report *r, struct rsweep *s, struct err *e)
{
    char *db = xasprintf("%s/sweep.db", s->dir);
    struct stat sb;
    if (stat(db, &sb) < 0) {
        err_usage(e, "%s: no sweep here (no sweep.db)", s->dir);
        free(db);
        return -1;
    }
    struct store *st = store_open_ro(db, e);
    free(db);
    if (!st) return -1;
    int rc = store_get_sweep(st, &s->meta, e);
    if (rc) {
        if (rc > 0) err_usage(e, "%s: the store holds no sweep yet", s->dir);
        store_close(st);
        return -1;
    }
    if (s->meta.objective)
        store_set_objective(st, s->meta.objective, s->meta.maximize, s->meta.summary_last);
    if (store_each_trial(st, ORDER_RANK, -1, 0, load_trial, s, e)) {
        store_close(st);
        return -1;
    }
    s->byid = xcalloc((size_t)s->maxid + 1, sizeof *s->byid);
    for (size_t i = 0; i < s->nt; i++) s->byid[s->t[i].id] = &s->t[i];
    struct load_ctx lc = {s, -1, NULL, -1, NULL};
    rc = store_each_metric(st, load_metric, &lc, e);
    if (rc) {
        store_close(st);
        return -1;
    }
    struct diag d;
    const char *spec = s->meta.spec_path ? s->meta.spec_path : "sweep.yaml";
    diag_init(&d, spec);
    if (s->meta.spec_text) s->sp = store_load_space(st, &s->meta, metrics_parser_names(), &d);
    diag_release(&d);
    store_close(st);
    const char *base = strrchr(s->dir, '/');
    base = base && base[1] ? base + 1 : s->dir;
    s->label = xstrdup(s->sp && s->sp->name ? s->sp->name : base);
    s->obj = -1;
    if (s->meta.objective)
        for (size_t i = 0; i < s->nnames; i++)
            if (!strcmp(s->names[i], s->meta.objective)) s->obj = (int)i;
    s->best = -1;
    s->t0 = 0;
    for (size_t i = 0; i < s->nt; i++) {
        struct rtrial *t = &s->t[i];
        s->counts[t->state]++;
        if (t->state == TRIAL_RUNNING && t->started > 0) t->ended = r->now;
        if (t->started > 0 && (s->t0 == 0 || t->started < s->t0)) s->t0 = t->started;
        if (t->started > 0 && t->ended > t->started) s->hours += (t->ended - t->started) / 3600;
        struct series *o = trial_series(t, s->obj);
        if (o) s->epochs += (long long)o->n;
        if (s->best < 0 && t->state == TRIAL_COMPLETED && t->has_obj) s->best = (int)i;
        const char *parser = s->sp ? s->sp->parser : NULL;
        for (size_t k = 0; k < t->nm && t->mem < 0; k++)
            for (size_t j = 0; j < t->m[k].s.n; j++) {
                double gb = metrics_mem_gb(parser, s->names[t->m[k].name], t->m[k].s.v[j]);
                if (gb > t->mem) t->mem = gb;
            }
    }
    return 0;
}

static void free_sweep(struct rsweep *s)
{
    for (size_t i = 0; i < s->nt; i++) {
        struct rtrial *t = &s->t[i];
        free(t->reason);
        free(t->gpu);
        value_free(t->params);
        for (size_t k = 0; k < t->nm; k++) {
            free(t->m[k].s.step);
            free(t->m[k].s.v);
        }
        free(t->m);
    }
    free(s->t);
    free(s->byid);
    for (size_t i = 0; i < s->nnames; i++) free(s->names[i]);
    free(s->names);
    if (s->sp) space_free(s->sp);
    store_sweep_release(&s->meta);
    free(s->label);
    free(s->dir);
}

/* ---- parameter columns -------------------------------------------------- */

static void flatten_paths(const struct value *v, const char *prefix, char ***paths, size_t *n)
{
    if (!v || v->kind != V_MAP) return;
    for (size_t i = 0; i < v->u.map.n; i++) {
        const struct mapent *m = &v->u.map.e[i];
        char *name = *prefix ? xasprintf("%s.%s", prefix, m->key) : xstrdup(m->key);
        if (m->val->kind == V_MAP && m->val->u.map.n) {
            flatten_paths(m->val, name, paths, n);
            free(name);
            continue;
        }
        size_t k = 0;
        while (k < *n && strcmp((*paths)[k], name)) k++;
        if (k < *n) {
            free(name);
            continue;
        }
        *paths = xrealloc(*paths, (*n + 1) * sizeof **paths);
        (*paths)[(*n)++] = name;
    }
}

static char *value_text(const struct value *v)
{
    struct sb b;
    sb_init(&b);
    if (v->kind == V_FLOAT) sb_addf(&b, "%.4g", v->u.f);
    else value_py_str(&b, v);
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
    char *s = value_text(v);
    int k = -1;
    for (size_t i = 0; i < c->ncats && k < 0; i++)
        if (!strcmp(c->cats[i], s)) k = (int)i;
    free(s);
    return k;
}

/* The parameters that take more than one value across the report, in the
 * order they appear; the others are constants, listed once on the page. */
static void find_columns(struct report *r)
{
    char **paths = NULL;
    size_t np = 0;
    for (size_t si = 0; si < r->ns; si++)
        for (long long id = 0; id <= r->s[si].maxid; id++)
            if (r->s[si].byid[id]) flatten_paths(r->s[si].byid[id]->params, "", &paths, &np);
    for (size_t k = 0; k < np; k++) {
        struct col c = {paths[k], 1, 0, NULL, 0, INFINITY, -INFINITY};
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
                char *txt = value_text(v);
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
        if (c.numeric) {
            if (decl && decl->dist != DIST_CATEGORICAL) c.logx = is_log_dist(decl->dist) && c.min > 0;
            else c.logx = c.min > 0 && c.max / c.min >= 100;
        } else {
            /* Categories in the order the file declares them, then as met. */
            if (decl && decl->dist == DIST_CATEGORICAL)
                for (size_t i = 0; i < decl->ndistinct; i++) {
                    char *txt = value_text(decl->distinct[i]);
                    add_cat(&c, txt);
                    free(txt);
                }
            for (size_t si = 0; si < r->ns; si++)
                for (long long id = 0; id <= r->s[si].maxid; id++) {
                    const struct rtrial *t = r->s[si].byid[id];
                    const struct value *v = t ? value_lookup(t->params, c.path) : NULL;
                    if (!v) continue;
                    char *txt = value_text(v);
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
static double col_pos(const struct col *c, const struct rtrial *t, int log)
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

/* ---- data files and script helpers -------------------------------------- */

/* Data files hold numbers only. Blocks are separated by two blank lines
 * (gnuplot's `index`); only non-empty blocks are written, and the caller
 * keeps their numbers. */
struct dat {
    struct sb b;
    int nblocks;
    int open;      /* rows since the block began */
};

static void dat_row(struct dat *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dat_row(struct dat *d, const char *fmt, ...)
{
    if (!d->open && d->nblocks) sb_add(&d->b, "\n\n");
    va_list ap;
    va_start(ap, fmt);
    char *line;
    if (vasprintf(&line, fmt, ap) < 0) abort();
    va_end(ap);
    sb_add(&d->b, line);
    sb_addc(&d->b, '\n');
    free(line);
    d->open++;
}

/* Ends the current block; its index, or -1 if it had no rows. */
static int dat_end(struct dat *d)
{
    if (!d->open) return -1;
    d->open = 0;
    return d->nblocks++;
}

static int write_file(struct report *r, const char *name, const char *data, size_t len,
                      struct err *e)
{
    char *path = xasprintf("%s/%s", r->out, name);
    int rc = util_write_atomic(path, data, len, e);
    free(path);
    return rc;
}

static void gp_begin(struct report *r, struct sb *g, const char *name, int w, int h)
{
    sb_addf(g, "# %s.gp - written by sweep report; run it again with: gnuplot %s.gp\n", name,
            name);
    if (r->fmt == PLOTS_SVG)
        sb_addf(g, "set terminal svg size %d,%d dynamic font 'DejaVu Sans,11' background '#ffffff'\n",
                w, h);
    else
        sb_addf(g, "set terminal pngcairo size %d,%d font 'DejaVu Sans,10' background '#ffffff'\n",
                w, h);
    sb_add(g, "set encoding utf8\nset termoption noenhanced\n");
    sb_addf(g, "set output '%s.%s'\n", name, r->ext);
    sb_add(g, "set border lc rgb '#555555'\nset grid lc rgb '#e0e0e0' lt 1\n"
              "set key noenhanced box lc rgb '#bbbbbb' opaque samplen 2\n");
}

static void gp_set(struct sb *g, const char *what, const char *text)
{
    sb_addf(g, "set %s ", what);
    plots_quote(g, text);
    sb_addc(g, '\n');
}

/* Runs one plot's script; records the figure, or the failure. */
static void run_plot(struct report *r, const char *name, struct sb *g, const char *caption)
{
    struct err e = {0};
    char *gp = xasprintf("%s.gp", name);
    if (write_file(r, gp, g->buf, g->len, &e) == 0 && r->gnuplot &&
        plots_gnuplot(g->buf, g->len, r->out, -1, &e) == 0) {
        r->fig = xrealloc(r->fig, (r->nfig + 1) * sizeof *r->fig);
        r->fig[r->nfig].file = xasprintf("%s.%s", name, r->ext);
        r->fig[r->nfig++].caption = xstrdup(caption);
    } else if (r->gnuplot) {
        fprintf(stderr, "sweep report: %s.%s not drawn: %s\n", name, r->ext, e.msg);
        char *img = xasprintf("%s/%s.%s", r->out, name, r->ext);
        unlink(img);
        free(img);
        r->fails = xrealloc(r->fails, (r->nfails + 1) * sizeof *r->fails);
        r->fails[r->nfails++] = xasprintf("%s.%s: %s", name, r->ext, e.msg);
    }
    free(gp);
}

static void plot_sep(struct sb *p)
{
    sb_add(p, p->len ? ", \\\n     " : "plot ");
}

static char *fmt_num(double x)
{
    return xasprintf("%.4g", x);
}

/* ---- the plots ----------------------------------------------------------- */

/* The trials drawn in colour: the TOP_N best with a curve (one sweep), or
 * each sweep's best (several). */
struct pick {
    struct rsweep *s;
    struct rtrial *t;
    const char *color;
    char *title;
};

static size_t pick_trials(struct report *r, struct pick *out, size_t max)
{
    size_t n = 0;
    for (size_t si = 0; si < r->ns && n < max; si++) {
        struct rsweep *s = &r->s[si];
        size_t want = r->ns == 1 ? TOP_N : 1;
        for (size_t i = 0; i < s->nt && want && n < max; i++) {
            struct rtrial *t = &s->t[i];
            if (!trial_series(t, s->obj) || !t->has_obj) continue;
            struct pick *p = &out[n];
            p->s = s;
            p->t = t;
            p->color = COLORS[(r->ns == 1 ? n : si) % NCOLORS];
            char *v = fmt_num(t->obj);
            if (r->ns == 1)
                p->title = xasprintf("#%d trial %lld: %s%s", t->rank, t->id, v,
                                     t->state == TRIAL_COMPLETED ? "" : " (not completed)");
            else
                p->title = xasprintf("%s: trial %lld, %s", s->label, t->id, v);
            free(v);
            n++;
            want--;
        }
    }
    return n;
}

static void free_picks(struct pick *p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i].title);
}

static void faint_color(char out[10], const char *rgb)
{
    snprintf(out, 10, "#a0%s", rgb);
}

static void plot_objective(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    struct dat d = {{0}, 0, 0}, pr = {{0}, 0, 0};
    sb_init(&d.b);
    sb_init(&pr.b);
    int *b0 = xcalloc(r->ns, sizeof *b0), *b1 = xcalloc(r->ns, sizeof *b1);
    int *pblock = xcalloc(r->ns, sizeof *pblock);
    long long ncurves = 0, npruned = 0;
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        b0[si] = d.nblocks;
        for (size_t i = 0; i < s->nt; i++) {
            struct rtrial *t = &s->t[i];
            struct series *o = trial_series(t, s->obj);
            if (!o) continue;
            for (size_t j = 0; j < o->n; j++) dat_row(&d, "%lld %.10g", o->step[j], o->v[j]);
            t->block = dat_end(&d);
            ncurves++;
            if (t->state == TRIAL_PRUNED && o->n) {
                dat_row(&pr, "%lld %.10g", o->step[o->n - 1], o->v[o->n - 1]);
                npruned++;
            }
        }
        b1[si] = d.nblocks;
        pblock[si] = dat_end(&pr);
    }
    if (!ncurves) goto out;
    if (write_file(r, "data/objective.dat", d.b.buf, d.b.len, e) ||
        (pr.b.len && write_file(r, "data/objective-pruned.dat", pr.b.buf, pr.b.len, e)))
        goto out;
    struct sb g, p;
    sb_init(&g);
    sb_init(&p);
    gp_begin(r, &g, "objective", 1000, 560);
    struct sb t;
    sb_init(&t);
    sb_addf(&t, "%s per step: %lld trial%s", r->objname, ncurves, ncurves == 1 ? "" : "s");
    if (r->ns == 1) sb_addf(&t, ", the best %zu in colour", npk);
    else sb_add(&t, ", one colour per sweep, each sweep's best in bold");
    gp_set(&g, "title", t.buf);
    gp_set(&g, "xlabel", "step (as the trainer logs it: epoch, iteration)");
    gp_set(&g, "ylabel", r->objname);
    sb_add(&g, "set key outside right top vertical\n");
    /* a loss that falls by orders of magnitude reads better on a log axis */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t si = 0; si < r->ns; si++)
        for (size_t i = 0; i < r->s[si].nt; i++) {
            const struct series *o = trial_series(&r->s[si].t[i], r->s[si].obj);
            for (size_t k = 0; o && k < o->n; k++) {
                if (o->v[k] < lo) lo = o->v[k];
                if (o->v[k] > hi) hi = o->v[k];
            }
        }
    if (!r->s[0].meta.maximize && lo > 0 && hi / lo > 20)
        sb_add(&g, "set logscale y 10\nset format y '%g'\n");
    for (size_t si = 0; si < r->ns; si++) {
        if (b1[si] <= b0[si]) continue;
        char faint[10];
        faint_color(faint, r->ns == 1 ? "909090" : COLORS[si % NCOLORS]);
        plot_sep(&p);
        sb_addf(&p, "for [i=%d:%d] 'data/objective.dat' index i with lines lw 1 lc rgb '%s' notitle",
                b0[si], b1[si] - 1, faint);
    }
    int titled = 0;
    for (size_t si = 0; si < r->ns; si++) {
        if (pblock[si] < 0) continue;
        plot_sep(&p);
        sb_addf(&p, "'data/objective-pruned.dat' index %d with points pt 2 ps 0.8 lc rgb '#d62728' ",
                pblock[si]);
        if (titled++) sb_add(&p, "notitle");
        else sb_add(&p, "title 'pruned: stopped here'");
    }
    for (size_t i = 0; i < npk; i++) {
        plot_sep(&p);
        sb_addf(&p, "'data/objective.dat' index %d with lines lw 2.5 lc rgb '#%s' title ",
                pk[i].t->block, pk[i].color);
        plots_quote(&p, pk[i].title);
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    sb_reset(&t);
    sb_addf(&t, "%s of every trial at each step it logged%s.", r->objname,
            npruned ? "; a red x marks where a pruned trial was stopped" : "");
    run_plot(r, "objective", &g, t.buf);
    sb_release(&t);
    sb_release(&p);
    sb_release(&g);
out:
    free(b0);
    free(b1);
    free(pblock);
    sb_release(&d.b);
    sb_release(&pr.b);
}

static int is_loss_name(const char *n)
{
    for (const char *p = n; *p; p++)
        if (!strncasecmp(p, "loss", 4)) return 1;
    return 0;
}

static void plot_losses(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    /* Loss names that one of the highlighted trials logged, per sweep name list. */
    const char *names[MAX_LOSSES];
    size_t nn = 0;
    for (size_t i = 0; i < npk; i++)
        for (size_t k = 0; k < pk[i].t->nm && nn < MAX_LOSSES; k++) {
            const char *n = pk[i].s->names[pk[i].t->m[k].name];
            if (!is_loss_name(n) || !pk[i].t->m[k].s.n) continue;
            size_t j = 0;
            while (j < nn && strcmp(names[j], n)) j++;
            if (j == nn) names[nn++] = n;
        }
    if (!nn) return;
    struct dat d = {{0}, 0, 0};
    sb_init(&d.b);
    int *blk = xmalloc(nn * npk * sizeof *blk);
    for (size_t j = 0; j < nn; j++)
        for (size_t i = 0; i < npk; i++) {
            const struct series *se = NULL;
            for (size_t k = 0; k < pk[i].t->nm && !se; k++)
                if (!strcmp(pk[i].s->names[pk[i].t->m[k].name], names[j])) se = &pk[i].t->m[k].s;
            if (se)
                for (size_t q = 0; q < se->n; q++) dat_row(&d, "%lld %.10g", se->step[q], se->v[q]);
            blk[j * npk + i] = dat_end(&d);
        }
    if (write_file(r, "data/losses.dat", d.b.buf, d.b.len, e)) goto out;
    int cols = nn < 3 ? (int)nn : nn == 4 ? 2 : 3;
    int rows = ((int)nn + cols - 1) / cols;
    struct sb g;
    sb_init(&g);
    gp_begin(r, &g, "losses", cols * 420 + 40, rows * 320 + 60);
    sb_add(&g, "set multiplot layout ");
    sb_addf(&g, "%d,%d title ", rows, cols);
    plots_quote(&g, r->ns == 1 ? "Training losses of the best trials"
                               : "Training losses of each sweep's best trial");
    sb_add(&g, "\nset key top right font ',8'\n");
    gp_set(&g, "xlabel", "step");
    for (size_t j = 0; j < nn; j++) {
        gp_set(&g, "title", names[j]);
        struct sb p;
        sb_init(&p);
        for (size_t i = 0; i < npk; i++) {
            if (blk[j * npk + i] < 0) continue;
            plot_sep(&p);
            sb_addf(&p, "'data/losses.dat' index %d with lines lw 2 lc rgb '#%s' ", blk[j * npk + i],
                    pk[i].color);
            if (j == 0) {
                sb_add(&p, "title ");
                plots_quote(&p, pk[i].title);
            } else {
                sb_add(&p, "notitle");
            }
        }
        sb_add(&g, p.buf);
        sb_addc(&g, '\n');
        sb_release(&p);
    }
    sb_add(&g, "unset multiplot\n");
    run_plot(r, "losses", &g, "The metrics whose names contain \"loss\", per step, for the trials "
                              "drawn in colour above.");
    sb_release(&g);
out:
    free(blk);
    sb_release(&d.b);
}

static double jitter(long long id)
{
    unsigned long long h = (unsigned long long)id * 2654435761ULL;
    return ((double)(h % 1000) / 1000.0 - 0.5) * 0.4;
}

static void cat_tics(struct sb *g, const char *what, const struct col *c)
{
    sb_addf(g, "set %s (", what);
    for (size_t i = 0; i < c->ncats; i++) {
        if (i) sb_add(g, ", ");
        const char *s = c->cats[i];
        if (strlen(s) > 32) {
            size_t n = 30;
            while (n && ((unsigned char)s[n] & 0xc0) == 0x80) n--; /* not inside a UTF-8 character */
            char *cut = xasprintf("%.*s..", (int)n, s);
            plots_quote(g, cut);
            free(cut);
        } else {
            plots_quote(g, s);
        }
        sb_addf(g, " %zu", i);
    }
    sb_add(g, ")\n");
}

static void plot_params(struct report *r, struct err *e)
{
    for (size_t k = 0; k < r->nc; k++) {
        const struct col *c = &r->c[k];
        struct dat d = {{0}, 0, 0};
        sb_init(&d.b);
        int *done = xmalloc(r->ns * sizeof *done), *other = xmalloc(r->ns * sizeof *other);
        for (size_t si = 0; si < r->ns; si++) {
            struct rsweep *s = &r->s[si];
            for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < s->nt; i++) {
                    const struct rtrial *t = &s->t[i];
                    if (!t->has_obj || (t->state == TRIAL_COMPLETED) != (pass == 0)) continue;
                    double x = col_pos(c, t, 0);
                    if (isnan(x)) continue;
                    if (!c->numeric) x += jitter(t->id);
                    dat_row(&d, "%.10g %.10g %lld", x, t->obj, t->id);
                }
                (pass ? other : done)[si] = dat_end(&d);
            }
        }
        if (!d.nblocks) goto next;
        char *name = xasprintf("param-%zu", k + 1);
        char *file = xasprintf("data/%s.dat", name);
        if (write_file(r, file, d.b.buf, d.b.len, e)) {
            free(name);
            free(file);
            goto next;
        }
        struct sb g, p, t;
        sb_init(&g);
        sb_init(&p);
        sb_init(&t);
        gp_begin(r, &g, name, 760, 460);
        sb_addf(&t, "%s against %s", r->objname, c->path);
        gp_set(&g, "title", t.buf);
        sb_reset(&t);
        sb_addf(&t, "%s%s", c->path, c->logx ? " (log scale)" : "");
        gp_set(&g, "xlabel", t.buf);
        gp_set(&g, "ylabel", r->objname);
        if (c->logx) sb_add(&g, "set logscale x 10\nset format x '%g'\n");
        if (!c->numeric) {
            cat_tics(&g, "xtics", c);
            sb_addf(&g, "set xrange [-0.5:%zu.5]\n", c->ncats - 1);
            if (c->ncats > 6) sb_add(&g, "set xtics rotate by -30\n");
        } else if (c->min == c->max) {
            sb_addf(&g, "set xrange [%.10g:%.10g]\n", c->min - 1, c->max + 1);
        }
        sb_add(&g, "set key below horizontal\n");
        int titled_other = 0;
        for (size_t si = 0; si < r->ns; si++) {
            const char *col = r->ns == 1 ? "1f77b4" : COLORS[si % NCOLORS];
            if (done[si] >= 0) {
                plot_sep(&p);
                sb_addf(&p, "'data/%s.dat' index %d using 1:2 with points pt 7 ps 0.9 lc rgb '#%s' title ",
                        name, done[si], col);
                if (r->ns == 1) plots_quote(&p, "completed");
                else plots_quote(&p, r->s[si].label);
            }
            if (other[si] >= 0) {
                plot_sep(&p);
                sb_addf(&p, "'data/%s.dat' index %d using 1:2 with points pt 6 ps 0.9 lc rgb '#%s' ",
                        name, other[si], r->ns == 1 ? "999999" : col);
                if (titled_other++) sb_add(&p, "notitle");
                else sb_add(&p, "title 'not completed (value when it stopped)'");
            }
        }
        sb_add(&g, p.buf);
        sb_addc(&g, '\n');
        sb_reset(&t);
        sb_addf(&t, "%s of each trial against %s%s%s.", r->objname, c->path,
                c->logx ? " (log axis)" : "", c->numeric ? "" : " (categories, spread sideways)");
        run_plot(r, name, &g, t.buf);
        sb_release(&g);
        sb_release(&p);
        sb_release(&t);
        free(name);
        free(file);
    next:
        free(done);
        free(other);
        sb_release(&d.b);
    }
}

static void plot_parallel(struct report *r, struct err *e)
{
    if (!r->nc) return;
    /* The trials drawn: completed ones with an objective (any with an
     * objective if none completed); the axes: columns all of them have. */
    int only_done = 0;
    for (size_t si = 0; si < r->ns; si++)
        if (r->s[si].best >= 0) only_done = 1;
    size_t ax[MAX_PAXES], na = 0;
    for (size_t k = 0; k < r->nc && na < MAX_PAXES; k++) {
        int all = 1, any = 0;
        for (size_t si = 0; si < r->ns && all; si++)
            for (size_t i = 0; i < r->s[si].nt && all; i++) {
                const struct rtrial *t = &r->s[si].t[i];
                if (!t->has_obj || (only_done && t->state != TRIAL_COMPLETED)) continue;
                any = 1;
                if (isnan(col_pos(&r->c[k], t, 1))) all = 0;
            }
        if (all && any) ax[na++] = k;
    }
    if (!na) return;
    struct dat d = {{0}, 0, 0};
    sb_init(&d.b);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t si = 0; si < r->ns; si++)
        for (size_t i = 0; i < r->s[si].nt; i++) {
            const struct rtrial *t = &r->s[si].t[i];
            if (!t->has_obj || (only_done && t->state != TRIAL_COMPLETED)) continue;
            struct sb row;
            sb_init(&row);
            for (size_t a = 0; a < na; a++) sb_addf(&row, "%.10g ", col_pos(&r->c[ax[a]], t, 1));
            sb_addf(&row, "%.10g %zu", t->obj, si + 1);
            dat_row(&d, "%s", row.buf);
            sb_release(&row);
            if (t->obj < lo) lo = t->obj;
            if (t->obj > hi) hi = t->obj;
        }
    if (dat_end(&d) < 0 || write_file(r, "data/parallel.dat", d.b.buf, d.b.len, e)) {
        sb_release(&d.b);
        return;
    }
    struct sb g, t;
    sb_init(&g);
    sb_init(&t);
    gp_begin(r, &g, "parallel", 1000, 520);
    sb_addf(&t, "Parameters and %s of %s trials, %s", r->objname,
            only_done ? "completed" : "all scored",
            r->ns == 1 ? "coloured by the objective" : "one colour per sweep");
    gp_set(&g, "title", t.buf);
    sb_add(&g, "set style data parallelaxes\nset border 0\nunset ytics\nunset grid\n"
               "set xtics scale 0 nomirror\nset key off\n");
    sb_add(&g, "set xtics (");
    for (size_t a = 0; a <= na; a++) {
        if (a) sb_add(&g, ", ");
        if (a == na) {
            plots_quote(&g, r->objname);
        } else {
            const struct col *c = &r->c[ax[a]];
            char *label = xasprintf("%s%s", c->path, c->logx ? " (log)" : "");
            plots_quote(&g, label);
            free(label);
        }
        sb_addf(&g, " %zu", a + 1);
    }
    sb_add(&g, ")\n");
    for (size_t a = 0; a < na; a++) {
        const struct col *c = &r->c[ax[a]];
        char what[32];
        snprintf(what, sizeof what, "paxis %zu tics", a + 1);
        if (!c->numeric) {
            cat_tics(&g, what, c);
            sb_addf(&g, "set paxis %zu range [-0.3:%zu.3]\n", a + 1, c->ncats - 1);
        } else if (c->logx) {
            int d0 = (int)floor(log10(c->min)), d1 = (int)ceil(log10(c->max));
            sb_addf(&g, "set %s (", what);
            for (int x = d0; x <= d1; x++) sb_addf(&g, "%s'%g' %d", x > d0 ? ", " : "", pow(10, x), x);
            sb_add(&g, ")\n");
            sb_addf(&g, "set paxis %zu range [%d:%d]\n", a + 1, d0, d1);
        } else {
            sb_addf(&g, "set %s\n", what);
        }
    }
    sb_addf(&g, "set paxis %zu tics\n", na + 1);
    if (r->ns == 1) {
        int maxi = r->s[0].meta.maximize;
        sb_addf(&g, "set palette defined (0 '#%s', 0.5 '#f0e442', 1 '#%s')\n",
                maxi ? "d62728" : "1a9641", maxi ? "1a9641" : "d62728");
        if (hi > lo) sb_addf(&g, "set cbrange [%.10g:%.10g]\n", lo, hi);
        sb_addf(&g, "set colorbox\nset cblabel ");
        plots_quote(&g, r->objname);
        sb_addf(&g, "\nplot 'data/parallel.dat' using 1:%zu lc palette lw 1.2", na + 1);
    } else {
        for (size_t si = 0; si < r->ns; si++)
            sb_addf(&g, "set linetype %zu lc rgb '#%s'\n", si + 1, COLORS[si % NCOLORS]);
        sb_addf(&g, "set key on outside top center horizontal\n");
        sb_addf(&g, "plot 'data/parallel.dat' using 1:%zu lc variable lw 1.2", na + 2);
    }
    for (size_t a = 1; a <= na; a++) sb_addf(&g, ", '' using %zu", a + 1);
    if (r->ns > 1)
        for (size_t si = 0; si < r->ns; si++) {
            sb_addf(&g, ", keyentry with lines lw 2 lc rgb '#%s' title ", COLORS[si % NCOLORS]);
            plots_quote(&g, r->s[si].label);
        }
    sb_addc(&g, '\n');
    sb_reset(&t);
    sb_addf(&t, "Parallel coordinates: one line per trial through its parameter values and its "
                "%s (right).", r->objname);
    run_plot(r, "parallel", &g, t.buf);
    sb_release(&g);
    sb_release(&t);
    sb_release(&d.b);
}

static int str_cmp_null(const char *a, const char *b)
{
    if (!a || !b) return !a - !b; /* trials without a GPU after the others */
    return strcmp(a, b);
}

static int by_gpu_start(const void *a, const void *b)
{
    const struct rtrial *x = *(const struct rtrial *const *)a, *y = *(const struct rtrial *const *)b;
    int c = str_cmp_null(x->gpu, y->gpu);
    if (c) return c;
    if (x->started != y->started) return x->started < y->started ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Timeline lanes: one group per GPU the store recorded (trials without one
 * form a last group), and within a group as many lanes as trials ran on it
 * at once, each trial in the lowest lane free when it started. Lane labels
 * go to *labels (count returned). */
static int assign_lanes(struct rsweep *s, char ***labels)
{
    struct rtrial **v = xmalloc((s->nt + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < s->nt; i++)
        if (s->t[i].started > 0 && s->t[i].ended >= s->t[i].started) v[n++] = &s->t[i];
    qsort(v, n, sizeof *v, by_gpu_start);
    int lanes = 0;
    *labels = NULL;
    for (size_t g0 = 0, g1; g0 < n; g0 = g1) {
        g1 = g0;
        while (g1 < n && !str_cmp_null(v[g1]->gpu, v[g0]->gpu)) g1++;
        double *busy = NULL;
        int k = 0;
        for (size_t i = g0; i < g1; i++) {
            int l = 0;
            /* 0.1 s: the supervisor's clock ends a trial a few ms after the next one starts */
            while (l < k && busy[l] > v[i]->started + 0.1) l++;
            if (l == k) busy = xrealloc(busy, (size_t)++k * sizeof *busy);
            busy[l] = v[i]->ended;
            v[i]->lane = lanes + l + 1;
        }
        free(busy);
        *labels = xrealloc(*labels, (size_t)(lanes + k) * sizeof **labels);
        for (int l = 0; l < k; l++) {
            const char *gpu = v[g0]->gpu;
            (*labels)[lanes + l] = !gpu ? xasprintf("slot %d", l + 1)
                                   : k == 1 ? xasprintf("GPU %s", gpu)
                                            : xasprintf("GPU %s (%d)", gpu, l + 1);
        }
        lanes += k;
    }
    free(v);
    return lanes;
}

static void plot_timeline(struct report *r, struct err *e)
{
    double span = 0;
    int *lanes = xcalloc(r->ns, sizeof *lanes), total = 0, gpus = 0;
    char ***labels = xcalloc(r->ns, sizeof *labels);
    for (size_t si = 0; si < r->ns; si++) {
        lanes[si] = assign_lanes(&r->s[si], &labels[si]);
        for (size_t i = 0; i < r->s[si].nt; i++)
            if (r->s[si].t[i].gpu) gpus = 1;
        total += lanes[si];
        for (size_t i = 0; i < r->s[si].nt; i++)
            if (r->s[si].t[i].lane && r->s[si].t[i].ended - r->s[si].t0 > span)
                span = r->s[si].t[i].ended - r->s[si].t0;
    }
    if (!total) goto out;
    double unit = span < 120 ? 1 : span < 7200 ? 60 : 3600;
    const char *uname = unit == 1 ? "seconds" : unit == 60 ? "minutes" : "hours";
    struct dat d = {{0}, 0, 0};
    sb_init(&d.b);
    int *blk = xmalloc(r->ns * sizeof *blk);
    int states[TRIAL_NSTATES] = {0};
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        for (size_t i = 0; i < s->nt; i++) {
            const struct rtrial *t = &s->t[i];
            if (!t->lane) continue;
            double a = (t->started - s->t0) / unit, b = (t->ended - s->t0) / unit;
            unsigned rgb = (unsigned)strtoul(state_color(t->state), NULL, 16);
            dat_row(&d, "%.6g %d %.6g 0.38 %u %lld %.4g", (a + b) / 2, t->lane, (b - a) / 2, rgb,
                    t->id, t->mem);
            states[t->state] = 1;
        }
        blk[si] = dat_end(&d);
    }
    if (write_file(r, "data/timeline.dat", d.b.buf, d.b.len, e)) goto done;
    struct sb g;
    sb_init(&g);
    int h = 0;
    for (size_t si = 0; si < r->ns; si++) h += 120 + (lanes[si] < 5 ? 5 : lanes[si]) * 28;
    if (h > 4000) h = 4000;
    gp_begin(r, &g, "timeline", 1000, h + 40);
    if (r->ns > 1) {
        sb_addf(&g, "set multiplot layout %zu,1 title ", r->ns);
        plots_quote(&g, "Trials over time, per sweep");
        sb_addc(&g, '\n');
    }
    sb_add(&g, "set style fill solid 0.85 border lc rgb '#ffffff'\nset key outside right top vertical\n"
               "unset grid\nset grid xtics lc rgb '#e0e0e0'\n");
    char *xl = xasprintf("%s since the sweep's first trial started", uname);
    gp_set(&g, "xlabel", xl);
    free(xl);
    sb_addf(&g, "set xrange [0:%.6g]\n", span / unit * 1.02 + 1e-9);
    for (size_t si = 0; si < r->ns; si++) {
        if (blk[si] < 0) continue;
        struct rsweep *s = &r->s[si];
        const char *per = gpus ? "lanes per GPU, one per trial running on it at once"
                               : "one lane per concurrent slot (no GPUs recorded)";
        char *title = r->ns == 1 ? xasprintf("Trials over time: %s", per)
                                 : xasprintf("%s: %s", s->label, per);
        gp_set(&g, "title", title);
        free(title);
        sb_addf(&g, "set yrange [%d.5:0.5]\n", lanes[si]);
        if (lanes[si] <= 40) {
            sb_add(&g, "set ytics (");
            for (int l = 1; l <= lanes[si]; l++) {
                if (l > 1) sb_add(&g, ", ");
                plots_quote(&g, labels[si][l - 1]);
                sb_addf(&g, " %d", l);
            }
            sb_add(&g, ")\n");
        } else {
            sb_add(&g, "set ytics autofreq\n");
        }
        sb_addf(&g, "plot 'data/timeline.dat' index %d using 1:2:3:4:5 with boxxyerror lc rgb variable notitle",
                blk[si]);
        if (s->nt <= MAX_LABELLED)
            sb_addf(&g, ", \\\n     'data/timeline.dat' index %d using 1:2:($7 > 0 ? sprintf('%%d  %%.1fG', $6, $7) : "
                        "sprintf('%%d', $6)) with labels font ',8' notitle", blk[si]);
        for (int st = 0; st < TRIAL_NSTATES; st++)
            if (states[st])
                sb_addf(&g, ", \\\n     keyentry with boxes fs solid lc rgb '#%s' title '%s'",
                        state_color((enum trial_state)st), store_state_name((enum trial_state)st));
        sb_addc(&g, '\n');
    }
    if (r->ns > 1) sb_add(&g, "unset multiplot\n");
    run_plot(r, "timeline", &g,
             gpus ? "When each trial ran and on which GPU, coloured by how it ended; a bar is labelled "
                    "with the trial number and, when the trainer logs it (gpu_mem), its peak GPU memory."
                  : "When each trial ran, coloured by how it ended; a bar is labelled with the trial "
                    "number and, when the trainer logs it (gpu_mem), its peak GPU memory. No GPUs "
                    "are recorded for these trials, so lanes are concurrent slots.");
    sb_release(&g);
done:
    free(blk);
    sb_release(&d.b);
out:
    for (size_t si = 0; si < r->ns; si++) {
        for (int l = 0; l < lanes[si]; l++) free(labels[si][l]);
        free(labels[si]);
    }
    free(labels);
    free(lanes);
}

struct ev {
    double t;
    int delta;            /* +1 start, -1 end */
    struct rtrial *trial; /* its trial */
};

/* Compute spent: a GPU busy with any of the sweep's trials counts once,
 * however many share it; a trial without a GPU counts on its own. The
 * GPUs busy now, from the trials running on each. */
struct busy {
    char **gpu;
    int *n;
    size_t ng;
    int nogpu;            /* running trials without a GPU */
};

static int busy_units(const struct busy *b)
{
    int u = b->nogpu;
    for (size_t i = 0; i < b->ng; i++) u += b->n[i] > 0;
    return u;
}

static void busy_add(struct busy *b, const struct rtrial *t, int delta)
{
    if (!t->gpu) {
        b->nogpu += delta;
        return;
    }
    size_t i = 0;
    while (i < b->ng && strcmp(b->gpu[i], t->gpu)) i++;
    if (i == b->ng) {
        b->gpu = xrealloc(b->gpu, (b->ng + 1) * sizeof *b->gpu);
        b->n = xrealloc(b->n, (b->ng + 1) * sizeof *b->n);
        b->gpu[i] = t->gpu;
        b->n[i] = 0;
        b->ng++;
    }
    b->n[i] += delta;
}

static int by_time(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->delta - y->delta; /* ends first */
}

/* Best completed objective so far against the trial-hours spent so far
 * (all trials, completed or not, integrated over time). */
static void plot_cost(struct report *r, struct err *e)
{
    struct dat d = {{0}, 0, 0}, pts = {{0}, 0, 0};
    sb_init(&d.b);
    sb_init(&pts.b);
    int *blk = xmalloc(r->ns * sizeof *blk), *pblk = xmalloc(r->ns * sizeof *pblk);
    int any = 0;
    double most = 0;
    for (size_t si = 0; si < r->ns; si++)
        if (r->s[si].hours > most) most = r->s[si].hours;
    /* Short sweeps read better in trial-minutes or -seconds. */
    double unit = most < 2.0 / 60 ? 1.0 / 3600 : most < 2 ? 1.0 / 60 : 1;
    const char *uname = unit == 1 ? "hours" : unit < 1.0 / 60 ? "seconds" : "minutes";
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        struct ev *ev = xmalloc((2 * s->nt + 1) * sizeof *ev);
        size_t n = 0;
        for (size_t i = 0; i < s->nt; i++) {
            struct rtrial *t = &s->t[i];
            if (t->started <= 0 || t->ended < t->started) continue;
            ev[n++] = (struct ev){t->started, 1, t};
            ev[n++] = (struct ev){t->ended, -1, t};
        }
        qsort(ev, n, sizeof *ev, by_time);
        double cum = 0, prev = n ? ev[0].t : 0, best = NAN;
        int maxi = s->meta.maximize;
        struct busy busy = {NULL, NULL, 0, 0};
        for (size_t i = 0; i < n; i++) {
            cum += busy_units(&busy) * (ev[i].t - prev) / 3600;
            prev = ev[i].t;
            busy_add(&busy, ev[i].trial, ev[i].delta);
            const struct rtrial *t = ev[i].trial;
            if (ev[i].delta > 0 || t->state != TRIAL_COMPLETED || !t->has_obj) continue;
            dat_row(&pts, "%.8g %.10g", cum / unit, t->obj);
            if (isnan(best) || (maxi ? t->obj > best : t->obj < best)) {
                best = t->obj;
                dat_row(&d, "%.8g %.10g", cum / unit, best);
                if (s->best >= 0 && t == &s->t[s->best]) s->hours_to_best = cum;
            }
        }
        if (!isnan(best)) dat_row(&d, "%.8g %.10g", cum / unit, best);
        s->hours = cum;
        free(busy.gpu);
        free(busy.n);
        blk[si] = dat_end(&d);
        pblk[si] = dat_end(&pts);
        if (blk[si] >= 0) any = 1;
        free(ev);
    }
    if (!any || write_file(r, "data/cost.dat", d.b.buf, d.b.len, e) ||
        write_file(r, "data/cost-trials.dat", pts.b.buf, pts.b.len, e))
        goto out;
    struct sb g, p, t;
    sb_init(&g);
    sb_init(&p);
    sb_init(&t);
    gp_begin(r, &g, "cost", 1000, 520);
    sb_addf(&t, "Best %s so far against the compute spent", r->objname);
    gp_set(&g, "title", t.buf);
    sb_reset(&t);
    if (r->gpus) sb_addf(&t, "GPU-%s spent (a GPU busy with trials counts once)", uname);
    else sb_addf(&t, "trial-%s spent (GPU-%s when each trial has one GPU)", uname, uname);
    gp_set(&g, "xlabel", t.buf);
    sb_add(&g, "set xrange [0:*]\n");
    sb_reset(&t);
    sb_addf(&t, "best %s so far", r->objname);
    gp_set(&g, "ylabel", t.buf);
    sb_add(&g, "set key outside right top vertical\n");
    for (size_t si = 0; si < r->ns; si++) {
        const char *col = r->ns == 1 ? "1f77b4" : COLORS[si % NCOLORS];
        if (pblk[si] >= 0) {
            char faint[10];
            faint_color(faint, r->ns == 1 ? "909090" : col);
            plot_sep(&p);
            sb_addf(&p, "'data/cost-trials.dat' index %d with points pt 7 ps 0.5 lc rgb '%s' ", pblk[si], faint);
            if (r->ns == 1) sb_add(&p, "title 'a trial completes'");
            else sb_add(&p, "notitle");
        }
        if (blk[si] >= 0) {
            plot_sep(&p);
            sb_addf(&p, "'data/cost.dat' index %d with steps lw 2.5 lc rgb '#%s' title ", blk[si], col);
            plots_quote(&p, r->ns == 1 ? "best so far" : r->s[si].label);
        }
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    run_plot(r, "cost", &g,
             "The best completed objective so far against the trial time spent until then "
             "(every trial's running time counts, pruned and failed ones too): the curve that "
             "compares search methods.");
    sb_release(&g);
    sb_release(&p);
    sb_release(&t);
out:
    free(blk);
    free(pblk);
    sb_release(&d.b);
    sb_release(&pts.b);
}

/* ---- the page ------------------------------------------------------------ */

static void html_esc(struct sb *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_add(b, "&amp;"); break;
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '"': sb_add(b, "&quot;"); break;
        case '\'': sb_add(b, "&#39;"); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') sb_addc(b, '?');
            else sb_addc(b, *s);
        }
    }
}

/* An href: percent-encoded, so that no byte of a path can end the attribute. */
static void html_href(struct sb *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("/._-~", c)) sb_addc(b, (char)c);
        else sb_addf(b, "%%%02X", c);
    }
}

/* The path of to (a directory or file) relative to the directory from;
 * both absolute and canonical. */
static char *relpath(const char *from, const char *to)
{
    size_t i = 0, last = 0;
    while (from[i] && from[i] == to[i]) {
        if (from[i] == '/') last = i;
        i++;
    }
    if (!from[i] && (to[i] == '/' || !to[i])) last = i;
    struct sb b;
    sb_init(&b);
    for (const char *p = from + last; *p; p++)
        if (*p == '/') sb_add(&b, "../");
    sb_add(&b, to[last] == '/' ? to + last + 1 : to + last);
    if (!b.len) sb_add(&b, ".");
    return sb_detach(&b);
}

static void td_num(struct sb *b, int has, double x)
{
    if (has) sb_addf(b, "<td class=\"n\">%.6g</td>", x);
    else sb_add(b, "<td class=\"n\">-</td>");
}

static const char *et_name(const struct rsweep *s)
{
    if (!s->sp || !s->sp->et_enabled) return "none";
    switch (s->sp->et_type) {
    case ET_HYPERBAND: return "hyperband";
    case ET_ASHA: return "asha";
    case ET_MEDIAN: return "median";
    default: return "patience";
    }
}

static void page_summary(struct report *r, struct sb *b, const char *absout)
{
    sb_add(b, "<table class=\"sum\">\n<tr><th>sweep</th><th>method</th><th>early stopping</th>"
              "<th>trials</th><th>best trial</th><th>");
    html_esc(b, r->objname);
    sb_addf(b, "</th><th>epochs</th><th>%s</th><th>%s until the best</th></tr>\n",
            r->gpus ? "GPU-hours" : "trial-hours", r->gpus ? "GPU-hours" : "trial-hours");
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        sb_add(b, "<tr><td>");
        html_esc(b, s->label);
        sb_add(b, "<br/><span class=\"dim\">");
        html_esc(b, s->dir);
        sb_add(b, "</span></td><td>");
        html_esc(b, s->meta.method ? s->meta.method : "?");
        sb_add(b, "</td><td>");
        html_esc(b, et_name(s));
        sb_addf(b, "</td><td>%zu:", s->nt);
        for (int st = 0; st < TRIAL_NSTATES; st++)
            if (s->counts[st]) sb_addf(b, " %lld&#160;%s", s->counts[st], store_state_name((enum trial_state)st));
        sb_add(b, "</td>");
        if (s->best >= 0) {
            const struct rtrial *t = &s->t[s->best];
            char *abs = realpath(s->dir, NULL);
            char *tdir = abs ? xasprintf("%s/trials/%04lld", abs, t->id) : NULL;
            char *rel = tdir ? relpath(absout, tdir) : NULL;
            sb_add(b, "<td>");
            if (rel) {
                sb_add(b, "<a href=\"");
                html_href(b, rel);
                sb_add(b, "/\">");
            }
            sb_addf(b, "%lld", t->id);
            if (rel) sb_add(b, "</a>");
            sb_add(b, "</td>");
            free(abs);
            free(tdir);
            free(rel);
            td_num(b, 1, t->obj);
        } else {
            sb_add(b, "<td>-</td><td class=\"n\">-</td>");
        }
        sb_addf(b, "<td class=\"n\">%lld</td><td class=\"n\">%.3g</td>", s->epochs, s->hours);
        td_num(b, s->best >= 0 && s->hours_to_best > 0, s->hours_to_best);
        sb_add(b, "</tr>\n");
    }
    sb_add(b, "</table>\n");
}

static void page_leaderboard(struct report *r, struct rsweep *s, struct sb *b, const char *absout)
{
    char *abs = realpath(s->dir, NULL);
    sb_add(b, "<h2>Leaderboard");
    if (r->ns > 1) {
        sb_add(b, ": ");
        html_esc(b, s->label);
    }
    sb_add(b, "</h2>\n<table class=\"lb\">\n<tr><th>#</th><th>trial</th><th>state</th><th>");
    html_esc(b, s->meta.objective ? s->meta.objective : "objective");
    sb_add(b, "</th><th>at step</th>");
    for (size_t k = 0; k < r->nc; k++) {
        sb_add(b, "<th>");
        html_esc(b, r->c[k].path);
        sb_add(b, "</th>");
    }
    sb_add(b, "<th>epochs</th><th>hours</th><th>log</th><th>note</th></tr>\n");
    for (size_t i = 0; i < s->nt; i++) {
        const struct rtrial *t = &s->t[i];
        char *tdir = abs ? xasprintf("%s/trials/%04lld", abs, t->id) : NULL;
        char *rel = tdir ? relpath(absout, tdir) : NULL;
        sb_addf(b, "<tr class=\"%s\"><td class=\"n\">%d</td><td class=\"n\">", store_state_name(t->state),
                t->rank);
        if (rel) {
            sb_add(b, "<a href=\"");
            html_href(b, rel);
            sb_addf(b, "/\">%lld</a>", t->id);
        } else {
            sb_addf(b, "%lld", t->id);
        }
        sb_addf(b, "</td><td>%s</td>", store_state_name(t->state));
        td_num(b, t->has_obj, t->obj);
        if (t->has_obj) sb_addf(b, "<td class=\"n\">%lld</td>", t->obj_step);
        else sb_add(b, "<td class=\"n\">-</td>");
        for (size_t k = 0; k < r->nc; k++) {
            const struct value *v = value_lookup(t->params, r->c[k].path);
            sb_add(b, r->c[k].numeric ? "<td class=\"n\">" : "<td>");
            if (v) {
                char *txt = value_text(v);
                html_esc(b, txt);
                free(txt);
            } else {
                sb_add(b, "-");
            }
            sb_add(b, "</td>");
        }
        struct series *o = trial_series(t, s->obj);
        sb_addf(b, "<td class=\"n\">%zu</td>", o ? o->n : 0);
        td_num(b, t->started > 0 && t->ended >= t->started, (t->ended - t->started) / 3600);
        if (rel) {
            sb_add(b, "<td><a href=\"");
            html_href(b, rel);
            sb_add(b, "/stdout.log\">log</a></td>");
        } else {
            sb_add(b, "<td>-</td>");
        }
        sb_add(b, "<td class=\"note\">");
        if (t->reason) html_esc(b, t->reason);
        sb_add(b, "</td></tr>\n");
        free(tdir);
        free(rel);
    }
    sb_add(b, "</table>\n");
    free(abs);
}

static const char CSS[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}"
    "table{border-collapse:collapse;font-size:0.85em}"
    "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.pruned td{color:#a0522d}tr.failed td{color:#c00}tr.stopped td,tr.pending td{color:#777}"
    "td.note{max-width:32em;font-size:0.9em}.dim{color:#777;font-size:0.85em}"
    ".warn{background:#fff3cd;border:1px solid #e0c36a;padding:0.6em}"
    "figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}"
    "figcaption{color:#555;font-size:0.85em;max-width:60em}";

static int write_page(struct report *r, struct err *e)
{
    char *absout = realpath(r->out, NULL);
    if (!absout) return err_errno(e, "%s", r->out);
    struct sb b;
    sb_init(&b);
    sb_add(&b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
               "<head>\n<meta charset=\"utf-8\"/>\n<title>sweep report: ");
    for (size_t si = 0; si < r->ns; si++) {
        if (si) sb_add(&b, ", ");
        html_esc(&b, r->s[si].label);
    }
    sb_addf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", CSS);
    if (r->ns == 1) {
        sb_add(&b, "Sweep ");
        html_esc(&b, r->s[0].label);
    } else {
        sb_addf(&b, "%zu sweeps compared", r->ns);
    }
    time_t now = (time_t)r->now;
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
    sb_addf(&b, "</h1>\n<p class=\"dim\">Written by sweep %s on %s. Objective: ", SWEEP_VERSION, when);
    html_esc(&b, r->objname);
    sb_addf(&b, " (%s).", r->s[0].meta.maximize ? "maximize" : "minimize");
    if (r->fixed.len) {
        sb_add(&b, " Same in every trial: ");
        html_esc(&b, r->fixed.buf);
        sb_addc(&b, '.');
    }
    sb_add(&b, "</p>\n");
    if (!r->gnuplot)
        sb_add(&b, "<p class=\"warn\">The plots need gnuplot, which is not on PATH (Debian: "
                   "<code>apt-get install gnuplot-nox</code>, then run <code>sweep report</code> "
                   "again). The tables below are complete.</p>\n");
    if (r->nfails) {
        sb_add(&b, "<p class=\"warn\">Some plots could not be drawn:</p>\n<ul>\n");
        for (size_t i = 0; i < r->nfails; i++) {
            sb_add(&b, "<li>");
            html_esc(&b, r->fails[i]);
            sb_add(&b, "</li>\n");
        }
        sb_add(&b, "</ul>\n");
    }
    sb_add(&b, "<h2>Summary</h2>\n");
    page_summary(r, &b, absout);
    if (r->nfig) sb_add(&b, "<h2>Plots</h2>\n");
    for (size_t i = 0; i < r->nfig; i++) {
        sb_add(&b, "<figure><img src=\"");
        html_href(&b, r->fig[i].file);
        sb_add(&b, "\" alt=\"");
        html_esc(&b, r->fig[i].caption);
        sb_add(&b, "\"/><figcaption>");
        html_esc(&b, r->fig[i].caption);
        sb_add(&b, "</figcaption></figure>\n");
    }
    for (size_t si = 0; si < r->ns; si++) page_leaderboard(r, &r->s[si], &b, absout);
    sb_add(&b, "<p class=\"dim\">hours: each trial's wall-clock time (GPU-hours when it has one "
               "GPU). Each plot's gnuplot script and data are next to this page "
               "(<code>NAME.gp</code>, <code>data/</code>).</p>\n</body>\n</html>\n");
    int rc = write_file(r, "index.html", b.buf, b.len, e);
    sb_release(&b);
    free(absout);
    return rc;
}

int plots_report(char *const *dirs, size_t ndirs, const char *out, enum plots_format fmt,
                 struct err *e)
{
    struct report r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.fmt = fmt;
    r.ext = fmt == PLOTS_SVG ? "svg" : "png";
    r.now = util_now();
    sb_init(&r.fixed);
    r.s = xcalloc(ndirs, sizeof *r.s);
    int rc = -1;
    for (size_t i = 0; i < ndirs; i++) {
        r.s[i].dir = xstrdup(dirs[i]);
        r.ns++;
        if (load_sweep(&r, &r.s[i], e)) goto out;
    }
    /* Labels tell sweeps apart: the same name twice gets its directory. */
    for (size_t i = 0; i < r.ns; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(r.s[i].label, r.s[j].label)) {
                free(r.s[i].label);
                r.s[i].label = xstrdup(r.s[i].dir);
                break;
            }
    r.objname = r.s[0].meta.objective ? r.s[0].meta.objective : "objective";
    for (size_t i = 0; i < r.ns; i++)
        for (size_t k = 0; k < r.s[i].nt; k++)
            if (r.s[i].t[k].gpu) r.gpus = 1;
    for (size_t i = 1; i < r.ns; i++)
        if (!r.s[i].meta.objective || !r.s[0].meta.objective ||
            strcmp(r.s[i].meta.objective, r.s[0].meta.objective) ||
            r.s[i].meta.maximize != r.s[0].meta.maximize) {
            err_usage(e, "%s and %s do not share their objective (metric.name and goal); "
                         "a comparison needs the same one", r.s[0].dir, r.s[i].dir);
            goto out;
        }
    if (util_mkdirs(out, e)) goto out;
    char *data = xasprintf("%s/data", out);
    rc = util_mkdirs(data, e);
    free(data);
    if (rc) goto out;
    rc = -1;
    find_columns(&r);
    r.gnuplot = plots_have_gnuplot();
    struct pick pk[TOP_N > 8 ? TOP_N : 8];
    size_t npk = pick_trials(&r, pk, r.ns == 1 ? TOP_N : (r.ns < 8 ? r.ns : 8));
    struct err pe = {0};
    /* A plot that cannot be written is reported, and the others still come. */
    plot_cost(&r, &pe); /* first: it computes hours_to_best for the summary */
    plot_objective(&r, pk, npk, &pe);
    plot_losses(&r, pk, npk, &pe);
    plot_params(&r, &pe);
    plot_parallel(&r, &pe);
    plot_timeline(&r, &pe);
    free_picks(pk, npk);
    if (pe.msg[0]) {
        if (e) *e = pe;
        goto out;
    }
    /* The cost plot comes first on disk but reads best after the curves. */
    if (r.nfig > 1 && !strncmp(r.fig[0].file, "cost.", 5)) {
        struct figure f = r.fig[0];
        memmove(r.fig, r.fig + 1, (r.nfig - 1) * sizeof *r.fig);
        r.fig[r.nfig - 1] = f;
    }
    rc = write_page(&r, e);
out:
    for (size_t i = 0; i < r.ns; i++) free_sweep(&r.s[i]);
    free(r.s);
    for (size_t k = 0; k < r.nc; k++) {
        free(r.c[k].path);
        for (size_t i = 0; i < r.c[k].ncats; i++) free(r.c[k].cats[i]);
        free(r.c[k].cats);
    }
    free(r.c);
    for (size_t i = 0; i < r.nfig; i++) {
        free(r.fig[i].file);
        free(r.fig[i].caption);
    }
    free(r.fig);
    for (size_t i = 0; i < r.nfails; i++) free(r.fails[i]);
    free(r.fails);
    sb_release(&r.fixed);
    return rc;
}
