/* fig_parallel.c - parallel coordinates: every trial across its
 * parameters and the objective. */
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

/* Each parameter axis: its categories, decades, or numbers, labelled
 * beside it. */
static void axis_tics(struct sb *g, const struct report *r, const size_t *ax, size_t na)
{
    for (size_t a = 0; a < na; a++) {
        const struct col *c = &r->c[ax[a]];
        char what[64];
        snprintf(what, sizeof what, "paxis %zu tics nomirror offset -0.6,0", a + 1);
        if (!c->numeric) {
            rp_cat_tics(g, what, c);
            sb_addf(g, "set paxis %zu range [-0.3:%zu.3]\n", a + 1, c->ncats - 1);
        } else if (c->logx) {
            int d0 = (int)floor(log10(c->min)), d1 = (int)ceil(log10(c->max));
            if (d1 <= d0) d1 = d0 + 1; /* one value: a decade, not one tic twice */
            sb_addf(g, "set %s (", what);
            for (int x = d0; x <= d1; x++) sb_addf(g, "%s'%g' %d", x > d0 ? ", " : "", pow(10, x), x);
            sb_add(g, ")\n");
            sb_addf(g, "set paxis %zu range [%g:%g]\n", a + 1, d0 - 0.04, d1 + 0.04);
        } else {
            sb_addf(g, "set %s\n", what);
        }
    }
}

void fig_parallel(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    if (!r->nc) return;
    /* The trials drawn: completed ones with an objective (any with an
     * objective if none completed); the axes: columns all of them have. */
    int only_done = 0, rungs = 0;
    for (size_t si = 0; si < r->ns; si++) {
        if (r->s[si].best >= 0) only_done = 1;
        if (r->s[si].rungs) rungs = 1;
    }
    /* halving, hyperband: each configuration once, at the furthest rung it
     * reached (pruned there or completed) */
    if (rungs) only_done = 0;
    size_t ax[MAX_PAXES], na = 0;
    for (size_t k = 0; k < r->nc && na < MAX_PAXES; k++) {
        int all = 1, any = 0;
        for (size_t si = 0; si < r->ns && all; si++)
            for (size_t i = 0; i < r->s[si].nt && all; i++) {
                const struct rtrial *t = &r->s[si].t[i];
                if (!t->has_obj || t->promoted || (only_done && t->state != TRIAL_COMPLETED))
                    continue;
                any = 1;
                if (isnan(rp_col_pos(&r->c[k], t, 1))) all = 0;
            }
        if (all && any) ax[na++] = k;
    }
    if (!na) return;
    struct dat d = {0};
    sb_init(&d.b);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t si = 0; si < r->ns; si++)
        for (size_t i = 0; i < r->s[si].nt; i++) {
            const struct rtrial *t = &r->s[si].t[i];
            if (!t->has_obj || t->promoted || (only_done && t->state != TRIAL_COMPLETED))
                continue;
            struct sb row;
            sb_init(&row);
            for (size_t a = 0; a < na; a++) sb_addf(&row, "%.10g ", rp_col_pos(&r->c[ax[a]], t, 1));
            sb_addf(&row, "%.10g %zu", t->obj, si + 1);
            rp_dat_row(&d, "%s", row.buf);
            sb_release(&row);
            if (t->obj < lo) lo = t->obj;
            if (t->obj > hi) hi = t->obj;
        }
    if (rp_dat_end(&d) < 0 || rp_write_file(r, "data/parallel.dat", d.b.buf, d.b.len, e)) {
        sb_release(&d.b);
        return;
    }
    struct sb g, t;
    sb_init(&g);
    sb_init(&t);
    rp_gp_begin(r, &g, "parallel", 1000, 520);
    sb_addf(&t, "Parameters and %s of %s, %s", r->objname,
            rungs ? "each configuration at its furthest rung"
            : only_done ? "completed trials" : "all scored trials",
            r->ns == 1 ? "coloured by the objective" : "one colour per sweep");
    rp_gp_set(&g, "title", t.buf);
    /* tic labels in front of the lines, beside their axis, not on it */
    sb_add(&g, "set style data parallelaxes\nset tics front\nset border 0\nunset ytics\n"
               "unset grid\nset xtics scale 0 nomirror\nset key off\n");
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
    axis_tics(&g, r, ax, na);
    sb_addf(&g, "set paxis %zu tics nomirror offset -0.6,0\n", na + 1);
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
    rp_run_plot(r, "parallel", &g, t.buf);
    sb_release(&g);
    sb_release(&t);
    sb_release(&d.b);
}

