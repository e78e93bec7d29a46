/* stage.h - datasets copied once per machine (stage: in the sweep file,
 * docs/config.md "Staged data"): a source directory is copied under a root
 * (a local disk or a tmpfs) before the first trial, and every trial and
 * every sweep that names the same source, unchanged, uses that copy. The
 * copies are kept in the machine ledger: who copies (one sweep; the others
 * wait for it, or take over from one that died), which sweeps use each
 * copy, and when it was last used. A changed source (a file's size or
 * modification time, a file more or less) is copied anew beside the old
 * copy, which goes once no sweep uses it. A copy that no running sweep uses
 * stays until its room is wanted by another: then the least recently used
 * go. A copy that cannot fit is refused, with the sizes. */
#ifndef SWEEP_STAGE_H
#define SWEEP_STAGE_H

#include <stddef.h>

struct ledger;
struct err;

#define STAGE_SUBDIR "stage" /* the default root: MACHINE_DIR/stage */

#include "machine/ledger.h"

/* Who stages: the sweep's process (its identity, as the ledger records
 * holders), how to prove another one alive, and where progress is said. */
struct stage_who {
    const char *dir;          /* the sweep's directory */
    long pid;
    long long pid_start;
    ledger_alive_fn alive;
    void (*say)(void *ctx, const char *line); /* NULL: quiet */
    void *ctx;
};

/* Stages source under root for the sweep w->dir: *path (new) gets the
 * copy's path. l may be NULL (no ledger: the copy is not shared, and
 * nothing is evicted). -1 with e: the source is not a readable directory,
 * the copy does not fit (the sizes said), or copying failed (nothing
 * half-made is left). */
int stage_prepare(struct ledger *l, const char *source, const char *root,
                  const struct stage_who *w, char **path, struct err *e);
/* The sweep in dir uses none any more (its end). */
int stage_release(struct ledger *l, const char *dir, struct err *e);

/* The bytes and files under a directory, and a signature of their names,
 * sizes and modification times (hex). 0 or -1 with e. */
struct stage_sig {
    long long bytes, files;
    char hex[17];
};
int stage_signature(const char *dir, struct stage_sig *sig, struct err *e);

#endif
