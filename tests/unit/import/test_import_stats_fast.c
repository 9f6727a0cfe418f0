/*
 * test_import_stats_fast.c - the fast path of `import stats`
 * (import_stats_fast.c), whose checks in C replace the staged path's SQL
 * (store_stats.c): duplicate keys, values that differ from the workspace,
 * numerators larger than their denominators (from the file or the
 * workspace), the value counts and the values written.
 *
 * 1. Every statistics fixture of tests/fixtures/stats, plain and with
 *    --replace --skip-invalid, is imported twice into identical fresh
 *    workspaces - the fast path allowed, then forced off - and everything
 *    visible must be the same: return code, error, every logged problem
 *    in order, the summary, the stored values and the rejects file.
 * 2. The grouped fixtures' problems, worked out by hand from their text.
 * 3. Which path ran: grouped files the fast one; duplicate.csv (0101/2020
 *    comes back after 0202/2020) and num_gt_den.csv the staged one.
 *
 * Workspace as in test_import_stats.c: areas 0101, 0202, Nørrebro-1 and
 * 0101 / 2019 / pop_18p = 700 stored.
 */
#include "nbl_test.h"

#include <math.h>

#include "nabolag/stats.h"
#include "nabolag/workspace.h"
#include "store/store_stats.h"
#include "util/util.h"

/* the switches of import_stats_fast.c */
extern int nbl__stats_fast_path;
extern int nbl__stats_fast_used;

#include "store/store_internal.h"

static nbl__buf logbuf;

static void
log_collect(nbl_log_level level, const char *msg, void *arg)
{
    (void)arg;
    (void)level;
    nbl__buf_printf(&logbuf, "%s\n", msg);
}

static const char *
fixture(const char *name)
{
    static char b[2][1024];
    static int k;
    char *p = b[k++ % 2];
    snprintf(p, 1024, "%s%s", nbl_test_src("tests/fixtures/stats/"), name);
    return p;
}

/* What one import shows: code, error, log, summary, values, rejects. */
struct seen {
    int rc;
    char *text;
};

/* A fresh copy of one seeded workspace (made once: creating a workspace
 * is the slow part). */
static nbl_ws *
seeded(nbl_ctx *ctx, const char *path)
{
    static char *image;
    static size_t len;
    nbl_ws *ws;
    FILE *fp;
    if (!image) {
        nbl_stats_summary s;
        const char *seed, *tpl = nbl_test_path("fast_template.sqlite");
        remove(tpl);
        assert_int_equal(nbl_ws_create(&ws, ctx, tpl, 25832), NBL_OK);
        assert_int_equal(
            nbl__store_stats_test_add_area(ws, "0101", "A", "101", "1084"), 0);
        assert_int_equal(
            nbl__store_stats_test_add_area(ws, "0202", "B", "202", "1084"), 0);
        assert_int_equal(nbl__store_stats_test_add_area(ws, "Nørrebro-1", "N",
                                                        "101", "1084"),
                         0);
        seed = nbl_test_write("seed.csv", "area_id,year,variable,value\n"
                                          "0101,2019,pop_18p,700\n");
        assert_int_equal(nbl_import_stats(ws, seed, NULL, &s), NBL_OK);
        nbl_ws_free(ws);
        image = nbl_test_read(tpl, &len);
        assert_non_null(image);
        remove(tpl);
    }
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(image, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(nbl_ws_open(&ws, ctx, path), NBL_OK);
    return ws;
}

static void
dump_values(nbl_ws *ws, nbl__buf *b)
{
    sqlite3_stmt *q;
    assert_int_equal(
        nbl__db_prepare(ws, &q,
                        "SELECT area_id, year, variable, "
                        "quote(value) FROM stats ORDER BY 1, 2, 3"),
        0);
    while (sqlite3_step(q) == SQLITE_ROW)
        nbl__buf_printf(&b[0], "%s|%lld|%s|%s\n", sqlite3_column_text(q, 0),
                        (long long)sqlite3_column_int64(q, 1),
                        sqlite3_column_text(q, 2), sqlite3_column_text(q, 3));
    sqlite3_finalize(q);
}

static struct seen
run(const char *file, int fast, int replace, int skip)
{
    struct seen out;
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws;
    nbl_stats_summary s;
    nbl_stats_opts o = {0};
    nbl__buf b = {0};
    char *rej;
    const char *ws_path = nbl_test_path("fast.sqlite");
    o.replace = replace;
    o.skip_invalid = skip;
    o.rejects_path = nbl_test_path("fast.rejects.csv");
    remove(o.rejects_path);
    nbl_ctx_set_log(ctx, log_collect, NULL);
    ws = seeded(ctx, ws_path);
    nbl__buf_free(&logbuf);
    nbl__stats_fast_path = fast;
    out.rc = nbl_import_stats(ws, fixture(file), &o, &s);
    nbl__stats_fast_path = 1;
    nbl__buf_printf(&b, "error: %s\nlog:\n%s", nbl_ctx_errmsg(ctx),
                    logbuf.s ? logbuf.s : "");
    nbl__buf_printf(&b,
                    "rows %ld %ld %ld problems %ld values %ld %ld %ld %ld "
                    "layout %c delimiter %c decimal %c\n",
                    s.rows_read, s.rows_stored, s.rows_rejected, s.problems,
                    s.values_inserted, s.values_updated, s.values_unchanged,
                    s.values_missing, s.layout ? s.layout : '-',
                    s.delimiter ? s.delimiter : '-',
                    s.decimal ? s.decimal : '-');
    dump_values(ws, &b);
    rej = nbl_test_read(o.rejects_path, NULL);
    nbl__buf_printf(&b, "rejects:\n%s", rej ? rej : "(none)\n");
    free(rej);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
    remove(ws_path);
    nbl__buf_free(&logbuf);
    out.text = b.s;
    return out;
}

static const char *const files[] = {
    "long.csv",
    "wide_bom_crlf.csv",
    "conflict.csv",
    "mixed.csv",
    "num_gt_den.csv",
    "duplicate.csv",
    "duplicate_grouped.csv",
    "wide_bad_excess.csv",
    "ragged.csv",
    "nonnumeric.csv",
    "negative.csv",
    "unknown_area.csv",
    "unknown_variable.csv",
    "non_integer_count.csv",
    "bad_year.csv",
    "quoted_newline.csv",
    "ambiguous_decimal.csv",
    "header_only.csv",
    "no_header.csv",
    "unknown_column.csv",
    "bad_quote.csv",
};

static void
test_same_as_staged(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        for (int opt = 0; opt < 4; opt += 3) {
            struct seen a = run(files[i], 1, opt & 1, opt & 2);
            struct seen b = run(files[i], 0, opt & 1, opt & 2);
            if (a.rc != b.rc || strcmp(a.text, b.text) != 0)
                fail_msg("%s (replace %d, skip_invalid %d): fast path\n"
                         "rc %d\n%s\nstaged path\nrc %d\n%s",
                         files[i], opt & 1, (opt & 2) != 0, a.rc, a.text, b.rc,
                         b.text);
            free(a.text);
            free(b.text);
        }
}

/* The problems of the grouped fixtures, from their text. */
static void
test_grouped_by_hand(void **state)
{
    struct seen a;
    (void)state;
    /* lines 2 and 4 hold 0101/2020/pop; line 3 is good but refused with
     * them (no --skip-invalid) */
    a = run("duplicate_grouped.csv", 1, 0, 0);
    assert_int_equal(a.rc, NBL_EDATA);
    assert_int_equal(nbl__stats_fast_used, 1);
    assert_non_null(strstr(a.text, "duplicate_grouped.csv: 2 invalid rows;"));
    assert_non_null(strstr(a.text, "duplicate_grouped.csv:2: column 'value': "
                                   "duplicate key (area '0101', year 2020, "
                                   "variable 'pop'), also on line 4\n"));
    assert_non_null(strstr(a.text, "duplicate_grouped.csv:4: column 'value': "
                                   "duplicate key (area '0101', year 2020, "
                                   "variable 'pop'), also on line 2\n"));
    free(a.text);
    /* line 2: pop_18p missing against 700 in the workspace (a conflict),
     * so its convicted_18p 5 is not compared with anything; line 3: -1;
     * line 4: convicted_18p 60 > pop_18p 50 on the same line */
    a = run("wide_bad_excess.csv", 1, 0, 1);
    assert_int_equal(a.rc, NBL_OK);
    assert_int_equal(nbl__stats_fast_used, 1);
    assert_non_null(strstr(a.text, "wide_bad_excess.csv:2: column 'pop_18p': "
                                   "pop_18p missing differs from the value "
                                   "already in the workspace (700); pass "
                                   "--replace to replace it\n"));
    assert_non_null(strstr(a.text, "wide_bad_excess.csv:3: column "
                                   "'convicted_18p': negative value: '-1'\n"));
    assert_non_null(strstr(a.text, "wide_bad_excess.csv:4: column "
                                   "'convicted_18p': convicted_18p 60 is "
                                   "larger than its denominator pop_18p 50 "
                                   "(line 4)\n"));
    /* nothing stored but the seed */
    assert_non_null(strstr(a.text, "rows 3 0 3 problems 3 values 0 0 0 0"));
    assert_non_null(strstr(a.text, "0101|2019|pop_18p|700.0\nrejects:"));
    free(a.text);
    /* with --replace line 2 is good: its values replace and add */
    a = run("wide_bad_excess.csv", 1, 1, 1);
    assert_int_equal(a.rc, NBL_OK);
    assert_non_null(strstr(a.text, "rows 3 1 2 problems 2 values 2 1 0 1"));
    assert_non_null(strstr(a.text, "0101|2019|convicted_18p|5.0\n"
                                   "0101|2019|pop|600.0\n"
                                   "0101|2019|pop_18p|NULL\n"));
    free(a.text);
}

static void
test_path_taken(void **state)
{
    struct seen a;
    (void)state;
    a = run("wide_bom_crlf.csv", 1, 0, 0);
    assert_int_equal(nbl__stats_fast_used, 1);
    free(a.text);
    /* 0101/2019 on line 9 comes back after 0202/2019 */
    a = run("num_gt_den.csv", 1, 0, 0);
    assert_int_equal(nbl__stats_fast_used, 0);
    free(a.text);
    a = run("long.csv", 1, 0, 0);
    assert_int_equal(nbl__stats_fast_used, 1);
    free(a.text);
    a = run("duplicate.csv", 1, 0, 0);
    assert_int_equal(nbl__stats_fast_used, 0);
    free(a.text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_staged),
        cmocka_unit_test(test_grouped_by_hand),
        cmocka_unit_test(test_path_taken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
