#!/usr/bin/python3
"""gen_pipeline.py - deterministic national-scale data for the whole pipeline.

Writes into OUTDIR (default bench/data):
  areas.geojson     (by gen_national.py, if missing) 8,000 non-overlapping
                    24-vertex polygons in EPSG:25832, ids A00001..A08000
  pipeline_areas.geojson  the same polygons plus a 'region' property
                    (municipality 101..198 -> region 1081..1085)
  pipeline_stats.csv  long layout area_id,year,variable,value: 8,000 areas
                    x 11 years (2014-2024) x 40 variables = 3,520,000 rows:
                    the 20 canonical variables (all criterion, profile and
                    safety inputs) and 20 extra counts x01..x20 (denominator
                    pop); every numerator <= its denominator
  pipeline_refs.csv   country DK (pop_18p, convicted_18p) and the five
                    regions (taxpayers_15_64, income_15_64), every year
  pipeline.ini      project/config file: [project], [variable.x01..x20],
                    [export]; paths relative to OUTDIR
--areas N keeps the first N areas only (pipeline_areas.geojson and the
statistics; the random draws are those of the full set, so the statistics
are the first rows of the national file): the small data of
bench/run_peer.sh --tiny.
Stdlib only; the same seed gives byte-identical files.
usage: gen_pipeline.py [OUTDIR] [--seed S] [--areas N]
"""
import argparse
import json
import os
import random
import subprocess
import sys

YEARS = list(range(2014, 2025))
NEXTRA = 20
REGIONS = [1081, 1082, 1083, 1084, 1085]


def region_of(municipality):
    return REGIONS[int(municipality) % len(REGIONS)]


def clamp(v, lo, hi):
    return lo if v < lo else hi if v > hi else v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", default="bench/data")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--areas", type=int, default=None)
    a = ap.parse_args()
    outdir, seed, nareas = a.outdir, a.seed, a.areas
    os.makedirs(outdir, exist_ok=True)
    src = os.path.join(outdir, "areas.geojson")
    if not os.path.exists(src):
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([sys.executable, os.path.join(here, "gen_national.py"),
                        outdir, "--points", "0"], check=True)
    with open(src) as f:
        fc = json.load(f)
    if nareas is not None:
        fc["features"] = fc["features"][:nareas]
    for ft in fc["features"]:
        ft["properties"]["region"] = str(region_of(ft["properties"]["municipality"]))
    with open(os.path.join(outdir, "pipeline_areas.geojson"), "w") as f:
        json.dump(fc, f)
    ids = [(ft["properties"]["area_id"], ft["properties"]["region"])
           for ft in fc["features"]]

    rnd = random.Random(seed)
    # regional sums for the refs: region -> year -> [taxpayers, income]
    reg = {str(r): {y: [0, 0] for y in YEARS} for r in REGIONS}
    with open(os.path.join(outdir, "pipeline_stats.csv"), "w") as f:
        f.write("area_id,year,variable,value\n")
        buf = []
        for aid, region in ids:
            # an area: size, and where its shares start and drift to
            pop0 = int(rnd.lognormvariate(6.9, 0.8)) + 50
            grow = rnd.uniform(-0.03, 0.03)
            lab0, labd = rnd.uniform(0.10, 0.55), rnd.uniform(-0.02, 0.02)
            cri0 = rnd.uniform(0.005, 0.06)
            edu0 = rnd.uniform(0.20, 0.75)
            inc0 = rnd.uniform(180000, 420000)
            nw0 = rnd.uniform(0.05, 0.75)
            safe0 = rnd.uniform(0.5, 0.95)
            xs = [rnd.uniform(0.01, 0.9) for _ in range(NEXTRA)]
            for t, y in enumerate(YEARS):
                pop = max(20, int(pop0 * (1 + grow) ** t))
                p1864 = int(pop * rnd.uniform(0.55, 0.70))
                noatt = int(p1864 * clamp(lab0 + labd * t + rnd.gauss(0, 0.01), 0, 1))
                p18 = int(pop * rnd.uniform(0.70, 0.82))
                conv = int(p18 * clamp(cri0 + rnd.gauss(0, 0.003), 0, 1))
                p3059 = int(pop * rnd.uniform(0.35, 0.45))
                edu = int(p3059 * clamp(edu0 + rnd.gauss(0, 0.01), 0, 1))
                eduu = edu + int((p3059 - edu) * rnd.uniform(0, 0.1))
                tax = int(p1864 * rnd.uniform(0.85, 0.98))
                inc = int(tax * inc0 * (1.02 ** t))
                nw = int(pop * clamp(nw0 + rnd.gauss(0, 0.01), 0, 1))
                p017 = int(pop * rnd.uniform(0.12, 0.30))
                hh = max(1, int(pop / rnd.uniform(1.8, 2.6)))
                moved = int(hh * rnd.uniform(0.05, 0.25))
                evict = int(hh * rnd.uniform(0, 0.01))
                sn = int(hh * rnd.uniform(0.05, 0.2))
                ss = int(sn * clamp(safe0 + rnd.gauss(0, 0.03), 0, 1))
                ssn = int(ss * rnd.uniform(0.6, 1.0))
                sp = int(sn * rnd.uniform(0.1, 0.5))
                mean = "%.2f" % (inc / tax) if tax else ""
                reg[region][y][0] += tax
                reg[region][y][1] += inc
                vals = (("pop", pop), ("pop_18_64", p1864),
                        ("noattach_18_64", noatt), ("pop_18p", p18),
                        ("convicted_18p", conv), ("pop_30_59", p3059),
                        ("basic_edu_30_59", edu),
                        ("basic_or_unknown_edu_30_59", eduu),
                        ("taxpayers_15_64", tax), ("income_15_64", inc),
                        ("income_mean_15_64", mean), ("nonwestern", nw),
                        ("pop_0_17", p017), ("households", hh),
                        ("households_moved_out", moved), ("evictions", evict),
                        ("survey_n", sn), ("survey_safe", ss),
                        ("survey_safe_night", ssn), ("survey_problems", sp))
                for name, v in vals:
                    buf.append("%s,%d,%s,%s\n" % (aid, y, name, v))
                for k, share in enumerate(xs):
                    buf.append("%s,%d,x%02d,%d\n" % (aid, y, k + 1,
                                                     int(pop * share)))
            if len(buf) >= 100000:
                f.write("".join(buf)); buf = []
        f.write("".join(buf))

    with open(os.path.join(outdir, "pipeline_refs.csv"), "w") as f:
        f.write("scope,code,year,variable,value\n")
        for t, y in enumerate(YEARS):
            f.write("country,DK,%d,pop_18p,%d\n" % (y, 4500000 + 25000 * t))
            f.write("country,DK,%d,convicted_18p,%d\n" % (y, 72000 - 800 * t))
        for r in sorted(reg):
            for y in YEARS:
                # the region is much larger than its housing areas
                tax, inc = reg[r][y]
                f.write("region,%s,%d,taxpayers_15_64,%d\n" % (r, y, 10 * tax))
                f.write("region,%s,%d,income_15_64,%d\n" % (r, y, 14 * inc))

    with open(os.path.join(outdir, "pipeline.ini"), "w") as f:
        f.write("[project]\nname = national benchmark\ncrs = EPSG:25832\n"
                "ruleset = dk2021\n\n")
        for k in range(NEXTRA):
            f.write("[variable.x%02d]\nkind = count\ndenominator = pop\n"
                    "label = Synthetic count %d\n\n" % (k + 1, k + 1))
        f.write("[export]\noverwrite = true\n")


if __name__ == "__main__":
    main()
