#!/bin/bash
# labels: cli published
# Published Danish list cases, typed in as shares and run through
# `nabolag run` (one project per file and ruleset):
#
# - cases.csv: the cases, rows whose printed values decide the category.
#   Each must get its published category (`expected`), never not_evaluable.
# - partial.csv: the partial cases, rows where a value that decides the
#   category was never printed (a resident count, a criterion, the earlier
#   lists an omdannelse status needs). Each must stay not_evaluable (the
#   tool never guesses a missing value) and must reproduce every single
#   criterion the sources state for it (the `checks` column, never empty).
# - wording.csv: not published data; values exactly on each statutory
#   threshold, to check the operators the law's wording gives.
#
# `checks` holds single criteria as the sources state them ("3 of 4 met",
# "income not met") or as the printed values and the published outcome fix
# them: criterion=met|not_met|missing|not_evaluable, criteria_met=N and
# parallel_years=N (known consecutive parallelsamfund years ending with the
# year). tests/published/README.md says which row is which and why.
#
# The lists print lab and cri as 2-year means (4-year under the 2010 rules);
# the projects set window = 1 for them so the printed means are compared as
# they are. The printed cri threshold ("kriterium 1,98 %") goes in as refs
# country cri_threshold of its year. Cases and partial cases keep the
# default unknown_history = not_evaluable (a missing history is not
# guessed); wording.csv, whose rows have no history at all, counts unknown
# history as not met so that its parallelsamfund row checks the year's
# criteria.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D="$NBL_SOURCE_DIR/tests/published/dk_lists"

/usr/bin/python3 - "$D" "$T" > "$T/projects.txt" <<'PY' || fail "bad case files"
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
def load(name):
    return list(csv.DictReader(open(os.path.join(src, name), encoding="utf-8")))
sets = {"cases": load("cases.csv"), "partial": load("partial.csv"),
        "wording": load("wording.csv")}
seen, bad = set(), []
for name, rows in sets.items():
    for r in rows:
        if r["case"] in seen:
            bad.append("%s: case %s twice" % (name, r["case"]))
        seen.add(r["case"])
        if name == "cases" and r["expected"] == "not_evaluable":
            bad.append("cases.csv %s: a case must have a decided category; "
                       "rows with an unprinted deciding value belong in "
                       "partial.csv" % r["case"])
        if name == "partial" and (r["expected"] != "not_evaluable"
                                  or not r.get("checks")):
            bad.append("partial.csv %s: expected must be not_evaluable and "
                       "checks must state the criteria the sources give"
                       % r["case"])
if bad:
    sys.exit("\n".join(bad))

def project(d, rs, rows, history):
    os.makedirs(d)
    edu = "edu_or_unknown_share" if rs == "dk2013" else "edu_share"
    with open(os.path.join(d, "areas.csv"), "w", encoding="utf-8") as f:
        f.write("id,WKT\n")
        for i, (case, _, _) in enumerate(rows):
            x = 500000 + 1000 * i
            f.write('%s,"POLYGON((%d 6200000,%d 6200000,%d 6200900,%d 6200900,%d 6200000))"\n'
                    % (case, x, x + 900, x + 900, x, x))
    with open(os.path.join(d, "stats.csv"), "w", encoding="utf-8") as f:
        f.write("area_id,year,variable,value\n")
        for case, y, r in rows:
            for col, var in (("residents", "pop"), ("lab", "lab_share"),
                             ("eth", "eth_share"), ("cri", "cri_share"),
                             ("edu", edu), ("inc", "inc_pct")):
                if r.get(col):
                    f.write("%s,%d,%s,%s\n" % (case, y, var, r[col]))
    thr = {}
    for case, y, r in rows:
        t = r.get("cri_threshold")
        if t and thr.setdefault(y, t) != t:
            sys.exit("%s: two printed cri thresholds for %d" % (d, y))
    with open(os.path.join(d, "refs.csv"), "w", encoding="utf-8") as f:
        f.write("scope,code,year,variable,value\n")
        for y in sorted(thr):
            f.write("country,DK,%d,cri_threshold,%s\n" % (y, thr[y]))
    with open(os.path.join(d, "project.ini"), "w", encoding="utf-8") as f:
        f.write("""[project]
workspace = ws.sqlite
ruleset = %s
[areas]
source = areas.csv
id = id
src_crs = EPSG:25832
[stats]
source = stats.csv
%s%s[criterion.lab]
window = 1
[criterion.cri]
window = 1
""" % (rs, "[refs]\nsource = refs.csv\n" if thr else "",
       "[ruleset]\nunknown_history = %s\n" % history if history else ""))
    with open(os.path.join(d, "expected.txt"), "w", encoding="utf-8") as f:
        for case, y, r in rows:
            f.write("%s %d %s %s\n" % (case, y, r["expected"], r.get("checks") or ""))

for name, rows in sets.items():
    for rs in sorted({r["ruleset"] for r in rows}):
        sel = [(r["case"], int(r.get("year") or 2024), r)
               for r in rows if r["ruleset"] == rs]
        d = os.path.join(out, "%s_%s" % (name, rs))
        project(d, rs, sel, "not_met" if name == "wording" else None)
        print(name, rs, len(sel))
PY

n_cases=0
n_partial=0
while read -r set rs n; do
    P="$T/${set}_$rs"
    "$NBL_BIN" run "$P/project.ini" > "$P/run.out" 2> "$P/run.err" \
        || { cat "$P/run.err"; fail "$set $rs: run failed"; }
    /usr/bin/python3 - "$P" "$rs" "$set" <<'PY' || fail "$set $rs: results differ"
import sqlite3, sys
d, rs, name = sys.argv[1], sys.argv[2], sys.argv[3]
db = sqlite3.connect(d + "/ws.sqlite")
STATUS = {"met": ("ok", 1), "not_met": ("ok", 0),
          "missing": ("missing", None), "not_evaluable": ("not_evaluable", None)}
bad = 0
for line in open(d + "/expected.txt", encoding="utf-8"):
    case, year, want, *checks = line.split()
    year = int(year)
    got = db.execute("SELECT category, criteria_met, parallel_years FROM "
                     "category_results WHERE area_id = ? AND year = ? AND "
                     "ruleset = ?", (case, year, rs)).fetchone() \
        or (None, None, None)
    err = [] if got[0] == want else ["category %s, expected %s" % (got[0], want)]
    for c in checks:
        key, val = c.split("=")
        if key in ("criteria_met", "parallel_years"):
            have = got[1] if key == "criteria_met" else got[2]
            if have != int(val):
                err.append("%s %s, expected %s" % (key, have, val))
            continue
        row = db.execute("SELECT status, met FROM criterion_results WHERE "
                         "area_id = ? AND year = ? AND ruleset = ? AND "
                         "criterion = ?", (case, year, rs, key)).fetchone()
        st, met = STATUS[val]
        if not row or row[0] != st or (met is not None and row[1] != met):
            err.append("%s %s, expected %s" % (key, row, val))
    print("%-8s %-24s %d %s: %s %s" % (name, case, year, rs, got[0],
                                       "; ".join(err) if err else "ok"))
    bad += bool(err)
sys.exit(1 if bad else 0)
PY
    case $set in
    cases) n_cases=$((n_cases + n)) ;;
    partial) n_partial=$((n_partial + n)) ;;
    esac
done < "$T/projects.txt"
echo "published Danish cases: $n_cases cases, every published category" \
    "reproduced; $n_partial partial cases, their stated criteria reproduced"
