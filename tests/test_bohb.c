/* Method bayes with a budget (BOHB: search/bohb.h) behind the searcher
 * seam, told trial by trial as the run loop does (observe and tell at each
 * end, decide and accept at each rung), and rebuilt from what a store would
 * hold, as a resumed sweep does. */
#include "search/searcher.h"
#include "search/space.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* epochs 1 -> 3 -> 9, eta 3: brackets of 21, 12 and 7 configurations */
#define SPACE(METHOD)                                                                             \
    "method: " METHOD "\nseed: 5\nrun_cap: 40\n"                                                  \
    "metric: {name: loss, goal: minimize}\n"                                                      \
    "budget: {parameter: epochs, min: 1, max: 9, eta: 3}\n"                                       \
    "parameters:\n  x: {min: 0.0, max: 1.0}\n  y: {min: 0.0, max: 1.0}\n"                         \
    "  opt: {values: [sgd, adam, adamw]}\n"                                                       \
    "command: [t]\n"

static struct searcher *searcher(const char *text, struct space **sp)
{
    *sp = space_text("%s", text);
    CHECK(*sp != NULL);
    if (!*sp) return NULL;
    struct err e = {0};
    struct searcher *s = searcher_new(*sp, &e);
    CHECK(s != NULL);
    return s;
}

/* The loss of a trial: smallest at x 0.8, y 0.2, adam; less with epochs. */
static double loss(const struct value *p)
{
    double x = value_num(value_lookup(p, "x")), y = value_num(value_lookup(p, "y"));
    double e = value_num(value_lookup(p, "epochs"));
    const char *opt = value_lookup(p, "opt")->u.s;
    return (x - 0.8) * (x - 0.8) + (y - 0.2) * (y - 0.2) + (strcmp(opt, "adam") ? 0.1 : 0) +
           1.0 / e;
}

static double distance(const struct value *p)
{
    double x = value_num(value_lookup(p, "x")), y = value_num(value_lookup(p, "y"));
    return sqrt((x - 0.8) * (x - 0.8) + (y - 0.2) * (y - 0.2));
}

/* A trial ends as the loop ends it: its value observed and told. */
static void finish(struct searcher *s, long long id, const struct value *p)
{
    double v = loss(p);
    searcher_observe(s, &(struct search_result){.id = id, .how = HOW_COMPLETED, .value = v,
                                               .step = 1});
    searcher_tell(s, id, SEARCH_COMPLETED, v);
}

/* Runs n new configurations 4 at a time, the oldest ending first (their
 * rung-0 trials only); ps[id] gets each trial's parameters. */
static void run_configs(struct searcher *s, long long n, struct value **ps)
{
    long long pend[4], np = 0, asked = 0;
    while (asked < n || np) {
        struct search_trial t;
        while (asked < n && np < 4 && searcher_ask(s, &t) == 1) {
            struct value *b;
            ps[t.id] = searcher_params(s, t.id, &b);
            value_free(b);
            pend[np++] = t.id;
            asked++;
        }
        if (!np) break;
        finish(s, pend[0], ps[pend[0]]);
        memmove(pend, pend + 1, (size_t)--np * sizeof *pend);
    }
}

static void it_starts_as_hyperband_then_proposes_from_the_results(void)
{
    struct space *sb, *sh;
    struct searcher *b = searcher(SPACE("bayes"), &sb), *h = searcher(SPACE("hyperband"), &sh);
    if (!b || !h) return;
    CHECK_INT_EQ(searcher_total(b), searcher_total(h)); /* the same brackets */
    struct value *pb[64] = {0}, *ph[64] = {0};
    run_configs(b, 21, pb);
    run_configs(h, 21, ph);
    /* until 10 results exist, hyperband's configurations: trials 0..12 (4
     * running when the 10th result came) */
    for (int i = 0; i < 13; i++) CHECK(value_equal(pb[i], ph[i]));
    /* after, two of three proposed (the others hyperband's draws), nearer
     * the optimum than the random draws of the same trials */
    int same = 0;
    double db = 0, dh = 0;
    for (int i = 13; i < 21; i++) {
        CHECK_INT_EQ(value_lookup(pb[i], "epochs")->u.i, 1);
        if (value_equal(pb[i], ph[i])) same++;
        db += distance(pb[i]);
        dh += distance(ph[i]);
    }
    CHECK(same >= 1 && same <= 5);
    CHECK(db < 0.6 * dh);
    /* rung 0 decided: the best 7 go on with their proposed parameters */
    struct search_decision d;
    CHECK_INT_EQ(searcher_decide(b, &d), 1);
    CHECK_INT_EQ(d.keep, 7);
    size_t promoted = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (d.next_id[i] < 0) continue;
        promoted++;
        CHECK_INT_EQ(value_lookup(d.next_params[i], "epochs")->u.i, 3);
        CHECK_NEAR(value_num(value_lookup(d.next_params[i], "x")),
                   value_num(value_lookup(pb[d.ids[i]], "x")), 0);
    }
    CHECK_INT_EQ(promoted, 7);
    searcher_accept(b, &d);
    struct value *bud, *p = searcher_params(b, d.next_id[0] >= 0 ? d.next_id[0] : 40, &bud);
    CHECK_INT_EQ(bud->u.i, 3);
    value_free(p);
    value_free(bud);
    search_decision_release(&d);
    for (int i = 0; i < 64; i++) value_free(pb[i]), value_free(ph[i]);
    searcher_free(b);
    searcher_free(h);
    space_free(sb);
    space_free(sh);
}

static void a_rebuilt_searcher_proposes_what_the_first_would(void)
{
    struct space *sp;
    struct searcher *a = searcher(SPACE("bayes"), &sp);
    if (!a) return;
    struct value *ps[64] = {0};
    run_configs(a, 16, ps);
    /* the store's view: 16 trials of rung 0 ended, each with its params */
    struct err e = {0};
    struct searcher *b = searcher_new(sp, &e);
    for (long long id = 0; id < 16; id++) {
        double v = loss(ps[id]);
        searcher_restore(b, id, 0, -1, SEARCH_COMPLETED, v);
        searcher_observe(b, &(struct search_result){.id = id, .how = HOW_COMPLETED, .value = v,
                                                   .step = 1, .params = ps[id]});
    }
    for (int k = 0; k < 5; k++) { /* proposed alike, random or from the model */
        struct search_trial ta, tb;
        CHECK_INT_EQ(searcher_ask(a, &ta), 1);
        CHECK_INT_EQ(searcher_ask(b, &tb), 1);
        CHECK_INT_EQ(ta.id, tb.id);
        struct value *ba, *bb, *pa = searcher_params(a, ta.id, &ba), *pb = searcher_params(b, tb.id, &bb);
        CHECK(value_equal(pa, pb));
        value_free(pa);
        value_free(pb);
        value_free(ba);
        value_free(bb);
    }
    /* a promoted trial's parameters come from its configuration's stored ones */
    searcher_restore(b, 40, 1, 3, SEARCH_RUNNING, NAN);
    struct value *bud, *p = searcher_params(b, 40, &bud);
    CHECK_NEAR(value_num(value_lookup(p, "x")), value_num(value_lookup(ps[3], "x")), 0);
    CHECK_INT_EQ(bud->u.i, 3);
    value_free(p);
    value_free(bud);
    for (int i = 0; i < 64; i++) value_free(ps[i]);
    searcher_free(a);
    searcher_free(b);
    space_free(sp);
}

static const struct check_case cases[] = {
    CASE(it_starts_as_hyperband_then_proposes_from_the_results),
    CASE(a_rebuilt_searcher_proposes_what_the_first_would),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
