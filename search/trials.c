/* trials.c - trial parameters from an index. */
#include "search/trials.h"
#include "search/grid.h"
#include "search/halving.h"
#include "search/rsearch.h"
#include "search/space.h"
#include "base/value.h"
#include "base/util.h"

#include <stdlib.h>

long long trials_total(const struct space *sp)
{
    if (space_rungs(sp)) {
        long long n = trials_configs(sp);
        if (n == -2) return -2;
        struct hb_plan p;
        hb_plan(sp, n, &p);
        return p.total;
    }
    return trials_configs(sp);
}

long long trials_configs(const struct space *sp)
{
    if (sp->sampler == METHOD_GRID) {
        unsigned long long n;
        if (grid_count(sp, &n) != 0) return sp->run_cap ? sp->run_cap : -2;
        if (sp->run_cap && (unsigned long long)sp->run_cap < n) return sp->run_cap;
        return (long long)n;
    }
    return sp->run_cap ? sp->run_cap : -1;
}

static void set_path(struct value *map, char **segs, int n, struct value *v)
{
    for (int i = 0; i < n - 1; i++) {
        struct value *sub = value_map_get(map, segs[i]);
        if (!sub || sub->kind != V_MAP) {
            value_map_put(map, segs[i], value_map());
            sub = value_map_get(map, segs[i]);
        }
        map = sub;
    }
    value_map_put(map, segs[n - 1], v);
}

struct value *trials_params(const struct space *sp, unsigned long long idx)
{
    struct value **leaf = xcalloc(sp->nparams ? sp->nparams : 1, sizeof *leaf);
    if (sp->sampler == METHOD_GRID) grid_point(sp, idx, leaf);
    else rsearch_point(sp, idx, leaf);
    struct value *map = trials_assemble(sp, leaf);
    free(leaf);
    return map;
}

struct value *trials_assemble(const struct space *sp, struct value **leaf)
{
    struct value *map = value_map();
    for (size_t i = 0; i < sp->nparams; i++)
        set_path(map, sp->params[i].segs, sp->params[i].nsegs, leaf[i]);
    return map;
}
