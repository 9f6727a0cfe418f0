#!/bin/bash
# labels: cli
# nabolag alerts: formats, --fail-on-alert, history, and delivery against real
# servers on 127.0.0.1 started here (Python http.server webhook, aiosmtpd),
# including servers that fail the first attempt and servers that always fail.
# Expected alerts are derived by hand in tests/fixtures/alerts/seed.sql.
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
FIX=$SRC/tests/fixtures/alerts
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-alerts.XXXXXX)
PIDS=()
fails=0

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { # description, command...
    local d=$1; shift
    "$@" || fail "$d"
}

# start_server KIND DIR MODE -> sets PORT, appends pid
start_server() {
    local kind=$1 dir=$2 mode=$3
    mkdir -p "$dir"
    timeout 120 $PY "$FIX/${kind}_server.py" "$dir" "$mode" &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        [ -s "$dir/port" ] && break
        sleep 0.1
    done
    [ -s "$dir/port" ] || { echo "FAIL: $kind server did not start" >&2; exit 1; }
    PORT=$(cat "$dir/port")
}

make_ws() { # path
    "$BIN" --lang en --quiet init "$1" >/dev/null || exit 1
    spatialite -silent "$1" < "$FIX/seed.sql" >/dev/null || { echo "FAIL: seed" >&2; exit 1; }
}

q() { sqlite3 "$1" "$2"; }

CFG=$T/fast.ini
cat > "$CFG" <<'EOF'
[project]
name = Eksempel Kommune
[alerts]
backoff = 0.1,0.2
timeout = 5
EOF

# ---- formats, fail-on-alert, history --------------------------------------
WS=$T/ws.sqlite
make_ws "$WS"
"$BIN" --lang en alerts "$WS" --config "$CFG" > "$T/a.txt"
check "alerts exit 0" [ $? -eq 0 ]
check "header" grep -q "^nabolag alerts: Eksempel Kommune, ruleset dk2021 (version 1), year 2024$" "$T/a.txt"
check "summary" grep -q "^6 new, 1 ongoing, 0 resolved, 1 superseded; 0 critical, 5 warnings; 2 positive changes; 0 areas still in a category$" "$T/a.txt"
# grouped by area, Nørre Park before Søndervang, new before ongoing/resolved
awk '/^Nørre Park \(A1\)$/{a=NR} /^Søndervang \(B2\)$/{b=NR} END{exit !(a && b && a<b)}' "$T/a.txt" \
    || fail "areas not grouped/sorted"
awk '/^Nørre Park/{on=1} /^Søndervang/{on=0} on && /NEW/{n=NR} on && /ONGOING/{o=NR} on && /SUPERSEDED/{r=NR} END{exit !(n<o && o<r)}' "$T/a.txt" \
    || fail "new, ongoing, superseded order"
check "crossed line" grep -qF "  * NEW, crossed (warning): employment criterion newly met in 2024: the share of 18–64-year-olds outside work and education was 41.0 % (threshold over 40 %), up from 38.0 % in 2023." "$T/a.txt"
check "improved marked +" grep -qF "  + NEW, improved (info): employment criterion no longer met in 2024: the share of 18–64-year-olds outside work and education was 38.2 % (threshold over 40 %), down from 41.0 % in 2023." "$T/a.txt"
check "ongoing since" grep -qF "  * ONGOING since 2023, approaching (warning): the mean gross income" "$T/a.txt"
# lab crossed its threshold: the 2023 approach is superseded, not resolved,
# keeps its severity and is not marked as good news
check "superseded marked >" grep -qF "  > SUPERSEDED, approaching (warning): the early warning (close to the threshold) on the share of 18–64-year-olds outside work and education is superseded in 2024: the threshold was crossed" "$T/a.txt"
check "no resolved" [ "$(grep -c RESOLVED "$T/a.txt")" = 0 ]
word=$(printf 'g%s' 'hetto')
if grep -qi "$word\|problem area" "$T/a.txt"; then fail "stigmatising words"; fi
# the example in docs/alerts.md is this very output
$PY - "$SRC/docs/alerts.md" "$T/a.txt" <<'PYEOF' || fail "docs/alerts.md example differs from the output"
import sys
doc = open(sys.argv[1], encoding="utf-8").read()
a = doc.index("```\nnabolag alerts: Eksempel") + 4
b = doc.index("```", a)
assert doc[a:b] == open(sys.argv[2], encoding="utf-8").read()
PYEOF

# re-running the same year changes nothing
before=$(q "$WS" "SELECT * FROM alerts ORDER BY alert_id" | md5sum)
"$BIN" --lang en --quiet alerts "$WS" --year 2024 > /dev/null
after=$(q "$WS" "SELECT * FROM alerts ORDER BY alert_id" | md5sum)
check "idempotent re-run" [ "$before" = "$after" ]
check "8 rows in 2024" [ "$(q "$WS" "SELECT COUNT(*) FROM alerts WHERE year = 2024")" = 8 ]

# 2023, then --since 2023 shows both years
"$BIN" --lang en --quiet alerts "$WS" --year 2023 -f csv > "$T/a2023.csv"
check "2023 csv rows" [ "$(tail -n +2 "$T/a2023.csv" | wc -l)" = 2 ]
"$BIN" --lang en --quiet alerts "$WS" --since 2023 -f json > "$T/since.json"
$PY - "$T/since.json" <<'EOF' || fail "--since json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["year"] == 2024 and d["since"] == 2023 and d["ruleset"] == "dk2021"
years = sorted({a["year"] for a in d["alerts"]})
assert years == [2023, 2024], years
assert len(d["alerts"]) == 10, len(d["alerts"])
inc = [a for a in d["alerts"] if a["rule"] == "inc"]
assert [(a["year"], a["state"], a["first_year"]) for a in inc] == \
    [(2024, "ongoing", 2023), (2023, "new", 2023)], inc
EOF

# CSV: RFC 4180 (CRLF, quoted messages with commas), parsed by Python
"$BIN" --lang en --quiet alerts "$WS" -f csv -o "$T/a.csv"
$PY - "$T/a.csv" <<'EOF' || fail "csv"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.count(b"\r\n") == 9, raw.count(b"\r\n")
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 8
r = [x for x in rows if x["kind"] == "crossed"][0]
assert (r["area_id"], r["rule"], r["value"], r["threshold"], r["severity"],
        r["state"]) == ("A1", "lab", "41", "40", "warning", "new"), r
assert "," in r["message"]
EOF
# -o refuses to overwrite without --overwrite
"$BIN" --lang en --quiet alerts "$WS" -f csv -o "$T/a.csv" 2>/dev/null
check "no overwrite" [ $? -eq 1 ]

# GeoJSON: RFC 7946 point features in WGS 84 (lon, lat)
"$BIN" --lang en --quiet alerts "$WS" -f geojson -o "$T/a.geojson"
$PY - "$T/a.geojson" <<'EOF' || fail "geojson"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "FeatureCollection" and "crs" not in d
assert len(d["features"]) == 8
for f in d["features"]:
    assert f["geometry"]["type"] == "Point"
    lon, lat = f["geometry"]["coordinates"]
    # UTM 32N (574500, 6222500) is about 10.2 E, 56.1 N
    assert 10.0 < lon < 10.4 and 56.0 < lat < 56.3, (lon, lat)
    assert f["properties"]["area_id"] in ("A1", "B2")
EOF

# --fail-on-alert: new/ongoing warnings -> 3
"$BIN" --lang en --quiet alerts "$WS" --fail-on-alert > /dev/null
check "fail-on-alert exit 3" [ $? -eq 3 ]
# with all severities info, nothing is raised -> 0
cat > "$T/info.ini" <<'EOF'
[alerts]
severity.crossed_criterion = info
severity.approaching_criterion = info
severity.approaching_category = info
EOF
WSI=$T/wsi.sqlite
make_ws "$WSI"
"$BIN" --lang en --quiet alerts "$WSI" --config "$T/info.ini" --fail-on-alert > /dev/null
check "fail-on-alert exit 0 when only info" [ $? -eq 0 ]

# usage errors
"$BIN" --lang en alerts "$WS" -f xml 2>/dev/null; check "bad format exit 2" [ $? -eq 2 ]
"$BIN" --lang en alerts 2>/dev/null; check "no workspace exit 2" [ $? -eq 2 ]
sum1=$(md5sum < "$WS")
"$BIN" --lang en alerts "$WS" --year 1990 2>"$T/err"; check "missing year exit 1" [ $? -eq 1 ]
check "missing year message" grep -q "no results for 1990" "$T/err"
check "failed run leaves the workspace as it was" [ "$sum1" = "$(md5sum < "$WS")" ]
printf '[alerts]\nmargin = lots\n' > "$T/bad.ini"
"$BIN" --lang en alerts "$WS" --config "$T/bad.ini" 2>"$T/err"; check "bad config exit 1" [ $? -eq 1 ]
check "bad config names file:line" grep -q "bad.ini:2: \[alerts\] margin: not a number: 'lots'" "$T/err"
check "bad config leaves the workspace" [ "$sum1" = "$(md5sum < "$WS")" ]

# ---- webhook: first attempt fails (503), second succeeds ------------------
WSW=$T/wsw.sqlite
make_ws "$WSW"
start_server webhook "$T/hook1" fail-first
"$BIN" --lang en --quiet alerts "$WSW" --config "$CFG" --notify "http://127.0.0.1:$PORT/hook" > /dev/null 2> "$T/err"
check "webhook retry exit 0" [ $? -eq 0 ]
check "two attempts" [ "$(ls "$T/hook1"/req-* | wc -l)" = 2 ]
check "first 503" [ -f "$T/hook1/req-1-503.json" ]
check "second 200" [ -f "$T/hook1/req-2-200.json" ]
check "content type" grep -q "^application/json$" "$T/hook1/ctype-2"
$PY - "$T/hook1/req-2-200.json" <<'EOF' || fail "webhook body"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tool"] == "nabolag" and d["year"] == 2024
states = {a["state"] for a in d["alerts"]}
assert states == {"new"}, states
assert len(d["alerts"]) == 6, len(d["alerts"])
kinds = sorted((a["area_id"], a["kind"], a["rule"]) for a in d["alerts"])
assert ("A1", "crossed", "lab") in kinds and ("B2", "improved", "lab") in kinds
EOF
check "delivered marked" [ "$(q "$WSW" "SELECT COUNT(*) FROM alerts WHERE year = 2024 AND state = 'new' AND delivered_at IS NOT NULL")" = 6 ]
# again: nothing new to deliver, no request
"$BIN" --lang en --quiet alerts "$WSW" --config "$CFG" --notify "http://127.0.0.1:$PORT/hook" > /dev/null
check "no second delivery" [ "$(ls "$T/hook1"/req-* | wc -l)" = 2 ]

# ---- webhook: always 500 -> exit 1 after 3 attempts, alerts kept ----------
WSF=$T/wsf.sqlite
make_ws "$WSF"
start_server webhook "$T/hook2" always-500
"$BIN" --lang en --quiet alerts "$WSF" --config "$CFG" --notify "http://127.0.0.1:$PORT/x" > /dev/null 2> "$T/err"
check "always-500 exit 1" [ $? -eq 1 ]
check "3 attempts" [ "$(ls "$T/hook2"/req-* | wc -l)" = 3 ]
check "message says undelivered" grep -q "stay undelivered" "$T/err"
check "alerts kept undelivered" [ "$(q "$WSF" "SELECT COUNT(*) FROM alerts WHERE year = 2024 AND state = 'new' AND delivered_at IS NULL")" = 6 ]
# 404 is permanent: one attempt
start_server webhook "$T/hook3" always-404
"$BIN" --lang en --quiet alerts "$WSF" --config "$CFG" --notify "http://127.0.0.1:$PORT/x" > /dev/null 2>&1
check "404 exit 1" [ $? -eq 1 ]
check "404 one attempt" [ "$(ls "$T/hook3"/req-* | wc -l)" = 1 ]
# nothing listening: connection refused, retried, exit 1
FREE=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" --lang en --quiet alerts "$WSF" --config "$CFG" --notify "http://127.0.0.1:$FREE/x" > /dev/null 2> "$T/err"
check "refused exit 1" [ $? -eq 1 ]
check "refused 3 attempts" grep -q "after 3 attempts" "$T/err"
# next run against a working server delivers them
start_server webhook "$T/hook4" ok
"$BIN" --lang en --quiet alerts "$WSF" --config "$CFG" --notify "http://127.0.0.1:$PORT/x" > /dev/null
check "later delivery exit 0" [ $? -eq 0 ]
check "later delivery one request" [ "$(ls "$T/hook4"/req-* | wc -l)" = 1 ]
check "later delivery marked" [ "$(q "$WSF" "SELECT COUNT(*) FROM alerts WHERE delivered_at IS NULL AND state = 'new' AND year = 2024")" = 0 ]

# ---- e-mail: first RCPT answered 451, then accepted ------------------------
if $PY -c 'import aiosmtpd' 2>/dev/null; then
    WSM=$T/wsm.sqlite
    make_ws "$WSM"
    start_server smtp "$T/smtp1" fail-first
    "$BIN" --lang en --quiet alerts "$WSM" --config "$CFG" --notify "smtp://127.0.0.1:$PORT" \
        --mail-to officer@kommune.example --mail-from nabolag@kommune.example > "$T/m.txt" 2> "$T/err"
    check "smtp exit 0" [ $? -eq 0 ] || cat "$T/err" >&2
    check "one message" [ "$(ls "$T/smtp1"/msg-* 2>/dev/null | wc -l)" = 1 ]
    check "envelope" grep -q "^to=officer@kommune.example$" "$T/smtp1/env-1.txt"
    $PY - "$T/smtp1/msg-1.eml" "$T/m.txt" <<'EOF' || fail "e-mail content"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(),
                             policy=email.policy.default)
assert m["Subject"] == "nabolag: 6 new alerts for 2024 (Eksempel Kommune)", m["Subject"]
assert m["From"] == "nabolag@kommune.example"
assert m["To"] == "officer@kommune.example"
assert m["Date"] and m["Message-ID"].startswith("<nabolag.")
assert m.get_content_type() == "text/plain"
body = m.get_content()
assert "Nørre Park (A1)" in body and "Søndervang (B2)" in body, body
assert "6 new, 0 ongoing, 0 resolved" in body, body
assert "+ NEW, improved (info): employment criterion no longer met" in body
# the same lines as the text format (only the new alerts)
text = open(sys.argv[2], encoding="utf-8").read()
for line in body.splitlines():
    if line.startswith("  ") and "NEW" in line:
        assert line in text, line
EOF
    check "smtp delivered marked" [ "$(q "$WSM" "SELECT COUNT(*) FROM alerts WHERE delivered_at IS NULL AND state = 'new' AND year = 2024")" = 0 ]
    "$BIN" --lang en --quiet alerts "$WSM" --notify "smtp://127.0.0.1:$PORT" 2>/dev/null >/dev/null
    check "--notify smtp without --mail-to: usage" [ $? -eq 2 ]
else
    echo "SKIP: python3-aiosmtpd not installed" >&2
fi

if [ $fails -ne 0 ]; then
    echo "$fails check(s) failed" >&2
    exit 1
fi
echo "all alerts checks passed"
