#!/usr/bin/python3
"""The dk2021 criteria of one area and year, by hand from the sample's CSV
files (standard library only; shares no code with nabolag).

Usage: python3 docs/examples/criteria_sk04.py [SAMPLE_DIR [AREA YEAR]]
       (default: sample-data SK-04 2024)

The README's worked example; tests/cli/test_readme_examples.sh checks that
this prints what the README shows and that nabolag's areas layer has the
same values.
"""
import csv
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else "sample-data"
area = sys.argv[2] if len(sys.argv) > 2 else "SK-04"
year = int(sys.argv[3]) if len(sys.argv) > 3 else 2024


def read(name):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


st = {(r["area_id"], int(r["year"])): r for r in read("stats.csv")}
ref = {}
for r in read("refs.csv"):
    ref[(r["scope"], r["code"], int(r["year"]), r["variable"])] = float(r["value"])
region = "1082"  # the sample's areas all lie in Region Midtjylland


def v(y, var):
    return int(st[(area, y)][var])


def share(y, num, den):
    return v(y, num) / v(y, den)


t0, t1 = year - 1, year
lab = 100 * (share(t0, "noattach_18_64", "pop_18_64") +
             share(t1, "noattach_18_64", "pop_18_64")) / 2
cri_area = (share(t0, "convicted_18p", "pop_18p") +
            share(t1, "convicted_18p", "pop_18p")) / 2
cri_dk = sum(ref[("country", "DK", y, "convicted_18p")] /
             ref[("country", "DK", y, "pop_18p")] for y in (t0, t1)) / 2
cri = cri_area / cri_dk
edu = 100 * share(t1, "basic_edu_30_59", "pop_30_59")
inc_area = v(t1, "income_15_64") / v(t1, "taxpayers_15_64")
inc_reg = (ref[("region", region, t1, "income_15_64")] /
           ref[("region", region, t1, "taxpayers_15_64")])
inc = 100 * inc_area / inc_reg
eth = 100 * share(t1, "nonwestern", "pop")
pop = v(t1, "pop")


def yes(b):
    return "met" if b else "not met"


print(f"{area} {year}, dk2021")
print(f"lab  ({v(t0, 'noattach_18_64')}/{v(t0, 'pop_18_64')} + "
      f"{v(t1, 'noattach_18_64')}/{v(t1, 'pop_18_64')}) / 2 = {lab:.2f} %"
      f"  (> 40: {yes(lab > 40)}; > 30: {yes(lab > 30)})")
print(f"cri  area ({v(t0, 'convicted_18p')}/{v(t0, 'pop_18p')} + "
      f"{v(t1, 'convicted_18p')}/{v(t1, 'pop_18p')}) / 2 = "
      f"{100 * cri_area:.3f} %, country {100 * cri_dk:.3f} %: "
      f"ratio {cri:.2f}  (>= 3: {yes(cri >= 3)}; >= 2: {yes(cri >= 2)})")
print(f"edu  {v(t1, 'basic_edu_30_59')}/{v(t1, 'pop_30_59')} = {edu:.2f} %"
      f"  (> 60: {yes(edu > 60)})")
print(f"inc  {inc_area:,.0f} / {inc_reg:,.0f} DKK = {inc:.2f} % of the "
      f"regional mean  (< 55: {yes(inc < 55)}; < 65: {yes(inc < 65)})")
print(f"eth  {v(t1, 'nonwestern')}/{pop} = {eth:.2f} %"
      f"  (> 50: {yes(eth > 50)}; > 30: {yes(eth > 30)})")
print(f"size {pop}  (>= 1000: {yes(pop >= 1000)})")
met = sum([lab > 40, cri >= 3, edu > 60, inc < 55])
low = sum([lab > 30, cri >= 2, edu > 60, inc < 65])
if pop >= 1000 and met >= 2:
    cat = "parallelsamfund or omdannelse" if eth > 50 else "udsat"
elif pop >= 1000 and eth > 30 and low >= 2:
    cat = "forebyggelse"
else:
    cat = "none"
print(f"{met} of lab, cri, edu, inc met ({low} at the lower thresholds): {cat}")
