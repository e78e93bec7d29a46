/* report.c - `sweep report`: one HTML page with tables, and gnuplot images.
 *
 * The sweeps are read once into memory (trials in leaderboard order, every
 * metric series), then each image is one gnuplot run over numeric data
 * files under OUT/data; its script is kept as OUT/NAME.gp so that a user can
 * restyle it (`cd OUT && gnuplot objective.gp`). index.html is written last,
 * atomically: a report that fails half-way leaves the previous page whole.
 * A new figure is one fig_*.c file and one line in FIGURES below. */
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

const char *const rp_colors[] = {"1f77b4", "d62728", "2ca02c", "ff7f0e",
                                  "9467bd", "8c564b", "e377c2", "17becf"};

const char *rp_state_color(enum trial_state s)
{
    switch (s) {
    case TRIAL_COMPLETED: return "2ca02c";
    case TRIAL_PRUNED: return "ff7f0e";
    case TRIAL_FAILED: return "d62728";
    case TRIAL_STOPPED: return "7f7f7f";
    case TRIAL_RUNNING: return "1f77b4";
    default: return "c7c7c7";
    }
}

/* The figures, in the order the page shows them; one line each. What a
 * figure needs computed first (the compute spent: rp_cost) is computed
 * before any is drawn. */
static const struct {
    const char *name;
    void (*draw)(struct report *r, struct pick *pk, size_t npk, struct err *e);
} FIGURES[] = {
    /* several objectives' first (nothing for one) */
    {"pareto", fig_pareto},       {"front_parallel", fig_front_parallel},
    {"hypervolume", fig_hypervolume},
    {"objective", fig_objective}, {"losses", fig_losses},     {"params", fig_params},
    {"parallel", fig_parallel},   {"timeline", fig_timeline}, {"importance", fig_importance},
    {"cost", fig_cost},           {"throughput", fig_throughput},
};

int plots_report(char *const *dirs, size_t ndirs, const char *out, enum plots_format fmt,
                 struct err *e)
{
    struct report r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.fmt = fmt;
    r.ext = fmt == PLOTS_SVG ? "svg" : "png";
    r.now = util_now();
    sb_init(&r.fixed);
    r.s = xcalloc(ndirs, sizeof *r.s);
    int rc = -1;
    for (size_t i = 0; i < ndirs; i++) {
        r.s[i].dir = xstrdup(dirs[i]);
        r.ns++;
        if (rp_load_sweep(&r, &r.s[i], e)) goto out;
    }
    /* Labels tell sweeps apart: the same name twice gets its directory. */
    for (size_t i = 0; i < r.ns; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(r.s[i].label, r.s[j].label)) {
                free(r.s[i].label);
                r.s[i].label = xstrdup(r.s[i].dir);
                break;
            }
    r.objname = r.s[0].meta.objective ? r.s[0].meta.objective : "objective";
    for (size_t i = 0; i < r.ns; i++)
        for (size_t k = 0; k < r.s[i].nt; k++)
            if (r.s[i].t[k].gpu) r.gpus = 1;
    for (size_t i = 1; i < r.ns; i++)
        if (!r.s[i].meta.objective || !r.s[0].meta.objective ||
            strcmp(r.s[i].meta.objective, r.s[0].meta.objective) ||
            r.s[i].meta.maximize != r.s[0].meta.maximize) {
            err_usage(e, "%s and %s do not share their objective (metric.name and goal); "
                         "a comparison needs the same one", r.s[0].dir, r.s[i].dir);
            goto out;
        }
    if (util_mkdirs(out, e)) goto out;
    char *data = xasprintf("%s/data", out);
    rc = util_mkdirs(data, e);
    free(data);
    if (rc) goto out;
    rc = -1;
    rp_find_columns(&r);
    rp_importance_all(&r);
    rp_cost(&r);
    r.gnuplot = plots_have_gnuplot();
    struct pick pk[TOP_N > 8 ? TOP_N : 8];
    size_t npk = rp_pick_trials(&r, pk, r.ns == 1 ? TOP_N : (r.ns < 8 ? r.ns : 8));
    struct err pe = {0};
    /* A plot that cannot be written is reported, and the others still come. */
    for (size_t i = 0; i < ARRAY_LEN(FIGURES); i++) FIGURES[i].draw(&r, pk, npk, &pe);
    rp_free_picks(pk, npk);
    if (pe.msg[0]) {
        if (e) *e = pe;
        goto out;
    }
    rc = rp_write_page(&r, e);
out:
    for (size_t i = 0; i < r.ns; i++) rp_free_sweep(&r.s[i]);
    free(r.s);
    for (size_t k = 0; k < r.nc; k++) {
        free(r.c[k].path);
        for (size_t i = 0; i < r.c[k].ncats; i++) free(r.c[k].cats[i]);
        free(r.c[k].cats);
    }
    free(r.c);
    free(r.imp);
    for (size_t i = 0; i < r.nfig; i++) {
        free(r.fig[i].file);
        free(r.fig[i].caption);
    }
    free(r.fig);
    for (size_t i = 0; i < r.nfails; i++) free(r.fails[i]);
    free(r.fails);
    sb_release(&r.fixed);
    return rc;
}

