#!/usr/bin/python3
"""Checks the print layout and the field aliases of an exported nabolag.qgs.

usage: check_layout.py DIR da|en YEAR RULESET PNG

Opens DIR/nabolag.qgs in headless QGIS and checks, for the language given:
- one print layout, named for the board and the year;
- a framed map whose extent holds every area; a legend linked to it with
  exactly the alerts, plans and areas layers, filtered by the map; a scale
  bar linked to it whose segment is 1, 2 or 5 times a power of ten and
  whose two segments take 15-60 % of the map's width (computed here from
  the map's extent and size, not read from the scale bar); a north arrow
  whose SVG QGIS finds; a title with the year and the ruleset; a source
  line that names the ruleset and the disclosure control;
- every item inside the A4 landscape page (nothing overflows);
- the layout renders to PNG and the page is not blank;
- the areas layer's aliases: `lab` and `lab_status` in the language given
  (the law's wording in Danish);
- the legends in the language given: the alerts' severities and the
  areas' "no value" class (the statutory category names stay Danish);
- the plans' map label, evaluated by QGIS for every plan with a did: its
  number in the language's decimal mark and its unit in its words
  ("-6,0 pct.-point", "-6.0 percentage points"; the label said
  "-6.0 pct.-point" in both, the number in the reader's QGIS locale).
Exits 1 with one line per failure.
"""
import math
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsProject, QgsLayoutExporter,  # noqa
                       QgsLayoutItemMap, QgsLayoutItemLegend,
                       QgsLayoutItemScaleBar, QgsLayoutItemPicture,
                       QgsLayoutItemLabel, QgsCoordinateTransform,
                       QgsSymbolLayerUtils, QgsExpression,
                       QgsExpressionContext, QgsExpressionContextUtils)
from qgis.PyQt.QtGui import QImage  # noqa

FAILS = []

TEXT = {
    "da": {"layout": "Kort til bestyrelsen %d",
           "legend": ["Varsler", "Helhedsplaner", "Boligområder"],
           "disclosure": "diskretionering",
           "lab": "Andel 18–64-årige uden for arbejdsmarkedet eller "
                  "uddannelse",
           "lab_status": "Andel 18–64-årige uden for arbejdsmarkedet eller "
                         "uddannelse: status",
           "severity": ["Kritisk", "Advarsel", "Information"],
           "nodata": "Ingen værdi (mangler eller diskretioneret)",
           "did": (",", " pct.-point")},
    "en": {"layout": "Map for the board %d",
           "legend": ["Alerts", "Area plans", "Housing areas"],
           "disclosure": "disclosure control",
           "lab": "Share of 18-64-year-olds outside work or education",
           "lab_status": "Share of 18-64-year-olds outside work or "
                         "education: status",
           "severity": ["Critical", "Warning", "Information"],
           "nodata": "No value (missing or withheld)",
           "did": (".", " percentage points")},
}


def fail(msg):
    FAILS.append(msg)
    print("FAIL: " + msg)


def one(items, cls, what):
    got = [i for i in items if isinstance(i, cls)]
    if len(got) != 1:
        fail("layout: %d %s, expected 1" % (len(got), what))
        return None
    return got[0]


def check_scalebar(sb, m):
    seg = sb.unitsPerSegment() * (1000 if sb.units() == 1 else 1)
    p = 10 ** math.floor(math.log10(seg))
    if round(seg / p, 6) not in (1, 2, 5):
        fail("scale bar: segment %g m is not 1, 2 or 5 x 10^k" % seg)
    share = 2 * seg / m.extent().width()
    if not 0.15 <= share <= 0.6:
        fail("scale bar: two segments are %.0f %% of the map" % (100 * share))
    if sb.linkedMap() is not m:
        fail("scale bar: not linked to the map")


def check_items(lay, t, year, ruleset, areas, project):
    items = lay.items()
    m = one(items, QgsLayoutItemMap, "maps")
    lg = one(items, QgsLayoutItemLegend, "legends")
    sb = one(items, QgsLayoutItemScaleBar, "scale bars")
    na = one(items, QgsLayoutItemPicture, "pictures (north arrow)")
    labels = [i.text() for i in items if isinstance(i, QgsLayoutItemLabel)]
    if m is not None:
        if not m.frameEnabled():
            fail("map: no frame")
        tr = QgsCoordinateTransform(areas.crs(), project.crs(), project)
        if not m.extent().contains(tr.transformBoundingBox(areas.extent())):
            fail("map: extent does not hold the areas")
        if sb is not None:
            check_scalebar(sb, m)
    if lg is not None:
        names = [n.name() for n in lg.model().rootGroup().children()]
        if names != t["legend"] or lg.linkedMap() is not m or \
                not lg.legendFilterByMapEnabled():
            fail("legend: layers %s, expected %s, filtered by the map"
                 % (names, t["legend"]))
    if na is not None:
        path = QgsSymbolLayerUtils.svgSymbolNameToPath(na.picturePath(),
                                                       project.pathResolver())
        if not path or not os.path.exists(path) or "North" not in path:
            fail("north arrow: SVG %s not found" % na.picturePath())
    if not any(str(year) in s and ruleset in s for s in labels[:]) or \
            not any(ruleset in s and t["disclosure"] in s for s in labels):
        fail("labels: no title with %d and %s, or no source line: %s"
             % (year, ruleset, labels))
    page = lay.pageCollection().page(0).sceneBoundingRect()
    for i in items:
        if hasattr(i, "id") and i.type() != 65638 and \
                i.sceneBoundingRect().width() > 0 and \
                not page.contains(i.sceneBoundingRect()):
            fail("item %s overflows the page" % i.id())


def check_png(lay, png):
    ex = QgsLayoutExporter(lay)
    s = QgsLayoutExporter.ImageExportSettings()
    s.dpi = 96
    if ex.exportToImage(png, s) != QgsLayoutExporter.Success:
        fail("layout: cannot export to %s" % png)
        return
    img = QImage(png)
    ink = 0
    for y in range(0, img.height(), 4):
        for x in range(0, img.width(), 4):
            if img.pixelColor(x, y).lightness() < 200:
                ink += 1
    if ink < 500:
        fail("layout PNG is blank (%d dark samples)" % ink)


def check_plan_labels(plans, t):
    """The plans' label expression, evaluated for each plan with a did."""
    expr = QgsExpression(plans.labeling().settings().fieldName)
    mark, unit = t["did"]
    seen = 0
    for f in plans.getFeatures():
        if f["lab_did"] is None or str(f["lab_did"]) == "NULL":
            continue
        ctx = QgsExpressionContext(
            QgsExpressionContextUtils.globalProjectLayerScopes(plans))
        ctx.setFeature(f)
        text = str(expr.evaluate(ctx))
        want = ("%+.1f" % float(f["lab_did"])).replace(".", mark) + unit
        if not text.endswith(want):
            fail("plans label %r, expected it to end in %r%s"
                 % (text, want, " (" + expr.evalErrorString() + ")"
                    if expr.hasEvalError() else ""))
        seen += 1
    if not seen:
        fail("plans: no plan with a lab_did to label")


def main():
    d, lang, year, ruleset, png = sys.argv[1:6]
    year = int(year)
    t = TEXT[lang]
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if not project.read(os.path.join(d, "nabolag.qgs")):
        fail("nabolag.qgs: cannot read")
        return 1
    areas = project.mapLayer("nabolag_areas")
    layouts = project.layoutManager().layouts()
    if len(layouts) != 1 or layouts[0].name() != t["layout"] % year:
        fail("layouts: %s" % [x.name() for x in layouts])
    if layouts and areas is not None:
        check_items(layouts[0], t, year, ruleset, areas, project)
        check_png(layouts[0], png)
    if areas is not None:
        for f in ("lab", "lab_status"):
            a = areas.attributeAlias(areas.fields().indexOf(f))
            if a != t[f]:
                fail("areas: alias of %s is %r, expected %r" % (f, a, t[f]))
    alerts = project.mapLayer("nabolag_alerts")
    if alerts is not None:
        got = [c.label() for c in alerts.renderer().categories()]
        if got != t["severity"]:
            fail("alerts legend: %s, expected %s" % (got, t["severity"]))
    if areas is not None:
        got = [c.label() for c in areas.renderer().categories()
               if c.value() == ""]
        if got != [t["nodata"]]:
            fail("areas legend: no-value class %s, expected %s"
                 % (got, t["nodata"]))
    plans = project.mapLayer("nabolag_plans")
    if plans is not None:
        check_plan_labels(plans, t)
    app.exitQgis()
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
