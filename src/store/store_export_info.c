/*
 * store_export_info.c - the export's small queries (see store_export.h):
 * the years and ruleset version of the results, the import runs' input
 * files, whether plans exist, the criteria's thresholds, and the SQL of an
 * alert's disclosure columns shared with `nabolag alerts` and the report.
 * The row cursors of the layers are in store_export.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_export.h"
#include "store/store_internal.h"
#include "util/util.h"

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

/* Grows a vector of fixed-size elements by one zeroed slot. */
static void *
grow(void **v, size_t *n, size_t *cap, size_t size)
{
    char *p;
    if (nbl__grow(v, cap, *n + 1, size))
        return NULL;
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
