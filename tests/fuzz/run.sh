#!/bin/sh
# Runs one libFuzzer target on its seed corpus: a fixed number of
# executions (NBL_FUZZ_RUNS, default 2000) or, with NBL_FUZZ_SECONDS=N, for
# N seconds. New inputs go to a temporary folder, never into the source
# tree; a crash, leak or sanitizer report fails the test and leaves the
# input in the temporary folder's crash-* file (printed).
# Usage: run.sh TARGET CORPUS_DIR
set -eu
target=$1 corpus=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/nbl-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/new"
if [ -n "${NBL_FUZZ_SECONDS:-}" ]; then
    budget="-max_total_time=$NBL_FUZZ_SECONDS"
else
    budget="-runs=${NBL_FUZZ_RUNS:-1000}"
fi
cd "$work"
if ! "$target" -max_len=65536 -timeout=25 -rss_limit_mb=2048 \
        -print_final_stats=1 "$budget" "$work/new" "$corpus" >"$work/log" 2>&1; then
    cat "$work/log"
    ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null || true
    for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
        [ -f "$f" ] && cp "$f" "${TMPDIR:-/tmp}/" && echo "kept ${TMPDIR:-/tmp}/$(basename "$f")"
    done
    exit 1
fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" || true
