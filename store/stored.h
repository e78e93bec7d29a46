/* stored.h - loading the sweep a directory holds: its file as stored, with
 * the inputs recorded when it began (template texts, the interpreter), and
 * relative paths resolved against the directory of the file as it was then
 * (from the stored working directory). Touches neither the current
 * directory nor PATH; used by resume, status, stop and report alike. */
#ifndef SWEEP_STORED_H
#define SWEEP_STORED_H

#include <stddef.h>

struct diag;
struct err;
struct space;
struct store;
struct store_sweep;

/* The stored sweep w of st, checked as a file is (problems in d, with the
 * stored file's name). parsers: the parser registry's names (NULL: any).
 * NULL when it does not load. */
struct space *store_load_space(struct store *st, const struct store_sweep *w,
                               const char *const *parsers, struct diag *d);

/* Earlier sweep i of sp's prior: list, its store opened read-only with its
 * objective set, when it holds a sweep of sp's objective and goal (w gets
 * it: caller releases). NULL otherwise, with why in e ("holds no sweep",
 * "it minimized loss, this sweep maximizes loss", or why it did not open).
 * The one place both sweep run and sweep plan read priors. */
struct store *store_open_prior(const struct space *sp, size_t i, struct store_sweep *w,
                               struct err *e);

#endif
