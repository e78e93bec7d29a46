/* tpe.c - method bayes: a multivariate tree-structured Parzen estimator
 * (Bergstra et al. 2011; Falkner et al. 2018's joint kernels, as Optuna's
 * multivariate TPESampler) with a constant liar for the trials still
 * running, asynchronous: a suggestion is made whenever a slot frees, from
 * every result recorded so far.
 *
 * The results, best first (model.h's ranking), are split into the good
 * ones, the first gamma(n) = min(ceil(0.1 n), 25), and the others; running
 * trials and failed ones are among the others (the liar: a trial still
 * running counts as bad, so that parallel suggestions spread out). Each
 * group is a mixture: one joint kernel per trial (a truncated normal per
 * number, a categorical kernel per category) plus the prior; TPE_CANDIDATES
 * points are drawn from the good mixture l(x) and the one with the highest
 * l(x) / g(x) is suggested. The first trials, until learner_startup()
 * results exist, are the random search's draws (the same trial ids, the same
 * parameters). docs/config.md ("method: bayes") gives the constants. */
#include "search/learner.h"
#include "search/pcg.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/util.h"
#include "base/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TPE_CANDIDATES 24
#define TPE_GAMMA_MAX 25
#define TPE_PRIOR_WEIGHT 1.0
#define TPE_SIGMA0 0.2

/* A mixture over the searched coordinates: component j is observation
 * obs[j] (j < n) or the prior (j == n). */
struct mixture {
    const struct model_space *m;
    const struct obs **obs;
    size_t n;
    double *sigma;           /* [dim] bandwidth of the numbers */
    double *lognorm;         /* [(n + 1) * dim]: log of each truncated normal's normaliser */
};

static void mixture_init(struct mixture *x, const struct model_space *m, const struct obs **obs,
                         size_t n)
{
    x->m = m;
    x->obs = obs;
    x->n = n;
    size_t dim = m->n;
    x->sigma = xcalloc(dim ? dim : 1, sizeof *x->sigma);
    x->lognorm = xcalloc((n + 1) * (dim ? dim : 1), sizeof *x->lognorm);
    double shrink = pow((double)(n ? n : 1), -1.0 / ((double)m->nsearch + 4));
    for (size_t d = 0; d < dim; d++) {
        const struct coord *c = &m->c[d];
        if (c->kind != COORD_NUM) continue;
        double range = c->hi - c->lo, lo = range / (n + 1 < 100 ? (double)(n + 1) : 100.0);
        double s = TPE_SIGMA0 * range * shrink;
        x->sigma[d] = s < lo ? lo : s > range ? range : s;
        for (size_t j = 0; j <= n; j++) {
            double mu = j < n && !isnan(obs[j]->z[d]) ? obs[j]->z[d] : (c->lo + c->hi) / 2;
            double sg = j < n && !isnan(obs[j]->z[d]) ? x->sigma[d] : range;
            double mass = model_phi((c->hi - mu) / sg) - model_phi((c->lo - mu) / sg);
            x->lognorm[j * dim + d] = log(sg * sqrt(2 * M_PI)) + log(mass > 1e-300 ? mass : 1e-300);
        }
    }
}

static void mixture_release(struct mixture *x)
{
    free(x->sigma);
    free(x->lognorm);
}

/* log of component j's density at z (the searched coordinates). */
static double component_logpdf(const struct mixture *x, size_t j, const double *z)
{
    const struct model_space *m = x->m;
    double lp = 0;
    for (size_t d = 0; d < m->n; d++) {
        const struct coord *c = &m->c[d];
        double at = j < x->n ? x->obs[j]->z[d] : NAN; /* NaN: the prior's kernel */
        if (c->kind == COORD_NUM) {
            double mu = isnan(at) ? (c->lo + c->hi) / 2 : at;
            double sg = isnan(at) ? c->hi - c->lo : x->sigma[d];
            double u = (z[d] - mu) / sg;
            lp += -0.5 * u * u - x->lognorm[j * m->n + d];
        } else if (c->kind == COORD_CAT) {
            double k = (double)c->ncat;
            double p = isnan(at) ? 1.0 / k
                                 : (TPE_PRIOR_WEIGHT / k + (lround(at) == lround(z[d]))) /
                                       (1 + TPE_PRIOR_WEIGHT);
            lp += log(p);
        }
    }
    return lp;
}

static double mixture_logpdf(const struct mixture *x, const double *z, double *scratch)
{
    double hi = -INFINITY;
    for (size_t j = 0; j <= x->n; j++) {
        scratch[j] = component_logpdf(x, j, z);
        if (scratch[j] > hi) hi = scratch[j];
    }
    double s = 0;
    for (size_t j = 0; j <= x->n; j++) s += exp(scratch[j] - hi);
    return hi + log(s) - log((double)(x->n + 1)); /* equal weights, the prior one of them */
}

static void mixture_draw(const struct mixture *x, struct pcg *r, double *z)
{
    const struct model_space *m = x->m;
    size_t j = (size_t)pcg_bounded64(r, x->n + 1);
    for (size_t d = 0; d < m->n; d++) {
        const struct coord *c = &m->c[d];
        double at = j < x->n ? x->obs[j]->z[d] : NAN;
        if (c->kind == COORD_FIXED) {
            z[d] = NAN;
        } else if (c->kind == COORD_CAT) {
            /* the kernel: its category with weight 1, every one with PRIOR_WEIGHT / K */
            double u = pcg_unit(r) * (1 + TPE_PRIOR_WEIGHT);
            z[d] = !isnan(at) && u < 1 ? (double)lround(at) : (double)pcg_bounded64(r, c->ncat);
        } else {
            double mu = isnan(at) ? (c->lo + c->hi) / 2 : at;
            double sg = isnan(at) ? c->hi - c->lo : x->sigma[d];
            double a = model_phi((c->lo - mu) / sg), b = model_phi((c->hi - mu) / sg);
            double v = b - a > 1e-12 ? mu + sg * model_phi_inv(a + pcg_unit(r) * (b - a))
                                     : c->lo + pcg_unit(r) * (c->hi - c->lo);
            z[d] = v < c->lo ? c->lo : v > c->hi ? c->hi : v;
        }
    }
}

/* The suggestion for trial id from every result so far: z[dim]. */
static void tpe_suggest(struct learner *t, long long id, double *z)
{
    struct history *h = &t->h;
    size_t *idx = xcalloc(h->n ? h->n : 1, sizeof *idx);
    size_t n = history_rank(h, idx);
    size_t ngood = (size_t)ceil(0.1 * (double)n);
    if (ngood > TPE_GAMMA_MAX) ngood = TPE_GAMMA_MAX;
    if (ngood < 1) ngood = 1;
    /* the good ones are results with a value; a failed or running one never is */
    size_t g = 0;
    while (g < ngood && g < n && (h->o[idx[g]].state == OBS_DONE || h->o[idx[g]].state == OBS_PRUNED) &&
           !isnan(h->o[idx[g]].value))
        g++;
    const struct obs **good = xcalloc(g ? g : 1, sizeof *good), **bad = xcalloc(n ? n : 1, sizeof *bad);
    for (size_t i = 0; i < g; i++) good[i] = &h->o[idx[i]];
    for (size_t i = g; i < n; i++) bad[i - g] = &h->o[idx[i]];
    struct mixture lx, gx;
    mixture_init(&lx, &t->m, good, g);
    mixture_init(&gx, &t->m, bad, n - g);
    struct pcg r;
    learner_rng(t, id, 0x7470655f6261ULL, &r); /* "tpe_ba" */
    double *cand = xcalloc(t->m.n ? t->m.n : 1, sizeof *cand);
    double *scratch = xcalloc(n + 2, sizeof *scratch), best = -INFINITY;
    for (int k = 0; k < TPE_CANDIDATES; k++) {
        mixture_draw(&lx, &r, cand);
        double score = mixture_logpdf(&lx, cand, scratch) - mixture_logpdf(&gx, cand, scratch);
        if (score > best || k == 0) {
            best = score;
            memcpy(z, cand, t->m.n * sizeof *z);
        }
    }
    free(cand);
    free(scratch);
    mixture_release(&lx);
    mixture_release(&gx);
    free(good);
    free(bad);
    free(idx);
}

static void *tpe_init(const struct space *sp, struct err *e)
{
    (void)e;
    return learner_new(sp, learner_startup(sp), tpe_suggest);
}

const struct searcher_ops search_tpe_ops = {
    .name = "bayes",
    .init = tpe_init,
    .free = learner_free,
    .total = learner_total,
    .ask = learner_ask,
    .more = learner_more,
    .params = learner_params,
    .restore = learner_restore,
    .tell = learner_tell,
    .decide = learner_decide,
    .accept = learner_accept,
    .observe = learner_observe,
};
