/* ingest.c - reads a trainer log through the code path of `sweep run`:
 * tail_read() hands out lines (cut at \n and \r, ANSI removed), the parser
 * turns them into rows, store_ingest() commits rows and offset to a real
 * SQLite store. The file is read in windows of 4 MiB (as a running trial's
 * log is read a tick at a time), then to its end as a finished trial's.
 *
 *   ingest PARSER LOG STORE.db   ->  "MB  seconds  MB/s  lines  rows" */
#include "store/store.h"
#include "base/err.h"
#include "sweep/ingest/metrics.h"
#include "sweep/ingest/tail.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct ctx {
    struct mparser *mp;
    struct metric_batch batch;
    long long lines;
};

static void on_line(const char *line, size_t len, void *arg)
{
    struct ctx *c = arg;
    c->lines++;
    metrics_line(c->mp, line, len, &c->batch);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: ingest PARSER LOG STORE.db\n", stderr);
        return 2;
    }
    struct err e = {0};
    struct stat sb;
    if (stat(argv[2], &sb) != 0) {
        perror(argv[2]);
        return 1;
    }
    remove(argv[3]);
    struct store *st = store_open(argv[3], 1, &e);
    struct store_sweep sw = {"bench.yaml", "", "0", ".", "grid", NULL, 0, 0, 1, 0, 0, "bench"};
    if (!st || store_init_sweep(st, &sw, &e) || store_trial_add(st, 1, "{}", &e)) {
        fprintf(stderr, "ingest: %s\n", e.msg);
        return 1;
    }
    struct ctx c = {metrics_new(argv[1], NULL, 0, &e), {0}, 0};
    if (!c.mp) {
        fprintf(stderr, "ingest: %s\n", e.msg);
        return 2;
    }
    metric_batch_init(&c.batch);
    struct tail_pos tp = {0};
    long long rows = 0;
    double t0 = now();
    clock_t c0 = clock();
    for (long long upto = 4 << 20;; upto += 4 << 20) {
        int last = upto >= (long long)sb.st_size;
        int ev = last ? tail_read(argv[2], &tp, 1, on_line, &c, &e)
                      : tail_read_upto(argv[2], &tp, upto, on_line, &c, &e);
        if (ev < 0) {
            fprintf(stderr, "ingest: %s\n", e.msg);
            return 1;
        }
        if (last) metrics_end(c.mp, &c.batch);
        if (store_ingest(st, 1, c.batch.rows, c.batch.n, tp.offset, 0, &e)) {
            fprintf(stderr, "ingest: %s\n", e.msg);
            return 1;
        }
        rows += (long long)c.batch.n;
        metric_batch_reset(&c.batch);
        if (last) break;
    }
    double wall = now() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    double mb = sb.st_size / 1e6;
    printf("%.0f MB  %.2f s (cpu %.2f s)  %.0f MB/s  %lld lines  %lld rows\n", mb, wall, cpu,
           mb / wall, c.lines, rows);
    metric_batch_release(&c.batch);
    metrics_free(c.mp);
    store_close(st);
    return 0;
}
