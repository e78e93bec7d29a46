/* diag.c - collecting FILE:LINE:COL messages. */
#include "search/diag.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void diag_init(struct diag *d, const char *file)
{
    d->file = xstrdup(file);
    d->msgs = NULL;
    d->is_error = NULL;
    d->line = d->col = NULL;
    d->n = d->nerrors = 0;
}

void diag_release(struct diag *d)
{
    for (size_t i = 0; i < d->n; i++) free(d->msgs[i]);
    free(d->msgs);
    free(d->is_error);
    free(d->line);
    free(d->col);
    free(d->file);
    d->file = NULL;
    d->line = d->col = NULL;
    d->msgs = NULL;
    d->is_error = NULL;
    d->n = d->nerrors = 0;
}

static void add(struct diag *d, int err, int line, int col, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    struct sb b;
    sb_init(&b);
    sb_add(&b, d->file);
    if (line > 0) sb_addf(&b, ":%d:%d", line, col > 0 ? col : 1);
    sb_addf(&b, ": %s%s", err ? "" : "warning: ", msg);
    d->msgs = xrealloc(d->msgs, (d->n + 1) * sizeof *d->msgs);
    d->is_error = xrealloc(d->is_error, (d->n + 1) * sizeof *d->is_error);
    d->line = xrealloc(d->line, (d->n + 1) * sizeof *d->line);
    d->col = xrealloc(d->col, (d->n + 1) * sizeof *d->col);
    d->line[d->n] = line > 0 ? line : 0;
    d->col[d->n] = col > 0 ? col : 1;
    d->msgs[d->n] = sb_detach(&b);
    d->is_error[d->n] = err;
    d->n++;
    if (err) d->nerrors++;
}

void diag_error(struct diag *d, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, 1, line, col, fmt, ap);
    va_end(ap);
}

void diag_warn(struct diag *d, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, 0, line, col, fmt, ap);
    va_end(ap);
}

size_t *diag_order(const struct diag *d)
{
    /* a stable insertion sort by position; messages without one keep their place first */
    size_t *ord = xcalloc(d->n ? d->n : 1, sizeof *ord);
    for (size_t i = 0; i < d->n; i++) {
        size_t j = i;
        while (j > 0 && (d->line[ord[j - 1]] > d->line[i] ||
                         (d->line[ord[j - 1]] == d->line[i] && d->col[ord[j - 1]] > d->col[i]))) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = i;
    }
    return ord;
}

void diag_print(const struct diag *d)
{
    size_t *ord = diag_order(d);
    for (size_t i = 0; i < d->n; i++) { /* one line each, whatever the file held */
        struct sb b;
        sb_init(&b);
        sb_add_visible(&b, d->msgs[ord[i]]);
        fprintf(stderr, "%s\n", sb_str(&b));
        sb_release(&b);
    }
    free(ord);
}

void diag_append(struct diag *d, const struct diag *o)
{
    for (size_t i = 0; i < o->n; i++) {
        d->msgs = xrealloc(d->msgs, (d->n + 1) * sizeof *d->msgs);
        d->is_error = xrealloc(d->is_error, (d->n + 1) * sizeof *d->is_error);
        d->line = xrealloc(d->line, (d->n + 1) * sizeof *d->line);
        d->col = xrealloc(d->col, (d->n + 1) * sizeof *d->col);
        d->msgs[d->n] = xstrdup(o->msgs[i]);
        d->is_error[d->n] = o->is_error[i];
        d->line[d->n] = 1 << 30; /* after the file's own messages */
        d->col[d->n] = (int)i;
        d->nerrors += o->is_error[i] != 0;
        d->n++;
    }
}

int diag_error_at(const struct diag *d, int line, int col)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->is_error[i] && d->line[i] == line && d->col[i] == col) return 1;
    return 0;
}
