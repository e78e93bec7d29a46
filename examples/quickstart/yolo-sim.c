/* yolo-sim.c - a simulated YOLO trainer for examples, tests and benchmarks
 * where there is no GPU. Prints what ../shared/reference/surrogate-trainer.md
 * specifies, one flushed line per epoch.
 *
 *   yolo-sim --lr0 F --momentum F --weight_decay F --batch N --model {n,s,m,l,x}
 *            --epochs N --seed N [--epoch-seconds F] [--mem-report] [--gpu-mem-limit GB]
 *            [--ckpt FILE] [--resume FILE]
 *
 * --ckpt FILE writes the number of the last finished epoch to FILE (a
 * stand-in for a checkpoint); --resume FILE starts after the epoch in FILE,
 * so that successive halving can continue a trial instead of restarting it.
 * The curve is the surrogate's for --epochs, whichever epoch it starts at.
 *
 * Options may be written --name value, --name=value or name=value (the
 * forms of W&B's ${args} and ${args_no_hyphens}). */
#include "surrogate.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void)
{
    fprintf(stderr, "usage: yolo-sim --lr0 F --momentum F --weight_decay F --batch N "
                    "--model {n,s,m,l,x} --epochs N --seed N [--epoch-seconds F] [--mem-report] "
                    "[--gpu-mem-limit GB] [--ckpt FILE] [--resume FILE] [--imgsz N]\n"
                    "  --imgsz N: the image size (32-2048; not in the reference formula): mAP\n"
                    "  scaled by (N/640)^0.15, and at the end a line of the speed per image,\n"
                    "  speed epoch=E preprocess_ms=P inference_ms=I postprocess_ms=Q,\n"
                    "  inference growing with the model and with N^2\n");
}

static int bad(const char *name, const char *value)
{
    fprintf(stderr, "yolo-sim: invalid value for %s: '%s'\n", name, value);
    usage();
    return 2;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return *s && !*end && !errno && isfinite(*out);
}

static int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(s, &end, 10);
    return *s && !*end && !errno;
}

int main(int argc, char **argv)
{
    struct surrogate_cfg c = {0.01, 0.937, 5e-4, 16, 'n', 50, 0};
    double epoch_seconds = 0, mem_limit = 0;
    long imgsz = 0; /* 0: not given, the reference output exactly */
    int mem_report = 0;
    const char *ckpt = NULL, *resume = NULL;
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i], *name, *value = NULL;
        char buf[256];
        if (!strncmp(arg, "--", 2)) name = arg + 2;
        else if (strchr(arg, '=')) name = arg;
        else {
            fprintf(stderr, "yolo-sim: unexpected argument '%s'\n", arg);
            usage();
            return 2;
        }
        snprintf(buf, sizeof buf, "%s", name);
        char *eq = strchr(buf, '=');
        if (eq) {
            *eq = '\0';
            value = name + (eq - buf) + 1;
        }
        name = buf;
        for (char *p = name; *p; p++)
            if (*p == '-') *p = '_';
        if (!strcmp(name, "mem_report")) {
            mem_report = 1;
            continue;
        }
        if (!value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "yolo-sim: %s needs a value\n", arg);
                return 2;
            }
            value = argv[++i];
        }
        long lv;
        if (!strcmp(name, "lr0")) {
            if (!parse_double(value, &c.lr0) || !(c.lr0 > 0)) return bad(name, value);
        } else if (!strcmp(name, "momentum")) {
            if (!parse_double(value, &c.momentum) || !(c.momentum >= 0 && c.momentum < 1))
                return bad(name, value);
        } else if (!strcmp(name, "weight_decay")) {
            if (!parse_double(value, &c.weight_decay) || !(c.weight_decay > 0))
                return bad(name, value);
        } else if (!strcmp(name, "batch")) {
            if (!parse_long(value, &c.batch) || c.batch < 1) return bad(name, value);
        } else if (!strcmp(name, "model")) {
            if (strlen(value) != 1 || !strchr("nsmlx", value[0])) return bad(name, value);
            c.model = value[0];
        } else if (!strcmp(name, "epochs")) {
            if (!parse_long(value, &c.epochs) || c.epochs < 1) return bad(name, value);
        } else if (!strcmp(name, "seed")) {
            if (!parse_long(value, &lv)) {
                unsigned long long u;
                char *end;
                errno = 0;
                u = strtoull(value, &end, 10);
                if (!*value || *end || errno) return bad(name, value);
                c.seed = u;
            } else {
                c.seed = (uint64_t)lv; /* a negative seed is its two's complement */
            }
        } else if (!strcmp(name, "epoch_seconds")) {
            if (!parse_double(value, &epoch_seconds) || epoch_seconds < 0) return bad(name, value);
        } else if (!strcmp(name, "ckpt")) {
            ckpt = value;
        } else if (!strcmp(name, "resume")) {
            resume = value;
        } else if (!strcmp(name, "imgsz")) {
            if (!parse_long(value, &imgsz) || imgsz < 32 || imgsz > 2048) return bad(name, value);
        } else if (!strcmp(name, "gpu_mem_limit")) {
            if (!parse_double(value, &mem_limit) || mem_limit < 0) return bad(name, value);
        } else {
            fprintf(stderr, "yolo-sim: unknown option '%s'\n", arg);
            usage();
            return 2;
        }
    }
    struct surrogate_terms t;
    surrogate_terms(&c, &t);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is reported as exit code 1 */
    if (mem_limit > 0 && t.gpu_mem > mem_limit) {
        fprintf(stderr,
                "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate %.2f GiB "
                "(GPU 0; %.2f GiB total capacity)\n",
                t.gpu_mem - mem_limit, mem_limit);
        return 3;
    }
    long first = 1;
    if (resume) {
        FILE *f = fopen(resume, "r");
        long done = 0;
        if (!f || fscanf(f, "%ld", &done) != 1 || done < 0) {
            fprintf(stderr, "yolo-sim: cannot resume from '%s': %s\n", resume,
                    f ? "not a checkpoint" : strerror(errno));
            if (f) fclose(f);
            return 2;
        }
        fclose(f);
        first = done + 1;
    }
    double best = -1, final = 0;
    long best_epoch = 0;
    for (long e = first; e <= c.epochs; e++) {
        if (epoch_seconds > 0) {
            struct timespec ts = {(time_t)epoch_seconds,
                                  (long)((epoch_seconds - floor(epoch_seconds)) * 1e9)};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
        }
        struct surrogate_epoch m;
        surrogate_epoch(&c, &t, e, &m);
        if (imgsz) { /* larger images: a little more accuracy (not in the reference) */
            double f = pow((double)imgsz / 640.0, 0.15);
            m.map5095 *= f;
            m.map50 = fmin(0.999, m.map50 * f);
        }
        char line[256];
        int n = snprintf(line, sizeof line,
                         "epoch %ld/%ld box_loss=%.4f cls_loss=%.4f mAP50=%.4f mAP50-95=%.4f", e,
                         c.epochs, m.box_loss, m.cls_loss, m.map50, m.map5095);
        if (mem_report) snprintf(line + n, sizeof line - (size_t)n, " gpu_mem=%.2fG", t.gpu_mem);
        if (printf("%s\n", line) < 0 || fflush(stdout) != 0) return 1;
        /* best_* is the first epoch with the highest printed value */
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.4f", m.map5095);
        double printed = strtod(tmp, NULL);
        if (printed > best) {
            best = printed;
            best_epoch = e;
        }
        final = printed;
        if (ckpt) {
            char tmpf[4096];
            snprintf(tmpf, sizeof tmpf, "%s.tmp", ckpt);
            FILE *f = fopen(tmpf, "w");
            if (!f || fprintf(f, "%ld\n", e) < 0 || fclose(f) != 0 || rename(tmpf, ckpt) != 0) {
                fprintf(stderr, "yolo-sim: cannot write the checkpoint '%s': %s\n", ckpt,
                        strerror(errno));
                return 1;
            }
        }
    }
    if (imgsz) { /* the validation's speed per image: the model's size, the image's area */
        static const char models[] = "nsmlx";
        static const double base_ms[] = {1.2, 2.1, 4.6, 7.7, 12.3};
        double area = ((double)imgsz / 640.0) * ((double)imgsz / 640.0);
        double inf = base_ms[strchr(models, c.model) - models] * area;
        if (printf("speed epoch=%ld preprocess_ms=%.1f inference_ms=%.2f postprocess_ms=%.1f\n",
                   c.epochs, 0.1 + 0.2 * area, inf, 0.4 + 0.5 * area) < 0 ||
            fflush(stdout) != 0)
            return 1;
    }
    if (printf("done epochs=%ld best_epoch=%ld best_mAP50-95=%.4f final_mAP50-95=%.4f\n", c.epochs,
               best_epoch, best, final) < 0 ||
        fflush(stdout) != 0)
        return 1;
    return 0;
}
