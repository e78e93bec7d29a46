/* search_sim.c - bench/search_quality.sh's in-process side: the search of
 * method bayes, evolve or random on one of its problems, through the
 * searcher seam as the run loop uses it, with POOL trials pending at a time
 * and the oldest told first (what bench/search_quality.py does with
 * Optuna). The same trial ids and suggestions as `sweep run` makes when its
 * trials end in the order they started, without the processes: fast
 * enough for many seeds, and the same for the same seed on every machine.
 *   search_sim METHOD PROBLEM SEED TRIALS [POOL]
 * prints one line: each trial's minimized value, in id order (Branin and
 * Hartmann-6 as they are, the surrogate's -mAP50-95 at its 50th epoch). */
#include "surrogate.h"
#include "testfns.h"
#include "search/diag.h"
#include "search/searcher.h"
#include "search/space.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double num(const struct value *p, const char *name)
{
    return value_num(value_lookup(p, name));
}

static double evaluate(const char *problem, const struct value *p)
{
    if (!strcmp(problem, "branin")) return branin(num(p, "x"), num(p, "y"));
    if (!strcmp(problem, "hartmann6")) {
        double x[6];
        for (int k = 0; k < 6; k++) {
            char name[3] = {'x', (char)('1' + k), 0};
            x[k] = num(p, name);
        }
        return hartmann6(x);
    }
    const struct value *model = value_lookup(p, "model");
    struct surrogate_cfg c = {num(p, "lr0"), num(p, "momentum"), num(p, "weight_decay"),
                              (long)num(p, "batch"), model->u.s[0], 50, 0};
    struct surrogate_terms t;
    struct surrogate_epoch m;
    if (surrogate_terms(&c, &t)) return NAN;
    surrogate_epoch(&c, &t, 50, &m);
    return -round(m.map5095 * 1e4) / 1e4; /* as yolo-sim prints it */
}

static const char *space_text(const char *problem)
{
    if (!strcmp(problem, "branin"))
        return "metric: {name: loss, goal: minimize}\nparameters:\n  x: {min: -5.0, max: 10.0}\n"
               "  y: {min: 0.0, max: 15.0}\n";
    if (!strcmp(problem, "hartmann6"))
        return "metric: {name: loss, goal: minimize}\nparameters:\n  x1: {min: 0.0, max: 1.0}\n"
               "  x2: {min: 0.0, max: 1.0}\n  x3: {min: 0.0, max: 1.0}\n"
               "  x4: {min: 0.0, max: 1.0}\n  x5: {min: 0.0, max: 1.0}\n"
               "  x6: {min: 0.0, max: 1.0}\n";
    if (!strcmp(problem, "surrogate"))
        return "metric: {name: loss, goal: minimize}\nparameters:\n"
               "  lr0: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}\n"
               "  momentum: {min: 0.6, max: 0.98}\n"
               "  weight_decay: {distribution: log_uniform_values, min: 1e-5, max: 1e-2}\n"
               "  batch: {values: [8, 16, 32, 64]}\n  model: {values: [n, s, m, l, x]}\n";
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6 || !space_text(argv[2])) {
        fprintf(stderr, "usage: search_sim bayes|evolve|random branin|hartmann6|surrogate SEED "
                        "TRIALS [POOL]\n");
        return 2;
    }
    long n = atol(argv[4]), pool = argc == 6 ? atol(argv[5]) : 4;
    char *text = xasprintf("method: %s\nseed: %s\nrun_cap: %ld\n%scommand: [t]\n", argv[1], argv[3],
                           n, space_text(argv[2]));
    struct diag d;
    diag_init(&d, "sim.yaml");
    struct space *sp = space_load_text("sim.yaml", text, strlen(text), &d);
    diag_print(&d);
    diag_release(&d);
    if (!sp) return 2;
    struct err e = {0};
    struct searcher *s = searcher_new(sp, &e);
    if (!s) return 2;
    double *v = xcalloc((size_t)n, sizeof *v);
    long long *pending = xcalloc((size_t)pool, sizeof *pending);
    long asked = 0, npend = 0;
    while (asked < n || npend) {
        struct search_trial t;
        while (asked < n && npend < pool && searcher_ask(s, &t) == 1) {
            pending[npend++] = t.id;
            asked++;
        }
        if (!npend) break;
        long long id = pending[0]; /* the oldest ends first */
        memmove(pending, pending + 1, (size_t)--npend * sizeof *pending);
        struct value *b, *p = searcher_params(s, id, &b);
        double f = evaluate(argv[2], p);
        if (id < n) v[id] = f;
        searcher_observe(s, &(struct search_result){.id = id, .how = HOW_COMPLETED, .value = f,
                                                   .step = 1});
        value_free(p);
        value_free(b);
    }
    for (long i = 0; i < n; i++) printf("%s%.10g", i ? " " : "", v[i]);
    printf("\n");
    free(v);
    free(pending);
    searcher_free(s);
    space_free(sp);
    free(text);
    return 0;
}
