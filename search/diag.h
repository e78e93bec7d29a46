/* diag.h - the errors and warnings found in one config file.
 *
 * Every message is "FILE:LINE:COL: message" (or "FILE: message" when no
 * position applies). A file is checked completely before anything runs, so
 * all of its errors are collected, then printed together. */
#ifndef SWEEP_DIAG_H
#define SWEEP_DIAG_H

#include <stddef.h>

struct diag {
    char *file;      /* owned: the name used in messages */
    char **msgs;     /* owned: formatted messages in the order found */
    int *is_error;
    int *line, *col;  /* for sorting; 0 when the message has no position */
    size_t n;
    size_t nerrors;
};

void diag_init(struct diag *d, const char *file);
void diag_release(struct diag *d);
void diag_error(struct diag *d, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_warn(struct diag *d, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 1 if an error was already reported at line:col. */
int diag_error_at(const struct diag *d, int line, int col);
/* Moves the messages of another file (a template) into d, after d's own. */
void diag_append(struct diag *d, const struct diag *other);
/* The messages' indices in file order (by line, then column; those
 * without a position first, as found): a new array of d->n. */
size_t *diag_order(const struct diag *d);
/* Writes every message, one per line, to stderr, in file order. */
void diag_print(const struct diag *d);

#endif
