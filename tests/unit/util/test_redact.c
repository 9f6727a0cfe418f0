/*
 * test_redact.c - URL redaction (passwords, query strings, password=) in
 * free text, in context messages and warnings; the credentials file (mode
 * refused, unknown keys, environment first). Expected strings written by
 * hand from the rules in redact.c's opening comment.
 */
#include "nbl_test.h"

#include <sys/stat.h>

#include "util/credentials.h"
#include "util/ctx.h"
#include "util/redact.h"
#include "util/util.h"

static void
expect(const char *in, const char *out)
{
    char *r = nbl__redact_dup(in);
    assert_non_null(r);
    assert_string_equal(r, out);
    free(r);
}

static void
test_redact_urls(void **state)
{
    (void)state;
    expect("smtp://boligsocial:Hemmelig123@mail.kommune.dk:587",
           "smtp://boligsocial:***@mail.kommune.dk:587");
    expect("https://hooks.example/x?token=abc", "https://hooks.example/x?***");
    expect("nabolag: smtp://boligsocial:Hemmelig123@127.0.0.1:2599: delivery "
           "failed after 3 attempts",
           "nabolag: smtp://boligsocial:***@127.0.0.1:2599: delivery failed "
           "after 3 attempts");
    expect("https://hooks.example/x?token=abc: HTTP status 500",
           "https://hooks.example/x?***: HTTP status 500");
    /* user without password, path, port: shown as they are */
    expect("smtp://boligsocial@mail.kommune.dk:587",
           "smtp://boligsocial@mail.kommune.dk:587");
    expect("see http://127.0.0.1:80/hook.", "see http://127.0.0.1:80/hook.");
    /* '@' inside the password: the last '@' of the authority ends it */
    expect("smtps://u:p@ss@h/x", "smtps://u:***@h/x");
    /* two URLs, quoted, and a GDAL /vsicurl/ path */
    expect("'https://a/b?k=1' and \"http://u:pw@b/\"",
           "'https://a/b?***' and \"http://u:***@b/\"");
    expect("/vsicurl/https://data.example/areas.geojson?token=t0k",
           "/vsicurl/https://data.example/areas.geojson?***");
    /* the last part of a URL, shown without its scheme */
    expect("areas: areas.geojson?token=t0k: 32 features",
           "areas: areas.geojson?***: 32 features");
    expect("is it? yes. a?b c?=d x?1=2", "is it? yes. a?b c?=d x?1=2");
    /* connection strings */
    expect("PG:host=db user=nbl password=Hemmelig dbname=x",
           "PG:host=db user=nbl password=*** dbname=x");
    expect("PASSWORD=x;y", "PASSWORD=***;y");
    expect("no_password=x", "no_password=x");
    /* nothing to redact */
    expect("stats.csv:3: column 'pop': not a number",
           "stats.csv:3: column 'pop': not a number");
    expect("://x", "://x");
    expect("", "");
}

static void
test_url_has_password(void **state)
{
    (void)state;
    assert_true(nbl__url_has_password("smtp://u:p@h:587"));
    assert_true(nbl__url_has_password("https://u:@h/"));
    assert_false(nbl__url_has_password("smtp://u@h:587"));
    assert_false(nbl__url_has_password("smtp://h:587"));
    assert_false(nbl__url_has_password("https://h/x?a=b:c@d"));
    assert_false(nbl__url_has_password("not a url"));
}

static void
capture(nbl_log_level level, const char *msg, void *arg)
{
    (void)level;
    snprintf(arg, 512, "%s", msg);
}

static void
test_messages_redacted(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    char seen[512] = "";
    (void)state;
    nbl__error(ctx, NBL_EIO, "%s: delivery failed",
               "smtp://u:Hemmelig123@h:25");
    assert_string_equal(nbl_ctx_errmsg(ctx), "smtp://u:***@h:25: delivery "
                                             "failed");
    nbl_ctx_set_log(ctx, capture, seen);
    nbl__warn(ctx, "%s: slow", "https://h/x?token=abc");
    assert_string_equal(seen, "https://h/x?***: slow");
    nbl__info(ctx, "sent to %s", "https://u:pw@h/");
    assert_string_equal(seen, "sent to https://u:***@h/");
    nbl_ctx_free(ctx);
}

static void
test_credentials_file(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__secrets s;
    const char *p = nbl_test_write("cred.ini", "[credentials]\n"
                                               "smtp_password = Hemmelig123\n"
                                               "webhook_secret = whsec\n");
    (void)state;
    unsetenv("NABOLAG_SMTP_PASSWORD");
    unsetenv("NABOLAG_WEBHOOK_SECRET");
    /* mode 0644: refused, the mode named, the password not */
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(nbl__secrets_load(ctx, p, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "mode 0644"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "chmod 600"));
    assert_null(strstr(nbl_ctx_errmsg(ctx), "Hemmelig"));
    assert_null(s.smtp_password);
    assert_int_equal(chmod(p, 0640), 0);
    assert_int_equal(nbl__secrets_load(ctx, p, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "mode 0640"));
    /* 0600 and 0400 are private */
    assert_int_equal(chmod(p, 0400), 0);
    assert_int_equal(nbl__secrets_load(ctx, p, &s), NBL_OK);
    assert_string_equal(s.smtp_password, "Hemmelig123");
    assert_string_equal(s.webhook_secret, "whsec");
    nbl__secrets_clear(&s);
    assert_null(s.smtp_password);
    /* the environment comes first */
    setenv("NABOLAG_SMTP_PASSWORD", "fromenv", 1);
    assert_int_equal(nbl__secrets_load(ctx, p, &s), NBL_OK);
    assert_string_equal(s.smtp_password, "fromenv");
    assert_string_equal(s.webhook_secret, "whsec");
    nbl__secrets_clear(&s);
    assert_int_equal(nbl__secrets_load(ctx, NULL, &s), NBL_OK);
    assert_string_equal(s.smtp_password, "fromenv");
    assert_null(s.webhook_secret);
    nbl__secrets_clear(&s);
    unsetenv("NABOLAG_SMTP_PASSWORD");
    nbl_ctx_free(ctx);
}

static void
test_credentials_bad(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__secrets s;
    const char *p = nbl_test_write("bad.ini", "[credentials]\n"
                                              "smtp_password = Hemmelig123\n"
                                              "smtp_pasword = Hemmelig123\n");
    (void)state;
    assert_int_equal(chmod(p, 0600), 0);
    assert_int_equal(nbl__secrets_load(ctx, p, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "bad.ini:3: [credentials] "
                                                "unknown key 'smtp_pasword'"));
    assert_null(strstr(nbl_ctx_errmsg(ctx), "Hemmelig"));
    assert_null(s.smtp_password);
    p = nbl_test_write("sect.ini", "[smtp]\nsmtp_password = x\n");
    assert_int_equal(chmod(p, 0600), 0);
    assert_int_equal(nbl__secrets_load(ctx, p, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "sect.ini:2: unknown section "
                                                "[smtp]"));
    assert_int_equal(nbl__secrets_load(ctx, nbl_test_path("missing.ini"), &s),
                     NBL_EIO);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "missing.ini"));
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redact_urls),
        cmocka_unit_test(test_url_has_password),
        cmocka_unit_test(test_messages_redacted),
        cmocka_unit_test(test_credentials_file),
        cmocka_unit_test(test_credentials_bad),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
