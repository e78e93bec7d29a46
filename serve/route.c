/* route.c - which URL is what (docs/api.md). A path is refused before
 * anything else when it is not made of plain names: no '%' (so no encoded
 * slash, dot or NUL), no "..", no empty segment, no backslash. A sweep is
 * named by its name in the table of served sweeps, never by a path. */
#include "serve/serve_int.h"

#include "base/err.h"
#include "base/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 8

static int split(struct req *r, char *buf, size_t size, char **segs)
{
    const char *p = r->path;
    if (p[0] != '/' || strlen(p) >= size) return -1;
    strcpy(buf, p + 1);
    size_t n = 0, len = strlen(buf);
    if (len && buf[len - 1] == '/') buf[--len] = '\0'; /* "/api/sweeps/" as "/api/sweeps" */
    if (!len) {
        r->seg = segs;
        r->nseg = 0;
        return 0;
    }
    for (char *s = buf;;) {
        char *slash = strchr(s, '/');
        if (slash) *slash = '\0';
        if (n == MAX_SEGS || !serve_name_ok(s)) return -1;
        segs[n++] = s;
        if (!slash) break;
        s = slash + 1;
    }
    r->seg = segs;
    r->nseg = n;
    return 0;
}

static int is(const struct req *r, size_t i, const char *word)
{
    return i < r->nseg && strcmp(r->seg[i], word) == 0;
}

static void page(struct resp *p, const char *name)
{
    const char *type;
    p->data = www_file(name, &p->data_len, &type);
    if (!p->data) {
        resp_error(p, 404, "no such page");
        return;
    }
    p->type = type;
}

static void uplot(struct req *r, struct resp *p, const char *file, const char *type)
{
    if (!r->s->web_dir) {
        resp_error(p, 404, "uPlot is not installed (README: npm install --prefix ... uplot)");
        return;
    }
    char *path = xasprintf("%s/%s", r->s->web_dir, file);
    p->file_data = util_read_file(path, &p->data_len, NULL);
    free(path);
    if (!p->file_data) resp_error(p, 404, "cannot read uPlot's %s", file);
    else p->type = type;
}

static int num_arg(const struct req *r, const char *name, double *v)
{
    const char *s = r->arg(r, name);
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || errno) return -1;
    *v = x;
    return 1;
}

static void fail(struct resp *p, const struct err *e)
{
    resp_error(p, e->status == 2 ? 404 : 500, "%s", e->msg[0] ? e->msg : "failed");
}

/* GET /api/sweeps/NAME/WHAT[/ID] */
static void sweep_doc(struct req *r, struct resp *p, const char *dir)
{
    struct err e = {0};
    const struct serve_docs *d = r->s->o->docs;
    const char *what = r->nseg > 3 ? r->seg[3] : "status";
    double n = 0, since = 0, trial = -1;
    if (num_arg(r, "n", &n) < 0 || num_arg(r, "since", &since) < 0 ||
        num_arg(r, "trial", &trial) < 0 || n < 0) {
        resp_error(p, 400, "n, since and trial are numbers");
        return;
    }
    int rc;
    if (r->nseg == 3 || (r->nseg == 4 && !strcmp(what, "status")))
        rc = d->status(dir, &p->body, &e);
    else if (r->nseg == 4 && !strcmp(what, "top"))
        rc = d->top(dir, (long long)n, r->arg(r, "all_rungs") != NULL, &p->body, &e);
    else if (r->nseg == 4 && !strcmp(what, "trials")) rc = doc_trials(dir, &p->body, &e);
    else if (r->nseg == 4 && !strcmp(what, "tick")) rc = doc_tick(dir, since, &p->body, &e);
    else if (r->nseg == 4 && !strcmp(what, "curves"))
        rc = doc_curves(dir, r->arg(r, "metric"), since, r->arg(r, "trials"), &p->body, &e);
    else if (r->nseg == 4 && !strcmp(what, "metrics") && trial >= 0)
        rc = doc_metric_names(dir, (long long)trial, &p->body, &e);
    else if (r->nseg == 4 && !strcmp(what, "events"))
        rc = doc_events(dir, (long long)trial, n > 0 && n < 10000 ? (int)n : 200, &p->body, &e);
    else if (r->nseg == 5 && !strcmp(what, "trials")) {
        char *end;
        long long id = strtoll(r->seg[4], &end, 10);
        if (*end || id < 0) {
            resp_error(p, 404, "no trial %s", r->seg[4]);
            return;
        }
        rc = doc_trial(dir, id, &p->body, &e);
    } else {
        resp_error(p, 404, "no such document");
        return;
    }
    if (rc) fail(p, &e);
    else resp_json(p, 200);
}

/* The sweep the URL names, copied (the table may be rebuilt meanwhile). */
static int lookup(struct req *r, struct served *out)
{
    const struct served *w = sweeps_find(r->s, r->seg[2]);
    if (!w) { /* one that appeared under the root since */
        sweeps_refresh(r->s);
        w = sweeps_find(r->s, r->seg[2]);
    }
    if (!w) return -1;
    out->name = xstrdup(w->name);
    out->dir = xstrdup(w->dir);
    return 0;
}

static void api_info(struct req *r, struct resp *p)
{
    struct srv *s = r->s;
    sb_add(&p->body, "{\"version\": ");
    json_quote(&p->body, SWEEP_VERSION);
    sb_add(&p->body, ", \"user\": ");
    json_quote(&p->body, s->user);
    sb_addf(&p->body, ", \"read_only\": %s, \"submit\": %s, \"machine\": %s, \"charts\": %s}\n",
            s->o->read_only ? "true" : "false", s->root && !s->o->read_only ? "true" : "false",
            s->o->machine ? "true" : "false", s->web_dir ? "true" : "false");
    resp_json(p, 200);
}

static void get(struct req *r, struct resp *p)
{
    struct srv *s = r->s;
    struct err e = {0};
    if (r->nseg == 0 || is(r, 0, "s") || is(r, 0, "compare") || is(r, 0, "machine"))
        page(p, "index.html");
    else if (r->nseg == 1 && (is(r, 0, "app.js") || is(r, 0, "charts.js") || is(r, 0, "sweep.js") ||
                              is(r, 0, "app.css")))
        page(p, r->seg[0]);
    else if (r->nseg == 1 && is(r, 0, "uplot.js")) uplot(r, p, "uPlot.iife.min.js", "text/javascript");
    else if (r->nseg == 1 && is(r, 0, "uplot.css")) uplot(r, p, "uPlot.min.css", "text/css");
    else if (!is(r, 0, "api")) resp_error(p, 404, "no such page");
    else if (r->nseg == 1) api_info(r, p);
    else if (r->nseg == 2 && is(r, 1, "sweeps")) {
        pthread_mutex_lock(&s->lock);
        sweeps_refresh(s);
        sweeps_list_json(s, &p->body);
        pthread_mutex_unlock(&s->lock);
        resp_json(p, 200);
    } else if (r->nseg == 2 && (is(r, 1, "machine") || is(r, 1, "gpus"))) {
        int rc = is(r, 1, "machine") ? s->o->docs->ps(&p->body, &e) : s->o->docs->gpus(&p->body, &e);
        if (rc) fail(p, &e);
        else resp_json(p, 200);
    } else if (r->nseg >= 3 && r->nseg <= 5 && is(r, 1, "sweeps")) {
        /* the table under the lock; the documents in parallel (each opens
         * its own read-only connection; a page asks several at once) */
        struct served w;
        pthread_mutex_lock(&s->lock);
        int found = lookup(r, &w) == 0;
        pthread_mutex_unlock(&s->lock);
        if (!found) resp_error(p, 404, "no sweep %s is served here", r->seg[2]);
        else {
            sweep_doc(r, p, w.dir);
            free(w.name);
            free(w.dir);
        }
    } else resp_error(p, 404, "no such document");
}

static void post(struct req *r, struct resp *p)
{
    struct srv *s = r->s;
    if (s->o->read_only) {
        resp_error(p, 403, "this server is read-only");
        return;
    }
    if (!steer_authorized(r)) {
        resp_error(p, 401, "this needs the token (Authorization: Bearer TOKEN; it is in %s)",
                   s->token_path);
        return;
    }
    if (r->nseg == 2 && is(r, 0, "api") && is(r, 1, "submit")) {
        pthread_mutex_lock(&s->lock); /* one submission at a time: names are taken */
        steer_submit(r, p);
        pthread_mutex_unlock(&s->lock);
        return;
    }
    int stop_sweep = r->nseg == 4 && is(r, 3, "stop"), resume = r->nseg == 4 && is(r, 3, "resume");
    int stop_trial = r->nseg == 6 && is(r, 3, "trials") && is(r, 5, "stop");
    if (!is(r, 0, "api") || !is(r, 1, "sweeps") || !(stop_sweep || resume || stop_trial)) {
        resp_error(p, 404, "nothing to do at %s", r->path);
        return;
    }
    struct served w;
    pthread_mutex_lock(&s->lock);
    int found = lookup(r, &w) == 0;
    pthread_mutex_unlock(&s->lock);
    if (!found) {
        resp_error(p, 404, "no sweep %s is served here", r->seg[2]);
        return;
    }
    long long trial = -1;
    if (stop_trial) {
        char *end;
        trial = strtoll(r->seg[4], &end, 10);
        if (*end || trial < 0) trial = -2;
    }
    if (trial == -2) resp_error(p, 404, "no trial %s", r->seg[4]);
    else if (resume) steer_resume(r, &w, p);
    else steer_stop(r, &w, trial, p);
    free(w.name);
    free(w.dir);
}

void route(struct req *r, struct resp *p)
{
    char buf[2048];
    char *segs[MAX_SEGS];
    if (strpbrk(r->path, "%\\") || strstr(r->path, "//") || split(r, buf, sizeof buf, segs)) {
        resp_error(p, 400, "refused path: only plain names separated by '/'");
        return;
    }
    if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) get(r, p);
    else if (!strcmp(r->method, "POST")) post(r, p);
    else resp_error(p, 405, "only GET and POST");
}
