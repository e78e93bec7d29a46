/* json.h - writing JSON strings and numbers, and reading JSON into values.
 *
 * The reader is lenient where trainers are sloppy: NaN, Infinity and
 * -Infinity are numbers (detectron2 writes NaN into metrics.json). */
#ifndef SWEEP_JSON_H
#define SWEEP_JSON_H

#include <stddef.h>

struct sb;
struct value;
struct err;

/* Appends s as a quoted JSON string. Bytes that are not valid UTF-8 are
 * written as \u00XX. */
void json_quote(struct sb *b, const char *s);
/* Appends a number; NaN and infinities become null. */
void json_num(struct sb *b, double x);
/* Parses one JSON value (trailing blanks allowed). NULL on error. */
struct value *json_parse(const char *s, size_t len, struct err *e);

#endif
