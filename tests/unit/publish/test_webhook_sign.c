/*
 * test_webhook_sign.c - HMAC-SHA256 against RFC 4231 test case 2, the
 * X-Nabolag-Signature value against Python's hmac module (computed
 * outside nabolag: hmac.new(b"whsec", b"1764547200." + body, sha256)), and
 * the shape of the delivery id (UUID version 4, RFC 4122 variant).
 */
#include "nbl_test.h"

#include <ctype.h>

#include "publish/notify.h"

static void
test_hmac_rfc4231(void **state)
{
    char hex[65];
    const char *data = "what do ya want for nothing?";
    (void)state;
    assert_int_equal(nbl__hmac_sha256_hex("Jefe", 4, data, strlen(data), hex),
                     NBL_OK);
    assert_string_equal(
        hex,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void
test_signature(void **state)
{
    char sig[128];
    const char *body = "{\"alerts\": [\"N\xc3\xb8rre Park\"]}";
    (void)state;
    assert_int_equal(nbl__webhook_signature("whsec", 1764547200LL, body,
                                            strlen(body), sig, sizeof sig),
                     NBL_OK);
    assert_string_equal(sig, "t=1764547200,v1=3853d08ac9720dcd1a7616328081a650"
                             "3f69a54a2c57b27b322f2841e80fb6ed");
    /* another timestamp, another signature */
    assert_int_equal(nbl__webhook_signature("whsec", 1764547201LL, body,
                                            strlen(body), sig, sizeof sig),
                     NBL_OK);
    assert_null(strstr(sig, "3853d08a"));
}

static void
test_delivery_id(void **state)
{
    char a[37], b[37];
    (void)state;
    assert_int_equal(nbl__delivery_id(a), NBL_OK);
    assert_int_equal(nbl__delivery_id(b), NBL_OK);
    assert_int_equal(strlen(a), 36);
    assert_string_not_equal(a, b);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(a[i], '-');
        else
            assert_true(isxdigit((unsigned char)a[i]) &&
                        !isupper((unsigned char)a[i]));
    }
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_signature),
        cmocka_unit_test(test_delivery_id),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
