/*
 * store_grid.c - writes the values `import grid` derives (see
 * store_grid.h). Tables: stats (read and written: one value per area,
 * year and variable, NULL = missing) and grid_results (written: the same
 * key with the missing share, 'ok' or 'not_evaluable', the method and the
 * source file), both inside the import's transaction.
 */
#include "store/store_grid.h"

#include <math.h>
#include <stdlib.h>

#include "store/store_internal.h"
#include "util/util.h"

struct nbl__grid_writer {
    nbl_ws *ws;
    sqlite3_stmt *get, *put, *res;
    const char *method, *source;
};

static const char create_sql[] =
    "CREATE TABLE IF NOT EXISTS grid_results ("
    " area_id TEXT NOT NULL, year INTEGER NOT NULL,"
    " variable TEXT NOT NULL, value REAL,"
    " missing_share REAL NOT NULL, status TEXT NOT NULL,"
    " method TEXT NOT NULL, source TEXT,"
    " PRIMARY KEY (area_id, year, variable)) WITHOUT ROWID";

int
nbl__grid_writer_open(nbl_ws *ws, const char *method, const char *source,
                      nbl__grid_writer **out)
{
    nbl__grid_writer *w = calloc(1, sizeof *w);
    int rc;
    *out = NULL;
    if (!w)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    w->ws = ws;
    w->method = method;
    w->source = source;
    if ((rc = nbl__db_exec(ws, create_sql)) ||
        (rc = nbl__db_prepare(ws, &w->get,
                              "SELECT value FROM stats WHERE area_id = ? AND "
                              "year = ? AND variable = ?")) ||
        (rc = nbl__db_prepare(ws, &w->put,
                              "INSERT OR REPLACE INTO stats(area_id, year, "
                              "variable, value) VALUES(?, ?, ?, ?)")) ||
        (rc = nbl__db_prepare(
             ws, &w->res,
             "INSERT OR REPLACE INTO grid_results(area_id, year, variable, "
             "value, missing_share, status, method, source) "
             "VALUES(?, ?, ?, ?, ?, ?, ?, ?)"))) {
        nbl__grid_writer_close(w);
        return rc;
    }
    *out = w;
    return NBL_OK;
}

static int
bind_key(nbl_ws *ws, sqlite3_stmt *st, const nbl__grid_row *r)
{
    sqlite3_bind_int64(st, 2, r->year);
    return nbl__db_bind_key(ws, st, 1, r->area_id) ||
                   nbl__db_bind_key(ws, st, 3, r->variable)
               ? NBL_ENOMEM
               : NBL_OK;
}

static void
bind_value(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

/* The stored value: 1 and *old when a row exists (NAN for NULL), else 0. */
static int
stored(nbl__grid_writer *w, const nbl__grid_row *r, double *old)
{
    int s, found = 0;
    sqlite3_reset(w->get);
    if (bind_key(w->ws, w->get, r))
        return NBL_ENOMEM;
    s = sqlite3_step(w->get);
    if (s == SQLITE_ROW) {
        found = 1;
        *old = nbl__db_column_double(w->get, 0);
    } else if (s != SQLITE_DONE) {
        return nbl__db_error(w->ws, "reading stats");
    }
    sqlite3_reset(w->get);
    return found;
}

int
nbl__grid_writer_put(nbl__grid_writer *w, const nbl__grid_row *r, int replace,
                     int *outcome, double *old)
{
    int found = stored(w, r, old);
    if (found < 0)
        return found;
    if (found) {
        int same = isnan(*old) ? isnan(r->value) : *old == r->value;
        *outcome = same ? NBL__GRID_UNCHANGED : NBL__GRID_UPDATED;
        if (!same && !replace) {
            *outcome = NBL__GRID_CONFLICT;
            return NBL_OK;
        }
    } else {
        *outcome = NBL__GRID_INSERTED;
    }
    sqlite3_reset(w->put);
    if (bind_key(w->ws, w->put, r))
        return NBL_ENOMEM;
    bind_value(w->put, 4, r->value);
    if (sqlite3_step(w->put) != SQLITE_DONE)
        return nbl__db_error(w->ws, "writing stats");
    sqlite3_reset(w->res);
    if (bind_key(w->ws, w->res, r))
        return NBL_ENOMEM;
    bind_value(w->res, 4, r->value);
    sqlite3_bind_double(w->res, 5, r->missing_share);
    sqlite3_bind_text(w->res, 6, r->not_evaluable ? "not_evaluable" : "ok", -1,
                      SQLITE_STATIC);
    if (nbl__db_bind_key(w->ws, w->res, 7, w->method) ||
        nbl__db_bind_key(w->ws, w->res, 8, w->source))
        return NBL_ENOMEM;
    if (sqlite3_step(w->res) != SQLITE_DONE)
        return nbl__db_error(w->ws, "writing grid_results");
    return NBL_OK;
}

void
nbl__grid_writer_close(nbl__grid_writer *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->get);
    sqlite3_finalize(w->put);
    sqlite3_finalize(w->res);
    free(w);
}

int
nbl__store_grid_result(nbl_ws *ws, const char *area_id, long year,
                       const char *variable, double *value, char **status,
                       double *missing_share)
{
    sqlite3_stmt *st;
    nbl__grid_row key = {area_id, year, variable, 0, 0, 0};
    int rc = nbl__db_prepare(ws, &st,
                             "SELECT g.status, g.missing_share, s.value FROM "
                             "grid_results g JOIN stats s USING (area_id, "
                             "year, variable) WHERE area_id = ? AND year = ? "
                             "AND variable = ?");
    *status = NULL;
    if (rc)
        return rc;
    if (bind_key(ws, st, &key)) {
        sqlite3_finalize(st);
        return NBL_ENOMEM;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *status = nbl__strdup((const char *)sqlite3_column_text(st, 0));
        *missing_share = nbl__db_column_double(st, 1);
        *value = nbl__db_column_double(st, 2);
    }
    sqlite3_finalize(st);
    return NBL_OK;
}
