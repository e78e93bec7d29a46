/* csv.c - a CSV file of the trial: its header names the columns, a step
 * column gives the step (docs/parsers.md). Also what the trainers' parsers
 * read a results.csv with. */
#include "sweep/ingest/parser.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (has_step && p->def == &parser_ultralytics && p->csv_rows++ == 0 && step == 0)
        p->csv_shift = 1; /* the earliest 8.0.x files count epochs from 0 */
    step += p->csv_shift;
    for (size_t c = 0; c < p->ncols; c++)
        if (ok[c] && (int)c != p->step_col && *p->cols[c])
            metrics_emit(p, b, p->cols[c], strlen(p->cols[c]), has_step, step, v[c]);
    free(v);
    free(ok);
    sb_release(&f);
}

const struct parser_def parser_csv = {
    .name = "csv",
    .header_row = 1,
    .line = metrics_parse_csv,
};
