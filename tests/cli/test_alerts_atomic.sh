#!/bin/bash
# labels: cli
# `nabolag alerts` evaluates and writes in one transaction: when the output
# cannot be written the alert states stay as they were (byte for byte), and
# when it can, the evaluation is stored.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$NBL_SOURCE_DIR/sample-data" "$T/s"
rm -rf "$T/s/out"
"$NBL_BIN" --lang en -q run "$T/s/sample.ini" > /dev/null 2>&1 || fail "sample run"
ws="$T/s/out/sample.sqlite"
sum=$(sha256sum < "$ws")
touch "$T/exists.txt"
# evaluating 2023 would store that year's alerts; the output is refused
rc=0; out=$("$NBL_BIN" --lang en alerts "$ws" --year 2023 -o "$T/exists.txt" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "exit $rc: $out"
grep -q "already exists" <<<"$out" || fail "message: $out"
[ "$(sha256sum < "$ws")" = "$sum" ] || fail "workspace changed by a failed 'alerts'"
"$NBL_BIN" --lang en -q alerts "$ws" --year 2023 -o "$T/a2023.txt" || fail "alerts 2023"
[ "$(sha256sum < "$ws")" != "$sum" ] || fail "a successful evaluation stored nothing"
# a category change names what decided it besides the criteria count:
# SK-02 became parallelsamfund in 2021 on its non-western share
"$NBL_BIN" --lang en -q alerts "$ws" --year 2021 -o "$T/a2021.txt" || fail "alerts 2021"
grep -q "now parallelsamfund (parallelsamfund) in 2021, up from udsat boligområde in 2020; 2 criteria met (udsat needs 2). Non-western share 50.9 % (parallelsamfund needs over 50 %)." "$T/a2021.txt" || fail "parallelsamfund message: $(grep parallelsamfund "$T/a2021.txt")"
echo "alerts atomic: all checks passed"
