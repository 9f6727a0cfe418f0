/*
 * test_crs.c - the CRS checks (src/import/crs.c): working CRS accepted or
 * refused (EPSG:25832 and 25833 accepted; Web Mercator EPSG:3857 refused
 * for its area error, naming EPSG:25832/25833; lon/lat EPSG:4326 refused as
 * not projected), and the area-of-use test of input coordinates (lon/lat
 * declared as EPSG:25832 refused, real UTM coordinates of Copenhagen and
 * Bornholm accepted).
 */
#include <math.h>

#include "import/crs.h"
#include "nbl_test.h"

static void
test_working_crs(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    (void)state;
    assert_int_equal(nbl_crs_check_working(ctx, 25832), NBL_OK);
    assert_int_equal(nbl_crs_check_working(ctx, 25833), NBL_OK);
    /* Web Mercator: 1 / cos²(55.7°) = 3.1 at Copenhagen, far more at 85°N */
    assert_int_equal(nbl_crs_check_working(ctx, 3857), NBL_ECRS);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "EPSG:3857"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "EPSG:25832"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "EPSG:25833"));
    assert_int_equal(nbl_crs_check_working(ctx, 4326), NBL_ECRS);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "not a projected CRS"));
    assert_int_equal(nbl_crs_check_working(ctx, 999999), NBL_ECRS);
    nbl_ctx_free(ctx);
}

static nbl__aou *
aou_of(int epsg, OGRSpatialReferenceH *keep)
{
    nbl__aou *a = NULL;
    *keep = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(*keep, epsg), OGRERR_NONE);
    assert_int_equal(nbl__aou_new(*keep, &a), NBL_OK);
    assert_non_null(a);
    return a;
}

static void
test_lonlat_declared_as_utm(void **state)
{
    OGRSpatialReferenceH s;
    nbl__aou *a = aou_of(25832, &s);
    /* Copenhagen in lon/lat read as UTM 32N metres: about 4.5°E, 0.0°N */
    double x[] = {12.458, 12.618}, y[] = {55.639, 55.728}, lon, lat;
    size_t k = 9;
    (void)state;
    assert_int_equal(nbl__aou_outside(a, x, y, 2, &k, &lon, &lat), 1);
    assert_int_equal(k, 0);
    assert_true(fabs(lon - 4.51) < 0.05 && fabs(lat) < 0.01);
    assert_non_null(strstr(nbl__aou_crs(a), "EPSG:25832"));
    /* the same places in UTM 32N, and Bornholm (E 870 km, 15°E, outside
     * the zone's official 6-12°E but within the 5° margin) */
    {
        double ux[] = {720000, 724000, 870000};
        double uy[] = {6170000, 6180000, 6120000};
        assert_int_equal(nbl__aou_outside(a, ux, uy, 3, &k, &lon, &lat), 0);
    }
    nbl__aou_free(a);
    OSRRelease(s);
}

static void
test_metres_declared_as_lonlat(void **state)
{
    OGRSpatialReferenceH s;
    nbl__aou *a = aou_of(4326, &s);
    double x[] = {12.5, 720000}, y[] = {55.7, 6170000}, lon, lat;
    size_t k = 9;
    (void)state;
    assert_int_equal(nbl__aou_outside(a, x, y, 1, &k, &lon, &lat), 0);
    assert_int_equal(nbl__aou_outside(a, x, y, 2, &k, &lon, &lat), 1);
    assert_int_equal(k, 1);
    nbl__aou_free(a);
    OSRRelease(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_working_crs),
        cmocka_unit_test(test_lonlat_declared_as_utm),
        cmocka_unit_test(test_metres_declared_as_lonlat),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
