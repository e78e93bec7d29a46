/* The keyvalue, jsonl and regex parsers on lines as trainers print them. */
#include "search/space.h"
#include "base/err.h"
#include "sweep/ingest/metrics.h"
#include "base/util.h"
#include "tests/check.h"

#include <math.h>
#include <stdlib.h>

static struct metric_batch b;

static void feed(struct mparser *p, const char *line)
{
    metric_batch_reset(&b);
    metrics_line(p, line, strlen(line), &b);
}

static void row(size_t i, long long step, const char *name, double value)
{
    if (!CHECK(i < b.n)) return;
    CHECK_INT_EQ(b.rows[i].step, step);
    CHECK_STR_EQ(b.rows[i].name, name);
    CHECK_NEAR(b.rows[i].value, value, 0);
}

static void keyvalue_forms_and_what_is_not_a_metric(void)
{
    struct err e = {0};
    metric_batch_init(&b);
    struct mparser *p = metrics_new("keyvalue", NULL, 0, &e);
    /* the simulated trainer's epoch line: no step key, so values count 1, 2, ... */
    feed(p, "epoch 1/3 box_loss=1.9354 cls_loss=2.8560 mAP50=0.0479 mAP50-95=0.0322");
    CHECK_INT_EQ(b.n, 4);
    row(0, 1, "box_loss", 1.9354);
    row(3, 1, "mAP50-95", 0.0322);
    feed(p, "epoch 2/3 box_loss=1.8667 cls_loss=2.7157 mAP50=0.0855 mAP50-95=0.0577");
    row(3, 2, "mAP50-95", 0.0577);
    /* Katib/Guild forms: name=value, name: value, a step key gives the step */
    feed(p, "step: 100, loss: 0.5, lr: 7.5e-05, acc=-0.5 count=888");
    CHECK_INT_EQ(b.n, 4);
    row(0, 100, "loss", 0.5);
    row(1, 100, "lr", 7.5e-05);
    row(2, 100, "acc", -0.5);
    row(3, 100, "count", 888);
    feed(p, "Epoch=3 val/acc=0.91 top-1: 0.5%");
    CHECK_INT_EQ(b.n, 2);
    row(0, 3, "val/acc", 0.91);
    row(1, 3, "top-1", 0.5);
    feed(p, "loss=nan grad=-nan x=inf");
    CHECK_INT_EQ(b.n, 3);
    CHECK(isnan(b.rows[0].value));
    CHECK(isnan(b.rows[1].value));
    CHECK(isinf(b.rows[2].value));
    CHECK_INT_EQ(b.rows[0].step, 101); /* loss was last at step 100 */
    CHECK_INT_EQ(b.rows[1].step, 1);   /* a new name starts at 1 */
    /* things that are not metrics */
    feed(p, "12:30:45 INFO http://host:8080/x ratio=3/4 name=adam a=1b v=1.2.3 =5");
    CHECK_INT_EQ(b.n, 0);
    feed(p, "Done. time: 12:30 loss : 0.25");
    CHECK_INT_EQ(b.n, 1);
    row(0, 102, "loss", 0.25);
    metrics_free(p);
}

static void step_markers_without_equals(void)
{
    metric_batch_init(&b);
    struct err e = {0};
    /* step markers without '=': MXNet's Epoch[N], "epoch 3/50", "Epoch 7 of 9" */
    struct mparser *q = metrics_new("keyvalue", NULL, 0, &e);
    feed(q, "INFO:root:Epoch[5] Batch [400]\tSpeed: 13427.04 samples/sec\taccuracy=0.999500");
    CHECK_INT_EQ(b.n, 2);
    row(0, 5, "Speed", 13427.04);
    row(1, 5, "accuracy", 0.9995);
    feed(q, "epoch 3/50 loss=0.5");
    row(0, 3, "loss", 0.5);
    feed(q, "Epoch 7 of 9 loss: 0.25");
    row(0, 7, "loss", 0.25);
    feed(q, "epochs 12 loss=0.125 Epoch[x] epoch 2x");
    row(0, 8, "loss", 0.125); /* none of these is a step marker */
    metrics_free(q);
}

static void whitespace_pairs(void)
{
    metric_batch_init(&b);
    struct err e = {0};
    struct mparser *p = metrics_new("keyvalue", NULL, 0, &e);
    /* a PyTorch script's line: runs of "name number" pairs, a step key numbers them */
    feed(p, "epoch 3/10 train_loss 0.72 val_loss 0.41 val_acc 0.86 lr 0.05 time 0.13s");
    CHECK_INT_EQ(b.n, 4); /* "time 0.13s": a unit after the number, not a pair */
    row(0, 3, "train_loss", 0.72);
    row(2, 3, "val_acc", 0.86);
    row(3, 3, "lr", 0.05);
    feed(p, "Epoch 4 | loss 0.5, acc 0.9");
    CHECK_INT_EQ(b.n, 2);
    row(0, 4, "loss", 0.5);
    row(1, 4, "acc", 0.9);
    feed(p, "val_acc nan top1 inf");
    CHECK_INT_EQ(b.n, 2);
    CHECK(isnan(b.rows[0].value));
    /* prose: a lone pair, or pairs through a prose word, is not read */
    feed(p, "Loaded 5000 images in 3 s");
    CHECK_INT_EQ(b.n, 0);
    feed(p, "batch 16 of 100");
    CHECK_INT_EQ(b.n, 0);
    feed(p, "epoch 5");
    CHECK_INT_EQ(b.n, 0);
    feed(p, "saving model 2 to disk");
    CHECK_INT_EQ(b.n, 0);
    /* a line with name=value pairs is read as those alone */
    feed(p, "step=9 loss=0.1 extra 3 more 4");
    CHECK_INT_EQ(b.n, 1);
    row(0, 9, "loss", 0.1);
    metrics_free(p);
}

static void resumed_counting(void)
{
    metric_batch_init(&b);
    struct err e = {0};
    struct mparser *p;
    /* resumed counting */
    p = metrics_new("keyvalue", NULL, 0, &e);
    metrics_set_last_step(p, "mAP", 7);
    feed(p, "mAP=0.5");
    row(0, 8, "mAP", 0.5);
    metrics_free(p);
}

static void jsonl_lines(void)
{
    metric_batch_init(&b);
    struct err e = {0};
    struct mparser *p;
    /* jsonl */
    p = metrics_new("jsonl", NULL, 0, &e);
    feed(p, "{\"iteration\": 19, \"loss\": 1.5, \"lr\": 0.0002, \"data_time\": NaN, "
            "\"bbox\": {\"AP\": 40.1}, \"name\": \"x\", \"ok\": true}");
    CHECK_INT_EQ(b.n, 4);
    row(0, 19, "loss", 1.5);
    row(1, 19, "lr", 0.0002);
    CHECK(isnan(b.rows[2].value));
    row(3, 19, "bbox/AP", 40.1);
    feed(p, "{\"loss\": 1.25}");
    row(0, 20, "loss", 1.25);
    metrics_free(p);
}

static void katib_numbers_as_strings(void)
{
    struct err e = {0};
    metric_batch_init(&b);
    struct mparser *p = metrics_new("jsonl", NULL, 0, &e);
    /* Katib writes numbers as strings, the step too */
    feed(p, "{\"global_step\": \"7\", \"acc\": \"0.93\", \"path\": \"\", \"when\": \"2021-12-02T14:27:50Z\"}");
    CHECK_INT_EQ(b.n, 1);
    row(0, 7, "acc", 0.93);
    feed(p, "not json {\"loss\": 1}");
    CHECK_INT_EQ(b.n, 0);
    feed(p, "{\"loss\": 1,");
    CHECK_INT_EQ(b.n, 0);
    metrics_free(p);
}

static void regex_groups(void)
{
    metric_batch_init(&b);
    struct err e = {0};
    struct mparser *p;
    /* regex with value, step and name groups; every match in a line */
    struct pattern pats[] = {
        {"loss", "loss=(?<value>[-+0-9.eE]+)", 0, 0},
        {NULL, "Epoch (?<step>\\d+): (?<name>\\w+) (?<value>\\S+)", 0, 0},
    };
    p = metrics_new("regex", pats, 2, &e);
    CHECK(p != NULL);
    feed(p, "loss=0.5 loss=0.25");
    CHECK_INT_EQ(b.n, 2);
    row(0, 1, "loss", 0.5);
    row(1, 2, "loss", 0.25);
    feed(p, "Epoch 7: acc 0.75");
    CHECK_INT_EQ(b.n, 1);
    row(0, 7, "acc", 0.75);
    feed(p, "Epoch 8: acc n/a");
    CHECK_INT_EQ(b.n, 0);
    metrics_free(p);
    struct pattern bad[] = {{"x", "(unclosed", 0, 0}};
    CHECK(metrics_new("regex", bad, 1, &e) == NULL);
    struct pattern novalue[] = {{"x", "x=(\\d+)", 0, 0}};
    CHECK(metrics_new("regex", novalue, 1, &e) == NULL);
    CHECK(metrics_new("nosuch", NULL, 0, &e) == NULL);
}

static void csv_padded_header_and_step_column(void)
{
    metric_batch_init(&b);
    struct err e = {0};
    struct mparser *p;
    /* csv: padded header, a step column, quoted fields, cells that are not numbers */
    p = metrics_new("csv", NULL, 0, &e);
    feed(p, "   epoch,  train/loss, \"a,b\",  note,   mAP");
    CHECK_INT_EQ(b.n, 0);
    feed(p, "      3,      0.5,        7,  \"x, y\",  0.25");
    CHECK_INT_EQ(b.n, 3);
    row(0, 3, "train/loss", 0.5);
    row(1, 3, "a,b", 7);
    row(2, 3, "mAP", 0.25);
    feed(p, "   epoch,  train/loss, \"a,b\",  note,   mAP"); /* the header again: skipped */
    CHECK_INT_EQ(b.n, 0);
    feed(p, "4,nan,,text,");
    CHECK_INT_EQ(b.n, 1);
    if (CHECK(b.n == 1)) {
        CHECK_INT_EQ(b.rows[0].step, 4);
        CHECK_STR_EQ(b.rows[0].name, "train/loss");
        CHECK(isnan(b.rows[0].value));
    }
    feed(p, "");
    CHECK_INT_EQ(b.n, 0);
    metrics_free(p);
}

static void csv_without_step_column(void)
{
    metric_batch_init(&b);
    struct err e = {0};
    struct mparser *p;
    /* no step column: each name counts 1, 2, ...; a short row gives what it has */
    p = metrics_new("csv", NULL, 0, &e);
    feed(p, "loss,acc");
    feed(p, "1.5,0.1");
    feed(p, "1.25");
    CHECK_INT_EQ(b.n, 1);
    row(0, 2, "loss", 1.25);
    metrics_free(p);
    metric_batch_release(&b);
}

static const struct check_case cases[] = {
    CASE(keyvalue_forms_and_what_is_not_a_metric),
    CASE(whitespace_pairs),
    CASE(step_markers_without_equals),
    CASE(resumed_counting),
    CASE(jsonl_lines),
    CASE(katib_numbers_as_strings),
    CASE(regex_groups),
    CASE(csv_padded_header_and_step_column),
    CASE(csv_without_step_column),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
