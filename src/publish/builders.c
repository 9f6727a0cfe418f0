/*
 * builders.c - the export's layers: one builder per theme (alerts, plans,
 * areas, profile, safety, timeseries) reads its rows through a
 * store_export.c query, applies disclosure control and fills the layer
 * model (layer.h) in the working CRS. Nothing here knows GDAL; writer.c
 * writes the layers.
 *
 * Invariants: rows come sorted by area_id (then year) from the store; a
 * suppressed or missing value is null with a `<field>_status` saying why.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/plans_internal.h"
#include "model/categories.h"
#include "publish/builders.h"
#include "store/store.h"
#include "store/store_export.h"
#include "store/store_plans.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

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
    /* status/dynamics ([status_dynamics], docs/methods.md) */
    {"status_index", NBL__XF_REAL},
    {"status_class", NBL__XF_STR},
    {"status_class_status", NBL__XF_STR},
    {"dynamics_index", NBL__XF_REAL},
    {"dynamics_class", NBL__XF_STR},
    {"dynamics_class_status", NBL__XF_STR},
    {"sd_group", NBL__XF_STR},
    {"sd_reason", NBL__XF_STR},
    /* timeseries only: */
    {"year_start", NBL__XF_DATE},
    {"year_end", NBL__XF_DATE},
};
#define AREA_NFIELDS 38
#define TS_NFIELDS 40

/* "ok", "not_classified" (excluded, under min_residents), "missing". */
static const char *
sd_state(const char *st)
{
    if (!st || strcmp(st, "missing") == 0)
        return "missing";
    if (strcmp(st, "ok") == 0)
        return "ok";
    return "not_classified";
}

/* The status/dynamics fields (v[30..37]) of an areas row: withheld with
 * the whole area (area_sup); null with a *_status where not classified. */
static void
sd_fields(const nbl__xarea *a, int area_sup, nbl__xval *v)
{
    const char *s = sd_state(a->sd_st), *d = sd_state(a->sd_dst);
    if (area_sup) {
        v_str(&v[32], "suppressed");
        v_str(&v[35], "suppressed");
        return;
    }
    if (strcmp(s, "ok") == 0 && a->status_class) {
        v_real(&v[30], a->status_index, 5);
        v_str(&v[31], a->status_class);
    } else if (strcmp(s, "ok") == 0) {
        s = "missing";
    }
    if (strcmp(d, "ok") == 0 && a->dynamics_class) {
        v_real(&v[33], a->dynamics_index, 5);
        v_str(&v[34], a->dynamics_class);
    } else if (strcmp(d, "ok") == 0) {
        d = "missing";
    }
    v_str(&v[32], s);
    v_str(&v[35], d);
    if (a->sd_group && strcmp(s, "ok") == 0 && strcmp(d, "ok") == 0)
        v_str(&v[36], a->sd_group);
    if (a->sd_st && strcmp(a->sd_st, "ok") != 0)
        v_str(&v[37], a->sd_st);
    else if (a->sd_dst && strcmp(a->sd_dst, "ok") != 0)
        v_str(&v[37], a->sd_dst);
    else if (!a->sd_st)
        v_str(&v[37], "missing");
}

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
        v_str(&v[6], a->pop_not_evaluable ? "not_evaluable" : "missing");
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
    sd_fields(a, area_sup, v);
}

static int
open_areas(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    return nbl__store_export_areas(ws, job->ruleset,
                                   l->temporal ? 0 : job->year,
                                   (nbl__xcursor **)&l->cursor);
}

static int
fill_area(nbl__xlayer *l, const nbl__xjob *job, const void *row)
{
    const nbl__xarea *a = row;
    nbl__xval *v = l->vals;
    area_row(l, job, a, v);
    l->wkb = a->wkb;
    l->wkb_len = a->wkb_len;
    if (l->temporal) {
        char *s = malloc(16), *e = malloc(16);
        if (s)
            snprintf(s, 16, "%04d-01-01", a->year);
        if (e)
            snprintf(e, 16, "%04d-12-31", a->year);
        v_str(&v[38], nbl__xlayer_keep(l, s));
        v_str(&v[39], nbl__xlayer_keep(l, e));
    }
    return 1;
}

static int
build_areas(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l, int ts)
{
    (void)ws;
    (void)job;
    l->name = ts ? "timeseries" : "areas";
    l->title = ts ? T_("Development over time") : T_("Housing areas");
    l->geom = NBL__XG_POLYGON;
    l->fields = area_fields;
    l->nfields = ts ? TS_NFIELDS : AREA_NFIELDS;
    l->temporal = ts;
    l->open = open_areas;
    l->fill = fill_area;
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

/* The alerts layer's own data: the previous row's area and whether it
 * was below the publication minimum (one line per small area). */
typedef struct alerts_data {
    char *prev_area;
    int prev_small;
} alerts_data;

static void
free_alerts_data(void *p)
{
    alerts_data *d = p;
    if (d) {
        free(d->prev_area);
        free(d);
    }
}

/* Whether a row repeats a small area of the previous row (skipped: one
 * withheld line per small area, the alert list's rule); notes the row. */
static int
repeats_small_area(alerts_data *d, const nbl__xalert *a, int small)
{
    int repeat = small && d->prev_small && d->prev_area && a->area_id &&
                 strcmp(d->prev_area, a->area_id) == 0;
    free(d->prev_area);
    d->prev_area = a->area_id ? nbl__strdup(a->area_id) : NULL;
    return repeat;
}

static int
open_alerts(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    alerts_data *d = l->data;
    free(d->prev_area);
    d->prev_area = NULL;
    d->prev_small = 0;
    return nbl__store_export_alerts(ws, job->ruleset, job->year,
                                    (nbl__xcursor **)&l->cursor);
}

static int
fill_alert(nbl__xlayer *l, const nbl__xjob *job, const void *row)
{
    const nbl__xalert *a = row;
    alerts_data *d = l->data;
    nbl__xval *v = l->vals;
    int sup = !job->unsuppressed &&
              nbl__disclosure_alert(&job->disc, a->pop, a->denom);
    int small = sup && nbl__disclosure_area(&job->disc, a->pop);
    int repeat = repeats_small_area(d, a, small);
    d->prev_small = nbl__disclosure_area(&job->disc, a->pop);
    if (a->area_id && !d->prev_area)
        l->oom = 1; /* the next row could not be compared: an error */
    if (repeat)
        return 0;
    v_str(&v[0], a->area_id);
    v_str(&v[1], a->name);
    v_int(&v[2], a->year);
    v_str(&v[3], small ? "withheld" : a->kind);
    v_str(&v[4], small ? "withheld" : a->rule);
    v_str(&v[5], a->severity);
    if (small) {
        /* an area below the publication minimum: nothing about its
         * criteria, values or distances */
        v_str(&v[7], "suppressed");
        v_str(&v[9], nbl__xlayer_keep(l, nbl__disclosure_small_area_message(
                                             &job->disc, a->name, a->area_id)));
    } else if (sup) {
        v_str(&v[7], "suppressed");
        /* The stored message may quote the value: replace it. */
        v_str(&v[9],
              nbl__xlayer_keep(l, nbl__disclosure_alert_message(
                                      a->name, a->area_id, a->kind, a->rule)));
    } else {
        v_real(&v[6], a->value, 3);
        v_str(&v[7], isnan(a->value) ? "missing" : "ok");
        v_str(&v[9], a->message);
    }
    if (!small)
        v_real(&v[8], a->threshold, 3);
    v_str(&v[10], a->state);
    if (a->first_year > 0)
        v_int(&v[11], a->first_year);
    v_str(&v[12], job->ruleset);
    l->wkb = a->wkb;
    l->wkb_len = a->wkb_len;
    return 1;
}

static int
build_alerts(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    (void)ws;
    (void)job;
    l->name = "alerts";
    l->title = T_("Alerts");
    l->geom = NBL__XG_POINT;
    l->fields = alert_fields;
    l->nfields = (int)(sizeof alert_fields / sizeof alert_fields[0]);
    l->open = open_alerts;
    l->fill = fill_alert;
    l->data = calloc(1, sizeof(alerts_data));
    l->data_free = free_alerts_data;
    if (!l->data)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
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
open_safety(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    return nbl__store_export_safety(ws, job->year, (nbl__xcursor **)&l->cursor);
}

static int
fill_safety(nbl__xlayer *l, const nbl__xjob *job, const void *row)
{
    const nbl__xsafety *a = row;
    nbl__xval *v = l->vals;
    int u = job->unsuppressed;
    int area_sup = !u && nbl__disclosure_area(&job->disc, a->pop);
    int survey_sup =
        area_sup || (!u && nbl__disclosure_rate(&job->disc, a->survey_n));
    int index_sup = area_sup || (survey_sup &&
                                 (!isnan(a->perceived) || !isnan(a->problems)));
    v_str(&v[0], a->area_id);
    v_str(&v[1], a->name);
    v_int(&v[2], a->year);
    sub_index(&v[3], a->safety_index, index_sup);
    if (!index_sup)
        v_str(&v[5], a->band);
    sub_index(&v[6], a->perceived, survey_sup);
    sub_index(&v[8], a->problems, survey_sup);
    sub_index(&v[10], a->registered, area_sup);
    if (!survey_sup) {
        v_bool(&v[12], a->flag_safe);
        v_bool(&v[13], a->flag_night);
    }
    l->wkb = a->wkb;
    l->wkb_len = a->wkb_len;
    return 1;
}

static int
build_safety(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    (void)ws;
    (void)job;
    l->name = "safety";
    l->title = T_("Safety index");
    l->geom = NBL__XG_POLYGON;
    l->fields = safety_fields;
    l->nfields = (int)(sizeof safety_fields / sizeof safety_fields[0]);
    l->open = open_safety;
    l->fill = fill_safety;
    return NBL_OK;
}

/* ---- profile ---------------------------------------------------------- */

#define PROFILE_FIXED 8 /* fields before the indicators' */
#define PROFILE_PER_IND 6

/* The profile layer's own data: the indicators' names and denominators
 * (borrowed from the configuration), which its cursor reads. */
typedef struct profile_data {
    const char **names, **denoms;
    size_t n;
} profile_data;

static void
free_profile_data(void *p)
{
    profile_data *d = p;
    if (d) {
        free(d->names);
        free(d->denoms);
        free(d);
    }
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

static const char *const profile_suffix[PROFILE_PER_IND] = {
    "", "_status", "_ref", "_sd", "_points", "_change"};

/* The profile layer's fields: the fixed ones, then six per indicator of
 * the configuration; names[i] and denoms[i] receive each indicator's name
 * and the count its value is a rate of. */
static int
profile_fields(nbl_ctx *ctx, const nbl__profile_cfg *cfg, nbl__xlayer *l,
               const char **names, const char **denoms)
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
    static const nbl__xftype stype[PROFILE_PER_IND] = {
        NBL__XF_REAL, NBL__XF_STR, NBL__XF_REAL,
        NBL__XF_REAL, NBL__XF_INT, NBL__XF_REAL};
    size_t ni = cfg ? cfg->n_ind : 0;
    int rc = NBL_OK;
    for (int f = 0; rc == NBL_OK && f < PROFILE_FIXED; f++)
        rc = nbl__xlayer_add_field(ctx, l, fixed[f].name, fixed[f].type);
    for (size_t i = 0; rc == NBL_OK && i < ni; i++) {
        names[i] = cfg->ind[i].name;
        denoms[i] = profile_denominator(&cfg->ind[i]);
        for (int k = 0; rc == NBL_OK && k < PROFILE_PER_IND; k++) {
            nbl__buf b = {0};
            nbl__buf_printf(&b, "%s%s", cfg->ind[i].name, profile_suffix[k]);
            rc = b.s ? nbl__xlayer_add_field(ctx, l, b.s, stype[k])
                     : nbl__error(ctx, NBL_ENOMEM, "out of memory");
            nbl__buf_free(&b);
        }
    }
    return rc;
}

/* One row of the profile layer. */
static void
profile_row(const nbl__xjob *job, const nbl__xprofile *a, nbl__xval *v)
{
    const nbl__profile_cfg *cfg = job->profile;
    size_t ni = cfg ? cfg->n_ind : 0;
    int area_sup =
        !job->unsuppressed && (nbl__disclosure_area(&job->disc, a->pop) ||
                               nbl__disclosure_count(&job->disc, a->pop));
    int prev_sup = nbl__disclosure_area(&job->disc, a->prev_pop) ||
                   nbl__disclosure_count(&job->disc, a->prev_pop);
    v_str(&v[0], a->area_id);
    v_str(&v[1], a->name);
    v_str(&v[2], a->municipality);
    v_int(&v[3], a->year);
    if (area_sup) {
        v_str(&v[7], "suppressed");
    } else if (a->band) {
        if (a->points >= 0)
            v_int(&v[4], a->points);
        v_str(&v[5], a->band);
        v_str(&v[6], nbl__band_label(a->band));
        v_str(&v[7], "ok");
    } else {
        /* a score row without a band: not scored (too few residents,
         * indicators without points) */
        v_str(&v[7], a->has_score ? "not_evaluable" : "missing");
    }
    for (size_t i = 0; i < ni; i++)
        profile_indicator(job, &cfg->ind[i], &a->ind[i], area_sup, prev_sup,
                          &v[PROFILE_FIXED + i * PROFILE_PER_IND]);
}

static int
open_profile(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    const profile_data *d = l->data;
    return nbl__store_export_profile(ws, job->year, d->names, d->denoms, d->n,
                                     (nbl__xcursor **)&l->cursor);
}

static int
fill_profile(nbl__xlayer *l, const nbl__xjob *job, const void *row)
{
    const nbl__xprofile *a = row;
    profile_row(job, a, l->vals);
    l->wkb = a->wkb;
    l->wkb_len = a->wkb_len;
    return 1;
}

/* One feature per area for the year: the profile score and band and, per
 * indicator of the effective configuration, value, status, reference, SD
 * distance, points and change. The fields follow the configuration. */
static int
build_profile(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    const nbl__profile_cfg *cfg = job->profile;
    size_t ni = cfg ? cfg->n_ind : 0;
    profile_data *d = calloc(1, sizeof *d);
    l->name = "profile";
    l->title = T_("Area profile");
    l->geom = NBL__XG_POLYGON;
    l->open = open_profile;
    l->fill = fill_profile;
    l->data = d;
    l->data_free = free_profile_data;
    if (d) {
        d->n = ni;
        d->names = calloc(ni + 1, sizeof *d->names);
        d->denoms = calloc(ni + 1, sizeof *d->denoms);
    }
    if (!d || !d->names || !d->denoms)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    return profile_fields(ctx, cfg, l, d->names, d->denoms);
}

/* ---- plans ------------------------------------------------------------- */

#define PLAN_FIXED 9
#define PLAN_PER_IND 8

/* The plans layer's own data: the plan comparison's results. */
typedef struct plans_data {
    nbl__plan_result *res;
    size_t n;
} plans_data;

static void
free_plans_data(void *p)
{
    plans_data *d = p;
    if (d) {
        free(d->res);
        free(d);
    }
}

static const char *
plan_status(int st)
{
    return st == 0 ? "ok" : st == 2 ? "suppressed" : "missing";
}

/* The plans layer's fields: the fixed ones, then eight per default
 * indicator of the plan comparison. */
static int
plan_fields(nbl_ctx *ctx, nbl__xlayer *l)
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
    int rc = NBL_OK;
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
    return rc;
}

/* One row of the plans layer; r is the plan's comparison or NULL. */
static void
plan_row(const nbl__xjob *job, const nbl__xplan *a, const nbl__plan_result *r,
         nbl__xval *v)
{
    v_str(&v[0], a->plan_id);
    v_str(&v[1], a->name);
    v_int(&v[2], a->start_year);
    v_int(&v[3], a->end_year);
    v_bool(&v[4], a->start_year <= job->year && job->year <= a->end_year);
    v_str(&v[5], a->area_ids);
    v_int(&v[6], a->n_areas);
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
}

static int
open_plans(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    plans_data *d = l->data;
    int any, rc = nbl__store_plans_any(ws, &any);
    free(d->res);
    d->res = NULL;
    d->n = 0;
    if (rc)
        return rc;
    /* the plan comparison (a few rows per plan) only when there are plans */
    if (any && (rc = nbl__plans_results(ws, job->ruleset, job->opts->config,
                                        job->unsuppressed, &d->res, &d->n)))
        return rc;
    return nbl__store_export_plans(ws, (nbl__xcursor **)&l->cursor);
}

static int
fill_plan(nbl__xlayer *l, const nbl__xjob *job, const void *row)
{
    const nbl__xplan *a = row;
    const plans_data *d = l->data;
    const nbl__plan_result *r = NULL;
    for (size_t k = 0; !r && k < d->n; k++)
        if (d->res[k].start_year == a->start_year &&
            strcmp(d->res[k].plan_id, a->plan_id) == 0)
            r = &d->res[k];
    plan_row(job, a, r, l->vals);
    l->wkb = a->wkb;
    l->wkb_len = a->wkb_len;
    return 1;
}

/* Plan outlines (union of the plan's areas) with the plan comparison of
 * `nabolag plans compare` (nbl__plans_results: the default indicators, the
 * same property names as its GeoJSON). */
static int
build_plans(nbl_ws *ws, const nbl__xjob *job, nbl__xlayer *l)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    (void)job;
    l->name = "plans";
    l->title = T_("Area plans");
    l->geom = NBL__XG_POLYGON;
    l->open = open_plans;
    l->fill = fill_plan;
    l->data = calloc(1, sizeof(plans_data));
    l->data_free = free_plans_data;
    if (!l->data)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    return plan_fields(ctx, l);
}

/* The layers in project order (top of the legend first). To add a layer,
 * add its builder here (see layer.h). */
/* The layers' names, as their builders name them, in the same order. */
static const char *const layer_names[] = {
    "alerts", "plans", "areas", "profile", "safety", "timeseries", NULL,
};

static const nbl__xbuilder builders[] = {
    build_alerts,  build_plans,  build_areas_year,
    build_profile, build_safety, build_timeseries,
};

_Static_assert(sizeof builders / sizeof builders[0] + 1 ==
                   sizeof layer_names / sizeof layer_names[0],
               "one name per builder");

const char *const *
nbl_export_layer_names(void)
{
    return layer_names;
}

const nbl__xbuilder *
nbl__export_builders(size_t *n)
{
    *n = sizeof builders / sizeof builders[0];
    return builders;
}