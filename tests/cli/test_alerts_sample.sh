#!/bin/bash
# labels: cli
# The alerts on the sample project's results, checked against the list in
# sample-data/README.md ("Alert kinds shown"). The results come from
# sample-data/expected.json (an independent reference implementation) and
# the README's safety table, loaded directly; then once more through the
# real pipeline (import areas/stats/refs, compute) without the safety
# checks.
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
T=$(mktemp -d /tmp/nbl-alerts-sample.XXXXXX)
trap 'rm -rf "$T"' EXIT
WS=$T/ws.sqlite
"$BIN" --lang en --quiet init "$WS" >/dev/null || exit 1
/usr/bin/python3 "$SRC/tests/fixtures/alerts/seed_from_expected.py" \
    "$SRC/sample-data/expected.json" > "$T/seed.sql" || exit 1
spatialite -silent "$WS" < "$T/seed.sql" >/dev/null || exit 1
check_alerts() { # dir with_safety
for y in 2021 2023 2024; do
    "$BIN" --lang en --quiet alerts "$WS" --config "$SRC/sample-data/sample.ini" \
        --year $y -f json -o "$1/$y.json" || { echo "FAIL: alerts $y"; exit 1; }
done
/usr/bin/python3 - "$1" "$2" <<'PYEOF'
import json, sys
t = sys.argv[1]
safety = sys.argv[2] == "1"
def load(y):
    return json.load(open("%s/%d.json" % (t, y)))["alerts"]
def has(alerts, area, kind, rule=None, state=None, severity=None):
    return any(a["area_id"] == area and a["kind"] == kind and
               (rule is None or a["rule"] == rule) and
               (state is None or a["state"] == state) and
               (severity is None or a["severity"] == severity)
               for a in alerts)
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
a24, a23, a21 = load(2024), load(2023), load(2021)
live = [a for a in a24 if a["state"] != "resolved"]
need(has(live, "SK-04", "crossed", "category:udsat"), "crossed SK-04")
need(has(a21, "SK-02", "crossed"), "crossed SK-02 in 2021")
for area in ("SK-07", "SK-03", "SK-05"):
    need(has(live, area, "approaching"), "approaching " + area)
need(has(live, "SK-05", "approaching", "lab"), "approaching SK-05 lab 38.87")
need(has(a23, "SK-04", "approaching"), "approaching SK-04 in 2023")
need(has(live, "SK-08", "trend"), "trend SK-08")
need(has(a23, "SK-04", "trend"), "trend SK-04 in 2023")
need(has(live, "SK-02", "countdown", "category:omdannelse"), "countdown SK-02")
for area in ("SK-04", "SK-02", "SK-03"):
    need(has(live, area, "status_dynamics"), "status_dynamics " + area)
sd = [a for a in live if a["kind"] == "status_dynamics"]
need(len(sd) == 3, "status_dynamics only SK-02/03/04: %s" % [a["area_id"] for a in sd])
s04 = [a for a in sd if a["area_id"] == "SK-04"][0]
need(abs(s04["value"] - 1.35) < 0.05, "SK-04 status about 1.35: %s" % s04["value"])
need("dynamics index 2.7" in s04["message"], "SK-04 dynamics about 2.7: " + s04["message"])
if safety:
    need(has(live, "SK-03", "safety", "safety_index", severity="critical"), "safety SK-03 < 80")
    need(has(live, "SK-09", "safety", "safety_drop"), "safety SK-09 drop")
    need(not has(live, "SK-09", "safety", "safety_index"), "SK-09 93.1 is not under 90")
    for area in ("SK-01", "SK-02"):
        need(has(live, area, "safety", "safety_index", severity="warning"), "safety %s 80-90" % area)
    need(has(live, "SK-12", "safety", "safety_index", state="new"), "safety SK-12 newly under 90")
    # no other area is alerted for safety
    need({a["area_id"] for a in live if a["kind"] == "safety"} ==
         {"SK-01", "SK-02", "SK-03", "SK-09", "SK-12"}, "safety areas")
need(has(live, "SK-05", "improved"), "improved SK-05")
# SK-11 has no statistics for 2023 (and lab/cri not evaluable in 2024):
# its alerts of 2022 are not resolved by the missing data; a note says why.
need(not any(a["area_id"] == "SK-11" and a["kind"] != "not_evaluable"
             for a in a23), "SK-11: nothing but the note in 2023")
need(has(a23, "SK-11", "not_evaluable", "category", state="new"), "SK-11 note 2023")
need(has(a24, "SK-11", "not_evaluable", "category", state="ongoing"), "SK-11 note 2024")
need(not has(a24, "SK-11", "approaching"), "SK-11 approaching lab: not evaluable in 2024")
r = [a for a in a24 if a["area_id"] == "SK-11" and a["kind"] == "status_dynamics"]
# its 2022 dynamics index is at the class boundary (0.51 from the pipeline,
# 0.498 from expected.json): when there was an alert, 2024 resolves it
# across the gap
need(all(a["state"] == "resolved" and a["first_year"] == 2022
         and "no data to evaluate it in 2023" in a["message"] for a in r),
     "SK-11 status_dynamics of 2022 resolved in 2024 across the gap: %s" % r)
need(not any(a["area_id"] == "SK-11" and a["state"] != "resolved"
             and a["kind"] != "not_evaluable" for a in a24), "SK-11 2024: only the note is live")
for a in a24 + a23 + a21:
    need(("g" + "hetto") not in a["message"].lower(), "wording")
if bad:
    print("FAIL (%s):\n  " % t + "\n  ".join(bad))
    sys.exit(1)
print("sample alerts as in sample-data/README.md (%s)" % t)
PYEOF
}
mkdir -p "$T/seeded" "$T/pipeline"
check_alerts "$T/seeded" 1 || exit 1

# the real pipeline, when the import and compute commands are built
WS=$T/pipe.sqlite
S=$SRC/sample-data
"$BIN" --lang en --quiet init "$WS" >/dev/null || exit 1
if "$BIN" --lang en --quiet import areas "$WS" "$S/areas.geojson" --id afd_id --name navn \
        --municipality kommune --region region 2>/dev/null &&
   "$BIN" --lang en --quiet import stats "$WS" "$S/stats.csv" 2>/dev/null &&
   "$BIN" --lang en --quiet import refs "$WS" "$S/refs.csv" 2>/dev/null &&
   "$BIN" --lang en --quiet compute "$WS" --config "$S/sample.ini" >/dev/null 2>&1; then
    check_alerts "$T/pipeline" 0 || exit 1
else
    echo "SKIP: import/compute not available for the pipeline check" >&2
fi
