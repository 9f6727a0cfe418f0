/*
 * store_compute.c - the store's part of `nabolag compute`: reads areas,
 * stats and refs (tables areas, stats, refs) into the dense tables of
 * nbl__compute_data, and writes criterion_results, category_results and
 * rulesets. Reading streams the rows once (store_statsread.c); memory is
 * areas x years x variables doubles. Results are written in the tables'
 * key order.
 */
#include "store/store_compute.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_statsread.h"
#include "util/util.h"

struct nbl__compute_writer {
    nbl_ws *ws;
    char *ruleset, *version;
    char now[32];
    sqlite3_stmt *ins_crit, *ins_cat;
};

static long
find_str(char **arr, size_t n, const char *key)
{
    return nbl__find_sorted(arr, n, key);
}

static int
var_index(const char *const *vars, int nvars, const char *v)
{
    for (int i = 0; i < nvars; i++)
        if (strcmp(vars[i], v) == 0)
            return i;
    return -1;
}

static double *
nan_table(size_t n)
{
    double *t = malloc((n ? n : 1) * sizeof *t);
    if (t)
        for (size_t i = 0; i < n; i++)
            t[i] = NAN;
    return t;
}

/* "variable IN (?,?,...)" bound from index `first`. */
static int
prepare_in(nbl_ws *ws, sqlite3_stmt **st, const char *head, int nvars,
           const char *tail, const char *const *vars, int first)
{
    nbl__buf b = {0};
    int rc;
    if (nbl__buf_printf(&b, "%s variable IN (", head))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (int i = 0; i < nvars; i++)
        if (nbl__buf_printf(&b, "%s?", i ? "," : "")) {
            nbl__buf_free(&b);
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        }
    if (nbl__buf_printf(&b, ")%s", tail)) {
        nbl__buf_free(&b);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(ws, st, b.s);
    nbl__buf_free(&b);
    if (rc)
        return rc;
    for (int i = 0; i < nvars; i++)
        if ((rc = nbl__db_bind_key(ws, *st, first + i, vars[i]))) {
            sqlite3_finalize(*st);
            *st = NULL;
            return rc;
        }
    return NBL_OK;
}

void
nbl__compute_data_free(nbl__compute_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nareas; i++)
        free(d->area_ids[i]);
    for (size_t i = 0; i < d->nregions; i++)
        free(d->region_codes[i]);
    free(d->area_ids);
    free(d->area_region);
    free(d->area);
    free(d->country_code);
    free(d->country);
    free(d->region_codes);
    free(d->region);
    free(d->data_years);
    memset(d, 0, sizeof *d);
}

static int
push_str(nbl_ws *ws, char ***arr, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        char **p;
        *cap = *cap ? *cap * 2 : 64;
        p = realloc(*arr, *cap * sizeof *p);
        if (!p)
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        *arr = p;
    }
    (*arr)[*n] = nbl__strdup(s ? s : "");
    if (!(*arr)[*n])
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    (*n)++;
    return NBL_OK;
}

static int
load_areas(nbl_ws *ws, nbl__compute_data *d)
{
    sqlite3_stmt *st;
    size_t cap = 0, rcap = 0;
    int rc =
        nbl__db_prepare(ws, &st, "SELECT area_id FROM areas ORDER BY area_id");
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (push_str(ws, &d->area_ids, &d->nareas, &cap,
                     (const char *)sqlite3_column_text(st, 0))) {
            sqlite3_finalize(st);
            return NBL_ENOMEM;
        }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return nbl__db_error(ws, "areas");
    /* ORDER BY uses SQLite's BINARY collation (memcmp), which is the order
     * strcmp gives; sort anyway so bsearch never depends on it. */
    if (d->nareas)
        qsort(d->area_ids, d->nareas, sizeof *d->area_ids, nbl__cmp_strp);
    rc = nbl__db_prepare(ws, &st,
                         "SELECT DISTINCT region FROM areas WHERE region IS "
                         "NOT NULL AND region <> '' ORDER BY region");
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (push_str(ws, &d->region_codes, &d->nregions, &rcap,
                     (const char *)sqlite3_column_text(st, 0))) {
            sqlite3_finalize(st);
            return NBL_ENOMEM;
        }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return nbl__db_error(ws, "areas");
    if (d->nregions)
        qsort(d->region_codes, d->nregions, sizeof *d->region_codes,
              nbl__cmp_strp);
    d->area_region = malloc((d->nareas ? d->nareas : 1) * sizeof(int));
    if (!d->area_region)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->nareas; i++)
        d->area_region[i] = -1;
    rc = nbl__db_prepare(ws, &st,
                         "SELECT area_id, region FROM areas WHERE region IS "
                         "NOT NULL AND region <> ''");
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long a = find_str(d->area_ids, d->nareas,
                          (const char *)sqlite3_column_text(st, 0));
        long r = find_str(d->region_codes, d->nregions,
                          (const char *)sqlite3_column_text(st, 1));
        if (a >= 0)
            d->area_region[a] = (int)r;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return nbl__db_error(ws, "areas");
    return NBL_OK;
}

/* Reads rows (key, year, variable, value) into table[key][year][variable];
 * keys not in the sorted array, years out of range and unknown variables
 * are skipped. Statistics (key: area) and regional references share it. */
static int
load_keyed(nbl_ws *ws, const char *head, const char *const *vars, int nvars,
           char **keys, size_t nkeys, const nbl__compute_data *d, double *table,
           const char *what)
{
    sqlite3_stmt *st;
    int rc = prepare_in(ws, &st, head, nvars, "", vars, 1);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long k =
            find_str(keys, nkeys, (const char *)sqlite3_column_text(st, 0));
        int y = sqlite3_column_int(st, 1) - d->first_year;
        int v =
            var_index(vars, nvars, (const char *)sqlite3_column_text(st, 2));
        if (k < 0 || v < 0 || y < 0 || y >= d->nyears)
            continue;
        table[((size_t)k * (size_t)d->nyears + (size_t)y) * (size_t)nvars +
              (size_t)v] = nbl__db_column_double(st, 3);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return nbl__db_error(ws, what);
    return NBL_OK;
}

/* d's data years: those of years [year0, year0 + nyears) marked in
 * valued[], and the span from the first to the last of them. */
static int
data_years(nbl_ws *ws, const unsigned char *valued, int year0, int nyears,
           nbl__compute_data *d)
{
    d->data_years = malloc((nyears > 0 ? (size_t)nyears : 1) * sizeof(int));
    if (!d->data_years)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (int y = 0; y < nyears; y++)
        if (valued[y])
            d->data_years[d->ndata_years++] = year0 + y;
    if (d->ndata_years) {
        d->first_year = d->data_years[0];
        d->nyears = d->data_years[d->ndata_years - 1] - d->first_year + 1;
    }
    return NBL_OK;
}

/* The criteria's table from one scan of stats: the years with a value of
 * one of the variables (data_years) and the values of the span from the
 * first to the last of them. */
static int
load_stats(nbl_ws *ws, const char *const *vars, int nvars, nbl__compute_data *d)
{
    nbl__stats_table t;
    int rc = nbl__store_stats_read(ws, d->area_ids, d->nareas, vars, nvars,
                                   nvars, 0, &t);
    if (rc)
        return rc;
    if ((rc = data_years(ws, t.valued, t.year0, t.nyears, d))) {
        nbl__stats_table_free(&t);
        return rc;
    }
    d->area = d->nyears > 0
                  ? nbl__stats_table_take(&t, d->first_year, d->nyears)
                  : nan_table(0);
    nbl__stats_table_free(&t);
    return d->area ? NBL_OK : nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
}

static int
load_country(nbl_ws *ws, const char *const *vars, int nvars,
             nbl__compute_data *d)
{
    sqlite3_stmt *st;
    nbl__buf codes = {0};
    int n = 0;
    int rc = nbl__db_prepare(ws, &st,
                             "SELECT DISTINCT code FROM refs WHERE scope = "
                             "'country' ORDER BY code");
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (n++ == 0) {
            d->country_code = nbl__strdup(c ? c : "");
            if (!d->country_code) {
                sqlite3_finalize(st);
                return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            }
        }
        nbl__buf_printf(&codes, "%s'%s'", n > 1 ? ", " : "", c ? c : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        nbl__buf_free(&codes);
        return nbl__db_error(ws, "refs");
    }
    if (n > 1) {
        rc = nbl__error(ws->ctx, NBL_EDATA,
                        "%s: refs: several country codes (%s); exactly one "
                        "country may exist",
                        ws->path, codes.s ? codes.s : "");
        nbl__buf_free(&codes);
        return rc;
    }
    nbl__buf_free(&codes);
    if (n == 0)
        return NBL_OK;
    d->country = nan_table((size_t)d->nyears * (size_t)nvars);
    if (!d->country)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    rc = prepare_in(ws, &st,
                    "SELECT year, variable, value FROM refs WHERE scope = "
                    "'country' AND",
                    nvars, "", vars, 1);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int y = sqlite3_column_int(st, 0) - d->first_year;
        int v =
            var_index(vars, nvars, (const char *)sqlite3_column_text(st, 1));
        if (v < 0 || y < 0 || y >= d->nyears)
            continue;
        d->country[(size_t)y * (size_t)nvars + (size_t)v] =
            nbl__db_column_double(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return nbl__db_error(ws, "refs");
    return NBL_OK;
}

static int
load_regions(nbl_ws *ws, const char *const *vars, int nvars,
             nbl__compute_data *d)
{
    d->region = nan_table(d->nregions * (size_t)d->nyears * (size_t)nvars);
    if (!d->region)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    return load_keyed(ws,
                      "SELECT code, year, variable, value FROM refs WHERE "
                      "scope = 'region' AND",
                      vars, nvars, d->region_codes, d->nregions, d, d->region,
                      "refs");
}

/* After the areas and statistics were read with result rc: the country's
 * and the regions' references for d's years (none when d has no years).
 * d is freed on failure. */
static int
with_refs(nbl_ws *ws, const char *const *vars, int nvars, int rc,
          nbl__compute_data *d)
{
    if (!rc && d->nyears > 0 && !(rc = load_country(ws, vars, nvars, d)))
        rc = load_regions(ws, vars, nvars, d);
    if (rc)
        nbl__compute_data_free(d);
    return rc;
}

/* Areas and regions from the profile's table (areas sorted by id). */
static int
areas_from_pdata(nbl_ws *ws, const nbl__pdata *p, nbl__compute_data *d)
{
    size_t cap = 0, rcap = 0;
    for (size_t a = 0; a < p->n_areas; a++)
        if (push_str(ws, &d->area_ids, &d->nareas, &cap, p->area_id[a]))
            return NBL_ENOMEM;
    for (size_t a = 0; a < p->n_areas; a++) {
        const char *r = p->region[a];
        if (r && *r && nbl__find_sorted(d->region_codes, d->nregions, r) < 0) {
            if (push_str(ws, &d->region_codes, &d->nregions, &rcap, r))
                return NBL_ENOMEM;
            qsort(d->region_codes, d->nregions, sizeof *d->region_codes,
                  nbl__cmp_strp);
        }
    }
    d->area_region = malloc((d->nareas ? d->nareas : 1) * sizeof(int));
    if (!d->area_region)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t a = 0; a < d->nareas; a++)
        d->area_region[a] = (int)nbl__find_sorted(
            d->region_codes, d->nregions, p->region[a] ? p->region[a] : "");
    return NBL_OK;
}

/* The years with a value (valued[] over p's years) and the table of their
 * span: the first nvars columns of p's. */
static int
stats_from_pdata(nbl_ws *ws, const nbl__pdata *p, const unsigned char *valued,
                 nbl__compute_data *d)
{
    size_t nv = (size_t)d->nvars, ny;
    int rc = data_years(ws, valued, p->year0, p->n_years, d);
    if (rc)
        return rc;
    ny = (size_t)d->nyears;
    if (!(d->area = nan_table(d->nareas * ny * nv)))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t a = 0; a < d->nareas; a++)
        for (size_t y = 0; y < ny; y++)
            memcpy(&d->area[(a * ny + y) * nv],
                   &p->v[(a * (size_t)p->n_years +
                          (size_t)(d->first_year - p->year0) + y) *
                         p->n_vars],
                   nv * sizeof *d->area);
    return NBL_OK;
}

int
nbl__store_compute_from_pdata(nbl_ws *ws, const nbl__pdata *p,
                              const unsigned char *valued,
                              const char *const *vars, int nvars,
                              nbl__compute_data *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    out->nvars = nvars;
    if (!(rc = areas_from_pdata(ws, p, out)))
        rc = stats_from_pdata(ws, p, valued, out);
    return with_refs(ws, vars, nvars, rc, out);
}

int
nbl__store_compute_load(nbl_ws *ws, const char *const *vars, int nvars,
                        nbl__compute_data *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    out->nvars = nvars;
    if (!(rc = load_areas(ws, out)))
        rc = load_stats(ws, vars, nvars, out);
    return with_refs(ws, vars, nvars, rc, out);
}

void
nbl__store_compute_writer_free(nbl__compute_writer *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->ins_crit);
    sqlite3_finalize(w->ins_cat);
    free(w->ruleset);
    free(w->version);
    free(w);
}

int
nbl__store_compute_writer_new(nbl_ws *ws, const char *ruleset,
                              const char *version, nbl__compute_writer **out)
{
    nbl__compute_writer *w = calloc(1, sizeof *w);
    int rc;
    *out = NULL;
    if (!w)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    w->ws = ws;
    w->ruleset = nbl__strdup(ruleset);
    w->version = nbl__strdup(version);
    nbl__now_iso(w->now);
    if (!w->ruleset || !w->version) {
        nbl__store_compute_writer_free(w);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    if ((rc = nbl__db_prepare(
             ws, &w->ins_crit,
             "INSERT INTO criterion_results (area_id, year, ruleset, "
             "criterion, value, ratio, status, met, met_low, threshold, "
             "threshold_low) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) ||
        (rc = nbl__db_prepare(
             ws, &w->ins_cat,
             "INSERT INTO category_results (area_id, year, ruleset, "
             "ruleset_version, category, criteria_met, "
             "criteria_not_evaluable, criteria_needed, criteria_met_low, "
             "parallel_years, omdannelse_years, computed_at) VALUES "
             "(?,?,?,?,?,?,?,?,?,?,?,?)"))) {
        nbl__store_compute_writer_free(w);
        return rc;
    }
    *out = w;
    return NBL_OK;
}

static int
step_reset(nbl__compute_writer *w, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? NBL_OK : nbl__db_error(w->ws, what);
}

/* Runs sql (?1 = w's ruleset) to its first row: 1 when it gave one, 0
 * when none, or a negative error code. */
static int
run_sql(nbl__compute_writer *w, const char *sql, const char *what)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(w->ws, &st, sql);
    if (rc)
        return rc;
    if (sqlite3_bind_parameter_count(st) > 0 &&
        (rc = nbl__db_bind_key(w->ws, st, 1, w->ruleset))) {
        sqlite3_finalize(st);
        return rc;
    }
    rc = sqlite3_step(st);
    rc = rc == SQLITE_ROW    ? 1
         : rc == SQLITE_DONE ? 0
                             : nbl__db_error(w->ws, what);
    sqlite3_finalize(st);
    return rc;
}

/* Deletes the rows of table whose ruleset is w's and whose year is one of
 * years[n]. When those are all its rows the table is emptied at once
 * (SQLite frees its pages instead of deleting row by row). */
static int
clear_table(nbl__compute_writer *w, const char *table, const int *years, int n)
{
    nbl__buf in = {0}, sql = {0};
    int rc;
    if (n <= 0)
        return NBL_OK;
    for (int k = 0; k < n; k++)
        nbl__buf_printf(&in, "%s%d", k ? "," : "", years[k]);
    if (in.failed || nbl__buf_printf(&sql,
                                     "SELECT 1 FROM %s WHERE NOT (ruleset = "
                                     "?1 AND year IN (%s)) LIMIT 1",
                                     table, in.s)) {
        rc = nbl__error(w->ws->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    rc = run_sql(w, sql.s, table);
    if (rc < 0)
        goto done;
    nbl__buf_free(&sql);
    if (rc ? nbl__buf_printf(&sql,
                             "DELETE FROM %s WHERE ruleset = ?1 AND year IN "
                             "(%s)",
                             table, in.s)
           : nbl__buf_printf(&sql, "DELETE FROM %s", table)) {
        rc = nbl__error(w->ws->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    rc = run_sql(w, sql.s, table);
done:
    nbl__buf_free(&in);
    nbl__buf_free(&sql);
    return rc;
}

int
nbl__store_compute_clear(nbl__compute_writer *w, const int *years, int n)
{
    int rc = clear_table(w, "criterion_results", years, n);
    return rc ? rc : clear_table(w, "category_results", years, n);
}

static void
bind_bool(sqlite3_stmt *st, int i, int v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int(st, i, v != 0);
}

int
nbl__store_compute_put_criterion(nbl__compute_writer *w, const char *area_id,
                                 int year, const char *criterion, double value,
                                 double ratio, const char *status, int met,
                                 int met_low, double threshold,
                                 double threshold_low)
{
    sqlite3_stmt *st = w->ins_crit;
    nbl__db_bind_kept(st, 1, area_id);
    sqlite3_bind_int(st, 2, year);
    nbl__db_bind_kept(st, 3, w->ruleset);
    nbl__db_bind_kept(st, 4, criterion);
    nbl__db_bind_double(st, 5, value);
    nbl__db_bind_double(st, 6, ratio);
    nbl__db_bind_kept(st, 7, status);
    bind_bool(st, 8, met);
    bind_bool(st, 9, met_low);
    nbl__db_bind_double(st, 10, threshold);
    nbl__db_bind_double(st, 11, threshold_low);
    return step_reset(w, st, "criterion_results");
}

int
nbl__store_compute_put_category(nbl__compute_writer *w, const char *area_id,
                                int year, const char *category,
                                int criteria_met, int criteria_not_evaluable,
                                int criteria_needed, int criteria_met_low,
                                int parallel_years, int omdannelse_years)
{
    sqlite3_stmt *st = w->ins_cat;
    nbl__db_bind_kept(st, 1, area_id);
    sqlite3_bind_int(st, 2, year);
    nbl__db_bind_kept(st, 3, w->ruleset);
    nbl__db_bind_kept(st, 4, w->version);
    nbl__db_bind_kept(st, 5, category);
    sqlite3_bind_int(st, 6, criteria_met);
    sqlite3_bind_int(st, 7, criteria_not_evaluable);
    sqlite3_bind_int(st, 8, criteria_needed);
    sqlite3_bind_int(st, 9, criteria_met_low);
    sqlite3_bind_int(st, 10, parallel_years);
    sqlite3_bind_int(st, 11, omdannelse_years);
    nbl__db_bind_kept(st, 12, w->now);
    return step_reset(w, st, "category_results");
}

int
nbl__store_compute_save_ruleset(nbl_ws *ws, const char *name,
                                const char *version, const char *definition)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = nbl__db_prepare(
        ws, &st,
        "INSERT INTO rulesets (name, version, definition, computed_at) "
        "VALUES (?,?,?,?) ON CONFLICT(name) DO UPDATE SET version = "
        "excluded.version, definition = excluded.definition, computed_at = "
        "excluded.computed_at");
    if (rc)
        return rc;
    nbl__now_iso(now);
    if (!(rc = nbl__db_bind_key(ws, st, 1, name)) &&
        !(rc = nbl__db_bind_key(ws, st, 2, version)) &&
        !(rc = nbl__db_bind_key(ws, st, 3, definition)) &&
        !(rc = nbl__db_bind_key(ws, st, 4, now)) &&
        sqlite3_step(st) != SQLITE_DONE)
        rc = nbl__db_error(ws, "rulesets");
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_compute_test_exec(nbl_ws *ws, const char *sql)
{
    return nbl__db_exec(ws, sql);
}

int
nbl__store_compute_test_query(nbl_ws *ws, const char *sql, char **out)
{
    sqlite3_stmt *st;
    nbl__buf b = {0};
    int rc = nbl__db_prepare(ws, &st, sql);
    *out = NULL;
    if (rc)
        return rc;
    nbl__buf_append(&b, "", 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            nbl__buf_printf(&b, "%s%s", i ? "|" : "", v ? v : "");
        }
        nbl__buf_append(&b, "\n", 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        nbl__buf_free(&b);
        return nbl__db_error(ws, "query");
    }
    *out = b.s;
    return NBL_OK;
}
