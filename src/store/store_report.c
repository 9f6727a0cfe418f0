/*
 * store_report.c - read-only queries behind the HTML report: one row per
 * area for the year (criteria pivoted from criterion_results, category of
 * the year and the previous year, population, safety), the year's alerts,
 * and each area's outline as SVG path data (SpatiaLite AsSVG) in a frame
 * whose origin is the top-left corner of the areas' extent.
 */
#include "store/store_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_export.h"
#include "store/store_internal.h"
#include "util/util.h"

/* Set when col_text() could not copy a value (out of memory); checked by
 * nbl__store_report_load() so that a failed copy is an error, never a
 * value silently shown as missing. */
static _Thread_local int text_oom;

static char *
col_text(sqlite3_stmt *q, int i)
{
    return nbl__db_column_strdup(q, i, &text_oom);
}

int
nbl__report_find_area(const nbl__report_data *d, const char *id)
{
    int lo = 0, hi = d->n_areas - 1;
    if (!id)
        return -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(d->areas[mid].area_id, id);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int
load_years(nbl_ws *ws, nbl__report_data *d, int year)
{
    sqlite3_stmt *q;
    int rc = nbl__db_prepare(
        ws, &q,
        "SELECT COALESCE(NULLIF(?2, 0), MAX(year)), (SELECT MAX(year) FROM "
        "category_results WHERE ruleset = ?1 AND year < COALESCE(NULLIF(?2, "
        "0), (SELECT MAX(year) FROM category_results WHERE ruleset = ?1))), "
        "(SELECT ruleset_version FROM category_results WHERE ruleset = ?1 "
        "LIMIT 1), (SELECT COUNT(*) FROM category_results WHERE ruleset = ?1 "
        "AND year = COALESCE(NULLIF(?2, 0), (SELECT MAX(year) FROM "
        "category_results WHERE ruleset = ?1))) FROM category_results WHERE "
        "ruleset = ?1");
    if (rc)
        return rc;
    nbl__db_bind_text(q, 1, d->ruleset);
    sqlite3_bind_int(q, 2, year);
    if (sqlite3_step(q) != SQLITE_ROW ||
        sqlite3_column_type(q, 0) == SQLITE_NULL ||
        sqlite3_column_int(q, 3) == 0) {
        sqlite3_finalize(q);
        if (year)
            return nbl__error(ws->ctx, NBL_ENOTFOUND,
                              "%s: no results for %d under ruleset '%s'",
                              ws->path, year, d->ruleset);
        return nbl__error(ws->ctx, NBL_ENOTFOUND,
                          "%s: no results for ruleset '%s' (run 'nabolag "
                          "compute' first)",
                          ws->path, d->ruleset);
    }
    d->year = sqlite3_column_int(q, 0);
    d->prev_year = sqlite3_column_int(q, 1); /* 0 when NULL */
    d->ruleset_version = col_text(q, 2);
    sqlite3_finalize(q);
    return NBL_OK;
}

/* The frame of the map: the areas' extent, its top-left corner. */
static int
load_extent(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int rc = nbl__db_prepare(ws, &q,
                             "SELECT MbrMinX(e), MbrMaxY(e), MbrMaxX(e) - "
                             "MbrMinX(e), MbrMaxY(e) - MbrMinY(e) FROM (SELECT "
                             "Extent(geom) AS e FROM areas)");
    if (rc)
        return rc;
    if (sqlite3_step(q) != SQLITE_ROW ||
        sqlite3_column_type(q, 0) == SQLITE_NULL) {
        sqlite3_finalize(q);
        return nbl__error(ws->ctx, NBL_ENOTFOUND, "%s: no areas", ws->path);
    }
    d->minx = sqlite3_column_double(q, 0);
    d->maxy = sqlite3_column_double(q, 1);
    d->width = sqlite3_column_double(q, 2);
    d->height = sqlite3_column_double(q, 3);
    sqlite3_finalize(q);
    return NBL_OK;
}

static void
area_row(sqlite3_stmt *q, nbl__report_area *a)
{
    memset(a, 0, sizeof *a);
    a->area_id = col_text(q, 0);
    a->name = col_text(q, 1);
    a->municipality = col_text(q, 2);
    a->pop = nbl__db_column_double(q, 3);
    a->category = col_text(q, 4);
    a->prev_category = col_text(q, 5);
    a->criteria_met = sqlite3_column_type(q, 6) == SQLITE_NULL
                          ? -1
                          : sqlite3_column_int(q, 6);
    a->svg_path = col_text(q, 7);
    a->safety_index = nbl__db_column_double(q, 8);
    a->safety_band = col_text(q, 9);
    a->prev_pop = nbl__db_column_double(q, 10);
    a->safety_survey = sqlite3_column_int(q, 11);
    a->survey_n = nbl__db_column_double(q, 12);
    a->label_x = nbl__db_column_double(q, 13);
    a->label_y = nbl__db_column_double(q, 14);
    a->lab = a->cri = a->cri_ratio = a->edu = a->inc = a->eth = NAN;
    for (int k = 0; k < NBL__XC_N; k++)
        a->den[k] = NAN;
    a->lab_met = a->cri_met = a->edu_met = a->inc_met = -1;
}

/* One row per area: names, the year's and the previous year's category
 * and residents, safety, the outline as SVG path data and a label point
 * (a point on the surface, in the same frame). */
static int
load_area_rows(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int rc, s, cap = 0;
    rc = nbl__db_prepare(
        ws, &q,
        "SELECT a.area_id, a.name, a.municipality, (SELECT value FROM stats "
        "s WHERE s.area_id = a.area_id AND s.year = ?2 AND s.variable = "
        "'pop'), c.category, p.category, c.criteria_met, "
        "AsSVG(ST_Translate(a.geom, ?4, ?5, 0), 0, 1), sr.safety_index, "
        "sr.safety_band, (SELECT value FROM stats s WHERE s.area_id = "
        "a.area_id AND s.year = ?3 AND s.variable = 'pop'), "
        "(sr.perceived IS NOT NULL OR sr.problems IS NOT NULL), (SELECT "
        "value FROM stats s WHERE s.area_id = a.area_id AND s.year = ?2 AND "
        "s.variable = 'survey_n'), X(PointOnSurface(a.geom)) + ?4, "
        "-(Y(PointOnSurface(a.geom)) + ?5) "
        "FROM areas a LEFT JOIN category_results c ON "
        "c.area_id = a.area_id AND c.year = ?2 AND c.ruleset = ?1 LEFT JOIN "
        "category_results p ON p.area_id = a.area_id AND p.year = ?3 AND "
        "p.ruleset = ?1 LEFT JOIN safety_results sr ON sr.area_id = "
        "a.area_id AND sr.year = ?2 ORDER BY a.area_id");
    if (rc)
        return rc;
    nbl__db_bind_text(q, 1, d->ruleset);
    sqlite3_bind_int(q, 2, d->year);
    sqlite3_bind_int(q, 3, d->prev_year);
    sqlite3_bind_double(q, 4, -d->minx);
    sqlite3_bind_double(q, 5, -d->maxy);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        if (d->n_areas == cap) {
            nbl__report_area *n;
            cap = cap ? cap * 2 : 64;
            n = realloc(d->areas, (size_t)cap * sizeof *n);
            if (!n) {
                sqlite3_finalize(q);
                return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            }
            d->areas = n;
        }
        area_row(q, &d->areas[d->n_areas++]);
    }
    sqlite3_finalize(q);
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report");
}

static int
load_criteria(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int s, rc = nbl__db_prepare(ws, &q,
                                "SELECT area_id, criterion, value, ratio, met "
                                "FROM criterion_results WHERE ruleset = ?1 AND "
                                "year = ?2");
    if (rc)
        return rc;
    nbl__db_bind_text(q, 1, d->ruleset);
    sqlite3_bind_int(q, 2, d->year);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        int i =
            nbl__report_find_area(d, (const char *)sqlite3_column_text(q, 0));
        const char *c = (const char *)sqlite3_column_text(q, 1);
        double v = nbl__db_column_double(q, 2);
        int met = nbl__db_column_bool(q, 4);
        nbl__report_area *a;
        if (i < 0 || !c)
            continue;
        a = &d->areas[i];
        if (strcmp(c, "lab") == 0) {
            a->lab = v;
            a->lab_met = met;
        } else if (strcmp(c, "cri") == 0) {
            a->cri = v;
            a->cri_ratio = nbl__db_column_double(q, 3);
            a->cri_met = met;
        } else if (strcmp(c, "edu") == 0) {
            a->edu = v;
            a->edu_met = met;
        } else if (strcmp(c, "inc") == 0) {
            a->inc = v;
            a->inc_met = met;
        } else if (strcmp(c, "eth") == 0) {
            a->eth = v;
        }
    }
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report criteria");
    sqlite3_finalize(q);
    return rc;
}

/* The criteria's denominators, the export's (nbl__xcrit_denominator). */
static int
load_denominators(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int s, rc = nbl__db_prepare(ws, &q,
                                "SELECT area_id, value FROM stats WHERE year "
                                "= ?1 AND variable = ?2");
    if (rc)
        return rc;
    for (int k = 0; k < NBL__XC_N; k++) {
        sqlite3_reset(q);
        sqlite3_bind_int(q, 1, d->year);
        nbl__db_bind_text(q, 2, nbl__xcrit_denominator[k]);
        while ((s = sqlite3_step(q)) == SQLITE_ROW) {
            int i = nbl__report_find_area(
                d, (const char *)sqlite3_column_text(q, 0));
            if (i >= 0)
                d->areas[i].den[k] = nbl__db_column_double(q, 1);
        }
        if (s != SQLITE_DONE) {
            sqlite3_finalize(q);
            return nbl__db_error(ws, "report denominators");
        }
    }
    sqlite3_finalize(q);
    return NBL_OK;
}

static int
load_alerts(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    nbl__buf sql = {0};
    int rc, s, cap = 0;
    if (nbl__buf_printf(
            &sql, "SELECT al.area_id, a.name, al.kind, "
                  "al.severity, al.state, al.message, al.rule, al.year, ") ||
        nbl__xalert_disclosure_sql(&sql) ||
        nbl__buf_printf(
            &sql,
            " FROM alerts al LEFT JOIN areas a ON a.area_id = al.area_id "
            "WHERE al.ruleset = ?1 AND al.year <= ?2 ORDER BY COALESCE(a.name, "
            "al.area_id), al.area_id, al.year DESC, CASE al.state WHEN 'new' "
            "THEN 0 WHEN "
            "'ongoing' THEN 1 ELSE 2 END, CASE al.severity WHEN 'critical' "
            "THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, al.kind, al.rule")) {
        nbl__buf_free(&sql);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(ws, &q, sql.s);
    nbl__buf_free(&sql);
    if (rc)
        return rc;
    nbl__db_bind_text(q, 1, d->ruleset);
    sqlite3_bind_int(q, 2, d->year);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_alert *a;
        if (d->n_alerts == cap) {
            nbl__report_alert *n;
            cap = cap ? cap * 2 : 64;
            n = realloc(d->alerts, (size_t)cap * sizeof *n);
            if (!n) {
                sqlite3_finalize(q);
                return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            }
            d->alerts = n;
        }
        a = &d->alerts[d->n_alerts++];
        a->area_id = col_text(q, 0);
        a->area_name = col_text(q, 1);
        a->kind = col_text(q, 2);
        a->severity = col_text(q, 3);
        a->state = col_text(q, 4);
        a->message = col_text(q, 5);
        a->rule = col_text(q, 6);
        a->year = sqlite3_column_int(q, 7);
        a->pop = nbl__db_column_double(q, 8);
        a->denom = nbl__db_column_double(q, 9);
    }
    /* a step that fails (out of memory) is an error, not the last row */
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report alerts");
    sqlite3_finalize(q);
    return rc;
}

int
nbl__store_report_load(nbl_ws *ws, const char *ruleset, int year,
                       nbl__report_data *d)
{
    int rc;
    static const char *kinds[] = {"areas", "stats", "refs", "incidents",
                                  "plans"};
    nbl__buf in = {0};

    memset(d, 0, sizeof *d);
    text_oom = 0;
    if (ruleset) {
        if (!(d->ruleset = nbl__strdup(ruleset)))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    } else if ((rc = nbl__store_meta_get(ws, "current_ruleset", &d->ruleset)))
        return rc;
    if (!d->ruleset)
        return nbl__error(ws->ctx, NBL_ENOTFOUND,
                          "%s: nothing computed yet (run 'nabolag compute' "
                          "first)",
                          ws->path);
    if ((rc = load_years(ws, d, year)) || (rc = load_extent(ws, d)) ||
        (rc = load_area_rows(ws, d)) || (rc = load_criteria(ws, d)) ||
        (rc = load_denominators(ws, d)) ||
        (rc = nbl__store_report_series(ws, d)) || (rc = load_alerts(ws, d))) {
        nbl__report_data_free(d);
        return rc;
    }
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char *s = NULL;
        if ((rc = nbl__store_run_sources(ws, kinds[k], &s))) {
            nbl__buf_free(&in);
            nbl__report_data_free(d);
            return rc;
        }
        if (s && nbl__buf_printf(&in, "%s%s", in.len ? ", " : "", s))
            text_oom = 1;
        free(s);
    }
    d->inputs = in.s;
    if (text_oom) {
        text_oom = 0;
        nbl__report_data_free(d);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    return NBL_OK;
}

void
nbl__report_data_free(nbl__report_data *d)
{
    for (int i = 0; i < d->n_areas; i++) {
        nbl__report_area *a = &d->areas[i];
        free(a->area_id);
        free(a->name);
        free(a->municipality);
        free(a->category);
        free(a->prev_category);
        free(a->safety_band);
        free(a->svg_path);
    }
    free(d->areas);
    for (size_t i = 0; d->series && i < (size_t)d->n_areas * d->n_years; i++) {
        free(d->series[i].category);
        free(d->series[i].band);
    }
    free(d->series);
    for (int i = 0; i < d->n_alerts; i++) {
        nbl__report_alert *a = &d->alerts[i];
        free(a->area_id);
        free(a->area_name);
        free(a->kind);
        free(a->severity);
        free(a->state);
        free(a->message);
        free(a->rule);
    }
    free(d->alerts);
    free(d->ruleset);
    free(d->ruleset_version);
    free(d->inputs);
    memset(d, 0, sizeof *d);
}
