/* The simulated trainer against ../shared/reference/surrogate-trainer.md. */
#include "surrogate.h"
#include "tests/check.h"

static void unit_draws(void)
{
    /* unit(seed, e, k) */
    CHECK_NEAR(surrogate_unit(0, 1, 0), 0.949198097513, 1e-12);
    CHECK_NEAR(surrogate_unit(7, 3, 2), 0.277453217894, 1e-12);
    CHECK_NEAR(surrogate_unit((uint64_t)-1, 50, 1), 0.182527239695, 1e-12);
}

static void intermediate_values(void)
{
    /* intermediate values, rounded to 6 places in the reference */
    struct {
        struct surrogate_cfg c;
        double A, tau, Q, q_lr, q_m, q_wd, q_b, f_speed, map50;
    } cases[] = {
        {{0.01, 0.937, 5e-4, 16, 'x', 50, 0}, 0.531623, 17.0, 0.986313, 1.0, 1.0, 1.0, 0.986313,
         1.0, 0.503318},
        {{0.05, 0.95, 5e-4, 16, 'n', 50, 0}, 0.199415, 2.390457, 0.534624, 0.544543, 0.995409,
         1.0, 0.986313, 0.39841, 0.199182},
        {{0.0002, 0.7, 2e-5, 64, 'l', 50, 0}, 0.119351, 136.458403, 0.225615, 0.418163, 0.654348,
         0.896336, 0.919907, 6.0, 0.036382},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct surrogate_terms t;
        CHECK_INT_EQ(surrogate_terms(&cases[i].c, &t), 0);
        CHECK_NEAR(t.A, cases[i].A, 1e-6);
        CHECK_NEAR(t.tau, cases[i].tau, 1e-6);
        CHECK_NEAR(t.Q, cases[i].Q, 1e-6);
        CHECK_NEAR(t.q_lr, cases[i].q_lr, 1e-6);
        CHECK_NEAR(t.q_m, cases[i].q_m, 1e-6);
        CHECK_NEAR(t.q_wd, cases[i].q_wd, 1e-6);
        CHECK_NEAR(t.q_b, cases[i].q_b, 1e-6);
        CHECK_NEAR(t.f_speed, cases[i].f_speed, 1e-6);
        struct surrogate_epoch m;
        surrogate_epoch(&cases[i].c, &t, 50, &m);
        CHECK_NEAR(m.map5095, cases[i].map50, 1e-6);
    }
}

static void first_test_vector_by_epoch(void)
{
    /* the first test vector, epoch by epoch (printed with %.4f) */
    struct surrogate_cfg c = {0.01, 0.937, 0.0005, 16, 'x', 3, 0};
    struct surrogate_terms t;
    surrogate_terms(&c, &t);
    CHECK_NEAR(t.gpu_mem, 10.68, 1e-9);
    const double want[3][4] = {{1.9354, 2.8560, 0.0479, 0.0322},
                               {1.8667, 2.7157, 0.0855, 0.0577},
                               {1.8105, 2.6131, 0.1263, 0.0857}};
    for (int e = 1; e <= 3; e++) {
        struct surrogate_epoch m;
        surrogate_epoch(&c, &t, e, &m);
        CHECK_NEAR(m.box_loss, want[e - 1][0], 5e-5);
        CHECK_NEAR(m.cls_loss, want[e - 1][1], 5e-5);
        CHECK_NEAR(m.map50, want[e - 1][2], 5e-5);
        CHECK_NEAR(m.map5095, want[e - 1][3], 5e-5);
    }
    struct surrogate_cfg bad = c;
    bad.model = 'q';
    CHECK_INT_EQ(surrogate_terms(&bad, &t), -1);
}

static const struct check_case cases[] = {
    CASE(unit_draws),
    CASE(intermediate_values),
    CASE(first_test_vector_by_epoch),
};

int main(int argc, char **argv)
{
    return check_main(cases, CHECK_N(cases), argc, argv);
}
