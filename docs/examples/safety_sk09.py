#!/usr/bin/python3
"""The safety index of one area and year, by hand from the sample's files
(standard library only; shares no code with nabolag): survey shares pooled
over the municipality's areas as the reference, incidents located in the
areas by an even-odd point-in-polygon test, default weights 0.5 / 0.2 / 0.3
and violence ('vold') weighted 2 as in sample-data/sample.ini.

Usage: python3 docs/examples/safety_sk09.py [SAMPLE_DIR [AREA YEAR]]
       (default: sample-data SK-09 2024)

The README's worked example; tests/cli/test_readme_examples.sh checks that
this prints what the README shows and that nabolag's safety layer has the
same values.
"""
import csv
import json
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else "sample-data"
area = sys.argv[2] if len(sys.argv) > 2 else "SK-09"
year = int(sys.argv[3]) if len(sys.argv) > 3 else 2024
W = {"vold": 2.0}  # [safety] category.vold = 2; other categories 1


def path(name):
    return os.path.join(folder, name)


# Survey answers of the year, per area.
sv = {}
with open(path("survey.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if int(r["year"]) == year:
            sv.setdefault(r["area_id"], {})[r["variable"]] = int(r["value"])
pop = {}
with open(path("stats.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if int(r["year"]) == year and r["pop"]:
            pop[r["area_id"]] = int(r["pop"])

# Incidents of the year, located in the areas (even-odd rule over all rings).
with open(path("areas.geojson"), encoding="utf-8") as f:
    feats = json.load(f)["features"]
rings = {}
for ft in feats:
    g = ft["geometry"]
    polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
    rings[ft["properties"]["afd_id"]] = [r for p in polys for r in p]


def inside(x, y, rs):
    c = False
    for ring in rs:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                c = not c
    return c


weighted = {}
with open(path("incidents.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if r["dato"][:4] != str(year):
            continue
        x, y = float(r["x"]), float(r["y"])
        for a, rs in rings.items():
            if inside(x, y, rs):
                weighted[a] = weighted.get(a, 0) + W.get(r["kategori"], 1.0)
                break

N = sum(d["survey_n"] for d in sv.values())
S = sum(d["survey_safe"] for d in sv.values())
SN = sum(d["survey_safe_night"] for d in sv.values())
P = sum(d["survey_problems"] for d in sv.values())
sR = (S / N + SN / N) / 2
qR = P / N
# the reference rate counts the areas with residents that year
wR = sum(w for a, w in weighted.items() if a in pop)
rR = 1000 * wR / sum(pop.values())
d = sv[area]
n = d["survey_n"]
sA = (d["survey_safe"] / n + d["survey_safe_night"] / n) / 2
qA = d["survey_problems"] / n
rA = 1000 * weighted.get(area, 0) / pop[area]
perceived = 100 * sA / sR
problems = 100 * (1 - qA) / (1 - qR)
registered = min(200.0, max(0.0, 100 * (2 - rA / rR)))
index = 0.5 * perceived + 0.2 * problems + 0.3 * registered

print(f"municipality {year}: safe {S}/{N}, safe at night {SN}/{N} -> "
      f"s = {sR:.4f}; problems {P}/{N} -> q = {qR:.4f}; "
      f"{wR:g} weighted incidents / {sum(pop.values())} "
      f"residents -> r = {rR:.2f} per 1,000")
print(f"{area} {year}: safe {d['survey_safe']}/{n}, safe at night "
      f"{d['survey_safe_night']}/{n} -> s = {sA:.4f}; problems "
      f"{d['survey_problems']}/{n} -> q = {qA:.4f}; "
      f"{weighted.get(area, 0):g} weighted incidents / {pop[area]} residents "
      f"-> r = {rA:.2f} per 1,000")
print(f"perceived  100 x {sA:.4f} / {sR:.4f} = {perceived:.1f}")
print(f"problems   100 x (1 - {qA:.4f}) / (1 - {qR:.4f}) = {problems:.1f}")
print(f"registered 100 x (2 - {rA:.2f} / {rR:.2f}) = {registered:.1f}")
print(f"index      0.5 x {perceived:.1f} + 0.2 x {problems:.1f} + "
      f"0.3 x {registered:.1f} = {index:.1f}")
