/* The model-based methods (search/model.h, tpe.c, evolve.c) through the
 * searcher seam, told trial by trial as the run loop tells them: every
 * W&B form maps to a coordinate and back inside its space; the normal
 * quantile; the ranking that splits good from bad; fixed histories give
 * fixed suggestions for a seed; running trials (the liars) push
 * suggestions away; children stay inside the space; on a smooth function
 * TPE and evolve find better points than random search. */
#include "search/learner.h"
#include "search/model.h"
#include "search/pcg.h"
#include "search/searcher.h"
#include "search/space.h"
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* every parameter form of W&B's format, nested ones and constants too */
static const char FORMS[] =
    "method: bayes\n"
    "run_cap: 200\n"
    "metric: {name: loss, goal: minimize}\n"
    "parameters:\n"
    "  a: {min: -2.0, max: 3.0}\n"
    "  b: {distribution: int_uniform, min: 1, max: 4}\n"
    "  c: {distribution: q_uniform, min: 0, max: 10, q: 2}\n"
    "  d: {distribution: log_uniform, min: -7, max: -2}\n"
    "  e: {distribution: log_uniform_values, min: 0.0001, max: 0.1}\n"
    "  f: {distribution: q_log_uniform_values, min: 8, max: 256, q: 8}\n"
    "  g: {distribution: inv_log_uniform_values, min: 0.01, max: 1}\n"
    "  h: {distribution: normal, mu: 5, sigma: 2}\n"
    "  i: {distribution: log_normal, mu: 0, sigma: 1}\n"
    "  j: {values: [adam, sgd, rmsprop]}\n"
    "  k: {value: 7}\n"
    "  opt: {parameters: {beta: {distribution: q_normal, mu: 0.9, sigma: 0.05, q: 0.01}}}\n"
    "  m: {distribution: inv_log_uniform, min: 1, max: 3}\n"
    "  n: {distribution: beta, a: 2, b: 3}\n"
    "command: [t]\n";

static double num(const struct value *p, const char *name)
{
    const struct value *v = value_lookup(p, name);
    return v && value_is_num(v) ? value_num(v) : NAN;
}

static void inside(const struct value *p)
{
    double a = num(p, "a"), b = num(p, "b"), c = num(p, "c"), e = num(p, "e"), f = num(p, "f");
    CHECK(a >= -2 && a <= 3);
    CHECK(b >= 1 && b <= 4 && b == floor(b));
    CHECK(value_lookup(p, "b")->kind == V_INT);
    CHECK(fmod(c, 2) == 0 && value_lookup(p, "c")->kind == V_INT);
    CHECK(num(p, "d") >= exp(-7) * 0.999 && num(p, "d") <= exp(-2) * 1.001);
    CHECK(e >= 0.0001 * 0.999 && e <= 0.1 * 1.001);
    CHECK(fmod(f, 8) == 0 && f >= 8 && f <= 256);
    CHECK(num(p, "g") >= 0.01 * 0.999 && num(p, "g") <= 1.001);
    CHECK(num(p, "h") >= 5 - 4 * 2 - 1e-9 && num(p, "h") <= 5 + 4 * 2 + 1e-9);
    CHECK(num(p, "i") > 0);
    const struct value *j = value_lookup(p, "j");
    CHECK(j && j->kind == V_STR &&
          (!strcmp(j->u.s, "adam") || !strcmp(j->u.s, "sgd") || !strcmp(j->u.s, "rmsprop")));
    CHECK_NEAR(num(p, "k"), 7, 0);
    double beta = num(p, "opt.beta");
    CHECK(fabs(beta * 100 - nearbyint(beta * 100)) < 1e-6);
    CHECK(num(p, "m") >= exp(-3) * 0.999 && num(p, "m") <= exp(-1) * 1.001);
    CHECK(num(p, "n") >= 0 && num(p, "n") <= 1);
}

static void every_form_maps_and_comes_back_inside(void)
{
    struct space *sp = space_text("%s", FORMS);
    if (!CHECK(sp != NULL)) return;
    struct model_space m;
    model_space_init(&m, sp);
    CHECK_INT_EQ((long long)m.nsearch, 14 - 1); /* k is a constant */
    struct pcg r;
    pcg_seed(&r, 1, 2);
    double *z = xcalloc(m.n, sizeof *z), *z2 = xcalloc(m.n, sizeof *z2);
    for (int k = 0; k < 300; k++) {
        for (size_t i = 0; i < m.n; i++) {
            const struct coord *c = &m.c[i];
            /* anywhere on the line, even outside: values come back clipped */
            z[i] = c->kind == COORD_NUM ? c->lo - 1 + pcg_unit(&r) * (c->hi - c->lo + 2)
                   : c->kind == COORD_CAT ? (double)pcg_bounded64(&r, c->ncat + 2) - 1
                                          : NAN;
        }
        struct value *p = model_params(&m, z);
        inside(p);
        model_point(&m, p, z2);
        struct value *p2 = model_params(&m, z2); /* a point of the space maps to itself */
        CHECK(value_equal(p, p2));
        value_free(p);
        value_free(p2);
    }
    free(z);
    free(z2);
    model_space_release(&m);
    space_free(sp);
}

static void the_normal_quantile(void)
{
    for (double p = 1e-9; p < 1; p = p < 0.01 ? p * 10 : p + 0.01)
        CHECK_NEAR(model_phi(model_phi_inv(p)), p, 1e-12 + 1e-9 * p);
    CHECK_NEAR(model_phi_inv(0.975), 1.959963984540054, 1e-9);
    CHECK_NEAR(model_phi(0), 0.5, 1e-15);
}

static void ranking_splits_good_from_bad(void)
{
    struct history h;
    history_init(&h, 1);
    struct obs *o;
    o = history_get(&h, 3), o->state = OBS_DONE, o->value = 2.0;
    o = history_get(&h, 0), o->state = OBS_DONE, o->value = 1.0;
    o = history_get(&h, 1), o->state = OBS_PRUNED, o->value = 0.1, o->step = 3;
    o = history_get(&h, 2), o->state = OBS_PRUNED, o->value = 5.0, o->step = 9;
    o = history_get(&h, 4), o->state = OBS_FAILED;
    o = history_get(&h, 5); /* running */
    o = history_get(&h, 6), o->state = OBS_STOPPED;
    o = history_get(&h, 7), o->state = OBS_DONE; /* completed without a value: as failed */
    CHECK_INT_EQ(h.o[0].id, 0); /* kept in id order */
    size_t idx[8];
    size_t n = history_rank(&h, idx);
    CHECK_INT_EQ((long long)n, 7); /* a stopped trial does not rank */
    long long want[] = {0, 3, 2, 1, 4, 7, 5};
    for (size_t i = 0; i < n && i < 7; i++) CHECK_INT_EQ(h.o[idx[i]].id, want[i]);
    CHECK_INT_EQ((long long)history_results(&h), 6);
    history_release(&h);
}

/* A searcher of text; run n trials of f (smaller better), k at a time; the
 * best value. The suggestions are written to out[] when given. */
static double run(const char *text, int n, int k, double (*f)(const struct value *),
                  struct value **out)
{
    struct space *sp = space_text("%s", text);
    if (!CHECK(sp != NULL)) return NAN;
    struct err e = {0};
    struct searcher *s = searcher_new(sp, &e);
    if (!CHECK(s != NULL)) return NAN;
    CHECK(searcher_learns(s) == !strstr(text, "method: random"));
    long long running[16];
    int nr = 0;
    double best = INFINITY;
    for (int done = 0; done < n;) {
        struct search_trial t;
        while (nr < k && searcher_ask(s, &t) == 1) running[nr++] = t.id;
        if (!nr) break;
        long long id = running[0]; /* the oldest ends first */
        memmove(running, running + 1, (size_t)--nr * sizeof *running);
        struct value *budget, *p = searcher_params(s, id, &budget);
        double v = f(p);
        if (v < best) best = v;
        searcher_tell(s, id, SEARCH_COMPLETED, v);
        searcher_observe(s, &(struct search_result){.id = id, .how = HOW_COMPLETED, .value = v,
                                                   .step = 1});
        if (out) out[id] = p;
        else value_free(p);
        done++;
    }
    searcher_free(s);
    space_free(sp);
    return best;
}

static double bowl(const struct value *p) /* optimum 0 at x = 0.7, y = 0.2, model s */
{
    double x = num(p, "x") - 0.7, y = num(p, "y") - 0.2;
    const struct value *m = value_lookup(p, "model");
    double pen = m && m->kind == V_STR && !strcmp(m->u.s, "s") ? 0 : 0.3;
    return x * x + y * y + pen;
}

static const char BOWL[] = "method: bayes\nrun_cap: 60\nseed: %d\n"
                           "metric: {name: loss, goal: minimize}\n"
                           "parameters:\n  x: {min: 0.0, max: 1.0}\n  y: {min: 0.0, max: 1.0}\n"
                           "  model: {values: [n, s, m]}\ncommand: [t]\n";

static void fixed_history_fixed_suggestions(void)
{
    char text[512];
    struct value *a[60] = {0}, *b[60] = {0}, *c[60] = {0};
    snprintf(text, sizeof text, BOWL, 3);
    run(text, 40, 4, bowl, a);
    run(text, 40, 4, bowl, b);
    snprintf(text, sizeof text, BOWL, 4);
    run(text, 40, 4, bowl, c);
    int same = 1, differ = 0;
    for (int i = 0; i < 40; i++) {
        if (!a[i] || !b[i] || !c[i]) continue;
        if (!value_equal(a[i], b[i])) same = 0;
        if (i >= 10 && !value_equal(a[i], c[i])) differ = 1;
    }
    CHECK(same);   /* the same seed and results: the same suggestions */
    CHECK(differ); /* another seed: others */
    for (int i = 0; i < 60; i++) value_free(a[i]), value_free(b[i]), value_free(c[i]);
}

/* text with "method: bayes" as "method: NAME" (a new string) */
static char *with_method(const char *text, const char *name)
{
    const char *m = strstr(text, "method: bayes");
    return xasprintf("%.*smethod: %s%s", (int)(m - text), text, name, m + strlen("method: bayes"));
}

static void tpe_and_evolve_beat_random(void)
{
    char text[512];
    double bayes = 0, evolve = 0, random = 0;
    const int seeds = 48;
    for (int seed = 1; seed <= seeds; seed++) {
        snprintf(text, sizeof text, BOWL, seed);
        char *ev = with_method(text, "evolve"), *rs = with_method(text, "random");
        bayes += run(text, 60, 4, bowl, NULL) / seeds;
        evolve += run(ev, 60, 4, bowl, NULL) / seeds;
        random += run(rs, 60, 4, bowl, NULL) / seeds;
        free(ev);
        free(rs);
    }
    CHECK(bayes < random / 3); /* the mean best of 48 seeds, 60 trials, 4 at a time */
    CHECK(evolve < random);
}

/* The liar: with a trial running at the best point, the next suggestion
 * goes elsewhere. */
static void a_running_trial_is_a_liar(void)
{
    char text[512];
    snprintf(text, sizeof text, BOWL, 9);
    struct space *sp = space_text("%s", text);
    if (!CHECK(sp != NULL)) return;
    struct err e = {0};
    struct searcher *s = searcher_new(sp, &e);
    struct search_trial t;
    for (int i = 0; i < 30; i++) { /* 30 results, then suggestions */
        CHECK(searcher_ask(s, &t) == 1);
        struct value *b, *p = searcher_params(s, t.id, &b);
        searcher_observe(s, &(struct search_result){.id = t.id, .how = HOW_COMPLETED,
                                                   .value = bowl(p), .step = 1});
        value_free(p);
    }
    double d = 0;
    struct value *prev = NULL;
    for (int i = 0; i < 6; i++) { /* six asked at once: all running */
        CHECK(searcher_ask(s, &t) == 1);
        struct value *b, *p = searcher_params(s, t.id, &b);
        if (prev) d += fabs(num(p, "x") - num(prev, "x")) + fabs(num(p, "y") - num(prev, "y"));
        value_free(prev);
        prev = p;
    }
    value_free(prev);
    CHECK(d > 1e-6); /* they are not one point six times */
    searcher_free(s);
    space_free(sp);
}

static void children_stay_inside_the_space(void)
{
    char *text = with_method(FORMS, "evolve");
    struct space *sp = space_text("%s", text);
    free(text);
    if (!CHECK(sp != NULL)) return;
    struct err e = {0};
    struct searcher *s = searcher_new(sp, &e);
    struct search_trial t;
    for (int i = 0; i < 120; i++) {
        CHECK(searcher_ask(s, &t) == 1);
        struct value *b, *p = searcher_params(s, t.id, &b);
        inside(p);
        double v = num(p, "a") * num(p, "a") + num(p, "e");
        searcher_observe(s, &(struct search_result){.id = t.id, .how = i % 7 ? HOW_COMPLETED
                                                                              : HOW_FAILED,
                                                   .value = v, .step = 1});
        value_free(p);
    }
    searcher_free(s);
    space_free(sp);
}

static const struct check_case cases[] = {
    CASE(every_form_maps_and_comes_back_inside),
    CASE(the_normal_quantile),
    CASE(ranking_splits_good_from_bad),
    CASE(fixed_history_fixed_suggestions),
    CASE(tpe_and_evolve_beat_random),
    CASE(a_running_trial_is_a_liar),
    CASE(children_stay_inside_the_space),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
