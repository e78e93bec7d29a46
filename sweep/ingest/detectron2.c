/* detectron2.c - detectron2's console, its evaluation's copypaste lines and
 * metrics.json (docs/parsers.md). */
#include "sweep/ingest/lex.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the detectron2 parser of one trial keeps (struct mparser.own). */
struct d2_own {
    char *task;             /* copypaste: "bbox" */
    char **cp_names;        /* copypaste: the names line */
    size_t ncp;
};

#define D2(p) ((struct d2_own *)(p)->own)


/* metrics.json lines (JSON with NaN; "iteration" is the step), the console's
 * "eta: 1:23:45  iter: 19  total_loss: 1.234 ...  max_mem: 3543M" (the step
 * is iter: both count from 0), and the evaluation's copypaste lines, named
 * like metrics.json (bbox/AP) at the last iteration seen. */
static void d2_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    if (s[0] == '{') {
        metrics_parse_jsonl(p, s, n, b);
        return;
    }
    const char *q = lx_find(s, n, "copypaste: ");
    if (q) {
        size_t i = (size_t)(q - s) + 11;
        const char *r = s + i;
        size_t rn = n - i;
        while (rn && lx_blank(r[rn - 1])) rn--;
        if (lx_starts(r, rn, "Task: ")) {
            free(D2(p)->task);
            D2(p)->task = xstrndup(r + 6, rn - 6);
            lx_free_names(D2(p)->cp_names, D2(p)->ncp);
            D2(p)->cp_names = NULL;
            D2(p)->ncp = 0;
            return;
        }
        double v;
        size_t k = 0, j = 0;
        int names = !metrics_scan_number(r, rn, &v);
        if (names) { /* "AP,AP50,...": a new table */
            lx_free_names(D2(p)->cp_names, D2(p)->ncp);
            D2(p)->cp_names = NULL;
            D2(p)->ncp = 0;
        }
        while (j <= rn) {
            size_t e = j;
            while (e < rn && r[e] != ',') e++;
            if (names) {
                D2(p)->cp_names = xrealloc(D2(p)->cp_names, (D2(p)->ncp + 1) * sizeof *D2(p)->cp_names);
                D2(p)->cp_names[D2(p)->ncp++] = xstrndup(r + j, e - j);
            } else if (k < D2(p)->ncp && D2(p)->task && e > j &&
                       metrics_scan_number(r + j, e - j, &v) == e - j) {
                char *name = xasprintf("%s/%s", D2(p)->task, D2(p)->cp_names[k]);
                lx_emit_name(p, b, name, p->epoch, v);
                free(name);
            }
            k++;
            j = e + 1;
        }
        return;
    }
    q = lx_find(s, n, " iter: ");
    if (!q) return;
    size_t i = (size_t)(q - s) + 7;
    long long it;
    if (!lx_count_at(s, n, &i, &it)) return;
    p->epoch = it;
    static const char *const skip[] = {"eta", "iter", NULL};
    lx_pairs(p, s, n, b, p->epoch, skip);
}

static const char *const d2_files[] = {"metrics.json", NULL};
static const char *const d2_mem[] = {"max_mem", NULL};

static void d2_release(struct mparser *p)
{
    free(D2(p)->task);
    for (size_t i = 0; i < D2(p)->ncp; i++) free(D2(p)->cp_names[i]);
    free(D2(p)->cp_names);
}

const struct parser_def parser_detectron2 = {
    .own_size = sizeof(struct d2_own),
    .release = d2_release,
    .name = "detectron2",
    .results_files = d2_files,
    .mem_mib_names = d2_mem,
    .rereads = 1,
    .trims = 1,
    .line = d2_line,
};
