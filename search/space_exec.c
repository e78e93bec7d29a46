/* space_exec.c - `executor` and its section. search/ knows no executor: it
 * reads the name (one of space_env.executors, when given) and keeps the
 * section named like it, as written, for the executor to read
 * (sweep/exec/executors.h: exec_configure); the section of an executor the
 * file does not choose is refused here. Also the typed readers of
 * section.h, over space_check.c's. */
#include "search/section.h"
#include "search/space_int.h"
#include "base/util.h"
#include "base/value.h"

#include <stdlib.h>
#include <string.h>

void sx_parse_executor(struct ctx *c, const struct value *root)
{
    struct space *sp = c->sp;
    const char *const *names = c->env ? c->env->executors : NULL;
    const struct value *v = value_map_get(root, "executor");
    sp->executor = xstrdup("local");
    if (v) {
        int ok = v->kind == V_STR && v->u.s[0] && !strpbrk(v->u.s, " \t\n/");
        if (ok && names) { /* one of the table's */
            ok = 0;
            for (const char *const *n = names; *n; n++)
                if (!strcmp(*n, v->u.s)) ok = 1;
        }
        if (!ok) {
            struct sb list;
            sb_init(&list);
            for (size_t i = 0; names && names[i]; i++)
                sb_addf(&list, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
            diag_error(c->d, v->line, v->col, "executor must be %s",
                       names ? sb_str(&list) : "a word");
            sb_release(&list);
        } else {
            free(sp->executor);
            sp->executor = xstrdup(v->u.s);
            sp->executor_line = v->line;
            sp->executor_col = v->col;
        }
    }
    sp->executor_section = value_map_get(root, sp->executor);
    for (size_t i = 0; names && names[i]; i++) {
        const struct mapent *e = value_map_entry(root, names[i]);
        if (e && strcmp(names[i], sp->executor))
            diag_error(c->d, e->line, e->col, "a %s section needs executor: %s", names[i],
                       names[i]);
    }
}

/* The readers of section.h: the same as the sweep file's own sections. */

void section_check_keys(struct diag *d, const struct value *m, const char *const *allowed,
                        const char *where)
{
    struct ctx c = {.d = d};
    sx_check_keys(&c, m, allowed, where);
}

char *section_text(struct diag *d, const struct value *v, const char *what)
{
    struct ctx c = {.d = d};
    return sx_get_scalar_text(&c, v, what);
}

long long section_int(struct diag *d, const struct value *m, const char *key, long long lo,
                      long long hi, long long dflt)
{
    struct ctx c = {.d = d};
    return sx_get_int(&c, m, key, lo, hi, dflt);
}

double section_duration(struct diag *d, const struct value *m, const char *key, double dflt)
{
    struct ctx c = {.d = d};
    return sx_get_duration(&c, m, key, dflt);
}
