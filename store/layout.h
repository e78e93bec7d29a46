/* layout.h - the on-disk layout of a sweep directory, named in one place
 * (docs/schema.md, "Files"):
 *
 *   DIR/sweep.db             the store (and its -wal, -shm)
 *   DIR/trials/NNNN/         trial N: params.json, argv.json, stdout.log,
 *                            stdout.log.attemptK (earlier attempts),
 *                            trainer.pid and exit.json (the supervisor's)
 *   DIR/stop/NNNN            a stop request for trial N (sweep stop)
 *   DIR/trials.root          executor slurm with shared_dir: one line, the
 *                            absolute directory that holds the trial
 *                            directories instead of DIR/trials (ROOT/NNNN)
 *
 * Every path comes back new (caller frees). */
#ifndef SWEEP_LAYOUT_H
#define SWEEP_LAYOUT_H

#include <stddef.h>

struct err;

char *layout_db(const char *dir);
/* DIR/trials/NNNN, or ROOT/NNNN when DIR/trials.root names ROOT. */
char *layout_trial_dir(const char *dir, long long trial);
/* Where DIR's trial directories live: DIR/trials, or DIR/trials.root's. */
char *layout_trials_root(const char *dir);
/* Makes root (absolute) the home of DIR's trial directories, in
 * DIR/trials.root (once: a sweep whose trials are elsewhere already is an
 * error that names both). */
int layout_set_trials_root(const char *dir, const char *root, struct err *e);
/* The log of a trial directory: TRIAL_DIR/stdout.log. */
char *layout_log(const char *trial_dir);
/* Keeps a finished attempt's log beside the next one: renames log to
 * log.attemptN (a missing log is fine). */
void layout_rotate_log(const char *log, int attempt);

/* Makes DIR/trials/NNNN (or ROOT/NNNN) a real directory (and DIR/trials):
 * a symbolic link at either is refused (ELOOP), never followed - a link
 * planted there would send a trial's files elsewhere. */
int layout_make_trial_dir(const char *dir, long long trial, struct err *e);
/* Writes data to the file rel under root (a trial directory), atomically (a
 * temp file, then rename). rel is relative, or absolute under root; after
 * "." and empty parts are dropped it must not climb out (".." is refused:
 * EPERM, with "outside"), and no link is followed on the way: directories
 * are created and entered with openat(O_NOFOLLOW). */
int layout_write_under(const char *root, const char *rel, const char *data, size_t len,
                       struct err *e);

/* 1 if an errno is the environment's, not a trial's: a read-only
 * filesystem, a full disk or quota, no permission, an I/O error, a file
 * size limit. Such an error of the sweep's own directory stops the sweep
 * (resumable); it is never recorded as a trial's failure. */
int layout_environmental(int code);
/* Can files be written in dir now? 0, or -1 with e (e->code the errno). */
int layout_probe(const char *dir, struct err *e);

/* Stop requests (sweep stop DIR TRIAL... while a sweep runs, or while none
 * does): a file DIR/stop/NNNN per trial. */
int layout_request_stop(const char *dir, long long trial, struct err *e);
int layout_stop_requested(const char *dir, long long trial);
void layout_stop_done(const char *dir, long long trial);

#endif
