/* shapes-map.c - mAP@0.5 of darknet's `detector valid` output on the shapes
 * dataset (examples/darknet), so that the example's trials are ranked by
 * what a detector is for, not by their training loss. Debian's darknet
 * (pjreddie's) has no `detector map`; this computes what AlexeyAB's prints,
 * and prints it in the same words, which sweep's darknet parser reads:
 *
 *   shapes-map VALID.txt RESULTS_DIR NAMES
 *
 * VALID.txt lists the validation images (darknet finds each label file by
 * replacing "images" with "labels" and ".png" with ".txt": "class cx cy w
 * h", normalised); RESULTS_DIR holds `detector valid`'s comp4_det_test_NAME.txt
 * files ("image score xmin ymin xmax ymax", pixels, 1-based as VOC). For
 * each class: detections by score, each matched to the best unmatched
 * ground-truth box of its image at IoU >= 0.5 (else a false positive), and
 * AP the area under the precision envelope at every recall (VOC 2010+);
 * the mean over the classes that have ground truth. Exit 0, or 1 with why
 * on stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXIMG 4096
#define MAXCLASS 64
#define MAXBOX 64

struct box { double x1, y1, x2, y2; int cls, used; };
struct img { char id[64]; struct box gt[MAXBOX]; int ngt; };
struct det { int img; double score; struct box b; };

static struct img imgs[MAXIMG];
static int nimg;

static int png_size(const char *path, int *w, int *h)
{
    unsigned char b[24];
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n < 24 || memcmp(b + 12, "IHDR", 4)) return -1;
    *w = (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19];
    *h = (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23];
    return 0;
}

/* The image's id (its file name without .png) and ground truth in pixels. */
static int load_image(const char *path)
{
    struct img *im = &imgs[nimg];
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(im->id, sizeof im->id, "%.*s", (int)strcspn(base, "."), base);
    int w, h;
    if (png_size(path, &w, &h)) return fprintf(stderr, "shapes-map: %s: not a PNG\n", path), -1;
    char lab[4096];
    const char *at = strstr(path, "/images/");
    const char *dot = strrchr(path, '.');
    if (!at || !dot || (size_t)(dot - path) + 16 > sizeof lab)
        return fprintf(stderr, "shapes-map: %s: no images/ folder in its path\n", path), -1;
    snprintf(lab, sizeof lab, "%.*s/labels/%.*s.txt", (int)(at - path), path,
             (int)(dot - (at + 8)), at + 8);
    FILE *f = fopen(lab, "r");
    if (!f) return fprintf(stderr, "shapes-map: %s: %s\n", lab, strerror(errno)), -1;
    double cx, cy, bw, bh;
    int c;
    while (im->ngt < MAXBOX && fscanf(f, "%d %lf %lf %lf %lf", &c, &cx, &cy, &bw, &bh) == 5)
        im->gt[im->ngt++] = (struct box){(cx - bw / 2) * w + 1, (cy - bh / 2) * h + 1,
                                         (cx + bw / 2) * w + 1, (cy + bh / 2) * h + 1, c, 0};
    fclose(f);
    nimg++;
    return 0;
}

static double iou(const struct box *a, const struct box *b)
{
    double w = (a->x2 < b->x2 ? a->x2 : b->x2) - (a->x1 > b->x1 ? a->x1 : b->x1);
    double h = (a->y2 < b->y2 ? a->y2 : b->y2) - (a->y1 > b->y1 ? a->y1 : b->y1);
    if (w <= 0 || h <= 0) return 0;
    double in = w * h;
    return in / ((a->x2 - a->x1) * (a->y2 - a->y1) + (b->x2 - b->x1) * (b->y2 - b->y1) - in);
}

static int by_score(const void *a, const void *b)
{
    const struct det *p = a, *q = b;
    return p->score < q->score ? 1 : p->score > q->score ? -1 : 0;
}

/* AP of class c from its detections file; -1 when it has no ground truth. */
static double class_ap(int c, const char *file, int *tp_out, int *fp_out)
{
    int npos = 0;
    for (int i = 0; i < nimg; i++)
        for (int k = 0; k < imgs[i].ngt; k++) {
            imgs[i].gt[k].used = 0;
            npos += imgs[i].gt[k].cls == c;
        }
    size_t n = 0, cap = 256;
    struct det *d = malloc(cap * sizeof *d);
    FILE *f = fopen(file, "r");
    char id[64];
    double s, x1, y1, x2, y2;
    while (d && f && fscanf(f, "%63s %lf %lf %lf %lf %lf", id, &s, &x1, &y1, &x2, &y2) == 6) {
        int im = -1;
        for (int i = 0; i < nimg && im < 0; i++)
            if (!strcmp(imgs[i].id, id)) im = i;
        if (im < 0) continue;
        if (n == cap && !(d = realloc(d, (cap *= 2) * sizeof *d))) break;
        d[n++] = (struct det){im, s, {x1, y1, x2, y2, c, 0}};
    }
    if (f) fclose(f);
    if (!d) exit(1);
    qsort(d, n, sizeof *d, by_score);
    double *prec = calloc(n + 1, sizeof *prec), *rec = calloc(n + 1, sizeof *rec);
    int tp = 0, fp = 0;
    for (size_t i = 0; i < n; i++) {
        struct img *im = &imgs[d[i].img];
        double best = 0.5;
        int hit = -1;
        for (int k = 0; k < im->ngt; k++)
            if (im->gt[k].cls == c && !im->gt[k].used && iou(&d[i].b, &im->gt[k]) >= best)
                best = iou(&d[i].b, &im->gt[k]), hit = k;
        if (hit >= 0) im->gt[hit].used = 1, tp++;
        else fp++;
        prec[i] = (double)tp / (tp + fp);
        rec[i] = npos ? (double)tp / npos : 0;
    }
    double ap = 0, last_rec = 0;
    for (size_t i = 0; i < n; i++) { /* the envelope: the best precision at this recall or more */
        double p = prec[i];
        for (size_t j = i + 1; j < n; j++)
            if (prec[j] > p) p = prec[j];
        ap += (rec[i] - last_rec) * p;
        last_rec = rec[i];
    }
    free(prec);
    free(rec);
    free(d);
    *tp_out = tp;
    *fp_out = fp;
    return npos ? ap : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: shapes-map VALID.txt RESULTS_DIR NAMES\n");
        return 1;
    }
    char line[4096], names[MAXCLASS][128];
    int nc = 0;
    FILE *f = fopen(argv[1], "r");
    if (!f) return fprintf(stderr, "shapes-map: %s: %s\n", argv[1], strerror(errno)), 1;
    while (nimg < MAXIMG && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*line && load_image(line)) return fclose(f), 1;
    }
    fclose(f);
    if (!(f = fopen(argv[3], "r"))) return fprintf(stderr, "shapes-map: %s: %s\n", argv[3], strerror(errno)), 1;
    while (nc < MAXCLASS && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*line) snprintf(names[nc++], sizeof names[0], "%.127s", line);
    }
    fclose(f);
    double sum = 0;
    int counted = 0;
    for (int c = 0; c < nc; c++) {
        char file[4200];
        snprintf(file, sizeof file, "%.4000s/comp4_det_test_%.127s.txt", argv[2], names[c]);
        int tp, fp;
        double ap = class_ap(c, file, &tp, &fp);
        if (ap < 0) continue;
        printf("class_id = %d, name = %s, ap = %.2f%%   \t (TP = %d, FP = %d) \n", c, names[c],
               100 * ap, tp, fp);
        sum += ap;
        counted++;
    }
    double map = counted ? sum / counted : 0;
    printf(" mean average precision (mAP@0.50) = %f, or %.2f %% \n", map, 100 * map);
    return 0;
}
