/* http.c - the server itself (serve.h): libmicrohttpd started on a loopback
 * address unless told otherwise, one request read whole (a bounded body),
 * handed to route(), answered with the headers every answer carries. */
#include "serve/serve_int.h"

#include "base/err.h"
#include "base/json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PORT 8765

/* One connection's request, from the raw URI (MHD's log callback) to its end. */
struct conn {
    char *raw;          /* the URI as sent, before any decoding */
    struct sb body;
    int too_big;
    int called;         /* the handler's first call (the headers) is over */
};

void resp_json(struct resp *p, int status)
{
    p->status = status;
    p->type = "application/json; charset=utf-8";
}

void resp_error(struct resp *p, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sb_reset(&p->body);
    sb_add(&p->body, "{\"error\": ");
    json_quote(&p->body, msg);
    sb_add(&p->body, "}\n");
    resp_json(p, status);
}

static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    struct conn *k = xcalloc(1, sizeof *k);
    k->raw = xstrdup(uri);
    sb_init(&k->body);
    return k;
}

static void done(void *cls, struct MHD_Connection *c, void **con_cls,
                 enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    struct conn *k = *con_cls;
    if (!k) return;
    free(k->raw);
    sb_release(&k->body);
    free(k);
    *con_cls = NULL;
}

static const char *arg_of(const struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A DNS-rebinding page would reach a loopback server under its own host
 * name: on loopback, only loopback names are answered. */
static int host_ok(const struct srv *s, struct MHD_Connection *c)
{
    if (!s->loopback) return 1;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!h) return 0;
    size_t n = strcspn(h, ":");
    if (h[0] == '[') n = strcspn(h, "]") + 1;
    return (n == 9 && strncmp(h, "localhost", 9) == 0) ||
           (n == 9 && strncmp(h, "127.0.0.1", 9) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0);
}

static enum MHD_Result answer(struct MHD_Connection *c, struct resp *p)
{
    const void *data = p->data ? p->data : p->file_data ? p->file_data : p->body.buf;
    size_t len = p->data || p->file_data ? p->data_len : p->body.len;
    struct MHD_Response *m =
        MHD_create_response_from_buffer(len, (void *)(data ? data : ""), MHD_RESPMEM_MUST_COPY);
    if (!m) return MHD_NO;
    MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE,
                            p->type ? p->type : "text/plain; charset=utf-8");
    MHD_add_response_header(m, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(m, "X-Frame-Options", "DENY");
    MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(m, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)p->status, m);
    MHD_destroy_response(m);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)url;
    struct srv *s = cls;
    struct conn *k = *con_cls;
    if (!k) return MHD_NO;
    if (!k->called) { /* the headers only: the body, if any, comes next */
        k->called = 1;
        return MHD_YES;
    }
    if (*upload_size) { /* a body, in pieces: kept up to SERVE_MAX_BODY */
        if (k->body.len + *upload_size > SERVE_MAX_BODY) k->too_big = 1;
        else sb_addn(&k->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    struct resp p = {.status = 200};
    sb_init(&p.body);
    char path[2048];
    size_t plen = strcspn(k->raw, "?");
    if (k->too_big) resp_error(&p, 413, "the request's body is over %d bytes", SERVE_MAX_BODY);
    else if (!host_ok(s, c)) resp_error(&p, 421, "this server answers only to localhost");
    else if (plen >= sizeof path) resp_error(&p, 414, "the path is too long");
    else {
        memcpy(path, k->raw, plen); /* undecoded: a '%' in a path is refused by route() */
        path[plen] = '\0';
        char peer[INET6_ADDRSTRLEN] = "?";
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer, sizeof peer);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, peer,
                          sizeof peer);
        }
        struct req r = {.s = s, .method = method, .path = path, .body = k->body.buf,
                        .body_len = k->body.len, .peer = peer, .arg = arg_of, .conn = c};
        r.auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        r.as = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Sweep-User");
        route(&r, &p);
    }
    enum MHD_Result rc = answer(c, &p);
    sb_release(&p.body);
    free(p.file_data);
    return rc;
}

/* "ADDR:PORT", "[V6]:PORT" or "PORT" into sa; -1 if it is none of them. */
static int parse_listen(const char *l, struct sockaddr_storage *sa, int *loopback)
{
    char host[128] = "127.0.0.1";
    const char *port = l;
    const char *colon = strrchr(l, ':');
    if (colon) {
        size_t n = (size_t)(colon - l);
        if (n == 0 || n >= sizeof host) return -1;
        memcpy(host, l, n);
        host[n] = '\0';
        port = colon + 1;
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535) return -1;
    memset(sa, 0, sizeof *sa);
    size_t hn = strlen(host);
    if (host[0] == '[' && hn > 2 && host[hn - 1] == ']') {
        host[hn - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)sa;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)p);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1) return -1;
        *loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
        return 0;
    }
    if (strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
    struct sockaddr_in *a = (struct sockaddr_in *)sa;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)p);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) return -1;
    *loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    return 0;
}

/* uPlot's files, where npm put them (node_modules/uplot/dist). */
static char *find_web(const struct serve_opts *o)
{
    const char *env = getenv("SWEEP_WEB_DIR");
    const char *cands[] = {o->web_dir, env && *env ? env : NULL, SWEEP_WEB_DIR};
    for (size_t i = 0; i < 3; i++) {
        if (!cands[i]) continue;
        char *d = xasprintf("%s/node_modules/uplot/dist", cands[i]);
        char *f = xasprintf("%s/uPlot.iife.min.js", d);
        int there = access(f, R_OK) == 0;
        free(f);
        if (there) return d;
        free(d);
    }
    return NULL;
}

static int init(struct srv *s, const struct serve_opts *o)
{
    memset(s, 0, sizeof *s);
    s->o = o;
    pthread_mutex_init(&s->lock, NULL);
    struct passwd *pw = getpwuid(getuid());
    snprintf(s->user, sizeof s->user, "%s", pw ? pw->pw_name : "?");
    if (o->root) {
        s->root = realpath(o->root, NULL);
        if (!s->root) {
            fprintf(stderr, "sweep serve: --root %s: %s\n", o->root, strerror(errno));
            return 2;
        }
    }
    for (size_t i = 0; i < o->ndirs; i++) {
        char *db = xasprintf("%s/sweep.db", o->dirs[i]);
        int ok = access(db, R_OK) == 0;
        free(db);
        if (!ok) {
            fprintf(stderr, "sweep serve: %s is not a sweep directory (no sweep.db)\n", o->dirs[i]);
            return 2;
        }
    }
    if (!o->read_only && steer_token_init(s)) return 1;
    s->web_dir = find_web(o);
    sweeps_refresh(s);
    return 0;
}

int serve_run(const struct serve_opts *o)
{
    struct srv s;
    struct sockaddr_storage sa;
    int loopback = 0;
    char deflisten[32];
    snprintf(deflisten, sizeof deflisten, "127.0.0.1:%d", DEFAULT_PORT);
    const char *listen = o->listen ? o->listen : deflisten;
    if (parse_listen(listen, &sa, &loopback)) {
        fprintf(stderr, "sweep serve: --listen %s: expected ADDR:PORT ([ADDR]:PORT for IPv6) or "
                        "PORT\n", listen);
        return 2;
    }
    int rc = init(&s, o);
    if (rc) return rc;
    s.loopback = loopback;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(SERVE_MAX_CONNECTIONS / 2),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "sweep serve: cannot listen on %s: %s\n", listen,
                errno ? strerror(errno) : "refused");
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : 0;
    char host[INET6_ADDRSTRLEN + 2] = "127.0.0.1";
    if (sa.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof host);
    else {
        char h6[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, h6, sizeof h6);
        snprintf(host, sizeof host, "[%s]", h6);
    }
    if (!loopback)
        fprintf(stderr, "sweep serve: WARNING: listening on %s, reachable from other machines: "
                        "anyone who can reach it reads every sweep it serves%s\n",
                host, o->read_only ? "" : " (changes still need the token)");
    printf("serving %zu sweep%s on http://%s:%u/\n", s.nsweeps, s.nsweeps == 1 ? "" : "s", host,
           port);
    if (o->read_only) printf("read-only: nothing can be stopped, resumed or submitted\n");
    else printf("token (for stop, resume, submit) in %s\n", s.token_path);
    if (!s.web_dir)
        printf("uPlot is not installed, so the pages show tables without charts: "
               "npm install --prefix %s uplot@1.6.32\n", SWEEP_WEB_DIR);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    if (!o->quiet) fprintf(stderr, "sweep serve: stopped (%s)\n", strsignal(sig));
    sweeps_release(&s);
    free(s.web_dir);
    free(s.root);
    free(s.token_path);
    pthread_mutex_destroy(&s.lock);
    return 0;
}
