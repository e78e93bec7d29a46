/* fig_pareto.c - a sweep of two objectives (issue 28): every completed
 * trial by its two objectives, those that break a constraint marked, the
 * first Pareto front joined (store/fronts.h); several sweeps with the same
 * two objectives on one plot. Sweeps of one objective draw nothing here,
 * nor (yet) sweeps of three or more. */
#include "plots/report_int.h"
#include "search/space.h"
#include "store/fronts.h"
#include "base/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_first(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* One sweep's blocks: feasible points, infeasible ones, the front as a
 * staircase; their indices in *ix (-1: empty). 1 when it has points. */
static int sweep_blocks(const struct rsweep *s, struct dat *d, int ix[3])
{
    ix[0] = ix[1] = ix[2] = -1;
    if (!s->fronts) return 0;
    const struct fronts f = *s->fronts;
    double *fr = xmalloc((f.n + 1) * 2 * sizeof *fr);
    size_t nf = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < f.n; i++) {
            double x = f.obj[2 * i], y = f.obj[2 * i + 1];
            if (isnan(x) || isnan(y) || (pass == 0) != (f.viol[i] <= 0)) continue;
            rp_dat_row(d, "%.8g %.8g %lld", x, y, f.trial[i]);
            if (pass == 0 && f.front[i] == 0) fr[2 * nf] = x, fr[2 * nf + 1] = y, nf++;
        }
        ix[pass] = rp_dat_end(d);
    }
    qsort(fr, nf, 2 * sizeof *fr, by_first);
    for (size_t i = 0; i < nf; i++) rp_dat_row(d, "%.8g %.8g", fr[2 * i], fr[2 * i + 1]);
    ix[2] = rp_dat_end(d);
    free(fr);
    return f.n > 0;
}

void fig_pareto(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    const struct space *sp0 = r->ns ? r->s[0].sp : NULL;
    if (!sp0 || sp0->nobjs != 2) return; /* one objective; three or more: not drawn yet */
    struct dat d = {0};
    sb_init(&d.b);
    int (*ix)[3] = xcalloc(r->ns, sizeof *ix), any = 0;
    for (size_t si = 0; si < r->ns; si++) {
        const struct space *sp = r->s[si].sp;
        if (sp && sp->nobjs == 2 && !strcmp(sp->obj_names[0], sp0->obj_names[0]) &&
            !strcmp(sp->obj_names[1], sp0->obj_names[1]))
            any |= sweep_blocks(&r->s[si], &d, ix[si]);
        else ix[si][0] = ix[si][1] = ix[si][2] = -1;
    }
    if (!any || rp_write_file(r, "data/pareto.dat", d.b.buf, d.b.len, e)) goto out;
    struct sb g, p;
    sb_init(&g);
    sb_init(&p);
    rp_gp_begin(r, &g, "pareto", 1000, 560);
    rp_gp_set(&g, "title", "Pareto front: the trials no other beats in both objectives");
    struct sb lab;
    sb_init(&lab);
    for (int j = 0; j < 2; j++) {
        sb_reset(&lab);
        sb_addf(&lab, "%s (%s)", sp0->obj_names[j], sp0->obj_max[j] ? "more is better"
                                                                     : "less is better");
        rp_gp_set(&g, j ? "ylabel" : "xlabel", sb_str(&lab));
    }
    sb_release(&lab);
    sb_add(&g, "set key outside right top vertical\n");
    for (size_t si = 0; si < r->ns; si++) {
        const char *col = r->ns == 1 ? "1f77b4" : COLORS[si % NCOLORS];
        const char *name = r->ns == 1 ? NULL : r->s[si].label;
        if (ix[si][0] >= 0) {
            rp_plot_sep(&p);
            sb_addf(&p, "'data/pareto.dat' index %d using 1:2 with points pt 7 ps 1.2 lc rgb "
                        "'#60%s' title ", ix[si][0], col);
            plots_quote(&p, name ? name : "a trial");
        }
        if (ix[si][1] >= 0) {
            rp_plot_sep(&p);
            sb_addf(&p, "'data/pareto.dat' index %d using 1:2 with points pt 2 ps 1.2 lc rgb "
                        "'#%s' title ", ix[si][1], col);
            plots_quote(&p, name ? "" : "breaks a constraint");
        }
        if (ix[si][2] >= 0) {
            rp_plot_sep(&p);
            sb_addf(&p, "'data/pareto.dat' index %d using 1:2 with linespoints lw 2.5 pt 5 "
                        "ps 1.4 lc rgb '#%s' title ", ix[si][2], col);
            plots_quote(&p, name ? name : "the first front");
        }
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    rp_run_plot(r, "pareto", &g,
                "Each completed trial by its two objectives (its best value of each, or its last "
                "with metrics.summary: last); crosses break a constraint; the line joins the "
                "first front: the trials that meet the constraints and that no other such trial "
                "beats in both objectives (sweep top's front 1, sweep best).");
    sb_release(&g);
    sb_release(&p);
out:
    free(ix);
    sb_release(&d.b);
}
