/*
 * store_incidents.c - persistence for incidents: reads areas.area_id and
 * areas.geom (as OGC WKB via AsBinary), writes incident_counts(area_id,
 * year, category, n). Points themselves are never stored. Re-import rule:
 * the counts of every (year, category) present in the new import are
 * replaced as a whole (all areas); other pairs are kept.
 */
#include "store/store_incidents.h"

#include <stdlib.h>

#include "store/store.h"
#include "store/store_internal.h"
#include "util/util.h"

int
nbl__store_incidents_areas(nbl_ws *ws, nbl__incidents_area_fn fn, void *arg)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st, "SELECT area_id, AsBinary(geom) FROM areas ORDER BY area_id");
    int s;
    if (rc)
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int oom = 0;
        const char *id = nbl__db_column_text(st, 0, &oom);
        const unsigned char *wkb = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        /* a blob's pointer needs no allocation: NULL is a NULL geometry */
        if (!id || oom) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
        if ((rc = fn(id, wkb, wkb ? len : 0, arg)))
            break;
    }
    if (!rc && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "reading areas");
    sqlite3_finalize(st);
    return rc;
}

/* Deletes the counts of the pairs in temp.nbl_incident_pairs. When they
 * are all the pairs stored (a re-import of the same file, as every yearly
 * `nabolag run` does), the table is emptied at once (SQLite's truncation
 * frees its pages: 0.01 s where deleting 640,000 rows one by one takes
 * 1 s); finding that out is one scan that stops at the first row of
 * another pair. */
static int
replace_pairs(nbl_ws *ws)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st,
                             "SELECT 1 FROM incident_counts c WHERE NOT "
                             "EXISTS (SELECT 1 FROM temp.nbl_incident_pairs p "
                             "WHERE p.year = c.year AND p.category = "
                             "c.category) LIMIT 1");
    int s;
    if (rc)
        return rc;
    s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s == SQLITE_DONE)
        return nbl__db_exec(ws, "DELETE FROM incident_counts");
    if (s != SQLITE_ROW)
        return nbl__db_error(ws, "replacing incident counts");
    return nbl__db_exec(ws, "DELETE FROM incident_counts WHERE EXISTS "
                            "(SELECT 1 FROM temp.nbl_incident_pairs p "
                            "WHERE p.year = incident_counts.year AND "
                            "p.category = incident_counts.category)");
}

int
nbl__store_incidents_write(nbl_ws *ws, const nbl__incident_pair *pairs,
                           size_t npairs, const nbl__incident_row *rows,
                           size_t nrows)
{
    enum { MULTI = 64 };
    sqlite3_stmt *del = NULL, *ins = NULL, *multi = NULL;
    int rc;
    /* The pairs go to a temporary table so that the delete is one scan of
     * incident_counts, whatever the number of pairs. */
    if ((rc = nbl__db_exec(ws, "CREATE TEMP TABLE IF NOT EXISTS "
                               "nbl_incident_pairs (year INTEGER, category "
                               "TEXT, PRIMARY KEY (year, category)) "
                               "WITHOUT ROWID;"
                               "DELETE FROM temp.nbl_incident_pairs")) ||
        (rc = nbl__db_prepare(ws, &del,
                              "INSERT OR IGNORE INTO temp.nbl_incident_pairs "
                              "(year, category) VALUES (?, ?)")) ||
        (rc = nbl__db_prepare(ws, &ins,
                              "INSERT INTO incident_counts (area_id, year, "
                              "category, n) VALUES (?, ?, ?, ?)")))
        goto done;
    for (size_t i = 0; i < npairs; i++) {
        sqlite3_bind_int(del, 1, pairs[i].year);
        if ((rc = nbl__db_bind_key(ws, del, 2, pairs[i].category)))
            goto done;
        if (sqlite3_step(del) != SQLITE_DONE) {
            rc = nbl__db_error(ws, "replacing incident counts");
            goto done;
        }
        sqlite3_reset(del);
    }
    if ((rc = replace_pairs(ws)))
        goto done;
    /* Rows go in statements of MULTI rows each (fewer steps), the rest one
     * by one. */
    if (nrows >= MULTI) {
        nbl__buf sql = {0};
        if (nbl__buf_printf(&sql, "INSERT INTO incident_counts (area_id, "
                                  "year, category, n) VALUES (?,?,?,?)")) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            goto done;
        }
        for (int k = 1; k < MULTI; k++)
            if (nbl__buf_append(&sql, ",(?,?,?,?)", 10)) {
                nbl__buf_free(&sql);
                rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
                goto done;
            }
        rc = nbl__db_prepare(ws, &multi, sql.s);
        nbl__buf_free(&sql);
        if (rc)
            goto done;
    }
    for (size_t i = 0; i < nrows;) {
        sqlite3_stmt *st = nrows - i >= MULTI ? multi : ins;
        int k = st == multi ? MULTI : 1;
        for (int j = 0; j < k; j++, i++) {
            sqlite3_bind_text(st, 4 * j + 1, rows[i].area_id, -1,
                              SQLITE_STATIC);
            sqlite3_bind_int(st, 4 * j + 2, rows[i].year);
            sqlite3_bind_text(st, 4 * j + 3, rows[i].category, -1,
                              SQLITE_STATIC);
            sqlite3_bind_int64(st, 4 * j + 4, rows[i].n);
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = nbl__db_error(ws, "storing incident counts");
            goto done;
        }
        sqlite3_reset(st);
    }
done:
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    sqlite3_finalize(multi);
    return rc;
}

int
nbl__store_incidents_count(nbl_ws *ws, const char *area_id, int year,
                           const char *category, long long *out)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st,
        "SELECT coalesce(sum(n), 0) FROM incident_counts WHERE "
        "(?1 IS NULL OR area_id = ?1) AND year = ?2 AND category = ?3");
    if (rc)
        return rc;
    sqlite3_bind_int(st, 2, year);
    if (!(rc = nbl__db_bind_key(ws, st, 1, area_id)) &&
        !(rc = nbl__db_bind_key(ws, st, 3, category))) {
        if (sqlite3_step(st) == SQLITE_ROW)
            *out = sqlite3_column_int64(st, 0);
        else
            rc = nbl__db_error(ws, "counting incidents");
    }
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_incidents_test_add_area(nbl_ws *ws, const char *area_id,
                                   const char *wkt)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st,
                             "INSERT INTO areas (area_id, geom) VALUES "
                             "(?, CastToMultiPolygon(GeomFromText(?, ?)))");
    if (rc)
        return rc;
    sqlite3_bind_int(st, 3, ws->srid);
    if (!(rc = nbl__db_bind_key(ws, st, 1, area_id)) &&
        !(rc = nbl__db_bind_key(ws, st, 2, wkt)) &&
        sqlite3_step(st) != SQLITE_DONE)
        rc = nbl__db_error(ws, "inserting test area");
    sqlite3_finalize(st);
    return rc;
}
