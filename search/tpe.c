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
 * parameters). docs/config.md ("method: bayes") gives the constants.
 *
 * Several objectives (multi-objective TPE, Ozaki et al. 2020/2022, as
 * Optuna's): the ranking is by Pareto front with the constraints' rule
 * (mo_rank.c), the front that does not fit into the good group whole split
 * by greedy hypervolume subset selection; each good trial is weighed by
 * its share of the good group's hypervolume (tpe_mo_weights). */
#include "search/tpe.h"
#include "search/learner.h"
#include "search/pareto.h"
#include "search/pcg.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/util.h"
#include "base/value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Optuna draws 24 candidates with a bandwidth of 0.2 of the range; twice
 * the candidates with 0.15 of it exploit the good region more and were
 * nearer the optimum after 50 trials on all three functions of
 * bench/search_quality (300 seeds: Branin 0.18 vs 0.22, Hartmann-6 0.42
 * vs 0.49, the surrogate 0.018 vs 0.025; docs/benchmarks.md). */
#define TPE_CANDIDATES 48
#define TPE_GAMMA_MAX 25
#define TPE_PRIOR_WEIGHT 1.0
#define TPE_SIGMA0 0.15
/* With several objectives, Optuna's own 0.2: the good group is a front
 * spread along a curve, and a wider kernel fills the gaps between its
 * trials. bench/mo_quality.sh, ZDT1/2/3 and the YOLO problem, 16 seeds,
 * hypervolume after 60 trials (0.15 vs 0.2): 10.74 vs 10.96, 10.25 vs
 * 10.41, 10.74 vs 10.83, 23.95 vs 24.46; docs/benchmarks.md. */
#define TPE_MO_SIGMA0 0.2
/* A category kernel spreads TPE_CAT_SPREAD x the prior's weight / (n + 1)
 * over every category (Optuna: 1 x): twice as wide, a group of n trials
 * holds on to its categories less, and fewer searches stay on a wrong
 * model size. On the surrogate (a 5-way model, a 4-way batch), 300 seeds:
 * the median regret after 50 trials 0.0175 vs 0.0226 (seeds 1-100),
 * within 0.02 of the optimum in 57% of the searches vs 52%. */
#define TPE_CAT_SPREAD 2.0

/* A mixture over the searched coordinates: component j is observation
 * obs[j] (j < n) or the prior (j == n). */
struct mixture {
    const struct model_space *m;
    const struct obs **obs;
    size_t n;
    double *sigma;           /* [dim] bandwidth of the numbers */
    double *lognorm;         /* [(n + 1) * dim]: log of each truncated normal's normaliser */
    double *w;               /* [n + 1] component weights for drawing (summing to 1) */
    double *logw;            /* [n + 1] their logs for scoring, the prior's weighed up */
    double catw;             /* a category kernel's weight on every category:
                                TPE_CAT_SPREAD x the prior's / (n + 1), its own 1 more */
};

/* Optuna's default weights: equal below TPE_RAMP observations; beyond, the
 * oldest ramp down linearly to 1 / n, the newest TPE_RAMP keep 1. */
#define TPE_RAMP 25

static const struct obs **age_obs; /* for qsort: the group being weighed */

static int by_id(const void *a, const void *b)
{
    long long x = age_obs[*(const size_t *)a]->id, y = age_obs[*(const size_t *)b]->id;
    return x < y ? -1 : x > y;
}

static void mixture_init(struct mixture *x, const struct model_space *m, const struct obs **obs,
                         size_t n, const double *mult, int mo)
{
    x->m = m;
    x->obs = obs;
    x->n = n;
    size_t dim = m->n;
    x->sigma = xcalloc(dim ? dim : 1, sizeof *x->sigma);
    x->lognorm = xcalloc((n + 1) * (dim ? dim : 1), sizeof *x->lognorm);
    x->w = xcalloc(n + 1, sizeof *x->w);
    x->logw = xcalloc(n + 1, sizeof *x->logw);
    x->catw = TPE_CAT_SPREAD * TPE_PRIOR_WEIGHT / (double)(n + 1);
    /* weights by age: each component's place in id order, oldest 0 */
    size_t *age = xcalloc(n ? n : 1, sizeof *age), *place = xcalloc(n ? n : 1, sizeof *place);
    for (size_t j = 0; j < n; j++) age[j] = j;
    age_obs = obs;
    qsort(age, n, sizeof *age, by_id);
    for (size_t k = 0; k < n; k++) place[age[k]] = k;
    double total = TPE_PRIOR_WEIGHT;
    for (size_t j = 0; j < n; j++) {
        size_t rank = place[j];
        double wj = 1;
        if (n >= TPE_RAMP && rank < n - TPE_RAMP) /* numpy.linspace(1 / n, 1, n - 25) */
            wj = n - TPE_RAMP > 1 ? 1.0 / (double)n + (1 - 1.0 / (double)n) * (double)rank /
                                                           (double)(n - TPE_RAMP - 1)
                                  : 1.0 / (double)n;
        if (mult) wj *= mult[j];
        x->w[j] = wj;
        total += wj;
    }
    free(age);
    free(place);
    double shrink = pow((double)(n ? n : 1), -1.0 / ((double)m->nsearch + 4));
    for (size_t d = 0; d < dim; d++) {
        const struct coord *c = &m->c[d];
        if (c->kind != COORD_NUM) continue;
        /* Optuna's multivariate bandwidth (with TPE_SIGMA0 of the range), shrinking with
         * the group's size as n^(-1 / (d + 4)), and its "magic clip": at
         * least the range / min(100, components) */
        double range = c->hi - c->lo, s = (mo ? TPE_MO_SIGMA0 : TPE_SIGMA0) * range * shrink;
        double lo = range / (n + 2 < 100 ? (double)(n + 2) : 100.0);
        x->sigma[d] = s < lo ? lo : s > range ? range : s;
        for (size_t j = 0; j <= n; j++) {
            double mu = j < n && !isnan(obs[j]->z[d]) ? obs[j]->z[d] : (c->lo + c->hi) / 2;
            double sg = j < n && !isnan(obs[j]->z[d]) ? x->sigma[d] : range;
            double mass = model_phi((c->hi - mu) / sg) - model_phi((c->lo - mu) / sg);
            x->lognorm[j * dim + d] = log(sg * sqrt(2 * M_PI)) + log(mass > 1e-300 ? mass : 1e-300);
        }
    }
    /* The prior weighs as many observations as kernels it takes to cover
     * the space: TPE_PRIOR_WEIGHT x the product of range / bandwidth over
     * the numbers. A group of many close kernels (the bad one: more trials,
     * narrower kernels) leans more on its prior, so l/g rewards nearness
     * to good trials more than distance from bad ones. (Optuna 3.1's
     * truncated normal leaves out the scale of its log density, which
     * weighs its mixtures just so; docs/config.md.) */
    double logprior = log(TPE_PRIOR_WEIGHT);
    for (size_t d = 0; d < dim; d++)
        if (m->c[d].kind == COORD_NUM) logprior += log((m->c[d].hi - m->c[d].lo) / x->sigma[d]);
    /* candidates are drawn with the plain weights (the prior one of them);
     * the densities that score them weigh the prior so (not normalised:
     * the score's ratio does not need it) */
    x->w[n] = TPE_PRIOR_WEIGHT;
    for (size_t j = 0; j <= n; j++) {
        x->w[j] /= total;
        x->logw[j] = log(x->w[j]);
    }
    x->logw[n] = logprior - log(total);
}

static void mixture_release(struct mixture *x)
{
    free(x->sigma);
    free(x->lognorm);
    free(x->w);
    free(x->logw);
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
                                 : (x->catw + (lround(at) == lround(z[d]))) / (1 + k * x->catw);
            lp += log(p);
        }
    }
    return lp;
}

static double mixture_logpdf(const struct mixture *x, const double *z, double *scratch)
{
    double hi = -INFINITY;
    for (size_t j = 0; j <= x->n; j++) {
        scratch[j] = x->logw[j] + component_logpdf(x, j, z);
        if (scratch[j] > hi) hi = scratch[j];
    }
    double s = 0;
    for (size_t j = 0; j <= x->n; j++) s += exp(scratch[j] - hi);
    return hi + log(s);
}

static void mixture_draw(const struct mixture *x, struct pcg *r, double *z)
{
    const struct model_space *m = x->m;
    size_t j = 0; /* a component by its weight */
    for (double u = pcg_unit(r); j < x->n && (u -= x->w[j]) >= 0; j++) {
    }
    for (size_t d = 0; d < m->n; d++) {
        const struct coord *c = &m->c[d];
        double at = j < x->n ? x->obs[j]->z[d] : NAN;
        if (c->kind == COORD_FIXED) {
            z[d] = NAN;
        } else if (c->kind == COORD_CAT) {
            /* the kernel: its category with weight 1 + catw, every other catw */
            double k = (double)c->ncat, u = pcg_unit(r) * (1 + k * x->catw);
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

/* Several objectives: the good trials' weights (multi-objective TPE, as
 * Optuna's): each one's share of the hypervolume the good group covers,
 * over the largest share; a trial that adds none, or breaks a constraint,
 * TPE_MO_FLOOR. A new array of g. */
#define TPE_MO_FLOOR 1e-12
static double *tpe_mo_weights(const struct history *h, const struct obs **good, size_t g)
{
    size_t m = h->nobj, k = 0;
    double *w = xcalloc(g + 1, sizeof *w), *pts = xmalloc((g * m + 1) * sizeof *pts);
    double *ref = xmalloc(m * sizeof *ref), *c = xcalloc(g + 1, sizeof *c);
    size_t *at = xmalloc((g + 1) * sizeof *at), *idx = xmalloc((g + 1) * sizeof *idx);
    for (size_t i = 0; i < g; i++) {
        idx[i] = (size_t)(good[i] - h->o);
        if (good[i]->viol > 0) continue;
        memcpy(pts + k * m, good[i]->f, m * sizeof *pts);
        at[k++] = i;
    }
    history_mo_ref(h, idx, g, ref);
    pareto_contributions(pts, k, m, ref, c);
    double top = 0;
    for (size_t a = 0; a < k; a++)
        if (c[a] > top) top = c[a];
    for (size_t i = 0; i < g; i++) w[i] = TPE_MO_FLOOR;
    for (size_t a = 0; a < k; a++) w[at[a]] = top > 0 ? fmax(c[a] / top, TPE_MO_FLOOR) : 1;
    free(pts);
    free(ref);
    free(c);
    free(at);
    free(idx);
    return w;
}

void tpe_point(const struct model_space *m, const struct history *h, long long id, struct pcg *r,
               double *z)
{
    size_t *idx = xcalloc(h->n ? h->n : 1, sizeof *idx);
    size_t n = history_rank(h, idx);
    /* the trial being suggested is not one of its own liars */
    for (size_t i = 0; i < n; i++)
        if (h->o[idx[i]].id == id) memmove(idx + i, idx + i + 1, (--n - i) * sizeof *idx);
    /* gamma counts results, not the trials running (Optuna's n) */
    size_t nres = 0;
    for (size_t i = 0; i < n; i++) nres += h->o[idx[i]].state != OBS_RUNNING;
    size_t ngood = (size_t)ceil(0.1 * (double)nres);
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
    double *mult = h->nobj ? tpe_mo_weights(h, good, g) : NULL;
    struct mixture lx, gx;
    mixture_init(&lx, m, good, g, mult, h->nobj > 0);
    mixture_init(&gx, m, bad, n - g, NULL, h->nobj > 0);
    free(mult);
    double *cand = xcalloc(m->n ? m->n : 1, sizeof *cand);
    double *scratch = xcalloc(n + 2, sizeof *scratch), best = -INFINITY;
    for (int k = 0; k < TPE_CANDIDATES; k++) {
        mixture_draw(&lx, r, cand);
        double score = mixture_logpdf(&lx, cand, scratch) - mixture_logpdf(&gx, cand, scratch);
        if (score > best || k == 0) {
            best = score;
            memcpy(z, cand, m->n * sizeof *z);
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

/* The suggestion for trial id from every result so far: z[dim]. */
static void tpe_suggest(struct learner *t, long long id, double *z)
{
    struct pcg r;
    learner_rng(t, id, TPE_SALT, &r);
    tpe_point(&t->m, &t->h, id, &r, z);
}

static void *tpe_init(const struct space *sp, struct err *e)
{
    (void)e;
    struct learner *l = learner_new(sp, learner_startup(sp), tpe_suggest);
    history_objectives(&l->h, sp->nobjs, MO_BY_HYPERVOLUME);
    return l;
}

const struct searcher_ops search_tpe_ops = LEARNER_OPS("bayes", tpe_init);

void tpe_describe(const struct space *sp, long long n0, struct sb *out)
{
    if (n0 == 0)
        sb_add(out, "the priors' results complete the start-up: every trial is suggested by a "
                    "multivariate TPE from them and every result so far, the trials still running "
                    "counted as bad (constant liar)");
    else if (sp->has_budget)
        sb_addf(out, "BOHB: hyperband's brackets (below); the first %lld configurations are "
                     "random draws (listed below); after them each new configuration is proposed "
                     "by a multivariate TPE fitted to the trials of the largest budget that has "
                     "%lld results, the trials still running counted as bad (constant liar), and "
                     "a third of them (by the seed) are random draws as hyperband's",
                n0, n0);
    else if (sp->nobjs >= 2)
        sb_addf(out, "the first %lld trials are random draws (listed below); after them each "
                     "trial is suggested by a multi-objective TPE from every result so far: the "
                     "good trials by Pareto front (those that meet the constraints first), the "
                     "last front that fits split by hypervolume, each weighed by what it adds to "
                     "the front; the trials still running counted as bad (constant liar)",
                n0);
    else
        sb_addf(out, "the first %lld trials are random draws (listed below); after them each "
                     "trial is suggested by a multivariate TPE from every result so far, the "
                     "trials still running counted as bad (constant liar)",
                n0);
}
