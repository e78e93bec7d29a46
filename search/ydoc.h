/* ydoc.h - reading a YAML file into a value tree, with positions.
 *
 * Scalars follow YAML 1.1 as PyYAML (and so W&B) reads them, with the
 * decisions of docs/contract.md §3: "1e-5" is a float (YAML 1.1 would make it
 * a string); yes/no/on/off are booleans; a duplicate key is an error that
 * names both lines. Tags !!str !!int !!float !!bool !!null are honoured,
 * anchors, aliases and "<<" merge keys work, and only one document is read.
 * Map keys are kept as written (the text of the scalar). */
#ifndef SWEEP_YDOC_H
#define SWEEP_YDOC_H

#include <stddef.h>

struct value;
struct diag;

/* Parses text; errors go to d. Returns the root (caller frees) or NULL if
 * the text could not be read as YAML at all. Duplicate keys are reported in d
 * but still give a tree (the first value is kept). */
struct value *ydoc_load(const char *text, size_t len, struct diag *d);

/* How a plain scalar resolves (exposed for tests): a new value. */
struct value *ydoc_resolve_plain(const char *s);

#endif
