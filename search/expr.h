/* expr.h - small arithmetic formulas over parameters, for GPU memory
 * estimates: `memory: "0.9 + 0.11 * batch"` (docs/config.md).
 *
 * Numbers (1, 0.5, 1e-3), parameter names (nested as a.b), + - * / ^,
 * unary minus, parentheses, and min(a, b), max(a, b), sqrt(x), log2(x),
 * ceil(x), floor(x). Compiled once into a postfix program, evaluated per
 * trial. */
#ifndef SWEEP_EXPR_H
#define SWEEP_EXPR_H

#include <stddef.h>

struct value;
struct expr;

/* Compiles text; NULL with a message and the 0-based offset of the
 * problem in *err_at. Names are kept as written: the caller checks them
 * with expr_name(). */
struct expr *expr_compile(const char *text, char *msg, size_t msglen, size_t *err_at);
void expr_free(struct expr *x);
/* The names used, i = 0, 1, ... (NULL after the last). */
const char *expr_name(const struct expr *x, size_t i);
/* The value with parameters from params (a map; nested names go into
 * groups). NaN when a name has no numeric value or the result is not a
 * finite number. */
double expr_eval(const struct expr *x, const struct value *params);

#endif
