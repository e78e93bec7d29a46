/* render.c - placeholders to argv, env and file contents. */
#include "search/render.h"
#include "search/space.h"
#include "search/tpl.h"
#include "base/json.h"
#include "base/value.h"
#include "base/util.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct strv {
    char **v;
    size_t n, cap;
};

static void strv_push(struct strv *s, char *item) /* takes item */
{
    if (s->n + 2 > s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = item;
    s->v[s->n] = NULL;
}

void render_free_strv(char **v)
{
    if (!v) return;
    for (char **p = v; *p; p++) free(*p);
    free(v);
}

void render_shell_quote(struct sb *b, const char *s)
{
    sb_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'') sb_add(b, "'\\''");
        else sb_addc(b, *s);
    }
    sb_addc(b, '\'');
}

void render_shell_word(struct sb *b, const char *s)
{
    int plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%",
                       *c) != NULL;
    if (plain) sb_add(b, s);
    else render_shell_quote(b, s);
}

static char *inline_other(const struct render_ctx *r, const char *name);

/* The text of an inline placeholder; NULL if it has none (a list macro). */
static char *inline_value(const struct render_ctx *r, const char *name)
{
    const struct space *sp = r->sp;
    struct sb b;
    sb_init(&b);
    switch (tpl_builtin(name)) {
    case TPL_ENV: sb_add(&b, "/usr/bin/env"); break;
    case TPL_INTERPRETER: sb_add(&b, sp->interpreter); break;
    case TPL_PROGRAM: sb_add(&b, sp->program ? sp->program : ""); break;
    case TPL_ARGS_JSON: value_json(&b, r->params); break;
    case TPL_ARGS_JSON_FILE: sb_addf(&b, "%s/params.json", r->trial_dir); break;
    case TPL_TRIAL_ID: sb_addf(&b, "%lld", r->id); break;
    case TPL_TRIAL_DIR: sb_add(&b, r->trial_dir); break;
    case TPL_SWEEP_DIR: sb_add(&b, r->sweep_dir); break;
    case TPL_CPUS: sb_addf(&b, "%d", render_ncpus(r)); break;
    case TPL_STAGE: sb_add(&b, r->stage && r->sp->nstages ? r->stage[0] : ""); break;
    case TPL_BUDGET:
        if (r->budget) value_py_str(&b, r->budget);
        break;
    case TPL_PREV_TRIAL_DIR: sb_add(&b, r->prev_dir ? r->prev_dir : ""); break;
    case TPL_ARGS:
    case TPL_ARGS_NO_HYPHENS:
    case TPL_ARGS_NO_BOOLEAN_FLAGS:
    case TPL_ARGS_NO_EQUALS:
    case TPL_NBUILTINS:
    case TPL_NONE: sb_release(&b); return inline_other(r, name);
    }
    return sb_detach(&b);
}

/* An environment variable or a parameter; NULL if neither (a list macro). */
static char *inline_other(const struct render_ctx *r, const char *name)
{
    struct sb b;
    sb_init(&b);
    char *end;
    long k = !strncmp(name, "stage_", 6) ? strtol(name + 6, &end, 10) : -1;
    if (!strncmp(name, "envvar:", 7)) {
        /* W&B: an unset variable leaves its name */
        const char *v = getenv(name + 7);
        sb_add(&b, v ? v : name + 7);
    } else if (k >= 0 && !*end && (size_t)k < r->sp->nstages && !value_lookup(r->params, name)) {
        sb_add(&b, r->stage ? r->stage[k] : ""); /* ${stage_1}: the second stage: copy */
    } else {
        const struct value *v = value_lookup(r->params, name);
        if (!v) {
            sb_release(&b);
            return NULL;
        }
        value_py_str(&b, v);
    }
    return sb_detach(&b);
}

/* The argv elements of a list macro, appended to out. 1 if name is one. */
static int list_macro(const struct render_ctx *r, const char *name, struct strv *out)
{
    int kind = tpl_builtin(name);
    if (kind < 0 || !tpl_builtins[kind].list) return 0;
    const struct value *m = r->params;
    for (size_t i = 0; i < m->u.map.n; i++) {
        const char *k = m->u.map.e[i].key;
        const struct value *v = m->u.map.e[i].val;
        struct sb b;
        sb_init(&b);
        switch (kind) {
        case TPL_ARGS: sb_addf(&b, "--%s=", k); value_py_str(&b, v); break;
        case TPL_ARGS_NO_HYPHENS: sb_addf(&b, "%s=", k); value_py_str(&b, v); break;
        case TPL_ARGS_NO_BOOLEAN_FLAGS:
            if (v->kind == V_BOOL) {
                if (v->u.b) sb_addf(&b, "--%s", k);
                else {
                    sb_release(&b);
                    continue;
                }
            } else {
                sb_addf(&b, "--%s=", k);
                value_py_str(&b, v);
            }
            break;
        case TPL_ARGS_NO_EQUALS:
            strv_push(out, xasprintf("--%s", k));
            value_py_str(&b, v);
            break;
        }
        strv_push(out, sb_detach(&b));
    }
    return 1;
}

/* Renders s; quote: shell-quote substituted values (shell: true). */
static char *render(const struct render_ctx *r, const char *s, int quote)
{
    struct sb b;
    sb_init(&b);
    size_t pos = 0;
    struct tpl_piece p;
    while (tpl_next(s, &pos, &p) > 0) {
        if (!p.is_placeholder) {
            sb_addn(&b, p.s, p.len);
            continue;
        }
        char *name = xstrndup(p.s, p.len);
        char *val = inline_value(r, name);
        if (val) {
            if (quote) render_shell_quote(&b, val);
            else sb_add(&b, val);
        } else if (quote) { /* shell: a list macro becomes quoted words */
            struct strv words = {0};
            if (list_macro(r, name, &words))
                for (size_t i = 0; i < words.n; i++) {
                    if (i) sb_addc(&b, ' ');
                    render_shell_quote(&b, words.v[i]);
                }
            render_free_strv(words.v);
        }
        free(val);
        free(name);
    }
    return sb_detach(&b);
}

char *render_text(const struct render_ctx *r, const char *s)
{
    return render(r, s, 0);
}

char **render_argv(const struct render_ctx *r, size_t *argc)
{
    return render_command(r, r->sp->command, r->sp->ncommand, argc);
}

char **render_command(const struct render_ctx *r, char *const *command, size_t ncommand,
                      size_t *argc)
{
    const struct space *sp = r->sp;
    struct strv out = {0};
    if (sp->shell) {
        struct sb script;
        sb_init(&script);
        for (size_t i = 0; i < ncommand; i++) {
            char *part = render(r, command[i], 1);
            if (i) sb_addc(&script, ' ');
            sb_add(&script, part);
            free(part);
        }
        strv_push(&out, xstrdup("/bin/sh"));
        strv_push(&out, xstrdup("-c"));
        strv_push(&out, sb_detach(&script));
    } else {
        for (size_t i = 0; i < ncommand; i++) {
            const char *name;
            size_t len;
            if (tpl_whole(command[i], &name, &len)) {
                char *n = xstrndup(name, len);
                int was_list = list_macro(r, n, &out);
                free(n);
                if (was_list) continue;
            }
            strv_push(&out, render(r, command[i], 0));
        }
    }
    if (argc) *argc = out.n;
    if (!out.v) strv_push(&out, NULL), out.n = 0;
    return out.v;
}

static void env_set(struct strv *env, const char *name, const char *value)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < env->n; i++)
        if (!strncmp(env->v[i], name, nl) && env->v[i][nl] == '=') {
            free(env->v[i]);
            env->v[i] = xasprintf("%s=%s", name, value);
            return;
        }
    strv_push(env, xasprintf("%s=%s", name, value));
}

int render_ncpus(const struct render_ctx *r)
{
    if (r->ncpus > 0) return r->ncpus;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* The thread pools a trainer starts as many threads in as there are cores
 * (OpenMP, MKL, OpenBLAS, BLIS, numexpr, Accelerate): capped at the trial's
 * CPUs, unless the sweep file's env sets one (it comes after). */
static const char *const thread_caps[] = {"OMP_NUM_THREADS",      "MKL_NUM_THREADS",
                                          "OPENBLAS_NUM_THREADS", "BLIS_NUM_THREADS",
                                          "NUMEXPR_NUM_THREADS",  "VECLIB_MAXIMUM_THREADS",
                                          NULL};

char **render_env(const struct render_ctx *r, char *const *base)
{
    struct strv env = {0};
    for (char *const *p = base; p && *p; p++) strv_push(&env, xstrdup(*p));
    char id[32];
    snprintf(id, sizeof id, "%lld", r->id);
    env_set(&env, "PYTHONUNBUFFERED", "1"); /* so that the log is written as it happens */
    env_set(&env, "SWEEP_TRIAL_ID", id);
    env_set(&env, "SWEEP_TRIAL_DIR", r->trial_dir);
    env_set(&env, "SWEEP_SWEEP_DIR", r->sweep_dir);
    /* wandb.init() fills wandb.config from it, as under W&B's agent */
    char *wp = xasprintf("%s/%s", r->trial_dir, RENDER_WANDB_CONFIG);
    env_set(&env, "WANDB_SWEEP_PARAM_PATH", wp);
    free(wp);
    if (r->budget) {
        struct sb bv;
        sb_init(&bv);
        value_py_str(&bv, r->budget);
        env_set(&env, "SWEEP_BUDGET", bv.buf);
        sb_release(&bv);
    }
    if (r->prev_dir) env_set(&env, "SWEEP_PREV_TRIAL_DIR", r->prev_dir);
    if (r->sp->gpus_none) env_set(&env, "CUDA_VISIBLE_DEVICES", "");
    if (r->gpu >= 0) {
        char v[64];
        snprintf(v, sizeof v, "%d", r->gpu);
        env_set(&env, "CUDA_VISIBLE_DEVICES", v);
        env_set(&env, "CUDA_DEVICE_ORDER", "PCI_BUS_ID"); /* CUDA's indices are nvidia-smi's */
        snprintf(v, sizeof v, "%.0f", r->gpu_mem_mib);
        env_set(&env, "SWEEP_GPU_MEM_MB", v);
        snprintf(v, sizeof v, "%.4f", r->gpu_total_mib > 0 ? r->gpu_mem_mib / r->gpu_total_mib : 1);
        env_set(&env, "SWEEP_GPU_MEM_FRACTION", v);
    }
    if (r->mps_pipe) { /* share: mps - the sweep's own MPS control daemon */
        char v[16];
        env_set(&env, "CUDA_MPS_PIPE_DIRECTORY", r->mps_pipe);
        env_set(&env, "CUDA_MPS_LOG_DIRECTORY", r->mps_log);
        snprintf(v, sizeof v, "%d", r->mps_pct);
        env_set(&env, "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", v);
    }
    if (r->cpus) {
        char v[32];
        snprintf(v, sizeof v, "%d", r->ncpus);
        for (const char *const *k = thread_caps; *k; k++) env_set(&env, *k, v);
        env_set(&env, "SWEEP_TRIAL_CPUS", r->cpus); /* the supervisor pins the trial to them */
    }
    for (size_t i = 0; i < r->sp->nenv; i++) {
        char *v = render(r, r->sp->env[i].value, 0);
        env_set(&env, r->sp->env[i].name, v);
        free(v);
    }
    if (!env.v) strv_push(&env, NULL), env.n = 0;
    return env.v;
}

char *render_wandb_config(const struct value *params)
{
    struct sb b;
    sb_init(&b);
    sb_add(&b, "wandb_version: 1\n\n");
    for (size_t i = 0; params && params->kind == V_MAP && i < params->u.map.n; i++) {
        json_quote(&b, params->u.map.e[i].key); /* JSON is YAML: a key stays a string */
        sb_add(&b, ":\n  value: ");
        value_json(&b, params->u.map.e[i].val);
        sb_add(&b, "\n");
    }
    return sb_detach(&b);
}
