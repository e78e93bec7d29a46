/* early_terminate's judgement (search/stop_early.h): which running trial stops,
 * and the reason a person reads, for each rule. */
#include "search/diag.h"
#include "search/stop_early.h"
#include "search/space.h"
#include "base/util.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <string.h>

/* a random sweep with the early_terminate given (printf %s) */
#define ET_SWEEP                                                                              \
    "method: random\nrun_cap: 10\nmetric: {name: loss, goal: minimize}\n"                       \
    "early_terminate: %s\nparameters: {a: {min: 0.0, max: 1.0}}\ncommand: [t]\n"

/* Judges trial self of hist[n][len] (rows end at len[i]); 1 if it stops. */
static int judge(const struct space *sp, double hist[][4], const size_t *len, size_t n,
                 size_t self, long *asha, struct sb *why)
{
    struct early x;
    early_init(&x, sp);
    struct early_hist all[8];
    for (size_t i = 0; i < n; i++) all[i] = (struct early_hist){.v = hist[i], .n = len[i]};
    struct early_round r;
    early_round_init(&r, n);
    int stop = early_judge(&x, all, n, self, asha, &r, why);
    early_round_release(&r);
    return stop;
}

static void hyperband_stops_below_the_band_threshold(void)
{
    /* W&B's example: max_iter 5, eta 2, s 2: bands at values 2 and 3 */
    struct space *sp = space_text(ET_SWEEP, "{type: hyperband, max_iter: 5, eta: 2, s: 2}");
    CHECK(sp != NULL);
    if (!sp) return;
    double h[5][4] = {{10, 9}, {10, 10}, {10, 8, 8}, {10, 7, 7}, {10, 6, 6}};
    size_t len[] = {2, 2, 3, 3, 3};
    struct sb why;
    sb_init(&why);
    long asha = 0;
    /* band 1 (value 2): [9, 10, 8, 7, 6] -> threshold 8: b (10) stops, c (8) not */
    CHECK_INT_EQ(judge(sp, h, len, 5, 1, &asha, &why), 1);
    CHECK_STR_EQ(sb_str(&why), "pruned by hyperband at value 2 of loss: 10.0 is worse than the "
                               "band's threshold 8.0");
    sb_reset(&why);
    /* c at band 2 (value 3): [8, 7, 6] -> threshold 7: c (8) stops; d (7) not */
    CHECK_INT_EQ(judge(sp, h, len, 5, 2, &asha, &why), 1);
    CHECK_INT_EQ(judge(sp, h, len, 5, 3, &asha, &(struct sb){0}), 0);
    sb_release(&why);
    space_free(sp);
}

static void asha_judges_once_per_rung(void)
{
    struct space *sp = space_text(ET_SWEEP, "{type: asha, min_iter: 1, eta: 2}");
    CHECK(sp != NULL);
    if (!sp) return;
    double h[2][4] = {{1}, {5}};
    size_t len[] = {1, 1};
    struct sb why;
    sb_init(&why);
    long rung = 0;
    /* rung 1: the best max(1, 2/2) = 1 of [1, 5] goes on: trial 1 stops */
    CHECK_INT_EQ(judge(sp, h, len, 2, 1, &rung, &why), 1);
    CHECK_INT_EQ(rung, 1);
    CHECK(strstr(sb_str(&why), "pruned by asha at rung 1") != NULL);
    /* judged at rung 1 already: not again until rung 2 */
    CHECK_INT_EQ(judge(sp, h, len, 2, 1, &rung, &why), 0);
    sb_release(&why);
    space_free(sp);
}

static void median_and_patience(void)
{
    struct space *sp = space_text(ET_SWEEP, "{type: median, min_iter: 1, min_trials: 2}");
    CHECK(sp != NULL);
    if (!sp) return;
    double h[3][4] = {{1, 1}, {2, 2}, {9, 9}};
    size_t len[] = {2, 2, 2};
    struct sb why;
    sb_init(&why);
    long r = 0;
    CHECK_INT_EQ(judge(sp, h, len, 3, 2, &r, &why), 1); /* 9 against a median of 1.5 */
    CHECK(strstr(sb_str(&why), "median of the others' running averages 1.5") != NULL);
    CHECK_INT_EQ(judge(sp, h, len, 3, 0, &r, &(struct sb){0}), 0);
    space_free(sp);
    sp = space_text(ET_SWEEP, "{type: patience, patience: 2}");
    CHECK(sp != NULL);
    if (!sp) return;
    double p[1][4] = {{3, 2, 2.5, 2.2}};
    size_t plen[] = {4};
    sb_reset(&why);
    CHECK_INT_EQ(judge(sp, p, plen, 1, 0, &r, &why), 1);
    CHECK_STR_EQ(sb_str(&why), "pruned: no improvement of loss on 2.0 in its last 2 values");
    sb_release(&why);
    space_free(sp);
}

static const struct check_case cases[] = {
    CASE(hyperband_stops_below_the_band_threshold),
    CASE(asha_judges_once_per_rung),
    CASE(median_and_patience),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
