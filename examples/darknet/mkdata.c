/* mkdata.c - a small synthetic detection dataset for examples/darknet:
 * coloured rectangles, discs and triangles on noise, as PNG images with
 * darknet/YOLO label files ("class cx cy w h", normalised).
 *
 *   mkdata DIR [IMAGES] [SIZE] [SEED]    (default 64 images of 96 x 96)
 *
 * Writes DIR/images/NNNN.png, DIR/labels/NNNN.txt (darknet finds a label
 * by replacing "images" with "labels" and ".png" with ".txt"),
 * DIR/train.txt and DIR/valid.txt (absolute paths; the last eighth is the
 * validation set) and DIR/shapes.names. The PNGs are written uncompressed
 * (stored deflate blocks): no library needed. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng;

static uint32_t next(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng >> 33);
}

static double unit(void)
{
    return next() / 2147483648.0;
}

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc(uint32_t c, const unsigned char *b, size_t n)
{
    c ^= 0xffffffffu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ b[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static int chunk(FILE *f, const char *type, const unsigned char *data, size_t n)
{
    unsigned char h[8];
    be32(h, (uint32_t)n);
    memcpy(h + 4, type, 4);
    uint32_t c = crc(crc(0, h + 4, 4), data, n);
    unsigned char t[4];
    be32(t, c);
    return fwrite(h, 1, 8, f) == 8 && fwrite(data, 1, n, f) == n && fwrite(t, 1, 4, f) == 4;
}

/* An RGB image as a PNG with one zlib stream of stored blocks. */
static int write_png(const char *path, const unsigned char *rgb, int w, int h)
{
    size_t raw_n = (size_t)h * (size_t)(3 * w + 1);
    unsigned char *raw = malloc(raw_n);
    for (int y = 0; y < h; y++) {
        raw[(size_t)y * (3 * w + 1)] = 0; /* filter: none */
        memcpy(raw + (size_t)y * (3 * w + 1) + 1, rgb + (size_t)y * 3 * w, (size_t)3 * w);
    }
    size_t nblocks = (raw_n + 65534) / 65535;
    unsigned char *z = malloc(2 + raw_n + 5 * nblocks + 4);
    size_t zn = 0;
    z[zn++] = 0x78, z[zn++] = 0x01;
    uint32_t a = 1, b = 0;
    for (size_t off = 0; off < raw_n; off += 65535) {
        size_t len = raw_n - off < 65535 ? raw_n - off : 65535;
        z[zn++] = off + len == raw_n; /* BFINAL, BTYPE stored */
        z[zn++] = (unsigned char)len, z[zn++] = (unsigned char)(len >> 8);
        z[zn++] = (unsigned char)~len, z[zn++] = (unsigned char)(~len >> 8);
        memcpy(z + zn, raw + off, len);
        zn += len;
    }
    for (size_t i = 0; i < raw_n; i++) a = (a + raw[i]) % 65521, b = (b + a) % 65521;
    be32(z + zn, (b << 16) | a);
    zn += 4;
    unsigned char ihdr[13];
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8, ihdr[9] = 2, ihdr[10] = ihdr[11] = ihdr[12] = 0;
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite("\x89PNG\r\n\x1a\n", 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) &&
             chunk(f, "IDAT", z, zn) && chunk(f, "IEND", (const unsigned char *)"", 0);
    if (f && fclose(f) != 0) ok = 0;
    free(raw);
    free(z);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mkdata DIR [IMAGES] [SIZE] [SEED]\n");
        return 2;
    }
    const char *dir = argv[1];
    int n = argc > 2 ? atoi(argv[2]) : 64, s = argc > 3 ? atoi(argv[3]) : 96;
    rng = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    if (n < 2 || s < 16 || s > 4096) {
        fprintf(stderr, "mkdata: IMAGES >= 2 and SIZE from 16 to 4096\n");
        return 2;
    }
    char abs[PATH_MAX], path[PATH_MAX + 64];
    mkdir(dir, 0777);
    if (!realpath(dir, abs)) {
        fprintf(stderr, "mkdata: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/images", abs);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/labels", abs);
    mkdir(path, 0777);
    crc_init();
    snprintf(path, sizeof path, "%s/train.txt", abs);
    FILE *train = fopen(path, "w");
    snprintf(path, sizeof path, "%s/valid.txt", abs);
    FILE *valid = fopen(path, "w");
    snprintf(path, sizeof path, "%s/shapes.names", abs);
    FILE *names = fopen(path, "w");
    if (!train || !valid || !names) {
        fprintf(stderr, "mkdata: cannot write in %s: %s\n", abs, strerror(errno));
        return 1;
    }
    fputs("rectangle\ndisc\ntriangle\n", names);
    fclose(names);
    unsigned char *img = malloc((size_t)3 * s * s);
    for (int i = 0; i < n; i++) {
        for (int p = 0; p < 3 * s * s; p++) img[p] = (unsigned char)(next() % 96);
        snprintf(path, sizeof path, "%s/labels/%04d.txt", abs, i);
        FILE *lab = fopen(path, "w");
        if (!lab) return 1;
        int shapes = 1 + (int)(next() % 3);
        for (int k = 0; k < shapes; k++) {
            int cls = (int)(next() % 3);
            double bw = 0.2 + 0.3 * unit(), bh = cls == 1 ? bw : 0.2 + 0.3 * unit();
            double cx = bw / 2 + unit() * (1 - bw), cy = bh / 2 + unit() * (1 - bh);
            unsigned char col[3] = {(unsigned char)(128 + next() % 128),
                                    (unsigned char)(128 + next() % 128),
                                    (unsigned char)(next() % 256)};
            int x0 = (int)((cx - bw / 2) * s), x1 = (int)((cx + bw / 2) * s);
            int y0 = (int)((cy - bh / 2) * s), y1 = (int)((cy + bh / 2) * s);
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++) {
                    double u = (x + 0.5) / s - cx, v = (y + 0.5) / s - cy;
                    int in = cls == 0 ||
                             (cls == 1 && u * u + v * v <= bw * bw / 4) ||
                             (cls == 2 && v >= -bh / 2 && 2 * (u < 0 ? -u : u) / bw <= (v + bh / 2) / bh);
                    if (in) memcpy(img + 3 * ((size_t)y * s + x), col, 3);
                }
            fprintf(lab, "%d %.6f %.6f %.6f %.6f\n", cls, cx, cy, bw, bh);
        }
        fclose(lab);
        snprintf(path, sizeof path, "%s/images/%04d.png", abs, i);
        if (write_png(path, img, s, s)) {
            fprintf(stderr, "mkdata: cannot write %s\n", path);
            return 1;
        }
        fprintf(i < n - n / 8 ? train : valid, "%s\n", path);
    }
    free(img);
    if (fclose(train) != 0 || fclose(valid) != 0) return 1;
    printf("%d images of %d x %d in %s\n", n, s, s, abs);
    return 0;
}
