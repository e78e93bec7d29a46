/* nvidia-smi output parsing and CUDA_VISIBLE_DEVICES. */
#include "base/err.h"
#include "sweep/gpu/gpu.h"
#include "tests/check.h"

static void parses_query_apps_and_visible_devices(void)
{
    struct err e = {0};
    struct gpu_inv inv = {0};
    CHECK_INT_EQ(gpu_parse_query("0, GPU-aaaa, NVIDIA H100 80GB HBM3, 81559, 0, 0\n"
                                 "1, GPU-bbbb, NVIDIA H100 80GB HBM3, 81559, 40000, 99\n"
                                 "2, GPU-cccc, Tesla T4, [N/A], [Not Supported], [N/A]\n",
                                 &inv, &e),
                 0);
    CHECK_INT_EQ(inv.n, 3);
    CHECK_STR_EQ(inv.gpus[0].name, "NVIDIA H100 80GB HBM3");
    CHECK_INT_EQ(inv.gpus[1].used_mib, 40000);
    CHECK_INT_EQ(inv.gpus[1].util, 99);
    CHECK_INT_EQ(inv.gpus[2].total_mib, -1);
    CHECK_INT_EQ(inv.gpus[2].util, -1);
    CHECK_INT_EQ(gpu_parse_apps("7, GPU-bbbb, 39000\n8, GPU-bbbb, [N/A]\n9, GPU-zzzz, 5\n", &inv, &e),
                 0);
    CHECK_INT_EQ(inv.gpus[1].nprocs, 2);
    CHECK_INT_EQ(inv.gpus[1].procs[1].used_mib, -1);
    CHECK_INT_EQ(inv.gpus[0].nprocs, 0);
    /* visible devices: indices, UUID prefixes, order, the first unknown stops */
    gpu_filter_visible(&inv, "2,GPU-a");
    CHECK_INT_EQ(inv.n, 2);
    CHECK_INT_EQ(inv.gpus[0].index, 2);
    CHECK_INT_EQ(inv.gpus[1].index, 0);
    gpu_filter_visible(&inv, NULL);
    CHECK_INT_EQ(inv.n, 2);
    gpu_filter_visible(&inv, "");
    CHECK_INT_EQ(inv.n, 0);
    gpu_inv_release(&inv);
}

static void malformed_lines_quote_the_line(void)
{
    struct err e = {0};
    struct gpu_inv inv = {0};
    /* malformed lines are errors that quote the line */
    CHECK_INT_EQ(gpu_parse_query("0, GPU-x, Foo\n", &inv, &e), -1);
    CHECK_STR_EQ(e.msg, "nvidia-smi: unexpected output, line 1: 0, GPU-x, Foo");
    CHECK_INT_EQ(gpu_parse_query("zero, GPU-x, Foo, 1, 2, 3\n", &inv, &e), -1);
    gpu_inv_release(&inv);
}

static const struct check_case cases[] = {
    CASE(parses_query_apps_and_visible_devices),
    CASE(malformed_lines_quote_the_line),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
