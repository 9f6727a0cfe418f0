#!/bin/bash
# labels: cli
# Delivery configured in a project file: `nabolag run` on a copy of
# sample-data/ with [alerts] notify pointing at the test webhook
# (tests/fixtures/alerts/webhook_server.py) or at the aiosmtpd fixture.
# Checks: the new alerts of the year arrive exactly once (count, and the
# README's SK-04 crossing as a sample message); a second run delivers
# nothing; a failing webhook makes the run exit 1 after writing its outputs,
# the alerts stay undelivered and the next run delivers them.
set -u
BIN=${NBL_BIN:?}
SRC=${NBL_SOURCE_DIR:?}
FIX=$SRC/tests/fixtures/alerts
PY=/usr/bin/python3
T=$(mktemp -d /tmp/nbl-run-notify.XXXXXX)
PIDS=()
fails=0
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

start_server() { # kind dir mode -> PORT
    mkdir -p "$2"
    timeout 120 $PY "$FIX/$1_server.py" "$2" "$3" &
    PIDS+=($!)
    for _ in $(seq 1 100); do [ -s "$2/port" ] && break; sleep 0.1; done
    [ -s "$2/port" ] || { echo "FAIL: $1 server did not start" >&2; exit 1; }
    PORT=$(cat "$2/port")
}

# project DIR NOTIFY [MAIL_TO]: a copy of the sample with delivery set
project() {
    mkdir -p "$1"
    (cd "$SRC/sample-data" && cp areas.geojson boligsocial.csv incidents.csv \
        plans.csv refs.csv stats.csv survey.csv beboere_excel.csv \
        udsaettelser.xlsx dst_folk1a.csv kommune.geojson sample.ini "$1/") || exit 1
    sed -i -e "s|^# notify = .*|notify = $2\nbackoff = 0.1,0.2\ntimeout = 5|" \
        "$1/sample.ini"
    if [ -n "${3:-}" ]; then
        sed -i -e "s|^# mail_to = .*|mail_to = $3|" "$1/sample.ini"
    fi
    grep -q "^notify = $2$" "$1/sample.ini" || { echo "FAIL: sed" >&2; exit 1; }
}

q() { sqlite3 "$1/out/sample.sqlite" "$2"; }
nreq() { ls "$1"/req-*-200.json 2>/dev/null | wc -l; }

# ---- webhook: delivered once ------------------------------------------------
start_server webhook "$T/hook" ok
P=$T/p1
project "$P" "http://127.0.0.1:$PORT/hook"
"$BIN" --lang en --quiet run "$P/sample.ini" >/dev/null 2>"$T/run1.err" ||
    { fail "run 1 exit $?"; cat "$T/run1.err" >&2; }
[ "$(nreq "$T/hook")" = 1 ] || fail "run 1: one POST, got $(nreq "$T/hook")"
NEW=$(q "$P" "SELECT COUNT(*) FROM alerts WHERE year = 2024 AND state = 'new'")
[ "$NEW" -gt 0 ] || fail "no new alerts in 2024"
[ "$(q "$P" "SELECT COUNT(*) FROM alerts WHERE year = 2024 AND state = 'new' AND delivered_at IS NULL")" = 0 ] ||
    fail "run 1: new alerts left undelivered"
[ "$(q "$P" "SELECT COUNT(*) FROM alerts WHERE state <> 'new' AND delivered_at IS NOT NULL")" = 0 ] ||
    fail "run 1: ongoing/resolved alerts marked delivered"
$PY - "$T/hook/req-1-200.json" "$NEW" <<'EOF' || fail "run 1: webhook body"
import json, sys
d = json.load(open(sys.argv[1]))
al = d["alerts"]
# exactly the new alerts of 2024, each once
assert len(al) == int(sys.argv[2]), (len(al), sys.argv[2])
assert all(a["state"] == "new" and a["year"] == 2024 for a in al)
keys = [(a["area_id"], a["kind"], a["rule"]) for a in al]
assert len(set(keys)) == len(keys)
# sample-data/README.md: SK-04 crosses into udsat in 2024
m = [a for a in al if a["area_id"] == "SK-04" and a["kind"] == "crossed"
     and a["rule"] == "category:udsat"]
assert len(m) == 1, keys
assert "now udsat boligområde (udsat) in 2024" in m[0]["message"], m[0]["message"]
assert d["ruleset"] == "dk2021" and d["year"] == 2024
assert d["disclosure"]["applied"] is True
EOF
# run 2: same data, nothing new to deliver
"$BIN" --lang en --quiet run "$P/sample.ini" >/dev/null 2>"$T/run2.err" || fail "run 2 exit $?"
[ "$(ls "$T/hook"/req-* | wc -l)" = 1 ] || fail "run 2 delivered again"

# ---- webhook failing: exit 1 after the outputs, next run delivers ----------
start_server webhook "$T/bad" always-500
BADPORT=$PORT
P=$T/p2
project "$P" "http://127.0.0.1:$BADPORT/hook"
"$BIN" --lang en --quiet run "$P/sample.ini" >"$T/run3.out" 2>"$T/run3.err"
rc=$?
[ $rc -eq 1 ] || fail "failing webhook: exit $rc, expected 1"
grep -q "delivery failed after 3 attempts" "$T/run3.err" ||
    fail "failing webhook: message: $(cat "$T/run3.err")"
[ "$(ls "$T/bad"/req-*-500.json 2>/dev/null | wc -l)" = 3 ] || fail "3 attempts"
for f in areas.geojson alerts.geojson safety.geojson nabolag.qgs; do
    [ -s "$P/out/$f" ] || fail "failing webhook: $f not written"
done
grep -q "SK-04" "$T/run3.out" || fail "failing webhook: alert list not printed"
N2=$(q "$P" "SELECT COUNT(*) FROM alerts WHERE year = 2024 AND state = 'new'")
[ "$N2" = "$NEW" ] || fail "failing webhook: alerts not stored ($N2)"
[ "$(q "$P" "SELECT COUNT(*) FROM alerts WHERE delivered_at IS NOT NULL")" = 0 ] ||
    fail "failing webhook: alerts marked delivered"
# the hook works again (another server): the next run delivers them once
start_server webhook "$T/hook2" ok
sed -i "s|^notify = .*|notify = http://127.0.0.1:$PORT/hook|" "$P/sample.ini"
"$BIN" --lang en --quiet run "$P/sample.ini" >/dev/null 2>"$T/run4.err" || fail "run 4 exit $?"
[ "$(nreq "$T/hook2")" = 1 ] || fail "run 4: one POST"
$PY -c "
import json; assert len(json.load(open('$T/hook2/req-1-200.json'))['alerts']) == $NEW
" || fail "run 4: the undelivered alerts"
[ "$(q "$P" "SELECT COUNT(*) FROM alerts WHERE state = 'new' AND delivered_at IS NULL")" = 0 ] ||
    fail "run 4: still undelivered"
"$BIN" --lang en --quiet run "$P/sample.ini" >/dev/null 2>&1 || fail "run 5 exit"
[ "$(ls "$T/hook2"/req-* | wc -l)" = 1 ] || fail "run 5 delivered again"

# ---- e-mail: mail_to + smtp:// notify ---------------------------------------
if $PY -c 'import aiosmtpd' 2>/dev/null; then
    start_server smtp "$T/smtp" ok
    P=$T/p3
    project "$P" "smtp://127.0.0.1:$PORT" "boligsocial@kommune.example"
    "$BIN" --lang en --quiet run "$P/sample.ini" >/dev/null 2>"$T/run6.err" ||
        { fail "smtp run exit"; cat "$T/run6.err" >&2; }
    [ "$(ls "$T/smtp"/msg-* 2>/dev/null | wc -l)" = 1 ] || fail "smtp: one message"
    grep -q "^to=boligsocial@kommune.example$" "$T/smtp/env-1.txt" || fail "smtp: envelope"
    $PY - "$T/smtp/msg-1.eml" "$NEW" <<'EOF' || fail "smtp: content"
import email, email.header, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
subj = str(m["Subject"])
assert subj.startswith("nabolag: %s new alerts for 2024" % sys.argv[2]), subj
body = m.get_content()
assert "(SK-04)" in body and "NEW, crossed" in body, body[:400]
assert body.count("NEW, ") == int(sys.argv[2]), body.count("NEW, ")
EOF
    "$BIN" --lang en --quiet run "$P/sample.ini" >/dev/null 2>&1 || fail "smtp run 2 exit"
    [ "$(ls "$T/smtp"/msg-* | wc -l)" = 1 ] || fail "smtp: delivered twice"
else
    echo "note: python3-aiosmtpd missing, e-mail part skipped" >&2
fi
[ $fails -eq 0 ] || exit 1
echo "run + delivery: ok ($NEW new alerts delivered once)"
