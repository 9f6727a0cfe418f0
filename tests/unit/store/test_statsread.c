/*
 * test_statsread.c - the one scan of stats (store_statsread.c) and the
 * criteria's table made from the profile's (nbl__store_compute_from_pdata).
 *
 * Data (values by hand; the span of years grows at both ends after the
 * first area, whose years 2020-2021 are the first guess):
 *   A (region 1084): 2020 pop 100, 2021 pop 110
 *   B (region 1081): 2018 pop 90, 2023 pop_18_64 NULL
 *   C (no region):   2021 households 7, 2024 households 5
 *   refs: country DK pop 2021 = 1000; region 1084 pop 2021 = 500
 * Read with vars {pop, pop_18_64}, nvalued 1 (only pop marks valued[]):
 *   only those variables: years 2018..2023; any = 2018, 2020, 2021, 2023;
 *   valued = 2018, 2020, 2021 (2023 has pop_18_64, and NULL).
 *   every row: years 2018..2024; any adds 2024 (C's households).
 */
#include "nbl_test.h"

#include <math.h>

#include "model/profile.h"
#include "nabolag/workspace.h"
#include "store/store.h"
#include "store/store_compute.h"
#include "store/store_profile.h"
#include "store/store_statsread.h"

static const char *SETUP =
    "INSERT INTO areas(area_id, name, municipality, region, geom) "
    "SELECT column1, column1, '751', column2, GeomFromText("
    "'MULTIPOLYGON(((0 0,100 0,100 100,0 100,0 0)))', 25832) FROM (VALUES"
    " ('A','1084'),('B','1081'),('C',NULL));"
    "INSERT INTO stats(area_id, year, variable, value) VALUES"
    " ('A',2020,'pop',100),('A',2021,'pop',110),('B',2018,'pop',90),"
    " ('B',2023,'pop_18_64',NULL),('C',2021,'households',7),"
    " ('C',2024,'households',5);"
    "INSERT INTO refs(scope, code, year, variable, value) VALUES"
    " ('country','DK',2021,'pop',1000),('region','1084',2021,'pop',500);";

static const char *VARS[] = {"pop", "pop_18_64", "households"};

static nbl_ws *
make_ws(nbl_ctx *ctx, const char *name, int fill)
{
    nbl_ws *ws = NULL;
    const char *path = nbl_test_path(name);
    remove(path);
    assert_int_equal(nbl_ws_create(&ws, ctx, path, NBL_DEFAULT_SRID), NBL_OK);
    if (fill && nbl__store_compute_test_exec(ws, SETUP))
        fail_msg("%s", nbl_ctx_errmsg(ctx));
    return ws;
}

static double
cell(const nbl__stats_table *t, size_t k, int year, int j)
{
    return t->v[(k * (size_t)t->nyears + (size_t)(year - t->year0)) *
                    (size_t)t->nvars +
                (size_t)j];
}

static void
test_read_vars(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "s1.sqlite", 1);
    char *keys[] = {"A", "B", "C"};
    const unsigned char any[] = {1, 0, 1, 1, 0, 1},
                        valued[] = {1, 0, 1, 1, 0, 0};
    nbl__stats_table t;
    (void)state;
    assert_int_equal(nbl__store_stats_read(ws, keys, 3, VARS, 2, 1, 0, &t),
                     NBL_OK);
    assert_int_equal(t.year0, 2018);
    assert_int_equal(t.nyears, 6);
    assert_memory_equal(t.any, any, 6);
    assert_memory_equal(t.valued, valued, 6);
    assert_float_equal(cell(&t, 0, 2020, 0), 100, 0);
    assert_float_equal(cell(&t, 0, 2021, 0), 110, 0);
    assert_true(isnan(cell(&t, 0, 2018, 0)));
    assert_float_equal(cell(&t, 1, 2018, 0), 90, 0);
    assert_true(isnan(cell(&t, 1, 2023, 1)));
    for (int y = 2018; y <= 2023; y++)
        for (int j = 0; j < 2; j++)
            assert_true(isnan(cell(&t, 2, y, j)));
    nbl__stats_table_free(&t);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* Every row: C's households of 2024 widen the span and mark any[] though
 * households is not read into the table. Keys without B: B's rows fill
 * no cell but still count in the years. */
static void
test_read_all(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "s2.sqlite", 1);
    char *keys[] = {"A", "C"};
    nbl__stats_table t;
    double *v;
    (void)state;
    assert_int_equal(nbl__store_stats_read(ws, keys, 2, VARS, 2, 1, 1, &t),
                     NBL_OK);
    assert_int_equal(t.year0, 2018);
    assert_int_equal(t.nyears, 7);
    assert_true(t.any[6] && !t.valued[6] && t.valued[0]);
    assert_float_equal(cell(&t, 0, 2021, 0), 110, 0);
    for (int y = 2018; y <= 2024; y++)
        assert_true(isnan(cell(&t, 1, y, 0)) && isnan(cell(&t, 1, y, 1)));
    /* a span beyond the table's years: NAN there, the values in place */
    v = nbl__stats_table_span(&t, 2017, 5);
    assert_non_null(v);
    assert_true(isnan(v[0]));
    assert_float_equal(v[(3 * 2) + 0], 100, 0); /* A, 2020, pop */
    assert_float_equal(v[(4 * 2) + 0], 110, 0); /* A, 2021, pop */
    free(v);
    nbl__stats_table_free(&t);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static void
test_read_empty(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "s3.sqlite", 0);
    nbl__stats_table t;
    (void)state;
    assert_int_equal(nbl__store_stats_read(ws, NULL, 0, VARS, 3, 3, 1, &t),
                     NBL_OK);
    assert_int_equal(t.nyears, 0);
    assert_null(t.v);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static void
same_doubles(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(a[i]) || isnan(b[i]))
            assert_true(isnan(a[i]) && isnan(b[i]));
        else
            assert_float_equal(a[i], b[i], 0);
}

/* The criteria's table made from the profile's equals the one read on
 * its own: years 2018..2021 (the years with a pop value), the areas,
 * their regions and the references. */
static void
test_from_pdata(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = make_ws(ctx, "s4.sqlite", 1);
    nbl__compute_data a, b;
    nbl__pdata p;
    unsigned char *has_year = NULL, *valued = NULL;
    size_t cells;
    (void)state;
    assert_int_equal(nbl__store_compute_load(ws, VARS, 2, &a), NBL_OK);
    assert_int_equal(
        nbl__store_profile_load_shared(ws, VARS, 3, 2, &p, &has_year, &valued),
        NBL_OK);
    assert_int_equal(p.year0, 2018);
    assert_int_equal(p.n_years, 7);
    assert_int_equal(nbl__store_compute_from_pdata(ws, &p, valued, VARS, 2, &b),
                     NBL_OK);
    assert_int_equal(a.first_year, 2018);
    assert_int_equal(a.nyears, 4);
    assert_int_equal(a.ndata_years, 3);
    assert_int_equal(b.first_year, a.first_year);
    assert_int_equal(b.nyears, a.nyears);
    assert_int_equal(b.ndata_years, a.ndata_years);
    assert_memory_equal(b.data_years, a.data_years, 3 * sizeof(int));
    assert_int_equal(b.nareas, 3);
    assert_int_equal(a.nareas, 3);
    assert_int_equal(b.nregions, 2);
    assert_string_equal(b.region_codes[0], "1081");
    assert_string_equal(b.region_codes[1], "1084");
    assert_memory_equal(b.area_region, a.area_region, 3 * sizeof(int));
    assert_int_equal(b.area_region[0], 1);
    assert_int_equal(b.area_region[2], -1);
    cells = 3 * (size_t)a.nyears * 2;
    same_doubles(b.area, a.area, cells);
    assert_float_equal(b.area[(0 * 4 + 3) * 2], 110, 0); /* A 2021 pop */
    same_doubles(b.country, a.country, (size_t)a.nyears * 2);
    assert_float_equal(b.country[3 * 2], 1000, 0);
    same_doubles(b.region, a.region, 2 * (size_t)a.nyears * 2);
    assert_float_equal(b.region[(1 * 4 + 3) * 2], 500, 0); /* 1084 2021 */
    nbl__compute_data_free(&a);
    nbl__compute_data_free(&b);
    nbl__pdata_free(&p);
    free(has_year);
    free(valued);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_vars),
        cmocka_unit_test(test_read_all),
        cmocka_unit_test(test_read_empty),
        cmocka_unit_test(test_from_pdata),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
