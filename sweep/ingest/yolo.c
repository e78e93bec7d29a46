/* yolo.c - Ultralytics (YOLOv8, YOLO11) and YOLOv5: one console format
 * (tqdm train rows "E/N GPU_mem losses Instances Size", the validation row
 * "all ..."), in two generations, and their results files: results.csv
 * (header "epoch,...") and YOLOv5's headerless results.txt. The parser
 * tells the files apart by content. docs/parsers.md gives the names and
 * steps; the fixtures are in tests/fixtures (SOURCES.md). */
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

/* What the console parser of one trial keeps (struct mparser.own). */
struct yolo_own {
    int csv;                /* this file turned out to be a results.csv */
    char **train;           /* names of the train row's loss columns */
    size_t ntrain;
    char *train_hdr;        /* the train header as last read */
    char *val_hdr;          /* the validation header (tqdm's description) as last read */
    char letters[8];        /* its groups: Box(P... Mask(P... give B, M */
    int nletters;
    int classify;           /* its values are top-1 and top-5 accuracy */
    struct sb pending;      /* a train row whose bar has not reached its end */
    int final_val;          /* after "Validating .../best.pt": the best model's values */
    long long val_q[16];    /* epochs whose training ended and whose validation row has
                               not come yet, oldest first (stdout's rows can come after
                               stderr's next bars: docker logs) */
    int val_n;
};

#define Y(p) ((struct yolo_own *)(p)->own)


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
    if (nt < 2 || !t[0].complete || !lx_tok_epoch(&t[0], &e) || t[1].n < 2) return 0;
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
    if (p->def == &parser_ultralytics) return nloss == 3 ? u3[i] : nloss == 4 ? u4[i] : NULL;
    return nloss == 3 ? v3[i] : nloss == 4 ? v4[i] : NULL;
}

/* A train row: "E/N  GPU_mem  loss...  Instances  Size" (Ultralytics' E
 * counts from 1, YOLOv5's from 0: the step is E as printed). Only complete
 * tokens count: a narrow terminal cuts tqdm's line. */
static void train_row(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct tok t[MAXTOK];
    size_t nt = lx_tokenize(s, n, t, MAXTOK);
    long long e;
    if (!train_row_shape(t, nt) || !lx_tok_epoch(&t[0], &e)) return;
    if (e < p->epoch) Y(p)->val_n = 0; /* training again (a restart appending to the log) */
    p->epoch = e;
    Y(p)->final_val = 0;
    /* its validation row comes next, or after later rows (val_epoch) */
    if (!Y(p)->val_n || Y(p)->val_q[Y(p)->val_n - 1] != e) {
        if (Y(p)->val_n == (int)ARRAY_LEN(Y(p)->val_q)) { /* the oldest is lost */
            memmove(Y(p)->val_q, Y(p)->val_q + 1, sizeof Y(p)->val_q - sizeof Y(p)->val_q[0]);
            Y(p)->val_n--;
        }
        Y(p)->val_q[Y(p)->val_n++] = e;
    }
    double v;
    if (t[1].complete && lx_tok_gb(&t[1], &v)) lx_emit_name(p, b, "gpu_mem", e, v);
    size_t nloss = Y(p)->train ? Y(p)->ntrain : nt >= 4 ? nt - 4 : 0;
    for (size_t i = 0; i < nloss && 2 + i < nt; i++) {
        const struct tok *x = &t[2 + i];
        if (!x->complete || !lx_tok_num(x, &v)) break;
        char def[64];
        const char *name = Y(p)->train ? Y(p)->train[i] : NULL;
        if (!name) {
            const char *d = default_loss(p, nloss, i);
            if (!d) break;
            snprintf(def, sizeof def, "train/%s", d);
            name = def;
        }
        lx_emit_name(p, b, name, e, v);
    }
}

static void flush_pending(struct mparser *p, struct metric_batch *b)
{
    if (!Y(p)->pending.len) return;
    train_row(p, Y(p)->pending.buf, Y(p)->pending.len, b);
    sb_reset(&Y(p)->pending);
}

/* "Epoch GPU_mem box_loss cls_loss dfl_loss Instances Size", or YOLOv5's
 * older "Epoch gpu_mem box obj cls total targets img_size". */
static void train_header(struct mparser *p, const char *s, size_t n)
{
    if (Y(p)->train_hdr && strlen(Y(p)->train_hdr) == n && !memcmp(Y(p)->train_hdr, s, n)) return;
    free(Y(p)->train_hdr);
    Y(p)->train_hdr = xstrndup(s, n);
    lx_free_names(Y(p)->train, Y(p)->ntrain);
    Y(p)->train = NULL;
    Y(p)->ntrain = 0;
    struct tok t[MAXTOK];
    size_t nt = lx_tokenize(s, n, t, MAXTOK);
    for (size_t i = 2; i < nt; i++) {
        if (lx_tok_is(&t[i], "Instances") || lx_tok_is(&t[i], "targets") || lx_tok_is(&t[i], "labels") ||
            lx_tok_is(&t[i], "Labels") || lx_tok_is(&t[i], "Size") || lx_tok_is(&t[i], "img_size"))
            break;
        char *name;
        if (t[i].n >= 4 && !memcmp(t[i].s + t[i].n - 4, "loss", 4)) /* loss, box_loss */
            name = xasprintf("train/%.*s", (int)t[i].n, t[i].s);
        else {
            name = xasprintf("train/%.*s_loss", (int)t[i].n, t[i].s);
            for (char *c = name + 6; *c; c++) *c = (char)tolower((unsigned char)*c);
        }
        Y(p)->train = xrealloc(Y(p)->train, (Y(p)->ntrain + 1) * sizeof *Y(p)->train);
        Y(p)->train[Y(p)->ntrain++] = name;
    }
}

/* "Class Images Instances Box(P R mAP50 mAP50-95) Mask(P ...": which groups
 * follow (a narrow terminal may cut it: the row is read by position). */
static void val_header(struct mparser *p, const char *s, size_t n)
{
    const char *c = memchr(s, ':', n);
    size_t dn = c ? (size_t)(c - s) : n;
    if (Y(p)->val_hdr && strlen(Y(p)->val_hdr) == dn && !memcmp(Y(p)->val_hdr, s, dn)) return;
    free(Y(p)->val_hdr);
    Y(p)->val_hdr = xstrndup(s, dn);
    Y(p)->classify = lx_starts(s, n, "classes");
    Y(p)->nletters = 0;
    struct tok t[MAXTOK];
    size_t nt = lx_tokenize(s, dn, t, MAXTOK);
    for (size_t i = 3; i < nt && Y(p)->nletters < (int)sizeof Y(p)->letters; i++)
        if (t[i].n > 2 && memchr(t[i].s, '(', t[i].n))
            Y(p)->letters[Y(p)->nletters++] = (char)toupper((unsigned char)t[i].s[0]);
}

/* The epoch a validation row belongs to: the oldest epoch whose training
 * ended without one yet (stdout's rows may come after stderr's bars of the
 * next epoch), else the last one trained. */
static long long val_epoch(struct mparser *p)
{
    if (!Y(p)->val_n) return p->epoch;
    long long e = Y(p)->val_q[0];
    memmove(Y(p)->val_q, Y(p)->val_q + 1, (size_t)(Y(p)->val_n - 1) * sizeof Y(p)->val_q[0]);
    Y(p)->val_n--;
    return e;
}

/* "all  Images  Instances  P R mAP50 mAP50-95 [P R mAP50 mAP50-95]", at the
 * epoch of its train rows (val_epoch); after "Validating best.pt" as
 * best/NAME. */
static void val_row(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct tok t[MAXTOK];
    size_t nt = lx_tokenize(s, n, t, MAXTOK);
    double v[MAXTOK];
    for (size_t i = 1; i < nt; i++)
        if (!lx_tok_num(&t[i], &v[i])) return; /* a class named "all..."? not this row */
    if (!Y(p)->classify && nt < 7) return;
    const char *pre = Y(p)->final_val ? "best/" : "";
    long long step = Y(p)->final_val ? p->epoch : val_epoch(p);
    char name[96];
    if (Y(p)->classify) {
        static const char *const acc[] = {"metrics/accuracy_top1", "metrics/accuracy_top5"};
        for (size_t i = 1; i < nt && i <= 2; i++) {
            snprintf(name, sizeof name, "%s%s", pre, acc[i - 1]);
            lx_emit_name(p, b, name, step, v[i]);
        }
        return;
    }
    static const char *const u[] = {"precision", "recall", "mAP50", "mAP50-95"};
    static const char *const v5[] = {"precision", "recall", "mAP_0.5", "mAP_0.5:0.95"};
    size_t groups = (nt - 3) / 4;
    for (size_t g = 0; g < groups; g++) {
        char suffix[8] = "";
        if (p->def == &parser_ultralytics || Y(p)->nletters)
            snprintf(suffix, sizeof suffix, "(%c)",
                     (int)g < Y(p)->nletters ? Y(p)->letters[g] : g == 0 ? 'B' : 'M');
        for (size_t k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "%smetrics/%s%s", pre,
                     p->def == &parser_ultralytics ? u[k] : v5[k], suffix);
            lx_emit_name(p, b, name, step, v[3 + 4 * g + k]);
        }
    }
}

/* YOLOv5's old results.txt: the train row's text without its bar, then
 * P R mAP@.5 mAP@.5:.95 and the three validation losses (15 columns). */
static int txt_row(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct tok t[MAXTOK];
    if (memchr(s, ':', n)) return 0;
    size_t nt = lx_tokenize(s, n, t, MAXTOK);
    long long e;
    double gb, v[15];
    if (nt != 15 || !lx_tok_epoch(&t[0], &e) || !lx_tok_gb(&t[1], &gb)) return 0;
    for (size_t i = 2; i < 15; i++)
        if (!lx_tok_num(&t[i], &v[i])) return 0;
    static const char *const names[15] = {
        NULL, NULL, "train/box_loss", "train/obj_loss", "train/cls_loss", "train/total_loss",
        NULL, NULL, "metrics/precision", "metrics/recall", "metrics/mAP_0.5",
        "metrics/mAP_0.5:0.95", "val/box_loss", "val/obj_loss", "val/cls_loss"};
    p->epoch = e;
    lx_emit_name(p, b, "gpu_mem", e, gb);
    for (size_t i = 2; i < 15; i++)
        if (names[i]) lx_emit_name(p, b, names[i], e, v[i]);
    return 1;
}

/* The validation's speed per image, in ms: Ultralytics' "Speed: 0.2ms
 * preprocess, 1.5ms inference, 0.0ms loss, 1.2ms postprocess per image",
 * YOLOv5's "Speed: 0.1ms pre-process, 10.1ms inference, 0.9ms NMS per image
 * at shape (32, 3, 640, 640)": speed/preprocess_ms, speed/inference_ms,
 * speed/loss_ms, speed/postprocess_ms, speed/nms_ms at the epoch. */
static void speed_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    size_t i = 6; /* after "Speed:" */
    for (int k = 0; k < 8; k++) {
        while (i < n && s[i] == ' ') i++;
        char num[32];
        size_t j = 0;
        while (i < n && j + 1 < sizeof num && (isdigit((unsigned char)s[i]) || s[i] == '.'))
            num[j++] = s[i++];
        num[j] = '\0';
        if (!j || i + 2 > n || s[i] != 'm' || s[i + 1] != 's') return;
        i += 2;
        while (i < n && s[i] == ' ') i++;
        size_t w = i;
        while (i < n && (isalpha((unsigned char)s[i]) || s[i] == '-')) i++;
        char word[32] = "";
        size_t wn = 0;
        for (size_t q = w; q < i && wn + 1 < sizeof word; q++)
            if (s[q] != '-') word[wn++] = (char)tolower((unsigned char)s[q]);
        word[wn] = '\0';
        static const char *const known[] = {"preprocess", "inference", "loss", "postprocess",
                                            "nms"};
        for (size_t q = 0; q < sizeof known / sizeof known[0]; q++)
            if (!strcmp(word, known[q])) {
                char name[48];
                snprintf(name, sizeof name, "speed/%s_ms", known[q]);
                lx_emit_name(p, b, name, p->epoch, strtod(num, NULL));
            }
        if (i < n && s[i] == ',') i++;
        else return; /* " per image" */
    }
}

static int csv_header(const char *s, size_t n)
{
    if (!lx_starts(s, n, "epoch")) return 0;
    size_t i = 5;
    while (i < n && s[i] == ' ') i++;
    return i < n && s[i] == ',';
}

static void yolo_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    if (Y(p)->csv || csv_header(s, n)) {
        Y(p)->csv = 1;
        metrics_parse_csv(p, s, n, b);
        return;
    }
    if (isdigit((unsigned char)s[0])) {
        if (p->def == &parser_yolov5 && txt_row(p, s, n, b)) return;
        struct tok t[3];
        size_t nt = lx_tokenize(s, n, t, 3);
        if (train_row_shape(t, nt)) {
            /* tqdm rewrites the row many times an epoch: the row counts
             * once its bar is full, or when something else is printed */
            if (Y(p)->pending.len && (Y(p)->pending.len < t[0].n || Y(p)->pending.buf[t[0].n] != ' ' ||
                                   memcmp(Y(p)->pending.buf, t[0].s, t[0].n)))
                flush_pending(p, b); /* another epoch's row: the waiting one counts */
            sb_reset(&Y(p)->pending);
            if (bar_done(s, n)) train_row(p, s, n, b);
            else sb_addn(&Y(p)->pending, s, n);
            return;
        }
    }
    flush_pending(p, b);
    if (lx_starts(s, n, "Epoch ") && (lx_find(s, n, "GPU_mem") || lx_find(s, n, "gpu_mem"))) {
        train_header(p, s, n);
        Y(p)->final_val = 0;
    }
    else if ((lx_starts(s, n, "Class ") && lx_find(s, n, "Images")) || lx_starts(s, n, "classes "))
        val_header(p, s, n);
    else if (lx_starts(s, n, "all ") || lx_starts(s, n, "all\t"))
        val_row(p, s, n, b);
    else if (lx_starts(s, n, "Validating ") && lx_find(s, n, "best.pt"))
        Y(p)->final_val = 1;
    else if (lx_starts(s, n, "Speed: ") && lx_find(s, n, "ms inference"))
        speed_line(p, s, n, b);
}

/* ---- darknet ---- */


static int yolo_init(struct mparser *p, const struct pattern *pats, size_t npats, struct err *e)
{
    (void)pats, (void)npats, (void)e;
    sb_init(&Y(p)->pending);
    return 0;
}

static void yolo_release(struct mparser *p)
{
    for (size_t i = 0; i < Y(p)->ntrain; i++) free(Y(p)->train[i]);
    free(Y(p)->train);
    free(Y(p)->train_hdr);
    free(Y(p)->val_hdr);
    sb_release(&Y(p)->pending);
}

static const char *const ultralytics_files[] = {"results.csv", NULL};
static const char *const yolov5_files[] = {"results.csv", "results.txt", NULL};

const struct parser_def parser_ultralytics = {
    .own_size = sizeof(struct yolo_own),
    .init = yolo_init,
    .release = yolo_release,
    .name = "ultralytics",
    .results_files = ultralytics_files,
    .rereads = 1,
    .trims = 1,
    .line = yolo_line,
    .end = flush_pending,
};

const struct parser_def parser_yolov5 = {
    .own_size = sizeof(struct yolo_own),
    .init = yolo_init,
    .release = yolo_release,
    .name = "yolov5",
    .results_files = yolov5_files,
    .rereads = 1,
    .trims = 1,
    .line = yolo_line,
    .end = flush_pending,
};
