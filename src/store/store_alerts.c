/*
 * store_alerts.c - the alerts module's tables: reads criterion_results,
 * category_results (of one ruleset) and safety_results; writes alerts and
 * status_dynamics; reads areas for names and representative points.
 *
 * Invariant: the identity of an alert is (area_id, year, ruleset, kind,
 * rule). Saving a year updates a row only when something in it differs, so
 * evaluating the same results twice leaves the table as it was, with
 * created_at and delivered_at untouched.
 */
#include "store/store_alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_export.h"
#include "store/store_internal.h"
#include "util/util.h"

int
nbl__store_alerts_ruleset(nbl_ws *ws, const char *ruleset, char **out,
                          char **version)
{
    sqlite3_stmt *st = NULL;
    char *rs = NULL;
    int rc;
    *out = NULL;
    if (version)
        *version = NULL;
    if (ruleset) {
        rs = nbl__strdup(ruleset);
    } else {
        rc = nbl__store_meta_get(ws, "current_ruleset", &rs);
        if (rc)
            return rc;
        if (!rs) {
            rc = nbl__db_prepare(ws, &st,
                                 "SELECT DISTINCT ruleset FROM "
                                 "category_results LIMIT 2");
            if (rc)
                return rc;
            if (sqlite3_step(st) == SQLITE_ROW) {
                rs = nbl__db_column_strdup(st, 0, NULL);
                if (sqlite3_step(st) == SQLITE_ROW) {
                    free(rs);
                    sqlite3_finalize(st);
                    return nbl__error(ws->ctx, NBL_ENOTFOUND,
                                      "%s: several rulesets have results; "
                                      "choose one with --ruleset",
                                      ws->path);
                }
            }
            sqlite3_finalize(st);
            st = NULL;
        }
        if (!rs)
            return nbl__error(ws->ctx, NBL_ENOTFOUND,
                              "%s: no computed results (run 'nabolag "
                              "compute' first)",
                              ws->path);
    }
    if (!rs)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    if (version) {
        rc = nbl__db_prepare(ws, &st,
                             "SELECT ruleset_version FROM category_results "
                             "WHERE ruleset = ? ORDER BY year DESC, "
                             "computed_at DESC LIMIT 1");
        if (rc) {
            free(rs);
            return rc;
        }
        if ((rc = nbl__db_bind_key(ws, st, 1, rs))) {
            sqlite3_finalize(st);
            free(rs);
            return rc;
        }
        if (sqlite3_step(st) == SQLITE_ROW)
            *version = nbl__db_column_strdup(st, 0, NULL);
        sqlite3_finalize(st);
    }
    *out = rs;
    return NBL_OK;
}

int
nbl__store_alerts_latest_year(nbl_ws *ws, const char *ruleset, int *year)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(ws, &st,
                             "SELECT MAX(year) FROM category_results WHERE "
                             "ruleset = ?");
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        sqlite3_finalize(st);
        return rc;
    }
    if (sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        *year = sqlite3_column_int(st, 0);
    else
        rc = nbl__error(ws->ctx, NBL_ENOTFOUND,
                        "%s: no results for ruleset '%s' (run 'nabolag "
                        "compute' first)",
                        ws->path, ruleset);
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_alerts_has_year(nbl_ws *ws, const char *ruleset, int year, int *has)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st,
        "SELECT EXISTS(SELECT 1 FROM category_results WHERE ruleset = ?1 "
        "AND year = ?2) OR EXISTS(SELECT 1 FROM criterion_results WHERE "
        "ruleset = ?1 AND year = ?2)");
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_bind_int(st, 2, year);
    *has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return NBL_OK;
}

/* The areas with results of the ruleset up to the year (criterion,
 * category or safety), sorted by id, with their names, and the earliest
 * year of those results (*ymin, `year` when none). On failure *areas and
 * *n hold what was read, for the caller to free. */
static int
load_area_list(nbl_ws *ws, const char *ruleset, int year, nbl__aarea **areas,
               size_t *n, int *ymin)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc, s, oom = 0;
    *ymin = year;
    rc = nbl__db_prepare(
        ws, &st,
        "SELECT k.area_id, a.name, MIN(k.y) FROM (SELECT area_id, MIN(year) "
        "y FROM criterion_results WHERE ruleset = ?1 AND year <= ?2 GROUP BY "
        "area_id UNION ALL SELECT area_id, MIN(year) FROM category_results "
        "WHERE ruleset = ?1 AND year <= ?2 GROUP BY area_id UNION ALL SELECT "
        "area_id, MIN(year) FROM safety_results WHERE year <= ?2 GROUP BY "
        "area_id) k LEFT JOIN areas a ON a.area_id = k.area_id GROUP BY "
        "k.area_id ORDER BY k.area_id");
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_bind_int(st, 2, year);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            nbl__aarea *na = realloc(*areas, nc * sizeof *na);
            if (!na)
                goto nomem;
            *areas = na;
            cap = nc;
        }
        memset(&(*areas)[*n], 0, sizeof **areas);
        (*areas)[*n].area_id = nbl__db_column_strdup(st, 0, &oom);
        (*areas)[*n].name = nbl__db_column_strdup(st, 1, &oom);
        (*n)++;
        if (oom || !(*areas)[*n - 1].area_id)
            goto nomem;
        if (sqlite3_column_int(st, 2) < *ymin)
            *ymin = sqlite3_column_int(st, 2);
    }
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "reading results");
    sqlite3_finalize(st);
    return rc;
nomem:
    rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_alerts_areas(nbl_ws *ws, const char *ruleset, int year,
                        nbl__aarea **out, size_t *n_out, int *ymin)
{
    nbl__aarea *areas = NULL;
    size_t n = 0;
    int rc = load_area_list(ws, ruleset, year, &areas, &n, ymin);
    if (rc) {
        nbl__aareas_free(areas, n);
        areas = NULL;
        n = 0;
    }
    *out = areas;
    *n_out = n;
    return rc;
}

/* Copies column i's text into buf[size], cut to size - 1 bytes as
 * snprintf would ("" for NULL); *oom set when SQLite could not make the
 * text of a value that is not NULL. */
static void
copy_col(sqlite3_stmt *st, int i, char *buf, size_t size, int *oom)
{
    const char *t = nbl__db_column_text(st, i, oom);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

/* Adds one result row to its area; 0, or non-zero when out of memory (also
 * when SQLite could not make a column's text: the row is not dropped). */
typedef int (*add_row_fn)(nbl__aarea *a, sqlite3_stmt *st);

/* criterion_results: area_id, year, criterion, value, ratio, status, met,
 * met_low, threshold, threshold_low. */
static int
add_crit_row(nbl__aarea *a, sqlite3_stmt *st)
{
    nbl__acrit c;
    int oom = 0;
    const char *status = nbl__db_column_text(st, 5, &oom);
    memset(&c, 0, sizeof c);
    c.year = sqlite3_column_int(st, 1);
    copy_col(st, 2, c.criterion, sizeof c.criterion, &oom);
    c.value = nbl__db_column_double(st, 3);
    c.ratio = nbl__db_column_double(st, 4);
    c.ok = status && strcmp(status, "ok") == 0;
    c.met = nbl__db_column_bool(st, 6);
    c.met_low = nbl__db_column_bool(st, 7);
    c.threshold = nbl__db_column_double(st, 8);
    c.threshold_low = nbl__db_column_double(st, 9);
    return oom || nbl__aarea_add_crit(a, &c);
}

/* category_results: area_id, year, category, criteria_met,
 * criteria_needed, criteria_met_low, parallel_years, omdannelse_years
 * (NULL counts read as -1). */
static int
add_cat_row(nbl__aarea *a, sqlite3_stmt *st)
{
    nbl__acat c;
    int oom = 0;
    memset(&c, 0, sizeof c);
    c.year = sqlite3_column_int(st, 1);
    copy_col(st, 2, c.category, sizeof c.category, &oom);
    c.criteria_met = nbl__db_column_int_or(st, 3, -1);
    c.criteria_needed = nbl__db_column_int_or(st, 4, -1);
    c.criteria_met_low = nbl__db_column_int_or(st, 5, -1);
    c.parallel_years = nbl__db_column_int_or(st, 6, -1);
    c.omdannelse_years = nbl__db_column_int_or(st, 7, -1);
    return oom || nbl__aarea_add_cat(a, &c);
}

/* safety_results: area_id, year, safety_index, safety_band. */
static int
add_safety_row(nbl__aarea *a, sqlite3_stmt *st)
{
    nbl__asafety sf;
    int oom = 0;
    memset(&sf, 0, sizeof sf);
    sf.year = sqlite3_column_int(st, 1);
    sf.index = nbl__db_column_double(st, 2);
    copy_col(st, 3, sf.band, sizeof sf.band, &oom);
    return oom || nbl__aarea_add_safety(a, &sf);
}

/* The result tables the alert rules read, area_id first in each query,
 * in key order (their primary keys begin with area_id: no sort); the
 * safety index has no ruleset. */
static const struct {
    const char *sql;
    int by_ruleset;
    add_row_fn add;
} result_queries[NBL_ASTREAM_TABLES] = {
    {"SELECT area_id, year, criterion, value, ratio, status, met, met_low, "
     "threshold, threshold_low FROM criterion_results WHERE ruleset = ? AND "
     "year <= ? ORDER BY area_id",
     1, add_crit_row},
    {"SELECT area_id, year, category, criteria_met, criteria_needed, "
     "criteria_met_low, parallel_years, omdannelse_years FROM "
     "category_results WHERE ruleset = ? AND year <= ? ORDER BY area_id",
     1, add_cat_row},
    {"SELECT area_id, year, safety_index, safety_band FROM safety_results "
     "WHERE year <= ? ORDER BY area_id",
     0, add_safety_row},
};

/* Steps cursor t; 0, or an error when the step fails. */
static int
stream_step(nbl_ws *ws, nbl__astream *s, int t)
{
    int r = sqlite3_step(s->st[t]);
    s->row[t] = r == SQLITE_ROW;
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return nbl__db_error(ws, "reading results");
    return NBL_OK;
}

void
nbl__store_alerts_stream_close(nbl__astream *s)
{
    for (int t = 0; t < NBL_ASTREAM_TABLES; t++)
        sqlite3_finalize(s->st[t]);
    free(s->cur.crit);
    free(s->cur.cat);
    free(s->cur.saf);
    memset(s, 0, sizeof *s);
}

int
nbl__store_alerts_stream_open(nbl_ws *ws, const char *ruleset, int year,
                              nbl__astream *s)
{
    int rc = NBL_OK;
    memset(s, 0, sizeof *s);
    for (int t = 0; t < NBL_ASTREAM_TABLES && !rc; t++) {
        int by_rs = result_queries[t].by_ruleset;
        rc = nbl__db_prepare(ws, &s->st[t], result_queries[t].sql);
        if (!rc && by_rs)
            rc = nbl__db_bind_key(ws, s->st[t], 1, ruleset);
        if (!rc) {
            sqlite3_bind_int(s->st[t], by_rs ? 2 : 1, year);
            rc = stream_step(ws, s, t);
        }
    }
    if (rc)
        nbl__store_alerts_stream_close(s);
    return rc;
}

int
nbl__store_alerts_stream_next(nbl_ws *ws, nbl__astream *s, const char *area_id,
                              const char *name, nbl__aarea **out)
{
    int rc = NBL_OK;
    s->cur.area_id = (char *)area_id;
    s->cur.name = (char *)name;
    s->cur.n_crit = s->cur.n_cat = s->cur.n_saf = 0;
    for (int t = 0; t < NBL_ASTREAM_TABLES && !rc; t++) {
        while (!rc && s->row[t]) {
            int oom = 0;
            const char *id = nbl__db_column_text(s->st[t], 0, &oom);
            int c = id ? strcmp(id, area_id) : -1;
            if (oom) {
                rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
                break;
            }
            if (c > 0)
                break;
            /* an earlier area's row (not asked for) is passed over */
            if (c == 0 && result_queries[t].add(&s->cur, s->st[t]))
                rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            if (!rc)
                rc = stream_step(ws, s, t);
        }
    }
    *out = &s->cur;
    return rc;
}

struct keyrow {
    long long id;
    char *key;
};

static char *
alert_key(const char *area, const char *kind, const char *rule)
{
    nbl__buf b = {0};
    if (nbl__buf_printf(&b, "%s\x1f%s\x1f%s", area, kind, rule))
        return NULL;
    return b.s;
}

/* The alerts stored for the ruleset and year, as (alert_id, key). On
 * failure *old and *n_old hold what was read, for the caller to free. */
static int
load_old_keys(nbl_ws *ws, const char *ruleset, int year, struct keyrow **old,
              size_t *n_old)
{
    sqlite3_stmt *st;
    size_t cap_old = 0;
    int rc, s;
    rc = nbl__db_prepare(ws, &st,
                         "SELECT alert_id, area_id, kind, rule FROM alerts "
                         "WHERE ruleset = ? AND year = ?");
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_bind_int(st, 2, year);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n_old == cap_old) {
            size_t nc = cap_old ? 2 * cap_old : 32;
            struct keyrow *no = realloc(*old, nc * sizeof *no);
            if (!no)
                goto nomem;
            *old = no;
            cap_old = nc;
        }
        (*old)[*n_old].id = sqlite3_column_int64(st, 0);
        (*old)[*n_old].key =
            alert_key((const char *)sqlite3_column_text(st, 1),
                      (const char *)sqlite3_column_text(st, 2),
                      (const char *)sqlite3_column_text(st, 3));
        if (!(*old)[(*n_old)++].key)
            goto nomem;
    }
    rc = s == SQLITE_DONE ? NBL_OK : nbl__db_error(ws, "reading alerts");
    sqlite3_finalize(st);
    return rc;
nomem:
    rc = nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    sqlite3_finalize(st);
    return rc;
}

/* The keys of the new alerts, sorted, so stale rows are found in
 * O(n log n): alerts->n strings (at least one slot), NULL where not made
 * yet after a failure; the caller frees them. */
static int
new_keys(nbl_ws *ws, const nbl_alert_list *alerts, char ***out)
{
    char **keys = calloc(alerts->n ? alerts->n : 1, sizeof *keys);
    *out = keys;
    if (!keys)
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    for (size_t j = 0; j < alerts->n; j++) {
        const nbl_alert *a = &alerts->items[j];
        keys[j] = alert_key(a->area_id, a->kind, a->rule);
        if (!keys[j])
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    qsort(keys, alerts->n, sizeof *keys, nbl__cmp_strp);
    return NBL_OK;
}

/* Deletes the stored alerts whose key is not among the n sorted new ones;
 * adds the rows deleted to *ch. */
static int
delete_stale(nbl_ws *ws, const struct keyrow *old, size_t n_old, char **newkeys,
             size_t n, long *ch)
{
    sqlite3_stmt *del = NULL;
    int rc = NBL_OK;
    for (size_t i = 0; i < n_old; i++) {
        if (bsearch(&old[i].key, newkeys, n, sizeof *newkeys, nbl__cmp_strp))
            continue;
        if (!del && (rc = nbl__db_prepare(
                         ws, &del, "DELETE FROM alerts WHERE alert_id = ?")))
            break;
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, old[i].id);
        if (sqlite3_step(del) != SQLITE_DONE) {
            rc = nbl__db_error(ws, "deleting alerts");
            break;
        }
        (*ch)++;
    }
    sqlite3_finalize(del);
    return rc;
}

/* Inserts the new alerts, updating a row only when something in it
 * differs (created_at is `now` for new rows only); adds the rows changed
 * to *ch. */
static int
upsert_alerts(nbl_ws *ws, const char *ruleset, int year,
              const nbl_alert_list *alerts, const char *now, long *ch)
{
    sqlite3_stmt *st;
    int rc = nbl__db_prepare(
        ws, &st,
        "INSERT INTO alerts(area_id, year, ruleset, kind, rule, value, "
        "threshold, severity, message, state, first_year, created_at) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(area_id, year, "
        "ruleset, kind, rule) DO UPDATE SET value = excluded.value, "
        "threshold = excluded.threshold, severity = excluded.severity, "
        "message = excluded.message, state = excluded.state, first_year = "
        "excluded.first_year WHERE NOT (value IS excluded.value AND "
        "threshold IS excluded.threshold AND severity IS excluded.severity "
        "AND message IS excluded.message AND state IS excluded.state AND "
        "first_year IS excluded.first_year)");
    if (rc)
        return rc;
    /* the same in every row (sqlite3_reset keeps bindings) */
    sqlite3_bind_int(st, 2, year);
    if ((rc = nbl__db_bind_key(ws, st, 3, ruleset)) ||
        (rc = nbl__db_bind_key(ws, st, 12, now))) {
        sqlite3_finalize(st);
        return rc;
    }
    for (size_t j = 0; j < alerts->n; j++) {
        const nbl_alert *a = &alerts->items[j];
        sqlite3_reset(st);
        nbl__db_bind_double(st, 6, a->value);
        nbl__db_bind_double(st, 7, a->threshold);
        sqlite3_bind_int(st, 11, a->first_year);
        if ((rc = nbl__db_bind_key(ws, st, 1, a->area_id)) ||
            (rc = nbl__db_bind_key(ws, st, 4, a->kind)) ||
            (rc = nbl__db_bind_key(ws, st, 5, a->rule)) ||
            (rc = nbl__db_bind_key(ws, st, 8,
                                   nbl_alert_severity_name(a->severity))) ||
            (rc = nbl__db_bind_key(ws, st, 9, a->message)) ||
            (rc = nbl__db_bind_key(ws, st, 10, a->state)))
            break;
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = nbl__db_error(ws, "storing alerts");
            break;
        }
        *ch += sqlite3_changes(ws->db);
    }
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_alerts_save(nbl_ws *ws, const char *ruleset, int year,
                       const nbl_alert_list *alerts, long *changed)
{
    struct keyrow *old = NULL;
    char **newkeys = NULL;
    size_t n_old = 0;
    char now[32];
    int rc;
    long ch = 0;
    nbl__now_iso(now);

    rc = load_old_keys(ws, ruleset, year, &old, &n_old);
    if (rc == NBL_OK)
        rc = new_keys(ws, alerts, &newkeys);
    if (rc == NBL_OK)
        rc = delete_stale(ws, old, n_old, newkeys, alerts->n, &ch);
    if (rc == NBL_OK)
        rc = upsert_alerts(ws, ruleset, year, alerts, now, &ch);
    for (size_t i = 0; i < n_old; i++)
        free(old[i].key);
    free(old);
    for (size_t j = 0; newkeys && j < alerts->n; j++)
        free(newkeys[j]);
    free(newkeys);
    if (changed)
        *changed = ch;
    return rc;
}

/* The alert of a row of nbl__store_alerts_list's query (columns 0 to 12);
 * its strings are borrowed from the statement (nbl__alert_list_push
 * copies them). An unknown severity reads as info. */
static void
alert_from_row(sqlite3_stmt *st, nbl_alert *a)
{
    int sev;
    memset(a, 0, sizeof *a);
    a->alert_id = sqlite3_column_int64(st, 0);
    a->area_id = (char *)sqlite3_column_text(st, 1);
    a->area_name = (char *)sqlite3_column_text(st, 2);
    a->year = sqlite3_column_int(st, 3);
    snprintf(a->kind, sizeof a->kind, "%s", sqlite3_column_text(st, 4));
    snprintf(a->rule, sizeof a->rule, "%s", sqlite3_column_text(st, 5));
    a->value = nbl__db_column_double(st, 6);
    a->threshold = nbl__db_column_double(st, 7);
    sev = nbl__alert_severity_parse((const char *)sqlite3_column_text(st, 8));
    a->severity = sev < 0 ? NBL_SEV_INFO : (nbl_alert_severity)sev;
    snprintf(a->state, sizeof a->state, "%s", sqlite3_column_text(st, 9));
    a->first_year = nbl__db_column_int_or(st, 10, a->year);
    a->message = (char *)sqlite3_column_text(st, 11);
    a->delivered_at = (char *)sqlite3_column_text(st, 12);
}

int
nbl__store_alerts_list(nbl_ws *ws, const char *ruleset, int from, int to,
                       double **pop, double **denom, nbl_alert_list *out)
{
    sqlite3_stmt *st;
    nbl__buf sql = {0};
    size_t cap = 0, n0 = out->n;
    int rc, s;
    *pop = *denom = NULL;
    if (nbl__buf_printf(&sql, "SELECT al.alert_id, al.area_id, ar.name, "
                              "al.year, al.kind, al.rule, al.value, "
                              "al.threshold, al.severity, al.state, "
                              "al.first_year, al.message, al.delivered_at, ") ||
        nbl__xalert_disclosure_sql(&sql) ||
        nbl__buf_printf(
            &sql,
            " FROM alerts al LEFT JOIN areas ar ON ar.area_id = al.area_id "
            "WHERE al.ruleset = ? AND al.year BETWEEN ? AND ? ORDER BY "
            "COALESCE(ar.name, al.area_id), al.area_id, al.year DESC, CASE "
            "al.state WHEN 'new' THEN 0 WHEN 'ongoing' THEN 1 ELSE 2 END, "
            "CASE al.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 "
            "ELSE 2 END, al.kind, al.rule")) {
        nbl__buf_free(&sql);
        return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__db_prepare(ws, &st, sql.s);
    nbl__buf_free(&sql);
    if (rc)
        return rc;
    if ((rc = nbl__db_bind_key(ws, st, 1, ruleset))) {
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        nbl_alert a;
        alert_from_row(st, &a);
        if (out->n - n0 == cap) {
            size_t nc = cap ? 2 * cap : 64;
            double *p = realloc(*pop, nc * sizeof *p), *d;
            if (p)
                *pop = p;
            d = p ? realloc(*denom, nc * sizeof *d) : NULL;
            if (d)
                *denom = d;
            if (!p || !d) {
                sqlite3_finalize(st);
                return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            }
            cap = nc;
        }
        (*pop)[out->n - n0] = nbl__db_column_double(st, 13);
        (*denom)[out->n - n0] = nbl__db_column_double(st, 14);
        if (nbl__alert_list_push(out, &a)) {
            sqlite3_finalize(st);
            return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
        }
    }
    if (s != SQLITE_DONE)
        rc = nbl__db_error(ws, "reading alerts");
    sqlite3_finalize(st);
    return rc;
}

int
nbl__store_alerts_mark_delivered(nbl_ws *ws, const long long *ids, size_t n,
                                 const char *when)
{
    sqlite3_stmt *st;
    char now[32];
    int rc;
    if (!when) {
        nbl__now_iso(now);
        when = now;
    }
    rc = nbl__db_prepare(ws, &st,
                         "UPDATE alerts SET delivered_at = ? WHERE "
                         "alert_id = ? AND delivered_at IS NULL");
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 2, ids[i]);
        if ((rc = nbl__db_bind_key(ws, st, 1, when)))
            break;
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = nbl__db_error(ws, "marking alerts delivered");
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

void
nbl__store_points_free(nbl__apoints *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->ids[i]);
        free(p->geojson[i]);
    }
    free(p->ids);
    free(p->geojson);
    memset(p, 0, sizeof *p);
}

int
nbl__store_alerts_points(nbl_ws *ws, nbl__apoints *out)
{
    sqlite3_stmt *st;
    size_t cap = 0;
    int rc, s;
    memset(out, 0, sizeof *out);
    rc = nbl__db_prepare(
        ws, &st,
        "SELECT area_id, AsGeoJSON(ST_Transform(PointOnSurface(geom), "
        "4326), 6) FROM areas WHERE geom IS NOT NULL ORDER BY area_id");
    if (rc)
        return rc;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue;
        if (out->n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            char **a = realloc(out->ids, nc * sizeof *a);
            char **b = a ? realloc(out->geojson, nc * sizeof *b) : NULL;
            if (a)
                out->ids = a;
            if (!a || !b) {
                sqlite3_finalize(st);
                nbl__store_points_free(out);
                return nbl__error(ws->ctx, NBL_ENOMEM, "out of memory");
            }
            out->geojson = b;
            cap = nc;
        }
        out->ids[out->n] = nbl__db_column_strdup(st, 0, NULL);
        out->geojson[out->n] = nbl__db_column_strdup(st, 1, NULL);
        out->n++;
    }
    if (s != SQLITE_DONE)
        rc = nbl__db_error(ws, "area points");
    sqlite3_finalize(st);
    if (rc)
        nbl__store_points_free(out);
    return rc;
}
