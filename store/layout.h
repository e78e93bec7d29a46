/* layout.h - the on-disk layout of a sweep directory, named in one place
 * (docs/schema.md, "Files"):
 *
 *   DIR/sweep.db             the store (and its -wal, -shm)
 *   DIR/trials/NNNN/         trial N: params.json, argv.json, stdout.log,
 *                            stdout.log.attemptK (earlier attempts),
 *                            trainer.pid and exit.json (the supervisor's)
 *   DIR/stop/NNNN            a stop request for trial N (sweep stop)
 *
 * Every path comes back new (caller frees). */
#ifndef SWEEP_LAYOUT_H
#define SWEEP_LAYOUT_H

struct err;

char *layout_db(const char *dir);
char *layout_trial_dir(const char *dir, long long trial);
/* The log of a trial directory: TRIAL_DIR/stdout.log. */
char *layout_log(const char *trial_dir);
/* Keeps a finished attempt's log beside the next one: renames log to
 * log.attemptN (a missing log is fine). */
void layout_rotate_log(const char *log, int attempt);

/* Stop requests (sweep stop DIR TRIAL... while a sweep runs, or while none
 * does): a file DIR/stop/NNNN per trial. */
int layout_request_stop(const char *dir, long long trial, struct err *e);
int layout_stop_requested(const char *dir, long long trial);
void layout_stop_done(const char *dir, long long trial);

#endif
