/* darknet.c - darknet's console: pjreddie's and AlexeyAB's iteration lines
 * ("1: 833.09, 833.09 avg, 0.000000 rate, ..."), AlexeyAB's mAP blocks and
 * "Last accuracy" lines (docs/parsers.md). A trial whose log has no
 * iteration line did not train, whatever darknet's exit status. */
#include "sweep/ingest/lex.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the darknet parser of one trial keeps (struct mparser.own). */
struct darknet_own {
    double pend_map, pend_best; /* "Last accuracy" values (NaN: none), for the iteration
                                   line printed next */
    double last_map;            /* the last mAP emitted (AlexeyAB repeats it) */
    double last_best;
};

#define DK(p) ((struct darknet_own *)(p)->own)


/* Expects text at s[*i]; moves past it. */
static int expect(const char *s, size_t n, size_t *i, const char *text)
{
    size_t l = strlen(text);
    if (n - *i < l || memcmp(s + *i, text, l)) return 0;
    *i += l;
    return 1;
}

static int number_at(const char *s, size_t n, size_t *i, double *v)
{
    size_t l = metrics_scan_number(s + *i, n - *i, v);
    *i += l;
    return l > 0;
}

/* "N: LOSS, AVG avg, RATE rate, S seconds, K images" (pjreddie's), or with
 * "avg loss" and ", H hours left" (AlexeyAB's). */
static void darknet_iteration(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    size_t i = 0;
    while (i < n && isdigit((unsigned char)s[i])) i++;
    if (!i || i > 15 || !expect(s, n, &i, ": ")) return;
    long long step = strtoll(s, NULL, 10);
    double v[6];
    if (!number_at(s, n, &i, &v[0]) || !expect(s, n, &i, ", ") || !number_at(s, n, &i, &v[1]) ||
        !expect(s, n, &i, " avg"))
        return;
    expect(s, n, &i, " loss");
    if (!expect(s, n, &i, ", ") || !number_at(s, n, &i, &v[2]) || !expect(s, n, &i, " rate, ") ||
        !number_at(s, n, &i, &v[3]) || !expect(s, n, &i, " seconds, ") ||
        !number_at(s, n, &i, &v[4]) || !expect(s, n, &i, " images"))
        return;
    int hours = 0;
    if (expect(s, n, &i, ", ")) {
        if (!number_at(s, n, &i, &v[5]) || !expect(s, n, &i, " hours left")) return;
        hours = 1;
    }
    while (i < n && lx_blank(s[i])) i++;
    if (i != n) return; /* something else that starts like it */
    static const char *const names[] = {"loss", "avg_loss", "rate", "seconds", "images",
                                        "hours_left"};
    p->epoch = step;
    /* the "Last accuracy" line before it is this iteration's */
    if (!isnan(DK(p)->pend_map)) lx_emit_name(p, b, "mAP50", step, DK(p)->pend_map);
    if (!isnan(DK(p)->pend_best)) lx_emit_name(p, b, "best_mAP50", step, DK(p)->pend_best);
    DK(p)->pend_map = DK(p)->pend_best = NAN;
    for (int k = 0; k < 5 + hours; k++) lx_emit_name(p, b, names[k], step, v[k]);
}

/* After the iteration line that triggered it, AlexeyAB's validation prints
 * "mean average precision (mAP@0.50) = 0.456700, or 45.67 %" (2018:
 * "(mAP) = ", and "for thresh =" for "for conf_thresh =") and the
 * precision/recall lines; each later iteration repeats "Last accuracy
 * mAP@0.5 = 45.67 %, best = 46.00 %" before the iteration line it belongs
 * to, which counts only when it differs from what was stored. Percentages
 * become fractions. */
static void darknet_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    if (isdigit((unsigned char)s[0])) {
        darknet_iteration(p, s, n, b);
        return;
    }
    size_t i = 0;
    double v, w;
    char name[32];
    if (expect(s, n, &i, "mean average precision (mAP")) {
        w = 0.5; /* 2018's "(mAP) = " is at IoU 0.5 */
        if (expect(s, n, &i, "@") && !number_at(s, n, &i, &w)) return;
        if (!expect(s, n, &i, ") = ") || !number_at(s, n, &i, &v)) return;
        snprintf(name, sizeof name, "mAP%.0f", w * 100);
        lx_emit_name(p, b, name, p->epoch, v);
        if (!strcmp(name, "mAP50")) DK(p)->last_map = v;
    } else if (expect(s, n, &i, "Last accuracy mAP@")) {
        /* "mAP@0.5 = " (2019), "mAP@0.50 = " (later): printed before the
         * iteration line it belongs to, which emits it (darknet_iteration) */
        if (!number_at(s, n, &i, &w) || fabs(w - 0.5) > 1e-9 || !expect(s, n, &i, " = ") ||
            !number_at(s, n, &i, &v) || !expect(s, n, &i, " %"))
            return;
        v /= 100;
        if (fabs(v - DK(p)->last_map) > 5e-5 || isnan(DK(p)->last_map)) {
            DK(p)->pend_map = v;
            DK(p)->last_map = v;
        }
        if (expect(s, n, &i, ", best = ") && number_at(s, n, &i, &w)) {
            w /= 100;
            if (fabs(w - DK(p)->last_best) > 5e-5 || isnan(DK(p)->last_best)) {
                DK(p)->pend_best = w;
                DK(p)->last_best = w;
            }
        }
    } else if (expect(s, n, &i, "for conf_thresh = ") || expect(s, n, &i, "for thresh = ")) {
        static const struct {
            const char *key, *name;
            int percent;
        } keys[] = {{"precision = ", "precision", 0}, {"recall = ", "recall", 0},
                    {"F1-score = ", "F1", 0},         {"average IoU = ", "avg_iou", 1}};
        for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
            const char *q = lx_find(s, n, keys[k].key);
            if (!q) continue;
            size_t j = (size_t)(q - s) + strlen(keys[k].key);
            if (!number_at(s, n, &j, &v)) continue;
            lx_emit_name(p, b, keys[k].name, p->epoch, keys[k].percent ? v / 100 : v);
        }
    }
}

static int darknet_init(struct mparser *p, const struct pattern *pats, size_t npats,
                        struct err *e)
{
    (void)pats, (void)npats, (void)e;
    DK(p)->last_map = DK(p)->last_best = NAN;
    DK(p)->pend_map = DK(p)->pend_best = NAN;
    return 0;
}

const struct parser_def parser_darknet = {
    .own_size = sizeof(struct darknet_own),
    .init = darknet_init,
    .name = "darknet",
    .requires_rows = 1,
    .rereads = 1,
    .trims = 1,
    .line = darknet_line,
};
