#!/usr/bin/python3
"""RFC 7946 checks of GeoJSON files written by `nabolag export`.

usage: check_rfc7946.py FILE...

Per file: a FeatureCollection; no `crs` member anywhere (RFC 7946 4.);
every position is [lon, lat] with -180 <= lon <= 180 and -90 <= lat <= 90
and at most 7 decimals; polygon exterior rings counter-clockwise and holes
clockwise (RFC 7946 3.1.6, signed shoelace area), rings closed with at
least 4 positions; the "nabolag" provenance member has tool_version,
ruleset, ruleset_version, year, inputs. Exits 1 with one line per failure.
"""
import json
import sys

fails = []


def fail(path, msg):
    fails.append(path)
    print("FAIL: %s: %s" % (path, msg))


def signed_area(ring):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        a += x1 * y2 - x2 * y1
    return a / 2.0


def check_pos(path, fid, p):
    if len(p) != 2:
        fail(path, "%s: position %r has %d values" % (fid, p, len(p)))
        return
    lon, lat = p
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        fail(path, "%s: position %r out of range (not lon/lat?)" % (fid, p))
    for v in p:
        s = repr(v)
        if "." in s and "e" not in s and len(s.split(".")[1]) > 7:
            fail(path, "%s: %s has more than 7 decimals" % (fid, s))


def check_polygon(path, fid, rings):
    for i, ring in enumerate(rings):
        if len(ring) < 4 or ring[0] != ring[-1]:
            fail(path, "%s: ring %d not closed or too short" % (fid, i))
            continue
        for p in ring:
            check_pos(path, fid, p)
        a = signed_area(ring)
        if i == 0 and a <= 0:
            fail(path, "%s: exterior ring is not counter-clockwise" % fid)
        if i > 0 and a >= 0:
            fail(path, "%s: hole %d is not clockwise" % (fid, i))


def has_crs(o):
    if isinstance(o, dict):
        return "crs" in o or any(has_crs(v) for v in o.values())
    if isinstance(o, list):
        return any(has_crs(v) for v in o)
    return False


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("type") != "FeatureCollection":
        fail(path, "not a FeatureCollection")
        continue
    if has_crs(doc):
        fail(path, "has a crs member")
    prov = doc.get("nabolag", {})
    for k in ("tool_version", "ruleset", "ruleset_version", "year",
              "inputs"):
        if k not in prov:
            fail(path, "provenance member nabolag.%s missing" % k)
    for n, ft in enumerate(doc["features"]):
        fid = "feature %d (%s)" % (n, ft["properties"].get("area_id"))
        g = ft.get("geometry")
        if g is None:
            continue
        t, c = g["type"], g["coordinates"]
        if t == "Point":
            check_pos(path, fid, c)
        elif t == "Polygon":
            check_polygon(path, fid, c)
        elif t == "MultiPolygon":
            for poly in c:
                check_polygon(path, fid, poly)
        else:
            fail(path, "%s: unexpected geometry %s" % (fid, t))
sys.exit(1 if fails else 0)
