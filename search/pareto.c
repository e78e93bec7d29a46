/* pareto.c - non-dominated fronts, crowding and hypervolume (pareto.h). */
#include "search/pareto.h"

#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double val(const double *p, size_t j)
{
    return isnan(p[j]) ? INFINITY : p[j]; /* NaN: the worst */
}

int pareto_dominates(const double *a, const double *b, size_t m)
{
    int better = 0;
    for (size_t j = 0; j < m; j++) {
        double x = val(a, j), y = val(b, j);
        if (x > y) return 0;
        if (x < y) better = 1;
    }
    return better;
}

/* Deb's constrained domination. */
static int beats(const double *pts, const double *viol, size_t m, size_t i, size_t k)
{
    double vi = viol ? viol[i] : 0, vk = viol ? viol[k] : 0;
    if (vi <= 0 && vk > 0) return 1;
    if (vi > 0 || vk > 0) return vi > 0 && vk > 0 && vi < vk;
    return pareto_dominates(pts + i * m, pts + k * m, m);
}

int pareto_fronts(const double *pts, const double *viol, size_t n, size_t m, int *rank)
{
    /* Deb's fast non-dominated sort: how many beat each point, and whom
     * each beats; peel fronts off */
    size_t *count = xcalloc(n + 1, sizeof *count);
    size_t *beaten = xmalloc((n * n + 1) * sizeof *beaten), *nbeaten = xcalloc(n + 1, sizeof *nbeaten);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++)
            if (i != k && beats(pts, viol, m, i, k)) {
                beaten[i * n + nbeaten[i]++] = k;
                count[k]++;
            }
    size_t *cur = xmalloc((n + 1) * sizeof *cur), *next = xmalloc((n + 1) * sizeof *next);
    size_t ncur = 0;
    for (size_t i = 0; i < n; i++) {
        rank[i] = -1;
        if (!count[i]) cur[ncur++] = i;
    }
    int front = 0;
    while (ncur) {
        size_t nnext = 0;
        for (size_t a = 0; a < ncur; a++) {
            size_t i = cur[a];
            rank[i] = front;
            for (size_t b = 0; b < nbeaten[i]; b++)
                if (--count[beaten[i * n + b]] == 0) next[nnext++] = beaten[i * n + b];
        }
        memcpy(cur, next, nnext * sizeof *cur);
        ncur = nnext;
        front++;
    }
    free(count);
    free(beaten);
    free(nbeaten);
    free(cur);
    free(next);
    return front;
}

struct key {
    size_t i;
    double v;
};

static int by_v(const void *x, const void *y)
{
    const struct key *a = x, *b = y;
    if (a->v != b->v) return a->v < b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

void pareto_crowding(const double *pts, const int *rank, size_t n, size_t m, double *dist)
{
    struct key *k = xmalloc((n + 1) * sizeof *k);
    for (size_t i = 0; i < n; i++) dist[i] = 0;
    int fronts = 0;
    for (size_t i = 0; i < n; i++)
        if (rank[i] + 1 > fronts) fronts = rank[i] + 1;
    for (int f = 0; f < fronts; f++)
        for (size_t j = 0; j < m; j++) {
            size_t nk = 0;
            for (size_t i = 0; i < n; i++)
                if (rank[i] == f) k[nk++] = (struct key){i, val(pts + i * m, j)};
            if (!nk) break;
            qsort(k, nk, sizeof *k, by_v);
            dist[k[0].i] = dist[k[nk - 1].i] = INFINITY;
            double range = k[nk - 1].v - k[0].v;
            if (!(range > 0) || !isfinite(range)) continue;
            for (size_t a = 1; a + 1 < nk; a++)
                dist[k[a].i] += (k[a + 1].v - k[a - 1].v) / range;
        }
    free(k);
}

/* Slicing along the last objective: between two consecutive values of it,
 * the points at or below the slice cover an (m-1)-dimensional volume. */
static double hv(double *p, size_t n, size_t m, const double *ref)
{
    if (!n) return 0;
    if (m == 1) {
        double best = ref[0];
        for (size_t i = 0; i < n; i++)
            if (p[i] < best) best = p[i];
        return ref[0] - best;
    }
    size_t last = m - 1;
    /* sort the rows by their last objective (insertion: n is small) */
    double *row = xmalloc(m * sizeof *row);
    for (size_t i = 1; i < n; i++) {
        memcpy(row, p + i * m, m * sizeof *row);
        size_t k = i;
        while (k > 0 && p[(k - 1) * m + last] > row[last]) {
            memcpy(p + k * m, p + (k - 1) * m, m * sizeof *row);
            k--;
        }
        memcpy(p + k * m, row, m * sizeof *row);
    }
    free(row);
    double *sub = xmalloc(n * (m - 1) * sizeof *sub), total = 0;
    for (size_t i = 0; i < n; i++) {
        double top = i + 1 < n ? p[(i + 1) * m + last] : ref[last];
        double depth = top - p[i * m + last];
        if (depth <= 0) continue;
        for (size_t a = 0; a <= i; a++) memcpy(sub + a * (m - 1), p + a * m, (m - 1) * sizeof *sub);
        total += depth * hv(sub, i + 1, m - 1, ref);
    }
    free(sub);
    return total;
}

double pareto_hypervolume(const double *pts, size_t n, size_t m, const double *ref)
{
    double *p = xmalloc((n * m + 1) * sizeof *p);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int inside = 1;
        for (size_t j = 0; j < m; j++) inside &= val(pts + i * m, j) < ref[j];
        if (inside) memcpy(p + m * k++, pts + i * m, m * sizeof *p);
    }
    double v = hv(p, k, m, ref);
    free(p);
    return v;
}

void pareto_contributions(const double *pts, size_t n, size_t m, const double *ref,
                          double *contrib)
{
    double whole = pareto_hypervolume(pts, n, m, ref);
    double *rest = xmalloc((n * m + 1) * sizeof *rest);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (size_t a = 0; a < n; a++)
            if (a != i) memcpy(rest + m * k++, pts + a * m, m * sizeof *rest);
        contrib[i] = whole - pareto_hypervolume(rest, k, m, ref);
    }
    free(rest);
}
