#!/bin/bash
# run_incidents.sh - times `nabolag import incidents` on national-scale data
# (bench/gen_national.py: 8,000 irregular 24-vertex areas, 5 M points)
# against the raw libcsv parse of the same file (bench/parse_baseline.c) and
# prints the ratio, peak RSS, and a cross-check of a sample against
# SpatiaLite's ST_Covers.
# usage: bench/run_incidents.sh [RUNS]    (default 3; best run reported)
# env: POINTS (default 5000000), BUILD (default build-bench)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/bench/data"
RUNS=${1:-3}
POINTS=${POINTS:-5000000}
BUILD="$ROOT/${BUILD:-build-bench}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ ! -s "$DATA/points.csv" ] || [ ! -s "$DATA/areas.geojson" ] ||
   [ "$(($(wc -l < "$DATA/points.csv") - 1))" != "$POINTS" ]; then
    echo "generating $POINTS points into $DATA ..." >&2
    /usr/bin/python3 "$ROOT/bench/gen_national.py" "$DATA" --points "$POINTS"
fi
echo "building (Release) ..." >&2
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD" -j2 --target nabolag_cli >/dev/null
cc -O2 -o "$BUILD/parse_baseline" "$ROOT/bench/parse_baseline.c" -lcsv
NBL="$BUILD/nabolag"

"$NBL" --quiet init "$TMP/base.sqlite"
t0=$(date +%s.%N)
"$NBL" --quiet import areas "$TMP/base.sqlite" "$DATA/areas.geojson" --id area_id
t1=$(date +%s.%N)
areas_s=$(printf "%.2f" "$(echo "$t1 - $t0" | bc)")

# seconds of the best of $RUNS runs of the baseline parse
best_parse=
for i in $(seq "$RUNS"); do
    s=$("$BUILD/parse_baseline" "$DATA/points.csv" | awk '{print $6}')
    if [ -z "$best_parse" ] || [ "$(echo "$s < $best_parse" | bc)" = 1 ]; then
        best_parse=$s
    fi
done

best_wall= best_cpu= best_rss=
for i in $(seq "$RUNS"); do
    cp "$TMP/base.sqlite" "$TMP/ws.sqlite"
    sync
    /usr/bin/time -v -o "$TMP/time" "$NBL" --quiet import incidents \
        "$TMP/ws.sqlite" "$DATA/points.csv" 2>/dev/null
    wall=$(awk -F': ' '/Elapsed/ {n = split($2, p, ":"); s = 0;
           for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$TMP/time")
    cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2}
          END {print u + s}' "$TMP/time")
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/time")
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc)" = 1 ]; then
        best_wall=$wall best_cpu=$cpu best_rss=$rss
    fi
done
stored=$(sqlite3 "$TMP/ws.sqlite" "SELECT count(*) || ' counts, ' || sum(n) || ' points' FROM incident_counts")

# Cross-check: the first 20,000 points, located by SpatiaLite (ST_Covers
# through the spatial index), against nabolag's counts for the same file.
head -n 20001 "$DATA/points.csv" > "$TMP/sample.csv"
cp "$TMP/base.sqlite" "$TMP/check.sqlite"
"$NBL" --quiet import incidents "$TMP/check.sqlite" "$TMP/sample.csv" 2>/dev/null
check=$(/usr/bin/python3 - "$TMP/check.sqlite" "$TMP/sample.csv" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.enable_load_extension(True)
db.load_extension("mod_spatialite")
ours = {}
for a, n in db.execute("SELECT area_id, sum(n) FROM incident_counts GROUP BY 1"):
    ours[a] = n
theirs, multi = {}, 0
for row in csv.DictReader(open(sys.argv[2])):
    d = row["date"]
    if len(d) != 10 or not d[:4].isdigit():
        continue
    hits = [r[0] for r in db.execute(
        "SELECT area_id FROM areas WHERE ST_Covers(geom, MakePoint(?, ?, 25832)) "
        "AND ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'areas' "
        "AND search_frame = MakePoint(?, ?, 25832))",
        (float(row["x"]), float(row["y"]), float(row["x"]), float(row["y"])))]
    multi += len(hits) > 1
    for a in hits[:1]:
        theirs[a] = theirs.get(a, 0) + 1
diff = sum(abs(ours.get(k, 0) - theirs.get(k, 0)) for k in set(ours) | set(theirs))
print("%d points in areas by SpatiaLite, %d by nabolag, %d differences, "
      "%d on a shared boundary" % (sum(theirs.values()), sum(ours.values()), diff, multi))
PY
)

ratio=$(echo "scale=2; $best_wall / $best_parse" | bc)
cpu_ratio=$(echo "scale=2; $best_cpu / $best_parse" | bc)
echo "points:                 $POINTS ($(du -h "$DATA/points.csv" | cut -f1)), areas: 8000 x 24 vertices"
echo "import areas:           ${areas_s} s"
echo "libcsv parse baseline:  ${best_parse} s (best of $RUNS)"
echo "nabolag import:         ${best_wall} s wall, ${best_cpu} s CPU (best of $RUNS)"
echo "ratio to parse:         ${ratio}x wall, ${cpu_ratio}x CPU"
echo "peak RSS:               $((best_rss / 1024)) MiB"
echo "stored:                 $stored"
echo "cross-check (20,000):   $check"
echo "load average:           $(cut -d' ' -f1-3 /proc/loadavg)"
