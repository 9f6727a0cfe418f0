#!/usr/bin/env python3
"""Builds a nabolag project from a published MSS table (tests/published/
berlin_mss/mss<YEAR>_indicators.csv) in OUT_DIR: areas.csv (one square per
Planungsraum; the geometry is a stand-in, MSS is about the values), stats.csv
(long layout: residents, and the shares S1, S3, S4 of the report's year and
of two years before) and project.ini with method = berlin_mss.

MSS prints the status shares of the last year (S) and their change over two
years in percentage points (D), so the earlier year's share is S - D; the
tool then forms D back as the difference of the two years.

Usage: make_project.py YEAR OUT_DIR [exclude ids, comma-separated]
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# the data year of each report (31.12.) and its two-year change
DATA_YEAR = {"2019": 2018, "2021": 2020}


def main():
    report, out = sys.argv[1], sys.argv[2]
    exclude = sys.argv[3] if len(sys.argv) > 3 else ""
    y1 = DATA_YEAR[report]
    y0 = y1 - 2
    rows = list(csv.DictReader(open(os.path.join(
        HERE, "mss%s_indicators.csv" % report), encoding="utf-8")))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "areas.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["plr_id", "plr_name", "WKT"])
        for i, r in enumerate(rows):
            x, y = 380000 + (i % 30) * 1000, 5810000 + (i // 30) * 1000
            w.writerow([r["plr_id"], r["plr_name"],
                        "POLYGON((%d %d,%d %d,%d %d,%d %d,%d %d))" %
                        (x, y, x + 900, y, x + 900, y + 900, x, y + 900, x,
                         y)])
    with open(os.path.join(out, "stats.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["area_id", "year", "variable", "value"])
        for r in rows:
            w.writerow([r["plr_id"], y1, "pop",
                        "%d" % round(float(r["inhabitants"]))])
            for s in ("1", "3", "4"):
                now, change = r["s" + s], r["d" + s]
                if now == "":  # not indexed: the table prints no values
                    continue
                w.writerow([r["plr_id"], y1, "s" + s, now])
                w.writerow([r["plr_id"], y0, "s" + s,
                            repr(float(now) - float(change))])
    with open(os.path.join(out, "project.ini"), "w", encoding="utf-8") as f:
        f.write("""[project]
name = MSS %(report)s (published table)
workspace = mss.sqlite
crs = EPSG:25833
year = %(y1)d

[areas]
source = areas.csv
id = plr_id
name = plr_name
src_crs = EPSG:25833

[stats]
source = stats.csv

[variable.s1]
kind = percent
label = S1 Arbeitslose (%% of residents 15-65)
[variable.s3]
kind = percent
label = S3 Transferbezug (%% of residents)
[variable.s4]
kind = percent
label = S4 Kinderarmut (%% of residents under 15)

[status_dynamics]
method = berlin_mss
indicators = s1, s3, s4
exclude = %(exclude)s

# MSS publishes every Planungsraum's class; nothing to withhold here
[disclosure]
min_residents_publish = 0

[export]
dir = export
overwrite = true
""" % {"report": report, "y1": y1, "exclude": exclude})


if __name__ == "__main__":
    main()
