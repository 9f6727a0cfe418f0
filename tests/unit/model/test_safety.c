/*
 * test_safety.c - the safety index on a hand-computed example: pooled
 * municipal references, the three sub-indices, category weights, clipping,
 * renormalised weights when a sub-index is missing, an area below the
 * respondent minimum, the flags, bands, and imported references.
 */
#include "nbl_test.h"

#include <math.h>

#include "model/indicators.h"
#include "model/safety.h"

#define TOL 1e-9

static void
setv(nbl__pdata *d, size_t a, const char *var, double v)
{
    int k = nbl__pdata_var(d, var);
    assert_true(k >= 0);
    *nbl__pdata_cell(d, a, 2021, k) = v;
}

/*
 * Municipality 751, 2021; category weights violence 2, burglary 1 (default).
 *
 *   area pop  n   safe night problems  violence burglary  weighted
 *   A    1000 100 90   80    20        5        5         15
 *   B    1000 80  50   40    40        15       5         35
 *   C    500  20  20   20    0         -        10        10
 *   D    500  -   -    -     -         (no rows)          0
 *   E    200  -   -    -     -         10       -         20
 *   X    1000 40  30   30    10        (no rows in 147)   -   (muni 147)
 *
 * Reference 751 (pooled, C's 20 answers included although C is below
 * min_respondents 30):
 *   safe 160/200 = 0.8, night 140/200 = 0.7, s(ref) = 0.75;
 *   q(ref) = 60/200 = 0.3; r(ref) = 1000 * 80 / 3200 = 25.
 * A: s = (0.9 + 0.8)/2 = 0.85 -> perceived 100*0.85/0.75 = 113.3333
 *    problems 100 * 0.8/0.7 = 114.2857; registered r = 15,
 *    100 * (2 - 15/25) = 140
 *    index 0.5*113.3333 + 0.2*114.2857 + 0.3*140 = 121.5238 -> tryg
 *    flags: 90 % >= 85, 80 % >= 75 -> 0, 0
 * B: s = (0.625 + 0.5)/2 = 0.5625 -> 75; problems 100*0.5/0.7 = 71.4286;
 *    r = 35 -> 60; index 37.5 + 14.2857 + 18 = 69.7857 -> markant;
 *    flags 62.5 % < 85 -> 1, 50 % < 75 -> 1
 * C: 20 respondents < 30: no perceived, problems or flags; r = 20 -> 120;
 *    index = registered alone (weights renormalised: 0.3*120/0.3) = 120
 * D: no incident rows, but 751 has incidents: 0 incidents -> 200
 * E: r = 100 -> 100 * (2 - 4) = -200, clipped to 0 -> markant
 * X: alone in 147 with no incident counts: registered missing (not 0);
 *    perceived = problems = 100; index (0.5*100 + 0.2*100) / 0.7 = 100
 */
static void
build(nbl__pdata *d)
{
    static const char *vars[] = {"pop", "survey_n", "survey_safe",
                                 "survey_safe_night", "survey_problems"};
    static const char *ids[] = {"A", "B", "C", "D", "E", "X"};
    static const double tab[6][5] = {
        {1000, 100, 90, 80, 20},   {1000, 80, 50, 40, 40},
        {500, 20, 20, 20, 0},      {500, NAN, NAN, NAN, NAN},
        {200, NAN, NAN, NAN, NAN}, {1000, 40, 30, 30, 10}};
    size_t a;
    int k;
    assert_int_equal(nbl__pdata_alloc(d, 6, 2021, 1, vars, 5), NBL_OK);
    for (a = 0; a < 6; a++) {
        nbl__pdata_set_area(d, a, ids[a], a == 5 ? "147" : "751", "1084");
        for (k = 0; k < 5; k++)
            setv(d, a, vars[k], tab[a][k]);
    }
    nbl__pdata_add_inc(d, 0, 2021, "violence", 5);
    nbl__pdata_add_inc(d, 0, 2021, "burglary", 5);
    nbl__pdata_add_inc(d, 1, 2021, "violence", 15);
    nbl__pdata_add_inc(d, 1, 2021, "burglary", 5);
    nbl__pdata_add_inc(d, 2, 2021, "burglary", 10);
    nbl__pdata_add_inc(d, 4, 2021, "violence", 10);
    assert_int_equal(nbl__pdata_index(d), NBL_OK);
}

static void
cfg_with_violence(nbl__profile_cfg *cfg)
{
    nbl_ctx *ctx = nbl_ctx_new();
    assert_int_equal(nbl__profile_cfg_load_text(
                         ctx, cfg, "[safety]\ncategory.violence = 2\n", "t"),
                     NBL_OK);
    nbl_ctx_free(ctx);
}

static void
test_safety_example(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__srow r[6];
    (void)state;
    build(&d);
    cfg_with_violence(&cfg);
    assert_int_equal(nbl__safety_run(&d, &cfg.safety, r), NBL_OK);

    assert_float_equal(r[0].perceived, 100 * 0.85 / 0.75, TOL);
    assert_float_equal(r[0].problems, 100 * 0.8 / 0.7, TOL);
    assert_float_equal(r[0].registered, 140, TOL);
    assert_float_equal(
        r[0].index,
        0.5 * (100 * 0.85 / 0.75) + 0.2 * (100 * 0.8 / 0.7) + 0.3 * 140, TOL);
    assert_float_equal(r[0].index, 121.5238095238, 1e-6);
    assert_int_equal(r[0].band, 0);
    assert_int_equal(r[0].flag_safe, 0);
    assert_int_equal(r[0].flag_night, 0);

    assert_float_equal(r[1].perceived, 75, TOL);
    assert_float_equal(r[1].problems, 100 * 0.5 / 0.7, TOL);
    assert_float_equal(r[1].registered, 60, TOL);
    assert_float_equal(r[1].index, 69.7857142857, 1e-6);
    assert_int_equal(r[1].band, 3);
    assert_int_equal(r[1].flag_safe, 1);
    assert_int_equal(r[1].flag_night, 1);

    /* C: below the respondent minimum */
    assert_true(isnan(r[2].perceived));
    assert_true(isnan(r[2].problems));
    assert_int_equal(r[2].flag_safe, -1);
    assert_int_equal(r[2].flag_night, -1);
    assert_float_equal(r[2].registered, 120, TOL);
    assert_float_equal(r[2].index, 120, TOL);
    assert_int_equal(r[2].band, 0);

    assert_float_equal(r[3].registered, 200, TOL);
    assert_float_equal(r[3].index, 200, TOL);
    assert_float_equal(r[4].registered, 0, TOL);
    assert_int_equal(r[4].band, 3);

    /* X: no incident data in its municipality -> missing, not zero */
    assert_true(isnan(r[5].registered));
    assert_float_equal(r[5].perceived, 100, TOL);
    assert_float_equal(r[5].problems, 100, TOL);
    assert_float_equal(r[5].index, 100, TOL);
    assert_int_equal(r[5].has_data, 1);
    nbl__profile_cfg_free(&cfg);
    nbl__pdata_free(&d);
}

/* Default weight 1 for every category: incidents A 10, B 20, C 10, E 10
 * = 50; r(ref) = 1000 * 50 / 3200 = 15.625; A: r = 10 ->
 * 100 * (2 - 10/15.625) = 136. */
static void
test_category_weights(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__srow r[6];
    nbl_ctx *ctx = nbl_ctx_new();
    const double rref = 1000.0 * 50 / 3200;
    (void)state;
    build(&d);
    assert_int_equal(nbl__profile_cfg_load(ctx, &cfg, NULL), NBL_OK);
    assert_int_equal(nbl__safety_run(&d, &cfg.safety, r), NBL_OK);
    /* A: 10 incidents per 1,000 */
    assert_float_equal(r[0].registered, 100 * (2 - 10 / rref), TOL);
    assert_float_equal(r[0].registered, 136, TOL);
    nbl__profile_cfg_free(&cfg);
    nbl__pdata_free(&d);
    nbl_ctx_free(ctx);
}

static void
test_min_respondents_and_weights(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__srow r[6];
    (void)state;
    build(&d);
    cfg_with_violence(&cfg);
    /* min_respondents 20 brings C in: s(C) = 1 -> 100/0.75 = 133.33;
     * q(C) = 0 -> 100/0.7 = 142.857; flags 0, 0 */
    cfg.safety.min_respondents = 20;
    assert_int_equal(nbl__safety_run(&d, &cfg.safety, r), NBL_OK);
    assert_float_equal(r[2].perceived, 100 / 0.75, TOL);
    assert_float_equal(r[2].problems, 100 / 0.7, TOL);
    assert_int_equal(r[2].flag_safe, 0);
    /* weights 1/0/1 for A: (113.333 + 140) / 2 */
    cfg.safety.w_problems = 0;
    cfg.safety.w_perceived = 1;
    cfg.safety.w_registered = 1;
    assert_int_equal(nbl__safety_run(&d, &cfg.safety, r), NBL_OK);
    assert_float_equal(r[0].index, (100 * 0.85 / 0.75 + 140) / 2, TOL);
    nbl__profile_cfg_free(&cfg);
    nbl__pdata_free(&d);
}

static void
test_bands(void **state)
{
    const double b[3] = {100, 90, 80};
    (void)state;
    assert_int_equal(nbl__safety_band(b, 100), 0);
    assert_int_equal(nbl__safety_band(b, 99.999), 1);
    assert_int_equal(nbl__safety_band(b, 90), 1);
    assert_int_equal(nbl__safety_band(b, 89.9), 2);
    assert_int_equal(nbl__safety_band(b, 80), 2);
    assert_int_equal(nbl__safety_band(b, 79.9), 3);
    assert_int_equal(nbl__safety_band(b, NAN), -1);
}

/*
 * Only the neighbourhood question (no night answers anywhere): s = the
 * safe share alone. Imported reference for 751: survey_n 1000, survey_safe
 * 850, survey_problems 250, pop 50,000, incidents_violence 400,
 * incidents_burglary 300 (weighted 2*400+300 = 1100 -> r = 22).
 * A: perceived 100*0.9/0.85 = 105.882; problems 100*0.8/0.75 = 106.667;
 * registered 100*(2 - 15/22) = 131.818. X (147) has no references: no
 * sub-index and no index, but its flags (30/40 = 75 % < 85 %: flag_safe).
 */
static void
test_imported_reference(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__srow r[6];
    size_t a;
    (void)state;
    build(&d);
    for (a = 0; a < 6; a++)
        *nbl__pdata_cell(&d, a, 2021, nbl__pdata_var(&d, "survey_safe_night")) =
            NAN;
    nbl__pdata_add_ref(&d, "municipality", "751", 2021, "survey_n", 1000);
    nbl__pdata_add_ref(&d, "municipality", "751", 2021, "survey_safe", 850);
    nbl__pdata_add_ref(&d, "municipality", "751", 2021, "survey_problems", 250);
    nbl__pdata_add_ref(&d, "municipality", "751", 2021, "pop", 50000);
    nbl__pdata_add_ref(&d, "municipality", "751", 2021, "incidents_violence",
                       400);
    nbl__pdata_add_ref(&d, "municipality", "751", 2021, "incidents_burglary",
                       300);
    assert_int_equal(nbl__pdata_index(&d), NBL_OK);
    cfg_with_violence(&cfg);
    cfg.safety.imported_ref = 1;
    assert_int_equal(nbl__safety_run(&d, &cfg.safety, r), NBL_OK);
    assert_float_equal(r[0].perceived, 100 * 0.9 / 0.85, TOL);
    assert_float_equal(r[0].problems, 100 * 0.8 / 0.75, TOL);
    assert_float_equal(r[0].registered, 100 * (2 - 15.0 / 22), TOL);
    assert_int_equal(r[0].flag_night, -1);
    assert_true(isnan(r[5].perceived));
    assert_true(isnan(r[5].index));
    assert_int_equal(r[5].flag_safe, 1); /* 30/40 = 75 % < 85 % */
    nbl__profile_cfg_free(&cfg);
    nbl__pdata_free(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safety_example),
        cmocka_unit_test(test_category_weights),
        cmocka_unit_test(test_min_respondents_and_weights),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_imported_reference),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
