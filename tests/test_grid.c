/* Grid counts and order, checked against W&B's expansion done by hand
 * (sorted names, the last varying fastest, distinct values only,
 * int_uniform inclusive, q_uniform without max). */
#include "search/diag.h"
#include "search/grid.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "base/util.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <stdlib.h>

/* a grid over the parameters given (printf %s) */
#define GRID_SWEEP "method: grid\ncommand: [x]\nparameters:\n%s"

/* The trial's parameters as JSON. */
static char *point(struct space *sp, unsigned long long i)
{
    struct value *v = trials_params(sp, i);
    struct sb b;
    sb_init(&b);
    value_json(&b, v);
    value_free(v);
    return sb_detach(&b);
}

static void expect_points(struct space *sp, const char *const *want, size_t n)
{
    CHECK_INT_EQ(trials_total(sp), (long long)n);
    for (size_t i = 0; i < n; i++) {
        char *p = point(sp, i);
        CHECK_STR_EQ(p, want[i]);
        free(p);
    }
}

static void declaration_order_and_sort(void)
{
    /* b is declared first, but a sorts first and varies slowest */
    struct space *sp = space_text(GRID_SWEEP, "  b: {values: [x, y, z]}\n  a: {values: [1, 2]}\n");
    const char *const w1[] = {
        "{\"b\": \"x\", \"a\": 1}", "{\"b\": \"y\", \"a\": 1}", "{\"b\": \"z\", \"a\": 1}",
        "{\"b\": \"x\", \"a\": 2}", "{\"b\": \"y\", \"a\": 2}", "{\"b\": \"z\", \"a\": 2}"};
    expect_points(sp, w1, 6);
    space_free(sp);
}

static void duplicates_booleans_constants(void)
{
    struct space *sp;
    /* duplicates count once (1.0 is 1); booleans; constants are no dimension */
    sp = space_text(GRID_SWEEP, "  lr: {values: [0.001, 0.001, 0.1]}\n  c: {value: 5}\n"
              "  flag: {values: [true, false, true]}\n  n: {values: [1, 1.0, 2]}\n");
    const char *const w2[] = {
        "{\"lr\": 0.001, \"c\": 5, \"flag\": true, \"n\": 1}",
        "{\"lr\": 0.001, \"c\": 5, \"flag\": true, \"n\": 2}",
        "{\"lr\": 0.1, \"c\": 5, \"flag\": true, \"n\": 1}",
        "{\"lr\": 0.1, \"c\": 5, \"flag\": true, \"n\": 2}",
        "{\"lr\": 0.001, \"c\": 5, \"flag\": false, \"n\": 1}",
        "{\"lr\": 0.001, \"c\": 5, \"flag\": false, \"n\": 2}",
        "{\"lr\": 0.1, \"c\": 5, \"flag\": false, \"n\": 1}",
        "{\"lr\": 0.1, \"c\": 5, \"flag\": false, \"n\": 2}"};
    expect_points(sp, w2, 8);
    space_free(sp);
}

static void int_uniform_and_q_uniform(void)
{
    struct space *sp;
    /* int_uniform includes max; q_uniform excludes it (numpy.arange) */
    sp = space_text(GRID_SWEEP, "  e: {min: 1, max: 3}\n  q: {distribution: q_uniform, min: 0, max: 1, q: 0.25}\n");
    const char *const w3[] = {
        "{\"e\": 1, \"q\": 0.0}",  "{\"e\": 1, \"q\": 0.25}", "{\"e\": 1, \"q\": 0.5}",
        "{\"e\": 1, \"q\": 0.75}", "{\"e\": 2, \"q\": 0.0}",  "{\"e\": 2, \"q\": 0.25}",
        "{\"e\": 2, \"q\": 0.5}",  "{\"e\": 2, \"q\": 0.75}", "{\"e\": 3, \"q\": 0.0}",
        "{\"e\": 3, \"q\": 0.25}", "{\"e\": 3, \"q\": 0.5}",  "{\"e\": 3, \"q\": 0.75}"};
    expect_points(sp, w3, 12);
    space_free(sp);
}

static void integer_q_gives_integers(void)
{
    struct space *sp;
    /* an integer q on integer bounds gives integers */
    sp = space_text(GRID_SWEEP, "  bs: {distribution: q_uniform, min: 16, max: 64, q: 16}\n");
    const char *const w4[] = {"{\"bs\": 16}", "{\"bs\": 32}", "{\"bs\": 48}"};
    expect_points(sp, w4, 3);
    space_free(sp);
}

static void nested_groups_sort_as_wandb(void)
{
    struct space *sp;
    /* nested groups: W&B sorts flattened names, whose delimiter is not "."
     * ("a.b" < "a<delim>c" < "a_z") */
    sp = space_text(GRID_SWEEP, "  a_z: {values: [1, 2]}\n  a:\n    parameters:\n      c: {values: [3, 4]}\n"
              "  a.b: {values: [5, 6]}\n");
    const char *const w5[] = {
        "{\"a_z\": 1, \"a\": {\"c\": 3}, \"a.b\": 5}", "{\"a_z\": 2, \"a\": {\"c\": 3}, \"a.b\": 5}",
        "{\"a_z\": 1, \"a\": {\"c\": 4}, \"a.b\": 5}", "{\"a_z\": 2, \"a\": {\"c\": 4}, \"a.b\": 5}",
        "{\"a_z\": 1, \"a\": {\"c\": 3}, \"a.b\": 6}", "{\"a_z\": 2, \"a\": {\"c\": 3}, \"a.b\": 6}",
        "{\"a_z\": 1, \"a\": {\"c\": 4}, \"a.b\": 6}", "{\"a_z\": 2, \"a\": {\"c\": 4}, \"a.b\": 6}"};
    expect_points(sp, w5, 8);
    space_free(sp);
}

static void num_points_across_a_range(void)
{
    struct space *sp;
    /* num: points across a continuous range, ends included */
    sp = space_text(GRID_SWEEP, "  u: {min: 0.0, max: 1.0, num: 5}\n"
              "  l: {distribution: log_uniform_values, min: 0.001, max: 0.1, num: 3}\n");
    CHECK_INT_EQ(trials_total(sp), 15);
    /* l sorts before u: l is the slow one */
    const double wu[] = {0.0, 0.25, 0.5, 0.75, 1.0, 0.0, 0.25};
    const double wl[] = {0.001, 0.001, 0.001, 0.001, 0.001, 0.01, 0.01};
    for (size_t i = 0; i < 7; i++) {
        struct value *v = trials_params(sp, i);
        CHECK_NEAR(value_map_get(v, "u")->u.f, wu[i], 0);
        CHECK_NEAR(value_map_get(v, "l")->u.f, wl[i], 1e-15);
        value_free(v);
    }
    struct value *v14 = trials_params(sp, 14);
    CHECK_NEAR(value_map_get(v14, "u")->u.f, 1.0, 0);
    CHECK_NEAR(value_map_get(v14, "l")->u.f, 0.1, 0); /* ends are exact */
    value_free(v14);
    space_free(sp);
}

static void a_million_points_from_the_index(void)
{
    struct space *sp;
    /* a million points, computed from the index: the last is the last of each */
    sp = space_text(GRID_SWEEP, "  a: {min: 1, max: 100}\n  b: {min: 1, max: 100}\n  c: {min: 1, max: 100}\n");
    CHECK_INT_EQ(trials_total(sp), 1000000);
    char *last = point(sp, 999999);
    CHECK_STR_EQ(last, "{\"a\": 100, \"b\": 100, \"c\": 100}");
    free(last);
    char *mid = point(sp, 123456);
    CHECK_STR_EQ(mid, "{\"a\": 13, \"b\": 35, \"c\": 57}");
    free(mid);
    space_free(sp);
}

static void run_cap_cuts_the_grid(void)
{
    struct space *sp;
    /* run_cap cuts the grid */
    char *text = xasprintf("method: grid\ncommand: [x]\nrun_cap: 4\nparameters:\n  a: {min: 1, max: 10}\n");
    struct diag d;
    diag_init(&d, "g.yaml");
    sp = space_load_text("g.yaml", text, strlen(text), &d);
    CHECK_INT_EQ(trials_total(sp), 4);
    space_free(sp);
    diag_release(&d);
    free(text);
}

static const struct check_case cases[] = {
    CASE(declaration_order_and_sort),
    CASE(duplicates_booleans_constants),
    CASE(int_uniform_and_q_uniform),
    CASE(integer_q_gives_integers),
    CASE(nested_groups_sort_as_wandb),
    CASE(num_points_across_a_range),
    CASE(a_million_points_from_the_index),
    CASE(run_cap_cuts_the_grid),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
