/* model.h - the parameters and results as the model-based methods (bayes,
 * evolve) see them.
 *
 * Every searched leaf becomes one coordinate: a number on a line where its
 * prior is flat or bell-shaped (the value itself, its log for the log
 * forms, minus its log for the inverse-log forms; a normal prior on mu +-
 * 4 sigma), or a category (an index into its distinct values); constants
 * are no coordinate. A point is one z per leaf (NaN for a constant).
 *
 * The history holds every trial the method knows, in id order, with what
 * happened to it; a ranking puts them best first: completed by value, then
 * pruned trials by the furthest step they reached and their value there,
 * then failed ones (worst), then running ones. */
#ifndef SWEEP_MODEL_H
#define SWEEP_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct space;
struct value;
struct param;
struct pcg;

enum coord_kind { COORD_FIXED, COORD_NUM, COORD_CAT };

struct coord {
    enum coord_kind kind;
    const struct param *p;
    double lo, hi;       /* COORD_NUM: the line's bounds */
    int xform;           /* COORD_NUM: 0 z = x, 1 z = ln x, 2 z = -ln x */
    size_t ncat;         /* COORD_CAT: distinct values */
};

struct model_space {
    const struct space *sp;
    struct coord *c;     /* [sp->nparams], indexed as sp->params */
    size_t n;
    size_t nsearch;      /* coordinates that are not fixed */
};

void model_space_init(struct model_space *m, const struct space *sp);
void model_space_release(struct model_space *m);
/* The point of a trial's parameters (a params map as trials carry them):
 * z[i] for each leaf; NaN where the value is missing or not of the space. */
void model_point(const struct model_space *m, const struct value *params, double *z);
/* The parameters of a point: a new params map (numbers quantized and
 * clipped to the space, categories by index, constants as they are). */
struct value *model_params(const struct model_space *m, const double *z);
/* A draw of coordinate i from its prior (the sweep file's distribution). */
double model_prior_draw(const struct model_space *m, size_t i, struct pcg *r);

enum obs_state { OBS_RUNNING, OBS_DONE, OBS_PRUNED, OBS_FAILED, OBS_STOPPED };

struct obs {
    long long id;        /* a trial's; prior results (another sweep) count from -1 down */
    double *z;           /* [m->n] */
    enum obs_state state;
    double value;        /* smaller is better; NaN none */
    long long step;      /* the last step it logged, -1 none */
    double *f;           /* [h->nobj] with several objectives, each smaller is better
                            (NaN: not logged); NULL with one */
    double viol;         /* its constraints' violation: 0 met (or none), > 0 by how much */
};

/* How a front's trials are ordered among themselves (several objectives):
 * NSGA-II's crowding distance, the most alone first (evolve), or greedy
 * hypervolume subset selection, each next the one that adds the most to
 * those before it (bayes: its first k are the k-subset multi-objective TPE
 * calls good). */
enum mo_order { MO_BY_CROWDING, MO_BY_HYPERVOLUME };

struct history {
    struct obs *o;
    size_t n, cap, dim;
    size_t nobj;         /* 0: one objective (value); >= 2: several (f) */
    enum mo_order order;
};

void history_init(struct history *h, size_t dim);
void history_release(struct history *h);
/* The observation of id (added, z NaN, running, when new). */
struct obs *history_get(struct history *h, long long id);
/* Several objectives: every observation gets f[nobj]; the ranking orders
 * the completed results by Pareto front (mo_rank.c), within one by order. */
void history_objectives(struct history *h, size_t nobj, enum mo_order order);
/* Indices into h->o of the observations that rank (not stopped ones),
 * best first; returns how many. idx has room for h->n. With several
 * objectives the completed results (with a value of the first) come first,
 * by front (Deb's rule: those that break a constraint after every feasible
 * front, by violation), then the others as with one. */
size_t history_rank(const struct history *h, size_t *idx);
/* With several objectives: the results' reference point (mo_rank.c): for
 * each objective the worst finite value among the feasible observations
 * idx[0..n) plus a tenth of their range (1 when they are all equal). */
void history_mo_ref(const struct history *h, const size_t *idx, size_t n, double *ref);
/* mo_rank.c: reorders idx[0..n) (completed results) by front, then by h->order. */
void history_rank_mo(const struct history *h, size_t *idx, size_t n);
/* How many results the model learns from (completed, pruned, failed). */
size_t history_results(const struct history *h);

struct search_result;
/* Records r (searcher.h) in h: its state, value, step, and its point when
 * r has parameters. */
void model_observe(const struct model_space *m, struct history *h, const struct search_result *r);

/* The PCG stream of trial id's suggestion in sp: the same for the same
 * seed, id and salt (one per method). */
void model_rng(const struct space *sp, long long id, uint64_t salt, struct pcg *r);

/* The standard normal's cumulative distribution and its inverse. */
double model_phi(double x);
double model_phi_inv(double p);

#endif
