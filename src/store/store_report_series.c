/*
 * store_report_series.c - the yearly series behind the report's charts
 * and area cards and `nabolag area`: per area and year from the first year
 * with results to the report's year, the residents and the criteria's
 * denominators (disclosure), the criteria (display value and whether met),
 * the category, the safety index and the profile score; and the year's
 * main thresholds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_report.h"
#include "util/util.h"

const nbl__report_year *
nbl__report_year_of(const nbl__report_data *d, int i, int y)
{
    if (!d->series || i < 0 || i >= d->n_areas || y < d->first_year ||
        y >= d->first_year + d->n_years)
        return NULL;
    return &d->series[(size_t)i * (size_t)d->n_years +
                      (size_t)(y - d->first_year)];
}

/* The slot of a row (area id in column 0, year in column 1), NULL when
 * the area or the year is not in the series. */
static nbl__report_year *
row_slot(nbl__report_data *d, sqlite3_stmt *q)
{
    int i = nbl__report_find_area(d, (const char *)sqlite3_column_text(q, 0));
    return (nbl__report_year *)nbl__report_year_of(d, i,
                                                   sqlite3_column_int(q, 1));
}

static int
criterion_index(const char *c)
{
    for (int k = 0; c && k < NBL__XC_N; k++)
        if (strcmp(c, nbl__xcrit_id[k]) == 0)
            return k;
    return -1;
}

static int
series_alloc(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    size_t n;
    int rc = nbl__db_prepare(ws, &q,
                             "SELECT MIN(year) FROM category_results WHERE "
                             "ruleset = ?1 AND year <= ?2");
    if (rc)
        return rc;
    nbl__db_bind_text(q, 1, d->ruleset);
    sqlite3_bind_int(q, 2, d->year);
    d->first_year = d->year;
    if (sqlite3_step(q) == SQLITE_ROW &&
        sqlite3_column_type(q, 0) != SQLITE_NULL)
        d->first_year = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    d->n_years = d->year - d->first_year + 1;
    n = (size_t)d->n_areas * (size_t)d->n_years;
    if (!(d->series = calloc(n + 1, sizeof *d->series)))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        nbl__report_year *y = &d->series[i];
        y->pop = y->safety_index = y->survey_n = NAN;
        for (int k = 0; k < NBL__XC_N; k++) {
            y->den[k] = y->val[k] = NAN;
            y->met[k] = -1;
        }
        y->criteria_met = y->points = -1;
    }
    for (int k = 0; k < NBL__XC_N; k++)
        d->threshold[k] = NAN;
    return NBL_OK;
}

/* Residents, the denominators and the survey's respondents. */
static int
series_stats(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int s, rc = nbl__db_prepare(ws, &q,
                                "SELECT area_id, year, variable, value FROM "
                                "stats WHERE year BETWEEN ?1 AND ?2 AND "
                                "variable IN ('pop', 'survey_n', 'pop_18_64', "
                                "'pop_18p', 'pop_30_59', 'taxpayers_15_64')");
    if (rc)
        return rc;
    sqlite3_bind_int(q, 1, d->first_year);
    sqlite3_bind_int(q, 2, d->year);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_year *y = row_slot(d, q);
        const char *v = (const char *)sqlite3_column_text(q, 2);
        double x = nbl__db_column_double(q, 3);
        if (!y || !v)
            continue;
        if (strcmp(v, "pop") == 0)
            y->pop = x;
        else if (strcmp(v, "survey_n") == 0)
            y->survey_n = x;
        for (int k = 0; k < NBL__XC_N; k++)
            if (strcmp(v, nbl__xcrit_denominator[k]) == 0)
                y->den[k] = x;
    }
    sqlite3_finalize(q);
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report series");
}

/* The criteria of every year; the thresholds of the report's year. */
static int
series_criteria(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int s, rc = nbl__db_prepare(ws, &q,
                                "SELECT area_id, year, criterion, CASE "
                                "criterion WHEN 'cri' THEN ratio ELSE value "
                                "END, met, threshold FROM criterion_results "
                                "WHERE ruleset = ?1 AND year BETWEEN ?2 AND "
                                "?3");
    if (rc)
        return rc;
    nbl__db_bind_text(q, 1, d->ruleset);
    sqlite3_bind_int(q, 2, d->first_year);
    sqlite3_bind_int(q, 3, d->year);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_year *y = row_slot(d, q);
        int k = criterion_index((const char *)sqlite3_column_text(q, 2));
        if (!y || k < 0)
            continue;
        y->val[k] = nbl__db_column_double(q, 3);
        y->met[k] = nbl__db_column_bool(q, 4);
        if (sqlite3_column_int(q, 1) == d->year && isnan(d->threshold[k]))
            d->threshold[k] = nbl__db_column_double(q, 5);
    }
    sqlite3_finalize(q);
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
series_results(nbl_ws *ws, nbl__report_data *d)
{
    sqlite3_stmt *q;
    int s, rc = nbl__db_prepare(
               ws, &q,
               "SELECT c.area_id, c.year, c.category, c.criteria_met, "
               "sr.safety_index, (sr.perceived IS NOT NULL OR sr.problems IS "
               "NOT NULL), ps.points, ps.band FROM category_results c LEFT "
               "JOIN safety_results sr ON sr.area_id = c.area_id AND sr.year "
               "= c.year LEFT JOIN profile_scores ps ON ps.area_id = "
               "c.area_id AND ps.year = c.year WHERE c.ruleset = ?1 AND "
               "c.year BETWEEN ?2 AND ?3");
    if (rc)
        return rc;
    nbl__db_bind_text(q, 1, d->ruleset);
    sqlite3_bind_int(q, 2, d->first_year);
    sqlite3_bind_int(q, 3, d->year);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        nbl__report_year *y = row_slot(d, q);
        if (!y)
            continue;
        if ((rc = set_text(ws, &y->category, q, 2)) ||
            (rc = set_text(ws, &y->band, q, 7))) {
            sqlite3_finalize(q);
            return rc;
        }
        if (sqlite3_column_type(q, 3) != SQLITE_NULL)
            y->criteria_met = sqlite3_column_int(q, 3);
        y->safety_index = nbl__db_column_double(q, 4);
        y->safety_survey = sqlite3_column_int(q, 5);
        if (sqlite3_column_type(q, 6) != SQLITE_NULL)
            y->points = sqlite3_column_int(q, 6);
    }
    sqlite3_finalize(q);
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "report series");
}

int
nbl__store_report_series(nbl_ws *ws, nbl__report_data *d)
{
    int rc;
    if ((rc = series_alloc(ws, d)) || (rc = series_stats(ws, d)) ||
        (rc = series_criteria(ws, d)) || (rc = series_results(ws, d)))
        return rc;
    return NBL_OK;
}
