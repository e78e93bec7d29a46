/* render.h - a trial's argv, environment and files from the file's
 * placeholders.
 *
 * Values reach the trainer as argv elements, never through a shell: with
 * the default shell: false, the argv is exec'd as it is. With shell: true
 * the command runs under /bin/sh -c and every substituted value is quoted
 * for the shell. Values are rendered as W&B renders them (Python str():
 * True, 1e-05, [1, 2], {'lr': 0.1}); ${args_json} is JSON. */
#ifndef SWEEP_RENDER_H
#define SWEEP_RENDER_H

#include <stddef.h>

struct space;
struct value;
struct err;
struct sb;

struct render_ctx {
    const struct space *sp;
    const struct value *params;  /* the trial's parameter map */
    long long id;
    const char *trial_dir;       /* absolute */
    const char *sweep_dir;       /* absolute */
    const struct value *budget;  /* halving/hyperband: ${budget}; NULL otherwise */
    const char *prev_dir;        /* ${prev_trial_dir}: the rung before's trial; NULL if none */
    int gpu;                     /* GPU packing: its GPU (CUDA_VISIBLE_DEVICES), else -1 */
    double gpu_mem_mib;          /* the memory reserved for it there */
    double gpu_total_mib;        /* that GPU's memory */
    const char *cpus;            /* its CPU set ("0-3,8"), or NULL: every core sweep may use */
    char *const *stage;          /* stage: the copies' paths (sp->nstages), or NULL */
    const char *mps_pipe;        /* share: mps - the MPS control daemon's pipe directory */
    const char *mps_log;         /* and its log directory */
    int mps_pct;                 /* its CUDA_MPS_ACTIVE_THREAD_PERCENTAGE (1-100) */
    int ncpus;                   /* how many: ${cpus} */
};

/* ${cpus}: the trial's CPU count, or the cores sweep may use (no set). */
int render_ncpus(const struct render_ctx *r);

/* A placeholder string with every ${...} replaced (not shell-quoted). */
char *render_text(const struct render_ctx *r, const char *s);
/* The argv to exec, NULL-terminated; *argc gets its length. */
char **render_argv(const struct render_ctx *r, size_t *argc);
/* The same for another command of the file (resume.command). */
char **render_command(const struct render_ctx *r, char *const *command, size_t ncommand,
                      size_t *argc);
/* The trial's environment: base (NULL-terminated, e.g. environ) with
 * PYTHONUNBUFFERED, SWEEP_*, WANDB_SWEEP_PARAM_PATH and the file's env: set. */
char **render_env(const struct render_ctx *r, char *const *base);

/* The trial's parameters in W&B's config file format, the file W&B's agent
 * names in WANDB_SWEEP_PARAM_PATH (wandb.init() fills wandb.config from it):
 * "wandb_version: 1", then each top-level parameter as NAME: {value: V},
 * a nested group's value a map. A new string. */
#define RENDER_WANDB_CONFIG "wandb-config.yaml" /* in the trial directory */
char *render_wandb_config(const struct value *params);
void render_free_strv(char **v);
/* Writes v to b quoted for /bin/sh ('...' with '\'' for quotes). */
void render_shell_quote(struct sb *b, const char *s);
/* s as one word to paste into a shell: as it is when it is plain
 * (letters, digits, _-+=/.,:@%), else quoted as render_shell_quote does.
 * Hints that name a path use it. */
void render_shell_word(struct sb *b, const char *s);

#endif
