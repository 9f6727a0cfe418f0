/*
 * store_plans.c - plans, plan_areas and plan_targets, and the read-only
 * queries a plan comparison needs (areas, stats 'pop', criterion_results,
 * category_results, safety_results, profile_results).
 */
#include "store/store_plans.h"

#include <jansson.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_internal.h"
#include "util/i18n.h"
#include "util/util.h"

void
nbl__plan_rec_clear(nbl__plan_rec *r)
{
    free(r->plan_id);
    free(r->name);
    for (int i = 0; i < r->n_areas; i++)
        free(r->areas[i]);
    free(r->areas);
    free(r->shares);
    for (int i = 0; i < r->n_targets; i++)
        free(r->target_ind[i]);
    free(r->target_ind);
    free(r->target);
    free(r->where);
    memset(r, 0, sizeof *r);
}

/* 1 when the area is in the workspace, 0 when not, minus the error code
 * (reported) when the look-up failed. */
static int
area_exists(nbl_ws *ws, sqlite3_stmt *q, const char *id)
{
    int step;
    sqlite3_reset(q);
    if (nbl__db_bind_text(q, 1, id))
        return -nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        return 1;
    if (step == SQLITE_DONE)
        return 0;
    return -nbl__db_error(ws, "plan areas");
}

/* Hint for an unknown area id that differs only by leading zeros. */
static void
zero_hint(nbl_ws *ws, sqlite3_stmt *q, const char *id, char *hint, size_t n)
{
    const char *s = id;
    char alt[256];
    hint[0] = '\0';
    while (*s == '0' && s[1])
        s++;
    if (s != id && area_exists(ws, q, s) > 0) {
        snprintf(hint, n,
                 _(" (did you mean '%s'? area ids are compared exactly)"), s);
        return;
    }
    for (int pad = 1; pad <= 3; pad++) {
        snprintf(alt, sizeof alt, "%.*s%s", pad, "000", id);
        if (area_exists(ws, q, alt) > 0) {
            snprintf(hint, n,
                     _(" (did you mean '%s'? area ids are compared exactly)"),
                     alt);
            return;
        }
    }
}

static int
periods_overlap(int s1, int e1, int s2, int e2)
{
    return s1 <= e2 && s2 <= e1;
}

/* The statements of nbl__store_plans_write(). */
typedef struct plan_stmts {
    sqlite3_stmt *area, *other_periods, *del[3], *plan, *plan_area, *target;
} plan_stmts;

static void
plan_stmts_free(plan_stmts *st)
{
    sqlite3_finalize(st->area);
    sqlite3_finalize(st->other_periods);
    for (int d = 0; d < 3; d++)
        sqlite3_finalize(st->del[d]);
    sqlite3_finalize(st->plan);
    sqlite3_finalize(st->plan_area);
    sqlite3_finalize(st->target);
}

static int
plan_stmts_prepare(nbl_ws *ws, plan_stmts *st)
{
    int rc;
    memset(st, 0, sizeof *st);
    if ((rc = nbl__db_prepare(ws, &st->area,
                              "SELECT 1 FROM areas WHERE area_id = ?")) ||
        (rc = nbl__db_prepare(ws, &st->other_periods,
                              "SELECT start_year, end_year FROM plans WHERE "
                              "plan_id = ? AND start_year <> ?")) ||
        (rc = nbl__db_prepare(ws, &st->del[0],
                              "DELETE FROM plan_areas WHERE plan_id = ? AND "
                              "start_year = ?")) ||
        (rc = nbl__db_prepare(ws, &st->del[1],
                              "DELETE FROM plan_targets WHERE plan_id = ? "
                              "AND start_year = ?")) ||
        (rc = nbl__db_prepare(ws, &st->del[2],
                              "DELETE FROM plans WHERE plan_id = ? AND "
                              "start_year = ?")) ||
        (rc = nbl__db_prepare(ws, &st->plan,
                              "INSERT INTO plans(plan_id, name, start_year, "
                              "end_year, source) VALUES(?,?,?,?,?)")) ||
        (rc = nbl__db_prepare(ws, &st->plan_area,
                              "INSERT INTO plan_areas(plan_id, start_year, "
                              "area_id, share_inside) VALUES(?,?,?,?)")) ||
        (rc = nbl__db_prepare(ws, &st->target,
                              "INSERT INTO plan_targets(plan_id, start_year, "
                              "indicator, target) VALUES(?,?,?,?)")))
        plan_stmts_free(st);
    return rc;
}

/* Record i's period must not overlap another period of the same plan id,
 * earlier in the input or already in the workspace. */
static int
check_period(nbl_ws *ws, plan_stmts *st, const nbl__plan_rec *recs, int i)
{
    const nbl__plan_rec *r = &recs[i];
    int rc, step;
    for (int j = 0; j < i; j++) {
        if (strcmp(recs[j].plan_id, r->plan_id) == 0 &&
            periods_overlap(recs[j].start_year, recs[j].end_year, r->start_year,
                            r->end_year)) {
            /* the other record is in the same file: name its line
             * ("file:2") or feature ("file: feature 1") only */
            const char *other = strrchr(recs[j].where, ':');
            other = other ? other + 1 : recs[j].where;
            while (*other == ' ')
                other++;
            return nbl__error(ws->ctx, NBL_EDATA,
                              "%s: plan '%s': period %d-%d overlaps "
                              "%d-%d (%s%s)",
                              r->where, r->plan_id, r->start_year, r->end_year,
                              recs[j].start_year, recs[j].end_year,
                              *other >= '0' && *other <= '9' ? "line " : "",
                              other);
        }
    }
    sqlite3_reset(st->other_periods);
    if ((rc = nbl__db_bind_key(ws, st->other_periods, 1, r->plan_id)))
        return rc;
    sqlite3_bind_int(st->other_periods, 2, r->start_year);
    while ((step = sqlite3_step(st->other_periods)) == SQLITE_ROW) {
        int s = sqlite3_column_int(st->other_periods, 0);
        int e = sqlite3_column_int(st->other_periods, 1);
        if (periods_overlap(s, e, r->start_year, r->end_year))
            return nbl__error(ws->ctx, NBL_EDATA,
                              "%s: plan '%s': period %d-%d overlaps the "
                              "period %d-%d already in the workspace",
                              r->where, r->plan_id, r->start_year, r->end_year,
                              s, e);
    }
    if (step != SQLITE_DONE)
        return nbl__db_error(ws, "plan periods");
    return NBL_OK;
}

/* Every area of the record must be in the workspace. */
static int
check_plan_areas(nbl_ws *ws, plan_stmts *st, const nbl__plan_rec *r)
{
    char hint[320]; /* zero_hint: up to 255 id bytes + 50 */
    for (int k = 0; k < r->n_areas; k++) {
        int found = area_exists(ws, st->area, r->areas[k]);
        if (found < 0)
            return -found;
        if (!found) {
            zero_hint(ws, st->area, r->areas[k], hint, sizeof hint);
            return nbl__error(ws->ctx, NBL_EDATA,
                              "%s: column 'areas': unknown area id '%s'%s",
                              r->where, r->areas[k], hint);
        }
    }
    return NBL_OK;
}

/* Replaces the plan period of r: its row, its areas and its targets. */
static int
write_plan(nbl_ws *ws, plan_stmts *st, const nbl__plan_rec *r,
           const char *source)
{
    for (int d = 0; d < 3; d++) {
        sqlite3_reset(st->del[d]);
        sqlite3_bind_int(st->del[d], 2, r->start_year);
        int rc = nbl__db_bind_key(ws, st->del[d], 1, r->plan_id);
        if (rc)
            return rc;
        if (sqlite3_step(st->del[d]) != SQLITE_DONE)
            return nbl__db_error(ws, "plans");
    }
    sqlite3_reset(st->plan);
    sqlite3_bind_int(st->plan, 3, r->start_year);
    sqlite3_bind_int(st->plan, 4, r->end_year);
    if (nbl__db_bind_text(st->plan, 1, r->plan_id) ||
        nbl__db_bind_text(st->plan, 2, r->name) ||
        nbl__db_bind_source(st->plan, 5, source) != SQLITE_OK)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (sqlite3_step(st->plan) != SQLITE_DONE)
        return nbl__db_error(ws, "plans");
    for (int k = 0; k < r->n_areas; k++) {
        sqlite3_reset(st->plan_area);
        sqlite3_bind_int(st->plan_area, 2, r->start_year);
        nbl__db_bind_double(st->plan_area, 4, r->shares ? r->shares[k] : NAN);
        if (nbl__db_bind_text(st->plan_area, 1, r->plan_id) ||
            nbl__db_bind_text(st->plan_area, 3, r->areas[k]))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        if (sqlite3_step(st->plan_area) != SQLITE_DONE)
            return nbl__error(ws->ctx, NBL_EDATA,
                              "%s: column 'areas': area '%s' listed twice",
                              r->where, r->areas[k]);
    }
    for (int k = 0; k < r->n_targets; k++) {
        sqlite3_reset(st->target);
        sqlite3_bind_int(st->target, 2, r->start_year);
        sqlite3_bind_double(st->target, 4, r->target[k]);
        if (nbl__db_bind_text(st->target, 1, r->plan_id) ||
            nbl__db_bind_text(st->target, 3, r->target_ind[k]))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        if (sqlite3_step(st->target) != SQLITE_DONE)
            return nbl__db_error(ws, "plan targets");
    }
    return NBL_OK;
}

int
nbl__store_plans_write(nbl_ws *ws, const nbl__plan_rec *recs, int n,
                       const char *source)
{
    plan_stmts st;
    int rc = plan_stmts_prepare(ws, &st);
    if (rc)
        return rc;
    for (int i = 0; i < n && rc == NBL_OK; i++) {
        if (!(rc = check_period(ws, &st, recs, i)) &&
            !(rc = check_plan_areas(ws, &st, &recs[i])))
            rc = write_plan(ws, &st, &recs[i], source);
    }
    plan_stmts_free(&st);
    return rc;
}

int
nbl__store_plans_areas_in(nbl_ws *ws, const unsigned char *wkb, size_t wkb_len,
                          double min_share, char ***ids, double **shares,
                          int *n, long *partial)
{
    sqlite3_stmt *q;
    int rc, cap = 0;
    *ids = NULL;
    *shares = NULL;
    *n = 0;
    *partial = 0;
    rc = nbl__db_prepare(
        ws, &q,
        "WITH p AS (SELECT GeomFromWKB(?1, ?2) AS g) "
        "SELECT a.area_id, ST_Area(ST_Intersection(a.geom, p.g)) / "
        "ST_Area(a.geom) FROM areas a, p WHERE a.ROWID IN (SELECT ROWID FROM "
        "SpatialIndex WHERE f_table_name = 'areas' AND search_frame = p.g) "
        "AND ST_Intersects(a.geom, p.g) ORDER BY a.area_id");
    if (rc)
        return rc;
    sqlite3_bind_blob(q, 1, wkb, (int)wkb_len, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, ws->srid);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        double share = sqlite3_column_double(q, 1);
        /* "at least half inside": compare with a tolerance for the
         * floating-point area of an exact half */
        if (share + 1e-9 < min_share) {
            if (share > 1e-9)
                (*partial)++;
            continue;
        }
        if (*n == cap) {
            int ncap = cap ? cap * 2 : 16;
            char **ni = realloc(*ids, (size_t)ncap * sizeof *ni);
            double *ns;
            if (!ni)
                goto oom;
            *ids = ni;
            ns = realloc(*shares, (size_t)ncap * sizeof *ns);
            if (!ns)
                goto oom;
            *shares = ns;
            cap = ncap;
        }
        (*ids)[*n] = nbl__strdup((const char *)sqlite3_column_text(q, 0));
        (*shares)[*n] = share > 1.0 ? 1.0 : share;
        (*n)++;
    }
    rc = rc == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "plan polygon");
    sqlite3_finalize(q);
    return rc;
oom:
    sqlite3_finalize(q);
    return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
}

static int
find_area(const nbl__plans_data *d, const char *id)
{
    /* areas are loaded sorted by id */
    return (int)nbl__find_sorted(d->area_id, (size_t)d->n_areas, id);
}

/* The text of a key column (NOT NULL in the schema): NULL only when
 * SQLite could not allocate its copy, which must not read as a row of
 * no area (the row would be left out and nothing said). */
static const char *
key_text(nbl_ws *ws, sqlite3_stmt *q, int col)
{
    const char *t = (const char *)sqlite3_column_text(q, col);
    if (!t)
        nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    return t;
}

static int
step_rows(nbl_ws *ws, sqlite3_stmt *q, nbl__plans_data *d, int n_ind, int ind,
          int kind)
{
    int s;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = key_text(ws, q, 0);
        int a, y = sqlite3_column_int(q, 1) - d->first_year;
        size_t cell;
        if (!id)
            return NBL_ENOMEM;
        a = find_area(d, id);
        if (a < 0 || y < 0 || y >= d->n_years)
            continue;
        cell = (size_t)a * (size_t)d->n_years + (size_t)y;
        if (kind == 0)
            d->pop[cell] = nbl__db_column_double(q, 2);
        else if (kind == 1)
            d->values[cell * (size_t)n_ind + (size_t)ind] =
                nbl__db_column_double(q, 2);
        else if (sqlite3_column_text(q, 2) &&
                 !(d->category[cell] =
                       nbl__strdup((const char *)sqlite3_column_text(q, 2))))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    return s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "plans data");
}

static int
load_series(nbl_ws *ws, nbl__plans_data *d, const char *sql, const char *bind1,
            const char *bind2, int n_ind, int ind, int kind)
{
    sqlite3_stmt *q;
    int rc = nbl__db_prepare(ws, &q, sql);
    if (rc)
        return rc;
    /* a failed bind (out of memory) would select nothing: an error */
    if ((bind1 && nbl__db_bind_text(q, 1, bind1) != SQLITE_OK) ||
        (bind2 && nbl__db_bind_text(q, 2, bind2) != SQLITE_OK))
        rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    else
        rc = step_rows(ws, q, d, n_ind, ind, kind);
    sqlite3_finalize(q);
    return rc;
}

int
nbl__store_plans_any(nbl_ws *ws, int *any)
{
    long long v;
    int rc = nbl__db_int64(ws, "SELECT EXISTS (SELECT 1 FROM plans)", &v);
    *any = v != 0;
    return rc;
}

int
nbl__store_plans_has_safety(nbl_ws *ws, int *found)
{
    long long v;
    int rc = nbl__db_int64(ws,
                           "SELECT EXISTS (SELECT 1 FROM safety_results "
                           "WHERE safety_index IS NOT NULL)",
                           &v);
    *found = v != 0;
    return rc;
}

/* The ruleset to load: the given one, else meta current_ruleset
 * (malloc'ed into *out). */
static int
plans_ruleset(nbl_ws *ws, const char *ruleset, char **out)
{
    int rc;
    *out = NULL;
    if (ruleset)
        *out = nbl__strdup(ruleset);
    else if ((rc = nbl__store_meta_get(ws, "current_ruleset", out)))
        return rc;
    if (!*out)
        return nbl__error(ws->ctx, NBL_ENOTFOUND,
                          "%s: nothing computed yet (run 'nabolag compute' "
                          "first)",
                          ws->path);
    return NBL_OK;
}

/* The span of years (statistics, results, plan baselines), the last year
 * with results and the ruleset version. */
static int
plans_years(nbl_ws *ws, nbl__plans_data *d)
{
    sqlite3_stmt *q;
    int rc = nbl__db_prepare(ws, &q,
                             "SELECT MIN(y), MAX(y), (SELECT MAX(year) FROM "
                             "category_results WHERE ruleset = ?1), (SELECT "
                             "ruleset_version FROM category_results WHERE "
                             "ruleset = ?1 LIMIT 1) FROM (SELECT year AS y "
                             "FROM stats UNION SELECT year FROM "
                             "category_results WHERE ruleset = ?1 UNION "
                             "SELECT start_year - 1 FROM plans)");
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, q, 1, d->ruleset))) {
        sqlite3_finalize(q);
        return rc;
    }
    if (sqlite3_step(q) != SQLITE_ROW ||
        sqlite3_column_type(q, 2) == SQLITE_NULL) {
        sqlite3_finalize(q);
        return nbl__error(ws->ctx, NBL_ENOTFOUND,
                          "%s: no results for ruleset '%s' (run 'nabolag "
                          "compute' first)",
                          ws->path, d->ruleset);
    }
    d->first_year = sqlite3_column_int(q, 0);
    d->n_years = sqlite3_column_int(q, 1) - d->first_year + 1;
    d->last_year = sqlite3_column_int(q, 2);
    if (sqlite3_column_text(q, 3))
        d->ruleset_version =
            nbl__strdup((const char *)sqlite3_column_text(q, 3));
    sqlite3_finalize(q);
    return NBL_OK;
}

/* SELECT COUNT(*) ... as an int. */
static int
count_rows(nbl_ws *ws, const char *sql, int *out)
{
    long long v;
    int rc = nbl__db_int64(ws, sql, &v);
    *out = (int)v;
    return rc;
}

/* The areas sorted by id, and the area-by-year arrays set to missing. */
static int
plans_areas(nbl_ws *ws, nbl__plans_data *d, int n_ind)
{
    sqlite3_stmt *q;
    size_t cells;
    int rc = count_rows(ws, "SELECT COUNT(*) FROM areas", &d->n_areas);
    if (rc)
        return rc;
    cells = (size_t)d->n_areas * (size_t)d->n_years;
    d->area_id = calloc((size_t)d->n_areas + 1, sizeof(char *));
    d->name = calloc((size_t)d->n_areas + 1, sizeof(char *));
    d->municipality = calloc((size_t)d->n_areas + 1, sizeof(char *));
    d->pop = malloc((cells + 1) * sizeof(double));
    d->values = malloc((cells * (size_t)n_ind + 1) * sizeof(double));
    d->category = calloc(cells + 1, sizeof(char *));
    if (!d->area_id || !d->name || !d->municipality || !d->pop || !d->values ||
        !d->category)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < cells; i++)
        d->pop[i] = NAN;
    for (size_t i = 0; i < cells * (size_t)n_ind; i++)
        d->values[i] = NAN;
    if ((rc = nbl__db_prepare(ws, &q,
                              "SELECT area_id, name, municipality FROM areas "
                              "ORDER BY area_id")))
        return rc;
    for (int i = 0; rc == NBL_OK && i < d->n_areas; i++) {
        int oom = 0;
        if (sqlite3_step(q) != SQLITE_ROW) {
            rc = nbl__db_error(ws, "plans areas");
            break;
        }
        d->area_id[i] = nbl__strdup((const char *)sqlite3_column_text(q, 0));
        d->name[i] = nbl__db_column_strdup(q, 1, &oom);
        d->municipality[i] = nbl__db_column_strdup(q, 2, &oom);
        /* a failed copy is an error, never an area without its id */
        if (!d->area_id[i] || oom)
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    sqlite3_finalize(q);
    return rc;
}

/* Residents, categories and each indicator's values by area and year. */
static int
plans_values(nbl_ws *ws, nbl__plans_data *d, const char *const *ind, int n_ind)
{
    int rc;
    if ((rc = load_series(ws, d,
                          "SELECT area_id, year, value FROM stats WHERE "
                          "variable = 'pop'",
                          NULL, NULL, n_ind, 0, 0)) ||
        (rc = load_series(ws, d,
                          "SELECT area_id, year, category FROM "
                          "category_results WHERE ruleset = ?1",
                          d->ruleset, NULL, n_ind, 0, 2)))
        return rc;
    for (int i = 0; i < n_ind; i++) {
        char key[64];
        const char *sql;
        snprintf(key, sizeof key, "|%s|", ind[i]);
        if (strcmp(ind[i], "safety_index") == 0)
            sql = "SELECT area_id, year, safety_index FROM safety_results "
                  "WHERE ?1 IS NOT NULL AND ?2 IS NOT NULL";
        else if (strcmp(ind[i], "cri_ratio") == 0)
            sql = "SELECT area_id, year, ratio FROM criterion_results WHERE "
                  "ruleset = ?1 AND criterion = 'cri' AND ?2 IS NOT NULL";
        else if (strstr("|lab|cri|edu|inc|eth|size|", key))
            sql = "SELECT area_id, year, value FROM criterion_results "
                  "WHERE ruleset = ?1 AND criterion = ?2";
        else
            sql = "SELECT area_id, year, value FROM profile_results "
                  "WHERE ?1 IS NOT NULL AND indicator = ?2";
        if ((rc = load_series(ws, d, sql, d->ruleset, ind[i], n_ind, i, 1)))
            return rc;
    }
    return NBL_OK;
}

/* The plans (sorted by id and start) with room for their areas; targets
 * set to none. */
static int
plans_list(nbl_ws *ws, nbl__plans_data *d, int n_ind)
{
    sqlite3_stmt *q;
    int rc = count_rows(ws, "SELECT COUNT(*) FROM plans", &d->n_plans);
    if (rc)
        return rc;
    d->plan_id = calloc((size_t)d->n_plans + 1, sizeof(char *));
    d->plan_name = calloc((size_t)d->n_plans + 1, sizeof(char *));
    d->start_year = calloc((size_t)d->n_plans + 1, sizeof(int));
    d->end_year = calloc((size_t)d->n_plans + 1, sizeof(int));
    d->plan_areas = calloc((size_t)d->n_plans + 1, sizeof(int *));
    d->plan_n_areas = calloc((size_t)d->n_plans + 1, sizeof(int));
    d->targets =
        malloc(((size_t)d->n_plans * (size_t)n_ind + 1) * sizeof(double));
    if (!d->plan_id || !d->plan_name || !d->start_year || !d->end_year ||
        !d->plan_areas || !d->plan_n_areas || !d->targets)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < (size_t)d->n_plans * (size_t)n_ind; i++)
        d->targets[i] = NAN;
    if ((rc = nbl__db_prepare(ws, &q,
                              "SELECT plan_id, name, start_year, end_year, "
                              "(SELECT COUNT(*) FROM plan_areas pa WHERE "
                              "pa.plan_id = p.plan_id AND pa.start_year = "
                              "p.start_year) FROM plans p ORDER BY plan_id, "
                              "start_year")))
        return rc;
    for (int i = 0; i < d->n_plans; i++) {
        int oom = 0;
        if (sqlite3_step(q) != SQLITE_ROW) {
            sqlite3_finalize(q);
            return nbl__db_error(ws, "plans");
        }
        d->plan_id[i] = nbl__strdup((const char *)sqlite3_column_text(q, 0));
        d->plan_name[i] = nbl__db_column_strdup(q, 1, &oom);
        d->start_year[i] = sqlite3_column_int(q, 2);
        d->end_year[i] = sqlite3_column_int(q, 3);
        d->plan_areas[i] =
            calloc((size_t)sqlite3_column_int(q, 4) + 1, sizeof(int));
        if (!d->plan_areas[i] || !d->plan_id[i] || oom) {
            sqlite3_finalize(q);
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        }
    }
    sqlite3_finalize(q);
    return NBL_OK;
}

/* Each plan's areas (indices into d->area_id) and its targets. */
static int
plans_members(nbl_ws *ws, nbl__plans_data *d, const char *const *ind, int n_ind)
{
    sqlite3_stmt *qa, *qt;
    int rc;
    if ((rc = nbl__db_prepare(ws, &qa,
                              "SELECT area_id FROM plan_areas WHERE plan_id "
                              "= ? AND start_year = ? ORDER BY area_id")))
        return rc;
    if ((rc = nbl__db_prepare(ws, &qt,
                              "SELECT indicator, target FROM plan_targets "
                              "WHERE plan_id = ? AND start_year = ?"))) {
        sqlite3_finalize(qa);
        return rc;
    }
    for (int i = 0; i < d->n_plans; i++) {
        sqlite3_reset(qa);
        sqlite3_reset(qt);
        sqlite3_bind_int(qa, 2, d->start_year[i]);
        sqlite3_bind_int(qt, 2, d->start_year[i]);
        if (nbl__db_bind_text(qa, 1, d->plan_id[i]) ||
            nbl__db_bind_text(qt, 1, d->plan_id[i])) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
        int s;
        while ((s = sqlite3_step(qa)) == SQLITE_ROW) {
            const char *id = key_text(ws, qa, 0);
            int a = id ? find_area(d, id) : -1;
            if (!id)
                break;
            if (a >= 0)
                d->plan_areas[i][d->plan_n_areas[i]++] = a;
        }
        if (s == SQLITE_ROW) {
            rc = NBL_ENOMEM;
            break;
        }
        if (s != SQLITE_DONE) {
            rc = nbl__db_error(ws, "plan areas");
            break;
        }
        while ((s = sqlite3_step(qt)) == SQLITE_ROW) {
            const char *name = key_text(ws, qt, 0);
            if (!name)
                break;
            for (int k = 0; k < n_ind; k++)
                if (strcmp(name, ind[k]) == 0)
                    d->targets[(size_t)i * (size_t)n_ind + (size_t)k] =
                        sqlite3_column_double(qt, 1);
        }
        if (s == SQLITE_ROW) {
            rc = NBL_ENOMEM;
            break;
        }
        if (s != SQLITE_DONE) {
            rc = nbl__db_error(ws, "plan targets");
            break;
        }
    }
    sqlite3_finalize(qa);
    sqlite3_finalize(qt);
    return rc;
}

int
nbl__store_plans_load(nbl_ws *ws, const char *ruleset, const char *const *ind,
                      int n_ind, nbl__plans_data *d)
{
    int rc;
    memset(d, 0, sizeof *d);
    if ((rc = plans_ruleset(ws, ruleset, &d->ruleset)))
        return rc;
    if ((rc = plans_years(ws, d)) || (rc = plans_areas(ws, d, n_ind)) ||
        (rc = plans_values(ws, d, ind, n_ind)) ||
        (rc = plans_list(ws, d, n_ind)) ||
        (rc = plans_members(ws, d, ind, n_ind)))
        nbl__plans_data_free(d);
    return rc;
}

void
nbl__plans_data_free(nbl__plans_data *d)
{
    size_t cells = (size_t)d->n_areas * (size_t)d->n_years;
    for (int i = 0; d->area_id && i < d->n_areas; i++) {
        free(d->area_id[i]);
        free(d->name ? d->name[i] : NULL);
        free(d->municipality ? d->municipality[i] : NULL);
    }
    free(d->area_id);
    free(d->name);
    free(d->municipality);
    free(d->pop);
    free(d->values);
    for (size_t i = 0; d->category && i < cells; i++)
        free(d->category[i]);
    free(d->category);
    for (int i = 0; d->plan_id && i < d->n_plans; i++) {
        free(d->plan_id[i]);
        free(d->plan_name ? d->plan_name[i] : NULL);
        free(d->plan_areas ? d->plan_areas[i] : NULL);
    }
    free(d->plan_id);
    free(d->plan_name);
    free(d->start_year);
    free(d->end_year);
    free(d->plan_areas);
    free(d->plan_n_areas);
    free(d->targets);
    free(d->ruleset);
    free(d->ruleset_version);
    memset(d, 0, sizeof *d);
}

int
nbl__store_plans_union_geojson(nbl_ws *ws, char *const *area_ids, int n,
                               char **out)
{
    sqlite3_stmt *q;
    char *ids_json;
    int rc;
    *out = NULL;
    /* ids are bound through a JSON array to avoid building SQL text */
    {
        json_t *arr = json_array();
        int failed = !arr;
        for (int i = 0; i < n && !failed; i++)
            failed = json_array_append_new(arr, json_string(area_ids[i])) != 0;
        ids_json = failed ? NULL : json_dumps(arr, JSON_COMPACT);
        json_decref(arr);
        if (!ids_json)
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(
        ws, &q,
        "SELECT AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(ST_Union(geom), "
        "4326)), 6) FROM areas WHERE area_id IN (SELECT value FROM "
        "json_each(?1))");
    if (rc) {
        free(ids_json);
        return rc;
    }
    if (!(rc = nbl__db_bind_key(ws, q, 1, ids_json))) {
        int step = sqlite3_step(q);
        const char *g =
            step == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
        if (g && !(*out = nbl__strdup(g)))
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        else if (step != SQLITE_ROW && step != SQLITE_DONE)
            rc = nbl__db_error(ws, "plan geometry");
    }
    sqlite3_finalize(q);
    free(ids_json);
    return rc;
}
