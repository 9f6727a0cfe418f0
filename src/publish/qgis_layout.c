/*
 * qgis_layout.c - the print layout of nabolag.qgs (QGIS 3.22 layout XML):
 * one A4 landscape page for a board or committee with a title, the map
 * (the project's extent, the layers as the project shows them), a legend
 * of the layers a reader needs (areas, alerts, plans; only what the map
 * shows), a scale bar with a round segment length, a north arrow (QGIS's
 * own arrows/NorthArrow_02.svg) and a provenance line (tool, ruleset,
 * data year, export time, disclosure control). Texts are in the output
 * language (Danish by default). Item types are QgsLayoutItemRegistry's:
 * page 65638, map 65639, picture 65640, label 65641, legend 65642, scale
 * bar 65646. Positions are in millimetres from the page's top left.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "publish/qgis.h"
#include "store/store_export.h"
#include "util/i18n.h"
#include "util/util.h"

/* The page and the map frame (mm); the map is the item at z 1, the
 * only one with a frame. */
#define PAGE_W 297.0
#define PAGE_H 210.0
#define MAP_X 10.0
#define MAP_Y 24.0
#define MAP_W 200.0
#define MAP_H 160.0

#define UUID_MAP "{6e61626f-6c61-4700-8000-00000000006d}"
#define UUID(n) "{6e61626f-6c61-4700-8000-0000000000" n "}"

/* The layers in the legend, in the order of the project's layer tree. */
static const char *const legend_layers[] = {"alerts", "plans", "areas"};

/* The attributes every item has (frame: a line around the item). */
static void
common_attrs(nbl__buf *b, const char *uuid, const char *id, double x, double y,
             double w, double h, int z)
{
    char sx[32], sy[32], sw[32], sh[32];
    nbl__fmt_double(sx, sizeof sx, x, 1);
    nbl__fmt_double(sy, sizeof sy, y, 1);
    nbl__fmt_double(sw, sizeof sw, w, 1);
    nbl__fmt_double(sh, sizeof sh, h, 1);
    nbl__buf_printf(b, " uuid=\"%s\" id=\"", uuid);
    nbl__buf_append_xml(b, id);
    nbl__buf_printf(b,
                    "\" size=\"%s,%s,mm\" position=\"%s,%s,mm\" "
                    "positionOnPage=\"%s,%s,mm\" zValue=\"%d\" "
                    "visibility=\"1\" opacity=\"1\" frame=\"%s\" "
                    "outlineWidthM=\"0.3,mm\"",
                    sw, sh, sx, sy, sx, sy, z, z == 1 ? "true" : "false");
}

/* A text label; pt: font size, bold: weight 75. */
static void
label(nbl__buf *b, const char *uuid, const char *id, const char *text, double y,
      double h, int pt, int bold)
{
    nbl__buf_printf(b, "      <LayoutItem type=\"65641\" labelText=\"");
    nbl__buf_append_xml(b, text);
    nbl__buf_printf(b, "\"");
    common_attrs(b, uuid, id, MAP_X, y, PAGE_W - 2 * MAP_X, h, 6);
    nbl__buf_printf(b,
                    " background=\"false\" halign=\"1\" valign=\"32\" "
                    "marginX=\"0\" marginY=\"0\" htmlState=\"0\">\n"
                    "        <LabelFont description=\"DejaVu Sans,%d,-1,5,%d,"
                    "0,0,0,0,0\" style=\"\"/>\n"
                    "        <FontColor red=\"40\" green=\"40\" blue=\"40\" "
                    "alpha=\"255\"/>\n      </LayoutItem>\n",
                    pt, bold ? 75 : 50);
}

/* unitType: QgsUnitTypes::encodeUnit ("meters", "km"); QGIS converts the
 * map's metres itself, numMapUnitsPerScaleBarUnit only divides the labels. */

/* The extent grown to the map frame's aspect, so that the map is drawn at
 * the scale the scale bar assumes. */
static void
frame_extent(const double in[4], double out[4])
{
    double w = in[2] - in[0], h = in[3] - in[1];
    double cx = (in[0] + in[2]) / 2, cy = (in[1] + in[3]) / 2;
    if (w / h < MAP_W / MAP_H)
        w = h * MAP_W / MAP_H;
    else
        h = w * MAP_H / MAP_W;
    out[0] = cx - w / 2, out[2] = cx + w / 2;
    out[1] = cy - h / 2, out[3] = cy + h / 2;
}

static void
map_item(nbl__buf *b, const double ext[4], int srid)
{
    char e[4][32];
    for (int i = 0; i < 4; i++)
        nbl__fmt_double(e[i], sizeof e[i], ext[i], srid == 4326 ? 7 : 2);
    nbl__buf_printf(b, "      <LayoutItem type=\"65639\"");
    common_attrs(b, UUID_MAP, T_("Map"), MAP_X, MAP_Y, MAP_W, MAP_H, 1);
    nbl__buf_printf(b,
                    " background=\"true\" keepLayerSet=\"false\" "
                    "drawCanvasItems=\"true\" mapRotation=\"0\" "
                    "labelMargin=\"0,mm\" mapFlags=\"0\">\n"
                    "        <FrameColor red=\"0\" green=\"0\" blue=\"0\" "
                    "alpha=\"255\"/>\n"
                    "        <Extent xmin=\"%s\" ymin=\"%s\" xmax=\"%s\" "
                    "ymax=\"%s\"/>\n        <LayerSet/>\n"
                    "      </LayoutItem>\n",
                    e[0], e[1], e[2], e[3]);
}

static void
legend_item(nbl__buf *b, const nbl__xlayer *layers, size_t n,
            const char *const *sources)
{
    double x = MAP_X + MAP_W + 6;
    nbl__buf_printf(b, "      <LayoutItem type=\"65642\" title=\"");
    nbl__buf_append_xml(b, T_("Legend"));
    nbl__buf_printf(b, "\" map_uuid=\"%s\"", UUID_MAP);
    common_attrs(b, UUID("6c"), T_("Legend"), x, MAP_Y, PAGE_W - MAP_X - x,
                 MAP_H, 3);
    nbl__buf_printf(b, " background=\"true\" resizeToContents=\"1\" "
                       "columnCount=\"1\" symbolWidth=\"7\" "
                       "symbolHeight=\"4\" boxSpace=\"2\" wrapChar=\"|\" "
                       "legendFilterByMap=\"1\" legendFilterByAtlas=\"0\">\n"
                       "        <layer-tree-group>\n");
    for (size_t k = 0; k < sizeof legend_layers / sizeof *legend_layers; k++)
        for (size_t i = 0; i < n; i++) {
            if (strcmp(layers[i].name, legend_layers[k]) != 0)
                continue;
            nbl__buf_printf(b,
                            "          <layer-tree-layer id=\"nabolag_%s\" "
                            "name=\"",
                            layers[i].name);
            nbl__buf_append_xml(b, layers[i].title);
            nbl__buf_printf(b, "\" source=\"");
            nbl__buf_append_xml(b, sources[i]);
            nbl__buf_printf(b, "\" checked=\"Qt::Checked\" expanded=\"1\"/>\n");
        }
    nbl__buf_printf(b, "        </layer-tree-group>\n      </LayoutItem>\n");
}

/* A segment length of 1, 2 or 5 times a power of ten near a sixth of the
 * map's width (two segments then take about a third of the frame). */
static double
round_segment(double width)
{
    double raw = width / 6, p = pow(10, floor(log10(raw)));
    double f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void
scalebar_item(nbl__buf *b, const double ext[4], int srid)
{
    double seg = round_segment(ext[2] - ext[0]);
    int km = srid != 4326 && seg >= 1000;
    char s[32];
    nbl__buf_printf(b, "      <LayoutItem type=\"65646\" mapUuid=\"%s\"",
                    UUID_MAP);
    common_attrs(b, UUID("73"), T_("Scale bar"), MAP_X + 3, MAP_Y + MAP_H - 15,
                 80, 12, 4);
    if (srid == 4326) { /* degrees: QGIS measures on the ellipsoid */
        nbl__buf_printf(b, " unitType=\"km\" unitLabel=\"km\" "
                           "segmentSizeMode=\"1\" minBarWidth=\"20\" "
                           "maxBarWidth=\"40\" numUnitsPerSegment=\"1\" "
                           "numMapUnitsPerScaleBarUnit=\"1\"");
    } else {
        nbl__fmt_double(s, sizeof s, km ? seg / 1000 : seg, 3);
        nbl__buf_printf(b,
                        " unitType=\"%s\" unitLabel=\"%s\" "
                        "segmentSizeMode=\"0\" numUnitsPerSegment=\"%s\" "
                        "numMapUnitsPerScaleBarUnit=\"1\"",
                        km ? "km" : "meters", km ? "km" : "m", s);
    }
    nbl__buf_printf(b, " style=\"Single Box\" numSegments=\"2\" "
                       "numSegmentsLeft=\"0\" numSubdivisions=\"1\" "
                       "height=\"2\" labelBarSpace=\"2\" "
                       "boxContentSpace=\"1.5\" alignment=\"0\" "
                       "background=\"true\"/>\n");
}

static void
north_arrow(nbl__buf *b)
{
    nbl__buf_printf(b, "      <LayoutItem type=\"65640\" "
                       "file=\"arrows/NorthArrow_02.svg\" mapUuid=\"" UUID_MAP
                       "\" northMode=\"0\" northOffset=\"0\" mode=\"2\" "
                       "resizeMode=\"0\"");
    common_attrs(b, UUID("6e"), T_("North arrow"), MAP_X + MAP_W - 16,
                 MAP_Y + 3, 12, 14, 5);
    nbl__buf_printf(b, " background=\"false\"/>\n");
}

/* The provenance line under the map. */
static void
provenance(nbl__buf *b, const nbl__xjob *job)
{
    nbl__buf t = {0};
    char now[32];
    nbl__store_export_now(now);
    nbl__buf_printf(&t,
                    T_("Source: nabolag %s; rules %s (version %s); data "
                       "for %d; exported %s. "),
                    nbl_version(), job->ruleset,
                    job->ruleset_version ? job->ruleset_version : "-",
                    job->year, now);
    nbl__buf_printf(&t, "%s",
                    job->unsuppressed
                        ? T_("INTERNAL: figures are not disclosure-controlled; "
                             "do not publish.")
                        : T_("Figures for small areas and small counts are "
                             "withheld (disclosure control)."));
    if (job->opts && job->opts->run_id)
        nbl__buf_printf(&t, T_(" Run %s."), job->opts->run_id);
    label(b, UUID("70"), T_("Source"), t.s ? t.s : "", MAP_Y + MAP_H + 3, 16, 8,
          0);
    nbl__buf_free(&t);
}

/* The title's font size: 18 pt holds about 55 characters on the page's
 * width; a longer title (a project's name in front) gets 15 pt, and past
 * 75 characters 12 pt, which wraps onto two lines within the label. */
static int
title_pt(const char *title)
{
    size_t n = nbl__utf8_chars(title);
    return n <= 55 ? 18 : n <= 75 ? 15 : 12;
}

void
nbl__qgis_layout(nbl__buf *b, const nbl__xjob *job, const nbl__xlayer *layers,
                 size_t n, const char *const *sources, const double extent[4],
                 int srid)
{
    double ext[4];
    char title[256], name[128];
    frame_extent(extent, ext);
    if (job->opts && job->opts->title && *job->opts->title)
        /* TRANSLATORS: the project's name, year, ruleset: the board
         * map's title */
        snprintf(title, sizeof title, T_("%s: housing areas %d, rules %s"),
                 job->opts->title, job->year, job->ruleset);
    else
        snprintf(title, sizeof title, T_("Housing areas %d, rules %s"),
                 job->year, job->ruleset);
    snprintf(name, sizeof name, T_("Map for the board %d"), job->year);
    nbl__buf_printf(b, "  <Layouts>\n    <Layout name=\"");
    nbl__buf_append_xml(b, name);
    nbl__buf_printf(b,
                    "\" units=\"mm\" printResolution=\"300\" "
                    "worldFileMap=\"%s\">\n      <PageCollection>\n"
                    "        <LayoutItem type=\"65638\"",
                    UUID_MAP);
    common_attrs(b, UUID("50"), "", 0, 0, PAGE_W, PAGE_H, 0);
    nbl__buf_printf(b, " background=\"true\"/>\n      </PageCollection>\n");
    label(b, UUID("74"), T_("Title"), title, 8, 12, title_pt(title), 1);
    map_item(b, ext, srid);
    legend_item(b, layers, n, sources);
    scalebar_item(b, ext, srid);
    north_arrow(b);
    provenance(b, job);
    nbl__buf_printf(b, "    </Layout>\n  </Layouts>\n");
}
