/* bare_spawn - the floor for the scheduler benchmark: runs N copies of a
 * command, P at a time, with posix_spawn and waitpid and nothing else (no
 * supervisor, no log file, no parsing, no database). Prints the wall time.
 *   bare_spawn N P COMMAND [ARGS...] */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bare_spawn N P COMMAND [ARGS...]\n");
        return 2;
    }
    int n = atoi(argv[1]), p = atoi(argv[2]), started = 0, running = 0;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (started < n || running > 0) {
        while (started < n && running < p) {
            pid_t pid;
            if (posix_spawn(&pid, argv[3], &fa, NULL, argv + 3, environ) != 0) return 1;
            started++;
            running++;
        }
        if (wait(NULL) > 0) running--;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.3f\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
