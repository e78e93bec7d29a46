/* fig_front.c - the figures of a sweep of several objectives besides the
 * Pareto plot of two (fig_pareto.c): the hypervolume of the first front as
 * trials end, against completed trials and against trial-hours (several
 * sweeps with the same objectives on one plot, against one reference
 * point), and, for three objectives or more, parallel coordinates of the
 * objectives by front. */
#include "plots/report_int.h"
#include "search/pareto.h"
#include "search/space.h"
#include "store/fronts.h"
#include "base/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* sp has sp0's objectives (the same names, the same goals, in order) */
static int same_objectives(const struct space *sp, const struct space *sp0)
{
    if (!sp || sp->nobjs != sp0->nobjs) return 0;
    for (size_t j = 0; j < sp->nobjs; j++)
        if (strcmp(sp->obj_names[j], sp0->obj_names[j]) || sp->obj_max[j] != sp0->obj_max[j])
            return 0;
    return 1;
}

static const struct rtrial *ended_cmp_base;
static int by_end(const void *a, const void *b)
{
    const struct rtrial *x = &ended_cmp_base[*(const size_t *)a],
                        *y = &ended_cmp_base[*(const size_t *)b];
    if (x->ended != y->ended) return x->ended < y->ended ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* One sweep's block: "completed trials, trial-time (in units of hours),
 * hypervolume" after
 * each trial that ended, in the order they ended (z: f's objectives
 * minimized; ref minimized). 1 when a row was written. */
static int hv_block(const struct rsweep *s, const struct fronts *f, const double *z,
                    const double *ref, double unit, struct dat *d)
{
    size_t m = f->m, *order = xmalloc((s->nt + 1) * sizeof *order), n = 0, k = 0;
    for (size_t i = 0; i < s->nt; i++)
        if (s->t[i].started > 0 && s->t[i].state != TRIAL_RUNNING &&
            s->t[i].state != TRIAL_PENDING)
            order[n++] = i;
    ended_cmp_base = s->t;
    qsort(order, n, sizeof *order, by_end);
    double *set = xmalloc((f->n + 1) * m * sizeof *set), hours = 0, hv = 0;
    long long done = 0;
    for (size_t a = 0; a < n; a++) {
        const struct rtrial *t = &s->t[order[a]];
        hours += (t->ended - t->started) / 3600;
        if (t->state != TRIAL_COMPLETED) continue;
        done++;
        long i = fronts_find(f, t->id);
        int ok = i >= 0 && f->viol[i] <= 0;
        for (size_t j = 0; ok && j < m; j++) ok = isfinite(z[(size_t)i * m + j]);
        const double *p = ok ? z + (size_t)i * m : NULL;
        for (size_t b = 0; p && b < k; b++)
            if (pareto_dominates(set + b * m, p, m) || !memcmp(set + b * m, p, m * sizeof *p))
                p = NULL; /* beaten (or equalled): the front is as it was */
        if (p) { /* keep the points it does not beat, then it */
            size_t w = 0;
            for (size_t b = 0; b < k; b++)
                if (!pareto_dominates(p, set + b * m, m)) memmove(set + w++ * m, set + b * m, m * sizeof *set);
            memcpy(set + w * m, p, m * sizeof *set);
            k = w + 1;
            hv = pareto_hypervolume(set, k, m, ref);
        }
        rp_dat_row(d, "%lld %.10g %.10g", done, hours / unit, hv);
    }
    free(order);
    free(set);
    return rp_dat_end(d) >= 0;
}

void fig_hypervolume(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    const struct space *sp0 = r->ns ? r->s[0].sp : NULL;
    if (!sp0 || sp0->nobjs < 2) return;
    size_t m = sp0->nobjs;
    int *have = xcalloc(r->ns, sizeof *have), any = 0;
    double *ref = xmalloc(m * sizeof *ref);
    for (size_t j = 0; j < m; j++) ref[j] = -INFINITY;
    for (size_t si = 0; si < r->ns; si++) { /* one reference point: the worst of each sweep's */
        const struct fronts *f = r->s[si].fronts;
        if (!same_objectives(r->s[si].sp, sp0) || !f) continue;
        have[si] = f->front_size > 0;
        for (size_t j = 0; have[si] && j < m; j++) {
            double z = sp0->obj_max[j] ? -f->ref[j] : f->ref[j];
            if (z > ref[j]) ref[j] = z;
        }
    }
    struct dat d = {0};
    sb_init(&d.b);
    int *ix = xcalloc(r->ns, sizeof *ix);
    for (size_t si = 0; si < r->ns; si++) {
        ix[si] = -1;
        if (!have[si]) continue;
        const struct fronts *f = r->s[si].fronts;
        double *z = xmalloc((f->n * m + 1) * sizeof *z);
        for (size_t i = 0; i < f->n * m; i++) z[i] = sp0->obj_max[i % m] ? -f->obj[i] : f->obj[i];
        if (hv_block(&r->s[si], f, z, ref, r->cost_unit > 0 ? r->cost_unit : 1, &d))
            ix[si] = d.nblocks - 1, any = 1;
        free(z);
    }
    if (!any || rp_write_file(r, "data/hypervolume.dat", d.b.buf, d.b.len, e)) goto out;
    struct sb g;
    sb_init(&g);
    rp_gp_begin(r, &g, "hypervolume", 1000, 420);
    sb_add(&g, "set multiplot layout 1,2 title ");
    plots_quote(&g, "Hypervolume of the first front as trials end (more is better)");
    sb_add(&g, "\nset key left top\nset ylabel 'hypervolume'\n");
    for (int panel = 0; panel < 2; panel++) {
        rp_gp_set(&g, "xlabel", !panel ? "completed trials"
                                : r->cost_unit < 1.0 / 60 ? "trial-seconds spent (every trial that ended)"
                                : r->cost_unit < 1      ? "trial-minutes spent (every trial that ended)"
                                                        : "trial-hours spent (every trial that ended)");
        sb_add(&g, "plot ");
        int first = 1;
        for (size_t si = 0; si < r->ns; si++) {
            if (ix[si] < 0) continue;
            sb_addf(&g, "%s'data/hypervolume.dat' index %d using %d:3 with steps lw 2 lc rgb '#%s' "
                        "title ",
                    first ? "" : ", ", ix[si], panel ? 2 : 1,
                    r->ns == 1 ? "1f77b4" : COLORS[si % NCOLORS]);
            plots_quote(&g, r->ns == 1 ? "the first front" : r->s[si].label);
            first = 0;
        }
        sb_addc(&g, '\n');
    }
    sb_add(&g, "unset multiplot\n");
    struct sb cap;
    sb_init(&cap);
    sb_add(&cap, "The volume of objective space the first front dominates (the trials that meet "
                 "the constraints and that no other such trial beats), after each trial ends; "
                 "reference point (each objective's worst value among the trials that meet the "
                 "constraints, plus a tenth of its range");
    if (r->ns > 1) sb_add(&cap, ", over all the sweeps drawn");
    sb_add(&cap, "):");
    for (size_t j = 0; j < m; j++) {
        sb_addf(&cap, "%s %s ", j ? "," : "", sp0->obj_names[j]);
        util_fmt_num(&cap, sp0->obj_max[j] ? -ref[j] : ref[j]);
    }
    sb_add(&cap, ". Left: by completed trials; right: by the time spent in every trial that "
                 "ended, failed ones too.");
    rp_run_plot(r, "hypervolume", &g, cap.buf);
    sb_release(&cap);
    sb_release(&g);
out:
    free(have);
    free(ref);
    free(ix);
    sb_release(&d.b);
}

void fig_front_parallel(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    const struct space *sp = r->ns ? r->s[0].sp : NULL;
    if (!sp || sp->nobjs < 3) return; /* two: the Pareto plot */
    if (!r->s[0].fronts) return;
    const struct fronts f = *r->s[0].fronts;
    size_t m = f.m;
    struct dat d = {0};
    sb_init(&d.b);
    /* rows in drawing order: later fronts (grey), constraint breakers, the
     * first front on top; the last column the line type of its group */
    int rows = 0;
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < f.n; i++) {
            int feas = f.viol[i] <= 0, in = pass == 0   ? feas && f.front[i] > 0
                                             : pass == 1 ? !feas
                                                         : feas && f.front[i] == 0;
            for (size_t j = 0; in && j < m; j++) in = isfinite(f.obj[i * m + j]);
            if (!in) continue;
            struct sb row;
            sb_init(&row);
            for (size_t j = 0; j < m; j++) sb_addf(&row, "%.10g ", f.obj[i * m + j]);
            sb_addf(&row, "%d", 11 + pass);
            rp_dat_row(&d, "%s", row.buf);
            sb_release(&row);
            rows++;
        }
    if (!rows || rp_dat_end(&d) < 0 ||
        rp_write_file(r, "data/front_parallel.dat", d.b.buf, d.b.len, e))
        goto out;
    struct sb g;
    sb_init(&g);
    rp_gp_begin(r, &g, "front_parallel", 1000, 520);
    rp_gp_set(&g, "title", "The objectives of every completed trial: the first front blue, later "
                           "fronts grey, constraint breakers dashed red (better is up)");
    sb_add(&g, "set style data parallelaxes\nset tics front\nset border 0\nunset ytics\nunset grid\n"
               "set xtics scale 0 nomirror\nset key off\n"
               "set linetype 11 lw 1 lc rgb '#c8c8c8'\nset linetype 12 lw 1 dt 2 lc rgb '#d62728'\n"
               "set linetype 13 lw 2.5 lc rgb '#1f77b4'\nset xtics (");
    for (size_t j = 0; j < m; j++) {
        char *label = xasprintf("%s (%s)", sp->obj_names[j], sp->obj_max[j] ? "max" : "min");
        sb_add(&g, j ? ", " : "");
        plots_quote(&g, label);
        sb_addf(&g, " %zu", j + 1);
        free(label);
    }
    sb_add(&g, ")\n");
    for (size_t j = 0; j < m; j++) /* better is up on every axis */
        sb_addf(&g, "set paxis %zu tics nomirror offset -0.6,0\nset paxis %zu range [*:*] %s\n",
                j + 1, j + 1, sp->obj_max[j] ? "noreverse" : "reverse");
    /* one clause per axis, the first with the line type */
    sb_addf(&g, "plot 'data/front_parallel.dat' using 1:%zu lc variable", m + 1);
    for (size_t j = 1; j < m; j++) sb_addf(&g, ", '' using %zu", j + 1);
    sb_addc(&g, '\n');
    rp_run_plot(r, "front_parallel", &g,
                "Each completed trial as a line across its objectives (better is up on every "
                "axis): the first front (the trials that meet the constraints and that no other "
                "such trial beats in every objective) in blue, later fronts grey, constraint "
                "breakers dashed red.");
    sb_release(&g);
out:
    sb_release(&d.b);
}
