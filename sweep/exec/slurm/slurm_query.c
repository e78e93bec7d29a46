/* slurm_query.c - following a sweep's jobs politely (slurm_int.h).
 *
 * One query at a time, run as a helper whose output the run loop polls
 * (exec.h's fd), never waited for: squeue for the jobs not ended, by id and
 * for this user only (--only-job-state where squeue has it: 24.05 on), and
 * one sacct for the jobs the queue forgot. How often: o.poll (slurm.poll)
 * after a submission, a cancel, a record that needs Slurm's word, or a
 * change the last query showed; doubled after each query that shows none,
 * up to o.poll_max (slurm.poll_max); when a job's time limit is reached.
 * A trial's end does not wait for a query: the supervisor's exit.json and
 * trainer.pid are looked at every turn (slurm.c). A query that fails or
 * takes longer than SLURM_SLOW_S (the controller is down or busy) doubles
 * the wait too, up to SLURM_BACKOFF_MAX_S. docs/slurm.md, "For cluster
 * administrators", says what this sends and how often. */
#include "sweep/exec/slurm/slurm_int.h"
#include "base/err.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLURM_SLOW_S 5.0           /* a query slower than this: the controller is busy */
#define SLURM_BACKOFF_MAX_S 600.0  /* the longest wait after failures */

enum { Q_NONE, Q_VERSION, Q_SQUEUE, Q_SACCT };

void slurm_due(struct slurm_x *s, double at)
{
    s->interval = s->o.poll;
    if (at < s->next_poll || !s->next_poll) s->next_poll = at;
}

/* Starts argv as the query in flight. 0, or -1 with e (it could not start). */
static int start(struct slurm_x *s, int kind, char **argv, struct err *e)
{
    (*slurm_counter(s, argv[0]))++;
    struct err se = {0};
    if (spawn_job_start(&s->q, argv, SLURM_CMD_TIMEOUT_S, &se)) {
        if (se.code == ENOENT)
            return err_set(e, "%s is not on PATH: executor slurm needs a Slurm submit host "
                              "(slurm-client)",
                           argv[0]);
        return err_set(e, "%.900s", se.msg);
    }
    s->qkind = kind;
    s->q_started = util_mono();
    return 0;
}

/* The next wait: back to o.poll after a change, doubled otherwise (and
 * after a slow or failed query), within its bounds. */
static void next(struct slurm_x *s, int changed, int failed, double took, double now)
{
    double top = failed || took > SLURM_SLOW_S ? SLURM_BACKOFF_MAX_S : s->o.poll_max;
    if (top < s->o.poll) top = s->o.poll;
    if (changed && !failed && took <= SLURM_SLOW_S) s->interval = s->o.poll;
    else s->interval = s->interval * 2 > top ? top : s->interval * 2;
    if (s->interval < s->o.poll) s->interval = s->o.poll;
    s->next_poll = now + s->interval;
    for (size_t i = 0; s->o.time > 0 && i < s->njobs; i++) { /* a time limit reached */
        double at = s->jobs[i].started_at + s->o.time + 1;
        if (!s->jobs[i].ended && s->jobs[i].started_at && at > now && at < s->next_poll)
            s->next_poll = at;
    }
}

/* The ends whose words come from the supervisor's record (not Slurm's). */
static int record_matters(const char *state)
{
    return !strcmp(state, "COMPLETED") || !strcmp(state, "FAILED");
}

/* squeue's answer: each job's row; 1 if one changed state (or left). */
static int squeue_rows(struct slurm_x *s, const char *out, int purged, double now)
{
    struct slurm_row *rows = NULL;
    size_t nrows = purged ? 0 : slurm_parse_rows(out, 0, &rows);
    int changed = 0;
    for (size_t i = 0; i < s->njobs; i++) {
        struct sjob *j = &s->jobs[i];
        if (j->ended || j->id <= 0) continue; /* not submitted yet (slurm_array.c) */
        struct slurm_row *r = NULL;
        for (size_t k = 0; k < nrows; k++)
            if (rows[k].id == j->id && rows[k].task == j->task) r = &rows[k];
        if (!r) {
            j->missing++;
            changed = 1;
            continue;
        }
        j->missing = 0;
        if (strcmp(j->row.state, r->state)) changed = 1;
        if (!r->name[0]) snprintf(r->name, sizeof r->name, "%s", j->row.name); /* --only-job-state */
        if (!r->reason[0] && !strcmp(r->state, j->row.state))
            snprintf(r->reason, sizeof r->reason, "%s", j->row.reason);
        j->row = *r;
        enum slurm_phase ph = slurm_state_phase(r->state);
        if (ph == SLURM_RUNNING && !j->started_at) j->started_at = now;
        int clean;
        if (ph == SLURM_ENDED && !slurm_have_record(j->dir, &clean) && record_matters(r->state) &&
            (!j->no_record_at || now - j->no_record_at < SLURM_RECORD_WAIT_S)) {
            if (!j->no_record_at) j->no_record_at = now; /* its exit.json may be on its way */
        } else if (ph == SLURM_ENDED) slurm_settle(s, j);
        else if (ph == SLURM_WAITING && slurm_never_runs(r->reason)) {
            slurm_cancel_job(s, j, 0);
            j->ended = 1;
            j->end = EXEC_END_FAILED;
            snprintf(j->why, sizeof j->why,
                     "Slurm can never run its job %lld as submitted: %s (%s); cancelled", j->id,
                     r->state, r->reason);
        }
    }
    free(rows);
    return changed;
}

/* The jobs the queue no longer shows (accounting keeps them after
 * MinJobAge), settled by sacct's rows (NULL: none), else their exit.json,
 * else said to be gone. */
static void settle_missing(struct slurm_x *s, const struct slurm_row *rows, size_t nrows)
{
    for (size_t i = 0; i < s->njobs; i++) {
        struct sjob *j = &s->jobs[i];
        if (j->ended || j->missing < SLURM_MISSING_POLLS) continue;
        int clean, found = 0;
        char name[160], id[40];
        slurm_sjob_name(s, j, name, sizeof name);
        slurm_ref(id, sizeof id, j->id, j->task);
        for (size_t k = 0; k < nrows; k++) /* by id and name: an id may be reused */
            if (rows[k].id == j->id && rows[k].task == j->task &&
                (!rows[k].name[0] || !strcmp(rows[k].name, name)) &&
                slurm_state_phase(rows[k].state) == SLURM_ENDED) {
                j->row = rows[k];
                found = 1;
            }
        if (found) slurm_settle(s, j);
        else if (slurm_have_record(j->dir, &clean) || j->ours) {
            /* its record says how; or sweep cancelled it (a pending array
             * task leaves the queue at once): the stop decides */
            j->end = EXEC_END_RECORD;
            j->ended = 1;
        } else {
            j->end = EXEC_END_FAILED;
            snprintf(j->why, sizeof j->why,
                     "its job %s left Slurm's queue (purged after MinJobAge%s) without a "
                     "record of its end",
                     id, s->sacct == 0 ? ", no accounting" : "");
            j->ended = 1;
        }
    }
}

/* The ids of the jobs that are not ended (missing: only those the queue
 * forgot), "ID,ID", an array's once (its tasks are all listed: squeue -r,
 * sacct); empty when none. */
static void job_ids(const struct slurm_x *s, int missing, struct sb *ids)
{
    for (size_t i = 0; i < s->njobs; i++) {
        const struct sjob *j = &s->jobs[i];
        int dup = 0;
        for (size_t k = 0; k < i && j->task >= 0; k++)
            dup |= s->jobs[k].id == j->id && !s->jobs[k].ended &&
                   (!missing || s->jobs[k].missing >= SLURM_MISSING_POLLS);
        if (!j->ended && j->id > 0 && !dup && (!missing || j->missing >= SLURM_MISSING_POLLS))
            sb_addf(ids, "%s%lld", ids->len ? "," : "", j->id);
    }
}

/* The query in flight ended: what it says. 1 squeue answered, 0 another
 * query ended, -1 squeue failed (e). */
static int finish(struct slurm_x *s, double now, struct err *e)
{
    static const char *const names[] = {"", "squeue --version", "squeue", "sacct"};
    int kind = s->qkind, status = -1;
    char *out = NULL;
    struct err qe = {0};
    int rc = spawn_job_finish(&s->q, names[kind], SLURM_CMD_TIMEOUT_S, &out, &status, &qe);
    double took = now - s->q_started;
    s->qkind = Q_NONE;
    int ret = 0;
    if (kind == Q_VERSION) {
        s->version = rc == 0 && status == 0 && slurm_parse_version(out) ? slurm_parse_version(out)
                                                                         : -1;
        if (s->version < SLURM_ONLY_STATE_VERSION) s->only_state = 0;
    } else if (kind == Q_SACCT) {
        struct slurm_row *rows = NULL;
        size_t n = 0;
        if (rc == 0 && status == 0) {
            s->sacct = 1;
            n = slurm_parse_rows(out, 1, &rows);
        } else if (rc == 0 && out && strstr(out, "accounting storage is disabled")) {
            s->sacct = 0;
        }
        settle_missing(s, rows, n);
        free(rows);
    } else if (rc == 0 && status != 0 && s->only_state && out &&
               (strstr(out, "unrecognized") || strstr(out, "invalid option"))) {
        s->only_state = 0; /* this squeue has no --only-job-state after all: the full form */
        s->next_poll = now;
    } else {
        int purged = rc == 0 && status != 0 && out && strstr(out, "Invalid job id specified");
        int failed = (rc != 0 || status != 0) && !purged;
        if (failed) {
            if (rc != 0) err_set(e, "squeue: %.900s", qe.msg);
            else slurm_say_error(e, "squeue", out);
            snprintf(s->down, sizeof s->down, "%.200s", e->msg);
            ret = -1;
        } else {
            s->down[0] = 0;
            ret = 1;
        }
        struct slurm_row *probe = NULL;
        if (!failed && !purged && s->only_state && out && out[0] &&
            !slurm_parse_rows(out, 0, &probe)) {
            /* --only-job-state answered in a form this reader does not know: the full one */
            s->only_state = 0;
            s->next_poll = now;
        } else {
            int changed = failed ? 0 : squeue_rows(s, out, purged, now);
            next(s, changed, failed, took, now);
            if (!failed) slurm_array_throttle(s);
        }
        free(probe);
    }
    free(out);
    return ret;
}

int slurm_poll(struct executor *x, struct err *e)
{
    struct slurm_x *s = (struct slurm_x *)x;
    double now = util_mono();
    int answered = 0;
    if (s->q.pid) {
        if (!spawn_job_read(&s->q) && now < s->q.deadline) return 1; /* still asking */
        int f = finish(s, now, e);
        if (f < 0) return -1;
        answered = f;
    }
    slurm_reap_beside(s, 0);
    slurm_array_cancel(s);
    slurm_array_submit(s); /* what the loop started since (slurm.array) */
    size_t open = 0, gone = 0;
    for (size_t i = 0; i < s->njobs; i++) {
        open += !s->jobs[i].ended && s->jobs[i].id > 0;
        gone += !s->jobs[i].ended && s->jobs[i].missing >= SLURM_MISSING_POLLS;
    }
    if (!open && !s->down[0]) return answered ? 0 : 1;
    if (!s->version && open) { /* once: which squeue this is */
        char *argv[] = {"squeue", "--version", NULL};
        if (start(s, Q_VERSION, argv, e)) s->version = -1;
        return answered ? 0 : 1;
    }
    struct sb ids;
    sb_init(&ids);
    int rc = 0;
    if (gone && s->sacct != 0) { /* the queue forgot them: accounting, by id */
        job_ids(s, 1, &ids);
        char *jobs = xasprintf("--jobs=%s", ids.buf);
        char *argv[] = {"sacct", "-X", "-n", "-P", "-o", "JobID,State,ExitCode,JobName", jobs,
                        NULL};
        rc = start(s, Q_SACCT, argv, e);
        free(jobs);
    } else if (gone) {
        settle_missing(s, NULL, 0);
    } else if (now >= s->next_poll && !open) { /* no job: is the controller back? */
        char user[48];
        snprintf(user, sizeof user, "--user=%u", (unsigned)getuid());
        char *argv[] = {"squeue", "-h", user, "-o", "%i", NULL};
        s->next_poll = now + s->interval;
        rc = start(s, Q_SQUEUE, argv, e);
        if (rc) next(s, 0, 1, 0, now);
    } else if (now >= s->next_poll) {
        job_ids(s, 0, &ids);
        char *jobs = xasprintf("--jobs=%s", ids.buf), user[48];
        snprintf(user, sizeof user, "--user=%u", (unsigned)getuid());
        char *full[] = {"squeue", "-h", "-r", "-t", "all", user, jobs, "-o", "%i|%T|%r|%j|%N",
                        NULL};
        char *lean[] = {"squeue", "-h", "-r", "--only-job-state", "-t", "all", user, jobs,
                        "-o", "%i|%T", NULL};
        s->st.listed += (long)open;
        s->next_poll = now + s->interval; /* until it answers: no second one */
        rc = start(s, Q_SQUEUE, s->only_state ? lean : full, e);
        if (rc) next(s, 0, 1, 0, now);
        free(jobs);
    }
    sb_release(&ids);
    return rc < 0 ? -1 : answered ? 0 : 1;
}

int slurm_fd(struct executor *x)
{
    struct slurm_x *s = (struct slurm_x *)x;
    return s->q.pid ? s->q.fd : -1;
}

double slurm_wake(struct executor *x)
{
    struct slurm_x *s = (struct slurm_x *)x;
    double now = util_mono();
    if (s->q.pid) return s->q.deadline - now; /* its output wakes the loop before */
    if (slurm_array_due(s)) return 0; /* an array to submit */
    double at = 1e9;
    for (size_t i = 0; i < s->njobs; i++)
        if (s->jobs[i].g && !s->jobs[i].ended && s->array_next > now) at = s->array_next - now;
    if (s->down[0]) return s->next_poll - now; /* asking whether it is back */
    for (size_t i = 0; i < s->njobs; i++)
        if (!s->jobs[i].ended && s->jobs[i].id > 0)
            return s->next_poll - now < at ? s->next_poll - now : at;
    return at;
}

void slurm_query_release(struct slurm_x *s)
{
    if (!s->q.pid) return;
    s->q.deadline = 0; /* past it: killed, then reaped */
    char *out = NULL;
    int status;
    struct err e = {0};
    spawn_job_finish(&s->q, "squeue", 0, &out, &status, &e);
    free(out);
}
