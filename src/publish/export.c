/*
 * export.c - `nabolag export`: builds the layers (alerts, plans, areas,
 * profile, safety, timeseries) from the store's rows, applies disclosure
 * control, and writes
 * them through GDAL/OGR as RFC 7946 GeoJSON (one file per layer, provenance
 * as a foreign member via the driver's NATIVE_DATA option) or as one
 * GeoPackage (provenance as dataset metadata, styles in layer_styles), plus
 * a .qml style per layer and nabolag.qgs.
 *
 * Invariants: geometries are transformed from the working CRS to EPSG:4326
 * in lon/lat order before writing; rows are sorted by area_id (then year);
 * every output file is written under a temporary name in the output folder
 * and renamed only when all files are complete.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <jansson.h>

#include "model/categories.h"
#include "util/ctx.h"
#include "publish/layer.h"
#include "publish/qgis.h"
#include "compute/plans_internal.h"
#include "store/store.h"
#include "store/store_export.h"
#include "util/util.h"

#define COORD_PRECISION "7"

static void
v_str(nbl__xval *v, const char *s)
{
    v->set = s != NULL;
    v->s = s;
}

static void
v_int(nbl__xval *v, long i)
{
    v->set = 1;
    v->i = i;
}

/* NAN -> null; else rounded to `decimals`. */
static void
v_real(nbl__xval *v, double d, int decimals)
{
    v->set = !isnan(d);
    v->d = v->set ? nbl__round(d, decimals) : 0;
}

static void
v_bool(nbl__xval *v, int b)
{
    v->set = b >= 0;
    v->i = b > 0;
}

/* ---- areas and timeseries ----------------------------------------------- */

static const nbl__xfield area_fields[] = {
    {"area_id", NBL__XF_STR},
    {"name", NBL__XF_STR},
    {"municipality", NBL__XF_STR},
    {"region", NBL__XF_STR},
    {"year", NBL__XF_INT},
    {"pop", NBL__XF_INT},
    {"pop_status", NBL__XF_STR},
    {"lab", NBL__XF_REAL},
    {"lab_status", NBL__XF_STR},
    {"lab_met", NBL__XF_BOOL},
    {"cri", NBL__XF_REAL},
    {"cri_ratio", NBL__XF_REAL},
    {"cri_status", NBL__XF_STR},
    {"cri_met", NBL__XF_BOOL},
    {"edu", NBL__XF_REAL},
    {"edu_status", NBL__XF_STR},
    {"edu_met", NBL__XF_BOOL},
    {"inc", NBL__XF_REAL},
    {"inc_status", NBL__XF_STR},
    {"inc_met", NBL__XF_BOOL},
    {"eth", NBL__XF_REAL},
    {"eth_status", NBL__XF_STR},
    {"criteria_met", NBL__XF_INT},
    {"category", NBL__XF_STR},
    {"category_label", NBL__XF_STR},
    {"category_status", NBL__XF_STR},
    {"profile_points", NBL__XF_INT},
    {"profile_band", NBL__XF_STR},
    {"ruleset", NBL__XF_STR},
    {"ruleset_version", NBL__XF_STR},
    /* timeseries only: */
    {"year_start", NBL__XF_DATE},
    {"year_end", NBL__XF_DATE},
};
#define AREA_NFIELDS 30
#define TS_NFIELDS 32

/* Fills one row of the areas/timeseries layer from a store row. */
static void
area_row(nbl__xlayer *l, const nbl__xjob *job, const nbl__xarea *a,
         nbl__xval *v)
{
    int area_sup =
        !job->unsuppressed && (nbl__disclosure_area(&job->disc, a->pop) ||
                               nbl__disclosure_count(&job->disc, a->pop));
    int has = a->category != NULL;
    int any_sup = 0; /* a criterion of the row is suppressed */
    int c = 7;
    v_str(&v[0], a->area_id);
    v_str(&v[1], a->name);
    v_str(&v[2], a->municipality);
    v_str(&v[3], a->region);
    v_int(&v[4], a->year);
    if (isnan(a->pop)) {
        v_str(&v[6], "missing");
    } else if (area_sup) {
        v_str(&v[6], "suppressed");
    } else {
        v_int(&v[5], (long)llround(a->pop));
        v_str(&v[6], "ok");
    }
    for (int k = 0; k < NBL__XC_N; k++) {
        const nbl__xcrit *x = &a->crit[k];
        const char *status = x->status[0] ? x->status : "missing";
        int present = !isnan(x->value);
        int sup = !job->unsuppressed &&
                  (area_sup ||
                   (present && nbl__disclosure_rate(&job->disc, x->denom)));
        any_sup |= sup;
        if (sup)
            status = "suppressed";
        else if (strcmp(status, "ok") == 0 && !present)
            status = "missing";
        if (!sup)
            v_real(&v[c], x->value, 2);
        c++;
        if (k == NBL__XC_CRI) {
            if (!sup)
                v_real(&v[c], x->ratio, 3);
            c++;
        }
        v_str(&v[c++], status);
        if (k != NBL__XC_ETH) {
            if (!sup)
                v_bool(&v[c], x->met);
            c++;
        }
    }
    /* c == 22. The number met with the published flags would give a
     * suppressed flag away: null as soon as one criterion is suppressed. */
    if (has && !any_sup && a->criteria_met >= 0)
        v_int(&v[22], a->criteria_met);
    if (!has) {
        v_str(&v[25], "missing");
    } else if (area_sup) {
        v_str(&v[25], "suppressed");
    } else {
        v_str(&v[23], a->category);
        v_str(&v[24], nbl__category_label(a->category));
        v_str(&v[25], strcmp(a->category, "not_evaluable") == 0
                          ? "not_evaluable"
                          : "ok");
    }
    if (!area_sup) {
        if (a->profile_points >= 0)
            v_int(&v[26], a->profile_points);
        v_str(&v[27], a->profile_band);
    }
    v_str(&v[28], job->ruleset);
    v_str(&v[29],
          a->ruleset_version ? a->ruleset_version : job->ruleset_version);
}

static void
free_areas(void *p, size_t n)
{
    nbl__xareas_free(p, n);
}

static int
build_areas(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l, int ts)
{
    nbl__xarea *a;
    size_t n;
    int rc =
        nbl__store_export_areas(ws, job->ruleset, ts ? 0 : job->year, &a, &n);
    if (rc)
        return rc;
    l->name = ts ? "timeseries" : "areas";
    l->title = ts ? "Udvikling over tid" : "Boligområder";
    l->geom = NBL__XG_POLYGON;
    l->fields = area_fields;
    l->nfields = ts ? TS_NFIELDS : AREA_NFIELDS;
    l->temporal = ts;
    l->storage = a;
    l->storage_n = n;
    l->free_fn = free_areas;
    if (!nbl__xlayer_alloc(l, n))
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        nbl__xval *v = &l->vals[i * (size_t)l->nfields];
        area_row(l, job, &a[i], v);
        l->wkb[i] = a[i].wkb;
        l->wkb_len[i] = a[i].wkb_len;
        if (ts) {
            char *s = malloc(16), *e = malloc(16);
            if (s)
                snprintf(s, 16, "%04d-01-01", a[i].year);
            if (e)
                snprintf(e, 16, "%04d-12-31", a[i].year);
            v_str(&v[30], nbl__xlayer_keep(l, s));
            v_str(&v[31], nbl__xlayer_keep(l, e));
        }
    }
    return NBL_OK;
}

static int
build_areas_year(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    return build_areas(ws, job, l, 0);
}

static int
build_timeseries(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    return build_areas(ws, job, l, 1);
}

/* ---- alerts ------------------------------------------------------------- */

static const nbl__xfield alert_fields[] = {
    {"area_id", NBL__XF_STR},    {"name", NBL__XF_STR},
    {"year", NBL__XF_INT},       {"kind", NBL__XF_STR},
    {"rule", NBL__XF_STR},       {"severity", NBL__XF_STR},
    {"value", NBL__XF_REAL},     {"value_status", NBL__XF_STR},
    {"threshold", NBL__XF_REAL}, {"message", NBL__XF_STR},
    {"state", NBL__XF_STR},      {"first_year", NBL__XF_INT},
    {"ruleset", NBL__XF_STR},
};

static void
free_alerts(void *p, size_t n)
{
    nbl__xalerts_free(p, n);
}

static int
build_alerts(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    nbl__xalert *a;
    size_t n;
    int rc = nbl__store_export_alerts(ws, job->ruleset, job->year, &a, &n);
    if (rc)
        return rc;
    l->name = "alerts";
    l->title = "Varsler";
    l->geom = NBL__XG_POINT;
    l->fields = alert_fields;
    l->nfields = (int)(sizeof alert_fields / sizeof alert_fields[0]);
    l->storage = a;
    l->storage_n = n;
    l->free_fn = free_alerts;
    if (!nbl__xlayer_alloc(l, n))
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        nbl__xval *v = &l->vals[o * (size_t)l->nfields];
        int sup = !job->unsuppressed &&
                  nbl__disclosure_alert(&job->disc, a[i].pop, a[i].denom);
        int small = sup && nbl__disclosure_area(&job->disc, a[i].pop);
        if (small && i > 0 && strcmp(a[i - 1].area_id, a[i].area_id) == 0 &&
            nbl__disclosure_area(&job->disc, a[i - 1].pop))
            continue; /* one line per small area (the alert list's rule) */
        v_str(&v[0], a[i].area_id);
        v_str(&v[1], a[i].name);
        v_int(&v[2], a[i].year);
        v_str(&v[3], small ? "withheld" : a[i].kind);
        v_str(&v[4], small ? "withheld" : a[i].rule);
        v_str(&v[5], a[i].severity);
        if (small) {
            /* an area below the publication minimum: nothing about its
             * criteria, values or distances */
            v_str(&v[7], "suppressed");
            v_str(&v[9], nbl__xlayer_keep(
                             l, nbl__disclosure_small_area_message(
                                    &job->disc, a[i].name, a[i].area_id)));
        } else if (sup) {
            v_str(&v[7], "suppressed");
            /* The stored message may quote the value: replace it. */
            v_str(&v[9], nbl__xlayer_keep(l, nbl__disclosure_alert_message(
                                                 a[i].name, a[i].area_id,
                                                 a[i].kind, a[i].rule)));
        } else {
            v_real(&v[6], a[i].value, 3);
            v_str(&v[7], isnan(a[i].value) ? "missing" : "ok");
            v_str(&v[9], a[i].message);
        }
        if (!small)
            v_real(&v[8], a[i].threshold, 3);
        v_str(&v[10], a[i].state);
        if (a[i].first_year > 0)
            v_int(&v[11], a[i].first_year);
        v_str(&v[12], job->ruleset);
        l->wkb[o] = a[i].wkb;
        l->wkb_len[o] = a[i].wkb_len;
        o++;
    }
    l->nrows = o;
    return NBL_OK;
}

/* ---- safety ------------------------------------------------------------- */

static const nbl__xfield safety_fields[] = {
    {"area_id", NBL__XF_STR},
    {"name", NBL__XF_STR},
    {"year", NBL__XF_INT},
    {"safety_index", NBL__XF_REAL},
    {"safety_index_status", NBL__XF_STR},
    {"safety_band", NBL__XF_STR},
    {"perceived", NBL__XF_REAL},
    {"perceived_status", NBL__XF_STR},
    {"problems", NBL__XF_REAL},
    {"problems_status", NBL__XF_STR},
    {"registered", NBL__XF_REAL},
    {"registered_status", NBL__XF_STR},
    {"flag_safe", NBL__XF_BOOL},
    {"flag_night", NBL__XF_BOOL},
};

static void
free_safety(void *p, size_t n)
{
    nbl__xsafety_free(p, n);
}

static void
sub_index(nbl__xval *v, double d, int sup)
{
    if (isnan(d)) {
        v_str(&v[1], "missing");
    } else if (sup) {
        v_str(&v[1], "suppressed");
    } else {
        v_real(&v[0], d, 1);
        v_str(&v[1], "ok");
    }
}

static int
build_safety(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    nbl__xsafety *a;
    size_t n;
    int rc = nbl__store_export_safety(ws, job->year, &a, &n);
    if (rc)
        return rc;
    l->name = "safety";
    l->title = "Tryghedsindeks";
    l->geom = NBL__XG_POLYGON;
    l->fields = safety_fields;
    l->nfields = (int)(sizeof safety_fields / sizeof safety_fields[0]);
    l->storage = a;
    l->storage_n = n;
    l->free_fn = free_safety;
    if (!nbl__xlayer_alloc(l, n))
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        nbl__xval *v = &l->vals[i * (size_t)l->nfields];
        int u = job->unsuppressed;
        int area_sup = !u && nbl__disclosure_area(&job->disc, a[i].pop);
        int survey_sup =
            area_sup || (!u && nbl__disclosure_rate(&job->disc, a[i].survey_n));
        int index_sup =
            area_sup ||
            (survey_sup && (!isnan(a[i].perceived) || !isnan(a[i].problems)));
        v_str(&v[0], a[i].area_id);
        v_str(&v[1], a[i].name);
        v_int(&v[2], a[i].year);
        sub_index(&v[3], a[i].safety_index, index_sup);
        if (!index_sup)
            v_str(&v[5], a[i].band);
        sub_index(&v[6], a[i].perceived, survey_sup);
        sub_index(&v[8], a[i].problems, survey_sup);
        sub_index(&v[10], a[i].registered, area_sup);
        if (!survey_sup) {
            v_bool(&v[12], a[i].flag_safe);
            v_bool(&v[13], a[i].flag_night);
        }
        l->wkb[i] = a[i].wkb;
        l->wkb_len[i] = a[i].wkb_len;
    }
    return NBL_OK;
}

/* ---- profile ---------------------------------------------------------- */

#define PROFILE_FIXED 8 /* fields before the indicators' */
#define PROFILE_PER_IND 6

static void
free_profile(void *p, size_t n)
{
    nbl__xprofile_free(p, n);
}

/* Decimals of an indicator's value, reference and change by unit. */
static int
unit_decimals(const nbl__indicator *ind)
{
    return ind->unit == NBL__UNIT_INDEX ? 1 : 2;
}

/* The count a published indicator value is a rate of (disclosure). */
static const char *
profile_denominator(const nbl__indicator *ind)
{
    return ind->source == NBL__SRC_SAFETY ? "survey_n" : ind->denominator;
}

/* One indicator's six values. Suppressed: area_sup withholds everything,
 * a small denominator everything but the (municipal) reference. The change
 * (value of year - value of year - 1) would give away last year's value, so
 * it is withheld also when last year fails disclosure (prev_sup: the area
 * had too few residents then, or the indicator's denominator was small). */
static void
profile_indicator(const nbl__xjob *job, const nbl__indicator *ind,
                  const nbl__xpind *x, int area_sup, int prev_sup, nbl__xval *v)
{
    const char *status = x->status[0] ? x->status : "missing";
    int dec = unit_decimals(ind);
    int present = !isnan(x->value);
    int sup =
        !job->unsuppressed &&
        (area_sup || (present && nbl__disclosure_rate(&job->disc, x->denom)));
    if (sup)
        status = "suppressed";
    else if (strcmp(status, "ok") == 0 && !present)
        status = "missing";
    v_str(&v[1], status);
    if (!area_sup || job->unsuppressed)
        v_real(&v[2], x->reference, dec);
    if (sup)
        return;
    v_real(&v[0], x->value, dec);
    v_real(&v[3], x->sd_distance, 2);
    if (x->points >= 0)
        v_int(&v[4], x->points);
    if (job->unsuppressed ||
        !(prev_sup || nbl__disclosure_rate(&job->disc, x->prev_denom)))
        v_real(&v[5], x->change, dec);
}

/* One feature per area for the year: the profile score and band and, per
 * indicator of the effective configuration, value, status, reference, SD
 * distance, points and change. The fields follow the configuration. */
static int
build_profile(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    static const nbl__xfield fixed[PROFILE_FIXED] = {
        {"area_id", NBL__XF_STR},
        {"name", NBL__XF_STR},
        {"municipality", NBL__XF_STR},
        {"year", NBL__XF_INT},
        {"profile_points", NBL__XF_INT},
        {"profile_band", NBL__XF_STR},
        {"profile_band_label", NBL__XF_STR},
        {"profile_status", NBL__XF_STR},
    };
    static const char *const suffix[PROFILE_PER_IND] = {
        "", "_status", "_ref", "_sd", "_points", "_change"};
    static const nbl__xftype stype[PROFILE_PER_IND] = {
        NBL__XF_REAL, NBL__XF_STR, NBL__XF_REAL,
        NBL__XF_REAL, NBL__XF_INT, NBL__XF_REAL};
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    const nbl__profile_cfg *cfg = job->profile;
    size_t ni = cfg ? cfg->n_ind : 0;
    const char **names = calloc(ni + 1, sizeof *names);
    const char **denoms = calloc(ni + 1, sizeof *denoms);
    nbl__xprofile *a;
    size_t n;
    int rc = NBL_OK;
    l->name = "profile";
    l->title = "Områdeprofil";
    l->geom = NBL__XG_POLYGON;
    if (!names || !denoms)
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (int f = 0; rc == NBL_OK && f < PROFILE_FIXED; f++)
        rc = nbl__xlayer_add_field(ctx, l, fixed[f].name, fixed[f].type);
    for (size_t i = 0; rc == NBL_OK && i < ni; i++) {
        names[i] = cfg->ind[i].name;
        denoms[i] = profile_denominator(&cfg->ind[i]);
        for (int k = 0; rc == NBL_OK && k < PROFILE_PER_IND; k++) {
            nbl__buf b = {0};
            nbl__buf_printf(&b, "%s%s", cfg->ind[i].name, suffix[k]);
            rc = b.s ? nbl__xlayer_add_field(ctx, l, b.s, stype[k])
                     : nbl__error(ctx, NBL_ENOMEM, "out of memory");
            nbl__buf_free(&b);
        }
    }
    if (rc == NBL_OK)
        rc =
            nbl__store_export_profile(ws, job->year, names, denoms, ni, &a, &n);
    free(names);
    free(denoms);
    if (rc)
        return rc;
    l->storage = a;
    l->storage_n = n;
    l->free_fn = free_profile;
    if (!nbl__xlayer_alloc(l, n))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    for (size_t r = 0; r < n; r++) {
        nbl__xval *v = &l->vals[r * (size_t)l->nfields];
        int area_sup =
            !job->unsuppressed && (nbl__disclosure_area(&job->disc, a[r].pop) ||
                                   nbl__disclosure_count(&job->disc, a[r].pop));
        v_str(&v[0], a[r].area_id);
        v_str(&v[1], a[r].name);
        v_str(&v[2], a[r].municipality);
        v_int(&v[3], a[r].year);
        if (area_sup) {
            v_str(&v[7], "suppressed");
        } else if (a[r].band) {
            if (a[r].points >= 0)
                v_int(&v[4], a[r].points);
            v_str(&v[5], a[r].band);
            v_str(&v[6], nbl__band_label(a[r].band));
            v_str(&v[7], "ok");
        } else {
            /* a score row without a band: not scored (too few residents,
             * indicators without points) */
            v_str(&v[7], a[r].has_score ? "not_evaluable" : "missing");
        }
        int prev_sup = nbl__disclosure_area(&job->disc, a[r].prev_pop) ||
                       nbl__disclosure_count(&job->disc, a[r].prev_pop);
        for (size_t i = 0; i < ni; i++)
            profile_indicator(job, &cfg->ind[i], &a[r].ind[i], area_sup,
                              prev_sup,
                              &v[PROFILE_FIXED + i * PROFILE_PER_IND]);
        l->wkb[r] = a[r].wkb;
        l->wkb_len[r] = a[r].wkb_len;
    }
    return NBL_OK;
}

/* ---- plans ------------------------------------------------------------- */

#define PLAN_FIXED 9
#define PLAN_PER_IND 8

static void
free_plans(void *p, size_t n)
{
    nbl__xplans_free(p, n);
}

static const char *
plan_status(int st)
{
    return st == 0 ? "ok" : st == 2 ? "suppressed" : "missing";
}

/* Plan outlines (union of the plan's areas) with the plan comparison of
 * `nabolag plans compare` (nbl__plans_results: the default indicators, the
 * same property names as its GeoJSON). */
static int
build_plans(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    static const nbl__xfield fixed[PLAN_FIXED] = {
        {"plan_id", NBL__XF_STR},     {"name", NBL__XF_STR},
        {"start_year", NBL__XF_INT},  {"end_year", NBL__XF_INT},
        {"active", NBL__XF_BOOL},     {"areas", NBL__XF_STR},
        {"n_areas", NBL__XF_INT},     {"baseline_year", NBL__XF_INT},
        {"latest_year", NBL__XF_INT},
    };
    static const char *const suffix[PLAN_PER_IND] = {
        "_baseline", "_latest", "_change",     "_comparison_change",
        "_did",      "_target", "_target_met", "_status"};
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__xplan *a;
    nbl__plan_result *res = NULL;
    size_t n, nres = 0;
    int rc = NBL_OK;
    l->name = "plans";
    l->title = "Helhedsplaner";
    l->geom = NBL__XG_POLYGON;
    for (int f = 0; rc == NBL_OK && f < PLAN_FIXED; f++)
        rc = nbl__xlayer_add_field(ctx, l, fixed[f].name, fixed[f].type);
    for (int i = 0; rc == NBL_OK && i < NBL_PLANS_N_DEFAULT; i++)
        for (int k = 0; rc == NBL_OK && k < PLAN_PER_IND; k++) {
            nbl__buf b = {0};
            nbl__buf_printf(&b, "%s%s", nbl__plans_default_indicators[i],
                            suffix[k]);
            rc = b.s ? nbl__xlayer_add_field(ctx, l, b.s,
                                             k == 6   ? NBL__XF_BOOL
                                             : k == 7 ? NBL__XF_STR
                                                      : NBL__XF_REAL)
                     : nbl__error(ctx, NBL_ENOMEM, "out of memory");
            nbl__buf_free(&b);
        }
    if (rc)
        return rc;
    if ((rc = nbl__store_export_plans(ws, &a, &n)))
        return rc;
    l->storage = a;
    l->storage_n = n;
    l->free_fn = free_plans;
    if (n && (rc = nbl__plans_results(ws, job->ruleset, job->opts->config,
                                      job->unsuppressed, &res, &nres)))
        return rc;
    if (!nbl__xlayer_alloc(l, n)) {
        free(res);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        nbl__xval *v = &l->vals[i * (size_t)l->nfields];
        const nbl__plan_result *r = NULL;
        for (size_t k = 0; !r && k < nres; k++)
            if (res[k].start_year == a[i].start_year &&
                strcmp(res[k].plan_id, a[i].plan_id) == 0)
                r = &res[k];
        v_str(&v[0], a[i].plan_id);
        v_str(&v[1], a[i].name);
        v_int(&v[2], a[i].start_year);
        v_int(&v[3], a[i].end_year);
        v_bool(&v[4],
               a[i].start_year <= job->year && job->year <= a[i].end_year);
        v_str(&v[5], a[i].area_ids);
        v_int(&v[6], a[i].n_areas);
        if (r) {
            v_int(&v[7], r->baseline_year);
            v_int(&v[8], r->latest_year);
        }
        for (int k = 0; k < NBL_PLANS_N_DEFAULT; k++) {
            nbl__xval *x = &v[PLAN_FIXED + k * PLAN_PER_IND];
            if (!r) {
                v_str(&x[7], "missing");
                continue;
            }
            for (int c = 0; c < 6; c++)
                v_real(&x[c], r->v[k][c], 2);
            v_bool(&x[6], r->target_met[k]);
            v_str(&x[7], plan_status(r->status[k]));
        }
        l->wkb[i] = a[i].wkb;
        l->wkb_len[i] = a[i].wkb_len;
    }
    free(res);
    return NBL_OK;
}

/* The layers in project order (top of the legend first). To add a layer,
 * add its builder here (see layer.h). */
static int (*const builders[])(nbl_ws *, const nbl__xjob *, nbl__xlayer *) = {
    build_alerts,  build_plans,  build_areas_year,
    build_profile, build_safety, build_timeseries,
};
#define NLAYERS (sizeof builders / sizeof builders[0])

/* ---- GDAL plumbing ------------------------------------------------------ */

typedef struct gdal_err {
    char msg[512];
} gdal_err;

static void CPL_STDCALL
capture_error(CPLErr cls, CPLErrorNum no, const char *msg)
{
    gdal_err *e = CPLGetErrorHandlerUserData();
    (void)no;
    if (cls >= CE_Failure && e && !e->msg[0])
        snprintf(e->msg, sizeof e->msg, "%s", msg);
}

static int
gdal_fail(nbl_ctx *ctx, const gdal_err *e, const char *path, const char *what)
{
    return nbl__error(ctx, NBL_EIO, "%s: %s%s%s", path, what,
                      e->msg[0] ? ": " : "", e->msg);
}

static OGRSpatialReferenceH
srs_epsg(int code)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (s && OSRImportFromEPSG(s, code) != OGRERR_NONE) {
        OSRDestroySpatialReference(s);
        return NULL;
    }
    if (s)
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

static OGRFieldType
ogr_type(nbl__xftype t, OGRFieldSubType *sub)
{
    *sub = OFSTNone;
    switch (t) {
    case NBL__XF_INT:
        return OFTInteger;
    case NBL__XF_REAL:
        return OFTReal;
    case NBL__XF_BOOL:
        *sub = OFSTBoolean;
        return OFTInteger;
    case NBL__XF_DATE:
        return OFTDate;
    default:
        return OFTString;
    }
}

static void
env_add(double env[4], OGRGeometryH g)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    if (env[0] > env[2]) {
        env[0] = e.MinX, env[1] = e.MinY;
        env[2] = e.MaxX, env[3] = e.MaxY;
    } else {
        env[0] = e.MinX < env[0] ? e.MinX : env[0];
        env[1] = e.MinY < env[1] ? e.MinY : env[1];
        env[2] = e.MaxX > env[2] ? e.MaxX : env[2];
        env[3] = e.MaxY > env[3] ? e.MaxY : env[3];
    }
}

/* Writes one layer into ds. Extends env[0..3] (lon/lat) and env[4..7]
 * (working CRS) with its geometries. */
static int
write_layer(nbl_ctx *ctx, const gdal_err *ge, GDALDatasetH ds, const char *path,
            const nbl__xlayer *l, OGRSpatialReferenceH wgs,
            OGRCoordinateTransformationH ct, char **lco, double env[8])
{
    OGRLayerH lyr = GDALDatasetCreateLayer(
        ds, l->name, wgs, l->geom == NBL__XG_POINT ? wkbPoint : wkbMultiPolygon,
        lco);
    int rc = NBL_OK;
    if (!lyr)
        return gdal_fail(ctx, ge, path, "cannot create layer");
    for (int f = 0; f < l->nfields; f++) {
        OGRFieldSubType sub;
        OGRFieldDefnH fd = OGR_Fld_Create(l->fields[f].name,
                                          ogr_type(l->fields[f].type, &sub));
        OGR_Fld_SetSubType(fd, sub);
        if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE)
            rc = gdal_fail(ctx, ge, path, "cannot create field");
        OGR_Fld_Destroy(fd);
        if (rc)
            return rc;
    }
    if (OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        return gdal_fail(ctx, ge, path, "cannot start transaction");
    for (size_t i = 0; i < l->nrows && rc == NBL_OK; i++) {
        OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        const nbl__xval *v = &l->vals[i * (size_t)l->nfields];
        for (int f = 0; f < l->nfields; f++) {
            if (!v[f].set) {
                OGR_F_SetFieldNull(ft, f);
                continue;
            }
            switch (l->fields[f].type) {
            case NBL__XF_STR:
                OGR_F_SetFieldString(ft, f, v[f].s);
                break;
            case NBL__XF_INT:
            case NBL__XF_BOOL:
                OGR_F_SetFieldInteger(ft, f, (int)v[f].i);
                break;
            case NBL__XF_REAL:
                OGR_F_SetFieldDouble(ft, f, v[f].d);
                break;
            case NBL__XF_DATE: {
                long y, m, d;
                char tmp[16];
                snprintf(tmp, sizeof tmp, "%s", v[f].s);
                tmp[4] = tmp[7] = '\0';
                if (nbl__parse_long(tmp, &y) && nbl__parse_long(tmp + 5, &m) &&
                    nbl__parse_long(tmp + 8, &d))
                    OGR_F_SetFieldDateTime(ft, f, (int)y, (int)m, (int)d, 0, 0,
                                           0, 0);
                break;
            }
            }
        }
        if (l->wkb[i]) {
            OGRGeometryH g = NULL;
            if (OGR_G_CreateFromWkb(l->wkb[i], NULL, &g, (int)l->wkb_len[i]) ==
                OGRERR_NONE)
                env_add(env + 4, g);
            if (!g || OGR_G_Transform(g, ct) != OGRERR_NONE) {
                rc = nbl__error(ctx, NBL_ECRS,
                                "%s: layer '%s': feature '%s': cannot "
                                "transform geometry to EPSG:4326",
                                path, l->name, v[0].s ? v[0].s : "?");
            } else {
                if (l->geom == NBL__XG_POLYGON &&
                    wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon)
                    g = OGR_G_ForceToMultiPolygon(g);
                env_add(env, g);
                OGR_F_SetGeometryDirectly(ft, g);
                g = NULL;
            }
            if (g)
                OGR_G_DestroyGeometry(g);
        }
        if (rc == NBL_OK && OGR_L_CreateFeature(lyr, ft) != OGRERR_NONE)
            rc = gdal_fail(ctx, ge, path, "cannot write feature");
        OGR_F_Destroy(ft);
    }
    if (OGR_L_CommitTransaction(lyr) != OGRERR_NONE && rc == NBL_OK)
        rc = gdal_fail(ctx, ge, path, "cannot write layer");
    return rc;
}

/* ---- provenance --------------------------------------------------------- */

/* An integer when the value is whole (3, not 3.0). */
static json_t *
num_json(double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *
provenance(nbl_ws *ws, const nbl__xjob *job, const char *layer)
{
    json_t *p = json_object(), *in = json_array(), *d = json_object();
    nbl__xinput *inputs = NULL;
    size_t n = 0;
    char now[32];
    nbl__store_export_now(now);
    json_object_set_new(p, "tool", json_string("nabolag"));
    json_object_set_new(p, "tool_version", json_string(nbl_version()));
    if (layer)
        json_object_set_new(p, "layer", json_string(layer));
    json_object_set_new(p, "ruleset", json_string(job->ruleset));
    json_object_set_new(p, "ruleset_version",
                        job->ruleset_version ? json_string(job->ruleset_version)
                                             : json_null());
    json_object_set_new(p, "year", json_integer(job->year));
    if (nbl__store_export_inputs(ws, &inputs, &n) == NBL_OK) {
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "kind", json_string(inputs[i].kind));
            json_object_set_new(o, "source", json_string(inputs[i].source));
            json_array_append_new(in, o);
        }
        nbl__xinputs_free(inputs, n);
    }
    json_object_set_new(p, "inputs", in);
    json_object_set_new(p, "generated_at", json_string(now));
    if (job->opts->run_id)
        json_object_set_new(p, "run_id", json_string(job->opts->run_id));
    json_object_set_new(d, "applied", json_boolean(!job->unsuppressed));
    json_object_set_new(d, "min_count", num_json(job->disc.min_count));
    json_object_set_new(d, "min_denominator",
                        num_json(job->disc.min_denominator));
    json_object_set_new(d, "min_residents_publish",
                        num_json(job->disc.min_residents_publish));
    json_object_set_new(p, "disclosure", d);
    if (job->unsuppressed)
        json_object_set_new(p, "internal_use_only",
                            json_string(NBL__INTERNAL_USE_ONLY));
    return p;
}

/* ---- output files ------------------------------------------------------- */

typedef struct outfile {
    char *final, *tmp;
} outfile;

typedef struct outset {
    outfile *f;
    size_t n;
    const char *infix; /* "-INTERNAL" for an unsuppressed export, or "" */
} outset;

/* What an unsuppressed export adds to every file name (before the first
 * '.': areas-INTERNAL.geojson beside areas-INTERNAL.qml). */
static const char *
name_infix(const nbl_export_opts *opts)
{
    return opts->internal_unsuppressed ? "-INTERNAL" : "";
}

/* Registers an output file; returns its temporary path (borrowed). The
 * temporary name keeps the extension so drivers accept it. */
static const char *
outset_add(outset *o, const char *dir, const char *base)
{
    outfile *f = realloc(o->f, (o->n + 1) * sizeof *f);
    nbl__buf a = {0}, b = {0};
    const char *dot = strchr(base, '.');
    int stem = dot ? (int)(dot - base) : (int)strlen(base);
    const char *infix = o->infix ? o->infix : "";
    if (!f)
        return NULL;
    o->f = f;
    nbl__buf_printf(&a, "%s/%.*s%s%s", dir, stem, base, infix, base + stem);
    nbl__buf_printf(&b, "%s/.nbltmp%ld.%.*s%s%s", dir, (long)getpid(), stem,
                    base, infix, base + stem);
    if (!a.s || !b.s) {
        nbl__buf_free(&a);
        nbl__buf_free(&b);
        return NULL;
    }
    o->f[o->n].final = a.s;
    o->f[o->n].tmp = b.s;
    return o->f[o->n++].tmp;
}

static void
outset_free(outset *o, int remove_tmp)
{
    for (size_t i = 0; i < o->n; i++) {
        if (remove_tmp)
            remove(o->f[i].tmp);
        free(o->f[i].final);
        free(o->f[i].tmp);
    }
    free(o->f);
    o->f = NULL;
    o->n = 0;
}

static int
write_text(nbl_ctx *ctx, const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    size_t n = strlen(text);
    int ok;
    if (!f)
        return nbl__error(ctx, NBL_EIO, "%s: cannot write: %s", path,
                          nbl__io_reason(errno));
    ok = fwrite(text, 1, n, f) == n && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        return nbl__error(ctx, NBL_EIO, "%s: write failed: %s", path,
                          nbl__io_reason(errno));
    return NBL_OK;
}

/* ---- GeoPackage styles -------------------------------------------------- */

static int
gpkg_styles(nbl_ctx *ctx, const gdal_err *ge, GDALDatasetH ds, const char *path,
            const nbl__xjob *job, const nbl__xlayer *layers, size_t n)
{
    /* QGIS's own schema for styles stored in a GeoPackage. */
    static const char *const cols[] = {"f_table_catalog",
                                       "f_table_schema",
                                       "f_table_name",
                                       "f_geometry_column",
                                       "styleName",
                                       "styleQML",
                                       "styleSLD",
                                       "useAsDefault",
                                       "description",
                                       "owner",
                                       "ui",
                                       "update_time"};
    OGRLayerH lyr =
        GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, NULL);
    char now[32];
    int rc = NBL_OK;
    if (!lyr)
        return gdal_fail(ctx, ge, path, "cannot create layer_styles");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(
            cols[i], i == 7 ? OFTInteger : (i == 11 ? OFTDateTime : OFTString));
        if (i == 7)
            OGR_Fld_SetSubType(fd, OFSTBoolean);
        if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE)
            rc = gdal_fail(ctx, ge, path, "cannot create layer_styles");
        OGR_Fld_Destroy(fd);
        if (rc)
            return rc;
    }
    nbl__store_export_now(now);
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        const char *const *extra = nbl__qgis_extra_styles(layers[i].name);
        for (int s = -1; rc == NBL_OK && (s < 0 || (extra && extra[s])); s++) {
            const char *sname = s < 0 ? NULL : extra[s];
            char *qml = nbl__qgis_qml(job, layers[i].name, sname);
            OGRFeatureH ft;
            int y, mo, d, h, mi, se;
            if (!qml)
                break;
            ft = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
            OGR_F_SetFieldString(ft, 0, "");
            OGR_F_SetFieldString(ft, 1, "");
            OGR_F_SetFieldString(ft, 2, layers[i].name);
            OGR_F_SetFieldString(ft, 3, "geom");
            OGR_F_SetFieldString(ft, 4, sname ? sname : layers[i].name);
            OGR_F_SetFieldString(ft, 5, qml);
            OGR_F_SetFieldString(ft, 6, "");
            OGR_F_SetFieldInteger(ft, 7, s < 0);
            OGR_F_SetFieldString(ft, 8, "nabolag");
            OGR_F_SetFieldString(ft, 9, "");
            if (sscanf(now, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) ==
                6)
                OGR_F_SetFieldDateTime(ft, 11, y, mo, d, h, mi, se, 100);
            if (OGR_L_CreateFeature(lyr, ft) != OGRERR_NONE)
                rc = gdal_fail(ctx, ge, path, "cannot write layer_styles");
            OGR_F_Destroy(ft);
            free(qml);
        }
    }
    return rc;
}

/* ---- the command -------------------------------------------------------- */

static int
ensure_dir(nbl_ctx *ctx, const char *dir, int *created)
{
    struct stat st;
    *created = 0;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nbl__error(ctx, NBL_EIO, "%s: not a folder", dir);
        return NBL_OK;
    }
    if (mkdir(dir, 0777) != 0)
        return nbl__error(ctx, NBL_EIO, "%s: cannot create folder: %s", dir,
                          strerror(errno));
    *created = 1;
    return NBL_OK;
}

/* Every final path must be absent, or (with overwrite) a regular file:
 * rename() would fail on a directory half-way through the set and leave a
 * half-replaced folder, so this is checked before anything is renamed. */
static int
check_exists(nbl_ctx *ctx, const outset *o, int overwrite)
{
    struct stat st;
    for (size_t i = 0; i < o->n; i++) {
        if (stat(o->f[i].final, &st) != 0)
            continue;
        if (!S_ISREG(st.st_mode))
            return nbl__error(ctx, NBL_EEXISTS,
                              "%s: exists and is not a regular file; "
                              "nothing was replaced",
                              o->f[i].final);
        if (!overwrite)
            return nbl__error(ctx, NBL_EEXISTS,
                              "%s: already exists (use --overwrite to "
                              "replace it)",
                              o->f[i].final);
    }
    return NBL_OK;
}

static int
write_geojson(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *layers, size_t n,
              outset *o, gdal_err *ge, OGRSpatialReferenceH wgs,
              OGRCoordinateTransformationH ct, double env[8])
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    GDALDriverH drv = GDALGetDriverByName("GeoJSON");
    int rc = NBL_OK;
    if (!drv)
        return nbl__error(ctx, NBL_EIO, "GDAL has no GeoJSON driver");
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        nbl__buf base = {0};
        const char *tmp;
        GDALDatasetH ds;
        char **lco = NULL;
        json_t *nat = json_object();
        char *nats;
        json_object_set_new(nat, "nabolag",
                            provenance(ws, job, layers[i].name));
        nats = json_dumps(nat, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(nat);
        nbl__buf_printf(&base, "%s.geojson", layers[i].name);
        tmp = base.s ? outset_add(o, job->opts->dir, base.s) : NULL;
        nbl__buf_free(&base);
        if (!tmp || !nats) {
            free(nats);
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        }
        ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
        if (!ds) {
            free(nats);
            return gdal_fail(ctx, ge, o->f[o->n - 1].final, "cannot create");
        }
        lco = CSLSetNameValue(lco, "RFC7946", "YES");
        lco = CSLSetNameValue(lco, "COORDINATE_PRECISION", COORD_PRECISION);
        lco = CSLSetNameValue(lco, "WRITE_NAME", "NO");
        lco = CSLSetNameValue(lco, "WRITE_BBOX", "NO");
        lco = CSLSetNameValue(lco, "NATIVE_DATA", nats);
        lco = CSLSetNameValue(lco, "NATIVE_MEDIA_TYPE",
                              "application/vnd.geo+json");
        free(nats);
        rc = write_layer(ctx, ge, ds, o->f[o->n - 1].final, &layers[i], wgs, ct,
                         lco, env);
        CSLDestroy(lco);
        GDALClose(ds);
        if (rc == NBL_OK && ge->msg[0])
            rc = gdal_fail(ctx, ge, o->f[o->n - 1].final, "write failed");
        if (rc == NBL_OK) {
            char *qml = nbl__qgis_qml(job, layers[i].name, NULL);
            nbl__buf qb = {0};
            nbl__buf_printf(&qb, "%s.qml", layers[i].name);
            tmp = qb.s ? outset_add(o, job->opts->dir, qb.s) : NULL;
            nbl__buf_free(&qb);
            if (qml && tmp)
                rc = write_text(ctx, tmp, qml);
            else if (!tmp)
                rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
            free(qml);
        }
    }
    return rc;
}

static int
write_gpkg(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *layers, size_t n,
           outset *o, gdal_err *ge, OGRSpatialReferenceH wgs,
           OGRCoordinateTransformationH ct, double env[8])
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    const char *tmp = outset_add(o, job->opts->dir, "nabolag.gpkg");
    const char *final;
    GDALDatasetH ds;
    json_t *prov;
    char *provs, now[32];
    int rc = NBL_OK;
    if (!drv)
        return nbl__error(ctx, NBL_EIO, "GDAL has no GPKG driver");
    if (!tmp)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    final = o->f[o->n - 1].final;
    /* gpkg_contents.last_change from our clock (SOURCE_DATE_EPOCH), so the
     * file is reproducible. */
    nbl__store_export_now(now);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", now);
    ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
        return gdal_fail(ctx, ge, final, "cannot create");
    }
    for (size_t i = 0; i < n && rc == NBL_OK; i++) {
        char **lco = NULL;
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "IDENTIFIER", layers[i].title);
        lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "YES");
        rc = write_layer(ctx, ge, ds, final, &layers[i], wgs, ct, lco, env);
        CSLDestroy(lco);
    }
    if (rc == NBL_OK)
        rc = gpkg_styles(ctx, ge, ds, final, job, layers, n);
    if (rc == NBL_OK) {
        prov = provenance(ws, job, NULL);
        provs = json_dumps(prov, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(prov);
        if (provs && GDALSetMetadataItem(ds, "NABOLAG_PROVENANCE", provs,
                                         NULL) != CE_None)
            rc = gdal_fail(ctx, ge, final, "cannot write metadata");
        free(provs);
    }
    GDALClose(ds);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    if (rc == NBL_OK && ge->msg[0])
        rc = gdal_fail(ctx, ge, final, "write failed");
    return rc;
}

static int
resolve_job(nbl_ws *ws, const nbl_export_opts *opts, nbl__xjob *job,
            char **ruleset_own, char **version_own)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    int rc;
    memset(job, 0, sizeof *job);
    job->opts = opts;
    job->unsuppressed = opts->internal_unsuppressed;
    nbl__disclosure_defaults(&job->disc);
    if ((rc = nbl__disclosure_load(ctx, opts->config, &job->disc)))
        return rc;
    if (opts->ruleset) {
        job->ruleset = opts->ruleset;
    } else {
        if ((rc = nbl__store_meta_get(ws, "current_ruleset", ruleset_own)))
            return rc;
        if (!*ruleset_own)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no computed results (run `nabolag "
                              "compute` first, or pass --ruleset)",
                              nbl_ws_path(ws));
        job->ruleset = *ruleset_own;
    }
    if (opts->year > 0) {
        long n;
        int first, last;
        job->year = opts->year;
        if ((rc = nbl__store_export_years(ws, job->ruleset, job->year, &n,
                                          &first, &last)))
            return rc;
        if (n == 0 && first == 0)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no results for ruleset '%s' (run "
                              "`nabolag compute` first)",
                              nbl_ws_path(ws), job->ruleset);
        if (n == 0)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no results for ruleset '%s' in %d "
                              "(results exist for %d-%d)",
                              nbl_ws_path(ws), job->ruleset, job->year, first,
                              last);
    } else {
        if ((rc = nbl__store_export_latest_year(ws, job->ruleset, &job->year)))
            return rc;
        if (job->year == 0)
            return nbl__error(ctx, NBL_ENOTFOUND,
                              "%s: no results for ruleset '%s' (run "
                              "`nabolag compute` first)",
                              nbl_ws_path(ws), job->ruleset);
    }
    if ((rc = nbl__store_export_ruleset_version(ws, job->ruleset, version_own)))
        return rc;
    job->ruleset_version = *version_own;
    return NBL_OK;
}

/* Thresholds of the year's results, for the graduated styles. */
static void
job_thresholds(nbl__xjob *job, const nbl__xlayer *areas)
{
    const nbl__xarea *a = areas->storage;
    for (int k = 0; k < NBL__XC_N; k++) {
        job->threshold[k] = NAN;
        job->threshold_low[k] = NAN;
        for (size_t i = 0; i < areas->storage_n; i++) {
            if (isnan(job->threshold[k]) && !isnan(a[i].crit[k].threshold))
                job->threshold[k] = a[i].crit[k].threshold;
            if (isnan(job->threshold_low[k]) &&
                !isnan(a[i].crit[k].threshold_low))
                job->threshold_low[k] = a[i].crit[k].threshold_low;
        }
    }
}

int
nbl_export(nbl_ws *ws, const nbl_export_opts *opts)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__xjob job;
    nbl__profile_cfg pcfg;
    nbl__xlayer layers[NLAYERS];
    char *ruleset_own = NULL, *version_own = NULL;
    outset o = {0};
    gdal_err ge = {{0}};
    OGRSpatialReferenceH src = NULL, wgs = NULL;
    OGRCoordinateTransformationH ct = NULL;
    char *wkt_work = NULL, *wkt_wgs = NULL;
    double env[8] = {1, 1, 0, 0, 1, 1, 0, 0}; /* empty */
    int rc, created = 0, committed = 0, lock_fd = -1;
    size_t nl = 0;

    memset(layers, 0, sizeof layers);
    memset(&pcfg, 0, sizeof pcfg);
    mode_t umask_before;

    if (!opts || !opts->dir || !*opts->dir)
        return nbl__error(ctx, NBL_EINVAL, "export: no output folder given");
    /* Unsuppressed outputs are private from their first byte: everything
     * created meanwhile (by us, GDAL or SQLite) gets mode 0600 (a new
     * folder 0700), and their names say INTERNAL. */
    umask_before = umask(opts->internal_unsuppressed ? 077 : 0);
    umask(opts->internal_unsuppressed ? (umask_before | 077) : umask_before);
    o.infix = name_infix(opts);
    rc = resolve_job(ws, opts, &job, &ruleset_own, &version_own);
    /* the indicators of the profile layer: gis/indicators.ini and the
     * config's [profile] and [indicator.*] sections */
    if (rc == NBL_OK &&
        (rc = nbl__profile_cfg_load(ctx, &pcfg, opts->config)) == NBL_OK)
        job.profile = &pcfg;
    for (nl = 0; rc == NBL_OK && nl < NLAYERS; nl++) {
        rc = builders[nl](ws, &job, &layers[nl]);
        if (rc == NBL_OK)
            rc = nbl__progress(ctx, 0.1 + 0.4 * (double)(nl + 1) / NLAYERS,
                               "export");
    }
    if (rc == NBL_OK) {
        for (size_t i = 0; i < nl; i++)
            if (strcmp(layers[i].name, "areas") == 0)
                job_thresholds(&job, &layers[i]);
    }
    if (rc == NBL_OK)
        rc = ensure_dir(ctx, opts->dir, &created);
    /* Two exports into one folder never mix their files. `nabolag run`
     * (final_dir set) holds the lock of the real folder itself. */
    if (rc == NBL_OK && !opts->final_dir)
        rc = nbl__dir_lock(ctx, opts->dir, &lock_fd);

    GDALAllRegister();
    CPLPushErrorHandlerEx(capture_error, &ge);
    if (rc == NBL_OK) {
        src = srs_epsg(nbl_ws_srid(ws));
        wgs = srs_epsg(4326);
        ct = src && wgs ? OCTNewCoordinateTransformation(src, wgs) : NULL;
        if (ct) {
            const char *const wopt[] = {"FORMAT=WKT2_2019", "MULTILINE=NO",
                                        NULL};
            if (OSRExportToWktEx(src, &wkt_work, wopt) == OGRERR_NONE &&
                OSRExportToWktEx(wgs, &wkt_wgs, wopt) == OGRERR_NONE) {
                job.wkt_work = wkt_work;
                job.wkt_wgs84 = wkt_wgs;
            }
        }
        if (!ct)
            rc = nbl__error(ctx, NBL_ECRS,
                            "cannot transform EPSG:%d to EPSG:4326%s%s",
                            nbl_ws_srid(ws), ge.msg[0] ? ": " : "", ge.msg);
    }
    /* Check every final name before writing anything. */
    if (rc == NBL_OK) {
        outset probe = {0};
        int ok = 1;
        probe.infix = o.infix;
        if (opts->format == NBL_EXPORT_GPKG) {
            ok = outset_add(&probe, opts->dir, "nabolag.gpkg") != NULL;
        } else {
            for (size_t i = 0; ok && i < nl; i++) {
                nbl__buf b = {0}, q = {0};
                nbl__buf_printf(&b, "%s.geojson", layers[i].name);
                nbl__buf_printf(&q, "%s.qml", layers[i].name);
                ok = b.s && q.s && outset_add(&probe, opts->dir, b.s) &&
                     outset_add(&probe, opts->dir, q.s);
                nbl__buf_free(&b);
                nbl__buf_free(&q);
            }
        }
        ok = ok && outset_add(&probe, opts->dir, "nabolag.qgs");
        rc = ok ? check_exists(ctx, &probe, opts->overwrite)
                : nbl__error(ctx, NBL_ENOMEM, "out of memory");
        outset_free(&probe, 0);
    }
    if (rc == NBL_OK) {
        if (opts->format == NBL_EXPORT_GPKG)
            rc = write_gpkg(ws, &job, layers, nl, &o, &ge, wgs, ct, env);
        else
            rc = write_geojson(ws, &job, layers, nl, &o, &ge, wgs, ct, env);
    }
    if (rc == NBL_OK)
        rc = nbl__progress(ctx, 0.9, "export");
    if (rc == NBL_OK) {
        const char *srcs[NLAYERS];
        char *names[NLAYERS] = {0};
        char *qgs;
        const char *tmp;
        for (size_t i = 0; i < nl; i++) {
            nbl__buf b = {0};
            if (opts->format == NBL_EXPORT_GPKG)
                nbl__buf_printf(&b, "./nabolag%s.gpkg|layername=%s", o.infix,
                                layers[i].name);
            else
                /* The geometry type lets QGIS load an empty layer. */
                nbl__buf_printf(
                    &b, "./%s%s.geojson|geometrytype=%s", layers[i].name,
                    o.infix,
                    layers[i].geom == NBL__XG_POINT ? "Point" : "MultiPolygon");
            names[i] = b.s;
            srcs[i] = b.s ? b.s : "";
        }
        qgs =
            nbl__qgis_project(&job, layers, nl, srcs, env + 4, nbl_ws_srid(ws));
        tmp = outset_add(&o, opts->dir, "nabolag.qgs");
        if (!qgs || !tmp)
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        else
            rc = write_text(ctx, tmp, qgs);
        free(qgs);
        for (size_t i = 0; i < nl; i++)
            free(names[i]);
    }
    /* All files complete: check the final names again (the folder may
     * have changed while writing), then rename them into place. */
    if (rc == NBL_OK)
        rc = check_exists(ctx, &o, opts->overwrite);
    for (size_t i = 0; rc == NBL_OK && i < o.n; i++) {
        if (rename(o.f[i].tmp, o.f[i].final) != 0)
            rc = nbl__error(ctx, NBL_EIO, "%s: cannot rename into place: %s",
                            o.f[i].final, strerror(errno));
        else
            committed = 1;
    }
    CPLPopErrorHandler();
    if (rc == NBL_OK) {
        nbl__buf d = {0};
        nbl__buf_printf(&d,
                        "{\"year\": %d, \"format\": \"%s\", \"layers\": %zu, "
                        "\"disclosure_applied\": %s}",
                        job.year,
                        opts->format == NBL_EXPORT_GPKG ? "gpkg" : "geojson",
                        nl, job.unsuppressed ? "false" : "true");
        /* The files are in place; a run log that cannot be written (a
         * read-only workspace, or one another nabolag is writing: an
         * export is a reader and does not wait) is a warning, not a
         * failed export. */
        int lrc = nbl__store_try_begin(ws);
        if (lrc == NBL_OK) {
            lrc = nbl__store_log_run(
                ws, "export", opts->final_dir ? opts->final_dir : opts->dir, -1,
                -1, -1, -1, d.s);
            if (lrc == NBL_OK)
                lrc = nbl__store_commit(ws);
            else
                nbl__store_rollback(ws);
        }
        if (lrc != NBL_OK) {
            nbl__warn(ctx, "export run not logged: %s", nbl_ctx_errmsg(ctx));
            nbl_ctx_clear_error(ctx);
        }
        nbl__buf_free(&d);
        if (rc == NBL_OK)
            nbl__info(ctx, "exported %zu layers for %d (ruleset %s) to %s", nl,
                      job.year, job.ruleset,
                      opts->final_dir ? opts->final_dir : opts->dir);
    }
    if (rc != NBL_OK) /* name the outputs asked for, not temporary names */
        for (size_t i = 0; i < o.n; i++)
            nbl__error_rename(ctx, o.f[i].tmp, o.f[i].final);
    outset_free(&o, 1);
    if (rc != NBL_OK && created && !committed)
        rmdir(opts->dir);
    nbl__dir_unlock(lock_fd);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (src)
        OSRDestroySpatialReference(src);
    if (wgs)
        OSRDestroySpatialReference(wgs);
    for (size_t i = 0; i < NLAYERS; i++)
        nbl__xlayer_free(&layers[i]);
    nbl__profile_cfg_free(&pcfg);
    CPLFree(wkt_work);
    CPLFree(wkt_wgs);
    free(ruleset_own);
    free(version_own);
    umask(umask_before);
    return rc;
}
