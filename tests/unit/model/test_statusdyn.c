/*
 * test_statusdyn.c - the configurable status/dynamics index on hand-computed
 * examples: both composites, the population/sample SD switch, every cut-off
 * of the MSS class lists hit exactly, exclusions by id and by residents,
 * missing values, signs, the configuration keys and their messages, and the
 * alert groups.
 */
#include "nbl_test.h"

#include <math.h>

#include "model/statusdyn.h"
#include "nabolag/common.h"

#define TOL 1e-4

static void
mss(nbl__sdconf *c)
{
    memset(c, 0, sizeof *c);
    nbl__sdconf_builtin(c, 0, -0.5, 0.5, 1.0, -0.5, 0.5);
    nbl__sdconf_berlin_mss(c);
}

/* Exact cut-offs of the MSS preset: status hoch < -1 <= mittel <= 1 <
 * niedrig <= 1.5 < sehr_niedrig; dynamics positiv < -1 <= stabil <= 1 <
 * negativ. */
static void
test_classify_on_cutoffs(void **state)
{
    nbl__sdconf c;
    (void)state;
    mss(&c);
    assert_int_equal(nbl__sd_classify(&c.status, -1.00469), 0); /* Rahnsdorf */
    assert_int_equal(nbl__sd_classify(&c.status, -1.0), 1);
    assert_int_equal(nbl__sd_classify(&c.status, -0.99839), 1);
    assert_int_equal(nbl__sd_classify(&c.status, 1.0), 1);
    assert_int_equal(nbl__sd_classify(&c.status, 1.0000001), 2);
    assert_int_equal(nbl__sd_classify(&c.status, 1.5), 2);
    assert_int_equal(nbl__sd_classify(&c.status, 1.5000001), 3);
    assert_int_equal(nbl__sd_classify(&c.dynamics, -1.0), 1);
    assert_int_equal(nbl__sd_classify(&c.dynamics, -1.0032), 0);
    assert_int_equal(nbl__sd_classify(&c.dynamics, 1.0), 1);
    assert_int_equal(nbl__sd_classify(&c.dynamics, 1.00279), 2);
    /* built-in: high <= -0.5 < medium < 0.5 <= low < 1.0 <= very_low */
    nbl__sdconf_builtin(&c, 0, -0.5, 0.5, 1.0, -0.5, 0.5);
    assert_int_equal(nbl__sd_classify(&c.status, -0.5), 0);
    assert_int_equal(nbl__sd_classify(&c.status, 0.4999), 1);
    assert_int_equal(nbl__sd_classify(&c.status, 0.5), 2);
    assert_int_equal(nbl__sd_classify(&c.status, 1.0), 3);
    assert_int_equal(nbl__sd_classify(&c.dynamics, 0.5), 2);
    assert_int_equal(nbl__sd_classify(&c.dynamics, -0.5), 0);
    nbl__sdconf_clear(&c);
}

static void
test_parse_classes(void **state)
{
    nbl__sd_classes cl;
    char buf[256];
    (void)state;
    assert_null(nbl__sd_parse_classes(
        "hoch < -1.0 <= mittel <= 1.0 < niedrig <= 1.5 < sehr_niedrig", &cl));
    assert_int_equal(cl.n, 4);
    assert_string_equal(cl.name[3], "sehr_niedrig");
    assert_int_equal(cl.on_lower[0], 0);
    assert_int_equal(cl.on_lower[1], 1);
    assert_int_equal(cl.on_lower[2], 1);
    assert_string_equal(
        nbl__sd_classes_text(&cl, buf, sizeof buf),
        "hoch < -1 <= mittel <= 1 < niedrig <= 1.5 < sehr_niedrig");
    assert_null(nbl__sd_parse_classes("a<0<=b", &cl));
    assert_int_equal(cl.n, 2);
    assert_non_null(nbl__sd_parse_classes("a < 0 < b", &cl)); /* both open */
    assert_non_null(nbl__sd_parse_classes("a <= 0 <= b", &cl));
    assert_non_null(nbl__sd_parse_classes("a < 1 <= b < 0 <= c", &cl));
    assert_non_null(nbl__sd_parse_classes("a < x <= b", &cl));
    assert_non_null(nbl__sd_parse_classes("a", &cl));
    assert_non_null(nbl__sd_parse_classes("a < 1 <= a", &cl));
    assert_non_null(nbl__sd_parse_classes("a < 1,5 <= b", &cl));
}

/*
 * 4 areas, 2 indicators (signs +1):
 *   i1 = (-1, -1, 1, 1): mean 0, population SD 1 -> z = (-1, -1, 1, 1)
 *   i2 = (-1, 1, -1, 1): z = (-1, 1, -1, 1)
 * mean_z:            (-1, 0, 0, 1)           -> A and D exactly on the cuts
 * standardised_sum:  sums (-2, 0, 0, 2), population SD sqrt(2)
 *                    -> (-1.41421, 0, 0, 1.41421)
 * sample SD: z(i1) = +-1/sqrt(4/3) = +-0.86603; mean_z D = 0.86603; sums
 *   (-1.73205, 0, 0, 1.73205) with sample SD sqrt(6/3) -> +-1.22474.
 * then = 0 everywhere, so dynamics = status.
 */
static void
run4(nbl__sdconf *c, nbl__sd_result r[4])
{
    static const double now[8] = {-1, -1, -1, 1, 1, -1, 1, 1};
    static const double then[8] = {0};
    static const char *const ids[4] = {"A", "B", "C", "D"};
    nbl__sd_input in = {4, ids, now, then, NULL};
    assert_int_equal(nbl__statusdyn_compute(c, &in, r), 0);
}

static void
test_composites_and_sd(void **state)
{
    nbl__sdconf c;
    nbl__sd_result r[4];
    nbl_ctx *ctx = nbl_ctx_new();
    (void)state;
    mss(&c);
    c.nind = 2;
    snprintf(c.ind[0].name, NBL_SD_NAME, "i1");
    snprintf(c.ind[1].name, NBL_SD_NAME, "i2");
    c.ind[0].sign = c.ind[1].sign = 1;
    c.min_residents = 0;
    run4(&c, r);
    assert_float_equal(r[0].status, -sqrt(2), TOL);
    assert_float_equal(r[1].status, 0, TOL);
    assert_float_equal(r[3].status, sqrt(2), TOL);
    assert_int_equal(r[0].status_class, 0);   /* hoch */
    assert_int_equal(r[3].status_class, 2);   /* niedrig */
    assert_int_equal(r[3].dynamics_class, 2); /* negativ */
    assert_int_equal(r[1].dynamics_class, 1);

    assert_int_equal(nbl__sdconf_set(&c, ctx, "p.ini", "composite", "mean_z"),
                     0);
    run4(&c, r);
    assert_float_equal(r[0].status, -1, 1e-12);
    assert_float_equal(r[3].status, 1, 1e-12);
    assert_int_equal(r[0].status_class, 1);   /* -1 is mittel */
    assert_int_equal(r[3].status_class, 1);   /* +1 is mittel */
    assert_int_equal(r[3].dynamics_class, 1); /* +1 is stabil */

    assert_int_equal(nbl__sdconf_set(&c, ctx, "p.ini", "sd", "sample"), 0);
    run4(&c, r);
    assert_float_equal(r[3].status, 0.86603, TOL);
    assert_int_equal(
        nbl__sdconf_set(&c, ctx, "p.ini", "composite", "standardised_sum"), 0);
    run4(&c, r);
    assert_float_equal(r[3].status, 1.22474, TOL);
    assert_float_equal(r[0].status, -1.22474, TOL);
    assert_int_equal(r[3].status_class, 2);
    nbl__sdconf_clear(&c);
    nbl_ctx_free(ctx);
}

/*
 * The SD switch changes a class: 4 areas, 1 indicator x = (1, 2, 3, 6):
 * mean 3; population SD sqrt(14/4) = 1.87083, sample SD sqrt(14/3) =
 * 2.16025. D: (6-3)/1.87083 = 1.60357 (sehr_niedrig) vs 1.38873 (niedrig);
 * A: -1.06904 (hoch) vs -0.92582 (mittel). Signs: x with sign -1 mirrors.
 */
static void
test_sd_switch_changes_class(void **state)
{
    static const double now[4] = {1, 2, 3, 6}, then[4] = {1, 2, 3, 6};
    static const char *const ids[4] = {"A", "B", "C", "D"};
    nbl__sd_input in = {4, ids, now, then, NULL};
    nbl__sd_result r[4];
    nbl__sdconf c;
    (void)state;
    mss(&c);
    c.nind = 1;
    snprintf(c.ind[0].name, NBL_SD_NAME, "x");
    c.ind[0].sign = 1;
    c.min_residents = 0;
    assert_int_equal(nbl__statusdyn_compute(&c, &in, r), 0);
    assert_float_equal(r[3].status, 1.60357, TOL);
    assert_int_equal(r[3].status_class, 3);
    assert_float_equal(r[0].status, -1.06904, TOL);
    assert_int_equal(r[0].status_class, 0);
    /* no change at all: every change is 0, SD 0: dynamics not computable */
    assert_int_equal(r[3].dynamics_class, -1);
    assert_int_equal(r[3].dynamics_st, NBL_SDS_MISSING);
    c.sd = NBL_SD_SAMPLE;
    assert_int_equal(nbl__statusdyn_compute(&c, &in, r), 0);
    assert_float_equal(r[3].status, 1.38873, TOL);
    assert_int_equal(r[3].status_class, 2);
    assert_float_equal(r[0].status, -0.92582, TOL);
    assert_int_equal(r[0].status_class, 1);
    c.ind[0].sign = -1;
    c.sd = NBL_SD_POPULATION;
    assert_int_equal(nbl__statusdyn_compute(&c, &in, r), 0);
    assert_float_equal(r[3].status, -1.60357, TOL);
    assert_int_equal(r[3].status_class, 0);
    nbl__sdconf_clear(&c);
}

/*
 * Exclusions: the 4 areas of test_sd_switch plus E (x = 100, 120
 * residents) and F (x = 50, listed in exclude). min_residents 300; A-D have
 * 300 residents (exactly the minimum: classified). E and F take no part:
 * D is still 1.60357. G has no value: missing.
 */
static void
test_exclusions(void **state)
{
    static const double now[7] = {1, 2, 3, 6, 100, 50, NAN};
    static const double then[7] = {0, 0, 0, 0, 0, 0, 0};
    static const double res[7] = {300, 300, 300, 300, 120, 5000, 5000};
    static const char *const ids[7] = {"A", "B", "C", "D", "E", "F", "G"};
    nbl__sd_input in = {7, ids, now, then, res};
    nbl__sd_result r[7];
    nbl__sdconf c;
    nbl_ctx *ctx = nbl_ctx_new();
    (void)state;
    mss(&c);
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p", "indicators", "x"), 0);
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p", "exclude", "F, Q"), 0);
    assert_int_equal(nbl__statusdyn_compute(&c, &in, r), 0);
    assert_float_equal(r[3].status, 1.60357, TOL);
    assert_int_equal(r[4].status_st, NBL_SDS_SMALL);
    assert_true(isnan(r[4].status));
    assert_int_equal(r[4].status_class, -1);
    assert_int_equal(r[5].status_st, NBL_SDS_EXCLUDED);
    assert_int_equal(r[6].status_st, NBL_SDS_MISSING);
    assert_string_equal(nbl__sd_status_name(r[4].status_st), "small");
    /* dynamics = x - 0 = x, standardised the same way */
    assert_float_equal(r[3].dynamics, 1.60357, TOL);
    assert_int_equal(r[3].dynamics_class, 2);
    /* residents unknown with a minimum set: not classified */
    in.residents = NULL;
    assert_int_equal(nbl__statusdyn_compute(&c, &in, r), 0);
    assert_int_equal(r[0].status_st, NBL_SDS_SMALL);
    nbl__sdconf_clear(&c);
    nbl_ctx_free(ctx);
}

/* mean_z needs 2 values per area, standardised_sum all of them. */
static void
test_missing_values(void **state)
{
    /* 3 indicators; B lacks i3 */
    static const double now[12] = {1, 1, 1, 2, 2, NAN, 3, 3, 3, 6, 6, 6};
    static const double then[12] = {0};
    static const char *const ids[4] = {"A", "B", "C", "D"};
    nbl__sd_input in = {4, ids, now, then, NULL};
    nbl__sd_result r[4];
    nbl__sdconf c;
    nbl_ctx *ctx = nbl_ctx_new();
    (void)state;
    mss(&c);
    c.min_residents = 0;
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p", "indicators", "a, b, c"), 0);
    assert_int_equal(nbl__statusdyn_compute(&c, &in, r), 0);
    assert_int_equal(r[1].status_st, NBL_SDS_MISSING);
    /* A, C, D: each column (1, 3, 6): mean 10/3, SD 2.05480; sums 3z */
    assert_float_equal(r[3].status, 1.29777, TOL);
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p", "composite", "mean_z"), 0);
    assert_int_equal(nbl__statusdyn_compute(&c, &in, r), 0);
    assert_int_equal(r[1].status_st, NBL_SDS_OK);
    /* column 1: (1,2,3,6) z of D = 1.60357; column 3 over A, C, D: z of D =
     * (6 - 10/3) / 2.05480 = 1.29777; mean (2 * 1.60357 + 1.29777) / 3 */
    assert_float_equal(r[3].status, 1.50164, TOL);
    nbl__sdconf_clear(&c);
    nbl_ctx_free(ctx);
}

static void
test_config_keys_and_groups(void **state)
{
    nbl__sdconf c;
    nbl_ctx *ctx = nbl_ctx_new();
    (void)state;
    memset(&c, 0, sizeof c);
    nbl__sdconf_builtin(&c, 1, -0.5, 0.5, 1.0, -0.5, 0.5);
    assert_int_equal(c.nind, 5);
    assert_float_equal(c.ind[3].sign, -1, 0);
    assert_int_equal(nbl__sdconf_check(&c, ctx, "p"), 0);
    assert_true(nbl__sd_in_groups(&c, 2, 2));
    assert_true(nbl__sd_in_groups(&c, 3, 2));
    assert_false(nbl__sd_in_groups(&c, 3, 1));
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p", "method", "berlin_mss"), 0);
    assert_int_equal(c.nind, 5); /* the preset keeps the indicators */
    assert_int_equal(c.composite, NBL_SD_STD_SUM);
    assert_float_equal(c.min_residents, 300, 0);
    assert_int_equal(nbl__sdconf_check(&c, ctx, "p"), 0);
    assert_true(nbl__sd_in_groups(&c, 3, 0)); /* sehr_niedrig, any dynamics */
    assert_true(nbl__sd_in_groups(&c, 2, 2));
    assert_false(nbl__sd_in_groups(&c, 2, 1));
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p", "indicators",
                                     "lab, edu, inc:-1, x_transfer"),
                     0);
    assert_int_equal(c.nind, 4);
    assert_float_equal(c.ind[2].sign, -1, 0);
    assert_string_equal(c.ind[3].name, "x_transfer");
    assert_int_equal(
        nbl__sdconf_set(&c, ctx, "p.ini", "indicators", "lab, lab"),
        NBL_EFORMAT);
    assert_string_equal(nbl_ctx_errmsg(ctx),
                        "p.ini: [status_dynamics] indicators: an indicator "
                        "is listed twice: 'lab, lab'");
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p.ini", "indicators", "lab:2"),
                     NBL_EFORMAT);
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p.ini", "sd", "n-1"),
                     NBL_EFORMAT);
    assert_string_equal(nbl_ctx_errmsg(ctx),
                        "p.ini: [status_dynamics] sd: must be population or "
                        "sample: 'n-1'");
    assert_int_equal(
        nbl__sdconf_set(&c, ctx, "p.ini", "status_classes", "a < 1 < b"),
        NBL_EFORMAT);
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p.ini", "dynamics_years", "0"),
                     NBL_EFORMAT);
    assert_int_equal(nbl__sdconf_set(&c, ctx, "p.ini", "colour", "red"),
                     NBL_EFORMAT);
    assert_int_equal(
        nbl__sdconf_set(&c, ctx, "p.ini", "alert_groups", "niedrig/fallend"),
        0);
    assert_int_equal(nbl__sdconf_check(&c, ctx, "p.ini"), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "'niedrig/fallend' names no "
                                                "class"));
    assert_int_equal(
        nbl__sdconf_set(&c, ctx, "p.ini", "alert_groups", "*/negativ"), 0);
    assert_int_equal(nbl__sdconf_check(&c, ctx, "p.ini"), 0);
    assert_true(nbl__sd_in_groups(&c, 0, 2));
    assert_false(nbl__sd_in_groups(&c, 0, -1));
    nbl__sdconf_clear(&c);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_on_cutoffs),
        cmocka_unit_test(test_parse_classes),
        cmocka_unit_test(test_composites_and_sd),
        cmocka_unit_test(test_sd_switch_changes_class),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_config_keys_and_groups),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
