/* keyvalue.c - the default parser: "name=value" and "name: value" pairs
 * on a line, a step from a step key or a "[k/N]" marker; on a line with
 * none of those, runs of whitespace-separated "name number" pairs
 * ("epoch 3/10 loss 0.72 acc 0.86") (docs/parsers.md). */
#include "sweep/ingest/parser.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <limits.h>
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
 * (MXNet), "epoch 3", "epoch 3/50", "Epoch [1/2]" (PyTorch examples).
 * Returns its length (0 if none). */
static size_t step_marker(const char *s, size_t n, long long *step)
{
    size_t j = 0;
    while (j < n && s[j] == ' ') j++;
    int bracket = j < n && s[j] == '[';
    if (bracket) j++;
    else if (j == 0) return 0;
    size_t d = j;
    while (j < n && isdigit((unsigned char)s[j])) j++;
    if (j == d || j - d > 15) return 0;
    char buf[16];
    memcpy(buf, s + d, j - d);
    buf[j - d] = '\0';
    if (j < n && s[j] == '/') { /* "3/50" */
        size_t k = j + 1;
        while (k < n && isdigit((unsigned char)s[k])) k++;
        if (k == j + 1) return 0;
        j = k;
    }
    if (bracket) {
        if (j >= n || s[j] != ']') return 0;
        j++;
    }
    if (j < n && !isspace((unsigned char)s[j]) && !strchr(",;:", s[j])) return 0;
    *step = strtoll(buf, NULL, 10);
    return j;
}

static int pair_sep(char c) /* between pairs: , ; | (a progress bar's many lines: no strchr) */
{
    return c == ',' || c == ';' || c == '|';
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

struct kv {
    const char *name;
    size_t len;
    double value;
    char own[96];            /* a name made here ("train Acc"); name points to it */
};

/* Words that qualify the name after them ("Val Loss", "train Acc", "Best
 * val Acc"): the name keeps them. The phases also qualify the names of a
 * line that starts with one ("val Loss: 0.2 Acc: 0.9": val Acc). */
static int word_in(const char *w, size_t n, const char *const *list)
{
    for (const char *const *x = list; *x; x++)
        if (strlen(*x) == n && !strncasecmp(*x, w, n)) return 1;
    return 0;
}
static const char *const PHASES[] = {"train",      "training", "val",  "valid",
                                     "validation", "test",     "eval", "evaluation", NULL};
static const char *const SUMMARIES[] = {"best", "final", NULL};

/* The start of the qualifier words written just before s[start] (one blank
 * between each; at most two), or start. */
static size_t qualified_from(const char *s, size_t start)
{
    size_t from = start;
    for (int words = 0; words < 2 && from >= 2 && s[from - 1] == ' '; words++) {
        size_t e = from - 1, b = e;
        while (b > 0 && isalpha((unsigned char)s[b - 1])) b--;
        if (b == e || (b > 0 && !blank(s[b - 1]) && !pair_sep(s[b - 1]) && s[b - 1] != '(' &&
                       s[b - 1] != '['))
            break;
        if (!word_in(s + b, e - b, PHASES) && !word_in(s + b, e - b, SUMMARIES)) break;
        from = b;
    }
    return from;
}

/* The phase word a line starts with ("train Loss: ..."), or 0. */
static size_t line_phase(const char *s, size_t n, const char **w)
{
    size_t i = 0;
    while (i < n && blank(s[i])) i++;
    size_t b = i;
    while (i < n && isalpha((unsigned char)s[i])) i++;
    *w = s + b;
    return i < n && s[i] == ' ' && word_in(s + b, i - b, PHASES) ? i - b : 0;
}

/* The name of a pair as a person means it: its phase (the line's, when it
 * has none of its own) before it. */
static void qualify(struct kv *kv, const char *phase, size_t plen)
{
    size_t first = 0;
    while (first < kv->len && kv->name[first] != ' ') first++;
    int has = first < kv->len && (word_in(kv->name, first, PHASES) ||
                                  word_in(kv->name, first, SUMMARIES));
    if (!plen || has || plen + 1 + kv->len >= sizeof kv->own) return;
    snprintf(kv->own, sizeof kv->own, "%.*s %.*s", (int)plen, phase, (int)kv->len, kv->name);
    kv->name = kv->own;
    kv->len = plen + 1 + kv->len;
}

/* A closing summary ("final val_acc", "Best val Acc") belongs to the last
 * step the log reached, not to a step after it. */
static int summary_name(const struct kv *kv)
{
    size_t first = 0;
    while (first < kv->len && kv->name[first] != ' ' && kv->name[first] != '_') first++;
    return first < kv->len && word_in(kv->name, first, SUMMARIES);
}

static long long last_step_seen(const struct mparser *p)
{
    long long m = p->epoch;
    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].step > m && p->steps[i].step < LLONG_MAX) m = p->steps[i].step;
    return m;
}

/* Emits the line's pairs: each at the line's step, else at the step a step
 * line before set, else its own next step; a summary at the last step. A
 * name given twice on one line is remembered (metrics_name_twice). */
static void emit_pairs(struct mparser *p, struct metric_batch *b, struct kv *pairs, size_t np,
                       int has_step, long long step)
{
    for (size_t k = 0; k < np; k++) {
        for (size_t m = 0; m < k && !p->twice; m++)
            if (pairs[m].len == pairs[k].len && !memcmp(pairs[m].name, pairs[k].name, pairs[k].len))
                p->twice = xstrndup(pairs[k].name, pairs[k].len);
        int hs = has_step;
        long long st = step;
        long long last = !hs && summary_name(&pairs[k]) ? last_step_seen(p) : -1;
        if (last >= 0)
            hs = 1, st = last;
        else if (!hs && p->epoch >= 0)
            hs = 1, st = p->epoch;
        metrics_emit(p, b, pairs[k].name, pairs[k].len, hs, st, pairs[k].value);
    }
}

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
    emit_pairs(p, b, pairs, np, has_step, step);
}

/* "final val_acc 0.91", "best val Acc 0.93": a closing summary without
 * ':' or '=' (one "name number" pair after summary or phase words): read
 * as that name with its words, at the last step. 1 if the line was one. */
static int spaced_summary(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    size_t i = 0, len[5], nt = 0;
    while (i < n && blank(s[i])) i++; /* cheap first: most lines (progress bars) stop here */
    if (i == n || !strchr("bBfF", s[i])) return 0;
    i = 0;
    const char *t[5];
    while (nt < 5 && (len[nt] = token(s, n, &i, &t[nt]))) nt++;
    const char *more;
    if (nt < 3 || nt > 4 || token(s, n, &i, &more) || !word_in(t[0], len[0], SUMMARIES)) return 0;
    if (nt == 4 && !word_in(t[1], len[1], PHASES)) return 0;
    double v;
    const char *name = t[nt - 2], *num = t[nt - 1];
    if (!is_name(name, len[nt - 2]) || metrics_scan_number(num, len[nt - 1], &v) != len[nt - 1])
        return 0;
    struct kv kv = {.value = v};
    snprintf(kv.own, sizeof kv.own, "%.*s %.*s%s%.*s", (int)len[0], t[0],
             nt == 4 ? (int)len[1] : 0, nt == 4 ? t[1] : "", nt == 4 ? " " : "",
             (int)len[nt - 2], name);
    kv.name = kv.own;
    kv.len = strlen(kv.own);
    emit_pairs(p, b, &kv, 1, 0, 0);
    return 1;
}

/* A printed Python dict, as Hugging Face's Trainer logs: {'loss': 0.69,
 * 'learning_rate': 4.5e-05, 'epoch': 0.5}. Each 'name': number (quotes
 * ' or "); 'epoch', 'step' and the other step keys give the step, a
 * fractional epoch the epoch it is in (0.5 and 1.0: 1). */
static void parse_dict(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct kv pairs[64];
    size_t np = 0;
    int has_step = 0;
    long long step = 0;
    for (size_t i = 0; i < n && np < ARRAY_LEN(pairs); i++) {
        char q = s[i];
        if ((q != '\'' && q != '"') || i + 1 >= n ||
            !(isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_'))
            continue;
        size_t start = i + 1, j = start;
        while (j < n && name_char(s[j])) j++;
        if (j >= n || s[j] != q) continue;
        size_t nlen = j - start, k = j + 1;
        while (k < n && s[k] == ' ') k++;
        if (k >= n || s[k] != ':') continue;
        k++;
        while (k < n && s[k] == ' ') k++;
        double v;
        size_t l = metrics_scan_number(s + k, n - k, &v);
        i = j;
        if (!l || !value_end(k + l < n ? s[k + l] : '\0')) continue;
        i = k + l - 1;
        if (metrics_is_step_key(s + start, nlen)) {
            if (metrics_step(v, &step)) has_step = 1;
            else if (nlen == 5 && isfinite(v) && v > 0 && v < 1e15) has_step = 1, step = (long long)ceil(v);
            continue;
        }
        pairs[np++] = (struct kv){.name = s + start, .len = nlen, .value = v};
    }
    emit_pairs(p, b, pairs, np, has_step, step);
}

/* keyvalue: name=value and name: value pairs anywhere in the line; a step
 * key (step=100, Epoch[5], epoch 3/50) numbers the others; a line that is
 * only a step ("Epoch 2/25") numbers the lines after it. */
static void parse_keyvalue(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct kv pairs[64];
    size_t np = 0, i = 0;
    int has_step = 0, spaced = 0; /* spaced: names with a number-like word after them */
    long long step = 0;
    while (i < n && blank(s[i])) i++;
    if (i < n && s[i] == '{') { /* {'eval_loss': 0.41, ...}: its own pass, off the hot loop */
        parse_dict(p, s, n, b);
        return;
    }
    i = 0;
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
            unsigned char nc = k < n && k > i ? (unsigned char)s[k] : 0;
            if (nc && (isdigit(nc) || strchr("+-.nNiI", nc))) spaced++;
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
            size_t from = qualified_from(s, start);
            pairs[np++] = (struct kv){.name = s + from, .len = nlen - from, .value = v};
        }
        i = j + l;
    }
    if (np == 0) {
        /* a run of "name number" pairs needs two such names (a progress
         * bar's many lines have none: they are not tokenized again) */
        if (spaced >= 2) parse_spaced(p, s, n, b);
        else if (has_step) p->epoch = step; /* "Epoch 2/25" alone on its line */
        else if (spaced == 1) spaced_summary(p, s, n, b);
        return;
    }
    const char *phase;
    size_t plen = line_phase(s, n, &phase);
    for (size_t k = 0; k < np; k++) qualify(&pairs[k], phase, plen);
    emit_pairs(p, b, pairs, np, has_step, step);
}

const struct parser_def parser_keyvalue = {
    .name = "keyvalue",
    .line = parse_keyvalue,
};
