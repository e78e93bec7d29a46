/* log.c - escaped diagnostics on stderr (log.h). */
#include "base/log.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define LOG_MAX_MESSAGE 2048 /* longer messages are cut */

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    static const char *const names[] = {[LOG_ERROR] = "error", [LOG_WARN] = "warn"};
    char raw[LOG_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    struct sb b;
    sb_init(&b);
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) sb_addf(&b, "\\x%02x", *p);
        else sb_addc(&b, (char)*p);
    }
    time_t t = time(NULL);
    struct tm tm;
    char ts[32];
    localtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s %s %s: %s\n", ts, names[level], module, sb_str(&b));
    sb_release(&b);
}
