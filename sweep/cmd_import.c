/* cmd_import.c - `sweep import RESULTS.csv SWEEP.yaml [-d DIR]`: earlier
 * tuning results into a sweep directory as completed trials, so that
 * method bayes or evolve starts from them (prior: [DIR], or sweep resume
 * DIR). Two formats, as their tuners write them:
 *
 *   Ultralytics model.tune(): tune_results.csv, "fitness,lr0,lrf,..." then
 *     one row per iteration (fitness rounded to 5 digits; 0.0 when the
 *     iteration's training failed);
 *   YOLOv5 train.py, evolving: evolve.csv, names right-aligned in 20
 *     columns ("%20s,"): metrics/precision, metrics/recall,
 *     metrics/mAP_0.5, metrics/mAP_0.5:0.95, val/box_loss, val/obj_loss,
 *     val/cls_loss, then the hyperparameters; values "%20.5g,".
 *
 * Everything is read and checked before anything is written; the trials
 * are written in one transaction. */
#include "search/methods.h"
#include "search/space.h"
#include "search/trials.h"
#include "store/layout.h"
#include "store/store.h"
#include "sweep/cli.h"
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char USAGE[] =
    "usage: sweep import RESULTS.csv SWEEP.yaml [-d DIR]\n"
    "\n"
    "Reads the results of an earlier tuning - Ultralytics' tune_results.csv\n"
    "(model.tune) or YOLOv5's evolve.csv (its train.py evolving) - into a new\n"
    "sweep directory as completed trials of SWEEP.yaml, a bayes or evolve\n"
    "sweep over (some of) the same hyperparameters. Give DIR to another\n"
    "sweep as `prior: [DIR]`, or continue it with `sweep resume DIR`.\n"
    "\n"
    "The objective is the column named metric.name, else Ultralytics'\n"
    "fitness (0.1 mAP50 + 0.9 mAP50-95; a row of fitness 0 is a failed\n"
    "iteration) or, for evolve.csv, the same computed from its mAP columns.\n"
    "Rows with a value outside SWEEP.yaml's range, or not among its values,\n"
    "are left out and counted.\n"
    "\n"
    "  -d, --dir DIR  where to write it (default runs/NAME, as sweep run)\n"
    "  -h, --help     this text\n"
    "\n"
    "Exit status: 0 imported, 1 a runtime error, 2 a malformed file or a\n"
    "parameter without a column (nothing written).\n";

enum kind { K_ULTRALYTICS, K_YOLOV5 };

/* The largest magnitude a value may have: beyond it, what models compute
 * from it (squares, exponentials of log values) overflows. */
#define IMPORT_MAX_ABS 1e300

struct csv {
    char **names;      /* header, trimmed */
    size_t ncol;
    double *v;         /* rows x ncol */
    size_t nrows;
    int *line;         /* each row's line in the file */
};

static void csv_free(struct csv *c)
{
    for (size_t i = 0; i < c->ncol; i++) free(c->names[i]);
    free(c->names);
    free(c->v);
    free(c->line);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

/* One line's fields, split at commas and trimmed (the line is cut up);
 * *out grows by doubling (a million columns stay linear). */
static size_t fields(char *l, char ***out, size_t *cap)
{
    size_t n = 0;
    for (char *f = l, *comma; f; f = comma) {
        comma = strchr(f, ',');
        if (comma) *comma++ = '\0';
        if (n == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            *out = xrealloc(*out, *cap * sizeof **out);
        }
        (*out)[n++] = trim(f);
    }
    return n;
}

/* Reads a numeric CSV with a header. -1 with "FILE:LINE:COL: ..." in e. */
static int csv_read(const char *file, struct csv *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    size_t len;
    char *text = util_read_file(file, &len, e);
    if (!text) return -1;
    int line = 1, rc = 0;
    for (size_t i = 0, col = 1; i < len && !rc; i++, col++) { /* a NUL would end the text early */
        if (text[i] == '\n') line++, col = 0;
        else if (!text[i])
            rc = err_usage(e, "%s:%d:%zu: a NUL byte: not a CSV file of a tuner", file, line, col);
    }
    line = 0;
    char **f = NULL;
    size_t fcap = 0, rcap = 0;
    for (char *l = text, *next; !rc && l && *l; l = next) {
        next = strchr(l, '\n');
        if (next) *next++ = '\0';
        line++;
        char *t = trim(l);
        if (!*t) continue;
        size_t n = fields(t, &f, &fcap);
        if (!c->names) { /* the header */
            c->names = xcalloc(n, sizeof *c->names);
            for (size_t i = 0; i < n; i++) c->names[i] = xstrdup(f[i]);
            c->ncol = n;
            continue;
        }
        if (n != c->ncol)
            rc = err_usage(e, "%s:%d:1: %zu values for the %zu columns of the header", file, line,
                           n, c->ncol);
        if (c->nrows == rcap) {
            rcap = rcap ? 2 * rcap : 64;
            c->v = xrealloc(c->v, rcap * c->ncol * sizeof *c->v);
            c->line = xrealloc(c->line, rcap * sizeof *c->line);
        }
        double *row = c->v + c->nrows * c->ncol;
        for (size_t i = 0; i < n && !rc; i++) {
            char *end;
            row[i] = strtod(f[i], &end);
            if (!*f[i] || *end)
                rc = err_usage(e, "%s:%d:%ld: '%.40s' is not a number (column %s)", file, line,
                               (long)(f[i] - l) + 1, f[i], c->names[i]);
            else if (!isfinite(row[i]) || fabs(row[i]) > IMPORT_MAX_ABS)
                rc = err_usage(e, "%s:%d:%ld: '%.40s' (column %s) is not a number a sweep "
                                  "stores (finite, at most 1e300 in magnitude)",
                               file, line, (long)(f[i] - l) + 1, f[i], c->names[i]);
        }
        if (!rc) c->line[c->nrows++] = line;
    }
    free(f);
    free(text);
    if (!rc && !c->ncol) rc = err_usage(e, "%s:1:1: empty: no header", file);
    return rc;
}

static long find_col(const struct csv *c, const char *name)
{
    for (size_t i = 0; i < c->ncol; i++)
        if (!strcmp(c->names[i], name)) return (long)i;
    return -1;
}

/* The values a parameter can take, as numbers: 1 if v is one of them. */
static int in_range(const struct param *p, double v)
{
    double lo = p->min, hi = p->max;
    switch (p->dist) {
    case DIST_LOG_UNIFORM:
    case DIST_Q_LOG_UNIFORM: lo = exp(p->min), hi = exp(p->max); break;
    case DIST_INV_LOG_UNIFORM: lo = exp(-p->max), hi = exp(-p->min); break;
    case DIST_INT_UNIFORM: lo -= 0.5, hi += 0.5; break;
    case DIST_UNIFORM:
    case DIST_Q_UNIFORM:
    case DIST_LOG_UNIFORM_VALUES:
    case DIST_Q_LOG_UNIFORM_VALUES:
    case DIST_INV_LOG_UNIFORM_VALUES: break;
    default: return 1; /* normal and its kin: any value */
    }
    double slack = 1e-9 * fmax(fabs(lo), fabs(hi));
    return v >= lo - slack && v <= hi + slack;
}

/* The value as the parameter takes it (an integer, or one of its values),
 * or NULL if it cannot take it. */
static struct value *param_value(const struct param *p, double v)
{
    if (p->dist == DIST_CATEGORICAL) {
        for (size_t k = 0; k < p->nvalues; k++) {
            const struct value *pv = p->values[k];
            if (value_is_num(pv) && fabs(value_num(pv) - v) <= 1e-9 * fmax(1, fabs(v)))
                return value_clone(pv);
        }
        return NULL;
    }
    if (!in_range(p, v)) return NULL;
    return p->ints ? value_int(llround(v)) : value_float(v);
}

/* Puts val at the parameter's place in a nested map. */
static void put(struct value *params, const struct param *p, struct value *val)
{
    struct value *m = params;
    for (int i = 0; i + 1 < p->nsegs; i++) {
        struct value *sub = value_map_get(m, p->segs[i]);
        if (!sub) {
            sub = value_map();
            value_map_put(m, p->segs[i], sub);
        }
        m = sub;
    }
    value_map_put(m, p->segs[p->nsegs - 1], val);
}

struct plan {
    long *col;           /* per parameter: its column, -1 a constant */
    long obj;            /* the objective's column, -1: computed (evolve.csv's fitness) */
    long map50, map;     /* evolve.csv: mAP_0.5, mAP_0.5:0.95 */
    const char *obj_from;
};

static double objective(const struct plan *pl, const double *row)
{
    if (pl->obj >= 0) return row[pl->obj];
    return 0.1 * row[pl->map50] + 0.9 * row[pl->map]; /* YOLOv5's fitness() */
}

/* Which column feeds each parameter and the objective; -1 (said) if one
 * has none. */
static int make_plan(const struct space *sp, const struct csv *c, enum kind k, const char *file,
                     struct plan *pl, struct err *e)
{
    pl->col = xcalloc(sp->nparams ? sp->nparams : 1, sizeof *pl->col);
    for (size_t i = 0; i < sp->nparams; i++) {
        const struct param *p = &sp->params[i];
        pl->col[i] = find_col(c, p->path);
        if (pl->col[i] >= 0 && p->dist == DIST_CONSTANT) pl->col[i] = -1; /* the file's value */
        if (pl->col[i] < 0 && p->dist != DIST_CONSTANT) {
            struct sb names;
            sb_init(&names);
            for (size_t n = 0; n < c->ncol; n++) sb_addf(&names, "%s%s", n ? ", " : "", c->names[n]);
            err_usage(e, "%s:1:1: no column for parameter '%s' of %s (its columns: %.600s)", file,
                      p->path, sp->path, names.buf);
            sb_release(&names);
            return -1;
        }
    }
    pl->obj = find_col(c, sp->metric_name);
    pl->obj_from = sp->metric_name;
    pl->map50 = find_col(c, "metrics/mAP_0.5");
    pl->map = find_col(c, "metrics/mAP_0.5:0.95");
    if (pl->obj >= 0) return 0;
    if (!space_maximizes(sp))
        return err_usage(e, "%s:1:1: no column %s, and the tuner's fitness is maximized while %s "
                            "minimizes it",
                         file, sp->metric_name, sp->path);
    if (k == K_ULTRALYTICS) {
        pl->obj = 0;
        pl->obj_from = "fitness (0.1 mAP50 + 0.9 mAP50-95)";
    } else {
        pl->obj_from = "fitness computed from its columns (0.1 mAP_0.5 + 0.9 mAP_0.5:0.95)";
    }
    return 0;
}

/* The parameters of row r as the sweep takes them, or NULL when a value is
 * outside its range or values. */
static struct value *row_params(const struct space *sp, const struct plan *pl, const double *row)
{
    struct value *params = value_map();
    for (size_t i = 0; i < sp->nparams; i++) {
        const struct param *p = &sp->params[i];
        struct value *pv = pl->col[i] < 0 ? value_clone(p->value) : param_value(p, row[pl->col[i]]);
        if (!pv) {
            value_free(params);
            return NULL;
        }
        put(params, p, pv);
    }
    return params;
}

/* How many rows would be imported (the others are left out). */
static long long importable(const struct space *sp, const struct csv *c, const struct plan *pl)
{
    long long n = 0;
    for (size_t r = 0; r < c->nrows; r++) {
        struct value *params = row_params(sp, pl, c->v + r * c->ncol);
        n += params != NULL;
        value_free(params);
    }
    return n;
}

/* The trials, in one transaction. n_out: imported, skipped_out: left out. */
static int write_trials(struct store *st, const struct space *sp, const struct csv *c,
                        const struct plan *pl, enum kind k, const char *file, long long *n_out,
                        long long *skipped_out, struct err *e)
{
    if (store_begin(st, e)) return -1;
    long long id = 0, skipped = 0;
    int rc = 0;
    for (size_t r = 0; r < c->nrows && !rc; r++) {
        const double *row = c->v + r * c->ncol;
        struct value *params = row_params(sp, pl, row);
        double v = objective(pl, row);
        if (!params) {
            skipped++;
            continue;
        }
        struct sb j;
        sb_init(&j);
        value_json(&j, params);
        value_free(params);
        /* Ultralytics records a failed training as fitness 0.0 */
        int failed = k == K_ULTRALYTICS && pl->obj == 0 && v == 0;
        char why[600];
        snprintf(why, sizeof why, "imported from %.500s line %d%s", file, c->line[r],
                 failed ? ": fitness 0.0, the tuner's mark of a failed training" : "");
        struct metric m = {.name = sp->metric_name, .step = 0, .value = v};
        double now = util_now();
        rc = store_trial_add(st, id, j.buf, e) || store_trial_start(st, id, "[]", 0, 0, now, e) ||
             (!failed && store_ingest(st, id, &m, 1, 0, now, e)) ||
             store_trial_end(st, id, failed ? TRIAL_FAILED : TRIAL_COMPLETED, why, 0, 0, 0, now,
                             e) ||
             store_event(st, id, "imported", why, e);
        sb_release(&j);
        id++;
    }
    *n_out = id;
    *skipped_out = skipped;
    return store_settle(st, rc, e);
}

static int import(const char *csvfile, struct space *sp, const char *dir_arg, struct err *e)
{
    struct csv c;
    if (csv_read(csvfile, &c, e)) {
        csv_free(&c);
        return -1;
    }
    enum kind k;
    if (!strcmp(c.names[0], "fitness")) k = K_ULTRALYTICS;
    else if (find_col(&c, "metrics/mAP_0.5:0.95") >= 0 && find_col(&c, "metrics/mAP_0.5") >= 0)
        k = K_YOLOV5;
    else {
        csv_free(&c);
        return err_usage(e, "%s:1:1: neither an Ultralytics tune_results.csv (its first column "
                            "is fitness) nor a YOLOv5 evolve.csv (metrics/mAP_0.5:0.95...)",
                         csvfile);
    }
    struct plan pl = {0};
    int rc = make_plan(sp, &c, k, csvfile, &pl, e);
    long long total = trials_total(sp), rows = rc ? 0 : importable(sp, &c, &pl);
    if (!rc && total >= 0 && rows > total) /* status would count pending trials below 0 */
        rc = err_usage(e, "%s: %lld rows to import, but %s runs at most %lld trials (run_cap): "
                          "raise run_cap to at least %lld, or leave rows out",
                       csvfile, rows, sp->path, total, rows);
    char *db = layout_db(dir_arg);
    struct stat stb;
    if (!rc && stat(dir_arg, &stb) == 0)
        rc = err_usage(e, "%s exists; import writes a new sweep directory (choose another with -d)",
                       dir_arg);
    struct store *st = NULL;
    struct store_sweep w = {0};
    long long n = 0, skipped = 0;
    if (!rc && util_mkdirs(dir_arg, e)) rc = -1;
    if (!rc && !(st = store_open(db, 1, e))) rc = -1;
    if (!rc) store_set_objective(st, sp->metric_name, space_maximizes(sp), sp->summary_last);
    if (!rc) rc = cli_init_sweep(st, sp, &w, e) || write_trials(st, sp, &c, &pl, k, csvfile, &n,
                                                               &skipped, e);
    char *word = cli_word(dir_arg);
    if (!rc)
        printf("%s: %lld trials of %s imported from %s (%s); objective %s from %s\n"
               "give it as `prior: [%s]` to a bayes or evolve sweep, or go on with `sweep resume "
               "%s`\n",
               dir_arg, n, sp->path, csvfile,
               k == K_ULTRALYTICS ? "Ultralytics tune_results.csv" : "YOLOv5 evolve.csv",
               sp->metric_name, pl.obj_from, dir_arg, word);
    free(word);
    if (!rc && skipped)
        printf("%lld row%s left out: a value outside %s's range or values\n", skipped,
               skipped == 1 ? "" : "s", sp->path);
    store_sweep_release(&w);
    if (st) store_close(st);
    free(db);
    free(pl.col);
    csv_free(&c);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        if (c == 'd') dir = optarg;
        else if (c == 'h') {
            fputs(USAGE, stdout);
            return 0;
        } else return cli_bad_option("import", opts, argv);
    }
    if (argc - optind != 2) return cli_usage("import", "expected RESULTS.csv and SWEEP.yaml");
    struct space *sp = cli_load_space(argv[optind + 1]);
    if (!sp) return 2;
    struct err e = {0};
    int rc = 0;
    struct sb learners;
    sb_init(&learners);
    method_names(&learners, METHOD_LEARNS, "and");
    if (!space_learns(sp))
        rc = err_usage(&e, "%s: method %s; import is for %s, which learn from earlier results",
                       argv[optind + 1], method_of(sp)->name, sb_str(&learners));
    else if (space_rungs(sp)) /* BOHB: its trials have budget levels; imported ones have none */
        rc = err_usage(&e, "%s: %s learns each budget level from its own trials; imported "
                           "results have no budget level: import into a sweep of the same method "
                           "without budget, or another that learns",
                       argv[optind + 1], method_of(sp)->with_budget);
    sb_release(&learners);
    char *dflt = dir ? NULL : cli_default_dir(argv[optind + 1]);
    if (!rc) rc = import(argv[optind], sp, dir ? dir : dflt, &e);
    free(dflt);
    space_free(sp);
    return rc ? cli_fail(&e) : 0;
}
