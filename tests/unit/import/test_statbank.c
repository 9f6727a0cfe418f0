/*
 * test_statbank.c - StatBank downloads through the row source: the bytes
 * DST writes (BOM, ';', CRLF, decimal comma, ".."), "101 København" labels,
 * a varying dimension refused, where, variable_from with labels, TID
 * periods (refused, or the last one kept with period = last), references'
 * scope from DST's codes, and detection from the TID;INDHOLD header. The
 * expected rows are read off the literal input by hand.
 */
#include "nbl_test.h"

#include "import/rowsrc.h"
#include "util/ctx.h"

#define MAXROWS 16

struct got {
    long n;
    long line[MAXROWS];
    char f[MAXROWS][5][64];
    size_t nf[MAXROWS];
};

static int
collect(const nbl__csv_row *row, void *arg)
{
    struct got *g = arg;
    if (g->n < MAXROWS) {
        g->line[g->n] = row->line;
        g->nf[g->n] = row->n;
        for (size_t i = 0; i < row->n && i < 5; i++)
            snprintf(g->f[g->n][i], 64, "%s", row->fields[i]);
    }
    g->n++;
    return 0;
}

static int
read_sb(const char *text, const nbl__statbank_opts *o, struct got *g,
        nbl__rowsrc_info *info, nbl_ctx *ctx)
{
    nbl__rowsrc src = {0};
    src.path = nbl_test_write("sb.csv", text);
    src.statbank = o;
    memset(g, 0, sizeof *g);
    return nbl__rowsrc_read(ctx, &src, collect, g, info);
}

/* What a download of FOLK1A-like figures looks like byte for byte. */
static const char folk[] = "\xEF\xBB\xBF"
                           "OMRÅDE;KØN;TID;INDHOLD\r\n"
                           "101 København;Køn i alt;2022;644431\r\n"
                           "101 København;Køn i alt;2023;653664\r\n"
                           "147 Frederiksberg;Køn i alt;2023;..\r\n"
                           "851 Aalborg;Køn i alt;2023;220691,5\r\n";

static void
test_download_bytes(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__statbank_opts o = {0};
    nbl__rowsrc_info info;
    struct got g;
    (void)state;
    o.variable = "pop";
    assert_int_equal(read_sb(folk, &o, &g, &info, ctx), NBL_OK);
    assert_true(info.statbank); /* detected from TID;INDHOLD */
    assert_int_equal(info.csv.delimiter, ';');
    assert_int_equal(g.n, 5);
    assert_string_equal(g.f[0][0], "area_id");
    assert_string_equal(g.f[0][3], "value");
    /* the code before the first space is the id */
    assert_string_equal(g.f[1][0], "101");
    assert_string_equal(g.f[1][1], "2022");
    assert_string_equal(g.f[1][2], "pop");
    assert_string_equal(g.f[1][3], "644431");
    assert_int_equal(g.line[1], 2);
    /* ".." is passed on as written: the importer stores it as missing */
    assert_string_equal(g.f[3][0], "147");
    assert_string_equal(g.f[3][3], "..");
    /* the decimal comma and no trailing '\r' */
    assert_string_equal(g.f[4][3], "220691,5");
    assert_int_equal(g.line[4], 5);
    nbl_ctx_free(ctx);
}

static void
test_varying_dimension_refused(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__statbank_opts o = {0};
    nbl__statbank_pair where[] = {{"KØN", "I alt"}};
    struct got g;
    static const char t[] = "OMRÅDE;KØN;TID;INDHOLD\n"
                            "101 København;I alt;2023;653664\n"
                            "101 København;Mænd;2023;320000\n"
                            "101 København;Kvinder;2023;333664\n";
    (void)state;
    o.variable = "pop";
    assert_int_equal(read_sb(t, &o, &g, NULL, ctx), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx),
                           "sb.csv:3: column 'KØN' varies: 'Mænd' here, "
                           "'I alt' on line 2; hold it to one value with "
                           "where.KØN = VALUE"));
    /* held with where: the other two rows are left out and counted */
    o.where = where;
    o.nwhere = 1;
    {
        nbl__rowsrc_info info;
        assert_int_equal(read_sb(t, &o, &g, &info, ctx), NBL_OK);
        assert_int_equal(g.n, 2);
        assert_string_equal(g.f[1][3], "653664");
        assert_int_equal(info.left_out, 2);
    }
    nbl_ctx_free(ctx);
}

static void
test_variable_from_labels(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__statbank_opts o = {0};
    nbl__statbank_pair labels[] = {
        {"Indvandrere fra ikke-vestlige lande", "nonwestern"},
        {"Personer i alt", "pop"},
        {"Personer med dansk oprindelse", ""}};
    struct got g;
    static const char t[] =
        "OMRÅDE;HERKOMST;TID;INDHOLD\n"
        "101 København;Personer i alt;2023;653664\n"
        "101 København;Indvandrere fra ikke-vestlige lande;2023;71234\n"
        "101 København;Personer med dansk oprindelse;2023;500000\n"
        "101 København;Efterkommere fra vestlige lande;2023;3000\n";
    (void)state;
    o.variable_from = "HERKOMST";
    o.labels = labels;
    o.nlabels = 3;
    /* the fourth label is mapped to nothing at all: an error */
    assert_int_equal(read_sb(t, &o, &g, NULL, ctx), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx),
                           "sb.csv:5: column 'HERKOMST': label 'Efterkommere "
                           "fra vestlige lande' names no variable"));
    assert_int_equal(g.n, 3); /* header + two rows before the error */
    assert_string_equal(g.f[1][2], "pop");
    assert_string_equal(g.f[2][2], "nonwestern");
    assert_string_equal(g.f[2][3], "71234");
    /* neither variable nor variable_from */
    o.variable_from = NULL;
    assert_int_equal(read_sb(t, &o, &g, NULL, ctx), NBL_EINVAL);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "needs either variable"));
    nbl_ctx_free(ctx);
}

static void
test_periods(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__statbank_opts o = {0};
    nbl__rowsrc_info info;
    struct got g;
    /* quarters, out of order; 2023 ends with K3 in this download */
    static const char t[] = "OMRÅDE;TID;INDHOLD\n"
                            "101 København;2022K4;10\n"
                            "101 København;2022K1;7\n"
                            "101 København;2023K2;12\n"
                            "101 København;2023K3;13\n";
    long y, p;
    char k;
    (void)state;
    o.variable = "pop";
    assert_int_equal(read_sb(t, &o, &g, NULL, ctx), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx),
                           "sb.csv:2: column 'TID': '2022K4' is a period of "
                           "2022, not a year"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "period = last"));
    o.period_last = 1;
    assert_int_equal(read_sb(t, &o, &g, &info, ctx), NBL_OK);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.f[1][1], "2022");
    assert_string_equal(g.f[1][3], "10");
    assert_int_equal(g.line[1], 2);
    assert_string_equal(g.f[2][1], "2023");
    assert_string_equal(g.f[2][3], "13");
    assert_int_equal(info.left_out, 2);
    /* the time parser */
    assert_true(nbl__statbank_time("2023M12", &y, &k, &p));
    assert_int_equal(y, 2023);
    assert_int_equal(k, 'M');
    assert_int_equal(p, 12);
    assert_true(nbl__statbank_time("2023", &y, &k, &p));
    assert_int_equal(k, 0);
    assert_false(nbl__statbank_time("23", &y, &k, &p));
    assert_false(nbl__statbank_time("2023X1", &y, &k, &p));
    assert_false(nbl__statbank_time("2023K", &y, &k, &p));
    nbl_ctx_free(ctx);
}

static void
test_refs_scope_and_columns(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__statbank_opts o = {0};
    struct got g;
    /* income by region, the area column not first and named by mapping */
    static const char t[] = "ENHED;REGION;TID;INDHOLD\n"
                            "Kr.;000 Hele landet;2023;412345\n"
                            "Kr.;084 Region Hovedstaden;2023;456789\n"
                            "Kr.;101 København;2023;430000\n"
                            "Kr.;Indre By;2023;470000\n";
    (void)state;
    o.variable = "income_mean_15_64";
    o.refs = 1;
    o.area_heading = "REGION";
    assert_int_equal(read_sb(t, &o, &g, NULL, ctx), NBL_OK);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.f[0][0], "scope");
    assert_string_equal(g.f[1][0], "country");
    assert_string_equal(g.f[1][1], "000");
    assert_string_equal(g.f[2][0], "region");
    assert_string_equal(g.f[2][1], "084");
    assert_string_equal(g.f[3][0], "municipality");
    assert_string_equal(g.f[3][4], "430000");
    /* a label without a leading code is the code itself */
    assert_string_equal(g.f[4][1], "Indre By");
    /* a mapped heading that is not there */
    o.area_heading = "OMRÅDE";
    assert_int_equal(read_sb(t, &o, &g, NULL, ctx), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx),
                           "sb.csv:1: column.code: no column 'OMRÅDE' in the "
                           "header 'ENHED;REGION;TID;INDHOLD'"));
    nbl_ctx_free(ctx);
}

static void
test_plain_csv_not_statbank(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__rowsrc_info info;
    struct got g;
    (void)state;
    assert_int_equal(
        read_sb("area_id;year;pop\n0101;2023;5\n", NULL, &g, &info, ctx),
        NBL_OK);
    assert_false(info.statbank);
    assert_int_equal(info.kind, 'c');
    assert_string_equal(g.f[1][0], "0101");
    {
        char b[128];
        assert_string_equal(nbl__rowsrc_where(&info, "x.csv", 7, b, sizeof b),
                            "x.csv:7");
    }
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_download_bytes),
        cmocka_unit_test(test_varying_dimension_refused),
        cmocka_unit_test(test_variable_from_labels),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_refs_scope_and_columns),
        cmocka_unit_test(test_plain_csv_not_statbank),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
