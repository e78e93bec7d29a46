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

#endif
