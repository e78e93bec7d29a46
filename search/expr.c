/* expr.c - compiling and evaluating memory formulas. */
#include "search/expr.h"
#include "base/value.h"
#include "base/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op_kind { OP_NUM, OP_VAR, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_NEG, OP_MIN, OP_MAX,
               OP_SQRT, OP_LOG2, OP_CEIL, OP_FLOOR };

struct op {
    enum op_kind kind;
    double num;
    size_t var;       /* index into names */
};

struct expr {
    struct op *ops;
    size_t n;
    char **names;
    size_t nnames;
};

struct parser {
    const char *s;
    size_t pos;
    struct expr *x;
    char *msg;
    size_t msglen;
    int failed;
    size_t err_at;
    int depth;
};

static void emit(struct parser *p, enum op_kind k, double num, size_t var)
{
    p->x->ops = xrealloc(p->x->ops, (p->x->n + 1) * sizeof *p->x->ops);
    p->x->ops[p->x->n++] = (struct op){.kind = k, .num = num, .var = var};
}

static void fail(struct parser *p, const char *what)
{
    if (p->failed) return;
    p->failed = 1;
    p->err_at = p->pos;
    snprintf(p->msg, p->msglen, "%s", what);
}

static void skip(struct parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t') p->pos++;
}

static void parse_expr(struct parser *p);

static void parse_primary(struct parser *p)
{
    skip(p);
    const char *c = p->s + p->pos;
    if (++p->depth > 64) {
        fail(p, "the formula is nested too deeply");
        return;
    }
    if (*c == '(') {
        p->pos++;
        parse_expr(p);
        skip(p);
        if (p->s[p->pos] != ')') fail(p, "')' expected");
        else p->pos++;
    } else if (isdigit((unsigned char)*c) || (*c == '.' && isdigit((unsigned char)c[1]))) {
        char *end;
        double v = strtod(c, &end);
        p->pos += (size_t)(end - c);
        emit(p, OP_NUM, v, 0);
    } else if (isalpha((unsigned char)*c) || *c == '_') {
        size_t n = 0; /* names with '-' are not usable: batch-1 is batch minus 1 */
        while (isalnum((unsigned char)c[n]) || c[n] == '_' || c[n] == '.') n++;
        while (n && c[n - 1] == '.') n--;
        char *name = xstrndup(c, n);
        size_t save = p->pos;
        p->pos += n;
        skip(p);
        static const struct { const char *name; enum op_kind k; int args; } fns[] = {
            {"min", OP_MIN, 2}, {"max", OP_MAX, 2}, {"sqrt", OP_SQRT, 1},
            {"log2", OP_LOG2, 1}, {"ceil", OP_CEIL, 1}, {"floor", OP_FLOOR, 1}};
        if (p->s[p->pos] == '(') {
            size_t f = 0;
            while (f < ARRAY_LEN(fns) && strcmp(fns[f].name, name)) f++;
            if (f == ARRAY_LEN(fns)) {
                p->pos = save;
                fail(p, "unknown function (min, max, sqrt, log2, ceil, floor)");
            } else {
                p->pos++;
                parse_expr(p);
                for (int a = 1; a < fns[f].args && !p->failed; a++) {
                    skip(p);
                    if (p->s[p->pos] != ',') fail(p, "',' expected");
                    else {
                        p->pos++;
                        parse_expr(p);
                    }
                }
                skip(p);
                if (p->s[p->pos] != ')') fail(p, "')' expected");
                else p->pos++;
                emit(p, fns[f].k, 0, 0);
            }
        } else {
            size_t k = 0;
            while (k < p->x->nnames && strcmp(p->x->names[k], name)) k++;
            if (k == p->x->nnames) {
                p->x->names = xrealloc(p->x->names, (k + 2) * sizeof *p->x->names);
                p->x->names[k] = xstrdup(name);
                p->x->names[k + 1] = NULL;
                p->x->nnames++;
            }
            emit(p, OP_VAR, 0, k);
        }
        free(name);
    } else {
        fail(p, *c ? "a number, a parameter name or '(' expected" : "the formula ends too early");
    }
    p->depth--;
}

static void parse_unary(struct parser *p)
{
    skip(p);
    if (p->s[p->pos] == '-') {
        p->pos++;
        parse_unary(p);
        emit(p, OP_NEG, 0, 0);
        return;
    }
    parse_primary(p);
    skip(p);
    if (p->s[p->pos] == '^') {
        p->pos++;
        parse_unary(p); /* right-associative */
        emit(p, OP_POW, 0, 0);
    }
}

static void parse_term(struct parser *p)
{
    parse_unary(p);
    for (;;) {
        skip(p);
        char c = p->s[p->pos];
        if (c != '*' && c != '/') return;
        p->pos++;
        parse_unary(p);
        emit(p, c == '*' ? OP_MUL : OP_DIV, 0, 0);
    }
}

static void parse_expr(struct parser *p)
{
    parse_term(p);
    for (;;) {
        skip(p);
        char c = p->s[p->pos];
        if (c != '+' && c != '-') return;
        p->pos++;
        parse_term(p);
        emit(p, c == '+' ? OP_ADD : OP_SUB, 0, 0);
    }
}

struct expr *expr_compile(const char *text, char *msg, size_t msglen, size_t *err_at)
{
    struct parser p = {.s = text, .x = xcalloc(1, sizeof(struct expr)), .msg = msg, .msglen = msglen};
    parse_expr(&p);
    skip(&p);
    if (!p.failed && text[p.pos]) fail(&p, "an operator (+ - * / ^) expected");
    if (p.failed) {
        *err_at = p.err_at;
        expr_free(p.x);
        return NULL;
    }
    return p.x;
}

void expr_free(struct expr *x)
{
    if (!x) return;
    for (size_t i = 0; i < x->nnames; i++) free(x->names[i]);
    free(x->names);
    free(x->ops);
    free(x);
}

const char *expr_name(const struct expr *x, size_t i)
{
    return i < x->nnames ? x->names[i] : NULL;
}

/* A parameter by its dotted name: a top-level key as written, else a path
 * into groups. */
static const struct value *lookup(const struct value *m, const char *name)
{
    if (!m || m->kind != V_MAP) return NULL;
    const struct value *v = value_map_get(m, name);
    if (v) return v;
    const char *dot = strchr(name, '.');
    if (!dot) return NULL;
    char *head = xstrndup(name, (size_t)(dot - name));
    v = lookup(value_map_get(m, head), dot + 1);
    free(head);
    return v;
}

double expr_eval(const struct expr *x, const struct value *params)
{
    double st[256];
    size_t sp = 0;
    for (size_t i = 0; i < x->n; i++) {
        const struct op *o = &x->ops[i];
        if (sp >= ARRAY_LEN(st) - 1) return NAN;
        double a = sp >= 1 ? st[sp - 1] : NAN, b = sp >= 2 ? st[sp - 2] : NAN;
        switch (o->kind) {
        case OP_NUM: st[sp++] = o->num; break;
        case OP_VAR: {
            const struct value *v = lookup(params, x->names[o->var]);
            if (!v || !(value_is_num(v) || v->kind == V_BOOL)) return NAN;
            st[sp++] = v->kind == V_BOOL ? v->u.b : value_num(v);
            break;
        }
        case OP_ADD: st[sp - 2] = b + a; sp--; break;
        case OP_SUB: st[sp - 2] = b - a; sp--; break;
        case OP_MUL: st[sp - 2] = b * a; sp--; break;
        case OP_DIV: st[sp - 2] = b / a; sp--; break;
        case OP_POW: st[sp - 2] = pow(b, a); sp--; break;
        case OP_MIN: st[sp - 2] = b < a ? b : a; sp--; break;
        case OP_MAX: st[sp - 2] = b > a ? b : a; sp--; break;
        case OP_NEG: st[sp - 1] = -a; break;
        case OP_SQRT: st[sp - 1] = sqrt(a); break;
        case OP_LOG2: st[sp - 1] = log2(a); break;
        case OP_CEIL: st[sp - 1] = ceil(a); break;
        case OP_FLOOR: st[sp - 1] = floor(a); break;
        }
    }
    return sp == 1 && isfinite(st[0]) ? st[0] : NAN;
}
