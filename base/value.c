/* value.c - YAML/JSON values, and rendering them as Python and W&B do. */
#include "base/value.h"
#include "base/json.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct value *mk(enum vkind k)
{
    struct value *v = xcalloc(1, sizeof *v);
    v->kind = k;
    return v;
}

struct value *value_null(void) { return mk(V_NULL); }
struct value *value_list(void) { return mk(V_LIST); }
struct value *value_map(void) { return mk(V_MAP); }

struct value *value_bool(int b)
{
    struct value *v = mk(V_BOOL);
    v->u.b = !!b;
    return v;
}

struct value *value_int(long long i)
{
    struct value *v = mk(V_INT);
    v->u.i = i;
    return v;
}

struct value *value_float(double f)
{
    struct value *v = mk(V_FLOAT);
    v->u.f = f;
    return v;
}

struct value *value_str(const char *s)
{
    struct value *v = mk(V_STR);
    v->u.s = xstrdup(s);
    return v;
}

void value_free(struct value *v)
{
    if (!v) return;
    switch (v->kind) {
    case V_STR: free(v->u.s); break;
    case V_LIST:
        for (size_t i = 0; i < v->u.list.n; i++) value_free(v->u.list.v[i]);
        free(v->u.list.v);
        break;
    case V_MAP:
        for (size_t i = 0; i < v->u.map.n; i++) {
            free(v->u.map.e[i].key);
            value_free(v->u.map.e[i].val);
        }
        free(v->u.map.e);
        break;
    default: break;
    }
    free(v);
}

struct value *value_clone(const struct value *v)
{
    struct value *c = mk(v->kind);
    c->line = v->line;
    c->col = v->col;
    switch (v->kind) {
    case V_STR: c->u.s = xstrdup(v->u.s); break;
    case V_LIST:
        for (size_t i = 0; i < v->u.list.n; i++) value_list_push(c, value_clone(v->u.list.v[i]));
        break;
    case V_MAP:
        for (size_t i = 0; i < v->u.map.n; i++) {
            const struct mapent *e = &v->u.map.e[i];
            value_map_put(c, e->key, value_clone(e->val));
            c->u.map.e[c->u.map.n - 1].line = e->line;
            c->u.map.e[c->u.map.n - 1].col = e->col;
        }
        break;
    default: c->u = v->u; break;
    }
    return c;
}

void value_list_push(struct value *list, struct value *item)
{
    size_t n = list->u.list.n;
    if ((n & (n - 1)) == 0) /* grow at powers of two */
        list->u.list.v = xrealloc(list->u.list.v, (n ? 2 * n : 1) * sizeof *list->u.list.v);
    list->u.list.v[n] = item;
    list->u.list.n = n + 1;
}

const struct mapent *value_map_entry(const struct value *map, const char *key)
{
    if (!map || map->kind != V_MAP) return NULL;
    for (size_t i = 0; i < map->u.map.n; i++)
        if (!strcmp(map->u.map.e[i].key, key)) return &map->u.map.e[i];
    return NULL;
}

struct value *value_map_get(const struct value *map, const char *key)
{
    const struct mapent *e = value_map_entry(map, key);
    return e ? e->val : NULL;
}

void value_map_put(struct value *map, const char *key, struct value *val)
{
    for (size_t i = 0; i < map->u.map.n; i++)
        if (!strcmp(map->u.map.e[i].key, key)) {
            value_free(map->u.map.e[i].val);
            map->u.map.e[i].val = val;
            return;
        }
    size_t n = map->u.map.n;
    if ((n & (n - 1)) == 0)
        map->u.map.e = xrealloc(map->u.map.e, (n ? 2 * n : 1) * sizeof *map->u.map.e);
    map->u.map.e[n] = (struct mapent){.key = xstrdup(key), .val = val};
    map->u.map.n = n + 1;
}

int value_is_num(const struct value *v)
{
    return v && (v->kind == V_INT || v->kind == V_FLOAT);
}

double value_num(const struct value *v)
{
    return v->kind == V_INT ? (double)v->u.i : v->u.f;
}

const char *value_kind_name(enum vkind k)
{
    static const char *names[] = {"null", "boolean", "integer", "number", "string", "list", "map"};
    return names[k];
}

/* An integral float compares as the int it equals (W&B dumps 1.0 as 1). */
static int as_int(const struct value *v, long long *out)
{
    if (v->kind == V_INT) {
        *out = v->u.i;
        return 1;
    }
    if (v->kind == V_FLOAT && isfinite(v->u.f) && v->u.f == floor(v->u.f) &&
        fabs(v->u.f) < 9.2e18) {
        *out = (long long)v->u.f;
        return 1;
    }
    return 0;
}

/* strict: kinds must match (1 is not 1.0); else W&B's grid equality. */
static int compare(const struct value *a, const struct value *b, int strict)
{
    long long ia = 0, ib = 0;
    int na = !strict && as_int(a, &ia), nb = !strict && as_int(b, &ib);
    if (na || nb) return na && nb && ia == ib;
    if (a->kind != b->kind) return 0;
    switch (a->kind) {
    case V_NULL: return 1;
    case V_BOOL: return a->u.b == b->u.b;
    case V_INT: return a->u.i == b->u.i;
    case V_FLOAT: return a->u.f == b->u.f || (isnan(a->u.f) && isnan(b->u.f));
    case V_STR: return !strcmp(a->u.s, b->u.s);
    case V_LIST:
        if (a->u.list.n != b->u.list.n) return 0;
        for (size_t i = 0; i < a->u.list.n; i++)
            if (!compare(a->u.list.v[i], b->u.list.v[i], strict)) return 0;
        return 1;
    case V_MAP:
        if (a->u.map.n != b->u.map.n) return 0;
        for (size_t i = 0; i < a->u.map.n; i++) {
            const struct value *o = value_map_get(b, a->u.map.e[i].key);
            if (!o || !compare(a->u.map.e[i].val, o, strict)) return 0;
        }
        return 1;
    }
    return 0;
}

int value_equal(const struct value *a, const struct value *b)
{
    return compare(a, b, 0);
}

int value_same(const struct value *a, const struct value *b)
{
    return compare(a, b, 1);
}

void value_fmt_float(struct sb *b, double x)
{
    if (isnan(x)) {
        sb_add(b, "nan");
        return;
    }
    if (isinf(x)) {
        sb_add(b, x < 0 ? "-inf" : "inf");
        return;
    }
    /* Shortest %e precision that reads back exactly: Python's repr digits.
     * Metrics as trainers print them are short: try 1..6 digits first; then,
     * as p digits reading back means p + 1 do too, a binary search. */
    char buf[40];
    int lo = 7, hi = 17;
    for (int p = 1; p <= 6; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, x);
        if (strtod(buf, NULL) == x) {
            lo = hi = p;
            break;
        }
    }
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(buf, sizeof buf, "%.*e", mid - 1, x);
        if (strtod(buf, NULL) == x) hi = mid;
        else lo = mid + 1;
    }
    snprintf(buf, sizeof buf, "%.*e", lo - 1, x);
    const char *s = buf;
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    char digits[24];
    int nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.') digits[nd++] = *s;
    digits[nd] = '\0';
    int exp10 = atoi(s + 1);
    while (nd > 1 && digits[nd - 1] == '0') digits[--nd] = '\0';
    int decpt = exp10 + 1; /* value = 0.DIGITS * 10^decpt */
    if (neg) sb_addc(b, '-');
    if (decpt <= -4 || decpt > 16) {
        sb_addc(b, digits[0]);
        if (nd > 1) {
            sb_addc(b, '.');
            sb_add(b, digits + 1);
        }
        sb_addf(b, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    } else if (decpt <= 0) {
        sb_add(b, "0.");
        for (int i = 0; i < -decpt; i++) sb_addc(b, '0');
        sb_add(b, digits);
    } else if (decpt >= nd) {
        sb_add(b, digits);
        for (int i = nd; i < decpt; i++) sb_addc(b, '0');
        sb_add(b, ".0");
    } else {
        sb_addn(b, digits, (size_t)decpt);
        sb_addc(b, '.');
        sb_add(b, digits + decpt);
    }
}

static void py_str_repr(struct sb *b, const char *s)
{
    char q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
    sb_addc(b, q);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\') sb_add(b, "\\\\");
        else if (*p == (unsigned char)q) {
            sb_addc(b, '\\');
            sb_addc(b, (char)q);
        } else if (*p == '\n') sb_add(b, "\\n");
        else if (*p == '\r') sb_add(b, "\\r");
        else if (*p == '\t') sb_add(b, "\\t");
        else if (*p < 0x20 || *p == 0x7f) sb_addf(b, "\\x%02x", *p);
        else sb_addc(b, (char)*p);
    }
    sb_addc(b, q);
}

/* Python repr() (json = 0) or JSON (json = 1): the same walk, other spellings. */
static void render(struct sb *b, const struct value *v, int json)
{
    switch (v->kind) {
    case V_NULL: sb_add(b, json ? "null" : "None"); break;
    case V_BOOL: sb_add(b, v->u.b ? (json ? "true" : "True") : (json ? "false" : "False")); break;
    case V_INT: sb_addf(b, "%lld", v->u.i); break;
    case V_FLOAT:
        if (json && !isfinite(v->u.f)) sb_add(b, "null"); /* JSON has no NaN or infinity */
        else value_fmt_float(b, v->u.f);
        break;
    case V_STR:
        if (json) json_quote(b, v->u.s);
        else py_str_repr(b, v->u.s);
        break;
    case V_LIST:
        sb_addc(b, '[');
        for (size_t i = 0; i < v->u.list.n; i++) {
            if (i) sb_add(b, ", ");
            render(b, v->u.list.v[i], json);
        }
        sb_addc(b, ']');
        break;
    case V_MAP:
        sb_addc(b, '{');
        for (size_t i = 0; i < v->u.map.n; i++) {
            if (i) sb_add(b, ", ");
            if (json) json_quote(b, v->u.map.e[i].key);
            else py_str_repr(b, v->u.map.e[i].key);
            sb_add(b, ": ");
            render(b, v->u.map.e[i].val, json);
        }
        sb_addc(b, '}');
        break;
    }
}

void value_py_repr(struct sb *b, const struct value *v)
{
    render(b, v, 0);
}

void value_py_str(struct sb *b, const struct value *v)
{
    if (v->kind == V_STR) sb_add(b, v->u.s);
    else value_py_repr(b, v);
}

void value_people_str(struct sb *b, const struct value *v)
{
    if (v->kind == V_FLOAT) util_fmt_num(b, v->u.f);
    else value_py_str(b, v);
}

void value_json(struct sb *b, const struct value *v)
{
    render(b, v, 1);
}

const struct value *value_lookup(const struct value *params, const char *name)
{
    if (!params || params->kind != V_MAP) return NULL;
    const struct value *v = value_map_get(params, name);
    if (v) return v;
    /* "a.b.c": a declared dotted name, or a path through nested groups */
    for (const char *dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.')) {
        char *head = xstrndup(name, (size_t)(dot - name));
        const struct value *sub = value_map_get(params, head);
        free(head);
        if (sub && sub->kind == V_MAP) {
            const struct value *r = value_lookup(sub, dot + 1);
            if (r) return r;
        }
    }
    return NULL;
}

static void each_leaf(const struct value *map, struct sb *path, value_leaf_cb cb, void *ctx)
{
    for (size_t i = 0; i < map->u.map.n; i++) {
        const struct mapent *e = &map->u.map.e[i];
        size_t len = path->len;
        if (len) sb_addc(path, '.');
        sb_add(path, e->key);
        if (e->val->kind == V_MAP && e->val->u.map.n) each_leaf(e->val, path, cb, ctx);
        else cb(path->buf, e->val, ctx);
        path->len = len;
        if (path->buf) path->buf[len] = '\0';
    }
}

void value_each_leaf(const struct value *map, value_leaf_cb cb, void *ctx)
{
    if (!map || map->kind != V_MAP) return;
    struct sb path;
    sb_init(&path);
    each_leaf(map, &path, cb, ctx);
    sb_release(&path);
}
