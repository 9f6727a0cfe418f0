#!/bin/bash
# labels: qgis
# Loads `nabolag export` output in headless QGIS 3.22 (python3-qgis,
# qgis-providers: scripts/deps.sh --qgis): every GeoJSON layer and the
# GeoPackage (valid, feature count, EPSG:4326, numeric fields, style applied),
# nabolag.qgs (layers resolve, temporal controller, graduated styles with the
# legal thresholds), and a render of the project that must not be blank;
# the project's print layout and field aliases in Danish and English
# (check_layout.py; NBL_LAYOUT_PNG keeps the Danish layout's PNG).
# An export of the areas layer alone (--layers areas) opens with only that
# layer. Every GeoJSON file is also checked with ogrinfo and for RFC 7946. Runs on
# the export test workspace and on the sample project (`nabolag run
# sample-data/sample.ini` on a copy). Set NBL_MAP_PNG to keep the sample's
# rendered map (docs/map.png: tests/qgis/render_map.py).
set -u
fail() { echo "FAIL: $*"; exit 1; }
PY=/usr/bin/python3
if ! $PY -c "import qgis.core" 2>/dev/null; then
    echo "SKIP: python3-qgis not installed (scripts/deps.sh --qgis)"
    exit 0
fi
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
T=$(mktemp -d /tmp/nbl_qgis.XXXXXX)
trap 'rm -rf "$T"' EXIT
FIX="$NBL_SOURCE_DIR/tests/fixtures/export"
COUNTS=areas=4,alerts=4,safety=2,timeseries=5,plans=1,profile=4

"$NBL_BIN" -q init "$T/ws.sqlite" || fail "init"
spatialite -silent "$T/ws.sqlite" < "$FIX/workspace.sql" >/dev/null ||
    fail "loading the fixture"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/geojson" || fail "export"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/gpkg" -f gpkg || fail "export gpkg"
for f in "$T"/geojson/*.geojson; do
    ogrinfo -ro -q "$f" >/dev/null 2>"$T/err" || fail "ogrinfo $f: $(cat "$T/err")"
done
$PY "$NBL_SOURCE_DIR/tests/qgis/check_rfc7946.py" "$T"/geojson/*.geojson ||
    fail "RFC 7946"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_qgis.py" "$T/geojson" geojson "$COUNTS" \
    "$T/map.png" 2>/dev/null || fail "QGIS check (GeoJSON)"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_qgis.py" "$T/gpkg" gpkg "$COUNTS" \
    "$T/map_gpkg.png" 2>/dev/null || fail "QGIS check (GeoPackage)"

# --layers areas: the project opens with that one layer (check_qgis.py fails
# on any other layer in nabolag.qgs), styled and rendered; GeoJSON and GPKG.
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/only" --layers areas ||
    fail "export --layers areas"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_qgis.py" "$T/only" geojson areas=4 \
    "$T/map_only.png" 2>/dev/null || fail "QGIS check (--layers areas)"
"$NBL_BIN" -q export "$T/ws.sqlite" -o "$T/only_gpkg" -f gpkg --layers areas ||
    fail "export -f gpkg --layers areas"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_qgis.py" "$T/only_gpkg" gpkg areas=4 \
    "$T/map_only_gpkg.png" 2>/dev/null || fail "QGIS check (gpkg --layers areas)"

# Empty layers (no alerts, no safety results) still load with their style.
cp "$T/ws.sqlite" "$T/ws2.sqlite"
sqlite3 "$T/ws2.sqlite" "DELETE FROM alerts; DELETE FROM safety_results" ||
    fail "emptying"
"$NBL_BIN" -q export "$T/ws2.sqlite" -o "$T/empty" || fail "export (empty)"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_qgis.py" "$T/empty" geojson \
    areas=4,alerts=0,safety=0,timeseries=5,plans=1,profile=4 2>/dev/null ||
    fail "QGIS check (empty layers)"
# The sample project: `nabolag run` on a copy of sample-data/ (imports,
# compute, alerts, export); then the same checks, with the counts from the
# workspace, and the map of the project (render_map.py: docs/map.png).
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/sample-data" || fail "copying the sample"
rm -rf "$T/sample-data/out"
"$NBL_BIN" -q run "$T/sample-data/sample.ini" >/dev/null 2>"$T/err" ||
    fail "nabolag run (sample): $(cat "$T/err")"
W="$T/sample-data/out/sample.sqlite"
q() { sqlite3 "$W" "$1"; }
y=$(q "SELECT MAX(year) FROM category_results")
counts="areas=$(q 'SELECT COUNT(*) FROM areas')"
counts="$counts,alerts=$(q "SELECT COUNT(*) FROM alerts WHERE year = $y")"
counts="$counts,safety=$(q "SELECT COUNT(*) FROM safety_results WHERE year = $y")"
counts="$counts,timeseries=$(q 'SELECT COUNT(*) FROM category_results')"
counts="$counts,plans=$(q 'SELECT COUNT(*) FROM plans')"
counts="$counts,profile=$(q 'SELECT COUNT(*) FROM areas')"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_rfc7946.py" "$T"/sample-data/out/*.geojson ||
    fail "RFC 7946 (sample)"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_qgis.py" "$T/sample-data/out" geojson \
    "$counts" "$T/map_sample.png" 2>/dev/null || fail "QGIS check (sample)"
map="$T/map_sample.png"
if [ -n "${NBL_MAP_PNG:-}" ]; then cp "$map" "$NBL_MAP_PNG"; fi
# The print layout and the field aliases (check_layout.py), in Danish (the
# run's export) and in English (the same workspace exported with --lang en).
rs=$(q "SELECT ruleset FROM category_results LIMIT 1")
$PY "$NBL_SOURCE_DIR/tests/qgis/check_layout.py" "$T/sample-data/out" da \
    "$y" "$rs" "$T/layout_da.png" 2>/dev/null || fail "print layout (da)"
"$NBL_BIN" -q --lang en export "$W" -o "$T/en" || fail "export --lang en"
$PY "$NBL_SOURCE_DIR/tests/qgis/check_layout.py" "$T/en" en "$y" "$rs" \
    "$T/layout_en.png" 2>/dev/null || fail "print layout (en)"
if [ -n "${NBL_LAYOUT_PNG:-}" ]; then cp "$T/layout_da.png" "$NBL_LAYOUT_PNG"; fi
echo "ok"
