/*
 * test_profile_store.c - nbl_profile_compute() end to end on a workspace
 * filled with plain SQL (the test-only store helper): stored profile
 * values, references, SD distances, points, bands, changes, safety rows;
 * year selection; one transaction (a failing run leaves the file byte for
 * byte as it was; inside a caller's transaction it is a savepoint).
 *
 * Data (municipality 751, region 1084; H in 147), 2021:
 *   area pop  pop_18_64 noattach  theft incidents
 *   A    1000 400       80 (20 %)  10
 *   B    1000 400       80 (20 %)  30
 *   C    1000 400       160 (40 %) 20
 *   D    1000 400       160 (40 %) 20
 *   H    1000 400       200 (50 %) -
 * 2020: A 60/400 = 15 % (change +5), pop 1000, no incidents.
 * Config: only noattach and safety enabled; bands 1, 2, 4.
 * noattach: reference 480/1600 = 30 %; SD over A-D = 10; distances
 *   A, B -1 -> 0 points; C, D +1 -> 2 points (1 is inclusive).
 * safety (registered only, no survey): r(ref) = 1000*80/4000 = 20;
 *   A r 10 -> 150, B 30 -> 50, C, D 20 -> 100. Bands: A tryg, B behov for
 *   markant indsats, C, D tryg. As an indicator (fixed reference 100,
 *   higher is better): mean 100, deviations 50,-50,0,0, SD
 *   sqrt(5000/4) = 35.3553; A -1.4142 -> 0, B +1.4142 -> 2, C, D 0 -> 0.
 * Scores: A 0 green, B 0+2 = 2 orange, C 2+0 = 2 orange, D 2 orange.
 * H: alone in 147 (no SD, no incidents): no points, no band, no safety row.
 * 2020: safety has no incident data -> missing; A's noattach value 15 has
 *   no SD (one area) -> no band.
 */
#include "nbl_test.h"

#include <math.h>

#include "nabolag/profile.h"
#include "nabolag/workspace.h"
#include "store/store.h"
#include "store/store_profile.h"

#define TOL 1e-9

static const char *SETUP =
    "INSERT INTO areas(area_id, name, municipality, region, geom) "
    "SELECT column1, column2, column3, '1084', GeomFromText("
    "'MULTIPOLYGON(((0 0,100 0,100 100,0 100,0 0)))', 25832) FROM (VALUES"
    " ('A','Alfa','751'),('B','Beta','751'),('C','Gamma','751'),"
    " ('D','Delta','751'),('H','Hotel','147'));"
    "INSERT INTO stats(area_id, year, variable, value) VALUES"
    " ('A',2021,'pop',1000),('A',2021,'pop_18_64',400),"
    " ('A',2021,'noattach_18_64',80),"
    " ('B',2021,'pop',1000),('B',2021,'pop_18_64',400),"
    " ('B',2021,'noattach_18_64',80),"
    " ('C',2021,'pop',1000),('C',2021,'pop_18_64',400),"
    " ('C',2021,'noattach_18_64',160),"
    " ('D',2021,'pop',1000),('D',2021,'pop_18_64',400),"
    " ('D',2021,'noattach_18_64',160),"
    " ('H',2021,'pop',1000),('H',2021,'pop_18_64',400),"
    " ('H',2021,'noattach_18_64',200),"
    " ('A',2020,'pop',1000),('A',2020,'pop_18_64',400),"
    " ('A',2020,'noattach_18_64',60);"
    "INSERT INTO incident_counts(area_id, year, category, n) VALUES"
    " ('A',2021,'theft',10),('B',2021,'theft',30),"
    " ('C',2021,'theft',20),('D',2021,'theft',20);";

static const char *CONFIG = "[profile]\nbands = 1, 2, 4\n"
                            "[indicator.children]\nenabled = false\n"
                            "[indicator.turnover]\nenabled = false\n"
                            "[indicator.evictions]\nenabled = false\n"
                            "[indicator.nonwestern]\nenabled = false\n"
                            "[indicator.basic_edu]\nenabled = false\n"
                            "[indicator.income]\nenabled = false\n"
                            "[indicator.convictions]\nenabled = false\n";

static nbl_ws *
make_ws(nbl_ctx *ctx, const char *name)
{
    nbl_ws *ws = NULL;
    const char *path = nbl_test_path(name);
    remove(path);
    assert_int_equal(nbl_ws_create(&ws, ctx, path, NBL_DEFAULT_SRID), NBL_OK);
    if (nbl__store_profile_test_exec(ws, SETUP))
        fail_msg("%s", nbl_ctx_errmsg(ctx));
    return ws;
}

static double
qd(nbl_ws *ws, const char *sql)
{
    double v;
    int rc = nbl__store_profile_test_double(ws, sql, &v);
    if (rc)
        fail_msg("%s: %d", sql, rc);
    return v;
}

static void
expect_text(nbl_ws *ws, const char *sql, const char *want)
{
    char *s = NULL;
    assert_int_equal(nbl__store_profile_test_text(ws, sql, &s), NBL_OK);
    if (want == NULL)
        assert_null(s);
    else {
        assert_non_null(s);
        assert_string_equal(s, want);
    }
    free(s);
}

#define PR(area, year, ind, col)                                               \
    "SELECT " col " FROM profile_results WHERE area_id='" area                 \
    "' AND year=" #year " AND indicator='" ind "'"

static void
test_compute_2021(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "p1.sqlite");
    nbl_profile_opts o = {0};
    nbl_profile_summary s;
    (void)state;
    o.year = 2021;
    o.config_path = nbl_test_write("p1.ini", CONFIG);
    assert_int_equal(nbl_profile_compute(ws, &o, &s), NBL_OK);
    assert_int_equal(s.years, 1);
    assert_int_equal(s.areas, 5);
    assert_int_equal(s.indicators, 2);
    assert_int_equal(s.profile_rows, 10);
    assert_int_equal(s.scored, 4);
    assert_int_equal(s.safety_rows, 4);

    assert_float_equal(qd(ws, PR("A", 2021, "noattach", "value")), 20, TOL);
    assert_float_equal(qd(ws, PR("A", 2021, "noattach", "reference")), 30, TOL);
    assert_float_equal(qd(ws, PR("A", 2021, "noattach", "sd_distance")), -1,
                       TOL);
    assert_float_equal(qd(ws, PR("A", 2021, "noattach", "change")), 5, TOL);
    assert_float_equal(qd(ws, PR("C", 2021, "noattach", "points")), 2, TOL);
    assert_true(isnan(qd(ws, PR("B", 2021, "noattach", "change"))));
    expect_text(ws, PR("C", 2021, "noattach", "status"), "ok");
    assert_float_equal(qd(ws, PR("H", 2021, "noattach", "reference")), 50, TOL);
    assert_true(isnan(qd(ws, PR("H", 2021, "noattach", "points"))));

    assert_float_equal(qd(ws, PR("A", 2021, "safety", "value")), 150, TOL);
    assert_float_equal(qd(ws, PR("B", 2021, "safety", "sd_distance")),
                       50 / sqrt(5000.0 / 4), TOL);
    assert_float_equal(qd(ws, PR("B", 2021, "safety", "points")), 2, TOL);
    expect_text(ws, PR("H", 2021, "safety", "status"), "missing");

    expect_text(ws, "SELECT band FROM profile_scores WHERE area_id='A'",
                "green");
    expect_text(ws, "SELECT band FROM profile_scores WHERE area_id='B'",
                "orange");
    assert_float_equal(
        qd(ws, "SELECT points FROM profile_scores WHERE area_id='D'"), 2, TOL);
    expect_text(ws, "SELECT band FROM profile_scores WHERE area_id='H'", NULL);

    assert_float_equal(
        qd(ws, "SELECT registered FROM safety_results WHERE area_id='A'"), 150,
        TOL);
    assert_float_equal(
        qd(ws, "SELECT safety_index FROM safety_results WHERE area_id='B'"), 50,
        TOL);
    assert_true(isnan(
        qd(ws, "SELECT perceived FROM safety_results WHERE area_id='A'")));
    expect_text(ws, "SELECT safety_band FROM safety_results WHERE area_id='B'",
                "behov for markant indsats");
    expect_text(ws, "SELECT safety_band FROM safety_results WHERE area_id='C'",
                "tryg");
    assert_float_equal(
        qd(ws, "SELECT count(*) FROM safety_results WHERE area_id='H'"), 0, 0);
    /* nothing written for 2020 */
    assert_float_equal(
        qd(ws, "SELECT count(*) FROM profile_results WHERE year=2020"), 0, 0);
    expect_text(ws, "SELECT kind FROM runs ORDER BY run_id DESC LIMIT 1",
                "profile");
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static void
test_all_years_and_rerun(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "p2.sqlite");
    nbl_profile_summary s;
    (void)state;
    /* built-in configuration: all nine indicators, every year */
    assert_int_equal(nbl_profile_compute(ws, NULL, &s), NBL_OK);
    assert_int_equal(s.years, 2);
    assert_int_equal(s.indicators, 9);
    assert_int_equal(s.profile_rows, 2 * 5 * 9);
    /* children etc. have no data: missing, never 0. No area of 751 has
     * them, so they are not part of 751's profile in 2021: A-D are banded
     * on noattach and safety (points 0, 2, 2, 2; default bands 5, 9, 14:
     * all green). In 2020 only A has noattach: one area, no SD, no points,
     * so A is missing a point it should have: no band. */
    assert_int_equal(s.scored, 4);
    expect_text(ws, PR("A", 2021, "children", "status"), "missing");
    assert_true(isnan(qd(ws, PR("A", 2021, "children", "value"))));
    expect_text(ws,
                "SELECT group_concat(band) FROM (SELECT band FROM "
                "profile_scores WHERE year=2021 ORDER BY area_id)",
                "green,green,green,green");
    assert_float_equal(qd(ws, "SELECT points FROM profile_scores WHERE "
                              "area_id='C' AND year=2021"),
                       2, 0);
    assert_float_equal(qd(ws, "SELECT count(*) FROM profile_scores WHERE "
                              "year=2020 AND band IS NOT NULL"),
                       0, 0);
    assert_float_equal(qd(ws, PR("A", 2020, "noattach", "value")), 15, TOL);
    /* a re-run replaces, it does not add */
    assert_int_equal(nbl_profile_compute(ws, NULL, &s), NBL_OK);
    assert_float_equal(qd(ws, "SELECT count(*) FROM profile_results"), 90, 0);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static char *
slurp(const char *path, size_t *n)
{
    char *s = nbl_test_read(path, n);
    assert_non_null(s);
    return s;
}

static void
test_failure_leaves_workspace(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "p3.sqlite");
    nbl_profile_opts o = {0};
    const char *path = nbl_test_path("p3.sqlite");
    char *before, *after;
    size_t nb, na;
    (void)state;
    assert_int_equal(nbl_profile_compute(ws, NULL, NULL), NBL_OK);
    nbl_ws_free(ws);
    before = slurp(path, &nb);

    assert_int_equal(nbl_ws_open(&ws, ctx, path), NBL_OK);
    o.year = 2030; /* no data: fails inside the transaction */
    assert_int_equal(nbl_profile_compute(ws, &o, NULL), NBL_ENOTFOUND);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "year 2030"));
    o.year = 0;
    o.config_path = nbl_test_write("bad.ini", "[profile]\nsteps = x\n");
    assert_int_equal(nbl_profile_compute(ws, &o, NULL), NBL_EINVAL);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "bad.ini:2: [profile]: "
                                                "key 'steps'"));
    nbl_ws_free(ws);
    after = slurp(path, &na);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb);
    free(before);
    free(after);
    nbl_ctx_free(ctx);
}

/* The loaded table: the statistics' years (2020-2021) with their values,
 * and the four incident counts in an array sized by one count of
 * incident_counts' rows, not grown by doubling. */
static void
test_load_table(void **state)
{
    static const char *vars[] = {"pop", "noattach_18_64"};
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "p5.sqlite");
    nbl__pdata d;
    unsigned char *has_year = NULL;
    (void)state;
    assert_int_equal(nbl__store_profile_load(ws, vars, 2, &d, &has_year),
                     NBL_OK);
    assert_int_equal(d.n_areas, 5);
    assert_int_equal(d.year0, 2020);
    assert_int_equal(d.n_years, 2);
    assert_float_equal(nbl__pdata_get(&d, 0, 2020, 1), 60, 0);  /* A */
    assert_float_equal(nbl__pdata_get(&d, 2, 2021, 1), 160, 0); /* C */
    assert_true(isnan(nbl__pdata_get(&d, 1, 2020, 0)));         /* B: no 2020 */
    assert_int_equal(has_year[0], 1);
    assert_int_equal(d.n_inc, 4);
    assert_int_equal(d.cap_inc, 4);
    assert_int_equal(d.inc[1].area, 1); /* B, 30 thefts */
    assert_int_equal(d.inc[1].year, 2021);
    assert_float_equal(d.inc[1].n, 30, 0);
    assert_string_equal(d.inc[1].category, "theft");
    nbl__pdata_free(&d);
    free(has_year);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* Inside the caller's transaction it is a savepoint: a failure undoes only
 * its own work, the caller's rollback undoes everything. */
static void
test_nested_in_caller_transaction(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "p4.sqlite");
    nbl_profile_opts o = {0};
    (void)state;
    assert_int_equal(nbl__store_begin(ws), NBL_OK);
    assert_int_equal(nbl_profile_compute(ws, NULL, NULL), NBL_OK);
    assert_float_equal(qd(ws, "SELECT count(*) FROM profile_results"), 90, 0);
    o.year = 2030; /* fails: its savepoint is rolled back, ours stays */
    assert_int_equal(nbl_profile_compute(ws, &o, NULL), NBL_ENOTFOUND);
    assert_float_equal(qd(ws, "SELECT count(*) FROM profile_results"), 90, 0);
    nbl__store_rollback(ws);
    assert_float_equal(qd(ws, "SELECT count(*) FROM profile_results"), 0, 0);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute_2021),
        cmocka_unit_test(test_all_years_and_rerun),
        cmocka_unit_test(test_failure_leaves_workspace),
        cmocka_unit_test(test_nested_in_caller_transaction),
        cmocka_unit_test(test_load_table),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
