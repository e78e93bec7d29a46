/* draw.c - data files (numbers only), gnuplot scripts (user text only
 * through plots_quote), running gnuplot, and the trials drawn in colour. */
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

void rp_dat_row(struct dat *d, const char *fmt, ...)
{
    if (!d->open && d->nblocks) sb_add(&d->b, "\n\n");
    va_list ap;
    va_start(ap, fmt);
    char *line;
    if (vasprintf(&line, fmt, ap) < 0) abort();
    va_end(ap);
    sb_add(&d->b, line);
    sb_addc(&d->b, '\n');
    free(line);
    d->open++;
}

/* Ends the current block; its index, or -1 if it had no rows. */
int rp_dat_end(struct dat *d)
{
    if (!d->open) return -1;
    d->open = 0;
    return d->nblocks++;
}

int rp_write_file(struct report *r, const char *name, const char *data, size_t len,
                      struct err *e)
{
    char *path = xasprintf("%s/%s", r->out, name);
    int rc = util_write_atomic(path, data, len, e);
    free(path);
    return rc;
}

void rp_gp_begin(struct report *r, struct sb *g, const char *name, int w, int h)
{
    sb_addf(g, "# %s.gp - written by sweep report; run it again with: gnuplot %s.gp\n", name,
            name);
    if (r->fmt == PLOTS_SVG)
        sb_addf(g, "set terminal svg size %d,%d dynamic font 'DejaVu Sans,11' background '#ffffff'\n",
                w, h);
    else
        sb_addf(g, "set terminal pngcairo size %d,%d font 'DejaVu Sans,10' background '#ffffff'\n",
                w, h);
    sb_add(g, "set encoding utf8\nset termoption noenhanced\n");
    sb_addf(g, "set output '%s.%s'\n", name, r->ext);
    sb_add(g, "set border lc rgb '#555555'\nset grid lc rgb '#e0e0e0' lt 1\n"
              "set key noenhanced box lc rgb '#bbbbbb' opaque samplen 2\n");
}

void rp_gp_set(struct sb *g, const char *what, const char *text)
{
    sb_addf(g, "set %s ", what);
    plots_quote(g, text);
    sb_addc(g, '\n');
}

/* Runs one plot's script; records the figure, or the failure. */
void rp_run_plot(struct report *r, const char *name, struct sb *g, const char *caption)
{
    struct err e = {0};
    char *gp = xasprintf("%s.gp", name);
    if (rp_write_file(r, gp, g->buf, g->len, &e) == 0 && r->gnuplot &&
        plots_gnuplot(g->buf, g->len, r->out, -1, &e) == 0) {
        r->fig = xrealloc(r->fig, (r->nfig + 1) * sizeof *r->fig);
        r->fig[r->nfig].file = xasprintf("%s.%s", name, r->ext);
        r->fig[r->nfig++].caption = xstrdup(caption);
    } else if (r->gnuplot) {
        fprintf(stderr, "sweep report: %s.%s not drawn: %s\n", name, r->ext, e.msg);
        char *img = xasprintf("%s/%s.%s", r->out, name, r->ext);
        unlink(img);
        free(img);
        r->fails = xrealloc(r->fails, (r->nfails + 1) * sizeof *r->fails);
        r->fails[r->nfails++] = xasprintf("%s.%s: %s", name, r->ext, e.msg);
    }
    free(gp);
}

void rp_plot_sep(struct sb *p)
{
    sb_add(p, p->len ? ", \\\n     " : "plot ");
}

static char *fmt_num(double x)
{
    return xasprintf("%.4g", x);
}


size_t rp_pick_trials(struct report *r, struct pick *out, size_t max)
{
    size_t n = 0;
    for (size_t si = 0; si < r->ns && n < max; si++) {
        struct rsweep *s = &r->s[si];
        size_t want = r->ns == 1 ? TOP_N : 1;
        for (size_t i = 0; i < s->nt && want && n < max; i++) {
            struct rtrial *t = &s->t[i];
            if (!rp_trial_series(t, s->obj) || !t->has_obj || t->promoted) continue;
            struct pick *p = &out[n];
            p->s = s;
            p->t = t;
            p->color = COLORS[(r->ns == 1 ? n : si) % NCOLORS];
            char *v = fmt_num(t->obj);
            if (r->ns == 1)
                p->title = xasprintf("#%d trial %lld: %s%s", t->rank, t->id, v,
                                     t->state == TRIAL_COMPLETED ? "" : " (not completed)");
            else
                p->title = xasprintf("%s: trial %lld, %s", s->label, t->id, v);
            free(v);
            n++;
            want--;
        }
    }
    return n;
}

void rp_free_picks(struct pick *p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i].title);
}

void rp_faint_color(char out[10], const char *rgb)
{
    snprintf(out, 10, "#a0%s", rgb);
}

