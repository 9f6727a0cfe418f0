#!/bin/bash
# labels: cli
# The bundled sample project is reproducible and self-consistent:
# sample-data/generate.py rewrites every data file byte for byte the same,
# expected.json is what the independent reference implementation of dk2021
# (tests/reference/dk2021_reference.py) computes from the files, and
# areas.geojson has 32 areas of which exactly SK-20 has an invalid ring.
set -euo pipefail
src=${NBL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

mkdir -p "$tmp/sample-data" "$tmp/tests/reference"
cp "$src"/sample-data/generate.py "$tmp/sample-data/"
cp "$src"/tests/reference/dk2021_reference.py "$tmp/tests/reference/"
"$py" "$tmp/sample-data/generate.py"
for f in areas.geojson stats.csv boligsocial.csv survey.csv refs.csv \
    incidents.csv plans.csv expected.json beboere_excel.csv udsaettelser.xlsx \
    dst_folk1a.csv kommune.geojson; do
    if ! cmp -s "$src/sample-data/$f" "$tmp/sample-data/$f"; then
        echo "sample-data/$f differs from what generate.py writes:"
        diff "$src/sample-data/$f" "$tmp/sample-data/$f" | head -20 || true
        fail=1
    fi
done

"$py" "$src/tests/reference/dk2021_reference.py" --json "$src/sample-data" \
    >"$tmp/expected.json"
if ! cmp -s "$tmp/expected.json" "$src/sample-data/expected.json"; then
    echo "expected.json differs from the reference implementation's output"
    fail=1
fi

if command -v ogrinfo >/dev/null; then
    n=$(ogrinfo -ro -q -dialect sqlite -sql \
        "select count(*) as n from areas" "$src/sample-data/areas.geojson" |
        sed -n 's/.*n (Integer) = //p')
    bad=$(ogrinfo -ro -q -dialect sqlite -sql \
        "select afd_id from areas where not ST_IsValid(geometry)" \
        "$src/sample-data/areas.geojson" 2>/dev/null |
        sed -n 's/.*afd_id (String) = //p' | tr '\n' ' ')
    [ "$n" = 32 ] || { echo "areas.geojson: $n features, want 32"; fail=1; }
    [ "$bad" = "SK-20 " ] || {
        echo "areas.geojson: invalid: '$bad', want 'SK-20 '"; fail=1; }
fi
exit $fail
