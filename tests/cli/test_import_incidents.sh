#!/bin/bash
# labels: cli
# `nabolag import incidents`: areas A, B (sharing the edge x = 721000) and C
# (with a hole) from tests/fixtures/incidents/areas.geojson; points in UTM
# and in lon/lat (converted by hand with cs2cs, see the unit test).
set -u
F="$NBL_SOURCE_DIR/tests/fixtures/incidents"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ws="$T/ws.sqlite"

"$NBL_BIN" import incidents --help | grep -q "usage: nabolag import incidents" \
    || fail "--help"
"$NBL_BIN" import incidents "$ws" 2>/dev/null; [ $? -eq 2 ] || fail "usage exit"
"$NBL_BIN" --quiet init "$ws" || fail init
"$NBL_BIN" --quiet import areas "$ws" "$F/areas.geojson" --id area_id || fail areas

"$NBL_BIN" import incidents "$ws" "$F/points_utm.csv" 2>"$T/err" || { cat "$T/err"; fail import; }
# 7 points: A (720500), B (on the shared edge: the area to the right),
# hole of C: outside, hole's right edge (723500): C, far away: outside,
# no date (inside A), B (2022).
grep -q "7 points read; 4 assigned to 3 areas; 2 outside every area; 1 without a usable date (1 of them inside an area)" "$T/err" \
    || { cat "$T/err"; fail summary; }
got=$(sqlite3 "$ws" "SELECT area_id || '/' || year || '/' || category || '=' || n FROM incident_counts ORDER BY 1" | tr '\n' ' ')
want="A/2021/vold=1 B/2021/vold=1 B/2022/indbrud=1 C/2021/indbrud=1 "
[ "$got" = "$want" ] || fail "counts: got '$got' want '$want'"

# lon/lat CSV: detected as EPSG:4326
"$NBL_BIN" --quiet import incidents "$ws" "$F/points_lonlat.csv" || fail lonlat
got=$(sqlite3 "$ws" "SELECT area_id || '=' || n FROM incident_counts WHERE year = 2020 ORDER BY 1" | tr '\n' ' ')
[ "$got" = "A=1 B=1 " ] || fail "lonlat counts: got '$got'"

# the same points as a GeoPackage (Date-typed field) give the same counts
if command -v ogr2ogr >/dev/null; then
    ws2="$T/ws2.sqlite"
    ogr2ogr -f GPKG "$T/pts.gpkg" "$F/points_utm.csv" -oo X_POSSIBLE_NAMES=x \
        -oo Y_POSSIBLE_NAMES=y -oo AUTODETECT_TYPE=YES -a_srs EPSG:25832 \
        -nln incidents || fail ogr2ogr
    "$NBL_BIN" --quiet init "$ws2" &&
        "$NBL_BIN" --quiet import areas "$ws2" "$F/areas.geojson" --id area_id &&
        "$NBL_BIN" --quiet import incidents "$ws2" "$T/pts.gpkg" -l incidents 2>/dev/null \
        || fail gpkg
    got=$(sqlite3 "$ws2" "SELECT area_id || '/' || year || '/' || category || '=' || n FROM incident_counts ORDER BY 1" | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "gpkg counts: got '$got' want '$want'"
fi

# --config: workspace and [incidents] from a project file (paths relative
# to it), run from another folder; the same 4 assigned points as above
mkdir -p "$T/proj"
cp "$F/points_utm.csv" "$T/proj/haendelser.csv"
cat >"$T/proj/project.ini" <<'INI'
[project]
workspace = p.sqlite
[incidents]
source = haendelser.csv
date_field = date
category_field = category
INI
"$NBL_BIN" --quiet init "$T/proj/p.sqlite" &&
    "$NBL_BIN" --quiet import areas "$T/proj/p.sqlite" "$F/areas.geojson" --id area_id \
    || fail "--config setup"
(cd / && "$NBL_BIN" --quiet import incidents --config "$T/proj/project.ini") 2>"$T/err" \
    || fail "--config: $(cat "$T/err")"
got=$(sqlite3 "$T/proj/p.sqlite" "SELECT area_id || '/' || year || '/' || category || '=' || n FROM incident_counts ORDER BY 1" | tr '\n' ' ')
[ "$got" = "$want" ] || fail "--config counts: got '$got' want '$want'"

# a failing import leaves the workspace byte for byte as it was
sum0=$(sha256sum < "$ws")
"$NBL_BIN" import incidents "$ws" "$F/points_utm.csv" --category-field nope 2>"$T/err"
rc=$?
[ $rc -eq 1 ] || fail "bad field exit $rc"
grep -q "no column 'nope'" "$T/err" || fail "bad field message"
"$NBL_BIN" import incidents "$ws" "$F/points_lonlat.csv" --src-crs EPSG:999999 2>/dev/null \
    && fail "bad crs accepted"
[ "$(sha256sum < "$ws")" = "$sum0" ] || fail "workspace changed by a failed import"
echo ok
