/* cmd_status.c - `sweep status [DIR]`: where a sweep stands. */
#include "search/diag.h"
#include "search/space.h"
#include "store/store.h"
#include "sweep/cli.h"
#include "store/dirlock.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/table.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: sweep status [DIR] [--json | --watch[=SECONDS]]\n"
    "\n"
    "Trial counts by state, the running trials (pid, running time, step,\n"
    "objective, when their last metric came), the best trial so far and an\n"
    "estimate of the time left. Reads DIR/sweep.db without blocking the\n"
    "running sweep. DIR defaults as for `sweep top`.\n"
    "\n"
    "  --json      one JSON object (docs/cli.md)\n"
    "  --watch[=T] on a terminal: show it again every T (default 2 s) until the\n"
    "              sweep is no longer running, or Ctrl-C\n"
    "  -h, --help  this text\n";

struct running_ctx {
    struct table t;
    struct sb json;
    int n;
    double now;
};

static int running_row(const struct trial_row *tr, void *ctx)
{
    struct running_ctx *c = ctx;
    char id[24], pid[24], step[24], att[16];
    struct sb dur, obj, ago;
    sb_init(&dur);
    sb_init(&obj);
    sb_init(&ago);
    snprintf(id, sizeof id, "%lld", tr->id);
    snprintf(pid, sizeof pid, "%lld", tr->pid);
    snprintf(att, sizeof att, "%d", tr->attempts);
    step[0] = '\0';
    if (tr->last_step >= 0) snprintf(step, sizeof step, "%lld", tr->last_step);
    util_fmt_duration(&dur, c->now - tr->started);
    if (tr->has_objective) json_num(&obj, tr->objective);
    if (tr->last_output > 0) {
        util_fmt_duration(&ago, c->now - tr->last_output);
        sb_add(&ago, " ago");
    }
    const char *row[] = {id, pid, tr->gpu ? tr->gpu : "-", att, sb_str(&dur), step, sb_str(&obj),
                         sb_str(&ago)};
    table_add(&c->t, row);
    struct sb *j = &c->json;
    sb_addf(j, "%s{\"trial\": %lld, \"pid\": %lld, \"gpu\": ", c->n ? ", " : "", tr->id, tr->pid);
    if (tr->gpu) json_quote(j, tr->gpu);
    else sb_add(j, "null");
    sb_addf(j, ", \"attempt\": %d, \"seconds\": ", tr->attempts);
    json_num(j, c->now - tr->started);
    sb_add(j, ", \"step\": ");
    if (tr->last_step >= 0) sb_addf(j, "%lld", tr->last_step);
    else sb_add(j, "null");
    sb_add(j, ", \"objective\": ");
    if (tr->has_objective) json_num(j, tr->objective);
    else sb_add(j, "null");
    sb_add(j, ", \"last_output_seconds_ago\": ");
    if (tr->last_output > 0) json_num(j, c->now - tr->last_output);
    else sb_add(j, "null");
    sb_addc(j, '}');
    c->n++;
    sb_release(&dur);
    sb_release(&obj);
    sb_release(&ago);
    return 0;
}

struct duration_ctx {
    double sum;
    long long n;
};

static int duration_row(const struct trial_row *t, void *ctx)
{
    struct duration_ctx *c = ctx;
    if (t->started > 0 && t->ended > t->started) {
        c->sum += t->ended - t->started;
        c->n++;
    }
    return 0;
}

static int best_row(const struct trial_row *t, void *ctx)
{
    struct trial_row *best = ctx;
    if (t->has_objective) {
        *best = *t;
        best->params = xstrdup(t->params);
        best->argv = NULL;
        best->reason = NULL;
    }
    return 1;
}

/* One report of the sweep in dir (opened as st); *live gets whether a
 * sweep is running there. */
static int show(struct store *st, char *dir, int json, int slots, int *live);

/* max_parallel, from the file stored with the sweep; -1 (said on stderr)
 * when it does not load. */
static int stored_slots(struct store *st)
{
    struct store_sweep w = {0};
    int slots = -1;
    if (store_get_sweep(st, &w, NULL) == 0) {
        struct space *sp = cli_load_stored(st, &w);
        if (sp) slots = sp->max_parallel;
        space_free(sp);
    }
    store_sweep_release(&w);
    return slots;
}

int cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"watch", optional_argument, NULL, 'w'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, c;
    double watch = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'w':
            watch = optarg ? util_parse_duration(optarg) : 2;
            if (!(watch > 0)) return cli_usage("status", "--watch takes a duration (2, 500ms, 1m)");
            break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: return cli_usage("status", "unknown option: %s", argv[optind - 1]);
        }
    }
    if (argc - optind > 1) return cli_usage("status", "expected at most one sweep directory");
    if (watch > 0 && (json || !isatty(STDOUT_FILENO)))
        return cli_usage("status", "--watch is for a terminal (and not with --json)");
    struct err e = {0};
    char *dir = NULL;
    struct store *st = cli_open_store(optind < argc ? argv[optind] : NULL, &dir, &e);
    if (!st) return cli_fail(&e);
    int live = 0, rc, slots = stored_slots(st);
    for (;;) {
        if (watch > 0) fputs("\033[H\033[2J", stdout); /* home, clear */
        rc = show(st, dir, json, slots, &live);
        fflush(stdout);
        if (rc || watch <= 0 || !live) break;
        struct timespec ts = {.tv_sec = (time_t)watch,
                              .tv_nsec = (long)((watch - (long)watch) * 1e9)};
        nanosleep(&ts, NULL); /* Ctrl-C ends it */
    }
    store_close(st);
    free(dir);
    return rc;
}

static int show(struct store *st, char *dir, int json, int slots, int *live_out)
{
    struct err e = {0};
    int rc = 0;
    struct store_sweep w = {0};
    struct running_ctx rc_ = {0};
    struct trial_row best;
    memset(&best, 0, sizeof best);
    long long counts[TRIAL_NSTATES];
    if (store_get_sweep(st, &w, &e) != 0 || store_counts(st, counts, &e)) {
        if (!e.msg[0]) err_usage(&e, "%s holds no sweep yet", dir);
        rc = cli_fail(&e);
        goto out;
    }
    char who[300] = "";
    int live = dirlock_held(dir, who, sizeof who, NULL);
    *live_out = live;

    rc_.now = util_now();
    table_init(&rc_.t, 8);
    sb_init(&rc_.json);
    const char *hdr[] = {"trial", "pid", "gpu", "attempt", "running", "step",
                         w.objective ? w.objective : "objective", "last metric"};
    table_add(&rc_.t, hdr);
    for (int i = 0; i < 7; i++) table_right(&rc_.t, (size_t)i);
    if (store_each_trial(st, ORDER_ID, TRIAL_RUNNING, 0, running_row, &rc_, &e) ||
        store_each_trial(st, ORDER_RANK, TRIAL_COMPLETED, 1, best_row, &best, &e)) {
        rc = cli_fail(&e);
        goto out;
    }
    struct duration_ctx dc = {0, 0};
    store_each_trial(st, ORDER_ID, TRIAL_COMPLETED, 0, duration_row, &dc, NULL);
    long long done = counts[TRIAL_COMPLETED] + counts[TRIAL_FAILED] + counts[TRIAL_STOPPED] +
                     counts[TRIAL_PRUNED];
    long long left = w.total >= 0 ? w.total - done : -1; /* pending rows + never created */
    double eta = -1;
    if (live && left >= 0 && dc.n > 0 && slots > 0) { /* no ETA without the stored file */
        double mean = dc.sum / (double)dc.n;
        eta = ceil((double)left / slots) * mean;
    }
    if (json) {
        struct sb j;
        sb_init(&j);
        sb_add(&j, "{\"dir\": ");
        json_quote(&j, dir);
        sb_addf(&j, ", \"running\": %s, \"total\": ", live ? "true" : "false");
        if (w.total >= 0) sb_addf(&j, "%lld", w.total);
        else sb_add(&j, "null");
        sb_add(&j, ", \"counts\": {");
        for (int i = 0; i < TRIAL_NSTATES; i++)
            sb_addf(&j, "%s\"%s\": %lld", i ? ", " : "", store_state_name(i), counts[i]);
        sb_add(&j, "}, \"objective\": ");
        if (w.objective) json_quote(&j, w.objective);
        else sb_add(&j, "null");
        sb_add(&j, ", \"best\": ");
        if (best.params) {
            sb_addf(&j, "{\"trial\": %lld, \"objective\": ", best.id);
            json_num(&j, best.objective);
            sb_addf(&j, ", \"params\": %s}", best.params);
        } else sb_add(&j, "null");
        sb_addf(&j, ", \"trials_running\": [%s], \"eta_seconds\": ", sb_str(&rc_.json));
        if (eta >= 0) json_num(&j, eta);
        else sb_add(&j, "null");
        sb_add(&j, "}\n");
        fputs(j.buf, stdout);
        sb_release(&j);
        goto out;
    }
    printf("%s: %s search", dir, w.method);
    if (w.objective) printf(", %s %s", w.maximize ? "maximize" : "minimize", w.objective);
    printf("\n%s\n", live ? "sweep is running" : "sweep is not running");
    if (live) printf("  (%s)\n", who);
    printf("trials: ");
    if (w.total >= 0) printf("%lld in all; ", w.total);
    /* every state, always (a halving sweep's pruned trials among them) */
    printf("%lld completed, %lld pruned, %lld failed, %lld stopped, %lld running, %lld pending",
           counts[TRIAL_COMPLETED], counts[TRIAL_PRUNED], counts[TRIAL_FAILED],
           counts[TRIAL_STOPPED], counts[TRIAL_RUNNING],
           w.total >= 0 ? left - counts[TRIAL_RUNNING] : counts[TRIAL_PENDING]);
    printf("\n");
    if (best.params) {
        struct sb b;
        sb_init(&b);
        json_num(&b, best.objective);
        printf("best: trial %lld, %s %s, params %s\n", best.id, w.objective, sb_str(&b), best.params);
        sb_release(&b);
    }
    if (rc_.n) {
        printf("\n");
        table_print(&rc_.t, stdout);
    }
    if (eta >= 0) {
        struct sb b;
        sb_init(&b);
        util_fmt_duration(&b, eta);
        printf("\nestimated time left: %s (%lld trial%s left, %d at a time, %.1fs per trial so "
               "far)\n",
               sb_str(&b), left, left == 1 ? "" : "s", slots, dc.sum / (double)dc.n);
        sb_release(&b);
    }
out:
    free(best.params);
    if (rc_.t.ncols) table_release(&rc_.t);
    sb_release(&rc_.json);
    store_sweep_release(&w);
    return rc;
}
