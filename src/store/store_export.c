/*
 * store_export.c - read-only queries for `nabolag export` (see
 * store_export.h). Tables read: areas (+ geom as WKB), stats, category_results,
 * criterion_results, profile_scores, profile_results, alerts, safety_results,
 * plans, plan_areas, rulesets, runs.
 * Criterion results are pivoted to one column group per criterion with one
 * LEFT JOIN each (primary-key lookups), so areas without results still come
 * out, with NULLs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_export.h"
#include "store/store_internal.h"
#include "store/store_statusdyn.h"
#include "util/util.h"

const char *const nbl__xcrit_id[NBL__XC_N] = {"lab", "cri", "edu", "inc",
                                              "eth"};
const char *const nbl__xcrit_denominator[NBL__XC_N] = {
    "pop_18_64", "pop_18p", "pop_30_59", "taxpayers_15_64", "pop"};

/* "s.year IN (al.year - N, ..., al.year)": the years as a list, not a
 * range, so that each subquery below is N + 1 lookups of the key (area_id,
 * year, variable) instead of a walk over every variable of those years. */
static int
quote_years(nbl__buf *sql)
{
    int rc = nbl__buf_printf(sql, "s.year IN (al.year");
    for (int k = 1; rc == 0 && k <= NBL__ALERT_QUOTE_YEARS; k++)
        rc = nbl__buf_printf(sql, ", al.year - %d", k);
    return rc ? rc : nbl__buf_printf(sql, ")");
}

int
nbl__xalert_disclosure_sql(nbl__buf *sql)
{
    int rc = nbl__buf_printf(sql, "(SELECT MIN(value) FROM stats s WHERE "
                                  "s.area_id = al.area_id AND ");
    if (!rc)
        rc = quote_years(sql);
    if (!rc)
        rc = nbl__buf_printf(sql, " AND s.variable = 'pop'), (SELECT "
                                  "MIN(value) FROM stats s WHERE s.area_id "
                                  "= al.area_id AND ");
    if (!rc)
        rc = quote_years(sql);
    if (!rc)
        rc = nbl__buf_printf(sql, " AND s.variable = CASE al.rule");
    for (int k = 0; rc == 0 && k < NBL__XC_N; k++)
        rc = nbl__buf_printf(sql, " WHEN '%s' THEN '%s'", nbl__xcrit_id[k],
                             nbl__xcrit_denominator[k]);
    return rc ? rc : nbl__buf_printf(sql, " END)");
}

/* The text of column i, borrowed from the statement: SQLite keeps it until
 * the statement's next step or reset, i.e. exactly while the writer
 * handles the row, so no copy is made. NULL for a NULL value; NULL for a
 * value that is not NULL means SQLite could not make the text (out of
 * memory): *oom is set and the row is an error, never a missing value. */
static const char *
col_str(sqlite3_stmt *st, int i, int *oom)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    if (!s && sqlite3_column_type(st, i) != SQLITE_NULL)
        *oom = 1;
    return s;
}

/* A blob column (a geometry's WKB), borrowed like col_str()'s text; NULL
 * and *len 0 for NULL or an empty blob. */
static const unsigned char *
col_blob(sqlite3_stmt *st, int i, size_t *len, int *oom)
{
    const void *p = sqlite3_column_blob(st, i);
    int n = sqlite3_column_bytes(st, i);
    *len = 0;
    if (!p || n <= 0) {
        if (!p && n > 0)
            *oom = 1; /* a feature without its geometry: an error */
        return NULL;
    }
    *len = (size_t)n;
    return p;
}

/* Grows a vector of fixed-size elements by one zeroed slot. */
static void *
grow(void **v, size_t *n, size_t *cap, size_t size)
{
    char *p;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        void *q = realloc(*v, c * size);
        if (!q)
            return NULL;
        *v = q;
        *cap = c;
    }
    p = (char *)*v + *n * size;
    memset(p, 0, size);
    (*n)++;
    return p;
}

int
nbl__store_export_latest_year(nbl_ws *ws, const char *ruleset, int *year)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st, "SELECT MAX(year) FROM category_results WHERE ruleset = ?");
    if (rc)
        return rc;
    *year = 0;
    if (!(rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        if (sqlite3_step(st) == SQLITE_ROW)
            *year = nbl__db_column_int_or(st, 0, 0);
        else
            rc = nbl__db_error(ws, "latest year");
    }
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_export_years(nbl_ws *ws, const char *ruleset, int year,
                        long *n_in_year, int *first, int *last)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st,
        "SELECT SUM(year = ?2), MIN(year), MAX(year) FROM category_results "
        "WHERE ruleset = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int(st, 2, year);
    *n_in_year = 0;
    *first = *last = 0;
    if (!(rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            *n_in_year = sqlite3_column_int64(st, 0);
            *first = nbl__db_column_int_or(st, 1, 0);
            *last = nbl__db_column_int_or(st, 2, 0);
        } else {
            rc = nbl__db_error(ws, "years");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_export_ruleset_version(nbl_ws *ws, const char *ruleset, char **out)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st,
        "SELECT COALESCE((SELECT version FROM rulesets WHERE name = ?1), "
        "(SELECT MAX(ruleset_version) FROM category_results "
        "WHERE ruleset = ?1))");
    int oom = 0;
    if (rc)
        return rc;
    *out = NULL;
    if (!(rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = nbl__db_error(ws, "ruleset version");
        else if (!(*out = nbl__db_column_strdup(st, 0, &oom)) && oom)
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    return rc;
}

void
nbl__xinputs_free(nbl__xinput *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].kind);
        free(a[i].source);
    }
    free(a);
}

int
nbl__store_export_inputs(nbl_ws *ws, nbl__xinput **out, size_t *n)
{
    sqlite3_stmt *st;
    nbl__xinput *v = NULL;
    size_t cap = 0;
    int rc, s, oom = 0;
    *out = NULL;
    *n = 0;
    rc = nbl__db_prepare(
        ws, &st,
        "SELECT kind, source FROM runs WHERE kind IN "
        "('areas','stats','refs','incidents','plans') AND source IS NOT NULL "
        "GROUP BY kind, source ORDER BY MIN(run_id)");
    if (rc)
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        nbl__xinput *a = grow((void **)&v, n, &cap, sizeof *v);
        if (!a) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
        a->kind = nbl__db_column_strdup(st, 0, &oom);
        a->source = nbl__db_column_strdup(st, 1, &oom);
    }
    if (rc == NBL_OK && oom)
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "export inputs");
    sqlite3_finalize(st);
    if (rc) {
        nbl__xinputs_free(v, *n);
        *n = 0;
        return rc;
    }
    *out = v;
    return NBL_OK;
}

int
nbl__store_export_test_exec(nbl_ws *ws, const char *sql)
{
    return nbl__db_exec(ws, sql);
}

void
nbl__store_export_now(char buf[32])
{
    nbl__now_iso(buf);
}

/* ---- cursors ------------------------------------------------------------ */

typedef enum { XC_AREAS, XC_ALERTS, XC_SAFETY, XC_PLANS, XC_PROFILE } xckind;

struct nbl__xcursor {
    nbl_ws *ws;
    xckind kind;
    sqlite3_stmt *st, *pi; /* the rows; profile: one indicator lookup */
    const char *const *ind, *const *denom; /* profile: borrowed */
    size_t n_ind;
    int year;
    int oom; /* a column of the row could not be read (col_str) */
    union {
        nbl__xarea area;
        nbl__xalert alert;
        nbl__xsafety safety;
        nbl__xplan plan;
        nbl__xprofile profile;
    } row;
};

/* Forgets the current row (its strings are the statement's; the
 * profile's indicator array is kept for the next row). */
static void
row_clear(nbl__xcursor *c)
{
    nbl__xpind *ind = c->row.profile.ind;
    memset(&c->row, 0, sizeof c->row);
    if (c->kind == XC_PROFILE)
        c->row.profile.ind = ind;
}

void
nbl__xcursor_free(nbl__xcursor *c)
{
    if (!c)
        return;
    row_clear(c);
    if (c->kind == XC_PROFILE)
        free(c->row.profile.ind);
    sqlite3_finalize(c->st);
    sqlite3_finalize(c->pi);
    free(c);
}

/* A cursor over the rows of sql (ownership of the statement: the cursor). */
static int
cursor_new(nbl_ws *ws, xckind kind, const char *sql, nbl__xcursor **out)
{
    nbl__xcursor *c = calloc(1, sizeof *c);
    int rc;
    *out = NULL;
    if (!c)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    c->ws = ws;
    c->kind = kind;
    if ((rc = nbl__db_prepare(ws, &c->st, sql))) {
        free(c);
        return rc;
    }
    *out = c;
    return NBL_OK;
}

/* The status/dynamics columns of an areas row (from column c on). */
static void
read_sd(sqlite3_stmt *st, int c, nbl__xarea *a, int *oom)
{
    a->status_index = nbl__db_column_double(st, c);
    a->dynamics_index = nbl__db_column_double(st, c + 1);
    a->status_class = col_str(st, c + 2, oom);
    a->dynamics_class = col_str(st, c + 3, oom);
    a->sd_group = col_str(st, c + 4, oom);
    a->sd_st = col_str(st, c + 5, oom);
    a->sd_dst = col_str(st, c + 6, oom);
}

static void
read_area(sqlite3_stmt *st, nbl__xarea *a, int *oom)
{
    int c = 12;
    a->area_id = col_str(st, 0, oom);
    a->name = col_str(st, 1, oom);
    a->municipality = col_str(st, 2, oom);
    a->region = col_str(st, 3, oom);
    a->year = sqlite3_column_int(st, 4);
    a->pop = nbl__db_column_double(st, 5);
    a->category = col_str(st, 6, oom);
    a->criteria_met = nbl__db_column_int_or(st, 7, -1);
    a->ruleset_version = col_str(st, 8, oom);
    a->profile_points = nbl__db_column_int_or(st, 9, -1);
    a->profile_band = col_str(st, 10, oom);
    a->wkb = col_blob(st, 11, &a->wkb_len, oom);
    for (int k = 0; k < NBL__XC_N; k++, c += 7) {
        nbl__xcrit *x = &a->crit[k];
        const char *stt = col_str(st, c + 2, oom);
        x->value = nbl__db_column_double(st, c);
        x->ratio = nbl__db_column_double(st, c + 1);
        snprintf(x->status, sizeof x->status, "%s", stt ? stt : "");
        x->met = nbl__db_column_bool(st, c + 3);
        x->denom = nbl__db_column_double(st, c + 4);
        x->threshold = nbl__db_column_double(st, c + 5);
        x->threshold_low = nbl__db_column_double(st, c + 6);
    }
    read_sd(st, c, a, oom);
    a->pop_not_evaluable = sqlite3_column_int(st, c + 7);
}

static void
read_alert(sqlite3_stmt *st, nbl__xalert *a, int *oom)
{
    a->area_id = col_str(st, 0, oom);
    a->name = col_str(st, 1, oom);
    a->year = sqlite3_column_int(st, 2);
    a->kind = col_str(st, 3, oom);
    a->rule = col_str(st, 4, oom);
    a->severity = col_str(st, 5, oom);
    a->value = nbl__db_column_double(st, 6);
    a->threshold = nbl__db_column_double(st, 7);
    a->message = col_str(st, 8, oom);
    a->state = col_str(st, 9, oom);
    a->first_year = nbl__db_column_int_or(st, 10, 0);
    a->pop = nbl__db_column_double(st, 11);
    a->denom = nbl__db_column_double(st, 12);
    a->wkb = col_blob(st, 13, &a->wkb_len, oom);
}

static void
read_safety(sqlite3_stmt *st, nbl__xsafety *a, int *oom)
{
    a->area_id = col_str(st, 0, oom);
    a->name = col_str(st, 1, oom);
    a->year = sqlite3_column_int(st, 2);
    a->safety_index = nbl__db_column_double(st, 3);
    a->perceived = nbl__db_column_double(st, 4);
    a->problems = nbl__db_column_double(st, 5);
    a->registered = nbl__db_column_double(st, 6);
    a->band = col_str(st, 7, oom);
    a->flag_safe = nbl__db_column_bool(st, 8);
    a->flag_night = nbl__db_column_bool(st, 9);
    a->pop = nbl__db_column_double(st, 10);
    a->survey_n = nbl__db_column_double(st, 11);
    a->wkb = col_blob(st, 12, &a->wkb_len, oom);
}

static void
read_plan(sqlite3_stmt *st, nbl__xplan *a, int *oom)
{
    a->plan_id = col_str(st, 0, oom);
    a->name = col_str(st, 1, oom);
    a->start_year = sqlite3_column_int(st, 2);
    a->end_year = sqlite3_column_int(st, 3);
    a->n_areas = sqlite3_column_int(st, 4);
    a->area_ids = col_str(st, 5, oom);
    a->wkb = col_blob(st, 6, &a->wkb_len, oom);
}

static void
read_profile(sqlite3_stmt *st, int year, nbl__xprofile *a, int *oom)
{
    a->area_id = col_str(st, 0, oom);
    a->name = col_str(st, 1, oom);
    a->municipality = col_str(st, 2, oom);
    a->year = year;
    a->pop = nbl__db_column_double(st, 3);
    a->has_score = sqlite3_column_int(st, 4);
    a->points = nbl__db_column_int_or(st, 5, -1);
    a->band = col_str(st, 6, oom);
    a->wkb = col_blob(st, 7, &a->wkb_len, oom);
    a->prev_pop = nbl__db_column_double(st, 8);
}

/* The indicators of one area: one primary-key lookup per indicator. */
static int
profile_indicators(nbl__xcursor *c)
{
    nbl__xprofile *a = &c->row.profile;
    sqlite3_stmt *st = c->pi;
    int rc;
    /* the area and year hold for every indicator (a reset keeps them) */
    sqlite3_reset(st);
    sqlite3_bind_int(st, 2, a->year);
    if ((rc = nbl__db_bind_key(c->ws, st, 1, a->area_id)))
        return rc;
    for (size_t i = 0; i < c->n_ind; i++) {
        nbl__xpind *x = &a->ind[i];
        int s;
        x->value = x->reference = x->sd_distance = x->change = x->denom =
            x->prev_denom = NAN;
        x->points = -1;
        x->status[0] = '\0';
        sqlite3_reset(st);
        if ((s = nbl__db_bind_key(c->ws, st, 3, c->ind[i])) ||
            (s = nbl__db_bind_key(c->ws, st, 4, c->denom[i])))
            return s;
        s = sqlite3_step(st);
        if (s != SQLITE_ROW)
            return nbl__db_error(c->ws, "export profile");
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            const char *t = col_str(st, 1, &c->oom);
            x->value = nbl__db_column_double(st, 0);
            snprintf(x->status, sizeof x->status, "%s", t ? t : "");
            x->reference = nbl__db_column_double(st, 2);
            x->sd_distance = nbl__db_column_double(st, 3);
            x->change = nbl__db_column_double(st, 4);
            x->points = nbl__db_column_int_or(st, 5, -1);
        }
        x->denom = nbl__db_column_double(st, 6);
        x->prev_denom = nbl__db_column_double(st, 7);
    }
    return NBL_OK;
}

int
nbl__xcursor_next(nbl__xcursor *c, const void **row)
{
    static const char *const what[] = {"export areas", "export alerts",
                                       "export safety", "export plans",
                                       "export profile"};
    int s, rc;
    row_clear(c);
    c->oom = 0;
    *row = NULL;
    s = sqlite3_step(c->st);
    if (s == SQLITE_DONE)
        return 0;
    if (s != SQLITE_ROW)
        return nbl__db_error(c->ws, what[c->kind]);
    switch (c->kind) {
    case XC_AREAS:
        read_area(c->st, &c->row.area, &c->oom);
        break;
    case XC_ALERTS:
        read_alert(c->st, &c->row.alert, &c->oom);
        break;
    case XC_SAFETY:
        read_safety(c->st, &c->row.safety, &c->oom);
        break;
    case XC_PLANS:
        read_plan(c->st, &c->row.plan, &c->oom);
        break;
    case XC_PROFILE:
        read_profile(c->st, c->year, &c->row.profile, &c->oom);
        if (!c->row.profile.area_id)
            c->oom = 1;
        else if ((rc = profile_indicators(c)))
            return rc;
        break;
    }
    if (c->oom)
        return nbl__error(c->ws->ctx, NBL_ENOMEM, "out of memory");
    *row = &c->row;
    return 1;
}

/* The status/dynamics columns and join; workspaces from before the
 * configurable method lack sd_group, status_st and dynamics_st. */
static void
sd_sql(nbl_ws *ws, nbl__buf *cols, nbl__buf *join, const char *y)
{
    int has = nbl__store_sd_has_columns(ws);
    nbl__buf_printf(cols,
                    ", sdx.status_index, sdx.dynamics_index, "
                    "sdx.status_class, sdx.dynamics_class, %s",
                    has ? "sdx.sd_group, sdx.status_st, sdx.dynamics_st"
                        : "NULL, CASE WHEN sdx.area_id IS NOT NULL THEN "
                          "'ok' END, CASE WHEN sdx.dynamics_class IS NOT "
                          "NULL THEN 'ok' END");
    nbl__buf_printf(join,
                    " LEFT JOIN status_dynamics sdx ON sdx.area_id = "
                    "a.area_id AND sdx.year = %s AND sdx.ruleset = ?2",
                    y);
}

/* Whether the grid import left the year's pop missing as not evaluable;
 * workspaces without a grid import may lack grid_results. */
static void
grid_sql(nbl_ws *ws, nbl__buf *cols, const char *y)
{
    sqlite3_stmt *st = NULL;
    int has = 0;
    if (nbl__db_prepare(ws, &st,
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'grid_results'") == NBL_OK)
        has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!has) {
        nbl__buf_printf(cols, ", 0");
        return;
    }
    nbl__buf_printf(cols,
                    ", EXISTS (SELECT 1 FROM grid_results g WHERE g.area_id = "
                    "a.area_id AND g.year = %s AND g.variable = 'pop' AND "
                    "g.status = 'not_evaluable')",
                    y);
}

/* The areas query: pivoted criterion results, one LEFT JOIN each; the
 * status/dynamics row of the year. */
static int
areas_sql(nbl_ws *ws, nbl__buf *sql, int year)
{
    nbl__buf sdjoin = {0};
    const char *y = year > 0 ? "?1" : "c.year";
    nbl__buf_printf(sql,
                    "SELECT a.area_id, a.name, a.municipality, a.region, %s, "
                    "sp.value, c.category, c.criteria_met, "
                    "c.ruleset_version, ps.points, ps.band, AsBinary(a.geom)",
                    y);
    for (int k = 0; k < NBL__XC_N; k++)
        nbl__buf_printf(sql,
                        ", k%d.value, k%d.ratio, k%d.status, k%d.met, "
                        "d%d.value, k%d.threshold, k%d.threshold_low",
                        k, k, k, k, k, k, k);
    sd_sql(ws, sql, &sdjoin, y);
    grid_sql(ws, sql, y);
    nbl__buf_printf(sql,
                    " FROM areas a %s JOIN category_results c ON "
                    "c.area_id = a.area_id AND c.ruleset = ?2%s",
                    year > 0 ? "LEFT" : "", year > 0 ? " AND c.year = ?1" : "");
    nbl__buf_printf(sql,
                    " LEFT JOIN stats sp ON sp.area_id = a.area_id AND "
                    "sp.year = %s AND sp.variable = 'pop'"
                    " LEFT JOIN profile_scores ps ON ps.area_id = a.area_id "
                    "AND ps.year = %s",
                    y, y);
    for (int k = 0; k < NBL__XC_N; k++)
        nbl__buf_printf(
            sql,
            " LEFT JOIN criterion_results k%d ON k%d.area_id = a.area_id AND "
            "k%d.year = %s AND k%d.ruleset = ?2 AND k%d.criterion = '%s'"
            " LEFT JOIN stats d%d ON d%d.area_id = a.area_id AND d%d.year = "
            "%s AND d%d.variable = '%s'",
            k, k, k, y, k, k, nbl__xcrit_id[k], k, k, k, y, k,
            nbl__xcrit_denominator[k]);
    if (sdjoin.s)
        nbl__buf_append(sql, sdjoin.s, sdjoin.len);
    nbl__buf_free(&sdjoin);
    /* year 0: in the order of category_results' key (area_id, year), so
     * that SQLite walks it instead of sorting every row (geometries
     * included) in a temporary B-tree; c.area_id = a.area_id */
    return nbl__buf_printf(
        sql, year > 0 ? " ORDER BY a.area_id, %s" : " ORDER BY c.area_id, %s",
        y);
}

/* Binds a new cursor's ruleset; on failure the cursor is freed. */
static int
cursor_bind_ruleset(nbl_ws *ws, nbl__xcursor **out, int i, const char *ruleset)
{
    int rc = nbl__db_bind_key(ws, (*out)->st, i, ruleset);
    if (rc) {
        nbl__xcursor_free(*out);
        *out = NULL;
    }
    return rc;
}

int
nbl__store_export_areas(nbl_ws *ws, const char *ruleset, int year,
                        nbl__xcursor **out)
{
    nbl__buf sql = {0};
    int rc;
    *out = NULL;
    if (areas_sql(ws, &sql, year) || !sql.s) {
        nbl__buf_free(&sql);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = cursor_new(ws, XC_AREAS, sql.s, out);
    nbl__buf_free(&sql);
    if (rc)
        return rc;
    if (year > 0)
        sqlite3_bind_int((*out)->st, 1, year);
    return cursor_bind_ruleset(ws, out, 2, ruleset);
}

int
nbl__store_export_alerts(nbl_ws *ws, const char *ruleset, int year,
                         nbl__xcursor **out)
{
    nbl__buf sql = {0};
    int rc;
    *out = NULL;
    if (nbl__buf_printf(&sql, "SELECT al.area_id, a.name, al.year, al.kind, "
                              "al.rule, al.severity, al.value, al.threshold, "
                              "al.message, al.state, al.first_year, ") ||
        nbl__xalert_disclosure_sql(&sql) ||
        nbl__buf_printf(&sql, ", AsBinary(ST_PointOnSurface(a.geom)) "
                              "FROM alerts al JOIN areas a ON a.area_id = "
                              "al.area_id WHERE al.ruleset = ?1 AND al.year "
                              "= ?2 ORDER BY al.area_id, al.kind, al.rule")) {
        nbl__buf_free(&sql);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = cursor_new(ws, XC_ALERTS, sql.s, out);
    nbl__buf_free(&sql);
    if (rc)
        return rc;
    sqlite3_bind_int((*out)->st, 2, year);
    return cursor_bind_ruleset(ws, out, 1, ruleset);
}

int
nbl__store_export_safety(nbl_ws *ws, int year, nbl__xcursor **out)
{
    int rc = cursor_new(
        ws, XC_SAFETY,
        "SELECT r.area_id, a.name, r.year, r.safety_index, r.perceived, "
        "r.problems, r.registered, r.safety_band, r.flag_safe, r.flag_night, "
        "(SELECT value FROM stats s WHERE s.area_id = r.area_id AND "
        "s.year = r.year AND s.variable = 'pop'), "
        "(SELECT value FROM stats s WHERE s.area_id = r.area_id AND "
        "s.year = r.year AND s.variable = 'survey_n'), AsBinary(a.geom) "
        "FROM safety_results r JOIN areas a ON a.area_id = r.area_id "
        "WHERE r.year = ?1 ORDER BY r.area_id",
        out);
    if (rc == NBL_OK)
        sqlite3_bind_int((*out)->st, 1, year);
    return rc;
}

int
nbl__store_export_has_plans(nbl_ws *ws, int *any)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st, "SELECT EXISTS (SELECT 1 FROM plans)");
    if (rc)
        return rc;
    *any = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        *any = sqlite3_column_int(st, 0) != 0;
    else
        rc = nbl__db_error(ws, "export plans");
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_export_plans(nbl_ws *ws, nbl__xcursor **out)
{
    return cursor_new(
        ws, XC_PLANS,
        "SELECT p.plan_id, p.name, p.start_year, p.end_year, "
        "(SELECT COUNT(*) FROM plan_areas pa WHERE pa.plan_id = p.plan_id "
        "AND pa.start_year = p.start_year), "
        "(SELECT group_concat(area_id, '|') FROM (SELECT pa.area_id FROM "
        "plan_areas pa WHERE pa.plan_id = p.plan_id AND pa.start_year = "
        "p.start_year ORDER BY pa.area_id)), "
        "(SELECT AsBinary(CastToMultiPolygon(ST_Union(a.geom))) FROM "
        "plan_areas pa JOIN areas a ON a.area_id = pa.area_id WHERE "
        "pa.plan_id = p.plan_id AND pa.start_year = p.start_year) "
        "FROM plans p ORDER BY p.plan_id, p.start_year",
        out);
}

int
nbl__store_export_profile(nbl_ws *ws, int year, const char *const *ind,
                          const char *const *denom, size_t n_ind,
                          nbl__xcursor **out)
{
    nbl__xcursor *c;
    int rc = cursor_new(
        ws, XC_PROFILE,
        "SELECT a.area_id, a.name, a.municipality, sp.value, "
        "ps.area_id IS NOT NULL, ps.points, ps.band, AsBinary(a.geom), "
        "sq.value FROM areas a LEFT JOIN stats sp ON sp.area_id = a.area_id "
        "AND sp.year = ?1 AND sp.variable = 'pop' LEFT JOIN stats sq ON "
        "sq.area_id = a.area_id AND sq.year = ?1 - 1 AND sq.variable = 'pop' "
        "LEFT JOIN profile_scores ps ON ps.area_id = a.area_id AND ps.year = "
        "?1 ORDER BY a.area_id",
        &c);
    *out = NULL;
    if (rc)
        return rc;
    c->ind = ind;
    c->denom = denom;
    c->n_ind = n_ind;
    c->year = year;
    sqlite3_bind_int(c->st, 1, year);
    c->row.profile.ind = calloc(n_ind ? n_ind : 1, sizeof *c->row.profile.ind);
    if (!c->row.profile.ind) {
        nbl__xcursor_free(c);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(
        ws, &c->pi,
        "SELECT r.value, r.status, r.reference, r.sd_distance, r.change, "
        "r.points, (SELECT value FROM stats s WHERE s.area_id = ?1 AND "
        "s.year = ?2 AND s.variable = ?4), (SELECT value FROM stats s WHERE "
        "s.area_id = ?1 AND s.year = ?2 - 1 AND s.variable = ?4) FROM "
        "(SELECT 1) LEFT JOIN "
        "profile_results r ON r.area_id = ?1 AND r.year = ?2 AND "
        "r.indicator = ?3");
    if (rc) {
        nbl__xcursor_free(c);
        return rc;
    }
    *out = c;
    return NBL_OK;
}

int
nbl__store_export_thresholds(nbl_ws *ws, const char *ruleset, int year,
                             double thr[NBL__XC_N], double low[NBL__XC_N])
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st,
        "SELECT (SELECT r.threshold FROM criterion_results r JOIN areas a ON "
        "a.area_id = r.area_id WHERE r.ruleset = ?1 AND r.year = ?2 AND "
        "r.criterion = ?3 AND r.threshold IS NOT NULL ORDER BY r.area_id "
        "LIMIT 1), (SELECT r.threshold_low FROM criterion_results r JOIN "
        "areas a ON a.area_id = r.area_id WHERE r.ruleset = ?1 AND r.year = "
        "?2 AND r.criterion = ?3 AND r.threshold_low IS NOT NULL ORDER BY "
        "r.area_id LIMIT 1)");
    if (rc)
        return rc;
    sqlite3_bind_int(st, 2, year);
    rc = nbl__db_bind_key(ws, st, 1, ruleset);
    for (int k = 0; rc == NBL_OK && k < NBL__XC_N; k++) {
        sqlite3_reset(st);
        if ((rc = nbl__db_bind_key(ws, st, 3, nbl__xcrit_id[k])))
            break;
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = nbl__db_error(ws, "export thresholds");
            break;
        }
        thr[k] = nbl__db_column_double(st, 0);
        low[k] = nbl__db_column_double(st, 1);
    }
    sqlite3_finalize(st);
    return rc;
}
