/* suggest_time.c - bench/search_quality.sh's timing of one suggestion of
 * method bayes or evolve with N results recorded (and 3 trials running),
 * over Hartmann-6's space, through the searcher seam as the run loop uses
 * it. Usage: suggest_time bayes|evolve N; prints seconds per suggestion. */
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

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: suggest_time bayes|evolve N\n");
        return 2;
    }
    long n = atol(argv[2]);
    char *text = xasprintf("method: %s\nseed: 1\nmetric: {name: loss, goal: minimize}\n"
                           "parameters:\n  x1: {min: 0.0, max: 1.0}\n  x2: {min: 0.0, max: 1.0}\n"
                           "  x3: {min: 0.0, max: 1.0}\n  x4: {min: 0.0, max: 1.0}\n"
                           "  x5: {min: 0.0, max: 1.0}\n  x6: {min: 0.0, max: 1.0}\n"
                           "command: [t]\n",
                           argv[1]);
    struct diag d;
    diag_init(&d, "t.yaml");
    struct space *sp = space_load_text("t.yaml", text, strlen(text), &d);
    diag_print(&d);
    diag_release(&d);
    if (!sp) return 2;
    struct err e = {0};
    struct searcher *s = searcher_new(sp, &e);
    if (!s) return 2;
    struct search_trial t;
    for (long i = 0; i < n; i++) { /* N results, as a resume would restore them */
        if (searcher_ask(s, &t) != 1) return 1;
        struct value *b, *p = searcher_params(s, t.id, &b);
        double v = 0;
        for (int k = 1; k <= 6; k++) {
            char name[4] = {'x', (char)('0' + k), 0, 0};
            double x = value_num(value_lookup(p, name)) - 0.3;
            v += x * x;
        }
        searcher_observe(s, &(struct search_result){.id = t.id, .how = HOW_COMPLETED,
                                                   .value = v, .step = 1});
        value_free(p);
    }
    for (int k = 0; k < 3; k++) searcher_ask(s, &t); /* running: the liars */
    int reps = 20;
    double t0 = util_mono();
    for (int k = 0; k < reps; k++) searcher_ask(s, &t);
    printf("%.6f\n", (util_mono() - t0) / reps);
    searcher_free(s);
    space_free(sp);
    free(text);
    return 0;
}
