#!/bin/bash
# run_grid.sh - times `nabolag import grid` at national scale: 430,000
# populated 100 m kvadratnet cells x 11 years (4.73 M rows, bench/gen_grid.py)
# into the 8,000 benchmark areas (bench/gen_national.py, the polygons of
# bench/gen_pipeline.py), with /usr/bin/time -v (wall, CPU, peak RSS), against
# the raw libcsv parse of the same file (bench/parse_baseline.c), for both
# methods, and for the first quarter of the rows (to show memory does not
# grow with the rows).
# usage: bench/run_grid.sh        env: BUILD (default build-bench), NBL
# Prints a table on stdout; data in bench/data (gitignored).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/bench/data"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/bench/lib.sh"

if [ ! -s "$DATA/areas.geojson" ]; then
    /usr/bin/python3 "$ROOT/bench/gen_national.py" "$DATA" --points 0
fi
if [ ! -s "$DATA/grid_100m.csv" ]; then
    /usr/bin/python3 "$ROOT/bench/gen_grid.py" "$DATA"
fi
nbl_build
cc -O2 -o "$TMP/parse_baseline" "$ROOT/bench/parse_baseline.c" -lcsv
GRID="$DATA/grid_100m.csv"
lines=$(wc -l <"$GRID")
head -n $(((lines - 1) / 4 + 1)) "$GRID" >"$TMP/grid_quarter.csv"

rows=()
step() {
    timed "$@"
    rows+=("$(row 44 "$1")")
}

WS="$TMP/ws.sqlite"
step "nabolag init + import areas (8,000)" bash -c \
    "'$NBL' --quiet init '$WS' && '$NBL' --quiet import areas '$WS' '$DATA/areas.geojson' --id area_id"
cp "$WS" "$TMP/areas.sqlite"
step "raw libcsv parse of the grid file" "$TMP/parse_baseline" "$GRID"
step "import grid, area-weighted (4.73 M rows)" "$NBL" --quiet import grid "$WS" "$GRID"
grep -h . "$TMP/err" | sed 's/^/    /' >&2 || true
cp "$TMP/areas.sqlite" "$WS"
step "import grid, centroid" "$NBL" --quiet import grid "$WS" "$GRID" --method centroid
cp "$TMP/areas.sqlite" "$WS"
step "import grid, first quarter of the rows" "$NBL" --quiet import grid "$WS" "$TMP/grid_quarter.csv"
cp "$TMP/areas.sqlite" "$WS"
"$NBL" import grid "$WS" "$GRID" 2>"$TMP/summary" >/dev/null
printf '%-44s %9s %9s %9s\n' "step" "wall s" "CPU s" "peak MiB"
printf '%s\n' "${rows[@]}"
echo
sed 's/^nabolag: //' "$TMP/summary"
awk -v a="${rows[1]}" -v b="${rows[2]}" 'BEGIN {
    split(a, x, " {2,}"); n = split(a, p, " "); m = split(b, q, " ");
    printf "import grid / raw parse (CPU): %.1fx\n", q[m - 1] / p[n - 1] }'
