/*
 * test_export.c - disclosure rules, Danish category and profile band labels,
 * run-time field lists, QML styles, and nbl_export() on a hand-made
 * workspace (tests/fixtures/export/workspace.sql): RFC 7946 shape (no crs,
 * counter-clockwise rings, lon/lat), status fields, the profile layer's
 * values and suppression, the plans layer's properties, empty layers,
 * --overwrite, failures leave nothing behind; the timeseries cursor's
 * merged scans against the one-year cursor's LEFT JOINs.
 */
#include "nbl_test.h"

#include <jansson.h>
#include <math.h>
#include <sys/stat.h>

#include "util/ctx.h"
#include "model/disclosure.h"
#include "publish/layer.h"
#include "publish/qgis.h"
#include "nabolag/export.h"
#include "store/store_export.h"
#include "util/util.h"

static void
test_disclosure_rules(void **state)
{
    nbl__disclosure d;
    (void)state;
    nbl__disclosure_defaults(&d);
    assert_true(d.min_count == 3 && d.min_denominator == 20 &&
                d.min_residents_publish == 100);
    assert_true(nbl__disclosure_count(&d, 1));
    assert_true(nbl__disclosure_count(&d, 2));
    assert_false(nbl__disclosure_count(&d, 3));
    assert_false(nbl__disclosure_count(&d, 0));   /* reveals nobody */
    assert_false(nbl__disclosure_count(&d, NAN)); /* missing, not small */
    assert_true(nbl__disclosure_rate(&d, 19));
    assert_false(nbl__disclosure_rate(&d, 20));
    assert_false(nbl__disclosure_rate(&d, NAN));
    assert_true(nbl__disclosure_area(&d, 99));
    assert_false(nbl__disclosure_area(&d, 100));
    assert_false(nbl__disclosure_area(&d, NAN));
}

static void
test_disclosure_load(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__disclosure d;
    const char *p;
    (void)state;
    nbl__disclosure_defaults(&d);
    assert_int_equal(nbl__disclosure_load(ctx, NULL, &d), NBL_OK);
    p = nbl_test_write("d.ini", "[project]\nname = x\n[disclosure]\n"
                                "min_count = 5\nmin_denominator = 50\n"
                                "[alerts]\nmargin = 0.1\n");
    assert_int_equal(nbl__disclosure_load(ctx, p, &d), NBL_OK);
    assert_true(d.min_count == 5 && d.min_denominator == 50 &&
                d.min_residents_publish == 100);
    p = nbl_test_write("bad.ini", "[disclosure]\nmin_denominator = 2O\n");
    assert_int_equal(nbl__disclosure_load(ctx, p, &d), NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "min_denominator"));
    /* an unknown key is a warning (the section is shared) */
    p = nbl_test_write("bad2.ini", "[disclosure]\nmin_people = 2\n");
    assert_int_equal(nbl__disclosure_load(ctx, p, &d), NBL_OK);
    assert_int_equal(nbl_ctx_warning_count(ctx), 1);
    nbl_ctx_free(ctx);
}

static void
test_category_labels(void **state)
{
    (void)state;
    assert_string_equal(nbl__category_label("omdannelse"), "Omdannelsesområde");
    assert_string_equal(nbl__category_label("parallelsamfund"),
                        "Parallelsamfund");
    assert_string_equal(nbl__category_label("udsat"), "Udsat boligområde");
    assert_string_equal(nbl__category_label("forebyggelse"),
                        "Forebyggelsesområde");
    assert_string_equal(nbl__category_label("none"), "Ikke på listen");
    assert_string_equal(nbl__category_label("not_evaluable"),
                        "Kan ikke vurderes");
    assert_null(nbl__category_label(NULL));
}

static void
test_band_labels(void **state)
{
    (void)state;
    assert_string_equal(nbl__band_label("green"), "Uden for risiko");
    assert_string_equal(nbl__band_label("yellow"), "Risikoområde");
    assert_string_equal(nbl__band_label("orange"), "Forhøjet risiko");
    assert_string_equal(nbl__band_label("red"), "Høj risiko");
    assert_null(nbl__band_label(NULL));
}

/* Run-time fields: no fixed maximum, names copied, duplicates refused. */
static void
test_layer_fields(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl__xlayer l;
    char name[32];
    (void)state;
    memset(&l, 0, sizeof l);
    l.name = "profile";
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "f%d", i);
        assert_int_equal(nbl__xlayer_add_field(ctx, &l, name, NBL__XF_REAL),
                         NBL_OK);
    }
    name[0] = 'x'; /* the layer keeps its own copy */
    assert_int_equal(l.nfields, 500);
    assert_ptr_equal(l.fields, l.own_fields);
    assert_string_equal(l.fields[499].name, "f499");
    assert_int_equal(l.fields[7].type, NBL__XF_REAL);
    assert_int_equal(nbl__xlayer_add_field(ctx, &l, "f7", NBL__XF_STR),
                     NBL_EFORMAT);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "'f7' would appear twice"));
    assert_int_equal(l.nfields, 500);
    for (int i = 0; i < l.nfields; i++)
        free((char *)l.own_fields[i].name);
    free(l.own_fields);
    nbl_ctx_free(ctx);
}

/* A layer's style; NULL when it has none (never out of memory here). */
static char *
qml(const nbl__xjob *job, const char *layer, const char *style)
{
    char *q = NULL;
    assert_int_equal(nbl__qgis_qml(job, layer, style, &q), NBL_OK);
    return q;
}

static void
test_qml(void **state)
{
    nbl__xjob job;
    char *q;
    (void)state;
    memset(&job, 0, sizeof job);
    for (int k = 0; k < 5; k++)
        job.threshold[k] = job.threshold_low[k] = NAN;
    job.threshold[0] = 40;
    job.threshold_low[0] = 30;
    q = qml(&job, "areas", NULL);
    assert_non_null(q);
    assert_non_null(strstr(q, "type=\"categorizedSymbol\" attr=\"category\""));
    assert_non_null(strstr(q, "label=\"Udsat boligområde\""));
    assert_non_null(strstr(q, "fieldName=\"name\""));
    free(q);
    /* lab: the legal thresholds 30 % and 40 % are class breaks */
    q = qml(&job, "areas", "lab");
    assert_non_null(q);
    assert_non_null(strstr(q, "lower=\"0\" upper=\"30\""));
    assert_non_null(strstr(q, "lower=\"30\" upper=\"40\""));
    assert_non_null(strstr(q, "lower=\"40\" upper=\"100\""));
    free(q);
    /* cri: the law says "at least 3 x the country" (and 2 x): a ratio of
     * exactly 3 must fall in the top class, so the breaks lie just below
     * (QGIS ranges are lower < v <= upper); the labels keep 2 and 3 */
    q = qml(&job, "areas", "cri");
    assert_non_null(q);
    assert_non_null(strstr(q, "lower=\"0\" upper=\"1.999999999\" "
                              "label=\"0–2 × landet\""));
    assert_non_null(strstr(q, "lower=\"1.999999999\" upper=\"2.999999999\""));
    assert_non_null(strstr(q, "lower=\"2.999999999\" upper=\"100\" "
                              "label=\"3–100 × landet\""));
    free(q);
    q = qml(&job, "alerts", NULL);
    assert_non_null(strstr(q, "attr=\"severity\""));
    free(q);
    q = qml(&job, "safety", NULL);
    assert_non_null(strstr(q, "attr=\"safety_band\""));
    free(q);
    assert_null(qml(&job, "areas", "nonsense"));
    /* profile: the default bands 5, 9, 14 as point ranges, on the layer
     * and in the areas' extra style alike */
    q = qml(&job, "profile", NULL);
    assert_non_null(q);
    assert_non_null(strstr(q, "attr=\"profile_band\""));
    assert_non_null(strstr(q, "value=\"green\" label=\"Uden for risiko "
                              "(0–4 point)\""));
    assert_non_null(strstr(q, "value=\"yellow\" label=\"Risikoområde "
                              "(5–8 point)\""));
    assert_non_null(strstr(q, "value=\"orange\" label=\"Forhøjet risiko "
                              "(9–13 point)\""));
    assert_non_null(strstr(q, "value=\"red\" label=\"Høj risiko "
                              "(14+ point)\""));
    assert_non_null(strstr(q, "fieldName=\"name\""));
    free(q);
    q = qml(&job, "areas", "profile");
    assert_non_null(strstr(q, "label=\"Risikoområde (5–8 point)\""));
    free(q);
    /* plans: outline, labelled with the name and lab_did (an expression
     * with a QGIS '\n', not a raw line break an XML attribute would lose) */
    q = qml(&job, "plans", NULL);
    assert_non_null(strstr(q, "isExpression=\"1\""));
    assert_non_null(strstr(q, "&quot;name&quot; || '\\n' || 'lab did: '"));
    /* in the output language's decimal mark and words (Danish here) */
    assert_non_null(strstr(q,
                           "format_number(&quot;lab_did&quot;, 1, 'da') || ' "
                           "pct.-point'"));
    free(q);
}

static void
test_qml_profile_bands(void **state)
{
    nbl__xjob job;
    nbl__profile_cfg cfg;
    nbl_ctx *ctx = nbl_ctx_new();
    const char *p;
    char *q;
    (void)state;
    memset(&job, 0, sizeof job);
    p = nbl_test_write("bands.ini", "[profile]\nbands = 1, 2, 4\n");
    assert_int_equal(nbl__profile_cfg_load(ctx, &cfg, p), NBL_OK);
    job.profile = &cfg;
    q = qml(&job, "profile", NULL);
    assert_non_null(strstr(q, "label=\"Uden for risiko (0–0 point)\""));
    assert_non_null(strstr(q, "label=\"Risikoområde (1–1 point)\""));
    assert_non_null(strstr(q, "label=\"Forhøjet risiko (2–3 point)\""));
    assert_non_null(strstr(q, "label=\"Høj risiko (4+ point)\""));
    free(q);
    nbl__profile_cfg_free(&cfg);
    nbl_ctx_free(ctx);
}

/* A workspace loaded with the fixture, in the temp dir. */
static nbl_ws *
fixture_ws(nbl_ctx *ctx, const char *name)
{
    nbl_ws *ws = NULL;
    char *sql = nbl_test_read(nbl_test_src("tests/fixtures/export/"
                                           "workspace.sql"),
                              NULL);
    assert_non_null(sql);
    assert_int_equal(nbl_ws_create(&ws, ctx, nbl_test_path(name), 25832),
                     NBL_OK);
    if (nbl__store_export_test_exec(ws, sql) != NBL_OK)
        fail_msg("%s", nbl_ctx_errmsg(ctx));
    free(sql);
    return ws;
}

static json_t *
load_json(const char *dir, const char *file)
{
    char path[1024];
    json_error_t e;
    json_t *j;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    j = json_load_file(path, 0, &e);
    if (!j)
        fail_msg("%s: %s", path, e.text);
    return j;
}

static double
ring_area(json_t *ring)
{
    double a = 0;
    for (size_t i = 0; i + 1 < json_array_size(ring); i++) {
        json_t *p = json_array_get(ring, i), *q = json_array_get(ring, i + 1);
        a += json_real_value(json_array_get(p, 0)) *
                 json_real_value(json_array_get(q, 1)) -
             json_real_value(json_array_get(q, 0)) *
                 json_real_value(json_array_get(p, 1));
    }
    return a / 2;
}

static json_t *
props(json_t *fc, size_t i)
{
    return json_object_get(json_array_get(json_object_get(fc, "features"), i),
                           "properties");
}

static void
test_export_geojson(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture_ws(ctx, "ws1.sqlite");
    nbl_export_opts o;
    const char *dir = nbl_test_path("out1");
    json_t *fc, *f, *p, *ring, *geom;
    (void)state;
    memset(&o, 0, sizeof o);
    o.dir = dir;
    if (nbl_export(ws, &o) != NBL_OK)
        fail_msg("%s", nbl_ctx_errmsg(ctx));
    fc = load_json(dir, "areas.geojson");
    assert_null(json_object_get(fc, "crs"));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(fc, "nabolag"), "ruleset")),
                        "dk2021");
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 4);
    for (size_t i = 0; i < 4; i++) {
        char id[4];
        snprintf(id, sizeof id, "A%zu", i + 1);
        assert_string_equal(
            json_string_value(json_object_get(props(fc, i), "area_id")), id);
    }
    /* A1: lon/lat of (575000, 6220000) = 10.20629186, 56.11918339 by
     * cs2cs EPSG:25832 EPSG:4326; 7 decimals, tolerance 1.5e-7 degrees. */
    f = json_array_get(json_object_get(fc, "features"), 0);
    geom = json_object_get(f, "geometry");
    ring = json_array_get(json_object_get(geom, "coordinates"), 0);
    if (strcmp(json_string_value(json_object_get(geom, "type")),
               "MultiPolygon") == 0)
        ring = json_array_get(ring, 0);
    assert_true(
        fabs(json_real_value(json_array_get(json_array_get(ring, 0), 0)) -
             10.20629186) < 1.5e-7);
    assert_true(
        fabs(json_real_value(json_array_get(json_array_get(ring, 0), 1)) -
             56.11918339) < 1.5e-7);
    assert_true(ring_area(ring) > 0); /* counter-clockwise */
    p = props(fc, 0);
    assert_true(json_is_integer(json_object_get(p, "pop")));
    assert_true(json_real_value(json_object_get(p, "lab")) == 42.46);
    assert_true(json_is_true(json_object_get(p, "lab_met")));
    assert_true(json_real_value(json_object_get(p, "cri_ratio")) == 1.877);
    assert_int_equal(json_integer_value(json_object_get(p, "criteria_met")), 2);
    p = props(fc, 1); /* A2: 80 residents < 100 */
    assert_true(json_is_null(json_object_get(p, "pop")));
    assert_string_equal(json_string_value(json_object_get(p, "pop_status")),
                        "suppressed");
    assert_true(json_is_null(json_object_get(p, "lab_met")));
    p = props(fc, 2); /* A3 */
    assert_string_equal(json_string_value(json_object_get(p, "inc_status")),
                        "not_evaluable");
    assert_string_equal(json_string_value(json_object_get(p, "edu_status")),
                        "suppressed");
    assert_string_equal(json_string_value(json_object_get(p, "category")),
                        "not_evaluable");
    p = props(fc, 3); /* A4: no results */
    assert_true(json_is_null(json_object_get(p, "category")));
    assert_string_equal(
        json_string_value(json_object_get(p, "category_status")), "missing");
    json_decref(fc);

    /* alerts are points; the time series has date strings */
    fc = load_json(dir, "alerts.geojson");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(fc, "features"), 0),
                            "geometry"),
            "type")),
        "Point");
    json_decref(fc);
    fc = load_json(dir, "timeseries.geojson");
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 5);
    assert_string_equal(
        json_string_value(json_object_get(props(fc, 0), "year_end")),
        "2023-12-31");
    json_decref(fc);

    /* profile (rows of workspace.sql, rounded by unit by hand): A1
     * noattach 42.456 -> 42.46, reference 23.2345 -> 23.23, SD 1.83456 ->
     * 1.83; income is an index: 51.04 -> 51.0, change -0.46 -> -0.5 */
    fc = load_json(dir, "profile.geojson");
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 4);
    p = props(fc, 0);
    assert_int_equal(json_integer_value(json_object_get(p, "profile_points")),
                     7);
    assert_string_equal(
        json_string_value(json_object_get(p, "profile_band_label")),
        "Forhøjet risiko");
    assert_true(json_real_value(json_object_get(p, "noattach")) == 42.46);
    assert_true(json_real_value(json_object_get(p, "noattach_ref")) == 23.23);
    assert_true(json_real_value(json_object_get(p, "noattach_sd")) == 1.83);
    assert_int_equal(json_integer_value(json_object_get(p, "noattach_points")),
                     2);
    assert_true(json_real_value(json_object_get(p, "income")) == 51.0);
    assert_true(json_real_value(json_object_get(p, "income_change")) == -0.5);
    assert_string_equal(
        json_string_value(json_object_get(p, "children_status")), "missing");
    p = props(fc, 1); /* A2: 80 residents: all withheld */
    assert_string_equal(json_string_value(json_object_get(p, "profile_status")),
                        "suppressed");
    assert_true(json_is_null(json_object_get(p, "noattach")));
    assert_true(json_is_null(json_object_get(p, "noattach_ref")));
    p = props(fc, 2); /* A3: basic_edu denominator 15 < 20 */
    assert_string_equal(
        json_string_value(json_object_get(p, "basic_edu_status")),
        "suppressed");
    assert_true(json_is_null(json_object_get(p, "basic_edu")));
    assert_true(json_is_null(json_object_get(p, "basic_edu_points")));
    assert_true(json_real_value(json_object_get(p, "basic_edu_ref")) == 40.0);
    assert_string_equal(
        json_string_value(json_object_get(p, "evictions_status")),
        "not_evaluable");
    assert_string_equal(json_string_value(json_object_get(p, "profile_status")),
                        "not_evaluable");
    json_decref(fc);

    /* plans: the comparison's property names (no results for the baseline
     * year 2019 in the fixture: missing) */
    fc = load_json(dir, "plans.geojson");
    p = props(fc, 0);
    assert_string_equal(json_string_value(json_object_get(p, "areas")),
                        "A1|A2");
    assert_int_equal(json_integer_value(json_object_get(p, "n_areas")), 2);
    assert_int_equal(json_integer_value(json_object_get(p, "baseline_year")),
                     2019);
    assert_true(json_is_null(json_object_get(p, "lab_did")));
    assert_string_equal(json_string_value(json_object_get(p, "lab_status")),
                        "missing");
    assert_non_null(json_object_get(p, "safety_index_target_met"));
    json_decref(fc);

    /* existing files: refused without overwrite, replaced with it */
    assert_int_equal(nbl_export(ws, &o), NBL_EEXISTS);
    o.overwrite = 1;
    assert_int_equal(nbl_export(ws, &o), NBL_OK);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static int
open_alert_rows(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    (void)job;
    return nbl__store_export_alerts(ws, "dk2021", 2024,
                                    (nbl__xcursor **)&l->cursor);
}

/* A fill whose made-up string could not be allocated (its maker returned
 * NULL). */
static int
fill_lost_string(nbl__xlayer *l, const nbl__xjob *job, const void *row)
{
    (void)job;
    (void)row;
    l->vals[0].s = nbl__xlayer_keep(l, NULL);
    l->vals[0].set = l->vals[0].s != NULL;
    return 1;
}

/* A string a row could not make is an error of the row ("out of memory"),
 * never a value published as missing. */
static void
test_layer_string_oom(void **state)
{
    static const nbl__xfield f[] = {{"message", NBL__XF_STR}};
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture_ws(ctx, "ws_oom.sqlite");
    nbl__xlayer l;
    nbl__xjob job;
    (void)state;
    memset(&l, 0, sizeof l);
    memset(&job, 0, sizeof job);
    l.name = "t";
    l.fields = f;
    l.nfields = 1;
    l.open = open_alert_rows;
    l.fill = fill_lost_string;
    assert_int_equal(nbl__xlayer_open(&l, ws, &job), NBL_OK);
    assert_int_equal(nbl__xlayer_next(&l, &job), NBL_ENOMEM);
    assert_non_null(strstr(nbl_ctx_errmsg(ctx), "out of memory"));
    nbl__xlayer_free(&l);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* Two area rows agree on every value the layers read (strings by value). */
static void
assert_same_area(const nbl__xarea *a, const nbl__xarea *b)
{
#define SAME_STR(f)                                                            \
    do {                                                                       \
        assert_int_equal(a->f == NULL, b->f == NULL);                          \
        if (a->f)                                                              \
            assert_string_equal(a->f, b->f);                                   \
    } while (0)
#define SAME_NUM(x, y) assert_true(((x) == (y)) || (isnan(x) && isnan(y)))
    SAME_STR(area_id);
    SAME_STR(name);
    SAME_STR(municipality);
    SAME_STR(region);
    SAME_STR(category);
    SAME_STR(ruleset_version);
    SAME_STR(profile_band);
    SAME_STR(status_class);
    SAME_STR(dynamics_class);
    SAME_STR(sd_group);
    SAME_STR(sd_st);
    SAME_STR(sd_dst);
    assert_int_equal(a->year, b->year);
    SAME_NUM(a->pop, b->pop);
    assert_int_equal(a->criteria_met, b->criteria_met);
    assert_int_equal(a->profile_points, b->profile_points);
    SAME_NUM(a->status_index, b->status_index);
    SAME_NUM(a->dynamics_index, b->dynamics_index);
    assert_int_equal(a->pop_not_evaluable, b->pop_not_evaluable);
    for (int k = 0; k < NBL__XC_N; k++) {
        const nbl__xcrit *x = &a->crit[k], *y = &b->crit[k];
        SAME_NUM(x->value, y->value);
        SAME_NUM(x->ratio, y->ratio);
        assert_string_equal(x->status, y->status);
        assert_int_equal(x->met, y->met);
        SAME_NUM(x->denom, y->denom);
        SAME_NUM(x->threshold, y->threshold);
        SAME_NUM(x->threshold_low, y->threshold_low);
    }
    assert_int_equal(a->wkb_len, b->wkb_len);
    assert_memory_equal(a->wkb, b->wkb, a->wkb_len);
#undef SAME_STR
#undef SAME_NUM
}

/* The timeseries cursor (year 0) merges the category results with ordered
 * scans of areas, criterion results, profile scores and status rows: its
 * rows must be those of the year cursor's LEFT JOINs (the 2024 rows
 * compared field by field), category results of an unknown area and rows
 * of another ruleset or criterion left out; values from the fixture. */
static void
test_series_cursor(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture_ws(ctx, "ws_series.sqlite");
    static const char *const want[][2] = {{"A1", "2023"},
                                          {"A1", "2024"},
                                          {"A2", "2024"},
                                          {"A3", "2023"},
                                          {"A3", "2024"}};
    nbl__xcursor *ts, *yr;
    const void *row, *yrow;
    size_t n = 0;
    (void)state;
    assert_int_equal(
        nbl__store_export_test_exec(
            ws, "INSERT INTO category_results VALUES ('A0', 2024, 'dk2021', "
                "'2021.1', 'none', 0, 0, 2, 0, 0, 5, 'x'), ('A25', 2024, "
                "'dk2021', '2021.1', 'none', 0, 0, 2, 0, 0, 5, 'x'); "
                "INSERT INTO criterion_results VALUES ('A1', 2024, "
                "'dk2021', 'zzz', 1, 1, 'ok', 1, 1, 1, 1), ('A1', 2023, "
                "'other', 'edu', 99, NULL, 'ok', 1, 1, 1, 1); "
                "INSERT INTO status_dynamics VALUES ('A1', 2023, 'other', "
                "1, 1, 'high', 'stable', 'high/stable', 'ok', 'ok', "
                "'builtin');"),
        NBL_OK);
    assert_int_equal(nbl__store_export_areas(ws, "dk2021", 0, &ts), NBL_OK);
    assert_int_equal(nbl__store_export_areas(ws, "dk2021", 2024, &yr), NBL_OK);
    while (nbl__xcursor_next(ts, &row) == 1) {
        const nbl__xarea *a = row;
        assert_true(n < 5);
        assert_string_equal(a->area_id, want[n][0]);
        assert_int_equal(a->year, atoi(want[n][1]));
        if (n == 0) { /* A1 2023: lab only; edu is the other ruleset's */
            assert_string_equal(a->name, "Nordparken");
            assert_true(a->pop == 2350);
            assert_true(a->crit[NBL__XC_LAB].value == 38.5);
            assert_string_equal(a->crit[NBL__XC_EDU].status, "");
            assert_true(isnan(a->crit[NBL__XC_EDU].value));
            assert_int_equal(a->crit[NBL__XC_EDU].met, -1);
            assert_true(isnan(a->crit[NBL__XC_LAB].denom));
            assert_true(a->crit[NBL__XC_ETH].denom == 2350);
            assert_int_equal(a->profile_points, -1);
            assert_null(a->sd_st);
            assert_true(isnan(a->status_index));
            assert_non_null(a->wkb);
        }
        if (a->year == 2024) {
            /* the year cursor: A1, A2, A3, A4 */
            do
                assert_int_equal(nbl__xcursor_next(yr, &yrow), 1);
            while (strcmp(((const nbl__xarea *)yrow)->area_id, a->area_id));
            assert_same_area(a, yrow);
        }
        if (n == 1) {
            assert_int_equal(a->profile_points, 7);
            assert_true(a->crit[NBL__XC_CRI].ratio == 1.87654);
            assert_true(a->crit[NBL__XC_INC].denom == 1400);
            assert_string_equal(a->sd_group, "low/negative");
        }
        n++;
    }
    assert_int_equal(n, 5);
    nbl__xcursor_free(ts);
    nbl__xcursor_free(yr);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static void
test_export_empty_safety(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture_ws(ctx, "ws2.sqlite");
    nbl_export_opts o;
    json_t *fc;
    (void)state;
    assert_int_equal(nbl__store_export_test_exec(ws,
                                                 "DELETE FROM safety_results; "
                                                 "DELETE FROM alerts"),
                     NBL_OK);
    memset(&o, 0, sizeof o);
    o.dir = nbl_test_path("out2");
    o.format = NBL_EXPORT_GEOJSON;
    if (nbl_export(ws, &o) != NBL_OK)
        fail_msg("%s", nbl_ctx_errmsg(ctx));
    fc = load_json(o.dir, "safety.geojson");
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 0);
    json_decref(fc);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

static void
test_export_failures(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture_ws(ctx, "ws3.sqlite");
    nbl_export_opts o;
    struct stat st;
    (void)state;
    memset(&o, 0, sizeof o);
    assert_int_equal(nbl_export(ws, &o), NBL_EINVAL); /* no dir */
    o.dir = nbl_test_path("out3");
    o.ruleset = "dk2010"; /* never computed */
    assert_int_equal(nbl_export(ws, &o), NBL_ENOTFOUND);
    assert_int_equal(stat(o.dir, &st), -1); /* no folder left */
    o.ruleset = NULL;
    o.config = nbl_test_write("x.ini", "[disclosure]\nmin_count = -1\n");
    assert_int_equal(nbl_export(ws, &o), NBL_EFORMAT);
    assert_int_equal(stat(o.dir, &st), -1);
    /* the output path is a file */
    o.config = NULL;
    o.dir = nbl_test_write("notadir", "x");
    assert_int_equal(nbl_export(ws, &o), NBL_EIO);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

/* Cancels once the layers are written (progress 0.9), i.e. with every
 * temporary file complete and nothing renamed yet. */
static int
cancel_late(double frac, const char *msg, void *arg)
{
    (void)msg;
    (void)arg;
    return frac < 0.85;
}

static size_t
count_entries(const char *dir)
{
    char cmd[600];
    FILE *p;
    size_t n = 0;
    int c;
    snprintf(cmd, sizeof cmd, "ls -A '%s' 2>/dev/null", dir);
    p = popen(cmd, "r");
    assert_non_null(p);
    while ((c = fgetc(p)) != EOF)
        n += c == '\n';
    pclose(p);
    return n;
}

static void
test_export_cancel_leaves_nothing(void **state)
{
    nbl_ctx *ctx = nbl_ctx_new();
    nbl_ws *ws = fixture_ws(ctx, "ws4.sqlite");
    nbl_export_opts o;
    struct stat st;
    char *before, *after;
    char path[600];
    (void)state;
    memset(&o, 0, sizeof o);
    o.dir = nbl_test_path("out4");
    /* a fresh folder: no folder and no file afterwards */
    nbl_ctx_set_progress(ctx, cancel_late, NULL);
    assert_int_equal(nbl_export(ws, &o), NBL_ECANCELLED);
    assert_int_equal(stat(o.dir, &st), -1);
    /* an earlier export is left as it was, even with overwrite */
    nbl_ctx_set_progress(ctx, NULL, NULL);
    o.format = NBL_EXPORT_GPKG;
    assert_int_equal(nbl_export(ws, &o), NBL_OK);
    snprintf(path, sizeof path, "%s/nabolag.qgs", o.dir);
    before = nbl_test_read(path, NULL);
    assert_int_equal(count_entries(o.dir), 2);
    nbl_ctx_set_progress(ctx, cancel_late, NULL);
    o.format = NBL_EXPORT_GEOJSON;
    o.overwrite = 1;
    assert_int_equal(nbl_export(ws, &o), NBL_ECANCELLED);
    assert_int_equal(count_entries(o.dir), 2); /* no temporary files */
    after = nbl_test_read(path, NULL);
    assert_string_equal(before, after);
    free(before);
    free(after);
    nbl_ws_free(ws);
    nbl_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disclosure_rules),
        cmocka_unit_test(test_disclosure_load),
        cmocka_unit_test(test_category_labels),
        cmocka_unit_test(test_band_labels),
        cmocka_unit_test(test_layer_fields),
        cmocka_unit_test(test_qml),
        cmocka_unit_test(test_qml_profile_bands),
        cmocka_unit_test(test_export_geojson),
        cmocka_unit_test(test_series_cursor),
        cmocka_unit_test(test_layer_string_oom),
        cmocka_unit_test(test_export_empty_safety),
        cmocka_unit_test(test_export_failures),
        cmocka_unit_test(test_export_cancel_leaves_nothing),
    };
    nbl_test_locale();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
