/*
 * safety.c - the safety index, pure C over nbl__pdata. Per area A, year t
 * and reference R (the municipality pooled over its areas, or imported):
 *   s = mean of survey_safe/survey_n and survey_safe_night/survey_n over
 *       the parts present for both A and R
 *   perceived  = 100 * s(A) / s(R)
 *   problems   = 100 * (1 - q(A)) / (1 - q(R)),  q = survey_problems/survey_n
 *   registered = clip(100 * (2 - r(A) / r(R)), 0, 200),
 *       r = 1000 * sum_c w_c * incidents_c / pop
 *   index = sum w_i x_i / sum w_i over the sub-indices present.
 * Areas with survey_n < min_respondents get no perceived, problems or flags
 * (their answers still count in the pooled reference). Registered needs
 * incident counts for some area of the municipality that year (then an
 * area without a count had none); otherwise it is missing, never zero.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/safety.h"
#include "util/util.h"

int
nbl__safety_band(const double bands[3], double index)
{
    if (isnan(index))
        return -1;
    if (index >= bands[0])
        return 0;
    if (index >= bands[1])
        return 1;
    if (index >= bands[2])
        return 2;
    return 3;
}

/* Pooled reference sums of one municipality. */
typedef struct pool {
    double safe, safe_n, night, night_n, prob, prob_n, inc, pop;
    int has_inc;
} pool;

enum { V_POP, V_N, V_SAFE, V_NIGHT, V_PROB, V_COUNT };

static double
share(double num, double den)
{
    return (!isnan(num) && !isnan(den) && den > 0) ? num / den : NAN;
}

static int
cat_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Imported reference for municipality code, year: fills the shares and r.
 * cats: the n_cats distinct incident categories counted that year, each of
 * which needs a reference incidents_<category>. */
static void
imported_ref(const nbl__pdata *d, const nbl__safety_cfg *cfg, const char *code,
             int year, const char *const *cats, size_t n_cats, double *ss,
             double *sn, double *q, double *r)
{
    const char *sc = "municipality";
    double n = nbl__pdata_ref(d, sc, code, year, "survey_n");
    double pop = nbl__pdata_ref(d, sc, code, year, "pop");
    double inc = 0;
    size_t i;
    *ss = share(nbl__pdata_ref(d, sc, code, year, "survey_safe"), n);
    *sn = share(nbl__pdata_ref(d, sc, code, year, "survey_safe_night"), n);
    *q = share(nbl__pdata_ref(d, sc, code, year, "survey_problems"), n);
    for (i = 0; i < n_cats; i++) {
        char var[300];
        double v;
        snprintf(var, sizeof var, "incidents_%s", cats[i]);
        v = nbl__pdata_ref(d, sc, code, year, var);
        if (isnan(v)) {
            inc = NAN;
            break;
        }
        inc += nbl__safety_category_weight(cfg, cats[i]) * v;
    }
    *r = (!isnan(inc) && !isnan(pop) && pop > 0) ? 1000 * inc / pop : NAN;
}

/* What one year's computation works on. */
typedef struct year_ctx {
    const nbl__pdata *d;
    const nbl__safety_cfg *cfg;
    int year, k[V_COUNT]; /* variable indices of the V_ values */
    pool *P;              /* per municipality */
    double *winc;         /* per area: category-weighted incidents */
    const char **cats;    /* distinct incident categories of the year */
    size_t n_cats;
} year_ctx;

/* Weighted incidents per area, which municipalities have incident counts,
 * and the distinct categories counted in the year. */
static void
year_incidents(year_ctx *c)
{
    const nbl__pdata *d = c->d;
    size_t i, u = 0;
    for (i = 0; i < d->n_inc; i++) {
        const nbl__pinc *in = &d->inc[i];
        if (in->year != c->year || in->area >= d->n_areas)
            continue;
        c->winc[in->area] +=
            nbl__safety_category_weight(c->cfg, in->category) * in->n;
        if (d->muni[in->area] >= 0)
            c->P[d->muni[in->area]].has_inc = 1;
        c->cats[c->n_cats++] = in->category;
    }
    if (c->n_cats)
        qsort(c->cats, c->n_cats, sizeof *c->cats, cat_cmp);
    for (i = 0; i < c->n_cats; i++)
        if (u == 0 || strcmp(c->cats[u - 1], c->cats[i]) != 0)
            c->cats[u++] = c->cats[i];
    c->n_cats = u;
}

/* The municipalities' pooled survey answers, incidents and residents. */
static void
year_pools(year_ctx *c)
{
    const nbl__pdata *d = c->d;
    for (size_t a = 0; a < d->n_areas; a++) {
        double v[V_COUNT];
        pool *p;
        if (d->muni[a] < 0)
            continue;
        p = &c->P[d->muni[a]];
        for (int i = 0; i < V_COUNT; i++)
            v[i] = nbl__pdata_get(d, a, c->year, c->k[i]);
        if (!isnan(v[V_N]) && !isnan(v[V_SAFE])) {
            p->safe += v[V_SAFE];
            p->safe_n += v[V_N];
        }
        if (!isnan(v[V_N]) && !isnan(v[V_NIGHT])) {
            p->night += v[V_NIGHT];
            p->night_n += v[V_N];
        }
        if (!isnan(v[V_N]) && !isnan(v[V_PROB])) {
            p->prob += v[V_PROB];
            p->prob_n += v[V_N];
        }
        if (!isnan(v[V_POP])) {
            p->inc += c->winc[a];
            p->pop += v[V_POP];
        }
    }
}

/* The perceived and problems sub-indices and the flags of an area with
 * enough respondents, against the reference shares ss, sn, q. */
static void
survey_parts(const nbl__safety_cfg *cfg, const double v[V_COUNT], double ss,
             double sn, double q, nbl__srow *r)
{
    double as = share(v[V_SAFE], v[V_N]), an = share(v[V_NIGHT], v[V_N]);
    double aq = share(v[V_PROB], v[V_N]), sa = 0, sr = 0;
    int parts = 0;
    if (!isnan(as) && !isnan(ss)) {
        sa += as;
        sr += ss;
        parts++;
    }
    if (!isnan(an) && !isnan(sn)) {
        sa += an;
        sr += sn;
        parts++;
    }
    if (parts && sr > 0)
        r->perceived = 100 * (sa / parts) / (sr / parts);
    if (!isnan(aq) && !isnan(q) && q < 1)
        r->problems = 100 * (1 - aq) / (1 - q);
    if (!isnan(as))
        r->flag_safe = 100 * as < cfg->flag_safe;
    if (!isnan(an))
        r->flag_night = 100 * an < cfg->flag_night;
}

/* The index: the weighted mean of the sub-indices present, its band, and
 * whether the row has anything to show. */
static void
combine(const nbl__safety_cfg *cfg, nbl__srow *r)
{
    double wsum = 0, isum = 0;
    if (!isnan(r->perceived)) {
        wsum += cfg->w_perceived;
        isum += cfg->w_perceived * r->perceived;
    }
    if (!isnan(r->problems)) {
        wsum += cfg->w_problems;
        isum += cfg->w_problems * r->problems;
    }
    if (!isnan(r->registered)) {
        wsum += cfg->w_registered;
        isum += cfg->w_registered * r->registered;
    }
    if (wsum > 0)
        r->index = isum / wsum;
    r->band = nbl__safety_band(cfg->bands, r->index);
    r->has_data = !isnan(r->perceived) || !isnan(r->problems) ||
                  !isnan(r->registered) || r->flag_safe >= 0 ||
                  r->flag_night >= 0;
}

/* One area's row of the year. */
static void
area_row(const year_ctx *c, size_t a, nbl__srow *r)
{
    const nbl__pdata *d = c->d;
    const nbl__safety_cfg *cfg = c->cfg;
    int m = d->muni[a];
    double v[V_COUNT], ss, sn, q, rr;
    r->perceived = r->problems = r->registered = r->index = NAN;
    r->band = r->flag_safe = r->flag_night = -1;
    r->has_data = 0;
    if (m < 0)
        return;
    for (int i = 0; i < V_COUNT; i++)
        v[i] = nbl__pdata_get(d, a, c->year, c->k[i]);
    if (cfg->imported_ref) {
        imported_ref(d, cfg, d->municipality[a], c->year, c->cats, c->n_cats,
                     &ss, &sn, &q, &rr);
    } else {
        ss = share(c->P[m].safe, c->P[m].safe_n);
        sn = share(c->P[m].night, c->P[m].night_n);
        q = share(c->P[m].prob, c->P[m].prob_n);
        rr = c->P[m].pop > 0 ? 1000 * c->P[m].inc / c->P[m].pop : NAN;
    }
    if (!isnan(v[V_N]) && v[V_N] > 0 && v[V_N] >= cfg->min_respondents)
        survey_parts(cfg, v, ss, sn, q, r);
    if (c->P[m].has_inc && !isnan(v[V_POP]) && v[V_POP] > 0 && !isnan(rr) &&
        rr > 0) {
        double x = 100 * (2 - (1000 * c->winc[a] / v[V_POP]) / rr);
        r->registered = x < 0 ? 0 : x > 200 ? 200 : x;
    }
    combine(cfg, r);
}

static int
run_year(const nbl__pdata *d, const nbl__safety_cfg *cfg, int y,
         nbl__srow *rows)
{
    static const char *names[V_COUNT] = {"pop", "survey_n", "survey_safe",
                                         "survey_safe_night",
                                         "survey_problems"};
    size_t nm = d->n_munis ? d->n_munis : 1;
    year_ctx c = {d, cfg, d->year0 + y, {0}, NULL, NULL, NULL, 0};
    c.P = calloc(nm, sizeof *c.P);
    c.winc = calloc(d->n_areas ? d->n_areas : 1, sizeof *c.winc);
    c.cats = malloc((d->n_inc ? d->n_inc : 1) * sizeof *c.cats);
    int ok = c.P && c.winc && c.cats;
    if (ok) {
        for (int i = 0; i < V_COUNT; i++)
            c.k[i] = nbl__pdata_var(d, names[i]);
        year_incidents(&c);
        year_pools(&c);
        for (size_t a = 0; a < d->n_areas; a++)
            area_row(&c, a, &rows[a * (size_t)d->n_years + (size_t)y]);
    }
    free(c.P);
    free(c.winc);
    free(c.cats);
    return ok ? NBL_OK : NBL_ENOMEM;
}

int
nbl__safety_run(const nbl__pdata *d, const nbl__safety_cfg *cfg,
                nbl__srow *rows)
{
    int y, rc;
    for (y = 0; y < d->n_years; y++)
        if ((rc = run_year(d, cfg, y, rows)))
            return rc;
    return NBL_OK;
}
