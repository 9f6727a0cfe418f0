#!/bin/bash
# labels: cli
# Disclosure control in `nabolag alerts` and its delivery: the rule of the
# export's alerts layer (src/model/disclosure.h). Fixture: tests/fixtures/alerts/
# seed.sql (A1 Nørre Park, B2 Søndervang; 2024 alerts derived there by hand:
# A1 crossed lab, approaching category:udsat, approaching inc (ongoing),
# approaching lab resolved; B2 improved category:udsat, improved lab,
# approaching lab, approaching category:udsat) plus stats added here:
#   A1 2024: pop 80 (< min_residents_publish 100) -> the 4 A1 alerts become
#            ONE line that names no criterion, value or distance: "an area
#            with fewer than 100 residents has alerts; see the internal list";
#   B2 2024: pop 1500, pop_18_64 15 (< min_denominator 20) -> the 2 lab
#            alerts of B2 withheld, its 2 category alerts published.
# So the list has 5 lines, 3 of them withheld, with the defaults.
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
FIX=$SRC/tests/fixtures/alerts
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-alerts-disc.XXXXXX)
PIDS=()
fails=0
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

WS=$T/ws.sqlite
"$BIN" --lang en --quiet init "$WS" >/dev/null || exit 1
spatialite -silent "$WS" < "$FIX/seed.sql" >/dev/null || exit 1
sqlite3 "$WS" "INSERT INTO stats VALUES ('A1', 2024, 'pop', 80),
  ('B2', 2024, 'pop', 1500), ('B2', 2024, 'pop_18_64', 15);" || exit 1
"$BIN" --lang en --quiet alerts "$WS" --year 2023 >/dev/null || exit 1

# ---- defaults (3, 20, 100) ------------------------------------------------
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f json -o "$T/d.json" || fail "json"
$PY - "$T/d.json" <<'EOF' || fail "defaults withhold A1 and B2's lab alerts"
import json, sys
d = json.load(open(sys.argv[1]))
al = d["alerts"]
assert len(al) == 5, len(al)
assert d["disclosure"]["applied"] is True and d["disclosure"]["withheld"] == 3
assert "internal_use_only" not in d
for a in al:
    sup = a["area_id"] == "A1" or a["rule"] == "lab"
    assert (a["value_status"] == "suppressed") == sup, a
    if sup and a["area_id"] == "A1":
        # nothing about the 80-resident area's criteria: no criterion id or
        # name, no value, no threshold, no distance
        assert a["kind"] == "withheld" and a["rule"] == "withheld", a
        assert a["value"] is None and a["threshold"] is None, a
        assert a["message"] == ("Nørre Park (A1): an area with fewer than 100 "
                                "residents has alerts; see the internal list."), a
        for w in ("lab", "inc", "employment", "income", "%", "threshold",
                  "criteri", "points"):
            assert all(w not in str(v) for v in a.values()), (w, a)
    elif sup:
        assert a["value"] is None, a
        name = "Nørre Park" if a["area_id"] == "A1" else "Søndervang"
        assert a["message"] == "%s: %s (%s): value withheld under disclosure control" % (
            name, a["kind"], a["rule"]), a["message"]
        assert "41.0" not in a["message"] and "%" not in a["message"]
    else:
        assert a["rule"] == "category:udsat" and "withheld" not in a["message"], a
        assert a["value"] is not None
EOF
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f text > "$T/d.txt" || fail "text"
grep -q "^3 alerts withheld under disclosure control (too few residents or too small a denominator)$" "$T/d.txt" || fail "text: withheld count"
# the text block of A1: one line, nothing about its criteria
sed -n '/^Nørre Park (A1)$/,/^$/p' "$T/d.txt" > "$T/a1.txt"
[ "$(grep -c '^  ' "$T/a1.txt")" = 1 ] || fail "text: A1 has one line: $(cat "$T/a1.txt")"
grep -qiE "lab|inc|employment|income|%|threshold|criteri" "$T/a1.txt" &&
    fail "text: A1's criteria named: $(cat "$T/a1.txt")"
# and in Danish
"$BIN" --quiet alerts "$WS" --year 2024 -f text > "$T/da.txt" || fail "text da"
grep -q "Nørre Park (A1)" "$T/da.txt" || fail "text da: A1 missing"
sed -n '/^Nørre Park (A1)$/,/^$/p' "$T/da.txt" | grep -q "et område med færre end 100 beboere har varsler; se den interne liste" ||
    fail "text da: A1 line: $(sed -n '/^Nørre Park (A1)$/,/^$/p' "$T/da.txt")"
grep -q "41.0 %\|58.0 %\|38.2 %" "$T/d.txt" && fail "text: a withheld value is shown"
grep -q "INTERNAL" "$T/d.txt" && fail "text: marked internal"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f csv > "$T/d.csv" || fail "csv"
$PY - "$T/d.csv" <<'EOF' || fail "csv: value_status"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 5
assert sum(r["value_status"] == "suppressed" for r in rows) == 3
a1 = [r for r in rows if r["area_id"] == "A1"]
assert len(a1) == 1 and a1[0]["rule"] == "withheld" and a1[0]["threshold"] == ""
assert all(r["value"] == "" for r in rows if r["value_status"] == "suppressed")
assert "internal_use_only" not in rows[0]
EOF
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f geojson > "$T/d.geojson" || fail "geojson"
grep -q "value withheld" "$T/d.geojson" || fail "geojson: withheld"

# ---- [disclosure] from --config ------------------------------------------
# min_residents_publish 50: A1 (80) is published; min_denominator 10: B2's
# 15 is enough -> nothing withheld.
cat > "$T/lax.ini" <<'EOF'
[disclosure]
min_residents_publish = 50
min_denominator = 10
EOF
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f json --config "$T/lax.ini" -o "$T/lax.json" || fail "lax"
$PY -c "
import json,sys; d=json.load(open('$T/lax.json'))
assert d['disclosure']['withheld'] == 0 and d['disclosure']['min_residents_publish'] == 50
assert all(a['value_status'] != 'suppressed' for a in d['alerts'])
" || fail "config [disclosure] not applied"
# min_denominator 10 only: A1 still withheld (one line), B2 published
printf '[disclosure]\nmin_denominator = 10\n' > "$T/den.ini"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f json --config "$T/den.ini" -o "$T/den.json" || fail "den"
$PY -c "
import json; d=json.load(open('$T/den.json'))
assert d['disclosure']['withheld'] == 1, d['disclosure']   # A1's one line
" || fail "config min_denominator"
printf '[disclosure]\nmin_count = -1\n' > "$T/bad.ini"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 --config "$T/bad.ini" >/dev/null 2>"$T/bad.err"
[ $? -eq 1 ] || fail "bad [disclosure] value: exit 1"
grep -q "min_count" "$T/bad.err" || fail "bad [disclosure] value: message"

# ---- --internal-unsuppressed ---------------------------------------------
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f json --internal-unsuppressed \
    -o "$T/i.json" 2>"$T/i.err" || fail "internal"
grep -q "internal use only" "$T/i.err" || fail "internal: no warning on stderr"
$PY -c "
import json; d=json.load(open('$T/i.json'))
assert d['internal_use_only'].startswith('UNSUPPRESSED VALUES: FOR INTERNAL USE ONLY')
assert d['disclosure']['applied'] is False and d['disclosure']['withheld'] == 0
assert all(a['value_status'] != 'suppressed' for a in d['alerts'])
assert any('41.0 %' in a['message'] for a in d['alerts'])
" || fail "internal json"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 --internal-unsuppressed 2>/dev/null | sed -n 2p |
    grep -q "^UNSUPPRESSED VALUES: FOR INTERNAL USE ONLY" || fail "internal text: mark"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 -f csv --internal-unsuppressed 2>/dev/null |
    head -1 | grep -q ",internal_use_only" || fail "internal csv: column"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 --internal-unsuppressed \
    --notify http://127.0.0.1:9/x >/dev/null 2>&1
[ $? -eq 2 ] || fail "internal + --notify: usage error"

# ---- the report's alert table withholds the same messages ----------------
"$BIN" --lang en --quiet report "$WS" --year 2024 -o "$T/r.html" 2>/dev/null || fail "report"
# the alert table (the area cards repeat each area's alerts)
sed -n '/<h2 id="alerts">/,/<h2 id="\(plans\|cards\)">/p' "$T/r.html" > "$T/r-alerts.html"
[ "$(grep -c 'value withheld under disclosure control' "$T/r-alerts.html")" = 2 ] ||
    fail "report: B2's 2 lab alert messages withheld"
[ "$(grep -c 'an area with fewer than 100 residents has alerts' "$T/r-alerts.html")" = 1 ] ||
    fail "report: A1 has one withheld line"
# nothing in the report names A1's criteria next to it
$PY - "$T/r.html" <<'EOF' || fail "report: A1's criteria appear"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
for row in re.findall(r"<tr[^>]*>.*?</tr>", h, re.S):
    if "Nørre Park" in row or ">A1<" in row:
        text = re.sub(r"<[^>]+>", " ", row)
        for w in ("employment", "income", "threshold", "criteri", "lab ", "%"):
            assert w not in text, (w, text)
EOF
grep -q "41.0 %\|58.0 %\|38.2 %" "$T/r.html" && fail "report: a withheld value is shown"
"$BIN" --lang en --quiet report "$WS" --year 2024 --config "$T/lax.ini" -o "$T/r2.html" 2>/dev/null || fail "report lax"
grep -q "value withheld" "$T/r2.html" && fail "report: [disclosure] from --config not applied"

# ---- delivery carries the same withheld messages -------------------------
mkdir -p "$T/hook"
timeout 60 $PY "$FIX/webhook_server.py" "$T/hook" ok &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$T/hook/port" ] && break; sleep 0.1; done
PORT=$(cat "$T/hook/port")
# an internal run with notify in the config skips delivery (warning)
printf '[alerts]\nnotify = http://127.0.0.1:%s/hook\n' "$PORT" > "$T/hook.ini"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 --config "$T/hook.ini" \
    --internal-unsuppressed >/dev/null 2>"$T/skip.err" || fail "internal + config notify"
grep -q "notify is skipped" "$T/skip.err" || fail "internal: skip warning"
ls "$T/hook"/req-* >/dev/null 2>&1 && fail "internal output was delivered"
"$BIN" --lang en --quiet alerts "$WS" --year 2024 --config "$T/hook.ini" >/dev/null || fail "deliver"
$PY - "$T/hook" <<'EOF' || fail "delivered alerts are disclosure-controlled"
import glob, json, sys
reqs = glob.glob(sys.argv[1] + "/req-*-200.json")
assert len(reqs) == 1, reqs
d = json.load(open(reqs[0]))
new = d["alerts"]
# the 6 new alerts of 2024 (seed.sql), A1's two as one withheld line
assert len(new) == 5, len(new)
w = [a for a in new if a["value_status"] == "suppressed"]
assert len(w) == 3, len(w)       # A1's one line; B2 lab x2
assert all(a["value"] is None and ("withheld" in a["message"] or
           "fewer than 100 residents" in a["message"]) for a in w)
assert not any("41.0 %" in a["message"] or "38.2 %" in a["message"] for a in new)
EOF
[ $fails -eq 0 ] || exit 1
echo "alerts disclosure: ok"
