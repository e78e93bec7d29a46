/* testfn.c - a "trainer" for bench/search_quality.sh: evaluates a test
 * function with a known optimum and prints it as a metric line.
 *   testfn branin X Y              loss=F   (minimum 0.397887 at three points)
 *   testfn hartmann6 X1 ... X6     loss=F   (minimum -3.32237, x in [0,1]^6)
 * The same formulas as bench/search_quality.py's, for Optuna. Each takes
 * TESTFN_SECONDS (default 0.03 s) before it prints, so that trials end in
 * the order they started, as in Optuna's simulated pool of 4. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(int argc, char **argv)
{
    const char *w = getenv("TESTFN_SECONDS");
    double secs = w ? atof(w) : 0.03;
    struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
    if (secs > 0) nanosleep(&ts, NULL);
    if (argc == 4 && !strcmp(argv[1], "branin")) {
        printf("loss=%.10g\n", branin(atof(argv[2]), atof(argv[3])));
        return 0;
    }
    if (argc == 8 && !strcmp(argv[1], "hartmann6")) {
        double x[6];
        for (int j = 0; j < 6; j++) x[j] = atof(argv[2 + j]);
        printf("loss=%.10g\n", hartmann6(x));
        return 0;
    }
    fprintf(stderr, "usage: testfn branin X Y | testfn hartmann6 X1..X6\n");
    return 2;
}
