/* mmdet.c - MMDetection: MMEngine's and 2.x's text logs and MMEngine's
 * scalars.json (docs/parsers.md). */
#include "sweep/ingest/lex.h"
#include "base/json.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const mm_train_skip[] = {"eta", "epoch", "iter", NULL};
static const char *const mm_val_skip[] = {"eta", "epoch", "iter", "time", "data_time", "memory",
                                          NULL};

/* MMEngine's "Epoch(train)  [1][  50/1221]  lr: ... loss: 1.23" and
 * "Epoch(val) [1][625/625]  coco/bbox_mAP: 0.374 ...", MMDetection 2.x's
 * "Epoch [1][50/7330]\tlr: ..., loss: 1.23" and "Epoch(val) [1][7330]\t
 * bbox_mAP: 0.374, ...", and their Iter variants. Training values are at
 * the global iteration, validation values at the epoch (at the last
 * iteration when training counts iterations): MMEngine's own steps. */
static void mmdet_text(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    static const struct {
        const char *tag;
        int epoch, val;
    } tags[] = {{"Epoch(train)", 1, 0}, {"Iter(train)", 0, 0}, {"Epoch(val)", 1, 1},
                {"Iter(val)", 0, 1},    {"Epoch(test)", 1, 1}, {"Iter(test)", 0, 1},
                {"Epoch [", 1, 0},      {"Iter [", 0, 0}};
    for (size_t k = 0; k < ARRAY_LEN(tags); k++) {
        const char *q = lx_find(s, n, tags[k].tag);
        if (!q) continue;
        size_t i = (size_t)(q - s) + strlen(tags[k].tag);
        if (s[i - 1] == '[') i--;
        long long a, c, it, iters;
        long long step;
        if (!lx_bracket(s, n, &i, &a, &c)) return;
        if (tags[k].epoch) {
            if (!lx_bracket(s, n, &i, &it, &iters)) {
                it = iters = -1; /* 2.x's "Epoch(val) [1]" */
            }
            if (tags[k].val) step = a;
            else {
                if (iters < 0) return;
                step = (a - 1) * iters + it;
            }
        } else {
            step = tags[k].val ? p->epoch : a;
        }
        if (!tags[k].val) p->epoch = step;
        lx_pairs(p, s + i, n - i, b, step, tags[k].val ? mm_val_skip : mm_train_skip);
        return;
    }
}

/* MMEngine's vis_data/scalars.json: {"lr": ..., "loss": ..., "epoch": 1,
 * "iter": 50, "memory": 3543, "step": 50} for training, {"coco/bbox_mAP":
 * 0.374, ..., "step": 1} for validation. (MMDetection 2.x's .log.json, with
 * "mode", counts iterations within an epoch and is not read.) */
static void mmdet_json(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    struct value *v = json_parse(s, n, NULL);
    if (!v) return;
    const struct value *st = v->kind == V_MAP ? value_map_get(v, "step") : NULL;
    long long step;
    if (st && value_is_num(st) && metrics_step(value_num(st), &step) &&
        !value_map_get(v, "mode")) {
        int train = value_map_get(v, "lr") || value_map_get(v, "base_lr") ||
                    value_map_get(v, "loss");
        const char *const *skip = train ? mm_train_skip : mm_val_skip;
        for (size_t i = 0; i < v->u.map.n; i++) {
            const struct mapent *e = &v->u.map.e[i];
            size_t len = strlen(e->key);
            if (!value_is_num(e->val) || !strcmp(e->key, "step") || lx_skipped(e->key, len, skip))
                continue;
            metrics_emit(p, b, e->key, len, 1, step, value_num(e->val));
        }
    }
    value_free(v);
}

static void mmdet_line(struct mparser *p, const char *s, size_t n, struct metric_batch *b)
{
    if (s[0] == '{') {
        mmdet_json(p, s, n, b);
        return;
    }
    if (!lx_find(s, n, "#011")) {
        mmdet_text(p, s, n, b);
        return;
    }
    /* syslog writes a tab as #011 */
    struct sb t;
    sb_init(&t);
    for (size_t i = 0; i < n; i++) {
        if (i + 4 <= n && !memcmp(s + i, "#011", 4)) {
            sb_addc(&t, '\t');
            i += 3;
        } else sb_addc(&t, s[i]);
    }
    mmdet_text(p, t.buf, t.len, b);
    sb_release(&t);
}

static const char *const mmdet_files[] = {"scalars.json", NULL};
static const char *const mmdet_mem[] = {"memory", NULL};

const struct parser_def parser_mmdet = {
    .name = "mmdet",
    .results_files = mmdet_files,
    .mem_mib_names = mmdet_mem,
    .rereads = 1,
    .trims = 1,
    .line = mmdet_line,
};
