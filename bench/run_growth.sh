#!/bin/bash
# run_growth.sh - how each step of the yearly job grows with its input: every
# step at 1/4, 1/2 and 1x the national data (and 2x for the statistics),
# each under /usr/bin/time -v (wall, CPU, peak RSS), one run each.
#
#   import areas       2,000 / 4,000 / 8,000 areas into a new workspace
#   import stats       their statistics (0.88 / 1.76 / 3.52 M rows, the
#                      statistics file is grouped by area) into that
#                      workspace; 2x: 7.04 M rows (the file twice, the second
#                      copy's years shifted by 11) into the 8,000 areas
#   compute            criteria, profile and safety index, 11 years, of that
#                      workspace (after import refs)
#   export             -f geojson, every layer, of that workspace
#   report             the HTML report of that workspace
#   import incidents   1.25 / 2.5 / 5 M points into the 8,000 areas
#   import grid        the first 1/4, 1/2, all of the 4.73 M grid rows (all
#                      430,000 cells, the first 3, 6, 11 years) into the
#                      8,000 areas
#
# usage: bench/run_growth.sh [STEP...]   steps: areas stats compute export
#        report incidents grid (default all); areas and stats, and compute,
#        export and report, run as chains on one workspace: naming one of a
#        chain runs the chain
# env: BUILD (default build-bench), NBL (a nabolag binary instead), SIZES
#      (default "1/4 1/2 1"; e.g. SIZES=1/4 to try the script out)
# Prints a table on stdout (step, size, wall s, CPU s, peak MiB) and, per
# step, CPU per unit of input at each size relative to 1x (1.00 = linear).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/bench/data"
PY=/usr/bin/python3
STEPS=${*:-areas stats compute export report incidents grid}
SIZES=${SIZES:-1/4 1/2 1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/bench/lib.sh"
want() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }

if [ ! -s "$DATA/pipeline_stats.csv" ] || [ ! -s "$DATA/pipeline_areas.geojson" ]; then
    $PY "$ROOT/bench/gen_pipeline.py" "$DATA"
fi
if want incidents && { [ ! -s "$DATA/points.csv" ] ||
    [ "$(($(wc -l <"$DATA/points.csv") - 1))" != 5000000 ]; }; then
    $PY "$ROOT/bench/gen_national.py" "$DATA" --points 5000000
fi
if want grid && [ ! -s "$DATA/grid_100m.csv" ]; then
    $PY "$ROOT/bench/gen_grid.py" "$DATA"
fi
nbl_build
CFG="$DATA/pipeline.ini"

rows=()
# step NAME SIZE CMD...: runs CMD under /usr/bin/time -v, adds a table row
step() {
    local name=$1 size=$2
    shift 2
    timed "$name $size" "$@"
    rows+=("$(row 24 "$(printf '%-18s %5s' "$name" "$size")")")
}

# the workspace of the 8,000 areas alone, for stats 2x, incidents and grid
"$NBL" --quiet init "$TMP/areas8000.sqlite"
"$NBL" --quiet import areas "$TMP/areas8000.sqlite" "$DATA/pipeline_areas.geojson" \
    --id area_id --name name --municipality municipality --region region

for f in $SIZES; do
    n=$((8000 * ${f%/*} / ${f#*/}))
    if want areas || want stats || want compute || want export || want report; then
        subset_areas "$DATA/pipeline_areas.geojson" "$TMP/areas.geojson" "$n"
        ws="$TMP/ws.sqlite"
        rm -rf "$ws" "$TMP/export" "$TMP/report.html"
        "$NBL" --quiet init "$ws"
        step "import areas" "$f" "$NBL" --quiet import areas "$ws" "$TMP/areas.geojson" \
            --id area_id --name name --municipality municipality --region region
        head -n $((n * 440 + 1)) "$DATA/pipeline_stats.csv" >"$TMP/stats.csv"
        step "import stats" "$f" "$NBL" --quiet import stats "$ws" "$TMP/stats.csv" --config "$CFG"
        "$NBL" --quiet import refs "$ws" "$DATA/pipeline_refs.csv"
        if want compute || want export || want report; then
            step "compute" "$f" "$NBL" --quiet compute "$ws" --config "$CFG"
            step "export" "$f" "$NBL" --quiet export "$ws" -o "$TMP/export"
            step "report" "$f" "$NBL" --quiet report "$ws" -o "$TMP/report.html"
        fi
    fi
done
if want stats && [ "$SIZES" = "1/4 1/2 1" ]; then
    # 2x: the national file, then again with every year + 11 (2025-2035)
    { cat "$DATA/pipeline_stats.csv"
      awk -F, -v OFS=, 'NR > 1 {$2 += 11; print}' "$DATA/pipeline_stats.csv"
    } >"$TMP/stats2x.csv"
    cp "$TMP/areas8000.sqlite" "$TMP/ws2x.sqlite"
    step "import stats" "2" "$NBL" --quiet import stats "$TMP/ws2x.sqlite" \
        "$TMP/stats2x.csv" --config "$CFG"
    rm -f "$TMP/stats2x.csv" "$TMP/ws2x.sqlite"
fi
if want incidents; then
    for f in $SIZES; do
        head -n $((5000000 * ${f%/*} / ${f#*/} + 1)) "$DATA/points.csv" >"$TMP/points.csv"
        cp "$TMP/areas8000.sqlite" "$TMP/wsi.sqlite"
        step "import incidents" "$f" "$NBL" --quiet import incidents "$TMP/wsi.sqlite" "$TMP/points.csv"
    done
    rm -f "$TMP/points.csv" "$TMP/wsi.sqlite"
fi
if want grid; then
    lines=$(($(wc -l <"$DATA/grid_100m.csv") - 1))
    for f in $SIZES; do
        head -n $((lines * ${f%/*} / ${f#*/} + 1)) "$DATA/grid_100m.csv" >"$TMP/grid.csv"
        cp "$TMP/areas8000.sqlite" "$TMP/wsg.sqlite"
        step "import grid" "$f" "$NBL" --quiet import grid "$TMP/wsg.sqlite" "$TMP/grid.csv"
    done
    rm -f "$TMP/grid.csv" "$TMP/wsg.sqlite"
fi

echo
printf '%-18s %5s %9s %9s %9s\n' "step" "size" "wall s" "CPU s" "peak MiB"
printf '%s\n' "${rows[@]}"
echo
echo "CPU per unit of input relative to 1x (1.00 = linear), peak memory relative to 1x:"
printf '%s\n' "${rows[@]}" | awk '
    { n = NF; name = $1; for (i = 2; i <= n - 4; i++) name = name " " $i
      z = $(n - 3); split(z, q, "/"); f = (2 in q) ? q[1] / q[2] : q[1]
      key[++k] = name; size[k] = z; frac[k] = f; cpu[k] = $(n - 1); rss[k] = $n
      if (f == 1) { c1[name] = $(n - 1); r1[name] = $n } }
    END { for (i = 1; i <= k; i++) if (key[i] in c1 && c1[key[i]] > 0)
        printf "%-18s %5s  time/size %5.2f  memory %5.2f\n", key[i], size[i],
               (cpu[i] / frac[i]) / c1[key[i]], rss[i] / r1[key[i]] }'
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
