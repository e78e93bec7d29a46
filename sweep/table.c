/* table.c - aligned columns and CSV. */
#include "sweep/table.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->right = xcalloc(ncols ? ncols : 1, sizeof *t->right);
    t->maxw = 40;
}

void table_release(struct table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            free(t->rows[r][c]);
            free(t->vis[r][c]);
        }
        free(t->rows[r]);
        free(t->vis[r]);
    }
    free(t->rows);
    free(t->vis);
    free(t->right);
    free(t->sgr);
    memset(t, 0, sizeof *t);
}

void table_right(struct table *t, size_t col)
{
    if (col < t->ncols) t->right[col] = 1;
}

void table_add(struct table *t, const char *const *cells)
{
    table_add_sgr(t, cells, NULL);
}

void table_add_sgr(struct table *t, const char *const *cells, const char *sgr)
{
    table_add_shown(t, cells, NULL, sgr);
}

void table_add_shown(struct table *t, const char *const *cells, const char *const *shown,
                     const char *sgr)
{
    t->sgr = xrealloc(t->sgr, (t->nrows + 1) * sizeof *t->sgr);
    t->sgr[t->nrows] = sgr;
    t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
    char **row = xcalloc(t->ncols ? t->ncols : 1, sizeof *row);
    char **vis = xcalloc(t->ncols ? t->ncols : 1, sizeof *vis);
    for (size_t c = 0; c < t->ncols; c++) {
        row[c] = xstrdup(cells[c] ? cells[c] : "");
        struct sb v; /* for a terminal: no control characters */
        sb_init(&v);
        sb_add_visible(&v, shown && shown[c] ? shown[c] : row[c]);
        vis[c] = v.len ? sb_detach(&v) : xstrdup("");
        sb_release(&v);
    }
    t->vis = xrealloc(t->vis, (t->nrows + 1) * sizeof *t->vis);
    t->vis[t->nrows] = vis;
    t->rows[t->nrows++] = row;
}

/* Display width of UTF-8 text (code points; good enough for logs). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) w++;
    return w;
}

static void print_cell(FILE *f, const char *s, size_t w, size_t maxw, int right, int last)
{
    char cut[4096];
    if (maxw > 1000) maxw = 1000;
    if (width(s) > maxw) {
        size_t n = 0, chars = 0;
        while (s[n] && chars < maxw - 1) {
            n++;
            while (((unsigned char)s[n] & 0xc0) == 0x80) n++;
            chars++;
        }
        snprintf(cut, sizeof cut, "%.*s~", (int)n, s);
        s = cut;
    }
    size_t pad = w > width(s) ? w - width(s) : 0;
    if (right) fprintf(f, "%*s%s", (int)pad, "", s);
    else if (last) fputs(s, f);
    else fprintf(f, "%s%*s", s, (int)pad, "");
}

void table_print(const struct table *t, FILE *f)
{
    size_t *w = xcalloc(t->ncols ? t->ncols : 1, sizeof *w);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t cw = width(t->vis[r][c]);
            if (cw > t->maxw) cw = t->maxw;
            if (cw > w[c]) w[c] = cw;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        int sgr = t->color && t->sgr[r];
        if (sgr) fprintf(f, "\033[%sm", t->sgr[r]);
        size_t last = t->ncols; /* empty cells at the end: no trailing spaces */
        while (last > 1 && !t->vis[r][last - 1][0]) last--;
        for (size_t c = 0; c < last; c++) {
            if (c) fputs("  ", f);
            /* the last column (a reason) is not padded: it may be longer */
            print_cell(f, t->vis[r][c], w[c], c + 1 == t->ncols ? 2 * t->maxw : t->maxw,
                       t->right[c], c + 1 == last);
        }
        if (sgr) fputs("\033[0m", f);
        fputc('\n', f);
    }
    free(w);
}

void table_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void table_print_csv(const struct table *t, FILE *f)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c) fputc(',', f);
            table_csv_field(f, t->rows[r][c]);
        }
        fputs("\r\n", f);
    }
}
