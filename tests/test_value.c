/* Values rendered as Python/W&B render them, and W&B's grid equality. */
#include "base/value.h"
#include "base/err.h"
#include "base/json.h"
#include "base/util.h"
#include "tests/check.h"

#include <math.h>
#include <stdlib.h>

static void check_float(double x, const char *want)
{
    struct sb b;
    sb_init(&b);
    value_fmt_float(&b, x);
    CHECK_STR_EQ(sb_str(&b), want);
    sb_release(&b);
}

static void check_str(struct value *v, const char *want_str, const char *want_json)
{
    struct sb b;
    sb_init(&b);
    value_py_str(&b, v);
    CHECK_STR_EQ(sb_str(&b), want_str);
    sb_reset(&b);
    value_json(&b, v);
    CHECK_STR_EQ(sb_str(&b), want_json);
    sb_release(&b);
    value_free(v);
}

static void python_repr_of_floats(void)
{
    /* Python repr(float): shortest round-trip digits, exponent when
     * the decimal point is 4+ places left or 16+ places right */
    check_float(1e-5, "1e-05");
    check_float(0.0001, "0.0001");
    check_float(0.01, "0.01");
    check_float(0.1, "0.1");
    check_float(237.0, "237.0");
    check_float(1.0, "1.0");
    check_float(0.0, "0.0");
    check_float(-0.0, "-0.0");
    check_float(1.5e-7, "1.5e-07");
    check_float(1e16, "1e+16");
    check_float(1e15, "1000000000000000.0");
    check_float(123456789.123, "123456789.123");
    check_float(0.1 + 0.2, "0.30000000000000004");
    check_float(2.5e-05, "2.5e-05");
    check_float(-3.25, "-3.25");
    check_float(1.7976931348623157e308, "1.7976931348623157e+308");
    check_float(5e-324, "5e-324");
    check_float(INFINITY, "inf");
    check_float(NAN, "nan");
}

static void str_of_scalars_and_containers(void)
{
    /* str() of scalars and containers */
    check_str(value_bool(1), "True", "true");
    check_str(value_bool(0), "False", "false");
    check_str(value_null(), "None", "null");
    check_str(value_int(-42), "-42", "-42");
    check_str(value_str("a b"), "a b", "\"a b\"");
    struct value *l = value_list();
    value_list_push(l, value_int(1));
    value_list_push(l, value_str("x"));
    value_list_push(l, value_bool(1));
    value_list_push(l, value_null());
    value_list_push(l, value_float(0.5));
    check_str(l, "[1, 'x', True, None, 0.5]", "[1, \"x\", true, null, 0.5]");
    struct value *m = value_map();
    value_map_put(m, "lr", value_float(1e-3));
    struct value *inner = value_map();
    value_map_put(inner, "beta", value_float(0.9));
    value_map_put(m, "nadam", inner);
    check_str(m, "{'lr': 0.001, 'nadam': {'beta': 0.9}}",
              "{\"lr\": 0.001, \"nadam\": {\"beta\": 0.9}}");
}

static void repr_quotes(void)
{
    /* repr picks double quotes for a string with a single quote */
    struct value *q = value_list();
    value_list_push(q, value_str("it's"));
    value_list_push(q, value_str("a\"b\n"));
    check_str(q, "[\"it's\", 'a\"b\\n']", "[\"it's\", \"a\\\"b\\n\"]");
}

static void wandb_grid_equality(void)
{
    /* W&B grid equality: 1.0 is 1, a string is not a number, maps ignore order */
    struct value *a = value_float(1.0), *b = value_int(1), *c = value_str("1");
    CHECK(value_equal(a, b));
    CHECK(!value_equal(b, c));
    struct value *t = value_bool(1);
    CHECK(!value_equal(t, b));
    value_free(t);
    value_free(a);
    value_free(b);
    value_free(c);
    struct value *m1 = value_map(), *m2 = value_map();
    value_map_put(m1, "a", value_int(1));
    value_map_put(m1, "b", value_int(2));
    value_map_put(m2, "b", value_float(2.0));
    value_map_put(m2, "a", value_int(1));
    CHECK(value_equal(m1, m2));
    value_map_put(m2, "a", value_int(3));
    CHECK(!value_equal(m1, m2));
    value_free(m1);
    value_free(m2);
}

static void json_reading(void)
{
    /* JSON reading, including the NaN that trainers write */
    struct err e = {0};
    const char *js = "{\"loss\": NaN, \"s\": \"\\u00e9\\n\", \"n\": [1, 2.5e-3, -0], \"t\": true}";
    struct value *j = json_parse(js, strlen(js), &e);
    CHECK(j != NULL);
    if (j) {
        CHECK(isnan(value_map_get(j, "loss")->u.f));
        CHECK_STR_EQ(value_map_get(j, "s")->u.s, "\xc3\xa9\n");
        CHECK_INT_EQ(value_map_get(j, "n")->u.list.n, 3);
        CHECK_NEAR(value_map_get(j, "n")->u.list.v[1]->u.f, 0.0025, 0);
        CHECK_INT_EQ(value_map_get(j, "t")->u.b, 1);
    }
    value_free(j);
    CHECK(json_parse("{\"a\": }", 7, &e) == NULL);
    CHECK(json_parse("[1, 2] x", 8, &e) == NULL);
    struct sb bq;
    sb_init(&bq);
    json_quote(&bq, "a\x01\xff" "b");
    CHECK_STR_EQ(sb_str(&bq), "\"a\\u0001\\u00ffb\"");
    sb_release(&bq);
}

/* text for a terminal: C0, DEL, C1 (as UTF-8 and as a raw byte) and bytes
 * that are not UTF-8 escaped; valid UTF-8 kept */
static void visible_escapes_controls_and_bad_bytes(void)
{
    static const struct {
        const char *in, *out;
    } v[] = {
        {"plain", "plain"},
        {"a\x1b[31mred", "a\\x1b[31mred"},
        {"csi\x9b" "2J", "csi\\x9b2J"},                 /* a raw C1 CSI */
        {"c1\xc2\x9b" "2J", "c1\\xc2\\x9b2J"},          /* CSI as UTF-8 */
        {"nbsp\xc2\xa0ok", "nbsp\xc2\xa0ok"},           /* U+00A0 is text */
        {"Tesla \xe2\x84\xa2 GPU", "Tesla \xe2\x84\xa2 GPU"}, /* a trademark sign */
        {"\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac"},
        {"cut\xe6\x97", "cut\\xe6\\x97"},             /* a cut sequence */
        {"\xff\xfe", "\\xff\\xfe"},
        {"del\x7f", "del\\x7f"},
        {"line\nbreak\r", "line\\x0abreak\\x0d"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct sb b;
        sb_init(&b);
        sb_add_visible(&b, v[i].in);
        CHECK_STR_EQ(sb_str(&b), v[i].out);
        sb_release(&b);
    }
}

static const struct check_case cases[] = {
    CASE(visible_escapes_controls_and_bad_bytes),
    CASE(python_repr_of_floats),
    CASE(str_of_scalars_and_containers),
    CASE(repr_quotes),
    CASE(wandb_grid_equality),
    CASE(json_reading),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
