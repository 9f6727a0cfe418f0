/*
 * test_plancmp.c - plan comparison arithmetic on a small hand-computed
 * table: population weighting, baseline/latest years, comparison group
 * selection (municipality, other plans' periods), targets, transitions,
 * missing areas and suppression.
 */
#include "nbl_test.h"

#include <math.h>

#include "model/plancmp.h"

#define N NAN
#define EPS 1e-9

/* Years 2019..2022; one indicator, lab (higher is worse). */
static const double pop1[] = {1000, 1000, 1000, 1000};
static const double lab1[] = {41, 40, 36, 34};
static const char *const cat1[] = {"udsat", "udsat", "udsat", "none"};
static const double pop2[] = {3000, 3000, 2500, 2000};
static const double lab2[] = {45, 44, 42, 40};
static const double pop3[] = {2000, 2000, 2000, 2000};
static const double lab3[] = {31, 30, 30, 29};
static const double pop4[] = {1000, 1000, 1000, 1000}; /* other municipality */
static const double lab4[] = {50, 50, 30, 10};
static const double pop5[] = {2000, 2000, 2000, 2000}; /* old plan Q */
static const double lab5[] = {20, 20, 20, 21};
static const double pop6[] = {2000, 2000, 2000, 2000}; /* plan R overlaps */
static const double lab6[] = {10, 10, 40, 60};
static const double pop7[] = {500, 500, 500, 500}; /* plan P, 2022 missing */
static const double lab7[] = {30, 30, 30, N};
static const char *const none4[] = {"none", "none", "none", "none"};

static const nbl__pc_area areas[] = {
    {"A1", "Et", "M1", 2019, 4, pop1, lab1, cat1},
    {"A2", "To", "M1", 2019, 4, pop2, lab2, none4},
    {"A3", "Tre", "M1", 2019, 4, pop3, lab3, none4},
    {"A4", "Fire", "M2", 2019, 4, pop4, lab4, none4},
    {"A5", "Fem", "M1", 2019, 4, pop5, lab5, none4},
    {"A6", "Seks", "M1", 2019, 4, pop6, lab6, none4},
    {"A7", "Syv", "M1", 2019, 4, pop7, lab7, none4},
};
static const int p_areas[] = {0, 1, 6};
static const int q_areas[] = {4};
static const int r_areas[] = {5};
static const char *const ind[] = {"lab"};
static const int hib[] = {0};

static nbl__pc_input
input(int comparison_all, double min_pop)
{
    static nbl__pc_plan plans[3];
    nbl__pc_input in;
    memset(plans, 0, sizeof plans);
    plans[0] = (nbl__pc_plan){"P", "Plan P", 2021, 2022, p_areas, 3, {35}};
    plans[1] = (nbl__pc_plan){"Q", "Plan Q", 2015, 2019, q_areas, 1, {25}};
    plans[2] = (nbl__pc_plan){"R", "Plan R", 2022, 2024, r_areas, 1, {N}};
    in.n_ind = 1;
    in.ind = ind;
    in.higher_is_better = hib;
    in.areas = areas;
    in.n_areas = 7;
    in.plans = plans;
    in.n_plans = 3;
    in.last_year = 2022;
    in.comparison_all = comparison_all;
    in.min_pop_publish = min_pop;
    return in;
}

static void
test_plan_vs_municipality(void **state)
{
    nbl__pc_input in = input(0, 100);
    nbl__pc_output out;
    const nbl__pc_result *r;
    (void)state;
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    assert_int_equal(out.n_results, 3);
    r = &out.results[0];
    assert_int_equal(r->baseline_year, 2020);
    assert_int_equal(r->latest_year, 2022);
    /* baseline (1000*40 + 3000*44) / 4000 = 172000 / 4000 = 43 */
    assert_true(fabs(r->baseline - 43.0) < EPS);
    /* latest (1000*34 + 2000*40) / 3000 = 114000 / 3000 = 38 */
    assert_true(fabs(r->latest - 38.0) < EPS);
    assert_true(fabs(r->change - -5.0) < EPS);
    /* comparison: A3 and A5 (M1, Q ended 2019 before baseline 2020);
     * not A4 (M2), not A6 (plan R overlaps), not plan areas.
     * baseline (2000*30 + 2000*20)/4000 = 25; latest (2000*29 + 2000*21)
     * / 4000 = 25; change 0 */
    assert_int_equal(r->n_cmp, 2);
    assert_true(fabs(r->cmp_baseline - 25.0) < EPS);
    assert_true(fabs(r->cmp_change - 0.0) < EPS);
    assert_true(fabs(r->did - -5.0) < EPS);
    /* target 35, latest 38, higher is worse: not met */
    assert_int_equal(r->target_met, 0);
    /* A7 has no 2022 value: listed, not silently dropped */
    assert_int_equal(r->n_used, 2);
    assert_string_equal(r->missing, "A7");
    /* transitions: A1 udsat (2020) -> none (2022) */
    assert_int_equal(out.n_transitions, 5);
    assert_int_equal(out.transitions[0].area, 0);
    assert_string_equal(out.transitions[0].from, "udsat");
    assert_string_equal(out.transitions[0].to, "none");
    /* plan Q: baseline 2014 has no data -> missing, no change, no did; but
     * the latest value (A5 in 2019: 20) is published and the target (25,
     * higher is worse) judged on it: met */
    r = &out.results[1];
    assert_int_equal(r->status, NBL_PC_MISSING);
    assert_true(isnan(r->did));
    assert_true(isnan(r->change));
    assert_true(fabs(r->latest - 20.0) < EPS);
    assert_int_equal(r->target_met, 1);
    nbl__pc_output_free(&out);
}

static void
test_comparison_all_and_target_met(void **state)
{
    nbl__pc_input in = input(1, 100);
    nbl__pc_output out;
    const nbl__pc_result *r;
    (void)state;
    /* with all areas: A3, A4, A5. baseline (60000 + 50000 + 40000) / 5000 =
     * 30; latest (58000 + 10000 + 42000) / 5000 = 22; change -8; did -5 - -8
     * = 3 (the plan did worse than the comparison group) */
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    r = &out.results[0];
    assert_true(fabs(r->cmp_baseline - 30.0) < EPS);
    assert_true(fabs(r->cmp_latest - 22.0) < EPS);
    assert_true(fabs(r->did - 3.0) < EPS);
    nbl__pc_output_free(&out);

    /* a target of exactly the latest value is met (at or below) */
    {
        static const int hib1[] = {1};
        nbl__pc_plan plans[1] = {{"P", "Plan P", 2021, 2022, p_areas, 2, {38}}};
        in.plans = plans;
        in.n_plans = 1;
        assert_int_equal(nbl__pc_compute(&in, &out), 0);
        assert_int_equal(out.results[0].target_met, 1);
        nbl__pc_output_free(&out);
        /* higher is better: 38 >= 38 met, 38 >= 38.5 not */
        in.higher_is_better = hib1;
        plans[0].targets[0] = 38.5;
        assert_int_equal(nbl__pc_compute(&in, &out), 0);
        assert_int_equal(out.results[0].target_met, 0);
        nbl__pc_output_free(&out);
    }
}

static void
test_suppressed(void **state)
{
    /* plan areas have 4000 residents at baseline: under 5000 -> suppressed;
     * the comparison (4000) too. Nothing is published, did is null. */
    nbl__pc_input in = input(0, 5000);
    nbl__pc_output out;
    (void)state;
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    assert_int_equal(out.results[0].status, NBL_PC_SUPPRESSED);
    assert_true(isnan(out.results[0].baseline));
    assert_true(isnan(out.results[0].did));
    assert_int_equal(out.results[0].target_met, -1);
    nbl__pc_output_free(&out);
}

static void
test_small_area_left_out(void **state)
{
    /* min 1500 residents: A1 (1000) and A7 (500) are too small in 2020 and
     * 2022, so they take part in no aggregate (else P's aggregate minus
     * A2's would reveal A1): P = A2 alone: baseline 44, latest 40, change
     * -4. Comparison A3, A5 (2000 each): 25 -> 25; did -4. */
    nbl__pc_input in = input(0, 1500);
    nbl__pc_output out;
    const nbl__pc_result *r;
    (void)state;
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    r = &out.results[0];
    assert_int_equal(r->status, NBL_PC_OK);
    assert_int_equal(r->n_used, 1);
    assert_true(fabs(r->baseline - 44.0) < EPS);
    assert_true(fabs(r->latest - 40.0) < EPS);
    assert_true(fabs(r->did - -4.0) < EPS);
    assert_string_equal(r->missing, "A1|A7");
    assert_string_equal(r->suppressed, "A1|A7");
    assert_null(r->no_data);
    /* A1's categories (udsat -> none) are not shown */
    assert_int_equal(out.transitions[0].area, 0);
    assert_null(out.transitions[0].from);
    assert_null(out.transitions[0].to);
    assert_int_equal(out.transitions[0].from_suppressed, 1);
    assert_int_equal(out.transitions[0].to_suppressed, 1);
    assert_int_equal(out.transitions[1].from_suppressed, 0);
    nbl__pc_output_free(&out);

    /* min 2500: A5 (2000), the only area of plan Q, is too small: nothing
     * of Q is published, not even the latest value alone. */
    in = input(0, 2500);
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    r = &out.results[1];
    assert_int_equal(r->status, NBL_PC_SUPPRESSED);
    assert_int_equal(r->latest_status, NBL_PC_SUPPRESSED);
    assert_true(isnan(r->latest));
    assert_string_equal(r->suppressed, "A5");
    nbl__pc_output_free(&out);
}

static void
test_latest_only_status(void **state)
{
    /* plan Q: no baseline (2014), latest 2019 published (A5: 20): the
     * change is missing, the latest value is ok. */
    nbl__pc_input in = input(0, 100);
    nbl__pc_output out;
    const nbl__pc_result *r;
    (void)state;
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    r = &out.results[1];
    assert_int_equal(r->status, NBL_PC_MISSING);
    assert_int_equal(r->latest_status, NBL_PC_OK);
    assert_true(fabs(r->latest - 20.0) < EPS);
    /* the normal case: latest_status follows status */
    assert_int_equal(out.results[0].latest_status, NBL_PC_OK);
    nbl__pc_output_free(&out);
    /* the whole-group minimum (A5 alone, 2000 < 2001 residents) suppresses
     * the latest value: here area A5 is also under the area minimum */
    in = input(0, 2001);
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    assert_int_equal(out.results[1].latest_status, NBL_PC_SUPPRESSED);
    assert_true(isnan(out.results[1].latest));
    nbl__pc_output_free(&out);
}

/* Plans sharing an area in a shared year overlap; sharing an area in
 * different years, or years without a shared area, does not. The fixture's
 * plans share no area; a fourth plan V over A2 and A6 in 2020-2022 shares
 * A2 with P in 2021-2022 and A6 with R in 2022 only. */
static void
test_overlaps(void **state)
{
    static const int v_areas[] = {5, 1};
    static const int w_areas[] = {4}; /* A5, like Q, but 2020-2021 */
    nbl__pc_input in = input(0, 100);
    nbl__pc_plan plans[5];
    nbl__pc_output out;
    (void)state;
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    assert_int_equal(out.n_overlaps, 0);
    nbl__pc_output_free(&out);
    memcpy(plans, in.plans, 3 * sizeof *plans);
    plans[3] = (nbl__pc_plan){"V", "Plan V", 2020, 2022, v_areas, 2, {N}};
    plans[4] = (nbl__pc_plan){"W", "Plan W", 2020, 2021, w_areas, 1, {N}};
    in.plans = plans;
    in.n_plans = 5;
    assert_int_equal(nbl__pc_compute(&in, &out), 0);
    assert_int_equal(out.n_overlaps, 4); /* P-V, R-V, V-P, V-R */
    assert_int_equal(out.overlaps[0].plan, 0);
    assert_int_equal(out.overlaps[0].other, 3);
    assert_int_equal(out.overlaps[0].from_year, 2021);
    assert_int_equal(out.overlaps[0].to_year, 2022);
    assert_string_equal(out.overlaps[0].areas, "A2");
    assert_int_equal(out.overlaps[1].plan, 2);
    assert_int_equal(out.overlaps[1].from_year, 2022);
    assert_int_equal(out.overlaps[1].to_year, 2022);
    assert_string_equal(out.overlaps[1].areas, "A6");
    assert_int_equal(out.overlaps[2].plan, 3);
    assert_int_equal(out.overlaps[2].other, 0);
    assert_string_equal(out.overlaps[2].areas, "A2");
    assert_int_equal(out.overlaps[3].other, 2);
    nbl__pc_output_free(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_vs_municipality),
        cmocka_unit_test(test_comparison_all_and_target_met),
        cmocka_unit_test(test_suppressed),
        cmocka_unit_test(test_small_area_left_out),
        cmocka_unit_test(test_latest_only_status),
        cmocka_unit_test(test_overlaps),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
