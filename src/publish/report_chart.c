/*
 * report_chart.c - the report's small charts, inline SVG without script:
 * per area one chart per criterion over the years (the value line, the
 * main threshold dashed, the years the area was on the list shaded in the
 * category's colour, a withheld year a hatched gap marked "×"), and per
 * municipality the number of areas in each category over the years
 * (stacked bars). Numbers in the SVG's data attributes are machine
 * numbers ('.' decimals); the text a reader sees is in the output
 * language.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/categories.h"
#include "publish/report_internal.h"
#include "util/i18n.h"

/* The plot area of a criterion chart (SVG user units). */
#define CW 240.0
#define CH 120.0
#define PX0 30.0
#define PX1 234.0
#define PY0 8.0
#define PY1 100.0

static char *
mnum(char *s, double v, int dec)
{
    return nbl__fmt_double(s, 32, v, dec);
}

/* A "nice" upper bound of the axis: 1, 2, 2.5 or 5 times a power of 10. */
static double
nice_top(double v)
{
    double p, f;
    if (!(v > 0))
        return 1;
    p = pow(10, floor(log10(v)));
    f = v / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

static double
year_x(const nbl__report_data *d, int t)
{
    return PX0 + ((double)t + 0.5) * (PX1 - PX0) / d->n_years;
}

static void
year_axis(nbl__buf *b, const nbl__report_data *d, double ybase)
{
    char s[32];
    int step = d->n_years > 10 ? 2 : 1;
    nbl__buf_printf(b, "<line class=\"axis\" x1=\"%s\" y1=\"%s\" ",
                    mnum(s, PX0, 1), mnum((char[32]){0}, ybase, 1));
    nbl__buf_printf(b, "x2=\"%s\" y2=\"%s\"/>", mnum(s, PX1, 1),
                    mnum((char[32]){0}, ybase, 1));
    for (int t = d->n_years - 1; t >= 0; t -= step)
        nbl__buf_printf(b, "<text class=\"yr\" x=\"%s\" y=\"%s\">%d</text>",
                        mnum(s, year_x(d, t), 1),
                        mnum((char[32]){0}, ybase + 10, 1), d->first_year + t);
}

/* The background of year t: the category's colour when on the list, a
 * hatched gap when withheld. */
static void
year_band(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc,
          const nbl__report_year *y, int t)
{
    const nbl__category *c = nbl__category_find(y->category);
    double w = (PX1 - PX0) / d->n_years, x = year_x(d, t) - w / 2;
    char s[32], hex[8];
    if (nbl__rep_withheld(disc, y->pop))
        return; /* marked as a gap by the caller */
    if (!c || c->rank <= 0)
        return;
    nbl__buf_printf(b,
                    "<rect class=\"cat\" data-year=\"%d\" data-cat=\"%s\" "
                    "x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
                    "fill=\"%s\"><title>%d: %s</title></rect>",
                    d->first_year + t, c->code, mnum(s, x, 2),
                    mnum((char[32]){0}, PY0, 1), mnum((char[32]){0}, w, 2),
                    mnum((char[32]){0}, PY1 - PY0, 1),
                    nbl__rep_cat_colour(c->code, hex), d->first_year + t,
                    nbl__rep_cat_label(c->code));
}

static void
gap_mark(nbl__buf *b, const nbl__report_data *d, int t)
{
    double w = (PX1 - PX0) / d->n_years, x = year_x(d, t) - w / 2;
    char s[32];
    nbl__buf_printf(b,
                    "<rect class=\"gap\" data-year=\"%d\" x=\"%s\" y=\"%s\" "
                    "width=\"%s\" height=\"%s\"><title>%d: %s</title></rect>"
                    "<text class=\"gap\" x=\"%s\" y=\"%s\">×</text>",
                    d->first_year + t, mnum(s, x, 2),
                    mnum((char[32]){0}, PY0, 1), mnum((char[32]){0}, w, 2),
                    mnum((char[32]){0}, PY1 - PY0, 1), d->first_year + t,
                    T_("not shown (disclosure control)"),
                    mnum((char[32]){0}, year_x(d, t), 2),
                    mnum((char[32]){0}, (PY0 + PY1) / 2 + 3, 1));
}

/* The axis top of criterion k of area i: over the shown values and the
 * threshold. */
static double
chart_top(const nbl__report_data *d, const nbl__disclosure *disc, int i, int k)
{
    double top = isnan(d->threshold[k]) ? 0 : d->threshold[k];
    for (int t = 0; t < d->n_years; t++) {
        const nbl__report_year *y =
            nbl__report_year_of(d, i, d->first_year + t);
        if (!nbl__rep_rate_hidden(disc, y, k) && !isnan(y->val[k]) &&
            y->val[k] > top)
            top = y->val[k];
    }
    return nice_top(top * 1.05);
}

static double
val_y(double v, double top)
{
    return PY1 - (PY1 - PY0) * v / top;
}

/* The value line (broken at every missing or withheld year) and points. */
static void
value_line(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc,
           int i, int k, double top)
{
    char s[32], v[32];
    int open = 0;
    for (int t = 0; t < d->n_years; t++) {
        const nbl__report_year *y =
            nbl__report_year_of(d, i, d->first_year + t);
        int show = !nbl__rep_rate_hidden(disc, y, k) && !isnan(y->val[k]);
        if (!show && open) {
            nbl__buf_printf(b, "\"/>");
            open = 0;
        }
        if (!show)
            continue;
        nbl__buf_printf(
            b, "%s%s,%s", open ? " " : "<polyline class=\"val\" points=\"",
            mnum(s, year_x(d, t), 2), mnum(v, val_y(y->val[k], top), 2));
        open = 1;
    }
    if (open)
        nbl__buf_printf(b, "\"/>");
    for (int t = 0; t < d->n_years; t++) {
        const nbl__report_year *y =
            nbl__report_year_of(d, i, d->first_year + t);
        char shown[64];
        if (nbl__rep_rate_hidden(disc, y, k) || isnan(y->val[k]))
            continue;
        nbl__buf_printf(
            b,
            "<circle class=\"%s\" data-year=\"%d\" data-value=\"%s\" "
            "cx=\"%s\" cy=\"%s\" r=\"2.6\"><title>%d: %s</title></circle>",
            y->met[k] == 1 ? "pt met" : "pt", d->first_year + t,
            mnum(v, y->val[k], 4), mnum(s, year_x(d, t), 2),
            mnum((char[32]){0}, val_y(y->val[k], top), 2), d->first_year + t,
            nbl__fmt_num(shown, sizeof shown, y->val[k],
                         nbl__rep_crit_decimals(k)));
    }
}

static void
threshold_line(nbl__buf *b, const nbl__report_data *d, int k, double top)
{
    char s[32], t[64];
    double yy;
    if (isnan(d->threshold[k]))
        return;
    yy = val_y(d->threshold[k], top);
    nbl__buf_printf(b,
                    "<line class=\"thr\" data-threshold=\"%s\" x1=\"%s\" "
                    "y1=\"%s\" x2=\"%s\" y2=\"%s\"/>",
                    mnum(t, d->threshold[k], 4), mnum(s, PX0, 1),
                    mnum((char[32]){0}, yy, 2), mnum((char[32]){0}, PX1, 1),
                    mnum((char[32]){0}, yy, 2));
    /* on the value axis, in the line's colour */
    nbl__buf_printf(
        b, "<text class=\"thr\" x=\"%s\" y=\"%s\"><title>%s</title>%s</text>",
        mnum(s, PX0 - 3, 1), mnum((char[32]){0}, yy + 2.5, 2), T_("threshold"),
        nbl__fmt_num(t, sizeof t, d->threshold[k],
                     fmod(d->threshold[k], 1) == 0 ? 0 : 2));
}

static void
crit_chart(nbl__buf *b, const nbl__report_data *d, const nbl__disclosure *disc,
           int i, int k)
{
    double top = chart_top(d, disc, i, k);
    char s[32], t[64];
    nbl__buf_printf(b, "<figure class=\"chart\"><svg class=\"chart\" "
                       "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    nbl__buf_printf(
        b, "%s %s\" data-criterion=\"%s\" role=\"img\" aria-label=\"",
        mnum(s, CW, 0), mnum((char[32]){0}, CH, 0), nbl__xcrit_id[k]);
    nbl__rep_esc(b, nbl__rep_crit_label(k));
    nbl__buf_printf(b, "\">");
    for (int u = 0; u < d->n_years; u++) {
        const nbl__report_year *y =
            nbl__report_year_of(d, i, d->first_year + u);
        year_band(b, d, disc, y, u);
        if (nbl__rep_rate_hidden(disc, y, k))
            gap_mark(b, d, u);
    }
    /* the axis' ends, unless the threshold's label is next to them */
    if (isnan(d->threshold[k]) || val_y(d->threshold[k], top) > PY0 + 9)
        nbl__buf_printf(
            b, "<text class=\"ax\" x=\"%s\" y=\"%s\">%s</text>",
            mnum(s, PX0 - 3, 1), mnum((char[32]){0}, PY0 + 4, 1),
            nbl__fmt_num(t, sizeof t, top, k == NBL__XC_CRI ? 1 : 0));
    if (isnan(d->threshold[k]) || val_y(d->threshold[k], top) < PY1 - 9)
        nbl__buf_printf(b, "<text class=\"ax\" x=\"%s\" y=\"%s\">0</text>",
                        mnum(s, PX0 - 3, 1), mnum((char[32]){0}, PY1, 1));
    threshold_line(b, d, k, top);
    value_line(b, d, disc, i, k, top);
    year_axis(b, d, PY1);
    nbl__buf_printf(b, "</svg><figcaption>");
    nbl__rep_esc(b, nbl__rep_crit_label(k));
    nbl__buf_printf(b, "</figcaption></figure>\n");
}

void
nbl__rep_area_charts(nbl__buf *b, const nbl__report_data *d,
                     const nbl__disclosure *disc, int i)
{
    nbl__buf_printf(b, "<div class=\"charts\">\n");
    for (int k = 0; k < NBL__XC_N; k++)
        crit_chart(b, d, disc, i, k);
    nbl__buf_printf(b, "</div>\n");
}

/* Bars of the category chart (SVG user units). */
#define BW 300.0
#define BH 150.0
#define BX0 30.0
#define BX1 296.0
#define BY0 8.0
#define BY1 128.0
#define N_SLOT (NBL_N_CATEGORIES + 1) /* the categories, then withheld */

static int
same_mun(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int
nbl__rep_catcounts_init(nbl__rep_catcounts *c, const nbl__report_data *d,
                        const nbl__disclosure *disc)
{
    memset(c, 0, sizeof *c);
    c->d = d;
    c->disc = disc;
    c->all = 1;
    for (int i = 0; i < d->n_areas; i++)
        c->all &= d->areas[i].municipality == NULL;
    c->group_of = calloc((size_t)d->n_areas + 1, sizeof *c->group_of);
    c->first = calloc((size_t)d->n_areas + 1, sizeof *c->first);
    if (!c->group_of || !c->first)
        return NBL_ENOMEM;
    /* the groups in the order of their first area; the group of the area
     * before is tried first (a municipality's areas are often together) */
    c->n_groups = c->all; /* all areas: group 0, first area 0 */
    for (int i = 0, g = 0; !c->all && i < d->n_areas; i++) {
        const char *m = d->areas[i].municipality;
        if (i == 0 || !same_mun(d->areas[c->first[g]].municipality, m)) {
            for (g = 0; g < c->n_groups; g++)
                if (same_mun(d->areas[c->first[g]].municipality, m))
                    break;
            if (g == c->n_groups)
                c->first[c->n_groups++] = i;
        }
        c->group_of[i] = g;
    }
    c->counts = calloc((size_t)c->n_groups * (size_t)d->n_years * N_SLOT + 1,
                       sizeof *c->counts);
    return c->counts ? NBL_OK : NBL_ENOMEM;
}

void
nbl__rep_catcounts_add(void *arg, int i, int year, const char *category,
                       double pop)
{
    nbl__rep_catcounts *c = arg;
    const nbl__category *cat = nbl__category_find(category);
    int t = year - c->d->first_year;
    if (!cat || t < 0 || t >= c->d->n_years || i < 0 || i >= c->d->n_areas)
        return;
    c->counts[((size_t)c->group_of[i] * (size_t)c->d->n_years + (size_t)t) *
                  N_SLOT +
              (nbl__rep_withheld(c->disc, pop)
                   ? NBL_N_CATEGORIES
                   : (size_t)(cat - nbl__categories))]++;
}

void
nbl__rep_catcounts_free(nbl__rep_catcounts *c)
{
    free(c->group_of);
    free(c->first);
    free(c->counts);
    memset(c, 0, sizeof *c);
}

static void
bar_segment(nbl__buf *b, int year, int slot, int n, double x, double w,
            double y, double h)
{
    char s[32], hex[8];
    const char *code =
        slot < NBL_N_CATEGORIES ? nbl__categories[slot].code : "withheld";
    nbl__buf_printf(b,
                    "<rect class=\"bar\" data-year=\"%d\" data-cat=\"%s\" "
                    "data-n=\"%d\" x=\"%s\" y=\"%s\" width=\"%s\" "
                    "height=\"%s\" fill=\"%s\"><title>%d: %s: %d</title>"
                    "</rect>",
                    year, code, n, mnum(s, x, 2), mnum((char[32]){0}, y, 2),
                    mnum((char[32]){0}, w, 2), mnum((char[32]){0}, h, 2),
                    slot < NBL_N_CATEGORIES ? nbl__rep_cat_colour(code, hex)
                                            : "#e0e0e0",
                    year,
                    slot < NBL_N_CATEGORIES
                        ? nbl__rep_cat_label(code)
                        : T_("not shown (below the publication minimum)"),
                    n);
    if (h >= 9)
        nbl__buf_printf(b, "<text class=\"n%s\" x=\"%s\" y=\"%s\">%d</text>",
                        slot < 2 ? " dark" : "", mnum(s, x + w / 2, 2),
                        mnum((char[32]){0}, y + h / 2 + 3, 2), n);
}

/* The chart of group g of c. */
static void
category_chart(nbl__buf *b, const nbl__rep_catcounts *c, int g)
{
    const nbl__report_data *d = c->d;
    const int *counts = c->counts + (size_t)g * (size_t)d->n_years * N_SLOT;
    const char *m = c->all ? NULL : d->areas[c->first[g]].municipality;
    int most = 0;
    double step = (BX1 - BX0) / d->n_years, scale;
    char s[32];
    for (int t = 0; t < d->n_years; t++) {
        int total = 0;
        for (int sl = 0; sl < N_SLOT; sl++)
            total += counts[t * N_SLOT + sl];
        most = total > most ? total : most;
    }
    scale = (BY1 - BY0) / (most ? most : 1);
    nbl__buf_printf(b, "<figure class=\"catchart\"><svg class=\"catchart\" "
                       "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    nbl__buf_printf(b, "%s %s\" role=\"img\" data-municipality=\"",
                    mnum(s, BW, 0), mnum((char[32]){0}, BH, 0));
    nbl__rep_esc(b, c->all ? "" : m);
    nbl__buf_printf(b, "\">");
    for (int t = 0; t < d->n_years; t++) {
        double y = BY1;
        for (int sl = N_SLOT - 1; sl >= 0; sl--) {
            int n = counts[t * N_SLOT + sl];
            if (!n)
                continue;
            y -= n * scale;
            bar_segment(b, d->first_year + t, sl, n,
                        BX0 + t * step + step * 0.15, step * 0.7, y, n * scale);
        }
    }
    nbl__buf_printf(b, "<text class=\"ax\" x=\"%s\" y=\"%s\">%d</text>",
                    mnum(s, BX0 - 3, 1), mnum((char[32]){0}, BY0 + 4, 1), most);
    nbl__buf_printf(b, "<text class=\"ax\" x=\"%s\" y=\"%s\">0</text>",
                    mnum(s, BX0 - 3, 1), mnum((char[32]){0}, BY1, 1));
    for (int t = 0; t < d->n_years; t++)
        nbl__buf_printf(b, "<text class=\"yr\" x=\"%s\" y=\"%s\">%d</text>",
                        mnum(s, BX0 + (t + 0.5) * step, 2),
                        mnum((char[32]){0}, BY1 + 12, 1), d->first_year + t);
    nbl__buf_printf(b, "</svg><figcaption>");
    if (c->all)
        nbl__buf_printf(b, "%s", T_("All areas"));
    else {
        nbl__buf_printf(b, "%s ", T_("Municipality"));
        nbl__rep_esc(b, m);
    }
    nbl__buf_printf(b, "</figcaption></figure>\n");
}

void
nbl__rep_category_charts(nbl__buf *b, const nbl__rep_catcounts *c)
{
    nbl__buf_printf(b, T_("<h3 id=\"trend\">Areas by category %d–%d</h3>\n"),
                    c->d->first_year, c->d->year);
    nbl__buf_printf(b, "<div class=\"catcharts\">\n");
    for (int g = 0; g < c->n_groups; g++)
        category_chart(b, c, g);
    nbl__buf_printf(b, "</div>\n");
}
