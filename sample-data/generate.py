#!/usr/bin/python3
"""Generates the synthetic sample project of nabolag (all files in this folder).

Everything here is invented: a fictional municipality ("Eksempel Kommune",
code 999) with 32 housing areas in a fictional town placed in UTM 32N. The
numbers are made up so that the demo shows every outcome of the dk2021 rules
and every kind of alert; they describe no real place or people.

Deterministic: a fixed seed and the Python 3 standard library only. Run with
    /usr/bin/python3 sample-data/generate.py
and every file is rewritten byte for byte the same. The generator checks its
own design with the independent reference implementation of the rules
(tests/reference/dk2021_reference.py) and writes expected.json from it.

Files written: areas.geojson, stats.csv (wide, ','), boligsocial.csv (wide,
';'), beboere_excel.csv (an Excel export: Windows-1252, Danish headings),
udsaettelser.xlsx (a workbook), dst_folk1a.csv (a StatBank download),
survey.csv (long), refs.csv, incidents.csv, plans.csv, expected.json.
"""
import datetime
import json
import math
import os
import random
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
import dk2021_reference as ref  # noqa: E402

SEED = 20240601
YEARS = list(range(2017, 2025))
SURVEY_YEARS = list(range(2019, 2025))
INCIDENT_YEARS = list(range(2019, 2025))
KOMMUNE = "999"
REGION = "1082"

# National reference: share of residents 18+ convicted, per year (percent),
# and residents 18+ (roughly Denmark's magnitudes, invented exactly).
COUNTRY_SHARE = {2017: 1.56, 2018: 1.52, 2019: 1.49, 2020: 1.46,
                 2021: 1.42, 2022: 1.39, 2023: 1.37, 2024: 1.35}
COUNTRY_POP18 = {2017: 4551000, 2018: 4574000, 2019: 4596000, 2020: 4612000,
                 2021: 4631000, 2022: 4668000, 2023: 4702000, 2024: 4729000}
# Region Midtjylland: taxpayers 15-64 (excl. students) and mean gross income.
REGION_TAX = {2017: 781000, 2018: 785500, 2019: 789000, 2020: 790500,
              2021: 796000, 2022: 803500, 2023: 809000, 2024: 813500}
REGION_MEAN = {2017: 336000, 2018: 344500, 2019: 353000, 2020: 360500,
               2021: 372000, 2022: 383500, 2023: 393000, 2024: 402500}


def series(*v):
    assert len(v) == len(YEARS), v
    return dict(zip(YEARS, v))


def flat(x):
    return series(*([x] * len(YEARS)))


# ---------------------------------------------------------------------------
# The designed areas. Per year: pop; lab = yearly share 18-64 outside labour
# market and education (%); crx = convicted share as a multiple of the
# country's share; edu (%); inc = mean income in % of the region's; eth (%).
# The survey and incidents have their own parameters: safe, night, prob
# (shares of respondents) and crime (incident rate relative to the town).
# ---------------------------------------------------------------------------
DESIGNED = [
    dict(id="SK-01", navn="Vestervang", role="omdannelse 2021-2024; plan P1",
         shape="multi2",
         pop=series(2905, 2890, 2884, 2870, 2862, 2851, 2846, 2840),
         lab=series(48.0, 47.0, 46.0, 45.0, 44.0, 42.5, 41.5, 41.0),
         crx=series(3.9, 3.8, 3.7, 3.6, 3.5, 3.45, 3.4, 3.35),
         edu=series(68.0, 67.2, 67.0, 66.1, 65.2, 64.3, 63.6, 63.1),
         inc=series(47.0, 47.3, 48.1, 48.4, 49.2, 50.1, 50.8, 51.6),
         eth=series(64.0, 63.8, 63.3, 62.9, 62.4, 61.8, 61.3, 61.0),
         safe=0.80, night=0.64, prob=0.30, crime=1.3, kids=0.30),
    dict(id="SK-02", navn="Nordparken", role="parallelsamfund 2021-2024 "
         "(countdown: 1 year from omdannelse); plan P2", shape="U",
         pop=series(2240, 2255, 2262, 2271, 2290, 2301, 2310, 2322),
         lab=series(42.0, 42.5, 42.6, 43.0, 43.4, 43.6, 44.4, 45.2),
         crx=series(2.4, 2.45, 2.4, 2.5, 2.45, 2.5, 2.55, 2.5),
         edu=series(58.0, 57.8, 57.1, 56.9, 56.2, 55.8, 55.4, 55.0),
         inc=series(53.0, 52.8, 52.4, 52.1, 51.8, 51.9, 51.4, 51.0),
         eth=series(45.0, 46.1, 47.2, 48.4, 50.9, 52.0, 53.1, 54.2),
         safe=0.82, night=0.66, prob=0.27, crime=1.35, kids=0.31),
    dict(id="SK-03", navn="Søndermarken", role="udsat 2018-2024; low safety "
         "index; plan P2", shape="courtyard",
         pop=series(1820, 1834, 1829, 1841, 1852, 1860, 1857, 1866),
         lab=series(42.0, 42.2, 42.5, 42.6, 43.0, 43.1, 43.5, 43.6),
         crx=series(3.3, 3.25, 3.3, 3.35, 3.3, 3.4, 3.45, 3.5),
         edu=series(50.1, 50.4, 50.2, 49.8, 50.3, 50.6, 50.9, 51.2),
         inc=series(58.0, 58.2, 57.9, 58.1, 57.8, 58.0, 57.7, 57.6),
         eth=series(41.0, 41.4, 41.9, 42.3, 42.0, 42.6, 43.0, 43.2),
         safe=0.68, night=0.50, prob=0.42, crime=1.8, kids=0.27),
    dict(id="SK-04", navn="Engparken", role="forebyggelse 2018-2023, udsat "
         "2024 (crossed); worsening status", shape="L",
         pop=series(1530, 1544, 1552, 1561, 1570, 1583, 1590, 1602),
         lab=series(35.0, 35.5, 36.0, 36.5, 37.5, 38.5, 39.5, 42.5),
         crx=series(2.3, 2.3, 2.35, 2.3, 2.4, 2.45, 2.5, 2.6),
         edu=series(47.0, 47.5, 48.0, 48.6, 49.5, 50.2, 51.0, 52.1),
         inc=series(62.0, 61.5, 61.0, 60.0, 59.0, 58.0, 57.0, 54.0),
         eth=series(36.0, 36.4, 36.9, 37.2, 37.6, 38.0, 38.4, 38.9),
         safe=0.85, night=0.70, prob=0.22, crime=1.15, kids=0.29),
    dict(id="SK-05", navn="Lærkevang", role="udsat 2018-2023, none 2024 "
         "(improved); plan P1", shape="stepped",
         pop=series(1402, 1398, 1395, 1410, 1404, 1415, 1409, 1420),
         lab=series(44.0, 43.5, 43.0, 42.5, 42.0, 41.5, 40.8, 37.0),
         crx=series(3.3, 3.3, 3.35, 3.3, 3.4, 3.35, 3.3, 3.25),
         edu=series(52.0, 51.8, 51.5, 51.2, 50.8, 50.5, 50.1, 49.7),
         inc=series(68.0, 68.2, 68.5, 68.9, 69.2, 69.6, 70.0, 70.5),
         eth=series(26.0, 26.3, 26.5, 26.8, 27.0, 27.3, 27.5, 27.8),
         safe=0.84, night=0.70, prob=0.23, crime=1.1, kids=0.25),
    dict(id="SK-06", navn="Toftegården", role="forebyggelse 2018-2024; "
         "plan P3", shape="rect",
         pop=series(1260, 1271, 1265, 1280, 1276, 1288, 1294, 1299),
         lab=series(33.5, 33.8, 34.0, 33.6, 33.9, 33.5, 33.2, 33.0),
         crx=series(1.6, 1.55, 1.6, 1.65, 1.6, 1.55, 1.5, 1.55),
         edu=series(49.0, 49.2, 49.5, 49.1, 48.8, 48.6, 48.3, 48.0),
         inc=series(60.5, 60.2, 60.8, 60.4, 60.9, 61.2, 61.0, 61.4),
         eth=series(34.0, 34.5, 34.9, 35.2, 35.6, 35.9, 36.1, 36.4),
         safe=0.88, night=0.75, prob=0.19, crime=1.0, kids=0.28),
    dict(id="SK-07", navn="Kløverhøj", role="none; approaching (lab within "
         "10 % of 30 %, one criterion short of forebyggelse)", shape="T",
         pop=series(1650, 1662, 1670, 1668, 1681, 1690, 1702, 1711),
         lab=series(26.0, 26.5, 27.0, 27.0, 27.5, 27.5, 28.0, 28.8),
         crx=series(1.3, 1.35, 1.3, 1.4, 1.35, 1.4, 1.45, 1.4),
         edu=series(41.0, 41.2, 41.5, 41.9, 42.2, 42.5, 42.9, 43.2),
         inc=series(64.2, 63.9, 63.6, 63.4, 63.1, 62.9, 62.7, 62.5),
         eth=series(31.8, 32.1, 32.4, 32.7, 33.0, 33.2, 33.5, 33.8),
         safe=0.89, night=0.77, prob=0.18, crime=0.95, kids=0.29),
    dict(id="SK-08", navn="Bakkehusene", role="none; trend: basic-education "
         "share rising ~4 points a year towards 60 %", shape="trapez",
         pop=series(1180, 1195, 1210, 1228, 1250, 1269, 1290, 1312),
         lab=series(21.0, 21.3, 21.8, 22.0, 22.6, 23.1, 23.5, 24.0),
         crx=series(0.9, 0.95, 1.0, 1.0, 1.05, 1.1, 1.1, 1.15),
         edu=series(36.0, 37.0, 38.0, 39.5, 40.5, 44.5, 48.5, 52.8),
         inc=series(86.0, 85.4, 84.8, 84.0, 83.1, 82.0, 80.9, 79.6),
         eth=series(18.0, 18.6, 19.3, 20.1, 21.0, 22.0, 23.0, 24.1),
         safe=0.90, night=0.79, prob=0.16, crime=0.9, kids=0.33),
    dict(id="SK-09", navn="Rosenhaven", role="none; safety index down more "
         "than 10 points in 2024; plan P3", shape="courtyard",
         pop=series(1120, 1126, 1131, 1128, 1137, 1142, 1139, 1145),
         lab=series(19.0, 19.2, 18.8, 19.5, 19.1, 18.9, 19.3, 19.6),
         crx=series(0.8, 0.85, 0.8, 0.85, 0.9, 0.85, 0.9, 0.95),
         edu=series(33.0, 33.1, 32.8, 33.4, 33.2, 33.0, 33.5, 33.7),
         inc=series(92.0, 91.6, 92.2, 91.8, 92.4, 92.0, 91.7, 91.3),
         eth=series(14.0, 14.3, 14.5, 14.9, 15.1, 15.4, 15.6, 16.0),
         safe=0.91, night=0.81, prob=0.14, crime=0.8, kids=0.26,
         drop=dict(safe=0.87, night=0.72, prob=0.22, crime=1.2)),
    dict(id="SK-10", navn="Møllestien", role="none: below 1000 residents "
         "(would otherwise meet 3 criteria); < 30 survey respondents",
         shape="rect",
         pop=series(652, 648, 655, 641, 638, 644, 640, 636),
         lab=series(45.0, 45.4, 44.8, 45.6, 46.0, 45.2, 45.8, 46.2),
         crx=series(1.8, 1.7, 1.75, 1.8, 1.7, 1.75, 1.8, 1.7),
         edu=series(64.0, 64.5, 65.1, 64.8, 65.3, 65.0, 64.6, 65.2),
         inc=series(51.0, 51.4, 50.8, 51.2, 50.6, 51.0, 50.5, 50.9),
         eth=series(38.0, 38.5, 38.2, 38.8, 39.1, 39.4, 39.0, 39.6),
         safe=0.86, night=0.70, prob=0.21, crime=1.0, kids=0.24,
         survey_n=22),
    dict(id="SK-11", navn="Fasanhaven", role="statistics for 2023 missing: "
         "not_evaluable 2023 and 2024", shape="multi3", missing=2023,
         pop=series(1395, 1402, 1410, 1406, 1415, 1421, 1428, 1433),
         lab=series(35.5, 35.8, 36.2, 36.0, 36.4, 36.1, 36.6, 36.3),
         crx=series(1.7, 1.75, 1.8, 1.75, 1.8, 1.85, 1.8, 1.85),
         edu=series(45.0, 45.3, 45.8, 45.5, 45.9, 46.2, 46.0, 46.4),
         inc=series(71.0, 70.6, 70.9, 70.4, 70.8, 70.2, 70.5, 70.1),
         eth=series(33.0, 33.4, 33.7, 34.1, 34.4, 34.8, 35.1, 35.5),
         safe=0.87, night=0.73, prob=0.20, crime=1.0, kids=0.28),
    dict(id="SK-12", navn="Højvangen", role="udsat 2018-2024 (no plan)",
         shape="L",
         pop=series(2060, 2071, 2065, 2080, 2092, 2088, 2101, 2110),
         lab=series(41.5, 41.8, 42.0, 41.7, 42.2, 41.9, 42.1, 41.8),
         crx=series(2.6, 2.55, 2.6, 2.65, 2.6, 2.55, 2.6, 2.65),
         edu=series(61.5, 61.8, 62.0, 61.7, 62.1, 61.9, 62.2, 62.0),
         inc=series(56.5, 56.8, 56.4, 56.9, 56.6, 57.0, 56.7, 57.1),
         eth=series(44.0, 44.4, 44.1, 44.6, 44.9, 45.2, 45.0, 45.4),
         safe=0.84, night=0.68, prob=0.24, crime=1.2, kids=0.29),
]

BASE_NAMES = ["Birkelunden", "Egebakken", "Solvænget", "Kastanjehaven",
              "Ahornparken", "Skovbrynet", "Åløkken", "Hybenhaven",
              "Fyrrehøj", "Pilegården", "Mågeparken", "Tjørnebakken",
              "Hasselhaven", "Kirsebærhaven", "Valmuemarken", "Syrenparken",
              "Bøgelunden", "Granvænget", "Lindehøj", "Havrevangen"]
SHAPES = ["rect", "L", "U", "T", "courtyard", "stepped", "trapez", "multi2"]
TWISTED = "SK-20"  # the area whose ring is self-intersecting (bow-tie)


def base_areas(rng):
    """The ordinary areas: clearly outside every category."""
    out = []
    for i, name in enumerate(BASE_NAMES):
        aid = "SK-%02d" % (13 + i)
        p0 = rng.choice([rng.randint(330, 950), rng.randint(1050, 3300)])
        g = rng.uniform(-0.012, 0.012)
        lab0 = rng.uniform(11, 24)
        dl = rng.uniform(-0.35, 0.15)
        eth0 = rng.uniform(4, 26) if i % 4 else rng.uniform(31.5, 40)
        d = dict(id=aid, navn=name, role="none", shape=SHAPES[i % 8],
                 pop=series(*[round(p0 * (1 + g) ** k + rng.uniform(-8, 8))
                              for k in range(8)]),
                 lab=series(*[lab0 + dl * k + rng.uniform(-0.4, 0.4)
                              for k in range(8)]),
                 crx=flat(rng.uniform(0.4, 1.6)),
                 edu=flat(rng.uniform(20, 46)),
                 inc=flat(rng.uniform(74, 116)),
                 eth=series(*[eth0 + 0.25 * k for k in range(8)]),
                 safe=rng.uniform(0.87, 0.94), night=rng.uniform(0.74, 0.84),
                 prob=rng.uniform(0.11, 0.21), crime=rng.uniform(0.7, 1.1),
                 kids=rng.uniform(0.16, 0.30))
        if aid == TWISTED:
            d["shape"] = "twisted"
        if eth0 > 30:  # eth > 30 % alone does not make forebyggelse
            d["inc"] = flat(rng.uniform(78, 95))
            d["lab"] = series(*[v if v < 25 else 24 for v in
                                d["lab"].values()])
        for k in ("crx", "edu", "inc"):  # small year-to-year variation
            d[k] = series(*[v + rng.uniform(-0.03, 0.03) * (v if k == "crx"
                                                            else 10)
                            for v in d[k].values()])
        out.append(d)
    return out


# ---------------------------------------------------------------------------
# Counts from the designed rates; all whole numbers, numerators never above
# their denominators.
# ---------------------------------------------------------------------------
def counts(a, rng):
    rows = {}
    old = rng.uniform(0.08, 0.16)  # share of adults 65+
    hh_size = 2.45 if a["kids"] > 0.27 else 1.95
    for y in YEARS:
        pop = int(a["pop"][y])
        p017 = round(pop * a["kids"])
        p18 = pop - p017
        p1864 = round(p18 * (1 - old))
        p3059 = round(p1864 * 0.57)
        tax = round((p1864 + 0.045 * pop) * 0.86)
        r = {
            "pop": pop, "pop_18_64": p1864,
            "noattach_18_64": round(p1864 * a["lab"][y] / 100),
            "pop_18p": p18,
            "convicted_18p": round(p18 * COUNTRY_SHARE[y] / 100
                                   * a["crx"][y]),
            "pop_30_59": p3059,
            "basic_edu_30_59": round(p3059 * a["edu"][y] / 100),
            "taxpayers_15_64": tax,
            "income_15_64": round(tax * REGION_MEAN[y] * a["inc"][y] / 100),
            "nonwestern": round(pop * a["eth"][y] / 100),
            "pop_0_17": p017,
        }
        unk = round(p3059 * rng.uniform(0.02, 0.06))
        r["basic_or_unknown_edu_30_59"] = min(p3059,
                                              r["basic_edu_30_59"] + unk)
        hh = round(pop / hh_size)
        turnover = 0.09 + 0.12 * max(0.0, (a["lab"][y] - 15) / 35)
        r["households"] = hh
        r["households_moved_out"] = round(hh * (turnover +
                                                rng.uniform(-0.01, 0.01)))
        r["evictions"] = max(0, round(hh * 0.004 * (a["lab"][y] / 25)
                                      + rng.uniform(-1.4, 1.4)))
        rows[y] = r
    return rows


def survey(a, rng):
    rows = {}
    for y in SURVEY_YEARS:
        p = a.get("drop") if (y == 2024 and "drop" in a) else a
        p18 = int(a["pop"][y] * (1 - a["kids"]))
        n = a.get("survey_n") or max(34, round(p18 * rng.uniform(0.07, 0.11)))
        if a.get("survey_n"):
            n += rng.randint(-3, 3)
        jit = rng.uniform(-0.007, 0.007)
        rows[y] = {"survey_n": n,
                   "survey_safe": round(n * min(0.98, p["safe"] + jit)),
                   "survey_safe_night": round(n * min(0.95, p["night"] + jit)),
                   "survey_problems": round(n * max(0.02, p["prob"] - jit))}
    return rows


# ---------------------------------------------------------------------------
# Geometry: a 6 x 6 grid of 800 m cells around a fictional town centre (the
# four middle cells are the town centre, no housing area). Each area gets a
# housing-estate shape (slab blocks in a row, L, U, T, courtyard with a hole,
# stepped terraces, two or three parts split by a road), scaled to its size
# (about 110 residents per hectare) and rotated a little.
# ---------------------------------------------------------------------------
X0, Y0, CELL = 572000.0, 6222000.0, 800.0

UNIT = {
    "rect": [[(0, 0), (1, 0), (1, 1), (0, 1)]],
    "L": [[(0, 0), (1, 0), (1, .45), (.45, .45), (.45, 1), (0, 1)]],
    "U": [[(0, 0), (1, 0), (1, 1), (.7, 1), (.7, .35), (.3, .35), (.3, 1),
           (0, 1)]],
    "T": [[(0, .6), (0, 1), (1, 1), (1, .6), (.65, .6), (.65, 0), (.35, 0),
           (.35, .6)]],
    "stepped": [[(0, 0), (1, 0), (1, .4), (.75, .4), (.75, .7), (.5, .7),
                 (.5, 1), (0, 1)]],
    "trapez": [[(0, 0), (1, .08), (.92, 1), (.12, .9)]],
    "twisted": [[(0, 0), (1, 0), (.95, 1), (1, .9), (0, 1)]],
}


def shoelace(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        s += x1 * y2 - x2 * y1
    return s / 2


def unit_polys(shape):
    """List of polygons, each a list of rings (exterior first), unit box."""
    if shape == "courtyard":
        return [[[(0, 0), (1, 0), (1, 1), (0, 1)],
                 [(.3, .3), (.3, .7), (.7, .7), (.7, .3)]]]
    if shape == "multi2":
        return [[[(0, 0), (.46, 0), (.46, 1), (0, 1)]],
                [[(.54, 0), (1, 0), (1, .8), (.54, .8)]]]
    if shape == "multi3":
        return [[[(0, 0), (.3, 0), (.3, 1), (0, 1)]],
                [[(.36, 0), (.64, 0), (.64, .85), (.36, .85)]],
                [[(.7, .1), (1, .1), (1, 1), (.7, 1)]]]
    return [UNIT[shape]]


def unit_area(polys):
    tot = 0.0
    for rings in polys:
        tot += abs(shoelace(rings[0])) - sum(abs(shoelace(r))
                                             for r in rings[1:])
    return tot


def geometry(a, cell, rng):
    col, row = cell
    polys = unit_polys(a["shape"])
    ha = min(24.0, max(2.5, a["pop"][2024] / 110.0))
    aspect = rng.uniform(1.0, 1.45)
    # unit box scaled to W x H with W*H*unit_area = ha * 10000
    h = math.sqrt(ha * 10000 / unit_area(polys) / aspect)
    w = h * aspect
    ang = math.radians(rng.uniform(-18, 18))
    half = math.hypot(w, h) / 2
    room = max(0.0, CELL / 2 - half - 30)
    cx = X0 + (col + 0.5) * CELL + rng.uniform(-room, room)
    cy = Y0 + (row + 0.5) * CELL + rng.uniform(-room, room)
    out = []
    for rings in polys:
        prs = []
        for k, ring in enumerate(rings):
            pts = []
            for ux, uy in ring:
                x, y = (ux - 0.5) * w, (uy - 0.5) * h
                pts.append((round(cx + x * math.cos(ang) - y * math.sin(ang),
                                  2),
                            round(cy + x * math.sin(ang) + y * math.cos(ang),
                                  2)))
            # exterior counter-clockwise, holes clockwise
            if (shoelace(pts) > 0) != (k == 0):
                pts.reverse()
            pts.append(pts[0])
            prs.append([list(p) for p in pts])
        out.append(prs)
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def point_in(geom, x, y):
    polys = geom["coordinates"]
    if geom["type"] == "Polygon":
        polys = [polys]
    for rings in polys:
        inside = False
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > y) != (y2 > y) and \
                        x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
        if inside:
            return True
    return False


def bbox(geom):
    polys = geom["coordinates"]
    if geom["type"] == "Polygon":
        polys = [polys]
    xs = [p[0] for rings in polys for p in rings[0]]
    ys = [p[1] for rings in polys for p in rings[0]]
    return min(xs), min(ys), max(xs), max(ys)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------
def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8",
              newline="") as f:
        f.write(text)


def write_municipality():
    """kommune.geojson: the outline of Eksempel Kommune as DAGI's
    Kommuneinddeling delivers it (one feature, kommunekode, navn), an
    irregular 24-gon round the town (x 572,000-576,800, y 6,222,000-
    6,226,800) at 1.3-2.2 km from its edge; a fixed formula, no random
    numbers, so the other files stay the same."""
    cx, cy = 574400, 6224400
    pts = []
    for i in range(24):
        t = 2 * math.pi * i / 24
        r = 3900 + 500 * math.sin(3 * t) + 300 * math.cos(5 * t + 1)
        pts.append([round(cx + r * math.cos(t)), round(cy + r * math.sin(t))])
    pts.append(pts[0])
    coords = ", ".join("[%d, %d]" % (x, y) for x, y in pts)
    write("kommune.geojson",
          '{"type": "FeatureCollection", "name": "kommune",\n'
          ' "crs": {"type": "name", "properties": {"name": '
          '"urn:ogc:def:crs:EPSG::25832"}},\n'
          ' "features": [\n'
          '{"type": "Feature", "properties": {"kommunekode": "0999", '
          '"navn": "Eksempel Kommune"}, "geometry": {"type": "Polygon", '
          '"coordinates": [[' + coords + ']]}}\n]}\n')


def write_excel_csv(areas, data):
    """pop_0_17 as Danish Excel saves "CSV (semikolonsepareret)":
    Windows-1252, ';', CRLF, Danish headings, a name and a remark column,
    empty rows below the data (mapped in sample.ini [stats.excel])."""
    out = ["Afdeling;Afdelingsnavn;År;Børn 0-17 år;Bemærkning"]
    for a in sorted(areas, key=lambda a: a["id"]):
        for y in YEARS:
            miss = a.get("missing") == y
            note = "ikke opgjort" if miss else ""
            out.append("%s;%s;%d;%s;%s" % (
                a["id"], a["navn"], y,
                "" if miss else data[a["id"]][y]["pop_0_17"], note))
    out += [";;;;", ";;;;"]
    with open(os.path.join(HERE, "beboere_excel.csv"), "wb") as f:
        f.write(("\r\n".join(out) + "\r\n").encode("cp1252"))


def xlsx_cell(col, row, v):
    ref = "%s%d" % (col, row)
    if v is None:
        return ""
    if isinstance(v, int):
        return '<c r="%s"><v>%d</v></c>' % (ref, v)
    t = v.replace("&", "&amp;").replace("<", "&lt;")
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, t)


def write_xlsx(areas, data):
    """evictions as a one-sheet workbook (sheet "Udsættelser"): numbers as
    number cells, a suppressed year as an empty cell. Minimal OOXML written
    with the standard library; fixed timestamps, so byte for byte the
    same every time."""
    rows = [["Afdeling", "År", "Udsættelser"]]
    for a in sorted(areas, key=lambda a: a["id"]):
        for y in YEARS:
            miss = a.get("missing") == y
            rows.append([a["id"], y,
                         None if miss else data[a["id"]][y]["evictions"]])
    sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
             '<worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>']
    for i, r in enumerate(rows, 1):
        sheet.append('<row r="%d">%s</row>' % (i, "".join(
            xlsx_cell(c, i, v) for c, v in zip("ABC", r))))
    sheet.append("</sheetData></worksheet>")
    ns = "http://schemas.openxmlformats.org"
    parts = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Types xmlns="%s/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/'
         'vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="application/'
         'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType='
         '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
         'worksheet+xml"/></Types>' % ns),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="%s/package/2006/relationships">'
         '<Relationship Id="rId1" Type="%s/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>' % (ns, ns)),
        ("xl/workbook.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<workbook xmlns="%s/spreadsheetml/2006/main" xmlns:r="%s/'
         'officeDocument/2006/relationships"><sheets><sheet name='
         '"Udsættelser" sheetId="1" r:id="rId1"/></sheets></workbook>'
         % (ns, ns)),
        ("xl/_rels/workbook.xml.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="%s/package/2006/relationships">'
         '<Relationship Id="rId1" Type="%s/officeDocument/2006/'
         'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
         '</Relationships>' % (ns, ns)),
        ("xl/worksheets/sheet1.xml", "".join(sheet)),
    ]
    with zipfile.ZipFile(os.path.join(HERE, "udsaettelser.xlsx"), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def write_statbank(areas, data):
    """The municipality's population by quarter as a StatBank (FOLK1A)
    download: BOM, ';', CRLF, 'code label' areas, a sex dimension held
    with where, quarters of which period = last keeps K4. The municipality
    is larger than its housing areas: about 3 times their residents."""
    out = ["OMRÅDE;KØN;TID;INDHOLD"]
    label = "%s Eksempel Kommune" % KOMMUNE
    for y in YEARS:
        total = 3 * sum(data[a["id"]][y]["pop"] for a in areas)
        for q in range(1, 5):
            n = total - (4 - q) * 37
            men = n // 2 - 150
            for sex, v in (("I alt", n), ("Mænd", men),
                           ("Kvinder", n - men)):
                out.append("%s;%s;%dK%d;%d" % (label, sex, y, q, v))
    write("dst_folk1a.csv", "\ufeff" + "\r\n".join(out) + "\r\n")


STATS_VARS = ["pop", "pop_18_64", "noattach_18_64", "pop_18p",
              "convicted_18p", "pop_30_59", "basic_edu_30_59",
              "basic_or_unknown_edu_30_59", "taxpayers_15_64",
              "income_15_64", "nonwestern"]
# pop_0_17 comes as an officer's Excel export (beboere_excel.csv), evictions
# as a workbook (udsaettelser.xlsx): the sample shows every input kind
BOSOC_VARS = ["households", "households_moved_out"]
SURVEY_VARS = ["survey_n", "survey_safe", "survey_safe_night",
               "survey_problems"]
INC_CATS = [("vold", 0.14), ("indbrud", 0.22), ("haervaerk", 0.28),
            ("tyveri", 0.36)]
CAT_WEIGHT = {"vold": 2}  # as [safety] category.vold in sample.ini
INC_RATE = 12.0  # incidents per 1,000 residents per year at crime = 1.0

PLANS = [
    dict(plan_id="P1", name="Helhedsplan Vestervang og Lærkevang",
         start=2019, end=2024, areas=["SK-01", "SK-05"], lab=43.0,
         safety=80),
    dict(plan_id="P2", name="Helhedsplan Nordparken-Søndermarken",
         start=2020, end=2024, areas=["SK-02", "SK-03"], lab=40.0,
         safety=90),
    dict(plan_id="P3", name="Tryghedsplan Toftegården og Rosenhaven",
         start=2021, end=2025, areas=["SK-06", "SK-09"], lab=35.0,
         safety=100),
]


def main():
    rng = random.Random(SEED)
    areas = DESIGNED + base_areas(rng)
    assert len({a["id"] for a in areas}) == len(areas) == 32

    # cells: 6 x 6 grid without the 4 centre cells; designed areas spread
    cells = [(c, r) for r in range(6) for c in range(6)
             if not (c in (2, 3) and r in (2, 3))]
    rng.shuffle(cells)
    feats = []
    for a, cell in zip(areas, cells):
        a["geom"] = geometry(a, cell, rng)
        feats.append(a)

    data = {a["id"]: counts(a, rng) for a in areas}
    surv = {a["id"]: survey(a, rng) for a in areas}

    # ---- areas.geojson
    lines = ['{"type": "FeatureCollection", "name": "areas",',
             ' "crs": {"type": "name", "properties": {"name": '
             '"urn:ogc:def:crs:EPSG::25832"}},',
             ' "features": [']
    for i, a in enumerate(sorted(feats, key=lambda a: a["id"])):
        props = {"afd_id": a["id"], "navn": a["navn"],
                 "kommune": KOMMUNE, "kommunenavn": "Eksempel Kommune",
                 "region": REGION}
        f = {"type": "Feature", "properties": props, "geometry": a["geom"]}
        lines.append("  " + json.dumps(f, ensure_ascii=False) +
                     ("," if i < len(feats) - 1 else ""))
    lines.append(" ]}")
    write("areas.geojson", "\n".join(lines) + "\n")
    write_municipality()

    # ---- stats.csv (wide, comma) with one blank row
    out = ["area_id,year," + ",".join(STATS_VARS)]
    bos = ["area_id;year;" + ";".join(BOSOC_VARS)]
    for a in sorted(areas, key=lambda a: a["id"]):
        for y in YEARS:
            r = data[a["id"]][y]
            miss = a.get("missing") == y
            out.append("%s,%d," % (a["id"], y) + ",".join(
                "" if miss else str(r[v]) for v in STATS_VARS))
            bos.append("%s;%d;" % (a["id"], y) + ";".join(
                "" if miss else str(r[v]) for v in BOSOC_VARS))
    write("stats.csv", "\n".join(out) + "\n")
    write("boligsocial.csv", "\r\n".join(bos) + "\r\n")
    write_excel_csv(areas, data)
    write_xlsx(areas, data)
    write_statbank(areas, data)

    # ---- survey.csv (long)
    out = ["area_id,year,variable,value"]
    for a in sorted(areas, key=lambda a: a["id"]):
        for y in SURVEY_YEARS:
            if a.get("missing") == y:
                continue
            for v in SURVEY_VARS:
                out.append("%s,%d,%s,%d" % (a["id"], y, v, surv[a["id"]][y][v]))
    write("survey.csv", "\n".join(out) + "\n")

    # ---- refs.csv
    out = ["scope,code,year,variable,value"]
    for y in YEARS:
        out.append("country,DK,%d,pop_18p,%d" % (y, COUNTRY_POP18[y]))
        out.append("country,DK,%d,convicted_18p,%d" % (
            y, round(COUNTRY_POP18[y] * COUNTRY_SHARE[y] / 100)))
    for y in YEARS:
        out.append("region,%s,%d,taxpayers_15_64,%d" % (REGION, y,
                                                          REGION_TAX[y]))
        out.append("region,%s,%d,income_15_64,%d" % (
            REGION, y, REGION_TAX[y] * REGION_MEAN[y]))
    write("refs.csv", "\n".join(out) + "\n")

    # ---- incidents.csv
    inc = []
    for a in sorted(areas, key=lambda a: a["id"]):
        x0, y0, x1, y1 = bbox(a["geom"])
        for y in INCIDENT_YEARS:
            crime = a["crime"]
            if y == 2024 and "drop" in a:
                crime = a["drop"]["crime"]
            for cat, share in INC_CATS:
                lam = a["pop"][y] / 1000 * INC_RATE * crime * share
                n = max(0, round(lam + rng.gauss(0, math.sqrt(lam) * 0.1)))
                for _ in range(n):
                    while True:
                        px = round(rng.uniform(x0, x1), 1)
                        py = round(rng.uniform(y0, y1), 1)
                        if point_in(a["geom"], px, py):
                            break
                    day = datetime.date(y, 1, 1) + datetime.timedelta(
                        days=rng.randrange(365))
                    inc.append([day.isoformat(), px, py, cat])
    # outside every area: in the town centre and between estates
    outside = 0
    while outside < 7:
        px = round(rng.uniform(X0, X0 + 6 * CELL), 1)
        py = round(rng.uniform(Y0, Y0 + 6 * CELL), 1)
        if any(point_in(a["geom"], px, py) for a in areas):
            continue
        y = INCIDENT_YEARS[outside % len(INCIDENT_YEARS)]
        day = datetime.date(y, 1, 1) + datetime.timedelta(
            days=rng.randrange(365))
        inc.append([day.isoformat(), px, py, INC_CATS[outside % 4][0]])
        outside += 1
    inc.sort(key=lambda r: (r[0], r[3], r[1], r[2]))
    # no usable date (blank), inside areas
    for k in range(4):
        src = inc[(k * 997 + 13) % len(inc)]
        inc.append(["", src[1] + 0.5, src[2] + 0.5, src[3]])
    out = ["sag_id,dato,x,y,kategori"]
    for i, (d, px, py, cat) in enumerate(inc):
        sid = "SAG-%s-%05d" % (d[:4] if d else "0000", i + 1)
        out.append("%s,%s,%.1f,%.1f,%s" % (sid, d, px, py, cat))
    write("incidents.csv", "\n".join(out) + "\n")

    # ---- plans.csv
    out = ["plan_id,name,start_year,end_year,areas,target.lab,"
           "target.safety_index"]
    for p in PLANS:
        out.append('%s,"%s",%d,%d,%s,%.1f,%d' % (
            p["plan_id"], p["name"], p["start"], p["end"],
            "|".join(p["areas"]), p["lab"], p["safety"]))
    write("plans.csv", "\n".join(out) + "\n")

    # ---- check the design with the reference rules, write expected.json
    years, result = ref.classify(HERE)
    check(areas, years, result, data, surv, inc)
    write("expected.json", json.dumps(ref.as_json(years, result), indent=1,
                                      sort_keys=True,
                                      ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------
# Design checks: fail loudly if the data no longer shows what it should.
# ---------------------------------------------------------------------------
WANT = {  # area: {year: category}
    "SK-01": {2017: "not_evaluable", 2020: "not_evaluable",
              2021: "omdannelse", 2024: "omdannelse"},
    "SK-02": {2019: "udsat", 2020: "udsat", 2021: "parallelsamfund",
              2024: "parallelsamfund"},
    "SK-03": {2018: "udsat", 2024: "udsat"},
    "SK-04": {2018: "forebyggelse", 2023: "forebyggelse", 2024: "udsat"},
    "SK-05": {2018: "udsat", 2023: "udsat", 2024: "none"},
    "SK-06": {2018: "forebyggelse", 2024: "forebyggelse"},
    "SK-07": {2024: "none"}, "SK-08": {2024: "none"},
    "SK-09": {2024: "none"}, "SK-10": {2024: "none"},
    "SK-11": {2022: "none", 2023: "not_evaluable", 2024: "not_evaluable"},
    "SK-12": {2018: "udsat", 2024: "udsat"},
}
THRESH = {"lab": (0.30, 0.40), "cri_ratio": (2.0, 3.0), "edu": (0.60,),
          "inc": (0.55, 0.65), "eth": (0.30, 0.50)}


def approx_safety(areas, surv, inc):
    """Approximate safety index (default weights, incident categories
    weighted as in sample.ini, municipal reference pooled over all areas).
    Only a design check; the program's numbers are the real ones."""
    geoms = {a["id"]: a["geom"] for a in areas}
    pop = {a["id"]: a["pop"] for a in areas}
    n_inc = {}
    for d, px, py, cat in inc:
        if not d:
            continue
        for aid, g in geoms.items():
            if point_in(g, px, py):
                key = (aid, int(d[:4]))
                n_inc[key] = n_inc.get(key, 0) + CAT_WEIGHT.get(cat, 1)
                break
    out = {aid: {} for aid in geoms}
    for y in SURVEY_YEARS:
        ids = [a for a in geoms if y in surv[a]]
        tot = {v: sum(surv[a][y][v] for a in ids) for v in SURVEY_VARS}
        s_ref = (tot["survey_safe"] + tot["survey_safe_night"]) / 2 / \
            tot["survey_n"]
        q_ref = tot["survey_problems"] / tot["survey_n"]
        r_ref = sum(n_inc.get((a, y), 0) for a in geoms) / \
            sum(pop[a][y] for a in geoms) * 1000
        for aid in geoms:
            r = n_inc.get((aid, y), 0) / pop[aid][y] * 1000
            reg = min(200, max(0, 100 * (2 - r / r_ref)))
            if y not in surv[aid] or surv[aid][y]["survey_n"] < 30:
                out[aid][y] = reg
                continue
            sv = surv[aid][y]
            s = (sv["survey_safe"] + sv["survey_safe_night"]) / 2 / \
                sv["survey_n"]
            q = sv["survey_problems"] / sv["survey_n"]
            out[aid][y] = (0.5 * 100 * s / s_ref +
                           0.2 * 100 * (1 - q) / (1 - q_ref) + 0.3 * reg)
    return out


def zmean(rows):
    """Mean z-score per area over the columns (population SD), as the
    status/dynamics alert does; None with fewer than 2 columns."""
    cols = []
    for k in range(4):
        vals = [r[k] for r in rows.values() if r[k] is not None]
        m = sum(vals) / len(vals)
        cols.append((m, math.sqrt(sum((v - m) ** 2 for v in vals) /
                                  len(vals))))
    out = {}
    for a, r in rows.items():
        zs = [(r[k] - cols[k][0]) / cols[k][1] for k in range(4)
              if r[k] is not None]
        out[a] = sum(zs) / len(zs) if len(zs) >= 2 else None
    return out


def status_dynamics(result, y):
    """Status (higher = more disadvantaged) and its 2-year dynamics from
    lab, cri_ratio, edu and -inc, z-scored across the areas."""
    def vals(a, yy):
        v = result[a][yy][0]
        return [v["lab"], v["cri_ratio"], v["edu"],
                None if v["inc"] is None else -v["inc"]]
    now = {a: vals(a, y) for a in result}
    diff = {}
    for a in result:
        p = vals(a, y - 2)
        diff[a] = [None if now[a][k] is None or p[k] is None
                   else now[a][k] - p[k] for k in range(4)]
    return zmean(now), zmean(diff)


def check(areas, years, result, data, surv, inc):
    problems = []
    for aid, want in WANT.items():
        for y, cat in want.items():
            got = result[aid][y][2]
            if got != cat:
                problems.append("%s %d: want %s, got %s" % (aid, y, cat, got))
    for aid, rows in result.items():
        for y, (v, f, cat) in rows.items():
            if aid not in WANT and y >= 2018 and cat != "none":
                problems.append("%s %d: base area is %s" % (aid, y, cat))
            for k, ts in THRESH.items():
                for t in ts:
                    x = v[k]
                    tol = 0.0005 if k != "cri_ratio" else 0.005
                    if x is not None and abs(x - t) < tol:
                        problems.append("%s %d: %s=%.5f near %g" %
                                        (aid, y, k, x, t))
            if v["pop"] is not None and abs(v["pop"] - 1000) < 20:
                problems.append("%s %d: pop near 1000" % (aid, y))
    # 2024 must show every category
    cats = {rows[2024][2] for rows in result.values()}
    for c in ("omdannelse", "parallelsamfund", "udsat", "forebyggelse",
              "none", "not_evaluable"):
        if c not in cats:
            problems.append("2024 has no %s" % c)
    # count consistency
    for aid, rows in data.items():
        for y, r in rows.items():
            pairs = [("noattach_18_64", "pop_18_64"), ("pop_18_64", "pop"),
                     ("convicted_18p", "pop_18p"), ("pop_18p", "pop"),
                     ("basic_edu_30_59", "basic_or_unknown_edu_30_59"),
                     ("basic_or_unknown_edu_30_59", "pop_30_59"),
                     ("pop_30_59", "pop"), ("nonwestern", "pop"),
                     ("pop_0_17", "pop"), ("households_moved_out",
                                           "households"),
                     ("evictions", "households"), ("taxpayers_15_64", "pop")]
            for n, d in pairs:
                if not 0 <= r[n] <= r[d]:
                    problems.append("%s %d: %s > %s" % (aid, y, n, d))
            if r["pop_18_64"] + r["pop_0_17"] > r["pop"]:
                problems.append("%s %d: 18-64 + 0-17 > pop" % (aid, y))
    for aid, rows in surv.items():
        for y, r in rows.items():
            for v in SURVEY_VARS[1:]:
                if not 0 <= r[v] <= r["survey_n"]:
                    problems.append("%s %d: %s" % (aid, y, v))
            if r["survey_n"] < 30 and aid != "SK-10":
                problems.append("%s %d: < 30 respondents" % (aid, y))
    for y in (2024,):  # the demo year; earlier years may sit closer
        st, dyn = status_dynamics(result, y)
        for a in result:
            # only the boundaries that decide a status/dynamics alert
            low = st[a] is not None and st[a] >= 0.4
            for what, x, cuts in (("status", st[a], (0.5, 1.0)),
                                  ("dynamics", dyn[a] if low else None,
                                   (0.5,))):
                if x is not None and any(abs(x - c) < 0.03 for c in cuts):
                    problems.append("%s %d: %s %.3f near a class boundary"
                                    % (a, y, what, x))
    st, dyn = status_dynamics(result, 2024)
    if not (st["SK-04"] >= 1.0 and dyn["SK-04"] >= 0.5):
        problems.append("SK-04: no low status with negative dynamics")
    idx = approx_safety(areas, surv, inc)
    for y in SURVEY_YEARS:
        if not idx["SK-03"][y] < 75:
            problems.append("SK-03 %d: safety %.1f not < 75" %
                            (y, idx["SK-03"][y]))
    if not idx["SK-09"][2023] - idx["SK-09"][2024] > 12:
        problems.append("SK-09: safety drop only %.1f" %
                        (idx["SK-09"][2023] - idx["SK-09"][2024]))
    for a in idx:  # no 2024 index near the 80 and 90 alert bands
        if any(abs(idx[a][2024] - b) < 1.0 for b in (80, 90)):
            problems.append("%s: safety index %.2f in 2024 near a band"
                            % (a, idx[a][2024]))
    for a in idx:  # no other area near the 10-point drop alert in 2024
        if a != "SK-09" and idx[a][2023] - idx[a][2024] > 7:
            problems.append("%s: safety drop %.1f in 2024" %
                            (a, idx[a][2023] - idx[a][2024]))
    if os.environ.get("NBL_SAMPLE_VERBOSE"):
        for aid in sorted(idx):
            print(aid, " ".join("%6.1f" % idx[aid][y] for y in SURVEY_YEARS))
        for p in PLANS:
            lab = {y: sum(result[a][y][0]["lab"] * data[a][y]["pop_18_64"]
                          for a in p["areas"]) /
                   sum(data[a][y]["pop_18_64"] for a in p["areas"])
                   for y in (p["start"] - 1, 2024)}
            saf = sum(idx[a][2024] for a in p["areas"]) / len(p["areas"])
            print(p["plan_id"], "lab %.2f -> %.2f" % (100 * lab[p["start"] - 1],
                                                      100 * lab[2024]),
                  "safety(mean) %.1f" % saf)
        others = [a for a in result if not any(a in p["areas"]
                                                for p in PLANS)]
        for y0 in (2018, 2019, 2020):
            ch = [result[a][2024][0]["lab"] - result[a][y0][0]["lab"]
                  for a in others if result[a][2024][0]["lab"] is not None]
            print("non-plan mean lab change %d-2024: %.2f" %
                  (y0, 100 * sum(ch) / len(ch)))
    if problems:
        sys.stderr.write("design check failed:\n  " +
                         "\n  ".join(problems) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
