/* mo_sim.c - bench/mo_quality.sh's in-process side: a search of two
 * objectives by method random, bayes or evolve through the searcher seam
 * as the run loop uses it (bench/search_sim.c for one objective), POOL
 * trials pending at a time, the oldest told first (what
 * bench/mo_quality.py does with Optuna).
 *   mo_sim METHOD PROBLEM SEED TRIALS [POOL]
 * prints one line: each trial's two minimized objectives, "f1,f2", in id
 * order. PROBLEM: zdt1, zdt2, zdt3 (Zitzler, Deb and Thiele 2000, with
 * ZDT_DIM variables in [0, 1]) or yolo (the simulated trainer: model size
 * x image size x learning rate x momentum, 20 epochs; -mAP50-95 against
 * the inference milliseconds yolo-sim --imgsz prints, both rounded as it
 * prints them); yolo-c is yolo with the constraint inference_ms <= 5. */
#include "surrogate.h"
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

#define ZDT_DIM 5

static double num(const struct value *p, const char *name)
{
    return value_num(value_lookup(p, name));
}

/* f[2] of the problem at p; *viol its constraint's violation. */
static void evaluate(const char *problem, const struct value *p, double *f, double *viol)
{
    *viol = 0;
    if (!strncmp(problem, "zdt", 3)) {
        double x[ZDT_DIM], s = 0;
        for (int k = 0; k < ZDT_DIM; k++) {
            char name[4];
            snprintf(name, sizeof name, "x%d", k + 1);
            x[k] = num(p, name);
            if (k) s += x[k];
        }
        double g = 1 + 9 * s / (ZDT_DIM - 1), r = x[0] / g, h;
        if (problem[3] == '1') h = 1 - sqrt(r);
        else if (problem[3] == '2') h = 1 - r * r;
        else h = 1 - sqrt(r) - r * sin(10 * M_PI * x[0]);
        f[0] = x[0];
        f[1] = g * h;
        return;
    }
    const struct value *model = value_lookup(p, "model");
    struct surrogate_cfg c = {num(p, "lr0"), num(p, "momentum"), 0.0005, 16, model->u.s[0], 20, 0};
    struct surrogate_terms t;
    struct surrogate_epoch m;
    surrogate_terms(&c, &t);
    double best = 0, imgsz = num(p, "imgsz"), scale = pow(imgsz / 640.0, 0.15);
    for (long e = 1; e <= c.epochs; e++) { /* its best epoch, as printed */
        surrogate_epoch(&c, &t, e, &m);
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.4f", m.map5095 * scale);
        if (strtod(tmp, NULL) > best) best = strtod(tmp, NULL);
    }
    static const char models[] = "nsmlx";
    static const double base_ms[] = {1.2, 2.1, 4.6, 7.7, 12.3};
    double area = (imgsz / 640.0) * (imgsz / 640.0);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%.2f", base_ms[strchr(models, c.model) - models] * area);
    f[0] = -best;
    f[1] = strtod(tmp, NULL);
    if (!strcmp(problem, "yolo-c") && f[1] > 5) *viol = f[1] - 5;
}

static char *space_text(const char *problem)
{
    if (!strcmp(problem, "zdt1") || !strcmp(problem, "zdt2") || !strcmp(problem, "zdt3")) {
        struct sb t;
        sb_init(&t);
        sb_add(&t, "metric:\n  - {name: f1, goal: minimize}\n  - {name: f2, goal: minimize}\n"
                   "parameters:\n");
        for (int k = 0; k < ZDT_DIM; k++) sb_addf(&t, "  x%d: {min: 0.0, max: 1.0}\n", k + 1);
        return sb_detach(&t);
    }
    if (!strcmp(problem, "yolo") || !strcmp(problem, "yolo-c"))
        return xasprintf("metric:\n  - {name: mAP50-95, goal: maximize}\n"
                         "  - {name: inference_ms, goal: minimize}\n%s"
                         "parameters:\n  model: {values: [n, s, m, l, x]}\n"
                         "  imgsz: {min: 320, max: 1280}\n"
                         "  lr0: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}\n"
                         "  momentum: {min: 0.6, max: 0.98}\n",
                         strcmp(problem, "yolo-c") ? "" : "constraints: [\"inference_ms <= 5\"]\n");
    return NULL;
}

int main(int argc, char **argv)
{
    char *sptext = argc >= 5 ? space_text(argv[2]) : NULL;
    if (argc < 5 || argc > 6 || !sptext) {
        fprintf(stderr, "usage: mo_sim bayes|evolve|random zdt1|zdt2|zdt3|yolo|yolo-c SEED TRIALS "
                        "[POOL]\n");
        return 2;
    }
    long n = atol(argv[4]), pool = argc == 6 ? atol(argv[5]) : 4;
    char *text = xasprintf("method: %s\nseed: %s\nrun_cap: %ld\n%scommand: [t]\n", argv[1], argv[3],
                           n, sptext);
    struct diag d;
    diag_init(&d, "sim.yaml");
    struct space *sp = space_load_text("sim.yaml", text, strlen(text), &d);
    diag_print(&d);
    diag_release(&d);
    if (!sp) return 2;
    struct err e = {0};
    struct searcher *s = searcher_new(sp, &e);
    if (!s) return 2;
    double *v = xcalloc(2 * (size_t)n, sizeof *v), *viol = xcalloc((size_t)n, sizeof *viol);
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
        double f[2], vi;
        evaluate(argv[2], p, f, &vi);
        if (id < n) v[2 * id] = f[0], v[2 * id + 1] = f[1], viol[id] = vi;
        searcher_observe(s, &(struct search_result){.id = id, .how = HOW_COMPLETED, .value = f[0],
                                                   .step = 1, .objs = f, .viol = vi});
        value_free(p);
        value_free(b);
    }
    /* an infeasible trial as Optuna's side prints it: its objectives and "!" */
    for (long i = 0; i < n; i++)
        printf("%s%.10g,%.10g%s", i ? " " : "", v[2 * i], v[2 * i + 1], viol[i] > 0 ? "!" : "");
    printf("\n");
    free(v);
    free(viol);
    free(pending);
    searcher_free(s);
    space_free(sp);
    free(text);
    free(sptext);
    return 0;
}
