/* test_pareto.c - fronts, crowding and hypervolume (search/pareto.h) on
 * sets whose answers are known by hand, and the hypervolume against a
 * Monte Carlo estimate in three and four objectives. */
#include "check.h"
#include "search/pareto.h"

#include <math.h>

static void fronts_by_hand(void)
{
    /* minimise both: A(1,4) B(2,2) C(4,1) are the front, D(3,3) is beaten by
     * B, E(4,4) by D (and B), F(2,2) equals B (neither beats the other) */
    double p[] = {1, 4, 2, 2, 4, 1, 3, 3, 4, 4, 2, 2};
    int r[6];
    CHECK_INT_EQ(pareto_fronts(p, NULL, 6, 2, r), 3);
    int want[] = {0, 0, 0, 1, 2, 0};
    for (int i = 0; i < 6; i++) CHECK_INT_EQ(r[i], want[i]);
    CHECK(pareto_dominates(p + 2, p + 6, 2));
    CHECK(!pareto_dominates(p + 2, p + 10, 2)); /* equal */
    CHECK(!pareto_dominates(p, p + 4, 2));
}

static void constraints_first_feasible(void)
{
    /* the best objectives but infeasible: after every feasible front, by
     * violation; NaN as the worst value */
    double p[] = {0, 0, 5, 5, 6, 6, 0, 1, NAN, 0};
    double v[] = {2, 0, 0, 1, 0};
    int r[5];
    pareto_fronts(p, v, 5, 2, r);
    CHECK_INT_EQ(r[1], 0);
    CHECK_INT_EQ(r[2], 1);
    CHECK_INT_EQ(r[4], 0); /* NaN in one objective: (inf, 0) is not beaten by (5, 5) */
    CHECK(r[3] > r[2]);    /* violation 1 */
    CHECK(r[0] > r[3]);    /* violation 2: worse */
}

static void crowding_ends_and_middle(void)
{
    double p[] = {0, 4, 1, 2, 3, 1, 4, 0};
    int r[4] = {0, 0, 0, 0};
    double d[4];
    pareto_crowding(p, r, 4, 2, d);
    CHECK(isinf(d[0]) && isinf(d[3]));
    /* point 1: (3 - 0) / 4 + (4 - 1) / 4 = 1.5; point 2: (4 - 1) / 4 + (2 - 0) / 4 = 1.25 */
    CHECK_NEAR(d[1], 1.5, 1e-12);
    CHECK_NEAR(d[2], 1.25, 1e-12);
}

static void hypervolume_by_hand(void)
{
    double p2[] = {1, 3, 2, 2, 3, 1, 3, 3 /* dominated */, 5, 0 /* outside ref */};
    double ref2[] = {4, 4};
    CHECK_NEAR(pareto_hypervolume(p2, 5, 2, ref2), 6, 1e-12);
    double p3[] = {0, 1, 1, 1, 0, 1};
    double ref3[] = {2, 2, 2};
    CHECK_NEAR(pareto_hypervolume(p3, 2, 3, ref3), 3, 1e-12); /* 2 + 2 - 1 */
    double c[2];
    pareto_contributions(p3, 2, 3, ref3, c);
    CHECK_NEAR(c[0], 1, 1e-12);
    CHECK_NEAR(c[1], 1, 1e-12);
    double c2[5];
    pareto_contributions(p2, 5, 2, ref2, c2);
    CHECK_NEAR(c2[1], 1, 1e-12); /* (2,2): the square [2,3] x [2,3] only it covers */
    CHECK_NEAR(c2[3], 0, 1e-12); /* dominated: nothing of its own */
    CHECK_NEAR(pareto_hypervolume(p2, 0, 2, ref2), 0, 0);
}

/* splitmix64: a fixed stream for the Monte Carlo check */
static double unit(unsigned long long *s)
{
    unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static void hypervolume_against_monte_carlo(void)
{
    for (size_t m = 3; m <= 4; m++) {
        unsigned long long s = 7 + m;
        double p[30 * 4], ref[4] = {1, 1, 1, 1};
        for (size_t i = 0; i < 30 * m; i++) p[i] = unit(&s);
        double exact = pareto_hypervolume(p, 30, m, ref);
        long in = 0, N = 400000;
        for (long t = 0; t < N; t++) {
            double x[4];
            for (size_t j = 0; j < m; j++) x[j] = unit(&s);
            for (size_t i = 0; i < 30; i++) {
                size_t j = 0;
                while (j < m && p[i * m + j] <= x[j]) j++;
                if (j == m) {
                    in++;
                    break;
                }
            }
        }
        double est = (double)in / (double)N;
        CHECK_NEAR(exact, est, 4 * sqrt(est * (1 - est) / (double)N) + 1e-9);
    }
}

static const struct check_case cases[] = {CASE(fronts_by_hand), CASE(constraints_first_feasible),
                                          CASE(crowding_ends_and_middle), CASE(hypervolume_by_hand),
                                          CASE(hypervolume_against_monte_carlo)};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
