/*
 * test_profile.c - the area profile on small hand-computed tables: values,
 * pooled municipal references, population SDs, signed SD distances, points
 * (inclusive lower bounds), bands, changes, windows, missing and
 * not-evaluable inputs, region-relative income, imported references, and
 * the configuration loader (overrides, new indicators, error messages).
 */
#include "nbl_test.h"

#include <math.h>

#include "model/indicators.h"
#include "model/profile.h"
#include "util/util.h"

#define TOL 1e-9

static void
setv(nbl__pdata *d, size_t a, int year, const char *var, double v)
{
    int k = nbl__pdata_var(d, var);
    assert_true(k >= 0);
    *nbl__pdata_cell(d, a, year, k) = v;
}

static nbl__indicator
mk(const char *name, const char *num, const char *den, nbl__unit unit,
   int direction)
{
    nbl__indicator in;
    memset(&in, 0, sizeof in);
    in.name = (char *)name;
    in.numerator = (char *)num;
    in.denominator = (char *)den;
    in.unit = unit;
    in.direction = direction;
    in.window = 1;
    in.min_denominator = 20;
    in.reference_value = 100;
    in.scored = 1;
    in.enabled = 1;
    return in;
}

static void
test_points_and_bands(void **state)
{
    const double steps[3] = {0.5, 1, 2}, bands[3] = {1, 3, 6};
    (void)state;
    /* lower bound of every step inclusive */
    assert_int_equal(nbl__profile_points(steps, -3), 0);
    assert_int_equal(nbl__profile_points(steps, 0.4999), 0);
    assert_int_equal(nbl__profile_points(steps, 0.5), 1);
    assert_int_equal(nbl__profile_points(steps, 0.9999), 1);
    assert_int_equal(nbl__profile_points(steps, 1.0), 2);
    assert_int_equal(nbl__profile_points(steps, 1.9999), 2);
    assert_int_equal(nbl__profile_points(steps, 2.0), 3);
    assert_int_equal(nbl__profile_points(steps, 7), 3);
    assert_int_equal(nbl__profile_band(bands, 0), 0);
    assert_int_equal(nbl__profile_band(bands, 1), 1);
    assert_int_equal(nbl__profile_band(bands, 2), 1);
    assert_int_equal(nbl__profile_band(bands, 3), 2);
    assert_int_equal(nbl__profile_band(bands, 5), 2);
    assert_int_equal(nbl__profile_band(bands, 6), 3);
    assert_string_equal(nbl__band_name(0), "green");
    assert_string_equal(nbl__band_name(3), "red");
    assert_null(nbl__band_name(-1));
}

/*
 * Municipality 751, year 2021, areas A-F (+ H in municipality 147):
 *
 *   area pop  pop_18_64 noattach  lab %   pop_0_17 chi %   safety index
 *   A    1000 400       80        20      150      15      100
 *   B    1000 400       80        20      350      35      100
 *   C    1000 400       160       40      150      15      80
 *   D    1000 400       160       40      350      35      80
 *   E    400  390       18        4.615   0        0       (missing)
 *   F    1000 10        2         n.e.    (missing)        (missing)
 *   H    1000 400       200       50      100      10      90   (muni 147)
 *
 * lab (higher is worse): reference pooled over A-F = (80+80+160+160+18+2) /
 *   (400*4+390+10) = 500/2000 = 25 %. SD over the scored (pop >= 500) areas
 *   with a value, A-D: mean 30, deviations -10,-10,10,10, population SD
 *   sqrt(400/4) = 10. Distances: A, B (20-25)/10 = -0.5 -> 0 points;
 *   C, D (40-25)/10 = 1.5 -> 2 points. E: (4.615-25)/10 = -2.038 (stored,
 *   but E has 400 residents: no points). F: 10 < min_denominator 20:
 *   not_evaluable, but its counts are in the pooled reference.
 * chi (pop_0_17 / pop, declared higher_is_better here to test the sign):
 *   reference (150+350+150+350+0) / 4400 = 1000/4400 = 22.7273 %; SD over
 *   A-D: mean 25, deviations -10,10,-10,10 -> 10. Distances
 *   -(15-22.7273)/10 = 0.77273 -> 1 point (A, C); -(35-22.7273)/10 =
 *   -1.22727 -> 0 (B, D). E: -(0-22.7273)/10 = 2.27273 (no points).
 * safety (fixed reference 100, higher is better): SD over A-D: mean 90,
 *   deviations 10,10,-10,-10 -> 10. A, B: 0 -> 0 points; C, D:
 *   -(80-100)/10 = 2.0 -> 3 points (2 is inclusive).
 * Sums: A 0+1+0 = 1, B 0, C 2+1+3 = 6, D 2+0+3 = 5. Bands 1, 3, 6:
 *   A yellow, B green, C red, D orange. E not scored; F scored but three
 *   indicators lack points (max_missing 0): no band.
 * H is alone in 147: reference 50 (itself), one area -> no SD -> no points.
 * 2020: A has noattach 60 of 400 = 15 % -> change 2021 = +5 points.
 */
static void
build_main(nbl__pdata *d, double **sidx)
{
    static const char *vars[] = {"pop", "pop_18_64", "noattach_18_64",
                                 "pop_0_17"};
    static const char *ids[] = {"A", "B", "C", "D", "E", "F", "H"};
    static const double tab[7][4] = {
        {1000, 400, 80, 150},  {1000, 400, 80, 350}, {1000, 400, 160, 150},
        {1000, 400, 160, 350}, {400, 390, 18, 0},    {1000, 10, 2, NAN},
        {1000, 400, 200, 100}};
    static const double saf[7] = {100, 100, 80, 80, NAN, NAN, 90};
    size_t a;
    int k;
    assert_int_equal(nbl__pdata_alloc(d, 7, 2020, 2, vars, 4), NBL_OK);
    *sidx = malloc(7 * 2 * sizeof **sidx);
    for (a = 0; a < 7; a++) {
        assert_int_equal(
            nbl__pdata_set_area(d, a, ids[a], a == 6 ? "147" : "751", "1084"),
            NBL_OK);
        for (k = 0; k < 4; k++)
            setv(d, a, 2021, vars[k], tab[a][k]);
        (*sidx)[a * 2] = NAN;
        (*sidx)[a * 2 + 1] = saf[a];
    }
    setv(d, 0, 2020, "pop", 1000);
    setv(d, 0, 2020, "pop_18_64", 400);
    setv(d, 0, 2020, "noattach_18_64", 60);
    assert_int_equal(nbl__pdata_index(d), NBL_OK);
}

static void
main_cfg(nbl__profile_cfg *cfg, nbl__indicator *ind)
{
    nbl__profile_cfg_init(cfg);
    ind[0] = mk("lab", "noattach_18_64", "pop_18_64", NBL__UNIT_PERCENT, 1);
    ind[1] = mk("chi", "pop_0_17", "pop", NBL__UNIT_PERCENT, -1);
    ind[2] = mk("safety", NULL, NULL, NBL__UNIT_INDEX, -1);
    ind[2].source = NBL__SRC_SAFETY;
    ind[2].reference = NBL__REF_FIXED;
    cfg->ind = ind;
    cfg->n_ind = 3;
    cfg->bands[0] = 1;
    cfg->bands[1] = 3;
    cfg->bands[2] = 6;
}

static void
cfg_done(nbl__profile_cfg *cfg)
{
    cfg->ind = NULL; /* borrowed from the test */
    cfg->n_ind = 0;
    nbl__profile_cfg_free(cfg);
}

#define ROW(a, y, i) (&rows[((a)*2 + (y)) * 3 + (i)])

static void
test_profile_main(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__indicator ind[3];
    nbl__prow rows[7 * 2 * 3];
    nbl__pscore sc[7 * 2];
    double *sidx;
    const double ref_chi = 100.0 * 1000 / 4400;
    (void)state;
    build_main(&d, &sidx);
    main_cfg(&cfg, ind);
    assert_int_equal(nbl__profile_run(&d, &cfg, sidx, rows, sc), NBL_OK);

    /* lab, 2021 (y = 1) */
    assert_int_equal(ROW(0, 1, 0)->status, NBL__ST_OK);
    assert_float_equal(ROW(0, 1, 0)->value, 20, TOL);
    assert_float_equal(ROW(0, 1, 0)->reference, 25, TOL);
    assert_float_equal(ROW(0, 1, 0)->sd_distance, -0.5, TOL);
    assert_int_equal(ROW(0, 1, 0)->points, 0);
    assert_float_equal(ROW(2, 1, 0)->value, 40, TOL);
    assert_float_equal(ROW(2, 1, 0)->sd_distance, 1.5, TOL);
    assert_int_equal(ROW(2, 1, 0)->points, 2);
    assert_float_equal(ROW(4, 1, 0)->value, 100.0 * 18 / 390, TOL);
    assert_float_equal(ROW(4, 1, 0)->sd_distance, (100.0 * 18 / 390 - 25) / 10,
                       TOL);
    assert_int_equal(ROW(4, 1, 0)->points, -1); /* E: 400 residents */
    assert_int_equal(ROW(5, 1, 0)->status, NBL__ST_NOT_EVALUABLE);
    assert_true(isnan(ROW(5, 1, 0)->value));
    assert_float_equal(ROW(5, 1, 0)->reference, 25, TOL);
    assert_true(isnan(ROW(5, 1, 0)->sd_distance));
    /* H alone in its municipality: reference = itself, no SD */
    assert_float_equal(ROW(6, 1, 0)->reference, 50, TOL);
    assert_true(isnan(ROW(6, 1, 0)->sd_distance));
    assert_int_equal(ROW(6, 1, 0)->points, -1);
    /* change from last year: A only */
    assert_float_equal(ROW(0, 1, 0)->change, 5, TOL);
    assert_float_equal(ROW(0, 0, 0)->value, 15, TOL);
    assert_true(isnan(ROW(1, 1, 0)->change));
    assert_int_equal(ROW(1, 0, 0)->status, NBL__ST_MISSING);

    /* chi: higher is better, so the sign flips */
    assert_float_equal(ROW(0, 1, 1)->reference, ref_chi, TOL);
    assert_float_equal(ROW(0, 1, 1)->sd_distance, -(15 - ref_chi) / 10, TOL);
    assert_int_equal(ROW(0, 1, 1)->points, 1);
    assert_float_equal(ROW(1, 1, 1)->sd_distance, -(35 - ref_chi) / 10, TOL);
    assert_int_equal(ROW(1, 1, 1)->points, 0);
    assert_float_equal(ROW(4, 1, 1)->value, 0, TOL); /* a real zero */
    assert_int_equal(ROW(5, 1, 1)->status, NBL__ST_MISSING);

    /* safety: fixed reference 100, 2 SD exactly -> 3 points */
    assert_float_equal(ROW(2, 1, 2)->reference, 100, TOL);
    assert_float_equal(ROW(2, 1, 2)->sd_distance, 2, TOL);
    assert_int_equal(ROW(2, 1, 2)->points, 3);
    assert_int_equal(ROW(0, 1, 2)->points, 0);
    assert_int_equal(ROW(4, 1, 2)->status, NBL__ST_MISSING);

    /* scores */
    assert_int_equal(sc[0 * 2 + 1].points, 1);
    assert_int_equal(sc[0 * 2 + 1].band, 1); /* yellow */
    assert_int_equal(sc[1 * 2 + 1].points, 0);
    assert_int_equal(sc[1 * 2 + 1].band, 0); /* green */
    assert_int_equal(sc[2 * 2 + 1].points, 6);
    assert_int_equal(sc[2 * 2 + 1].band, 3); /* red */
    assert_int_equal(sc[3 * 2 + 1].points, 5);
    assert_int_equal(sc[3 * 2 + 1].band, 2);  /* orange */
    assert_int_equal(sc[4 * 2 + 1].band, -1); /* E: not scored */
    assert_int_equal(sc[5 * 2 + 1].band, -1); /* F: 3 without points */
    assert_int_equal(sc[5 * 2 + 1].n_missing, 3);
    assert_int_equal(sc[6 * 2 + 1].band, -1); /* H: no SD */

    /* max_missing 3 lets F be banded on the points it has (none) */
    cfg.max_missing = 3;
    assert_int_equal(nbl__profile_run(&d, &cfg, sidx, rows, sc), NBL_OK);
    assert_int_equal(sc[5 * 2 + 1].points, 0);
    assert_int_equal(sc[5 * 2 + 1].band, 0);
    /* min_residents 300 makes E scored. chi values A-E 15,35,15,35,0:
     * mean 20, squared deviations 25+225+25+225+400 = 900, SD
     * sqrt(900/5) = sqrt(180) = 13.416; E: 22.7273/13.416 = 1.694 -> 2 */
    cfg.min_residents = 300;
    assert_int_equal(nbl__profile_run(&d, &cfg, sidx, rows, sc), NBL_OK);
    assert_float_equal(ROW(4, 1, 1)->sd_distance, ref_chi / sqrt(180), TOL);
    assert_int_equal(ROW(4, 1, 1)->points, 2);
    free(sidx);
    cfg_done(&cfg);
    nbl__pdata_free(&d);
}

/* Two rows with the same bits in every field (NAN included). */
static void
same_row(const nbl__prow *x, const nbl__prow *y)
{
    assert_memory_equal(&x->value, &y->value, sizeof x->value);
    assert_memory_equal(&x->reference, &y->reference, sizeof x->reference);
    assert_memory_equal(&x->sd_distance, &y->sd_distance,
                        sizeof x->sd_distance);
    assert_memory_equal(&x->change, &y->change, sizeof x->change);
    assert_int_equal(x->status, y->status);
    assert_int_equal(x->points, y->points);
}

/* The profile made area by area (nbl__profile_prepare, nbl__profile_area)
 * on the same table: the prepared municipal sums by hand (see the table
 * above) and C's rows and score in 2021, and every area's rows equal to
 * nbl__profile_run's to the bit. */
static void
test_profile_by_area(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__indicator ind[3];
    nbl__prow rows[7 * 2 * 3], one[2 * 3];
    nbl__pscore sc[7 * 2], osc[2];
    nbl__pprep p;
    double *sidx;
    size_t m751, at;
    (void)state;
    build_main(&d, &sidx);
    main_cfg(&cfg, ind);
    assert_int_equal(nbl__profile_prepare(&p, &d, &cfg, sidx), NBL_OK);
    assert_int_equal(p.nm, 2); /* "147" and "751", sorted */
    m751 = (size_t)d.muni[0];
    assert_int_equal(m751, 1);
    /* lab, 2021 (y = 1, i = 0), municipality 751: pooled 500 / 2000; the
     * values of A-D 20, 20, 40, 40: sum 120, 4 of them, squared
     * deviations from 30: 4 x 100 */
    at = ((size_t)1 * 3 + 0) * p.nm + m751;
    assert_float_equal(p.pnum[at], 500, TOL);
    assert_float_equal(p.pden[at], 2000, TOL);
    assert_float_equal(p.sum[at], 120, TOL);
    assert_float_equal(p.cnt[at], 4, TOL);
    assert_float_equal(p.sq[at], 400, TOL);
    assert_int_equal(p.present[((size_t)1 * p.nm + m751) * 3 + 0], 1);
    /* 2020: only A has lab (15 %), pooled 60 / 400, one value: no SD */
    at = ((size_t)0 * 3 + 0) * p.nm + m751;
    assert_float_equal(p.pnum[at], 60, TOL);
    assert_float_equal(p.pden[at], 400, TOL);
    assert_float_equal(p.cnt[at], 1, TOL);
    assert_int_equal(p.present[((size_t)0 * p.nm + m751) * 3 + 1], 0);

    nbl__profile_area(&p, 2, one, osc); /* C */
    assert_float_equal(one[3 + 0].value, 40, TOL);
    assert_float_equal(one[3 + 0].reference, 25, TOL);
    assert_float_equal(one[3 + 0].sd_distance, 1.5, TOL);
    assert_int_equal(one[3 + 0].points, 2);
    assert_int_equal(one[3 + 2].points, 3);
    assert_int_equal(osc[1].points, 6);
    assert_int_equal(osc[1].band, 3);
    assert_int_equal(one[0].status, NBL__ST_MISSING); /* no 2020 data */
    nbl__profile_area(&p, 0, one, osc); /* A: 15 % -> 20 %, change +5 */
    assert_float_equal(one[3 + 0].change, 5, TOL);

    assert_int_equal(nbl__profile_run(&d, &cfg, sidx, rows, sc), NBL_OK);
    for (size_t a = 0; a < 7; a++) {
        nbl__profile_area(&p, a, one, osc);
        for (size_t k = 0; k < 6; k++)
            same_row(&one[k], &rows[a * 6 + k]);
        for (size_t y = 0; y < 2; y++) {
            assert_int_equal(osc[y].points, sc[a * 2 + y].points);
            assert_int_equal(osc[y].band, sc[a * 2 + y].band);
            assert_int_equal(osc[y].n_missing, sc[a * 2 + y].n_missing);
        }
    }
    nbl__pprep_free(&p);
    nbl__pprep_free(&p); /* freed twice: a no-op */
    free(sidx);
    cfg_done(&cfg);
    nbl__pdata_free(&d);
}

/* nbl__pdata_alloc_take keeps the values it is given (no NAN fill) and
 * nbl__pdata_reserve_inc sizes the incident counts once. */
static void
test_pdata_take_and_reserve(void **state)
{
    static const char *vars[] = {"pop", "x"};
    nbl__pdata d;
    double *v = malloc(2 * 3 * 2 * sizeof *v);
    (void)state;
    for (int i = 0; i < 12; i++)
        v[i] = i * 10.0;
    assert_int_equal(nbl__pdata_alloc_take(&d, 2, 2020, 3, vars, 2, v), NBL_OK);
    assert_ptr_equal(d.v, v);
    /* area 1, 2021 (y = 1), x (k = 1): (1 * 3 + 1) * 2 + 1 = 9 -> 90 */
    assert_float_equal(nbl__pdata_get(&d, 1, 2021, 1), 90, TOL);
    assert_float_equal(nbl__pdata_get(&d, 0, 2020, 0), 0, TOL);
    assert_true(isnan(nbl__pdata_get(&d, 0, 2023, 0))); /* out of span */
    assert_int_equal(nbl__pdata_reserve_inc(&d, 3), NBL_OK);
    assert_int_equal(d.cap_inc, 3);
    assert_int_equal(nbl__pdata_add_inc(&d, 0, 2020, "vold", 2), NBL_OK);
    assert_int_equal(nbl__pdata_add_inc(&d, 1, 2020, "tyveri", 5), NBL_OK);
    assert_int_equal(nbl__pdata_add_inc(&d, 1, 2021, "vold", 1), NBL_OK);
    assert_int_equal(d.cap_inc, 3); /* not grown */
    assert_int_equal(d.n_cats, 2);  /* "tyveri", "vold" kept once each */
    assert_ptr_equal(d.inc[0].category, d.inc[2].category);
    assert_int_equal(d.inc[1].area, 1);
    assert_float_equal(d.inc[1].n, 5, TOL);
    assert_int_equal(nbl__pdata_add_inc(&d, 0, 2022, "vold", 4), NBL_OK);
    assert_true(d.cap_inc > 3); /* a fourth grows it */
    assert_int_equal(d.n_inc, 4);
    nbl__pdata_free(&d);
    /* no values given: every cell NAN */
    assert_int_equal(nbl__pdata_alloc_take(&d, 1, 2020, 1, vars, 2, NULL),
                     NBL_OK);
    assert_true(isnan(nbl__pdata_get(&d, 0, 2020, 0)));
    assert_true(isnan(nbl__pdata_get(&d, 0, 2020, 1)));
    nbl__pdata_free(&d);
}

/* Sample SD would give other distances: population SD is the convention. */
static void
test_population_sd(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__indicator ind[3];
    nbl__prow rows[7 * 2 * 3];
    nbl__pscore sc[7 * 2];
    double *sidx;
    (void)state;
    build_main(&d, &sidx);
    main_cfg(&cfg, ind);
    assert_int_equal(nbl__profile_run(&d, &cfg, sidx, rows, sc), NBL_OK);
    /* sample SD sqrt(400/3) = 11.547 would give 15/11.547 = 1.299 */
    assert_true(fabs(ROW(2, 1, 0)->sd_distance - 15 / sqrt(400.0 / 3)) > 0.1);
    free(sidx);
    cfg_done(&cfg);
    nbl__pdata_free(&d);
}

/*
 * Window 2 (pooled): A (60+80)/(400+400) = 17.5 %; B has no 2020 -> missing.
 * 2020 is the first year: its window reaches 2019, which is not in the
 * table -> missing.
 */
static void
test_window(void **state)
{
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__indicator ind[3];
    nbl__prow rows[7 * 2 * 3];
    nbl__pscore sc[7 * 2];
    double *sidx;
    (void)state;
    build_main(&d, &sidx);
    main_cfg(&cfg, ind);
    ind[0].window = 2;
    assert_int_equal(nbl__profile_run(&d, &cfg, sidx, rows, sc), NBL_OK);
    assert_float_equal(ROW(0, 1, 0)->value, 17.5, TOL);
    assert_int_equal(ROW(1, 1, 0)->status, NBL__ST_MISSING);
    assert_int_equal(ROW(0, 0, 0)->status, NBL__ST_MISSING);
    /* pooled reference over the areas with both years: A only */
    assert_float_equal(ROW(0, 1, 0)->reference, 17.5, TOL);
    free(sidx);
    cfg_done(&cfg);
    nbl__pdata_free(&d);
}

/*
 * Income relative to the region, and imported references.
 *   A: income 12,000,000 over 40 taxpayers = 300,000 DKK
 *   B: only income_mean_15_64 = 200,000 with 40 taxpayers (-> 8,000,000)
 *   C: 10 taxpayers (< 20): not evaluable; income 2,000,000 still pooled
 *   region 1084: 1,000,000,000 / 4,000 = 250,000
 *   A = 100 * 300,000 / 250,000 = 120; B = 80
 *   municipal reference: (12e6 + 8e6 + 2e6) / 90 = 244,444.4 -> 97.7778
 * Imported reference (refs municipality 751): income_mean_15_64 = 225,000
 *   and no sums -> 100 * 225,000 / 250,000 = 90.
 */
static void
test_income_relative(void **state)
{
    static const char *vars[] = {"pop", "income_15_64", "taxpayers_15_64",
                                 "income_mean_15_64"};
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__indicator ind[1];
    nbl__prow rows[3];
    nbl__pscore sc[3];
    (void)state;
    assert_int_equal(nbl__pdata_alloc(&d, 3, 2021, 1, vars, 4), NBL_OK);
    nbl__pdata_set_area(&d, 0, "A", "751", "1084");
    nbl__pdata_set_area(&d, 1, "B", "751", "1084");
    nbl__pdata_set_area(&d, 2, "C", "751", "1084");
    setv(&d, 0, 2021, "income_15_64", 12e6);
    setv(&d, 0, 2021, "taxpayers_15_64", 40);
    setv(&d, 1, 2021, "income_mean_15_64", 200000);
    setv(&d, 1, 2021, "taxpayers_15_64", 40);
    setv(&d, 2, 2021, "income_15_64", 2e6);
    setv(&d, 2, 2021, "taxpayers_15_64", 10);
    nbl__pdata_add_ref(&d, "region", "1084", 2021, "income_15_64", 1e9);
    nbl__pdata_add_ref(&d, "region", "1084", 2021, "taxpayers_15_64", 4000);
    nbl__pdata_add_ref(&d, "municipality", "751", 2021, "income_mean_15_64",
                       225000);
    assert_int_equal(nbl__pdata_index(&d), NBL_OK);
    nbl__profile_cfg_init(&cfg);
    ind[0] =
        mk("income", "income_15_64", "taxpayers_15_64", NBL__UNIT_INDEX, -1);
    ind[0].mean_variable = (char *)"income_mean_15_64";
    ind[0].relative_to = NBL__REL_REGION;
    cfg.ind = ind;
    cfg.n_ind = 1;
    assert_int_equal(nbl__profile_run(&d, &cfg, NULL, rows, sc), NBL_OK);
    assert_float_equal(rows[0].value, 120, TOL);
    assert_float_equal(rows[1].value, 80, TOL);
    assert_int_equal(rows[2].status, NBL__ST_NOT_EVALUABLE);
    assert_float_equal(rows[0].reference, 100.0 * (22e6 / 90) / 250000, TOL);
    /* no pop: nobody is scored */
    assert_int_equal(rows[0].points, -1);
    assert_int_equal(sc[0].band, -1);

    ind[0].reference = NBL__REF_IMPORTED;
    assert_int_equal(nbl__profile_run(&d, &cfg, NULL, rows, sc), NBL_OK);
    assert_float_equal(rows[0].reference, 90, TOL);
    assert_float_equal(rows[2].reference, 90, TOL);
    /* SD over A, B (no pop, so not scored: SD needs scored areas) */
    assert_true(isnan(rows[0].sd_distance));
    cfg_done(&cfg);
    nbl__pdata_free(&d);
}

/*
 * An area without a municipality has a value but no reference, SD or band;
 * an indicator no area of the municipality has is left out of the score.
 *   A 100/400 = 25 %, B 60/400 = 15 %, Z (no municipality) 40/400 = 10 %.
 *   Reference (A, B) 160/800 = 20 %, SD 5: A +1 -> 2 points, B -1 -> 0.
 *   chi: no pop_0_17 anywhere -> not counted, A and B are banded on lab.
 */
static void
test_no_municipality(void **state)
{
    static const char *vars[] = {"pop", "pop_18_64", "noattach_18_64",
                                 "pop_0_17"};
    nbl__pdata d;
    nbl__profile_cfg cfg;
    nbl__indicator ind[3];
    nbl__prow rows[3 * 3];
    nbl__pscore sc[3];
    size_t a;
    (void)state;
    assert_int_equal(nbl__pdata_alloc(&d, 3, 2021, 1, vars, 4), NBL_OK);
    nbl__pdata_set_area(&d, 0, "A", "751", NULL);
    nbl__pdata_set_area(&d, 1, "B", "751", NULL);
    nbl__pdata_set_area(&d, 2, "Z", NULL, NULL);
    for (a = 0; a < 3; a++) {
        setv(&d, a, 2021, "pop", 1000);
        setv(&d, a, 2021, "pop_18_64", 400);
    }
    setv(&d, 0, 2021, "noattach_18_64", 100);
    setv(&d, 1, 2021, "noattach_18_64", 60);
    setv(&d, 2, 2021, "noattach_18_64", 40);
    assert_int_equal(nbl__pdata_index(&d), NBL_OK);
    main_cfg(&cfg, ind);
    cfg.n_ind = 2; /* lab, chi */
    assert_int_equal(nbl__profile_run(&d, &cfg, NULL, rows, sc), NBL_OK);
    assert_float_equal(rows[0 * 2 + 0].reference, 20, TOL);
    assert_float_equal(rows[0 * 2 + 0].sd_distance, 1, TOL);
    assert_int_equal(rows[0 * 2 + 0].points, 2);
    assert_int_equal(sc[0].points, 2);
    assert_int_equal(sc[0].band, 1); /* bands 1, 3, 6: yellow */
    assert_int_equal(sc[1].band, 0);
    assert_float_equal(rows[2 * 2 + 0].value, 10, TOL);
    assert_true(isnan(rows[2 * 2 + 0].reference));
    assert_int_equal(sc[2].band, -1);
    cfg_done(&cfg);
    nbl__pdata_free(&d);
}

static void
test_config_defaults(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__profile_cfg cfg;
    static const char *names[] = {"noattach",  "children",    "turnover",
                                  "evictions", "nonwestern",  "basic_edu",
                                  "income",    "convictions", "safety"};
    size_t i;
    int k;
    (void)state;
    assert_int_equal(nbl__profile_cfg_load(ctx, &cfg, NULL), NBL_OK);
    assert_int_equal(cfg.n_ind, 9);
    for (i = 0; i < 9; i++)
        assert_string_equal(cfg.ind[i].name, names[i]);
    assert_float_equal(cfg.min_residents, 500, 0);
    assert_float_equal(cfg.steps[0], 0.5, 0);
    assert_float_equal(cfg.bands[2], 14, 0);
    k = nbl__profile_cfg_find(&cfg, "income");
    assert_int_equal(cfg.ind[k].relative_to, NBL__REL_REGION);
    assert_int_equal(cfg.ind[k].direction, -1);
    assert_string_equal(cfg.ind[k].mean_variable, "income_mean_15_64");
    k = nbl__profile_cfg_find(&cfg, "convictions");
    assert_int_equal(cfg.ind[k].unit, NBL__UNIT_PER_1000);
    assert_int_equal(cfg.ind[k].window, 2);
    k = nbl__profile_cfg_find(&cfg, "safety");
    assert_int_equal(cfg.ind[k].source, NBL__SRC_SAFETY);
    assert_float_equal(cfg.safety.w_perceived, 0.5, 0);
    assert_float_equal(cfg.safety.w_problems, 0.2, 0);
    assert_float_equal(cfg.safety.w_registered, 0.3, 0);
    assert_float_equal(cfg.safety.min_respondents, 30, 0);
    assert_string_equal(cfg.safety.band_labels[3], "behov for markant indsats");
    assert_float_equal(nbl__safety_category_weight(&cfg.safety, "x"), 1, 0);
    nbl__profile_cfg_free(&cfg);
    nbl_ctx_free(ctx);
}

static void
test_config_override(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__profile_cfg cfg;
    const char *text =
        "[project]\nname = x\n"
        "[profile]\nmin_residents = 1000\nbands = 2, 4, 8\n"
        "[indicator.turnover]\nenabled = false\n"
        "[indicator.noattach]\nwindow = 2\n"
        "[indicator.rent_arrears]\nlabel_en = Rent arrears\n"
        "numerator = arrears\ndenominator = households\nunit = per_1000\n"
        "direction = higher_is_worse\nreference = imported\n"
        "[safety]\nweight_problems = 0\ncategory.violence = 2\n"
        "band_labels = a, b, c, d\n";
    const char *path = nbl_test_write("override.ini", text);
    int k;
    (void)state;
    assert_int_equal(nbl__profile_cfg_load(ctx, &cfg, path), NBL_OK);
    assert_int_equal(cfg.n_ind, 9); /* 9 - turnover + rent_arrears */
    assert_int_equal(nbl__profile_cfg_find(&cfg, "turnover"), -1);
    assert_string_equal(cfg.ind[8].name, "rent_arrears");
    assert_string_equal(cfg.ind[8].label_da, "rent_arrears");
    assert_int_equal(cfg.ind[8].reference, NBL__REF_IMPORTED);
    k = nbl__profile_cfg_find(&cfg, "noattach");
    assert_int_equal(cfg.ind[k].window, 2);
    assert_float_equal(cfg.min_residents, 1000, 0);
    assert_float_equal(cfg.bands[1], 4, 0);
    assert_float_equal(cfg.safety.w_problems, 0, 0);
    assert_float_equal(nbl__safety_category_weight(&cfg.safety, "violence"), 2,
                       0);
    assert_string_equal(cfg.safety.band_labels[0], "a");
    assert_string_equal(cfg.safety.band_labels[3], "d");
    nbl__profile_cfg_free(&cfg);
    nbl_ctx_free(ctx);
}

static void
expect_error(const char *text, int code, const char *msg)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__profile_cfg cfg;
    assert_int_equal(nbl__profile_cfg_load_text(ctx, &cfg, text, "my.ini"),
                     code);
    if (!strstr(nbl_ctx_errmsg(ctx), msg))
        fail_msg("'%s' does not contain '%s'", nbl_ctx_errmsg(ctx), msg);
    assert_int_equal(cfg.n_ind, 0);
    nbl_ctx_free(ctx);
}

static void
test_config_errors(void **state)
{
    (void)state;
    expect_error("[profile]\n\nsteps = 1, 0.5, 2\n", NBL_EINVAL,
                 "my.ini:3: [profile]: key 'steps': expected three");
    expect_error("[indicator.noattach]\nunit = procent\n", NBL_EINVAL,
                 "my.ini:2: [indicator.noattach]: key 'unit': expected "
                 "percent, per_1000 or index: 'procent'");
    expect_error("[indicator.x]\nnumerator = a\ndenominator = b\n", NBL_EINVAL,
                 "my.ini: [indicator.x]: key 'direction' is "
                 "required");
    /* every word list is spelt out in the message */
    expect_error("[indicator.x]\ndirection = up\n", NBL_EINVAL,
                 "key 'direction': expected higher_is_worse or "
                 "higher_is_better: 'up'");
    expect_error("[indicator.x]\nreference = own\n", NBL_EINVAL,
                 "key 'reference': expected municipal, imported or fixed: "
                 "'own'");
    expect_error("[indicator.x]\nsource = survey\n", NBL_EINVAL,
                 "key 'source': expected stats or safety: 'survey'");
    expect_error("[safety]\nreference = region\n", NBL_EINVAL,
                 "[safety]: key 'reference': expected municipality or "
                 "imported: 'region'");
    expect_error("[indicator.Bad-Name]\nunit = percent\n", NBL_EINVAL,
                 "indicator names use");
    expect_error("[safety]\nweight = 1\n", NBL_EINVAL,
                 "[safety]: key 'weight': unknown key");
    expect_error("[safety]\nweight_perceived = 0\nweight_problems = 0\n"
                 "weight_registered = 0\n",
                 NBL_EINVAL, "all 0");
    expect_error("[safety]\nbands = 80, 90, 100\n", NBL_EINVAL, "descending");
    expect_error("[indicator.safety]\nreference = municipal\n", NBL_EINVAL,
                 "reference = fixed");
    expect_error("[profile\n", NBL_EFORMAT, "my.ini:1: not a valid INI");
    {
        nbl_ctx *ctx = nbl_ctx_new();
        nbl__profile_cfg cfg;
        assert_int_equal(
            nbl__profile_cfg_load(ctx, &cfg, nbl_test_path("nope.ini")),
            NBL_EIO);
        assert_non_null(strstr(nbl_ctx_errmsg(ctx), "nope.ini"));
        nbl_ctx_free(ctx);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_points_and_bands),
        cmocka_unit_test(test_profile_main),
        cmocka_unit_test(test_profile_by_area),
        cmocka_unit_test(test_pdata_take_and_reserve),
        cmocka_unit_test(test_population_sd),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_income_relative),
        cmocka_unit_test(test_no_municipality),
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_config_override),
        cmocka_unit_test(test_config_errors),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
