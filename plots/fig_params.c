/* fig_params.c - the objective against each parameter (log axes for
 * log-scaled ones, categories spread). */
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

/* Spread of a category's points (trials apart), within its band: narrow
 * enough that no point reads as a value between two categories. */
#define CAT_JITTER 0.24
#define CAT_BAND 0.36 /* the shaded band behind each category, half of it each side */

static double jitter(long long id)
{
    unsigned long long h = (unsigned long long)id * 2654435761ULL;
    return ((double)(h % 1000) / 1000.0 - 0.5) * CAT_JITTER;
}

void rp_cat_tics(struct sb *g, const char *what, const struct col *c)
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

void fig_params(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    for (size_t k = 0; k < r->nc; k++) {
        const struct col *c = &r->c[k];
        struct dat d = {0};
        sb_init(&d.b);
        int *done = xmalloc(r->ns * sizeof *done), *other = xmalloc(r->ns * sizeof *other);
        int *best = xmalloc(r->ns * sizeof *best);
        for (size_t si = 0; si < r->ns; si++) {
            struct rsweep *s = &r->s[si];
            for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < s->nt; i++) {
                    const struct rtrial *t = &s->t[i];
                    /* a configuration once: at its furthest rung */
                    if (!t->has_obj || t->promoted || (t->state == TRIAL_COMPLETED) != (pass == 0))
                        continue;
                    double x = rp_col_pos(c, t, 0);
                    if (isnan(x)) continue;
                    if (!c->numeric) x += jitter(t->id);
                    rp_dat_row(&d, "%.10g %.10g %lld", x, t->obj, t->id);
                }
                (pass ? other : done)[si] = rp_dat_end(&d);
            }
            best[si] = -1; /* the best trial, marked */
            if (s->best >= 0 && !isnan(rp_col_pos(c, &s->t[s->best], 0))) {
                const struct rtrial *t = &s->t[s->best];
                double x = rp_col_pos(c, t, 0) + (c->numeric ? 0 : jitter(t->id));
                rp_dat_row(&d, "%.10g %.10g %lld", x, t->obj, t->id);
                best[si] = rp_dat_end(&d);
            }
        }
        if (!d.nblocks) goto next;
        char *name = xasprintf("param-%zu", k + 1);
        char *file = xasprintf("data/%s.dat", name);
        if (rp_write_file(r, file, d.b.buf, d.b.len, e)) {
            free(name);
            free(file);
            goto next;
        }
        struct sb g, p, t;
        sb_init(&g);
        sb_init(&p);
        sb_init(&t);
        rp_gp_begin(r, &g, name, 760, 460);
        sb_addf(&t, "%s against %s", r->objname, c->path);
        rp_gp_set(&g, "title", t.buf);
        sb_reset(&t);
        sb_addf(&t, "%s%s", c->path, c->logx ? " (log scale)" : "");
        rp_gp_set(&g, "xlabel", t.buf);
        rp_gp_set(&g, "ylabel", r->objname);
        if (c->logx) sb_add(&g, "set logscale x 10\nset format x '%g'\n");
        if (!c->numeric) {
            rp_cat_tics(&g, "xtics", c);
            sb_addf(&g, "set xrange [-0.5:%zu.5]\n", c->ncats - 1);
            /* a band behind each category: its points are one value, spread apart */
            for (size_t q = 0; q < c->ncats && q < 200; q++)
                sb_addf(&g, "set object %zu rect from %g,graph 0 to %g,graph 1 fc rgb '#eef1f6' "
                            "fs solid 1.0 noborder behind\n",
                        q + 1, (double)q - CAT_BAND, (double)q + CAT_BAND);
            if (c->ncats > 6) sb_add(&g, "set xtics rotate by -30\n");
        } else if (c->min == c->max) {
            sb_addf(&g, "set xrange [%.10g:%.10g]\n", c->min - 1, c->max + 1);
        }
        /* the legend above the plot, clear of the data and the axis labels */
        sb_add(&g, "set key outside top center horizontal\n");
        int titled_other = 0;
        for (size_t si = 0; si < r->ns; si++) {
            const char *col = r->ns == 1 ? "1f77b4" : COLORS[si % NCOLORS];
            if (done[si] >= 0) {
                rp_plot_sep(&p);
                sb_addf(&p, "'data/%s.dat' index %d using 1:2 with points pt 7 ps 0.9 lc rgb '#%s' title ",
                        name, done[si], col);
                if (r->ns == 1) plots_quote(&p, "completed");
                else plots_quote(&p, r->s[si].label);
            }
            if (other[si] >= 0) {
                rp_plot_sep(&p);
                sb_addf(&p, "'data/%s.dat' index %d using 1:2 with points pt 6 ps 0.9 lc rgb '#%s' ",
                        name, other[si], r->ns == 1 ? "999999" : col);
                if (titled_other++) sb_add(&p, "notitle");
                else sb_add(&p, "title 'not completed (value when it stopped)'");
            }
        }
        for (size_t si = 0; si < r->ns; si++) {
            if (best[si] < 0) continue;
            rp_plot_sep(&p);
            sb_addf(&p, "'data/%s.dat' index %d using 1:2 with points pt 3 ps 2.6 lw 2 lc rgb '#%s' title ",
                    name, best[si], r->ns == 1 ? "d62728" : COLORS[si % NCOLORS]);
            char *bt = xasprintf("%s%sbest: trial %lld", r->ns == 1 ? "" : r->s[si].label,
                                 r->ns == 1 ? "" : " ", r->s[si].t[r->s[si].best].id);
            plots_quote(&p, bt);
            free(bt);
        }
        sb_add(&g, p.buf);
        sb_addc(&g, '\n');
        sb_reset(&t);
        sb_addf(&t, "%s of each %s against %s%s%s; the star is the best trial.", r->objname,
                r->s[0].rungs ? "configuration (at its furthest rung)" : "trial", c->path,
                c->logx ? " (log axis)" : "",
                c->numeric ? "" : " (a strip per category, its points spread sideways)");
        rp_run_plot(r, name, &g, t.buf);
        sb_release(&g);
        sb_release(&p);
        sb_release(&t);
        free(name);
        free(file);
    next:
        free(done);
        free(other);
        free(best);
        sb_release(&d.b);
    }
}

