/* ydoc.c - libyaml events to a value tree.
 *
 * We use the event API, not libyaml's document loader, because the loader
 * gives every untagged scalar the !!str tag and so loses the difference
 * between `5` and `!!str 5`, and it cannot report duplicate keys. */
#include "search/ydoc.h"
#include "search/diag.h"
#include "base/value.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define TAG_PREFIX "tag:yaml.org,2002:"
#define MAX_NODES 1000000 /* aliases can multiply a small file; stop early */
#define MAX_DEPTH 64       /* lists and maps in lists and maps: every tree walk stays shallow */

struct frame {
    struct value *v;     /* the list or map being filled */
    char *key;           /* map: the key waiting for its value */
    int key_line, key_col;
    int key_is_merge;    /* the key was a plain "<<" */
    char **merged;       /* map: keys that came from "<<" (explicit keys override) */
    size_t nmerged;
};

struct anchor {
    char *name;
    struct value *v;     /* borrowed: lives in the tree */
};

struct loader {
    struct diag *d;
    struct frame *stack;
    size_t depth, cap;
    struct anchor *anchors;
    size_t nanchors;
    struct value *root;
    long nodes;
    int fatal;
    struct value **dead; /* dropped nodes an anchor may still point at */
    size_t ndead;
};

static void drop(struct loader *L, struct value *v)
{
    L->dead = xrealloc(L->dead, (L->ndead + 1) * sizeof *L->dead);
    L->dead[L->ndead++] = v;
}

static int all_match(const char *s, const char *set)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!strchr(set, *s)) return 0;
    return 1;
}

static char *strip_underscores(const char *s)
{
    char *o = xmalloc(strlen(s) + 1), *q = o;
    for (; *s; s++)
        if (*s != '_') *q++ = *s;
    *q = '\0';
    return o;
}

static int is_one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (!strcmp(s, *words)) return 1;
    return 0;
}

static const char *const TRUE_WORDS[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                         "on",   "On",   "ON",   NULL};
static const char *const FALSE_WORDS[] = {"false", "False", "FALSE", "no", "No", "NO",
                                          "off",   "Off",   "OFF",   NULL};
static const char *const NULL_WORDS[] = {"", "~", "null", "Null", "NULL", NULL};

/* YAML 1.1 integer forms (sign, then 0b.., 0x.., 0.. octal, decimal, or
 * sexagesimal a:b:c). Returns 1 and sets *out when s is one. */
static int parse_int11(const char *s, long long *out)
{
    int neg = 0;
    const char *p = s;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    if (!*p || *p == '_') return 0;
    char *digits = strip_underscores(p), *end;
    int ok = 0;
    unsigned long long v = 0;
    errno = 0;
    if (!strncmp(digits, "0b", 2) && all_match(digits + 2, "01")) {
        v = strtoull(digits + 2, &end, 2);
        ok = !errno;
    } else if (!strncmp(digits, "0x", 2) && all_match(digits + 2, "0123456789abcdefABCDEF")) {
        v = strtoull(digits + 2, &end, 16);
        ok = !errno;
    } else if (digits[0] == '0' && digits[1] && all_match(digits + 1, "01234567")) {
        v = strtoull(digits + 1, &end, 8);
        ok = !errno;
    } else if (all_match(digits, "0123456789") && (digits[0] != '0' || !digits[1])) {
        v = strtoull(digits, &end, 10);
        ok = !errno;
    } else if (digits[0] >= '1' && digits[0] <= '9' && strchr(digits, ':') &&
               all_match(digits, "0123456789:")) {
        /* sexagesimal: 1:30 = 90; every part after the first is 0..59 */
        ok = 1;
        char *part = digits;
        while (part && ok) {
            char *colon = strchr(part, ':');
            if (colon) *colon = '\0';
            unsigned long long pv = strtoull(part, &end, 10);
            if (!*part || (part != digits && (strlen(part) > 2 || pv > 59))) ok = 0;
            v = v * 60 + pv;
            part = colon ? colon + 1 : NULL;
        }
    }
    free(digits);
    if (!ok || v > (unsigned long long)9223372036854775807LL + neg) return 0;
    *out = neg ? (long long)(0 - v) : (long long)v;
    return 1;
}

/* Floats: YAML 1.1's forms with a dot, plus "1e-5" without one (docs/contract.md
 * section 3), plus .inf / .nan. */
static int parse_float11(const char *s, double *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+') p++;
    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
        *out = *s == '-' ? -INFINITY : INFINITY;
        return 1;
    }
    if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
        *out = NAN;
        return 1;
    }
    /* digits [. digits] [e [sign] digits], at least one digit, a dot or an e */
    const char *q = p;
    int ndig = 0, dot = 0, ex = 0;
    while (isdigit((unsigned char)*q) || *q == '_') ndig += *q++ != '_';
    if (*q == '.') {
        dot = 1;
        q++;
        while (isdigit((unsigned char)*q) || *q == '_') ndig += *q++ != '_';
    }
    if (ndig == 0 || (p[0] == '_')) return 0;
    if (*q == 'e' || *q == 'E') {
        ex = 1;
        q++;
        if (*q == '-' || *q == '+') q++;
        if (!isdigit((unsigned char)*q)) return 0;
        while (isdigit((unsigned char)*q)) q++;
    }
    if (*q || (!dot && !ex)) return 0;
    char *clean = strip_underscores(s), *end;
    double v = strtod(clean, &end);
    int ok = *end == '\0';
    free(clean);
    if (!ok) return 0;
    *out = v;
    return 1;
}

struct value *ydoc_resolve_plain(const char *s)
{
    long long i;
    double f;
    if (is_one_of(s, NULL_WORDS)) return value_null();
    if (is_one_of(s, TRUE_WORDS)) return value_bool(1);
    if (is_one_of(s, FALSE_WORDS)) return value_bool(0);
    if (parse_int11(s, &i)) return value_int(i);
    if (parse_float11(s, &f)) return value_float(f);
    return value_str(s);
}

/* A scalar event to a value, honouring tags. NULL (and an error) if a tag
 * asks for something the text is not. */
static struct value *scalar(struct loader *L, const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    const char *tag = (const char *)ev->data.scalar.tag;
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (strlen(s) != ev->data.scalar.length) {
        diag_error(L->d, line, col, "a NUL byte inside a string is not allowed");
        return NULL;
    }
    if (!tag || !strcmp(tag, "!")) {
        if (ev->data.scalar.plain_implicit && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            return ydoc_resolve_plain(s);
        return value_str(s);
    }
    if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX))) {
        diag_error(L->d, line, col, "unsupported YAML tag %s", tag);
        return NULL;
    }
    const char *t = tag + strlen(TAG_PREFIX);
    long long i;
    double f;
    if (!strcmp(t, "str")) return value_str(s);
    if (!strcmp(t, "null") && is_one_of(s, NULL_WORDS)) return value_null();
    if (!strcmp(t, "bool")) {
        if (is_one_of(s, TRUE_WORDS)) return value_bool(1);
        if (is_one_of(s, FALSE_WORDS)) return value_bool(0);
    }
    if (!strcmp(t, "int") && parse_int11(s, &i)) return value_int(i);
    if (!strcmp(t, "float")) {
        if (parse_float11(s, &f)) return value_float(f);
        if (parse_int11(s, &i)) return value_float((double)i);
    }
    if (strcmp(t, "str") && strcmp(t, "null") && strcmp(t, "bool") && strcmp(t, "int") &&
        strcmp(t, "float")) {
        diag_error(L->d, line, col, "unsupported YAML tag !!%s", t);
        return NULL;
    }
    diag_error(L->d, line, col, "'%s' is not a valid !!%s", s, t);
    return NULL;
}

static void add_anchor(struct loader *L, const yaml_char_t *name, struct value *v)
{
    if (!name) return;
    L->anchors = xrealloc(L->anchors, (L->nanchors + 1) * sizeof *L->anchors);
    L->anchors[L->nanchors++] = (struct anchor){.name = xstrdup((const char *)name), .v = v};
}

static long count_nodes(const struct value *v)
{
    long n = 1;
    if (v->kind == V_LIST)
        for (size_t i = 0; i < v->u.list.n; i++) n += count_nodes(v->u.list.v[i]);
    if (v->kind == V_MAP)
        for (size_t i = 0; i < v->u.map.n; i++) n += count_nodes(v->u.map.e[i].val);
    return n;
}

static int was_merged(struct frame *f, const char *key, int remove)
{
    for (size_t i = 0; i < f->nmerged; i++)
        if (!strcmp(f->merged[i], key)) {
            if (remove) {
                free(f->merged[i]);
                f->merged[i] = f->merged[--f->nmerged];
            }
            return 1;
        }
    return 0;
}

static void merge_into(struct loader *L, struct frame *f, const struct value *src, int line,
                       int col)
{
    if (src->kind == V_LIST) {
        for (size_t i = 0; i < src->u.list.n; i++) merge_into(L, f, src->u.list.v[i], line, col);
        return;
    }
    if (src->kind != V_MAP) {
        diag_error(L->d, line, col, "a '<<' merge key needs a map or a list of maps");
        return;
    }
    for (size_t i = 0; i < src->u.map.n; i++) {
        const struct mapent *e = &src->u.map.e[i];
        if (value_map_get(f->v, e->key)) continue; /* explicit or earlier keys win */
        value_map_put(f->v, e->key, value_clone(e->val));
        f->v->u.map.e[f->v->u.map.n - 1].line = e->line;
        f->v->u.map.e[f->v->u.map.n - 1].col = e->col;
        f->merged = xrealloc(f->merged, (f->nmerged + 1) * sizeof *f->merged);
        f->merged[f->nmerged++] = xstrdup(e->key);
    }
}

/* Hands a finished node to its parent. raw: the scalar text when v is a
 * scalar (used as a map key). Takes ownership of v. */
static void add_node(struct loader *L, struct value *v, const char *raw, int is_plain)
{
    if (L->depth == 0) {
        if (L->root) drop(L, L->root);
        L->root = v;
        return;
    }
    struct frame *f = &L->stack[L->depth - 1];
    if (f->v->kind == V_LIST) {
        value_list_push(f->v, v);
        return;
    }
    if (!f->key) { /* v is a key */
        if (!raw) {
            diag_error(L->d, v->line, v->col, "a map key must be a plain value, not a %s",
                       value_kind_name(v->kind));
            L->fatal = 1;
            drop(L, v);
            return;
        }
        f->key = xstrdup(raw);
        f->key_line = v->line;
        f->key_col = v->col;
        f->key_is_merge = is_plain && !strcmp(raw, "<<");
        drop(L, v);
        return;
    }
    if (f->key_is_merge) {
        merge_into(L, f, v, f->key_line, f->key_col);
        drop(L, v);
    } else {
        const struct mapent *prev = value_map_entry(f->v, f->key);
        if (prev && !was_merged(f, f->key, 1)) {
            diag_error(L->d, f->key_line, f->key_col, "duplicate key '%s' (first at line %d)",
                       f->key, prev->line);
            drop(L, v);
        } else {
            value_map_put(f->v, f->key, v);
            struct mapent *e = (struct mapent *)value_map_entry(f->v, f->key);
            e->line = f->key_line;
            e->col = f->key_col;
        }
    }
    free(f->key);
    f->key = NULL;
}

/* How deep a tree is (a scalar: 0). Trees here are at most MAX_DEPTH deep. */
static size_t tree_depth(const struct value *v)
{
    size_t d = 0;
    if (v->kind == V_LIST)
        for (size_t i = 0; i < v->u.list.n; i++) {
            size_t k = tree_depth(v->u.list.v[i]);
            if (k > d) d = k;
        }
    else if (v->kind == V_MAP)
        for (size_t i = 0; i < v->u.map.n; i++) {
            size_t k = tree_depth(v->u.map.e[i].val);
            if (k > d) d = k;
        }
    else return 0;
    return d + 1;
}

static void push(struct loader *L, struct value *v)
{
    if (L->depth == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 16;
        L->stack = xrealloc(L->stack, L->cap * sizeof *L->stack);
    }
    L->stack[L->depth++] = (struct frame){.v = v};
}

static struct value *pop(struct loader *L)
{
    struct frame *f = &L->stack[--L->depth];
    free(f->key);
    for (size_t i = 0; i < f->nmerged; i++) free(f->merged[i]);
    free(f->merged);
    return f->v;
}

static void on_event(struct loader *L, yaml_event_t *ev, int *ndocs)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (++L->nodes > MAX_NODES) {
        diag_error(L->d, line, col, "the file expands to more than %d YAML nodes", MAX_NODES);
        L->fatal = 1;
        return;
    }
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*ndocs > 1) {
            diag_error(L->d, line, col, "only one YAML document is allowed in a sweep file");
            L->fatal = 1;
        }
        break;
    case YAML_SCALAR_EVENT: {
        struct value *v = scalar(L, ev);
        if (!v) {
            v = value_null(); /* keep the structure going; the error is recorded */
        }
        v->line = line;
        v->col = col;
        add_anchor(L, ev->data.scalar.anchor, v);
        int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        add_node(L, v, (const char *)ev->data.scalar.value, plain);
        break;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        const char *tag = (const char *)(ev->type == YAML_SEQUENCE_START_EVENT
                                             ? ev->data.sequence_start.tag
                                             : ev->data.mapping_start.tag);
        if (tag && strcmp(tag, "!") && strcmp(tag, TAG_PREFIX "seq") &&
            strcmp(tag, TAG_PREFIX "map")) {
            diag_error(L->d, line, col, "unsupported YAML tag %s", tag);
            L->fatal = 1;
            return;
        }
        if (L->depth > 0 && L->stack[L->depth - 1].v->kind == V_MAP &&
            !L->stack[L->depth - 1].key) {
            diag_error(L->d, line, col, "a map key must be a plain value, not a %s",
                       ev->type == YAML_SEQUENCE_START_EVENT ? "list" : "map");
            L->fatal = 1;
            return;
        }
        if (L->depth >= MAX_DEPTH) { /* before libyaml reads on: deep flow nesting is slow */
            diag_error(L->d, line, col, "lists and maps nest deeper than %d levels", MAX_DEPTH);
            L->fatal = 1;
            return;
        }
        struct value *v = ev->type == YAML_SEQUENCE_START_EVENT ? value_list() : value_map();
        v->line = line;
        v->col = col;
        add_anchor(L, ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
                                                            : ev->data.mapping_start.anchor,
                   v);
        push(L, v);
        break;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        struct value *v = pop(L);
        add_node(L, v, NULL, 0);
        break;
    }
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        struct value *target = NULL;
        for (size_t i = L->nanchors; i-- > 0;)
            if (!strcmp(L->anchors[i].name, name)) {
                target = L->anchors[i].v;
                break;
            }
        if (!target) {
            diag_error(L->d, line, col, "unknown alias *%s", name);
            L->fatal = 1;
            return;
        }
        if (L->depth + tree_depth(target) > MAX_DEPTH) { /* every tree is bounded, so is this */
            diag_error(L->d, line, col, "alias *%s nests deeper than %d levels", name, MAX_DEPTH);
            L->fatal = 1;
            return;
        }
        L->nodes += count_nodes(target);
        if (L->nodes > MAX_NODES) {
            diag_error(L->d, line, col, "the file expands to more than %d YAML nodes",
                       MAX_NODES);
            L->fatal = 1;
            return;
        }
        struct value *v = value_clone(target);
        v->line = line;
        v->col = col;
        int scalar_kind = v->kind != V_LIST && v->kind != V_MAP;
        struct sb raw;
        sb_init(&raw);
        if (scalar_kind) value_py_str(&raw, v);
        add_node(L, v, scalar_kind ? sb_str(&raw) : NULL, 0);
        sb_release(&raw);
        break;
    }
    default: break;
    }
}

/* 1 if line number ln (0-based) of text contains needle. */
static int line_has(const char *text, size_t len, size_t ln, const char *needle)
{
    const char *p = text, *end = text + len;
    for (size_t i = 0; i < ln && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return 0;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    char *line = xstrndup(p, nl ? (size_t)(nl - p) : (size_t)(end - p));
    int found = strstr(line, needle) != NULL;
    free(line);
    return found;
}

struct value *ydoc_load(const char *text, size_t len, struct diag *d)
{
    yaml_parser_t parser;
    struct loader L = {0};
    L.d = d;
    int ndocs = 0, done = 0;
    if (!yaml_parser_initialize(&parser)) {
        diag_error(d, 0, 0, "cannot initialise the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done && !L.fatal) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const yaml_mark_t *m =
                parser.problem_mark.line || parser.problem_mark.column ? &parser.problem_mark
                                                                       : &parser.context_mark;
            /* the classic trap: [train, ${args}] - in a [...] list, { } and , end a value */
            const char *hint = "";
            if (parser.context && strstr(parser.context, "flow") &&
                line_has(text, len, m->line, "${"))
                hint = " (inside [...] or {...}, quote values that contain ${...}, braces or "
                       "commas: \"${args}\")";
            if (parser.context)
                diag_error(d, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s %s%s",
                           parser.problem ? parser.problem : "error", parser.context, hint);
            else
                diag_error(d, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s%s",
                           parser.problem ? parser.problem : "error", hint);
            L.fatal = 1;
            break;
        }
        on_event(&L, &ev, &ndocs);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    while (L.depth) value_free(pop(&L));
    free(L.stack);
    for (size_t i = 0; i < L.nanchors; i++) free(L.anchors[i].name);
    free(L.anchors);
    for (size_t i = 0; i < L.ndead; i++) value_free(L.dead[i]);
    free(L.dead);
    if (L.fatal) {
        value_free(L.root);
        return NULL;
    }
    if (!L.root) L.root = value_null();
    return L.root;
}
