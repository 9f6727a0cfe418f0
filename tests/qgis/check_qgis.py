#!/usr/bin/python3
"""Loads an `nabolag export` folder in headless QGIS and checks it.

usage: check_qgis.py DIR geojson|gpkg COUNTS [PNG]
  COUNTS  e.g. areas=4,alerts=4,safety=2,timeseries=5

Checks every layer (valid, feature count, CRS EPSG:4326, numeric fields are
numeric, the style applied: renderer type and class count), then opens
nabolag.qgs (every layer resolves, the time-series layer is set up for the
temporal controller, the extra graduated styles have the legal thresholds
as class breaks) and renders the project to PNG (must not be blank).
Exits 1 with one line per failure.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsProject, QgsVectorLayer,  # noqa
                       QgsMapSettings, QgsMapRendererSequentialJob,
                       QgsVectorLayerTemporalProperties, QgsRectangle,
                       QgsCoordinateTransform, NULL)
from qgis.PyQt.QtCore import QSize, QVariant  # noqa
from qgis.PyQt.QtGui import QColor  # noqa

FAILS = []


def fail(msg):
    FAILS.append(msg)
    print("FAIL: " + msg)


NUMERIC = {
    "areas": ["year", "pop", "lab", "cri", "cri_ratio", "edu", "inc", "eth",
              "criteria_met", "profile_points"],
    "timeseries": ["year", "pop", "lab", "cri", "cri_ratio", "edu", "inc",
                   "eth", "criteria_met"],
    "alerts": ["year", "value", "threshold", "first_year"],
    "safety": ["year", "safety_index", "perceived", "problems", "registered"],
    "plans": ["start_year", "end_year", "areas"],
}
# renderer type and number of classes of each layer's default style
STYLE = {
    "areas": ("categorizedSymbol", 7),
    "timeseries": ("categorizedSymbol", 7),
    "alerts": ("categorizedSymbol", 3),
    "safety": ("categorizedSymbol", 5),
    "plans": ("singleSymbol", 1),
}
# extra styles: attribute and the class breaks (dk2021 thresholds)
GRADUATED = {
    "lab": ("lab", [0, 30, 40, 100]),
    "cri": ("cri_ratio", [0, 2, 3, 100]),
    "edu": ("edu", [0, 60, 100]),
    "inc": ("inc", [0, 55, 65, 1000]),
    "eth": ("eth", [0, 30, 50, 100]),
}


def classes(renderer):
    t = renderer.type()
    if t == "categorizedSymbol":
        return len(renderer.categories())
    if t == "graduatedSymbol":
        return len(renderer.ranges())
    if t == "singleSymbol":
        return 1
    return -1


def check_layer(name, layer, count, fmt):
    if not layer.isValid():
        fail("%s: layer not valid" % name)
        return
    if layer.featureCount() != count:
        fail("%s: %d features, expected %d"
             % (name, layer.featureCount(), count))
    if layer.crs().authid() != "EPSG:4326":
        fail("%s: CRS %s, expected EPSG:4326" % (name, layer.crs().authid()))
    fields = layer.fields()
    # GeoJSON has no schema: OGR types a field from its values, so a field
    # that is null in every feature (or every field of an empty layer)
    # cannot be typed. Such fields are skipped for GeoJSON (the GeoPackage
    # is always typed).
    present = None
    if fmt == "geojson":
        present = set()
        for ft in layer.getFeatures():
            for f in fields.names():
                if ft[f] is not None and ft[f] != NULL:
                    present.add(f)
    for f in NUMERIC[name]:
        i = fields.indexOf(f)
        if present is not None and f not in present:
            continue
        if i < 0:
            fail("%s: no field %s" % (name, f))
        elif not fields.at(i).isNumeric():
            fail("%s: field %s is %s, not numeric"
                 % (name, f, fields.at(i).typeName()))
    if name == "timeseries" and count > 0:
        for f in ("year_start", "year_end"):
            i = fields.indexOf(f)
            if i < 0 or fields.at(i).type() != QVariant.Date:
                fail("timeseries: %s is not a date field" % f)
    r = layer.renderer()
    want = STYLE[name]
    if r is None or r.type() != want[0] or classes(r) != want[1]:
        fail("%s: style not applied: renderer %s with %d classes, expected "
             "%s with %d" % (name, r.type() if r else None,
                             classes(r) if r else -1, want[0], want[1]))
    if name != "alerts" and not layer.labelsEnabled():
        fail("%s: labels not enabled" % name)


def main():
    d, fmt, counts = sys.argv[1], sys.argv[2], sys.argv[3]
    png = sys.argv[4] if len(sys.argv) > 4 else None
    counts = dict((k, int(v)) for k, v in
                  (kv.split("=") for kv in counts.split(",")))
    app = QgsApplication([], False)
    app.initQgis()
    layers = []
    for name, n in counts.items():
        if fmt == "gpkg":
            src = os.path.join(d, "nabolag.gpkg") + "|layername=" + name
        else:
            # as in nabolag.qgs: the geometry type makes an empty layer load
            src = os.path.join(d, name + ".geojson") + "|geometrytype=" + \
                ("Point" if name == "alerts" else "MultiPolygon")
        lyr = QgsVectorLayer(src, name, "ogr")
        check_layer(name, lyr, n, fmt)
        layers.append(lyr)

    project = QgsProject.instance()
    if not project.read(os.path.join(d, "nabolag.qgs")):
        fail("nabolag.qgs: cannot read: " + project.error())
    by_id = {}
    for lid, lyr in project.mapLayers().items():
        by_id[lid.replace("nabolag_", "")] = lyr
        if not lyr.isValid():
            fail("nabolag.qgs: layer %s does not resolve (%s)"
                 % (lid, lyr.source()))
    if sorted(by_id) != sorted(counts):
        fail("nabolag.qgs: layers %s, expected %s"
             % (sorted(by_id), sorted(counts)))
    for name, lyr in by_id.items():
        if lyr.isValid() and name in counts:
            if lyr.featureCount() != counts[name]:
                fail("nabolag.qgs: %s has %d features"
                     % (name, lyr.featureCount()))
            r = lyr.renderer()
            if r is None or r.type() != STYLE[name][0] or \
                    classes(r) != STYLE[name][1]:
                fail("nabolag.qgs: %s: style not applied" % name)
    ts = by_id.get("timeseries")
    if ts is not None:
        tp = ts.temporalProperties()
        if not tp.isActive() or tp.mode() != \
                QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields \
                or tp.startField() != "year_start" \
                or tp.endField() != "year_end":
            fail("nabolag.qgs: timeseries not set up for the temporal "
                 "controller")
    areas = by_id.get("areas")
    if areas is not None:
        sm = areas.styleManager()
        styles = sm.styles()
        for s, (attr, brk) in GRADUATED.items():
            if s not in styles:
                fail("nabolag.qgs: areas: no style %s" % s)
                continue
            sm.setCurrentStyle(s)
            r = areas.renderer()
            if r.type() != "graduatedSymbol" or r.classAttribute() != attr:
                fail("nabolag.qgs: areas style %s: renderer %s on %s"
                     % (s, r.type(), getattr(r, "classAttribute",
                                             lambda: "?")()))
                continue
            got = [r.ranges()[0].lowerValue()] + \
                [x.upperValue() for x in r.ranges()]
            if [round(x, 6) for x in got] != brk:
                fail("nabolag.qgs: areas style %s: breaks %s, expected %s"
                     % (s, got, brk))
        sm.setCurrentStyle("profile")
        r = areas.renderer()
        if r.type() != "categorizedSymbol" or \
                r.classAttribute() != "profile_band" or classes(r) != 5:
            fail("nabolag.qgs: areas style profile not applied")
        sm.setCurrentStyle("category")
        ext = project.viewSettings().defaultViewExtent()
        if not project.crs().isValid():
            fail("nabolag.qgs: project CRS not valid")
        tr = QgsCoordinateTransform(areas.crs(), project.crs(), project)
        aext = tr.transformBoundingBox(areas.extent())
        if ext.isEmpty() or not ext.contains(aext):
            fail("nabolag.qgs: extent %s does not contain the areas %s"
                 % (ext.toString(), aext.toString()))

    if png and areas is not None:
        root = project.layerTreeRoot()
        visible = [lt.layer() for lt in root.findLayers()
                   if lt.isVisible() and lt.layer() is not None]
        ms = QgsMapSettings()
        ms.setLayers(visible)
        ms.setDestinationCrs(project.crs())
        ms.setOutputSize(QSize(1000, 800))
        ms.setBackgroundColor(QColor(255, 255, 255))
        ext = QgsRectangle(project.viewSettings().defaultViewExtent())
        ms.setExtent(ext)
        job = QgsMapRendererSequentialJob(ms)
        job.start()
        job.waitForFinished()
        img = job.renderedImage()
        img.save(png, "PNG")
        colours = set()
        nonwhite = 0
        for y in range(0, img.height(), 4):
            for x in range(0, img.width(), 4):
                c = img.pixel(x, y)
                colours.add(c)
                if c & 0xFFFFFF != 0xFFFFFF:
                    nonwhite += 1
        total = (img.height() // 4) * (img.width() // 4)
        if len(colours) < 5 or nonwhite < total * 0.05:
            fail("render: %s looks blank (%d colours, %d of %d pixels "
                 "not white)" % (png, len(colours), nonwhite, total))
    for lyr in layers:
        del lyr
    del layers
    project.clear()
    app.exitQgis()
    if FAILS:
        sys.exit(1)
    print("ok: %s (%s)" % (d, fmt))


if __name__ == "__main__":
    main()
