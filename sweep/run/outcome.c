/* outcome.c - classifying how a trial ended (outcome.h). */
#include "sweep/run/outcome.h"
#include "base/util.h"

#include <ctype.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

const char *outcome_oom_words(const char *tail)
{
    static const char *const words[] = {"CUDA out of memory",  "CUDA error: out of memory",
                                        "CUDA Error: out of memory", "OutOfMemoryError",
                                        "cudaErrorMemoryAllocation", "CUBLAS_STATUS_ALLOC_FAILED",
                                        NULL};
    for (const char *const *w = words; tail && *w; w++)
        if (strstr(tail, *w)) return *w;
    return NULL;
}

/* A line: [s, s + n), without its terminator. */
struct span {
    const char *s;
    size_t n;
};

static int has(struct span l, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= l.n; i++)
        if (!memcmp(l.s + i, w, k)) return 1;
    return 0;
}

/* "ModuleNotFoundError: ...", "torch.cuda.OutOfMemoryError: ...",
 * "KeyboardInterrupt": a dotted name ending in Error, Exception or
 * Interrupt at the start of the line, then ':' or the line's end. */
static int exception_line(struct span l)
{
    size_t i = 0;
    while (i < l.n && (isalnum((unsigned char)l.s[i]) || l.s[i] == '_' || l.s[i] == '.')) i++;
    if (i == 0 || !isupper((unsigned char)l.s[0]) || (i < l.n && l.s[i] != ':')) return 0;
    static const char *const ends[] = {"Error", "Exception", "Interrupt", NULL};
    for (const char *const *e = ends; *e; e++) {
        size_t k = strlen(*e);
        if (i >= k && !memcmp(l.s + i - k, *e, k)) return 1;
    }
    return 0;
}

static int error_looking(struct span l)
{
    static const char *const words[] = {"Error:", "Error ", "error:", "ERROR", "FATAL", "Fatal",
                                        "Killed", "Segmentation fault", "No such file or directory",
                                        "CUDA error", "Exception:", "Aborted", "unknown option",
                                        "nrecognized", "nvalid", "not found", NULL};
    if (exception_line(l)) return 1;
    for (const char *const *w = words; *w; w++)
        if (has(l, *w)) return 1;
    return 0;
}

static struct span trim(struct span l)
{
    while (l.n && isspace((unsigned char)l.s[0])) l.s++, l.n--;
    while (l.n && isspace((unsigned char)l.s[l.n - 1])) l.n--;
    return l;
}

int outcome_error_line(const char *tail, struct sb *b)
{
    if (!tail) return 0;
    struct span found = {NULL, 0};
    int in_tb = 0; /* inside a traceback: its frames are indented */
    for (const char *p = tail; *p;) {
        size_t n = strcspn(p, "\r\n");
        struct span l = {p, n};
        p += n;
        if (*p) p++;
        if (!n) continue;
        if (has(l, "Traceback (most recent call last)")) {
            in_tb = 1;
            continue;
        }
        struct span t = trim(l);
        if (!t.n) continue;
        if (in_tb && l.s[0] != ' ' && l.s[0] != '\t') { /* the exception, after its frames */
            in_tb = 0;
            found = t;
            continue;
        }
        if (!in_tb && error_looking(t)) found = t;
    }
    if (!found.s) return 0;
    size_t start = b->len, kept = 0;
    for (size_t i = 0; i < found.n && kept < OUTCOME_ERROR_MAX; i++) {
        unsigned char c = (unsigned char)found.s[i];
        if (c == 0x1b) { /* an ANSI escape: ESC [ ... final byte */
            if (i + 1 < found.n && found.s[i + 1] == '[') {
                i += 2;
                while (i < found.n && !(found.s[i] >= 0x40 && found.s[i] <= 0x7e)) i++;
            }
            continue;
        }
        if (c < 0x20 || c == 0x7f) c = ' ';
        sb_addc(b, (char)c);
        kept++;
    }
    if (kept == OUTCOME_ERROR_MAX && kept < found.n) {
        /* cut at a character's start, not inside a UTF-8 sequence */
        size_t lead = b->len;
        while (lead > start && ((unsigned char)b->buf[lead - 1] & 0xc0) == 0x80) lead--;
        if (lead > start && ((unsigned char)b->buf[lead - 1] & 0x80)) {
            unsigned char c = (unsigned char)b->buf[lead - 1];
            size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            if (b->len - (lead - 1) < need) b->len = lead - 1; /* incomplete: dropped */
        }
        b->buf[b->len] = '\0';
        sb_add(b, "...");
    }
    return 1;
}

static void describe_exit(struct sb *b, const struct proc_exit *x)
{
    if (x->error[0]) sb_add(b, x->error);
    else if (x->has_code) sb_addf(b, "exit code %d", x->code);
    else if (x->signal)
        sb_addf(b, "killed by signal %d (%s)%s", x->signal, proc_signal_name(x->signal),
                x->core ? ", core dumped" : "");
}

/* It ended as sweep's stop asks: by SIGTERM, or with the shell's 128 +
 * SIGTERM (a SIGKILL after the grace is said: the trainer ignored it). */
static int asked_end(const struct proc_exit *x)
{
    if (x->error[0]) return 0;
    return x->has_code ? x->code == 128 + SIGTERM : x->signal == SIGTERM;
}

void outcome_classify(const struct outcome_in *in, struct outcome *out, struct sb *reason)
{
    const struct proc_exit *x = in->have == 1 ? in->x : NULL;
    memset(out, 0, sizeof *out);
    if (x) {
        out->has_code = x->has_code && !x->error[0];
        out->code = x->code;
        out->sig = x->signal;
        out->cannot_start = x->error[0] != 0;
    }
    out->final = in->stop_reason && !strncmp(in->stop_reason, OUTCOME_DIVERGED,
                                              strlen(OUTCOME_DIVERGED));
    int clean = x && !x->error[0] && x->has_code && x->code == 0;
    if (out->final) { /* diverged: failed, however it exited */
        out->state = TRIAL_FAILED;
        sb_add(reason, in->stop_reason);
        if (x && !clean && !asked_end(x)) {
            sb_add(reason, "; ");
            describe_exit(reason, x);
        }
    } else if (in->exec_end && !in->stop_reason) { /* a batch system's time limit, a foreign cancel */
        out->state = TRIAL_FAILED;
        sb_add(reason, in->exec_end);
        if (x && !clean) {
            sb_add(reason, "; ");
            describe_exit(reason, x);
        }
    } else if (clean && in->no_rows && !in->stop_reason) {
        /* darknet exits 0 after "Couldn't open file" and the like */
        out->state = TRIAL_FAILED;
        sb_add(reason, "exit code 0, but no iteration line in its log: the trainer did not train");
    } else if (clean) {
        out->state = TRIAL_COMPLETED;
    } else if (in->stop_reason) {
        out->state = in->stop_state;
        sb_add(reason, in->stop_reason);
        if (x && !asked_end(x)) { /* our SIGTERM is no news */
            sb_add(reason, "; ");
            describe_exit(reason, x);
        }
    } else if (x) {
        out->state = TRIAL_FAILED;
        /* the cause, when the log names it (with GPU packing, it is requeued) */
        const char *tail = in->log_tail ? in->log_tail(in->log_ctx) : NULL;
        out->oom = outcome_oom_words(tail);
        if (out->oom) sb_addf(reason, "CUDA out of memory (\"%s\" in its log); ", out->oom);
        describe_exit(reason, x);
        if (!out->oom && !x->error[0]) {
            size_t at = reason->len;
            sb_add(reason, ": ");
            if (!outcome_error_line(tail, reason)) { /* nothing in the log says why */
                reason->len = at;
                reason->buf[at] = '\0';
            }
        }
    } else {
        out->state = TRIAL_FAILED;
        if (in->have < 0) sb_addf(reason, "%s", in->read_error ? in->read_error : "unreadable");
        else if (in->our_child && WIFSIGNALED(in->wstatus))
            sb_addf(reason, "its supervisor was killed by signal %d (%s)",
                    WTERMSIG(in->wstatus), proc_signal_name(WTERMSIG(in->wstatus)));
        else sb_add(reason, "its supervisor ended without recording an exit status");
    }
    if (x && x->leftovers > 0)
        sb_addf(reason, "%s%d leftover process%s stopped", reason->len ? "; " : "",
                x->leftovers, x->leftovers == 1 ? "" : "es");
}

enum outcome_step outcome_next(const struct outcome *oc, const struct outcome_when *w)
{
    int failed = oc->state == TRIAL_FAILED;
    if (w->had_gpu && failed && oc->oom && !w->stopping && !w->oom_refused)
        return OUTCOME_OOM_REQUEUE;
    if (w->machine_lost && !w->lost_capped && !w->stop_asked && !w->stopping)
        return OUTCOME_NODE_REQUEUE;
    if (oc->state == TRIAL_PENDING)
        return w->preempted && !w->stopping ? OUTCOME_PREEMPTED : OUTCOME_INTERRUPTED;
    /* not a trainer that could not even start, nor one that would end so
     * again (diverged) */
    if (failed && !w->stopping && !oc->cannot_start && !oc->final &&
        w->retries_done < w->retries)
        return OUTCOME_RETRY;
    return OUTCOME_RECORD;
}
