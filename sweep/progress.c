/* progress.c - the run loop's observer for a person (progress.h): its
 * lines on stderr, and on a terminal a progress line redrawn under them. */
#include "sweep/progress.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void progress_clear(struct progress *p)
{
    if (p->tty && p->drawn) fputs("\r\033[K", stderr);
    p->drawn = 0;
}

static void draw(struct progress *p)
{
    if (!p->tty || !p->have_last) return;
    const struct run_progress *r = &p->last;
    struct sb b;
    sb_init(&b);
    sb_addf(&b, "running %zu | completed %lld | failed %lld", r->active,
            r->counts[TRIAL_COMPLETED], r->counts[TRIAL_FAILED]);
    if (r->counts[TRIAL_STOPPED]) sb_addf(&b, " | stopped %lld", r->counts[TRIAL_STOPPED]);
    if (r->total >= 0) {
        long long done = r->counts[TRIAL_COMPLETED] + r->counts[TRIAL_FAILED] +
                         r->counts[TRIAL_STOPPED] + r->counts[TRIAL_PRUNED];
        sb_addf(&b, " | %lld/%lld", done, r->total);
    }
    if (r->have_best && p->metric) {
        sb_addf(&b, " | best %s ", p->metric);
        util_fmt_num(&b, r->best);
        sb_addf(&b, " (trial %lld)", r->best_trial);
    }
    sb_add(&b, " | ");
    util_fmt_duration(&b, r->elapsed);
    if (r->stopping) sb_add(&b, " | stopping");
    fprintf(stderr, "\r\033[K%s", sb_str(&b));
    fflush(stderr);
    sb_release(&b);
    p->drawn = 1;
}

/* A line on stderr with control characters shown as \xNN: a path or a
 * reason can carry any byte, and none of them may steer the terminal. */
static void put_line(const char *prefix, const char *line)
{
    struct sb b;
    sb_init(&b);
    sb_add(&b, prefix);
    sb_add_visible(&b, line);
    fprintf(stderr, "%s\n", sb_str(&b));
    sb_release(&b);
}

static void on_say(void *ctx, const char *line)
{
    struct progress *p = ctx;
    progress_clear(p);
    put_line("", line);
    draw(p);
}

static void on_warn(void *ctx, const char *line)
{
    struct progress *p = ctx;
    progress_clear(p);
    put_line("sweep: warning: ", line);
    draw(p);
}

static void on_progress(void *ctx, const struct run_progress *r)
{
    struct progress *p = ctx;
    p->last = *r;
    p->have_last = 1;
    draw(p);
}

struct run_observer progress_observer(struct progress *p, int quiet, const char *metric)
{
    *p = (struct progress){.quiet = quiet, .metric = metric};
    /* NO_COLOR is about colour: the progress line has none, and stays */
    const char *term = getenv("TERM");
    p->tty = !quiet && isatty(STDERR_FILENO) && !(term && !strcmp(term, "dumb"));
    if (quiet) return (struct run_observer){.warn = on_warn, .ctx = p};
    return (struct run_observer){.say = on_say, .warn = on_warn,
                                 .progress = p->tty ? on_progress : NULL, .ctx = p};
}
