/*
 * test_pip.c - the point-in-polygon index (src/model/pip.c), pure: shared edges
 * and vertices (each point counted once, in the area to its right, or
 * above on a horizontal edge), holes, multipolygons, outside points, WKB
 * input, and the exact orientation predicate.
 */
#include <math.h>

#include "nbl_test.h"
#include "model/pip.h"

static void
add_rect(nbl__pip *p, double x0, double y0, double x1, double y1)
{
    double r[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    assert_true(nbl__pip_begin_area(p) >= 0);
    assert_int_equal(nbl__pip_add_ring(p, r, 5), 0);
}

/* How many of the areas, each indexed on its own, contain (x, y). */
static int
owners(nbl__pip **single, int n, double x, double y)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += nbl__pip_locate(single[i], x, y) == 0;
    return c;
}

/* 3 x 3 unit squares over [0,3]^2; area index = 3 * row + column. */
static void
test_shared_edges_and_vertices(void **state)
{
    nbl__pip *all = nbl__pip_new(), *single[9];
    (void)state;
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 3; i++) {
            add_rect(all, i, j, i + 1, j + 1);
            single[3 * j + i] = nbl__pip_new();
            add_rect(single[3 * j + i], i, j, i + 1, j + 1);
            assert_int_equal(nbl__pip_build(single[3 * j + i]), 0);
        }
    assert_int_equal(nbl__pip_build(all), 0);
    /* Every half-unit lattice point, on edges and vertices included:
     * the rule puts (x, y) in the square [floor(x), floor(x)+1) x
     * [floor(y), floor(y)+1); on the outer right and top border (x = 3 or
     * y = 3) in none. Each point is in exactly one square otherwise. */
    for (int a = 0; a <= 6; a++)
        for (int b = 0; b <= 6; b++) {
            double x = a / 2.0, y = b / 2.0;
            long want = (a == 6 || b == 6) ? -1 : 3 * (b / 2) + (a / 2);
            assert_int_equal(nbl__pip_locate(all, x, y), want);
            assert_int_equal(owners(single, 9, x, y), want < 0 ? 0 : 1);
        }
    /* the batch call gives the same answers */
    {
        double xs[49], ys[49];
        long got[49];
        for (int a = 0; a <= 6; a++)
            for (int b = 0; b <= 6; b++)
                xs[7 * a + b] = a / 2.0, ys[7 * a + b] = b / 2.0;
        nbl__pip_locate_many(all, 49, xs, ys, got);
        for (int i = 0; i < 49; i++)
            assert_int_equal(got[i], nbl__pip_locate(all, xs[i], ys[i]));
    }
    /* the centre vertex (1,1) belongs to the square to its upper right */
    assert_int_equal(nbl__pip_locate(all, 1.0, 1.0), 4);
    /* on the vertical edge x = 1 between squares 0 and 1: square 1 */
    assert_int_equal(nbl__pip_locate(all, 1.0, 0.25), 1);
    /* on the horizontal edge y = 2 between squares 4 and 7: square 7 */
    assert_int_equal(nbl__pip_locate(all, 1.5, 2.0), 7);
    for (int i = 0; i < 9; i++)
        nbl__pip_free(single[i]);
    nbl__pip_free(all);
}

/* Two triangles sharing the diagonal (0,0)-(3,1) of the rectangle
 * [0,3] x [0,1]; points computed onto the diagonal in floating point
 * (mostly not exactly on it) must each be in exactly one triangle. */
static void
test_shared_diagonal_exact(void **state)
{
    double t1[] = {0, 0, 3, 0, 3, 1};
    double t2[] = {0, 0, 3, 1, 0, 1};
    nbl__pip *a = nbl__pip_new(), *b = nbl__pip_new(), *both = nbl__pip_new();
    nbl__pip *single[2] = {a, b};
    unsigned seed = 12345;
    (void)state;
    nbl__pip_begin_area(a);
    nbl__pip_add_ring(a, t1, 3);
    nbl__pip_begin_area(b);
    nbl__pip_add_ring(b, t2, 3);
    nbl__pip_begin_area(both);
    nbl__pip_add_ring(both, t1, 3);
    nbl__pip_begin_area(both);
    nbl__pip_add_ring(both, t2, 3);
    assert_int_equal(nbl__pip_build(a), 0);
    assert_int_equal(nbl__pip_build(b), 0);
    assert_int_equal(nbl__pip_build(both), 0);
    for (int i = 1; i < 20000; i++) {
        double y, x;
        long many;
        seed = seed * 1103515245u + 12345u;
        y = (double)(seed % 1000000u) / 1000000.0;
        x = 3.0 * y;
        if (y <= 0.0)
            continue;
        assert_int_equal(owners(single, 2, x, y), 1);
        assert_true(nbl__pip_locate(both, x, y) >= 0);
        nbl__pip_locate_many(both, 1, &x, &y, &many);
        assert_int_equal(many, nbl__pip_locate(both, x, y));
    }
    /* 0.1 is not exact: x = 3 * 0.1 rounds to 0x1.3333333333334p-2, which
     * lies just right of the diagonal (see test_orient2d): triangle 0. */
    assert_int_equal(nbl__pip_locate(both, 3 * 0.1, 0.1), 0);
    nbl__pip_free(a);
    nbl__pip_free(b);
    nbl__pip_free(both);
}

static void
test_holes(void **state)
{
    double outer[] = {0, 0, 10, 0, 10, 10, 0, 10};
    double hole[] = {4, 4, 4, 6, 6, 6, 6, 4}; /* open ring, either winding */
    nbl__pip *p = nbl__pip_new();
    (void)state;
    nbl__pip_begin_area(p);
    nbl__pip_add_ring(p, outer, 4);
    nbl__pip_add_ring(p, hole, 4);
    assert_int_equal(nbl__pip_build(p), 0);
    assert_int_equal(nbl__pip_locate(p, 2, 2), 0);
    assert_int_equal(nbl__pip_locate(p, 5, 5), -1); /* in the hole */
    assert_int_equal(nbl__pip_locate(p, 4, 5), -1); /* hole's left edge */
    assert_int_equal(nbl__pip_locate(p, 6, 5), 0);  /* hole's right edge */
    /* a second area filling the hole takes the hole's points */
    add_rect(p, 4, 4, 6, 6);
    assert_int_equal(nbl__pip_build(p), 0);
    assert_int_equal(nbl__pip_locate(p, 5, 5), 1);
    assert_int_equal(nbl__pip_locate(p, 4, 5), 1);
    assert_int_equal(nbl__pip_locate(p, 6, 5), 0);
    assert_int_equal(nbl__pip_locate(p, 5, 4), 1); /* bottom: above wins */
    assert_int_equal(nbl__pip_locate(p, 5, 6), 0);
    nbl__pip_free(p);
}

static void
test_multipolygon_and_outside(void **state)
{
    double p1[] = {0, 0, 1, 0, 1, 1, 0, 1, 0, 0};
    double p2[] = {5, 5, 7, 5, 6, 7, 5, 5};
    nbl__pip *p = nbl__pip_new();
    (void)state;
    nbl__pip_begin_area(p);
    nbl__pip_add_ring(p, p1, 5);
    nbl__pip_add_ring(p, p2, 4);
    assert_int_equal(nbl__pip_build(p), 0);
    assert_int_equal(nbl__pip_count(p), 1);
    assert_int_equal(nbl__pip_locate(p, 0.5, 0.5), 0);
    assert_int_equal(nbl__pip_locate(p, 6, 6), 0);
    assert_int_equal(nbl__pip_locate(p, 3, 3), -1);     /* between parts */
    assert_int_equal(nbl__pip_locate(p, 6.9, 6.5), -1); /* in bbox only */
    assert_int_equal(nbl__pip_locate(p, -100, 0.5), -1);
    assert_int_equal(nbl__pip_locate(p, 1e9, 1e9), -1);
    assert_int_equal(nbl__pip_locate(p, NAN, 0.5), -1);
    nbl__pip_free(p);
}

static size_t
put_u32(unsigned char *b, uint32_t v, int big)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (big ? 24 - 8 * i : 8 * i));
    return 4;
}

static size_t
put_f64(unsigned char *b, double d, int big)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (big ? 56 - 8 * i : 8 * i));
    return 8;
}

static void
test_wkb(void **state)
{
    /* MultiPolygon (big-endian) of two squares given as little-endian
     * Polygons: [0,2]^2 and [10,12]^2. */
    unsigned char b[512];
    size_t n = 0;
    nbl__pip *p = nbl__pip_new();
    (void)state;
    b[n++] = 0;
    n += put_u32(b + n, 6, 1);
    n += put_u32(b + n, 2, 1);
    for (int k = 0; k < 2; k++) {
        double o = 10.0 * k;
        double pts[] = {o, o, o + 2, o, o + 2, o + 2, o, o + 2, o, o};
        b[n++] = 1;
        n += put_u32(b + n, 3, 0);
        n += put_u32(b + n, 1, 0);
        n += put_u32(b + n, 5, 0);
        for (int i = 0; i < 10; i++)
            n += put_f64(b + n, pts[i], 0);
    }
    assert_int_equal(nbl__pip_add_wkb(p, b, n), 0);
    /* malformed is not "out of memory": the caller warns, not fails */
    assert_int_equal(nbl__pip_add_wkb(p, b, n - 3), NBL__PIP_BAD); /* cut */
    assert_int_equal(nbl__pip_add_wkb(p, NULL, 0), NBL__PIP_BAD);
    assert_int_equal(nbl__pip_build(p), 0);
    assert_int_equal(nbl__pip_count(p), 3);
    assert_int_equal(nbl__pip_locate(p, 1, 1), 0);
    assert_int_equal(nbl__pip_locate(p, 11, 11), 0);
    assert_int_equal(nbl__pip_locate(p, 5, 5), -1);
    nbl__pip_free(p);
}

static void
test_orient2d(void **state)
{
    (void)state;
    assert_int_equal(nbl__orient2d(0, 0, 1, 0, 0, 1), 1);
    assert_int_equal(nbl__orient2d(0, 0, 1, 0, 0, -1), -1);
    assert_int_equal(nbl__orient2d(0, 0, 1, 1, 0.5, 0.5), 0);
    /* y = 0.1 = 0x1999999999999A * 2^-56, x = 3 * 0.1 rounded =
     * 0x4CCCCCCCCCCCD0 * 2^-56; det = 3y - x = (0x..CE - 0x..D0) * 2^-56
     * = -2^-55 < 0: clockwise, although 3 * y - x is 0 in doubles. */
    assert_true(3 * 0.1 - 3 * 0.1 == 0.0);
    assert_int_equal(nbl__orient2d(0, 0, 3, 1, 3 * 0.1, 0.1), -1);
    /* nearly collinear points far from the origin (UTM-sized) */
    assert_int_equal(nbl__orient2d(700000.5, 6200000.25, 700001.5, 6200001.25,
                                   700000.75, 6200000.5),
                     0);
    assert_int_equal(nbl__orient2d(700000.5, 6200000.25, 700001.5, 6200001.25,
                                   700000.75, nextafter(6200000.5, 1e9)),
                     1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_edges_and_vertices),
        cmocka_unit_test(test_shared_diagonal_exact),
        cmocka_unit_test(test_holes),
        cmocka_unit_test(test_multipolygon_and_outside),
        cmocka_unit_test(test_wkb),
        cmocka_unit_test(test_orient2d),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
