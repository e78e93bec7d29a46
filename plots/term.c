/* term.c - `sweep top --plot`: the best trials' objective curves drawn in
 * the terminal by gnuplot's dumb terminal, data inline (numbers only). */
#include "plots/plots.h"
#include "store/store.h"
#include "base/err.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct curves {
    long long *ids;
    size_t n, cap;
    struct sb *data;    /* one per trial: "step value\n" lines */
};

static int pick(const struct trial_row *t, void *ctx)
{
    struct curves *c = ctx;
    if (!t->has_objective) return 0;
    if (c->n == c->cap) return 1;
    c->ids[c->n++] = t->id;
    return 0;
}

static void collect(long long trial, long long step, double value, void *ctx)
{
    struct curves *c = ctx;
    for (size_t i = 0; i < c->n; i++)
        if (c->ids[i] == trial) sb_addf(&c->data[i], "%lld %.10g\n", step, value);
}

int plots_terminal(struct store *st, long long n, int width, int height, struct err *e)
{
    struct store_sweep sw;
    int rc = store_get_sweep(st, &sw, e);
    if (rc) return rc < 0 ? -1 : err_usage(e, "the store holds no sweep yet");
    if (!sw.objective) {
        store_sweep_release(&sw);
        return err_usage(e, "the sweep has no objective (metric.name) to plot");
    }
    if (!plots_have_gnuplot()) {
        store_sweep_release(&sw);
        return err_set(e, "--plot needs gnuplot, which is not on PATH (Debian: apt-get install gnuplot-nox)");
    }
    struct curves c = {.ids = xcalloc((size_t)n, sizeof *c.ids), .cap = (size_t)n};
    rc = -1;
    if (store_each_trial(st, ORDER_RANK, -1, 0, pick, &c, e)) goto out;
    if (!c.n) {
        err_set(e, "no trial has a value of %s yet", sw.objective);
        goto out;
    }
    c.data = xcalloc(c.n, sizeof *c.data);
    for (size_t i = 0; i < c.n; i++) sb_init(&c.data[i]);
    if (store_metric_values(st, sw.objective, collect, &c, e)) goto out;
    struct sb g, p;
    sb_init(&g);
    sb_init(&p);
    sb_addf(&g, "set terminal dumb size %d,%d\nset termoption noenhanced\n", width, height);
    sb_add(&g, "set key outside right top vertical\nset xlabel 'step'\nset title ");
    char *title = xasprintf("%s of the best %zu trial%s", sw.objective, c.n, c.n == 1 ? "" : "s");
    plots_quote(&g, title);
    free(title);
    sb_addc(&g, '\n');
    for (size_t i = 0; i < c.n; i++) {
        if (!c.data[i].len) continue;
        sb_addf(&g, "$t%zu << EOD\n%sEOD\n", i, c.data[i].buf);
        sb_add(&p, p.len ? ", " : "plot ");
        sb_addf(&p, "$t%zu with lines title 'trial %lld'", i, c.ids[i]);
    }
    sb_add(&g, p.buf);
    sb_addc(&g, '\n');
    fflush(stdout);
    rc = p.len ? plots_gnuplot(g.buf, g.len, NULL, STDOUT_FILENO, e)
               : err_set(e, "no trial has a value of %s yet", sw.objective);
    sb_release(&g);
    sb_release(&p);
out:
    if (c.data)
        for (size_t i = 0; i < c.n; i++) sb_release(&c.data[i]);
    free(c.data);
    free(c.ids);
    store_sweep_release(&sw);
    return rc;
}
