/* sweeps.c - which sweeps are served, under which names: the directories
 * named at start, those found directly under the root (a directory, not a
 * link, holding sweep.db), and with --machine those of the machine ledger
 * (`sweep ps --json`'s dirs). A URL names one of these; no path ever comes
 * from a URL. */
#include "serve/serve_int.h"

#include "base/err.h"
#include "base/json.h"
#include "base/value.h"
#include "store/dirlock.h"
#include "store/store.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int serve_name_ok(const char *name)
{
    if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strlen(name) > 128)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

char *sweeps_name_of(const char *dir)
{
    char *abs = realpath(dir, NULL);
    const char *d = abs ? abs : dir;
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/') n--;
    size_t b = n;
    while (b > 0 && d[b - 1] != '/') b--;
    struct sb s;
    sb_init(&s);
    for (size_t i = b; i < n && s.len < 64; i++) {
        char c = d[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        sb_addc(&s, ok ? c : '_');
    }
    if (!s.len || strcmp(sb_str(&s), ".") == 0 || strcmp(sb_str(&s), "..") == 0) {
        sb_reset(&s);
        sb_add(&s, "sweep");
    }
    free(abs);
    return sb_detach(&s);
}

void sweeps_release(struct srv *s)
{
    for (size_t i = 0; i < s->nsweeps; i++) {
        free(s->sweeps[i].name);
        free(s->sweeps[i].dir);
    }
    free(s->sweeps);
    s->sweeps = NULL;
    s->nsweeps = 0;
}

static void add(struct srv *s, size_t *cap, const char *dir)
{
    char *real = realpath(dir, NULL);
    if (!real) return;
    for (size_t i = 0; i < s->nsweeps; i++)
        if (strcmp(s->sweeps[i].dir, real) == 0) {
            free(real);
            return;
        }
    char *base = sweeps_name_of(real);
    char *name = xstrdup(base);
    for (int k = 2;; k++) { /* two sweeps called runs/a and other/a: a and a-2 */
        size_t i = 0;
        while (i < s->nsweeps && strcmp(s->sweeps[i].name, name) != 0) i++;
        if (i == s->nsweeps) break;
        free(name);
        name = xasprintf("%s-%d", base, k);
    }
    free(base);
    if (s->nsweeps == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        s->sweeps = xrealloc(s->sweeps, *cap * sizeof *s->sweeps);
    }
    s->sweeps[s->nsweeps++] = (struct served){name, real};
}


static void under_root(struct srv *s, size_t *cap)
{
    struct dirent **ents;
    int n = scandir(s->root, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        if (nm[0] != '.') {
            char *d = xasprintf("%s/%s", s->root, nm);
            char *db = xasprintf("%s/sweep.db", d);
            struct stat st;
            if (lstat(d, &st) == 0 && S_ISDIR(st.st_mode) && lstat(db, &st) == 0 &&
                S_ISREG(st.st_mode))
                add(s, cap, d);
            free(db);
            free(d);
        }
        free(ents[i]);
    }
    if (n >= 0) free(ents);
}

static void of_machine(struct srv *s, size_t *cap)
{
    struct sb out;
    sb_init(&out);
    struct err e = {0};
    if (s->o->docs->ps(&out, &e) == 0) {
        struct value *v = json_parse(out.buf ? out.buf : "", out.len, &e);
        const struct value *list = v && v->kind == V_MAP ? value_map_get(v, "sweeps") : NULL;
        for (size_t i = 0; list && list->kind == V_LIST && i < list->u.list.n; i++) {
            const struct value *it = list->u.list.v[i];
            const struct value *d = it->kind == V_MAP ? value_map_get(it, "dir") : NULL;
            if (d && d->kind == V_STR) {
                char *db = xasprintf("%s/sweep.db", d->u.s);
                if (access(db, R_OK) == 0) add(s, cap, d->u.s);
                free(db);
            }
        }
        value_free(v);
    }
    sb_release(&out);
}

void sweeps_refresh(struct srv *s)
{
    sweeps_release(s);
    size_t cap = 0;
    for (size_t i = 0; i < s->o->ndirs; i++) add(s, &cap, s->o->dirs[i]);
    if (s->root) under_root(s, &cap);
    if (s->o->machine) of_machine(s, &cap);
}

const struct served *sweeps_find(struct srv *s, const char *name)
{
    for (size_t i = 0; i < s->nsweeps; i++)
        if (strcmp(s->sweeps[i].name, name) == 0) return &s->sweeps[i];
    return NULL;
}

/* [{"name", "dir", "method", "objective", "goal", "running", "total", "counts"}] */
int sweeps_list_json(struct srv *s, struct sb *out)
{
    sb_add(out, "[");
    for (size_t i = 0; i < s->nsweeps; i++) {
        const struct served *w = &s->sweeps[i];
        sb_add(out, i ? ",\n {\"name\": " : "\n {\"name\": ");
        json_quote(out, w->name);
        sb_add(out, ", \"dir\": ");
        json_quote(out, w->dir);
        struct err e = {0};
        char *db = xasprintf("%s/sweep.db", w->dir);
        struct store *st = store_open_ro(db, &e);
        free(db);
        struct store_sweep sw = {0};
        long long counts[TRIAL_NSTATES];
        if (st && store_get_sweep(st, &sw, &e) == 0 && store_counts(st, counts, &e) == 0) {
            sb_add(out, ", \"method\": ");
            json_quote(out, sw.method);
            sb_add(out, ", \"objective\": ");
            if (sw.objective) json_quote(out, sw.objective);
            else sb_add(out, "null");
            sb_addf(out, ", \"goal\": \"%s\", \"created\": ", sw.maximize ? "maximize" : "minimize");
            json_num(out, sw.created);
            sb_addf(out, ", \"running\": %s, \"total\": ",
                    dirlock_held(w->dir, NULL, 0, NULL) ? "true" : "false");
            if (sw.total >= 0) sb_addf(out, "%lld", sw.total);
            else sb_add(out, "null");
            sb_add(out, ", \"counts\": {");
            for (int k = 0; k < TRIAL_NSTATES; k++)
                sb_addf(out, "%s\"%s\": %lld", k ? ", " : "", store_state_name(k), counts[k]);
            sb_add(out, "}}");
        } else {
            sb_add(out, ", \"error\": ");
            json_quote(out, e.msg);
            sb_add(out, "}");
        }
        store_sweep_release(&sw);
        if (st) store_close(st);
    }
    sb_add(out, "\n]\n");
    return 0;
}
