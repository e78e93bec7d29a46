/* docs.c - the documents of one sweep that the CLI has no --json for, as
 * docs/api.md describes them: every trial in short, one trial in full (with
 * its log's tail and events), the curves of a metric (whole, thinned to a
 * point budget, or only what came since a time), the tick a page polls, and
 * the events. Each opens the store read-only and closes it again. */
#include "serve/serve_int.h"

#include "base/err.h"
#include "base/json.h"
#include "store/dirlock.h"
#include "store/layout.h"
#include "store/store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CURVE_POINTS 200000 /* the points of a whole curves document, at most about */
#define LOG_TAIL 16384      /* bytes of a trial's log in its document */

static struct store *open_ro(const char *dir, struct err *e)
{
    char *db = layout_db(dir);
    struct store *st = store_open_ro(db, e);
    free(db);
    return st;
}

static void num_or_null(struct sb *b, int has, double v)
{
    if (has) json_num(b, v);
    else sb_add(b, "null");
}

static void str_or_null(struct sb *b, const char *s)
{
    if (s) json_quote(b, s);
    else sb_add(b, "null");
}

/* A trial in short: what the leaderboard, the timeline and the parameter
 * plots need. */
static void trial_short(struct sb *b, const struct trial_row *t)
{
    sb_addf(b, "{\"trial\": %lld, \"state\": \"%s\", \"params\": %s, \"objective\": ", t->id,
            store_state_name(t->state), t->params);
    num_or_null(b, t->has_objective, t->objective);
    sb_add(b, ", \"step\": ");
    if (t->last_step >= 0) sb_addf(b, "%lld", t->last_step);
    else sb_add(b, "null");
    sb_add(b, ", \"rung\": ");
    if (t->rung >= 0) sb_addf(b, "%d", t->rung);
    else sb_add(b, "null");
    sb_add(b, ", \"parent\": ");
    if (t->parent >= 0) sb_addf(b, "%lld", t->parent);
    else sb_add(b, "null");
    sb_add(b, ", \"gpu\": ");
    str_or_null(b, t->gpu);
    sb_add(b, ", \"cpus\": ");
    str_or_null(b, t->cpus);
    sb_addf(b, ", \"attempts\": %d, \"queued\": ", t->attempts);
    num_or_null(b, t->queued > 0, t->queued);
    sb_add(b, ", \"started\": ");
    num_or_null(b, t->started > 0, t->started);
    sb_add(b, ", \"ended\": ");
    num_or_null(b, t->ended > 0, t->ended);
    sb_add(b, ", \"last_output\": ");
    num_or_null(b, t->last_output > 0, t->last_output);
    sb_add(b, ", \"mem_est\": ");
    num_or_null(b, t->mem_est >= 0, t->mem_est);
    sb_add(b, ", \"mem_peak\": ");
    num_or_null(b, t->mem_peak >= 0, t->mem_peak);
    sb_add(b, ", \"reason\": ");
    str_or_null(b, t->reason);
    sb_addc(b, '}');
}

struct list_ctx {
    struct sb *b;
    int n;
};

static int list_row(const struct trial_row *t, void *ctx)
{
    struct list_ctx *c = ctx;
    sb_add(c->b, c->n++ ? ",\n " : "\n ");
    trial_short(c->b, t);
    return 0;
}

int doc_trials(const char *dir, struct sb *out, struct err *e)
{
    struct store *st = open_ro(dir, e);
    if (!st) return -1;
    struct list_ctx c = {out, 0};
    sb_addc(out, '[');
    int rc = store_each_trial(st, ORDER_ID, -1, 0, list_row, &c, e);
    sb_add(out, "\n]\n");
    store_close(st);
    return rc;
}

static void event_json(long long id, double time, long long trial, const char *kind,
                       const char *detail, void *ctx)
{
    struct list_ctx *c = ctx;
    sb_addf(c->b, "%s{\"id\": %lld, \"time\": ", c->n++ ? ",\n " : "\n ", id);
    json_num(c->b, time);
    sb_add(c->b, ", \"trial\": ");
    if (trial >= 0) sb_addf(c->b, "%lld", trial);
    else sb_add(c->b, "null");
    sb_add(c->b, ", \"kind\": ");
    json_quote(c->b, kind ? kind : "");
    sb_add(c->b, ", \"detail\": ");
    json_quote(c->b, detail);
    sb_addc(c->b, '}');
}

int doc_events(const char *dir, long long trial, int n, struct sb *out, struct err *e)
{
    struct store *st = open_ro(dir, e);
    if (!st) return -1;
    struct list_ctx c = {out, 0};
    sb_addc(out, '[');
    int rc = store_recent_events(st, trial, n, event_json, &c, e);
    sb_add(out, "\n]\n");
    store_close(st);
    return rc;
}

/* The last LOG_TAIL bytes of the trial's log, from a line's start, made
 * valid UTF-8. */
static void log_tail(struct sb *b, const char *dir, long long id)
{
    char *td = layout_trial_dir(dir, id);
    char *path = layout_log(td);
    free(td);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    struct stat sbuf;
    if (fd < 0 || fstat(fd, &sbuf) != 0 || !S_ISREG(sbuf.st_mode)) {
        if (fd >= 0) close(fd);
        sb_add(b, "null");
        return;
    }
    off_t from = sbuf.st_size > LOG_TAIL ? sbuf.st_size - LOG_TAIL : 0;
    char *buf = xmalloc(LOG_TAIL + 1);
    ssize_t n = pread(fd, buf, LOG_TAIL, from);
    close(fd);
    if (n < 0) n = 0;
    size_t skip = 0;
    if (from > 0) { /* from the first whole line */
        char *nl = memchr(buf, '\n', (size_t)n);
        if (nl) skip = (size_t)(nl - buf) + 1;
    }
    size_t len;
    buf[n] = '\0'; /* a NUL in the log ends the text shown */
    char *fixed = util_utf8_fix(buf + skip, strlen(buf + skip), &len);
    json_quote(b, fixed ? fixed : buf + skip);
    free(fixed);
    free(buf);
}

int doc_trial(const char *dir, long long id, struct sb *out, struct err *e)
{
    struct store *st = open_ro(dir, e);
    if (!st) return -1;
    struct trial_row t;
    memset(&t, 0, sizeof t);
    int found = store_get_trial(st, id, &t, e);
    if (found != 1) {
        if (found == 0) err_usage(e, "no trial %lld", id);
        store_close(st);
        return -1;
    }
    trial_short(out, &t);
    out->len--; /* reopen the object */
    out->buf[out->len] = '\0';
    sb_add(out, ", \"argv\": ");
    if (t.argv) sb_add(out, t.argv);
    else sb_add(out, "null");
    sb_addf(out, ", \"pid\": %lld, \"exit_code\": ", t.pid);
    if (t.has_exit_code) sb_addf(out, "%d", t.exit_code);
    else sb_add(out, "null");
    sb_addf(out, ", \"exit_signal\": %d, \"stop_reason\": ", t.exit_signal);
    str_or_null(out, t.stop_reason);
    sb_add(out, ", \"exec_ref\": ");
    str_or_null(out, t.exec_ref);
    sb_add(out, ", \"exec_state\": ");
    str_or_null(out, t.exec_state);
    sb_add(out, ", \"log_tail\": ");
    log_tail(out, dir, id);
    sb_add(out, ", \"events\": [");
    struct list_ctx c = {out, 0};
    int rc = store_recent_events(st, id, 100, event_json, &c, e);
    sb_add(out, "\n]}\n");
    trial_row_release(&t);
    store_close(st);
    return rc;
}

/* A curve is gathered trial by trial (the rows come in trial, step order)
 * and written thinned to its share of the point budget: every k-th point,
 * and always the last. */
struct curves_ctx {
    struct sb *b;
    long long trial;
    long long *step;
    double *val;
    size_t n, cap;
    size_t keep;      /* points per trial at most; 0: all */
    int ntrials;
    int thinned;      /* some curve had more */
};

static void flush_curve(struct curves_ctx *c)
{
    if (!c->n) return;
    sb_addf(c->b, "%s\"%lld\": [", c->ntrials++ ? ",\n " : "\n ", c->trial);
    size_t k = c->keep && c->n > c->keep ? (c->n + c->keep - 1) / c->keep : 1;
    if (k > 1) c->thinned = 1;
    int first = 1;
    for (size_t i = 0; i < c->n; i++) {
        if (i % k && i != c->n - 1) continue;
        sb_addf(c->b, "%s[%lld, ", first ? "" : ", ", c->step[i]);
        json_num(c->b, c->val[i]);
        sb_addc(c->b, ']');
        first = 0;
    }
    sb_addc(c->b, ']');
    c->n = 0;
}

static void curve_row(long long trial, long long step, double value, double time, void *ctx)
{
    (void)time;
    struct curves_ctx *c = ctx;
    if (trial != c->trial) flush_curve(c);
    c->trial = trial;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->step = xrealloc(c->step, c->cap * sizeof *c->step);
        c->val = xrealloc(c->val, c->cap * sizeof *c->val);
    }
    c->step[c->n] = step;
    c->val[c->n++] = value;
}

/* ",3,17," from "3,17" (ids only), or NULL when trials is NULL; -1 if
 * it is not a list of numbers. */
static int id_list(const char *trials, struct sb *b)
{
    if (!trials) return 0;
    sb_addc(b, ',');
    for (const char *p = trials; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || *p == ',') || b->len > 20000) return -1;
        sb_addc(b, *p);
    }
    sb_addc(b, ',');
    return 1;
}

int doc_curves(const char *dir, const char *metric, double since, const char *trials,
               struct sb *out, struct err *e)
{
    struct sb only;
    sb_init(&only);
    int some = id_list(trials, &only);
    if (some < 0) {
        sb_release(&only);
        return err_usage(e, "trials: a list of trial numbers (3,17,40), at most 20,000 characters");
    }
    struct store *st = open_ro(dir, e);
    if (!st) return -1;
    struct store_sweep w = {0};
    int rc = -1;
    if (store_get_sweep(st, &w, e)) goto out;
    const char *name = metric && *metric ? metric : w.objective;
    if (!name) {
        err_usage(e, "the sweep has no objective: name a metric (?metric=NAME)");
        goto out;
    }
    double now = util_now();
    long long ntr = store_max_trial(st, NULL);
    struct curves_ctx c = {.b = out, .trial = -1};
    if (since <= 0 && !some) {
        long long per = ntr > 0 ? CURVE_POINTS / ntr : CURVE_POINTS;
        c.keep = (size_t)(per < 16 ? 16 : per);
    }
    sb_add(out, "{\"metric\": ");
    json_quote(out, name);
    sb_add(out, ", \"now\": ");
    json_num(out, now);
    sb_addf(out, ", \"points_per_trial\": %zu, \"trials\": {", c.keep);
    rc = store_metric_since(st, name, since, some ? sb_str(&only) : NULL, curve_row, &c, e);
    flush_curve(&c);
    sb_addf(out, "\n}, \"thinned\": %s}\n", c.thinned ? "true" : "false");
    free(c.step);
    free(c.val);
out:
    sb_release(&only);
    store_sweep_release(&w);
    store_close(st);
    return rc;
}

int doc_tick(const char *dir, double since, struct sb *out, struct err *e)
{
    struct store *st = open_ro(dir, e);
    if (!st) return -1;
    long long counts[TRIAL_NSTATES];
    double now = util_now();
    int rc = store_counts(st, counts, e);
    if (rc == 0) {
        sb_add(out, "{\"now\": ");
        json_num(out, now);
        sb_addf(out, ", \"running\": %s, \"counts\": {",
                dirlock_held(dir, NULL, 0, NULL) ? "true" : "false");
        for (int k = 0; k < TRIAL_NSTATES; k++)
            sb_addf(out, "%s\"%s\": %lld", k ? ", " : "", store_state_name(k), counts[k]);
        sb_add(out, "}, \"changed\": [");
        struct list_ctx c = {out, 0};
        rc = store_trials_since(st, since, list_row, &c, e);
        sb_add(out, "\n]}\n");
    }
    store_close(st);
    return rc;
}

static void name_json(const char *name, long long step, void *ctx)
{
    struct list_ctx *c = ctx;
    sb_add(c->b, c->n++ ? ", {\"name\": " : "{\"name\": ");
    json_quote(c->b, name);
    sb_addf(c->b, ", \"last_step\": %lld}", step);
}

int doc_metric_names(const char *dir, long long trial, struct sb *out, struct err *e)
{
    struct store *st = open_ro(dir, e);
    if (!st) return -1;
    struct list_ctx c = {out, 0};
    sb_addc(out, '[');
    int rc = store_last_steps(st, trial, name_json, &c, e);
    sb_add(out, "]\n");
    store_close(st);
    return rc;
}
