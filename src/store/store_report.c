/*
 * store_report.c - read-only queries behind the HTML report: one row per
 * area for the year (criteria pivoted from criterion_results, category of
 * the year and the previous year, population, safety, a label point), the
 * main thresholds, the map's frame (the areas' extent); and, from a
 * cursor, each area's outline: its SpatiaLite blob decoded with
 * libspatialite's C API (gaiaFromSpatiaLiteBlobWkb) into rings of points
 * in the working CRS, which the report's map writes as SVG path data
 * (report_map.c). The year's alerts and each area's series and alerts
 * are read in store_report_series.c.
 */
#include "store/store_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_export.h"
#include "store/store_internal.h" /* sqlite3.h before spatialite's */
#include "util/util.h"

#include <spatialite/gaiageo.h>

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

/* Prepares sql with the ruleset bound to ?1 and year to ?2, the
 * parameters of every year's query here. */
static int
prepare_year(nbl_ws *ws, sqlite3_stmt **q, const char *sql,
             const nbl__report_data *d, int year)
{
    int rc = nbl__db_prepare(ws, q, sql);
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, *q, 1, d->ruleset))) {
        sqlite3_finalize(*q);
        return rc;
    }
    sqlite3_bind_int(*q, 2, year);
    return NBL_OK;
}

static int
load_years(nbl_ws *ws, nbl__report_data *d, int year)
{
    sqlite3_stmt *q;
    int rc = prepare_year(
        ws, &q,
        "SELECT COALESCE(NULLIF(?2, 0), MAX(year)), (SELECT MAX(year) FROM "
        "category_results WHERE ruleset = ?1 AND year < COALESCE(NULLIF(?2, "
        "0), (SELECT MAX(year) FROM category_results WHERE ruleset = ?1))), "
        "(SELECT ruleset_version FROM category_results WHERE ruleset = ?1 "
        "LIMIT 1), (SELECT COUNT(*) FROM category_results WHERE ruleset = ?1 "
        "AND year = COALESCE(NULLIF(?2, 0), (SELECT MAX(year) FROM "
        "category_results WHERE ruleset = ?1))) FROM category_results WHERE "
        "ruleset = ?1",
        d, year);
    if (rc)
        return rc;
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
    a->safety_index = nbl__db_column_double(q, 7);
    a->safety_band = col_text(q, 8);
    a->prev_pop = nbl__db_column_double(q, 9);
    a->safety_survey = sqlite3_column_int(q, 10);
    a->survey_n = nbl__db_column_double(q, 11);
    a->label_x = nbl__db_column_double(q, 12);
    a->label_y = nbl__db_column_double(q, 13);
    a->lab = a->cri = a->cri_ratio = a->edu = a->inc = a->eth = NAN;
    for (int k = 0; k < NBL__XC_N; k++)
        a->den[k] = NAN;
    a->lab_met = a->cri_met = a->edu_met = a->inc_met = -1;
}

/* One row per area: names, the year's and the previous year's category
 * and residents, safety and a label point (a point on the surface, in the
 * map's frame). */
static int
load_area_rows(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int rc, s, cap = 0;
    rc = prepare_year(
        ws, &q,
        "SELECT a.area_id, a.name, a.municipality, (SELECT value FROM stats "
        "s WHERE s.area_id = a.area_id AND s.year = ?2 AND s.variable = "
        "'pop'), c.category, p.category, c.criteria_met, sr.safety_index, "
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
        "a.area_id AND sr.year = ?2 ORDER BY a.area_id",
        d, d->year);
    if (rc)
        return rc;
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

/* The year's criteria of every area, and the year's main thresholds: per
 * criterion the first one given, in the order of the areas. */
static int
load_criteria(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int s, rc = prepare_year(ws, &q,
                             "SELECT area_id, criterion, value, ratio, "
                             "met, threshold FROM criterion_results WHERE "
                             "ruleset = ?1 AND year = ?2 ORDER BY area_id",
                             d, d->year);
    if (rc)
        return rc;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        int i =
            nbl__report_find_area(d, (const char *)sqlite3_column_text(q, 0));
        const char *c = (const char *)sqlite3_column_text(q, 1);
        double v = nbl__db_column_double(q, 2);
        int met = nbl__db_column_bool(q, 4), k = nbl__report_crit_index(c);
        nbl__report_area *a;
        if (i < 0 || !c)
            continue;
        if (k >= 0 && isnan(d->threshold[k]))
            d->threshold[k] = nbl__db_column_double(q, 5);
        a = &d->areas[i];
        if (k == NBL__XC_LAB) {
            a->lab = v;
            a->lab_met = met;
        } else if (k == NBL__XC_CRI) {
            a->cri = v;
            a->cri_ratio = nbl__db_column_double(q, 3);
            a->cri_met = met;
        } else if (k == NBL__XC_EDU) {
            a->edu = v;
            a->edu_met = met;
        } else if (k == NBL__XC_INC) {
            a->inc = v;
            a->inc_met = met;
        } else if (k == NBL__XC_ETH) {
            a->eth = v;
        }
    }
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report criteria");
    sqlite3_finalize(q);
    return rc;
}

/* The criteria's denominators, the export's (nbl__xcrit_denominator): a
 * look-up per area on the key of stats, not a scan per variable. */
static int
load_denominators(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    nbl__buf sql = {0};
    int s, rc;
    nbl__buf_printf(&sql, "SELECT a.area_id, s.variable, s.value FROM areas "
                          "a JOIN stats s ON s.area_id = a.area_id AND "
                          "s.year = ?1 AND s.variable IN (");
    for (int k = 0; k < NBL__XC_N; k++)
        nbl__buf_printf(&sql, "%s'%s'", k ? ", " : "",
                        nbl__xcrit_denominator[k]);
    if (nbl__buf_printf(&sql, ")"))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    rc = nbl__db_prepare(ws, &q, sql.s);
    nbl__buf_free(&sql);
    if (rc)
        return rc;
    sqlite3_bind_int(q, 1, d->year);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        int i =
            nbl__report_find_area(d, (const char *)sqlite3_column_text(q, 0));
        const char *v = (const char *)sqlite3_column_text(q, 1);
        for (int k = 0; i >= 0 && v && k < NBL__XC_N; k++)
            if (strcmp(v, nbl__xcrit_denominator[k]) == 0)
                d->areas[i].den[k] = nbl__db_column_double(q, 2);
    }
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report denominators");
    sqlite3_finalize(q);
    return rc;
}

/* The series' years: from the first year with results up to the year. */
static int
load_first_year(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int s, rc = prepare_year(ws, &q,
                             "SELECT MIN(year) FROM category_results WHERE "
                             "ruleset = ?1 AND year <= ?2",
                             d, d->year);
    if (rc)
        return rc;
    d->first_year = d->year;
    if ((s = sqlite3_step(q)) == SQLITE_ROW &&
        sqlite3_column_type(q, 0) != SQLITE_NULL)
        d->first_year = sqlite3_column_int(q, 0);
    rc = s == SQLITE_ROW ? NBL_OK : nbl__db_error(ws, "report years");
    sqlite3_finalize(q);
    d->n_years = d->year - d->first_year + 1;
    return rc;
}

int
nbl__store_report_snapshot(nbl_ws *ws, int *began)
{
    int rc;
    *began = 0;
    if (ws->in_tx > 0 || !sqlite3_get_autocommit(ws->db))
        return NBL_OK; /* the command's transaction is the snapshot */
    if ((rc = nbl__db_exec(ws, "BEGIN")))
        return rc;
    *began = 1;
    return NBL_OK;
}

void
nbl__store_report_snapshot_end(nbl_ws *ws, int began)
{
    if (began) /* read only: nothing to keep */
        sqlite3_exec(ws->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The parts of an area's outline (nbl__report_part), decoded from its
 * SpatiaLite blob, in AsSVG's order: lines, then each polygon's exterior
 * ring and its holes. The array is kept from area to area. */
typedef struct outline {
    nbl__report_part *parts;
    size_t cap;
    int n;
} outline;

static int
outline_add(outline *o, const double *xy, int n, int model, int closed)
{
    if (nbl__grow((void **)&o->parts, &o->cap, (size_t)o->n + 1,
                  sizeof *o->parts))
        return -1;
    o->parts[o->n++] = (nbl__report_part){xy, n,
                                          model == GAIA_XY_Z_M ? 4
                                          : model == GAIA_XY   ? 2
                                                               : 3,
                                          closed};
    return 0;
}

static int
outline_of(outline *o, const gaiaGeomColl *g)
{
    o->n = 0;
    for (const gaiaLinestring *l = g->FirstLinestring; l; l = l->Next)
        if (outline_add(o, l->Coords, l->Points, l->DimensionModel, 0))
            return -1;
    for (const gaiaPolygon *p = g->FirstPolygon; p; p = p->Next) {
        const gaiaRing *r = p->Exterior;
        if (r && outline_add(o, r->Coords, r->Points, r->DimensionModel, 1))
            return -1;
        for (int k = 0; k < p->NumInteriors; k++) {
            r = &p->Interiors[k];
            if (outline_add(o, r->Coords, r->Points, r->DimensionModel, 1))
                return -1;
        }
    }
    return 0;
}

/* The outline of the area of q's row, handed to fn. */
static int
area_outline(nbl_ws *ws, nbl__report_data *d, sqlite3_stmt *q, outline *o,
             int (*fn)(void *, int, const nbl__report_part *, int), void *arg)
{
    int oom = 0, i, rc;
    const char *id = nbl__db_column_text(q, 0, &oom);
    const unsigned char *blob;
    gaiaGeomCollPtr g;
    if (!id || oom) /* a failed copy */
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if ((i = nbl__report_find_area(d, id)) < 0 ||
        sqlite3_column_type(q, 1) == SQLITE_NULL)
        return NBL_OK; /* no area of the report, no outline */
    blob = sqlite3_column_blob(q, 1);
    if (!blob && sqlite3_errcode(ws->db) == SQLITE_NOMEM)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    g = blob ? gaiaFromSpatiaLiteBlobWkb(blob, sqlite3_column_bytes(q, 1))
             : NULL;
    if (!g)
        return nbl__error(ws->ctx, NBL_EFORMAT,
                          "%s: area '%s': its geometry cannot be read (not "
                          "a SpatiaLite geometry)",
                          ws->path, id);
    if (outline_of(o, g)) {
        gaiaFreeGeomColl(g);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = NBL_OK;
    if (o->n > 0) {
        d->areas[i].has_path = 1;
        rc = fn(arg, i, o->parts, o->n);
    }
    gaiaFreeGeomColl(g);
    return rc;
}

int
nbl__store_report_paths(nbl_ws *ws, nbl__report_data *d,
                        int (*fn)(void *arg, int i,
                                  const nbl__report_part *parts, int n),
                        void *arg)
{
    sqlite3_stmt *q;
    outline o = {0};
    int s = SQLITE_DONE,
        rc = nbl__db_prepare(
            ws, &q, "SELECT area_id, geom FROM areas ORDER BY area_id");
    if (rc)
        return rc;
    while (!rc && (s = sqlite3_step(q)) == SQLITE_ROW)
        rc = area_outline(ws, d, q, &o, fn, arg);
    if (!rc && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "report map");
    sqlite3_finalize(q);
    free(o.parts);
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
    for (int k = 0; k < NBL__XC_N; k++)
        d->threshold[k] = NAN;
    if ((rc = load_years(ws, d, year)) || (rc = load_extent(ws, d)) ||
        (rc = load_area_rows(ws, d)) || (rc = load_criteria(ws, d)) ||
        (rc = load_denominators(ws, d)) || (rc = load_first_year(ws, d))) {
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
    }
    free(d->areas);
    for (int i = 0; d->series && i < d->n_years; i++) {
        free(d->series[i].category);
        free(d->series[i].band);
    }
    free(d->series);
    nbl__report_alerts_clear(d);
    nbl__report_stmts_free(d->stmts);
    free(d->ruleset);
    free(d->ruleset_version);
    free(d->inputs);
    memset(d, 0, sizeof *d);
}
