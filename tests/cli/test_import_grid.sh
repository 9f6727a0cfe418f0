#!/bin/bash
# labels: cli
# `nabolag import grid`: area-weighted sums of kvadratnet cells into two
# square areas (values worked out by hand in the comments), the summary
# lines, a refused cell id naming line and column with the workspace left
# byte-for-byte unchanged, --areas, --column (keys and variables, as for
# statistics), --ignore and --method centroid.
set -u
BIN=${NBL_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {
    local want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "exit $got (wanted $want): $*"
        sed 's/^/    /' "$T/err"
    fi
}
has() { grep -qF -- "$1" "$T/err" || { fail "stderr lacks: $1"; sed 's/^/    /' "$T/err"; }; }
val() { sqlite3 "$WS" "SELECT coalesce(value, 'NULL') FROM stats WHERE area_id = '$1' AND year = 2024 AND variable = '$2'"; }

# A = [700000,700250] x [6170000,6170200]; B = [700250,700400] x
# [6170000,6170100]; C far away (no cell touches it).
cat >"$T/areas.geojson" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Polygon","coordinates":[[[700000,6170000],[700250,6170000],[700250,6170200],[700000,6170200],[700000,6170000]]]}},
{"type":"Feature","properties":{"id":"B"},"geometry":{"type":"Polygon","coordinates":[[[700250,6170000],[700400,6170000],[700400,6170100],[700250,6170100],[700250,6170000]]]}},
{"type":"Feature","properties":{"id":"C"},"geometry":{"type":"Polygon","coordinates":[[[600000,6100000],[600100,6100000],[600100,6100100],[600000,6100100],[600000,6100000]]]}}
]}
JSON
# Danish headings, ';' and a wide layout as DST delivers it
cat >"$T/grid.csv" <<'CSV'
Celle;År;pop;pop_18_64
100m_61700_7000;2024;10;5
100m_61701_7000;2024;20;10
100m_61700_7001;2024;30;10
100m_61701_7001;2024;40;10
100m_61700_7002;2024;50;10
100m_61701_7002;2024;60;10
100m_61700_7003;2024;8;4
100m_62000_7000;2024;5;1
CSV
WS=$T/ws.sqlite
"$BIN" init "$WS" >/dev/null 2>&1 || { echo "init failed"; exit 1; }
"$BIN" import areas "$WS" "$T/areas.geojson" --id id >/dev/null 2>&1 || { echo "areas failed"; exit 1; }

expect 0 "$BIN" import grid --help
expect 2 "$BIN" import grid "$WS"
expect 2 "$BIN" import grid "$WS" "$T/grid.csv" --method median
expect 2 "$BIN" import grid "$WS" "$T/grid.csv" --column cell
expect 1 "$BIN" import grid "$WS" "$T/grid.csv" --column cel=x
has "grid.csv: column.cel: 'cel' is not a column this file can have"

# without the mapping the cell and year are not found: the statistics'
# column mapping (colmap.c) says so and lists the unplaced headings
expect 1 "$BIN" import grid "$WS" "$T/grid.csv"
has "grid.csv: no column for 'cell', 'year' (map each with column.<key> = HEADING); unplaced headings 'Celle' (nearest: 'cell_id'"
has "(header 'Celle;År;pop;pop_18_64')"
# a variable under its own heading and a name column to ignore, as for
# statistics: --column VARIABLE=HEADING, --ignore HEADING
sed '1s/.*/Celle;Navn;År;Antal beboere;pop_18_64/; 2,$s/;/;x;/' "$T/grid.csv" >"$T/mapped.csv"
cp "$WS" "$T/m.sqlite"
expect 1 "$BIN" import grid "$T/m.sqlite" "$T/mapped.csv" --column cell=Celle --column year=År --column "pop=Antal beboere"
has "unplaced heading 'Navn'"
expect 1 "$BIN" import grid "$T/m.sqlite" "$T/mapped.csv" --column cell=Celle --column year=År --ignore Navn
has "unplaced heading 'Antal beboere' (nearest:"
expect 0 "$BIN" import grid "$T/m.sqlite" "$T/mapped.csv" --column cell=Celle --column year=År --column "pop=Antal beboere" --ignore Navn
[ "$(sqlite3 "$T/m.sqlite" "SELECT value FROM stats WHERE area_id='A' AND year=2024 AND variable='pop'")" = "155.0" ] ||
    fail "mapped pop: $(sqlite3 "$T/m.sqlite" "SELECT * FROM stats WHERE area_id='A'")"

cp "$WS" "$T/before.sqlite"
printf 'Celle;År;pop\n100m_61700_7000;2024;10\n250m_617005_70000;2024;3\n' >"$T/bad.csv"
expect 1 "$BIN" import grid "$WS" "$T/bad.csv" --column cell=Celle --column year=År
has "bad.csv:3: column 'Celle': 250 m cell corner not on the 250 m grid"
cmp -s "$WS" "$T/before.sqlite" || fail "workspace changed by a failed import"

expect 0 "$BIN" import grid "$WS" "$T/grid.csv" --column cell=Celle --column year=År
has "8 rows read, 8 cells, 1 outside every area"
has "2 areas: 4 values new"
# A: 10+20+30+40 + 50/2 + 60/2 = 155; B: 50/2 + 8 = 33; C: nothing
[ "$(val A pop)" = "155.0" ] || fail "A pop $(val A pop), wanted 155"
[ "$(val B pop)" = "33.0" ] || fail "B pop $(val B pop), wanted 33"
[ "$(val A pop_18_64)" = "45.0" ] || fail "A pop_18_64 $(val A pop_18_64), wanted 45"
[ -z "$(val C pop)" ] || fail "C got a value"
# the same again: unchanged
expect 0 "$BIN" import grid "$WS" "$T/grid.csv" --column cell=Celle --column year=År
has "0 values new, 0 updated, 4 unchanged"
# centroid differs from what is stored: refused without --replace
expect 1 "$BIN" import grid "$WS" "$T/grid.csv" --column cell=Celle --column year=År --method centroid
has "differ from the workspace's"
# --areas B only: centroid gives B 8 + 50 (the 50's centre is on B's
# edge, and A, which would take it as the smaller id, is not loaded)
expect 0 "$BIN" import grid "$WS" "$T/grid.csv" --column cell=Celle --column year=År --method centroid --areas 'B*' --replace
[ "$(val B pop)" = "58.0" ] || fail "B centroid pop $(val B pop), wanted 58"
[ "$(val A pop)" = "155.0" ] || fail "A changed by an import for B only"
expect 1 "$BIN" import grid "$WS" "$T/grid.csv" --column cell=Celle --column year=År --areas 'X-*'
has "--areas: 'X-*' matches no area"
# a suppressed cell over the missing share: 61701_7001 is 10,000 of A's
# 50,000 m² (0.2 > 0.05): A's pop missing, not evaluable
sed 's/^100m_61701_7001;2024;40/100m_61701_7001;2024;../' "$T/grid.csv" >"$T/supp.csv"
expect 0 "$BIN" import grid "$WS" "$T/supp.csv" --column cell=Celle --column year=År --replace
has "1 not evaluable"
[ "$(val A pop)" = "NULL" ] || fail "A pop $(val A pop), wanted NULL"
[ "$(sqlite3 "$WS" "SELECT status, missing_share FROM grid_results WHERE area_id='A' AND variable='pop'")" = "not_evaluable|0.2" ] \
    || fail "grid_results for A: $(sqlite3 "$WS" "SELECT * FROM grid_results WHERE area_id='A'")"

# [grid] in a project file, run by `nabolag run`: the sample's two byområder
# (rectangles) and its grid file; the expected sums are recomputed here from
# the file by interval overlaps, independently of GEOS. max_missing_share
# 0.01 makes BY-02's 2024 values (one suppressed cell: 10,000 of 562,400 m²
# = 1.8 %) missing, not evaluable.
SD=${NBL_SOURCE_DIR:?}/sample-data
mkdir -p "$T/prj"
cp "$SD/byomraader.geojson" "$SD/grid_byomraader.csv" "$T/prj/"
# the pop_18_64 column under a Danish heading, mapped in [grid] as in [stats]
sed -i '1s/;pop_18_64$/;Beboere 18-64 år/' "$T/prj/grid_byomraader.csv"
grep -q "Beboere 18-64 år" "$T/prj/grid_byomraader.csv" || fail "grid header not renamed"
cat >"$T/prj/p.ini" <<'INI'
[project]
workspace = out/p.sqlite
[areas]
source = byomraader.geojson
id = by_id
name = navn
[grid]
source = grid_byomraader.csv
column.cell = ddkncelle100m
column.year = aar
column.pop_18_64 = Beboere 18-64 år
max_missing_share = 0.01
INI
expect 0 "$BIN" run "$T/prj/p.ini"
has "grid: grid_byomraader.csv: 123 cells (3 outside every area) into 2 areas: 8 values new, 0 updated, 0 unchanged, 2 not evaluable"
PWS=$T/prj/out/p.sqlite
got=$(sqlite3 "$PWS" "SELECT area_id || ' ' || year || ' ' || variable || ' ' || CASE WHEN value IS NULL THEN 'NULL' ELSE printf('%.6f', value) END || ' ' || status FROM grid_results ORDER BY 1")
grid_sums() { # grid_sums FILE MAX_MISSING_SHARE: the expected grid_results
/usr/bin/python3 - "$1" "$2" <<'PY'
import sys
rects = {"BY-01": (572530, 6222540, 573270, 6223160),
         "BY-02": (574120, 6224230, 574880, 6224970)}
sums, miss = {}, {}
for line in open(sys.argv[1]).read().split("\n")[1:]:
    if not line:
        continue
    cell, year, *vals = line.split(";")
    n, e = int(cell.split("_")[1]) * 100, int(cell.split("_")[2]) * 100
    for a, (x0, y0, x1, y1) in rects.items():
        ov = max(0, min(x1, e + 100) - max(x0, e)) * max(0, min(y1, n + 100) - max(y0, n))
        for var, v in zip(("pop", "pop_18_64"), vals):
            k = (a, year, var)
            sums.setdefault(k, 0.0)
            miss.setdefault(k, 0.0)
            if v == "..":
                miss[k] += ov
            else:
                sums[k] += int(v) * ov / 10000.0
for k in sorted(sums):
    x0, y0, x1, y1 = rects[k[0]]
    bad = miss[k] / ((x1 - x0) * (y1 - y0)) > float(sys.argv[2])
    print(k[0], k[1], k[2], "NULL not_evaluable" if bad else "%.6f ok" % sums[k])
PY
}
want=$(grid_sums "$T/prj/grid_byomraader.csv" 0.01)
[ "$got" = "$want" ] || fail "[grid] run: got
$got
wanted
$want"

# the sample's own project for the byområder (sample-data/byomraader.ini,
# run by scripts/demo.sh): default max_missing_share 0.05, so every value
# is there
cp -r "$SD" "$T/sd"
rm -rf "$T/sd/out" "$T/sd/out-byomraader"
expect 0 "$BIN" run "$T/sd/byomraader.ini"
got=$(sqlite3 "$T/sd/out-byomraader/byomraader.sqlite" "SELECT area_id || ' ' || year || ' ' || variable || ' ' || CASE WHEN value IS NULL THEN 'NULL' ELSE printf('%.6f', value) END || ' ' || status FROM grid_results ORDER BY 1")
want=$(grid_sums "$SD/grid_byomraader.csv" 0.05)
[ "$got" = "$want" ] || fail "sample-data/byomraader.ini: got
$got
wanted
$want"
[ -s "$T/sd/out-byomraader/nabolag.gpkg" ] || fail "byomraader.ini: no GeoPackage"

# the export says why BY-02's 2024 residents are missing (not_evaluable,
# from grid_results), and that BY-01's are there
expect 0 "$BIN" export "$PWS" -o "$T/prj/exp" --year 2024
st=$(/usr/bin/python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["features"]:
    p = f["properties"]
    print(p["area_id"], p["pop_status"], p["pop"] is None)
' "$T/prj/exp/areas.geojson")
[ "$st" = "BY-01 ok False
BY-02 not_evaluable True" ] || fail "export pop_status: $st"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
