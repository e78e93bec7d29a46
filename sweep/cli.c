/* cli.c - dispatch, shared helpers and the leaderboard table. */
#include "sweep/cli.h"
#include "search/diag.h"
#include "search/render.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "store/layout.h"
#include "store/store.h"
#include "store/stored.h"
#include "sweep/exec/executors.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/table.h"
#include "base/util.h"

#include <dirent.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct command COMMANDS[] = {
    {"run", cmd_run, "start a sweep, or resume it if DIR holds the same sweep"},
    {"resume", cmd_resume, "resume the sweep stored in DIR"},
    {"plan", cmd_plan, "check a sweep file and print its trials; launches nothing"},
    {"status", cmd_status, "trial states, running trials, best so far, ETA"},
    {"top", cmd_top, "leaderboard by the objective"},
    {"best", cmd_best, "the best trial's configuration, as YAML, JSON or a command line"},
    {"stop", cmd_stop, "stop a running sweep, or some of its trials"},
    {"metrics", cmd_metrics, "show what a parser extracts from a log"},
    {"gpus", cmd_gpus, "the GPUs found, their memory, and what sweeps hold on them"},
    {"ps", cmd_ps, "every sweep on this machine: user, trials, GPU memory held"},
    {"export", cmd_export, "every trial and metric value, as CSV or JSON"},
    {"import", cmd_import, "earlier tuning results (tune_results.csv, evolve.csv) as a sweep"},
    {"report", cmd_report, "an HTML report with gnuplot images; compares sweeps"},
    {"serve", cmd_serve, "a live dashboard of the sweeps in a browser, and an API"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sweep COMMAND [ARGS]\n\n"
               "Runs hyperparameter sweeps of training commands from one YAML file\n"
               "(a superset of the W&B sweep format).\n\ncommands:\n");
    for (const struct command *c = COMMANDS; c->name; c++)
        fprintf(f, "  %-9s %s\n", c->name, c->summary);
    fprintf(f, "\n`sweep COMMAND --help` describes each. Exit status: 0 success, 1 runtime\n"
               "error, 2 usage or config error, 130 interrupted (docs/cli.md).\n");
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "help") && argc > 2) { /* sweep help run: run's own help */
        for (const struct command *c = COMMANDS; c->name; c++)
            if (!strcmp(argv[2], c->name)) return c->fn(2, (char *[]){argv[2], "--help", NULL});
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("sweep %s\n", SWEEP_VERSION);
        return 0;
    }
    for (const struct command *c = COMMANDS; c->name; c++)
        if (!strcmp(argv[1], c->name)) return c->fn(argc - 1, argv + 1);
    const char *names[16];
    size_t n = 0;
    for (const struct command *c = COMMANDS; c->name; c++) names[n++] = c->name;
    names[n] = NULL;
    const char *s = util_suggest(argv[1], names);
    fprintf(stderr, "sweep: unknown command '%s'%s%s%s; see sweep --help\n", argv[1],
            s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
    return 2;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sweep %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sweep %s --help'.\n", cmd);
    return 2;
}

int cli_bad_option(const char *cmd, const struct option *opts, char **argv)
{
    const char *arg = argv[optind - 1];
    /* a known option without its argument: getopt names it in optopt */
    for (const struct option *o = opts; optopt && o->name; o++)
        if (o->val == optopt && o->has_arg == required_argument)
            return cli_usage(cmd, "option --%s (-%c) needs an argument", o->name, o->val);
    if (optopt) { /* an unknown short option */
        char one[3] = {'-', (char)optopt, '\0'};
        return cli_usage(cmd, "unknown option %s", one);
    }
    const char *names[64];
    size_t n = 0;
    for (const struct option *o = opts; o->name && n < 63; o++) names[n++] = o->name;
    names[n] = NULL;
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(arg + (arg[1] == '-' ? 2 : 1), "="),
             arg + (arg[1] == '-' ? 2 : 1));
    const char *near = util_suggest(word, names);
    struct sb b;
    sb_init(&b);
    sb_add_visible(&b, arg);
    int rc = near ? cli_usage(cmd, "unknown option %s (did you mean --%s?)", sb_str(&b), near)
                  : cli_usage(cmd, "unknown option %s", sb_str(&b));
    sb_release(&b);
    return rc;
}

int cli_fail(const struct err *e)
{
    struct sb b;
    sb_init(&b);
    sb_add_visible(&b, e->msg);
    fprintf(stderr, "sweep: %s\n", sb_str(&b));
    sb_release(&b);
    return e->status ? e->status : 1;
}

char *cli_word(const char *s)
{
    struct sb q, b;
    sb_init(&q);
    sb_init(&b);
    render_shell_word(&q, s);
    sb_add_visible(&b, sb_str(&q));
    sb_release(&q);
    return sb_detach(&b);
}

int cli_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(fileno(f)) && !(nc && *nc);
}

char *cli_find_dir(const char *dir, struct err *e)
{
    struct stat st;
    if (dir) {
        char *db = layout_db(dir);
        int ok = stat(db, &st) == 0;
        free(db);
        if (!ok) {
            err_usage(e, "%s is not a sweep directory (no sweep.db)", dir);
            return NULL;
        }
        return xstrdup(dir);
    }
    char *here = layout_db(".");
    int is_sweep = stat(here, &st) == 0;
    free(here);
    if (is_sweep) return xstrdup(".");
    DIR *d = opendir("runs");
    char *best = NULL;
    double newest = -1;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char *sub = xasprintf("runs/%s", de->d_name);
        char *db = layout_db(sub);
        free(sub);
        if (stat(db, &st) == 0) {
            double t = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
            if (t > newest) {
                newest = t;
                free(best);
                best = xasprintf("runs/%s", de->d_name);
            }
        }
        free(db);
    }
    if (d) closedir(d);
    if (!best) err_usage(e, "no sweep directory given, and none here or under runs/");
    return best;
}

struct space *cli_load_space(const char *file)
{
    struct diag d;
    diag_init(&d, file);
    struct space_env env = {.parsers = metrics_parser_names(), .executors = exec_names()};
    struct space *sp = space_load(file, &env, &d);
    if (sp) { /* the executor reads its section */
        size_t before = d.nerrors;
        exec_configure(sp, &d);
        if (d.nerrors != before) {
            space_free(sp);
            sp = NULL;
        }
    }
    diag_print(&d);
    diag_release(&d);
    return sp;
}

struct space *cli_load_stored(struct store *st, const struct store_sweep *w)
{
    struct diag d;
    diag_init(&d, w->spec_path);
    struct space *sp = store_load_space(st, w, metrics_parser_names(), &d);
    if (sp) {
        size_t before = d.nerrors;
        exec_configure(sp, &d);
        if (d.nerrors != before) {
            space_free(sp);
            sp = NULL;
        }
    }
    if (!sp) {
        fprintf(stderr, "sweep: the file stored with this sweep (%s) does not load:\n",
                w->spec_path);
        diag_print(&d);
    }
    diag_release(&d);
    return sp;
}

struct store *cli_open_store(const char *dir, char **dir_out, struct err *e)
{
    char *found = cli_find_dir(dir, e);
    if (!found) return NULL;
    char *db = layout_db(found);
    struct store *st = store_open_ro(db, e);
    free(db);
    if (st && dir_out) *dir_out = found;
    else free(found);
    return st;
}

/* A params map as dotted names and their values, for table columns. */
struct flat {
    char **names, **vals, **shown; /* shown: for people (value_people_str) */
    size_t n;
};

static void flat_leaf(const char *path, const struct value *leaf, void *ctx)
{
    struct flat *f = ctx;
    struct sb b, p;
    sb_init(&b);
    sb_init(&p);
    value_py_str(&b, leaf);
    value_people_str(&p, leaf);
    f->names = xrealloc(f->names, (f->n + 1) * sizeof *f->names);
    f->vals = xrealloc(f->vals, (f->n + 1) * sizeof *f->vals);
    f->shown = xrealloc(f->shown, (f->n + 1) * sizeof *f->shown);
    f->names[f->n] = xstrdup(path);
    f->vals[f->n] = b.len ? sb_detach(&b) : xstrdup("");
    f->shown[f->n++] = p.len ? sb_detach(&p) : xstrdup("");
    sb_release(&b);
    sb_release(&p);
}

static void people_leaf(const char *path, const struct value *leaf, void *ctx)
{
    struct sb *b = ctx;
    sb_addf(b, "%s%s=", b->len ? " " : "", path);
    value_people_str(b, leaf);
}

void cli_people_params(struct sb *b, const char *params_json)
{
    struct value *p = json_parse(params_json, strlen(params_json), NULL);
    struct sb t;
    sb_init(&t);
    if (p) value_each_leaf(p, people_leaf, &t);
    else sb_add(&t, params_json);
    sb_add(b, sb_str(&t));
    sb_release(&t);
    value_free(p);
}

struct top_ctx {
    struct table t;
    int have_cols;
    char **cols;
    size_t ncols;
    long long rank;
    const char *objective;
    int rungs;      /* a rung column: the trials have rungs (halving, hyperband) */
};

/* rank, trial, state, objective, step, (rung); then the parameters, reason */
#define TOP_FIXED (5 + c->rungs)

static void top_header(struct top_ctx *c, char **names, size_t n, int rungs)
{
    c->have_cols = 1;
    c->rungs = rungs;
    c->cols = xcalloc(n ? n : 1, sizeof *c->cols);
    for (size_t i = 0; i < n; i++) c->cols[i] = xstrdup(names[i]);
    c->ncols = n;
    table_init(&c->t, TOP_FIXED + n + 1);
    const char **hdr = xcalloc(TOP_FIXED + n + 1, sizeof *hdr);
    hdr[0] = "rank";
    hdr[1] = "trial";
    hdr[2] = "state";
    hdr[3] = c->objective ? c->objective : "objective";
    hdr[4] = "step";
    if (c->rungs) hdr[5] = "rung";
    /* never two columns with one name: a parameter called like one of ours
     * (step, rung, reason...) is shown as "NAME (parameter)" */
    char **own = xcalloc(n ? n : 1, sizeof *own);
    for (size_t i = 0; i < n; i++) {
        int clash = !strcmp(names[i], "reason");
        for (size_t k = 0; k < (size_t)TOP_FIXED; k++)
            if (!strcmp(names[i], hdr[k])) clash = 1;
        if (clash) own[i] = xasprintf("%s (parameter)", names[i]);
        hdr[TOP_FIXED + i] = own[i] ? own[i] : names[i];
    }
    hdr[TOP_FIXED + n] = "reason";
    table_add(&c->t, hdr);
    for (size_t i = 0; i < n; i++) free(own[i]);
    free(own);
    free(hdr);
    for (size_t col = 0; col < TOP_FIXED; col++)
        if (col != 2) table_right(&c->t, col);
}

static int top_row(const struct trial_row *tr, void *ctx)
{
    struct top_ctx *c = ctx;
    struct value *p = json_parse(tr->params, strlen(tr->params), NULL);
    struct flat f = {0};
    value_each_leaf(p, flat_leaf, &f);
    if (!c->have_cols) top_header(c, f.names, f.n, tr->rung >= 0); /* the first row names them */
    size_t nc = TOP_FIXED + c->ncols + 1;
    const char **row = xcalloc(nc, sizeof *row), **shown = xcalloc(nc, sizeof *shown);
    char rank[24], id[24], step[24], rung[16] = "";
    struct sb obj, objp;
    sb_init(&obj);
    sb_init(&objp);
    snprintf(rank, sizeof rank, "%lld", ++c->rank);
    snprintf(id, sizeof id, "%lld", tr->id);
    step[0] = '\0';
    if (tr->has_objective) {
        json_num(&obj, tr->objective);
        util_fmt_num(&objp, tr->objective);
        snprintf(step, sizeof step, "%lld", tr->objective_step);
    }
    row[0] = rank;
    row[1] = id;
    row[2] = store_state_name(tr->state);
    row[3] = sb_str(&obj);
    shown[3] = sb_str(&objp);
    row[4] = step;
    if (c->rungs) {
        if (tr->rung >= 0) snprintf(rung, sizeof rung, "%d", tr->rung);
        row[5] = rung;
    }
    /* columns by name: every trial of a sweep has the same parameters */
    for (size_t i = 0; i < c->ncols; i++) {
        row[TOP_FIXED + i] = "";
        for (size_t k = 0; k < f.n; k++)
            if (!strcmp(c->cols[i], f.names[k])) {
                row[TOP_FIXED + i] = f.vals[k];
                shown[TOP_FIXED + i] = f.shown[k];
            }
    }
    row[nc - 1] = tr->reason ? tr->reason : "";
    /* failed red, running yellow, stopped and pending dim */
    static const char *const sgr[TRIAL_NSTATES] = {"2", "33", NULL, "31", "2", "2"};
    table_add_shown(&c->t, row, shown, sgr[tr->state]);
    free(row);
    free(shown);
    sb_release(&obj);
    sb_release(&objp);
    for (size_t k = 0; k < f.n; k++) {
        free(f.names[k]);
        free(f.vals[k]);
        free(f.shown[k]);
    }
    free(f.names);
    free(f.vals);
    free(f.shown);
    value_free(p);
    return 0;
}

int cli_print_top(struct store *st, FILE *f, long long n, int csv, int all_rungs, struct err *e)
{
    struct top_ctx c;
    memset(&c, 0, sizeof c);
    struct store_sweep w;
    if (store_get_sweep(st, &w, e) < 0) return -1;
    c.objective = w.objective;
    int rc = store_each_trial(st, all_rungs ? ORDER_RANK : ORDER_CONFIGS, -1, n, top_row, &c, e);
    if (!rc && c.have_cols) {
        c.t.color = !csv && cli_color(f);
        if (csv) table_print_csv(&c.t, f);
        else table_print(&c.t, f);
    } else if (!rc && !csv) {
        fprintf(f, "no trials yet\n");
    }
    if (c.have_cols) table_release(&c.t);
    for (size_t i = 0; i < c.ncols; i++) free(c.cols[i]);
    free(c.cols);
    store_sweep_release(&w);
    return rc;
}

/* runs/NAME for a file: its stem, or its folder's name for sweep.yaml. */
char *cli_default_dir(const char *file)
{
    char *copy = xstrdup(file);
    char *base = xstrdup(basename(copy));
    char *dot = strrchr(base, '.');
    if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))) *dot = '\0';
    free(copy);
    if (!strcmp(base, "sweep") || !*base) {
        copy = xstrdup(file);
        char *parent = dirname(copy);
        char *pbase = basename(parent);
        char cwd[4096];
        if (!strcmp(pbase, ".") && getcwd(cwd, sizeof cwd)) pbase = basename(cwd);
        if (strcmp(pbase, "/") && strcmp(pbase, ".")) {
            free(base);
            base = xstrdup(pbase);
        }
        free(copy);
    }
    char *dir = xasprintf("runs/%s", base);
    free(base);
    return dir;
}

/* A new sweep's row and the inputs its file took from outside. */
int cli_init_sweep(struct store *st, const struct space *sp, struct store_sweep *w,
                   struct err *e)
{
    char here[4096];
    if (!getcwd(here, sizeof here)) return err_errno(e, "getcwd");
    w->spec_path = xstrdup(sp->path);
    w->spec_text = xstrdup(sp->text);
    w->spec_hash = xstrdup(sp->hash);
    w->cwd = xstrdup(here);
    w->method = xstrdup(space_method_name(sp->method));
    w->objective = sp->metric_name ? xstrdup(sp->metric_name) : NULL;
    w->maximize = space_maximizes(sp);
    w->summary_last = sp->summary_last;
    w->total = trials_total(sp);
    w->seed = (long long)sp->seed;
    w->created = util_now();
    w->version = xstrdup(SWEEP_VERSION);
    if (store_begin(st, e)) return -1;
    int rc = store_init_sweep(st, w, e) || store_put_inputs(st, sp->inputs, sp->ninputs, e);
    return store_settle(st, rc, e);
}

void cli_warn_params(const struct space *sp)
{
    if (!sp->ncommand || space_passes_params(sp)) return;
    struct sb m;
    sb_init(&m);
    sb_add_visible(&m, sp->path);
    fprintf(stderr, "%s: warning: %s (docs/config.md, \"W&B trainers\")\n", sb_str(&m),
            SPACE_NO_PARAMS_PASSED);
    sb_release(&m);
}

const char *cli_at_a_time(const struct space *sp, char *buf, size_t n)
{
    const struct exec_def *x = exec_def(sp->executor);
    if (sp->max_parallel >= SPACE_GPU_PARALLEL && (sp->gpus_auto || sp->ngpu_list))
        snprintf(buf, n, "as many at a time as the GPUs' memory holds%s",
                 sp->max_per_gpu ? " (max_per_gpu a GPU)" : "");
    else if (sp->max_parallel >= SPACE_GPU_PARALLEL && x && x->machines)
        snprintf(buf, n, "as many at a time as the cores of %s hold", x->machines);
    else if (sp->in_flight > sp->max_parallel)
        snprintf(buf, n, "%d at a time, up to %d queued as a job array", sp->max_parallel,
                 sp->in_flight);
    else snprintf(buf, n, "%d at a time", sp->max_parallel);
    return buf;
}

int cli_json_only(int argc, char **argv, const char *cmd, const char *usage, int *json)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    *json = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j') *json = 1;
        else if (c == 'h') {
            fputs(usage, stdout);
            return 0;
        } else return cli_bad_option(cmd, opts, argv);
    }
    if (optind != argc) return cli_usage(cmd, "takes no arguments");
    return -1;
}
