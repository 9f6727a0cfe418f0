/*
 * test_alerts_stream.c - what the alerts evaluation reads one area at a
 * time: the area list with the earliest result year, the three result
 * cursors in area order (rows of areas not asked for passed over), the
 * criterion measures merged into the status/dynamics tables, the compact
 * status/dynamics entry and the look-back of the first year. Results are
 * inserted with plain SQL; the expected values are the inserted ones.
 */
#include "nbl_test.h"

#include <math.h>
#include <sqlite3.h>

#include "model/alerts.h"
#include "nabolag/alerts.h"
#include "nabolag/workspace.h"
#include "store/store_alerts.h"
#include "store/store_statusdyn.h"

static nbl_ctx *ctx;

static void
sql(const char *path, const char *s)
{
    sqlite3 *db;
    char *err = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, s, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "SQL: %s\n", err);
        fail();
    }
    sqlite3_close(db);
}

/* A0 has only a 2015 safety row (before the others); A1 criterion rows in
 * 2022-2024 (2024 is after the evaluated 2023) and a category row; B2 one
 * criterion, one category and one safety row; rows of ruleset other are
 * not read. */
static const char *seed =
    "INSERT INTO criterion_results VALUES"
    "('A1',2022,'dk2021','lab',37.0,NULL,'ok',0,1,40,30),"
    "('A1',2022,'dk2021','size',1200,NULL,'ok',1,1,1000,NULL),"
    "('A1',2023,'dk2021','cri',3.0,1.5,'ok',1,1,3,2),"
    "('A1',2023,'dk2021','lab',41.0,NULL,'missing',NULL,NULL,40,30),"
    "('A1',2023,'dk2021','size',1500,NULL,'ok',1,1,1000,NULL),"
    "('A1',2024,'dk2021','lab',45.0,NULL,'ok',1,1,40,30),"
    "('A1',2023,'other','lab',99.0,NULL,'ok',1,1,40,30),"
    "('B2',2021,'dk2021','inc',58.0,NULL,'ok',0,1,55,65);"
    "INSERT INTO category_results VALUES"
    "('A1',2023,'dk2021','1','none',1,0,2,0,0,5,'t'),"
    "('B2',2023,'dk2021','1','none',0,0,2,0,0,5,'t');"
    "INSERT INTO safety_results(area_id, year, safety_index, safety_band) "
    "VALUES('A0',2015,88.0,'tryg'),('B2',2023,97.5,'tryg');";

static nbl_ws *
seeded(const char *name)
{
    const char *path = nbl_test_path(name);
    nbl_ws *ws;
    assert_int_equal(nbl_ws_create(&ws, ctx, path, 25832), 0);
    nbl_ws_free(ws);
    sql(path, seed);
    assert_int_equal(nbl_ws_open(&ws, ctx, path), 0);
    return ws;
}

static void
test_areas_and_stream(void **state)
{
    nbl_ws *ws = seeded("stream.sqlite");
    nbl__aarea *areas, *a;
    nbl__astream s;
    size_t n;
    int ymin;
    (void)state;
    assert_int_equal(
        nbl__store_alerts_areas(ws, "dk2021", 2023, &areas, &n, &ymin), 0);
    assert_int_equal(n, 3);
    assert_string_equal(areas[0].area_id, "A0");
    assert_string_equal(areas[1].area_id, "A1");
    assert_string_equal(areas[2].area_id, "B2");
    assert_int_equal(ymin, 2015); /* A0's safety row */

    assert_int_equal(nbl__store_alerts_stream_open(ws, "dk2021", 2023, &s), 0);
    /* A0 not asked for: its safety row is passed over */
    assert_int_equal(nbl__store_alerts_stream_next(ws, &s, "A1", "Alfa", &a),
                     0);
    assert_string_equal(a->name, "Alfa");
    assert_int_equal(a->n_crit, 5); /* 2024 and ruleset other left out */
    assert_int_equal(a->n_cat, 1);
    assert_int_equal(a->n_saf, 0);
    assert_true(nbl__aarea_crit(a, "cri", 2023)->ratio == 1.5);
    assert_false(nbl__aarea_crit(a, "lab", 2023)->ok);
    assert_null(nbl__aarea_crit(a, "lab", 2024));
    assert_int_equal(nbl__aarea_cat(a, 2023)->criteria_met, 1);

    assert_int_equal(nbl__store_alerts_stream_next(ws, &s, "B2", NULL, &a), 0);
    assert_int_equal(a->n_crit, 1);
    assert_true(a->crit[0].value == 58.0);
    assert_int_equal(a->n_cat, 1);
    assert_int_equal(a->n_saf, 1);
    assert_true(a->saf[0].index == 97.5);
    assert_string_equal(a->saf[0].band, "tryg");

    /* past the last row: an area with nothing */
    assert_int_equal(nbl__store_alerts_stream_next(ws, &s, "C3", NULL, &a), 0);
    assert_int_equal(a->n_crit + a->n_cat + a->n_saf, 0);
    nbl__store_alerts_stream_close(&s);
    nbl__aareas_free(areas, n);

    /* no results up to 2010: no areas, ymin is the year */
    assert_int_equal(
        nbl__store_alerts_areas(ws, "dk2021", 2010, &areas, &n, &ymin), 0);
    assert_int_equal(n, 0);
    assert_int_equal(ymin, 2010);
    nbl__aareas_free(areas, n);
    nbl_ws_free(ws);
}

static double
cell(const nbl__aarea *a, int year, int j)
{
    return a->ind[(size_t)(year - a->ind_y0) * (size_t)a->ind_k + (size_t)j];
}

static void
test_merge_criteria(void **state)
{
    nbl_ws *ws = seeded("merge.sqlite");
    nbl_alert_config cfg;
    const nbl__sdconf *c;
    nbl__aarea *areas, *a1;
    size_t n;
    int ymin, pop;
    (void)state;
    assert_int_equal(nbl_alert_config_init(&cfg, ctx), 0);
    c = cfg.status_dynamics;
    /* the built-in method: lab, cri, edu, inc; pop in column 4 */
    assert_int_equal(c->nind, 4);
    assert_string_equal(c->ind[0].name, "lab");
    assert_string_equal(c->ind[1].name, "cri");
    assert_string_equal(c->ind[2].name, "edu");
    pop = c->nind;
    assert_int_equal(
        nbl__store_alerts_areas(ws, "dk2021", 2023, &areas, &n, &ymin), 0);
    a1 = &areas[1];
    /* A1's statistics table: 2023 only, edu 20 and pop 900 */
    a1->ind = malloc(5 * sizeof *a1->ind);
    a1->ind_y0 = 2023;
    a1->ind_ny = 1;
    a1->ind_k = 5;
    for (int j = 0; j < 5; j++)
        a1->ind[j] = NAN;
    a1->ind[2] = 20;
    a1->ind[pop] = 900;
    assert_int_equal(
        nbl__store_sd_merge_criteria(ws, c, "dk2021", ymin, 2023, areas, n), 0);
    /* widened to ymin..2023, the 2023 row moved */
    assert_int_equal(a1->ind_y0, 2015);
    assert_int_equal(a1->ind_ny, 9);
    assert_true(cell(a1, 2023, 2) == 20.0);
    assert_true(cell(a1, 2022, 0) == 37.0);   /* lab: value */
    assert_true(cell(a1, 2023, 1) == 1.5);    /* cri: the ratio */
    assert_true(isnan(cell(a1, 2023, 0)));    /* lab not ok */
    assert_true(cell(a1, 2022, pop) == 1200); /* size where no pop */
    assert_true(cell(a1, 2023, pop) == 900);  /* pop wins over size */
    assert_true(isnan(cell(a1, 2021, 0)));
    /* B2 had no table: inc (sign not applied) in 2021 */
    assert_true(cell(&areas[2], 2021, 3) == 58.0);
    /* what the index reads is the same from the table alone */
    assert_true(nbl__alerts_sd_value(a1, c, 0, 2022) == 37.0);
    nbl__aareas_free(areas, n);
    nbl_alert_config_clear(&cfg);
    nbl_ws_free(ws);
}

static void
test_pack_and_y0(void **state)
{
    nbl_alert_config cfg;
    nbl__asd s, u;
    nbl__asdc p;
    (void)state;
    assert_int_equal(nbl_alert_config_init(&cfg, ctx), 0);
    memset(&s, 0, sizeof s);
    s.status = 0.75;
    s.dynamics = -1.25;
    s.sclass = 2;
    s.dclass = 2;
    s.st = NBL_SDS_OK;
    s.dst = NBL_SDS_SMALL;
    nbl__asd_pack(&s, &p);
    nbl__asd_unpack(&p, cfg.status_dynamics, &u);
    assert_true(u.status == 0.75 && u.dynamics == -1.25);
    assert_string_equal(u.status_class, "low");
    assert_string_equal(u.dynamics_class, "negative");
    assert_int_equal(u.st, NBL_SDS_OK);
    assert_int_equal(u.dst, NBL_SDS_SMALL);
    /* not classified: no names */
    s.sclass = s.dclass = -1;
    s.st = s.dst = NBL_SDS_MISSING;
    nbl__asd_pack(&s, &p);
    nbl__asd_unpack(&p, cfg.status_dynamics, &u);
    assert_string_equal(u.status_class, "");
    assert_string_equal(u.dynamics_class, "");
    assert_int_equal(u.sclass, -1);
    assert_int_equal(u.dst, NBL_SDS_MISSING);
    nbl_alert_config_clear(&cfg);

    assert_int_equal(nbl__alerts_y0(2014, 2024), 2014);
    assert_int_equal(nbl__alerts_y0(1950, 2024), 2024 - NBL_ALERTS_LOOKBACK);
    assert_int_equal(nbl__alerts_y0(2024, 2024), 2024);
}

static int
setup(void **state)
{
    (void)state;
    ctx = nbl_ctx_new();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    nbl_ctx_free(ctx);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_areas_and_stream),
        cmocka_unit_test(test_merge_criteria),
        cmocka_unit_test(test_pack_and_y0),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, setup, teardown);
}
