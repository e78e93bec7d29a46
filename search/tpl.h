/* tpl.h - splitting a string with ${...} placeholders into pieces.
 *
 * "lr0=${lr0}" is the literal "lr0=" and the placeholder "lr0". "$${" is a
 * literal "${". The checker (space.c) and the renderer (render.c) both walk
 * strings with this, so they agree on what is a placeholder. */
#ifndef SWEEP_TPL_H
#define SWEEP_TPL_H

#include <stddef.h>

struct tpl_piece {
    int is_placeholder;
    const char *s;   /* points into the string: the literal, or the name inside ${} */
    size_t len;
    size_t offset;   /* of the piece in the string (of the '$' for a placeholder) */
};

/* Fills p with the next piece from *pos. 1: a piece; 0: the end; -1: a "${"
 * without its "}" (p->offset is where it starts). */
int tpl_next(const char *s, size_t *pos, struct tpl_piece *p);

/* 1 when the whole string is exactly one placeholder, which *name and *len get. */
int tpl_whole(const char *s, const char **name, size_t *len);

/* The built-in placeholders, named in one place (docs/config.md lists
 * them): what the checker accepts and the renderer fills in. */
enum tpl_builtin {
    TPL_ENV, TPL_INTERPRETER, TPL_PROGRAM, TPL_ARGS_JSON, TPL_ARGS_JSON_FILE, TPL_TRIAL_ID,
    TPL_TRIAL_DIR, TPL_SWEEP_DIR, TPL_CPUS, TPL_STAGE,
    TPL_BUDGET, TPL_PREV_TRIAL_DIR,         /* rung placeholders: halving and hyperband only */
    TPL_ARGS, TPL_ARGS_NO_HYPHENS, TPL_ARGS_NO_BOOLEAN_FLAGS, TPL_ARGS_NO_EQUALS, /* lists */
    TPL_NBUILTINS,
    TPL_NONE = -1
};

struct tpl_builtin_def {
    const char *name;
    int list;        /* expands to several argv elements: only as a whole element */
    int rung;        /* needs method halving or hyperband and a budget */
};

extern const struct tpl_builtin_def tpl_builtins[TPL_NBUILTINS];
/* The built-in called name, or TPL_NONE. */
int tpl_builtin(const char *name);

#endif
