/*
 * store_profile.c - the store's part of the area profile and safety index.
 * Reads: areas, stats (only the variables asked for), refs, incident_counts.
 * Writes (replacing a year, or all years): safety_results, profile_results,
 * profile_scores. Values are stored at full precision; NULL means missing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_compute.h"
#include "store/store_internal.h"
#include "store/store_profile.h"
#include "store/store_statsread.h"
#include "util/i18n.h"
#include "util/util.h"

int
nbl__store_profile_test_exec(nbl_ws *ws, const char *sql)
{
    return nbl__db_exec(ws, sql);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static long
area_index(const nbl__pdata *d, const char *id)
{
    return nbl__find_sorted(d->area_id, d->n_areas, id);
}

/* The areas as `SELECT area_id, municipality, region FROM areas ORDER BY
 * area_id` gives them, before the table is allocated. */
typedef struct arearows {
    size_t n, cap;
    char **id, **muni, **region;
} arearows;

static void
arearows_free(arearows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->id[i]);
        free(r->muni[i]);
        free(r->region[i]);
    }
    free(r->id);
    free(r->muni);
    free(r->region);
    memset(r, 0, sizeof *r);
}

static int
read_areas(nbl_ws *ws, arearows *r)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st,
                             "SELECT area_id, municipality, region FROM areas "
                             "ORDER BY area_id"),
        step = SQLITE_DONE, oom = 0;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        /* three arrays of one length: each grows from the same capacity
         * to the same one, which r->cap takes once all three have it */
        size_t ci = r->cap, cm = r->cap, cr = r->cap;
        if (nbl__grow((void **)&r->id, &ci, r->n + 1, sizeof *r->id) ||
            nbl__grow((void **)&r->muni, &cm, r->n + 1, sizeof *r->muni) ||
            nbl__grow((void **)&r->region, &cr, r->n + 1, sizeof *r->region)) {
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            break;
        }
        r->cap = cr;
        r->id[r->n] = nbl__db_column_strdup(st, 0, &oom);
        r->muni[r->n] = nbl__db_column_strdup(st, 1, &oom);
        r->region[r->n++] = nbl__db_column_strdup(st, 2, &oom);
        if (oom || !r->id[r->n - 1])
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    if (!rc && step != SQLITE_DONE)
        rc = nbl__db_error(ws, "areas");
    return rc;
}

/* The span of years of incident_counts (every row, of known areas or
 * not): *y0 > *y1 when it is empty; *n its rows (the same scan). */
static int
incident_span(nbl_ws *ws, long *y0, long *y1, size_t *n)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st, "SELECT min(year), max(year), count(*) FROM incident_counts");
    *y0 = 1;
    *y1 = 0;
    *n = 0;
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = nbl__db_error(ws, "incident_counts");
    else if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *y0 = (long)sqlite3_column_int64(st, 0);
        *y1 = (long)sqlite3_column_int64(st, 1);
        *n = (size_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Makes d for the years of the statistics t and of the incident counts
 * with t's values taken over (copied only when the incident counts reach
 * beyond the statistics' years) and room for every incident count, copies
 * the areas and marks has_year with
 * the years of the statistics; valued (may be NULL) receives t's valued
 * flags over d's years. */
static int
pdata_make(nbl_ws *ws, const char *const *vars, size_t n_vars,
           nbl__stats_table *t, arearows *ar, nbl__pdata *d,
           unsigned char **has_year, unsigned char **valued)
{
    long y0 = t->nyears ? t->year0 : 1,
         y1 = t->nyears ? t->year0 + t->nyears - 1 : 0;
    long i0, i1;
    size_t n_inc;
    double *v = NULL;
    int rc = incident_span(ws, &i0, &i1, &n_inc);
    if (rc)
        return rc;
    if (i0 <= i1 && (y0 > y1 || i0 < y0))
        y0 = i0;
    if (i0 <= i1 && (y0 > y1 || i1 > y1))
        y1 = i1;
    if (y0 > y1) /* no data at all */
        y0 = y1 = 0;
    if (t->nyears &&
        !(v = nbl__stats_table_take(t, (int)y0, (int)(y1 - y0 + 1))))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (nbl__pdata_alloc_take(d, ar->n, (int)y0, (int)(y1 - y0 + 1), vars,
                              n_vars, v) ||
        nbl__pdata_reserve_inc(d, n_inc)) /* sized once, not doubled */
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    *has_year = calloc((size_t)d->n_years, 1);
    if (valued)
        *valued = calloc((size_t)d->n_years, 1);
    if (!*has_year || (valued && !*valued))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (int y = 0; y < t->nyears; y++) {
        (*has_year)[t->year0 + y - d->year0] = t->any[y];
        if (valued)
            (*valued)[t->year0 + y - d->year0] = t->valued[y];
    }
    for (size_t a = 0; a < ar->n; a++)
        if (nbl__pdata_set_area(d, a, ar->id[a], ar->muni[a], ar->region[a]))
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

/* What the row handlers below fill. */
typedef struct pload {
    nbl__pdata *d;
    unsigned char *has_year; /* per year of d: any statistic or incident */
    long last;               /* the previous incident row's area, or -1 */
    long unknown;            /* incident rows of areas not in the workspace */
} pload;

/* Runs sql and hands each row to fn (which returns non-zero when out of
 * memory); the rows are read until the end or an error. */
static int
each_row(nbl_ws *ws, const char *sql,
         int (*fn)(nbl_ws *, sqlite3_stmt *, pload *), pload *L)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st, sql);
    while (!rc && sqlite3_step(st) == SQLITE_ROW)
        if (fn(ws, st, L))
            rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    sqlite3_finalize(st);
    return rc;
}

static int
ref_row(nbl_ws *ws, sqlite3_stmt *st, pload *L)
{
    (void)ws;
    return nbl__pdata_add_ref(L->d, col_text(st, 0), col_text(st, 1),
                              sqlite3_column_int(st, 2), col_text(st, 3),
                              nbl__db_column_double(st, 4));
}

/* Incident counts; rows of areas not in the workspace are counted in
 * L->unknown and the first is named in a warning. */
static int
incident_row(nbl_ws *ws, sqlite3_stmt *st, pload *L)
{
    nbl__pdata *d = L->d;
    const char *id = col_text(st, 0);
    long ai = L->last; /* the rows come area by area */
    int year = sqlite3_column_int(st, 1);
    if (ai < 0 || !id || strcmp(d->area_id[ai], id) != 0)
        ai = L->last = area_index(d, id);
    if (ai < 0) {
        if (L->unknown++ == 0)
            nbl__warn(ws->ctx,
                      "incident_counts: area '%s' is not in the "
                      "workspace; its incidents are ignored",
                      col_text(st, 0));
        return 0;
    }
    if (year >= d->year0 && year < d->year0 + d->n_years)
        L->has_year[year - d->year0] = 1;
    return nbl__pdata_add_inc(d, (size_t)ai, year, col_text(st, 2),
                              sqlite3_column_double(st, 3));
}

static int
load_inner(nbl_ws *ws, const char *const *vars, size_t n_vars, int nvalued,
           nbl__pdata *d, unsigned char **has_year, unsigned char **valued)
{
    pload L = {d, NULL, -1, 0};
    arearows ar = {0};
    nbl__stats_table t;
    int rc = read_areas(ws, &ar);
    memset(&t, 0, sizeof t);
    if (!rc)
        rc = nbl__store_stats_read(ws, ar.id, ar.n, vars, (int)n_vars, nvalued,
                                   1, &t);
    if (!rc)
        rc = pdata_make(ws, vars, n_vars, &t, &ar, d, has_year, valued);
    nbl__stats_table_free(&t);
    arearows_free(&ar);
    if (rc)
        return rc;
    L.has_year = *has_year;
    if ((rc =
             each_row(ws, "SELECT scope, code, year, variable, value FROM refs",
                      ref_row, &L)) ||
        (rc = each_row(ws,
                       "SELECT area_id, year, category, n FROM "
                       "incident_counts ORDER BY area_id, year, category",
                       incident_row, &L)))
        return rc;
    if (L.unknown > 1)
        nbl__warn(ws->ctx,
                  _n("incident_counts: %ld row for areas not in the "
                     "workspace ignored",
                     "incident_counts: %ld rows for areas not in the "
                     "workspace ignored",
                     (unsigned long)L.unknown),
                  L.unknown);
    if (nbl__pdata_index(d))
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    return NBL_OK;
}

int
nbl__store_profile_load_shared(nbl_ws *ws, const char *const *vars,
                               size_t n_vars, int nvalued, nbl__pdata *out,
                               unsigned char **has_year, unsigned char **valued)
{
    int rc;
    memset(out, 0, sizeof *out);
    *has_year = NULL;
    if (valued)
        *valued = NULL;
    rc = load_inner(ws, vars, n_vars, nvalued, out, has_year, valued);
    if (rc) {
        nbl__pdata_free(out);
        free(*has_year);
        *has_year = NULL;
        if (valued) {
            free(*valued);
            *valued = NULL;
        }
    }
    return rc;
}

int
nbl__store_profile_load(nbl_ws *ws, const char *const *vars, size_t n_vars,
                        nbl__pdata *out, unsigned char **has_year)
{
    return nbl__store_profile_load_shared(ws, vars, n_vars, 0, out, has_year,
                                          NULL);
}

static void
bind_int_or_null(sqlite3_stmt *st, int i, int v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int(st, i, v);
}

static int
step_done(nbl_ws *ws, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int
delete_year(nbl_ws *ws, int year)
{
    static const char *tables[3] = {"safety_results", "profile_results",
                                    "profile_scores"};
    int i, rc = NBL_OK;
    for (i = 0; i < 3 && !rc; i++) {
        sqlite3_stmt *st;
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM %s%s", tables[i],
                 year ? " WHERE year = ?" : "");
        if ((rc = nbl__db_prepare(ws, &st, sql)))
            break;
        if (year)
            sqlite3_bind_int(st, 1, year);
        rc = step_done(ws, st, tables[i]);
        sqlite3_finalize(st);
    }
    return rc;
}

/* The three insert statements and what every row of an area and year
 * shares. */
struct nbl__pwriter {
    nbl_ws *ws;
    sqlite3_stmt *ps, *pr, *sc;
    const nbl__pdata *d;
    const unsigned char *has_year;
    const nbl__profile_cfg *cfg;
    size_t *order; /* indicators in byte order of their names */
    int year;
    nbl_profile_summary *sum;
};
typedef nbl__pwriter pwriter;

static int
put_safety(pwriter *w, const char *id, int yr, const nbl__srow *s)
{
    sqlite3_stmt *ps = w->ps;
    int rc;
    nbl__db_bind_kept(ps, 1, id);
    sqlite3_bind_int(ps, 2, yr);
    nbl__db_bind_double(ps, 3, s->perceived);
    nbl__db_bind_double(ps, 4, s->problems);
    nbl__db_bind_double(ps, 5, s->registered);
    nbl__db_bind_double(ps, 6, s->index);
    nbl__db_bind_kept(
        ps, 7, s->band >= 0 ? w->cfg->safety.band_labels[s->band] : NULL);
    bind_int_or_null(ps, 8, s->flag_safe);
    bind_int_or_null(ps, 9, s->flag_night);
    if ((rc = step_done(w->ws, ps, "safety_results")))
        return rc;
    w->sum->safety_rows++;
    w->sum->safety_index += !isnan(s->index);
    return NBL_OK;
}

/* The profile rows (rows[n_ind], in indicator order) and the score of one
 * area and year. */
static int
put_profile(pwriter *w, const char *id, int yr, const nbl__prow *rows,
            const nbl__pscore *c)
{
    sqlite3_stmt *pr = w->pr, *sc = w->sc;
    int rc = NBL_OK;
    for (size_t k = 0; k < w->cfg->n_ind && !rc; k++) {
        const nbl__prow *r = &rows[w->order[k]];
        nbl__db_bind_kept(pr, 1, id);
        sqlite3_bind_int(pr, 2, yr);
        nbl__db_bind_kept(pr, 3, w->cfg->ind[w->order[k]].name);
        nbl__db_bind_double(pr, 4, r->value);
        nbl__db_bind_kept(pr, 5, nbl__status_name(r->status));
        nbl__db_bind_double(pr, 6, r->reference);
        nbl__db_bind_double(pr, 7, r->sd_distance);
        nbl__db_bind_double(pr, 8, r->change);
        bind_int_or_null(pr, 9, r->points);
        rc = step_done(w->ws, pr, "profile_results");
        w->sum->profile_rows++;
        w->sum->values_ok += r->status == NBL__ST_OK;
    }
    if (rc)
        return rc;
    nbl__db_bind_kept(sc, 1, id);
    sqlite3_bind_int(sc, 2, yr);
    bind_int_or_null(sc, 3, c->points);
    nbl__db_bind_kept(sc, 4, nbl__band_name(c->band));
    rc = step_done(w->ws, sc, "profile_scores");
    w->sum->scored += c->band >= 0;
    return rc;
}

static int
pwriter_open(pwriter *w)
{
    int rc;
    if ((rc = nbl__db_prepare(w->ws, &w->ps,
                              "INSERT INTO safety_results(area_id, year, "
                              "perceived, problems, registered, "
                              "safety_index, safety_band, flag_safe, "
                              "flag_night) VALUES(?,?,?,?,?,?,?,?,?)")) ||
        (rc = nbl__db_prepare(w->ws, &w->pr,
                              "INSERT INTO profile_results(area_id, year, "
                              "indicator, value, status, reference, "
                              "sd_distance, change, points) "
                              "VALUES(?,?,?,?,?,?,?,?,?)")))
        return rc;
    return nbl__db_prepare(w->ws, &w->sc,
                           "INSERT INTO profile_scores(area_id, year, "
                           "points, band) VALUES(?,?,?,?)");
}

/* Indicator indices sorted by name (byte order), malloc'ed. */
static size_t *
ind_order(const nbl__profile_cfg *cfg)
{
    size_t *o = malloc((cfg->n_ind ? cfg->n_ind : 1) * sizeof *o);
    for (size_t i = 0; o && i < cfg->n_ind; i++) {
        size_t j = i;
        for (; j > 0 && strcmp(cfg->ind[o[j - 1]].name, cfg->ind[i].name) > 0;
             j--)
            o[j] = o[j - 1];
        o[j] = i;
    }
    return o;
}

void
nbl__store_profile_writer_free(nbl__pwriter *w)
{
    if (!w)
        return;
    free(w->order);
    sqlite3_finalize(w->ps);
    sqlite3_finalize(w->pr);
    sqlite3_finalize(w->sc);
    free(w);
}

int
nbl__store_profile_writer_new(nbl_ws *ws, const nbl__pdata *d,
                              const unsigned char *has_year,
                              const nbl__profile_cfg *cfg, int year,
                              nbl_profile_summary *sum, nbl__pwriter **out)
{
    pwriter *w = calloc(1, sizeof *w);
    size_t *order = ind_order(cfg);
    int rc;
    *out = NULL;
    if (!w || !order) {
        free(w);
        free(order);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    *w = (pwriter){ws, NULL, NULL, NULL, d, has_year, cfg, order, year, sum};
    if ((rc = delete_year(ws, year)) || (rc = pwriter_open(w))) {
        nbl__store_profile_writer_free(w);
        return rc;
    }
    for (int y = 0; y < d->n_years; y++)
        sum->years += year ? d->year0 + y == year : has_year[y] != 0;
    *out = w;
    return NBL_OK;
}

/* Rows are written area by area, then year, then indicator name: the key
 * order of the three tables, so every insert appends. */
int
nbl__store_profile_writer_area(nbl__pwriter *w, size_t a, const nbl__prow *rows,
                               const nbl__pscore *scores,
                               const nbl__srow *srows)
{
    const nbl__pdata *d = w->d;
    size_t ni = w->cfg->n_ind;
    int rc = NBL_OK;
    for (int y = 0; y < d->n_years && !rc; y++) {
        int yr = d->year0 + y;
        if (w->year ? yr != w->year : !w->has_year[y])
            continue;
        if (srows[y].has_data &&
            (rc = put_safety(w, d->area_id[a], yr, &srows[y])))
            break;
        rc = put_profile(w, d->area_id[a], yr, &rows[(size_t)y * ni],
                         &scores[y]);
    }
    return rc;
}

int
nbl__store_profile_test_double(nbl_ws *ws, const char *sql, double *out)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st, sql);
    *out = NAN;
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = nbl__db_column_double(st, 0);
    else
        rc = NBL_ENOTFOUND;
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_profile_test_text(nbl_ws *ws, const char *sql, char **out)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st, sql);
    *out = NULL;
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = nbl__strdup(col_text(st, 0));
    else
        rc = NBL_ENOTFOUND;
    sqlite3_finalize(st);
    return rc;
}
