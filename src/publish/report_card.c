/*
 * report_card.c - `nabolag area`: one area's card as text (in the output
 * language, Danish numbers) or JSON (English keys, '.' decimals): the
 * report's "områdekort" (report_area.c) from the same loaded data and the
 * same disclosure rules - a year in which the area is below the
 * publication minimum shows no values, a rate of too few people is
 * withheld.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "nabolag/report.h"
#include "publish/report_internal.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/jsondoc.h"
#include "util/util.h"

/* Appends s right-aligned (left when w < 0) in |w| columns (UTF-8). */
static void
pad(nbl__buf *b, const char *s, int w)
{
    int n = (int)nbl__utf8_chars(s), left = w < 0;
    w = left ? -w : w;
    if (left)
        nbl__buf_printf(b, "%s", s);
    for (; n < w; n++)
        nbl__buf_printf(b, " ");
    if (!left)
        nbl__buf_printf(b, "%s", s);
}

static void
text_head(nbl__buf *b, const nbl__report_data *d)
{
    char t[64];
    pad(b, T_("year"), -5);
    pad(b, T_("residents"), 9);
    for (int k = 0; k < NBL__XC_N; k++)
        pad(b, nbl__xcrit_id[k], 8);
    pad(b, T_("crit."), 6);
    pad(b, T_("points"), 7);
    pad(b, T_("safety"), 8);
    nbl__buf_printf(b, "  %s\n", T_("category"));
    pad(b, T_("threshold"), -14);
    for (int k = 0; k < NBL__XC_N; k++)
        pad(b,
            isnan(d->threshold[k]) ? ""
                                   : nbl__fmt_num(t, sizeof t, d->threshold[k],
                                                  nbl__rep_crit_decimals(k)),
            8);
    nbl__buf_printf(b, "\n");
}

static void
text_year(nbl__buf *b, const nbl__disclosure *disc, const nbl__report_year *y,
          int year)
{
    int wh = nbl__rep_withheld(disc, y->pop), any_rate = 0;
    char s[64], t[72];
    snprintf(s, sizeof s, "%d", year);
    pad(b, s, -5);
    pad(b,
        wh              ? "·"
        : isnan(y->pop) ? "–"
                        : nbl__fmt_num(s, sizeof s, y->pop, 0),
        9);
    for (int k = 0; k < NBL__XC_N; k++) {
        int h = nbl__rep_rate_hidden(disc, y, k);
        any_rate |= h;
        if (h || isnan(y->val[k]))
            snprintf(t, sizeof t, "%s ", h ? "·" : "–");
        else
            snprintf(
                t, sizeof t, "%s%s",
                nbl__fmt_num(s, sizeof s, y->val[k], nbl__rep_crit_decimals(k)),
                y->met[k] == 1 ? "*" : " ");
        pad(b, t, 8);
    }
    snprintf(s, sizeof s, "%d", y->criteria_met);
    pad(b, any_rate ? "·" : y->criteria_met < 0 ? "–" : s, 6);
    snprintf(s, sizeof s, "%d", y->points);
    pad(b, wh ? "·" : y->points < 0 ? "–" : s, 7);
    if (wh || (y->safety_survey && nbl__disclosure_rate(disc, y->survey_n)))
        pad(b, "·", 8);
    else
        pad(b,
            isnan(y->safety_index)
                ? "–"
                : nbl__fmt_num(s, sizeof s, y->safety_index, 1),
            8);
    nbl__buf_printf(b, "  %s\n",
                    wh            ? "·"
                    : y->category ? nbl__rep_cat_label(y->category)
                                  : "–");
}

static void
text_plans(nbl__buf *b, const nbl__report_data *d, const nbl__rep_plans *p,
           const char *id)
{
    char s[64];
    int any = 0;
    for (int j = 0; p->have && j < p->d.n_plans; j++) {
        if (!nbl__rep_plan_has_area(p, j, id))
            continue;
        if (!any++)
            nbl__buf_printf(b, "\n%s\n", T_("Plans:"));
        nbl__buf_printf(b, "  %s (%s), %d–%d",
                        p->d.plan_name[j] ? p->d.plan_name[j] : p->d.plan_id[j],
                        p->d.plan_id[j], p->d.start_year[j], p->d.end_year[j]);
        for (int k = 0; k < NBL_PLANS_N_DEFAULT; k++) {
            const nbl__plan_result *r = &p->r[j];
            if (isnan(r->v[k][5]))
                continue;
            nbl__buf_printf(b, "; %s %s %s: %s", T_("target"),
                            nbl__plans_default_indicators[k],
                            nbl__fmt_num(s, sizeof s, r->v[k][5], 1),
                            p->d.end_year[j] > d->year ? T_("not yet judged")
                            : r->target_met[k] == 1    ? T_("met")
                            : r->target_met[k] == 0    ? T_("not met")
                                                    : T_("cannot be judged"));
        }
        for (int m = 0; m < p->d.n_plans; m++)
            if (nbl__rep_plans_overlap(p, j, m))
                nbl__buf_printf(b, "; %s %s", T_("overlaps with"),
                                p->d.plan_id[m]);
        nbl__buf_printf(b, "\n");
    }
}

/* The alert's text under the disclosure rules, malloc'ed. */
static char *
alert_text(const nbl__disclosure *disc, const nbl__report_alert *a)
{
    if (nbl__disclosure_area(disc, a->pop))
        return nbl__disclosure_small_area_message(disc, a->area_name,
                                                  a->area_id);
    if (nbl__disclosure_alert(disc, a->pop, a->denom))
        return nbl__disclosure_alert_message(a->area_name, a->area_id, a->kind,
                                             a->rule);
    return nbl__strdup(a->message ? a->message : "");
}

static void
text_alerts(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc)
{
    int any = 0, last_withheld = 0;
    for (int j = 0; j < d->n_alerts; j++) {
        const nbl__report_alert *a = &d->alerts[j];
        int wh = nbl__disclosure_area(disc, a->pop);
        char *m;
        if (wh && last_withheld == a->year)
            continue;
        last_withheld = wh ? a->year : 0;
        if (!any++)
            nbl__buf_printf(b, "\n%s\n", T_("Alerts:"));
        m = alert_text(disc, a);
        nbl__buf_printf(b, "  %d %s: %s\n", a->year,
                        wh ? T_("withheld") : T_(a->state), m ? m : "");
        free(m);
    }
    if (!any)
        nbl__buf_printf(b, "\n%s\n", T_("No alerts."));
}

static void
text_card(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc,
          const nbl__rep_plans *p, int i)
{
    const nbl__report_area *a = &d->areas[i];
    nbl__buf_printf(b, "%s (%s)", a->name ? a->name : a->area_id, a->area_id);
    if (a->municipality)
        nbl__buf_printf(b, ", %s %s", T_("municipality"), a->municipality);
    nbl__buf_printf(b, "\n%d: %s (%s %s)\n\n", d->year,
                    nbl__rep_withheld(disc, a->pop)
                        ? T_("not shown (below the publication minimum)")
                        : nbl__rep_cat_label(a->category),
                    T_("ruleset"), d->ruleset);
    text_head(b, d);
    for (int y = d->year; y >= d->first_year; y--)
        text_year(b, disc, nbl__report_year_of(d, i, y), y);
    nbl__buf_printf(b, "\n");
    for (int k = 0; k < NBL__XC_N; k++)
        nbl__buf_printf(b, "%s = %s\n", nbl__xcrit_id[k],
                        nbl__rep_crit_label(k));
    nbl__buf_printf(b, "%s\n",
                    T_("* meets the threshold; – no value; · not shown under "
                       "disclosure control; crit. = criteria met; points = "
                       "profile points; safety = safety index"));
    text_plans(b, d, p, a->area_id);
    text_alerts(b, d, disc);
}

static json_t *
jnum(double v, int dec)
{
    return isnan(v) ? json_null() : json_real(nbl__round(v, dec));
}

/* Every addition below is checked (util/jsondoc.h): a failure is recorded
 * in *bad and the card is refused rather than printed with a key missing. */
static json_t *
json_criteria(const nbl__disclosure *disc, const nbl__report_year *y,
              int *any_rate, int *bad)
{
    json_t *c = nbl__jnew(bad, json_object());
    for (int k = 0; k < NBL__XC_N; k++) {
        int h = nbl__rep_rate_hidden(disc, y, k);
        json_t *e = nbl__jnew(bad, json_object());
        *any_rate |= h;
        nbl__jset(bad, e, "value",
                  h ? json_null() : jnum(y->val[k], k == NBL__XC_CRI ? 3 : 2));
        nbl__jset(bad, e, "met",
                  h || y->met[k] < 0 ? json_null() : json_boolean(y->met[k]));
        nbl__jset(bad, e, "status",
                  nbl__jstr(h                  ? "suppressed"
                            : isnan(y->val[k]) ? "missing"
                                               : "ok"));
        nbl__jset(bad, c, nbl__xcrit_id[k], e);
    }
    return c;
}

static json_t *
json_year(const nbl__disclosure *disc, const nbl__report_year *y, int year,
          int *bad)
{
    int wh = nbl__rep_withheld(disc, y->pop), any_rate = 0;
    json_t *o = nbl__jnew(bad, json_object());
    nbl__jset(bad, o, "year", json_integer(year));
    nbl__jset(bad, o, "withheld", json_boolean(wh));
    nbl__jset(bad, o, "residents", wh ? json_null() : jnum(y->pop, 0));
    nbl__jset(bad, o, "criteria", json_criteria(disc, y, &any_rate, bad));
    nbl__jset(bad, o, "criteria_met",
              any_rate || y->criteria_met < 0 ? json_null()
                                              : json_integer(y->criteria_met));
    nbl__jset(bad, o, "category",
              wh || !y->category ? json_null() : nbl__jstr(y->category));
    nbl__jset(bad, o, "profile_points",
              wh || y->points < 0 ? json_null() : json_integer(y->points));
    nbl__jset(bad, o, "profile_band",
              wh || !y->band ? json_null() : nbl__jstr(y->band));
    nbl__jset(
        bad, o, "safety_index",
        wh || (y->safety_survey && nbl__disclosure_rate(disc, y->survey_n))
            ? json_null()
            : jnum(y->safety_index, 1));
    return o;
}

/* A plan's default indicators (none when the plan has no results). */
static json_t *
json_plan_indicators(const nbl__plan_result *r, int judged, int *bad)
{
    static const char *const col[6] = {"baseline",   "latest",
                                       "change",     "comparison_change",
                                       "difference", "target"};
    json_t *inds = nbl__jnew(bad, json_array());
    for (int k = 0; r->target_met[0] != -2 && k < NBL_PLANS_N_DEFAULT; k++) {
        json_t *e = nbl__jnew(bad, json_object());
        nbl__jset(bad, e, "indicator",
                  nbl__jstr(nbl__plans_default_indicators[k]));
        for (int c = 0; c < 6; c++)
            nbl__jset(bad, e, col[c],
                      r->status[k] == 2 && c < 5 ? json_null()
                                                 : jnum(r->v[k][c], 3));
        nbl__jset(bad, e, "target_met",
                  !judged || r->target_met[k] < 0
                      ? json_null()
                      : json_boolean(r->target_met[k]));
        nbl__jset(bad, e, "status",
                  nbl__jstr(r->status[k] == 2   ? "suppressed"
                            : r->status[k] == 1 ? "missing"
                                                : "ok"));
        nbl__jappend(bad, inds, e);
    }
    return inds;
}

static json_t *
json_plan(const nbl__report_data *d, const nbl__rep_plans *p, int j, int *bad)
{
    json_t *o = nbl__jnew(bad, json_object()),
           *ov = nbl__jnew(bad, json_array());
    int judged = p->d.end_year[j] <= d->year;
    nbl__jset(bad, o, "plan_id", nbl__jstr(p->d.plan_id[j]));
    nbl__jset(bad, o, "name",
              p->d.plan_name[j] ? nbl__jstr(p->d.plan_name[j]) : json_null());
    nbl__jset(bad, o, "start_year", json_integer(p->d.start_year[j]));
    nbl__jset(bad, o, "end_year", json_integer(p->d.end_year[j]));
    nbl__jset(bad, o, "judged", json_boolean(judged));
    for (int m = 0; m < p->d.n_plans; m++)
        if (nbl__rep_plans_overlap(p, j, m))
            nbl__jappend(bad, ov, nbl__jstr(p->d.plan_id[m]));
    nbl__jset(bad, o, "overlaps", ov);
    nbl__jset(bad, o, "indicators",
              json_plan_indicators(&p->r[j], judged, bad));
    return o;
}

static json_t *
json_alerts(const nbl__report_data *d, const nbl__disclosure *disc, int *bad)
{
    json_t *arr = nbl__jnew(bad, json_array());
    int last_withheld = 0;
    for (int j = 0; !*bad && j < d->n_alerts; j++) {
        const nbl__report_alert *a = &d->alerts[j];
        int wh = nbl__disclosure_area(disc, a->pop);
        json_t *o;
        char *m;
        if (wh && last_withheld == a->year)
            continue;
        last_withheld = wh ? a->year : 0;
        m = alert_text(disc, a); /* NULL: out of memory */
        o = nbl__jnew(bad, json_object());
        nbl__jset(bad, o, "year", json_integer(a->year));
        nbl__jset(bad, o, "kind", nbl__jstr(wh ? "withheld" : a->kind));
        nbl__jset(bad, o, "rule", nbl__jstr(wh ? "withheld" : a->rule));
        nbl__jset(bad, o, "severity",
                  wh ? json_null() : nbl__jstr(a->severity));
        nbl__jset(bad, o, "state", nbl__jstr(a->state));
        nbl__jset(bad, o, "message", m ? nbl__jstr(m) : NULL);
        free(m);
        nbl__jappend(bad, arr, o);
    }
    return arr;
}

static json_t *
json_card(const nbl__report_data *d, const nbl__disclosure *disc,
          const nbl__rep_plans *p, int i, int *bad)
{
    const nbl__report_area *a = &d->areas[i];
    json_t *o = nbl__jnew(bad, json_object()),
           *th = nbl__jnew(bad, json_object()),
           *ys = nbl__jnew(bad, json_array()),
           *pl = nbl__jnew(bad, json_array());
    nbl__jset(bad, o, "area_id", nbl__jstr(a->area_id));
    nbl__jset(bad, o, "name", a->name ? nbl__jstr(a->name) : json_null());
    nbl__jset(bad, o, "municipality",
              a->municipality ? nbl__jstr(a->municipality) : json_null());
    nbl__jset(bad, o, "ruleset", nbl__jstr(d->ruleset));
    nbl__jset(bad, o, "year", json_integer(d->year));
    for (int k = 0; k < NBL__XC_N; k++)
        nbl__jset(bad, th, nbl__xcrit_id[k], jnum(d->threshold[k], 3));
    nbl__jset(bad, o, "thresholds", th);
    for (int y = d->year; !*bad && y >= d->first_year; y--)
        nbl__jappend(bad, ys,
                     json_year(disc, nbl__report_year_of(d, i, y), y, bad));
    nbl__jset(bad, o, "years", ys);
    for (int j = 0; p->have && j < p->d.n_plans; j++)
        if (nbl__rep_plan_has_area(p, j, a->area_id))
            nbl__jappend(bad, pl, json_plan(d, p, j, bad));
    nbl__jset(bad, o, "plans", pl);
    nbl__jset(bad, o, "alerts", json_alerts(d, disc, bad));
    return o;
}

/* The card of area i into b. */
static int
card_into(nbl_ws *ws, nbl__buf *b, const nbl__report_data *d,
          const nbl__disclosure *disc, const nbl_area_opts *opts, int i)
{
    nbl__rep_plans p;
    int rc;
    if ((rc = nbl__rep_plans_load(ws, d->ruleset, opts->config, &p)))
        return rc;
    if (opts->format == NBL_AREA_JSON) {
        int bad = 0;
        json_t *o = json_card(d, disc, &p, i, &bad);
        char *s = nbl__jdump(bad, o,
                             JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                 JSON_REAL_PRECISION(10));
        if (!s || nbl__buf_printf(b, "%s\n", s))
            rc = nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
        free(s);
    } else {
        text_card(b, d, disc, &p, i);
    }
    nbl__rep_plans_free(&p);
    return rc;
}

/* The id of an area of d that differs from id only in leading zeros
 * ("03" for "3", "101" for "0101"), or NULL. */
static const char *
zero_twin(const nbl__report_data *d, const char *id)
{
    const char *a = id;
    while (*a == '0' && a[1])
        a++;
    for (int i = 0; i < d->n_areas; i++) {
        const char *b = d->areas[i].area_id;
        while (*b == '0' && b[1])
            b++;
        if (strcmp(a, b) == 0 && strcmp(id, d->areas[i].area_id) != 0)
            return d->areas[i].area_id;
    }
    return NULL;
}

static int
area_write(nbl_ws *ws, const nbl_area_opts *opts)
{
    nbl__disclosure disc;
    nbl__report_data d;
    nbl__buf b = {0};
    const char *twin;
    int rc, i;

    if ((rc = nbl__rep_load(ws, opts->config, opts->ruleset, opts->year, &disc,
                            &d)))
        return rc;
    if ((i = nbl__report_find_area(&d, opts->area_id)) < 0 && opts->area_id &&
        (twin = zero_twin(&d, opts->area_id)))
        rc = nbl__error(nbl_ws_ctx(ws), NBL_ENOTFOUND,
                        "%s: no area with id '%s' (did you mean '%s'? ids are "
                        "compared exactly)",
                        nbl_ws_path(ws), opts->area_id, twin);
    else if (i < 0)
        rc = nbl__error(nbl_ws_ctx(ws), NBL_ENOTFOUND,
                        "%s: no area with id '%s' (ids are compared exactly)",
                        nbl_ws_path(ws), opts->area_id ? opts->area_id : "");
    if (rc == NBL_OK) /* its years and alerts */
        rc = nbl__store_report_area(ws, &d, i);
    if (rc == NBL_OK)
        rc = card_into(ws, &b, &d, &disc, opts, i);
    if (rc == NBL_OK)
        rc = nbl__rep_output(ws, opts->output ? opts->output : "-",
                             opts->overwrite, &b);
    nbl__buf_free(&b);
    nbl__report_data_free(&d);
    return rc;
}

int
nbl_area_write(nbl_ws *ws, const nbl_area_opts *opts)
{
    int began, rc;
    /* one state of the workspace for the area's rows and its series */
    if ((rc = nbl__store_report_snapshot(ws, &began)))
        return rc;
    rc = area_write(ws, opts);
    nbl__store_report_snapshot_end(ws, began);
    return rc;
}
