/* metrics.c - the parser registry (one line per parser in the table below;
 * each parser is a file of its own, parser.h) and what all parsers share:
 * step counting for values printed without a step, the results file's
 * authority over the console, numbers. */
#include "sweep/ingest/parser.h"
#include "search/space.h"
#include "sweep/ingest/tail.h"
#include "base/err.h"
#include "base/util.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The registry: one line per parser. */
static const struct parser_def *const parsers[] = {
    &parser_keyvalue, &parser_jsonl,       &parser_regex,  &parser_csv,   &parser_darknet,
    &parser_ultralytics, &parser_yolov5,   &parser_mmdet,  &parser_detectron2,
};

static const struct parser_def *lookup(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(parsers); i++)
        if (!strcmp(parsers[i]->name, name)) return parsers[i];
    return NULL;
}

const char *const *metrics_parser_names(void)
{
    static const char *names[ARRAY_LEN(parsers) + 1];
    for (size_t i = 0; i < ARRAY_LEN(parsers); i++) names[i] = parsers[i]->name;
    return names;
}

static long long *last_step(struct mparser *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->nsteps; i++)
        if (strlen(p->steps[i].name) == len && !memcmp(p->steps[i].name, name, len))
            return &p->steps[i].step;
    p->steps = xrealloc(p->steps, (p->nsteps + 1) * sizeof *p->steps);
    p->steps[p->nsteps] = (struct laststep){.name = xstrndup(name, len)};
    return &p->steps[p->nsteps++].step;
}

void metrics_set_last_step(struct mparser *p, const char *name, long long step)
{
    *last_step(p, name, strlen(name)) = step;
}

/* Whether a results file's parser has name: a column of its header, or a
 * name it has given (JSON lines). */
static int covered(const struct mparser *r, const char *name, size_t len)
{
    for (size_t i = 0; i < r->ncols; i++)
        if (strlen(r->cols[i]) == len && !memcmp(r->cols[i], name, len)) return 1;
    for (size_t i = 0; i < r->nsteps; i++)
        if (strlen(r->steps[i].name) == len && !memcmp(r->steps[i].name, name, len)) return 1;
    return 0;
}

/* has_step: the line gave a step; else the name's next one. */
void metrics_emit(struct mparser *p, struct metric_batch *b, const char *name, size_t len,
                  int has_step, long long step, double value)
{
    size_t fixed_len;
    char *fixed = util_utf8_fix(name, len, &fixed_len); /* names are text: valid UTF-8 */
    if (fixed) {
        metrics_emit(p, b, fixed, fixed_len, has_step, step, value);
        free(fixed);
        return;
    }
    if (p->results && covered(p->results, name, len)) return; /* the file's wins */
    long long *last = last_step(p, name, len);
    if (!has_step) step = *last < LLONG_MAX ? *last + 1 : *last;
    *last = step;
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->rows = xrealloc(b->rows, b->cap * sizeof *b->rows);
    }
    b->rows[b->n++] = (struct metric){.name = xstrndup(name, len), .step = step, .value = value};
}

int metrics_step(double x, long long *step)
{
    if (!isfinite(x) || x != floor(x) || fabs(x) > 1e15) return 0;
    *step = (long long)x;
    return 1;
}

int metrics_is_step_key(const char *name, size_t len)
{
    static const char *const keys[] = {"step", "_step", "global_step", "iteration", "iter",
                                       "epoch", NULL};
    for (const char *const *k = keys; *k; k++)
        if (strlen(*k) == len && !strncasecmp(*k, name, len)) return 1;
    return 0;
}

/* A number at s (at most n bytes): [+-] digits [. digits] [e [+-] digits],
 * or nan / -nan / inf. Returns its length, 0 if none. */
size_t metrics_scan_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    if (n - i >= 3 && (s[i] | 0x20) >= 'i' && /* n, N, i, I: else no strncasecmp */
        (!strncasecmp(s + i, "nan", 3) || !strncasecmp(s + i, "inf", 3))) {
        size_t l = i + 3;
        if (!strncasecmp(s + i, "inf", 3) && n - i >= 8 && !strncasecmp(s + i, "infinity", 8))
            l = i + 8;
        *out = tolower((unsigned char)s[i]) == 'n' ? NAN : (s[0] == '-' ? -INFINITY : INFINITY);
        return l;
    }
    size_t digits = 0;
    while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    }
    if (!digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '-' || s[j] == '+')) j++;
        if (j < n && isdigit((unsigned char)s[j])) {
            while (j < n && isdigit((unsigned char)s[j])) j++;
            i = j;
        }
    }
    char buf[64];
    if (i >= sizeof buf) return 0;
    memcpy(buf, s, i);
    buf[i] = '\0';
    *out = strtod(buf, NULL);
    return i;
}

struct prime_ctx {
    struct mparser *p;
    struct metric_batch *none;
};

static void prime_line(const char *line, size_t len, void *ctx)
{
    struct prime_ctx *c = ctx;
    metrics_line(c->p, line, len, c->none);
    metric_batch_reset(c->none);
}

void metrics_prime(struct mparser *p, const char *path, long long offset)
{
    if (offset <= 0) return;
    if (p->def->header_row) {
        if (p->cols) return;
        FILE *f = fopen(path, "r");
        if (!f) return;
        char *line = NULL;
        size_t cap = 0;
        ssize_t n = getline(&line, &cap, f);
        fclose(f);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        if (n > 0) {
            struct metric_batch none;
            metric_batch_init(&none);
            p->def->line(p, line, (size_t)n, &none);
            metric_batch_release(&none);
        }
        free(line);
    } else if (p->def->rereads) {
        /* headers, the current epoch, a results.csv's columns: read what was
         * read before (its values are stored), keep only the state */
        struct metric_batch none;
        metric_batch_init(&none);
        struct tail_pos tp = {0};
        struct prime_ctx c = {.p = p, .none = &none};
        tail_read_upto(path, &tp, offset, prime_line, &c, NULL);
        metric_batch_release(&none);
    }
}

int metrics_requires_rows(const struct mparser *p)
{
    return p->def->requires_rows;
}

void metrics_end(struct mparser *p, struct metric_batch *b)
{
    if (p->def->end) p->def->end(p, b);
}

void metrics_follow(struct mparser *console, const struct mparser *results)
{
    console->results = results;
}

const char *const *metrics_results_files(const char *parser)
{
    const struct parser_def *d = lookup(parser);
    return d ? d->results_files : NULL;
}

double metrics_mem_gb(const char *parser, const char *name, double value)
{
    if (!isfinite(value) || value <= 0) return -1;
    if (!strcasecmp(name, "gpu_mem") || !strcasecmp(name, "gpu_memory") ||
        !strcasecmp(name, "gpu_mem_gb"))
        return value;
    const struct parser_def *d = parser ? lookup(parser) : NULL;
    for (const char *const *m = d ? d->mem_mib_names : NULL; m && *m; m++)
        if (!strcmp(name, *m)) return value / 1024;
    return -1;
}

double metrics_mem_mib(const struct mparser *p, const char *name, double value)
{
    if (!isfinite(value) || value <= 0) return -1;
    if (!strcasecmp(name, "gpu_mem") || !strcasecmp(name, "gpu_memory")) return value * 1024;
    for (const char *const *m = p->def->mem_mib_names; m && *m; m++)
        if (!strcmp(name, *m)) return value; /* MiB, as they print it */
    return -1;
}

void metrics_line(struct mparser *p, const char *line, size_t len, struct metric_batch *b)
{
    if (p->def->trims) { /* trailing blanks tell a cut token from a whole one: kept */
        while (len && (*line == ' ' || *line == '\t')) line++, len--;
        if (!len) return;
    }
    p->def->line(p, line, len, b);
}

struct mparser *metrics_new(const char *parser, const struct pattern *pats, size_t npats,
                            struct err *e)
{
    const struct parser_def *d = lookup(parser);
    if (!d) {
        err_usage(e, "unknown parser '%s' (%s)", parser, METRICS_PARSERS);
        return NULL;
    }
    struct mparser *p = xcalloc(1, sizeof *p);
    p->def = d;
    p->epoch = -1;
    if (d->own_size) p->own = xcalloc(1, d->own_size);
    if (d->init && d->init(p, pats, npats, e)) {
        metrics_free(p);
        return NULL;
    }
    return p;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void metrics_free(struct mparser *p)
{
    if (!p) return;
    if (p->def->release) p->def->release(p);
    for (size_t i = 0; i < p->nsteps; i++) free(p->steps[i].name);
    free(p->steps);
    free_strv(p->cols, p->ncols);
    free(p->header);
    free(p->twice);
    free(p->own);
    free(p);
}

const char *metrics_name_twice(const struct mparser *p)
{
    return p ? p->twice : NULL;
}

struct read_ctx {
    struct mparser *p;
    struct metric_batch *b;
};

static void read_line(const char *line, size_t len, void *ctx)
{
    struct read_ctx *c = ctx;
    metrics_line(c->p, line, len, c->b);
}

int metrics_read(struct mparser *p, const char *path, struct tail_pos *pos, int final,
                 struct metric_batch *b, struct err *e)
{
    struct read_ctx c = {.p = p, .b = b};
    return tail_read(path, pos, final, read_line, &c, e);
}
