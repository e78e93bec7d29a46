/* log.h - diagnostics of sweep itself, on stderr.
 *
 * "2026-11-26T20:31:02 info sched: message". The level is checked before the
 * message is formatted; control characters are escaped. Trial output never
 * goes here: it goes to each trial's own log file. */
#ifndef SWEEP_LOG_H
#define SWEEP_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
int log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)
#define log_warn(mod, ...) log_msg(LOG_WARN, mod, __VA_ARGS__)
#define log_info(mod, ...) \
    do { if (log_enabled(LOG_INFO)) log_msg(LOG_INFO, mod, __VA_ARGS__); } while (0)
#define log_debug(mod, ...) \
    do { if (log_enabled(LOG_DEBUG)) log_msg(LOG_DEBUG, mod, __VA_ARGS__); } while (0)

#endif
