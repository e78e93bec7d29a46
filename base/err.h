/* err.h - how errors travel up the call stack.
 *
 * A function that can fail takes `struct err *e` as its last argument and
 * returns -1 (or NULL). err_set/err_errno fill e and return -1 so that call
 * sites read `return err_errno(e, "open %s", path);`. Only cmd_*.c print.
 *
 * e may be NULL wherever a struct err * is taken: the caller does not want
 * the message (the failure still comes back as -1 or NULL). A function that
 * copies an error into e checks for that; nothing else says it again.
 *
 * Found or not: a lookup that can also fail returns 1 (found, out filled),
 * 0 (not found) or -1 (error, e filled), as store_get_trial and
 * exec_result do; one that cannot fail returns the thing or NULL. */
#ifndef SWEEP_ERR_H
#define SWEEP_ERR_H

struct err {
    int code;       /* errno of the failure, or 0 */
    int status;     /* exit status the CLI should use: 1 runtime, 2 usage/config */
    char msg[1024]; /* human-readable, no trailing newline */
};

int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends ": strerror(errno)". */
int err_errno(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like err_set, but marks the error as the user's (exit status 2). */
int err_usage(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
