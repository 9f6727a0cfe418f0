#!/usr/bin/python3
"""Plan P1's employment criterion (lab) in `nabolag plans compare`, by hand
from the sample's CSV files (standard library only; shares no code with
nabolag).

lab of an area in year t = mean of the shares noattach_18_64 / pop_18_64 of
t-1 and t (percent). A group's value = sum(pop * lab) / sum(pop) over its
areas with a value and residents in both years. Baseline = the year before
the plan starts, latest = its end year (or the latest year with data
while it runs). The comparison group = the areas in
none of the plans (every plan of the sample overlaps P1's years; all areas
are in the same municipality).

Usage: python3 docs/examples/plan_p1_lab.py [SAMPLE_DIR [PLAN]]
       (default: sample-data P1)

The README's worked example; tests/cli/test_readme_examples.sh checks that
this prints what the README shows and that `nabolag plans compare -f json`
has the same values.
"""
import csv
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else "sample-data"
plan_id = sys.argv[2] if len(sys.argv) > 2 else "P1"

with open(os.path.join(folder, "stats.csv"), encoding="utf-8") as f:
    st = {(r["area_id"], int(r["year"])): r for r in csv.DictReader(f)}
with open(os.path.join(folder, "plans.csv"), encoding="utf-8") as f:
    plans = list(csv.DictReader(f))


def num(a, y, var):
    s = st.get((a, y), {}).get(var, "")
    return int(s) if s else None


def lab(a, y):
    shares = []
    for t in (y - 1, y):
        n, d = num(a, t, "noattach_18_64"), num(a, t, "pop_18_64")
        if n is None or not d:
            return None
        shares.append(n / d)
    return 100 * sum(shares) / 2


def group(areas, y0, y1):
    used = [a for a in areas if lab(a, y0) is not None and
            lab(a, y1) is not None and num(a, y0, "pop") and num(a, y1, "pop")]

    def mean(y):
        return (sum(num(a, y, "pop") * lab(a, y) for a in used) /
                sum(num(a, y, "pop") for a in used))
    return used, mean(y0), mean(y1)


plan = next(p for p in plans if p["plan_id"] == plan_id)
last = max(y for _, y in st)
y0, y1 = int(plan["start_year"]) - 1, min(int(plan["end_year"]), last)
members = plan["areas"].split("|")
in_plans = {a for p in plans for a in p["areas"].split("|")}
others = sorted({a for a, _ in st} - in_plans)

for y in (y0, y1):
    parts = " + ".join(f"{num(a, y, 'pop')} x {lab(a, y):.2f}" for a in members)
    total = " + ".join(str(num(a, y, "pop")) for a in members)
    print(f"{plan_id} lab {y}: ({parts}) / ({total}) = "
          f"{group(members, y0, y1)[1 if y == y0 else 2]:.2f}")
_, b, l = group(members, y0, y1)
used, cb, cl = group(others, y0, y1)
print(f"change {l:.2f} - {b:.2f} = {l - b:.2f}")
print(f"comparison: {len(used)} areas in no plan, {cb:.2f} -> {cl:.2f}, "
      f"change {cl - cb:.2f}")
print(f"did {l - b:.2f} - ({cl - cb:.2f}) = {(l - b) - (cl - cb):.2f}")
