/* serve.h - `sweep serve`: the sweeps of this machine over HTTP, for a
 * browser (the pages in serve/www/, charts by uPlot) and for scripts (the
 * JSON API of docs/api.md).
 *
 * The server is libmicrohttpd's, one thread per connection, at most
 * SERVE_MAX_CONNECTIONS of them. It only reads sweep directories it was
 * given (named, or found directly under its root, or listed in the machine
 * ledger with --machine): a URL names a sweep by its name in that table, never
 * by a path. Every store is opened read-only per request, so a running sweep
 * is never blocked. What the CLI's --json prints comes from the CLI itself
 * (struct serve_docs), so the API and `sweep status --json` cannot drift.
 *
 * Requests that change something (stop, resume, submit) need the token
 * (Authorization: Bearer TOKEN); the token is created at start in a file
 * only its owner reads. They run `sweep` itself as a helper with a fixed
 * argv (never a shell), and are recorded in the sweep's events with who
 * asked and from where. */
#ifndef SWEEP_SERVE_H
#define SWEEP_SERVE_H

#include <stddef.h>

struct sb;
struct err;

#define SERVE_MAX_CONNECTIONS 128
#define SERVE_MAX_BODY (1 << 20) /* a submitted sweep file, at most */

/* The documents the CLI prints with --json, built into out. Each returns 0,
 * or -1 with e set (e->status 2: the request was wrong, 1: the server). */
struct serve_docs {
    int (*status)(const char *dir, struct sb *out, struct err *e);
    int (*top)(const char *dir, long long n, int all_rungs, struct sb *out, struct err *e);
    int (*ps)(struct sb *out, struct err *e);
    int (*gpus)(struct sb *out, struct err *e);
    /* Checks a sweep file's text as `sweep run` would: its diagnostics,
     * "NAME:LINE:COL: message" one per line, to diags; the number of
     * errors. */
    int (*check)(const char *name, const char *text, size_t len, struct sb *diags);
};

struct serve_opts {
    const char *listen;       /* "ADDR:PORT" or "PORT"; NULL: 127.0.0.1:8765 */
    char **dirs;              /* the sweep directories named */
    size_t ndirs;
    const char *root;         /* the sweeps found directly under it, and where submitted
                                 ones go; NULL none */
    int machine;              /* also every sweep of the machine ledger */
    int read_only;            /* no token, nothing that changes anything */
    const char *token_file;   /* NULL: ~/.config/sweep/serve-token */
    const char *web_dir;      /* where uPlot was installed; NULL: SWEEP_WEB_DIR, then the
                                 build's default */
    const char *self;         /* this program, for the helpers (sweep stop, sweep run) */
    const struct serve_docs *docs;
    int quiet;
};

/* Serves until SIGINT or SIGTERM. Returns the exit status (0, or 1/2 with
 * the reason said on stderr). */
int serve_run(const struct serve_opts *o);

#endif
