/*
 * test_jsondoc.c - checked JSON additions (util/jsondoc.h): a clean
 * document dumps byte for byte as jansson writes it; a NULL value, a value
 * jansson refused to make (invalid UTF-8) and an insert jansson refused (a
 * key that is not UTF-8, a container of the wrong type) are each recorded,
 * the value is released, the flag stays set, and the dump is refused.
 * Expected texts written by hand from RFC 8259 and jansson's
 * JSON_COMPACT | JSON_PRESERVE_ORDER output.
 */
#include "nbl_test.h"

#include "util/jsondoc.h"

#define FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

static void
test_clean_document_dumps(void **state)
{
    int bad = 0;
    json_t *o = nbl__jnew(&bad, json_object());
    json_t *a = nbl__jnew(&bad, json_array());
    char *s;
    (void)state;
    assert_int_equal(nbl__jset(&bad, o, "year", json_integer(2025)), 0);
    assert_int_equal(nbl__jset(&bad, o, "name", json_string("Nørrebro")), 0);
    assert_int_equal(nbl__jappend(&bad, a, json_true()), 0);
    assert_int_equal(nbl__jappend(&bad, a, json_null()), 0);
    assert_int_equal(nbl__jappend(&bad, a, json_real(0.5)), 0);
    assert_int_equal(nbl__jset(&bad, o, "v", a), 0);
    assert_int_equal(bad, 0);
    s = nbl__jdump(bad, o, FLAGS); /* takes o */
    assert_non_null(s);
    assert_string_equal(s, "{\"year\":2025,\"name\":\"Nørrebro\",\"v\":[true,"
                           "null,0.5]}");
    free(s);
}

static void
test_null_value_recorded(void **state)
{
    int bad = 0;
    json_t *o = json_object();
    (void)state;
    /* a json_string() that could not allocate gives NULL, as this does */
    assert_int_equal(nbl__jset(&bad, o, "message", NULL), -1);
    assert_int_equal(bad, 1);
    assert_null(json_object_get(o, "message"));
    /* jansson refuses text that is not UTF-8: NULL as well */
    bad = 0;
    assert_int_equal(nbl__jset(&bad, o, "name", json_string("\xff")), -1);
    assert_int_equal(bad, 1);
    /* later additions that work do not clear the flag */
    assert_int_equal(nbl__jset(&bad, o, "year", json_integer(2024)), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(json_object_size(o), 1);
    assert_null(nbl__jdump(bad, o, FLAGS)); /* refused; o released */
    bad = 0;
    o = json_array();
    assert_int_equal(nbl__jappend(&bad, o, NULL), -1);
    assert_int_equal(bad, 1);
    assert_int_equal(json_array_size(o), 0);
    json_decref(o);
    bad = 0;
    assert_null(nbl__jnew(&bad, NULL)); /* a container not made */
    assert_int_equal(bad, 1);
    assert_null(nbl__jdump(0, NULL, FLAGS));
}

static void
test_failed_insert_recorded(void **state)
{
    int bad = 0;
    json_t *o = json_object(), *arr = json_array(), *v = json_string("x");
    (void)state;
    json_incref(v); /* keep one reference to see the other released */
    assert_int_equal(v->refcount, 2);
    /* jansson refuses a key that is not UTF-8 */
    assert_int_equal(nbl__jset(&bad, o, "\xc3", v), -1);
    assert_int_equal(bad, 1);
    assert_int_equal(v->refcount, 1);
    assert_int_equal(json_object_size(o), 0);
    /* the wrong container: set on an array, append to an object */
    bad = 0;
    json_incref(v);
    assert_int_equal(nbl__jset(&bad, arr, "k", v), -1);
    assert_int_equal(bad, 1);
    assert_int_equal(v->refcount, 1);
    bad = 0;
    json_incref(v);
    assert_int_equal(nbl__jappend(&bad, o, v), -1);
    assert_int_equal(bad, 1);
    assert_int_equal(v->refcount, 1);
    /* no container at all (json_object() out of memory) */
    bad = 0;
    json_incref(v);
    assert_int_equal(nbl__jset(&bad, NULL, "k", v), -1);
    assert_int_equal(nbl__jappend(&bad, NULL, json_integer(1)), -1);
    assert_int_equal(bad, 1);
    assert_int_equal(v->refcount, 1);
    json_decref(v);
    json_decref(o);
    json_decref(arr);
}

/* The flag of one document is not another's. */
static void
test_two_documents(void **state)
{
    int bad1 = 0, bad2 = 0;
    json_t *a = json_object(), *b = json_object();
    char *s;
    (void)state;
    nbl__jset(&bad1, a, "k", NULL);
    nbl__jset(&bad2, b, "k", json_string("v"));
    assert_int_equal(bad1, 1);
    assert_int_equal(bad2, 0);
    assert_null(nbl__jdump(bad1, a, FLAGS));
    s = nbl__jdump(bad2, b, FLAGS);
    assert_string_equal(s, "{\"k\":\"v\"}");
    free(s);
}

/* Text that is not UTF-8 (a Latin-1 file name) keeps its valid parts,
 * each bad byte U+FFFD; valid text is kept as it is; NULL stays NULL. */
static void
test_jstr(void **state)
{
    int bad = 0;
    json_t *o = json_object();
    char *s;
    (void)state;
    assert_null(nbl__jstr(NULL));
    nbl__jset(&bad, o, "a",
              nbl__jstr("omr\xe5"
                        "der.geojson"));
    nbl__jset(&bad, o, "b", nbl__jstr("Ørestad \xc3\xa5"));
    /* a truncated sequence, a lone continuation byte, an overlong '/' */
    nbl__jset(&bad, o, "c", nbl__jstr("x\xc3"));
    nbl__jset(&bad, o, "d", nbl__jstr("\x80y\xc0\xaf"));
    assert_int_equal(bad, 0);
    s = nbl__jdump(bad, o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    assert_non_null(s);
    assert_string_equal(s, "{\"a\":\"omr\\uFFFDder.geojson\",\"b\":"
                           "\"\\u00D8restad \\u00E5\",\"c\":\"x\\uFFFD\","
                           "\"d\":\"\\uFFFDy\\uFFFD\\uFFFD\"}");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_document_dumps),
        cmocka_unit_test(test_null_value_recorded),
        cmocka_unit_test(test_failed_insert_recorded),
        cmocka_unit_test(test_two_documents),
        cmocka_unit_test(test_jstr),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
