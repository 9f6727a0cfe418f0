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
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/profile.h"
#include "util/util.h"

/* --- the data table ------------------------------------------------------ */

int
nbl__pdata_alloc(nbl__pdata *d, size_t n_areas, int year0, int n_years,
                 const char *const *vars, size_t n_vars)
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
    d->v = malloc((n ? n : 1) * sizeof *d->v);
    if (!d->area_id || !d->municipality || !d->region || !d->muni || !d->vars ||
        !d->v) {
        nbl__pdata_free(d);
        return NBL_ENOMEM;
    }
    for (i = 0; i < n; i++)
        d->v[i] = NAN;
    for (i = 0; i < n_vars; i++)
        if (!(d->vars[i] = nbl__strdup(vars[i]))) {
            nbl__pdata_free(d);
            return NBL_ENOMEM;
        }
    return NBL_OK;
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

/* Grows *arr (elements of size sz) to hold at least n + 1. */
static int
grow(void **arr, size_t *cap, size_t n, size_t sz)
{
    if (n + 1 > *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        void *g = realloc(*arr, nc * sz);
        if (!g)
            return NBL_ENOMEM;
        *arr = g;
        *cap = nc;
    }
    return NBL_OK;
}

int
nbl__pdata_add_ref(nbl__pdata *d, const char *scope, const char *code, int year,
                   const char *variable, double value)
{
    nbl__pref *r;
    if (grow((void **)&d->refs, &d->cap_refs, d->n_refs, sizeof *r))
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
    if (grow((void **)&d->cats, &d->cap_cats, d->n_cats, sizeof *d->cats) ||
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
    char *c = intern_cat(d, category ? category : "");
    if (!c || grow((void **)&d->inc, &d->cap_inc, d->n_inc, sizeof *r))
        return NBL_ENOMEM;
    r = &d->inc[d->n_inc++];
    r->area = area;
    r->year = year;
    r->n = n;
    r->category = c;
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

/* One indicator in one year, and the per-municipality sums it pools. */
typedef struct ind_year {
    const nbl__pdata *d;
    const nbl__profile_cfg *cfg;
    const nbl__indicator *in;
    size_t i; /* indicator index */
    int y, year, k_pop;
    ivars iv;
    double *pnum, *pden;    /* pooled numerator and denominator */
    double *sum, *sq, *cnt; /* over the scored areas with a value */
} ind_year;

static nbl__prow *
row_of(const ind_year *c, nbl__prow *rows, size_t a)
{
    return &rows[(a * (size_t)c->d->n_years + (size_t)c->y) * c->cfg->n_ind +
                 c->i];
}

/* Each area's value and status; the municipal pooled sums. */
static void
ind_values(ind_year *c, const double *safety_index, nbl__prow *rows)
{
    const nbl__pdata *d = c->d;
    const nbl__indicator *in = c->in;
    size_t ny = (size_t)d->n_years;
    for (size_t a = 0; a < d->n_areas; a++) {
        nbl__prow *r = row_of(c, rows, a);
        double num, den;
        r->value = r->reference = r->sd_distance = r->change = NAN;
        r->points = -1;
        if (in->source == NBL__SRC_SAFETY) {
            r->value = safety_index ? safety_index[a * ny + (size_t)c->y] : NAN;
            r->status = isnan(r->value) ? NBL__ST_MISSING : NBL__ST_OK;
            continue;
        }
        r->status = window_sums(d, in, &c->iv, a, c->year, &num, &den);
        if (r->status != NBL__ST_MISSING && d->muni[a] >= 0) {
            c->pnum[d->muni[a]] += num;
            c->pden[d->muni[a]] += den;
        }
        if (r->status == NBL__ST_OK) {
            r->value =
                transform(in, num / den, relative_rate(d, in, a, c->year));
            if (isnan(r->value))
                r->status = NBL__ST_MISSING;
        }
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
ind_in_sd(const ind_year *c, const nbl__prow *r, size_t a)
{
    return c->d->muni[a] >= 0 && r->status == NBL__ST_OK &&
           scored_area(c->d, c->cfg, c->k_pop, a, c->year);
}

/* References, then each municipality's mean and squared deviations. */
static void
ind_references(ind_year *c, nbl__prow *rows)
{
    const nbl__pdata *d = c->d;
    for (size_t a = 0; a < d->n_areas; a++) {
        nbl__prow *r = row_of(c, rows, a);
        r->reference = ind_reference(c, a);
        if (ind_in_sd(c, r, a)) {
            c->sum[d->muni[a]] += r->value;
            c->cnt[d->muni[a]] += 1;
        }
    }
    for (size_t a = 0; a < d->n_areas; a++) {
        nbl__prow *r = row_of(c, rows, a);
        int m = d->muni[a];
        if (ind_in_sd(c, r, a)) {
            double dev = r->value - c->sum[m] / c->cnt[m];
            c->sq[m] += dev * dev;
        }
    }
}

/* SD distances from the reference and the points of the scored areas. */
static void
ind_points(const ind_year *c, nbl__prow *rows)
{
    const nbl__pdata *d = c->d;
    for (size_t a = 0; a < d->n_areas; a++) {
        nbl__prow *r = row_of(c, rows, a);
        int m = d->muni[a];
        double sd;
        if (m < 0 || r->status != NBL__ST_OK || isnan(r->reference) ||
            c->cnt[m] < 2)
            continue;
        sd = sqrt(c->sq[m] / c->cnt[m]);
        if (!(sd > 0))
            continue;
        r->sd_distance = c->in->direction * (r->value - r->reference) / sd;
        if (scored_area(d, c->cfg, c->k_pop, a, c->year))
            r->points = nbl__profile_points(c->cfg->steps, r->sd_distance);
    }
}

/* One indicator, one year: values, references, SD distances, points. */
static int
run_indicator(const nbl__pdata *d, const nbl__profile_cfg *cfg, size_t i, int y,
              const double *safety_index, nbl__prow *rows)
{
    size_t nm = d->n_munis ? d->n_munis : 1;
    ind_year c = {.d = d,
                  .cfg = cfg,
                  .in = &cfg->ind[i],
                  .i = i,
                  .y = y,
                  .year = d->year0 + y,
                  .k_pop = nbl__pdata_var(d, "pop")};
    int ok;
    c.iv.num = nbl__pdata_var(d, c.in->numerator);
    c.iv.den = nbl__pdata_var(d, c.in->denominator);
    c.iv.mean = nbl__pdata_var(d, c.in->mean_variable);
    c.pnum = calloc(nm, sizeof *c.pnum);
    c.pden = calloc(nm, sizeof *c.pden);
    c.sum = calloc(nm, sizeof *c.sum);
    c.sq = calloc(nm, sizeof *c.sq);
    c.cnt = calloc(nm, sizeof *c.cnt);
    ok = c.pnum && c.pden && c.sum && c.sq && c.cnt;
    if (ok) {
        ind_values(&c, safety_index, rows);
        ind_references(&c, rows);
        ind_points(&c, rows);
    }
    free(c.pnum);
    free(c.pden);
    free(c.sum);
    free(c.sq);
    free(c.cnt);
    return ok ? NBL_OK : NBL_ENOMEM;
}

int
nbl__profile_run(const nbl__pdata *d, const nbl__profile_cfg *cfg,
                 const double *safety_index, nbl__prow *rows,
                 nbl__pscore *scores)
{
    size_t a, i, ni = cfg->n_ind, ny = (size_t)d->n_years;
    size_t nm = d->n_munis ? d->n_munis : 1;
    int y, rc, k_pop = nbl__pdata_var(d, "pop");
    unsigned char *present = malloc(nm * (ni ? ni : 1));
    if (!present)
        return NBL_ENOMEM;
    for (y = 0; y < d->n_years; y++)
        for (i = 0; i < ni; i++)
            if ((rc = run_indicator(d, cfg, i, y, safety_index, rows))) {
                free(present);
                return rc;
            }
    for (y = 0; y < d->n_years; y++) {
        /* present[m * ni + i]: some area of municipality m has a value of
         * indicator i this year; an indicator nobody in the municipality
         * has is not part of its profile that year (not "missing"). */
        memset(present, 0, nm * (ni ? ni : 1));
        for (a = 0; a < d->n_areas; a++)
            for (i = 0; i < ni && d->muni[a] >= 0; i++)
                if (rows[(a * ny + (size_t)y) * ni + i].status == NBL__ST_OK)
                    present[(size_t)d->muni[a] * ni + i] = 1;
        for (a = 0; a < d->n_areas; a++) {
            nbl__pscore *s = &scores[a * ny + (size_t)y];
            int sum = 0, miss = 0, used = 0, m = d->muni[a];
            for (i = 0; i < ni; i++) {
                nbl__prow *r = &rows[(a * ny + (size_t)y) * ni + i];
                if (y > 0) {
                    nbl__prow *p = &rows[(a * ny + (size_t)y - 1) * ni + i];
                    if (r->status == NBL__ST_OK && p->status == NBL__ST_OK)
                        r->change = r->value - p->value;
                }
                if (!cfg->ind[i].scored || m < 0 ||
                    !present[(size_t)m * ni + i])
                    continue;
                used++;
                if (r->points < 0)
                    miss++;
                else
                    sum += r->points;
            }
            s->n_missing = miss;
            s->points = s->band = -1;
            if (m < 0 || used == 0 ||
                !scored_area(d, cfg, k_pop, a, d->year0 + y) ||
                miss > cfg->max_missing)
                continue;
            s->points = sum;
            s->band = nbl__profile_band(cfg->bands, sum);
        }
    }
    free(present);
    return NBL_OK;
}
