/* keyvalue.c - the default parser: "name=value" and "name: value" pairs
 * on a line, a step from a step key or a "[k/N]" marker; on a line with
 * none of those, runs of whitespace-separated "name number" pairs
 * ("epoch 3/10 loss 0.72 acc 0.86") (docs/parsers.md). */
#include "sweep/ingest/parser.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* Words of prose that a number follows ("1 of 10", "in 3 s"): never a name. */
static int prose_word(const char *s, size_t n)
{
    static const char *const words[] = {"of", "in", "at", "to", "for", "from", "with", "by",
                                        "on", "and", "or", "is", "the", "a", "an", "after",
                                        "per", "than", "over", "into", NULL};
    for (const char *const *w = words; *w; w++)
        if (strlen(*w) == n && !strncasecmp(*w, s, n)) return 1;
    return 0;
}

/* The next whitespace-separated token of s from *i, separators (, ; |)
 * trimmed from its end; 0 at the end of the line. */
static int pair_sep(char c) /* between pairs: , ; | (a progress bar's many lines: no strchr) */
{
    return c == ',' || c == ';' || c == '|';
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static size_t token(const char *s, size_t n, size_t *i, const char **tok)
{
    while (*i < n && (blank(s[*i]) || pair_sep(s[*i]))) (*i)++;
    size_t start = *i;
    while (*i < n && !blank(s[*i])) (*i)++;
    size_t len = *i - start;
    while (len > 0 && pair_sep(s[start + len - 1])) len--;
    *tok = s + start;
    return len;
}

static int is_name(const char *t, size_t len)
{
    if (!len || !(isalpha((unsigned char)t[0]) || t[0] == '_')) return 0;
    for (size_t k = 0; k < len; k++)
        if (!name_char(t[k])) return 0;
    return !strchr(".-/", t[len - 1]) && !prose_word(t, len); /* the word list last */
}

/* A step written as a token of its own: "3" or "3/50". */
static int step_token(const char *t, size_t len, long long *step)
{
    size_t d = 0;
    while (d < len && isdigit((unsigned char)t[d])) d++;
    if (d == 0 || d > 15) return 0;
    if (d < len) {
        if (t[d] != '/' || d + 1 == len) return 0;
        for (size_t k = d + 1; k < len; k++)
            if (!isdigit((unsigned char)t[k])) return 0;
    }
    *step = strtoll(t, NULL, 10);
    return 1;
}

/* "name number" pairs: a run of at least two in a row (a step key with its
 * "3" or "3/50" counts) is read; a lone pair ("loaded 5000 images") is
 * prose and is not. */
static void parse_spaced(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct kv pairs[64], run[64];
    size_t np = 0, nrun = 0, runlen = 0, i = 0;
    int has_step = 0, run_step = 0;
    long long step = 0, st = 0;
    const char *t[2];
    size_t len[2] = {token(s, n, &i, &t[0]), 0};
    while (len[0]) {
        len[1] = token(s, n, &i, &t[1]);
        double v;
        int pair = 0;
        /* cheapest first: a number starts with a digit, a sign, a point, n or i */
        unsigned char c1 = len[1] ? (unsigned char)t[1][0] : 0;
        int numlike = c1 && (isdigit(c1) || strchr("+-.nNiI", c1));
        if (numlike && is_name(t[0], len[0])) {
            if (metrics_is_step_key(t[0], len[0]) && !run_step && step_token(t[1], len[1], &st))
                pair = run_step = 1;
            if (!pair && metrics_scan_number(t[1], len[1], &v) == len[1] && nrun < ARRAY_LEN(run)) {
                run[nrun++] = (struct kv){.name = t[0], .len = len[0], .value = v};
                pair = 1;
            }
        }
        if (pair) {
            runlen++;
            len[0] = token(s, n, &i, &t[0]);
            if (len[0]) continue;
        }
        if (runlen >= 2) { /* the run ends here: kept */
            for (size_t k = 0; k < nrun && np < ARRAY_LEN(pairs); k++) pairs[np++] = run[k];
            if (run_step && !has_step) has_step = 1, step = st;
        }
        nrun = runlen = 0;
        run_step = 0;
        if (pair) break; /* the line ended after a pair */
        t[0] = t[1]; /* the second token may start the next run */
        len[0] = len[1];
    }
    for (size_t k = 0; k < np; k++)
        metrics_emit(p, b, pairs[k].name, pairs[k].len, has_step, step, pairs[k].value);
}

/* keyvalue: name=value and name: value pairs anywhere in the line; a step
 * key (step=100, Epoch[5], epoch 3/50) numbers the others. */
static void parse_keyvalue(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct kv pairs[64];
    size_t np = 0, i = 0;
    int has_step = 0, spaced = 0; /* spaced: names with a number-like word after them */
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
            size_t k = i; /* what parse_spaced would take as the next token */
            while (k < n && (blank(s[k]) || pair_sep(s[k]))) k++;
            unsigned char c = k < n && k > i ? (unsigned char)s[k] : 0;
            if (c && (isdigit(c) || strchr("+-.nNiI", c))) spaced++;
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
            pairs[np++] = (struct kv){.name = s + start, .len = nlen - start, .value = v};
        }
        i = j + l;
    }
    if (np == 0) {
        /* a run of "name number" pairs needs two such names (a progress
         * bar's many lines have none: they are not tokenized again) */
        if (spaced >= 2) parse_spaced(p, s, n, b);
        return;
    }
    for (size_t k = 0; k < np; k++)
        metrics_emit(p, b, pairs[k].name, pairs[k].len, has_step, step, pairs[k].value);
}


const struct parser_def parser_keyvalue = {
    .name = "keyvalue",
    .line = parse_keyvalue,
};
