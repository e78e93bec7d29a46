/* mo_rank.c - the model-based methods' ranking with several objectives
 * (model.h: history_rank_mo, history_mo_ref): completed results by Pareto
 * front with Deb's constraint rule (pareto.h), and within a front by
 * crowding distance (evolve: NSGA-II) or by greedy hypervolume subset
 * selection (bayes: multi-objective TPE's split of the last front that
 * fits into the good group). */
#include "search/model.h"
#include "search/pareto.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Above this many trials in one front the greedy selection (cubic in it)
 * gives way to crowding, which orders a large front almost as well. */
#define MO_GREEDY_MAX 64

void history_mo_ref(const struct history *h, const size_t *idx, size_t n, double *ref)
{
    size_t m = h->nobj;
    for (size_t j = 0; j < m; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t a = 0; a < n; a++) {
            const struct obs *o = &h->o[idx[a]];
            if (o->viol > 0 || !isfinite(o->f[j])) continue;
            if (o->f[j] < lo) lo = o->f[j];
            if (o->f[j] > hi) hi = o->f[j];
        }
        if (!isfinite(hi)) ref[j] = 1; /* nothing feasible: any point, no volume is counted */
        else ref[j] = hi + (hi > lo ? (hi - lo) / 10 : 1);
    }
}

struct ranked {
    size_t i;       /* into h->o */
    int front;
    double key;     /* within the front, smaller first */
    long long id;
};

static int by_front(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->front != y->front) return x->front - y->front;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The members mem[0..k) of one feasible front, in greedy order: key 0, 1,
 * ... by when each is chosen (the one adding the most volume to those
 * chosen before it; ties: the earlier trial). */
static void greedy_keys(const double *pts, size_t m, const double *ref, struct ranked *r,
                        const size_t *mem, size_t k)
{
    double *sel = xmalloc((k * m + 1) * sizeof *sel);
    int *taken = xcalloc(k + 1, sizeof *taken);
    for (size_t step = 0; step < k; step++) {
        size_t best = k;
        double gain = -1;
        for (size_t c = 0; c < k; c++) {
            if (taken[c]) continue;
            memcpy(sel + step * m, pts + mem[c] * m, m * sizeof *sel);
            double v = pareto_hypervolume(sel, step + 1, m, ref);
            if (v > gain || (v == gain && r[mem[c]].id < r[mem[best]].id)) {
                gain = v;
                best = c;
            }
        }
        taken[best] = 1;
        memcpy(sel + step * m, pts + mem[best] * m, m * sizeof *sel);
        r[mem[best]].key = (double)step;
    }
    free(sel);
    free(taken);
}

void history_rank_mo(const struct history *h, size_t *idx, size_t n)
{
    if (n < 2) return;
    size_t m = h->nobj;
    double *pts = xmalloc(n * m * sizeof *pts), *viol = xmalloc(n * sizeof *viol);
    double *dist = xmalloc(n * sizeof *dist), *ref = xmalloc(m * sizeof *ref);
    int *front = xmalloc(n * sizeof *front);
    struct ranked *r = xmalloc(n * sizeof *r);
    for (size_t a = 0; a < n; a++) {
        const struct obs *o = &h->o[idx[a]];
        memcpy(pts + a * m, o->f, m * sizeof *pts);
        viol[a] = o->viol;
    }
    int nf = pareto_fronts(pts, viol, n, m, front);
    pareto_crowding(pts, front, n, m, dist);
    history_mo_ref(h, idx, n, ref);
    for (size_t a = 0; a < n; a++)
        r[a] = (struct ranked){.i = idx[a], .front = front[a], .key = -dist[a],
                               .id = h->o[idx[a]].id};
    size_t *mem = xmalloc(n * sizeof *mem);
    for (int f = 0; h->order == MO_BY_HYPERVOLUME && f < nf; f++) {
        size_t k = 0;
        for (size_t a = 0; a < n; a++)
            if (front[a] == f && viol[a] <= 0) mem[k++] = a;
        if (k > 1 && k <= MO_GREEDY_MAX) greedy_keys(pts, m, ref, r, mem, k);
    }
    qsort(r, n, sizeof *r, by_front);
    for (size_t a = 0; a < n; a++) idx[a] = r[a].i;
    free(mem);
    free(pts);
    free(viol);
    free(dist);
    free(ref);
    free(front);
    free(r);
}
