/* fig_losses.c - the training losses of the highlighted trials, a panel
 * per loss. */
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

static int is_loss_name(const char *n)
{
    for (const char *p = n; *p; p++)
        if (!strncasecmp(p, "loss", 4)) return 1;
    return 0;
}

void fig_losses(struct report *r, struct pick *pk, size_t npk, struct err *e)
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
    struct dat d = {0};
    sb_init(&d.b);
    int *blk = xmalloc(nn * npk * sizeof *blk);
    for (size_t j = 0; j < nn; j++)
        for (size_t i = 0; i < npk; i++) {
            const struct series *se = NULL;
            for (size_t k = 0; k < pk[i].t->nm && !se; k++)
                if (!strcmp(pk[i].s->names[pk[i].t->m[k].name], names[j])) se = &pk[i].t->m[k].s;
            if (se)
                for (size_t q = 0; q < se->n; q++) rp_dat_row(&d, "%lld %.10g", se->step[q], se->v[q]);
            blk[j * npk + i] = rp_dat_end(&d);
        }
    if (rp_write_file(r, "data/losses.dat", d.b.buf, d.b.len, e)) goto out;
    int cols = nn < 3 ? (int)nn : nn == 4 ? 2 : 3;
    int rows = ((int)nn + cols - 1) / cols;
    struct sb g;
    sb_init(&g);
    rp_gp_begin(r, &g, "losses", cols * 420 + 40, rows * 320 + 60);
    sb_add(&g, "set multiplot layout ");
    sb_addf(&g, "%d,%d title ", rows, cols);
    plots_quote(&g, r->ns == 1 ? "Training losses of the best trials"
                               : "Training losses of each sweep's best trial");
    sb_add(&g, "\nset key top right font ',8'\n");
    rp_gp_set(&g, "xlabel", "step");
    for (size_t j = 0; j < nn; j++) {
        /* as the objective's panel: a loss that falls by orders of magnitude
         * on a log axis (each panel by its own values) */
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < npk; i++)
            for (size_t k = 0; k < pk[i].t->nm; k++)
                if (!strcmp(pk[i].s->names[pk[i].t->m[k].name], names[j]))
                    for (size_t q = 0; q < pk[i].t->m[k].s.n; q++) {
                        double v = pk[i].t->m[k].s.v[q];
                        if (!isfinite(v)) continue;
                        if (v < lo) lo = v;
                        if (v > hi) hi = v;
                    }
        int logy = lo > 0 && hi / lo > 20;
        sb_add(&g, logy ? "set logscale y 10\nset format y '%g'\n" : "unset logscale y\n");
        char *title = xasprintf("%s%s", names[j], logy ? " (log scale)" : "");
        rp_gp_set(&g, "title", title);
        free(title);
        struct sb p;
        sb_init(&p);
        for (size_t i = 0; i < npk; i++) {
            if (blk[j * npk + i] < 0) continue;
            rp_plot_sep(&p);
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
    rp_run_plot(r, "losses", &g, "The metrics whose names contain \"loss\", per step, for the trials "
                              "drawn in colour above.");
    sb_release(&g);
out:
    free(blk);
    sb_release(&d.b);
}

