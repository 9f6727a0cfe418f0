/*
 * alerts_sd.c - the status/dynamics index of the alerts: the method's
 * configuration from [alerts] status_* and [status_dynamics]
 * (nbl__alerts_sd_build), and the index of all areas in a year from their
 * criterion results and loaded indicator tables (statusdyn.c does the
 * arithmetic). See docs/methods.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/alerts.h"
#include "model/statusdyn.h"
#include "util/ctx.h"

int
nbl__alerts_sd_build(nbl_alert_config *cfg, nbl_ctx *ctx, const char *file,
                     const nbl__sdpair *pairs, size_t n)
{
    nbl__sdconf *c = cfg->status_dynamics;
    char where[600];
    int rc = NBL_OK;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        cfg->status_dynamics = c;
    }
    nbl__sdconf_clear(c);
    nbl__sdconf_builtin(c, cfg->status_eth, cfg->status_high, cfg->status_low,
                        cfg->status_very_low, cfg->dynamics_positive,
                        cfg->dynamics_negative);
    /* the method first (a preset), then the keys in their order */
    for (int pass = 0; pass < 2 && rc == NBL_OK; pass++)
        for (size_t i = 0; i < n && rc == NBL_OK; i++) {
            int is_method = strcmp(pairs[i].key, "method") == 0;
            if (is_method != (pass == 0))
                continue;
            snprintf(where, sizeof where, "%s:%d", file, pairs[i].line);
            rc = nbl__sdconf_set(c, ctx, where, pairs[i].key, pairs[i].value);
        }
    if (rc == NBL_OK)
        rc = nbl__sdconf_check(c, ctx, file);
    return rc;
}

double
nbl__alerts_sd_value(const nbl__aarea *a, const nbl__sdconf *c, int j, int year)
{
    const nbl__acrit *cr = nbl__aarea_crit(a, c->ind[j].name, year);
    int row = year - a->ind_y0;
    if (cr) /* a criterion: its measure (cri: the ratio to the country) */
        return !cr->ok ? NAN : !isnan(cr->ratio) ? cr->ratio : cr->value;
    if (!a->ind || row < 0 || row >= a->ind_ny || j >= a->ind_k)
        return NAN;
    return a->ind[(size_t)row * (size_t)a->ind_k + (size_t)j];
}

/* Smallest known number of residents over [year - dy, year]: the loaded
 * pop column, else the size criterion's value. NAN when none is known. */
static double
residents(const nbl__aarea *a, const nbl__sdconf *c, int year)
{
    double m = NAN;
    for (int y = year - c->dynamics_years; y <= year; y++) {
        int row = y - a->ind_y0;
        double v = NAN;
        if (a->ind && row >= 0 && row < a->ind_ny)
            v = a->ind[(size_t)row * (size_t)a->ind_k + (size_t)c->nind];
        if (isnan(v)) {
            const nbl__acrit *s = nbl__aarea_crit(a, "size", y);
            if (s && !isnan(s->value))
                v = s->value;
        }
        if (!isnan(v) && (isnan(m) || v < m))
            m = v;
    }
    return m;
}

static void
fill_out(const nbl__sdconf *c, const nbl__sd_result *r, nbl__asd *o)
{
    nbl__asdc p = {r->status,
                   r->dynamics,
                   (signed char)r->status_class,
                   (signed char)r->dynamics_class,
                   (signed char)r->status_st,
                   (signed char)r->dynamics_st};
    nbl__asd_unpack(&p, c, o);
}

void
nbl__alerts_status_dynamics(const nbl__aarea *areas, size_t n,
                            const nbl_alert_config *cfg, int year,
                            nbl__asd *out)
{
    const nbl__sdconf *c = cfg->status_dynamics;
    size_t k = c ? (size_t)c->nind : 0, cells = n * k > 0 ? n * k : 1;
    double *now = malloc(cells * sizeof *now);
    double *then = malloc(cells * sizeof *then);
    double *res = malloc((n ? n : 1) * sizeof *res);
    const char **ids = malloc((n ? n : 1) * sizeof *ids);
    nbl__sd_result *r = malloc((n ? n : 1) * sizeof *r);
    nbl__sd_input in = {n, ids, now, then, res};
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].status = out[i].dynamics = NAN;
        out[i].sclass = out[i].dclass = -1;
        out[i].st = out[i].dst = NBL_SDS_MISSING;
    }
    if (!c || !now || !then || !res || !ids || !r)
        goto done;
    for (size_t i = 0; i < n; i++) {
        ids[i] = areas[i].area_id;
        res[i] = residents(&areas[i], c, year);
        for (size_t j = 0; j < k; j++) {
            now[i * k + j] = nbl__alerts_sd_value(&areas[i], c, (int)j, year);
            then[i * k + j] = nbl__alerts_sd_value(&areas[i], c, (int)j,
                                                   year - c->dynamics_years);
        }
    }
    if (nbl__statusdyn_compute(c, &in, r) == NBL_OK)
        for (size_t i = 0; i < n; i++)
            fill_out(c, &r[i], &out[i]);
done:
    free(now);
    free(then);
    free(res);
    free(ids);
    free(r);
}
