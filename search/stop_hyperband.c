/* stop_hyperband.c - W&B's hyperband stopping rule (early_terminate: {type:
 * hyperband}): a stopping rule, not the hyperband search method (rungs.c). */
#include "search/stop_hyperband.h"

#include <math.h>
#include <stdlib.h>

size_t hyperband_bands(int min_iter, int max_iter, int s, double eta, long *bands, size_t max)
{
    size_t n = 0;
    if (max_iter > 0) {
        double band = max_iter;
        for (int i = 0; i < s && n < max; i++) {
            band /= eta;
            if (band < 1) break;
            bands[n++] = (long)band;
        }
        /* ascending: they were made descending */
        for (size_t i = 0; i < n / 2; i++) {
            long t = bands[i];
            bands[i] = bands[n - 1 - i];
            bands[n - 1 - i] = t;
        }
    } else {
        double band = min_iter;
        for (size_t i = 0; i < max && band < 1e12; i++) {
            bands[n++] = (long)band;
            band *= eta;
        }
    }
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double hyperband_threshold(double *vals, size_t n, double eta)
{
    qsort(vals, n, sizeof *vals, cmp_double);
    size_t k = (size_t)((1.0 / eta) * (double)n);
    return vals[k < n ? k : n - 1];
}

int hyperband_closest(const long *bands, size_t nbands, size_t n)
{
    int closest = -1;
    for (size_t i = 0; i < nbands && bands[i] < (long)n; i++) closest = (int)i;
    return closest;
}
