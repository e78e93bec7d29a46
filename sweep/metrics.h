/* metrics.h - turning a trial's log lines into (step, name, value) rows.
 *
 * Parsers: keyvalue, jsonl, regex, csv, darknet (docs/parsers.md). A parser object holds
 * one trial's state: the last step seen for every metric name, so that a
 * value printed without a step number gets the next one (1, 2, 3...). The
 * caller strips line terminators and ANSI escapes first (tail.c). */
#ifndef SWEEP_METRICS_H
#define SWEEP_METRICS_H

#include <stddef.h>

struct err;
struct pattern;

struct metric {
    char *name;         /* owned by the batch */
    long long step;
    double value;       /* NaN for nan/-nan; stored as NULL */
};

struct metric_batch {
    struct metric *rows;
    size_t n, cap;
};

void metric_batch_init(struct metric_batch *b);
void metric_batch_reset(struct metric_batch *b);   /* n = 0, frees the names */
void metric_batch_release(struct metric_batch *b);

struct mparser;

/* parser: "keyvalue", "jsonl", "regex" (then patterns are compiled), "csv"
 * or "darknet". */
struct mparser *metrics_new(const char *parser, const struct pattern *pats, size_t npats,
                            struct err *e);
void metrics_free(struct mparser *p);
/* Continues step counting after a restart: the last step stored for name. */
void metrics_set_last_step(struct mparser *p, const char *name, long long step);
/* A parser that starts reading path in the middle (a resumed trial) first
 * learns what the file's start tells (csv: the header row). */
void metrics_prime(struct mparser *p, const char *path);
/* 1 if a trial whose log gave this parser nothing failed, whatever its exit
 * status (darknet exits 0 after "Couldn't open file"). */
int metrics_requires_rows(const struct mparser *p);
/* Parses one line and appends what it finds to b. */
void metrics_line(struct mparser *p, const char *line, size_t len, struct metric_batch *b);

/* Names that give the step of the other values on their line (keyvalue and
 * jsonl): step, _step, global_step, iteration, iter, epoch. */
int metrics_is_step_key(const char *name, size_t len);

#endif
