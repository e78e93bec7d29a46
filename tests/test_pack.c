/* GPU placement, memory formulas and the placement simulation, on
 * hand-worked cases. */
#include "search/diag.h"
#include "search/expr.h"
#include "search/space.h"
#include "base/value.h"
#include "sweep/gpu/pack.h"
#include "base/util.h"
#include "tests/check.h"

#include <math.h>
#include <string.h>

static void memory_formulas(void)
{
    /* formulas */
    char msg[128];
    size_t at;
    struct expr *x = expr_compile("0.9 + 0.11 * batch", msg, sizeof msg, &at);
    CHECK(x != NULL);
    struct value *p = value_map();
    value_map_put(p, "batch", value_int(16));
    CHECK_NEAR(expr_eval(x, p), 0.9 + 0.11 * 16, 1e-12);
    CHECK_STR_EQ(expr_name(x, 0), "batch");
    CHECK(expr_name(x, 1) == NULL);
    expr_free(x);
    x = expr_compile("max(2, img / 320) ^ 2 - -1", msg, sizeof msg, &at);
    value_map_put(p, "img", value_int(640));
    CHECK_NEAR(expr_eval(x, p), 5, 0);
    expr_free(x);
    x = expr_compile("2 ^ 3 ^ 2", msg, sizeof msg, &at); /* right-associative */
    CHECK_NEAR(expr_eval(x, p), 512, 0);
    expr_free(x);
    x = expr_compile("opt.lr * 1000 + missing", msg, sizeof msg, &at);
    struct value *opt = value_map();
    value_map_put(opt, "lr", value_float(0.002));
    value_map_put(p, "opt", opt);
    CHECK(isnan(expr_eval(x, p))); /* a name without a value */
    expr_free(x);
    CHECK(expr_compile("2 * (batch", msg, sizeof msg, &at) == NULL);
    CHECK_STR_EQ(msg, "')' expected");
    CHECK_INT_EQ(at, 10);
    CHECK(expr_compile("2 batch", msg, sizeof msg, &at) == NULL);
    CHECK_INT_EQ(at, 2);
    CHECK(expr_compile("foo(1)", msg, sizeof msg, &at) == NULL);
    value_free(p);
}

static void sizes(void)
{
    /* sizes */
    CHECK_NEAR(util_parse_size_mib("24GiB"), 24576, 0);
    CHECK_NEAR(util_parse_size_mib("1500MiB"), 1500, 0);
    CHECK_NEAR(util_parse_size_mib("6"), 6144, 0);
    CHECK_NEAR(util_parse_size_mib("0.5 G"), 512, 0);
    CHECK(util_parse_size_mib("6 apples") < 0);
}

static void placement_fewest_then_best_fit(void)
{
    /* placement: the fewest of our trials, then best fit, then the lower
     * index; max_per_gpu, stagger, whole */
    struct pack_cfg c = {0, 0, 0, 0};
    struct pack_gpu g[2] = {{.total_mib = 10240, .last_launch = -1e300}, {.id = 1, .total_mib = 6144, .last_launch = -1e300}};
    CHECK_INT_EQ(pack_choose(&c, g, 2, 4096, 0), 1);   /* 2 GiB left beats 6 */
    g[1].reserved_mib = 4096, g[1].ntrials = 1;
    CHECK_INT_EQ(pack_choose(&c, g, 2, 4096, 0), 0);
    CHECK_INT_EQ(pack_choose(&c, g, 2, 2048, 0), 0);   /* GPU 0 runs none of ours */
    g[0].reserved_mib = 4096, g[0].ntrials = 1;
    CHECK_INT_EQ(pack_choose(&c, g, 2, 2048, 0), 1);   /* one each: GPU 1 is exactly full */
    g[0].reserved_mib = 8192, g[0].ntrials = 1;
    CHECK_INT_EQ(pack_choose(&c, g, 2, 2048, 0), 0);   /* a tie: 0 left on both */
    CHECK_INT_EQ(pack_choose(&c, g, 2, 2049, 0), -1);
    CHECK_INT_EQ(pack_choose(&c, g, 2, -1, 0), -1);    /* a whole GPU: none is empty */
    c.max_per_gpu = 1;
    CHECK_INT_EQ(pack_choose(&c, g, 2, 1, 0), -1);
    c.max_per_gpu = 0;
    c.headroom_frac = 0.1;                              /* 1 GiB kept on GPU 0 */
    CHECK_NEAR(pack_usable(&c, &g[0]), 9216, 0);
    CHECK_INT_EQ(pack_choose(&c, g, 2, 1024, 0), 0);   /* 9216 - 8192: exactly */
    CHECK_INT_EQ(pack_choose(&c, g, 2, 1025, 0), 1);   /* GPU 1: 6144 - 614.4 - 4096 */
    CHECK_INT_EQ(pack_choose(&c, g, 2, 1434, 0), -1);
    g[0].others_mib = 0;
    struct pack_gpu e[1] = {{.id = 3, .total_mib = 8192, .others_mib = 1024, .last_launch = 100}};
    c.headroom_frac = 0;
    c.stagger = 15;
    CHECK_INT_EQ(pack_choose(&c, e, 1, 1024, 110), -1); /* stagger: not before 115 */
    CHECK_INT_EQ(pack_choose(&c, e, 1, 1024, 115), 0);
    CHECK_INT_EQ(pack_choose(&c, e, 1, 7169, 115), -1); /* others use 1 GiB */
    CHECK(!pack_never_fits(&c, e, 1, 7169)); /* others' use is not for ever */
    CHECK(pack_never_fits(&c, e, 1, 8193));
    CHECK(!pack_never_fits(&c, e, 1, 8192));
}

static void simulation_longest_first(void)
{
    /* the simulation: 2, 4 and 6 hours on two GPUs, a GPU each: longest
     * first gives 6 h; in the order given, 8 h */
    struct pack_cfg c0 = {0, 0, 0, 0};
    struct pack_gpu two[2] = {{.total_mib = 24576, .last_launch = -1e300}, {.id = 1, .total_mib = 24576, .last_launch = -1e300}};
    struct pack_job j[3] = {{0, -1, 7200, 1, 0, -1, 0, 0},
                            {1, -1, 14400, 1, 1, -1, 0, 0},
                            {2, -1, 21600, 1, 2, -1, 0, 0}};
    CHECK_NEAR(pack_simulate(&c0, two, 2, j, 3, 0, 0), 21600, 1e-6);
    CHECK_INT_EQ(j[0].gpu, 1);
    CHECK_NEAR(j[0].start, 14400, 1e-6);
    CHECK_NEAR(pack_simulate(&c0, two, 2, j, 3, PACK_FIFO, 0), 28800, 1e-6);
}

static void shared_compute_halves_speed(void)
{
    struct pack_cfg c0 = {0};
    /* shared compute: two jobs of utilisation 1 on one GPU run at half speed */
    struct pack_gpu one[1] = {{.total_mib = 24576, .last_launch = -1e300}};
    struct pack_job k[2] = {{0, 1024, 3600, 1, 0, -1, 0, 0}, {1, 1024, 3600, 1, 1, -1, 0, 0}};
    CHECK_NEAR(pack_simulate(&c0, one, 1, k, 2, PACK_SHARE, 0), 7200, 1e-6);
    CHECK_NEAR(pack_simulate(&c0, one, 1, k, 2, 0, 0), 3600, 1e-6);
    k[0].util = k[1].util = 0.5; /* together they fit in the GPU's compute */
    CHECK_NEAR(pack_simulate(&c0, one, 1, k, 2, PACK_SHARE, 0), 3600, 1e-6);
}

static const struct check_case cases[] = {
    CASE(memory_formulas),
    CASE(sizes),
    CASE(placement_fewest_then_best_fit),
    CASE(simulation_longest_first),
    CASE(shared_compute_halves_speed),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
