/*
 * import_incidents.c - `import incidents`: streams points from a CSV file
 * (libcsv, the fast path) or any GDAL vector source, reprojects them to the
 * working CRS with PROJ in batches, locates each in the in-memory area index
 * (pip.c) and accumulates counts per (area, year, category) in a hash map
 * whose size depends on areas x years x categories, never on the number of
 * points (constant memory). At the end one transaction replaces the counts
 * of every (year, category) present in the input (store_incidents.c).
 *
 * Invariant: every point read is counted exactly once in the summary, as
 * assigned, outside, no_date or no_coords.
 * This file: the areas, the counts written, the summary; the sources are
 * read in import_incidents_read.c, the points located and counted in
 * import_incidents_count.c (import_incidents_internal.h).
 */
#include "nabolag/incidents.h"

#include <proj.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/import_incidents_internal.h"
#include "model/pip.h"
#include "store/store.h"
#include "store/store_incidents.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

/* ---- areas, writing, summary ------------------------------------------- */

static int
add_area(const char *area_id, const unsigned char *wkb, size_t len, void *arg)
{
    imp *m = arg;
    long a;
    if (nbl__grow((void **)&m->area_ids, &m->cap_areas, m->n_areas + 1,
                  sizeof *m->area_ids) ||
        !(m->area_ids[m->n_areas] = nbl__strdup(area_id)))
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    m->n_areas++;
    /* a NULL or unusable wkb begins an empty area: indices stay aligned */
    a = nbl__pip_add_wkb(m->pip, wkb, len);
    if (a == NBL__PIP_NOMEM)
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    if (a < 0) {
        m->bad_areas++;
        nbl__warn(m->ctx,
                  "area '%s': no usable polygon geometry; no point "
                  "is assigned to it",
                  area_id);
    }
    return NBL_OK;
}

typedef struct {
    uint64_t k;
    long long v;
} kv;

static int
cmp_kv(const void *a, const void *b)
{
    uint64_t x = ((const kv *)a)->k, y = ((const kv *)b)->k;
    return (x > y) - (x < y);
}

typedef struct {
    const char *name;
    uint32_t idx;
} named;

static int
cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* All non-zero counts sorted by key (area, year, category rank), where
 * the rank orders categories by name (m->by_rank maps rank to index), so
 * rows reach SQLite in primary-key order; *out is malloc'ed. */
static int
collect(imp *m, kv **out, size_t *n_out)
{
    size_t n = 0, cells = (m->n_areas + 1) * (size_t)m->nyears * m->ncap;
    uint32_t *rank = malloc((m->ncats ? m->ncats : 1) * sizeof *rank);
    named *nm = malloc((m->ncats ? m->ncats : 1) * sizeof *nm);
    kv *r = NULL;
    m->by_rank = malloc((m->ncats ? m->ncats : 1) * sizeof *m->by_rank);
    if (!rank || !nm || !m->by_rank)
        goto fail;
    for (uint32_t i = 0; i < m->ncats; i++)
        nm[i].name = m->cats[i], nm[i].idx = i;
    qsort(nm, m->ncats, sizeof *nm, cmp_named);
    for (uint32_t i = 0; i < m->ncats; i++) {
        m->by_rank[i] = nm[i].idx;
        rank[nm[i].idx] = i;
    }
    free(nm);
    nm = NULL;
    if (m->use_hash) {
        r = malloc((m->used ? m->used : 1) * sizeof *r);
        if (!r)
            goto fail;
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                r[n].k = (m->keys[i] & ~(uint64_t)0xffff) |
                         rank[m->keys[i] & 0xffff];
                r[n++].v = m->vals[i];
            }
        qsort(r, n, sizeof *r, cmp_kv);
    } else {
        for (size_t i = 0; m->dense && i < cells; i++)
            n += m->dense[i] != 0;
        r = malloc((n ? n : 1) * sizeof *r);
        if (!r)
            goto fail;
        n = 0;
        for (size_t b = 0; m->dense && b < cells; b += m->ncap) {
            uint64_t y = (b / m->ncap) % m->nyears, a = b / m->ncap / m->nyears;
            for (uint32_t k = 0; k < m->ncats; k++) {
                uint32_t v = m->dense[b + m->by_rank[k]];
                if (v) {
                    r[n].k = a << 32 | (uint64_t)(y + m->ymin) << 16 | k;
                    r[n++].v = v;
                }
            }
        }
    }
    free(rank);
    *out = r;
    *n_out = n;
    return 0;
fail:
    free(rank);
    free(nm);
    free(r);
    return -1;
}

/* Adds n points of a year to the per-year summary (few years: linear
 * search); assigned when inside an area, else outside. */
static int
year_add(imp *m, int year, int assigned, long long n)
{
    nbl_incidents_summary *s = m->sum;
    size_t j;
    for (j = 0; j < s->n_years && s->years[j].year != year; j++)
        ;
    if (j == s->n_years) {
        nbl_incidents_year *ny = realloc(s->years, (j + 1) * sizeof *ny);
        if (!ny)
            return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        s->years = ny;
        memset(&s->years[j], 0, sizeof *ny);
        s->years[j].year = year;
        s->n_years++;
    }
    if (assigned)
        s->years[j].assigned += n;
    else
        s->years[j].outside += n;
    return NBL_OK;
}

/* years were appended in first-seen order; sorts them */
static void
years_sort(nbl_incidents_summary *s)
{
    for (size_t i = 1; i < s->n_years; i++)
        for (size_t j = i; j > 0 && s->years[j - 1].year > s->years[j].year;
             j--) {
            nbl_incidents_year t = s->years[j];
            s->years[j] = s->years[j - 1];
            s->years[j - 1] = t;
        }
}

/* The (year, category) pairs present (pk: year << 16 | rank), each once,
 * in (year, name) order, into pairs; returns their number. */
static size_t
distinct_pairs(const imp *m, uint32_t *pk, size_t npk,
               nbl__incident_pair *pairs)
{
    size_t u = 0;
    qsort(pk, npk, sizeof *pk, cmp_u32);
    for (size_t i = 0; i < npk; i++)
        if (u == 0 || pk[u - 1] != pk[i])
            pk[u++] = pk[i];
    for (size_t i = 0; i < u; i++) {
        pairs[i].year = (int)(pk[i] >> 16);
        pairs[i].category = m->cats[m->by_rank[pk[i] & 0xffff]];
    }
    return u;
}

/* One transaction: the counts of every (year, category) present, and the
 * run log. */
static int
store_counts(imp *m, const nbl__incident_pair *pairs, size_t npairs,
             const nbl__incident_row *rows, size_t nrows)
{
    nbl_incidents_summary *s = m->sum;
    nbl__buf detail = {0};
    int rc;
    if (nbl__buf_printf(&detail,
                        "{\"assigned\":%lld,\"outside\":%lld,\"no_date\":%lld,"
                        "\"no_date_inside\":%lld,\"no_coords\":%lld,"
                        "\"no_category\":%lld,\"areas\":%zu,\"counts\":%zu}",
                        s->assigned, s->outside, s->no_date, s->no_date_inside,
                        s->no_coords, s->no_category, m->n_areas, nrows)) {
        nbl__buf_free(&detail);
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    }
    if ((rc = nbl__store_begin(m->ws)) == NBL_OK &&
        ((rc = nbl__store_incidents_write(m->ws, pairs, npairs, rows, nrows)) ||
         (rc = nbl__store_log_run(
              m->ws, "incidents", m->src, (long)s->read, (long)s->assigned,
              (long)(s->read - s->assigned), -1, detail.s)) ||
         (rc = nbl__store_commit(m->ws))))
        nbl__store_rollback(m->ws);
    nbl__buf_free(&detail);
    return rc;
}

static int
write_counts(imp *m)
{
    nbl_incidents_summary *s = m->sum;
    kv *ks = NULL;
    size_t nk = 0, nrows = 0, npairs = 0;
    nbl__incident_row *rows = NULL;
    nbl__incident_pair *pairs = NULL;
    uint32_t *pk = NULL;
    int rc = NBL_OK;

    if (collect(m, &ks, &nk) ||
        !(rows = malloc((nk ? nk : 1) * sizeof *rows)) ||
        !(pairs = malloc((nk ? nk : 1) * sizeof *pairs)) ||
        !(pk = malloc((nk ? nk : 1) * sizeof *pk))) {
        rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nk && rc == NBL_OK; i++) {
        uint64_t k = ks[i].k;
        uint32_t a = (uint32_t)(k >> 32);
        int year = (int)((k >> 16) & 0xffff);
        pk[npairs++] = (uint32_t)(k & 0xffffffffu); /* year << 16 | rank */
        if (a > 0) {
            rows[nrows].area_id = m->area_ids[a - 1];
            rows[nrows].year = year;
            rows[nrows].category = m->cats[m->by_rank[k & 0xffff]];
            rows[nrows++].n = ks[i].v;
        }
        rc = year_add(m, year, a > 0, ks[i].v);
    }
    if (rc)
        goto done;
    years_sort(s);
    npairs = distinct_pairs(m, pk, npairs, pairs);
    s->rows_stored = (long long)nrows;
    rc = store_counts(m, pairs, npairs, rows, nrows);
done:
    free(ks);
    free(rows);
    free(pairs);
    free(pk);
    return rc;
}

void
nbl_incidents_summary_clear(nbl_incidents_summary *summary)
{
    if (!summary)
        return;
    free(summary->years);
    memset(summary, 0, sizeof *summary);
}

static int
has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && nbl__strieq(path + n - e, ext);
}

/* The default number of jobs: the cores online. */
static int
nbl__cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1                        ? 1
           : n > NBL_INCIDENTS_MAX_JOBS ? NBL_INCIDENTS_MAX_JOBS
                                        : (int)n;
}

static void
imp_free(imp *m)
{
    nbl__inc_stop(m); /* the workers first: they read pip and pj */
    if (m->pj)
        proj_destroy(m->pj);
    if (m->pjctx)
        proj_context_destroy(m->pjctx);
    nbl__pip_free(m->pip);
    for (size_t i = 0; i < m->n_areas; i++)
        free(m->area_ids[i]);
    free(m->area_ids);
    for (size_t i = 0; i < m->ncats; i++)
        free(m->cats[i]);
    free(m->cats);
    free(m->cat_len);
    free(m->cat_tab);
    free(m->keys);
    free(m->vals);
    free(m->dense);
    free(m->by_rank);
    free(m);
}

int
nbl_import_incidents(nbl_ws *ws, const char *src,
                     const nbl_incidents_opts *opts,
                     nbl_incidents_summary *summary)
{
    static const nbl_incidents_opts none = {0};
    nbl_incidents_summary local;
    imp *m;
    int rc;

    if (!summary)
        summary = &local;
    memset(summary, 0, sizeof *summary);
    if (!opts)
        opts = &none;
    m = calloc(1, sizeof *m);
    if (!m)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    m->ws = ws;
    m->ctx = nbl_ws_ctx(ws);
    m->src = src;
    m->sum = summary;
    m->jobs = opts->jobs > 0 ? opts->jobs : nbl__cores();
    m->pip = nbl__pip_new();
    if (!m->pip) {
        rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    m->cat_unspec = nbl__inc_cat_intern(m, "unspecified", 11, src);
    m->cat_default = m->cat_unspec;
    if ((rc = m->rc))
        goto done;
    rc = nbl__store_incidents_areas(ws, add_area, m);
    if (rc)
        goto done;
    if (m->n_areas == 0) {
        rc = nbl__error(m->ctx, NBL_ENOTFOUND,
                        "%s: the workspace has no areas; run `nabolag import "
                        "areas` first",
                        nbl_ws_path(ws));
        goto done;
    }
    if (nbl__pip_build(m->pip)) {
        rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    summary->n_areas = m->n_areas;
    rc = has_ext(src, ".csv") ? nbl__inc_read_csv(m, opts)
                              : nbl__inc_read_ogr(m, opts);
    if (rc)
        goto done;
    if (summary->read > 0 && summary->assigned + summary->no_date_inside == 0)
        nbl__warn(m->ctx,
                  "%s: no point lies inside an area; is the CRS "
                  "right (--src-crs)?",
                  src);
    if (m->warn_coords > MAX_WARN)
        nbl__warn(m->ctx,
                  _n("%s: %d more point without usable coordinates",
                     "%s: %d more points without usable coordinates",
                     m->warn_coords - MAX_WARN),
                  src, m->warn_coords - MAX_WARN);
    if (m->warn_date > MAX_WARN)
        nbl__warn(m->ctx,
                  _n("%s: %d more point without a usable year or date",
                     "%s: %d more points without a usable year or date",
                     m->warn_date - MAX_WARN),
                  src, m->warn_date - MAX_WARN);
    rc = write_counts(m);
done:
    imp_free(m);
    if (summary == &local)
        nbl_incidents_summary_clear(&local);
    return rc;
}
