/*
 * test_report_map.c - the report map's path writer (nbl__rep_path) and the
 * areas' outlines the store hands it (nbl__store_report_paths).
 *
 * The frame's origin is (1000, 2000): a point (x, y) of the working CRS is
 * written as x - 1000 to the right and 2000 - y down, one decimal. The
 * expected strings are worked out by hand in the comments; the outlines
 * are also compared with SpatiaLite's AsSVG(ST_Translate(geom, -1000,
 * -2000, 0), 0, 1), which the map used before, as an independent source.
 */
#include "nbl_test.h"

#include "nabolag/workspace.h"
#include "publish/report_internal.h"
#include "store/store_internal.h"

static void
frame(nbl__report_data *d)
{
    memset(d, 0, sizeof *d);
    d->minx = 1000;
    d->maxy = 2000;
}

static void
ring(nbl__rep_path *w, const double *xy, int n, int closed)
{
    for (int i = 0; i < n; i++)
        nbl__rep_path_point(w, xy[2 * i], xy[2 * i + 1]);
    nbl__rep_path_end(w, closed);
}

/* A square with a square hole, a line, a ring not given closed. */
static void
test_writer(void **state)
{
    nbl__report_data d;
    nbl__buf b = {0};
    nbl__rep_path w;
    /* exterior: frame (0, 0), (100, 0), (100, 100), (0, 100); the repeated
     * first point is left out, z closes the ring */
    static const double ext[] = {1000, 2000, 1100, 2000, 1100,
                                 1900, 1000, 1900, 1000, 2000};
    /* hole: x 1020.04 - 1000 = 20.04 -> "20", y 2000 - 1920.06 = 79.94
     * -> "79.9" */
    static const double hole[] = {1020.04, 1980, 1020.04, 1920.06, 1080,
                                  1920.06, 1080, 1980,    1020.04, 1980};
    (void)state;
    frame(&d);
    nbl__rep_path_init(&w, &b, &d);
    ring(&w, ext, 5, 1);
    assert_string_equal(b.s, "M 0 0 L 100 0 100 100 0 100 z");
    ring(&w, hole, 5, 1);
    assert_string_equal(b.s, "M 0 0 L 100 0 100 100 0 100 z "
                             "M 20 20 L 20 79.9 80 79.9 80 20 z");
    assert_true(w.any);
    assert_true(w.x0 == 0 && w.y0 == 0 && w.x1 == 100 && w.y1 == 100);
    nbl__buf_free(&b);

    /* a line left and above the origin (negative in the frame), kept
     * open; 990.06 - 1000 = -9.94 -> "-9.9", 2000 - 2000.04 = -0.04 ->
     * "0" (never "-0"); its last point is written */
    {
        static const double line[] = {990.06, 2010, 995, 2000.04, 990.06, 2010};
        nbl__rep_path_init(&w, &b, &d);
        ring(&w, line, 3, 0);
        assert_string_equal(b.s, "M -9.9 -10 L -5 0 -9.9 -10");
        assert_true(w.x0 < -9.9 && w.y0 == -10 && w.x1 == -5);
        nbl__buf_free(&b);
    }
    /* a ring whose last point is not its first: every point is written */
    {
        static const double open[] = {1000, 2000, 1010, 2000, 1010, 1990};
        nbl__rep_path_init(&w, &b, &d);
        ring(&w, open, 3, 1);
        assert_string_equal(b.s, "M 0 0 L 10 0 10 10 z");
        nbl__buf_free(&b);
    }
    /* one point, and a part with none (nothing written) */
    nbl__rep_path_init(&w, &b, &d);
    ring(&w, ext, 1, 1);
    ring(&w, ext, 0, 1);
    assert_string_equal(b.s, "M 0 0 z");
    assert_true(w.x1 == 0 && w.y1 == 0);
    nbl__buf_free(&b);
}

/* A workspace with the areas given as (id, SQL geometry) pairs. */
static nbl_ws *
workspace(nbl_ctx *ctx, const char *name, const char *rows)
{
    nbl_ws *ws = NULL;
    char sql[2048];
    remove(nbl_test_path(name));
    assert_int_equal(nbl_ws_create(&ws, ctx, nbl_test_path(name), 25832),
                     NBL_OK);
    snprintf(sql, sizeof sql,
             "INSERT INTO areas(area_id, name, municipality, region, geom) "
             "VALUES %s",
             rows);
    assert_int_equal(nbl__db_exec(ws, sql), NBL_OK);
    return ws;
}

typedef struct drawn {
    const nbl__report_data *d;
    char *path[4];
    int calls;
} drawn;

static int
draw(void *arg, int i, const nbl__report_part *parts, int n)
{
    drawn *r = arg;
    nbl__buf b = {0};
    nbl__rep_path w;
    nbl__rep_path_init(&w, &b, r->d);
    for (int k = 0; k < n; k++) {
        for (int j = 0; j < parts[k].n; j++)
            nbl__rep_path_point(&w, parts[k].xy[j * parts[k].dims],
                                parts[k].xy[j * parts[k].dims + 1]);
        nbl__rep_path_end(&w, parts[k].closed);
    }
    assert_false(b.failed);
    r->path[i] = b.s;
    r->calls++;
    return 0;
}

/* The text of a one-value query. */
static char *
query_text(nbl_ws *ws, const char *sql)
{
    sqlite3_stmt *q;
    char *s;
    assert_int_equal(nbl__db_prepare(ws, &q, sql), NBL_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    s = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return s;
}

/* Area A is a multipolygon: the square with its hole (test_writer) and a
 * triangle, (1200, 1800), (1250, 1800), (1250, 1750.26): frame (200,
 * 200), (250, 200), (250, 249.74 -> "249.7"). Area B is a triangle. */
static void
test_outlines(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__report_data d;
    nbl__report_area areas[2] = {{.area_id = "A"}, {.area_id = "B"}};
    drawn r = {&d, {0}, 0};
    char *svg;
    nbl_ws *ws = workspace(
        ctx, "outlines.sqlite",
        "('A', 'a', 'M', 'R', GeomFromText('MULTIPOLYGON(((1000 2000, 1100 "
        "2000, 1100 1900, 1000 1900, 1000 2000), (1020.04 1980, 1020.04 "
        "1920.06, 1080 1920.06, 1080 1980, 1020.04 1980)), ((1200 1800, "
        "1250 1800, 1250 1750.26, 1200 1800)))', 25832)), ('B', 'b', 'M', "
        "'R', GeomFromText('MULTIPOLYGON(((1000 2000, 1001 2000, 1001 1999, "
        "1000 2000)))', 25832))");
    (void)state;
    frame(&d);
    d.areas = areas;
    d.n_areas = 2;
    assert_int_equal(nbl__store_report_paths(ws, &d, draw, &r), NBL_OK);
    assert_int_equal(r.calls, 2);
    assert_string_equal(r.path[0], "M 0 0 L 100 0 100 100 0 100 z "
                                   "M 20 20 L 20 79.9 80 79.9 80 20 z "
                                   "M 200 200 L 250 200 250 249.7 z");
    assert_string_equal(r.path[1], "M 0 0 L 1 0 1 1 z");
    assert_true(areas[0].has_path && areas[1].has_path);
    svg = query_text(ws, "SELECT AsSVG(ST_Translate(geom, -1000, -2000, 0), "
                         "0, 1) FROM areas WHERE area_id = 'A'");
    assert_string_equal(r.path[0], svg);
    free(svg);
    free(r.path[0]);
    free(r.path[1]);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* With the geometry column's checks gone (a hand-edited workspace): a
 * geometry with Z (B: x, y, z a point) is drawn from its x and y; a blob
 * that is not a SpatiaLite geometry (C, A's cut short) is an error naming
 * the area, after the areas before it were drawn. */
static void
test_outline_unreadable(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__report_data d;
    nbl__report_area areas[3] = {
        {.area_id = "A"}, {.area_id = "B"}, {.area_id = "C"}};
    drawn r = {&d, {0}, 0};
    nbl_ws *ws = workspace(ctx, "unreadable.sqlite",
                           "('A', 'a', 'M', 'R', GeomFromText('MULTIPOLYGON("
                           "((1000 2000, 1001 2000, 1001 1999, 1000 2000)))',"
                           " 25832))");
    char *drop = query_text(ws, "SELECT group_concat('DROP TRIGGER \"' || "
                                "name || '\";', ' ') FROM sqlite_master "
                                "WHERE type = 'trigger' AND tbl_name = "
                                "'areas'");
    (void)state;
    /* the geometry column's checks would refuse the broken blob */
    assert_int_equal(nbl__db_exec(ws, drop), NBL_OK);
    free(drop);
    assert_int_equal(nbl__db_exec(ws, "INSERT INTO areas(area_id, name, "
                                      "municipality, region, geom) SELECT "
                                      "'C', 'c', 'M', 'R', substr(geom, 1, "
                                      "60) FROM areas WHERE area_id = 'A'"),
                     NBL_OK);
    assert_int_equal(nbl__db_exec(ws, "INSERT INTO areas(area_id, name, "
                                      "municipality, region, geom) VALUES "
                                      "('B', 'b', 'M', 'R', GeomFromText("
                                      "'MULTIPOLYGON Z(((1000 2000 5, 1002 "
                                      "2000 6, 1002 1998 7, 1000 2000 5)))'"
                                      ", 25832))"),
                     NBL_OK);
    frame(&d);
    d.areas = areas;
    d.n_areas = 3;
    assert_int_equal(nbl__store_report_paths(ws, &d, draw, &r), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "unreadable.sqlite: area "
                                                "'C': its geometry cannot "
                                                "be read"));
    assert_int_equal(r.calls, 2);
    assert_string_equal(r.path[0], "M 0 0 L 1 0 1 1 z");
    assert_string_equal(r.path[1], "M 0 0 L 2 0 2 2 z");
    assert_false(areas[2].has_path);
    free(r.path[0]);
    free(r.path[1]);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_outlines),
        cmocka_unit_test(test_outline_unreadable),
    };
    int rc;
    nbl_test_locale();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    nbl_test_rm_tmpdir();
    return rc;
}
