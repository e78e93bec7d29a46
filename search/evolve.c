/* evolve.c - method evolve: the genetic search of Ultralytics' Tuner and
 * YOLOv5's --evolve, over W&B-format parameters, asynchronous: a child is
 * bred whenever a slot frees, from every result so far, so several trials
 * evolve at once on the packed GPUs (Ultralytics runs one at a time).
 *
 * A child: two parents drawn from the best EVOLVE_PARENTS results (model.h's
 * ranking), weighted by rank (the best EVOLVE_PARENTS times as likely as
 * the last); BLX-alpha crossover of each number (alpha EVOLVE_ALPHA: uniform
 * on the parents' interval widened by alpha of its length each side), a
 * category from either parent; then each number mutates with probability
 * EVOLVE_MUTATE_P by a normal step of sigma(t) times its range, sigma
 * shrinking from EVOLVE_SIGMA0 to a tenth of it over the sweep (t: results
 * so far over run_cap, or over EVOLVE_HORIZON without a cap), and a
 * category is redrawn with probability sigma(t); values are clipped to the
 * space (log forms mutate in log space: a log-normal step). Running and
 * failed trials are never parents. The first learner_startup() trials are
 * the random search's draws. With several objectives the parents are
 * chosen as NSGA-II chooses them (EVOLVE_MO_POOL, below). */
#include "search/learner.h"
#include "search/pcg.h"
#include "search/rsearch.h"
#include "search/space.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


#define EVOLVE_ALPHA 0.5
#define EVOLVE_MUTATE_P 0.8
#define EVOLVE_SIGMA0 0.2
#define EVOLVE_HORIZON 100

/* With several objectives (NSGA-II's selection): the parents come from the
 * best EVOLVE_MO_POOL results by front, then crowding distance (model.h's
 * ranking with MO_BY_CROWDING), each the winner of a binary tournament:
 * the better ranked of two drawn alike. */
#define EVOLVE_MO_POOL 20

static size_t tournament(struct pcg *r, size_t k)
{
    size_t a = pcg_bounded64(r, k), b = pcg_bounded64(r, k);
    return a < b ? a : b;
}

/* A parent: index into idx[0..k), the best k times as likely as the last. */
static size_t pick(struct pcg *r, size_t k)
{
    double total = (double)k * (double)(k + 1) / 2, u = pcg_unit(r) * total;
    for (size_t i = 0; i < k; i++) {
        u -= (double)(k - i);
        if (u < 0) return i;
    }
    return k - 1;
}

static double evolve_sigma(long long results, long long total)
{
    double horizon = total > 0 ? (double)total : EVOLVE_HORIZON;
    double t = (double)results / horizon;
    if (t > 1) t = 1;
    return EVOLVE_SIGMA0 * pow(0.1, t);
}

static void evolve_suggest(struct learner *l, long long id, double *z)
{
    struct history *h = &l->h;
    size_t *idx = xcalloc(h->n ? h->n : 1, sizeof *idx);
    size_t n = history_rank(h, idx), k = 0, pool = h->nobj ? EVOLVE_MO_POOL : EVOLVE_PARENTS;
    while (k < n && k < pool &&
           (h->o[idx[k]].state == OBS_DONE || h->o[idx[k]].state == OBS_PRUNED) &&
           !isnan(h->o[idx[k]].value))
        k++;
    struct pcg r;
    learner_rng(l, id, 0x65766f6c7665ULL, &r); /* "evolve" */
    if (!k) { /* nothing to breed from: the prior */
        for (size_t d = 0; d < l->m.n; d++) z[d] = model_prior_draw(&l->m, d, &r);
        free(idx);
        return;
    }
    size_t (*choose)(struct pcg *, size_t) = h->nobj ? tournament : pick;
    const struct obs *a = &h->o[idx[choose(&r, k)]], *b = &h->o[idx[choose(&r, k)]];
    double sigma = evolve_sigma((long long)history_results(h), l->total);
    for (size_t d = 0; d < l->m.n; d++) {
        const struct coord *c = &l->m.c[d];
        double za = a->z[d], zb = b->z[d];
        if (isnan(za)) za = zb;
        if (isnan(zb)) zb = za;
        if (c->kind == COORD_FIXED) {
            z[d] = NAN;
        } else if (c->kind == COORD_CAT) {
            z[d] = pcg_unit(&r) < 0.5 ? za : zb;
            if (isnan(z[d]) || pcg_unit(&r) < sigma) z[d] = (double)pcg_bounded64(&r, c->ncat);
        } else {
            if (isnan(za)) za = zb = model_prior_draw(&l->m, d, &r);
            double lo = za < zb ? za : zb, hi = za < zb ? zb : za, w = hi - lo;
            double x = lo - EVOLVE_ALPHA * w + pcg_unit(&r) * (1 + 2 * EVOLVE_ALPHA) * w;
            if (pcg_unit(&r) < EVOLVE_MUTATE_P) x += rsearch_normal(&r) * sigma * (c->hi - c->lo);
            z[d] = x < c->lo ? c->lo : x > c->hi ? c->hi : x;
        }
    }
    free(idx);
}

static void *evolve_init(const struct space *sp, struct err *e)
{
    (void)e;
    struct learner *l = learner_new(sp, learner_startup(sp), evolve_suggest);
    history_objectives(&l->h, sp->nobjs, MO_BY_CROWDING);
    return l;
}

const struct searcher_ops search_evolve_ops = LEARNER_OPS("evolve", evolve_init);

void evolve_describe(const struct space *sp, long long n0, struct sb *out)
{
    if (n0 == 0)
        sb_addf(out, "the priors' results complete the start-up: every trial is bred from the "
                     "best %d results so far, theirs included",
                EVOLVE_PARENTS);
    else if (sp->nobjs >= 2)
        sb_addf(out, "the first %lld trials are random draws (listed below); after them each "
                     "trial is bred from the best %d results so far by Pareto front (those that "
                     "meet the constraints first), then crowding distance, each parent the "
                     "winner of a tournament of two (NSGA-II's selection; crossover, then "
                     "mutation with a step that shrinks over the sweep)",
                n0, EVOLVE_MO_POOL);
    else
        sb_addf(out, "the first %lld trials are random draws (listed below); after them each "
                     "trial is bred from the best %d results so far (crossover, then mutation "
                     "with a step that shrinks over the sweep)",
                n0, EVOLVE_PARENTS);
}
