#!/bin/bash
# labels: cli published
# Published Danish list cases (tests/published/dk_lists/cases.csv: values
# as printed, with their sources) and the statutory wording at each
# threshold (wording.csv), typed in as shares and run through `nabolag run`
# (one project per ruleset). Each area's category must be the one the file
# expects: the published category where the printed values decide it, and
# not_evaluable where a value that decides the outcome was not printed
# (tests/published/README.md says which and why). The `checks` column adds
# single criteria as the sources state them ("3 of 5 met", "income not
# met") or as the printed values and the published outcome fix them (a
# value printed exactly on its threshold, "left the list"):
# criterion=met|not_met|missing|not_evaluable and criteria_met=N.
#
# The lists print lab and cri as 2-year means (4-year under the 2010 rules);
# the projects set window = 1 for them so the printed means are compared as
# they are. The printed cri threshold ("kriterium 1,98 %") goes in as refs
# country cri_threshold of its year. The projects count unknown omdannelse
# history as not met.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D="$NBL_SOURCE_DIR/tests/published/dk_lists"
RULESETS=(dk2010 dk2013 dk2018 dk2021)

/usr/bin/python3 - "$D" "$T" "${RULESETS[@]}" <<'PY'
import csv, os, sys
src, out, rulesets = sys.argv[1], sys.argv[2], sys.argv[3:]
cases = list(csv.DictReader(open(os.path.join(src, "cases.csv"), encoding="utf-8")))
words = list(csv.DictReader(open(os.path.join(src, "wording.csv"), encoding="utf-8")))
for rs in rulesets:
    d = os.path.join(out, rs)
    os.makedirs(d)
    rows = [(c["case"], int(c["year"]), c) for c in cases if c["ruleset"] == rs]
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
            for col, var in (("residents", "pop"), ("lab", "lab_share"),
                             ("eth", "eth_share"), ("cri", "cri_share"),
                             ("edu", edu), ("inc", "inc_pct")):
                if r.get(col):
                    f.write("%s,%d,%s,%s\n" % (case, y, var, r[col]))
    thr = {}
    for case, y, r in rows:
        t = r.get("cri_threshold")
        if t:
            if thr.setdefault(y, t) != t:
                sys.exit("%s: two printed cri thresholds for %d" % (rs, y))
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
%s
[ruleset]
unknown_history = not_met
[criterion.lab]
window = 1
[criterion.cri]
window = 1
""" % (rs, "[refs]\nsource = refs.csv\n" if thr else ""))
    with open(os.path.join(d, "expected.txt"), "w", encoding="utf-8") as f:
        for case, y, r in rows:
            f.write("%s %d %s %s\n" % (case, y, r["expected"], r.get("checks") or ""))
PY

for rs in "${RULESETS[@]}"; do
    "$NBL_BIN" run "$T/$rs/project.ini" > "$T/$rs/run.out" 2> "$T/$rs/run.err" \
        || { cat "$T/$rs/run.err"; fail "$rs: run failed"; }
    /usr/bin/python3 - "$T/$rs" "$rs" <<'PY' || fail "$rs: results differ"
import sqlite3, sys
d, rs = sys.argv[1], sys.argv[2]
db = sqlite3.connect(d + "/ws.sqlite")
STATUS = {"met": ("ok", 1), "not_met": ("ok", 0),
          "missing": ("missing", None), "not_evaluable": ("not_evaluable", None)}
bad = 0
for line in open(d + "/expected.txt", encoding="utf-8"):
    case, year, want, *checks = line.split()
    year = int(year)
    got = db.execute("SELECT category, criteria_met FROM category_results "
                     "WHERE area_id = ? AND year = ? AND ruleset = ?",
                     (case, year, rs)).fetchone() or (None, None)
    err = [] if got[0] == want else ["category %s, expected %s" % (got[0], want)]
    for c in checks:
        key, val = c.split("=")
        if key == "criteria_met":
            if got[1] != int(val):
                err.append("criteria_met %s, expected %s" % (got[1], val))
            continue
        row = db.execute("SELECT status, met FROM criterion_results WHERE "
                         "area_id = ? AND year = ? AND ruleset = ? AND "
                         "criterion = ?", (case, year, rs, key)).fetchone()
        st, met = STATUS[val]
        if not row or row[0] != st or (met is not None and row[1] != met):
            err.append("%s %s, expected %s" % (key, row, val))
    print("%-24s %d %s: %s %s" % (case, year, rs, got[0],
                                  "; ".join(err) if err else "ok"))
    bad += bool(err)
sys.exit(1 if bad else 0)
PY
done
echo "published Danish cases: ok"
