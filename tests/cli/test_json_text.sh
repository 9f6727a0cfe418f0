#!/bin/bash
# labels: cli
# Text from the user's data that is not UTF-8 in the JSON outputs: a file
# name with a Latin-1 byte ('omr<E5>der.geojson', as a Danish Windows
# machine may name it) is stored as the runs' source; `nabolag info` and
# the export's provenance (GeoPackage metadata) write it with U+FFFD for
# the byte and the rest of the name kept - jansson refuses such text, and
# it was reported as "out of memory" (info, export) or left out.
set -euo pipefail
BIN=${NBL_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
WS=$T/ws.sqlite
"$BIN" -q init "$WS"
name=$(printf 'omr\xe5der.geojson')
cat >"$T/$name" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
{"type":"Feature","properties":{"id":"A","navn":"Vest"},"geometry":{"type":"Polygon","coordinates":[[[700000,6170000],[700250,6170000],[700250,6170200],[700000,6170200],[700000,6170000]]]}}]}
JSON
(cd "$T" && "$BIN" -q import areas "$WS" "$name" --id id --name navn) || fail "import areas"
"$BIN" info "$WS" >"$T/info.json" 2>"$T/err" || fail "info: $(cat "$T/err")"
/usr/bin/python3 - "$T/info.json" <<'PY' || fail "info.json"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
text = json.dumps(d, ensure_ascii=False)
assert "omr\ufffdder.geojson" in text, text[:400]
PY
printf 'area_id,year,pop,pop_18_64,noattach_18_64\nA,2024,100,60,10\n' >"$T/s.csv"
"$BIN" -q import stats "$WS" "$T/s.csv"
"$BIN" -q compute "$WS"
"$BIN" -q export "$WS" -o "$T/out" -f gpkg --layers areas 2>"$T/err" || fail "export: $(cat "$T/err")"
/usr/bin/python3 - "$T/out" <<'PY' || fail "provenance"
import glob, sqlite3, sys
gpkg = glob.glob(sys.argv[1] + "/*.gpkg")[0]
db = sqlite3.connect(gpkg)
meta = " ".join(r[0] for r in db.execute("SELECT metadata FROM gpkg_metadata"))
assert "omr\ufffdder.geojson" in meta, meta[:400]
PY
echo "json text: all checks passed"
