/*
 * test_alerts.c - the alert rules (pure C, no workspace): crossed,
 * improved, approaching, trend, countdown, status/dynamics, safety, states
 * across years and the configuration. Expected values are computed by hand
 * in the comments.
 */
#include "nbl_test.h"

#include <math.h>

#include "model/alerts.h"
#include "nabolag/lang.h"
#include "util/ctx.h"
#include "util/util.h"

static nbl_ctx *ctx;
static nbl_alert_config cfg;

static int
setup(void **state)
{
    (void)state;
    ctx = nbl_ctx_new();
    return nbl_alert_config_init(&cfg, ctx);
}

static int
teardown(void **state)
{
    (void)state;
    nbl_alert_config_clear(&cfg);
    nbl_ctx_free(ctx);
    return 0;
}

static nbl__aarea *
areas_new(size_t n)
{
    nbl__aarea *a = calloc(n, sizeof *a);
    for (size_t i = 0; i < n; i++) {
        char id[48];
        snprintf(id, sizeof id, "A%zu", i + 1);
        a[i].area_id = nbl__strdup(id);
        snprintf(id, sizeof id, "Area %zu", i + 1);
        a[i].name = nbl__strdup(id);
    }
    return a;
}

/* criterion with main threshold thr, lower threshold lo; met from the
 * direction (inc: lower is worse) */
static void
crit(nbl__aarea *a, int year, const char *id, double v, double thr, double lo)
{
    nbl__acrit c;
    int lower = strcmp(id, "inc") == 0;
    memset(&c, 0, sizeof c);
    c.year = year;
    snprintf(c.criterion, sizeof c.criterion, "%s", id);
    c.value = v;
    c.ratio = NAN;
    c.ok = !isnan(v);
    c.met = isnan(v) ? -1 : lower ? v < thr : v > thr;
    c.met_low = isnan(v) ? -1 : lower ? v < lo : v > lo;
    c.threshold = thr;
    c.threshold_low = lo;
    assert_int_equal(nbl__aarea_add_crit(a, &c), 0);
}

static void
cat(nbl__aarea *a, int year, const char *code, int met, int met_low, int p)
{
    nbl__acat c;
    memset(&c, 0, sizeof c);
    c.year = year;
    snprintf(c.category, sizeof c.category, "%s", code);
    c.criteria_met = met;
    c.criteria_needed = 2;
    c.criteria_met_low = met_low;
    c.parallel_years = p;
    c.omdannelse_years = 5;
    assert_int_equal(nbl__aarea_add_cat(a, &c), 0);
}

static void
saf(nbl__aarea *a, int year, double idx)
{
    nbl__asafety s;
    memset(&s, 0, sizeof s);
    s.year = year;
    s.index = idx;
    assert_int_equal(nbl__aarea_add_safety(a, &s), 0);
}

static const nbl_alert *
find(const nbl_alert_list *l, const char *area, const char *kind,
     const char *rule)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].area_id, area) == 0 &&
            strcmp(l->items[i].kind, kind) == 0 &&
            strcmp(l->items[i].rule, rule) == 0)
            return &l->items[i];
    return NULL;
}

static nbl_alert_list *
evaluate(const nbl__aarea *a, size_t n, int year)
{
    nbl_alert_list *l = calloc(1, sizeof *l);
    assert_int_equal(nbl__alerts_evaluate(a, n, &cfg, year, l, NULL), 0);
    for (size_t i = 0; i < l->n; i++) {
        /* the word the project never uses, spelled so as not to appear */
        char word[8];
        snprintf(word, sizeof word, "g%s", "hetto");
        assert_null(strstr(l->items[i].message, word));
        assert_non_null(strchr(l->items[i].message, '.'));
    }
    return l;
}

static void
test_crossed_improved(void **state)
{
    nbl__aarea *a = areas_new(2);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    crit(&a[0], 2023, "lab", 38.0, 40, 30);
    crit(&a[0], 2024, "lab", 41.0, 40, 30);
    crit(&a[1], 2023, "lab", 41.0, 40, 30);
    crit(&a[1], 2024, "lab", 38.2, 40, 30);
    cat(&a[0], 2023, "none", 1, 1, 0);
    cat(&a[0], 2024, "udsat", 2, 2, 0);
    cat(&a[1], 2023, "udsat", 2, 2, 0);
    cat(&a[1], 2024, "none", 1, 2, 0);
    l = evaluate(a, 2, 2024);
    x = find(l, "A1", "crossed", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "new");
    assert_int_equal(x->severity, NBL_SEV_WARNING);
    assert_true(x->value == 41.0 && x->threshold == 40.0);
    assert_non_null(strstr(x->message, "41.0 %"));
    assert_non_null(strstr(x->message, "over 40 %"));
    assert_non_null(strstr(x->message, "2024"));
    x = find(l, "A1", "crossed", "category:udsat");
    assert_non_null(x);
    assert_int_equal(x->severity, NBL_SEV_CRITICAL);
    /* B2: positive changes, info */
    x = find(l, "A2", "improved", "lab");
    assert_non_null(x);
    assert_int_equal(x->severity, NBL_SEV_INFO);
    assert_string_equal(
        x->message,
        "Area 2 (A2): employment criterion no longer met in 2024: the share "
        "of 18\xe2\x80\x93"
        "64-year-olds outside work and education was "
        "38.2 % (threshold over 40 %), down from 41.0 % in 2023.");
    assert_non_null(find(l, "A2", "improved", "category:udsat"));
    /* 38.2 is within 10 % of 40 (4 points): approaching; 1 of 2 criteria:
     * one short of udsat */
    x = find(l, "A2", "approaching", "lab");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "1.8 percentage points"));
    assert_non_null(find(l, "A2", "approaching", "category:udsat"));
    /* a category that is reached is no longer approached: the 2023
     * approach (1 of 2) ends in 2024 because the area crossed into udsat,
     * so it is superseded (not resolved, not good news) and keeps its
     * severity */
    x = find(l, "A1", "approaching", "category:udsat");
    assert_non_null(x);
    assert_string_equal(x->state, "superseded");
    assert_int_equal(x->severity, NBL_SEV_WARNING);
    assert_non_null(strstr(x->message, "superseded in 2024: the threshold "
                                       "was crossed"));
    assert_null(strstr(x->message, "no longer applies"));
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 2);
}

static void
test_cri_ratio_wording(void **state)
{
    nbl__aarea *a = areas_new(1);
    nbl_alert_list *l;
    const nbl_alert *x;
    nbl__acrit c;
    (void)state;
    /* cri compares the ratio (area share / national share) with 3 */
    memset(&c, 0, sizeof c);
    snprintf(c.criterion, sizeof c.criterion, "cri");
    c.ok = 1;
    c.threshold = 3;
    c.threshold_low = 2;
    c.year = 2023;
    c.value = 4.1;
    c.ratio = 2.9;
    c.met = 0;
    c.met_low = 1;
    assert_int_equal(nbl__aarea_add_crit(&a[0], &c), 0);
    c.year = 2024;
    c.value = 4.5;
    c.ratio = 3.1;
    c.met = 1;
    assert_int_equal(nbl__aarea_add_crit(&a[0], &c), 0);
    l = evaluate(a, 1, 2024);
    x = find(l, "A1", "crossed", "cri");
    assert_non_null(x);
    assert_true(x->value == 3.1 && x->threshold == 3);
    assert_string_equal(
        x->message,
        "Area 1 (A1): convictions criterion newly met in 2024: the share of "
        "residents aged 18 and over with a conviction was 3.10 times the "
        "national share (threshold at least 3 times the national share), up "
        "from 2.90 times the national share in 2023.");
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 1);
}

static void
test_approaching_margin(void **state)
{
    nbl__aarea *a = areas_new(3);
    nbl_alert_list *l;
    (void)state;
    /* margin 10 %: lab within 4 points of 40, inc within 5.5 of 55 */
    crit(&a[0], 2024, "lab", 36.5, 40, 30); /* 3.5 <= 4: yes */
    crit(&a[1], 2024, "lab", 35.9, 40, 30); /* 4.1 > 4: no */
    crit(&a[2], 2024, "inc", 60.4, 55, 65); /* 5.4 <= 5.5: yes */
    crit(&a[0], 2024, "inc", 60.6, 55, 65); /* 5.6 > 5.5: no */
    l = evaluate(a, 3, 2024);
    assert_non_null(find(l, "A1", "approaching", "lab"));
    assert_null(find(l, "A2", "approaching", "lab"));
    assert_non_null(find(l, "A3", "approaching", "inc"));
    assert_null(find(l, "A1", "approaching", "inc"));
    assert_non_null(
        strstr(find(l, "A1", "approaching", "lab")->message,
               "36.5 % in 2024, 3.5 percentage points from the threshold "
               "(over 40 %)"));
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 3);
}

static void
test_trend(void **state)
{
    nbl__aarea *a = areas_new(4);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    /* A1 lab 30, 33, 35, 38 in 2021..2024: mean year 2022.5, mean 34,
     * slope = (-1.5*-4 + -0.5*-1 + 0.5*1 + 1.5*4) / (2.25+.25+.25+2.25)
     *       = 13 / 5 = 2.6 a year; fit(2025) = 34 + 2.6*2.5 = 40.5 > 40:
     * trend alert, reaching the threshold by 2025. */
    crit(&a[0], 2021, "lab", 30, 40, 30);
    crit(&a[0], 2022, "lab", 33, 40, 30);
    crit(&a[0], 2023, "lab", 35, 40, 30);
    crit(&a[0], 2024, "lab", 38, 40, 30);
    /* A2 only 2 points (steep): never a trend from fewer than 3 */
    crit(&a[1], 2023, "lab", 20, 40, 30);
    crit(&a[1], 2024, "lab", 35, 40, 30);
    /* A3 lab 20, 25, 30 in 2022..2024: slope 5, mean 25 at 2023;
     * fit(2025) = 35, fit(2026) = 40 (not over 40): no trend with H = 2 */
    crit(&a[2], 2022, "lab", 20, 40, 30);
    crit(&a[2], 2023, "lab", 25, 40, 30);
    crit(&a[2], 2024, "lab", 30, 40, 30);
    /* A4 inc 70, 66, 62, 60 in 2021..2024 (lower is worse): mean 64.5,
     * slope = (-1.5*5.5 - .5*1.5 + .5*-2.5 + 1.5*-4.5)/5 = -17/5 = -3.4;
     * fit(2025) = 64.5 - 3.4*2.5 = 56 (not under 55), fit(2026) = 52.6:
     * trend by 2026 */
    crit(&a[3], 2021, "inc", 70, 55, 65);
    crit(&a[3], 2022, "inc", 66, 55, 65);
    crit(&a[3], 2023, "inc", 62, 55, 65);
    crit(&a[3], 2024, "inc", 60, 55, 65);
    l = evaluate(a, 4, 2024);
    x = find(l, "A1", "trend", "lab");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "up 2.6 percentage points a year"));
    assert_non_null(strstr(x->message, "by 2025 (projected 40.5 %)"));
    assert_true(x->value == 38 && x->threshold == 40);
    assert_null(find(l, "A2", "trend", "lab"));
    assert_null(find(l, "A3", "trend", "lab"));
    x = find(l, "A4", "trend", "inc");
    assert_non_null(x);
    assert_non_null(
        strstr(x->message, "by 2026 (projected 52.6 % of the regional mean)"));
    nbl_alert_list_free(l);
    /* with H = 3 A3 reaches over 40 by 2027 (fit 45) */
    cfg.horizon = 3;
    l = evaluate(a, 4, 2024);
    x = find(l, "A3", "trend", "lab");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "by 2027"));
    cfg.horizon = 2;
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 4);
}

/* The trend rule (issue 10): a trend alert needs a line that fits
 * (R² >= 0.5) and data that moved the way the line goes. The noisy income
 * series 54.25, 70.2, 48.9, 55.4 (threshold: under 55 % of the regional
 * mean) has slope -1.785 a year but R² = 79.66 / (5 x 249.83) = 0.064
 * (hand computation: mean 57.1875, sxy = -8.925, sxx = 5, syy = 249.83)
 * and its last value is above its first: no trend alert. */
static void
test_trend_fit(void **state)
{
    double t[4] = {2021, 2022, 2023, 2024};
    double noisy[4] = {54.25, 70.2, 48.9, 55.4};
    double steady[4] = {70, 66, 62, 60};
    double slope, r2;
    nbl__aarea *a = areas_new(2);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    assert_false(nbl__alerts_trend_fits(t, noisy, 4, 1, 0.5, &slope, &r2));
    assert_true(fabs(slope - -1.785) < 1e-9);
    assert_true(fabs(r2 - 79.655625 / (5 * 249.831875)) < 1e-9);
    /* 70, 66, 62, 60: slope -3.4, sxy -17, syy 59 -> R² 289/295 */
    assert_true(nbl__alerts_trend_fits(t, steady, 4, 1, 0.5, &slope, &r2));
    assert_true(fabs(r2 - 289.0 / 295.0) < 1e-9);
    /* a rising line is no income trend (wrong direction) */
    assert_false(nbl__alerts_trend_fits(t, steady, 4, 0, 0.5, NULL, NULL));
    for (int i = 0; i < 4; i++)
        crit(&a[0], 2021 + i, "inc", noisy[i], 55, 65);
    for (int i = 0; i < 4; i++)
        crit(&a[1], 2021 + i, "inc", steady[i], 55, 65);
    cfg.horizon = 4;
    l = evaluate(a, 2, 2024);
    assert_null(find(l, "A1", "trend", "inc"));
    /* A2 raises one, worded in income's direction: it falls */
    x = find(l, "A2", "trend", "inc");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "fell from 70.0 % of the regional "
                                       "mean in 2021 to 60.0 %"));
    assert_non_null(strstr(x->message, "down 3.4 percentage points a year"));
    assert_non_null(strstr(x->message, "falls to the threshold"));
    assert_null(strstr(x->message, "rises"));
    assert_null(strstr(x->message, "up "));
    nbl_alert_list_free(l);
    /* the same evaluated in 2025 with income back at 66: the trend alert
     * resolves, and its wording says income was falling towards the
     * threshold, not rising */
    crit(&a[1], 2025, "inc", 66, 55, 65);
    l = evaluate(a, 2, 2025);
    x = find(l, "A2", "trend", "inc");
    assert_non_null(x);
    assert_string_equal(x->state, "resolved");
    assert_non_null(strstr(x->message, "falling towards the threshold"));
    assert_null(strstr(x->message, "rising"));
    cfg.horizon = 2;
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 2);
}

/* A trend alert that ends because the value crossed the threshold is
 * superseded, not resolved, and keeps its severity. */
static void
test_superseded_trend(void **state)
{
    nbl__aarea *a = areas_new(1);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    crit(&a[0], 2021, "lab", 30, 40, 30);
    crit(&a[0], 2022, "lab", 33, 40, 30);
    crit(&a[0], 2023, "lab", 36, 40, 30);
    crit(&a[0], 2024, "lab", 42, 40, 30);
    l = evaluate(a, 1, 2023);
    assert_non_null(find(l, "A1", "trend", "lab"));
    nbl_alert_list_free(l);
    l = evaluate(a, 1, 2024);
    x = find(l, "A1", "trend", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "superseded");
    assert_int_equal(x->severity, cfg.sev_trend);
    assert_non_null(strstr(x->message, "the threshold was crossed"));
    x = find(l, "A1", "crossed", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "new");
    /* nothing about lab reads as an improvement */
    assert_null(find(l, "A1", "improved", "lab"));
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 1);
}

/* An area that stays in a category gets a status line a year: how long,
 * how many criteria. */
static void
test_status_line(void **state)
{
    nbl__aarea *a = areas_new(2);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    for (int y = 2022; y <= 2024; y++) {
        crit(&a[0], y, "lab", 45, 40, 30);
        crit(&a[0], y, "cri", NAN, 3, 2);
        crit(&a[0], y, "edu", 65, 60, 60);
        crit(&a[0], y, "inc", 70, 55, 65);
        cat(&a[0], y, "udsat", 2, 2, 0);
        cat(&a[1], y, "none", 0, 0, 0);
    }
    l = evaluate(a, 2, 2024);
    x = find(l, "A1", "status", "category:udsat");
    assert_non_null(x);
    assert_string_equal(x->state, "new");
    assert_int_equal(x->severity, NBL_SEV_INFO);
    assert_string_equal(x->message,
                        "Area 1 (A1): still udsat boligområde (udsat) in "
                        "2024, the 3rd year in a row; 2 of 4 criteria met "
                        "(udsat needs 2).");
    /* not listed is not a category to stay in */
    assert_null(find(l, "A2", "status", "category:none"));
    nbl_alert_list_free(l);
    /* the same in Danish */
    nbl_set_output_language(NBL_LANG_DA);
    l = evaluate(a, 2, 2024);
    x = find(l, "A1", "status", "category:udsat");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "3. år i træk"));
    assert_non_null(strstr(x->message, "stadig udsat boligområde"));
    nbl_set_output_language(NBL_LANG_EN);
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 2);
}

/* --fail-on new: only NEW warnings or critical alerts count. */
static void
test_fail_on_new(void **state)
{
    nbl_alert items[2];
    nbl_alert_list l = {0};
    (void)state;
    memset(items, 0, sizeof items);
    items[0].severity = NBL_SEV_WARNING;
    snprintf(items[0].state, sizeof items[0].state, "ongoing");
    items[1].severity = NBL_SEV_INFO;
    snprintf(items[1].state, sizeof items[1].state, "new");
    l.items = items;
    l.n = 2;
    assert_true(nbl_alerts_raised(&l));
    assert_false(nbl_alerts_raised_new(&l));
    items[1].severity = NBL_SEV_CRITICAL;
    assert_true(nbl_alerts_raised_new(&l));
    snprintf(items[1].state, sizeof items[1].state, "superseded");
    assert_false(nbl_alerts_raised_new(&l));
    /* config: fail_on = new */
    assert_int_equal(cfg.fail_on_new, 0);
}

/* Danish wording and numbers of the criterion messages. */
static void
test_danish_messages(void **state)
{
    nbl__aarea *a = areas_new(1);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    crit(&a[0], 2023, "lab", 38.0, 40, 30);
    crit(&a[0], 2024, "lab", 41.25, 40, 30);
    nbl_set_output_language(NBL_LANG_DA);
    l = evaluate(a, 1, 2024);
    x = find(l, "A1", "crossed", "lab");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "beskæftigelseskriteriet"));
    assert_non_null(strstr(x->message, "41,3 %"));
    assert_non_null(strstr(x->message, "over 40 %"));
    assert_null(strstr(x->message, "41.3"));
    nbl_set_output_language(NBL_LANG_EN);
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 1);
}

static void
test_countdown(void **state)
{
    nbl__aarea *a = areas_new(3);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    /* parallelsamfund 3 years of 5: k = 5 - 3 = 2, omdannelse in 2026 */
    cat(&a[0], 2024, "parallelsamfund", 3, 3, 3);
    /* 4 of 5: k = 1 -> critical (countdown_critical_years = 1) */
    cat(&a[1], 2024, "parallelsamfund", 3, 3, 4);
    /* already omdannelse: no countdown */
    cat(&a[2], 2024, "omdannelse", 3, 3, 5);
    l = evaluate(a, 3, 2024);
    x = find(l, "A1", "countdown", "category:omdannelse");
    assert_non_null(x);
    assert_true(x->value == 2 && x->threshold == 5);
    assert_int_equal(x->severity, NBL_SEV_WARNING);
    assert_non_null(strstr(x->message, "omdannelsesområde in 2026"));
    x = find(l, "A2", "countdown", "category:omdannelse");
    assert_non_null(x);
    assert_true(x->value == 1);
    assert_int_equal(x->severity, NBL_SEV_CRITICAL);
    assert_null(find(l, "A3", "countdown", "category:omdannelse"));
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 3);
}

static void
test_status_dynamics(void **state)
{
    nbl__aarea *a = areas_new(4);
    nbl__asd sd[4];
    nbl_alert_list *l;
    const nbl_alert *x;
    static const double lab24[] = {30, 30, 50, 50}, lab22[] = {32, 32, 48, 48};
    static const double edu[] = {40, 60, 40, 60};
    static const double inc24[] = {90, 90, 70, 70}, inc22[] = {88, 88, 72, 72};
    (void)state;
    for (int i = 0; i < 4; i++) {
        crit(&a[i], 2024, "lab", lab24[i], 40, 30);
        crit(&a[i], 2022, "lab", lab22[i], 40, 30);
        crit(&a[i], 2024, "edu", edu[i], 60, 60);
        crit(&a[i], 2022, "edu", edu[i], 60, 60);
        crit(&a[i], 2024, "inc", inc24[i], 55, 65);
        crit(&a[i], 2022, "inc", inc22[i], 55, 65);
    }
    /* 2024 z-scores (population SD 10 each):
     *   lab 30,30,50,50 -> -1,-1,1,1; edu 40,60,40,60 -> -1,1,-1,1;
     *   -inc -90,-90,-70,-70 -> -1,-1,1,1
     *   status = mean: -1, -1/3, 1/3, 1 -> high, medium, medium, very_low
     * changes 2022->2024: lab -2,-2,2,2 -> z -1,-1,1,1; edu 0 (SD 0,
     *   left out); -inc -2,-2,2,2 -> z -1,-1,1,1
     *   dynamics = -1,-1,1,1 -> positive, positive, negative, negative */
    nbl__alerts_status_dynamics(a, 4, &cfg, 2024, sd);
    assert_true(fabs(sd[0].status + 1) < 1e-9);
    assert_true(fabs(sd[1].status + 1.0 / 3) < 1e-9);
    assert_true(fabs(sd[2].status - 1.0 / 3) < 1e-9);
    assert_true(fabs(sd[3].status - 1) < 1e-9);
    assert_string_equal(sd[0].status_class, "high");
    assert_string_equal(sd[1].status_class, "medium");
    assert_string_equal(sd[2].status_class, "medium");
    assert_string_equal(sd[3].status_class, "very_low");
    assert_true(fabs(sd[0].dynamics + 1) < 1e-9);
    assert_true(fabs(sd[3].dynamics - 1) < 1e-9);
    assert_string_equal(sd[0].dynamics_class, "positive");
    assert_string_equal(sd[1].dynamics_class, "positive");
    assert_string_equal(sd[2].dynamics_class, "negative");
    assert_string_equal(sd[3].dynamics_class, "negative");
    /* alert only for very low status with negative dynamics (A4) */
    l = evaluate(a, 4, 2024);
    x = find(l, "A4", "status_dynamics", "status_dynamics");
    assert_non_null(x);
    assert_int_equal(x->severity, NBL_SEV_CRITICAL);
    assert_null(find(l, "A3", "status_dynamics", "status_dynamics"));
    assert_null(find(l, "A1", "status_dynamics", "status_dynamics"));
    nbl_alert_list_free(l);
    /* 2023 has no data: nothing classified */
    nbl__alerts_status_dynamics(a, 4, &cfg, 2023, sd);
    assert_true(isnan(sd[0].status));
    assert_string_equal(sd[0].status_class, "");
    nbl__aareas_free(a, 4);
}

static void
test_safety(void **state)
{
    nbl__aarea *a = areas_new(3);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    saf(&a[0], 2023, 95);
    saf(&a[0], 2024, 82); /* under 90: warning; drop 13 > 10 */
    saf(&a[1], 2023, 80);
    saf(&a[1], 2024, 78); /* under 80: critical; drop 2 */
    saf(&a[2], 2023, 100);
    saf(&a[2], 2024, 91); /* above 90; drop 9 (not more than 10) */
    l = evaluate(a, 3, 2024);
    x = find(l, "A1", "safety", "safety_index");
    assert_non_null(x);
    assert_int_equal(x->severity, NBL_SEV_WARNING);
    assert_true(x->threshold == 90);
    x = find(l, "A1", "safety", "safety_drop");
    assert_non_null(x);
    assert_true(fabs(x->value - 13) < 1e-9);
    assert_non_null(strstr(x->message, "down 13.0 points from 95.0 in 2023 "
                                       "to 82.0 in 2024"));
    x = find(l, "A2", "safety", "safety_index");
    assert_non_null(x);
    assert_int_equal(x->severity, NBL_SEV_CRITICAL);
    assert_null(find(l, "A2", "safety", "safety_drop"));
    assert_null(find(l, "A3", "safety", "safety_index"));
    assert_null(find(l, "A3", "safety", "safety_drop"));
    /* A2 was under 90 in 2023 too: ongoing since 2023 */
    assert_string_equal(find(l, "A2", "safety", "safety_index")->state,
                        "ongoing");
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 3);
}

static void
test_states(void **state)
{
    nbl__aarea *a = areas_new(1);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    /* approaching in 2022, 2023, 2024; not in 2025; crossed in 2026 */
    crit(&a[0], 2022, "lab", 37, 40, 30);
    crit(&a[0], 2023, "lab", 37.5, 40, 30);
    crit(&a[0], 2024, "lab", 36.8, 40, 30);
    crit(&a[0], 2025, "lab", 30, 40, 30);
    crit(&a[0], 2026, "lab", 41, 40, 30);
    l = evaluate(a, 1, 2022);
    assert_string_equal(find(l, "A1", "approaching", "lab")->state, "new");
    nbl_alert_list_free(l);
    l = evaluate(a, 1, 2024);
    x = find(l, "A1", "approaching", "lab");
    assert_string_equal(x->state, "ongoing");
    assert_int_equal(x->first_year, 2022);
    nbl_alert_list_free(l);
    l = evaluate(a, 1, 2025);
    x = find(l, "A1", "approaching", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "resolved");
    assert_int_equal(x->year, 2025);
    assert_int_equal(x->first_year, 2022);
    assert_int_equal(x->severity, NBL_SEV_INFO);
    assert_non_null(strstr(x->message, "no longer applies in 2025 "
                                       "(alerted 2022\xe2\x80\x93"
                                       "2024)"));
    nbl_alert_list_free(l);
    l = evaluate(a, 1, 2026);
    x = find(l, "A1", "crossed", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "new");
    assert_null(find(l, "A1", "approaching", "lab"));
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 1);
}

/* Each condition of t and b alike but for the message: b's are empty. */
static void
same_but_message(const nbl_alert_list *t, const nbl_alert_list *b)
{
    assert_int_equal(t->n, b->n);
    for (size_t j = 0; j < t->n; j++) {
        const nbl_alert *x = &t->items[j], *y = &b->items[j];
        assert_string_equal(x->kind, y->kind);
        assert_string_equal(x->rule, y->rule);
        assert_memory_equal(&x->value, &y->value, sizeof x->value);
        assert_memory_equal(&x->threshold, &y->threshold, sizeof x->threshold);
        assert_int_equal(x->severity, y->severity);
        assert_int_equal(x->year, y->year);
        assert_int_equal(x->first_year, y->first_year);
        assert_string_equal(x->area_id, y->area_id);
        assert_true(strlen(x->message) > strlen(x->area_id) + 4);
        assert_string_equal(y->message, "");
    }
}

/* The earlier years' conditions are evaluated without their messages
 * (text 0): every other field is the same as with them. On the areas of
 * test_status_dynamics (A4: very low status, negative dynamics in 2024;
 * A2, A4: edu 60 at a threshold of 60, approaching) plus A1: lab 45 % in
 * 2023 (crossed, from 32 in 2022), 30 in 2024 (improved), safety 95 -> 82
 * (under 90, a drop of 13); A2: parallelsamfund in 2023 (crossed, from
 * udsat) and 2024 (status, countdown 5 - 2 = 3 years); A3: cri share
 * 1.0, 2.0, 2.5 % in 2022-2024 (threshold 3: slope 0.75, fit 2025 =
 * 1.833 + 0.75 x 2 = 3.33, a trend) and not evaluable in 2024. */
static void
test_bare_conditions(void **state)
{
    nbl__aarea *a = areas_new(4);
    nbl__asd sd[4];
    static const double lab24[] = {30, 30, 50, 50}, lab22[] = {32, 32, 48, 48};
    static const double inc24[] = {90, 90, 70, 70}, inc22[] = {88, 88, 72, 72};
    char seen[2048] = "";
    (void)state;
    for (int i = 0; i < 4; i++) {
        crit(&a[i], 2022, "lab", lab22[i], 40, 30);
        crit(&a[i], 2024, "lab", lab24[i], 40, 30);
        crit(&a[i], 2022, "edu", 40 + 20 * (i % 2), 60, 60);
        crit(&a[i], 2024, "edu", 40 + 20 * (i % 2), 60, 60);
        crit(&a[i], 2022, "inc", inc22[i], 55, 65);
        crit(&a[i], 2024, "inc", inc24[i], 55, 65);
    }
    crit(&a[0], 2023, "lab", 45, 40, 30);
    saf(&a[0], 2023, 95);
    saf(&a[0], 2024, 82);
    cat(&a[1], 2022, "udsat", 2, 2, 0);
    cat(&a[1], 2023, "parallelsamfund", 3, 3, 1);
    cat(&a[1], 2024, "parallelsamfund", 3, 3, 2);
    crit(&a[2], 2022, "cri", 1.0, 3, 2);
    crit(&a[2], 2023, "cri", 2.0, 3, 2);
    crit(&a[2], 2024, "cri", 2.5, 3, 2);
    cat(&a[2], 2024, "not_evaluable", -1, -1, 0);
    for (int y = 2022; y <= 2024; y++) {
        nbl__alerts_status_dynamics(a, 4, &cfg, y, sd);
        for (size_t i = 0; i < 4; i++) {
            nbl_alert_list *t = calloc(1, sizeof *t), *b = calloc(1, sizeof *b);
            assert_int_equal(
                nbl__alerts_area_conditions(&a[i], &cfg, y, &sd[i], 1, t), 0);
            assert_int_equal(
                nbl__alerts_area_conditions(&a[i], &cfg, y, &sd[i], 0, b), 0);
            same_but_message(t, b);
            for (size_t j = 0; j < b->n; j++) {
                const nbl_alert *x = &b->items[j];
                char v[32];
                nbl__fmt_double(v, sizeof v, isnan(x->value) ? -1 : x->value,
                                2);
                snprintf(seen + strlen(seen), sizeof seen - strlen(seen),
                         "%d %s %s %s %s %d|", y, x->area_id, x->kind, x->rule,
                         v, (int)x->severity);
            }
            nbl_alert_list_free(t);
            nbl_alert_list_free(b);
        }
    }
    /* year area kind rule value severity (0 info, 1 warning, 2 critical;
     * value -1: none); the countdown of 2023 is 5 - 1 = 4 years */
    assert_string_equal(
        seen, "2022 A2 approaching edu 60 1|2022 A4 approaching edu 60 1|"
              "2023 A1 crossed lab 45 1|"
              "2023 A2 crossed category:parallelsamfund 3 2|"
              "2023 A2 countdown category:omdannelse 4 1|"
              "2024 A1 improved lab 30 0|2024 A1 safety safety_index 82 1|"
              "2024 A1 safety safety_drop 13 1|2024 A2 approaching edu 60 1|"
              "2024 A2 status category:parallelsamfund 3 0|"
              "2024 A2 countdown category:omdannelse 3 1|"
              "2024 A3 trend cri 2.5 1|"
              "2024 A3 not_evaluable category -1 0|"
              "2024 A4 approaching edu 60 1|"
              "2024 A4 status_dynamics status_dynamics 1 2|");
    nbl__aareas_free(a, 4);
}

/* Missing data never resolves an alert. A1: lab approaching (40 % with a
 * 10 % margin: 36..40 is close) in 2019 and 2020, no data in 2021, still
 * close in 2022 -> nothing for lab in 2021, ongoing since 2019 in 2022.
 * A2: the same until 2020, no data in 2021, 30 % in 2022 (not close) ->
 * resolved in 2022, alerted 2019-2020. A3: lab 30 % in 2020 (not met),
 * no data 2021, 45 % in 2022 -> crossed in 2022, compared with 2020.
 * Safety of A1: 85 (under 90) in 2019 and 2020, none in 2021, 95 in 2022
 * -> no safety row in 2021, resolved in 2022. */
static void
test_gap_year(void **state)
{
    nbl__aarea *a = areas_new(3);
    nbl_alert_list *l;
    const nbl_alert *x;
    (void)state;
    for (int i = 0; i < 3; i++) {
        crit(&a[i], 2019, "lab", i == 2 ? 30 : 36, 40, 30);
        crit(&a[i], 2020, "lab", i == 2 ? 30 : 37, 40, 30);
        crit(&a[i], 2021, "lab", NAN, 40, 30);
        crit(&a[i], 2022, "lab", i == 0 ? 38 : i == 1 ? 30 : 45, 40, 30);
        cat(&a[i], 2019, "none", 0, 0, 0);
        cat(&a[i], 2020, "none", 0, 0, 0);
        cat(&a[i], 2021, "not_evaluable", -1, -1, 0);
        cat(&a[i], 2022, "none", 0, 0, 0);
    }
    saf(&a[0], 2019, 85);
    saf(&a[0], 2020, 85);
    saf(&a[0], 2022, 95);

    l = evaluate(a, 3, 2021);
    for (size_t i = 0; i < l->n; i++) {
        /* neither repeated nor resolved: only the note per area */
        assert_string_equal(l->items[i].kind, "not_evaluable");
        assert_int_equal(l->items[i].severity, NBL_SEV_INFO);
    }
    assert_int_equal(l->n, 3);
    x = find(l, "A1", "not_evaluable", "category");
    assert_string_equal(x->state, "new");
    assert_non_null(strstr(x->message, "criteria for 2021 cannot be "
                                       "evaluated: data missing (lab)"));
    nbl_alert_list_free(l);

    l = evaluate(a, 3, 2022);
    x = find(l, "A1", "approaching", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "ongoing");
    assert_int_equal(x->first_year, 2019);
    x = find(l, "A2", "approaching", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "resolved");
    assert_int_equal(x->year, 2022);
    assert_int_equal(x->first_year, 2019);
    assert_non_null(strstr(x->message, "no longer applies in 2022 (alerted "
                                       "2019\xe2\x80\x93"
                                       "2020; no data to evaluate it in "
                                       "2021)."));
    x = find(l, "A3", "crossed", "lab");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "up from 30.0 % in 2020"));
    x = find(l, "A1", "safety", "safety_index");
    assert_non_null(x);
    assert_string_equal(x->state, "resolved");
    assert_int_equal(x->first_year, 2019);
    /* the note of 2021 is over: the data are back */
    x = find(l, "A1", "not_evaluable", "category");
    assert_non_null(x);
    assert_string_equal(x->state, "resolved");
    nbl_alert_list_free(l);

    /* two missing years: still bridged */
    for (size_t j = 0; j < a[0].n_crit; j++)
        if (a[0].crit[j].year == 2022) {
            a[0].crit[j].ok = 0;
            a[0].crit[j].met = -1;
        }
    crit(&a[0], 2023, "lab", 39, 40, 30);
    cat(&a[0], 2023, "none", 0, 0, 0);
    l = evaluate(a, 1, 2023);
    x = find(l, "A1", "approaching", "lab");
    assert_non_null(x);
    assert_string_equal(x->state, "ongoing");
    assert_int_equal(x->first_year, 2019);
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 3);
}

static void
test_forebyggelse_approach(void **state)
{
    nbl__aarea *a = areas_new(2);
    nbl_alert_list *l;
    (void)state;
    /* none, 1 of 2 criteria at the lower thresholds, eth over 30 % */
    cat(&a[0], 2024, "none", 0, 1, 0);
    crit(&a[0], 2024, "eth", 35, 50, 30);
    /* same but eth 20 %: the precondition fails, no approach */
    cat(&a[1], 2024, "none", 0, 1, 0);
    crit(&a[1], 2024, "eth", 20, 50, 30);
    l = evaluate(a, 2, 2024);
    assert_non_null(find(l, "A1", "approaching", "category:forebyggelse"));
    assert_null(find(l, "A2", "approaching", "category:forebyggelse"));
    /* eth never gives criterion-level alerts */
    assert_null(find(l, "A1", "approaching", "eth"));
    nbl_alert_list_free(l);
    nbl__aareas_free(a, 2);
}

static void
test_config(void **state)
{
    nbl_alert_config c;
    const char *p;
    (void)state;
    assert_int_equal(nbl_alert_config_init(&c, ctx), 0);
    assert_true(c.margin == 0.10 && c.trend_years == 4 && c.horizon == 2);
    assert_int_equal(c.n_backoff, 3);
    assert_true(c.backoff[1] == 0.5);
    p = nbl_test_write("a.ini", "[project]\nname = Eksempel Kommune\n"
                                "[stats]\nsource = x.csv\n"
                                "[alerts]\nmargin = 0.05\nhorizon = 3\n"
                                "severity.trend = critical\n");
    assert_int_equal(nbl_alert_config_load(&c, ctx, p), 0);
    assert_true(c.margin == 0.05 && c.horizon == 3);
    assert_int_equal(c.sev_trend, NBL_SEV_CRITICAL);
    assert_string_equal(c.project_name, "Eksempel Kommune");
    p = nbl_test_write("b.ini", "[alerts]\n\nmargin = 0,1\n");
    assert_int_equal(nbl_alert_config_load(&c, ctx, p), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "b.ini:3:"));
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "margin"));
    p = nbl_test_write("c.ini", "[alerts]\ntrend_years = 2\n");
    assert_int_equal(nbl_alert_config_load(&c, ctx, p), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "c.ini:2:"));
    p = nbl_test_write("d.ini", "[alerts]\nseverity.trend = high\n");
    assert_int_equal(nbl_alert_config_load(&c, ctx, p), NBL_EFORMAT);
    nbl_alert_config_clear(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crossed_improved),
        cmocka_unit_test(test_trend_fit),
        cmocka_unit_test(test_superseded_trend),
        cmocka_unit_test(test_status_line),
        cmocka_unit_test(test_fail_on_new),
        cmocka_unit_test(test_danish_messages),
        cmocka_unit_test(test_cri_ratio_wording),
        cmocka_unit_test(test_approaching_margin),
        cmocka_unit_test(test_trend),
        cmocka_unit_test(test_countdown),
        cmocka_unit_test(test_status_dynamics),
        cmocka_unit_test(test_safety),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_bare_conditions),
        cmocka_unit_test(test_gap_year),
        cmocka_unit_test(test_forebyggelse_approach),
        cmocka_unit_test(test_config),
    };
    nbl_test_locale();
    /* the messages asserted below are the English ones */
    nbl_set_output_language(NBL_LANG_EN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
