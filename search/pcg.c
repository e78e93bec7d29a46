/* pcg.c - PCG32. */
#include "search/pcg.h"

#define PCG_MULT 6364136223846793005ULL

uint32_t pcg_next(struct pcg *r)
{
    uint64_t old = r->state;
    r->state = old * PCG_MULT + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

void pcg_seed(struct pcg *r, uint64_t initstate, uint64_t initseq)
{
    r->state = 0;
    r->inc = (initseq << 1u) | 1u;
    pcg_next(r);
    r->state += initstate;
    pcg_next(r);
}

uint32_t pcg_bounded(struct pcg *r, uint32_t bound)
{
    /* reject the low values that would make r % bound uneven */
    uint32_t threshold = -bound % bound;
    for (;;) {
        uint32_t x = pcg_next(r);
        if (x >= threshold) return x % bound;
    }
}

uint64_t pcg_bounded64(struct pcg *r, uint64_t bound)
{
    if (bound != 0 && bound <= 0xffffffffULL) return pcg_bounded(r, (uint32_t)bound);
    uint64_t threshold = bound ? -bound % bound : 0;
    for (;;) {
        uint64_t x = (uint64_t)pcg_next(r) << 32 | pcg_next(r);
        if (x >= threshold) return bound ? x % bound : x;
    }
}

double pcg_unit(struct pcg *r)
{
    uint64_t a = pcg_next(r) >> 5, b = pcg_next(r) >> 6; /* 27 + 26 bits */
    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

uint64_t pcg_mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
