#!/bin/bash
# labels: cli
# `nabolag export -f DRIVER`: the sample exported as Shapefiles, FlatGeobuf
# and CSV next to the GeoJSON reference. Round trips through GDAL
# (tests/tools/compare_layers.py): every field and value back, nulls kept,
# the Shapefile's field names as docs/formats.md documents them (computed
# by the Python script from the documented rules, not by the C code), a
# .qml beside every layer whose field references follow the short names.
# The CRS: GeoJSON in WGS 84, every other format in the working CRS
# (EPSG:25832) or --t-srs; --t-srs rejected for GeoJSON; -lco passed
# through; unknown drivers are usage errors.
set -u
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d /tmp/nbl_formats.XXXXXX)
trap 'rm -rf "$T"' EXIT
PY=/usr/bin/python3
CMP="$PY $NBL_SOURCE_DIR/tests/tools/compare_layers.py"
LAYERS="alerts plans areas profile safety timeseries"

cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s" || fail "copying the sample"
rm -rf "$T/s/out"
"$NBL_BIN" -q run "$T/s/sample.ini" >/dev/null 2>"$T/err" ||
    fail "nabolag run: $(cat "$T/err")"
W="$T/s/out/sample.sqlite"
"$NBL_BIN" -q export "$W" -o "$T/gj" || fail "export GeoJSON"

# Shapefile (by its GDAL name, as ogr2ogr takes it)
"$NBL_BIN" -q export "$W" -o "$T/shp" -f "ESRI Shapefile" 2>"$T/err" ||
    fail "export Shapefile: $(cat "$T/err")"
# a message longer than a dBase string (254 bytes) is cut, never silently
long=$($PY -c "
import json, sys
d = json.load(open('$T/gj/alerts.geojson'))
print(sum(1 for f in d['features']
          if len((f['properties']['message'] or '').encode()) > 254))")
if [ "$long" -gt 0 ]; then
    grep -q "truncated" "$T/err" || fail "no warning for a cut string"
fi
for l in $LAYERS; do
    for e in shp shx dbf prj cpg qml; do
        [ -s "$T/shp/$l.$e" ] || fail "$l.$e missing"
    done
    $CMP "$T/gj/$l.geojson" "$T/shp/$l.shp" "$l" --short-names ||
        fail "Shapefile round trip ($l)"
done
[ -s "$T/shp/nabolag.qgs" ] || fail "nabolag.qgs missing (Shapefile)"
ls -A "$T/shp" | grep -q nbltmp && fail "temporary files left"
grep -q 'source="./areas.shp"' "$T/shp/nabolag.qgs" ||
    fail "nabolag.qgs does not point at areas.shp"
# the styles name the short fields: profile_band -> prof_bnd
grep -q 'attr="prof_bnd"' "$T/shp/profile.qml" ||
    fail "profile.qml does not use the short name prof_bnd"
grep -q 'attr="profile_band"' "$T/shp/profile.qml" &&
    fail "profile.qml still names profile_band"
grep -q 'UTF-8' "$T/shp/areas.cpg" || fail "areas.cpg is not UTF-8"
# nabolag.qgs: every field its styles, labels and aliases name exists in
# the layer's .dbf (the project gets the same short names as the files)
$PY - "$T/shp" <<'PYEOF' || fail "nabolag.qgs names fields the Shapefiles do not have"
import os, sys
import xml.etree.ElementTree as ET
from osgeo import ogr
d = sys.argv[1]
bad = 0
for ml in ET.parse(os.path.join(d, "nabolag.qgs")).getroot().iter("maplayer"):
    name = ml.find("id").text.replace("nabolag_", "")
    ds = ogr.Open(os.path.join(d, name + ".shp"))  # kept: the layer dies with it
    defn = ds.GetLayer(0).GetLayerDefn()
    have = {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())}
    used = {a.get("field") for a in ml.iter("alias")}
    for e in ml.iter():
        if e.get("attr"):
            used.add(e.get("attr"))
        if e.get("fieldName") and e.get("isExpression") != "1":
            used.add(e.get("fieldName"))
    missing = sorted(used - have)
    if missing:
        bad += 1
        print("%s: %s" % (name, missing[:8]))
if not any(True for _ in ET.parse(os.path.join(d, "nabolag.qgs")).getroot().iter("alias")):
    bad += 1
    print("no aliases")
sys.exit(1 if bad else 0)
PYEOF
# a null survives: the GeoJSON has nulls in the alerts layer
nulls=$($PY - "$T/shp/alerts.shp" <<'PYEOF'
import sys
from osgeo import ogr
n = 0
ds = ogr.Open(sys.argv[1])  # kept: its layer dies with it
for f in ds.GetLayer():
    n += sum(1 for i in range(f.GetFieldCount())
             if not f.IsFieldSetAndNotNull(i))
print(n)
PYEOF
)
[ "$nulls" -gt 0 ] || fail "no null read back from alerts.shp"

# FlatGeobuf (alias fgb)
"$NBL_BIN" -q export "$W" -o "$T/fgb" -f fgb || fail "export FlatGeobuf"
for l in $LAYERS; do
    [ -s "$T/fgb/$l.qml" ] || fail "$l.qml missing (FlatGeobuf)"
    $CMP "$T/gj/$l.geojson" "$T/fgb/$l.fgb" "$l" ||
        fail "FlatGeobuf round trip ($l)"
done

# CRS: the working CRS by default, --t-srs otherwise; GeoJSON stays WGS 84
srs() { ogrinfo -ro -so "$1" "$2" | grep -o 'ID\["EPSG",[0-9]*\]]$' | tail -1; }
[ "$(srs "$T/fgb/areas.fgb" areas)" = 'ID["EPSG",25832]]' ] ||
    fail "FlatGeobuf not in EPSG:25832: $(srs "$T/fgb/areas.fgb" areas)"
[ "$(srs "$T/shp/areas.shp" areas)" = 'ID["EPSG",25832]]' ] ||
    fail "Shapefile not in EPSG:25832"
"$NBL_BIN" -q export "$W" -o "$T/gpkg" -f GPKG || fail "export GPKG"
[ "$(srs "$T/gpkg/nabolag.gpkg" areas)" = 'ID["EPSG",25832]]' ] ||
    fail "GeoPackage not in EPSG:25832"
"$NBL_BIN" -q export "$W" -o "$T/gpkg3035" -f gpkg --t-srs EPSG:3035 ||
    fail "export --t-srs EPSG:3035"
[ "$(srs "$T/gpkg3035/nabolag.gpkg" areas)" = 'ID["EPSG",3035]]' ] ||
    fail "GeoPackage not in EPSG:3035"
$CMP "$T/gj/areas.geojson" "$T/gpkg3035/nabolag.gpkg" areas ||
    fail "GeoPackage in EPSG:3035: geometries or values differ"
grep -q '<authid>EPSG:3035</authid>' "$T/gpkg3035/nabolag.qgs" ||
    fail "nabolag.qgs does not give the layers EPSG:3035"
# a known point: SK-01's first vertex, EPSG:25832 -> 3035 by PROJ itself
x=$($PY - "$T/gpkg3035/nabolag.gpkg" "$T/fgb/areas.fgb" <<'PYEOF'
import sys
from osgeo import ogr, osr
def first(path, name):
    ds = ogr.Open(path)  # kept: its layer dies with it
    for f in ds.GetLayerByName(name):
        if f.GetField("area_id") == "SK-01":
            return f.GetGeometryRef().GetGeometryRef(0).GetGeometryRef(0).GetPoint_2D(0)
a = first(sys.argv[1], "areas")
b = first(sys.argv[2], "areas")
s, t = osr.SpatialReference(), osr.SpatialReference()
s.ImportFromEPSG(25832); t.ImportFromEPSG(3035)
for r in (s, t):
    r.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
x, y, _ = osr.CoordinateTransformation(s, t).TransformPoint(b[0], b[1])
print("ok" if abs(x - a[0]) < 1e-3 and abs(y - a[1]) < 1e-3 else
      "%r vs %r" % ((x, y), a))
PYEOF
)
[ "$x" = ok ] || fail "EPSG:3035 coordinates: $x"
"$NBL_BIN" -q export "$W" -o "$T/bad" --t-srs EPSG:25832 2>"$T/err" &&
    fail "--t-srs accepted for GeoJSON"
grep -q "RFC 7946" "$T/err" || fail "--t-srs GeoJSON message: $(cat "$T/err")"
[ -e "$T/bad" ] && fail "a refused export left its folder"
"$NBL_BIN" -q export "$W" -o "$T/bad" -f fgb --t-srs EPSG:nonsense \
    2>"$T/err" && fail "a bad --t-srs accepted"
grep -q "t-srs" "$T/err" || fail "bad --t-srs message: $(cat "$T/err")"

# CSV with its geometry as WKT; -lco passed through (SEPARATOR)
"$NBL_BIN" -q export "$W" -o "$T/csv" -f CSV -lco SEPARATOR=SEMICOLON ||
    fail "export CSV"
head -1 "$T/csv/areas.csv" | grep -q '^WKT;area_id;' ||
    fail "CSV header: $(head -1 "$T/csv/areas.csv")"

# usage errors
"$NBL_BIN" -q export "$W" -o "$T/x" -f nosuchdriver 2>"$T/err"
[ $? = 2 ] || fail "unknown driver: exit status"
grep -q "nosuchdriver" "$T/err" || fail "unknown driver message"
"$NBL_BIN" -q export "$W" -o "$T/x" -lco NOEQUALS 2>"$T/err"
[ $? = 2 ] || fail "-lco without = : exit status"
"$NBL_BIN" -q export "$W" -o "$T/x" -f PostgreSQL 2>"$T/err"
[ $? = 2 ] || fail "PostgreSQL to a folder: exit status"
grep -q "connection string" "$T/err" || fail "PostgreSQL folder message"
# overwrite: a second Shapefile export into the same folder is refused
"$NBL_BIN" -q export "$W" -o "$T/shp" -f shp 2>"$T/err" &&
    fail "second export without --overwrite"
grep -q "already exists" "$T/err" || fail "exists message: $(cat "$T/err")"
"$NBL_BIN" -q export "$W" -o "$T/shp" -f shp --overwrite ||
    fail "export --overwrite"
echo "ok"
