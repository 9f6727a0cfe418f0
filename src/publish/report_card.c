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

/* Appends s right-aligned (left when w < 0) in |w| columns (UTF-8). */
static void
pad(nbl__buf *b, const char *s, int w)
{
    int n = 0, left = w < 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
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

static json_t *
json_year(const nbl__disclosure *disc, const nbl__report_year *y, int year)
{
    int wh = nbl__rep_withheld(disc, y->pop), any_rate = 0;
    json_t *o = json_object(), *c = json_object();
    if (!o || !c) {
        json_decref(o);
        json_decref(c);
        return NULL;
    }
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "withheld", json_boolean(wh));
    json_object_set_new(o, "residents", wh ? json_null() : jnum(y->pop, 0));
    for (int k = 0; k < NBL__XC_N; k++) {
        int h = nbl__rep_rate_hidden(disc, y, k);
        json_t *e = json_object();
        any_rate |= h;
        json_object_set_new(e, "value",
                            h ? json_null()
                              : jnum(y->val[k], k == NBL__XC_CRI ? 3 : 2));
        json_object_set_new(e, "met",
                            h || y->met[k] < 0 ? json_null()
                                               : json_boolean(y->met[k]));
        json_object_set_new(e, "status",
                            json_string(h                  ? "suppressed"
                                        : isnan(y->val[k]) ? "missing"
                                                           : "ok"));
        json_object_set_new(c, nbl__xcrit_id[k], e);
    }
    json_object_set_new(o, "criteria", c);
    json_object_set_new(o, "criteria_met",
                        any_rate || y->criteria_met < 0
                            ? json_null()
                            : json_integer(y->criteria_met));
    json_object_set_new(o, "category",
                        wh || !y->category ? json_null()
                                           : json_string(y->category));
    json_object_set_new(o, "profile_points",
                        wh || y->points < 0 ? json_null()
                                            : json_integer(y->points));
    json_object_set_new(o, "profile_band",
                        wh || !y->band ? json_null() : json_string(y->band));
    json_object_set_new(
        o, "safety_index",
        wh || (y->safety_survey && nbl__disclosure_rate(disc, y->survey_n))
            ? json_null()
            : jnum(y->safety_index, 1));
    return o;
}

static json_t *
json_plan(const nbl__report_data *d, const nbl__rep_plans *p, int j)
{
    static const char *const col[6] = {"baseline",   "latest",
                                       "change",     "comparison_change",
                                       "difference", "target"};
    json_t *o = json_object(), *inds = json_array(), *ov = json_array();
    const nbl__plan_result *r = &p->r[j];
    int judged = p->d.end_year[j] <= d->year;
    json_object_set_new(o, "plan_id", json_string(p->d.plan_id[j]));
    json_object_set_new(o, "name",
                        p->d.plan_name[j] ? json_string(p->d.plan_name[j])
                                          : json_null());
    json_object_set_new(o, "start_year", json_integer(p->d.start_year[j]));
    json_object_set_new(o, "end_year", json_integer(p->d.end_year[j]));
    json_object_set_new(o, "judged", json_boolean(judged));
    for (int m = 0; m < p->d.n_plans; m++)
        if (nbl__rep_plans_overlap(p, j, m))
            json_array_append_new(ov, json_string(p->d.plan_id[m]));
    json_object_set_new(o, "overlaps", ov);
    for (int k = 0; r->target_met[0] != -2 && k < NBL_PLANS_N_DEFAULT; k++) {
        json_t *e = json_object();
        json_object_set_new(e, "indicator",
                            json_string(nbl__plans_default_indicators[k]));
        for (int c = 0; c < 6; c++)
            json_object_set_new(
                e, col[c],
                r->status[k] == 2 && c < 5 ? json_null() : jnum(r->v[k][c], 3));
        json_object_set_new(e, "target_met",
                            !judged || r->target_met[k] < 0
                                ? json_null()
                                : json_boolean(r->target_met[k]));
        json_object_set_new(e, "status",
                            json_string(r->status[k] == 2   ? "suppressed"
                                        : r->status[k] == 1 ? "missing"
                                                            : "ok"));
        json_array_append_new(inds, e);
    }
    json_object_set_new(o, "indicators", inds);
    return o;
}

static json_t *
json_alerts(const nbl__report_data *d, const nbl__disclosure *disc)
{
    json_t *arr = json_array();
    int last_withheld = 0;
    for (int j = 0; arr && j < d->n_alerts; j++) {
        const nbl__report_alert *a = &d->alerts[j];
        int wh = nbl__disclosure_area(disc, a->pop);
        json_t *o;
        char *m;
        if (wh && last_withheld == a->year)
            continue;
        last_withheld = wh ? a->year : 0;
        m = alert_text(disc, a);
        o = json_object();
        json_object_set_new(o, "year", json_integer(a->year));
        json_object_set_new(o, "kind", json_string(wh ? "withheld" : a->kind));
        json_object_set_new(o, "rule", json_string(wh ? "withheld" : a->rule));
        json_object_set_new(o, "severity",
                            wh ? json_null() : json_string(a->severity));
        json_object_set_new(o, "state", json_string(a->state));
        json_object_set_new(o, "message", json_string(m ? m : ""));
        free(m);
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *
json_card(const nbl__report_data *d, const nbl__disclosure *disc,
          const nbl__rep_plans *p, int i)
{
    const nbl__report_area *a = &d->areas[i];
    json_t *o = json_object(), *th = json_object(), *ys = json_array(),
           *pl = json_array();
    json_object_set_new(o, "area_id", json_string(a->area_id));
    json_object_set_new(o, "name",
                        a->name ? json_string(a->name) : json_null());
    json_object_set_new(o, "municipality",
                        a->municipality ? json_string(a->municipality)
                                        : json_null());
    json_object_set_new(o, "ruleset", json_string(d->ruleset));
    json_object_set_new(o, "year", json_integer(d->year));
    for (int k = 0; k < NBL__XC_N; k++)
        json_object_set_new(th, nbl__xcrit_id[k], jnum(d->threshold[k], 3));
    json_object_set_new(o, "thresholds", th);
    for (int y = d->year; y >= d->first_year; y--)
        json_array_append_new(ys,
                              json_year(disc, nbl__report_year_of(d, i, y), y));
    json_object_set_new(o, "years", ys);
    for (int j = 0; p->have && j < p->d.n_plans; j++)
        if (nbl__rep_plan_has_area(p, j, a->area_id))
            json_array_append_new(pl, json_plan(d, p, j));
    json_object_set_new(o, "plans", pl);
    json_object_set_new(o, "alerts", json_alerts(d, disc));
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
        json_t *o = json_card(d, disc, &p, i);
        char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                        JSON_REAL_PRECISION(10))
                    : NULL;
        json_decref(o);
        if (!s || nbl__buf_printf(b, "%s\n", s))
            rc = nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
        free(s);
    } else {
        text_card(b, d, disc, &p, i);
    }
    nbl__rep_plans_free(&p);
    return rc;
}

static int
area_write(nbl_ws *ws, const nbl_area_opts *opts)
{
    nbl__disclosure disc;
    nbl__report_data d;
    nbl__buf b = {0};
    int rc, i;

    if ((rc = nbl__rep_load(ws, opts->config, opts->ruleset, opts->year, &disc,
                            &d)))
        return rc;
    if ((i = nbl__report_find_area(&d, opts->area_id)) < 0)
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
