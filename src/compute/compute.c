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
#include "store/store_compute.h"
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

/* Inside the transaction: criteria and categories, the run's record, and
 * (unless criteria_only) the profiles and the safety index. */
static int
compute_all(nbl_ws *ws, const nbl_compute_opts *opts, const nbl__ruleset *rs,
            const nbl__compute_data *d, const int *years, int nyears,
            nbl_compute_year *sum, nbl_profile_summary *psum)
{
    nbl_profile_opts po = {0};
    int rc;
    if ((rc = evaluate(ws, rs, d, years, nyears, sum)) ||
        (rc = record_run(ws, rs, d, years, nyears)))
        return rc;
    if (opts && opts->criteria_only)
        return NBL_OK;
    po.year = opts ? opts->year : 0;
    po.config_path = opts ? opts->config : NULL;
    return nbl_profile_compute(ws, &po, psum);
}

int
nbl_compute(nbl_ws *ws, const nbl_compute_opts *opts, nbl_compute_summary *out)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    nbl__ruleset *rs = NULL;
    nbl__compute_data d;
    const char *vars[NBL_RS_MAX_VARS];
    int *years = NULL, nyears = 0, rc;
    nbl_compute_year *sum = NULL;
    nbl_profile_summary psum = {0};

    memset(&d, 0, sizeof d);
    if (out)
        memset(out, 0, sizeof *out);
    rc = nbl__ruleset_load(ctx, opts ? opts->ruleset : NULL,
                           opts ? opts->config : NULL, &rs);
    if (rc)
        return rc;
    for (int i = 0; i < rs->nvars; i++)
        vars[i] = rs->vars[i];
    if ((rc = nbl__store_compute_load(ws, vars, rs->nvars, &d)) ||
        (rc = choose_years(ws, opts, &d, &years, &nyears)))
        goto done;
    if (!(sum = calloc((size_t)nyears, sizeof *sum))) {
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = nbl__store_begin(ws)))
        goto done;
    if ((rc = compute_all(ws, opts, rs, &d, years, nyears, sum, &psum)) ||
        (rc = nbl__store_commit(ws))) {
        nbl__store_rollback(ws);
        goto done;
    }
    if (out) {
        out->profile_scored = psum.scored;
        out->safety_index = psum.safety_index;
        snprintf(out->ruleset, sizeof out->ruleset, "%s", rs->name);
        snprintf(out->version, sizeof out->version, "%s", rs->version);
        out->areas = (long)d.nareas;
        out->nyears = nyears;
        out->years = sum;
        sum = NULL;
    }
done:
    free(years);
    free(sum);
    nbl__compute_data_free(&d);
    nbl__ruleset_free(rs);
    return rc;
}
