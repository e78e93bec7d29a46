/* stop_rules.c - the stopping rules patience, median and ASHA decisions. */
#include "search/stop_rules.h"

#include <math.h>
#include <stdlib.h>

int stopping_patience(const double *h, size_t n, int patience, double min_delta, double *best)
{
    if (patience < 1 || n <= (size_t)patience) return 0;
    double before = INFINITY, recent = INFINITY;
    for (size_t i = 0; i < n - (size_t)patience; i++)
        if (h[i] < before) before = h[i];
    for (size_t i = n - (size_t)patience; i < n; i++)
        if (h[i] < recent) recent = h[i];
    *best = before;
    return !(recent < before - min_delta);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int stopping_median(const double *h, size_t n, const double *const *others, const size_t *lens,
                    size_t nothers, int min_iter, int min_trials, double *median)
{
    if (n == 0 || n < (size_t)min_iter) return 0;
    double *avg = malloc((nothers ? nothers : 1) * sizeof *avg);
    if (!avg) abort();
    size_t m = 0;
    for (size_t j = 0; j < nothers; j++) {
        if (lens[j] < n) continue;
        double sum = 0;
        for (size_t i = 0; i < n; i++) sum += others[j][i];
        avg[m++] = sum / (double)n;
    }
    int stop = 0;
    if (m > 0 && m >= (size_t)min_trials) {
        qsort(avg, m, sizeof *avg, cmp_double);
        *median = m % 2 ? avg[m / 2] : (avg[m / 2 - 1] + avg[m / 2]) / 2;
        double best = INFINITY;
        for (size_t i = 0; i < n; i++)
            if (h[i] < best) best = h[i];
        stop = best > *median;
    }
    free(avg);
    return stop;
}

long stopping_asha_rung(size_t n, int min_iter, int max_iter, double eta)
{
    long rung = 0;
    /* a rung at max_iter would judge a trial that has finished training */
    for (double r = min_iter; r <= (double)n && (max_iter <= 0 || r < max_iter); r *= eta)
        rung = (long)r;
    return rung;
}

double stopping_asha_threshold(double *vals, size_t n, double eta, size_t *keep)
{
    qsort(vals, n, sizeof *vals, cmp_double);
    size_t k = (size_t)floor((double)n / eta + 1e-9);
    if (k < 1) k = 1;
    if (k > n) k = n;
    *keep = k;
    return vals[k - 1];
}
