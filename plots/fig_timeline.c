/* fig_timeline.c - which trial ran where and when (GPU lanes), coloured
 * by state. */
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

static int str_cmp_null(const char *a, const char *b)
{
    if (!a || !b) return !a - !b; /* trials without a GPU after the others */
    return strcmp(a, b);
}

static int by_gpu_start(const void *a, const void *b)
{
    const struct rtrial *x = *(const struct rtrial *const *)a, *y = *(const struct rtrial *const *)b;
    int c = str_cmp_null(x->gpu, y->gpu);
    if (c) return c;
    if (x->started != y->started) return x->started < y->started ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Timeline lanes: one group per GPU the store recorded (trials without one
 * form a last group), and within a group as many lanes as trials ran on it
 * at once, each trial in the lowest lane free when it started. Lane labels
 * go to *labels (count returned). */
static int assign_lanes(struct rsweep *s, char ***labels)
{
    struct rtrial **v = xmalloc((s->nt + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < s->nt; i++)
        if (s->t[i].started > 0 && s->t[i].ended >= s->t[i].started) v[n++] = &s->t[i];
    qsort(v, n, sizeof *v, by_gpu_start);
    int lanes = 0;
    *labels = NULL;
    for (size_t g0 = 0, g1; g0 < n; g0 = g1) {
        g1 = g0;
        while (g1 < n && !str_cmp_null(v[g1]->gpu, v[g0]->gpu)) g1++;
        double *busy = NULL;
        int k = 0;
        for (size_t i = g0; i < g1; i++) {
            int l = 0;
            /* 0.1 s: the supervisor's clock ends a trial a few ms after the next one starts */
            while (l < k && busy[l] > v[i]->started + 0.1) l++;
            if (l == k) busy = xrealloc(busy, (size_t)++k * sizeof *busy);
            busy[l] = v[i]->ended;
            v[i]->lane = lanes + l + 1;
        }
        free(busy);
        *labels = xrealloc(*labels, (size_t)(lanes + k) * sizeof **labels);
        for (int l = 0; l < k; l++) {
            const char *gpu = v[g0]->gpu;
            (*labels)[lanes + l] = !gpu ? xasprintf("slot %d", l + 1)
                                   : k == 1 ? xasprintf("GPU %s", gpu)
                                            : xasprintf("GPU %s (%d)", gpu, l + 1);
        }
        lanes += k;
    }
    free(v);
    return lanes;
}

void fig_timeline(struct report *r, struct pick *pk, size_t npk, struct err *e)
{
    (void)pk, (void)npk;
    double span = 0;
    int *lanes = xcalloc(r->ns, sizeof *lanes), total = 0, gpus = 0;
    char ***labels = xcalloc(r->ns, sizeof *labels);
    for (size_t si = 0; si < r->ns; si++) {
        lanes[si] = assign_lanes(&r->s[si], &labels[si]);
        for (size_t i = 0; i < r->s[si].nt; i++)
            if (r->s[si].t[i].gpu) gpus = 1;
        total += lanes[si];
        for (size_t i = 0; i < r->s[si].nt; i++)
            if (r->s[si].t[i].lane && r->s[si].t[i].ended - r->s[si].t0 > span)
                span = r->s[si].t[i].ended - r->s[si].t0;
    }
    if (!total) goto out;
    double unit = span < 120 ? 1 : span < 7200 ? 60 : 3600;
    const char *uname = unit == 1 ? "seconds" : unit == 60 ? "minutes" : "hours";
    struct dat d = {0};
    sb_init(&d.b);
    int *blk = xmalloc(r->ns * sizeof *blk);
    int states[TRIAL_NSTATES] = {0};
    for (size_t si = 0; si < r->ns; si++) {
        struct rsweep *s = &r->s[si];
        for (size_t i = 0; i < s->nt; i++) {
            const struct rtrial *t = &s->t[i];
            if (!t->lane) continue;
            double a = (t->started - s->t0) / unit, b = (t->ended - s->t0) / unit;
            unsigned rgb = (unsigned)strtoul(rp_state_color(t->state), NULL, 16);
            rp_dat_row(&d, "%.6g %d %.6g 0.38 %u %lld %.4g", (a + b) / 2, t->lane, (b - a) / 2, rgb,
                    t->id, t->mem);
            states[t->state] = 1;
        }
        blk[si] = rp_dat_end(&d);
    }
    if (rp_write_file(r, "data/timeline.dat", d.b.buf, d.b.len, e)) goto done;
    struct sb g;
    sb_init(&g);
    int h = 0;
    for (size_t si = 0; si < r->ns; si++) h += 120 + (lanes[si] < 5 ? 5 : lanes[si]) * 28;
    if (h > 4000) h = 4000;
    rp_gp_begin(r, &g, "timeline", 1000, h + 40);
    if (r->ns > 1) {
        sb_addf(&g, "set multiplot layout %zu,1 title ", r->ns);
        plots_quote(&g, "Trials over time, per sweep");
        sb_addc(&g, '\n');
    }
    sb_add(&g, "set style fill solid 0.85 border lc rgb '#ffffff'\nset key outside right top vertical\n"
               "unset grid\nset grid xtics lc rgb '#e0e0e0'\n");
    char *xl = xasprintf("%s since the sweep's first trial started", uname);
    rp_gp_set(&g, "xlabel", xl);
    free(xl);
    sb_addf(&g, "set xrange [0:%.6g]\n", span / unit * 1.02 + 1e-9);
    for (size_t si = 0; si < r->ns; si++) {
        if (blk[si] < 0) continue;
        struct rsweep *s = &r->s[si];
        const char *per = gpus ? "lanes per GPU, one per trial running on it at once"
                               : "one lane per concurrent slot (no GPUs recorded)";
        char *title = r->ns == 1 ? xasprintf("Trials over time: %s", per)
                                 : xasprintf("%s: %s", s->label, per);
        rp_gp_set(&g, "title", title);
        free(title);
        sb_addf(&g, "set yrange [%d.5:0.5]\n", lanes[si]);
        if (lanes[si] <= 40) {
            sb_add(&g, "set ytics (");
            for (int l = 1; l <= lanes[si]; l++) {
                if (l > 1) sb_add(&g, ", ");
                plots_quote(&g, labels[si][l - 1]);
                sb_addf(&g, " %d", l);
            }
            sb_add(&g, ")\n");
        } else {
            sb_add(&g, "set ytics autofreq\n");
        }
        sb_addf(&g, "plot 'data/timeline.dat' index %d using 1:2:3:4:5 with boxxyerror lc rgb variable notitle",
                blk[si]);
        if (s->nt <= MAX_LABELLED)
            sb_addf(&g, ", \\\n     'data/timeline.dat' index %d using 1:2:($7 > 0 ? sprintf('%%d  %%.1fG', $6, $7) : "
                        "sprintf('%%d', $6)) with labels font ',8' notitle", blk[si]);
        for (int st = 0; st < TRIAL_NSTATES; st++)
            if (states[st])
                sb_addf(&g, ", \\\n     keyentry with boxes fs solid lc rgb '#%s' title '%s'",
                        rp_state_color((enum trial_state)st), store_state_name((enum trial_state)st));
        sb_addc(&g, '\n');
    }
    if (r->ns > 1) sb_add(&g, "unset multiplot\n");
    rp_run_plot(r, "timeline", &g,
             gpus ? "When each trial ran and on which GPU, coloured by how it ended; a bar is labelled "
                    "with the trial number and, when the trainer logs it (gpu_mem), its peak GPU memory."
                  : "When each trial ran, coloured by how it ended; a bar is labelled with the trial "
                    "number and, when the trainer logs it (gpu_mem), its peak GPU memory. No GPUs "
                    "are recorded for these trials, so lanes are concurrent slots.");
    sb_release(&g);
done:
    free(blk);
    sb_release(&d.b);
out:
    for (size_t si = 0; si < r->ns; si++) {
        for (int l = 0; l < lanes[si]; l++) free(labels[si][l]);
        free(labels[si]);
    }
    free(labels);
    free(lanes);
}

