/*
 * test_grid.c - grid statistics arithmetic (src/model/grid.c), pure: cell
 * ids of every kvadratnet network and the ids that must be refused,
 * weights, sums into areas, centroid mode and the missing share, against
 * values computed by hand.
 */
#include <math.h>

#include "nbl_test.h"
#include "model/grid.h"

static void
parse_ok(const char *id, double n, double e, double size)
{
    nbl__grid_cell c;
    const char *why = NULL;
    assert_int_equal(nbl__grid_parse_id(id, &c, &why), 0);
    assert_true(c.n == n);
    assert_true(c.e == e);
    assert_true(c.size == size);
}

static void
parse_bad(const char *id)
{
    nbl__grid_cell c;
    const char *why = NULL;
    assert_int_equal(nbl__grid_parse_id(id, &c, &why), -1);
    assert_non_null(why);
}

static void
test_parse_ids(void **state)
{
    (void)state;
    /* The examples: lower-left corner N 6,175,600, E 719,500. */
    parse_ok("100m_61756_7195", 6175600, 719500, 100);
    parse_ok("1km_6175_719", 6175000, 719000, 1000);
    /* 250 m ids count in units of 10 m (kvadratnet.py: 250m_622375_57550). */
    parse_ok("250m_622375_57550", 6223750, 575500, 250);
    parse_ok("10km_617_71", 6170000, 710000, 10000);
    parse_ok("50km_615_70", 6150000, 700000, 50000);
    parse_ok("100km_61_7", 6100000, 700000, 100000);
    parse_bad("");
    parse_bad("100m_6175_7195");    /* 4 digits of N */
    parse_bad("100m_61756_71950");  /* 5 digits of E */
    parse_bad("100m_61756_7195 ");  /* trailing space */
    parse_bad(" 100m_61756_7195");  /* leading space */
    parse_bad("100m_61756_7195x");  /* trailing text */
    parse_bad("100M_61756_7195");   /* case */
    parse_bad("100m_61756-7195");   /* separator */
    parse_bad("100m_-6175_7195");   /* sign */
    parse_bad("250m_622370_57550"); /* not on the 250 m grid */
    parse_bad("250m_622375_57560");
    parse_bad("250m_62237_5755"); /* 100 m digit counts */
    parse_bad("1km_61756_7195");
    parse_bad("50km_616_70"); /* not on the 50 km grid */
    parse_bad("61756_7195");
}

static void
test_weight(void **state)
{
    (void)state;
    assert_true(nbl__grid_weight(5000, 10000) == 0.5);
    assert_true(nbl__grid_weight(10000 + 1e-9, 10000) == 1.0);
    assert_true(nbl__grid_weight(0, 10000) == 0.0);
    assert_true(nbl__grid_weight(10, 0) == 0.0);
}

/* A polygon covering four 100 m cells wholly and two by half: its sum is
 * 10 + 20 + 30 + 40 + 50/2 + 60/2 = 155. */
static void
test_four_whole_two_halves(void **state)
{
    nbl__grid_acc *a = nbl__grid_acc_new(1);
    double v[6] = {10, 20, 30, 40, 50, 60};
    double ov[6] = {10000, 10000, 10000, 10000, 5000, 5000};
    nbl__grid_result r;
    (void)state;
    for (int i = 0; i < 6; i++) {
        nbl__grid_part p = {0, nbl__grid_weight(ov[i], 10000), ov[i]};
        assert_int_equal(nbl__grid_acc_add(a, 0, &p, 1, v[i]), 0);
    }
    nbl__grid_acc_result(a, 0, 0, 50000, 0.05, &r);
    assert_int_equal(r.status, NBL__GRID_OK);
    assert_true(fabs(r.value - 155.0) < 1e-9);
    assert_true(r.missing_share == 0);
    assert_true(nbl__grid_acc_touched(a, 0));
    nbl__grid_acc_free(a);
}

/* A cell of 37 residents cut 30/70 by areas A and B: 11.1 + 25.9 = 37. */
static void
test_cell_cut_by_two_areas(void **state)
{
    nbl__grid_acc *a = nbl__grid_acc_new(2);
    nbl__grid_part p[2] = {{0, nbl__grid_weight(3000, 10000), 3000},
                           {1, nbl__grid_weight(7000, 10000), 7000}};
    nbl__grid_result ra, rb;
    (void)state;
    assert_int_equal(nbl__grid_acc_add(a, 0, p, 2, 37), 0);
    nbl__grid_acc_result(a, 0, 0, 3000, 0.05, &ra);
    nbl__grid_acc_result(a, 0, 1, 7000, 0.05, &rb);
    assert_true(fabs(ra.value - 11.1) < 1e-9);
    assert_true(fabs(rb.value - 25.9) < 1e-9);
    assert_true(fabs(ra.value + rb.value - 37) < 1e-9);
    nbl__grid_acc_free(a);
}

static void
test_centroid_pick(void **state)
{
    double w[3];
    (void)state;
    /* interior wins over a boundary */
    assert_int_equal(nbl__grid_centroid_pick((int[]){1, 2, 0}, 3, w), 1);
    assert_true(w[0] == 0 && w[1] == 1 && w[2] == 0);
    /* on a shared edge only: the first candidate (smallest id) */
    assert_int_equal(nbl__grid_centroid_pick((int[]){0, 1, 1}, 3, w), 1);
    assert_true(w[0] == 0 && w[1] == 1 && w[2] == 0);
    /* overlapping areas both holding the centre each count the cell */
    assert_int_equal(nbl__grid_centroid_pick((int[]){2, 2, 1}, 3, w), 2);
    assert_true(w[0] == 1 && w[1] == 1 && w[2] == 0);
    assert_int_equal(nbl__grid_centroid_pick((int[]){0, 0}, 2, w), 0);
    assert_true(w[0] == 0 && w[1] == 0);
}

/* Centroid mode sums whole cells: a cell 30 % inside whose centre is in
 * the area counts wholly (12), one 70 % inside whose centre is not counts
 * nothing. */
static void
test_centroid_sum(void **state)
{
    nbl__grid_acc *a = nbl__grid_acc_new(1);
    double w[1];
    nbl__grid_result r;
    (void)state;
    nbl__grid_centroid_pick((int[]){2}, 1, w);
    assert_int_equal(
        nbl__grid_acc_add(a, 0, &(nbl__grid_part){0, w[0], 10000}, 1, 12), 0);
    nbl__grid_centroid_pick((int[]){0}, 1, w);
    if (w[0] > 0)
        nbl__grid_acc_add(a, 0, &(nbl__grid_part){0, w[0], 10000}, 1, 99);
    nbl__grid_acc_result(a, 0, 0, 10000, 0.05, &r);
    assert_true(r.value == 12);
    nbl__grid_acc_free(a);
}

/* An area of 100,000 m² (ten cells). A suppressed cell wholly inside
 * covers 10,000 m² = 10 % > 5 %: missing, not evaluable. Half a
 * suppressed cell (5,000 m² = 5 %, not more than 5 %) leaves the value. */
static void
test_missing_share(void **state)
{
    nbl__grid_acc *a = nbl__grid_acc_new(2);
    nbl__grid_part whole = {0, 1, 10000}, half = {1, 0.5, 5000};
    nbl__grid_part ok0 = {0, 1, 10000}, ok1 = {1, 1, 10000};
    nbl__grid_result r;
    (void)state;
    assert_int_equal(nbl__grid_acc_add(a, 0, &ok0, 1, 40), 0);
    assert_int_equal(nbl__grid_acc_add(a, 0, &whole, 1, NAN), 0);
    assert_int_equal(nbl__grid_acc_add(a, 0, &ok1, 1, 40), 0);
    assert_int_equal(nbl__grid_acc_add(a, 0, &half, 1, NAN), 0);
    nbl__grid_acc_result(a, 0, 0, 100000, 0.05, &r);
    assert_int_equal(r.status, NBL__GRID_NOT_EVALUABLE);
    assert_true(isnan(r.value));
    assert_true(fabs(r.missing_share - 0.1) < 1e-12);
    nbl__grid_acc_result(a, 0, 1, 100000, 0.05, &r);
    assert_int_equal(r.status, NBL__GRID_OK);
    assert_true(r.value == 40);
    assert_true(fabs(r.missing_share - 0.05) < 1e-12);
    /* with max_missing_share 0.2 the first area is evaluable again */
    nbl__grid_acc_result(a, 0, 0, 100000, 0.2, &r);
    assert_int_equal(r.status, NBL__GRID_OK);
    assert_true(r.value == 40);
    nbl__grid_acc_free(a);
}

/* Pairs are independent and a pair without values gives 0 for a touched
 * area; an untouched area stays untouched. */
static void
test_pairs(void **state)
{
    nbl__grid_acc *a = nbl__grid_acc_new(3);
    nbl__grid_part p = {1, 1, 10000};
    nbl__grid_result r;
    (void)state;
    assert_int_equal(nbl__grid_acc_add(a, 3, &p, 1, 7), 0);
    assert_int_equal(nbl__grid_acc_pairs(a), 4);
    nbl__grid_acc_result(a, 3, 1, 10000, 0.05, &r);
    assert_true(r.value == 7);
    nbl__grid_acc_result(a, 0, 1, 10000, 0.05, &r);
    assert_true(r.value == 0 && r.status == NBL__GRID_OK);
    assert_true(nbl__grid_acc_touched(a, 1));
    assert_false(nbl__grid_acc_touched(a, 0));
    assert_false(nbl__grid_acc_touched(a, 2));
    nbl__grid_acc_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ids),
        cmocka_unit_test(test_weight),
        cmocka_unit_test(test_four_whole_two_halves),
        cmocka_unit_test(test_cell_cut_by_two_areas),
        cmocka_unit_test(test_centroid_pick),
        cmocka_unit_test(test_centroid_sum),
        cmocka_unit_test(test_missing_share),
        cmocka_unit_test(test_pairs),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
