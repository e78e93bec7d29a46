/* dirlock.h - one writer per sweep directory.
 *
 * DIR/lock is held with flock() for as long as `sweep run` runs; it holds
 * "pid host since" so that a refused second run can say who holds it. The
 * kernel drops the lock when the holder dies, however it dies, so a stale
 * lock file is taken over without any clean-up. */
#ifndef SWEEP_DIRLOCK_H
#define SWEEP_DIRLOCK_H

struct err;

/* Takes the lock: an fd (keep it open), or -1 with an exit-2 error naming
 * the holder when another process has it. */
int dirlock_acquire(const char *dir, struct err *e);
/* 1 if a live process holds the lock (its description in who, its pid in
 * *pid when pid is not NULL), 0 if not. */
int dirlock_held(const char *dir, char *who, unsigned long whosize, long *pid);

#endif
