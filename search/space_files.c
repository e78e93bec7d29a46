/* space_files.c - what a sweep file takes from outside its text: templates
 * (files rendered per trial) and the default interpreter, read anew for a
 * new sweep and given back by the store for a stored one (space_env); and
 * env. */
#include "search/space_int.h"
#include "search/expr.h"
#include "search/tpl.h"
#include "search/ydoc.h"
#include "base/err.h"
#include "base/util.h"
#include "base/value.h"

#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The input a stored sweep recorded under name, or NULL. */
static const char *stored_input(const struct ctx *c, const char *name)
{
    if (!c->env || !c->env->stored) return NULL;
    for (size_t i = 0; i < c->env->ninputs; i++)
        if (!strcmp(c->env->inputs[i].name, name)) return c->env->inputs[i].text;
    return NULL;
}

static void add_input(struct space *sp, const char *name, const char *text)
{
    sp->inputs = xrealloc(sp->inputs, (sp->ninputs + 1) * sizeof *sp->inputs);
    sp->inputs[sp->ninputs++] = (struct space_input){.name = xstrdup(name), .text = xstrdup(text)};
}

char *sx_interpreter(struct ctx *c)
{
    const char *kept = stored_input(c, "interpreter");
    /* a sweep stored before the interpreter was recorded looks again, as it did */
    char *found = xstrdup(kept ? kept : util_on_path("python") ? "python" : "python3");
    add_input(c->sp, "interpreter", found);
    return found;
}

/* Why a template's 'to' leaves the trial directory whatever the values,
 * or NULL: an absolute path (other than under ${trial_dir}), or a '..'. */
static const char *static_escape(const char *to)
{
    const char *p = to;
    if (!strncmp(p, "${trial_dir}", 12) && (p[12] == '/' || p[12] == '\0')) p += 12;
    else if (p[0] == '/')
        return "an absolute path writes outside the trial directory (write a relative path, "
               "or one under ${trial_dir})";
    for (const char *q = p; *q;) {
        while (*q == '/') q++;
        size_t n = strcspn(q, "/");
        if (n == 2 && !strncmp(q, "..", 2))
            return "'..' climbs out of the trial directory";
        q += n;
    }
    return NULL;
}

/* stage: [{from: DIR, to: ROOT}, ...] - datasets copied once per machine
 * before the first trial (the run's stage step); ${stage}, ${stage_1}... */
void sx_parse_stage(struct ctx *c, const struct value *v)
{
    struct space *sp = c->sp;
    if (v->kind != V_LIST || !v->u.list.n) {
        diag_error(c->d, v->line, v->col,
                   "stage must be a list [{from: DIR}, ...] (to: a directory for the copies)");
        return;
    }
    if (strcmp(sp->executor, "local")) {
        diag_error(c->d, v->line, v->col,
                   "stage is for the local executor (a cluster's nodes stage their own data)");
        return;
    }
    static const char *const keys[] = {"from", "to", NULL};
    for (size_t i = 0; i < v->u.list.n; i++) {
        const struct value *m = v->u.list.v[i];
        const struct value *f = m->kind == V_MAP ? value_map_get(m, "from") : NULL;
        if (!f || f->kind != V_STR || !*f->u.s) {
            diag_error(c->d, m->line, m->col, "stage: each entry is {from: DIR} (to: optional)");
            continue;
        }
        sx_check_keys(c, m, keys, "stage");
        const struct value *t = value_map_get(m, "to");
        if (t && (t->kind != V_STR || t->u.s[0] != '/')) {
            diag_error(c->d, t->line, t->col, "stage: to must be an absolute directory");
            continue;
        }
        sp->stages = xrealloc(sp->stages, (sp->nstages + 1) * sizeof *sp->stages);
        sp->stages[sp->nstages++] = (struct space_stage){
            .from = f->u.s[0] == '/' ? xstrdup(f->u.s) : xasprintf("%s/%s", sp->dir, f->u.s),
            .to = t ? xstrdup(t->u.s) : NULL};
    }
}

void sx_parse_templates(struct ctx *c, const struct value *v)
{
    struct space *sp = c->sp;
    if (v->kind != V_LIST) {
        diag_error(c->d, v->line, v->col, "templates must be a list of {from: FILE, to: PATH}");
        return;
    }
    for (size_t i = 0; i < v->u.list.n; i++) {
        static const char *const keys[] = {"from", "to", NULL};
        const struct value *t = v->u.list.v[i];
        if (t->kind != V_MAP) {
            diag_error(c->d, t->line, t->col, "a template must be {from: FILE, to: PATH}");
            continue;
        }
        sx_check_keys(c, t, keys, "a template");
        const struct value *from = value_map_get(t, "from"), *to = value_map_get(t, "to");
        if (!from || from->kind != V_STR || !to || to->kind != V_STR) {
            diag_error(c->d, t->line, t->col, "a template needs 'from' and 'to' paths");
            continue;
        }
        char *path = from->u.s[0] == '/' ? xstrdup(from->u.s)
                                         : xasprintf("%s/%s", sp->dir, from->u.s);
        char *key = xasprintf("template:%s", from->u.s);
        const char *kept = stored_input(c, key);
        struct err e = {0};
        char *text = kept ? xstrdup(kept) : util_read_file(path, NULL, &e);
        if (!text) {
            diag_error(c->d, from->line, from->col, "template %s", e.msg);
            free(key);
            free(path);
            continue;
        }
        add_input(sp, key, text);
        free(key);
        sx_check_template_text(c, path, text);
        sx_check_placeholders(c, to->u.s, to->line, to->col, 0, "a template's 'to'");
        const char *esc = static_escape(to->u.s);
        if (esc) diag_error(c->d, to->line, to->col, "template 'to' %s: %s", to->u.s, esc);
        sp->templates = xrealloc(sp->templates, (sp->ntemplates + 1) * sizeof *sp->templates);
        sp->templates[sp->ntemplates++] = (struct template_file){
            .name = xstrdup(from->u.s), .from = path, .text = text, .to = xstrdup(to->u.s)};
    }
}

void sx_parse_env(struct ctx *c, const struct value *m)
{
    struct space *sp = c->sp;
    if (m->kind != V_MAP) {
        diag_error(c->d, m->line, m->col, "env must be a map of NAME: value");
        return;
    }
    for (size_t i = 0; i < m->u.map.n; i++) {
        const struct mapent *e = &m->u.map.e[i];
        int ok = isalpha((unsigned char)e->key[0]) || e->key[0] == '_';
        for (const char *q = e->key; *q; q++)
            if (!(isalnum((unsigned char)*q) || *q == '_')) ok = 0;
        if (!ok) {
            diag_error(c->d, e->line, e->col, "'%s' is not a valid environment variable name",
                       e->key);
            continue;
        }
        char *val = sx_get_scalar_text(c, e->val, "an env value");
        if (!val) continue;
        sx_check_placeholders(c, val, e->val->line, e->val->col, 0, "env");
        sp->env = xrealloc(sp->env, (sp->nenv + 1) * sizeof *sp->env);
        sp->env[sp->nenv++] = (struct envvar){.name = xstrdup(e->key), .value = val};
    }
}

