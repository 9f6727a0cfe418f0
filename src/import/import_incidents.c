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
 */
#include "nabolag/incidents.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <proj.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "util/ctx.h"
#include "model/pip.h"
#include "store/store.h"
#include "store/store_incidents.h"
#include "util/util.h"

#define BATCH 4096
#define MAX_WARN 10
#define NO_AREA 0xffffffffu

enum { R_NONE, R_X, R_Y, R_YEAR, R_DATE, R_CAT };

typedef struct {
    nbl_ws *ws;
    nbl_ctx *ctx;
    const char *src;
    nbl_incidents_summary *sum;
    int rc; /* first failure inside a callback */

    nbl__pip *pip;
    char **area_ids;
    size_t n_areas, cap_areas;
    size_t bad_areas;

    /* categories: names[] and an open-addressing table of indices + 1 */
    char **cats;
    size_t *cat_len;
    size_t ncats, capcats;
    uint32_t *cat_tab;
    size_t cat_tab_cap;
    uint32_t cat_default; /* "all" when the source has no category column */
    uint32_t cat_unspec;  /* "unspecified" for empty values */
    uint32_t last_cat;
    uint32_t *by_rank; /* category indices in byte order of their names */
    int has_cat_col;

    /* counts, keyed (area+1 or 0 for outside, year, category): a dense
     * array [area+1][year - ymin][category] while it stays small (the
     * fast path), else a hash map of key = (area+1) << 32 | year << 16 |
     * category. Either way the size depends on areas, years and
     * categories only. */
    uint32_t *dense;
    int ymin, nyears;
    uint32_t ncap;
    int use_hash;
    uint64_t *keys;
    long long *vals;
    size_t cap, used;

    /* batch of points awaiting transformation and location */
    double bx[BATCH], by[BATCH];
    int byear[BATCH];
    uint32_t bcat[BATCH];
    long barea[BATCH];
    size_t nb;

    PJ_CONTEXT *pjctx;
    PJ *pj;

    int warn_coords, warn_date;
} imp;

/* ---- small parsers (hot path) ---------------------------------------- */

static const double pow10_tab[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Parses s[0..n) (NUL-terminated) as a number. Plain decimals with at most
 * 15 significant digits are exact by Clinger's fast path (one correctly
 * rounded division); anything else goes to nbl__parse_double. */
static int
fast_double(const char *s, size_t n, char dec, double *out)
{
    const char *p = s, *e = s + n;
    uint64_t m = 0;
    int digits = 0, frac = 0, neg = 0, seen_dec = 0;
    if (p < e && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    if (p == e)
        goto slow;
    for (; p < e; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (m == 0 && c == '0' && !seen_dec)
                continue;
            if (++digits > 15)
                goto slow;
            m = m * 10 + (uint64_t)(c - '0');
            frac += seen_dec;
        } else if (c == dec && !seen_dec) {
            seen_dec = 1;
        } else {
            goto slow;
        }
    }
    if (p - s == neg + seen_dec) /* no digit at all */
        goto slow;
    *out = (double)m / pow10_tab[frac];
    if (neg)
        *out = -*out;
    return 1;
slow:
    return nbl__parse_double(s, dec, out) && isfinite(*out);
}

/* A coordinate: the file's decimal mark, or else the other one. A ';' file
 * may well use '.' decimals, and coordinates never carry thousands
 * separators, so either mark can only be a decimal mark here. */
static int
coord_double(const char *s, size_t n, char dec, double *out)
{
    return fast_double(s, n, dec, out) ||
           fast_double(s, n, dec == ',' ? '.' : ',', out);
}

static int
dig(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int
ok_year(int y)
{
    return y >= 1800 && y <= 2200 ? y : 0;
}

static int
ok_md(int mo, int d)
{
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* Year of a year value ("2021") or a date: YYYY-MM-DD, YYYY/MM/DD (with an
 * optional time after it), DD-MM-YYYY, DD.MM.YYYY, DD/MM/YYYY. 0 when
 * unusable. */
static int
year_of(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 4)
        return ok_year(dig(s, 4));
    if (n >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4]) {
        if (n > 10 && s[10] != 'T' && s[10] != ' ')
            return 0;
        if (!ok_md(dig(s + 5, 2), dig(s + 8, 2)))
            return 0;
        return ok_year(dig(s, 4));
    }
    if (n == 10 && (s[2] == '-' || s[2] == '.' || s[2] == '/') &&
        s[5] == s[2]) {
        if (!ok_md(dig(s + 3, 2), dig(s, 2)))
            return 0;
        return ok_year(dig(s + 6, 4));
    }
    return 0;
}

/* ---- categories -------------------------------------------------------- */

static uint64_t
hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int
cat_rehash(imp *m, size_t cap)
{
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < m->ncats; i++) {
        size_t h = hash_bytes(m->cats[i], m->cat_len[i]) & (cap - 1);
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
static uint32_t
cat_find(const imp *m, const char *s, size_t n)
{
    size_t h;
    if (!m->cat_tab)
        return UINT32_MAX;
    h = hash_bytes(s, n) & (m->cat_tab_cap - 1);
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
static uint32_t
cat_intern(imp *m, const char *s, size_t n, const char *where)
{
    size_t h;
    if (!m->cat_tab && cat_rehash(m, 64))
        goto nomem;
    h = hash_bytes(s, n) & (m->cat_tab_cap - 1);
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

/* Transforms and locates the batch. */
static int
flush(imp *m)
{
    nbl_incidents_summary *s = m->sum;
    if (m->nb == 0)
        return NBL_OK;
    if (m->pj)
        proj_trans_generic(m->pj, PJ_FWD, m->bx, sizeof(double), m->nb, m->by,
                           sizeof(double), m->nb, NULL, 0, 0, NULL, 0, 0);
    nbl__pip_locate_many(m->pip, m->nb, m->bx, m->by, m->barea);
    for (size_t i = 0; i < m->nb; i++) {
        double x = m->bx[i], y = m->by[i];
        long a = m->barea[i];
        if (!isfinite(x) || !isfinite(y)) {
            s->no_coords++;
            if (m->warn_coords++ < MAX_WARN)
                nbl__warn(m->ctx,
                          "%s: a point could not be transformed to "
                          "the working CRS",
                          m->src);
            continue;
        }
        if (m->byear[i] == 0) {
            s->no_date++;
            s->no_date_inside += a >= 0;
            continue;
        }
        if (a >= 0)
            s->assigned++;
        else
            s->outside++;
        if (count_point(m, a >= 0 ? (uint32_t)a + 1 : 0, m->byear[i],
                        m->bcat[i]))
            return m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    }
    m->nb = 0;
    return NBL_OK;
}

static int
push(imp *m, double x, double y, int year, uint32_t cat)
{
    m->bx[m->nb] = x;
    m->by[m->nb] = y;
    m->byear[m->nb] = year;
    m->bcat[m->nb] = cat;
    if (++m->nb == BATCH)
        return flush(m);
    return NBL_OK;
}

/* ---- field roles -------------------------------------------------------- */

static int
name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (nbl__strieq(name, *list))
            return 1;
    return 0;
}

static long
find_col(char **names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (nbl__strieq(names[i], want))
            return (long)i;
    return -1;
}

static long
find_any(char **names, size_t n, const char *const *list)
{
    for (size_t i = 0; i < n; i++)
        if (name_in(names[i], list))
            return (long)i;
    return -1;
}

/* Assigns roles to columns; xy: also x and y (CSV). *geographic is set
 * when the detected coordinate columns are lon/lat. */
static int
resolve_roles(imp *m, const nbl_incidents_opts *o, char **names, size_t n,
              int *roles, int xy, int *geographic)
{
    static const char *const years[] = {"year", "aar", "\xc3\xa5r", NULL};
    static const char *const dates[] = {"date",      "dato", "datetime",
                                        "timestamp", "time", NULL};
    static const char *const cats[] = {"category", "kategori", "type", NULL};
    static const char *const pairs[][2] = {
        {"x", "y"},     {"easting", "northing"},   {"utm_x", "utm_y"},
        {"lon", "lat"}, {"longitude", "latitude"}, {"lng", "lat"},
        {"long", "lat"}};
    long c;
    for (size_t i = 0; i < n; i++)
        roles[i] = R_NONE;
#define NEED(field, role)                                                      \
    do {                                                                       \
        c = find_col(names, n, field);                                         \
        if (c < 0)                                                             \
            return nbl__error(m->ctx, NBL_EFORMAT, "%s: no column '%s'",       \
                              m->src, field);                                  \
        roles[c] = role;                                                       \
    } while (0)
    if (xy) {
        *geographic = 0;
        if (o->x_field || o->y_field) {
            if (!o->x_field || !o->y_field)
                return nbl__error(m->ctx, NBL_EINVAL,
                                  "--x-field and --y-field go together");
            NEED(o->x_field, R_X);
            NEED(o->y_field, R_Y);
            *geographic =
                find_any(names, n,
                         (const char *const[]){"lon", "longitude", "lng",
                                               "long", NULL}) ==
                find_col(names, n, o->x_field);
        } else {
            size_t k;
            for (k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
                long cx = find_col(names, n, pairs[k][0]);
                long cy = find_col(names, n, pairs[k][1]);
                if (cx >= 0 && cy >= 0) {
                    roles[cx] = R_X;
                    roles[cy] = R_Y;
                    *geographic = k >= 3;
                    break;
                }
            }
            if (k == sizeof pairs / sizeof pairs[0])
                return nbl__error(m->ctx, NBL_EFORMAT,
                                  "%s: no coordinate columns (x/y, "
                                  "easting/northing or lon/lat); use "
                                  "--x-field and --y-field",
                                  m->src);
        }
    }
    if (o->year_field) {
        NEED(o->year_field, R_YEAR);
    } else if (o->date_field) {
        NEED(o->date_field, R_DATE);
    } else if ((c = find_any(names, n, years)) >= 0) {
        roles[c] = R_YEAR;
    } else if ((c = find_any(names, n, dates)) >= 0) {
        roles[c] = R_DATE;
    } else {
        return nbl__error(m->ctx, NBL_EFORMAT,
                          "%s: no year or date column; use --year-field or "
                          "--date-field",
                          m->src);
    }
    if (o->category_field) {
        NEED(o->category_field, R_CAT);
    } else if ((c = find_any(names, n, cats)) >= 0) {
        roles[c] = R_CAT;
    }
#undef NEED
    m->has_cat_col = 0;
    for (size_t i = 0; i < n; i++)
        m->has_cat_col |= roles[i] == R_CAT;
    if (!m->has_cat_col) {
        nbl__info(m->ctx,
                  "%s: no category column: every point counts as "
                  "category 'all'",
                  m->src);
        m->cat_default = cat_intern(m, "all", 3, m->src);
        if (m->rc)
            return m->rc;
    }
    return NBL_OK;
}

static void
proj_quiet(void *arg, int level, const char *msg)
{
    (void)arg;
    (void)level;
    (void)msg;
}

/* Sets up m->pj from src_crs (NULL: the working CRS, no transformation). */
static int
setup_crs(imp *m, const char *src_crs, const char *shown)
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

/* ---- CSV ---------------------------------------------------------------- */

typedef struct {
    imp *m;
    const nbl_incidents_opts *o;
    char dec;
    int header_done;
    char **names;
    size_t nnames, capnames;
    int *roles;
    size_t col;
    long long rec; /* record number, header = 1 */
    double x, y;
    int has_x, has_y, year;
    uint32_t cat;
} csvst;

static void
csv_where(csvst *c, char *buf, size_t n)
{
    snprintf(buf, n, "%s:%lld", c->m->src, c->rec);
}

static void
on_field(void *s, size_t len, void *arg)
{
    csvst *c = arg;
    imp *m = c->m;
    const char *f = s ? s : "";
    if (m->rc)
        return;
    if (!c->header_done) {
        if (c->nnames == c->capnames) {
            size_t cap = c->capnames ? 2 * c->capnames : 16;
            char **nn = realloc(c->names, cap * sizeof *nn);
            if (!nn) {
                m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
                return;
            }
            c->names = nn;
            c->capnames = cap;
        }
        c->names[c->nnames] = nbl__strdup(f);
        if (!c->names[c->nnames]) {
            m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
            return;
        }
        c->nnames++;
        return;
    }
    if (c->col < c->nnames) {
        switch (c->roles[c->col]) {
        case R_X:
            c->has_x = coord_double(f, len, c->dec, &c->x);
            break;
        case R_Y:
            c->has_y = coord_double(f, len, c->dec, &c->y);
            break;
        case R_YEAR: {
            size_t n = len;
            const char *p = f;
            while (n && *p == ' ')
                p++, n--;
            while (n && p[n - 1] == ' ')
                n--;
            c->year = n == 4 ? ok_year(dig(p, 4)) : 0;
            break;
        }
        case R_DATE:
            c->year = year_of(f, len);
            break;
        case R_CAT:
            if (len == 0) {
                c->cat = m->cat_unspec;
                m->sum->no_category++;
            } else if (m->ncats && m->cat_len[m->last_cat] == len &&
                       memcmp(m->cats[m->last_cat], f, len) == 0) {
                c->cat = m->last_cat;
            } else if ((c->cat = cat_find(m, f, len)) != UINT32_MAX) {
                m->last_cat = c->cat;
            } else {
                char where[512];
                csv_where(c, where, sizeof where);
                c->cat = m->last_cat = cat_intern(m, f, len, where);
            }
            break;
        default:
            break;
        }
    }
    c->col++;
}

static void
on_row(int ch, void *arg)
{
    csvst *c = arg;
    imp *m = c->m;
    int geographic = 0;
    (void)ch;
    c->rec++;
    if (m->rc)
        return;
    if (!c->header_done) {
        c->header_done = 1;
        c->roles = calloc(c->nnames ? c->nnames : 1, sizeof *c->roles);
        if (!c->roles) {
            m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
            return;
        }
        m->rc = resolve_roles(m, c->o, c->names, c->nnames, c->roles, 1,
                              &geographic);
        if (!m->rc) {
            const char *crs = c->o->src_crs;
            if (!crs && geographic)
                crs = "EPSG:4326";
            if (!crs)
                nbl__info(m->ctx,
                          "%s: no --src-crs: coordinates taken as "
                          "the working CRS EPSG:%d",
                          m->src, nbl_ws_srid(m->ws));
            m->rc = setup_crs(m, crs, c->o->src_crs ? "--src-crs" : crs);
        }
    } else {
        m->sum->read++;
        if (c->has_x && c->has_y) {
            if (push(m, c->x, c->y, c->year, c->cat))
                return;
        } else {
            m->sum->no_coords++;
            if (m->warn_coords++ < MAX_WARN)
                nbl__warn(m->ctx, "%s:%lld: no usable coordinates", m->src,
                          c->rec);
        }
        if (c->year == 0 && m->warn_date++ < MAX_WARN)
            nbl__warn(m->ctx, "%s:%lld: no usable year or date", m->src,
                      c->rec);
    }
    c->col = 0;
    c->has_x = c->has_y = 0;
    c->year = 0;
    c->cat = m->cat_default;
}

static int
read_csv(imp *m, const nbl_incidents_opts *o)
{
    enum { CHUNK = 1 << 20 };
    struct csv_parser p;
    csvst c;
    char *buf;
    FILE *f;
    size_t n;
    struct stat stt;
    double size, done = 0;
    int first = 1;

    memset(&c, 0, sizeof c);
    c.m = m;
    c.o = o;
    c.dec = '.';
    c.cat = m->cat_default;
    f = fopen(m->src, "rb");
    if (!f)
        return nbl__error(m->ctx, NBL_EIO, "%s: cannot open: %s", m->src,
                          strerror(errno));
    size = fstat(fileno(f), &stt) == 0 && stt.st_size > 0 ? (double)stt.st_size
                                                          : 1.0;
    buf = malloc(CHUNK);
    /* strict: a stray quote is an error naming the record, not a
     * category with a quote in it */
    if (!buf ||
        csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(buf);
        fclose(f);
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    }
    while (!m->rc && (n = fread(buf, 1, CHUNK, f)) > 0) {
        char *b = buf;
        if (first) {
            /* BOM, and the delimiter from the header line */
            size_t k, nc = 0, ns = 0, nt = 0;
            if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
                b += 3, n -= 3;
            for (k = 0; k < n && b[k] != '\n'; k++)
                nc += b[k] == ',', ns += b[k] == ';', nt += b[k] == '\t';
            if (ns > nc && ns >= nt)
                csv_set_delim(&p, ';'), c.dec = ',';
            else if (nt > nc)
                csv_set_delim(&p, '\t');
            first = 0;
        }
        if (csv_parse(&p, b, n, on_field, on_row, &c) != n && !m->rc)
            m->rc = nbl__error(m->ctx, NBL_EFORMAT, "%s:%lld: %s", m->src,
                               c.rec + 1, csv_strerror(csv_error(&p)));
        done += (double)n;
        if (!m->rc && nbl__has_progress(m->ctx))
            m->rc = nbl__progress(m->ctx, done / size, "import incidents");
    }
    if (!m->rc && ferror(f))
        m->rc = nbl__error(m->ctx, NBL_EIO, "%s: read error: %s", m->src,
                           strerror(errno));
    if (!m->rc && csv_fini(&p, on_field, on_row, &c) != 0 && !m->rc)
        m->rc = nbl__error(m->ctx, NBL_EFORMAT, "%s:%lld: %s", m->src,
                           c.rec + 1, csv_strerror(csv_error(&p)));
    if (!m->rc && !c.header_done)
        m->rc = nbl__error(m->ctx, NBL_EFORMAT, "%s: empty file (no header)",
                           m->src);
    if (!m->rc)
        m->rc = flush(m);
    csv_free(&p);
    free(buf);
    fclose(f);
    for (size_t i = 0; i < c.nnames; i++)
        free(c.names[i]);
    free(c.names);
    free(c.roles);
    return m->rc;
}

/* ---- GDAL vector sources ------------------------------------------------ */

static int
read_ogr(imp *m, const nbl_incidents_opts *o)
{
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRFeatureDefnH defn;
    OGRFeatureH feat;
    OGRSpatialReferenceH srs;
    char **names = NULL, *wkt = NULL;
    int *roles = NULL, nf, geographic = 0;
    long c_year = -1, c_cat = -1;
    int year_is_date = 0;
    long long fcount, done = 0;

    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    ds =
        GDALOpenEx(m->src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        return nbl__error(m->ctx, NBL_EIO, "%s: cannot open: %s", m->src,
                          CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg()
                                                  : "not a vector source");
    lyr = o->layer ? GDALDatasetGetLayerByName(ds, o->layer)
                   : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        GDALClose(ds);
        return nbl__error(m->ctx, NBL_ENOTFOUND, "%s: no layer %s%s%s", m->src,
                          o->layer ? "'" : "", o->layer ? o->layer : "",
                          o->layer ? "'" : "");
    }
    defn = OGR_L_GetLayerDefn(lyr);
    nf = OGR_FD_GetFieldCount(defn);
    names = calloc((size_t)nf + 1, sizeof *names);
    roles = calloc((size_t)nf + 1, sizeof *roles);
    if (!names || !roles) {
        m->rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < nf; i++)
        names[i] = (char *)OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    m->rc = resolve_roles(m, o, names, (size_t)nf, roles, 0, &geographic);
    if (m->rc)
        goto done;
    for (int i = 0; i < nf; i++) {
        if (roles[i] == R_YEAR || roles[i] == R_DATE) {
            c_year = i;
            year_is_date = roles[i] == R_DATE;
        }
        if (roles[i] == R_CAT)
            c_cat = i;
    }
    if (o->src_crs) {
        m->rc = setup_crs(m, o->src_crs, "--src-crs");
    } else if ((srs = OGR_L_GetSpatialRef(lyr)) != NULL) {
        if (OSRExportToWkt(srs, &wkt) != OGRERR_NONE) {
            m->rc = nbl__error(m->ctx, NBL_ECRS,
                               "%s: cannot read the layer's CRS", m->src);
            goto done;
        }
        m->rc = setup_crs(m, wkt, m->src);
    } else {
        m->rc = nbl__error(m->ctx, NBL_ECRS,
                           "%s: the layer has no CRS; pass --src-crs", m->src);
    }
    if (m->rc)
        goto done;
    fcount = OGR_L_GetFeatureCount(lyr, 0);
    OGR_L_ResetReading(lyr);
    while (!m->rc && (feat = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(feat);
        int year = 0;
        uint32_t cat = m->cat_default;
        char where[512];
        snprintf(where, sizeof where, "%s: feature %lld", m->src,
                 (long long)OGR_F_GetFID(feat));
        if (c_year >= 0 && OGR_F_IsFieldSetAndNotNull(feat, (int)c_year)) {
            OGRFieldType ft =
                OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, (int)c_year));
            if (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal) {
                double v = OGR_F_GetFieldAsDouble(feat, (int)c_year);
                year = v == floor(v) && fabs(v) < 1e4 ? ok_year((int)v) : 0;
            } else {
                const char *v = OGR_F_GetFieldAsString(feat, (int)c_year);
                year = year_is_date ? year_of(v, strlen(v))
                                    : (strlen(v) == 4 ? ok_year(dig(v, 4)) : 0);
            }
        }
        if (c_cat >= 0) {
            const char *v = OGR_F_IsFieldSetAndNotNull(feat, (int)c_cat)
                                ? OGR_F_GetFieldAsString(feat, (int)c_cat)
                                : "";
            if (!*v) {
                cat = m->cat_unspec;
                m->sum->no_category++;
            } else {
                cat = cat_intern(m, v, strlen(v), where);
            }
        }
        if (year == 0 && m->warn_date++ < MAX_WARN)
            nbl__warn(m->ctx, "%s: no usable year or date", where);
        if (!m->rc) {
            OGRwkbGeometryType t =
                g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
            if (t == wkbPoint && !OGR_G_IsEmpty(g)) {
                m->sum->read++;
                push(m, OGR_G_GetX(g, 0), OGR_G_GetY(g, 0), year, cat);
            } else if (t == wkbMultiPoint && !OGR_G_IsEmpty(g)) {
                int np = OGR_G_GetGeometryCount(g);
                for (int k = 0; k < np && !m->rc; k++) {
                    OGRGeometryH pt = OGR_G_GetGeometryRef(g, k);
                    m->sum->read++;
                    push(m, OGR_G_GetX(pt, 0), OGR_G_GetY(pt, 0), year, cat);
                }
            } else {
                m->sum->read++;
                m->sum->no_coords++;
                if (m->warn_coords++ < MAX_WARN)
                    nbl__warn(m->ctx, "%s: no point geometry", where);
            }
        }
        OGR_F_Destroy(feat);
        if (!m->rc && ++done % 65536 == 0 && fcount > 0 &&
            nbl__has_progress(m->ctx))
            m->rc = nbl__progress(m->ctx, (double)done / (double)fcount,
                                  "import incidents");
    }
    if (!m->rc)
        m->rc = flush(m);
done:
    CPLFree(wkt);
    free(names);
    free(roles);
    GDALClose(ds);
    return m->rc;
}

/* ---- areas, writing, summary ------------------------------------------- */

static int
add_area(const char *area_id, const unsigned char *wkb, size_t len, void *arg)
{
    imp *m = arg;
    if (m->n_areas == m->cap_areas) {
        size_t cap = m->cap_areas ? 2 * m->cap_areas : 256;
        char **n = realloc(m->area_ids, cap * sizeof *n);
        if (!n)
            return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        m->area_ids = n;
        m->cap_areas = cap;
    }
    m->area_ids[m->n_areas] = nbl__strdup(area_id);
    if (!m->area_ids[m->n_areas])
        return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
    m->n_areas++;
    if (!wkb || nbl__pip_add_wkb(m->pip, wkb, len) < 0) {
        if (!wkb && nbl__pip_begin_area(m->pip) < 0)
            return nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
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

static int
write_counts(imp *m)
{
    nbl_incidents_summary *s = m->sum;
    kv *ks = NULL;
    size_t nk = 0, nrows = 0, npairs = 0;
    nbl__incident_row *rows = NULL;
    nbl__incident_pair *pairs = NULL;
    uint32_t *pk = NULL;
    nbl__buf detail = {0};
    int rc = NBL_OK;

    if (collect(m, &ks, &nk) ||
        !(rows = malloc((nk ? nk : 1) * sizeof *rows)) ||
        !(pairs = malloc((nk ? nk : 1) * sizeof *pairs)) ||
        !(pk = malloc((nk ? nk : 1) * sizeof *pk))) {
        rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nk; i++) {
        uint64_t k = ks[i].k;
        uint32_t a = (uint32_t)(k >> 32);
        int year = (int)((k >> 16) & 0xffff);
        const char *cat = m->cats[m->by_rank[k & 0xffff]];
        pk[npairs++] = (uint32_t)(k & 0xffffffffu); /* year << 16 | rank */
        if (a > 0) {
            rows[nrows].area_id = m->area_ids[a - 1];
            rows[nrows].year = year;
            rows[nrows].category = cat;
            rows[nrows++].n = ks[i].v;
        }
        /* per-year summary (few years: linear search) */
        {
            size_t j;
            for (j = 0; j < s->n_years && s->years[j].year != year; j++)
                ;
            if (j == s->n_years) {
                nbl_incidents_year *ny =
                    realloc(s->years, (j + 1) * sizeof *ny);
                if (!ny) {
                    rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
                    goto done;
                }
                s->years = ny;
                memset(&s->years[j], 0, sizeof *ny);
                s->years[j].year = year;
                s->n_years++;
            }
            if (a > 0)
                s->years[j].assigned += ks[i].v;
            else
                s->years[j].outside += ks[i].v;
        }
    }
    /* years were appended in first-seen order; sort them */
    for (size_t i = 1; i < s->n_years; i++)
        for (size_t j = i; j > 0 && s->years[j - 1].year > s->years[j].year;
             j--) {
            nbl_incidents_year t = s->years[j];
            s->years[j] = s->years[j - 1];
            s->years[j - 1] = t;
        }
    /* the (year, category) pairs present, each once, in (year, name)
     * order */
    qsort(pk, npairs, sizeof *pk, cmp_u32);
    {
        size_t u = 0;
        for (size_t i = 0; i < npairs; i++)
            if (u == 0 || pk[u - 1] != pk[i])
                pk[u++] = pk[i];
        npairs = u;
        for (size_t i = 0; i < npairs; i++) {
            pairs[i].year = (int)(pk[i] >> 16);
            pairs[i].category = m->cats[m->by_rank[pk[i] & 0xffff]];
        }
    }
    s->rows_stored = (long long)nrows;
    if (nbl__buf_printf(&detail,
                        "{\"assigned\":%lld,\"outside\":%lld,\"no_date\":%lld,"
                        "\"no_date_inside\":%lld,\"no_coords\":%lld,"
                        "\"no_category\":%lld,\"areas\":%zu,\"counts\":%zu}",
                        s->assigned, s->outside, s->no_date, s->no_date_inside,
                        s->no_coords, s->no_category, m->n_areas, nrows)) {
        rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = nbl__store_begin(m->ws)))
        goto done;
    if ((rc = nbl__store_incidents_write(m->ws, pairs, npairs, rows, nrows)) ||
        (rc = nbl__store_log_run(
             m->ws, "incidents", m->src, (long)s->read, (long)s->assigned,
             (long)(s->read - s->assigned), -1, detail.s)) ||
        (rc = nbl__store_commit(m->ws)))
        nbl__store_rollback(m->ws);
done:
    nbl__buf_free(&detail);
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
    m->pip = nbl__pip_new();
    if (!m->pip) {
        rc = nbl__error(m->ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    m->cat_unspec = cat_intern(m, "unspecified", 11, src);
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
    rc = has_ext(src, ".csv") ? read_csv(m, opts) : read_ogr(m, opts);
    if (rc)
        goto done;
    if (summary->read > 0 && summary->assigned + summary->no_date_inside == 0)
        nbl__warn(m->ctx,
                  "%s: no point lies inside an area; is the CRS "
                  "right (--src-crs)?",
                  src);
    if (m->warn_coords > MAX_WARN)
        nbl__warn(m->ctx, "%s: %d more points without usable coordinates", src,
                  m->warn_coords - MAX_WARN);
    if (m->warn_date > MAX_WARN)
        nbl__warn(m->ctx, "%s: %d more points without a usable year or date",
                  src, m->warn_date - MAX_WARN);
    rc = write_counts(m);
done:
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
    if (summary == &local)
        nbl_incidents_summary_clear(&local);
    return rc;
}
