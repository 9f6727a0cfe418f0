/*
 * test_i18n_cache.c - the Danish lookups are cached (src/util/i18n.c):
 * a cached answer must still be the catalogue's answer for the text asked,
 * whatever buffer the text sits in, for each plural form, and a text the
 * catalogue does not hold comes back as the caller's own pointer.
 * Expected strings are po/da.po's entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/i18n.h"

#define NO_LONGER                                                              \
    "no longer %s (%s) in %d, now %s; %d criterion met (udsat needs %d).%s"
#define NO_LONGER_PL                                                           \
    "no longer %s (%s) in %d, now %s; %d criteria met (udsat needs %d).%s"

static int
setup(void **state)
{
    (void)state;
    if (!nbl__localedir()) {
        print_message("no message catalogue found (po/ not built)\n");
        return -1;
    }
    return 0;
}

/* the same buffer holding one msgid, then another: each gets its own
 * translation, asked twice (the second answer is the cached one) */
static void
test_same_buffer_other_text(void **state)
{
    char buf[64];
    (void)state;
    for (int round = 0; round < 2; round++) {
        snprintf(buf, sizeof buf, "%s", "Area");
        assert_string_equal(nbl__tr(NBL_LANG_DA, buf), "Område");
        snprintf(buf, sizeof buf, "%s", "Areas");
        assert_string_equal(nbl__tr(NBL_LANG_DA, buf), "Områder");
    }
}

/* not in the catalogue: the caller's pointer, also when asked again with
 * other content in the same buffer */
static void
test_untranslated_is_callers(void **state)
{
    char a[32], b[32];
    (void)state;
    for (int round = 0; round < 2; round++) {
        snprintf(a, sizeof a, "%s", "not a message of nabolag");
        assert_ptr_equal(nbl__tr(NBL_LANG_DA, a), a);
        snprintf(b, sizeof b, "%s", "not a message of nabolag");
        assert_ptr_equal(nbl__tr(NBL_LANG_DA, b), b);
    }
    assert_ptr_equal(nbl__tr(NBL_LANG_EN, "Area"), (const char *)"Area");
}

/* plural forms (da: plural = n != 1) are cached apart */
static void
test_plural_forms(void **state)
{
    (void)state;
    for (int round = 0; round < 2; round++) {
        const char *one = nbl__trn(NBL_LANG_DA, NO_LONGER, NO_LONGER_PL, 1);
        const char *two = nbl__trn(NBL_LANG_DA, NO_LONGER, NO_LONGER_PL, 2);
        const char *zero = nbl__trn(NBL_LANG_DA, NO_LONGER, NO_LONGER_PL, 0);
        assert_non_null(strstr(one, "kriterium opfyldt"));
        assert_null(strstr(one, "kriterier"));
        assert_non_null(strstr(two, "kriterier opfyldt"));
        assert_non_null(strstr(zero, "kriterier opfyldt"));
        assert_string_equal(nbl__trn(NBL_LANG_EN, NO_LONGER, NO_LONGER_PL, 1),
                            NO_LONGER);
        assert_string_equal(nbl__trn(NBL_LANG_EN, NO_LONGER, NO_LONGER_PL, 3),
                            NO_LONGER_PL);
    }
}

/* many distinct texts: past the cache's capacity every answer is still
 * right (the lookups beyond it are not cached) */
static void
test_many_texts(void **state)
{
    char buf[48];
    (void)state;
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "untranslated text %d", i);
        assert_ptr_equal(nbl__tr(NBL_LANG_DA, buf), buf);
    }
    assert_string_equal(nbl__tr(NBL_LANG_DA, "Area"), "Område");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_buffer_other_text),
        cmocka_unit_test(test_untranslated_is_callers),
        cmocka_unit_test(test_plural_forms),
        cmocka_unit_test(test_many_texts),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
