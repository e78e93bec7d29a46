/* ledger_scale - the machine ledger's cost of one placement decision, on a
 * busy machine: NSWEEPS sweeps registered, each holding HOLDS trials spread
 * over 8 GPUs. One decision is what a sweep does before it places a trial
 * (machine/ledger.h): reclaim dead holders (every holder is checked by its
 * identity; here a table lookup), read every sweep and hold, reserve one
 * hold (the transaction that counts the GPU's holds), and, as its trial
 * ends, release it. Reports the median and 99th percentile of REPS
 * decisions. Waiting trials are not in the ledger (each sweep keeps its own
 * queue; the ledger has its counts), so 10,000 of them cost the ledger
 * nothing per decision.
 * usage: ledger_scale DIR [NSWEEPS] [HOLDS] [REPS] */
#include "machine/ledger.h"
#include "base/err.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int alive(long pid, long long start)
{
    (void)start;
    return pid > 0; /* every holder lives: nothing is reclaimed, every row is judged */
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: ledger_scale DIR [NSWEEPS] [HOLDS] [REPS]\n", stderr);
        return 2;
    }
    int nsweeps = argc > 2 ? atoi(argv[2]) : 50, holds = argc > 3 ? atoi(argv[3]) : 8;
    int reps = argc > 4 ? atoi(argv[4]) : 200;
    struct err e = {0};
    struct ledger *l = ledger_open(argv[1], &e);
    if (!l) {
        fprintf(stderr, "ledger_scale: %s\n", e.msg);
        return 1;
    }
    char dir[64];
    for (int s = 0; s < nsweeps; s++) {
        snprintf(dir, sizeof dir, "/home/u%d/sweep%d", s % 5, s);
        struct ledger_sweep w = {.dir = dir, .uid = 1000 + s % 5, .user = "user", .pid = 100 + s,
                                 .pid_start = 1, .method = "bayes", .waiting = 200};
        ledger_register(l, &w, NULL);
        for (int t = 0; t < holds; t++) {
            struct ledger_hold h = {.dir = dir, .trial = t, .uid = w.uid, .user = "user",
                                    .gpu = (s * holds + t) % 8, .mib = 100, .sup_pid = 5000 + t,
                                    .sup_start = 1, .holder_pid = w.pid, .holder_start = 1};
            ledger_hold(l, &h, NULL);
        }
    }
    double *dt = xcalloc((size_t)reps, sizeof *dt);
    for (int r = 0; r < reps; r++) {
        double t0 = mono();
        struct ledger_view v;
        if (ledger_reclaim(l, alive, &e) < 0 || ledger_view(l, &v, &e)) {
            fprintf(stderr, "ledger_scale: %s\n", e.msg);
            return 1;
        }
        ledger_view_release(&v);
        struct ledger_hold h = {.dir = "/home/u0/sweep0", .trial = 100000 + r, .uid = 1000,
                                .user = "user", .gpu = r % 8, .mib = 100, .holder_pid = 100,
                                .holder_start = 1};
        if (ledger_reserve(l, &h, 80000, 0, &e) != 1) {
            fprintf(stderr, "ledger_scale: no room: %s\n", e.msg);
            return 1;
        }
        ledger_release(l, h.dir, h.trial, NULL);
        dt[r] = mono() - t0;
    }
    qsort(dt, (size_t)reps, sizeof *dt, cmp);
    printf("%d sweeps, %d holds: one placement decision (reclaim, read, reserve, release) "
           "median %.2f ms, p99 %.2f ms over %d\n",
           nsweeps, nsweeps * holds, dt[reps / 2] * 1e3, dt[reps * 99 / 100] * 1e3, reps);
    free(dt);
    ledger_close(l);
    return 0;
}
