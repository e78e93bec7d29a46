/* lex.c - tokens and pairs of the trainers' consoles (lex.h). */
#include "sweep/ingest/lex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Blank-separated tokens of s up to the first ':' (where tqdm's bar starts
 * after a description). */
size_t lx_tokenize(const char *s, size_t n, struct tok *t, size_t max)
{
    size_t nt = 0, i = 0;
    while (nt < max) {
        while (i < n && lx_blank(s[i])) i++;
        if (i == n || s[i] == ':') break;
        size_t st = i;
        while (i < n && !lx_blank(s[i]) && s[i] != ':') i++;
        t[nt++] = (struct tok){.s = s + st, .n = i - st, .complete = i < n};
    }
    return nt;
}

int lx_tok_num(const struct tok *t, double *v)
{
    return t->n && metrics_scan_number(t->s, t->n, v) == t->n;
}

/* "E/N": E. */
int lx_tok_epoch(const struct tok *t, long long *e)
{
    size_t i = 0;
    while (i < t->n && isdigit((unsigned char)t->s[i])) i++;
    if (!i || i > 15 || i + 1 >= t->n || t->s[i] != '/') return 0;
    for (size_t j = i + 1; j < t->n; j++)
        if (!isdigit((unsigned char)t->s[j])) return 0;
    *e = strtoll(t->s, NULL, 10);
    return 1;
}

/* "6.73G", "0G", "1962M": in GB. */
int lx_tok_gb(const struct tok *t, double *gb)
{
    if (t->n < 2) return 0;
    char u = t->s[t->n - 1];
    if (u != 'G' && u != 'M') return 0;
    double v;
    if (metrics_scan_number(t->s, t->n - 1, &v) != t->n - 1) return 0;
    *gb = u == 'G' ? v : v / 1024;
    return 1;
}

void lx_emit_name(struct mparser *p, struct metric_batch *b, const char *name,
                      long long step, double v)
{
    metrics_emit(p, b, name, strlen(name), step >= 0, step, v);
}

void lx_free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}


int lx_skipped(const char *name, size_t len, const char *const *skip)
{
    if (len >= 10 && !memcmp(name + len - 10, "_copypaste", 10)) return 1;
    for (; skip && *skip; skip++)
        if (strlen(*skip) == len && !memcmp(*skip, name, len)) return 1;
    return 0;
}

/* Every "name: value" in s; a value may carry a size unit (3543M, 24.6Gb:
 * stored in MiB) and ends at a blank, ',' or the end. */
void lx_pairs(struct mparser *p, const char *s, size_t n, struct metric_batch *b,
                  long long step, const char *const *skip)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ':' || i == 0 || !lx_name_char(s[i - 1])) continue;
        size_t a = i;
        while (a > 0 && lx_name_char(s[a - 1])) a--;
        if (!(isalpha((unsigned char)s[a]) || s[a] == '_')) continue;
        size_t j = i + 1;
        while (j < n && lx_blank(s[j])) j++;
        double v;
        size_t l = metrics_scan_number(s + j, n - j, &v);
        if (!l) continue;
        j += l;
        if (j < n && (s[j] == 'K' || s[j] == 'M' || s[j] == 'G')) {
            char u = s[j++];
            if (j < n && s[j] == 'i') j++;
            if (j < n && (s[j] == 'B' || s[j] == 'b')) j++;
            v = u == 'G' ? v * 1024 : u == 'K' ? v / 1024 : v;
        }
        if (j < n && !lx_blank(s[j]) && s[j] != ',') continue;
        if (!lx_skipped(s + a, i - a, skip)) metrics_emit(p, b, s + a, i - a, step >= 0, step, v);
        i = j;
    }
}

/* "[a]" or "[a/b]" at s[*i] (blanks inside allowed: "[  50/1221]"). */
/* Digits at s[*j] (at most 9: products of two stay in range); moves past. */
int lx_count_at(const char *s, size_t n, size_t *j, long long *v)
{
    size_t d = *j;
    while (*j < n && isdigit((unsigned char)s[*j])) (*j)++;
    if (*j == d || *j - d > 9) return 0;
    *v = strtoll(s + d, NULL, 10);
    return 1;
}

int lx_bracket(const char *s, size_t n, size_t *i, long long *a, long long *bb)
{
    size_t j = *i;
    while (j < n && lx_blank(s[j])) j++;
    if (j >= n || s[j] != '[') return 0;
    j++;
    while (j < n && lx_blank(s[j])) j++;
    if (!lx_count_at(s, n, &j, a)) return 0;
    *bb = -1;
    if (j < n && s[j] == '/') {
        j++;
        if (!lx_count_at(s, n, &j, bb)) return 0;
    }
    if (j >= n || s[j] != ']') return 0;
    *i = j + 1;
    return 1;
}
