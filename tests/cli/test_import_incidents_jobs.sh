#!/bin/bash
# labels: cli
# `import incidents --jobs N`: the points are located on N threads, and the
# counts, the summary and the warnings are the same for any N. 30,000
# points (7 batches of 4,096 and a partial one) over areas A, B and C of
# tests/fixtures/incidents/areas.geojson and around them (x 719000-725000,
# y 6169500-6172500), some without a date, in two categories; plus
# lon/lat points, transformed on each thread with its own PROJ copy.
set -u
F="$NBL_SOURCE_DIR/tests/fixtures/incidents"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

awk 'BEGIN { print "x,y,date,category"; s = 12345;
    for (i = 0; i < 30000; i++) {
        s = (s * 1103515245 + 12345) % 2147483648; x = 719000 + s % 6000;
        s = (s * 1103515245 + 12345) % 2147483648; y = 6169500 + s % 3000;
        d = (i % 97 == 0) ? "" : sprintf("%d-06-01", 2019 + i % 4);
        printf "%d.5,%d.25,%s,%s\n", x, y, d, (i % 3 ? "vold" : "indbrud") } }' \
    >"$T/points.csv"
awk -F, 'NR == 1 { print "lon,lat,date"; next }
    NR <= 9001 { printf "%.6f,%.6f,%s\n", 9 + ($1 - 719000) / 60000, 55.6 + ($2 - 6170000) / 110000, $3 }' \
    "$T/points.csv" >"$T/lonlat.csv"

"$NBL_BIN" --quiet init "$T/base.sqlite" || fail init
"$NBL_BIN" --quiet import areas "$T/base.sqlite" "$F/areas.geojson" --id area_id || fail areas
for j in 1 2 3; do
    cp "$T/base.sqlite" "$T/ws$j.sqlite"
    "$NBL_BIN" import incidents "$T/ws$j.sqlite" "$T/points.csv" --jobs "$j" \
        2>"$T/err$j" || { cat "$T/err$j"; fail "import --jobs $j"; }
    "$NBL_BIN" import incidents "$T/ws$j.sqlite" "$T/lonlat.csv" -j "$j" \
        2>>"$T/err$j" || { cat "$T/err$j"; fail "lon/lat --jobs $j"; }
    sqlite3 "$T/ws$j.sqlite" "SELECT area_id, year, category, n FROM incident_counts ORDER BY 1, 2, 3" \
        >"$T/counts$j"
done
grep -q "30000 points read" "$T/err1" || { cat "$T/err1"; fail "summary"; }
[ "$(wc -l <"$T/counts1")" -ge 20 ] || fail "too few counts: $(cat "$T/counts1")"
# every point is counted once: assigned + outside + no date = 30,000
sum=$(sed -n 's/.*points read; \([0-9]*\) assigned.*; \([0-9]*\) outside every area; \([0-9]*\) without a usable date.*/\1 \2 \3/p' "$T/err1" | head -1)
[ "$(echo "$sum" | awk '{print $1 + $2 + $3}')" = 30000 ] || fail "totals: $sum"
for j in 2 3; do
    cmp -s "$T/counts1" "$T/counts$j" || fail "counts differ with --jobs $j: $(diff "$T/counts1" "$T/counts$j" | head -5)"
    cmp -s "$T/err1" "$T/err$j" || fail "messages differ with --jobs $j: $(diff "$T/err1" "$T/err$j" | head -5)"
done

"$NBL_BIN" import incidents "$T/ws1.sqlite" "$T/points.csv" --jobs 0 2>"$T/e"
[ $? -eq 2 ] || fail "--jobs 0 exit"
grep -q -- "--jobs must be from 1 to 64, not 0" "$T/e" || { cat "$T/e"; fail "--jobs 0 message"; }
echo "ok"
