/*
 * store_report_series.c - the yearly series and the alerts behind the
 * report's charts and area cards and `nabolag area`, one area at a time:
 * per year from the
 * first year with results to the report's year, the residents and the
 * criteria's denominators (disclosure), the criteria (display value and
 * whether met), the category, the safety index and the profile score.
 * and the area's alerts of every year up to the report's. Four statements
 * prepared once (d->stmts) and run per area on the tables' keys (area_id
 * first), so that a report of any number of areas holds one area's years
 * and alerts. Also, each from one cursor, the year's alerts for the
 * report's table and the category of every area and year for its
 * category charts.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_report.h"
#include "util/util.h"

struct nbl__report_stmts {
    sqlite3_stmt *stats, *criteria, *results, *alerts;
};

/* Set when col_text() could not copy a value (out of memory); checked
 * after each area's and each alert's row so that a failed copy is an
 * error, never a value silently shown as missing. */
static _Thread_local int text_oom;

static char *
col_text(sqlite3_stmt *q, int i)
{
    return nbl__db_column_strdup(q, i, &text_oom);
}

const nbl__report_year *
nbl__report_year_of(const nbl__report_data *d, int i, int y)
{
    if (!d->series || i < d->series_first ||
        i >= d->series_first + d->series_count || y < d->first_year ||
        y >= d->first_year + d->n_years)
        return NULL;
    return &d->series[(size_t)(i - d->series_first) * (size_t)d->n_years +
                      (size_t)(y - d->first_year)];
}

/* The slot of the year in column 0 of q, NULL outside the series. */
static nbl__report_year *
row_slot(nbl__report_data *d, int i, sqlite3_stmt *q)
{
    return (nbl__report_year *)nbl__report_year_of(d, i,
                                                   sqlite3_column_int(q, 0));
}

int
nbl__report_crit_index(const char *c)
{
    for (int k = 0; c && k < NBL__XC_N; k++)
        if (strcmp(c, nbl__xcrit_id[k]) == 0)
            return k;
    return -1;
}

/* Empties the series' slots (one area's years), allocating them first. */
static int
series_reset(nbl_ws *ws, nbl__report_data *d)
{
    size_t n = (size_t)d->n_years;
    if (!d->series && !(d->series = calloc(n + 1, sizeof *d->series)))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        nbl__report_year *y = &d->series[i];
        free(y->category);
        free(y->band);
        memset(y, 0, sizeof *y);
        y->pop = y->safety_index = y->survey_n = NAN;
        for (int k = 0; k < NBL__XC_N; k++) {
            y->den[k] = y->val[k] = NAN;
            y->met[k] = -1;
        }
        y->criteria_met = y->points = -1;
    }
    d->series_count = 0;
    return NBL_OK;
}

static int
stmts_prepare(nbl_ws *ws, nbl__report_stmts *s)
{
    int rc;
    if ((rc = nbl__db_prepare(
             ws, &s->stats,
             "SELECT year, variable, value FROM stats WHERE area_id = ?1 "
             "AND year BETWEEN ?2 AND ?3 AND variable IN ('pop', "
             "'survey_n', 'pop_18_64', 'pop_18p', 'pop_30_59', "
             "'taxpayers_15_64')")))
        return rc;
    if ((rc = nbl__db_prepare(
             ws, &s->criteria,
             "SELECT year, criterion, CASE criterion WHEN 'cri' THEN ratio "
             "ELSE value END, met FROM criterion_results WHERE area_id = ?1 "
             "AND year BETWEEN ?2 AND ?3 AND ruleset = ?4")))
        return rc;
    return nbl__db_prepare(
        ws, &s->results,
        "SELECT c.year, c.category, c.criteria_met, sr.safety_index, "
        "(sr.perceived IS NOT NULL OR sr.problems IS NOT NULL), ps.points, "
        "ps.band FROM category_results c LEFT JOIN safety_results sr ON "
        "sr.area_id = c.area_id AND sr.year = c.year LEFT JOIN "
        "profile_scores ps ON ps.area_id = c.area_id AND ps.year = c.year "
        "WHERE c.area_id = ?1 AND c.year BETWEEN ?2 AND ?3 AND c.ruleset = "
        "?4");
}

/* Binds area i, the series' years and (for 4 parameters) the ruleset. */
static int
bind_area(nbl_ws *ws, const nbl__report_data *d, sqlite3_stmt *q, int i)
{
    sqlite3_reset(q);
    if (nbl__db_bind_text(q, 1, d->areas[i].area_id) ||
        sqlite3_bind_int(q, 2, d->first_year) ||
        sqlite3_bind_int(q, 3, d->year) ||
        (sqlite3_bind_parameter_count(q) == 4 &&
         nbl__db_bind_text(q, 4, d->ruleset)))
        return nbl__db_error(ws, "report series");
    return NBL_OK;
}

/* Residents, the denominators and the survey's respondents. */
static int
series_stats(nbl_ws *ws, nbl__report_data *d, int i)
{
    sqlite3_stmt *q = d->stmts->stats;
    int s, rc;
    if ((rc = bind_area(ws, d, q, i)))
        return rc;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_year *y = row_slot(d, i, q);
        const char *v = (const char *)sqlite3_column_text(q, 1);
        double x = nbl__db_column_double(q, 2);
        if (!v) /* NOT NULL: a failed copy */
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        if (!y)
            continue;
        if (strcmp(v, "pop") == 0)
            y->pop = x;
        else if (strcmp(v, "survey_n") == 0)
            y->survey_n = x;
        for (int k = 0; k < NBL__XC_N; k++)
            if (strcmp(v, nbl__xcrit_denominator[k]) == 0)
                y->den[k] = x;
    }
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report series");
}

/* The criteria of every year. */
static int
series_criteria(nbl_ws *ws, nbl__report_data *d, int i)
{
    sqlite3_stmt *q = d->stmts->criteria;
    int s, rc;
    if ((rc = bind_area(ws, d, q, i)))
        return rc;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_year *y = row_slot(d, i, q);
        const char *c = (const char *)sqlite3_column_text(q, 1);
        int k = nbl__report_crit_index(c);
        if (!c) /* NOT NULL: a failed copy */
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        if (!y || k < 0)
            continue;
        y->val[k] = nbl__db_column_double(q, 2);
        y->met[k] = nbl__db_column_bool(q, 3);
    }
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report series");
}

static int
set_text(nbl_ws *ws, char **dst, sqlite3_stmt *q, int col)
{
    const char *t = (const char *)sqlite3_column_text(q, col);
    if (t && !(*dst = nbl__strdup(t)))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

/* Category, criteria met, safety index and profile score per year. */
static int
series_results(nbl_ws *ws, nbl__report_data *d, int i)
{
    sqlite3_stmt *q = d->stmts->results;
    int s, rc;
    if ((rc = bind_area(ws, d, q, i)))
        return rc;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_year *y = row_slot(d, i, q);
        if (!y)
            continue;
        if ((rc = set_text(ws, &y->category, q, 1)) ||
            (rc = set_text(ws, &y->band, q, 6)))
            return rc;
        if (sqlite3_column_type(q, 2) != SQLITE_NULL)
            y->criteria_met = sqlite3_column_int(q, 2);
        y->safety_index = nbl__db_column_double(q, 3);
        y->safety_survey = sqlite3_column_int(q, 4);
        if (sqlite3_column_type(q, 5) != SQLITE_NULL)
            y->points = sqlite3_column_int(q, 5);
    }
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report series");
}

/* Area i's years into the series. */
static int
series_area(nbl_ws *ws, nbl__report_data *d, int i)
{
    int rc;
    if ((rc = series_reset(ws, d)))
        return rc;
    d->series_first = i;
    d->series_count = 1;
    if ((rc = series_stats(ws, d, i)) || (rc = series_criteria(ws, d, i)) ||
        (rc = series_results(ws, d, i))) {
        d->series_count = 0; /* never half an area's years */
        return rc;
    }
    return NBL_OK;
}

/* The alerts' query: the columns of nbl__report_alert, where, the order
 * (the area's name first unless by_area). */
static int
alerts_prepare(nbl_ws *ws, sqlite3_stmt **q, const char *where, int by_area)
{
    nbl__buf sql = {0};
    int rc;
    if (nbl__buf_printf(
            &sql, "SELECT al.area_id, a.name, al.kind, "
                  "al.severity, al.state, al.message, al.rule, al.year, ") ||
        nbl__xalert_disclosure_sql(&sql) ||
        nbl__buf_printf(
            &sql,
            " FROM alerts al LEFT JOIN areas a ON a.area_id = al.area_id "
            "WHERE al.ruleset = ?1 AND %s ORDER BY %sal.year DESC, CASE "
            "al.state WHEN 'new' THEN 0 WHEN 'ongoing' THEN 1 ELSE 2 END, "
            "CASE al.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 "
            "ELSE 2 END, al.kind, al.rule",
            where,
            by_area ? "" : "COALESCE(a.name, al.area_id), al.area_id, ")) {
        nbl__buf_free(&sql);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(ws, q, sql.s);
    nbl__buf_free(&sql);
    return rc;
}

static void
alert_row(sqlite3_stmt *q, nbl__report_alert *a)
{
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

static void
alert_free(nbl__report_alert *a)
{
    free(a->area_id);
    free(a->area_name);
    free(a->kind);
    free(a->severity);
    free(a->state);
    free(a->message);
    free(a->rule);
}

void
nbl__report_alerts_clear(nbl__report_data *d)
{
    for (int i = 0; i < d->n_alerts; i++)
        alert_free(&d->alerts[i]);
    free(d->alerts);
    d->alerts = NULL;
    d->n_alerts = 0;
}

/* Area i's alerts of every year up to the year into d->alerts. */
static int
load_area_alerts(nbl_ws *ws, nbl__report_data *d, int i)
{
    sqlite3_stmt *q;
    int rc, s;
    size_t cap = 0;
    nbl__report_alerts_clear(d);
    if (!d->stmts->alerts &&
        (rc = alerts_prepare(ws, &d->stmts->alerts,
                             "al.year <= ?2 AND al.area_id = ?3", 1)))
        return rc;
    q = d->stmts->alerts;
    sqlite3_reset(q);
    if (nbl__db_bind_text(q, 1, d->ruleset) ||
        sqlite3_bind_int(q, 2, d->year) ||
        nbl__db_bind_text(q, 3, d->areas[i].area_id))
        return nbl__db_error(ws, "report alerts");
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        if (nbl__grow((void **)&d->alerts, &cap, (size_t)d->n_alerts + 1,
                      sizeof *d->alerts))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        alert_row(q, &d->alerts[d->n_alerts++]);
    }
    /* a step that fails (out of memory) is an error, not the last row */
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report alerts");
}

int
nbl__store_report_area(nbl_ws *ws, nbl__report_data *d, int i)
{
    int rc;
    text_oom = 0;
    assert(i >= 0 && i < d->n_areas);
    if (!d->stmts) {
        if (!(d->stmts = calloc(1, sizeof *d->stmts)))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        if ((rc = stmts_prepare(ws, d->stmts)))
            return rc;
    }
    if ((rc = series_area(ws, d, i)) || (rc = load_area_alerts(ws, d, i)))
        return rc;
    if (text_oom) {
        text_oom = 0;
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    return NBL_OK;
}

int
nbl__store_report_year_alerts(nbl_ws *ws, const nbl__report_data *d,
                              int (*fn)(void *arg, const nbl__report_alert *a),
                              void *arg)
{
    sqlite3_stmt *q;
    int s, rc = alerts_prepare(ws, &q, "al.year = ?2", 0);
    if (rc)
        return rc;
    if (nbl__db_bind_text(q, 1, d->ruleset) ||
        sqlite3_bind_int(q, 2, d->year)) {
        sqlite3_finalize(q);
        return nbl__db_error(ws, "report alerts");
    }
    text_oom = 0;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_alert a = {0};
        alert_row(q, &a);
        rc = text_oom ? nbl__error(ws->ctx, NBL_ENOMEM, "out of memory")
                      : fn(arg, &a);
        alert_free(&a);
        if (rc) {
            text_oom = 0;
            sqlite3_finalize(q);
            return rc;
        }
    }
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report alerts");
    sqlite3_finalize(q);
    return rc;
}

void
nbl__report_stmts_free(nbl__report_stmts *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->stats);
    sqlite3_finalize(s->criteria);
    sqlite3_finalize(s->results);
    sqlite3_finalize(s->alerts);
    free(s);
}

int
nbl__store_report_category_years(nbl_ws *ws, const nbl__report_data *d,
                                 void (*fn)(void *arg, int i, int year,
                                            const char *category, double pop),
                                 void *arg)
{
    sqlite3_stmt *q;
    int s, rc = nbl__db_prepare(
               ws, &q,
               "SELECT c.area_id, c.year, c.category, (SELECT value FROM "
               "stats s WHERE s.area_id = c.area_id AND s.year = c.year AND "
               "s.variable = 'pop') FROM category_results c WHERE c.ruleset "
               "= ?1 AND c.year BETWEEN ?2 AND ?3");
    if (rc)
        return rc;
    if (nbl__db_bind_text(q, 1, d->ruleset) ||
        sqlite3_bind_int(q, 2, d->first_year) ||
        sqlite3_bind_int(q, 3, d->year)) {
        rc = nbl__db_error(ws, "report categories");
        sqlite3_finalize(q);
        return rc;
    }
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        const char *c = (const char *)sqlite3_column_text(q, 2);
        int i = nbl__report_find_area(d, id);
        if (!id || !c) { /* NOT NULL: a failed copy */
            sqlite3_finalize(q);
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        }
        if (i < 0)
            continue;
        fn(arg, i, sqlite3_column_int(q, 1), c, nbl__db_column_double(q, 3));
    }
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report categories");
    sqlite3_finalize(q);
    return rc;
}
