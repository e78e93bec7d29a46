/* surrogate.c - the formula of the simulated YOLO trainer. */
#include "surrogate.h"

#include <math.h>

struct model {
    char name;
    double A, tau, mem_base, mem_per_img;
};

static const struct model MODELS[] = {
    {'n', 0.373, 6.0, 0.60, 0.070},  {'s', 0.449, 8.0, 0.90, 0.120},
    {'m', 0.502, 11.0, 1.50, 0.220}, {'l', 0.529, 14.0, 2.20, 0.330},
    {'x', 0.539, 17.0, 3.00, 0.480},
};

double surrogate_unit(uint64_t seed, uint64_t e, uint64_t k)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ULL + e * 0xBF58476D1CE4E5B9ULL +
                 k * 0x94D049BB133111EBULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    return (double)(z >> 11) * 0x1.0p-53;
}

static double noise(uint64_t seed, long e, int k)
{
    static const double amp[3] = {0.002, 0.010, 0.015};
    return amp[k] * (2.0 * surrogate_unit(seed, (uint64_t)e, (uint64_t)k) - 1.0);
}

int surrogate_terms(const struct surrogate_cfg *c, struct surrogate_terms *t)
{
    const struct model *m = 0;
    for (unsigned i = 0; i < sizeof MODELS / sizeof MODELS[0]; i++)
        if (MODELS[i].name == c->model) m = &MODELS[i];
    if (!m) return -1;
    double du = log10(c->lr0) - (-2.0);
    double s_lr = du > 0 ? 0.45 : 0.80;
    t->q_lr = 1 - 0.65 * (1 - exp(-0.5 * pow(du / s_lr, 2)));
    t->q_m = 1 - 0.35 * (1 - exp(-0.5 * pow((c->momentum - 0.937) / 0.08, 2)));
    double dw = log10(c->weight_decay) - log10(5e-4);
    t->q_wd = 1 - 0.12 * (1 - exp(-0.5 * pow(dw / 0.70, 2)));
    double lb = log2((double)c->batch / 24.0);
    t->q_b = fmax(0.5, 1 - 0.04 * lb * lb);
    t->Q = t->q_lr * t->q_m * t->q_wd * t->q_b;
    t->A = m->A * t->Q;
    double r = (c->lr0 / (1 - c->momentum)) / (0.01 / (1 - 0.937));
    t->f_speed = fmin(6.0, fmax(0.3, pow(r, -0.5)));
    t->tau = m->tau * t->f_speed * pow((double)c->batch / 16.0, 0.35);
    t->gpu_mem = m->mem_base + m->mem_per_img * (double)c->batch;
    return 0;
}

void surrogate_epoch(const struct surrogate_cfg *c, const struct surrogate_terms *t, long e,
                     struct surrogate_epoch *out)
{
    double p = 1 - exp(-(double)e / t->tau);
    double v = t->A * p + noise(c->seed, e, 0);
    out->map5095 = v < 0 ? 0 : v > 1 ? 1 : v;
    out->map50 = fmin(1, out->map5095 * (1.5 - 0.3 * out->map5095));
    out->box_loss = 0.80 + 1.20 * (1 - t->Q * p) + noise(c->seed, e, 1);
    out->cls_loss = 0.50 + 2.50 * (1 - t->Q * p) + noise(c->seed, e, 2);
}
