/* fig_objective.c - the objective per step of every trial, the best ones
 * highlighted. */
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

/* The objective's axis: the finite values drawn, less outliers (beyond 20
 * interquartile ranges from the quartiles), which are counted, not scaled
 * to. */
struct yrange {
    double lo, hi;          /* the axis' values */
    long long nout;         /* values outside it */
    double out_lo, out_hi;  /* the outliers' extremes */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void robust_range(const struct report *r, struct yrange *yr)
{
    size_t n = 0, cap = 0;
    double *v = NULL;
    for (size_t si = 0; si < r->ns; si++)
        for (size_t i = 0; i < r->s[si].nt; i++) {
            const struct rtrial *t = &r->s[si].t[i];
            const struct series *o = rp_objective_curve(&r->s[si], t);
            for (size_t k = 0; o && !t->joined && k < o->n; k++) {
                if (!isfinite(o->v[k])) continue;
                if (n == cap) v = xrealloc(v, (cap = cap ? 2 * cap : 256) * sizeof *v);
                v[n++] = o->v[k];
            }
        }
    memset(yr, 0, sizeof *yr);
    if (!n) {
        free(v);
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    double q1 = v[n / 4], q3 = v[(3 * n) / 4], iqr = q3 - q1;
    double flo = q1 - 20 * iqr, fhi = q3 + 20 * iqr; /* far out: a diverging 1e+35 */
    yr->lo = INFINITY;
    yr->hi = -INFINITY;
    yr->out_lo = INFINITY;
    yr->out_hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (iqr > 0 && (v[i] < flo || v[i] > fhi)) {
            yr->nout++;
            if (v[i] < yr->out_lo) yr->out_lo = v[i];
            if (v[i] > yr->out_hi) yr->out_hi = v[i];
            continue;
        }
        if (v[i] < yr->lo) yr->lo = v[i];
        if (v[i] > yr->hi) yr->hi = v[i];
    }
    free(v);
}

void fig_objective(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    struct dat d = {0}, pr = {0};
    sb_init(&d.b);
    sb_init(&pr.b);
    int *b0 = xcalloc(r->ns, sizeof *b0), *b1 = xcalloc(r->ns, sizeof *b1);
    int *pblock = xcalloc(r->ns, sizeof *pblock);
    long long ncurves = 0, npruned = 0, joined = 0;
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        b0[si] = d.nblocks;
        for (size_t i = 0; i < s->nt; i++) {
            struct rtrial *t = &s->t[i];
            const struct series *o = rp_objective_curve(s, t);
            if (!o || t->joined) continue; /* joined: drawn as part of its next rung's */
            for (size_t j = 0; j < o->n; j++) rp_dat_row(&d, "%lld %.10g", o->step[j], o->v[j]);
            t->block = rp_dat_end(&d);
            ncurves++;
            if (o != rp_trial_series(t, s->obj)) joined++;
            if (t->state == TRIAL_PRUNED && o && o->n) {
                rp_dat_row(&pr, "%lld %.10g", o->step[o->n - 1], o->v[o->n - 1]);
                npruned++;
            }
        }
        b1[si] = d.nblocks;
        pblock[si] = rp_dat_end(&pr);
    }
    if (!ncurves) goto out;
    if (rp_write_file(r, "data/objective.dat", d.b.buf, d.b.len, e) ||
        (pr.b.len && rp_write_file(r, "data/objective-pruned.dat", pr.b.buf, pr.b.len, e)))
        goto out;
    struct sb g, p;
    sb_init(&g);
    sb_init(&p);
    rp_gp_begin(r, &g, "objective", 1000, 560);
    struct sb t;
    sb_init(&t);
    sb_addf(&t, "%s per step: %lld trial%s", r->objname, ncurves, ncurves == 1 ? "" : "s");
    if (r->ns == 1) sb_addf(&t, ", the best %zu in colour", npk);
    else sb_add(&t, ", one colour per sweep, each sweep's best in bold");
    rp_gp_set(&g, "title", t.buf);
    rp_gp_set(&g, "xlabel", "step (as the trainer logs it: epoch, iteration)");
    sb_add(&g, "set key outside right top vertical\n");
    struct yrange yr;
    robust_range(r, &yr);
    /* a loss that falls by orders of magnitude reads better on a log axis */
    int logy = !r->s[0].meta.maximize && yr.lo > 0 && yr.hi / yr.lo > 20;
    if (logy) sb_add(&g, "set logscale y 10\nset format y '%g'\n");
    if (yr.nout) /* outliers (a diverging trial's 1e+35) do not set the axis */
        sb_addf(&g, "set yrange [%.10g:%.10g]\n", logy ? yr.lo / 1.3 : yr.lo - 0.05 * (yr.hi - yr.lo),
                logy ? yr.hi * 1.3 : yr.hi + 0.05 * (yr.hi - yr.lo));
    sb_reset(&t);
    sb_addf(&t, "%s%s", r->objname, logy ? " (log scale)" : "");
    rp_gp_set(&g, "ylabel", t.buf);
    for (size_t si = 0; si < r->ns; si++) {
        if (b1[si] <= b0[si]) continue;
        char faint[10];
        rp_faint_color(faint, r->ns == 1 ? "909090" : COLORS[si % NCOLORS]);
        rp_plot_sep(&p);
        sb_addf(&p, "for [i=%d:%d] 'data/objective.dat' index i with lines lw 1 lc rgb '%s' notitle",
                b0[si], b1[si] - 1, faint);
    }
    int titled = 0;
    for (size_t si = 0; si < r->ns; si++) {
        if (pblock[si] < 0) continue;
        rp_plot_sep(&p);
        sb_addf(&p, "'data/objective-pruned.dat' index %d with points pt 2 ps 0.8 lc rgb '#d62728' ",
                pblock[si]);
        if (titled++) sb_add(&p, "notitle");
        else sb_add(&p, "title 'pruned: stopped here'");
    }
    for (size_t i = 0; i < npk; i++) {
        rp_plot_sep(&p);
        /* compared sweeps: a dash pattern each, so that none hides another */
        size_t dt = 1;
        for (size_t si = 0; r->ns > 1 && si < r->ns; si++)
            if (pk[i].s == &r->s[si]) dt = si % 5 + 1;
        sb_addf(&p, "'data/objective.dat' index %d with lines lw 2.5 lc rgb '#%s' dt %zu title ",
                pk[i].t->block, pk[i].color, dt);
        plots_quote(&p, pk[i].title);
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    sb_reset(&t);
    sb_addf(&t, "%s of every trial at each step it logged%s%s.", r->objname,
            npruned ? "; a red x marks where a pruned trial was stopped" : "",
            joined ? "; a configuration promoted to a larger budget is one line across its rungs"
                   : "");
    if (logy) sb_add(&t, " The y axis is logarithmic.");
    if (yr.nout) {
        sb_addf(&t, " %lld value%s outside the usual range (", yr.nout, yr.nout == 1 ? "" : "s");
        util_fmt_num(&t, yr.out_lo < yr.lo ? yr.out_lo : yr.out_hi);
        if (yr.out_lo < yr.lo && yr.out_hi > yr.hi) {
            sb_add(&t, " to ");
            util_fmt_num(&t, yr.out_hi);
        }
        sb_add(&t, ") are off the chart: the axis is set by the others.");
    }
    rp_run_plot(r, "objective", &g, t.buf);
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

