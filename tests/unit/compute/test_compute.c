/*
 * test_compute.c - nbl_compute() end to end on a workspace built by hand
 * (rows inserted with SQL, since the import modules are separate): stored
 * units, categories, re-computation, --year, the rulesets table and meta
 * key, missing references, several country codes, and rollback.
 *
 * Areas (region 1082; country DK 1.0 % convicted; region mean income
 * 300,000 DKK), years 2020 and 2021, each year the same:
 *   A: lab 45 %, convicted 30/1000 = 3.0 % (ratio 3.0), edu 62.5 %
 *      (500/800), inc 100,000,000/1000 = 100,000 -> 33.33 % of the region,
 *      eth 40 % (800/2000), 2000 residents
 *      dk2021: lab, cri, edu, inc met (4 of 4), eth 40 -> udsat
 *      dk2013: lab, cri (3.0 > 2.70), edu (62.5 > 50), inc -> 4 of 5 udsat
 *   B: like A but eth 30 % and lab 35 %, convicted 25 (ratio 2.5), edu
 *      20 %, inc 90 %, 1000 residents
 *      dk2021: no criterion; lower: lab > 30, cri >= 2 -> 2, but eth 30 is
 *      not > 30 -> none
 *   C: no region -> inc not evaluable; lab 45 and edu 62.5 met -> udsat
 *      in both years (2 met decide it)
 */
#include "nbl_test.h"

#include <math.h>

#include "nabolag/compute.h"
#include "compute/compute_internal.h"
#include "nabolag/workspace.h"
#include "store/store_compute.h"

#define GEOM "MPolyFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))',25832)"

static void
exec_ok(nbl_ws *ws, const char *sql)
{
    int rc = nbl__store_compute_test_exec(ws, sql);
    if (rc)
        fail_msg("%s", nbl_ctx_errmsg(nbl_ws_ctx(ws)));
}

static char *
query(nbl_ws *ws, const char *sql)
{
    char *out = NULL;
    int rc = nbl__store_compute_test_query(ws, sql, &out);
    if (rc)
        fail_msg("%s", nbl_ctx_errmsg(nbl_ws_ctx(ws)));
    return out;
}

static void
expect(nbl_ws *ws, const char *sql, const char *want)
{
    char *got = query(ws, sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n got: %s\nwant: %s", sql, got, want);
    free(got);
}

static void
area_year(nbl_ws *ws, const char *id, int year, double lab, double conv,
          double basic, double income, double nonwestern, double pop)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO stats VALUES "
             "('%s',%d,'pop_18_64',1000),('%s',%d,'noattach_18_64',%g),"
             "('%s',%d,'pop_18p',1000),('%s',%d,'convicted_18p',%g),"
             "('%s',%d,'pop_30_59',800),('%s',%d,'basic_edu_30_59',%g),"
             "('%s',%d,'basic_or_unknown_edu_30_59',%g),"
             "('%s',%d,'taxpayers_15_64',1000),('%s',%d,'income_15_64',%g),"
             "('%s',%d,'nonwestern',%g),('%s',%d,'pop',%g)",
             id, year, id, year, lab * 10, id, year, id, year, conv, id, year,
             id, year, basic, id, year, basic, id, year, id, year, income, id,
             year, nonwestern, id, year, pop);
    exec_ok(ws, sql);
}

static nbl_ws *
fixture(nbl_ctx *ctx, const char *name)
{
    nbl_ws *ws = NULL;
    const char *path = nbl_test_path(name);
    remove(path);
    assert_int_equal(nbl_ws_create(&ws, ctx, path, 25832), 0);
    exec_ok(ws, "INSERT INTO areas (area_id, name, region, geom) VALUES "
                "('A','A','1082'," GEOM "),('B','B','1082'," GEOM
                "),('C','C',NULL," GEOM ")");
    for (int y = 2020; y <= 2021; y++) {
        char sql[512];
        area_year(ws, "A", y, 45, 30, 500, 100000000, 800, 2000);
        area_year(ws, "B", y, 35, 25, 160, 270000000, 300, 1000);
        area_year(ws, "C", y, 45, 10, 500, 100000000, 800, 2000);
        snprintf(sql, sizeof sql,
                 "INSERT INTO refs VALUES "
                 "('country','DK',%d,'pop_18p',1000000),"
                 "('country','DK',%d,'convicted_18p',10000),"
                 "('region','1082',%d,'income_mean_15_64',300000)",
                 y, y, y);
        exec_ok(ws, sql);
    }
    return ws;
}

static void
test_compute_dk2021(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture(ctx, "c1.sqlite");
    nbl_compute_opts o = {0};
    nbl_compute_summary s;
    (void)state;
    assert_int_equal(nbl_compute(ws, &o, &s), 0);
    assert_string_equal(s.ruleset, "dk2021");
    assert_string_equal(s.version, "2021.1");
    assert_int_equal(s.areas, 3);
    assert_int_equal(s.nyears, 2);
    assert_int_equal(s.years[0].year, 2020);
    /* 2020: the 2-year windows lack 2019; A: edu and inc met -> udsat;
     * B: none of edu/inc, lab/cri unknown -> not evaluable; C: edu met,
     * inc not evaluable, lab/cri unknown -> not evaluable */
    assert_int_equal(s.years[0].areas[NBL_CAT_UDSAT], 1);
    assert_int_equal(s.years[0].areas[NBL_CAT_NOT_EVALUABLE], 2);
    /* 2021: A udsat, B none, C udsat */
    assert_int_equal(s.years[1].areas[NBL_CAT_UDSAT], 2);
    assert_int_equal(s.years[1].areas[NBL_CAT_NONE], 1);
    nbl_compute_summary_free(&s);
    /* stored units: percent, ratio, percent of the region, residents */
    expect(ws,
           "SELECT criterion, round(value, 4), round(ratio, 4), status, met, "
           "met_low, threshold, threshold_low FROM criterion_results WHERE "
           "area_id = 'A' AND year = 2021 ORDER BY criterion",
           "cri|3.0|3.0|ok|1|1|3.0|2.0\n"
           "edu|62.5||ok|1|1|60.0|60.0\n"
           "eth|40.0||ok|0|1|50.0|30.0\n"
           "inc|33.3333||ok|1|1|55.0|65.0\n"
           "lab|45.0||ok|1|1|40.0|30.0\n"
           "size|2000.0||ok|1|1|1000.0|1000.0\n");
    expect(ws,
           "SELECT area_id, year, ruleset_version, category, criteria_met, "
           "criteria_not_evaluable, criteria_needed, criteria_met_low, "
           "parallel_years, omdannelse_years, computed_at FROM "
           "category_results WHERE ruleset = 'dk2021' ORDER BY area_id, year",
           "A|2020|2021.1|udsat|2|2|2|2|0|5|2025-12-01T00:00:00Z\n"
           "A|2021|2021.1|udsat|4|0|2|4|0|5|2025-12-01T00:00:00Z\n"
           "B|2020|2021.1|not_evaluable|0|2|2|0|0|5|2025-12-01T00:00:00Z\n"
           "B|2021|2021.1|none|0|0|2|2|0|5|2025-12-01T00:00:00Z\n"
           "C|2020|2021.1|not_evaluable|1|3|2|1|0|5|2025-12-01T00:00:00Z\n"
           "C|2021|2021.1|udsat|2|1|2|2|0|5|2025-12-01T00:00:00Z\n");
    /* missing area inputs vs missing reference */
    expect(ws,
           "SELECT criterion, status, value IS NULL, met IS NULL FROM "
           "criterion_results WHERE area_id = 'C' AND criterion IN "
           "('inc','lab') ORDER BY year, criterion",
           "inc|not_evaluable|1|1\nlab|missing|1|1\n"
           "inc|not_evaluable|1|1\nlab|ok|0|0\n");
    expect(ws, "SELECT value FROM meta WHERE key = 'current_ruleset'",
           "dk2021\n");
    expect(ws,
           "SELECT name, version, definition LIKE '[ruleset]%' FROM rulesets",
           "dk2021|2021.1|1\n");
    expect(ws,
           "SELECT kind, source, rows_read, rows_stored FROM runs "
           "WHERE kind = 'compute'",
           "compute|dk2021|3|6\n");
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static void
test_recompute_and_rulesets(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture(ctx, "c2.sqlite");
    nbl_compute_opts o = {0};
    nbl_compute_summary s;
    (void)state;
    assert_int_equal(nbl_compute(ws, &o, NULL), 0);
    assert_int_equal(nbl_compute(ws, &o, NULL), 0); /* idempotent */
    expect(ws, "SELECT COUNT(*) FROM criterion_results", "36\n");
    expect(ws, "SELECT COUNT(*) FROM category_results", "6\n");
    /* dk2013 for 2021 only, beside the dk2021 results */
    o.ruleset = "dk2013";
    o.year = 2021;
    assert_int_equal(nbl_compute(ws, &o, &s), 0);
    assert_int_equal(s.nyears, 1);
    assert_int_equal(s.years[0].year, 2021);
    nbl_compute_summary_free(&s);
    /* A: lab, cri (3.0 > 2.70), edu (62.5 > 50), inc -> 4 of 5: udsat.
     * B: lab 35, cri 2.5, edu 20, inc 90, eth 30 -> none.
     * C: lab, edu met, inc not evaluable, cri 1.0, eth 40 -> 2 met + 1
     *    unknown of 3 needed -> not evaluable (dk2021 said udsat) */
    expect(ws,
           "SELECT area_id, category, criteria_met, criteria_needed FROM "
           "category_results WHERE ruleset = 'dk2013' ORDER BY area_id",
           "A|udsat|4|3\nB|none|0|3\nC|not_evaluable|2|3\n");
    expect(ws,
           "SELECT value, threshold FROM criterion_results WHERE ruleset = "
           "'dk2013' AND area_id = 'A' AND criterion = 'cri'",
           "3.0|2.7\n");
    expect(ws, "SELECT COUNT(*) FROM category_results", "9\n");
    expect(ws, "SELECT value FROM meta WHERE key = 'current_ruleset'",
           "dk2013\n");
    expect(ws, "SELECT name FROM rulesets ORDER BY name", "dk2013\ndk2021\n");
    /* a year without statistics */
    o.year = 2019;
    assert_int_equal(nbl_compute(ws, &o, NULL), NBL_ENOTFOUND);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "year 2019"));
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static void
test_config_override(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture(ctx, "c3.sqlite");
    const char *cfg =
        nbl_test_write("c3.ini", "[criterion.eth]\nthreshold_low = 25\n");
    nbl_compute_opts o = {0};
    (void)state;
    o.config = cfg;
    o.year = 2021;
    assert_int_equal(nbl_compute(ws, &o, NULL), 0);
    /* B: eth 30 > 25 now, lab and cri at the lower thresholds ->
     * forebyggelse */
    expect(ws,
           "SELECT category, ruleset_version FROM category_results WHERE "
           "area_id = 'B'",
           "forebyggelse|2021.1+config\n");
    expect(ws, "SELECT definition LIKE '%threshold_low = 25%' FROM rulesets",
           "1\n");
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static int
cancel(double frac, const char *msg, void *arg)
{
    (void)frac;
    (void)msg;
    (void)arg;
    return 0;
}

static void
test_failures_leave_workspace(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture(ctx, "c4.sqlite");
    nbl_compute_opts o = {0};
    char *before, *after;
    size_t n1, n2;
    const char *path = nbl_test_path("c4.sqlite");
    (void)state;
    assert_int_equal(nbl_compute(ws, &o, NULL), 0);
    nbl_ws_free(ws);
    before = nbl_test_read(path, &n1);
    assert_int_equal(nbl_ws_open(&ws, ctx, path), 0);
    /* cancelled half-way: rolled back */
    nbl_ctx_set_progress(ctx, cancel, NULL);
    o.ruleset = "dk2013";
    assert_int_equal(nbl_compute(ws, &o, NULL), NBL_ECANCELLED);
    nbl_ctx_set_progress(ctx, NULL, NULL);
    /* a bad config: an error, nothing written */
    o.config = nbl_test_write("bad.ini", "[criterion.lab]\nwindow = 0\n");
    assert_int_equal(nbl_compute(ws, &o, NULL), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "bad.ini:2: [criterion.lab] "
                                                "window"));
    nbl_ws_free(ws);
    after = nbl_test_read(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
    nbl_ctx_free(ctx);
}

static void
test_missing_reference_is_not_an_error(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture(ctx, "c5.sqlite");
    nbl_compute_opts o = {0};
    (void)state;
    exec_ok(ws, "DELETE FROM refs WHERE scope = 'country' AND year = 2020");
    o.year = 2021;
    assert_int_equal(nbl_compute(ws, &o, NULL), 0);
    /* the country share of 2020 is in 2021's window: cri not evaluable,
     * the area's own share is still reported */
    expect(ws,
           "SELECT status, value, ratio IS NULL, met IS NULL FROM "
           "criterion_results WHERE area_id = 'A' AND criterion = 'cri'",
           "not_evaluable|3.0|1|1\n");
    /* two country codes: an error, not a guess */
    exec_ok(ws, "INSERT INTO refs VALUES ('country','SE',2021,'pop',1)");
    assert_int_equal(nbl_compute(ws, &o, NULL), NBL_EDATA);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "several country codes "
                                                "('DK', 'SE')"));
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* Both tables hold the same areas, years and values (NAN included). */
static void
same_table(const nbl__compute_data *a, const nbl__compute_data *b)
{
    size_t cells = a->nareas * (size_t)a->nyears * (size_t)a->nvars;
    assert_int_equal(a->first_year, b->first_year);
    assert_int_equal(a->nyears, b->nyears);
    assert_int_equal(a->nvars, b->nvars);
    assert_int_equal(a->nareas, b->nareas);
    for (size_t i = 0; i < a->nareas; i++)
        assert_string_equal(a->area_ids[i], b->area_ids[i]);
    for (size_t i = 0; i < cells; i++)
        if (isnan(a->area[i]) || isnan(b->area[i]))
            assert_true(isnan(a->area[i]) && isnan(b->area[i]));
        else
            assert_float_equal(a->area[i], b->area[i], 0);
}

/* The run's hand-over (nbl__compute_handing): the status/dynamics index's
 * statistics taken from the compute's table are what the store reads for
 * them. A has a 2019 row of another variable, so the compute's table
 * starts in 2019 but the handed one, like the store's, in 2020 (the first
 * year with a value of one of them). 'lab' is a criterion, not a
 * variable: no values. Not kept for a declared variable the compute does
 * not read, nor with --criteria-only. */
static void
test_handover(void **state)
{
    static const char *vars[] = {"lab", "nonwestern", "pop"};
    static const char *other[] = {"lab", "x99", "pop"};
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture(ctx, "c6.sqlite");
    nbl__handover h = {vars, 3, 0, {0}};
    nbl__compute_data d;
    nbl_compute_opts o = {0};
    (void)state;
    exec_ok(ws, "INSERT INTO stats VALUES ('A',2019,'pop_18_64',900)");
    assert_int_equal(nbl__compute_handing(ws, NULL, NULL, &h), NBL_OK);
    assert_int_equal(h.kept, 1);
    assert_int_equal(nbl__store_compute_load(ws, vars, 3, &d), NBL_OK);
    same_table(&h.d, &d);
    assert_int_equal(h.d.first_year, 2020);
    assert_int_equal(h.d.nyears, 2);
    assert_int_equal(h.d.nareas, 3);
    /* B (area 1) in 2021 (y 1): nonwestern 300, pop 1000 */
    assert_float_equal(h.d.area[(1 * 2 + 1) * 3 + 1], 300, 0);
    assert_float_equal(h.d.area[(1 * 2 + 1) * 3 + 2], 1000, 0);
    assert_true(isnan(h.d.area[(1 * 2 + 1) * 3 + 0]));
    nbl__compute_data_free(&d);
    nbl__handover_free(&h);
    nbl__handover_free(&h); /* twice: a no-op */

    exec_ok(ws, "INSERT INTO variables(name, kind) VALUES ('x99', 'count')");
    h.vars = other;
    assert_int_equal(nbl__compute_handing(ws, NULL, NULL, &h), NBL_OK);
    assert_int_equal(h.kept, 0);
    nbl__handover_free(&h);
    h.vars = vars;
    o.criteria_only = 1;
    assert_int_equal(nbl__compute_handing(ws, &o, NULL, &h), NBL_OK);
    assert_int_equal(h.kept, 0);
    nbl__handover_free(&h);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute_dk2021),
        cmocka_unit_test(test_recompute_and_rulesets),
        cmocka_unit_test(test_config_override),
        cmocka_unit_test(test_failures_leave_workspace),
        cmocka_unit_test(test_missing_reference_is_not_an_error),
        cmocka_unit_test(test_handover),
    };
    nbl_test_locale();
    setenv("SOURCE_DATE_EPOCH", "1764547200", 1); /* computed_at */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
