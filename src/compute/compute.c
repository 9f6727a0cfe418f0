/*
 * compute.c - `nabolag compute`: loads the ruleset (with config overrides)
 * and the statistics/references it needs, evaluates every area for the
 * chosen year(s) and stores the results, all in one transaction (tables
 * criterion_results, category_results, rulesets, runs; meta
 * current_ruleset). The arithmetic lives in criteria.c.
 */
#include "nabolag/compute.h"
#include "nabolag/profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/criteria.h"
#include "util/ctx.h"
#include "model/ruleset.h"
#include "store/store.h"
#include "store/store_areas.h"
#include "store/store_compute.h"
#include "store/store_profile.h"
#include "store/store_statsread.h"
#include "compute/compute_internal.h"
#include "compute/profile_internal.h"
#include "model/indicators.h"
#include "model/profile.h"
#include "util/i18n.h"
#include "util/util.h"

void
nbl_compute_summary_free(nbl_compute_summary *s)
{
    if (!s)
        return;
    free(s->years);
    s->years = NULL;
    s->nyears = 0;
}

static int
has_year(const nbl__compute_data *d, int year)
{
    for (int i = 0; i < d->ndata_years; i++)
        if (d->data_years[i] == year)
            return 1;
    return 0;
}

/* The ruleset's criteria in the byte order of their ids, the order of
 * criterion_results' key within an area and year. */
static void
crit_order(const nbl__ruleset *rs, int *order)
{
    for (int i = 0; i < rs->ncrit; i++) {
        int j = i;
        for (; j > 0 && strcmp(rs->crit[order[j - 1]].id, rs->crit[i].id) > 0;
             j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
}

/* Stores the criteria and the category of area a in year. */
static int
put_area_year(nbl__compute_writer *w, const nbl__ruleset *rs, const int *order,
              const char *id, int year, const nbl__crit_result *res,
              const nbl__cat_result *cat)
{
    int rc = NBL_OK;
    for (int k = 0; k < rs->ncrit && !rc; k++) {
        const nbl__crit_result *x = &res[order[k]];
        rc = nbl__store_compute_put_criterion(
            w, id, year, rs->crit[order[k]].id, x->value, x->ratio,
            nbl__crit_status_name(x->status), x->met, x->met_low, x->threshold,
            x->threshold_low);
    }
    if (!rc)
        rc = nbl__store_compute_put_category(
            w, id, year, nbl_category_code((int)cat->category),
            cat->criteria_met, cat->criteria_not_evaluable,
            cat->criteria_needed, cat->criteria_met_low, cat->parallel_years,
            cat->omdannelse_years);
    return rc;
}

/* Evaluates every area in every year and stores the results area by area,
 * year by year, in the tables' key order. */
static int
evaluate(nbl_ws *ws, const nbl__ruleset *rs, const nbl__compute_data *d,
         const int *years, int nyears, nbl_compute_year *sum)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__compute_writer *w = NULL;
    nbl__crit_result res[NBL_RS_MAX_CRIT];
    nbl__cat_result cat;
    int order[NBL_RS_MAX_CRIT];
    size_t per_area = (size_t)d->nyears * (size_t)d->nvars;
    size_t done = 0, total = (size_t)nyears * d->nareas;
    int rc = nbl__store_compute_writer_new(ws, rs->name, rs->version, &w);
    if (rc)
        return rc;
    crit_order(rs, order);
    for (int k = 0; k < nyears; k++) {
        memset(&sum[k], 0, sizeof sum[k]);
        sum[k].year = years[k];
    }
    if ((rc = nbl__store_compute_clear(w, years, nyears)))
        goto done;
    for (size_t a = 0; a < d->nareas; a++) {
        nbl__crit_table t;
        int r = d->area_region[a];
        t.first_year = d->first_year;
        t.nyears = d->nyears;
        t.nvars = d->nvars;
        t.area = d->area + a * per_area;
        t.country = d->country;
        t.region = r >= 0 ? d->region + (size_t)r * per_area : NULL;
        for (int k = 0; k < nyears; k++, done++) {
            nbl__criteria_eval(rs, &t, years[k], res, &cat);
            if ((rc = put_area_year(w, rs, order, d->area_ids[a], years[k], res,
                                    &cat)))
                goto done;
            sum[k].areas[cat.category]++;
            if ((done & 255) == 0 &&
                (rc = nbl__progress(ctx, total ? (double)done / total : 1.0,
                                    "compute")))
                goto done;
        }
    }
    rc = nbl__progress(ctx, 1.0, "compute");
done:
    nbl__store_compute_writer_free(w);
    return rc;
}

/* The years to compute: opts->year, or every year with data. Fails when
 * there is nothing to compute. *years is malloc'ed. */
static int
choose_years(nbl_ws *ws, const nbl_compute_opts *opts,
             const nbl__compute_data *d, int **years, int *nyears)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    int year = opts ? opts->year : 0;
    *years = NULL;
    if (year && !has_year(d, year))
        return nbl__error(ctx, NBL_ENOTFOUND,
                          "%s: year %d: no statistics for that year",
                          nbl_ws_path(ws), year);
    *nyears = year ? 1 : d->ndata_years;
    if (*nyears == 0)
        return nbl__error(ctx, NBL_ENOTFOUND,
                          "%s: no statistics to compute from (import stats "
                          "first)",
                          nbl_ws_path(ws));
    if (d->nareas == 0)
        return nbl__error(ctx, NBL_ENOTFOUND,
                          "%s: no areas (import areas first)", nbl_ws_path(ws));
    if (!(*years = malloc((size_t)*nyears * sizeof **years)))
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if (year)
        (*years)[0] = year;
    else
        memcpy(*years, d->data_years, (size_t)*nyears * sizeof **years);
    return NBL_OK;
}

/* Records the ruleset (as INI text), makes it the current one and logs the
 * run. */
static int
record_run(nbl_ws *ws, const nbl__ruleset *rs, const nbl__compute_data *d,
           const int *years, int nyears)
{
    nbl__buf detail = {0};
    char *ini = nbl__ruleset_to_ini(rs);
    int rc;
    if (!ini)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    if (!(rc = nbl__store_compute_save_ruleset(ws, rs->name, rs->version,
                                               ini)) &&
        !(rc = nbl__store_meta_set(ws, "current_ruleset", rs->name))) {
        nbl__buf_printf(&detail, "{\"years\":[");
        for (int k = 0; k < nyears; k++)
            nbl__buf_printf(&detail, "%s%d", k ? "," : "", years[k]);
        nbl__buf_printf(&detail, "],\"areas\":%zu}", d->nareas);
        rc = nbl__store_log_run(ws, "compute", rs->name, (long)d->nareas,
                                (long)((size_t)nyears * d->nareas), 0, -1,
                                detail.s);
    }
    nbl__buf_free(&detail);
    free(ini);
    return rc;
}

/* What nbl_compute reads: the ruleset, the profile's configuration and
 * table (unless criteria_only) and the criteria's table, which is made
 * from the profile's, so that the statistics are read once. */
typedef struct job {
    nbl__ruleset *rs;
    nbl__profile_cfg cfg;
    int has_cfg;
    nbl__pdata p;
    unsigned char *has_year, *valued;
    nbl__compute_data d;
    size_t nareas;
} job;

static void
job_free(job *j)
{
    nbl__compute_data_free(&j->d);
    nbl__pdata_free(&j->p);
    free(j->has_year);
    free(j->valued);
    if (j->has_cfg)
        nbl__profile_cfg_free(&j->cfg);
    nbl__ruleset_free(j->rs);
}

/* The ruleset's variables first, then those of the profile not among
 * them (*all malloc'ed). */
static int
union_vars(const nbl__ruleset *rs, const char **pv, size_t np,
           const char ***all, size_t *n)
{
    *n = 0;
    if (!(*all = malloc(((size_t)rs->nvars + np + 1) * sizeof **all)))
        return NBL_ENOMEM;
    for (int i = 0; i < rs->nvars; i++)
        (*all)[(*n)++] = rs->vars[i];
    for (size_t i = 0; i < np; i++) {
        int dup = 0;
        for (int k = 0; k < rs->nvars && !dup; k++)
            dup = strcmp(rs->vars[k], pv[i]) == 0;
        if (!dup)
            (*all)[(*n)++] = pv[i];
    }
    return NBL_OK;
}

static int
load_job(nbl_ws *ws, const nbl_compute_opts *opts, job *j)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    const char *rv[NBL_RS_MAX_VARS], **pv = NULL, **all = NULL;
    size_t np = 0, n = 0;
    int rc;
    for (int i = 0; i < j->rs->nvars; i++)
        rv[i] = j->rs->vars[i];
    if (opts && opts->criteria_only)
        return nbl__store_compute_load(ws, rv, j->rs->nvars, &j->d);
    if ((rc = nbl__profile_cfg_load(ctx, &j->cfg, opts ? opts->config : NULL)))
        return rc;
    j->has_cfg = 1;
    if (nbl__profile_needed_vars(&j->cfg, &pv, &np) ||
        union_vars(j->rs, pv, np, &all, &n)) {
        free(pv);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__store_profile_load_shared(ws, all, n, j->rs->nvars, &j->p,
                                        &j->has_year, &j->valued);
    if (!rc)
        rc = nbl__store_compute_from_pdata(ws, &j->p, j->valued, rv,
                                           j->rs->nvars, &j->d);
    free(pv);
    free(all);
    return rc;
}

/* Inside the transaction: criteria and categories, the run's record, and
 * (unless criteria_only) the profiles and the safety index. The criteria's
 * table is freed before the profile is computed. */
static int
compute_all(nbl_ws *ws, const nbl_compute_opts *opts, job *j, const int *years,
            int nyears, nbl_compute_year *sum, nbl_profile_summary *psum)
{
    nbl_profile_opts po = {0};
    int rc;
    if ((rc = evaluate(ws, j->rs, &j->d, years, nyears, sum)) ||
        (rc = record_run(ws, j->rs, &j->d, years, nyears)))
        return rc;
    nbl__compute_data_free(&j->d);
    if (opts && opts->criteria_only)
        return NBL_OK;
    po.year = opts ? opts->year : 0;
    po.config_path = opts ? opts->config : NULL;
    return nbl__profile_compute_loaded(ws, &po, &j->cfg, &j->p, j->has_year,
                                       psum);
}

void
nbl__handover_free(nbl__handover *h)
{
    if (!h)
        return;
    nbl__compute_data_free(&h->d);
    h->kept = 0;
}

/* The first and last year of p with a value of one of the columns cols[n]
 * (-1: none) in any area: *y0 > *y1 when there is none. */
static void
valued_span(const nbl__pdata *p, const int *cols, int n, int *y0, int *y1)
{
    *y0 = p->n_years;
    *y1 = -1;
    for (size_t a = 0; a < p->n_areas; a++)
        for (int y = 0; y < p->n_years; y++)
            for (int v = 0; v < n && (y < *y0 || y > *y1); v++)
                if (cols[v] >= 0 &&
                    !isnan(
                        p->v[(a * (size_t)p->n_years + (size_t)y) * p->n_vars +
                             (size_t)cols[v]])) {
                    if (y < *y0)
                        *y0 = y;
                    if (y > *y1)
                        *y1 = y;
                }
}

/* h->d from the profile's table p, as nbl__store_compute_load reads it:
 * every area (stats rows name known areas only), the span of years with a
 * value of one of the variables, their values (NAN for a variable p does
 * not hold: one that is not declared has no rows). */
static int
handover_fill(nbl_ws *ws, const nbl__pdata *p, nbl__handover *h)
{
    int cols[NBL__SD_VARS_MAX], y0, y1, rc;
    nbl__compute_data *d = &h->d;
    size_t cells;
    if (h->nvars > NBL__SD_VARS_MAX)
        return NBL_OK; /* not kept: read */
    for (int v = 0; v < h->nvars; v++) {
        int declared = 0;
        if ((cols[v] = nbl__pdata_var(p, h->vars[v])) < 0 &&
            (rc = nbl__store_variable_declared(ws, h->vars[v], &declared)))
            return rc;
        if (declared)
            return NBL_OK; /* a variable the compute did not read */
    }
    valued_span(p, cols, h->nvars, &y0, &y1);
    d->nvars = h->nvars;
    d->first_year = y0 <= y1 ? p->year0 + y0 : 0;
    d->nyears = y0 <= y1 ? y1 - y0 + 1 : 0;
    cells = p->n_areas * (size_t)d->nyears * (size_t)d->nvars;
    d->area = malloc((cells ? cells : 1) * sizeof *d->area);
    d->area_ids = calloc(p->n_areas ? p->n_areas : 1, sizeof *d->area_ids);
    if (!d->area || !d->area_ids)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    for (; d->nareas < p->n_areas; d->nareas++)
        if (!(d->area_ids[d->nareas] = nbl__strdup(p->area_id[d->nareas])))
            return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    for (size_t a = 0, c = 0; a < p->n_areas; a++)
        for (int y = 0; y < d->nyears; y++)
            for (int v = 0; v < d->nvars; v++, c++)
                d->area[c] =
                    cols[v] < 0
                        ? NAN
                        : nbl__pdata_get(p, a, p->year0 + y0 + y, cols[v]);
    h->kept = 1;
    return NBL_OK;
}

/* Areas without a municipality code get no profile (it compares an area
 * with its municipality's areas; profile.md): said, as 'profiles for 0
 * area-years' does not say why. */
static void
warn_no_municipality(nbl_ws *ws, const nbl_compute_opts *opts)
{
    long n = 0;
    if ((opts && opts->criteria_only) ||
        nbl__store_areas_no_municipality(ws, &n) || n == 0) {
        nbl_ctx_clear_error(nbl_ws_ctx(ws)); /* only a warning is at stake */
        return;
    }
    nbl__warn(nbl_ws_ctx(ws),
              _n("%ld area has no municipality code and gets no area "
                 "profile, which compares an area with the other areas of "
                 "its municipality (import areas --municipality FIELD, "
                 "[areas] municipality)",
                 "%ld areas have no municipality code and get no area "
                 "profile, which compares an area with the other areas of "
                 "its municipality (import areas --municipality FIELD, "
                 "[areas] municipality)",
                 n),
              n);
}

/* nbl_compute, and the hand-over to the alerts when h is not NULL. */
static int
compute_run(nbl_ws *ws, const nbl_compute_opts *opts, nbl_compute_summary *out,
            nbl__handover *h)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    job j;
    int *years = NULL, nyears = 0, rc;
    nbl_compute_year *sum = NULL;
    nbl_profile_summary psum = {0};

    memset(&j, 0, sizeof j);
    if (out)
        memset(out, 0, sizeof *out);
    rc = nbl__ruleset_load(ctx, opts ? opts->ruleset : NULL,
                           opts ? opts->config : NULL, &j.rs);
    if (rc)
        return rc;
    if ((rc = load_job(ws, opts, &j)) ||
        (rc = choose_years(ws, opts, &j.d, &years, &nyears)))
        goto done;
    j.nareas = j.d.nareas;
    if (!(sum = calloc((size_t)nyears, sizeof *sum))) {
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = nbl__store_begin(ws)))
        goto done;
    if ((rc = compute_all(ws, opts, &j, years, nyears, sum, &psum)) ||
        (h && j.has_cfg && (rc = handover_fill(ws, &j.p, h))) ||
        (rc = nbl__store_commit(ws))) {
        nbl__store_rollback(ws);
        goto done;
    }
    warn_no_municipality(ws, opts);
    if (out) {
        out->profile_scored = psum.scored;
        out->safety_index = psum.safety_index;
        snprintf(out->ruleset, sizeof out->ruleset, "%s", j.rs->name);
        snprintf(out->version, sizeof out->version, "%s", j.rs->version);
        out->areas = (long)j.nareas;
        out->nyears = nyears;
        out->years = sum;
        sum = NULL;
    }
done:
    if (rc && h)
        nbl__handover_free(h);
    free(years);
    free(sum);
    job_free(&j);
    return rc;
}

int
nbl_compute(nbl_ws *ws, const nbl_compute_opts *opts, nbl_compute_summary *out)
{
    return compute_run(ws, opts, out, NULL);
}

int
nbl__compute_handing(nbl_ws *ws, const nbl_compute_opts *opts,
                     nbl_compute_summary *out, nbl__handover *h)
{
    memset(&h->d, 0, sizeof h->d);
    h->kept = 0;
    return compute_run(ws, opts, out, h);
}
