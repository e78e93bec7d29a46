/* W&B's hyperband stopping: its bracket examples and its documented run
 * example, worked by hand. */
#include "search/stop_hyperband.h"
#include "tests/check.h"

static void bands_min_iter_form(void)
{
    long b[128];
    /* min_iter 3, eta 3: [3, 9, 27, 81, ...] */
    size_t n = hyperband_bands(3, 0, 0, 3, b, 128);
    CHECK(n >= 4);
    CHECK_INT_EQ(b[0], 3);
    CHECK_INT_EQ(b[1], 9);
    CHECK_INT_EQ(b[2], 27);
    CHECK_INT_EQ(b[3], 81);
}

static void bands_max_iter_form(void)
{
    size_t n;
    long b[128];
    /* max_iter 27, s 2, eta 3: [3, 9]; max_iter 10, s 2: [1, 3] */
    n = hyperband_bands(0, 27, 2, 3, b, 128);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(b[0], 3);
    CHECK_INT_EQ(b[1], 9);
    n = hyperband_bands(0, 10, 2, 3, b, 128);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(b[0], 1);
    CHECK_INT_EQ(b[1], 3);
    /* max_iter 5, s 3, eta 2: 2.5, 1.25, then 0.6 < 1 stops: [1, 2] */
    n = hyperband_bands(0, 5, 3, 2, b, 128);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(b[0], 1);
    CHECK_INT_EQ(b[1], 2);
}

static void thresholds_of_wandb_example(void)
{
    long b[128];
    CHECK_INT_EQ(hyperband_bands(0, 5, 2, 2, b, 128), 2); /* max_iter 5, eta 2, s 2: [1, 2] */
    /* W&B's example (max_iter 5, eta 2, s 2, minimize loss):
     *   a finished [10, 9]; b running [10, 10]; c running [10, 8, 8];
     *   d running [10, 7, 7]; e finished [10, 6, 6].
     * band 1: [9, 10, 8, 7, 6] sorted, rank int(5/2) = 2: threshold 8
     * band 2: [8, 7, 6] sorted, rank int(3/2) = 1: threshold 7
     * b (2 values) is judged at band 1: 10 > 8, stopped;
     * c (3 values) at band 2: 8 > 7, stopped ("passes band 1 but not band 2");
     * d at band 2: 7 is not > 7, goes on. */
    double band1[] = {9, 10, 8, 7, 6}, band2[] = {8, 7, 6};
    double t1 = hyperband_threshold(band1, 5, 2), t2 = hyperband_threshold(band2, 3, 2);
    CHECK_NEAR(t1, 8, 0);
    CHECK_NEAR(t2, 7, 0);
    CHECK_INT_EQ(hyperband_closest(b, 2, 2), 0); /* b: band 1 */
    CHECK_INT_EQ(hyperband_closest(b, 2, 3), 1); /* c, d: band 2 */
    CHECK_INT_EQ(hyperband_closest(b, 2, 1), -1); /* one value: no band yet */
    CHECK(10 > t1);  /* b stops */
    CHECK(8 > t2);   /* c stops */
    CHECK(!(7 > t2)); /* d goes on */
}

static void a_lone_trial_is_its_own_threshold(void)
{
    /* one trial alone at a band is its own threshold: never stopped */
    double alone[] = {3.5};
    CHECK_NEAR(hyperband_threshold(alone, 1, 3), 3.5, 0);
}

static const struct check_case cases[] = {
    CASE(bands_min_iter_form),
    CASE(bands_max_iter_form),
    CASE(thresholds_of_wandb_example),
    CASE(a_lone_trial_is_its_own_threshold),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
