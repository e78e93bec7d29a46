/* surrogate.h - the simulated YOLO trainer's formula
 * (../shared/reference/surrogate-trainer.md), exactly: deterministic
 * metrics from (hyperparameters, seed, epoch). */
#ifndef SURROGATE_H
#define SURROGATE_H

#include <stdint.h>

struct surrogate_cfg {
    double lr0, momentum, weight_decay;
    long batch;
    char model;          /* n s m l x */
    long epochs;
    uint64_t seed;
};

struct surrogate_terms {
    double q_lr, q_m, q_wd, q_b, Q, A, tau, f_speed, gpu_mem;
};

struct surrogate_epoch {
    double map5095, map50, box_loss, cls_loss;
};

/* 0, or -1 for an unknown model. */
int surrogate_terms(const struct surrogate_cfg *c, struct surrogate_terms *t);
void surrogate_epoch(const struct surrogate_cfg *c, const struct surrogate_terms *t, long e,
                     struct surrogate_epoch *out);
/* unit(seed, e, k) in [0, 1). */
double surrogate_unit(uint64_t seed, uint64_t e, uint64_t k);

#endif
