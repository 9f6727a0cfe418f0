/*
 * test_ruleset.c - the built-in rulesets as data (what each law says),
 * user files, config overrides, canonical INI round trip, and validation
 * messages that name file, line, section and key.
 */
#include "nbl_test.h"

#include <math.h>
#include <strings.h>

#include "model/ruleset.h"
#include "util/util.h"

static nbl__ruleset *
load_ok(nbl_ctx *ctx, const char *name, const char *config)
{
    nbl__ruleset *rs = NULL;
    int rc = nbl__ruleset_load(ctx, name, config, &rs);
    if (rc)
        fprintf(stderr, "%s\n", nbl_ctx_errmsg(ctx));
    assert_int_equal(rc, 0);
    assert_non_null(rs);
    return rs;
}

static const nbl__criterion *
crit(const nbl__ruleset *rs, const char *id)
{
    int i = nbl__ruleset_find(rs, id);
    assert_true(i >= 0);
    return &rs->crit[i];
}

static void
test_dk2021(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__ruleset *rs = load_ok(ctx, NULL, NULL); /* default */
    (void)state;
    assert_string_equal(rs->name, "dk2021");
    assert_int_equal(rs->ncounted, 4);
    assert_int_equal(rs->needed, 2);
    assert_int_equal(rs->average, NBL_AVG_SHARES);
    assert_string_equal(rs->crit[rs->parallel_idx].id, "eth");
    assert_string_equal(rs->crit[rs->size_idx].id, "size");
    assert_int_equal(rs->forebyggelse, 1);
    assert_int_equal(rs->forebyggelse_needed, 2);
    assert_int_equal(nbl__ruleset_omdannelse_years(rs, 2019), 5);
    assert_int_equal(nbl__ruleset_omdannelse_years(rs, 2024), 5);
    assert_int_equal(crit(rs, "lab")->op, NBL_OP_GT);
    assert_int_equal(crit(rs, "lab")->window, 2);
    assert_true(crit(rs, "lab")->threshold == 40);
    assert_true(crit(rs, "lab")->threshold_low == 30);
    assert_int_equal(crit(rs, "cri")->kind, NBL_CK_COUNTRY);
    assert_int_equal(crit(rs, "cri")->op, NBL_OP_GE);
    assert_true(crit(rs, "cri")->threshold == 3);
    assert_true(crit(rs, "cri")->threshold_low == 2);
    assert_int_equal(crit(rs, "cri")->window, 2);
    assert_int_equal(crit(rs, "edu")->op, NBL_OP_GT);
    assert_true(crit(rs, "edu")->threshold == 60);
    assert_string_equal(crit(rs, "edu")->numerator, "basic_edu_30_59");
    assert_int_equal(crit(rs, "inc")->kind, NBL_CK_REGION_MEAN);
    assert_int_equal(crit(rs, "inc")->op, NBL_OP_LT);
    assert_true(crit(rs, "inc")->threshold == 55);
    assert_true(crit(rs, "inc")->threshold_low == 65);
    assert_true(crit(rs, "eth")->threshold == 50);
    assert_true(crit(rs, "eth")->threshold_low == 30);
    assert_int_equal(crit(rs, "size")->op, NBL_OP_GE);
    assert_true(crit(rs, "size")->threshold == 1000);
    nbl__ruleset_free(rs);
    nbl_ctx_free(ctx);
}

static void
test_dk2018(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__ruleset *rs = load_ok(ctx, "dk2018", NULL);
    (void)state;
    assert_int_equal(rs->needed, 2);
    assert_int_equal(rs->forebyggelse, 0); /* § 61 b came in 2021 */
    assert_true(isnan(crit(rs, "lab")->threshold_low));
    assert_int_equal(nbl__ruleset_omdannelse_years(rs, 2017), 4);
    assert_int_equal(nbl__ruleset_omdannelse_years(rs, 2018), 5);
    assert_int_equal(nbl__ruleset_omdannelse_years(rs, 2020), 5);
    assert_int_equal(nbl__ruleset_omdannelse_years(rs, 2021), 4);
    assert_true(crit(rs, "cri")->threshold == 3);
    nbl__ruleset_free(rs);
    nbl_ctx_free(ctx);
}

static void
test_dk2013(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__ruleset *rs = load_ok(ctx, "dk2013", NULL);
    (void)state;
    assert_int_equal(rs->ncounted, 5);
    assert_int_equal(rs->needed, 3);
    assert_int_equal(rs->parallel_idx, -1);
    assert_int_equal(rs->omdannelse_years, 0);
    assert_int_equal(rs->forebyggelse, 0);
    assert_int_equal(crit(rs, "cri")->kind, NBL_CK_SHARE);
    assert_true(crit(rs, "cri")->threshold == 2.70);
    assert_int_equal(crit(rs, "cri")->window, 2);
    assert_int_equal(crit(rs, "lab")->window, 2);
    assert_string_equal(crit(rs, "edu")->numerator,
                        "basic_or_unknown_edu_30_59");
    assert_true(crit(rs, "edu")->threshold == 50);
    nbl__ruleset_free(rs);
    nbl_ctx_free(ctx);
}

static void
test_dk2010(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__ruleset *rs = load_ok(ctx, "dk2010", NULL);
    (void)state;
    assert_int_equal(rs->ncounted, 3);
    assert_int_equal(rs->needed, 2);
    assert_int_equal(crit(rs, "lab")->window, 4);
    assert_int_equal(crit(rs, "cri")->window, 4);
    assert_true(crit(rs, "cri")->threshold == 2.70); /* 270 per 10,000 */
    assert_int_equal(nbl__ruleset_find(rs, "edu"), -1);
    assert_int_equal(nbl__ruleset_find(rs, "inc"), -1);
    nbl__ruleset_free(rs);
    nbl_ctx_free(ctx);
}

static void
each_asset(const char *name, const char *data, size_t len, void *arg)
{
    int *n = arg;
    (void)name;
    (*n)++;
    /* the banned word, spelled out so that this file does not contain it */
    static const char w[] = {'g', 'h', 'e', 't', 't', 'o', '\0'};
    for (size_t i = 0; i + 6 <= len; i++)
        assert_false(strncasecmp(data + i, w, 6) == 0);
}

static void
test_neutral_wording(void **state)
{
    int n = 0;
    (void)state;
    nbl__asset_each("rulesets/", each_asset, &n);
    assert_int_equal(n, 4);
}

static void
test_round_trip(void **state)
{
    static const char *const names[] = {"dk2010", "dk2013", "dk2018", "dk2021"};
    nbl_ctx *ctx = nbl_ctx_new();
    (void)state;
    for (int k = 0; k < 4; k++) {
        nbl__ruleset *rs = load_ok(ctx, names[k], NULL), *again = NULL;
        char *ini = nbl__ruleset_to_ini(rs), *ini2;
        assert_non_null(ini);
        assert_int_equal(nbl__ruleset_parse(ctx, ini, "stored", &again), 0);
        ini2 = nbl__ruleset_to_ini(again);
        assert_string_equal(ini, ini2);
        assert_int_equal(again->ncrit, rs->ncrit);
        free(ini);
        free(ini2);
        nbl__ruleset_free(rs);
        nbl__ruleset_free(again);
    }
    nbl_ctx_free(ctx);
}

static void
test_config_overrides(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    const char *cfg =
        nbl_test_write("override.ini", "[project]\nname = test\n\n"
                                       "[areas]\nsource = areas.gpkg\n\n"
                                       "[ruleset]\naverage = pooled\n\n"
                                       "[criterion.lab]\nthreshold = 35\n\n"
                                       "[alerts]\nmargin = 0.1\n");
    nbl__ruleset *rs = load_ok(ctx, "dk2021", cfg);
    (void)state;
    assert_int_equal(rs->average, NBL_AVG_POOLED);
    assert_true(crit(rs, "lab")->threshold == 35);
    nbl__ruleset_free(rs);
    rs = NULL;
    cfg = nbl_test_write("override2.ini", "[ruleset]\naverage = pooled\n"
                                          "[criterion.lab]\nthreshold = 35\n");
    rs = load_ok(ctx, "dk2021", cfg);
    assert_string_equal(rs->version, "2021.1+config");
    assert_int_equal(rs->overridden, 1);
    nbl__ruleset_free(rs);
    /* a config naming its own version and name keeps them */
    cfg = nbl_test_write("override3.ini",
                         "[ruleset]\nname = local\nversion = 7\n");
    rs = load_ok(ctx, "dk2013", cfg);
    assert_string_equal(rs->name, "local");
    assert_string_equal(rs->version, "7");
    nbl__ruleset_free(rs);
    /* [project] ruleset picks the ruleset when none is given */
    cfg = nbl_test_write("project.ini", "[project]\nruleset = dk2013\n");
    rs = load_ok(ctx, NULL, cfg);
    assert_string_equal(rs->name, "dk2013");
    assert_string_equal(rs->version, "2013.1"); /* nothing overridden */
    nbl__ruleset_free(rs);
    /* ... and --ruleset wins over it */
    rs = load_ok(ctx, "dk2010", cfg);
    assert_string_equal(rs->name, "dk2010");
    nbl__ruleset_free(rs);
    nbl_ctx_free(ctx);
}

static void
test_empty_low_threshold_is_error(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    const char *cfg =
        nbl_test_write("low.ini", "[criterion.lab]\nthreshold_low =\n");
    nbl__ruleset *rs = NULL;
    (void)state;
    assert_int_equal(nbl__ruleset_load(ctx, "dk2021", cfg, &rs), NBL_EFORMAT);
    assert_null(rs);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx),
                           "low.ini: [criterion.lab] threshold_low: missing "
                           "(needed for forebyggelse)"));
    /* dk2018 has no forebyggelse, so there it is fine */
    assert_int_equal(nbl__ruleset_load(ctx, "dk2018", cfg, &rs), 0);
    nbl__ruleset_free(rs);
    nbl_ctx_free(ctx);
}

static void
test_user_file(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    const char *path = nbl_test_write(
        "mine.ini", "; a two-criterion test law\n[ruleset]\nname = mine\n"
                    "version = 1\ncounted = lab, eth\nneeded = 2\n"
                    "size = \nparallel =\n\n"
                    "[criterion.lab]\nkind = share\nnumerator = "
                    "noattach_18_64\ndenominator = pop_18_64\nop = >=\n"
                    "threshold = 25\n\n"
                    "[criterion.eth]\nkind = share\nnumerator = nonwestern\n"
                    "denominator = pop\nop = >\nthreshold = 10\n");
    nbl__ruleset *rs = load_ok(ctx, path, NULL);
    (void)state;
    assert_string_equal(rs->name, "mine");
    assert_int_equal(rs->size_idx, -1);
    assert_int_equal(rs->ncrit, 2);
    assert_int_equal(crit(rs, "lab")->window, 1); /* default */
    assert_int_equal(rs->nvars, 4);
    nbl__ruleset_free(rs);
    nbl_ctx_free(ctx);
}

/* Parses text as a ruleset file and checks the error message. */
static void
expect_error(const char *text, int code, const char *msg)
{
    nbl_ctx *ctx = nbl_ctx_new();
    const char *path = nbl_test_write("bad.ini", text);
    nbl__ruleset *rs = NULL;
    int rc = nbl__ruleset_load(ctx, path, NULL, &rs);
    assert_int_equal(rc, code);
    assert_null(rs);
    if (!strstr(nbl_ctx_errmsg(ctx), msg))
        fail_msg("expected '%s' in '%s'", msg, nbl_ctx_errmsg(ctx));
    nbl_ctx_free(ctx);
}

#define HEAD "[ruleset]\nname = x\nversion = 1\ncounted = lab\nneeded = 1\n"
#define LAB                                                                    \
    "[criterion.lab]\nkind = share\nnumerator = a\ndenominator = b\n"          \
    "op = >\n"

static void
test_validation_errors(void **state)
{
    (void)state;
    expect_error(HEAD LAB "threshold = abc\n", NBL_EFORMAT,
                 "bad.ini:11: [criterion.lab] threshold: not a number: "
                 "'abc'");
    expect_error(HEAD LAB "threshold = 4,5\n", NBL_EFORMAT,
                 "[criterion.lab] threshold: not a number: '4,5'");
    expect_error(HEAD LAB "threshold = 4\ncolour = red\n", NBL_EFORMAT,
                 "bad.ini:12: [criterion.lab] colour: unknown key");
    expect_error(HEAD LAB "threshold = 4\nop = =>\n", NBL_EFORMAT,
                 "[criterion.lab] op: expected >, >=, < or <=: '=>'");
    expect_error(HEAD LAB "threshold = 4\nwindow = 11\n", NBL_EFORMAT,
                 "[criterion.lab] window: not an integer from 1 to 10: '11'");
    expect_error(HEAD LAB "\n[alerts]\nmargin = 1\n", NBL_EFORMAT,
                 "bad.ini:13: [alerts]: unknown section");
    expect_error(HEAD LAB, NBL_EFORMAT,
                 "bad.ini: [criterion.lab] threshold: missing");
    expect_error("[ruleset]\nname = x\nversion = 1\ncounted = lab, edu\n"
                 "needed = 1\n" LAB "threshold = 1\n",
                 NBL_EFORMAT, "[ruleset] counted: no [criterion.edu] section");
    expect_error("[ruleset]\nname = x\nversion = 1\ncounted = lab\n"
                 "needed = 2\n" LAB "threshold = 1\n",
                 NBL_EFORMAT, "[ruleset] needed: out of range");
    expect_error(HEAD "average = mean\n" LAB "threshold = 1\n", NBL_EFORMAT,
                 "[ruleset] average: expected shares or pooled: 'mean'");
    expect_error(HEAD "omdannelse_years = 4\n" LAB "threshold = 1\n",
                 NBL_EFORMAT,
                 "[ruleset] omdannelse_years: needs a parallel criterion");
    expect_error("[ruleset]\nversion = 1\n", NBL_EFORMAT,
                 "[ruleset] name: missing");
    expect_error("[ruleset\nname = x\n", NBL_EFORMAT, "bad.ini:1: syntax");
    {
        /* a 300-character comment on line 2 */
        char text[512];
        memset(text, 'x', sizeof text);
        memcpy(text, "[ruleset]\n;", 11);
        memcpy(text + 310, "\nname = x\n", 11);
        expect_error(text, NBL_EFORMAT,
                     "bad.ini:2: line longer than 199 characters");
    }
}

static void
test_not_found(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__ruleset *rs = NULL;
    (void)state;
    assert_int_equal(nbl__ruleset_load(ctx, "dk1999", NULL, &rs),
                     NBL_ENOTFOUND);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "ruleset 'dk1999'"));
    assert_int_equal(nbl__ruleset_load(ctx, "/nonexistent/x.ini", NULL, &rs),
                     NBL_EIO);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "/nonexistent/x.ini"));
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk2021),
        cmocka_unit_test(test_dk2018),
        cmocka_unit_test(test_dk2013),
        cmocka_unit_test(test_dk2010),
        cmocka_unit_test(test_neutral_wording),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_config_overrides),
        cmocka_unit_test(test_empty_low_threshold_is_error),
        cmocka_unit_test(test_user_file),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_not_found),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
