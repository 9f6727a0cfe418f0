/*
 * report_area.c - the report's area cards ("områdekort"): per area its
 * charts, every year's criteria against the thresholds, category, criteria
 * met, profile points and safety index, its plans and its alerts. The
 * same data as `nabolag area` (report_card.c), read from the workspace
 * one area at a time (nbl__store_report_area). Disclosure as the rest of
 * the report: a year in which the area is below the publication minimum
 * shows no values (·), a rate of too few people is ·.
 */
#include <math.h>
#include <stdlib.h>

#include "publish/report_internal.h"
#include "util/i18n.h"

static void
year_cell(nbl__buf *b, const nbl__disclosure *disc, const nbl__report_year *y,
          int k)
{
    char s[64];
    if (nbl__rep_rate_hidden(disc, y, k))
        nbl__buf_printf(b, "<td class=\"num\">·</td>");
    else if (isnan(y->val[k]))
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
    else
        nbl__buf_printf(
            b, "<td class=\"num%s\">%s</td>", y->met[k] == 1 ? " met" : "",
            nbl__fmt_num(s, sizeof s, y->val[k], nbl__rep_crit_decimals(k)));
}

static void
year_row(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc,
         int i, int year)
{
    const nbl__report_year *y = nbl__report_year_of(d, i, year);
    int wh = nbl__rep_withheld(disc, y->pop), any_rate = 0;
    char s[64];
    nbl__buf_printf(b, "<tr data-year=\"%d\"><td>%d</td>", year, year);
    if (wh)
        nbl__buf_printf(b, "<td class=\"num\">·</td>");
    else if (isnan(y->pop))
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
    else
        nbl__buf_printf(b, "<td class=\"num\">%s</td>",
                        nbl__fmt_num(s, sizeof s, y->pop, 0));
    for (int k = 0; k < NBL__XC_N; k++) {
        year_cell(b, disc, y, k);
        any_rate |= nbl__rep_rate_hidden(disc, y, k);
    }
    if (any_rate)
        nbl__buf_printf(b, "<td class=\"num\">·</td>");
    else if (y->criteria_met < 0)
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
    else
        nbl__buf_printf(b, "<td class=\"num\">%d</td>", y->criteria_met);
    nbl__buf_printf(b, "<td>%s</td>",
                    wh ? "·" : nbl__rep_cat_label(y->category));
    if (wh || y->points < 0)
        nbl__buf_printf(b, "<td class=\"num\">%s</td>", wh ? "·" : "–");
    else
        nbl__buf_printf(b, "<td class=\"num\">%d</td>", y->points);
    if (wh || (y->safety_survey && nbl__disclosure_rate(disc, y->survey_n)))
        nbl__buf_printf(b, "<td class=\"num\">·</td>");
    else if (isnan(y->safety_index))
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
    else
        nbl__buf_printf(b, "<td class=\"num\">%s</td>",
                        nbl__fmt_num(s, sizeof s, y->safety_index, 1));
    nbl__buf_printf(b, "</tr>\n");
}

static void
years_table(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc,
            int i)
{
    char t[64];
    nbl__buf_printf(b,
                    "<table class=\"years\">\n<tr><th>%s</th>"
                    "<th class=\"num\">%s</th>",
                    T_("year"), T_("residents"));
    for (int k = 0; k < NBL__XC_N; k++) {
        nbl__buf_printf(b, "<th class=\"num\">");
        nbl__rep_esc(b, nbl__rep_crit_label(k));
        if (!isnan(d->threshold[k]))
            nbl__buf_printf(
                b, "<br><span class=\"thr\">%s %s</span>", T_("threshold"),
                nbl__fmt_num(t, sizeof t, d->threshold[k],
                             fmod(d->threshold[k], 1) == 0 ? 0 : 2));
        nbl__buf_printf(b, "</th>");
    }
    nbl__buf_printf(b,
                    "<th class=\"num\">%s</th><th>%s</th><th class=\"num\">%s"
                    "</th><th class=\"num\">%s</th></tr>\n",
                    T_("criteria met"), T_("category"), T_("profile points"),
                    T_("safety index"));
    for (int y = d->year; y >= d->first_year; y--)
        year_row(b, d, disc, i, y);
    nbl__buf_printf(b, "</table>\n");
}

static void
card_plans(nbl__buf *b, const nbl__report_data *d, const nbl__rep_plans *p,
           const char *id)
{
    int any = 0;
    for (int j = 0; p->have && j < p->d.n_plans; j++) {
        if (!nbl__rep_plan_has_area(p, j, id))
            continue;
        nbl__buf_printf(b, "%s", any ? ", " : T_("<p>Plans: "));
        nbl__rep_esc(b,
                     p->d.plan_name[j] ? p->d.plan_name[j] : p->d.plan_id[j]);
        nbl__buf_printf(b, " (%d–%d%s)", p->d.start_year[j], p->d.end_year[j],
                        p->d.end_year[j] > d->year ? T_(", running") : "");
        any = 1;
    }
    nbl__buf_printf(b, "%s", any ? " (<a href=\"#plans\">" : "");
    if (any)
        nbl__buf_printf(b, "%s</a>).</p>\n", T_("see Plans"));
}

/* The alerts of the card's area up to the year (d->alerts holds its
 * alone, nbl__store_report_area); one line per year for a year in which
 * the area is below the publication minimum. */
static void
card_alerts(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc)
{
    int any = 0, last_withheld = 0;
    for (int j = 0; j < d->n_alerts; j++) {
        const nbl__report_alert *a = &d->alerts[j];
        int wh = nbl__disclosure_area(disc, a->pop);
        if (wh && last_withheld == a->year)
            continue;
        last_withheld = wh ? a->year : 0;
        nbl__buf_printf(b, "%s<li class=\"state-",
                        any ? "" : "<ul class=\"alerts\">\n");
        nbl__rep_esc(b, a->state);
        nbl__buf_printf(b, "\">%d, %s: ", a->year,
                        wh ? T_("withheld") : T_(a->state));
        if (wh) {
            char *m = nbl__disclosure_small_area_message(disc, a->area_name,
                                                         a->area_id);
            nbl__rep_esc(b, m ? m : "");
            free(m);
        } else if (nbl__disclosure_alert(disc, a->pop, a->denom)) {
            char *m = nbl__disclosure_alert_message(a->area_name, a->area_id,
                                                    a->kind, a->rule);
            nbl__rep_esc(b, m ? m : "");
            free(m);
        } else
            nbl__rep_esc(b, a->message);
        nbl__buf_printf(b, "</li>\n");
        any = 1;
    }
    if (any)
        nbl__buf_printf(b, "</ul>\n");
    else
        nbl__buf_printf(b, "<p>%s</p>\n", T_("No alerts."));
}

static void
card(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc,
     const nbl__rep_plans *p, int i)
{
    const nbl__report_area *a = &d->areas[i];
    nbl__buf_printf(b, "<section class=\"card\" id=\"");
    nbl__rep_anchor(b, a->area_id);
    nbl__buf_printf(b, "\">\n<h3>");
    nbl__rep_esc(b, a->name ? a->name : a->area_id);
    nbl__buf_printf(b, " <span class=\"id\">");
    nbl__rep_esc(b, a->area_id);
    nbl__buf_printf(b, "</span></h3>\n<p class=\"meta\">");
    if (a->municipality) {
        nbl__buf_printf(b, "%s ", T_("Municipality"));
        nbl__rep_esc(b, a->municipality);
        nbl__buf_printf(b, " · ");
    }
    nbl__buf_printf(b, "%d: %s</p>\n", d->year,
                    nbl__rep_withheld(disc, a->pop)
                        ? T_("not shown (below the publication minimum)")
                        : nbl__rep_cat_label(a->category));
    nbl__rep_area_charts(b, d, disc, i);
    years_table(b, d, disc, i);
    card_plans(b, d, p, a->area_id);
    card_alerts(b, d, disc);
    nbl__buf_printf(b,
                    "<p class=\"top\"><a href=\"#areas\">%s</a></p>\n"
                    "</section>\n",
                    T_("↑ back to the table"));
}

int
nbl__rep_area_cards(nbl_ws *ws, nbl__rep_out *o, nbl__report_data *d,
                    const nbl__disclosure *disc, const nbl__rep_plans *p)
{
    int rc;
    nbl__buf_printf(&o->b, "%s", T_("<h2 id=\"cards\">Area cards</h2>\n"));
    nbl__buf_printf(&o->b, "%s",
                    T_("<p class=\"note\">Per area: each criterion over the "
                       "years with its threshold (dashed); a shaded year was "
                       "on the list, in the category's colour; a grey year "
                       "marked × is not shown under disclosure control; "
                       "filled points meet the threshold.</p>\n"));
    /* one area's years and alerts at a time, written out as they come */
    for (int i = 0; i < d->n_areas; i++) {
        if ((rc = nbl__store_report_area(ws, d, i)))
            return rc;
        card(&o->b, d, disc, p, i);
        if ((rc = nbl__rep_flush(o, 0)))
            return rc;
    }
    return NBL_OK;
}
