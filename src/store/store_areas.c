/*
 * store_areas.c - the areas table: upsert by id with the geometry given as
 * 2-D WKB in the working CRS, area_m2 = ST_Area(geom) (planar, m²), and
 * reading areas back as plain structs. SpatiaLite's triggers keep the
 * spatial index idx_areas_geom (created by nbl_ws_create) in step.
 * Invariant: areas.geom is a MULTIPOLYGON XY in the working SRID.
 */
#include "store/store_areas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/util.h"

struct nbl__area_writer {
    nbl_ws *ws;
    sqlite3_stmt *exists, *upsert, *area;
    sqlite3_stmt *seen; /* the ids written, into temp.nbl_area_ids */
};

void
nbl__area_writer_close(nbl__area_writer *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->exists);
    sqlite3_finalize(w->upsert);
    sqlite3_finalize(w->area);
    sqlite3_finalize(w->seen);
    free(w);
}

int
nbl__area_writer_open(nbl_ws *ws, nbl__area_writer **out)
{
    nbl__area_writer *w = calloc(1, sizeof *w);
    int rc;
    *out = NULL;
    if (!w)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    w->ws = ws;
    if ((rc = nbl__db_exec(ws, "CREATE TEMP TABLE IF NOT EXISTS "
                               "nbl_area_ids(area_id TEXT PRIMARY KEY); "
                               "DELETE FROM temp.nbl_area_ids")) ||
        (rc = nbl__db_prepare(ws, &w->seen,
                              "INSERT OR IGNORE INTO temp.nbl_area_ids "
                              "VALUES(?)")) ||
        (rc = nbl__db_prepare(ws, &w->exists,
                              "SELECT 1 FROM areas WHERE area_id = ?")) ||
        (rc = nbl__db_prepare(
             ws, &w->upsert,
             "INSERT INTO areas(area_id, name, municipality, region, "
             "source, geom) VALUES(?, ?, ?, ?, ?, GeomFromWKB(?, ?)) "
             "ON CONFLICT(area_id) DO UPDATE SET name = excluded.name, "
             "municipality = excluded.municipality, region = "
             "excluded.region, source = excluded.source, geom = "
             "excluded.geom")) ||
        (rc = nbl__db_prepare(ws, &w->area,
                              "UPDATE areas SET area_m2 = ST_Area(geom) "
                              "WHERE area_id = ?"))) {
        nbl__area_writer_close(w);
        return rc;
    }
    *out = w;
    return NBL_OK;
}

/* Runs st, whose one parameter is an area id, for id. */
static int
step_id(nbl_ws *ws, sqlite3_stmt *st, const char *id, const char *what)
{
    int rc = NBL_OK;
    sqlite3_reset(st);
    if (nbl__db_bind_text(st, 1, id) != SQLITE_OK)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = nbl__db_error(ws, what);
    sqlite3_reset(st);
    return rc;
}

int
nbl__area_writer_put(nbl__area_writer *w, const nbl__area_rec *rec,
                     int *inserted)
{
    nbl_ws *ws = w->ws;
    int rc = NBL_OK, exists, s;

    /* A failed bind (out of memory) would store NULL, and a failed step
     * may have rolled the transaction back (SQLite does on SQLITE_NOMEM):
     * both end the import rather than go on in autocommit. */
    if (sqlite3_get_autocommit(ws->db))
        return nbl__error(
            ws->ctx, NBL_EDB,
            "%s: the transaction was rolled back (out of memory?)", ws->path);
    sqlite3_reset(w->exists);
    if (nbl__db_bind_text(w->exists, 1, rec->id) != SQLITE_OK)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    s = sqlite3_step(w->exists);
    exists = s == SQLITE_ROW;
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "areas");
    sqlite3_reset(w->exists);
    if (rc)
        return rc;

    sqlite3_reset(w->upsert);
    if (nbl__db_bind_text(w->upsert, 1, rec->id) != SQLITE_OK ||
        nbl__db_bind_text(w->upsert, 2, rec->name) != SQLITE_OK ||
        nbl__db_bind_text(w->upsert, 3, rec->municipality) != SQLITE_OK ||
        nbl__db_bind_text(w->upsert, 4, rec->region) != SQLITE_OK ||
        nbl__db_bind_source(w->upsert, 5, rec->source) != SQLITE_OK) {
        sqlite3_clear_bindings(w->upsert);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    sqlite3_bind_blob(w->upsert, 6, rec->wkb, (int)rec->wkb_len, SQLITE_STATIC);
    sqlite3_bind_int(w->upsert, 7, ws->srid);
    if (sqlite3_step(w->upsert) != SQLITE_DONE)
        rc = nbl__error(ws->ctx, NBL_EDB, "%s: area '%s': %s", ws->path,
                        rec->id, sqlite3_errmsg(ws->db));
    sqlite3_reset(w->upsert);
    sqlite3_clear_bindings(w->upsert);
    if (rc)
        return rc;

    if ((rc = step_id(ws, w->area, rec->id, "area_m2")) ||
        (rc = step_id(ws, w->seen, rec->id, "areas")))
        return rc;
    if (inserted)
        *inserted = !exists;
    return rc;
}

int
nbl__store_areas_no_municipality(nbl_ws *ws, long *n)
{
    long long v = 0;
    int rc = nbl__db_int64(ws,
                           "SELECT COUNT(*) FROM areas WHERE municipality IS "
                           "NULL OR trim(municipality) = ''",
                           &v);
    *n = (long)v;
    return rc;
}

int
nbl__store_areas_kept(nbl_ws *ws, long *n, char *ids, size_t size)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st,
        "SELECT area_id, COUNT(*) OVER () FROM areas WHERE area_id NOT IN "
        "(SELECT area_id FROM temp.nbl_area_ids) ORDER BY area_id LIMIT 3");
    size_t len = 0;
    int s;
    *n = 0;
    if (size)
        ids[0] = '\0';
    if (rc)
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        int w;
        *n = (long)sqlite3_column_int64(st, 1);
        if (!id || len >= size)
            continue;
        w = snprintf(ids + len, size - len, "%s'%s'", len ? ", " : "", id);
        len = w < 0 || (size_t)w >= size - len ? size : len + (size_t)w;
    }
    if (s != SQLITE_DONE)
        rc = nbl__db_error(ws, "areas");
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_areas_check_index(nbl_ws *ws)
{
    sqlite3_stmt *st;
    int rc =
        nbl__db_prepare(ws, &st,
                        "SELECT (SELECT COUNT(*) FROM areas WHERE geom IS "
                        "NOT NULL) = (SELECT COUNT(*) FROM idx_areas_geom)");
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = nbl__db_error(ws, "spatial index");
    else if (sqlite3_column_int(st, 0) != 1)
        rc = nbl__error(ws->ctx, NBL_EDB,
                        "%s: the spatial index of the areas is incomplete (out "
                        "of memory?); nothing was imported",
                        ws->path);
    sqlite3_finalize(st);
    return rc;
}

void
nbl__area_rows_free(nbl__area_row *rows, size_t n)
{
    if (!rows)
        return;
    for (size_t i = 0; i < n; i++) {
        free(rows[i].id);
        free(rows[i].name);
        free(rows[i].municipality);
        free(rows[i].region);
        free(rows[i].source);
    }
    free(rows);
}

int
nbl__store_areas_list(nbl_ws *ws, nbl__area_row **out, size_t *n)
{
    sqlite3_stmt *st;
    nbl__area_row *rows = NULL;
    size_t len = 0, cap = 0;
    int rc, s;

    *out = NULL;
    *n = 0;
    rc = nbl__db_prepare(
        ws, &st,
        "SELECT area_id, name, municipality, region, source, area_m2, "
        "ST_NDims(geom), ST_NumGeometries(geom), MbrMinX(geom), "
        "MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM areas "
        "ORDER BY area_id");
    if (rc)
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        nbl__area_row *r;
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 16;
            nbl__area_row *nr = realloc(rows, nc * sizeof *nr);
            if (!nr) {
                rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
                break;
            }
            rows = nr;
            cap = nc;
        }
        r = &rows[len++];
        memset(r, 0, sizeof *r);
        r->id = nbl__db_column_strdup(st, 0, NULL);
        r->name = nbl__db_column_strdup(st, 1, NULL);
        r->municipality = nbl__db_column_strdup(st, 2, NULL);
        r->region = nbl__db_column_strdup(st, 3, NULL);
        r->source = nbl__db_column_strdup(st, 4, NULL);
        r->area_m2 = nbl__db_column_double(st, 5);
        r->dims = sqlite3_column_int(st, 6);
        r->n_polygons = sqlite3_column_int(st, 7);
        r->minx = nbl__db_column_double(st, 8);
        r->miny = nbl__db_column_double(st, 9);
        r->maxx = nbl__db_column_double(st, 10);
        r->maxy = nbl__db_column_double(st, 11);
    }
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "areas");
    sqlite3_finalize(st);
    if (rc) {
        nbl__area_rows_free(rows, len);
        return rc;
    }
    *out = rows;
    *n = len;
    return NBL_OK;
}

int
nbl__store_areas_index_count(nbl_ws *ws, long *out)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st, "SELECT count(*) FROM idx_areas_geom");
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(st, 0);
    else
        rc = nbl__db_error(ws, "spatial index");
    sqlite3_finalize(st);
    return rc;
}
