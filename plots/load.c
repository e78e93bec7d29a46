/* load.c - reading the sweeps of a report into memory: trials in
 * leaderboard order, every metric series, the stored file (report_int.h). */
#include "plots/report_int.h"
#include "search/diag.h"
#include "search/space.h"
#include "store/layout.h"
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

struct series *rp_trial_series(const struct rtrial *t, int name)
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

struct load_pass {
    struct rsweep *s;
    char *seen;            /* by id: loaded in the first pass */
    size_t nseen;
    int second;            /* the promoted trials, after the configurations */
};

static int load_trial(const struct trial_row *row, void *ctx)
{
    struct load_pass *lp = ctx;
    struct rsweep *s = lp->s;
    if (lp->second && row->id >= 0 && (size_t)row->id < lp->nseen && lp->seen[row->id]) return 0;
    if (!lp->second && row->id >= 0) {
        if ((size_t)row->id >= lp->nseen) {
            size_t n = (size_t)row->id + 256;
            lp->seen = xrealloc(lp->seen, n);
            memset(lp->seen + lp->nseen, 0, n - lp->nseen);
            lp->nseen = n;
        }
        lp->seen[row->id] = 1;
    }
    s->t = xrealloc(s->t, (s->nt + 1) * sizeof *s->t);
    struct rtrial *t = &s->t[s->nt];
    memset(t, 0, sizeof *t);
    t->id = row->id;
    s->nt++;
    t->rank = lp->second ? 0 : (int)s->nt;
    t->promoted = lp->second;
    t->rung = row->rung;
    t->parent = row->parent;
    if (row->rung >= 0) s->rungs = 1;
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
        c->cur = rp_trial_series(t, idx);
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


/* A configuration's curve across rungs: a promoted trial that continued
 * its parent's steps (its first step after the parent's last) is drawn
 * joined to its parents'. */
static void chain_series(struct rsweep *s)
{
    if (!s->rungs || s->obj < 0) return;
    s->chain = xcalloc(s->nt, sizeof *s->chain);
    for (size_t i = 0; i < s->nt; i++) {
        const struct rtrial *t = &s->t[i];
        const struct series *own = rp_trial_series(t, s->obj);
        if (!own || !own->n || t->parent < 0) continue;
        /* the ancestors whose steps the next one continues, oldest first */
        struct rtrial *up[64];
        size_t nup = 0;
        long long first = own->step[0];
        for (const struct rtrial *a = t; a->parent >= 0 && a->parent <= s->maxid && nup < 64;) {
            struct rtrial *p = s->byid[a->parent];
            const struct series *ps = p ? rp_trial_series(p, s->obj) : NULL;
            if (!ps || !ps->n || ps->step[ps->n - 1] >= first) break;
            up[nup++] = p;
            first = ps->step[0];
            a = p;
        }
        if (!nup) continue;
        for (size_t k = 0; k < nup; k++) up[k]->joined = 1;
        struct series *c = &s->chain[i];
        for (size_t k = nup + 1; k-- > 0;) {
            const struct series *x = k == 0 ? own : rp_trial_series(up[k - 1], s->obj);
            c->step = xrealloc(c->step, (c->n + x->n) * sizeof *c->step);
            c->v = xrealloc(c->v, (c->n + x->n) * sizeof *c->v);
            memcpy(c->step + c->n, x->step, x->n * sizeof *x->step);
            memcpy(c->v + c->n, x->v, x->n * sizeof *x->v);
            c->n += x->n;
        }
        c->cap = c->n;
    }
}

const struct series *rp_objective_curve(const struct rsweep *s, const struct rtrial *t)
{
    size_t i = (size_t)(t - s->t);
    if (s->chain && i < s->nt && s->chain[i].n) return &s->chain[i];
    return rp_trial_series(t, s->obj);
}

int rp_load_sweep(struct report *r, struct rsweep *s, struct err *e)
{
    char *db = layout_db(s->dir);
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
    struct load_pass lp = {.s = s};
    rc = store_each_trial(st, ORDER_CONFIGS, -1, 0, load_trial, &lp, e);
    lp.second = 1;
    if (!rc) rc = store_each_trial(st, ORDER_RANK, -1, 0, load_trial, &lp, e);
    free(lp.seen);
    if (rc) {
        store_close(st);
        return -1;
    }
    s->byid = xcalloc((size_t)s->maxid + 1, sizeof *s->byid);
    for (size_t i = 0; i < s->nt; i++) s->byid[s->t[i].id] = &s->t[i];
    struct load_ctx lc = {.s = s, .trial = -1, .last_idx = -1};
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
    if (s->sp && s->sp->nobjs >= 2) { /* the fronts every figure of several objectives reads */
        s->fronts = xcalloc(1, sizeof *s->fronts);
        if (store_fronts(st, s->sp, s->fronts, NULL)) {
            free(s->fronts);
            s->fronts = NULL;
        }
    }
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
        struct series *o = rp_trial_series(t, s->obj);
        if (o) s->epochs += (long long)o->n;
        if (s->best < 0 && t->state == TRIAL_COMPLETED && t->has_obj && !t->promoted)
            s->best = (int)i;
        const char *parser = s->sp ? s->sp->parser : NULL;
        for (size_t k = 0; k < t->nm && t->mem < 0; k++)
            for (size_t j = 0; j < t->m[k].s.n; j++) {
                double gb = metrics_mem_gb(parser, s->names[t->m[k].name], t->m[k].s.v[j]);
                if (gb > t->mem) t->mem = gb;
            }
    }
    chain_series(s);
    return 0;
}

void rp_free_sweep(struct rsweep *s)
{
    if (s->fronts) fronts_release(s->fronts);
    free(s->fronts);
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
    for (size_t i = 0; s->chain && i < s->nt; i++) {
        free(s->chain[i].step);
        free(s->chain[i].v);
    }
    free(s->chain);
    free(s->cost_best.x);
    free(s->cost_best.y);
    free(s->cost_trials.x);
    free(s->cost_trials.y);
    free(s->t);
    free(s->byid);
    for (size_t i = 0; i < s->nnames; i++) free(s->names[i]);
    free(s->names);
    if (s->sp) space_free(s->sp);
    store_sweep_release(&s->meta);
    free(s->label);
    free(s->dir);
}

