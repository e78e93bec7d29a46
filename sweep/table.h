/* table.h - aligned text tables and CSV for command output. */
#ifndef SWEEP_TABLE_H
#define SWEEP_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table {
    char ***rows;    /* rows[r][c], owned, as given: what CSV writes */
    char ***vis;     /* what people read (numbers shortened), control characters as
                        \xNN: what a terminal gets */
    size_t nrows, ncols;
    int *right;      /* per column: right-align (numbers) */
    size_t maxw;     /* cells are cut to this many characters (default 40) */
    const char **sgr; /* per row: an SGR colour ("31" red) or NULL */
    int color;       /* use sgr when printing (a terminal, NO_COLOR unset) */
};

void table_init(struct table *t, size_t ncols);
void table_release(struct table *t);
void table_right(struct table *t, size_t col);
/* Adds a row of ncols cells (copied; NULL prints as empty). */
void table_add(struct table *t, const char *const *cells);
/* The same, printed in colour sgr (a static string such as "31") when
 * t->color is set. */
void table_add_sgr(struct table *t, const char *const *cells, const char *sgr);
/* A row whose cells read differently for people (shown: numbers cut to a
 * few digits) than for machines (cells: exact, what CSV writes); a NULL
 * shown cell shows the cell itself. */
void table_add_shown(struct table *t, const char *const *cells, const char *const *shown,
                     const char *sgr);
/* Two spaces between columns; cells longer than maxw (the last column: 2 maxw)
 * are cut with '~'. */
void table_print(const struct table *t, FILE *f);
void table_print_csv(const struct table *t, FILE *f);
/* One RFC 4180 field. */
void table_csv_field(FILE *f, const char *s);

#endif
