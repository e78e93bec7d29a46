/* successive halving and hyperband: the plan and the selection, on
 * hand-worked cases and the table of Li et al., "Hyperband", JMLR 2018
 * (R = 81, eta = 3). */
#include "search/diag.h"
#include "search/halving.h"
#include "search/space.h"
#include "search/trials.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void hyperband_plan_is_the_paper_table(void)
{
    struct space *sp = space_text("%s", "method: hyperband\n"
                            "metric: {name: loss, goal: minimize}\n"
                            "budget: {parameter: epochs, min: 1, max: 81, eta: 3}\n"
                            "parameters: {lr: {min: 0.001, max: 0.1}}\n"
                            "command: [t, '${epochs}']\n");
    CHECK(sp != NULL);
    if (!sp) return;
    struct hb_plan p;
    hb_plan(sp, -1, &p);
    CHECK_INT_EQ(p.nlevels, 5);
    double levels[] = {1, 3, 9, 27, 81};
    for (int i = 0; i < 5; i++) CHECK_NEAR(p.level[i], levels[i], 0);
    /* the paper's table: n = 81, 34, 15, 8, 5 starting at r = 1, 3, 9, 27, 81 */
    long long n[] = {81, 34, 15, 8, 5};
    CHECK_INT_EQ(p.nbrackets, 5);
    for (int i = 0; i < 5; i++) {
        CHECK_INT_EQ(p.b[i].n, n[i]);
        CHECK_INT_EQ(p.b[i].start, i);
    }
    CHECK_INT_EQ(p.b[1].first, 81);
    CHECK_INT_EQ(p.nconfigs, 143);
    /* its rungs: 81 27 9 3 1 | 34 11 3 1 | 15 5 1 | 8 2 | 5 */
    CHECK_INT_EQ(hb_rung_size(&p, &p.b[0], 4, 3), 1);
    CHECK_INT_EQ(hb_rung_size(&p, &p.b[1], 2, 3), 11);
    CHECK_INT_EQ(hb_rung_size(&p, &p.b[1], 3, 3), 3);
    CHECK_INT_EQ(hb_rung_size(&p, &p.b[3], 4, 3), 2);
    CHECK_INT_EQ(hb_rung_size(&p, &p.b[3], 2, 3), 0);
    CHECK_INT_EQ(p.total, 121 + 49 + 21 + 10 + 5);
    CHECK_INT_EQ(hb_bracket_of(&p, 80), 0);
    CHECK_INT_EQ(hb_bracket_of(&p, 81), 1);
    CHECK_INT_EQ(hb_bracket_of(&p, 142), 4);
    CHECK_INT_EQ(hb_bracket_of(&p, 143), -1);
    space_free(sp);

    /* run_cap scales the brackets: 9, 5, 3 (levels 1, 3, 9) x 2 */
    sp = space_text("%s", "method: hyperband\nrun_cap: 34\n"
              "metric: {name: loss, goal: minimize}\n"
              "budget: {min: 1, max: 9, eta: 3}\n"
              "parameters: {lr: {min: 0.001, max: 0.1}}\n"
              "command: [t, '${budget}']\n");
    CHECK(sp != NULL);
    hb_plan(sp, trials_configs(sp), &p);
    CHECK_INT_EQ(p.b[0].n, 18);
    CHECK_INT_EQ(p.b[1].n, 10);
    CHECK_INT_EQ(p.b[2].n, 6);
    space_free(sp);

    /* halving: one bracket; max not a power of eta: levels 5, 15, 50 */
    sp = space_text("%s", "method: halving\nrun_cap: 200\n"
              "metric: {name: m, goal: maximize}\n"
              "budget: {parameter: epochs, min: 5, max: 50, eta: 3}\n"
              "parameters: {lr: {min: 0.001, max: 0.1}}\n"
              "command: [t, '${epochs}']\n");
    CHECK(sp != NULL);
    hb_plan(sp, 200, &p);
    CHECK_INT_EQ(p.nbrackets, 1);
    CHECK_INT_EQ(p.nlevels, 3);
    CHECK_NEAR(p.level[1], 15, 0);
    CHECK_NEAR(p.level[2], 50, 0);
    CHECK_INT_EQ(p.total, 200 + 66 + 22);
    space_free(sp);
}

static void keep_is_floor_n_over_eta(void)
{
    /* keep: floor(n / eta), at least 1 */
    CHECK_INT_EQ(hb_keep(9, 3), 3);
    CHECK_INT_EQ(hb_keep(8, 3), 2);
    CHECK_INT_EQ(hb_keep(2, 3), 1);
    CHECK_INT_EQ(hb_keep(10, 2.5), 4);
}

static void select_lower_is_better(void)
{
    /* select: lower is better, NaN never, ties to the lower index */
    double v[] = {3, NAN, 1, 2, 1, 5};
    int go[6];
    double worst = hb_select(v, 6, 2, go);
    CHECK_INT_EQ(go[2] + go[4], 2);
    CHECK_INT_EQ(go[0] + go[1] + go[3] + go[5], 0);
    CHECK_NEAR(worst, 1, 0);
    worst = hb_select(v, 6, 3, go);
    CHECK_INT_EQ(go[3], 1);
    CHECK_NEAR(worst, 2, 0);
    double nan2[] = {NAN, NAN};
    worst = hb_select(nan2, 2, 1, go);
    CHECK_INT_EQ(go[0] + go[1], 0);
    CHECK(isnan(worst));
}

static const struct check_case cases[] = {
    CASE(hyperband_plan_is_the_paper_table),
    CASE(keep_is_floor_n_over_eta),
    CASE(select_lower_is_better),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
