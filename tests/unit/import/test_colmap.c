/*
 * test_colmap.c - the column mapping: mapped Danish headings, a mapped
 * heading missing from the file, unplaced headings with the nearest known
 * names, ignore, the long layout mapped, key defaults (as the grid reader
 * uses them), and the CLI's TARGET=HEADING parsing. Expected plans and
 * messages are worked out by hand from the literal headers.
 */
#include "nbl_test.h"

#include "import/colmap.h"

static const char *stats_keys[] = {"area_id", "year"};
static const char *vars[] = {"pop", "pop_18_64", "noattach_18_64",
                             "nonwestern"};

static nbl__colmap_want
want_stats(void)
{
    nbl__colmap_want w = {0};
    w.keys = stats_keys;
    w.nkeys = 2;
    w.vars = vars;
    w.nvars = 4;
    w.long_ok = 1;
    w.wide_ok = 1;
    return w;
}

static void
test_danish_headings_mapped(void **state)
{
    nbl__colmap m = {0};
    nbl__colmap_want w = want_stats();
    nbl__colplan p;
    char *err = NULL;
    /* as an officer's Excel export writes it: name column, Danish
     * headings, the year after the name, spaces around a heading */
    const char *h[] = {"\xEF\xBB\xBF"
                       "Område-ID",
                       "Områdenavn",
                       " År ",
                       "Antal beboere",
                       "Beboere 18-64 år",
                       "Bemærkning"};
    (void)state;
    assert_int_equal(nbl__colmap_add(&m, "area_id", "Område-ID"), 0);
    assert_int_equal(nbl__colmap_add(&m, "year", "År"), 0);
    assert_int_equal(nbl__colmap_add(&m, "pop", "Antal beboere"), 0);
    assert_int_equal(nbl__colmap_add(&m, "pop_18_64", "Beboere 18-64 år"), 0);
    assert_int_equal(nbl__colmap_add_ignore_list(&m, "Områdenavn, Bemærkning"),
                     0);
    assert_int_equal(nbl__colmap_resolve(&m, &w, 6, h, ';', &p, &err), 0);
    assert_null(err);
    assert_int_equal(p.layout, 'w');
    assert_int_equal(p.n, 4);
    assert_int_equal(p.nin, 6);
    assert_int_equal(p.nignored, 2);
    /* keys first in the asked order, then variables in file order */
    assert_int_equal(p.src[0], 0);
    assert_int_equal(p.src[1], 2);
    assert_int_equal(p.src[2], 3);
    assert_int_equal(p.src[3], 4);
    assert_string_equal(p.name[0], "area_id");
    assert_string_equal(p.name[1], "year");
    assert_string_equal(p.name[2], "pop");
    assert_string_equal(p.name[3], "pop_18_64");
    /* messages quote the file's own heading, trimmed, without the BOM */
    assert_string_equal(p.heading[0], "Område-ID");
    assert_string_equal(p.heading[1], "År");
    assert_string_equal(p.heading[2], "Antal beboere");
    nbl__colplan_free(&p);
    nbl__colmap_clear(&m);
}

static void
test_missing_mapped_heading(void **state)
{
    nbl__colmap m = {0};
    nbl__colmap_want w = want_stats();
    nbl__colplan p;
    char *err = NULL;
    const char *h[] = {"Område-ID", "År", "Antal beboerne"};
    (void)state;
    nbl__colmap_add(&m, "area_id", "Område-ID");
    nbl__colmap_add(&m, "year", "År");
    nbl__colmap_add(&m, "pop", "Antal beboere");
    assert_int_equal(nbl__colmap_resolve(&m, &w, 3, h, ';', &p, &err), 1);
    assert_non_null(err);
    assert_string_equal(err, "column.pop: heading 'Antal beboere' is not in "
                             "the header 'Område-ID;År;Antal beboerne' "
                             "(headings are compared exactly)");
    free(err);
    nbl__colplan_free(&p);
    nbl__colmap_clear(&m);
}

static void
test_unplaced_with_suggestion(void **state)
{
    nbl__colmap_want w = want_stats();
    nbl__colplan p;
    char *err = NULL;
    /* pop_18_46: two letters swapped (distance 2) -> did you mean;
     * Kommune: nothing near -> the three nearest names */
    const char *h[] = {"area_id", "year", "pop", "pop_18_46", "Kommune"};
    (void)state;
    assert_int_equal(nbl__colmap_resolve(NULL, &w, 5, h, ',', &p, &err), 1);
    assert_non_null(err);
    assert_non_null(strstr(err, "unplaced headings 'pop_18_46' (did you mean "
                                "'pop_18_64'?), 'Kommune' (nearest: "));
    assert_non_null(strstr(err, "or list them under ignore (header "
                                "'area_id,year,pop,pop_18_46,Kommune')"));
    /* 'pop' is placed already, so it is never suggested */
    assert_null(strstr(err, "'pop'"));
    free(err);
    nbl__colplan_free(&p);
}

static void
test_ignore_and_missing_key(void **state)
{
    nbl__colmap m = {0};
    nbl__colmap_want w = want_stats();
    nbl__colplan p;
    char *err = NULL;
    const char *h[] = {"Område", "area_id", "pop"};
    (void)state;
    assert_int_equal(nbl__colmap_add_ignore(&m, " Område "), 0);
    assert_true(nbl__colmap_ignored(&m, "Område"));
    assert_int_equal(nbl__colmap_resolve(&m, &w, 3, h, ';', &p, &err), 1);
    assert_string_equal(err, "no column for 'year' (map it with column.year "
                             "= HEADING) (header 'Område;area_id;pop')");
    free(err);
    nbl__colplan_free(&p);
    /* with the year there, the ignored column is left out */
    {
        const char *h2[] = {"Område", "area_id", "YEAR", "pop"};
        assert_int_equal(nbl__colmap_resolve(&m, &w, 4, h2, ';', &p, &err), 0);
        assert_int_equal(p.n, 3);
        assert_int_equal(p.nignored, 1);
        assert_int_equal(p.src[0], 1);
        assert_int_equal(p.src[1], 2);
        assert_int_equal(p.src[2], 3);
        assert_string_equal(p.heading[1], "YEAR");
        nbl__colplan_free(&p);
    }
    nbl__colmap_clear(&m);
}

static void
test_long_layout_mapped(void **state)
{
    nbl__colmap m = {0};
    nbl__colmap_want w = want_stats();
    nbl__colplan p;
    char *err = NULL;
    const char *h[] = {"Værdi", "Variabel", "År", "Afdeling"};
    (void)state;
    assert_int_equal(nbl__colmap_add_arg(&m, "value=Værdi"), 0);
    assert_int_equal(nbl__colmap_add_arg(&m, "variable = Variabel"), 0);
    assert_int_equal(nbl__colmap_add_arg(&m, "year=År"), 0);
    assert_int_equal(nbl__colmap_add_arg(&m, "area_id=Afdeling"), 0);
    assert_int_equal(nbl__colmap_add_arg(&m, "nothing"), 2);
    assert_int_equal(nbl__colmap_add_arg(&m, "=x"), 2);
    assert_int_equal(nbl__colmap_resolve(&m, &w, 4, h, ',', &p, &err), 0);
    assert_int_equal(p.layout, 'l');
    assert_int_equal(p.n, 4);
    assert_int_equal(p.src[0], 3); /* area_id */
    assert_int_equal(p.src[1], 2); /* year */
    assert_int_equal(p.src[2], 1); /* variable */
    assert_int_equal(p.src[3], 0); /* value */
    nbl__colplan_free(&p);
    nbl__colmap_clear(&m);
}

static void
test_mapping_errors(void **state)
{
    nbl__colmap m = {0};
    nbl__colmap_want w = want_stats();
    nbl__colplan p;
    char *err = NULL;
    const char *h[] = {"id", "year", "Beboere"};
    (void)state;
    /* a target that is neither a key nor a known variable */
    nbl__colmap_add(&m, "residents", "Beboere");
    nbl__colmap_add(&m, "area_id", "id");
    assert_int_equal(nbl__colmap_resolve(&m, &w, 3, h, ',', &p, &err), 1);
    assert_non_null(strstr(err, "column.residents: 'residents' is not a "
                                "column"));
    free(err);
    nbl__colplan_free(&p);
    nbl__colmap_clear(&m);
    /* one heading for two targets */
    nbl__colmap_add(&m, "pop", "Beboere");
    nbl__colmap_add(&m, "nonwestern", "Beboere");
    nbl__colmap_add(&m, "area_id", "id");
    assert_int_equal(nbl__colmap_resolve(&m, &w, 3, h, ',', &p, &err), 1);
    assert_string_equal(err, "heading 'Beboere' is mapped to both 'pop' and "
                             "'nonwestern'");
    free(err);
    nbl__colplan_free(&p);
    /* the later mapping of a target wins (CLI over project file) */
    assert_int_equal(nbl__colmap_add(&m, "pop", "Beboere i alt"), 1);
    assert_string_equal(nbl__colmap_heading(&m, "pop"), "Beboere i alt");
    nbl__colmap_clear(&m);
}

static void
test_key_defaults_for_other_readers(void **state)
{
    /* a reader with its own key (the grid's cell, default heading
     * cell_id) and no long layout */
    static const char *keys[] = {"cell", "year"};
    static const char *defs[] = {"cell_id", NULL};
    nbl__colmap_want w = {0};
    nbl__colplan p;
    char *err = NULL;
    const char *h[] = {"Cell_ID", "year", "pop"};
    (void)state;
    w.keys = keys;
    w.nkeys = 2;
    w.key_defaults = defs;
    w.vars = vars;
    w.nvars = 4;
    w.wide_ok = 1;
    assert_int_equal(nbl__colmap_resolve(NULL, &w, 3, h, ',', &p, &err), 0);
    assert_string_equal(p.name[0], "cell");
    assert_string_equal(p.heading[0], "Cell_ID");
    nbl__colplan_free(&p);
    {
        const char *h2[] = {"cell_id", "year", "variable", "value"};
        assert_int_equal(nbl__colmap_resolve(NULL, &w, 4, h2, ',', &p, &err),
                         1);
        assert_non_null(strstr(err, "unplaced headings 'variable'"));
        free(err);
        nbl__colplan_free(&p);
    }
}

static void
test_distance(void **state)
{
    (void)state;
    assert_int_equal(nbl__colmap_distance("pop", "pop"), 0);
    assert_int_equal(nbl__colmap_distance("POP", "pop"), 0);
    assert_int_equal(nbl__colmap_distance("kitten", "sitting"), 3);
    assert_int_equal(nbl__colmap_distance("", "abc"), 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_danish_headings_mapped),
        cmocka_unit_test(test_missing_mapped_heading),
        cmocka_unit_test(test_unplaced_with_suggestion),
        cmocka_unit_test(test_ignore_and_missing_key),
        cmocka_unit_test(test_long_layout_mapped),
        cmocka_unit_test(test_mapping_errors),
        cmocka_unit_test(test_key_defaults_for_other_readers),
        cmocka_unit_test(test_distance),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
