/* json.c - JSON output helpers and a small, strict-enough JSON reader. */
#include "base/json.h"
#include "base/value.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned cp;
    if (p[0] < 0x80) return 1;
    if ((p[0] & 0xe0) == 0xc0) len = 2, cp = p[0] & 0x1f;
    else if ((p[0] & 0xf0) == 0xe0) len = 3, cp = p[0] & 0x0f;
    else if ((p[0] & 0xf8) == 0xf0) len = 4, cp = p[0] & 0x07;
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void json_quote(struct sb *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    sb_addc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c == '"') sb_add(b, "\\\""), i++;
        else if (c == '\\') sb_add(b, "\\\\"), i++;
        else if (c == '\n') sb_add(b, "\\n"), i++;
        else if (c == '\r') sb_add(b, "\\r"), i++;
        else if (c == '\t') sb_add(b, "\\t"), i++;
        else if (c < 0x20 || c == 0x7f) sb_addf(b, "\\u%04x", c), i++;
        else {
            size_t l = utf8_len(p + i, n - i);
            if (l == 0) {
                sb_addf(b, "\\u%04x", c);
                i++;
            } else {
                sb_addn(b, (const char *)p + i, l);
                i += l;
            }
        }
    }
    sb_addc(b, '"');
}

void json_num(struct sb *b, double x)
{
    if (!isfinite(x)) sb_add(b, "null");
    else value_fmt_float(b, x);
}

struct jp {
    const char *s, *end;
    struct err *e;
    int depth;
};

static void skip_ws(struct jp *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static struct value *parse_value(struct jp *p);

static int lit(struct jp *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->end - p->s) >= n && !memcmp(p->s, w, n)) {
        p->s += n;
        return 1;
    }
    return 0;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static void put_utf8(struct sb *b, unsigned cp)
{
    if (cp < 0x80) sb_addc(b, (char)cp);
    else if (cp < 0x800) {
        sb_addc(b, (char)(0xc0 | cp >> 6));
        sb_addc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        sb_addc(b, (char)(0xe0 | cp >> 12));
        sb_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sb_addc(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        sb_addc(b, (char)(0xf0 | cp >> 18));
        sb_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
        sb_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sb_addc(b, (char)(0x80 | (cp & 0x3f)));
    }
}

static char *parse_string(struct jp *p)
{
    struct sb b;
    sb_init(&b);
    p->s++; /* opening quote */
    while (p->s < p->end && *p->s != '"') {
        char c = *p->s++;
        if (c != '\\') {
            if ((unsigned char)c < 0x20) goto bad;
            sb_addc(&b, c);
            continue;
        }
        if (p->s >= p->end) goto bad;
        c = *p->s++;
        switch (c) {
        case '"': case '\\': case '/': sb_addc(&b, c); break;
        case 'b': sb_addc(&b, '\b'); break;
        case 'f': sb_addc(&b, '\f'); break;
        case 'n': sb_addc(&b, '\n'); break;
        case 'r': sb_addc(&b, '\r'); break;
        case 't': sb_addc(&b, '\t'); break;
        case 'u': {
            unsigned cp, lo;
            if (p->end - p->s < 4 || hex4(p->s, &cp)) goto bad;
            p->s += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && p->end - p->s >= 6 && p->s[0] == '\\' &&
                p->s[1] == 'u' && !hex4(p->s + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p->s += 6;
            }
            if (cp == 0) goto bad; /* would truncate a C string */
            put_utf8(&b, cp);
            break;
        }
        default: goto bad;
        }
    }
    if (p->s >= p->end) goto bad;
    p->s++;
    return sb_detach(&b);
bad:
    sb_release(&b);
    err_set(p->e, "invalid JSON string");
    return NULL;
}

static struct value *parse_number(struct jp *p)
{
    const char *start = p->s;
    int isfloat = 0;
    if (p->s < p->end && (*p->s == '-' || *p->s == '+')) p->s++;
    if (lit(p, "NaN")) return value_float(NAN);
    if (lit(p, "Infinity")) return value_float(*start == '-' ? -INFINITY : INFINITY);
    while (p->s < p->end && strchr("0123456789.eE+-", *p->s)) {
        if (strchr(".eE", *p->s)) isfloat = 1;
        p->s++;
    }
    char *tmp = xstrndup(start, (size_t)(p->s - start)), *endp;
    struct value *v = NULL;
    errno = 0;
    if (!isfloat) {
        long long i = strtoll(tmp, &endp, 10);
        if (*endp == '\0' && errno == 0 && endp != tmp) v = value_int(i);
        else isfloat = 1;
    }
    if (!v) {
        double d = strtod(tmp, &endp);
        if (*endp == '\0' && endp != tmp) v = value_float(d);
    }
    free(tmp);
    if (!v) err_set(p->e, "invalid JSON number");
    return v;
}

static struct value *parse_value(struct jp *p)
{
    skip_ws(p);
    if (p->s >= p->end) return err_set(p->e, "unexpected end of JSON"), NULL;
    if (++p->depth > 200) return err_set(p->e, "JSON nested too deeply"), NULL;
    struct value *v = NULL;
    char c = *p->s;
    if (c == '{') {
        p->s++;
        v = value_map();
        skip_ws(p);
        if (p->s < p->end && *p->s == '}') {
            p->s++;
            goto done;
        }
        for (;;) {
            skip_ws(p);
            if (p->s >= p->end || *p->s != '"') goto bad;
            char *k = parse_string(p);
            if (!k) goto fail;
            skip_ws(p);
            if (p->s >= p->end || *p->s != ':') {
                free(k);
                goto bad;
            }
            p->s++;
            struct value *item = parse_value(p);
            if (!item) {
                free(k);
                goto fail;
            }
            value_map_put(v, k, item);
            free(k);
            skip_ws(p);
            if (p->s < p->end && *p->s == ',') {
                p->s++;
                continue;
            }
            if (p->s < p->end && *p->s == '}') {
                p->s++;
                goto done;
            }
            goto bad;
        }
    } else if (c == '[') {
        p->s++;
        v = value_list();
        skip_ws(p);
        if (p->s < p->end && *p->s == ']') {
            p->s++;
            goto done;
        }
        for (;;) {
            struct value *item = parse_value(p);
            if (!item) goto fail;
            value_list_push(v, item);
            skip_ws(p);
            if (p->s < p->end && *p->s == ',') {
                p->s++;
                continue;
            }
            if (p->s < p->end && *p->s == ']') {
                p->s++;
                goto done;
            }
            goto bad;
        }
    } else if (c == '"') {
        char *s = parse_string(p);
        if (!s) return NULL;
        v = value_str(s);
        free(s);
    } else if (lit(p, "true")) v = value_bool(1);
    else if (lit(p, "false")) v = value_bool(0);
    else if (lit(p, "null")) v = value_null();
    else if (c == '-' || c == '+' || (c >= '0' && c <= '9') || c == 'N' || c == 'I') {
        v = parse_number(p);
        if (!v) return NULL;
    } else {
        return err_set(p->e, "invalid JSON"), NULL;
    }
done:
    p->depth--;
    return v;
bad:
    err_set(p->e, "invalid JSON");
fail:
    value_free(v);
    return NULL;
}

struct value *json_parse(const char *s, size_t len, struct err *e)
{
    struct jp p = {.s = s, .end = s + len, .e = e};
    struct value *v = parse_value(&p);
    if (!v) return NULL;
    skip_ws(&p);
    if (p.s != p.end) {
        value_free(v);
        err_set(e, "trailing characters after JSON value");
        return NULL;
    }
    return v;
}
