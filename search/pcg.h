/* pcg.h - PCG32 (XSH RR 64/32), M.E. O'Neill, "PCG: A Family of Simple Fast
 * Space-Efficient Statistically Good Algorithms for Random Number
 * Generation" (2014), as described on pcg-random.org. The caller embeds the
 * state; nothing here allocates. */
#ifndef SWEEP_PCG_H
#define SWEEP_PCG_H

#include <stdint.h>

struct pcg {
    uint64_t state;
    uint64_t inc;   /* stream selector, always odd */
};

/* pcg32_srandom_r: initstate and the stream (initseq). */
void pcg_seed(struct pcg *r, uint64_t initstate, uint64_t initseq);
uint32_t pcg_next(struct pcg *r);
/* Uniform on [0, bound) without modulo bias; bound >= 1. */
uint32_t pcg_bounded(struct pcg *r, uint32_t bound);
/* Uniform on [0, bound) for 64-bit bounds; bound >= 1 (0 means 2^64). */
uint64_t pcg_bounded64(struct pcg *r, uint64_t bound);
/* Uniform on [0, 1) with 53 random bits. */
double pcg_unit(struct pcg *r);
/* splitmix64's finaliser: spreads a seed and an index so that neighbouring
 * trials start far apart in PCG's state space. */
uint64_t pcg_mix64(uint64_t z);

#endif
