#!/bin/bash
# labels: cli
# Disclosure control of alerts over the years their messages can quote
# (review finding): "improved lab: 41.0 % in 2023 -> 38.2 %", trend messages
# "went from X in <first year>", 2-year means of lab/cri. The check takes
# the smallest residents count and the smallest denominator of the years
# al.year - 4 .. al.year (NBL__ALERT_QUOTE_YEARS), the same in
# `nabolag alerts`, the export's alerts layer and the report.
# Fixture: tests/fixtures/alerts/seed.sql (8 alerts in 2024, see
# test_alerts_disclosure.sh) plus stats added here, all of 2024 fine:
#   A1: pop 2024 1500, 2023 80 (< 100)        -> its 4 alerts of 2024 withheld
#                                                as ONE line naming nothing
#   B2: pop 2024 1500, pop_18_64 2024 500, 2023 15 (< 20)
#                                              -> its 2 lab alerts withheld;
#       pop 2019 10 (< 100, but 2024 - 5: outside the window)
#                                              -> its 2 category alerts kept.
# So 5 lines, 3 withheld; before the fix (year 2024 only) none was.
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
FIX=$SRC/tests/fixtures/alerts
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-disc-window.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

WS=$T/ws.sqlite
"$BIN" --lang en --quiet init "$WS" >/dev/null || exit 1
spatialite -silent "$WS" < "$FIX/seed.sql" >/dev/null || exit 1
sqlite3 "$WS" "INSERT INTO stats VALUES ('A1', 2024, 'pop', 1500),
  ('A1', 2023, 'pop', 80), ('B2', 2024, 'pop', 1500),
  ('B2', 2024, 'pop_18_64', 500), ('B2', 2023, 'pop_18_64', 15),
  ('B2', 2023, 'pop', 1500), ('B2', 2019, 'pop', 10);" || exit 1
"$BIN" --lang en --quiet alerts "$WS" --year 2023 >/dev/null || exit 1

"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f json -o "$T/a.json" || fail "alerts json"
$PY - "$T/a.json" <<'EOF' || fail "nabolag alerts: earlier years checked"
import json, sys
d = json.load(open(sys.argv[1]))
al = d["alerts"]
assert len(al) == 5, len(al)
assert d["disclosure"]["withheld"] == 3, d["disclosure"]
for a in al:
    sup = a["area_id"] == "A1" or a["rule"] == "lab"
    assert (a["value_status"] == "suppressed") == sup, a
    assert sup == ("withheld" in a["message"] or "fewer than 100" in a["message"]), a
    assert "41.0" not in a["message"] and "38.0" not in a["message"], a
EOF

"$BIN" --lang en --quiet export "$WS" --year 2024 -o "$T/x" >/dev/null 2>&1 || fail "export"
$PY - "$T/x/alerts.geojson" <<'EOF' || fail "export alerts layer: earlier years checked"
import json, sys
f = [x["properties"] for x in json.load(open(sys.argv[1]))["features"]]
assert len(f) == 5, len(f)
for p in f:
    sup = p["area_id"] == "A1" or p["rule"] in ("lab", "withheld")
    assert (p.get("value_status") == "suppressed") == sup, p
    assert sup == ("withheld" in p["message"] or "fewer than 100" in p["message"]), p
    if p["area_id"] == "A1":
        assert p["rule"] == "withheld" and p.get("threshold") is None, p
EOF

"$BIN" --lang en --quiet report "$WS" --year 2024 -o "$T/r.html" 2>/dev/null || fail "report"
# the alert table (the area cards repeat each area's alerts)
sed -n '/<h2 id="alerts">/,/<h2 id="\(plans\|cards\)">/p' "$T/r.html" > "$T/r-alerts.html"
[ "$(grep -c 'value withheld under disclosure control' "$T/r-alerts.html")" = 2 ] ||
    fail "report: B2's 2 lab alert messages withheld"
[ "$(grep -c 'fewer than 100 residents has alerts' "$T/r-alerts.html")" = 1 ] ||
    fail "report: A1 one withheld line"
grep -q "41.0 %\|38.0 %" "$T/r.html" && fail "report: a value of 2023 is shown"

[ $fails -eq 0 ] || exit 1
echo "disclosure window: ok"
