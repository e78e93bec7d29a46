/* The searcher seam (search/searcher.h): the plain samplers and halving's
 * rung decisions, told trial by trial as the run loop does, and rebuilt
 * from what a store would hold, as a resumed sweep does. */
#include "search/diag.h"
#include "search/searcher.h"
#include "search/space.h"
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* halving over 9 grid configurations, epochs 1 -> 3 -> 9, eta 3 */
static const char HALVING[] = "method: halving\n"
                              "metric: {name: loss, goal: minimize}\n"
                              "budget: {parameter: epochs, min: 1, max: 9, eta: 3, sampler: grid}\n"
                              "parameters: {i: {values: [0, 1, 2, 3, 4, 5, 6, 7, 8]}}\n"
                              "command: [t]\n";

/* The halving searcher of HALVING; NULL (a failed check) if there is none. */
static struct searcher *halving(struct space **sp)
{
    *sp = space_text("%s", HALVING);
    CHECK(*sp != NULL);
    if (!*sp) return NULL;
    struct err e = {0};
    struct searcher *s = searcher_new(*sp, &e);
    CHECK(s != NULL);
    if (!s) space_free(*sp);
    return s;
}

static void grid_asks_every_point_once(void)
{
    struct space *sp = space_text("%s", "method: grid\nparameters: {a: {values: [x, y, z]}}\ncommand: [t]\n");
    struct err e = {0};
    struct searcher *s = searcher_new(sp, &e);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_INT_EQ(searcher_total(s), 3);
    struct search_trial t;
    for (long long i = 0; i < 3; i++) {
        CHECK_INT_EQ(searcher_ask(s, &t), 1);
        CHECK_INT_EQ(t.id, i);
        CHECK_INT_EQ(t.rung, -1);
    }
    CHECK_INT_EQ(searcher_ask(s, &t), 0);
    CHECK_INT_EQ(searcher_more(s), 0);
    struct search_decision d;
    CHECK_INT_EQ(searcher_decide(s, &d), 0); /* a sampler never decides */
    struct value *budget;
    struct value *p = searcher_params(s, 2, &budget);
    CHECK_STR_EQ(value_map_get(p, "a")->u.s, "z");
    CHECK(budget == NULL);
    value_free(p);
    searcher_free(s);
    /* resumed: it goes on after the highest trial the store holds */
    s = searcher_new(sp, &e);
    searcher_restore(s, 1, -1, -1, SEARCH_COMPLETED, NAN);
    CHECK_INT_EQ(searcher_ask(s, &t), 1);
    CHECK_INT_EQ(t.id, 2);
    searcher_free(s);
    space_free(sp);
}

static void a_grid_too_large_to_count_is_refused(void)
{
    struct space *sp = space_text("%s", "method: grid\nparameters:\n  a: {distribution: uniform, min: 0, "
                            "max: 1, num: 1000000}\n  b: {distribution: uniform, min: 0, max: 1, "
                            "num: 1000000}\n  c: {distribution: uniform, min: 0, max: 1, num: "
                            "1000000}\n  d: {distribution: uniform, min: 0, max: 1, num: "
                            "1000000}\ncommand: [t]\n");
    CHECK(sp != NULL);
    if (!sp) return;
    struct err e = {0};
    CHECK(searcher_new(sp, &e) == NULL);
    CHECK(strstr(e.msg, "set run_cap") != NULL);
    CHECK_INT_EQ(e.status, 2);
    space_free(sp);
}

static void halving_promotes_the_best_third_once_the_rung_ended(void)
{
    struct space *sp;
    struct searcher *s = halving(&sp);
    if (!s) return;
    CHECK_INT_EQ(searcher_total(s), 9 + 3 + 1);
    struct search_trial t;
    for (long long i = 0; i < 9; i++) {
        CHECK_INT_EQ(searcher_ask(s, &t), 1);
        CHECK_INT_EQ(t.id, i);
        CHECK_INT_EQ(t.rung, 0);
    }
    CHECK_INT_EQ(searcher_more(s), 0);
    struct search_decision d;
    /* trial 4 failed; the others logged 8 - i (trial 8 is the best) */
    for (long long i = 0; i < 8; i++) {
        searcher_tell(s, i, i == 4 ? SEARCH_ENDED : SEARCH_COMPLETED, i == 4 ? NAN : 8.0 - i);
        CHECK_INT_EQ(searcher_decide(s, &d), 0); /* not before the whole rung ended */
    }
    searcher_tell(s, 8, SEARCH_COMPLETED, 0.0);
    CHECK_INT_EQ(searcher_decide(s, &d), 1);
    CHECK_INT_EQ(d.level, 0);
    CHECK_INT_EQ(d.n, 9);
    CHECK_INT_EQ(d.keep, 3);
    CHECK_NEAR(d.threshold, 2.0, 0);
    /* 8, 7, 6 go on, as trials 9, 10, 11, with epochs 3 */
    for (size_t i = 0; i < d.n; i++) {
        long long want = d.ids[i] == 8 ? 11 : d.ids[i] == 7 ? 10 : d.ids[i] == 6 ? 9 : -1;
        CHECK_INT_EQ(d.next_id[i], want);
        if (want >= 0) CHECK_INT_EQ(value_map_get(d.next_params[i], "epochs")->u.i, 3);
    }
    CHECK_INT_EQ(d.completed[4], 0);
    CHECK(isnan(d.values[4]));
    CHECK_INT_EQ(d.next_budget->u.i, 3);
    /* not accepted (the store could not record it): proposed again */
    struct search_decision again;
    CHECK_INT_EQ(searcher_decide(s, &again), 1);
    CHECK_INT_EQ(again.next_id[8], 11);
    search_decision_release(&again);
    searcher_accept(s, &d);
    search_decision_release(&d);
    CHECK_INT_EQ(searcher_decide(s, &d), 0); /* rung 1 runs */
    struct value *budget;
    struct value *p = searcher_params(s, 11, &budget);
    CHECK_INT_EQ(value_map_get(p, "i")->u.i, 8);
    CHECK_INT_EQ(budget->u.i, 3);
    value_free(p);
    value_free(budget);
    searcher_tell(s, 9, SEARCH_COMPLETED, 5);
    searcher_tell(s, 10, SEARCH_COMPLETED, 1);
    searcher_tell(s, 11, SEARCH_COMPLETED, 3);
    CHECK_INT_EQ(searcher_decide(s, &d), 1);
    CHECK_INT_EQ(d.level, 1);
    CHECK_INT_EQ(d.keep, 1);
    for (size_t i = 0; i < d.n; i++) CHECK_INT_EQ(d.next_id[i], d.ids[i] == 10 ? 12 : -1);
    searcher_accept(s, &d);
    search_decision_release(&d);
    CHECK_INT_EQ(searcher_decide(s, &d), 0); /* the last level decides nothing */
    searcher_free(s);
    space_free(sp);
}

static void a_rebuilt_halving_searcher_takes_no_decision_twice(void)
{
    struct space *sp;
    struct searcher *s = halving(&sp);
    if (!s) return;
    /* the store after rung 0 was decided: 0..8 ended (6, 7, 8 promoted as
     * 9, 10, 11, which run) */
    for (long long i = 0; i < 9; i++)
        searcher_restore(s, i, 0, -1, i >= 6 ? SEARCH_COMPLETED : SEARCH_ENDED, 8.0 - i);
    searcher_restore(s, 9, 1, 6, SEARCH_RUNNING, NAN);
    searcher_restore(s, 10, 1, 7, SEARCH_RUNNING, NAN);
    searcher_restore(s, 11, 1, 8, SEARCH_RUNNING, NAN);
    struct search_decision d;
    CHECK_INT_EQ(searcher_decide(s, &d), 0);
    struct search_trial t;
    CHECK_INT_EQ(searcher_ask(s, &t), 0); /* every configuration started */
    struct value *budget;
    struct value *p = searcher_params(s, 10, &budget); /* configuration 7 at rung 1 */
    CHECK_INT_EQ(value_map_get(p, "i")->u.i, 7);
    CHECK_INT_EQ(budget->u.i, 3);
    value_free(p);
    value_free(budget);
    /* the store before the decision was recorded (killed in between):
     * every trial of rung 0 ended, none of rung 1 yet: decided now */
    searcher_free(s);
    struct err e = {0};
    s = searcher_new(sp, &e);
    for (long long i = 0; i < 9; i++) searcher_restore(s, i, 0, -1, SEARCH_COMPLETED, 8.0 - i);
    CHECK_INT_EQ(searcher_decide(s, &d), 1);
    CHECK_INT_EQ(d.next_id[8], 11);
    search_decision_release(&d);
    searcher_free(s);
    space_free(sp);
}

static const struct check_case cases[] = {
    CASE(grid_asks_every_point_once),
    CASE(a_grid_too_large_to_count_is_refused),
    CASE(halving_promotes_the_best_third_once_the_rung_ended),
    CASE(a_rebuilt_halving_searcher_takes_no_decision_twice),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
