/*
 * report.c - `nabolag report`: one self-contained HTML file for a year
 * (see nabolag/report.h). Text is HTML-escaped; numbers are printed in the
 * C locale; disclosure control is the export's (disclosure.h): an area
 * below the publication minimum ([disclosure] min_residents_publish,
 * default 100 residents) shows no values, residents or category, a rate
 * whose denominator is below min_denominator is not shown.
 * Category labels and colours come from categories.c, the same table as
 * the QGIS styles. The page is written to its file as it is made
 * (nbl__rep_out: chunks under a temporary name, renamed at the end):
 * what grows with the number of areas (the changes, the map's outlines,
 * the areas' table, the alerts, the area cards) is read from store cursors
 * and flushed row by row, so the report needs no memory in proportion to
 * its page.
 */
#include "nabolag/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/categories.h"
#include "model/disclosure.h"
#include "publish/report_internal.h"
#include "store/store_report.h"
#include "util/ctx.h"
#include "util/i18n.h"
#include "util/util.h"

static int
cat_index(const char *code)
{
    const nbl__category *c = nbl__category_find(code);
    return c ? (int)(c - nbl__categories) : -1;
}

#define cat_label nbl__rep_cat_label
#define cat_colour nbl__rep_cat_colour
#define area_withheld nbl__rep_withheld

static void
esc(nbl__buf *b, const char *s)
{
    nbl__buf_append_xml(b, s);
}

static void
num_cell(nbl__buf *b, double v, int dec, int met, int hidden)
{
    char s[64];
    if (hidden)
        nbl__buf_printf(b, "<td class=\"num\">·</td>");
    else if (isnan(v))
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
    else
        nbl__buf_printf(b, "<td class=\"num%s\">%s</td>",
                        met == 1 ? " met" : "",
                        nbl__fmt_num(s, sizeof s, v, dec));
}

/* The pseudo-categories of a change: no result, withheld. */
#define CH_NONE (-2)
#define CH_WITHHELD (-3)

/* Category index of an area in a year for the count table and the
 * changes: 0..NBL_N_CATEGORIES-1, CH_WITHHELD (below the publication
 * minimum) or CH_NONE (no result). */
static int
count_slot(const nbl__disclosure *disc, const char *code, double pop)
{
    int c = cat_index(code);
    if (c < 0)
        return CH_NONE;
    return area_withheld(disc, pop) ? CH_WITHHELD : c;
}

static const char *
slot_label(int s)
{
    if (s == CH_WITHHELD)
        return T_("not shown (below the publication minimum)");
    if (s == CH_NONE)
        return T_("no result");
    return cat_label(nbl__categories[s].code);
}

static const char *
slot_code(int s)
{
    return s == CH_WITHHELD ? "withheld"
           : s == CH_NONE   ? "none_result"
                            : nbl__categories[s].code;
}

static void
count_table(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc)
{
    char hex[8];
    long now[NBL_N_CATEGORIES + 1] = {0}, before[NBL_N_CATEGORIES + 1] = {0};
    /* withheld areas are counted apart: by category the counts together
     * with the published categories would give theirs away */
    for (int i = 0; i < d->n_areas; i++) {
        const nbl__report_area *a = &d->areas[i];
        int c = count_slot(disc, a->category, a->pop);
        int p = count_slot(disc, a->prev_category, a->prev_pop);
        if (c != CH_NONE)
            now[c == CH_WITHHELD ? NBL_N_CATEGORIES : c]++;
        if (p != CH_NONE)
            before[p == CH_WITHHELD ? NBL_N_CATEGORIES : p]++;
    }
    nbl__buf_printf(b, T_("<h2 id=\"summary\">Categories %d</h2>\n"), d->year);
    nbl__buf_printf(b, "<table class=\"counts\">\n<tr><th>%s</th>",
                    T_("category"));
    nbl__buf_printf(b, T_("<th class=\"num\">areas %d</th>"), d->year);
    if (d->prev_year)
        nbl__buf_printf(b, T_("<th class=\"num\">areas %d</th>"), d->prev_year);
    nbl__buf_printf(b, "</tr>\n");
    for (size_t k = 0; k <= NBL_N_CATEGORIES; k++) {
        int s = k == NBL_N_CATEGORIES ? CH_WITHHELD : (int)k;
        if (s == CH_WITHHELD && !now[k] && !before[k])
            continue;
        nbl__buf_printf(
            b,
            "<tr data-cat=\"%s\"><td><span class=\"swatch\" "
            "style=\"background:%s\"></span>%s</td><td "
            "class=\"num now\">%ld</td>",
            slot_code(s),
            cat_colour(s >= 0 ? nbl__categories[s].code : NULL, hex),
            slot_label(s), now[k]);
        if (d->prev_year)
            nbl__buf_printf(b, "<td class=\"num before\">%ld</td>", before[k]);
        nbl__buf_printf(b, "</tr>\n");
    }
    nbl__buf_printf(b, "</table>\n");
}

/* Why an area's category cannot be evaluated: the criteria without a
 * result ("cri, lab"). */
static void
missing_criteria(const nbl__report_area *a, char *buf, size_t n)
{
    const char *ids[4] = {"lab", "cri", "edu", "inc"};
    int met[4] = {a->lab_met, a->cri_met, a->edu_met, a->inc_met};
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < 4; k++)
        if (met[k] < 0 && len < n)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
                                    ids[k]);
}

/* One changed area: from -> to, with the reason for not_evaluable. */
static void
change_item(nbl__buf *b, const nbl__report_area *a, int p, int c)
{
    int rc = c >= 0 ? nbl__categories[c].rank : -1;
    int rp = p >= 0 ? nbl__categories[p].rank : -1;
    const char *cls =
        rc >= 0 && rp >= 0 ? (rc < rp ? "better" : "worse") : "other";
    char why[64];
    nbl__buf_printf(b, "<li class=\"%s\" data-from=\"%s\" data-to=\"%s\">", cls,
                    slot_code(p), slot_code(c));
    esc(b, a->name ? a->name : a->area_id);
    nbl__buf_printf(b, " (");
    esc(b, a->area_id);
    nbl__buf_printf(b, "): %s → %s", slot_label(p), slot_label(c));
    if (c >= 0 && strcmp(nbl__categories[c].code, "not_evaluable") == 0) {
        missing_criteria(a, why, sizeof why);
        if (why[0])
            nbl__buf_printf(b, T_(" (data missing: %s)"), why);
    }
    nbl__buf_printf(b, "</li>\n");
}

/* The sentence under the changes: each count in its own plural form. */
static void
changes_counts(nbl__buf *b, int better, int worse, int other)
{
    char p[3][256];
    snprintf(p[0], sizeof p[0],
             Tn_("%d area left the list or moved to a lighter category",
                 "%d areas left the list or moved to a lighter category",
                 (unsigned long)better),
             better);
    snprintf(p[1], sizeof p[1],
             Tn_("%d area entered it or moved to a more serious one",
                 "%d areas entered it or moved to a more serious one",
                 (unsigned long)worse),
             worse);
    snprintf(p[2], sizeof p[2],
             Tn_("%d area moved to or from \"%s\", \"not shown\" or no "
                 "result",
                 "%d areas moved to or from \"%s\", \"not shown\" or no "
                 "result",
                 (unsigned long)other),
             other, cat_label("not_evaluable"));
    /* TRANSLATORS: the changes since the year before: better; worse;
     * to or from not evaluable */
    nbl__buf_printf(b, T_("%s; %s; %s."), p[0], p[1], p[2]);
}

/* Every area whose category differs from the year before, including
 * moves to and from not_evaluable, to and from "not shown" and from or to
 * no result: the counts of the table add up (moves in minus moves out).
 * Positive moves are listed as prominently as negative ones. */
static int
changes(nbl__rep_out *o, const nbl__report_data *d, const nbl__disclosure *disc)
{
    nbl__buf *b = &o->b;
    int better = 0, worse = 0, other = 0;
    nbl__buf_printf(b, T_("<h3>Changes since %d</h3>\n"), d->prev_year);
    nbl__buf_printf(b, "<ul class=\"changes\">\n");
    for (int i = 0; i < d->n_areas; i++) {
        const nbl__report_area *a = &d->areas[i];
        int c = count_slot(disc, a->category, a->pop);
        int p = count_slot(disc, a->prev_category, a->prev_pop);
        int rc = c >= 0 ? nbl__categories[c].rank : -1;
        int rp = p >= 0 ? nbl__categories[p].rank : -1;
        if (c == p)
            continue;
        change_item(b, a, p, c);
        if (nbl__rep_flush(o, 0))
            return o->rc;
        if (rc >= 0 && rp >= 0 && rc < rp)
            better++;
        else if (rc >= 0 && rp >= 0)
            worse++;
        else
            other++;
    }
    nbl__buf_printf(b, "</ul>\n<p>");
    changes_counts(b, better, worse, other);
    nbl__buf_printf(b, "</p>\n");
    return NBL_OK;
}

static int
summary(nbl__rep_out *o, const nbl__report_data *d, const nbl__disclosure *disc)
{
    count_table(&o->b, d, disc);
    return d->prev_year ? changes(o, d, disc) : NBL_OK;
}

/* Area a's row of the areas' table; 1 if a value of it is withheld. */
static int
area_row(nbl__buf *b, const nbl__report_area *a, const nbl__disclosure *disc,
         int any_safety)
{
    int sup = area_withheld(disc, a->pop);
    int hide = isnan(a->pop) || sup;
    int rate[NBL__XC_N], any_rate = 0, safety_sup;
    char s[64];
    for (int k = 0; k < NBL__XC_N; k++) {
        rate[k] = hide || nbl__disclosure_rate(disc, a->den[k]);
        any_rate |= rate[k];
    }
    /* the export's rule: an index with survey sub-indices is a rate of
     * the survey's respondents */
    safety_sup =
        hide || (a->safety_survey && nbl__disclosure_rate(disc, a->survey_n));
    nbl__buf_printf(b, "<tr><td><a href=\"#");
    nbl__rep_anchor(b, a->area_id);
    nbl__buf_printf(b, "\">");
    esc(b, a->name ? a->name : a->area_id);
    nbl__buf_printf(b, "</a> <span class=\"id\">");
    esc(b, a->area_id);
    nbl__buf_printf(b, "</span></td>");
    if (sup)
        nbl__buf_printf(b, "<td class=\"num\">·</td>");
    else if (isnan(a->pop))
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
    else
        nbl__buf_printf(b, "<td class=\"num\">%s</td>",
                        nbl__fmt_num(s, sizeof s, a->pop, 0));
    num_cell(b, a->lab, 1, a->lab_met, rate[NBL__XC_LAB]);
    num_cell(b, a->cri_ratio, 2, a->cri_met, rate[NBL__XC_CRI]);
    num_cell(b, a->edu, 1, a->edu_met, rate[NBL__XC_EDU]);
    num_cell(b, a->inc, 1, a->inc_met, rate[NBL__XC_INC]);
    num_cell(b, a->eth, 1, 0, rate[NBL__XC_ETH]);
    /* the number met would give a withheld criterion's flag away */
    if (any_rate)
        nbl__buf_printf(b, "<td class=\"num\">·</td>");
    else if (a->criteria_met < 0)
        nbl__buf_printf(b, "<td class=\"num\">–</td>");
    else
        nbl__buf_printf(b, "<td class=\"num\">%d</td>", a->criteria_met);
    if (any_safety)
        num_cell(b, a->safety_index, 0, 0, safety_sup);
    nbl__buf_printf(
        b, "<td>%s</td><td>%s</td></tr>\n", sup ? "·" : cat_label(a->category),
        area_withheld(disc, a->prev_pop) ? "·" : cat_label(a->prev_category));
    return any_rate || (any_safety && safety_sup);
}

static int
areas_table(nbl__rep_out *o, const nbl__report_data *d,
            const nbl__disclosure *disc)
{
    nbl__buf *b = &o->b;
    int any_safety = 0, any_hidden = 0;
    for (int i = 0; i < d->n_areas; i++)
        if (!isnan(d->areas[i].safety_index))
            any_safety = 1;
    nbl__buf_printf(
        b,
        T_("<h2 id=\"areas\">Areas %d</h2>\n<table>\n<tr><th>area</th>"
           "<th class=\"num\">residents</th>"
           "<th class=\"num\">outside work and education 18–64 (%%)</th>"
           "<th class=\"num\">convictions, × country</th>"
           "<th class=\"num\">basic education only 30–59 (%%)</th>"
           "<th class=\"num\">income, %% of region</th>"
           "<th class=\"num\">non-western (%%)</th>"
           "<th class=\"num\">criteria met</th>%s<th>category</th>"
           "<th>%d</th></tr>\n"),
        d->year, any_safety ? T_("<th class=\"num\">safety index</th>") : "",
        d->prev_year);
    for (int i = 0; i < d->n_areas; i++) {
        any_hidden |= area_row(b, &d->areas[i], disc, any_safety);
        if (nbl__rep_flush(o, 0))
            return o->rc;
    }
    nbl__buf_printf(b,
                    T_("</table>\n<p>Values in bold (●) meet the statutory "
                       "threshold; – means not available.%s</p>\n"),
                    any_hidden ? T_(" · marks a value not shown under "
                                    "disclosure control: an area below the "
                                    "publication minimum of residents (its "
                                    "values, residents and category are not "
                                    "shown) or a rate of too few people.")
                               : "");
    return NBL_OK;
}

/* The states as msgids for the catalogue (shown with T_()). */
static const char *const state_msgids[] = {N_("new"), N_("ongoing"),
                                           N_("resolved"), N_("superseded")};

/* An alert's kind as the table shows it, in words of the output language:
 * the codes that are no words have the alert list's msgids. */
static const char *
kind_words(const char *kind)
{
    if (strcmp(kind, "not_evaluable") == 0)
        return T_("not evaluable");
    if (strcmp(kind, "status_dynamics") == 0)
        return T_("status/dynamics");
    return T_(kind);
}

/* The alerts' table, row by row from the store's cursor. */
typedef struct alerts_arg {
    nbl__rep_out *o;
    const nbl__disclosure *disc;
    int n;            /* rows so far */
    nbl__buf prev_id; /* the area of the alert before, and its residents */
    double prev_pop;
} alerts_arg;

/* An alert below the publication minimum: one line per area, naming no
 * criterion, value or distance (the alert list's rule). */
static void
alert_withheld(nbl__buf *b, const nbl__disclosure *disc,
               const nbl__report_alert *a)
{
    char *m =
        nbl__disclosure_small_area_message(disc, a->area_name, a->area_id);
    nbl__buf_printf(b, "<tr class=\"kind-withheld\"><td>");
    esc(b, a->area_name ? a->area_name : a->area_id);
    nbl__buf_printf(b, "</td><td></td><td></td><td>%s</td><td>",
                    T_("withheld"));
    esc(b, m ? m : "");
    free(m);
    nbl__buf_printf(b, "</td></tr>\n");
}

static void
alert_shown(nbl__buf *b, const nbl__disclosure *disc,
            const nbl__report_alert *a)
{
    nbl__buf_printf(b, "<tr class=\"kind-");
    esc(b, a->kind);
    nbl__buf_printf(b, " state-");
    esc(b, a->state);
    nbl__buf_printf(b, "\"><td>");
    esc(b, a->area_name ? a->area_name : a->area_id);
    nbl__buf_printf(b, "</td><td>");
    esc(b, T_(a->state));
    (void)state_msgids;
    nbl__buf_printf(b, "</td><td class=\"sev-");
    esc(b, a->severity);
    nbl__buf_printf(b, "\">");
    esc(b, T_(a->severity));
    nbl__buf_printf(b, "</td><td>");
    esc(b, kind_words(a->kind));
    nbl__buf_printf(b, "</td><td>");
    if (nbl__disclosure_alert(disc, a->pop, a->denom)) {
        /* the alerts' rule (export layer, nabolag alerts) */
        char *m = nbl__disclosure_alert_message(a->area_name, a->area_id,
                                                a->kind, a->rule);
        esc(b, m ? m : "value withheld under disclosure control");
        free(m);
    } else {
        esc(b, a->message);
    }
    nbl__buf_printf(b, "</td></tr>\n");
}

static int
alert_row(void *arg, const nbl__report_alert *a)
{
    alerts_arg *x = arg;
    nbl__buf *b = &x->o->b;
    int same = x->n && strcmp(x->prev_id.s, a->area_id) == 0;
    int after_withheld = same && nbl__disclosure_area(x->disc, x->prev_pop);
    if (x->n++ == 0)
        nbl__buf_printf(b, "%s",
                        T_("<table>\n<tr><th>area</th><th>state</th>"
                           "<th>severity</th><th>kind</th><th>message</th>"
                           "</tr>\n"));
    /* the id is copied when the area changes, not for every alert */
    if (!same) {
        x->prev_id.len = 0;
        if (nbl__buf_append(&x->prev_id, a->area_id, strlen(a->area_id)))
            return nbl__error(x->o->ctx, NBL_ENOMEM, "out of memory");
    }
    x->prev_pop = a->pop;
    if (nbl__disclosure_area(x->disc, a->pop)) {
        if (!after_withheld)
            alert_withheld(b, x->disc, a);
    } else
        alert_shown(b, x->disc, a);
    return nbl__rep_flush(x->o, 0);
}

static int
alerts_table(nbl_ws *ws, nbl__rep_out *o, const nbl__report_data *d,
             const nbl__disclosure *disc)
{
    alerts_arg x = {o, disc, 0, {0}, 0};
    int rc;
    nbl__buf_printf(&o->b, T_("<h2 id=\"alerts\">Alerts %d</h2>\n"), d->year);
    rc = nbl__store_report_year_alerts(ws, d, alert_row, &x);
    nbl__buf_free(&x.prev_id);
    if (rc)
        return rc;
    if (x.n == 0)
        nbl__buf_printf(&o->b, T_("<p>No alerts for %d.</p>\n"), d->year);
    else
        nbl__buf_printf(&o->b, "</table>\n");
    return nbl__rep_flush(o, 0);
}

static void
head(nbl__buf *b, const nbl__report_data *d, const nbl_report_opts *opts,
     const char *title)
{
    const char *css = nbl__asset("report.css", NULL);
    char now[32];
    nbl__now_iso(now);
    nbl__buf_printf(b,
                    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta "
                    "charset=\"utf-8\">\n<meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"nabolag %s\">\n",
                    nbl_lang_code(nbl_output_language()), nbl_version());
    if (opts->run_id) {
        nbl__buf_printf(b, "<meta name=\"nabolag-run-id\" content=\"");
        esc(b, opts->run_id);
        nbl__buf_printf(b, "\">\n");
    }
    nbl__buf_printf(b, "<title>");
    esc(b, title);
    nbl__buf_printf(b,
                    " %d</title>\n<style>\n%s</style>\n</head>\n<body>\n"
                    "<h1>",
                    d->year, css ? css : "");
    esc(b, title);
    nbl__buf_printf(b, T_(" %d</h1>\n<p class=\"meta\">Ruleset "), d->year);
    esc(b, d->ruleset);
    nbl__buf_printf(b, " ");
    esc(b, d->ruleset_version);
    nbl__buf_printf(b,
                    Tn_(" · %d area · generated %s by nabolag %s</p>\n",
                        " · %d areas · generated %s by nabolag %s</p>\n",
                        (unsigned long)d->n_areas),
                    d->n_areas, now, nbl_version());
    if (opts->run_id) {
        nbl__buf_printf(b, "<p class=\"meta\">%s ", T_("Run"));
        esc(b, opts->run_id);
        nbl__buf_printf(b, "</p>\n");
    }
    nbl__buf_printf(b, "%s",
                    T_("<nav><a href=\"#summary\">Categories</a> · <a "
                       "href=\"#map\">Map</a> · <a href=\"#areas\">Areas</a> "
                       "· <a href=\"#alerts\">Alerts</a> · <a "
                       "href=\"#plans\">Plans</a> · <a href=\"#cards\">Area "
                       "cards</a></nav>\n"));
}

/* The page into o. */
static int
page(nbl_ws *ws, nbl__rep_out *o, nbl__report_data *d,
     const nbl__disclosure *disc, const nbl_report_opts *opts,
     const nbl__rep_plans *p, const nbl__rep_context *cx,
     const nbl__rep_catcounts *cc)
{
    nbl__buf *b = &o->b;
    int rc;
    head(b, d, opts, opts->title ? opts->title : T_("nabolag report"));
    if ((rc = summary(o, d, disc)))
        return rc;
    nbl__rep_category_charts(b, cc);
    if ((rc = nbl__rep_map(ws, o, d, disc, cx)) ||
        (rc = areas_table(o, d, disc)) || (rc = alerts_table(ws, o, d, disc)))
        return rc;
    nbl__rep_plans_section(b, d, p);
    if ((rc = nbl__rep_area_cards(ws, o, d, disc, p)))
        return rc;
    nbl__buf_printf(b, "%s", T_("<footer>\n<p>Inputs: "));
    esc(b, d->inputs ? d->inputs : "–");
    nbl__buf_printf(b, "%s", T_("</p>\n<p>Workspace: "));
    esc(b, nbl_ws_path(ws));
    nbl__buf_printf(b, "</p>\n</footer>\n</body>\n</html>\n");
    return nbl__rep_flush(o, 1);
}

/* What is read before the output is opened (its errors come first, as
 * when the page was built before it was written): the context layer and
 * the counts of the category charts. */
static int
prepare(nbl_ws *ws, const nbl__report_data *d, const nbl__disclosure *disc,
        const nbl_report_opts *opts, nbl__rep_context *cx,
        nbl__rep_catcounts *cc)
{
    int rc;
    if (opts->context && (rc = nbl__rep_context_read(ws, d, opts->context, cx)))
        return rc;
    if (nbl__rep_catcounts_init(cc, d, disc))
        return nbl__error(nbl_ws_ctx(ws), NBL_ENOMEM, "out of memory");
    return nbl__store_report_category_years(ws, d, nbl__rep_catcounts_add, cc);
}

static int
report_write(nbl_ws *ws, const nbl_report_opts *opts)
{
    nbl__disclosure disc;
    nbl__report_data d;
    nbl__rep_plans p;
    nbl__rep_context cx;
    nbl__rep_catcounts cc;
    nbl__rep_out o;
    int rc;

    if ((rc = nbl__rep_load(ws, opts->config, opts->ruleset, opts->year, &disc,
                            &d)))
        return rc;
    if ((rc = nbl__rep_plans_load(ws, d.ruleset, opts->config, &p))) {
        nbl__report_data_free(&d);
        return rc;
    }
    memset(&cx, 0, sizeof cx);
    memset(&cc, 0, sizeof cc);
    memset(&o, 0, sizeof o);
    o.ctx = nbl_ws_ctx(ws);
    if ((rc = prepare(ws, &d, &disc, opts, &cx, &cc)) == NBL_OK &&
        (rc = nbl__outfile_open(o.ctx, &o.of, opts->output, opts->overwrite)) ==
            NBL_OK) {
        rc = page(ws, &o, &d, &disc, opts, &p, &cx, &cc);
        if (rc == NBL_OK)
            rc = nbl__outfile_commit(o.ctx, &o.of);
        else
            nbl__outfile_abort(&o.of); /* the old report stays */
    }
    nbl__buf_free(&o.b);
    nbl__rep_catcounts_free(&cc);
    nbl__rep_context_free(&cx);
    nbl__rep_plans_free(&p);
    nbl__report_data_free(&d);
    return rc;
}

int
nbl_report_write(nbl_ws *ws, const nbl_report_opts *opts)
{
    int began, rc;
    /* one state of the workspace for a page read over many statements */
    if ((rc = nbl__store_report_snapshot(ws, &began)))
        return rc;
    rc = report_write(ws, opts);
    nbl__store_report_snapshot_end(ws, began);
    return rc;
}
