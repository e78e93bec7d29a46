/* cmd_top.c - `sweep top [DIR]`: the leaderboard. */
#include "plots/plots.h"
#include "base/value.h"
#include "store/store.h"
#include "sweep/cli.h"
#include "base/err.h"
#include "base/json.h"
#include "store/throughput.h"
#include "base/util.h"
#include "base/util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: sweep top [DIR] [-n N] [--all-rungs] [--json | --csv | --plot]\n"
    "\n"
    "The trials of a sweep, best first: completed trials by the objective\n"
    "(metric.name, goal, metrics.summary), then running, pruned, stopped,\n"
    "failed and pending ones. Halving and hyperband: one row per\n"
    "configuration, at the furthest rung it reached (the highest rungs\n"
    "first). DIR defaults to the current directory when it holds sweep.db,\n"
    "else the newest sweep under runs/.\n"
    "\n"
    "  -n, --limit N  at most N trials (default: all)\n"
    "  --all-rungs every trial of every rung (a configuration once per rung)\n"
    "  --json      [{\"trial\": i, \"state\": s, \"objective\": v, \"steps_per_hour\": r,\n"
    "              \"at_once\": k, \"params\": {...}}, ...]\n"
    "              (objective null when the trial has none; also \"step\", \"reason\")\n"
    "  --csv       rank,trial,state,OBJECTIVE,step,PARAM... with a header row\n"
    "  --plot      the objective per step of the best N trials (default 5),\n"
    "              drawn in the terminal by gnuplot\n"
    "  -h, --help  this text\n";

struct json_ctx {
    struct sb b;
    int first;
    struct tput tp;          /* each trial's rate and trials beside it */
};

static int json_row(const struct trial_row *t, void *ctx)
{
    struct json_ctx *c = ctx;
    struct sb *b = &c->b;
    sb_add(b, c->first ? "\n  " : ",\n  ");
    c->first = 0;
    sb_addf(b, "{\"trial\": %lld, \"state\": \"%s\", \"objective\": ", t->id,
            store_state_name(t->state));
    if (t->has_objective) json_num(b, t->objective);
    else sb_add(b, "null");
    if (t->has_objective) sb_addf(b, ", \"step\": %lld", t->objective_step);
    else sb_add(b, ", \"step\": null");
    if (t->rung >= 0) sb_addf(b, ", \"rung\": %d", t->rung);
    if (t->parent >= 0) sb_addf(b, ", \"parent\": %lld", t->parent);
    sb_add(b, ", \"reason\": ");
    if (t->reason) json_quote(b, t->reason);
    else sb_add(b, "null");
    const struct tput_trial *r = NULL; /* c->tp.t is in id order */
    for (size_t lo = 0, hi = c->tp.n; lo < hi && !r;) {
        size_t mid = (lo + hi) / 2;
        if (c->tp.t[mid].id == t->id) r = &c->tp.t[mid];
        else if (c->tp.t[mid].id < t->id) lo = mid + 1;
        else hi = mid;
    }
    sb_add(b, ", \"steps_per_hour\": ");
    if (r && r->rate > 0) json_num(b, r->rate);
    else sb_add(b, "null");
    sb_add(b, ", \"at_once\": ");
    if (r) json_num(b, r->at_once);
    else sb_add(b, "null");
    sb_addf(b, ", \"params\": %s}", t->params);
    return 0;
}

/* The leaderboard as JSON, appended to out. */
static int top_json(struct store *st, long long n, int all, struct sb *out, struct err *e)
{
    struct json_ctx jc = {.first = 1};
    sb_init(&jc.b);
    sb_addc(&jc.b, '[');
    struct store_sweep w = {0};
    store_get_sweep(st, &w, NULL);
    int rc = 0;
    if (store_throughput(st, w.objective, util_now(), &jc.tp, e) ||
        store_each_trial(st, all ? ORDER_RANK : ORDER_CONFIGS, -1, n, json_row, &jc, e))
        rc = -1;
    else {
        sb_add(&jc.b, jc.first ? "]\n" : "\n]\n");
        sb_add(out, jc.b.buf);
    }
    sb_release(&jc.b);
    tput_release(&jc.tp);
    store_sweep_release(&w);
    return rc;
}

int cli_top_json(const char *dir, long long n, int all_rungs, struct sb *out, struct err *e)
{
    struct store *st = cli_open_store(dir, NULL, e);
    if (!st) return -1;
    int rc = cli_mo_top(st, NULL, n, 0, out, e); /* several objectives: by front */
    if (rc == 1) rc = top_json(st, n, all_rungs, out, e);
    store_close(st);
    return rc;
}

int cmd_top(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"plot", no_argument, NULL, 'p'},
                                         {"all-rungs", no_argument, NULL, 'a'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, csv = 0, plot = 0, all = 0, c;
    long long n = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'c': csv = 1; break;
        case 'p': plot = 1; break;
        case 'a': all = 1; break;
        case 'n': {
            char *end;
            n = strtoll(optarg, &end, 10);
            if (*end || n < 1) return cli_usage("top", "-n needs a number >= 1");
            break;
        }
        case 'h': fputs(USAGE, stdout); return 0;
        default: return cli_bad_option("top", opts, argv);
        }
    }
    if (json + csv + plot > 1) return cli_usage("top", "--json, --csv and --plot exclude each other");
    if (argc - optind > 1) return cli_usage("top", "expected at most one sweep directory");
    struct err e = {0};
    struct store *st = cli_open_store(optind < argc ? argv[optind] : NULL, NULL, &e);
    if (!st) return cli_fail(&e);
    int rc = 0;
    if (plot) {
        struct winsize ws;
        int w = 100, h = 30;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40 && ws.ws_row >= 12) {
            w = ws.ws_col;
            h = ws.ws_row - 2 < 40 ? ws.ws_row - 2 : 40;
        }
        if (plots_terminal(st, n ? n : 5, w, h, &e)) rc = cli_fail(&e);
    } else if (json) {
        struct sb b;
        sb_init(&b);
        int mo = cli_mo_top(st, NULL, n, 0, &b, &e); /* several objectives: by front */
        if (mo < 0 || (mo == 1 && top_json(st, n, all, &b, &e))) rc = cli_fail(&e);
        else fputs(sb_str(&b), stdout);
        sb_release(&b);
    } else {
        int mo = cli_mo_top(st, stdout, n, csv, NULL, &e);
        if (mo < 0 || (mo == 1 && cli_print_top(st, stdout, n, csv, all, &e))) rc = cli_fail(&e);
    }
    store_close(st);
    return rc;
}
