#!/usr/bin/python3
"""Hostile inputs (issue 18, point 7): writes the fixtures and checks the
outputs with real parsers. Usage:
  hostile.py make DIR          writes DIR/areas.geojson, DIR/stats.csv
  hostile.py check DIR WS      checks the workspace WS and the outputs in DIR
"""
import csv
import json
import sqlite3
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

LONG = "Å" + "x" * 9998 + "Ø"  # 10,000 characters
NAMES = [
    ("Q\"1'", "quote \" and ' marks"),
    ("S;2", "semi;colon; DROP TABLE areas;--"),
    ("D--3", "-- comment /* c */"),
    ("<script>4", "<script>alert(1)</script>"),
    ("C]]>5", "]]></name><x>&amp;"),
    ("K\x016", "ctl\x01\x02\x1f\ttab\rcr"),
    ("L7", LONG),
]


def square(i):
    x = 12.50 + 0.02 * i
    return [[[x, 55.6], [x + 0.01, 55.6], [x + 0.01, 55.61], [x, 55.61],
             [x, 55.6]]]


def make(d):
    feats = [{"type": "Feature",
              "properties": {"id": a, "name": n, "kommune": "0101",
                             "region": "1084"},
              "geometry": {"type": "Polygon", "coordinates": square(i)}}
             for i, (a, n) in enumerate(NAMES)]
    with open(f"{d}/areas.geojson", "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f,
                  ensure_ascii=False)
    with open(f"{d}/stats.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["area_id", "year", "pop", "pop_18_64", "noattach_18_64",
                    "pop_18p", "convicted_18p", "nonwestern"])
        for y in range(2019, 2025):
            for i, (a, _) in enumerate(NAMES):
                # crosses the employment threshold in the last year
                w.writerow([a, y, 2000, 1000, 300 + (y - 2019) * 30 + i,
                            1500, 10, 700])


class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        self.text.append(data)


def fail(msg):
    sys.exit("FAIL: " + msg)


def check(d, ws):
    want = dict(NAMES)
    got = dict(sqlite3.connect(ws).execute("SELECT area_id, name FROM areas"))
    if got != want:
        fail(f"the workspace does not hold the ids and names verbatim")
    # GeoJSON layers: json parser, names verbatim
    with open(f"{d}/areas.geojson", encoding="utf-8") as f:
        lay = json.load(f)
    names = {ft["properties"]["area_id"]: ft["properties"]["name"]
             for ft in lay["features"]}
    if names != want:
        fail("areas.geojson does not carry the ids and names verbatim")
    # QGIS project and styles: XML parser
    for n in ("nabolag.qgs", "areas.qml", "alerts.qml", "timeseries.qml"):
        ET.parse(f"{d}/{n}")
    # the report: HTML parser; the names are text, never markup
    p = Text()
    with open(f"{d}/report.html", encoding="utf-8") as f:
        html = f.read()
    p.feed(html)
    text = "".join(p.text)
    if "<script>alert(1)</script>" not in text:
        fail("the report does not show the <script> name as text")
    if p.scripts:
        fail(f"the report has {p.scripts} <script> element(s)")
    if "<script>alert" in html or "]]></name>" in html:
        fail("a hostile name came through unescaped into the report")
    # alert files: json and csv parsers; every area with an alert named
    # exactly
    with open(f"{d}/alerts.json", encoding="utf-8") as f:
        aj = json.load(f)
    items = aj.get("alerts", aj.get("items", []))
    seen = {(a["area_id"], a["area_name"]) for a in items}
    if not seen or not seen <= set(NAMES):
        fail(f"alerts.json names differ: {sorted(seen)[:3]}")
    with open(f"{d}/alerts.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if {(r["area_id"], r["area_name"]) for r in rows} != seen:
        fail("alerts.csv does not carry the same ids and names verbatim")
    print(f"hostile names verbatim in the workspace, {len(lay['features'])} "
          f"features, the report, {len(items)} alerts (json, csv)")


if sys.argv[1] == "make":
    make(sys.argv[2])
else:
    check(sys.argv[2], sys.argv[3])
