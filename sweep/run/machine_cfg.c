/* machine_cfg.c - the machine configuration (docs/machine.md), which only
 * root writes: SWEEP_MACHINE_CONFIG, else /etc/sweep/machine.yaml. The fair
 * share's window (the half-life of what users held) and each user's share
 * and limits:
 *
 *   window: 24h
 *   default: {share: 1}
 *   users:
 *     alice: {share: 2, max_memory: 80GiB, max_gpus: 4}
 *   preempt: {after: 30m}     # off unless written
 *
 * Read like the sweep file: unknown keys and bad values are FILE:LINE:COL
 * errors. No file: every user has share 1 and no limit. */
#include "sweep/run/machine_cfg.h"
#include "search/diag.h"
#include "search/section.h"
#include "search/ydoc.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *machine_cfg_path(void)
{
    const char *p = getenv("SWEEP_MACHINE_CONFIG");
    return p && *p ? p : MACHINE_CFG_DEFAULT;
}

static void read_user(struct diag *d, const struct value *m, const char *who,
                      struct machine_user *u)
{
    static const char *const keys[] = {"share", "max_memory", "max_gpus", NULL};
    if (m->kind != V_MAP) {
        diag_error(d, m->line, m->col, "%s: a map (share, max_memory, max_gpus)", who);
        return;
    }
    section_check_keys(d, m, keys, who);
    const struct value *v = value_map_get(m, "share");
    if (v) {
        if (!value_is_num(v) || value_num(v) <= 0)
            diag_error(d, v->line, v->col, "%s: share must be a number > 0", who);
        else u->share = value_num(v);
    }
    if ((v = value_map_get(m, "max_memory"))) {
        char *t = section_text(d, v, "max_memory");
        u->max_mib = t ? util_parse_size_mib(t) : -1;
        if (t && !(u->max_mib > 0))
            diag_error(d, v->line, v->col, "%s: max_memory: a size (80GiB, 24GB)", who);
        free(t);
    }
    u->max_gpus = (int)section_int(d, m, "max_gpus", 1, 4096, 0);
}

/* preempt: {after: DURATION} - opt-in; after > 0. */
static void read_preempt(struct diag *d, const struct value *m, struct machine_cfg *c)
{
    static const char *const keys[] = {"after", NULL};
    if (m->kind != V_MAP || !value_map_get(m, "after")) {
        diag_error(d, m->line, m->col, "preempt: a map {after: DURATION} (how long a user waits "
                                       "before a trial of a user above their share is stopped "
                                       "and requeued)");
        return;
    }
    section_check_keys(d, m, keys, "preempt");
    const struct value *v = value_map_get(m, "after");
    c->preempt_after = section_duration(d, m, "after", -1); /* -1: said */
    if (c->preempt_after == 0) diag_error(d, v->line, v->col, "preempt.after: a duration > 0");
    if (c->preempt_after < 0) c->preempt_after = 0;
}

int machine_cfg_load(struct machine_cfg *c, struct diag *d)
{
    memset(c, 0, sizeof *c);
    c->halflife = MACHINE_CFG_WINDOW_S;
    c->dflt.share = 1;
    const char *path = machine_cfg_path();
    size_t len;
    struct err e = {0};
    char *text = util_read_file(path, &len, &e);
    if (!text) return e.code == ENOENT ? 0 : (diag_error(d, 0, 0, "cannot read: %s", e.msg), -1);
    size_t before = d->nerrors;
    struct value *root = ydoc_load(text, len, d);
    free(text);
    if (root && root->kind != V_MAP)
        diag_error(d, root->line, root->col, "the machine configuration must be a map (window, "
                                             "default, users)");
    if (root && root->kind == V_MAP) {
        static const char *const keys[] = {"window", "default", "users", "preempt", NULL};
        section_check_keys(d, root, keys, "the machine configuration");
        c->halflife = section_duration(d, root, "window", MACHINE_CFG_WINDOW_S);
        if (c->halflife <= 0) c->halflife = MACHINE_CFG_WINDOW_S;
        const struct value *v = value_map_get(root, "preempt");
        if (v) read_preempt(d, v, c);
        v = value_map_get(root, "default");
        if (v) read_user(d, v, "default", &c->dflt);
        if ((v = value_map_get(root, "users")) && v->kind != V_MAP)
            diag_error(d, v->line, v->col, "users: a map of user names");
        for (size_t i = 0; v && v->kind == V_MAP && i < v->u.map.n; i++) {
            c->users = xrealloc(c->users, (c->nusers + 1) * sizeof *c->users);
            struct machine_user *u = &c->users[c->nusers++];
            *u = c->dflt;
            u->name = xstrdup(v->u.map.e[i].key);
            read_user(d, v->u.map.e[i].val, u->name, u);
        }
    }
    value_free(root);
    return d->nerrors != before ? -1 : 0;
}

const struct machine_user *machine_cfg_user(const struct machine_cfg *c, const char *name)
{
    for (size_t i = 0; i < c->nusers; i++)
        if (!strcmp(c->users[i].name, name)) return &c->users[i];
    return &c->dflt;
}

void machine_cfg_release(struct machine_cfg *c)
{
    for (size_t i = 0; i < c->nusers; i++) free(c->users[i].name);
    free(c->users);
    memset(c, 0, sizeof *c);
}
