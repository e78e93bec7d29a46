/* testfns.h - the test functions of bench/search_quality.sh, for testfn.c
 * (a trainer process) and search_sim.c (in one process): Branin (minimum
 * 0.397887 at three points) and Hartmann-6 (minimum -3.32237, x in
 * [0,1]^6), the formulas bench/search_quality.py gives Optuna. */
#ifndef SWEEP_BENCH_TESTFNS_H
#define SWEEP_BENCH_TESTFNS_H

#include <math.h>

static double branin(double x, double y)
{
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    double u = y - b * x * x + c * x - 6;
    return u * u + 10 * (1 - t) * cos(x) + 10;
}

static double hartmann6(const double *x)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                   {2329, 4135, 8307, 3736, 1004, 9991},
                                   {2348, 1451, 3522, 2883, 3047, 6650},
                                   {4047, 8828, 8732, 5743, 1091, 381}};
    double f = 0;
    for (int i = 0; i < 4; i++) {
        double s = 0;
        for (int j = 0; j < 6; j++) {
            double d = x[j] - P[i][j] * 1e-4;
            s += A[i][j] * d * d;
        }
        f -= alpha[i] * exp(-s);
    }
    return f;
}

#endif
