#!/bin/bash
# labels: valgrind slow
# `nabolag run` on a copy of the sample project under valgrind: no invalid
# reads/writes, no use of uninitialised values, no definite leaks - once for
# the whole successful pipeline (imports, compute, alerts, export, report)
# and once for a run that fails in the stats import (the rollback path).
# About 15-30 s; not in the default run (ctest -L valgrind runs it).
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

if ! command -v valgrind >/dev/null; then
    echo "skipped: valgrind is not installed"
    exit 0
fi
# valgrind cannot run a sanitizer build
if ldd "$NBL_BIN" 2>/dev/null | grep -q 'libasan\|libubsan' ||
    grep -q -a '__asan_init' "$NBL_BIN"; then
    echo "skipped: $NBL_BIN is a sanitizer build"
    exit 0
fi

vg() {
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
        --error-exitcode=99 --num-callers=30 --log-file="$T/vg.log" \
        "$NBL_BIN" --quiet "$@" >"$T/out" 2>"$T/err"
}

cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
rm -rf "$T/s/out"
vg run "$T/s/sample.ini"
rc=$?
[ $rc -eq 99 ] && fail "valgrind errors in 'run':
$(cat "$T/vg.log")"
[ $rc -eq 0 ] || fail "'run' exited $rc: $(tail -3 "$T/err")"
[ -s "$T/s/out/areas.geojson" ] || fail "'run' wrote no areas.geojson"

# the same project with a bad stats row: the run fails and rolls back
rm -rf "$T/s/out"
echo 'SK-01,2024,n/a,1,1,1,1,1,1,1,1,1,1,1' >>"$T/s/stats.csv"
vg run "$T/s/sample.ini"
rc=$?
[ $rc -eq 99 ] && fail "valgrind errors in the failing 'run':
$(cat "$T/vg.log")"
[ $rc -eq 1 ] || fail "the failing 'run' exited $rc, expected 1"
echo ok
