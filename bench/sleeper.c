/* sleeper - the benchmark trainer: prints "step=I loss=X" five times,
 * sleeping 0.04 s before each line (0.2 s in all), and exits 0. */
#include <stdio.h>
#include <time.h>

int main(void)
{
    for (int i = 1; i <= 5; i++) {
        struct timespec ts = {0, 40000000};
        nanosleep(&ts, NULL);
        printf("step=%d loss=%.4f\n", i, 1.0 / i);
        fflush(stdout);
    }
    return 0;
}
