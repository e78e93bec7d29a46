/* value.h - a YAML/JSON value: what a parameter takes and a trial receives.
 *
 * Values form trees (lists, maps in written order). Every value remembers
 * where it was written (1-based line and column; 0 when it was made up) so
 * that errors can point at it. Containers own their children: value_free
 * frees the whole tree; *_push / *_put take ownership of the child. */
#ifndef SWEEP_VALUE_H
#define SWEEP_VALUE_H

#include <stddef.h>

struct sb;

enum vkind { V_NULL, V_BOOL, V_INT, V_FLOAT, V_STR, V_LIST, V_MAP };

struct mapent {
    char *key;           /* owned */
    int line, col;       /* of the key */
    struct value *val;   /* owned */
};

struct value {
    enum vkind kind;
    int line, col;       /* where it was written, 1-based; 0 if made up */
    union {
        int b;
        long long i;
        double f;
        char *s;         /* owned, NUL-terminated */
        struct { struct value **v; size_t n; } list;
        struct { struct mapent *e; size_t n; } map;
    } u;
};

struct value *value_null(void);
struct value *value_bool(int b);
struct value *value_int(long long i);
struct value *value_float(double f);
struct value *value_str(const char *s);     /* copies s */
struct value *value_list(void);
struct value *value_map(void);
void value_free(struct value *v);           /* NULL is fine */
struct value *value_clone(const struct value *v);

void value_list_push(struct value *list, struct value *item);
/* Replaces an existing key's value (freeing the old one). */
void value_map_put(struct value *map, const char *key, struct value *val);
struct value *value_map_get(const struct value *map, const char *key);
/* The value a dotted name refers to in a parameter map (a leaf or a group),
 * or NULL: "a.b.c" is a key with dots, or a path through nested maps. What
 * a ${name} placeholder and a report column look up. */
const struct value *value_lookup(const struct value *params, const char *name);
/* Calls cb for every leaf of a parameter map, depth first in the map's
 * order, with its dotted path ("opt.beta"); an empty nested map is a leaf.
 * path is valid during the call only. Nothing happens for a non-map. */
typedef void (*value_leaf_cb)(const char *path, const struct value *leaf, void *ctx);
void value_each_leaf(const struct value *map, value_leaf_cb cb, void *ctx);
const struct mapent *value_map_entry(const struct value *map, const char *key);

int value_is_num(const struct value *v);    /* int or float, not bool */
double value_num(const struct value *v);
const char *value_kind_name(enum vkind k);

/* Equality as W&B's grid sees it: equal YAML dumps once integral floats are
 * ints (1.0 equals 1), maps compared regardless of key order. */
int value_equal(const struct value *a, const struct value *b);

/* Strict equality: same kinds (1 is not 1.0), same values, maps with the
 * same keys regardless of order. For "is this the same file?". */
int value_same(const struct value *a, const struct value *b);

/* Python str(): what W&B puts into argv ("True", "1e-05", "[1, 'a']"). */
void value_py_str(struct sb *b, const struct value *v);
/* For a table people read: as value_py_str, floats with 5 significant
 * digits (util_fmt_num); machines get value_py_str or value_json. */
void value_people_str(struct sb *b, const struct value *v);
/* Python repr(). */
void value_py_repr(struct sb *b, const struct value *v);
/* Python repr() of a float: the shortest string that reads back exactly. */
void value_fmt_float(struct sb *b, double f);
/* JSON, compact with ", " and ": " separators as Python's json.dumps. */
void value_json(struct sb *b, const struct value *v);

#endif
