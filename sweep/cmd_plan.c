/* cmd_plan.c - `sweep plan FILE`: check a file, print its trials. */
#include "search/grid.h"
#include "search/halving.h"
#include "search/stop_hyperband.h"
#include "search/learner.h"
#include "search/methods.h"
#include "search/space.h"
#include "search/trials.h"
#include "base/value.h"
#include "store/layout.h"
#include "store/store.h"
#include "store/stored.h"
#include "sweep/cli.h"
#include "sweep/gpu/pack.h"
#include "base/cpuset.h"
#include "sweep/exec/executors.h"
#include "sweep/run/run.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/ingest/metrics.h"
#include "search/render.h"
#include "sweep/table.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: sweep plan FILE.yaml [--json] [--limit N] [-d DIR]\n"
    "\n"
    "Checks FILE.yaml and prints the trials it describes, in order, with the\n"
    "command of the first one. Nothing is launched or written. Errors are\n"
    "FILE:LINE:COL: message, exit status 2.\n"
    "\n"
    "  --json        {\"count\": N, \"trials\": [{\"index\": i, \"params\": {...}}, ...]};\n"
    "                count is null for a random search without run_cap (it runs\n"
    "                until stopped)\n"
    "  -d, --dir DIR with GPU packing, trials finished in DIR (default: where\n"
    "                sweep run would put this sweep) give durations that\n"
    "                resources.duration does not\n"
    "  --limit N     print only the first N trials (default: 20 as text; every\n"
    "                trial as JSON, or 10 when there is no count)\n"
    "  -h, --help    this text\n";

static void describe_param(struct sb *b, const struct param *p)
{
    switch (p->dist) {
    case DIST_CONSTANT: value_py_repr(b, p->value); break;
    case DIST_CATEGORICAL:
        sb_addc(b, '[');
        for (size_t i = 0; i < p->nvalues; i++) {
            if (i) sb_add(b, ", ");
            value_py_repr(b, p->values[i]);
            if (p->probs) sb_addf(b, " (p=%g)", p->probs[i]);
        }
        sb_addc(b, ']');
        break;
    case DIST_NORMAL:
    case DIST_Q_NORMAL:
    case DIST_LOG_NORMAL:
    case DIST_Q_LOG_NORMAL: sb_addf(b, "mu=%g sigma=%g", p->mu, p->sigma); break;
    case DIST_BETA:
    case DIST_Q_BETA: sb_addf(b, "a=%g b=%g", p->a, p->b); break;
    default: sb_addf(b, "[%g, %g]", p->min, p->max); break;
    }
    if (p->dist == DIST_Q_UNIFORM || p->dist == DIST_Q_LOG_UNIFORM ||
        p->dist == DIST_Q_LOG_UNIFORM_VALUES || p->dist == DIST_Q_NORMAL ||
        p->dist == DIST_Q_LOG_NORMAL || p->dist == DIST_Q_BETA)
        sb_addf(b, " q=%g", p->q);
    if (p->num) sb_addf(b, " num=%ld", p->num);
}

/* GPU packing: where the trials would go. With a duration for every trial
 * (resources.duration), a simulated schedule with sweep run's placement:
 * makespan and memory use; without, the first wave (what starts at once). */
/* Configuration i's parameters: the sampler's trial i, or with halving and
 * hyperband (hb: their plan, else NULL) at the budget its bracket starts at. */
static struct value *config_params(const struct space *sp, const struct hb_plan *hb, long long i)
{
    if (!hb) return learner_draw(sp, i);
    struct value *bud, *p = hb_params(sp, hb, i, hb->b[hb_bracket_of(hb, i)].start, &bud);
    value_free(bud);
    return p;
}

/* Durations from the trials a stored sweep completed: the mean of those of
 * the same memory kind (the values the memory estimate depends on), else of
 * all. */
struct past {
    const struct space *sp;
    char **kind;
    double *sum;
    long long *n;
    size_t nk;
    double all;
    long long nall;
};

static int past_trial(const struct trial_row *t, void *ctx)
{
    struct past *p = ctx;
    if (t->started <= 0 || t->ended <= t->started) return 0;
    struct value *v = json_parse(t->params, strlen(t->params), NULL);
    struct sb k;
    sb_init(&k);
    pack_quantity(&p->sp->mem, v, &k);
    size_t i = 0;
    while (i < p->nk && strcmp(p->kind[i], sb_str(&k))) i++;
    if (i == p->nk) {
        p->kind = xrealloc(p->kind, (p->nk + 1) * sizeof *p->kind);
        p->sum = xrealloc(p->sum, (p->nk + 1) * sizeof *p->sum);
        p->n = xrealloc(p->n, (p->nk + 1) * sizeof *p->n);
        p->kind[i] = xstrdup(sb_str(&k));
        p->sum[i] = 0;
        p->n[i] = 0;
        p->nk++;
    }
    p->sum[i] += t->ended - t->started;
    p->n[i]++;
    p->all += t->ended - t->started;
    p->nall++;
    sb_release(&k);
    value_free(v);
    return 0;
}

static double past_duration(const struct past *p, const struct value *params)
{
    if (!p->nall) return -1;
    struct sb k;
    sb_init(&k);
    pack_quantity(&p->sp->mem, params, &k);
    double d = p->all / (double)p->nall;
    for (size_t i = 0; i < p->nk; i++)
        if (!strcmp(p->kind[i], sb_str(&k))) d = p->sum[i] / (double)p->n[i];
    sb_release(&k);
    return d;
}

static void plan_gpus(const struct space *sp, const struct hb_plan *hp, long long n,
                      const char *dir)
{
    struct past past = {.sp = sp};
    if (sp->duration.kind == Q_NONE || sp->duration.kind == Q_TABLE) {
        char *db = layout_db(dir);
        struct err e = {0};
        struct stat stb;
        struct store *st = stat(db, &stb) == 0 ? store_open_ro(db, &e) : NULL;
        if (st) store_each_trial(st, ORDER_ID, TRIAL_COMPLETED, 0, past_trial, &past, NULL);
        store_close(st);
        free(db);
    }
    struct pack_cfg pc;
    pack_cfg_from_space(&pc, sp);
    struct pack_gpu *g = NULL;
    size_t ng = 0;
    struct err e = {0};
    if (pack_gpus(sp, &g, &ng, &e)) {
        printf("\nGPUs: %s; placement not shown\n", e.msg);
        return;
    }
    const struct exec_def *x = exec_def(sp->executor);
    const char *each = x && x->machines ? x->machines : NULL;
    if (each) printf("\nGPUs (each of %s has them):", each);
    else printf("\nGPUs:");
    double usable = 0;
    for (size_t i = 0; i < ng; i++) {
        printf("%s %d (%.1f GiB, %.1f usable)", i ? "," : "", g[i].id, g[i].total_mib / 1024,
               pack_usable(&pc, &g[i]) / 1024);
        usable += pack_usable(&pc, &g[i]);
    }
    putchar('\n');
    if (n > 100000) n = 100000;
    struct pack_job *j = xcalloc((size_t)n + 1, sizeof *j);
    int durations = sp->duration.kind != Q_NONE || past.nall > 0;
    for (long long i = 0; i < n; i++) {
        struct value *p = config_params(sp, hp, i);
        double d = pack_quantity(&sp->duration, p, NULL);
        if (d <= 0) d = past_duration(&past, p);
        if (d <= 0) durations = 0;
        j[i] = (struct pack_job){.id = i, .mem = pack_estimate(sp, p, NULL), .dur = d, .util = 1,
                                  .order = (size_t)i, .gpu = -1};
        value_free(p);
    }
    if (!durations) { /* the first wave: what fits at once (stagger aside) */
        for (long long i = 0; i < n; i++) j[i].dur = 1;
        pc.stagger = 0;
    }
    double ms = pack_simulate(&pc, g, ng, j, (size_t)n, 0, 0);
    long long nofit = 0;
    double used = 0;
    for (long long i = 0; i < n; i++) {
        if (j[i].gpu < 0) nofit++;
        else used += (j[i].mem < 0 ? pack_usable(&pc, &g[j[i].gpu]) : j[i].mem) * (j[i].end - j[i].start);
    }
    struct table t;
    table_init(&t, 5);
    const char *h[] = {"trial", "memory", "GPU", durations ? "start" : "", durations ? "end" : ""};
    table_add(&t, h);
    table_right(&t, 0);
    table_right(&t, 1);
    long long shown = 0;
    for (long long i = 0; i < n && shown < 40; i++) {
        if (!durations && j[i].gpu >= 0 && j[i].start > 0) continue; /* not in the first wave */
        char c0[24], c1[32], c2[64], c3[32] = "", c4[32] = "";
        snprintf(c0, sizeof c0, "%lld", i);
        if (j[i].mem < 0) snprintf(c1, sizeof c1, "a whole GPU");
        else snprintf(c1, sizeof c1, "%.1f GiB", j[i].mem / 1024);
        if (j[i].gpu < 0) snprintf(c2, sizeof c2, "fits on none");
        else snprintf(c2, sizeof c2, "%d", g[j[i].gpu].id);
        if (durations && j[i].gpu >= 0) {
            struct sb a, b;
            sb_init(&a);
            sb_init(&b);
            util_fmt_duration(&a, j[i].start);
            util_fmt_duration(&b, j[i].end);
            snprintf(c3, sizeof c3, "%s", sb_str(&a));
            snprintf(c4, sizeof c4, "%s", sb_str(&b));
            sb_release(&a);
            sb_release(&b);
        }
        const char *row[] = {c0, c1, c2, c3, c4};
        table_add(&t, row);
        shown++;
    }
    if (durations && past.nall)
        printf("durations: %s%lld trial%s completed in %s (their mean, by memory kind)\n",
               sp->duration.kind != Q_NONE ? "resources.duration, else " : "", past.nall,
               past.nall == 1 ? "" : "s", dir);
    printf("%s%s%s:\n", durations ? "simulated schedule (the placement of sweep run)"
                                 : "the first wave (what starts at once; give resources.duration "
                                   "for a whole schedule and its makespan)",
           each ? ", on one of " : "", each ? each : "");
    table_print(&t, stdout);
    table_release(&t);
    if (durations && shown < n) printf("... (the first %lld shown)\n", shown);
    if (!durations && shown < n - nofit)
        printf("... %lld more start as these end\n", n - nofit - shown);
    if (nofit) printf("%lld trial%s fit%s on no GPU (they would fail at once)\n", nofit, nofit == 1 ? "" : "s", nofit == 1 ? "s" : "");
    if (durations) {
        struct sb m;
        sb_init(&m);
        util_fmt_duration(&m, ms);
        printf("makespan %s; GPU memory in use %.0f %% of the usable memory over it\n", sb_str(&m),
               ms > 0 && usable > 0 ? 100 * used / (usable * ms) : 0);
        sb_release(&m);
    }
    free(j);
    free(g);
    for (size_t i = 0; i < past.nk; i++) free(past.kind[i]);
    free(past.kind);
    free(past.sum);
    free(past.n);
}

/* --json: the count, the method, halving's rungs and the listed trials. */
/* A budget in JSON: an integer where the budget's bounds are (epochs). */
static void budget_num(struct sb *b, const struct space *sp, double v)
{
    if (sp->budget_ints && v == floor(v) && fabs(v) < 1e15) sb_addf(b, "%lld", (long long)v);
    else json_num(b, v);
}

static void plan_json(const struct space *sp, const struct hb_plan *plan, long long total,
                      long long shown)
{
    int hb = plan != NULL;

    struct sb b;
    sb_init(&b);
    if (total >= 0) sb_addf(&b, "{\"count\": %lld, ", total);
    else sb_add(&b, "{\"count\": null, ");
    sb_addf(&b, "\"method\": \"%s\", ", space_method_name(sp->method));
    if (hb) {
        double restart = 0, cont = 0;
        sb_addf(&b, "\"configurations\": %lld, \"rungs\": [", plan->nconfigs);
        for (int bi = 0, k = 0; bi < plan->nbrackets; bi++)
            for (int l = plan->b[bi].start; l < plan->nlevels; l++, k++) {
                long long n = hb_rung_size(plan, &plan->b[bi], l, sp->budget_eta);
                double prev = l > plan->b[bi].start ? plan->level[l - 1] : 0;
                restart += (double)n * plan->level[l];
                cont += (double)n * (plan->level[l] - prev);
                sb_addf(&b, "%s{\"bracket\": %d, \"rung\": %d, \"budget\": ", k ? ", " : "",
                        bi, l);
                budget_num(&b, sp, plan->level[l]);
                sb_addf(&b, ", \"trials\": %lld}", n);
            }
        sb_add(&b, "], \"budget_total\": {\"restart\": ");
        budget_num(&b, sp, restart);
        sb_add(&b, ", \"continue\": ");
        budget_num(&b, sp, cont);
        sb_add(&b, "}, ");
    }
    sb_add(&b, "\"trials\": [");
    for (long long i = 0; i < shown; i++) {
        struct value *p = config_params(sp, plan, i);
        sb_addf(&b, "%s{\"index\": %lld, \"params\": ", i ? ", " : "", i);
        value_json(&b, p);
        sb_addc(&b, '}');
        value_free(p);
        if (b.len > 1 << 16) { /* stream big plans */
            fwrite(b.buf, 1, b.len, stdout);
            sb_reset(&b);
        }
    }
    sb_add(&b, "]}\n");
    fwrite(b.buf, 1, b.len, stdout);
    sb_release(&b);
}

/* The lines that say what the sweep is: search, objective, parser, early
 * termination. */
/* prior: the results the earlier sweeps give bayes and evolve before
 * their first suggestion (as sweep/run/prior.c reads them: a sweep of the
 * same objective and goal, its completed, pruned and failed trials); each
 * said when say. Their number: they count towards the start-up draws. */
static long long prior_results(const struct space *sp, int say)
{
    long long total = 0;
    for (size_t i = 0; i < sp->npriors; i++) {
        struct err e = {0};
        struct store_sweep w;
        struct store *st = store_open_prior(sp, i, &w, &e);
        long long c[TRIAL_NSTATES], n = 0;
        struct sb m;
        sb_init(&m);
        sb_add(&m, "prior ");
        sb_add_visible(&m, sp->priors[i]);
        if (st && store_counts(st, c, &e) == 0) {
            n = c[TRIAL_COMPLETED] + c[TRIAL_PRUNED] + c[TRIAL_FAILED];
            sb_addf(&m, ": %lld result%s, learnt before the first suggestion", n, n == 1 ? "" : "s");
            total += n;
        } else {
            sb_add(&m, ": ");
            sb_add_visible(&m, e.msg);
            sb_add(&m, "; left out");
        }
        if (say) printf("%s\n", sb_str(&m));
        sb_release(&m);
        store_sweep_release(&w);
        store_close(st);
    }
    return total;
}

static void plan_header(const struct space *sp, const char *file, const struct hb_plan *plan,
                        long long total, long long n0)
{
    int hb = plan != NULL;
    const struct method_def *m = method_of(sp);
    if (hb && (m->flags & METHOD_BUDGET_RUNGS)) {
        printf("%s: %s over %lld configurations (seed %llu)", file, m->with_budget,
               plan->nconfigs, sp->seed);
    } else if (hb) {
        printf("%s: %s over %lld %s configurations", file, m->name, plan->nconfigs,
               space_method_name(sp->sampler));
        if (sp->sampler == METHOD_RANDOM) printf(" (seed %llu)", sp->seed);
    }
    char at[96];
    cli_at_a_time(sp, at, sizeof at);
    if (hb) {
        printf(", %lld trials if every rung promotes its share, %s\n", total, at);
    } else {
        printf("%s: %s search, ", file, m->name);
        if (total >= 0) printf("%lld trial%s", total, total == 1 ? "" : "s");
        else if (sp->has_target)
            printf("no trial limit (runs until stopped or metric.target %g is reached)", sp->target);
        else printf("no trial limit (runs until stopped)");
        if (!(m->flags & METHOD_EXHAUSTIVE)) printf(", seed %llu", sp->seed);
        printf(", %s\n", at);
    }
    if (m->describe && n0 >= 0) {
        struct sb d;
        sb_init(&d);
        m->describe(sp, n0, &d);
        printf("search: %s\n", sb_str(&d));
        sb_release(&d);
    }
    const struct exec_def *x = exec_def(sp->executor);
    if (sp->cpus > 0 && x && x->machines) /* the executor's machines' cores */
        printf("cpus: %d core%s per trial, from its node (--cpus-per-task)\n", sp->cpus,
               sp->cpus == 1 ? "" : "s");
    else if (sp->cpus) { /* CPU isolation: what each trial gets */
        struct cpuset all;
        int n = cpuset_allowed(&all) == 0 ? cpuset_count(&all) : 0;
        if (sp->cpus > 0)
            printf("cpus: %d core%s per trial, its own (of %d here), pinned; OMP_NUM_THREADS and "
                   "the like set to %d\n",
                   sp->cpus, sp->cpus == 1 ? "" : "s", n, sp->cpus);
        else
            printf("cpus: auto (the %d cores here divided by the trials that run at once), each "
                   "trial pinned to its own; OMP_NUM_THREADS and the like set to their number\n",
                   n);
    }
    for (size_t i = 0; i < sp->nstages; i++) {
        struct sb v;
        sb_init(&v);
        sb_add_visible(&v, sp->stages[i].from);
        printf("stage: %s, copied once per machine under %s before the first trial (${stage%s%.0zu})\n",
               sb_str(&v), sp->stages[i].to ? "the file's to:" : "the machine directory's stage/",
               i ? "_" : "", i);
        sb_release(&v);
    }
    if (sp->max_per_gpu_auto)
        printf("max_per_gpu: auto (trials at once on a GPU learned from their rates, from 1)\n");
    if (sp->share_mps)
        printf("share: mps (the sweep's own MPS control daemon under DIR/mps)\n");
    if (sp->nobjs >= 2) { /* several: ranked by front, then by the first */
        printf("objectives:");
        for (size_t k = 0; k < sp->nobjs; k++)
            printf("%s %s %s", k ? "," : "", sp->obj_max[k] ? "maximize" : "minimize",
                   sp->obj_names[k]);
        printf(" (%s value of each trial; ranked by Pareto front, then by the first)\n",
               sp->summary_last ? "last" : "best");
    } else if (sp->metric_name)
        printf("objective: %s %s (%s value of each trial)\n",
               space_goal_name(sp), sp->metric_name,
               sp->summary_last ? "last" : "best");
    else printf("objective: none (no metric: trials are ranked by number)\n");
    for (size_t k = 0; k < sp->ncons; k++)
        printf("constraint: %s %s %g (its last value; trials that break it rank after the "
               "others)\n", sp->con_names[k], sp->con_le[k] ? "<=" : ">=", sp->con_bound[k]);
    const char *const *rf = metrics_results_files(sp->parser);
    if (rf) { /* a trainer's parser: its console and its results file */
        printf("metrics: parser %s, from each trial's stdout.log and ", sp->parser);
        if (sp->metrics_file) printf("%s\n", sp->metrics_file);
        else {
            for (size_t i = 0; rf[i]; i++) printf("%s%s", i ? " or " : "", rf[i]);
            printf(" found under the trial's directory\n");
        }
    } else {
        printf("metrics: parser %s, from %s\n", sp->parser,
               sp->metrics_file ? sp->metrics_file : "each trial's stdout.log");
    }
    if (sp->et_enabled && sp->et_type == ET_HYPERBAND) {
        long bands[64];
        size_t nb = hyperband_bands(sp->et_min_iter, sp->et_max_iter, sp->et_s, sp->et_eta, bands,
                                    8);
        printf("early_terminate: hyperband, eta %g, judged at values", sp->et_eta);
        for (size_t i = 0; i < nb; i++) printf(" %ld", bands[i] + 1);
        printf("%s of %s\n", nb == 8 ? " ..." : "", sp->metric_name);
    } else if (sp->et_enabled && sp->et_type == ET_ASHA) {
        printf("early_terminate: asha, eta %g, rungs at values", sp->et_eta);
        double r = sp->et_min_iter;
        for (int i = 0; i < 6 && (sp->et_max_iter <= 0 || r <= sp->et_max_iter); i++, r *= sp->et_eta)
            printf(" %ld", (long)r);
        printf(" ... of %s\n", sp->metric_name);
    } else if (sp->et_enabled && sp->et_type == ET_MEDIAN) {
        printf("early_terminate: median rule from value %d of %s, with at least %d other trials\n",
               sp->et_min_iter, sp->metric_name, sp->et_min_trials);
    } else if (sp->et_enabled) {
        printf("early_terminate: patience, %d values without improvement of %s", sp->et_patience,
               sp->metric_name);
        if (sp->et_min_delta > 0) printf(" by %g", sp->et_min_delta);
        printf("\n");
    }
}

/* halving and hyperband: every rung's budget and size, and what they spend. */
static void plan_rungs(const struct space *sp, const struct hb_plan *plan)
{
    struct table t;
    printf("budget: %s%s, eta %g: the best 1/%g of each rung go on\n",
           sp->budget_param ? sp->budget_param : "${budget}",
           sp->budget_param ? " (also ${budget})" : "", sp->budget_eta, sp->budget_eta);
    table_init(&t, 5);
    const char *h[] = {"bracket", "rung", "budget", "trials", "configurations"};
    table_add(&t, h);
    for (int i = 0; i < 4; i++) table_right(&t, (size_t)i);
    double restart = 0, cont = 0;
    for (int bi = 0; bi < plan->nbrackets; bi++)
        for (int l = plan->b[bi].start; l < plan->nlevels; l++) {
            long long n = hb_rung_size(plan, &plan->b[bi], l, sp->budget_eta);
            double prev = l > plan->b[bi].start ? plan->level[l - 1] : 0;
            restart += (double)n * plan->level[l];
            cont += (double)n * (plan->level[l] - prev);
            char c0[16], c1[16], c2[32], c3[24], c4[64] = "";
            snprintf(c0, sizeof c0, "%d", bi);
            snprintf(c1, sizeof c1, "%d", l);
            snprintf(c2, sizeof c2, "%g", plan->level[l]);
            snprintf(c3, sizeof c3, "%lld", n);
            if (l == plan->b[bi].start)
                snprintf(c4, sizeof c4, "%lld-%lld", plan->b[bi].first,
                         plan->b[bi].first + plan->b[bi].n - 1);
            else snprintf(c4, sizeof c4, "the best %lld of rung %d", n, l - 1);
            const char *row[] = {c0, c1, c2, c3, c4};
            table_add(&t, row);
        }
    putchar('\n');
    table_print(&t, stdout);
    table_release(&t);
    printf("budget spent: %g when a promoted trial starts again, %g when it continues "
           "from the rung before (promote_args: [...] with ${prev_trial_dir})\n",
           restart, cont);
}

/* The parameters: distribution, values, grid size. */
static void plan_params(const struct space *sp)
{
    struct table t;
    int grid = (method_of(sp)->flags & METHOD_EXHAUSTIVE) != 0;
    table_init(&t, grid ? 4 : 3);
    t.maxw = 72;
    const char *hdr[] = {"parameter", "distribution", "values", "grid size"};
    table_add(&t, hdr);
    if (grid) table_right(&t, 3);
    for (size_t k = 0; k < sp->nparams; k++) {
        const struct param *p = &sp->params[sp->order[k]];
        struct sb v;
        sb_init(&v);
        describe_param(&v, p);
        char gs[32] = "";
        if (grid) snprintf(gs, sizeof gs, "%llu", grid_size(p));
        const char *row[] = {p->path, space_dist_name(p->dist), sb_str(&v), gs};
        table_add(&t, row);
        sb_release(&v);
    }
    putchar('\n');
    table_print(&t, stdout);
    table_release(&t);

}

/* The command of trial 0, then the first trials' parameters. */
static void plan_list(const struct space *sp, const struct hb_plan *plan, long long listed,
                      long long shown)
{
    int hb = plan != NULL;
    struct table t;
    struct value *b0 = NULL;
    struct value *p0 = hb ? hb_params(sp, plan, 0, plan->b[0].start, &b0) : learner_draw(sp, 0);
    struct render_ctx r = {.sp = sp, .params = p0, .trial_dir = "DIR/trials/0000",
                           .sweep_dir = "DIR", .budget = b0, .gpu = -1,
                           .ncpus = sp->cpus > 0 ? sp->cpus : 0};
    size_t argc0;
    if (!sp->ncommand) {
        printf("\nno command: `sweep run` refuses this file: %s\n\n", SPACE_NO_COMMAND);
        value_free(p0);
        value_free(b0);
        p0 = b0 = NULL;
        goto table;
    }
    char **av = render_argv(&r, &argc0);
    printf("\ncommand of trial 0:");
    for (size_t i = 0; i < argc0; i++) {
        char *word = cli_word(av[i]);
        printf(" %s", word);
        free(word);
    }
    printf("\n\n");
    render_free_strv(av);
    value_free(p0);
    value_free(b0);
table:;
    size_t nc = sp->nparams + 1;
    table_init(&t, nc);
    const char **row = xcalloc(nc, sizeof *row);
    row[0] = hb ? "config" : "trial";
    for (size_t k = 0; k < sp->nparams; k++) row[k + 1] = sp->params[k].path;
    table_add(&t, row);
    table_right(&t, 0);
    for (long long i = 0; i < shown; i++) {
        struct value *p = config_params(sp, plan, i);
        char idx[24];
        snprintf(idx, sizeof idx, "%lld", i);
        struct sb *cells = xcalloc(sp->nparams ? sp->nparams : 1, sizeof *cells);
        row[0] = idx;
        for (size_t k = 0; k < sp->nparams; k++) {
            sb_init(&cells[k]);
            const struct value *v = value_lookup(p, sp->params[k].path);
            if (v) value_people_str(&cells[k], v); /* the argv above stays exact */
            row[k + 1] = sb_str(&cells[k]);
        }
        table_add(&t, row);
        for (size_t k = 0; k < sp->nparams; k++) sb_release(&cells[k]);
        free(cells);
        value_free(p);
    }
    table_print(&t, stdout);
    table_release(&t);
    free(row);
    if (listed < 0) printf("... (more until stopped; --limit N shows N)\n");
    else if (shown < listed) printf("... %lld more (--limit N shows N)\n", listed - shown);
}

/* What the executor shows of the first trials (executor slurm: their
 * sbatch command lines; the directories as DIR, the sweep's tag as
 * sweep-XXXXXXXX: both are made when it starts). */
struct plan_trials {
    const struct space *sp;
    const struct hb_plan *plan;
};

static char **plan_argv(void *ctx, long long i, const char *dir, double *mem_mib)
{
    const struct plan_trials *c = ctx;
    const struct space *sp = c->sp;
    const struct hb_plan *plan = c->plan;
    struct value *b = NULL;
    struct value *p = plan ? hb_params(sp, plan, i, plan->b[hb_bracket_of(plan, i)].start, &b)
                           : learner_draw(sp, i);
    struct render_ctx r = {.sp = sp, .params = p, .id = i, .trial_dir = dir,
                           .sweep_dir = "DIR", .budget = b, .gpu = -1,
                           .ncpus = sp->cpus > 0 ? sp->cpus : 0};
    size_t argc;
    char **av = render_argv(&r, &argc);
    *mem_mib = pack_estimate(sp, p, NULL);
    value_free(p);
    value_free(b);
    return av;
}

static void plan_executor(const struct space *sp, const struct hb_plan *plan, long long shown)
{
    const struct exec_def *x = exec_def(sp->executor);
    if (!x || !x->plan) return;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, ".");
    struct plan_trials c = {.sp = sp, .plan = plan};
    struct exec_plan p = {.n = shown, .argv = plan_argv, .ctx = &c};
    struct exec_sweep w = {.sp = sp, .dir = "DIR", .cwd = cwd};
    struct sb out, line;
    sb_init(&out);
    sb_init(&line);
    x->plan(&w, &p, &out);
    printf("\n");
    for (const char *l = sb_str(&out); *l;) { /* each line shown as it would run */
        size_t n = strcspn(l, "\n");
        sb_reset(&line);
        char *one = xstrndup(l, n);
        sb_add_visible(&line, one);
        free(one);
        printf("%s\n", sb_str(&line));
        l += n + (l[n] == '\n');
    }
    sb_release(&line);
    sb_release(&out);
}

int cmd_plan(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"dir", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, c;
    long long limit = -1;
    const char *dir = NULL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "jn:d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'd': dir = optarg; break;
        case 'n': {
            char *end;
            limit = strtoll(optarg, &end, 10);
            if (*end || limit < 0) return cli_usage("plan", "--limit needs a number >= 0");
            break;
        }
        case 'h': fputs(USAGE, stdout); return 0;
        default: return cli_bad_option("plan", opts, argv);
        }
    }
    if (optind != argc - 1) return cli_usage("plan", "expected one sweep file");
    const char *file = argv[optind];
    struct space *sp = cli_load_space(file);
    if (!sp) return 2;
    cli_warn_params(sp);

    long long total = trials_total(sp);
    if (total == -2) {
        fprintf(stderr, "sweep: %s: the grid has more than 2^63 points; set run_cap\n", file);
        space_free(sp);
        return 2;
    }
    /* halving/hyperband: the trials listed are the configurations, each at
     * the budget its bracket starts with; later rungs depend on results */
    int hb = space_rungs(sp);
    struct hb_plan plan;
    long long listed = total;
    if (hb) {
        hb_plan(sp, trials_configs(sp), &plan);
        listed = plan.nconfigs;
    }
    /* bayes, evolve: only the random start-up trials can be named now, less
     * the results the priors give (they count towards the start-up) */
    long long n0 = -1;
    if (space_learns(sp)) {
        n0 = learner_startup(sp);
        if (sp->npriors) {
            long long np = prior_results(sp, !json);
            n0 = np >= n0 ? 0 : n0 - np;
        }
        if (listed < 0 || listed > n0) listed = n0;
    }
    if (limit < 0) limit = json ? (listed >= 0 ? listed : 10) : 20;
    long long shown = listed >= 0 && listed < limit ? listed : limit;

    if (json) {
        plan_json(sp, hb ? &plan : NULL, total, shown);
        space_free(sp);
        return 0;
    }
    plan_header(sp, file, hb ? &plan : NULL, total, n0);
    if (hb) plan_rungs(sp, &plan);
    plan_params(sp);
    if ((sp->gpus_auto || sp->ngpu_list) && listed != 0) {
        char *dflt = dir ? NULL : cli_default_dir(file);
        plan_gpus(sp, hb ? &plan : NULL, listed < 0 ? limit : listed, dir ? dir : dflt);
        free(dflt);
    }

    if (sp->ncommand && shown > 0) plan_executor(sp, hb ? &plan : NULL, shown);
    if (shown > 0) plan_list(sp, hb ? &plan : NULL, listed, shown);
    space_free(sp);
    return 0;
}
