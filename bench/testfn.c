/* testfn.c - a "trainer" for bench/search_quality.sh: evaluates a test
 * function with a known optimum and prints it as a metric line.
 *   testfn branin X Y              loss=F   (minimum 0.397887 at three points)
 *   testfn hartmann6 X1 ... X6     loss=F   (minimum -3.32237, x in [0,1]^6)
 * The same formulas as bench/search_quality.py's, for Optuna. Each takes
 * TESTFN_SECONDS (default 0.03 s) before it prints, so that trials end in
 * the order they started, as in Optuna's simulated pool of 4. */
#include "testfns.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
