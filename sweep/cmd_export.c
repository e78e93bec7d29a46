/* cmd_export.c - `sweep export DIR --csv|--json`: every trial and metric
 * value, for other tools (pandas, spreadsheets, jq). Streamed: a store of
 * millions of rows is written without being held in memory. */
#include "base/value.h"
#include "store/store.h"
#include "sweep/cli.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/table.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: sweep export DIR --csv | --json\n"
    "\n"
    "Every trial and every metric value of a sweep, on stdout.\n"
    "\n"
    "  --csv    one row per metric value, \"long\" format, with a header:\n"
    "           trial,state,objective,PARAM...,name,step,value,time\n"
    "           (a parameter named like another column is \"NAME (parameter)\")\n"
    "           (a trial without metrics has one row with empty name, step,\n"
    "           value and time; nested parameters are dotted columns)\n"
    "  --json   {\"sweep\": {...}, \"trials\": [{\"trial\": i, \"state\": s, \"reason\": r,\n"
    "           \"attempts\": n, \"started\": t, \"ended\": t, \"exit_code\": c,\n"
    "           \"exit_signal\": s, \"objective\": v, \"objective_step\": n,\n"
    "           \"params\": {...}, \"metrics\": {\"NAME\": [[step, value], ...]}}]}\n"
    "           (times are Unix seconds; null where there is none; NaN is null)\n"
    "  -h, --help  this text\n";

/* The trials, read once (ids, states and params for the metric rows). */
struct tr {
    long long id;
    char *state;
    int has_obj;
    double obj;
    char **vals;     /* flattened parameter values, CSV columns */
    char *json;      /* the trial's JSON object without its metrics */
    char *csv;       /* "trial,state,objective,PARAM...," made once */
    char *params;    /* its parameters, JSON */
};

struct ex {
    struct tr *t;
    size_t n;
    char **cols;     /* flattened parameter names */
    size_t ncols;
    int csv;
    struct sb out;
    size_t cur;      /* the trial the metric rows are at */
    size_t next;     /* the first trial not written yet */
    int open;        /* JSON: trial cur's object is open */
    char *last_name; /* JSON: the metric being written */
};

static void flush(struct ex *x)
{
    if (x->out.len > (1 << 16)) {
        fwrite(x->out.buf, 1, x->out.len, stdout);
        sb_reset(&x->out);
    }
}

struct leaf_ctx {
    struct ex *x;
    char **vals; /* NULL: only learn the columns */
    int add;     /* new names become columns */
};

static void export_leaf(const char *path, const struct value *leaf, void *ctx)
{
    struct leaf_ctx *c = ctx;
    struct ex *x = c->x;
    size_t k = 0;
    while (k < x->ncols && strcmp(x->cols[k], path)) k++;
    if (k == x->ncols && c->add) {
        x->cols = xrealloc(x->cols, (x->ncols + 1) * sizeof *x->cols);
        x->cols[x->ncols++] = xstrdup(path);
    }
    if (k < x->ncols && c->vals) {
        struct sb b;
        sb_init(&b);
        value_py_str(&b, leaf);
        free(c->vals[k]);
        c->vals[k] = sb_detach(&b);
    }
}

static void flatten(const struct value *v, struct ex *x, char **vals, int add)
{
    struct leaf_ctx c = {.x = x, .vals = vals, .add = add};
    value_each_leaf(v, export_leaf, &c);
}

static void num_or_null(struct sb *b, int has, double v)
{
    if (has) json_num(b, v);
    else sb_add(b, "null");
}

static int read_trial(const struct trial_row *t, void *ctx)
{
    struct ex *x = ctx;
    x->t = xrealloc(x->t, (x->n + 1) * sizeof *x->t);
    struct tr *r = &x->t[x->n++];
    memset(r, 0, sizeof *r);
    r->id = t->id;
    r->state = xstrdup(store_state_name(t->state));
    r->has_obj = t->has_objective;
    r->obj = t->objective;
    r->params = xstrdup(t->params);
    struct value *p = json_parse(t->params, strlen(t->params), NULL);
    if (p && p->kind == V_MAP) flatten(p, x, NULL, 1);
    value_free(p);
    struct sb b;
    sb_init(&b);
    sb_addf(&b, "{\"trial\": %lld, \"state\": \"%s\", \"reason\": ", t->id, r->state);
    if (t->reason) json_quote(&b, t->reason);
    else sb_add(&b, "null");
    sb_addf(&b, ", \"attempts\": %d, \"started\": ", t->attempts);
    num_or_null(&b, t->started > 0, t->started);
    sb_add(&b, ", \"ended\": ");
    num_or_null(&b, t->ended > 0, t->ended);
    sb_add(&b, ", \"exit_code\": ");
    if (t->has_exit_code) sb_addf(&b, "%d", t->exit_code);
    else sb_add(&b, "null");
    sb_add(&b, ", \"exit_signal\": ");
    if (t->exit_signal) sb_addf(&b, "%d", t->exit_signal);
    else sb_add(&b, "null");
    sb_add(&b, ", \"objective\": ");
    num_or_null(&b, t->has_objective, t->objective);
    sb_add(&b, ", \"objective_step\": ");
    if (t->has_objective) sb_addf(&b, "%lld", t->objective_step);
    else sb_add(&b, "null");
    sb_addf(&b, ", \"params\": %s", t->params);
    r->json = sb_detach(&b);
    return 0;
}

static void csv_field(struct sb *b, const char *v);

static void csv_trial_part(struct ex *x, struct tr *r)
{
    if (!r->csv) {
        struct sb b;
        sb_init(&b);
        sb_addf(&b, "%lld,%s,", r->id, r->state);
        if (r->has_obj) json_num(&b, r->obj);
        for (size_t k = 0; k < x->ncols; k++) {
            sb_addc(&b, ',');
            csv_field(&b, r->vals[k] ? r->vals[k] : "");
        }
        r->csv = sb_detach(&b);
    }
    sb_add(&x->out, r->csv);
}

static size_t find_trial(struct ex *x, long long id)
{
    while (x->cur < x->n && x->t[x->cur].id < id) x->cur++;
    return x->cur < x->n && x->t[x->cur].id == id ? x->cur : x->n;
}

/* JSON: close the open trial's object. */
static void json_close_trial(struct ex *x)
{
    if (!x->open) return;
    if (x->last_name) sb_add(&x->out, "]");
    free(x->last_name);
    x->last_name = NULL;
    sb_add(&x->out, "}}");
    x->open = 0;
}

/* Trials x->next .. upto-1, which have no metric rows, whole. */
static void write_bare(struct ex *x, size_t upto)
{
    for (; x->next < upto; x->next++) {
        struct tr *r = &x->t[x->next];
        if (x->csv) {
            csv_trial_part(x, r);
            sb_add(&x->out, ",,,,\r\n");
        } else {
            sb_add(&x->out, x->next ? ",\n  " : "\n  ");
            sb_add(&x->out, r->json);
            sb_add(&x->out, ", \"metrics\": {}}");
        }
        flush(x);
    }
}

static void csv_field(struct sb *b, const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        sb_add(b, v);
        return;
    }
    sb_addc(b, '"');
    for (const char *c = v; *c; c++) {
        if (*c == '"') sb_addc(b, '"');
        sb_addc(b, *c);
    }
    sb_addc(b, '"');
}

static int on_metric(long long trial, const char *name, long long step, int has, double value,
                     double time, void *ctx)
{
    struct ex *x = ctx;
    size_t k = find_trial(x, trial);
    if (k == x->n) return 0; /* a row of a trial that is gone: skip */
    struct sb *b = &x->out;
    if (k >= x->next) { /* the first row of trial k */
        json_close_trial(x);
        write_bare(x, k);
        x->next = k + 1;
        if (!x->csv) {
            sb_add(b, k ? ",\n  " : "\n  ");
            sb_add(b, x->t[k].json);
            sb_add(b, ", \"metrics\": {");
            x->open = 1;
        }
    }
    if (x->csv) {
        csv_trial_part(x, &x->t[k]);
        sb_addc(b, ',');
        csv_field(b, name);
        sb_addf(b, ",%lld,", step);
        if (has && isfinite(value)) json_num(b, value);
        else if (has) sb_add(b, "nan");
        sb_addc(b, ',');
        json_num(b, time);
        sb_add(b, "\r\n");
    } else {
        if (!x->last_name || strcmp(x->last_name, name)) {
            if (x->last_name) sb_add(b, "], ");
            free(x->last_name);
            x->last_name = xstrdup(name);
            json_quote(b, name);
            sb_add(b, ": [");
        } else {
            sb_add(b, ", ");
        }
        sb_addf(b, "[%lld, ", step);
        num_or_null(b, has && isfinite(value), value);
        sb_addc(b, ']');
    }
    flush(x);
    return 0;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"csv", no_argument, NULL, 'c'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int csv = 0, json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'c') csv = 1;
        else if (c == 'j') json = 1;
        else if (c == 'h') {
            fputs(USAGE, stdout);
            return 0;
        } else return cli_bad_option("export", opts, argv);
    }
    if (csv == json) return cli_usage("export", "give one of --csv and --json");
    if (argc - optind != 1) return cli_usage("export", "expected one sweep directory");
    struct err e = {0};
    struct store *st = cli_open_store(argv[optind], NULL, &e);
    if (!st) return cli_fail(&e);
    struct ex x;
    memset(&x, 0, sizeof x);
    x.csv = csv;
    sb_init(&x.out);
    struct store_sweep w = {0};
    int rc = 0;
    if (store_get_sweep(st, &w, &e) != 0 ||
        store_each_trial(st, ORDER_ID, -1, 0, read_trial, &x, &e)) {
        if (!e.msg[0]) err_usage(&e, "%s holds no sweep yet", argv[optind]);
        rc = cli_fail(&e);
        goto out;
    }
    for (size_t i = 0; i < x.n; i++) { /* the CSV columns of each trial, now all are known */
        x.t[i].vals = xcalloc(x.ncols ? x.ncols : 1, sizeof *x.t[i].vals);
        struct value *p = json_parse(x.t[i].params, strlen(x.t[i].params), NULL);
        if (p && p->kind == V_MAP) flatten(p, &x, x.t[i].vals, 0);
        value_free(p);
    }
    if (csv) {
        /* one name per column: a parameter named like one of ours is "NAME
         * (parameter)", as in the report; names are CSV fields */
        const char *obj = w.objective ? w.objective : "objective";
        static const char *const ours[] = {"trial", "state", "name", "step", "value", "time", NULL};
        sb_add(&x.out, "trial,state,");
        csv_field(&x.out, obj);
        for (size_t k = 0; k < x.ncols; k++) {
            int clash = !strcmp(x.cols[k], obj);
            for (const char *const *o = ours; *o; o++) clash |= !strcmp(x.cols[k], *o);
            char *col = clash ? xasprintf("%s (parameter)", x.cols[k]) : xstrdup(x.cols[k]);
            sb_addc(&x.out, ',');
            csv_field(&x.out, col);
            free(col);
        }
        sb_add(&x.out, ",name,step,value,time\r\n");
    } else {
        sb_add(&x.out, "{\"sweep\": {\"spec_path\": ");
        json_quote(&x.out, w.spec_path);
        sb_addf(&x.out, ", \"spec_hash\": \"%s\", \"method\": \"%s\", \"objective\": ", w.spec_hash,
                w.method);
        if (w.objective) json_quote(&x.out, w.objective);
        else sb_add(&x.out, "null");
        sb_addf(&x.out, ", \"goal\": %s, \"summary\": \"%s\", \"created\": ",
                w.objective ? (w.maximize ? "\"maximize\"" : "\"minimize\"") : "null",
                w.summary_last ? "last" : "best");
        json_num(&x.out, w.created);
        sb_add(&x.out, "}, \"trials\": [");
    }
    if (store_each_metric(st, on_metric, &x, &e)) {
        rc = cli_fail(&e);
        goto out;
    }
    json_close_trial(&x);
    write_bare(&x, x.n);
    if (!csv) sb_add(&x.out, x.n ? "\n]}\n" : "]}\n");
    fwrite(x.out.buf ? x.out.buf : "", 1, x.out.len, stdout);
out:
    for (size_t i = 0; i < x.n; i++) {
        free(x.t[i].state);
        free(x.t[i].json);
        free(x.t[i].csv);
        free(x.t[i].params);
        for (size_t k = 0; x.t[i].vals && k < x.ncols; k++) free(x.t[i].vals[k]);
        free(x.t[i].vals);
    }
    free(x.t);
    for (size_t k = 0; k < x.ncols; k++) free(x.cols[k]);
    free(x.cols);
    free(x.last_name);
    sb_release(&x.out);
    store_sweep_release(&w);
    store_close(st);
    return rc;
}
