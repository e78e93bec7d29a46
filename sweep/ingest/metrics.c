/* metrics.c - the generic parsers (keyvalue, jsonl, regex, csv) and what all
 * parsers share; the trainers' own formats are in trainers.c. */
#include "sweep/ingest/metrics_int.h"
#include "search/space.h"
#include "base/value.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/ingest/tail.h"
#include "base/util.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

struct compiled {
    char *name;             /* NULL: taken from the (?<name>) group */
    pcre2_code *re;
    pcre2_match_data *md;
    int g_value, g_step, g_name;
};

static long long *last_step(struct mparser *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->nsteps; i++)
        if (strlen(p->steps[i].name) == len && !memcmp(p->steps[i].name, name, len))
            return &p->steps[i].step;
    p->steps = xrealloc(p->steps, (p->nsteps + 1) * sizeof *p->steps);
    p->steps[p->nsteps] = (struct laststep){xstrndup(name, len), 0};
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
    if (p->results && covered(p->results, name, len)) return; /* the file's wins */
    long long *last = last_step(p, name, len);
    if (!has_step) step = *last < LLONG_MAX ? *last + 1 : *last;
    *last = step;
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->rows = xrealloc(b->rows, b->cap * sizeof *b->rows);
    }
    b->rows[b->n++] = (struct metric){xstrndup(name, len), step, value};
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

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '/';
}

static int value_end(char c)
{
    return c == '\0' || isspace((unsigned char)c) || strchr(",;)]}|%", c);
}

/* A step number written after a step key without '=' or ':': "Epoch[5]"
 * (MXNet), "epoch 3" or "epoch 3/50". Returns its length (0 if none). */
static size_t step_marker(const char *s, size_t n, long long *step)
{
    size_t j = 0;
    int bracket = 0;
    if (j < n && s[j] == '[') bracket = 1, j++;
    else {
        while (j < n && s[j] == ' ') j++;
        if (j == 0) return 0;
    }
    size_t d = j;
    while (j < n && isdigit((unsigned char)s[j])) j++;
    if (j == d || j - d > 15) return 0;
    char buf[16];
    memcpy(buf, s + d, j - d);
    buf[j - d] = '\0';
    if (bracket) {
        if (j >= n || s[j] != ']') return 0;
        j++;
    } else if (j < n && s[j] == '/') { /* "3/50" */
        size_t k = j + 1;
        while (k < n && isdigit((unsigned char)s[k])) k++;
        if (k == j + 1) return 0;
        j = k;
    }
    if (j < n && !isspace((unsigned char)s[j]) && !strchr(",;:", s[j])) return 0;
    *step = strtoll(buf, NULL, 10);
    return j;
}

struct kv {
    const char *name;
    size_t len;
    double value;
};

/* keyvalue: name=value and name: value pairs anywhere in the line; a step
 * key (step=100, Epoch[5], epoch 3/50) numbers the others. */
static void parse_keyvalue(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct kv pairs[64];
    size_t np = 0, i = 0;
    int has_step = 0;
    long long step = 0;
    while (i < n && np < ARRAY_LEN(pairs)) {
        if (!(isalpha((unsigned char)s[i]) || s[i] == '_') || (i > 0 && name_char(s[i - 1]))) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && name_char(s[i])) i++;
        size_t nlen = i;
        while (nlen > start && (s[nlen - 1] == '.' || s[nlen - 1] == '-')) nlen--; /* "x.:" */
        int is_step = metrics_is_step_key(s + start, nlen - start);
        size_t j = i;
        while (j < n && s[j] == ' ') j++;
        if (j >= n || (s[j] != '=' && s[j] != ':')) {
            long long st;
            size_t l = is_step && nlen == i ? step_marker(s + i, n - i, &st) : 0;
            if (l && !has_step) {
                has_step = 1;
                step = st;
                i += l;
            }
            continue;
        }
        j++;
        while (j < n && s[j] == ' ') j++;
        double v;
        size_t l = metrics_scan_number(s + j, n - j, &v);
        if (!l || !value_end(j + l < n ? s[j + l] : '\0')) continue;
        if (is_step && metrics_step(v, &step)) {
            has_step = 1;
        } else {
            pairs[np++] = (struct kv){s + start, nlen - start, v};
        }
        i = j + l;
    }
    for (size_t k = 0; k < np; k++)
        metrics_emit(p, b, pairs[k].name, pairs[k].len, has_step, step, pairs[k].value);
}

/* A JSON number, or a string that is one ("0.22": Katib's JSON lines). */
static int json_number(const struct value *v, double *out)
{
    if (value_is_num(v)) {
        *out = value_num(v);
        return 1;
    }
    if (v->kind != V_STR) return 0;
    size_t n = strlen(v->u.s);
    return n && metrics_scan_number(v->u.s, n, out) == n;
}

static void flatten_json(struct mparser *p, struct metric_batch *b, const struct value *obj,
                         const char *prefix, int has_step, long long step)
{
    for (size_t i = 0; i < obj->u.map.n; i++) {
        const struct mapent *e = &obj->u.map.e[i];
        if (!*prefix && metrics_is_step_key(e->key, strlen(e->key))) continue;
        char *name = *prefix ? xasprintf("%s/%s", prefix, e->key) : xstrdup(e->key);
        double x;
        if (json_number(e->val, &x)) metrics_emit(p, b, name, strlen(name), has_step, step, x);
        else if (e->val->kind == V_MAP) flatten_json(p, b, e->val, name, has_step, step);
        free(name);
    }
}

/* jsonl: one JSON object per line; numbers are metrics, nested objects are
 * flattened with '/'; other lines are skipped. */
void metrics_parse_jsonl(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    while (n && isspace((unsigned char)*s)) s++, n--;
    if (!n || *s != '{') return;
    struct value *v = json_parse(s, n, NULL);
    if (!v) return;
    if (v->kind == V_MAP) {
        static const char *const keys[] = {"step", "_step", "global_step", "iteration", "iter",
                                           "epoch", NULL};
        int has_step = 0;
        long long step = 0;
        for (const char *const *k = keys; *k && !has_step; k++) {
            const struct value *sv = value_map_get(v, *k);
            double x;
            if (sv && json_number(sv, &x) && metrics_step(x, &step)) has_step = 1;
        }
        flatten_json(p, b, v, "", has_step, step);
    }
    value_free(v);
}

static void parse_regex(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    for (size_t k = 0; k < p->npats; k++) {
        struct compiled *c = &p->pats[k];
        size_t off = 0;
        while (off <= n) {
            int rc = pcre2_match(c->re, (PCRE2_SPTR)s, n, off, 0, c->md, NULL);
            if (rc < 0) break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
            double v;
            size_t vs = ov[2 * c->g_value], ve = ov[2 * c->g_value + 1];
            if (vs != PCRE2_UNSET && ve > vs) {
                size_t l = metrics_scan_number(s + vs, ve - vs, &v);
                int has_step = 0;
                long long step = 0;
                if (c->g_step >= 0 && ov[2 * c->g_step] != PCRE2_UNSET) {
                    double sv;
                    size_t ss = ov[2 * c->g_step], se = ov[2 * c->g_step + 1];
                    if (se > ss && metrics_scan_number(s + ss, se - ss, &sv) == se - ss &&
                        metrics_step(round(sv), &step))
                        has_step = 1;
                }
                const char *name = c->name;
                size_t nlen = name ? strlen(name) : 0;
                if (!name && c->g_name >= 0 && ov[2 * c->g_name] != PCRE2_UNSET) {
                    name = s + ov[2 * c->g_name];
                    nlen = ov[2 * c->g_name + 1] - ov[2 * c->g_name];
                }
                if (l == ve - vs && name && nlen) metrics_emit(p, b, name, nlen, has_step, step, v);
            }
            if (ov[1] == ov[0]) { /* an empty match: move on by one */
                if (ov[1] >= n) break;
                off = ov[1] + 1;
            } else {
                off = ov[1];
            }
        }
    }
}

/* csv: one field at s[*i...] up to a comma or the end; quotes as RFC 4180.
 * The text (trimmed of spaces) goes to out. */
static void csv_field(const char *s, size_t n, size_t *i, struct sb *out)
{
    sb_reset(out);
    while (*i < n && s[*i] == ' ') (*i)++;
    if (*i < n && s[*i] == '"') {
        (*i)++;
        while (*i < n) {
            if (s[*i] == '"' && *i + 1 < n && s[*i + 1] == '"') sb_addc(out, '"'), *i += 2;
            else if (s[*i] == '"') {
                (*i)++;
                break;
            } else sb_addc(out, s[(*i)++]);
        }
        while (*i < n && s[*i] != ',') (*i)++;
    } else {
        size_t start = *i;
        while (*i < n && s[*i] != ',') (*i)++;
        size_t end = *i;
        while (end > start && s[end - 1] == ' ') end--;
        sb_addn(out, s + start, end - start);
    }
    if (*i < n) (*i)++; /* the comma */
}

/* csv: a header row names the columns (padded names are trimmed: Ultralytics
 * right-aligns them); each later row gives one value per numeric cell, at
 * the step of its epoch/step/iteration column, or the next one. */
void metrics_parse_csv(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    size_t i = 0;
    while (i < n && s[i] == ' ') i++;
    if (i == n) return;
    if (p->header && strlen(p->header) == n && !memcmp(p->header, s, n)) return; /* repeated */
    struct sb f;
    sb_init(&f);
    if (!p->cols) {
        p->header = xstrndup(s, n);
        p->step_col = -1;
        i = 0;
        do {
            csv_field(s, n, &i, &f);
            p->cols = xrealloc(p->cols, (p->ncols + 1) * sizeof *p->cols);
            p->cols[p->ncols] = xstrdup(sb_str(&f));
            if (p->step_col < 0 && metrics_is_step_key(sb_str(&f), f.len))
                p->step_col = (int)p->ncols;
            p->ncols++;
        } while (i < n);
        sb_release(&f);
        return;
    }
    double *v = xmalloc(p->ncols * sizeof *v);
    int *ok = xcalloc(p->ncols, sizeof *ok);
    i = 0;
    for (size_t c = 0; c < p->ncols && i < n; c++) {
        csv_field(s, n, &i, &f);
        size_t l = f.len ? metrics_scan_number(f.buf, f.len, &v[c]) : 0;
        ok[c] = l && l == f.len;
    }
    long long step = 0;
    int has_step = p->step_col >= 0 && ok[p->step_col] && metrics_step(v[p->step_col], &step);
    if (has_step && p->kind == P_ULTRALYTICS && p->csv_rows++ == 0 && step == 0)
        p->csv_shift = 1; /* the earliest 8.0.x files count epochs from 0 */
    step += p->csv_shift;
    for (size_t c = 0; c < p->ncols; c++)
        if (ok[c] && (int)c != p->step_col && *p->cols[c])
            metrics_emit(p, b, p->cols[c], strlen(p->cols[c]), has_step, step, v[c]);
    free(v);
    free(ok);
    sb_release(&f);
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
    if (p->kind == P_CSV) {
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
            metrics_parse_csv(p, line, (size_t)n, &none);
            metric_batch_release(&none);
        }
        free(line);
    } else if (p->kind >= P_DARKNET) {
        /* headers, the current epoch, a results.csv's columns: read what was
         * read before (its values are stored), keep only the state */
        struct metric_batch none;
        metric_batch_init(&none);
        struct tail_pos tp = {0};
        struct prime_ctx c = {p, &none};
        struct err e = {0};
        tail_read_upto(path, &tp, offset, prime_line, &c, &e);
        metric_batch_release(&none);
    }
}

int metrics_requires_rows(const struct mparser *p)
{
    return p->kind == P_DARKNET;
}

void metrics_end(struct mparser *p, struct metric_batch *b)
{
    if (p->kind >= P_DARKNET) trainer_end(p, b);
}

void metrics_follow(struct mparser *console, const struct mparser *results)
{
    console->results = results;
}

const char *const *metrics_results_files(const char *parser)
{
    static const char *const yolo[] = {"results.csv", NULL};
    static const char *const v5[] = {"results.csv", "results.txt", NULL};
    static const char *const mm[] = {"scalars.json", NULL};
    static const char *const d2[] = {"metrics.json", NULL};
    if (!strcmp(parser, "ultralytics")) return yolo;
    if (!strcmp(parser, "yolov5")) return v5;
    if (!strcmp(parser, "mmdet")) return mm;
    if (!strcmp(parser, "detectron2")) return d2;
    return NULL;
}

double metrics_mem_mib(const struct mparser *p, const char *name, double value)
{
    if (!isfinite(value) || value <= 0) return -1;
    if (!strcasecmp(name, "gpu_mem") || !strcasecmp(name, "gpu_memory")) return value * 1024;
    if ((p->kind == P_MMDET && !strcmp(name, "memory")) ||
        (p->kind == P_DETECTRON2 && !strcmp(name, "max_mem")))
        return value; /* MiB, as they print it */
    return -1;
}

void metrics_line(struct mparser *p, const char *line, size_t len, struct metric_batch *b)
{
    switch (p->kind) {
    case P_DARKNET:
    case P_ULTRALYTICS:
    case P_YOLOV5:
    case P_MMDET:
    case P_DETECTRON2: trainer_line(p, line, len, b); break;
    case P_CSV: metrics_parse_csv(p, line, len, b); break;
    case P_KEYVALUE: parse_keyvalue(p, line, len, b); break;
    case P_JSONL: metrics_parse_jsonl(p, line, len, b); break;
    case P_REGEX: parse_regex(p, line, len, b); break;
    }
}

struct mparser *metrics_new(const char *parser, const struct pattern *pats, size_t npats,
                            struct err *e)
{
    struct mparser *p = xcalloc(1, sizeof *p);
    if (!strcmp(parser, "keyvalue")) p->kind = P_KEYVALUE;
    else if (!strcmp(parser, "jsonl")) p->kind = P_JSONL;
    else if (!strcmp(parser, "regex")) p->kind = P_REGEX;
    else if (!strcmp(parser, "csv")) p->kind = P_CSV;
    else if (!strcmp(parser, "darknet")) p->kind = P_DARKNET;
    else if (!strcmp(parser, "ultralytics")) p->kind = P_ULTRALYTICS;
    else if (!strcmp(parser, "yolov5")) p->kind = P_YOLOV5;
    else if (!strcmp(parser, "mmdet")) p->kind = P_MMDET;
    else if (!strcmp(parser, "detectron2")) p->kind = P_DETECTRON2;
    else {
        free(p);
        err_usage(e, "unknown parser '%s' (%s)", parser, METRICS_PARSERS);
        return NULL;
    }
    p->epoch = -1;
    p->last_map = p->last_best = NAN;
    sb_init(&p->pending);
    if (p->kind == P_REGEX) {
        if (npats == 0) {
            free(p);
            err_usage(e, "parser regex needs at least one pattern");
            return NULL;
        }
        p->pats = xcalloc(npats, sizeof *p->pats);
        for (size_t i = 0; i < npats; i++) {
            int ecode;
            PCRE2_SIZE eoff;
            struct compiled *c = &p->pats[p->npats];
            c->re = pcre2_compile((PCRE2_SPTR)pats[i].regex, PCRE2_ZERO_TERMINATED, 0, &ecode,
                                  &eoff, NULL);
            if (!c->re) {
                PCRE2_UCHAR buf[256];
                pcre2_get_error_message(ecode, buf, sizeof buf);
                err_usage(e, "invalid regex '%s': %s (at offset %zu)", pats[i].regex,
                          (char *)buf, (size_t)eoff);
                metrics_free(p);
                return NULL;
            }
            p->npats++;
            pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE); /* optional speed-up */
            c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
            c->g_value = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "value");
            c->g_step = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "step");
            c->g_name = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "name");
            c->name = pats[i].name ? xstrdup(pats[i].name) : NULL;
            if (c->g_value < 0 || (!c->name && c->g_name < 0)) {
                err_usage(e, "regex '%s' needs a (?<value>...) group%s", pats[i].regex,
                          c->name ? "" : " and a name (or a (?<name>...) group)");
                metrics_free(p);
                return NULL;
            }
        }
    }
    return p;
}

void metrics_free(struct mparser *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->npats; i++) {
        pcre2_code_free(p->pats[i].re);
        pcre2_match_data_free(p->pats[i].md);
        free(p->pats[i].name);
    }
    free(p->pats);
    for (size_t i = 0; i < p->nsteps; i++) free(p->steps[i].name);
    free(p->steps);
    for (size_t i = 0; i < p->ncols; i++) free(p->cols[i]);
    free(p->cols);
    free(p->header);
    trainer_free(p);
    free(p);
}
