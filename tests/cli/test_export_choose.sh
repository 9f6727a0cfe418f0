#!/bin/bash
# labels: cli
# `nabolag export --layers` and `[export] layers`: only the layers asked for
# are written, each byte for byte as in the full export (GeoJSON and the
# GeoPackage), and nabolag.qgs and the GeoPackage's layer_styles name only
# them; a bad name is a usage error naming it and listing the six. Output
# folders whose parents are missing are made as `mkdir -p` does (for -o and
# [export] dir), with the mode of the folder itself, and removed again when
# the export fails. (That QGIS opens such a project with only that layer:
# cli.test_qgis.)
set -u
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d /tmp/nbl_xchoose.XXXXXX)
trap 'rm -rf "$T"' EXIT
N="$NBL_BIN"
FIX="$NBL_SOURCE_DIR/tests/fixtures/export"
# one timestamp in the provenance of every export, so files compare byte
# for byte
export SOURCE_DATE_EPOCH=1767225600

"$N" -q init "$T/ws.sqlite" || fail "init"
spatialite -silent "$T/ws.sqlite" < "$FIX/workspace.sql" >/dev/null ||
    fail "loading the fixture"
"$N" -q export "$T/ws.sqlite" -o "$T/full" || fail "full export"
"$N" -q export "$T/ws.sqlite" -o "$T/full_gpkg" -f gpkg || fail "full gpkg"

# ---- GeoJSON: --layers areas ----------------------------------------------
"$N" -q export "$T/ws.sqlite" -o "$T/one" --layers areas || fail "--layers areas"
got=$(cd "$T/one" && ls | tr '\n' ' ')
[ "$got" = "areas.geojson areas.qml nabolag.qgs " ] ||
    fail "--layers areas wrote: $got"
for f in areas.geojson areas.qml; do
    cmp -s "$T/full/$f" "$T/one/$f" || fail "$f differs from the full export's"
done
# the project names the one layer: in its layer tree, its layers, the layout
# legend, and nowhere another layer's id
grep -c '<maplayer ' "$T/one/nabolag.qgs" | grep -qx 1 ||
    fail "nabolag.qgs: not one <maplayer>"
grep -q '<id>nabolag_areas</id>' "$T/one/nabolag.qgs" ||
    fail "nabolag.qgs: no areas layer"
for other in alerts plans profile safety timeseries; do
    ! grep -q "nabolag_$other\|$other.geojson" "$T/one/nabolag.qgs" ||
        fail "nabolag.qgs names the layer $other"
done
grep -c '<maplayer ' "$T/full/nabolag.qgs" | grep -qx 6 ||
    fail "the full project has not six layers"

# two layers, the list in another order and with spaces: the export's own
# order (alerts before areas, as in the full project's legend)
"$N" -q export "$T/ws.sqlite" -o "$T/two" --layers " areas , alerts" ||
    fail "--layers ' areas , alerts'"
got=$(cd "$T/two" && ls | tr '\n' ' ')
[ "$got" = "alerts.geojson alerts.qml areas.geojson areas.qml nabolag.qgs " ] ||
    fail "--layers areas,alerts wrote: $got"
order=$(grep -o '<id>nabolag_[a-z]*</id>' "$T/two/nabolag.qgs" | tr '\n' ' ')
[ "$order" = "<id>nabolag_alerts</id> <id>nabolag_areas</id> " ] ||
    fail "layer order in the project: $order"
for f in alerts.geojson alerts.qml areas.geojson; do
    cmp -s "$T/full/$f" "$T/two/$f" || fail "$f differs from the full export's"
done

# ---- GeoPackage: --layers areas ---------------------------------------------
"$N" -q export "$T/ws.sqlite" -o "$T/one_gpkg" -f gpkg --layers areas ||
    fail "gpkg --layers areas"
got=$(cd "$T/one_gpkg" && ls | tr '\n' ' ')
[ "$got" = "nabolag.gpkg nabolag.qgs " ] || fail "gpkg --layers areas wrote: $got"
tables=$(sqlite3 "$T/one_gpkg/nabolag.gpkg" \
    "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")
[ "$tables" = "areas" ] || fail "gpkg layers: $tables"
styled=$(sqlite3 "$T/one_gpkg/nabolag.gpkg" \
    "SELECT DISTINCT f_table_name FROM layer_styles")
[ "$styled" = "areas" ] || fail "gpkg layer_styles name: $styled"
# the areas layer and its styles as in the full GeoPackage
for d in full_gpkg one_gpkg; do
    ogr2ogr -f GeoJSON "$T/$d.areas.json" "$T/$d/nabolag.gpkg" areas ||
        fail "reading $d"
    sqlite3 "$T/$d/nabolag.gpkg" "SELECT styleName, styleQML FROM layer_styles
        WHERE f_table_name = 'areas' ORDER BY styleName" > "$T/$d.styles"
done
cmp -s "$T/full_gpkg.areas.json" "$T/one_gpkg.areas.json" ||
    fail "gpkg: the areas layer differs from the full export's"
[ -s "$T/full_gpkg.styles" ] || fail "gpkg: no styles of areas"
cmp -s "$T/full_gpkg.styles" "$T/one_gpkg.styles" ||
    fail "gpkg: the styles of areas differ from the full export's"
! grep -q "nabolag_alerts\|layername=alerts" "$T/one_gpkg/nabolag.qgs" ||
    fail "gpkg nabolag.qgs names alerts"

# ---- bad lists: usage error, the name and the six layers, nothing written --
six="alerts, plans, areas, profile, safety, timeseries"
rc=0; out=$("$N" --lang en export "$T/ws.sqlite" -o "$T/bad" \
    --layers areas,area 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "unknown layer: exit $rc"
grep -qF "nabolag export: --layers: unknown layer 'area'; the layers are: $six" \
    <<<"$out" || fail "unknown layer message: $out"
[ ! -e "$T/bad" ] || fail "a refused export made its folder"
rc=0; out=$("$N" --lang da export "$T/ws.sqlite" -o "$T/bad" \
    --layers Areas 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "unknown layer (da): exit $rc"
grep -qF "ukendt lag 'Areas'; lagene er: $six" <<<"$out" ||
    fail "unknown layer message (da): $out"
for empty in "" "," " , "; do
    rc=0; out=$("$N" --lang en export "$T/ws.sqlite" -o "$T/bad" \
        --layers "$empty" 2>&1) || rc=$?
    [ "$rc" = 2 ] || fail "empty list '$empty': exit $rc"
    grep -qF -- "--layers: no layer given; the layers are: $six" <<<"$out" ||
        fail "empty list '$empty' message: $out"
done
[ ! -e "$T/bad" ] || fail "a refused export made its folder"

# ---- -o with missing parents: made (mode as the folder's), removed on failure
(umask 027 && "$N" -q export "$T/ws.sqlite" -o "$T/new/deep/er" --layers safety) ||
    fail "-o with missing parents"
[ -f "$T/new/deep/er/safety.geojson" ] || fail "-o new/deep/er: no safety layer"
modes=$(stat -c %a "$T/new" "$T/new/deep" "$T/new/deep/er" | tr '\n' ' ')
[ "$modes" = "750 750 750 " ] || fail "modes of the made folders: $modes"
# a failure after the folders were made (a CRS GDAL does not know) leaves
# none of them; an existing parent stays
rc=0; out=$("$N" --lang en export "$T/ws.sqlite" -o "$T/new/x/y" -f gpkg \
    --t-srs EPSG:999999 2>&1) || rc=$?
[ "$rc" != 0 ] || fail "export with a bad CRS succeeded"
[ ! -e "$T/new/x" ] || fail "a failed export left the folders it made"
[ -d "$T/new/deep/er" ] || fail "a failed export removed a folder it did not make"
# a file where a folder is needed: one line naming it
: > "$T/afile"
rc=0; out=$("$N" --lang en export "$T/ws.sqlite" -o "$T/afile/sub" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "-o under a file: exit $rc"
grep -qF "$T/afile: not a folder" <<<"$out" ||
    fail "-o under a file: $out"

# ---- nabolag run: [export] layers and a dir whose parents are missing -----
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s" || fail "copying the sample"
rm -rf "$T/s/out"
P="$T/s/sample.ini"
sed -i 's|^dir = out$|dir = maps/2025\nlayers = areas, alerts|' "$P"
grep -q '^layers = areas, alerts$' "$P" || fail "editing the sample project"
# a bad name: one line naming file, line and the name; nothing created
sed 's/^layers = areas, alerts$/layers = areas, alert/' "$P" > "$T/s/bad.ini"
line=$(grep -n '^layers = ' "$T/s/bad.ini" | cut -d: -f1)
rc=0; out=$("$N" --lang en run "$T/s/bad.ini" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "run, bad layer: exit $rc"
grep -qF "bad.ini:$line: [export] layers: unknown layer 'alert'; the layers are: $six" \
    <<<"$out" || fail "run, bad layer message: $out"
[ ! -e "$T/s/out" ] && [ ! -e "$T/s/maps" ] ||
    fail "a refused project created its folders"
"$N" -q run "$P" >/dev/null 2>"$T/err" || fail "run: $(cat "$T/err")"
got=$(cd "$T/s/maps/2025" && ls | tr '\n' ' ')
[ "$got" = "alerts.geojson alerts.qml areas.geojson areas.qml nabolag.qgs " ] ||
    fail "run with layers = areas, alerts wrote: $got"
order=$(grep -o '<id>nabolag_[a-z]*</id>' "$T/s/maps/2025/nabolag.qgs" |
    tr '\n' ' ')
[ "$order" = "<id>nabolag_alerts</id> <id>nabolag_areas</id> " ] ||
    fail "run: layers in the project: $order"
# the same areas layer as `nabolag export` of the run's workspace writes
# (but for the run id of the provenance, which only the run has)
"$N" -q export "$T/s/out/sample.sqlite" -o "$T/s_full" --config "$P" ||
    fail "export of the run's workspace"
strip() { sed 's/"run_id": *"[^"]*", *//; s/"run_id":"[^"]*",//' "$1"; }
cmp -s <(strip "$T/s_full/areas.geojson") <(strip "$T/s/maps/2025/areas.geojson") ||
    fail "run: areas.geojson differs from the export's"
echo "ok"
