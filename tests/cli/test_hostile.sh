#!/bin/bash
# labels: cli
# Hostile input kept as tests (issue 18, point 7): area ids and names with
# quotes, ';', '--', <script>, ']]>', control characters and 10,000
# characters are stored and exported verbatim and escaped in the report,
# the .qgs/.qml and the JSON/CSV alert files (checked with real parsers in
# tests/cli/hostile.py); a 10 MB CSV line, NaN/Infinity/1e309/-0 and years
# 0 and 99999 each get one bounded line. The 1,000,000-vertex polygon is
# test_hostile_big.sh (label slow).
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
H="$NBL_SOURCE_DIR/tests/cli/hostile.py"
fail() { echo "FAIL: $*" >&2; exit 1; }
ws="$T/ws.sqlite"
python3 "$H" make "$T"
"$N" -q init "$ws"
"$N" -q import areas "$ws" "$T/areas.geojson" --id id --name name \
    --municipality kommune --region region
"$N" -q import stats "$ws" "$T/stats.csv"
"$N" -q compute "$ws" --criteria-only
mkdir "$T/out"
"$N" -q alerts "$ws" -f json -o "$T/out/alerts.json"
"$N" -q alerts "$ws" -f csv -o "$T/out/alerts.csv"
"$N" -q export "$ws" -o "$T/out" --overwrite
"$N" -q report "$ws" -o "$T/out/report.html"
python3 "$H" check "$T/out" "$ws"

# one bounded line for each hostile value; nothing stored
one_line() { # FILE PATTERN: exit 1, the pattern, no line over 400 bytes
    local rc=0 err
    err=$("$N" import stats "$ws" "$1" 2>&1) || rc=$?
    [ "$rc" = 1 ] || fail "$(basename "$1"): exit $rc"
    grep -qF -- "$2" <<<"$err" || fail "$(basename "$1"): expected '$2' in: ${err:0:600}"
    awk 'length > 400 { exit 1 }' <<<"$err" || fail "$(basename "$1"): a message line over 400 bytes"
}
n0=$(sqlite3 "$ws" "SELECT COUNT(*) FROM stats")
printf 'area_id,year,variable,value\nL7,2020,pop,Infinity\n' > "$T/inf.csv"
one_line "$T/inf.csv" "inf.csv:2: column 'value': not a number: 'Infinity'"
printf 'area_id,year,variable,value\nL7,2020,pop,1e309\n' > "$T/big.csv"
one_line "$T/big.csv" "big.csv:2: column 'value': not a number: '1e309'"
printf 'area_id,year,variable,value\nL7,0,pop,5\n' > "$T/y0.csv"
one_line "$T/y0.csv" "y0.csv:2: column 'year'"
printf 'area_id,year,variable,value\nL7,99999,pop,5\n' > "$T/y5.csv"
one_line "$T/y5.csv" "y5.csv:2: column 'year'"
# a 10 MB line: one quoted value of 10,000,000 bytes
python3 -c 'import sys; sys.stdout.write("area_id,year,variable,value\nL7,2020,pop,\"" + "9" * 10000000 + "\"\n")' > "$T/long.csv"
one_line "$T/long.csv" "long.csv:2: column 'value'"
# an id of 10 MB
python3 -c 'import sys; sys.stdout.write("area_id,year,variable,value\n\"" + "x" * 10000000 + "\",2020,pop,5\n")' > "$T/longid.csv"
one_line "$T/longid.csv" "longid.csv:2: column 'area_id': unknown area"
[ "$(sqlite3 "$ws" "SELECT COUNT(*) FROM stats")" = "$n0" ] || fail "a hostile value was stored"
# NaN is a missing value (documented), -0 is 0
printf 'area_id,year,variable,value\nL7,2030,pop,NaN\nL7,2031,pop,-0\n' > "$T/nan.csv"
"$N" -q import stats "$ws" "$T/nan.csv" || fail "NaN/-0 refused"
[ "$(sqlite3 "$ws" "SELECT quote(value) FROM stats WHERE year = 2030")" = "NULL" ] || fail "NaN not stored as missing"
[ "$(sqlite3 "$ws" "SELECT printf('%g', value) FROM stats WHERE year = 2031")" = "0" ] || fail "-0 not stored as 0"
echo ok
