/*
 * store_info.c - nbl_ws_info_json(): a JSON summary of what a workspace
 * holds, built with jansson from read-only queries. Keys are fixed and
 * sorted so the output is stable. Every addition is checked
 * (util/jsondoc.h): out of memory is an error, never a key left out.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/store.h"
#include "store/store_internal.h"
#include "util/jsondoc.h"

static json_t *
col_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    case SQLITE_NULL:
        return json_null();
    default:
        return nbl__jstr((const char *)sqlite3_column_text(st, i));
    }
}

/* Runs sql; each row becomes an object keyed by column name (or, with
 * scalar, the first column's value). A failed addition (a NULL text or
 * column name from SQLite out of memory, or jansson's) is recorded in
 * *bad. */
static int
query_array(nbl_ws *ws, const char *sql, int scalar, json_t **out, int *bad)
{
    sqlite3_stmt *st;
    json_t *arr;
    int rc = nbl__db_prepare(ws, &st, sql), s = SQLITE_DONE;
    if (rc)
        return rc;
    arr = nbl__jnew(bad, json_array());
    while (!*bad && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (scalar) {
            nbl__jappend(bad, arr, col_json(st, 0));
        } else {
            json_t *o = nbl__jnew(bad, json_object());
            for (int i = 0; i < sqlite3_column_count(st); i++)
                nbl__jset(bad, o, sqlite3_column_name(st, i), col_json(st, i));
            nbl__jappend(bad, arr, o);
        }
    }
    if (!*bad && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "info");
    sqlite3_finalize(st);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return NBL_OK;
}

int
nbl_ws_info_json(nbl_ws *ws, char **out_json)
{
    int bad = 0;
    json_t *root = nbl__jnew(&bad, json_object()), *a;
    long long n;
    char *s;
    int rc;
    static const struct {
        const char *key;
        const char *sql;
        int scalar;
    } lists[] = {
        {"years", "SELECT DISTINCT year FROM stats ORDER BY year", 1},
        {"variables",
         "SELECT variable, COUNT(*) AS rows, COUNT(value) AS values_present, "
         "MIN(year) AS first_year, MAX(year) AS last_year FROM stats "
         "GROUP BY variable ORDER BY variable",
         0},
        {"references",
         "SELECT scope, COUNT(DISTINCT code) AS codes, COUNT(*) AS rows, "
         "MIN(year) AS first_year, MAX(year) AS last_year FROM refs "
         "GROUP BY scope ORDER BY scope",
         0},
        {"municipalities",
         "SELECT DISTINCT municipality FROM areas WHERE municipality IS NOT "
         "NULL ORDER BY municipality",
         1},
        {"imports",
         "SELECT kind, source, started_at, rows_read, rows_stored, "
         "rows_rejected, repaired FROM runs WHERE kind NOT IN "
         "('compute','export','alerts','notify','run') ORDER BY run_id",
         0},
        {"deliveries",
         "SELECT source AS url, started_at, rows_stored AS alerts FROM runs "
         "WHERE kind = 'notify' ORDER BY run_id",
         0},
        {"computed",
         "SELECT ruleset, ruleset_version, MIN(year) AS first_year, "
         "MAX(year) AS last_year, MAX(computed_at) AS computed_at, "
         "COUNT(*) AS results FROM category_results GROUP BY ruleset, "
         "ruleset_version ORDER BY ruleset",
         0},
        {"categories",
         "SELECT ruleset, year, category, COUNT(*) AS areas FROM "
         "category_results GROUP BY ruleset, year, category "
         "ORDER BY ruleset, year, category",
         0},
        {"alerts",
         "SELECT year, state, kind, COUNT(*) AS n FROM alerts "
         "GROUP BY year, state, kind ORDER BY year, state, kind",
         0},
    };

    nbl__jset(&bad, root, "workspace", nbl__jstr(ws->path));
    nbl__jset(&bad, root, "tool_version", nbl__jstr(nbl_version()));
    {
        char crs[32];
        snprintf(crs, sizeof crs, "EPSG:%d", ws->srid);
        nbl__jset(&bad, root, "crs", nbl__jstr(crs));
    }
    if ((rc = nbl__db_int64(ws, "SELECT COUNT(*) FROM areas", &n)))
        goto fail;
    nbl__jset(&bad, root, "areas", json_integer(n));
    if ((rc = nbl__db_int64(ws, "SELECT COUNT(*) FROM stats", &n)))
        goto fail;
    nbl__jset(&bad, root, "stat_rows", json_integer(n));
    for (size_t i = 0; !bad && i < sizeof lists / sizeof lists[0]; i++) {
        if ((rc = query_array(ws, lists[i].sql, lists[i].scalar, &a, &bad)))
            goto fail;
        nbl__jset(&bad, root, lists[i].key, a);
    }
    s = nbl__jdump(bad, root, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!s)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    *out_json = s;
    return NBL_OK;
fail:
    json_decref(root);
    return rc;
}
