/* fig_throughput.c - whether packing paid: each trial's rate times the
 * trials that ran beside it on its GPU (the GPU's aggregate rate while it
 * ran) against how many ran at once (store/throughput.h), with the median
 * of each number of trials at once joined. */
#include "plots/report_int.h"
#include "store/layout.h"
#include "store/throughput.h"
#include "base/err.h"

#include <math.h>
#include <stdlib.h>

static int by_y(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int by_x(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

/* One sweep's points (at_once, aggregate) in pts, and its medians per
 * rounded at_once in med; 1 when it has any. */
static int sweep_points(struct report *r, const struct rsweep *s, struct dat *pts,
                        struct dat *med, int *pb, int *mb, double *xmax)
{
    char *db = layout_db(s->dir);
    struct store *st = store_open_ro(db, NULL);
    free(db);
    struct tput tp;
    if (!st || store_throughput(st, s->meta.objective, r->now, &tp, NULL)) {
        store_close(st);
        return 0;
    }
    store_close(st);
    double *v = xmalloc((tp.n + 1) * 2 * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < tp.n; i++)
        if (tp.t[i].rate > 0) {
            v[2 * n] = tp.t[i].at_once;
            v[2 * n + 1] = tp.t[i].rate * tp.t[i].at_once;
            n++;
        }
    qsort(v, n, 2 * sizeof *v, by_x);
    for (size_t i = 0; i < n; i++) {
        rp_dat_row(pts, "%.6g %.6g", v[2 * i], v[2 * i + 1]);
        if (v[2 * i] > *xmax) *xmax = v[2 * i];
    }
    *pb = rp_dat_end(pts);
    double *ys = xmalloc((n + 1) * sizeof *ys);
    for (size_t i = 0, j; i < n; i = j) { /* the median of each whole number at once */
        double k = round(v[2 * i]);
        size_t m = 0;
        for (j = i; j < n && round(v[2 * j]) == k; j++) ys[m++] = v[2 * j + 1];
        qsort(ys, m, sizeof *ys, by_y);
        rp_dat_row(med, "%.6g %.6g", k < 1 ? 1 : k,
                   m % 2 ? ys[m / 2] : (ys[m / 2 - 1] + ys[m / 2]) / 2);
    }
    free(ys);
    *mb = rp_dat_end(med);
    free(v);
    tput_release(&tp);
    return n > 0;
}

void fig_throughput(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    struct dat pts = {0}, med = {0};
    sb_init(&pts.b);
    sb_init(&med.b);
    int *pb = xmalloc(r->ns * sizeof *pb), *mb = xmalloc(r->ns * sizeof *mb), any = 0;
    double xmax = 1;
    for (size_t si = 0; si < r->ns; si++)
        any |= sweep_points(r, &r->s[si], &pts, &med, &pb[si], &mb[si], &xmax);
    if (!any || rp_write_file(r, "data/throughput.dat", pts.b.buf, pts.b.len, e) ||
        rp_write_file(r, "data/throughput-median.dat", med.b.buf, med.b.len, e))
        goto out;
    struct sb g, p;
    sb_init(&g);
    sb_init(&p);
    rp_gp_begin(r, &g, "throughput", 1000, 480);
    rp_gp_set(&g, "title", "Aggregate training rate against trials at once on a GPU");
    rp_gp_set(&g, "xlabel", r->gpus ? "trials running at once on its GPU (time average)"
                                    : "trials running at once (time average)");
    rp_gp_set(&g, "ylabel", "steps per hour, times the trials at once");
    sb_addf(&g, "set xrange [0.5:%.6g]\nset yrange [0:*]\nset key outside right top vertical\n",
            ceil(xmax) + 0.5);
    for (size_t si = 0; si < r->ns; si++) {
        const char *col = r->ns == 1 ? "1f77b4" : COLORS[si % NCOLORS];
        if (pb[si] >= 0) {
            rp_plot_sep(&p);
            sb_addf(&p, "'data/throughput.dat' index %d with points pt 7 ps 1.1 lc rgb '#40%s' ",
                    pb[si], col);
            if (r->ns == 1) sb_add(&p, "title 'a trial'");
            else sb_add(&p, "notitle");
        }
        if (mb[si] >= 0) {
            rp_plot_sep(&p);
            sb_addf(&p, "'data/throughput-median.dat' index %d with linespoints lw 2.5 pt 5 "
                        "lc rgb '#%s' title ",
                    mb[si], col);
            plots_quote(&p, r->ns == 1 ? "median" : r->s[si].label);
        }
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    rp_run_plot(r, "throughput",
                &g,
                "Each trial's rate (steps per hour between its first and last logged value of "
                "the objective) times the trials that ran beside it on its GPU, itself included: "
                "the GPU's aggregate rate while it ran. Packing more trials on a GPU pays while "
                "the median rises; comparable trials (the same model size) are what to compare.");
    sb_release(&g);
    sb_release(&p);
out:
    free(pb);
    free(mb);
    sb_release(&pts.b);
    sb_release(&med.b);
}
