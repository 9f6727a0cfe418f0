/*
 * test_criteria.c - the criteria arithmetic and the category decision, per
 * ruleset, on areas built by hand (no I/O). Every expected value is worked
 * out in the comment beside it.
 *
 * Standard area-year (fill()): pop_18_64 = 1000, pop_18p = 1000,
 * pop_30_59 = 1000, taxpayers_15_64 = 1000, so a count of k gives k/10 %.
 * Country: pop_18p = 1,000,000, convicted_18p = 10,000 (1.00 %), so an area
 * with c convicted has the ratio (c/10 %) / 1 % = c/10.
 * Region: 1000 taxpayers with 300,000,000 DKK (mean 300,000), so an area
 * income of i % means income_15_64 = i/100 * 300,000 * 1000.
 */
#include "nbl_test.h"

#include <math.h>

#include "model/criteria.h"
#include "model/ruleset.h"

#define MAXY 16

typedef struct tab {
    const nbl__ruleset *rs;
    int first, ny;
    double area[MAXY * NBL_RS_MAX_VARS];
    double country[MAXY * NBL_RS_MAX_VARS];
    double region[MAXY * NBL_RS_MAX_VARS];
    int no_country, no_region;
} tab;

static nbl__ruleset *
load(const char *name)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__ruleset *rs = NULL;
    int rc = nbl__ruleset_load(ctx, name, NULL, &rs);
    if (rc)
        fprintf(stderr, "%s\n", nbl_ctx_errmsg(ctx));
    assert_int_equal(rc, 0);
    nbl_ctx_free(ctx);
    return rs;
}

static void
tinit(tab *t, const nbl__ruleset *rs, int first, int ny)
{
    memset(t, 0, sizeof *t);
    t->rs = rs;
    t->first = first;
    t->ny = ny;
    for (int i = 0; i < MAXY * NBL_RS_MAX_VARS; i++)
        t->area[i] = t->country[i] = t->region[i] = NAN;
}

static int
vidx(const tab *t, const char *var)
{
    for (int i = 0; i < t->rs->nvars; i++)
        if (strcmp(t->rs->vars[i], var) == 0)
            return i;
    return -1; /* the ruleset does not read it */
}

static void
put(tab *t, double *which, int year, const char *var, double v)
{
    int i = vidx(t, var);
    if (i < 0)
        return;
    assert_true(year >= t->first && year < t->first + t->ny);
    which[(year - t->first) * t->rs->nvars + i] = v;
}

/* One year of an area: shares in percent (lab, edu, eth), convicted count
 * per 1000 (cri), income in percent of the region (inc), residents. */
static void
fill(tab *t, int year, double lab, double cri, double edu, double inc,
     double eth, double pop)
{
    put(t, t->area, year, "pop_18_64", 1000);
    put(t, t->area, year, "noattach_18_64", lab * 10);
    put(t, t->area, year, "pop_18p", 1000);
    put(t, t->area, year, "convicted_18p", cri);
    put(t, t->area, year, "pop_30_59", 1000);
    put(t, t->area, year, "basic_edu_30_59", edu * 10);
    put(t, t->area, year, "basic_or_unknown_edu_30_59", edu * 10);
    put(t, t->area, year, "taxpayers_15_64", 1000);
    put(t, t->area, year, "income_15_64", inc / 100 * 300000 * 1000);
    put(t, t->area, year, "pop", pop);
    put(t, t->area, year, "nonwestern", eth / 100 * pop);
    put(t, t->country, year, "pop_18p", 1000000);
    put(t, t->country, year, "convicted_18p", 10000);
    put(t, t->region, year, "taxpayers_15_64", 1000);
    put(t, t->region, year, "income_15_64", 300000.0 * 1000);
}

static nbl__crit_table
view(const tab *t)
{
    nbl__crit_table v;
    v.first_year = t->first;
    v.nyears = t->ny;
    v.nvars = t->rs->nvars;
    v.area = t->area;
    v.country = t->no_country ? NULL : t->country;
    v.region = t->no_region ? NULL : t->region;
    return v;
}

static nbl__crit_result
crit(const tab *t, const char *id, int year)
{
    nbl__crit_table v = view(t);
    nbl__crit_result r;
    int i = nbl__ruleset_find(t->rs, id);
    assert_true(i >= 0);
    nbl__criterion_eval(t->rs, i, &v, year, &r);
    return r;
}

static nbl__cat_result
category(const tab *t, int year)
{
    nbl__crit_table v = view(t);
    nbl__crit_result res[NBL_RS_MAX_CRIT];
    nbl__cat_result c;
    nbl__criteria_eval(t->rs, &v, year, res, &c);
    return c;
}

#define CLOSE(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* ---- comparisons ---- */

static void
test_compare_strictness(void **state)
{
    (void)state;
    assert_false(nbl__crit_compare(NBL_OP_GT, 40.0, 40.0));
    assert_true(nbl__crit_compare(NBL_OP_GT, 40.01, 40.0));
    assert_true(nbl__crit_compare(NBL_OP_GE, 3.0, 3.0));
    assert_false(nbl__crit_compare(NBL_OP_GE, 2.999, 3.0));
    assert_false(nbl__crit_compare(NBL_OP_LT, 55.0, 55.0));
    assert_true(nbl__crit_compare(NBL_OP_LT, 54.99, 55.0));
    assert_true(nbl__crit_compare(NBL_OP_LE, 55.0, 55.0));
    /* (40.1 + 39.9) / 2 is 40.000000000000007 in doubles: still "= 40" */
    assert_false(nbl__crit_compare(NBL_OP_GT, (40.1 + 39.9) / 2, 40.0));
    assert_true(nbl__crit_compare(NBL_OP_GE, (2.9 + 3.1) / 2, 3.0));
}

/* ---- dk2021: each threshold at its boundary ---- */

static void
test_dk2021_boundaries(void **state)
{
    nbl__ruleset *rs = load("dk2021");
    tab t;
    nbl__crit_result r;
    (void)state;
    tinit(&t, rs, 2020, 2);
    /* lab 40.0 % both years: mean 40.0, not > 40; met_low (> 30) */
    fill(&t, 2020, 40, 30, 60, 55, 50, 1000);
    fill(&t, 2021, 40, 30, 60, 55, 50, 1000);
    r = crit(&t, "lab", 2021);
    assert_int_equal(r.status, NBL_CS_OK);
    CLOSE(r.value, 40.0);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 1);
    /* cri 30 of 1000 = 3.0 %, country 1.0 %: ratio 3.0, met (>= 3) */
    r = crit(&t, "cri", 2021);
    CLOSE(r.value, 3.0);
    CLOSE(r.ratio, 3.0);
    assert_int_equal(r.met, 1);
    assert_int_equal(r.met_low, 1);
    CLOSE(r.threshold, 3.0);
    CLOSE(r.threshold_low, 2.0);
    /* edu 600 of 1000 = 60.0 %: not > 60 (main nor low) */
    r = crit(&t, "edu", 2021);
    CLOSE(r.value, 60.0);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 0);
    /* inc: mean 165,000 / region 300,000 = 55.0 %: not < 55; < 65 met_low */
    r = crit(&t, "inc", 2021);
    CLOSE(r.value, 55.0);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 1);
    /* eth 500 of 1000 = 50.0 %: not > 50; > 30 met_low */
    r = crit(&t, "eth", 2021);
    CLOSE(r.value, 50.0);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 1);
    /* size 1000: >= 1000 met */
    r = crit(&t, "size", 2021);
    CLOSE(r.value, 1000.0);
    assert_int_equal(r.met, 1);

    /* just across each boundary */
    fill(&t, 2020, 40.1, 29, 60.1, 54.9, 50.1, 999);
    fill(&t, 2021, 40.1, 29, 60.1, 54.9, 50.1, 999);
    assert_int_equal(crit(&t, "lab", 2021).met, 1);
    r = crit(&t, "cri", 2021); /* 2.9 % / 1 % = 2.9 < 3 */
    CLOSE(r.ratio, 2.9);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 1);
    assert_int_equal(crit(&t, "edu", 2021).met, 1);
    assert_int_equal(crit(&t, "inc", 2021).met, 1);
    assert_int_equal(crit(&t, "eth", 2021).met, 1);
    assert_int_equal(crit(&t, "size", 2021).met, 0);

    /* lower thresholds at their boundaries: lab 30.0, cri ratio 2.0,
     * inc 65.0, eth 30.0 */
    fill(&t, 2020, 30, 20, 10, 65, 30, 1000);
    fill(&t, 2021, 30, 20, 10, 65, 30, 1000);
    assert_int_equal(crit(&t, "lab", 2021).met_low, 0);
    assert_int_equal(crit(&t, "cri", 2021).met_low, 1);
    assert_int_equal(crit(&t, "inc", 2021).met_low, 0);
    assert_int_equal(crit(&t, "eth", 2021).met_low, 0);
    nbl__ruleset_free(rs);
}

/* ---- window averaging: shares vs pooled ---- */

static void
test_averaging_modes(void **state)
{
    nbl__ruleset *rs = load("dk2021");
    tab t;
    nbl__crit_result r;
    (void)state;
    tinit(&t, rs, 2020, 2);
    fill(&t, 2020, 0, 0, 10, 100, 10, 2000);
    fill(&t, 2021, 0, 0, 10, 100, 10, 2000);
    /* lab: 2020 250/500 = 50 %, 2021 320/1000 = 32 %.
     * shares: (50 + 32) / 2 = 41 % (met); pooled: 570/1500 = 38 % (not) */
    put(&t, t.area, 2020, "pop_18_64", 500);
    put(&t, t.area, 2020, "noattach_18_64", 250);
    put(&t, t.area, 2021, "noattach_18_64", 320);
    /* cri: area 2020 20/500 = 4 %, 2021 20/1000 = 2 %; country 1 % both.
     * shares: (4 + 2) / 2 = 3 % -> ratio 3.0 (met);
     * pooled: 40/1500 = 2.667 % -> ratio 2.667 (not met) */
    put(&t, t.area, 2020, "pop_18p", 500);
    put(&t, t.area, 2020, "convicted_18p", 20);
    put(&t, t.area, 2021, "convicted_18p", 20);
    r = crit(&t, "lab", 2021);
    CLOSE(r.value, 41.0);
    assert_int_equal(r.met, 1);
    r = crit(&t, "cri", 2021);
    CLOSE(r.value, 3.0);
    CLOSE(r.ratio, 3.0);
    assert_int_equal(r.met, 1);

    rs->average = NBL_AVG_POOLED;
    r = crit(&t, "lab", 2021);
    CLOSE(r.value, 38.0);
    assert_int_equal(r.met, 0);
    r = crit(&t, "cri", 2021);
    CLOSE(r.value, 40.0 / 15.0);
    CLOSE(r.ratio, 40.0 / 15.0);
    assert_int_equal(r.met, 0);
    /* pooled country too: 2020 country 5,000 / 500,000 and 2021 20,000 /
     * 1,000,000 -> pooled 25,000 / 1,500,000 = 1.6667 %; shares would be
     * (1 + 2) / 2 = 1.5 %. Area pooled 2.6667 %: ratio 1.6 (pooled) */
    put(&t, t.country, 2020, "pop_18p", 500000);
    put(&t, t.country, 2020, "convicted_18p", 5000);
    put(&t, t.country, 2021, "convicted_18p", 20000);
    r = crit(&t, "cri", 2021);
    CLOSE(r.ratio, (40.0 / 15.0) / (25000.0 / 15000.0));
    rs->average = NBL_AVG_SHARES;
    r = crit(&t, "cri", 2021); /* 3 % / 1.5 % = 2.0 */
    CLOSE(r.ratio, 2.0);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 1);
    /* a per-criterion average overrides the ruleset's */
    rs->crit[nbl__ruleset_find(rs, "lab")].average = NBL_AVG_POOLED;
    CLOSE(crit(&t, "lab", 2021).value, 38.0);
    nbl__ruleset_free(rs);
}

/* ---- missing and not evaluable ---- */

static void
test_missing_inputs(void **state)
{
    nbl__ruleset *rs = load("dk2021");
    tab t;
    nbl__crit_result r;
    (void)state;
    tinit(&t, rs, 2020, 2);
    fill(&t, 2021, 45, 40, 70, 40, 40, 2000);
    /* 2020 has no data: the 2-year windows (lab, cri) are missing */
    r = crit(&t, "lab", 2021);
    assert_int_equal(r.status, NBL_CS_MISSING);
    assert_int_equal(r.met, -1);
    assert_true(isnan(r.value));
    assert_int_equal(crit(&t, "cri", 2021).status, NBL_CS_MISSING);
    /* one-year criteria are fine */
    assert_int_equal(crit(&t, "edu", 2021).status, NBL_CS_OK);
    /* edu 70 and inc 40 met: udsat decided whatever lab and cri are */
    assert_int_equal(category(&t, 2021).category, NBL_CAT_UDSAT);
    assert_int_equal(category(&t, 2021).criteria_not_evaluable, 2);

    /* missing reference: value kept, ratio and met unknown */
    fill(&t, 2020, 45, 40, 70, 40, 40, 2000);
    t.no_country = 1;
    r = crit(&t, "cri", 2021);
    assert_int_equal(r.status, NBL_CS_NOT_EVALUABLE);
    CLOSE(r.value, 4.0);
    assert_true(isnan(r.ratio));
    assert_int_equal(r.met, -1);
    t.no_country = 0;
    put(&t, t.country, 2020, "convicted_18p", NAN); /* a window year */
    assert_int_equal(crit(&t, "cri", 2021).status, NBL_CS_NOT_EVALUABLE);
    t.no_region = 1;
    assert_int_equal(crit(&t, "inc", 2021).status, NBL_CS_NOT_EVALUABLE);
    t.no_region = 0;
    /* income: the mean variable is used when the sum is missing */
    put(&t, t.area, 2021, "income_15_64", NAN);
    assert_int_equal(crit(&t, "inc", 2021).status, NBL_CS_MISSING);
    put(&t, t.area, 2021, "income_mean_15_64", 150000); /* 50 % */
    r = crit(&t, "inc", 2021);
    assert_int_equal(r.status, NBL_CS_OK);
    CLOSE(r.value, 50.0);
    /* zero denominator: not evaluable */
    put(&t, t.area, 2021, "pop_30_59", 0);
    put(&t, t.area, 2021, "basic_edu_30_59", 0);
    assert_int_equal(crit(&t, "edu", 2021).status, NBL_CS_NOT_EVALUABLE);
    nbl__ruleset_free(rs);
}

/* ---- category decisions with not-evaluable criteria ---- */

static void
test_category_decisions(void **state)
{
    nbl__ruleset *rs = load("dk2021");
    tab t;
    nbl__cat_result c;
    (void)state;
    tinit(&t, rs, 2020, 2);
    /* lab 45 and edu 70 met, cri 1.0 and inc 80 not, eth 40: udsat */
    fill(&t, 2020, 45, 10, 70, 80, 40, 2000);
    fill(&t, 2021, 45, 10, 70, 80, 40, 2000);
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_UDSAT);
    assert_int_equal(c.criteria_met, 2);
    assert_int_equal(c.criteria_needed, 2);
    assert_int_equal(c.parallel_years, 0);
    assert_int_equal(c.omdannelse_years, 5);
    /* size 999: no category at all */
    put(&t, t.area, 2021, "pop", 999);
    put(&t, t.area, 2021, "nonwestern", 400);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NONE);
    /* size unknown with 2 criteria met: not evaluable */
    put(&t, t.area, 2021, "pop", NAN);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NOT_EVALUABLE);

    /* 1 met (lab), 1 unknown (cri: no country), edu 10, inc 80 -> the
     * unknown one decides: not evaluable */
    fill(&t, 2020, 45, 10, 10, 80, 40, 2000);
    fill(&t, 2021, 45, 10, 10, 80, 40, 2000);
    t.no_country = 1;
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_NOT_EVALUABLE);
    assert_int_equal(c.criteria_met, 1);
    assert_int_equal(c.criteria_not_evaluable, 1);
    /* 0 met, 1 unknown of 2 needed, eth 10 (not > 30): none either way */
    fill(&t, 2020, 10, 10, 10, 80, 10, 2000);
    fill(&t, 2021, 10, 10, 10, 80, 10, 2000);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NONE);
    /* same with eth 40: cri unknown could make it forebyggelse only if a
     * second lower criterion held; lab 10, edu 10, inc 80 -> none */
    put(&t, t.area, 2021, "nonwestern", 800);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NONE);
    /* lab 35 (> 30 low) and cri unknown, eth 40: forebyggelse or none ->
     * not evaluable */
    fill(&t, 2020, 35, 10, 10, 80, 40, 2000);
    fill(&t, 2021, 35, 10, 10, 80, 40, 2000);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NOT_EVALUABLE);
    t.no_country = 0;
    nbl__ruleset_free(rs);
}

/* ---- forebyggelse vs udsat ---- */

static void
test_forebyggelse(void **state)
{
    nbl__ruleset *rs = load("dk2021");
    tab t;
    nbl__cat_result c;
    (void)state;
    tinit(&t, rs, 2020, 2);
    /* lab 35 (> 30), cri 25/1000 -> ratio 2.5 (>= 2), edu 20, inc 80,
     * eth 35 (> 30), 1000 residents: 2 lower criteria -> forebyggelse */
    fill(&t, 2020, 35, 25, 20, 80, 35, 1000);
    fill(&t, 2021, 35, 25, 20, 80, 35, 1000);
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_FOREBYGGELSE);
    assert_int_equal(c.criteria_met, 0);
    assert_int_equal(c.criteria_met_low, 2);
    /* eth exactly 30 %: the precondition (> 30) fails -> none */
    put(&t, t.area, 2021, "nonwestern", 300);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NONE);
    /* inc 64.9 % (< 65) as the second lower criterion instead of cri */
    fill(&t, 2020, 35, 10, 20, 64.9, 35, 1000);
    fill(&t, 2021, 35, 10, 20, 64.9, 35, 1000);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_FOREBYGGELSE);
    /* udsat wins over forebyggelse: lab 41 and edu 61 met, eth 35 */
    fill(&t, 2020, 41, 25, 61, 80, 35, 1000);
    fill(&t, 2021, 41, 25, 61, 80, 35, 1000);
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_UDSAT);
    assert_int_equal(c.criteria_met_low, 3);
    nbl__ruleset_free(rs);
}

/* ---- omdannelse history ---- */

static void
parallel_year(tab *t, int year)
{
    /* lab 45, edu 70 met; eth 60 (> 50) */
    fill(t, year, 45, 10, 70, 80, 60, 2000);
}

static void
test_omdannelse_history(void **state)
{
    nbl__ruleset *rs = load("dk2021");
    tab t;
    nbl__cat_result c;
    (void)state;
    /* 2016 .. 2021, parallelsamfund 2017-2021 (5 years): omdannelse */
    tinit(&t, rs, 2016, 6);
    /* 2016: eth 40 % -> not parallelsamfund, whatever lab and cri are
     * (their windows need 2015: missing). 2016's lab and cri count in
     * 2017's windows: lab (45 + 45) / 2 */
    fill(&t, 2016, 45, 10, 10, 80, 40, 2000);
    for (int y = 2017; y <= 2021; y++)
        parallel_year(&t, y);
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_OMDANNELSE);
    assert_int_equal(c.parallel_years, 5);
    assert_int_equal(c.omdannelse_years, 5);
    /* 2020: 4 years (2017-2020), 2016 not: parallelsamfund */
    c = category(&t, 2020);
    assert_int_equal(c.category, NBL_CAT_PARALLEL);
    assert_int_equal(c.parallel_years, 4);
    /* broken history: 2019 eth 45 % -> not parallelsamfund (udsat) */
    put(&t, t.area, 2019, "nonwestern", 900);
    assert_int_equal(category(&t, 2019).category, NBL_CAT_UDSAT);
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_PARALLEL);
    assert_int_equal(c.parallel_years, 2);
    /* a history year without data: cannot tell parallelsamfund from
     * omdannelse -> not evaluable, unless unknown_history = not_met */
    parallel_year(&t, 2019);
    for (int v = 0; v < rs->nvars; v++)
        t.area[(2018 - 2016) * rs->nvars + v] = NAN;
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_NOT_EVALUABLE);
    /* 2019's 2-year windows (lab, cri) need 2018: with edu met and lab
     * and cri unknown, 2019 cannot be decided either; known: 2020-2021 */
    assert_int_equal(c.parallel_years, 2);
    rs->unknown_history_not_met = 1;
    assert_int_equal(category(&t, 2021).category, NBL_CAT_PARALLEL);
    rs->unknown_history_not_met = 0;
    /* history before the first year of data is unknown too */
    tinit(&t, rs, 2021, 1);
    parallel_year(&t, 2021);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NOT_EVALUABLE);
    nbl__ruleset_free(rs);
}

/* ---- dk2018: 4 years, 5 during 2018-2020 ---- */

static void
test_dk2018_omdannelse(void **state)
{
    nbl__ruleset *rs = load("dk2018");
    tab t;
    nbl__cat_result c;
    (void)state;
    /* 2015 .. 2022: 2015 udsat only (eth 45 %), 2016-2022
     * parallelsamfund */
    tinit(&t, rs, 2015, 8);
    for (int y = 2015; y <= 2022; y++)
        parallel_year(&t, y);
    put(&t, t.area, 2015, "nonwestern", 900);
    c = category(&t, 2019); /* 4 years 2016-2019, 5 needed in 2019 */
    assert_int_equal(c.omdannelse_years, 5);
    assert_int_equal(c.parallel_years, 4);
    assert_int_equal(c.category, NBL_CAT_PARALLEL);
    c = category(&t, 2020); /* 5 years 2016-2020 */
    assert_int_equal(c.category, NBL_CAT_OMDANNELSE);
    /* after the transition 4 years suffice: break 2018, then 2019-2022 */
    put(&t, t.area, 2018, "nonwestern", 900);
    c = category(&t, 2022);
    assert_int_equal(c.omdannelse_years, 4);
    assert_int_equal(c.parallel_years, 4);
    assert_int_equal(c.category, NBL_CAT_OMDANNELSE);
    /* the same 4-year history under dk2021 (5 years) is parallelsamfund */
    {
        nbl__ruleset *rs21 = load("dk2021");
        tab t21 = t;
        t21.rs = rs21;
        /* dk2018 and dk2021 read the same variables in the same order */
        assert_int_equal(rs21->nvars, rs->nvars);
        assert_int_equal(category(&t21, 2022).category, NBL_CAT_PARALLEL);
        nbl__ruleset_free(rs21);
    }
    /* dk2018 has no forebyggelse: the forebyggelse area of dk2021 is none */
    tinit(&t, rs, 2020, 2);
    fill(&t, 2020, 35, 25, 20, 80, 35, 1000);
    fill(&t, 2021, 35, 25, 20, 80, 35, 1000);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NONE);
    assert_int_equal(crit(&t, "lab", 2021).met_low, -1);
    nbl__ruleset_free(rs);
}

/* ---- dk2013: 3 of 5, 2.70 %, unknown education as basic ---- */

static void
test_dk2013(void **state)
{
    nbl__ruleset *rs = load("dk2013");
    tab t;
    nbl__crit_result r;
    nbl__cat_result c;
    (void)state;
    tinit(&t, rs, 2020, 2);
    /* cri 27/1000 = 2.70 %: not > 2.70; edu 50.0: not > 50; lab 40: not;
     * eth 50: not; inc 55: not < 55 -> 0 met, none */
    fill(&t, 2020, 40, 27, 50, 55, 50, 1000);
    fill(&t, 2021, 40, 27, 50, 55, 50, 1000);
    r = crit(&t, "cri", 2021);
    CLOSE(r.value, 2.7);
    assert_true(isnan(r.ratio));
    assert_int_equal(r.met, 0);
    assert_int_equal(crit(&t, "edu", 2021).met, 0);
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_NONE);
    assert_int_equal(c.criteria_met, 0);
    assert_int_equal(c.criteria_needed, 3);
    /* 28/1000 = 2.80 % met; 2 of 5 (cri, lab 41) -> still none */
    fill(&t, 2020, 41, 28, 50, 55, 50, 1000);
    fill(&t, 2021, 41, 28, 50, 55, 50, 1000);
    assert_int_equal(category(&t, 2021).criteria_met, 2);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_NONE);
    /* the third: edu 50.1 % (basic or unknown) -> udsat */
    put(&t, t.area, 2021, "basic_or_unknown_edu_30_59", 501);
    c = category(&t, 2021);
    assert_int_equal(c.criteria_met, 3);
    assert_int_equal(c.category, NBL_CAT_UDSAT);
    /* it reads basic_or_unknown, not basic: basic alone 40 % is ignored */
    put(&t, t.area, 2021, "basic_edu_30_59", 400);
    assert_int_equal(category(&t, 2021).category, NBL_CAT_UDSAT);
    /* no parallelsamfund/omdannelse under dk2013: eth 90 % changes nothing
     * but the count */
    put(&t, t.area, 2021, "nonwestern", 900);
    c = category(&t, 2021);
    assert_int_equal(c.category, NBL_CAT_UDSAT);
    assert_int_equal(c.criteria_met, 4);
    assert_int_equal(c.omdannelse_years, 0);
    nbl__ruleset_free(rs);
}

/* ---- dk2010: 2 of 3, 4-year windows, 270 per 10,000 ---- */

static void
test_dk2010(void **state)
{
    nbl__ruleset *rs = load("dk2010");
    tab t;
    nbl__crit_result r;
    (void)state;
    tinit(&t, rs, 2017, 4);
    /* 27 of 1000 each year = 270 per 10,000 = 2.70 %: not over */
    for (int y = 2017; y <= 2020; y++)
        fill(&t, y, 41, 27, 0, 0, 51, 1000);
    r = crit(&t, "cri", 2020);
    CLOSE(r.value, 2.7);
    assert_int_equal(r.met, 0);
    /* lab 41 % (4-year mean) and eth 51 %: 2 of 3 -> udsat */
    assert_int_equal(category(&t, 2020).category, NBL_CAT_UDSAT);
    /* 4-year mean: 2017-2020 convicted 20, 30, 30, 32 -> 112/4000 = 2.8 %
     * (shares: (2.0 + 3.0 + 3.0 + 3.2) / 4 = 2.8): met */
    put(&t, t.area, 2017, "convicted_18p", 20);
    put(&t, t.area, 2018, "convicted_18p", 30);
    put(&t, t.area, 2019, "convicted_18p", 30);
    put(&t, t.area, 2020, "convicted_18p", 32);
    r = crit(&t, "cri", 2020);
    CLOSE(r.value, 2.8);
    assert_int_equal(r.met, 1);
    /* lab only 3 years of data in 2019's window (2016 absent): missing;
     * eth 51 met, cri 2019 window absent too -> 1 met, 2 unknown:
     * not evaluable */
    r = crit(&t, "lab", 2019);
    assert_int_equal(r.status, NBL_CS_MISSING);
    assert_int_equal(category(&t, 2019).category, NBL_CAT_NOT_EVALUABLE);
    /* lab 40 % over 4 years: exactly 40, not met; eth 51, cri 2.8 -> 2 */
    for (int y = 2017; y <= 2020; y++)
        put(&t, t.area, y, "noattach_18_64", 400);
    assert_int_equal(crit(&t, "lab", 2020).met, 0);
    assert_int_equal(category(&t, 2020).category, NBL_CAT_UDSAT);
    nbl__ruleset_free(rs);
}

/* ---- the same area under different laws ---- */

static void
test_same_area_different_laws(void **state)
{
    nbl__ruleset *r13 = load("dk2013"), *r21 = load("dk2021"),
                 *r10 = load("dk2010");
    tab t;
    (void)state;
    /* 2017-2020: lab 45 %, convicted 28/1000 = 2.8 % (ratio 2.8 to the
     * country's 1 %), basic edu 40 % / basic or unknown 52 %, inc 60 %,
     * eth 55 %, 1500 residents.
     * dk2021: lab met only (cri 2.8 < 3, edu 40, inc 60) -> not udsat;
     *   forebyggelse: eth 55 > 30, lab > 30 and cri >= 2 -> forebyggelse.
     * dk2013: lab, eth, cri (2.8 > 2.70), edu (52 > 50) = 4 of 5 -> udsat.
     * dk2010: lab (> 40, 4 years), eth, cri (> 2.70, 4 years) -> udsat. */
    tinit(&t, r21, 2017, 4);
    for (int y = 2017; y <= 2020; y++)
        fill(&t, y, 45, 28, 40, 60, 55, 1500);
    assert_int_equal(category(&t, 2020).category, NBL_CAT_FOREBYGGELSE);
    tinit(&t, r13, 2017, 4);
    for (int y = 2017; y <= 2020; y++) {
        fill(&t, y, 45, 28, 40, 60, 55, 1500);
        put(&t, t.area, y, "basic_or_unknown_edu_30_59", 520);
    }
    assert_int_equal(category(&t, 2020).category, NBL_CAT_UDSAT);
    assert_int_equal(category(&t, 2020).criteria_met, 4);
    tinit(&t, r10, 2017, 4);
    for (int y = 2017; y <= 2020; y++)
        fill(&t, y, 45, 28, 40, 60, 55, 1500);
    assert_int_equal(category(&t, 2020).category, NBL_CAT_UDSAT);
    assert_int_equal(category(&t, 2020).criteria_met, 3);
    nbl__ruleset_free(r10);
    nbl__ruleset_free(r13);
    nbl__ruleset_free(r21);
}

/* The stored codes follow the enum (categories.c's table is in its order). */
static void
test_category_codes(void **state)
{
    (void)state;
    assert_string_equal(nbl_category_code(NBL_CAT_OMDANNELSE), "omdannelse");
    assert_string_equal(nbl_category_code(NBL_CAT_PARALLEL), "parallelsamfund");
    assert_string_equal(nbl_category_code(NBL_CAT_UDSAT), "udsat");
    assert_string_equal(nbl_category_code(NBL_CAT_FOREBYGGELSE),
                        "forebyggelse");
    assert_string_equal(nbl_category_code(NBL_CAT_NONE), "none");
    assert_string_equal(nbl_category_code(NBL_CAT_NOT_EVALUABLE),
                        "not_evaluable");
    assert_null(nbl_category_code(NBL_CAT_COUNT));
    assert_null(nbl_category_code(-1));
}

/* ---- statistics given as shares (docs/methods.md) ---- */

/*
 * dk2021, 2024, no counts except pop:
 *   lab: lab_share 2023 = 41.0, 2024 = 39.2 -> (41.0 + 39.2) / 2 = 40.1 > 40
 *   cri: cri_share 2023 = 1.5, 2024 = 2.1 -> 1.8; country cri_share 0.6 both
 *        years -> ratio 3.0 >= 3 (met exactly at the threshold)
 *   edu: edu_share 2024 = 60.0 -> not over 60 % ("overstiger")
 *   inc: inc_pct 2024 = 55.0 -> not under 55 % ("mindre end")
 *   eth: eth_share 2024 = 50.0 -> not over 50 %
 * -> 2 of 4 met, udsat (not parallelsamfund).
 */
static void
test_shares(void **state)
{
    nbl__ruleset *rs = load("dk2021");
    tab t;
    nbl__crit_result r;
    (void)state;
    tinit(&t, rs, 2023, 2);
    for (int y = 2023; y <= 2024; y++) {
        put(&t, t.area, y, "pop", 1500);
        put(&t, t.country, y, "cri_share", 0.6);
    }
    put(&t, t.area, 2023, "lab_share", 41.0);
    put(&t, t.area, 2024, "lab_share", 39.2);
    put(&t, t.area, 2023, "cri_share", 1.5);
    put(&t, t.area, 2024, "cri_share", 2.1);
    put(&t, t.area, 2024, "edu_share", 60.0);
    put(&t, t.area, 2024, "inc_pct", 55.0);
    put(&t, t.area, 2024, "eth_share", 50.0);
    r = crit(&t, "lab", 2024);
    CLOSE(r.value, 40.1);
    assert_int_equal(r.met, 1);
    r = crit(&t, "cri", 2024);
    CLOSE(r.value, 1.8);
    CLOSE(r.ratio, 3.0);
    assert_int_equal(r.met, 1);
    r = crit(&t, "edu", 2024);
    assert_int_equal(r.status, NBL_CS_OK);
    assert_int_equal(r.met, 0);
    r = crit(&t, "inc", 2024);
    CLOSE(r.value, 55.0);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 1); /* < 65 */
    assert_int_equal(crit(&t, "eth", 2024).met, 0);
    assert_int_equal(category(&t, 2024).category, NBL_CAT_UDSAT);

    /* counts win: 2024 counts give 45 %, the share 39.2 is not used:
     * (41.0 + 45.0) / 2 = 43.0 */
    put(&t, t.area, 2024, "pop_18_64", 1000);
    put(&t, t.area, 2024, "noattach_18_64", 450);
    CLOSE(crit(&t, "lab", 2024).value, 43.0);

    /* no country share: the printed threshold share 1.98 % (threshold_share
     * = cri_threshold) stands for 3 x the country share: 1.8 < 1.98 not
     * met, ratio 3 * 1.8 / 1.98 = 2.727...; 1.98 itself is met */
    for (int y = 2023; y <= 2024; y++)
        put(&t, t.country, y, "cri_share", NAN);
    put(&t, t.country, 2024, "cri_threshold", 1.98);
    r = crit(&t, "cri", 2024);
    CLOSE(r.ratio, 3 * 1.8 / 1.98);
    assert_int_equal(r.met, 0);
    assert_int_equal(r.met_low, 1); /* >= 2 x: 2.727 */
    put(&t, t.area, 2023, "cri_share", 1.98);
    put(&t, t.area, 2024, "cri_share", 1.98);
    assert_int_equal(crit(&t, "cri", 2024).met, 1);
    /* neither: not evaluable, the area's value kept */
    put(&t, t.country, 2024, "cri_threshold", NAN);
    r = crit(&t, "cri", 2024);
    assert_int_equal(r.status, NBL_CS_NOT_EVALUABLE);
    CLOSE(r.value, 1.98);
    /* a share missing in one year of the window: missing */
    put(&t, t.area, 2023, "lab_share", NAN);
    put(&t, t.area, 2023, "pop_18_64", NAN);
    assert_int_equal(crit(&t, "lab", 2024).status, NBL_CS_MISSING);
    nbl__ruleset_free(rs);
}

/* dk2013 from shares: cri against 2.70 % directly; edu with unknown
 * education counted as basic (edu_or_unknown_share). */
static void
test_shares_dk2013(void **state)
{
    nbl__ruleset *rs = load("dk2013");
    tab t;
    (void)state;
    tinit(&t, rs, 2014, 1);
    put(&t, t.area, 2014, "pop", 1089);
    put(&t, t.area, 2014, "cri_share", 2.70);
    put(&t, t.area, 2014, "edu_or_unknown_share", 50.1);
    /* window 2: 2013 missing */
    assert_int_equal(crit(&t, "cri", 2014).status, NBL_CS_MISSING);
    assert_int_equal(crit(&t, "edu", 2014).met, 1);
    nbl__ruleset_free(rs);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_strictness),
        cmocka_unit_test(test_dk2021_boundaries),
        cmocka_unit_test(test_averaging_modes),
        cmocka_unit_test(test_missing_inputs),
        cmocka_unit_test(test_category_decisions),
        cmocka_unit_test(test_forebyggelse),
        cmocka_unit_test(test_omdannelse_history),
        cmocka_unit_test(test_dk2018_omdannelse),
        cmocka_unit_test(test_dk2013),
        cmocka_unit_test(test_dk2010),
        cmocka_unit_test(test_same_area_different_laws),
        cmocka_unit_test(test_category_codes),
        cmocka_unit_test(test_shares),
        cmocka_unit_test(test_shares_dk2013),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
