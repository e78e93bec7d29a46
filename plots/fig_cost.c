/* fig_cost.c - best so far against GPU-hours (or trial-hours): the curve
 * that compares search methods. */
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

static void curve_add(struct rcurve *c, double x, double y)
{
    c->x = xrealloc(c->x, (c->n + 1) * sizeof *c->x);
    c->y = xrealloc(c->y, (c->n + 1) * sizeof *c->y);
    c->x[c->n] = x;
    c->y[c->n] = y;
    c->n++;
}

/* Best completed objective so far against the trial-hours spent so far
 * (all trials, completed or not, integrated over time); the sweep's hours
 * become the integral, and hours_to_best is set. */
static void cost_of(struct rsweep *s)
{
    struct ev *ev = xmalloc((2 * s->nt + 1) * sizeof *ev);
    size_t n = 0;
    for (size_t i = 0; i < s->nt; i++) {
        struct rtrial *t = &s->t[i];
        if (t->started <= 0 || t->ended < t->started) continue;
        ev[n++] = (struct ev){.t = t->started, .delta = 1, .trial = t};
        ev[n++] = (struct ev){.t = t->ended, .delta = -1, .trial = t};
    }
    qsort(ev, n, sizeof *ev, by_time);
    double cum = 0, prev = n ? ev[0].t : 0, best = NAN;
    int maxi = s->meta.maximize;
    struct busy busy = {0};
    for (size_t i = 0; i < n; i++) {
        cum += busy_units(&busy) * (ev[i].t - prev) / 3600;
        prev = ev[i].t;
        busy_add(&busy, ev[i].trial, ev[i].delta);
        const struct rtrial *t = ev[i].trial;
        if (ev[i].delta > 0 || t->state != TRIAL_COMPLETED || !t->has_obj) continue;
        curve_add(&s->cost_trials, cum, t->obj);
        if (isnan(best) || (maxi ? t->obj > best : t->obj < best)) {
            best = t->obj;
            curve_add(&s->cost_best, cum, best);
            if (s->best >= 0 && t == &s->t[s->best]) s->hours_to_best = cum;
        }
    }
    if (!isnan(best)) curve_add(&s->cost_best, cum, best);
    s->hours = cum;
    free(busy.gpu);
    free(busy.n);
    free(ev);
}

void rp_cost(struct report *r)
{
    double most = 0;
    for (size_t si = 0; si < r->ns; si++)
        if (r->s[si].hours > most) most = r->s[si].hours;
    /* Short sweeps read better in trial-minutes or -seconds. */
    r->cost_unit = most < 2.0 / 60 ? 1.0 / 3600 : most < 2 ? 1.0 / 60 : 1;
    for (size_t si = 0; si < r->ns; si++) cost_of(&r->s[si]);
}

/* A curve as a block of a .dat file: its index, -1 when empty. */
static int curve_block(struct dat *d, const struct rcurve *c, double unit)
{
    for (size_t i = 0; i < c->n; i++) rp_dat_row(d, "%.8g %.10g", c->x[i] / unit, c->y[i]);
    return rp_dat_end(d);
}

void fig_cost(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    struct dat d = {0}, pts = {0};
    sb_init(&d.b);
    sb_init(&pts.b);
    int *blk = xmalloc(r->ns * sizeof *blk), *pblk = xmalloc(r->ns * sizeof *pblk);
    int any = 0;
    double unit = r->cost_unit;
    const char *uname = unit == 1 ? "hours" : unit < 1.0 / 60 ? "seconds" : "minutes";
    for (size_t si = 0; si < r->ns; si++) {
        blk[si] = curve_block(&d, &r->s[si].cost_best, unit);
        pblk[si] = curve_block(&pts, &r->s[si].cost_trials, unit);
        if (blk[si] >= 0) any = 1;
    }
    if (!any || rp_write_file(r, "data/cost.dat", d.b.buf, d.b.len, e) ||
        rp_write_file(r, "data/cost-trials.dat", pts.b.buf, pts.b.len, e))
        goto out;
    struct sb g, p, t;
    sb_init(&g);
    sb_init(&p);
    sb_init(&t);
    rp_gp_begin(r, &g, "cost", 1000, 520);
    sb_addf(&t, "Best %s so far against the compute spent", r->objname);
    rp_gp_set(&g, "title", t.buf);
    sb_reset(&t);
    if (r->gpus) sb_addf(&t, "GPU-%s spent (a GPU busy with trials counts once)", uname);
    else sb_addf(&t, "trial-%s spent (trials without GPUs: each counts on its own)", uname);
    rp_gp_set(&g, "xlabel", t.buf);
    sb_add(&g, "set xrange [0:*]\n");
    sb_reset(&t);
    sb_addf(&t, "best %s so far", r->objname);
    rp_gp_set(&g, "ylabel", t.buf);
    sb_add(&g, "set key outside right top vertical\n");
    for (size_t si = 0; si < r->ns; si++) {
        const char *col = r->ns == 1 ? "1f77b4" : COLORS[si % NCOLORS];
        if (pblk[si] >= 0) {
            /* visible at the page's size: solid, a quarter transparent */
            rp_plot_sep(&p);
            sb_addf(&p, "'data/cost-trials.dat' index %d with points pt 7 ps 1.1 lc rgb '#40%s' ",
                    pblk[si], r->ns == 1 ? "606060" : col);
            if (r->ns == 1) sb_add(&p, "title 'a trial completes'");
            else sb_add(&p, "notitle");
        }
        if (blk[si] >= 0) {
            rp_plot_sep(&p);
            /* compared sweeps: a dash pattern each, so that none hides another */
            sb_addf(&p, "'data/cost.dat' index %d with steps lw 2.5 lc rgb '#%s' dt %zu title ",
                    blk[si], col, r->ns == 1 ? (size_t)1 : si % 5 + 1);
            plots_quote(&p, r->ns == 1 ? "best so far" : r->s[si].label);
        }
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    rp_run_plot(r, "cost", &g,
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

