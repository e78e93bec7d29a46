/* err.c - filling struct err. */
#include "base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vfill(struct err *e, int code, int status, const char *fmt, va_list ap)
{
    if (!e) return;
    e->code = code;
    e->status = status;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int err_set(struct err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(e, 0, 1, fmt, ap);
    va_end(ap);
    return -1;
}

int err_usage(struct err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(e, 0, 2, fmt, ap);
    va_end(ap);
    return -1;
}

int err_errno(struct err *e, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    vfill(e, saved, 1, fmt, ap);
    va_end(ap);
    if (e) {
        size_t n = strlen(e->msg);
        snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(saved));
    }
    errno = saved;
    return -1;
}
