#!/bin/bash
# labels: cli published
# Published Danish list cases (tests/published/dk_lists/cases.csv: values
# as printed, with their sources) and the statutory wording at each
# threshold (wording.csv), typed in as shares and run through `nabolag run`
# (one project per ruleset). Each area's category must be the one the file
# expects: the published category where the printed values decide it, and
# not_evaluable where a criterion that decides the outcome was not printed
# (tests/published/README.md says which and why).
#
# The lists print lab and cri as 2-year means; the projects set window = 1
# for them so the printed means are compared as they are. The single-year
# projects count unknown omdannelse history as not met.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D="$NBL_SOURCE_DIR/tests/published/dk_lists"

/usr/bin/python3 - "$D" "$T" <<'PY'
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
cases = list(csv.DictReader(open(os.path.join(src, "cases.csv"), encoding="utf-8")))
words = list(csv.DictReader(open(os.path.join(src, "wording.csv"), encoding="utf-8")))
YEAR = {"agervang_2014": 2014, "ladegaardsparken_2014": 2014,
        "mjoelnerparken_2023": 2023}
for rs in ("dk2013", "dk2021"):
    d = os.path.join(out, rs)
    os.makedirs(d)
    rows = [(c["case"], YEAR[c["case"]], c) for c in cases if c["ruleset"] == rs]
    rows += [(w["case"], 2024, w) for w in words if w["ruleset"] == rs]
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
            f.write("%s,%d,pop,%s\n" % (case, y, r["residents"]))
            for col, var in (("lab", "lab_share"), ("eth", "eth_share"),
                             ("cri", "cri_share"), ("edu", edu),
                             ("inc", "inc_pct")):
                if r.get(col):
                    f.write("%s,%d,%s,%s\n" % (case, y, var, r[col]))
    with open(os.path.join(d, "refs.csv"), "w", encoding="utf-8") as f:
        f.write("scope,code,year,variable,value\n")
        thr = {r["cri_threshold"] for _, _, r in rows if r.get("cri_threshold")}
        for t in thr:
            f.write("country,DK,2024,cri_threshold,%s\n" % t)
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
%s
[ruleset]
unknown_history = not_met
[criterion.lab]
window = 1
[criterion.cri]
window = 1
""" % (rs, "[refs]\nsource = refs.csv\n" if rs == "dk2021" else ""))
    with open(os.path.join(d, "expected.txt"), "w", encoding="utf-8") as f:
        for case, y, r in rows:
            f.write("%s %d %s\n" % (case, y, r["expected"]))
PY

for rs in dk2013 dk2021; do
    "$NBL_BIN" run "$T/$rs/project.ini" > "$T/$rs/run.out" 2> "$T/$rs/run.err" \
        || { cat "$T/$rs/run.err"; fail "$rs: run failed"; }
    /usr/bin/python3 - "$T/$rs" "$rs" <<'PY' || fail "$rs: categories differ"
import sqlite3, sys
d, rs = sys.argv[1], sys.argv[2]
db = sqlite3.connect(d + "/ws.sqlite")
bad = 0
for line in open(d + "/expected.txt", encoding="utf-8"):
    case, year, want = line.split()
    got = db.execute("SELECT category FROM category_results WHERE area_id = ? "
                     "AND year = ? AND ruleset = ?", (case, int(year), rs)).fetchone()
    got = got[0] if got else None
    print("%-24s %s %s: %s (expected %s)" % (case, year, rs, got, want))
    bad += got != want
sys.exit(1 if bad else 0)
PY
done

# Ladegårdsparken: the outcome hangs on the income criterion, which the
# source does not print; the tool says so instead of guessing.
/usr/bin/python3 - "$T/dk2013/ws.sqlite" <<'PY' || fail "Ladegårdsparken: inc not reported as missing"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
st = db.execute("SELECT status FROM criterion_results WHERE area_id = "
                "'ladegaardsparken_2014' AND criterion = 'inc'").fetchone()
met = db.execute("SELECT criteria_met FROM category_results WHERE area_id = "
                 "'ladegaardsparken_2014'").fetchone()
print("inc status", st, "criteria met", met)
sys.exit(0 if st == ("missing",) and met == (2,) else 1)
PY
echo "published Danish cases: ok"
