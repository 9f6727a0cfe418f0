/*
 * store.c - opening and creating workspaces, transactions, meta keys and
 * the run log. A workspace is a SQLite file with SpatiaLite metadata, the
 * tables of gis/schema.sql and meta keys:
 *   format    "nabolag-workspace-1"
 *   srid      working CRS EPSG code
 *   created_at, tool_version
 * Invariant: every command that writes does so in one transaction, so a
 * failure leaves the file as it was. A new workspace is created mode 0600
 * (it holds the unsuppressed figures; its journal follows the mode).
 */
#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "store/store_internal.h" /* sqlite3.h before spatialite.h */

#include <spatialite.h>
#include "util/redact.h"
#include "util/util.h"

#define NBL_FORMAT "nabolag-workspace-1"

/* The failures a user can act on get their own words: another writer
 * (after the wait ran out), a read-only workspace, a full disk, no memory.
 * Returns 0 when the last error is none of them. */
static int
db_known_error(nbl_ws *ws)
{
    switch (sqlite3_extended_errcode(ws->db) & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        if (ws->no_wait)
            return nbl__error(ws->ctx, NBL_EDB,
                              "%s: workspace is busy: another nabolag is "
                              "writing it",
                              ws->path);
        return nbl__error(ws->ctx, NBL_EDB, NBL_BUSY_FMT, ws->path, "workspace",
                          nbl__ctx_wait(ws->ctx));
    case SQLITE_READONLY:
        return nbl__error(ws->ctx, NBL_EDB, "%s: workspace is read-only",
                          ws->path);
    case SQLITE_IOERR:
        if (sqlite3_system_errno(ws->db) != ENOSPC &&
            sqlite3_system_errno(ws->db) != EDQUOT)
            return 0;
        /* a write that found the disk full */
        /* fall through */
    case SQLITE_FULL:
        return nbl__error(ws->ctx, NBL_EIO,
                          "%s: disk full: the workspace cannot grow (free "
                          "some space and run the command again)",
                          ws->path);
    case SQLITE_NOMEM:
        return nbl__error(ws->ctx, NBL_ENOMEM, "%s: out of memory", ws->path);
    default:
        return 0;
    }
}

int
nbl__db_error(nbl_ws *ws, const char *what)
{
    int rc = db_known_error(ws);
    if (rc)
        return rc;
    return nbl__error(ws->ctx, NBL_EDB, "%s: %s: %s", ws->path, what,
                      sqlite3_errmsg(ws->db));
}

int
nbl__db_exec(nbl_ws *ws, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(ws->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        int rc = db_known_error(ws);
        if (!rc)
            rc = nbl__error(ws->ctx, NBL_EDB, "%s: %s", ws->path,
                            err ? err : "SQL error");
        sqlite3_free(err);
        return rc;
    }
    return NBL_OK;
}

int
nbl__db_prepare(nbl_ws *ws, sqlite3_stmt **out, const char *sql)
{
    if (sqlite3_prepare_v2(ws->db, sql, -1, out, NULL) != SQLITE_OK) {
        *out = NULL;
        return nbl__db_error(ws, "prepare");
    }
    return NBL_OK;
}

int
nbl__db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int
nbl__db_bind_kept(sqlite3_stmt *st, int i, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int
nbl__db_bind_key(nbl_ws *ws, sqlite3_stmt *st, int i, const char *s)
{
    if (nbl__db_bind_text(st, i, s) != SQLITE_OK)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

int
nbl__db_bind_source(sqlite3_stmt *st, int i, const char *s)
{
    char *r;
    int rc;
    if (!s)
        return sqlite3_bind_null(st, i);
    if (!(r = nbl__redact_dup(s)))
        return SQLITE_NOMEM;
    rc = sqlite3_bind_text(st, i, r, -1, SQLITE_TRANSIENT);
    free(r);
    return rc;
}

int
nbl__db_bind_double(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_double(st, i, v);
}

double
nbl__db_column_double(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(st, i);
}

int
nbl__db_column_bool(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return -1;
    return sqlite3_column_int(st, i) != 0;
}

int
nbl__db_column_int_or(sqlite3_stmt *st, int i, int null_value)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? null_value
               : sqlite3_column_int(st, i);
}

int
nbl__db_int64(nbl_ws *ws, const char *sql, long long *out)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st, sql);
    *out = 0;
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = nbl__db_error(ws, "reading a count");
    sqlite3_finalize(st);
    return rc;
}

const char *
nbl__db_column_text(sqlite3_stmt *st, int i, int *oom)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    if (!s && sqlite3_column_type(st, i) != SQLITE_NULL)
        *oom = 1;
    return s;
}

char *
nbl__db_column_strdup(sqlite3_stmt *st, int i, int *oom)
{
    int lost = 0;
    const char *s = nbl__db_column_text(st, i, &lost);
    char *c = s ? nbl__strdup(s) : NULL;
    if (oom && (lost || (s && !c)))
        *oom = 1;
    return c;
}

/* SQLite calls this while another connection holds the write lock: the
 * first call says once that we wait, later calls sleep until the context's
 * wait has passed (then the statement fails with SQLITE_BUSY, reported by
 * db_known_error()). */
static int
busy_wait(void *arg, int count)
{
    nbl_ws *ws = arg;
    struct timespec now;
    double elapsed;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ws->no_wait)
        return 0;
    if (count == 0) {
        ws->busy_since = now;
        if (nbl__ctx_wait(ws->ctx) > 0)
            nbl__ctx_waiting(ws->ctx, ws->path);
    }
    elapsed = (double)(now.tv_sec - ws->busy_since.tv_sec) +
              (double)(now.tv_nsec - ws->busy_since.tv_nsec) / 1e9;
    if (elapsed >= nbl__ctx_wait(ws->ctx))
        return 0;
    sqlite3_sleep(count < 10 ? 10 : 50);
    return 1;
}

/* True when path lies on a file system mounted read-only. */
static int
on_readonly_fs(const char *path)
{
    struct statvfs vfs;
    return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/* "file:" URI of path with immutable=1: on a read-only mount nobody can
 * write the workspace, and SQLite can then read a WAL-mode file without
 * creating its -shm file. */
static char *
immutable_uri(const char *path)
{
    nbl__buf b = {0};
    int rc = nbl__buf_printf(&b, "file:");
    for (const char *c = path; rc == NBL_OK && *c; c++) {
        if (*c == '%' || *c == '?' || *c == '#')
            rc = nbl__buf_printf(&b, "%%%02X", (unsigned char)*c);
        else
            rc = nbl__buf_append(&b, c, 1);
    }
    if (rc == NBL_OK)
        rc = nbl__buf_printf(&b, "?immutable=1");
    if (rc != NBL_OK) {
        nbl__buf_free(&b);
        return NULL;
    }
    return b.s;
}

static int
connect(nbl_ws *ws, int flags)
{
    char *uri = NULL;
    int rc;
#ifdef NBL_FAULT_INJECTION
    nbl__store_fault_setup();
#endif
    if (!(flags & SQLITE_OPEN_CREATE) && on_readonly_fs(ws->path)) {
        if (!(uri = immutable_uri(ws->path)))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
    }
    /* a workspace is used by one thread at a time (nabolag/common.h): no
     * per-call connection mutex */
    rc = sqlite3_open_v2(uri ? uri : ws->path, &ws->db,
                         flags | SQLITE_OPEN_NOMUTEX, NULL);
    free(uri);
    if (rc != SQLITE_OK)
        return nbl__error(ws->ctx, NBL_EDB, "%s: cannot open: %s", ws->path,
                          ws->db ? sqlite3_errmsg(ws->db) : "out of memory");
    sqlite3_extended_result_codes(ws->db, 1);
    ws->splite = spatialite_alloc_connection();
    if (!ws->splite)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    spatialite_init_ex(ws->db, ws->splite, 0);
    /* after SpatiaLite, which sets a busy timeout of its own */
    sqlite3_busy_handler(ws->db, busy_wait, ws);
    /* WAL: readers go on reading the last committed state while a writer
     * writes, and a writer waits for another in busy_wait(). Switching
     * needs a moment without other connections; if that fails the
     * workspace keeps its journal mode (still correct, just less
     * concurrent), so the result is not checked. */
    if (sqlite3_db_readonly(ws->db, "main") == 0)
        sqlite3_exec(ws->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    return nbl__db_exec(ws, "PRAGMA foreign_keys = ON");
}

static nbl_ws *
ws_new(nbl_ctx *ctx, const char *path)
{
    nbl_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->ctx = ctx;
    ws->path = nbl__strdup(path);
    if (!ws->path) {
        free(ws);
        return NULL;
    }
    return ws;
}

void
nbl_ws_free(nbl_ws *ws)
{
    if (!ws)
        return;
    if (ws->db) {
        if (ws->in_tx > 0)
            sqlite3_exec(ws->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(ws->db);
    }
    if (ws->splite)
        spatialite_cleanup_ex(ws->splite);
    free(ws->path);
    free(ws);
}

/* The workspace holds unsuppressed figures: the file is created private
 * (0600) before SQLite opens it; SQLite gives its journal the same mode. */
static int
create_private_file(nbl_ctx *ctx, const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return nbl__error(ctx, errno == EEXIST ? NBL_EEXISTS : NBL_EIO,
                          "%s: cannot create: %s", path, strerror(errno));
    close(fd);
    return NBL_OK;
}

/* The working CRS must be known and projected (metres). */
static int
check_working_crs(nbl_ws *ws, int srid)
{
    sqlite3_stmt *q = NULL;
    const char *p4;
    int s, rc = nbl__db_prepare(ws, &q,
                                "SELECT ref_sys_name, proj4text FROM "
                                "spatial_ref_sys WHERE auth_name = 'epsg' AND "
                                "auth_srid = ?");
    if (rc)
        return rc;
    sqlite3_bind_int(q, 1, srid);
    if ((s = sqlite3_step(q)) == SQLITE_DONE) {
        rc = nbl__error(ws->ctx, NBL_ECRS, "EPSG:%d: unknown coordinate system",
                        srid);
    } else if (s != SQLITE_ROW) { /* not "unknown": the look-up failed */
        rc = nbl__db_error(ws, "spatial_ref_sys");
    } else {
        int oom = 0;
        p4 = nbl__db_column_text(q, 1, &oom);
        if (oom)
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        else if (!p4 || strstr(p4, "+proj=longlat") || !strstr(p4, "+units=m"))
            rc = nbl__error(ws->ctx, NBL_ECRS,
                            "EPSG:%d: the working CRS must be projected in "
                            "metres (e.g. EPSG:25832)",
                            srid);
    }
    sqlite3_finalize(q);
    return rc;
}

/* The tables, the geometry column and the meta keys (inside BEGIN). */
static int
create_schema(nbl_ws *ws, int srid)
{
    const char *schema = nbl__asset("schema.sql", NULL);
    char sql[256], now[32], srid_s[16];
    int rc;
    if (!schema)
        return nbl__error(ws->ctx, NBL_EDB,
                          "internal: schema.sql not embedded");
    if ((rc = nbl__db_exec(ws, schema)))
        return rc;
    snprintf(sql, sizeof sql,
             "SELECT AddGeometryColumn('areas', 'geom', %d, 'MULTIPOLYGON', "
             "'XY', 1)",
             srid);
    if ((rc = nbl__db_exec(ws, sql)) ||
        (rc = nbl__db_exec(ws, "SELECT CreateSpatialIndex('areas', 'geom')")))
        return rc;
    nbl__now_iso(now);
    snprintf(srid_s, sizeof srid_s, "%d", srid);
    if ((rc = nbl__store_meta_set(ws, "format", NBL_FORMAT)) ||
        (rc = nbl__store_meta_set(ws, "srid", srid_s)) ||
        (rc = nbl__store_meta_set(ws, "created_at", now)) ||
        (rc = nbl__store_meta_set(ws, "tool_version", nbl_version())))
        return rc;
    return NBL_OK;
}

int
nbl_ws_create(nbl_ws **out, nbl_ctx *ctx, const char *path, int srid)
{
    struct stat st;
    nbl_ws *ws;
    /* SQLite's in-memory database (tests, fuzzing): no file to create */
    int in_memory = strcmp(path, ":memory:") == 0;
    int rc;

    *out = NULL;
    if (!in_memory && stat(path, &st) == 0)
        return nbl__error(ctx, NBL_EEXISTS, "%s: already exists", path);
    ws = ws_new(ctx, path);
    if (!ws)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    ws->srid = srid;
    if (!in_memory && (rc = create_private_file(ctx, path))) {
        nbl_ws_free(ws);
        return rc;
    }
    /* InitSpatialMetadata(1) runs its own transaction; the rest is ours.
     * On failure the file is removed, so nothing half-made remains. */
    if ((rc = connect(ws, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) ||
        (rc = nbl__db_exec(ws, "SELECT InitSpatialMetadata(1)")) ||
        (rc = nbl__db_exec(ws, "BEGIN")))
        goto fail;
    ws->in_tx = 1;
    if ((rc = check_working_crs(ws, srid)) || (rc = create_schema(ws, srid)) ||
        (rc = nbl__db_exec(ws, "COMMIT")))
        goto fail;
    ws->in_tx = 0;
    *out = ws;
    return NBL_OK;
fail:
    nbl_ws_free(ws);
    if (!in_memory)
        remove(path);
    return rc;
}

int
nbl_ws_open(nbl_ws **out, nbl_ctx *ctx, const char *path)
{
    struct stat st;
    nbl_ws *ws;
    char *fmt = NULL, *srid = NULL;
    long v;
    int rc;

    *out = NULL;
    if (stat(path, &st) != 0)
        return nbl__error(ctx, NBL_ENOTFOUND,
                          "%s: no such workspace (create it with 'nabolag "
                          "init')",
                          path);
    ws = ws_new(ctx, path);
    if (!ws)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    rc = connect(ws, SQLITE_OPEN_READWRITE);
    if (rc)
        goto fail;
    /* a read that fails (a full disk, no memory, a locked file) says so;
     * only a file without our format key is not a workspace */
    if ((rc = nbl__store_meta_get(ws, "format", &fmt)) != NBL_OK &&
        sqlite3_errcode(ws->db) != SQLITE_ERROR &&
        sqlite3_errcode(ws->db) != SQLITE_NOTADB)
        goto fail;
    if (rc != NBL_OK || !fmt || strcmp(fmt, NBL_FORMAT) != 0) {
        rc = nbl__error(ctx, NBL_EDB, "%s: not a nabolag workspace", path);
        goto fail;
    }
    if ((rc = nbl__store_meta_get(ws, "srid", &srid)) != NBL_OK)
        goto fail;
    if (!srid || !nbl__parse_long(srid, &v)) {
        rc = nbl__error(ctx, NBL_EDB, "%s: workspace has no working CRS", path);
        goto fail;
    }
    ws->srid = (int)v;
    free(fmt);
    free(srid);
    *out = ws;
    return NBL_OK;
fail:
    free(fmt);
    free(srid);
    nbl_ws_free(ws);
    return rc;
}

int
nbl_ws_srid(const nbl_ws *ws)
{
    return ws->srid;
}

const char *
nbl_ws_path(const nbl_ws *ws)
{
    return ws->path;
}

nbl_ctx *
nbl_ws_ctx(const nbl_ws *ws)
{
    return ws->ctx;
}

/* Foreign keys back on once the outermost transaction has ended. */
static void
fk_restore(nbl_ws *ws)
{
    if (ws->fk_off && ws->in_tx == 0) {
        sqlite3_exec(ws->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        ws->fk_off = 0;
    }
}

/*
 * Transactions nest: the outermost begin is BEGIN IMMEDIATE, inner ones are
 * savepoints. So a command's "one transaction" becomes part of the caller's
 * when the caller (e.g. `nabolag run`) already holds one.
 */
int
nbl__store_begin(nbl_ws *ws)
{
    int rc;
    char sql[64];
    if (ws->in_tx == 0) {
        if (sqlite3_db_readonly(ws->db, "main") == 1)
            return nbl__error(ws->ctx, NBL_EDB, "%s: workspace is read-only",
                              ws->path);
        rc = nbl__db_exec(ws, "BEGIN IMMEDIATE");
    } else {
        snprintf(sql, sizeof sql, "SAVEPOINT nbl_%d", ws->in_tx);
        rc = nbl__db_exec(ws, sql);
    }
    if (rc == NBL_OK)
        ws->in_tx++;
    return rc;
}

int
nbl__store_begin_checked_keys(nbl_ws *ws)
{
    int rc;
    if (ws->in_tx > 0)
        return nbl__store_begin(ws);
    rc = nbl__db_exec(ws, "PRAGMA foreign_keys = OFF");
    if (rc)
        return rc;
    ws->fk_off = 1;
    rc = nbl__store_begin(ws);
    if (rc)
        fk_restore(ws);
    return rc;
}

int
nbl__store_try_begin(nbl_ws *ws)
{
    int rc;
    ws->no_wait = 1;
    rc = nbl__store_begin(ws);
    ws->no_wait = 0;
    return rc;
}

int
nbl__store_commit(nbl_ws *ws)
{
    int rc;
    char sql[64];
    if (ws->in_tx <= 0)
        return nbl__error(ws->ctx, NBL_EDB, "internal: commit without begin");
    if (ws->in_tx == 1) {
        rc = nbl__db_exec(ws, "COMMIT");
    } else {
        snprintf(sql, sizeof sql, "RELEASE nbl_%d", ws->in_tx - 1);
        rc = nbl__db_exec(ws, sql);
    }
    if (rc == NBL_OK) {
        ws->in_tx--;
        fk_restore(ws);
    }
    return rc;
}

void
nbl__store_rollback(nbl_ws *ws)
{
    char sql[80];
    if (!ws || ws->in_tx <= 0)
        return;
    if (ws->in_tx == 1) {
        sqlite3_exec(ws->db, "ROLLBACK", NULL, NULL, NULL);
    } else {
        snprintf(sql, sizeof sql, "ROLLBACK TO nbl_%d; RELEASE nbl_%d",
                 ws->in_tx - 1, ws->in_tx - 1);
        sqlite3_exec(ws->db, sql, NULL, NULL, NULL);
    }
    ws->in_tx--;
    fk_restore(ws);
}

int
nbl_ws_begin(nbl_ws *ws)
{
    return nbl__store_begin(ws);
}

int
nbl_ws_commit(nbl_ws *ws)
{
    return nbl__store_commit(ws);
}

void
nbl_ws_rollback(nbl_ws *ws)
{
    nbl__store_rollback(ws);
}

int
nbl__store_meta_set(nbl_ws *ws, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st,
                             "INSERT INTO meta(key, value) VALUES(?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = "
                             "excluded.value");
    if (rc)
        return rc;
    if (nbl__db_bind_text(st, 1, key) || nbl__db_bind_text(st, 2, value))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    else if (sqlite3_step(st) != SQLITE_DONE)
        rc = nbl__db_error(ws, "meta");
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_meta_get(nbl_ws *ws, const char *key, char **out)
{
    sqlite3_stmt *st;
    int rc;
    *out = NULL;
    rc = nbl__db_prepare(ws, &st, "SELECT value FROM meta WHERE key = ?");
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, key))) {
        sqlite3_finalize(st);
        return rc;
    }
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = nbl__db_error(ws, "meta");
    else if (step == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        *out = nbl__strdup((const char *)sqlite3_column_text(st, 0));
        if (!*out)
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    return rc;
}

static void
bind_count(sqlite3_stmt *st, int i, long v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

int
nbl__store_log_run(nbl_ws *ws, const char *kind, const char *source,
                   long rows_read, long rows_stored, long rows_rejected,
                   long repaired, const char *detail_json)
{
    sqlite3_stmt *st;
    char now[32];
    /* the run log is shown by info, export, report: never a secret */
    char *src = nbl__redact_dup(source), *detail = nbl__redact_dup(detail_json);
    int rc = (source && !src) || (detail_json && !detail)
                 ? nbl__error(ws->ctx, NBL_ENOMEM, "out of memory")
                 : nbl__db_prepare(ws, &st,
                                   "INSERT INTO runs(kind, source, started_at, "
                                   "rows_read, rows_stored, rows_rejected, "
                                   "repaired, detail) VALUES(?,?,?,?,?,?,?,?)");
    if (rc == NBL_OK) {
        nbl__now_iso(now);
        bind_count(st, 4, rows_read);
        bind_count(st, 5, rows_stored);
        bind_count(st, 6, rows_rejected);
        bind_count(st, 7, repaired);
        if (nbl__db_bind_text(st, 1, kind) || nbl__db_bind_text(st, 2, src) ||
            nbl__db_bind_text(st, 3, now) || nbl__db_bind_text(st, 8, detail))
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        else if (sqlite3_step(st) != SQLITE_DONE)
            rc = nbl__db_error(ws, "run log");
        sqlite3_finalize(st);
    }
    free(src);
    free(detail);
    return rc;
}

long long
nbl__store_last_run_id(nbl_ws *ws)
{
    return (long long)sqlite3_last_insert_rowid(ws->db);
}

int
nbl__store_run_sources(nbl_ws *ws, const char *kind, char **out)
{
    sqlite3_stmt *st;
    nbl__buf b = {0};
    int rc, step;
    *out = NULL;
    rc = nbl__db_prepare(ws, &st,
                         "SELECT DISTINCT source FROM runs WHERE kind = ? "
                         "AND source IS NOT NULL ORDER BY run_id DESC");
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, kind))) {
        sqlite3_finalize(st);
        return rc;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if ((b.len && nbl__buf_append(&b, ", ", 2)) ||
            nbl__buf_append(&b, s, strlen(s))) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == NBL_OK && step != SQLITE_DONE)
        rc = nbl__db_error(ws, "run log");
    sqlite3_finalize(st);
    if (rc) {
        nbl__buf_free(&b);
        return rc;
    }
    *out = b.s;
    return NBL_OK;
}
