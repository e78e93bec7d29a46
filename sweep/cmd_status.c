/* cmd_status.c - `sweep status [DIR]`: where a sweep stands. */
#include "search/diag.h"
#include "search/space.h"
#include "store/store.h"
#include "store/throughput.h"
#include "store/stored.h"
#include "sweep/cli.h"
#include "store/dirlock.h"
#include "store/layout.h"
#include "sweep/exec/executors.h"
#include "sweep/exec/proc.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/table.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    int live;            /* a sweep follows the running trials */
    const char *dir;     /* the sweep directory */
    const struct exec_def *def; /* the sweep's executor; NULL unknown */
    long long gone;      /* recorded running, their supervisor gone, no sweep running */
    long long unfollowed; /* recorded running, alive, no sweep running */
};

static int any_ref(const struct trial_row *tr, void *ctx)
{
    if (tr->exec_ref) *(int *)ctx = 1;
    return tr->exec_ref != NULL; /* found: enough */
}

/* The sweep's executor, as its stored file names it (NULL: it does not load). */
static const struct exec_def *stored_executor(struct store *st, const struct store_sweep *w)
{
    struct diag d;
    diag_init(&d, w->spec_path);
    struct space *sp = store_load_space(st, w, NULL, &d);
    const struct exec_def *x = sp ? exec_def(sp->executor) : NULL;
    space_free(sp);
    diag_release(&d);
    return x;
}

/* The running trials' table header: with an executor's own names for
 * them (Slurm's jobs), its words ("pid/job", "gpu/queue"). */
static void running_header(struct running_ctx *c, struct store *st, const struct store_sweep *w)
{
    int named = 0;
    store_each_trial(st, ORDER_ID, TRIAL_RUNNING, 0, any_ref, &named, NULL);
    c->def = named ? stored_executor(st, w) : NULL;
    char pid_hdr[48], where_hdr[48];
    snprintf(pid_hdr, sizeof pid_hdr, "pid/%s", c->def && c->def->ref_word ? c->def->ref_word : "ref");
    snprintf(where_hdr, sizeof where_hdr, "gpu/%s",
             c->def && c->def->state_word ? c->def->state_word : "state");
    const char *hdr[] = {"trial", named ? pid_hdr : "pid", named ? where_hdr : "gpu",
                         "attempt", "running", "step", w->objective ? w->objective : "objective",
                         "last metric"};
    table_add(&c->t, hdr);
}

/* A reference as JSON: a number when it is one ("1234"), else a string. */
static void json_ref(struct sb *j, const char *ref)
{
    size_t n = strspn(ref, "0123456789");
    if (n && !ref[n] && n < 16) sb_add(j, ref);
    else json_quote(j, ref);
}

/* 1 if the trial's supervisor recorded how it ended (exit.json is there). */
static int ended_record(const char *dir, long long id)
{
    char *td = layout_trial_dir(dir, id), *x = xasprintf("%s/exit.json", td);
    struct stat stb;
    int there = stat(x, &stb) == 0;
    free(x);
    free(td);
    return there;
}

static int running_row(const struct trial_row *tr, void *ctx)
{
    struct running_ctx *c = ctx;
    if (!c->live && tr->exec_ref) { /* an executor's job (Slurm's): resume asks it */
        c->unfollowed++;
    } else if (!c->live) { /* running only while its supervisor is (its identity proven) and
                              has not recorded the end (it may linger unreaped a while) */
        if (!proc_alive((pid_t)tr->pid, tr->pid_start) || ended_record(c->dir, tr->id)) {
            c->gone++;
            return 0;
        }
        c->unfollowed++;
    }
    char id[24], pid[24], step[24], att[16];
    struct sb dur, obj, ago;
    sb_init(&dur);
    sb_init(&obj);
    sb_init(&ago);
    snprintf(id, sizeof id, "%lld", tr->id);
    const char *word = c->def && c->def->ref_word ? c->def->ref_word : "ref";
    if (tr->exec_ref) snprintf(pid, sizeof pid, "%s %.12s", word, tr->exec_ref);
    else snprintf(pid, sizeof pid, "%lld", tr->pid);
    char placed[96];
    if (tr->cpus) /* resources.cpus: its cores beside its GPU */
        snprintf(placed, sizeof placed, "%s%scpus %.60s", tr->gpu ? tr->gpu : "",
                 tr->gpu ? ", " : "", tr->cpus);
    const char *where = tr->exec_ref ? (tr->exec_state ? tr->exec_state : "?")
                        : tr->cpus   ? placed
                        : tr->gpu    ? tr->gpu
                                     : "-";
    snprintf(att, sizeof att, "%d", tr->attempts);
    step[0] = '\0';
    if (tr->last_step >= 0) snprintf(step, sizeof step, "%lld", tr->last_step);
    if (tr->exec_state && c->def && c->def->waits && c->def->waits(tr->exec_state))
        sb_add(&dur, "-"); /* queued: its run has not begun */
    else util_fmt_duration(&dur, c->now - tr->started);
    if (tr->has_objective) util_fmt_num(&obj, tr->objective);
    if (tr->last_output > 0) {
        util_fmt_duration(&ago, c->now - tr->last_output);
        sb_add(&ago, " ago");
    }
    const char *row[] = {id, pid, where, att, sb_str(&dur), step, sb_str(&obj),
                         sb_str(&ago)};
    table_add(&c->t, row);
    struct sb *j = &c->json;
    sb_addf(j, "%s{\"trial\": %lld, \"pid\": %lld, \"gpu\": ", c->n ? ", " : "", tr->id, tr->pid);
    if (tr->gpu) json_quote(j, tr->gpu);
    else sb_add(j, "null");
    sb_add(j, ", \"cpus\": ");
    if (tr->cpus) json_quote(j, tr->cpus);
    else sb_add(j, "null");
    if (tr->exec_ref) {
        sb_addf(j, ", \"%s\": ", c->def && c->def->json_ref ? c->def->json_ref : "exec_ref");
        json_ref(j, tr->exec_ref);
        sb_addf(j, ", \"%s\": ", c->def && c->def->json_state ? c->def->json_state : "exec_state");
        if (tr->exec_state) json_quote(j, tr->exec_state);
        else sb_add(j, "null");
    }
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

/* What status takes from the file stored with the sweep. */
struct stored_info {
    int slots;          /* max_parallel; -1 (said on stderr) when it does not load */
    char *parser;       /* metrics.parser; NULL then */
    char *path;         /* the sweep file */
    struct space *sp;   /* the file as stored (several objectives are read from it); NULL */
};

/* The first line: the method and every objective's goal. 1 with several
 * objectives (the front, below, is the best then). */
static int say_goals(const struct space *sp, const char *dir, const struct store_sweep *w)
{
    printf("%s: %s search", dir, w->method);
    struct sb goals;
    sb_init(&goals);
    int mo = cli_mo_goals(sp, &goals);
    if (mo) printf(", %s", sb_str(&goals));
    else if (w->objective) printf(", %s %s", w->maximize ? "maximize" : "minimize", w->objective);
    sb_release(&goals);
    return mo;
}

/* Seconds left: the trials left, *slots at a time (as many as the GPUs or
 * the cores hold: as many as run now, said back in *slots), each as long
 * as the completed ones took. -1 when unknown. */
static double time_left(long long left, const struct duration_ctx *dc, int *slots,
                        long long running)
{
    if (*slots >= SPACE_GPU_PARALLEL) *slots = running > 0 ? (int)running : 1;
    if (left < 0 || dc->n <= 0 || *slots <= 0) return -1; /* no ETA without the stored file */
    return ceil((double)left / *slots) * (dc->sum / (double)dc->n);
}

/* One report of the sweep in dir (opened as st); *live gets whether a
 * sweep is running there. */
static int show(struct store *st, char *dir, int json, const struct stored_info *si, int *live,
                struct sb *jout);

static void stored_info(struct store *st, struct stored_info *si)
{
    struct store_sweep w = {0};
    memset(si, 0, sizeof *si);
    si->slots = -1;
    if (store_get_sweep(st, &w, NULL) == 0) {
        struct space *sp = cli_load_stored(st, &w);
        if (sp) {
            si->slots = sp->max_parallel;
            si->parser = xstrdup(sp->parser);
            si->path = xstrdup(sp->path);
        }
        si->sp = sp;
    }
    store_sweep_release(&w);
}

static void stored_info_release(struct stored_info *si)
{
    free(si->parser);
    free(si->path);
    space_free(si->sp);
}

struct noobj_ctx {
    long long n, first;
};

static int noobj_row(const struct trial_row *t, void *ctx)
{
    struct noobj_ctx *c = ctx;
    if (!t->has_objective && c->n++ == 0) c->first = t->id;
    return 0;
}

struct failed_ctx {
    long long n;
    long long ids[3];
    char *why[3];
};

static int failed_row(const struct trial_row *t, void *ctx)
{
    struct failed_ctx *c = ctx;
    size_t k = (size_t)(c->n++ % 3);
    free(c->why[k]);
    c->ids[k] = t->id;
    c->why[k] = xstrdup(t->reason ? t->reason : "no reason recorded");
    return 0;
}

/* The last three failures and why (the cause from the log when it said). */
static void say_failures(struct store *st)
{
    struct failed_ctx c = {0};
    if (store_each_trial(st, ORDER_ID, TRIAL_FAILED, 0, failed_row, &c, NULL) || !c.n) return;
    long long shown = c.n < 3 ? c.n : 3;
    printf("%s:\n", c.n > 3 ? "failed, the last three" : "failed");
    for (long long i = c.n - shown; i < c.n; i++) {
        size_t k = (size_t)(i % 3);
        struct sb v;
        sb_init(&v);
        sb_add_visible(&v, c.why[k]);
        printf("  trial %lld: %s\n", c.ids[k], sb_str(&v));
        sb_release(&v);
    }
    for (int k = 0; k < 3; k++) free(c.why[k]);
}

/* Completed trials without a value of the objective: the parser read
 * something else (said at once by `sweep run` too). */
static void say_no_objective(struct store *st, const char *dir, const char *objective,
                             const struct stored_info *si)
{
    struct noobj_ctx c = {0, -1};
    if (!objective || store_each_trial(st, ORDER_ID, TRIAL_COMPLETED, 0, noobj_row, &c, NULL) ||
        !c.n)
        return;
    char *td = layout_trial_dir(dir, c.first);
    char *log = layout_log(td);
    struct sb b;
    sb_init(&b);
    sb_addf(&b, "note: %lld completed trial%s gave no value of %s", c.n, c.n == 1 ? "" : "s",
            objective);
    if (si->parser) {
        int rx = !strcmp(si->parser, "regex");
        char *w1 = cli_word(rx ? si->path : si->parser), *w2 = cli_word(log);
        sb_addf(&b, " (parser %s); `sweep metrics %s %s %s` shows what it reads", si->parser,
                rx ? "--config" : "--parser", w1, w2);
        free(w1);
        free(w2);
    }
    struct sb v;
    sb_init(&v);
    sb_add_visible(&v, sb_str(&b));
    printf("%s\n", sb_str(&v));
    sb_release(&v);
    sb_release(&b);
    free(log);
    free(td);
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
        default: return cli_bad_option("status", opts, argv);
        }
    }
    if (argc - optind > 1) return cli_usage("status", "expected at most one sweep directory");
    if (watch > 0 && (json || !isatty(STDOUT_FILENO)))
        return cli_usage("status", "--watch is for a terminal (and not with --json)");
    struct err e = {0};
    char *dir = NULL;
    struct store *st = cli_open_store(optind < argc ? argv[optind] : NULL, &dir, &e);
    if (!st) return cli_fail(&e);
    int live = 0, rc;
    struct stored_info si;
    stored_info(st, &si);
    for (;;) {
        if (watch > 0) fputs("\033[H\033[2J", stdout); /* home, clear */
        rc = show(st, dir, json, &si, &live, NULL);
        fflush(stdout);
        if (rc || watch <= 0 || !live) break;
        struct timespec ts = {.tv_sec = (time_t)watch,
                              .tv_nsec = (long)((watch - (long)watch) * 1e9)};
        nanosleep(&ts, NULL); /* Ctrl-C ends it */
    }
    store_close(st);
    stored_info_release(&si);
    free(dir);
    return rc;
}

int cli_status_json(const char *dir, struct sb *out, struct err *e)
{
    char *d = NULL;
    struct store *st = cli_open_store(dir, &d, e);
    if (!st) return -1;
    struct stored_info si;
    stored_info(st, &si);
    int live = 0;
    int rc = show(st, d, 1, &si, &live, out) ? -1 : 0;
    if (rc) err_usage(e, "%s holds no sweep yet", d);
    store_close(st);
    stored_info_release(&si);
    free(d);
    return rc;
}

/* The counts line: every state, always (a halving sweep's pruned trials
 * among them), and trials recorded running that are not. */
static void print_counts(const struct store_sweep *w, const long long *counts, long long pending,
                         const struct running_ctx *r)
{
    printf("trials: ");
    if (w->total >= 0) printf("%lld in all; ", w->total);
    printf("%lld completed, %lld pruned, %lld failed, %lld stopped, %lld running, %lld pending",
           counts[TRIAL_COMPLETED], counts[TRIAL_PRUNED], counts[TRIAL_FAILED],
           counts[TRIAL_STOPPED], counts[TRIAL_RUNNING],
           w->total >= 0 ? pending : counts[TRIAL_PENDING]);
    if (r->gone) printf(", %lld ended while no sweep ran (`sweep resume` records how)", r->gone);
    printf("\n");
    if (r->unfollowed)
        printf("note: %lld trial%s still running with no sweep following %s (`sweep resume` "
               "adopts them)\n",
               r->unfollowed, r->unfollowed == 1 ? " is" : "s are",
               r->unfollowed == 1 ? "it" : "them");
}

/* max_per_gpu: auto - the last decision of each kind of trial (its event's
 * detail begins "KIND: N at once"). */
struct concur_said {
    char kinds[8][160];
    int n;
};

static void concur_line(const char *detail, double time, void *ctx)
{
    (void)time;
    struct concur_said *c = ctx;
    const char *at = strstr(detail, " at once");
    const char *colon = at;
    while (colon && colon > detail && colon[-1] != ':') colon--; /* "KIND: 3 at once" */
    if (!at || !colon || colon == detail || c->n >= 8) return;
    size_t klen = (size_t)(colon - 1 - detail);
    for (int i = 0; i < c->n; i++)
        if (strlen(c->kinds[i]) == klen && !strncmp(c->kinds[i], detail, klen)) return;
    snprintf(c->kinds[c->n++], sizeof c->kinds[0], "%.*s", (int)klen, detail);
    struct sb v;
    sb_init(&v);
    sb_add_visible(&v, detail);
    printf("concurrency (max_per_gpu: auto): %s\n", sb_str(&v));
    sb_release(&v);
}

/* Throughput (store/throughput.h): trainings per hour, the running
 * trials' rate, the packing gain; as JSON into j when j. */
static void say_throughput(const struct tput *p, struct sb *j)
{
    if (j) {
        sb_add(j, ", \"throughput\": {\"trainings_per_hour\": ");
        if (p->per_hour >= 0) json_num(j, p->per_hour);
        else sb_add(j, "null");
        sb_addf(j, ", \"running\": %lld, \"running_steps_per_hour\": ", p->running);
        json_num(j, p->now_rate);
        sb_addf(j, ", \"ran_alone\": %lld, \"alone_steps_per_hour\": ", p->alone_n);
        if (p->alone_rate >= 0) json_num(j, p->alone_rate);
        else sb_add(j, "null");
        sb_addf(j, ", \"ran_packed\": %lld, \"packed_at_once\": ", p->packed_n);
        if (p->packed_at_once >= 0) json_num(j, p->packed_at_once);
        else sb_add(j, "null");
        sb_add(j, ", \"packing_gain\": ");
        if (p->gain >= 0) json_num(j, p->gain);
        else sb_add(j, "null");
        sb_add(j, "}");
        return;
    }
    if (p->per_hour < 0 && p->now_rate <= 0) return;
    printf("throughput: ");
    if (p->per_hour >= 0) printf("%.1f trainings per hour", p->per_hour);
    if (p->running && p->now_rate > 0)
        printf("%s%lld running at %.0f steps per hour in all", p->per_hour >= 0 ? "; " : "",
               p->running, p->now_rate);
    printf("\n");
    if (p->gain >= 0)
        printf("packing: trials ran %.1f at a time at %.2fx the rate of the %lld of their kind "
               "that ran alone (%.0f steps per hour each)\n",
               p->packed_at_once, p->gain, p->alone_n, p->alone_rate);
    else if (p->packed_n && !p->alone_n)
        printf("packing: trials ran %.1f at a time; none ran alone to compare with\n",
               p->packed_at_once);
}

static int show(struct store *st, char *dir, int json, const struct stored_info *si,
                int *live_out, struct sb *jout)
{
    int slots = si->slots;
    struct err e = {0};
    int rc = 0;
    struct store_sweep w = {0};
    struct running_ctx rc_ = {.dir = dir};
    struct trial_row best;
    memset(&best, 0, sizeof best);
    struct tput tp;
    int have_tput = 0;
    long long counts[TRIAL_NSTATES];
    if (store_get_sweep(st, &w, &e) != 0 || store_counts(st, counts, &e)) {
        if (!e.msg[0]) err_usage(&e, "%s holds no sweep yet", dir);
        rc = jout ? -1 : cli_fail(&e);
        goto out;
    }
    char who[300] = "";
    int live = dirlock_held(dir, who, sizeof who, NULL);
    *live_out = live;

    rc_.now = util_now();
    rc_.live = live;
    table_init(&rc_.t, 8);
    sb_init(&rc_.json);
    running_header(&rc_, st, &w);
    for (int i = 0; i < 7; i++) table_right(&rc_.t, (size_t)i);
    if (store_each_trial(st, ORDER_ID, TRIAL_RUNNING, 0, running_row, &rc_, &e) ||
        store_each_trial(st, ORDER_RANK, TRIAL_COMPLETED, 1, best_row, &best, &e)) {
        rc = cli_fail(&e);
        goto out;
    }
    /* a trial whose supervisor is gone is not running: it ended while no
     * sweep ran, and `sweep resume` records how (exit.json) */
    long long recorded_running = counts[TRIAL_RUNNING];
    counts[TRIAL_RUNNING] -= rc_.gone;
    struct duration_ctx dc = {0, 0};
    store_each_trial(st, ORDER_ID, TRIAL_COMPLETED, 0, duration_row, &dc, NULL);
    long long done = counts[TRIAL_COMPLETED] + counts[TRIAL_FAILED] + counts[TRIAL_STOPPED] +
                     counts[TRIAL_PRUNED];
    long long left = w.total >= 0 ? w.total - done : -1; /* pending rows + never created */
    have_tput = store_throughput(st, w.objective, rc_.now, &tp, NULL) == 0;
    double eta = live ? time_left(left, &dc, &slots, counts[TRIAL_RUNNING]) : -1;
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
        sb_addf(&j, "}, \"ended_unrecorded\": %lld, \"objective\": ", rc_.gone);
        w.objective ? json_quote(&j, w.objective) : sb_add(&j, "null");
        sb_add(&j, ", \"best\": ");
        if (best.params) {
            sb_addf(&j, "{\"trial\": %lld, \"objective\": ", best.id);
            json_num(&j, best.objective);
            sb_addf(&j, ", \"params\": %s}", best.params);
        } else sb_add(&j, "null");
        sb_addf(&j, ", \"trials_running\": [%s], \"eta_seconds\": ", sb_str(&rc_.json));
        eta >= 0 ? json_num(&j, eta) : sb_add(&j, "null");
        if (have_tput) say_throughput(&tp, &j);
        cli_mo_status(st, si->sp, stdout, &j);
        sb_add(&j, "}\n");
        jout ? sb_add(jout, j.buf) : (void)fputs(j.buf, stdout);
        sb_release(&j);
        goto out;
    }
    int mo = say_goals(si->sp, dir, &w);
    printf("\n%s\n", live ? "sweep is running" : "sweep is not running");
    if (live) printf("  (%s)\n", who);
    print_counts(&w, counts, left - recorded_running, &rc_);
    say_no_objective(st, dir, w.objective, si);
    say_failures(st);
    if (best.params && !mo) {
        struct sb b;
        sb_init(&b);
        util_fmt_num(&b, best.objective);
        sb_add(&b, ": ");
        cli_people_params(&b, best.params);
        struct sb v;
        sb_init(&v);
        sb_add_visible(&v, sb_str(&b));
        printf("best: trial %lld, %s %s\n", best.id, w.objective, sb_str(&v));
        sb_release(&v);
        sb_release(&b);
    }
    if (have_tput) say_throughput(&tp, NULL);
    cli_mo_status(st, si->sp, stdout, NULL);
    struct concur_said cs = {.n = 0};
    store_last_events(st, "concurrency", 50, concur_line, &cs, NULL);
    if (rc_.n) {
        printf("\n");
        table_print(&rc_.t, stdout);
    }
    if (live) cli_say_waits(dir);
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
    if (have_tput) tput_release(&tp);
    free(best.params);
    if (rc_.t.ncols) table_release(&rc_.t);
    sb_release(&rc_.json);
    store_sweep_release(&w);
    return rc;
}
