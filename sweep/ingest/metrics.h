/* metrics.h - turning a trial's log lines into (step, name, value) rows.
 *
 * Parsers (docs/parsers.md): the generic keyvalue, jsonl, regex and csv, and
 * the trainers' own formats: darknet, ultralytics, yolov5, mmdet, detectron2. A parser object holds
 * one trial's state: the last step seen for every metric name, so that a
 * value printed without a step number gets the next one (1, 2, 3...). The
 * caller strips line terminators and ANSI escapes first (tail.c). */
#ifndef SWEEP_METRICS_H
#define SWEEP_METRICS_H

#include "store/store.h" /* struct metric, struct metric_batch: the rows a parser gives */

#include <stddef.h>

struct err;
struct tail_pos;
struct pattern;

struct mparser;

#define METRICS_PARSERS "keyvalue, jsonl, regex, csv, darknet, ultralytics, yolov5, mmdet, detectron2"

/* parser: one of METRICS_PARSERS (regex: the patterns are compiled). */
struct mparser *metrics_new(const char *parser, const struct pattern *pats, size_t npats,
                            struct err *e);
void metrics_free(struct mparser *p);
/* The first name one line of the log gave twice ("Loss: 1.2, Val Loss: 0.7"
 * read as two Loss values by a parser that could not tell them apart), or
 * NULL: worth a warning, once per trial. Owned by p. */
const char *metrics_name_twice(const struct mparser *p);
/* Continues step counting after a restart: the last step stored for name. */
void metrics_set_last_step(struct mparser *p, const char *name, long long step);
/* A parser that starts reading path at offset (a resumed trial) first
 * learns what the file before it tells (csv: the header row; a trainer's
 * console: its headers and current epoch), without giving values. */
void metrics_prime(struct mparser *p, const char *path, long long offset);
/* 1 if a trial whose log gave this parser nothing failed, whatever its exit
 * status (darknet exits 0 after "Couldn't open file"). */
int metrics_requires_rows(const struct mparser *p);
/* Parses one line and appends what it finds to b. */
void metrics_line(struct mparser *p, const char *line, size_t len, struct metric_batch *b);
/* Reads path from pos (tail.h: the lines since the offset; final: the last
 * one too, though it has no newline) through the parser into b. Returns
 * tail_read's event (TAIL_OK, TAIL_MISSING...), or -1 with e filled. */
int metrics_read(struct mparser *p, const char *path, struct tail_pos *pos, int final,
                 struct metric_batch *b, struct err *e);
/* The file has ended (the trial has): what a parser held back (a train
 * row whose progress bar never reached its end) goes to b. */
void metrics_end(struct mparser *p, struct metric_batch *b);

/* The trainer's own results files of a parser (e.g. "results.csv"), looked
 * for under the trial's directory; NULL-terminated, NULL for the generic
 * parsers. */
const char *const *metrics_results_files(const char *parser);
/* From now on, the console parser leaves the names that the results file's
 * parser has (its header's columns, or names it gave) to it: the file is
 * authoritative. */
void metrics_follow(struct mparser *console, const struct mparser *results);
/* The parsers' names, NULL-terminated, in the registry's order. */
const char *const *metrics_parser_names(void);
/* A value of GPU memory, in GB, if the parser gives memory under this name
 * (gpu_mem, gpu_memory, gpu_mem_gb in GB for every parser; mmdet's memory
 * and detectron2's max_mem in MiB); -1 for other names. parser may be NULL
 * (the common names only). What the report plots as memory. */
double metrics_mem_gb(const char *parser, const char *name, double value);
/* A metric that tells GPU memory use, in MiB (gpu_mem in GB; mmdet's memory
 * and detectron2's max_mem in MiB); -1 for other names. */
double metrics_mem_mib(const struct mparser *p, const char *name, double value);

/* Names that give the step of the other values on their line (keyvalue and
 * jsonl): step, _step, global_step, iteration, iter, epoch. */
int metrics_is_step_key(const char *name, size_t len);

#endif
