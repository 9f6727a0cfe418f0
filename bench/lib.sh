# lib.sh - shared by the bench scripts (bash; source it after setting ROOT
# and TMP): the Release build, a timed step, and a subset of the areas.

# nbl_build: builds nabolag (Release, no tests) in $BUILD (default
# build-bench) and sets NBL to it, unless NBL is set already.
nbl_build() {
    if [ -n "${NBL:-}" ]; then
        return
    fi
    BUILD="$ROOT/${BUILD:-build-bench}"
    echo "building (Release) ..." >&2
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$BUILD" -j2 --target nabolag_cli >/dev/null
    NBL="$BUILD/nabolag"
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v (its stdout and stderr
# in $TMP/out and $TMP/err) and sets WALL, CPU (user + system, seconds) and
# RSS (peak, KiB); a failing CMD is reported with the end of its stderr and
# ends the script with status 1.
timed() {
    local name=$1
    shift
    sync
    if ! /usr/bin/time -v -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err"; then
        echo "FAILED: $name: $*" >&2
        tail -5 "$TMP/err" >&2
        exit 1
    fi
    read -r WALL CPU RSS < <(awk -F': ' '
        /Elapsed/ {k = split($2, p, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + p[i]}
        /User time/ {u = $2} /System time/ {s = $2}
        /Maximum resident/ {r = $2}
        END {printf "%.2f %.2f %d\n", w, u + s, r}' "$TMP/time")
}

# row WIDTH LABEL: the table row of the last timed step (wall s, CPU s,
# peak MiB), also echoed on stderr as progress
row() {
    local r
    r=$(awk -v w="$1" -v n="$2" -v a="$WALL" -v b="$CPU" -v c="$RSS" \
        'BEGIN {printf "%-*s %9.2f %9.2f %9d\n", w, n, a, b, c / 1024}')
    echo "$r" >&2
    echo "$r"
}

# subset_areas SRC DST N: the first N features of the GeoJSON SRC
subset_areas() {
    /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import json, sys
fc = json.load(open(sys.argv[1]))
fc["features"] = fc["features"][:int(sys.argv[3])]
json.dump(fc, open(sys.argv[2], "w"))
PY
}
