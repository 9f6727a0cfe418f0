#!/usr/bin/python3
"""report_sample_check.py DIR: checks the sample's report (DIR/da.html,
Danish, with the municipality outline; DIR/en.html, English) against
values computed here, independently of nabolag, from the sample's inputs:

- every criterion chart point of every area card: lab = mean of the two
  yearly shares noattach_18_64 / pop_18_64 (dk2021, average = shares), edu
  = basic_edu_30_59 / pop_30_59, eth = nonwestern / pop, inc = mean income
  of the taxpayers / the region's (refs.csv), cri = the two-year mean share
  of convicted_18p / pop_18p divided by the country's (refs.csv);
  a year without its inputs has no point;
- the category chart: per year the number of areas in each category of
  the independent reference implementation (expected.json);
- the area table's 2024 lab cell in Danish (decimal comma) and English;
- the map: one label per area with its name (areas.geojson), the context
  outline, a scale bar and a north arrow;
- the plans: P1's lab baseline (2018) and latest (2024) as the population-
  weighted mean of its areas, target 43 met; P3 (ends 2025) not yet judged.
"""
import csv
import json
import os
import re
import sys

D = sys.argv[1]
S = os.path.join(D, "s") if not os.path.exists(os.path.join(D, "stats.csv")) else D
stats = {}
with open(os.path.join(S, "stats.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        stats[(r["area_id"], int(r["year"]))] = {
            k: float(v) if v.strip() else None
            for k, v in r.items() if k not in ("area_id", "year")}
refs = {}
with open(os.path.join(S, "refs.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        refs[(r["scope"], int(r["year"]), r["variable"])] = float(r["value"])


def share(a, y, num, den):
    r = stats.get((a, y))
    if r is None or r[num] is None or not r[den]:
        return None
    return 100 * r[num] / r[den]


def mean2(a, y, num, den):
    s0, s1 = share(a, y - 1, num, den), share(a, y, num, den)
    return None if s0 is None or s1 is None else (s0 + s1) / 2


def expected(a, y):
    r = stats[(a, y)]
    lab = mean2(a, y, "noattach_18_64", "pop_18_64")
    cri = mean2(a, y, "convicted_18p", "pop_18p")
    c = [100 * refs[("country", t, "convicted_18p")] /
         refs[("country", t, "pop_18p")] for t in (y - 1, y)
         if ("country", t, "pop_18p") in refs]
    cri = None if cri is None or len(c) < 2 else cri / (sum(c) / 2)
    reg = refs[("region", y, "income_15_64")] / refs[("region", y, "taxpayers_15_64")]
    inc = None
    if r["income_15_64"] is not None and r["taxpayers_15_64"]:
        inc = 100 * (r["income_15_64"] / r["taxpayers_15_64"]) / reg
    return {"lab": lab, "cri": cri, "edu": share(a, y, "basic_edu_30_59", "pop_30_59"),
            "inc": inc, "eth": share(a, y, "nonwestern", "pop")}


def fail(msg):
    sys.exit("FAIL: " + msg)


da = open(os.path.join(D, "da.html"), encoding="utf-8").read()
en = open(os.path.join(D, "en.html"), encoding="utf-8").read()
areas = json.load(open(os.path.join(S, "areas.geojson"), encoding="utf-8"))
names = {f["properties"]["afd_id"]: f["properties"]["navn"] for f in areas["features"]}
ids = sorted(names)
years = range(2017, 2025)

# area cards: one per area, five charts each, every point as computed
cards = dict(re.findall(r'<section class="card" id="area-([A-Za-z0-9_-]+)">(.*?)</section>',
                        da, re.S))
if sorted(cards) != ids:
    fail("area cards: %s" % sorted(cards))
npoints = 0
inc_tol = 0.06  # income is stored as percent of the region with 1 decimal
for a in ids:
    charts = dict(re.findall(r'data-criterion="(\w+)"[^>]*>(.*?)</svg>', cards[a], re.S))
    if sorted(charts) != ["cri", "edu", "eth", "inc", "lab"]:
        fail("%s: charts %s" % (a, sorted(charts)))
    for y in years:
        exp = expected(a, y)
        for k, body in charts.items():
            m = re.search(r'<circle class="pt[^"]*" data-year="%d" data-value="([-0-9.]+)"' % y, body)
            if exp[k] is None:
                if m:
                    fail("%s %s %d: a point where the inputs are missing" % (a, k, y))
                continue
            if not m:
                fail("%s %s %d: no point (expected %.3f)" % (a, k, y, exp[k]))
            tol = inc_tol if k == "inc" else 0.002
            if abs(float(m.group(1)) - exp[k]) > tol:
                fail("%s %s %d: %s, expected %.4f" % (a, k, y, m.group(1), exp[k]))
            npoints += 1
    if '<line class="thr" data-threshold="40"' not in charts["lab"]:
        fail("%s: lab threshold line" % a)

# the category chart (one municipality: 999) against the reference
ref = json.load(open(os.path.join(S, "expected.json"), encoding="utf-8"))["areas"]
bars = re.findall(r'<rect class="bar" data-year="(\d+)" data-cat="(\w+)" data-n="(\d+)"', da)
got = {(int(y), c): int(n) for y, c, n in bars}
for y in years:
    want = {}
    for a in ids:
        c = ref[a][str(y)]["category"]
        want[c] = want.get(c, 0) + 1
    have = {c: n for (yy, c), n in got.items() if yy == y}
    if have != want:
        fail("category chart %d: %s, reference %s" % (y, have, want))
if 'data-municipality="999"' not in da or "Kommune 999" not in da:
    fail("category chart: municipality 999")

# the area table's 2024 lab value, both languages
lab01 = expected("SK-01", 2024)["lab"]
for html, sep in ((da, ","), (en, ".")):
    cell = ('<td class="num met">%.1f</td>' % lab01).replace(".", sep)
    if cell not in html:
        fail("area table: SK-01 lab %s missing" % cell)

# the map: labels, context outline, scale bar, north arrow, legend
labels = re.findall(r'<text class="label"[^>]*>([^<]*)</text>', da)
if sorted(labels) != sorted(names.values()):
    fail("map labels: %d, expected the %d names" % (len(labels), len(names)))
for needle in ('<path class="context" d="M', '<g class="scalebar"', '<g class="north">',
               "baggrund (omrids)", '<a href="#area-SK-01">'):
    if needle not in da:
        fail("map: %s missing" % needle)
if '<path class="context"' in en:
    fail("en: a context outline without --context")

# plans: P1 (SK-01, SK-05) from 2019: baseline 2018, latest 2024
def pw(yr):
    ps = [(stats[(a, yr)]["pop"], expected(a, yr)["lab"]) for a in ("SK-01", "SK-05")]
    return sum(p * v for p, v in ps) / sum(p for p, _ in ps)
p1 = re.search(r'<section class="plan" data-plan="P1">(.*?)</section>', da, re.S).group(1)
row = re.search(r'<tr data-plan-ind="lab">(.*?)</tr>', p1).group(1)
cells = re.findall(r'<td[^>]*>([^<]*)</td>', row)
want = ["%.1f" % pw(2018), "%.1f" % pw(2024)]
if [c.replace(",", ".") for c in cells[1:3]] != want or cells[6] != "43,0" or cells[7] != "nået":
    fail("P1 lab: %s, expected baseline/latest %s, target 43,0 nået" % (cells, want))
p3 = re.search(r'<section class="plan" data-plan="P3">(.*?)</section>', da, re.S).group(1)
if "ikke vurderet endnu" not in p3 or ">nået<" in p3 or ">ikke nået<" in p3:
    fail("P3 runs until 2025: not yet judged")
p3en = re.search(r'<section class="plan" data-plan="P3">(.*?)</section>', en, re.S).group(1)
if "not yet judged" not in p3en:
    fail("en: P3 not yet judged")
# language of the headings
for html, words in ((da, ["Områdekort", "Planer", "Områder efter kategori 2017–2024", "grænse 40"]),
                    (en, ["Area cards", "Plans", "Areas by category 2017–2024", "threshold 40"])):
    for w in words:
        if w not in html:
            fail("missing heading/label %r" % w)
print("sample report: %d chart points, %d category bars, %d labels checked" %
      (npoints, len(bars), len(labels)))
