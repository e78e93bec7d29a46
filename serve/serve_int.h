/* serve_int.h - what the files of serve/ share: the server, one request,
 * the table of served sweeps. Lowest first: http.c (libmicrohttpd, the
 * answer, the static files), sweeps.c (which sweeps are served, under which
 * names), docs.c (the documents of one sweep that the CLI has no --json
 * for: trials, curves, tick, events, one trial), steer.c (the token, stop,
 * resume, submit), route.c (which URL is what) on top. */
#ifndef SWEEP_SERVE_INT_H
#define SWEEP_SERVE_INT_H

#include "base/util.h"
#include "serve/serve.h"

#include <pthread.h>

struct served {
    char *name;   /* in URLs: [A-Za-z0-9._-], unique */
    char *dir;    /* the sweep directory */
};

struct srv {
    const struct serve_opts *o;
    pthread_mutex_t lock;   /* the table of served sweeps, and one submission at a time */
    char token[65];         /* hex; "" when read-only */
    char *token_path;
    char *web_dir;          /* uPlot's dist/, or NULL when it is not installed */
    char *root;             /* realpath of o->root, or NULL */
    struct served *sweeps;  /* under lock */
    size_t nsweeps;
    char user[64];          /* who serves */
    int loopback;           /* listening on a loopback address: only loopback Host headers */
};

struct req {
    struct srv *s;
    const char *method;
    const char *path;              /* decoded; checked by route.c */
    char **seg;                    /* its segments */
    size_t nseg;
    const char *body;
    size_t body_len;
    const char *peer;              /* "127.0.0.1" */
    const char *auth;              /* the Authorization header, or NULL */
    const char *as;                /* the X-Sweep-User header (who the page says asks), or NULL */
    const char *(*arg)(const struct req *r, const char *name); /* a query argument or NULL */
    void *conn;
};

struct resp {
    int status;
    const char *type;              /* Content-Type */
    struct sb body;
    const void *data;              /* static bytes instead of body (not freed) */
    size_t data_len;
    char *file_data;               /* a file's bytes (freed) */
};

/* http.c */
void resp_json(struct resp *p, int status);          /* body already holds JSON */
void resp_error(struct resp *p, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));           /* {"error": "..."} */
/* An embedded file of serve/www (www.c, generated), or NULL. */
const unsigned char *www_file(const char *name, size_t *len, const char **type);

/* sweeps.c */
void sweeps_refresh(struct srv *s);                  /* under lock */
void sweeps_release(struct srv *s);
const struct served *sweeps_find(struct srv *s, const char *name);
int sweeps_list_json(struct srv *s, struct sb *out);
/* A name for a sweep directory: its last component, [A-Za-z0-9._-] only. */
char *sweeps_name_of(const char *dir);
int serve_name_ok(const char *name);                 /* [A-Za-z0-9._-]+, not . or .. */

/* docs.c */
int doc_trials(const char *dir, struct sb *out, struct err *e);
int doc_trial(const char *dir, long long id, struct sb *out, struct err *e);
int doc_curves(const char *dir, const char *metric, double since, const char *trials,
               struct sb *out, struct err *e);
int doc_tick(const char *dir, double since, struct sb *out, struct err *e);
int doc_metric_names(const char *dir, long long trial, struct sb *out, struct err *e);
int doc_events(const char *dir, long long trial, int n, struct sb *out, struct err *e);

/* steer.c */
int steer_token_init(struct srv *s);                 /* -1: said why */
int steer_authorized(const struct req *r);           /* the right token in the header */
void steer_stop(struct req *r, const struct served *w, long long trial, struct resp *p);
void steer_resume(struct req *r, const struct served *w, struct resp *p);
void steer_submit(struct req *r, struct resp *p);

/* route.c */
void route(struct req *r, struct resp *p);

#endif
