/* The YAML reader: YAML 1.1 scalars with docs/contract.md's decisions (§3), positions,
 * duplicate keys, tags, anchors and merges. */
#include "search/diag.h"
#include "base/value.h"
#include "search/ydoc.h"
#include "base/util.h"
#include "tests/check.h"
#include "tests/space_text.h"

#include <math.h>
#include <stdlib.h>

static void plain(const char *s, enum vkind kind, double num, const char *str)
{
    struct value *v = ydoc_resolve_plain(s);
    if (!CHECK_INT_EQ(v->kind, kind)) fprintf(stderr, "  for '%s'\n", s);
    if (kind == V_INT) CHECK_NEAR((double)v->u.i, num, 0);
    if (kind == V_FLOAT && !isnan(num)) CHECK_NEAR(v->u.f, num, fabs(num) * 1e-15);
    if (kind == V_BOOL) CHECK_INT_EQ(v->u.b, (int)num);
    if (kind == V_STR) CHECK_STR_EQ(v->u.s, str);
    value_free(v);
}


static void floats_as_spec_says(void)
{
    /* docs/contract.md §3: 1e-5 is a float (PyYAML would say string) */
    plain("1e-5", V_FLOAT, 1e-5, NULL);
    plain("1E5", V_FLOAT, 1e5, NULL);
    plain("6.e-5", V_FLOAT, 6e-5, NULL);
    plain(".5", V_FLOAT, 0.5, NULL);
    plain("5.", V_FLOAT, 5.0, NULL);
    plain("-1.5", V_FLOAT, -1.5, NULL);
    plain("1_000.5", V_FLOAT, 1000.5, NULL);
    plain(".inf", V_FLOAT, INFINITY, NULL);
    plain("-.Inf", V_FLOAT, -INFINITY, NULL);
    plain(".nan", V_FLOAT, NAN, NULL);
    plain(".", V_STR, 0, ".");
    plain("1.2.3", V_STR, 0, "1.2.3");
    plain("e5", V_STR, 0, "e5");
}

static void yaml11_integers(void)
{
    /* YAML 1.1 integers */
    plain("42", V_INT, 42, NULL);
    plain("-7", V_INT, -7, NULL);
    plain("+3", V_INT, 3, NULL);
    plain("0", V_INT, 0, NULL);
    plain("1_000", V_INT, 1000, NULL);
    plain("017", V_INT, 15, NULL);
    plain("0x1F", V_INT, 31, NULL);
    plain("0b101", V_INT, 5, NULL);
    plain("1:30", V_INT, 90, NULL);
    plain("1:30:00", V_INT, 5400, NULL);
    plain("1:75", V_STR, 0, "1:75");
    plain("09", V_STR, 0, "09");
    plain("99999999999999999999", V_STR, 0, "99999999999999999999");
}

static void booleans(void)
{
    /* booleans: yes/no/on/off in three cases; y and n stay strings */
    plain("yes", V_BOOL, 1, NULL);
    plain("No", V_BOOL, 0, NULL);
    plain("ON", V_BOOL, 1, NULL);
    plain("off", V_BOOL, 0, NULL);
    plain("True", V_BOOL, 1, NULL);
    plain("y", V_STR, 0, "y");
    plain("n", V_STR, 0, "n");
    plain("yEs", V_STR, 0, "yEs");
}

static void null_and_positions(void)
{
    /* null */
    plain("~", V_NULL, 0, NULL);
    plain("null", V_NULL, 0, NULL);
    plain("", V_NULL, 0, NULL);
    plain("adam", V_STR, 0, "adam");

    struct diag d;
    struct value *v = yaml_text(&d, "a: 1\nb:\n  - x\n  - 'yes'\n  - !!float 1\n  - !!str 5\n"
                           "  - \"1e-5\"\nc: # comment\nd: {e: [1, 2]}\n");
    CHECK(v != NULL);
    CHECK_INT_EQ(d.nerrors, 0);
    if (v) {
        const struct mapent *b = value_map_entry(v, "b");
        CHECK_INT_EQ(b->line, 2);
        CHECK_INT_EQ(b->col, 1);
        const struct value *l = b->val;
        CHECK_INT_EQ(l->u.list.n, 5);
        CHECK_INT_EQ(l->u.list.v[1]->kind, V_STR); /* quoted: a string */
        CHECK_INT_EQ(l->u.list.v[2]->kind, V_FLOAT);
        CHECK_INT_EQ(l->u.list.v[3]->kind, V_STR);
        CHECK_STR_EQ(l->u.list.v[3]->u.s, "5");
        CHECK_INT_EQ(l->u.list.v[4]->kind, V_STR);
        CHECK_INT_EQ(l->u.list.v[0]->line, 3);
        CHECK_INT_EQ(l->u.list.v[0]->col, 5);
        CHECK_INT_EQ(value_map_get(v, "c")->kind, V_NULL);
        CHECK_INT_EQ(value_map_get(value_map_get(v, "d"), "e")->u.list.n, 2);
    }
    value_free(v);
    diag_release(&d);
}

static void duplicate_key_names_both_lines(void)
{
    struct diag d;
    struct value *v;
    /* a duplicate key is an error naming both lines */
    v = yaml_text(&d, "a: 1\nb: 2\na: 3\n");
    CHECK_INT_EQ(d.nerrors, 1);
    if (d.n) CHECK_STR_EQ(d.msgs[0], "t.yaml:3:1: duplicate key 'a' (first at line 1)");
    value_free(v);
    diag_release(&d);
}

static void anchors_aliases_merges(void)
{
    struct diag d;
    struct value *v;
    /* anchors, aliases and merge keys; explicit keys beat merged ones */
    v = yaml_text(&d, "base: &b {lr: 0.1, bs: 32}\nrun:\n  <<: *b\n  bs: 64\nalias: *b\n");
    CHECK_INT_EQ(d.nerrors, 0);
    if (v) {
        const struct value *run = value_map_get(v, "run");
        CHECK_NEAR(value_map_get(run, "lr")->u.f, 0.1, 0);
        CHECK_INT_EQ(value_map_get(run, "bs")->u.i, 64);
        CHECK_INT_EQ(value_map_get(value_map_get(v, "alias"), "bs")->u.i, 32);
    }
    value_free(v);
    diag_release(&d);
}

static void syntax_errors_have_positions(void)
{
    struct diag d;
    struct value *v;
    /* syntax errors carry a position; tags we do not know are refused */
    v = yaml_text(&d, "a: [1, 2\nb: 3\n");
    CHECK(v == NULL);
    CHECK_INT_EQ(d.nerrors, 1);
    diag_release(&d);
    v = yaml_text(&d, "a: !!python/tuple [1, 2]\n");
    CHECK(v == NULL);
    diag_release(&d);
    v = yaml_text(&d, "a: !!int abc\n");
    CHECK_INT_EQ(d.nerrors, 1);
    if (d.n) CHECK_STR_EQ(d.msgs[0], "t.yaml:1:4: 'abc' is not a valid !!int");
    value_free(v);
    diag_release(&d);
    v = yaml_text(&d, "a: 1\n---\nb: 2\n");
    CHECK(v == NULL);
    diag_release(&d);
    v = yaml_text(&d, "? [a, b]\n: 1\n");
    CHECK(v == NULL);
    diag_release(&d);
}

static void billion_laughs_stop_early(void)
{
    struct diag d;
    struct value *v;
    /* a billion laughs stops early */
    v = yaml_text(&d, "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
             "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
             "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n");
    CHECK(v == NULL);
    diag_release(&d);
}

static const struct check_case cases[] = {
    CASE(floats_as_spec_says),
    CASE(yaml11_integers),
    CASE(booleans),
    CASE(null_and_positions),
    CASE(duplicate_key_names_both_lines),
    CASE(anchors_aliases_merges),
    CASE(syntax_errors_have_positions),
    CASE(billion_laughs_stop_early),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
