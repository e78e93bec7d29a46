/* space_text.h - a sweep file from text, for the unit tests: NULL (its
 * diagnostics printed) when it does not load. */
#ifndef SWEEP_TEST_SPACE_TEXT_H
#define SWEEP_TEST_SPACE_TEXT_H

#include "search/diag.h"
#include "search/space.h"

#include <string.h>

static inline struct space *load(const char *text)
{
    struct diag d;
    diag_init(&d, "t.yaml");
    struct space *sp = space_load_text("t.yaml", text, strlen(text), &d);
    if (!sp) diag_print(&d);
    diag_release(&d);
    return sp;
}

#endif
