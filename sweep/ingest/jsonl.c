/* jsonl.c - one JSON object a line; nested objects give dotted names, a
 * step key gives the step (docs/parsers.md). */
#include "sweep/ingest/parser.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON number, or a string that is one ("0.22": Katib's JSON lines). */
static int json_number(const struct value *v, double *out)
{
    if (value_is_num(v)) {
        *out = value_num(v);
        return 1;
    }
    if (v->kind != V_STR) return 0;
    size_t n = strlen(v->u.s);
    return n && metrics_scan_number(v->u.s, n, out) == n;
}

static void flatten_json(struct mparser *p, struct metric_batch *b, const struct value *obj,
                         const char *prefix, int has_step, long long step)
{
    for (size_t i = 0; i < obj->u.map.n; i++) {
        const struct mapent *e = &obj->u.map.e[i];
        if (!*prefix && metrics_is_step_key(e->key, strlen(e->key))) continue;
        char *name = *prefix ? xasprintf("%s/%s", prefix, e->key) : xstrdup(e->key);
        double x;
        if (json_number(e->val, &x)) metrics_emit(p, b, name, strlen(name), has_step, step, x);
        else if (e->val->kind == V_MAP) flatten_json(p, b, e->val, name, has_step, step);
        free(name);
    }
}

/* jsonl: one JSON object per line; numbers are metrics, nested objects are
 * flattened with '/'; other lines are skipped. */
void metrics_parse_jsonl(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    while (n && isspace((unsigned char)*s)) s++, n--;
    if (!n || *s != '{') return;
    struct value *v = json_parse(s, n, NULL);
    if (!v) return;
    if (v->kind == V_MAP) {
        static const char *const keys[] = {"step", "_step", "global_step", "iteration", "iter",
                                           "epoch", NULL};
        int has_step = 0;
        long long step = 0;
        for (const char *const *k = keys; *k && !has_step; k++) {
            const struct value *sv = value_map_get(v, *k);
            double x;
            if (sv && json_number(sv, &x) && metrics_step(x, &step)) has_step = 1;
        }
        flatten_json(p, b, v, "", has_step, step);
    }
    value_free(v);
}

const struct parser_def parser_jsonl = {
    .name = "jsonl",
    .line = metrics_parse_jsonl,
};
