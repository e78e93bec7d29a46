/* say.c - what the loop tells its observer (run.h's struct run_observer):
 * a line for people, or a warning; the only way the loop's files speak. */
#include "sweep/run/run_int.h"

#include <stdarg.h>
#include <stdio.h>

/* A line to the observer's say or warn (NULL: nobody wants it). */
static void tell(const struct run_observer *ob, void (*fn)(void *, const char *), const char *fmt,
                 va_list ap)
{
    if (!fn) return;
    char buf[RUN_MAX_LINE];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fn(ob->ctx, buf);
}

void say(struct sched *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tell(&s->o->obs, s->o->obs.say, fmt, ap);
    va_end(ap);
}

void warn(struct sched *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tell(&s->o->obs, s->o->obs.warn, fmt, ap);
    va_end(ap);
}

