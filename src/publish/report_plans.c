/*
 * report_plans.c - the plans (helhedsplaner) in the report and the area
 * card: each plan's years and areas, per indicator the baseline and latest
 * values of its areas, their change, the comparison group's change, the
 * difference, and whether the target was met - "not yet judged" while the
 * plan runs (end_year after the report's year); plans that share an area
 * in overlapping years are flagged. The numbers are the plan comparison's
 * (compute/plans.c, nbl__plans_results: the comparison group and
 * [disclosure] of the config, as `nabolag plans compare`).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "publish/report_internal.h"
#include "util/ctx.h"
#include "util/i18n.h"

int
nbl__rep_plans_load(nbl_ws *ws, const char *ruleset, const char *config,
                    nbl__rep_plans *p)
{
    static const char *const ind[] = {"lab", "cri", "edu", "inc", "eth"};
    nbl__plan_result *r = NULL;
    size_t n = 0;
    int rc;
    int any;
    memset(p, 0, sizeof *p);
    /* no plans: not the comparison's load of every area's values */
    if ((rc = nbl__store_plans_any(ws, &any)) || !any)
        return rc;
    if ((rc = nbl__store_plans_load(ws, ruleset, ind, 5, &p->d)))
        return rc;
    if (p->d.n_plans == 0) {
        nbl__plans_data_free(&p->d);
        return NBL_OK;
    }
    if ((rc = nbl__plans_results(ws, ruleset, config, 0, &r, &n))) {
        nbl__plans_data_free(&p->d);
        return rc;
    }
    p->r = calloc((size_t)p->d.n_plans, sizeof *p->r);
    if (!p->r) {
        free(r);
        nbl__plans_data_free(&p->d);
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    }
    for (int i = 0; i < p->d.n_plans; i++) {
        p->r[i].target_met[0] = -2; /* no result matched */
        for (size_t j = 0; j < n; j++)
            if (strcmp(r[j].plan_id, p->d.plan_id[i]) == 0 &&
                r[j].start_year == p->d.start_year[i])
                p->r[i] = r[j];
    }
    free(r);
    p->have = 1;
    return NBL_OK;
}

void
nbl__rep_plans_free(nbl__rep_plans *p)
{
    if (p->have)
        nbl__plans_data_free(&p->d);
    free(p->r);
    memset(p, 0, sizeof *p);
}

int
nbl__rep_plan_has_area(const nbl__rep_plans *p, int i, const char *id)
{
    for (int k = 0; k < p->d.plan_n_areas[i]; k++)
        if (strcmp(p->d.area_id[p->d.plan_areas[i][k]], id) == 0)
            return 1;
    return 0;
}

int
nbl__rep_plans_overlap(const nbl__rep_plans *p, int i, int j)
{
    if (i == j || p->d.start_year[i] > p->d.end_year[j] ||
        p->d.start_year[j] > p->d.end_year[i])
        return 0;
    for (int k = 0; k < p->d.plan_n_areas[i]; k++)
        for (int m = 0; m < p->d.plan_n_areas[j]; m++)
            if (p->d.plan_areas[i][k] == p->d.plan_areas[j][m])
                return 1;
    return 0;
}

/* The indicators of the comparison (plans_internal.h's order). */
static const char *const ind_msgids[NBL_PLANS_N_DEFAULT] = {
    N_("Outside work and education, 18–64 (%)"),
    N_("Convicted, share of 18+ (%)"), N_("Basic education only, 30–59 (%)"),
    /* xgettext:no-c-format */
    N_("Income, % of the region's mean"), N_("Non-western origin (%)"),
    N_("Safety index")};

static void
cell(nbl__buf *b, double v, int dec, int sign)
{
    char s[64];
    if (isnan(v)) {
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
        return;
    }
    nbl__fmt_num(s, sizeof s, v, dec);
    nbl__buf_printf(b, "<td class=\"num\">%s%s</td>", sign && v > 0 ? "+" : "",
                    s);
}

/* "met", "not met", "not yet judged", "–" for indicator k of plan i. */
static const char *
target_text(const nbl__rep_plans *p, int i, int k, int year, const char **cls)
{
    const nbl__plan_result *r = &p->r[i];
    *cls = "";
    if (isnan(r->v[k][5]))
        return "–";
    if (p->d.end_year[i] > year) {
        *cls = "pending";
        return T_("not yet judged");
    }
    if (r->target_met[k] == 1) {
        *cls = "better";
        return T_("met");
    }
    if (r->target_met[k] == 0) {
        *cls = "worse";
        return T_("not met");
    }
    return T_("cannot be judged");
}

static void
plan_rows(nbl__buf *b, const nbl__rep_plans *p, int i, int year)
{
    const nbl__plan_result *r = &p->r[i];
    for (int k = 0; k < NBL_PLANS_N_DEFAULT; k++) {
        const char *cls, *tt;
        if (r->status[k] == 1 && isnan(r->v[k][5]))
            continue; /* no values and no target */
        tt = target_text(p, i, k, year, &cls);
        nbl__buf_printf(b, "<tr data-plan-ind=\"%s\"><td>%s</td>",
                        nbl__plans_default_indicators[k], T_(ind_msgids[k]));
        if (r->status[k] == 2)
            nbl__buf_printf(b, "<td class=\"num\">·</td><td class=\"num\">·"
                               "</td><td class=\"num\">·</td><td class=\"num\">"
                               "·</td><td class=\"num\">·</td>");
        else
            for (int c = 0; c < 5; c++)
                cell(b, r->v[k][c], 1, c >= 2);
        cell(b, r->v[k][5], 1, 0);
        nbl__buf_printf(b, "<td class=\"%s\">%s</td></tr>\n", cls, tt);
    }
}

static void
plan_areas(nbl__buf *b, const nbl__rep_plans *p, int i)
{
    for (int k = 0; k < p->d.plan_n_areas[i]; k++) {
        int a = p->d.plan_areas[i][k];
        nbl__buf_printf(b, "%s<a href=\"#", k ? ", " : "");
        nbl__rep_anchor(b, p->d.area_id[a]);
        nbl__buf_printf(b, "\">");
        nbl__rep_esc(b, p->d.name[a] ? p->d.name[a] : p->d.area_id[a]);
        nbl__buf_printf(b, "</a>");
    }
}

static void
plan_overlaps(nbl__buf *b, const nbl__rep_plans *p, int i)
{
    for (int j = 0; j < p->d.n_plans; j++) {
        if (!nbl__rep_plans_overlap(p, i, j))
            continue;
        nbl__buf_printf(b, "<p class=\"overlap\">%s ",
                        T_("Overlaps (shared area in the same years) with"));
        nbl__rep_esc(b,
                     p->d.plan_name[j] ? p->d.plan_name[j] : p->d.plan_id[j]);
        nbl__buf_printf(b, " (");
        nbl__rep_esc(b, p->d.plan_id[j]);
        nbl__buf_printf(
            b, ", %d–%d): %s</p>\n", p->d.start_year[j], p->d.end_year[j],
            T_("its effect cannot be told apart from this plan's."));
    }
}

static void
plan_one(nbl__buf *b, const nbl__report_data *d, const nbl__rep_plans *p, int i)
{
    const nbl__plan_result *r = &p->r[i];
    nbl__buf_printf(b, "<section class=\"plan\" data-plan=\"");
    nbl__rep_esc(b, p->d.plan_id[i]);
    nbl__buf_printf(b, "\">\n<h3>");
    nbl__rep_esc(b, p->d.plan_name[i] ? p->d.plan_name[i] : p->d.plan_id[i]);
    nbl__buf_printf(b, " <span class=\"id\">");
    nbl__rep_esc(b, p->d.plan_id[i]);
    nbl__buf_printf(b, "</span></h3>\n<p>%d–%d. %s: ", p->d.start_year[i],
                    p->d.end_year[i], T_("Areas"));
    plan_areas(b, p, i);
    nbl__buf_printf(b, ".");
    if (p->d.end_year[i] > d->year)
        nbl__buf_printf(b,
                        T_(" The plan runs until %d: its targets are not "
                           "yet judged."),
                        p->d.end_year[i]);
    nbl__buf_printf(b, "</p>\n");
    plan_overlaps(b, p, i);
    if (r->target_met[0] == -2)
        return (void)nbl__buf_printf(b, "</section>\n");
    nbl__buf_printf(b,
                    T_("<table class=\"plan\">\n<tr><th>indicator</th>"
                       "<th class=\"num\">baseline %d</th>"
                       "<th class=\"num\">latest %d</th>"
                       "<th class=\"num\">change</th>"
                       "<th class=\"num\">comparison areas' change</th>"
                       "<th class=\"num\">difference</th>"
                       "<th class=\"num\">target</th><th>target met</th>"
                       "</tr>\n"),
                    r->baseline_year, r->latest_year);
    plan_rows(b, p, i, d->year);
    nbl__buf_printf(b, "</table>\n</section>\n");
}

void
nbl__rep_plans_section(nbl__buf *b, const nbl__report_data *d,
                       const nbl__rep_plans *p)
{
    nbl__buf_printf(b, "%s", T_("<h2 id=\"plans\">Plans</h2>\n"));
    if (!p->have) {
        nbl__buf_printf(b, "%s",
                        T_("<p>The workspace has no plans (<code>nabolag "
                           "import plans</code>).</p>\n"));
        return;
    }
    nbl__buf_printf(b, "%s",
                    T_("<p>Per plan: its areas' values in the year before it "
                       "started (baseline) and in its latest year, the "
                       "change, the change of comparable areas without a plan "
                       "in the same municipality, and the difference of the "
                       "two (as <code>nabolag plans compare</code>). · marks "
                       "a value not shown under disclosure control.</p>\n"));
    for (int i = 0; i < p->d.n_plans; i++)
        plan_one(b, d, p, i);
}
