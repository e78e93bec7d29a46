/* lex.h - what the trainers' parsers share to read their consoles:
 * blank-separated tokens (tqdm rows), "name: value" pairs with size units,
 * "[a/b]" counters. Not for other modules. */
#ifndef SWEEP_LEX_H
#define SWEEP_LEX_H

#include "sweep/ingest/parser.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#define MAXTOK 48

/* The small ones are here, inline: they run for every byte of a log. */
static inline int lx_blank(char c)
{
    return c == ' ' || c == '\t';
}

static inline int lx_starts(const char *s, size_t n, const char *prefix)
{
    size_t l = strlen(prefix);
    return n >= l && !memcmp(s, prefix, l);
}

static inline const char *lx_find(const char *s, size_t n, const char *what)
{
    return memmem(s, n, what, strlen(what));
}

static inline int lx_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '/';
}

struct tok {
    const char *s;
    size_t n;
    int complete; /* followed by a blank or ':': not cut by a narrow terminal */
};

static inline int lx_tok_is(const struct tok *t, const char *w)
{
    return t->n == strlen(w) && !memcmp(t->s, w, t->n);
}

/* Blank-separated tokens of s up to the first ':' (where tqdm's bar starts
 * after a description). */
size_t lx_tokenize(const char *s, size_t n, struct tok *t, size_t max);
int lx_tok_num(const struct tok *t, double *v);
/* "E/N": E. */
int lx_tok_epoch(const struct tok *t, long long *e);
/* "6.73G", "0G", "1962M": in GB. */
int lx_tok_gb(const struct tok *t, double *gb);
void lx_emit_name(struct mparser *p, struct metric_batch *b, const char *name,
                      long long step, double v);
void lx_free_names(char **v, size_t n);
int lx_skipped(const char *name, size_t len, const char *const *skip);
/* Every "name: value" in s; a value may carry a size unit (3543M, 24.6Gb:
 * stored in MiB) and ends at a blank, ',' or the end. */
void lx_pairs(struct mparser *p, const char *s, size_t n, struct metric_batch *b,
                  long long step, const char *const *skip);
/* Digits at s[*j] (at most 9: products of two stay in range); moves past. */
int lx_count_at(const char *s, size_t n, size_t *j, long long *v);
/* "[a]" or "[a/b]" at s[*i] (blanks inside allowed: "[  50/1221]"); moves past. */
int lx_bracket(const char *s, size_t n, size_t *i, long long *a, long long *bb);

#endif
