/*
 * alerts_api.c - the public entry points of the alerts module that tie the
 * store (store_alerts.c) to the rules (alerts.c): evaluate a year and list
 * stored alerts. Tables: see store_alerts.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/compute_internal.h"
#include "model/alerts.h"
#include "util/ctx.h"
#include "model/disclosure.h"
#include "store/store.h"
#include "store/store_alerts.h"
#include "store/store_statusdyn.h"
#include "util/i18n.h"
#include "util/util.h"

/* An indicator of [status_dynamics] with no value in any area and year up
 * to YEAR is a name the workspace does not know (a misspelt criterion,
 * profile indicator or variable) or one without statistics (a criterion
 * that is never evaluable): said, with what follows - the mean of z-scores
 * is computed from the indicators that have values when there are at least
 * two (or all of fewer), the standardised sum from none. */
static void
warn_unknown_indicators(nbl_ctx *ctx, const nbl__sdconf *c,
                        const nbl__aarea *areas, size_t n, int year)
{
    int seen[NBL_SD_MAX_IND] = {0}, have = 0;
    for (int j = 0; j < c->nind; j++) {
        for (size_t i = 0; i < n && !seen[j]; i++)
            for (int y = year - c->dynamics_years; y <= year && !seen[j]; y++)
                seen[j] = !isnan(nbl__alerts_sd_value(&areas[i], c, j, y));
        have += seen[j];
    }
    for (int j = 0; j < c->nind; j++) {
        if (seen[j])
            continue;
        if (c->composite == NBL_SD_MEAN_Z && have >= 2)
            nbl__warn(ctx,
                      _n("[status_dynamics] indicators: '%s' has no value in "
                         "any area up to %d (a misspelt name, or no "
                         "statistics for it): left out of the "
                         "status/dynamics index, which is computed from the "
                         "other %d indicator",
                         "[status_dynamics] indicators: '%s' has no value in "
                         "any area up to %d (a misspelt name, or no "
                         "statistics for it): left out of the "
                         "status/dynamics index, which is computed from the "
                         "other %d indicators",
                         have),
                      c->ind[j].name, year, have);
        else
            nbl__warn(ctx,
                      "[status_dynamics] indicators: '%s' has no value in "
                      "any area up to %d (a misspelt name, or no statistics "
                      "for it): no status/dynamics index",
                      c->ind[j].name, year);
    }
}

int
nbl__alerts_sd_vars(const nbl_alert_config *cfg, const char **vars)
{
    const nbl__sdconf *c = cfg->status_dynamics;
    if (!c)
        return 0;
    for (int j = 0; j < c->nind; j++)
        vars[j] = c->ind[j].name;
    vars[c->nind] = "pop";
    return c->nind + 1;
}

/* The status/dynamics inputs of the areas (the statistics from h when it
 * kept them) with the criterion measures merged in, and the warning
 * above. */
static int
load_sd(nbl_ws *ws, const nbl__sdconf *c, const char *rs, int ymin, int year,
        nbl__aarea *areas, size_t n, const nbl__handover *h)
{
    int rc = nbl__store_sd_load(ws, c, areas, n, h && h->kept ? &h->d : NULL);
    if (rc == NBL_OK)
        rc = nbl__store_sd_merge_criteria(ws, c, rs, ymin, year, areas, n);
    if (rc == NBL_OK)
        warn_unknown_indicators(nbl_ws_ctx(ws), c, areas, n, year);
    return rc;
}

/* The alerts of `year` (into list) and the status/dynamics of that year
 * (into sd[n]): the status/dynamics of all areas and years first, from
 * their indicator tables (a compact whole-year table); then the results
 * one area at a time from the store's cursors, so that no more than one
 * area's criterion, category and safety results are held. */
static int
evaluate_areas(nbl_ws *ws, const nbl_alert_config *cfg, const char *rs,
               int year, nbl__aarea *areas, size_t n, int ymin, nbl__asd *sd,
               nbl_alert_list *list)
{
    nbl__aeval e;
    nbl__astream s;
    int rc =
        nbl__aeval_begin(&e, areas, n, cfg, nbl__alerts_y0(ymin, year), year);
    if (rc)
        return nbl__error(nbl_ws_ctx(ws), rc, "out of memory");
    for (size_t i = 0; i < n; i++) {
        nbl__aeval_sd(&e, i, &sd[i]);
        free(areas[i].ind); /* read: the index is computed */
        areas[i].ind = NULL;
    }
    rc = nbl__store_alerts_stream_open(ws, rs, year, &s);
    for (size_t i = 0; i < n && !rc; i++) {
        nbl__aarea *a;
        rc = nbl__store_alerts_stream_next(ws, &s, areas[i].area_id,
                                           areas[i].name, &a);
        if (!rc && (rc = nbl__aeval_area(&e, a, i, list)) == NBL_ENOMEM)
            rc = nbl__error(nbl_ws_ctx(ws), rc, "out of memory");
    }
    nbl__store_alerts_stream_close(&s);
    nbl__aeval_end(&e);
    return rc;
}

int
nbl_alerts_evaluate(nbl_ws *ws, const nbl_alert_config *cfg,
                    const char *ruleset, int year, int *out_year,
                    char **out_ruleset)
{
    return nbl__alerts_evaluate_handed(ws, cfg, ruleset, year, out_year,
                                       out_ruleset, NULL);
}

int
nbl__alerts_evaluate_handed(nbl_ws *ws, const nbl_alert_config *cfg,
                            const char *ruleset, int year, int *out_year,
                            char **out_ruleset, const nbl__handover *h)
{
    nbl_ctx *ctx = nbl_ws_ctx(ws);
    char *rs = NULL;
    nbl__aarea *areas = NULL;
    size_t n = 0;
    nbl__asd *sd = NULL;
    nbl_alert_list list;
    long changed = 0;
    int rc, has, ymin = 0;

    memset(&list, 0, sizeof list);
    if (out_ruleset)
        *out_ruleset = NULL;
    rc = nbl__store_alerts_ruleset(ws, ruleset, &rs, NULL);
    if (rc)
        return rc;
    if (year == 0)
        rc = nbl__store_alerts_latest_year(ws, rs, &year);
    else if ((rc = nbl__store_alerts_has_year(ws, rs, year, &has)) == 0 && !has)
        rc = nbl__error(ctx, NBL_ENOTFOUND,
                        "%s: no results for %d under ruleset '%s' (run "
                        "'nabolag compute --year %d' first)",
                        nbl_ws_path(ws), year, rs, year);
    if (rc)
        goto done;
    rc = nbl__store_begin(ws);
    if (rc)
        goto done;
    rc = nbl__store_alerts_areas(ws, rs, year, &areas, &n, &ymin);
    if (rc == NBL_OK && cfg->status_dynamics)
        rc = load_sd(ws, cfg->status_dynamics, rs, ymin, year, areas, n, h);
    if (rc == NBL_OK) {
        sd = calloc(n ? n : 1, sizeof *sd);
        if (!sd)
            rc = nbl__error(ctx, NBL_ENOMEM, "out of memory");
    }
    if (rc == NBL_OK)
        rc = evaluate_areas(ws, cfg, rs, year, areas, n, ymin, sd, &list);
    if (rc == NBL_OK)
        rc = nbl__store_alerts_save(ws, rs, year, &list, &changed);
    if (rc == NBL_OK)
        rc = nbl__store_sd_save(
            ws, rs, year, areas, sd, n,
            cfg->status_dynamics ? cfg->status_dynamics->method : "builtin",
            &changed);
    if (rc == NBL_OK && changed > 0) {
        char detail[96];
        snprintf(detail, sizeof detail, "{\"year\": %d, \"alerts\": %zu}", year,
                 list.n);
        rc = nbl__store_log_run(ws, "alerts", rs, (long)n, (long)list.n, -1, -1,
                                detail);
    }
    if (rc == NBL_OK)
        rc = nbl__store_commit(ws);
    if (rc)
        nbl__store_rollback(ws);
done:
    for (size_t i = 0; i < list.n; i++) {
        free(list.items[i].area_id);
        free(list.items[i].area_name);
        free(list.items[i].message);
        free(list.items[i].delivered_at);
    }
    free(list.items);
    free(sd);
    nbl__aareas_free(areas, n);
    if (rc == NBL_OK) {
        if (out_year)
            *out_year = year;
        if (out_ruleset) {
            *out_ruleset = rs;
            rs = NULL;
        }
    }
    free(rs);
    return rc;
}

static void
alert_release(nbl_alert *a)
{
    free(a->area_id);
    free(a->area_name);
    free(a->message);
    free(a->delivered_at);
}

/* An alert of an area below the publication minimum: it names no
 * criterion, value or distance (nbl__disclosure_small_area_message). */
static int
withhold_small(const nbl__disclosure *d, nbl_alert *a)
{
    char *m = nbl__disclosure_small_area_message(d, a->area_name, a->area_id);
    if (!m)
        return NBL_ENOMEM;
    free(a->message);
    a->message = m;
    a->value = a->threshold = NAN;
    snprintf(a->kind, sizeof a->kind, "withheld");
    snprintf(a->rule, sizeof a->rule, "withheld");
    snprintf(a->value_status, sizeof a->value_status, "suppressed");
    return NBL_OK;
}

/* One line per small area and year: the list is sorted by area and year,
 * new first and highest severity first, so the first line is kept. */
static void
collapse_small(nbl_alert_list *l)
{
    size_t o = 0;
    for (size_t i = 0; i < l->n; i++) {
        nbl_alert *a = &l->items[i];
        if (o > 0 && strcmp(a->kind, "withheld") == 0 &&
            strcmp(l->items[o - 1].kind, "withheld") == 0 &&
            strcmp(l->items[o - 1].area_id, a->area_id) == 0 &&
            l->items[o - 1].year == a->year) {
            alert_release(a);
            continue;
        }
        l->items[o++] = *a;
    }
    l->n = o;
}

/* Disclosure control over a stored list (the export's alerts-layer rule,
 * disclosure.h): withheld alerts lose their value and message; an area
 * below the publication minimum keeps one line that says only that it has
 * alerts. */
static int
disclose(nbl_ctx *ctx, const nbl_alert_config *cfg, nbl_alert_list *l,
         const double *pop, const double *denom)
{
    nbl__disclosure d;
    nbl__disclosure_defaults(&d);
    if (cfg) {
        d.min_count = cfg->min_count;
        d.min_denominator = cfg->min_denominator;
        d.min_residents_publish = cfg->min_residents_publish;
        l->unsuppressed = cfg->internal_unsuppressed;
    }
    l->min_count = d.min_count;
    l->min_denominator = d.min_denominator;
    l->min_residents_publish = d.min_residents_publish;
    for (size_t i = 0; i < l->n; i++) {
        nbl_alert *a = &l->items[i];
        char *m;
        snprintf(a->value_status, sizeof a->value_status, "%s",
                 isnan(a->value) ? "missing" : "ok");
        if (l->unsuppressed || !nbl__disclosure_alert(&d, pop[i], denom[i]))
            continue;
        if (nbl__disclosure_area(&d, pop[i])) {
            if (withhold_small(&d, a))
                return nbl__error(ctx, NBL_ENOMEM, "out of memory");
            continue;
        }
        m = nbl__disclosure_alert_message(a->area_name, a->area_id, a->kind,
                                          a->rule);
        if (!m)
            return nbl__error(ctx, NBL_ENOMEM, "out of memory");
        free(a->message);
        a->message = m;
        a->value = NAN;
        snprintf(a->value_status, sizeof a->value_status, "suppressed");
    }
    collapse_small(l);
    /* counted after collapsing: the count must not tell how many alerts a
     * small area has */
    l->n_withheld = 0;
    for (size_t i = 0; i < l->n; i++)
        l->n_withheld += strcmp(l->items[i].value_status, "suppressed") == 0;
    return NBL_OK;
}

int
nbl_alerts_list(nbl_ws *ws, const nbl_alert_config *cfg, const char *ruleset,
                int from, int to, nbl_alert_list **out)
{
    nbl_alert_list *l = calloc(1, sizeof *l);
    double *pop = NULL, *denom = NULL;
    int rc;
    *out = NULL;
    if (!l)
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    rc = nbl__store_alerts_ruleset(ws, ruleset, &l->ruleset,
                                   &l->ruleset_version);
    if (rc == NBL_OK) {
        l->year_from = from;
        l->year_to = to;
        if (cfg)
            l->csv = cfg->csv;
        rc = nbl__store_alerts_list(ws, l->ruleset, from, to, &pop, &denom, l);
    }
    if (rc == NBL_OK)
        rc = disclose(nbl_ws_ctx(ws), cfg, l, pop, denom);
    free(pop);
    free(denom);
    if (rc) {
        nbl_alert_list_free(l);
        return rc;
    }
    *out = l;
    return NBL_OK;
}
