/* ultralog.c - writes an Ultralytics console log of about SIZE MB to stdout,
 * for bench/ingest.sh: the shapes of tests/fixtures/ultralytics-8.1-console.log
 * (header, tqdm train rows rewritten with '\r' each batch, the validation
 * bar, the 'all' row), 200 batches and 20 validation batches an epoch,
 * values varying, as many epochs as it takes.
 *
 *   ultralog SIZE_MB > train.log */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: ultralog SIZE_MB\n", stderr);
        return 2;
    }
    long long want = atoll(argv[1]) * 1000000LL, wrote = 0;
    const char *bar = "██████████";
    int epochs = 1;
    while (wrote < want) { /* size an epoch first: count its bytes */
        epochs++;
        wrote += 200 * 150 + 20 * 150 + 300;
    }
    wrote = 0;
    unsigned seed = 1;
    for (int e = 1; e <= epochs && wrote < want; e++) {
        wrote += printf("\n%11s%11s%11s%11s%11s%11s%11s\n", "Epoch", "GPU_mem", "box_loss",
                        "cls_loss", "dfl_loss", "Instances", "Size");
        for (int b = 1; b <= 200; b++) {
            seed = seed * 1103515245u + 12345u;
            double j = (seed >> 16) % 1000 / 1e5;
            int full = b * 10 / 200;
            char ep[32];
            snprintf(ep, sizeof ep, "%d/%d", e, epochs);
            wrote += printf("\r%11s%11s%11.4g%11.4g%11.4g%11d%11d: %3d%%|%.*s%*s| %d/200 "
                            "[00:%02d<00:%02d,  3.21it/s]",
                            ep, "6.73G", 1.5 - e * 1e-4 + j, 2.9 - e * 2e-4 + j,
                            1.3 - e * 1e-4 + j, 10 + b % 7, 640, b * 100 / 200, full * 3, bar,
                            10 - full, "", b, b % 60, (200 - b) % 60);
        }
        wrote += printf("\n");
        for (int b = 1; b <= 20; b++)
            wrote += printf("\r%22s%11s%11s%11s%11s%11s%11s: %3d%%|%.*s%*s| %d/20 [00:%02d<00:00, "
                            " 2.17it/s]",
                            "Class", "Images", "Instances", "Box(P", "R", "mAP50", "mAP50-95)",
                            b * 5, (b / 2) * 3, bar, 10 - b / 2, "", b, b);
        wrote += printf("\n%22s%11d%11d%11.3g%11.3g%11.3g%11.3g\n", "all", 722, 1444,
                        0.5 + e * 1e-5, 0.4 + e * 1e-5, 0.45 + e * 1e-5, 0.3 + e * 1e-5);
    }
    return 0;
}
