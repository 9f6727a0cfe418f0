/*
 * test_import_grid.c - nbl_import_grid() end to end through GEOS, against
 * sums computed by hand. Areas (EPSG:25832): A = [700000, 700250] x
 * [6170000, 6170200] (50,000 m²), B = [700250, 700400] x [6170000,
 * 6170100]. A covers the 100 m cells at E 7000 and 7001 (rows N 61700
 * and 61701) wholly and the two cells at E 7002 by half; B takes the
 * other half of cell 61700_7002 and cell 61700_7003 wholly.
 */
#include <math.h>

#include "nabolag/grid.h"
#include "nbl_test.h"
#include "store/store.h"
#include "store/store_grid.h"
#include "store/store_incidents.h"

static nbl_ctx *ctx;

static const char grid_csv[] = "cell_id,year,pop\n"
                               "100m_61700_7000,2024,10\n"
                               "100m_61701_7000,2024,20\n"
                               "100m_61700_7001,2024,30\n"
                               "100m_61701_7001,2024,40\n"
                               "100m_61700_7002,2024,50\n"
                               "100m_61701_7002,2024,60\n"
                               "100m_61700_7003,2024,8\n"
                               "100m_62000_7000,2024,5\n";

static nbl_ws *
make_ws(const char *name)
{
    nbl_ws *ws;
    remove(nbl_test_path(name));
    assert_int_equal(nbl_ws_create(&ws, ctx, nbl_test_path(name), 25832), 0);
    assert_int_equal(nbl__store_begin(ws), 0);
    assert_int_equal(nbl__store_incidents_test_add_area(
                         ws, "A",
                         "POLYGON((700000 6170000, 700250 6170000, 700250 "
                         "6170200, 700000 6170200, 700000 6170000))"),
                     0);
    assert_int_equal(nbl__store_incidents_test_add_area(
                         ws, "B",
                         "POLYGON((700250 6170000, 700400 6170000, 700400 "
                         "6170100, 700250 6170100, 700250 6170000))"),
                     0);
    assert_int_equal(nbl__store_commit(ws), 0);
    return ws;
}

/* The stored value and status of (area, 2024, pop). */
static double
value_of(nbl_ws *ws, const char *area, const char *want_status, double *share)
{
    double v = -1, sh = -1;
    char *status = NULL;
    assert_int_equal(
        nbl__store_grid_result(ws, area, 2024, "pop", &v, &status, &sh), 0);
    assert_non_null(status);
    assert_string_equal(status, want_status);
    free(status);
    if (share)
        *share = sh;
    return v;
}

static void
test_area_weighted(void **state)
{
    nbl_ws *ws = make_ws("w1.sqlite");
    nbl_grid_summary s;
    (void)state;
    assert_int_equal(
        nbl_import_grid(ws, nbl_test_write("g1.csv", grid_csv), NULL, &s), 0);
    /* 4 whole cells and two halves: 10 + 20 + 30 + 40 + 50/2 + 60/2 */
    assert_true(fabs(value_of(ws, "A", "ok", NULL) - 155) < 1e-9);
    /* the other half of 50, and 8 */
    assert_true(fabs(value_of(ws, "B", "ok", NULL) - 33) < 1e-9);
    assert_int_equal(s.cells, 8);
    assert_int_equal(s.cells_outside, 1);
    assert_int_equal(s.areas, 2);
    assert_int_equal(s.values_inserted, 2);
    nbl_ws_free(ws);
}

/* One cell cut by A and B: the two parts sum to its count. */
static void
test_cut_cell_sums(void **state)
{
    nbl_ws *ws = make_ws("w2.sqlite");
    double a, b;
    (void)state;
    assert_int_equal(
        nbl_import_grid(ws,
                        nbl_test_write("g2.csv", "cell_id,year,pop\n"
                                                 "100m_61700_7002,2024,37\n"),
                        NULL, NULL),
        0);
    a = value_of(ws, "A", "ok", NULL);
    b = value_of(ws, "B", "ok", NULL);
    assert_true(fabs(a - 18.5) < 1e-9 && fabs(b - 18.5) < 1e-9);
    assert_true(fabs(a + b - 37) < 1e-9);
    nbl_ws_free(ws);
}

/* Centroid: 61700_7002's centre (700250, 6170050) is on the edge A and B
 * share, so the smaller id (A) takes it; 61701_7002's centre is on A's
 * edge only. A = 10+20+30+40+50+60 = 210, B = 8. */
static void
test_centroid(void **state)
{
    nbl_ws *ws = make_ws("w3.sqlite");
    nbl_grid_opts o = {0};
    (void)state;
    o.centroid = 1;
    assert_int_equal(
        nbl_import_grid(ws, nbl_test_write("g3.csv", grid_csv), &o, NULL), 0);
    assert_true(value_of(ws, "A", "ok", NULL) == 210);
    assert_true(value_of(ws, "B", "ok", NULL) == 8);
    nbl_ws_free(ws);
}

/* Cell 61701_7001 (wholly in A) suppressed: 10,000 of A's 50,000 m² =
 * 0.2 > 0.05, so A's value is missing and not evaluable; B is not
 * affected. With max_missing_share 0.25 A is 155 - 40 = 115. */
static void
test_suppressed(void **state)
{
    nbl_ws *ws = make_ws("w4.sqlite");
    nbl_grid_opts o = {0};
    char *csv = strdup(grid_csv);
    double share;
    (void)state;
    memcpy(strstr(csv, "7001,2024,40") + 10, "..", 2);
    assert_int_equal(
        nbl_import_grid(ws, nbl_test_write("g4.csv", csv), NULL, NULL), 0);
    assert_true(isnan(value_of(ws, "A", "not_evaluable", &share)));
    assert_true(fabs(share - 0.2) < 1e-12);
    assert_true(value_of(ws, "B", "ok", NULL) == 33);
    o.max_missing_share = 0.25;
    o.max_missing_share_set = 1;
    o.replace = 1;
    assert_int_equal(nbl_import_grid(ws, nbl_test_path("g4.csv"), &o, NULL), 0);
    assert_true(fabs(value_of(ws, "A", "ok", NULL) - 115) < 1e-9);
    free(csv);
    nbl_ws_free(ws);
}

/* A cell id that does not parse fails naming line and column; nothing is
 * stored. */
static void
test_bad_id(void **state)
{
    nbl_ws *ws = make_ws("w5.sqlite");
    double v;
    char *status = NULL;
    (void)state;
    assert_int_equal(
        nbl_import_grid(ws,
                        nbl_test_write("g5.csv", "cell_id,year,pop\n"
                                                 "100m_61700_7000,2024,10\n"
                                                 "100m_6170_7000,2024,3\n"),
                        NULL, NULL),
        NBL_EDATA);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "g5.csv:3: column 'cell_id'"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "'100m_6170_7000'"));
    assert_int_equal(
        nbl__store_grid_result(ws, "A", 2024, "pop", &v, &status, &v), 0);
    assert_null(status);
    nbl_ws_free(ws);
}

/* Cells as polygons (GeoJSON): the cut cell as a polygon gives the same
 * halves as its id. */
static void
test_polygon_cells(void **state)
{
    nbl_ws *ws = make_ws("w6.sqlite");
    (void)state;
    assert_int_equal(
        nbl_import_grid(
            ws,
            nbl_test_write(
                "g6.geojson",
                "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
                "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::25832\"}},"
                "\"features\":[{\"type\":\"Feature\",\"properties\":{"
                "\"year\":2024,\"pop\":50},\"geometry\":{\"type\":"
                "\"Polygon\",\"coordinates\":[[[700200,6170000],[700300,"
                "6170000],[700300,6170100],[700200,6170100],[700200,"
                "6170000]]]}}]}"),
            NULL, NULL),
        0);
    assert_true(fabs(value_of(ws, "A", "ok", NULL) - 25) < 1e-9);
    assert_true(fabs(value_of(ws, "B", "ok", NULL) - 25) < 1e-9);
    nbl_ws_free(ws);
}

/* Rows of a year in another order than the year before (the cell that
 * followed last time is tried first, then the hash table) and values in
 * the forms parsed at once ("40", "030", "50.0") and the others ("1e1",
 * "+20", " 60"): the same sums as test_area_weighted, 155 and 33, for
 * 2024; 2023 is 1..9 (A: 1+2+3+4+5/2+6/2). A cell given twice for a year
 * in consecutive rows is still found out, naming the second row. */
static void
test_row_order_and_forms(void **state)
{
    nbl_ws *ws = make_ws("w7.sqlite");
    double v;
    char *status = NULL;
    (void)state;
    assert_int_equal(
        nbl_import_grid(ws,
                        nbl_test_write("g7.csv", "cell_id,year,pop\n"
                                                 "100m_61700_7000,2023,1\n"
                                                 "100m_61701_7000,2023,2\n"
                                                 "100m_61700_7001,2023,3\n"
                                                 "100m_61701_7001,2023,4\n"
                                                 "100m_61700_7002,2023,5\n"
                                                 "100m_61701_7002,2023,6\n"
                                                 "100m_61700_7003,2023,7\n"
                                                 "100m_62000_7000,2023,9\n"
                                                 "100m_61700_7003,2024,8\n"
                                                 "100m_61701_7002,2024, 60\n"
                                                 "100m_61700_7000,2024,1e1\n"
                                                 "100m_61701_7000,2024,+20\n"
                                                 "100m_61700_7001,2024,030\n"
                                                 "100m_61701_7001,2024,40\n"
                                                 "100m_61700_7002,2024,50.0\n"
                                                 "100m_62000_7000,2024,5\n"),
                        NULL, NULL),
        0);
    assert_true(fabs(value_of(ws, "A", "ok", NULL) - 155) < 1e-9);
    assert_true(fabs(value_of(ws, "B", "ok", NULL) - 33) < 1e-9);
    assert_int_equal(
        nbl__store_grid_result(ws, "A", 2023, "pop", &v, &status, &v), 0);
    assert_true(fabs(v - 15.5) < 1e-9);
    free(status);
    nbl_ws_free(ws);

    ws = make_ws("w8.sqlite");
    assert_int_equal(
        nbl_import_grid(ws,
                        nbl_test_write("g8.csv", "cell_id,year,pop\n"
                                                 "100m_61700_7000,2024,10\n"
                                                 "100m_61700_7001,2024,10\n"
                                                 "100m_61700_7001,2024,10\n"),
                        NULL, NULL),
        NBL_EDATA);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "g8.csv:4: "));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "appears twice"));
    nbl_ws_free(ws);
}

/* A ';' file writes decimals with ',' (Danish Excel writes a count as
 * "10,00"): the decimal mark follows the delimiter the reader found, also
 * when the file starts with a blank line. The sums are grid_csv's. */
static void
test_decimal_comma(void **state)
{
    nbl_ws *ws = make_ws("w9.sqlite");
    (void)state;
    assert_int_equal(
        nbl_import_grid(ws,
                        nbl_test_write("g9.csv", "\n"
                                                 "cell_id;year;pop\n"
                                                 "100m_61700_7000;2024;10,00\n"
                                                 "100m_61701_7000;2024;20,0\n"
                                                 "100m_61700_7001;2024;30\n"
                                                 "100m_61701_7001;2024;40\n"
                                                 "100m_61700_7002;2024;50\n"
                                                 "100m_61701_7002;2024;60\n"
                                                 "100m_61700_7003;2024;8\n"),
                        NULL, NULL),
        0);
    assert_true(fabs(value_of(ws, "A", "ok", NULL) - 155) < 1e-9);
    assert_true(fabs(value_of(ws, "B", "ok", NULL) - 33) < 1e-9);
    nbl_ws_free(ws);
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
        cmocka_unit_test(test_area_weighted),
        cmocka_unit_test(test_cut_cell_sums),
        cmocka_unit_test(test_centroid),
        cmocka_unit_test(test_suppressed),
        cmocka_unit_test(test_bad_id),
        cmocka_unit_test(test_polygon_cells),
        cmocka_unit_test(test_row_order_and_forms),
        cmocka_unit_test(test_decimal_comma),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, setup, teardown);
}
