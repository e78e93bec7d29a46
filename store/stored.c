/* stored.c - a stored sweep, loaded the same from anywhere (stored.h). */
#include "store/stored.h"
#include "search/diag.h"
#include "search/space.h"
#include "store/layout.h"
#include "store/store.h"
#include "base/err.h"
#include "base/util.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

struct space *store_load_space(struct store *st, const struct store_sweep *w,
                               const char *const *parsers, struct diag *d)
{
    struct space_input *in = NULL;
    size_t n = 0;
    struct err e = {0};
    if (store_get_inputs(st, &in, &n, &e)) {
        diag_error(d, 0, 0, "the stored sweep's inputs: %s", e.msg);
        return NULL;
    }
    /* the file's directory when the sweep began: templates are found there */
    char *tmp = xstrdup(w->spec_path);
    char *dir = dirname(tmp);
    char *base = dir[0] == '/' || !w->cwd ? xstrdup(dir) : xasprintf("%s/%s", w->cwd, dir);
    free(tmp);
    struct space_env env = {.base_dir = base, .parsers = parsers, .inputs = in, .ninputs = n,
                            .stored = 1};
    struct space *sp = space_load_env(w->spec_path, w->spec_text, strlen(w->spec_text), &env, d);
    free(base);
    store_inputs_free(in, n);
    return sp;
}

struct store *store_open_prior(const struct space *sp, size_t i, struct store_sweep *w,
                               struct err *e)
{
    const char *p = sp->priors[i];
    char *dir = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", sp->dir, p);
    char *db = layout_db(dir);
    struct store *st = store_open_ro(db, e);
    free(db);
    free(dir);
    *w = (struct store_sweep){0};
    if (!st) return NULL;
    struct err ge = {0};
    if (store_get_sweep(st, w, &ge) != 0) {
        err_set(e, "holds no sweep");
    } else if (!w->objective || strcmp(w->objective, sp->metric_name) ||
               w->maximize != space_maximizes(sp)) {
        err_set(e, "it %s %s, this sweep %s %s", w->maximize ? "maximized" : "minimized",
                w->objective ? w->objective : "nothing",
                space_maximizes(sp) ? "maximizes" : "minimizes", sp->metric_name);
    } else {
        store_set_objective(st, w->objective, w->maximize, w->summary_last);
        return st;
    }
    store_sweep_release(w);
    *w = (struct store_sweep){0};
    store_close(st);
    return NULL;
}
