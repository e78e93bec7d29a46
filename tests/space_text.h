/* space_text.h - a sweep file from text, for the unit tests: the one
 * helper every test program uses to load one.
 *
 *   space_text(fmt, ...)       printf-style text; NULL (its diagnostics
 *                              printed) when it does not load
 *   space_text_diag(d, text)   the diagnostics kept in d (d initialised here)
 *   yaml_text(d, text)         the YAML alone, as a value tree */
#ifndef SWEEP_TEST_SPACE_TEXT_H
#define SWEEP_TEST_SPACE_TEXT_H

#include "base/util.h"
#include "search/diag.h"
#include "search/space.h"
#include "search/ydoc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline struct space *space_text_diag(struct diag *d, const char *text)
{
    diag_init(d, "t.yaml");
    return space_load_text("t.yaml", text, strlen(text), d);
}

static inline struct value *yaml_text(struct diag *d, const char *text)
{
    diag_init(d, "t.yaml");
    return ydoc_load(text, strlen(text), d);
}

static inline __attribute__((format(printf, 1, 2))) struct space *space_text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    struct diag d;
    struct space *sp = space_text_diag(&d, text);
    if (!sp) diag_print(&d);
    diag_release(&d);
    free(text);
    return sp;
}

#endif
