/* cmd_metrics.c - `sweep metrics --parser P FILE...`: what a parser reads. */
#include "search/space.h"
#include "sweep/cli.h"
#include "base/err.h"
#include "base/json.h"
#include "sweep/ingest/metrics.h"
#include "sweep/ingest/tail.h"
#include "sweep/table.h"
#include "base/util.h"
#include "base/value.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: sweep metrics --parser P [--pattern NAME=REGEX]... [--json] FILE...\n"
    "       sweep metrics --config SWEEP.yaml [--json] FILE...\n"
    "\n"
    "Prints what a parser extracts from log files, one step,name,value line per\n"
    "metric and step, as `sweep run` would store it (a step given again keeps its\n"
    "last value, where it first appeared): for checking a format, or writing a\n"
    "regex. Parsers: " METRICS_PARSERS "\n"
    "(docs/parsers.md). A trainer's parser takes any of its files (console log,\n"
    "results.csv, results.txt, scalars.json, metrics.json) and tells them apart by\n"
    "content. FILE may be - for standard input.\n"
    "\n"
    "  -p, --parser P          the parser\n"
    "  -e, --pattern N=REGEX   for --parser regex: a PCRE2 regex with a (?<value>...)\n"
    "                          group (and optionally (?<step>...)), stored as N; an\n"
    "                          empty N takes the name from a (?<name>...) group\n"
    "  -c, --config FILE       take the parser and patterns from a sweep file\n"
    "  --json                  [{\"step\": s, \"name\": n, \"value\": v}, ...] (NaN as null);\n"
    "                          with several files each row also has \"file\"\n"
    "  -h, --help              this text\n";

/* One file's rows: a (name, step) appears once, with its last value, where
 * it first appeared (as the store keeps them). */
struct rows {
    struct metric *v;
    size_t n, cap;
    size_t *slot;            /* open addressing: index + 1, 0 empty */
    size_t nslot;
};

static size_t row_hash(const char *name, long long step)
{
    size_t h = 1469598103934665603u;
    for (const char *c = name; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211u;
    return (h ^ (size_t)step) * 1099511628211u;
}

static void rows_put(struct rows *r, struct metric *m)
{
    if (2 * (r->n + 1) > r->nslot) {
        size_t ns = r->nslot ? 2 * r->nslot : 256;
        free(r->slot);
        r->slot = xcalloc(ns, sizeof *r->slot);
        r->nslot = ns;
        for (size_t i = 0; i < r->n; i++) {
            size_t h = row_hash(r->v[i].name, r->v[i].step) & (ns - 1);
            while (r->slot[h]) h = (h + 1) & (ns - 1);
            r->slot[h] = i + 1;
        }
    }
    size_t h = row_hash(m->name, m->step) & (r->nslot - 1);
    for (; r->slot[h]; h = (h + 1) & (r->nslot - 1)) {
        struct metric *o = &r->v[r->slot[h] - 1];
        if (o->step == m->step && !strcmp(o->name, m->name)) {
            o->value = m->value;
            return;
        }
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n] = *m;
    r->v[r->n].name = xstrdup(m->name);
    r->slot[h] = ++r->n;
}

static void rows_release(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->v[i].name);
    free(r->v);
    free(r->slot);
    memset(r, 0, sizeof *r);
}

struct out_ctx {
    struct mparser *mp;
    struct metric_batch batch;
    struct rows rows;
    int json, first, multi;
    const char *file;
    struct sb *out;
};

static void take_batch(struct out_ctx *c)
{
    for (size_t i = 0; i < c->batch.n; i++) rows_put(&c->rows, &c->batch.rows[i]);
    metric_batch_reset(&c->batch);
}

static void print_rows(struct out_ctx *c)
{
    for (size_t i = 0; i < c->rows.n; i++) {
        const struct metric *m = &c->rows.v[i];
        struct sb *b = c->out;
        if (c->json) {
            sb_add(b, c->first ? "\n  " : ",\n  ");
            c->first = 0;
            sb_add(b, "{");
            if (c->multi) {
                sb_add(b, "\"file\": ");
                json_quote(b, c->file);
                sb_add(b, ", ");
            }
            sb_addf(b, "\"step\": %lld, \"name\": ", m->step);
            json_quote(b, m->name);
            sb_add(b, ", \"value\": ");
            json_num(b, m->value);
            sb_add(b, "}");
        } else {
            if (c->multi) sb_addf(b, "%s,", c->file);
            sb_addf(b, "%lld,", m->step);
            if (strpbrk(m->name, ",\"")) {
                sb_addc(b, '"');
                for (const char *s = m->name; *s; s++) {
                    if (*s == '"') sb_addc(b, '"');
                    sb_addc(b, *s);
                }
                sb_addc(b, '"');
            } else sb_add(b, m->name);
            sb_addc(b, ',');
            if (isnan(m->value)) sb_add(b, "nan");
            else json_num(b, m->value);
            sb_addc(b, '\n');
        }
        if (b->len > 1 << 16) {
            fwrite(b->buf, 1, b->len, stdout);
            sb_reset(b);
        }
    }
}

static void on_line(const char *line, size_t len, void *ctx)
{
    struct out_ctx *c = ctx;
    metrics_line(c->mp, line, len, &c->batch);
    if (c->batch.n) take_batch(c);
}

/* One line of the log gave a name twice: the values were merged. */
static void warn_twice(const struct mparser *mp, const char *file)
{
    const char *twice = metrics_name_twice(mp);
    if (!twice) return;
    struct sb m;
    sb_init(&m);
    sb_add_visible(&m, file);
    sb_add(&m, ": warning: a line gives ");
    sb_add_visible(&m, twice);
    sb_add(&m, " twice: its values are mixed in one series (a regex parser can tell them apart: "
               "docs/parsers.md)");
    fprintf(stderr, "%s\n", sb_str(&m));
    sb_release(&m);
}

int cmd_metrics(int argc, char **argv)
{
    static const struct option opts[] = {{"parser", required_argument, NULL, 'p'},
                                         {"pattern", required_argument, NULL, 'e'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *parser = NULL, *config = NULL;
    struct pattern *pats = NULL;
    size_t npats = 0;
    int json = 0, c, rc = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "p:e:c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': parser = optarg; break;
        case 'c': config = optarg; break;
        case 'j': json = 1; break;
        case 'e': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                rc = cli_usage("metrics", "--pattern takes NAME=REGEX");
                goto out;
            }
            pats = xrealloc(pats, (npats + 1) * sizeof *pats);
            pats[npats++] = (struct pattern){
                .name = eq == optarg ? NULL : xstrndup(optarg, (size_t)(eq - optarg)),
                .regex = xstrdup(eq + 1)};
            break;
        }
        case 'h': fputs(USAGE, stdout); goto out;
        default:
            rc = cli_bad_option("metrics", opts, argv);
            goto out;
        }
    }
    struct space *sp = NULL;
    if (config) {
        sp = cli_load_space(config);
        if (!sp) {
            rc = 2;
            goto out;
        }
        if (!parser) parser = sp->parser;
        if (!npats) {
            for (size_t i = 0; i < sp->npatterns; i++) {
                pats = xrealloc(pats, (npats + 1) * sizeof *pats);
                pats[npats++] = (struct pattern){
                    sp->patterns[i].name ? xstrdup(sp->patterns[i].name) : NULL,
                    xstrdup(sp->patterns[i].regex), 0, 0};
            }
        }
    }
    if (!parser) {
        space_free(sp);
        rc = cli_usage("metrics", "--parser (or --config) is required");
        goto out;
    }
    if (optind >= argc) {
        space_free(sp);
        rc = cli_usage("metrics", "expected at least one log file");
        goto out;
    }
    struct err e = {0};
    struct sb out;
    sb_init(&out);
    if (json) sb_addc(&out, '[');
    int first = 1;
    for (int i = optind; i < argc && !rc; i++) {
        struct mparser *mp = metrics_new(parser, pats, npats, &e);
        if (!mp) {
            e.status = 2;
            rc = cli_fail(&e);
            break;
        }
        struct out_ctx oc = {.mp = mp, .json = json, .first = first, .multi = argc - optind > 1,
                             .file = argv[i], .out = &out};
        metric_batch_init(&oc.batch);
        if (strcmp(argv[i], "-") && access(argv[i], R_OK) != 0) {
            err_errno(&e, "%s", argv[i]);
            rc = cli_fail(&e);
        } else if (tail_read(argv[i], &(struct tail_pos){0}, 1, on_line, &oc, &e) < 0) {
            rc = cli_fail(&e);
        } else {
            metrics_end(mp, &oc.batch);
            take_batch(&oc);
            print_rows(&oc);
            warn_twice(mp, argv[i]);
        }
        first = oc.first;
        rows_release(&oc.rows);
        metric_batch_release(&oc.batch);
        metrics_free(mp);
    }
    if (!rc) {
        if (json) sb_add(&out, first ? "]\n" : "\n]\n");
        if (out.len) fwrite(out.buf, 1, out.len, stdout);
    }
    sb_release(&out);
    space_free(sp);
out:
    for (size_t i = 0; i < npats; i++) {
        free(pats[i].name);
        free(pats[i].regex);
    }
    free(pats);
    return rc;
}
