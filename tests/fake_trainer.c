/* fake_trainer - a trainer for process tests.
 *
 * Every argument is recorded byte for byte: argument i goes to
 * $SWEEP_TRIAL_DIR/arg.i, and a line is appended to
 * $SWEEP_TRIAL_DIR/launches each time it starts (to count launches).
 * Arguments of the form --fake-NAME=VALUE steer it:
 *   --fake-epochs=N       print N lines "epoch=E loss=L" (default 3)
 *   --fake-sleep=S        sleep S seconds before each line
 *   --fake-exit=N         exit with N at the end
 *   --fake-signal=N       kill itself with signal N at the end
 *   --fake-fail-first=N   exit with N on the first launch only
 *   --fake-ignore-term    ignore SIGTERM
 *   --fake-term-delay=S   on SIGTERM, go on S seconds (printing nothing), then exit 143
 *   --fake-loss=X         the loss of epoch 1 (then divided by the epoch)
 *   --fake-ckpt=PATH      write the epoch to PATH after each one (a checkpoint)
 *   --fake-resume=PATH    start after the epoch written in PATH
 *   --fake-die-at=E       on the first launch only, exit 9 after epoch E
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void write_file(const char *dir, const char *name, const char *data, size_t n, int append)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0) {
        perror(path);
        exit(97);
    }
    if (write(fd, data, n) != (ssize_t)n) exit(98);
    close(fd);
}

static int count_lines(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

static double term_delay;

/* A trainer that saves a checkpoint before it exits on SIGTERM. */
static void on_term(int sig)
{
    (void)sig;
    struct timespec ts = {(time_t)term_delay,
                          (long)((term_delay - (long)term_delay) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    _exit(143);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) { /* before anything else: a stop may come early */
        if (!strcmp(argv[i], "--fake-ignore-term")) signal(SIGTERM, SIG_IGN);
        if (!strncmp(argv[i], "--fake-term-delay=", 18)) {
            term_delay = atof(argv[i] + 18);
            signal(SIGTERM, on_term);
        }
    }
    const char *dir = getenv("SWEEP_TRIAL_DIR");
    if (!dir) dir = ".";
    int epochs = 3, code = 0, sig = 0, fail_first = -1;
    double sleep_s = 0, loss = 1.0;
    const char *ckpt = NULL, *resume = NULL;
    int die_at = 0, first = 1;
    for (int i = 0; i < argc; i++) {
        char name[32];
        snprintf(name, sizeof name, "arg.%d", i);
        write_file(dir, name, argv[i], strlen(argv[i]), 0);
        const char *a = argv[i];
        if (!strncmp(a, "--fake-epochs=", 14)) epochs = atoi(a + 14);
        else if (!strncmp(a, "--fake-sleep=", 13)) sleep_s = atof(a + 13);
        else if (!strncmp(a, "--fake-exit=", 12)) code = atoi(a + 12);
        else if (!strncmp(a, "--fake-signal=", 14)) sig = atoi(a + 14);
        else if (!strncmp(a, "--fake-fail-first=", 18)) fail_first = atoi(a + 18);
        else if (!strncmp(a, "--fake-loss=", 12)) loss = atof(a + 12);
        else if (!strncmp(a, "--fake-ckpt=", 12)) ckpt = a + 12;
        else if (!strncmp(a, "--fake-resume=", 14)) resume = a + 14;
        else if (!strncmp(a, "--fake-die-at=", 14)) die_at = atoi(a + 14);
    }
    char line[64];
    int n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
    write_file(dir, "launches", line, (size_t)n, 1);
    first = count_lines(dir, "launches") == 1;
    if (fail_first >= 0 && first) {
        fprintf(stderr, "fake_trainer: failing the first launch\n");
        return fail_first;
    }
    int from = 1;
    if (resume) {
        FILE *f = fopen(resume, "r");
        if (!f || fscanf(f, "%d", &from) != 1) {
            fprintf(stderr, "fake_trainer: no checkpoint in %s\n", resume);
            return 8;
        }
        fclose(f);
        from++;
    }
    for (int e = from; e <= epochs; e++) {
        if (sleep_s > 0) {
            struct timespec ts = {(time_t)sleep_s, (long)((sleep_s - (long)sleep_s) * 1e9)};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
        }
        printf("epoch=%d loss=%.6f\n", e, loss / e);
        fflush(stdout);
        if (ckpt) {
            char num[32];
            int len = snprintf(num, sizeof num, "%d\n", e);
            int fd = open(ckpt, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || write(fd, num, (size_t)len) != len) return 97;
            close(fd);
        }
        if (die_at && e == die_at && first) return 9;
    }
    if (sig) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return code;
}
