/* stored.h - loading the sweep a directory holds: its file as stored, with
 * the inputs recorded when it began (template texts, the interpreter), and
 * relative paths resolved against the directory of the file as it was then
 * (from the stored working directory). Touches neither the current
 * directory nor PATH; used by resume, status, stop and report alike. */
#ifndef SWEEP_STORED_H
#define SWEEP_STORED_H

struct diag;
struct space;
struct store;
struct store_sweep;

/* The stored sweep w of st, checked as a file is (problems in d, with the
 * stored file's name). parsers: the parser registry's names (NULL: any).
 * NULL when it does not load. */
struct space *store_load_space(struct store *st, const struct store_sweep *w,
                               const char *const *parsers, struct diag *d);

#endif
