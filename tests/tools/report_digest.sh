#!/bin/bash
# report_digest.sh NBL_BIN SOURCE_DIR WORK : runs the sample project (a copy
# in WORK) and writes its HTML report in several ways (the run's own, with
# its run id; Danish with the context layer; English; an earlier year to
# stdout; a strict disclosure configuration that withholds areas and
# rates) and `nabolag area` as text and JSON, with SOURCE_DATE_EPOCH fixed;
# prints one "sha256  name" line per output. The copy's folder is replaced
# by @ in what is hashed (the footer names the workspace by its path), the
# run id by @ (it counts the workspace's runs). Used by
# tests/cli/test_report_identical.sh; the expected digests in
# tests/fixtures/report/sample_digests.txt were printed by this script with
# the report that built its page in memory (the commit before the report
# streamed).
set -eu
BIN=$1 SRC=$2 W=$3
. "${BASH_SOURCE%/*}/sample_run.sh"
printf '[disclosure]\nmin_residents_publish = 700\nmin_denominator = 250\n' \
    >"$W/strict.ini"
mkdir "$W/r"
cp "$W/s/out/report.html" "$W/r/run.html"
"$BIN" -q report "$WS" -o "$W/r/da.html" --context "$W/s/kommune.geojson"
"$BIN" -q --lang en report "$WS" -o "$W/r/en.html" --title 'A <title> & more'
"$BIN" -q report "$WS" -o - --year 2021 >"$W/r/2021-stdout.html"
"$BIN" -q report "$WS" -o "$W/r/strict.html" --config "$W/strict.ini"
for id in SK-01 SK-29; do
    "$BIN" -q area "$WS" "$id" >"$W/r/area-$id.txt"
    "$BIN" -q area "$WS" "$id" -f json --config "$W/strict.ini" \
        >"$W/r/area-$id-strict.json"
done
"$BIN" -q --lang en area "$WS" SK-04 --year 2022 >"$W/r/area-SK-04-2022-en.txt"
# the run id too (sample_run.sh's norm() replaces the folder)
norm_report() {
    norm | sed -E -e 's|(name="nabolag-run-id" content=")[^"]*|\1@|' \
        -e 's|^(<p class="meta">(Kørsel\|Run) ).*(</p>)$|\1@\3|'
}
for f in $(cd "$W/r" && ls); do
    printf '%s  %s\n' "$(norm_report <"$W/r/$f" | sha256sum | cut -d' ' -f1)" "$f"
done
