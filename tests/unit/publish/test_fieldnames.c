/*
 * test_fieldnames.c - the Shapefile's short field names (fieldnames.c) by
 * the rules of docs/formats.md, worked out by hand, and the renaming of a
 * style's field references.
 */
#include "nbl_test.h"

#include <stdlib.h>
#include <string.h>

#include "publish/fieldnames.h"

static void
check(const char *const *in, const char *const *want, size_t n)
{
    char **out = nbl__fieldnames_short(in, n, 10);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(out[i], want[i]);
    nbl__fieldnames_free(out, n);
}

static void
test_rules(void **state)
{
    /* kept; an ending; ending + word; word only; cut (a '_' at the cut is
     * dropped); ending kept whole with the rest cut */
    static const char *const in[] = {
        "area_id",         "value_status",          "category_label",
        "municipality",    "profile_band_label",    "convictions",
        "noattach_ref",    "lab_comparison_change", "safety_index",
        "ruleset_version", "safety_index_baseline", "basic_edu_points"};
    static const char *const want[] = {"area_id",    "value_st",   "cat_lbl",
                                       "municip",    "prof_b_lbl", "conviction",
                                       "noatta_ref", "lab_cchg",   "safety_idx",
                                       "rs_ver",     "saf_i_base", "basic_pts"};
    (void)state;
    check(in, want, sizeof in / sizeof in[0]);
}

static void
test_unique(void **state)
{
    /* the same cut twice, and a clash only without regard to case */
    static const char *const in[] = {"evictions_x1", "evictions_x2",
                                     "evictions_x3", "Area_ID", "area_id"};
    static const char *const want[] = {"evictions", "eviction_2", "eviction_3",
                                       "Area_ID", "area_id_2"};
    (void)state;
    check(in, want, sizeof in / sizeof in[0]);
}

static void
test_qml(void **state)
{
    static const char *const from[] = {"profile_band", "lab_did"};
    static char a[] = "prof_bnd", b[] = "lab_did";
    char *const to[] = {a, b};
    const char *qml =
        "<renderer attr=\"profile_band\"/><s field=\"profile_band\"/>"
        "<l fieldName=\"&quot;profile_band&quot; || 'x'\"/>"
        "<v attr=\"profile_band_label\"/><c value=\"profile_band\"/>";
    char *r = nbl__fieldnames_qml(qml, from, to, 2);
    (void)state;
    assert_non_null(r);
    assert_string_equal(
        r, "<renderer attr=\"prof_bnd\"/><s field=\"prof_bnd\"/>"
           "<l fieldName=\"&quot;prof_bnd&quot; || 'x'\"/>"
           "<v attr=\"profile_band_label\"/><c value=\"profile_band\"/>");
    free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_unique),
        cmocka_unit_test(test_qml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
