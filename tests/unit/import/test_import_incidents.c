/*
 * test_import_incidents.c - nbl_import_incidents() end to end on a small
 * workspace in EPSG:25832 whose areas are inserted with the store's
 * test-only helper:
 *   A = [720000,721000] x [6170000,6171000]
 *   B = [721000,722000] x [6170000,6171000]   (shares the edge x=721000)
 *   C = [722000,724000] x [6170000,6172000] with a hole
 *       [722500,723500] x [6170500,6171500]
 * Points in lon/lat were converted by hand with
 *   cs2cs -f %.9f EPSG:25832 EPSG:4326   (PROJ 9.1.1), e.g.
 *   720500 6170500 -> 55.630293996 N 12.502910359 E  (in A)
 *   721500 6170500 -> 55.629839816 N 12.518763066 E  (in B)
 *   723000 6171000 -> 55.633638862 N 12.542946339 E  (in C's hole)
 */
#include "nabolag/incidents.h"
#include "nbl_test.h"
#include "store/store.h"
#include "store/store_incidents.h"

static nbl_ctx *ctx;

static nbl_ws *
make_ws(const char *name)
{
    nbl_ws *ws;
    remove(nbl_test_path(name));
    assert_int_equal(nbl_ws_create(&ws, ctx, nbl_test_path(name), 25832), 0);
    assert_int_equal(nbl__store_begin(ws), 0);
    assert_int_equal(nbl__store_incidents_test_add_area(
                         ws, "A",
                         "POLYGON((720000 6170000, 721000 6170000, "
                         "721000 6171000, 720000 6171000, 720000 "
                         "6170000))"),
                     0);
    assert_int_equal(nbl__store_incidents_test_add_area(
                         ws, "B",
                         "POLYGON((721000 6170000, 722000 6170000, "
                         "722000 6171000, 721000 6171000, 721000 "
                         "6170000))"),
                     0);
    assert_int_equal(nbl__store_incidents_test_add_area(
                         ws, "C",
                         "POLYGON((722000 6170000, 724000 6170000, "
                         "724000 6172000, 722000 6172000, 722000 "
                         "6170000), (722500 6170500, 722500 6171500, "
                         "723500 6171500, 723500 6170500, 722500 "
                         "6170500))"),
                     0);
    assert_int_equal(nbl__store_commit(ws), 0);
    return ws;
}

static long long
count(nbl_ws *ws, const char *area, int year, const char *cat)
{
    long long n = -1;
    assert_int_equal(nbl__store_incidents_count(ws, area, year, cat, &n), 0);
    return n;
}

/* The counts of utm.csv (test_csv_utm): one point each in A, B and C for
 * (2021, vold), in A and B for (2022, indbrud), in A for (2021,
 * unspecified). */
static void
assert_utm_counts(nbl_ws *ws)
{
    assert_int_equal(count(ws, "A", 2021, "vold"), 1);
    assert_int_equal(count(ws, "B", 2021, "vold"), 1);
    assert_int_equal(count(ws, "C", 2021, "vold"), 1);
    assert_int_equal(count(ws, "A", 2022, "indbrud"), 1);
    assert_int_equal(count(ws, "B", 2022, "indbrud"), 1);
    assert_int_equal(count(ws, "A", 2021, "unspecified"), 1);
}

static void
test_csv_utm(void **state)
{
    nbl_ws *ws = make_ws("utm.sqlite");
    nbl_incidents_summary s;
    const char *csv = nbl_test_write(
        "utm.csv", "x,y,date,category\n"
                   "720500,6170500,2021-03-14,vold\n" /* A */
                   "721000,6170500,2021-06-01,vold\n" /* shared edge: B */
                   "721000,6171000,2021-06-01,vold\n" /* B's top-left corner:
                                                         above is nothing */
                   "723000,6171000,2021-01-01,vold\n" /* C's hole: outside */
                   "723500,6171000,2021-01-01,vold\n" /* hole's right edge: C */
                   "730000,6170000,2021-01-01,vold\n" /* outside */
                   "720600,6170600,,vold\n"           /* no date, in A */
                   "720600,6170600,14.03.2022,indbrud\n" /* A, DD.MM.YYYY */
                   "abc,6170600,2021-01-01,vold\n"       /* no coordinates */
                   "721500.5,6170999.5,2022-02-02T10:00:00,indbrud\n" /* B */
                   "720100,6170100,2021-13-01,vold\n" /* bad month: no date */
                   "720100,6170100,2021-12-31,\n");   /* A, no category */
    (void)state;
    assert_int_equal(nbl_import_incidents(ws, csv, NULL, &s), 0);
    assert_int_equal(s.read, 12);
    /* assigned: rows 1, 2, 5, 8, 10, 12 = 6; outside: rows 3, 4, 6 = 3;
     * no date: rows 7, 11 = 2 (both inside A); no coordinates: row 9 */
    assert_int_equal(s.assigned, 6);
    assert_int_equal(s.outside, 3);
    assert_int_equal(s.no_date, 2);
    assert_int_equal(s.no_date_inside, 2);
    assert_int_equal(s.no_coords, 1);
    assert_int_equal(s.no_category, 1);
    assert_int_equal(s.read, s.assigned + s.outside + s.no_date + s.no_coords);
    assert_int_equal(s.n_years, 2);
    assert_int_equal(s.years[0].year, 2021);
    assert_int_equal(s.years[0].assigned, 4);
    assert_int_equal(s.years[0].outside, 3);
    assert_int_equal(s.years[1].year, 2022);
    assert_int_equal(s.years[1].assigned, 2);
    assert_utm_counts(ws);
    /* rows stored: A/2021/vold, B/2021/vold, C/2021/vold, A/2022/indbrud,
     * B/2022/indbrud, A/2021/unspecified */
    assert_int_equal(s.rows_stored, 6);
    nbl_incidents_summary_clear(&s);

    /* Re-import: (2021, vold) is replaced everywhere, the rest is kept. */
    csv = nbl_test_write("utm2.csv", "x,y,year,category\n"
                                     "721200,6170200,2021,vold\n"
                                     "721300,6170200,2021,vold\n");
    assert_int_equal(nbl_import_incidents(ws, csv, NULL, &s), 0);
    assert_int_equal(count(ws, "A", 2021, "vold"), 0);
    assert_int_equal(count(ws, "B", 2021, "vold"), 2);
    assert_int_equal(count(ws, "C", 2021, "vold"), 0);
    assert_int_equal(count(ws, "A", 2022, "indbrud"), 1);
    assert_int_equal(count(ws, "A", 2021, "unspecified"), 1);
    nbl_incidents_summary_clear(&s);

    /* The first file again: it has every pair stored, so the table is
     * emptied at once; the counts are the first import's again. */
    assert_int_equal(
        nbl_import_incidents(ws, nbl_test_path("utm.csv"), NULL, &s), 0);
    assert_utm_counts(ws);
    assert_int_equal(count(ws, NULL, 2021, "vold"), 3);
    nbl_incidents_summary_clear(&s);
    nbl_ws_free(ws);
}

static void
test_csv_lonlat(void **state)
{
    nbl_ws *ws = make_ws("lonlat.sqlite");
    nbl_incidents_summary s;
    /* semicolon-separated, decimal comma, BOM, CRLF, named columns */
    const char *csv = nbl_test_write(
        "ll.csv", "\xef\xbb\xbf"
                  "lat;lon;aar;type\r\n"
                  "55,630293996;12,502910359;2020;tyveri\r\n" /* A */
                  "55,629839816;12,518763066;2020;tyveri\r\n" /* B */
                  "55,633638862;12,542946339;2020;tyveri\r\n" /* hole */);
    (void)state;
    assert_int_equal(nbl_import_incidents(ws, csv, NULL, &s), 0);
    assert_int_equal(s.read, 3);
    assert_int_equal(s.assigned, 2);
    assert_int_equal(s.outside, 1);
    assert_int_equal(count(ws, "A", 2020, "tyveri"), 1);
    assert_int_equal(count(ws, "B", 2020, "tyveri"), 1);
    assert_int_equal(count(ws, "C", 2020, "tyveri"), 0);
    nbl_incidents_summary_clear(&s);
    nbl_ws_free(ws);
}

static void
test_geojson_4326(void **state)
{
    nbl_ws *ws = make_ws("gj.sqlite");
    nbl_incidents_summary s;
    nbl_incidents_opts o = {0};
    const char *gj = nbl_test_write(
        "pts.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"dato\":\"2019-05-01\","
        "\"kind\":\"vold\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[12.502910359,55.630293996]}},"
        "{\"type\":\"Feature\",\"properties\":{\"dato\":\"2019-05-02\","
        "\"kind\":\"vold\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[12.518763066,55.629839816]}},"
        "{\"type\":\"Feature\",\"properties\":{\"dato\":\"2019-05-03\","
        "\"kind\":\"vold\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[12.542946339,55.633638862]}},"
        "{\"type\":\"Feature\",\"properties\":{\"dato\":null,"
        "\"kind\":\"vold\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[12.502910359,55.630293996]}},"
        "{\"type\":\"Feature\",\"properties\":{\"dato\":\"2019-05-03\","
        "\"kind\":\"vold\"},\"geometry\":null}]}");
    (void)state;
    o.category_field = "kind";
    assert_int_equal(nbl_import_incidents(ws, gj, &o, &s), 0);
    assert_int_equal(s.read, 5);
    assert_int_equal(s.assigned, 2);
    assert_int_equal(s.outside, 1);
    assert_int_equal(s.no_date, 1);
    assert_int_equal(s.no_coords, 1);
    assert_int_equal(count(ws, "A", 2019, "vold"), 1);
    assert_int_equal(count(ws, "B", 2019, "vold"), 1);
    nbl_incidents_summary_clear(&s);
    nbl_ws_free(ws);
}

/* Named columns, tab-separated, in UTM 33N given by --src-crs:
 *   cs2cs -f %.4f EPSG:25832 EPSG:25833
 *   720500 6170500 -> 342796.5830 6167761.8653  (in A)
 *   721500 6170500 -> 343792.5505 6167675.5344  (in B) */
static void
test_csv_other_utm_zone(void **state)
{
    nbl_ws *ws = make_ws("z33.sqlite");
    nbl_incidents_summary s;
    nbl_incidents_opts o = {0};
    const char *csv = nbl_test_write(
        "z33.csv", "E33\tN33\tgerningsdato\tgruppe\n"
                   "342796.5830\t6167761.8653\t2018-01-31\tvold\n"
                   "343792.5505\t6167675.5344\t31-12-2018\tvold\n");
    (void)state;
    o.x_field = "e33";
    o.y_field = "N33";
    o.date_field = "gerningsdato";
    o.category_field = "gruppe";
    o.src_crs = "EPSG:25833";
    assert_int_equal(nbl_import_incidents(ws, csv, &o, &s), 0);
    assert_int_equal(s.read, 2);
    assert_int_equal(s.assigned, 2);
    assert_int_equal(count(ws, "A", 2018, "vold"), 1);
    assert_int_equal(count(ws, "B", 2018, "vold"), 1);
    nbl_incidents_summary_clear(&s);
    nbl_ws_free(ws);
}

/* The dense array grows down and up in years and past 8 categories; 90
 * rows are written as one statement of 64 rows and 26 single ones. */
static void
test_dense_relayout(void **state)
{
    nbl_ws *ws = make_ws("dense.sqlite");
    nbl_incidents_summary s;
    char text[8192], *p = text;
    (void)state;
    p += snprintf(p, 64, "x,y,year,category\n");
    /* in A: categories c0..c29 in years 2022, 2019, 2024 (3 x 30 points),
     * plus c0 in 2019 once more */
    for (int y = 0; y < 3; y++)
        for (int c = 0; c < 30; c++)
            p += snprintf(p, 64, "720500,6170500,%d,c%d\n",
                          y == 0   ? 2022
                          : y == 1 ? 2019
                                   : 2024,
                          c);
    snprintf(p, 64, "720500,6170500,2019,c0\n");
    assert_int_equal(
        nbl_import_incidents(ws, nbl_test_write("d.csv", text), NULL, &s), 0);
    assert_int_equal(s.assigned, 91);
    assert_int_equal(s.rows_stored, 90);
    assert_int_equal(count(ws, NULL, 2022, "c29"), 1);
    assert_int_equal(count(ws, "A", 2019, "c0"), 2);
    assert_int_equal(count(ws, "A", 2022, "c11"), 1);
    assert_int_equal(count(ws, "A", 2024, "c7"), 1);
    assert_int_equal(count(ws, "A", 2020, "c0"), 0);
    assert_int_equal(s.n_years, 3);
    assert_int_equal(s.years[0].year, 2019);
    assert_int_equal(s.years[0].assigned, 31);
    nbl_incidents_summary_clear(&s);
    nbl_ws_free(ws);
}

/* The counts in the hash map (used when areas x years x categories is too
 * large for the dense array) are the same as in the array. */
extern size_t nbl__incidents_dense_max;

static void
test_hash_counts(void **state)
{
    nbl_ws *ws = make_ws("hash.sqlite");
    nbl_incidents_summary s;
    size_t saved = nbl__incidents_dense_max;
    const char *csv =
        nbl_test_write("hash.csv", "x,y,year,category\n"
                                   "720500,6170500,2021,vold\n"    /* A */
                                   "720600,6170500,2021,vold\n"    /* A */
                                   "721500,6170500,2021,vold\n"    /* B */
                                   "721500,6170500,2022,indbrud\n" /* B */
                                   "740000,6170500,2022,vold\n");  /* - */
    (void)state;
    nbl__incidents_dense_max = 1;
    assert_int_equal(nbl_import_incidents(ws, csv, NULL, &s), 0);
    nbl__incidents_dense_max = saved;
    assert_int_equal(s.assigned, 4);
    assert_int_equal(s.outside, 1);
    assert_int_equal(s.rows_stored, 3);
    assert_int_equal(count(ws, "A", 2021, "vold"), 2);
    assert_int_equal(count(ws, "B", 2021, "vold"), 1);
    assert_int_equal(count(ws, "B", 2022, "indbrud"), 1);
    assert_int_equal(s.n_years, 2);
    assert_int_equal(s.years[1].outside, 1);
    nbl_incidents_summary_clear(&s);
    nbl_ws_free(ws);
}

static unsigned char *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc(*n ? *n : 1);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void
test_failure_leaves_workspace(void **state)
{
    nbl_ws *ws = make_ws("fail.sqlite");
    nbl_incidents_opts o = {0};
    nbl_incidents_summary s;
    size_t n0, n1;
    unsigned char *b0, *b1;
    const char *csv = nbl_test_write("f.csv", "x,y,year,category\n"
                                              "720500,6170500,2021,vold\n");
    (void)state;
    nbl_ws_free(ws);
    b0 = slurp(nbl_test_path("fail.sqlite"), &n0);
    assert_int_equal(nbl_ws_open(&ws, ctx, nbl_test_path("fail.sqlite")), 0);
    o.category_field = "nope";
    assert_int_equal(nbl_import_incidents(ws, csv, &o, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "no column 'nope'"));
    o.category_field = NULL;
    o.src_crs = "EPSG:999999";
    assert_int_equal(nbl_import_incidents(ws, csv, &o, &s), NBL_ECRS);
    o.src_crs = NULL;
    assert_int_equal(
        nbl_import_incidents(ws, nbl_test_path("missing.csv"), &o, &s),
        NBL_EIO);
    nbl_ws_free(ws);
    b1 = slurp(nbl_test_path("fail.sqlite"), &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(b0, b1, n0);
    free(b0);
    free(b1);
}

static int
setup(void **state)
{
    (void)state;
    ctx = nbl_ctx_new();
    return ctx ? 0 : -1;
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
        cmocka_unit_test(test_csv_utm),
        cmocka_unit_test(test_csv_lonlat),
        cmocka_unit_test(test_geojson_4326),
        cmocka_unit_test(test_csv_other_utm_zone),
        cmocka_unit_test(test_hash_counts),
        cmocka_unit_test(test_dense_relayout),
        cmocka_unit_test(test_failure_leaves_workspace),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, setup, teardown);
}
