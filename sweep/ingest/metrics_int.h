/* metrics_int.h - what the two halves of the metrics module share: the
 * generic parsers (metrics.c) and the trainers' own formats (trainers.c).
 * Not for other modules: they use metrics.h. */
#ifndef SWEEP_METRICS_INT_H
#define SWEEP_METRICS_INT_H

#include "sweep/ingest/metrics.h"
#include "base/util.h"

#include <stddef.h>

enum kind { P_KEYVALUE, P_JSONL, P_REGEX, P_CSV, P_DARKNET, P_ULTRALYTICS, P_YOLOV5, P_MMDET,
            P_DETECTRON2 };

struct compiled;

struct laststep {
    char *name;
    long long step;
};

struct mparser {
    enum kind kind;
    struct compiled *pats;
    size_t npats;
    struct laststep *steps; /* a handful of names per trial: a linear list is enough */
    size_t nsteps;
    char **cols;            /* csv: the header's column names, NULL before it */
    size_t ncols;
    int step_col;           /* csv: the column giving the step, -1 none */
    char *header;           /* csv: the header line as read (a repeat is skipped) */
    /* the trainers' parsers (trainers.c) */
    int csv;                /* this file turned out to be a results.csv */
    int csv_shift;          /* ultralytics: the file counts epochs from 0: +1 */
    int csv_rows;           /* data rows read */
    const struct mparser *results; /* console: the results file's parser, whose
                                      columns win over the console's values */
    long long epoch;        /* the step of the lines that carry none; -1 unknown */
    char **train;           /* console: names of the train row's loss columns */
    size_t ntrain;
    char *train_hdr;        /* the train header as last read */
    char *val_hdr;          /* the validation header (tqdm's description) as last read */
    char letters[8];        /* its groups: Box(P... Mask(P... give B, M */
    int nletters;
    int classify;           /* its values are top-1 and top-5 accuracy */
    struct sb pending;      /* a train row whose bar has not reached its end */
    int final_val;          /* after "Validating .../best.pt": the best model's values */
    char *task;             /* detectron2 copypaste: "bbox" */
    char **cp_names;        /* detectron2 copypaste: the names line */
    size_t ncp;
    double last_map;        /* darknet: the last mAP emitted (AlexeyAB repeats it) */
    double last_best;
};

void metrics_emit(struct mparser *p, struct metric_batch *b, const char *name, size_t len,
                  int has_step, long long step, double value);
/* x as a step: an integer of at most 10^15 in magnitude (else 0). */
int metrics_step(double x, long long *step);
/* A number at s (at most n bytes); its length, 0 if none. */
size_t metrics_scan_number(const char *s, size_t n, double *out);
void metrics_parse_csv(struct mparser *p, const char *s, size_t n, struct metric_batch *b);
void metrics_parse_jsonl(struct mparser *p, const char *s, size_t n, struct metric_batch *b);

/* trainers.c */
void trainer_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b);
void trainer_end(struct mparser *p, struct metric_batch *b);
void trainer_free(struct mparser *p);

#endif
