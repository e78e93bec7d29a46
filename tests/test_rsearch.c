/* Random search: reproducible from (seed, index), every distribution in its
 * range with the right shape. */
#include "search/diag.h"
#include "search/pcg.h"
#include "search/rsearch.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "base/util.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <math.h>
#include <stdlib.h>

/* a random search with the seed and parameters given (printf %d, %s) */
#define RANDOM_SWEEP "method: random\nseed: %d\ncommand: [x]\nparameters:\n%s"

static char *json_of(struct space *sp, unsigned long long i)
{
    struct value *v = trials_params(sp, i);
    struct sb b;
    sb_init(&b);
    value_json(&b, v);
    value_free(v);
    return sb_detach(&b);
}

#define N 20000

static void stats(const struct param *p, double *mean, double *lo, double *hi, double *logmean)
{
    struct pcg r;
    pcg_seed(&r, 99, 1);
    double s = 0, ls = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < N; i++) {
        struct value *v = rsearch_sample(p, &r);
        double x = value_num(v);
        value_free(v);
        s += x;
        ls += log(fabs(x) + 1e-300);
        if (x < *lo) *lo = x;
        if (x > *hi) *hi = x;
    }
    *mean = s / N;
    *logmean = ls / N;
}

static const char SPACE[] =
        "  lr: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}\n"
        "  lrexp: {distribution: log_uniform, min: -9.2, max: -2.3}\n"
        "  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}\n"
        "  invexp: {distribution: inv_log_uniform, min: 0, max: 4}\n"
        "  m: {min: 0.6, max: 0.98}\n"
        "  bs: {values: [8, 16, 32, 64]}\n"
        "  ep: {min: 1, max: 3}\n"
        "  qu: {distribution: q_uniform, min: 0, max: 10, q: 2}\n"
        "  qf: {distribution: q_uniform, min: 0, max: 1}\n"
        "  qlv: {distribution: q_log_uniform_values, min: 1, max: 1000, q: 10}\n"
        "  no: {distribution: normal, mu: 5, sigma: 2}\n"
        "  qn: {distribution: q_normal, mu: 0, sigma: 10, q: 5}\n"
        "  ln: {distribution: log_normal, mu: 0, sigma: 0.5}\n"
        "  qln: {distribution: q_log_normal, mu: 2, sigma: 0.5, q: 1}\n"
        "  be: {distribution: beta, a: 2, b: 6}\n"
        "  qb: {distribution: q_beta, a: 2, b: 2, q: 0.1}\n"
        "  w: {values: [a, b, c], probabilities: [0.7, 0.2, 0.1]}\n"
        "  k: {value: 3}\n";

static void the_same_seed_and_index_give_the_same_trial(void)
{
    struct space *sp = space_text(RANDOM_SWEEP, 7, SPACE);
    CHECK(sp != NULL);
    if (!sp) return;
    /* the same (seed, index) gives the same trial, whatever came before */
    char *a = json_of(sp, 5), *b = json_of(sp, 3), *c = json_of(sp, 5);
    CHECK_STR_EQ(a, c);
    CHECK(strcmp(a, b) != 0);
    free(b);
    free(c);
    struct space *sp2 = space_text(RANDOM_SWEEP, 7, SPACE), *sp3 = space_text(RANDOM_SWEEP, 8, SPACE);
    char *a2 = json_of(sp2, 5), *a3 = json_of(sp3, 5);
    CHECK_STR_EQ(a, a2);
    CHECK(strcmp(a, a3) != 0);
    free(a);
    free(a2);
    free(a3);
    space_free(sp2);
    space_free(sp3);
    space_free(sp);
}

static void distributions_have_their_ranges_and_means(void)
{
    struct space *sp = space_text(RANDOM_SWEEP, 7, SPACE);
    CHECK(sp != NULL);
    if (!sp) return;
    double mean, lo, hi, lmean;
    const struct param *p;
    p = space_find(sp, "lr");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK(lo >= 1e-4 && hi <= 1e-1);
    CHECK_NEAR(lmean, (log(1e-4) + log(1e-1)) / 2, 0.05); /* uniform in log space */
    p = space_find(sp, "lrexp");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK(lo >= exp(-9.2) && hi <= exp(-2.3));
    CHECK_NEAR(lmean, (-9.2 - 2.3) / 2, 0.05);
    p = space_find(sp, "inv");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK(lo >= 0.01 && hi <= 1.0);
    CHECK_NEAR(lmean, (log(0.01) + log(1)) / 2, 0.05);
    p = space_find(sp, "invexp");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK(lo >= exp(-4) && hi <= 1.0);
    p = space_find(sp, "m");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK(lo >= 0.6 && hi < 0.98);
    CHECK_NEAR(mean, 0.79, 0.01);
    p = space_find(sp, "ep");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK_NEAR(lo, 1, 0); /* int_uniform reaches both ends */
    CHECK_NEAR(hi, 3, 0);
    CHECK_NEAR(mean, 2, 0.03);
    p = space_find(sp, "qu");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK_NEAR(lo, 0, 0);
    CHECK_NEAR(hi, 10, 0); /* random can round up to max, as in W&B */
    p = space_find(sp, "no");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK_NEAR(mean, 5, 0.05);
    p = space_find(sp, "ln");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK(lo > 0);
    CHECK_NEAR(lmean, 0, 0.02);
    p = space_find(sp, "be");
    stats(p, &mean, &lo, &hi, &lmean);
    CHECK(lo > 0 && hi < 1);
    CHECK_NEAR(mean, 2.0 / 8.0, 0.01);
    space_free(sp);
}

static void integer_q_gives_integers(void)
{
    struct space *sp = space_text(RANDOM_SWEEP, 7, SPACE);
    CHECK(sp != NULL);
    if (!sp) return;
    /* types: integer q gives ints, the default q (1.0) floats */
    struct pcg r;
    pcg_seed(&r, 1, 1);
    for (int i = 0; i < 200; i++) {
        struct value *v = rsearch_sample(space_find(sp, "qu"), &r);
        CHECK(v->kind == V_INT && v->u.i % 2 == 0);
        value_free(v);
        v = rsearch_sample(space_find(sp, "qf"), &r);
        CHECK(v->kind == V_FLOAT && (v->u.f == 0.0 || v->u.f == 1.0));
        value_free(v);
        v = rsearch_sample(space_find(sp, "qlv"), &r);
        CHECK(v->kind == V_INT && v->u.i % 10 == 0 && v->u.i >= 0 && v->u.i <= 1000);
        value_free(v);
        v = rsearch_sample(space_find(sp, "qn"), &r);
        CHECK(v->kind == V_INT && v->u.i % 5 == 0);
        value_free(v);
        v = rsearch_sample(space_find(sp, "qb"), &r);
        CHECK(v->kind == V_FLOAT && v->u.f >= 0 && v->u.f <= 1);
        value_free(v);
        v = rsearch_sample(space_find(sp, "k"), &r);
        CHECK(v->kind == V_INT && v->u.i == 3);
        value_free(v);
    }
    space_free(sp);
}

static void categorical_weights(void)
{
    struct space *sp = space_text(RANDOM_SWEEP, 7, SPACE);
    CHECK(sp != NULL);
    if (!sp) return;
    /* categorical: uniform over indices; with probabilities as weighted */
    struct pcg r;
    pcg_seed(&r, 99, 1);
    int cats[4] = {0}, w[3] = {0};
    for (int i = 0; i < N; i++) {
        struct value *v = rsearch_sample(space_find(sp, "bs"), &r);
        cats[v->u.i == 8 ? 0 : v->u.i == 16 ? 1 : v->u.i == 32 ? 2 : 3]++;
        value_free(v);
        v = rsearch_sample(space_find(sp, "w"), &r);
        w[v->u.s[0] - 'a']++;
        value_free(v);
    }
    for (int i = 0; i < 4; i++) CHECK(cats[i] > N / 4 - 400 && cats[i] < N / 4 + 400);
    CHECK_NEAR(w[0] / (double)N, 0.7, 0.015);
    CHECK_NEAR(w[1] / (double)N, 0.2, 0.015);
    CHECK_NEAR(w[2] / (double)N, 0.1, 0.015);
    space_free(sp);
}

static void random_without_run_cap_is_unbounded(void)
{
    /* random without run_cap runs until stopped */
    struct space *sp = space_text(RANDOM_SWEEP, 0, "  a: {values: [1]}\n");
    CHECK_INT_EQ(trials_total(sp), -1);
    space_free(sp);
}

static const struct check_case cases[] = {
    CASE(the_same_seed_and_index_give_the_same_trial),
    CASE(distributions_have_their_ranges_and_means),
    CASE(integer_q_gives_integers),
    CASE(categorical_weights),
    CASE(random_without_run_cap_is_unbounded),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
