#!/bin/bash
# labels: cli golden
# The bundled sample project end to end (`nabolag run sample-data/sample.ini`
# on a copy), then every area's dk2021 criteria and category for every year
# compared with sample-data/expected.json, which an independent
# implementation (tests/reference/dk2021_reference.py, Python) computed from
# the same CSV files. Also checks the run is idempotent: a second run
# changes no result and raises no new alert.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/sample"
rm -rf "$T/sample/out"
"$NBL_BIN" run "$T/sample/sample.ini" > "$T/run1.out" 2> "$T/run1.err" || rc=$?
[ "${rc:-0}" = 0 ] || { cat "$T/run1.err"; fail "run exited ${rc}"; }
ws="$T/sample/out/sample.sqlite"
[ -f "$ws" ] || fail "no workspace"
# the QGIS legend of status/dynamics reads Danish throughout: the default
# classes' names too (it said "Status high, dynamik positive")
sd=$(grep -o 'label="Status [^"]*"' "$T/sample/out/nabolag.qgs" | sort -u)
[ "$(wc -l <<<"$sd")" = 12 ] || fail "status/dynamics legend: $sd"
bad=$(grep -Ev '^label="Status (høj|middel|lav|meget lav), dynamik (positiv|stabil|negativ)"$' <<<"$sd" || true)
[ -z "$bad" ] || fail "status/dynamics legend not Danish: $bad"

/usr/bin/python3 - "$ws" "$T/sample/expected.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
exp = json.load(open(sys.argv[2]))
rs = exp.get("ruleset", "dk2021")
got = {}
for a, y, c in db.execute("SELECT area_id, year, category FROM category_results WHERE ruleset=?", (rs,)):
    got.setdefault(a, {})[str(y)] = {"category": c}
for a, y, crit, v, r in db.execute("SELECT area_id, year, criterion, value, ratio FROM criterion_results WHERE ruleset=?", (rs,)):
    d = got.setdefault(a, {}).setdefault(str(y), {})
    d[crit] = v
    if crit == "cri":
        d["cri_ratio"] = r
bad = []
n = 0
for area, years in exp["areas"].items():
    for year, e in years.items():
        g = got.get(area, {}).get(year)
        if g is None:
            bad.append(f"{area} {year}: no result")
            continue
        n += 1
        if g["category"] != e["category"]:
            bad.append(f"{area} {year}: category {g['category']} != expected {e['category']}")
        for k in ("lab", "cri_ratio", "edu", "inc", "eth"):
            ev, gv = e.get(k), g.get(k)
            if ev is None and gv is None:
                continue
            if ev is None or gv is None or abs(ev - gv) > 0.006:
                bad.append(f"{area} {year}: {k} {gv} != expected {ev}")
if bad:
    print("\n".join(bad[:40]), file=sys.stderr)
    sys.exit(1)
print(f"golden: {n} area-years agree with the reference implementation")
PY

# every outcome the sample promises, in the latest year or across years
cats=$(sqlite3 "$ws" "SELECT DISTINCT category FROM category_results WHERE ruleset='dk2021' ORDER BY 1" | tr '\n' ' ')
for c in forebyggelse none not_evaluable omdannelse parallelsamfund udsat; do
    grep -qw "$c" <<<"$cats" || fail "no area is ever '$c' (got: $cats)"
done
kinds=$(sqlite3 "$ws" "SELECT DISTINCT kind FROM alerts ORDER BY 1" | tr '\n' ' ')
for k in approaching countdown crossed improved safety status_dynamics trend; do
    grep -qw "$k" <<<"$kinds" || fail "no '$k' alert (got: $kinds)"
done

# idempotent: a second run changes no result and raises nothing new
snap() { sqlite3 "$ws" "SELECT * FROM category_results ORDER BY 1,2,3; SELECT * FROM criterion_results ORDER BY 1,2,3,4; SELECT area_id,year,kind,rule,state,first_year FROM alerts ORDER BY 1,2,3,4" | sed 's/|20[0-9-]*T[0-9:]*Z//'; }
before=$(snap)
"$NBL_BIN" run "$T/sample/sample.ini" > "$T/run2.out" 2> "$T/run2.err" || { cat "$T/run2.err"; fail "second run"; }
[ "$(snap)" = "$before" ] || fail "second run changed results or alerts"
# the report's changes add up to its category table in every year, moves
# to and from "Kan ikke vurderes" included (2021: Vestervang from it; 2023:
# Fasanhaven to it)
for y in 2021 2022 2023 2024; do
    "$NBL_BIN" -q report "$ws" --year $y -o "$T/r$y.html" || fail "report $y"
    /usr/bin/python3 "$NBL_SOURCE_DIR/tests/cli/report_counts.py" "$T/r$y.html" >/dev/null ||
        fail "report $y: changes do not add up"
done
grep -q 'data-from="not_evaluable" data-to="omdannelse">Vestervang (SK-01)' "$T/r2021.html" ||
    fail "2021: the move from not_evaluable is missing"
grep -q 'data-from="none" data-to="not_evaluable">Fasanhaven (SK-11)' "$T/r2023.html" ||
    fail "2023: the move to not_evaluable is missing"
echo "sample: all checks passed"
