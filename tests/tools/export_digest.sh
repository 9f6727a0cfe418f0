#!/bin/bash
# export_digest.sh NBL_BIN SOURCE_DIR WORK : runs the sample project (a copy
# in WORK) and exports it as GeoJSON, GeoPackage and FlatGeobuf with
# SOURCE_DATE_EPOCH fixed; prints one "sha256  file" line per output file.
# The copy's folder is replaced by @ in what is hashed (the provenance names
# the input files by their absolute paths); the GeoPackage is hashed as its
# SQL dump (every table, every row, blobs as hex). Used by
# tests/cli/test_export_identical.sh; the expected digests in
# tests/fixtures/export/sample_digests.txt were printed by this script
# before the export streamed its layers.
set -eu
BIN=$1 SRC=$2 W=$3
. "${BASH_SOURCE%/*}/sample_run.sh"
"$BIN" -q export "$WS" -o "$W/geojson"
"$BIN" -q export "$WS" -o "$W/gpkg" -f GPKG
"$BIN" -q export "$WS" -o "$W/fgb" -f FlatGeobuf
for d in geojson fgb; do
    for f in $(cd "$W/$d" && ls); do
        printf '%s  %s/%s\n' "$(norm <"$W/$d/$f" | sha256sum | cut -d' ' -f1)" "$d" "$f"
    done
done
printf '%s  %s\n' "$(sqlite3 "$W/gpkg/nabolag.gpkg" .dump | norm | sha256sum | cut -d' ' -f1)" "gpkg/nabolag.gpkg"
printf '%s  %s\n' "$(norm <"$W/gpkg/nabolag.qgs" | sha256sum | cut -d' ' -f1)" "gpkg/nabolag.qgs"
