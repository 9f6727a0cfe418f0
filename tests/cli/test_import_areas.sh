# labels: cli
# nabolag import areas: options, exit codes, messages and the summary; every
# failure must leave the workspace byte-for-byte as it was (sha256 before
# and after). Values are worked out by hand in tests/unit/test_import_areas.c.
set -u
BIN=${NBL_BIN:?}
FX=${NBL_SOURCE_DIR:?}/tests/fixtures/areas
T=$(mktemp -d /tmp/nbl-areas-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

WS=$T/ws.sqlite
"$BIN" init "$WS" 2>/dev/null || { echo "init failed"; exit 1; }

q() { sqlite3 -cmd "SELECT load_extension('mod_spatialite')" "$WS" "$1" 2>/dev/null | grep -v '^$'; }

# expect_fail EXIT PATTERN ARGS... : runs import areas, wants exit EXIT, a
# message matching PATTERN on stderr, and the workspace unchanged.
expect_fail() {
    local want=$1 pat=$2
    shift 2
    local before after rc
    before=$(sha256sum "$WS" | cut -d' ' -f1)
    "$BIN" import areas "$WS" "$@" 2>"$T/err" >"$T/out"
    rc=$?
    after=$(sha256sum "$WS" | cut -d' ' -f1)
    [ "$rc" = "$want" ] || fail "$*: exit $rc, want $want: $(cat "$T/err")"
    grep -qF -- "$pat" "$T/err" || fail "$*: stderr lacks '$pat': $(cat "$T/err")"
    [ "$before" = "$after" ] || fail "$*: workspace changed"
    [ "$(wc -l <"$T/err")" -le 2 ] || fail "$*: message not short: $(cat "$T/err")"
}

# --help and usage errors
"$BIN" import areas --help | grep -q -- "--dissolve" || fail "--help"
expect_fail 2 "--id FIELD is required" "$FX/squares_25832.geojson"
expect_fail 2 "expected WORKSPACE and SRC" --id code
expect_fail 2 "invalid option" "$FX/squares_25832.geojson" --id code --bogus

# data errors: exit 1, one line naming file, feature and id
expect_fail 1 "points.geojson: feature 0 (id 'P1'): geometry is a Point, not an area" \
    "$FX/points.geojson" --id code
expect_fail 1 "layer 'noprj' has no coordinate reference system; give --src-crs (e.g. EPSG:25832)" \
    "$FX/noprj.shp" --id code
expect_fail 1 "collapsed.geojson: feature 1 (id 'FLAT')" "$FX/collapsed.geojson" --id code
expect_fail 1 "duplicate id 'X' in features 0 and 2" "$FX/dup.geojson" --id code
expect_fail 1 "2 layers; choose one with -l (layers: 'squares', 'points')" \
    "$FX/squares.gpkg" --id code
expect_fail 1 "--name: no field 'nom' (fields: code, navn, kom, reg)" \
    "$FX/squares_25832.geojson" --id code --name nom
expect_fail 1 "missing.geojson: no such file" "$T/missing.geojson" --id code
"$BIN" import areas "$T/nows.sqlite" "$FX/squares_25832.geojson" --id code 2>"$T/err" \
    && fail "missing workspace accepted"
grep -qF "no such workspace" "$T/err" || fail "missing workspace: $(cat "$T/err")"
[ -e "$T/nows.sqlite" ] && fail "missing workspace created"

# success: summary on stderr, nothing on stdout
"$BIN" import areas "$WS" "$FX/squares.gpkg" -l squares --id code --name navn \
    --municipality kom --region reg >"$T/out" 2>"$T/err" || fail "gpkg import: $(cat "$T/err")"
[ -s "$T/out" ] && fail "stdout not empty"
grep -qF "2 features read, 2 areas stored (2 inserted, 0 updated), 0 parts dissolved, 0 geometries repaired" "$T/err" \
    || fail "summary: $(cat "$T/err")"
# A01: 100 m x 100 m = 10000 m²; B02: 200 m x 100 m minus a 50 m x 50 m hole = 17500 m²
got=$(q "SELECT area_id||'|'||name||'|'||municipality||'|'||region||'|'||round(area_m2,3)||'|'||ST_NDims(geom) FROM areas ORDER BY area_id")
want="A01|Åparken|101|1084|10000.0|2
B02|Bakken|147|1084|17500.0|2"
[ "$got" = "$want" ] || fail "stored areas: $got"

# bowtie repaired: warning names the id, summary counts it
"$BIN" import areas "$WS" "$FX/bowtie.geojson" --id code 2>"$T/err" || fail "bowtie: $(cat "$T/err")"
grep -qF "feature 1 (id 'BT'): invalid geometry repaired" "$T/err" || fail "bowtie warning: $(cat "$T/err")"
grep -qF "1 geometry repaired" "$T/err" || fail "bowtie count: $(cat "$T/err")"
[ "$(q "SELECT round(area_m2,3) FROM areas WHERE area_id='BT'")" = "5000.0" ] || fail "bowtie area"

# shapefile without .prj, with --src-crs; re-import updates, keeps others
"$BIN" import areas "$WS" "$FX/noprj.shp" --id code --src-crs EPSG:25832 2>"$T/err" \
    || fail "noprj with --src-crs: $(cat "$T/err")"
grep -qF "(0 inserted, 2 updated)" "$T/err" || fail "upsert summary: $(cat "$T/err")"
[ "$(q "SELECT count(*) FROM areas")" = "4" ] || fail "areas kept: $(q 'SELECT area_id FROM areas')"

# dissolve: X = 20000 + 10000 m², Y = 10000 m²
"$BIN" import areas "$WS" "$FX/dup.geojson" --id code --name navn --dissolve 2>"$T/err" \
    || fail "dissolve: $(cat "$T/err")"
grep -qF "2 parts dissolved" "$T/err" || fail "dissolve summary: $(cat "$T/err")"
grep -qF "parts differ in name" "$T/err" || fail "dissolve warning: $(cat "$T/err")"
[ "$(q "SELECT round(area_m2,3) FROM areas WHERE area_id='X'")" = "30000.0" ] || fail "dissolved area"

# TopoJSON (DAGI-style Z in arcs) with --src-crs
"$BIN" import areas "$WS" "$FX/topo_z.topojson" --id kode -l sogne --src-crs EPSG:25832 2>"$T/err" \
    || fail "topojson: $(cat "$T/err")"
[ "$(q "SELECT round(MbrMinX(geom),3)||' '||round(MbrMaxX(geom),3) FROM areas WHERE area_id='R'")" = "700100.0 700200.0" ] \
    || fail "topojson geometry"

# runs logged
[ "$(q "SELECT count(*) FROM runs WHERE kind='areas'")" = "5" ] || fail "runs: $(q 'SELECT * FROM runs')"

# --config: workspace and [areas] from a project file (paths relative to it)
mkdir -p "$T/proj"
cp "$FX/dup.geojson" "$T/proj/omr.geojson"
cat >"$T/proj/project.ini" <<'INI'
[project]
workspace = p.sqlite
[areas]
source = omr.geojson
id = code
name = navn
dissolve = true
INI
"$BIN" init "$T/proj/p.sqlite" 2>/dev/null
(cd / && "$BIN" import areas --config "$T/proj/project.ini") 2>"$T/err" || fail "--config: $(cat "$T/err")"
grep -qF "4 features read, 2 areas stored (2 inserted, 0 updated), 2 parts dissolved" "$T/err" \
    || fail "--config summary: $(cat "$T/err")"

# real data: DAGI municipalities, 311 parts -> 99 areas
R=${NBL_REALDATA:-}
if [ -n "$R" ] && [ -f "$R/dk-dagi-2014/geojson_kommuner.geojson" ]; then
    WS2=$T/dk.sqlite
    "$BIN" init "$WS2" 2>/dev/null
    WS_SAVE=$WS; WS=$WS2
    expect_fail 1 "duplicate id '0766' in features 0 and 1" \
        "$R/dk-dagi-2014/geojson_kommuner.geojson" --id KOMKODE
    "$BIN" import areas "$WS2" "$R/dk-dagi-2014/geojson_kommuner.geojson" --id KOMKODE \
        --name KOMNAVN --dissolve 2>"$T/err" || fail "dagi: $(cat "$T/err")"
    grep -qF "311 features read, 99 areas stored (99 inserted, 0 updated), 212 parts dissolved" "$T/err" \
        || fail "dagi summary: $(cat "$T/err")"
    [ "$(q "SELECT count(*) FROM areas WHERE ST_NDims(geom) = 2")" = "99" ] || fail "dagi 2-D"
    WS=$WS_SAVE
else
    echo "skipped: real data not found (NBL_REALDATA=$R)"
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "ok"
