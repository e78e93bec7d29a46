/* PCG32 against the published pcg32-demo vectors, and the derived draws. */
#include "search/pcg.h"
#include "tests/check.h"

static void matches_pcg32_demo_vectors(void)
{
    /* pcg32_srandom_r(&rng, 42u, 54u): the first outputs of pcg-random.org's pcg32-demo */
    static const uint32_t want[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                    0x83d2f293, 0xbfa4784b, 0xcbed606e};
    struct pcg r;
    pcg_seed(&r, 42u, 54u);
    for (int i = 0; i < 6; i++) CHECK_INT_EQ(pcg_next(&r), want[i]);
}

static void bounded_draws_cover_the_range(void)
{
    struct pcg r;
    /* bounded draws: in range and every value reached, roughly evenly */
    pcg_seed(&r, 1, 2);
    int hist[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint32_t v = pcg_bounded(&r, 7);
        CHECK(v < 7);
        hist[v]++;
    }
    for (int i = 0; i < 7; i++) CHECK(hist[i] > 9400 && hist[i] < 10600);
    /* 64-bit bounds and [0, 1) */
    for (int i = 0; i < 1000; i++) {
        uint64_t v = pcg_bounded64(&r, 10000000000ULL);
        CHECK(v < 10000000000ULL);
        double u = pcg_unit(&r);
        CHECK(u >= 0.0 && u < 1.0);
    }
}

static void same_seed_same_stream_same_sequence(void)
{
    /* the same seed and stream give the same sequence; another stream differs */
    struct pcg a, b, c;
    pcg_seed(&a, 7, 3);
    pcg_seed(&b, 7, 3);
    pcg_seed(&c, 7, 4);
    int same = 1, differ = 0;
    for (int i = 0; i < 100; i++) {
        uint32_t x = pcg_next(&a), y = pcg_next(&b), z = pcg_next(&c);
        same &= x == y;
        differ |= x != z;
    }
    CHECK(same);
    CHECK(differ);
}

static const struct check_case cases[] = {
    CASE(matches_pcg32_demo_vectors),
    CASE(bounded_draws_cover_the_range),
    CASE(same_seed_same_stream_same_sequence),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
