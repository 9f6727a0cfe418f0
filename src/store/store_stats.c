/*
 * store_stats.c - the store side of the statistics and reference imports.
 *
 * Tables touched: areas (read; written only by the test helper), variables
 * (read, upserted from [variable.*] config sections), stats and refs
 * (written by nbl__stage_apply), and two TEMP tables that live only during
 * one import:
 *   nbl_stage(k1, k2, year, variable, value, line)  one row per value read,
 *       primary key (k1, k2, year, variable): a second value for a key is
 *       refused and reported as a duplicate with the earlier line;
 *   nbl_bad(seq, line, msg)  every problem found, several per line allowed.
 * A line is "good" when nbl_bad has no row for it; only good lines' values
 * reach the target table. Cross-row checks are set-based SQL over the stage
 * and the target; their results are first materialised into a TEMP table
 * (nbl_chk) so the callbacks may record problems while iterating.
 */
#include "store/store_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/util.h"

struct nbl__stage {
    nbl_ws *ws;
    int target;
    sqlite3_stmt *ins, *dup, *bad, *next_bad;
};

#define GOOD(alias)                                                            \
    "NOT EXISTS (SELECT 1 FROM temp.nbl_bad b WHERE b.line = " alias ".line)"

static char *
dup_col(sqlite3_stmt *q, int i)
{
    const unsigned char *s = sqlite3_column_text(q, i);
    return s ? nbl__strdup((const char *)s) : NULL;
}

void
nbl__store_stats_free_vars(nbl__var_def *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].name);
        free(v[i].kind);
        free(v[i].denominator);
    }
    free(v);
}

void
nbl__store_stats_free_strs(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

int
nbl__store_stats_variables(nbl_ws *ws, nbl__var_def **out, size_t *n)
{
    sqlite3_stmt *q;
    nbl__var_def *v = NULL;
    size_t len = 0, cap = 0;
    int rc, s;

    *out = NULL;
    *n = 0;
    /* ORDER BY with the BINARY collation is strcmp order for UTF-8. */
    rc = nbl__db_prepare(ws, &q,
                         "SELECT name, kind, denominator FROM variables "
                         "ORDER BY name COLLATE BINARY");
    if (rc)
        return rc;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        if (len == cap) {
            size_t c = cap ? cap * 2 : 64;
            nbl__var_def *w = realloc(v, c * sizeof *v);
            if (!w) {
                rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
                break;
            }
            v = w;
            cap = c;
        }
        v[len].name = dup_col(q, 0);
        v[len].kind = dup_col(q, 1);
        v[len].denominator = dup_col(q, 2);
        len++;
        if (!v[len - 1].name || !v[len - 1].kind) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "reading variables");
    sqlite3_finalize(q);
    if (rc) {
        nbl__store_stats_free_vars(v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return NBL_OK;
}

int
nbl__store_stats_area_column(nbl_ws *ws, const char *column, char ***out,
                             size_t *n)
{
    sqlite3_stmt *q;
    char **v = NULL;
    size_t len = 0, cap = 0;
    char sql[160];
    int rc, s;

    *out = NULL;
    *n = 0;
    if (strcmp(column, "area_id") && strcmp(column, "region") &&
        strcmp(column, "municipality"))
        return nbl__error(ws->ctx, NBL_EINVAL, "internal: column %s", column);
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT %s FROM areas WHERE %s IS NOT NULL "
             "ORDER BY %s COLLATE BINARY",
             column, column, column);
    rc = nbl__db_prepare(ws, &q, sql);
    if (rc)
        return rc;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        if (len == cap) {
            size_t c = cap ? cap * 2 : 256;
            char **w = realloc(v, c * sizeof *v);
            if (!w) {
                rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
                break;
            }
            v = w;
            cap = c;
        }
        v[len] = dup_col(q, 0);
        if (!v[len]) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
        len++;
    }
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(ws, "reading areas");
    sqlite3_finalize(q);
    if (rc) {
        nbl__store_stats_free_strs(v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return NBL_OK;
}

int
nbl__store_stats_put_variable(nbl_ws *ws, const char *name, const char *kind,
                              const char *denominator, const char *label)
{
    sqlite3_stmt *q;
    int rc = nbl__db_prepare(
        ws, &q,
        "INSERT INTO variables(name, kind, denominator, label) "
        "VALUES(?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
        "kind = excluded.kind, denominator = excluded.denominator, "
        "label = COALESCE(excluded.label, label)");
    if (rc)
        return rc;
    if (nbl__db_bind_text(q, 1, name) || nbl__db_bind_text(q, 2, kind) ||
        nbl__db_bind_text(q, 3, denominator) || nbl__db_bind_text(q, 4, label))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    else if (sqlite3_step(q) != SQLITE_DONE)
        rc = nbl__db_error(ws, "declaring a variable");
    sqlite3_finalize(q);
    return rc;
}

int
nbl__store_stats_test_add_area(nbl_ws *ws, const char *id, const char *name,
                               const char *municipality, const char *region)
{
    sqlite3_stmt *q;
    int rc = nbl__db_prepare(
        ws, &q,
        "INSERT INTO areas(area_id, name, municipality, region, source, "
        "area_m2, geom) VALUES(?, ?, ?, ?, 'test', 1, "
        "CastToMultiPolygon(BuildMbr(0, 0, 1, 1, ?)))");
    if (rc)
        return rc;
    sqlite3_bind_int(q, 5, ws->srid);
    if (nbl__db_bind_text(q, 1, id) || nbl__db_bind_text(q, 2, name) ||
        nbl__db_bind_text(q, 3, municipality) ||
        nbl__db_bind_text(q, 4, region))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    else if (sqlite3_step(q) != SQLITE_DONE)
        rc = nbl__db_error(ws, "adding a test area");
    sqlite3_finalize(q);
    return rc;
}

/* ---- staging ----------------------------------------------------------- */

/* The join of a target-table alias t with a stage alias a on the key. */
static const char *
key_join(int target)
{
    return target == NBL__STAGE_STATS
               ? "t.area_id = %1$s.k1 AND t.year = %1$s.year AND "
                 "t.variable = %1$s.variable"
               : "t.scope = %1$s.k1 AND t.code = %1$s.k2 AND "
                 "t.year = %1$s.year AND t.variable = %1$s.variable";
}

static const char *
table(int target)
{
    return target == NBL__STAGE_STATS ? "main.stats" : "main.refs";
}

/* Appends key_join(target) with alias substituted (no positional printf
 * arguments in nbl__buf_printf: done by hand). */
static int
add_join(nbl__buf *b, int target, const char *alias)
{
    const char *f = key_join(target);
    int rc = 0;
    while (*f && rc == 0) {
        const char *p = strstr(f, "%1$s");
        if (!p)
            return nbl__buf_append(b, f, strlen(f));
        rc = nbl__buf_append(b, f, (size_t)(p - f));
        if (rc == 0)
            rc = nbl__buf_append(b, alias, strlen(alias));
        f = p + 4;
    }
    return rc;
}

int
nbl__stage_new(nbl_ws *ws, int target, nbl__stage **out)
{
    nbl__stage *st;
    int rc;
    *out = NULL;
    st = calloc(1, sizeof *st);
    if (!st)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    st->ws = ws;
    st->target = target;
    rc = nbl__db_exec(
        ws, "DROP TABLE IF EXISTS temp.nbl_stage;"
            "DROP TABLE IF EXISTS temp.nbl_bad;"
            "CREATE TEMP TABLE nbl_stage(k1 TEXT NOT NULL, k2 TEXT NOT NULL,"
            " year INTEGER NOT NULL, variable TEXT NOT NULL, value REAL,"
            " line INTEGER NOT NULL,"
            " PRIMARY KEY (k1, k2, year, variable)) WITHOUT ROWID;"
            "CREATE TEMP TABLE nbl_bad(seq INTEGER PRIMARY KEY,"
            " line INTEGER NOT NULL, msg TEXT NOT NULL);"
            "CREATE INDEX temp.nbl_bad_line ON nbl_bad(line);");
    if (rc == NBL_OK)
        rc = nbl__db_prepare(ws, &st->ins,
                             "INSERT INTO temp.nbl_stage VALUES(?,?,?,?,?,?) "
                             "ON CONFLICT DO NOTHING");
    if (rc == NBL_OK)
        rc = nbl__db_prepare(ws, &st->dup,
                             "SELECT line FROM temp.nbl_stage WHERE k1 = ? "
                             "AND k2 = ? AND year = ? AND variable = ?");
    if (rc == NBL_OK)
        rc = nbl__db_prepare(ws, &st->bad,
                             "INSERT INTO temp.nbl_bad(line, msg) "
                             "VALUES(?, ?)");
    if (rc) {
        nbl__stage_free(st);
        return rc;
    }
    *out = st;
    return NBL_OK;
}

void
nbl__stage_free(nbl__stage *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->ins);
    sqlite3_finalize(st->dup);
    sqlite3_finalize(st->bad);
    sqlite3_finalize(st->next_bad);
    sqlite3_exec(st->ws->db,
                 "DROP TABLE IF EXISTS temp.nbl_stage;"
                 "DROP TABLE IF EXISTS temp.nbl_bad;"
                 "DROP TABLE IF EXISTS temp.nbl_chk;"
                 "DROP TABLE IF EXISTS temp.nbl_den;",
                 NULL, NULL, NULL);
    free(st);
}

int
nbl__stage_add(nbl__stage *st, const char *k1, const char *k2, long year,
               const char *variable, double value, long line, long *dup_line)
{
    sqlite3_stmt *q = st->ins;
    *dup_line = 0;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, k1, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, k2 ? k2 : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, year);
    sqlite3_bind_text(q, 4, variable, -1, SQLITE_STATIC);
    nbl__db_bind_double(q, 5, value);
    sqlite3_bind_int64(q, 6, line);
    if (sqlite3_step(q) != SQLITE_DONE) {
        sqlite3_reset(q);
        return nbl__db_error(st->ws, "staging a value");
    }
    sqlite3_reset(q);
    if (sqlite3_changes(st->ws->db) == 0) {
        q = st->dup;
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, k1, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, k2 ? k2 : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, year);
        sqlite3_bind_text(q, 4, variable, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW)
            *dup_line = (long)sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
        if (*dup_line == 0)
            return nbl__db_error(st->ws, "staging a duplicate");
    }
    return NBL_OK;
}

int
nbl__stage_problem(nbl__stage *st, long line, const char *msg)
{
    sqlite3_stmt *q = st->bad;
    int rc = NBL_OK;
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, line);
    sqlite3_bind_text(q, 2, msg, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = nbl__db_error(st->ws, "recording a problem");
    sqlite3_reset(q);
    return rc;
}

/* Materialises `select` into temp.nbl_chk, then calls row_fn for each of
 * its rows in order of the first column's sort (the select's ORDER BY). */
static int
run_checked(nbl__stage *st, const char *select,
            int (*row_fn)(sqlite3_stmt *q, void *arg), void *arg)
{
    nbl__buf b = {0};
    sqlite3_stmt *q = NULL;
    int rc, s;
    if (nbl__buf_printf(&b,
                        "DROP TABLE IF EXISTS temp.nbl_chk;"
                        "CREATE TEMP TABLE nbl_chk AS %s",
                        select)) {
        nbl__buf_free(&b);
        return nbl__error(st->ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_exec(st->ws, b.s);
    nbl__buf_free(&b);
    if (rc)
        return rc;
    rc = nbl__db_prepare(st->ws, &q,
                         "SELECT * FROM temp.nbl_chk ORDER BY "
                         "rowid");
    if (rc)
        return rc;
    while (rc == NBL_OK && (s = sqlite3_step(q)) == SQLITE_ROW)
        rc = row_fn(q, arg);
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(st->ws, "checking values");
    sqlite3_finalize(q);
    if (rc == NBL_OK)
        rc = nbl__db_exec(st->ws, "DROP TABLE temp.nbl_chk");
    return rc;
}

static void
rec_from(sqlite3_stmt *q, int i, nbl__stage_rec *r)
{
    r->k1 = (const char *)sqlite3_column_text(q, i);
    r->k2 = (const char *)sqlite3_column_text(q, i + 1);
    r->year = (long)sqlite3_column_int64(q, i + 2);
    r->variable = (const char *)sqlite3_column_text(q, i + 3);
    r->value = nbl__db_column_double(q, i + 4);
    r->line = (long)sqlite3_column_int64(q, i + 5);
    if (!r->k2)
        r->k2 = "";
}

struct conflict_arg {
    int (*fn)(const nbl__stage_rec *, double, void *);
    void *arg;
};

static int
conflict_row(sqlite3_stmt *q, void *arg)
{
    struct conflict_arg *a = arg;
    nbl__stage_rec r;
    rec_from(q, 0, &r);
    return a->fn(&r, nbl__db_column_double(q, 6), a->arg);
}

int
nbl__stage_each_conflict(nbl__stage *st,
                         int (*fn)(const nbl__stage_rec *rec, double ws_value,
                                   void *arg),
                         void *arg)
{
    nbl__buf b = {0};
    struct conflict_arg a = {fn, arg};
    int rc;
    nbl__buf_printf(&b,
                    "SELECT n.k1, n.k2, n.year, n.variable, n.value, n.line, "
                    "t.value FROM temp.nbl_stage n JOIN %s t ON ",
                    table(st->target));
    add_join(&b, st->target, "n");
    nbl__buf_printf(&b, " WHERE t.value IS NOT n.value AND " GOOD(
                            "n") " ORDER BY n.line, n.variable");
    if (!b.s)
        return nbl__error(st->ws->ctx, NBL_ENOMEM, "out of memory");
    rc = run_checked(st, b.s, conflict_row, &a);
    nbl__buf_free(&b);
    return rc;
}

struct excess_arg {
    int (*fn)(const nbl__stage_rec *, const nbl__stage_rec *, void *);
    void *arg;
};

static int
excess_row(sqlite3_stmt *q, void *arg)
{
    struct excess_arg *a = arg;
    nbl__stage_rec num, den;
    rec_from(q, 0, &num);
    rec_from(q, 6, &den);
    return a->fn(&num, &den, a->arg);
}

int
nbl__stage_each_excess(nbl__stage *st,
                       int (*fn)(const nbl__stage_rec *num,
                                 const nbl__stage_rec *den, void *arg),
                       void *arg)
{
    nbl__buf b = {0};
    struct excess_arg a = {fn, arg};
    const char *tk =
        st->target == NBL__STAGE_STATS ? "t.area_id, ''" : "t.scope, t.code";
    int rc;
    /* nbl_den indexes the variables by denominator, and CROSS JOIN fixes
     * the join order of part 2 (stage -> nbl_den -> target by primary key);
     * left to itself the planner scans the target table. */
    rc = nbl__db_exec(st->ws,
                      "DROP TABLE IF EXISTS temp.nbl_den;"
                      "CREATE TEMP TABLE nbl_den AS SELECT name, denominator "
                      "FROM main.variables WHERE denominator IS NOT NULL "
                      "AND kind NOT IN ('percent', 'value');"
                      "CREATE INDEX temp.nbl_den_d ON nbl_den(denominator);");
    if (rc)
        return rc;
    /* 1. numerator staged (good line); denominator staged (good line) or,
     *    failing that, in the workspace. */
    nbl__buf_printf(
        &b,
        "SELECT * FROM (SELECT n.k1, n.k2, n.year, n.variable, n.value, "
        "n.line, n.k1 AS dk1, n.k2 AS dk2, n.year AS dyear, v.denominator, "
        "CASE WHEN d.line IS NOT NULL THEN d.value ELSE t.value END AS dv, "
        "COALESCE(d.line, 0) AS dline "
        "FROM temp.nbl_stage n "
        "JOIN main.variables v ON v.name = n.variable "
        "AND v.denominator IS NOT NULL "
        "AND v.kind NOT IN ('percent', 'value') " /* 'of' is no numerator */
        "LEFT JOIN temp.nbl_stage d ON d.k1 = n.k1 AND d.k2 = n.k2 "
        "AND d.year = n.year AND d.variable = v.denominator AND " GOOD(
            "d") " LEFT JOIN %s t ON ",
        table(st->target));
    {
        /* t joined on the denominator's key */
        const char *j = st->target == NBL__STAGE_STATS
                            ? "t.area_id = n.k1 AND t.year = n.year AND "
                              "t.variable = v.denominator"
                            : "t.scope = n.k1 AND t.code = n.k2 AND "
                              "t.year = n.year AND t.variable = "
                              "v.denominator";
        nbl__buf_append(&b, j, strlen(j));
    }
    nbl__buf_printf(&b, " WHERE n.value IS NOT NULL AND " GOOD(
                            "n") ") WHERE dv IS NOT NULL AND value > dv");
    /* 2. denominator staged (good line), numerator only in the workspace
     *    (not staged on a good line). */
    nbl__buf_printf(&b,
                    " UNION ALL SELECT %s, t.year, t.variable, t.value, 0, "
                    "d.k1, d.k2, d.year, d.variable, d.value, d.line "
                    "FROM temp.nbl_stage d "
                    "CROSS JOIN temp.nbl_den v CROSS JOIN %s t "
                    "ON v.denominator = d.variable AND ",
                    tk, table(st->target));
    {
        const char *j = st->target == NBL__STAGE_STATS
                            ? "t.area_id = d.k1 AND t.year = d.year AND "
                              "t.variable = v.name"
                            : "t.scope = d.k1 AND t.code = d.k2 AND "
                              "t.year = d.year AND t.variable = v.name";
        nbl__buf_append(&b, j, strlen(j));
    }
    nbl__buf_printf(
        &b, " WHERE d.value IS NOT NULL AND t.value > d.value AND " GOOD(
                "d") " AND NOT EXISTS (SELECT 1 FROM temp.nbl_stage n "
                     "WHERE n.k1 = d.k1 AND n.k2 = d.k2 AND n.year = "
                     "d.year AND n.variable = v.name AND " GOOD(
                         "n") ") ORDER BY 6, 12, 4");
    if (!b.s)
        return nbl__error(st->ws->ctx, NBL_ENOMEM, "out of memory");
    rc = run_checked(st, b.s, excess_row, &a);
    nbl__buf_free(&b);
    return rc;
}

struct country_arg {
    int (*fn)(const nbl__stage_rec *, const char *, void *);
    void *arg;
    char *kept;
};

static int
country_row(sqlite3_stmt *q, void *arg)
{
    struct country_arg *a = arg;
    nbl__stage_rec r;
    rec_from(q, 0, &r);
    return a->fn(&r, a->kept, a->arg);
}

int
nbl__stage_each_other_country(nbl__stage *st,
                              int (*fn)(const nbl__stage_rec *rec,
                                        const char *kept, void *arg),
                              void *arg)
{
    struct country_arg a = {fn, arg, NULL};
    sqlite3_stmt *q;
    nbl__buf b = {0};
    int rc;
    if (st->target != NBL__STAGE_REFS)
        return NBL_OK;
    rc = nbl__db_prepare(
        st->ws, &q,
        "SELECT code FROM (SELECT code, 0 AS line FROM main.refs WHERE "
        "scope = 'country' UNION ALL SELECT k2, line FROM temp.nbl_stage n "
        "WHERE k1 = 'country' AND " GOOD("n") ") ORDER BY line LIMIT 1");
    if (rc)
        return rc;
    if (sqlite3_step(q) == SQLITE_ROW)
        a.kept = dup_col(q, 0);
    sqlite3_finalize(q);
    if (!a.kept)
        return NBL_OK;
    {
        char *lit = sqlite3_mprintf("%Q", a.kept);
        if (lit)
            nbl__buf_printf(&b,
                            "SELECT k1, k2, year, variable, value, line FROM "
                            "temp.nbl_stage n WHERE k1 = 'country' AND "
                            "k2 <> %s AND " GOOD("n") " ORDER BY line, "
                                                      "variable",
                            lit);
        sqlite3_free(lit);
    }
    rc = b.s ? run_checked(st, b.s, country_row, &a)
             : nbl__error(st->ws->ctx, NBL_ENOMEM, "out of memory");
    nbl__buf_free(&b);
    free(a.kept);
    return rc;
}

static int
query_long(nbl__stage *st, const char *sql, long *out)
{
    long long v;
    int rc = nbl__db_int64(st->ws, sql, &v);
    *out = (long)v;
    return rc;
}

int
nbl__stage_counts(nbl__stage *st, long *inserted, long *updated,
                  long *unchanged, long *missing)
{
    nbl__buf b = {0};
    sqlite3_stmt *q;
    int rc;
    long total = 0;
    *inserted = *updated = *unchanged = *missing = 0;
    nbl__buf_printf(&b,
                    "SELECT COUNT(*), COUNT(t.variable), "
                    "SUM(t.variable IS NOT NULL AND t.value IS n.value), "
                    "SUM(n.value IS NULL) FROM temp.nbl_stage n "
                    "LEFT JOIN %s t ON ",
                    table(st->target));
    add_join(&b, st->target, "n");
    nbl__buf_printf(&b, " WHERE " GOOD("n"));
    if (!b.s)
        return nbl__error(st->ws->ctx, NBL_ENOMEM, "out of memory");
    rc = nbl__db_prepare(st->ws, &q, b.s);
    nbl__buf_free(&b);
    if (rc)
        return rc;
    if (sqlite3_step(q) == SQLITE_ROW) {
        long present = (long)sqlite3_column_int64(q, 1);
        total = (long)sqlite3_column_int64(q, 0);
        *unchanged = (long)sqlite3_column_int64(q, 2);
        *missing = (long)sqlite3_column_int64(q, 3);
        *updated = present - *unchanged;
        *inserted = total - present;
    } else {
        rc = nbl__db_error(st->ws, "counting");
    }
    sqlite3_finalize(q);
    return rc;
}

int
nbl__stage_apply(nbl__stage *st)
{
    const char *sql =
        st->target == NBL__STAGE_STATS
            ? "INSERT INTO main.stats(area_id, year, variable, value) "
              "SELECT k1, year, variable, value FROM temp.nbl_stage n "
              "WHERE " GOOD("n") " ON CONFLICT(area_id, year, variable) "
                                 "DO UPDATE SET value = excluded.value "
                                 "WHERE value IS NOT excluded.value"
            : "INSERT INTO main.refs(scope, code, year, variable, value) "
              "SELECT k1, k2, year, variable, value FROM temp.nbl_stage n "
              "WHERE " GOOD("n") " ON CONFLICT(scope, code, year, variable) "
                                 "DO UPDATE SET value = excluded.value "
                                 "WHERE value IS NOT excluded.value";
    return nbl__db_exec(st->ws, sql);
}

int
nbl__stage_problem_counts(nbl__stage *st, long *problems, long *bad_lines)
{
    int rc = query_long(st, "SELECT COUNT(*) FROM temp.nbl_bad", problems);
    if (rc == NBL_OK)
        rc = query_long(st, "SELECT COUNT(DISTINCT line) FROM temp.nbl_bad",
                        bad_lines);
    return rc;
}

int
nbl__stage_each_problem(nbl__stage *st, long limit,
                        int (*fn)(long line, const char *msg, void *arg),
                        void *arg)
{
    sqlite3_stmt *q;
    int rc = nbl__db_prepare(st->ws, &q,
                             "SELECT line, msg FROM temp.nbl_bad "
                             "ORDER BY line, seq LIMIT ?"),
        s;
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, limit);
    while (rc == NBL_OK && (s = sqlite3_step(q)) == SQLITE_ROW)
        rc = fn((long)sqlite3_column_int64(q, 0),
                (const char *)sqlite3_column_text(q, 1), arg);
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(st->ws, "listing problems");
    sqlite3_finalize(q);
    return rc;
}

int
nbl__stage_next_bad(nbl__stage *st, long *line, const char **reasons)
{
    int s;
    if (!st->next_bad) {
        /* group_concat over an ordered subquery keeps the found order. */
        int rc = nbl__db_prepare(
            st->ws, &st->next_bad,
            "SELECT line, group_concat(msg, '; ') FROM (SELECT line, msg "
            "FROM temp.nbl_bad ORDER BY line, seq) GROUP BY line "
            "ORDER BY line");
        if (rc)
            return rc;
    }
    s = sqlite3_step(st->next_bad);
    if (s == SQLITE_ROW) {
        *line = (long)sqlite3_column_int64(st->next_bad, 0);
        *reasons = (const char *)sqlite3_column_text(st->next_bad, 1);
        return 1;
    }
    if (s == SQLITE_DONE)
        return 0;
    return nbl__db_error(st->ws, "listing bad lines");
}

/* ---- direct writing ------------------------------------------------------ */

struct nbl__stats_writer {
    nbl_ws *ws;
    sqlite3_stmt *group, *put;
};

int
nbl__stats_writer_new(nbl_ws *ws, nbl__stats_writer **out, int *empty)
{
    nbl__stats_writer *w;
    sqlite3_stmt *q;
    int rc;
    *out = NULL;
    rc = nbl__db_prepare(ws, &q, "SELECT 1 FROM main.stats LIMIT 1");
    if (rc)
        return rc;
    *empty = sqlite3_step(q) != SQLITE_ROW;
    sqlite3_finalize(q);
    w = calloc(1, sizeof *w);
    if (!w)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    w->ws = ws;
    rc = nbl__db_prepare(ws, &w->group,
                         "SELECT variable, value FROM main.stats "
                         "WHERE area_id = ? AND year = ?");
    if (rc == NBL_OK)
        rc = nbl__db_prepare(
            ws, &w->put,
            "INSERT INTO main.stats(area_id, year, variable, value) "
            "VALUES(?, ?, ?, ?) ON CONFLICT(area_id, year, variable) "
            "DO UPDATE SET value = excluded.value");
    if (rc) {
        nbl__stats_writer_free(w);
        return rc;
    }
    *out = w;
    return NBL_OK;
}

void
nbl__stats_writer_free(nbl__stats_writer *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->group);
    sqlite3_finalize(w->put);
    free(w);
}

int
nbl__stats_writer_group(nbl__stats_writer *w, const char *area_id, long year,
                        int (*fn)(const char *variable, double value,
                                  void *arg),
                        void *arg)
{
    sqlite3_stmt *q = w->group;
    int rc = NBL_OK, s;
    sqlite3_bind_text(q, 1, area_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, year);
    while (rc == NBL_OK && (s = sqlite3_step(q)) == SQLITE_ROW)
        rc = fn((const char *)sqlite3_column_text(q, 0),
                nbl__db_column_double(q, 1), arg);
    if (rc == NBL_OK && s != SQLITE_DONE)
        rc = nbl__db_error(w->ws, "reading values");
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc;
}

int
nbl__stats_writer_put(nbl__stats_writer *w, const char *area_id, long year,
                      const char *variable, double value)
{
    sqlite3_stmt *q = w->put;
    int rc = NBL_OK;
    sqlite3_bind_text(q, 1, area_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, year);
    sqlite3_bind_text(q, 3, variable, -1, SQLITE_STATIC);
    nbl__db_bind_double(q, 4, value);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = nbl__db_error(w->ws, "storing a value");
    sqlite3_reset(q);
    return rc;
}
