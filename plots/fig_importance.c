/* fig_importance.c - which parameters matter: the share of the objective's
 * variance each parameter explains (importance.c), a bar per parameter
 * (and per sweep in a comparison), the most important first. */
#include "plots/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void fig_importance(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    if (!r->nc) return;
    const struct importance *im = r->imp;
    int any = 0;
    for (size_t k = 0; k < r->ns * r->nc; k++)
        if (!isnan(im[k].eta2)) any = 1;
    if (!any) return;
    /* the parameters by the first sweep's importance, highest first */
    size_t *order = xcalloc(r->nc, sizeof *order);
    rp_importance_order(im, r->nc, order);
    struct dat d = {0};
    sb_init(&d.b);
    int *blk = xcalloc(r->ns, sizeof *blk);
    double w = 0.8 / (double)r->ns;
    for (size_t si = 0; si < r->ns; si++) {
        for (size_t k = 0; k < r->nc; k++) {
            const struct importance *x = &im[si * r->nc + order[k]];
            if (isnan(x->eta2)) continue;
            rp_dat_row(&d, "%.6g %.6g", (double)k + ((double)si - (double)(r->ns - 1) / 2) * w,
                       100 * x->eta2);
        }
        blk[si] = rp_dat_end(&d);
    }
    if (rp_write_file(r, "data/importance.dat", d.b.buf, d.b.len, e)) goto out;
    struct sb g, p;
    sb_init(&g);
    sb_init(&p);
    rp_gp_begin(r, &g, "importance", 760, 420);
    rp_gp_set(&g, "title", "Which parameters matter: the share of the objective's variance each explains");
    rp_gp_set(&g, "ylabel", "variance explained (%)");
    sb_add(&g, "set yrange [0:100]\nset style fill solid 0.85 noborder\n");
    sb_addf(&g, "set boxwidth %.4g\nset xrange [-0.6:%zu.6]\nset grid noxtics\n", w * 0.95,
            r->nc - 1);
    sb_add(&g, "set xtics (");
    for (size_t k = 0; k < r->nc; k++) {
        if (k) sb_add(&g, ", ");
        plots_quote(&g, r->c[order[k]].path);
        sb_addf(&g, " %zu", k);
    }
    sb_add(&g, ")\n");
    if (r->nc > 6) sb_add(&g, "set xtics rotate by -30\n");
    sb_add(&g, r->ns > 1 ? "set key outside top center horizontal\n" : "set key off\n");
    for (size_t si = 0; si < r->ns; si++) {
        if (blk[si] < 0) continue;
        rp_plot_sep(&p);
        sb_addf(&p, "'data/importance.dat' index %d using 1:2 with boxes lc rgb '#%s' title ",
                blk[si], COLORS[si % NCOLORS]);
        plots_quote(&p, r->s[si].label);
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    rp_run_plot(r, "importance", &g,
                "Which parameters matter: the share of the objective's variance that each "
                "parameter's categories (or, for a number, its quantile bins) explain, over the "
                "completed trials (halving and hyperband: every configuration at the first "
                "rung). The table under \"Which parameters matter\" gives the rank correlation "
                "too; docs/reports.md says how both are computed and what they cannot tell.");
    sb_release(&g);
    sb_release(&p);
out:
    sb_release(&d.b);
    free(blk);
    free(order);
}
