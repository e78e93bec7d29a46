/* trainers.c - the trainers' own log formats: darknet (pjreddie's and
 * AlexeyAB's), Ultralytics (YOLOv8/YOLO11), YOLOv5, MMDetection (2.x and
 * MMEngine) and detectron2. Each parser takes any of its trainer's files and
 * tells them apart by content: a console log, a results.csv (its header row
 * starts with "epoch,"), YOLOv5's headerless results.txt, JSON lines.
 * docs/parsers.md says which names each gives and what a step is; the
 * fixtures the tests read are in tests/fixtures (SOURCES.md). */
#include "base/value.h"
#include "base/json.h"
#include "sweep/ingest/metrics_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAXTOK 48

struct tok {
    const char *s;
    size_t n;
    int complete; /* followed by a blank or ':': not cut by a narrow terminal */
};

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t l = strlen(prefix);
    return n >= l && !memcmp(s, prefix, l);
}

static const char *find(const char *s, size_t n, const char *what)
{
    return memmem(s, n, what, strlen(what));
}

/* Blank-separated tokens of s up to the first ':' (where tqdm's bar starts
 * after a description). */
static size_t tokenize(const char *s, size_t n, struct tok *t, size_t max)
{
    size_t nt = 0, i = 0;
    while (nt < max) {
        while (i < n && blank(s[i])) i++;
        if (i == n || s[i] == ':') break;
        size_t st = i;
        while (i < n && !blank(s[i]) && s[i] != ':') i++;
        t[nt++] = (struct tok){s + st, i - st, i < n};
    }
    return nt;
}

static int tok_is(const struct tok *t, const char *w)
{
    return t->n == strlen(w) && !memcmp(t->s, w, t->n);
}

static int tok_num(const struct tok *t, double *v)
{
    return t->n && metrics_scan_number(t->s, t->n, v) == t->n;
}

/* "E/N": E. */
static int tok_epoch(const struct tok *t, long long *e)
{
    size_t i = 0;
    while (i < t->n && isdigit((unsigned char)t->s[i])) i++;
    if (!i || i > 15 || i + 1 >= t->n || t->s[i] != '/') return 0;
    for (size_t j = i + 1; j < t->n; j++)
        if (!isdigit((unsigned char)t->s[j])) return 0;
    *e = strtoll(t->s, NULL, 10);
    return 1;
}

/* "6.73G", "0G", "1962M": in GB. */
static int tok_gb(const struct tok *t, double *gb)
{
    if (t->n < 2) return 0;
    char u = t->s[t->n - 1];
    if (u != 'G' && u != 'M') return 0;
    double v;
    if (metrics_scan_number(t->s, t->n - 1, &v) != t->n - 1) return 0;
    *gb = u == 'G' ? v : v / 1024;
    return 1;
}

static void emit_name(struct mparser *p, struct metric_batch *b, const char *name,
                      long long step, double v)
{
    metrics_emit(p, b, name, strlen(name), step >= 0, step, v);
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* ---- Ultralytics and YOLOv5 ---- */

/* The first "k/N" after tqdm's description: whether the bar is at its end. */
static int bar_done(const char *s, size_t n)
{
    const char *c = memchr(s, ':', n);
    if (!c) return 0;
    for (const char *q = c; (q = memchr(q, '/', n - (size_t)(q - s))); q++) {
        const char *a = q, *z = q + 1;
        while (a > c && isdigit((unsigned char)a[-1])) a--;
        while (z < s + n && isdigit((unsigned char)*z)) z++;
        if (a == q || z == q + 1) continue;
        return q - a == z - q - 1 && !memcmp(a, q + 1, (size_t)(q - a));
    }
    return 0;
}

/* "E/N" then "6.73G": checked without converting (tqdm rewrites the row
 * hundreds of times an epoch). */
static int train_row_shape(const struct tok *t, size_t nt)
{
    long long e;
    if (nt < 2 || !t[0].complete || !tok_epoch(&t[0], &e) || t[1].n < 2) return 0;
    char u = t[1].s[t[1].n - 1];
    if (u != 'G' && u != 'M') return 0;
    for (size_t i = 0; i + 1 < t[1].n; i++)
        if (!isdigit((unsigned char)t[1].s[i]) && t[1].s[i] != '.') return 0;
    return 1;
}

static const char *default_loss(const struct mparser *p, size_t nloss, size_t i)
{
    static const char *const u3[] = {"box_loss", "cls_loss", "dfl_loss"};
    static const char *const u4[] = {"box_loss", "seg_loss", "cls_loss", "dfl_loss"};
    static const char *const v3[] = {"box_loss", "obj_loss", "cls_loss"};
    static const char *const v4[] = {"box_loss", "obj_loss", "cls_loss", "total_loss"};
    if (p->kind == P_ULTRALYTICS) return nloss == 3 ? u3[i] : nloss == 4 ? u4[i] : NULL;
    return nloss == 3 ? v3[i] : nloss == 4 ? v4[i] : NULL;
}

/* A train row: "E/N  GPU_mem  loss...  Instances  Size" (Ultralytics' E
 * counts from 1, YOLOv5's from 0: the step is E as printed). Only complete
 * tokens count: a narrow terminal cuts tqdm's line. */
static void train_row(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct tok t[MAXTOK];
    size_t nt = tokenize(s, n, t, MAXTOK);
    long long e;
    if (!train_row_shape(t, nt) || !tok_epoch(&t[0], &e)) return;
    p->epoch = e;
    p->final_val = 0; /* training again (a restart appending to the log) */
    double v;
    if (t[1].complete && tok_gb(&t[1], &v)) emit_name(p, b, "gpu_mem", e, v);
    size_t nloss = p->train ? p->ntrain : nt >= 4 ? nt - 4 : 0;
    for (size_t i = 0; i < nloss && 2 + i < nt; i++) {
        const struct tok *x = &t[2 + i];
        if (!x->complete || !tok_num(x, &v)) break;
        char def[64];
        const char *name = p->train ? p->train[i] : NULL;
        if (!name) {
            const char *d = default_loss(p, nloss, i);
            if (!d) break;
            snprintf(def, sizeof def, "train/%s", d);
            name = def;
        }
        emit_name(p, b, name, e, v);
    }
}

static void flush_pending(struct mparser *p, struct metric_batch *b)
{
    if (!p->pending.len) return;
    train_row(p, p->pending.buf, p->pending.len, b);
    sb_reset(&p->pending);
}

/* "Epoch GPU_mem box_loss cls_loss dfl_loss Instances Size", or YOLOv5's
 * older "Epoch gpu_mem box obj cls total targets img_size". */
static void train_header(struct mparser *p, const char *s, size_t n)
{
    if (p->train_hdr && strlen(p->train_hdr) == n && !memcmp(p->train_hdr, s, n)) return;
    free(p->train_hdr);
    p->train_hdr = xstrndup(s, n);
    free_names(p->train, p->ntrain);
    p->train = NULL;
    p->ntrain = 0;
    struct tok t[MAXTOK];
    size_t nt = tokenize(s, n, t, MAXTOK);
    for (size_t i = 2; i < nt; i++) {
        if (tok_is(&t[i], "Instances") || tok_is(&t[i], "targets") || tok_is(&t[i], "labels") ||
            tok_is(&t[i], "Labels") || tok_is(&t[i], "Size") || tok_is(&t[i], "img_size"))
            break;
        char *name;
        if (t[i].n >= 4 && !memcmp(t[i].s + t[i].n - 4, "loss", 4)) /* loss, box_loss */
            name = xasprintf("train/%.*s", (int)t[i].n, t[i].s);
        else {
            name = xasprintf("train/%.*s_loss", (int)t[i].n, t[i].s);
            for (char *c = name + 6; *c; c++) *c = (char)tolower((unsigned char)*c);
        }
        p->train = xrealloc(p->train, (p->ntrain + 1) * sizeof *p->train);
        p->train[p->ntrain++] = name;
    }
}

/* "Class Images Instances Box(P R mAP50 mAP50-95) Mask(P ...": which groups
 * follow (a narrow terminal may cut it: the row is read by position). */
static void val_header(struct mparser *p, const char *s, size_t n)
{
    const char *c = memchr(s, ':', n);
    size_t dn = c ? (size_t)(c - s) : n;
    if (p->val_hdr && strlen(p->val_hdr) == dn && !memcmp(p->val_hdr, s, dn)) return;
    free(p->val_hdr);
    p->val_hdr = xstrndup(s, dn);
    p->classify = starts(s, n, "classes");
    p->nletters = 0;
    struct tok t[MAXTOK];
    size_t nt = tokenize(s, dn, t, MAXTOK);
    for (size_t i = 3; i < nt && p->nletters < (int)sizeof p->letters; i++)
        if (t[i].n > 2 && memchr(t[i].s, '(', t[i].n))
            p->letters[p->nletters++] = (char)toupper((unsigned char)t[i].s[0]);
}

/* "all  Images  Instances  P R mAP50 mAP50-95 [P R mAP50 mAP50-95]", at the
 * epoch of the last train row; after "Validating best.pt" as best/NAME. */
static void val_row(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct tok t[MAXTOK];
    size_t nt = tokenize(s, n, t, MAXTOK);
    double v[MAXTOK];
    for (size_t i = 1; i < nt; i++)
        if (!tok_num(&t[i], &v[i])) return; /* a class named "all..."? not this row */
    const char *pre = p->final_val ? "best/" : "";
    char name[96];
    if (p->classify) {
        static const char *const acc[] = {"metrics/accuracy_top1", "metrics/accuracy_top5"};
        for (size_t i = 1; i < nt && i <= 2; i++) {
            snprintf(name, sizeof name, "%s%s", pre, acc[i - 1]);
            emit_name(p, b, name, p->epoch, v[i]);
        }
        return;
    }
    if (nt < 7) return;
    static const char *const u[] = {"precision", "recall", "mAP50", "mAP50-95"};
    static const char *const v5[] = {"precision", "recall", "mAP_0.5", "mAP_0.5:0.95"};
    size_t groups = (nt - 3) / 4;
    for (size_t g = 0; g < groups; g++) {
        char suffix[8] = "";
        if (p->kind == P_ULTRALYTICS || p->nletters)
            snprintf(suffix, sizeof suffix, "(%c)",
                     (int)g < p->nletters ? p->letters[g] : g == 0 ? 'B' : 'M');
        for (size_t k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "%smetrics/%s%s", pre,
                     p->kind == P_ULTRALYTICS ? u[k] : v5[k], suffix);
            emit_name(p, b, name, p->epoch, v[3 + 4 * g + k]);
        }
    }
}

/* YOLOv5's old results.txt: the train row's text without its bar, then
 * P R mAP@.5 mAP@.5:.95 and the three validation losses (15 columns). */
static int txt_row(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct tok t[MAXTOK];
    if (memchr(s, ':', n)) return 0;
    size_t nt = tokenize(s, n, t, MAXTOK);
    long long e;
    double gb, v[15];
    if (nt != 15 || !tok_epoch(&t[0], &e) || !tok_gb(&t[1], &gb)) return 0;
    for (size_t i = 2; i < 15; i++)
        if (!tok_num(&t[i], &v[i])) return 0;
    static const char *const names[15] = {
        NULL, NULL, "train/box_loss", "train/obj_loss", "train/cls_loss", "train/total_loss",
        NULL, NULL, "metrics/precision", "metrics/recall", "metrics/mAP_0.5",
        "metrics/mAP_0.5:0.95", "val/box_loss", "val/obj_loss", "val/cls_loss"};
    p->epoch = e;
    emit_name(p, b, "gpu_mem", e, gb);
    for (size_t i = 2; i < 15; i++)
        if (names[i]) emit_name(p, b, names[i], e, v[i]);
    return 1;
}

static int csv_header(const char *s, size_t n)
{
    if (!starts(s, n, "epoch")) return 0;
    size_t i = 5;
    while (i < n && s[i] == ' ') i++;
    return i < n && s[i] == ',';
}

static void yolo_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    if (p->csv || csv_header(s, n)) {
        p->csv = 1;
        metrics_parse_csv(p, s, n, b);
        return;
    }
    if (isdigit((unsigned char)s[0])) {
        if (p->kind == P_YOLOV5 && txt_row(p, s, n, b)) return;
        struct tok t[3];
        size_t nt = tokenize(s, n, t, 3);
        if (train_row_shape(t, nt)) {
            /* tqdm rewrites the row many times an epoch: the row counts
             * once its bar is full, or when something else is printed */
            if (p->pending.len && (p->pending.len < t[0].n || p->pending.buf[t[0].n] != ' ' ||
                                   memcmp(p->pending.buf, t[0].s, t[0].n)))
                flush_pending(p, b); /* another epoch's row: the waiting one counts */
            sb_reset(&p->pending);
            if (bar_done(s, n)) train_row(p, s, n, b);
            else sb_addn(&p->pending, s, n);
            return;
        }
    }
    flush_pending(p, b);
    if (starts(s, n, "Epoch ") && (find(s, n, "GPU_mem") || find(s, n, "gpu_mem"))) {
        train_header(p, s, n);
        p->final_val = 0;
    }
    else if ((starts(s, n, "Class ") && find(s, n, "Images")) || starts(s, n, "classes "))
        val_header(p, s, n);
    else if (starts(s, n, "all ") || starts(s, n, "all\t"))
        val_row(p, s, n, b);
    else if (starts(s, n, "Validating ") && find(s, n, "best.pt"))
        p->final_val = 1;
}

/* ---- darknet ---- */

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
    while (i < n && blank(s[i])) i++;
    if (i != n) return; /* something else that starts like it */
    static const char *const names[] = {"loss", "avg_loss", "rate", "seconds", "images",
                                        "hours_left"};
    p->epoch = step;
    for (int k = 0; k < 5 + hours; k++) emit_name(p, b, names[k], step, v[k]);
}

/* After the iteration line that triggered it, AlexeyAB's validation prints
 * "mean average precision (mAP@0.50) = 0.456700, or 45.67 %" (2018:
 * "(mAP) = ", and "for thresh =" for "for conf_thresh =") and the
 * precision/recall lines; each later iteration repeats "Last accuracy
 * mAP@0.5 = 45.67 %, best = 46.00 %", which counts only when it differs
 * from what was stored. Percentages become fractions. */
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
        emit_name(p, b, name, p->epoch, v);
        if (!strcmp(name, "mAP50")) p->last_map = v;
    } else if (expect(s, n, &i, "Last accuracy mAP@0.5 = ")) {
        if (!number_at(s, n, &i, &v) || !expect(s, n, &i, " %")) return;
        v /= 100;
        if (fabs(v - p->last_map) > 5e-5 || isnan(p->last_map)) {
            emit_name(p, b, "mAP50", p->epoch, v);
            p->last_map = v;
        }
        if (expect(s, n, &i, ", best = ") && number_at(s, n, &i, &w)) {
            w /= 100;
            if (fabs(w - p->last_best) > 5e-5 || isnan(p->last_best)) {
                emit_name(p, b, "best_mAP50", p->epoch, w);
                p->last_best = w;
            }
        }
    } else if (expect(s, n, &i, "for conf_thresh = ") || expect(s, n, &i, "for thresh = ")) {
        static const struct {
            const char *key, *name;
            int percent;
        } keys[] = {{"precision = ", "precision", 0}, {"recall = ", "recall", 0},
                    {"F1-score = ", "F1", 0},         {"average IoU = ", "avg_iou", 1}};
        for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
            const char *q = find(s, n, keys[k].key);
            if (!q) continue;
            size_t j = (size_t)(q - s) + strlen(keys[k].key);
            if (!number_at(s, n, &j, &v)) continue;
            emit_name(p, b, keys[k].name, p->epoch, keys[k].percent ? v / 100 : v);
        }
    }
}

/* ---- name: value pairs (MMDetection, detectron2) ---- */

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '/';
}

static int skipped(const char *name, size_t len, const char *const *skip)
{
    if (len >= 10 && !memcmp(name + len - 10, "_copypaste", 10)) return 1;
    for (; skip && *skip; skip++)
        if (strlen(*skip) == len && !memcmp(*skip, name, len)) return 1;
    return 0;
}

/* Every "name: value" in s; a value may carry a size unit (3543M, 24.6Gb:
 * stored in MiB) and ends at a blank, ',' or the end. */
static void pairs(struct mparser *p, const char *s, size_t n, struct metric_batch *b,
                  long long step, const char *const *skip)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ':' || i == 0 || !name_char(s[i - 1])) continue;
        size_t a = i;
        while (a > 0 && name_char(s[a - 1])) a--;
        if (!(isalpha((unsigned char)s[a]) || s[a] == '_')) continue;
        size_t j = i + 1;
        while (j < n && blank(s[j])) j++;
        double v;
        size_t l = metrics_scan_number(s + j, n - j, &v);
        if (!l) continue;
        j += l;
        if (j < n && (s[j] == 'K' || s[j] == 'M' || s[j] == 'G')) {
            char u = s[j++];
            if (j < n && s[j] == 'i') j++;
            if (j < n && (s[j] == 'B' || s[j] == 'b')) j++;
            v = u == 'G' ? v * 1024 : u == 'K' ? v / 1024 : v;
        }
        if (j < n && !blank(s[j]) && s[j] != ',') continue;
        if (!skipped(s + a, i - a, skip)) metrics_emit(p, b, s + a, i - a, step >= 0, step, v);
        i = j;
    }
}

/* ---- MMDetection ---- */

static const char *const mm_train_skip[] = {"eta", "epoch", "iter", NULL};
static const char *const mm_val_skip[] = {"eta", "epoch", "iter", "time", "data_time", "memory",
                                          NULL};

/* "[a]" or "[a/b]" at s[*i] (blanks inside allowed: "[  50/1221]"). */
/* Digits at s[*j] (at most 9: products of two stay in range); moves past. */
static int count_at(const char *s, size_t n, size_t *j, long long *v)
{
    size_t d = *j;
    while (*j < n && isdigit((unsigned char)s[*j])) (*j)++;
    if (*j == d || *j - d > 9) return 0;
    *v = strtoll(s + d, NULL, 10);
    return 1;
}

static int bracket(const char *s, size_t n, size_t *i, long long *a, long long *bb)
{
    size_t j = *i;
    while (j < n && blank(s[j])) j++;
    if (j >= n || s[j] != '[') return 0;
    j++;
    while (j < n && blank(s[j])) j++;
    if (!count_at(s, n, &j, a)) return 0;
    *bb = -1;
    if (j < n && s[j] == '/') {
        j++;
        if (!count_at(s, n, &j, bb)) return 0;
    }
    if (j >= n || s[j] != ']') return 0;
    *i = j + 1;
    return 1;
}

/* MMEngine's "Epoch(train)  [1][  50/1221]  lr: ... loss: 1.23" and
 * "Epoch(val) [1][625/625]  coco/bbox_mAP: 0.374 ...", MMDetection 2.x's
 * "Epoch [1][50/7330]\tlr: ..., loss: 1.23" and "Epoch(val) [1][7330]\t
 * bbox_mAP: 0.374, ...", and their Iter variants. Training values are at
 * the global iteration, validation values at the epoch (at the last
 * iteration when training counts iterations): MMEngine's own steps. */
static void mmdet_text(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    static const struct {
        const char *tag;
        int epoch, val;
    } tags[] = {{"Epoch(train)", 1, 0}, {"Iter(train)", 0, 0}, {"Epoch(val)", 1, 1},
                {"Iter(val)", 0, 1},    {"Epoch(test)", 1, 1}, {"Iter(test)", 0, 1},
                {"Epoch [", 1, 0},      {"Iter [", 0, 0}};
    for (size_t k = 0; k < ARRAY_LEN(tags); k++) {
        const char *q = find(s, n, tags[k].tag);
        if (!q) continue;
        size_t i = (size_t)(q - s) + strlen(tags[k].tag);
        if (s[i - 1] == '[') i--;
        long long a, c, it, iters;
        long long step;
        if (!bracket(s, n, &i, &a, &c)) return;
        if (tags[k].epoch) {
            if (!bracket(s, n, &i, &it, &iters)) {
                it = iters = -1; /* 2.x's "Epoch(val) [1]" */
            }
            if (tags[k].val) step = a;
            else {
                if (iters < 0) return;
                step = (a - 1) * iters + it;
            }
        } else {
            step = tags[k].val ? p->epoch : a;
        }
        if (!tags[k].val) p->epoch = step;
        pairs(p, s + i, n - i, b, step, tags[k].val ? mm_val_skip : mm_train_skip);
        return;
    }
}

/* MMEngine's vis_data/scalars.json: {"lr": ..., "loss": ..., "epoch": 1,
 * "iter": 50, "memory": 3543, "step": 50} for training, {"coco/bbox_mAP":
 * 0.374, ..., "step": 1} for validation. (MMDetection 2.x's .log.json, with
 * "mode", counts iterations within an epoch and is not read.) */
static void mmdet_json(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct value *v = json_parse(s, n, NULL);
    if (!v) return;
    const struct value *st = v->kind == V_MAP ? value_map_get(v, "step") : NULL;
    long long step;
    if (st && value_is_num(st) && metrics_step(value_num(st), &step) &&
        !value_map_get(v, "mode")) {
        int train = value_map_get(v, "lr") || value_map_get(v, "base_lr") ||
                    value_map_get(v, "loss");
        const char *const *skip = train ? mm_train_skip : mm_val_skip;
        for (size_t i = 0; i < v->u.map.n; i++) {
            const struct mapent *e = &v->u.map.e[i];
            size_t len = strlen(e->key);
            if (!value_is_num(e->val) || !strcmp(e->key, "step") || skipped(e->key, len, skip))
                continue;
            metrics_emit(p, b, e->key, len, 1, step, value_num(e->val));
        }
    }
    value_free(v);
}

static void mmdet_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    if (s[0] == '{') {
        mmdet_json(p, s, n, b);
        return;
    }
    if (!find(s, n, "#011")) {
        mmdet_text(p, s, n, b);
        return;
    }
    /* syslog writes a tab as #011 */
    struct sb t;
    sb_init(&t);
    for (size_t i = 0; i < n; i++) {
        if (i + 4 <= n && !memcmp(s + i, "#011", 4)) {
            sb_addc(&t, '\t');
            i += 3;
        } else sb_addc(&t, s[i]);
    }
    mmdet_text(p, t.buf, t.len, b);
    sb_release(&t);
}

/* ---- detectron2 ---- */

/* metrics.json lines (JSON with NaN; "iteration" is the step), the console's
 * "eta: 1:23:45  iter: 19  total_loss: 1.234 ...  max_mem: 3543M" (the step
 * is iter: both count from 0), and the evaluation's copypaste lines, named
 * like metrics.json (bbox/AP) at the last iteration seen. */
static void d2_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    if (s[0] == '{') {
        metrics_parse_jsonl(p, s, n, b);
        return;
    }
    const char *q = find(s, n, "copypaste: ");
    if (q) {
        size_t i = (size_t)(q - s) + 11;
        const char *r = s + i;
        size_t rn = n - i;
        while (rn && blank(r[rn - 1])) rn--;
        if (starts(r, rn, "Task: ")) {
            free(p->task);
            p->task = xstrndup(r + 6, rn - 6);
            free_names(p->cp_names, p->ncp);
            p->cp_names = NULL;
            p->ncp = 0;
            return;
        }
        double v;
        size_t k = 0, j = 0;
        int names = !metrics_scan_number(r, rn, &v);
        if (names) { /* "AP,AP50,...": a new table */
            free_names(p->cp_names, p->ncp);
            p->cp_names = NULL;
            p->ncp = 0;
        }
        while (j <= rn) {
            size_t e = j;
            while (e < rn && r[e] != ',') e++;
            if (names) {
                p->cp_names = xrealloc(p->cp_names, (p->ncp + 1) * sizeof *p->cp_names);
                p->cp_names[p->ncp++] = xstrndup(r + j, e - j);
            } else if (k < p->ncp && p->task && e > j &&
                       metrics_scan_number(r + j, e - j, &v) == e - j) {
                char *name = xasprintf("%s/%s", p->task, p->cp_names[k]);
                emit_name(p, b, name, p->epoch, v);
                free(name);
            }
            k++;
            j = e + 1;
        }
        return;
    }
    q = find(s, n, " iter: ");
    if (!q) return;
    size_t i = (size_t)(q - s) + 7;
    long long it;
    if (!count_at(s, n, &i, &it)) return;
    p->epoch = it;
    static const char *const skip[] = {"eta", "iter", NULL};
    pairs(p, s, n, b, p->epoch, skip);
}

/* ---- entry points ---- */

void trainer_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    while (n && blank(*s)) s++, n--; /* trailing blanks tell a cut token from a whole one */
    if (!n) return;
    switch (p->kind) {
    case P_ULTRALYTICS:
    case P_YOLOV5: yolo_line(p, s, n, b); break;
    case P_DARKNET: darknet_line(p, s, n, b); break;
    case P_MMDET: mmdet_line(p, s, n, b); break;
    case P_DETECTRON2: d2_line(p, s, n, b); break;
    default: break;
    }
}

void trainer_end(struct mparser *p, struct metric_batch *b)
{
    flush_pending(p, b);
}

void trainer_free(struct mparser *p)
{
    free_names(p->train, p->ntrain);
    free(p->train_hdr);
    free(p->val_hdr);
    sb_release(&p->pending);
    free(p->task);
    free_names(p->cp_names, p->ncp);
}
