/*
 * test_report_chart.c - the report's charts and helpers on hand-made
 * data: a criterion chart draws a point for each shown year only (a year
 * below the publication minimum and a rate of too few people are marked
 * gaps, never values), the category shading skips withheld years, the
 * line breaks at gaps, the threshold is drawn at its value; the category
 * chart counts areas per year and category with withheld areas apart;
 * area anchors are safe fragment ids; plans overlap when they share an
 * area in overlapping years; the page's output (nbl__rep_out) writes
 * whole chunks as it goes, the same bytes as were appended, and after a
 * failed part or a failed write says so at every flush and writes nothing
 * more.
 */
#include "nbl_test.h"

#include <math.h>

#include "publish/report_internal.h"

static int
count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The lab chart of the first area's charts. */
static char *
lab_chart(const char *all)
{
    const char *a = strstr(all, "data-criterion=\"lab\"");
    const char *e = a ? strstr(a, "</svg>") : NULL;
    assert_non_null(e);
    return strndup(a, (size_t)(e - a));
}

/* Two areas, 2020-2023. Area 0: lab 35 (2020, not met), 60 (2021, 50
 * residents: withheld), 45 (2022, pop_18_64 10: rate withheld), 42 (2023,
 * met); udsat 2021-2023. Area 1: none, 500 residents every year. */
static void
fixture(nbl__report_data *d, nbl__report_area areas[2],
        nbl__report_year series[8])
{
    static const double pop[4] = {500, 50, 500, 500};
    static const double den[4] = {300, 300, 10, 300};
    static const double lab[4] = {35, 60, 45, 42};
    static const char *cat[4] = {"none", "udsat", "udsat", "udsat"};
    memset(d, 0, sizeof *d);
    memset(areas, 0, 2 * sizeof *areas);
    areas[0].area_id = "A1";
    areas[1].area_id = "A2";
    areas[0].municipality = areas[1].municipality = "0101";
    d->areas = areas;
    d->n_areas = 2;
    d->year = 2023;
    d->first_year = 2020;
    d->n_years = 4;
    d->series = series; /* both areas' years */
    d->series_count = 2;
    for (int k = 0; k < NBL__XC_N; k++)
        d->threshold[k] = NAN;
    d->threshold[NBL__XC_LAB] = 40;
    for (int i = 0; i < 8; i++) {
        nbl__report_year *y = &series[i];
        int t = i % 4;
        memset(y, 0, sizeof *y);
        for (int k = 0; k < NBL__XC_N; k++) {
            y->val[k] = y->den[k] = NAN;
            y->met[k] = -1;
        }
        y->safety_index = y->survey_n = NAN;
        y->pop = i < 4 ? pop[t] : 500;
        y->category = (char *)(i < 4 ? cat[t] : "none");
        if (i < 4) {
            y->val[NBL__XC_LAB] = lab[t];
            y->den[NBL__XC_LAB] = den[t];
            y->met[NBL__XC_LAB] = lab[t] > 40;
        }
    }
}

static void
test_criterion_chart(void **state)
{
    nbl__report_data d;
    nbl__report_area areas[2];
    nbl__report_year series[8];
    nbl__disclosure disc;
    nbl__buf b = {0};
    char *lab;
    (void)state;
    fixture(&d, areas, series);
    nbl__disclosure_defaults(&disc);
    nbl__rep_area_charts(&b, &d, &disc, 0);
    assert_int_equal(count(b.s, "<svg class=\"chart\""), 5);
    lab = lab_chart(b.s);
    /* points: 2020 and 2023 only; never the withheld 60 or 45 */
    assert_int_equal(count(lab, "<circle"), 2);
    assert_non_null(strstr(lab, "data-year=\"2020\" data-value=\"35\""));
    assert_non_null(
        strstr(lab, "class=\"pt met\" data-year=\"2023\" data-value=\"42\""));
    assert_null(strstr(lab, "data-value=\"60\""));
    assert_null(strstr(lab, "data-value=\"45\""));
    /* the gaps of 2021 and 2022, each marked */
    assert_non_null(strstr(lab, "<rect class=\"gap\" data-year=\"2021\""));
    assert_non_null(strstr(lab, "<rect class=\"gap\" data-year=\"2022\""));
    assert_int_equal(count(lab, "<rect class=\"gap\""), 2);
    assert_int_equal(count(lab, "<text class=\"gap\""), 2);
    /* shading: udsat 2022 and 2023; 2021 is withheld, its category too */
    assert_int_equal(count(lab, "<rect class=\"cat\""), 2);
    assert_null(strstr(lab, "class=\"cat\" data-year=\"2021\""));
    /* the line breaks at the gap: two polylines of one point each */
    assert_int_equal(count(lab, "<polyline"), 2);
    assert_non_null(strstr(lab, "<line class=\"thr\" data-threshold=\"40\""));
    free(lab);
    /* a criterion without values: no points, the withheld year still a
     * gap (a missing denominator never withholds) */
    lab = strstr(b.s, "data-criterion=\"edu\"");
    assert_non_null(lab);
    *strstr(lab, "</svg>") = '\0';
    assert_int_equal(count(lab, "<circle"), 0);
    assert_int_equal(count(lab, "<rect class=\"gap\""), 1);
    assert_null(strstr(lab, "class=\"thr\""));
    nbl__buf_free(&b);
}

/* The category charts of d, counted from its series (as the report counts
 * the rows of nbl__store_report_category_years). */
static void
category_charts(nbl__buf *b, const nbl__report_data *d,
                const nbl__disclosure *disc)
{
    nbl__rep_catcounts c;
    assert_int_equal(nbl__rep_catcounts_init(&c, d, disc), NBL_OK);
    for (int i = 0; i < d->n_areas; i++)
        for (int y = d->first_year; y <= d->year; y++) {
            const nbl__report_year *s = nbl__report_year_of(d, i, y);
            if (s->category)
                nbl__rep_catcounts_add(&c, i, y, s->category, s->pop);
        }
    nbl__rep_category_charts(b, &c);
    nbl__rep_catcounts_free(&c);
}

static void
test_category_chart(void **state)
{
    nbl__report_data d;
    nbl__report_area areas[2];
    nbl__report_year series[8];
    nbl__disclosure disc;
    nbl__buf b = {0};
    (void)state;
    fixture(&d, areas, series);
    nbl__disclosure_defaults(&disc);
    category_charts(&b, &d, &disc);
    assert_int_equal(count(b.s, "<svg class=\"catchart\""), 1);
    assert_non_null(strstr(b.s, "data-municipality=\"0101\""));
    assert_non_null(
        strstr(b.s, "data-year=\"2020\" data-cat=\"none\" data-n=\"2\""));
    assert_non_null(
        strstr(b.s, "data-year=\"2021\" data-cat=\"withheld\" data-n=\"1\""));
    assert_non_null(
        strstr(b.s, "data-year=\"2021\" data-cat=\"none\" data-n=\"1\""));
    assert_null(strstr(b.s, "data-year=\"2021\" data-cat=\"udsat\""));
    assert_non_null(
        strstr(b.s, "data-year=\"2023\" data-cat=\"udsat\" data-n=\"1\""));
    assert_int_equal(count(b.s, "<rect class=\"bar\""), 7);
    nbl__buf_free(&b);
    /* no municipality at all: one chart of all areas */
    areas[0].municipality = areas[1].municipality = NULL;
    category_charts(&b, &d, &disc);
    assert_int_equal(count(b.s, "<svg class=\"catchart\""), 1);
    assert_non_null(strstr(b.s, "data-municipality=\"\""));
    nbl__buf_free(&b);
}

static void
test_anchor(void **state)
{
    nbl__buf b = {0};
    (void)state;
    nbl__rep_anchor(&b, "SK-01_a");
    assert_string_equal(b.s, "area-SK-01_a");
    nbl__buf_free(&b);
    nbl__rep_anchor(&b, "\xc3\x98 1/\"x");
    assert_string_equal(b.s, "area-.c3.98.201.2f.22x");
    nbl__buf_free(&b);
}

static void
test_plans_overlap(void **state)
{
    nbl__rep_plans p;
    int a0[] = {0, 1}, a1[] = {1}, a2[] = {0};
    int *areas[] = {a0, a1, a2}, n[] = {2, 1, 1};
    int start[] = {2019, 2024, 2025}, end[] = {2024, 2026, 2027};
    char *ids[] = {"A1", "A2"};
    (void)state;
    memset(&p, 0, sizeof p);
    p.d.n_plans = 3;
    p.d.plan_areas = areas;
    p.d.plan_n_areas = n;
    p.d.start_year = start;
    p.d.end_year = end;
    p.d.area_id = ids;
    p.d.n_areas = 2;
    /* P0 and P1 share A2 in 2024; P0 and P2 share A1 but not a year;
     * P1 and P2 share no area */
    assert_true(nbl__rep_plans_overlap(&p, 0, 1));
    assert_true(nbl__rep_plans_overlap(&p, 1, 0));
    assert_false(nbl__rep_plans_overlap(&p, 0, 2));
    assert_false(nbl__rep_plans_overlap(&p, 1, 2));
    assert_false(nbl__rep_plans_overlap(&p, 0, 0));
    assert_true(nbl__rep_plan_has_area(&p, 0, "A2"));
    assert_false(nbl__rep_plan_has_area(&p, 1, "A1"));
}

/* Reads a whole file (malloc'ed, NUL-terminated); *n its size. */
static char *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *s;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    s = malloc(*n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, *n, f), *n);
    s[*n] = '\0';
    fclose(f);
    return s;
}

static void
test_output_chunks(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    const char *path = nbl_test_path("chunks.html");
    nbl__rep_out o;
    nbl__buf want = {0};
    size_t n, most = 0;
    char *got;
    (void)state;
    memset(&o, 0, sizeof o);
    o.ctx = ctx;
    assert_int_equal(nbl__outfile_open(ctx, &o.of, path, 1), NBL_OK);
    /* 5,000 lines of about 60 bytes, about 4.5 chunks of 64 KiB */
    for (int i = 0; i < 5000; i++) {
        nbl__buf_printf(
            &o.b, "<tr><td>%d</td><td>line %d of the page</td></tr>\n", i, i);
        nbl__buf_printf(
            &want, "<tr><td>%d</td><td>line %d of the page</td></tr>\n", i, i);
        most = o.b.len > most ? o.b.len : most;
        assert_int_equal(nbl__rep_flush(&o, 0), NBL_OK);
    }
    /* never more than a chunk held: flushed once it reaches 64 KiB */
    assert_true(most < 64 * 1024 + 64);
    assert_true(o.b.len < 64 * 1024);
    /* nothing under the final name before the commit */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(nbl__rep_flush(&o, 1), NBL_OK);
    assert_int_equal(o.b.len, 0);
    assert_int_equal(nbl__outfile_commit(ctx, &o.of), NBL_OK);
    got = slurp(path, &n);
    assert_int_equal(n, want.len);
    assert_memory_equal(got, want.s, n);
    free(got);
    nbl__buf_free(&want);
    nbl__buf_free(&o.b);
    nbl_ctx_free(ctx);
}

static void
test_output_failures(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__rep_out o;
    (void)state;
    /* a part that could not be built: an error, and nothing written */
    memset(&o, 0, sizeof o);
    o.ctx = ctx;
    assert_int_equal(nbl__outfile_open(ctx, &o.of, nbl_test_path("f.html"), 1),
                     NBL_OK);
    nbl__buf_printf(&o.b, "<p>a part</p>\n");
    o.b.failed = 1;
    assert_int_equal(nbl__rep_flush(&o, 1), NBL_ENOMEM);
    assert_string_equal(nbl_ctx_errmsg(ctx), "out of memory");
    assert_int_equal(ftell(o.of.fp), 0);
    nbl__outfile_abort(&o.of);
    assert_int_equal(access(nbl_test_path("f.html"), F_OK), -1);
    nbl__buf_free(&o.b);
    /* a failed write (a full device; no temporary file, as for stdout):
     * the error at this flush and every later one, and what is appended
     * after it is dropped at each flush */
    memset(&o, 0, sizeof o);
    o.ctx = ctx;
    o.of.fp = fopen("/dev/full", "wb");
    assert_non_null(o.of.fp);
    setvbuf(o.of.fp, NULL, _IONBF, 0);
    nbl__buf_printf(&o.b, "<p>text</p>\n");
    assert_int_equal(nbl__rep_flush(&o, 1), NBL_EIO);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "write failed"));
    nbl__buf_printf(&o.b, "<p>more</p>\n");
    assert_int_equal(nbl__rep_flush(&o, 0), NBL_EIO);
    assert_int_equal(o.b.len, 0);
    fclose(o.of.fp);
    nbl__buf_free(&o.b);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_criterion_chart),
        cmocka_unit_test(test_category_chart),
        cmocka_unit_test(test_anchor),
        cmocka_unit_test(test_plans_overlap),
        cmocka_unit_test(test_output_chunks),
        cmocka_unit_test(test_output_failures),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
