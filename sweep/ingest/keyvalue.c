/* keyvalue.c - the default parser: "name=value" and "name: value" pairs
 * on a line, a step from a step key or a "[k/N]" marker (docs/parsers.md). */
#include "sweep/ingest/parser.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
            pairs[np++] = (struct kv){.name = s + start, .len = nlen - start, .value = v};
        }
        i = j + l;
    }
    for (size_t k = 0; k < np; k++)
        metrics_emit(p, b, pairs[k].name, pairs[k].len, has_step, step, pairs[k].value);
}


const struct parser_def parser_keyvalue = {
    .name = "keyvalue",
    .line = parse_keyvalue,
};
