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

static int
compute(nbl_ws *ws, const nbl_profile_opts *o, nbl__profile_cfg *cfg,
        nbl_profile_summary *sum)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    static const char *base[] = {"pop", "survey_n", "survey_safe",
                                 "survey_safe_night", "survey_problems"};
    const char **vars = NULL;
    size_t n_vars = 0, i, cells;
    nbl__pdata d;
    unsigned char *has_year = NULL;
    nbl__srow *srows = NULL;
    nbl__prow *rows = NULL;
    nbl__pscore *scores = NULL;
    double *sidx = NULL;
    int rc = NBL_OK;
    char detail[128];

    memset(&d, 0, sizeof d);
    for (i = 0; i < 5 && !rc; i++)
        rc = add_var(&vars, &n_vars, base[i]);
    for (i = 0; i < cfg->n_ind && !rc; i++) {
        rc = add_var(&vars, &n_vars, cfg->ind[i].numerator);
        if (!rc)
            rc = add_var(&vars, &n_vars, cfg->ind[i].denominator);
        if (!rc)
            rc = add_var(&vars, &n_vars, cfg->ind[i].mean_variable);
    }
    if (rc) {
        free(vars);
        return nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    rc = nbl__store_profile_load(ws, vars, n_vars, &d, &has_year);
    free(vars);
    if (rc)
        return rc;
    if (o->year && (o->year < d.year0 || o->year >= d.year0 + d.n_years ||
                    !has_year[o->year - d.year0])) {
        rc = nbl__error(ctx, NBL_ENOTFOUND,
                        "%s: no statistics or incident counts for year %d",
                        nbl_ws_path(ws), o->year);
        goto out;
    }
    cells = d.n_areas * (size_t)d.n_years;
    srows = calloc(cells ? cells : 1, sizeof *srows);
    sidx = calloc(cells ? cells : 1, sizeof *sidx);
    scores = calloc(cells ? cells : 1, sizeof *scores);
    rows =
        calloc((cells * cfg->n_ind) > 0 ? cells * cfg->n_ind : 1, sizeof *rows);
    if (!srows || !sidx || !scores || !rows) {
        rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = nbl__progress(ctx, 0.1, "safety index")))
        goto out;
    if ((rc = nbl__safety_run(&d, &cfg->safety, srows))) {
        rc = nbl__error(ctx, rc, "out of memory");
        goto out;
    }
    for (i = 0; i < cells; i++)
        sidx[i] = srows[i].index;
    if ((rc = nbl__progress(ctx, 0.4, "area profile")))
        goto out;
    if ((rc = nbl__profile_run(&d, cfg, sidx, rows, scores))) {
        rc = nbl__error(ctx, rc, "out of memory");
        goto out;
    }
    if ((rc = nbl__progress(ctx, 0.7, "writing profile results")))
        goto out;
    sum->areas = (long)d.n_areas;
    sum->indicators = (long)cfg->n_ind;
    rc = nbl__store_profile_write(ws, &d, has_year, cfg, rows, scores, srows,
                                  o->year, sum);
    if (rc)
        goto out;
    snprintf(detail, sizeof detail,
             "{\"year\":%d,\"years\":%d,\"indicators\":%ld,\"scored\":%ld,"
             "\"safety_rows\":%ld}",
             o->year, sum->years, sum->indicators, sum->scored,
             sum->safety_rows);
    rc = nbl__store_log_run(ws, "profile",
                            o->config_path ? o->config_path : "indicators.ini",
                            -1, sum->profile_rows, -1, -1, detail);
out:
    nbl__pdata_free(&d);
    free(has_year);
    free(srows);
    free(sidx);
    free(scores);
    free(rows);
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
