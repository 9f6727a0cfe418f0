/*
 * import_incidents_count.c - the points of `import incidents`
 * (import_incidents_internal.h): categories interned in an open-addressing
 * table, points reprojected to the working CRS with PROJ in batches,
 * located in the in-memory area index (pip.c) and counted per (area, year,
 * category) in a dense array or, when that would be too big, a hash map:
 * memory depends on areas x years x categories, never on the number of
 * points. With jobs > 1 the transformation and location of each batch of
 * points run on worker threads (each with its own PJ) while the reading
 * thread goes on parsing; the reading thread counts the batches in the
 * order they were read, so counts, warnings and their order are the same
 * for any number of jobs.
 * Invariant: every point pushed is counted exactly once in the summary, as
 * assigned, outside, no_date or no_coords.
 */
#include <math.h>
#include <proj.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_incidents_internal.h"
#include "util/ctx.h"
#include "util/util.h"

/* ---- categories -------------------------------------------------------- */

static int
cat_rehash(imp *m, size_t cap)
{
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < m->ncats; i++) {
        size_t h = nbl__hash_bytes(m->cats[i], m->cat_len[i]) & (cap - 1);
        while (t[h])
            h = (h + 1) & (cap - 1);
        t[h] = (uint32_t)i + 1;
    }
    free(m->cat_tab);
    m->cat_tab = t;
    m->cat_tab_cap = cap;
    return 0;
}

/* Index of a known category s[0..n), UINT32_MAX when new. */
uint32_t
nbl__inc_cat_find(const imp *m, const char *s, size_t n)
{
    size_t h;
    if (!m->cat_tab)
        return UINT32_MAX;
    h = nbl__hash_bytes(s, n) & (m->cat_tab_cap - 1);
    while (m->cat_tab[h]) {
        uint32_t i = m->cat_tab[h] - 1;
        if (m->cat_len[i] == n && memcmp(m->cats[i], s, n) == 0)
            return i;
        h = (h + 1) & (m->cat_tab_cap - 1);
    }
    return UINT32_MAX;
}

/* Index of category s[0..n), added when new; UINT32_MAX on failure (error
 * set, where names the row). */
uint32_t
nbl__inc_cat_intern(imp *m, const char *s, size_t n, const char *where)
{
    size_t h;
    if (!m->cat_tab && cat_rehash(m, 64))
        goto nomem;
    h = nbl__hash_bytes(s, n) & (m->cat_tab_cap - 1);
    while (m->cat_tab[h]) {
        uint32_t i = m->cat_tab[h] - 1;
        if (m->cat_len[i] == n && memcmp(m->cats[i], s, n) == 0)
            return i;
        h = (h + 1) & (m->cat_tab_cap - 1);
    }
    if (!nbl__utf8_valid(s, n)) {
        m->rc = nbl__error(m->ctx, NBL_EFORMAT,
                           "%s: category is not valid UTF-8", where);
        return UINT32_MAX;
    }
    if (m->ncats >= 0xffff) {
        m->rc = nbl__error(m->ctx, NBL_EDATA, "%s: more than 65535 categories",
                           where);
        return UINT32_MAX;
    }
    if (m->ncats == m->capcats) {
        size_t cap = m->capcats ? 2 * m->capcats : 16;
        char **c = realloc(m->cats, cap * sizeof *c);
        if (!c)
            goto nomem;
        m->cats = c;
        size_t *l = realloc(m->cat_len, cap * sizeof *l);
        if (!l)
            goto nomem;
        m->cat_len = l;
        m->capcats = cap;
    }
    m->cats[m->ncats] = malloc(n + 1);
    if (!m->cats[m->ncats])
        goto nomem;
    memcpy(m->cats[m->ncats], s, n);
    m->cats[m->ncats][n] = '\0';
    m->cat_len[m->ncats] = n;
    m->cat_tab[h] = (uint32_t)++m->ncats;
    if (2 * m->ncats > m->cat_tab_cap && cat_rehash(m, 2 * m->cat_tab_cap))
        goto nomem;
    return (uint32_t)(m->ncats - 1);
nomem:
    m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    return UINT32_MAX;
}

/* ---- counts ------------------------------------------------------------ */

static size_t
key_slot(uint64_t k, size_t cap)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static int
counts_grow(imp *m)
{
    size_t cap = m->cap ? 2 * m->cap : 1 << 14;
    uint64_t *k = calloc(cap, sizeof *k);
    long long *v = calloc(cap, sizeof *v);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t h = key_slot(m->keys[i], cap);
            while (k[h])
                h = (h + 1) & (cap - 1);
            k[h] = m->keys[i];
            v[h] = m->vals[i];
        }
    free(m->keys);
    free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = cap;
    return 0;
}

static int
count_add(imp *m, uint64_t key, long long n)
{
    size_t h;
    if (2 * (m->used + 1) > m->cap && counts_grow(m))
        return -1;
    h = key_slot(key, m->cap);
    while (m->keys[h] && m->keys[h] != key)
        h = (h + 1) & (m->cap - 1);
    if (!m->keys[h]) {
        m->keys[h] = key;
        m->used++;
    }
    m->vals[h] += n;
    return 0;
}

/* Largest dense array, in cells (128 MiB); beyond it counts go to the hash
 * map. Not static so that a unit test can lower it to exercise the hash. */
size_t nbl__incidents_dense_max = (size_t)1 << 25;

/* Re-lays the dense array out for years [ymin, ymin + nyears) and ncap
 * categories, or moves everything to the hash map when that is too big. */
static int
dense_relayout(imp *m, int ymin, int nyears, uint32_t ncap)
{
    size_t na = m->n_areas + 1, n = na * (size_t)nyears * ncap;
    uint32_t *d = n <= nbl__incidents_dense_max ? calloc(n, sizeof *d) : NULL;
    for (size_t a = 0; m->dense && a < na; a++)
        for (int y = 0; y < m->nyears; y++)
            for (uint32_t c = 0; c < m->ncap; c++) {
                uint32_t v = m->dense[(a * m->nyears + y) * m->ncap + c];
                if (!v)
                    continue;
                if (d)
                    d[(a * nyears + (y + m->ymin - ymin)) * ncap + c] = v;
                else if (count_add(m,
                                   (uint64_t)a << 32 |
                                       (uint64_t)(y + m->ymin) << 16 | c,
                                   v))
                    return -1;
            }
    free(m->dense);
    m->dense = d;
    if (!d) {
        m->use_hash = 1;
        return n <= nbl__incidents_dense_max ? -1 : 0;
    }
    m->ymin = ymin;
    m->nyears = nyears;
    m->ncap = ncap;
    return 0;
}

static int
count_point(imp *m, uint32_t a, int year, uint32_t cat)
{
    if (!m->use_hash) {
        if (year < m->ymin || year >= m->ymin + m->nyears || cat >= m->ncap) {
            int lo = m->nyears ? (year < m->ymin ? year : m->ymin) : year;
            int hi = m->nyears ? m->ymin + m->nyears - 1 : year;
            uint32_t nc = m->ncap ? m->ncap : 8;
            if (year > hi)
                hi = year;
            while (cat >= nc)
                nc *= 2;
            if (dense_relayout(m, lo, hi - lo + 1, nc))
                return -1;
        }
        if (!m->use_hash) {
            m->dense[((size_t)a * m->nyears + (year - m->ymin)) * m->ncap +
                     cat]++;
            return 0;
        }
    }
    return count_add(m, (uint64_t)a << 32 | (uint64_t)year << 16 | cat, 1);
}

/* ---- the point pipeline ------------------------------------------------ */

/* Transforms and locates the points of a batch (pj: this thread's copy of
 * the transformation, or NULL). Reads only the index: safe in parallel. */
static void
locate(const imp *m, nbl__inc_batch *b, PJ *pj)
{
    if (pj)
        proj_trans_generic(pj, PJ_FWD, b->x, sizeof(double), b->n, b->y,
                           sizeof(double), b->n, NULL, 0, 0, NULL, 0, 0);
    nbl__pip_locate_many(m->pip, b->n, b->x, b->y, b->area);
}

/* The dense count of point i of a batch, or NULL when it has none yet;
 * for fetching it ahead (the array is megabytes and the areas come in
 * random order, so each count is a cache miss otherwise). The caller
 * prefetches: a function that only prefetches is side-effect free to the
 * compiler, and its calls vanish. */
static const uint32_t *
count_cell(const imp *m, const nbl__inc_batch *b, size_t i)
{
    int y = b->year[i];
    if (m->use_hash || !m->dense || y < m->ymin || y >= m->ymin + m->nyears ||
        b->cat[i] >= m->ncap)
        return NULL;
    return m->dense +
           ((size_t)(b->area[i] + 1) * (size_t)m->nyears +
            (size_t)(y - m->ymin)) *
               m->ncap +
           b->cat[i];
}

/* Counts the located points of a batch, in the order they were read. */
static int
count_batch(imp *m, nbl__inc_batch *b)
{
    enum { AHEAD = 64 };
    nbl_incidents_summary *s = m->sum;
    for (size_t i = 0; i < AHEAD && i < b->n; i++)
        __builtin_prefetch(count_cell(m, b, i));
    for (size_t i = 0; i < b->n; i++) {
        double x = b->x[i], y = b->y[i];
        long a = b->area[i];
        if (i + AHEAD < b->n)
            __builtin_prefetch(count_cell(m, b, i + AHEAD));
        if (!isfinite(x) || !isfinite(y)) {
            s->no_coords++;
            if (m->warn_coords++ < MAX_WARN)
                nbl__warn(m->ctx,
                          "%s: a point could not be transformed to "
                          "the working CRS",
                          m->src);
            continue;
        }
        if (b->year[i] == 0) {
            s->no_date++;
            s->no_date_inside += a >= 0;
            continue;
        }
        if (a >= 0)
            s->assigned++;
        else
            s->outside++;
        if (count_point(m, a >= 0 ? (uint32_t)a + 1 : 0, b->year[i], b->cat[i]))
            return m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    }
    b->n = 0;
    return NBL_OK;
}

/* A worker: takes the batches in the order they were handed over. */
static void *
worker(void *arg)
{
    struct nbl__inc_worker *w = arg;
    imp *m = w->m;
    pthread_mutex_lock(&m->mu);
    for (;;) {
        unsigned long long seq;
        while (m->taken == m->submitted && !m->stop)
            pthread_cond_wait(&m->cv_work, &m->mu);
        if (m->taken == m->submitted)
            break; /* stop, and nothing left */
        seq = m->taken++;
        pthread_mutex_unlock(&m->mu);
        locate(m, &m->batches[seq % m->nbatches], w->pj);
        pthread_mutex_lock(&m->mu);
        m->batches[seq % m->nbatches].done = 1;
        pthread_cond_broadcast(&m->cv_done);
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

/* Starts the workers (jobs > 1), each with its own copy of the
 * transformation (a PJ is not shared between threads). */
static int
start_workers(imp *m)
{
    m->nbatches = m->jobs > 1 ? 2 * (size_t)m->jobs + 2 : 1;
    m->batches = calloc(m->nbatches, sizeof *m->batches);
    if (!m->batches)
        return m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    if (m->jobs <= 1)
        return NBL_OK;
    m->workers = calloc((size_t)m->jobs, sizeof *m->workers);
    if (!m->workers)
        return m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv_work, NULL);
    pthread_cond_init(&m->cv_done, NULL);
    m->sync_ready = 1;
    for (int i = 0; i < m->jobs; i++) {
        struct nbl__inc_worker *w = &m->workers[i];
        w->m = m;
        if (m->pj) {
            w->ctx = proj_context_create();
            w->pj = w->ctx ? proj_clone(w->ctx, m->pj) : NULL;
            if (!w->pj)
                return m->rc = nbl__error(m->ctx, NBL_ECRS,
                                          "cannot copy the transformation "
                                          "for a thread");
        }
        if (pthread_create(&w->thread, NULL, worker, w) != 0)
            return m->rc =
                       nbl__error(m->ctx, NBL_ENOMEM, "cannot start a thread");
        w->started = 1;
    }
    return NBL_OK;
}

/* Counts the oldest batch handed over, once a worker has located it. */
static int
collect_one(imp *m)
{
    nbl__inc_batch *b = &m->batches[m->collected % m->nbatches];
    pthread_mutex_lock(&m->mu);
    while (!b->done)
        pthread_cond_wait(&m->cv_done, &m->mu);
    pthread_mutex_unlock(&m->mu);
    b->done = 0;
    m->collected++;
    return count_batch(m, b);
}

/* Hands the batch being filled over (or, with one job, locates and counts
 * it at once). */
static int
submit(imp *m)
{
    nbl__inc_batch *b = &m->batches[m->submitted % m->nbatches];
    if (m->jobs <= 1) {
        locate(m, b, m->pj);
        return count_batch(m, b);
    }
    pthread_mutex_lock(&m->mu);
    m->submitted++;
    pthread_cond_signal(&m->cv_work);
    pthread_mutex_unlock(&m->mu);
    /* the next batch to fill must have been counted */
    if (m->submitted - m->collected == m->nbatches)
        return collect_one(m);
    return NBL_OK;
}

int
nbl__inc_flush(imp *m)
{
    int rc = NBL_OK;
    if (!m->batches)
        return NBL_OK;
    if (m->batches[m->submitted % m->nbatches].n > 0)
        rc = submit(m);
    while (rc == NBL_OK && m->collected < m->submitted)
        rc = collect_one(m);
    return rc;
}

int
nbl__inc_push(imp *m, double x, double y, int year, uint32_t cat)
{
    nbl__inc_batch *b;
    if (!m->batches && start_workers(m))
        return m->rc;
    b = &m->batches[m->submitted % m->nbatches];
    b->x[b->n] = x;
    b->y[b->n] = y;
    b->year[b->n] = year;
    b->cat[b->n] = cat;
    if (++b->n == BATCH)
        return submit(m);
    return NBL_OK;
}

void
nbl__inc_stop(imp *m)
{
    if (m->sync_ready) {
        pthread_mutex_lock(&m->mu);
        m->stop = 1;
        pthread_cond_broadcast(&m->cv_work);
        pthread_mutex_unlock(&m->mu);
    }
    for (int i = 0; m->workers && i < m->jobs; i++) {
        struct nbl__inc_worker *w = &m->workers[i];
        if (w->started)
            pthread_join(w->thread, NULL);
        if (w->pj)
            proj_destroy(w->pj);
        if (w->ctx)
            proj_context_destroy(w->ctx);
    }
    if (m->sync_ready) {
        pthread_mutex_destroy(&m->mu);
        pthread_cond_destroy(&m->cv_work);
        pthread_cond_destroy(&m->cv_done);
    }
    free(m->workers);
    free(m->batches);
    m->workers = NULL;
    m->batches = NULL;
    m->sync_ready = 0;
}

static void
proj_quiet(void *arg, int level, const char *msg)
{
    (void)arg;
    (void)level;
    (void)msg;
}

/* Sets up m->pj from src_crs (NULL: the working CRS, no transformation). */
int
nbl__inc_setup_crs(imp *m, const char *src_crs, const char *shown)
{
    char dst[32];
    PJ *a, *b, *t;
    if (!src_crs)
        return NBL_OK;
    m->pjctx = proj_context_create();
    if (!m->pjctx)
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    proj_log_func(m->pjctx, NULL, proj_quiet); /* errors go to the ctx */
    a = proj_create(m->pjctx, src_crs);
    if (!a)
        return nbl__error(
            m->ctx, NBL_ECRS, "%s: unknown coordinate system: %s", shown,
            proj_context_errno_string(m->pjctx, proj_context_errno(m->pjctx)));
    snprintf(dst, sizeof dst, "EPSG:%d", nbl_ws_srid(m->ws));
    b = proj_create(m->pjctx, dst);
    if (!b) {
        proj_destroy(a);
        return nbl__error(m->ctx, NBL_ECRS, "%s: unknown coordinate system",
                          dst);
    }
    if (proj_is_equivalent_to(a, b, PJ_COMP_EQUIVALENT)) {
        proj_destroy(a);
        proj_destroy(b);
        return NBL_OK;
    }
    t = proj_create_crs_to_crs_from_pj(m->pjctx, a, b, NULL, NULL);
    proj_destroy(a);
    proj_destroy(b);
    if (!t)
        return nbl__error(
            m->ctx, NBL_ECRS, "%s: no transformation to %s: %s", shown, dst,
            proj_context_errno_string(m->pjctx, proj_context_errno(m->pjctx)));
    m->pj = proj_normalize_for_visualization(m->pjctx, t);
    proj_destroy(t);
    if (!m->pj)
        return nbl__error(m->ctx, NBL_ECRS, "%s: cannot normalise axis order",
                          shown);
    return NBL_OK;
}
