/*
 * test_util.c - locale-independent numbers, UTF-8 validation, atomic output
 * files, folders made as `mkdir -p` does, embedded assets.
 */
#define _GNU_SOURCE /* strtod_l: the expected values in the C locale */
#include "nbl_test.h"

#include <locale.h>

#include <math.h>
#include <sys/stat.h>

#include "util/ctx.h"
#include "util/util.h"

static void
test_parse_double(void **state)
{
    double v;
    (void)state;
    assert_true(nbl__parse_double("12.5", '.', &v));
    assert_true(v == 12.5);
    assert_true(nbl__parse_double(" -3 ", '.', &v));
    assert_true(v == -3.0);
    assert_true(nbl__parse_double("12,5", ',', &v));
    assert_true(v == 12.5);
    /* a '.' in a comma-decimal file is a thousands separator or garbage */
    assert_false(nbl__parse_double("1.234,5", ',', &v));
    assert_false(nbl__parse_double("12,5", '.', &v));
    assert_false(nbl__parse_double("", '.', &v));
    assert_false(nbl__parse_double("n/a", '.', &v));
    assert_false(nbl__parse_double("inf", '.', &v));
    assert_false(nbl__parse_double("0x10", '.', &v));
    assert_false(nbl__parse_double("1e999", '.', &v));
    assert_false(nbl__parse_double("12 kr", '.', &v));
}

/* The plain forms (at most 15 digits, one decimal mark) are read without
 * strtod: every one must give strtod's double bit for bit, and the forms
 * around them (16-17 digits, '+', a trailing mark, blanks, exponents)
 * strtod's too. Deterministic pseudo-random strings (an LCG). */
static void
test_parse_double_plain(void **state)
{
    static const char *tails[] = {"", "", "", " ", ".", "e3", "+"};
    uint64_t x = 12345;
    locale_t c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    (void)state;
    assert_non_null(c_loc);
    for (int i = 0; i < 200000; i++) {
        char s[48], dot[48];
        int nd, pos, k = 0, neg;
        double v, want;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        nd = 1 + (int)((x >> 33) % 17);
        pos = (int)((x >> 40) % (uint64_t)(nd + 1));
        neg = (x >> 50) & 1;
        if (neg)
            s[k++] = '-';
        for (int d = 0; d < nd; d++) {
            if (d == pos && d > 0)
                s[k++] = ',';
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            s[k++] = (char)('0' + (x >> 33) % 10);
        }
        s[k] = '\0';
        if (i % 7 == 0)
            strcat(s, tails[(x >> 20) % 7]);
        for (int j = 0; j <= (int)strlen(s); j++)
            dot[j] = s[j] == ',' ? '.' : s[j];
        int ok = nbl__parse_double(s, ',', &v);
        if (strchr(s, '.')) { /* a '.' in a comma-decimal file: refused */
            assert_false(ok);
            continue;
        }
        char *end;
        want = strtod_l(dot, &end, c_loc);
        while (*end == ' ')
            end++;
        if (*end || strchr(dot, '+')) {
            if (ok)
                assert_true(v == want);
            continue;
        }
        assert_true(ok);
        assert_memory_equal(&v, &want, sizeof v);
    }
    freelocale(c_loc);
}

static void
test_fmt_double(void **state)
{
    char b[64];
    (void)state;
    assert_string_equal(nbl__fmt_double(b, sizeof b, 12.5, 2), "12.5");
    assert_string_equal(nbl__fmt_double(b, sizeof b, 3.0, 2), "3");
    assert_string_equal(nbl__fmt_double(b, sizeof b, 0.125, 2), "0.13");
    assert_string_equal(nbl__fmt_double(b, sizeof b, -0.0001, 2), "0");
    assert_string_equal(nbl__fmt_double(b, sizeof b, 1234567.891, 1),
                        "1234567.9");
}

static void
test_utf8(void **state)
{
    (void)state;
    assert_true(nbl__utf8_valid("Nørrebro", strlen("Nørrebro")));
    assert_true(nbl__utf8_valid("abc", 3));
    assert_false(nbl__utf8_valid("N\xf8rrebro", 8));  /* Latin-1 ø */
    assert_false(nbl__utf8_valid("\xc3", 1));         /* truncated */
    assert_false(nbl__utf8_valid("\xc0\xaf", 2));     /* overlong */
    assert_false(nbl__utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    /* "Nørrebro": 8 characters in 9 bytes (ø is C3 B8) */
    assert_int_equal(nbl__utf8_chars("Nørrebro"), 8);
    assert_int_equal(nbl__utf8_chars(""), 0);
}

static void
test_outfile(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__outfile of;
    const char *p = nbl_test_path("out.txt");
    struct stat st;
    char *s;
    (void)state;
    remove(p);
    assert_int_equal(nbl__outfile_open(ctx, &of, p, 0), NBL_OK);
    fputs("hello\n", of.fp);
    /* nothing at the final path until committed */
    assert_int_not_equal(stat(p, &st), 0);
    assert_int_equal(nbl__outfile_commit(ctx, &of), NBL_OK);
    s = nbl_test_read(p, NULL);
    assert_string_equal(s, "hello\n");
    free(s);
    /* exists: refused without overwrite */
    assert_int_equal(nbl__outfile_open(ctx, &of, p, 0), NBL_EEXISTS);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "--overwrite"));
    /* aborted: old content stays, no temporary left */
    assert_int_equal(nbl__outfile_open(ctx, &of, p, 1), NBL_OK);
    fputs("partial", of.fp);
    {
        char *tmp = nbl__strdup(of.tmppath);
        nbl__outfile_abort(&of);
        assert_int_not_equal(stat(tmp, &st), 0);
        free(tmp);
    }
    s = nbl_test_read(p, NULL);
    assert_string_equal(s, "hello\n");
    free(s);
    nbl_ctx_free(ctx);
}

/* nbl__mkdirs: missing folders above the one asked for are made, counted,
 * and removed again by nbl__rmdirs; a trailing or doubled slash changes
 * nothing; a file on the way is an error naming it, leaving nothing made. */
static void
test_mkdirs(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    char top[512], deep[600], file[600], under[700];
    struct stat st;
    int n = -1;
    (void)state;
    snprintf(top, sizeof top, "%s", nbl_test_path("mkd"));
    snprintf(deep, sizeof deep, "%s//b/c/", top);
    snprintf(file, sizeof file, "%s/f", top);
    snprintf(under, sizeof under, "%s/f/x/y", top);
    nbl__rmdirs(deep, 3); /* what an earlier run left */
    assert_int_equal(nbl__mkdirs(ctx, deep, &n), NBL_OK);
    assert_int_equal(n, 3); /* mkd, mkd/b, mkd/b/c */
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* there already: nothing made */
    assert_int_equal(nbl__mkdirs(ctx, deep, &n), NBL_OK);
    assert_int_equal(n, 0);
    nbl__rmdirs(deep, 2); /* c and b; mkd stays */
    assert_int_not_equal(stat(deep, &st), 0);
    assert_int_equal(stat(top, &st), 0);
    /* a file where a folder is needed */
    {
        FILE *f = fopen(file, "w");
        assert_non_null(f);
        assert_int_equal(fclose(f), 0);
    }
    assert_int_equal(nbl__mkdirs(ctx, under, &n), NBL_EIO);
    assert_int_equal(n, 0);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "/mkd/f: not a folder"));
    assert_int_equal(nbl__mkdirs(ctx, file, &n), NBL_EIO);
    remove(file);
    /* a folder that cannot be made (a name over NAME_MAX) below one that
     * was made: the one made is removed again */
    {
        char sub[1024];
        int k = snprintf(sub, sizeof sub, "%s/new/", top);
        memset(sub + k, 'x', 300);
        sub[k + 300] = '\0';
        assert_int_equal(nbl__mkdirs(ctx, sub, &n), NBL_EIO);
        assert_int_equal(n, 0);
        assert_non_null(strstr(nbl_ctx_errmsg(ctx), "cannot create folder"));
        sub[k] = '\0';
        assert_int_not_equal(stat(sub, &st), 0);
    }
    nbl__rmdirs(top, 1);
    assert_int_not_equal(stat(top, &st), 0);
    nbl_ctx_free(ctx);
}

static void
test_assets(void **state)
{
    size_t n = 0;
    const char *s = nbl__asset("schema.sql", &n);
    (void)state;
    assert_non_null(s);
    assert_true(n > 100);
    assert_int_equal(strlen(s), n);
    assert_non_null(strstr(s, "CREATE TABLE areas"));
    assert_null(nbl__asset("no/such.ini", NULL));
}

static void
test_error_one_line(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    (void)state;
    assert_int_equal(nbl__error(ctx, NBL_EFORMAT, "a.csv:3: x\ny"),
                     NBL_EFORMAT);
    assert_string_equal(nbl_ctx_errmsg(ctx), "a.csv:3: x y");
    nbl_ctx_free(ctx);
}

/* Capacity doubles from 16 until it holds need; a need it holds changes
 * nothing; a size that would overflow is refused, the array kept. */
static void
test_grow(void **state)
{
    int *v = NULL;
    size_t cap = 0;
    (void)state;
    assert_int_equal(nbl__grow((void **)&v, &cap, 1, sizeof *v), 0);
    assert_int_equal(cap, 16);
    v[15] = 7;
    assert_int_equal(nbl__grow((void **)&v, &cap, 16, sizeof *v), 0);
    assert_int_equal(cap, 16);
    assert_int_equal(nbl__grow((void **)&v, &cap, 33, sizeof *v), 0);
    assert_int_equal(cap, 64);
    assert_int_equal(v[15], 7);
    assert_int_equal(nbl__grow((void **)&v, &cap, SIZE_MAX / 2, sizeof *v), -1);
    assert_int_equal(cap, 64);
    assert_int_equal(v[15], 7);
    free(v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_parse_double),
        cmocka_unit_test(test_parse_double_plain),
        cmocka_unit_test(test_fmt_double),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_outfile),
        cmocka_unit_test(test_mkdirs),
        cmocka_unit_test(test_assets),
        cmocka_unit_test(test_error_one_line),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
