/* log.h - diagnostics of sweep itself, on stderr: what goes wrong beside
 * the work (nvidia-smi failing, a signal that could not be sent), which the
 * caller cannot return as an error.
 *
 * "2026-11-26T20:31:02 warn run: message"; control characters are escaped.
 * Trial output never goes here: it goes to each trial's own log file. What
 * the run loop tells a person goes through its observer (sweep/run/run.h). */
#ifndef SWEEP_LOG_H
#define SWEEP_LOG_H

enum log_level { LOG_ERROR, LOG_WARN };

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)
#define log_warn(mod, ...) log_msg(LOG_WARN, mod, __VA_ARGS__)

#endif
