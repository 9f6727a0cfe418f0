#!/bin/bash
# labels: cli
# CRS mistakes are caught: `init --crs` refuses Web Mercator and lon/lat
# (naming EPSG:25832/25833) and accepts EPSG:25833, leaving no file; the
# real Copenhagen areas (lon/lat, ../shared/realdata) imported under a wrong
# --src-crs EPSG:25832 are refused naming the CRS, the feature and its
# coordinates, with the workspace unchanged; imported right they pass, and
# an area under 100 m² is warned about with its id.
set -u
BIN=${NBL_BIN:?}
CPH=${NBL_REALDATA:?}/cph-udsatte-byomraader/f_udsatte_byomraader.json
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

expect 1 "$BIN" init "$T/m.sqlite" --crs EPSG:3857
has "EPSG:3857 (WGS 84 / Pseudo-Mercator) changes areas by a factor of up to"
has "EPSG:25832"
[ -e "$T/m.sqlite" ] && fail "a refused init left a file"
expect 1 "$BIN" init "$T/g.sqlite" --crs 4326
has "EPSG:4326 (WGS 84) is not a projected CRS"
expect 0 "$BIN" init "$T/b.sqlite" --crs EPSG:25833

WS=$T/ws.sqlite
"$BIN" init "$WS" >/dev/null 2>&1 || { echo "init failed"; exit 1; }
cp "$WS" "$T/before.sqlite"
if [ -r "$CPH" ]; then
    expect 1 "$BIN" import areas "$WS" "$CPH" --id id --src-crs EPSG:25832
    has "f_udsatte_byomraader.json: feature 0 (id 'f_udsatte_byomraader.1'): coordinates (12.458167, 55.707181) lie outside the area of use of EPSG:25832 (ETRS89 / UTM zone 32N)"
    has "check --src-crs"
    cmp -s "$WS" "$T/before.sqlite" || fail "workspace changed by a refused import"
    expect 0 "$BIN" import areas "$WS" "$CPH" --id id
    grep -q "warning" "$T/err" && fail "warnings on the right CRS: $(cat "$T/err")"
else
    echo "skip: $CPH not available"
fi

# a 5 m x 5 m area (25 m²): imported, with a warning naming it
cat >"$T/tiny.geojson" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
{"type":"Feature","properties":{"id":"T1"},"geometry":{"type":"Polygon","coordinates":[[[720000,6170000],[720005,6170000],[720005,6170005],[720000,6170005],[720000,6170000]]]}}]}
JSON
expect 0 "$BIN" import areas "$WS" "$T/tiny.geojson" --id id
has "id 'T1': area 25 m² is under 100 m²"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
