/* throughput.c - rates, trials at once, trainings per hour, packing gain
 * (throughput.h). */
#include "store/throughput.h"
#include "store/store_int.h"
#include "base/err.h"
#include "base/util.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (!n) return -1;
    qsort(v, n, sizeof *v, by_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int same_group(const struct tput_trial *a, const struct tput_trial *b)
{
    if (!a->gpu || !b->gpu) return !a->gpu && !b->gpu;
    return !strcmp(a->gpu, b->gpu);
}

static int by_group_start(const void *x, const void *y)
{
    const struct tput_trial *a = x, *b = y;
    if (!a->gpu != !b->gpu) return a->gpu ? -1 : 1;
    int c = a->gpu ? strcmp(a->gpu, b->gpu) : 0;
    if (c) return c;
    if (a->started != b->started) return a->started < b->started ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_id(const void *x, const void *y)
{
    const struct tput_trial *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Time-averaged trials of its group running during each trial's run: its
 * group's trials in start order, up to the first that started after it
 * ended. */
static void at_once(struct tput *p, double now)
{
    if (!p->n) return;
    qsort(p->t, p->n, sizeof *p->t, by_group_start);
    size_t g0 = 0;
    double longest = 0; /* of the group: a trial that started longer before a's start ended before it */
    for (size_t i = 0; i < p->n; i++) {
        struct tput_trial *a = &p->t[i];
        if (i == 0 || !same_group(a, &p->t[g0])) {
            g0 = i;
            longest = 0;
            for (size_t k = i; k < p->n && same_group(a, &p->t[k]); k++) {
                double l = (p->t[k].ended > 0 ? p->t[k].ended : now) - p->t[k].started;
                if (l > longest) longest = l;
            }
        }
        double a1 = a->ended > 0 ? a->ended : now, len = a1 - a->started, sum = 0;
        if (len <= 0) {
            a->at_once = 1;
            continue;
        }
        size_t from = g0, to = i; /* the first of the group that started after a->started - longest */
        while (from < to) {
            size_t mid = from + (to - from) / 2;
            if (p->t[mid].started < a->started - longest) from = mid + 1;
            else to = mid;
        }
        for (size_t k = from; k < p->n && p->t[k].started < a1; k++) {
            const struct tput_trial *b = &p->t[k];
            if (!same_group(a, b)) break;
            double b1 = b->ended > 0 ? b->ended : now;
            double lo = a->started > b->started ? a->started : b->started;
            double hi = a1 < b1 ? a1 : b1;
            if (hi > lo) sum += hi - lo;
        }
        a->at_once = sum / len;
    }
    qsort(p->t, p->n, sizeof *p->t, by_id);
}

/* The median rate of the trials that ran alone with the memory estimate
 * mem (within 1 MiB), -1 if none; remembered by estimate (a sweep has a few:
 * one per model size), so that 10,000 packed trials do not each read all
 * the others. */
struct alone_memo {
    double mem[16], med[16];
    int n;
};

static double alone_median(const struct tput *p, double mem, struct alone_memo *memo)
{
    for (int i = 0; i < memo->n; i++)
        if (memo->mem[i] == mem) return memo->med[i];
    double *same = xmalloc((p->n + 1) * sizeof *same);
    size_t ns = 0;
    for (size_t k = 0; k < p->n; k++)
        if (p->t[k].rate > 0 && p->t[k].at_once < TPUT_ALONE && fabs(p->t[k].mem_est - mem) < 1)
            same[ns++] = p->t[k].rate;
    double med = ns ? median(same, ns) : -1;
    free(same);
    if (memo->n < 16) {
        memo->mem[memo->n] = mem;
        memo->med[memo->n++] = med;
    }
    return med;
}

void tput_compute(struct tput *p, double now)
{
    struct alone_memo memo = {.n = 0};
    at_once(p, now);
    double first = 0, last = 0;
    double *alone = xmalloc((p->n + 1) * sizeof *alone), *conc = xmalloc((p->n + 1) * sizeof *conc),
           *gain = xmalloc((p->n + 1) * sizeof *gain);
    size_t na = 0, nc = 0, ng = 0;
    p->completed = p->running = 0;
    p->now_rate = 0;
    for (size_t i = 0; i < p->n; i++) {
        const struct tput_trial *a = &p->t[i];
        double end = a->ended > 0 ? a->ended : now;
        if (!first || a->started < first) first = a->started;
        if (end > last) last = end;
        p->completed += a->state == TRIAL_COMPLETED;
        if (a->ended <= 0) {
            p->running++;
            if (a->rate > 0) p->now_rate += a->rate;
        }
        if (a->rate <= 0) continue;
        if (a->at_once < TPUT_ALONE) alone[na++] = a->rate;
        else if (a->at_once >= TPUT_PACKED) {
            conc[nc++] = a->at_once;
            /* against the trials of its kind that ran alone */
            double m = alone_median(p, a->mem_est, &memo);
            if (m > 0) gain[ng++] = a->rate * a->at_once / m;
        }
    }
    p->hours = last > first ? (last - first) / 3600 : 0;
    p->per_hour = p->hours > 0 && p->completed ? p->completed / p->hours : -1;
    p->alone_n = (long long)na;
    p->packed_n = (long long)nc;
    p->alone_rate = median(alone, na);
    p->packed_at_once = median(conc, nc);
    p->gain = median(gain, ng);
    free(alone);
    free(conc);
    free(gain);
}

/* Steps and their time span of one trial's rows (of metric, or any),
 * with s prepared by prepare_span. */
static void span(sqlite3_stmt *s, struct tput_trial *t, const char *metric)
{
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, t->id);
    if (metric) sqlite3_bind_text(s, 2, metric, -1, SQLITE_TRANSIENT);
    t->rate = -1;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        t->steps = sqlite3_column_int64(s, 1) - sqlite3_column_int64(s, 0);
        t->secs = sqlite3_column_double(s, 3) - sqlite3_column_double(s, 2);
        if (t->steps > 0 && t->secs > 0) t->rate = t->steps * 3600.0 / t->secs;
    }
}

static sqlite3_stmt *prepare_span(struct store *st, const char *metric, struct err *e)
{
    /* of one metric: its first and last rows by the primary key (trial, name,
     * step), two seeks instead of reading every row (0.9 s for 10,000 trials
     * of 250 steps; rows come in step order, so their times are the span) */
    const char *sql =
        metric ? "SELECT a.step, b.step, a.time, b.time FROM (SELECT step, time FROM metrics "
                 "WHERE trial = ?1 AND name = ?2 AND value IS NOT NULL ORDER BY step LIMIT 1) a, "
                 "(SELECT step, time FROM metrics WHERE trial = ?1 AND name = ?2 AND value IS NOT "
                 "NULL ORDER BY step DESC LIMIT 1) b"
               : "SELECT min(step), max(step), min(time), max(time) FROM metrics WHERE trial = ?1";
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        st_db_err(st, e, "prepare");
        return NULL;
    }
    return s;
}

struct load_ctx {
    struct tput *p;
};

static int add_trial(const struct trial_row *r, void *ctx)
{
    struct tput *p = ((struct load_ctx *)ctx)->p;
    if (r->started <= 0 || r->state == TRIAL_PENDING) return 0; /* never ran (or runs again) */
    p->t = xrealloc(p->t, (p->n + 1) * sizeof *p->t);
    p->t[p->n++] = (struct tput_trial){.id = r->id, .state = r->state,
                                       .gpu = r->gpu ? xstrdup(r->gpu) : NULL,
                                       .mem_est = r->mem_est, .started = r->started,
                                       .ended = r->state == TRIAL_RUNNING ? 0 : r->ended,
                                       .rate = -1};
    return 0;
}

int store_throughput(struct store *st, const char *metric, double now, struct tput *p,
                     struct err *e)
{
    memset(p, 0, sizeof *p);
    struct load_ctx c = {p};
    /* one read transaction for the lot: a statement outside one takes and
     * drops the file's locks each time (10,000 trials: 10,000 times) */
    int txn = sqlite3_get_autocommit(st->db) && sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_stmt *s = NULL;
    int rc = store_each_trial(st, ORDER_ID, -1, 0, add_trial, &c, e);
    if (!rc && !(s = prepare_span(st, metric, e))) rc = -1;
    for (size_t i = 0; !rc && i < p->n; i++) span(s, &p->t[i], metric);
    sqlite3_finalize(s);
    if (txn) sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (rc) return -1;
    tput_compute(p, now);
    return 0;
}

void tput_release(struct tput *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->t[i].gpu);
    free(p->t);
    memset(p, 0, sizeof *p);
}
