/*
 * store_export.c - the row cursors of `nabolag export` (see store_export.h;
 * its small queries are in store_export_info.c). Tables read: areas (+ geom
 * as WKB), stats, category_results, criterion_results, profile_scores,
 * profile_results, alerts, safety_results, plans, plan_areas,
 * status_dynamics, grid_results.
 * For one year, criterion results are pivoted to one column group per
 * criterion with one LEFT JOIN each (primary-key lookups), so areas without
 * results still come out, with NULLs. For every year (the timeseries, 11
 * rows per area at national scale) the category results are merged in C
 * with one ordered scan of each side table, which costs a B-tree step per
 * row instead of a descent per value. Rows hand out SQLite's own strings
 * and WKB (valid until the cursor's next row): nothing is copied per row.
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

/* A blob column (a geometry's WKB), borrowed like nbl__db_column_text()'s text;
 * NULL and *len 0 for NULL or an empty blob. */
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

/* ---- cursors ------------------------------------------------------------ */

typedef enum {
    XC_AREAS,
    XC_ALERTS,
    XC_SAFETY,
    XC_PLANS,
    XC_PROFILE,
    XC_SERIES
} xckind;

/* The series cursor's side statements (series_open()), each in the key
 * order (area_id, year) of the category results it is merged with. */
enum { SIDE_AREA, SIDE_CRIT, SIDE_PROF, SIDE_SDYN, SIDE_N };

struct nbl__xcursor {
    nbl_ws *ws;
    xckind kind;
    sqlite3_stmt *st;           /* the rows */
    sqlite3_stmt *pi, *pd;      /* profile: an area's results, denominators */
    sqlite3_stmt *side[SIDE_N]; /* series: merged with st (side_seek()) */
    int side_at[SIDE_N];        /* 0: to step, 1: at a row, 2: done */
    const char *const *ind, *const *denom; /* profile: borrowed */
    size_t n_ind;
    int year;
    int oom; /* a column of the row could not be read (nbl__db_column_text) */
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
    sqlite3_finalize(c->pd);
    for (int i = 0; i < SIDE_N; i++)
        sqlite3_finalize(c->side[i]);
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
    a->status_class = nbl__db_column_text(st, c + 2, oom);
    a->dynamics_class = nbl__db_column_text(st, c + 3, oom);
    a->sd_group = nbl__db_column_text(st, c + 4, oom);
    a->sd_st = nbl__db_column_text(st, c + 5, oom);
    a->sd_dst = nbl__db_column_text(st, c + 6, oom);
}

static void
read_area(sqlite3_stmt *st, nbl__xarea *a, int *oom)
{
    int c = 12;
    a->area_id = nbl__db_column_text(st, 0, oom);
    a->name = nbl__db_column_text(st, 1, oom);
    a->municipality = nbl__db_column_text(st, 2, oom);
    a->region = nbl__db_column_text(st, 3, oom);
    a->year = sqlite3_column_int(st, 4);
    a->pop = nbl__db_column_double(st, 5);
    a->category = nbl__db_column_text(st, 6, oom);
    a->criteria_met = nbl__db_column_int_or(st, 7, -1);
    a->ruleset_version = nbl__db_column_text(st, 8, oom);
    a->profile_points = nbl__db_column_int_or(st, 9, -1);
    a->profile_band = nbl__db_column_text(st, 10, oom);
    a->wkb = col_blob(st, 11, &a->wkb_len, oom);
    for (int k = 0; k < NBL__XC_N; k++, c += 7) {
        nbl__xcrit *x = &a->crit[k];
        const char *stt = nbl__db_column_text(st, c + 2, oom);
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
    a->area_id = nbl__db_column_text(st, 0, oom);
    a->name = nbl__db_column_text(st, 1, oom);
    a->year = sqlite3_column_int(st, 2);
    a->kind = nbl__db_column_text(st, 3, oom);
    a->rule = nbl__db_column_text(st, 4, oom);
    a->severity = nbl__db_column_text(st, 5, oom);
    a->value = nbl__db_column_double(st, 6);
    a->threshold = nbl__db_column_double(st, 7);
    a->message = nbl__db_column_text(st, 8, oom);
    a->state = nbl__db_column_text(st, 9, oom);
    a->first_year = nbl__db_column_int_or(st, 10, 0);
    a->pop = nbl__db_column_double(st, 11);
    a->denom = nbl__db_column_double(st, 12);
    a->wkb = col_blob(st, 13, &a->wkb_len, oom);
}

static void
read_safety(sqlite3_stmt *st, nbl__xsafety *a, int *oom)
{
    a->area_id = nbl__db_column_text(st, 0, oom);
    a->name = nbl__db_column_text(st, 1, oom);
    a->year = sqlite3_column_int(st, 2);
    a->safety_index = nbl__db_column_double(st, 3);
    a->perceived = nbl__db_column_double(st, 4);
    a->problems = nbl__db_column_double(st, 5);
    a->registered = nbl__db_column_double(st, 6);
    a->band = nbl__db_column_text(st, 7, oom);
    a->flag_safe = nbl__db_column_bool(st, 8);
    a->flag_night = nbl__db_column_bool(st, 9);
    a->pop = nbl__db_column_double(st, 10);
    a->survey_n = nbl__db_column_double(st, 11);
    a->wkb = col_blob(st, 12, &a->wkb_len, oom);
}

static void
read_plan(sqlite3_stmt *st, nbl__xplan *a, int *oom)
{
    a->plan_id = nbl__db_column_text(st, 0, oom);
    a->name = nbl__db_column_text(st, 1, oom);
    a->start_year = sqlite3_column_int(st, 2);
    a->end_year = sqlite3_column_int(st, 3);
    a->n_areas = sqlite3_column_int(st, 4);
    a->area_ids = nbl__db_column_text(st, 5, oom);
    a->wkb = col_blob(st, 6, &a->wkb_len, oom);
}

static void
read_profile(sqlite3_stmt *st, int year, nbl__xprofile *a, int *oom)
{
    a->area_id = nbl__db_column_text(st, 0, oom);
    a->name = nbl__db_column_text(st, 1, oom);
    a->municipality = nbl__db_column_text(st, 2, oom);
    a->year = year;
    a->pop = nbl__db_column_double(st, 3);
    a->has_score = sqlite3_column_int(st, 4);
    a->points = nbl__db_column_int_or(st, 5, -1);
    a->band = nbl__db_column_text(st, 6, oom);
    a->wkb = col_blob(st, 7, &a->wkb_len, oom);
    a->prev_pop = nbl__db_column_double(st, 8);
}

/* Resets st and binds the area (?1) and year (?2) of profile row a. */
static int
bind_area_year(nbl__xcursor *c, sqlite3_stmt *st, const nbl__xprofile *a)
{
    sqlite3_reset(st);
    sqlite3_bind_int(st, 2, a->year);
    return nbl__db_bind_key(c->ws, st, 1, a->area_id);
}

/* The profile results of one area and year: one range of profile_results'
 * key, each row matched to the indicators asked for. */
static int
profile_results(nbl__xcursor *c, nbl__xprofile *a)
{
    sqlite3_stmt *st = c->pi;
    int rc = bind_area_year(c, st, a), s;
    while (rc == NBL_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = nbl__db_column_text(st, 0, &c->oom);
        for (size_t i = 0; name && i < c->n_ind; i++) {
            nbl__xpind *x = &a->ind[i];
            const char *t;
            if (strcmp(name, c->ind[i]) != 0)
                continue;
            t = nbl__db_column_text(st, 2, &c->oom);
            x->value = nbl__db_column_double(st, 1);
            snprintf(x->status, sizeof x->status, "%s", t ? t : "");
            x->reference = nbl__db_column_double(st, 3);
            x->sd_distance = nbl__db_column_double(st, 4);
            x->change = nbl__db_column_double(st, 5);
            x->points = nbl__db_column_int_or(st, 6, -1);
        }
    }
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(c->ws, "export profile");
    return rc;
}

/* The indicators' denominators in the year and the year before: one
 * range of stats' key (area, year - 1 .. year), matched by variable. */
static int
profile_denoms(nbl__xcursor *c, nbl__xprofile *a)
{
    sqlite3_stmt *st = c->pd;
    int rc = bind_area_year(c, st, a), s;
    while (rc == NBL_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *var = nbl__db_column_text(st, 1, &c->oom);
        int now = sqlite3_column_int(st, 0) == a->year;
        for (size_t i = 0; var && i < c->n_ind; i++)
            if (c->denom[i] && strcmp(var, c->denom[i]) == 0)
                *(now ? &a->ind[i].denom : &a->ind[i].prev_denom) =
                    nbl__db_column_double(st, 2);
    }
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(c->ws, "export profile");
    return rc;
}

/* The indicators of one area: two range scans (results, denominators)
 * instead of three look-ups per indicator. */
static int
profile_indicators(nbl__xcursor *c)
{
    nbl__xprofile *a = &c->row.profile;
    int rc;
    for (size_t i = 0; i < c->n_ind; i++) {
        nbl__xpind *x = &a->ind[i];
        x->value = x->reference = x->sd_distance = x->change = x->denom =
            x->prev_denom = NAN;
        x->points = -1;
        x->status[0] = '\0';
    }
    if ((rc = profile_results(c, a)) == NBL_OK)
        rc = profile_denoms(c, a);
    return rc;
}

/* ---- the timeseries: category results merged with ordered scans ------ */

/* Moves side statement i on to its first row whose key (area_id, year;
 * year < 0: area_id only) is not below (id, year): 1 when that row's key
 * is (id, year), 0 when it is above or the statement is done, or an error.
 * Keys compare as SQLite's BINARY collation orders them (strcmp of the
 * UTF-8 bytes), so each side is walked once, as the category results are:
 * one B-tree step per row instead of a descent per criterion, profile
 * score and status row of every area and year. */
static int
side_seek(nbl__xcursor *c, int i, const char *id, int year)
{
    sqlite3_stmt *st = c->side[i];
    for (;;) {
        const char *k;
        int cmp, oom = 0;
        if (c->side_at[i] == 0) {
            int s = sqlite3_step(st);
            if (s != SQLITE_ROW && s != SQLITE_DONE)
                return nbl__db_error(c->ws, "export timeseries");
            c->side_at[i] = s == SQLITE_ROW ? 1 : 2;
        }
        if (c->side_at[i] == 2)
            return 0;
        k = nbl__db_column_text(st, 0, &oom);
        if (oom)
            return nbl__error(c->ws->ctx, NBL_ENOMEM, "out of memory");
        cmp = k ? strcmp(k, id) : -1; /* NULL sorts first */
        if (cmp == 0 && year >= 0) {
            int y = sqlite3_column_int(st, 1);
            cmp = (y > year) - (y < year);
        }
        if (cmp >= 0)
            return cmp == 0;
        c->side_at[i] = 0;
    }
}

/* The criterion results of the row's area and year (every row of that
 * key: one per criterion), as the pivoting LEFT JOINs of areas_sql() give
 * them; denominators are set already. */
static int
series_crit(nbl__xcursor *c, nbl__xarea *a)
{
    sqlite3_stmt *st = c->side[SIDE_CRIT];
    int rc;
    for (int k = 0; k < NBL__XC_N; k++) {
        nbl__xcrit *x = &a->crit[k];
        x->value = x->ratio = x->threshold = x->threshold_low = NAN;
        x->met = -1;
    }
    while ((rc = side_seek(c, SIDE_CRIT, a->area_id, a->year)) == 1) {
        const char *id = nbl__db_column_text(st, 2, &c->oom);
        for (int k = 0; id && k < NBL__XC_N; k++) {
            nbl__xcrit *x = &a->crit[k];
            const char *stt;
            if (strcmp(id, nbl__xcrit_id[k]) != 0)
                continue;
            stt = nbl__db_column_text(st, 5, &c->oom);
            x->value = nbl__db_column_double(st, 3);
            x->ratio = nbl__db_column_double(st, 4);
            snprintf(x->status, sizeof x->status, "%s", stt ? stt : "");
            x->met = nbl__db_column_bool(st, 6);
            x->threshold = nbl__db_column_double(st, 7);
            x->threshold_low = nbl__db_column_double(st, 8);
        }
        c->side_at[SIDE_CRIT] = 0; /* consumed */
    }
    return rc;
}

/* One timeseries row from the category result the main statement is at:
 * 1, 0 when its area is not in the areas table (skipped, as the inner join
 * did), or an error. Strings stay the statements' own: a side statement
 * moves only when a later row needs a later key. */
static int
read_series(nbl__xcursor *c)
{
    sqlite3_stmt *st = c->st, *s;
    nbl__xarea *a = &c->row.area;
    int rc;
    if (!(a->area_id = nbl__db_column_text(st, 0, &c->oom)))
        return c->oom ? nbl__error(c->ws->ctx, NBL_ENOMEM, "out of memory") : 0;
    a->year = sqlite3_column_int(st, 1);
    a->category = nbl__db_column_text(st, 2, &c->oom);
    a->criteria_met = nbl__db_column_int_or(st, 3, -1);
    a->ruleset_version = nbl__db_column_text(st, 4, &c->oom);
    a->pop = nbl__db_column_double(st, 5);
    for (int k = 0; k < NBL__XC_N; k++)
        a->crit[k].denom = nbl__db_column_double(st, 6 + k);
    a->pop_not_evaluable = sqlite3_column_int(st, 6 + NBL__XC_N);
    if ((rc = side_seek(c, SIDE_AREA, a->area_id, -1)) <= 0)
        return rc;
    s = c->side[SIDE_AREA];
    a->name = nbl__db_column_text(s, 1, &c->oom);
    a->municipality = nbl__db_column_text(s, 2, &c->oom);
    a->region = nbl__db_column_text(s, 3, &c->oom);
    a->wkb = col_blob(s, 4, &a->wkb_len, &c->oom);
    a->profile_points = -1;
    if ((rc = side_seek(c, SIDE_PROF, a->area_id, a->year)) < 0)
        return rc;
    if (rc) {
        a->profile_points = nbl__db_column_int_or(c->side[SIDE_PROF], 2, -1);
        a->profile_band = nbl__db_column_text(c->side[SIDE_PROF], 3, &c->oom);
    }
    a->status_index = a->dynamics_index = NAN;
    if ((rc = side_seek(c, SIDE_SDYN, a->area_id, a->year)) < 0)
        return rc;
    if (rc)
        read_sd(c->side[SIDE_SDYN], 2, a, &c->oom);
    return (rc = series_crit(c, a)) < 0 ? rc : 1;
}

static int
series_next(nbl__xcursor *c, const void **row)
{
    int s, rc;
    do {
        row_clear(c);
        s = sqlite3_step(c->st);
        if (s == SQLITE_DONE)
            return 0;
        if (s != SQLITE_ROW)
            return nbl__db_error(c->ws, "export timeseries");
        rc = read_series(c);
    } while (rc == 0 && !c->oom);
    if (rc < 0)
        return rc;
    if (c->oom)
        return nbl__error(c->ws->ctx, NBL_ENOMEM, "out of memory");
    *row = &c->row;
    return 1;
}

int
nbl__xcursor_next(nbl__xcursor *c, const void **row)
{
    static const char *const what[] = {"export areas",   "export alerts",
                                       "export safety",  "export plans",
                                       "export profile", "export timeseries"};
    int s, rc;
    row_clear(c);
    c->oom = 0;
    *row = NULL;
    if (c->kind == XC_SERIES)
        return series_next(c, row);
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
    case XC_SERIES: /* series_next() */
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
    if (has < 0) { /* the statement is not made without it */
        nbl__buf_fail(cols);
        return;
    }
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
grid_sql(nbl_ws *ws, nbl__buf *cols, const char *id, const char *y)
{
    long long has = 0;
    if (nbl__db_int64(ws,
                      "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type "
                      "= 'table' AND name = 'grid_results')",
                      &has)) {
        nbl__buf_fail(cols); /* the statement is not made without it */
        return;
    }
    if (!has) {
        nbl__buf_printf(cols, ", 0");
        return;
    }
    nbl__buf_printf(cols,
                    ", EXISTS (SELECT 1 FROM grid_results g WHERE g.area_id = "
                    "%s AND g.year = %s AND g.variable = 'pop' AND "
                    "g.status = 'not_evaluable')",
                    id, y);
}

/* The areas query of one year (?1): every area, its pivoted criterion
 * results (one LEFT JOIN each) and its status/dynamics row. The
 * timeseries (every year) merges ordered scans instead: series_sql(). */
static int
areas_sql(nbl_ws *ws, nbl__buf *sql)
{
    nbl__buf sdjoin = {0};
    const char *y = "?1";
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
    grid_sql(ws, sql, "a.area_id", y);
    nbl__buf_printf(sql, " FROM areas a LEFT JOIN category_results c ON "
                         "c.area_id = a.area_id AND c.ruleset = ?2 AND "
                         "c.year = ?1");
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
    return nbl__buf_printf(sql, " ORDER BY a.area_id");
}

/* The timeseries' main statement: the category results of the ruleset
 * (?1) in key order with their residents, the criteria's denominators and
 * the grid's verdict on pop (primary-key look-ups of stats); the areas,
 * criterion results, profile scores and status rows come from the side
 * statements, merged in C (side_seek()). */
static int
series_sql(nbl_ws *ws, nbl__buf *m, nbl__buf *sd)
{
    nbl__buf sdjoin = {0};
    nbl__buf_printf(m, "SELECT c.area_id, c.year, c.category, "
                       "c.criteria_met, c.ruleset_version, sp.value");
    /* a denominator that is pop itself (eth) is read once, as sp */
    for (int k = 0; k < NBL__XC_N; k++)
        nbl__buf_printf(m,
                        strcmp(nbl__xcrit_denominator[k], "pop") == 0
                            ? ", sp.value"
                            : ", d%d.value",
                        k);
    grid_sql(ws, m, "c.area_id", "c.year");
    nbl__buf_printf(m, " FROM category_results c LEFT JOIN stats sp ON "
                       "sp.area_id = c.area_id AND sp.year = c.year AND "
                       "sp.variable = 'pop'");
    for (int k = 0; k < NBL__XC_N; k++)
        if (strcmp(nbl__xcrit_denominator[k], "pop") != 0)
            nbl__buf_printf(m,
                            " LEFT JOIN stats d%d ON d%d.area_id = c.area_id "
                            "AND d%d.year = c.year AND d%d.variable = '%s'",
                            k, k, k, k, nbl__xcrit_denominator[k]);
    nbl__buf_printf(m, " WHERE c.ruleset = ?1 ORDER BY c.area_id, c.year");
    nbl__buf_printf(sd, "SELECT sdx.area_id, sdx.year");
    sd_sql(ws, sd, &sdjoin, "sdx.year");
    nbl__buf_free(&sdjoin);
    nbl__buf_printf(sd, " FROM status_dynamics sdx WHERE sdx.ruleset = ?1 "
                        "ORDER BY sdx.area_id, sdx.year");
    return m->failed || sd->failed || !m->s || !sd->s ? NBL_ENOMEM : NBL_OK;
}

/* The cursor of every area and year with category results (the
 * timeseries): rows as nbl__store_export_areas() gives them for year 0. */
static int
series_open(nbl_ws *ws, const char *ruleset, nbl__xcursor **out)
{
    static const char *const side[SIDE_SDYN] = {
        "SELECT area_id, name, municipality, region, AsBinary(geom) FROM "
        "areas ORDER BY area_id",
        "SELECT area_id, year, criterion, value, ratio, status, met, "
        "threshold, threshold_low FROM criterion_results WHERE ruleset = ?1 "
        "ORDER BY area_id, year",
        "SELECT area_id, year, points, band FROM profile_scores ORDER BY "
        "area_id, year"};
    nbl__buf m = {0}, sd = {0};
    int rc = series_sql(ws, &m, &sd);
    if (rc == NBL_OK)
        rc = cursor_new(ws, XC_SERIES, m.s, out);
    else
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (int i = 0; rc == NBL_OK && i < SIDE_N; i++)
        rc = nbl__db_prepare(ws, &(*out)->side[i],
                             i == SIDE_SDYN ? sd.s : side[i]);
    nbl__buf_free(&m);
    nbl__buf_free(&sd);
    if (rc == NBL_OK && !(rc = nbl__db_bind_key(ws, (*out)->st, 1, ruleset)) &&
        !(rc = nbl__db_bind_key(ws, (*out)->side[SIDE_CRIT], 1, ruleset)))
        rc = nbl__db_bind_key(ws, (*out)->side[SIDE_SDYN], 1, ruleset);
    if (rc) {
        nbl__xcursor_free(*out);
        *out = NULL;
    }
    return rc;
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
    if (year <= 0)
        return series_open(ws, ruleset, out);
    if (areas_sql(ws, &sql) || !sql.s) {
        nbl__buf_free(&sql);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = cursor_new(ws, XC_AREAS, sql.s, out);
    nbl__buf_free(&sql);
    if (rc)
        return rc;
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
    rc = nbl__db_prepare(ws, &c->pi,
                         "SELECT indicator, value, status, reference, "
                         "sd_distance, change, points FROM profile_results "
                         "WHERE area_id = ?1 AND year = ?2");
    if (rc == NBL_OK)
        rc = nbl__db_prepare(ws, &c->pd,
                             "SELECT year, variable, value FROM stats WHERE "
                             "area_id = ?1 AND year BETWEEN ?2 - 1 AND ?2");
    if (rc) {
        nbl__xcursor_free(c);
        return rc;
    }
    *out = c;
    return NBL_OK;
}
