/* cmd_best.c - `sweep best [DIR]`: the best trial's configuration, as a
 * file a trainer or the next sweep takes (YAML, as Ultralytics' tuner
 * writes best_hyperparameters.yaml), as JSON, or as the command line that
 * trial ran. */
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"
#include "store/store.h"
#include "sweep/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: sweep best [DIR] [--yaml | --json | --command] [--by OBJECTIVE]\n"
    "\n"
    "The best completed trial of a sweep (the first row of `sweep top`: by the\n"
    "objective, metrics.summary; with halving and hyperband at the highest\n"
    "rung) and its configuration. DIR as for sweep top.\n"
    "\n"
    "A sweep of several objectives has no one best: without --by it prints its\n"
    "front (the trials that meet the constraints and that no other beats in\n"
    "every objective; --json: as a list); --by OBJECTIVE (or --yaml, --command:\n"
    "by the first) takes the trial that meets the constraints with the best\n"
    "value of that objective.\n"
    "\n"
    "  --yaml      (the default) its parameters as YAML, nested groups as maps,\n"
    "              after a comment line naming the trial and its objective:\n"
    "              `sweep best DIR > best.yaml`\n"
    "  --json      {\"trial\": i, \"metric\": NAME, \"goal\": G, \"objective\": v,\n"
    "               \"step\": s, \"params\": {...}, \"argv\": [...]}\n"
    "  --command   the exact command line the trial ran, one shell-quoted line\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0; 1 when no trial has completed with a value of the\n"
    "objective yet (or the sweep has no metric); 2 usage.\n";

struct best {
    int found;
    struct trial_row t;
    struct mo_choice by;    /* several objectives: the one it was chosen by (name NULL: none) */
};

static int first_completed(const struct trial_row *t, void *ctx)
{
    struct best *b = ctx;
    if (t->state != TRIAL_COMPLETED || !t->has_objective) return 0;
    b->found = 1;
    b->t = *t; /* the row's strings are copied below: the store owns them */
    b->t.params = xstrdup(t->params);
    b->t.argv = t->argv ? xstrdup(t->argv) : NULL;
    b->t.reason = NULL;
    b->t.gpu = NULL;
    b->t.stop_reason = NULL;
    b->t.exec_ref = NULL;
    b->t.exec_state = NULL;
    return 1;
}

/* A map's entries as YAML block lines; scalars and lists as JSON, which
 * YAML reads as the same values (a string stays a string: quoted). */
static void yaml_map(struct sb *b, const struct value *m, int indent)
{
    for (size_t i = 0; i < m->u.map.n; i++) {
        const struct mapent *me = &m->u.map.e[i];
        sb_addf(b, "%*s", indent, "");
        json_quote(b, me->key);
        sb_add(b, ":");
        if (me->val->kind == V_MAP && me->val->u.map.n) {
            sb_add(b, "\n");
            yaml_map(b, me->val, indent + 2);
            continue;
        }
        sb_add(b, " ");
        value_json(b, me->val);
        sb_add(b, "\n");
    }
}

/* A sweep of several objectives: the front printed (front: no --by and no
 * form but JSON; json: as JSON), or the trial chosen by --by into b.
 * 0 printed, 1 one objective (or chosen: b->found), 2 nothing completed,
 * -1 error. */
static int mo_best(struct store *st, const char *by, int front, int json, struct best *b,
                   struct err *e)
{
    if (front && !by) {
        struct sb js;
        sb_init(&js);
        int r = cli_mo_front(st, stdout, json ? &js : NULL, e);
        if (r == 0 && json) fputs(sb_str(&js), stdout);
        sb_release(&js);
        return r;
    }
    long long id = cli_mo_best_by(st, by, &b->by, e);
    if (id == -2) return 1;
    if (id == -3) return -1;
    if (id == -1) {
        fprintf(stderr, "sweep best: no completed trial meets the constraints yet\n");
        return 2;
    }
    struct trial_row t;
    memset(&t, 0, sizeof t);
    if (store_get_trial(st, id, &t, e) != 1) return -1;
    if (!t.has_objective) { /* chosen by another objective: the first never logged */
        t.has_objective = 1;
        t.objective = NAN;
    }
    first_completed(&t, b);
    trial_row_release(&t);
    return 1;
}

/* The trial chosen, as YAML, JSON or its command line. 0, or 1 when it
 * has no stored argv (--command). */
static int print_best(const struct best *b, const struct store_sweep *w, const char *word,
                      int form)
{
    int rc = 0;
    struct value *params = json_parse(b->t.params, strlen(b->t.params), NULL);
    struct value *av = b->t.argv ? json_parse(b->t.argv, strlen(b->t.argv), NULL) : NULL;
    const struct value *list = av && av->kind == V_LIST ? av : NULL; /* the argv, as run */
    struct sb o;
    sb_init(&o);
    /* several objectives: what it was chosen by */
    const char *oname = b->by.name ? b->by.name : w->objective;
    int omax = b->by.name ? b->by.maximize : w->maximize;
    double oval = b->by.name ? b->by.value : b->t.objective;
    if (form == 'j') {
        sb_addf(&o, "{\"trial\": %lld, \"metric\": ", b->t.id);
        json_quote(&o, oname);
        sb_addf(&o, ", \"goal\": \"%s\", \"objective\": ", omax ? "maximize" : "minimize");
        json_num(&o, oval);
        sb_addf(&o, ", \"step\": %lld, \"params\": %s, \"argv\": ", b->t.objective_step,
                b->t.params);
        if (list) value_json(&o, list);
        else sb_add(&o, "null");
        sb_add(&o, "}\n");
    } else if (form == 'c') {
        for (size_t i = 0; list && list->kind == V_LIST && i < list->u.list.n; i++) {
            const struct value *a = list->u.list.v[i];
            char *q = cli_word(a->kind == V_STR ? a->u.s : "");
            sb_addf(&o, "%s%s", i ? " " : "", q);
            free(q);
        }
        if (!list) rc = 1, fprintf(stderr, "sweep best: trial %lld has no stored argv\n", b->t.id);
        else sb_add(&o, "\n");
    } else {
        sb_add(&o, "# sweep best ");
        sb_add_visible(&o, word);
        sb_addf(&o, ": trial %lld, ", b->t.id);
        sb_add_visible(&o, oname);
        sb_add(&o, " ");
        util_fmt_num(&o, oval);
        if (b->by.name)
            sb_addf(&o, " (%s; the best of the trials that meet the constraints)\n",
                    omax ? "maximize" : "minimize");
        else
            sb_addf(&o, " (%s) at step %lld\n", omax ? "maximize" : "minimize",
                    b->t.objective_step);
        if (params && params->kind == V_MAP) yaml_map(&o, params, 0);
    }
    fputs(sb_str(&o), stdout);
    sb_release(&o);
    value_free(params);
    value_free(av);
    return rc;
}

int cmd_best(int argc, char **argv)
{
    static const struct option opts[] = {{"yaml", no_argument, NULL, 'y'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"command", no_argument, NULL, 'c'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int form = 'y', forms = 0, c;
    const char *by = NULL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            return 0;
        }
        if (c == '?') return cli_bad_option("best", opts, argv);
        if (c == 'b') {
            by = optarg;
            continue;
        }
        form = c;
        forms++;
    }
    if (forms > 1) return cli_usage("best", "--yaml, --json and --command exclude each other");
    if (argc - optind > 1) return cli_usage("best", "expected at most one sweep directory");
    struct err e = {0};
    char *dir = NULL;
    struct store *st = cli_open_store(optind < argc ? argv[optind] : NULL, &dir, &e);
    if (!st) return cli_fail(&e);
    struct store_sweep w = {0};
    struct best b = {0};
    int rc = 1;
    if (store_get_sweep(st, &w, &e) != 0) {
        rc = cli_fail(&e);
        goto out;
    }
    int mo = mo_best(st, by, forms && form != 'j' ? 0 : 1, form == 'j', &b, &e);
    if (mo == 0 || mo == 2) { /* the front printed, or none yet */
        rc = mo ? 1 : 0;
        goto out;
    }
    if (mo < 0) {
        rc = cli_fail(&e);
        goto out;
    }
    if (by && !b.found) {
        rc = cli_usage("best", "--by is for a sweep of several objectives (metric: a list)");
        goto out;
    }
    if (!b.found && store_each_trial(st, ORDER_CONFIGS, -1, 0, first_completed, &b, &e)) {
        rc = cli_fail(&e);
        goto out;
    }
    char *word = cli_word(dir);
    if (!w.objective) {
        fprintf(stderr, "sweep best: %s has no metric to rank by (metric.name)\n", word);
    } else if (!b.found) {
        fprintf(stderr, "sweep best: no trial of %s has completed with a value of %s yet "
                        "(`sweep status %s` says where it stands)\n",
                word, w.objective, word);
    } else {
        rc = print_best(&b, &w, word, form);
    }
    free(word);
out:
    if (b.found) {
        free(b.t.params);
        free(b.t.argv);
    }
    free(b.by.name);
    store_sweep_release(&w);
    store_close(st);
    free(dir);
    return rc;
}
