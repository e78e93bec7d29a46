/* fuzz_metrics - libFuzzer target: any bytes as a log, read by every parser
 * (the generic ones and the trainers'), line by line as tail.c hands them
 * out (cut at \n and \r, cleaned), then ended; a trainer's console parser
 * following a results.csv parser fed the same bytes. Never a crash, a leak
 * or undefined behaviour.
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSWEEP_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_metrics
 *   build-fuzz/fuzz_metrics -max_total_time=60 tests/fixtures */
#include "base/err.h"
#include "sweep/ingest/metrics.h"
#include "sweep/ingest/tail.h"
#include "base/util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const parsers[] = {"keyvalue", "jsonl",  "csv",   "darknet",
                                          "ultralytics", "yolov5", "mmdet", "detectron2"};
    char *buf = xmalloc(size + 1);
    struct metric_batch b;
    metric_batch_init(&b);
    for (size_t k = 0; k < sizeof parsers / sizeof *parsers; k++) {
        struct err e = {0};
        struct mparser *p = metrics_new(parsers[k], NULL, 0, &e);
        struct mparser *r = metrics_new(parsers[k], NULL, 0, &e);
        if (metrics_results_files(parsers[k])) metrics_follow(p, r);
        memcpy(buf, data, size);
        size_t start = 0;
        for (size_t i = 0; i <= size; i++) {
            if (i < size && buf[i] != '\n' && buf[i] != '\r') continue;
            size_t n = tail_clean(buf + start, i - start);
            char *line = xstrndup(buf + start, n);
            metrics_line(r, line, n, &b);
            metrics_line(p, line, n, &b);
            free(line);
            metric_batch_reset(&b);
            start = i + 1;
        }
        metrics_end(p, &b);
        metrics_end(r, &b);
        metric_batch_reset(&b);
        metrics_free(p);
        metrics_free(r);
    }
    metric_batch_release(&b);
    free(buf);
    return 0;
}
