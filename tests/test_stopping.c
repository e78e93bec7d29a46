/* patience, median and ASHA, on hand-worked cases. */
#include "search/stop_rules.h"
#include "tests/check.h"

static void patience_waits_for_no_improvement(void)
{
    double best;
    /* patience 2: [5, 4, 4.5, 4.2] - the last two (4.5, 4.2) do not beat 4 */
    double a[] = {5, 4, 4.5, 4.2, 3.9};
    CHECK_INT_EQ(stopping_patience(a, 2, 2, 0, &best), 0); /* not enough values */
    CHECK_INT_EQ(stopping_patience(a, 3, 2, 0, &best), 0); /* 4 beat 5 */
    CHECK_INT_EQ(stopping_patience(a, 4, 2, 0, &best), 1);
    CHECK_NEAR(best, 4, 0);
    CHECK_INT_EQ(stopping_patience(a, 5, 2, 0, &best), 0); /* 3.9 beats 4 */
    CHECK_INT_EQ(stopping_patience(a, 5, 2, 0.5, &best), 1); /* but not by 0.5 */
}

static void median_rule_compares_running_averages(void)
{
    /* median: others' running averages over 2 values: (3+1)/2=2, (4+2)/2=3,
     * (10+8)/2=9 -> median 3; the trial's best of [5, 3.5] is 3.5 > 3 */
    double o1[] = {3, 1, 1}, o2[] = {4, 2}, o3[] = {10, 8, 1}, o4[] = {1};
    const double *others[] = {o1, o2, o3, o4};
    size_t lens[] = {3, 2, 3, 1};
    double mine[] = {5, 3.5}, med;
    CHECK_INT_EQ(stopping_median(mine, 2, others, lens, 4, 1, 3, &med), 1);
    CHECK_NEAR(med, 3, 0);
    double good[] = {5, 2.5};
    CHECK_INT_EQ(stopping_median(good, 2, others, lens, 4, 1, 3, &med), 0);
    CHECK_INT_EQ(stopping_median(mine, 2, others, lens, 4, 3, 3, &med), 0); /* warm-up */
    CHECK_INT_EQ(stopping_median(mine, 2, others, lens, 4, 1, 4, &med), 0); /* too few others */
    /* even count: the mean of the middle two; o4 has 1 value, counts at n=1 */
    double one[] = {3.6};
    CHECK_INT_EQ(stopping_median(one, 1, others, lens, 4, 1, 4, &med), 1);
    CHECK_NEAR(med, 3.5, 0); /* [1, 3, 4, 10] */
}

static void asha_rungs_grow_by_eta(void)
{
    /* asha rungs: min_iter 1, eta 3 -> 1, 3, 9, 27 values */
    CHECK_INT_EQ(stopping_asha_rung(0, 1, 0, 3), 0);
    CHECK_INT_EQ(stopping_asha_rung(1, 1, 0, 3), 1);
    CHECK_INT_EQ(stopping_asha_rung(8, 1, 0, 3), 3);
    CHECK_INT_EQ(stopping_asha_rung(9, 1, 0, 3), 9);
    CHECK_INT_EQ(stopping_asha_rung(30, 1, 0, 3), 27);
    CHECK_INT_EQ(stopping_asha_rung(30, 1, 10, 3), 9); /* max_iter caps the rungs */
    /* no rung on the final value: a trial that finished is not judged */
    CHECK_INT_EQ(stopping_asha_rung(9, 1, 9, 3), 3);
    CHECK_INT_EQ(stopping_asha_rung(30, 1, 27, 3), 9);
    CHECK_INT_EQ(stopping_asha_rung(4, 5, 0, 3), 0);   /* before the grace period */
}

static void asha_keeps_the_best_third(void)
{
    /* asha's rule: the best max(1, floor(n / eta)) go on (Optuna's
     * SuccessiveHalvingPruner keeps as many) */
    size_t keep;
    double r1[] = {2, 1};
    CHECK_NEAR(stopping_asha_threshold(r1, 2, 3, &keep), 1, 0);
    CHECK_INT_EQ(keep, 1);
    double r2[] = {5, 3, 4, 1, 2, 6};
    CHECK_NEAR(stopping_asha_threshold(r2, 6, 3, &keep), 2, 0);
    CHECK_INT_EQ(keep, 2);
    double r3[] = {7};
    CHECK_NEAR(stopping_asha_threshold(r3, 1, 2, &keep), 7, 0);
    double r4[] = {4, 3, 2, 1};
    CHECK_NEAR(stopping_asha_threshold(r4, 4, 2, &keep), 2, 0);
    CHECK_INT_EQ(keep, 2);
}

static const struct check_case cases[] = {
    CASE(patience_waits_for_no_improvement),
    CASE(median_rule_compares_running_averages),
    CASE(asha_rungs_grow_by_eta),
    CASE(asha_keeps_the_best_third),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
