/*
 * profile_compute.c - nbl_profile_compute(): loads the configuration and
 * the data, computes the safety index and then the profile (pure code in
 * safety.c and profile.c) for every year (windows and changes need earlier
 * years), and writes the requested year(s) in one transaction.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "model/indicators.h"
#include "nabolag/profile.h"
#include "model/profile.h"
#include "compute/profile_internal.h"
#include "model/safety.h"
#include "store/store.h"
#include "store/store_profile.h"
#include "util/util.h"

/* Adds name to the list when absent. */
static int
add_var(const char ***vars, size_t *n, const char *name)
{
    const char **g;
    size_t i;
    if (!name)
        return NBL_OK;
    for (i = 0; i < *n; i++)
        if (strcmp((*vars)[i], name) == 0)
            return NBL_OK;
    g = realloc(*vars, (*n + 1) * sizeof *g);
    if (!g)
        return NBL_ENOMEM;
    g[(*n)++] = name;
    *vars = g;
    return NBL_OK;
}

int
nbl__profile_needed_vars(const nbl__profile_cfg *cfg, const char ***vars,
                         size_t *n)
{
    static const char *base[] = {"pop", "survey_n", "survey_safe",
                                 "survey_safe_night", "survey_problems"};
    int rc = NBL_OK;
    *vars = NULL;
    *n = 0;
    for (size_t i = 0; i < 5 && !rc; i++)
        rc = add_var(vars, n, base[i]);
    for (size_t i = 0; i < cfg->n_ind && !rc; i++) {
        rc = add_var(vars, n, cfg->ind[i].numerator);
        if (!rc)
            rc = add_var(vars, n, cfg->ind[i].denominator);
        if (!rc)
            rc = add_var(vars, n, cfg->ind[i].mean_variable);
    }
    if (rc) {
        free(*vars);
        *vars = NULL;
    }
    return rc;
}

/* What the rows are made from: the safety rows of every area and year,
 * the safety index as the profile reads it and the profile's cross-area
 * part (the rows themselves are made and written one area at a time). */
typedef struct results {
    nbl__srow *srows;
    double *sidx;
    nbl__pprep prep;
} results;

static void
results_free(results *r)
{
    free(r->srows);
    free(r->sidx);
    nbl__pprep_free(&r->prep);
}

/* Computes the safety index, then the part of the profile that needs every
 * area of a year, for every year of d. */
static int
run_models(nbl_ctx *ctx, const nbl__pdata *d, const nbl__profile_cfg *cfg,
           results *r)
{
    size_t cells = d->n_areas * (size_t)d->n_years;
    int rc;
    r->srows = calloc(cells ? cells : 1, sizeof *r->srows);
    r->sidx = calloc(cells ? cells : 1, sizeof *r->sidx);
    if (!r->srows || !r->sidx)
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    if ((rc = nbl__progress(ctx, 0.1, "safety index")))
        return rc;
    if ((rc = nbl__safety_run(d, &cfg->safety, r->srows)))
        return nbl__error(ctx, rc, "out of memory");
    for (size_t i = 0; i < cells; i++)
        r->sidx[i] = r->srows[i].index;
    if ((rc = nbl__progress(ctx, 0.4, "area profile")))
        return rc;
    if ((rc = nbl__profile_prepare(&r->prep, d, cfg, r->sidx)))
        return nbl__error(ctx, rc, "out of memory");
    return nbl__progress(ctx, 0.7, "writing profile results");
}

/* Makes each area's profile rows and writes them with its safety rows. */
static int
write_areas(nbl_ws *ws, const nbl_profile_opts *o, const nbl__profile_cfg *cfg,
            const nbl__pdata *d, const unsigned char *has_year,
            const results *r, nbl_profile_summary *sum)
{
    size_t ny = (size_t)d->n_years, per = ny * cfg->n_ind;
    nbl__prow *rows = malloc((per ? per : 1) * sizeof *rows);
    nbl__pscore *scores = malloc((ny ? ny : 1) * sizeof *scores);
    nbl__pwriter *w = NULL;
    int rc = NBL_OK;
    if (!rows || !scores)
        rc = nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    if (!rc)
        rc = nbl__store_profile_writer_new(ws, d, has_year, cfg, o->year, sum,
                                           &w);
    for (size_t a = 0; !rc && a < d->n_areas; a++) {
        nbl__profile_area(&r->prep, a, rows, scores);
        rc = nbl__store_profile_writer_area(w, a, rows, scores,
                                            &r->srows[a * ny]);
    }
    nbl__store_profile_writer_free(w);
    free(rows);
    free(scores);
    return rc;
}

/* Stores the results of the requested year(s) and logs the run. */
static int
save(nbl_ws *ws, const nbl_profile_opts *o, const nbl__profile_cfg *cfg,
     const nbl__pdata *d, const unsigned char *has_year, const results *r,
     nbl_profile_summary *sum)
{
    char detail[128];
    int rc;
    sum->areas = (long)d->n_areas;
    sum->indicators = (long)cfg->n_ind;
    if ((rc = write_areas(ws, o, cfg, d, has_year, r, sum)))
        return rc;
    snprintf(detail, sizeof detail,
             "{\"year\":%d,\"years\":%d,\"indicators\":%ld,\"scored\":%ld,"
             "\"safety_rows\":%ld}",
             o->year, sum->years, sum->indicators, sum->scored,
             sum->safety_rows);
    return nbl__store_log_run(
        ws, "profile", o->config_path ? o->config_path : "indicators.ini", -1,
        sum->profile_rows, -1, -1, detail);
}

int
nbl__profile_compute_loaded(nbl_ws *ws, const nbl_profile_opts *o,
                            const nbl__profile_cfg *cfg, const nbl__pdata *d,
                            const unsigned char *has_year,
                            nbl_profile_summary *sum)
{
    results r = {0};
    int rc;
    if (o->year && (o->year < d->year0 || o->year >= d->year0 + d->n_years ||
                    !has_year[o->year - d->year0]))
        rc = nbl__error(nbl_ws_ctx(ws), NBL_ENOTFOUND,
                        "%s: no statistics or incident counts for year %d",
                        nbl_ws_path(ws), o->year);
    else if (!(rc = run_models(nbl_ws_ctx(ws), d, cfg, &r)))
        rc = save(ws, o, cfg, d, has_year, &r, sum);
    results_free(&r);
    return rc;
}

static int
compute(nbl_ws *ws, const nbl_profile_opts *o, nbl__profile_cfg *cfg,
        nbl_profile_summary *sum)
{
    const char **vars;
    size_t n_vars;
    nbl__pdata d;
    unsigned char *has_year = NULL;
    int rc;

    memset(&d, 0, sizeof d);
    if (nbl__profile_needed_vars(cfg, &vars, &n_vars))
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    rc = nbl__store_profile_load(ws, vars, n_vars, &d, &has_year);
    free(vars);
    if (rc)
        return rc;
    rc = nbl__profile_compute_loaded(ws, o, cfg, &d, has_year, sum);
    nbl__pdata_free(&d);
    free(has_year);
    return rc;
}

int
nbl_profile_compute(nbl_ws *ws, const nbl_profile_opts *opts,
                    nbl_profile_summary *out)
{
    nbl_profile_opts o;
    nbl_profile_summary sum;
    nbl__profile_cfg cfg;
    nbl_ctx *ctx;
    int rc;
    if (!ws)
        return NBL_EINVAL;
    ctx = nbl_ws_ctx(ws);
    memset(&o, 0, sizeof o);
    if (opts)
        o = *opts;
    memset(&sum, 0, sizeof sum);
    if (out)
        memset(out, 0, sizeof *out);
    if (o.year < 0)
        return nbl__error(ctx, NBL_EINVAL, "year %d: expected a year or 0",
                          o.year);
    if ((rc = nbl__profile_cfg_load(ctx, &cfg, o.config_path)))
        return rc;
    /* nested in a caller's transaction this is a savepoint */
    if ((rc = nbl__store_begin(ws))) {
        nbl__profile_cfg_free(&cfg);
        return rc;
    }
    rc = compute(ws, &o, &cfg, &sum);
    if (rc == NBL_OK)
        rc = nbl__store_commit(ws);
    if (rc != NBL_OK)
        nbl__store_rollback(ws);
    nbl__profile_cfg_free(&cfg);
    if (rc == NBL_OK && out)
        *out = sum;
    return rc;
}
