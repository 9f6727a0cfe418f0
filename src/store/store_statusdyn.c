/*
 * store_statusdyn.c - the status/dynamics index in the workspace: loading
 * the indicators of the configured method that are no criterion (profile
 * indicators from profile_results, else variables from stats) with the
 * residents, and writing table status_dynamics.
 *
 * status_dynamics holds one row per area and year for every area the
 * method saw: the indices and classes (NULL when not classified), the
 * combined group "<status class>/<dynamics class>", why an area is not
 * classified (status_st / dynamics_st: ok, excluded, small, missing) and
 * the method. Workspaces created before these columns get them added.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/alerts.h"
#include "store/store_compute.h"
#include "store/store_internal.h"
#include "store/store_statusdyn.h"
#include "util/util.h"

struct idx {
    const char *id;
    size_t i;
};

static int
idx_cmp(const void *a, const void *b)
{
    return strcmp(((const struct idx *)a)->id, ((const struct idx *)b)->id);
}

/* Fills the columns of the method's indicators from the profile_results
 * rows of indicators of those names (they win over variables of the same
 * name), in one scan. ix: the areas sorted by id. */
static int
load_profiles(nbl_ws *ws, const nbl__sdconf *c, nbl__aarea *areas,
              const struct idx *ix, size_t n)
{
    sqlite3_stmt *st = NULL;
    nbl__buf sql = {0};
    const struct idx *hit = NULL;
    int rc = nbl__buf_printf(&sql, "SELECT area_id, year, indicator, value "
                                   "FROM profile_results WHERE status = 'ok' "
                                   "AND indicator IN (");
    for (int j = 0; !rc && j < c->nind; j++)
        rc = nbl__buf_printf(&sql, "%s?", j ? "," : "");
    if (rc || nbl__buf_printf(&sql, ")")) {
        nbl__buf_free(&sql);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(ws, &st, sql.s);
    nbl__buf_free(&sql);
    if (rc)
        return rc;
    for (int j = 0; j < c->nind; j++)
        if ((rc = nbl__db_bind_key(ws, st, j + 1, c->ind[j].name))) {
            sqlite3_finalize(st);
            return rc;
        }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct idx key = {(const char *)sqlite3_column_text(st, 0), 0};
        const char *ind = (const char *)sqlite3_column_text(st, 2);
        nbl__aarea *a;
        int row;
        if (!key.id || !ind)
            continue;
        if (!hit || strcmp(hit->id, key.id) != 0) /* rows come by area */
            hit = bsearch(&key, ix, n, sizeof *ix, idx_cmp);
        if (!hit)
            continue;
        a = &areas[hit->i];
        row = sqlite3_column_int(st, 1) - a->ind_y0;
        if (row < 0 || row >= a->ind_ny)
            continue;
        for (int j = 0; j < c->nind; j++)
            if (strcmp(c->ind[j].name, ind) == 0)
                a->ind[(size_t)row * (size_t)a->ind_k + (size_t)j] =
                    nbl__db_column_double(st, 3);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "reading profiles");
}

/* Copies the dense statistics into each area's own table. */
static int
copy_stats(const nbl__compute_data *d, int k, nbl__aarea *areas, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        nbl__aarea *a = &areas[i];
        long ai = nbl__find_sorted(d->area_ids, d->nareas,
                                   a->area_id ? a->area_id : "");
        size_t cells = (size_t)(d->nyears > 0 ? d->nyears : 1) * (size_t)k;
        free(a->ind);
        a->ind = malloc(cells * sizeof *a->ind);
        if (!a->ind)
            return NBL_ENOMEM;
        a->ind_y0 = d->first_year;
        a->ind_ny = d->nyears;
        a->ind_k = k;
        for (size_t c = 0; c < cells; c++)
            a->ind[c] = NAN;
        if (ai < 0)
            continue;
        for (int y = 0; y < d->nyears; y++)
            for (int v = 0; v < k; v++)
                a->ind[(size_t)y * (size_t)k + (size_t)v] =
                    d->area[((size_t)ai * (size_t)d->nyears + (size_t)y) *
                                (size_t)d->nvars +
                            (size_t)v];
    }
    return NBL_OK;
}

int
nbl__store_sd_load(nbl_ws *ws, const nbl__sdconf *c, nbl__aarea *areas,
                   size_t n, const nbl__compute_data *stats)
{
    const char *vars[NBL_SD_MAX_IND + 1];
    nbl__compute_data d;
    const nbl__compute_data *s = stats ? stats : &d;
    int k = c->nind + 1, rc = NBL_OK;
    memset(&d, 0, sizeof d);
    for (int j = 0; j < c->nind; j++)
        vars[j] = c->ind[j].name;
    vars[c->nind] = "pop";
    if (!stats)
        rc = nbl__store_compute_load(ws, vars, k, &d);
    assert(rc != NBL_OK || s->nvars == k);
    if (rc == NBL_OK)
        rc = copy_stats(s, k, areas, n);
    if (rc == NBL_ENOMEM)
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (rc == NBL_OK && s->nyears > 0) {
        struct idx *ix = malloc((n ? n : 1) * sizeof *ix);
        if (!ix)
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        for (size_t i = 0; ix && i < n; i++)
            ix[i] = (struct idx){areas[i].area_id ? areas[i].area_id : "", i};
        if (ix)
            qsort(ix, n, sizeof *ix, idx_cmp);
        if (rc == NBL_OK && c->nind > 0)
            rc = load_profiles(ws, c, areas, ix, n);
        free(ix);
    }
    nbl__compute_data_free(&d);
    return rc;
}

/* Widens a->ind to the years lo..hi (NAN where it had no row); 0 or
 * NBL_ENOMEM. */
static int
widen_ind(nbl__aarea *a, int k, int lo, int hi)
{
    size_t cells = (size_t)(hi - lo + 1) * (size_t)k;
    double *t;
    if (a->ind && a->ind_ny > 0 && a->ind_y0 <= lo &&
        a->ind_y0 + a->ind_ny - 1 >= hi)
        return NBL_OK;
    if (a->ind && a->ind_ny > 0) {
        lo = a->ind_y0 < lo ? a->ind_y0 : lo;
        hi = a->ind_y0 + a->ind_ny - 1 > hi ? a->ind_y0 + a->ind_ny - 1 : hi;
        cells = (size_t)(hi - lo + 1) * (size_t)k;
    }
    t = malloc(cells * sizeof *t);
    if (!t)
        return NBL_ENOMEM;
    for (size_t c = 0; c < cells; c++)
        t[c] = NAN;
    for (int r = 0; a->ind && r < a->ind_ny; r++)
        memcpy(&t[(size_t)(a->ind_y0 - lo + r) * (size_t)k],
               &a->ind[(size_t)r * (size_t)k], (size_t)k * sizeof *t);
    free(a->ind);
    a->ind = t;
    a->ind_y0 = lo;
    a->ind_ny = hi - lo + 1;
    a->ind_k = k;
    return NBL_OK;
}

/* One criterion_results row (area_id, year, criterion, value, ratio,
 * status) into area a's table, as nbl__alerts_sd_value and the residents
 * read it: an indicator of that name takes the measure (NAN unless ok),
 * the residents column the size criterion's value where it has none.
 * 0, or -1 when SQLite could not make a column's text (out of memory). */
static int
merge_row(const nbl__sdconf *c, nbl__aarea *a, sqlite3_stmt *st)
{
    int oom = 0;
    const char *crit = nbl__db_column_text(st, 2, &oom);
    const char *status = nbl__db_column_text(st, 5, &oom);
    int row = sqlite3_column_int(st, 1) - a->ind_y0;
    double value = nbl__db_column_double(st, 3);
    double ratio = nbl__db_column_double(st, 4);
    double *cell;
    if (oom)
        return -1;
    if (!crit || row < 0 || row >= a->ind_ny)
        return 0;
    cell = &a->ind[(size_t)row * (size_t)a->ind_k];
    for (int j = 0; j < c->nind; j++)
        if (strcmp(c->ind[j].name, crit) == 0)
            cell[j] = !status || strcmp(status, "ok") != 0 ? NAN
                      : !isnan(ratio)                      ? ratio
                                                           : value;
    if (strcmp(crit, "size") == 0 && isnan(cell[c->nind]) && !isnan(value))
        cell[c->nind] = value;
    return 0;
}

int
nbl__store_sd_merge_criteria(nbl_ws *ws, const nbl__sdconf *c,
                             const char *ruleset, int ymin, int year,
                             nbl__aarea *areas, size_t n)
{
    sqlite3_stmt *st = NULL;
    nbl__buf sql = {0};
    size_t i = 0;
    int rc = NBL_OK, step = SQLITE_DONE;
    for (size_t a = 0; a < n && !rc; a++)
        if (widen_ind(&areas[a], c->nind + 1, ymin, year))
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (!rc &&
        nbl__buf_printf(&sql, "SELECT area_id, year, criterion, value, "
                              "ratio, status FROM criterion_results WHERE "
                              "ruleset = ? AND year <= ? AND criterion IN "
                              "('size'"))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (int j = 0; !rc && j < c->nind; j++)
        if (nbl__buf_printf(&sql, ",?"))
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (!rc && nbl__buf_printf(&sql, ") ORDER BY area_id"))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (!rc)
        rc = nbl__db_prepare(ws, &st, sql.s);
    nbl__buf_free(&sql);
    if (!rc)
        rc = nbl__db_bind_key(ws, st, 1, ruleset);
    if (!rc)
        sqlite3_bind_int(st, 2, year);
    for (int j = 0; !rc && j < c->nind; j++)
        rc = nbl__db_bind_key(ws, st, j + 3, c->ind[j].name);
    /* rows and areas both come in area_id order */
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        int oom = 0;
        const char *id = nbl__db_column_text(st, 0, &oom);
        while (id && i < n && strcmp(areas[i].area_id, id) < 0)
            i++;
        if (!oom && id && i < n && strcmp(areas[i].area_id, id) == 0)
            oom = merge_row(c, &areas[i], st) != 0;
        if (oom)
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    if (!rc && step != SQLITE_DONE)
        rc = nbl__db_error(ws, "reading criterion results");
    sqlite3_finalize(st);
    return rc;
}

/* Whether status_dynamics has the column col (a constant of ours) in
 * *has; a failed look-up is an error, never "no such column". */
static int
has_column(nbl_ws *ws, const char *col, long long *has)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT EXISTS (SELECT 1 FROM pragma_table_info("
             "'status_dynamics') WHERE name = '%s')",
             col);
    return nbl__db_int64(ws, sql, has);
}

int
nbl__store_sd_has_columns(nbl_ws *ws)
{
    long long has = 0;
    if (has_column(ws, "dynamics_st", &has))
        return -1;
    return has != 0;
}

/* Adds the columns of this version to an older workspace's table. */
static int
ensure_columns(nbl_ws *ws)
{
    static const char *const cols[] = {"sd_group", "status_st", "dynamics_st",
                                       "method"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        long long has = 0;
        int rc = has_column(ws, cols[i], &has);
        if (rc)
            return rc;
        if (!has) {
            char sql[128];
            snprintf(sql, sizeof sql,
                     "ALTER TABLE status_dynamics ADD COLUMN %s TEXT", cols[i]);
            if ((rc = nbl__db_exec(ws, sql)))
                return rc;
        }
    }
    return NBL_OK;
}

static int
bind_row(nbl_ws *ws, sqlite3_stmt *st, const char *area_id, int year,
         const char *rs, const nbl__asd *s, const char *method)
{
    char group[2 * NBL_SD_NAME + 2];
    int both = s->status_class[0] && s->dynamics_class[0];
    snprintf(group, sizeof group, "%s/%s", s->status_class, s->dynamics_class);
    sqlite3_reset(st);
    sqlite3_bind_int(st, 2, year);
    nbl__db_bind_double(st, 4, s->status);
    nbl__db_bind_double(st, 5, s->dynamics);
    if (nbl__db_bind_key(ws, st, 1, area_id) ||
        nbl__db_bind_key(ws, st, 3, rs) ||
        nbl__db_bind_key(ws, st, 6,
                         s->status_class[0] ? s->status_class : NULL) ||
        nbl__db_bind_key(ws, st, 7,
                         s->dynamics_class[0] ? s->dynamics_class : NULL) ||
        nbl__db_bind_key(ws, st, 8, both ? group : NULL) ||
        nbl__db_bind_key(ws, st, 9, nbl__sd_status_name(s->st)) ||
        nbl__db_bind_key(ws, st, 10, nbl__sd_status_name(s->dst)) ||
        nbl__db_bind_key(ws, st, 11, method))
        return NBL_ENOMEM;
    return NBL_OK;
}

int
nbl__store_sd_save(nbl_ws *ws, const char *ruleset, int year,
                   const nbl__aarea *areas, const nbl__asd *sd, size_t n,
                   const char *method, long *changed)
{
    sqlite3_stmt *st = NULL, *del = NULL;
    int rc = ensure_columns(ws);
    if (rc)
        return rc;
    rc = nbl__db_prepare(
        ws, &st,
        "INSERT INTO status_dynamics(area_id, year, ruleset, status_index, "
        "dynamics_index, status_class, dynamics_class, sd_group, status_st, "
        "dynamics_st, method) VALUES(?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(area_id, year, ruleset) DO UPDATE SET status_index = "
        "excluded.status_index, dynamics_index = excluded.dynamics_index, "
        "status_class = excluded.status_class, dynamics_class = "
        "excluded.dynamics_class, sd_group = excluded.sd_group, status_st = "
        "excluded.status_st, dynamics_st = excluded.dynamics_st, method = "
        "excluded.method WHERE NOT (status_index IS excluded.status_index AND "
        "dynamics_index IS excluded.dynamics_index AND status_class IS "
        "excluded.status_class AND dynamics_class IS excluded.dynamics_class "
        "AND sd_group IS excluded.sd_group AND status_st IS excluded.status_st "
        "AND dynamics_st IS excluded.dynamics_st AND method IS "
        "excluded.method)");
    if (rc)
        return rc;
    rc = nbl__db_prepare(ws, &del,
                         "DELETE FROM status_dynamics WHERE area_id = ? AND "
                         "year = ? AND ruleset = ?");
    for (size_t i = 0; !rc && sd && i < n; i++) {
        sqlite3_stmt *s = st;
        if (sd[i].st == NBL_SDS_MISSING) { /* no values: no row, and none
                                              left from an earlier run */
            s = del;
            sqlite3_reset(del);
            if (nbl__db_bind_key(ws, del, 1, areas[i].area_id) ||
                sqlite3_bind_int(del, 2, year) != SQLITE_OK ||
                nbl__db_bind_key(ws, del, 3, ruleset))
                rc = NBL_ENOMEM;
        } else
            rc = bind_row(ws, st, areas[i].area_id, year, ruleset, &sd[i],
                          method);
        if (!rc && sqlite3_step(s) != SQLITE_DONE)
            rc = nbl__db_error(ws, "storing status_dynamics");
        if (!rc)
            *changed += sqlite3_changes(ws->db);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(del);
    return rc;
}

/* The distinct classes of one column in the year, by their mean index. */
static int
classes_of(nbl_ws *ws, const char *cls, const char *idx, const char *ruleset,
           int year, char out[8][40], int *n)
{
    sqlite3_stmt *st = NULL;
    char sql[320];
    int rc, has = nbl__store_sd_has_columns(ws), oom = 0;
    *n = 0;
    if (has <= 0)
        return has < 0 ? NBL_EDB : NBL_OK;
    snprintf(sql, sizeof sql,
             "SELECT %s FROM status_dynamics WHERE ruleset = ?1 AND year = "
             "?2 AND %s IS NOT NULL GROUP BY %s ORDER BY AVG(%s), %s",
             cls, cls, cls, idx, cls);
    if ((rc = nbl__db_prepare(ws, &st, sql)))
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_bind_int(st, 2, year);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < 8) {
        const char *t = nbl__db_column_text(st, 0, &oom);
        snprintf(out[(*n)++], 40, "%s", t ? t : "");
    }
    rc = oom ? nbl__error(ws->ctx, NBL_ENOMEM, "out of memory")
         : rc == SQLITE_DONE || rc == SQLITE_ROW
             ? NBL_OK
             : nbl__db_error(ws, "reading status_dynamics");
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_sd_classes(nbl_ws *ws, const char *ruleset, int year,
                      char status[8][40], int *ns, char dynamics[8][40],
                      int *nd)
{
    int rc = classes_of(ws, "status_class", "status_index", ruleset, year,
                        status, ns);
    if (rc == NBL_OK)
        rc = classes_of(ws, "dynamics_class", "dynamics_index", ruleset, year,
                        dynamics, nd);
    return rc;
}
