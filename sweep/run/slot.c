/* slot.c - a slot: one trial the loop follows (run_int.h's struct slot):
 * its paths and parser, what it holds, and the inotify watch that marks its
 * metrics file changed. */
#include "sweep/run/run_int.h"
#include "search/render.h"
#include "search/space.h"
#include "store/layout.h"
#include "sweep/ingest/metrics.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

char *slot_checkpoint(const struct space *sp, const struct render_ctx *r, const char *dir)
{
    if (!sp->nresume_command) return NULL;
    if (!sp->resume_if_exists) return xstrdup("");
    char *f = render_text(r, sp->resume_if_exists);
    char *abs = f[0] == '/' ? xstrdup(f) : xasprintf("%s/%s", dir, f);
    free(f);
    return abs;
}

void slot_init(struct slot *sl)
{
    memset(sl, 0, sizeof *sl);
    sl->job.fd = -1;
    sl->ifd = -1;
    sl->wd = -1;
    sl->g = -1;
}

void slot_release(struct slot *sl)
{
    free(sl->dir);
    free(sl->mfile);
    free(sl->rfile);
    metrics_free(sl->rmp);
    free(sl->log);
    free(sl->stop_reason);
    free(sl->diverged);
    metrics_free(sl->mp);
    exec_job_release(&sl->job);
    if (sl->wd >= 0 && sl->ifd >= 0) inotify_rm_watch(sl->ifd, sl->wd);
    free(sl->kind);
    slot_init(sl);
}

struct slot *free_slot(struct sched *s)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (!s->slots[i].used) return &s->slots[i];
    return NULL;
}

void init_steps_cb(const char *name, long long step, void *ctx)
{
    metrics_set_last_step(ctx, name, step);
}

/* Prepares a slot's paths and parser. */
int slot_setup(struct sched *s, struct slot *sl, long long id, const struct value *params,
               struct err *e)
{
    slot_init(sl);
    sl->used = 1;
    sl->id = id;
    sl->ifd = s->ifd;
    sl->peak_mib = -1;
    sl->dir = layout_trial_dir(s->o->dir, id);
    sl->log = layout_log(sl->dir);
    sl->mp = metrics_new(s->sp->parser, s->sp->patterns, s->sp->npatterns, e);
    if (!sl->mp) return -1;
    sl->mfile = xstrdup(sl->log);
    if (s->sp->metrics_file) { /* the file to read; a trainer's parser reads it as its
                                  results file, besides the log */
        struct render_ctx r = {.sp = s->sp, .params = params, .id = id,
                               .trial_dir = sl->dir, .sweep_dir = s->o->dir, .gpu = -1};
        char *f = render_text(&r, s->sp->metrics_file);
        char *path = f[0] == '/' ? f : xasprintf("%s/%s", sl->dir, f);
        if (path != f) free(f);
        if (metrics_results_files(s->sp->parser)) sl->rfile = path;
        else {
            free(sl->mfile);
            sl->mfile = path;
        }
    }
    sl->start_mono = sl->last_out_mono = run_mono(s);
    return 0;
}

/* Early termination decides on each new value: the directory of the
 * trial's metrics file is watched (inotify), so that a line is read as soon
 * as it is written, not at the next tick. Without a watch (the directory is
 * not there yet), the tick reads it. */
void watch_slot(struct sched *s, struct slot *sl)
{
    if (s->ifd < 0 || sl->wd >= 0) return;
    char *dir = xstrdup(sl->mfile);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    sl->wd = inotify_add_watch(s->ifd, slash ? dir : ".", IN_MODIFY | IN_CREATE | IN_MOVED_TO);
    free(dir);
}

/* Marks the slots whose metrics file changed. */
void read_inotify(struct sched *s)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;
    while ((n = read(s->ifd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            for (size_t i = 0; i < s->nslots; i++) {
                struct slot *sl = &s->slots[i];
                if (!sl->used || sl->wd != ev->wd) continue;
                const char *base = strrchr(sl->mfile, '/');
                base = base ? base + 1 : sl->mfile;
                if (!ev->len || !strcmp(ev->name, base)) sl->dirty = 1;
            }
            p += sizeof *ev + ev->len;
        }
    }
}
