/*
 * profile.c - the area profile, pure C over nbl__pdata (see profile.h and
 * docs/profile.md for the formulas). For each indicator, area and year:
 *   rate       = sum of numerators / sum of denominators over the window
 *                (every year present; the mean variable stands in for a
 *                missing numerator as mean x denominator)
 *   value      = unit multiplier x rate [/ rate of the region or country]
 *   reference  = the same for the municipality pooled over its areas (or
 *                imported, or fixed)
 *   SD         = population SD (divisor n) of the values of the
 *                municipality's scored areas with status ok; needs n >= 2
 *   sd_distance = direction x (value - reference) / SD  (positive = worse)
 *   points     = 0..3 by steps (lower bounds inclusive), scored areas only
 * Invariants: missing inputs are never zero; full precision is kept.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/profile.h"
#include "util/util.h"

/* --- the data table ------------------------------------------------------ */

int
nbl__pdata_alloc_take(nbl__pdata *d, size_t n_areas, int year0, int n_years,
                      const char *const *vars, size_t n_vars, double *v)
{
    size_t i, n;
    memset(d, 0, sizeof *d);
    d->n_areas = n_areas;
    d->year0 = year0;
    d->n_years = n_years > 0 ? n_years : 0;
    d->n_vars = n_vars;
    n = n_areas * (size_t)d->n_years * n_vars;
    d->area_id = calloc(n_areas ? n_areas : 1, sizeof *d->area_id);
    d->municipality = calloc(n_areas ? n_areas : 1, sizeof *d->municipality);
    d->region = calloc(n_areas ? n_areas : 1, sizeof *d->region);
    d->muni = calloc(n_areas ? n_areas : 1, sizeof *d->muni);
    d->vars = calloc(n_vars ? n_vars : 1, sizeof *d->vars);
    d->v = v ? v : malloc((n ? n : 1) * sizeof *d->v);
    if (!d->area_id || !d->municipality || !d->region || !d->muni || !d->vars ||
        !d->v) {
        nbl__pdata_free(d);
        return NBL_ENOMEM;
    }
    for (i = 0; !v && i < n; i++)
        d->v[i] = NAN;
    for (i = 0; i < n_vars; i++)
        if (!(d->vars[i] = nbl__strdup(vars[i]))) {
            nbl__pdata_free(d);
            return NBL_ENOMEM;
        }
    return NBL_OK;
}

int
nbl__pdata_alloc(nbl__pdata *d, size_t n_areas, int year0, int n_years,
                 const char *const *vars, size_t n_vars)
{
    return nbl__pdata_alloc_take(d, n_areas, year0, n_years, vars, n_vars,
                                 NULL);
}

int
nbl__pdata_set_area(nbl__pdata *d, size_t a, const char *id,
                    const char *municipality, const char *region)
{
    d->area_id[a] = nbl__strdup(id);
    d->municipality[a] = municipality ? nbl__strdup(municipality) : NULL;
    d->region[a] = region ? nbl__strdup(region) : NULL;
    if (!d->area_id[a] || (municipality && !d->municipality[a]) ||
        (region && !d->region[a]))
        return NBL_ENOMEM;
    return NBL_OK;
}

int
nbl__pdata_add_ref(nbl__pdata *d, const char *scope, const char *code, int year,
                   const char *variable, double value)
{
    nbl__pref *r;
    if (nbl__grow((void **)&d->refs, &d->cap_refs, d->n_refs + 1, sizeof *r))
        return NBL_ENOMEM;
    r = &d->refs[d->n_refs];
    r->scope = nbl__strdup(scope);
    r->code = nbl__strdup(code ? code : "");
    r->variable = nbl__strdup(variable);
    r->year = year;
    r->value = value;
    d->n_refs++;
    if (!r->scope || !r->code || !r->variable)
        return NBL_ENOMEM;
    return NBL_OK;
}

/* The kept copy of category (d->cats), added when new; NULL when out of
 * memory. The categories are few and the counts many (640,000 at national
 * scale): each count points to its category's one copy. */
static char *
intern_cat(nbl__pdata *d, const char *category)
{
    size_t lo = 0, hi = d->n_cats;
    char *c;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(d->cats[mid], category);
        if (r == 0)
            return d->cats[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (nbl__grow((void **)&d->cats, &d->cap_cats, d->n_cats + 1,
                  sizeof *d->cats) ||
        !(c = nbl__strdup(category)))
        return NULL;
    memmove(&d->cats[lo + 1], &d->cats[lo], (d->n_cats - lo) * sizeof *d->cats);
    d->cats[lo] = c;
    d->n_cats++;
    return c;
}

int
nbl__pdata_add_inc(nbl__pdata *d, size_t area, int year, const char *category,
                   double n)
{
    nbl__pinc *r;
    char *c;
    if (area > UINT_MAX)
        return NBL_EINVAL;
    c = intern_cat(d, category ? category : "");
    if (!c || nbl__grow((void **)&d->inc, &d->cap_inc, d->n_inc + 1, sizeof *r))
        return NBL_ENOMEM;
    r = &d->inc[d->n_inc++];
    r->area = (unsigned)area;
    r->year = year;
    r->n = n;
    r->category = c;
    return NBL_OK;
}

int
nbl__pdata_reserve_inc(nbl__pdata *d, size_t n)
{
    nbl__pinc *g;
    if (n <= d->cap_inc)
        return NBL_OK;
    if (n > SIZE_MAX / sizeof *g || !(g = realloc(d->inc, n * sizeof *g)))
        return NBL_ENOMEM;
    d->inc = g;
    d->cap_inc = n;
    return NBL_OK;
}

static int
ref_cmp(const void *pa, const void *pb)
{
    const nbl__pref *a = pa, *b = pb;
    int c = strcmp(a->scope, b->scope);
    if (!c)
        c = strcmp(a->code, b->code);
    if (!c)
        c = (a->year > b->year) - (a->year < b->year);
    if (!c)
        c = strcmp(a->variable, b->variable);
    return c;
}

static int
str_cmp(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

int
nbl__pdata_index(nbl__pdata *d)
{
    char **codes;
    size_t a, n = 0, u = 0;
    if (d->n_refs)
        qsort(d->refs, d->n_refs, sizeof *d->refs, ref_cmp);
    codes = malloc((d->n_areas ? d->n_areas : 1) * sizeof *codes);
    if (!codes)
        return NBL_ENOMEM;
    for (a = 0; a < d->n_areas; a++)
        if (d->municipality[a])
            codes[n++] = d->municipality[a];
    if (n)
        qsort(codes, n, sizeof *codes, str_cmp);
    for (a = 0; a < n; a++)
        if (u == 0 || strcmp(codes[u - 1], codes[a]) != 0)
            codes[u++] = codes[a];
    for (a = 0; a < d->n_areas; a++) {
        char **hit = NULL;
        if (d->municipality[a])
            hit =
                bsearch(&d->municipality[a], codes, u, sizeof *codes, str_cmp);
        d->muni[a] = hit ? (int)(hit - codes) : -1;
    }
    d->n_munis = u;
    free(codes);
    return NBL_OK;
}

void
nbl__pdata_free(nbl__pdata *d)
{
    size_t i;
    if (!d)
        return;
    for (i = 0; d->area_id && i < d->n_areas; i++) {
        free(d->area_id[i]);
        if (d->municipality)
            free(d->municipality[i]);
        if (d->region)
            free(d->region[i]);
    }
    free(d->area_id);
    free(d->municipality);
    free(d->region);
    free(d->muni);
    for (i = 0; d->vars && i < d->n_vars; i++)
        free(d->vars[i]);
    free(d->vars);
    free(d->v);
    for (i = 0; i < d->n_refs; i++) {
        free(d->refs[i].scope);
        free(d->refs[i].code);
        free(d->refs[i].variable);
    }
    free(d->refs);
    for (i = 0; i < d->n_cats; i++)
        free(d->cats[i]);
    free(d->cats);
    free(d->inc);
    memset(d, 0, sizeof *d);
}

int
nbl__pdata_var(const nbl__pdata *d, const char *name)
{
    size_t i;
    if (!name)
        return -1;
    for (i = 0; i < d->n_vars; i++)
        if (strcmp(d->vars[i], name) == 0)
            return (int)i;
    return -1;
}

double
nbl__pdata_get(const nbl__pdata *d, size_t a, int year, int k)
{
    int y = year - d->year0;
    if (k < 0 || y < 0 || y >= d->n_years || a >= d->n_areas)
        return NAN;
    return d->v[((a * (size_t)d->n_years) + (size_t)y) * d->n_vars + (size_t)k];
}

double *
nbl__pdata_cell(nbl__pdata *d, size_t a, int year, int k)
{
    int y = year - d->year0;
    return &d->v[((a * (size_t)d->n_years) + (size_t)y) * d->n_vars +
                 (size_t)k];
}

double
nbl__pdata_ref(const nbl__pdata *d, const char *scope, const char *code,
               int year, const char *variable)
{
    nbl__pref key, *hit;
    size_t i;
    if (!variable)
        return NAN;
    if (!code) { /* any code of the scope (the one country) */
        for (i = 0; i < d->n_refs; i++)
            if (strcmp(d->refs[i].scope, scope) == 0 &&
                d->refs[i].year == year &&
                strcmp(d->refs[i].variable, variable) == 0)
                return d->refs[i].value;
        return NAN;
    }
    key.scope = (char *)scope;
    key.code = (char *)code;
    key.year = year;
    key.variable = (char *)variable;
    hit = d->n_refs
              ? bsearch(&key, d->refs, d->n_refs, sizeof *d->refs, ref_cmp)
              : NULL;
    return hit ? hit->value : NAN;
}

/* --- names --------------------------------------------------------------- */

const char *
nbl__status_name(nbl__status s)
{
    switch (s) {
    case NBL__ST_OK:
        return "ok";
    case NBL__ST_MISSING:
        return "missing";
    default:
        return "not_evaluable";
    }
}

const char *
nbl__band_name(int band)
{
    static const char *names[4] = {"green", "yellow", "orange", "red"};
    return band >= 0 && band < 4 ? names[band] : NULL;
}

int
nbl__profile_points(const double steps[3], double d)
{
    if (d >= steps[2])
        return 3;
    if (d >= steps[1])
        return 2;
    if (d >= steps[0])
        return 1;
    return 0;
}

int
nbl__profile_band(const double bands[3], int points)
{
    if (points >= bands[2])
        return 3;
    if (points >= bands[1])
        return 2;
    if (points >= bands[0])
        return 1;
    return 0;
}

/* --- the computation ----------------------------------------------------- */

typedef struct ivars {
    int num, den, mean; /* variable indices, -1 when absent */
} ivars;

static double
unit_mult(nbl__unit u)
{
    return u == NBL__UNIT_PER_1000 ? 1000.0 : 100.0;
}

/* Numerator and denominator of area a summed over the window ending at
 * year; returns the status (missing when any input is missing). */
static nbl__status
window_sums(const nbl__pdata *d, const nbl__indicator *in, const ivars *iv,
            size_t a, int year, double *num, double *den)
{
    int yy;
    *num = *den = 0;
    for (yy = year - in->window + 1; yy <= year; yy++) {
        double n = nbl__pdata_get(d, a, yy, iv->num);
        double q = nbl__pdata_get(d, a, yy, iv->den);
        if (isnan(n) && iv->mean >= 0 && !isnan(q))
            n = nbl__pdata_get(d, a, yy, iv->mean) * q;
        if (isnan(n) || isnan(q))
            return NBL__ST_MISSING;
        *num += n;
        *den += q;
    }
    if (*den <= 0 || *den < in->min_denominator)
        return NBL__ST_NOT_EVALUABLE;
    return NBL__ST_OK;
}

/* The rate of a reference unit (refs scope/code) over the window, NAN when
 * any input is missing or the denominator is 0. code NULL: any code. */
static double
ref_rate(const nbl__pdata *d, const nbl__indicator *in, const char *scope,
         const char *code, int year)
{
    double num = 0, den = 0;
    int yy;
    for (yy = year - in->window + 1; yy <= year; yy++) {
        double n = nbl__pdata_ref(d, scope, code, yy, in->numerator);
        double q = nbl__pdata_ref(d, scope, code, yy, in->denominator);
        if (isnan(n) && in->mean_variable && !isnan(q))
            n = nbl__pdata_ref(d, scope, code, yy, in->mean_variable) * q;
        if (isnan(n) && isnan(q) && in->mean_variable && in->window == 1)
            return nbl__pdata_ref(d, scope, code, yy, in->mean_variable);
        if (isnan(n) || isnan(q))
            return NAN;
        num += n;
        den += q;
    }
    return den > 0 ? num / den : NAN;
}

/* The rate the area's values are divided by (relative_to), 1 when none. */
static double
relative_rate(const nbl__pdata *d, const nbl__indicator *in, size_t a, int year)
{
    if (in->relative_to == NBL__REL_NONE)
        return 1.0;
    if (in->relative_to == NBL__REL_REGION)
        return d->region[a] ? ref_rate(d, in, "region", d->region[a], year)
                            : NAN;
    return ref_rate(d, in, "country", NULL, year);
}

static double
transform(const nbl__indicator *in, double rate, double rel)
{
    if (isnan(rate) || isnan(rel) || rel == 0)
        return NAN;
    return unit_mult(in->unit) * rate / rel;
}

static int
scored_area(const nbl__pdata *d, const nbl__profile_cfg *cfg, int k_pop,
            size_t a, int year)
{
    double pop = nbl__pdata_get(d, a, year, k_pop);
    return !isnan(pop) && pop >= cfg->min_residents;
}

/* One indicator in one year and its slices of the prepared sums. */
typedef struct ind_year {
    const nbl__pdata *d;
    const nbl__profile_cfg *cfg;
    const nbl__indicator *in;
    size_t i; /* indicator index */
    int y, year, k_pop;
    ivars iv;               /* set when asked for (ind_year_of) */
    double *pnum, *pden;    /* pooled numerator and denominator */
    double *sum, *sq, *cnt; /* over the scored areas with a value */
} ind_year;

/* The context of indicator i in year y of p (with its variables' indices
 * when with_vars). */
static ind_year
ind_year_of(const nbl__pprep *p, size_t i, int y, int with_vars)
{
    size_t at = ((size_t)y * p->cfg->n_ind + i) * p->nm;
    ind_year c = {.d = p->d,
                  .cfg = p->cfg,
                  .in = &p->cfg->ind[i],
                  .i = i,
                  .y = y,
                  .year = p->d->year0 + y,
                  .k_pop = p->k_pop,
                  .iv = {-1, -1, -1},
                  .pnum = p->pnum + at,
                  .pden = p->pden + at,
                  .sum = p->sum + at,
                  .sq = p->sq + at,
                  .cnt = p->cnt + at};
    if (with_vars) {
        c.iv.num = nbl__pdata_var(p->d, c.in->numerator);
        c.iv.den = nbl__pdata_var(p->d, c.in->denominator);
        c.iv.mean = nbl__pdata_var(p->d, c.in->mean_variable);
    }
    return c;
}

/* Index of area a, year y, indicator i in p's value and status. */
static size_t
cell(const nbl__pprep *p, size_t a, int y, size_t i)
{
    return (a * (size_t)p->d->n_years + (size_t)y) * p->cfg->n_ind + i;
}

/* Each area's value and status; the municipal pooled sums. */
static void
prep_values(const nbl__pprep *p, ind_year *c)
{
    const nbl__pdata *d = c->d;
    const nbl__indicator *in = c->in;
    size_t ny = (size_t)d->n_years;
    for (size_t a = 0; a < d->n_areas; a++) {
        size_t k = cell(p, a, c->y, c->i);
        double num, den, value = NAN;
        nbl__status st;
        if (in->source == NBL__SRC_SAFETY) {
            value =
                p->safety_index ? p->safety_index[a * ny + (size_t)c->y] : NAN;
            st = isnan(value) ? NBL__ST_MISSING : NBL__ST_OK;
        } else {
            st = window_sums(d, in, &c->iv, a, c->year, &num, &den);
            if (st != NBL__ST_MISSING && d->muni[a] >= 0) {
                c->pnum[d->muni[a]] += num;
                c->pden[d->muni[a]] += den;
            }
            if (st == NBL__ST_OK) {
                value =
                    transform(in, num / den, relative_rate(d, in, a, c->year));
                if (isnan(value))
                    st = NBL__ST_MISSING;
            }
        }
        p->value[k] = value;
        p->status[k] = (unsigned char)st;
    }
}

/* The reference of area a (fixed, imported or the pooled municipality). */
static double
ind_reference(const ind_year *c, size_t a)
{
    const nbl__pdata *d = c->d;
    const nbl__indicator *in = c->in;
    int m = d->muni[a];
    if (in->reference == NBL__REF_FIXED)
        return in->reference_value;
    if (in->reference == NBL__REF_IMPORTED) {
        const char *code =
            in->ref_scope_region ? d->region[a] : d->municipality[a];
        if (!code)
            return NAN;
        return transform(
            in,
            ref_rate(d, in, in->ref_scope_region ? "region" : "municipality",
                     code, c->year),
            relative_rate(d, in, a, c->year));
    }
    if (m >= 0 && c->pden[m] > 0)
        return transform(in, c->pnum[m] / c->pden[m],
                         relative_rate(d, in, a, c->year));
    return NAN;
}

/* Whether area a counts in its municipality's standard deviation. */
static int
ind_in_sd(const nbl__pprep *p, const ind_year *c, size_t a)
{
    return c->d->muni[a] >= 0 &&
           p->status[cell(p, a, c->y, c->i)] == NBL__ST_OK &&
           scored_area(c->d, c->cfg, c->k_pop, a, c->year);
}

/* Each municipality's count, mean and squared deviations of the values,
 * and which municipalities have a value. */
static void
prep_sums(const nbl__pprep *p, ind_year *c)
{
    const nbl__pdata *d = c->d;
    size_t ni = c->cfg->n_ind;
    for (size_t a = 0; a < d->n_areas; a++)
        if (ind_in_sd(p, c, a)) {
            c->sum[d->muni[a]] += p->value[cell(p, a, c->y, c->i)];
            c->cnt[d->muni[a]] += 1;
        }
    for (size_t a = 0; a < d->n_areas; a++) {
        int m = d->muni[a];
        if (ind_in_sd(p, c, a)) {
            double dev =
                p->value[cell(p, a, c->y, c->i)] - c->sum[m] / c->cnt[m];
            c->sq[m] += dev * dev;
        }
        /* an indicator nobody in the municipality has is not part of its
         * profile that year (not "missing") */
        if (m >= 0 && p->status[cell(p, a, c->y, c->i)] == NBL__ST_OK)
            p->present[((size_t)c->y * p->nm + (size_t)m) * ni + c->i] = 1;
    }
}

void
nbl__pprep_free(nbl__pprep *p)
{
    if (!p)
        return;
    free(p->value);
    free(p->status);
    free(p->pnum);
    free(p->pden);
    free(p->sum);
    free(p->cnt);
    free(p->sq);
    free(p->present);
    memset(p, 0, sizeof *p);
}

int
nbl__profile_prepare(nbl__pprep *p, const nbl__pdata *d,
                     const nbl__profile_cfg *cfg, const double *safety_index)
{
    size_t ni = cfg->n_ind, ny = (size_t)d->n_years;
    size_t cells = d->n_areas * ny * ni, nm = d->n_munis ? d->n_munis : 1;
    size_t pooled = ny * ni * nm;
    memset(p, 0, sizeof *p);
    p->d = d;
    p->cfg = cfg;
    p->safety_index = safety_index;
    p->k_pop = nbl__pdata_var(d, "pop");
    p->nm = nm;
    p->value = malloc((cells ? cells : 1) * sizeof *p->value);
    p->status = malloc(cells ? cells : 1);
    pooled += pooled == 0;
    p->pnum = calloc(pooled, sizeof *p->pnum);
    p->pden = calloc(pooled, sizeof *p->pden);
    p->sum = calloc(pooled, sizeof *p->sum);
    p->cnt = calloc(pooled, sizeof *p->cnt);
    p->sq = calloc(pooled, sizeof *p->sq);
    p->present = calloc(pooled, 1);
    if (!p->value || !p->status || !p->pnum || !p->pden || !p->sum || !p->cnt ||
        !p->sq || !p->present) {
        nbl__pprep_free(p);
        return NBL_ENOMEM;
    }
    for (int y = 0; y < d->n_years; y++)
        for (size_t i = 0; i < ni; i++) {
            ind_year c = ind_year_of(p, i, y, 1);
            prep_values(p, &c);
            prep_sums(p, &c);
        }
    return NBL_OK;
}

/* Row r of area a, year y, indicator i; r - n_ind is the year before's. */
static void
area_row(const nbl__pprep *p, size_t a, int y, size_t i, nbl__prow *r)
{
    ind_year c = ind_year_of(p, i, y, 0);
    size_t k = cell(p, a, y, i);
    int m = p->d->muni[a];
    r->value = p->value[k];
    r->status = (nbl__status)p->status[k];
    r->reference = ind_reference(&c, a);
    r->sd_distance = r->change = NAN;
    r->points = -1;
    if (m >= 0 && r->status == NBL__ST_OK && !isnan(r->reference) &&
        c.cnt[m] >= 2) {
        double sd = sqrt(c.sq[m] / c.cnt[m]);
        if (sd > 0) {
            r->sd_distance = c.in->direction * (r->value - r->reference) / sd;
            if (scored_area(p->d, p->cfg, p->k_pop, a, c.year))
                r->points = nbl__profile_points(p->cfg->steps, r->sd_distance);
        }
    }
    if (y > 0) {
        const nbl__prow *q = r - p->cfg->n_ind;
        if (r->status == NBL__ST_OK && q->status == NBL__ST_OK)
            r->change = r->value - q->value;
    }
}

/* The score of area a in year y from its rows[n_ind] of that year. */
static void
area_score(const nbl__pprep *p, size_t a, int y, const nbl__prow *rows,
           nbl__pscore *s)
{
    const nbl__profile_cfg *cfg = p->cfg;
    size_t ni = cfg->n_ind;
    int sum = 0, miss = 0, used = 0, m = p->d->muni[a];
    for (size_t i = 0; i < ni; i++) {
        if (!cfg->ind[i].scored || m < 0 ||
            !p->present[((size_t)y * p->nm + (size_t)m) * ni + i])
            continue;
        used++;
        if (rows[i].points < 0)
            miss++;
        else
            sum += rows[i].points;
    }
    s->n_missing = miss;
    s->points = s->band = -1;
    if (m < 0 || used == 0 ||
        !scored_area(p->d, cfg, p->k_pop, a, p->d->year0 + y) ||
        miss > cfg->max_missing)
        return;
    s->points = sum;
    s->band = nbl__profile_band(cfg->bands, sum);
}

void
nbl__profile_area(const nbl__pprep *p, size_t a, nbl__prow *rows,
                  nbl__pscore *scores)
{
    size_t ni = p->cfg->n_ind;
    for (int y = 0; y < p->d->n_years; y++) {
        for (size_t i = 0; i < ni; i++)
            area_row(p, a, y, i, &rows[(size_t)y * ni + i]);
        area_score(p, a, y, &rows[(size_t)y * ni], &scores[y]);
    }
}

int
nbl__profile_run(const nbl__pdata *d, const nbl__profile_cfg *cfg,
                 const double *safety_index, nbl__prow *rows,
                 nbl__pscore *scores)
{
    size_t ny = (size_t)d->n_years, per = ny * cfg->n_ind;
    nbl__pprep p;
    int rc = nbl__profile_prepare(&p, d, cfg, safety_index);
    if (rc)
        return rc;
    for (size_t a = 0; a < d->n_areas; a++)
        nbl__profile_area(&p, a, rows + a * per, scores + a * ny);
    nbl__pprep_free(&p);
    return NBL_OK;
}
