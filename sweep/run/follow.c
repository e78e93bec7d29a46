/* follow.c - following running trials: each log (and the trainer's own
 * results file) read by offset, its rows and the new offset committed in
 * one transaction; the objective's history kept for early termination and
 * rungs; inotify on the logs' directories so that a new value is read at
 * once; the metric.target check. */
#include "sweep/run/run_int.h"
#include "sweep/run/outcome.h"
#include "search/space.h"
#include "store/store.h"
#include "sweep/ingest/metrics.h"
#include "sweep/ingest/results.h"
#include "base/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static void check_target(struct sched *s, const struct slot *sl)
{
    const struct space *sp = s->sp;
    if (!sp->has_target || !sp->metric_name || s->target_reached) return;
    for (size_t i = 0; i < s->batch.n; i++) {
        const struct metric *m = &s->batch.rows[i];
        if (strcmp(m->name, sp->metric_name) || isnan(m->value)) continue;
        if (!space_better(sp, sp->target, m->value)) { /* reached: the target is no better */
            s->target_reached = 1;
            say(s, "trial %lld reached the target %s %g: no new trials will start", sl->id,
                sp->metric_name, sp->target);
            char detail[128];
            snprintf(detail, sizeof detail, "%s=%g", sp->metric_name, m->value);
            store_event(s->st, sl->id, "target_reached", detail, NULL);
            return;
        }
    }
}

/* The objective became nan or inf: the trial diverged. It is stopped at
 * once and fails, not retried (the same configuration diverges again). */
static void check_diverged(struct sched *s, struct slot *sl)
{
    const struct space *sp = s->sp;
    if (!sp->metric_name || sl->stop_reason) return;
    for (size_t i = 0; i < s->batch.n; i++) {
        const struct metric *m = &s->batch.rows[i];
        if (strcmp(m->name, sp->metric_name) || isfinite(m->value)) continue;
        char why[256];
        snprintf(why, sizeof why, OUTCOME_DIVERGED "%s %s at step %lld", sp->metric_name,
                 isnan(m->value) ? "nan" : m->value > 0 ? "inf" : "-inf", m->step);
        if (!sl->ended) { /* stopped once the rows are committed (stop_diverged) */
            if (!sl->diverged) sl->diverged = xstrdup(why);
        } else { /* seen in its last lines: it is over, recorded so by finish() */
            sl->stop_state = TRIAL_FAILED;
            sl->stop_reason = xstrdup(why);
        }
        return;
    }
}

void stop_diverged(struct sched *s)
{
    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->used || !sl->diverged) continue;
        if (!sl->stop_reason && !sl->ended) {
            say(s, "trial %lld %s; stopping it", sl->id, sl->diverged);
            request_stop(s, sl, TRIAL_FAILED, sl->diverged, "stop_decided");
        }
        free(sl->diverged);
        sl->diverged = NULL;
    }
}

/* The trainer's results file (parser ultralytics: results.csv...): found
 * under the trial's directory (looked for at most every RUN_RESULTS_SCAN_S),
 * or named by metrics.file; read into the same batch as the log. */
static void read_results(struct sched *s, struct slot *sl, int final)
{
    const char *const *names = metrics_results_files(s->sp->parser);
    if (!names) return;
    if (!sl->rfile) {
        double now = run_mono(s);
        if (!final && now - sl->rscan < RUN_RESULTS_SCAN_S) return;
        sl->rscan = now;
        sl->rfile = results_find(sl->dir, names, RUN_RESULTS_DEPTH);
        if (!sl->rfile) return;
    }
    if (!sl->rmp) {
        sl->rmp = metrics_new(s->sp->parser, NULL, 0, NULL);
        if (!sl->rmp) return;
        metrics_follow(sl->mp, sl->rmp);
    }
    if (metrics_read(sl->rmp, sl->rfile, &sl->rtp, final, &s->batch, NULL) >= 0 && final)
        metrics_end(sl->rmp, &s->batch);
}

/* What a read of the log told about the file itself: said once, recorded. */
static void log_trouble(struct sched *s, struct slot *sl, int ev, unsigned long long ino)
{
    if (ev == TAIL_TRUNCATED || ev == TAIL_REPLACED) {
        const char *what = ev == TAIL_TRUNCATED ? "became shorter than what was read"
                                                : "was replaced by another file";
        say(s, "trial %lld: %s %s; reading it again from its start", sl->id, sl->mfile, what);
        store_event(s->st, sl->id, ev == TAIL_TRUNCATED ? "log_truncated" : "log_replaced",
                    sl->mfile, NULL);
    } else if (ev == TAIL_MISSING && ino && !sl->log_missing) {
        /* keep the position: the same file may come back (moved away and
         * back), and another file at the path is told by its inode */
        say(s, "trial %lld: %s is gone; what the trainer writes to it now is lost", sl->id,
            sl->mfile);
        store_event(s->st, sl->id, "log_missing", sl->mfile, NULL);
        sl->log_missing = 1;
    }
    if (ev != TAIL_MISSING) sl->log_missing = 0;
}

/* Reads the trial's log from its offset; rows and offset commit together. */
int ingest(struct sched *s, struct slot *sl, int final, struct err *e)
{
    long long before = sl->tp.offset;
    unsigned long long ino = sl->tp.ino;
    metric_batch_reset(&s->batch);
    struct err te = {0};
    int ev = metrics_read(sl->mp, sl->mfile, &sl->tp, final, &s->batch, &te);
    if (ev >= 0) read_results(s, sl, final);
    if (final) metrics_end(sl->mp, &s->batch);
    if (ev < 0) { /* this trial's problem, not the sweep's: say it once, go on */
        if (!sl->log_error) {
            say(s, "trial %lld: %s", sl->id, te.msg);
            store_event(s->st, sl->id, "log_unreadable", te.msg, NULL);
            sl->log_error = 1;
        }
        return 0;
    }
    sl->log_error = 0;
    log_trouble(s, sl, ev, ino);
    if (sl->tp.offset == before && s->batch.n == 0) return 0;
    if (store_ingest(s->st, sl->id, s->batch.rows, s->batch.n, sl->tp.offset, run_now(s), e))
        return -1;
    for (size_t i = 0; i < s->batch.n; i++)
        if (s->batch.rows[i].step > sl->top_step) sl->top_step = s->batch.rows[i].step;
    if (sl->g >= 0)
        for (size_t i = 0; i < s->batch.n; i++) {
            const struct metric *m = &s->batch.rows[i];
            /* the trainer's own column (Ultralytics' GPU_mem, detectron2's max_mem) */
            double mib = metrics_mem_mib(sl->mp, m->name, m->value);
            if (mib > 0) slot_peak(s, sl, mib);
        }
    if (s->early || s->rungs)
        for (size_t i = 0; i < s->batch.n; i++) {
            const struct metric *m = &s->batch.rows[i];
            if (!strcmp(m->name, s->sp->metric_name) && isfinite(m->value))
                hist_put(&s->hist, sl->id, m->step, m->value);
        }
    check_target(s, sl);
    check_diverged(s, sl);
    const char *twice = metrics_name_twice(sl->mp);
    if (twice && !sl->twice_said) { /* once per trial */
        sl->twice_said = 1;
        warn(s, "trial %lld: a line of its log gives %s twice: the values are mixed in one "
                "series (a regex parser can tell them apart: docs/parsers.md)",
             sl->id, twice);
    }
    return 0;
}
