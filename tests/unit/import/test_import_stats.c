/*
 * test_import_stats.c - nbl_import_stats() / nbl_import_refs() on the
 * fixtures in tests/fixtures/stats: both layouts, every format variation,
 * every kind of bad row with its line number (worked out by hand from the
 * fixture text), all-or-nothing with the workspace file byte-for-byte
 * unchanged, --skip-invalid with a rejects file, --replace, idempotent
 * re-runs and [variable.*] declarations.
 *
 * Each test gets a fresh workspace with areas 0101 (municipality 101),
 * 0202 (202) and Nørrebro-1 (101), region 1084, and one value already
 * stored: 0101 / 2019 / pop_18p = 700.
 */
#include "nbl_test.h"

#include <math.h>

#include "nabolag/stats.h"
#include "nabolag/workspace.h"
#include "store/store_stats.h"
#include "util/util.h"

struct fx {
    nbl_ctx *ctx;
    nbl_ws *ws;
    char path[512];
};

static nbl__buf logbuf;

static void
log_collect(nbl_log_level level, const char *msg, void *arg)
{
    (void)arg;
    (void)level;
    nbl__buf_printf(&logbuf, "%s\n", msg);
}

static const char *
logged(void)
{
    return logbuf.s ? logbuf.s : "";
}

static const char *
fixture(const char *name)
{
    static char b[4][1024];
    static int k;
    char *p = b[k++ % 4];
    snprintf(p, 1024, "%s", nbl_test_src("tests/fixtures/stats/"));
    strncat(p, name, 1023 - strlen(p));
    return p;
}

static int
setup(void **state)
{
    static int n;
    struct fx *f = calloc(1, sizeof *f);
    const char *seed;
    nbl_stats_summary s;
    snprintf(f->path, sizeof f->path, "%s/ws%d.sqlite", nbl_test_tmpdir(), n++);
    remove(f->path);
    f->ctx = nbl_ctx_new();
    nbl_ctx_set_log(f->ctx, log_collect, NULL);
    assert_int_equal(nbl_ws_create(&f->ws, f->ctx, f->path, 25832), NBL_OK);
    assert_int_equal(
        nbl__store_stats_test_add_area(f->ws, "0101", "A", "101", "1084"), 0);
    assert_int_equal(
        nbl__store_stats_test_add_area(f->ws, "0202", "B", "202", "1084"), 0);
    assert_int_equal(
        nbl__store_stats_test_add_area(f->ws, "Nørrebro-1", "N", "101", "1084"),
        0);
    seed = nbl_test_write("seed.csv", "area_id,year,variable,value\n"
                                      "0101,2019,pop_18p,700\n");
    assert_int_equal(nbl_import_stats(f->ws, seed, NULL, &s), NBL_OK);
    assert_int_equal(s.values_inserted, 1);
    nbl__buf_free(&logbuf);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    nbl_ws_free(f->ws);
    nbl_ctx_free(f->ctx);
    remove(f->path);
    free(f);
    nbl__buf_free(&logbuf);
    return 0;
}

/* The tests read the stored values back with the store's own SQLite
 * helpers (test code may use internals; src/ modules may not). */
#include "store/store_internal.h"

static double
stat_value(struct fx *f, const char *area, long year, const char *var,
           int *found)
{
    sqlite3_stmt *q;
    double v = NAN;
    *found = 0;
    assert_int_equal(
        nbl__db_prepare(f->ws, &q,
                        "SELECT value FROM stats WHERE area_id = ? AND "
                        "year = ? AND variable = ?"),
        0);
    nbl__db_bind_text(q, 1, area);
    sqlite3_bind_int64(q, 2, year);
    nbl__db_bind_text(q, 3, var);
    if (sqlite3_step(q) == SQLITE_ROW) {
        *found = 1;
        v = nbl__db_column_double(q, 0);
    }
    sqlite3_finalize(q);
    return v;
}

static long
count_rows(struct fx *f, const char *sql)
{
    sqlite3_stmt *q;
    long n = -1;
    assert_int_equal(nbl__db_prepare(f->ws, &q, sql), 0);
    if (sqlite3_step(q) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

static void
assert_stat(struct fx *f, const char *area, long year, const char *var,
            double expect)
{
    int found;
    double v = stat_value(f, area, year, var, &found);
    assert_true(found);
    if (isnan(expect))
        assert_true(isnan(v));
    else
        assert_true(fabs(v - expect) < 1e-9);
}

/* ---- good files -----------------------------------------------------------
 */

static void
test_long(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    assert_int_equal(nbl_import_stats(f->ws, fixture("long.csv"), NULL, &s),
                     NBL_OK);
    /* 7 data rows, 7 values, 2 missing ('..' and 'NA') */
    assert_int_equal(s.rows_read, 7);
    assert_int_equal(s.rows_stored, 7);
    assert_int_equal(s.rows_rejected, 0);
    assert_int_equal(s.values_inserted, 7);
    assert_int_equal(s.values_missing, 2);
    assert_int_equal(s.layout, 'l');
    assert_int_equal(s.delimiter, ',');
    assert_int_equal(s.decimal, '.');
    assert_stat(f, "0101", 2020, "noattach_18_64", 210);
    assert_stat(f, "0101", 2021, "noattach_18_64", NAN);
    assert_stat(f, "0202", 2020, "pop", NAN);
    assert_stat(f, "0202", 2020, "income_mean_15_64", 251234.5);
    /* 1 seed + 7 */
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM stats"), 8);
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM runs WHERE kind = "
                                   "'stats' AND rows_read = 7 AND "
                                   "rows_stored = 7 AND rows_rejected = 0"),
                     1);

    /* re-running the same file changes nothing: 7 unchanged */
    assert_int_equal(nbl_import_stats(f->ws, fixture("long.csv"), NULL, &s),
                     NBL_OK);
    assert_int_equal(s.values_inserted, 0);
    assert_int_equal(s.values_unchanged, 7);
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM stats"), 8);
}

static void
test_wide_bom_crlf_semicolon_comma(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    assert_int_equal(
        nbl_import_stats(f->ws, fixture("wide_bom_crlf.csv"), NULL, &s),
        NBL_OK);
    /* 3 rows x 4 variables = 12 values; blank convicted_18p on
     * Nørrebro-1 and blank income on 0202 are missing */
    assert_int_equal(s.rows_read, 3);
    assert_int_equal(s.values_inserted, 12);
    assert_int_equal(s.values_missing, 2);
    assert_int_equal(s.layout, 'w');
    assert_int_equal(s.delimiter, ';');
    assert_int_equal(s.decimal, ',');
    assert_stat(f, "0101", 2022, "income_mean_15_64", 251234.5);
    assert_stat(f, "Nørrebro-1", 2022, "income_mean_15_64", 199999.25);
    assert_stat(f, "Nørrebro-1", 2022, "convicted_18p", NAN);
    assert_stat(f, "0202", 2022, "pop", 1500);
}

static void
test_options_override_detection(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    nbl_stats_opts o = {0};
    const char *p;
    /* all values are whole numbers: no decimal mark seen, '.' assumed */
    p = nbl_test_write("ov.csv", "area_id;year;variable;value\n"
                                 "0101;2020;income_mean_15_64;1.5\n");
    o.decimal = ',';
    /* '1.5' under --decimal , is not a number (line 2) */
    assert_int_equal(nbl_import_stats(f->ws, p, &o, &s), NBL_EDATA);
    assert_non_null(strstr(logged(), "ov.csv:2: column 'value': not a "
                                     "number (the decimal mark of this "
                                     "file is ','): '1.5'"));
    o.decimal = '.';
    o.delimiter = ';';
    assert_int_equal(nbl_import_stats(f->ws, p, &o, &s), NBL_OK);
    assert_stat(f, "0101", 2020, "income_mean_15_64", 1.5);
    /* a wrong --delimiter makes the header one column: an error */
    o.delimiter = ',';
    assert_int_equal(nbl_import_stats(f->ws, p, &o, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(f->ctx), "ov.csv:1: header"));
}

static void
test_config_declares_variable(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    nbl_stats_opts o = {0};
    const char *csv =
        nbl_test_write("tenants.csv", "area_id,year,households,tenants\n"
                                      "0101,2020,400,380\n"
                                      "0202,2020,100,101\n");
    /* without the declaration the column is unknown (header error) */
    assert_int_equal(nbl_import_stats(f->ws, csv, NULL, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(f->ctx),
                           "tenants.csv:1: column 'tenants': unknown "
                           "variable; declare it with a [variable.tenants] "
                           "section in --config FILE"));
    o.config_path = nbl_test_write("vars.ini", "[project]\nname = x\n"
                                               "[variable.tenants]\n"
                                               "kind = count\n"
                                               "denominator = households\n"
                                               "label = Tenant households\n");
    /* 101 tenants > 100 households on line 3: nothing stored, and the
     * declaration is rolled back with it */
    assert_int_equal(nbl_import_stats(f->ws, csv, &o, &s), NBL_EDATA);
    assert_non_null(strstr(logged(), "tenants.csv:3: column 'tenants': "
                                     "tenants 101 is larger than its "
                                     "denominator households 100 (line 3)"));
    assert_int_equal(
        count_rows(f, "SELECT COUNT(*) FROM variables WHERE name='tenants'"),
        0);
    o.skip_invalid = 1;
    assert_int_equal(nbl_import_stats(f->ws, csv, &o, &s), NBL_OK);
    assert_int_equal(s.variables_declared, 1);
    assert_int_equal(s.rows_stored, 1);
    assert_int_equal(s.rows_rejected, 1);
    assert_stat(f, "0101", 2020, "tenants", 380);
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM variables WHERE "
                                   "name='tenants' AND "
                                   "denominator='households'"),
                     1);
    /* a bad kind is an error naming the section */
    o.config_path =
        nbl_test_write("bad.ini", "[variable.rooms]\nkind = area\n");
    assert_int_equal(nbl_import_stats(f->ws, csv, &o, &s), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(f->ctx),
                           "[variable.rooms]: kind must be count, amount, "
                           "mean, percent or value: 'area'"));
}

/* Shares: kind percent is 0..100 and, with `of`, is no numerator of its
 * population (45 % of 30 residents is fine); kind value may be negative. */
static void
test_percent_and_value_kinds(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    nbl_stats_opts o = {0};
    const char *csv = nbl_test_write("shares.csv", "area_id,year,pop,x_pct,"
                                                   "x_idx\n"
                                                   "0101,2020,30,45.5,-1.25\n"
                                                   "0202,2020,100,100,0\n");
    const char *bad =
        nbl_test_write("bad_shares.csv", "area_id,year,x_pct,x_idx\n"
                                         "0101,2021,100.5,-3\n");
    o.config_path = nbl_test_write("shares.ini", "[variable.x_pct]\n"
                                                 "kind = percent\n"
                                                 "of = pop\n"
                                                 "[variable.x_idx]\n"
                                                 "kind = value\n");
    assert_int_equal(nbl_import_stats(f->ws, csv, &o, &s), NBL_OK);
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM stats WHERE "
                                   "variable = 'x_idx' AND value = -1.25"),
                     1);
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM variables WHERE "
                                   "name = 'x_pct' AND kind = 'percent' AND "
                                   "denominator = 'pop'"),
                     1);
    assert_int_equal(nbl_import_stats(f->ws, bad, &o, &s), NBL_EDATA);
    assert_non_null(strstr(logged(), "bad_shares.csv:2: column 'x_pct': "
                                     "x_pct is a percentage and must be "
                                     "0..100: '100.5'"));
}

static void
test_replace(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    nbl_stats_opts o = {0};
    unsigned char *before;
    size_t n0, n1;
    char *after;
    /* conflict.csv line 2: pop_18p 701, the workspace has 700 */
    nbl_ws_free(f->ws);
    before = (unsigned char *)nbl_test_read(f->path, &n0);
    assert_int_equal(nbl_ws_open(&f->ws, f->ctx, f->path), NBL_OK);
    assert_int_equal(nbl_import_stats(f->ws, fixture("conflict.csv"), NULL, &s),
                     NBL_EDATA);
    assert_non_null(strstr(logged(), "conflict.csv:2: column 'value': "
                                     "pop_18p 701 differs from the value "
                                     "already in the workspace (700); pass "
                                     "--replace to replace it"));
    nbl_ws_free(f->ws);
    after = nbl_test_read(f->path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    assert_int_equal(nbl_ws_open(&f->ws, f->ctx, f->path), NBL_OK);
    o.replace = 1;
    assert_int_equal(nbl_import_stats(f->ws, fixture("conflict.csv"), &o, &s),
                     NBL_OK);
    assert_int_equal(s.values_updated, 1);
    assert_int_equal(s.values_inserted, 1);
    assert_stat(f, "0101", 2019, "pop_18p", 701);
}

static void
test_skip_invalid_rejects(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    nbl_stats_opts o = {0};
    char *rej;
    o.skip_invalid = 1;
    o.rejects_path = nbl_test_path("mixed.rejects.csv");
    remove(o.rejects_path);
    /* mixed.csv: line 3 negative, line 5 unknown area; lines 2, 4 good */
    assert_int_equal(nbl_import_stats(f->ws, fixture("mixed.csv"), &o, &s),
                     NBL_OK);
    assert_int_equal(s.rows_read, 4);
    assert_int_equal(s.rows_stored, 2);
    assert_int_equal(s.rows_rejected, 2);
    assert_int_equal(s.values_inserted, 2);
    assert_stat(f, "0202", 2020, "pop", 500);
    rej = nbl_test_read(o.rejects_path, NULL);
    assert_non_null(rej);
    assert_string_equal(rej, "line,reason,area_id,year,variable,value\n"
                             "3,column 'value': negative value: '-1',0101,"
                             "2020,pop_18p,-1\n"
                             "5,column 'area_id': unknown area: '9999',9999,"
                             "2020,pop,5\n");
    free(rej);
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM runs WHERE "
                                   "rows_read = 4 AND rows_stored = 2 AND "
                                   "rows_rejected = 2"),
                     1);
    /* the rejects file exists now: refused without overwrite */
    assert_int_equal(nbl_import_stats(f->ws, fixture("mixed.csv"), &o, &s),
                     NBL_EEXISTS);
}

static void
test_refs(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    assert_int_equal(nbl_import_refs(f->ws, fixture("refs.csv"), NULL, &s),
                     NBL_OK);
    assert_int_equal(s.rows_read, 5);
    assert_int_equal(s.values_inserted, 5);
    /* municipality '0202' matches no area's municipality ('202') */
    assert_non_null(strstr(logged(), "refs.csv:6: 1 reference row with a "
                                     "region or municipality code that no "
                                     "area has (first: '0202'; did you mean "
                                     "'202'?"));
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM refs WHERE scope = "
                                   "'country' AND code = 'DK'"),
                     2);
    /* a second country and an unknown scope */
    assert_int_equal(nbl_import_refs(f->ws, fixture("refs_bad.csv"), NULL, &s),
                     NBL_EDATA);
    assert_non_null(strstr(logged(), "refs_bad.csv:3: column 'code': a "
                                     "second country code 'SE'"));
    assert_non_null(strstr(logged(), "refs_bad.csv:4: column 'scope': scope "
                                     "must be country, region or "
                                     "municipality: 'land'"));
    assert_int_equal(s.rows_rejected, 2);
}

static void
test_missing_tokens_and_header_case(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    /* fixed column names ignore case; blank, '..', 'NA', 'NaN' are missing
     * (4 of 6 values); '-' is not (Danmarks Statistik's zero): line 6 */
    const char *p = nbl_test_write("tok.csv", "Area_ID,YEAR,pop,pop_18p\n"
                                              "0101,2010,,..\n"
                                              "0101,2011,NA,NaN\n"
                                              "0101,2012,5,1\n"
                                              "\n"
                                              "0202,2012,-,1\n");
    assert_int_equal(nbl_import_stats(f->ws, p, NULL, &s), NBL_EDATA);
    assert_non_null(
        strstr(logged(), "tok.csv:6: column 'pop': not a number: '-'"));
    nbl__buf_free(&logbuf);
    p = nbl_test_write("tok.csv", "Area_ID,YEAR,pop,pop_18p\n"
                                  "0101,2010,,..\n"
                                  "0101,2011,NA,NaN\n"
                                  "0101,2012,5,1\n");
    assert_int_equal(nbl_import_stats(f->ws, p, NULL, &s), NBL_OK);
    assert_int_equal(s.values_inserted, 6);
    assert_int_equal(s.values_missing, 4);
    assert_stat(f, "0101", 2010, "pop", NAN);
    assert_stat(f, "0101", 2011, "pop_18p", NAN);
    assert_stat(f, "0101", 2012, "pop_18p", 1);
}

static void
test_wide_duplicate_and_refs_wide(void **state)
{
    struct fx *f = *state;
    nbl_stats_summary s;
    nbl_stats_opts o = {0};
    /* the same area and year twice in a wide file: both lines (2 and 3)
     * are bad, each named once (not once per column), line 4 is good */
    const char *p = nbl_test_write("wd.csv", "area_id,year,pop,pop_18p\n"
                                             "0101,2020,100,80\n"
                                             "0101,2020,100,80\n"
                                             "0202,2020,50,40\n");
    o.skip_invalid = 1;
    assert_int_equal(nbl_import_stats(f->ws, p, &o, &s), NBL_OK);
    assert_int_equal(s.rows_rejected, 2);
    assert_int_equal(s.rows_stored, 1);
    assert_int_equal(s.problems, 2);
    assert_int_equal(s.values_inserted, 2);
    assert_non_null(strstr(logged(), "wd.csv:3: row: duplicate key (area "
                                     "'0101', year 2020), also on line 2"));
    assert_null(strstr(logged(), "column 'pop_18p': duplicate"));
    /* refs in the wide layout, ';' and ',' decimals */
    p = nbl_test_write("rw.csv", "scope;code;year;pop_18p;convicted_18p;"
                                 "income_mean_15_64\n"
                                 "country;DK;2020;4700000;30000;310000,5\n"
                                 "region;1084;2020;1000000;7000;..\n");
    assert_int_equal(nbl_import_refs(f->ws, p, NULL, &s), NBL_OK);
    assert_int_equal(s.layout, 'w');
    assert_int_equal(s.values_inserted, 6);
    assert_int_equal(s.values_missing, 1);
    assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM refs WHERE scope = "
                                   "'country' AND code = 'DK' AND variable = "
                                   "'income_mean_15_64' AND value = 310000.5"),
                     1);
}

/* ---- broken files: error, message, workspace unchanged --------------------
 */

/* Table rows leave unused trailing log fields out (they are NULL). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct broken {
    const char *file;
    int code;
    const char *errmsg; /* substring of the ctx error */
    const char *log1;   /* substrings of the logged problems, or NULL */
    const char *log2;
    const char *log3;
    const char *log4;
};

static void
check_broken(struct fx *f, const struct broken *b)
{
    unsigned char *before;
    char *after;
    size_t n0, n1;
    nbl_stats_summary s;
    nbl_ws_free(f->ws);
    before = (unsigned char *)nbl_test_read(f->path, &n0);
    assert_non_null(before);
    assert_int_equal(nbl_ws_open(&f->ws, f->ctx, f->path), NBL_OK);
    nbl__buf_free(&logbuf);
    assert_int_equal(nbl_import_stats(f->ws, fixture(b->file), NULL, &s),
                     b->code);
    if (!strstr(nbl_ctx_errmsg(f->ctx), b->errmsg))
        fail_msg("%s: error '%s' lacks '%s'", b->file, nbl_ctx_errmsg(f->ctx),
                 b->errmsg);
    for (int i = 0; i < 4; i++) {
        const char *want = i == 0   ? b->log1
                           : i == 1 ? b->log2
                           : i == 2 ? b->log3
                                    : b->log4;
        if (want && !strstr(logged(), want))
            fail_msg("%s: log '%s' lacks '%s'", b->file, logged(), want);
    }
    nbl_ws_free(f->ws);
    f->ws = NULL;
    after = nbl_test_read(f->path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    assert_int_equal(nbl_ws_open(&f->ws, f->ctx, f->path), NBL_OK);
}

static void
test_broken_fixtures(void **state)
{
    /* Line numbers are those of the fixture files (header = line 1). */
    static const struct broken cases[] = {
        {"ragged.csv", NBL_EDATA,
         "ragged.csv: 2 invalid rows; nothing was imported",
         "ragged.csv:3: row: has 3 fields, the header has 4: "
         "'0101,2020,pop_18p'",
         "ragged.csv:4: row: has 5 fields, the header has 4", NULL},
        {"nonnumeric.csv", NBL_EDATA, "nonnumeric.csv: 1 invalid row;",
         "nonnumeric.csv:3: column 'value': not a number: 'n/a'", NULL, NULL},
        {"negative.csv", NBL_EDATA, "negative.csv: 1 invalid row;",
         "negative.csv:2: column 'pop_18p': negative value: '-3'", NULL, NULL},
        /* line 4: 501 > 500 (line 3); line 5: 701 > 700 in the workspace;
         * line 6: 600 > 500 (line 7); line 9: pop 600 < pop_18p 700 */
        {"num_gt_den.csv", NBL_EDATA, "num_gt_den.csv: 4 invalid rows;",
         "num_gt_den.csv:4: column 'value': noattach_18_64 501 is larger "
         "than its denominator pop_18_64 500 (line 3)\n",
         "num_gt_den.csv:5: column 'value': convicted_18p 701 is larger "
         "than its denominator pop_18p 700 (the workspace)\n",
         "num_gt_den.csv:6: column 'value': pop_18p 600 is larger than its "
         "denominator pop 500 (line 7)\n",
         "num_gt_den.csv:9: column 'value': pop 600 is smaller than pop_18p "
         "700 already in the workspace"},
        {"unknown_area.csv", NBL_EDATA, "unknown_area.csv: 2 invalid rows;",
         "unknown_area.csv:3: column 'area_id': unknown area: '101' (did "
         "you mean '0101'? area ids are compared exactly)",
         "unknown_area.csv:4: column 'area_id': unknown area: '9999'\n", NULL},
        {"duplicate.csv", NBL_EDATA, "duplicate.csv: 2 invalid rows;",
         "duplicate.csv:2: column 'value': duplicate key (area '0101', year "
         "2020, variable 'pop'), also on line 4",
         "duplicate.csv:4: column 'value': duplicate key (area '0101', year "
         "2020, variable 'pop'), also on line 2",
         NULL},
        {"binary.csv", NBL_EFORMAT,
         "binary.csv:3: not valid UTF-8 or Windows-1252 text (byte 0x01)", NULL,
         NULL, NULL},
        {"empty.csv", NBL_EFORMAT, "empty.csv: empty file", NULL, NULL, NULL},
        {"no_header.csv", NBL_EFORMAT,
         "no_header.csv:1: no header line: the first line looks like data",
         NULL, NULL, NULL},
        {"header_only.csv", NBL_EFORMAT,
         "header_only.csv:1: no data rows (only a header)", NULL, NULL, NULL},
        {"ambiguous_decimal.csv", NBL_EFORMAT,
         "ambiguous_decimal.csv:3: cannot tell the decimal mark: line 2 has "
         "'1234.5' and line 3 has '1234,5'; pass --decimal . or --decimal ,",
         NULL, NULL, NULL},
        {"bad_header.csv", NBL_EFORMAT,
         "bad_header.csv:1: header fits neither layout: expected "
         "'area_id,year,variable,value' (long) or "
         "'area_id,year,<variable>,...' (wide), found 'id,year,variable,"
         "value'",
         NULL, NULL, NULL},
        {"unknown_column.csv", NBL_EFORMAT,
         "unknown_column.csv:1: column 'popx': unknown variable; declare it "
         "with a [variable.popx] section in --config FILE",
         NULL, NULL, NULL},
        {"unknown_variable.csv", NBL_EDATA,
         "unknown_variable.csv: 1 invalid row;",
         "unknown_variable.csv:3: column 'variable': unknown variable: "
         "'Pop_18p' (did you mean 'pop_18p'? names are compared exactly); "
         "declare it with a [variable.Pop_18p] section in --config FILE",
         NULL, NULL},
        {"non_integer_count.csv", NBL_EDATA,
         "non_integer_count.csv: 1 invalid row;",
         "non_integer_count.csv:2: column 'value': pop is a count and must "
         "be a whole number: '10.5'",
         NULL, NULL},
        {"bad_year.csv", NBL_EDATA, "bad_year.csv: 1 invalid row;",
         "bad_year.csv:2: column 'year': year is not an integer: '20x0'", NULL,
         NULL},
        {"bad_quote.csv", NBL_EFORMAT, "bad_quote.csv:3: malformed quoting",
         NULL, NULL, NULL},
        {"conflict.csv", NBL_EDATA, "conflict.csv: 1 invalid row;", NULL, NULL,
         NULL},
        /* the value on lines 3-4 is "80\n0"; the next row is line 5 */
        {"quoted_newline.csv", NBL_EDATA, "quoted_newline.csv: 2 invalid rows;",
         /* the embedded newline is shown as a space: warnings are one
          * line */
         "quoted_newline.csv:3: column 'value': not a number: '80 0'",
         "quoted_newline.csv:5: column 'value': negative value: '-5'", NULL},
        {"missing.csv", NBL_EIO, "missing.csv: cannot open", NULL, NULL, NULL},
    };
    struct fx *f = *state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_broken(f, &cases[i]);
}

static void
test_problem_list_is_capped(void **state)
{
    /* 25 bad rows: 20 listed, then "... and 5 more" */
    struct fx *f = *state;
    nbl__buf b = {0};
    nbl_stats_summary s;
    const char *p;
    nbl__buf_printf(&b, "area_id,year,variable,value\n");
    for (int i = 0; i < 25; i++)
        nbl__buf_printf(&b, "0101,%d,pop,-1\n", 1990 + i);
    p = nbl_test_write("many.csv", b.s);
    nbl__buf_free(&b);
    assert_int_equal(nbl_import_stats(f->ws, p, NULL, &s), NBL_EDATA);
    assert_non_null(strstr(logged(), "many.csv:21: column 'value'"));
    assert_null(strstr(logged(), "many.csv:22:"));
    assert_non_null(strstr(logged(), "... and 5 more"));
    assert_non_null(strstr(nbl_ctx_errmsg(f->ctx),
                           "/many.csv: 25 invalid rows; nothing was imported "
                           "(--skip-invalid stores the valid rows)"));
    assert_int_equal(s.rows_read, 25);
    assert_int_equal(s.rows_rejected, 25);
    assert_int_equal(s.rows_stored, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_bom_crlf_semicolon_comma,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_override_detection, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_percent_and_value_kinds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_config_declares_variable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skip_invalid_rejects, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_tokens_and_header_case,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_duplicate_and_refs_wide,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_fixtures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_problem_list_is_capped, setup,
                                        teardown),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
