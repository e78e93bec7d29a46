/* hist.c - the objective's history of hist.h. */
#include "sweep/run/hist.h"
#include "search/stop_early.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hist_init(struct run_hist *h, int maximize)
{
    memset(h, 0, sizeof *h);
    h->maximize = maximize;
}

void hist_release(struct run_hist *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->t[i].step);
        free(h->t[i].v);
    }
    free(h->t);
    hist_init(h, h->maximize);
}

double hist_loss(const struct run_hist *h, double value)
{
    return h->maximize ? -value : value;
}

double hist_value(const struct run_hist *h, double loss)
{
    return h->maximize ? -loss : loss;
}

void hist_put(struct run_hist *h, long long id, long long step, double value)
{
    if (id < 0) return;
    h->t = xgrow_index(h->t, &h->n, (size_t)id, sizeof *h->t);
    struct hist *t = &h->t[id];
    double v = hist_loss(h, value);
    size_t i = t->n;
    while (i > 0 && t->step[i - 1] > step) i--;
    h->changed = 1;
    if (i > 0 && t->step[i - 1] == step) { /* the same step again: the last value wins */
        t->v[i - 1] = v;
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->step = xrealloc(t->step, t->cap * sizeof *t->step);
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    memmove(t->step + i + 1, t->step + i, (t->n - i) * sizeof *t->step);
    memmove(t->v + i + 1, t->v + i, (t->n - i) * sizeof *t->v);
    t->step[i] = step;
    t->v[i] = v;
    t->n++;
}

void hist_load_cb(long long trial, long long step, double value, void *ctx)
{
    hist_put(ctx, trial, step, value);
}

void hist_clear(struct run_hist *h, long long id)
{
    if (id >= 0 && (size_t)id < h->n) h->t[id].n = 0;
}

double hist_last(const struct run_hist *h, long long id)
{
    if (id < 0 || (size_t)id >= h->n || !h->t[id].n) return NAN;
    return h->t[id].v[h->t[id].n - 1];
}

size_t hist_count(const struct run_hist *h, long long id)
{
    return id >= 0 && (size_t)id < h->n ? h->t[id].n : 0;
}

struct early_hist *hist_early_view(const struct run_hist *h)
{
    struct early_hist *all = xcalloc(h->n ? h->n : 1, sizeof *all);
    for (size_t t = 0; t < h->n; t++) all[t] = (struct early_hist){.v = h->t[t].v, .n = h->t[t].n};
    return all;
}
