#!/usr/bin/python3
"""Independent reference implementation of the dk2021 area classification.

Written for the golden test of nabolag's rules: plain Python 3 (standard
library only), deliberately simple, sharing no code with the C library.

Reads a sample-data style folder:
  areas.geojson  features with properties afd_id (area id) and region
  stats.csv      wide layout: area_id,year,<variable>...; blank = missing
  refs.csv       scope,code,year,variable,value

Rules (almenboligloven §61a/§61b as in DESIGN.md, average = shares):
  lab  noattach_18_64/pop_18_64, mean of the yearly shares of t-1 and t;
       udsat > 40 %, forebyggelse > 30 %
  cri  convicted_18p/pop_18p, mean of the yearly shares of t-1 and t,
       divided by the country's mean share over the same two years;
       udsat >= 3, forebyggelse >= 2 (times the country)
  edu  basic_edu_30_59/pop_30_59 in year t; > 60 % (both levels)
  inc  (income_15_64/taxpayers_15_64) / (the same for the area's region),
       year t; udsat < 55 %, forebyggelse < 65 %
  eth  nonwestern/pop in year t; parallelsamfund > 50 %, forebyggelse > 30 %
  size pop in year t >= 1000
  udsat           size and at least 2 of {lab, cri, edu, inc}
  parallelsamfund udsat and eth > 50 %
  omdannelse      parallelsamfund in each of the years t-4 .. t
  forebyggelse    not udsat, size, eth > 30 % and at least 2 of the four at
                  the lower thresholds
A criterion whose inputs are missing for a year of its window (including a
year before the first data year) is not evaluable (None). Conditions are
combined in three-valued logic; the category is not_evaluable when it depends
on an unknown value. A year before the first data year counts as unknown for
the omdannelse window, so an area that is parallelsamfund in every data year
is not_evaluable until five years of data exist.

Usage: dk2021_reference.py [--json] SAMPLE_DIR
"""
import csv
import json
import os
import sys

VARS = ("pop", "pop_18_64", "noattach_18_64", "pop_18p", "convicted_18p",
        "pop_30_59", "basic_edu_30_59", "taxpayers_15_64", "income_15_64",
        "nonwestern")


def load(folder):
    with open(os.path.join(folder, "areas.geojson"), encoding="utf-8") as f:
        gj = json.load(f)
    region = {}
    for feat in gj["features"]:
        region[feat["properties"]["afd_id"]] = feat["properties"]["region"]
    stats = {}  # (area, year) -> {var: float or None}
    with open(os.path.join(folder, "stats.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rec = {}
            for v in VARS:
                s = row.get(v, "").strip()
                rec[v] = None if s == "" else float(s)
            stats[(row["area_id"], int(row["year"]))] = rec
    refs = {}  # (scope, code, year, variable) -> float
    with open(os.path.join(folder, "refs.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            refs[(row["scope"], row["code"], int(row["year"]),
                  row["variable"])] = float(row["value"])
    return region, stats, refs


def share(num, den):
    if num is None or den is None or den == 0:
        return None
    return num / den


def AND(*xs):
    if any(x is False for x in xs):
        return False
    if all(x is True for x in xs):
        return True
    return None


def NOT(x):
    return None if x is None else (not x)


def at_least_two(flags):
    met = sum(1 for x in flags if x is True)
    unknown = sum(1 for x in flags if x is None)
    if met >= 2:
        return True
    if met + unknown < 2:
        return False
    return None


def cmp(value, op, threshold):
    if value is None:
        return None
    if op == ">":
        return value > threshold
    if op == ">=":
        return value >= threshold
    if op == "<":
        return value < threshold
    raise ValueError(op)


def values(area, year, region, stats, refs):
    """Criterion values: shares as fractions, cri_ratio and inc as ratios."""
    def s(y, num, den):
        rec = stats.get((area, y))
        if rec is None:
            return None
        return share(rec[num], rec[den])

    def country(y):
        for (scope, code, yy, var), _ in refs.items():
            if scope == "country" and yy == y and var == "convicted_18p":
                return share(refs[(scope, code, y, "convicted_18p")],
                             refs.get((scope, code, y, "pop_18p")))
        return None

    out = {}
    a, b = s(year - 1, "noattach_18_64", "pop_18_64"), \
        s(year, "noattach_18_64", "pop_18_64")
    out["lab"] = None if a is None or b is None else (a + b) / 2
    a, b = s(year - 1, "convicted_18p", "pop_18p"), \
        s(year, "convicted_18p", "pop_18p")
    ca, cb = country(year - 1), country(year)
    if None in (a, b, ca, cb):
        out["cri"] = out["cri_ratio"] = None
    else:
        out["cri"] = (a + b) / 2
        out["cri_ratio"] = out["cri"] / ((ca + cb) / 2)
    out["edu"] = s(year, "basic_edu_30_59", "pop_30_59")
    mean = s(year, "income_15_64", "taxpayers_15_64")
    reg = region[area]
    rmean = share(refs.get(("region", reg, year, "income_15_64")),
                  refs.get(("region", reg, year, "taxpayers_15_64")))
    out["inc"] = None if mean is None or rmean is None else mean / rmean
    out["eth"] = s(year, "nonwestern", "pop")
    rec = stats.get((area, year))
    out["pop"] = None if rec is None else rec["pop"]
    return out


def flags(v):
    size = cmp(v["pop"], ">=", 1000)
    hi = [cmp(v["lab"], ">", 0.40), cmp(v["cri_ratio"], ">=", 3.0),
          cmp(v["edu"], ">", 0.60), cmp(v["inc"], "<", 0.55)]
    lo = [cmp(v["lab"], ">", 0.30), cmp(v["cri_ratio"], ">=", 2.0),
          cmp(v["edu"], ">", 0.60), cmp(v["inc"], "<", 0.65)]
    udsat = AND(size, at_least_two(hi))
    ps = AND(udsat, cmp(v["eth"], ">", 0.50))
    fore = AND(NOT(udsat), size, cmp(v["eth"], ">", 0.30), at_least_two(lo))
    return {"size": size, "hi": hi, "lo": lo, "udsat": udsat, "ps": ps,
            "fore": fore}


def category(ps_window, f):
    """ps_window: parallelsamfund flags for t-4..t (None = unknown)."""
    omd = AND(*ps_window)
    if omd is True:
        return "omdannelse"
    if f["ps"] is True:
        return "parallelsamfund" if omd is False else "not_evaluable"
    if f["udsat"] is True:
        return "udsat" if f["ps"] is False else "not_evaluable"
    if f["udsat"] is False:
        if f["fore"] is True:
            return "forebyggelse"
        if f["fore"] is False:
            return "none"
    return "not_evaluable"


def classify(folder):
    region, stats, refs = load(folder)
    years = sorted({y for (_, y) in stats})
    result = {}
    for area in sorted(region):
        ps = {}
        rows = {}
        for y in years:
            v = values(area, y, region, stats, refs)
            f = flags(v)
            ps[y] = f["ps"]
            window = [ps.get(k) for k in range(y - 4, y + 1)]
            rows[y] = (v, f, category(window, f))
        result[area] = rows
    return years, result


def pct(x):
    return None if x is None else round(100 * x + 0.0, 2)


def as_json(years, result):
    out = {"ruleset": "dk2021", "years": {}, "areas": {}}
    for y in years:
        counts = {}
        for area in result:
            c = result[area][y][2]
            counts[c] = counts.get(c, 0) + 1
        out["years"][str(y)] = counts
    for area, rows in result.items():
        out["areas"][area] = {}
        for y, (v, _, cat) in rows.items():
            out["areas"][area][str(y)] = {
                "category": cat,
                "pop": None if v["pop"] is None else int(v["pop"]),
                "lab": pct(v["lab"]),
                "cri": pct(v["cri"]),
                "cri_ratio": None if v["cri_ratio"] is None
                else round(v["cri_ratio"], 2),
                "edu": pct(v["edu"]),
                "inc": pct(v["inc"]),
                "eth": pct(v["eth"]),
            }
    return out


def fmt(x, scale=100, nd=2):
    return "      -" if x is None else "%7.*f" % (nd, scale * x)


def main(argv):
    as_js = "--json" in argv
    args = [a for a in argv if a != "--json"]
    if len(args) != 1:
        sys.stderr.write(__doc__.split("\n\n")[-1] + "\n")
        return 2
    years, result = classify(args[0])
    if as_js:
        sys.stdout.write(json.dumps(as_json(years, result), indent=1,
                                    sort_keys=True) + "\n")
        return 0
    print("area   year     pop    lab%  cri_x    edu%    inc%    eth%  "
          "category")
    for area, rows in result.items():
        for y, (v, _, cat) in rows.items():
            pop = "      -" if v["pop"] is None else "%7d" % v["pop"]
            print("%-6s %4d %s %s %s %s %s %s  %s" % (
                area, y, pop, fmt(v["lab"]), fmt(v["cri_ratio"], 1),
                fmt(v["edu"]), fmt(v["inc"]), fmt(v["eth"]), cat))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
