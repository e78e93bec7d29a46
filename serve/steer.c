/* steer.c - what changes something: the token, and stopping, resuming and
 * submitting sweeps. Each runs `sweep` itself with a fixed argv (sweep
 * stop, sweep resume, sweep run), never a shell, as the serving user, and
 * is recorded first in the sweep's events (kind "serve": what, from where,
 * as whom the page said, when). */
#include "serve/serve_int.h"

#include "base/err.h"
#include "base/json.h"
#include "base/spawn.h"
#include "store/dirlock.h"
#include "store/layout.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int steer_token_init(struct srv *s)
{
    unsigned char raw[32];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "sweep serve: no random bytes for the token: %s\n", strerror(errno));
            return -1;
        }
        if (n > 0) got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof raw; i++) snprintf(s->token + 2 * i, 3, "%02x", raw[i]);
    if (s->o->token_file) {
        s->token_path = xstrdup(s->o->token_file);
    } else {
        const char *home = getenv("HOME");
        if (!home || !*home) {
            fprintf(stderr, "sweep serve: HOME is not set: name the token's file with "
                            "--token-file, or serve --read-only\n");
            return -1;
        }
        char *d1 = xasprintf("%s/.config", home), *d2 = xasprintf("%s/.config/sweep", home);
        mkdir(d1, 0700);
        mkdir(d2, 0700);
        free(d1);
        s->token_path = xasprintf("%s/serve-token", d2);
        free(d2);
    }
    /* a new file each start, only its owner reads it; never through a link */
    unlink(s->token_path);
    int fd = open(s->token_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    char line[80];
    int n = snprintf(line, sizeof line, "%s\n", s->token);
    if (fd < 0 || write(fd, line, (size_t)n) != n || fchmod(fd, 0600) != 0) {
        fprintf(stderr, "sweep serve: cannot write the token to %s: %s\n", s->token_path,
                strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int steer_authorized(const struct req *r)
{
    const char *t = r->s->token;
    if (!t[0] || !r->auth || strncmp(r->auth, "Bearer ", 7) != 0) return 0;
    const char *g = r->auth + 7;
    size_t n = strlen(t);
    if (strlen(g) != n) return 0;
    unsigned char d = 0; /* the same time whatever the first wrong character */
    for (size_t i = 0; i < n; i++) d |= (unsigned char)(g[i] ^ t[i]);
    return d == 0;
}

/* "from 127.0.0.1 as "bob" (sweep serve of alice)" into b. */
static void who(const struct req *r, struct sb *b)
{
    sb_addf(b, "through sweep serve (run by %s) from %s", r->s->user, r->peer);
    if (r->as && *r->as) {
        struct sb v;
        sb_init(&v);
        sb_add_visible(&v, r->as);
        sb_addf(b, ", as \"%.64s\"", sb_str(&v));
        sb_release(&v);
    }
}

/* 1 if dir's store holds a sweep already (sweep run writes its schema and
 * its sweep row after it takes the lock: a writer opening the file before
 * that would make the schema under it). */
static int has_sweep(const char *dir)
{
    char *db = layout_db(dir);
    struct store *st = store_open_ro(db, NULL);
    free(db);
    struct store_sweep w = {0};
    int ok = st && store_get_sweep(st, &w, NULL) == 0;
    store_sweep_release(&w);
    if (st) store_close(st);
    return ok;
}

static int record(const char *dir, long long trial, const char *what, const struct req *r,
                  struct err *e)
{
    if (!has_sweep(dir)) return err_usage(e, "%s holds no sweep", dir);
    char *db = layout_db(dir);
    if (access(db, W_OK) != 0) { /* another user's sweep: only its owner changes it */
        free(db);
        err_usage(e, "%s cannot change this sweep (its store is not writable by this user): "
                     "only its owner can", r->s->user);
        e->status = 3;
        return -1;
    }
    struct store *st = store_open(db, 0, e);
    free(db);
    if (!st) return -1;
    struct sb d;
    sb_init(&d);
    sb_addf(&d, "%s asked ", what);
    who(r, &d);
    int rc = store_event(st, trial, "serve", sb_str(&d), e);
    sb_release(&d);
    store_close(st);
    return rc;
}

void steer_stop(struct req *r, const struct served *w, long long trial, struct resp *p)
{
    struct err e = {0};
    char what[64] = "stop of the sweep";
    if (trial >= 0) snprintf(what, sizeof what, "stop of trial %lld", trial);
    if (record(w->dir, trial, what, r, &e)) {
        resp_error(p, e.status == 3 ? 403 : 500, "%s", e.msg);
        return;
    }
    char num[24];
    snprintf(num, sizeof num, "%lld", trial);
    char *argv[] = {(char *)r->s->o->self, "stop", w->dir, trial >= 0 ? num : NULL, NULL};
    char *out = NULL;
    int status = -1;
    int rc = spawn_run(argv, NULL, 120, &out, &status, &e);
    sb_reset(&p->body);
    sb_addf(&p->body, "{\"ok\": %s, \"exit_status\": %d, \"output\": ",
            rc == 0 && status == 0 ? "true" : "false", status);
    json_quote(&p->body, out ? out : e.msg);
    sb_add(&p->body, "}\n");
    resp_json(p, rc == 0 && status == 0 ? 200 : status == 2 ? 404 : 500);
    free(out);
}

/* Starts argv detached (its own session, stdin /dev/null, stdout and
 * stderr appended to log, cwd), not waited for: a grandchild, so that no
 * zombie is left. -1 if the fork failed. */
static int detach(char *const argv[], const char *log, const char *cwd)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        setsid();
        if (fork() != 0) _exit(0);
        int in = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0644);
        if (in < 0 || out < 0 || (cwd && chdir(cwd) != 0)) _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        for (int fd = 3; fd < 1024; fd++) close(fd);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

/* Waits up to 10 s for dir's sweep to hold its lock and have written its
 * store; 1 if it does. */
static int came_up(const char *dir)
{
    for (int i = 0; i < 200; i++) {
        if (dirlock_held(dir, NULL, 0, NULL) && has_sweep(dir)) return 1;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* 500: what did not start, with the end of what it said in log. */
static void not_started(struct resp *p, const char *what, const char *log)
{
    size_t n = 0;
    char *text = util_read_file(log, &n, NULL);
    const char *t = text ? text : "";
    if (n > 4000) t += n - 4000;
    sb_reset(&p->body);
    sb_addf(&p->body, "{\"error\": \"%s did not start\", \"output\": ", what);
    json_quote(&p->body, t);
    sb_add(&p->body, "}\n");
    resp_json(p, 500);
    free(text);
}

void steer_resume(struct req *r, const struct served *w, struct resp *p)
{
    struct err e = {0};
    if (dirlock_held(w->dir, NULL, 0, NULL)) {
        resp_error(p, 409, "the sweep %s is running already", w->name);
        return;
    }
    if (record(w->dir, -1, "resume of the sweep", r, &e)) {
        resp_error(p, e.status == 3 ? 403 : 500, "%s", e.msg);
        return;
    }
    char *log = xasprintf("%s/serve.log", w->dir);
    char *argv[] = {(char *)r->s->o->self, "resume", "-q", w->dir, NULL};
    if (detach(argv, log, NULL)) resp_error(p, 500, "cannot start sweep resume: %s", strerror(errno));
    else if (!came_up(w->dir)) not_started(p, "sweep resume", log);
    else {
        sb_reset(&p->body);
        sb_add(&p->body, "{\"ok\": true, \"name\": ");
        json_quote(&p->body, w->name);
        sb_add(&p->body, "}\n");
        resp_json(p, 200);
    }
    free(log);
}

void steer_submit(struct req *r, struct resp *p)
{
    struct srv *s = r->s;
    const char *name = r->arg(r, "name");
    if (!s->root) {
        resp_error(p, 403, "this server takes no submissions: start it with --root DIR");
        return;
    }
    if (!name || !serve_name_ok(name) || name[0] == '.') {
        resp_error(p, 400, "name the sweep (?name=NAME): letters, digits, '.', '_' and '-', not "
                           "starting with '.'");
        return;
    }
    char *file = xasprintf("%s.yaml", name);
    struct sb diags;
    sb_init(&diags);
    int nerr = s->o->docs->check(file, r->body ? r->body : "", r->body_len, &diags);
    if (nerr) {
        sb_reset(&p->body);
        sb_addf(&p->body, "{\"error\": \"%s has %d error%s\", \"diagnostics\": ", file, nerr,
                nerr == 1 ? "" : "s");
        json_quote(&p->body, sb_str(&diags));
        sb_add(&p->body, "}\n");
        resp_json(p, 422);
        goto out;
    }
    char *dir = xasprintf("%s/%s", s->root, name);
    char *sub = xasprintf("%s/.submitted", s->root);
    char *path = xasprintf("%s/%s", sub, file);
    char *log = xasprintf("%s/%s.log", sub, name);
    struct stat sbuf;
    struct err e = {0};
    mkdir(sub, 0700);
    if (lstat(dir, &sbuf) == 0) resp_error(p, 409, "%s exists already under the root", name);
    else if (util_write_atomic(path, r->body ? r->body : "", r->body_len, &e))
        resp_error(p, 500, "%s", e.msg);
    else {
        char *argv[] = {(char *)s->o->self, "run", "-q", path, "-d", dir, NULL};
        if (detach(argv, log, s->root)) resp_error(p, 500, "cannot start sweep run");
        else if (!came_up(dir)) not_started(p, "sweep run", log);
        else {
            record(dir, -1, "submission of this sweep", r, &e);
            sweeps_refresh(s);
            const struct served *w = sweeps_find(s, name);
            sb_reset(&p->body);
            sb_add(&p->body, "{\"ok\": true, \"name\": ");
            json_quote(&p->body, w ? w->name : name);
            sb_add(&p->body, ", \"dir\": ");
            json_quote(&p->body, dir);
            sb_add(&p->body, "}\n");
            resp_json(p, 201);
        }
    }
    free(dir);
    free(sub);
    free(path);
    free(log);
out:
    sb_release(&diags);
    free(file);
}
