#!/usr/bin/python3
"""Loads an `nabolag export` folder in headless QGIS and checks it.

usage: check_qgis.py DIR geojson|gpkg|fgb|postgis COUNTS [PNG]
  COUNTS  e.g. areas=4,alerts=4,safety=2,timeseries=5,plans=1,profile=4
  postgis: the layers are the tables of schema $NBL_PG_SCHEMA in the
  database of $NBL_PG_URI (QGIS keys: "dbname='gis' host='/tmp/...'"),
  their styles from its layer_styles table; DIR holds nabolag.qgs.
  The layers' CRS must be EPSG:4326 for GeoJSON, else $NBL_CRS (default
  EPSG:25832, the working CRS).

Checks every layer (valid, feature count, CRS EPSG:4326, numeric fields are
numeric - for the profile and plans layers every indicator's value fields,
whatever the configuration declared -, the style applied: renderer type
and class count), then opens nabolag.qgs (every layer resolves, the
time-series layer is set up for the temporal controller, the extra
graduated styles have the legal thresholds as class breaks) and renders
the project to PNG with render_map.py (must not be blank).
Exits 1 with one line per failure.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsProject, QgsVectorLayer,  # noqa
                       QgsVectorLayerTemporalProperties,
                       QgsCoordinateTransform, NULL)
from qgis.PyQt.QtCore import QVariant  # noqa

import render_map  # noqa

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
    "plans": ["start_year", "end_year", "n_areas", "baseline_year",
              "latest_year", "lab_did", "lab_target"],
    "profile": ["year", "profile_points"],
}
# fields that are numeric wherever they occur: the per-indicator values of
# the profile layer (<ind>, <ind>_ref, _sd, _points, _change; <ind> is a
# field with an <ind>_status beside it) and of the plans layer
SUFFIX_NUMERIC = {
    "profile": ("_ref", "_sd", "_points", "_change"),
    "plans": ("_baseline", "_latest", "_change", "_comparison_change",
              "_did", "_target"),
}
# renderer type and number of classes of each layer's default style
STYLE = {
    "areas": ("categorizedSymbol", 7),
    "timeseries": ("categorizedSymbol", 7),
    "alerts": ("categorizedSymbol", 3),
    "safety": ("categorizedSymbol", 5),
    "plans": ("singleSymbol", 1),
    "profile": ("categorizedSymbol", 5),
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
    crs = "EPSG:4326" if fmt == "geojson" else \
        os.environ.get("NBL_CRS", "EPSG:25832")
    if layer.crs().authid() != crs:
        fail("%s: CRS %s, expected %s" % (name, layer.crs().authid(), crs))
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
    names = fields.names()
    want = list(NUMERIC[name])
    for f in names:
        if f.endswith(SUFFIX_NUMERIC.get(name, ())) or \
                (name == "profile" and f + "_status" in names and
                 f != "profile"):
            want.append(f)
    if name == "profile" and not any(f.endswith("_sd") for f in names) \
            and count > 0:
        fail("profile: no indicator fields")
    for f in want:
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
        provider = "ogr"
        if fmt == "gpkg":
            src = os.path.join(d, "nabolag.gpkg") + "|layername=" + name
        elif fmt == "fgb":
            src = os.path.join(d, name + ".fgb")
        elif fmt == "postgis":
            provider = "postgres"
            src = "%s key='ogc_fid' table=\"%s\".\"%s\" (geom)" % (
                os.environ["NBL_PG_URI"], os.environ["NBL_PG_SCHEMA"], name)
        else:
            # as in nabolag.qgs: the geometry type makes an empty layer load
            src = os.path.join(d, name + ".geojson") + "|geometrytype=" + \
                ("Point" if name == "alerts" else "MultiPolygon")
        lyr = QgsVectorLayer(src, name, provider)
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
        # status/dynamics: one category per group present, plus "not
        # classified" (at least that one)
        if "status_dynamics" not in styles:
            fail("nabolag.qgs: areas: no style status_dynamics")
        else:
            sm.setCurrentStyle("status_dynamics")
            r = areas.renderer()
            if r.type() != "categorizedSymbol" or \
                    r.classAttribute() != "sd_group" or classes(r) < 1:
                fail("nabolag.qgs: areas style status_dynamics not applied")
        sm.setCurrentStyle("category")
        ext = project.viewSettings().defaultViewExtent()
        if not project.crs().isValid():
            fail("nabolag.qgs: project CRS not valid")
        tr = QgsCoordinateTransform(areas.crs(), project.crs(), project)
        aext = tr.transformBoundingBox(areas.extent())
        if ext.isEmpty() or not ext.contains(aext):
            fail("nabolag.qgs: extent %s does not contain the areas %s"
                 % (ext.toString(), aext.toString()))

    prof = by_id.get("profile")
    if prof is not None and prof.isValid():
        root = project.layerTreeRoot()
        node = root.findLayer(prof.id())
        if node is None or node.isVisible():
            fail("nabolag.qgs: profile layer should be hidden at start")
        r = prof.renderer()
        if r is None or r.type() != "categorizedSymbol" or \
                r.classAttribute() != "profile_band":
            fail("nabolag.qgs: profile not categorized on profile_band")
    plans = by_id.get("plans")
    if plans is not None and plans.isValid():
        ls = plans.labeling()
        if not plans.labelsEnabled() or ls is None or \
                "lab_did" not in ls.settings().fieldName:
            fail("nabolag.qgs: plans not labelled with lab_did")

    if png and areas is not None:
        for p in render_map.render(project, png):
            fail(p)
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
