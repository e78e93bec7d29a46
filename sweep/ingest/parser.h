/* parser.h - the parser registry's contract: what a parser file defines
 * (one struct parser_def, listed in metrics.c's table) and the state every
 * parser reads and writes (struct mparser). A new trainer is one file with
 * its parser_def and one line in that table. Not for other modules: they
 * use metrics.h.
 *
 *   keyvalue.c jsonl.c regex.c csv.c   the generic formats
 *   yolo.c        Ultralytics and YOLOv5 (one console format, two generations)
 *   darknet.c     pjreddie's and AlexeyAB's darknet
 *   mmdet.c       MMDetection 2.x and MMEngine
 *   detectron2.c  detectron2
 *   lex.c         what the trainers' parsers share */
#ifndef SWEEP_PARSER_H
#define SWEEP_PARSER_H

#include "sweep/ingest/metrics.h"
#include "base/util.h"

#include <stddef.h>

struct compiled;
struct mparser;
struct pattern;
struct err;

struct parser_def {
    const char *name;                   /* metrics.parser */
    const char *const *results_files;   /* the trainer's own files beside its log, looked for
                                           under the trial directory; NULL: none */
    const char *const *mem_mib_names;   /* names whose values are GPU memory in MiB */
    int requires_rows;                  /* a trial whose log gave nothing failed, whatever
                                           its exit status */
    int rereads;                        /* a resumed reader re-reads the file up to its
                                           offset to learn headers and the epoch */
    int header_row;                     /* the file's first line names its columns (csv) */
    int trims;                          /* leading blanks are dropped before line() */
    size_t own_size;                    /* its own state per reader (struct mparser.own,
                                           zeroed before init) */
    /* Set up what it needs (regex: compile the patterns); 0 or -1 (e). */
    int (*init)(struct mparser *p, const struct pattern *pats, size_t npats, struct err *e);
    void (*line)(struct mparser *p, const char *s, size_t n, struct metric_batch *b);
    void (*end)(struct mparser *p, struct metric_batch *b);  /* NULL: nothing held back */
    void (*release)(struct mparser *p);                      /* NULL: nothing of its own */
};

extern const struct parser_def parser_keyvalue, parser_jsonl, parser_regex, parser_csv,
    parser_darknet, parser_ultralytics, parser_yolov5, parser_mmdet, parser_detectron2;

struct laststep {
    char *name;
    long long step;
};

/* What every parser reads and writes; a parser's own state is behind own
 * (its file's struct, def->own_size bytes), reached by no other file. */
struct mparser {
    const struct parser_def *def;
    void *own;
    struct laststep *steps; /* a handful of names per trial: a linear list is enough */
    size_t nsteps;
    char **cols;            /* csv: the header's column names, NULL before it */
    size_t ncols;
    int step_col;           /* csv: the column giving the step, -1 none */
    char *header;           /* csv: the header line as read (a repeat is skipped) */
    /* the trainers' parsers */
    int csv_shift;          /* ultralytics: the results file counts epochs from 0: +1 */
    int csv_rows;           /* data rows read */
    const struct mparser *results; /* console: the results file's parser, whose
                                      columns win over the console's values */
    long long epoch;        /* the step of the lines that carry none; -1 unknown */
    char *twice;            /* keyvalue: the first name one line gave twice, NULL none */
};

void metrics_emit(struct mparser *p, struct metric_batch *b, const char *name, size_t len,
                  int has_step, long long step, double value);
/* x as a step: an integer of at most 10^15 in magnitude (else 0). */
int metrics_step(double x, long long *step);
/* A number at s (at most n bytes); its length, 0 if none. */
size_t metrics_scan_number(const char *s, size_t n, double *out);
void metrics_parse_csv(struct mparser *p, const char *s, size_t n, struct metric_batch *b);
void metrics_parse_jsonl(struct mparser *p, const char *s, size_t n, struct metric_batch *b);

#endif
