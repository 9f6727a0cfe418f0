#!/bin/bash
# run_pipeline.sh - times the whole yearly job at national scale: 8,000 areas,
# 11 years, 40 variables = 3,520,000 statistic rows (bench/gen_pipeline.py),
# step by step with /usr/bin/time -v (wall, CPU, peak RSS), and the same jobs
# done by other tools: the stats CSV loaded into an indexed SQLite table with
# the sqlite3 CLI's .import, the areas loaded into SpatiaLite and the areas
# layer written to a GeoPackage and the exported GeoPackage rewritten as
# GeoJSON with ogr2ogr. Also imports a quarter of the
# stats rows, to show whether memory grows with the input.
# usage: bench/run_pipeline.sh [--all]   env: BUILD (default build-bench), NBL
#   --all  then also bench/run_incidents.sh 1 and bench/run_peer.sh (about
#          25 more minutes: GeoPandas joins 5 M points) and prints every
#          target of issue 13 together at the end
# Prints a table on stdout; data in bench/data (gitignored).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/bench/data"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/bench/lib.sh"

if [ ! -s "$DATA/pipeline_stats.csv" ] || [ ! -s "$DATA/pipeline_areas.geojson" ]; then
    echo "generating national-scale data into $DATA ..." >&2
    /usr/bin/python3 "$ROOT/bench/gen_pipeline.py" "$DATA"
fi
nbl_build
WS="$TMP/ws.sqlite"
CFG="$DATA/pipeline.ini"

rows=()
# step NAME CMD...: runs CMD under /usr/bin/time -v, adds a table row; the
# last step's CPU seconds and peak KiB stay in CPU and RSS for the ratios
step() {
    timed "$@"
    rows+=("$(row 34 "$1")")
}

step "nabolag init" "$NBL" --quiet init "$WS"
step "nabolag import areas (8,000)" "$NBL" --quiet import areas "$WS" \
    "$DATA/pipeline_areas.geojson" --id area_id --name name \
    --municipality municipality --region region
cp "$WS" "$TMP/areas_only.sqlite"
step "nabolag import stats (3.52 M rows)" "$NBL" --quiet import stats "$WS" \
    "$DATA/pipeline_stats.csv" --config "$CFG"
stats_cpu=$CPU
step "nabolag import refs" "$NBL" --quiet import refs "$WS" "$DATA/pipeline_refs.csv"
step "nabolag compute --criteria-only" "$NBL" --quiet compute "$WS" \
    --config "$CFG" --criteria-only
step "nabolag compute (11 years)" "$NBL" --quiet compute "$WS" --config "$CFG"
step "nabolag alerts -f json (2024)" "$NBL" --quiet alerts "$WS" -f json -o "$TMP/alerts.json"
step "nabolag export -f geojson" "$NBL" --quiet export "$WS" -o "$TMP/geojson"
export_cpu=$CPU export_rss=$RSS
step "nabolag export -f gpkg" "$NBL" --quiet export "$WS" -o "$TMP/gpkg" -f gpkg
step "nabolag report" "$NBL" --quiet report "$WS" -o "$TMP/report.html"
report_rss=$RSS

# scaling: a quarter of the rows into a workspace with only the areas
head -n $((3520000 / 4 + 1)) "$DATA/pipeline_stats.csv" >"$TMP/quarter.csv"
cp "$TMP/areas_only.sqlite" "$TMP/q.sqlite"
step "nabolag import stats (0.88 M rows)" "$NBL" --quiet import stats "$TMP/q.sqlite" \
    "$TMP/quarter.csv" --config "$CFG"

# the same jobs by other tools
cat >"$TMP/import.sql" <<EOF
CREATE TABLE stats (area_id TEXT NOT NULL, year INTEGER NOT NULL,
                    variable TEXT NOT NULL, value REAL,
                    PRIMARY KEY (area_id, year, variable));
.import --csv --skip 1 $DATA/pipeline_stats.csv stats
EOF
step "sqlite3 .import (PK table)" sh -c "sqlite3 '$TMP/sq.sqlite' < '$TMP/import.sql'"
sqlite_cpu=$CPU
printf '.import --csv %s stats\n' "$DATA/pipeline_stats.csv" >"$TMP/plain.sql"
step "sqlite3 .import (no index)" sh -c "sqlite3 '$TMP/sq2.sqlite' < '$TMP/plain.sql'"
step "ogr2ogr areas -> SpatiaLite" ogr2ogr -f SQLite -dsco SPATIALITE=YES \
    -t_srs EPSG:25832 -nlt MULTIPOLYGON "$TMP/og.sqlite" "$DATA/pipeline_areas.geojson"
step "ogr2ogr ws areas -> GPKG" ogr2ogr -f GPKG "$TMP/og.gpkg" "$WS" areas
# the layers nabolag wrote to the GeoPackage (in the working CRS), rewritten
# as RFC 7946 GeoJSON by ogr2ogr: what the GeoJSON export of the same six
# layers costs in GDAL itself
step "ogr2ogr export gpkg -> GeoJSON" sh -c "for l in alerts plans areas profile safety timeseries; do
    ogr2ogr -f GeoJSON -lco RFC7946=YES -lco COORDINATE_PRECISION=7 \
        '$TMP/og_\$l.geojson' '$TMP/gpkg/nabolag.gpkg' \$l || exit 1; done"
ogr_cpu=$CPU

stored=$(sqlite3 "$WS" "SELECT (SELECT count(*) FROM stats) || ' stats rows, ' ||
    (SELECT count(*) FROM category_results) || ' category results, ' ||
    (SELECT count(*) FROM alerts) || ' alerts'")
sq=$(sqlite3 "$TMP/sq.sqlite" "SELECT count(*) FROM stats")
echo
echo "step                                  wall s     CPU s  peak MiB"
printf '%s\n' "${rows[@]}"
echo
echo "input:   $(du -h "$DATA/pipeline_stats.csv" | cut -f1) stats CSV, $(du -h "$DATA/pipeline_areas.geojson" | cut -f1) areas GeoJSON"
echo "stored:  $stored; sqlite3 .import: $sq rows"
echo "sizes:   workspace $(du -h "$WS" | cut -f1), sqlite3 PK table $(du -h "$TMP/sq.sqlite" | cut -f1)"
echo
echo "issue 13's targets, this run (CPU ratios):"
awk -v s="$stats_cpu" -v q="$sqlite_cpu" -v e="$export_cpu" -v o="$ogr_cpu" \
    -v er="$export_rss" -v rr="$report_rss" 'BEGIN {
    m = "met"; n = "not met"
    printf "  import stats / sqlite3 .import:  %.2fx (target <= 1.0: %s)\n", s / q, s <= q ? m : n
    printf "  export geojson / ogr2ogr:        %.2fx (target <= 1.0: %s)\n", e / o, e <= o ? m : n
    printf "  export peak memory:              %d MiB (target <= 80: %s)\n", er / 1024, er / 1024 <= 80 ? m : n
    printf "  report peak memory:              %d MiB (target <= 80: %s)\n", rr / 1024, rr / 1024 <= 80 ? m : n }'
if [ "${1:-}" = --all ]; then
    "$ROOT/bench/run_incidents.sh" 1 >"$TMP/inc.txt"
    NBL="$NBL" "$ROOT/bench/run_peer.sh" >"$TMP/peer.txt" || peer_failed=1
    awk -F': *' '/^ratio to parse/ {split($2, a, "x"); r = a[1] + 0
        printf "  import incidents / libcsv parse: %.2fx wall (target <= 3: %s)\n", r, r <= 3 ? "met" : "not met"}' "$TMP/inc.txt"
    grep -E '^(without|with) incidents:' "$TMP/peer.txt" | sed 's/^/  nabolag run vs GeoPandas, /'
    grep -E '^(categories|incident counts):' "$TMP/peer.txt" | sed 's/^/  the peer checked: /'
    [ -z "${peer_failed:-}" ] || echo "  FAIL: the peer's categories or counts differ from nabolag's" >&2
else
    echo "  (incidents: bench/run_incidents.sh; the whole job against GeoPandas: bench/run_peer.sh; all: --all)"
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
