#!/bin/bash
# labels: cli
# Incident CSV quirks found in review: a ';' file with '.' decimals keeps
# every point (coordinates accept either decimal mark), and a stray quote is
# an error naming the record instead of a category with a quote in it; the
# workspace is unchanged after the error.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
fail() { echo "FAIL: $*" >&2; exit 1; }
"$N" -q init "$T/ws.sqlite"
spatialite -silent "$T/ws.sqlite" "INSERT INTO areas(area_id,name,geom) VALUES ('A','a',CastToMulti(GeomFromText('POLYGON((0 0,200 0,200 200,0 200,0 0))',25832)))" >/dev/null
# (10.5, 10.5) and (150.25, 50) lie in A, (99999, 5) outside
printf 'x;y;year;category\n10.5;10.5;2021;a\n150,25;50;2021;a\n99999;5;2021;a\n' > "$T/semi.csv"
"$N" -q import incidents "$T/ws.sqlite" "$T/semi.csv" --src-crs EPSG:25832 2>/dev/null
got=$(sqlite3 "$T/ws.sqlite" "SELECT area_id||'|'||year||'|'||category||'|'||n FROM incident_counts")
[ "$got" = "A|2021|a|2" ] || fail "';' file with '.' decimals: $got"
sum=$(sha256sum < "$T/ws.sqlite")
printf 'x,y,year,category\n10,10,2021,a"b\n150,50,2021,"a"x\n' > "$T/quote.csv"
rc=0; out=$("$N" import incidents "$T/ws.sqlite" "$T/quote.csv" --src-crs EPSG:25832 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "stray quote: exit $rc"
grep -q "quote.csv:2: " <<<"$out" || fail "stray quote message: $out"
[ "$(sha256sum < "$T/ws.sqlite")" = "$sum" ] || fail "workspace changed"
echo "incidents csv: all checks passed"
