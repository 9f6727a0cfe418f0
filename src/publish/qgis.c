/*
 * qgis.c - QGIS styles (.qml) and the project (nabolag.qgs) for the exported
 * layers, generated as text (QGIS 3.22 format). Styles:
 *   areas, timeseries: categorized on `category` (Danish labels), labels with
 *                      the area name; extra graduated styles lab, cri (on
 *                      cri_ratio), edu, inc, eth with the legal thresholds as
 *                      class breaks; extra style profile (categorized on
 *                      profile_band, as the profile layer);
 *   profile:           categorized on `profile_band` (labels with the point
 *                      ranges of the configured bands), labels with the name;
 *   safety:            categorized on `safety_band`;
 *   alerts:            categorized on `severity` (colour and marker shape);
 *   plans:             dashed outline, labels with the plan name and its
 *                      difference in differences for lab.
 * Palettes are colour-blind safe (ColorBrewer YlOrBr / PuOr, Okabe-Ito); the
 * categories' labels and colours are categories.c's, as in the report.
 * Labels name categories and bands with their statutory/official names only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/categories.h"
#include "publish/qgis.h"
#include "store/store_export.h"
#include "util/i18n.h"
#include "util/util.h"

#define QGIS_VERSION "3.22.16-Białowieża"

typedef struct cat {
    const char *value, *label, *color, *shape;
} cat;

static const cat band_cats[] = {
    {"tryg", N_("Safe"), "94,60,153,255", NULL},
    {"under middel", N_("Below average"), "178,171,210,255", NULL},
    {"behov for tryghedsindsats", N_("Needs a safety effort"), "253,184,99,255",
     NULL},
    {"behov for markant indsats", N_("Needs a major effort"), "230,97,1,255",
     NULL},
    {"", N_("No value (missing or withheld)"), "255,255,255,255", NULL},
};

/* The profile's bands are named by colour (green .. red); drawn in the
 * Okabe-Ito colours of those names, which stay distinguishable with the
 * common colour-vision deficiencies (and differ in lightness). The labels
 * (nbl__band_label, with the point ranges) are filled in per job. */
#define N_PROFILE_CATS 5
static const cat profile_cats[N_PROFILE_CATS] = {
    {"red", NULL, "213,94,0,255", NULL},
    {"orange", NULL, "230,159,0,255", NULL},
    {"yellow", NULL, "240,228,66,255", NULL},
    {"green", NULL, "0,158,115,255", NULL},
    {"", N_("No value (not scored or withheld)"), "255,255,255,255", NULL},
};

static const cat severity_cats[] = {
    {"critical", N_("Critical"), "213,94,0,255", "diamond"},
    {"warning", N_("Warning"), "230,159,0,255", "triangle"},
    {"info", N_("Information"), "0,114,178,255", "circle"},
};

static void
fill_symbol(nbl__buf *b, int name, const char *color)
{
    nbl__buf_printf(
        b,
        "      <symbol type=\"fill\" name=\"%d\" alpha=\"1\" "
        "clip_to_extent=\"1\" force_rhr=\"0\">\n"
        "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" "
        "pass=\"0\">\n"
        "          <prop k=\"color\" v=\"%s\"/>\n"
        "          <prop k=\"outline_color\" v=\"60,60,60,255\"/>\n"
        "          <prop k=\"outline_style\" v=\"solid\"/>\n"
        "          <prop k=\"outline_width\" v=\"0.3\"/>\n"
        "          <prop k=\"outline_width_unit\" v=\"MM\"/>\n"
        "          <prop k=\"style\" v=\"solid\"/>\n"
        "        </layer>\n"
        "      </symbol>\n",
        name, color);
}

/* pass: drawing level (higher on top; symbol levels are on for markers). */
static void
marker_symbol(nbl__buf *b, int name, const char *color, const char *shape,
              int pass)
{
    nbl__buf_printf(
        b,
        "      <symbol type=\"marker\" name=\"%d\" alpha=\"1\" "
        "clip_to_extent=\"1\" force_rhr=\"0\">\n"
        "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" "
        "pass=\"%d\">\n"
        "          <prop k=\"color\" v=\"%s\"/>\n"
        "          <prop k=\"name\" v=\"%s\"/>\n"
        "          <prop k=\"outline_color\" v=\"35,35,35,255\"/>\n"
        "          <prop k=\"outline_width\" v=\"0.3\"/>\n"
        "          <prop k=\"size\" v=\"4\"/>\n"
        "          <prop k=\"size_unit\" v=\"MM\"/>\n"
        "        </layer>\n"
        "      </symbol>\n",
        name, pass, color, shape ? shape : "circle");
}

static void
categorized(nbl__buf *b, const char *attr, const cat *c, size_t n, int marker)
{
    nbl__buf_printf(b,
                    "  <renderer-v2 type=\"categorizedSymbol\" attr=\"%s\" "
                    "symbollevels=\"%d\" forceraster=\"0\" "
                    "enableorderby=\"0\">\n    <categories>\n",
                    attr, marker);
    for (size_t i = 0; i < n; i++) {
        nbl__buf_printf(b,
                        "      <category render=\"true\" symbol=\"%zu\" "
                        "value=\"",
                        i);
        nbl__buf_append_xml(b, c[i].value);
        nbl__buf_printf(b, "\" label=\"");
        nbl__buf_append_xml(
            b, T_(c[i].label)); /* catalogue labels; others as they are */
        nbl__buf_printf(b, "\"/>\n");
    }
    nbl__buf_printf(b, "    </categories>\n    <symbols>\n");
    for (size_t i = 0; i < n; i++) {
        if (marker)
            marker_symbol(b, (int)i, c[i].color, c[i].shape, (int)(n - i));
        else
            fill_symbol(b, (int)i, c[i].color);
    }
    nbl__buf_printf(b, "    </symbols>\n  </renderer-v2>\n");
}

/* Graduated on attr with the breaks lo < mid < hi (mid may equal lo: two
 * classes). worse_low: low values are the worse ones (income). QGIS ranges
 * are lower < v <= upper, which suits a "> threshold" law (40.0 is not
 * over 40); at_break_up: the law says ">= t" or "< t", so a value exactly
 * at t belongs to the class above: the break is moved just below t (the
 * labels keep t). */
static void
graduated(nbl__buf *b, const char *attr, double min, double lo, double mid,
          double max, int worse_low, const char *unit, int at_break_up)
{
    static const char *const colors3[] = {"255,247,188,255", "254,196,79,255",
                                          "217,95,14,255"};
    double brk[4];
    int n = 0;
    char s0[32], s1[32];
    brk[n++] = min;
    if (lo > min && lo < max)
        brk[n++] = lo;
    if (mid > brk[n - 1] && mid < max)
        brk[n++] = mid;
    brk[n++] = max;
    nbl__buf_printf(b,
                    "  <renderer-v2 type=\"graduatedSymbol\" attr=\"%s\" "
                    "graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" "
                    "forceraster=\"0\" enableorderby=\"0\">\n    <ranges>\n",
                    attr);
    for (int i = 0; i + 1 < n; i++) {
        char v0[32], v1[32];
        double e0 = i > 0 && at_break_up ? 1e-9 : 0;
        double e1 = i + 2 < n && at_break_up ? 1e-9 : 0;
        nbl__fmt_double(s0, sizeof s0, brk[i], 3);
        nbl__fmt_double(s1, sizeof s1, brk[i + 1], 3);
        nbl__fmt_double(v0, sizeof v0, brk[i] - e0, 10);
        nbl__fmt_double(v1, sizeof v1, brk[i + 1] - e1, 10);
        nbl__buf_printf(b,
                        "      <range render=\"true\" symbol=\"%d\" "
                        "lower=\"%s\" upper=\"%s\" label=\"%s–%s%s\"/>\n",
                        i, v0, v1, s0, s1, unit);
    }
    nbl__buf_printf(b, "    </ranges>\n    <symbols>\n");
    for (int i = 0; i + 1 < n; i++) {
        int k = n == 3 ? (i == 0 ? 0 : 2) : i; /* two classes: light, dark */
        if (worse_low)
            k = 2 - k;
        fill_symbol(b, i, colors3[k]);
    }
    nbl__buf_printf(b, "    </symbols>\n  </renderer-v2>\n");
}

/* Labels with a field, or with an expression (is_expr); colour "r,g,b,a";
 * placement as QgsPalLayerSettings (0 around the centroid / point, 2 along
 * the outline). draw 0: no text, the features are only obstacles that
 * other layers' labels avoid. */
static void
labels_ex(nbl__buf *b, const char *text, int is_expr, const char *colour,
          int placement, int priority, int draw)
{
    nbl__buf_printf(b, "  <labeling type=\"simple\">\n"
                       "    <settings calloutType=\"simple\">\n"
                       "      <text-style fieldName=\"");
    nbl__buf_append_xml(b, text);
    nbl__buf_printf(
        b,
        "\" isExpression=\"%d\" "
        "fontFamily=\"Sans Serif\" fontSize=\"8\" fontSizeUnit=\"Point\" "
        "textColor=\"%s\" textOpacity=\"1\" fontWeight=\"50\" "
        "fontItalic=\"0\" namedStyle=\"Regular\"/>\n"
        "      <text-format wrapChar=\"\" autoWrapLength=\"%d\" "
        "multilineAlign=\"3\"/>\n"
        "      <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" "
        "bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" "
        "bufferOpacity=\"0.9\"/>\n"
        "      <placement placement=\"%d\" dist=\"%s\" distUnits=\"MM\" "
        "placementFlags=\"%d\" priority=\"%d\" "
        "centroidInside=\"1\"/>\n"
        "      <rendering obstacle=\"1\" obstacleFactor=\"2\" "
        "drawLabels=\"%d\" scaleVisibility=\"0\" displayAll=\"0\"/>\n"
        "    </settings>\n"
        "  </labeling>\n",
        is_expr, colour, is_expr ? 26 : 14, placement,
        placement == 8 ? "1" : "2.5", 0, priority, draw);
}

static void
labels(nbl__buf *b, const char *field)
{
    labels_ex(b, field, 0, "40,40,40,255", 0, 5, 1);
}

/* The profile band's name in the output language (the exported field
 * profile_band_label keeps the Danish words of nbl__band_label). */
static const char *
band_name(const char *band)
{
    static const char *const map[][2] = {
        {"green", N_("No risk")},
        {"yellow", N_("Risk area")},
        {"orange", N_("Raised risk")},
        {"red", N_("High risk")},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], band) == 0)
            return T_(map[i][1]);
    return band;
}

/* profile_cats with labels "Risikoområde (5–8 point)" from the bands of
 * the job's profile configuration (default 5, 9, 14). */
static void
profile_categories(const nbl__xjob *job, cat out[N_PROFILE_CATS],
                   char labels[N_PROFILE_CATS][128])
{
    static const double dflt[3] = {5, 9, 14};
    const double *bands = job && job->profile ? job->profile->bands : dflt;
    for (int i = 0; i < N_PROFILE_CATS; i++) {
        out[i] = profile_cats[i];
        if (!out[i].label) {
            int band = 3 - i; /* red = 3 .. green = 0 */
            /* points are integers: band b holds ceil(bands[b-1]) ..
             * ceil(bands[b]) - 1 */
            long lo = band ? (long)ceil(bands[band - 1]) : 0;
            long hi = band < 3 ? (long)ceil(bands[band]) - 1 : -1;
            const char *name = band_name(out[i].value);
            if (band == 3)
                snprintf(labels[i], sizeof labels[i], T_("%s (%ld+ points)"),
                         name, lo);
            else if (lo <= hi)
                snprintf(labels[i], sizeof labels[i], T_("%s (%ld–%ld points)"),
                         name, lo, hi);
            else
                snprintf(labels[i], sizeof labels[i], "%s", name);
            out[i].label = labels[i];
        }
    }
}

static const char *const area_extra[] = {
    "lab", "cri", "edu", "inc", "eth", "profile", "status_dynamics", NULL};

/* Status/dynamics: one category per group "status/dynamics" (status class
 * best to worst, then dynamics best to worst), coloured by the status
 * class from blue (best) to orange-red (worst), lighter for a better
 * dynamics; white for areas not classified. */
/* A status or dynamics class in the legend: the default classes'
 * names in the output language, a configured name as it is written. */
static const char *
sd_class_label(const char *name)
{
    static const char *const names[][2] = {
        {"high", N_("high")},         {"medium", N_("medium")},
        {"low", N_("low")},           {"very_low", N_("very low")},
        {"positive", N_("positive")}, {"stable", N_("stable")},
        {"negative", N_("negative")}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i][0]) == 0)
            return T_(names[i][1]);
    return name;
}

static void
sd_style(nbl__buf *b, const nbl__xjob *job)
{
    static const int ramp[8][3] = {
        {0, 114, 178}, {86, 180, 233}, {0, 158, 115},   {240, 228, 66},
        {230, 159, 0}, {213, 94, 0},   {204, 121, 167}, {120, 40, 40}};
    enum { MAXG = 8 * 8 + 1 };
    cat c[MAXG];
    char val[MAXG][84], lab[MAXG][96], rgb[MAXG][24];
    int ns = job ? job->n_sd_status : 0, nd = job ? job->n_sd_dynamics : 0;
    size_t n = 0;
    for (int i = 0; i < ns; i++)
        for (int j = 0; j < nd; j++, n++) {
            int k = ns > 1 ? i * 7 / (ns - 1) : 0;
            double light = nd > 1 ? 0.45 * (nd - 1 - j) / (nd - 1) : 0;
            snprintf(val[n], sizeof val[n], "%s/%s", job->sd_status[i],
                     job->sd_dynamics[j]);
            snprintf(lab[n], sizeof lab[n], T_("Status %s, dynamics %s"),
                     sd_class_label(job->sd_status[i]),
                     sd_class_label(job->sd_dynamics[j]));
            snprintf(rgb[n], sizeof rgb[n], "%d,%d,%d,255",
                     (int)(ramp[k][0] + (255 - ramp[k][0]) * light),
                     (int)(ramp[k][1] + (255 - ramp[k][1]) * light),
                     (int)(ramp[k][2] + (255 - ramp[k][2]) * light));
            c[n] = (cat){val[n], lab[n], rgb[n], NULL};
        }
    c[n++] = (cat){"",
                   N_("Not classified (too few residents, left out or "
                      "missing)"),
                   "255,255,255,255", NULL};
    categorized(b, "sd_group", c, n, 0);
}

const char *const *
nbl__qgis_extra_styles(const char *layer)
{
    if (strcmp(layer, "areas") == 0 || strcmp(layer, "timeseries") == 0)
        return area_extra;
    return NULL;
}

/* Alerts: categorized on severity (colour and marker shape); labels on
 * but empty, so the markers keep the areas' labels off them. */
static void
style_alerts(nbl__buf *b)
{
    categorized(b, "severity", severity_cats,
                sizeof severity_cats / sizeof severity_cats[0], 1);
    labels_ex(b, "rule", 0, "40,40,40,255", 0, 5, 0);
    nbl__buf_printf(b, "  <layerGeometryType>0</layerGeometryType>\n");
}

/* Plans: outline only, so the areas' colours show through; labels with
 * the plan's name and its difference in differences for lab (percentage
 * points; negative: improved more than comparable areas), along the
 * outline so the areas' labels stay free. */
static void
style_plans(nbl__buf *b)
{
    nbl__buf_printf(
        b, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" "
           "forceraster=\"0\" enableorderby=\"0\">\n    <symbols>\n"
           "      <symbol type=\"fill\" name=\"0\" alpha=\"1\" "
           "clip_to_extent=\"1\" force_rhr=\"0\">\n"
           "        <layer class=\"SimpleFill\" enabled=\"1\" "
           "locked=\"0\" pass=\"0\">\n"
           "          <prop k=\"color\" v=\"0,114,178,0\"/>\n"
           "          <prop k=\"style\" v=\"no\"/>\n"
           "          <prop k=\"outline_color\" v=\"0,114,178,255\"/>\n"
           "          <prop k=\"outline_style\" v=\"dash\"/>\n"
           "          <prop k=\"outline_width\" v=\"0.8\"/>\n"
           "          <prop k=\"outline_width_unit\" v=\"MM\"/>\n"
           "        </layer>\n      </symbol>\n    </symbols>\n"
           "  </renderer-v2>\n");
    {
        /* the number in the output language's decimal mark (QGIS 3.22's
         * format_number takes the language; without it the reader's QGIS
         * locale decided), the unit in its words */
        const char *lang = nbl_output_language() == NBL_LANG_EN ? "en" : "da";
        nbl__buf e = {0};
        /* TRANSLATORS: the unit after a plan's did on the QGIS map (no
         * apostrophe: it stands inside a QGIS expression string) */
        nbl__buf_printf(&e,
                        "\"name\" || '\\n' || 'lab did: ' || CASE WHEN "
                        "\"lab_did\" IS NULL THEN '–' ELSE CASE WHEN "
                        "\"lab_did\" > 0 THEN '+' ELSE '' END || "
                        "format_number(\"lab_did\", 1, '%s') || ' %s' END",
                        lang, T_("percentage points"));
        if (e.failed) /* never a label quietly without its number */
            nbl__buf_fail(b);
        else
            labels_ex(b, e.s, 1, "0,90,140,255", 8, 7, 1);
        nbl__buf_free(&e);
    }
    nbl__buf_printf(b, "  <layerGeometryType>2</layerGeometryType>\n");
}

/* The statutory categories (categories.c, as the report draws them), then
 * white for no value. */
static void
style_categories(nbl__buf *b)
{
    cat c[NBL_N_CATEGORIES + 1];
    char rgb[NBL_N_CATEGORIES][24];
    for (int i = 0; i < NBL_N_CATEGORIES; i++) {
        const nbl__category *x = &nbl__categories[i];
        snprintf(rgb[i], sizeof rgb[i], "%d,%d,%d,255", x->rgb[0], x->rgb[1],
                 x->rgb[2]);
        c[i] = (cat){x->code, x->label, rgb[i], NULL};
    }
    c[NBL_N_CATEGORIES] = (cat){"", N_("No value (missing or withheld)"),
                                "255,255,255,255", NULL};
    categorized(b, "category", c, NBL_N_CATEGORIES + 1, 0);
}

/* A criterion's graduated style with the legal thresholds as breaks
 * (the year's, else dk2021's). */
static void
style_criterion(nbl__buf *b, const nbl__xjob *job, int k)
{
    static const double dmain[] = {40, 3, 60, 55, 50};
    static const double dlow[] = {30, 2, 60, 65, 30};
    double m = job && !isnan(job->threshold[k]) ? job->threshold[k] : dmain[k];
    double l =
        job && !isnan(job->threshold_low[k]) ? job->threshold_low[k] : dlow[k];
    if (k == NBL__XC_CRI)
        graduated(b, "cri_ratio", 0, l, m, 100, 0, T_(" × the country"), 1);
    else if (k == NBL__XC_INC)
        graduated(b, "inc", 0, m, l, 1000, 1, " %", 1);
    else
        graduated(b, nbl__xcrit_id[k], 0, l < m ? l : m, l < m ? m : l, 100, 0,
                  " %", 0);
}

/* The areas and time-series layers: style NULL (the categories), a
 * criterion, "profile" or "status_dynamics"; 0 for an unknown style. */
static int
style_areas(nbl__buf *b, const nbl__xjob *job, const char *style)
{
    int k = -1;
    for (int i = 0; style && i < NBL__XC_N; i++)
        if (strcmp(style, nbl__xcrit_id[i]) == 0)
            k = i;
    if (!style) {
        style_categories(b);
    } else if (k >= 0) {
        style_criterion(b, job, k);
    } else if (strcmp(style, "status_dynamics") == 0) {
        sd_style(b, job);
    } else if (strcmp(style, "profile") == 0) {
        cat c[N_PROFILE_CATS];
        char lab[N_PROFILE_CATS][128];
        profile_categories(job, c, lab);
        categorized(b, "profile_band", c, N_PROFILE_CATS, 0);
    } else {
        return 0;
    }
    return 1;
}

/* The style's elements (renderer, labeling, geometry type), without the
 * <qgis> root; *labels_on tells whether labels are enabled. 0 when the
 * layer or the style is unknown. */
static int
style_body(nbl__buf *b, const nbl__xjob *job, const char *layer,
           const char *style, int *labels_on)
{
    *labels_on = 0;
    if (strcmp(layer, "alerts") == 0) {
        style_alerts(b);
    } else if (strcmp(layer, "plans") == 0) {
        style_plans(b);
    } else {
        if (strcmp(layer, "profile") == 0) {
            cat c[N_PROFILE_CATS];
            char lab[N_PROFILE_CATS][128];
            profile_categories(job, c, lab);
            categorized(b, "profile_band", c, N_PROFILE_CATS, 0);
        } else if (strcmp(layer, "safety") == 0) {
            categorized(b, "safety_band", band_cats,
                        sizeof band_cats / sizeof band_cats[0], 0);
        } else if ((strcmp(layer, "areas") != 0 &&
                    strcmp(layer, "timeseries") != 0) ||
                   !style_areas(b, job, style)) {
            return 0;
        }
        labels(b, "name");
        nbl__buf_printf(b, "  <layerGeometryType>2</layerGeometryType>\n");
    }
    *labels_on = 1;
    return 1;
}

int
nbl__qgis_qml(const nbl__xjob *job, const char *layer, const char *style,
              char **out)
{
    nbl__buf body = {0}, b = {0};
    int lab;
    *out = NULL;
    if (!style_body(&body, job, layer, style, &lab)) {
        nbl__buf_free(&body);
        return NBL_OK;
    }
    if (body.failed)
        return NBL_ENOMEM;
    nbl__buf_printf(&b,
                    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
                    "'SYSTEM'>\n<qgis version=\"%s\" "
                    "styleCategories=\"Symbology|Labeling\" "
                    "labelsEnabled=\"%d\">\n%s</qgis>\n",
                    QGIS_VERSION, lab, body.s ? body.s : "");
    nbl__buf_free(&body);
    if (b.failed)
        return NBL_ENOMEM;
    *out = b.s;
    return NBL_OK;
}

/* A CRS element; QGIS 3.22 reads the WKT (authid alone is not enough). */
static void
srs(nbl__buf *b, const nbl__xjob *job, int epsg)
{
    const char *wkt = epsg == 4326 ? job->wkt_wgs84 : job->wkt_work;
    if (job->out_srid && epsg == job->out_srid && job->wkt_out)
        wkt = job->wkt_out;
    nbl__buf_printf(b, "<spatialrefsys><wkt>");
    nbl__buf_append_xml(b, wkt ? wkt : "");
    nbl__buf_printf(b,
                    "</wkt><authid>EPSG:%d</authid><srid>%d</srid>"
                    "</spatialrefsys>",
                    epsg, epsg);
}

/* The project's title, CRS and layer tree (alerts, plans and areas on;
 * the rest off at start; the time series in a group of its own). */
static void
project_head(nbl__buf *b, const nbl__xjob *job, const nbl__xlayer *layers,
             size_t nlayers, const char *const *sources, int srid)
{
    const char *title = job->opts ? job->opts->title : NULL;
    nbl__buf_printf(b,
                    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
                    "'SYSTEM'>\n<qgis projectname=\"nabolag %d\" "
                    "version=\"%s\">\n  <homePath path=\"\"/>\n"
                    "  <title>",
                    job->year, QGIS_VERSION);
    if (title && *title) { /* the project's name first */
        nbl__buf_append_xml(b, title);
        nbl__buf_printf(b, ": ");
    }
    nbl__buf_printf(b, "nabolag %d (%s)%s</title>\n  <projectCrs>", job->year,
                    job->ruleset,
                    job->unsuppressed ? " - KUN TIL INTERN BRUG: ikke "
                                        "diskretioneret"
                                      : "");
    srs(b, job, srid);
    nbl__buf_printf(b, "</projectCrs>\n  <layer-tree-group>\n");
    for (size_t i = 0; i < nlayers; i++) {
        int on = strcmp(layers[i].name, "alerts") == 0 ||
                 strcmp(layers[i].name, "plans") == 0 ||
                 strcmp(layers[i].name, "areas") == 0;
        const char *group = strcmp(layers[i].name, "timeseries") == 0
                                ? T_("Development over time")
                                : NULL;
        if (group)
            nbl__buf_printf(b,
                            "    <layer-tree-group name=\"%s\" "
                            "checked=\"Qt::Unchecked\" expanded=\"1\">\n",
                            group);
        nbl__buf_printf(b, "    <layer-tree-layer id=\"nabolag_%s\" name=\"",
                        layers[i].name);
        nbl__buf_append_xml(b, layers[i].title);
        nbl__buf_printf(b, "\" source=\"");
        nbl__buf_append_xml(b, sources[i]);
        nbl__buf_printf(b,
                        "\" providerKey=\"%s\" checked=\"Qt::%s\" "
                        "expanded=\"1\"/>\n",
                        job->provider ? job->provider : "ogr",
                        on ? "Checked" : "Unchecked");
        if (group)
            nbl__buf_printf(b, "    </layer-tree-group>\n");
    }
    nbl__buf_printf(b, "  </layer-tree-group>\n");
}

/* The map canvas and the default view: the extent e (formatted). */
static void
project_view(nbl__buf *b, const nbl__xjob *job, char e[4][32], int srid)
{
    nbl__buf_printf(
        b,
        "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n"
        "    <units>%s</units>\n"
        "    <extent><xmin>%s</xmin><ymin>%s</ymin><xmax>%s</xmax>"
        "<ymax>%s</ymax></extent>\n    <destinationsrs>",
        srid == 4326 ? "degrees" : "meters", e[0], e[1], e[2], e[3]);
    srs(b, job, srid);
    nbl__buf_printf(b,
                    "</destinationsrs>\n  </mapcanvas>\n"
                    "  <ProjectViewSettings UseProjectScales=\"0\">"
                    "<Scales/>\n    <DefaultViewExtent xmin=\"%s\" "
                    "ymin=\"%s\" xmax=\"%s\" ymax=\"%s\">",
                    e[0], e[1], e[2], e[3]);
    srs(b, job, srid);
    nbl__buf_printf(b, "</DefaultViewExtent>\n  </ProjectViewSettings>\n");
}

/* The layer's styles: the default one and the extra named ones. */
static void
project_styles(nbl__buf *b, const nbl__xjob *job, const nbl__xlayer *l)
{
    const char *const *extra = nbl__qgis_extra_styles(l->name);
    nbl__buf_printf(b,
                    "      <map-layer-style-manager current=\"%s\">\n"
                    "        <map-layer-style name=\"%s\"/>\n",
                    extra ? "category" : "default",
                    extra ? "category" : "default");
    for (int s = 0; extra && extra[s]; s++) {
        char *q;
        const char *root;
        if (nbl__qgis_qml(job, l->name, extra[s], &q)) {
            nbl__buf_fail(b); /* the project is not written without it */
            return;
        }
        root = q ? strstr(q, "<qgis ") : NULL;
        nbl__buf_printf(b,
                        "        <map-layer-style name=\"%s\">%s"
                        "</map-layer-style>\n",
                        extra[s], root ? root : "");
        free(q);
    }
    nbl__buf_printf(b, "      </map-layer-style-manager>\n");
}

/* One <maplayer>: source, CRS, styles, the temporal setup of the time
 * series, the default style's renderer and labels. */
static void
project_layer(nbl__buf *b, const nbl__xjob *job, const nbl__xlayer *l,
              const char *source)
{
    nbl__buf body = {0};
    int lab = 0;
    style_body(&body, job, l->name, NULL, &lab);
    if (body.failed) {
        nbl__buf_fail(b); /* the project is not written without it */
        return;
    }
    nbl__buf_printf(b,
                    "    <maplayer type=\"vector\" geometry=\"%s\" "
                    "labelsEnabled=\"%d\">\n      <id>nabolag_%s</id>\n"
                    "      <datasource>",
                    l->geom == NBL__XG_POINT ? "Point" : "Polygon", lab,
                    l->name);
    nbl__buf_append_xml(b, source);
    nbl__buf_printf(b, "</datasource>\n      <layername>");
    nbl__buf_append_xml(b, l->title);
    nbl__buf_printf(b, "</layername>\n      <srs>");
    srs(b, job, job->out_srid ? job->out_srid : 4326);
    nbl__buf_printf(b,
                    "</srs>\n      <provider encoding=\"UTF-8\">%s"
                    "</provider>\n",
                    job->provider ? job->provider : "ogr");
    project_styles(b, job, l);
    if (l->temporal)
        nbl__buf_printf(
            b, "      <temporal enabled=\"1\" mode=\"2\" "
               "startField=\"year_start\" endField=\"year_end\" "
               "durationField=\"\" durationUnit=\"min\" "
               "fixedDuration=\"0\" accumulate=\"0\" startExpression=\"\" "
               "endExpression=\"\">\n        <fixedRange><start></start>"
               "<end></end></fixedRange>\n      </temporal>\n");
    nbl__qgis_aliases(b, job, l);
    nbl__buf_printf(b, "%s    </maplayer>\n", body.s ? body.s : "");
    nbl__buf_free(&body);
}

/* The time range of the temporal controller and the nabolag properties
 * (ruleset, year, version, disclosure, run id). */
static void
project_properties(nbl__buf *b, const nbl__xjob *job)
{
    int first = job->year, last = job->year;
    /* the temporal layer's years, noted while it was written */
    if (job->first_year > 0 && job->first_year < first)
        first = job->first_year;
    if (job->last_year > last)
        last = job->last_year;
    nbl__buf_printf(
        b,
        "  <ProjectTimeSettings timeStep=\"1\" timeStepUnit=\"y\" "
        "frameRate=\"1\" cumulativeTemporalRange=\"0\">\n"
        "    <temporalRange><start>%04d-01-01T00:00:00Z</start>"
        "<end>%04d-12-31T00:00:00Z</end></temporalRange>\n"
        "  </ProjectTimeSettings>\n"
        "  <properties>\n"
        "    <Paths><Absolute type=\"bool\">false</Absolute></Paths>\n"
        "    <SpatialRefSys><ProjectionsEnabled type=\"int\">1"
        "</ProjectionsEnabled></SpatialRefSys>\n"
        "    <nabolag><ruleset type=\"QString\">",
        first, last);
    nbl__buf_append_xml(b, job->ruleset);
    nbl__buf_printf(b,
                    "</ruleset><year type=\"int\">%d</year><tool_version "
                    "type=\"QString\">%s</tool_version>"
                    "<disclosure_applied type=\"bool\">%s"
                    "</disclosure_applied>",
                    job->year, nbl_version(),
                    job->unsuppressed ? "false" : "true");
    if (job->opts && job->opts->run_id) {
        nbl__buf_printf(b, "<run_id type=\"QString\">");
        nbl__buf_append_xml(b, job->opts->run_id);
        nbl__buf_printf(b, "</run_id>");
    }
    nbl__buf_printf(b, "</nabolag>\n  </properties>\n");
}

char *
nbl__qgis_project(const nbl__xjob *job, const nbl__xlayer *layers,
                  size_t nlayers, const char *const *sources,
                  const double extent[4], int srid)
{
    nbl__buf b = {0};
    char e[4][32];
    double pad;
    double ext[4];
    memcpy(ext, extent, sizeof ext);
    if (ext[0] > ext[2]) { /* no geometries: Denmark in lon/lat */
        srid = 4326;
        ext[0] = 8.0, ext[1] = 54.5, ext[2] = 15.2, ext[3] = 57.8;
    }
    pad = (ext[2] - ext[0]) * 0.05 + (srid == 4326 ? 1e-4 : 10);
    ext[0] -= pad, ext[2] += pad;
    pad = (ext[3] - ext[1]) * 0.05 + (srid == 4326 ? 1e-4 : 10);
    ext[1] -= pad, ext[3] += pad;
    for (int i = 0; i < 4; i++)
        nbl__fmt_double(e[i], sizeof e[i], ext[i], srid == 4326 ? 7 : 2);
    project_head(&b, job, layers, nlayers, sources, srid);
    project_view(&b, job, e, srid);
    nbl__buf_printf(&b, "  <projectlayers>\n");
    for (size_t i = 0; i < nlayers; i++)
        project_layer(&b, job, &layers[i], sources[i]);
    nbl__buf_printf(&b, "  </projectlayers>\n");
    project_properties(&b, job);
    nbl__qgis_layout(&b, job, layers, nlayers, sources, ext, srid);
    nbl__buf_printf(&b, "</qgis>\n");
    return b.s;
}
