/*
 * test_jsondoc.c - checked JSON additions (util/jsondoc.h): a clean
 * document dumps byte for byte as jansson writes it; a NULL value, a value
 * jansson refused to make (invalid UTF-8) and an insert jansson refused (a
 * key that is not UTF-8, a container of the wrong type) are each recorded,
 * the value is released, the flag stays set, and the dump is refused.
 * Expected texts written by hand from RFC 8259 and jansson's
 * JSON_COMPACT | JSON_PRESERVE_ORDER output.
 *
 * A document written in parts (nbl__jstream) is byte for byte the whole
 * tree's json_dumps(): checked against a text written by hand from
 * jansson's JSON_INDENT layout, and against json_dumps() of the same
 * document built whole, with the list at two depths, indents of 2 and 4,
 * 0, 1 and 3 elements, and elements with escapes, Danish letters, U+FFFD,
 * nested and empty containers.
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

/* Appends out's text to all and empties out, as a caller writing each part
 * to its file does. */
static void
drain(nbl__buf *out, nbl__buf *all)
{
    assert_false(out->failed);
    if (out->len)
        assert_int_equal(nbl__buf_append(all, out->s, out->len), 0);
    out->len = 0;
    if (out->s)
        out->s[0] = '\0';
}

#define IND2 (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))

/* Written by hand from jansson's indented layout: members and elements
 * one a line, two spaces a level, ": " after a key, "," ending all but
 * the last line of a container, empty containers as {} and []. */
static void
test_jstream_by_hand(void **state)
{
    nbl__buf out = {0}, all = {0};
    nbl__jstream js;
    int bad = 0;
    json_t *root = json_object(), *e = json_object(), *arr = json_array();
    (void)state;
    nbl__jset(&bad, root, "name", json_string("x"));
    nbl__jset(&bad, root, "list", json_array());
    assert_int_equal(nbl__jstream_open(&js, &out, bad, root, IND2), 0);
    drain(&out, &all);
    nbl__jset(&bad, e, "a", json_integer(1));
    nbl__jappend(&bad, arr, json_true());
    nbl__jappend(&bad, arr, json_object());
    nbl__jset(&bad, e, "b", arr);
    assert_int_equal(nbl__jstream_add(&js, bad, e), 0);
    drain(&out, &all);
    assert_int_equal(nbl__jstream_add(&js, bad, json_real(0.5)), 0);
    assert_int_equal(nbl__jstream_close(&js), 0);
    drain(&out, &all);
    assert_string_equal(all.s, "{\n"
                               "  \"name\": \"x\",\n"
                               "  \"list\": [\n"
                               "    {\n"
                               "      \"a\": 1,\n"
                               "      \"b\": [\n"
                               "        true,\n"
                               "        {}\n"
                               "      ]\n"
                               "    },\n"
                               "    0.5\n"
                               "  ]\n"
                               "}");
    nbl__buf_free(&out);
    nbl__buf_free(&all);
}

/* Element i of the documents below: every kind of value a list holds. */
static json_t *
element(int i, int *bad)
{
    json_t *o = nbl__jnew(bad, json_object()), *in = json_object();
    nbl__jset(bad, o, "id", json_integer(i));
    nbl__jset(bad, o, "name",
              nbl__jstr(i == 0   ? "Nørrebro \"Syd\""
                        : i == 1 ? "Ærø\nÅby\t\\ /"
                                 : "omr\xe5"
                                   "de"));
    nbl__jset(bad, o, "value", i == 1 ? json_null() : json_real(i / 3.0));
    nbl__jset(bad, o, "empty", json_array());
    nbl__jset(bad, in, "ok", json_boolean(i % 2));
    nbl__jset(bad, in, "tags", json_pack("[s, {}]", "é"));
    nbl__jset(bad, o, "inner", in);
    return o;
}

/* The root with its list (empty) at depth 1 or 2 (deep). */
static json_t *
doc_root(int deep, int *bad)
{
    json_t *r = nbl__jnew(bad, json_object()), *d;
    nbl__jset(bad, r, "tool", json_string("nabolag"));
    nbl__jset(bad, r, "meta", json_pack("{s:i, s:[]}", "year", 2024, "x"));
    if (!deep) {
        nbl__jset(bad, r, "rows", json_array());
        return r;
    }
    d = nbl__jnew(bad, json_object());
    nbl__jset(bad, d, "n", json_integer(3));
    nbl__jset(bad, d, "rows", json_array());
    nbl__jset(bad, r, "data", d);
    return r;
}

static void
check_whole(int deep, int n, size_t flags)
{
    nbl__buf out = {0}, all = {0};
    nbl__jstream js;
    int bad = 0;
    json_t *whole = doc_root(deep, &bad), *list;
    char *expect;
    list = deep ? json_object_get(json_object_get(whole, "data"), "rows")
                : json_object_get(whole, "rows");
    for (int i = 0; i < n; i++)
        nbl__jappend(&bad, list, element(i, &bad));
    assert_int_equal(bad, 0);
    expect = nbl__jdump(bad, whole, flags);
    assert_non_null(expect);
    assert_int_equal(
        nbl__jstream_open(&js, &out, 0, doc_root(deep, &bad), flags), 0);
    drain(&out, &all);
    for (int i = 0; i < n; i++) {
        assert_int_equal(nbl__jstream_add(&js, bad, element(i, &bad)), 0);
        drain(&out, &all);
    }
    assert_int_equal(nbl__jstream_close(&js), 0);
    drain(&out, &all);
    assert_int_equal(bad, 0);
    assert_string_equal(all.s, expect);
    free(expect);
    nbl__buf_free(&out);
    nbl__buf_free(&all);
}

static void
test_jstream_is_whole_dump(void **state)
{
    static const int ns[] = {0, 1, 3};
    (void)state;
    for (int deep = 0; deep < 2; deep++)
        for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            check_whole(deep, ns[k], IND2);
            check_whole(deep, ns[k], JSON_INDENT(4) | JSON_PRESERVE_ORDER);
            check_whole(deep, ns[k], IND2 | JSON_ENSURE_ASCII);
        }
}

/* A refused root or element is released, and nothing but the head so far
 * is written; a programming error (no list last, no indent) is EINVAL. */
static void
test_jstream_refused(void **state)
{
    nbl__buf out = {0};
    nbl__jstream js;
    int bad = 0;
    (void)state;
    assert_int_equal(nbl__jstream_open(&js, &out, 1, doc_root(0, &bad), IND2),
                     NBL_ENOMEM);
    assert_null(out.s);
    nbl__jstream_free(&js); /* safe after a failed open */
    assert_int_equal(nbl__jstream_open(&js, &out, 0, NULL, IND2), NBL_ENOMEM);
    assert_int_equal(
        nbl__jstream_open(&js, &out, 0, doc_root(0, &bad), JSON_COMPACT),
        NBL_EINVAL);
    assert_int_equal(nbl__jstream_open(&js, &out, 0,
                                       json_pack("{s:[], s:i}", "rows", "n", 1),
                                       IND2),
                     NBL_EINVAL);
    assert_int_equal(
        nbl__jstream_open(&js, &out, 0, json_pack("{s:[i]}", "rows", 1), IND2),
        NBL_EINVAL);
    assert_int_equal(
        nbl__jstream_open(&js, &out, 0, json_pack("{s:{}}", "rows"), IND2),
        NBL_EINVAL);
    assert_null(out.s);
    assert_int_equal(bad, 0);
    assert_int_equal(nbl__jstream_open(&js, &out, 0, doc_root(0, &bad), IND2),
                     0);
    assert_int_equal(nbl__jstream_add(&js, 1, element(0, &bad)), NBL_ENOMEM);
    assert_int_equal(nbl__jstream_add(&js, 0, NULL), NBL_ENOMEM);
    assert_string_equal(out.s, "{\n  \"tool\": \"nabolag\",\n  \"meta\": {\n"
                               "    \"year\": 2024,\n    \"x\": []\n  },\n"
                               "  \"rows\": [");
    nbl__jstream_free(&js);
    nbl__jstream_free(&js); /* idempotent */
    nbl__jstream_free(NULL);
    nbl__buf_free(&out);
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
        cmocka_unit_test(test_jstream_by_hand),
        cmocka_unit_test(test_jstream_is_whole_dump),
        cmocka_unit_test(test_jstream_refused),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
