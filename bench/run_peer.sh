#!/bin/bash
# run_peer.sh - the whole yearly job, `nabolag run` against the same job
# written in GeoPandas/pandas (bench/peer_geopandas_pipeline.py), without
# and with the 5 M incident points, each under /usr/bin/time -v (wall, CPU,
# peak RSS); checks that both give the same category for every area and
# year (and the same incident counts), then prints the ratios. Like with
# like: the peer writes the areas layer of the year as GeoJSON, so the
# compared runs of nabolag write only that layer too (`[export] layers =
# areas`: areas.geojson, its .qml and nabolag.qgs). nabolag is also timed
# once writing all six layers of its export (without incidents), and both
# ratios are printed.
#
# usage: bench/run_peer.sh [--tiny | --scale F]
#   (none)     national scale: 8,000 areas, 3.52 M statistic rows, 5 M points
#              (bench/gen_pipeline.py, bench/gen_national.py into bench/data)
#   --scale F  the first F x 8,000 areas, their statistics and F x 5 M points
#              (F = 0.25 to develop on the shared machine)
#   --tiny     200 areas, 20,000 points, generated into a temporary folder:
#              the smoke test of the peer's check (seconds, not minutes)
# env: BUILD (default build-bench; with --tiny and an existing build/,
#      build), NBL (a nabolag binary to use instead of building one)
# Exit status 1 when a step fails or the peer's categories differ.
# Needs python3-geopandas and python3-rtree: scripts/deps.sh --bench.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/bench/data"
MODE=national SCALE=1
case "${1:-}" in
--tiny) MODE=tiny ;;
--scale) MODE=scale SCALE=$2 ;;
"") ;;
*) sed -n '2,22p' "$0" >&2; exit 2 ;;
esac
PY=/usr/bin/python3
PEER="$ROOT/bench/peer_geopandas_pipeline.py"
if ! $PY -c 'import geopandas, rtree' 2>/dev/null; then
    echo "run_peer.sh: needs python3-geopandas and python3-rtree (scripts/deps.sh --bench)" >&2
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/bench/lib.sh"

if [ -z "${NBL:-}" ]; then
    if [ "$MODE" = tiny ] && [ -z "${BUILD:-}" ] && [ -x "$ROOT/build/nabolag" ]; then
        NBL="$ROOT/build/nabolag"
    fi
fi
nbl_build

# the inputs: IN/{areas.geojson,stats.csv,refs.csv,points.csv,pipeline.ini}
IN="$TMP/in"
mkdir -p "$IN"
if [ "$MODE" = tiny ]; then
    $PY "$ROOT/bench/gen_national.py" "$IN" --points 20000
    $PY "$ROOT/bench/gen_pipeline.py" "$IN" --areas 200
    mv "$IN/pipeline_areas.geojson" "$IN/areas.geojson"
    mv "$IN/pipeline_stats.csv" "$IN/stats.csv"
    mv "$IN/pipeline_refs.csv" "$IN/refs.csv"
else
    if [ ! -s "$DATA/pipeline_stats.csv" ] || [ ! -s "$DATA/pipeline_areas.geojson" ]; then
        echo "generating national-scale data into $DATA ..." >&2
        $PY "$ROOT/bench/gen_pipeline.py" "$DATA"
    fi
    if [ ! -s "$DATA/points.csv" ] || [ "$(($(wc -l <"$DATA/points.csv") - 1))" != 5000000 ]; then
        echo "generating 5,000,000 points into $DATA ..." >&2
        $PY "$ROOT/bench/gen_national.py" "$DATA" --points 5000000
    fi
    # the first F of the areas (statistics are grouped by area, in order)
    n_areas=$(awk -v f="$SCALE" 'BEGIN {printf "%d", 8000 * f}')
    subset_areas "$DATA/pipeline_areas.geojson" "$IN/areas.geojson" "$n_areas"
    head -n $((n_areas * 440 + 1)) "$DATA/pipeline_stats.csv" >"$IN/stats.csv"
    head -n "$(awk -v f="$SCALE" 'BEGIN {printf "%d", 5000000 * f + 1}')" \
        "$DATA/points.csv" >"$IN/points.csv"
    cp "$DATA/pipeline_refs.csv" "$IN/refs.csv"
    cp "$DATA/pipeline.ini" "$IN/pipeline.ini"
fi

# the project files of `nabolag run`: without and with the incidents,
# exporting the areas layer (as the peer) or all six layers
project() { # project DIR WITH_INCIDENTS LAYERS (areas, or all)
    mkdir -p "$1"
    {
        printf '[project]\nname = national benchmark\nworkspace = ws.sqlite\n'
        printf 'crs = EPSG:25832\nruleset = dk2021\n\n'
        printf '[areas]\nsource = %s\nid = area_id\nname = name\n' "$IN/areas.geojson"
        printf 'municipality = municipality\nregion = region\n\n'
        printf '[stats]\nsource = %s\n\n[refs]\nsource = %s\n\n' "$IN/stats.csv" "$IN/refs.csv"
        if [ "$2" = 1 ]; then
            printf '[incidents]\nsource = %s\nx_field = x\ny_field = y\n' "$IN/points.csv"
            printf 'date_field = date\ncategory_field = category\nsrc_crs = EPSG:25832\n\n'
        fi
        sed -n '/^\[variable\./,/^$/p' "$IN/pipeline.ini"
        printf '[alerts]\noutput = alerts.json\n\n'
        printf '[export]\ndir = out\nformat = geojson\noverwrite = true\n'
        if [ "$3" = areas ]; then
            printf 'layers = areas\n'
        fi
    } >"$1/project.ini"
}
project "$TMP/nbl" 0 areas
project "$TMP/nbl_inc" 1 areas
project "$TMP/nbl_all" 0 all

rows=()
# step NAME CMD...: runs CMD under /usr/bin/time -v, adds a table row and
# keeps the CPU seconds and peak KiB in $TMP/NAME.cpu / .rss for the ratios
step() {
    timed "$@"
    rows+=("$(row 40 "$1")")
    echo "$CPU" >"$TMP/$1.cpu"
    echo "$RSS" >"$TMP/$1.rss"
}

step nabolag "$NBL" --quiet run "$TMP/nbl/project.ini"
step peer $PY "$PEER" run "$IN/areas.geojson" "$IN/stats.csv" "$IN/refs.csv" "$TMP/peer"
step nabolag_all_layers "$NBL" --quiet run "$TMP/nbl_all/project.ini"
step nabolag_inc "$NBL" --quiet run "$TMP/nbl_inc/project.ini"
step peer_inc $PY "$PEER" run "$IN/areas.geojson" "$IN/stats.csv" "$IN/refs.csv" \
    "$TMP/peer_inc" --incidents "$IN/points.csv"

echo
echo "check: the peer's categories against nabolag's"
fail=0
# the compared runs wrote the areas layer alone, the other one all six
for d in nbl nbl_inc nbl_all; do
    got=$(cd "$TMP/$d/out" && ls | tr '\n' ' ')
    want="areas.geojson areas.qml nabolag.qgs "
    [ "$d" = nbl_all ] && want="alerts.geojson alerts.qml areas.geojson areas.qml nabolag.qgs plans.geojson plans.qml profile.geojson profile.qml safety.geojson safety.qml timeseries.geojson timeseries.qml "
    if [ "$got" != "$want" ]; then
        echo "FAIL: $d/out holds $got, expected $want" >&2
        fail=1
    fi
done
[ "$fail" = 1 ] || echo "exports: the compared runs wrote the areas layer alone, nabolag_all_layers all six"
$PY "$PEER" check "$TMP/peer" "$TMP/nbl/ws.sqlite" || fail=1
$PY "$PEER" check "$TMP/peer_inc" "$TMP/nbl_inc/ws.sqlite" || fail=1

if [ "$MODE" = tiny ]; then
    # the check itself must be able to fail: one category, one count changed
    cp -r "$TMP/peer_inc" "$TMP/bad_cat" && cp -r "$TMP/peer_inc" "$TMP/bad_n"
    awk -F, -v OFS=, 'NR == 2 {$3 = $3 == "none" ? "udsat" : "none"} 1' \
        "$TMP/peer_inc/categories.csv" >"$TMP/bad_cat/categories.csv"
    awk -F, -v OFS=, 'NR == 2 {$4 += 1} 1' \
        "$TMP/peer_inc/incident_counts.csv" >"$TMP/bad_n/incident_counts.csv"
    for b in bad_cat bad_n; do
        if $PY "$PEER" check "$TMP/$b" "$TMP/nbl_inc/ws.sqlite" >"$TMP/$b.out"; then
            echo "FAIL: the check passed a changed $b" >&2
            fail=1
        elif ! grep -q '^MISMATCH' "$TMP/$b.out"; then
            echo "FAIL: the check failed $b without naming the area" >&2
            fail=1
        else
            echo "the check finds a changed ${b#bad_}: $(grep -m1 '^MISMATCH' "$TMP/$b.out")"
        fi
    done
fi

r() { cat "$TMP/$1.$2"; }
echo
printf '%-40s %9s %9s %9s\n' "step" "wall s" "CPU s" "peak MiB"
printf '%s\n' "${rows[@]}"
echo
echo "input:   $(($(wc -l <"$IN/stats.csv") - 1)) statistic rows, $(grep -o '"area_id"' "$IN/areas.geojson" | wc -l) areas, $(($(wc -l <"$IN/points.csv") - 1)) points"
awk -v nc="$(r nabolag cpu)" -v pc="$(r peer cpu)" -v nr="$(r nabolag rss)" -v pr="$(r peer rss)" \
    -v xc="$(r nabolag_all_layers cpu)" -v xr="$(r nabolag_all_layers rss)" \
    -v nic="$(r nabolag_inc cpu)" -v pic="$(r peer_inc cpu)" \
    -v nir="$(r nabolag_inc rss)" -v pir="$(r peer_inc rss)" 'BEGIN {
    printf "without incidents: pandas CPU / nabolag CPU = %.2fx (target >= 2), nabolag peak memory = 1/%.1f of pandas'\''s (target <= 1/10); both write the areas layer\n", pc / nc, pr / nr
    printf "with incidents:    pandas CPU / nabolag CPU = %.2fx (target >= 10), nabolag peak memory = 1/%.1f of pandas'\''s (target <= 1/10); both write the areas layer\n", pic / nic, pir / nir
    printf "all six layers:    pandas CPU / nabolag CPU = %.2fx, nabolag peak memory = 1/%.1f of pandas'\''s (no incidents; nabolag writes its whole export, the peer its areas layer)\n", pc / xc, pr / xr }'
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$fail" = 1 ]; then
    echo "FAIL: the peer's results differ from nabolag's (above)" >&2
    exit 1
fi
