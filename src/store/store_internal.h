/*
 * store_internal.h - shared by the store's files (store*.c) only: the
 * workspace struct and thin wrappers over SQLite that put errors on the
 * context. No other module includes this header or sqlite3.h.
 */
#ifndef NBL_STORE_INTERNAL_H
#define NBL_STORE_INTERNAL_H

#include <sqlite3.h>
#include <time.h>

#include "util/ctx.h"
#include "nabolag/workspace.h"

struct nbl_ws {
    sqlite3 *db;
    void *splite; /* SpatiaLite connection cache */
    nbl_ctx *ctx;
    int srid;
    char *path;
    int in_tx;
    int fk_off; /* foreign keys off until the outermost transaction ends */
    struct timespec busy_since; /* when the current wait for a lock began */
    int no_wait;                /* fail at once when another writer writes */
};

/** Sets ctx error "<path>: <what>: <sqlite message>" and returns NBL_EDB. */
int nbl__db_error(nbl_ws *ws, const char *what);

/** Runs SQL with no results. */
int nbl__db_exec(nbl_ws *ws, const char *sql);

/** Prepares a statement (error on the ctx). */
int nbl__db_prepare(nbl_ws *ws, sqlite3_stmt **out, const char *sql);

/** Binds text, or NULL when s is NULL. Its copy can fail (SQLITE_NOMEM;
 * the parameter is then NULL, and a query would silently match nothing):
 * check the result, or use nbl__db_bind_key(). */
int nbl__db_bind_text(sqlite3_stmt *st, int i, const char *s);
/** Binds text that stays in place until the statement is reset and its
 * bindings cleared (SQLITE_STATIC: not copied); NULL binds NULL. For the
 * writers of many rows. */
int nbl__db_bind_kept(sqlite3_stmt *st, int i, const char *s);
/** nbl__db_bind_text with the failure reported on the workspace's context
 * (NBL_ENOMEM) and returned as NBL_OK or that code. */
int nbl__db_bind_key(nbl_ws *ws, sqlite3_stmt *st, int i, const char *s);
/* Binds an input's name or URL as stored for provenance: redacted (no URL
 * password, no query string, no password=), so the workspace never holds a
 * secret. SQLITE_NOMEM when out of memory. */
int nbl__db_bind_source(sqlite3_stmt *st, int i, const char *s);

/** Binds a double, or NULL when isnan(v). */
int nbl__db_bind_double(sqlite3_stmt *st, int i, double v);

/** Column as double, NAN when NULL. */
double nbl__db_column_double(sqlite3_stmt *st, int i);

/** Column as int 0/1, -1 when NULL. */
int nbl__db_column_bool(sqlite3_stmt *st, int i);

/** Column as int, null_value when NULL. */
int nbl__db_column_int_or(sqlite3_stmt *st, int i, int null_value);

/**
 * A copy of a text column (malloc'ed), NULL when the column is NULL. A copy
 * that fails sets *oom (when oom is given), so that the loader reports it
 * instead of reading the value as NULL.
 */
char *nbl__db_column_strdup(sqlite3_stmt *st, int i, int *oom);

/** The one value of a query without parameters (SELECT COUNT(*) ...,
 * SELECT EXISTS (...)) in *out, 0 for NULL; a failed query is an error. */
int nbl__db_int64(nbl_ws *ws, const char *sql, long long *out);

/**
 * The text of column i, borrowed from the statement (valid until its next
 * step, reset or finalize). NULL for a NULL value; NULL for a value that
 * is not NULL means SQLite could not make the text (out of memory): *oom
 * is set, so that the row is an error, never a missing value.
 */
const char *nbl__db_column_text(sqlite3_stmt *st, int i, int *oom);

/** Current UTC time as ISO 8601 ("2026-11-24T20:00:00Z") into buf[32]. */
void nbl__now_iso(char buf[32]);

#endif
